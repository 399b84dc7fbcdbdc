//! The deterministic simulation: one seeded RNG drives every key and nonce, and each step moves
//! real bytes to a place (a device's memory, a link's wire, a server part). The output is a
//! [`Trace`]; who can read what is decided later, by [`crate::exposure`], by trying keys.

mod hop;

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::crypto::{SealError, SecretKey, SymmetricKey};
use crate::layers::{self, Layer};
use crate::power::{self, PowerId};
use crate::scenario::{DevicePart, KeySync, Node, Protection, Reach, Role, Scenario};
use crate::wire::{Body, Post};

/// What happened at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// A device made its key pair.
    KeyGenerated,
    /// A device's private key was copied to the service (key backup and sync).
    KeyBackedUp,
    /// A device fetched its key from the service's backup.
    KeyDownloaded,
    /// Key material moved between a person's devices (linking, a sealed backup).
    KeySync,
    /// A key directory published public keys.
    KeyPublished,
    /// A directory nearer the sender fetched a key from another and handed it on.
    KeyRelayed,
    /// A server loaded its at-rest database key.
    AtRestKeyLoaded,
    /// A sender asked a directory for recipients' keys.
    KeyLookup,
    /// A server made its own key pair and handed it out as a device's.
    KeySubstituted,
    /// The sender's device received recipients' keys.
    KeysReceived,
    /// The sender compared a key with the safety number verified out of band: it matches.
    KeyVerified,
    /// The sender compared a key with the safety number and found a mismatch: not sent.
    KeyMismatch,
    /// The sender typed the message.
    Compose,
    /// The sender's device sealed the message.
    Seal,
    /// Bytes on a link's wire.
    Send,
    /// A TLS front decrypted the hop.
    TlsTerminate,
    /// A server's application or a device received it.
    Receive,
    /// A server stored it in its database or backup.
    Store,
    /// A server loaded it from its database to deliver it.
    Load,
    /// An attacker opened an envelope sealed to a key they substituted.
    MitmOpen,
    /// An attacker sealed it again to the real key.
    MitmReseal,
    /// A recipient device opened the envelope.
    Open,
    /// A sending device sealed its sender key to devices that lacked it (sender keys).
    KeyDistributed,
    /// A device kept a key it received (a sender key) in its keystore.
    KeyStored,
    /// Changed code on a web client sent the words (or keys) back to its server.
    Exfiltrate,
}

impl Action {
    /// The action's name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Action::KeyGenerated => "key-generated",
            Action::KeyBackedUp => "key-backed-up",
            Action::KeyDownloaded => "key-downloaded",
            Action::KeySync => "key-sync",
            Action::KeyPublished => "key-published",
            Action::KeyRelayed => "key-relayed",
            Action::AtRestKeyLoaded => "at-rest-key-loaded",
            Action::KeyLookup => "key-lookup",
            Action::KeySubstituted => "key-substituted",
            Action::KeysReceived => "keys-received",
            Action::KeyVerified => "key-verified",
            Action::KeyMismatch => "key-mismatch",
            Action::Compose => "compose",
            Action::Seal => "seal",
            Action::Send => "send",
            Action::TlsTerminate => "tls-terminate",
            Action::Receive => "receive",
            Action::Store => "store",
            Action::Load => "load",
            Action::MitmOpen => "mitm-open",
            Action::MitmReseal => "mitm-reseal",
            Action::Open => "open",
            Action::KeyDistributed => "key-distributed",
            Action::KeyStored => "key-stored",
            Action::Exfiltrate => "exfiltrate",
        }
    }
}

/// One step of a trace: exact bytes at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Position in the trace.
    pub index: usize,
    /// Logical time.
    pub time: u64,
    /// Where the bytes are.
    pub place: Reach,
    /// What happened.
    pub action: Action,
    /// The message these bytes belong to, if any.
    pub message: Option<usize>,
    /// The exact bytes held there.
    pub bytes: Vec<u8>,
    /// One sentence saying what happened (for captions and the event list).
    pub note: String,
    /// For wire steps: the direction of travel.
    pub travel: Option<(Node, Node)>,
    /// A detail of the place, e.g. `row m1`.
    pub detail: Option<String>,
    /// The observer whose action this step is, when someone acts (substitutes a key,
    /// re-seals a message); `None` for what the honest protocol does.
    pub actor: Option<usize>,
    /// The bytes read into layers, once (see [`crate::layers`]).
    pub layers: Vec<Layer>,
}

/// The whole simulation: steps in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The model the trace was made under.
    pub protection: Protection,
    /// The observers who act in this run (use their powers), in scenario order.
    pub acting: Vec<usize>,
    /// The RNG seed.
    pub seed: u64,
    /// Steps, in order.
    pub steps: Vec<Step>,
}

impl Trace {
    /// Steps that carry a given message.
    pub fn steps_of(&self, message: usize) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(move |s| s.message == Some(message))
    }

    /// Bytes on the wire (all wire steps), in total.
    pub fn wire_bytes(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| matches!(s.place, Reach::Wire(_)))
            .map(|s| s.bytes.len())
            .sum()
    }
}

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Sealing failed.
    #[error("sealing message {message} failed: {source}")]
    Seal {
        /// The message id.
        message: String,
        /// Why.
        source: SealError,
    },
}

/// A message (or part of one) travelling towards some recipient devices.
#[derive(Debug, Clone)]
pub(crate) struct Parcel {
    pub body: Body,
    /// Recipient devices downstream. For a bag, in stanza order.
    pub devices: Vec<usize>,
}

