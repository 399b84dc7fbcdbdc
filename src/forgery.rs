//! Forged senders: could an observer make *another* device show a message "from" its sender
//! that the sender never wrote? Tried for real, not declared. The observer needs a way to a
//! recipient device: a place on its way where they can put bytes (a server part that handles
//! the message, a wire in the clear or with TLS they can strip), a device of their own that
//! can send through the service, or the web client's code they changed. Under e2e the
//! recipient device then opens the forgery and checks the sender's signature inside with the
//! sender's key **as it got it** (from a directory on its way, or in person): only a signing
//! key the observer holds for that key passes. A device faking its own screen is not a forger.

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::crypto::{FanoutScheme, PerRecipient, PublicKey, SecretKey};
use crate::exposure::HeldKey;
use crate::layers::Layer;
use crate::scenario::{DevicePart, Node, Part, Reach, Scenario};
use crate::sim::{Action, Trace};
use crate::wire::{self, KeyBlob, SignedText, signing_key};

pub use crate::exposure::Forgery;

/// How the observer would put a forgery in front of a recipient device.
enum Way {
    /// A place on the message's way, after the sender's login: the service delivers it as
    /// the sender's unless something inside checks.
    OnTheWay(String),
    /// A device of their own: the service says who sent it, so only a signature can lie.
    OwnDevice(String),
}

fn forgery(possible: bool, why: Vec<String>) -> Forgery {
    Forgery { possible, why }
}

/// Tries to forge message `m` as observer `o`, who holds `keys`, in the run `trace`.
pub fn assess(sc: &Scenario, trace: &Trace, keys: &[HeldKey], o: usize, m: usize) -> Forgery {
    let msg = &sc.messages[m];
    let sender = &sc.people[msg.from].name;
    let own = |d: usize| sc.reaches(o, Reach::DevicePart(d, DevicePart::Memory));
    let targets: Vec<usize> = msg
        .routes
        .iter()
        .map(|r| r.device)
        .filter(|&d| sc.devices[d].owner != msg.from && !own(d))
        .collect();
    if own(msg.from_device) {
        let from = &sc.devices[msg.from_device].name;
        return forgery(
            true,
            vec![
                format!("controls {from}, {sender}'s own sending device"),
                format!(
                    "whatever it sends carries {sender}'s signature: to everyone else it is {sender}'s"
                ),
            ],
        );
    }
    if let Some(f) = by_changed_code(sc, trace, o, m, &targets) {
        return f;
    }
    let target = targets
        .iter()
        .find_map(|&d| way_in(sc, o, m, d).map(|way| (d, way)));
    let Some((d, way)) = target else {
        let mut why = vec![
            "reaches no place on the way to another recipient device where it could put a message"
                .to_string(),
        ];
        if let Some(r) = msg.routes.iter().find(|r| own(r.device)) {
            why.push(format!(
                "it controls {}: it could fake its own screen, but that is not a forgery (could_forge asks whether another device would accept a message as {sender}'s)",
                sc.devices[r.device].name
            ));
        }
        return forgery(false, why);
    };
    let device = &sc.devices[d].name;
    match way {
        Way::OnTheWay(how) if !trace.protection.model.end_to_end() => forgery(
            true,
            vec![
                how,
                format!(
                    "{device} shows what the server delivers as {sender}'s: nothing inside checks who wrote it"
                ),
            ],
        ),
        Way::OwnDevice(how) if !trace.protection.model.end_to_end() => forgery(
            false,
            vec![
                how,
                format!("the service labels what it sends with its own account, not {sender}'s"),
            ],
        ),
        Way::OnTheWay(how) | Way::OwnDevice(how) => signed_forgery(sc, trace, keys, (d, how), m),
    }
}

/// Code the observer changed on the sender's device or a recipient's shows (or sends) anything.
fn by_changed_code(
    sc: &Scenario,
    trace: &Trace,
    o: usize,
    m: usize,
    targets: &[usize],
) -> Option<Forgery> {
    let msg = &sc.messages[m];
    let who = &sc.observers[o].name;
    // Every device that loaded code this observer changed, found in one pass.
    let loaded: Vec<usize> = trace
        .steps
        .iter()
        .filter(|s| s.action == Action::CodeLoaded)
        .filter(|s| {
            s.layers
                .iter()
                .any(|l| matches!(l, Layer::Code(c) if c.changed_by.as_ref() == Some(who)))
        })
        .filter_map(|s| match s.place {
            Reach::DevicePart(d, _) => Some(d),
            _ => None,
        })
        .collect();
    if loaded.is_empty() {
        return None;
    }
    let changed = |d: usize| loaded.contains(&d);
    let sender = &sc.people[msg.from].name;
    let how = if trace.protection.model.end_to_end() {
        "signed with the key the page holds".to_string()
    } else {
        format!("from the page where {sender} is logged in")
    };
    let (d, what) = if changed(msg.from_device) {
        (
            msg.from_device,
            format!("can send anything as {sender}'s, {how}"),
        )
    } else {
        let &d = targets.iter().find(|&&d| changed(d))?;
        (d, format!("shows whatever it likes as {sender}'s"))
    };
    let device = &sc.devices[d].name;
    Some(forgery(
        true,
        vec![
            format!("changed the web client code {device} runs"),
            format!("the changed code on {device} {what}"),
        ],
    ))
}

