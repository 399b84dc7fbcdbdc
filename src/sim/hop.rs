//! Moving a message: key lookups, hops over links, what servers and devices do on arrival.

use crate::cargo::Cargo;
use crate::crypto::{self, PublicKey, SecretKey, SymmetricKey};
use crate::model::sender_keys;
use crate::scenario::{DevicePart, Node, Part, Reach};
use crate::wire::{self, Body};

use super::{Action, Parcel, Sim, SimError};

impl Sim<'_> {
    /// Moves parcels hop by hop, all branches one level at a time, until every device has its copy.
    pub(super) fn forward(
        &mut self,
        mi: usize,
        t: u64,
        start: Node,
        parcels: Vec<Parcel>,
    ) -> Result<(), SimError> {
        let sc = self.sc;
        let routes = &sc.messages[mi].routes;
        // Each device's route, found once (a big group has a thousand).
        let route_of: std::collections::HashMap<usize, &crate::scenario::Route> =
            routes.iter().map(|r| (r.device, r)).collect();
        let mut frontier = vec![(start, parcels)];
        let mut level = 1;
        while !frontier.is_empty() {
            let mut next: Vec<(Node, Vec<Parcel>)> = Vec::new();
            for (at, parcels) in frontier {
                for parcel in parcels {
                    // Group the parcel's devices by the next hop of their routes.
                    let mut groups: Vec<(Node, usize, Vec<usize>)> = Vec::new();
                    for &d in &parcel.devices {
                        let Some(&route) = route_of.get(&d) else {
                            continue;
                        };
                        let Some(pos) = route.nodes.iter().position(|n| *n == at) else {
                            continue;
                        };
                        let (Some(&to), Some(&link)) =
                            (route.nodes.get(pos + 1), route.links.get(pos))
                        else {
                            continue;
                        };
                        match groups.iter_mut().find(|g| g.0 == to) {
                            Some(g) => g.2.push(d),
                            None => groups.push((to, link, vec![d])),
                        }
                    }
                    for (to, link, subset) in groups {
                        let part = parcel.restrict(&subset);
                        let onward = self.hop(mi, t + level, (at, to), link, part)?;
                        if !onward.is_empty() {
                            match next.iter_mut().find(|(n, _)| *n == to) {
                                Some((_, list)) => list.extend(onward),
                                None => next.push((to, onward)),
                            }
                        }
                    }
                }
            }
            frontier = next;
            level += 1;
        }
        Ok(())
    }

    pub(crate) fn session(&mut self, link: usize) -> (SymmetricKey, u64) {
        if !self.tls.contains_key(&link) {
            let client = SecretKey::generate(&mut self.rng);
            let server = SecretKey::generate(&mut self.rng);
            let share = client.public().to_bytes();
            let key = crypto::session_key(&client, &server.public(), &share)
                .unwrap_or_else(|| SymmetricKey::generate(&mut self.rng));
            self.tls.insert(link, (key, 0));
        }
        let entry = self.tls.get_mut(&link).expect("inserted above");
        entry.1 += 1;
        (entry.0.clone(), entry.1)
    }

    /// One hop: the wire, then what the receiving node does. Returns what travels on.
    fn hop(
        &mut self,
        mi: usize,
        t: u64,
        (from, to): (Node, Node),
        link: usize,
        parcel: Parcel,
    ) -> Result<Vec<Parcel>, SimError> {
        let what = self.parcel_words(&parcel);
        let mut cargo = Cargo::Parcels(vec![parcel]);
        self.wire(mi, t, (from, to), link, &mut cargo, &what)?;
        let Cargo::Parcels(parcels) = cargo else {
            return Ok(Vec::new());
        };
        let arrival = Arrival {
            mi,
            t,
            post: self.posts(mi, t, &parcels),
            what,
            tls: !self.in_clear(link),
            link,
        };
        match to {
            Node::Server(s) => self.arrive_at_server(s, &arrival, parcels),
            Node::Device(d) => {
                self.arrive_at_device(d, &arrival)?;
                for p in &parcels {
                    if let Body::Envelope(envelope) = &p.body {
                        self.deliver(mi, t, d, envelope)?;
                    }
                }
                Ok(Vec::new())
            }
        }
    }

    /// The parcels as posts, one after another.
    fn posts(&self, mi: usize, t: u64, parcels: &[Parcel]) -> Vec<u8> {
        parcels
            .iter()
            .flat_map(|p| {
                self.post_for(mi, m_time(t), p.body.clone(), &p.devices)
                    .encode()
            })
            .collect()
    }

    /// What a parcel is, in words: "the envelope for bob-phone", "the bag for 9 devices".
    fn parcel_words(&self, parcel: &Parcel) -> String {
        let sc = self.sc;
        match &parcel.body {
            Body::Envelope(e) if sender_keys::is_message(e) => format!(
                "the group message (one ciphertext) for {}",
                sender_keys::plural(parcel.devices.len(), "device")
            ),
            Body::Envelope(_) if parcel.devices.len() == 1 => {
                format!("the envelope for {}", sc.devices[parcel.devices[0]].name)
            }
            Body::Envelope(_) => format!("the bag for {} devices", parcel.devices.len()),
            _ => "the message".to_string(),
        }
    }

    /// The wire step of a hop, inside TLS unless the link has none or someone acting strips its
    /// opportunistic TLS; then whoever can open it there may act on it.
    fn wire(
        &mut self,
        mi: usize,
        t: u64,
        (from, to): (Node, Node),
        link: usize,
        cargo: &mut Cargo,
        what: &str,
    ) -> Result<(), SimError> {
        let sc = self.sc;
        let Cargo::Parcels(parcels) = &*cargo else {
            return Ok(());
        };
        let post = self.posts(mi, t, parcels);
        let stripper = self.stripped.get(&link).copied();
        let (wire_bytes, how) = self.on_wire(link, post);
        let (from_name, to_name) = (sc.node_name(from), sc.node_name(to));
        self.push(
            t,
            Reach::Wire(link),
            Action::Send,
            Some(mi),
            wire_bytes,
            format!("{from_name} sends {what} to {to_name} {how}"),
            Some((from, to)),
            None,
        );
        if let Some((o, id)) = stripper {
            self.by(o, id);
        }
        self.touch(Reach::Wire(link), (Some(mi), t), Some((from, to)), cargo)
    }

    /// A server receives a hop: its TLS front (if the hop was inside TLS), its application's
    /// memory, and its database and backup (then loaded again to deliver). Whoever can open
    /// the parcels at the front or in the application may act on them. Returns what travels on.
    fn arrive_at_server(
        &mut self,
        s: usize,
        a: &Arrival,
        parcels: Vec<Parcel>,
    ) -> Result<Vec<Parcel>, SimError> {
        let sc = self.sc;
        let server = &sc.servers[s];
        let to_name = &server.name;
        let mut cargo = Cargo::Parcels(parcels);
        if a.tls && server.has(Part::TlsFront) {
            let front = Reach::ServerPart(s, Part::TlsFront);
            let note = format!("{to_name}'s TLS front decrypts the hop and passes it on");
            self.push(
                a.t,
                front,
                Action::TlsTerminate,
                Some(a.mi),
                a.post.clone(),
                note,
                None,
                None,
            );
            self.arrived(a.link);
            self.touch(front, (Some(a.mi), a.t), None, &mut cargo)?;
        }
        let ends = if a.tls && !server.has(Part::TlsFront) {
            " (TLS ends here)"
        } else {
            ""
        };
        let Cargo::Parcels(parcels) = cargo else {
            return Ok(Vec::new());
        };
        let memory = Reach::ServerPart(s, Part::AppMemory);
        let note = format!("{to_name}'s application handles {} in memory{ends}", a.what);
        let post = self.posts(a.mi, a.t, &parcels);
        self.push(
            a.t,
            memory,
            Action::Receive,
            Some(a.mi),
            post,
            note,
            None,
            None,
        );
        self.arrived(a.link);
        let mut cargo = Cargo::Parcels(parcels);
        self.touch(memory, (Some(a.mi), a.t), None, &mut cargo)?;
        let Cargo::Parcels(parcels) = cargo else {
            return Ok(Vec::new());
        };
        if server.has(Part::Database) || server.has(Part::Backup) {
            for p in &parcels {
                // What is stored and loaded again is what left the application's hands.
                let kept = Arrival {
                    post: self
                        .post_for(a.mi, m_time(a.t), p.body.clone(), &p.devices)
                        .encode(),
                    what: a.what.clone(),
                    ..*a
                };
                self.store(s, &kept, p);
            }
        }
        Ok(parcels)
    }

    /// Marks the step just pushed as bytes that arrived over `link`.
    fn arrived(&mut self, link: usize) {
        if let Some(step) = self.steps.last_mut() {
            step.arrived_by = Some(link);
        }
    }

    /// A server stores what it received (as the model stores it) and loads it again.
    fn store(&mut self, s: usize, a: &Arrival, parcel: &Parcel) {
        let sc = self.sc;
        let server = &sc.servers[s];
        let (to_name, id) = (&server.name, &sc.messages[a.mi].id);
        let row = self.next_row;
        self.next_row += 1;
        let (stored, how) = self.p.model.def().stored(self, s, row, &parcel.body);
        let stored = self
            .post_for(a.mi, m_time(a.t), stored, &parcel.devices)
            .encode();
        for part in [Part::Database, Part::Backup] {
            if server.has(part) {
                self.push(
                    a.t,
                    Reach::ServerPart(s, part),
                    Action::Store,
                    Some(a.mi),
                    stored.clone(),
                    format!("{to_name} stores it in its {} {how}", part.name()),
                    None,
                    Some(format!("row {id}")),
                );
            }
        }
        let again = self.p.model.def().load_words();
        self.push(
            a.t,
            Reach::ServerPart(s, Part::AppMemory),
            Action::Load,
            Some(a.mi),
            a.post.clone(),
            format!("{to_name} loads it from the database{again} to deliver it"),
            None,
            Some(format!("row {id}")),
        );
    }

    /// A device receives a hop.
    fn arrive_at_device(&mut self, d: usize, a: &Arrival) -> Result<(), SimError> {
        let to_name = &self.sc.devices[d].name;
        self.push(
            a.t,
            Reach::DevicePart(d, DevicePart::Memory),
            Action::Receive,
            Some(a.mi),
            a.post.clone(),
            format!("{to_name} receives {}", a.what),
            None,
            None,
        );
        Ok(())
    }
}

