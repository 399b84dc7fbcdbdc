//! Turns a [`ScenarioFile`] into a [`Scenario`], or a located error.

use std::collections::{BTreeMap, BTreeSet};

use super::error::{ScenarioError, ScenarioErrorKind as Kind};
use super::file::{Locator, ScenarioFile, Str};
use super::limits;
use super::route::route;
use super::trust;
use super::types::*;
use crate::crypto::Fanout;

pub(super) struct Ctx<'a> {
    pub(super) file: &'a str,
    pub(super) source: &'a str,
    pub(super) locator: Locator,
}

impl Ctx<'_> {
    pub(super) fn err(&self, at: &Str, kind: Kind, message: impl Into<String>) -> ScenarioError {
        ScenarioError::at(
            self.file,
            self.source,
            self.locator.position(at),
            kind,
            message,
        )
    }
}

pub(super) fn quote_list(words: impl IntoIterator<Item = &'static str>) -> String {
    words
        .into_iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_count(ctx: &Ctx, at: &Str, what: &str, n: usize, max: usize) -> Result<(), ScenarioError> {
    if n > max {
        return Err(ctx.err(
            at,
            Kind::Limit,
            format!("{n} {what}; plainsight's limit is {max}"),
        ));
    }
    Ok(())
}

fn check_name(ctx: &Ctx, s: &Str, what: &str) -> Result<(), ScenarioError> {
    let t = s.as_str();
    if t.trim().is_empty() {
        return Err(ctx.err(s, Kind::Invalid, format!("empty {what} name")));
    }
    if t.chars().count() > limits::MAX_NAME_CHARS {
        return Err(ctx.err(
            s,
            Kind::Limit,
            format!(
                "{what} name of {} characters; the limit is {}",
                t.chars().count(),
                limits::MAX_NAME_CHARS
            ),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(ctx.err(
            s,
            Kind::Invalid,
            format!(
                "{what} name \"{}\" may not contain control characters",
                t.escape_debug()
            ),
        ));
    }
    // Device and server names are parsed back out of "server/part" and "a -> b".
    let structural = matches!(what, "person" | "device" | "server" | "admin");
    if structural && (t.contains("->") || t.contains('/')) {
        return Err(ctx.err(
            s,
            Kind::Invalid,
            format!("{what} name \"{t}\" may not contain \"/\" or \"->\""),
        ));
    }
    Ok(())
}

/// Validates a parsed file. `file` names the source in errors.
pub(crate) fn validate(
    parsed: ScenarioFile,
    file: &str,
    source: &str,
) -> Result<Scenario, ScenarioError> {
    let ctx = Ctx {
        file,
        source,
        locator: Locator::new(source),
    };
    let f = parsed;

    check_count(&ctx, &f.title, "people", f.people.len(), limits::MAX_PEOPLE)?;
    check_count(
        &ctx,
        &f.title,
        "servers",
        f.servers.len(),
        limits::MAX_SERVERS,
    )?;
    check_count(&ctx, &f.title, "links", f.links.len(), limits::MAX_LINKS)?;
    check_count(
        &ctx,
        &f.title,
        "messages",
        f.messages.len(),
        limits::MAX_MESSAGES,
    )?;
    check_count(
        &ctx,
        &f.title,
        "observers",
        f.observers.len(),
        limits::MAX_OBSERVERS,
    )?;

    // Model.
    let choice = ModelChoice::parse(f.model.as_str()).ok_or_else(|| {
        ctx.err(
            &f.model,
            Kind::UnknownWord,
            format!(
                "unknown model \"{}\"; expected one of {}",
                f.model.as_str(),
                ModelChoice::names()
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let model = choice.model;
    let fanout = match &f.fanout {
        Some(s) => Fanout::from_name(s.as_str()).ok_or_else(|| {
            ctx.err(
                s,
                Kind::UnknownWord,
                format!(
                    "unknown fan-out \"{}\"; expected one of {}",
                    s.as_str(),
                    quote_list(Fanout::ALL.map(Fanout::name))
                ),
            )
        })?,
        None => choice.fanout.unwrap_or(Fanout::PerRecipient),
    };

    // Names: nodes (devices and servers) share one namespace with people and admins, so a
    // reference is never ambiguous.
    let mut names: BTreeMap<String, Str> = BTreeMap::new();
    let mut claim = |s: &Str, what: &str| -> Result<(), ScenarioError> {
        check_name(&ctx, s, what)?;
        if let Some(first) = names.get(s.as_str()) {
            let (line, col) = ctx.locator.position(first);
            return Err(ctx.err(s, Kind::DuplicateName, format!(
                "the name \"{}\" is used twice (first at line {line}, column {col}); names of people, devices, servers and admins must be unique",
                s.as_str()
            )));
        }
        names.insert(s.text.clone(), s.clone());
        Ok(())
    };

    let mut people = Vec::new();
    let mut devices = Vec::new();
    let mut person_index = BTreeMap::new();
    let mut device_index = BTreeMap::new();
    for (pi, p) in f.people.iter().enumerate() {
        claim(&p.name, "person")?;
        if p.devices.is_empty() {
            return Err(ctx.err(
                &p.name,
                Kind::Invalid,
                format!(
                    "{} has no devices; list at least one, e.g. devices: [\"{}-phone\"]",
                    p.name.as_str(),
                    p.name.as_str().to_lowercase()
                ),
            ));
        }
        let mut mine = Vec::new();
        for d in &p.devices {
            claim(d, "device")?;
            device_index.insert(d.text.clone(), devices.len());
            mine.push(devices.len());
            devices.push(Device {
                name: d.text.clone(),
                owner: pi,
                code_from: None,
            });
        }
        person_index.insert(p.name.text.clone(), pi);
        people.push(Person {
            name: p.name.text.clone(),
            devices: mine,
            keys_from: KeySource::Directories,
        });
    }
    check_count(
        &ctx,
        &f.title,
        "devices",
        devices.len(),
        limits::MAX_DEVICES,
    )?;

    let mut servers = Vec::new();
    let mut server_index = BTreeMap::new();
    let mut admin_index = BTreeMap::new();
    for (si, s) in f.servers.iter().enumerate() {
        claim(&s.name, "server")?;
        let parts = match &s.parts {
            None => Part::ALL
                .into_iter()
                .filter(|p| *p != Part::Backup)
                .collect(),
            Some(list) => {
                let mut set = BTreeSet::from([Part::AppMemory]);
                for p in list {
                    let part = Part::parse(p.as_str()).ok_or_else(|| {
                        ctx.err(
                            p,
                            Kind::UnknownWord,
                            format!(
                                "unknown server part \"{}\"; expected one of {}",
                                p.as_str(),
                                quote_list(Part::ALL.map(Part::name))
                            ),
                        )
                    })?;
                    set.insert(part);
                }
                set.into_iter().collect()
            }
        };
        let mut admins = Vec::new();
        for a in &s.admins {
            claim(&a.name, "admin")?;
            let mut can = BTreeSet::new();
            for c in &a.can {
                let cap = Capability::ALL
                    .into_iter()
                    .find(|k| k.name() == c.as_str())
                    .ok_or_else(|| {
                        ctx.err(
                            c,
                            Kind::UnknownWord,
                            format!(
                                "unknown capability \"{}\"; expected one of {}",
                                c.as_str(),
                                quote_list(Capability::ALL.map(Capability::name))
                            ),
                        )
                    })?;
                can.insert(cap);
            }
            admin_index.insert(a.name.text.clone(), (si, admins.len()));
            admins.push(Admin {
                name: a.name.text.clone(),
                can: can.into_iter().collect(),
            });
        }
        server_index.insert(s.name.text.clone(), si);
        servers.push(Server {
            name: s.name.text.clone(),
            parts,
            admins,
            single_user: s.single_user,
        });
    }

    let node = |s: &Str| -> Result<Node, ScenarioError> {
        if let Some(&d) = device_index.get(s.as_str()) {
            return Ok(Node::Device(d));
        }
        if let Some(&sv) = server_index.get(s.as_str()) {
            return Ok(Node::Server(sv));
        }
        let hint = if person_index.contains_key(s.as_str()) {
            " (that is a person: links join devices and servers)"
        } else {
            ""
        };
        Err(ctx.err(
            s,
            Kind::UnknownName,
            format!("unknown device or server \"{}\"{hint}", s.as_str()),
        ))
    };

    let mut links: Vec<Link> = Vec::new();
    for l in &f.links {
        let (from, to) = (node(&l.from)?, node(&l.to)?);
        if from == to {
            return Err(ctx.err(
                &l.to,
                Kind::Invalid,
                format!("a link from \"{}\" to itself", l.to.as_str()),
            ));
        }
        if links
            .iter()
            .any(|k| (k.from, k.to) == (from, to) || (k.from, k.to) == (to, from))
        {
            return Err(ctx.err(
                &l.from,
                Kind::DuplicateName,
                format!(
                    "a second link between \"{}\" and \"{}\"",
                    l.from.as_str(),
                    l.to.as_str()
                ),
            ));
        }
        let (tls, opportunistic) = trust::link_tls(&ctx, &l.tls)?;
        links.push(Link {
            from,
            to,
            tls,
            opportunistic,
        });
    }

    // Messages and their routes.
    let mut messages = Vec::new();
    let mut ids = BTreeMap::new();
    for m in &f.messages {
        check_name(&ctx, &m.id, "message")?;
        if ids.insert(m.id.text.clone(), ()).is_some() {
            return Err(ctx.err(
                &m.id,
                Kind::DuplicateName,
                format!("message id \"{}\" is used twice", m.id.as_str()),
            ));
        }
        if m.text.text.len() > limits::MAX_TEXT_BYTES {
            return Err(ctx.err(
                &m.text,
                Kind::Limit,
                format!(
                    "message text of {} bytes; the limit is {}",
                    m.text.text.len(),
                    limits::MAX_TEXT_BYTES
                ),
            ));
        }
        let (from, from_device) = if let Some(&p) = person_index.get(m.from.as_str()) {
            (p, people[p].devices[0])
        } else if let Some(&d) = device_index.get(m.from.as_str()) {
            (devices[d].owner, d)
        } else {
            return Err(ctx.err(
                &m.from,
                Kind::UnknownName,
                format!(
                    "unknown sender \"{}\": name a person or a device",
                    m.from.as_str()
                ),
            ));
        };
        if m.to.is_empty() {
            return Err(ctx.err(
                &m.id,
                Kind::NoRecipients,
                format!(
                    "message \"{}\" has no recipients: give at least one in to: [..]",
                    m.id.as_str()
                ),
            ));
        }
        let mut to = Vec::new();
        let mut targets: Vec<(usize, &Str)> = Vec::new();
        for r in &m.to {
            let recipient_devices: Vec<usize> = if let Some(&p) = person_index.get(r.as_str()) {
                if !to.contains(&p) {
                    to.push(p);
                }
                people[p].devices.clone()
            } else if let Some(&d) = device_index.get(r.as_str()) {
                if !to.contains(&devices[d].owner) {
                    to.push(devices[d].owner);
                }
                vec![d]
            } else {
                return Err(ctx.err(
                    r,
                    Kind::UnknownName,
                    format!(
                        "unknown recipient \"{}\": name a person or a device",
                        r.as_str()
                    ),
                ));
            };
            for d in recipient_devices {
                if d != from_device && !targets.iter().any(|(t, _)| *t == d) {
                    targets.push((d, r));
                }
            }
        }
        if targets.is_empty() {
            return Err(ctx.err(
                &m.id,
                Kind::NoRecipients,
                format!(
                    "message \"{}\" goes to no device but the sender's own",
                    m.id.as_str()
                ),
            ));
        }
        // The sender's own other devices get a copy too (as linked devices do in Signal,
        // WhatsApp and iMessage, and as a website shows sent DMs everywhere one is logged in).
        for &d in &people[from].devices {
            if d != from_device
                && !targets.iter().any(|(t, _)| *t == d)
                && route(&links, from_device, d).is_some()
            {
                targets.push((d, &m.from));
            }
        }
        check_count(
            &ctx,
            &m.id,
            "recipient devices",
            targets.len(),
            limits::MAX_RECIPIENT_DEVICES,
        )?;
        let mut routes = Vec::new();
        for (d, named) in targets {
            let route = route(&links, from_device, d).ok_or_else(|| {
                ctx.err(named, Kind::Unreachable, format!(
                    "no chain of links reaches {} from {} (devices only talk through servers or a direct link)",
                    devices[d].name, devices[from_device].name
                ))
            })?;
            routes.push(route);
        }
        messages.push(Message {
            id: m.id.text.clone(),
            from,
            from_device,
            to,
            routes,
            text: m.text.text.clone(),
        });
    }

    // Observers.
    let mut observers = Vec::new();
    let mut observer_names = BTreeSet::new();
    for o in &f.observers {
        check_name(&ctx, &o.name, "observer")?;
        if !observer_names.insert(o.name.text.clone()) {
            return Err(ctx.err(
                &o.name,
                Kind::DuplicateName,
                format!("observer \"{}\" is listed twice", o.name.as_str()),
            ));
        }
        let role = Role::parse(o.role.as_str()).ok_or_else(|| {
            ctx.err(
                &o.role,
                Kind::UnknownWord,
                format!(
                    "unknown role \"{}\"; expected one of {}",
                    o.role.as_str(),
                    quote_list(Role::ALL.map(Role::name))
                ),
            )
        })?;
        let mut reach: BTreeMap<Reach, Via> = BTreeMap::new();
        let mut controls = BTreeSet::new();
        let mut server = None;
        // Own access wins over access through someone compelled.
        let add = |reach: &mut BTreeMap<Reach, Via>, r: Reach, via: &Via| {
            let entry = reach.entry(r).or_insert_with(|| via.clone());
            if *via == Via::Own {
                *entry = Via::Own;
            }
        };
        let whole_server = |s: usize,
                            via: &Via,
                            reach: &mut BTreeMap<Reach, Via>,
                            controls: &mut BTreeSet<usize>| {
            for &p in &servers[s].parts {
                add(reach, Reach::ServerPart(s, p), via);
            }
            controls.insert(s);
        };
        let admin_reach = |(s, a): (usize, usize), via: &Via, reach: &mut BTreeMap<Reach, Via>| {
            for cap in &servers[s].admins[a].can {
                for &p in cap.parts() {
                    if servers[s].has(p) {
                        add(reach, Reach::ServerPart(s, p), via);
                    }
                }
            }
        };
        let whole_device = |d: usize, reach: &mut BTreeMap<Reach, Via>| {
            add(reach, Reach::DevicePart(d, DevicePart::Memory), &Via::Own);
            add(reach, Reach::DevicePart(d, DevicePart::Keystore), &Via::Own);
        };
        if let Some(a) = &o.admin {
            let &(s, ai) = admin_index.get(a.as_str()).ok_or_else(|| {
                ctx.err(
                    a,
                    Kind::UnknownName,
                    format!("unknown admin \"{}\"", a.as_str()),
                )
            })?;
            admin_reach((s, ai), &Via::Own, &mut reach);
            server = Some(s);
        }
        for c in &o.compels {
            let via = Via::Compels(c.text.clone());
            if let Some(&sa) = admin_index.get(c.as_str()) {
                admin_reach(sa, &via, &mut reach);
            } else if let Some(&s) = server_index.get(c.as_str()) {
                whole_server(s, &via, &mut reach, &mut controls);
            } else {
                return Err(ctx.err(
                    c,
                    Kind::UnknownName,
                    format!(
                        "\"{}\" is neither an admin nor a server (compels names admins or servers)",
                        c.as_str()
                    ),
                ));
            }
        }
        if let Some(d) = &o.device {
            let &di = device_index.get(d.as_str()).ok_or_else(|| {
                ctx.err(
                    d,
                    Kind::UnknownName,
                    format!("unknown device \"{}\"", d.as_str()),
                )
            })?;
            whole_device(di, &mut reach);
        }
        for r in &o.reaches {
            let text = r.as_str().trim();
            if let Some((a, b)) = text.split_once("->") {
                let (a, b) = (a.trim(), b.trim());
                let find = |n: &str| {
                    device_index
                        .get(n)
                        .map(|&d| Node::Device(d))
                        .or_else(|| server_index.get(n).map(|&s| Node::Server(s)))
                };
                let (Some(na), Some(nb)) = (find(a), find(b)) else {
                    return Err(ctx.err(
                        r,
                        Kind::UnknownName,
                        format!("\"{text}\": both ends of a link must be devices or servers"),
                    ));
                };
                let l = links
                    .iter()
                    .position(|l| (l.from, l.to) == (na, nb) || (l.from, l.to) == (nb, na))
                    .ok_or_else(|| {
                        ctx.err(
                            r,
                            Kind::UnknownName,
                            format!("there is no link between \"{a}\" and \"{b}\""),
                        )
                    })?;
                add(&mut reach, Reach::Wire(l), &Via::Own);
            } else if let Some((n, p)) = text.split_once('/') {
                if let Some(&s) = server_index.get(n) {
                    let part = Part::parse(p)
                        .filter(|part| servers[s].has(*part))
                        .ok_or_else(|| {
                            ctx.err(
                                r,
                                Kind::UnknownName,
                                format!(
                                    "server \"{n}\" has no part \"{p}\"; it has {}",
                                    quote_list(servers[s].parts.iter().map(|p| p.name()))
                                ),
                            )
                        })?;
                    add(&mut reach, Reach::ServerPart(s, part), &Via::Own);
                } else if let Some(&d) = device_index.get(n) {
                    let part =
                        match p {
                            "memory" => DevicePart::Memory,
                            "keystore" => DevicePart::Keystore,
                            _ => return Err(ctx.err(
                                r,
                                Kind::UnknownWord,
                                format!(
                                    "a device has parts \"memory\" and \"keystore\", not \"{p}\""
                                ),
                            )),
                        };
                    add(&mut reach, Reach::DevicePart(d, part), &Via::Own);
                } else {
                    return Err(ctx.err(
                        r,
                        Kind::UnknownName,
                        format!("unknown server or device \"{n}\""),
                    ));
                }
            } else if let Some(&s) = server_index.get(text) {
                whole_server(s, &Via::Own, &mut reach, &mut controls);
            } else if let Some(&d) = device_index.get(text) {
                whole_device(d, &mut reach);
            } else {
                return Err(ctx.err(r, Kind::UnknownName, format!(
                    "\"{text}\" names no server, device or link; write \"server\", \"server/part\", \"device\" or \"a -> b\""
                )));
            }
        }
        if reach.is_empty() {
            return Err(ctx.err(
                &o.name,
                Kind::ReachesNothing,
                format!(
                    "observer \"{}\" reaches nothing: give admin, compels, device or reaches",
                    o.name.as_str()
                ),
            ));
        }
        if role == Role::MaliciousServer && controls.is_empty() {
            return Err(ctx.err(&o.role, Kind::Invalid, format!(
                "a malicious server must control a whole server: add reaches: [\"<server>\"] to \"{}\"",
                o.name.as_str()
            )));
        }
        if server.is_none() {
            let touched: BTreeSet<usize> = reach
                .keys()
                .filter_map(|r| {
                    if let Reach::ServerPart(s, _) = r {
                        Some(*s)
                    } else {
                        None
                    }
                })
                .collect();
            if touched.len() == 1 {
                server = touched.into_iter().next();
            }
        }
        observers.push(Observer {
            name: o.name.text.clone(),
            role,
            reach: reach.keys().copied().collect(),
            via: reach.into_iter().collect(),
            controls: controls.into_iter().collect(),
            server,
        });
    }

    let mut layout = BTreeMap::new();
    for h in &f.layout {
        let n = node(&h.node)?;
        if !(0.0..=1.0).contains(&h.x) || !(0.0..=1.0).contains(&h.y) {
            return Err(ctx.err(
                &h.node,
                Kind::Invalid,
                format!(
                    "layout for \"{}\": x and y must be between 0 and 1",
                    h.node.as_str()
                ),
            ));
        }
        layout.insert(n, (h.x, h.y));
    }

    let key_sync = trust::key_sync(&ctx, &f)?;
    trust::web_clients(&ctx, &f, &mut devices, &device_index, &server_index)?;
    trust::keys_from(&ctx, &f, &mut people, &server_index, &servers)?;
    let mut sc = Scenario {
        source: file.to_string(),
        title: f.title.text.clone(),
        about: f.about.as_ref().map(|a| a.text.clone()).unwrap_or_default(),
        protection: Protection {
            model,
            fanout,
            keys_verified: f.keys_verified,
        },
        keys_synced_via_server: key_sync == KeySync::Escrow,
        key_sync,
        sealed_sender: f.sealed_sender,
        seed: f.seed.unwrap_or(0x5EED),
        people,
        devices,
        servers,
        links,
        messages,
        observers,
        layout,
    };
    trust::every_key_has_a_source(&ctx, &f, &mut sc)?;
    Ok(sc)
}
