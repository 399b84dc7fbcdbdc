//! plainsight: where a direct message exists as plaintext, and who could read it there.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod crypto;
