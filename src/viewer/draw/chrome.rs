//! The header (title, model, "viewing as", the step's caption, bytes on the wire), the event
//! list (one line per step, the current one highlighted) and the inspector (the exact bytes at
//! the current place, their metadata, and who could read them there and why).

use bevy::prelude::*;
use bevy::sprite::Anchor;

use crate::report;
use crate::viewer::draw::{Layer, Painter, clear, palette as p};
use crate::viewer::exercise::{ExerciseMode, predicting};
use crate::viewer::header::{Viewing, band, band_options, header_text};
use crate::viewer::layout::{
    BAND_LINES, BAND_PAD, CAPTION_GAP, CHAR_W, LINE_H, Rect, TitleRow, chars_fit,
};
use crate::viewer::panel::Panel;
use crate::viewer::playback::{Cursor, Runs, Scroll, Shown, ViewOptions};
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
    let viewing = Viewing {
        run,
        acting: runs.acting,
        observer: options.observer,
        hide,
        exercise: exercise_title.as_deref(),
    };
    if shown.layout.presenter {
        draw_presenter(&mut pt, &viewing, &shown);
        return;
    }
    draw_header(&mut pt, &viewing, &shown);
    crate::viewer::steps::draw_list(&mut pt, run, &shown, &cursor, &scroll);
    crate::viewer::steps::draw_inspector(&mut pt, run, &shown, scroll.inspector, hide);
    crate::viewer::controls::draw(&mut pt, &shown.layout, cursor.playing, *panel.get());
}

/// The smallest text the viewer draws at 1280 x 720, for the back row of a classroom.
pub const MIN_TEXT: f32 = 18.0;
/// The header's depth: above the stage's network (its lines never reach it; a test keeps them).
const HZ: f32 = 8.0;

/// The header: title and model, the "viewing as" band (the ACTIVE RUN banner while acting),
/// the step's sentence and bytes so far. Every text is whole and within the header's lines
/// (`draw/header.rs` picks the form that fits), so the stage under it is never covered.
fn draw_header(pt: &mut Painter, v: &Viewing, shown: &Shown) {
    let h = shown.layout.header;
    let t = header_text(v, shown.state.step, shown.state.wire_bytes);
    let line_h = LINE_H;
    pt.rect(h, p::INK, HZ);
    header_title(pt, &shown.layout.title, h);
    let band_h = t.band_lines.len() as f32 * line_h + BAND_PAD;
    let band = Rect::new(
        h.x + 4.0,
        h.y + shown.layout.title.height,
        h.w - 8.0,
        band_h,
    );
    pt.rect(band, t.fill, HZ + 0.05);
    for (i, l) in t.band_lines.iter().enumerate().rev() {
        let e = pt.text(
            band.x + 6.0,
            band.y + BAND_PAD / 2.0 + i as f32 * line_h,
            l,
            MIN_TEXT,
            p::INK,
            HZ + 0.1,
        );
        if i == 0 {
            pt.commands
                .entity(e)
                .insert(ViewingAsHeader(t.band.clone()));
        }
    }
    // Under the band's lines: the sentence has the lines the band leaves.
    let caption_y = band.bottom() + CAPTION_GAP;
    for (i, l) in t.caption_lines.iter().enumerate() {
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
        &t.wire,
        MIN_TEXT,
        p::PAPER,
        Anchor::TOP_RIGHT,
        HZ + 0.1,
    );
}

/// The title row: the scenario's title at the left (wrapped at 18 px when long), the model
/// line at the right.
fn header_title(pt: &mut Painter, row: &TitleRow, h: Rect) {
    for (i, l) in row.lines.iter().enumerate() {
        let y = match row.lines.len() {
            1 => h.y + 3.0 + (24.0 - row.size) / 2.0,
            _ => h.y + 3.0 + i as f32 * LINE_H,
        };
        pt.text(h.x + 8.0, y, l, row.size, p::PAPER, HZ + 0.1);
    }
    pt.text_anchored(
        h.right() - 8.0,
        h.y + 3.0,
        &row.model,
        row.model_size,
        p::HIGHLIGHT,
        Anchor::TOP_RIGHT,
        HZ + 0.1,
    );
}

/// The presenter's caption under the network, in large type.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct PresenterCaption(pub String);

