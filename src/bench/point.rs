//! One (recipients, size) point, prepared for timing: every scheme sealed once, opened by a few
//! devices and checked, then wrapped as closures the measuring loop calls.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand::RngExt;
use rand::rngs::StdRng;

use zeroize::Zeroizing;

use super::{BenchError, BenchScheme, floor_ephemeral_seal, floor_open, floor_seal};
use crate::crypto::sender_key::{SenderKey, SenderKeyReceiver};
use crate::crypto::{FanoutScheme, PublicKey, SecretKey, seal_one};

/// Devices whose opening is checked and timed: the first, one in the middle, the last.
pub(super) fn sampled_devices(n: usize) -> Vec<usize> {
    let mut picked = vec![0, n / 2, n - 1];
    picked.dedup();
    picked
}

pub(super) struct Point<'a> {
    pub(super) keys: &'a [SecretKey],
    pub(super) publics: &'a [PublicKey],
    /// A device outside the group, the one that joins in a membership change.
    pub(super) newcomer: &'a PublicKey,
    pub(super) message: &'a [u8],
}

/// One device joining the group and leaving it again: the time of each.
pub(super) type Cycle<'a> = Box<dyn FnMut() -> Result<(Duration, Duration), BenchError> + 'a>;

/// One scheme at one point, checked and ready to be timed.
pub(super) struct Contestant<'a> {
    pub(super) scheme: BenchScheme,
    pub(super) wire_bytes: usize,
    pub(super) encrypt: Box<dyn FnMut() + 'a>,
    /// `None` where opening cannot be repeated (an MLS message opens once).
    pub(super) decrypt: Option<Box<dyn FnMut() + 'a>>,
    /// Session schemes only.
    pub(super) membership: Option<Cycle<'a>>,
}

