//! The sender-keys fan-out of the end-to-end model (`fanout: "sender-keys"`), as Signal and
//! WhatsApp groups use it, with the crypto of [`crate::crypto::sender_key`].
//!
//! Each sending device keeps one sender key for its group messages. A device that does not hold
//! it yet gets it **once**, sealed to that device's key (a per-recipient envelope); after that a
//! message is encrypted **once** and the servers fan the same bytes out to every device.
//!
//! The group is whoever a message goes to. A device that was not among the previous message's
//! devices is added: it gets the chain as it is now, so it cannot open earlier messages. A device
//! that was, and is not now, has left: the sender makes a fresh sender key and hands it to every
//! device still in the group, so the copy the leaver holds opens nothing sent after. Who can read
//! what is still decided only by trying keys ([`crate::exposure`]).

use std::collections::BTreeMap;

use crate::crypto::sender_key::{SenderKey, SenderKeyReceiver, message_position};
use crate::crypto::{PublicKey, seal_per_recipient};
use crate::scenario::{DevicePart, Reach};
use crate::sim::{Action, Parcel, Sim, SimError};
use crate::wire::{self, Body, Frame, KeyBlob};

/// Every sender key in a run: the senders' chains and the copies devices keep.
#[derive(Default)]
pub(crate) struct SenderKeys {
    /// Per sending device: its sender key and the devices it handed it to.
    chains: BTreeMap<usize, Chain>,
    /// Per `(device, sending device)`: the copy the device keeps, moved along as it reads.
    copies: BTreeMap<(usize, usize), SenderKeyReceiver>,
}

struct Chain {
    key: SenderKey,
    holders: Vec<usize>,
}

/// Whether these bytes are a sender-key message (rather than an envelope sealed to a device).
pub(crate) fn is_message(bytes: &[u8]) -> bool {
    message_position(bytes).is_ok()
}

/// Sends message `mi` to `targets` (with the keys looked up for them): a fresh sender key if
/// someone left, the key to devices that lack it, then one ciphertext for all.
pub(crate) fn seal(
    sim: &mut Sim<'_>,
    mi: usize,
    t: u64,
    keys: &[PublicKey],
    targets: Vec<usize>,
    signed: &[u8],
) -> Result<Vec<Parcel>, SimError> {
    let from = sim.sc.messages[mi].from_device;
    let mut chain = match sim.sender_keys.chains.remove(&from) {
        Some(c) if c.holders.iter().all(|d| targets.contains(d)) => c,
        old => {
            let left: Vec<usize> = old
                .map(|c| c.holders)
                .unwrap_or_default()
                .into_iter()
                .filter(|d| !targets.contains(d))
                .collect();
            new_chain(sim, mi, t, &left)
        }
    };
    let mut parcels = distribute(sim, mi, t, &mut chain, keys, &targets)?;
    let frame = encrypt(sim, mi, t, &mut chain, targets.len(), signed);
    sim.sender_keys.chains.insert(from, chain);
    parcels.push(Parcel {
        body: Body::Envelope(frame),
        devices: targets,
    });
    Ok(parcels)
}

fn new_chain(sim: &mut Sim<'_>, mi: usize, t: u64, left: &[usize]) -> Chain {
    let sc = sim.sc;
    let from = sc.messages[mi].from_device;
    let device = &sc.devices[from].name;
    let key = SenderKey::generate(&mut sim.rng);
    let blob = KeyBlob::SenderKey {
        owner: device.clone(),
        key: key.receiver(),
    };
    let note = if left.is_empty() {
        format!(
            "{device} makes a sender key for its group messages (a chain key and a signing key) and keeps it"
        )
    } else {
        let names: Vec<&str> = left.iter().map(|&d| sc.devices[d].name.as_str()).collect();
        format!(
            "{} left the group: {device} makes a fresh sender key, so the old copy opens nothing sent from now on",
            crate::words::comma_list(&names, "devices")
        )
    };
    let keystore = Reach::DevicePart(from, DevicePart::Keystore);
    let bytes = blob.encode();
    sim.push(
        t,
        keystore,
        Action::KeyGenerated,
        Some(mi),
        bytes,
        note,
        None,
        None,
    );
    Chain {
        key,
        holders: Vec::new(),
    }
}

