//! The one integration test binary (Bevy is linked once). Each module is one concern:
//! run one with `cargo test --test main claims::`.
//!
//! The modules that need the viewer are behind its feature, so the core's tests run without
//! Bevy: `cargo test --no-default-features --features cli,bench` (the binary and the bench's
//! chart are needed by the command-line and bench tests; Cargo.toml requires both features).

mod acting;
mod bench_harness;
mod big_group;
mod claims;
mod cli;
mod designer;
mod docs;
mod envelopes;
mod exercise_mode;
mod layers;
mod no_gpu;
mod robustness;
mod scenarios;
mod sender_keys;
mod support;
#[cfg(feature = "viewer")]
mod viewer;
#[cfg(feature = "viewer")]
mod viewer_panels;
#[cfg(feature = "viewer")]
mod viewer_pen;
#[cfg(feature = "viewer")]
mod viewer_pictures;
#[cfg(feature = "viewer")]
mod viewer_text;
mod whatif;
mod x25519;
