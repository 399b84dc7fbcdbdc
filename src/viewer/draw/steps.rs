//! The step list (columns: number, action, where; each row whole, wrapped, scrolled) and the
//! inspector (the step's full sentence, the exact bytes, their metadata, and every observer who
//! reaches them, wrapped and scrolled). Where a step happens is said in one place,
//! [`step_where`], so the header, the list and the inspector agree.

use bevy::prelude::*;

use crate::Run;
use crate::layers::{self, Layer as CoreLayer};
use crate::report;
use crate::scenario::{Reach, Scenario};
use crate::sim::Step;
use crate::viewer::chrome::{EventLine, ascii};
use crate::viewer::draw::{Painter, palette as p};
use crate::viewer::layout::{Rect, chars_fit};
use crate::viewer::playback::{Cursor, Scroll, Shown};
use crate::viewer::state::{Look, Sighting, holds_words};
use crate::viewer::text::{scrolled, wrap, wrap_names};

/// Where a step happens, in the direction it happens: on a wire, `from -> to (wire)` as the
/// bytes travel (a reply runs `social.example -> alice-phone`, whichever way the link was
/// written); elsewhere the place, `social.example/database`.
pub fn step_where(sc: &Scenario, step: &Step) -> String {
    match (step.place, step.travel) {
        (Reach::Wire(_), Some((a, b))) => {
            format!("{} -> {} (wire)", sc.node_name(a), sc.node_name(b))
        }
        (place, _) => sc.reach_label(place),
    }
}

/// What a step does, where, to how many bytes: `mitm-open m1 at mastodon.example/app-memory,
/// 72 bytes` (the inspector's first words; the header's when the step's sentence is too long).
pub fn step_brief(sc: &Scenario, step: &Step) -> String {
    let msg = step
        .message
        .and_then(|m| sc.messages.get(m))
        .map_or(String::new(), |m| format!(" {}", m.id));
    let detail = step
        .detail
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    format!(
        "{}{msg} at {}{detail}, {} bytes",
        step.action.name(),
        step_where(sc, step),
        step.bytes.len()
    )
}

/// The lines of one step's row: number and action, then where, wrapped under the action.
fn row_lines(sc: &Scenario, k: usize, step: &Step, cols: usize) -> Vec<String> {
    let mark = if holds_words(step) { "P" } else { " " };
    let head = format!("{k:>2}{mark} {}", step.action.name());
    let place = step_where(sc, step);
    let one = format!("{head} {place}");
    if one.chars().count() <= cols {
        return vec![one];
    }
    let mut lines = vec![head];
    // Indented under the action, unless a long name needs the room to stay whole.
    // (Every step's rows are laid out on each redraw: the full-width wrap only when needed.)
    let indented = wrap_names(&place, cols.saturating_sub(4).max(8));
    let full = (indented.len() > 1).then(|| wrap_names(&place, cols));
    let (indent, wrapped) = match full {
        Some(full) if full.len() < indented.len() => (0, full),
        _ => (4, indented),
    };
    for l in wrapped {
        lines.push(format!("{}{l}", " ".repeat(indent)));
    }
    lines
}

