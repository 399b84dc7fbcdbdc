//! The floor: the work every fan-out scheme must do at least once, measured rather than
//! computed. One ChaCha20-Poly1305 pass over the message, and one X25519 per recipient device.
//! No key derivation, no ephemeral key generation, no framing: no real scheme can be faster.

use rayon::prelude::*;

use super::PARALLEL_FROM;
use crate::crypto::{OpenError, PublicKey, SecretKey, aead_open, aead_seal_in_place};

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
/// cores from [`PARALLEL_FROM`] devices on, exactly when the schemes spread theirs.
pub fn floor_seal(
    sender: &SecretKey,
    recipients: &[PublicKey],
    key: &[u8; 32],
    message: &[u8],
    parallel: bool,
) -> FloorSealed {
    let dh = |recipient: &PublicKey| *sender.diffie_hellman(recipient).as_bytes();
    let shared_fold = if parallel && recipients.len() >= PARALLEL_FROM {
        recipients.par_iter().map(dh).reduce(|| [0u8; 32], xor)
    } else {
        recipients.iter().map(dh).fold([0u8; 32], xor)
    };
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
    let shared = *device.diffie_hellman(sender).as_bytes();
    let plain = aead_open(key, &[0; 12], &[], ciphertext)?;
    Ok((plain, shared))
}

fn xor(mut a: [u8; 32], b: [u8; 32]) -> [u8; 32] {
    for (x, y) in a.iter_mut().zip(b) {
        *x ^= y;
    }
    a
}
