//! The benchmark harness's logic: exact wire-byte accounting, every device opening, limits
//! refused before anything is allocated, size parsing. Nothing here asserts on time.

use rand::SeedableRng;
use std::time::Duration;

use plainsight::bench::{
    self, BRIEF_WIDTH, BenchConfig, BenchError, BenchReport, BenchScheme, MAX_POINT_BYTES,
    Measurement, PointResult, Progress, device_keys, floor_ephemeral_seal, floor_open, floor_seal,
    format_size, parse_size,
};
use plainsight::crypto::{
    Fanout, MAX_MESSAGE, MAX_RECIPIENTS, PublicKey, SecretKey, os_rng, seal_per_recipient,
};

fn publics(keys: &[SecretKey]) -> Vec<PublicKey> {
    keys.iter().map(SecretKey::public).collect()
}

/// The documented layouts, byte for byte.
fn expected_wire_bytes(fanout: Fanout, devices: usize, message: usize) -> usize {
    match fanout {
        Fanout::PerRecipient => devices * (4 + 32 + message + 16),
        Fanout::Bagged => 4 + 4 + 64 * devices + 32 + message + 16,
        Fanout::BaggedSharedEphemeral => 4 + 32 + 4 + 32 * devices + 32 + message + 16,
        Fanout::SenderKeys => panic!("sender keys are not a one-shot scheme"),
    }
}

/// A measurement short enough for tests: the logic runs, the numbers mean nothing.
fn quick() -> Measurement {
    Measurement {
        min_samples: 3,
        max_samples: 5,
        stable_window: 1,
        min_sample_time: Duration::from_micros(1),
        max_point_time: Duration::from_millis(1),
        ..Measurement::default()
    }
}

#[test]
fn wire_bytes_equal_the_bytes_actually_sealed() {
    let keys = device_keys(&mut rand::rngs::StdRng::seed_from_u64(1), 20);
    let recipients = publics(&keys);
    let mut rng = os_rng();
    for fanout in Fanout::ONE_SHOT {
        // 1, 2 and 7 devices stay on one thread; 8, 17 and 20 take the parallel path.
        for devices in [1, 2, 7, 8, 17, 20] {
            for size in [1, 256, 1024, 5000] {
                let message = vec![7u8; size];
                let sealed = fanout
                    .scheme()
                    .expect("a one-shot scheme")
                    .seal(&mut rng, &recipients[..devices], &message)
                    .expect("seals");
                let counted: usize = sealed.uplink().iter().map(|frame| frame.len()).sum();
                assert_eq!(
                    sealed.wire_bytes(),
                    counted,
                    "{fanout} {devices} devices {size} B"
                );
                assert_eq!(
                    sealed.wire_bytes(),
                    expected_wire_bytes(fanout, devices, size),
                    "{fanout}"
                );
            }
        }
    }
}

#[test]
fn every_device_of_every_recipient_opens_every_scheme() {
    let (people, per_person) = (6, 3);
    let keys = device_keys(
        &mut rand::rngs::StdRng::seed_from_u64(2),
        people * per_person,
    );
    let recipients = publics(&keys);
    let stranger = SecretKey::generate(&mut os_rng());
    let message = b"meet at the library at noon".to_vec();
    let mut rng = os_rng();
    for fanout in Fanout::ONE_SHOT {
        let scheme = fanout.scheme().expect("a one-shot scheme");
        let sealed = scheme.seal(&mut rng, &recipients, &message).expect("seals");
        for (device, key) in keys.iter().enumerate() {
            let delivered = sealed
                .delivery(device)
                .expect("a delivery for every device");
            assert_eq!(
                scheme.open(key, &delivered).expect("opens"),
                message,
                "{fanout} device {device}"
            );
            assert!(
                scheme.open(&stranger, &delivered).is_err(),
                "{fanout}: a stranger opened device {device}'s"
            );
        }
    }
}

#[test]
fn the_floor_does_the_same_work_on_one_thread_and_on_many() {
    let keys = device_keys(&mut rand::rngs::StdRng::seed_from_u64(3), 40);
    let recipients = publics(&keys);
    let sender = SecretKey::generate(&mut os_rng());
    let key = [9u8; 32];
    let message = vec![1u8; 3000];
    let one = floor_seal(&sender, &recipients, &key, &message, false);
    let many = floor_seal(&sender, &recipients, &key, &message, true);
    assert_eq!(one, many);
    assert_eq!(one.ciphertext.len(), message.len() + 16);
    for device in [0, 39] {
        let (plain, _) =
            floor_open(&keys[device], &sender.public(), &key, &one.ciphertext).expect("opens");
        assert_eq!(plain, message);
    }
}

