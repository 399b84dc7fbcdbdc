//! The measuring loop: every point is timed again and again until its median stops moving.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use super::point::Point;
use super::{BenchError, BenchPlan, BenchScheme};
use crate::crypto::{PublicKey, SecretKey};

/// When a point's median counts as stable, and how long a point may take.
///
/// A *sample* times a batch of calls long enough (`min_sample_time`) for the clock to be
/// precise, and records the time per call. After `min_samples`, the point stops as soon as the
/// median of all samples so far has stayed within `tolerance` for `stable_window` samples in a
/// row; or, unstable, when `max_samples` or `max_point_time` is reached. Medians, not means:
/// one descheduled sample on a busy two-core machine moves a mean a lot and a median hardly.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Samples always taken.
    pub min_samples: usize,
    /// Samples never exceeded.
    pub max_samples: usize,
    /// Relative change of the median still called stable (0.02 is 2 %).
    pub tolerance: f64,
    /// How many consecutive medians must stay within `tolerance`.
    pub stable_window: usize,
    /// Shortest batch one sample times.
    pub min_sample_time: Duration,
    /// Time after which a point stops even if not stable (once `min_samples` are taken).
    pub max_point_time: Duration,
}

impl Default for Measurement {
    fn default() -> Self {
        Measurement {
            min_samples: 7,
            max_samples: 201,
            tolerance: 0.02,
            stable_window: 5,
            min_sample_time: Duration::from_millis(2),
            max_point_time: Duration::from_millis(1500),
        }
    }
}

/// The median of a timed operation and how it was reached.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Timing {
    median_ns: f64,
    samples: usize,
    stable: bool,
}

/// One measured point.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PointResult {
    /// The scheme's (or floor's) name.
    #[serde(serialize_with = "scheme_name")]
    pub scheme: BenchScheme,
    /// Recipients (people).
    pub recipients: usize,
    /// Devices per recipient.
    pub devices_per_recipient: usize,
    /// Message size in bytes.
    pub message_bytes: usize,
    /// Median time to seal the message to every device, in nanoseconds.
    pub encrypt_ns: u64,
    /// Median time for one device to open what it was delivered, in nanoseconds.
    pub decrypt_ns_per_device: u64,
    /// Exact bytes on the sender's uplink ([`crate::crypto::Sealed::wire_bytes`]); for a floor,
    /// only the AEAD output (the floor sends no key material at all).
    pub wire_bytes: usize,
    /// Samples taken for the encryption median.
    pub samples: usize,
    /// Whether the encryption median settled within the tolerance (else the time ran out).
    pub stable: bool,
}

fn scheme_name<S: serde::Serializer>(scheme: &BenchScheme, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(scheme.name())
}

impl PointResult {
    /// Recipient devices at this point.
    pub fn devices(&self) -> usize {
        self.recipients * self.devices_per_recipient
    }
}

/// Where a run is, for a progress bar. Points of one (recipients, size) pair are measured
/// together, interleaved, so `done` moves by the number of schemes at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Points finished.
    pub done: usize,
    /// Points in the run.
    pub total: usize,
    /// The recipient count being measured next (or last, when `done == total`).
    pub recipients: usize,
    /// Its message size.
    pub message_bytes: usize,
}

/// Everything a run measured, in a stable order (size, then recipients, then scheme).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BenchReport {
    /// One entry per point.
    pub results: Vec<PointResult>,
}

/// `n` device key pairs drawn from `rng` (benchmark keys, never for real use).
pub fn device_keys(rng: &mut StdRng, n: usize) -> Vec<SecretKey> {
    // Seeds are drawn in order, the scalar multiplications spread over the cores.
    let seeds: Vec<[u8; 32]> = (0..n).map(|_| rng.random()).collect();
    seeds.into_par_iter().map(SecretKey::from_bytes).collect()
}

