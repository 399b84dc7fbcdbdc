//! The measuring loop: every point is timed again and again until its median stops moving.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use super::point::{Cycle, Point};
use super::{BenchError, BenchPlan, BenchScheme};
use crate::crypto::{PublicKey, SecretKey};

/// When a point's median counts as stable, and how long a point may take.
///
/// A *sample* times a batch of calls long enough (`min_sample_time`) for the clock to be
/// precise, and records the time per call. After `min_samples`, an operation is *stable* once
/// the median of all its samples so far has stayed within `tolerance` for `stable_window`
/// samples in a row (and stays so: a later burst of load does not undo it). A point stops when
/// every operation in it is stable; or, some unstable, when `max_samples` or `max_point_time`
/// is reached. Medians, not means: one descheduled sample on a busy two-core machine moves a
/// mean a lot and a median hardly.
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
    /// Threads in the rayon pool the point ran in.
    pub threads: usize,
    /// Recipients (people).
    pub recipients: usize,
    /// Devices per recipient.
    pub devices_per_recipient: usize,
    /// Message size in bytes.
    pub message_bytes: usize,
    /// Median time to seal the message to every device, in nanoseconds (for a session scheme:
    /// one message to the group whose keys are already in place).
    pub encrypt_ns: u64,
    /// Median time for one device to open what it was delivered, in nanoseconds (`None` for
    /// `mls`: an MLS message opens once, so it is checked but not timed).
    pub decrypt_ns_per_device: Option<u64>,
    /// Session schemes: median time the sender spends when one device joins the group of this
    /// size, in nanoseconds (sender keys: its chain key sealed to the newcomer; MLS: an add
    /// commit with its welcome, merged). `None` for the other schemes.
    pub membership_change_ns: Option<u64>,
    /// Session schemes: median time the sender spends when that device leaves again (sender
    /// keys: a fresh sender key sealed to every remaining device; MLS: a remove commit, merged).
    pub removal_ns: Option<u64>,
    /// Exact bytes on the sender's uplink ([`crate::crypto::Sealed::wire_bytes`]); for a floor,
    /// only the AEAD output (the floor sends no key material at all); for a session scheme, one
    /// message frame.
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
    /// Threads of the pool being measured.
    pub threads: usize,
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

/// Measures every point of `plan`, calling `progress` before each (threads, recipients, size)
/// and once at the end.
///
/// The schemes of one point are timed *interleaved*, one sample of each in turn, so a burst of
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
    // One key more than the most devices: the device that joins in a membership change.
    let keys = device_keys(&mut rng, most + 1);
    let publics: Vec<PublicKey> = keys.iter().map(SecretKey::public).collect();
    let total = plan.points();
    let mut results = Vec::with_capacity(total);
    let pools: Vec<Option<usize>> = if c.threads.is_empty() {
        vec![None]
    } else {
        c.threads.iter().copied().map(Some).collect()
    };
    for threads in pools {
        let pool = threads.map(start_pool).transpose()?;
        let threads = pool.as_ref().map_or_else(
            rayon::current_num_threads,
            rayon::ThreadPool::current_num_threads,
        );
        for &size in &c.sizes {
            for &recipients in &c.recipients {
                progress(&Progress {
                    threads,
                    done: results.len(),
                    total,
                    recipients,
                    message_bytes: size,
                });
                let at = PointAt {
                    recipients,
                    size,
                    seed: rng.random(),
                };
                let job = || measure_point(c, &keys, &publics, &at);
                let rows = match &pool {
                    Some(pool) => pool.install(job),
                    None => job(),
                };
                results.extend(rows?);
            }
        }
    }
    if let Some(last) = results.last() {
        progress(&Progress {
            threads: last.threads,
            done: total,
            total,
            recipients: last.recipients,
            message_bytes: last.message_bytes,
        });
    }
    Ok(BenchReport { results })
}

fn start_pool(threads: usize) -> Result<rayon::ThreadPool, BenchError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| BenchError::ThreadPool {
            threads,
            why: e.to_string(),
        })
}

