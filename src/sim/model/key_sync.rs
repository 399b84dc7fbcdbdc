//! How a person's devices come to share one key pair under e2e ([`KeySync`]): every mode moves
//! real bytes over the links and through the home server, so the exposure analysis decides who
//! gets the private key, as for a message.
//!
//! - `escrow`: the first device uploads the private key in the clear (inside TLS); the server's
//!   application handles it and keeps it; the other devices download it.
//! - `device-link`: each new device shows a one-time public key (a QR code the old device scans,
//!   never crossing the service); the old device seals the private key to it; the server relays
//!   ciphertext.
//! - `passphrase-backup`: the private key is sealed under a key derived from a passphrase the
//!   person types on their devices; the server stores the sealed backup.

use crate::crypto::{FanoutScheme, PerRecipient, SecretKey, SymmetricKey};
use crate::scenario::{DevicePart, KeySync, Node, Part, Reach};
use crate::sim::{Action, Sim};
use crate::wire::{self, Body, KeyBlob, Post};

/// Moves person `p`'s shared private key from their first device to the others (and to the
/// service, where the mode keeps a copy there).
pub(super) fn sync(sim: &mut Sim<'_>, p: usize, blob: &KeyBlob) {
    let sc = sim.sc;
    let devices = sc.people[p].devices.clone();
    let Some((&first, others)) = devices.split_first() else {
        return;
    };
    let Some(home) = sc.home_server(first) else {
        return;
    };
    match sc.key_sync {
        KeySync::None => {}
        KeySync::Escrow => escrow(sim, p, first, home, others, blob),
        KeySync::DeviceLink => device_link(sim, p, first, home, others, blob),
        KeySync::PassphraseBackup => passphrase_backup(sim, p, first, home, others, blob),
    }
}

/// A key-setup step (no message, time 0, not on a wire).
fn put(sim: &mut Sim<'_>, place: Reach, action: Action, bytes: Vec<u8>, note: String) {
    sim.push(0, place, action, None, bytes, note, None, None);
}

/// A post of key material between a person's device and their server (not a message).
fn key_post(sim: &Sim<'_>, p: usize, body: Body) -> Vec<u8> {
    let name = sim.sc.people[p].name.clone();
    Post {
        time: 0,
        sender: name.clone(),
        recipients: vec![name],
        body,
    }
    .encode()
}

/// Bytes crossing the link between a device and a server: inside TLS where it has TLS, unless
/// someone acting strips it (then the note says so), as every post crosses a wire.
fn cross(sim: &mut Sim<'_>, d: usize, s: usize, up: bool, post: &[u8], note: String) {
    let sc = sim.sc;
    let (a, b) = (Node::Device(d), Node::Server(s));
    let Some(l) = sc
        .links
        .iter()
        .position(|l| (l.from, l.to) == (a, b) || (l.from, l.to) == (b, a))
    else {
        return;
    };
    let (bytes, how) = sim.on_wire(l, post.to_vec());
    let note = match sim.stripped.contains_key(&l) {
        true => format!("{note} {how}"),
        false => note,
    };
    let travel = if up { (a, b) } else { (b, a) };
    sim.push(
        0,
        Reach::Wire(l),
        Action::KeySync,
        None,
        bytes,
        note,
        Some(travel),
        None,
    );
}

fn escrow(sim: &mut Sim<'_>, p: usize, first: usize, s: usize, others: &[usize], blob: &KeyBlob) {
    let sc = sim.sc;
    let (person, server) = (&sc.people[p].name, &sc.servers[s].name);
    let post = key_post(sim, p, Body::Keys(vec![blob.clone()]));
    let up = format!(
        "{} uploads {person}'s private key to {server}",
        sc.devices[first].name
    );
    cross(sim, first, s, true, &post, up);
    let memory = Reach::ServerPart(s, Part::AppMemory);
    let note = format!("{server}'s application handles {person}'s private key in memory");
    put(sim, memory, Action::KeyBackedUp, post.clone(), note);
    let part = if sc.servers[s].has(Part::KeyVault) {
        Part::KeyVault
    } else {
        Part::AppMemory
    };
    let note = format!("{server} keeps {person}'s private key so the other devices can fetch it");
    put(
        sim,
        Reach::ServerPart(s, part),
        Action::KeyBackedUp,
        blob.encode(),
        note,
    );
    for &d in others {
        let device = &sc.devices[d].name;
        let note = format!("{server} hands {person}'s private key to {device}");
        put(sim, memory, Action::KeyDownloaded, post.clone(), note);
        let note = format!("{device} downloads {person}'s private key from {server}");
        cross(sim, d, s, false, &post, note);
        keep(
            sim,
            d,
            blob,
            format!("{device} keeps {person}'s private key"),
        );
    }
}

