//! What the header says: the "viewing as" band (the ACTIVE RUN banner while an observer acts,
//! the exercise while the class predicts) and the step's sentence. The header has a fixed
//! number of lines for each (`layout/header.rs`), so the stage never moves and is never
//! covered; each text is chosen whole from longer to shorter forms until one fits: every place
//! named, then the observer's short name, then places counted; the step's own sentence, then
//! what it does and where, with the whole sentence left to the inspector below.

use bevy::prelude::*;

use crate::Run;
use crate::viewer::chrome::ascii;
use crate::viewer::draw::palette as p;
use crate::viewer::layout::{BAND_LINES, CHAR_W, HEADER_LINES, MIN_FONT, VW, chars_fit};
use crate::viewer::state::Reached;
use crate::viewer::text::{wrap, wrap_after};

/// Who and what the header is about.
#[derive(Debug, Clone, Copy)]
pub struct Viewing<'a> {
    /// The run shown: the active one while an observer acts.
    pub run: &'a Run,
    /// The observer acting, if any.
    pub acting: Option<usize>,
    /// The observer viewed as, if any.
    pub observer: Option<usize>,
    /// The class is predicting: nothing may say what an observer gets.
    pub hide: bool,
    /// The open exercise's title, if any.
    pub exercise: Option<&'a str>,
}

/// The header's two texts at one step, each whole and within its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderText {
    /// The band: who is viewed as, or the ACTIVE RUN banner.
    pub band: String,
    /// The band's lines at 18 px.
    pub band_lines: Vec<String>,
    /// The band's fill.
    pub fill: Color,
    /// The step's sentence.
    pub caption: String,
    /// Its lines at 18 px, beside `wire`.
    pub caption_lines: Vec<String>,
    /// Bytes on the wire so far.
    pub wire: String,
}

/// Characters on one band line at 18 px.
pub fn band_chars() -> usize {
    chars_fit(VW - 20.0, MIN_FONT)
}

/// The width the bytes-on-the-wire figure takes at the caption's right.
pub fn wire_width(wire: &str) -> f32 {
    wire.chars().count() as f32 * MIN_FONT * CHAR_W + 16.0
}

/// The caption's lines: the first beside the bytes on the wire, the rest the header's width.
fn caption_lines(text: &str, wire: &str) -> Vec<String> {
    let first = chars_fit(VW - 16.0 - wire_width(wire), MIN_FONT);
    wrap_after(text, first, chars_fit(VW - 16.0, MIN_FONT))
}

/// The band's forms, each with its lines at `chars` a line, longest first, and its fill.
pub fn band_options(v: &Viewing, chars: usize) -> (Vec<(String, Vec<String>)>, Color) {
    let (forms, fill) = band_forms(v);
    let wrapped = forms
        .into_iter()
        .map(|f| {
            let lines = wrap(&f, chars);
            (f, lines)
        })
        .collect();
    (wrapped, fill)
}

/// The band's text, the first of its forms that wraps into `lines` lines of `chars` (else
/// the shortest); its lines; its fill.
pub fn band(v: &Viewing, chars: usize, lines: usize) -> (String, Vec<String>, Color) {
    let (options, fill) = band_options(v, chars);
    let n = options.len();
    let (text, wrapped) = options
        .into_iter()
        .enumerate()
        .find(|(i, (_, l))| l.len() <= lines || i + 1 == n)
        .map(|(_, o)| o)
        .unwrap_or_default();
    (text, wrapped, fill)
}

