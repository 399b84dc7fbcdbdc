//! Finding and running a scene for any subcommand: a path or a shipped name, and `--model`.
//! Its own module so that the subcommands (commands.rs, exercise.rs) share it without importing
//! each other.

use std::path::PathBuf;

use anyhow::{Context, Result};
use plainsight::Run;
use plainsight::scenario::{ModelChoice, SHIPPED, Scenario};

/// Loads a scenario from a path, or a shipped one by name when no such file exists.
pub fn load_scene(name: &str) -> Result<Scenario> {
    let path = PathBuf::from(name);
    if !path.exists()
        && let Some((file, text)) = SHIPPED
            .iter()
            .find(|(f, _)| *f == name || f.strip_suffix(".ron") == Some(name))
    {
        return Ok(Scenario::parse(text, &format!("scenes/{file}"))?);
    }
    Ok(Scenario::load(&path)?)
}

/// Parses `--model`.
pub fn parse_model(model: Option<&str>) -> Result<Option<ModelChoice>> {
    model
        .map(|m| {
            ModelChoice::parse(m).with_context(|| {
                format!(
                    "unknown model \"{m}\"; expected one of {}",
                    ModelChoice::names().join(", ")
                )
            })
        })
        .transpose()
}

/// Loads a scene (a path or a shipped name) and runs it under `--model`.
pub fn run_scene(scene: &str, model: Option<&str>) -> Result<Run> {
    let choice = parse_model(model)?;
    let scenario = load_scene(scene)?;
    Ok(Run::new(scenario, choice)?)
}
