//! One typed reading of a step's bytes: their layers, outermost first, as anyone holding the
//! bytes sees them without keys. Produced once, when the simulation records a step
//! ([`crate::sim::Step::layers`]), and used by the exposure analysis (which opens the sealed
//! layers it has keys for), the reports and the viewer. Nobody parses the bytes again.

use crate::crypto::{self, SymmetricKey, kind as envelope_kind, sender_key};
use crate::wire::{self, Body, Frame, KeyBlob, Post};

/// A post's routing header: what a server needs to deliver it, in the clear inside any TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Logical send time.
    pub time: u64,
    /// Sending account.
    pub sender: String,
    /// Recipient accounts.
    pub recipients: Vec<String>,
    /// Bytes of the whole post (header and body).
    pub size: usize,
}

/// Which kind of end-to-end envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeKind {
    /// One envelope sealed to one device key.
    PerRecipient,
    /// One content ciphertext, its key wrapped to each device (`devices` stanzas).
    Bag {
        /// Wrapped keys in the bag.
        devices: usize,
        /// Bytes of one wrapped key.
        stanza: usize,
        /// Whether one ephemeral key serves every stanza.
        shared_ephemeral: bool,
    },
    /// One message under a sending device's sender key: one ciphertext every member's device
    /// receives, the same bytes for all.
    SenderKey {
        /// The sender key's id, in the clear.
        id: u32,
        /// The chain position, in the clear: copies of the key from a later position cannot
        /// open it.
        iteration: u32,
    },
    /// Bytes that say they are an envelope but do not parse as one.
    Unknown,
}

/// One layer of a step's bytes.
// A key blob is a few hundred bytes since a public key keeps its Edwards form (crypto/keys.rs:
// every X25519 with it skips a square root); boxing it would touch every match on `Key`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// Key material lying in the clear (a keystore, a key vault, a directory entry).
    Key(KeyBlob),
    /// A TLS record, sealed with the hop's session key.
    Tls {
        /// Record sequence number (the nonce).
        seq: u64,
        /// Ciphertext and tag.
        sealed: Vec<u8>,
    },
    /// A post's header, readable by whoever holds the post.
    Header(Header),
    /// Who signed the words that follow (inside an envelope): the sender and their device.
    Signed {
        /// The sending person, as the signed message says.
        sender: String,
        /// The signing device.
        device: String,
    },
    /// The words of the message.
    Words(String),
    /// Public keys a directory served.
    Served(Vec<KeyBlob>),
    /// A request to a key directory for these devices' keys.
    KeyRequest(Vec<String>),
    /// A web client's code on its way to the device that runs it.
    Code(wire::CodeBundle),
    /// An end-to-end envelope.
    Envelope {
        /// Which kind.
        kind: EnvelopeKind,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// A database row sealed with a server's at-rest key.
    AtRest {
        /// Whose at-rest key sealed it, as the row says.
        owner: String,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// Bytes that do not parse.
    Unreadable(String),
}

/// Reads bytes into layers, outermost first. Empty bytes (a decision, not data) give none.
pub fn read(bytes: &[u8]) -> Vec<Layer> {
    if bytes.is_empty() {
        return Vec::new();
    }
    match wire::parse_frames(bytes) {
        Ok(frames) => frames.into_iter().flat_map(of_frame).collect(),
        Err(e) => vec![Layer::Unreadable(e.to_string())],
    }
}

fn of_frame(frame: Frame) -> Vec<Layer> {
    match frame {
        Frame::Key(blob) => vec![Layer::Key(blob)],
        Frame::Tls { seq, sealed } => vec![Layer::Tls { seq, sealed }],
        Frame::Post(post) => of_post(post),
        Frame::Signed(s) => vec![
            Layer::Signed {
                sender: s.sender,
                device: s.device,
            },
            Layer::Words(s.text),
        ],
    }
}

/// A post's layers: its header, then its body.
pub fn of_post(post: Post) -> Vec<Layer> {
    let header = Header {
        time: post.time,
        sender: post.sender.clone(),
        recipients: post.recipients.clone(),
        size: post.encode().len(),
    };
    vec![Layer::Header(header), of_body(post.body)]
}

/// A body's layer.
pub fn of_body(body: Body) -> Layer {
    match body {
        Body::Text(t) => Layer::Words(t),
        Body::Keys(list) => Layer::Served(list),
        Body::KeyRequest(names) => Layer::KeyRequest(names),
        Body::Code(code) => Layer::Code(code),
        Body::AtRest(bytes) => Layer::AtRest {
            owner: wire::at_rest_key_id(&bytes).unwrap_or_else(|_| "an unknown".into()),
            bytes,
        },
        Body::Envelope(bytes) => Layer::Envelope {
            kind: envelope_kind_of(&bytes),
            bytes,
        },
    }
}

fn envelope_kind_of(bytes: &[u8]) -> EnvelopeKind {
    let bag = |stanza, shared_ephemeral| match crypto::bag_recipients(bytes) {
        Ok(devices) => EnvelopeKind::Bag {
            devices,
            stanza,
            shared_ephemeral,
        },
        Err(_) => EnvelopeKind::Unknown,
    };
    match crypto::frame_kind(bytes) {
        Ok(envelope_kind::PER_RECIPIENT) => EnvelopeKind::PerRecipient,
        Ok(envelope_kind::BAGGED) => bag(crypto::BAGGED_STANZA_LEN, false),
        Ok(envelope_kind::BAGGED_SHARED) => bag(crypto::SHARED_STANZA_LEN, true),
        Ok(sender_key::KIND_MESSAGE) => match sender_key::message_position(bytes) {
            Ok((id, iteration)) => EnvelopeKind::SenderKey { id, iteration },
            Err(_) => EnvelopeKind::Unknown,
        },
        _ => EnvelopeKind::Unknown,
    }
}

/// Public-key work (X25519) that making some envelopes took their sender: fresh ephemeral key
/// pairs and key agreements (one Diffie-Hellman each), read from the envelopes' own layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublicKeyWork {
    /// Ephemeral key pairs made (a scalar multiplication each).
    pub fresh_keys: usize,
    /// Key agreements with a device's public key (one X25519 each).
    pub agreements: usize,
}

