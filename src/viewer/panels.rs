//! The header (title, model, "viewing as", the step's caption, bytes on the wire), the event
//! list (one line per step, the current one highlighted) and the inspector (the exact bytes at
//! the current place, their metadata, and who could read them there and why).

use bevy::prelude::*;
use bevy::sprite::Anchor;

use super::draw::{Layer, Painter, clear, palette as p};
use super::exercise_mode::{ExerciseMode, predicting};
use super::layout::{CHAR_W, FONT, Rect, chars_fit, fit};
use super::panel::Panel;
use super::playback::{Cursor, Runs, Scroll, Shown, ViewOptions};
use super::state::viewing_as_line;
pub use super::text::wrap;
use crate::Run;
use crate::report;

/// One line of the event list, for clicks: the step it shows.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLine(pub usize);

/// The header's "viewing as" line.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct ViewingAsHeader(pub String);

/// Report strings use typographic quotes and ellipses; the built-in font is ASCII.
/// A hex preview's `…` before its size becomes words (`9f3a (start of 171 bytes)`), so the
/// sample is never mistaken for a label cut short.
pub fn ascii(s: &str) -> String {
    s.replace(['\u{201c}', '\u{201d}'], "\"")
        .replace("\u{2026} (", " (start of ")
        .replace('\u{2026}', "..")
        .replace('\u{2192}', "->")
}

fn draw_panels(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
    (cursor, scroll, panel): (Res<Cursor>, Res<Scroll>, Res<State<Panel>>),
    exercise: Option<Res<ExerciseMode>>,
) {
    clear(&mut commands, &drawn, Layer::Panels);
    // While the class predicts, nothing here may answer the question: no reader list, no
    // "reads 1 of 2 messages", no caption naming who can read.
    let hide = predicting(exercise.as_deref(), Some(&panel));
    let run = runs.run();
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Panels,
    };
    if shown.layout.presenter {
        draw_presenter(&mut pt, run, &shown, &options, hide);
        return;
    }
    draw_header(&mut pt, &runs, &shown, &options, hide);
    super::steps::draw_list(&mut pt, run, &shown, &cursor, &scroll);
    super::steps::draw_inspector(&mut pt, run, &shown, scroll.inspector, hide);
    super::controls::draw(&mut pt, &shown.layout, cursor.playing, *panel.get());
}

/// The model shown, said truthfully: the scenario's title describes it under its own model, so
/// when M re-ran it under another, the header says so.
pub fn model_line(run: &Run) -> String {
    let shown = run.trace.protection;
    let own = run.scenario.protection.model;
    if shown.model == own {
        format!("model: {}", shown.label())
    } else {
        format!("re-run as {} (scene: {})", shown.label(), own.name())
    }
}

/// Text at the largest size from `size` down to `min` that fits `width` on one line; below
/// that, shortened by the stated rule ([`fit`]).
fn one_line(text: &str, width: f32, size: f32, min: f32) -> (String, f32) {
    let mut s = size;
    while s > min && chars_fit(width, s) < text.chars().count() {
        s -= 0.5;
    }
    (fit(text, chars_fit(width, s)), s)
}

/// The header: title and model, the "viewing as" band, the step's sentence and bytes so far.
fn draw_header(pt: &mut Painter, runs: &Runs, shown: &Shown, options: &ViewOptions, hide: bool) {
    let run = runs.run();
    let h = shown.layout.header;
    pt.rect(h, p::INK, 0.1);
    header_title(pt, run, h);
    viewing_band(pt, runs, options, h, hide);
    header_caption(pt, run, shown, h);
}

