//! Carrying key traffic and code over the links of a path: each hop's wire (inside TLS where
//! the link has it and nobody stripped it), each server's TLS front and application on the
//! way, with [`Sim::touch`] at every place the bytes pass.

use crate::cargo::Cargo;
use crate::power::PowerId;
use crate::scenario::{Node, Part, Reach};
use crate::wire::{self, Body, KeyBlob, Post};

use super::{Action, Sim, SimError};

/// A chain of links: nodes in order, and the links between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Path {
    pub nodes: Vec<Node>,
    pub links: Vec<usize>,
}

impl Path {
    /// The same path the other way.
    pub(crate) fn reversed(&self) -> Path {
        Path {
            nodes: self.nodes.iter().rev().copied().collect(),
            links: self.links.iter().rev().copied().collect(),
        }
    }

    /// The part of the path from its start up to (and with) `node`, if the path passes it.
    pub(crate) fn upto(&self, node: Node) -> Option<Path> {
        let i = self.nodes.iter().position(|&n| n == node)?;
        Some(Path {
            nodes: self.nodes[..=i].to_vec(),
            links: self.links[..i].to_vec(),
        })
    }

    /// The part from `node` to the end.
    pub(crate) fn from(&self, node: Node) -> Option<Path> {
        let i = self.nodes.iter().position(|&n| n == node)?;
        Some(Path {
            nodes: self.nodes[i..].to_vec(),
            links: self.links[i..].to_vec(),
        })
    }
}

/// What is carried, in words and header: "the key lookup for bob-phone".
pub(crate) struct Leg {
    pub mi: Option<usize>,
    pub t: u64,
    pub what: String,
    /// The post header's sender and recipients.
    pub sender: String,
    pub recipients: Vec<String>,
    /// Set when the whole leg is someone's deed (changed code sending the words back).
    pub actor: Option<(usize, PowerId)>,
    /// Where the leg ends if not at the last node's application (a TLS front that takes it).
    pub stop: Option<Reach>,
}