#[test]
fn a_run_reports_exact_wire_bytes_for_every_point_and_the_floors() {
    let config = BenchConfig {
        recipients: vec![1, 17],
        devices_per_recipient: 2,
        sizes: vec![100, 1024],
        threads: vec![2, 1],
        measurement: quick(),
        ..BenchConfig::default()
    };
    let plan = config.validate().expect("a small plan is valid");
    let mut seen: Vec<Progress> = Vec::new();
    let report = bench::run(&plan, &mut |p| seen.push(*p)).expect("runs");
    assert_eq!(report.results.len(), 2 * 2 * 2 * BenchScheme::ALL.len());
    progress_moves_forward(&seen, &report);
    every_row_has_its_fields_and_exact_wire_bytes(&report);
    every_format_carries_every_row(&report);
}

/// Once before each (threads, recipients, size), once at the end; `done` never goes back.
fn progress_moves_forward(seen: &[Progress], report: &BenchReport) {
    assert_eq!(seen.len(), 2 * 2 * 2 + 1);
    assert!(seen.windows(2).all(|w| w[0].done < w[1].done));
    assert!(
        seen.last()
            .is_some_and(|p| p.done == p.total && p.total == report.results.len())
    );
    // Thread counts sorted; the first pool's points come first.
    assert_eq!(report.results[0].threads, 1);
    assert!(report.results.iter().any(|r| r.threads == 2));
}

/// Session schemes carry membership times; every scheme's wire bytes are exact.
fn every_row_has_its_fields_and_exact_wire_bytes(report: &BenchReport) {
    for r in &report.results {
        let devices = r.recipients * 2;
        assert_eq!(r.devices(), devices);
        assert_eq!(
            r.membership_change_ns.is_some(),
            r.scheme.is_session(),
            "{r:?}"
        );
        assert_eq!(r.removal_ns.is_some(), r.scheme.is_session(), "{r:?}");
        assert_eq!(
            r.decrypt_ns_per_device.is_none(),
            r.scheme == BenchScheme::Mls
        );
        match r.scheme {
            BenchScheme::Fanout(fanout) => {
                assert_eq!(
                    r.wire_bytes,
                    expected_wire_bytes(fanout, devices, r.message_bytes),
                    "{r:?}"
                );
            }
            // Header, key id, iteration, ciphertext, tag, Ed25519 signature.
            BenchScheme::SenderKeys => assert_eq!(r.wire_bytes, r.message_bytes + 92, "{r:?}"),
            // An MLS private message: the message and its framing, whatever the group size.
            BenchScheme::Mls => assert!(r.wire_bytes > r.message_bytes, "{r:?}"),
            _ => assert_eq!(r.wire_bytes, r.message_bytes + 16, "{r:?}"),
        }
    }
    let bagged = report
        .find(BenchScheme::Fanout(Fanout::Bagged), 2, 17, 1024)
        .expect("measured");
    assert_eq!(
        report.ratios(bagged).wire_bytes_per_extra_device,
        Some(64.0)
    );
    let shared = report
        .find(
            BenchScheme::Fanout(Fanout::BaggedSharedEphemeral),
            1,
            1,
            100,
        )
        .expect("measured");
    assert_eq!(
        report.ratios(shared).wire_bytes_per_extra_device,
        Some(32.0)
    );
}

