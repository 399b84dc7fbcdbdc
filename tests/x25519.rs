//! X25519 through Edwards arithmetic (`plainsight::crypto::x25519`) gives x25519-dalek's bytes:
//! on RFC 7748's vectors, on every one of Project Wycheproof's X25519 vectors (low-order, twist
//! and non-canonical points among them) and on 100,000 random pairs. Both paths are checked
//! directly, whatever this CPU's dispatch picks, and so is the dispatch itself.

use plainsight::crypto::x25519::{
    edwards_is_faster, x25519, x25519_bytes, x25519_edwards, x25519_ladder,
};
use plainsight::crypto::{PublicKey, SecretKey};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;
use wycheproof::xdh::{TestFlag, TestName, TestSet};

fn arr(s: &str) -> [u8; 32] {
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex"))
        .collect();
    bytes.try_into().expect("32 bytes")
}

/// Every way we compute X25519(k, u) agrees with x25519-dalek's ladder; returns whether the
/// Edwards path applied (u has an Edwards image).
fn agrees(k: &[u8; 32], u: &[u8; 32]) -> bool {
    let expected = x25519_dalek::x25519(*k, *u);
    assert_eq!(
        x25519_ladder(k, u),
        expected,
        "ladder, k {k:02x?} u {u:02x?}"
    );
    assert_eq!(
        x25519_bytes(k, u),
        expected,
        "dispatch, k {k:02x?} u {u:02x?}"
    );
    assert_eq!(
        x25519(k, &PublicKey::from(*u)),
        expected,
        "prepared key, k {k:02x?} u {u:02x?}"
    );
    match x25519_edwards(k, u) {
        Some(shared) => {
            assert_eq!(shared, expected, "Edwards, k {k:02x?} u {u:02x?}");
            true
        }
        None => false,
    }
}

#[test]
fn rfc7748_section_5_2_vectors_both_ways() {
    for (k, u, out) in [
        (
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        ),
        (
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        ),
    ] {
        let (k, u) = (arr(k), arr(u));
        agrees(&k, &u);
        assert_eq!(x25519_bytes(&k, &u), arr(out));
    }
}

#[test]
fn rfc7748_section_5_2_iterated_1000_times() {
    // k = X25519(k, u), u = the old k, starting from k = u = 9.
    let mut k = [0u8; 32];
    k[0] = 9;
    let mut u = k;
    for round in 1..=1000 {
        agrees(&k, &u);
        let next = x25519_bytes(&k, &u);
        u = k;
        k = next;
        if round == 1 {
            assert_eq!(
                k,
                arr("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079")
            );
        }
    }
    assert_eq!(
        k,
        arr("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51")
    );
}

#[test]
fn rfc7748_section_6_1_key_pairs_and_shared_secret() {
    let alice = SecretKey::from_bytes(arr(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    ));
    let bob = SecretKey::from_bytes(arr(
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
    ));
    let shared = arr("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    // A public key made from a secret carries its Edwards form; one read from bytes prepares it.
    for (secret, public) in [(&alice, bob.public()), (&bob, alice.public())] {
        assert_eq!(x25519(&secret.to_bytes(), &public), shared);
        assert_eq!(
            x25519(&secret.to_bytes(), &PublicKey::from(public.to_bytes())),
            shared
        );
    }
}

#[test]
fn every_wycheproof_x25519_vector() {
    let set = TestSet::load(TestName::X25519).expect("the crate ships the vectors");
    let (mut edwards, mut ladder_only, mut seen) = (0, 0, Vec::new());
    for group in &set.test_groups {
        for test in &group.tests {
            let k: [u8; 32] = test.private_key[..].try_into().expect("32-byte scalars");
            let u: [u8; 32] = test.public_key[..].try_into().expect("32-byte points");
            let expected: [u8; 32] = test.shared_secret[..].try_into().expect("32-byte secrets");
            assert!(
                !test.result.must_fail(),
                "tc {}: no X25519 vector must fail",
                test.tc_id
            );
            assert_eq!(
                x25519_bytes(&k, &u),
                expected,
                "tc {} {}",
                test.tc_id,
                test.comment
            );
            if agrees(&k, &u) {
                edwards += 1;
            } else {
                ladder_only += 1;
            }
            seen.extend(test.flags.iter().copied());
        }
    }
    assert_eq!(edwards + ladder_only, set.number_of_tests);
    // The edge cases are really exercised, and both paths are.
    for flag in [
        TestFlag::LowOrderPublic,
        TestFlag::Twist,
        TestFlag::NonCanonicalPublic,
        TestFlag::ZeroSharedSecret,
        TestFlag::EdgeCaseMultiplication,
    ] {
        assert!(seen.contains(&flag), "no vector flagged {flag:?}");
    }
    assert!(
        edwards > 100 && ladder_only > 100,
        "{edwards} / {ladder_only}"
    );
}

/// Random pairs: half with a real public key (on the curve, the Edwards path), half with 32
/// random bytes (about half of them on the twist: the ladder).
fn random_pairs_agree(count: usize, seed: u64) {
    let pairs: Vec<([u8; 32], [u8; 32], [u8; 32])> = {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..count)
            .map(|_| (rng.random(), rng.random(), rng.random()))
            .collect()
    };
    let on_curve: usize = pairs
        .par_iter()
        .enumerate()
        .map(|(i, (k, other, bytes))| {
            let u = if i % 2 == 0 {
                SecretKey::from_bytes(*other).public().to_bytes()
            } else {
                *bytes
            };
            usize::from(agrees(k, &u))
        })
        .sum();
    assert!(on_curve > count / 2, "{on_curve} of {count} on the curve");
}

/// 100,000 pairs with optimisations (`cargo test --release`); in a debug build 10,000, so the
/// suite stays quick (the curve code is optimised in debug builds too, but each pair runs four
/// multiplications). The full count in any build: `cargo test --test main -- --ignored
/// random_pairs`.
#[test]
fn random_pairs_agree_with_x25519_dalek() {
    let count = if cfg!(debug_assertions) {
        10_000
    } else {
        100_000
    };
    random_pairs_agree(count, 19);
}

/// The full 100,000 in any build (slow in a debug build).
#[test]
#[ignore = "minutes in a debug build: run with --ignored, or the release suite runs 100,000"]
fn random_pairs_agree_with_x25519_dalek_100_000() {
    random_pairs_agree(100_000, 19);
}

#[test]
fn keys_made_from_secrets_and_from_bytes_are_one_key() {
    let mut rng = StdRng::seed_from_u64(5);
    for _ in 0..50 {
        let secret = SecretKey::from_bytes(rng.random());
        let public = secret.public();
        let read = PublicKey::from(public.to_bytes());
        assert_eq!(public, read);
        assert_eq!(
            public.to_bytes(),
            x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(*secret.to_bytes()))
                .to_bytes()
        );
        let k: [u8; 32] = rng.random();
        assert_eq!(x25519(&k, &public), x25519(&k, &read));
    }
    // The dispatch is documented: Edwards exactly where AVX2 is.
    #[cfg(target_arch = "x86_64")]
    assert_eq!(edwards_is_faster(), std::is_x86_feature_detected!("avx2"));
}
