//! What-if switches, as on EFF's "who can see what" page: turn one link's TLS off, have the
//! senders verify keys, get keys in person instead of from a key directory, sync keys another
//! way, make a device a web page, fan a message out another way. Each switch is a small pure edit of a [`Scenario`]; a
//! [`WhatIf`] holds the switches flipped so far and applies them to the scenario as loaded, so
//! flipping one back restores what the file said. [`changes`] compares two runs' who-can-read
//! matrices cell by cell: the caller re-runs the core ([`crate::Run::with`]) and shows what moved.
//!
//! An edit that would make the scenario meaningless (a key with no source, a web page with no
//! server) is a [`WhatIfError`], never a panic.

use std::collections::BTreeMap;

use crate::Run;
use crate::crypto::Fanout;
use crate::exposure::{Content, MetaField};
use crate::layers::{Layer, PublicKeyWork};
use crate::scenario::{DevicePart, KeySource, KeySync, Reach, Scenario};
use crate::trace::Action;

/// The public-key work message `m`'s sender did to seal it: every envelope its sending device
/// made for it (the message's own, and for sender keys the chain keys it sealed to each device
/// that lacked them), read from the envelopes' layers in the trace.
pub fn public_key_work(run: &Run, m: usize) -> PublicKeyWork {
    let Some(message) = run.scenario.messages.get(m) else {
        return PublicKeyWork::default();
    };
    let at = Reach::DevicePart(message.from_device, DevicePart::Memory);
    run.trace
        .steps
        .iter()
        .filter(|s| s.message == Some(m) && s.place == at)
        .filter(|s| matches!(s.action, Action::Seal | Action::KeyDistributed))
        .flat_map(|s| &s.layers)
        .filter_map(|l| match l {
            Layer::Envelope { kind, .. } => Some(kind.work()),
            _ => None,
        })
        .fold(PublicKeyWork::default(), |a, b| a + b)
}

/// Why a switch cannot be flipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WhatIfError {
    /// The scenario has no link with this index.
    #[error("there is no link {0} in this scenario")]
    NoLink(usize),
    /// The scenario has no device with this index.
    #[error("there is no device {0} in this scenario")]
    NoDevice(usize),
    /// The scenario has no server with this index.
    #[error("there is no server {0} in this scenario")]
    NoServer(usize),
    /// The scenario has no person with this index.
    #[error("there is no person {0} in this scenario")]
    NoPerson(usize),
    /// A web page's code comes from a server, and this device links to none.
    #[error("{0} links to no server, so no server could serve it a web page")]
    NoHomeServer(String),
    /// A key source that is no key directory.
    #[error("{0} has no key directory to serve keys from")]
    NotADirectory(String),
    /// Fan-out is how end-to-end encryption reaches many devices; other models have none.
    #[error(
        "fan-out is how end-to-end encryption reaches each device; under {0} the server encrypts, or nobody does"
    )]
    NoFanout(String),
    /// Senders would have nowhere to get a person's keys.
    #[error(
        "where would {from} get {person}'s keys? No key directory lies on the way from {from} to {to}; keep keys in person"
    )]
    NoKeySource {
        /// The person whose keys are needed.
        person: String,
        /// The sending device.
        from: String,
        /// The recipient device.
        to: String,
    },
}

/// Turns a link's TLS on or off. Off is plain; on is full TLS (not opportunistic).
pub fn set_link_tls(sc: &Scenario, link: usize, tls: bool) -> Result<Scenario, WhatIfError> {
    let mut out = sc.clone();
    let l = out.links.get_mut(link).ok_or(WhatIfError::NoLink(link))?;
    l.tls = tls;
    l.opportunistic = false;
    Ok(out)
}

/// Whether senders check recipients' keys against safety numbers compared in person.
pub fn set_keys_verified(sc: &Scenario, verified: bool) -> Scenario {
    let mut out = sc.clone();
    out.protection.keys_verified = verified;
    out
}

/// Where senders get one person's device keys; checked so that every recipient device still
/// has a key source.
pub fn set_keys_from(
    sc: &Scenario,
    person: usize,
    source: KeySource,
) -> Result<Scenario, WhatIfError> {
    let mut out = sc.clone();
    if let KeySource::Server(s) = source {
        let server = out.servers.get(s).ok_or(WhatIfError::NoServer(s))?;
        if !server.has(crate::scenario::Part::KeyDirectory) {
            return Err(WhatIfError::NotADirectory(server.name.clone()));
        }
    }
    out.people
        .get_mut(person)
        .ok_or(WhatIfError::NoPerson(person))?
        .keys_from = source;
    every_key_has_a_source(&out)?;
    Ok(out)
}

