//! Code shipping: a web client runs the code its server sends on every page load, and that code
//! holds the keys. Whoever controls what the server serves (production access, or the whole
//! server) can send one user changed code that hands the words back. Checking safety numbers
//! does not help: the keys are right, the code is not. An app, whose code is installed and
//! updated through a store that signs and publishes it, does not give the server this power.

use crate::scenario::{Node, Part, Protection, Reach, Scenario};
use crate::sim::{Action, Sim};
use crate::wire::{self, Body};

use super::Power;

/// The code-shipping power.
pub(crate) struct CodeShipping;

impl Power for CodeShipping {
    fn name(&self) -> &'static str {
        "code-shipping"
    }

    fn help(&self) -> &'static str {
        "ships changed code to a web client it serves; verified keys do not help"
    }

    fn grip(&self, sc: &Scenario, p: Protection, o: usize, m: usize) -> Option<Vec<String>> {
        if !p.model.end_to_end() {
            return None;
        }
        let msg = &sc.messages[m];
        let devices = std::iter::once(msg.from_device).chain(msg.routes.iter().map(|r| r.device));
        // Per server whose code the observer controls, the devices running it.
        let mut by_server: Vec<(usize, Vec<&str>)> = Vec::new();
        for d in devices {
            let Some(s) = sc.devices[d].code_from else {
                continue;
            };
            if !sc.reaches(o, Reach::ServerPart(s, Part::AppMemory)) {
                continue;
            }
            let name = sc.devices[d].name.as_str();
            match by_server.iter_mut().find(|(x, _)| *x == s) {
                Some((_, list)) => list.push(name),
                None => by_server.push((s, vec![name])),
            }
        }
        let why: Vec<String> = by_server
            .into_iter()
            .map(|(s, devices)| {
                let memory = Reach::ServerPart(s, Part::AppMemory);
                format!(
                    "controls what {} serves{} -> could ship {} changed code",
                    sc.servers[s].name,
                    sc.via_words(o, memory),
                    devices.join(", ")
                )
            })
            .collect();
        (!why.is_empty()).then_some(why)
    }

    /// The changed code posts the words it shows back to the server that served it.
    fn on_device_words(&self, sim: &mut Sim<'_>, o: usize, mi: usize, t: u64, d: usize) {
        let sc = sim.sc;
        let Some(s) = sc.devices[d].code_from else {
            return;
        };
        let memory = Reach::ServerPart(s, Part::AppMemory);
        if !sim.p.model.end_to_end() || !sc.reaches(o, memory) {
            return;
        }
        let words = sim.post(mi, t - t % 100, Body::Text(sc.messages[mi].text.clone()));
        let post = words.encode();
        let (device, server) = (&sc.devices[d].name, &sc.servers[s].name);
        let link = sc.links.iter().position(|l| {
            (l.from, l.to) == (Node::Device(d), Node::Server(s))
                || (l.from, l.to) == (Node::Server(s), Node::Device(d))
        });
        if let Some(l) = link {
            let bytes = if sc.links[l].tls {
                let (key, seq) = sim.session(l);
                wire::tls_record(&key, seq, &post)
            } else {
                post.clone()
            };
            let note = format!("the changed code on {device} sends the words back to {server}");
            let travel = Some((Node::Device(d), Node::Server(s)));
            sim.push(
                t,
                Reach::Wire(l),
                Action::Exfiltrate,
                Some(mi),
                bytes,
                note,
                travel,
                None,
            );
            sim.by(o);
        }
        let note = format!(
            "{} receives the words from the code it shipped to {device}",
            sc.observers[o].name
        );
        sim.push(
            t,
            memory,
            Action::Exfiltrate,
            Some(mi),
            post,
            note,
            None,
            None,
        );
        sim.by(o);
    }
}
