//! Key substitution: whoever controls a key directory that hands out a recipient device's key
//! (production access, the whole server, or someone compelled who has either) can hand the
//! sender a key of their own instead, open what is sealed to it where the message passes
//! through their hands, and seal it again to the real key so the recipient notices nothing.
//! Verified keys (safety numbers compared in person) make the sender refuse the swapped key.

use crate::crypto::{self, Fanout, PublicKey, SecretKey};
use crate::scenario::{Part, Protection, Reach, Scenario};
use crate::sim::{Action, Parcel, Sim, SimError};
use crate::wire::{self, Body, KeyBlob};

use super::{Arrival, Lookup, Power};

/// The key-substitution power.
pub(crate) struct KeySubstitution;

impl Power for KeySubstitution {
    fn name(&self) -> &'static str {
        "key-substitution"
    }

    fn help(&self) -> &'static str {
        "hands out its own key as a recipient device's, from a key directory it controls"
    }

    fn grip(&self, sc: &Scenario, p: Protection, o: usize, m: usize) -> Option<Vec<String>> {
        if !p.model.end_to_end() {
            return None;
        }
        let msg = &sc.messages[m];
        let sender_device = &sc.devices[msg.from_device].name;
        // Per directory the observer controls, the devices whose keys it hands out.
        let mut by_dir: Vec<(usize, Vec<&str>)> = Vec::new();
        for route in &msg.routes {
            for dir in sc.key_sources(route) {
                if !sc.reaches(o, Reach::ServerPart(dir, Part::KeyDirectory)) {
                    continue;
                }
                let device = sc.devices[route.device].name.as_str();
                match by_dir.iter_mut().find(|(d, _)| *d == dir) {
                    Some((_, list)) => list.push(device),
                    None => by_dir.push((dir, vec![device])),
                }
            }
        }
        let why: Vec<String> = by_dir
            .into_iter()
            .map(|(dir, devices)| {
                let place = Reach::ServerPart(dir, Part::KeyDirectory);
                let keys = if devices.len() == 1 { "key" } else { "keys" };
                format!(
                    "controls {}{} -> could hand {sender_device} its own {keys} for {}",
                    sc.reach_label(place),
                    sc.via_words(o, place),
                    devices.join(", ")
                )
            })
            .collect();
        (!why.is_empty()).then_some(why)
    }

    fn substitute(&self, sim: &mut Sim<'_>, o: usize, at: &Lookup) -> Option<PublicKey> {
        let sc = sim.sc;
        let place = Reach::ServerPart(at.directory, Part::KeyDirectory);
        if !sim.p.model.end_to_end() || !sc.reaches(o, place) {
            return None;
        }
        if let Some(k) = sim.substitutes.get(&(o, at.device)) {
            return Some(k.public());
        }
        let key = SecretKey::generate(&mut sim.rng);
        let (who, device) = (&sc.observers[o].name, &sc.devices[at.device].name);
        let blob = KeyBlob::Substitute {
            owner: who.clone(),
            posing_as: device.clone(),
            key: key.clone(),
        }
        .encode();
        let note = format!(
            "{who} makes a key pair at {}'s key directory and hands out its public half as {device}'s key",
            sc.servers[at.directory].name
        );
        sim.push(
            at.t,
            place,
            Action::KeySubstituted,
            Some(at.mi),
            blob,
            note,
            None,
            None,
        );
        sim.by(o);
        sim.substitutes.insert((o, at.device), key.clone());
        Some(key.public())
    }

    /// Where the acting observer handles the message in the clear (a server's memory they
    /// reach), envelopes sealed to their keys are opened and sealed again to the real keys.
    fn intercept(
        &self,
        sim: &mut Sim<'_>,
        o: usize,
        at: &Arrival,
        parcel: Parcel,
    ) -> Result<Vec<Parcel>, SimError> {
        let memory = Reach::ServerPart(at.server, Part::AppMemory);
        let Body::Envelope(envelope) = &parcel.body else {
            return Ok(vec![parcel]);
        };
        if !sim.sc.reaches(o, memory) {
            return Ok(vec![parcel]);
        }
        let mut opened = Vec::new();
        let mut others = Vec::new();
        for &d in &parcel.devices {
            let plain = sim
                .substitutes
                .get(&(o, d))
                .and_then(|k| crypto::open_envelope(k, envelope).ok());
            match plain {
                Some(p) => opened.push((d, p)),
                None => others.push(d),
            }
        }
        if opened.is_empty() {
            return Ok(vec![parcel]);
        }
        let mut out = Vec::new();
        if !others.is_empty() {
            out.push(parcel.restrict(&others));
        }
        let bag = crypto::bag_recipients(envelope).is_ok();
        for (i, (d, plain)) in opened.into_iter().enumerate() {
            if i == 0 {
                read_it(sim, o, at, d, &plain);
            }
            out.push(reseal(sim, o, at, d, &plain, bag)?);
        }
        Ok(out)
    }
}

fn read_it(sim: &mut Sim<'_>, o: usize, at: &Arrival, d: usize, plain: &[u8]) {
    let sc = sim.sc;
    // What it finds: a sender key handed to the device (then every later group message opens
    // for it), or the words.
    let (shown, what) = match wire::parse_frames(plain).as_deref() {
        Ok([wire::Frame::Key(blob)]) => (
            blob.encode(),
            format!("takes {}", crate::exposure::describe_key(blob)),
        ),
        _ => {
            let text = wire::opened(plain).map_or_else(|words| words, |signed| signed.text);
            let post = sim.post(at.mi, at.t - at.t % 100, Body::Text(text));
            (post.encode(), "reads it".to_string())
        }
    };
    let note = format!(
        "{} opens the envelope at {} with the key it made for {} and {what}",
        sc.observers[o].name, sc.servers[at.server].name, sc.devices[d].name
    );
    let memory = Reach::ServerPart(at.server, Part::AppMemory);
    sim.push(
        at.t,
        memory,
        Action::MitmOpen,
        Some(at.mi),
        shown,
        note,
        None,
        None,
    );
    sim.by(o);
}

fn reseal(
    sim: &mut Sim<'_>,
    o: usize,
    at: &Arrival,
    d: usize,
    plain: &[u8],
    bag: bool,
) -> Result<Parcel, SimError> {
    let sc = sim.sc;
    let fanout = if bag {
        sim.p.fanout
    } else {
        Fanout::PerRecipient
    };
    let real = sim.device_keys[d].public();
    // Only an envelope sealed to a device comes here: a bag or a per-recipient envelope.
    let scheme = fanout.scheme().unwrap_or(&crypto::PerRecipient);
    let resealed = scheme
        .seal(&mut sim.rng, &[real], plain)
        .map_err(|source| SimError::Seal {
            message: sc.messages[at.mi].id.clone(),
            source,
        })?;
    let frame = resealed
        .uplink()
        .first()
        .map(|f| f.to_vec())
        .expect("sealing to one key gives one frame");
    let bytes = sim
        .post(at.mi, at.t - at.t % 100, Body::Envelope(frame.clone()))
        .encode();
    let device = &sc.devices[d].name;
    let note = format!(
        "{} seals it again to {device}'s real key, so {device} notices nothing",
        sc.observers[o].name
    );
    let memory = Reach::ServerPart(at.server, Part::AppMemory);
    sim.push(
        at.t,
        memory,
        Action::MitmReseal,
        Some(at.mi),
        bytes,
        note,
        None,
        None,
    );
    sim.by(o);
    Ok(Parcel {
        body: Body::Envelope(frame),
        devices: vec![d],
    })
}
