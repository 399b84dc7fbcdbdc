//! The essay's claims stated as invariants over every shipped scene and every model. These
//! would catch a model that is right for one scene by accident and wrong in general.

use std::sync::OnceLock;

use plainsight::Run;
use plainsight::crypto::Fanout;
use plainsight::exposure::{Content, MessageExposure, MetaField, ObserverExposure, Reading};
use plainsight::layers::Layer;
use plainsight::power::PowerId;
use plainsight::scenario::{
    DevicePart, KeySync, LARGE, Model, Node, Part, Protection, Reach, Role, SHIPPED, Scenario, Via,
};
use plainsight::sim;
use plainsight::wire::KeyBlob;
use rayon::prelude::*;

fn scenes() -> Vec<Scenario> {
    SHIPPED
        .iter()
        .map(|(f, t)| Scenario::parse(t, f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn model(name: &str) -> Model {
    Model::named(name).expect("a registered model")
}

/// Counts the cases an invariant checked, and fails if it checked none: an invariant that
/// never meets its case proves nothing.
struct Cases(&'static str, usize);

impl Cases {
    fn new(name: &'static str) -> Cases {
        Cases(name, 0)
    }
    fn check(&mut self) {
        self.1 += 1;
    }
}

impl Drop for Cases {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(self.1 > 0, "{}: checked no case", self.0);
        }
    }
}

fn protections() -> Vec<Protection> {
    let mut all = Vec::new();
    for model in Model::all() {
        for fanout in Fanout::ALL {
            for keys_verified in [false, true] {
                if !model.end_to_end() && (fanout != Fanout::PerRecipient || keys_verified) {
                    continue;
                }
                all.push(Protection {
                    model,
                    fanout,
                    keys_verified,
                });
            }
        }
    }
    all
}

fn run(sc: &Scenario, p: Protection) -> Run {
    Run::with(sc.clone(), p).expect("simulates")
}

/// One shipped scene run under one protection.
struct Case {
    sc: Scenario,
    p: Protection,
    run: Run,
}

impl Case {
    /// Which case an assertion is about: `e2e.ron e2e (bagged)`.
    fn label(&self) -> String {
        format!("{} {}", self.sc.source, self.p.label())
    }

    /// An observer's name.
    fn name(&self, o: usize) -> &str {
        &self.sc.observers[o].name
    }

    /// Every cell of the who-can-read matrix: an observer's result and one message's.
    fn cells(&self) -> impl Iterator<Item = (&ObserverExposure, &MessageExposure)> {
        self.run
            .exposure
            .observers
            .iter()
            .flat_map(|ox| ox.messages.iter().map(move |mx| (ox, mx)))
    }

    /// What every observer sees at every step they reach.
    fn readings(&self) -> impl Iterator<Item = &Reading> {
        self.run
            .exposure
            .observers
            .iter()
            .flat_map(|ox| &ox.readings)
    }

    /// Under end-to-end encryption, with or without verified keys.
    fn e2e(&self, keys_verified: bool) -> bool {
        self.p.model.end_to_end() && self.p.keys_verified == keys_verified
    }
}

/// Every shipped scene under every protection, simulated once (on every core) for all the
/// invariants here.
fn every_run() -> &'static [Case] {
    static RUNS: OnceLock<Vec<Case>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let pairs: Vec<(Scenario, Protection)> = scenes()
            .into_iter()
            .flat_map(|sc| protections().into_iter().map(move |p| (sc.clone(), p)))
            .collect();
        pairs
            .into_par_iter()
            .map(|(sc, p)| Case {
                run: run(&sc, p),
                sc,
                p,
            })
            .collect()
    })
}

/// Devices that end a message: its sender's device and its recipient devices.
fn endpoints(sc: &Scenario, m: usize) -> Vec<usize> {
    let msg = &sc.messages[m];
    std::iter::once(msg.from_device)
        .chain(msg.routes.iter().map(|r| r.device))
        .collect()
}

#[test]
fn under_verified_e2e_only_endpoint_devices_read() {
    let mut cases = Cases::new("under_verified_e2e_only_endpoint_devices_read");
    let verified = |c: &&Case| c.e2e(true) && !c.sc.keys_synced_via_server;
    for case in every_run().iter().filter(verified) {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            if mx.content != Content::Plaintext {
                continue;
            }
            let o = &sc.observers[ox.observer];
            let id = &sc.messages[mx.message].id;
            cases.check();
            assert!(
                matches!(
                    o.role,
                    Role::SenderDevice | Role::RecipientDevice | Role::CompromisedDevice
                ),
                "{}: {} ({}) reads {id}",
                case.label(),
                o.name,
                o.role.name(),
            );
            // Either they read it on an endpoint device, or they hold an endpoint device's
            // keys and found its copy elsewhere (a leaked database).
            let at = mx.first_plaintext_at.expect("plaintext has a place");
            cases.check();
            assert!(
                endpoints(sc, mx.message).iter().any(|&d| {
                    at == Reach::DevicePart(d, DevicePart::Memory)
                        || sc.reaches(ox.observer, Reach::DevicePart(d, DevicePart::Keystore))
                }),
                "{}: {} first reads {id} away from its endpoints, holding none of their keys",
                case.label(),
                o.name,
            );
        }
    }
}

