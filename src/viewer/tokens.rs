//! Tokens: the current step's bytes, drawn as cards in the band above the servers, each tied
//! by a line to where the bytes are. Words in the clear are an open envelope with the words;
//! a sealed layer is a padlock with a few hex bytes of the real ciphertext; on a TLS link the
//! card sits inside a tunnel. A bag is one content card plus one small key card per device.
//! Card width follows the real byte count; a dot runs along the link while playing.

use bevy::prelude::*;
use bevy::sprite::Anchor;

use super::draw::{Layer, Painter, clear, palette as p};
use super::layout::{FONT, Layout, Rect, chars_fit, fit};
use super::playback::{Anim, Runs, Shown, ViewOptions};
use super::state::{Look, Piece, Token, TokenAt};
use crate::scenario::{Node, Scenario};

/// A token's card.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct TokenCard(pub Look);

/// The dot that travels along a link: from, to, in virtual pixels.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Mover {
    from: (f32, f32),
    to: (f32, f32),
}

const CARD_H: f32 = 50.0;

fn card_width(t: &Token) -> f32 {
    match t.piece {
        Piece::BagKey => (24.0 + t.bytes as f32 * 0.4).clamp(30.0, 60.0),
        _ => {
            // Wide enough for a few words, and wider for more bytes.
            let words = match &t.look {
                Look::Words(w) => w.chars().count() as f32 * FONT * 0.6 + 70.0,
                _ => 0.0,
            };
            (210.0 + t.bytes as f32 * 0.3)
                .max(words)
                .clamp(220.0, 360.0)
        }
    }
}

/// The ends of a wire token's travel, in the direction it moves.
fn travel_ends(l: &Layout, sc: &Scenario, link: usize, from: Node) -> ((f32, f32), (f32, f32)) {
    let (a, b) = l.links[link];
    if sc.links.get(link).is_some_and(|k| k.from == from) {
        (a, b)
    } else {
        (b, a)
    }
}

/// Where a token points.
fn target(l: &Layout, sc: &Scenario, at: TokenAt, progress: f32) -> (f32, f32) {
    match at {
        TokenAt::Place(place) => l.place_point(place),
        TokenAt::Wire { link, from, .. } => {
            let (a, b) = travel_ends(l, sc, link, from);
            (a.0 + (b.0 - a.0) * progress, a.1 + (b.1 - a.1) * progress)
        }
    }
}

fn padlock(pt: &mut Painter, x: f32, y: f32, color: Color, z: f32) {
    // Shackle (an outline) over a solid body.
    pt.outline(Rect::new(x + 5.0, y, 14.0, 14.0), color, 3.0, z);
    pt.rect(Rect::new(x, y + 10.0, 24.0, 18.0), color, z + 0.01);
}

fn open_envelope(pt: &mut Painter, x: f32, y: f32, color: Color, z: f32) {
    // Body, and the flap standing open above it.
    pt.outline(Rect::new(x, y + 10.0, 28.0, 18.0), color, 3.0, z);
    pt.line((x + 1.0, y + 11.0), (x + 14.0, y), color, 3.0, z);
    pt.line((x + 27.0, y + 11.0), (x + 14.0, y), color, 3.0, z);
}

fn key_icon(pt: &mut Painter, x: f32, y: f32, color: Color, z: f32) {
    pt.outline(Rect::new(x, y + 8.0, 12.0, 12.0), color, 3.0, z);
    pt.rect(Rect::new(x + 12.0, y + 12.0, 14.0, 4.0), color, z);
    pt.rect(Rect::new(x + 20.0, y + 16.0, 3.0, 6.0), color, z);
}

