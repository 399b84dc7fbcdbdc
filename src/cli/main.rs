//! The `plainsight` command: the viewer, `check`, `trace`, `matrix`, `explain`, `render`. In a
//! web browser (wasm32) there is no command line: the binary opens the viewer in the page.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::panic)]

#[cfg(not(target_arch = "wasm32"))]
mod bench;
#[cfg(not(target_arch = "wasm32"))]
mod commands;
#[cfg(not(target_arch = "wasm32"))]
mod exercise;
#[cfg(not(target_arch = "wasm32"))]
mod out;
#[cfg(not(target_arch = "wasm32"))]
mod scene;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(commands::main());
}

#[cfg(all(target_arch = "wasm32", feature = "viewer"))]
fn main() {
    plainsight::viewer::open_web();
}

#[cfg(all(target_arch = "wasm32", not(feature = "viewer")))]
compile_error!("in the browser the binary is the viewer: build with the `viewer` feature");