/// The scenario's title, as large as fits beside the model line at the header's right.
fn header_title(pt: &mut Painter, run: &Run, h: Rect) {
    let model = model_line(run);
    let model_w = model.chars().count() as f32 * 24.0 * CHAR_W + 24.0;
    let (title, size) = one_line(&run.scenario.title, h.w - 16.0 - model_w, 24.0, 16.0);
    pt.text(
        h.x + 8.0,
        h.y + 4.0 + (24.0 - size) / 2.0,
        &title,
        size,
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
}

/// What the "viewing as" band says, and its fill: the active run, the observer viewed as, or
/// the neutral view. While the class predicts (`hide`), what the observer gets is left out.
fn viewing_text(runs: &Runs, options: &ViewOptions, hide: bool) -> (String, Color) {
    let run = runs.run();
    let name = |o: usize| run.scenario.observers[o].name.clone();
    match (runs.acting, options.observer) {
        (Some(a), _) if hide => (
            format!(
                "ACTIVE RUN: {} uses its powers (A: back to the honest run). What they get: hidden until Reveal",
                name(a)
            ),
            p::HIGHLIGHT,
        ),
        (None, Some(o)) if hide => (
            format!("Viewing as {}. What they get: hidden until Reveal", name(o)),
            p::REACH,
        ),
        (None, None) if hide => (
            "Exercise: predict, then Reveal. Who reads is hidden until Reveal".to_string(),
            p::PANEL,
        ),
        (Some(a), _) => (
            format!(
                "ACTIVE RUN: {} uses its powers (A: back to the honest run). {}",
                run.scenario.observers[a].name,
                viewing_as_line(run, a)
            ),
            p::HIGHLIGHT,
        ),
        (None, Some(o)) => (format!("Viewing as {}", viewing_as_line(run, o)), p::REACH),
        (None, None) => (
            "Neutral view: every place shown. Tab: view as an observer; ?: help; A: let them act"
                .to_string(),
            p::PANEL,
        ),
    }
}

/// The "viewing as" band under the title: one line, or two whole lines when too long.
fn viewing_band(pt: &mut Painter, runs: &Runs, options: &ViewOptions, h: Rect, hide: bool) {
    let (viewing, fill) = viewing_text(runs, options, hide);
    let band = Rect::new(h.x + 4.0, h.y + 34.0, h.w - 8.0, 28.0);
    pt.rect(band, fill, 0.15);
    let e = if chars_fit(band.w - 12.0, 14.0) >= viewing.chars().count() {
        let (line, size) = one_line(&viewing, band.w - 12.0, 19.0, 14.0);
        pt.text(
            band.x + 6.0,
            band.y + (28.0 - size) / 2.0,
            &line,
            size,
            p::INK,
            0.2,
        )
    } else {
        // Too long for one line at 14 px: two lines, each whole.
        let size = 12.5;
        let lines = wrap(&viewing, chars_fit(band.w - 12.0, size));
        for (i, l) in lines.iter().enumerate().skip(1).take(1) {
            pt.text(
                band.x + 6.0,
                band.y + 1.0 + i as f32 * 13.0,
                l,
                size,
                p::INK,
                0.2,
            );
        }
        pt.text(band.x + 6.0, band.y + 1.0, &lines[0], size, p::INK, 0.2)
    };
    pt.commands
        .entity(e)
        .insert(ViewingAsHeader(viewing.clone()));
}

/// The header's last line: the step's sentence, and the bytes on the wire so far at its right.
fn header_caption(pt: &mut Painter, run: &Run, shown: &Shown, h: Rect) {
    let k = shown.state.step;
    let steps = &run.trace.steps;
    let caption = steps.get(k).map_or("no steps".to_string(), |s| {
        format!(
            "Step {k}/{}: {}",
            steps.len().saturating_sub(1),
            ascii(&s.note)
        )
    });
    let wire = format!("on the wire: {} B", shown.state.wire_bytes);
    let wire_w = wire.len() as f32 * FONT * CHAR_W + 16.0;
    let (caption, size) = one_line(&caption, h.w - 16.0 - wire_w, FONT, 13.0);
    pt.text(h.x + 8.0, h.y + 68.0, &caption, size, p::PAPER, 0.2);
    pt.text_anchored(
        h.right() - 8.0,
        h.y + 68.0,
        &wire,
        FONT,
        p::PAPER,
        Anchor::TOP_RIGHT,
        0.2,
    );
}

/// The presenter's caption under the network, in large type.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct PresenterCaption(pub String);

/// Presenter mode: a slim header, and the step's one-sentence explanation (who can read
/// there, from the exposure analysis) in large type instead of the event list and inspector.
fn draw_presenter(pt: &mut Painter, run: &Run, shown: &Shown, options: &ViewOptions, hide: bool) {
    let l = &shown.layout;
    let h = l.header;
    pt.rect(h, p::INK, 0.1);
    presenter_title(pt, run, h);
    let c = l.caption;
    pt.boxed(c, p::PAPER, p::INK, 3.0, 0.1);
    presenter_status(pt, run, shown, options, c, hide);
    presenter_caption(pt, run, shown.state.step, c, hide);
}

/// The presenter's slim header: the title, as large as fits, and the model line.
fn presenter_title(pt: &mut Painter, run: &Run, h: Rect) {
    let model = model_line(run);
    let model_w = model.chars().count() as f32 * 26.0 * CHAR_W + 24.0;
    let (title, size) = one_line(&run.scenario.title, h.w - 16.0 - model_w, 26.0, 16.0);
    pt.text_anchored(
        h.x + 8.0,
        h.center().1,
        &title,
        size,
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
}

/// The caption box's first line: the step, who is viewed as, and the bytes on the wire.
fn presenter_status(
    pt: &mut Painter,
    run: &Run,
    shown: &Shown,
    options: &ViewOptions,
    c: Rect,
    hide: bool,
) {
    let k = shown.state.step;
    let steps = run.trace.steps.len().saturating_sub(1);
    let status = match options.observer {
        Some(o) if hide => format!(
            "Step {k} of {steps}. Viewing as {}",
            run.scenario.observers[o].name
        ),
        Some(o) => format!(
            "Step {k} of {steps}. Viewing as {}",
            viewing_as_line(run, o)
        ),
        None => format!("Step {k} of {steps}"),
    };
    let wire = format!("on the wire: {} B", shown.state.wire_bytes);
    let small = 22.0;
    let wire_w = wire.len() as f32 * small * CHAR_W + 24.0;
    let (status, small_fit) = one_line(&ascii(&status), c.w - 24.0 - wire_w, small, 14.0);
    pt.text(c.x + 12.0, c.y + 8.0, &status, small_fit, p::MUTED, 0.2);
    pt.text_anchored(
        c.right() - 12.0,
        c.y + 8.0,
        &wire,
        small,
        p::MUTED,
        Anchor::TOP_RIGHT,
        0.2,
    );
}

/// Step `k`'s one-sentence explanation in large type, up to three lines; while the class
/// predicts (`hide`), only what happens, not who can read there.
fn presenter_caption(pt: &mut Painter, run: &Run, k: usize, c: Rect, hide: bool) {
    let caption = match run.trace.steps.get(k) {
        Some(s) if hide => format!("{}.", ascii(&s.note)),
        _ => ascii(&report::caption(run, k)),
    };
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
                        .or_else(resource_changed::<super::playback::Scroll>)
                        .or_else(resource_changed::<ExerciseMode>)
                        .or_else(resource_changed::<State<Panel>>),
                ),
            ),)
                .in_set(super::ViewerSet::Draw),
        );
    }
}
