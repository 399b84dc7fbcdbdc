//! The header (title, model, "viewing as", the step's caption, bytes on the wire), the event
//! list (one line per step, the current one highlighted) and the inspector (the exact bytes at
//! the current place, their metadata, and who could read them there and why).

use bevy::prelude::*;
use bevy::sprite::Anchor;

use crate::Run;
use crate::report;
use crate::viewer::draw::{Layer, Painter, clear, palette as p};
use crate::viewer::exercise::{ExerciseMode, predicting};
use crate::viewer::layout::{CHAR_W, Rect, chars_fit};
use crate::viewer::panel::Panel;
use crate::viewer::playback::{Cursor, Runs, Scroll, Shown, ViewOptions};
use crate::viewer::state::viewing_as_line;
pub use crate::viewer::text::wrap;

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
    let exercise_title = exercise
        .as_deref()
        .filter(|_| *panel.get() == Panel::Exercise)
        .and_then(|m| m.loaded.as_ref())
        .map(|l| format!("{} ({})", l.file.title, l.name));
    let run = runs.run();
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Panels,
    };
    if shown.layout.presenter {
        draw_presenter(&mut pt, &runs, &shown, &options, hide);
        return;
    }
    draw_header(
        &mut pt,
        &runs,
        &shown,
        &options,
        (hide, exercise_title.as_deref()),
    );
    crate::viewer::steps::draw_list(&mut pt, run, &shown, &cursor, &scroll);
    crate::viewer::steps::draw_inspector(&mut pt, run, &shown, scroll.inspector, hide);
    crate::viewer::controls::draw(&mut pt, &shown.layout, cursor.playing, *panel.get());
}

/// The model shown, said truthfully: the scenario's title describes it under its own model, so
/// when M re-ran it under another, the header says so (`plain-web scene, run as e2e`).
pub fn model_line(run: &Run) -> String {
    let shown = run.trace.protection;
    let own = run.scenario.protection.model;
    if shown.model == own {
        format!("model: {}", shown.label())
    } else {
        format!("{} scene, run as {}", own.name(), shown.label())
    }
}

/// The largest size from `size` down to `min` at which `text` fits `width` on one line, if any.
fn one_line_size(text: &str, width: f32, size: f32, min: f32) -> Option<f32> {
    let mut s = size;
    while chars_fit(width, s) < text.chars().count() {
        if s <= min {
            return None;
        }
        s -= 0.5;
    }
    Some(s)
}

/// The smallest text the viewer draws at 1280 x 720, for the back row of a classroom.
pub const MIN_TEXT: f32 = 18.0;
/// The header's depth: over the top of the stage when a long sentence makes it grow.
const HZ: f32 = 8.0;

/// The header: title and model, the "viewing as" band (the ACTIVE RUN banner while acting),
/// the step's sentence and bytes so far. Every sentence is whole: the band and the sentence
/// wrap at 18 px, and the header grows over the top of the stage when they need more lines
/// than it has.
fn draw_header(
    pt: &mut Painter,
    runs: &Runs,
    shown: &Shown,
    options: &ViewOptions,
    (hide, exercise): (bool, Option<&str>),
) {
    let run = runs.run();
    let h = shown.layout.header;
    let (viewing, fill) = match (exercise, options.observer, runs.acting) {
        // With an exercise open and no one viewed, the band names the exercise.
        (Some(title), None, None) if hide => (
            format!("Exercise: {title}. Predict, then Reveal: the answer is hidden until then"),
            p::PANEL,
        ),
        (Some(title), None, None) => (format!("Exercise: {title}. Revealed"), p::PANEL),
        _ => viewing_text(runs, options, hide),
    };
    let line_h = MIN_TEXT * 1.15;
    let band_lines = wrap(&viewing, chars_fit(h.w - 20.0, MIN_TEXT));
    let caption = header_caption_text(run, shown);
    let wire = format!("on the wire: {} B", shown.state.wire_bytes);
    let wire_w = wire.len() as f32 * MIN_TEXT * CHAR_W + 16.0;
    let caption_lines = wrap(&caption, chars_fit(h.w - 16.0 - wire_w, MIN_TEXT));
    let band_h = band_lines.len() as f32 * line_h + 6.0;
    let band = Rect::new(h.x + 4.0, h.y + 32.0, h.w - 8.0, band_h);
    let caption_y = band.bottom() + 4.0;
    let bottom = caption_y + caption_lines.len() as f32 * line_h + 4.0;
    pt.rect(
        Rect::new(h.x, h.y, h.w, bottom.max(h.bottom()) - h.y),
        p::INK,
        HZ,
    );
    header_title(pt, run, h);
    pt.rect(band, fill, HZ + 0.05);
    for (i, l) in band_lines.iter().enumerate().rev() {
        let e = pt.text(
            band.x + 6.0,
            band.y + 3.0 + i as f32 * line_h,
            l,
            MIN_TEXT,
            p::INK,
            HZ + 0.1,
        );
        if i == 0 {
            pt.commands
                .entity(e)
                .insert(ViewingAsHeader(viewing.clone()));
        }
    }
    for (i, l) in caption_lines.iter().enumerate() {
        pt.text(
            h.x + 8.0,
            caption_y + i as f32 * line_h,
            l,
            MIN_TEXT,
            p::PAPER,
            HZ + 0.1,
        );
    }
    pt.text_anchored(
        h.right() - 8.0,
        caption_y,
        &wire,
        MIN_TEXT,
        p::PAPER,
        Anchor::TOP_RIGHT,
        HZ + 0.1,
    );
}