fn keep(sim: &mut Sim<'_>, d: usize, blob: &KeyBlob, note: String) {
    let keystore = Reach::DevicePart(d, DevicePart::Keystore);
    put(sim, keystore, Action::KeyDownloaded, blob.encode(), note);
}

fn device_link(
    sim: &mut Sim<'_>,
    p: usize,
    first: usize,
    s: usize,
    others: &[usize],
    blob: &KeyBlob,
) {
    let sc = sim.sc;
    let (person, server, old) = (
        &sc.people[p].name,
        &sc.servers[s].name,
        &sc.devices[first].name,
    );
    for &d in others {
        let device = &sc.devices[d].name;
        let once = SecretKey::generate(&mut sim.rng);
        let shown = KeyBlob::Public {
            owner: format!("{device} one-time link"),
            key: once.public(),
        };
        let note = format!(
            "{device} shows a QR code with a one-time public key; {old} scans it (it never crosses {server})"
        );
        let memory = Reach::DevicePart(d, DevicePart::Memory);
        put(sim, memory, Action::KeySync, shown.encode(), note);
        let Ok(sealed) = PerRecipient.seal(&mut sim.rng, &[once.public()], &blob.encode()) else {
            continue;
        };
        let Some(frame) = sealed.uplink().first().map(|f| f.to_vec()) else {
            continue;
        };
        let post = key_post(sim, p, Body::Envelope(frame));
        let note = format!("{old} seals {person}'s private key to {device}'s one-time key");
        cross(sim, first, s, true, &post, note);
        let note = format!("{server} relays the sealed key to {device}; it cannot open it");
        let app = Reach::ServerPart(s, Part::AppMemory);
        put(sim, app, Action::KeySync, post.clone(), note);
        cross(
            sim,
            d,
            s,
            false,
            &post,
            format!("{device} receives the sealed key"),
        );
        let note =
            format!("{device} opens it with its one-time key and keeps {person}'s private key");
        keep(sim, d, blob, note);
    }
}

fn passphrase_backup(
    sim: &mut Sim<'_>,
    p: usize,
    first: usize,
    s: usize,
    others: &[usize],
    blob: &KeyBlob,
) {
    let sc = sim.sc;
    let (person, server) = (&sc.people[p].name, &sc.servers[s].name);
    // Stands for a key derived from the passphrase (a slow KDF in real systems).
    let key = SymmetricKey::generate(&mut sim.rng);
    let owner = format!("{person}'s backup passphrase");
    let typed = KeyBlob::AtRest {
        owner: owner.clone(),
        key: key.clone(),
    };
    let type_it = |sim: &mut Sim<'_>, d: usize| {
        let device = &sim.sc.devices[d].name;
        let note = format!(
            "{person} types the backup passphrase on {device}; the key derived from it stays there"
        );
        let memory = Reach::DevicePart(d, DevicePart::Memory);
        put(sim, memory, Action::KeySync, typed.encode(), note);
    };
    type_it(sim, first);
    let sealed = wire::seal_at_rest(&owner, &key, 0, &Body::Keys(vec![blob.clone()]));
    let post = key_post(sim, p, Body::AtRest(sealed));
    let note = format!(
        "{} uploads the sealed backup of {person}'s private key",
        sc.devices[first].name
    );
    cross(sim, first, s, true, &post, note);
    let part = [Part::Backup, Part::Database, Part::KeyVault]
        .into_iter()
        .find(|&part| sc.servers[s].has(part))
        .unwrap_or(Part::AppMemory);
    let note = format!("{server} stores the sealed backup; it has no passphrase to open it");
    put(
        sim,
        Reach::ServerPart(s, part),
        Action::KeyBackedUp,
        post.clone(),
        note,
    );
    for &d in others {
        let device = &sc.devices[d].name;
        cross(
            sim,
            d,
            s,
            false,
            &post,
            format!("{device} downloads the sealed backup"),
        );
        type_it(sim, d);
        keep(
            sim,
            d,
            blob,
            format!("{device} opens the backup and keeps {person}'s private key"),
        );
    }
}
