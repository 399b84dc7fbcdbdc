//! The fan-out benchmark harness: what it costs to encrypt one message to many devices.
//!
//! Describe the run with a [`BenchConfig`] (recipients, devices per recipient, message sizes,
//! schemes), turn it into a [`BenchPlan`] with [`BenchConfig::validate`] (every limit is checked
//! there, before anything is allocated), and measure it with [`run`], which reports progress
//! through a callback and never prints. The [`BenchReport`] it returns renders itself as JSON,
//! CSV, a text table, a brief table for a projector ([`BenchReport::to_brief`]) or an SVG chart.
//!
//! Besides the three [`Fanout`] schemes, a run measures the **floor**: one ChaCha20-Poly1305 pass
//! over the message plus one bare X25519 per recipient device, the work no fan-out scheme can
//! avoid ([`floor_seal`]). It comes in two flavours: [`BenchScheme::Floor`] spreads the X25519s
//! over all cores exactly when the schemes do (the fair comparison), and
//! [`BenchScheme::FloorSingleThread`] keeps them on one thread. A bag also makes a fresh
//! ephemeral key per device; [`BenchScheme::FloorEphemeral`] ([`floor_ephemeral_seal`]) is that
//! floor: one AEAD pass, one fixed-base multiplication and one X25519 per device.
//!
//! Two **session schemes** stand beside them, the designs group messengers use: sender keys
//! ([`BenchScheme::SenderKeys`], [`sender_keys`]) and MLS ([`BenchScheme::Mls`], through
//! OpenMLS). A session pays once per membership change and then little per message; their rows
//! also give `membership_change_ns` and `removal_ns`, and [`Ratios::break_even_messages`] says
//! after how many messages per membership change they beat bagged fan-out.
//!
//! Every point can run in a rayon pool of a chosen size ([`BenchConfig::threads`]), so scaling
//! is measured on any machine.
//!
//! This module is the one part of the library that reads the clock: measuring time is its job.

mod brief;
// The chart needs plotters and MLS needs OpenMLS: feature `bench` (MLS off the web only).
#[cfg(feature = "bench")]
mod chart;
mod floor;
mod measure;
#[cfg(all(feature = "bench", not(target_arch = "wasm32")))]
pub mod mls;
mod point;
mod render;

use crate::crypto::{Fanout, MAX_MESSAGE, MAX_RECIPIENTS};

pub use crate::crypto::sender_key::{self as sender_keys, SenderKey, SenderKeyReceiver};
pub use brief::BRIEF_WIDTH;
pub use floor::{FloorEphemeralSealed, FloorSealed, floor_ephemeral_seal, floor_open, floor_seal};
pub use measure::{BenchReport, Measurement, PointResult, Progress, device_keys, run};
pub use render::Ratios;

/// Below this many recipient devices the parallel floor stays on one thread, as the envelope
/// code does (`PARALLEL_FROM` in `crypto/envelope.rs`): the fair floor uses the cores exactly
/// when the schemes do.
pub const PARALLEL_FROM: usize = 8;

/// The largest thread count a run may ask for.
pub const MAX_THREADS: usize = 1024;

/// The largest MLS group a run builds (recipient devices): building one costs a key package
/// per device and a commit that encrypts to every one of them.
pub const MAX_MLS_DEVICES: usize = 4096;

/// The most bytes of sealed output one measured point may hold at once (per-recipient sealing
/// copies the whole message once per device: 64 MiB to 100 devices would need 6.4 GiB).
pub const MAX_POINT_BYTES: usize = 2 << 30;

/// What a benchmark point measures: one of the fan-out schemes, or a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum BenchScheme {
    /// A real fan-out scheme, sealed through its [`crate::crypto::FanoutScheme`].
    Fanout(Fanout),
    /// One AEAD pass plus one bare X25519 per device, the X25519s spread over all cores from
    /// [`PARALLEL_FROM`] devices on (as the schemes do).
    Floor,
    /// Bagged's own floor ([`floor_ephemeral_seal`]): one AEAD pass, and per device one
    /// fixed-base multiplication (a fresh ephemeral key) and one X25519, spread as bagged
    /// spreads them.
    FloorEphemeral,
    /// The same work as [`BenchScheme::Floor`], on one thread.
    FloorSingleThread,
    /// Sender keys ([`sender_keys`]): a chain key distributed to every device once, then one
    /// AEAD pass and one signature per message.
    SenderKeys,
    /// MLS (RFC 9420) through OpenMLS: one group of the sender and every device.
    Mls,
}

