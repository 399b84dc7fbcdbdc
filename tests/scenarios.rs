//! Scenario validation: every broken scene gives a located error of the right kind, never a panic.

use plainsight::scenario::{SHIPPED, Scenario, ScenarioErrorKind as Kind};

fn e2e() -> &'static str {
    SHIPPED
        .iter()
        .find(|(f, _)| *f == "e2e.ron")
        .expect("e2e.ron is shipped")
        .1
}

/// Line and column (1-based) of the first occurrence of `needle` at or after `from`.
fn position_of(text: &str, needle: &str, from: usize) -> (usize, usize) {
    let at = from + text[from..].find(needle).expect("needle present");
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .expect("some line")
        .chars()
        .count()
        + 1;
    (line, col)
}

fn expect_error(text: &str, kind: Kind, at: (usize, usize), words: &str) {
    let err = Scenario::parse(text, "broken.ron").expect_err("must not validate");
    assert_eq!(err.kind, kind, "{err}");
    assert_eq!((err.line, err.column), at, "{err}");
    assert!(
        err.message.contains(words),
        "message {:?} lacks {words:?}",
        err.message
    );
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("broken.ron:{}:{}: ", at.0, at.1)),
        "{shown}"
    );
    assert!(err.line_text.is_some(), "the offending line is shown");
}

#[test]
fn every_shipped_scene_validates() {
    for (file, text) in SHIPPED {
        let sc = Scenario::parse(text, file).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !sc.messages.is_empty() && !sc.observers.is_empty(),
            "{file}"
        );
    }
}

#[test]
fn unknown_recipient_is_located() {
    let text = e2e().replacen("to: [\"Bob\"]", "to: [\"Bobb\"]", 1);
    let at = position_of(&text, "\"Bobb\"", 0);
    expect_error(&text, Kind::UnknownName, at, "unknown recipient \"Bobb\"");
}

#[test]
fn duplicate_device_is_located_at_the_second_use() {
    let text = e2e().replacen("devices: [\"bob-phone\"]", "devices: [\"alice-phone\"]", 1);
    let first = position_of(&text, "\"alice-phone\"", 0);
    let second = position_of(
        &text,
        "\"alice-phone\"",
        text.find("\"alice-phone\"").expect("present") + 1,
    );
    assert_ne!(first, second);
    expect_error(&text, Kind::DuplicateName, second, "used twice");
}

#[test]
fn unknown_role_lists_the_vocabulary() {
    let text = e2e().replacen("role: \"database-thief\"", "role: \"hacker\"", 1);
    let at = position_of(&text, "\"hacker\"", 0);
    expect_error(&text, Kind::UnknownWord, at, "\"wire-eavesdropper\"");
}

#[test]
fn empty_recipient_list_is_refused() {
    let text = e2e().replacen("to: [\"Bob\"]", "to: []", 1);
    let at = position_of(&text, "\"m1\"", 0);
    expect_error(&text, Kind::NoRecipients, at, "no recipients");
}

#[test]
fn recipient_no_link_reaches_is_refused() {
    let text = e2e().replacen(
        "(from: \"social.example\", to: \"bob-phone\", tls: true),",
        "",
        1,
    );
    let at = position_of(&text, "\"Bob\"", text.find("messages").expect("present"));
    expect_error(
        &text,
        Kind::Unreachable,
        at,
        "no chain of links reaches bob-phone",
    );
}

#[test]
fn observer_who_reaches_nothing_is_refused() {
    let text = e2e().replacen(
        "observers: [",
        "observers: [\n        (name: \"Nobody\", role: \"other-user\"),",
        1,
    );
    let at = position_of(&text, "\"Nobody\"", 0);
    expect_error(&text, Kind::ReachesNothing, at, "reaches nothing");
}

#[test]
fn unknown_part_and_link_in_reaches_are_located() {
    let text = e2e().replacen(
        "\"social.example/database\"",
        "\"social.example/backup\"",
        1,
    );
    let at = position_of(&text, "\"social.example/backup\"", 0);
    expect_error(&text, Kind::UnknownName, at, "has no part \"backup\"");
    let text = e2e().replacen(
        "\"alice-phone -> social.example\"",
        "\"alice-phone -> bob-phone\"",
        1,
    );
    let at = position_of(&text, "\"alice-phone -> bob-phone\"", 0);
    expect_error(&text, Kind::UnknownName, at, "no link between");
}

#[test]
fn truncated_file_is_a_located_syntax_error() {
    let text = e2e();
    for cut in [text.len() / 3, text.len() / 2, text.len() - 3] {
        let err = Scenario::parse(&text[..cut], "cut.ron")
            .expect_err("a truncated scene must not validate");
        assert_eq!(err.kind, Kind::Syntax, "{err}");
        assert!(err.line > 1, "{err}");
    }
}

#[test]
fn unknown_field_is_a_syntax_error_naming_it() {
    let text = e2e().replacen("title:", "titel:", 1);
    let err = Scenario::parse(&text, "typo.ron").expect_err("unknown field");
    assert_eq!(err.kind, Kind::Syntax);
    assert!(err.message.contains("titel"), "{err}");
}

#[test]
fn unknown_model_is_located() {
    let text = e2e().replacen("model: \"e2e\"", "model: \"quantum\"", 1);
    let at = position_of(&text, "\"quantum\"", 0);
    expect_error(&text, Kind::UnknownWord, at, "plain-web");
}

#[test]
fn huge_text_is_refused_by_the_limit() {
    let big = "x".repeat(70_000);
    let text = e2e().replacen("Yes, if you take my Sunday.", &big, 1);
    let err = Scenario::parse(&text, "big.ron").expect_err("over the limit");
    assert_eq!(err.kind, Kind::Limit, "{err}");
}
