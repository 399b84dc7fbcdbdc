//! Mutated scenes never panic: every mutation of every shipped scene from a simple mutator
//! (truncate, delete a line, duplicate a line, swap two names, huge numbers) either validates
//! and simulates, or gives a located error. A generous per-mutation bound catches hangs.

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
