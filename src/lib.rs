//! plainsight: where a direct message exists as plaintext, and who could read it there.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod crypto;
pub mod exposure;
pub mod report;
mod run;
pub mod scenario;
pub mod sim;
pub mod wire;
pub use run::Run;
#[cfg(feature = "viewer")]
pub mod viewer;