/// The step list.
pub fn draw_list(pt: &mut Painter, run: &Run, shown: &Shown, cursor: &Cursor, scroll: &Scroll) {
    let ev = crate::viewer::controls::list_rect(&shown.layout);
    let k = shown.state.step;
    let steps = &run.trace.steps;
    pt.boxed(ev, p::PANEL, p::INK, 2.0, 0.1);
    let size = shown.fit.body_font();
    let line_h = size * 1.15;
    let play = if cursor.playing { "playing" } else { "paused" };
    pt.text(
        ev.x + 6.0,
        ev.y + 4.0,
        &format!("Steps ({play}, x{:.1})", cursor.speed),
        size,
        p::INK,
        0.2,
    );
    let cols = chars_fit(ev.w - 12.0, size);
    let rows: Vec<Vec<String>> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| row_lines(&run.scenario, i, s, cols))
        .collect();
    let height = |i: usize| rows[i].len() as f32 * line_h + 4.0;
    let top = ev.y + 30.0;
    let room = ev.bottom() - 4.0 - top;
    let start = list_start(scroll.list, k, steps.len(), room, height);
    let mut y = top;
    for (i, lines) in rows.iter().enumerate().skip(start) {
        let h = height(i);
        if y + h > top + room {
            break;
        }
        let current = i == k;
        let r = Rect::new(ev.x + 3.0, y, ev.w - 6.0, h - 2.0);
        let e = pt.rect(r, if current { p::HIGHLIGHT } else { p::PAPER }, 0.15);
        pt.commands.entity(e).insert(EventLine(i));
        let color = if current {
            p::INK
        } else if holds_words(&steps[i]) {
            p::PLAIN
        } else {
            p::INK
        };
        for (j, l) in lines.iter().enumerate() {
            pt.text(r.x + 3.0, y + 2.0 + j as f32 * line_h, l, size, color, 0.2);
        }
        y += h;
    }
}

/// The first row the list shows: where the wheel moved it (`wheel`), else following the
/// current step `k` a third of the way down, filling the list near the end.
fn list_start(
    wheel: Option<usize>,
    k: usize,
    n: usize,
    room: f32,
    height: impl Fn(usize) -> f32,
) -> usize {
    // Follow the current step (a third of the way down) unless the wheel moved the list.
    match wheel {
        Some(s) => s.min(n.saturating_sub(1)),
        None => {
            let mut start = k.min(n.saturating_sub(1));
            let mut used = 0.0;
            while start > 0 && used + height(start - 1) < room / 3.0 {
                used += height(start - 1);
                start -= 1;
            }
            // Near the end, fill the list rather than leave room under the last step.
            let mut below: f32 = (start..n).map(&height).sum();
            while start > 0 && below + height(start - 1) <= room {
                below += height(start - 1);
                start -= 1;
            }
            start
        }
    }
}

/// What one observer gets here, and why, from the core's reading.
fn reader_line(run: &Run, observer: usize, look: &Look, k: usize) -> String {
    let name = &run.scenario.observers[observer].name;
    let why = run.exposure.observers[observer]
        .reading(k)
        .map(|r| r.why.iter().skip(1).cloned().collect::<Vec<_>>().join("; "))
        .unwrap_or_default();
    let what = match look {
        Look::Words(_) => "READS the words".to_string(),
        Look::Sealed { .. } => "sees only ciphertext".to_string(),
        Look::Keys { said, .. } => format!("gets keys: {said}"),
        Look::Code(c) => format!("sees the code: {c}"),
        Look::Metadata => "gets metadata".to_string(),
    };
    if why.is_empty() {
        format!("{name}: {what}")
    } else {
        format!("{name}: {what} ({})", ascii(&why))
    }
}

/// The inspector: every line whole, wrapped to its width, scrolled from `offset`. While the
/// class predicts (`hide`), the list of who reaches the bytes and what they get is left out.
pub fn draw_inspector(pt: &mut Painter, run: &Run, shown: &Shown, offset: usize, hide: bool) {
    let ins = shown.layout.inspector;
    pt.boxed(ins, p::PAPER, p::INK, 2.0, 0.1);
    let k = shown.state.step;
    let Some(step) = run.trace.steps.get(k) else {
        return;
    };
    let sightings = if hide {
        None
    } else {
        Some(&shown.state.sightings[..])
    };
    let items = inspector_items(run, k, step, sightings);
    let size = shown.fit.body_font();
    let line_h = size * 1.15;
    let lines = wrap_items(items, chars_fit(ins.w - 16.0, size));
    let rows = ((ins.h - 8.0) / line_h).floor().max(2.0) as usize;
    for (i, (l, color)) in scrolled(lines, rows, offset).iter().enumerate() {
        pt.text(
            ins.x + 8.0,
            ins.y + 4.0 + i as f32 * line_h,
            l,
            size,
            *color,
            0.2,
        );
    }
}

