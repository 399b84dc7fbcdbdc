//! Typed errors for sealing and opening envelopes.

/// Why an envelope could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// An envelope needs at least one recipient device.
    #[error("no recipient devices: an envelope needs at least one")]
    NoRecipients,
    /// More recipient devices than the format allows.
    #[error("{asked} recipient devices asked for; the limit is {max}")]
    TooManyRecipients {
        /// How many were asked for.
        asked: usize,
        /// The limit.
        max: usize,
    },
    /// The message is larger than the format allows.
    #[error("message of {asked} bytes; the limit is {max}")]
    MessageTooLarge {
        /// The message length.
        asked: usize,
        /// The limit.
        max: usize,
    },
    /// A recipient's public key is a low-order point: the shared secret would be all zeros.
    #[error("recipient key {index} is a low-order point; refusing to seal to it")]
    WeakRecipientKey {
        /// Position of the key in the recipient list.
        index: usize,
    },
}

/// Why an envelope (or a TLS record, or an at-rest row) did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// Fewer bytes than the layout needs.
    #[error("truncated: needed at least {needed} bytes, got {got}")]
    Truncated {
        /// Bytes the layout needs.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// The bytes do not start with the `PS` magic.
    #[error("not a plainsight frame (bad magic)")]
    BadMagic,
    /// A version this build does not read.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u8),
    /// A frame of another kind than expected.
    #[error("expected a {expected} frame, found kind 0x{found:02x}")]
    WrongKind {
        /// What the caller expected.
        expected: &'static str,
        /// The kind byte found.
        found: u8,
    },
    /// Bytes left over, or a length field that disagrees with the bytes present.
    #[error("malformed: {0}")]
    Malformed(&'static str),
    /// No stanza of a bagged envelope unwraps with this key: it was not sealed to it.
    #[error("no stanza of this envelope is addressed to this key")]
    NotARecipient,
    /// The AEAD tag did not verify: wrong key, or the bytes were changed.
    #[error("authentication failed: wrong key or tampered bytes")]
    Authentication,
    /// The sender's ephemeral key is a low-order point.
    #[error("ephemeral key is a low-order point")]
    WeakEphemeralKey,
}