/// A simulation in progress: what models and powers act on.
pub(crate) struct Sim<'a> {
    pub(crate) sc: &'a Scenario,
    pub(crate) p: Protection,
    pub(crate) rng: StdRng,
    pub(crate) steps: Vec<Step>,
    pub(crate) device_keys: Vec<SecretKey>,
    pub(crate) at_rest: BTreeMap<usize, SymmetricKey>,
    pub(crate) next_row: u64,
    pub(crate) tls: BTreeMap<usize, (SymmetricKey, u64)>,
    /// Keys an acting observer made for a device: `(observer, device)`.
    pub(crate) substitutes: BTreeMap<(usize, usize), SecretKey>,
    /// Observers who act in this run, with the powers they use.
    pub(crate) acting: Vec<Actor>,
    /// Sender keys and the copies devices keep (the `sender-keys` fan-out).
    pub(crate) sender_keys: crate::model::sender_keys::SenderKeys,
}

/// An observer who acts in a run, and the powers they use there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Index into the scenario's observers.
    pub observer: usize,
    /// The powers they use (those their reach does not give them do nothing).
    pub powers: Vec<PowerId>,
}

/// The observers who act in a scenario's own run, with every power: those whose role says to
/// show their attack by default (`malicious-server`). Everyone else only looks, unless asked.
pub fn acting_by_default(sc: &Scenario) -> Vec<Actor> {
    (0..sc.observers.len())
        .filter(|&o| sc.observers[o].role == Role::MaliciousServer)
        .map(|observer| Actor {
            observer,
            powers: PowerId::all().collect(),
        })
        .collect()
}

/// Runs a scenario under a protection model, with the observers who act by default.
/// Same scenario, model and seed: same bytes.
pub fn simulate(sc: &Scenario, p: Protection) -> Result<Trace, SimError> {
    simulate_acting(sc, p, &acting_by_default(sc))
}

/// Runs a scenario with some observers using some of the powers their reach gives them.
pub fn simulate_acting(sc: &Scenario, p: Protection, acting: &[Actor]) -> Result<Trace, SimError> {
    let acting: Vec<Actor> = acting.to_vec();
    let mut observers: Vec<usize> = acting.iter().map(|a| a.observer).collect();
    observers.sort_unstable();
    observers.dedup();
    let mut sim = Sim {
        sc,
        p,
        rng: StdRng::seed_from_u64(sc.seed),
        steps: Vec::new(),
        device_keys: Vec::new(),
        at_rest: BTreeMap::new(),
        next_row: 1,
        tls: BTreeMap::new(),
        substitutes: BTreeMap::new(),
        acting,
        sender_keys: Default::default(),
    };
    sim.setup();
    for mi in 0..sc.messages.len() {
        sim.send(mi)?;
    }
    Ok(Trace {
        protection: p,
        acting: observers,
        seed: sc.seed,
        steps: sim.steps,
    })
}

impl Sim<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        time: u64,
        place: Reach,
        action: Action,
        message: Option<usize>,
        bytes: Vec<u8>,
        note: String,
        travel: Option<(Node, Node)>,
        detail: Option<String>,
    ) {
        let index = self.steps.len();
        let layers = layers::read(&bytes);
        self.steps.push(Step {
            index,
            time,
            place,
            action,
            message,
            bytes,
            note,
            travel,
            detail,
            actor: None,
            layers,
        });
    }

    /// Marks the step just pushed as an observer's action.
    pub(crate) fn by(&mut self, observer: usize) {
        if let Some(step) = self.steps.last_mut() {
            step.actor = Some(observer);
        }
    }

    /// Keys before any message: device keys (under e2e), directories, at-rest keys.
    fn setup(&mut self) {
        let sc = self.sc;
        // Device keys exist under every model so that the RNG stream, and with it every later
        // byte, does not depend on which model runs; they are only *shown* under e2e.
        let mut keys: Vec<Option<SecretKey>> = vec![None; sc.devices.len()];
        for person in &sc.people {
            let shared = (sc.key_sync != KeySync::None).then(|| SecretKey::generate(&mut self.rng));
            for &d in &person.devices {
                keys[d] = Some(
                    shared
                        .clone()
                        .unwrap_or_else(|| SecretKey::generate(&mut self.rng)),
                );
            }
        }
        self.device_keys = keys
            .into_iter()
            .map(|k| k.expect("every device belongs to one person"))
            .collect();
        self.p.model.def().setup(self);
    }

    pub(crate) fn post(&self, mi: usize, time: u64, body: Body) -> Post {
        let m = &self.sc.messages[mi];
        // Sealed sender: under e2e the sender's identity travels inside the envelope only, and
        // key lookups are made without logging in.
        let sealed = self.sc.sealed_sender
            && self.p.model.end_to_end()
            && matches!(body, Body::Envelope(_) | Body::Keys(_));
        Post {
            time,
            sender: if sealed {
                String::new()
            } else {
                self.sc.people[m.from].name.clone()
            },
            recipients: m
                .to
                .iter()
                .map(|&p| self.sc.people[p].name.clone())
                .collect(),
            body,
        }
    }

    fn send(&mut self, mi: usize) -> Result<(), SimError> {
        let sc = self.sc;
        let m = &sc.messages[mi];
        let t = 100 * (mi as u64 + 1);
        let from = m.from_device;
        let sender = sc.people[m.from].name.clone();
        let compose = self.post(mi, t, Body::Text(m.text.clone())).encode();
        self.push(
            t,
            Reach::DevicePart(from, DevicePart::Memory),
            Action::Compose,
            Some(mi),
            compose,
            format!("{sender} writes “{}” on {}", m.text, sc.devices[from].name),
            None,
            None,
        );

        power::on_device_words(self, mi, t, from);
        let parcels = self.p.model.def().prepare(self, mi, t)?;
        self.forward(mi, t, Node::Device(from), parcels)
    }
}
