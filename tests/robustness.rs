//! Mutated scenes never panic: every mutation of every shipped scene from a simple mutator
//! (truncate, delete a line, duplicate a line, swap two names, huge numbers) either validates
//! and simulates, or gives a located error. A generous per-mutation bound catches hangs.
//!
//! The binary at the edges of input and output: endless or huge files are refused after the
//! size limit, a byte order mark is accepted, and a reader that closes early ends each command
//! quietly.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use plainsight::Run;
use plainsight::scenario::{SHIPPED, Scenario};

/// Far above anything seen (milliseconds): only a hang trips it.
const HANG: Duration = Duration::from_secs(10);

fn mutations(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    // Truncations at 40 points spread over the file.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for k in 1..40 {
        let (at, _) = chars[chars.len() * k / 40];
        out.push(text[..at].to_string());
    }
    for i in 0..lines.len() {
        let mut deleted = lines.clone();
        deleted.remove(i);
        out.push(deleted.join("\n"));
        let mut duplicated = lines.clone();
        duplicated.insert(i, lines[i]);
        out.push(duplicated.join("\n"));
    }
    // Swap pairs of quoted names.
    let names: Vec<&str> = text
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|n| n.len() < 40)
        .collect();
    for pair in names.windows(2).step_by(3) {
        let (a, b) = (format!("\"{}\"", pair[0]), format!("\"{}\"", pair[1]));
        out.push(
            text.replace(&a, "\u{0}")
                .replace(&b, &a)
                .replace('\u{0}', &b),
        );
    }
    // Huge and odd numbers where numbers stand.
    for n in [
        "18446744073709551616",
        "-1",
        "1e308",
        "NaN",
        "0.5",
        "99999999999999999999999999",
    ] {
        out.push(text.replace("tls: true", &format!("tls: {n}")));
        out.push(text.replace("x: 0.5", &format!("x: {n}")));
        out.push(text.replacen("model:", &format!("seed: {n},\n    model:"), 1));
    }
    out
}

#[test]
fn no_mutation_of_a_shipped_scene_panics_or_hangs() {
    let mut checked = 0;
    let mut valid = 0;
    for (file, text) in SHIPPED {
        for mutated in mutations(text) {
            let started = Instant::now();
            match Scenario::parse(&mutated, file) {
                Ok(sc) => {
                    Run::new(sc, None).expect("a valid scenario simulates");
                    valid += 1;
                }
                Err(e) => assert!(e.line >= 1 && e.column >= 1 && !e.message.is_empty(), "{e}"),
            }
            assert!(
                started.elapsed() < HANG,
                "{file}: a mutation took {:?}",
                started.elapsed()
            );
            checked += 1;
        }
    }
    assert!(
        checked > 1000 && valid > 0,
        "{checked} mutations, {valid} valid"
    );
}

#[test]
fn garbage_bytes_and_deep_nesting_are_refused() {
    for garbage in [
        "",
        "(",
        ")",
        "((((((((((((((((((((((((((((((((((((((((((((((((((((",
        "\"unterminated",
        "title: 1",
        "\u{feff}()",
    ] {
        assert!(
            Scenario::parse(garbage, "garbage.ron").is_err(),
            "{garbage:?}"
        );
    }
    let deep = format!(
        "(title: \"t\", model: \"e2e\", people: {}{}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert!(Scenario::parse(&deep, "deep.ron").is_err());
    let huge = "x".repeat(2 << 20);
    let err = Scenario::parse(&huge, "huge.ron").expect_err("over the size limit");
    assert!(err.message.contains("limit"), "{err}");
}

/// The binary, run in the crate root with stdout discarded.
fn plainsight(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plainsight"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for `child` until `limit`, then kills it: its status (None if it ran past) and stderr.
fn wait_within(mut child: Child, limit: Duration) -> (Option<ExitStatus>, String) {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > limit {
            child.kill().expect("kill");
            child.wait().expect("reap");
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut err).expect("stderr");
    }
    (status, err)
}

/// One second more than a plain `check` of a shipped scene takes on this machine now (so a
/// loaded machine does not fail the test, and reading on past the limit does).
fn a_second_more_than_a_check() -> Duration {
    let started = Instant::now();
    let child = plainsight(&["check", "scenes/e2e.ron"])
        .spawn()
        .expect("runs");
    let (status, err) = wait_within(child, Duration::from_secs(60));
    assert!(status.is_some_and(|s| s.success()), "{err}");
    started.elapsed() + Duration::from_secs(1)
}

/// Runs `args` and checks it exits 1 within `limit`, saying the file is over the limit.
fn refused_as_too_large(args: &[&str], limit: Duration) {
    let started = Instant::now();
    let child = plainsight(args).spawn().expect("runs");
    let (status, err) = wait_within(child, limit);
    let took = started.elapsed();
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(1),
        "{args:?}: {status:?} after {took:?}: {err}"
    );
    assert!(err.contains("larger than 1 MiB"), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("plainsight-{}-{name}", std::process::id()))
}

// `check /dev/zero` read forever: /dev/zero reports a size of 0, and the file was read whole.
#[cfg(unix)]
#[test]
fn endless_and_huge_input_files_are_refused_within_a_second() {
    let limit = a_second_more_than_a_check();
    for args in [
        &["check", "/dev/zero"][..],
        &["trace", "/dev/zero"],
        &["exercise", "/dev/zero", "--key"],
        &[
            "exercise",
            "exercises/lesson1-e2e.ron",
            "--answers",
            "/dev/zero",
        ],
    ] {
        refused_as_too_large(args, limit);
    }
    // A sparse file: 2 GiB by its size, no disk used.
    let big = temp_path("big.ron");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(2 << 30))
        .expect("sparse file");
    refused_as_too_large(&["check", big.to_str().expect("utf-8 path")], limit);
    std::fs::remove_file(&big).expect("remove");
}