impl PublicKeyWork {
    /// Every public-key operation: key pairs made and agreements.
    pub fn total(self) -> usize {
        self.fresh_keys + self.agreements
    }

    /// In words: `20 (10 fresh keys + 10 agreements)`.
    pub fn words(self) -> String {
        format!(
            "{} ({} fresh key{} + {} agreement{})",
            self.total(),
            self.fresh_keys,
            if self.fresh_keys == 1 { "" } else { "s" },
            self.agreements,
            if self.agreements == 1 { "" } else { "s" }
        )
    }
}

impl std::ops::Add for PublicKeyWork {
    type Output = PublicKeyWork;
    fn add(self, o: PublicKeyWork) -> PublicKeyWork {
        PublicKeyWork {
            fresh_keys: self.fresh_keys + o.fresh_keys,
            agreements: self.agreements + o.agreements,
        }
    }
}

impl EnvelopeKind {
    /// The public-key work its sender did to make it: per-recipient, a fresh key and an
    /// agreement; a bag, one of each per device (one fresh key in all when shared); a
    /// sender-key message none (it is signed, and its chain keys were sealed before).
    pub fn work(self) -> PublicKeyWork {
        let (fresh_keys, agreements) = match self {
            EnvelopeKind::PerRecipient => (1, 1),
            EnvelopeKind::Bag {
                devices,
                shared_ephemeral,
                ..
            } => (if shared_ephemeral { 1 } else { devices }, devices),
            EnvelopeKind::SenderKey { .. } | EnvelopeKind::Unknown => (0, 0),
        };
        PublicKeyWork {
            fresh_keys,
            agreements,
        }
    }

    /// A learner's name for it.
    pub fn describe(self) -> &'static str {
        match self {
            EnvelopeKind::PerRecipient => "e2e envelope (per-recipient), sealed to a device key",
            EnvelopeKind::Bag {
                shared_ephemeral: false,
                ..
            } => "e2e bag (bagged), content key wrapped to device keys",
            EnvelopeKind::Bag { .. } => {
                "e2e bag (bagged, shared ephemeral), content key wrapped to device keys"
            }
            EnvelopeKind::SenderKey { .. } => {
                "sender-key message, one ciphertext for every device of the group"
            }
            EnvelopeKind::Unknown => "unreadable envelope",
        }
    }
}

