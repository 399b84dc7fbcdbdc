//! What the view shows at step `k`: a pure function of the [`Run`], so stepping back is as
//! easy as stepping forward, and testable without drawing anything.
//!
//! Nothing here decides who can read what. Token faces come from parsing the step's own bytes
//! (words where the bytes hold a text body in the clear, hex where they hold a sealed layer),
//! and what an observer gets comes from the core's [`Reading`](crate::exposure::Reading).

use std::collections::BTreeMap;

use crate::Run;
use crate::crypto;
use crate::exposure::Content;
use crate::layers::{self, EnvelopeKind, Layer};
use crate::scenario::{Node, Reach};
use crate::sim::{Action, Step};
use crate::wire::KeyBlob;

/// What a token (or an observer) shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Look {
    /// The words of the message, in the clear: an open envelope.
    Words(String),
    /// A layer nobody opened here: a padlock, what it is, and a few bytes of hex.
    Sealed {
        /// What the layer is (an e2e envelope, a TLS record, an at-rest row...).
        what: Sealing,
        /// A few of its real bytes, in hex.
        hex: String,
    },
    /// Key material (public keys from a directory, a private key in a keystore or vault, a
    /// request for keys).
    Keys {
        /// Which keys, named (a long list names a few and counts the rest).
        said: String,
        /// The same, counted (`10 keys`), for a card with no room for the names.
        short: String,
    },
    /// A web client's code on its way (a page load), changed or not.
    Code(String),
    /// Only metadata (who, when, how big), no content.
    Metadata,
}

impl Look {
    /// Whether this is the words in the clear.
    pub fn is_words(&self) -> bool {
        matches!(self, Look::Words(_))
    }

    /// One short line: `"the words"`, `[e2e envelope] 9f3a..`, `[keys] ..`.
    pub fn line(&self) -> String {
        match self {
            Look::Words(t) => format!("\"{t}\""),
            Look::Sealed { what, hex } => format!("[{}] {hex}", what.label()),
            Look::Keys { said, .. } => format!("[keys] {said}"),
            Look::Code(c) => format!("[code] {c}"),
            Look::Metadata => "metadata only".to_string(),
        }
    }
}

/// The kind of a sealed layer a token shows: typed, so that cards never parse a label back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealing {
    /// A TLS record on a hop.
    TlsRecord,
    /// A row sealed at rest in a database.
    AtRestRow,
    /// A bag's content (sealed once under a message key).
    BagContent,
    /// One device's wrapped message key in a bag.
    WrappedKey,
    /// A message sealed under a sender key.
    SenderKeyMessage,
    /// A per-recipient end-to-end envelope.
    E2eEnvelope,
    /// Something sealed, kind not said (what an observer holds without a key).
    Unsaid,
}

impl Sealing {
    /// Its name as the viewer writes it: "TLS record", "e2e envelope", "sealed".
    pub fn label(self) -> &'static str {
        match self {
            Sealing::TlsRecord => "TLS record",
            Sealing::AtRestRow => "at-rest row",
            Sealing::BagContent => "bag content",
            Sealing::WrappedKey => "wrapped key",
            Sealing::SenderKeyMessage => "sender-key message",
            Sealing::E2eEnvelope => "e2e envelope",
            Sealing::Unsaid => "sealed",
        }
    }

    /// Its name in a fan-out's count, where every piece is end to end: "envelope", not
    /// "e2e envelope".
    pub fn counted(self) -> &'static str {
        match self {
            Sealing::E2eEnvelope => "envelope",
            other => other.label(),
        }
    }
}

/// Which part of a message a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// A whole post (a text, one envelope, a row, keys).
    Whole,
    /// The content ciphertext of a bag.
    BagContent,
    /// One wrapped content key (a stanza) of a bag.
    BagKey,
}

/// Where a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAt {
    /// At a place (a server part or a device part).
    Place(Reach),
    /// On a link's wire, travelling `from` → `to`.
    Wire {
        /// The link.
        link: usize,
        /// Where it left.
        from: Node,
        /// Where it goes.
        to: Node,
    },
}

/// One token: bytes of one message at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Where it is.
    pub at: TokenAt,
    /// Its face.
    pub look: Look,
    /// How many real bytes it is.
    pub bytes: usize,
    /// Which piece of a message it is.
    pub piece: Piece,
    /// On a TLS link: a few hex bytes of the TLS record the token travels inside.
    pub tunnel: Option<String>,
}

/// An observer who reaches the current step's place, and what they get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// Index into the scenario's observers.
    pub observer: usize,
    /// The place reached.
    pub place: Reach,
    /// What they see.
    pub look: Look,
}

/// Everything the view shows at one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    /// The current step.
    pub step: usize,
    /// Places that have held the words in the clear so far, with the first such step.
    pub footprint: BTreeMap<Reach, usize>,
    /// Bytes on the wire so far (steps `0..=step`).
    pub wire_bytes: usize,
    /// Tokens at the current step.
    pub tokens: Vec<Token>,
    /// Observers reaching the current step's place.
    pub sightings: Vec<Sighting>,
    /// Observers reaching another place that still holds message bytes (a database row, a
    /// device's memory), with what they read there (`crate::viewer::held`).
    pub lingering: Vec<Sighting>,
}

