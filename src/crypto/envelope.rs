//! Sealing and opening the three envelopes (their bytes are laid out in format.rs).
//!
//! A masked key is the random content key XORed with a one-time mask derived (X25519 then
//! HKDF-SHA256 over both public keys) for that device. The commitment, derived from the content
//! key, lets a device check the key it unmasked before use: any changed bit in a stanza, the
//! commitment or the content makes opening fail.

use rand::CryptoRng;
use rayon::prelude::*;
use zeroize::Zeroizing;

use super::ephemeral::{Secret, ephemeral_agreements};
use super::format::{
    BAGGED_STANZA_LEN, HEADER_LEN, MAX_MESSAGE, MAX_RECIPIENTS, PER_RECIPIENT_OVERHEAD,
    SHARED_STANZA_LEN, bag_layout, frame_kind, header, kind, per_recipient_eph,
};
use super::kdf::{self, TAG_LEN, label};
use super::{OpenError, PublicKey, SealError, SecretKey};

/// Below this many devices, sealing stays on one thread: spreading the work costs more than it
/// saves. From here on every scheme spreads its per-device work over the current rayon pool.
const PARALLEL_FROM: usize = 8;
const ZERO_NONCE: [u8; 12] = [0; 12];

fn check_message(message: &[u8]) -> Result<(), SealError> {
    if message.len() > MAX_MESSAGE {
        return Err(SealError::MessageTooLarge {
            asked: message.len(),
            max: MAX_MESSAGE,
        });
    }
    Ok(())
}

fn check_recipients(recipients: &[PublicKey]) -> Result<(), SealError> {
    if recipients.is_empty() {
        return Err(SealError::NoRecipients);
    }
    if recipients.len() > MAX_RECIPIENTS {
        return Err(SealError::TooManyRecipients {
            asked: recipients.len(),
            max: MAX_RECIPIENTS,
        });
    }
    Ok(())
}

/// Random secret bytes for `n` ephemeral keys, drawn in order from `rng` (the RNG is not shared
/// across threads; the expensive scalar multiplications happen later, in parallel).
fn ephemeral_seeds(rng: &mut (impl CryptoRng + ?Sized), n: usize) -> Vec<Zeroizing<[u8; 32]>> {
    // One draw for all devices: from the operating system that is one system call, not one a
    // device (which stayed sequential while the rest ran on every core). A seeded RNG gives the
    // same stream either way, so the bytes do not change (known-answer tests).
    let mut all = Zeroizing::new(vec![0u8; n * 32]);
    rng.fill_bytes(all.as_mut_slice());
    all.chunks_exact(32)
        .map(|c| Zeroizing::new(c.try_into().expect("chunks of 32 bytes")))
        .collect()
}

/// Seals `message` to one device: `PS 1 0x01 | eph | ciphertext | tag`.
pub fn seal_one(
    rng: &mut (impl CryptoRng + ?Sized),
    recipient: &PublicKey,
    message: &[u8],
) -> Result<Vec<u8>, SealError> {
    check_message(message)?;
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(seed.as_mut());
    seal_one_with(&SecretKey::from_bytes(*seed), recipient, message)
        .ok_or(SealError::WeakRecipientKey { index: 0 })
}

/// Per-recipient sealing with a given ephemeral key (for known-answer tests and parallel fan-out).
pub fn seal_one_with(
    ephemeral: &SecretKey,
    recipient: &PublicKey,
    message: &[u8],
) -> Option<Vec<u8>> {
    let eph = ephemeral.public().to_bytes();
    let shared = ephemeral.diffie_hellman(recipient);
    if super::x25519::is_all_zero(&shared) {
        return None;
    }
    Some(per_recipient_envelope(&eph, &shared, recipient, message))
}

/// A per-recipient envelope from its ephemeral public key and the X25519 shared secret.
fn per_recipient_envelope(
    eph: &[u8; 32],
    shared: &[u8; 32],
    recipient: &PublicKey,
    message: &[u8],
) -> Vec<u8> {
    let key = kdf::derive(shared, eph, recipient.as_bytes(), label::PER_RECIPIENT);
    let mut out = Vec::with_capacity(PER_RECIPIENT_OVERHEAD + message.len());
    out.extend_from_slice(&header(kind::PER_RECIPIENT));
    out.extend_from_slice(eph);
    let start = out.len();
    out.extend_from_slice(message);
    // The key is fresh for every envelope (a new ephemeral key each time), so a fixed nonce is safe.
    let (aad, _) = out.split_at(start);
    let aad = aad.to_vec();
    kdf::seal_in_place(&key, &ZERO_NONCE, &aad, &mut out, start);
    out
}

