//! Turns a [`ScenarioFile`] into a [`Scenario`], or a located error. In phases, each reading
//! what the earlier ones built ([`Built`]): names, people and devices, servers, links, then
//! messages (`validate/messages.rs`), observers (`validate/observers.rs`), layout and the trust
//! settings (`trust.rs`).

mod messages;
mod observers;

use std::collections::{BTreeMap, BTreeSet};

use super::error::{ScenarioError, ScenarioErrorKind as Kind};
use super::file::{Locator, PersonFile, ScenarioFile, ServerFile, Str};
use super::limits;
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
    check_counts(&ctx, &f)?;
    let protection = protection(&ctx, &f)?;
    let mut b = Built::default();
    for (pi, p) in f.people.iter().enumerate() {
        b.person(&ctx, pi, p)?;
    }
    check_count(
        &ctx,
        &f.title,
        "devices",
        b.devices.len(),
        limits::MAX_DEVICES,
    )?;
    for (si, s) in f.servers.iter().enumerate() {
        b.server(&ctx, si, s)?;
    }
    b.links(&ctx, &f)?;
    let messages = messages::all(&ctx, &b, &f.messages)?;
    let observers = observers::all(&ctx, &b, &f.observers)?;
    check_work(&ctx, &f, &messages)?;
    let layout = b.layout(&ctx, &f)?;
    let key_sync = trust::key_sync(&ctx, &f)?;
    trust::web_clients(&ctx, &f, &mut b.devices, &b.device_index, &b.server_index)?;
    trust::device_kinds(&ctx, &f, &mut b.devices, &b.device_index)?;
    trust::keys_from(&ctx, &f, &mut b.people, &b.server_index, &b.servers)?;
    let mut sc = Scenario {
        source: file.to_string(),
        title: f.title.text.clone(),
        about: f.about.as_ref().map(|a| a.text.clone()).unwrap_or_default(),
        protection,
        keys_synced_via_server: key_sync == KeySync::Escrow,
        key_sync,
        sealed_sender: f.sealed_sender,
        seed: f.seed.unwrap_or(0x5EED),
        people: b.people,
        devices: b.devices,
        servers: b.servers,
        links: b.links,
        messages,
        observers,
        layout,
        no_e2e: None,
    };
    // Keys must have a source only where end-to-end encryption looks them up: a plain-web or
    // server-encrypted scene without one still runs, and says why it cannot under e2e.
    match trust::every_key_has_a_source(&ctx, &f, &mut sc) {
        Err(e) if !sc.protection.model.end_to_end() => sc.no_e2e = Some(Box::new(e)),
        other => other?,
    }
    Ok(sc)
}

/// The file's sizes against plainsight's limits, before any work that grows with them.
fn check_counts(ctx: &Ctx, f: &ScenarioFile) -> Result<(), ScenarioError> {
    let counts = [
        ("people", f.people.len(), limits::MAX_PEOPLE),
        ("servers", f.servers.len(), limits::MAX_SERVERS),
        ("links", f.links.len(), limits::MAX_LINKS),
        ("messages", f.messages.len(), limits::MAX_MESSAGES),
        ("observers", f.observers.len(), limits::MAX_OBSERVERS),
    ];
    for (what, n, max) in counts {
        check_count(ctx, &f.title, what, n, max)?;
    }
    Ok(())
}

/// The work a run of the scene asks for: every copy of every message (one per recipient
/// device), once looking and once per observer who might act. Bounded so that an accepted
/// file runs `matrix` in seconds, not hours (docs/hardening.md has the measured worst case).
fn check_work(ctx: &Ctx, f: &ScenarioFile, messages: &[Message]) -> Result<(), ScenarioError> {
    let copies: usize = messages.iter().map(|m| m.routes.len().max(1)).sum();
    let runs = 1 + f.observers.len();
    let work = copies.saturating_mul(runs);
    if work <= limits::MAX_WORK {
        return Ok(());
    }
    Err(ctx.err(
        &f.title,
        Kind::Limit,
        format!(
            "this scene asks for {copies} message copies (one per recipient device) x {runs} runs (one looking, one per observer) = {work}; the limit is {}: fewer messages, devices or observers",
            limits::MAX_WORK
        ),
    ))
}

/// The model and fan-out the file names.
fn protection(ctx: &Ctx, f: &ScenarioFile) -> Result<Protection, ScenarioError> {
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
    Ok(Protection {
        model: choice.model,
        fanout,
        keys_verified: f.keys_verified,
    })
}