/// Which point to measure, and the seed of its sealing randomness.
struct PointAt {
    recipients: usize,
    size: usize,
    seed: u64,
}

/// Prepares and times every scheme at one point, in the current rayon pool.
fn measure_point(
    c: &super::BenchConfig,
    keys: &[SecretKey],
    publics: &[PublicKey],
    at: &PointAt,
) -> Result<Vec<PointResult>, BenchError> {
    let n = at.recipients * c.devices_per_recipient;
    let message: Vec<u8> = (0..at.size).map(|i| (i % 251) as u8).collect();
    let point = Point {
        keys: &keys[..n],
        publics: &publics[..n],
        newcomer: &publics[n],
        message: &message,
    };
    let mut rng = StdRng::seed_from_u64(at.seed);
    let mut contestants = c
        .schemes
        .iter()
        .map(|&scheme| point.prepare(scheme, StdRng::seed_from_u64(rng.random())))
        .collect::<Result<Vec<_>, _>>()?;
    let m = &c.measurement;
    let encrypt = measure_all(m, contestants.iter_mut().map(|c| &mut c.encrypt));
    let mut decrypt =
        measure_all(m, contestants.iter_mut().filter_map(|c| c.decrypt.as_mut())).into_iter();
    let ns = |t: Timing| t.median_ns.round() as u64;
    let mut rows = Vec::with_capacity(contestants.len());
    for (contestant, encrypt) in contestants.iter_mut().zip(encrypt) {
        let decrypt = contestant
            .decrypt
            .as_ref()
            .and_then(|_| decrypt.next())
            .map(ns);
        let membership = contestant
            .membership
            .as_mut()
            .map(|cycle| measure_cycle(m, cycle))
            .transpose()?;
        rows.push(PointResult {
            scheme: contestant.scheme,
            threads: rayon::current_num_threads(),
            recipients: at.recipients,
            devices_per_recipient: c.devices_per_recipient,
            message_bytes: at.size,
            encrypt_ns: ns(encrypt),
            decrypt_ns_per_device: decrypt,
            membership_change_ns: membership.map(|(add, _)| ns(add)),
            removal_ns: membership.map(|(_, remove)| ns(remove)),
            wire_bytes: contestant.wire_bytes,
            samples: encrypt.samples,
            stable: encrypt.stable,
        });
    }
    Ok(rows)
}

/// The samples of one operation so far, and how long its median has held still.
#[derive(Debug, Default)]
struct Tracker {
    samples: Vec<f64>,
    median: f64,
    settled: usize,
    /// The median has held within the tolerance for a whole window at least once. Interleaved
    /// operations keep being sampled until all of them are stable, and with eight of them a
    /// burst of load that moved one settled median would otherwise send it back to the start:
    /// on a busy machine the point then ran out of time with every median long settled.
    stable: bool,
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
        self.stable |= self.settled >= m.stable_window;
        self.median = median;
    }
}

/// Samples a point takes before its time budget can end it (unless three budgets have passed).
const SAMPLES_BEFORE_TIMEOUT: usize = 31;

/// Whether a point that has taken `taken` samples of each operation in `elapsed` is out of time:
/// past its `budget` once it has [`SAMPLES_BEFORE_TIMEOUT`] samples, and past three budgets in
/// any case. A 64 x 1 MiB point, where one per-recipient seal takes 120 ms, used its budget in
/// 18 samples on a busy machine and ended unsettled; 31 samples settle it.
fn out_of_time(m: &Measurement, taken: usize, elapsed: Duration, budget: Duration) -> bool {
    taken >= m.min_samples
        && (elapsed >= budget.saturating_mul(3)
            || (taken >= SAMPLES_BEFORE_TIMEOUT && elapsed >= budget))
}

/// The longest a sample of a fast operation is stretched to (see [`sample_time`]).
const LONGEST_SAMPLE: Duration = Duration::from_millis(50);

