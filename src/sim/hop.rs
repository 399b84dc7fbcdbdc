//! Moving a message: key lookups, hops over links, what servers and devices do on arrival.

use crate::crypto::{self, Fanout, PublicKey, SecretKey, SymmetricKey};
use crate::scenario::{DevicePart, Model, Node, Part, Reach, Route};
use crate::wire::{self, Body, KeyBlob};

use super::{Action, Parcel, Sim, SimError};

impl Parcel {
    /// The same parcel for a subset of its devices. A bag keeps only those devices' stanzas
    /// (a server splits the bag as it forwards).
    fn restrict(&self, subset: &[usize]) -> Parcel {
        if subset.len() == self.devices.len() {
            return self.clone();
        }
        let body = match &self.body {
            Body::Envelope(bag) if crypto::bag_recipients(bag).is_ok() => {
                let indices: Vec<usize> = subset
                    .iter()
                    .filter_map(|d| self.devices.iter().position(|x| x == d))
                    .collect();
                Body::Envelope(crypto::bag_select(bag, &indices).unwrap_or_else(|_| bag.clone()))
            }
            other => other.clone(),
        };
        Parcel {
            body,
            devices: subset.to_vec(),
        }
    }
}

impl Sim<'_> {
    /// The sender asks for a recipient device's key. Returns the key it will seal to, or `None`
    /// if verification caught a substituted key.
    pub(super) fn lookup(&mut self, mi: usize, t: u64, route: &Route) -> Option<PublicKey> {
        let sc = self.sc;
        let d = route.device;
        let from = sc.messages[mi].from_device;
        let device = sc.devices[d].name.clone();
        let sender_device = sc.devices[from].name.clone();
        let real = self.device_keys[d].public();
        let directory = sc
            .home_server(d)
            .filter(|&s| sc.servers[s].has(Part::KeyDirectory));
        let Some(dir) = directory else {
            // No directory: keys were exchanged some other way (in person); nothing to fetch.
            return Some(real);
        };
        let lookup = self
            .post(
                mi,
                t,
                Body::Keys(vec![KeyBlob::Public {
                    owner: device.clone(),
                    key: real,
                }]),
            )
            .encode();
        self.push(
            t,
            Reach::ServerPart(dir, Part::KeyDirectory),
            Action::KeyLookup,
            Some(mi),
            lookup,
            format!(
                "{sender_device} asks {}'s key directory for {device}'s public key",
                sc.servers[dir].name
            ),
            None,
            None,
        );
        let attacker = route.nodes.iter().find_map(|n| match n {
            Node::Server(s) if self.malicious.contains(s) => Some(*s),
            _ => None,
        });
        let served = match attacker {
            Some(s) => {
                let sub = match self.substitutes.get(&(s, d)) {
                    Some(k) => k.clone(),
                    None => {
                        let k = SecretKey::generate(&mut self.rng);
                        let server = &sc.servers[s].name;
                        let blob = KeyBlob::Secret {
                            owner: format!("{server} (posing as {device})"),
                            key: k.clone(),
                        }
                        .encode();
                        self.push(t, Reach::ServerPart(s, Part::KeyDirectory), Action::KeySubstituted, Some(mi), blob,
                            format!("{server} makes its own key pair and hands out its public half as {device}'s key"), None, None);
                        self.substitutes.insert((s, d), k.clone());
                        k
                    }
                };
                sub.public()
            }
            None => real,
        };
        let received = self
            .post(
                mi,
                t,
                Body::Keys(vec![KeyBlob::Public {
                    owner: device.clone(),
                    key: served,
                }]),
            )
            .encode();
        self.push(
            t,
            Reach::DevicePart(from, DevicePart::Memory),
            Action::KeysReceived,
            Some(mi),
            received,
            format!(
                "{sender_device} receives a key for {device}: safety number {}",
                served.fingerprint()
            ),
            None,
            None,
        );
        if self.p.keys_verified {
            let owner = &sc.people[sc.devices[d].owner].name;
            if served == real {
                self.push(t, Reach::DevicePart(from, DevicePart::Memory), Action::KeyVerified, Some(mi), Vec::new(),
                    format!("{sender_device} checks it against the safety number {owner} showed in person: it matches"), None, None);
            } else {
                self.push(t, Reach::DevicePart(from, DevicePart::Memory), Action::KeyMismatch, Some(mi), Vec::new(),
                    format!("{sender_device} checks it against the safety number {owner} showed in person ({}): it does NOT match, so it refuses to send to {device}", real.fingerprint()),
                    None, None);
                return None;
            }
        }
        Some(served)
    }

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
        let mut frontier = vec![(start, parcels)];
        let mut level = 1;
        while !frontier.is_empty() {
            let mut next: Vec<(Node, Vec<Parcel>)> = Vec::new();
            for (at, parcels) in frontier {
                for parcel in parcels {
                    // Group the parcel's devices by the next hop of their routes.
                    let mut groups: Vec<(Node, usize, Vec<usize>)> = Vec::new();
                    for &d in &parcel.devices {
                        let Some(route) = routes.iter().find(|r| r.device == d) else {
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
                        let onward = self.hop(mi, t + level, at, to, link, part)?;
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

    fn session(&mut self, link: usize) -> (SymmetricKey, u64) {
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
        from: Node,
        to: Node,
        link: usize,
        parcel: Parcel,
    ) -> Result<Vec<Parcel>, SimError> {
        let sc = self.sc;
        let m = &sc.messages[mi];
        let post = self.post(mi, m_time(t), parcel.body.clone()).encode();
        let tls = sc.links[link].tls;
        let (from_name, to_name) = (sc.node_name(from).to_string(), sc.node_name(to).to_string());
        let what = match &parcel.body {
            Body::Envelope(_) if parcel.devices.len() == 1 => {
                format!("the envelope for {}", sc.devices[parcel.devices[0]].name)
            }
            Body::Envelope(_) => format!("the bag for {} devices", parcel.devices.len()),
            _ => "the message".to_string(),
        };
        let wire_bytes = if tls {
            let (key, seq) = self.session(link);
            wire::tls_record(&key, seq, &post)
        } else {
            post.clone()
        };
        let how = if tls { "inside TLS" } else { "with no TLS" };
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

        match to {
            Node::Server(s) => {
                let server = &sc.servers[s];
                if tls && server.has(Part::TlsFront) {
                    self.push(
                        t,
                        Reach::ServerPart(s, Part::TlsFront),
                        Action::TlsTerminate,
                        Some(mi),
                        post.clone(),
                        format!("{to_name}'s TLS front decrypts the hop and passes it on"),
                        None,
                        None,
                    );
                }
                let arrive = if tls && !server.has(Part::TlsFront) {
                    " (TLS ends here)"
                } else {
                    ""
                };
                self.push(
                    t,
                    Reach::ServerPart(s, Part::AppMemory),
                    Action::Receive,
                    Some(mi),
                    post.clone(),
                    format!("{to_name}'s application handles {what} in memory{arrive}"),
                    None,
                    None,
                );
                if server.has(Part::Database) || server.has(Part::Backup) {
                    let row = self.next_row;
                    self.next_row += 1;
                    let (stored, how) = match (self.p.model, self.at_rest.get(&s)) {
                        (Model::ServerEncrypted, Some(key)) => (
                            Body::AtRest(wire::seal_at_rest(&server.name, key, row, &parcel.body)),
                            "encrypted with its at-rest key",
                        ),
                        (Model::E2e, _) => (parcel.body.clone(), "as the sender sealed it"),
                        _ => (parcel.body.clone(), "as it arrived"),
                    };
                    let stored = self.post(mi, m_time(t), stored).encode();
                    for part in [Part::Database, Part::Backup] {
                        if server.has(part) {
                            self.push(
                                t,
                                Reach::ServerPart(s, part),
                                Action::Store,
                                Some(mi),
                                stored.clone(),
                                format!("{to_name} stores it in its {} {how}", part.name()),
                                None,
                                Some(format!("row {}", m.id)),
                            );
                        }
                    }
                    let again = if self.p.model == Model::ServerEncrypted {
                        " and decrypts it"
                    } else {
                        ""
                    };
                    self.push(
                        t,
                        Reach::ServerPart(s, Part::AppMemory),
                        Action::Load,
                        Some(mi),
                        post.clone(),
                        format!("{to_name} loads it from the database{again} to deliver it"),
                        None,
                        Some(format!("row {}", m.id)),
                    );
                }
                self.intercept(mi, t, s, parcel)
            }
            Node::Device(d) => {
                self.push(
                    t,
                    Reach::DevicePart(d, DevicePart::Memory),
                    Action::Receive,
                    Some(mi),
                    post,
                    format!("{to_name} receives {what}"),
                    None,
                    None,
                );
                if let Body::Envelope(envelope) = &parcel.body {
                    let opened = crypto::open_envelope(&self.device_keys[d], envelope);
                    let (bytes, note) = match opened {
                        Ok(plain) => (
                            self.post(
                                mi,
                                m_time(t),
                                Body::Text(String::from_utf8_lossy(&plain).into_owned()),
                            )
                            .encode(),
                            format!(
                                "{to_name} opens it with its private key and shows the message"
                            ),
                        ),
                        Err(e) => (Vec::new(), format!("{to_name} cannot open it: {e}")),
                    };
                    self.push(
                        t,
                        Reach::DevicePart(d, DevicePart::Memory),
                        Action::Open,
                        Some(mi),
                        bytes,
                        note,
                        None,
                        None,
                    );
                }
                Ok(Vec::new())
            }
        }
    }

    /// A malicious server opens envelopes sealed to keys it substituted, reads them, and seals
    /// them again to the real keys so the recipients notice nothing.
    fn intercept(
        &mut self,
        mi: usize,
        t: u64,
        s: usize,
        parcel: Parcel,
    ) -> Result<Vec<Parcel>, SimError> {
        let Body::Envelope(envelope) = &parcel.body else {
            return Ok(vec![parcel]);
        };
        if self.p.model != Model::E2e || !self.malicious.contains(&s) {
            return Ok(vec![parcel]);
        }
        let victims: Vec<usize> = parcel
            .devices
            .iter()
            .copied()
            .filter(|d| self.substitutes.contains_key(&(s, *d)))
            .collect();
        if victims.is_empty() {
            return Ok(vec![parcel]);
        }
        let sc = self.sc;
        let server = sc.servers[s].name.clone();
        let mut out = Vec::new();
        let others: Vec<usize> = parcel
            .devices
            .iter()
            .copied()
            .filter(|d| !victims.contains(d))
            .collect();
        if !others.is_empty() {
            out.push(parcel.restrict(&others));
        }
        let mut read = false;
        for d in victims {
            let sub = self.substitutes[&(s, d)].clone();
            let Ok(plain) = crypto::open_envelope(&sub, envelope) else {
                continue;
            };
            let device = sc.devices[d].name.clone();
            if !read {
                let shown = self
                    .post(
                        mi,
                        m_time(t),
                        Body::Text(String::from_utf8_lossy(&plain).into_owned()),
                    )
                    .encode();
                self.push(t, Reach::ServerPart(s, Part::AppMemory), Action::MitmOpen, Some(mi), shown,
                    format!("{server} opens the envelope with the key it substituted for {device} and reads it"), None, None);
                read = true;
            }
            let real = self.device_keys[d].public();
            let fanout = if crypto::bag_recipients(envelope).is_ok() {
                self.p.fanout
            } else {
                Fanout::PerRecipient
            };
            let resealed = fanout
                .scheme()
                .seal(&mut self.rng, &[real], &plain)
                .map_err(|source| SimError::Seal {
                    message: sc.messages[mi].id.clone(),
                    source,
                })?;
            let Some(frame) = resealed.uplink().first().map(|f| f.to_vec()) else {
                continue;
            };
            let bytes = self
                .post(mi, m_time(t), Body::Envelope(frame.clone()))
                .encode();
            self.push(
                t,
                Reach::ServerPart(s, Part::AppMemory),
                Action::MitmReseal,
                Some(mi),
                bytes,
                format!(
                    "{server} seals it again to {device}'s real key, so {device} notices nothing"
                ),
                None,
                None,
            );
            out.push(Parcel {
                body: Body::Envelope(frame),
                devices: vec![d],
            });
        }
        Ok(out)
    }
}

/// The send time a post's header carries: the message's time, not the hop's.
fn m_time(t: u64) -> u64 {
    t - t % 100
}
