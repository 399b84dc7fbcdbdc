//! Drawing primitives in the virtual canvas: rectangles, outlines, lines and text, all plain
//! sprites and `Text2d`, so they exist in headless tests too. Every entity is tagged with the
//! [`Layer`] that drew it, so each concern can redraw its own entities.

use bevy::prelude::*;
use bevy::sprite::Anchor;

use super::layout::{Fit, Rect};

/// A colour-blind safe palette (Okabe and Ito). Meaning is carried by shape and text first;
/// colour only reinforces it.
pub(super) mod actors;
pub(super) mod cards;
pub(super) mod chrome;
pub(super) mod controls;
pub(super) mod header;
pub(super) mod icons;
pub(super) mod motion;
pub(super) mod observer;
pub(super) mod steps;
pub(super) mod text;
pub(super) mod tokens;

pub mod palette {
    use bevy::prelude::Color;
    /// Background.
    pub const BG: Color = Color::srgb(0.98, 0.98, 0.965);
    /// Text and borders.
    pub const INK: Color = Color::srgb(0.07, 0.07, 0.07);
    /// Secondary text.
    pub const MUTED: Color = Color::srgb(0.33, 0.33, 0.33);
    /// Box fill.
    pub const PAPER: Color = Color::srgb(1.0, 1.0, 1.0);
    /// Panel fill.
    pub const PANEL: Color = Color::srgb(0.93, 0.93, 0.91);
    /// Plaintext (vermillion).
    pub const PLAIN: Color = Color::srgb(0.835, 0.369, 0.0);
    /// Plaintext, light.
    pub const PLAIN_TINT: Color = Color::srgb(0.99, 0.86, 0.76);
    /// Sealed (blue).
    pub const SEALED: Color = Color::srgb(0.0, 0.447, 0.698);
    /// Sealed, light.
    pub const SEALED_TINT: Color = Color::srgb(0.82, 0.90, 0.96);
    /// TLS tunnels (bluish green).
    pub const TLS: Color = Color::srgb(0.0, 0.62, 0.451);
    /// TLS, light.
    pub const TLS_TINT: Color = Color::srgb(0.82, 0.93, 0.89);
    /// Keys (reddish purple).
    pub const KEYS: Color = Color::srgb(0.8, 0.475, 0.655);
    /// Keys, light.
    pub const KEYS_TINT: Color = Color::srgb(0.96, 0.88, 0.93);
    /// Observers reaching a place (orange).
    pub const REACH: Color = Color::srgb(0.902, 0.624, 0.0);
    /// The current step in lists.
    pub const HIGHLIGHT: Color = Color::srgb(0.94, 0.894, 0.259);
    /// What the viewing observer cannot reach.
    pub const DIM: Color = Color::srgb(0.80, 0.80, 0.80);
    /// Dimmed text.
    pub const DIM_INK: Color = Color::srgb(0.62, 0.62, 0.62);
}

/// Which concern drew an entity.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// People, devices, servers, parts, links, footprint badges.
    Actors,
    /// Tokens in flight.
    Tokens,
    /// Observer chips and reach lines.
    Observers,
    /// Header, event list, inspector.
    Panels,
    /// Matrix, keys and lanes overlays.
    Overlays,
    /// What-if switches, exercise mode and the designer's palette (`whatif.rs`, `exercise_mode.rs`, `designer.rs`).
    Classroom(u8),
    /// The "computing..." mark while the core runs off the frame loop.
    Computing,
}

/// Despawns every entity a layer drew.
pub fn clear(commands: &mut Commands, drawn: &Query<(Entity, &Layer)>, layer: Layer) {
    for (e, l) in drawn {
        if *l == layer {
            commands.entity(e).despawn();
        }
    }
}

/// Draws into the virtual canvas for one layer.
pub struct Painter<'a, 'w, 's> {
    /// Where entities go.
    pub commands: &'a mut Commands<'w, 's>,
    /// Virtual to real.
    pub fit: Fit,
    /// The layer drawing.
    pub layer: Layer,
}