/// What arrives at the end of a hop: the message, the time, the bytes posted, the parcel in
/// words, and whether the hop was inside TLS.
struct Arrival {
    mi: usize,
    t: u64,
    post: Vec<u8>,
    what: String,
    tls: bool,
    link: usize,
}

impl Sim<'_> {
    /// A recipient device opens what it received: a sender key it keeps, or words it shows.
    fn deliver(&mut self, mi: usize, t: u64, d: usize, envelope: &[u8]) -> Result<(), SimError> {
        let sc = self.sc;
        let to_name = &sc.devices[d].name;
        let group = sender_keys::is_message(envelope);
        let opened = if group {
            sender_keys::open(self, mi, d, envelope)
        } else {
            crypto::open_envelope(&self.device_keys[d], envelope)
                .map_err(|e| format!("{to_name} cannot open it: {e}"))
        };
        let (bytes, note) = match opened {
            Ok(plain) if sender_keys::keep(self, mi, t, d, &plain) => return Ok(()),
            Ok(plain) => self.check(mi, t, d, &plain, group),
            Err(note) => (Vec::new(), note),
        };
        let shown = !bytes.is_empty();
        let memory = Reach::DevicePart(d, DevicePart::Memory);
        self.push(t, memory, Action::Open, Some(mi), bytes, note, None, None);
        if shown {
            self.words_shown(mi, t, d)?;
        }
        Ok(())
    }

    /// A recipient device checks the sender's signature inside what it opened: the words it
    /// shows (as a post), and what it did.
    fn check(
        &mut self,
        mi: usize,
        t: u64,
        d: usize,
        plain: &[u8],
        group: bool,
    ) -> (Vec<u8>, String) {
        let sc = self.sc;
        let to_name = &sc.devices[d].name;
        let from = sc.messages[mi].from_device;
        let with = if group {
            format!("{}'s sender key", sc.devices[from].name)
        } else {
            "its private key".to_string()
        };
        let held = self
            .known
            .get(&(d, from))
            .copied()
            .unwrap_or(self.real[from]);
        let (text, checked) = match wire::opened(plain) {
            Ok(signed) if self.signed_by(held, from, plain, &signed) => (signed.text, true),
            Ok(signed) => {
                let note = format!(
                    "{to_name} opens it, but the signature is not {}'s: it rejects the message",
                    sc.devices[from].name
                );
                let _ = signed;
                return (Vec::new(), note);
            }
            Err(words) => (words, false),
        };
        let body = Body::Text(text);
        let note = if checked {
            format!(
                "{to_name} opens it with {with}, checks {}'s signature and shows the message",
                sc.devices[from].name
            )
        } else {
            format!("{to_name} opens it with {with} and shows the message")
        };
        (self.post_for(mi, m_time(t), body, &[d]).encode(), note)
    }
}

