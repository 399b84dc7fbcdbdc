//! The report as JSON, CSV and a text table, with the ratios a reader wants: speed-up over
//! per-recipient, cost against the floors, bytes per extra device.

use std::fmt::Write as _;

use super::{BenchReport, BenchScheme, PointResult, format_size};
use crate::crypto::Fanout;

/// How a point compares with others measured in the same run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratios {
    /// Per-recipient's encryption time over this scheme's, at the same point (above 1: faster).
    pub speedup_over_per_recipient: Option<f64>,
    /// This scheme's encryption time over the floor's (same cores): 1.0 is the floor itself.
    pub vs_floor: Option<f64>,
    /// This scheme's encryption time over bagged's own floor's (`floor-ephemeral`: the floor
    /// plus one fixed-base multiplication per device, same cores).
    pub vs_floor_ephemeral: Option<f64>,
    /// This scheme's encryption time over the single-threaded floor's.
    pub vs_floor_single_thread: Option<f64>,
    /// Exact wire bytes each extra recipient device adds, from the smallest and largest device
    /// counts measured for this scheme and size (None with only one count).
    pub wire_bytes_per_extra_device: Option<f64>,
    /// Session schemes: messages per join from which this scheme costs the sender less than
    /// bagged fan-out, `membership_change_ns ÷ (bagged − this)` per message; `None` where it
    /// never does (or is not a session scheme, or bagged was not measured).
    pub break_even_messages: Option<f64>,
    /// The same for a device leaving (`removal_ns` in place of `membership_change_ns`).
    pub break_even_messages_removal: Option<f64>,
}

impl BenchReport {
    /// The point for `scheme` at (`threads`, `recipients`, `message_bytes`), if measured.
    pub fn find(
        &self,
        scheme: BenchScheme,
        threads: usize,
        recipients: usize,
        message_bytes: usize,
    ) -> Option<&PointResult> {
        self.results.iter().find(|r| {
            r.scheme == scheme
                && r.threads == threads
                && r.recipients == recipients
                && r.message_bytes == message_bytes
        })
    }

    /// Ratios for one point, against the points measured alongside it.
    pub fn ratios(&self, point: &PointResult) -> Ratios {
        let time = |scheme| {
            self.find(scheme, point.threads, point.recipients, point.message_bytes)
                .map(|r| r.encrypt_ns as f64)
        };
        let mine = point.encrypt_ns as f64;
        let over = |other: Option<f64>| other.filter(|t| *t > 0.0 && mine > 0.0).map(|t| mine / t);
        let same_size: Vec<&PointResult> = self
            .results
            .iter()
            .filter(|r| {
                r.scheme == point.scheme
                    && r.threads == point.threads
                    && r.message_bytes == point.message_bytes
            })
            .collect();
        let fewest = same_size.iter().min_by_key(|r| r.devices());
        let most = same_size.iter().max_by_key(|r| r.devices());
        let wire_bytes_per_extra_device = match (fewest, most) {
            (Some(a), Some(b)) if b.devices() > a.devices() => Some(
                (b.wire_bytes as f64 - a.wire_bytes as f64) / (b.devices() - a.devices()) as f64,
            ),
            _ => None,
        };
        // Per message, the session scheme saves (bagged - this); a membership change costs it
        // once: it wins from change / saving messages per change on.
        let saving = time(BenchScheme::Fanout(Fanout::Bagged))
            .map(|bagged| bagged - mine)
            .filter(|s| *s > 0.0);
        let break_even = |change: Option<u64>| Some(change? as f64 / saving?);
        Ratios {
            speedup_over_per_recipient: time(BenchScheme::Fanout(Fanout::PerRecipient))
                .filter(|_| mine > 0.0)
                .map(|t| t / mine),
            vs_floor: over(time(BenchScheme::Floor)),
            vs_floor_ephemeral: over(time(BenchScheme::FloorEphemeral)),
            vs_floor_single_thread: over(time(BenchScheme::FloorSingleThread)),
            wire_bytes_per_extra_device,
            break_even_messages: break_even(point.membership_change_ns),
            break_even_messages_removal: break_even(point.removal_ns),
        }
    }

