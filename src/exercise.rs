//! Predict, then reveal: exercise files (`exercises/*.ron`) name a scene, a model, perhaps a
//! step, and questions about who reads or could read a message. The answer key is computed by
//! running the scene, never typed in; answers are scored against it, with the tool's reasons.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::exposure::Content;
use crate::run::Run;

/// What a question asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Which observers read the message's words (at the exercise's step, if it names one).
    WhoReads,
    /// Which observers could read the message's words by acting (using their powers).
    WhoCouldByActing,
    /// Which observers could make another device accept a forgery as the sender's, with what
    /// they hold by looking.
    WhoCouldForge,
    /// The same, when they act (swap keys, change code, strip TLS) to get there.
    WhoCouldForgeByActing,
    /// Lesson 3's cost: which end-to-end fan-outs send the message, on every wire, in fewer
    /// bytes than one envelope per device (per-recipient). Its rows are the fan-outs, not the
    /// observers; the key comes from running the scene under each.
    FewerBytes,
}

impl Ask {
    /// Every kind of question.
    pub const ALL: [Ask; 5] = [
        Ask::WhoReads,
        Ask::WhoCouldByActing,
        Ask::WhoCouldForge,
        Ask::WhoCouldForgeByActing,
        Ask::FewerBytes,
    ];

    /// The name in exercise files.
    pub fn name(self) -> &'static str {
        match self {
            Ask::WhoReads => "who-reads",
            Ask::WhoCouldByActing => "who-could-by-acting",
            Ask::WhoCouldForge => "who-could-forge",
            Ask::WhoCouldForgeByActing => "who-could-forge-by-acting",
            Ask::FewerBytes => "fewer-bytes",
        }
    }
}

/// One question of an exercise file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionFile {
    /// The question, as the class reads it.
    pub text: String,
    /// What it asks: `who-reads`, `who-could-by-acting`, `who-could-forge` or
    /// `who-could-forge-by-acting`.
    pub ask: String,
    /// The message it is about, by id.
    pub message: String,
}

impl QuestionFile {
    /// What it asks, typed; `None` for a name no [`Ask`] has (solving says so, located).
    pub fn kind(&self) -> Option<Ask> {
        Ask::ALL.into_iter().find(|a| a.name() == self.ask)
    }
}

/// An exercise file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseFile {
    /// A title.
    pub title: String,
    /// A shipped scene's name, or a path relative to the exercise file.
    pub scene: String,
    /// Run under this model (a `--model` name).
    #[serde(default)]
    pub model: Option<String>,
    /// The step the class looks at (`who-reads` then asks who reads there).
    #[serde(default)]
    pub step: Option<usize>,
    /// The questions.
    pub questions: Vec<QuestionFile>,
}

/// Answers: for each question, in order, the observers named. The key is printed in this
/// format and answers are read back in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    /// One list of observer names per question.
    pub answers: Vec<Vec<String>>,
}

/// The computed answer to one question, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solved {
    /// The rows the answer names (observers, or fan-outs for a cost question), sorted.
    pub observers: BTreeSet<String>,
    /// Every row the class answers, in order (each observer of the scene, or each fan-out),
    /// with the tool's reason for its verdict.
    pub reasons: Vec<(String, String)>,
}

/// Why an exercise cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExerciseError {
    /// A question names a message the scene does not have.
    #[error("question {question}: no message \"{message}\" in the scene (it has {known})")]
    UnknownMessage {
        /// 1-based question number.
        question: usize,
        /// The id asked for.
        message: String,
        /// The ids there are.
        known: String,
    },
    /// A question asks something unknown.
    #[error("question {question}: ask \"{ask}\"? expected one of {known}")]
    UnknownAsk {
        /// 1-based question number.
        question: usize,
        /// What it said.
        ask: String,
        /// The kinds there are.
        known: String,
    },
    /// The step is past the end of the run.
    #[error("step {step} is past the end: the run has steps 0 to {last}")]
    StepPastEnd {
        /// The step asked for.
        step: usize,
        /// The last step.
        last: usize,
    },
    /// The file is not an exercise in RON.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// No shipped scene has this name.
    #[error("no shipped scene \"{0}\"")]
    UnknownScene(String),
    /// No model has this name.
    #[error("unknown model \"{0}\"")]
    UnknownModel(String),
    /// The scene did not simulate.
    #[error("the scene did not run: {0}")]
    Run(String),
    /// The answers do not match the questions.
    #[error("{given} answers for {total} questions")]
    AnswerCount {
        /// Answers given.
        given: usize,
        /// Questions asked.
        total: usize,
    },
}