impl Sim<'_> {
    /// Whether `signed` (the opened bytes `plain`) carries a good signature by the holder of
    /// `held`, the key the recipient holds for the sender's device `from`; memoised per key and
    /// bytes.
    fn signed_by(
        &mut self,
        held: PublicKey,
        from: usize,
        plain: &[u8],
        signed: &wire::SignedText,
    ) -> bool {
        let memo = (held, plain.to_vec());
        if let Some(&ok) = self.checked.get(&memo) {
            return ok;
        }
        let secret = if held == self.real[from] {
            Some(self.device_keys[from].clone())
        } else {
            self.signer_of(held)
        };
        let ok = secret.is_some_and(|k| signed.verify(&wire::signing_key(&k).verifying_key()));
        self.checked.insert(memo, ok);
        ok
    }

    /// The private key behind a public key, among every key of the run (devices' own and keys
    /// someone made). A key answer stands for an identity bundle: the X25519 key and the
    /// Ed25519 signing key bound to it (as XEdDSA binds them), so a signature checks against
    /// the key the device got.
    fn signer_of(&self, key: PublicKey) -> Option<SecretKey> {
        // Keys someone made first (they are few), then devices' own by their known public
        // halves (no scalar multiplication per device).
        if let Some((k, _)) = self.made.values().find(|(_, p)| *p == key) {
            return Some(k.clone());
        }
        let d = self.real.iter().position(|p| *p == key)?;
        Some(self.device_keys[d].clone())
    }
}

/// The send time a post's header carries: the message's time, not the hop's.
fn m_time(t: u64) -> u64 {
    t - t % 100
}
