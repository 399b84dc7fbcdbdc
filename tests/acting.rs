//! An active attacker is whoever can change the bytes: scenes written for each case, with the
//! verdicts a careful cryptographer would give. Key lookups and web clients' code travel the
//! links; one acting run per observer uses every power at once.

use plainsight::Run;
use plainsight::exposure::{Content, MessageExposure, MetaField};
use plainsight::scenario::{Protection, Scenario};

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, "t.ron").unwrap_or_else(|e| panic!("{e}"))
}

fn cell<'a>(r: &'a Run, observer: &str) -> &'a MessageExposure {
    let o = r.scenario.observer_named(observer).expect("observer");
    &r.exposure.observers[o].messages[0]
}

fn acting_content(mx: &MessageExposure) -> Content {
    mx.if_acting.as_ref().map_or(mx.content, |a| a.content)
}

fn run_as(sc: &Scenario, model: &str, keys_verified: bool) -> Run {
    let choice = plainsight::scenario::ModelChoice::parse(model).expect("model");
    let p = Protection {
        keys_verified,
        ..choice.apply(sc.protection)
    };
    Run::with(sc.clone(), p).expect("simulates")
}

/// PGP mail: Bob's key from a keyserver Alice reaches directly (`hkp` says how: `true` for
/// HKPS, `false` for plain HKP); the providers talk STARTTLS without MTA-STS.
fn pgp_mail(hkp: &str, observers: &str) -> Scenario {
    parse(&format!(
        r#"(title: "PGP mail", model: "e2e",
        people: [(name: "Alice", devices: ["alice-laptop"]),
                 (name: "Bob", devices: ["bob-laptop"], keys_from: "keys.example")],
        servers: [(name: "mail.alice.example", parts: ["app-memory", "database"]),
                  (name: "mail.bob.example", parts: ["app-memory", "database"]),
                  (name: "keys.example", parts: ["app-memory", "key-directory"])],
        links: [(from: "alice-laptop", to: "mail.alice.example", tls: true),
                (from: "mail.alice.example", to: "mail.bob.example", tls: "opportunistic"),
                (from: "mail.bob.example", to: "bob-laptop", tls: true),
                (from: "alice-laptop", to: "keys.example", tls: {hkp})],
        messages: [(id: "m1", from: "Alice", to: ["Bob"], text: "the board minutes")],
        observers: [{observers}])"#
    ))
}

#[test]
fn a_keyserver_and_a_starttls_tap_together_read_what_neither_reads_alone() {
    let sc = pgp_mail(
        "true",
        r#"(name: "The state", role: "nation-state", compels: ["keys.example"],
            reaches: ["mail.alice.example -> mail.bob.example"]),
           (name: "Keyserver operator", role: "server-admin", reaches: ["keys.example"]),
           (name: "STARTTLS tap", role: "wire-eavesdropper",
            reaches: ["mail.alice.example -> mail.bob.example"])"#,
    );
    let r = Run::new(sc, None).expect("runs");
    let state = cell(&r, "The state");
    assert_eq!(state.content, Content::Ciphertext);
    let acting = state.if_acting.as_ref().expect("acts");
    assert_eq!(acting.content, Content::Plaintext, "{:?}", acting.why);
    let names: Vec<&str> = acting.powers.iter().map(|p| p.name()).collect();
    assert!(
        names.contains(&"key-substitution") && names.contains(&"tls-stripping"),
        "{names:?}"
    );
    // Alone, neither gets the words.
    assert_ne!(
        acting_content(cell(&r, "Keyserver operator")),
        Content::Plaintext
    );
    let tap = cell(&r, "STARTTLS tap");
    assert_eq!(acting_content(tap), Content::Ciphertext);
    // Stripping STARTTLS shows the mail's envelope: who sent it to whom.
    let meta = &tap.if_acting.as_ref().expect("strips").metadata;
    assert!(
        meta.contains(&MetaField::Sender) && meta.contains(&MetaField::Recipients),
        "{meta:?}"
    );
    assert!(!tap.metadata.contains(&MetaField::Recipients));
}

