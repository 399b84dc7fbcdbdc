//! Sender keys, as Signal and WhatsApp groups use them, built on plainsight's primitives plus an
//! Ed25519 signature (ed25519-dalek). The benches measure them (`plainsight bench`, scheme
//! `sender-keys`) and the simulation runs them (`fanout: "sender-keys"`): the same code.
//!
//! Each sender holds a [`SenderKey`]: a chain key that ratchets forward with every message, and
//! an Ed25519 signing key. It hands the chain key and the verifying key to every device of the
//! group **once**, pairwise, through the per-recipient envelope ([`SenderKey::distribute`]).
//! After that, a message is **one AEAD pass and one signature**, and the server fans out the
//! same bytes to every device. A device that joins gets the chain key as it is now, so it cannot
//! read earlier messages; a device that leaves still holds the chain key, so the sender must make
//! a fresh sender key and distribute it to every remaining device ([`SenderKey::rotate`]).
//!
//! Layouts (`PS`, version 1, then the kind):
//!
//! * distribution (`0x41`, the plaintext inside a per-recipient envelope):
//!   `key id(4) | iteration(4) | chain key(32) | Ed25519 verifying key(32)`.
//! * message (`0x40`): `key id(4) | iteration(4) | ChaCha20-Poly1305(message) | tag(16) |
//!   Ed25519 signature(64)`, the signature over every byte before it, the AEAD's associated data
//!   the 12-byte header.
//!
//! Message key and next chain key both come from HKDF-SHA256 over the chain key, under two
//! labels; a message key serves one message, so the nonce is fixed.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use rand::{CryptoRng, RngExt};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::crypto::{
    HEADER_LEN, MAGIC, OpenError, PublicKey, SealError, SecretKey, TAG_LEN, VERSION, aead_open,
    aead_seal_in_place, open_one, seal_per_recipient,
};

/// Frame kind of a sender-key message.
pub const KIND_MESSAGE: u8 = 0x40;
/// Frame kind of a sender-key distribution (inside a per-recipient envelope).
pub const KIND_DISTRIBUTION: u8 = 0x41;
/// Bytes of a message frame besides the message itself.
pub const MESSAGE_OVERHEAD: usize = MESSAGE_HEADER_LEN + TAG_LEN + SIGNATURE_LEN;
/// Bytes of a distribution, before the per-recipient envelope wraps it.
pub const DISTRIBUTION_LEN: usize = MESSAGE_HEADER_LEN + 32 + 32;
/// How far ahead of its chain a receiver ratchets for one message (lost or reordered
/// messages); a frame further ahead is refused rather than costing unbounded work.
pub const MAX_SKIP: u32 = 2000;

const MESSAGE_HEADER_LEN: usize = HEADER_LEN + 8;
const SIGNATURE_LEN: usize = 64;
const LABEL_MESSAGE: &[u8] = b"plainsight/v1/sender-key/message";
const LABEL_CHAIN: &[u8] = b"plainsight/v1/sender-key/chain";

/// One sender's key for a group: a ratcheting chain key and a signing key.
pub struct SenderKey {
    id: u32,
    iteration: u32,
    chain: Zeroizing<[u8; 32]>,
    signing: SigningKey,
}

/// A device's copy of one sender's key: the chain where it is, and the key that checks the
/// sender's signatures.
#[derive(Clone)]
pub struct SenderKeyReceiver {
    id: u32,
    iteration: u32,
    chain: Zeroizing<[u8; 32]>,
    verifying: VerifyingKey,
}

/// Two copies are equal when they sit at the same place of the same chain.
impl PartialEq for SenderKeyReceiver {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.iteration == other.iteration
            && self.chain == other.chain
            && self.verifying == other.verifying
    }
}

impl Eq for SenderKeyReceiver {}

/// The message key for this chain position, and the next chain key.
fn ratchet(chain: &[u8; 32]) -> (Zeroizing<[u8; 32]>, Zeroizing<[u8; 32]>) {
    let hk = Hkdf::<Sha256>::new(None, chain);
    let (mut message, mut next) = (Zeroizing::new([0u8; 32]), Zeroizing::new([0u8; 32]));
    hk.expand(LABEL_MESSAGE, message.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    hk.expand(LABEL_CHAIN, next.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    (message, next)
}

fn header(kind: u8, id: u32, iteration: u32) -> [u8; MESSAGE_HEADER_LEN] {
    let mut h = [0u8; MESSAGE_HEADER_LEN];
    h[..HEADER_LEN].copy_from_slice(&[MAGIC[0], MAGIC[1], VERSION, kind]);
    h[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&id.to_be_bytes());
    h[HEADER_LEN + 4..].copy_from_slice(&iteration.to_be_bytes());
    h
}

/// The key id and chain position a message frame carries in the clear.
pub fn message_position(frame: &[u8]) -> Result<(u32, u32), OpenError> {
    read_header(frame, KIND_MESSAGE, MESSAGE_OVERHEAD)
}

/// The ciphertext of a message frame (between the header and the signature), for showing.
pub fn message_ciphertext(frame: &[u8]) -> Option<&[u8]> {
    message_position(frame).ok()?;
    frame.get(MESSAGE_HEADER_LEN..frame.len() - SIGNATURE_LEN)
}

/// Reads a header of `kind`: (key id, iteration).
fn read_header(bytes: &[u8], kind: u8, min_len: usize) -> Result<(u32, u32), OpenError> {
    let found = crate::crypto::frame_kind(bytes)?;
    if found != kind {
        return Err(OpenError::WrongKind {
            expected: "sender-key frame",
            found,
        });
    }
    if bytes.len() < min_len {
        return Err(OpenError::Truncated {
            needed: min_len,
            got: bytes.len(),
        });
    }
    let word =
        |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("length checked above"));
    Ok((word(HEADER_LEN), word(HEADER_LEN + 4)))
}

/// Shows the key id and the chain position, never a key.
impl std::fmt::Debug for SenderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SenderKey")
            .field("id", &self.id)
            .field("iteration", &self.iteration)
            .finish_non_exhaustive()
    }
}

