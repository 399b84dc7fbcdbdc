//! The simulated protocol's frames, byte for byte: posts (a routing header and a body), TLS
//! records, at-rest database rows and key blobs. Envelopes are in [`crate::crypto`]. All share
//! the `"PS" | version | kind` header; `docs/format.md` has the layouts.
//!
//! This file is the codec (the bytes); `seal.rs` holds the TLS and at-rest cryptography that
//! fills a record's or a row's sealed part, `signed.rs` the signed messages.
//!
//! Decoding never trusts a length field: every read is bounds-checked, so any byte string gives
//! a frame or an [`OpenError`], never a panic.

#[cfg(test)]
mod fuzz_seeds;
mod seal;
mod signed;

pub use seal::{open_at_rest, open_tls};
pub(crate) use seal::{seal_at_rest, tls_record};
pub use signed::{SignedText, opened, signing_key};

use crate::crypto::sender_key::{DISTRIBUTION_LEN, SenderKeyReceiver};
use crate::crypto::{
    self, HEADER_LEN, MAGIC, OpenError, PublicKey, SecretKey, SymmetricKey, VERSION,
};

/// Frame kinds of the simulated protocol.
pub mod kind {
    /// A TLS-like record on a link.
    pub const TLS_RECORD: u8 = 0x10;
    /// A database row body sealed with the server's at-rest key.
    pub const AT_REST: u8 = 0x11;
    /// A post: routing header and body.
    pub const POST: u8 = 0x20;
    /// A message signed by the sender's device (inside an e2e envelope).
    pub const SIGNED: u8 = 0x21;
    /// A key blob.
    pub const KEY: u8 = 0x30;
}

/// A post: what a client sends and a server stores and forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Logical send time.
    pub time: u64,
    /// Sending account.
    pub sender: String,
    /// Recipient accounts.
    pub recipients: Vec<String>,
    /// The body.
    pub body: Body,
}

/// A post's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// The words of the message, as typed.
    Text(String),
    /// An e2e envelope (per-recipient or a bag).
    Envelope(Vec<u8>),
    /// An at-rest frame (a body sealed with a server's database key).
    AtRest(Vec<u8>),
    /// Public keys served by a key directory.
    Keys(Vec<KeyBlob>),
    /// A request to a key directory for these devices' public keys (by name).
    KeyRequest(Vec<String>),
    /// A web client's code, as a server hands it out on a page load.
    Code(CodeBundle),
}

/// A web client's code: whose page it is, and (when someone changed it on its way) where the
/// changed code also sends the words it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBundle {
    /// The server whose page this is.
    pub server: String,
    /// Who changed it, if anyone: the changed code hands them the words.
    pub changed_by: Option<String>,
}

/// Key material as it sits in a keystore, a key vault or a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyBlob {
    /// An X25519 private key, and whose it is.
    Secret {
        /// Whose key (a device, or a person's shared key).
        owner: String,
        /// The key.
        key: SecretKey,
    },
    /// An X25519 public key.
    Public {
        /// Whose key.
        owner: String,
        /// The key.
        key: PublicKey,
    },
    /// An X25519 private key an attacker made and handed out, through a key directory they
    /// control, as someone else's.
    Substitute {
        /// Who made it (the acting observer).
        owner: String,
        /// The device it poses as.
        posing_as: String,
        /// The key.
        key: SecretKey,
    },
    /// A server's at-rest database key.
    AtRest {
        /// Which server's.
        owner: String,
        /// The key.
        key: SymmetricKey,
    },
    /// A copy of a sending device's sender key: the chain where it was handed over, and the
    /// key that checks its signatures. It opens that sender's group messages from there on.
    SenderKey {
        /// The sending device.
        owner: String,
        /// The copy.
        key: SenderKeyReceiver,
    },
}

/// One parsed frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A post.
    Post(Post),
    /// A TLS record: sequence number and sealed post.
    Tls {
        /// Record sequence number (the nonce).
        seq: u64,
        /// Ciphertext and tag.
        sealed: Vec<u8>,
    },
    /// Key material.
    Key(KeyBlob),
    /// A message signed by its sender's device.
    Signed(SignedText),
}

const BODY_TEXT: u8 = 0;
const BODY_ENVELOPE: u8 = 1;
const BODY_AT_REST: u8 = 2;
const BODY_KEYS: u8 = 3;
const BODY_KEY_REQUEST: u8 = 4;
const BODY_CODE: u8 = 5;
const KEY_SECRET: u8 = 1;
const KEY_PUBLIC: u8 = 2;
const KEY_AT_REST: u8 = 3;
const KEY_SUBSTITUTE: u8 = 4;
const KEY_SENDER: u8 = 5;

