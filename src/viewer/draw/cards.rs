//! The pieces of a token drawn: a card (picture, words or hex, size), a fan-out's small
//! cards and their summary, a TLS record's card with the tab of what it carries inside, and
//! the traveller that moves along the link, and where a row of cards may sit beside the
//! traveller (`row_x`, `row_clear_of`). Choosing what to draw, and where, is `tokens.rs`'s.

use bevy::prelude::*;
use bevy::sprite::Anchor;

use crate::viewer::draw::{Painter, palette as p};
use crate::viewer::icons::{self, Icon, Icons};
use crate::viewer::layout::{FONT, MIN_FONT, Rect, chars_fit};
use crate::viewer::routes::Point;
use crate::viewer::state::{Look, Piece, Sealing, Token};
use crate::viewer::text::wrap;

/// A TLS record's card, and the tab of what it carries under it.
const OUTER_H: f32 = 46.0;
const TAB_H: f32 = 24.0;

/// Where the row of cards starts: centred over the token, inside the band.
pub(in crate::viewer) fn row_x(air: Rect, at: Point, total: f32) -> f32 {
    (at.0 - total / 2.0).clamp(air.x + 4.0, (air.right() - total - 8.0).max(air.x + 4.0))
}

/// Where a row `total` wide, spanning `rows` (top, height), starts so that it leaves the
/// travelling pill uncovered (issue 20: the padlock sat on the "inside:" tab): centred over
/// the token if that is clear, else just right or left of the pill, inside the band; none if
/// no place is clear.
pub(in crate::viewer) fn row_clear_of(
    air: Rect,
    at: Point,
    total: f32,
    rows: (f32, f32),
    pill: Option<Rect>,
) -> Option<f32> {
    let centred = row_x(air, at, total);
    let Some(pill) = pill else {
        return Some(centred);
    };
    let inside = |x: f32| x >= air.x + 4.0 - 0.5 && x + total <= air.right() - 8.0 + 0.5;
    [centred, pill.right() + 6.0, pill.x - 6.0 - total]
        .into_iter()
        .find(|&x| inside(x) && !Rect::new(x, rows.0, total, rows.1).overlaps(&pill))
}

/// A token's card (or the tab inside a TLS record: what the record carries).
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct TokenCard(pub Look);

/// The token that travels along the link, with the word on it (`TLS`, `words`, `sealed`).
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct Traveller(pub String);

pub(in crate::viewer) fn card_width(t: &Token) -> f32 {
    match t.piece {
        Piece::BagKey => (24.0 + t.bytes as f32 * 0.4).clamp(44.0, 60.0),
        _ => {
            // Wide enough for its two lines at 18 px, and wider for more bytes; a card too
            // wide for the band wraps its first line (`card`).
            let (a, b) = card_lines(t);
            let a = a.first().map_or(0, |a| a.chars().count());
            let text = a.max(b.chars().count()) as f32 * FONT * 0.6 + 60.0;
            (210.0 + t.bytes as f32 * 0.3).max(text).max(220.0)
        }
    }
}

/// A card's lines: what the bytes are, as whole forms from the most detailed to the shortest
/// (the words, hex, the keys named, then counted), and their kind and size.
fn card_lines(t: &Token) -> (Vec<String>, String) {
    let size = t.bytes;
    match &t.look {
        Look::Words(w) => (
            vec![
                format!("\"{w}\""),
                format!(
                    "the words, {} characters: the inspector shows them",
                    w.chars().count()
                ),
            ],
            format!("words, {size} B"),
        ),
        Look::Sealed { what, hex } => (vec![hex.clone()], format!("{}, {size} B", what.label())),
        Look::Keys { said, short } => {
            (vec![said.clone(), short.clone()], format!("keys, {size} B"))
        }
        Look::Code(c) => (
            vec![c.clone(), "a web page's code".into()],
            format!("code, {size} B"),
        ),
        Look::Metadata => (vec!["metadata".into()], format!("{size} B")),
    }
}

/// A look's picture, colours and word.
pub(in crate::viewer) fn style(look: &Look) -> (Icon, Color, Color, &'static str) {
    match look {
        Look::Words(_) => (Icon::Letter, p::PLAIN_TINT, p::PLAIN, "words"),
        Look::Sealed { .. } => (Icon::Padlock, p::SEALED_TINT, p::SEALED, "sealed"),
        Look::Metadata => (Icon::Envelope, p::SEALED_TINT, p::SEALED, "metadata"),
        Look::Keys { .. } => (Icon::Key, p::KEYS_TINT, p::KEYS, "keys"),
        Look::Code(_) => (Icon::Browser, p::KEYS_TINT, p::KEYS, "code"),
    }
}