/// Seals the sender key, as it is now, to each target that does not hold it: once per device,
/// and only this once.
fn distribute(
    sim: &mut Sim<'_>,
    mi: usize,
    t: u64,
    chain: &mut Chain,
    keys: &[PublicKey],
    targets: &[usize],
) -> Result<Vec<Parcel>, SimError> {
    let sc = sim.sc;
    let (new, publics): (Vec<usize>, Vec<PublicKey>) = targets
        .iter()
        .zip(keys)
        .filter(|(d, _)| !chain.holders.contains(d))
        .map(|(&d, k)| (d, *k))
        .unzip();
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let from = sc.messages[mi].from_device;
    let device = &sc.devices[from].name;
    let blob = KeyBlob::SenderKey {
        owner: device.clone(),
        key: chain.key.receiver(),
    };
    let envelopes =
        seal_per_recipient(&mut sim.rng, &publics, &blob.encode()).map_err(|source| {
            SimError::Seal {
                message: sc.messages[mi].id.clone(),
                source,
            }
        })?;
    let uplink: Vec<u8> = envelopes
        .iter()
        .zip(&new)
        .flat_map(|(e, &d)| {
            sim.post_for(mi, t, Body::Envelope(e.clone()), &[d])
                .encode()
        })
        .collect();
    let names: Vec<&str> = new.iter().map(|&d| sc.devices[d].name.as_str()).collect();
    let note = format!(
        "{device} seals its sender key (chain step {}) to each device that lacks it, once: {}",
        chain.key.iteration(),
        crate::words::comma_list(&names, "devices")
    );
    let memory = Reach::DevicePart(from, DevicePart::Memory);
    sim.push(
        t,
        memory,
        Action::KeyDistributed,
        Some(mi),
        uplink,
        note,
        None,
        None,
    );
    chain.holders.extend(&new);
    Ok(envelopes
        .into_iter()
        .zip(new)
        .map(|(e, d)| Parcel {
            body: Body::Envelope(e),
            devices: vec![d],
        })
        .collect())
}

/// One AEAD pass and one signature for the whole group; the chain moves on.
fn encrypt(
    sim: &mut Sim<'_>,
    mi: usize,
    t: u64,
    chain: &mut Chain,
    devices: usize,
    signed: &[u8],
) -> Vec<u8> {
    let sc = sim.sc;
    let from = sc.messages[mi].from_device;
    let step = chain.key.iteration();
    let frame = chain.key.encrypt(signed);
    let uplink = sim.post(mi, t, Body::Envelope(frame.clone())).encode();
    let note = format!(
        "{} encrypts the message once with its sender key (chain step {step}) and signs it: the same {} bytes for {}",
        sc.devices[from].name,
        frame.len(),
        plural(devices, "device")
    );
    let memory = Reach::DevicePart(from, DevicePart::Memory);
    sim.push(t, memory, Action::Seal, Some(mi), uplink, note, None, None);
    frame
}

/// A device opens a sender-key message with the copy it keeps of the sender's key.
pub(crate) fn open(
    sim: &mut Sim<'_>,
    mi: usize,
    d: usize,
    frame: &[u8],
) -> Result<Vec<u8>, String> {
    let sc = sim.sc;
    let from = sc.messages[mi].from_device;
    let (device, sender) = (&sc.devices[d].name, &sc.devices[from].name);
    let Some(copy) = sim.sender_keys.copies.get_mut(&(d, from)) else {
        return Err(format!(
            "{device} cannot open it: it holds no sender key from {sender}"
        ));
    };
    copy.decrypt(frame)
        .map_err(|e| format!("{device} cannot open it with {sender}'s sender key: {e}"))
}

/// If an opened envelope held a sender key, the device keeps it: the step that shows it opened
/// and the one that shows it kept. Returns whether it was one.
pub(crate) fn keep(sim: &mut Sim<'_>, mi: usize, t: u64, d: usize, plain: &[u8]) -> bool {
    let Ok(frames) = wire::parse_frames(plain) else {
        return false;
    };
    let [Frame::Key(blob @ KeyBlob::SenderKey { owner, key })] = frames.as_slice() else {
        return false;
    };
    let sc = sim.sc;
    let from = sc.messages[mi].from_device;
    let device = &sc.devices[d].name;
    let note = format!(
        "{device} opens it with its private key: {owner}'s sender key, from chain step {}",
        key.iteration()
    );
    let memory = Reach::DevicePart(d, DevicePart::Memory);
    sim.push(
        t,
        memory,
        Action::Open,
        Some(mi),
        blob.encode(),
        note,
        None,
        None,
    );
    let note = format!("{device} keeps {owner}'s sender key for the group's messages");
    let keystore = Reach::DevicePart(d, DevicePart::Keystore);
    sim.push(
        t,
        keystore,
        Action::KeyStored,
        Some(mi),
        blob.encode(),
        note,
        None,
        None,
    );
    sim.sender_keys.copies.insert((d, from), key.clone());
    true
}

/// "1 device", "3 devices".
pub(crate) fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