#[test]
fn a_provider_and_a_tap_on_plain_hkp_read_by_acting() {
    let sc = pgp_mail(
        "false",
        r#"(name: "Provider and HKP tap", role: "nation-state", compels: ["mail.alice.example"],
            reaches: ["alice-laptop -> keys.example"])"#,
    );
    let r = Run::new(sc, None).expect("runs");
    let mx = cell(&r, "Provider and HKP tap");
    assert_eq!(mx.content, Content::Ciphertext);
    assert_eq!(acting_content(mx), Content::Plaintext, "{:?}", mx.if_acting);
}

/// A web client whose page comes from social.example, over a link with `tls`.
fn web_client(tls: &str, observer: &str) -> Scenario {
    parse(&format!(
        r#"(title: "Web client", model: "e2e",
        people: [(name: "Alice", devices: ["alice-browser"]), (name: "Bob", devices: ["bob-phone"])],
        servers: [(name: "social.example", parts: ["tls-front", "app-memory", "database", "key-directory"])],
        links: [(from: "alice-browser", to: "social.example", tls: {tls}),
                (from: "social.example", to: "bob-phone", tls: true)],
        web_clients: [(device: "alice-browser", code_from: "social.example")],
        messages: [(id: "m1", from: "Alice", to: ["Bob"], text: "hi"), (id: "m2", from: "Bob", to: ["Alice"], text: "yo")],
        observers: [{observer}])"#
    ))
}

#[test]
fn a_cdn_in_front_of_a_web_clients_server_reads_and_forges_by_acting() {
    let sc = web_client(
        "true",
        r#"(name: "CDN", role: "other-user", reaches: ["social.example/tls-front"])"#,
    );
    for model in ["e2e", "plain-web"] {
        let r = run_as(&sc, model, true);
        let mx = cell(&r, "CDN");
        assert_eq!(
            acting_content(mx),
            Content::Plaintext,
            "{model}: {:?}",
            mx.if_acting
        );
        let forges = mx.could_forge.as_ref().is_some_and(|f| f.possible)
            || mx
                .if_acting
                .as_ref()
                .is_some_and(|a| a.could_forge.possible);
        assert!(forges, "{model}: {mx:?}");
    }
    let r = run_as(&sc, "plain-web", false);
    assert!(
        cell(&r, "CDN")
            .could_forge
            .as_ref()
            .expect("assessed")
            .possible
    );
}

#[test]
fn a_tap_on_a_web_clients_plain_http_link_reads_by_acting() {
    let sc = web_client(
        "false",
        r#"(name: "Tap", role: "wire-eavesdropper", reaches: ["alice-browser -> social.example"])"#,
    );
    let r = run_as(&sc, "e2e", true);
    let mx = cell(&r, "Tap");
    assert_ne!(mx.content, Content::Plaintext);
    let acting = mx.if_acting.as_ref().expect("acts");
    assert_eq!(acting.content, Content::Plaintext, "{:?}", acting.why);
    assert!(acting.powers.iter().any(|p| p.name() == "code-shipping"));
    assert!(acting.could_forge.possible);
}

#[test]
fn a_server_no_lookup_passes_gets_no_power_over_keys_whatever_parts_it_has() {
    let text = r#"(title: "t", model: "e2e",
        people: [(name: "A", devices: ["a"]), (name: "B", devices: ["b"]), (name: "C", devices: ["c"])],
        servers: [(name: "s.example", parts: ["tls-front", "app-memory", "database", "key-directory"]),
                  (name: "other.example", parts: ["tls-front", "app-memory", "database", "key-directory"])],
        links: [(from: "a", to: "s.example", tls: true), (from: "s.example", to: "b", tls: true),
                (from: "s.example", to: "other.example", tls: true), (from: "other.example", to: "c", tls: true)],
        messages: [(id: "m1", from: "A", to: ["B"], text: "hi")],
        observers: [(name: "other operator", role: "malicious-server", reaches: ["other.example"]),
                    (name: "s operator", role: "server-admin", reaches: ["s.example"])])"#;
    let r = Run::new(parse(text), None).expect("runs");
    let other = cell(&r, "other operator");
    assert!(other.if_acting.is_none(), "{:?}", other.if_acting);
    assert_eq!(other.content, Content::None);
    assert_eq!(acting_content(cell(&r, "s operator")), Content::Plaintext);
}