/// How long one sample of every operation of a point lasts: `min_sample_time`, or as long as
/// one call of the slowest operation (up to [`LONGEST_SAMPLE`]). Interleaved with a 150 ms
/// per-recipient seal, a 8 ms bagged seal sampled one call at a time took only as many samples
/// as the slow one, each as noisy as one call, and ran out of time; a batch as long as the
/// slow call averages that noise out within the sample, at no cost in rounds.
fn sample_time(m: &Measurement, once: &[Duration]) -> Duration {
    let slowest = once.iter().copied().max().unwrap_or_default();
    m.min_sample_time.max(slowest.min(LONGEST_SAMPLE))
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
    let once: Vec<Duration> = ops
        .iter_mut()
        .map(|op| {
            op();
            let probe = Instant::now();
            op();
            probe.elapsed().max(Duration::from_nanos(1))
        })
        .collect();
    let sample_time = sample_time(m, &once);
    let batches: Vec<u32> = once
        .iter()
        .map(|once| (sample_time.as_nanos() / once.as_nanos()).clamp(1, 100_000) as u32)
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
        let stable = trackers.iter().all(|t| t.stable);
        let out_of_time = out_of_time(m, taken, started.elapsed(), budget);
        if stable || out_of_time || taken >= m.max_samples {
            return trackers
                .iter()
                .map(|t| Timing {
                    median_ns: t.median,
                    samples: t.samples.len(),
                    stable: t.stable,
                })
                .collect();
        }
    }
}

/// Times a membership cycle (one device joins, then leaves) again and again until both medians
/// are stable, with the limits of [`Measurement`]; one untimed cycle first.
fn measure_cycle(m: &Measurement, cycle: &mut Cycle<'_>) -> Result<(Timing, Timing), BenchError> {
    cycle()?;
    let started = Instant::now();
    let (mut add, mut remove) = (Tracker::default(), Tracker::default());
    loop {
        let (a, r) = cycle()?;
        add.push(a.as_nanos() as f64, m);
        remove.push(r.as_nanos() as f64, m);
        let taken = add.samples.len();
        let stable = add.stable && remove.stable;
        let out_of_time = taken >= m.min_samples && started.elapsed() >= m.max_point_time;
        if stable || out_of_time || taken >= m.max_samples {
            let timing = |t: &Tracker| Timing {
                median_ns: t.median,
                samples: t.samples.len(),
                stable: t.stable,
            };
            return Ok((timing(&add), timing(&remove)));
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
    fn a_settled_median_stays_stable_through_a_later_burst() {
        // Regression: with eight interleaved schemes on a busy machine, a burst that moved one
        // settled median reset it, and the default run ended with points "out of time".
        let m = Measurement::default();
        let mut t = Tracker::default();
        for _ in 0..(m.min_samples + m.stable_window) {
            t.push(100.0, &m);
        }
        assert!(t.stable);
        for _ in 0..3 {
            t.push(1000.0, &m);
        }
        assert!(t.stable, "a burst after settling does not undo it");
        let mut fresh = Tracker::default();
        for sample in [100.0, 1000.0].repeat(6) {
            fresh.push(sample, &m);
        }
        assert!(!fresh.stable, "a median that never held is not stable");
    }

    #[test]
    fn a_slow_point_takes_enough_samples_before_its_time_runs_out() {
        let m = Measurement::default();
        let budget = Duration::from_secs(4);
        let s = Duration::from_secs;
        assert!(!out_of_time(&m, 18, s(5), budget), "18 samples are too few");
        assert!(out_of_time(&m, 31, s(5), budget));
        assert!(
            out_of_time(&m, 18, s(12), budget),
            "three budgets end it anyway"
        );
        assert!(
            !out_of_time(&m, 3, s(100), budget),
            "never before min_samples"
        );
    }

    #[test]
    fn fast_operations_are_sampled_as_long_as_the_slowest_call() {
        let m = Measurement::default();
        let ms = Duration::from_millis;
        assert_eq!(sample_time(&m, &[ms(0), ms(1)]), m.min_sample_time);
        assert_eq!(sample_time(&m, &[ms(8), ms(20)]), ms(20));
        assert_eq!(sample_time(&m, &[ms(8), ms(150)]), LONGEST_SAMPLE);
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
