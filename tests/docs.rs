//! The figures in `docs/` and the README come from the tool: every `<!-- plainsight: ARGS -->` marker is
//! followed by a fenced block holding exactly what `plainsight ARGS` prints. This test re-runs
//! each command and fails on any difference; `UPDATE_GOLDEN=1 cargo test --test main docs::` rewrites
//! the blocks after a reviewed change.

use std::path::Path;
use std::process::Command;

const DOCS: &[&str] = &["README.md", "docs/threats.md", "docs/teaching.md"];

/// Splits marker arguments: `--observer` takes the rest of the line as one name.
fn split_args(args: &str) -> Vec<String> {
    match args.split_once("--observer ") {
        Some((head, name)) => {
            let mut v: Vec<String> = head.split_whitespace().map(String::from).collect();
            v.push("--observer".into());
            v.push(name.trim().to_string());
            v
        }
        None => args.split_whitespace().map(String::from).collect(),
    }
}

fn run(args: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "plainsight {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn doc_blocks_match_the_tool() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for doc in DOCS {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(doc);
        let text = std::fs::read_to_string(&path).expect("doc exists");
        let mut out = String::new();
        let mut lines = text.lines().peekable();
        let mut markers = 0;
        while let Some(line) = lines.next() {
            out.push_str(line);
            out.push('\n');
            let Some(args) = line
                .trim()
                .strip_prefix("<!-- plainsight: ")
                .and_then(|l| l.strip_suffix(" -->"))
            else {
                continue;
            };
            markers += 1;
            let fence = lines.next().expect("a fenced block follows each marker");
            assert!(
                fence.starts_with("```"),
                "{doc}: marker `{args}` is not followed by a fenced block"
            );
            let mut block = String::new();
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                block.push_str(l);
                block.push('\n');
            }
            let actual = run(&split_args(args));
            if !update {
                assert!(
                    block == actual,
                    "{doc}: the block under `plainsight {args}` differs from the tool's output:\n--- doc\n{block}--- tool\n{actual}"
                );
            }
            out.push_str(fence);
            out.push('\n');
            out.push_str(&actual);
            out.push_str("```\n");
        }
        assert!(markers > 0, "{doc} has no plainsight blocks");
        if update {
            std::fs::write(&path, out).expect("write doc");
        }
    }
}

#[test]
fn every_scenario_guide_example_validates_and_simulates() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md"))
            .expect("doc");
    let blocks: Vec<&str> = doc.split("```ron\n").skip(1).collect();
    assert!(blocks.len() >= 2, "the guide has its examples");
    for block in blocks {
        let text = &block[..block.find("```").expect("closed")];
        let sc = plainsight::scenario::Scenario::parse(text, "docs/scenarios.md")
            .unwrap_or_else(|e| panic!("{e}"));
        plainsight::Run::new(sc, None).expect("simulates");
    }
}

#[test]
fn the_scenario_guide_example_validates() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenarios.md"))
            .expect("doc");
    let start = doc.find("```ron\n").expect("a ron example") + "```ron\n".len();
    let end = start + doc[start..].find("```").expect("closed");
    let sc = plainsight::scenario::Scenario::parse(&doc[start..end], "docs/scenarios.md")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.observers.len(), 4);
    plainsight::Run::new(sc, None).expect("simulates");
}

/// Every path ARCHITECTURE.md names (in backticks: `src/...`, `tests/...`, `scenes/...`) exists,
/// so the page cannot drift from the tree. A path with a placeholder (`<name>`) is skipped.
#[test]
fn every_path_architecture_md_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let roots = [
        "src/",
        "tests/",
        "scenes/",
        "exercises/",
        "docs/",
        "fuzz/",
        "web/",
        "benches/",
        ".ci/",
    ];
    let mut checked = 0;
    for (i, piece) in text.split('`').enumerate() {
        let is_path = i % 2 == 1 && roots.iter().any(|r| piece.starts_with(r));
        if !is_path || piece.contains('<') || piece.contains(' ') {
            continue;
        }
        assert!(
            root.join(piece).exists(),
            "ARCHITECTURE.md names {piece}, which is not there"
        );
        checked += 1;
    }
    assert!(checked > 30, "only {checked} paths found");
}