fn header(kind: u8) -> [u8; HEADER_LEN] {
    [MAGIC[0], MAGIC[1], VERSION, kind]
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    let bytes = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A bounds-checked reader.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], OpenError> {
        let end = self
            .at
            .checked_add(n)
            .ok_or(OpenError::Malformed("length overflows"))?;
        if end > self.bytes.len() {
            return Err(OpenError::Truncated {
                needed: end,
                got: self.bytes.len(),
            });
        }
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
    fn u8(&mut self) -> Result<u8, OpenError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, OpenError> {
        Ok(u16::from_be_bytes(
            self.take(2)?.try_into().expect("took 2 bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32, OpenError> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().expect("took 4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, OpenError> {
        Ok(u64::from_be_bytes(
            self.take(8)?.try_into().expect("took 8 bytes"),
        ))
    }
    fn key32(&mut self) -> Result<[u8; 32], OpenError> {
        Ok(self.take(32)?.try_into().expect("took 32 bytes"))
    }
    fn str(&mut self) -> Result<String, OpenError> {
        let n = self.u16()? as usize;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| OpenError::Malformed("name is not UTF-8"))
    }
    fn header(&mut self, expected: u8, what: &'static str) -> Result<(), OpenError> {
        let found = crypto::frame_kind(&self.bytes[self.at..])?;
        if found != expected {
            return Err(OpenError::WrongKind {
                expected: what,
                found,
            });
        }
        self.at += HEADER_LEN;
        Ok(())
    }
    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

impl Body {
    fn encode_into(&self, out: &mut Vec<u8>) {
        let (kind, payload): (u8, std::borrow::Cow<'_, [u8]>) = match self {
            Body::Text(t) => (BODY_TEXT, t.as_bytes().into()),
            Body::Envelope(e) => (BODY_ENVELOPE, e.as_slice().into()),
            Body::AtRest(a) => (BODY_AT_REST, a.as_slice().into()),
            Body::Keys(keys) => {
                let mut all = Vec::new();
                for k in keys {
                    all.extend_from_slice(&k.encode());
                }
                (BODY_KEYS, all.into())
            }
            Body::KeyRequest(names) => {
                let mut all = Vec::new();
                for n in names {
                    put_str(&mut all, n);
                }
                (BODY_KEY_REQUEST, all.into())
            }
            Body::Code(code) => {
                let mut all = Vec::new();
                put_str(&mut all, &code.server);
                if let Some(who) = &code.changed_by {
                    put_str(&mut all, who);
                }
                (BODY_CODE, all.into())
            }
        };
        out.push(kind);
        out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&payload);
    }

    /// The body's bytes (kind, length, payload): what an at-rest row seals.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn read(r: &mut Reader<'_>) -> Result<Body, OpenError> {
        let kind = r.u8()?;
        let n = r.u32()? as usize;
        let payload = r.take(n)?;
        Ok(match kind {
            BODY_TEXT => Body::Text(
                String::from_utf8(payload.to_vec())
                    .map_err(|_| OpenError::Malformed("text is not UTF-8"))?,
            ),
            BODY_ENVELOPE => Body::Envelope(payload.to_vec()),
            BODY_AT_REST => Body::AtRest(payload.to_vec()),
            BODY_KEYS => {
                let mut keys = Vec::new();
                let mut inner = Reader {
                    bytes: payload,
                    at: 0,
                };
                while !inner.done() {
                    keys.push(KeyBlob::read(&mut inner)?);
                }
                Body::Keys(keys)
            }
            BODY_KEY_REQUEST => {
                let mut names = Vec::new();
                let mut inner = Reader {
                    bytes: payload,
                    at: 0,
                };
                while !inner.done() {
                    names.push(inner.str()?);
                }
                Body::KeyRequest(names)
            }
            BODY_CODE => {
                let mut inner = Reader {
                    bytes: payload,
                    at: 0,
                };
                let server = inner.str()?;
                let changed_by = if inner.done() {
                    None
                } else {
                    Some(inner.str()?)
                };
                if !inner.done() {
                    return Err(OpenError::Malformed("bytes after the code bundle"));
                }
                Body::Code(CodeBundle { server, changed_by })
            }
            _ => return Err(OpenError::Malformed("unknown body kind")),
        })
    }

    /// Decodes a whole body (as an opened at-rest row holds).
    pub fn decode(bytes: &[u8]) -> Result<Body, OpenError> {
        let mut r = Reader { bytes, at: 0 };
        let body = Body::read(&mut r)?;
        if !r.done() {
            return Err(OpenError::Malformed("bytes after the body"));
        }
        Ok(body)
    }
}

impl Post {
    /// The post's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = header(kind::POST).to_vec();
        out.extend_from_slice(&self.time.to_be_bytes());
        put_str(&mut out, &self.sender);
        out.extend_from_slice(&(self.recipients.len().min(u16::MAX as usize) as u16).to_be_bytes());
        for r in self.recipients.iter().take(u16::MAX as usize) {
            put_str(&mut out, r);
        }
        self.body.encode_into(&mut out);
        out
    }

    fn read(r: &mut Reader<'_>) -> Result<Post, OpenError> {
        r.header(kind::POST, "post")?;
        let time = r.u64()?;
        let sender = r.str()?;
        let n = r.u16()? as usize;
        let mut recipients = Vec::new();
        for _ in 0..n {
            recipients.push(r.str()?);
        }
        let body = Body::read(r)?;
        Ok(Post {
            time,
            sender,
            recipients,
            body,
        })
    }

    /// Decodes one whole post.
    pub fn decode(bytes: &[u8]) -> Result<Post, OpenError> {
        let mut r = Reader { bytes, at: 0 };
        let post = Post::read(&mut r)?;
        if !r.done() {
            return Err(OpenError::Malformed("bytes after the post"));
        }
        Ok(post)
    }
}

impl KeyBlob {
    /// The blob's bytes. They hold secret key bytes for secret kinds: handle with care.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = header(kind::KEY).to_vec();
        out.push(match self {
            KeyBlob::Secret { .. } => KEY_SECRET,
            KeyBlob::Public { .. } => KEY_PUBLIC,
            KeyBlob::AtRest { .. } => KEY_AT_REST,
            KeyBlob::Substitute { .. } => KEY_SUBSTITUTE,
            KeyBlob::SenderKey { .. } => KEY_SENDER,
        });
        put_str(&mut out, self.owner());
        match self {
            KeyBlob::Secret { key, .. } => out.extend_from_slice(key.to_bytes().as_ref()),
            KeyBlob::Public { key, .. } => out.extend_from_slice(key.as_bytes()),
            KeyBlob::AtRest { key, .. } => out.extend_from_slice(key.as_bytes()),
            KeyBlob::Substitute { posing_as, key, .. } => {
                put_str(&mut out, posing_as);
                out.extend_from_slice(key.to_bytes().as_ref());
            }
            KeyBlob::SenderKey { key, .. } => out.extend_from_slice(&key.encode()),
        }
        out
    }

    fn read(r: &mut Reader<'_>) -> Result<KeyBlob, OpenError> {
        r.header(kind::KEY, "key blob")?;
        let kind = r.u8()?;
        let owner = r.str()?;
        if kind == KEY_SENDER {
            let key = SenderKeyReceiver::decode(r.take(DISTRIBUTION_LEN)?)?;
            return Ok(KeyBlob::SenderKey { owner, key });
        }
        let posing_as = if kind == KEY_SUBSTITUTE {
            Some(r.str()?)
        } else {
            None
        };
        let bytes = r.key32()?;
        Ok(match (kind, posing_as) {
            (KEY_SECRET, _) => KeyBlob::Secret {
                owner,
                key: SecretKey::from_bytes(bytes),
            },
            // Read to be shown and compared (a directory's answer): no Edwards form prepared.
            (KEY_PUBLIC, _) => KeyBlob::Public {
                owner,
                key: PublicKey::unprepared(bytes),
            },
            (KEY_SUBSTITUTE, Some(posing_as)) => KeyBlob::Substitute {
                owner,
                posing_as,
                key: SecretKey::from_bytes(bytes),
            },
            (KEY_AT_REST, _) => KeyBlob::AtRest {
                owner,
                key: SymmetricKey::from_bytes(bytes),
            },
            _ => return Err(OpenError::Malformed("unknown key kind")),
        })
    }

    /// A short label, `bob-phone private key`, `social.example at-rest key`, as the trace and
    /// the viewer name a key they show.
    pub fn label(&self) -> String {
        match self {
            KeyBlob::Secret { owner, .. } => format!("{owner} private key"),
            KeyBlob::Public { owner, .. } => format!("{owner} public key"),
            KeyBlob::AtRest { owner, .. } => format!("{owner} at-rest key"),
            KeyBlob::Substitute { posing_as, .. } => format!("fake {posing_as} private key"),
            KeyBlob::SenderKey { owner, key } => {
                format!(
                    "{owner} sender key {:08x} from step {}",
                    key.id(),
                    key.iteration()
                )
            }
        }
    }

    /// The key, described for a learner: "bob-phone's private key", "social.example's at-rest
    /// key".
    pub fn describe(&self) -> String {
        match self {
            KeyBlob::Secret { owner, .. } => format!("{owner}'s private key"),
            // One key pair poses as every device its maker swapped: named by its maker.
            KeyBlob::Substitute { owner, .. } => {
                format!("the key pair {owner} made to pose as other devices")
            }
            KeyBlob::Public { owner, .. } => format!("{owner}'s public key"),
            KeyBlob::AtRest { owner, .. } => format!("{owner}'s at-rest key"),
            KeyBlob::SenderKey { owner, key } => format!(
                "{owner}'s sender key {:08x} from chain step {} (opens its group messages from there on)",
                key.id(),
                key.iteration()
            ),
        }
    }

    /// The private key inside, if the blob holds one that opens envelopes.
    pub fn secret(&self) -> Option<&SecretKey> {
        match self {
            KeyBlob::Secret { key, .. } | KeyBlob::Substitute { key, .. } => Some(key),
            _ => None,
        }
    }

    /// Whose key this is.
    pub fn owner(&self) -> &str {
        match self {
            KeyBlob::Secret { owner, .. }
            | KeyBlob::Public { owner, .. }
            | KeyBlob::Substitute { owner, .. }
            | KeyBlob::AtRest { owner, .. }
            | KeyBlob::SenderKey { owner, .. } => owner,
        }
    }
}

