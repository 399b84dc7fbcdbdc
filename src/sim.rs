//! The deterministic simulation: one seeded RNG drives every key and nonce, and each step moves
//! real bytes to a place (a device's memory, a link's wire, a server part). The output is a
//! [`Trace`]; who can read what is decided later, by [`crate::exposure`], by trying keys.

mod hop;

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::crypto::{SealError, SecretKey, SymmetricKey};
use crate::scenario::{DevicePart, Model, Node, Part, Protection, Reach, Role, Scenario};
use crate::wire::{Body, KeyBlob, Post};

/// What happened at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// A device made its key pair.
    KeyGenerated,
    /// A device's private key was copied to the service (key backup and sync).
    KeyBackedUp,
    /// A device fetched its key from the service's backup.
    KeyDownloaded,
    /// A key directory published public keys.
    KeyPublished,
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
    /// A malicious server opened an envelope sealed to its substituted key.
    MitmOpen,
    /// A malicious server sealed it again to the real key.
    MitmReseal,
    /// A recipient device opened the envelope.
    Open,
}

impl Action {
    /// The action's name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Action::KeyGenerated => "key-generated",
            Action::KeyBackedUp => "key-backed-up",
            Action::KeyDownloaded => "key-downloaded",
            Action::KeyPublished => "key-published",
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
}

/// The whole simulation: steps in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The model the trace was made under.
    pub protection: Protection,
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

pub(crate) struct Sim<'a> {
    pub sc: &'a Scenario,
    pub p: Protection,
    pub rng: StdRng,
    pub steps: Vec<Step>,
    pub device_keys: Vec<SecretKey>,
    pub at_rest: BTreeMap<usize, SymmetricKey>,
    pub next_row: u64,
    pub tls: BTreeMap<usize, (SymmetricKey, u64)>,
    pub substitutes: BTreeMap<(usize, usize), SecretKey>,
    pub malicious: BTreeSet<usize>,
}

