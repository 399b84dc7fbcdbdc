//! Text that fits without being cut: wrapping at spaces, a stated rule for shortening names,
//! and scrolling what does not fit. Nothing that carries meaning is cut to "..": a line too
//! long wraps, a list too long scrolls and says which lines are shown.

use bevy::prelude::Color;

use super::draw::palette as p;

/// Cuts text into lines of at most `n` characters, at spaces where it can; a word longer than
/// a line is split across lines, never dropped.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