/// The key id (a server's name) an at-rest frame names in the clear.
pub fn at_rest_key_id(frame: &[u8]) -> Result<String, OpenError> {
    let mut r = Reader {
        bytes: frame,
        at: 0,
    };
    r.header(kind::AT_REST, "at-rest row")?;
    r.str()
}

/// The sealed part of an at-rest frame (ciphertext and tag), past its header, key id and row
/// number; `None` if the frame does not parse that far.
pub fn at_rest_ciphertext(frame: &[u8]) -> Option<&[u8]> {
    let mut r = Reader {
        bytes: frame,
        at: 0,
    };
    r.header(kind::AT_REST, "at-rest row").ok()?;
    r.str().ok()?;
    r.u64().ok()?;
    frame.get(r.at..)
}

/// Parses a step's bytes: one or more frames back to back.
pub fn parse_frames(bytes: &[u8]) -> Result<Vec<Frame>, OpenError> {
    let mut r = Reader { bytes, at: 0 };
    let mut frames = Vec::new();
    while !r.done() {
        let kind = crypto::frame_kind(&bytes[r.at..])?;
        frames.push(match kind {
            kind::POST => Frame::Post(Post::read(&mut r)?),
            kind::KEY => Frame::Key(KeyBlob::read(&mut r)?),
            kind::SIGNED => Frame::Signed(SignedText::read(&mut r)?),
            kind::TLS_RECORD => {
                r.header(kind::TLS_RECORD, "TLS record")?;
                let seq = r.u64()?;
                let n = r.u32()? as usize;
                Frame::Tls {
                    seq,
                    sealed: r.take(n)?.to_vec(),
                }
            }
            found => {
                return Err(OpenError::WrongKind {
                    expected: "post, TLS record, key or signed message",
                    found,
                });
            }
        });
    }
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn post_round_trips_and_concatenates() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let key = SecretKey::generate(&mut rng);
        let a = Post {
            time: 7,
            sender: "Alice".into(),
            recipients: vec!["Bob".into()],
            body: Body::Text("hi".into()),
        };
        let b = Post {
            time: 8,
            sender: "Alice".into(),
            recipients: vec![],
            body: Body::Keys(vec![KeyBlob::Public {
                owner: "bob-phone".into(),
                key: key.public(),
            }]),
        };
        let mut bytes = a.encode();
        bytes.extend(b.encode());
        assert_eq!(
            parse_frames(&bytes).expect("parses"),
            vec![Frame::Post(a), Frame::Post(b)]
        );
    }

    #[test]
    fn tls_and_at_rest_open_only_with_their_key() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let key = SymmetricKey::generate(&mut rng);
        let other = SymmetricKey::generate(&mut rng);
        let post = Post {
            time: 1,
            sender: "a".into(),
            recipients: vec!["b".into()],
            body: Body::Text("x".into()),
        };
        let record = tls_record(&key, 5, &post.encode());
        let Frame::Tls { seq, sealed } = parse_frames(&record).expect("parses").remove(0) else {
            panic!("not tls")
        };
        assert_eq!(open_tls(&key, seq, &sealed).expect("opens"), post);
        assert_eq!(
            open_tls(&other, seq, &sealed),
            Err(OpenError::Authentication)
        );
        let row = seal_at_rest("s.example", &key, 9, &post.body);
        assert_eq!(at_rest_key_id(&row).expect("id"), "s.example");
        assert_eq!(open_at_rest(&key, &row).expect("opens"), post.body);
        assert!(open_at_rest(&other, &row).is_err());
    }

    #[test]
    fn garbage_never_panics() {
        // Garbage is refused with an error (not a panic, and not read as frames).
        assert_eq!(parse_frames(&[]), Ok(Vec::new()));
        for len in 1..64 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            assert!(parse_frames(&bytes).is_err(), "{bytes:?}");
            let mut framed = b"PS\x01\x20".to_vec();
            framed.extend(&bytes);
            assert!(parse_frames(&framed).is_err(), "{framed:?}");
        }
    }
}