// A FIFO reports a size of 0 too; one with a writer that never stops was read forever. (A FIFO
// with no writer at all blocks in open(), before plainsight can read a byte: not tested.)
#[cfg(unix)]
#[test]
fn a_fifo_that_streams_forever_is_refused_within_a_second() {
    let limit = a_second_more_than_a_check();
    let fifo = temp_path("stream.ron");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let writer = Command::new("sh")
        .args(["-c", "exec yes > \"$1\"", "sh"])
        .arg(&fifo)
        .stderr(Stdio::null())
        .spawn()
        .expect("yes");
    let _writer = KilledOnDrop(writer);
    refused_as_too_large(&["check", fifo.to_str().expect("utf-8 path")], limit);
    std::fs::remove_file(&fifo).expect("remove");
}

/// A child process that is killed when the test ends, passed or failed (the FIFO's writer would
/// otherwise wait in open() for a reader that never came).
struct KilledOnDrop(Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_scene_file_with_a_byte_order_mark_is_accepted() {
    let (_, e2e) = SHIPPED
        .iter()
        .find(|(f, _)| *f == "e2e.ron")
        .expect("e2e is shipped");
    let bom = temp_path("bom.ron");
    std::fs::write(&bom, format!("\u{feff}{e2e}")).expect("write");
    let out = plainsight(&["check", bom.to_str().expect("utf-8 path")])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An error still points where it did without the mark: on the first line and further down.
    let plain = temp_path("no-bom.ron");
    let cut = &e2e[..e2e.len() / 2];
    for broken in ["(title: 1, oops", cut] {
        std::fs::write(&plain, broken).expect("write");
        std::fs::write(&bom, format!("\u{feff}{broken}")).expect("write");
        let without = Scenario::load(&plain).expect_err("broken");
        let with = Scenario::load(&bom).expect_err("broken");
        assert_eq!(
            (with.line, with.column, &with.line_text),
            (without.line, without.column, &without.line_text)
        );
    }
    std::fs::remove_file(&bom).expect("remove");
    std::fs::remove_file(&plain).expect("remove");
}

/// Every command that prints, with the arguments a small run needs.
fn printing_commands(key: &Path) -> Vec<Vec<String>> {
    let key = key.to_str().expect("utf-8 path");
    let lesson = "exercises/lesson1-e2e.ron";
    let bench = "bench --recipients 1 --sizes 256B --schemes per-recipient --threads 1";
    [
        "check scenes/e2e.ron scenes/plain-web.ron",
        "trace scenes/e2e.ron",
        "trace scenes/e2e.ron --json",
        "matrix scenes/e2e.ron scenes/plain-web.ron",
        "matrix scenes/e2e.ron --json",
        &format!("exercise {lesson} --key --json"),
        &format!("exercise {lesson} --answers {key} --json"),
        &format!("exercise {lesson} --answers {key}"),
        &format!("exercise {lesson}"),
        &format!("{bench} --json"),
        bench,
        "--help",
        "--version",
        "check --help",
    ]
    .iter()
    .map(|line| line.split(' ').map(String::from).collect::<Vec<_>>())
    .chain([vec![
        "explain".into(),
        "scenes/e2e.ron".into(),
        "--observer".into(),
        "Database thief".into(),
    ]])
    .collect()
}

/// Runs `args` with stdout piped to a reader that reads `keep` bytes, then closes the pipe.
fn with_stdout_closed_after(args: &[String], keep: usize) -> (ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdout = child.stdout.take().expect("piped");
    let mut kept = vec![0; keep];
    stdout.read_exact(&mut kept).expect("the first bytes");
    drop(stdout);
    let (status, err) = wait_within(child, HANG);
    (status.expect("ends once its reader has gone"), err)
}

// Output to a closed pipe panicked: `println!` on EPIPE, so `plainsight trace ... | head -1`
// could say "failed printing to stdout: Broken pipe" and exit 101.
#[test]
fn every_command_ends_quietly_when_its_reader_closes_early() {
    // The key's own answers, to score.
    let key = temp_path("answers.json");
    let printed = plainsight(&["exercise", "exercises/lesson1-e2e.ron", "--key", "--json"])
        .stdout(Stdio::piped())
        .output()
        .expect("runs");
    assert!(printed.status.success());
    std::fs::write(&key, printed.stdout).expect("write");
    for args in printing_commands(&key) {
        // Closed before a byte is read: the first write fails, whatever the output's length.
        let (status, err) = with_stdout_closed_after(&args, 0);
        assert!(
            matches!(status.code(), Some(0 | 141)),
            "{args:?}: {status:?}: {err}"
        );
        assert!(err.is_empty(), "{args:?}: {err}");
    }
    std::fs::remove_file(&key).expect("remove");
}

// As `head -c 100`: a long output (88 KB, over a 64 KiB pipe buffer) is cut after its first
// bytes.
#[test]
fn a_long_trace_ends_quietly_when_its_reader_stops_after_a_few_bytes() {
    let args: Vec<String> = ["trace", "scenes/group-dm.ron", "--json"]
        .map(String::from)
        .into();
    let (status, err) = with_stdout_closed_after(&args, 100);
    assert!(matches!(status.code(), Some(0 | 141)), "{status:?}: {err}");
    assert!(err.is_empty(), "{err}");
}
