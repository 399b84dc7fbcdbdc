//! Key lookups as traffic. A device that needs another device's public key asks a key
//! directory for it over the links of its way there; the answer comes back the same way,
//! through any directory nearer the asker that hands it on. Every hop is a step (inside TLS
//! where the link has it), and whoever can open the answer on its way may change it
//! ([`Sim::touch`]). The key a device ends up with is the one it uses: a sender seals to it, a
//! recipient checks signatures with it.

use crate::cargo::Cargo;
use crate::crypto::PublicKey;
use crate::scenario::{DevicePart, KeySource, KeySync, Node, Part, Reach, Route};
use crate::wire::Body;

use super::transit::{Leg, Path};
use super::{Action, Sim, SimError};

/// One lookup: who asks, for which devices, from which directory, through which relays, and
/// the way there.
struct Ask {
    asker: usize,
    devices: Vec<usize>,
    origin: usize,
    relays: Vec<usize>,
    path: Path,
}

impl Sim<'_> {
    /// The sender's device gets the key of every recipient device of message `mi`: one
    /// lookup per way to a directory. Returns the keys to seal to, verified where the scene
    /// says keys are verified (a device whose key does NOT match is left out).
    pub(crate) fn sender_lookups(
        &mut self,
        mi: usize,
        t: u64,
    ) -> Result<Vec<(usize, PublicKey)>, SimError> {
        let sc = self.sc;
        let from = sc.messages[mi].from_device;
        let mut asks: Vec<Ask> = Vec::new();
        let mut got: Vec<(usize, PublicKey)> = Vec::new();
        for route in &sc.messages[mi].routes {
            match self.ask_for(from, route) {
                Some((origin, relays, path)) => {
                    add(&mut asks, from, route.device, origin, relays, path)
                }
                None => got.push((route.device, self.real[route.device])),
            }
        }
        for ask in asks {
            got.extend(self.lookup(Some(mi), t, &ask)?);
        }
        let order: std::collections::HashMap<usize, usize> = sc.messages[mi]
            .routes
            .iter()
            .enumerate()
            .map(|(i, r)| (r.device, i))
            .collect();
        got.sort_by_key(|&(d, _)| order.get(&d).copied());
        Ok(got
            .into_iter()
            .map(|(d, key)| (d, self.verify(mi, t, (from, d), key)))
            .collect())
    }

    /// Each recipient device of `mi` that has not yet got the sender device's key fetches it
    /// (to check the sender's signatures), from the directories on its own way back.
    pub(crate) fn recipient_lookups(&mut self, mi: usize, t: u64) -> Result<(), SimError> {
        let sc = self.sc;
        let from = sc.messages[mi].from_device;
        for route in &sc.messages[mi].routes {
            let d = route.device;
            if self.known.contains_key(&(d, from)) || d == from {
                continue;
            }
            let back = Route {
                device: from,
                nodes: route.nodes.iter().rev().copied().collect(),
                links: route.links.iter().rev().copied().collect(),
            };
            let Some((origin, relays, path)) = self.ask_for(d, &back) else {
                continue;
            };
            let ask = Ask {
                asker: d,
                devices: vec![from],
                origin,
                relays,
                path,
            };
            for (_, key) in self.lookup(Some(mi), t, &ask)? {
                self.verify(mi, t, (d, from), key);
            }
        }
        Ok(())
    }

    /// Where device `asker` gets the key of `route`'s device: the directory that holds it,
    /// the directories that hand it on (nearest the asker last), and the way there. `None`
    /// when nothing is looked up: keys met in person, no directory, or a key the device
    /// already holds (a person's devices sharing one key pair).
    fn ask_for(&self, asker: usize, route: &Route) -> Option<(usize, Vec<usize>, Path)> {
        let sc = self.sc;
        let d = route.device;
        if sc.key_sync != KeySync::None && sc.devices[d].owner == sc.devices[asker].owner {
            return None;
        }
        let sources = sc.key_sources(route);
        let (&origin, relays) = sources.split_first()?;
        let along = Path {
            nodes: route.nodes.clone(),
            links: route.links.clone(),
        };
        let path = along.upto(Node::Server(origin)).or_else(|| {
            let (nodes, links) = sc.path(Node::Device(asker), Node::Server(origin))?;
            Some(Path { nodes, links })
        });
        // A directory no link reaches: the answer is fetched some other way, unseen.
        let path = path.unwrap_or(Path {
            nodes: vec![Node::Device(asker)],
            links: Vec::new(),
        });
        let relays = match sc.people[sc.devices[d].owner].keys_from {
            KeySource::Directories => relays.to_vec(),
            _ => Vec::new(),
        };
        Some((origin, relays, path))
    }

    /// The request out, the directory's answer, the answer back (handed on by each relay);
    /// returns the keys as the asker received them.
    fn lookup(
        &mut self,
        mi: Option<usize>,
        t: u64,
        ask: &Ask,
    ) -> Result<Vec<(usize, PublicKey)>, SimError> {
        let sc = self.sc;
        let (asker, origin) = (&sc.devices[ask.asker].name, &sc.servers[ask.origin].name);
        let for_whom = names(sc, &ask.devices);
        let mut leg = self.key_leg(mi, t, ask, format!("the key lookup for {for_whom}"));
        let request = Body::KeyRequest(
            ask.devices
                .iter()
                .map(|&d| sc.devices[d].name.clone())
                .collect(),
        );
        self.carry(&leg, &ask.path, Cargo::Opaque(request))?;
        let mut answer = Cargo::KeyAnswer {
            asker: ask.asker,
            keys: ask.devices.iter().map(|&d| (d, self.real[d])).collect(),
        };
        let place = Reach::ServerPart(ask.origin, Part::KeyDirectory);
        let note =
            format!("{origin}'s key directory answers {asker} with {for_whom}'s public keys");
        let bytes = self.post_of(&leg, &answer);
        self.push(t, place, Action::KeyLookup, mi, bytes, note, None, None);
        self.touch(place, (mi, t), None, &mut answer)?;
        leg.what = format!("the key answer for {for_whom}");
        let back = ask.path.reversed();
        let mut at = Node::Server(ask.origin);
        for &relay in &ask.relays {
            let Some(seg) = back.from(at).and_then(|p| p.upto(Node::Server(relay))) else {
                continue;
            };
            answer = self.carry(&leg, &seg, answer)?;
            let place = Reach::ServerPart(relay, Part::KeyDirectory);
            let note = format!(
                "{}'s key directory fetches {for_whom}'s keys from {origin} and hands them to {asker}",
                sc.servers[relay].name
            );
            let bytes = self.post_of(&leg, &answer);
            self.push(t, place, Action::KeyRelayed, mi, bytes, note, None, None);
            self.touch(place, (mi, t), None, &mut answer)?;
            at = Node::Server(relay);
        }
        if let Some(seg) = back.from(at) {
            answer = self.carry(&leg, &seg, answer)?;
        }
        let Cargo::KeyAnswer { keys, .. } = answer else {
            return Ok(Vec::new());
        };
        self.received(&leg, ask.asker, &keys);
        Ok(keys)
    }

    fn key_leg(&self, mi: Option<usize>, t: u64, ask: &Ask, what: String) -> Leg {
        let sc = self.sc;
        let asker_person = sc.devices[ask.asker].owner;
        // Sealed sender: key lookups are made without logging in.
        let anonymous = sc.sealed_sender && self.p.model.end_to_end();
        let mut recipients: Vec<String> = ask
            .devices
            .iter()
            .map(|&d| sc.people[sc.devices[d].owner].name.clone())
            .collect();
        recipients.dedup();
        Leg {
            mi,
            t,
            what,
            sender: if anonymous {
                String::new()
            } else {
                sc.people[asker_person].name.clone()
            },
            recipients,
            actor: None,
            stop: None,
        }
    }

    /// The asker's device receives the answer: one step, with a key-change notice where a
    /// key differs from the one it held for that device.
    fn received(&mut self, leg: &Leg, asker: usize, keys: &[(usize, PublicKey)]) {
        let sc = self.sc;
        let parts: Vec<(String, &str)> = keys
            .iter()
            .map(|&(d, key)| {
                let device = &sc.devices[d].name;
                let notice = match self.known.get(&(asker, d)) {
                    Some(held) if *held != key => {
                        ": not the key it held for it, so the app shows a key-change notice (a new safety number)"
                    }
                    None if key != self.real[d] && !self.p.keys_verified => {
                        ": not the device's own key, but it is first contact, so nothing on screen says so"
                    }
                    _ => "",
                };
                (format!("{device} (safety number {})", key.fingerprint()), notice)
            })
            .collect();
        let note = received_note(&sc.devices[asker].name, &parts);
        let cargo = Cargo::KeyAnswer {
            asker,
            keys: keys.to_vec(),
        };
        let bytes = self.post_of(leg, &cargo);
        let memory = Reach::DevicePart(asker, DevicePart::Memory);
        self.push(
            leg.t,
            memory,
            Action::KeysReceived,
            leg.mi,
            bytes,
            note,
            None,
            None,
        );
    }

    /// `asker` takes `key` as `d`'s. With verified keys it first compares it with the safety
    /// number shown in person: a verified key is never taken from the wire, so one that does
    /// not match is refused and the verified key kept. Returns the key it uses.
    fn verify(
        &mut self,
        mi: usize,
        t: u64,
        (asker, d): (usize, usize),
        key: PublicKey,
    ) -> PublicKey {
        let real = self.real[d];
        if !self.p.keys_verified {
            self.known.insert((asker, d), key);
            return key;
        }
        let sc = self.sc;
        let (device, asking) = (&sc.devices[d].name, &sc.devices[asker].name);
        let owner = &sc.people[sc.devices[d].owner].name;
        let memory = Reach::DevicePart(asker, DevicePart::Memory);
        self.known.insert((asker, d), real);
        let (action, note) = if key == real {
            let note = format!(
                "{asking} checks {device}'s key against the safety number {owner} showed in person: it matches"
            );
            (Action::KeyVerified, note)
        } else {
            let then = if asker == sc.messages[mi].from_device {
                "seals to that one"
            } else {
                "checks signatures with that one"
            };
            let note = format!(
                "{asking} checks {device}'s key against the safety number {owner} showed in person ({}): it does NOT match, so it warns, keeps the key it verified and {then}",
                real.fingerprint()
            );
            (Action::KeyMismatch, note)
        };
        self.push(t, memory, action, Some(mi), Vec::new(), note, None, None);
        real
    }
}

