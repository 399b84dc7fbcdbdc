//! The floor: the work every fan-out scheme must do at least once, measured rather than
//! computed. One ChaCha20-Poly1305 pass over the message, and one X25519 per recipient device.
//! No key derivation, no ephemeral key generation, no framing: no real scheme can be faster.
//!
//! A scheme with a fresh ephemeral key per device (bagged) must also generate that key: its
//! own floor, [`floor_ephemeral_seal`], adds one fixed-base multiplication per device.

use zeroize::Zeroizing;

use super::PARALLEL_FROM;
use crate::crypto::ephemeral::{conversion_chunk, ephemeral_agreements, spread};
use crate::crypto::x25519::{finish_batch, x25519_product};
use crate::crypto::{OpenError, PublicKey, SealError, SecretKey, aead_open, aead_seal_in_place};

/// What the floor produced: the sealed message (ciphertext and tag) and a fold of every shared
/// secret, returned so the compiler cannot skip the X25519s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloorSealed {
    /// ChaCha20-Poly1305 ciphertext and tag of the message.
    pub ciphertext: Vec<u8>,
    /// XOR of all shared secrets (meaningless as a key; it only keeps the work observable).
    pub shared_fold: [u8; 32],
}

/// The floor's sealing work: encrypts `message` once under `key` and does one X25519 between
/// `sender` and every key in `recipients`. With `parallel`, the X25519s are spread over all
/// cores from [`PARALLEL_FROM`] devices on, exactly when the schemes spread theirs, and each
/// thread's share ends with one field inversion for all of its devices, as a bag's does
/// (`x25519::finish_batch`): the least work an X25519 per device takes here.
pub fn floor_seal(
    sender: &SecretKey,
    recipients: &[PublicKey],
    key: &[u8; 32],
    message: &[u8],
    parallel: bool,
) -> FloorSealed {
    let n = recipients.len();
    let parallel = parallel && n >= PARALLEL_FROM;
    let scalar = sender.to_bytes();
    let products = spread(parallel, n, |i| x25519_product(&scalar, &recipients[i]));
    let threads = if parallel {
        rayon::current_num_threads()
    } else {
        1
    };
    let chunk = conversion_chunk(n, threads);
    let shared_fold = spread(parallel, n.div_ceil(chunk), |t| {
        let (_, shared) = finish_batch(&[], &products[t * chunk..n.min((t + 1) * chunk)]);
        shared.iter().fold([0u8; 32], |acc, s| xor(acc, **s))
    })
    .into_iter()
    .fold([0u8; 32], xor);
    let mut ciphertext = Vec::with_capacity(message.len() + crate::crypto::TAG_LEN);
    ciphertext.extend_from_slice(message);
    // A benchmark key used once per call; the fixed nonce mirrors the envelopes' own.
    aead_seal_in_place(key, &[0; 12], &[], &mut ciphertext, 0);
    FloorSealed {
        ciphertext,
        shared_fold,
    }
}

/// The floor's opening work for one device: one X25519 with the sender's public key and one
/// ChaCha20-Poly1305 open. Returns the plaintext and the shared secret.
pub fn floor_open(
    device: &SecretKey,
    sender: &PublicKey,
    key: &[u8; 32],
    ciphertext: &[u8],
) -> Result<(Vec<u8>, [u8; 32]), OpenError> {
    let shared = *device.diffie_hellman(sender);
    let plain = aead_open(key, &[0; 12], &[], ciphertext)?;
    Ok((plain, shared))
}

fn xor(mut a: [u8; 32], b: [u8; 32]) -> [u8; 32] {
    for (x, y) in a.iter_mut().zip(b) {
        *x ^= y;
    }
    a
}

/// What [`floor_ephemeral_seal`] produced: the sealed message, and folds of every ephemeral
/// public key and every shared secret (so the compiler cannot skip them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloorEphemeralSealed {
    /// ChaCha20-Poly1305 ciphertext and tag of the message.
    pub ciphertext: Vec<u8>,
    /// XOR of all ephemeral public keys.
    pub ephemeral_fold: [u8; 32],
    /// XOR of all shared secrets.
    pub shared_fold: [u8; 32],
}

/// Bagged's own floor: per device one fixed-base multiplication (a fresh ephemeral key, turned
/// into X25519 form) and one X25519 with the device's key, plus one ChaCha20-Poly1305 pass over
/// `message`. It runs the very code a bag runs for its public-key work (`ephemeral_agreements`,
/// spread the same way from [`PARALLEL_FROM`] devices on), without the key derivation, the
/// masking and the framing. `seeds` holds one 32-byte ephemeral secret per device.
pub fn floor_ephemeral_seal(
    seeds: &[Zeroizing<[u8; 32]>],
    recipients: &[PublicKey],
    key: &[u8; 32],
    message: &[u8],
) -> Result<FloorEphemeralSealed, SealError> {
    let n = recipients.len().min(seeds.len());
    let folds = ephemeral_agreements(
        &seeds[..n],
        &recipients[..n],
        n >= PARALLEL_FROM,
        |_, devices| {
            devices.iter().fold(([0u8; 32], [0u8; 32]), |(e, s), d| {
                (xor(e, d.ephemeral.to_bytes()), xor(s, **d.shared))
            })
        },
    )?;
    let (ephemeral_fold, shared_fold) = folds
        .into_iter()
        .fold(([0u8; 32], [0u8; 32]), |(e, s), (de, ds)| {
            (xor(e, de), xor(s, ds))
        });
    let mut ciphertext = Vec::with_capacity(message.len() + crate::crypto::TAG_LEN);
    ciphertext.extend_from_slice(message);
    aead_seal_in_place(key, &[0; 12], &[], &mut ciphertext, 0);
    Ok(FloorEphemeralSealed {
        ciphertext,
        ephemeral_fold,
        shared_fold,
    })
}