/// How every person's devices share one key pair.
pub fn set_key_sync(sc: &Scenario, mode: KeySync) -> Scenario {
    let mut out = sc.clone();
    out.key_sync = mode;
    out.keys_synced_via_server = mode == KeySync::Escrow;
    out
}

/// How an end-to-end message reaches every device: sealed to each, bagged, or with sender keys.
pub fn set_fanout(sc: &Scenario, fanout: Fanout) -> Result<Scenario, WhatIfError> {
    if !sc.protection.model.end_to_end() {
        return Err(WhatIfError::NoFanout(
            sc.protection.model.name().to_string(),
        ));
    }
    let mut out = sc.clone();
    out.protection.fanout = fanout;
    Ok(out)
}

/// Makes a device a web page running its home server's code, or an app again.
pub fn set_web_client(sc: &Scenario, device: usize, web: bool) -> Result<Scenario, WhatIfError> {
    let mut out = sc.clone();
    let home = out.home_server(device);
    let d = out
        .devices
        .get_mut(device)
        .ok_or(WhatIfError::NoDevice(device))?;
    d.code_from = match (web, home) {
        (false, _) => None,
        (true, Some(s)) => Some(s),
        (true, None) => return Err(WhatIfError::NoHomeServer(d.name.clone())),
    };
    Ok(out)
}

/// The rule validation applies to files, applied to an edited scenario.
fn every_key_has_a_source(sc: &Scenario) -> Result<(), WhatIfError> {
    for m in &sc.messages {
        for route in &m.routes {
            let owner = &sc.people[sc.devices[route.device].owner];
            if owner.keys_from == KeySource::Directories && sc.key_sources(route).is_empty() {
                return Err(WhatIfError::NoKeySource {
                    person: owner.name.clone(),
                    from: sc.devices[m.from_device].name.clone(),
                    to: sc.devices[route.device].name.clone(),
                });
            }
        }
    }
    Ok(())
}

/// One switch a person can flip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// A link's TLS, by link index.
    LinkTls(usize),
    /// Senders verify keys (safety numbers).
    KeysVerified,
    /// Everyone's keys exchanged in person rather than looked up in a key directory.
    KeysInPerson,
    /// The next key sync mode (none, escrow, device-link, passphrase-backup).
    NextKeySync,
    /// A device as a web page (by device index).
    WebClient(usize),
    /// The next end-to-end fan-out (per-recipient, bagged, shared ephemeral, sender keys).
    NextFanout,
}

/// The switches flipped so far, over the scenario as loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WhatIf {
    /// Links whose TLS is set, and to what.
    pub link_tls: BTreeMap<usize, bool>,
    /// Keys verified, if set.
    pub keys_verified: Option<bool>,
    /// Keys in person, if set.
    pub keys_in_person: Option<bool>,
    /// Key sync, if set.
    pub key_sync: Option<KeySync>,
    /// Devices set to be (or not be) web pages.
    pub web_clients: BTreeMap<usize, bool>,
    /// The fan-out, if set.
    pub fanout: Option<Fanout>,
}

impl WhatIf {
    /// Whether nothing is switched.
    pub fn is_empty(&self) -> bool {
        *self == WhatIf::default()
    }

    /// The loaded scenario with every switch applied, in a fixed order.
    pub fn apply(&self, base: &Scenario) -> Result<Scenario, WhatIfError> {
        let mut sc = base.clone();
        for (&l, &tls) in &self.link_tls {
            sc = set_link_tls(&sc, l, tls)?;
        }
        if let Some(v) = self.keys_verified {
            sc = set_keys_verified(&sc, v);
        }
        if let Some(true) = self.keys_in_person {
            for p in 0..sc.people.len() {
                sc = set_keys_from(&sc, p, KeySource::InPerson)?;
            }
        } else if let Some(false) = self.keys_in_person {
            for p in 0..sc.people.len() {
                if sc.people[p].keys_from == KeySource::InPerson {
                    sc = set_keys_from(&sc, p, KeySource::Directories)?;
                }
            }
        }
        if let Some(mode) = self.key_sync {
            sc = set_key_sync(&sc, mode);
        }
        for (&d, &web) in &self.web_clients {
            sc = set_web_client(&sc, d, web)?;
        }
        if let Some(fanout) = self.fanout {
            sc = set_fanout(&sc, fanout)?;
        }
        Ok(sc)
    }