impl BenchScheme {
    /// Every scheme and both floors, in the order tables and charts show them.
    pub const ALL: [BenchScheme; 8] = [
        BenchScheme::Fanout(Fanout::PerRecipient),
        BenchScheme::Fanout(Fanout::Bagged),
        BenchScheme::Fanout(Fanout::BaggedSharedEphemeral),
        BenchScheme::Floor,
        BenchScheme::FloorEphemeral,
        BenchScheme::FloorSingleThread,
        BenchScheme::SenderKeys,
        BenchScheme::Mls,
    ];

    /// The name on the command line, in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            BenchScheme::Fanout(fanout) => fanout.name(),
            BenchScheme::Floor => "floor",
            BenchScheme::FloorEphemeral => "floor-ephemeral",
            BenchScheme::FloorSingleThread => "floor-1-thread",
            BenchScheme::SenderKeys => "sender-keys",
            BenchScheme::Mls => "mls",
        }
    }

    /// Parses a scheme name (see [`BenchScheme::name`]).
    pub fn from_name(name: &str) -> Result<BenchScheme, BenchError> {
        BenchScheme::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| BenchError::UnknownScheme {
                name: name.to_owned(),
            })
    }

    /// Whether this is one of the floors rather than a real scheme.
    pub fn is_floor(self) -> bool {
        matches!(
            self,
            BenchScheme::Floor | BenchScheme::FloorEphemeral | BenchScheme::FloorSingleThread
        )
    }

    /// Whether this is a session scheme (keys set up per membership change, not per message).
    pub fn is_session(self) -> bool {
        matches!(self, BenchScheme::SenderKeys | BenchScheme::Mls)
    }
}

