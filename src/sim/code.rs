//! Web clients: a device that is a web page loads its server's code over the links (a page
//! load, before any message), and runs whatever code arrives. Code changed on its way also
//! sends the words the device shows back to whoever changed it.

use crate::cargo::{Cargo, ChangedBy};
use crate::scenario::{DevicePart, Node, Part, Reach};
use crate::wire::Body;

use super::transit::{Leg, Path};
use super::{Action, Sim, SimError};

impl Sim<'_> {
    /// Every web client loads its page, in device order.
    pub(super) fn load_web_clients(&mut self) -> Result<(), SimError> {
        for d in 0..self.sc.devices.len() {
            if let Some(s) = self.sc.devices[d].code_from {
                self.load_page(d, s)?;
            }
        }
        Ok(())
    }

    fn load_page(&mut self, d: usize, s: usize) -> Result<(), SimError> {
        let sc = self.sc;
        let Some((nodes, links)) = sc.path(Node::Server(s), Node::Device(d)) else {
            return Ok(());
        };
        let (device, server) = (&sc.devices[d].name, &sc.servers[s].name);
        let leg = Leg {
            mi: None,
            t: 0,
            what: format!("{server}'s web client code for {device}"),
            // A page load: the server answers the device's person.
            sender: server.clone(),
            recipients: vec![sc.people[sc.devices[d].owner].name.clone()],
            actor: None,
            stop: None,
        };
        let mut cargo = Cargo::Code {
            server: s,
            changed_by: None,
        };
        let memory = Reach::ServerPart(s, Part::AppMemory);
        let note = format!("{server} serves its web client's code to {device} (a page load)");
        let bytes = self.post_of(&leg, &cargo);
        self.push(0, memory, Action::CodeServed, None, bytes, note, None, None);
        self.touch(memory, (None, 0), None, &mut cargo)?;
        let cargo = self.carry(&leg, &Path { nodes, links }, cargo)?;
        let changed_by = match cargo {
            Cargo::Code { changed_by, .. } => changed_by,
            _ => None,
        };
        let note = match changed_by {
            Some(c) => format!(
                "{device} loads the code {} changed and runs it: nothing on the page says so",
                sc.observers[c.observer].name
            ),
            None => format!("{device} loads {server}'s web client and runs it"),
        };
        let bytes = self.post_of(&leg, &cargo_of(s, changed_by));
        let at = Reach::DevicePart(d, DevicePart::Memory);
        self.push(0, at, Action::CodeLoaded, None, bytes, note, None, None);
        self.code.insert(d, changed_by);
        Ok(())
    }

    /// The words of message `mi` are on device `d`'s screen (typed, or opened). If the device
    /// runs changed code, that code sends them to whoever changed it.
    pub(crate) fn words_shown(&mut self, mi: usize, t: u64, d: usize) -> Result<(), SimError> {
        let Some(Some(changed)) = self.code.get(&d).copied() else {
            return Ok(());
        };
        let sc = self.sc;
        let Some(s) = sc.devices[d].code_from else {
            return Ok(());
        };
        let Some((nodes, links)) = sc.path(Node::Device(d), Node::Server(s)) else {
            return Ok(());
        };
        let Some(path) = until(&Path { nodes, links }, changed) else {
            return Ok(());
        };
        let who = &sc.observers[changed.observer].name;
        let header = self.post(mi, t, Body::Text(String::new()));
        let leg = Leg {
            mi: Some(mi),
            t,
            what: format!(
                "the words, from the changed code on {}, for {who}",
                sc.devices[d].name
            ),
            sender: header.sender,
            recipients: header.recipients,
            actor: Some((changed.observer, changed.power)),
            stop: Some(changed.at),
        };
        let words = Cargo::Opaque(Body::Text(sc.messages[mi].text.clone()));
        let words = self.carry(&leg, &path, words)?;
        if let Reach::ServerPart(_, Part::KeyDirectory) = changed.at {
            let note = format!("{who} receives the words from the code it changed");
            let bytes = self.post_of(&leg, &words);
            self.push(
                t,
                changed.at,
                Action::Exfiltrate,
                Some(mi),
                bytes,
                note,
                None,
                None,
            );
            self.by(changed.observer, changed.power);
        }
        Ok(())
    }
}

fn cargo_of(server: usize, changed_by: Option<ChangedBy>) -> Cargo {
    Cargo::Code { server, changed_by }
}

/// The way from the device back to the place where the code was changed.
fn until(path: &Path, changed: ChangedBy) -> Option<Path> {
    match changed.at {
        Reach::Wire(l) => {
            let i = path.links.iter().position(|&x| x == l)?;
            path.upto(path.nodes[i + 1])
        }
        Reach::ServerPart(x, _) => path.upto(Node::Server(x)),
        Reach::DevicePart(..) => None,
    }
}
