//! The servers: side by side in the middle, left to right by layout hint then file order, each a
//! box with its name, its admins and a row per part, the rows' text as large as fits.

use std::collections::BTreeMap;

use super::{CHAR_W, MIN_FONT, NOWHERE, Rect, ServerBox};
use crate::scenario::{Node, Part, Reach, Scenario};

/// Room between two servers for a link and its marker.
const BETWEEN: f32 = 48.0;

/// The servers' boxes and rows.
pub(super) struct Servers {
    /// Server boxes, by server index.
    pub boxes: Vec<ServerBox>,
    /// Every server part's row.
    pub places: BTreeMap<Reach, Rect>,
    /// Text size for rows in server boxes.
    pub row_font: f32,
    /// Text size for server names.
    pub title_font: f32,
    /// Each server's place from left (0) to right (1), by server index.
    pub pos: Vec<f32>,
    /// The top of every server box.
    pub top: f32,
}

impl Servers {
    /// Lays out the servers in `mid` (between the device columns), under the tokens' band `air`
    /// and above `bottom`.
    pub(super) fn place(
        sc: &Scenario,
        presenter: bool,
        font: f32,
        mid: Rect,
        air: Rect,
        bottom: f32,
    ) -> Servers {
        let order = server_order(sc);
        // Servers sit 48 px apart and at least 36 px from the device columns: room for a link
        // and its marker.
        let k = sc.servers.len().max(1) as f32;
        let w =
            ((mid.w - 72.0 - (k - 1.0) * BETWEEN) / k).min(if presenter { 300.0 } else { 260.0 });
        let edge = (mid.w - k * w - (k - 1.0) * BETWEEN) / 2.0;
        let top = air.bottom() + 6.0;
        // Room under the servers for links that go around one.
        let detour_room = if sc.servers.len() > 2 { 26.0 } else { 0.0 };
        let row_font = row_font(sc, font, w, bottom - top - detour_room);
        let none = ServerBox {
            rect: NOWHERE,
            title: NOWHERE,
            admins: NOWHERE,
        };
        let mut boxes = vec![none; sc.servers.len()];
        let mut places = BTreeMap::new();
        for (i, &s) in order.iter().enumerate() {
            let x = mid.x + edge + i as f32 * (w + BETWEEN);
            let (b, rows) = server_box(s, &sc.servers[s].parts, x, top, w, row_font);
            boxes[s] = b;
            places.extend(rows);
        }
        Servers {
            boxes,
            places,
            row_font,
            title_font: title_font(sc, row_font, w),
            pos: positions(&order),
            top,
        }
    }
}

/// Servers left to right: by layout hint, then file order.
fn server_order(sc: &Scenario) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sc.servers.len()).collect();
    let key = |s: usize| {
        sc.layout
            .get(&Node::Server(s))
            .map_or(s as f32, |h| h.0 * 1000.0)
    };
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
    order
}

/// Each server's place from left (0) to right (1), by server index, from the order left to
/// right; a lone server sits in the middle.
fn positions(order: &[usize]) -> Vec<f32> {
    let mut pos = vec![0.5; order.len()];
    for (i, &s) in order.iter().enumerate() {
        pos[s] = if order.len() > 1 {
            i as f32 / (order.len() - 1) as f32
        } else {
            0.5
        };
    }
    pos
}

/// Text size for the rows in boxes `w` wide: the body size (2 less in narrow boxes), smaller
/// down to MIN_FONT while the tallest box is taller than `room`, then scaled down to fit.
fn row_font(sc: &Scenario, font: f32, w: f32, room: f32) -> f32 {
    let most_parts = sc.servers.iter().map(|s| s.parts.len()).max().unwrap_or(1) as f32;
    let mut row_font = if w < 200.0 { font - 2.0 } else { font };
    let server_h = |f: f32| (f + 10.0) * (most_parts + 1.0) + f + 6.0 + 8.0;
    while server_h(row_font) > room && row_font > MIN_FONT {
        row_font -= 1.0;
    }
    let vk = (room / server_h(row_font)).min(1.0);
    (row_font * vk).max(9.0)
}

/// Text size for server names: the rows' size, smaller if the longest name needs it (but not
/// under MIN_FONT).
fn title_font(sc: &Scenario, row_font: f32, w: f32) -> f32 {
    let longest_server = sc
        .servers
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(1) as f32;
    (row_font)
        .min((w - 12.0) / (longest_server * CHAR_W))
        .max(MIN_FONT.min(row_font))
}

/// Server `s`'s box at (`x`, `top`), `w` wide: its name row, its admins row and a row per part.
fn server_box(
    s: usize,
    parts: &[Part],
    x: f32,
    top: f32,
    w: f32,
    row_font: f32,
) -> (ServerBox, Vec<(Reach, Rect)>) {
    let (part_h, title_h, admin_h) = ((row_font + 10.0), (row_font + 10.0), (row_font + 6.0));
    let n = parts.len() as f32;
    let rect = Rect::new(x, top, w, title_h + admin_h + n * part_h + 8.0);
    let title = Rect::new(x, top, w, title_h);
    let admins = Rect::new(x + 4.0, title.bottom(), w - 8.0, admin_h);
    let rows = parts
        .iter()
        .enumerate()
        .map(|(j, &part)| {
            let r = Rect::new(
                x + 6.0,
                admins.bottom() + j as f32 * part_h + 2.0,
                w - 12.0,
                part_h - 4.0,
            );
            (Reach::ServerPart(s, part), r)
        })
        .collect();
    let b = ServerBox {
        rect,
        title,
        admins,
    };
    (b, rows)
}