/// Seals `message` once per device, each with its own ephemeral key.
///
/// The public-key work is a bag's (`ephemeral_agreements`: the same tasks, the same shared
/// field inversions); then, from `PARALLEL_FROM` (8) devices on, every envelope is its own task
/// over the current rayon pool, so one AEAD pass per device evens out across the threads.
pub fn seal_per_recipient(
    rng: &mut (impl CryptoRng + ?Sized),
    recipients: &[PublicKey],
    message: &[u8],
) -> Result<Vec<Vec<u8>>, SealError> {
    check_message(message)?;
    check_recipients(recipients)?;
    let seeds = ephemeral_seeds(rng, recipients.len());
    let parallel = recipients.len() >= PARALLEL_FROM;
    let agreed: Vec<(usize, [u8; 32], Secret)> =
        ephemeral_agreements(&seeds, recipients, parallel, |_, devices| {
            devices
                .iter()
                .map(|d| (d.index, d.ephemeral.to_bytes(), d.shared.clone()))
                .collect::<Vec<_>>()
        })?
        .into_iter()
        .flatten()
        .collect();
    let seal = |(index, eph, shared): &(usize, [u8; 32], Secret)| {
        per_recipient_envelope(eph, shared, &recipients[*index], message)
    };
    Ok(if parallel {
        agreed.par_iter().map(seal).collect()
    } else {
        agreed.iter().map(seal).collect()
    })
}

/// Opens a per-recipient envelope with a device's private key.
pub fn open_one(secret: &SecretKey, envelope: &[u8]) -> Result<Vec<u8>, OpenError> {
    let eph = per_recipient_eph(envelope)?;
    let me = secret.public().to_bytes();
    let key = kdf::agree(
        secret,
        &PublicKey::from(eph),
        &eph,
        &me,
        label::PER_RECIPIENT,
    )
    .ok_or(OpenError::WeakEphemeralKey)?;
    kdf::open(
        &key,
        &ZERO_NONCE,
        &envelope[..HEADER_LEN + 32],
        &envelope[HEADER_LEN + 32..],
    )
}

fn xor_into(out: &mut [u8], a: &[u8; 32], b: &[u8; 32]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = x ^ y;
    }
}

