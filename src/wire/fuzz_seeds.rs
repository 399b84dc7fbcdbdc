//! Writes the fuzzers' seed corpus (run on purpose: `cargo test --lib -- --ignored fuzz_seeds`).
//! A tool, not a check: it lives apart from the codec it feeds.

use rand::SeedableRng;

use super::*;
use crate::Run;
use crate::crypto::{self, SecretKey};
use crate::scenario::{ModelChoice, Scenario};

#[test]
#[ignore = "writes fuzz/corpus; run on purpose"]
fn fuzz_seeds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let keys = [
        SecretKey::from_bytes([1; 32]).public(),
        SecretKey::from_bytes([2; 32]).public(),
    ];
    let mut envelopes = vec![
        crypto::seal_one(&mut rng, &keys[0], b"hello").expect("seals"),
        crypto::seal_bagged(&mut rng, &keys, b"hello").expect("seals"),
        crypto::seal_bagged_shared(&mut rng, &keys, b"hello").expect("seals"),
    ];
    let mut frames = Vec::new();
    for name in [
        "e2e",
        "server-encrypted",
        "group-dm-bagged",
        "multi-device-synced",
    ] {
        let sc = Scenario::shipped(name).expect("shipped");
        for choice in [
            ModelChoice::parse("server-encrypted").expect("model"),
            ModelChoice::parse("e2e-bagged").expect("model"),
            ModelChoice::parse("e2e-bagged-shared-ephemeral").expect("model"),
        ] {
            let run = Run::new(sc.clone(), Some(choice)).expect("runs");
            for step in run.trace.steps.iter().take(24) {
                if let Ok(parsed) = parse_frames(&step.bytes) {
                    for f in parsed {
                        if let Frame::Post(Post {
                            body: Body::Envelope(e),
                            ..
                        }) = f
                        {
                            envelopes.push(e);
                        }
                    }
                }
                frames.push(step.bytes.clone());
            }
        }
    }
    frames.sort();
    frames.dedup();
    envelopes.sort();
    envelopes.dedup();
    for (dir, items) in [
        ("envelope", envelopes.iter().take(40)),
        ("frames", frames.iter().take(60)),
    ] {
        std::fs::create_dir_all(root.join(dir)).expect("mkdir");
        for (i, bytes) in items.enumerate() {
            std::fs::write(root.join(dir).join(format!("seed-{i:03}")), bytes).expect("write");
        }
    }
}
