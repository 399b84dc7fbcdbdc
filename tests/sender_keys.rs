//! Sender keys in the simulation (`fanout: "sender-keys"`): one hand-out per device, one
//! ciphertext per message, and membership decided by the cryptography: a device that joined
//! later cannot open earlier messages, one that left cannot open later ones. Checked over the
//! shipped scenes and over random groups whose membership changes from message to message.

use plainsight::Run;
use plainsight::crypto::Fanout;
use plainsight::crypto::sender_key::SenderKeyReceiver;
use plainsight::exposure::Content;
use plainsight::layers::{EnvelopeKind, Layer};
use plainsight::scenario::{DevicePart, Model, Protection, Reach, SHIPPED, Scenario};
use plainsight::sim::{self, Trace};
use plainsight::wire::KeyBlob;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

fn sender_keys() -> Protection {
    Protection {
        model: Model::named("e2e").expect("registered"),
        fanout: Fanout::SenderKeys,
        keys_verified: false,
    }
}

/// The honest run: nobody acts, so every key is the real one.
fn honest(sc: &Scenario) -> Trace {
    sim::simulate_acting(sc, sender_keys(), &[]).expect("simulates")
}

/// The sender-key copies a device kept (in its keystore) or made (as a sender).
fn copies_of(trace: &Trace, d: usize) -> Vec<SenderKeyReceiver> {
    trace
        .steps
        .iter()
        .filter(|s| s.place == Reach::DevicePart(d, DevicePart::Keystore))
        .flat_map(|s| &s.layers)
        .filter_map(|l| match l {
            Layer::Key(KeyBlob::SenderKey { key, .. }) => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// Every sender-key message frame in the trace, with its message.
fn frames(trace: &Trace) -> Vec<(usize, Vec<u8>)> {
    let mut out = Vec::new();
    for step in &trace.steps {
        for layer in &step.layers {
            if let Layer::Envelope {
                kind: EnvelopeKind::SenderKey { .. },
                bytes,
            } = layer
            {
                out.push((
                    step.message.expect("a frame belongs to a message"),
                    bytes.clone(),
                ));
            }
        }
    }
    out
}

/// With what it kept, each device opens exactly the messages sent to it (and a sender its own).
/// Returns how many (device, frame) pairs were tried.
fn membership_holds(sc: &Scenario) -> usize {
    let trace = honest(sc);
    let frames = frames(&trace);
    let mut tried = 0;
    for d in 0..sc.devices.len() {
        let copies = copies_of(&trace, d);
        for (m, frame) in &frames {
            let msg = &sc.messages[*m];
            let member = msg.from_device == d || msg.routes.iter().any(|r| r.device == d);
            let opens = copies.iter().any(|c| c.open(frame).is_ok());
            assert_eq!(
                opens,
                member,
                "{}: {} {} open {} ({} of its group)",
                sc.source,
                sc.devices[d].name,
                if opens { "can" } else { "cannot" },
                msg.id,
                if member { "a member" } else { "not a member" }
            );
            tried += 1;
        }
    }
    tried
}

#[test]
fn every_device_opens_exactly_the_shipped_group_messages_sent_to_it() {
    let mut tried = 0;
    for (file, text) in SHIPPED {
        let sc = Scenario::parse(text, file).expect("shipped scenes validate");
        tried += membership_holds(&sc);
    }
    assert!(tried > 100, "only {tried} cases");
}

/// A random group scene: five people, one or two devices each, six messages from two senders
/// to random members.
fn random_group(seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let names = ["Ana", "Ben", "Cat", "Dev", "Eli"];
    let mut people = String::new();
    let mut links = String::new();
    for n in names {
        let count = rng.random_range(1..=2);
        let devices: Vec<String> = (0..count).map(|i| format!("{n}-d{i}")).collect();
        for d in &devices {
            links += &format!("(from: \"{d}\", to: \"s.example\", tls: true),\n");
        }
        people += &format!("(name: \"{n}\", devices: {devices:?}),\n");
    }
    let mut messages = String::new();
    for i in 0..6 {
        let from = names[rng.random_range(0..2)];
        let to: Vec<&str> = names
            .iter()
            .copied()
            .filter(|&n| n != from && rng.random_bool(0.6))
            .collect();
        let to = if to.is_empty() {
            vec![if from == "Ana" { "Ben" } else { "Ana" }]
        } else {
            to
        };
        messages += &format!("(id: \"m{i}\", from: \"{from}\", to: {to:?}, text: \"note {i}\"),\n");
    }
    format!(
        r#"(
    title: "random group {seed}",
    model: "e2e",
    fanout: "sender-keys",
    people: [{people}],
    servers: [(name: "s.example", parts: ["app-memory", "database", "key-directory"],
               admins: [(name: "Sam", can: ["production-access", "database-read"])])],
    links: [{links}],
    messages: [{messages}],
    observers: [(name: "admin", role: "server-admin", admin: "Sam")],
)"#
    )
}

#[test]
fn joining_and_leaving_decide_what_opens_in_random_groups() {
    let mut tried = 0;
    for seed in 0..24 {
        let text = random_group(seed);
        let sc = Scenario::parse(&text, "random.ron").unwrap_or_else(|e| panic!("{e}\n{text}"));
        tried += membership_holds(&sc);
    }
    assert!(tried > 1000, "only {tried} cases");
}

#[test]
fn a_group_message_is_one_ciphertext_fanned_out_unchanged() {
    let mut checked = 0;
    for (file, text) in SHIPPED {
        let sc = Scenario::parse(text, file).expect("shipped scenes validate");
        let trace = honest(&sc);
        let frames = frames(&trace);
        for m in 0..sc.messages.len() {
            let mut mine: Vec<&Vec<u8>> = frames
                .iter()
                .filter(|(fm, _)| *fm == m)
                .map(|(_, f)| f)
                .collect();
            if sc.messages[m].routes.is_empty() {
                continue;
            }
            assert!(!mine.is_empty(), "{file}: no frame for m{m}");
            mine.dedup();
            assert_eq!(
                mine.len(),
                1,
                "{file}: {} ciphertexts for one message",
                mine.len()
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} messages");
}

use crate::support::shipped;

#[test]
fn the_sender_key_scene_shows_a_joiner_and_a_leaver() {
    let sc = shipped("group-sender-keys");
    let observer = |words: &str| {
        sc.observers
            .iter()
            .position(|o| o.name.contains(words))
            .expect("observer")
    };
    let (carol, dan) = (observer("Carol"), observer("Dan"));
    // The same verdicts as sealing each message to each device: sender keys change the cost,
    // not who can read.
    for fanout in [Fanout::SenderKeys, Fanout::PerRecipient] {
        let p = Protection {
            fanout,
            ..sender_keys()
        };
        let run = Run::with(sc.clone(), p).expect("runs");
        let content = |o: usize, m: usize| run.exposure.observers[o].messages[m].content;
        let plain = Content::Plaintext;
        assert_eq!(
            [content(carol, 0), content(carol, 1), content(carol, 2)],
            [plain, plain, Content::Ciphertext],
            "{fanout}: Carol left before m3"
        );
        assert_eq!(
            [content(dan, 0), content(dan, 1), content(dan, 2)],
            [Content::Ciphertext, plain, plain],
            "{fanout}: Dan joined before m2"
        );
    }
    // Carol's copy of the sender key lay sealed in the leaked database: the reason names the
    // private key that opened it, not only the place.
    let run = Run::with(sc.clone(), sender_keys()).expect("runs");
    let held = &run.exposure.observers[carol].keys;
    let from_db = held
        .iter()
        .find(|k| matches!(k.blob, KeyBlob::SenderKey { .. }))
        .expect("Carol holds a sender key");
    assert!(
        matches!(from_db.opened_with.as_deref(), Some(KeyBlob::Secret { owner, .. }) if owner == "carol-phone"),
        "opened with carol-phone's private key, got {:?}",
        from_db.opened_with
    );
    let why = &run.exposure.observers[carol].messages[0].why;
    assert!(
        why.iter()
            .any(|w| w.contains("sealed there, opened with carol-phone's private key")),
        "{why:?}"
    );
}

#[test]
fn each_device_gets_the_key_once_per_chain() {
    let sc = shipped("group-sender-keys");
    let trace = honest(&sc);
    let handed: Vec<usize> = (0..sc.messages.len())
        .map(|m| {
            trace
                .steps_of(m)
                .filter(|s| s.action == sim::Action::KeyDistributed)
                .flat_map(|s| &s.layers)
                .filter(|l| matches!(l, Layer::Envelope { .. }))
                .count()
        })
        .collect();
    // m1: Bob and Carol; m2: only Dan, who joins; m3: Carol left, so a fresh key for Bob and Dan.
    assert_eq!(handed, [2, 1, 2]);
    let fresh = trace
        .steps
        .iter()
        .filter(|s| s.action == sim::Action::KeyGenerated)
        .filter(|s| {
            matches!(
                s.layers.first(),
                Some(Layer::Key(KeyBlob::SenderKey { .. }))
            )
        })
        .count();
    assert_eq!(fresh, 2, "one sender key, then one after Carol left");
}

#[test]
fn a_tampered_group_message_is_refused_by_the_copy_that_opens_it() {
    let sc = shipped("group-sender-keys");
    let trace = honest(&sc);
    let bob = sc
        .devices
        .iter()
        .position(|d| d.name == "bob-phone")
        .expect("bob-phone");
    let copies = copies_of(&trace, bob);
    let (_, frame) = frames(&trace).remove(0);
    assert!(copies.iter().any(|c| c.open(&frame).is_ok()));
    for i in [0, 7, 12, frame.len() / 2, frame.len() - 1] {
        let mut bad = frame.clone();
        bad[i] ^= 0x20;
        assert!(
            copies.iter().all(|c| c.open(&bad).is_err()),
            "a flipped bit at {i} still opened"
        );
    }
}
