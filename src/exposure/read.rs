//! Reading one step as an observer: walk its layers ([`crate::layers`]) and open every sealed
//! layer the held keys open.

use std::collections::HashMap;

use crate::layers::Layer;
use crate::scenario::{Node, Reach, Scenario};
use crate::sim::Step;
use crate::wire::KeyBlob;

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
/// kept out: they open nothing. A key already held under another name (one key pair an
/// attacker handed out as several devices') is kept once.
pub(super) fn collect_keys(reached: &[&Step]) -> (Vec<HeldKey>, Opened) {
    let mut held: Vec<HeldKey> = Vec::new();
    let mut opened = Opened::default();
    // A key can sit inside a layer another key opens (a key backup stored at rest): repeat
    // until nothing new turns up. The same sealed bytes lie at many steps (a wire, a front,
    // the application, a row) and come back in every pass: each is tried with each key once.
    let mut seen: Seen = HashMap::new();
    loop {
        let before = held.len();
        for step in reached {
            let mut found = Vec::new();
            for (li, layer) in step.layers.iter().enumerate() {
                if layer.is_sealed() {
                    let at = (step.index, li);
                    top_level(layer, at, (&held, &mut seen), &mut opened, &mut found);
                } else {
                    keys_in(layer, None, &held, &mut found);
                }
            }
            for (blob, opened_with) in found {
                if matches!(blob, KeyBlob::Public { .. })
                    || held.iter().any(|h| same_key(&h.blob, &blob))
                {
                    continue;
                }
                held.push(HeldKey {
                    blob,
                    found_at: step.place,
                    opened_with: opened_with.map(Box::new),
                });
            }
        }
        if held.len() == before {
            return (held, opened);
        }
    }
}

/// What the held keys opened among the sealed layers lying at reached steps:
/// `(step, layer) -> (index of the first held key that opens it, what is inside)`. Every held
/// key is tried on every such layer exactly once, so a layer missing here opens with none.
pub(super) type Opened = std::collections::HashMap<(usize, usize), (usize, Vec<Layer>)>;

/// A sealed layer lying at a step, tried with the keys of this pass (`first` is the held index
/// of `trying[0]`); the first key that opens it is remembered, and keys inside are found.
type Seen = HashMap<(u64, usize), Option<Vec<Layer>>>;

/// A sealed layer lying at a step, tried with every held key (each key once per distinct
/// bytes); the first key that opens it is remembered, and keys inside are found.
fn top_level(
    layer: &Layer,
    at: (usize, usize),
    (held, seen): (&[HeldKey], &mut Seen),
    opened: &mut Opened,
    found: &mut Vec<(KeyBlob, Option<KeyBlob>)>,
) {
    let bytes = fingerprint(layer);
    for (i, k) in held.iter().enumerate() {
        let tried = seen
            .entry((bytes, i))
            .or_insert_with(|| layer.open_with(&k.blob));
        let Some(inner) = tried.clone() else {
            continue;
        };
        for l in &inner {
            keys_in(l, Some(&k.blob), held, found);
        }
        opened.entry(at).or_insert((i, inner));
    }
}

/// A fingerprint of a sealed layer's bytes (the same bytes at another step open the same way).
fn fingerprint(layer: &Layer) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match layer {
        Layer::Envelope { bytes, .. } | Layer::AtRest { bytes, .. } => bytes.hash(&mut h),
        Layer::Tls { seq, sealed } => (seq, sealed).hash(&mut h),
        other => std::mem::discriminant(other).hash(&mut h),
    }
    h.finish()
}

/// The same key, whatever it is called.
fn same_key(a: &KeyBlob, b: &KeyBlob) -> bool {
    match (a.secret(), b.secret()) {
        (Some(x), Some(y)) => x.to_bytes() == y.to_bytes(),
        _ => a == b,
    }
}

/// Keys lying in a layer, or inside it once opened with a held key, each with the key that
/// opened the sealed layer it lay in (`opened_with`: the layer's own opener, if any).
fn keys_in(
    layer: &Layer,
    opened_with: Option<&KeyBlob>,
    held: &[HeldKey],
    found: &mut Vec<(KeyBlob, Option<KeyBlob>)>,
) {
    let by = || opened_with.cloned();
    match layer {
        Layer::Key(blob) => found.push((blob.clone(), by())),
        Layer::Served(list) => found.extend(list.iter().map(|b| (b.clone(), by()))),
        Layer::AtRest { .. } | Layer::Envelope { .. } => {
            for k in held {
                for inner in layer.open_with(&k.blob).unwrap_or_default() {
                    keys_in(&inner, Some(&k.blob), held, found);
                }
            }
        }
        _ => {}
    }
}

/// Reads one step with the held keys.
pub(super) fn read_step(sc: &Scenario, step: &Step, keys: &[HeldKey], opened: &Opened) -> Reading {
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
    let reader = Reader {
        sc,
        step,
        keys,
        opened,
    };
    reader.wire_ends(&mut r);
    for (li, layer) in step.layers.iter().enumerate() {
        reader.layer(&mut r, layer, Some(li));
    }
    r.metadata.sort();
    r.metadata.dedup();
    r
}