impl Sim<'_> {
    /// The bytes a cargo is as a post with the leg's header.
    pub(super) fn post_of(&self, leg: &Leg, cargo: &Cargo) -> Vec<u8> {
        let sc = self.sc;
        let body = match cargo {
            Cargo::KeyAnswer { keys, .. } => Body::Keys(
                keys.iter()
                    .map(|&(d, key)| KeyBlob::Public {
                        owner: sc.devices[d].name.clone(),
                        key,
                    })
                    .collect(),
            ),
            Cargo::Code { server, changed_by } => Body::Code(wire::CodeBundle {
                server: sc.servers[*server].name.clone(),
                changed_by: changed_by.map(|c| sc.observers[c.observer].name.clone()),
            }),
            Cargo::Opaque(body) => body.clone(),
            Cargo::Parcels(p) => p
                .first()
                .map_or(Body::Text(String::new()), |p| p.body.clone()),
        };
        Post {
            time: leg.t - leg.t % 100,
            sender: leg.sender.clone(),
            recipients: leg.recipients.clone(),
            body,
        }
        .encode()
    }

    /// Carries `cargo` along `path`. Returns it as it arrives at the path's last node (whose
    /// own step the caller writes).
    pub(crate) fn carry(
        &mut self,
        leg: &Leg,
        path: &Path,
        mut cargo: Cargo,
    ) -> Result<Cargo, SimError> {
        for (i, &link) in path.links.iter().enumerate() {
            let (from, to) = (path.nodes[i], path.nodes[i + 1]);
            if let Node::Server(s) = from {
                self.leave_front(leg, s, link, &mut cargo)?;
            }
            self.cross(leg, (from, to), link, &mut cargo)?;
            if let Node::Server(s) = to {
                self.enter(leg, s, link, &mut cargo)?;
            }
        }
        Ok(cargo)
    }

    fn mark(&mut self, leg: &Leg) {
        if let Some((o, id)) = leg.actor {
            self.by(o, id);
        }
    }

    /// A step of the leg at a place, then the touch there.
    fn at_place(
        &mut self,
        leg: &Leg,
        (place, action, note): (Reach, Action, String),
        arrived_by: Option<usize>,
        cargo: &mut Cargo,
    ) -> Result<(), SimError> {
        let bytes = self.post_of(leg, cargo);
        self.push(leg.t, place, action, leg.mi, bytes, note, None, None);
        if let Some(step) = self.steps.last_mut() {
            step.arrived_by = arrived_by;
        }
        self.mark(leg);
        self.touch(place, (leg.mi, leg.t), None, cargo)
    }

    /// Leaving a server over a TLS link through its TLS front.
    fn leave_front(
        &mut self,
        leg: &Leg,
        s: usize,
        link: usize,
        cargo: &mut Cargo,
    ) -> Result<(), SimError> {
        if self.in_clear(link) || !self.sc.servers[s].has(Part::TlsFront) {
            return Ok(());
        }
        let note = format!(
            "{}'s TLS front sends {} out inside TLS",
            self.sc.servers[s].name, leg.what
        );
        let place = Reach::ServerPart(s, Part::TlsFront);
        self.at_place(leg, (place, Action::TlsTerminate, note), None, cargo)
    }

    /// A post as it crosses `link`'s wire: inside a TLS record, unless the link carries it in
    /// the clear (no TLS, or TLS someone acting strips); and how, in words.
    pub(super) fn on_wire(&mut self, link: usize, post: Vec<u8>) -> (Vec<u8>, String) {
        let sc = self.sc;
        let how = match self.stripped.get(&link) {
            Some(&(o, _)) => format!(
                "with no TLS: {} strips STARTTLS on the link",
                sc.observers[o].name
            ),
            None if sc.links[link].tls => "inside TLS".to_string(),
            None => "with no TLS".to_string(),
        };
        if self.in_clear(link) {
            return (post, how);
        }
        let (key, seq) = self.session(link);
        (wire::tls_record(&key, seq, &post), how)
    }

    /// The wire of one hop.
    fn cross(
        &mut self,
        leg: &Leg,
        (from, to): (Node, Node),
        link: usize,
        cargo: &mut Cargo,
    ) -> Result<(), SimError> {
        let sc = self.sc;
        let post = self.post_of(leg, cargo);
        let stripper = self.stripped.get(&link).copied();
        let (bytes, how) = self.on_wire(link, post);
        let note = format!(
            "{} sends {} to {} {how}",
            sc.node_name(from),
            leg.what,
            sc.node_name(to)
        );
        let action = if leg.actor.is_some() {
            Action::Exfiltrate
        } else {
            Action::Send
        };
        let travel = Some((from, to));
        self.push(
            leg.t,
            Reach::Wire(link),
            action,
            leg.mi,
            bytes,
            note,
            travel,
            None,
        );
        match (stripper, leg.actor) {
            (_, Some((o, id))) | (Some((o, id)), None) => self.by(o, id),
            (None, None) => {}
        }
        self.touch(Reach::Wire(link), (leg.mi, leg.t), travel, cargo)
    }

    /// Arriving at a server: its TLS front (if the hop was inside TLS), then its application.
    fn enter(
        &mut self,
        leg: &Leg,
        s: usize,
        link: usize,
        cargo: &mut Cargo,
    ) -> Result<(), SimError> {
        let name = self.sc.servers[s].name.clone();
        let front = !self.in_clear(link) && self.sc.servers[s].has(Part::TlsFront);
        if front {
            let note = format!("{name}'s TLS front decrypts {} and passes it on", leg.what);
            let place = Reach::ServerPart(s, Part::TlsFront);
            self.at_place(leg, (place, Action::TlsTerminate, note), Some(link), cargo)?;
            if leg.stop == Some(place) {
                return Ok(());
            }
        }
        let action = if leg.actor.is_some() {
            Action::Exfiltrate
        } else {
            Action::Receive
        };
        let note = format!("{name}'s application handles {} in memory", leg.what);
        let place = Reach::ServerPart(s, Part::AppMemory);
        self.at_place(leg, (place, action, note), Some(link), cargo)
    }
}
