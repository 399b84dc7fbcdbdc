//! Opening envelopes (per-recipient and both bag kinds) and splitting bags, with fixed keys:
//! any bytes give a plaintext or a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainsight::crypto::{SecretKey, bag_recipients, bag_select, open_envelope};

fuzz_target!(|data: &[u8]| {
    let keys = [SecretKey::from_bytes([1; 32]), SecretKey::from_bytes([2; 32])];
    for key in &keys {
        let _ = open_envelope(key, data);
    }
    if let Ok(n) = bag_recipients(data) {
        let picks: Vec<usize> = (0..n.min(4)).collect();
        if let Ok(part) = bag_select(data, &picks) {
            let _ = open_envelope(&keys[0], &part);
        }
    }
});
