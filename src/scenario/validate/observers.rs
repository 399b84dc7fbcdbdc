//! Observers: their role, and every place they reach (their own access, or through someone
//! they compel).

use std::collections::{BTreeMap, BTreeSet};

use super::super::error::{ScenarioError, ScenarioErrorKind as Kind};
use super::super::file::{ObserverFile, Str};
use super::super::limits;
use super::super::reach::ReachText;
use super::super::types::*;
use super::{Built, Ctx, check_name, quote_list};

/// Every observer, in file order; names are unique.
pub(super) fn all(
    ctx: &Ctx,
    b: &Built,
    list: &[ObserverFile],
) -> Result<Vec<Observer>, ScenarioError> {
    let mut observers: Vec<Observer> = Vec::new();
    for o in list {
        check_name(ctx, &o.name, "observer")?;
        if observers.iter().any(|x| x.name == o.name.text) {
            return Err(ctx.err(
                &o.name,
                Kind::DuplicateName,
                format!("observer \"{}\" is listed twice", o.name.as_str()),
            ));
        }
        observers.push(observer(ctx, b, o)?);
    }
    Ok(observers)
}

fn observer(ctx: &Ctx, b: &Built, o: &ObserverFile) -> Result<Observer, ScenarioError> {
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
    let mut set = Reached::default();
    let mut server = None;
    if let Some(a) = &o.admin {
        let &(s, ai) = b.admin_index.get(a.as_str()).ok_or_else(|| {
            ctx.err(
                a,
                Kind::UnknownName,
                format!("unknown admin \"{}\"", a.as_str()),
            )
        })?;
        set.admin(b, (s, ai), &Via::Own);
        server = Some(s);
    }
    for c in &o.compels {
        compels(ctx, b, c, &mut set)?;
    }
    if let Some(d) = &o.device {
        let &di = b.device_index.get(d.as_str()).ok_or_else(|| {
            ctx.err(
                d,
                Kind::UnknownName,
                format!("unknown device \"{}\"", d.as_str()),
            )
        })?;
        set.whole_device(di);
    }
    for r in &o.reaches {
        reaches(ctx, b, r, &mut set)?;
    }
    check_reach(ctx, o, role, &set)?;
    if let Some(short) = &o.short {
        check_short(ctx, short, o.name.as_str())?;
    }
    Ok(Observer {
        name: o.name.text.clone(),
        short: o.short.as_ref().map(|s| s.text.clone()),
        role,
        reach: set.reach.keys().copied().collect(),
        server: server.or_else(|| set.only_server()),
        via: set.reach.into_iter().collect(),
        controls: set.controls.into_iter().collect(),
    })
}

/// A short form of a name: not empty, at most [`limits::MAX_SHORT_CHARS`] characters, shorter
/// than the name it stands for.
fn check_short(ctx: &Ctx, short: &Str, name: &str) -> Result<(), ScenarioError> {
    check_name(ctx, short, "short")?;
    let n = short.as_str().chars().count();
    if n > limits::MAX_SHORT_CHARS {
        return Err(ctx.err(
            short,
            Kind::Limit,
            format!(
                "short name of {n} characters; the limit is {}",
                limits::MAX_SHORT_CHARS
            ),
        ));
    }
    if n >= name.chars().count() {
        return Err(ctx.err(
            short,
            Kind::Invalid,
            format!(
                "short name \"{}\" is not shorter than \"{name}\"",
                short.as_str()
            ),
        ));
    }
    Ok(())
}

fn check_reach(
    ctx: &Ctx,
    o: &ObserverFile,
    role: Role,
    set: &Reached,
) -> Result<(), ScenarioError> {
    if set.reach.is_empty() {
        return Err(ctx.err(
            &o.name,
            Kind::ReachesNothing,
            format!(
                "observer \"{}\" reaches nothing: give admin, compels, device or reaches",
                o.name.as_str()
            ),
        ));
    }
    if role == Role::MaliciousServer && set.controls.is_empty() {
        return Err(ctx.err(&o.role, Kind::Invalid, format!(
            "a malicious server must control a whole server: add reaches: [\"<server>\"] to \"{}\"",
            o.name.as_str()
        )));
    }
    Ok(())
}

/// The places an observer reaches, and how; the servers they control whole.
#[derive(Default)]
struct Reached {
    reach: BTreeMap<Reach, Via>,
    controls: BTreeSet<usize>,
}

impl Reached {
    /// Own access wins over access through someone compelled.
    fn add(&mut self, r: Reach, via: &Via) {
        let entry = self.reach.entry(r).or_insert_with(|| via.clone());
        if *via == Via::Own {
            *entry = Via::Own;
        }
    }

    fn whole_server(&mut self, b: &Built, s: usize, via: &Via) {
        for &p in &b.servers[s].parts {
            self.add(Reach::ServerPart(s, p), via);
        }
        self.controls.insert(s);
    }

