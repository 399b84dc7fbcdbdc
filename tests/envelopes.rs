//! Property tests for envelopes: every recipient device opens, no one else does, any flipped
//! bit is rejected, and the schemes agree on the plaintext.

use plainsight::crypto::{Fanout, OpenError, PublicKey, Sealed, SecretKey, open_envelope};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn setup(seed: u64, devices: usize) -> (StdRng, Vec<SecretKey>, SecretKey) {
    let mut rng = StdRng::seed_from_u64(seed);
    let keys = (0..devices)
        .map(|_| SecretKey::generate(&mut rng))
        .collect();
    let outsider = SecretKey::generate(&mut rng);
    (rng, keys, outsider)
}

fn publics(keys: &[SecretKey]) -> Vec<PublicKey> {
    keys.iter().map(SecretKey::public).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_device_opens_and_no_one_else(seed: u64, devices in 1usize..6, message in proptest::collection::vec(any::<u8>(), 0..300)) {
        let (mut rng, keys, outsider) = setup(seed, devices);
        for fanout in Fanout::ONE_SHOT {
            let sealed = fanout.scheme().expect("a one-shot scheme").seal(&mut rng, &publics(&keys), &message).expect("seals");
            for (i, key) in keys.iter().enumerate() {
                let delivered = sealed.delivery(i).expect("a delivery per device");
                prop_assert_eq!(fanout.scheme().expect("a one-shot scheme").open(key, &delivered).expect("opens"), message.clone());
                prop_assert!(open_envelope(&outsider, &delivered).is_err());
                for (j, other) in keys.iter().enumerate() {
                    if j != i {
                        prop_assert!(open_envelope(other, &delivered).is_err(), "device {} opened device {}'s copy", j, i);
                    }
                }
            }
        }
    }

    #[test]
    fn any_flipped_bit_is_rejected(seed: u64, devices in 1usize..4, message in proptest::collection::vec(any::<u8>(), 1..200), bit: usize) {
        let (mut rng, keys, _) = setup(seed, devices);
        for fanout in Fanout::ONE_SHOT {
            let sealed = fanout.scheme().expect("a one-shot scheme").seal(&mut rng, &publics(&keys), &message).expect("seals");
            for (i, key) in keys.iter().enumerate() {
                let mut delivered = sealed.delivery(i).expect("delivery").into_owned();
                let bit = bit % (delivered.len() * 8);
                delivered[bit / 8] ^= 1 << (bit % 8);
                prop_assert!(open_envelope(key, &delivered).is_err(), "{} opened with bit {} flipped", fanout, bit);
            }
        }
    }

    #[test]
    fn truncated_or_reordered_envelopes_never_open(seed: u64, message in proptest::collection::vec(any::<u8>(), 1..200), cut: usize, split: usize) {
        let (mut rng, keys, _) = setup(seed, 2);
        for fanout in Fanout::ONE_SHOT {
            let sealed = fanout.scheme().expect("a one-shot scheme").seal(&mut rng, &publics(&keys), &message).expect("seals");
            let delivered = sealed.delivery(0).expect("delivery").into_owned();
            let cut = cut % delivered.len();
            prop_assert!(open_envelope(&keys[0], &delivered[..cut]).is_err());
            // Swap the two halves around a split point after the header.
            let split = 4 + split % (delivered.len() - 4);
            let mut reordered = delivered[..4].to_vec();
            reordered.extend_from_slice(&delivered[split..]);
            reordered.extend_from_slice(&delivered[4..split]);
            if reordered != delivered {
                prop_assert!(open_envelope(&keys[0], &reordered).is_err());
            }
        }
    }

    #[test]
    fn per_recipient_and_bagged_open_to_the_same_plaintext(seed: u64, message in proptest::collection::vec(any::<u8>(), 0..500)) {
        let (mut rng, keys, _) = setup(seed, 3);
        let mut opened = Vec::new();
        for fanout in Fanout::ONE_SHOT {
            let sealed = fanout.scheme().expect("a one-shot scheme").seal(&mut rng, &publics(&keys), &message).expect("seals");
            opened.push(open_envelope(&keys[2], &sealed.delivery(2).expect("delivery")).expect("opens"));
        }
        prop_assert!(opened.iter().all(|p| *p == message));
    }
}

#[test]
fn wire_bytes_equal_the_frames_sent() {
    let (mut rng, keys, _) = setup(1, 8);
    for fanout in Fanout::ONE_SHOT {
        let sealed = fanout
            .scheme()
            .expect("a one-shot scheme")
            .seal(&mut rng, &publics(&keys), &[0u8; 1024])
            .expect("seals");
        let total: usize = sealed.uplink().iter().map(|f| f.len()).sum();
        assert_eq!(sealed.wire_bytes(), total);
        match (&sealed, fanout) {
            (Sealed::PerRecipient(e), Fanout::PerRecipient) => assert_eq!(e.len(), 8),
            (Sealed::Bag(_), Fanout::Bagged | Fanout::BaggedSharedEphemeral) => {}
            _ => panic!("{fanout} produced the wrong shape"),
        }
    }
}

#[test]
fn a_device_missing_from_the_bag_gets_a_typed_error() {
    let (mut rng, keys, outsider) = setup(2, 2);
    let sealed = Fanout::Bagged
        .scheme()
        .expect("a one-shot scheme")
        .seal(&mut rng, &publics(&keys), b"hi")
        .expect("seals");
    let Sealed::Bag(bag) = sealed else {
        panic!("a bag")
    };
    assert_eq!(
        open_envelope(&outsider, &bag),
        Err(OpenError::NotARecipient)
    );
}