    /// Flips one switch relative to what `shown` (the scenario as switched so far) says.
    pub fn flip(&mut self, shown: &Scenario, switch: Switch) {
        match switch {
            Switch::LinkTls(l) => {
                let on = shown.links.get(l).is_some_and(|l| l.tls);
                self.link_tls.insert(l, !on);
            }
            Switch::KeysVerified => self.keys_verified = Some(!shown.protection.keys_verified),
            Switch::KeysInPerson => self.keys_in_person = Some(!keys_in_person(shown)),
            Switch::NextKeySync => {
                let i = KeySync::ALL.iter().position(|&k| k == shown.key_sync);
                let next = i.map_or(0, |i| (i + 1) % KeySync::ALL.len());
                self.key_sync = Some(KeySync::ALL[next]);
            }
            Switch::WebClient(d) => {
                let web = shown.devices.get(d).is_some_and(|d| d.code_from.is_some());
                self.web_clients.insert(d, !web);
            }
            Switch::NextFanout => {
                let all = Fanout::ALL;
                let i = all.iter().position(|&f| f == shown.protection.fanout);
                self.fanout = Some(all[i.map_or(0, |i| (i + 1) % all.len())]);
            }
        }
    }

    /// One line per switch that differs from the loaded scenario, e.g.
    /// `alice-phone -> social.example: TLS off`.
    pub fn describe(&self, base: &Scenario, shown: &Scenario) -> Vec<String> {
        let mut out = Vec::new();
        for (l, link) in shown.links.iter().enumerate() {
            if base.links.get(l).is_some_and(|b| b.tls != link.tls) {
                let state = if link.tls { "on" } else { "off" };
                out.push(format!("{}: TLS {state}", shown.link_label(l)));
            }
        }
        if base.protection.keys_verified != shown.protection.keys_verified {
            out.push(format!(
                "keys verified: {}",
                yes(shown.protection.keys_verified)
            ));
        }
        if keys_in_person(base) != keys_in_person(shown) {
            out.push(format!("keys in person: {}", yes(keys_in_person(shown))));
        }
        if base.key_sync != shown.key_sync {
            out.push(format!("key sync: {}", shown.key_sync.name()));
        }
        if base.protection.fanout != shown.protection.fanout {
            out.push(format!("fan-out: {}", shown.protection.fanout.name()));
        }
        for (d, dev) in shown.devices.iter().enumerate() {
            if base.devices.get(d).map(|b| b.code_from.is_some()) != Some(dev.code_from.is_some()) {
                let what = if dev.code_from.is_some() {
                    "a web page"
                } else {
                    "an app"
                };
                out.push(format!("{} is {what}", dev.name));
            }
        }
        out
    }
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Whether every person's keys are exchanged in person.
pub fn keys_in_person(sc: &Scenario) -> bool {
    !sc.people.is_empty() && sc.people.iter().all(|p| p.keys_from == KeySource::InPerson)
}

/// The link nearest a point, for clicks: the links as polylines of points, the distance
/// within which a click counts.
pub fn nearest_link(links: &[Vec<(f32, f32)>], at: (f32, f32), within: f32) -> Option<usize> {
    let dist = |a: (f32, f32), b: (f32, f32)| {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((at.0 - a.0) * dx + (at.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (px, py) = (a.0 + t * dx, a.1 + t * dy);
        ((at.0 - px).powi(2) + (at.1 - py).powi(2)).sqrt()
    };
    links
        .iter()
        .enumerate()
        .filter_map(|(i, pts)| {
            let d = pts
                .windows(2)
                .map(|w| dist(w[0], w[1]))
                .fold(f32::INFINITY, f32::min);
            (d <= within).then_some((i, d))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// One cell of the who-can-read matrix: what looking gives, and what acting would give more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// By looking.
    pub content: Content,
    /// By acting, when that gives more than looking.
    pub if_acting: Option<Content>,
    /// The metadata learned, as the matrix's letters in order (`s r z t e`), one bit each:
    /// a change of metadata is a change of the cell.
    pub metadata: u8,
}

/// The matrix's metadata letters, in bit order of [`Cell::metadata`].
const META_LETTERS: [(MetaField, char); 5] = [
    (MetaField::Sender, 's'),
    (MetaField::Recipients, 'r'),
    (MetaField::Size, 'z'),
    (MetaField::Time, 't'),
    (MetaField::Endpoints, 'e'),
];

impl Cell {
    /// Observer `o`'s cell for message `m` in a run.
    pub fn of(run: &Run, o: usize, m: usize) -> Option<Cell> {
        let mx = run.exposure.observers.get(o)?.messages.get(m)?;
        let if_acting = mx
            .if_acting
            .as_ref()
            .map(|a| a.content)
            .filter(|c| c.more_than(mx.content));
        let metadata = META_LETTERS
            .iter()
            .enumerate()
            .filter(|(_, (f, _))| mx.metadata.contains(f))
            .fold(0u8, |bits, (i, _)| bits | 1 << i);
        Some(Cell {
            content: mx.content,
            if_acting,
            metadata,
        })
    }

    /// The cell as the matrix prints it, metadata included: `cipher [srzte]`,
    /// `cipher [szte] / READS if acting`.
    pub fn text(&self) -> String {
        let letters: String = META_LETTERS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.metadata & (1 << i) != 0)
            .map(|(_, (_, c))| *c)
            .collect();
        let words = self.words();
        if letters.is_empty() {
            return words;
        }
        match words.split_once(" / ") {
            Some((looking, acting)) => format!("{looking} [{letters}] / {acting}"),
            None => format!("{words} [{letters}]"),
        }
    }

    /// The cell's words, as the matrix prints them: `READS`, `cipher / READS if acting`, `-`.
    pub fn words(&self) -> String {
        let word = |c: Content| match c {
            Content::Plaintext => "READS",
            Content::Ciphertext => "cipher",
            Content::None => "-",
        };
        match self.if_acting {
            Some(a) => format!("{} / {} if acting", word(self.content), word(a)),
            None => word(self.content).to_string(),
        }
    }
}

/// A matrix cell that a what-if changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellChange {
    /// The observer (index).
    pub observer: usize,
    /// The message (index).
    pub message: usize,
    /// The cell before.
    pub before: Cell,
    /// The cell after.
    pub after: Cell,
}

/// Every cell that differs between two runs of the same people and messages, in matrix order.
pub fn changes(before: &Run, after: &Run) -> Vec<CellChange> {
    let mut out = Vec::new();
    for o in 0..after.scenario.observers.len() {
        for m in 0..after.scenario.messages.len() {
            if let (Some(b), Some(a)) = (Cell::of(before, o, m), Cell::of(after, o, m))
                && a != b
            {
                out.push(CellChange {
                    observer: o,
                    message: m,
                    before: b,
                    after: a,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_link_picks_the_closer_polyline_within_reach() {
        let links = vec![
            vec![(0.0, 0.0), (100.0, 0.0)],
            vec![(0.0, 50.0), (100.0, 50.0)],
        ];
        assert_eq!(nearest_link(&links, (50.0, 5.0), 10.0), Some(0));
        assert_eq!(nearest_link(&links, (50.0, 44.0), 10.0), Some(1));
        assert_eq!(nearest_link(&links, (50.0, 25.0), 10.0), None);
    }

    #[test]
    fn a_link_that_does_not_exist_is_an_error() {
        let sc = Scenario::shipped("e2e").expect("shipped");
        assert_eq!(
            set_link_tls(&sc, 99, false).err(),
            Some(WhatIfError::NoLink(99))
        );
    }

    /// Issue 20: under e2e, TLS off on Alice's link "changed no cell" while the matrix showed
    /// the tap learning the recipients. A change of metadata is a change of the cell.
    #[test]
    fn a_change_of_metadata_is_a_change() {
        let sc = Scenario::shipped("e2e").expect("shipped");
        let before = Run::new(sc.clone(), None).expect("runs");
        let link = (0..sc.links.len())
            .find(|&l| sc.links[l].tls)
            .expect("a TLS link");
        let after = Run::new(set_link_tls(&sc, link, false).expect("edits"), None).expect("runs");
        let changed = changes(&before, &after);
        assert!(
            changed
                .iter()
                .any(|c| c.before.metadata != c.after.metadata && c.after.text().contains('r')),
            "{changed:?}"
        );
    }
}
