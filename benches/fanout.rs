//! Fan-out: the cost of encrypting one message to many recipient devices, for our three schemes,
//! the floor (one bare ChaCha20-Poly1305 pass plus one bare X25519 per device, measured), and two
//! peer crates doing the same job: age (one file to N X25519 recipients) and HPKE (RFC 9180 base
//! mode, DHKEM(X25519, HKDF-SHA256) + HKDF-SHA256 + ChaCha20-Poly1305, one seal per recipient).
//!
//! Groups: `fanout-256B`, `fanout-1KiB`, `fanout-64KiB`, `fanout-1MiB` (recipients 1, 8, 64, 512)
//! and the slow `fanout-4096-1KiB` (4096 recipients). Ids are `group/function/recipients`;
//! throughput is in recipient devices per second (criterion's "elem/s"). The session schemes
//! `sender-keys` and `mls` are in the same groups (one message to a group whose keys are in
//! place), and the `membership` group times what their sender pays when one device joins a
//! group of 8, 64 or 512 devices (`sender-keys-join`, `mls-join`) and leaves it again
//! (`sender-keys-leave`, `mls-leave`).
//!
//! ```text
//! cargo bench --no-default-features --features cli,bench --bench fanout                                   # all, a few minutes
//! cargo bench --no-default-features --features cli,bench --bench fanout -- '^fanout-[0-9]+[KM]?i?B/'     # without the 4096 group
//! cargo bench --no-default-features --features cli,bench --bench fanout -- 'fanout-1KiB/(bagged|age|floor)/512$'
//! cargo bench --no-default-features --features cli,bench --bench fanout -- '^membership/'               # joins and leaves
//! ```
//!
//! The `x25519` group times one X25519 on its own: ours through a prepared public key (what a
//! sender fanning out pays) and from 32 bytes (what an opening device pays), x25519-dalek's
//! ladder, and ring's (BoringSSL's code; ring only agrees with a fresh ephemeral key, so its
//! row includes drawing one, timed alone as `ring-generate`), plus the fixed-base
//! multiplication behind a fresh public key in both. OpenSSL's, through Python's
//! `cryptography` package, is timed by `benches/openssl_x25519.py` (not a CI dependency).
//!
//! ```text
//! cargo bench --no-default-features --features cli,bench --bench fanout -- '^x25519/'
//! ```
//!
//! Before measuring, it prints the exact wire bytes each function writes (stderr).

use std::cell::RefCell;
use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Kem as _, OpModeS, Serializable as _};
use plainsight::bench::mls::MlsGroupBench;
use plainsight::bench::{SenderKey, device_keys, floor_ephemeral_seal, floor_seal};
use plainsight::crypto::x25519::{x25519, x25519_bytes, x25519_ladder};
use plainsight::crypto::{Fanout, PublicKey, SecretKey, os_rng, seal_one};
use rand::RngExt;
use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use ring::rand::SystemRandom;
use zeroize::Zeroizing;

type HpkePublic = <X25519HkdfSha256 as hpke::Kem>::PublicKey;

const SIZES: [(&str, usize); 4] = [
    ("256B", 256),
    ("1KiB", 1 << 10),
    ("64KiB", 64 << 10),
    ("1MiB", 1 << 20),
];
const RECIPIENTS: [usize; 4] = [1, 8, 64, 512];
const MANY: usize = 4096;
const HPKE_INFO: &[u8] = b"plainsight bench";

/// The same recipient devices, as each library wants them, and the session groups built on
/// them (one per recipient count, built when first asked for).
struct Devices {
    ours: Vec<PublicKey>,
    /// One ephemeral secret per device, for `floor-ephemeral`.
    seeds: Vec<Zeroizing<[u8; 32]>>,
    age: Vec<age::x25519::Recipient>,
    hpke: Vec<HpkePublic>,
    sender_key: RefCell<SenderKey>,
    mls: RefCell<Vec<(usize, MlsGroupBench)>>,
}

impl Devices {
    fn new(n: usize) -> Self {
        let ours = device_keys(
            &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(42),
            n,
        )
        .iter()
        .map(SecretKey::public)
        .collect();
        let age = (0..n)
            .map(|_| age::x25519::Identity::generate().to_public())
            .collect();
        let hpke = (0..n).map(|_| X25519HkdfSha256::gen_keypair().1).collect();
        let mut rng = os_rng();
        let seeds = (0..n).map(|_| Zeroizing::new(rng.random())).collect();
        Devices {
            ours,
            seeds,
            age,
            hpke,
            sender_key: RefCell::new(SenderKey::generate(&mut os_rng())),
            mls: RefCell::new(Vec::new()),
        }
    }

