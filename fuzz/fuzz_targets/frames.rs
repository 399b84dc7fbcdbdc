//! The simulated protocol's frames: posts, TLS records, at-rest rows, key blobs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plainsight::crypto::SymmetricKey;
use plainsight::wire::{Body, Frame, at_rest_key_id, open_at_rest, open_tls, parse_frames};

fuzz_target!(|data: &[u8]| {
    let key = SymmetricKey::from_bytes([7; 32]);
    if let Ok(frames) = parse_frames(data) {
        for frame in frames {
            match frame {
                Frame::Tls { seq, sealed } => {
                    let _ = open_tls(&key, seq, &sealed);
                }
                Frame::Post(post) => {
                    if let Body::AtRest(row) = post.body {
                        let _ = at_rest_key_id(&row);
                        let _ = open_at_rest(&key, &row);
                    }
                }
                Frame::Key(_) => {}
                Frame::Signed(signed) => {
                    let _ = signed.encode();
                }
            }
        }
    }
    let _ = open_at_rest(&key, data);
    let _ = Body::decode(data);
    // The one typed reading every consumer uses.
    let _ = plainsight::layers::read(data);
});