/// JSON, CSV, the table and the SVG chart all carry the run.
fn every_format_carries_every_row(report: &BenchReport) {
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("valid JSON");
    let rows = json["results"].as_array().expect("a results array");
    assert_eq!(rows.len(), report.results.len());
    for key in [
        "scheme",
        "threads",
        "recipients",
        "devices_per_recipient",
        "message_bytes",
        "encrypt_ns",
        "wire_bytes",
    ] {
        assert!(rows.iter().all(|row| !row[key].is_null()), "{key} missing");
    }
    for row in rows {
        let session = row["scheme"] == "sender-keys" || row["scheme"] == "mls";
        for key in ["membership_change_ns", "removal_ns"] {
            assert_eq!(row[key].is_u64(), session, "{key} in {row}");
        }
    }
    assert!(rows.iter().any(|row| row["scheme"] == "floor"));
    assert!(rows.iter().any(|row| row["scheme"] == "mls"));
    assert_eq!(report.to_csv().lines().count(), report.results.len() + 1);
    let table = report.to_table();
    assert!(table.contains("bagged-shared-ephemeral") && table.contains("sender-keys"));
    assert!(table.contains("message size 1KiB, 2 threads"), "{table}");
    let brief = report.to_brief();
    brief_fits_a_projector(&brief);
    for name in [
        "per-recipient",
        "bagged",
        "floor-ephemeral",
        "sender-keys",
        "mls",
    ] {
        assert!(brief.contains(name), "{name} missing from\n{brief}");
    }
    assert!(brief.contains("1KiB message, 2 threads"), "{brief}");
    let svg = report.to_svg().expect("draws");
    assert!(
        svg.starts_with("<svg") && svg.contains("per-recipient") && svg.contains("1KiB message")
    );
}

