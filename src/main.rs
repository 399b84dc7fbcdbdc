//! The `plainsight` command: the viewer, `check`, `trace`, `matrix`, `explain`, `render`.

#![forbid(unsafe_code)]

mod cli;

fn main() {
    std::process::exit(cli::main());
}
