//! The envelope frames' byte layout, apart from the cryptography that fills them (as age keeps
//! `format` apart from `native`): the header, the frame kinds, the sizes, and where a bag's
//! parts sit. Reading these needs no key; envelope.rs seals and opens. Documented in
//! `docs/format.md`.
//!
//! * per-recipient (`0x01`): `eph(32) | ChaCha20-Poly1305(msg) | tag(16)`, one per device.
//! * bagged (`0x02`): `n(u32) | n × (eph(32) | masked key(32)) | commitment(32) | content | tag(16)`.
//! * bagged, shared ephemeral (`0x03`): `eph(32) | n(u32) | n × masked key(32) | commitment(32) | content | tag(16)`.

use super::OpenError;
use super::kdf::TAG_LEN;

/// The two magic bytes every plainsight frame starts with.
pub const MAGIC: &[u8; 2] = b"PS";
/// The format version this build writes and reads.
pub const VERSION: u8 = 1;
/// Length of the common frame header (magic, version, kind).
pub const HEADER_LEN: usize = 4;
/// The largest message an envelope carries (64 MiB).
pub const MAX_MESSAGE: usize = 64 << 20;
/// The most recipient devices one envelope is sealed to.
pub const MAX_RECIPIENTS: usize = 100_000;

/// Frame kinds.
pub mod kind {
    /// One envelope sealed to one device.
    pub const PER_RECIPIENT: u8 = 0x01;
    /// One content ciphertext, one ephemeral key and masked content key per device.
    pub const BAGGED: u8 = 0x02;
    /// One content ciphertext, one ephemeral key for all devices, a masked content key per device.
    pub const BAGGED_SHARED: u8 = 0x03;
}

/// Bytes a bagged envelope spends per recipient device.
pub const BAGGED_STANZA_LEN: usize = 64;
/// Bytes a shared-ephemeral bagged envelope spends per recipient device.
pub const SHARED_STANZA_LEN: usize = 32;
/// Fixed overhead of a per-recipient envelope (header, ephemeral key, tag).
pub const PER_RECIPIENT_OVERHEAD: usize = HEADER_LEN + 32 + TAG_LEN;

/// The common header of a frame of this kind.
pub(super) fn header(kind: u8) -> [u8; HEADER_LEN] {
    [MAGIC[0], MAGIC[1], VERSION, kind]
}

/// Reads the common header and returns the kind byte.
pub fn frame_kind(bytes: &[u8]) -> Result<u8, OpenError> {
    if bytes.len() < HEADER_LEN {
        return Err(OpenError::Truncated {
            needed: HEADER_LEN,
            got: bytes.len(),
        });
    }
    if &bytes[..2] != MAGIC {
        return Err(OpenError::BadMagic);
    }
    if bytes[2] != VERSION {
        return Err(OpenError::UnsupportedVersion(bytes[2]));
    }
    Ok(bytes[3])
}

/// A per-recipient envelope's ephemeral public key, after checking its kind and length.
pub(super) fn per_recipient_eph(envelope: &[u8]) -> Result<[u8; 32], OpenError> {
    let found = frame_kind(envelope)?;
    if found != kind::PER_RECIPIENT {
        return Err(OpenError::WrongKind {
            expected: "per-recipient envelope",
            found,
        });
    }
    let needed = PER_RECIPIENT_OVERHEAD;
    if envelope.len() < needed {
        return Err(OpenError::Truncated {
            needed,
            got: envelope.len(),
        });
    }
    Ok(envelope[HEADER_LEN..HEADER_LEN + 32]
        .try_into()
        .expect("length checked above"))
}

/// The parsed outline of a bag: where its parts are.
pub(super) struct BagLayout {
    /// The frame kind (bagged or bagged-shared).
    pub(super) kind: u8,
    /// Offset of the first stanza.
    pub(super) stanzas_at: usize,
    /// Bytes a stanza.
    pub(super) stanza_len: usize,
    /// How many stanzas.
    pub(super) count: usize,
    /// Offset of the commitment (the content ciphertext follows it).
    pub(super) commitment_at: usize,
}

/// Where a bag's parts are, checked against its length (a forged count is an error).
pub(super) fn bag_layout(bag: &[u8]) -> Result<BagLayout, OpenError> {
    let kind = frame_kind(bag)?;
    let (count_at, stanza_len) = match kind {
        kind::BAGGED => (HEADER_LEN, BAGGED_STANZA_LEN),
        kind::BAGGED_SHARED => (HEADER_LEN + 32, SHARED_STANZA_LEN),
        found => {
            return Err(OpenError::WrongKind {
                expected: "bagged envelope",
                found,
            });
        }
    };
    let need = |needed: usize| {
        if bag.len() < needed {
            Err(OpenError::Truncated {
                needed,
                got: bag.len(),
            })
        } else {
            Ok(())
        }
    };
    need(count_at + 4)?;
    let count = u32::from_be_bytes(
        bag[count_at..count_at + 4]
            .try_into()
            .expect("length checked"),
    ) as usize;
    if count == 0 {
        return Err(OpenError::Malformed("a bag with no stanzas"));
    }
    // Checked arithmetic: a forged count must not overflow or allocate.
    let commitment_at = count
        .checked_mul(stanza_len)
        .and_then(|s| s.checked_add(count_at + 4))
        .ok_or(OpenError::Malformed("stanza count overflows"))?;
    need(commitment_at + 32 + TAG_LEN)?;
    Ok(BagLayout {
        kind,
        stanzas_at: count_at + 4,
        stanza_len,
        count,
        commitment_at,
    })
}

/// How many recipient devices a bag is addressed to.
pub fn bag_recipients(bag: &[u8]) -> Result<usize, OpenError> {
    Ok(bag_layout(bag)?.count)
}

/// A bag holding only the chosen stanzas (what a server delivers to one device, or forwards
/// towards a subset of devices). Indices out of range are an error.
pub fn bag_select(bag: &[u8], indices: &[usize]) -> Result<Vec<u8>, OpenError> {
    let layout = bag_layout(bag)?;
    if indices.is_empty() || indices.iter().any(|&i| i >= layout.count) {
        return Err(OpenError::Malformed("stanza index out of range"));
    }
    let count_at = layout.stanzas_at - 4;
    let mut out = Vec::with_capacity(bag.len());
    out.extend_from_slice(&bag[..count_at]);
    out.extend_from_slice(&(indices.len() as u32).to_be_bytes());
    for &i in indices {
        let at = layout.stanzas_at + i * layout.stanza_len;
        out.extend_from_slice(&bag[at..at + layout.stanza_len]);
    }
    out.extend_from_slice(&bag[layout.commitment_at..]);
    Ok(out)
}

/// The message ciphertext inside an envelope (past the header, keys and stanzas), for showing
/// a few real ciphertext bytes. `None` if the bytes are not a well-formed envelope.
pub fn envelope_ciphertext(envelope: &[u8]) -> Option<&[u8]> {
    match frame_kind(envelope).ok()? {
        kind::PER_RECIPIENT => envelope.get(HEADER_LEN + 32..),
        kind::BAGGED | kind::BAGGED_SHARED => {
            let layout = bag_layout(envelope).ok()?;
            envelope.get(layout.commitment_at + 32..)
        }
        _ => None,
    }
}

/// Whether these bytes are an envelope (of any kind), judged by the header alone.
pub fn is_envelope(bytes: &[u8]) -> bool {
    matches!(
        frame_kind(bytes),
        Ok(kind::PER_RECIPIENT | kind::BAGGED | kind::BAGGED_SHARED)
    )
}