/// The inspector's items, each with its colour: the step's sentence, its bytes, their
/// metadata, and every observer who reaches them (nested).
fn inspector_items(run: &Run, k: usize, step: &Step, sightings: Option<&[Sighting]>) -> Vec<Item> {
    let bytes_color = if holds_words(step) {
        p::PLAIN
    } else {
        p::SEALED
    };
    let mut items: Vec<Item> = vec![
        Item::top(
            format!(
                "Step {k}: {}. {}",
                step_brief(&run.scenario, step),
                ascii(&step.note)
            ),
            p::INK,
        ),
        Item::top(
            format!("Bytes: {}", ascii(&report::describe_bytes(step))),
            bytes_color,
        ),
        Item::top(metadata_line(run, k), p::MUTED),
    ];
    let Some(sightings) = sightings else {
        items.push(Item::top(
            "Who reaches these bytes here, and what they get: hidden until Reveal".into(),
            p::INK,
        ));
        return items;
    };
    if sightings.is_empty() {
        let none = "Who reaches these bytes here: no observer";
        items.push(Item::top(none.into(), p::INK));
    } else {
        let head = format!("Who reaches these bytes here ({}):", sightings.len());
        items.push(Item::top(head, p::INK));
        for s in sightings {
            items.push(Item {
                text: reader_line(run, s.observer, &s.look, k),
                color: p::INK,
                nested: true,
            });
        }
    }
    items
}

/// One inspector item: its text, its colour, and whether it sits under the item before it (an
/// observer under "Who reaches these bytes here"). Typed, so the wrapping never has to read the
/// structure back from the text.
struct Item {
    text: String,
    color: Color,
    nested: bool,
}

impl Item {
    /// A top-level item.
    fn top(text: String, color: Color) -> Self {
        Item {
            text,
            color,
            nested: false,
        }
    }
}

/// Items wrapped to `cols`; a nested item is indented two spaces and its continuation lines go
/// under its words (four).
fn wrap_items(items: Vec<Item>, cols: usize) -> Vec<(String, Color)> {
    let mut lines = Vec::new();
    for item in items {
        let (first, rest) = if item.nested {
            ("  ", "    ")
        } else {
            ("", "")
        };
        for (i, l) in wrap(&item.text, cols.saturating_sub(rest.len()))
            .into_iter()
            .enumerate()
        {
            let indent = if i == 0 { first } else { rest };
            lines.push((format!("{indent}{l}"), item.color));
        }
    }
    lines
}

/// The metadata a step's bytes carry in the clear.
fn metadata_line(run: &Run, k: usize) -> String {
    let step = &run.trace.steps[k];
    // On a wire the connection itself shows its endpoints (addresses, TLS server name).
    let ends = match step.travel {
        Some((a, b)) => format!(
            "; endpoints {} -> {}",
            run.scenario.node_name(a),
            run.scenario.node_name(b)
        ),
        None => String::new(),
    };
    if let Some(h) = layers::header(&step.layers) {
        let from = if h.sender.is_empty() {
            "(sealed sender)"
        } else {
            &h.sender
        };
        return format!(
            "Metadata in the clear: from {from}, to {}, sent at t={}, {} bytes{ends}",
            h.recipients.join(", "),
            h.time,
            step.bytes.len()
        );
    }
    let tls = step
        .layers
        .iter()
        .any(|l| matches!(l, CoreLayer::Tls { .. }));
    match step.travel {
        Some((a, b)) if tls => format!(
            "Metadata: the post's header is inside TLS; the endpoints show {} talking to {}, {} bytes, at t={}",
            run.scenario.node_name(a),
            run.scenario.node_name(b),
            step.bytes.len(),
            step.time
        ),
        _ if step.layers.is_empty() => "Metadata: none in these bytes".into(),
        _ => format!("Metadata: {} bytes of key material", step.bytes.len()),
    }
}
