//! End-to-end encryption: each device has its own key pair; the sender's device looks up each
//! recipient device's public key and seals the message to it (per-recipient, or a bag); servers
//! store and forward ciphertext they cannot open.

use crate::crypto::{PublicKey, Sealed};
use crate::power;
use crate::scenario::{DevicePart, KeySync, Part, Reach, Route};
use crate::sim::{Action, Parcel, Sim, SimError};
use crate::wire::{Body, KeyBlob, SignedText, signing_key};

use super::ThreatModel;

/// The end-to-end model.
pub(crate) struct EndToEnd;

impl ThreatModel for EndToEnd {
    fn name(&self) -> &'static str {
        "e2e"
    }

    fn help(&self) -> &'static str {
        "the sender's device seals to each recipient device's public key (fan-out per-recipient or bagged)"
    }

    fn end_to_end(&self) -> bool {
        true
    }

    fn setup(&self, sim: &mut Sim<'_>) {
        for person in 0..sim.sc.people.len() {
            device_keys(sim, person);
        }
        for s in 0..sim.sc.servers.len() {
            publish(sim, s);
        }
    }

    fn prepare(&self, sim: &mut Sim<'_>, mi: usize, t: u64) -> Result<Vec<Parcel>, SimError> {
        let mut keys = Vec::new();
        let mut targets = Vec::new();
        for route in &sim.sc.messages[mi].routes {
            if let Some(key) = lookup(sim, mi, t, route) {
                keys.push(key);
                targets.push(route.device);
            }
        }
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        seal(sim, mi, t, &keys, targets)
    }

    fn stored(&self, _sim: &Sim<'_>, _s: usize, _row: u64, body: &Body) -> (Body, &'static str) {
        (body.clone(), "as the sender sealed it")
    }
}

/// A person's device keys: made on each device, or (with a key sync mode) made once on the
/// first device and moved to the others as [`super::key_sync`] says.
fn device_keys(sim: &mut Sim<'_>, person: usize) {
    let sc = sim.sc;
    let p = &sc.people[person];
    let shared = sc.key_sync != KeySync::None;
    for (i, &d) in p.devices.iter().enumerate() {
        if shared && i > 0 {
            continue;
        }
        let name = &sc.devices[d].name;
        let owner = if shared {
            format!("{} (all devices)", p.name)
        } else {
            name.clone()
        };
        let blob = KeyBlob::Secret {
            owner,
            key: sim.device_keys[d].clone(),
        };
        let note = format!("{name} makes its key pair and keeps the private key on the device");
        let keystore = Reach::DevicePart(d, DevicePart::Keystore);
        sim.push(
            0,
            keystore,
            Action::KeyGenerated,
            None,
            blob.encode(),
            note,
            None,
            None,
        );
        if shared {
            super::key_sync::sync(sim, person, &blob);
        }
    }
}

/// A server's key directory lists the public keys of the devices at home there.
fn publish(sim: &mut Sim<'_>, s: usize) {
    let sc = sim.sc;
    let server = &sc.servers[s];
    if !server.has(Part::KeyDirectory) {
        return;
    }
    let listed: Vec<KeyBlob> = (0..sc.devices.len())
        .filter(|&d| sc.home_server(d) == Some(s))
        .map(|d| KeyBlob::Public {
            owner: sc.devices[d].name.clone(),
            key: sim.device_keys[d].public(),
        })
        .collect();
    if listed.is_empty() {
        return;
    }
    let bytes: Vec<u8> = listed.iter().flat_map(KeyBlob::encode).collect();
    let note = format!(
        "{}'s key directory lists the public keys of its users' devices",
        server.name
    );
    let place = Reach::ServerPart(s, Part::KeyDirectory);
    sim.push(
        0,
        place,
        Action::KeyPublished,
        None,
        bytes,
        note,
        None,
        None,
    );
}

/// The sender asks for a recipient device's key: from the directory that holds it, through any
/// directories nearer the sender that hand it on. Whoever acts at one of them may hand out
/// another key. Returns the key the sender will seal to, or `None` if verification caught a
/// substituted key.
fn lookup(sim: &mut Sim<'_>, mi: usize, t: u64, route: &Route) -> Option<PublicKey> {
    let sc = sim.sc;
    let d = route.device;
    let from = sc.messages[mi].from_device;
    let (device, sender_device) = (&sc.devices[d].name, &sc.devices[from].name);
    let real = sim.device_keys[d].public();
    let sources = sc.key_sources(route);
    let Some((&origin, relays)) = sources.split_first() else {
        // No directory: keys were exchanged some other way (in person); nothing to fetch.
        return Some(real);
    };
    let origin_name = &sc.servers[origin].name;
    let asker = match relays.last() {
        Some(&r) => format!(
            "{}'s key directory, for {sender_device},",
            sc.servers[r].name
        ),
        None => sender_device.clone(),
    };
    let note = format!("{asker} asks {origin_name}'s key directory for {device}'s public key");
    let bytes = served_keys(sim, mi, t, device, real);
    let place = Reach::ServerPart(origin, Part::KeyDirectory);
    sim.push(
        t,
        place,
        Action::KeyLookup,
        Some(mi),
        bytes,
        note,
        None,
        None,
    );
    let mut served = power::substitute(sim, mi, t, d, origin, real);
    for &relay in relays {
        served = relay_key(sim, (mi, t), route, (origin, relay), served);
    }
    let note = format!(
        "{sender_device} receives a key for {device}: safety number {}",
        served.fingerprint()
    );
    let bytes = served_keys(sim, mi, t, device, served);
    let memory = Reach::DevicePart(from, DevicePart::Memory);
    sim.push(
        t,
        memory,
        Action::KeysReceived,
        Some(mi),
        bytes,
        note,
        None,
        None,
    );
    verify(sim, mi, t, d, served, real)
}

