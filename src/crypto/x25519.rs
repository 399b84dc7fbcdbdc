//! X25519 (RFC 7748), through curve25519-dalek's vectorised Edwards arithmetic where that is
//! faster, the Montgomery ladder (x25519-dalek's) everywhere else. Every scheme, the floors and
//! opening use [`x25519`], so ratios between them compare like with like.
//!
//! Why the two give the same bytes: X25519 returns only the u-coordinate of `[k]P`, and the
//! birational map from the Edwards curve (`u = (1 + y) / (1 - y)`) depends on `y` alone, so a
//! point and its negation give the same u. Any Edwards point with P's u-coordinate will do: we
//! take the one of sign 0, multiply it by the clamped scalar as an integer (curve25519-dalek's
//! `mul_clamped` does not reduce it modulo the group order, so a torsion component is treated
//! exactly as the ladder treats it) and map back. Points that have no Edwards image, those on
//! the quadratic twist and `u = -1`, go through the ladder. Low-order points give u = 0 both
//! ways (the identity maps to 0, as the ladder's all-zero result). The tests check all of it
//! against x25519-dalek on RFC 7748's vectors, Wycheproof's and 100,000 random pairs.
//!
//! Which branch is taken depends only on the public point and the CPU, never on the secret
//! scalar, and both multiplications are constant-time in the scalar.

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::montgomery::MontgomeryPoint;
use zeroize::{Zeroize, Zeroizing};

/// Whether this CPU multiplies faster in Edwards form: curve25519-dalek picks its AVX2 (or
/// AVX-512 IFMA, where the build enables it) vector backend at run time, and there one
/// variable-base multiplication plus the conversions costs about two thirds of the ladder
/// (docs/benchmarks.md). Without AVX2 its serial Edwards code has no such edge, so the ladder
/// stays.
pub fn edwards_is_faster() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The Edwards point (sign 0) whose Montgomery u-coordinate is `u`, or `None` where there is
/// none (a point on the twist, or `u = -1`). As X25519 does, the top bit of `u` is ignored and
/// a value of `p` or more is read modulo `p`. Costs a field inversion and a square root.
pub(crate) fn edwards_of(u: &[u8; 32]) -> Option<EdwardsPoint> {
    MontgomeryPoint(*u).to_edwards(0)
}

/// X25519 with the Montgomery ladder (x25519-dalek's), for any 32 bytes of `u`.
pub fn x25519_ladder(scalar: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
    x25519_dalek::x25519(*scalar, *u)
}

/// X25519 through Edwards arithmetic, from an Edwards point with the peer's u-coordinate (see
/// the module docs): the clamped scalar times `point`, mapped back to u.
pub(crate) fn x25519_edwards_point(scalar: &[u8; 32], point: &EdwardsPoint) -> [u8; 32] {
    point.mul_clamped(*scalar).to_montgomery().to_bytes()
}

/// X25519 through Edwards arithmetic from the peer's 32 bytes; `None` where `u` has no Edwards
/// image (a twist point or `u = -1`: use [`x25519_ladder`]). Public so the tests and benches
/// can hold it against the ladder; [`x25519`] picks the faster one.
pub fn x25519_edwards(scalar: &[u8; 32], u: &[u8; 32]) -> Option<[u8; 32]> {
    edwards_of(u).map(|point| x25519_edwards_point(scalar, &point))
}

/// X25519 of `scalar` (clamped as RFC 7748 says) and the peer's public key: through Edwards
/// arithmetic when [`edwards_is_faster`] and the key has an Edwards image (prepared once, when
/// the key was made), else the ladder. The same 32 bytes either way.
pub fn x25519(scalar: &[u8; 32], their: &super::PublicKey) -> [u8; 32] {
    match their.edwards() {
        Some(point) if edwards_is_faster() => x25519_edwards_point(scalar, point),
        _ => x25519_ladder(scalar, their.as_bytes()),
    }
}

/// X25519 of `scalar` and the bare u-coordinate `u`, choosing as [`x25519`] does (the Edwards
/// image is computed here, not prepared).
pub fn x25519_bytes(scalar: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
    let edwards = edwards_is_faster()
        .then(|| x25519_edwards(scalar, u))
        .flatten();
    edwards.unwrap_or_else(|| x25519_ladder(scalar, u))
}

/// The public key of `scalar` in Edwards form: the clamped scalar times the basepoint, with
/// curve25519-dalek's precomputed table (what x25519-dalek does for a public key).
pub(crate) fn mul_base(scalar: &[u8; 32]) -> EdwardsPoint {
    EdwardsPoint::mul_base_clamped(*scalar)
}