/// Shows the key id and the chain position, never the chain key.
impl std::fmt::Debug for SenderKeyReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SenderKeyReceiver")
            .field("id", &self.id)
            .field("iteration", &self.iteration)
            .finish_non_exhaustive()
    }
}

impl SenderKey {
    /// A fresh sender key (random id, chain key and signing key) from `rng`.
    pub fn generate(rng: &mut (impl CryptoRng + ?Sized)) -> SenderKey {
        let signing = SigningKey::from_bytes(&rng.random());
        SenderKey {
            id: rng.random(),
            iteration: 0,
            chain: Zeroizing::new(rng.random()),
            signing,
        }
    }

    /// The distribution message as it is now (what a device must receive, sealed to it).
    pub fn distribution(&self) -> Zeroizing<Vec<u8>> {
        self.receiver().encode()
    }

    /// What a device that receives the key now holds: the chain where it is, and the key that
    /// checks signatures. It opens this message and the later ones, never an earlier one.
    pub fn receiver(&self) -> SenderKeyReceiver {
        SenderKeyReceiver {
            id: self.id,
            iteration: self.iteration,
            chain: self.chain.clone(),
            verifying: self.signing.verifying_key(),
        }
    }

    /// The key's random id, carried in the clear by every message under it.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The chain position of the next message.
    pub fn iteration(&self) -> u32 {
        self.iteration
    }

    /// Seals the distribution to each device through the per-recipient envelope (in parallel
    /// from a few devices on, as per-recipient fan-out does).
    pub fn distribute(
        &self,
        rng: &mut (impl CryptoRng + ?Sized),
        devices: &[PublicKey],
    ) -> Result<Vec<Vec<u8>>, SealError> {
        seal_per_recipient(rng, devices, &self.distribution())
    }

    /// What a member leaving costs the sender: a fresh sender key, distributed to every
    /// remaining device. Returns the envelopes.
    pub fn rotate(
        &mut self,
        rng: &mut (impl CryptoRng + ?Sized),
        remaining: &[PublicKey],
    ) -> Result<Vec<Vec<u8>>, SealError> {
        *self = SenderKey::generate(rng);
        self.distribute(rng, remaining)
    }

    /// Encrypts one message for the whole group: one AEAD pass and one signature; the chain
    /// moves on, so the key of this message is gone from the sender once it returns.
    pub fn encrypt(&mut self, message: &[u8]) -> Vec<u8> {
        let (key, next) = ratchet(&self.chain);
        let mut out = Vec::with_capacity(MESSAGE_OVERHEAD + message.len());
        out.extend_from_slice(&header(KIND_MESSAGE, self.id, self.iteration));
        out.extend_from_slice(message);
        let aad = header(KIND_MESSAGE, self.id, self.iteration);
        aead_seal_in_place(&key, &[0; 12], &aad, &mut out, MESSAGE_HEADER_LEN);
        let signature = self.signing.sign(&out);
        out.extend_from_slice(&signature.to_bytes());
        self.chain = next;
        self.iteration = self.iteration.wrapping_add(1);
        out
    }
}

impl SenderKeyReceiver {
    /// Opens a distribution envelope with the device's key.
    pub fn from_distribution(
        device: &SecretKey,
        envelope: &[u8],
    ) -> Result<SenderKeyReceiver, OpenError> {
        let plain = Zeroizing::new(open_one(device, envelope)?);
        SenderKeyReceiver::decode(&plain)
    }

