//! `plainsight bench --brief`: the numbers Lesson 3 uses, in a table narrow enough for a
//! projector (at most [`BRIEF_WIDTH`] columns): per scheme the time to encrypt one message to
//! every device, per device, the bytes on the wire, how much faster than per-recipient, how far
//! above the floor, and for the session schemes after how many messages a membership change
//! pays off.

use std::fmt::Write as _;

use super::render::{align, duration};
use super::{BenchReport, BenchScheme, PointResult, Ratios, format_size};
use crate::crypto::Fanout;

/// The widest line [`BenchReport::to_brief`] writes, in characters.
pub const BRIEF_WIDTH: usize = 100;

const HEADER: [&str; 8] = [
    "scheme",
    "devices",
    "encrypt",
    "per device",
    "wire bytes",
    "speed-up",
    "vs floor",
    "break-even",
];

const LEGEND: &str = "\
speed-up: per-recipient's time / this one's (2.00x: twice as fast)
vs floor: this / the floor (1 AEAD pass + 1 X25519 a device; floor-ephemeral adds a fresh key)
break-even: messages per join/per leave from which a session scheme beats bagged
";

impl BenchReport {
    /// The report as a short table for a projector: one block per thread count and message
    /// size, every line at most [`BRIEF_WIDTH`] characters.
    pub fn to_brief(&self) -> String {
        let mut blocks: Vec<(usize, usize)> = self
            .results
            .iter()
            .map(|r| (r.threads, r.message_bytes))
            .collect();
        blocks.dedup();
        let mut out = String::new();
        for (threads, size) in blocks {
            let _ = writeln!(
                out,
                "{} message, {threads} thread{}: time to encrypt it to every device",
                format_size(size),
                if threads == 1 { "" } else { "s" }
            );
            let mut rows = vec![HEADER.map(String::from).to_vec()];
            let block = |r: &&PointResult| r.threads == threads && r.message_bytes == size;
            for r in self.results.iter().filter(block) {
                rows.push(brief_row(r, &self.ratios(r)));
            }
            out.push_str(&align(&rows));
            out.push('\n');
        }
        out.push_str(LEGEND);
        let unstable = self.results.iter().filter(|r| !r.stable).count();
        if unstable > 0 {
            let _ = writeln!(out, "{unstable} point(s) ran out of time before settling.");
        }
        out
    }
}

fn brief_row(r: &PointResult, q: &Ratios) -> Vec<String> {
    let times = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{}x", short(v)));
    let speedup = match r.scheme {
        BenchScheme::Fanout(Fanout::PerRecipient) => "-".into(),
        s if s.is_floor() => "-".into(),
        _ => times(q.speedup_over_per_recipient),
    };
    let vs_floor = if r.scheme.is_floor() {
        "-".into()
    } else {
        times(q.vs_floor)
    };
    let break_even = match (q.break_even_messages, q.break_even_messages_removal) {
        (None, None) if !r.scheme.is_session() => "-".into(),
        (join, leave) => {
            let one = |v: Option<f64>| v.map_or_else(|| "never".into(), short);
            format!("{}/{}", one(join), one(leave))
        }
    };
    vec![
        r.scheme.to_string(),
        r.devices().to_string(),
        duration(r.encrypt_ns as f64),
        duration(r.encrypt_ns as f64 / r.devices() as f64),
        bytes(r.wire_bytes),
        speedup,
        vs_floor,
        break_even,
    ]
}

/// A ratio or count in at most five characters: `1.25`, `12.5`, `125`, `>999`.
fn short(v: f64) -> String {
    if v < 9.995 {
        format!("{v:.2}")
    } else if v < 99.95 {
        format!("{v:.1}")
    } else if v < 999.5 {
        format!("{v:.0}")
    } else {
        ">999".into()
    }
}

/// A byte count for a slide: `812 B`, `33.1 KiB`, `512.0 MiB`, `4.0 GiB`.
fn bytes(n: usize) -> String {
    let n = n as f64;
    if n < 1024.0 {
        format!("{n:.0} B")
    } else if n < 1024.0 * 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else if n < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} MiB", n / (1024.0 * 1024.0))
    } else {
        format!("{:.1} GiB", n / (1024.0 * 1024.0 * 1024.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_stay_short() {
        assert_eq!(short(1.254), "1.25");
        assert_eq!(short(12.54), "12.5");
        assert_eq!(short(125.4), "125");
        assert_eq!(short(99_999.0), ">999");
    }

    #[test]
    fn byte_counts_read_on_a_slide() {
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(33_848), "33.1 KiB");
        assert_eq!(bytes(512 << 20), "512.0 MiB");
        assert_eq!(bytes(4 << 30), "4.0 GiB");
    }
}