/// The exercises shipped in `exercises/`, embedded in the binary: `(file name, RON text)`, in
/// lesson order. A test checks that every file in `exercises/` is listed here.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "lesson1-plain-web.ron",
        include_str!("../exercises/lesson1-plain-web.ron"),
    ),
    (
        "lesson1-server-encrypted.ron",
        include_str!("../exercises/lesson1-server-encrypted.ron"),
    ),
    (
        "lesson1-e2e.ron",
        include_str!("../exercises/lesson1-e2e.ron"),
    ),
    (
        "lesson2-thief.ron",
        include_str!("../exercises/lesson2-thief.ron"),
    ),
    (
        "lesson2-boss.ron",
        include_str!("../exercises/lesson2-boss.ron"),
    ),
    (
        "lesson2-state.ron",
        include_str!("../exercises/lesson2-state.ron"),
    ),
    (
        "lesson2-two-powers.ron",
        include_str!("../exercises/lesson2-two-powers.ron"),
    ),
    (
        "lesson3-group.ron",
        include_str!("../exercises/lesson3-group.ron"),
    ),
    (
        "lesson3-linked-devices.ron",
        include_str!("../exercises/lesson3-linked-devices.ron"),
    ),
    (
        "lesson3-web-client.ron",
        include_str!("../exercises/lesson3-web-client.ron"),
    ),
    (
        "lesson3-cost.ron",
        include_str!("../exercises/lesson3-cost.ron"),
    ),
];

impl ExerciseFile {
    /// Parses an exercise file's RON text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<ExerciseFile, ExerciseError> {
        let options = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        options.from_str(text).map_err(|e| ExerciseError::Syntax {
            file: file.to_string(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })
    }

    /// Runs the exercise's scene, a shipped one by name, under the exercise's model.
    pub fn run_shipped(&self) -> Result<Run, ExerciseError> {
        let scenario = crate::scenario::Scenario::shipped(&self.scene)
            .ok_or_else(|| ExerciseError::UnknownScene(self.scene.clone()))?;
        let choice = match &self.model {
            Some(m) => Some(
                crate::scenario::ModelChoice::parse(m)
                    .ok_or_else(|| ExerciseError::UnknownModel(m.clone()))?,
            ),
            None => None,
        };
        Run::new(scenario, choice).map_err(|e| ExerciseError::Run(e.to_string()))
    }
}

/// Solves every question against a run of the exercise's scene.
pub fn solve(ex: &ExerciseFile, run: &Run) -> Result<Vec<Solved>, ExerciseError> {
    let last = run.trace.steps.len().saturating_sub(1);
    if let Some(step) = ex.step.filter(|&s| s > last) {
        return Err(ExerciseError::StepPastEnd { step, last });
    }
    ex.questions
        .iter()
        .enumerate()
        .map(|(i, q)| solve_one(ex, run, i, q))
        .collect()
}