/// "a" or "an" before a word, by its first letter (the sealed layers' names are English).
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// What a TLS record carries, in words, for its tab: `inside: the words, sealed by TLS`, or
/// where that is too long for the band its short form `inside: the words` (the tab hangs
/// from the TLS record's card, which says it is sealed by TLS).
pub(in crate::viewer) fn inside_line(tokens: &[Token], short: bool) -> String {
    let what = match tokens.first().map(|t| &t.look) {
        _ if tokens.len() > 1 => format!("{} pieces", tokens.len()),
        Some(Look::Words(_)) => "the words".to_string(),
        Some(Look::Sealed { what, .. }) => format!("{} {}", article(what.label()), what.label()),
        Some(Look::Keys { .. }) => "keys".to_string(),
        Some(Look::Code(_)) => "a web page's code".to_string(),
        Some(Look::Metadata) | None => "metadata".to_string(),
    };
    if short {
        format!("inside: {what}")
    } else {
        format!("inside: {what}, sealed by TLS")
    }
}

/// The tab's line for a tab with room for `n` characters: the long form when it fits.
fn inside_fitting(tokens: &[Token], n: usize) -> String {
    let long = inside_line(tokens, false);
    if long.chars().count() <= n {
        long
    } else {
        inside_line(tokens, true)
    }
}

/// A card: its picture, and its lines (the words or hex, then kind and size).
pub(in crate::viewer) fn card(pt: &mut Painter, icons: Option<&Icons>, r: Rect, t: &Token) {
    let z = 6.0;
    let (icon, fill, ink, _) = style(&t.look);
    let e = pt.boxed(r, fill, ink, 3.0, z);
    pt.commands.entity(e).insert(TokenCard(t.look.clone()));
    if t.piece == Piece::BagKey {
        let ir = Rect::new(r.x + (r.w - 24.0) / 2.0, r.y + 4.0, 24.0, 24.0);
        icons::draw(pt, icons, Icon::Key, ir, ink, z + 0.1);
        pt.text_anchored(
            r.center().0,
            r.bottom() - 3.0,
            &format!("{}B", t.bytes),
            MIN_FONT,
            p::INK,
            Anchor::BOTTOM_CENTER,
            z + 0.2,
        );
        return;
    }
    let isz = (r.h - 14.0).min(32.0);
    let ir = Rect::new(r.x + 6.0, r.y + (r.h - isz) / 2.0, isz, isz);
    icons::draw(pt, icons, icon, ir, ink, z + 0.1);
    let (forms, line2) = card_lines(t);
    let x = ir.right() + 8.0;
    let step = FONT + 2.0;
    // Every line whole at 18 px: the first wraps when the card cannot be wide enough, and
    // gives way to a shorter form when it would need more rows than the card has.
    let rows = (((r.h - 2.0) / step).floor() as usize).max(2);
    let n = chars_fit(r.right() - x - 4.0, FONT);
    let wrapped: Vec<Vec<String>> = forms.iter().map(|f| wrap(f, n)).collect();
    let first = wrapped
        .iter()
        .find(|w| w.len() < rows)
        .or(wrapped.last())
        .cloned()
        .unwrap_or_default();
    let mut lines: Vec<(String, Color)> = first.into_iter().map(|l| (l, p::INK)).collect();
    lines.push((line2, p::MUTED));
    let top = r.y + (r.h - lines.len() as f32 * step) / 2.0 + 1.0;
    for (k, (line, color)) in lines.iter().enumerate() {
        pt.text(x, top + k as f32 * step, line, FONT, *color, z + 0.2);
    }
}

/// The tab under a TLS record's card: a small picture of what it carries and the words
/// "inside: .., sealed by TLS". Drawn behind the card, as if tucked inside it.
pub(in crate::viewer) fn tab(pt: &mut Painter, icons: Option<&Icons>, r: Rect, tokens: &[Token]) {
    let z = 5.8;
    let look = tokens.first().map_or(Look::Metadata, |t| t.look.clone());
    let (icon, _, ink, _) = style(&look);
    let e = pt.boxed(r, p::PAPER, ink, 2.0, z);
    pt.commands.entity(e).insert(TokenCard(look));
    let isz = r.h - 6.0;
    let ir = Rect::new(r.x + 5.0, r.y + 4.0, isz, isz);
    icons::draw(pt, icons, icon, ir, ink, z + 0.1);
    let x = ir.right() + 5.0;
    let text = inside_fitting(tokens, chars_fit(r.right() - x - 2.0, MIN_FONT));
    pt.text_anchored(
        x,
        r.y + 3.0 + (r.h - 3.0) / 2.0,
        &text,
        MIN_FONT,
        p::INK,
        Anchor::CENTER_LEFT,
        z + 0.2,
    );
}

