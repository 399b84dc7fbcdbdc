//! The public-key work of a bag, shared by `seal_bagged` and the bench's `floor-ephemeral`: per
//! device a fresh ephemeral key (a fixed-base multiplication) and one X25519 with the device's
//! key, spread over the current rayon pool. One function for both, so the floor of a bag is
//! measured with exactly the code the bag runs.

use std::ops::Range;

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::montgomery::MontgomeryPoint;
use rayon::prelude::*;
use zeroize::Zeroizing;

use super::x25519::{self, Product};
use super::{PublicKey, SealError};

/// A shared secret, wiped when dropped.
pub(crate) type Secret = Zeroizing<[u8; 32]>;

/// One device's share of the work: what `share` is given for it.
pub(crate) struct Device<'a> {
    /// The device's index in the recipient list.
    pub(crate) index: usize,
    /// Its ephemeral public key, in X25519 form.
    pub(crate) ephemeral: MontgomeryPoint,
    /// The X25519 of its ephemeral secret and its public key (never all zeros).
    pub(crate) shared: &'a Secret,
}

/// Runs `task` for `0..tasks`, spread over the current rayon pool when `parallel`, and returns
/// the results in task order.
pub(crate) fn spread<R: Send>(
    parallel: bool,
    tasks: usize,
    task: impl Fn(usize) -> R + Sync + Send,
) -> Vec<R> {
    if parallel {
        (0..tasks).into_par_iter().map(task).collect()
    } else {
        (0..tasks).map(task).collect()
    }
}

/// Devices per conversion task when `devices` ephemeral keys are turned into Montgomery form on
/// `threads` threads: one task a thread, so each shares one field inversion among its devices.
pub(crate) fn conversion_chunk(devices: usize, threads: usize) -> usize {
    devices.div_ceil(threads.max(1)).max(1)
}

/// One half of a device's public-key work: its ephemeral key (Edwards form, before conversion)
/// or its X25519 with the device (before its last step).
enum Half {
    Ephemeral(EdwardsPoint),
    Shared(Product),
}

/// For every device `i`: the ephemeral key of `seeds[i]` and its X25519 with `recipients[i]`;
/// then `share` is called once per task with a run of devices in order, and its results come
/// back in device order.
///
/// With `parallel`, the work is spread over the current rayon pool in two phases. First every
/// fixed-base multiplication (in Edwards form) and every X25519 is its own task, so a thread
/// that finishes early takes the next one (as the floor's X25519s are spread) and, where there
/// are more threads than devices, a device's key generation and its X25519 run at the same
/// time. Then one task a thread: its share of the ephemeral keys and of the X25519 products
/// turned into bytes with one field inversion (`x25519::finish_batch`), and `share` over them. How the
/// work is split changes the time, never the bytes. A device key of low order is an error.
pub(crate) fn ephemeral_agreements<T: Send>(
    seeds: &[Secret],
    recipients: &[PublicKey],
    parallel: bool,
    share: impl Fn(Range<usize>, &[Device<'_>]) -> T + Sync + Send,
) -> Result<Vec<T>, SealError> {
    let n = recipients.len();
    let halves = spread(parallel, 2 * n, |k| match k.checked_sub(n) {
        None => Half::Ephemeral(x25519::mul_base(&seeds[k])),
        Some(i) => Half::Shared(x25519::x25519_product(&seeds[i], &recipients[i])),
    });
    let (points, products) = split_halves(halves);
    let threads = if parallel {
        rayon::current_num_threads()
    } else {
        1
    };
    let chunk = conversion_chunk(n, threads);
    spread(parallel, n.div_ceil(chunk), |t| {
        let devices = t * chunk..n.min((t + 1) * chunk);
        let (publics, shared) =
            x25519::finish_batch(&points[devices.clone()], &products[devices.clone()]);
        let mut run = Vec::with_capacity(devices.len());
        for ((index, ephemeral), shared) in devices.clone().zip(publics).zip(&shared) {
            if x25519::is_all_zero(shared) {
                return Err(SealError::WeakRecipientKey { index });
            }
            run.push(Device {
                index,
                ephemeral: MontgomeryPoint(ephemeral),
                shared,
            });
        }
        Ok(share(devices, &run))
    })
    .into_iter()
    .collect()
}

/// The ephemeral points and the X25519 products, in device order.
fn split_halves(halves: Vec<Half>) -> (Vec<EdwardsPoint>, Vec<Product>) {
    let mut points = Vec::with_capacity(halves.len() / 2);
    let mut products = Vec::with_capacity(halves.len() / 2);
    for half in halves {
        match half {
            Half::Ephemeral(point) => points.push(point),
            Half::Shared(product) => products.push(product),
        }
    }
    (points, products)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_thread_converts_a_share_of_the_keys() {
        for (devices, threads, chunk) in [(8, 16, 1), (8, 2, 4), (9, 2, 5), (512, 2, 256)] {
            assert_eq!(
                conversion_chunk(devices, threads),
                chunk,
                "{devices} on {threads}"
            );
            let tasks = devices.div_ceil(chunk);
            assert_eq!(tasks, threads.min(devices), "{devices} on {threads}");
        }
    }
}
