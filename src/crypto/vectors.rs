//! Pinned primitives: RFC 7748 (X25519) and RFC 8439 (ChaCha20-Poly1305) vectors run through
//! the same functions our envelopes use, and known answers for our own envelope layouts, so a
//! dependency upgrade that changes a single byte fails here.

use rand::SeedableRng;
use rand::rngs::StdRng;
use sha2::{Digest, Sha256};

use super::kdf;
use super::{PublicKey, SecretKey, envelope};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex"))
        .collect()
}

fn arr(s: &str) -> [u8; 32] {
    hex(s).try_into().expect("32 bytes")
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn rfc7748_section_5_2_scalar_multiplication() {
    let k = SecretKey::from_bytes(arr(
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
    ));
    let u = PublicKey::from(arr(
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
    ));
    assert_eq!(
        to_hex(k.diffie_hellman(&u).as_slice()),
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
    );
    let k = SecretKey::from_bytes(arr(
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
    ));
    let u = PublicKey::from(arr(
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
    ));
    assert_eq!(
        to_hex(k.diffie_hellman(&u).as_slice()),
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
    );
}

#[test]
fn rfc7748_section_6_1_diffie_hellman() {
    let alice = SecretKey::from_bytes(arr(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    ));
    let bob = SecretKey::from_bytes(arr(
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
    ));
    assert_eq!(
        to_hex(alice.public().as_bytes()),
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    );
    assert_eq!(
        to_hex(bob.public().as_bytes()),
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
    );
    let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assert_eq!(
        to_hex(alice.diffie_hellman(&bob.public()).as_slice()),
        shared
    );
    assert_eq!(
        to_hex(bob.diffie_hellman(&alice.public()).as_slice()),
        shared
    );
}

#[test]
fn rfc8439_section_2_8_2_aead() {
    let key = arr("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    let nonce: [u8; 12] = hex("070000004041424344454647")
        .try_into()
        .expect("12 bytes");
    let aad = hex("50515253c0c1c2c3c4c5c6c7");
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    let expected = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116\
1ae10b594f09e26a7e902ecbd0600691";
    let mut out = plaintext.to_vec();
    kdf::seal_in_place(&key, &nonce, &aad, &mut out, 0);
    assert_eq!(to_hex(&out), expected);
    assert_eq!(
        kdf::open(&key, &nonce, &aad, &out).expect("opens"),
        plaintext
    );
    out[0] ^= 1;
    assert!(kdf::open(&key, &nonce, &aad, &out).is_err());
}

#[test]
fn wycheproof_chacha20_poly1305() {
    // Every vector of Project Wycheproof's set through the AEAD calls every layer uses: valid
    // ones seal to the expected bytes and open; invalid ones (a changed tag or ciphertext) are
    // refused. Vectors with a nonce other than 96 bits (all invalid) cannot reach our calls,
    // which take a 12-byte nonce by type.
    use wycheproof::aead::{TestName, TestSet};
    let set = TestSet::load(TestName::ChaCha20Poly1305).expect("the crate ships the vectors");
    let (mut valid, mut refused, mut wrong_nonce) = (0, 0, 0);
    for group in &set.test_groups {
        for test in &group.tests {
            let key: [u8; 32] = test.key[..].try_into().expect("256-bit keys");
            let Ok(nonce) = <[u8; 12]>::try_from(&test.nonce[..]) else {
                assert!(test.result.must_fail(), "tc {}", test.tc_id);
                wrong_nonce += 1;
                continue;
            };
            let mut sealed = test.ct.to_vec();
            sealed.extend_from_slice(&test.tag);
            let opened = kdf::open(&key, &nonce, &test.aad, &sealed);
            if test.result.must_fail() {
                assert!(opened.is_err(), "tc {} {} opened", test.tc_id, test.comment);
                refused += 1;
            } else {
                assert_eq!(opened.as_deref(), Ok(&test.pt[..]), "tc {}", test.tc_id);
                let mut out = test.pt.to_vec();
                kdf::seal_in_place(&key, &nonce, &test.aad, &mut out, 0);
                assert_eq!(out, sealed, "tc {} {}", test.tc_id, test.comment);
                valid += 1;
            }
        }
    }
    assert_eq!(valid + refused + wrong_nonce, set.number_of_tests);
    assert!(
        valid > 200 && refused > 50,
        "{valid} valid, {refused} refused"
    );
}

#[test]
fn known_answer_per_recipient_envelope() {
    // Fixed ephemeral and recipient keys: the envelope's bytes are fully determined. These bytes
    // were also produced independently from docs/format.md with Python's `cryptography` package
    // (X25519, HKDF-SHA256 with salt = eph || recipient, ChaCha20Poly1305 with a zero nonce).
    let ephemeral = SecretKey::from_bytes([0x11; 32]);
    let recipient = SecretKey::from_bytes([0x22; 32]);
    let sealed =
        envelope::seal_one_with(&ephemeral, &recipient.public(), b"plainsight").expect("seals");
    assert_eq!(to_hex(&sealed), KAT_PER_RECIPIENT);
    assert_eq!(
        envelope::open_one(&recipient, &sealed).expect("opens"),
        b"plainsight"
    );
}

#[test]
fn known_answer_bags_from_a_seeded_rng() {
    let recipients: Vec<PublicKey> = (1..=3u8)
        .map(|i| SecretKey::from_bytes([i; 32]).public())
        .collect();
    let bag = envelope::seal_bagged(&mut StdRng::seed_from_u64(7), &recipients, b"plainsight")
        .expect("seals");
    let shared =
        envelope::seal_bagged_shared(&mut StdRng::seed_from_u64(7), &recipients, b"plainsight")
            .expect("seals");
    assert_eq!(
        to_hex(&Sha256::digest(&bag)),
        KAT_BAGGED_SHA256,
        "bagged bytes changed (or rand's StdRng did)"
    );
    assert_eq!(
        to_hex(&Sha256::digest(&shared)),
        KAT_SHARED_SHA256,
        "shared-ephemeral bytes changed (or rand's StdRng did)"
    );
}

const KAT_PER_RECIPIENT: &str = "505301017b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f1364576f21672d5cfdbb1ae2c31d90dd45f95aa857ffbf2d79e0ad";
const KAT_BAGGED_SHA256: &str = "ba67bd7bcaf61514a0d7aeccd8f1fb4ddf0e1f2cdcc8af114d1043a3669aff93";
const KAT_SHARED_SHA256: &str = "ae678ead907d22349b3ac0161348c954bb7056a50da0d54c3033be1d290d921f";