struct Reader<'a> {
    sc: &'a Scenario,
    step: &'a Step,
    keys: &'a [HeldKey],
    opened: &'a Opened,
}

impl Reader<'_> {
    /// Reads a layer: `top` is its index when it lies at the step itself (then what opens it
    /// is already known), `None` inside another layer.
    fn layer(&self, r: &mut Reading, layer: &Layer, top: Option<usize>) {
        if layer.carries_content() {
            r.carries_content = true;
            r.metadata.push(MetaField::Size);
        }
        match layer {
            Layer::Key(blob) => r.keys.push(describe(blob)),
            Layer::Served(list) => r.keys.extend(list.iter().map(describe)),
            Layer::Unreadable(e) => r.sealed = Some(format!("unreadable bytes: {e}")),
            // A key request names whose keys are asked for (the header says who asks).
            Layer::KeyRequest(_) => {}
            Layer::Code(code) => r.why.push(match &code.changed_by {
                Some(who) => format!("{}'s web client code, changed by {who}", code.server),
                None => format!("{}'s web client code", code.server),
            }),
            // Whoever opens the envelope learns who signed it (with sealed sender, only they).
            Layer::Signed { .. } => r.metadata.push(MetaField::Sender),
            Layer::Header(h) => {
                // Sealed sender: the header names no sender.
                if !h.sender.is_empty() {
                    r.metadata.push(MetaField::Sender);
                }
                r.metadata.push(MetaField::Recipients);
            }
            Layer::Words(text) => {
                r.plaintext = Some(text.clone());
                // Straight from the place: "bytes are plaintext"; after opening a layer: "opened".
                let verdict = if r.why.len() == 1 {
                    "bytes are plaintext"
                } else {
                    "opened it: plaintext"
                };
                r.why.push(verdict.into());
            }
            Layer::Tls { .. } => {
                r.why
                    .push("TLS record: sealed with the hop's session key".into());
                self.open(r, (layer, top), "TLS record (hop session key)".into());
            }
            Layer::Envelope { kind, .. } => {
                r.why.push(kind.describe().into());
                self.open(r, (layer, top), kind.describe().into());
            }
            Layer::AtRest { owner, .. } => {
                r.why.push(format!("sealed with {owner}'s at-rest key"));
                self.open(
                    r,
                    (layer, top),
                    format!("at-rest row sealed with {owner}'s key"),
                );
            }
        }
    }

    /// Tries every held key on a sealed layer (at the step itself, what collecting the keys
    /// already found); reads what is inside, or records it as sealed.
    fn open(&self, r: &mut Reading, (layer, top): (&Layer, Option<usize>), sealed: String) {
        let opened = match top {
            Some(li) => self
                .opened
                .get(&(self.step.index, li))
                .map(|(k, inner)| (&self.keys[*k], inner.clone())),
            None => self
                .keys
                .iter()
                .find_map(|k| layer.open_with(&k.blob).map(|inner| (k, inner))),
        };
        match opened {
            Some((k, inner)) => {
                r.why.push(format!(
                    "holds {} (from {})",
                    k.describe(),
                    k.source(self.sc)
                ));
                for l in &inner {
                    self.layer(r, l, None);
                }
            }
            None => {
                r.sealed = Some(sealed);
                r.why
                    .extend(["holds no key that opens it".into(), "ciphertext".into()]);
            }
        }
    }

    /// On a wire, the connection shows its endpoints (addresses, the TLS server name). A
    /// device end is its person; a server that is home to one person only names that person.
    /// The server that ends the connection (its TLS front, its application) sees the same.
    fn wire_ends(&self, r: &mut Reading) {
        let link = match (self.step.place, self.step.arrived_by) {
            (Reach::Wire(link), _) | (_, Some(link)) => link,
            _ => return,
        };
        let Some(m) = self.step.message else {
            return;
        };
        r.metadata.push(MetaField::Endpoints);
        let sc = self.sc;
        let l = &sc.links[link];
        let msg = &sc.messages[m];
        let recipient = |p: usize| msg.to.contains(&p);
        for end in [l.from, l.to] {
            let people: Vec<usize> = match end {
                Node::Device(d) => vec![sc.devices[d].owner],
                Node::Server(s) if sc.servers[s].single_user => sc.home_users(s),
                Node::Server(_) => continue,
            };
            let [person] = people[..] else {
                continue;
            };
            if end == Node::Device(msg.from_device)
                || (person == msg.from && matches!(end, Node::Server(_)))
            {
                r.metadata.push(MetaField::Sender);
            }
            let device_is_target = match end {
                Node::Device(d) => msg.routes.iter().any(|route| route.device == d),
                Node::Server(_) => true,
            };
            if recipient(person) && device_is_target {
                r.metadata.push(MetaField::Recipients);
            }
        }
    }
}
