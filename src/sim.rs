//! The deterministic simulation: one seeded RNG drives every key and nonce, and each step moves
//! real bytes to a place (a device's memory, a link's wire, a server part). The output is a
//! [`Trace`]; who can read what is decided later, by [`crate::exposure`], by trying keys.

mod act;
mod code;
mod hop;
mod lookup;
pub mod model;
mod transit;

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::cargo::ChangedBy;
use crate::crypto::{PublicKey, SealError, SecretKey, SymmetricKey};
use crate::layers;
use crate::power::PowerId;
use crate::scenario::{DevicePart, KeySync, Node, Protection, Reach, Role, Scenario};
use crate::wire::{Body, Post};

pub use crate::trace::{Action, Step, Trace};

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// Sealing failed (a message, or for an empty id, what someone acting sealed again).
    #[error("sealing message {message} failed: {source}")]
    Seal {
        /// The message id.
        message: String,
        /// Why.
        source: SealError,
    },
    /// The scene cannot run under this model (under e2e: where a recipient's keys come from
    /// is missing), with the place in the file.
    #[error("{0}")]
    Scenario(Box<crate::scenario::ScenarioError>),
}

pub(crate) use crate::cargo::Parcel;

/// A simulation in progress: what models and powers act on.
pub(crate) struct Sim<'a> {
    pub(crate) sc: &'a Scenario,
    pub(crate) p: Protection,
    pub(crate) rng: StdRng,
    pub(crate) steps: Vec<Step>,
    pub(crate) device_keys: Vec<SecretKey>,
    /// Every device's real public key.
    pub(crate) real: Vec<PublicKey>,
    pub(crate) at_rest: BTreeMap<usize, SymmetricKey>,
    pub(crate) next_row: u64,
    pub(crate) tls: BTreeMap<usize, (SymmetricKey, u64)>,
    /// The key pair each acting observer made to pose as devices.
    pub(crate) made: BTreeMap<usize, (SecretKey, PublicKey)>,
    /// `(observer, device)`: whom each acting observer handed their key out as.
    pub(crate) posed: std::collections::BTreeSet<(usize, usize)>,
    /// Envelopes acting observers sealed again themselves (by fingerprint).
    pub(crate) resealed: std::collections::BTreeSet<u64>,
    /// Per `(device, other device)`: the key the device accepted as the other's so far.
    pub(crate) known: BTreeMap<(usize, usize), PublicKey>,
    /// Per web client device: who changed the code it runs, if anyone.
    pub(crate) code: BTreeMap<usize, Option<ChangedBy>>,
    /// Links whose opportunistic TLS an acting observer strips, and who.
    pub(crate) stripped: BTreeMap<usize, (usize, PowerId)>,
    /// Observers who act in this run, with the powers they use.
    pub(crate) acting: Vec<Actor>,
    /// Sender keys and the copies devices keep (the `sender-keys` fan-out).
    pub(crate) sender_keys: crate::model::sender_keys::SenderKeys,
    /// Signature checks already made: `(the key held for the sender, the opened bytes)` to
    /// whether the signature verified. A group's devices all open the same signed bytes; each
    /// check is real, made once.
    pub(crate) checked: std::collections::HashMap<(PublicKey, Vec<u8>), bool>,
}

/// An observer who acts in a run, and the powers they use there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Index into the scenario's observers.
    pub observer: usize,
    /// The powers they use (each acts only where the bytes let it).
    pub powers: Vec<PowerId>,
}

impl Actor {
    /// An observer using every power at once: their active run.
    pub fn with_every_power(observer: usize) -> Actor {
        Actor {
            observer,
            powers: PowerId::all().collect(),
        }
    }
}

/// The observers whose active run the viewer plays by default: those whose role says the
/// scene is about their attack (`malicious-server`). Roles decide nothing else: nobody acts in
/// a scenario's own run.
pub fn shown_acting_by_default(sc: &Scenario) -> Vec<usize> {
    (0..sc.observers.len())
        .filter(|&o| sc.observers[o].role == Role::MaliciousServer)
        .collect()
}

/// Runs a scenario under a protection model, everyone only looking.
/// Same scenario, model and seed: same bytes.
pub fn simulate(sc: &Scenario, p: Protection) -> Result<Trace, SimError> {
    simulate_acting(sc, p, &[])
}

/// Runs a scenario with some observers using some powers, wherever the bytes let them.
pub fn simulate_acting(sc: &Scenario, p: Protection, acting: &[Actor]) -> Result<Trace, SimError> {
    if let (true, Some(e)) = (p.model.end_to_end(), &sc.no_e2e) {
        return Err(SimError::Scenario(e.clone()));
    }
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
        real: Vec::new(),
        at_rest: BTreeMap::new(),
        next_row: 1,
        tls: BTreeMap::new(),
        made: BTreeMap::new(),
        posed: Default::default(),
        resealed: Default::default(),
        known: BTreeMap::new(),
        code: BTreeMap::new(),
        stripped: BTreeMap::new(),
        acting,
        sender_keys: Default::default(),
        checked: Default::default(),
    };
    sim.stripped = sim.strippers();
    sim.setup()?;
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
            power: None,
            arrived_by: None,
            layers,
        });
    }

    /// Marks the step just pushed as an observer's action with a power.
    pub(crate) fn by(&mut self, observer: usize, power: PowerId) {
        if let Some(step) = self.steps.last_mut() {
            step.actor = Some(observer);
            step.power = Some(power);
        }
    }

    /// Keys before any message: device keys (under e2e), directories, at-rest keys.
    fn setup(&mut self) -> Result<(), SimError> {
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
        self.real = self.device_keys.iter().map(SecretKey::public).collect();
        self.p.model.def().setup(self);
        self.load_web_clients()
    }

    pub(crate) fn post(&self, mi: usize, time: u64, body: Body) -> Post {
        crate::cargo::post(self.sc, self.p, mi, time, body)
    }

    /// The post carrying `body` of message `mi` towards `devices` (its header names their
    /// people only).
    pub(crate) fn post_for(&self, mi: usize, time: u64, body: Body, devices: &[usize]) -> Post {
        crate::cargo::post_for(self.sc, self.p, (mi, time), body, devices)
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

        self.words_shown(mi, t, from)?;
        let parcels = self.p.model.def().prepare(self, mi, t)?;
        self.forward(mi, t, Node::Device(from), parcels)
    }
}