/// Runs a scenario under a protection model. Same scenario, model and seed: same bytes.
pub fn simulate(sc: &Scenario, p: Protection) -> Result<Trace, SimError> {
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
        malicious: sc
            .observers
            .iter()
            .filter(|o| o.role == Role::MaliciousServer)
            .flat_map(|o| o.controls.iter().copied())
            .collect(),
    };
    sim.setup();
    for mi in 0..sc.messages.len() {
        sim.send(mi)?;
    }
    Ok(Trace {
        protection: p,
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
        });
    }

    fn device_name(&self, d: usize) -> &str {
        &self.sc.devices[d].name
    }

    /// Keys before any message: device keys (under e2e), directories, at-rest keys.
    fn setup(&mut self) {
        let sc = self.sc;
        // Device keys exist under every model so that the RNG stream, and with it every later
        // byte, does not depend on which model runs; they are only *shown* under e2e.
        let mut keys: Vec<Option<SecretKey>> = vec![None; sc.devices.len()];
        for person in &sc.people {
            let shared = sc
                .keys_synced_via_server
                .then(|| SecretKey::generate(&mut self.rng));
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

        if self.p.model == Model::E2e {
            for person in &sc.people {
                for (i, &d) in person.devices.iter().enumerate() {
                    let name = self.device_name(d).to_string();
                    let home = sc.home_server(d);
                    let synced = sc.keys_synced_via_server && home.is_some();
                    let owner = if synced {
                        format!("{} (all devices)", person.name)
                    } else {
                        name.clone()
                    };
                    let blob = KeyBlob::Secret {
                        owner: owner.clone(),
                        key: self.device_keys[d].clone(),
                    }
                    .encode();
                    if synced && i > 0 {
                        let server = home.map(|s| sc.servers[s].name.clone()).unwrap_or_default();
                        self.push(
                            0,
                            Reach::DevicePart(d, DevicePart::Keystore),
                            Action::KeyDownloaded,
                            None,
                            blob,
                            format!(
                                "{name} downloads {}'s private key from {server}'s key backup",
                                person.name
                            ),
                            None,
                            None,
                        );
                        continue;
                    }
                    self.push(
                        0,
                        Reach::DevicePart(d, DevicePart::Keystore),
                        Action::KeyGenerated,
                        None,
                        blob.clone(),
                        format!(
                            "{name} makes its key pair and keeps the private key on the device"
                        ),
                        None,
                        None,
                    );
                    if let (true, Some(s)) = (synced, home) {
                        let part = if sc.servers[s].has(Part::KeyVault) {
                            Part::KeyVault
                        } else {
                            Part::AppMemory
                        };
                        self.push(0, Reach::ServerPart(s, part), Action::KeyBackedUp, None, blob,
                            format!("{name} backs up {}'s private key to {} so the other devices can fetch it", person.name, sc.servers[s].name),
                            None, None);
                    }
                }
            }
            for (s, server) in sc.servers.iter().enumerate() {
                if !server.has(Part::KeyDirectory) {
                    continue;
                }
                let listed: Vec<KeyBlob> = (0..sc.devices.len())
                    .filter(|&d| sc.home_server(d) == Some(s))
                    .map(|d| KeyBlob::Public {
                        owner: sc.devices[d].name.clone(),
                        key: self.device_keys[d].public(),
                    })
                    .collect();
                if listed.is_empty() {
                    continue;
                }
                let bytes: Vec<u8> = listed.iter().flat_map(KeyBlob::encode).collect();
                self.push(
                    0,
                    Reach::ServerPart(s, Part::KeyDirectory),
                    Action::KeyPublished,
                    None,
                    bytes,
                    format!(
                        "{}'s key directory lists the public keys of its users' devices",
                        server.name
                    ),
                    None,
                    None,
                );
            }
        }
        if self.p.model == Model::ServerEncrypted {
            for (s, server) in sc.servers.iter().enumerate() {
                if !(server.has(Part::Database) || server.has(Part::Backup)) {
                    continue;
                }
                let key = SymmetricKey::generate(&mut self.rng);
                let blob = KeyBlob::AtRest {
                    owner: server.name.clone(),
                    key: key.clone(),
                }
                .encode();
                if server.has(Part::KeyVault) {
                    self.push(
                        0,
                        Reach::ServerPart(s, Part::KeyVault),
                        Action::AtRestKeyLoaded,
                        None,
                        blob.clone(),
                        format!(
                            "{}'s key vault holds the database's at-rest key",
                            server.name
                        ),
                        None,
                        None,
                    );
                }
                self.push(
                    0,
                    Reach::ServerPart(s, Part::AppMemory),
                    Action::AtRestKeyLoaded,
                    None,
                    blob,
                    format!(
                        "{}'s application loads the at-rest key so it can encrypt and decrypt rows",
                        server.name
                    ),
                    None,
                    None,
                );
                self.at_rest.insert(s, key);
            }
        }
    }

    fn post(&self, mi: usize, time: u64, body: Body) -> Post {
        let m = &self.sc.messages[mi];
        Post {
            time,
            sender: self.sc.people[m.from].name.clone(),
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

        let parcels = if self.p.model == Model::E2e {
            let mut keys = Vec::new();
            let mut targets = Vec::new();
            for route in &m.routes {
                if let Some(key) = self.lookup(mi, t, route) {
                    keys.push(key);
                    targets.push(route.device);
                }
            }
            if targets.is_empty() {
                return Ok(());
            }
            let sealed = self
                .p
                .fanout
                .scheme()
                .seal(&mut self.rng, &keys, m.text.as_bytes())
                .map_err(|source| SimError::Seal {
                    message: m.id.clone(),
                    source,
                })?;
            let uplink: Vec<u8> = sealed
                .uplink()
                .into_iter()
                .flat_map(|frame| self.post(mi, t, Body::Envelope(frame.to_vec())).encode())
                .collect();
            let count = sealed.uplink().len();
            let how = match count {
                1 if targets.len() > 1 => format!(
                    "once, with the content key wrapped for each of {} devices ({})",
                    targets.len(),
                    self.p.fanout
                ),
                1 => "to the recipient device's public key".to_string(),
                n => format!("{n} times, once per recipient device"),
            };
            self.push(
                t,
                Reach::DevicePart(from, DevicePart::Memory),
                Action::Seal,
                Some(mi),
                uplink,
                format!("{} seals the message {how}", sc.devices[from].name),
                None,
                None,
            );
            match sealed {
                crate::crypto::Sealed::PerRecipient(envelopes) => envelopes
                    .into_iter()
                    .zip(&targets)
                    .map(|(e, &d)| Parcel {
                        body: Body::Envelope(e),
                        devices: vec![d],
                    })
                    .collect(),
                crate::crypto::Sealed::Bag(bag) => vec![Parcel {
                    body: Body::Envelope(bag),
                    devices: targets,
                }],
            }
        } else {
            vec![Parcel {
                body: Body::Text(m.text.clone()),
                devices: m.routes.iter().map(|r| r.device).collect(),
            }]
        };
        self.forward(mi, t, Node::Device(from), parcels)
    }
}
