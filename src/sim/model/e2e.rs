//! End-to-end encryption: each device has its own key pair; the sender's device looks up each
//! recipient device's public key and seals the message to it (per-recipient, or a bag); servers
//! store and forward ciphertext they cannot open.

use crate::crypto::{PublicKey, Sealed};
use crate::scenario::{DevicePart, KeySync, Part, Reach};
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
        let got = sim.sender_lookups(mi, t)?;
        sim.recipient_lookups(mi, t)?;
        let (targets, keys): (Vec<usize>, Vec<PublicKey>) = got.into_iter().unzip();
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
    let frames = sealed.uplink();
    let uplink: Vec<u8> = if frames.len() == targets.len() {
        frames
            .iter()
            .zip(&targets)
            .flat_map(|(frame, &d)| {
                sim.post_for(mi, t, Body::Envelope(frame.to_vec()), &[d])
                    .encode()
            })
            .collect()
    } else {
        frames
            .iter()
            .flat_map(|frame| sim.post(mi, t, Body::Envelope(frame.to_vec())).encode())
            .collect()
    };
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
