//! Reading one step's bytes as an observer: open every layer the held keys open.

use crate::crypto::{self, OpenError, kind as envelope_kind};
use crate::scenario::{Node, Reach, Scenario};
use crate::sim::Step;
use crate::wire::{self, Body, Frame, KeyBlob};

use super::{HeldKey, MetaField, describe_key as describe};

/// What one observer sees at one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The step.
    pub step: usize,
    /// The message the step carries, if any.
    pub message: Option<usize>,
    /// The words, if they opened everything down to them.
    pub plaintext: Option<String>,
    /// The outermost layer they could not open, described.
    pub sealed: Option<String>,
    /// Whether the bytes carry the message itself (not only keys or a lookup).
    pub carries_content: bool,
    /// Keys lying here (descriptions).
    pub keys: Vec<String>,
    /// Metadata visible here.
    pub metadata: Vec<MetaField>,
    /// The chain of reasons: reached, layers, keys, verdict.
    pub why: Vec<String>,
}

/// Every key at the reached steps, including keys inside layers those keys open. Public keys are
/// kept out: they open nothing.
pub(super) fn collect_keys(reached: &[&Step]) -> Vec<HeldKey> {
    let mut held: Vec<HeldKey> = Vec::new();
    // A key can sit inside a layer another key opens (a key backup stored at rest): repeat
    // until nothing new turns up.
    loop {
        let before = held.len();
        for step in reached {
            let Ok(frames) = wire::parse_frames(&step.bytes) else {
                continue;
            };
            let mut found = Vec::new();
            for frame in frames {
                match frame {
                    Frame::Key(blob) => found.push(blob),
                    Frame::Post(post) => match post.body {
                        Body::Keys(list) => found.extend(list),
                        Body::AtRest(row) => {
                            for k in &held {
                                if let KeyBlob::AtRest { key, .. } = &k.blob
                                    && let Ok(Body::Keys(list)) = wire::open_at_rest(key, &row)
                                {
                                    found.extend(list);
                                }
                            }
                        }
                        _ => {}
                    },
                    Frame::Tls { .. } => {}
                }
            }
            for blob in found {
                if matches!(blob, KeyBlob::Public { .. }) || held.iter().any(|h| h.blob == blob) {
                    continue;
                }
                held.push(HeldKey {
                    blob,
                    found_at: step.place,
                });
            }
        }
        if held.len() == before {
            return held;
        }
    }
}

fn envelope_name(envelope: &[u8]) -> &'static str {
    match crypto::frame_kind(envelope) {
        Ok(envelope_kind::PER_RECIPIENT) => "e2e envelope (per-recipient), sealed to a device key",
        Ok(envelope_kind::BAGGED) => "e2e bag (bagged), content key wrapped to device keys",
        Ok(envelope_kind::BAGGED_SHARED) => {
            "e2e bag (bagged, shared ephemeral), content key wrapped to device keys"
        }
        _ => "unreadable envelope",
    }
}

