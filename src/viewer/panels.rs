//! The header (title, model, "viewing as", the step's caption, bytes on the wire), the event
//! list (one line per step, the current one highlighted) and the inspector (the exact bytes at
//! the current place, their metadata, and who could read them there and why).

use bevy::prelude::*;
use bevy::sprite::Anchor;

use super::draw::{Layer, Painter, clear, palette as p};
use super::layout::{FONT, Rect, chars_fit, fit};
use super::playback::{Cursor, Runs, Shown, ViewOptions};
use super::state::{Look, viewing_as_line};
pub use super::text::wrap;
use crate::Run;
use crate::layers::{self, Layer as CoreLayer};
use crate::report;

/// One line of the event list, for clicks: the step it shows.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLine(pub usize);

/// The header's "viewing as" line.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct ViewingAsHeader(pub String);

/// Report strings use typographic quotes and ellipses; the built-in font is ASCII.
pub fn ascii(s: &str) -> String {
    s.replace(['\u{201c}', '\u{201d}'], "\"")
        .replace('\u{2026}', "..")
        .replace('\u{2192}', "->")
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

fn draw_panels(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
    cursor: Res<Cursor>,
) {
    clear(&mut commands, &drawn, Layer::Panels);
    let run = runs.run();
    let sc = &run.scenario;
    let l = &shown.layout;
    let k = shown.state.step;
    let steps = &run.trace.steps;
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Panels,
    };

    if l.presenter {
        draw_presenter(&mut pt, run, &shown, &options);
        return;
    }

    // Header.
    let h = l.header;
    pt.rect(h, p::INK, 0.1);
    let model = format!("model: {}", run.trace.protection.label());
    let right_n = model.len() + 2;
    let n = chars_fit(h.w - 16.0, 24.0).saturating_sub(right_n);
    pt.text(
        h.x + 8.0,
        h.y + 4.0,
        &fit(&sc.title, n),
        24.0,
        p::PAPER,
        0.2,
    );
    pt.text_anchored(
        h.right() - 8.0,
        h.y + 4.0,
        &model,
        24.0,
        p::HIGHLIGHT,
        Anchor::TOP_RIGHT,
        0.2,
    );
    let (viewing, fill, ink) = match (runs.acting, options.observer) {
        (Some(a), _) => (
            format!(
                "ACTIVE RUN: {} uses its powers (A: back to the honest run). {}",
                sc.observers[a].name,
                viewing_as_line(run, a)
            ),
            p::HIGHLIGHT,
            p::INK,
        ),
        (None, Some(o)) => (
            format!("Viewing as {}", viewing_as_line(run, o)),
            p::REACH,
            p::INK,
        ),
        (None, None) => (
            "Neutral view: every place shown. Tab: view as an observer; Esc: back; A: let them act"
                .to_string(),
            p::PANEL,
            p::INK,
        ),
    };
    let band = Rect::new(h.x + 4.0, h.y + 34.0, h.w - 8.0, 28.0);
    pt.rect(band, fill, 0.15);
    let e = pt.text(
        band.x + 6.0,
        band.y + 4.0,
        &fit(&viewing, chars_fit(band.w - 12.0, 19.0)),
        19.0,
        ink,
        0.2,
    );
    pt.commands
        .entity(e)
        .insert(ViewingAsHeader(viewing.clone()));
    let caption = steps.get(k).map_or("no steps".to_string(), |s| {
        format!(
            "Step {}/{}: {}",
            k,
            steps.len().saturating_sub(1),
            ascii(&s.note)
        )
    });
    let wire = format!("on the wire: {} B", shown.state.wire_bytes);
    let n = chars_fit(h.w - 16.0, FONT).saturating_sub(wire.len() + 2);
    pt.text(
        h.x + 8.0,
        h.y + 68.0,
        &fit(&caption, n),
        FONT,
        p::PAPER,
        0.2,
    );
    pt.text_anchored(
        h.right() - 8.0,
        h.y + 68.0,
        &wire,
        FONT,
        p::PAPER,
        Anchor::TOP_RIGHT,
        0.2,
    );

    // Event list.
    let ev = l.events;
    pt.boxed(ev, p::PANEL, p::INK, 2.0, 0.1);
    let play = if cursor.playing { "playing" } else { "paused" };
    pt.text(
        ev.x + 6.0,
        ev.y + 4.0,
        &format!("Steps ({play}, x{:.1})", cursor.speed),
        FONT,
        p::INK,
        0.2,
    );
    let line_h = 24.0;
    let rows = ((ev.h - 34.0) / line_h).floor().max(1.0) as usize;
    let start = k
        .saturating_sub(rows / 2)
        .min(steps.len().saturating_sub(rows));
    let n = chars_fit(ev.w - 12.0, FONT);
    for (row, s) in steps.iter().enumerate().skip(start).take(rows) {
        let y = ev.y + 30.0 + (row - start) as f32 * line_h;
        let r = Rect::new(ev.x + 3.0, y, ev.w - 6.0, line_h);
        let current = row == k;
        let e = pt.rect(r, if current { p::HIGHLIGHT } else { p::PANEL }, 0.15);
        pt.commands.entity(e).insert(EventLine(row));
        let plain = super::state::holds_words(s);
        let mark = if plain { "P" } else { " " };
        let line = format!(
            "{row:>2}{mark} {} {}",
            s.action.name(),
            sc.reach_label(s.place)
        );
        let color = if plain { p::PLAIN } else { p::INK };
        pt.text(
            r.x + 3.0,
            y + 2.0,
            &fit(&line, n),
            FONT,
            if current { p::INK } else { color },
            0.2,
        );
    }

    // Inspector.
    let ins = l.inspector;
    pt.boxed(ins, p::PAPER, p::INK, 2.0, 0.1);
    let Some(step) = steps.get(k) else {
        return;
    };
    let n = chars_fit(ins.w - 16.0, FONT);
    let detail = step
        .detail
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let msg = step
        .message
        .and_then(|m| sc.messages.get(m))
        .map_or(String::new(), |m| format!(" {}", m.id));
    let mut lines: Vec<(String, Color)> = vec![
        (
            format!(
                "Inspector: step {k} at {}{detail}: {}{msg}, {} bytes",
                sc.reach_label(step.place),
                step.action.name(),
                step.bytes.len()
            ),
            p::INK,
        ),
        (
            format!("Bytes: {}", ascii(&report::describe_bytes(step))),
            if super::state::holds_words(step) {
                p::PLAIN
            } else {
                p::SEALED
            },
        ),
        (metadata_line(run, k), p::MUTED),
    ];
    let readers: Vec<String> = shown
        .state
        .sightings
        .iter()
        .map(|s| {
            let name = &sc.observers[s.observer].name;
            let why = run.exposure.observers[s.observer]
                .reading(k)
                .map(|r| r.why.iter().skip(1).cloned().collect::<Vec<_>>().join("; "))
                .unwrap_or_default();
            let what = match &s.look {
                Look::Words(_) => "READS the words".to_string(),
                Look::Sealed { .. } => "sees only ciphertext".to_string(),
                Look::Keys(k) => format!("gets keys: {k}"),
                Look::Metadata => "gets metadata".to_string(),
            };
            if why.is_empty() {
                format!("{name}: {what}")
            } else {
                format!("{name}: {what} ({})", ascii(&why))
            }
        })
        .collect();
    if readers.is_empty() {
        lines.push((
            "Who reaches these bytes here: no observer in this scenario".into(),
            p::INK,
        ));
    } else {
        lines.push((
            "Who reaches these bytes here, and what they get:".into(),
            p::INK,
        ));
        let room = 2;
        for r in readers.iter().take(room) {
            lines.push((format!("  {r}"), p::INK));
        }
        if readers.len() > room {
            lines.push((
                format!("  and {} more (Tab to view as each)", readers.len() - room),
                p::MUTED,
            ));
        }
    }
    for (i, (line, color)) in lines.iter().take(6).enumerate() {
        pt.text(
            ins.x + 8.0,
            ins.y + 4.0 + i as f32 * 25.0,
            &fit(line, n),
            FONT,
            *color,
            0.2,
        );
    }
}

