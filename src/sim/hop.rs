//! Moving a message: key lookups, hops over links, what servers and devices do on arrival.

use crate::crypto::{self, SecretKey, SymmetricKey};
use crate::model::sender_keys;
use crate::power;
use crate::scenario::{DevicePart, Node, Part, Reach};
use crate::wire::{self, Body};

use super::{Action, Parcel, Sim, SimError};

impl Parcel {
    /// The same parcel for a subset of its devices. A bag keeps only those devices' stanzas
    /// (a server splits the bag as it forwards).
    pub(crate) fn restrict(&self, subset: &[usize]) -> Parcel {
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
        from: Node,
        to: Node,
        link: usize,
        parcel: Parcel,
    ) -> Result<Vec<Parcel>, SimError> {
        let post = self.post(mi, m_time(t), parcel.body.clone()).encode();
        let what = self.parcel_words(&parcel);
        let tls = self.wire(mi, t, (from, to), link, &post, &what);
        let arrival = Arrival {
            mi,
            t,
            post,
            what,
            tls,
        };
        match to {
            Node::Server(s) => {
                self.arrive_at_server(s, &arrival, &parcel.body);
                power::intercept(self, mi, t, s, parcel)
            }
            Node::Device(d) => {
                self.arrive_at_device(d, arrival, &parcel.body);
                Ok(Vec::new())
            }
        }
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
    /// opportunistic TLS. Returns whether the hop was inside TLS.
    fn wire(
        &mut self,
        mi: usize,
        t: u64,
        (from, to): (Node, Node),
        link: usize,
        post: &[u8],
        what: &str,
    ) -> bool {
        let sc = self.sc;
        let tls = sc.links[link].tls;
        // Someone acting on an opportunistic link may strip its TLS (STARTTLS downgrade).
        let stripper = if tls && sc.links[link].opportunistic {
            power::strips_tls(self, link)
        } else {
            None
        };
        let tls = tls && stripper.is_none();
        let wire_bytes = if tls {
            let (key, seq) = self.session(link);
            wire::tls_record(&key, seq, post)
        } else {
            post.to_vec()
        };
        let how = match stripper {
            Some(o) => format!(
                "with no TLS: {} strips STARTTLS on the link",
                sc.observers[o].name
            ),
            None if tls => "inside TLS".to_string(),
            None => "with no TLS".to_string(),
        };
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
        if let Some(o) = stripper {
            self.by(o);
        }
        tls
    }

    /// A server receives a hop: its TLS front (if the hop was inside TLS), its application's
    /// memory, and its database and backup (then loaded again to deliver).
    fn arrive_at_server(&mut self, s: usize, a: &Arrival, body: &Body) {
        let sc = self.sc;
        let server = &sc.servers[s];
        let to_name = &server.name;
        if a.tls && server.has(Part::TlsFront) {
            self.push(
                a.t,
                Reach::ServerPart(s, Part::TlsFront),
                Action::TlsTerminate,
                Some(a.mi),
                a.post.clone(),
                format!("{to_name}'s TLS front decrypts the hop and passes it on"),
                None,
                None,
            );
        }
        let ends = if a.tls && !server.has(Part::TlsFront) {
            " (TLS ends here)"
        } else {
            ""
        };
        self.push(
            a.t,
            Reach::ServerPart(s, Part::AppMemory),
            Action::Receive,
            Some(a.mi),
            a.post.clone(),
            format!("{to_name}'s application handles {} in memory{ends}", a.what),
            None,
            None,
        );
        if server.has(Part::Database) || server.has(Part::Backup) {
            self.store(s, a, body);
        }
    }

    /// A server stores what it received (as the model stores it) and loads it again.
    fn store(&mut self, s: usize, a: &Arrival, body: &Body) {
        let sc = self.sc;
        let server = &sc.servers[s];
        let (to_name, id) = (&server.name, &sc.messages[a.mi].id);
        let row = self.next_row;
        self.next_row += 1;
        let (stored, how) = self.p.model.def().stored(self, s, row, body);
        let stored = self.post(a.mi, m_time(a.t), stored).encode();
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

    /// A device receives a hop and opens what it can.
    fn arrive_at_device(&mut self, d: usize, a: Arrival, body: &Body) {
        let to_name = &self.sc.devices[d].name;
        self.push(
            a.t,
            Reach::DevicePart(d, DevicePart::Memory),
            Action::Receive,
            Some(a.mi),
            a.post,
            format!("{to_name} receives {}", a.what),
            None,
            None,
        );
        if let Body::Envelope(envelope) = body {
            self.deliver(a.mi, a.t, d, envelope);
        }
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
}

impl Sim<'_> {
    /// A recipient device opens what it received: a sender key it keeps, or words it shows.
    fn deliver(&mut self, mi: usize, t: u64, d: usize, envelope: &[u8]) {
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
            Ok(plain) if sender_keys::keep(self, mi, t, d, &plain) => return,
            Ok(plain) => self.check(mi, t, d, &plain, group),
            Err(note) => (Vec::new(), note),
        };
        let shown = !bytes.is_empty();
        let memory = Reach::DevicePart(d, DevicePart::Memory);
        self.push(t, memory, Action::Open, Some(mi), bytes, note, None, None);
        if shown {
            power::on_device_words(self, mi, t, d);
        }
    }

    /// A recipient device checks the sender's signature inside what it opened: the words it
    /// shows (as a post), and what it did.
    fn check(&self, mi: usize, t: u64, d: usize, plain: &[u8], group: bool) -> (Vec<u8>, String) {
        let sc = self.sc;
        let to_name = &sc.devices[d].name;
        let from = sc.messages[mi].from_device;
        let with = if group {
            format!("{}'s sender key", sc.devices[from].name)
        } else {
            "its private key".to_string()
        };
        let expected = wire::signing_key(&self.device_keys[from]).verifying_key();
        let (text, checked) = match wire::opened(plain) {
            Ok(signed) if signed.verify(&expected) => (signed.text, true),
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
        (self.post(mi, m_time(t), body).encode(), note)
    }
}

/// The send time a post's header carries: the message's time, not the hop's.
fn m_time(t: u64) -> u64 {
    t - t % 100
}
