//! The header's rows: the scene's title beside the model line, then (outside presenter mode)
//! the band that says who is viewed as (the ACTIVE RUN banner while acting) and the step's
//! sentence. Its height is fixed for a scene and model, so the stage under it never moves
//! while stepping: the band and the sentence get [`BAND_LINES`] and [`CAPTION_LINES`] lines
//! at 18 px, and what they say is chosen to fit (`draw/chrome.rs`), never cut.

use super::{CHAR_W, MIN_FONT, chars_fit};
use crate::scenario::Protection;
use crate::viewer::text::wrap;

/// One line of header text at 18 px, with its leading.
pub const LINE_H: f32 = MIN_FONT * 1.15;
/// Lines the "viewing as" band (the ACTIVE RUN banner) may take.
pub const BAND_LINES: usize = 2;
/// Lines the band and the step's sentence take together: the sentence has those the band
/// leaves.
pub const HEADER_LINES: usize = 4;
/// The title's size when it fits on one line, in the ordinary view and in presenter mode.
const TITLE: f32 = 24.0;
const PRESENTER_TITLE: f32 = 26.0;

/// The model shown, said truthfully: the scenario's title describes it under its own model, so
/// when M re-ran it under another, the header says so (`plain-web scene, run as e2e`).
pub fn model_line(own: &Protection, shown: &Protection) -> String {
    if shown.model == own.model {
        format!("model: {}", shown.label())
    } else {
        format!("{} scene, run as {}", own.model.name(), shown.label())
    }
}

/// The title row: the title as large as fits beside the model line (never under 18 px), and
/// wrapped at 18 px into as many lines as it needs when it does not fit on one.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleRow {
    /// The title's lines (one, unless it is long).
    pub lines: Vec<String>,
    /// The title's text size.
    pub size: f32,
    /// The model line, drawn at the row's right.
    pub model: String,
    /// The model line's text size.
    pub model_size: f32,
    /// The row's height.
    pub height: f32,
}

impl TitleRow {
    /// The title row for a `width`-wide header, in presenter mode or not.
    pub fn new(title: &str, model: &str, width: f32, presenter: bool) -> TitleRow {
        let big = if presenter { PRESENTER_TITLE } else { TITLE };
        let model = model.to_string();
        let model_size = largest(&model, width / 2.0, big).unwrap_or(MIN_FONT);
        let model_w = model.chars().count() as f32 * model_size * CHAR_W + 24.0;
        let room = width - 16.0 - model_w;
        let one_line = if presenter { 40.0 } else { big + 6.0 };
        match largest(title, room, big) {
            Some(size) => TitleRow {
                lines: vec![title.to_string()],
                size,
                model,
                model_size,
                height: one_line,
            },
            None => {
                let lines = wrap(title, chars_fit(room, MIN_FONT));
                let height = (6.0 + lines.len() as f32 * LINE_H).max(one_line);
                TitleRow {
                    lines,
                    size: MIN_FONT,
                    model,
                    model_size,
                    height,
                }
            }
        }
    }
}

/// The largest size from `big` down to 18 px at which `text` fits `width` on one line, if any.
fn largest(text: &str, width: f32, big: f32) -> Option<f32> {
    let mut s = big;
    while chars_fit(width, s) < text.chars().count() {
        if s <= MIN_FONT {
            return None;
        }
        s = (s - 0.5).max(MIN_FONT);
    }
    Some(s)
}

/// Room around the band's text (it is a filled bar).
pub const BAND_PAD: f32 = 4.0;
/// The gap between the band and the step's sentence.
pub const CAPTION_GAP: f32 = 2.0;

/// The whole header's height in the ordinary view: the title row, the band and the sentence.
pub fn height(title: &TitleRow) -> f32 {
    title.height + HEADER_LINES as f32 * LINE_H + BAND_PAD + CAPTION_GAP + 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_wraps_and_the_row_grows() {
        let short = TitleRow::new("E2e", "model: e2e", 1280.0, false);
        assert_eq!((short.lines.len(), short.size), (1, 24.0));
        let long = "A title a teacher wrote that goes on ".repeat(6);
        let row = TitleRow::new(&long, "plain-web scene, run as e2e (bagged)", 1280.0, false);
        assert!(row.lines.len() > 1 && row.height > short.height);
        assert_eq!(row.lines.join(" "), long.trim());
        let room = 1280.0 - 16.0 - (row.model.len() as f32 * row.model_size * CHAR_W + 24.0);
        assert!(
            row.lines
                .iter()
                .all(|l| l.chars().count() <= chars_fit(room, 18.0))
        );
    }
}
