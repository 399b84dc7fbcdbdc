//! Tokens: the current step's bytes, drawn as cards in the band above the servers, each tied
//! by a line to where the bytes are. Words in the clear are an open envelope with the words;
//! a sealed layer is a padlock with a few hex bytes of the real ciphertext; on a TLS link the
//! card sits inside a tunnel. A bag is one content card plus one small key card per device.
//! Card width follows the real byte count; a dot runs along the link while playing.

use bevy::prelude::*;
use bevy::sprite::Anchor;

use super::draw::{Layer, Painter, clear, palette as p};
use super::layout::{FONT, Layout, MIN_FONT, Rect, chars_fit, fit};
use super::playback::{Anim, Runs, Shown};
use super::routes::along;
use super::state::{Look, Piece, Token, TokenAt};
use crate::scenario::{Node, Scenario};

/// A token's card.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct TokenCard(pub Look);

/// The dot that travels along a link, in the direction the bytes go (virtual pixels).
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Mover {
    path: Vec<(f32, f32)>,
}

const CARD_H: f32 = 50.0;
/// Height of a card in a fan-out row.
const FAN_H: f32 = 34.0;
/// Fan-out cards are as wide as their real bytes at this scale, the same in every scene and
/// model, so per-recipient's ten full envelopes and a bag's one content card plus ten small
/// keys compare at a glance. (About 2200 bytes, per-recipient signed envelopes to ten devices,
/// fit the band at 1280x720; a 64-byte wrapped key is still 10 px wide.)
pub const PX_PER_BYTE: f32 = 0.17;

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

/// A wire token's path, in the direction it moves.
fn travel(l: &Layout, sc: &Scenario, link: usize, from: Node) -> Vec<(f32, f32)> {
    let mut path = l.links.get(link).cloned().unwrap_or_default();
    if sc.links.get(link).is_none_or(|k| k.from != from) {
        path.reverse();
    }
    path
}

