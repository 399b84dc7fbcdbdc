//! Tokens: the current step's bytes. A **traveller** (a pictogram with a word: `TLS`,
//! `words`, `sealed`, `keys`) moves along the link and between places ([`crate::viewer::motion`]);
//! above it, in the band over the servers, its **card** says what the bytes are and slides
//! with it. Words in the clear are an open envelope with the words; a sealed layer is a padlock
//! with a few hex bytes of the real ciphertext. On a TLS wire the outer layer comes first: the
//! card is the TLS record (a padlock and its hex) and what it carries is a tab *inside* it,
//! never the words as if open. A bag is one content card plus one small key card per device;
//! card width follows the real byte count.

use bevy::prelude::*;
use bevy::sprite::Anchor;

use crate::scenario::Reach;
use crate::viewer::draw::{Layer, Painter, clear, palette as p};
use crate::viewer::icons::{self, Icon, Icons};
use crate::viewer::layout::{FONT, Layout, MIN_FONT, Rect, chars_fit};
use crate::viewer::motion::{Glide, drawn_progress, motion};
use crate::viewer::playback::{Anim, Runs, Shown};
use crate::viewer::routes::Point;
use crate::viewer::state::{Piece, Token, TokenAt};
use crate::viewer::text::wrap;

pub use crate::viewer::cards::{FanSummary, TokenCard, Traveller, fan_summary};
use crate::viewer::cards::{
    card, card_width, fan_width, record_card, row_clear_of, row_x, small_card, style, traveller,
    traveller_label, traveller_rect,
};

/// A card's height: room for three lines at 18 px (its first line may wrap).
const CARD_H: f32 = 64.0;
/// Height of a card in a fan-out row.
const FAN_H: f32 = 30.0;
/// Fan-out cards are as wide as their real bytes at this scale, the same in every scene and
/// model, so per-recipient's ten full envelopes and a bag's one content card plus ten small
/// keys compare at a glance. (About 2200 bytes, per-recipient signed envelopes to ten devices,
/// fit the band at 1280x720; a 64-byte wrapped key is still 10 px wide.)
pub const PX_PER_BYTE: f32 = 0.17;
/// At most this many cards of a fan-out are drawn; a group of hundreds shows these and a
/// "+ 975 more" box, and the caption under the row counts them all.
pub const FAN_MAX: usize = 24;
/// Width of the "+ N more" box after a cut fan-out.
const MORE_W: f32 = 124.0;

#[allow(clippy::too_many_arguments)]
fn draw_tokens(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    anim: Res<Anim>,
    glide: Option<Res<Glide>>,
    icons: Option<Res<Icons>>,
    mut last: Local<Option<(usize, Point)>>,
) {
    let run = runs.run();
    let l = &shown.layout;
    let m = motion(run, l, shown.state.step);
    let progress = drawn_progress(&anim, glide.as_deref());
    let (at, compact) = clear_of_marker(l, &shown.state.tokens, m.at(progress));
    // Redraw when what is shown changes, and while the token moves.
    if !shown.is_changed() && *last == Some((shown.state.step, at)) {
        return;
    }
    *last = Some((shown.state.step, at));
    clear(&mut commands, &drawn, Layer::Tokens);
    let tokens = &shown.state.tokens;
    if tokens.is_empty() {
        return;
    }
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Tokens,
    };
    let icons = icons.as_deref();
    let moving = m.wire || m.moving(progress);
    let word = if compact {
        String::new()
    } else {
        traveller_label(tokens)
    };
    let pill = moving.then(|| traveller_rect(at, &word));
    let bottom = draw_row(&mut pt, icons, &shown, (at, pill));
    let ink = style(&tokens[0].look).2;
    let ink = if tokens[0].tunnel.is_some() {
        p::TLS
    } else {
        ink
    };
    // Tie the cards to the token: to it while it moves or on a wire; at rest, to the edge of
    // its box (never across the words of the rows and titles on the way).
    let end = match tokens[0].at {
        TokenAt::Place(place) if !moving => tether_end(l, place, bottom),
        _ => at,
    };
    pt.dashed(bottom, end, ink, 2.0, 4.0);
    if moving {
        traveller(&mut pt, icons, (at, compact), tokens);
    } else if let TokenAt::Place(place) = tokens[0].at
        && let Some(r) = l.places.get(&place)
    {
        // At rest at its place: the place's row is framed in the token's colour.
        pt.outline(r.inset(-3.0), ink, 3.0, 2.5);
    }
}

