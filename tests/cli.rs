//! The binary on every shipped scene (golden outputs), on broken input, and the essay's first
//! claims as checks on `matrix --json`.
//!
//! Golden files live in `tests/golden/`; after a reviewed change in what learners are shown,
//! regenerate them with `UPDATE_GOLDEN=1 cargo test --test main cli::`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn plainsight(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn stdout_ok(args: &[&str]) -> String {
    let out = plainsight(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn shipped_scenes() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenes/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        // A group's size (scenario::LARGE) has its own tests, not a 23,000-step golden trace.
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().to_string());
            !plainsight::scenario::LARGE
                .iter()
                .any(|(f, _)| Some(*f) == name.as_deref())
        })
        .collect();
    scenes.sort();
    scenes
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing {}: run UPDATE_GOLDEN=1 cargo test --test main cli::",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from the golden file; if the change is intended, review it and run UPDATE_GOLDEN=1 cargo test --test main cli::\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn golden_matrix_and_trace_for_every_shipped_scene() {
    for scene in shipped_scenes() {
        let rel = format!(
            "scenes/{}",
            scene.file_name().expect("file").to_string_lossy()
        );
        let stem = scene
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        golden(&format!("{stem}.matrix.txt"), &stdout_ok(&["matrix", &rel]));
        golden(
            &format!("{stem}.matrix.json"),
            &stdout_ok(&["matrix", &rel, "--json"]),
        );
        golden(&format!("{stem}.trace.txt"), &stdout_ok(&["trace", &rel]));
    }
}

fn matrix(scenes: &[&str], model: Option<&str>) -> Value {
    let mut args = vec!["matrix"];
    args.extend_from_slice(scenes);
    args.push("--json");
    if let Some(m) = model {
        args.extend(["--model", m]);
    }
    serde_json::from_str(&stdout_ok(&args)).expect("valid JSON")
}

/// (role, content) for every observer x message of one scene object.
fn cells(scene: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for o in scene["observers"].as_array().expect("observers") {
        for m in o["messages"].as_array().expect("messages") {
            out.push((
                o["name"].as_str().expect("name").to_string(),
                o["role"].as_str().expect("role").to_string(),
                m["content"].as_str().expect("content").to_string(),
            ));
        }
    }
    out
}

#[test]
fn the_three_models_give_the_essays_verdicts() {
    let all = matrix(
        &[
            "scenes/plain-web.ron",
            "scenes/server-encrypted.ron",
            "scenes/e2e.ron",
        ],
        None,
    );
    let scenes = all["scenes"].as_array().expect("scenes");
    assert_eq!(scenes.len(), 3);
    let by_model = |m: &str| {
        scenes
            .iter()
            .find(|s| s["model"] == m)
            .unwrap_or_else(|| panic!("no {m}"))
    };

    // Plain web: a server admin reads plaintext, at the application's memory.
    let plain = by_model("plain-web");
    assert!(plain["fanout"].is_null());
    let admin = &plain["observers"]
        .as_array()
        .expect("observers")
        .iter()
        .find(|o| o["role"] == "server-admin")
        .expect("admin")["messages"][0];
    assert_eq!(admin["content"], "plaintext");
    assert_eq!(admin["first_plaintext_at"], "social.example/app-memory");
    assert_eq!(
        admin["metadata"],
        serde_json::json!(["sender", "recipients", "size", "time", "endpoints"])
    );

    // At rest: the thief gets ciphertext, production access still reads plaintext.
    let at_rest = cells(by_model("server-encrypted"));
    assert!(
        at_rest
            .iter()
            .filter(|c| c.1 == "database-thief")
            .all(|c| c.2 == "ciphertext")
    );
    assert!(
        at_rest
            .iter()
            .filter(|c| c.1 == "database-admin")
            .all(|c| c.2 == "ciphertext")
    );
    assert!(
        at_rest
            .iter()
            .filter(|c| c.1 == "server-admin")
            .all(|c| c.2 == "plaintext")
    );

    // e2e: nobody on the server side or the wire reads; the recipient device does.
    let e2e = by_model("e2e");
    assert_eq!(e2e["fanout"], "per-recipient");
    assert_eq!(e2e["keys_verified"], false);
    for (name, role, content) in cells(e2e) {
        match role.as_str() {
            "server-admin" | "database-admin" | "database-thief" | "admin-boss"
            | "wire-eavesdropper" => {
                assert_eq!(content, "ciphertext", "{name} under e2e")
            }
            "recipient-device" => assert_eq!(content, "plaintext", "{name}"),
            _ => {}
        }
    }
}