    /// Runs `f` on the MLS group of the sender and `n` devices.
    fn with_mls<T>(&self, n: usize, f: impl FnOnce(&mut MlsGroupBench) -> T) -> T {
        let mut groups = self.mls.borrow_mut();
        let at = match groups.iter().position(|(size, _)| *size == n) {
            Some(at) => at,
            None => {
                let group = MlsGroupBench::new(n).expect("OpenMLS builds a group");
                groups.push((n, group));
                groups.len() - 1
            }
        };
        f(&mut groups[at].1)
    }
}

/// Every function measured, by the name criterion shows.
const FUNCTIONS: [&str; 10] = [
    "per-recipient",
    "bagged",
    "bagged-shared-ephemeral",
    "floor",
    "floor-ephemeral",
    "floor-1-thread",
    "sender-keys",
    "mls",
    "age",
    "hpke",
];

/// Runs `function` once over the first `n` devices; returns the bytes it wrote.
fn seal(function: &str, devices: &Devices, n: usize, message: &[u8]) -> usize {
    match function {
        "floor" | "floor-1-thread" => {
            let sender = SecretKey::from_bytes([7; 32]);
            floor_seal(
                &sender,
                &devices.ours[..n],
                &[9; 32],
                message,
                function == "floor",
            )
            .ciphertext
            .len()
        }
        "age" => {
            let recipients = devices.age[..n].iter().map(|r| r as &dyn age::Recipient);
            let encryptor = age::Encryptor::with_recipients(recipients)
                .expect("X25519 recipients are compatible");
            let mut out = Vec::with_capacity(message.len() + 128 * n);
            let mut writer = encryptor
                .wrap_output(&mut out)
                .expect("writing to a Vec cannot fail");
            writer
                .write_all(message)
                .expect("writing to a Vec cannot fail");
            writer.finish().expect("writing to a Vec cannot fail");
            out.len()
        }
        "floor-ephemeral" => {
            floor_ephemeral_seal(&devices.seeds[..n], &devices.ours[..n], &[9; 32], message)
                .expect("valid keys seal")
                .ciphertext
                .len()
        }
        // Session schemes: one message to a group whose keys are already in place.
        "sender-keys" => devices.sender_key.borrow_mut().encrypt(message).len(),
        "mls" => devices.with_mls(n, |group| {
            group
                .encrypt(message)
                .expect("a built group encrypts")
                .len()
        }),
        "hpke" => devices.hpke[..n]
            .iter()
            .map(|pk| {
                let (enc, ct) = hpke::single_shot_seal::<
                    ChaCha20Poly1305,
                    HkdfSha256,
                    X25519HkdfSha256,
                >(&OpModeS::Base, pk, HPKE_INFO, message, &[])
                .expect("sealing to a valid X25519 key succeeds");
                enc.to_bytes().len() + ct.len()
            })
            .sum(),
        name => {
            let fanout = Fanout::from_name(name).expect("FUNCTIONS names only known schemes");
            fanout
                .scheme()
                .expect("FUNCTIONS names only one-shot schemes")
                .seal(&mut os_rng(), &devices.ours[..n], message)
                .expect("valid keys seal")
                .wire_bytes()
        }
    }
}

/// Exact bytes on the wire, and bytes per extra device, for 1 KiB to 1 and 512 devices.
fn print_wire_bytes(devices: &Devices) {
    let message = vec![0x42u8; 1 << 10];
    eprintln!("wire bytes for a 1 KiB message (exact, from the bytes each function wrote):");
    for function in FUNCTIONS {
        let (one, many) = (
            seal(function, devices, 1, &message),
            seal(function, devices, 512, &message),
        );
        eprintln!(
            "  {function:<24} 1 device: {one:>7}   512 devices: {many:>7}   per extra device: {:>7.1}",
            (many - one) as f64 / 511.0
        );
    }
    // HPKE used as a key wrapper (as bagged schemes would use it): a 32-byte content key per device.
    let (enc, wrapped) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeS::Base,
        &devices.hpke[0],
        HPKE_INFO,
        &[0u8; 32],
        &[],
    )
    .expect("sealing to a valid X25519 key succeeds");
    eprintln!(
        "  hpke wrapping a 32-byte key: {} bytes per device",
        enc.to_bytes().len() + wrapped.len()
    );
}