#[test]
fn a_directory_operator_forges_by_acting_unless_keys_are_verified() {
    let sc = Scenario::shipped("e2e").expect("shipped");
    let admin = "social.example admin";
    let r = run_as(&sc, "e2e", false);
    let mx = cell(&r, admin);
    assert!(
        !mx.could_forge.as_ref().expect("assessed").possible,
        "not by looking"
    );
    let acting = mx.if_acting.as_ref().expect("acts");
    assert!(acting.could_forge.possible, "{:?}", acting.could_forge.why);
    let r = run_as(&sc, "e2e", true);
    let mx = cell(&r, admin);
    assert!(
        !mx.if_acting
            .as_ref()
            .is_some_and(|a| a.could_forge.possible)
    );
    // Bob's own phone reads, but cannot make another device take a forgery as Alice's.
    let bob = cell(&r, "Bob's phone");
    let f = bob.could_forge.as_ref().expect("assessed");
    assert!(
        !f.possible && f.why.iter().any(|w| w.contains("not a forgery")),
        "{f:?}"
    );
}

#[test]
fn a_fellow_group_member_cannot_forge_the_senders_messages() {
    for scene in ["group-dm", "group-sender-keys"] {
        let sc = Scenario::shipped(scene).expect("shipped");
        let r = Run::new(sc.clone(), None).expect("runs");
        let members: Vec<usize> = (0..sc.observers.len())
            .filter(|&o| sc.observers[o].role == plainsight::scenario::Role::RecipientDevice)
            .collect();
        assert!(!members.is_empty(), "{scene}");
        for o in members {
            for mx in &r.exposure.observers[o].messages {
                assert!(
                    !mx.could_forge.as_ref().expect("assessed").possible,
                    "{scene}"
                );
                assert!(
                    !mx.if_acting
                        .as_ref()
                        .is_some_and(|a| a.could_forge.possible)
                );
            }
        }
    }
}

#[test]
fn sealed_sender_leaves_the_senders_own_server_knowing_the_sender() {
    let sc = Scenario::shipped("sealed-sender").expect("shipped");
    let r = Run::new(sc.clone(), None).expect("runs");
    let from = sc.messages[0].from_device;
    let own = (0..sc.observers.len())
        .find(|&o| {
            sc.observers[o]
                .server
                .is_some_and(|s| sc.home_server(from) == Some(s))
                && sc.observers[o].role == plainsight::scenario::Role::ServerAdmin
        })
        .expect("the sender's server's admin");
    let mx = &r.exposure.observers[own].messages[0];
    assert!(mx.metadata.contains(&MetaField::Sender), "{:?}", mx.why);
}

#[test]
fn a_second_lookup_that_brings_another_key_shows_a_key_change_notice() {
    let sc = Scenario::shipped("e2e").expect("shipped");
    let r = Run::new(sc.clone(), None).expect("runs");
    let admin = sc.observer_named("social.example admin").expect("admin");
    let active = r.acting_run(admin).expect("acts");
    let notes: Vec<&str> = active
        .trace
        .steps
        .iter()
        .filter(|s| s.action == plainsight::sim::Action::KeysReceived)
        .map(|s| s.note.as_str())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("first contact")),
        "{notes:?}"
    );
    // The honest run shows no such sentence.
    assert!(
        r.trace
            .steps
            .iter()
            .all(|s| !s.note.contains("first contact"))
    );
}

