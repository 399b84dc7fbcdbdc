//! The one integration test binary (Bevy is linked once). Each module is one concern:
//! run one with `cargo test --test main claims::`.

mod acting;
mod bench_harness;
mod big_group;
mod claims;
mod cli;
mod designer;
mod docs;
mod envelopes;
mod exercise_mode;
mod no_gpu;
mod robustness;
mod scenarios;
mod sender_keys;
mod support;
mod viewer;
mod viewer_panels;
mod viewer_pen;
mod viewer_pictures;
mod viewer_text;
mod whatif;
mod x25519;
