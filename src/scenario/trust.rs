//! What a scenario says about trust: where senders get each person's keys, how a person's
//! devices share a key pair, which devices are web pages running a server's code, and which
//! links' TLS is only opportunistic. Resolved after the names, checked so that nothing is
//! assumed silently (a key with no source is a located error, not a quiet "verified").

use std::collections::{BTreeMap, BTreeSet};

use super::error::{ScenarioError, ScenarioErrorKind as Kind};
use super::file::{ScenarioFile, Str, TlsFile};
use super::types::*;
use super::validate::{Ctx, quote_list};

/// A link's `tls`: `(protected, opportunistic)`.
pub(super) fn link_tls(ctx: &Ctx<'_>, tls: &TlsFile) -> Result<(bool, bool), ScenarioError> {
    match tls {
        TlsFile::Flag(b) => Ok((*b, false)),
        TlsFile::Word(w) if w.as_str() == "opportunistic" => Ok((true, true)),
        TlsFile::Word(w) => Err(ctx.err(
            w,
            Kind::UnknownWord,
            format!(
                "tls: \"{}\"? write true, false or \"opportunistic\" (STARTTLS without MTA-STS or DANE)",
                w.as_str()
            ),
        )),
    }
}

/// The scenario's key sync mode (`keys_synced_via_server: true` is `escrow`).
pub(super) fn key_sync(ctx: &Ctx<'_>, f: &ScenarioFile) -> Result<KeySync, ScenarioError> {
    let Some(word) = &f.key_sync else {
        return Ok(if f.keys_synced_via_server {
            KeySync::Escrow
        } else {
            KeySync::None
        });
    };
    let mode = KeySync::ALL
        .into_iter()
        .find(|k| k.name() == word.as_str())
        .ok_or_else(|| {
            ctx.err(
                word,
                Kind::UnknownWord,
                format!(
                    "unknown key_sync \"{}\"; expected one of {}",
                    word.as_str(),
                    quote_list(KeySync::ALL.map(KeySync::name))
                ),
            )
        })?;
    if f.keys_synced_via_server && mode != KeySync::Escrow {
        return Err(ctx.err(
            word,
            Kind::Invalid,
            format!(
                "keys_synced_via_server: true means key_sync: \"escrow\", not \"{}\"; keep one",
                word.as_str()
            ),
        ));
    }
    Ok(mode)
}

/// Marks the devices that are web pages, with the server whose code they run.
pub(super) fn web_clients(
    ctx: &Ctx<'_>,
    f: &ScenarioFile,
    devices: &mut [Device],
    device_index: &BTreeMap<String, usize>,
    server_index: &BTreeMap<String, usize>,
) -> Result<(), ScenarioError> {
    for w in &f.web_clients {
        let &d = device_index.get(w.device.as_str()).ok_or_else(|| {
            ctx.err(
                &w.device,
                Kind::UnknownName,
                format!("unknown device \"{}\"", w.device.as_str()),
            )
        })?;
        let &s = server_index.get(w.code_from.as_str()).ok_or_else(|| {
            ctx.err(
                &w.code_from,
                Kind::UnknownName,
                format!(
                    "unknown server \"{}\": code_from names the server whose page the device runs",
                    w.code_from.as_str()
                ),
            )
        })?;
        devices[d].kind = DeviceKind::Browser;
        if devices[d].code_from.replace(s).is_some() {
            return Err(ctx.err(
                &w.device,
                Kind::DuplicateName,
                format!("\"{}\" is listed twice as a web client", w.device.as_str()),
            ));
        }
    }
    Ok(())
}

/// Reads `device_kinds`: each names a device once and a known kind.
pub(super) fn device_kinds(
    ctx: &Ctx<'_>,
    f: &ScenarioFile,
    devices: &mut [Device],
    device_index: &BTreeMap<String, usize>,
) -> Result<(), ScenarioError> {
    let mut seen = BTreeSet::new();
    for k in &f.device_kinds {
        let &d = device_index.get(k.device.as_str()).ok_or_else(|| {
            let what = format!("unknown device \"{}\"", k.device.as_str());
            ctx.err(&k.device, Kind::UnknownName, what)
        })?;
        devices[d].kind = DeviceKind::parse(k.kind.as_str()).ok_or_else(|| {
            let what = format!(
                "unknown device kind \"{}\"; expected one of {}",
                k.kind.as_str(),
                quote_list(DeviceKind::ALL.map(DeviceKind::name))
            );
            ctx.err(&k.kind, Kind::Invalid, what)
        })?;
        if !seen.insert(d) {
            let what = format!("\"{}\" is given a kind twice", k.device.as_str());
            return Err(ctx.err(&k.device, Kind::DuplicateName, what));
        }
    }
    Ok(())
}

/// Reads each person's `keys_from`.
pub(super) fn keys_from(
    ctx: &Ctx<'_>,
    f: &ScenarioFile,
    people: &mut [Person],
    server_index: &BTreeMap<String, usize>,
    servers: &[Server],
) -> Result<(), ScenarioError> {
    for (p, file) in people.iter_mut().zip(&f.people) {
        let Some(word) = &file.keys_from else {
            continue;
        };
        p.keys_from = match word.as_str() {
            "in-person" => KeySource::InPerson,
            name => {
                let &s = server_index.get(name).ok_or_else(|| {
                    ctx.err(
                        word,
                        Kind::UnknownName,
                        format!("keys_from: \"{name}\" is neither \"in-person\" nor a server"),
                    )
                })?;
                if !servers[s].has(Part::KeyDirectory) {
                    return Err(ctx.err(word, Kind::Invalid, format!(
                        "keys_from: \"{name}\", but {name} has no \"key-directory\" part to serve keys from"
                    )));
                }
                KeySource::Server(s)
            }
        };
    }
    Ok(())
}

/// Every device a message goes to must have a key source: a directory on the way, a named
/// server, or keys exchanged in person. Otherwise e2e would silently act as if verified.
pub(super) fn every_key_has_a_source(
    ctx: &Ctx<'_>,
    f: &ScenarioFile,
    sc: &mut Scenario,
) -> Result<(), ScenarioError> {
    for m in &sc.messages {
        for route in &m.routes {
            let owner = sc.devices[route.device].owner;
            let person = &sc.people[owner];
            if person.keys_from != KeySource::Directories || !sc.key_sources(route).is_empty() {
                continue;
            }
            let at: &Str = &f.people[owner].name;
            return Err(ctx.err(at, Kind::Invalid, format!(
                "where do senders get {}'s keys? No key directory lies on the way from {} to {}. \
                 Give a server on the way a \"key-directory\" part, or add keys_from: \"in-person\" \
                 (or a server with a key directory, e.g. a keyserver) to {}",
                person.name,
                sc.devices[m.from_device].name,
                sc.devices[route.device].name,
                person.name
            )));
        }
    }
    Ok(())
}
