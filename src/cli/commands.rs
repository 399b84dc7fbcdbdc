//! Command-line parsing and dispatch. Errors end here: printed once, exit code 1.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

use crate::out;
use crate::scene::{load_scene, run_scene};
use plainsight::Run;
use plainsight::report;
use plainsight::scenario::{DEFAULT_SCENE, ModelChoice};

/// Shows, with real cryptography, where a direct message exists as plaintext and who could read it there.
#[derive(Debug, Parser)]
#[command(name = "plainsight", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A scenario to open in the viewer (a path, or a shipped name such as `e2e`).
    scene: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Open the visual simulator.
    View {
        /// A scenario file, or a shipped name (default: e2e).
        scene: Option<String>,
        #[arg(long, help = model_help())]
        model: Option<String>,
        /// Report frame times: a line every 10 s while open, and a summary when closed.
        #[arg(long)]
        frame_times: bool,
        /// Open in exercise mode with this exercise file (its scene and model replace SCENE).
        #[arg(long, value_name = "F.ron")]
        exercise: Option<PathBuf>,
        /// Open with a panel: matrix, lanes, keys, scenarios, help, whatif, exercise or designer
        /// (`--panel designer` designs a copy of SCENE).
        #[arg(long, value_name = "NAME")]
        panel: Option<String>,
    },
    /// Validate scenarios; exit 1 with a located error on bad input.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        scenes: Vec<String>,
    },
    /// Print every step: place, bytes (text or hex), who can read there.
    Trace {
        /// A scenario file.
        scene: String,
        #[arg(long, help = model_help())]
        model: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Print the run in which this observer acts, every power at once, wherever the bytes
        /// let them (swaps key answers, changes code, strips STARTTLS).
        #[arg(long, value_name = "OBSERVER")]
        acting: Option<String>,
    },
    /// The who-can-read table: observers x messages.
    Matrix {
        /// Scenario files.
        #[arg(required = true)]
        scenes: Vec<String>,
        #[arg(long, help = model_help())]
        model: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draw one frame of the viewer to a PNG, without a window.
    Render(RenderArgs),
    /// Measure the cost of encrypting one message to many devices (fan-out).
    Bench(crate::bench::BenchArgs),
    /// Predict, then reveal: answer an exercise's questions; its key is computed by the tool.
    Exercise(crate::exercise::ExerciseArgs),
    /// The reasons behind one observer's verdicts.
    Explain {
        /// A scenario file.
        scene: String,
        /// The observer's name.
        #[arg(long)]
        observer: String,
        #[arg(long, help = model_help())]
        model: Option<String>,
    },
}

/// `plainsight render`: what to draw and where.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// A scenario file.
    scene: String,
    #[arg(long, help = model_help())]
    model: Option<String>,
    /// The step to show (0 = the first step; default: the last step).
    #[arg(long)]
    step: Option<usize>,
    /// View as this observer.
    #[arg(long)]
    observer: Option<String>,
    /// Image width in pixels.
    #[arg(long, default_value_t = 1280)]
    width: u32,
    /// Image height in pixels.
    #[arg(long, default_value_t = 720)]
    height: u32,
    /// Where to write the PNG (one frame).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Draw in presenter mode: bigger text and the step's one-sentence caption.
    #[arg(long)]
    presenter: bool,
    /// Draw the observer's active run (they use their powers; needs --observer).
    #[arg(long)]
    acting: bool,
    /// Draw with a panel open: matrix, lanes, keys, scenarios, help, whatif, exercise or designer (one frame).
    #[arg(long, value_name = "NAME")]
    panel: Option<String>,
    /// Draw steps A to B (inclusive), e.g. `--frames 30..40`, for --gif or --out-dir.
    #[arg(long, value_name = "A..B")]
    frames: Option<String>,
    /// With --frames: write an animated GIF.
    #[arg(long, value_name = "F.gif")]
    gif: Option<PathBuf>,
    /// With --frames: write DIR/step-000.png, one PNG per step.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// With --gif: how long each frame shows, in milliseconds.
    #[arg(long, default_value_t = 1500)]
    delay: u32,
}

/// `--model`'s help, from the registry of models.
fn model_help() -> String {
    format!(
        "Run under another model: {}",
        ModelChoice::names().join(", ")
    )
}

/// The run in which a named observer acts, or a clear error.
fn active_run<'a>(run: &'a Run, name: &str) -> Result<&'a Run> {
    let o = observer_index(run, name)?;
    run.acting_run(o).with_context(|| {
        format!(
            "\"{name}\" can change no bytes on their way under {}: nothing they could do beyond looking",
            run.trace.protection.label()
        )
    })
}