fn add(asks: &mut Vec<Ask>, asker: usize, d: usize, origin: usize, relays: Vec<usize>, path: Path) {
    match asks
        .iter_mut()
        .find(|a| a.origin == origin && a.relays == relays && a.path == path)
    {
        Some(a) => a.devices.push(d),
        None => asks.push(Ask {
            asker,
            devices: vec![d],
            origin,
            relays,
            path,
        }),
    }
}

/// "bob-phone", "bob-phone and bob-laptop", "9 devices".
fn names(sc: &crate::scenario::Scenario, devices: &[usize]) -> String {
    let n: Vec<&str> = devices
        .iter()
        .map(|&d| sc.devices[d].name.as_str())
        .collect();
    match n.as_slice() {
        [one] => (*one).to_string(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b} and {c}"),
        _ => format!("{} devices", n.len()),
    }
}

/// "{asker} receives keys for a (safety number ..); b (..)", each with its notice. For a
/// group too long to spell out, the first few and a count of the rest, with how many of those
/// carried each notice.
fn received_note(asker: &str, parts: &[(String, &str)]) -> String {
    use crate::words::{NAMED, SPELL_OUT};
    let whole = |p: &(String, &str)| format!("{}{}", p.0, p.1);
    if parts.len() <= SPELL_OUT {
        let n = if parts.len() == 1 { "a key" } else { "keys" };
        let list: Vec<String> = parts.iter().map(whole).collect();
        return format!("{asker} receives {n} for {}", list.join("; "));
    }
    let named: Vec<String> = parts[..NAMED].iter().map(whole).collect();
    let rest = &parts[NAMED..];
    let mut notices: Vec<(&str, usize)> = Vec::new();
    for (_, notice) in rest.iter().filter(|(_, n)| !n.is_empty()) {
        match notices.iter_mut().find(|(n, _)| n == notice) {
            Some((_, count)) => *count += 1,
            None => notices.push((notice, 1)),
        }
    }
    let mut out = format!(
        "{asker} receives keys for {} devices: {}; and {} more",
        parts.len(),
        named.join("; "),
        rest.len()
    );
    for (notice, count) in notices {
        out.push_str(&format!("; {count} of those{notice}"));
    }
    out
}
