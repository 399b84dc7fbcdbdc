//! What the panels drawn beside the network (what-if, exercise, designer) share: redrawing
//! only when something changed and only while open ([`SideDraw::begin`]), a titled column in
//! the event list's place ([`titled_column`]), wrapped text ([`Para`]), and buttons with a
//! one-line ([`button`]) or wrapped ([`TallButton`]) label.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::viewer::draw::{Layer, Painter, clear, palette as p};
use crate::viewer::layout::{Layout, Rect, chars_fit};
use crate::viewer::panel::{Panel, TITLE_H};
use crate::viewer::playback::Shown;

/// What every side panel's drawing system reads besides its own state.
#[derive(SystemParam)]
pub struct SideDraw<'w, 's> {
    commands: Commands<'w, 's>,
    drawn: Query<'w, 's, (Entity, &'static Layer)>,
    shown: Option<Res<'w, Shown>>,
    state: Res<'w, State<Panel>>,
}

impl<'w, 's> SideDraw<'w, 's> {
    /// Starts drawing `panel` on `layer`. Nothing is done until something is shown and either
    /// `changed` (the panel's own state), what is shown or the open panel changed; then the
    /// layer is cleared and `forget` forgets the old buttons, and unless `panel` is open there
    /// is nothing more to draw (`None`).
    pub fn begin(
        &mut self,
        panel: Panel,
        layer: Layer,
        changed: bool,
        forget: impl FnOnce(),
    ) -> Option<(Painter<'_, 'w, 's>, &Shown)> {
        let shown = self.shown.as_ref()?;
        if !(changed || shown.is_changed() || self.state.is_changed()) {
            return None;
        }
        clear(&mut self.commands, &self.drawn, layer);
        forget();
        if *self.state.get() != panel {
            return None;
        }
        let pt = Painter {
            commands: &mut self.commands,
            fit: shown.fit,
            layer,
        };
        Some((pt, &**shown))
    }
}

/// The boxed column `col` at depth `z`, with a title bar: `name`, the key that closes the
/// panel, and a `Close` button.
pub fn titled_column(pt: &mut Painter, col: Rect, panel: Panel, name: &str, z: f32) {
    pt.boxed(col, p::PAPER, p::INK, 3.0, z);
    let bar = Rect::new(col.x, col.y, col.w, TITLE_H);
    crate::viewer::panel::title_bar(pt, bar, panel, name, z + 0.05);
}

/// The column a side panel (what-if, exercise, designer) is drawn in: the step list's place,
/// less the row of buttons kept under it (Back, Play, Step, Close), so a pen is never stuck.
pub fn column(layout: &Layout) -> Rect {
    let ev = layout.events;
    let bar = crate::viewer::controls::bar(layout, crate::viewer::controls::SIDE_BUTTONS);
    Rect::new(ev.x, ev.y, ev.w, bar.y - ev.y)
}

/// Whether a click at (x, y) is a side panel's own: in its column under the title bar (the
/// title bar's close button and the buttons under the column are everyone's).
pub fn owns_click(layout: &Layout, x: f32, y: f32) -> bool {
    let col = column(layout);
    let body = Rect::new(col.x, col.y + TITLE_H, col.w, col.h - TITLE_H);
    inside(&body, x, y)
}

/// A button at depth `z` (its label above it) with a one-line label, shortened to fit.
pub fn button(pt: &mut Painter, r: Rect, label: &str, size: f32, z: f32) {
    pt.boxed(r, p::PANEL, p::INK, 2.0, z + 0.1);
    let n = chars_fit(r.w - 8.0, size);
    pt.fitted((r.x + 5.0, r.y + 5.0), label, n, size, p::INK, z + 0.2);
}

/// How a button whose label wraps is drawn: as tall as its lines.
pub struct TallButton {
    /// The label's text size.
    pub size: f32,
    /// One line's height.
    pub line_h: f32,
    /// Where the first line starts, from the button's corner.
    pub inset: (f32, f32),
    /// The button's width less the label's.
    pub margin: f32,
    /// The button's height less its lines'.
    pub pad: f32,
}

impl TallButton {
    /// Draws one at (x, y), `w` wide, filled with `fill` and outlined `t` thick, at depth `z`
    /// (its label above it); returns its rectangle.
    pub fn draw(
        &self,
        pt: &mut Painter,
        (x, y, w): (f32, f32, f32),
        label: &str,
        (fill, t): (Color, f32),
        z: f32,
    ) -> Rect {
        let lines = wrap(label, chars_fit(w - self.margin, self.size));
        let h = lines.len() as f32 * self.line_h + self.pad;
        let r = Rect::new(x, y, w, h);
        pt.boxed(r, fill, p::INK, t, z + 0.1);
        let (dx, dy) = self.inset;
        for (i, line) in lines.iter().enumerate() {
            let ly = r.y + dy + i as f32 * self.line_h;
            pt.text(r.x + dx, ly, line, self.size, p::INK, z + 0.2);
        }
        r
    }
}

/// How a block of wrapped text is drawn.
pub struct Para {
    /// Its left edge.
    pub x: f32,
    /// The width its lines wrap to.
    pub width: f32,
    /// Its text size.
    pub size: f32,
    /// One line's height.
    pub line_h: f32,
    /// No line starts below this.
    pub stop: f32,
    /// Its depth.
    pub z: f32,
}

impl Para {
    /// A block in column `col` (8 pixels in from each side) that never stops.
    pub fn in_column(col: Rect, size: f32, line_h: f32, z: f32) -> Para {
        Para {
            x: col.x + 8.0,
            width: col.w - 16.0,
            size,
            line_h,
            stop: f32::INFINITY,
            z,
        }
    }

    /// The same block, stopping before a line would start below `stop`.
    pub fn until(self, stop: f32) -> Para {
        Para { stop, ..self }
    }

    /// Draws each of `texts` wrapped, from `y`; returns where the next line would start.
    pub fn draw<S: AsRef<str>>(&self, pt: &mut Painter, mut y: f32, texts: &[S]) -> f32 {
        let n = chars_fit(self.width, self.size);
        for line in texts.iter().flat_map(|t| wrap(t.as_ref(), n)) {
            if y > self.stop {
                break;
            }
            pt.text(self.x, y, &line, self.size, p::INK, self.z);
            y += self.line_h;
        }
        y
    }
}

/// Whether the point (x, y) is on `r` (its edges included).
pub fn inside(r: &Rect, x: f32, y: f32) -> bool {
    x >= r.x && x <= r.right() && y >= r.y && y <= r.bottom()
}

/// Splits text into lines of at most `n` characters at spaces (a longer word is split).
///
/// Not [`crate::viewer::text::wrap`]: this one splits at single spaces only and keeps a line of at
/// least 8 characters, and the side panels are laid out by it.
pub fn wrap(text: &str, n: usize) -> Vec<String> {
    let n = n.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        while word.chars().count() > n {
            let head: String = word.chars().take(n).collect();
            word = word.chars().skip(n).collect();
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > n {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
