//! The measuring loop: every point is timed again and again until its median stops moving.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use super::{BenchError, BenchPlan, BenchScheme, floor_open, floor_seal};
use crate::crypto::{Fanout, PublicKey, SecretKey};

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

/// Where a run is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Points finished.
    pub done: usize,
    /// Points in the run.
    pub total: usize,
    /// The point being measured next (or just finished, when `done == total`).
    pub scheme: BenchScheme,
    /// Its recipient count.
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

/// `n` device key pairs from a seed (reproducible benchmark keys, never for real use).
pub fn device_keys(seed: u64, n: usize) -> Vec<SecretKey> {
    // Seeds are drawn in order, the scalar multiplications spread over the cores.
    let mut rng = StdRng::seed_from_u64(seed);
    let seeds: Vec<[u8; 32]> = (0..n).map(|_| rng.random()).collect();
    seeds.into_par_iter().map(SecretKey::from_bytes).collect()
}

/// Measures every point of `plan`, calling `progress` before each point and once at the end.
pub fn run(
    plan: &BenchPlan,
    progress: &mut dyn FnMut(&Progress),
) -> Result<BenchReport, BenchError> {
    let c = plan.config();
    let most = *c.recipients.last().expect("a plan has recipients") * c.devices_per_recipient;
    let keys = device_keys(c.seed, most);
    let publics: Vec<PublicKey> = keys.iter().map(SecretKey::public).collect();
    let mut rng = StdRng::seed_from_u64(c.seed ^ 0x5eed);
    let total = plan.points();
    let mut results = Vec::with_capacity(total);
    for &size in &c.sizes {
        let message: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        for &recipients in &c.recipients {
            let n = recipients * c.devices_per_recipient;
            for &scheme in &c.schemes {
                let done = results.len();
                progress(&Progress {
                    done,
                    total,
                    scheme,
                    recipients,
                    message_bytes: size,
                });
                let point = Point {
                    keys: &keys[..n],
                    publics: &publics[..n],
                    message: &message,
                };
                let (encrypt, decrypt, wire_bytes) = match scheme {
                    BenchScheme::Fanout(fanout) => {
                        point.scheme(fanout, &mut rng, &c.measurement)?
                    }
                    BenchScheme::Floor => point.floor(true, &mut rng, &c.measurement)?,
                    BenchScheme::FloorSingleThread => {
                        point.floor(false, &mut rng, &c.measurement)?
                    }
                };
                results.push(PointResult {
                    scheme,
                    recipients,
                    devices_per_recipient: c.devices_per_recipient,
                    message_bytes: size,
                    encrypt_ns: encrypt.median_ns.round() as u64,
                    decrypt_ns_per_device: decrypt.median_ns.round() as u64,
                    wire_bytes,
                    samples: encrypt.samples,
                    stable: encrypt.stable,
                });
            }
        }
    }
    if let Some(last) = results.last() {
        let (scheme, recipients, message_bytes) =
            (last.scheme, last.recipients, last.message_bytes);
        progress(&Progress {
            done: total,
            total,
            scheme,
            recipients,
            message_bytes,
        });
    }
    Ok(BenchReport { results })
}

/// Devices whose opening is checked and timed: the first, one in the middle, the last.
fn sampled_devices(n: usize) -> Vec<usize> {
    let mut picked = vec![0, n / 2, n - 1];
    picked.dedup();
    picked
}

struct Point<'a> {
    keys: &'a [SecretKey],
    publics: &'a [PublicKey],
    message: &'a [u8],
}