/// An observer by name, or an error listing the names.
fn observer_index(run: &Run, name: &str) -> Result<usize> {
    run.scenario.observer_named(name).with_context(|| {
        let names: Vec<String> = run
            .scenario
            .observers
            .iter()
            .map(|o| format!("\"{}\"", o.name))
            .collect();
        format!(
            "no observer \"{name}\" in {}; observers are {}",
            run.scenario.source,
            names.join(", ")
        )
    })
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors; everything else is bad input: exit 1.
            return if e.use_stderr() { 1 } else { 0 };
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) if out::is_closed(&e) => out::CLOSED_STATUS,
        Err(e) => {
            out::eprintln(format_args!("error: {e:#}"));
            1
        }
    }
}

fn dispatch(cli: Cli) -> Result<i32> {
    match cli.command {
        None => view(cli.scene.as_deref(), None, false, (None, None)),
        Some(Command::View {
            scene,
            model,
            frame_times,
            exercise,
            panel,
        }) => view(
            scene.as_deref(),
            model.as_deref(),
            frame_times,
            (exercise, panel),
        ),
        Some(Command::Check { scenes }) => check(&scenes),
        Some(Command::Trace {
            scene,
            model,
            json,
            acting,
        }) => trace(&scene, model.as_deref(), json, acting.as_deref()),
        Some(Command::Matrix {
            scenes,
            model,
            json,
        }) => matrix(&scenes, model.as_deref(), json),
        Some(Command::Render(args)) => {
            let run = run_scene(&args.scene, args.model.as_deref())?;
            let what = render_output(&args, &run)?;
            let size = (args.width, args.height);
            render(
                run,
                what,
                args.observer,
                size,
                (args.presenter, args.acting),
            )
        }
        Some(Command::Exercise(args)) => crate::exercise::run(&args),
        Some(Command::Bench(args)) => {
            crate::bench::run(&args)?;
            Ok(0)
        }
        Some(Command::Explain {
            scene,
            observer,
            model,
        }) => {
            let run = run_scene(&scene, model.as_deref())?;
            let o = observer_index(&run, &observer)?;
            out::print(report::explain_text(&run, o))?;
            Ok(0)
        }
    }
}

