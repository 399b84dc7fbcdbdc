// Temporary dispatcher on the `bench` branch: only `plainsight bench` is wired. The lead
// replaces this file with the full command line when merging.
mod cli_bench;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "plainsight", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Measures the cost of encrypting one message to many devices.
    Bench(cli_bench::BenchArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Some(Command::Bench(args)) => cli_bench::run(&args),
        None => {
            println!("Hello, world!");
            Ok(())
        }
    }
}