impl Point<'_> {
    fn scheme(
        &self,
        fanout: Fanout,
        rng: &mut StdRng,
        m: &Measurement,
    ) -> Result<(Timing, Timing, usize), BenchError> {
        let scheme = fanout.scheme();
        let name = fanout.name();
        let seal_err = |source| BenchError::Seal {
            scheme: name,
            source,
        };
        // Seal once outside the clock: check it works and see exactly what it puts on the wire.
        let sealed = scheme
            .seal(rng, self.publics, self.message)
            .map_err(seal_err)?;
        let wire_bytes = sealed.wire_bytes();
        let mut deliveries = Vec::new();
        for device in sampled_devices(self.keys.len()) {
            let open_err = |source| BenchError::Open {
                scheme: name,
                device,
                source,
            };
            // What the server hands this device (for a bag, only its own stanza): not timed.
            let delivered = sealed.delivery(device).map_err(open_err)?.into_owned();
            let plain = scheme
                .open(&self.keys[device], &delivered)
                .map_err(open_err)?;
            if plain != self.message {
                return Err(BenchError::WrongPlaintext {
                    scheme: name,
                    device,
                });
            }
            deliveries.push((device, delivered));
        }
        drop(sealed);
        let mut failed = None;
        let encrypt = measure(
            m,
            &mut || match scheme.seal(rng, self.publics, self.message) {
                Ok(sealed) => drop(black_box(sealed)),
                Err(e) => failed = Some(e),
            },
        );
        if let Some(e) = failed {
            return Err(seal_err(e));
        }
        let mut turn = 0;
        let decrypt = measure(m, &mut || {
            let (device, delivered) = &deliveries[turn % deliveries.len()];
            turn += 1;
            drop(black_box(
                scheme.open(&self.keys[*device], black_box(delivered)),
            ));
        });
        Ok((encrypt, decrypt, wire_bytes))
    }

    fn floor(
        &self,
        parallel: bool,
        rng: &mut StdRng,
        m: &Measurement,
    ) -> Result<(Timing, Timing, usize), BenchError> {
        let name = if parallel {
            BenchScheme::Floor.name()
        } else {
            BenchScheme::FloorSingleThread.name()
        };
        let sender = SecretKey::from_bytes(rng.random());
        let key: [u8; 32] = rng.random();
        let sealed = floor_seal(&sender, self.publics, &key, self.message, parallel);
        let wire_bytes = sealed.ciphertext.len();
        let devices = sampled_devices(self.keys.len());
        for &device in &devices {
            let (plain, _) = floor_open(
                &self.keys[device],
                &sender.public(),
                &key,
                &sealed.ciphertext,
            )
            .map_err(|source| BenchError::Open {
                scheme: name,
                device,
                source,
            })?;
            if plain != self.message {
                return Err(BenchError::WrongPlaintext {
                    scheme: name,
                    device,
                });
            }
        }
        let encrypt = measure(m, &mut || {
            drop(black_box(floor_seal(
                &sender,
                self.publics,
                &key,
                black_box(self.message),
                parallel,
            )));
        });
        let sender_public = sender.public();
        let mut turn = 0;
        let decrypt = measure(m, &mut || {
            let device = devices[turn % devices.len()];
            turn += 1;
            drop(black_box(floor_open(
                &self.keys[device],
                &sender_public,
                &key,
                black_box(&sealed.ciphertext),
            )));
        });
        Ok((encrypt, decrypt, wire_bytes))
    }
}

/// Times `op` until its median is stable (see [`Measurement`]).
fn measure(m: &Measurement, op: &mut dyn FnMut()) -> Timing {
    let started = Instant::now();
    // One untimed call warms caches and the thread pool, one timed call sizes the batches.
    op();
    let probe = Instant::now();
    op();
    let once = probe.elapsed().max(Duration::from_nanos(1));
    let batch = (m.min_sample_time.as_nanos() / once.as_nanos()).clamp(1, 100_000) as u32;
    let mut samples: Vec<f64> = Vec::with_capacity(m.max_samples.min(1024));
    let mut settled = 0;
    let mut last_median = f64::NAN;
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            op();
        }
        samples.push(t.elapsed().as_nanos() as f64 / f64::from(batch));
        let median = median(&mut samples.clone());
        if samples.len() >= m.min_samples && (median - last_median).abs() <= m.tolerance * median {
            settled += 1;
        } else {
            settled = 0;
        }
        last_median = median;
        let stable = settled >= m.stable_window;
        let out_of_time = samples.len() >= m.min_samples && started.elapsed() >= m.max_point_time;
        if stable || out_of_time || samples.len() >= m.max_samples {
            return Timing {
                median_ns: median,
                samples: samples.len(),
                stable,
            };
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
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn sampled_devices_are_in_range_and_distinct() {
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
        let t = measure(&m, &mut || calls = black_box(calls + 1));
        assert!(t.samples >= m.min_samples && t.samples <= m.max_samples);
        assert!(t.median_ns >= 0.0);
    }
}