/// The widths a row of one card can take, widest first, and the band it spans (top, height),
/// so that the pill can leave room beside it; none for a fan-out (as wide as the band).
fn row_extent(l: &Layout, tokens: &[Token]) -> Option<(Vec<f32>, (f32, f32))> {
    let air = l.air;
    match tokens {
        [t] if t.tunnel.is_some() => Some(crate::viewer::cards::record_extent(air, t)),
        [t] => Some((
            vec![card_width(t).min(air.w - 16.0)],
            (air.y + (air.h - CARD_H) / 2.0 - 6.0, CARD_H + 12.0),
        )),
        _ => None,
    }
}

/// Where the traveller goes on a wire, and whether it is drawn compact (its picture alone): at
/// `at`, or where its pill would cover the link's `TLS` marker, a box (a server's name), or
/// leave no room for the card beside it (issue 20: the padlock hid the marker at the start of
/// a hop, the card's tab, and `mail.alice.example`'s name), the nearest point of the link
/// where it does not. On a link too short for the pill between two servers, the picture alone.
fn clear_of_marker(l: &Layout, tokens: &[Token], at: Point) -> (Point, bool) {
    let Some(TokenAt::Wire { link, .. }) = tokens.first().map(|t| t.at) else {
        return (at, false);
    };
    let Some(path) = l.links.get(link) else {
        return (at, false);
    };
    let label = traveller_label(tokens);
    let markers = [l.marker_rect(link, true), l.marker_rect(link, false)];
    let boxes: Vec<Rect> = l
        .devices
        .iter()
        .copied()
        .chain(l.servers.iter().map(|b| b.rect))
        .collect();
    let (widths, rows) = row_extent(l, tokens).unwrap_or_default();
    // What the pill (compact or not) must not cover, most wanted first: the boxes' names and
    // rows, the marker, the card `width` wide (some place of its row in the band must be
    // clear of it).
    let clear = |p: Point, (compact, marker, width): (bool, bool, Option<f32>)| {
        let r = traveller_rect(p, if compact { "" } else { &label });
        let room = width.is_none_or(|w| row_clear_of(l.air, p, w, rows, Some(r)).is_some());
        !(marker && markers.iter().any(|m| r.overlaps(m))
            || boxes.iter().any(|b| r.overlaps(b))
            || !room)
    };
    // The card at its widest first (a TLS record's tab saying "sealed by TLS"), then
    // narrower, then any card that fits.
    // Where the clock has it, if the card has room beside it in any of its widths (so the
    // pill keeps moving); a fan-out (no widths) asks for no room.
    let at_clock = match widths.is_empty() {
        true => clear(at, (false, true, None)),
        false => widths.iter().any(|&w| clear(at, (false, true, Some(w)))),
    };
    let mut cards: Vec<Option<f32>> = widths.iter().copied().map(Some).collect();
    cards.push(None);
    if at_clock {
        return (at, false);
    }
    let d = |p: &Point| (p.0 - at.0).powi(2) + (p.1 - at.1).powi(2);
    let spots: Vec<Point> = (0..=40)
        .map(|k| crate::viewer::routes::along(path, k as f32 / 40.0))
        .collect();
    let tiers = cards
        .iter()
        .map(|&w| (false, true, w))
        .chain([(true, true, None), (true, false, None)]);
    tiers
        .into_iter()
        .find_map(|tier| {
            spots
                .iter()
                .copied()
                .filter(|&p| clear(p, tier))
                .min_by(|a, b| d(a).total_cmp(&d(b)))
                .map(|p| (p, tier.0))
        })
        .unwrap_or((at, false))
}

