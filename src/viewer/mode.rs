//! The classroom modes, each a panel beside the network that changes what is shown: what-if
//! switches (W, `whatif.rs`), exercises (E, `exercise.rs`) and the scenario designer (D,
//! `design.rs`, `design/`). `side_column.rs` is the column they share.

pub(super) mod design;
pub(super) mod exercise;
pub(super) mod side_column;
pub(super) mod whatif;
