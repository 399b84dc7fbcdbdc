//! The one joint for fan-out schemes: the simulation, the benches and the viewer seal through
//! [`FanoutScheme`] and never care which scheme they hold.

use std::borrow::Cow;

use rand::CryptoRng;

use super::envelope;
use super::format::bag_select;
use super::{OpenError, PublicKey, SealError, SecretKey};

/// How a message is encrypted to many devices.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Fanout {
    /// The whole message sealed once per recipient device.
    PerRecipient,
    /// Sealed once; the content key masked per device, each with its own ephemeral key.
    Bagged,
    /// Sealed once; one ephemeral key for all devices, the content key masked per device.
    BaggedSharedEphemeral,
    /// A session scheme: each sending device hands a chain key to every device once (per
    /// recipient), then encrypts each message once for all of them ([`super::sender_key`]).
    /// It keeps state between messages, so only the simulation runs it; there is no one-shot
    /// [`FanoutScheme`] for it.
    SenderKeys,
}

impl Fanout {
    /// Every fan-out, in a stable order: what scene files and `--model` accept.
    pub const ALL: [Fanout; 4] = [
        Fanout::PerRecipient,
        Fanout::Bagged,
        Fanout::BaggedSharedEphemeral,
        Fanout::SenderKeys,
    ];

    /// The one-shot schemes: each seals one message to many keys with no state kept
    /// ([`Fanout::scheme`] gives them).
    pub const ONE_SHOT: [Fanout; 3] = [
        Fanout::PerRecipient,
        Fanout::Bagged,
        Fanout::BaggedSharedEphemeral,
    ];

    /// The scheme's name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Fanout::PerRecipient => "per-recipient",
            Fanout::Bagged => "bagged",
            Fanout::BaggedSharedEphemeral => "bagged-shared-ephemeral",
            Fanout::SenderKeys => "sender-keys",
        }
    }

    /// Parses a scheme name.
    pub fn from_name(name: &str) -> Option<Fanout> {
        Fanout::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The one-shot scheme as a trait object; `None` for [`Fanout::SenderKeys`], which keeps
    /// state between messages.
    pub fn scheme(self) -> Option<&'static dyn FanoutScheme> {
        match self {
            Fanout::PerRecipient => Some(&PerRecipient),
            Fanout::Bagged => Some(&Bagged),
            Fanout::BaggedSharedEphemeral => Some(&BaggedSharedEphemeral),
            Fanout::SenderKeys => None,
        }
    }
}

impl std::fmt::Display for Fanout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What sealing produced: the bytes the sender puts on its uplink, and what each device gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sealed {
    /// One envelope per device, in recipient order.
    PerRecipient(Vec<Vec<u8>>),
    /// One bag for all devices; a server splits it into per-device parts for delivery.
    Bag(Vec<u8>),
}

impl Sealed {
    /// Exact bytes on the sender's uplink.
    pub fn wire_bytes(&self) -> usize {
        match self {
            Sealed::PerRecipient(envelopes) => envelopes.iter().map(Vec::len).sum(),
            Sealed::Bag(bag) => bag.len(),
        }
    }

    /// The frames on the uplink.
    pub fn uplink(&self) -> Vec<&[u8]> {
        match self {
            Sealed::PerRecipient(envelopes) => envelopes.iter().map(Vec::as_slice).collect(),
            Sealed::Bag(bag) => vec![bag.as_slice()],
        }
    }

    /// What device `index` (in recipient order) receives.
    pub fn delivery(&self, index: usize) -> Result<Cow<'_, [u8]>, OpenError> {
        match self {
            Sealed::PerRecipient(envelopes) => envelopes
                .get(index)
                .map(|e| Cow::Borrowed(e.as_slice()))
                .ok_or(OpenError::Malformed("no envelope for that device")),
            Sealed::Bag(bag) => bag_select(bag, &[index]).map(Cow::Owned),
        }
    }
}

/// A fan-out scheme: seals one message to many device keys.
pub trait FanoutScheme: Send + Sync {
    /// Which scheme this is.
    fn fanout(&self) -> Fanout;

    /// Seals `message` to every key in `recipients`, drawing randomness from `rng`.
    fn seal(
        &self,
        rng: &mut dyn CryptoRng,
        recipients: &[PublicKey],
        message: &[u8],
    ) -> Result<Sealed, SealError>;

    /// Opens what one device received.
    fn open(&self, secret: &SecretKey, delivered: &[u8]) -> Result<Vec<u8>, OpenError> {
        envelope::open_envelope(secret, delivered)
    }
}

/// The whole message sealed once per recipient device.
#[derive(Debug, Clone, Copy, Default)]
pub struct PerRecipient;
/// One content ciphertext; per device, an ephemeral key and a masked content key (64 bytes).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bagged;
/// One content ciphertext and one ephemeral key; per device, a masked content key (32 bytes).
#[derive(Debug, Clone, Copy, Default)]
pub struct BaggedSharedEphemeral;

impl FanoutScheme for PerRecipient {
    fn fanout(&self) -> Fanout {
        Fanout::PerRecipient
    }
    fn seal(
        &self,
        rng: &mut dyn CryptoRng,
        recipients: &[PublicKey],
        message: &[u8],
    ) -> Result<Sealed, SealError> {
        envelope::seal_per_recipient(rng, recipients, message).map(Sealed::PerRecipient)
    }
}

impl FanoutScheme for Bagged {
    fn fanout(&self) -> Fanout {
        Fanout::Bagged
    }
    fn seal(
        &self,
        rng: &mut dyn CryptoRng,
        recipients: &[PublicKey],
        message: &[u8],
    ) -> Result<Sealed, SealError> {
        envelope::seal_bagged(rng, recipients, message).map(Sealed::Bag)
    }
}

impl FanoutScheme for BaggedSharedEphemeral {
    fn fanout(&self) -> Fanout {
        Fanout::BaggedSharedEphemeral
    }
    fn seal(
        &self,
        rng: &mut dyn CryptoRng,
        recipients: &[PublicKey],
        message: &[u8],
    ) -> Result<Sealed, SealError> {
        envelope::seal_bagged_shared(rng, recipients, message).map(Sealed::Bag)
    }
}