/// A directory nearer the sender fetches the key from the one that holds it and hands it on
/// (whoever acts there may hand out another). Returns the key it hands on.
fn relay_key(
    sim: &mut Sim<'_>,
    (mi, t): (usize, u64),
    route: &Route,
    (origin, relay): (usize, usize),
    key: PublicKey,
) -> PublicKey {
    let sc = sim.sc;
    let d = route.device;
    let device = &sc.devices[d].name;
    let sender_device = &sc.devices[sc.messages[mi].from_device].name;
    let note = format!(
        "{}'s key directory fetches {device}'s key from {} and hands it to {sender_device}",
        sc.servers[relay].name, sc.servers[origin].name
    );
    let bytes = served_keys(sim, mi, t, device, key);
    let place = Reach::ServerPart(relay, Part::KeyDirectory);
    sim.push(
        t,
        place,
        Action::KeyRelayed,
        Some(mi),
        bytes,
        note,
        None,
        None,
    );
    power::substitute(sim, mi, t, d, relay, key)
}

fn served_keys(sim: &Sim<'_>, mi: usize, t: u64, device: &str, key: PublicKey) -> Vec<u8> {
    let blob = KeyBlob::Public {
        owner: device.to_string(),
        key,
    };
    sim.post(mi, t, Body::Keys(vec![blob])).encode()
}

/// With verified keys the sender compares the served key with the safety number shown in
/// person, and refuses to send to a key that does not match.
fn verify(
    sim: &mut Sim<'_>,
    mi: usize,
    t: u64,
    d: usize,
    served: PublicKey,
    real: PublicKey,
) -> Option<PublicKey> {
    if !sim.p.keys_verified {
        return Some(served);
    }
    let sc = sim.sc;
    let from = sc.messages[mi].from_device;
    let (device, sender_device) = (&sc.devices[d].name, &sc.devices[from].name);
    let owner = &sc.people[sc.devices[d].owner].name;
    let memory = Reach::DevicePart(from, DevicePart::Memory);
    if served == real {
        let note = format!(
            "{sender_device} checks it against the safety number {owner} showed in person: it matches"
        );
        sim.push(
            t,
            memory,
            Action::KeyVerified,
            Some(mi),
            Vec::new(),
            note,
            None,
            None,
        );
        return Some(served);
    }
    let note = format!(
        "{sender_device} checks it against the safety number {owner} showed in person ({}): it does NOT match, so it refuses to send to {device}",
        real.fingerprint()
    );
    sim.push(
        t,
        memory,
        Action::KeyMismatch,
        Some(mi),
        Vec::new(),
        note,
        None,
        None,
    );
    None
}

/// Seals the message to the looked-up keys with the run's fan-out scheme.
fn seal(
    sim: &mut Sim<'_>,
    mi: usize,
    t: u64,
    keys: &[PublicKey],
    targets: Vec<usize>,
) -> Result<Vec<Parcel>, SimError> {
    let sc = sim.sc;
    let m = &sc.messages[mi];
    let fanout = sim.p.fanout;
    // The sender's device signs the words, inside the envelope.
    let from = m.from_device;
    let signed = SignedText::sign(
        &signing_key(&sim.device_keys[from]),
        &sc.people[m.from].name,
        &sc.devices[from].name,
        &m.text,
    )
    .encode();
    let Some(scheme) = fanout.scheme() else {
        return super::sender_keys::seal(sim, mi, t, keys, targets, &signed);
    };
    let sealed = scheme
        .seal(&mut sim.rng, keys, &signed)
        .map_err(|source| SimError::Seal {
            message: m.id.clone(),
            source,
        })?;
    let uplink: Vec<u8> = sealed
        .uplink()
        .into_iter()
        .flat_map(|frame| sim.post(mi, t, Body::Envelope(frame.to_vec())).encode())
        .collect();
    let how = match sealed.uplink().len() {
        1 if targets.len() > 1 => format!(
            "once, with the content key wrapped for each of {} devices ({fanout})",
            targets.len()
        ),
        1 => "to the recipient device's public key".to_string(),
        n => format!("{n} times, once per recipient device"),
    };
    let note = format!("{} seals the message {how}", sc.devices[m.from_device].name);
    let memory = Reach::DevicePart(m.from_device, DevicePart::Memory);
    sim.push(t, memory, Action::Seal, Some(mi), uplink, note, None, None);
    Ok(match sealed {
        Sealed::PerRecipient(envelopes) => envelopes
            .into_iter()
            .zip(targets)
            .map(|(e, d)| Parcel {
                body: Body::Envelope(e),
                devices: vec![d],
            })
            .collect(),
        Sealed::Bag(bag) => vec![Parcel {
            body: Body::Envelope(bag),
            devices: targets,
        }],
    })
}
