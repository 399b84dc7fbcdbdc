//! The servers: side by side in the middle, left to right by layout hint then file order, each a
//! box with its name, its admins and a row per part, the rows' text as large as fits.

use std::collections::BTreeMap;

use super::{CHAR_W, MIN_FONT, NOWHERE, Rect, ServerBox, chars_fit};
use crate::scenario::{Node, Part, Reach, Scenario, Server};
use crate::viewer::text::wrap;

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
        let (row_font, pad) = row_font(sc, font, w, bottom - top - detour_room);
        let title_font = title_font(sc, row_font, w);
        let none = ServerBox {
            rect: NOWHERE,
            title: NOWHERE,
            admins: NOWHERE,
        };
        let mut boxes = vec![none; sc.servers.len()];
        let mut places = BTreeMap::new();
        for (i, &s) in order.iter().enumerate() {
            let x = mid.x + edge + i as f32 * (w + BETWEEN);
            let server = &sc.servers[s];
            let lines = (
                title_lines(&server.name, w, title_font).0.len(),
                admin_lines(server, w, row_font).len(),
            );
            let (b, rows) = server_box(s, &server.parts, (x, top, w), (row_font, pad), lines);
            boxes[s] = b;
            places.extend(rows);
        }
        Servers {
            boxes,
            places,
            row_font,
            title_font,
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

/// Text size and padding of the rows in boxes `w` wide: the body size, smaller down to
/// MIN_FONT while the tallest box is taller than `room`, then tighter rows, then (only past any
/// shipped scene) scaled down to fit.
fn row_font(sc: &Scenario, font: f32, w: f32, room: f32) -> (f32, f32) {
    let server_h = |f: f32, pad: f32| {
        sc.servers
            .iter()
            .map(|s| {
                let admins = admin_lines(s, w, f).len().max(1) as f32;
                (f + pad) * s.parts.len() as f32 + f + 10.0 + admins * (f + 2.0) + 12.0
            })
            .fold(0.0, f32::max)
    };
    let (mut f, mut pad) = (font, 10.0);
    while server_h(f, pad) > room && f > MIN_FONT {
        f -= 1.0;
    }
    while server_h(f, pad) > room && pad > 4.0 {
        pad -= 1.0;
    }
    let vk = (room / server_h(f, pad)).min(1.0);
    ((f * vk).max(9.0), pad)
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

/// The admins line of a server (`admins: Sam, Dana`).
pub fn admins_text(server: &Server) -> String {
    if server.admins.is_empty() {
        return "no admins".to_string();
    }
    let names: Vec<&str> = server.admins.iter().map(|a| a.name.as_str()).collect();
    format!("admins: {}", names.join(", "))
}

/// The admins line wrapped to a box `w` wide at text size `f`.
pub fn admin_lines(server: &Server, w: f32, f: f32) -> Vec<String> {
    wrap(&admins_text(server), chars_fit(w - 12.0, f))
}

/// A server's name in its title bar `w` wide at text size `f`, and whether its picture goes
/// before it: one line with the picture, or a host name broken before its dots
/// (`mail.alice` / `.example`), the picture after the last line where that saves a line;
/// never cut.
pub fn title_lines(name: &str, w: f32, f: f32) -> (Vec<String>, bool) {
    let with = dotted_lines(name, chars_fit(w - 20.0 - (f + 4.0), f));
    let without = dotted_lines(name, chars_fit(w - 14.0, f));
    // Without the picture before the name, it goes after the last line: room for it there.
    let room_after = without
        .last()
        .is_some_and(|l| l.chars().count() as f32 * f * CHAR_W + f + 10.0 <= w - 14.0);
    if without.len() < with.len() && room_after {
        (without, false)
    } else {
        (with, true)
    }
}

/// `name` in lines of at most `n` characters, broken before a dot where it can.
fn dotted_lines(name: &str, n: usize) -> Vec<String> {
    if name.chars().count() <= n || name.contains(' ') {
        return wrap(name, n);
    }
    let mut lines: Vec<String> = Vec::new();
    for (k, piece) in name.split('.').enumerate() {
        let piece = if k == 0 {
            piece.to_string()
        } else {
            format!(".{piece}")
        };
        match lines.last_mut() {
            Some(last) if last.chars().count() + piece.chars().count() <= n => {
                last.push_str(&piece)
            }
            _ => lines.extend(wrap(&piece, n)),
        }
    }
    lines
}

/// Server `s`'s box at (`x`, `top`), `w` wide: its name row, its admins row and a row per part;
/// `pad` is the room around a row's text, `lines` how many lines its title and admins take.
fn server_box(
    s: usize,
    parts: &[Part],
    (x, top, w): (f32, f32, f32),
    (row_font, pad): (f32, f32),
    lines: (usize, usize),
) -> (ServerBox, Vec<(Reach, Rect)>) {
    let part_h = row_font + pad;
    let title_h = lines.0.max(1) as f32 * (row_font + 2.0) + 8.0;
    let admin_h = lines.1.max(1) as f32 * (row_font + 2.0) + 4.0;
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