/// Where a tether from `from` (above) ends at a place at rest: the top edge of its server,
/// or the inner side of its device at the row's height.
pub fn tether_end(l: &Layout, place: Reach, from: Point) -> Point {
    match place {
        Reach::ServerPart(s, _) => match l.servers.get(s) {
            Some(b) => (
                from.0.clamp(b.rect.x + 10.0, b.rect.right() - 10.0),
                b.rect.y,
            ),
            None => l.place_point(place),
        },
        Reach::DevicePart(d, _) => {
            let (Some(r), Some(row)) = (l.devices.get(d), l.places.get(&place)) else {
                return l.place_point(place);
            };
            let x = if r.center().0 < from.0 {
                r.right()
            } else {
                r.x
            };
            (x, row.center().1)
        }
        Reach::Wire(_) => l.place_point(place),
    }
}

/// How a row of cards is laid out: a fan-out (several tokens) or one card, inside a TLS
/// record or not; the record's room on the left, the gap between cards, their top and height.
struct RowShape {
    fan: bool,
    tunnel: bool,
    pad: f32,
    /// Room for the "+ N more" box at the end of a cut fan-out (0 when all are drawn).
    more: f32,
    gap: f32,
    y: f32,
    card_h: f32,
}

/// The cards in the band, over `at` and clear of the travelling `pill` where they can be;
/// returns the point under them where the tether starts.
fn draw_row(
    pt: &mut Painter,
    icons: Option<&Icons>,
    shown: &Shown,
    (at, pill): (Point, Option<Rect>),
) -> Point {
    let all = &shown.state.tokens;
    let air = shown.layout.air;
    let tunnel = all.iter().any(|t| t.tunnel.is_some());
    let fan = all.len() > 1;
    let pad = if tunnel { 78.0 } else { 0.0 };
    // As many cards as fit at their narrowest (10 px and a gap) beside the "+ N more" box.
    let fits = ((air.w - 16.0 - pad - MORE_W) / 14.0).floor().max(1.0) as usize;
    let tokens = match all.len() > FAN_MAX {
        true => &all[..FAN_MAX.min(fits)],
        false => &all[..],
    };
    let more = all.len() - tokens.len();
    if tunnel && !fan {
        return record_card(pt, icons, air, (at, pill), &tokens[0]);
    }
    let (gap, y, card_h) = if fan {
        (4.0, air.y + if tunnel { 6.0 } else { 2.0 }, FAN_H)
    } else {
        (6.0, air.y + (air.h - CARD_H) / 2.0, CARD_H)
    };
    let row = RowShape {
        fan,
        tunnel,
        pad,
        more: if more > 0 { MORE_W + gap } else { 0.0 },
        gap,
        y,
        card_h,
    };
    let widths = row_widths(tokens, air, &row);
    let total = widths.iter().sum::<f32>() + gap * (tokens.len() as f32 - 1.0) + row.pad + row.more;
    let x0 = row_clear_of(air, at, total, (y - 6.0, card_h + 12.0), pill)
        .unwrap_or_else(|| row_x(air, at, total));
    if tunnel {
        record_frame(pt, icons, &row, x0, total);
    }
    let mut x = x0 + row.pad;
    for (t, &w) in tokens.iter().zip(&widths) {
        let h = if t.piece == Piece::BagKey && !fan {
            card_h - 10.0
        } else {
            card_h
        };
        let r = Rect::new(x, y + (card_h - h) / 2.0, w, h);
        if fan {
            small_card(pt, icons, r, t);
        } else {
            card(pt, icons, r, t);
        }
        x += w + gap;
    }
    if more > 0 {
        more_box(pt, Rect::new(x, y, MORE_W, card_h), more);
    }
    if fan {
        fan_caption(pt, shown, &row);
    }
    (
        x0 + total / 2.0,
        y + card_h + if tunnel { 6.0 } else { 0.0 },
    )
}

