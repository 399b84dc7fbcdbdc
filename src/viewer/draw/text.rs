//! Text that fits without being cut: wrapping at spaces, a stated rule for shortening names,
//! and scrolling what does not fit. Nothing that carries meaning is cut to "..": a line too
//! long wraps, a list too long scrolls and says which lines are shown.

use bevy::prelude::Color;

use crate::viewer::draw::palette as p;

/// Cuts text into lines of at most `n` characters, at spaces where it can; a word longer than
/// a line is split across lines, never dropped.
// Not textwrap: its breaking rules (hyphens, Unicode line breaks) would move where the viewer's
// lines break, so every render would change; this is twenty lines and pinned by the render
// tests. Worth adopting if the viewer ever shows text in other scripts.
pub fn wrap(text: &str, n: usize) -> Vec<String> {
    let n = n.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > n {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while line.chars().count() > n {
            let head: String = line.chars().take(n).collect();
            let rest: String = line.chars().skip(n).collect();
            lines.push(head);
            line = rest;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Like [`wrap`], but a word longer than a line (a place such as
/// `mastodon.example/key-directory`) breaks after a `/` or before a `.` where it can, not
/// wherever the line ends (`key-director` / `y`).
pub fn wrap_names(text: &str, n: usize) -> Vec<String> {
    let n = n.max(1);
    let pieces: Vec<String> = text
        .split_whitespace()
        .flat_map(|w| name_pieces(w, n))
        .collect();
    wrap(&pieces.join(" "), n)
}

/// A word in pieces of at most `n` characters where it has a `/` or `.` to break at.
fn name_pieces(word: &str, n: usize) -> Vec<String> {
    let len = word.chars().count();
    if len <= n {
        return vec![word.to_string()];
    }
    // The last break within the line: after a slash, else before a dot.
    let head: String = word.chars().take(n).collect();
    let cut = head
        .rfind('/')
        .map(|i| i + 1)
        .or_else(|| head.rfind('.').filter(|&i| i > 0));
    match cut {
        Some(i) if i < word.len() => {
            let mut out = vec![word[..i].to_string()];
            out.extend(name_pieces(&word[i..], n));
            out
        }
        _ => vec![word.to_string()],
    }
}

/// Like [`wrap`], with a first line of at most `first` characters (something sits at its
/// right) and the rest of at most `rest`.
pub fn wrap_after(text: &str, first: usize, rest: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut line = String::new();
    let mut used = 0;
    for w in &words {
        let len = line.chars().count();
        let sep = usize::from(len > 0);
        if len + sep + w.chars().count() > first {
            break;
        }
        if sep == 1 {
            line.push(' ');
        }
        line.push_str(w);
        used += 1;
    }
    if used == 0 {
        // A first word longer than the first line: every line as narrow as the first.
        return wrap(text, first.min(rest));
    }
    let mut lines = vec![line];
    lines.extend(wrap(&words[used..].join(" "), rest));
    lines
}

/// The lines of a scrolled list that fit in `rows`, from line `offset`; when some do not fit,
/// the last row says which lines are shown and how to see the rest.
pub fn scrolled(lines: Vec<(String, Color)>, rows: usize, offset: usize) -> Vec<(String, Color)> {
    if lines.len() <= rows {
        return lines;
    }
    let body = rows.max(2) - 1;
    let off = offset.min(lines.len() - body);
    let total = lines.len();
    let mut out: Vec<(String, Color)> = lines.into_iter().skip(off).take(body).collect();
    out.push((
        format!(
            "lines {}-{} of {total}: Up/Down or the mouse wheel scrolls",
            off + 1,
            off + body
        ),
        p::MUTED,
    ));
    out
}

/// Shortens a label to at most `n` characters by a stated rule, for labels that must fit one
/// line (names on chips and boxes, a chip's second line, a card's first line); the full text is
/// in the inspector, the matrix and the keys panel. In order, until it fits:
///
/// 1. drop a parenthesised remark (`social.example (malicious operator)` -> `social.example`);
/// 2. shorten dotted host names to their first label (`social.example admin` -> `social admin`);
/// 3. keep whole words from the start; words dropped from a quotation are counted after its
///    closing quote (`reads "Dinner at" +3 words`), so a shortened quotation never looks whole;
/// 4. a single word longer than the room keeps its first `n` characters.
///
/// It never ends in "..".
pub fn abbreviate(text: &str, n: usize) -> String {
    let fits = |s: &str| s.chars().count() <= n;
    if fits(text) {
        return text.to_string();
    }
    let mut short = text.to_string();
    if let Some(open) = short.rfind(" (")
        && short.ends_with(')')
        && open > 0
    {
        short.truncate(open);
    }
    if !fits(&short) {
        short = short
            .split(' ')
            .map(|w| match w.split_once('.') {
                Some((host, rest))
                    if !host.is_empty()
                        && !rest.is_empty()
                        && !w.contains(['/', '"'])
                        && host.chars().all(|c| c.is_alphanumeric() || c == '-') =>
                {
                    host.to_string()
                }
                _ => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    if fits(&short) {
        return short;
    }
    whole_words(&short, n)
}

/// Whole words from the start of `text` within `n` characters (rule 3 and 4 of
/// [`abbreviate`]).
fn whole_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let quoted = text.contains('"');
    let mut kept = String::new();
    let mut count = 0;
    for (i, w) in words.iter().enumerate() {
        let left = words.len() - i - 1;
        let mut candidate = if kept.is_empty() {
            w.to_string()
        } else {
            format!("{kept} {w}")
        };
        if quoted && left > 0 {
            // Room for the closing quote and the count of what is left out.
            let tail = format!("\" +{left} words");
            if (candidate.clone() + &tail).chars().count() > n {
                break;
            }
        } else if candidate.chars().count() > n {
            break;
        }
        kept = std::mem::take(&mut candidate);
        count = i + 1;
    }
    if count == 0 {
        return text.chars().take(n.max(1)).collect();
    }
    let left = words.len() - count;
    if quoted && left > 0 && kept.matches('"').count() % 2 == 1 {
        kept = format!("{kept}\" +{left} words");
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_place_breaks_after_its_slash_not_mid_word() {
        assert_eq!(
            wrap_names("mastodon.example/key-directory", 26),
            ["mastodon.example/", "key-directory"]
        );
        assert_eq!(
            wrap_names("a -> verylongserver.example.org (wire)", 14),
            ["a ->", "verylongserver", ".example.org", "(wire)"]
        );
        assert_eq!(wrap_names("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wrap_keeps_every_word() {
        let text = "social.example sends the message to alice-phone over TLS";
        for n in [5, 10, 20, 80] {
            let lines = wrap(text, n);
            assert!(lines.iter().all(|l| l.chars().count() <= n), "{lines:?}");
            assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
        }
    }

    #[test]
    fn scrolled_says_what_is_hidden_and_never_cuts() {
        let lines: Vec<(String, Color)> = (0..10).map(|i| (format!("l{i}"), p::INK)).collect();
        let out = scrolled(lines.clone(), 4, 0);
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].0, "l0");
        assert!(out[3].0.starts_with("lines 1-3 of 10"));
        let out = scrolled(lines.clone(), 4, 99);
        assert_eq!(out[2].0, "l9", "scrolling stops at the last line");
        assert_eq!(scrolled(lines, 20, 3).len(), 10);
    }

    #[test]
    fn abbreviation_follows_the_stated_rule() {
        assert_eq!(
            abbreviate("social.example (malicious operator)", 20),
            "social.example"
        );
        assert_eq!(abbreviate("social.example (malicious)", 10), "social");
        assert_eq!(abbreviate("social.example admin", 14), "social admin");
        assert_eq!(abbreviate("Cafe wifi eavesdropper", 12), "Cafe wifi");
        assert_eq!(abbreviate("Bob", 12), "Bob");
        assert_eq!(
            abbreviate("reads \"Dinner at mine on Sunday\"", 28),
            "reads \"Dinner at\" +3 words"
        );
        for n in 1..40 {
            for t in [
                "averyveryverylongword",
                "reads \"Can you cover my shift on Friday?\"",
                "could read by acting (A)",
            ] {
                let a = abbreviate(t, n);
                assert!(!a.ends_with(".."), "{a}");
                assert!(a.chars().count() <= n.max(1) || a == t, "{t} at {n}: {a}");
            }
        }
    }
}