impl<'w, 's> Painter<'_, 'w, 's> {
    /// A filled rectangle.
    pub fn rect(&mut self, r: Rect, color: Color, z: f32) -> Entity {
        let (cx, cy) = r.center();
        let (x, y) = self.fit.world(cx, cy);
        let s = self.fit.scale;
        self.commands
            .spawn((
                Sprite::from_color(color, Vec2::new(r.w * s, r.h * s)),
                Transform::from_xyz(x, y, z),
                self.layer,
            ))
            .id()
    }

    /// A rectangle's outline, `t` virtual pixels thick, drawn inside it.
    pub fn outline(&mut self, r: Rect, color: Color, t: f32, z: f32) {
        self.rect(Rect::new(r.x, r.y, r.w, t), color, z);
        self.rect(Rect::new(r.x, r.bottom() - t, r.w, t), color, z);
        self.rect(Rect::new(r.x, r.y, t, r.h), color, z);
        self.rect(Rect::new(r.right() - t, r.y, t, r.h), color, z);
    }

    /// A box: fill and outline.
    pub fn boxed(&mut self, r: Rect, fill: Color, border: Color, t: f32, z: f32) -> Entity {
        let e = self.rect(r, fill, z);
        self.outline(r, border, t, z + 0.01);
        e
    }

    /// A straight line `t` virtual pixels thick.
    pub fn line(&mut self, a: (f32, f32), b: (f32, f32), color: Color, t: f32, z: f32) -> Entity {
        let (ax, ay) = self.fit.world(a.0, a.1);
        let (bx, by) = self.fit.world(b.0, b.1);
        let d = Vec2::new(bx - ax, by - ay);
        let len = d.length().max(0.001);
        self.commands
            .spawn((
                Sprite::from_color(color, Vec2::new(len, t * self.fit.scale)),
                Transform::from_xyz((ax + bx) / 2.0, (ay + by) / 2.0, z)
                    .with_rotation(Quat::from_rotation_z(d.y.atan2(d.x))),
                self.layer,
            ))
            .id()
    }

    /// A dashed line.
    pub fn dashed(&mut self, a: (f32, f32), b: (f32, f32), color: Color, t: f32, z: f32) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        let dash = 10.0;
        let n = (len / (2.0 * dash)).floor().max(1.0) as usize;
        for i in 0..n {
            let t0 = (2 * i) as f32 * dash / len.max(0.001);
            let t1 = ((2 * i + 1) as f32 * dash / len.max(0.001)).min(1.0);
            self.line(
                (a.0 + dx * t0, a.1 + dy * t0),
                (a.0 + dx * t1, a.1 + dy * t1),
                color,
                t,
                z,
            );
        }
    }

    /// Text shortened to at most `n` characters by the stated rule ([`super::layout::fit`])
    /// when it must fit one line in a box; when it had to be cut, the entity carries
    /// [`Shortened`] with the whole text, which a test looks for.
    pub fn fitted(
        &mut self,
        (x, y): (f32, f32),
        s: &str,
        n: usize,
        size: f32,
        color: Color,
        z: f32,
    ) -> Entity {
        let short = super::layout::fit(s, n);
        let e = self.text(x, y, &short, size, color, z);
        if short != s {
            self.commands.entity(e).insert(Shortened(s.to_string()));
        }
        e
    }

    /// Marks text entity `e`, drawn as `short`, as cut when `short` is not `whole`.
    pub fn note_cut(&mut self, e: Entity, short: &str, whole: &str) {
        if short != whole {
            self.commands.entity(e).insert(Shortened(whole.to_string()));
        }
    }

    /// Text with its top-left corner at (x, y), `size` virtual pixels high.
    pub fn text(&mut self, x: f32, y: f32, s: &str, size: f32, color: Color, z: f32) -> Entity {
        self.text_anchored(x, y, s, size, color, Anchor::TOP_LEFT, z)
    }

    /// Text placed by an anchor.
    #[allow(clippy::too_many_arguments)]
    pub fn text_anchored(
        &mut self,
        x: f32,
        y: f32,
        s: &str,
        size: f32,
        color: Color,
        anchor: Anchor,
        z: f32,
    ) -> Entity {
        let (wx, wy) = self.fit.world(x, y);
        self.commands
            .spawn((
                Text2d::new(drawable(s)),
                TextFont::from_font_size((size * self.fit.scale).max(4.0)),
                TextColor(color),
                anchor,
                Transform::from_xyz(wx, wy, z),
                self.layer,
            ))
            .id()
    }
}

/// Text as the built-in font can draw it: typographic quotes, dashes and arrows (a teacher's
/// scene pasted from a word processor: `Bob’s phone`) become their ASCII forms, which the font
/// has, instead of empty boxes.
pub fn drawable(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' => "'".to_string(),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' => "\"".to_string(),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => "-".to_string(),
            '\u{2192}' => "->".to_string(),
            '\u{2190}' => "<-".to_string(),
            '\u{00a0}' | '\u{2009}' | '\u{202f}' => " ".to_string(),
            other => other.to_string(),
        })
        .collect()
}

/// Marks a text drawn shorter than its whole (by `Painter::fitted`): the whole text.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct Shortened(pub String);

#[cfg(test)]
mod drawable_tests {
    #[test]
    fn typographic_punctuation_is_drawn_in_ascii() {
        assert_eq!(
            super::drawable("Bob’s “phone” – a→b"),
            "Bob's \"phone\" - a->b"
        );
        assert_eq!(super::drawable("plain"), "plain");
    }
}
