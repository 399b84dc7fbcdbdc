//! The `plainsight` command: the viewer, `check`, `trace`, `matrix`, `explain`, `render`.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::panic)]

mod cli;
mod cli_bench;

fn main() {
    std::process::exit(cli::main());
}
