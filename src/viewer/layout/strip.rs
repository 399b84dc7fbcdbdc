//! The observer strip under the network: a chip per observer, two lines each, the strip only as
//! tall as it needs to be (at most a little over a third of the stage, the chips' text shrinking
//! to fit).

use super::Rect;

/// The strip and its chips.
pub(super) struct Strip {
    /// The whole strip, along the bottom of the stage.
    pub rect: Rect,
    /// Observer chips, by observer index.
    pub chips: Vec<Rect>,
    /// Text size in the chips.
    pub font: f32,
}

impl Strip {
    /// The strip for `n_obs` observers along the bottom of `stage`, at text size `font` when
    /// that fits.
    pub(super) fn new(n_obs: usize, presenter: bool, font: f32, stage: Rect) -> Strip {
        let cols = columns(n_obs, presenter);
        let rows = n_obs.div_ceil(cols).max(1);
        let mut chip_font = font;
        let mut chip_h = chip_font * 2.2 + 8.0;
        let mut strip_h = rows as f32 * (chip_h + 4.0) + 4.0;
        let max_strip = stage.h * 0.36;
        if strip_h > max_strip {
            strip_h = max_strip;
            chip_h = (strip_h - 4.0) / rows as f32 - 4.0;
            chip_font = ((chip_h - 8.0) / 2.2).max(8.0);
        }
        let rect = Rect::new(stage.x, stage.bottom() - strip_h, stage.w, strip_h);
        Strip {
            rect,
            chips: chips(rect, n_obs, cols, chip_h),
            font: chip_font,
        }
    }
}

/// How many chips sit side by side.
fn columns(n_obs: usize, presenter: bool) -> usize {
    match (n_obs, presenter) {
        (0..=3, _) => n_obs.max(1),
        // Three wide up to nine: names stay whole on the chips.
        (4..=9, _) => 3,
        (10..=12, false) => 4,
        (10..=15, true) => 5,
        _ => n_obs.div_ceil(3),
    }
}

/// The chips in `strip`, row by row, `cols` to a row, each `chip_h` tall.
fn chips(strip: Rect, n_obs: usize, cols: usize, chip_h: f32) -> Vec<Rect> {
    let cw = (strip.w - (cols as f32 + 1.0) * 6.0) / cols as f32;
    (0..n_obs)
        .map(|o| {
            let (r, c) = (o / cols, o % cols);
            Rect::new(
                strip.x + 6.0 + c as f32 * (cw + 6.0),
                strip.y + 4.0 + r as f32 * (chip_h + 4.0),
                cw,
                chip_h,
            )
        })
        .collect()
}