/// What validation has built so far: the later phases look names up here.
#[derive(Default)]
pub(super) struct Built {
    /// Every name of a person, device, server or admin: one namespace, so a reference is never
    /// ambiguous.
    names: BTreeMap<String, Str>,
    people: Vec<Person>,
    devices: Vec<Device>,
    person_index: BTreeMap<String, usize>,
    device_index: BTreeMap<String, usize>,
    servers: Vec<Server>,
    server_index: BTreeMap<String, usize>,
    /// Admin name to (server, admin).
    admin_index: BTreeMap<String, (usize, usize)>,
    links: Vec<Link>,
}

impl Built {
    /// Takes a name into the one namespace, or says where it was first used.
    fn claim(&mut self, ctx: &Ctx, s: &Str, what: &str) -> Result<(), ScenarioError> {
        check_name(ctx, s, what)?;
        if let Some(first) = self.names.get(s.as_str()) {
            let (line, col) = ctx.locator.position(first);
            return Err(ctx.err(s, Kind::DuplicateName, format!(
                "the name \"{}\" is used twice (first at line {line}, column {col}); names of people, devices, servers and admins must be unique",
                s.as_str()
            )));
        }
        self.names.insert(s.text.clone(), s.clone());
        Ok(())
    }

    fn person(&mut self, ctx: &Ctx, pi: usize, p: &PersonFile) -> Result<(), ScenarioError> {
        self.claim(ctx, &p.name, "person")?;
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
            self.claim(ctx, d, "device")?;
            self.device_index.insert(d.text.clone(), self.devices.len());
            mine.push(self.devices.len());
            self.devices.push(Device {
                name: d.text.clone(),
                owner: pi,
                code_from: None,
                kind: DeviceKind::default(),
            });
        }
        self.person_index.insert(p.name.text.clone(), pi);
        self.people.push(Person {
            name: p.name.text.clone(),
            devices: mine,
            keys_from: KeySource::Directories,
        });
        Ok(())
    }

    fn server(&mut self, ctx: &Ctx, si: usize, s: &ServerFile) -> Result<(), ScenarioError> {
        self.claim(ctx, &s.name, "server")?;
        let parts = parts(ctx, s)?;
        let mut admins = Vec::new();
        for a in &s.admins {
            self.claim(ctx, &a.name, "admin")?;
            let mut can = BTreeSet::new();
            for c in &a.can {
                can.insert(capability(ctx, c)?);
            }
            self.admin_index
                .insert(a.name.text.clone(), (si, admins.len()));
            admins.push(Admin {
                name: a.name.text.clone(),
                can: can.into_iter().collect(),
            });
        }
        self.server_index.insert(s.name.text.clone(), si);
        self.servers.push(Server {
            name: s.name.text.clone(),
            parts,
            admins,
            single_user: s.single_user,
        });
        Ok(())
    }

    /// A device or server by name.
    fn node(&self, ctx: &Ctx, s: &Str) -> Result<Node, ScenarioError> {
        if let Some(&d) = self.device_index.get(s.as_str()) {
            return Ok(Node::Device(d));
        }
        if let Some(&sv) = self.server_index.get(s.as_str()) {
            return Ok(Node::Server(sv));
        }
        let hint = if self.person_index.contains_key(s.as_str()) {
            " (that is a person: links join devices and servers)"
        } else {
            ""
        };
        Err(ctx.err(
            s,
            Kind::UnknownName,
            format!("unknown device or server \"{}\"{hint}", s.as_str()),
        ))
    }

    fn links(&mut self, ctx: &Ctx, f: &ScenarioFile) -> Result<(), ScenarioError> {
        for l in &f.links {
            let (from, to) = (self.node(ctx, &l.from)?, self.node(ctx, &l.to)?);
            if from == to {
                return Err(ctx.err(
                    &l.to,
                    Kind::Invalid,
                    format!("a link from \"{}\" to itself", l.to.as_str()),
                ));
            }
            if self
                .links
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
            let (tls, opportunistic) = trust::link_tls(ctx, &l.tls)?;
            self.links.push(Link {
                tls,
                opportunistic,
                ..Link::between(from, to)
            });
        }
        Ok(())
    }

    fn layout(
        &self,
        ctx: &Ctx,
        f: &ScenarioFile,
    ) -> Result<BTreeMap<Node, (f32, f32)>, ScenarioError> {
        let mut layout = BTreeMap::new();
        for h in &f.layout {
            let n = self.node(ctx, &h.node)?;
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
        Ok(layout)
    }
}

/// A server's parts: those listed (application memory always), or all but a TLS front and a
/// backup when none are.
fn parts(ctx: &Ctx, s: &ServerFile) -> Result<Vec<Part>, ScenarioError> {
    let Some(list) = &s.parts else {
        return Ok(Part::ALL
            .into_iter()
            .filter(|p| *p != Part::Backup)
            .collect());
    };
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
    Ok(set.into_iter().collect())
}

fn capability(ctx: &Ctx, c: &Str) -> Result<Capability, ScenarioError> {
    Capability::ALL
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
        })
}
