//! Key substitution: whoever can open and change a key directory's answer on its way to the
//! device that asked (the directory itself, a server that relays it, a TLS front, a tap on a
//! link without TLS or with TLS they strip) can hand that device a key of their own instead,
//! open what is later sealed to it wherever they can open the bytes, and seal it again to the
//! real key so the recipient notices nothing. Verified keys (safety numbers compared in person)
//! make the sender refuse the swapped key.

use crate::cargo::{self, Cargo, Parcel};
use crate::crypto::{self, Fanout, SealError};
use crate::trace::Action;
use crate::wire::{self, Body, KeyBlob, SignedText, signing_key};

use super::{Deed, Power, Workshop};

/// The key-substitution power.
pub(crate) struct KeySubstitution;

impl Power for KeySubstitution {
    fn name(&self) -> &'static str {
        "key-substitution"
    }

    fn help(&self) -> &'static str {
        "rewrites a key directory's answer it can open on its way: hands out its own key as a device's"
    }

    fn act(&self, w: &mut Workshop<'_>, cargo: &mut Cargo) -> Result<Vec<Deed>, SealError> {
        match cargo {
            Cargo::KeyAnswer { asker, keys } => Ok(swap(w, *asker, keys).into_iter().collect()),
            Cargo::Parcels(parcels) => {
                let mut deeds = Vec::new();
                let mut out = Vec::new();
                for parcel in std::mem::take(parcels) {
                    out.extend(intercept(w, parcel, &mut deeds)?);
                }
                *parcels = out;
                Ok(deeds)
            }
            _ => Ok(Vec::new()),
        }
    }
}

/// Hands out the observer's own key for every device in the answer.
fn swap(
    w: &mut Workshop<'_>,
    asker: usize,
    keys: &mut [(usize, crypto::PublicKey)],
) -> Option<Deed> {
    let mut blobs = Vec::new();
    let mut names = Vec::new();
    let mut made_now = false;
    for (d, key) in keys.iter_mut() {
        let (own, own_public, new) = w.posing_key(*d);
        made_now |= new;
        if *key == own_public {
            continue;
        }
        *key = own_public;
        let device = w.sc.devices[*d].name.clone();
        blobs.extend(
            KeyBlob::Substitute {
                owner: w.who().to_string(),
                posing_as: device.clone(),
                key: own,
            }
            .encode(),
        );
        names.push(device);
    }
    if names.is_empty() {
        return None;
    }
    let how = if made_now {
        "makes a key pair and hands"
    } else {
        "hands"
    };
    let whose = if names.len() > crate::words::SPELL_OUT {
        format!("the key of {}", crate::words::and_list(&names, "devices"))
    } else {
        format!("{}'s", names.join(", "))
    };
    let note = format!(
        "{} rewrites the key answer at {}: {how} {} its own public key as {whose}",
        w.who(),
        w.place(),
        w.sc.devices[asker].name,
    );
    Some(Deed {
        action: Action::KeySubstituted,
        bytes: blobs,
        note,
    })
}

/// Envelopes sealed to a key the observer made are opened, read and sealed again to the real
/// key; the rest passes as it is.
fn intercept(
    w: &mut Workshop<'_>,
    parcel: Parcel,
    deeds: &mut Vec<Deed>,
) -> Result<Vec<Parcel>, SealError> {
    let Body::Envelope(envelope) = &parcel.body else {
        return Ok(vec![parcel]);
    };
    if w.resealed.contains(&fingerprint(envelope)) {
        // It sealed this one itself, to the real key: nothing more to open.
        return Ok(vec![parcel]);
    }
    let mut opened = Vec::new();
    let mut others = Vec::new();
    // One key pair poses as every device: open the envelope (or bag) once with it.
    let mut once: Option<Option<Vec<u8>>> = None;
    for &d in &parcel.devices {
        let plain = match w.posed_as(d) {
            Some((k, _)) => once
                .get_or_insert_with(|| crypto::open_envelope(k, envelope).ok())
                .clone(),
            None => None,
        };
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
            deeds.push(read_it(w, d, &plain));
        }
        let (resealed, deed) = reseal(w, d, &plain, bag)?;
        deeds.push(deed);
        out.push(resealed);
    }
    Ok(out)
}

fn words_post(w: &Workshop<'_>, body: Body, d: usize) -> Vec<u8> {
    let mi = w.mi.unwrap_or_default();
    cargo::post_for(w.sc, w.p, (mi, w.t - w.t % 100), body, &[d]).encode()
}

fn read_it(w: &Workshop<'_>, d: usize, plain: &[u8]) -> Deed {
    // What it finds: a sender key handed to the device (then every later group message opens
    // for it), or the words.
    let (bytes, what) = match wire::parse_frames(plain).as_deref() {
        Ok([wire::Frame::Key(blob)]) => (blob.encode(), format!("takes {}", blob.describe())),
        _ => {
            let text = wire::opened(plain).map_or_else(|words| words, |signed| signed.text);
            (words_post(w, Body::Text(text), d), "reads it".to_string())
        }
    };
    let note = format!(
        "{} opens the envelope at {} with its own key (handed out as {}'s) and {what}",
        w.who(),
        w.place(),
        w.sc.devices[d].name
    );
    Deed {
        action: Action::MitmOpen,
        bytes,
        note,
    }
}

/// Seals the opened bytes again to the device's real key. Signed words are signed again with
/// the key the observer handed the device as the sender's, where the device holds that one.
fn reseal(
    w: &mut Workshop<'_>,
    d: usize,
    plain: &[u8],
    bag: bool,
) -> Result<(Parcel, Deed), SealError> {
    let (inner, signed_again) = resign(w, d, plain);
    let fanout = if bag {
        w.p.fanout
    } else {
        Fanout::PerRecipient
    };
    let scheme = fanout.scheme().unwrap_or(&crypto::PerRecipient);
    let resealed = scheme.seal(w.rng, &[w.real[d]], &inner)?;
    let frame = resealed
        .uplink()
        .first()
        .map(|f| f.to_vec())
        .expect("sealing to one key gives one frame");
    let bytes = words_post(w, Body::Envelope(frame.clone()), d);
    let device = &w.sc.devices[d].name;
    let note = format!(
        "{} seals it again to {device}'s real key{signed_again}, so {device} notices nothing",
        w.who()
    );
    w.resealed.insert(fingerprint(&frame));
    let parcel = Parcel {
        body: Body::Envelope(frame),
        devices: vec![d],
    };
    let deed = Deed {
        action: Action::MitmReseal,
        bytes,
        note,
    };
    Ok((parcel, deed))
}

/// The words signed again with the key device `d` holds as the sender's, when that is one the
/// observer made; else the bytes as they were.
fn resign(w: &Workshop<'_>, d: usize, plain: &[u8]) -> (Vec<u8>, String) {
    let Some(mi) = w.mi else {
        return (plain.to_vec(), String::new());
    };
    let from = w.sc.messages[mi].from_device;
    let Some((posing, posing_public)) = w.posed_as(from) else {
        return (plain.to_vec(), String::new());
    };
    if w.known.get(&(d, from)) != Some(posing_public) {
        return (plain.to_vec(), String::new());
    }
    let Ok(signed) = wire::opened(plain) else {
        return (plain.to_vec(), String::new());
    };
    let again = SignedText::sign(
        &signing_key(posing),
        &signed.sender,
        &signed.device,
        &signed.text,
    );
    let how = format!(
        " and signs it with the key it handed {} as {}'s",
        w.sc.devices[d].name, signed.device
    );
    (again.encode(), how)
}

/// A fingerprint of an envelope's bytes.
fn fingerprint(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}
