//! Exposure: for every observer, the places they reach and the keys found there; for every
//! message, an attempt to open what they reached with those keys. Nothing is labelled by hand:
//! if the cryptography opens, they can read it.

mod read;

use rayon::prelude::*;

use crate::scenario::{Reach, Scenario};
use crate::sim::Trace;
use crate::trace::PowerId;
use crate::wire::KeyBlob;

pub use read::Reading;

/// What an observer gets of a message's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Content {
    /// They opened it: they can read the words.
    Plaintext,
    /// They reached its bytes but could not open them.
    Ciphertext,
    /// They reached no bytes of it.
    None,
}

impl Content {
    /// `plaintext`, `ciphertext` or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Content::Plaintext => "plaintext",
            Content::Ciphertext => "ciphertext",
            Content::None => "none",
        }
    }

    /// Whether this gives the words, or more bytes of them, than `other`.
    pub fn more_than(self, other: Content) -> bool {
        self < other
    }
}

/// A piece of metadata an observer can learn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetaField {
    /// Who sent it.
    Sender,
    /// Who it was for.
    Recipients,
    /// How big it was.
    Size,
    /// When it was sent.
    Time,
    /// Which machines talk: the addresses and TLS server names a connection shows on a wire.
    Endpoints,
}

impl MetaField {
    /// The field's name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            MetaField::Sender => "sender",
            MetaField::Recipients => "recipients",
            MetaField::Size => "size",
            MetaField::Time => "time",
            MetaField::Endpoints => "endpoints",
        }
    }
}

/// A key an observer holds, and where they found it.
#[derive(Debug, Clone)]
pub struct HeldKey {
    /// The key.
    pub blob: KeyBlob,
    /// Where it was found.
    pub found_at: Reach,
    /// The key that opened the sealed layer it lay in there (a sender key inside an envelope, a
    /// key backup inside an at-rest row); `None` when it lay there in the open.
    pub opened_with: Option<Box<KeyBlob>>,
}

impl HeldKey {
    /// "bob-phone's private key", "social.example's at-rest key".
    pub fn describe(&self) -> String {
        describe_key(&self.blob)
    }

    /// Where it came from, and how: "chat.example/database", or "chat.example/database, sealed
    /// there, opened with carol-phone's private key".
    pub fn source(&self, sc: &Scenario) -> String {
        let place = sc.reach_label(self.found_at);
        match &self.opened_with {
            None => place,
            Some(key) => format!("{place}, sealed there, opened with {}", describe_key(key)),
        }
    }
}

/// A key, described for a learner.
pub(crate) fn describe_key(blob: &KeyBlob) -> String {
    blob.describe()
}

/// Whether an observer could make another device show a forged message as its sender's, and
/// why ([`crate::forgery`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgery {
    /// A recipient device would show the forgery as the sender's.
    pub possible: bool,
    /// The chain of reasons.
    pub why: Vec<String>,
}

/// What an observer could get of a message by acting: one run of their own in which they use
/// every power at once wherever the bytes let them ([`crate::sim::simulate_acting`]), analysed
/// like any run.
#[derive(Debug, Clone)]
pub struct IfActing {
    /// What they get of the content by acting (never less than by looking: they can always
    /// choose not to act).
    pub content: Content,
    /// Metadata they learn by acting (never less than by looking).
    pub metadata: Vec<MetaField>,
    /// The powers they used, in the order they first used them.
    pub powers: Vec<PowerId>,
    /// Whether, acting, they could make another device accept a forgery as the sender's.
    pub could_forge: Forgery,
    /// The chain: where the powers come from, what they do, what the run then gives them.
    pub why: Vec<String>,
    /// The step of the active run where they first get plaintext.
    pub first_plaintext_step: Option<usize>,
}

/// One observer's result for one message.
#[derive(Debug, Clone)]
pub struct MessageExposure {
    /// Index into [`Scenario::messages`].
    pub message: usize,
    /// What they get of the content.
    pub content: Content,
    /// Metadata they learned, in [`MetaField`] order.
    pub metadata: Vec<MetaField>,
    /// The step where they first got plaintext.
    pub first_plaintext_step: Option<usize>,
    /// The place of that step.
    pub first_plaintext_at: Option<Reach>,
    /// The shortest chain of reasons behind the verdict.
    pub why: Vec<String>,
    /// What they could get by acting; `None` when they hold no power over this message.
    pub if_acting: Option<IfActing>,
    /// Whether, with what they hold by looking, they could make another device show a forgery
    /// as this message's sender's. Assessed for a scenario's own run ([`crate::Run`]); `None`
    /// in the active runs (their [`IfActing::could_forge`] answers for acting).
    pub could_forge: Option<Forgery>,
}