/// "1 server", "3 servers".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `plainsight check`: one line per scene, ok or its located error; 1 if any failed.
fn check(scenes: &[String]) -> Result<i32> {
    let mut failed = 0;
    for name in scenes {
        match load_scene(name) {
            Ok(sc) => out::println(format_args!(
                "ok  {}: {}, {}, {}, {}, {}, {}",
                sc.source,
                count(sc.people.len(), "person", "people"),
                count(sc.devices.len(), "device", "devices"),
                count(sc.servers.len(), "server", "servers"),
                count(sc.links.len(), "link", "links"),
                count(sc.messages.len(), "message", "messages"),
                count(sc.observers.len(), "observer", "observers")
            ))
            .and_then(|()| chip_hints(&sc))?,
            Err(e) => {
                failed += 1;
                out::eprintln(format_args!("error: {e:#}"));
            }
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// Hints for a scene that checks: an observer whose name is longer than its viewer chip holds
/// and who has no `short:` form is shown on the chip by the shortening rule (words dropped
/// from the end), which the scene's author can spare it.
fn chip_hints(sc: &plainsight::scenario::Scenario) -> Result<()> {
    let most = plainsight::scenario::limits::MAX_SHORT_CHARS;
    for o in sc.observers.iter().filter(|o| o.short.is_none()) {
        let n = o.name.chars().count();
        if n > most {
            out::println(format_args!(
                "    hint: observer \"{}\" is {n} characters and its viewer chip holds {most}: add `short: \"...\"` (at most {most}) so the chip says what you choose, not the name with words dropped",
                o.name
            ))?;
        }
    }
    Ok(())
}

/// `plainsight trace`: the honest run, or an observer's active run, as text or JSON.
fn trace(scene: &str, model: Option<&str>, json: bool, acting: Option<&str>) -> Result<i32> {
    let mut honest = run_scene(scene, model)?;
    if acting.is_some() {
        honest.complete_acting();
    }
    let run = match acting {
        Some(name) => active_run(&honest, name)?,
        None => &honest,
    };
    if json {
        out::println(serde_json::to_string_pretty(&report::trace_json(run))?)?;
    } else {
        out::print(report::trace_text(run))?;
    }
    Ok(0)
}

/// `plainsight matrix`: who can read what, for each scene, as text or JSON.
fn matrix(scenes: &[String], model: Option<&str>, json: bool) -> Result<i32> {
    let runs = scenes
        .iter()
        .map(|s| run_scene(s, model))
        .collect::<Result<Vec<_>>>()?;
    if json {
        let all: Vec<_> = runs.iter().map(report::matrix_json).collect();
        let all = serde_json::json!({ "scenes": all });
        out::println(serde_json::to_string_pretty(&all)?)?;
    } else {
        let texts: Vec<String> = runs.iter().map(report::matrix_text).collect();
        out::print(texts.join("\n"))?;
    }
    Ok(0)
}

/// What `render` is asked to write: one PNG, or a range of steps; the flags that do not go
/// together are refused with the reason.
fn render_output(args: &RenderArgs, run: &Run) -> Result<Output> {
    let Some(range) = &args.frames else {
        if args.gif.is_some() || args.out_dir.is_some() {
            bail!("--gif and --out-dir need --frames A..B (the steps to draw)");
        }
        let Some(out) = args.out.clone() else {
            bail!("render needs --out F.png (or --frames A..B with --gif or --out-dir)");
        };
        let (step, panel) = (args.step, args.panel.clone());
        return Ok(Output::Png { step, out, panel });
    };
    if args.panel.is_some() {
        bail!("--panel draws one frame: give --out F.png, not --frames");
    }
    if args.step.is_some() || args.out.is_some() {
        bail!(
            "--frames draws several steps: give --gif F.gif and/or --out-dir DIR, not --step or --out"
        );
    }
    if args.gif.is_none() && args.out_dir.is_none() {
        bail!("--frames {range}: say where to write them with --gif F.gif or --out-dir DIR");
    }
    let (first, last) = parse_frames(range, run)?;
    let delay = args.delay;
    if !(20..=60_000).contains(&delay) {
        bail!("--delay {delay}: give milliseconds between 20 and 60000");
    }
    Ok(Output::Frames {
        first,
        last,
        gif: args.gif.clone(),
        out_dir: args.out_dir.clone(),
        delay,
    })
}

#[cfg(feature = "viewer")]
fn view(
    scene: Option<&str>,
    model: Option<&str>,
    frame_times: bool,
    (exercise, panel): (Option<PathBuf>, Option<String>),
) -> Result<i32> {
    use plainsight::viewer::Panel;
    let panel = match (panel, &exercise) {
        (None, _) => Panel::Closed,
        (Some(_), Some(_)) => bail!("--panel and --exercise both choose the panel: give one"),
        (Some(name), None) => Panel::from_name(&name).with_context(|| {
            format!(
                "--panel {name}: no such panel; the panels are {}",
                Panel::names()
            )
        })?,
    };
    let (run, exercise) = match exercise {
        Some(path) => {
            let (ex, run) = crate::exercise::load(&path)?;
            (run, Some((path.display().to_string(), ex)))
        }
        None => (run_scene(scene.unwrap_or(DEFAULT_SCENE), model)?, None),
    };
    let options = plainsight::viewer::WindowOptions {
        frame_times,
        exercise,
        panel,
    };
    if let Some(stats) = plainsight::viewer::open(run, options)? {
        out::println(stats.summary())?;
    }
    Ok(0)
}

/// Most frames one `render --frames` draws.
const MAX_FRAMES: usize = 200;

/// What `render` writes.
#[cfg_attr(not(feature = "viewer"), allow(dead_code))]
enum Output {
    /// One step to one PNG, with a panel open or not.
    Png {
        step: Option<usize>,
        out: PathBuf,
        panel: Option<String>,
    },
    /// Steps `first..=last` to a GIF and/or a folder of PNGs.
    Frames {
        first: usize,
        last: usize,
        gif: Option<PathBuf>,
        out_dir: Option<PathBuf>,
        delay: u32,
    },
}

/// Parses `A..B` (or `A..=B`), inclusive, and checks it against the trace.
fn parse_frames(range: &str, run: &Run) -> Result<(usize, usize)> {
    let steps = run.trace.steps.len();
    let last_step = steps.saturating_sub(1);
    let (a, b) = range
        .split_once("..")
        .map(|(a, b)| (a.trim(), b.trim().trim_start_matches('=')))
        .with_context(|| {
            format!("--frames {range}: expected A..B, e.g. --frames 0..{last_step}")
        })?;
    let parse = |s: &str| {
        s.parse::<usize>()
            .with_context(|| format!("--frames {range}: \"{s}\" is not a step number"))
    };
    let (a, b) = (parse(a)?, parse(b)?);
    if a > b {
        bail!("--frames {range}: the first step comes after the last");
    }
    if b >= steps {
        bail!(
            "--frames {range} is past the end: {} has steps 0 to {last_step}",
            run.scenario.source
        );
    }
    if b - a + 1 > MAX_FRAMES {
        bail!(
            "--frames {range} is {} frames; draw at most {MAX_FRAMES} at a time",
            b - a + 1
        );
    }
    Ok((a, b))
}

/// Checks the options that do not need a display, then draws.
fn render(
    run: Run,
    what: Output,
    observer: Option<String>,
    (width, height): (u32, u32),
    (presenter, acting): (bool, bool),
) -> Result<i32> {
    let steps = run.trace.steps.len();
    let what = match what {
        Output::Png { step, out, panel } => {
            let step = step.unwrap_or(steps.saturating_sub(1));
            if step >= steps {
                bail!(
                    "--step {step} is past the end: {} has steps 0 to {}",
                    run.scenario.source,
                    steps.saturating_sub(1)
                );
            }
            Output::Png {
                step: Some(step),
                out,
                panel,
            }
        }
        frames => frames,
    };
    let observer = observer
        .map(|name| observer_index(&run, &name))
        .transpose()?;
    if !(64..=7680).contains(&width) || !(64..=4320).contains(&height) {
        bail!(
            "--width {width} --height {height}: each side must be between 64 and 7680 x 4320 pixels"
        );
    }
    if acting && observer.is_none_or(|o| run.acting_run(o).is_none()) {
        bail!(
            "--acting needs --observer naming someone who can change bytes on their way in this run"
        );
    }
    draw(run, what, observer, (width, height), (presenter, acting))
}

#[cfg(feature = "viewer")]
fn draw(
    run: Run,
    what: Output,
    observer: Option<usize>,
    (width, height): (u32, u32),
    (presenter, acting): (bool, bool),
) -> Result<i32> {
    use plainsight::viewer::{FramesOptions, Panel, RenderOptions};
    match what {
        Output::Png { step, out, panel } => {
            let panel = match panel {
                None => Panel::Closed,
                Some(name) => Panel::from_name(&name).with_context(|| {
                    format!(
                        "--panel {name}: no such panel; the panels are {}",
                        Panel::names()
                    )
                })?,
            };
            let options = RenderOptions {
                step: step.unwrap_or(0),
                observer,
                width,
                height,
                out,
                presenter,
                acting,
                panel,
            };
            plainsight::viewer::render_png(run, options)?;
        }
        Output::Frames {
            first,
            last,
            gif,
            out_dir,
            delay,
        } => {
            let options = FramesOptions {
                first,
                last,
                observer,
                presenter,
                acting,
                width,
                height,
                gif,
                out_dir,
                delay_ms: delay,
            };
            let written = plainsight::viewer::render_sequence(run, options)?;
            out::eprintln(frames_written(first, last, &written));
        }
    }
    Ok(0)
}

/// "wrote 11 frames (steps 30 to 40): out/step-030.png .. out/step-040.png".
#[cfg(feature = "viewer")]
fn frames_written(first: usize, last: usize, written: &[PathBuf]) -> String {
    let files = match written {
        [] => String::new(),
        [one] => one.display().to_string(),
        [first_file, .., last_file] => {
            format!("{} .. {}", first_file.display(), last_file.display())
        }
    };
    let plural = if last == first { "" } else { "s" };
    format!(
        "wrote {} frame{plural} (steps {first} to {last}): {files}",
        last - first + 1
    )
}

#[cfg(not(feature = "viewer"))]
fn draw(_: Run, _: Output, _: Option<usize>, _: (u32, u32), _: (bool, bool)) -> Result<i32> {
    bail!("this build has no viewer (built without the `viewer` feature), so it cannot render")
}

#[cfg(not(feature = "viewer"))]
fn view(
    scene: Option<&str>,
    model: Option<&str>,
    _frame_times: bool,
    _opening: (Option<PathBuf>, Option<String>),
) -> Result<i32> {
    // Still validate, so the error for a bad scene is the same with or without the viewer.
    let _ = run_scene(scene.unwrap_or(DEFAULT_SCENE), model)?;
    bail!(
        "this build has no viewer (built without the `viewer` feature); use `plainsight trace` or `plainsight matrix`"
    )
}