/// The word on the traveller's pill: `TLS` (one record however many pieces it carries), the
/// outer layer's word, or for a fan-out row its word and count (`sealed x10`).
pub(in crate::viewer) fn traveller_label(tokens: &[Token]) -> String {
    match tokens.first() {
        Some(t) if t.tunnel.is_some() => "TLS".to_string(),
        Some(t) if tokens.len() > 1 => format!("{} x{}", style(&t.look).3, tokens.len()),
        Some(t) => style(&t.look).3.to_string(),
        None => String::new(),
    }
}

/// The traveller's pill around `at` for its word (none: the picture alone).
pub(in crate::viewer) fn traveller_rect(at: Point, label: &str) -> Rect {
    let h = 30.0;
    let w = match label.chars().count() {
        0 => 6.0 + 22.0 + 6.0,
        n => 10.0 + 22.0 + 4.0 + n as f32 * MIN_FONT * 0.6 + 6.0,
    };
    Rect::new(at.0 - w / 2.0, at.1 - h / 2.0, w, h)
}

/// The traveller: a pill with the outer layer's picture and its word (the picture alone when
/// `compact`, between two servers close together), centred on `at`.
pub(in crate::viewer) fn traveller(
    pt: &mut Painter,
    icons: Option<&Icons>,
    (at, compact): (Point, bool),
    tokens: &[Token],
) {
    let z = 7.0;
    let (icon, fill, ink, _) = match tokens.first() {
        Some(t) if t.tunnel.is_some() => (Icon::Padlock, p::TLS_TINT, p::TLS, "TLS"),
        Some(t) => style(&t.look),
        None => return,
    };
    let label = traveller_label(tokens);
    let r = traveller_rect(at, if compact { "" } else { &label });
    let e = pt.boxed(r, fill, ink, 3.0, z);
    pt.commands.entity(e).insert(Traveller(label.clone()));
    if compact {
        let icon_at = Rect::new(r.x + 6.0, r.y + 4.0, 22.0, 22.0);
        icons::draw(pt, icons, icon, icon_at, ink, z + 0.1);
        return;
    }
    icons::draw(
        pt,
        icons,
        icon,
        Rect::new(r.x + 6.0, r.y + 4.0, 22.0, 22.0),
        ink,
        z + 0.1,
    );
    pt.text_anchored(
        r.x + 32.0,
        r.center().1,
        &label,
        MIN_FONT,
        p::INK,
        Anchor::CENTER_LEFT,
        z + 0.2,
    );
}

/// The widths a TLS record's card and tab can take (the tab's long form, then its short
/// one) and the band they span (top, height).
pub(in crate::viewer) fn record_extent(air: Rect, t: &Token) -> (Vec<f32>, (f32, f32)) {
    let (w, y) = record_shape(air, t);
    let one = std::slice::from_ref(t);
    let width = |line: String| w.max(tab_width(air, &line) + 30.0);
    let long = width(inside_fitting(one, chars_fit(air.w - 76.0, MIN_FONT)));
    (
        vec![long, width(inside_line(one, true))],
        (y, OUTER_H + TAB_H),
    )
}

/// The width of the tab under a TLS record's card that says `line`.
fn tab_width(air: Rect, line: &str) -> f32 {
    (line.chars().count() as f32 * MIN_FONT * 0.6 + 36.0).min(air.w - 40.0)
}

/// A TLS record card's width and top.
fn record_shape(air: Rect, t: &Token) -> (f32, f32) {
    let hex = t.tunnel.as_deref().unwrap_or_default();
    let w = (hex.chars().count().max(21) as f32 * MIN_FONT * 0.6 + 52.0).min(air.w - 16.0);
    (w, air.y + (air.h - OUTER_H - TAB_H + 4.0) / 2.0)
}