    /// The report as one JSON document: `{"results": [{"scheme", "recipients", ...}]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("the report holds only strings, integers and booleans")
    }

    /// The report as CSV with a header row (one row per point, ratios included).
    // Written by hand rather than with the csv crate: every field is a number, a flag or a
    // scheme name of `[a-z-]`, so nothing ever needs quoting, and the library needs no writer
    // dependency for one header and one format string.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "scheme,threads,recipients,devices_per_recipient,message_bytes,encrypt_ns,\
             decrypt_ns_per_device,membership_change_ns,removal_ns,wire_bytes,samples,stable,\
             speedup_over_per_recipient,vs_floor,vs_floor_ephemeral,vs_floor_single_thread,\
             break_even_messages,break_even_messages_removal\n",
        );
        let opt = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
        let ns = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        for r in &self.results {
            let q = self.ratios(r);
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                r.scheme,
                r.threads,
                r.recipients,
                r.devices_per_recipient,
                r.message_bytes,
                r.encrypt_ns,
                ns(r.decrypt_ns_per_device),
                ns(r.membership_change_ns),
                ns(r.removal_ns),
                r.wire_bytes,
                r.samples,
                r.stable,
                opt(q.speedup_over_per_recipient),
                opt(q.vs_floor),
                opt(q.vs_floor_ephemeral),
                opt(q.vs_floor_single_thread),
                opt(q.break_even_messages),
                opt(q.break_even_messages_removal),
            );
        }
        out
    }

    /// A text table for a terminal, one block per (threads, message size).
    pub fn to_table(&self) -> String {
        let header = [
            "scheme",
            "recipients",
            "devices",
            "encrypt",
            "per device",
            "decrypt/device",
            "wire bytes",
            "B/extra device",
            "speed-up",
            "vs floor",
            "vs floor-eph",
            "vs 1-thread floor",
            "join / leave",
            "break-even",
        ];
        let mut blocks: Vec<(usize, usize)> = self
            .results
            .iter()
            .map(|r| (r.threads, r.message_bytes))
            .collect();
        blocks.dedup();
        let mut out = String::new();
        for (threads, size) in blocks {
            let mut rows = vec![header.map(String::from).to_vec()];
            let block = |r: &&PointResult| r.threads == threads && r.message_bytes == size;
            for r in self.results.iter().filter(block) {
                rows.push(table_row(r, &self.ratios(r)));
            }
            let _ = writeln!(
                out,
                "message size {}, {threads} thread{}",
                format_size(size),
                if threads == 1 { "" } else { "s" }
            );
            out.push_str(&align(&rows));
            out.push('\n');
        }
        let unstable = self.results.iter().filter(|r| !r.stable).count();
        if unstable > 0 {
            let _ = writeln!(
                out,
                "{unstable} point(s) ran out of time before the median settled within tolerance."
            );
        }
        out
    }
}

/// One row of the text table.
fn table_row(r: &PointResult, q: &Ratios) -> Vec<String> {
    let times = |v: Option<f64>| v.map(|v| format!("{v:.2}x")).unwrap_or_else(|| "-".into());
    let floor = |v: Option<f64>| {
        if r.scheme.is_floor() {
            "-".into()
        } else {
            times(v)
        }
    };
    let speedup = if r.scheme == BenchScheme::Fanout(Fanout::PerRecipient) || r.scheme.is_floor() {
        "-".into()
    } else {
        times(q.speedup_over_per_recipient)
    };
    vec![
        r.scheme.to_string(),
        r.recipients.to_string(),
        r.devices().to_string(),
        duration(r.encrypt_ns as f64),
        duration(r.encrypt_ns as f64 / r.devices() as f64),
        r.decrypt_ns_per_device
            .map_or_else(|| "-".into(), |ns| duration(ns as f64)),
        r.wire_bytes.to_string(),
        q.wire_bytes_per_extra_device
            .map(|b| format!("{b:.0}"))
            .unwrap_or_else(|| "-".into()),
        speedup,
        floor(q.vs_floor),
        floor(q.vs_floor_ephemeral),
        floor(q.vs_floor_single_thread),
        membership(r),
        break_even(q),
    ]
}

/// A session scheme's join and leave times, else `-`.
fn membership(r: &PointResult) -> String {
    match (r.membership_change_ns, r.removal_ns) {
        (Some(join), Some(leave)) => {
            format!("{} / {}", duration(join as f64), duration(leave as f64))
        }
        _ => "-".into(),
    }
}

/// Messages per join and per leave from which a session scheme beats bagged (`never` where it
/// does not), else `-`.
fn break_even(q: &Ratios) -> String {
    let one = |v: Option<f64>| v.map_or_else(|| "never".into(), |m| format!("{m:.1}"));
    if q.break_even_messages.is_none() && q.break_even_messages_removal.is_none() {
        return "-".into();
    }
    format!(
        "{} / {}",
        one(q.break_even_messages),
        one(q.break_even_messages_removal)
    )
}

/// Nanoseconds as a short human duration (`812 ns`, `3.4 us`, `12.1 ms`, `1.20 s`).
pub(super) fn duration(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.1} us", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.1} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// Columns padded to their widest cell; the first left-aligned, the rest right-aligned.
pub(super) fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, &w))| {
                if c == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(812.0), "812 ns");
        assert_eq!(duration(3_400.0), "3.4 us");
        assert_eq!(duration(12_100_000.0), "12.1 ms");
        assert_eq!(duration(1_200_000_000.0), "1.20 s");
    }
}