/// The first few bytes in hex, in groups of two bytes: `9f3a 0c71 e2b4`. A sample: the size is
/// always shown beside it, so it carries no "..".
pub fn hex_short(bytes: &[u8], max: usize) -> String {
    let mut out = String::new();
    for (i, b) in bytes.iter().take(max).enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Tokens for a step's layers, as someone with no keys sees them.
fn tokens_of(layers: &[Layer], at: TokenAt, tunnel: Option<String>) -> Vec<Token> {
    let size = layers::header(layers).map(|h| h.size);
    let mut out = Vec::new();
    let mut push = |look: Look, bytes: usize, piece: Piece| {
        out.push(Token {
            at,
            look,
            bytes,
            piece,
            tunnel: tunnel.clone(),
        })
    };
    for layer in layers {
        let whole = |n: usize| size.unwrap_or(n);
        let sealed = |what: Sealing| Look::Sealed {
            what,
            hex: hex_short(layer.sealed_bytes().unwrap_or_default(), 6),
        };
        match layer {
            Layer::Key(blob) => push(
                keys_look(&[blob.label()], ""),
                blob.encode().len(),
                Piece::Whole,
            ),
            Layer::Tls { sealed: b, .. } => push(sealed(Sealing::TlsRecord), b.len(), Piece::Whole),
            Layer::Words(t) => push(Look::Words(t.clone()), whole(t.len()), Piece::Whole),
            Layer::Served(keys) => {
                let names: Vec<String> = keys.iter().map(KeyBlob::label).collect();
                push(keys_look(&names, ""), whole(0), Piece::Whole)
            }
            // The row's own size, as the inspector says it (not the post around it).
            Layer::AtRest { bytes, .. } => {
                push(sealed(Sealing::AtRestRow), bytes.len(), Piece::Whole)
            }
            Layer::Envelope {
                kind: EnvelopeKind::Bag {
                    devices, stanza, ..
                },
                bytes,
            } => {
                let keys = devices.saturating_mul(*stanza);
                let content = whole(bytes.len()).saturating_sub(keys);
                push(sealed(Sealing::BagContent), content, Piece::BagContent);
                for _ in 0..*devices {
                    let look = Look::Sealed {
                        what: Sealing::WrappedKey,
                        hex: String::new(),
                    };
                    push(look, *stanza, Piece::BagKey);
                }
            }
            Layer::Envelope {
                kind: EnvelopeKind::SenderKey { .. },
                bytes,
            } => push(
                sealed(Sealing::SenderKeyMessage),
                whole(bytes.len()),
                Piece::Whole,
            ),
            Layer::Envelope { bytes, .. } => push(
                sealed(Sealing::E2eEnvelope),
                whole(bytes.len()),
                Piece::Whole,
            ),
            Layer::KeyRequest(names) => push(keys_look(names, "asks for "), whole(0), Piece::Whole),
            Layer::Code(code) => {
                let what = match &code.changed_by {
                    Some(who) => format!("{}'s page, changed by {who}", code.server),
                    None => format!("{}'s page", code.server),
                };
                push(Look::Code(what), whole(0), Piece::Whole)
            }
            Layer::Header(_) | Layer::Signed { .. } | Layer::Unreadable(_) => {}
        }
    }
    out
}

/// Whether a step's bytes hold the words in the clear (a text body outside any sealed layer).
pub fn holds_words(step: &Step) -> bool {
    layers::words(&step.layers).is_some()
}

/// The tokens of one step. On a TLS wire, the token inside the tunnel is what came out at the
/// far end (the next step of the same message), and the tunnel shows the record's own hex.
pub fn step_tokens(run: &Run, k: usize) -> Vec<Token> {
    let Some(step) = run.trace.steps.get(k) else {
        return Vec::new();
    };
    let at = match (step.place, step.travel) {
        (Reach::Wire(link), Some((from, to))) => TokenAt::Wire { link, from, to },
        (place, _) => TokenAt::Place(place),
    };
    let record = step.layers.iter().find_map(|l| match l {
        Layer::Tls { sealed, .. } => Some(sealed),
        _ => None,
    });
    if let (Some(sealed), TokenAt::Wire { .. }) = (record, at) {
        let inner =
            run.trace.steps.get(k + 1).filter(|next| {
                next.message == step.message && !matches!(next.place, Reach::Wire(_))
            });
        if let Some(inner) = inner {
            return tokens_of(&inner.layers, at, Some(hex_short(sealed, 4)));
        }
    }
    tokens_of(&step.layers, at, None)
}

/// A few hex bytes of the first sealed layer of a step (a TLS record, an envelope, an at-rest
/// row), past its framing.
pub fn sealed_hex(step: &Step) -> String {
    let first = step.layers.iter().find_map(Layer::sealed_bytes);
    hex_short(
        first.unwrap_or(step.bytes.get(crypto::HEADER_LEN..).unwrap_or_default()),
        6,
    )
}

/// What an observer gets at a step, from the core's reading.
/// Keys, named and counted, after `lead` (`asks for `).
fn keys_look<S: AsRef<str>>(names: &[S], lead: &str) -> Look {
    let n = names.len();
    Look::Keys {
        said: format!("{lead}{}", crate::words::joined(names, ", ", "keys")),
        short: format!("{lead}{n} key{}", if n == 1 { "" } else { "s" }),
    }
}

pub(in crate::viewer) fn sighting_look(run: &Run, observer: usize, k: usize) -> Option<Look> {
    let reading = run.exposure.observers.get(observer)?.reading(k)?;
    let step = &run.trace.steps[k];
    Some(if let Some(words) = &reading.plaintext {
        Look::Words(words.clone())
    } else if reading.sealed.is_some() || reading.carries_content {
        Look::Sealed {
            what: Sealing::Unsaid,
            hex: sealed_hex(step),
        }
    } else if !reading.keys.is_empty() {
        keys_look(&reading.keys, "")
    } else {
        Look::Metadata
    })
}

/// The state of the view at step `k` (clamped to the trace).
pub fn state_at(run: &Run, k: usize) -> ViewState {
    let last = run.trace.steps.len().saturating_sub(1);
    let k = k.min(last);
    let mut footprint = BTreeMap::new();
    let mut wire_bytes = 0;
    for step in run.trace.steps.iter().take(k + 1) {
        if holds_words(step) {
            footprint.entry(step.place).or_insert(step.index);
        }
        if matches!(step.place, Reach::Wire(_)) {
            wire_bytes += step.bytes.len();
        }
    }
    let sightings = match run.trace.steps.get(k) {
        Some(step) if step.action != Action::KeyVerified => (0..run.scenario.observers.len())
            .filter_map(|o| {
                sighting_look(run, o, k).map(|look| Sighting {
                    observer: o,
                    place: step.place,
                    look,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    ViewState {
        step: k,
        footprint,
        wire_bytes,
        tokens: step_tokens(run, k),
        sightings,
        lingering: crate::viewer::held::lingering(run, k),
    }
}

/// What one observer gets over the whole run: how many messages they read, and the places
/// where they see the words or only ciphertext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// Messages they read.
    pub reads: usize,
    /// Messages in the run.
    pub total: usize,
    /// Places where they see the words, in the order they first do.
    pub plain_at: Vec<String>,
    /// Places where they see the message's ciphertext only.
    pub cipher_at: Vec<String>,
}

impl Reached {
    /// What `observer` gets in `run`, from the exposure analysis.
    pub fn of(run: &Run, observer: usize) -> Option<Reached> {
        let sc = &run.scenario;
        let ox = run.exposure.observers.get(observer)?;
        let mut plain_at: Vec<String> = Vec::new();
        let mut cipher_at: Vec<String> = Vec::new();
        for r in &ox.readings {
            let label = sc.reach_label(run.trace.steps[r.step].place);
            if r.plaintext.is_some() {
                if !plain_at.contains(&label) {
                    plain_at.push(label);
                }
            } else if r.carries_content && !cipher_at.contains(&label) {
                cipher_at.push(label);
            }
        }
        cipher_at.retain(|c| !plain_at.contains(c));
        let reads = ox
            .messages
            .iter()
            .filter(|m| m.content == Content::Plaintext)
            .count();
        Some(Reached {
            reads,
            total: ox.messages.len(),
            plain_at,
            cipher_at,
        })
    }

    /// "reads 1 of 2 messages".
    pub fn reads_line(&self) -> String {
        let s = if self.total == 1 { "" } else { "s" };
        format!("reads {} of {} message{s}", self.reads, self.total)
    }

    /// "reads 1 of 2 messages", then where: each place named (`named`), or counted.
    pub fn said(&self, named: bool) -> String {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let mut line = self.reads_line();
        let places = |list: &[String]| match named {
            true => crate::words::joined(list, ", ", "places"),
            false => format!("{} place{}", list.len(), s(list.len())),
        };
        if !self.plain_at.is_empty() {
            let at = places(&self.plain_at);
            line.push_str(&format!("; sees the words at {at}"));
        }
        if !self.cipher_at.is_empty() {
            let at = places(&self.cipher_at);
            line.push_str(&format!("; sees ciphertext at {at}"));
        }
        if self.plain_at.is_empty() && self.cipher_at.is_empty() {
            line.push_str("; reaches no message bytes");
        }
        line
    }
}

/// The "viewing as" line, every place named: `Database thief: reads 0 of 2 messages; sees
/// ciphertext at social.example/database`.
pub fn viewing_as_line(run: &Run, observer: usize) -> String {
    match (
        run.scenario.observers.get(observer),
        Reached::of(run, observer),
    ) {
        (Some(o), Some(r)) => format!("{}: {}", o.name, r.said(true)),
        _ => String::new(),
    }
}