/// One token on a TLS wire: the record's card (a padlock, its hex and size) with what it
/// carries as a tab tucked under it; over `at`, clear of the travelling `pill` where it can
/// be (the tab says less, `inside: the words`, if that makes room).
pub(in crate::viewer) fn record_card(
    pt: &mut Painter,
    icons: Option<&Icons>,
    air: Rect,
    (at, pill): (Point, Option<Rect>),
    t: &Token,
) -> Point {
    let hex = t.tunnel.clone().unwrap_or_default();
    let outer = Look::Sealed {
        what: Sealing::TlsRecord,
        hex: hex.clone(),
    };
    let (w, y) = record_shape(air, t);
    let one = std::slice::from_ref(t);
    let shape = |line: String| {
        let tab_w = tab_width(air, &line);
        let total = w.max(tab_w + 30.0);
        let x0 = row_clear_of(air, at, total, (y, OUTER_H + TAB_H), pill);
        (tab_w, total, x0)
    };
    let long = shape(inside_fitting(one, chars_fit(air.w - 76.0, MIN_FONT)));
    let (tab_w, x0) = match (long, shape(inside_line(one, true))) {
        ((tab_w, _, Some(x0)), _) => (tab_w, x0),
        (_, (tab_w, _, Some(x0))) => (tab_w, x0),
        ((tab_w, total, None), _) => (tab_w, row_x(air, at, total)),
    };
    let r = Rect::new(x0, y, w, OUTER_H);
    let e = pt.boxed(r, p::TLS_TINT, p::TLS, 3.0, 6.0);
    pt.commands.entity(e).insert(TokenCard(outer));
    let ir = Rect::new(r.x + 6.0, r.y + 6.0, 30.0, 30.0);
    icons::draw(pt, icons, Icon::Padlock, ir, p::TLS, 6.1);
    let x = ir.right() + 8.0;
    pt.text(x, r.y + 2.0, &hex, FONT, p::INK, 6.2);
    pt.text(
        x,
        r.y + 22.0,
        "TLS record (this hop)",
        MIN_FONT,
        p::MUTED,
        6.2,
    );
    let tr = Rect::new(x0 + 30.0, r.bottom() - 4.0, tab_w, TAB_H);
    tab(pt, icons, tr, std::slice::from_ref(t));
    (x0 + 30.0 + tab_w.min(w) / 2.0, tr.bottom())
}

/// A fan-out card's width: its real bytes at `scale` pixels a byte, and never too thin to see.
pub(in crate::viewer) fn fan_width(t: &Token, scale: f32) -> f32 {
    (t.bytes as f32 * scale).max(10.0)
}

/// `10 envelopes x 157 B = 1570 B`, or for a bag `1 content 161 B + 10 keys x 64 B = 801 B`.
pub fn fan_summary(tokens: &[Token]) -> String {
    let mut groups: Vec<(String, usize, usize)> = Vec::new();
    for t in tokens {
        let what = match (&t.piece, &t.look) {
            (Piece::BagKey, _) => "key".to_string(),
            (Piece::BagContent, _) => "content".to_string(),
            (_, Look::Sealed { what, .. }) => what.counted().to_string(),
            (_, Look::Words(_)) => "text".to_string(),
            (_, Look::Keys { .. }) => "keys".to_string(),
            (_, Look::Code(_)) => "code".to_string(),
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

/// A card in a fan-out row: its picture, and its byte count when there is room.
pub(in crate::viewer) fn small_card(pt: &mut Painter, icons: Option<&Icons>, r: Rect, t: &Token) {
    let z = 6.0;
    let (icon, fill, ink, _) = style(&t.look);
    let e = pt.boxed(r, fill, ink, 2.0, z);
    pt.commands.entity(e).insert(TokenCard(t.look.clone()));
    let label = format!("{}B", t.bytes);
    let label_w = label.len() as f32 * MIN_FONT * 0.6;
    let isz = (r.h - 8.0).min(r.w - 2.0).max(8.0);
    if t.piece == Piece::BagKey {
        let (cx, cy) = r.center();
        let ir = Rect::new(cx - isz / 2.0, cy - isz / 2.0, isz, isz);
        icons::draw(pt, icons, Icon::Key, ir, ink, z + 0.1);
        return;
    }
    let roomy = r.w >= isz + label_w + 14.0;
    let icon_x = if roomy {
        r.x + 4.0
    } else {
        r.center().0 - isz / 2.0
    };
    icons::draw(
        pt,
        icons,
        icon,
        Rect::new(icon_x, r.y + 4.0, isz, isz),
        ink,
        z + 0.1,
    );
    if roomy {
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