/// Compares without an early exit, so timing does not say where two keys differ.
fn equal_ct(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn seal_content(out: &mut Vec<u8>, content_key: &[u8; 32], message: &[u8]) {
    let (aead_key, commitment) = kdf::content_keys(content_key);
    out.extend_from_slice(&commitment);
    let start = out.len();
    out.extend_from_slice(message);
    // The AAD is the 4-byte header only, so a server may split a bag into per-device parts.
    let aad = out[..HEADER_LEN].to_vec();
    kdf::seal_in_place(&aead_key, &ZERO_NONCE, &aad, out, start);
}

fn open_content(
    content_key: &[u8; 32],
    envelope: &[u8],
    tail: usize,
) -> Result<Vec<u8>, OpenError> {
    let (aead_key, _) = kdf::content_keys(content_key);
    kdf::open(
        &aead_key,
        &ZERO_NONCE,
        &envelope[..HEADER_LEN],
        &envelope[tail + 32..],
    )
}

fn commitment_matches(content_key: &[u8; 32], commitment: &[u8]) -> bool {
    equal_ct(&kdf::content_keys(content_key).1, commitment)
}

/// Seals `message` once under a random content key and masks that key for each device, each
/// with its own ephemeral key.
///
/// From `PARALLEL_FROM` (8) devices on, the public-key work is spread over the current rayon pool
/// (`ephemeral_agreements`, the same code the bench's `floor-ephemeral` runs); each thread's
/// share then gets one HKDF and one masked key a device. The seeds are drawn first, in device
/// order: how the work is split changes the time, never the bytes.
pub fn seal_bagged(
    rng: &mut (impl CryptoRng + ?Sized),
    recipients: &[PublicKey],
    message: &[u8],
) -> Result<Vec<u8>, SealError> {
    check_message(message)?;
    check_recipients(recipients)?;
    let mut content_key = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(content_key.as_mut());
    let seeds = ephemeral_seeds(rng, recipients.len());
    let n = recipients.len();
    let stanzas = ephemeral_agreements(&seeds, recipients, n >= PARALLEL_FROM, |_, devices| {
        let mut out = Vec::with_capacity(devices.len() * BAGGED_STANZA_LEN);
        for device in devices {
            let eph_pub = device.ephemeral.to_bytes();
            let i = device.index;
            let mask = kdf::derive(
                device.shared,
                &eph_pub,
                recipients[i].as_bytes(),
                label::BAGGED,
            );
            out.extend_from_slice(&eph_pub);
            let masked = out.len();
            out.resize(masked + 32, 0);
            xor_into(&mut out[masked..], &content_key, &mask);
        }
        out
    })?;
    let mut out =
        Vec::with_capacity(HEADER_LEN + 4 + n * BAGGED_STANZA_LEN + 32 + message.len() + TAG_LEN);
    out.extend_from_slice(&header(kind::BAGGED));
    out.extend_from_slice(&(n as u32).to_be_bytes());
    out.extend(stanzas.iter().flatten());
    seal_content(&mut out, &content_key, message);
    Ok(out)
}

/// Seals `message` once under a random content key and masks that key for each device with one
/// ephemeral key shared by all (one X25519 per device; the KDF binds each device's public key).
pub fn seal_bagged_shared(
    rng: &mut (impl CryptoRng + ?Sized),
    recipients: &[PublicKey],
    message: &[u8],
) -> Result<Vec<u8>, SealError> {
    check_message(message)?;
    check_recipients(recipients)?;
    let mut content_key = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(content_key.as_mut());
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(seed.as_mut());
    let eph = SecretKey::from_bytes(*seed);
    let eph_pub = eph.public().to_bytes();
    let n = recipients.len();
    let mut out =
        Vec::with_capacity(HEADER_LEN + 36 + n * SHARED_STANZA_LEN + 32 + message.len() + TAG_LEN);
    out.extend_from_slice(&header(kind::BAGGED_SHARED));
    out.extend_from_slice(&eph_pub);
    out.extend_from_slice(&(n as u32).to_be_bytes());
    let stanzas_at = out.len();
    out.resize(stanzas_at + n * SHARED_STANZA_LEN, 0);
    let wrap = |(index, (stanza, recipient)): (usize, (&mut [u8], &PublicKey))| {
        let mask = kdf::agree(
            &eph,
            recipient,
            &eph_pub,
            recipient.as_bytes(),
            label::BAGGED_SHARED,
        )
        .ok_or(SealError::WeakRecipientKey { index })?;
        xor_into(stanza, &content_key, &mask);
        Ok::<(), SealError>(())
    };
    let stanzas = &mut out[stanzas_at..];
    if n >= PARALLEL_FROM {
        stanzas
            .par_chunks_mut(SHARED_STANZA_LEN)
            .zip(recipients.par_iter())
            .enumerate()
            .try_for_each(wrap)?;
    } else {
        stanzas
            .chunks_mut(SHARED_STANZA_LEN)
            .zip(recipients.iter())
            .enumerate()
            .try_for_each(wrap)?;
    }
    seal_content(&mut out, &content_key, message);
    Ok(out)
}

/// Opens a bag (either kind) with a device's private key, trying each stanza.
pub fn open_bag(secret: &SecretKey, bag: &[u8]) -> Result<Vec<u8>, OpenError> {
    Ok(open_bag_key(secret, bag)?.1)
}

/// Opens a bag and also returns the unmasked content key (a malicious server re-wraps it).
fn open_bag_key(
    secret: &SecretKey,
    bag: &[u8],
) -> Result<(Zeroizing<[u8; 32]>, Vec<u8>), OpenError> {
    let layout = bag_layout(bag)?;
    let me = secret.public().to_bytes();
    let commitment = &bag[layout.commitment_at..layout.commitment_at + 32];
    let mut content_key = Zeroizing::new([0u8; 32]);
    let stanza = |i: usize| &bag[layout.stanzas_at + i * layout.stanza_len..][..layout.stanza_len];
    let found = match layout.kind {
        kind::BAGGED => (0..layout.count).any(|i| {
            let s = stanza(i);
            let eph: [u8; 32] = s[..32].try_into().expect("stanza is 64 bytes");
            let Some(mask) = kdf::agree(secret, &PublicKey::from(eph), &eph, &me, label::BAGGED)
            else {
                return false;
            };
            xor_into(
                content_key.as_mut(),
                s[32..].try_into().expect("stanza is 64 bytes"),
                &mask,
            );
            commitment_matches(&content_key, commitment)
        }),
        _ => {
            let eph: [u8; 32] = bag[HEADER_LEN..HEADER_LEN + 32]
                .try_into()
                .expect("layout checked");
            let mask = kdf::agree(
                secret,
                &PublicKey::from(eph),
                &eph,
                &me,
                label::BAGGED_SHARED,
            )
            .ok_or(OpenError::WeakEphemeralKey)?;
            (0..layout.count).any(|i| {
                xor_into(
                    content_key.as_mut(),
                    stanza(i).try_into().expect("stanza is 32 bytes"),
                    &mask,
                );
                commitment_matches(&content_key, commitment)
            })
        }
    };
    if !found {
        return Err(OpenError::NotARecipient);
    }
    let plain = open_content(&content_key, bag, layout.commitment_at)?;
    Ok((content_key, plain))
}

/// Opens any envelope kind with a device's private key.
pub fn open_envelope(secret: &SecretKey, envelope: &[u8]) -> Result<Vec<u8>, OpenError> {
    match frame_kind(envelope)? {
        kind::PER_RECIPIENT => open_one(secret, envelope),
        kind::BAGGED | kind::BAGGED_SHARED => open_bag(secret, envelope),
        found => Err(OpenError::WrongKind {
            expected: "envelope",
            found,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::format::bag_select;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn keys(rng: &mut StdRng, n: usize) -> Vec<SecretKey> {
        (0..n).map(|_| SecretKey::generate(rng)).collect()
    }

    #[test]
    fn every_kind_opens_for_each_recipient_and_for_no_one_else() {
        let mut rng = StdRng::seed_from_u64(9);
        let devices = keys(&mut rng, 20);
        let outsider = SecretKey::generate(&mut rng);
        let publics: Vec<PublicKey> = devices.iter().map(SecretKey::public).collect();
        let msg = b"meet at six";
        let per = seal_per_recipient(&mut rng, &publics, msg).expect("seals");
        for (key, env) in devices.iter().zip(&per) {
            assert_eq!(open_envelope(key, env).expect("opens"), msg);
            assert!(open_envelope(&outsider, env).is_err());
        }
        for bag in [
            seal_bagged(&mut rng, &publics, msg).expect("seals"),
            seal_bagged_shared(&mut rng, &publics, msg).expect("seals"),
        ] {
            for (i, key) in devices.iter().enumerate() {
                assert_eq!(open_envelope(key, &bag).expect("full bag opens"), msg);
                let part = bag_select(&bag, &[i]).expect("selects");
                assert_eq!(open_envelope(key, &part).expect("part opens"), msg);
                if i > 0 {
                    // Another device's part does not open with this key.
                    assert_eq!(
                        open_envelope(&devices[0], &part),
                        Err(OpenError::NotARecipient)
                    );
                }
            }
            assert_eq!(
                open_envelope(&outsider, &bag),
                Err(OpenError::NotARecipient)
            );
        }
    }

    #[test]
    fn bags_are_the_same_bytes_on_any_number_of_threads() {
        // The split into tasks depends on the pool; the bytes must not.
        let publics: Vec<PublicKey> = keys(&mut StdRng::seed_from_u64(14), 70)
            .iter()
            .map(SecretKey::public)
            .collect();
        let seal_on = |threads: usize, n: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a small pool starts")
                .install(|| {
                    let mut rng = StdRng::seed_from_u64(15);
                    seal_bagged(&mut rng, &publics[..n], b"same bytes").expect("seals")
                })
        };
        for n in [1, 7, 8, 9, 33, 70] {
            let one = seal_on(1, n);
            for threads in [2, 3, 16] {
                assert_eq!(seal_on(threads, n), one, "{n} devices, {threads} threads");
            }
        }
    }

    #[test]
    fn per_recipient_fan_out_is_seal_one_with_each_seed() {
        // The fan-out shares its public-key work with bags; the bytes are still, device by
        // device, what `seal_one_with` writes for the seed drawn for that device.
        let publics: Vec<PublicKey> = keys(&mut StdRng::seed_from_u64(16), 9)
            .iter()
            .map(SecretKey::public)
            .collect();
        let sealed =
            seal_per_recipient(&mut StdRng::seed_from_u64(17), &publics, b"same").expect("seals");
        let seeds = ephemeral_seeds(&mut StdRng::seed_from_u64(17), publics.len());
        for ((envelope, seed), recipient) in sealed.iter().zip(&seeds).zip(&publics) {
            let one = seal_one_with(&SecretKey::from_bytes(**seed), recipient, b"same");
            assert_eq!(Some(envelope), one.as_ref());
        }
    }

    #[test]
    fn wire_bytes_per_extra_device_are_fixed() {
        let mut rng = StdRng::seed_from_u64(10);
        let publics: Vec<PublicKey> = keys(&mut rng, 3).iter().map(SecretKey::public).collect();
        let msg = [7u8; 1000];
        let one = seal_bagged(&mut rng, &publics[..1], &msg)
            .expect("seals")
            .len();
        let three = seal_bagged(&mut rng, &publics, &msg).expect("seals").len();
        assert_eq!(three - one, 2 * BAGGED_STANZA_LEN);
        let one = seal_bagged_shared(&mut rng, &publics[..1], &msg)
            .expect("seals")
            .len();
        let three = seal_bagged_shared(&mut rng, &publics, &msg)
            .expect("seals")
            .len();
        assert_eq!(three - one, 2 * SHARED_STANZA_LEN);
        assert_eq!(
            seal_one(&mut rng, &publics[0], &msg).expect("seals").len(),
            PER_RECIPIENT_OVERHEAD + msg.len()
        );
    }

    #[test]
    fn truncation_and_forged_counts_are_typed_errors() {
        let mut rng = StdRng::seed_from_u64(11);
        let key = SecretKey::generate(&mut rng);
        let bag = seal_bagged(&mut rng, &[key.public()], b"x").expect("seals");
        for len in 0..bag.len() {
            assert!(
                open_envelope(&key, &bag[..len]).is_err(),
                "opened a bag cut to {len} bytes"
            );
        }
        let mut forged = bag.clone();
        forged[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            open_envelope(&key, &forged),
            Err(OpenError::Truncated { .. } | OpenError::Malformed(_))
        ));
        assert_eq!(open_envelope(&key, b"XX\x01\x01"), Err(OpenError::BadMagic));
        assert_eq!(
            open_envelope(&key, b"PS\x09\x01"),
            Err(OpenError::UnsupportedVersion(9))
        );
    }

    #[test]
    fn limits_refuse_before_sealing() {
        let mut rng = StdRng::seed_from_u64(12);
        assert_eq!(
            seal_bagged(&mut rng, &[], b"x"),
            Err(SealError::NoRecipients)
        );
        let key = SecretKey::generate(&mut rng).public();
        let many = vec![key; MAX_RECIPIENTS + 1];
        assert!(matches!(
            seal_bagged(&mut rng, &many, b"x"),
            Err(SealError::TooManyRecipients { .. })
        ));
    }

    #[test]
    fn low_order_recipient_key_is_refused() {
        let mut rng = StdRng::seed_from_u64(13);
        // The all-zero point is of low order: the shared secret would be all zeros.
        let weak = PublicKey::from([0u8; 32]);
        assert_eq!(
            seal_bagged(&mut rng, &[weak], b"x"),
            Err(SealError::WeakRecipientKey { index: 0 })
        );
        assert!(matches!(
            seal_per_recipient(&mut rng, &[weak], b"x"),
            Err(SealError::WeakRecipientKey { index: 0 })
        ));
    }
}