/// X25519 up to its last step: the Edwards product, still to be mapped to u (many of them share
/// one field inversion in [`finish_batch`]), or the ladder's finished bytes. Wiped when dropped.
pub(crate) enum Product {
    /// The clamped scalar times the peer's Edwards point.
    Edwards(EdwardsPoint),
    /// The ladder's result (the peer key has no prepared Edwards form, or the CPU prefers it).
    Done([u8; 32]),
}

impl Drop for Product {
    fn drop(&mut self) {
        match self {
            Product::Edwards(point) => point.zeroize(),
            Product::Done(bytes) => bytes.zeroize(),
        }
    }
}

/// [`x25519`] without its last step (see [`Product`]).
pub(crate) fn x25519_product(scalar: &[u8; 32], their: &super::PublicKey) -> Product {
    match their.edwards() {
        Some(point) if edwards_is_faster() => Product::Edwards(point.mul_clamped(*scalar)),
        _ => Product::Done(x25519_ladder(scalar, their.as_bytes())),
    }
}

/// Finishes `products` in order, after mapping `extra` Edwards points (say, ephemeral public
/// keys) to u: one field inversion for all of them (`EdwardsPoint::to_montgomery_batch`), the
/// same bytes as one inversion each. Returns the u-coordinates of `extra`, then the shared
/// secrets.
pub(crate) fn finish_batch(
    extra: &[EdwardsPoint],
    products: &[Product],
) -> (Vec<[u8; 32]>, Vec<Zeroizing<[u8; 32]>>) {
    let mut points = Zeroizing::new(Vec::with_capacity(extra.len() + products.len()));
    points.extend_from_slice(extra);
    points.extend(products.iter().filter_map(|p| match p {
        Product::Edwards(point) => Some(*point),
        Product::Done(_) => None,
    }));
    let mut us = EdwardsPoint::to_montgomery_batch(&points)
        .into_iter()
        .map(|u| Zeroizing::new(u.to_bytes()));
    let publics = us.by_ref().take(extra.len()).map(|u| *u).collect();
    let shared = products
        .iter()
        .map(|p| match p {
            Product::Edwards(_) => us.next().expect("one u per Edwards product"),
            Product::Done(bytes) => Zeroizing::new(*bytes),
        })
        .collect();
    (publics, shared)
}

/// Whether a shared secret is all zeros (a low-order peer key), without an early exit.
pub(crate) fn is_all_zero(shared: &[u8; 32]) -> bool {
    shared.iter().fold(0u8, |acc, b| acc | b) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edwards_path_is_chosen_on_this_machine_when_avx2_is_there() {
        // Documents the dispatch; the equality tests below run both paths on every CPU.
        #[cfg(target_arch = "x86_64")]
        assert_eq!(edwards_is_faster(), std::is_x86_feature_detected!("avx2"));
    }

    #[test]
    fn a_batch_finishes_to_the_same_bytes_as_one_at_a_time() {
        use crate::crypto::{PublicKey, SecretKey};
        let mut keys: Vec<PublicKey> = (1..=9u8)
            .map(|i| SecretKey::from_bytes([i; 32]).public())
            .collect();
        let mut two = [0u8; 32];
        two[0] = 2; // on the twist: the ladder
        keys.push(PublicKey::from(two));
        keys.push(PublicKey::from([0u8; 32])); // low order: all zeros
        let scalar = [0x5a; 32];
        let extra: Vec<EdwardsPoint> = (1..=3u8).map(|i| mul_base(&[i; 32])).collect();
        let products: Vec<Product> = keys.iter().map(|k| x25519_product(&scalar, k)).collect();
        let (publics, shared) = finish_batch(&extra, &products);
        for (i, u) in publics.iter().enumerate() {
            assert_eq!(*u, extra[i].to_montgomery().to_bytes());
        }
        for (key, secret) in keys.iter().zip(&shared) {
            assert_eq!(**secret, x25519_ladder(&scalar, key.as_bytes()));
        }
        assert!(is_all_zero(&shared[10]));
    }

    #[test]
    fn twist_points_and_minus_one_have_no_edwards_image() {
        // u = 2 is on the twist (2^3 + A 2^2 + 2 is not a square mod p); u = -1 = p - 1.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert!(edwards_of(&two).is_none());
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        assert!(edwards_of(&minus_one).is_none());
        assert_eq!(
            x25519_bytes(&[9; 32], &two),
            x25519_ladder(&[9; 32], &two),
            "the ladder serves twist points"
        );
    }
}