/// Presenter mode: a slim header, then under the network a box with, in order, the ACTIVE
/// RUN banner (a full-width bar, while acting), the step and who is viewed as, and the step's
/// one-sentence explanation (who can read there, from the exposure analysis) in large type.
/// Every sentence is whole: the explanation's type shrinks (never under 18 px) until it fits,
/// and the box grows up over the network if it still does not.
fn draw_presenter(pt: &mut Painter, v: &Viewing, shown: &Shown) {
    let run = v.run;
    let l = &shown.layout;
    let h = l.header;
    pt.rect(h, p::INK, 0.1);
    presenter_title(pt, &l.title, h);
    let c = l.caption;
    let width = c.w - 24.0;
    let small = 22.0;
    let wire = format!("on the wire: {} B", shown.state.wire_bytes);
    let wire_w = wire.len() as f32 * small * CHAR_W + 24.0;
    let status = presenter_status_text(v, shown, chars_fit(width - wire_w, small));
    let status_lines = wrap(&status, chars_fit(width - wire_w, small));
    let (banner, caption, big, lines) =
        presenter_texts(v, shown.state.step, (width, c.h), status_lines.len());
    let banner_lines = banner.as_ref().map_or(Vec::new(), |(_, l, _)| l.clone());
    let fixed = (banner_lines.len() + status_lines.len()) as f32 * small * 1.2 + 24.0;
    let need = fixed + lines.len() as f32 * big * 1.25;
    let c = if need > c.h {
        Rect::new(c.x, c.bottom() - need, c.w, need)
    } else {
        c
    };
    let z = if need > l.caption.h { HZ } else { 0.1 };
    pt.boxed(c, p::PAPER, p::INK, 3.0, z);
    let mut y = c.y + 8.0;
    if let Some((whole, _, fill)) = banner {
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
                pt.commands.entity(e).insert(ViewingAsHeader(whole.clone()));
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

/// The presenter's slim header: the title, as large as fits (wrapped at 18 px when long), and
/// the model line.
fn presenter_title(pt: &mut Painter, row: &TitleRow, h: Rect) {
    let one = row.lines.len() == 1;
    for (i, l) in row.lines.iter().enumerate() {
        let (y, anchor) = match one {
            true => (h.center().1, Anchor::CENTER_LEFT),
            false => (h.y + 4.0 + i as f32 * LINE_H, Anchor::TOP_LEFT),
        };
        pt.text_anchored(h.x + 8.0, y, l, row.size, p::PAPER, anchor, 0.2);
    }
    let (y, anchor) = match one {
        true => (h.center().1, Anchor::CENTER_RIGHT),
        false => (h.y + 4.0, Anchor::TOP_RIGHT),
    };
    pt.text_anchored(
        h.right() - 8.0,
        y,
        &row.model,
        row.model_size,
        p::HIGHLIGHT,
        anchor,
        0.2,
    );
}

/// The caption box's status, on lines of `chars`: the step and who is viewed as (while
/// acting, the banner says it).
fn presenter_status_text(v: &Viewing, shown: &Shown, chars: usize) -> String {
    let k = shown.state.step;
    let steps = v.run.trace.steps.len().saturating_sub(1);
    let at = format!("Step {k} of {steps}");
    match (v.observer, v.acting) {
        (Some(_), None) => {
            let room = chars.saturating_sub(at.len() + 2);
            let (text, _, _) = band(v, room, BAND_LINES);
            ascii(&format!("{at}. {text}"))
        }
        _ => at,
    }
}

/// The ACTIVE RUN banner (while acting), and step `k`'s one-sentence explanation in large
/// type with its size and lines, for a caption box of `room` (width, height) whose status
/// takes `status` lines. While the class predicts (`hide`), the explanation says only what
/// happens, not who can read there. The sentence comes first: the banner says less (down to
/// one line) before the sentence gives way to what the step does and where, its whole
/// sentence left to the inspector.
fn presenter_texts(v: &Viewing, k: usize, room: (f32, f32), status: usize) -> PresenterTexts {
    let small = 22.0;
    let run = v.run;
    let banners: Vec<Option<(String, Vec<String>, Color)>> = match v.acting {
        Some(_) => {
            let (options, fill) = band_options(v, chars_fit(room.0, small));
            options
                .into_iter()
                .filter(|(_, l)| l.len() <= BAND_LINES)
                .map(|(t, l)| Some((t, l, fill)))
                .collect()
        }
        None => vec![None],
    };
    let whole = match run.trace.steps.get(k) {
        Some(s) if v.hide => format!("{}.", ascii(&s.note)),
        _ => ascii(&report::caption(run, k)),
    };
    let height = |b: &Option<(String, Vec<String>, Color)>| {
        let lines = b.as_ref().map_or(0, |b| b.1.len()) + status;
        room.1 - (lines as f32 * small * 1.2 + 24.0)
    };
    for b in &banners {
        if let Some((big, lines)) = large(&whole, (room.0, height(b))) {
            return (b.clone(), whole, big, lines);
        }
    }
    let last = banners.last().cloned().flatten();
    let brief = run.trace.steps.get(k).map_or(whole, |s| {
        format!(
            "{}. Its whole sentence is in the inspector (P: leave presenter mode)",
            ascii(&crate::viewer::steps::step_brief(&run.scenario, s))
        )
    });
    let (big, lines) = large(&brief, (room.0, height(&last)))
        .unwrap_or_else(|| (MIN_TEXT, wrap(&brief, chars_fit(room.0, MIN_TEXT))));
    (last, brief, big, lines)
}

/// The banner (its text, lines and fill), the explanation, its size and lines.
type PresenterTexts = (
    Option<(String, Vec<String>, Color)>,
    String,
    f32,
    Vec<String>,
);

/// The largest size from 28 px down to 18 at which `text` fits `room` (width, height), and
/// its lines; none if it does not fit even at 18 px.
fn large(text: &str, room: (f32, f32)) -> Option<(f32, Vec<String>)> {
    let mut big: f32 = 28.0;
    while big >= MIN_TEXT {
        let lines = wrap(text, chars_fit(room.0, big));
        if lines.len() as f32 * big * 1.25 <= room.1 {
            return Some((big, lines));
        }
        big -= 1.0;
    }
    None
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