    /// The distribution's bytes for this copy (the layout in the module docs).
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(DISTRIBUTION_LEN));
        out.extend_from_slice(&header(KIND_DISTRIBUTION, self.id, self.iteration));
        out.extend_from_slice(self.chain.as_ref());
        out.extend_from_slice(self.verifying.as_bytes());
        out
    }

    /// Reads a distribution (an opened one, or one a key blob carries).
    pub fn decode(plain: &[u8]) -> Result<SenderKeyReceiver, OpenError> {
        let (id, iteration) = read_header(plain, KIND_DISTRIBUTION, DISTRIBUTION_LEN)?;
        if plain.len() != DISTRIBUTION_LEN {
            return Err(OpenError::Malformed("a distribution with trailing bytes"));
        }
        let at = MESSAGE_HEADER_LEN;
        let chain: [u8; 32] = plain[at..at + 32].try_into().expect("length checked");
        let verifying: [u8; 32] = plain[at + 32..].try_into().expect("length checked");
        let verifying = VerifyingKey::from_bytes(&verifying)
            .map_err(|_| OpenError::Malformed("not an Ed25519 verifying key"))?;
        Ok(SenderKeyReceiver {
            id,
            iteration,
            chain: Zeroizing::new(chain),
            verifying,
        })
    }

    /// The key's id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The first chain position this copy can open.
    pub fn iteration(&self) -> u32 {
        self.iteration
    }

    /// Opens a message without moving this copy's chain (what someone holding a copy of the
    /// key can do with every frame they see).
    pub fn open(&self, frame: &[u8]) -> Result<Vec<u8>, OpenError> {
        self.clone().decrypt(frame)
    }

    /// Checks the signature, ratchets to the message's iteration and opens it.
    pub fn decrypt(&mut self, frame: &[u8]) -> Result<Vec<u8>, OpenError> {
        let (id, iteration) = read_header(frame, KIND_MESSAGE, MESSAGE_OVERHEAD)?;
        if id != self.id {
            return Err(OpenError::Malformed("a message under another sender key"));
        }
        let (signed, signature) = frame.split_at(frame.len() - SIGNATURE_LEN);
        let signature =
            Signature::from_slice(signature).map_err(|_| OpenError::Malformed("signature"))?;
        self.verifying
            .verify(signed, &signature)
            .map_err(|_| OpenError::Authentication)?;
        let ahead = iteration
            .checked_sub(self.iteration)
            .ok_or(OpenError::Malformed("a message older than this chain"))?;
        if ahead > MAX_SKIP {
            return Err(OpenError::Malformed(
                "a message too far ahead of this chain",
            ));
        }
        let mut chain = self.chain.clone();
        for _ in 0..ahead {
            chain = ratchet(&chain).1;
        }
        let (key, next) = ratchet(&chain);
        let plain = aead_open(
            &key,
            &[0; 12],
            &signed[..MESSAGE_HEADER_LEN],
            &signed[MESSAGE_HEADER_LEN..],
        )?;
        self.chain = next;
        self.iteration = iteration.wrapping_add(1);
        Ok(plain)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn group(rng: &mut StdRng, n: usize) -> (Vec<SecretKey>, Vec<PublicKey>) {
        let keys: Vec<SecretKey> = (0..n).map(|_| SecretKey::generate(rng)).collect();
        let publics = keys.iter().map(SecretKey::public).collect();
        (keys, publics)
    }

    #[test]
    fn every_device_reads_every_message_and_a_flipped_bit_is_refused() {
        let mut rng = StdRng::seed_from_u64(1);
        let (keys, publics) = group(&mut rng, 9);
        let mut sender = SenderKey::generate(&mut rng);
        let envelopes = sender.distribute(&mut rng, &publics).expect("seals");
        let mut receivers: Vec<SenderKeyReceiver> = keys
            .iter()
            .zip(&envelopes)
            .map(|(k, e)| SenderKeyReceiver::from_distribution(k, e).expect("opens"))
            .collect();
        let frames: Vec<Vec<u8>> = (0..3).map(|i| sender.encrypt(&[i; 40])).collect();
        assert_eq!(frames[0].len(), 40 + MESSAGE_OVERHEAD);
        for receiver in &mut receivers {
            // The second message lost: the third still opens.
            assert_eq!(receiver.decrypt(&frames[0]).expect("opens"), [0; 40]);
            assert_eq!(receiver.decrypt(&frames[2]).expect("opens"), [2; 40]);
            assert!(
                receiver.decrypt(&frames[1]).is_err(),
                "an old message replayed"
            );
        }
        let mut tampered = sender.encrypt(b"x");
        tampered[MESSAGE_HEADER_LEN] ^= 1;
        assert_eq!(
            receivers[0].clone().decrypt(&tampered),
            Err(OpenError::Authentication)
        );
    }

    #[test]
    fn a_removed_device_cannot_read_after_rotation_and_a_stranger_never() {
        let mut rng = StdRng::seed_from_u64(2);
        let (keys, publics) = group(&mut rng, 3);
        let mut sender = SenderKey::generate(&mut rng);
        let envelopes = sender.distribute(&mut rng, &publics).expect("seals");
        let mut leaver =
            SenderKeyReceiver::from_distribution(&keys[2], &envelopes[2]).expect("opens");
        assert!(SenderKeyReceiver::from_distribution(&keys[0], &envelopes[2]).is_err());
        let fresh = sender.rotate(&mut rng, &publics[..2]).expect("seals");
        let mut stayer = SenderKeyReceiver::from_distribution(&keys[0], &fresh[0]).expect("opens");
        let frame = sender.encrypt(b"after the leave");
        assert_eq!(stayer.decrypt(&frame).expect("opens"), b"after the leave");
        assert!(leaver.decrypt(&frame).is_err());
    }
}
