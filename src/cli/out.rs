//! Everything the command prints goes through here. A reader that stops early
//! (`plainsight trace e2e | head -1`) closes stdout; `println!` panics on that, so a closed
//! stdout becomes the error [`StdoutClosed`], and `main` ends quietly with [`CLOSED_STATUS`].

use std::fmt::Display;
use std::io::{ErrorKind, Write};

/// Stdout's reader has gone: nothing more can be shown, and there is nobody to tell.
#[derive(Debug, thiserror::Error)]
#[error("stdout was closed by its reader")]
pub struct StdoutClosed;

/// The status when stdout's reader has gone: what a shell shows for a program that SIGPIPE
/// ended (128 + 13), as `cat` ends. The output was cut short, so it is not 0.
pub const CLOSED_STATUS: i32 = 141;

/// Prints `text` on stdout, as `print!` would, and flushes it.
pub fn print(text: impl Display) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            ErrorKind::BrokenPipe => anyhow::Error::new(StdoutClosed),
            _ => anyhow::Error::new(e).context("cannot write to stdout"),
        })
}

/// Prints `text` and a newline on stdout, as `println!` would.
pub fn println(text: impl Display) -> anyhow::Result<()> {
    print(format_args!("{text}\n"))
}

/// Prints `text` and a newline on stderr. If stderr is closed there is nowhere left to say
/// anything, so that is not an error (`eprintln!` would panic).
pub fn eprintln(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Whether `error` is (or was caused by) stdout's reader going away.
pub fn is_closed(error: &anyhow::Error) -> bool {
    error.chain().any(|e| e.is::<StdoutClosed>())
}
