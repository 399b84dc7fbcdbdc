//! Real envelopes: X25519 ([`x25519`]: curve25519-dalek's Edwards arithmetic where faster,
//! x25519-dalek's ladder elsewhere, the same bytes), HKDF-SHA256 binding both public keys and a context
//! label, and ChaCha20-Poly1305. The byte layouts live in one module apart from the
//! cryptography, and are written down in `docs/format.md`.
//!
//! Seal to many devices through [`FanoutScheme`] (pick one with [`Fanout::scheme`]); open what a
//! device received with [`open_envelope`]. Randomness is always passed in: the simulation passes
//! its seeded RNG (reproducible *teaching* keys, never for real use), [`os_rng`] gives the
//! operating system's.

mod envelope;
pub(crate) mod ephemeral;
mod error;
mod format;
mod kdf;
mod keys;
mod scheme;
pub mod sender_key;
#[cfg(test)]
mod vectors;
pub mod x25519;

pub use envelope::{
    open_bag, open_envelope, open_one, seal_bagged, seal_bagged_shared, seal_one, seal_one_with,
    seal_per_recipient,
};
pub use error::{OpenError, SealError};
pub use format::{
    BAGGED_STANZA_LEN, HEADER_LEN, MAGIC, MAX_MESSAGE, MAX_RECIPIENTS, PER_RECIPIENT_OVERHEAD,
    SHARED_STANZA_LEN, VERSION, bag_recipients, bag_select, envelope_ciphertext, frame_kind,
    is_envelope, kind,
};
pub use kdf::TAG_LEN;
pub use keys::{PublicKey, SecretKey, SymmetricKey};
pub use scheme::{Bagged, BaggedSharedEphemeral, Fanout, FanoutScheme, PerRecipient, Sealed};

pub(crate) use kdf::{
    counter_nonce, open as aead_open, seal_in_place as aead_seal_in_place, session_key,
};

/// The operating system's random number generator, for real (non-simulation) sealing.
pub fn os_rng() -> impl rand::CryptoRng {
    rand::rand_core::UnwrapErr(rand::rngs::SysRng)
}
