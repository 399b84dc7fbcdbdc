//! Located scenario errors: every one names the file, line and column, and shows the line.

/// What kind of mistake a scenario file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScenarioErrorKind {
    /// The file could not be read.
    Io,
    /// RON syntax, a missing or unknown field, or a value of the wrong type.
    Syntax,
    /// A name that nothing defines.
    UnknownName,
    /// A name defined twice.
    DuplicateName,
    /// A word outside a fixed vocabulary (role, part, capability, model, fan-out).
    UnknownWord,
    /// A message with no recipients.
    NoRecipients,
    /// A recipient no chain of links reaches.
    Unreachable,
    /// An observer who reaches nothing.
    ReachesNothing,
    /// A size or count over plainsight's limits.
    Limit,
    /// Anything else that makes the scenario meaningless.
    Invalid,
}

/// A scenario error, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}{}", show_line(.line, .column, .line_text))]
pub struct ScenarioError {
    /// The file (or `<embedded>`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What kind of mistake.
    pub kind: ScenarioErrorKind,
    /// What is wrong and what was expected.
    pub message: String,
    /// The offending line of the file, if any.
    pub line_text: Option<String>,
}

// Hand-written rather than codespan-reporting, ariadne or miette: one line and one caret are
// all a scene error shows, the library stays free of a terminal-rendering dependency (colours,
// Unicode box drawing), and the exact text is pinned by tests and the docs. Revisit if errors
// ever need several labelled spans.
fn show_line(line: &usize, column: &usize, text: &Option<String>) -> String {
    match text {
        Some(text) => {
            let gutter = line.to_string().len();
            let caret_at: usize = text
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            format!(
                "\n{:gutter$} |\n{line} | {}\n{:gutter$} | {}^",
                "",
                text.replace('\t', "    "),
                "",
                " ".repeat(caret_at)
            )
        }
        None => String::new(),
    }
}

impl ScenarioError {
    /// An error at a position of `source`.
    pub(crate) fn at(
        file: &str,
        source: &str,
        (line, column): (usize, usize),
        kind: ScenarioErrorKind,
        message: impl Into<String>,
    ) -> Self {
        let line_text = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.chars().take(160).collect());
        ScenarioError {
            file: file.to_string(),
            line,
            column,
            kind,
            message: message.into(),
            line_text,
        }
    }
}