/// Each card's width: a fan-out at the fixed scale, shrunk only if it cannot fit the band;
/// one card as wide as its bytes want, within the band.
fn row_widths(tokens: &[Token], air: Rect, row: &RowShape) -> Vec<f32> {
    let (gap, pad) = (row.gap, row.pad + row.more);
    if !row.fan {
        return vec![card_width(&tokens[0]).min(air.w - pad - 16.0)];
    }
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
}

/// After a fan-out cut at [`FAN_MAX`] cards: how many more there are.
fn more_box(pt: &mut Painter, r: Rect, n: usize) {
    pt.boxed(r, p::PAPER, p::INK, 2.0, 6.0);
    let (cx, cy) = r.center();
    let label = format!("+ {n} more");
    pt.text_anchored(cx, cy, &label, FONT, p::INK, Anchor::CENTER, 6.1);
}

/// The TLS record holding a row `total` wide from `x0`: a padlock and "TLS" on its left.
fn record_frame(pt: &mut Painter, icons: Option<&Icons>, row: &RowShape, x0: f32, total: f32) {
    let r = Rect::new(x0 - 2.0, row.y - 6.0, total + 8.0, row.card_h + 12.0);
    pt.boxed(r, p::TLS_TINT, p::TLS, 4.0, 5.0);
    // The padlock and "TLS" side by side: at 18 px, the word under it would leave the frame.
    let ir = Rect::new(r.x + 14.0, r.center().1 - 11.0, 22.0, 22.0);
    icons::draw(pt, icons, Icon::Padlock, ir, p::TLS, 5.1);
    pt.text_anchored(
        ir.right() + 3.0,
        ir.center().1,
        "TLS",
        MIN_FONT,
        p::TLS,
        Anchor::CENTER_LEFT,
        5.2,
    );
}

/// Under a fan-out: what the row is, in real bytes, and the running count on the wire, whole
/// at 18 px: the longest of its forms that fits one line of the band (the header also counts
/// the bytes on the wire, and the record's frame says TLS), else the shortest, wrapped.
fn fan_caption(pt: &mut Painter, shown: &Shown, row: &RowShape) {
    let air = shown.layout.air;
    let summary = fan_summary(&shown.state.tokens);
    let wire = format!("; on the wire: {} B", shown.state.wire_bytes);
    let inside = if row.tunnel { "inside TLS: " } else { "" };
    let whole = format!("{inside}{summary}{wire}");
    let n = chars_fit(air.w - 8.0, MIN_FONT);
    let forms = [whole.clone(), format!("{inside}{summary}"), summary.clone()];
    let lines = match forms.iter().find(|f| f.chars().count() <= n) {
        Some(f) => vec![f.clone()],
        None => wrap(&summary, n),
    };
    let ty = row.y + row.card_h + if row.tunnel { 8.0 } else { 3.0 };
    for (k, text) in lines.iter().enumerate() {
        let y = ty + k as f32 * (MIN_FONT + 2.0);
        let tw = text.chars().count() as f32 * MIN_FONT * 0.6 + 8.0;
        pt.rect(Rect::new(air.x, y - 1.0, tw, MIN_FONT + 3.0), p::BG, 5.25);
        let e = pt.text(air.x + 4.0, y, text, MIN_FONT, p::INK, 5.3);
        pt.commands.entity(e).insert(FanSummary(whole.clone()));
    }
}

/// The tokens plugin.
pub struct TokensPlugin;

impl Plugin for TokensPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            draw_tokens
                .run_if(resource_exists::<Shown>)
                .in_set(crate::viewer::ViewerSet::Draw),
        );
    }
}
