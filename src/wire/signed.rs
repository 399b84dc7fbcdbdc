//! A message signed by the sender's device, as it travels *inside* an end-to-end envelope:
//! the sender's name, the sending device, the words, and an Ed25519 signature over all three.
//! The recipient device checks the signature against the sender device's identity key, so a
//! server (or anyone who can seal to the recipient's public key, which everyone can) cannot
//! pass off a message of its own as Alice's.
//!
//! Layout: `"PS" | version | 0x21 | u16 len | sender | u16 len | device | signature(64) |
//! u32 len | text`. The signature covers `"plainsight signed message" | sender | device | text`
//! (each with its length).

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use sha2::Sha256;

use super::{Reader, header, kind, put_str};
use crate::crypto::{OpenError, SecretKey};

/// A signed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedText {
    /// The sending person's name.
    pub sender: String,
    /// The sending device's name.
    pub device: String,
    /// The words.
    pub text: String,
    /// Ed25519 signature by the device's identity key.
    pub signature: [u8; 64],
}

/// A device's identity signing key, derived from its X25519 private key with HKDF-SHA256 (one
/// secret per device, as XEdDSA lets Signal sign with its X25519 identity key).
pub fn signing_key(secret: &SecretKey) -> SigningKey {
    let hk = Hkdf::<Sha256>::new(Some(b"plainsight identity"), secret.to_bytes().as_ref());
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    hk.expand(b"ed25519 signing key", seed.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    SigningKey::from_bytes(&seed)
}

fn signed_bytes(sender: &str, device: &str, text: &str) -> Vec<u8> {
    let mut out = b"plainsight signed message".to_vec();
    for part in [sender, device, text] {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part.as_bytes());
    }
    out
}

impl SignedText {
    /// Signs the words as `sender` on `device`.
    pub fn sign(key: &SigningKey, sender: &str, device: &str, text: &str) -> SignedText {
        SignedText {
            sender: sender.to_string(),
            device: device.to_string(),
            text: text.to_string(),
            signature: key.sign(&signed_bytes(sender, device, text)).to_bytes(),
        }
    }

    /// Whether the signature is the device's with this identity key.
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        let signature = Signature::from_bytes(&self.signature);
        key.verify(
            &signed_bytes(&self.sender, &self.device, &self.text),
            &signature,
        )
        .is_ok()
    }

    /// The bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = header(kind::SIGNED).to_vec();
        put_str(&mut out, &self.sender);
        put_str(&mut out, &self.device);
        out.extend_from_slice(&self.signature);
        out.extend_from_slice(&(self.text.len() as u32).to_be_bytes());
        out.extend_from_slice(self.text.as_bytes());
        out
    }

    pub(super) fn read(r: &mut Reader<'_>) -> Result<SignedText, OpenError> {
        r.header(kind::SIGNED, "signed message")?;
        let sender = r.str()?;
        let device = r.str()?;
        let signature: [u8; 64] = r.take(64)?.try_into().expect("took 64 bytes");
        let n = r.u32()? as usize;
        let text = String::from_utf8(r.take(n)?.to_vec())
            .map_err(|_| OpenError::Malformed("text is not UTF-8"))?;
        Ok(SignedText {
            sender,
            device,
            text,
            signature,
        })
    }
}

/// What an opened envelope holds: a signed message, or (from older senders) bare words.
pub fn opened(plain: &[u8]) -> Result<SignedText, String> {
    match super::parse_frames(plain).as_deref() {
        Ok([super::Frame::Signed(s)]) => Ok(s.clone()),
        _ => Err(String::from_utf8_lossy(plain).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_signature_verifies_only_with_its_devices_key_and_only_for_its_words() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let (alice, mallory) = (SecretKey::generate(&mut rng), SecretKey::generate(&mut rng));
        let signed = SignedText::sign(&signing_key(&alice), "Alice", "alice-phone", "hi");
        assert!(signed.verify(&signing_key(&alice).verifying_key()));
        assert!(!signed.verify(&signing_key(&mallory).verifying_key()));
        let mut changed = signed.clone();
        changed.text = "bye".into();
        assert!(!changed.verify(&signing_key(&alice).verifying_key()));
        let frames = super::super::parse_frames(&signed.encode()).expect("parses");
        assert_eq!(frames, vec![super::super::Frame::Signed(signed)]);
    }
}
