//! What travels over the links, as the simulation carries it and as whoever acts may change it:
//! a message's parcel, a key directory's answer, a web client's code. Typed here, once, so that
//! the simulation ([`crate::sim`]) and the powers ([`crate::power`]) agree on what they handle
//! without knowing each other.

use crate::crypto::{self, PublicKey};
use crate::scenario::Reach;
use crate::wire::Body;

/// A message (or part of one) travelling towards some recipient devices.
#[derive(Debug, Clone)]
pub(crate) struct Parcel {
    /// The body: the words, an envelope or a bag, a sender-key message.
    pub body: Body,
    /// Recipient devices downstream. For a bag, in stanza order.
    pub devices: Vec<usize>,
}

impl Parcel {
    /// The same parcel for a subset of its devices. A bag keeps only those devices' stanzas
    /// (a server splits the bag as it forwards).
    pub(crate) fn restrict(&self, subset: &[usize]) -> Parcel {
        if subset.len() == self.devices.len() {
            return self.clone();
        }
        let body = match &self.body {
            Body::Envelope(bag) if crypto::bag_recipients(bag).is_ok() => {
                let indices: Vec<usize> = subset
                    .iter()
                    .filter_map(|d| self.devices.iter().position(|x| x == d))
                    .collect();
                Body::Envelope(crypto::bag_select(bag, &indices).unwrap_or_else(|_| bag.clone()))
            }
            other => other.clone(),
        };
        Parcel {
            body,
            devices: subset.to_vec(),
        }
    }
}

/// Who changed a web client's code, and where it was in their hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangedBy {
    /// The observer.
    pub observer: usize,
    /// The place where they changed it (where the changed code sends the words back to).
    pub at: Reach,
    /// The power they changed it with.
    pub power: crate::trace::PowerId,
}

/// Bytes in transit, typed.
#[derive(Debug, Clone)]
pub(crate) enum Cargo {
    /// Parts of a message on their way (one parcel, or several once someone split it).
    Parcels(Vec<Parcel>),
    /// A key directory's answer to `asker`: the key handed on for each device.
    KeyAnswer {
        /// The device that asked.
        asker: usize,
        /// `(device, key handed out as that device's)`.
        keys: Vec<(usize, PublicKey)>,
    },
    /// A web client's code from `server`, on its way to the device that runs it.
    Code {
        /// The server whose page it is.
        server: usize,
        /// Who changed it on the way, if anyone.
        changed_by: Option<ChangedBy>,
    },
    /// Anything nobody can usefully change on its way (a key request, words the changed code
    /// sends back).
    Opaque(Body),
}

/// The post that carries `body` of message `mi` towards `devices`: its header names the people
/// those devices belong to (a copy on its way to one device names its person only).
pub(crate) fn post_for(
    sc: &crate::scenario::Scenario,
    p: crate::scenario::Protection,
    (mi, time): (usize, u64),
    body: Body,
    devices: &[usize],
) -> crate::wire::Post {
    let mut post = post(sc, p, mi, time, body);
    let mut people: Vec<usize> = Vec::new();
    for &d in devices {
        let owner = sc.devices[d].owner;
        if !people.contains(&owner) {
            people.push(owner);
        }
    }
    if people.len() < sc.messages[mi].to.len() {
        let to = &sc.messages[mi].to;
        people.sort_by_key(|x| to.iter().position(|t| t == x));
        post.recipients = people.iter().map(|&x| sc.people[x].name.clone()).collect();
    }
    post
}

/// The post a client sends for message `mi`: its routing header and `body`. Under e2e with
/// sealed sender, envelopes and key traffic carry no sender (the sender's identity travels
/// inside the envelope only, and key lookups are made without logging in).
pub(crate) fn post(
    sc: &crate::scenario::Scenario,
    p: crate::scenario::Protection,
    mi: usize,
    time: u64,
    body: Body,
) -> crate::wire::Post {
    let m = &sc.messages[mi];
    let sealed = sc.sealed_sender
        && p.model.end_to_end()
        && matches!(
            body,
            Body::Envelope(_) | Body::Keys(_) | Body::KeyRequest(_)
        );
    crate::wire::Post {
        time,
        sender: if sealed {
            String::new()
        } else {
            sc.people[m.from].name.clone()
        },
        recipients: m.to.iter().map(|&p| sc.people[p].name.clone()).collect(),
        body,
    }
}
