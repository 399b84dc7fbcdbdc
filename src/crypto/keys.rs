//! Device keys: X25519 key pairs that never print their secret half.

use curve25519_dalek::edwards::EdwardsPoint;
use rand::CryptoRng;
use sha2::{Digest, Sha256};
use x25519_dalek::StaticSecret;
use zeroize::Zeroizing;

use super::x25519;

/// An X25519 public key: what a key directory hands out and what senders seal to.
///
/// Besides its 32 bytes it keeps the key's Edwards form, prepared once when the key is made
/// (from a secret key it comes for free; from bytes it costs a square root, and only where
/// [`x25519::edwards_is_faster`]), so that every X25519 with it skips the conversion. Equality
/// and hashing look at the bytes only.
#[derive(Clone, Copy)]
pub struct PublicKey {
    bytes: [u8; 32],
    edwards: Option<EdwardsPoint>,
}

impl PublicKey {
    /// The 32 bytes of the key, as they travel on the wire.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.bytes
    }

    /// The 32 bytes of the key, borrowed.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// A short, human-comparable fingerprint ("safety number") of this key: the first
    /// 8 bytes of SHA-256 over a label and the key, as four groups of hex.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::new()
            .chain_update(b"plainsight/v1/fingerprint")
            .chain_update(self.as_bytes())
            .finalize();
        digest[..8]
            .chunks(2)
            .map(|pair| format!("{:02x}{:02x}", pair[0], pair[1]))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The key's Edwards form, where it has one and it was prepared.
    pub(crate) fn edwards(&self) -> Option<&EdwardsPoint> {
        self.edwards.as_ref()
    }

    /// The key as 32 bytes read from a frame, without preparing its Edwards form (no square
    /// root): for keys that are shown and compared, not sealed to. An X25519 with it still
    /// works, through the ladder.
    pub(crate) fn unprepared(bytes: [u8; 32]) -> Self {
        PublicKey {
            bytes,
            edwards: None,
        }
    }

    /// The public key of an X25519 secret, from its Edwards form (a fixed-base multiplication).
    pub(crate) fn from_edwards(point: EdwardsPoint) -> Self {
        PublicKey {
            bytes: point.to_montgomery().to_bytes(),
            edwards: Some(point),
        }
    }
}

impl From<[u8; 32]> for PublicKey {
    fn from(bytes: [u8; 32]) -> Self {
        let edwards = if x25519::edwards_is_faster() {
            x25519::edwards_of(&bytes)
        } else {
            None
        };
        PublicKey { bytes, edwards }
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}
impl Eq for PublicKey {}

impl std::hash::Hash for PublicKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint())
    }
}

/// An X25519 private key (a device's, or one a malicious server substituted).
///
/// The secret is zeroized on drop (x25519-dalek's `StaticSecret` does it) and never appears in
/// `Debug` output: only the public key's fingerprint does.
#[derive(Clone)]
pub struct SecretKey {
    secret: StaticSecret,
    public: PublicKey,
}

impl SecretKey {
    /// A fresh key pair from `rng`. The simulation passes its seeded RNG (reproducible teaching
    /// keys, never for real use); real callers pass the operating system's RNG.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self::from_static(StaticSecret::random_from_rng(rng))
    }

    /// A key pair from 32 secret bytes (clamped by X25519 as RFC 7748 says).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self::from_static(StaticSecret::from(bytes))
    }

    fn from_static(secret: StaticSecret) -> Self {
        // What x25519-dalek's `PublicKey::from(&StaticSecret)` computes, keeping the Edwards form.
        let scalar = Zeroizing::new(secret.to_bytes());
        let public = PublicKey::from_edwards(x25519::mul_base(&scalar));
        SecretKey { secret, public }
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        self.public
    }

    /// The 32 secret bytes, in a buffer that is wiped when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.secret.to_bytes())
    }

    /// X25519 with `their` key ([`x25519::x25519`]); all zeros for a low-order key.
    pub(crate) fn diffie_hellman(&self, their: &PublicKey) -> Zeroizing<[u8; 32]> {
        let scalar = Zeroizing::new(self.secret.to_bytes());
        Zeroizing::new(x25519::x25519(&scalar, their))
    }
}

/// Two secret keys are equal when their public halves are (X25519 clamping makes several byte
/// strings the same key).
impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.public == other.public
    }
}
impl Eq for SecretKey {}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

/// A 32-byte symmetric key (an at-rest database key, a content key, a TLS session key),
/// wiped when dropped and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SymmetricKey(Zeroizing<[u8; 32]>);

impl SymmetricKey {
    /// A fresh random key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(bytes.as_mut());
        SymmetricKey(bytes)
    }

    /// Wraps 32 key bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        SymmetricKey(Zeroizing::new(bytes))
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SymmetricKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn debug_never_shows_secret_bytes() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let key = SecretKey::generate(&mut rng);
        let secret_hex: String = key.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let shown = format!("{key:?}");
        assert!(!shown.contains(&secret_hex[..8]), "{shown}");
        assert!(shown.contains(&key.public().fingerprint()));
        let sym = SymmetricKey::generate(&mut rng);
        assert_eq!(format!("{sym:?}"), "SymmetricKey(..)");
    }

    #[test]
    fn fingerprints_differ_between_keys() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let a = SecretKey::generate(&mut rng).public();
        let b = SecretKey::generate(&mut rng).public();
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 19);
    }
}
