//! The essay's claims stated as invariants over every shipped scene and every model. These
//! would catch a model that is right for one scene by accident and wrong in general.

use plainsight::Run;
use plainsight::crypto::Fanout;
use plainsight::exposure::{self, Content, MetaField};
use plainsight::scenario::{DevicePart, Model, Part, Protection, Reach, Role, SHIPPED, Scenario};
use plainsight::sim;

fn scenes() -> Vec<Scenario> {
    SHIPPED
        .iter()
        .map(|(f, t)| Scenario::parse(t, f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn protections() -> Vec<Protection> {
    let mut all = Vec::new();
    for model in Model::ALL {
        for fanout in Fanout::ALL {
            for keys_verified in [false, true] {
                if model != Model::E2e && (fanout != Fanout::PerRecipient || keys_verified) {
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
    let trace = sim::simulate(sc, p).expect("simulates");
    let exposure = exposure::analyse(sc, &trace);
    Run {
        scenario: sc.clone(),
        trace,
        exposure,
    }
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
    for sc in scenes().into_iter().filter(|s| !s.keys_synced_via_server) {
        for fanout in Fanout::ALL {
            let r = run(
                &sc,
                Protection {
                    model: Model::E2e,
                    fanout,
                    keys_verified: true,
                },
            );
            for ox in &r.exposure.observers {
                let o = &sc.observers[ox.observer];
                for mx in &ox.messages {
                    if mx.content != Content::Plaintext {
                        continue;
                    }
                    assert!(
                        matches!(
                            o.role,
                            Role::SenderDevice | Role::RecipientDevice | Role::CompromisedDevice
                        ),
                        "{}: {} ({}) reads {} under verified e2e/{fanout}",
                        sc.source,
                        o.name,
                        o.role.name(),
                        sc.messages[mx.message].id
                    );
                    let at = mx.first_plaintext_at.expect("plaintext has a place");
                    assert!(
                        endpoints(&sc, mx.message)
                            .iter()
                            .any(|&d| at == Reach::DevicePart(d, DevicePart::Memory)),
                        "{}: {} first reads {} away from its endpoints",
                        sc.source,
                        o.name,
                        sc.messages[mx.message].id
                    );
                }
            }
        }
    }
}

#[test]
fn a_compromised_device_reads_what_reaches_it_under_every_model() {
    for sc in scenes() {
        let malicious = sc.observers.iter().any(|o| o.role == Role::MaliciousServer);
        for p in protections() {
            if malicious && p.keys_verified {
                continue; // a caught substitution means the message is never sent
            }
            let r = run(&sc, p);
            for ox in &r.exposure.observers {
                let o = &sc.observers[ox.observer];
                if o.role != Role::CompromisedDevice {
                    continue;
                }
                for mx in &ox.messages {
                    let touches = endpoints(&sc, mx.message).iter().any(|&d| {
                        sc.reaches(ox.observer, Reach::DevicePart(d, DevicePart::Memory))
                    });
                    if touches {
                        assert_eq!(
                            mx.content,
                            Content::Plaintext,
                            "{} {} {}",
                            sc.source,
                            p.label(),
                            o.name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn tls_links_never_leak_plaintext_to_the_wire() {
    for sc in scenes() {
        for p in protections() {
            let r = run(&sc, p);
            for ox in &r.exposure.observers {
                let o = &sc.observers[ox.observer];
                let only_tls_wires = o
                    .reach
                    .iter()
                    .all(|reach| matches!(reach, Reach::Wire(l) if sc.links[*l].tls));
                if only_tls_wires {
                    for mx in &ox.messages {
                        assert_ne!(
                            mx.content,
                            Content::Plaintext,
                            "{} {}: {}",
                            sc.source,
                            p.label(),
                            o.name
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn plain_web_exposes_every_message_to_each_server_it_crosses() {
    for sc in scenes() {
        let r = run(
            &sc,
            Protection {
                model: Model::PlainWeb,
                ..sc.protection
            },
        );
        for ox in &r.exposure.observers {
            for mx in &ox.messages {
                let crosses_app_memory = sc.messages[mx.message].routes.iter().any(|route| {
                    route.nodes.iter().any(|n| match n {
                        plainsight::scenario::Node::Server(s) => {
                            sc.reaches(ox.observer, Reach::ServerPart(*s, Part::AppMemory))
                        }
                        _ => false,
                    })
                });
                if crosses_app_memory {
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
    for sc in scenes() {
        let r = run(
            &sc,
            Protection {
                model: Model::ServerEncrypted,
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
    for sc in scenes() {
        let r = run(
            &sc,
            Protection {
                model: Model::E2e,
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
                    for field in [
                        MetaField::Sender,
                        MetaField::Recipients,
                        MetaField::Size,
                        MetaField::Time,
                    ] {
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
    let sc = Scenario::shipped("multi-device-synced").expect("shipped");
    assert!(sc.keys_synced_via_server);
    let r = run(&sc, sc.protection);
    let vault_holder = sc
        .observer_named("social.example admin (holds the vault)")
        .expect("observer");
    assert_eq!(r.exposure.observers[vault_holder].plaintext_count(), 1);
    // The same scene with per-device keys: the same admin reads nothing.
    let mut unsynced = sc.clone();
    unsynced.keys_synced_via_server = false;
    let r = run(&unsynced, unsynced.protection);
    assert_eq!(r.exposure.observers[vault_holder].plaintext_count(), 0);
}

#[test]
fn key_substitution_reads_unless_keys_are_verified() {
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
        let reads = |o: usize| r.exposure.observers[o].plaintext_count();
        if verified {
            assert_eq!(reads(server), 0);
            assert_eq!(reads(bob), 0, "the message is not sent");
            assert!(
                r.trace
                    .steps
                    .iter()
                    .any(|s| s.action == sim::Action::KeyMismatch)
            );
        } else {
            assert_eq!(reads(server), 1);
            assert_eq!(reads(bob), 1, "Bob notices nothing");
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
    for sc in scenes() {
        for p in protections() {
            let r = run(&sc, p);
            for step in r
                .trace
                .steps
                .iter()
                .filter(|s| matches!(s.place, Reach::Wire(_)))
            {
                let frames = plainsight::wire::parse_frames(&step.bytes).unwrap_or_default();
                assert!(
                    !frames.iter().any(|f| matches!(
                        f,
                        plainsight::wire::Frame::Key(plainsight::wire::KeyBlob::Secret { .. })
                    )),
                    "{}: step {} puts a private key on the wire",
                    sc.source,
                    step.index
                );
            }
        }
    }
}

#[test]
fn simulation_is_deterministic_for_every_scene_and_model() {
    for sc in scenes() {
        for p in protections() {
            assert_eq!(
                sim::simulate(&sc, p),
                sim::simulate(&sc, p),
                "{} {}",
                sc.source,
                p.label()
            );
        }
    }
}

#[test]
fn every_file_in_scenes_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    for entry in std::fs::read_dir(dir).expect("scenes/") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .to_string();
        if name.ends_with(".ron") {
            assert!(
                SHIPPED.iter().any(|(f, _)| *f == name),
                "{name} is not in scenario::SHIPPED"
            );
        }
    }
}

#[test]
fn the_essays_roles_all_appear_in_shipped_scenes() {
    let all = scenes();
    for role in [
        Role::AdminBoss,
        Role::NationState,
        Role::MaliciousServer,
        Role::CompromisedDevice,
        Role::OtherUser,
    ] {
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
    for sc in scenes() {
        for p in protections() {
            let r = run(&sc, p);
            for ox in &r.exposure.observers {
                for reading in &ox.readings {
                    if let (Some(text), Some(m)) = (&reading.plaintext, reading.message) {
                        assert_eq!(text, &sc.messages[m].text, "{} {}", sc.source, p.label());
                    }
                }
            }
        }
    }
}
