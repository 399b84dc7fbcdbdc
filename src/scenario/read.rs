//! Reading a file a user names. A file's size is not trusted: `/dev/zero` and a FIFO report 0
//! and never end, so at most [`limits::MAX_FILE_BYTES`] and one byte more are ever read.

use std::io::Read;
use std::path::Path;

use super::{ScenarioError, ScenarioErrorKind, limits};

// The refusal says "1 MiB"; a limit that is not a whole number of MiB would need other words.
const _: () = assert!(limits::MAX_FILE_BYTES.is_multiple_of(1 << 20));

/// The byte order mark some editors write first in UTF-8 text; it is not part of the text.
const BYTE_ORDER_MARK: char = '\u{feff}';

/// Reads a file a user gave (a scenario, an exercise, answers) as UTF-8 text, without a leading
/// byte order mark (so lines and columns count as an editor counts them).
///
/// Refuses a folder, a file larger than [`limits::MAX_FILE_BYTES`] (as a
/// [`ScenarioErrorKind::Limit`], having read one byte past the limit, whatever size the file
/// reports) and text that is not UTF-8. Errors name the file, at line 1, column 1.
///
/// A FIFO that nothing writes to blocks in `open` until something does, as it would for `cat`.
pub fn read_capped(path: impl AsRef<Path>) -> Result<String, ScenarioError> {
    let path = path.as_ref();
    let error = |kind, message: String| ScenarioError {
        file: path.display().to_string(),
        line: 1,
        column: 1,
        kind,
        message,
        line_text: None,
    };
    let io = |e: std::io::Error| error(ScenarioErrorKind::Io, format!("cannot read: {e}"));
    let file = std::fs::File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.is_dir() {
        return Err(error(
            ScenarioErrorKind::Io,
            "is a folder, not a file".into(),
        ));
    }
    let mut bytes = Vec::new();
    file.take(limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(error(
            ScenarioErrorKind::Limit,
            format!("{}; stopped reading there", larger_than_the_limit()),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        error(
            ScenarioErrorKind::Io,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
    })?;
    Ok(match text.strip_prefix(BYTE_ORDER_MARK) {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// "larger than 1 MiB, the limit": how every refusal of a too-large file begins.
pub(super) fn larger_than_the_limit() -> String {
    format!(
        "larger than {} MiB, the limit",
        limits::MAX_FILE_BYTES >> 20
    )
}