/// The scenario's title, as large as fits beside the model line at the header's right (never
/// under 18 px; a title too long for that wraps under the model line... which no shipped
/// scene needs: a test draws them all).
fn header_title(pt: &mut Painter, run: &Run, h: Rect) {
    let model = model_line(run);
    let model_w = model.chars().count() as f32 * 24.0 * CHAR_W + 24.0;
    let room = h.w - 16.0 - model_w;
    let size = one_line_size(&run.scenario.title, room, 24.0, MIN_TEXT).unwrap_or(MIN_TEXT);
    pt.text(
        h.x + 8.0,
        h.y + 4.0 + (24.0 - size) / 2.0,
        &run.scenario.title,
        size,
        p::PAPER,
        HZ + 0.1,
    );
    pt.text_anchored(
        h.right() - 8.0,
        h.y + 4.0,
        &model,
        24.0,
        p::HIGHLIGHT,
        Anchor::TOP_RIGHT,
        HZ + 0.1,
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
                "ACTIVE RUN: {} uses its powers (A: back to the honest run) and {}",
                name(a),
                // "The state: reads 1 of 1 message; ..." without the name said just before.
                viewing_as_line(run, a)
                    .strip_prefix(&format!("{}: ", name(a)))
                    .map_or_else(|| viewing_as_line(run, a), str::to_string)
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

/// The header's last line: the step's sentence.
fn header_caption_text(run: &Run, shown: &Shown) -> String {
    let k = shown.state.step;
    let steps = &run.trace.steps;
    steps.get(k).map_or("no steps".to_string(), |s| {
        format!(
            "Step {k}/{}: {}",
            steps.len().saturating_sub(1),
            ascii(&s.note)
        )
    })
}

/// The presenter's caption under the network, in large type.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct PresenterCaption(pub String);

/// Presenter mode: a slim header, then under the network a box with, in order, the ACTIVE
/// RUN banner (a full-width bar, while acting), the step and who is viewed as, and the step's
/// one-sentence explanation (who can read there, from the exposure analysis) in large type.
/// Every sentence is whole: the explanation's type shrinks (never under 18 px) until it fits,
/// and the box grows up over the network if it still does not.
fn draw_presenter(pt: &mut Painter, runs: &Runs, shown: &Shown, options: &ViewOptions, hide: bool) {
    let run = runs.run();
    let l = &shown.layout;
    let h = l.header;
    pt.rect(h, p::INK, 0.1);
    presenter_title(pt, run, h);
    let c = l.caption;
    let width = c.w - 24.0;
    let small = 22.0;
    let banner = runs.acting.map(|_| viewing_text(runs, options, hide));
    let banner_lines = banner
        .as_ref()
        .map_or(Vec::new(), |(t, _)| wrap(t, chars_fit(width, small)));
    // While acting, the banner already says who is viewed as and what they get.
    let status_options = ViewOptions {
        observer: options.observer.filter(|_| runs.acting.is_none()),
        ..options.clone()
    };
    let (status, wire) = presenter_status_text(run, shown, &status_options, hide);
    let wire_w = wire.len() as f32 * small * CHAR_W + 24.0;
    let status_lines = wrap(&status, chars_fit(width - wire_w, small));
    let caption = presenter_caption_text(run, shown.state.step, hide);
    let fixed = (banner_lines.len() + status_lines.len()) as f32 * small * 1.2 + 24.0;
    let mut big = 28.0;
    let mut lines = wrap(&caption, chars_fit(width, big));
    while big > MIN_TEXT && fixed + lines.len() as f32 * big * 1.25 > c.h {
        big -= 1.0;
        lines = wrap(&caption, chars_fit(width, big));
    }
    let need = fixed + lines.len() as f32 * big * 1.25;
    let c = if need > c.h {
        Rect::new(c.x, c.bottom() - need, c.w, need)
    } else {
        c
    };
    let z = if need > l.caption.h { HZ } else { 0.1 };
    pt.boxed(c, p::PAPER, p::INK, 3.0, z);
    let mut y = c.y + 8.0;
    if let Some((_, fill)) = banner {
        let bar_h = banner_lines.len() as f32 * small * 1.2 + 6.0;
        pt.rect(
            Rect::new(c.x + 3.0, y - 5.0, c.w - 6.0, bar_h),
            fill,
            z + 0.05,
        );
        for (i, t) in banner_lines.iter().enumerate() {
            let e = pt.text(
                c.x + 12.0,
                y + i as f32 * small * 1.2,
                t,
                small,
                p::INK,
                z + 0.1,
            );
            if i == 0 {
                let whole = banner.as_ref().map(|(t, _)| t.clone()).unwrap_or_default();
                pt.commands.entity(e).insert(ViewingAsHeader(whole));
            }
        }
        y += bar_h;
    }
    for (i, t) in status_lines.iter().enumerate() {
        pt.text(
            c.x + 12.0,
            y + i as f32 * small * 1.2,
            t,
            small,
            p::MUTED,
            z + 0.1,
        );
    }
    pt.text_anchored(
        c.right() - 12.0,
        y,
        &wire,
        small,
        p::MUTED,
        Anchor::TOP_RIGHT,
        z + 0.1,
    );
    y += status_lines.len() as f32 * small * 1.2 + 6.0;
    let color = if run
        .trace
        .steps
        .get(shown.state.step)
        .is_some_and(crate::viewer::state::holds_words)
    {
        p::PLAIN
    } else {
        p::INK
    };
    for (i, line) in lines.iter().enumerate() {
        pt.text(
            c.x + 12.0,
            y + i as f32 * big * 1.25,
            line,
            big,
            color,
            z + 0.1,
        );
    }
    let e = pt.rect(Rect::new(c.x, c.y, 1.0, 1.0), p::PAPER, 0.05);
    pt.commands.entity(e).insert(PresenterCaption(caption));
}

/// The presenter's slim header: the title, as large as fits (never under 18 px), and the
/// model line.
fn presenter_title(pt: &mut Painter, run: &Run, h: Rect) {
    let model = model_line(run);
    let model_w = model.chars().count() as f32 * 26.0 * CHAR_W + 24.0;
    let room = h.w - 16.0 - model_w;
    let size = one_line_size(&run.scenario.title, room, 26.0, MIN_TEXT).unwrap_or(MIN_TEXT);
    pt.text_anchored(
        h.x + 8.0,
        h.center().1,
        &run.scenario.title,
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

/// The caption box's status: the step and who is viewed as; and the bytes on the wire.
fn presenter_status_text(
    run: &Run,
    shown: &Shown,
    options: &ViewOptions,
    hide: bool,
) -> (String, String) {
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
    (ascii(&status), wire)
}

/// Step `k`'s one-sentence explanation; while the class predicts (`hide`), only what happens,
/// not who can read there.
fn presenter_caption_text(run: &Run, k: usize, hide: bool) -> String {
    match run.trace.steps.get(k) {
        Some(s) if hide => format!("{}.", ascii(&s.note)),
        _ => ascii(&report::caption(run, k)),
    }
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
                        .or_else(resource_changed::<crate::viewer::playback::Scroll>)
                        .or_else(resource_changed::<ExerciseMode>)
                        .or_else(resource_changed::<State<Panel>>),
                ),
            ),)
                .in_set(crate::viewer::ViewerSet::Draw),
        );
    }
}