/// Where a token points.
fn target(l: &Layout, sc: &Scenario, at: TokenAt, progress: f32) -> (f32, f32) {
    match at {
        TokenAt::Place(place) => l.place_point(place),
        TokenAt::Wire { link, from, .. } => along(&travel(l, sc, link, from), progress),
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
    anim: Res<Anim>,
) {
    clear(&mut commands, &drawn, Layer::Tokens);
    let tokens = &shown.state.tokens;
    if tokens.is_empty() {
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
    let tunnel = tokens.iter().any(|t| t.tunnel.is_some());
    let at = tokens[0].at;
    let point = target(l, sc, at, 0.5);
    let fan = tokens.len() > 1;
    let pad = if tunnel { 52.0 } else { 0.0 };
    let (gap, y, card_h) = if fan {
        (4.0, air.y + 8.0, FAN_H)
    } else {
        (6.0, air.y + (air.h - CARD_H) / 2.0, CARD_H)
    };
    // A fan-out at the fixed scale, shrunk only if it cannot fit the band.
    let widths: Vec<f32> = if fan {
        let at_scale: Vec<f32> = tokens.iter().map(|t| fan_width(t, PX_PER_BYTE)).collect();
        let want = at_scale.iter().sum::<f32>() + gap * (tokens.len() as f32 - 1.0);
        let room = air.w - pad - 16.0;
        if want <= room {
            at_scale
        } else {
            let bytes: f32 = tokens.iter().map(|t| t.bytes as f32).sum();
            let s = (room - gap * (tokens.len() as f32 - 1.0)) / bytes.max(1.0);
            tokens.iter().map(|t| fan_width(t, s)).collect()
        }
    } else {
        vec![card_width(&tokens[0]).min(air.w - pad - 16.0)]
    };
    let total = widths.iter().sum::<f32>() + gap * (tokens.len() as f32 - 1.0) + pad;
    let x0 =
        (point.0 - total / 2.0).clamp(air.x + 4.0, (air.right() - total - 8.0).max(air.x + 4.0));
    if tunnel {
        let r = Rect::new(x0 - 2.0, y - 6.0, total + 8.0, card_h + 12.0);
        pt.boxed(r, p::TLS_TINT, p::TLS, 4.0, 5.0);
        pt.text_anchored(
            r.x + 8.0,
            r.center().1,
            "TLS",
            FONT,
            p::TLS,
            Anchor::CENTER_LEFT,
            5.2,
        );
    }
    let mut x = x0 + pad;
    for (t, &w) in tokens.iter().zip(&widths) {
        let h = if t.piece == Piece::BagKey && !fan {
            card_h - 10.0
        } else {
            card_h
        };
        let r = Rect::new(x, y + (card_h - h) / 2.0, w, h);
        if fan {
            small_card(&mut pt, r, t);
        } else {
            card(&mut pt, r, t);
        }
        x += w + gap;
    }
    if fan {
        // What the row is, in real bytes, and the running count on the wire.
        let line = format!(
            "{}; on the wire: {} B",
            fan_summary(tokens),
            shown.state.wire_bytes
        );
        let ty = y + card_h + if tunnel { 8.0 } else { 3.0 };
        let text = fit(&line, chars_fit(air.w - 8.0, MIN_FONT));
        let tw = text.chars().count() as f32 * MIN_FONT * 0.6 + 8.0;
        pt.rect(Rect::new(air.x, ty - 1.0, tw, MIN_FONT + 3.0), p::BG, 5.25);
        let e = pt.text(air.x + 4.0, ty, &text, MIN_FONT, p::INK, 5.3);
        pt.commands.entity(e).insert(FanSummary(line));
    }
    // Tie the cards to where the bytes are.
    let from = (
        x0 + total / 2.0,
        y + card_h + if tunnel { 6.0 } else { 0.0 },
    );
    let ink = if tokens[0].look.is_words() {
        p::PLAIN
    } else {
        p::SEALED
    };
    pt.dashed(from, point, ink, 2.0, 4.0);
    if let TokenAt::Wire { link, from: f, .. } = at {
        let path = travel(l, sc, link, f);
        let (dx, dy) = along(&path, anim.progress.clamp(0.0, 1.0));
        let e = pt.rect(Rect::new(dx - 8.0, dy - 8.0, 16.0, 16.0), ink, 4.5);
        pt.commands.entity(e).insert(Mover { path });
    }
}

/// A fan-out card's width: its real bytes at `scale` pixels a byte, and never too thin to see.
fn fan_width(t: &Token, scale: f32) -> f32 {
    (t.bytes as f32 * scale).max(10.0)
}

/// `10 envelopes x 157 B = 1570 B`, or for a bag `1 content 161 B + 10 keys x 64 B = 801 B`.
pub fn fan_summary(tokens: &[Token]) -> String {
    let mut groups: Vec<(String, usize, usize)> = Vec::new();
    for t in tokens {
        let what = match (&t.piece, &t.look) {
            (Piece::BagKey, _) => "key".to_string(),
            (Piece::BagContent, _) => "content".to_string(),
            (_, Look::Sealed { what, .. }) => what.strip_prefix("e2e ").unwrap_or(what).to_string(),
            (_, Look::Words(_)) => "text".to_string(),
            (_, Look::Keys(_)) => "keys".to_string(),
            (_, Look::Metadata) => "metadata".to_string(),
        };
        match groups
            .iter_mut()
            .find(|(w, b, _)| *w == what && *b == t.bytes)
        {
            Some(g) => g.2 += 1,
            None => groups.push((what, t.bytes, 1)),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(what, bytes, n)| {
            if *n == 1 {
                format!("1 {what} {bytes} B")
            } else {
                format!("{n} {what}s x {bytes} B")
            }
        })
        .collect();
    let total: usize = tokens.iter().map(|t| t.bytes).sum();
    format!("{} = {total} B", parts.join(" + "))
}

/// The summary line under a fan-out row.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct FanSummary(pub String);

/// A card in a fan-out row: its icon, and its byte count when there is room.
fn small_card(pt: &mut Painter, r: Rect, t: &Token) {
    let z = 6.0;
    let (fill, ink) = match &t.look {
        Look::Words(_) => (p::PLAIN_TINT, p::PLAIN),
        Look::Sealed { .. } | Look::Metadata => (p::SEALED_TINT, p::SEALED),
        Look::Keys(_) => (p::KEYS_TINT, p::KEYS),
    };
    let e = pt.boxed(r, fill, ink, 2.0, z);
    pt.commands.entity(e).insert(TokenCard(t.look.clone()));
    let label = format!("{}B", t.bytes);
    let label_w = label.len() as f32 * MIN_FONT * 0.6;
    if t.piece == Piece::BagKey {
        // A small key: a ring and a shaft.
        let (cx, cy) = r.center();
        pt.outline(Rect::new(cx - 6.0, cy - 9.0, 9.0, 9.0), ink, 2.0, z + 0.1);
        pt.rect(Rect::new(cx - 2.5, cy, 3.0, 10.0), ink, z + 0.1);
        pt.rect(Rect::new(cx, cy + 6.0, 4.0, 2.5), ink, z + 0.1);
        return;
    }
    let icon_w = 28.0;
    let icon_x = if r.w >= icon_w + label_w + 10.0 {
        r.x + 4.0
    } else {
        r.center().0 - 12.0
    };
    match &t.look {
        Look::Words(_) => open_envelope(pt, icon_x, r.y + 3.0, ink, z + 0.1),
        Look::Keys(_) => key_icon(pt, icon_x, r.y + 3.0, ink, z + 0.1),
        _ => padlock(pt, icon_x + 2.0, r.y + 3.0, ink, z + 0.1),
    }
    if r.w >= icon_w + label_w + 10.0 {
        pt.text_anchored(
            r.right() - 4.0,
            r.center().1,
            &label,
            MIN_FONT,
            p::INK,
            Anchor::CENTER_RIGHT,
            z + 0.2,
        );
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
        let (px, py) = along(&m.path, t);
        let (x, y) = shown.fit.world(px, py);
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