    fn admin(&mut self, b: &Built, (s, a): (usize, usize), via: &Via) {
        for cap in &b.servers[s].admins[a].can {
            for &p in cap.parts() {
                if b.servers[s].has(p) {
                    self.add(Reach::ServerPart(s, p), via);
                }
            }
        }
    }

    fn whole_device(&mut self, d: usize) {
        self.add(Reach::DevicePart(d, DevicePart::Memory), &Via::Own);
        self.add(Reach::DevicePart(d, DevicePart::Keystore), &Via::Own);
    }

    /// The one server whose parts they reach, if there is exactly one.
    fn only_server(&self) -> Option<usize> {
        let touched: BTreeSet<usize> = self
            .reach
            .keys()
            .filter_map(|r| match r {
                Reach::ServerPart(s, _) => Some(*s),
                _ => None,
            })
            .collect();
        match touched.len() {
            1 => touched.into_iter().next(),
            _ => None,
        }
    }
}

/// `compels: [..]` names admins (their access) or servers (the whole server).
fn compels(ctx: &Ctx, b: &Built, c: &Str, set: &mut Reached) -> Result<(), ScenarioError> {
    let via = Via::Compels(c.text.clone());
    if let Some(&sa) = b.admin_index.get(c.as_str()) {
        set.admin(b, sa, &via);
    } else if let Some(&s) = b.server_index.get(c.as_str()) {
        set.whole_server(b, s, &via);
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
    Ok(())
}

/// One entry of `reaches: [..]`: `a -> b`, `server/part`, `device/part`, `server` or `device`.
fn reaches(ctx: &Ctx, b: &Built, r: &Str, set: &mut Reached) -> Result<(), ScenarioError> {
    let text = r.as_str().trim();
    match ReachText::parse(text) {
        ReachText::Link(x, y) => {
            let l = wire(ctx, b, r, x, y)?;
            set.add(Reach::Wire(l), &Via::Own);
        }
        ReachText::Part(n, p) => {
            let place = part(ctx, b, r, n, p)?;
            set.add(place, &Via::Own);
        }
        ReachText::Node(node) => whole(ctx, b, r, node, set)?,
    }
    Ok(())
}

/// A whole server or device.
fn whole(
    ctx: &Ctx,
    b: &Built,
    r: &Str,
    text: &str,
    set: &mut Reached,
) -> Result<(), ScenarioError> {
    if let Some(&s) = b.server_index.get(text) {
        set.whole_server(b, s, &Via::Own);
    } else if let Some(&d) = b.device_index.get(text) {
        set.whole_device(d);
    } else {
        return Err(ctx.err(r, Kind::UnknownName, format!(
            "\"{text}\" names no server, device or link; write \"server\", \"server/part\", \"device\" or \"a -> b\""
        )));
    }
    Ok(())
}

/// The link between two named nodes.
fn wire(ctx: &Ctx, b: &Built, r: &Str, x: &str, y: &str) -> Result<usize, ScenarioError> {
    let find = |n: &str| {
        b.device_index
            .get(n)
            .map(|&d| Node::Device(d))
            .or_else(|| b.server_index.get(n).map(|&s| Node::Server(s)))
    };
    let (Some(nx), Some(ny)) = (find(x), find(y)) else {
        return Err(ctx.err(
            r,
            Kind::UnknownName,
            format!(
                "\"{}\": both ends of a link must be devices or servers",
                r.as_str().trim()
            ),
        ));
    };
    b.links
        .iter()
        .position(|l| (l.from, l.to) == (nx, ny) || (l.from, l.to) == (ny, nx))
        .ok_or_else(|| {
            ctx.err(
                r,
                Kind::UnknownName,
                format!("there is no link between \"{x}\" and \"{y}\""),
            )
        })
}

/// `server/part` or `device/part`.
fn part(ctx: &Ctx, b: &Built, r: &Str, n: &str, p: &str) -> Result<Reach, ScenarioError> {
    if let Some(&s) = b.server_index.get(n) {
        let part = Part::parse(p)
            .filter(|part| b.servers[s].has(*part))
            .ok_or_else(|| {
                ctx.err(
                    r,
                    Kind::UnknownName,
                    format!(
                        "server \"{n}\" has no part \"{p}\"; it has {}",
                        quote_list(b.servers[s].parts.iter().map(|p| p.name()))
                    ),
                )
            })?;
        return Ok(Reach::ServerPart(s, part));
    }
    let Some(&d) = b.device_index.get(n) else {
        return Err(ctx.err(
            r,
            Kind::UnknownName,
            format!("unknown server or device \"{n}\""),
        ));
    };
    let part = match p {
        "memory" => DevicePart::Memory,
        "keystore" => DevicePart::Keystore,
        _ => {
            return Err(ctx.err(
                r,
                Kind::UnknownWord,
                format!("a device has parts \"memory\" and \"keystore\", not \"{p}\""),
            ));
        }
    };
    Ok(Reach::DevicePart(d, part))
}