/// One observer's whole result.
#[derive(Debug, Clone)]
pub struct ObserverExposure {
    /// Index into [`Scenario::observers`].
    pub observer: usize,
    /// Keys they hold (found at places they reach).
    pub keys: Vec<HeldKey>,
    /// What they see at each step they reach, in trace order.
    pub readings: Vec<Reading>,
    /// Per message, in scenario order.
    pub messages: Vec<MessageExposure>,
}

impl ObserverExposure {
    /// What they see at a step, if they reach it.
    pub fn reading(&self, step: usize) -> Option<&Reading> {
        self.readings
            .binary_search_by_key(&step, |r| r.step)
            .ok()
            .map(|i| &self.readings[i])
    }

    /// How many messages they read in plaintext.
    pub fn plaintext_count(&self) -> usize {
        self.messages
            .iter()
            .filter(|m| m.content == Content::Plaintext)
            .count()
    }
}

/// Every observer's result.
#[derive(Debug, Clone)]
pub struct Exposure {
    /// In scenario order.
    pub observers: Vec<ObserverExposure>,
}

/// Analyses a trace: for each observer, collect keys from reached places, then try to open
/// every reached step's bytes with them.
pub fn analyse(sc: &Scenario, trace: &Trace) -> Exposure {
    let observers = (0..sc.observers.len())
        .into_par_iter()
        .map(|o| analyse_observer(sc, trace, o))
        .collect();
    Exposure { observers }
}

/// The same for one observer only; every other observer's result is left empty (no keys, no
/// readings, nothing of any message). What an active run needs for its actor's verdict.
pub fn analyse_one(sc: &Scenario, trace: &Trace, only: usize) -> Exposure {
    let observers = (0..sc.observers.len())
        .map(|o| {
            if o == only {
                analyse_observer(sc, trace, o)
            } else {
                ObserverExposure {
                    observer: o,
                    keys: Vec::new(),
                    readings: Vec::new(),
                    messages: (0..sc.messages.len()).map(nothing).collect(),
                }
            }
        })
        .collect();
    Exposure { observers }
}

fn nothing(m: usize) -> MessageExposure {
    MessageExposure {
        message: m,
        content: Content::None,
        metadata: Vec::new(),
        first_plaintext_step: None,
        first_plaintext_at: None,
        why: vec!["not analysed in this run".to_string()],
        if_acting: None,
        could_forge: None,
    }
}

fn analyse_observer(sc: &Scenario, trace: &Trace, o: usize) -> ObserverExposure {
    // What someone acting does in their own hands (a key pair they made, words they opened,
    // what they sealed again, the code they wrote) is theirs alone, even where others reach
    // the same place; only the bytes they send on are there for everyone.
    let reached: Vec<_> = trace
        .steps
        .iter()
        .filter(|s| sc.reaches(o, s.place))
        .filter(|s| s.actor.is_none_or(|a| a == o) || !s.action.in_own_hands())
        .collect();
    let (keys, opened) = read::collect_keys(&reached);
    let readings: Vec<Reading> = reached
        .iter()
        .map(|s| read::read_step(sc, s, &keys, &opened))
        .collect();
    let messages = (0..sc.messages.len())
        .map(|m| {
            let mine: Vec<&Reading> = readings.iter().filter(|r| r.message == Some(m)).collect();
            let mut metadata: Vec<MetaField> = mine
                .iter()
                .flat_map(|r| r.metadata.iter().copied())
                .collect();
            metadata.sort();
            metadata.dedup();
            let first_plain = mine.iter().find(|r| r.plaintext.is_some());
            let first_content = mine.iter().find(|r| r.carries_content);
            let (content, why) = match (first_plain, first_content) {
                (Some(r), _) => (Content::Plaintext, r.why.clone()),
                (None, Some(r)) => (Content::Ciphertext, r.why.clone()),
                (None, None) if mine.is_empty() => (
                    Content::None,
                    vec!["reaches no place this message passed".to_string()],
                ),
                (None, None) => {
                    let mut why = mine[0].why.clone();
                    why.push("holds only a key lookup, not the message: none".to_string());
                    (Content::None, why)
                }
            };
            MessageExposure {
                message: m,
                content,
                metadata,
                first_plaintext_step: first_plain.map(|r| r.step),
                first_plaintext_at: first_plain.map(|r| trace.steps[r.step].place),
                why,
                if_acting: None,
                could_forge: None,
            }
        })
        .collect();
    ObserverExposure {
        observer: o,
        keys,
        readings,
        messages,
    }
}
