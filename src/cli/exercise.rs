//! `plainsight exercise`: predict, then reveal. Asks an exercise's questions in the terminal
//! and scores them, prints the computed key (`--key --json`), or scores answers given in that
//! same JSON format (`--answers A.json --json`).

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plainsight::Run;
use plainsight::exercise::{self, Answers, ExerciseFile, Solved};
use plainsight::scenario::read_capped;
use serde_json::json;

use crate::out;

/// Arguments of `plainsight exercise`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExerciseArgs {
    /// An exercise file (exercises/*.ron).
    pub file: PathBuf,
    /// Print the answer key (computed by running the scene) instead of asking.
    #[arg(long)]
    pub key: bool,
    /// Score these answers (JSON, the key's format) instead of asking.
    #[arg(long, value_name = "A.json")]
    pub answers: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Reads an exercise file and runs its scene (a path beside the file, or a shipped name).
pub fn load(path: &Path) -> Result<(ExerciseFile, Run)> {
    let text = read_capped(path)?;
    let ex = ExerciseFile::parse(&text, &path.display().to_string())?;
    let beside = path.parent().unwrap_or(Path::new(".")).join(&ex.scene);
    let scene = if beside.is_file() {
        beside.display().to_string()
    } else {
        ex.scene.clone()
    };
    let run = crate::scene::run_scene(&scene, ex.model.as_deref())
        .with_context(|| format!("{}: scene \"{}\"", path.display(), ex.scene))?;
    Ok((ex, run))
}

/// Runs the command.
pub fn run(args: &ExerciseArgs) -> Result<i32> {
    let (ex, run) = load(&args.file)?;
    let solved = exercise::solve(&ex, &run).with_context(|| args.file.display().to_string())?;
    if args.key {
        out::println(serde_json::to_string_pretty(&exercise::key(&solved))?)?;
        return Ok(0);
    }
    let given = match &args.answers {
        Some(path) => {
            let text = read_capped(path)?;
            serde_json::from_str::<Answers>(&text)
                .with_context(|| format!("{}: not answers JSON", path.display()))?
        }
        None => ask(&ex, &run)?,
    };
    report(&ex, &solved, &given, args.json)?;
    Ok(0)
}

/// Asks each question in the terminal: its rows numbered (the observers, or the fan-outs of a
/// cost question), the class answers with numbers.
fn ask(ex: &ExerciseFile, run: &Run) -> Result<Answers> {
    // Only the rows are read from the solution; its key stays unseen until the report.
    let solved = exercise::solve(ex, run)?;
    out::println(format_args!("{} ({})", ex.title, run.scenario.title))?;
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut answers = Vec::new();
    let mut listed: Option<Vec<&str>> = None;
    for (i, q) in ex.questions.iter().enumerate() {
        let names: Vec<&str> = solved[i].reasons.iter().map(|(n, _)| n.as_str()).collect();
        if listed.as_ref() != Some(&names) {
            for (k, n) in names.iter().enumerate() {
                out::println(format_args!("  {}. {n}", k + 1))?;
            }
            listed = Some(names.clone());
        }
        out::println(format_args!(
            "\nQ{}: {} (numbers, e.g. 1 3; empty for nobody)",
            i + 1,
            q.text
        ))?;
        let line = lines.next().transpose()?.unwrap_or_default();
        let picked: Vec<String> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter_map(|w| w.parse::<usize>().ok())
            .filter_map(|k| names.get(k.wrapping_sub(1)).map(|n| n.to_string()))
            .collect();
        answers.push(picked);
    }
    Ok(Answers { answers })
}

fn report(ex: &ExerciseFile, solved: &[Solved], given: &Answers, json: bool) -> Result<()> {
    let scored = exercise::score(solved, given)?;
    let correct = scored.iter().filter(|s| s.correct).count();
    if json {
        let results: Vec<_> = scored
            .iter()
            .zip(solved)
            .enumerate()
            .map(|(i, (r, s))| {
                json!({"question": i + 1, "correct": r.correct, "expected": s.observers,
                       "missed": r.missed, "wrongly_named": r.wrongly_named})
            })
            .collect();
        let doc = json!({"correct": correct, "total": solved.len(), "results": results});
        out::println(serde_json::to_string_pretty(&doc)?)?;
        return Ok(());
    }
    for (i, (r, s)) in scored.iter().zip(solved).enumerate() {
        let verdict = if r.correct { "right" } else { "not quite" };
        out::println(format_args!(
            "\nQ{}: {verdict}. {}",
            i + 1,
            ex.questions[i].text
        ))?;
        for (name, why) in &s.reasons {
            let mark = if s.observers.contains(name) {
                "yes"
            } else {
                "no "
            };
            let flag = if r.missed.contains(name) || r.wrongly_named.contains(name) {
                " <-"
            } else {
                ""
            };
            out::println(format_args!("  {mark} {name}{flag}: {why}"))?;
        }
    }
    out::println(format_args!("\n{correct} of {} right", solved.len()))?;
    Ok(())
}