fn card(pt: &mut Painter, r: Rect, t: &Token) {
    let z = 6.0;
    let (fill, ink) = match &t.look {
        Look::Words(_) => (p::PLAIN_TINT, p::PLAIN),
        Look::Sealed { .. } | Look::Metadata => (p::SEALED_TINT, p::SEALED),
        Look::Keys(_) => (p::KEYS_TINT, p::KEYS),
    };
    let e = pt.boxed(r, fill, ink, 3.0, z);
    pt.commands.entity(e).insert(TokenCard(t.look.clone()));
    if t.piece == Piece::BagKey {
        key_icon(pt, r.x + (r.w - 24.0) / 2.0, r.y + 6.0, ink, z + 0.1);
        pt.text_anchored(
            r.center().0,
            r.bottom() - 3.0,
            &format!("{}B", t.bytes),
            13.0,
            p::INK,
            Anchor::BOTTOM_CENTER,
            z + 0.2,
        );
        return;
    }
    match &t.look {
        Look::Words(_) => open_envelope(pt, r.x + 8.0, r.y + 9.0, ink, z + 0.1),
        Look::Keys(_) => key_icon(pt, r.x + 8.0, r.y + 9.0, ink, z + 0.1),
        _ => padlock(pt, r.x + 10.0, r.y + 10.0, ink, z + 0.1),
    }
    let n = chars_fit(r.w - 50.0, FONT);
    let (line1, line2) = match &t.look {
        Look::Words(w) => (format!("\"{w}\""), format!("words, {} B", t.bytes)),
        Look::Sealed { what, hex } => (hex.clone(), format!("{what}, {} B", t.bytes)),
        Look::Keys(k) => (k.clone(), format!("keys, {} B", t.bytes)),
        Look::Metadata => ("metadata".into(), format!("{} B", t.bytes)),
    };
    pt.text(
        r.x + 44.0,
        r.y + 4.0,
        &fit(&line1, n),
        FONT,
        p::INK,
        z + 0.2,
    );
    pt.text(
        r.x + 44.0,
        r.y + 26.0,
        &fit(&line2, chars_fit(r.w - 50.0, 16.0)),
        16.0,
        p::MUTED,
        z + 0.2,
    );
}

fn draw_tokens(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
    anim: Res<Anim>,
) {
    clear(&mut commands, &drawn, Layer::Tokens);
    let tokens = &shown.state.tokens;
    if options.lanes || tokens.is_empty() {
        return;
    }
    let sc = &runs.run().scenario;
    let l = &shown.layout;
    let air = l.air;
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Tokens,
    };
    let gap = 6.0;
    let tunnel = tokens.iter().any(|t| t.tunnel.is_some());
    let pad = if tunnel { 52.0 } else { 0.0 };
    let want: f32 = tokens.iter().map(card_width).sum::<f32>() + gap * (tokens.len() as f32 - 1.0);
    let squeeze = ((air.w - pad - 12.0) / want).min(1.0);
    let total = want * squeeze + pad;
    let at = tokens[0].at;
    let point = target(l, sc, at, 0.5);
    let x0 = (point.0 - total / 2.0).clamp(air.x + 4.0, air.right() - total - 4.0);
    let y = air.y + (air.h - CARD_H) / 2.0;
    if tunnel {
        let r = Rect::new(x0 - 2.0, y - 8.0, total + 10.0, CARD_H + 16.0);
        pt.boxed(r, p::TLS_TINT, p::TLS, 4.0, 5.0);
        pt.text(r.x + 8.0, r.y + 10.0, "TLS", FONT, p::TLS, 5.2);
    }
    let mut x = x0 + pad;
    for t in tokens {
        let w = card_width(t) * squeeze;
        let h = if t.piece == Piece::BagKey {
            CARD_H - 10.0
        } else {
            CARD_H
        };
        let r = Rect::new(x, y + (CARD_H - h) / 2.0, w, h);
        card(&mut pt, r, t);
        x += w + gap;
    }
    // Tie the cards to where the bytes are.
    let from = (
        x0 + total / 2.0,
        y + CARD_H + if tunnel { 8.0 } else { 0.0 },
    );
    let ink = if tokens[0].look.is_words() {
        p::PLAIN
    } else {
        p::SEALED
    };
    pt.dashed(from, point, ink, 2.0, 4.0);
    if let TokenAt::Wire { link, from: f, .. } = at {
        let (a, b) = travel_ends(l, sc, link, f);
        let progress = anim.progress.clamp(0.0, 1.0);
        let (dx, dy) = target(l, sc, at, progress);
        let e = pt.rect(Rect::new(dx - 8.0, dy - 8.0, 16.0, 16.0), ink, 4.5);
        pt.commands.entity(e).insert(Mover { from: a, to: b });
    }
}

fn move_dots(
    anim: Res<Anim>,
    shown: Option<Res<Shown>>,
    mut dots: Query<(&Mover, &mut Transform)>,
) {
    let Some(shown) = shown else { return };
    let t = anim.progress.clamp(0.0, 1.0);
    for (m, mut tf) in &mut dots {
        let (x, y) = shown.fit.world(
            m.from.0 + (m.to.0 - m.from.0) * t,
            m.from.1 + (m.to.1 - m.from.1) * t,
        );
        tf.translation.x = x;
        tf.translation.y = y;
    }
}

/// The tokens plugin.
pub struct TokensPlugin;

impl Plugin for TokensPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (
                draw_tokens.run_if(resource_exists_and_changed::<Shown>),
                move_dots.run_if(resource_changed::<Anim>),
            )
                .chain()
                .in_set(super::ViewerSet::Draw),
        );
    }
}
