//! One (recipients, size) point, prepared for timing: every scheme sealed once, opened by a few
//! devices and checked, then wrapped as closures the measuring loop calls.

use std::hint::black_box;

use rand::RngExt;
use rand::rngs::StdRng;

use super::{BenchError, BenchScheme, floor_open, floor_seal};
use crate::crypto::{Fanout, PublicKey, SecretKey};

/// Devices whose opening is checked and timed: the first, one in the middle, the last.
pub(super) fn sampled_devices(n: usize) -> Vec<usize> {
    let mut picked = vec![0, n / 2, n - 1];
    picked.dedup();
    picked
}

pub(super) struct Point<'a> {
    pub(super) keys: &'a [SecretKey],
    pub(super) publics: &'a [PublicKey],
    pub(super) message: &'a [u8],
}

/// One scheme at one point, checked and ready to be timed.
pub(super) struct Contestant<'a> {
    pub(super) scheme: BenchScheme,
    pub(super) wire_bytes: usize,
    pub(super) encrypt: Box<dyn FnMut() + 'a>,
    pub(super) decrypt: Box<dyn FnMut() + 'a>,
}

impl<'a> Point<'a> {
    pub(super) fn prepare(
        &self,
        scheme: BenchScheme,
        rng: StdRng,
    ) -> Result<Contestant<'a>, BenchError> {
        match scheme {
            BenchScheme::Fanout(fanout) => self.scheme(fanout, rng),
            BenchScheme::Floor => self.floor(scheme, true, rng),
            BenchScheme::FloorSingleThread => self.floor(scheme, false, rng),
        }
    }

    fn scheme(&self, fanout: Fanout, mut rng: StdRng) -> Result<Contestant<'a>, BenchError> {
        let (keys, publics, message) = (self.keys, self.publics, self.message);
        let scheme = fanout.scheme();
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
            decrypt: Box::new(decrypt),
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
            decrypt: Box::new(decrypt),
        })
    }
}