impl std::fmt::Display for BenchScheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a benchmark could not be planned, run or drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// A list (recipients, sizes, schemes) was empty.
    #[error("no {what} given: list at least one")]
    EmptyList {
        /// Which list.
        what: &'static str,
    },
    /// A count or size of zero.
    #[error("{what} must be at least 1, got 0")]
    Zero {
        /// What was zero.
        what: &'static str,
    },
    /// More recipient devices than an envelope may be sealed to.
    #[error(
        "{recipients} recipients x {devices_per_recipient} devices each = {asked} recipient devices; \
         the limit is {max}"
    )]
    TooManyDevices {
        /// The largest recipient count asked for.
        recipients: usize,
        /// Devices per recipient.
        devices_per_recipient: usize,
        /// Their product (saturated at `usize::MAX`).
        asked: usize,
        /// The limit ([`MAX_RECIPIENTS`]).
        max: usize,
    },
    /// A thread count over [`MAX_THREADS`].
    #[error("{asked} threads asked for; the limit is {max}")]
    TooManyThreads {
        /// The largest count asked for.
        asked: usize,
        /// The limit.
        max: usize,
    },
    /// An MLS group larger than [`MAX_MLS_DEVICES`].
    #[error(
        "mls to {devices} devices: the limit is {max} (building the group takes a key package \
         and an encryption per device); leave mls out of --schemes or use fewer devices"
    )]
    TooManyForMls {
        /// Recipient devices asked for.
        devices: usize,
        /// The limit.
        max: usize,
    },
    /// The rayon pool of a thread count could not be started.
    #[error("could not start a pool of {threads} threads: {why}")]
    ThreadPool {
        /// The thread count.
        threads: usize,
        /// What rayon said.
        why: String,
    },
    /// OpenMLS refused something (or MLS is not in this build).
    #[error("mls: {0}")]
    Mls(String),
    /// A message larger than an envelope may carry.
    #[error("message size {} ({asked} bytes) is over the limit of {}", format_size(*asked), format_size(*max))]
    MessageTooLarge {
        /// The size asked for.
        asked: usize,
        /// The limit ([`MAX_MESSAGE`]).
        max: usize,
    },
    /// One point would hold more sealed bytes in memory than [`MAX_POINT_BYTES`].
    #[error(
        "{scheme} to {devices} devices at {} would hold {asked} bytes of ciphertext; the limit is \
         {max} (2 GiB): fewer devices or a smaller size",
        format_size(*message_bytes)
    )]
    TooMuchMemory {
        /// The scheme's name.
        scheme: &'static str,
        /// Recipient devices at that point.
        devices: usize,
        /// Message size at that point.
        message_bytes: usize,
        /// Bytes the point would hold (saturated).
        asked: usize,
        /// The limit.
        max: usize,
    },
    /// A size that does not parse.
    #[error(
        "cannot read size {input:?}: {why} (write e.g. 256B, 1KiB, 64KiB, 1MiB or a plain number of bytes)"
    )]
    BadSize {
        /// What was given.
        input: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A scheme name that is not known.
    #[error(
        "unknown scheme {name:?}: expected per-recipient, bagged, bagged-shared-ephemeral, floor, \
         floor-ephemeral, floor-1-thread, sender-keys or mls"
    )]
    UnknownScheme {
        /// The name given.
        name: String,
    },
    /// Sealing failed during a run.
    #[error("sealing with {scheme} failed: {source}")]
    Seal {
        /// The scheme's name.
        scheme: &'static str,
        /// Why.
        source: crate::crypto::SealError,
    },
    /// A device could not open what it was sent: the harness refuses to time a broken scheme.
    #[error("with {scheme}, recipient device {device} could not open its envelope: {source}")]
    Open {
        /// The scheme's name.
        scheme: &'static str,
        /// The device's index.
        device: usize,
        /// Why.
        source: crate::crypto::OpenError,
    },
    /// A device opened its envelope but read other bytes than were sent.
    #[error("with {scheme}, recipient device {device} read other bytes than were sent")]
    WrongPlaintext {
        /// The scheme's name.
        scheme: &'static str,
        /// The device's index.
        device: usize,
    },
    /// The chart could not be drawn.
    #[error("could not draw the chart: {0}")]
    Chart(String),
}

/// What to measure. Check it with [`BenchConfig::validate`].
#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    /// Recipient counts (people), each a point on the x axis.
    pub recipients: Vec<usize>,
    /// Devices per recipient: each point seals to `recipients x devices_per_recipient` keys.
    pub devices_per_recipient: usize,
    /// Message sizes in bytes.
    pub sizes: Vec<usize>,
    /// Schemes and floors to measure.
    pub schemes: Vec<BenchScheme>,
    /// Thread counts: every point is measured once in a rayon pool of each. Empty (the
    /// default): once, in rayon's global pool (every core, or `RAYON_NUM_THREADS`).
    pub threads: Vec<usize>,
    /// `None` (the default): the recipients' keys and the sealing randomness come from the
    /// operating system. `Some(seed)`: from a generator seeded with it, for a reproducible run
    /// (benchmark keys only, never for real use).
    pub seed: Option<u64>,
    /// When a point's median counts as stable.
    pub measurement: Measurement,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            recipients: vec![1, 8, 64, 512],
            devices_per_recipient: 1,
            sizes: vec![1 << 10, 64 << 10],
            schemes: BenchScheme::ALL.to_vec(),
            threads: Vec::new(),
            seed: None,
            measurement: Measurement::default(),
        }
    }
}

/// A checked [`BenchConfig`]: lists sorted and without repeats, every limit respected.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchPlan {
    config: BenchConfig,
}

impl BenchPlan {
    /// The checked configuration.
    pub fn config(&self) -> &BenchConfig {
        &self.config
    }

    /// How many points [`run`] will measure.
    pub fn points(&self) -> usize {
        let c = &self.config;
        c.recipients.len() * c.sizes.len() * c.schemes.len() * c.threads.len().max(1)
    }
}