/// Where observer `o` could put bytes on the way to device `d` of message `m`, described.
fn way_in(sc: &Scenario, o: usize, m: usize, d: usize) -> Option<Way> {
    let route = sc.messages[m].routes.iter().find(|r| r.device == d)?;
    let at_server = route.nodes.iter().find_map(|n| match n {
        Node::Server(s) => [Part::AppMemory, Part::TlsFront]
            .into_iter()
            .map(|p| Reach::ServerPart(*s, p))
            .find(|&place| sc.reaches(o, place)),
        Node::Device(_) => None,
    });
    if let Some(place) = at_server {
        return Some(Way::OnTheWay(format!(
            "can put a message into {}{}",
            sc.reach_label(place),
            sc.via_words(o, place)
        )));
    }
    let on_wire = route.links.iter().find_map(|&l| {
        let open = !sc.links[l].tls || sc.links[l].opportunistic;
        (open && sc.reaches(o, Reach::Wire(l))).then(|| {
            format!(
                "can put a message on {} (no TLS that stops it)",
                sc.link_label(l)
            )
        })
    });
    if let Some(how) = on_wire {
        return Some(Way::OnTheWay(how));
    }
    let mine = (0..sc.devices.len())
        .find(|&x| x != d && sc.reaches(o, Reach::DevicePart(x, DevicePart::Memory)))?;
    Some(Way::OwnDevice(format!(
        "can send from {}, through the service, to {}",
        sc.devices[mine].name, sc.devices[d].name
    )))
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

/// The key device `d` holds as `from`'s: the last one a key answer brought it, or (verified
/// keys, keys met in person, no lookup) the real one.
fn copy_of(sc: &Scenario, trace: &Trace, d: usize, from: usize, real: PublicKey) -> PublicKey {
    if trace.protection.keys_verified {
        return real;
    }
    let name = &sc.devices[from].name;
    trace
        .steps
        .iter()
        .rev()
        .filter(|s| {
            s.action == Action::KeysReceived && s.place == Reach::DevicePart(d, DevicePart::Memory)
        })
        .find_map(|s| {
            s.layers.iter().find_map(|l| match l {
                Layer::Served(keys) => keys.iter().find_map(|k| match k {
                    KeyBlob::Public { owner, key } if owner == name => Some(*key),
                    _ => None,
                }),
                _ => None,
            })
        })
        .unwrap_or(real)
}

/// Under e2e: seal a forged, signed message to the recipient's real key with each signing key
/// the observer holds, and let the recipient device's check decide, with the sender's key as
/// the recipient got it.
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
        return forgery(false, vec![how, "no device keys in this run".into()]);
    };
    let copy = copy_of(sc, trace, d, msg.from_device, real.public());
    let mut rng = StdRng::seed_from_u64(trace.seed ^ 0xF0_4C_ED);
    let own = HeldKey {
        blob: KeyBlob::Secret {
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
        // Only the key behind the one the recipient holds as the sender's can sign what it
        // accepts; sealing a forgery with the others is not worth the work.
        if secret.public() != copy && !std::ptr::eq(k, &own) {
            continue;
        }
        let forged = SignedText::sign(&signing_key(secret), sender, from, "(forged) meet me at 9");
        let Ok(sealed) = PerRecipient.seal(&mut rng, &[recipient.public()], &forged.encode())
        else {
            continue;
        };
        let Some(envelope) = sealed.uplink().first().map(|f| f.to_vec()) else {
            continue;
        };
        // The recipient's check, as the simulation makes it: the signature against the
        // signing key bound to the key it holds as the sender's.
        let accepted = secret.public() == copy
            && crate::crypto::open_envelope(&recipient, &envelope)
                .ok()
                .and_then(|plain| wire::opened(&plain).ok())
                .is_some_and(|s| s.verify(&signing_key(secret).verifying_key()));
        if accepted {
            let got = if copy == real.public() {
                format!("{device} checks it with {from}'s real key")
            } else {
                format!("{device} checks it with the key it was handed as {from}'s")
            };
            return forgery(
                true,
                vec![
                    how,
                    format!("holds {} (from {})", k.describe(), k.source(sc)),
                    format!("signs a forgery as {from}: {got} and accepts it as {sender}'s"),
                ],
            );
        }
    }
    let got = if copy == real.public() {
        format!("{from}'s key (as {device} got it)")
    } else {
        format!("the key {device} was handed as {from}'s")
    };
    forgery(
        false,
        vec![
            how,
            format!(
                "{device} checks {from}'s signature inside the envelope with {got}: no key it holds makes one that passes"
            ),
        ],
    )
}