#[test]
fn model_override_runs_the_same_people_under_each_model() {
    for (model, admin_reads) in [
        ("plain-web", "plaintext"),
        ("server-encrypted", "plaintext"),
        ("e2e", "ciphertext"),
        ("e2e-bagged", "ciphertext"),
    ] {
        let m = matrix(&["scenes/mastodon-federation.ron"], Some(model));
        let scene = &m["scenes"][0];
        // Both roles must be there, so the checks below cannot pass by finding no one.
        let (mut admins, mut recipients) = (0, 0);
        for (name, role, content) in cells(scene) {
            if role == "server-admin" {
                admins += 1;
                assert_eq!(content, admin_reads, "{name} under {model}");
            }
            if role == "recipient-device" {
                recipients += 1;
                assert_eq!(content, "plaintext", "{name} under {model}");
            }
        }
        assert!(
            admins > 0 && recipients > 0,
            "{model}: {admins} admins, {recipients} recipients"
        );
        if model == "e2e-bagged" {
            assert_eq!(scene["fanout"], "bagged");
        }
    }
}

#[test]
fn same_scene_model_and_seed_give_the_same_bytes() {
    for model in [
        "plain-web",
        "server-encrypted",
        "e2e",
        "e2e-bagged",
        "e2e-bagged-shared-ephemeral",
    ] {
        let a = stdout_ok(&["trace", "scenes/e2e.ron", "--json", "--model", model]);
        let b = stdout_ok(&["trace", "scenes/e2e.ron", "--json", "--model", model]);
        assert_eq!(a, b, "{model} is not deterministic");
    }
    // A different seed changes the bytes (and only the bytes).
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/e2e.ron"))
            .expect("read");
    let dir = std::env::temp_dir().join(format!("plainsight-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let reseeded = dir.join("e2e-seed.ron");
    std::fs::write(
        &reseeded,
        text.replacen("model: \"e2e\",", "model: \"e2e\",\n    seed: 99,", 1),
    )
    .expect("write");
    let a: Value =
        serde_json::from_str(&stdout_ok(&["trace", "scenes/e2e.ron", "--json"])).expect("json");
    let b: Value = serde_json::from_str(&stdout_ok(&[
        "trace",
        reseeded.to_str().expect("utf-8 path"),
        "--json",
    ]))
    .expect("json");
    assert_ne!(a["steps"][7]["hex"], b["steps"][7]["hex"]);
    assert_eq!(
        a["steps"].as_array().map(Vec::len),
        b["steps"].as_array().map(Vec::len)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_truncated_scene_exits_1_with_line_and_column() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/e2e.ron"))
            .expect("read");
    let dir = std::env::temp_dir().join(format!("plainsight-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let cut = dir.join("cut.ron");
    std::fs::write(&cut, &text[..text.len() / 2]).expect("write");
    for cmd in ["check", "matrix", "trace"] {
        let out = plainsight(&[cmd, cut.to_str().expect("utf-8 path")]);
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        let located = format!("{}:", cut.display());
        assert!(
            err.contains(&located)
                && err
                    .split(&located)
                    .nth(1)
                    .is_some_and(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_digit())),
            "{cmd}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_exit_1_with_a_sentence() {
    for args in [
        vec!["matrix", "scenes/e2e.ron", "--model", "quantum"],
        vec!["explain", "scenes/e2e.ron", "--observer", "Nobody"],
        vec!["check", "no-such-file.ron"],
        vec!["trace"],
        vec!["matrix", "--frobnicate"],
    ] {
        let out = plainsight(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} printed no error");
    }
}

/// `view --panel` names a panel from the same list as `render --panel`; the refusals come
/// before any window opens, so they are checked here without a display.
#[cfg(feature = "viewer")]
#[test]
fn view_refuses_an_unknown_panel_or_two_ways_to_choose_one() {
    for (args, says) in [
        (
            vec!["view", "e2e", "--panel", "nope"],
            "--panel nope: no such panel; the panels are matrix, lanes, keys, scenarios, help, whatif, exercise, designer",
        ),
        (
            vec!["view", "e2e", "--panel", "matrix", "--exercise", "x.ron"],
            "--panel and --exercise both choose the panel",
        ),
    ] {
        let out = plainsight(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn check_accepts_every_shipped_scene_and_trace_shows_text_and_hex() {
    let scenes: Vec<String> = shipped_scenes()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let refs: Vec<&str> = scenes.iter().map(String::as_str).collect();
    let mut args = vec!["check"];
    args.extend(refs);
    let out = stdout_ok(&args);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok ")).count(),
        scenes.len()
    );
    // Every shipped scene gives its long observers a short form: no hint.
    assert!(!out.contains("hint:"), "{out}");
    let trace = stdout_ok(&["trace", "scenes/e2e.ron"]);
    assert!(
        trace.contains("“Can you cover my shift on Friday?”"),
        "plaintext shown as text"
    );
    assert!(trace.contains("[TLS record] "), "ciphertext shown as hex");
}

#[test]
fn explain_gives_the_chain_for_each_message() {
    let out = stdout_ok(&[
        "explain",
        "scenes/server-encrypted.ron",
        "--observer",
        "Database thief",
    ]);
    assert!(out.contains("reads 0 of 2 messages"), "{out}");
    assert!(out.contains("reached social.example/database (row m1) -> sealed with social.example's at-rest key -> holds no key that opens it -> ciphertext"), "{out}");
}

fn observer<'a>(scene: &'a Value, name: &str) -> &'a Value {
    scene["observers"]
        .as_array()
        .expect("observers")
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no observer {name}"))
}

#[test]
fn the_state_reads_nothing_by_looking_but_could_by_swapping_keys() {
    let doc = matrix(&["nation-state"], Some("e2e"));
    let scene = &doc["scenes"][0];
    let state = &observer(scene, "The state (compels mastodon.example, taps links)")["messages"][0];
    assert_eq!(state["content"], "ciphertext");
    assert_eq!(state["if_acting"]["content"], "plaintext");
    let powers = state["if_acting"]["powers"].as_array().expect("powers");
    assert!(powers.iter().any(|p| p == "key-substitution"), "{powers:?}");
    let why: Vec<&str> = state["if_acting"]["why"]
        .as_array()
        .expect("why")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        why[0].contains("rewrites the key answer at mastodon.example/")
            && why[0].contains("(compels mastodon.example)"),
        "{why:?}"
    );
    assert!(
        why.iter()
            .any(|w| w.contains("seals it again to bob-laptop's real key"))
    );
    // The recipient's own device holds no power: it reads by looking.
    assert!(observer(scene, "Bob's laptop")["messages"][0]["if_acting"].is_null());
}

#[test]
fn verified_keys_leave_no_observer_but_endpoints_reading_by_acting() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/nation-state.ron"),
    )
    .expect("scene");
    let verified = text.replace(
        "model: \"plain-web\",",
        "model: \"e2e\", keys_verified: true,",
    );
    assert_ne!(verified, text);
    let path = std::env::temp_dir().join("plainsight-nation-state-verified.ron");
    std::fs::write(&path, verified).expect("write");
    let doc = matrix(&[path.to_str().expect("utf-8 path")], None);
    let mut with_power = 0;
    for o in doc["scenes"][0]["observers"].as_array().expect("observers") {
        let m = &o["messages"][0];
        if !m["if_acting"].is_null() {
            with_power += 1;
            assert_ne!(m["if_acting"]["content"], "plaintext", "{}", o["name"]);
        }
        let endpoint = o["role"] == "recipient-device" || o["role"] == "sender-device";
        assert!(endpoint || m["content"] != "plaintext", "{}", o["name"]);
    }
    assert!(
        with_power >= 2,
        "the state and the admin still hold the power"
    );
}

#[test]
fn compelling_only_a_database_reader_gives_no_power() {
    let doc = matrix(&["chain-of-command"], Some("e2e"));
    let scene = &doc["scenes"][0];
    assert!(observer(scene, "Boss of the DBA only")["messages"][0]["if_acting"].is_null());
    assert!(observer(scene, "Omar (DBA)")["messages"][0]["if_acting"].is_null());
    let both = &observer(scene, "Boss of SRE and DBA")["messages"][0]["if_acting"];
    assert_eq!(both["content"], "plaintext");
}

#[test]
fn trace_acting_prints_the_swap_and_refuses_an_observer_without_power() {
    let out = stdout_ok(&[
        "trace",
        "nation-state",
        "--model",
        "e2e",
        "--acting",
        "The state (compels mastodon.example, taps links)",
    ]);
    assert!(
        out.contains("key-substituted") && out.contains("mitm-reseal"),
        "{out}"
    );
    let refused = plainsight(&["trace", "nation-state", "--acting", "Bob's laptop"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("can change no bytes on their way"));
}

#[test]
fn every_exercise_key_scores_full_marks_and_a_changed_answer_scores_less() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("exercises/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "three exercises per lesson");
    for file in files {
        let f = file.to_str().expect("utf-8 path");
        let key: Value = serde_json::from_str(&stdout_ok(&["exercise", f, "--key", "--json"]))
            .expect("key JSON");
        let answers = key["answers"].as_array().expect("answers").clone();
        let path = std::env::temp_dir().join("plainsight-exercise-key.json");
        std::fs::write(&path, key.to_string()).expect("write");
        let p = path.to_str().expect("utf-8");
        let scored: Value =
            serde_json::from_str(&stdout_ok(&["exercise", f, "--answers", p, "--json"]))
                .expect("score JSON");
        assert_eq!(scored["correct"], scored["total"], "{f}");
        assert_eq!(scored["total"], answers.len());
        // Change one answer: add a name that is not in it, or drop one.
        let mut changed = key.clone();
        let first = changed["answers"][0].as_array_mut().expect("list");
        if first.is_empty() {
            first.push(Value::String("Nobody at all".into()));
        } else {
            first.pop();
        }
        std::fs::write(&path, changed.to_string()).expect("write");
        let scored: Value =
            serde_json::from_str(&stdout_ok(&["exercise", f, "--answers", p, "--json"]))
                .expect("score JSON");
        assert_eq!(
            scored["correct"].as_u64().expect("n") + 1,
            scored["total"].as_u64().expect("m"),
            "{f}"
        );
    }
}

#[test]
fn a_broken_exercise_exits_1_with_a_sentence() {
    let path = std::env::temp_dir().join("plainsight-bad-exercise.ron");
    std::fs::write(
        &path,
        r#"(title: "t", scene: "e2e", questions: [(text: "?", ask: "who-knows", message: "m1")])"#,
    )
    .expect("write");
    let out = plainsight(&["exercise", path.to_str().expect("utf-8"), "--key"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("who-knows") && err.contains("who-reads"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

/// A teacher's scene with an observer name longer than a viewer chip holds and no `short:`
/// form: `check` accepts it and says how to keep the chip from dropping words.
#[test]
fn check_hints_at_a_short_form_for_a_long_observer_name() {
    let text = std::fs::read_to_string("scenes/plain-web.ron").expect("plain-web");
    let long = "Database thief who sells what she finds";
    let text = text.replacen("\"Database thief\"", &format!("\"{long}\""), 1);
    let dir = std::env::temp_dir().join(format!("plainsight-hint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("long-name.ron");
    std::fs::write(&file, text).expect("write");
    let out = stdout_ok(&["check", &file.display().to_string()]);
    assert!(out.starts_with("ok "), "{out}");
    assert!(
        out.contains(&format!(
            "hint: observer \"{long}\" is {} characters",
            long.len()
        )),
        "{out}"
    );
    assert!(out.contains("short:"), "{out}");
}