impl Layer {
    /// Whether this layer is sealed (TLS, an envelope, an at-rest row): it needs a key.
    pub fn is_sealed(&self) -> bool {
        matches!(
            self,
            Layer::Tls { .. } | Layer::Envelope { .. } | Layer::AtRest { .. }
        )
    }

    /// Whether the layer carries the message itself (or a sealed form of it), not only keys.
    pub fn carries_content(&self) -> bool {
        matches!(
            self,
            Layer::Tls { .. } | Layer::Words(_) | Layer::Envelope { .. } | Layer::AtRest { .. }
        )
    }

    /// Tries to open a sealed layer with one key: the layers inside, or `None`.
    pub fn open_with(&self, key: &KeyBlob) -> Option<Vec<Layer>> {
        match (self, key) {
            (Layer::Tls { seq, sealed }, KeyBlob::AtRest { key, .. }) => {
                open_tls(key, *seq, sealed)
            }
            (Layer::Envelope { bytes, .. }, KeyBlob::SenderKey { key, .. }) => {
                Some(inner_layers(&key.open(bytes).ok()?))
            }
            (Layer::Envelope { bytes, .. }, blob) => Some(inner_layers(
                &crypto::open_envelope(blob.secret()?, bytes).ok()?,
            )),
            (Layer::AtRest { bytes, .. }, KeyBlob::AtRest { key, .. }) => {
                Some(vec![of_body(wire::open_at_rest(key, bytes).ok()?)])
            }
            _ => None,
        }
    }

    /// The sealed bytes worth showing, past any framing (for an envelope or a bag: the
    /// message ciphertext).
    pub fn sealed_bytes(&self) -> Option<&[u8]> {
        match self {
            Layer::Tls { sealed, .. } => Some(sealed),
            Layer::Envelope { bytes, .. } => {
                let body = crypto::envelope_ciphertext(bytes)
                    .or_else(|| sender_key::message_ciphertext(bytes));
                Some(body.unwrap_or(past_header(bytes)))
            }
            Layer::AtRest { bytes, .. } => {
                Some(wire::at_rest_ciphertext(bytes).unwrap_or(past_header(bytes)))
            }
            _ => None,
        }
    }
}

/// What an opened envelope holds: signed words, or (linking a device, handing out a sender
/// key) a key blob.
fn inner_layers(plain: &[u8]) -> Vec<Layer> {
    match wire::parse_frames(plain) {
        Ok(frames) => frames.into_iter().flat_map(of_frame).collect(),
        Err(_) => vec![Layer::Words(String::from_utf8_lossy(plain).into_owned())],
    }
}

// Hop session keys live only at the two ends of a link: no observer holds one. An at-rest key
// is still tried, so that a mix-up of keys could never go unnoticed.
fn open_tls(key: &SymmetricKey, seq: u64, sealed: &[u8]) -> Option<Vec<Layer>> {
    wire::open_tls(key, seq, sealed).ok().map(of_post)
}

fn past_header(b: &[u8]) -> &[u8] {
    b.get(crypto::HEADER_LEN..).unwrap_or(b)
}

/// The words, if the layers hold them in the clear.
pub fn words(layers: &[Layer]) -> Option<&str> {
    layers.iter().find_map(|l| match l {
        Layer::Words(w) => Some(w.as_str()),
        _ => None,
    })
}

/// The post header, if the layers show one in the clear.
pub fn header(layers: &[Layer]) -> Option<&Header> {
    layers.iter().find_map(|l| match l {
        Layer::Header(h) => Some(h),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_reads_as_header_then_words() {
        let post = Post {
            time: 100,
            sender: "Alice".into(),
            recipients: vec!["Bob".into()],
            body: Body::Text("hi".into()),
        };
        let layers = read(&post.encode());
        assert!(
            matches!(&layers[0], Layer::Header(h) if h.sender == "Alice" && h.size == post.encode().len())
        );
        assert_eq!(words(&layers), Some("hi"));
        assert!(read(&[]).is_empty());
        assert!(matches!(read(b"junk")[0], Layer::Unreadable(_)));
    }
}
