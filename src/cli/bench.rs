//! `plainsight bench`: measures the cost of encrypting one message to many devices.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use plainsight::bench::{self, BenchConfig, BenchScheme, Progress, format_size};

/// Arguments of `plainsight bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Recipient counts (people), comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 8, 64, 512])]
    pub recipients: Vec<usize>,
    /// Message sizes, comma-separated: 256B, 1KiB, 64KiB, 1MiB, 64MiB or plain bytes.
    #[arg(long, value_delimiter = ',', value_parser = parse_size, default_values_t = [1usize << 10, 64 << 10])]
    pub sizes: Vec<usize>,
    /// Devices per recipient (every point seals to recipients x devices keys).
    #[arg(long, default_value_t = 1)]
    pub devices: usize,
    /// Schemes to measure, comma-separated: per-recipient, bagged, bagged-shared-ephemeral,
    /// floor (one AEAD pass plus one X25519 per device, same cores), floor-ephemeral (the floor
    /// plus a fresh ephemeral key per device: bagged's own floor), floor-1-thread, and the
    /// session schemes sender-keys and mls (their rows add join and leave times).
    #[arg(long, value_delimiter = ',', value_parser = parse_scheme,
          default_values_t = BenchScheme::ALL.to_vec())]
    pub schemes: Vec<BenchScheme>,
    /// Thread counts, comma-separated: every point runs once in a pool of each (e.g. 1,2,4).
    /// Without it: once, on every core (or RAYON_NUM_THREADS).
    #[arg(long, value_delimiter = ',', value_name = "N,..")]
    pub threads: Vec<usize>,
    /// Print the results as JSON on stdout instead of a table (and no progress bar).
    #[arg(long)]
    pub json: bool,
    /// Print a short table for a projector instead (at most 100 columns): time to encrypt,
    /// per device, bytes on the wire, speed-up over per-recipient, cost over the floor and,
    /// for sender keys and MLS, the break-even.
    #[arg(long, conflicts_with = "json")]
    pub brief: bool,
    /// Also write the results as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also write an SVG chart (time against recipient devices, log axes) to this file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Make the run reproducible: benchmark keys and sealing randomness from this seed instead
    /// of the operating system's randomness.
    #[arg(long)]
    pub seed: Option<u64>,
}

fn parse_size(text: &str) -> Result<usize, String> {
    bench::parse_size(text).map_err(|e| e.to_string())
}

fn parse_scheme(text: &str) -> Result<BenchScheme, String> {
    BenchScheme::from_name(text).map_err(|e| e.to_string())
}

/// Runs `plainsight bench`.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let config = BenchConfig {
        recipients: args.recipients.clone(),
        devices_per_recipient: args.devices,
        sizes: args.sizes.clone(),
        schemes: args.schemes.clone(),
        threads: args.threads.clone(),
        seed: args.seed,
        ..BenchConfig::default()
    };
    let plan = config
        .validate()
        .context("refusing to run this benchmark")?;
    let bar = if args.json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar =
            ProgressBar::with_draw_target(Some(plan.points() as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} points  {elapsed}  {msg}")
                .expect("the template is a valid indicatif template"),
        );
        bar
    };
    let report = bench::run(&plan, &mut |p: &Progress| {
        bar.set_position(p.done as u64);
        if p.done < p.total {
            bar.set_message(format!(
                "{} threads, {} recipients, {}",
                p.threads,
                p.recipients,
                format_size(p.message_bytes)
            ));
        }
    })
    .context("benchmark failed")?;
    bar.finish_and_clear();
    let printed = if args.json {
        crate::out::println(report.to_json())
    } else if args.brief {
        crate::out::print(report.to_brief())
    } else {
        crate::out::print(report.to_table())
    };
    // The files asked for are written even when stdout's reader has gone (`| head -3`).
    if let Some(path) = &args.csv {
        std::fs::write(path, report.to_csv())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.svg {
        let svg = report.to_svg().context("drawing the chart")?;
        std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
    }
    printed
}