impl BenchConfig {
    /// Checks every limit before anything is allocated, and sorts the lists.
    pub fn validate(mut self) -> Result<BenchPlan, BenchError> {
        for (what, empty) in [
            ("recipient counts", self.recipients.is_empty()),
            ("message sizes", self.sizes.is_empty()),
            ("schemes", self.schemes.is_empty()),
        ] {
            if empty {
                return Err(BenchError::EmptyList { what });
            }
        }
        if self.recipients.contains(&0) {
            return Err(BenchError::Zero {
                what: "a recipient count",
            });
        }
        check_threads(&self.threads)?;
        if self.devices_per_recipient == 0 {
            return Err(BenchError::Zero {
                what: "devices per recipient",
            });
        }
        if self.sizes.contains(&0) {
            return Err(BenchError::Zero {
                what: "a message size",
            });
        }
        for list in [&mut self.recipients, &mut self.sizes, &mut self.threads] {
            list.sort_unstable();
            list.dedup();
        }
        self.schemes.sort_unstable();
        self.schemes.dedup();
        let most = *self.recipients.last().expect("checked non-empty above");
        let devices = most.saturating_mul(self.devices_per_recipient);
        if devices > MAX_RECIPIENTS {
            return Err(BenchError::TooManyDevices {
                recipients: most,
                devices_per_recipient: self.devices_per_recipient,
                asked: devices,
                max: MAX_RECIPIENTS,
            });
        }
        if devices > MAX_MLS_DEVICES && self.schemes.contains(&BenchScheme::Mls) {
            return Err(BenchError::TooManyForMls {
                devices,
                max: MAX_MLS_DEVICES,
            });
        }
        let largest = *self.sizes.last().expect("checked non-empty above");
        if largest > MAX_MESSAGE {
            return Err(BenchError::MessageTooLarge {
                asked: largest,
                max: MAX_MESSAGE,
            });
        }
        for &scheme in &self.schemes {
            let held = sealed_bytes_bound(scheme, devices, largest);
            if held > MAX_POINT_BYTES {
                return Err(BenchError::TooMuchMemory {
                    scheme: scheme.name(),
                    devices,
                    message_bytes: largest,
                    asked: held,
                    max: MAX_POINT_BYTES,
                });
            }
        }
        Ok(BenchPlan { config: self })
    }
}

/// Thread counts must be 1 to [`MAX_THREADS`].
fn check_threads(threads: &[usize]) -> Result<(), BenchError> {
    if threads.contains(&0) {
        return Err(BenchError::Zero {
            what: "a thread count",
        });
    }
    match threads.iter().max() {
        Some(&asked) if asked > MAX_THREADS => Err(BenchError::TooManyThreads {
            asked,
            max: MAX_THREADS,
        }),
        _ => Ok(()),
    }
}

/// An upper bound on the sealed bytes one point holds (saturating, so huge inputs stay huge).
fn sealed_bytes_bound(scheme: BenchScheme, devices: usize, message: usize) -> usize {
    // 128 bytes per device and 128 fixed cover every layout's overhead with room to spare.
    let per_device = 128usize;
    match scheme {
        BenchScheme::Fanout(Fanout::PerRecipient) => {
            devices.saturating_mul(message.saturating_add(per_device))
        }
        _ => message
            .saturating_add(128)
            .saturating_add(devices.saturating_mul(per_device)),
    }
}

/// Parses a message size: `256B`, `1KiB`, `64KiB`, `1MiB`, `64MiB` (binary units; `KB`/`MB`
/// are read as the same binary units, and case does not matter) or a plain number of bytes.
/// Limits are checked later, by [`BenchConfig::validate`].
pub fn parse_size(input: &str) -> Result<usize, BenchError> {
    let bad = |why| BenchError::BadSize {
        input: input.to_owned(),
        why,
    };
    let text = input.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    if digits.is_empty() {
        return Err(bad("it does not start with a number"));
    }
    let number: usize = digits.parse().map_err(|_| bad("the number is too large"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(bad("unknown unit; use B, KiB, MiB or GiB")),
    };
    number
        .checked_mul(1usize << shift)
        .ok_or_else(|| bad("the size is too large"))
}

/// Writes a byte count the way [`parse_size`] reads it: `1KiB`, `64KiB`, `1MiB`, else bytes.
pub fn format_size(bytes: usize) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes.is_multiple_of(1 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    format!("{bytes}B")
}