#[test]
fn a_compromised_device_reads_what_reaches_it_under_every_model() {
    let mut cases = Cases::new("a_compromised_device_reads_what_reaches_it_under_every_model");
    for case in every_run() {
        let sc = &case.sc;
        if case.p.keys_verified && sc.observers.iter().any(|o| o.role == Role::MaliciousServer) {
            continue; // a caught substitution means the message is never sent
        }
        for (ox, mx) in case.cells() {
            if sc.observers[ox.observer].role != Role::CompromisedDevice {
                continue;
            }
            let touches = endpoints(sc, mx.message)
                .iter()
                .any(|&d| sc.reaches(ox.observer, Reach::DevicePart(d, DevicePart::Memory)));
            if touches {
                cases.check();
                let who = case.name(ox.observer);
                assert_eq!(mx.content, Content::Plaintext, "{} {who}", case.label());
            }
        }
    }
}

#[test]
fn tls_links_never_leak_plaintext_to_the_wire() {
    let mut cases = Cases::new("tls_links_never_leak_plaintext_to_the_wire");
    for case in every_run() {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            let only_tls_wires = sc.observers[ox.observer]
                .reach
                .iter()
                .all(|reach| matches!(reach, Reach::Wire(l) if sc.links[*l].tls));
            if only_tls_wires {
                cases.check();
                let who = case.name(ox.observer);
                assert_ne!(mx.content, Content::Plaintext, "{}: {who}", case.label());
            }
        }
    }
}

#[test]
fn plain_web_exposes_every_message_to_each_server_it_crosses() {
    let mut cases = Cases::new("plain_web_exposes_every_message_to_each_server_it_crosses");
    for sc in scenes() {
        let r = run(
            &sc,
            Protection {
                model: model("plain-web"),
                ..sc.protection
            },
        );
        for ox in &r.exposure.observers {
            for mx in &ox.messages {
                let crosses_app_memory = sc.messages[mx.message].routes.iter().any(|route| {
                    route.nodes.iter().any(|n| match n {
                        Node::Server(s) => {
                            sc.reaches(ox.observer, Reach::ServerPart(*s, Part::AppMemory))
                        }
                        _ => false,
                    })
                });
                if crosses_app_memory {
                    cases.check();
                    assert_eq!(
                        mx.content,
                        Content::Plaintext,
                        "{}: {}",
                        sc.source,
                        sc.observers[ox.observer].name
                    );
                }
            }
        }
    }
}

#[test]
fn at_rest_data_without_keys_stays_ciphertext() {
    let mut cases = Cases::new("at_rest_data_without_keys_stays_ciphertext");
    for sc in scenes() {
        let r = run(
            &sc,
            Protection {
                model: model("server-encrypted"),
                ..sc.protection
            },
        );
        for ox in &r.exposure.observers {
            let o = &sc.observers[ox.observer];
            let only_stored_data = o
                .reach
                .iter()
                .all(|reach| matches!(reach, Reach::ServerPart(_, Part::Database | Part::Backup)));
            if only_stored_data {
                cases.check();
                assert_eq!(
                    ox.plaintext_count(),
                    0,
                    "{}: {} reads stored data without keys",
                    sc.source,
                    o.name
                );
            }
        }
    }
}

