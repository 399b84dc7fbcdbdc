//! Forged senders: could an observer make a recipient device show a message "from" its sender
//! that the sender never wrote? Tried for real, not declared: the observer needs a place on the
//! way to a recipient device where it can put bytes (a server's memory it controls, a wire with
//! no TLS, the device itself); under e2e the recipient device then opens the forgery and checks
//! the sender device's signature inside, and only a signing key the observer holds can pass it.

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::crypto::{FanoutScheme, PerRecipient, SecretKey};
use crate::exposure::HeldKey;
use crate::layers::Layer;
use crate::scenario::{DevicePart, Node, Part, Reach, Scenario};
use crate::sim::Trace;
use crate::wire::{self, SignedText, signing_key};

/// Whether an observer could forge one message's sender, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgery {
    /// A recipient device would show the forgery as the sender's.
    pub possible: bool,
    /// The chain of reasons.
    pub why: Vec<String>,
}

/// Where observer `o` could put bytes on the way to device `d` of message `m`, described.
fn inject_point(sc: &Scenario, o: usize, m: usize, d: usize) -> Option<String> {
    if sc.reaches(o, Reach::DevicePart(d, DevicePart::Memory)) {
        return Some(format!("controls {} itself", sc.devices[d].name));
    }
    let route = sc.messages[m].routes.iter().find(|r| r.device == d)?;
    let server = route.nodes.iter().find_map(|n| match n {
        Node::Server(s) if sc.reaches(o, Reach::ServerPart(*s, Part::AppMemory)) => Some(*s),
        _ => None,
    });
    if let Some(s) = server {
        let place = Reach::ServerPart(s, Part::AppMemory);
        return Some(format!(
            "can put a message into {}{}",
            sc.reach_label(place),
            sc.via_words(o, place)
        ));
    }
    route.links.iter().find_map(|&l| {
        let open = !sc.links[l].tls || sc.links[l].opportunistic;
        (open && sc.reaches(o, Reach::Wire(l))).then(|| {
            format!(
                "can put a message on {} (no TLS that stops it)",
                sc.link_label(l)
            )
        })
    })
}

/// A device's private key as the trace shows it in its keystore.
fn device_secret(trace: &Trace, d: usize) -> Option<SecretKey> {
    trace.steps.iter().find_map(|s| {
        (s.place == Reach::DevicePart(d, DevicePart::Keystore))
            .then(|| {
                s.layers.iter().find_map(|l| match l {
                    Layer::Key(blob) => blob.secret().cloned(),
                    _ => None,
                })
            })
            .flatten()
    })
}

/// Tries to forge message `m` as observer `o`, who holds `keys`.
pub fn assess(sc: &Scenario, trace: &Trace, keys: &[HeldKey], o: usize, m: usize) -> Forgery {
    let msg = &sc.messages[m];
    let sender = &sc.people[msg.from].name;
    let target = msg
        .routes
        .iter()
        .filter(|r| sc.devices[r.device].owner != msg.from)
        .find_map(|r| inject_point(sc, o, m, r.device).map(|how| (r.device, how)));
    let Some((d, how)) = target else {
        return Forgery {
            possible: false,
            why: vec![
                "reaches no place on the way to a recipient device where it could put a message"
                    .into(),
            ],
        };
    };
    let device = &sc.devices[d].name;
    if sc.reaches(o, Reach::DevicePart(d, DevicePart::Memory)) {
        return Forgery {
            possible: true,
            why: vec![how, format!("{device} shows whatever its controller likes")],
        };
    }
    if !trace.protection.model.end_to_end() {
        return Forgery {
            possible: true,
            why: vec![
                how,
                format!(
                    "{device} shows what the server delivers as {sender}'s: nothing inside checks who wrote it"
                ),
            ],
        };
    }
    signed_forgery(sc, trace, keys, (d, how), m)
}

/// Under e2e: seal a forged, signed message to the recipient's real key with each signing key
/// the observer holds, and let the recipient device's check decide.
fn signed_forgery(
    sc: &Scenario,
    trace: &Trace,
    keys: &[HeldKey],
    (d, how): (usize, String),
    m: usize,
) -> Forgery {
    let msg = &sc.messages[m];
    let (sender, from) = (&sc.people[msg.from].name, &sc.devices[msg.from_device].name);
    let device = &sc.devices[d].name;
    let (Some(recipient), Some(real)) = (
        device_secret(trace, d),
        device_secret(trace, msg.from_device),
    ) else {
        return Forgery {
            possible: false,
            why: vec![how, "no device keys in this run".into()],
        };
    };
    let expected = signing_key(&real).verifying_key();
    let mut rng = StdRng::seed_from_u64(trace.seed ^ 0xF0_4C_ED);
    let own = HeldKey {
        blob: wire::KeyBlob::Secret {
            owner: "its own".into(),
            key: SecretKey::generate(&mut rng),
        },
        found_at: Reach::DevicePart(d, DevicePart::Memory),
        opened_with: None,
    };
    for k in keys.iter().chain(std::iter::once(&own)) {
        let Some(secret) = k.blob.secret() else {
            continue;
        };
        let forged = SignedText::sign(&signing_key(secret), sender, from, "(forged) meet me at 9");
        let Ok(sealed) = PerRecipient.seal(&mut rng, &[recipient.public()], &forged.encode())
        else {
            continue;
        };
        let Some(envelope) = sealed.uplink().first().map(|f| f.to_vec()) else {
            continue;
        };
        let accepted = crate::crypto::open_envelope(&recipient, &envelope)
            .ok()
            .and_then(|plain| wire::opened(&plain).ok())
            .is_some_and(|s| s.verify(&expected));
        if accepted {
            return Forgery {
                possible: true,
                why: vec![
                    how,
                    format!("holds {} (from {})", k.describe(), k.source(sc)),
                    format!("signs a forgery as {from}: {device} accepts it as {sender}'s"),
                ],
            };
        }
    }
    Forgery {
        possible: false,
        why: vec![
            how,
            format!(
                "{device} checks {from}'s signature inside the envelope: no key it holds makes one that passes"
            ),
        ],
    }
}
