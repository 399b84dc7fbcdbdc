//! Key derivation: HKDF-SHA256 binding both public keys and a context label (as age and HPKE do),
//! and the AEAD calls every layer shares.

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce, Tag};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{OpenError, PublicKey, SecretKey, SymmetricKey};

/// Length of a ChaCha20-Poly1305 tag.
pub const TAG_LEN: usize = 16;

/// Context labels: a key derived for one purpose never serves another.
pub(crate) mod label {
    pub const PER_RECIPIENT: &[u8] = b"plainsight/v1/per-recipient";
    pub const BAGGED: &[u8] = b"plainsight/v1/bagged";
    pub const BAGGED_SHARED: &[u8] = b"plainsight/v1/bagged-shared-ephemeral";
    pub const TLS: &[u8] = b"plainsight/v1/tls";
    pub const CONTENT: &[u8] = b"plainsight/v1/content-key";
    pub const COMMIT: &[u8] = b"plainsight/v1/key-commitment";
}

/// X25519 then HKDF-SHA256: salt = ephemeral public key || recipient public key, info = label.
/// Returns `None` for a non-contributory exchange (a low-order point gives all zeros).
pub(crate) fn agree(
    secret: &SecretKey,
    their: &PublicKey,
    ephemeral: &[u8; 32],
    recipient: &[u8; 32],
    label: &[u8],
) -> Option<Zeroizing<[u8; 32]>> {
    let shared = secret.diffie_hellman(their);
    if super::x25519::is_all_zero(&shared) {
        return None;
    }
    Some(derive(&shared, ephemeral, recipient, label))
}

/// The HKDF half of [`agree`], for a shared secret already computed: salt = ephemeral public key
/// || recipient public key, info = label.
pub(crate) fn derive(
    shared: &[u8; 32],
    ephemeral: &[u8; 32],
    recipient: &[u8; 32],
    label: &[u8],
) -> Zeroizing<[u8; 32]> {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    let mut okm = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(&salt), shared)
        .expand(label, okm.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    okm
}

/// From a bagged envelope's random content key: the AEAD key for the content and a 32-byte
/// commitment to the content key (so an unwrapped key is checked before use, and one content
/// ciphertext cannot open under two keys).
pub(crate) fn content_keys(content_key: &[u8; 32]) -> (Zeroizing<[u8; 32]>, [u8; 32]) {
    let hk = Hkdf::<Sha256>::new(None, content_key);
    let mut aead_key = Zeroizing::new([0u8; 32]);
    let mut commitment = [0u8; 32];
    hk.expand(label::CONTENT, aead_key.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    hk.expand(label::COMMIT, &mut commitment)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    (aead_key, commitment)
}

/// Derives a TLS-like hop session key from both sides' key shares.
pub(crate) fn session_key(
    client: &SecretKey,
    server: &PublicKey,
    client_share: &[u8; 32],
) -> Option<SymmetricKey> {
    agree(client, server, client_share, server.as_bytes(), label::TLS)
        .map(|k| SymmetricKey::from_bytes(*k))
}

/// A 96-bit nonce from a 64-bit counter (big-endian, left-padded with zeros).
pub(crate) fn counter_nonce(counter: u64) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(&counter.to_be_bytes());
    nonce
}

/// Encrypts `out[start..]` in place and appends the tag.
pub(crate) fn seal_in_place(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    out: &mut Vec<u8>,
    start: usize,
) {
    let cipher = ChaCha20Poly1305::new(&Key::from(*key));
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(*nonce), aad, (&mut out[start..]).into())
        .expect("ChaCha20-Poly1305 accepts any message below 256 GiB; our limits are far lower");
    out.extend_from_slice(tag.as_slice());
}

/// Decrypts `sealed` (ciphertext || tag) into a new buffer.
pub(crate) fn open(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, OpenError> {
    let split = sealed
        .len()
        .checked_sub(TAG_LEN)
        .ok_or(OpenError::Truncated {
            needed: TAG_LEN,
            got: sealed.len(),
        })?;
    let (body, tag) = sealed.split_at(split);
    let tag = Tag::try_from(tag).map_err(|_| OpenError::Malformed("tag length"))?;
    let mut plain = body.to_vec();
    let cipher = ChaCha20Poly1305::new(&Key::from(*key));
    cipher
        .decrypt_inout_detached(&Nonce::from(*nonce), aad, plain.as_mut_slice().into(), &tag)
        .map_err(|_| OpenError::Authentication)?;
    Ok(plain)
}