fn solve_one(
    ex: &ExerciseFile,
    run: &Run,
    i: usize,
    q: &QuestionFile,
) -> Result<Solved, ExerciseError> {
    let sc = &run.scenario;
    let ask = q.kind().ok_or_else(|| ExerciseError::UnknownAsk {
        question: i + 1,
        ask: q.ask.clone(),
        known: Ask::ALL.map(Ask::name).join(", "),
    })?;
    let m = sc
        .messages
        .iter()
        .position(|msg| msg.id == q.message)
        .ok_or_else(|| ExerciseError::UnknownMessage {
            question: i + 1,
            message: q.message.clone(),
            known: sc
                .messages
                .iter()
                .map(|m| m.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    if ask == Ask::FewerBytes {
        return fewer_bytes(run, m);
    }
    let mut observers = BTreeSet::new();
    let mut reasons = Vec::new();
    for ox in &run.exposure.observers {
        let name = sc.observers[ox.observer].name.clone();
        let mx = &ox.messages[m];
        let (yes, why) = match (ask, ex.step) {
            (Ask::WhoReads, Some(k)) => match ox.reading(k).filter(|r| r.message == Some(m)) {
                Some(r) => (r.plaintext.is_some(), r.why.join(" -> ")),
                None => (false, format!("does not reach the place of step {k}")),
            },
            (Ask::WhoReads, None) => (mx.content == Content::Plaintext, mx.why.join(" -> ")),
            (Ask::WhoCouldByActing, _) => match &mx.if_acting {
                Some(a) => (a.content == Content::Plaintext, a.why.join(" -> ")),
                None => (false, "holds no power over it".to_string()),
            },
            (Ask::WhoCouldForge, _) => match &mx.could_forge {
                Some(f) => (f.possible, f.why.join(" -> ")),
                None => (false, "not assessed in this run".to_string()),
            },
            (Ask::WhoCouldForgeByActing, _) => match (&mx.if_acting, &mx.could_forge) {
                (Some(a), _) => (a.could_forge.possible, a.could_forge.why.join(" -> ")),
                (None, Some(f)) => (f.possible, f.why.join(" -> ")),
                (None, None) => (false, "not assessed in this run".to_string()),
            },
            (Ask::FewerBytes, _) => unreachable!("answered by fewer_bytes above"),
        };
        if yes {
            observers.insert(name.clone());
        }
        reasons.push((name, why));
    }
    Ok(Solved { observers, reasons })
}

/// The bytes message `m` puts on every wire in a run: each wire step that carries it.
pub fn wire_bytes(run: &Run, m: usize) -> usize {
    run.trace
        .steps
        .iter()
        .filter(|s| s.message == Some(m) && matches!(s.place, crate::scenario::Reach::Wire(_)))
        .map(|s| s.bytes.len())
        .sum()
}

/// Which fan-outs send message `m` in fewer bytes than per-recipient: the scene run under each
/// (the people, links and model kept; only the fan-out changes).
fn fewer_bytes(run: &Run, m: usize) -> Result<Solved, ExerciseError> {
    use crate::crypto::Fanout;
    let under = |f: Fanout| {
        let protection = crate::scenario::Protection {
            fanout: f,
            ..run.trace.protection
        };
        Run::with(run.scenario.clone(), protection)
            .map(|r| wire_bytes(&r, m))
            .map_err(|e| ExerciseError::Run(e.to_string()))
    };
    if !run.trace.protection.model.end_to_end() {
        return Err(ExerciseError::Run(
            "a fan-out question needs an end-to-end model".to_string(),
        ));
    }
    let base = under(Fanout::PerRecipient)?;
    let mut observers = BTreeSet::new();
    let mut reasons = Vec::new();
    for f in Fanout::ALL {
        let bytes = under(f)?;
        let name = f.name().to_string();
        let why = format!("{bytes} B on every wire for this message (per-recipient: {base} B)");
        if bytes < base {
            observers.insert(name.clone());
        }
        reasons.push((name, why));
    }
    Ok(Solved { observers, reasons })
}

/// The key, in the answers format.
pub fn key(solved: &[Solved]) -> Answers {
    Answers {
        answers: solved
            .iter()
            .map(|s| s.observers.iter().cloned().collect())
            .collect(),
    }
}

/// How one answer compares with the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// Exactly the key's observers.
    pub correct: bool,
    /// In the key, not in the answer.
    pub missed: Vec<String>,
    /// In the answer, not in the key.
    pub wrongly_named: Vec<String>,
}

/// How each answer compares with the key, per question.
pub fn score(solved: &[Solved], given: &Answers) -> Result<Vec<Scored>, ExerciseError> {
    if given.answers.len() != solved.len() {
        return Err(ExerciseError::AnswerCount {
            given: given.answers.len(),
            total: solved.len(),
        });
    }
    Ok(solved
        .iter()
        .zip(&given.answers)
        .map(|(s, a)| {
            let a: BTreeSet<String> = a.iter().cloned().collect();
            let missed: Vec<String> = s.observers.difference(&a).cloned().collect();
            let wrongly_named: Vec<String> = a.difference(&s.observers).cloned().collect();
            Scored {
                correct: missed.is_empty() && wrongly_named.is_empty(),
                missed,
                wrongly_named,
            }
        })
        .collect())
}