fn brief_fits_a_projector(brief: &str) {
    for line in brief.lines() {
        assert!(
            line.chars().count() <= BRIEF_WIDTH,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}

#[test]
fn the_brief_table_fits_a_projector_at_the_limits() {
    // The widest cells any run can produce: the longest scheme name, 100,000 devices, times
    // in hundreds of milliseconds, gigabytes on the wire, break-even counts in the thousands.
    let row = |scheme, encrypt_ns, membership: Option<u64>| PointResult {
        scheme,
        threads: 1024,
        recipients: 100_000,
        devices_per_recipient: 1,
        message_bytes: 64 << 20,
        encrypt_ns,
        decrypt_ns_per_device: Some(999_999),
        membership_change_ns: membership,
        removal_ns: membership,
        wire_bytes: 1023 << 30,
        samples: 201,
        stable: false,
    };
    let report = BenchReport {
        results: vec![
            row(
                BenchScheme::Fanout(Fanout::PerRecipient),
                999_000_000_000,
                None,
            ),
            row(BenchScheme::Fanout(Fanout::Bagged), 990_000_000, None),
            row(BenchScheme::Fanout(Fanout::BaggedSharedEphemeral), 10, None),
            row(BenchScheme::Floor, 1, None),
            row(BenchScheme::FloorEphemeral, 1, None),
            row(BenchScheme::SenderKeys, 989_999_999, Some(999_999_999_999)),
            row(BenchScheme::Mls, 999_999_999_999, Some(999_999_999_999)),
        ],
    };
    let brief = report.to_brief();
    brief_fits_a_projector(&brief);
    assert!(brief.contains("ran out of time"), "{brief}");
}

#[test]
fn the_ephemeral_floor_does_a_bags_public_key_work() {
    let keys = device_keys(&mut rand::rngs::StdRng::seed_from_u64(8), 20);
    let recipients = publics(&keys);
    let seeds: Vec<zeroize::Zeroizing<[u8; 32]>> = (0..20u8)
        .map(|i| zeroize::Zeroizing::new([i + 1; 32]))
        .collect();
    let message = vec![3u8; 700];
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a small pool starts")
            .install(|| floor_ephemeral_seal(&seeds, &recipients, &[5; 32], &message))
            .expect("valid keys")
    };
    let one = on(1);
    assert_eq!(one, on(3), "the same work on any number of threads");
    assert_eq!(one.ciphertext.len(), message.len() + 16);
    // The folds are of the real ephemeral keys and shared secrets, device by device.
    let (mut ephemeral, mut shared) = ([0u8; 32], [0u8; 32]);
    for (seed, device) in seeds.iter().zip(&keys) {
        let eph = SecretKey::from_bytes(**seed).public();
        let (plain, secret) = floor_open(device, &eph, &[5; 32], &one.ciphertext).expect("opens");
        assert_eq!(plain, message);
        for i in 0..32 {
            ephemeral[i] ^= eph.as_bytes()[i];
            shared[i] ^= secret[i];
        }
    }
    assert_eq!((one.ephemeral_fold, one.shared_fold), (ephemeral, shared));
}

#[test]
fn too_many_devices_is_refused_naming_the_limit() {
    let config = BenchConfig {
        recipients: vec![1, 50_001],
        devices_per_recipient: 2,
        ..BenchConfig::default()
    };
    let err = config
        .validate()
        .expect_err("100,002 devices is over the limit");
    assert_eq!(
        err,
        BenchError::TooManyDevices {
            recipients: 50_001,
            devices_per_recipient: 2,
            asked: 100_002,
            max: MAX_RECIPIENTS
        }
    );
    assert!(
        err.to_string().contains("100002") && err.to_string().contains("100000"),
        "{err}"
    );
    // Exactly at the limit is allowed (validation only: nothing is measured here).
    let at_limit = BenchConfig {
        recipients: vec![MAX_RECIPIENTS],
        schemes: vec![BenchScheme::Fanout(Fanout::Bagged)],
        ..BenchConfig::default()
    };
    assert!(at_limit.validate().is_ok());
    // A product that would overflow is refused, not wrapped around.
    let huge = BenchConfig {
        recipients: vec![usize::MAX],
        devices_per_recipient: 3,
        ..BenchConfig::default()
    };
    assert!(matches!(
        huge.validate(),
        Err(BenchError::TooManyDevices {
            asked: usize::MAX,
            ..
        })
    ));
}

#[test]
fn oversized_messages_and_memory_are_refused() {
    let config = BenchConfig {
        sizes: vec![1024, MAX_MESSAGE + 1],
        ..BenchConfig::default()
    };
    assert_eq!(
        config.validate(),
        Err(BenchError::MessageTooLarge {
            asked: MAX_MESSAGE + 1,
            max: MAX_MESSAGE
        })
    );
    let at_limit = BenchConfig {
        sizes: vec![MAX_MESSAGE],
        recipients: vec![1],
        ..BenchConfig::default()
    }
    .validate();
    assert!(at_limit.is_ok());
    // Per-recipient copies the message per device: 64 MiB to 64 devices would hold 4 GiB.
    let config = BenchConfig {
        sizes: vec![MAX_MESSAGE],
        recipients: vec![64],
        ..BenchConfig::default()
    };
    match config.validate() {
        Err(BenchError::TooMuchMemory {
            scheme: "per-recipient",
            devices: 64,
            asked,
            max,
            ..
        }) => {
            assert!(asked > max && max == MAX_POINT_BYTES);
        }
        other => panic!("expected TooMuchMemory, got {other:?}"),
    }
    // The bag holds the message once: the same point without per-recipient is fine.
    let bagged_only = BenchConfig {
        sizes: vec![MAX_MESSAGE],
        recipients: vec![64],
        schemes: vec![BenchScheme::Fanout(Fanout::Bagged), BenchScheme::Floor],
        ..BenchConfig::default()
    };
    assert!(bagged_only.validate().is_ok());
}

#[test]
fn empty_lists_and_zeros_are_refused() {
    let base = BenchConfig::default;
    let cases = [
        (
            BenchConfig {
                recipients: vec![],
                ..base()
            },
            BenchError::EmptyList {
                what: "recipient counts",
            },
        ),
        (
            BenchConfig {
                sizes: vec![],
                ..base()
            },
            BenchError::EmptyList {
                what: "message sizes",
            },
        ),
        (
            BenchConfig {
                schemes: vec![],
                ..base()
            },
            BenchError::EmptyList { what: "schemes" },
        ),
        (
            BenchConfig {
                recipients: vec![8, 0],
                ..base()
            },
            BenchError::Zero {
                what: "a recipient count",
            },
        ),
        (
            BenchConfig {
                devices_per_recipient: 0,
                ..base()
            },
            BenchError::Zero {
                what: "devices per recipient",
            },
        ),
        (
            BenchConfig {
                sizes: vec![0],
                ..base()
            },
            BenchError::Zero {
                what: "a message size",
            },
        ),
    ];
    for (config, expected) in cases {
        assert_eq!(config.validate(), Err(expected));
    }
}

#[test]
fn bad_thread_counts_and_oversized_mls_groups_are_refused() {
    let with_threads = |threads: Vec<usize>| BenchConfig {
        threads,
        ..BenchConfig::default()
    };
    assert_eq!(
        with_threads(vec![2, 0]).validate(),
        Err(BenchError::Zero {
            what: "a thread count"
        })
    );
    assert_eq!(
        with_threads(vec![1, usize::MAX]).validate(),
        Err(BenchError::TooManyThreads {
            asked: usize::MAX,
            max: bench::MAX_THREADS
        })
    );
    let plan = with_threads(vec![4, 1, 4]).validate().expect("valid");
    assert_eq!(plan.config().threads, vec![1, 4]);
    let big_mls = BenchConfig {
        recipients: vec![bench::MAX_MLS_DEVICES + 1],
        schemes: vec![BenchScheme::Mls],
        ..BenchConfig::default()
    };
    assert!(matches!(
        big_mls.validate(),
        Err(BenchError::TooManyForMls { .. })
    ));
}

#[test]
fn validation_sorts_and_removes_repeats() {
    let config = BenchConfig {
        recipients: vec![64, 1, 64, 8],
        sizes: vec![2048, 256, 2048],
        schemes: vec![
            BenchScheme::Floor,
            BenchScheme::Fanout(Fanout::Bagged),
            BenchScheme::Floor,
        ],
        ..BenchConfig::default()
    };
    let plan = config.validate().expect("valid");
    assert_eq!(plan.config().recipients, vec![1, 8, 64]);
    assert_eq!(plan.config().sizes, vec![256, 2048]);
    assert_eq!(
        plan.config().schemes,
        vec![BenchScheme::Fanout(Fanout::Bagged), BenchScheme::Floor]
    );
    assert_eq!(plan.points(), 3 * 2 * 2);
}

#[test]
fn sizes_parse_in_the_forms_the_command_line_takes() {
    for (text, bytes) in [
        ("256B", 256),
        ("1KiB", 1024),
        ("64KiB", 64 << 10),
        ("1MiB", 1 << 20),
        ("64MiB", 64 << 20),
        ("4096", 4096),
        ("1kib", 1024),
        ("2KB", 2048),
        (" 3 MiB ", 3 << 20),
        ("128MiB", 128 << 20), // parses; validation refuses it
    ] {
        assert_eq!(parse_size(text), Ok(bytes), "{text}");
    }
    for bad in [
        "",
        "KiB",
        "1.5KiB",
        "1XB",
        "-1",
        "99999999999999999999999",
        "17179869184GiB",
    ] {
        assert!(
            matches!(parse_size(bad), Err(BenchError::BadSize { .. })),
            "{bad:?} parsed"
        );
    }
    for bytes in [1, 256, 1000, 1024, 64 << 10, 1 << 20, 64 << 20, 1536] {
        assert_eq!(parse_size(&format_size(bytes)), Ok(bytes));
    }
    assert_eq!(format_size(64 << 10), "64KiB");
    assert_eq!(format_size(1536), "1536B");
}

#[test]
fn scheme_names_round_trip() {
    for scheme in BenchScheme::ALL {
        assert_eq!(BenchScheme::from_name(scheme.name()), Ok(scheme));
    }
    assert_eq!(
        BenchScheme::from_name("floor").map(BenchScheme::is_floor),
        Ok(true)
    );
    assert!(matches!(
        BenchScheme::from_name("rot13"),
        Err(BenchError::UnknownScheme { .. })
    ));
}

#[test]
fn per_recipient_sealing_is_what_the_harness_counts() {
    // The scheme trait and the envelope function agree on the bytes.
    let keys = device_keys(&mut rand::rngs::StdRng::seed_from_u64(4), 3);
    let envelopes = seal_per_recipient(&mut os_rng(), &publics(&keys), b"hi").expect("seals");
    assert_eq!(
        envelopes.iter().map(Vec::len).sum::<usize>(),
        expected_wire_bytes(Fanout::PerRecipient, 3, 2)
    );
}

#[test]
fn bench_brief_prints_a_narrow_table_and_refuses_json() {
    let bench = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_plainsight"))
            .args([
                "bench",
                "--recipients",
                "1,8",
                "--sizes",
                "256B",
                "--schemes",
                "per-recipient,bagged,floor,floor-ephemeral",
                "--threads",
                "1",
            ])
            .args(extra)
            .output()
            .expect("runs")
    };
    let out = bench(&["--brief"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let brief = String::from_utf8(out.stdout).expect("UTF-8");
    brief_fits_a_projector(&brief);
    assert!(brief.starts_with("256B message, 1 thread:"), "{brief}");
    assert!(
        brief.contains("floor-ephemeral") && brief.contains("speed-up"),
        "{brief}"
    );
    let both = bench(&["--brief", "--json"]);
    assert!(!both.status.success(), "--brief with --json is refused");
}