#[test]
fn e2e_still_gives_servers_the_metadata() {
    let mut cases = Cases::new("e2e_still_gives_servers_the_metadata");
    for sc in scenes() {
        let r = run(
            &sc,
            Protection {
                model: model("e2e"),
                ..sc.protection
            },
        );
        for ox in &r.exposure.observers {
            for mx in &ox.messages {
                let stored = r.trace.steps_of(mx.message).any(|s| {
                    matches!(s.place, Reach::ServerPart(_, Part::Database))
                        && sc.reaches(ox.observer, s.place)
                });
                if stored {
                    // Sealed sender hides the sender from the server on purpose.
                    let sender = (!sc.sealed_sender).then_some(MetaField::Sender);
                    for field in sender.into_iter().chain([
                        MetaField::Recipients,
                        MetaField::Size,
                        MetaField::Time,
                    ]) {
                        cases.check();
                        assert!(
                            mx.metadata.contains(&field),
                            "{}: {} lacks {field:?}",
                            sc.source,
                            sc.observers[ox.observer].name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn keys_synced_through_the_service_hand_the_service_the_messages() {
    let mut cases = Cases::new("keys_synced_through_the_service_hand_the_service_the_messages");
    let sc = Scenario::shipped("multi-device-synced").expect("shipped");
    cases.check();
    assert!(sc.keys_synced_via_server);
    let r = run(&sc, sc.protection);
    let vault_holder = sc
        .observer_named("social.example admin (holds the vault)")
        .expect("observer");
    cases.check();
    assert_eq!(r.exposure.observers[vault_holder].plaintext_count(), 1);
    // The same scene with per-device keys: the same admin reads nothing.
    let mut unsynced = sc.clone();
    unsynced.keys_synced_via_server = false;
    unsynced.key_sync = KeySync::None;
    let r = run(&unsynced, unsynced.protection);
    cases.check();
    assert_eq!(r.exposure.observers[vault_holder].plaintext_count(), 0);
}

#[test]
fn key_substitution_reads_unless_keys_are_verified() {
    let mut cases = Cases::new("key_substitution_reads_unless_keys_are_verified");
    for (scene, verified) in [
        ("key-substitution", false),
        ("key-substitution-verified", true),
    ] {
        let sc = Scenario::shipped(scene).expect("shipped");
        let r = run(&sc, sc.protection);
        let server = sc
            .observers
            .iter()
            .position(|o| o.role == Role::MaliciousServer)
            .expect("malicious");
        let bob = sc.observer_named("Bob's phone").expect("bob");
        // Nobody acts in the scene's own run: the malicious server reads nothing there.
        cases.check();
        assert_eq!(r.exposure.observers[server].plaintext_count(), 0);
        let mut r = r;
        r.complete_acting();
        let r = r.acting_run(server).expect("its active run");
        let reads = |o: usize| r.exposure.observers[o].plaintext_count();
        if verified {
            cases.check();
            assert_eq!(reads(server), 0);
            cases.check();
            assert_eq!(
                reads(bob),
                1,
                "sealed to the verified key, not the swapped one"
            );
            cases.check();
            assert!(
                r.trace
                    .steps
                    .iter()
                    .any(|s| s.action == sim::Action::KeyMismatch)
            );
        } else {
            cases.check();
            assert_eq!(reads(server), 1);
            cases.check();
            assert_eq!(reads(bob), 1, "Bob notices nothing");
            cases.check();
            assert!(
                r.trace
                    .steps
                    .iter()
                    .any(|s| s.action == sim::Action::MitmReseal)
            );
        }
    }
}

#[test]
fn no_secret_key_crosses_a_wire_in_the_clear() {
    let mut cases = Cases::new("no_secret_key_crosses_a_wire_in_the_clear");
    for case in every_run() {
        let wires = case.run.trace.steps.iter();
        for step in wires.filter(|s| matches!(s.place, Reach::Wire(_))) {
            cases.check();
            assert!(
                !step
                    .layers
                    .iter()
                    .any(|l| matches!(l, Layer::Key(k) if k.secret().is_some())),
                "{}: step {} puts a private key on the wire",
                case.label(),
                step.index
            );
        }
    }
}

#[test]
fn simulation_is_deterministic_for_every_scene_and_model() {
    let mut cases = Cases::new("simulation_is_deterministic_for_every_scene_and_model");
    for case in every_run() {
        cases.check();
        let again = sim::simulate(&case.sc, case.p).expect("simulates");
        assert_eq!(again, case.run.trace, "{}", case.label());
    }
}

#[test]
fn every_file_in_scenes_is_embedded() {
    let mut cases = Cases::new("every_file_in_scenes_is_embedded");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    for entry in std::fs::read_dir(dir).expect("scenes/") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .to_string();
        if name.ends_with(".ron") {
            cases.check();
            assert!(
                SHIPPED.iter().chain(LARGE).any(|(f, _)| *f == name),
                "{name} is not in scenario::SHIPPED or LARGE"
            );
        }
    }
}

#[test]
fn the_essays_roles_all_appear_in_shipped_scenes() {
    let mut cases = Cases::new("the_essays_roles_all_appear_in_shipped_scenes");
    let all = scenes();
    for role in [
        Role::AdminBoss,
        Role::NationState,
        Role::MaliciousServer,
        Role::CompromisedDevice,
        Role::OtherUser,
    ] {
        cases.check();
        assert!(
            all.iter()
                .any(|s| s.observers.iter().any(|o| o.role == role)),
            "{} appears nowhere",
            role.name()
        );
    }
}

#[test]
fn the_recipient_always_gets_the_exact_words() {
    let mut cases = Cases::new("the_recipient_always_gets_the_exact_words");
    for case in every_run() {
        for reading in case.readings() {
            if let (Some(text), Some(m)) = (&reading.plaintext, reading.message) {
                cases.check();
                assert_eq!(text, &case.sc.messages[m].text, "{}", case.label());
            }
        }
    }
}

/// Whether an observer reaches some endpoint device of a message (its memory or keystore).
fn reaches_an_endpoint(sc: &Scenario, o: usize, m: usize) -> bool {
    endpoints(sc, m).iter().any(|&d| {
        sc.reaches(o, Reach::DevicePart(d, DevicePart::Memory))
            || sc.reaches(o, Reach::DevicePart(d, DevicePart::Keystore))
    })
}

#[test]
fn whoever_controls_a_directory_serving_a_recipients_key_and_handles_the_message_could_read_by_acting()
 {
    let mut cases = Cases::new("directory controllers could read by acting");
    for case in every_run().iter().filter(|c| c.e2e(false)) {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            let o = ox.observer;
            // A directory they run hands out the recipient's key, and the message passes a
            // server whose application they run (where they open what is sealed to their key).
            let controls = sc.messages[mx.message].routes.iter().any(|route| {
                let serves = sc.key_sources(route).into_iter().any(|dir| {
                    sc.reaches(o, Reach::ServerPart(dir, Part::KeyDirectory))
                        && sc.reaches(o, Reach::ServerPart(dir, Part::AppMemory))
                });
                let handles = route.nodes.iter().any(|n| {
                    matches!(n, Node::Server(s) if sc.reaches(o, Reach::ServerPart(*s, Part::AppMemory)))
                });
                serves && handles
            });
            if !controls {
                continue;
            }
            cases.check();
            let acting = mx.if_acting.as_ref().expect("holds a power");
            assert_eq!(
                acting.content,
                Content::Plaintext,
                "{}: {} controls a directory but could not read {}: {:?}",
                case.label(),
                case.name(o),
                sc.messages[mx.message].id,
                acting.why
            );
            assert!(acting.powers.iter().any(|p| p.name() == "key-substitution"));
        }
    }
}

/// Whether a device of the message (its sender's, or a recipient's) is a web client.
fn has_web_client(sc: &Scenario, m: usize) -> bool {
    endpoints(sc, m)
        .iter()
        .any(|&d| sc.devices[d].code_from.is_some())
}

#[test]
fn with_verified_keys_nobody_but_endpoints_could_read_by_any_power_unless_a_web_page_holds_the_keys()
 {
    let mut cases = Cases::new("verified keys stop every power");
    let verified = |c: &&Case| c.e2e(true) && !c.sc.keys_synced_via_server;
    for case in every_run().iter().filter(verified) {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            let Some(acting) = &mx.if_acting else {
                continue;
            };
            if has_web_client(sc, mx.message) {
                continue;
            }
            cases.check();
            if acting.content == Content::Plaintext {
                assert!(
                    reaches_an_endpoint(sc, ox.observer, mx.message),
                    "{}: {} could read {} by acting with verified keys: {:?}",
                    case.label(),
                    case.name(ox.observer),
                    sc.messages[mx.message].id,
                    acting.why
                );
            }
        }
    }
}

#[test]
fn if_acting_never_shows_less_than_looking() {
    let mut cases = Cases::new("if_acting >= content");
    for case in every_run() {
        for (ox, mx) in case.cells() {
            let Some(acting) = &mx.if_acting else {
                continue;
            };
            cases.check();
            assert!(
                !mx.content.more_than(acting.content),
                "{}: {} gets {:?} by looking but {:?} by acting",
                case.label(),
                case.name(ox.observer),
                mx.content,
                acting.content
            );
            assert!(!acting.powers.is_empty() && !acting.why.is_empty());
        }
    }
}

#[test]
fn an_admin_with_only_database_read_can_do_nothing_by_acting() {
    let mut cases = Cases::new("database-only reach has no power");
    for case in every_run() {
        for (o, observer) in case.sc.observers.iter().enumerate() {
            let only_stored = observer
                .reach
                .iter()
                .all(|r| matches!(r, Reach::ServerPart(_, Part::Database | Part::Backup)));
            if !only_stored {
                continue;
            }
            cases.check();
            assert!(
                case.run.acting_run(o).is_none()
                    && case.run.exposure.observers[o]
                        .messages
                        .iter()
                        .all(|m| m.if_acting.is_none()),
                "{}: {} reaches only stored data yet acts",
                case.label(),
                observer.name
            );
        }
    }
}

/// The scene again, with one extra observer per admin or server that observer `o` compels,
/// each reaching exactly what that admin or server gives.
fn with_compelled_as_observers(
    text: &str,
    file: &str,
    sc: &Scenario,
    o: usize,
) -> (Scenario, Vec<usize>) {
    let mut names: Vec<&str> = sc.observers[o]
        .via
        .iter()
        .filter_map(|(_, v)| match v {
            Via::Compels(who) => Some(who.as_str()),
            Via::Own => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    let extra: String = names
        .iter()
        .map(|n| {
            if sc.servers.iter().any(|s| s.name == *n) {
                format!("(name: \"as {n}\", role: \"other-user\", reaches: [\"{n}\"]),")
            } else {
                format!("(name: \"as {n}\", role: \"server-admin\", admin: \"{n}\"),")
            }
        })
        .collect();
    let at = text.find("observers: [").expect("observers") + "observers: [".len();
    let edited = format!("{}{extra}{}", &text[..at], &text[at..]);
    let edited = Scenario::parse(&edited, file).unwrap_or_else(|e| panic!("{e}"));
    let added = (0..names.len()).collect();
    (edited, added)
}

/// What acting gives, in order: content, then whether it forges.
fn acting_rank(mx: &MessageExposure) -> (u8, bool) {
    let content = |c: Content| match c {
        Content::Plaintext => 2,
        Content::Ciphertext => 1,
        Content::None => 0,
    };
    match &mx.if_acting {
        Some(a) => (content(a.content), a.could_forge.possible),
        None => (content(mx.content), false),
    }
}

#[test]
fn a_boss_or_state_gets_by_acting_at_least_what_they_compel_gets() {
    let mut cases = Cases::new("compelled powers");
    for (file, text) in SHIPPED {
        let sc = Scenario::parse(text, file).expect("parses");
        for (o, observer) in sc.observers.iter().enumerate() {
            if !observer
                .via
                .iter()
                .any(|(_, v)| matches!(v, Via::Compels(_)))
            {
                continue;
            }
            let (edited, added) = with_compelled_as_observers(text, file, &sc, o);
            // The extra observers were inserted first, so the original shifts by their count.
            let shifted = o + added.len();
            for p in protections() {
                let r = run(&edited, p);
                for m in 0..sc.messages.len() {
                    let boss = &r.exposure.observers[shifted].messages[m];
                    for &a in &added {
                        cases.check();
                        let them = &r.exposure.observers[a].messages[m];
                        let (got, theirs) = (acting_rank(boss), acting_rank(them));
                        assert!(
                            got.0 >= theirs.0 && (got.1 || !theirs.1),
                            "{file} {}: {} gets {got:?}, {} gets {theirs:?}",
                            p.label(),
                            observer.name,
                            edited.observers[a].name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn substitute_keys_are_typed_not_named() {
    // A substituted key used to be a secret key whose owner read "server (posing as device)",
    // parsed back by the analysis. It is its own kind of key blob now.
    let mut cases = Cases::new("typed substitute keys");
    let sc = Scenario::shipped("key-substitution").expect("shipped");
    let r = run(&sc, sc.protection);
    let evil = sim::shown_acting_by_default(&sc)[0];
    let active = r.acting_run(evil).expect("acts");
    for step in active
        .trace
        .steps
        .iter()
        .filter(|s| s.action == sim::Action::KeySubstituted)
    {
        cases.check();
        assert_eq!(step.actor, Some(evil));
        assert!(!step.layers.is_empty());
        assert!(step.layers.iter().all(|l| matches!(
            l,
            Layer::Key(KeyBlob::Substitute { posing_as, .. }) if posing_as == "bob-phone" || posing_as == "alice-phone"
        )));
    }
}

#[test]
fn whoever_controls_the_code_of_a_web_client_could_read_by_acting_even_with_verified_keys() {
    let mut cases = Cases::new("web clients");
    for case in every_run().iter().filter(|c| c.p.model.end_to_end()) {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            let controls = endpoints(sc, mx.message).iter().any(|&d| {
                sc.devices[d]
                    .code_from
                    .is_some_and(|s| sc.reaches(ox.observer, Reach::ServerPart(s, Part::AppMemory)))
            });
            if !controls {
                continue;
            }
            cases.check();
            let acting = mx.if_acting.as_ref().expect("a power");
            assert_eq!(acting.content, Content::Plaintext, "{}", case.label());
            assert!(acting.powers.iter().any(|p| p.name() == "code-shipping"));
        }
    }
}

#[test]
fn a_message_goes_to_the_senders_other_devices_too() {
    let mut cases = Cases::new("sender's other devices");
    for sc in scenes() {
        for msg in &sc.messages {
            for &d in &sc.people[msg.from].devices {
                if d == msg.from_device {
                    continue;
                }
                cases.check();
                assert!(
                    msg.routes.iter().any(|r| r.device == d),
                    "{}: {} does not go to {}",
                    sc.source,
                    msg.id,
                    sc.devices[d].name
                );
            }
        }
    }
    for case in every_run().iter().filter(|c| !c.p.keys_verified) {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            let msg = &sc.messages[mx.message];
            let own_other = sc.people[msg.from].devices.iter().any(|&d| {
                d != msg.from_device
                    && sc.reaches(ox.observer, Reach::DevicePart(d, DevicePart::Memory))
            });
            if own_other {
                cases.check();
                let who = case.name(ox.observer);
                assert_eq!(mx.content, Content::Plaintext, "{}: {who}", case.label());
            }
        }
    }
}

/// The scene's text with a different key sync mode.
fn with_key_sync(file: &str, text: &str, mode: &str) -> Scenario {
    let edited = text.replace(
        "keys_synced_via_server: true,",
        &format!("key_sync: \"{mode}\","),
    );
    assert_ne!(edited, text, "{file} has no keys_synced_via_server line");
    Scenario::parse(&edited, file).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn only_escrow_hands_the_service_the_key() {
    let mut cases = Cases::new("key sync modes");
    let (file, text) = SHIPPED
        .iter()
        .find(|(f, _)| *f == "multi-device-synced.ron")
        .expect("shipped");
    for mode in ["escrow", "device-link", "passphrase-backup"] {
        let sc = with_key_sync(file, text, mode);
        let r = run(&sc, sc.protection);
        for ox in &r.exposure.observers {
            let o = &sc.observers[ox.observer];
            let server_side = o
                .reach
                .iter()
                .all(|x| matches!(x, Reach::ServerPart(..) | Reach::Wire(_)));
            let production = o
                .reach
                .iter()
                .any(|x| matches!(x, Reach::ServerPart(_, Part::AppMemory)));
            if !server_side {
                continue;
            }
            cases.check();
            let reads = ox.plaintext_count() > 0;
            assert_eq!(reads, mode == "escrow" && production, "{mode}: {}", o.name);
        }
    }
}

#[test]
fn a_scene_must_say_where_keys_come_from() {
    let mut cases = Cases::new("key sources");
    let text = r#"(title: "t", model: "e2e",
        people: [(name: "A", devices: ["a"]), (name: "B", devices: ["b"])],
        servers: [(name: "s", parts: ["app-memory"])],
        links: [(from: "a", to: "s", tls: true), (from: "s", to: "b", tls: true)],
        messages: [(id: "m1", from: "A", to: ["B"], text: "hi")],
        observers: [(name: "o", role: "server-admin", reaches: ["s"])])"#;
    let err = Scenario::parse(text, "t.ron").expect_err("no key source");
    cases.check();
    assert!(
        err.message.contains("where do senders get B's keys"),
        "{err}"
    );
    let fixed = text.replace(
        r#"(name: "B", devices: ["b"])"#,
        r#"(name: "B", devices: ["b"], keys_from: "in-person")"#,
    );
    assert!(Scenario::parse(&fixed, "t.ron").is_ok());
}

#[test]
fn every_wire_shows_its_endpoints() {
    let mut cases = Cases::new("endpoints");
    for case in every_run() {
        for reading in case.readings() {
            let step = &case.run.trace.steps[reading.step];
            if matches!(step.place, Reach::Wire(_)) && step.message.is_some() {
                cases.check();
                assert!(reading.metadata.contains(&MetaField::Endpoints));
            }
        }
    }
}

#[test]
fn an_active_attacker_on_an_opportunistic_link_strips_it() {
    let mut cases = Cases::new("opportunistic TLS");
    for sc in scenes() {
        let plain = Protection {
            model: model("plain-web"),
            ..sc.protection
        };
        let r = run(&sc, plain);
        for ox in &r.exposure.observers {
            for mx in &ox.messages {
                let on_link = sc.messages[mx.message].routes.iter().any(|route| {
                    route.links.iter().any(|&l| {
                        sc.links[l].opportunistic && sc.reaches(ox.observer, Reach::Wire(l))
                    })
                });
                if !on_link {
                    continue;
                }
                cases.check();
                let acting = mx.if_acting.as_ref().expect("tls-stripping");
                assert!(acting.powers.iter().any(|p| p.name() == "tls-stripping"));
                assert_eq!(acting.content, Content::Plaintext, "{}", sc.source);
            }
        }
    }
}

#[test]
fn sealed_sender_hides_the_sender_from_every_server_but_the_one_that_ends_the_senders_link() {
    // The envelope hides the sender from the service, but the server that ends the sender
    // device's connection (its TLS front, its application) sees where it comes from, as a
    // tap on that link does.
    let mut cases = Cases::new("sealed sender");
    for mut sc in scenes() {
        sc.sealed_sender = true;
        let p = Protection {
            model: model("e2e"),
            ..sc.protection
        };
        let r = run(&sc, p);
        for ox in &r.exposure.observers {
            let o = &sc.observers[ox.observer];
            if !o.reach.iter().all(|x| matches!(x, Reach::ServerPart(..))) {
                continue;
            }
            for mx in &ox.messages {
                if mx.content == Content::Plaintext {
                    continue; // they opened it (escrowed keys): the signature inside names the sender
                }
                let msg = &sc.messages[mx.message];
                let near = |s: usize, n: Node| {
                    sc.links.iter().any(|l| {
                        (l.from, l.to) == (n, Node::Server(s))
                            || (l.from, l.to) == (Node::Server(s), n)
                    })
                };
                let ends_senders_link = o.reach.iter().any(|x| {
                    matches!(*x, Reach::ServerPart(s, Part::AppMemory | Part::TlsFront) if near(s, Node::Device(msg.from_device)))
                });
                let next_to_senders_own_server = o.reach.iter().any(|x| match *x {
                    Reach::ServerPart(s, _) => (0..sc.servers.len()).any(|t| {
                        sc.servers[t].single_user
                            && sc.home_users(t) == vec![msg.from]
                            && near(s, Node::Server(t))
                    }),
                    _ => false,
                });
                cases.check();
                if ends_senders_link {
                    assert!(
                        mx.metadata.contains(&MetaField::Sender),
                        "{}: {}",
                        sc.source,
                        o.name
                    );
                } else if !next_to_senders_own_server {
                    assert!(
                        !mx.metadata.contains(&MetaField::Sender),
                        "{}: {}",
                        sc.source,
                        o.name
                    );
                }
            }
        }
    }
}

#[test]
fn under_e2e_only_a_holder_of_the_senders_key_or_a_recipient_device_could_forge() {
    let mut cases = Cases::new("forged senders");
    for case in every_run() {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            let o = ox.observer;
            let msg = &sc.messages[mx.message];
            let sender = &sc.people[msg.from];
            let holds_sender_key = ox.keys.iter().any(|k| {
                k.blob.secret().is_some()
                    && sender.devices.iter().any(|&d| {
                        k.blob.owner() == sc.devices[d].name
                            || k.blob.owner().starts_with(&format!("{} (", sender.name))
                    })
            });
            let controls_recipient = msg
                .routes
                .iter()
                .any(|route| sc.reaches(o, Reach::DevicePart(route.device, DevicePart::Memory)));
            let server_on_way = msg.routes.iter().any(|route| {
                route.nodes.iter().any(|n| {
                    matches!(n, Node::Server(s) if sc.reaches(o, Reach::ServerPart(*s, Part::AppMemory)))
                })
            });
            let forges = mx.could_forge.as_ref().expect("assessed").possible;
            cases.check();
            if case.p.model.end_to_end() {
                if forges {
                    let why = holds_sender_key || controls_recipient;
                    assert!(why, "{}: {}", case.label(), case.name(o));
                }
            } else if server_on_way {
                assert!(forges, "{}: {}", case.label(), case.name(o));
            }
        }
    }
}

#[test]
fn every_step_happens_at_a_place_the_scene_has() {
    // A malicious sender's instance without a key directory once had a key written into
    // "a.example/key-directory": substitution now happens only at a directory that exists.
    let mut cases = Cases::new("steps at real places");
    for case in every_run() {
        let r = &case.run;
        let active = r.acting.iter().flatten();
        for run in std::iter::once(r).chain(active) {
            for step in &run.trace.steps {
                cases.check();
                if let Reach::ServerPart(s, part) = step.place {
                    assert!(
                        case.sc.servers[s].has(part),
                        "{}: step {} at {}",
                        case.label(),
                        step.index,
                        case.sc.reach_label(step.place)
                    );
                }
            }
        }
    }
}

#[test]
fn the_senders_own_instance_relays_the_lookup_and_can_swap_the_answer() {
    // It has no key directory, but the lookup for b's key passes through its application on
    // the way to b.example's directory: whoever runs it can rewrite the answer.
    let mut cases = Cases::new("a relay swaps the answer");
    let text = r#"(title: "t", model: "e2e",
        people: [(name: "A", devices: ["a"]), (name: "B", devices: ["b"])],
        servers: [(name: "a.example", parts: ["app-memory", "database"]),
                  (name: "b.example", parts: ["app-memory", "database", "key-directory"])],
        links: [(from: "a", to: "a.example", tls: true), (from: "a.example", to: "b.example", tls: true),
                (from: "b.example", to: "b", tls: true)],
        messages: [(id: "m1", from: "A", to: ["B"], text: "hi")],
        observers: [(name: "evil", role: "malicious-server", reaches: ["a.example"])])"#;
    let sc = Scenario::parse(text, "t.ron").expect("valid");
    let r = run(&sc, sc.protection);
    cases.check();
    assert!(
        r.trace
            .steps
            .iter()
            .all(|s| s.action != sim::Action::KeySubstituted && s.actor.is_none()),
        "nobody acts in the scene's own run"
    );
    let evil = &r.exposure.observers[0].messages[0];
    assert_eq!(evil.content, Content::Ciphertext);
    let acting = evil.if_acting.as_ref().expect("acts");
    assert_eq!(acting.content, Content::Plaintext, "{:?}", acting.why);
    assert!(acting.powers.iter().any(|p| p.name() == "key-substitution"));
}

fn forges(f: Option<&plainsight::exposure::Forgery>) -> bool {
    f.is_some_and(|f| f.possible)
}

#[test]
fn acting_with_every_power_gives_at_least_each_power_alone_and_looking() {
    let mut cases = Cases::new("every power at once >= one power, >= looking");
    let powers: Vec<PowerId> = PowerId::all().collect();
    for case in every_run() {
        let r = &case.run;
        for o in 0..case.sc.observers.len() {
            let all: Vec<_> = r.exposure.observers[o].messages.iter().collect();
            for mx in &all {
                let Some(a) = &mx.if_acting else { continue };
                cases.check();
                assert!(
                    !mx.content.more_than(a.content),
                    "{}: {}",
                    case.label(),
                    case.name(o)
                );
                assert!(
                    mx.metadata.iter().all(|f| a.metadata.contains(f)),
                    "{}: {}",
                    case.label(),
                    case.name(o)
                );
                assert!(!forges(mx.could_forge.as_ref()) || a.could_forge.possible);
            }
            if r.acting_run(o).is_none() {
                continue;
            }
            for &p in &powers {
                let single = r.acting_with(o, &[p]).expect("simulates");
                for (mx, one) in all.iter().zip(&single) {
                    let Some(one) = one else { continue };
                    cases.check();
                    let a = mx.if_acting.as_ref().unwrap_or_else(|| {
                        panic!(
                            "{}: {} gets something with {p:?} alone but nothing with every power",
                            case.label(),
                            case.name(o)
                        )
                    });
                    let who = format!("{}: {} with {p:?}", case.label(), case.name(o));
                    assert!(
                        !one.content.more_than(a.content),
                        "{who}: {:?} vs {:?}",
                        one.content,
                        a.content
                    );
                    assert!(
                        one.metadata.iter().all(|f| a.metadata.contains(f)),
                        "{who}: {:?} vs {:?}",
                        one.metadata,
                        a.metadata
                    );
                    assert!(
                        !one.could_forge.possible || a.could_forge.possible,
                        "{who}: forges alone"
                    );
                }
            }
        }
    }
}

#[test]
fn with_verified_keys_and_no_web_client_only_endpoint_devices_forge_by_any_action() {
    let mut cases = Cases::new("verified keys stop forgery");
    let verified = |c: &&Case| c.e2e(true) && !c.sc.keys_synced_via_server;
    for case in every_run().iter().filter(verified) {
        let sc = &case.sc;
        for (ox, mx) in case.cells() {
            if has_web_client(sc, mx.message) {
                continue;
            }
            cases.check();
            let acting = mx
                .if_acting
                .as_ref()
                .is_some_and(|a| a.could_forge.possible);
            if forges(mx.could_forge.as_ref()) || acting {
                assert!(
                    reaches_an_endpoint(sc, ox.observer, mx.message),
                    "{}: {} could forge {}",
                    case.label(),
                    case.name(ox.observer),
                    sc.messages[mx.message].id
                );
            }
        }
    }
}

#[test]
fn a_server_learns_at_least_what_a_tap_on_a_link_it_terminates_learns() {
    let mut cases = Cases::new("server metadata >= tap metadata");
    for case in every_run() {
        let sc = &case.sc;
        for (l, link) in sc.links.iter().enumerate() {
            let taps: Vec<usize> = (0..sc.observers.len())
                .filter(|&o| sc.reaches(o, Reach::Wire(l)))
                .collect();
            for end in [link.from, link.to] {
                let Node::Server(s) = end else { continue };
                let servers: Vec<usize> = (0..sc.observers.len())
                    .filter(|&o| sc.reaches(o, Reach::ServerPart(s, Part::AppMemory)))
                    .collect();
                for (&t, &a) in taps
                    .iter()
                    .flat_map(|t| servers.iter().map(move |a| (t, a)))
                {
                    for m in 0..sc.messages.len() {
                        let tap = &case.run.exposure.observers[t].messages[m];
                        let server = &case.run.exposure.observers[a].messages[m];
                        cases.check();
                        assert!(
                            tap.metadata.iter().all(|f| server.metadata.contains(f)),
                            "{}: {} learns {:?}, {} only {:?}",
                            case.label(),
                            case.name(t),
                            tap.metadata,
                            case.name(a),
                            server.metadata
                        );
                    }
                }
            }
        }
    }
}

/// One cell's verdicts: content and metadata by looking, content by acting, forges by acting.
type Verdict = (Content, Vec<MetaField>, Option<Content>, bool);

/// Every observer's verdicts, by looking and by acting, by name.
fn verdicts(r: &Run) -> Vec<(String, Vec<Verdict>)> {
    r.exposure
        .observers
        .iter()
        .map(|ox| {
            let cells = ox
                .messages
                .iter()
                .map(|mx| {
                    (
                        mx.content,
                        mx.metadata.clone(),
                        mx.if_acting.as_ref().map(|a| a.content),
                        mx.if_acting
                            .as_ref()
                            .is_some_and(|a| a.could_forge.possible),
                    )
                })
                .collect();
            (r.scenario.observers[ox.observer].name.clone(), cells)
        })
        .collect()
}

#[test]
fn a_malicious_server_role_changes_no_verdict() {
    let mut cases = Cases::new("roles are labels");
    for (file, text) in SHIPPED {
        let labelled = text.contains("\"malicious-server\"");
        let edited = if labelled {
            text.replace("\"malicious-server\"", "\"server-admin\"")
        } else {
            let sc = Scenario::parse(text, file).expect("parses");
            let server = &sc.servers[0].name;
            let at = text.find("observers: [").expect("observers") + "observers: [".len();
            format!(
                "{}(name: \"added evil\", role: \"malicious-server\", reaches: [\"{server}\"]),{}",
                &text[..at],
                &text[at..]
            )
        };
        let Ok(other) = Scenario::parse(&edited, file) else {
            continue;
        };
        let sc = Scenario::parse(text, file).expect("parses");
        for p in [sc.protection] {
            let (a, b) = (verdicts(&run(&sc, p)), verdicts(&run(&other, p)));
            for (name, cells) in &a {
                let Some((_, theirs)) = b.iter().find(|(n, _)| n == name) else {
                    continue;
                };
                cases.check();
                assert_eq!(cells, theirs, "{file}: {name}");
            }
        }
    }
}