impl<'a> Point<'a> {
    pub(super) fn prepare(
        &self,
        scheme: BenchScheme,
        rng: StdRng,
    ) -> Result<Contestant<'a>, BenchError> {
        match scheme {
            BenchScheme::Fanout(fanout) => match fanout.scheme() {
                Some(one_shot) => self.scheme(one_shot, rng),
                // The session scheme keeps state: it has its own measurement.
                None => self.sender_keys(rng),
            },
            BenchScheme::Floor => self.floor(scheme, true, rng),
            BenchScheme::FloorEphemeral => self.floor_ephemeral(rng),
            BenchScheme::FloorSingleThread => self.floor(scheme, false, rng),
            BenchScheme::SenderKeys => self.sender_keys(rng),
            BenchScheme::Mls => self.mls(),
        }
    }

    fn scheme(
        &self,
        scheme: &'static dyn FanoutScheme,
        mut rng: StdRng,
    ) -> Result<Contestant<'a>, BenchError> {
        let (keys, publics, message) = (self.keys, self.publics, self.message);
        let fanout = scheme.fanout();
        let name = fanout.name();
        // Seal once outside the clock: check it works and see exactly what it puts on the wire.
        let sealed =
            scheme
                .seal(&mut rng, publics, message)
                .map_err(|source| BenchError::Seal {
                    scheme: name,
                    source,
                })?;
        let wire_bytes = sealed.wire_bytes();
        let mut deliveries = Vec::new();
        for device in sampled_devices(keys.len()) {
            let open_err = |source| BenchError::Open {
                scheme: name,
                device,
                source,
            };
            // What the server hands this device (for a bag, only its own stanza): not timed.
            let delivered = sealed.delivery(device).map_err(open_err)?.into_owned();
            let plain = scheme.open(&keys[device], &delivered).map_err(open_err)?;
            if plain != message {
                return Err(BenchError::WrongPlaintext {
                    scheme: name,
                    device,
                });
            }
            deliveries.push((device, delivered));
        }
        drop(sealed);
        let encrypt = move || {
            let sealed = scheme.seal(&mut rng, publics, black_box(message));
            drop(black_box(
                sealed.expect("the same keys and message sealed once already"),
            ));
        };
        let mut turn = 0;
        let decrypt = move || {
            let (device, delivered) = &deliveries[turn % deliveries.len()];
            turn += 1;
            drop(black_box(scheme.open(&keys[*device], black_box(delivered))));
        };
        Ok(Contestant {
            scheme: BenchScheme::Fanout(fanout),
            wire_bytes,
            encrypt: Box::new(encrypt),
            decrypt: Some(Box::new(decrypt)),
            membership: None,
        })
    }

    fn floor(
        &self,
        scheme: BenchScheme,
        parallel: bool,
        mut rng: StdRng,
    ) -> Result<Contestant<'a>, BenchError> {
        let (keys, publics, message) = (self.keys, self.publics, self.message);
        let name = scheme.name();
        let sender = SecretKey::from_bytes(rng.random());
        let key: [u8; 32] = rng.random();
        let sealed = floor_seal(&sender, publics, &key, message, parallel);
        let devices = sampled_devices(keys.len());
        for &device in &devices {
            let (plain, _) = floor_open(&keys[device], &sender.public(), &key, &sealed.ciphertext)
                .map_err(|source| BenchError::Open {
                    scheme: name,
                    device,
                    source,
                })?;
            if plain != message {
                return Err(BenchError::WrongPlaintext {
                    scheme: name,
                    device,
                });
            }
        }
        let wire_bytes = sealed.ciphertext.len();
        let sender_public = sender.public();
        let encrypt = move || {
            drop(black_box(floor_seal(
                &sender,
                publics,
                &key,
                black_box(message),
                parallel,
            )))
        };
        let mut turn = 0;
        let decrypt = move || {
            let device = devices[turn % devices.len()];
            turn += 1;
            drop(black_box(floor_open(
                &keys[device],
                &sender_public,
                &key,
                black_box(&sealed.ciphertext),
            )));
        };
        Ok(Contestant {
            scheme,
            wire_bytes,
            encrypt: Box::new(encrypt),
            decrypt: Some(Box::new(decrypt)),
            membership: None,
        })
    }

    fn floor_ephemeral(&self, mut rng: StdRng) -> Result<Contestant<'a>, BenchError> {
        let (keys, publics, message) = (self.keys, self.publics, self.message);
        let name = BenchScheme::FloorEphemeral.name();
        let seeds: Vec<Zeroizing<[u8; 32]>> = (0..keys.len())
            .map(|_| Zeroizing::new(rng.random()))
            .collect();
        let key: [u8; 32] = rng.random();
        let seal = move |seeds: &[Zeroizing<[u8; 32]>]| {
            floor_ephemeral_seal(seeds, publics, &key, message).map_err(|source| BenchError::Seal {
                scheme: name,
                source,
            })
        };
        let sealed = seal(&seeds)?;
        let devices = sampled_devices(keys.len());
        // Each sampled device opens with the ephemeral key meant for it, and agrees with the
        // sender on the shared secret.
        let mut openers = Vec::new();
        for &device in &devices {
            let ephemeral = SecretKey::from_bytes(*seeds[device]);
            let (plain, shared) =
                floor_open(&keys[device], &ephemeral.public(), &key, &sealed.ciphertext).map_err(
                    |source| BenchError::Open {
                        scheme: name,
                        device,
                        source,
                    },
                )?;
            let sent = floor_ephemeral_seal(
                &seeds[device..=device],
                &publics[device..=device],
                &key,
                message,
            )
            .map_err(|source| BenchError::Seal {
                scheme: name,
                source,
            })?;
            if plain != message || shared != sent.shared_fold {
                return Err(BenchError::WrongPlaintext {
                    scheme: name,
                    device,
                });
            }
            openers.push((device, ephemeral.public()));
        }
        let wire_bytes = sealed.ciphertext.len();
        let encrypt = move || drop(black_box(seal(black_box(&seeds))));
        let mut turn = 0;
        let decrypt = move || {
            let (device, ephemeral) = &openers[turn % openers.len()];
            turn += 1;
            drop(black_box(floor_open(
                &keys[*device],
                ephemeral,
                &key,
                black_box(&sealed.ciphertext),
            )));
        };
        Ok(Contestant {
            scheme: BenchScheme::FloorEphemeral,
            wire_bytes,
            encrypt: Box::new(encrypt),
            decrypt: Some(Box::new(decrypt)),
            membership: None,
        })
    }

    fn sender_keys(&self, mut rng: StdRng) -> Result<Contestant<'a>, BenchError> {
        let (keys, publics, message) = (self.keys, self.publics, self.message);
        let name = BenchScheme::SenderKeys.name();
        let seal_err = |source| BenchError::Seal {
            scheme: name,
            source,
        };
        let mut sender = SenderKey::generate(&mut rng);
        let envelopes = sender.distribute(&mut rng, publics).map_err(seal_err)?;
        let frame = sender.encrypt(message);
        let mut receivers = Vec::new();
        for device in sampled_devices(keys.len()) {
            let open_err = |source| BenchError::Open {
                scheme: name,
                device,
                source,
            };
            let receiver = SenderKeyReceiver::from_distribution(&keys[device], &envelopes[device])
                .map_err(open_err)?;
            if receiver.clone().decrypt(&frame).map_err(open_err)? != message {
                return Err(BenchError::WrongPlaintext {
                    scheme: name,
                    device,
                });
            }
            receivers.push(receiver);
        }
        let wire_bytes = frame.len();
        let encrypt = move || drop(black_box(sender.encrypt(black_box(message))));
        let mut turn = 0;
        // Each time a copy of a device's state opens the same frame: opening moves the chain on.
        let decrypt = move || {
            let mut receiver = receivers[turn % receivers.len()].clone();
            turn += 1;
            drop(black_box(receiver.decrypt(black_box(&frame))));
        };
        let newcomer = self.newcomer;
        let mut member = SenderKey::generate(&mut rng);
        let cycle = move || {
            let started = Instant::now();
            // Joining: the sender's chain key, as it is now, sealed to the new device.
            black_box(seal_one(&mut rng, newcomer, &member.distribution()).map_err(seal_err)?);
            let added = started.elapsed();
            let started = Instant::now();
            // Leaving: a fresh sender key for every remaining device.
            black_box(member.rotate(&mut rng, publics).map_err(seal_err)?);
            Ok((added, started.elapsed()))
        };
        Ok(Contestant {
            scheme: BenchScheme::SenderKeys,
            wire_bytes,
            encrypt: Box::new(encrypt),
            decrypt: Some(Box::new(decrypt)),
            membership: Some(Box::new(cycle)),
        })
    }

    #[cfg(all(feature = "bench", not(target_arch = "wasm32")))]
    fn mls(&self) -> Result<Contestant<'a>, BenchError> {
        use std::cell::RefCell;
        use std::rc::Rc;

        let message = self.message;
        let mut group = super::mls::MlsGroupBench::new(self.keys.len())?;
        if group.check(message)? != message {
            return Err(BenchError::WrongPlaintext {
                scheme: BenchScheme::Mls.name(),
                device: 0,
            });
        }
        let wire_bytes = group.encrypt(message)?.len();
        // The message and the membership closures take turns with the one group.
        let group = Rc::new(RefCell::new(group));
        let sender = Rc::clone(&group);
        let encrypt = move || {
            let sent = sender.borrow_mut().encrypt(black_box(message));
            drop(black_box(
                sent.expect("this group encrypted the same message already"),
            ));
        };
        let cycle = move || group.borrow_mut().add_then_remove();
        Ok(Contestant {
            scheme: BenchScheme::Mls,
            wire_bytes,
            encrypt: Box::new(encrypt),
            decrypt: None,
            membership: Some(Box::new(cycle)),
        })
    }

    #[cfg(not(all(feature = "bench", not(target_arch = "wasm32"))))]
    fn mls(&self) -> Result<Contestant<'a>, BenchError> {
        Err(BenchError::Mls(
            "not in this build (the browser, or without the `bench` feature)".into(),
        ))
    }
}
