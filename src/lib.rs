//! plainsight: where a direct message exists as plaintext on its way between people, and who
//! could read it there, computed with real cryptography.
//!
//! # The map
//!
//! The layers, from the bytes up. Dependencies point one way (no import cycle: `tests/layers.rs`):
//! nothing here knows the viewer, the terminal or the clock (`cargo check --lib
//! --no-default-features` builds the core alone, without clap, anyhow, indicatif, plotters or
//! openmls). `ARCHITECTURE.md` draws the layers, follows one message from its scene file to the
//! pixels, and counts the files each kind of addition costs.
//!
//! | module | what it holds | use it for |
//! | --- | --- | --- |
//! | [`crypto`] | X25519 + HKDF-SHA256 + ChaCha20-Poly1305 envelopes (their byte layout apart from the sealing); the [`crypto::FanoutScheme`] trait with per-recipient, bagged and bagged-shared-ephemeral schemes; [`crypto::sender_key`] for group sessions | sealing one message to many devices, opening what a device received |
//! | [`wire`] | the simulated protocol's frames: posts, TLS records, at-rest rows, key blobs (the codec apart from TLS and at-rest sealing) | encoding and decoding bytes |
//! | [`layers`] | one typed reading of a step's bytes: TLS record, post header, words, envelope, at-rest row, keys | what a step holds, for exposure, reports and the viewer alike |
//! | [`model`] | the protection models, one file each, listed once in a registry | `--model`, scene files, the viewer's M cycle |
//! | [`power`] | active powers (key substitution, code shipping, TLS stripping), one file each, listed once | what an observer can do to the bytes they can open on their way |
//! | [`scenario`] | [`scenario::ScenarioFile`] (the serde mirror of a RON file) and [`scenario::Scenario`] (validated, names resolved, routes computed); located [`scenario::ScenarioError`]s; [`scenario::ReachText`], the one reading of a `reaches` entry | loading `scenes/*.ron` |
//! | [`trace`] | [`trace::Trace`], [`trace::Step`], [`trace::Action`]: what a run recorded | reading a run |
//! | [`sim`] | [`sim::simulate`]: a deterministic run producing a [`sim::Trace`] of steps (place, exact bytes, note): messages, key lookups and web clients' code over the links; [`sim::simulate_acting`] with observers changing the bytes they can open on their way | where bytes are, step by step |
//! | [`exposure`] | [`exposure::analyse`]: per observer, the keys found at reached places and every reached step tried with them | who can read what, and why |
//! | [`forgery`] | whether an observer could make a recipient device show a forged message as the sender's, tried with real signatures | `could_forge` |
//! | [`exercise`] | exercise files: questions whose answer keys are computed from a run, and scoring | `plainsight exercise` |
//! | [`whatif`] | what-if switches (a link's TLS, keys verified, key sync, web client) as pure edits of a scenario; [`whatif::changes`] between two runs' matrices; [`whatif::public_key_work`], what sealing a message cost its sender | "what if this link had no TLS?" |
//! | [`designer`] | the scenario designer's edits over a [`scenario::ScenarioFile`], written as RON through serde and validated after every edit | building a scene without typing RON |
//! | [`Run`] | a scenario + its trace + its exposure under a chosen model, and each observer's one active run (every power at once) | the one call most callers need |
//! | [`words`] | lists inside sentences: short ones whole, long ones counted | notes and reports that stay sentences at a group's size |
//! | [`report`] | the matrix, trace and explanations as text or JSON | what the command line prints |
//! | `bench` | the fan-out benchmark harness (its SVG chart and MLS scheme with feature `bench`) | `plainsight bench` |
//! | `viewer` (feature `viewer`) | the Bevy simulator and off-screen rendering | `plainsight view`, `plainsight render` |
//!
//! The `plainsight` binary's own code (argument parsing, printing, progress bars) lives in
//! `src/cli/`, outside the library, behind feature `cli`.
//!
//! # Example
//!
//! ```
//! use plainsight::{Run, scenario::{ModelChoice, Scenario}, exposure::Content};
//!
//! let scenario = Scenario::shipped("e2e").expect("shipped");
//! let run = Run::new(scenario, ModelChoice::parse("plain-web")).expect("simulates");
//! let admin = run.scenario.observer_named("social.example admin").expect("observer");
//! assert_eq!(run.exposure.observers[admin].messages[0].content, Content::Plaintext);
//! ```
//!
//! Nothing is labelled by hand: an observer "reads plaintext" only because a key they found at a
//! place they reach opened the bytes there, or the bytes were never sealed.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Input must never reach a panic: outside tests, no unwrap and no panic!; invariants use
// expect("why this holds").
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]

pub mod bench;
mod cargo;
pub mod crypto;
pub mod designer;
pub mod exercise;
pub mod exposure;
pub mod forgery;
pub mod layers;
pub mod power;
pub mod report;
mod run;
pub mod scenario;
pub mod sim;
// The protection models are part of the simulation layer; `crate::model` names them.
pub use sim::model;
pub mod trace;
#[cfg(feature = "viewer")]
pub mod viewer;
pub mod whatif;
pub mod wire;
pub mod words;

pub use run::Run;