/// Reads one step with the held keys.
pub(super) fn read_step(sc: &Scenario, step: &Step, keys: &[HeldKey]) -> Reading {
    let place = sc.reach_label(step.place);
    let detail = step
        .detail
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let mut r = Reading {
        step: step.index,
        message: step.message,
        plaintext: None,
        sealed: None,
        carries_content: false,
        keys: Vec::new(),
        metadata: Vec::new(),
        why: vec![format!("reached {place}{detail}")],
    };
    if step.message.is_some() {
        r.metadata.push(MetaField::Time);
    }
    let frames = match wire::parse_frames(&step.bytes) {
        Ok(f) => f,
        Err(e) => {
            if !step.bytes.is_empty() {
                r.sealed = Some(format!("unreadable bytes: {e}"));
            }
            return r;
        }
    };
    let place_of = |k: &HeldKey| sc.reach_label(k.found_at);
    for frame in frames {
        match frame {
            Frame::Key(blob) => r.keys.push(describe(&blob)),
            Frame::Tls { seq, sealed } => {
                r.carries_content = true;
                r.metadata.push(MetaField::Size);
                if let (Reach::Wire(link), Some(m)) = (step.place, step.message) {
                    let l = &sc.links[link];
                    let msg = &sc.messages[m];
                    for end in [l.from, l.to] {
                        if end == Node::Device(msg.from_device) {
                            r.metadata.push(MetaField::Sender);
                        }
                        if let Node::Device(d) = end
                            && msg.routes.iter().any(|route| route.device == d)
                        {
                            r.metadata.push(MetaField::Recipients);
                        }
                    }
                }
                // Hop session keys live only at the two ends of the link, so no observer holds
                // one; the attempt is still made with whatever keys they have.
                let opened = keys.iter().find_map(|k| match &k.blob {
                    KeyBlob::AtRest { key, .. } => wire::open_tls(key, seq, &sealed).ok(),
                    _ => None,
                });
                match opened {
                    Some(post) => {
                        r.why.push("TLS record opened".into());
                        read_post(&mut r, &post.body, keys, &place_of);
                    }
                    None => {
                        r.sealed = Some("TLS record (hop session key)".into());
                        r.why.extend([
                            "TLS record: sealed with the hop's session key".into(),
                            "holds no key that opens it".into(),
                            "ciphertext".into(),
                        ]);
                    }
                }
            }
            Frame::Post(post) => {
                r.metadata
                    .extend([MetaField::Sender, MetaField::Recipients]);
                read_post(&mut r, &post.body, keys, &place_of);
            }
        }
    }
    r.metadata.sort();
    r.metadata.dedup();
    r
}

fn read_post(
    r: &mut Reading,
    body: &Body,
    keys: &[HeldKey],
    place_of: &dyn Fn(&HeldKey) -> String,
) {
    match body {
        Body::Text(text) => {
            r.carries_content = true;
            r.metadata.push(MetaField::Size);
            r.plaintext = Some(text.clone());
            // Straight from the place: "bytes are plaintext"; after opening a layer: "opened".
            let verdict = if r.why.len() == 1 {
                "bytes are plaintext"
            } else {
                "opened it: plaintext"
            };
            r.why.push(verdict.into());
        }
        Body::Keys(list) => r.keys.extend(list.iter().map(describe)),
        Body::Envelope(envelope) => {
            r.carries_content = true;
            r.metadata.push(MetaField::Size);
            r.why.push(envelope_name(envelope).into());
            let opened = keys.iter().find_map(|k| match &k.blob {
                KeyBlob::Secret { key, .. } => {
                    crypto::open_envelope(key, envelope).ok().map(|p| (k, p))
                }
                _ => None,
            });
            match opened {
                Some((k, plain)) => {
                    r.why
                        .push(format!("holds {} (from {})", k.describe(), place_of(k)));
                    r.why.push("opened it: plaintext".into());
                    r.plaintext = Some(String::from_utf8_lossy(&plain).into_owned());
                }
                None => {
                    r.sealed = Some(envelope_name(envelope).into());
                    r.why
                        .extend(["holds no key that opens it".into(), "ciphertext".into()]);
                }
            }
        }
        Body::AtRest(row) => {
            r.carries_content = true;
            r.metadata.push(MetaField::Size);
            let owner = wire::at_rest_key_id(row).unwrap_or_else(|_| "an unknown".into());
            r.why.push(format!("sealed with {owner}'s at-rest key"));
            let opened: Option<(&HeldKey, Result<Body, OpenError>)> =
                keys.iter().find_map(|k| match &k.blob {
                    KeyBlob::AtRest { key, .. } => {
                        let body = wire::open_at_rest(key, row);
                        body.is_ok().then_some((k, body))
                    }
                    _ => None,
                });
            match opened {
                Some((k, Ok(inner))) => {
                    r.why
                        .push(format!("holds {} (from {})", k.describe(), place_of(k)));
                    read_post(r, &inner, keys, place_of);
                }
                _ => {
                    r.sealed = Some(format!("at-rest row sealed with {owner}'s key"));
                    r.why
                        .extend(["holds no key that opens it".into(), "ciphertext".into()]);
                }
            }
        }
    }
}