fn group(
    c: &mut Criterion,
    name: &str,
    devices: &Devices,
    size: usize,
    recipients: &[usize],
    slow: bool,
) {
    let message: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let mut group = c.benchmark_group(name);
    // Short runs so the whole file fits in a few minutes on two cores; ratios between functions
    // in one run are what matter, and they hold on a noisy machine.
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(10);
    if slow {
        // One iteration takes tens of milliseconds or more: same count per sample, no ramp.
        group.sampling_mode(SamplingMode::Flat);
    }
    for &n in recipients {
        group.throughput(Throughput::Elements(n as u64));
        for function in FUNCTIONS {
            group.bench_with_input(BenchmarkId::new(function, n), &n, |b, &n| {
                b.iter(|| black_box(seal(function, devices, n, black_box(&message))));
            });
        }
    }
    group.finish();
}

/// What the sender pays when one device joins a group of `n` devices, and when it leaves again:
/// `iter_custom` adds up only the half being measured.
fn membership(c: &mut Criterion, devices: &Devices) {
    let mut group = c.benchmark_group("membership");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat);
    let newcomer = SecretKey::generate(&mut os_rng()).public();
    for n in &RECIPIENTS[1..] {
        let n = *n;
        group.throughput(Throughput::Elements(n as u64));
        let sender = RefCell::new(SenderKey::generate(&mut os_rng()));
        group.bench_function(BenchmarkId::new("sender-keys-join", n), |b| {
            b.iter(|| {
                let distribution = sender.borrow().distribution();
                black_box(seal_one(&mut os_rng(), &newcomer, &distribution).expect("seals"))
            });
        });
        group.bench_function(BenchmarkId::new("sender-keys-leave", n), |b| {
            b.iter(|| {
                let mut rng = os_rng();
                black_box(sender.borrow_mut().rotate(&mut rng, &devices.ours[..n]))
            });
        });
        for (name, leave) in [("mls-join", false), ("mls-leave", true)] {
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter_custom(|iters| {
                    devices.with_mls(n, |mls| {
                        (0..iters)
                            .map(|_| {
                                let (join, gone) = mls.add_then_remove().expect("adds and removes");
                                if leave { gone } else { join }
                            })
                            .sum()
                    })
                });
            });
        }
    }
    group.finish();
}

/// One X25519 (and one fixed-base multiplication) on its own, ours against ring's.
fn x25519_group(c: &mut Criterion) {
    let mut group = c.benchmark_group("x25519");
    group
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    let scalar: [u8; 32] = os_rng().random();
    let peer = SecretKey::generate(&mut os_rng()).public();
    let peer_bytes = peer.to_bytes();
    group.bench_function("plainsight-prepared-key", |b| {
        b.iter(|| x25519(black_box(&scalar), black_box(&peer)))
    });
    group.bench_function("plainsight-from-bytes", |b| {
        b.iter(|| x25519_bytes(black_box(&scalar), black_box(&peer_bytes)))
    });
    group.bench_function("x25519-dalek-ladder", |b| {
        b.iter(|| x25519_ladder(black_box(&scalar), black_box(&peer_bytes)))
    });
    let rng = SystemRandom::new();
    let ring_peer = UnparsedPublicKey::new(&agreement::X25519, peer_bytes);
    group.bench_function("ring", |b| {
        b.iter(|| {
            let mine = EphemeralPrivateKey::generate(&agreement::X25519, &rng)
                .expect("the system RNG works");
            agreement::agree_ephemeral(mine, black_box(&ring_peer), |shared| shared[0])
                .expect("a valid peer key agrees")
        })
    });
    group.bench_function("ring-generate", |b| {
        b.iter(|| {
            EphemeralPrivateKey::generate(&agreement::X25519, &rng).expect("the system RNG works")
        })
    });
    group.bench_function("plainsight-fixed-base", |b| {
        b.iter(|| SecretKey::from_bytes(black_box(scalar)).public())
    });
    group.bench_function("ring-fixed-base", |b| {
        b.iter(|| {
            EphemeralPrivateKey::generate(&agreement::X25519, &rng)
                .expect("the system RNG works")
                .compute_public_key()
                .expect("a fresh key has a public key")
        })
    });
    group.finish();
}

fn main() {
    let mut c = Criterion::default().without_plots().configure_from_args();
    x25519_group(&mut c);
    let devices = Devices::new(MANY);
    print_wire_bytes(&devices);
    for (label, size) in SIZES {
        group(
            &mut c,
            &format!("fanout-{label}"),
            &devices,
            size,
            &RECIPIENTS,
            size >= 1 << 20,
        );
    }
    membership(&mut c, &devices);
    group(&mut c, "fanout-4096-1KiB", &devices, 1 << 10, &[MANY], true);
    c.final_summary();
}
