//! The `plainsight` command: the viewer, `check`, `trace`, `matrix`, `explain`, `render`. In a
//! web browser (wasm32) there is no command line: the binary opens the viewer in the page.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::panic)]

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(not(target_arch = "wasm32"))]
mod cli_bench;
#[cfg(not(target_arch = "wasm32"))]
mod cli_exercise;
#[cfg(not(target_arch = "wasm32"))]
mod cli_out;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::main());
}

#[cfg(all(target_arch = "wasm32", feature = "viewer"))]
fn main() {
    plainsight::viewer::open_web();
}

#[cfg(all(target_arch = "wasm32", not(feature = "viewer")))]
compile_error!("in the browser the binary is the viewer: build with the `viewer` feature");
