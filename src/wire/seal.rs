//! The cryptography of the simulated protocol's frames: sealing a post into a TLS record and a
//! body into an at-rest row, and opening them with a key. Their bytes are laid out by the codec
//! in wire.rs; this module only fills and empties the sealed part.

use super::{Body, Post, Reader, header, kind, put_str};
use crate::crypto::{self, HEADER_LEN, OpenError, SymmetricKey};

/// Seals a post into a TLS record with a hop session key.
pub(crate) fn tls_record(key: &SymmetricKey, seq: u64, post: &[u8]) -> Vec<u8> {
    let mut out = header(kind::TLS_RECORD).to_vec();
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&((post.len() + crypto::TAG_LEN) as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(post);
    let aad = out[..HEADER_LEN + 8].to_vec();
    crypto::aead_seal_in_place(
        key.as_bytes(),
        &crypto::counter_nonce(seq),
        &aad,
        &mut out,
        start,
    );
    out
}

/// Opens a TLS record's sealed part with a session key.
pub fn open_tls(key: &SymmetricKey, seq: u64, sealed: &[u8]) -> Result<Post, OpenError> {
    let mut aad = header(kind::TLS_RECORD).to_vec();
    aad.extend_from_slice(&seq.to_be_bytes());
    Post::decode(&crypto::aead_open(
        key.as_bytes(),
        &crypto::counter_nonce(seq),
        &aad,
        sealed,
    )?)
}

/// An at-rest row body: `PS 1 0x11 | key id | row u64 | sealed(body)`.
pub(crate) fn seal_at_rest(key_id: &str, key: &SymmetricKey, row: u64, body: &Body) -> Vec<u8> {
    let mut out = header(kind::AT_REST).to_vec();
    put_str(&mut out, key_id);
    out.extend_from_slice(&row.to_be_bytes());
    let aad = out.clone();
    let start = out.len();
    out.extend_from_slice(&body.encode());
    crypto::aead_seal_in_place(
        key.as_bytes(),
        &crypto::counter_nonce(row),
        &aad,
        &mut out,
        start,
    );
    out
}

/// Opens an at-rest frame with a key.
pub fn open_at_rest(key: &SymmetricKey, frame: &[u8]) -> Result<Body, OpenError> {
    let mut r = Reader {
        bytes: frame,
        at: 0,
    };
    r.header(kind::AT_REST, "at-rest row")?;
    r.str()?;
    let row = r.u64()?;
    let aad = frame[..r.at].to_vec();
    let sealed = &frame[r.at..];
    Body::decode(&crypto::aead_open(
        key.as_bytes(),
        &crypto::counter_nonce(row),
        &aad,
        sealed,
    )?)
}