/// Measures every point of `plan`, calling `progress` before each (recipients, size) pair and
/// once at the end.
///
/// The schemes of one pair are timed *interleaved*, one sample of each in turn, so a burst of
/// load from another process lands on all of them alike and their ratios hold.
pub fn run(
    plan: &BenchPlan,
    progress: &mut dyn FnMut(&Progress),
) -> Result<BenchReport, BenchError> {
    let c = plan.config();
    let most = *c.recipients.last().expect("a plan has recipients") * c.devices_per_recipient;
    // The operating system's randomness unless a seed asks for a reproducible run; a ChaCha12
    // generator seeded from it (as rand's thread RNG is) keeps system calls out of the timing.
    let mut rng = match c.seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_rng(&mut crate::crypto::os_rng()),
    };
    let keys = device_keys(&mut rng, most);
    let publics: Vec<PublicKey> = keys.iter().map(SecretKey::public).collect();
    let total = plan.points();
    let mut results = Vec::with_capacity(total);
    for &size in &c.sizes {
        let message: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        for &recipients in &c.recipients {
            progress(&Progress {
                done: results.len(),
                total,
                recipients,
                message_bytes: size,
            });
            let n = recipients * c.devices_per_recipient;
            let point = Point {
                keys: &keys[..n],
                publics: &publics[..n],
                message: &message,
            };
            let mut contestants = c
                .schemes
                .iter()
                .map(|&scheme| point.prepare(scheme, StdRng::seed_from_u64(rng.random())))
                .collect::<Result<Vec<_>, _>>()?;
            let encrypt = measure_all(
                &c.measurement,
                contestants.iter_mut().map(|c| &mut c.encrypt),
            );
            let decrypt = measure_all(
                &c.measurement,
                contestants.iter_mut().map(|c| &mut c.decrypt),
            );
            for ((contestant, encrypt), decrypt) in contestants.iter().zip(encrypt).zip(decrypt) {
                results.push(PointResult {
                    scheme: contestant.scheme,
                    recipients,
                    devices_per_recipient: c.devices_per_recipient,
                    message_bytes: size,
                    encrypt_ns: encrypt.median_ns.round() as u64,
                    decrypt_ns_per_device: decrypt.median_ns.round() as u64,
                    wire_bytes: contestant.wire_bytes,
                    samples: encrypt.samples,
                    stable: encrypt.stable,
                });
            }
        }
    }
    if let Some(last) = results.last() {
        let (recipients, message_bytes) = (last.recipients, last.message_bytes);
        progress(&Progress {
            done: total,
            total,
            recipients,
            message_bytes,
        });
    }
    Ok(BenchReport { results })
}

/// The samples of one operation so far, and how long its median has held still.
#[derive(Debug, Default)]
struct Tracker {
    samples: Vec<f64>,
    median: f64,
    settled: usize,
}

impl Tracker {
    fn push(&mut self, sample: f64, m: &Measurement) {
        self.samples.push(sample);
        let median = median(&mut self.samples.clone());
        let held = (median - self.median).abs() <= m.tolerance * median;
        self.settled = if self.samples.len() >= m.min_samples && held {
            self.settled + 1
        } else {
            0
        };
        self.median = median;
    }
}

/// Times every operation, one sample of each in turn, until all medians are stable (see
/// [`Measurement`]); the time limit is `max_point_time` per operation.
fn measure_all<'o, 'a: 'o>(
    m: &Measurement,
    ops: impl Iterator<Item = &'o mut Box<dyn FnMut() + 'a>>,
) -> Vec<Timing> {
    let mut ops: Vec<_> = ops.collect();
    let started = Instant::now();
    // One untimed call warms caches and the thread pool, one timed call sizes the batches.
    let batches: Vec<u32> = ops
        .iter_mut()
        .map(|op| {
            op();
            let probe = Instant::now();
            op();
            let once = probe.elapsed().max(Duration::from_nanos(1));
            (m.min_sample_time.as_nanos() / once.as_nanos()).clamp(1, 100_000) as u32
        })
        .collect();
    let budget = m
        .max_point_time
        .saturating_mul(u32::try_from(ops.len()).unwrap_or(u32::MAX));
    let mut trackers: Vec<Tracker> = ops.iter().map(|_| Tracker::default()).collect();
    loop {
        for ((op, &batch), tracker) in ops.iter_mut().zip(&batches).zip(&mut trackers) {
            let t = Instant::now();
            for _ in 0..batch {
                op();
            }
            tracker.push(t.elapsed().as_nanos() as f64 / f64::from(batch), m);
        }
        let taken = trackers.first().map_or(0, |t| t.samples.len());
        let stable = trackers.iter().all(|t| t.settled >= m.stable_window);
        let out_of_time = taken >= m.min_samples && started.elapsed() >= budget;
        if stable || out_of_time || taken >= m.max_samples {
            return trackers
                .iter()
                .map(|t| Timing {
                    median_ns: t.median,
                    samples: t.samples.len(),
                    stable: t.settled >= m.stable_window,
                })
                .collect();
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use std::hint::black_box;

    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn sampled_devices_are_in_range_and_distinct() {
        use super::super::point::sampled_devices;
        assert_eq!(sampled_devices(1), vec![0]);
        assert_eq!(sampled_devices(2), vec![0, 1]);
        assert_eq!(sampled_devices(3), vec![0, 1, 2]);
        assert_eq!(sampled_devices(512), vec![0, 256, 511]);
    }

    #[test]
    fn measure_stops_within_its_limits() {
        let m = Measurement {
            max_point_time: Duration::from_millis(50),
            ..Measurement::default()
        };
        let mut calls = 0u64;
        let mut other = 0u64;
        let mut ops: Vec<Box<dyn FnMut() + '_>> = vec![
            Box::new(|| calls = black_box(calls + 1)),
            Box::new(|| other = black_box(other + 2)),
        ];
        let timings = measure_all(&m, ops.iter_mut());
        assert_eq!(timings.len(), 2);
        for t in timings {
            assert!(t.samples >= m.min_samples && t.samples <= m.max_samples);
            assert!(t.median_ns >= 0.0);
        }
    }
}
