//! A run's record: steps of exact bytes at places, in order. The data every layer above the
//! simulation reads (exposure, forgery, reports, the viewer); made only by [`crate::sim`].

use crate::layers::Layer;
use crate::scenario::Protection;
use crate::scenario::{Node, Reach};

/// An entry of the registry of powers ([`crate::power`], where its name and help are).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PowerId(pub(crate) u8);

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
    /// A server handed out a web client's code (a page load).
    CodeServed,
    /// A web client device loaded the code it was sent, and runs it.
    CodeLoaded,
    /// An attacker replaced a web client's code on its way with code that also hands them the
    /// words.
    CodeChanged,
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
            Action::CodeServed => "code-served",
            Action::CodeLoaded => "code-loaded",
            Action::CodeChanged => "code-changed",
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
    /// The power that act used, when someone acts.
    pub power: Option<PowerId>,
    /// At a server, for bytes that just arrived over a link: that link (the server sees the
    /// connection's ends, as a tap on the link does).
    pub arrived_by: Option<usize>,
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