#[test]
fn no_device_takes_from_a_directory_a_key_its_own_keystore_holds() {
    for mode in ["escrow", "device-link", "passphrase-backup"] {
        let text = format!(
            r#"(title: "t", model: "e2e", key_sync: "{mode}",
            people: [(name: "A", devices: ["a-phone", "a-laptop"]), (name: "B", devices: ["b"])],
            servers: [(name: "s", parts: ["app-memory", "database", "key-directory"])],
            links: [(from: "a-phone", to: "s", tls: true), (from: "a-laptop", to: "s", tls: true),
                    (from: "s", to: "b", tls: true)],
            messages: [(id: "m1", from: "A", to: ["B"], text: "hi"),
                       (id: "m2", from: "A", to: ["A"], text: "note to self")],
            observers: [(name: "operator", role: "server-admin", reaches: ["s"])])"#
        );
        let sc = parse(&text);
        let r = Run::new(sc.clone(), None).expect("runs");
        let runs = std::iter::once(&r).chain(r.acting.iter().flatten());
        let mut checked = 0;
        let a_devices = &sc.people[0].devices;
        for run in runs {
            for s in run
                .trace
                .steps
                .iter()
                .filter(|s| s.action == plainsight::sim::Action::KeysReceived)
            {
                let plainsight::scenario::Reach::DevicePart(d, _) = s.place else {
                    continue;
                };
                if !a_devices.contains(&d) {
                    continue;
                }
                checked += 1;
                let owners: Vec<&str> = s
                    .layers
                    .iter()
                    .filter_map(|l| match l {
                        plainsight::layers::Layer::Served(keys) => Some(keys),
                        _ => None,
                    })
                    .flatten()
                    .map(|k| k.owner())
                    .collect();
                assert!(
                    owners.iter().all(|o| !o.starts_with("a-")),
                    "{mode}: {} asked for {owners:?}",
                    sc.devices[d].name
                );
            }
        }
        assert!(checked > 0, "{mode}: no lookups at all");
        // The note to self stays between A's devices, whatever the operator does, except
        // where the key itself is escrowed.
        let note = &r.exposure.observers[0].messages[1];
        if mode != "escrow" {
            assert_ne!(
                acting_content(note),
                Content::Plaintext,
                "{mode}: {:?}",
                note.if_acting
            );
        }
    }
}

#[test]
fn a_big_group_gets_the_same_verdicts_under_every_fan_out() {
    // The fan-out decides the cost, not who reads: a generated group of 64 devices under
    // bagged and sender keys gives every observer per-recipient's verdicts, by looking and
    // by acting.
    use plainsight::scenario::group_scene;
    let verdicts = |fanout: &str| {
        let sc = parse(&group_scene(16, 4, 2, fanout));
        assert_eq!(sc.devices.len(), 64);
        let r = Run::new(sc, None).expect("runs");
        r.exposure
            .observers
            .iter()
            .flat_map(|ox| ox.messages.iter())
            .map(|mx| (mx.content, acting_content(mx)))
            .collect::<Vec<_>>()
    };
    let per = verdicts("per-recipient");
    assert!(
        per.iter().any(|(_, a)| *a == Content::Plaintext),
        "someone reads by acting"
    );
    for fanout in ["bagged", "sender-keys"] {
        assert_eq!(verdicts(fanout), per, "{fanout}");
    }
}

#[test]
fn a_key_escrowed_over_a_link_whose_starttls_is_stripped_crosses_in_the_clear() {
    // Bob's devices share one key pair, escrowed through the service; his laptop's link is
    // opportunistic TLS. A tap there who strips it reads the private key on its way down,
    // and with it the message: by acting, never by looking.
    let sc = parse(
        r#"(title: "escrow over STARTTLS", model: "e2e", key_sync: "escrow",
        people: [(name: "Alice", devices: ["alice-phone"]),
                 (name: "Bob", devices: ["bob-phone", "bob-laptop"])],
        servers: [(name: "s", parts: ["tls-front", "app-memory", "database", "key-vault", "key-directory"])],
        links: [(from: "alice-phone", to: "s", tls: true), (from: "s", to: "bob-phone", tls: true),
                (from: "s", to: "bob-laptop", tls: "opportunistic")],
        messages: [(id: "m1", from: "Alice", to: ["Bob"], text: "hi")],
        observers: [(name: "tap", role: "wire-eavesdropper", reaches: ["s -> bob-laptop"])])"#,
    );
    let r = Run::new(sc, None).expect("runs");
    let tap = cell(&r, "tap");
    assert_eq!(tap.content, Content::Ciphertext, "looking: TLS records");
    assert_eq!(
        acting_content(tap),
        Content::Plaintext,
        "{:?}",
        tap.if_acting
    );
    let active = r.acting_run(0).expect("the tap acts");
    assert!(
        active
            .trace
            .steps
            .iter()
            .any(|s| s.note.contains("private key") && s.note.contains("strips STARTTLS")),
        "the escrowed key's download says it crossed in the clear"
    );
}