/// The presenter's caption under the network, in large type.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct PresenterCaption(pub String);

/// Presenter mode: a slim header, and the step's one-sentence explanation (who can read
/// there, from the exposure analysis) in large type instead of the event list and inspector.
fn draw_presenter(pt: &mut Painter, run: &Run, shown: &Shown, options: &ViewOptions) {
    let l = &shown.layout;
    let sc = &run.scenario;
    let k = shown.state.step;
    let h = l.header;
    pt.rect(h, p::INK, 0.1);
    let model = run.trace.protection.label();
    let n = chars_fit(h.w - 16.0, 26.0).saturating_sub(model.len() + 2);
    pt.text_anchored(
        h.x + 8.0,
        h.center().1,
        &fit(&sc.title, n),
        26.0,
        p::PAPER,
        Anchor::CENTER_LEFT,
        0.2,
    );
    pt.text_anchored(
        h.right() - 8.0,
        h.center().1,
        &model,
        26.0,
        p::HIGHLIGHT,
        Anchor::CENTER_RIGHT,
        0.2,
    );
    let c = l.caption;
    pt.boxed(c, p::PAPER, p::INK, 3.0, 0.1);
    let steps = run.trace.steps.len().saturating_sub(1);
    let status = match options.observer {
        Some(o) => format!(
            "Step {k} of {steps}. Viewing as {}",
            viewing_as_line(run, o)
        ),
        None => format!("Step {k} of {steps}"),
    };
    let wire = format!("on the wire: {} B", shown.state.wire_bytes);
    let small = 22.0;
    let n = chars_fit(c.w - 24.0, small).saturating_sub(wire.len() + 2);
    pt.text(
        c.x + 12.0,
        c.y + 8.0,
        &fit(&ascii(&status), n),
        small,
        p::MUTED,
        0.2,
    );
    pt.text_anchored(
        c.right() - 12.0,
        c.y + 8.0,
        &wire,
        small,
        p::MUTED,
        Anchor::TOP_RIGHT,
        0.2,
    );
    let caption = ascii(&report::caption(run, k));
    let big = 28.0;
    let lines = wrap(&caption, chars_fit(c.w - 24.0, big));
    let color = if run
        .trace
        .steps
        .get(k)
        .is_some_and(super::state::holds_words)
    {
        p::PLAIN
    } else {
        p::INK
    };
    for (i, line) in lines.iter().take(3).enumerate() {
        pt.text(
            c.x + 12.0,
            c.y + 42.0 + i as f32 * big * 1.3,
            line,
            big,
            color,
            0.2,
        );
    }
    let e = pt.rect(Rect::new(c.x, c.y, 1.0, 1.0), p::PAPER, 0.05);
    pt.commands.entity(e).insert(PresenterCaption(caption));
}

/// The panels plugin: header, event list, inspector.
pub struct PanelsPlugin;

impl Plugin for PanelsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (draw_panels.run_if(
                resource_exists::<Shown>.and_then(
                    resource_changed::<Shown>
                        .or_else(resource_changed::<Cursor>)
                        .or_else(resource_changed::<super::playback::Scroll>),
                ),
            ),)
                .in_set(super::ViewerSet::Draw),
        );
    }
}