/// What the header says at step `k`, `wire_bytes` on the wire so far. The step's sentence
/// comes first: the band says less (down to one line) before the sentence gives way to what
/// the step does and where.
pub fn header_text(v: &Viewing, k: usize, wire_bytes: usize) -> HeaderText {
    let wire = format!("on the wire: {wire_bytes} B");
    let (bands, fill) = band_options(v, band_chars());
    let captions: Vec<(String, Vec<String>)> = caption_forms(v.run, k)
        .into_iter()
        .map(|c| {
            let lines = caption_lines(&c, &wire);
            (c, lines)
        })
        .collect();
    let fits =
        |b: &[String], c: &[String]| b.len() <= BAND_LINES && b.len() + c.len() <= HEADER_LINES;
    let chosen = captions
        .iter()
        .find_map(|c| bands.iter().find(|b| fits(&b.1, &c.1)).map(|b| (b, c)));
    // The shortest of each, if even those do not fit (a test keeps every shipped scene and a
    // scene of the longest names within the lines).
    let (b, c) = chosen.unwrap_or((&bands[bands.len() - 1], &captions[captions.len() - 1]));
    HeaderText {
        band: b.0.clone(),
        band_lines: b.1.clone(),
        fill,
        caption: c.0.clone(),
        caption_lines: c.1.clone(),
        wire,
    }
}

/// The band's forms, longest first, and its fill.
fn band_forms(v: &Viewing) -> (Vec<String>, Color) {
    let sc = &v.run.scenario;
    // The whole name first, then the short one (`short:` in the scene).
    let names = |o: usize| {
        let ob = &sc.observers[o];
        [ob.name.clone(), ob.short_name().to_string()]
    };
    // Every place named under each name, then places counted, then what they read, under
    // the short one.
    let tiers = |o: usize, form: &dyn Fn(&str, String) -> String| {
        let [long, short] = names(o);
        let Some(r) = Reached::of(v.run, o) else {
            return vec![form(&long, String::new())];
        };
        vec![
            form(&long, r.said(true)),
            form(&short, r.said(true)),
            form(&short, r.said(false)),
            form(&short, r.reads_line()),
        ]
    };
    let hidden = |o: usize, lead: &str, rest: &str| {
        names(o)
            .map(|n| format!("{lead}{n}{rest}. What they get: hidden until Reveal"))
            .to_vec()
    };
    match (v.exercise, v.observer, v.acting) {
        (Some(title), None, None) if v.hide => (
            vec![
                format!("Exercise: {title}. Predict, then Reveal: the answer is hidden until then"),
                "Exercise: predict, then Reveal: the answer is hidden until then".into(),
            ],
            p::PANEL,
        ),
        (Some(title), None, None) => (
            vec![
                format!("Exercise: {title}. Revealed"),
                "Exercise: revealed".into(),
            ],
            p::PANEL,
        ),
        (_, _, Some(a)) if v.hide => (
            hidden(
                a,
                "ACTIVE RUN: ",
                " uses its powers (A: back to the honest run)",
            ),
            p::HIGHLIGHT,
        ),
        (_, Some(o), None) if v.hide => (hidden(o, "Viewing as ", ""), p::REACH),
        (_, None, None) if v.hide => (
            vec!["Exercise: predict, then Reveal. Who reads is hidden until Reveal".into()],
            p::PANEL,
        ),
        (_, _, Some(a)) => (
            tiers(a, &|n, s| {
                format!("ACTIVE RUN: {n} uses its powers (A: back to the honest run) and {s}")
            }),
            p::HIGHLIGHT,
        ),
        (_, Some(o), None) => (
            tiers(o, &|n, s| format!("Viewing as {n}: {s}")),
            p::REACH,
        ),
        (_, None, None) => (
            vec![
                "Neutral view: every place shown. Tab: view as an observer; ?: help; A: let them act"
                    .into(),
            ],
            p::PANEL,
        ),
    }
}

/// The caption's forms, longest first: the step's sentence; what it does, where, with the
/// sentence left to the inspector; the step alone.
fn caption_forms(run: &Run, k: usize) -> Vec<String> {
    let steps = &run.trace.steps;
    let Some(s) = steps.get(k) else {
        return vec!["no steps".into()];
    };
    let at = format!("Step {k}/{}", steps.len().saturating_sub(1));
    vec![
        format!("{at}: {}", ascii(&s.note)),
        format!(
            "{at}: {}. Its whole sentence is in the inspector below",
            ascii(&crate::viewer::steps::step_brief(&run.scenario, s))
        ),
        format!("{at}: its whole sentence is in the inspector below"),
    ]
}
