//! Where everything goes: a pure function of the [`Scenario`], in a virtual 1280 x 720 canvas
//! that [`Fit`] scales to the window (or image), letterboxed. Nothing overlaps in the virtual
//! canvas, so nothing overlaps at 1280 x 720 or 1920 x 1080.
//!
//! People and their devices sit in the left and right columns, servers side by side in the
//! middle (by the scenario's layout hints, else in file order), tokens fly in the band above
//! the servers, observers sit in a strip below, the event list on the right and the inspector
//! along the bottom.

use std::collections::BTreeMap;

use crate::scenario::{DevicePart, Node, Part, Reach, Scenario};

/// Virtual canvas width.
pub const VW: f32 = 1280.0;
/// Virtual canvas height.
pub const VH: f32 = 720.0;
/// Body text size in virtual pixels (18 px at 720p).
pub const FONT: f32 = 18.0;
/// Width of one character of the monospaced font, per pixel of font size.
pub const CHAR_W: f32 = 0.6;

/// An axis-aligned rectangle, top-left origin, y down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// A rectangle.
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }
    /// Centre.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    /// Right edge.
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    /// Whether two rectangles share interior area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() - 0.01
            && o.x < self.right() - 0.01
            && self.y < o.bottom() - 0.01
            && o.y < self.bottom() - 0.01
    }
    /// Whether `o` lies inside this rectangle.
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x - 0.01
            && o.y >= self.y - 0.01
            && o.right() <= self.right() + 0.01
            && o.bottom() <= self.bottom() + 0.01
    }
    /// Shrunk by `d` on every side.
    pub fn inset(&self, d: f32) -> Rect {
        Rect::new(
            self.x + d,
            self.y + d,
            (self.w - 2.0 * d).max(0.0),
            (self.h - 2.0 * d).max(0.0),
        )
    }
}

/// How many characters of text at `size` fit in `width`.
pub fn chars_fit(width: f32, size: f32) -> usize {
    (width / (size * CHAR_W)).floor().max(0.0) as usize
}

/// Cuts text to `n` characters, ending in `..` when cut.
pub fn fit(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let keep = n.saturating_sub(2);
    let mut out: String = text.chars().take(keep).collect();
    out.push_str("..");
    out
}

/// A person's heading and their devices.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonBox {
    /// Index into the scenario's people.
    pub person: usize,
    /// The name label.
    pub label: Rect,
    /// On the left (else the right).
    pub left: bool,
}

/// A server's box and its inner rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerBox {
    /// The whole box.
    pub rect: Rect,
    /// The name row.
    pub title: Rect,
    /// The admins row.
    pub admins: Rect,
}

/// The whole layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Title, model, viewing-as and step caption.
    pub header: Rect,
    /// The network: people, devices, servers, links.
    pub stage: Rect,
    /// Band where tokens fly, above the servers.
    pub air: Rect,
    /// The observer strip under the network.
    pub strip: Rect,
    /// The event list.
    pub events: Rect,
    /// The inspector.
    pub inspector: Rect,
    /// Person headings.
    pub people: Vec<PersonBox>,
    /// Device boxes, by device index.
    pub devices: Vec<Rect>,
    /// Server boxes, by server index.
    pub servers: Vec<ServerBox>,
    /// Every server part and device part.
    pub places: BTreeMap<Reach, Rect>,
    /// Each link's two ends (from, to), by link index.
    pub links: Vec<((f32, f32), (f32, f32))>,
    /// Observer chips, by observer index.
    pub observers: Vec<Rect>,
    /// Text size for rows in boxes (18, smaller only when a scenario is too big for the canvas).
    pub row_font: f32,
    /// Text size for observer chips.
    pub chip_font: f32,
}

/// Maps the virtual canvas to a real one of `width` x `height` pixels, letterboxed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Real pixels per virtual pixel.
    pub scale: f32,
    /// Real width.
    pub width: f32,
    /// Real height.
    pub height: f32,
}

impl Fit {
    /// The fit for a real canvas.
    pub fn new(width: f32, height: f32) -> Fit {
        let scale = (width / VW).min(height / VH).max(0.05);
        Fit {
            scale,
            width,
            height,
        }
    }
    /// Virtual (x, y), top-left origin, to Bevy world coordinates (centre origin, y up).
    pub fn world(&self, x: f32, y: f32) -> (f32, f32) {
        ((x - VW / 2.0) * self.scale, (VH / 2.0 - y) * self.scale)
    }
    /// Real (window) pixel position, top-left origin, to virtual.
    pub fn to_virtual(&self, px: f32, py: f32) -> (f32, f32) {
        (
            (px - self.width / 2.0) / self.scale + VW / 2.0,
            (py - self.height / 2.0) / self.scale + VH / 2.0,
        )
    }
}

const SIDE_W: f32 = 168.0;
const GAP: f32 = 10.0;
const STAGE: Rect = Rect::new(0.0, 100.0, 930.0, 456.0);
const AIR_H: f32 = 70.0;
const STRIP_H: f32 = 150.0;
const PART_H: f32 = 28.0;
const TITLE_H: f32 = 28.0;
const DEV_H: f32 = 84.0;
const DEV_STEP: f32 = 88.0;
const ADMIN_H: f32 = 24.0;

/// Which side each person sits on: their device's layout hint, else balance by device count
/// with the first sender on the left.
fn sides(sc: &Scenario) -> Vec<bool> {
    let first_sender = sc.messages.first().map(|m| m.from);
    let mut left_count = 0usize;
    let mut right_count = 0usize;
    let mut order: Vec<usize> = (0..sc.people.len()).collect();
    if let Some(f) = first_sender {
        order.retain(|&p| p != f);
        order.insert(0, f);
    }
    let mut side = vec![true; sc.people.len()];
    for p in order {
        let hint = sc.people[p]
            .devices
            .iter()
            .find_map(|&d| sc.layout.get(&Node::Device(d)).map(|&(x, _)| x < 0.5));
        let left = hint.unwrap_or(left_count <= right_count);
        let n = sc.people[p].devices.len().max(1);
        if left {
            left_count += n;
        } else {
            right_count += n;
        }
        side[p] = left;
    }
    side
}

impl Layout {
    /// Lays out a scenario.
    pub fn new(sc: &Scenario) -> Layout {
        let header = Rect::new(0.0, 0.0, VW, 96.0);
        let events = Rect::new(940.0, 100.0, VW - 948.0, 456.0);
        let inspector = Rect::new(0.0, 562.0, VW, VH - 562.0);
        let strip = Rect::new(STAGE.x, STAGE.bottom() - STRIP_H, STAGE.w, STRIP_H);
        let net = Rect::new(STAGE.x, STAGE.y, STAGE.w, STAGE.h - STRIP_H - 6.0);
        let mid = Rect::new(
            net.x + SIDE_W + GAP,
            net.y,
            net.w - 2.0 * (SIDE_W + GAP),
            net.h,
        );
        let air = Rect::new(mid.x, mid.y, mid.w, AIR_H);

        // People and devices.
        let side = sides(sc);
        let mut devices = vec![Rect::new(0.0, 0.0, 0.0, 0.0); sc.devices.len()];
        let mut people = Vec::new();
        let mut places = BTreeMap::new();
        let mut row_font: f32 = FONT;
        for left in [true, false] {
            let ps: Vec<usize> = (0..sc.people.len()).filter(|&p| side[p] == left).collect();
            let n_dev: usize = ps.iter().map(|&p| sc.people[p].devices.len()).sum();
            let want = ps.len() as f32 * 26.0 + n_dev as f32 * DEV_STEP;
            let k = (net.h / want.max(1.0)).min(1.0);
            if k < 1.0 {
                row_font = row_font.min((FONT * k).max(9.0));
            }
            let x = if left {
                net.x + 4.0
            } else {
                net.right() - SIDE_W - 4.0
            };
            let mut y = net.y;
            for &p in &ps {
                let label = Rect::new(x, y, SIDE_W, 26.0 * k);
                people.push(PersonBox {
                    person: p,
                    label,
                    left,
                });
                y += 26.0 * k;
                for &d in &sc.people[p].devices {
                    let r = Rect::new(x, y, SIDE_W, DEV_H * k);
                    devices[d] = r;
                    let row = Rect::new(x + 5.0, y + 27.0 * k, SIDE_W - 10.0, 25.0 * k);
                    places.insert(Reach::DevicePart(d, DevicePart::Memory), row);
                    places.insert(
                        Reach::DevicePart(d, DevicePart::Keystore),
                        Rect::new(row.x, row.bottom() + 3.0 * k, row.w, row.h),
                    );
                    y += DEV_STEP * k;
                }
            }
        }

        // Servers, side by side, by hint then file order.
        let mut order: Vec<usize> = (0..sc.servers.len()).collect();
        order.sort_by(|&a, &b| {
            let ha = sc
                .layout
                .get(&Node::Server(a))
                .map_or(a as f32, |h| h.0 * 1000.0);
            let hb = sc
                .layout
                .get(&Node::Server(b))
                .map_or(b as f32, |h| h.0 * 1000.0);
            ha.total_cmp(&hb).then(a.cmp(&b))
        });
        let k = sc.servers.len().max(1) as f32;
        let w = ((mid.w - (k + 1.0) * 20.0) / k).min(250.0);
        let gap = (mid.w - k * w) / (k + 1.0);
        let top = air.bottom() + 6.0;
        let most_parts = sc.servers.iter().map(|s| s.parts.len()).max().unwrap_or(1) as f32;
        let want = TITLE_H + ADMIN_H + most_parts * PART_H + 8.0;
        let vk = ((net.bottom() - top) / want).min(1.0);
        if vk < 1.0 || w < 200.0 {
            row_font = row_font
                .min((FONT * vk).max(9.0))
                .min(if w < 200.0 { 16.0 } else { FONT });
        }
        let mut servers = vec![
            ServerBox {
                rect: Rect::new(0.0, 0.0, 0.0, 0.0),
                title: Rect::new(0.0, 0.0, 0.0, 0.0),
                admins: Rect::new(0.0, 0.0, 0.0, 0.0),
            };
            sc.servers.len()
        ];
        for (i, &s) in order.iter().enumerate() {
            let x = mid.x + gap + i as f32 * (w + gap);
            let n = sc.servers[s].parts.len() as f32;
            let rect = Rect::new(x, top, w, (TITLE_H + ADMIN_H + n * PART_H + 8.0) * vk);
            let title = Rect::new(x, top, w, TITLE_H * vk);
            let admins = Rect::new(x + 4.0, title.bottom(), w - 8.0, ADMIN_H * vk);
            for (j, &part) in sc.servers[s].parts.iter().enumerate() {
                let r = Rect::new(
                    x + 6.0,
                    admins.bottom() + j as f32 * PART_H * vk + 2.0 * vk,
                    w - 12.0,
                    (PART_H - 4.0) * vk,
                );
                places.insert(Reach::ServerPart(s, part), r);
            }
            servers[s] = ServerBox {
                rect,
                title,
                admins,
            };
        }

        // Links: device ends at the box's inner side, server ends at the title row.
        let anchor = |node: Node, towards: f32| -> (f32, f32) {
            match node {
                Node::Device(d) => {
                    let r = devices[d];
                    let x = if r.center().0 < towards {
                        r.right()
                    } else {
                        r.x
                    };
                    (x, r.y + 14.0 * (r.h / DEV_H))
                }
                Node::Server(s) => {
                    let r = servers[s].title;
                    let x = if r.center().0 < towards {
                        r.right()
                    } else {
                        r.x
                    };
                    (x, r.center().1)
                }
            }
        };
        let center_x = |node: Node| match node {
            Node::Device(d) => devices[d].center().0,
            Node::Server(s) => servers[s].rect.center().0,
        };
        let links = sc
            .links
            .iter()
            .map(|l| {
                (
                    anchor(l.from, center_x(l.to)),
                    anchor(l.to, center_x(l.from)),
                )
            })
            .collect();

        // Observers: a strip of chips, up to six a row.
        let n = sc.observers.len();
        // Two lines a chip: up to three rows, three or four wide, so names stay readable.
        let cols = match n {
            0..=3 => n.max(1),
            4..=6 => 3,
            7..=12 => 4,
            _ => n.div_ceil(3),
        };
        let rows = n.div_ceil(cols).max(1);
        let cw = (strip.w - (cols as f32 + 1.0) * 6.0) / cols as f32;
        let ch = (strip.h - (rows as f32 + 1.0) * 4.0) / rows as f32;
        let observers = (0..n)
            .map(|o| {
                let (r, c) = (o / cols, o % cols);
                Rect::new(
                    strip.x + 6.0 + c as f32 * (cw + 6.0),
                    strip.y + 4.0 + r as f32 * (ch + 4.0),
                    cw,
                    ch,
                )
            })
            .collect();
        let chip_font = (ch / 2.4).clamp(8.0, FONT);

        Layout {
            header,
            stage: STAGE,
            air,
            strip,
            events,
            inspector,
            people,
            devices,
            servers,
            places,
            links,
            observers,
            row_font,
            chip_font,
        }
    }

    /// The box of a node.
    pub fn node_rect(&self, node: Node) -> Rect {
        match node {
            Node::Device(d) => self.devices[d],
            Node::Server(s) => self.servers[s].rect,
        }
    }

    /// Where a place is drawn: a part's row, or a link's midpoint.
    pub fn place_point(&self, place: Reach) -> (f32, f32) {
        match place {
            Reach::Wire(l) => {
                let ((ax, ay), (bx, by)) = self.links[l];
                ((ax + bx) / 2.0, (ay + by) / 2.0)
            }
            other => self
                .places
                .get(&other)
                .map_or((VW / 2.0, VH / 2.0), Rect::center),
        }
    }

    /// Every rectangle that must not overlap another, with a name for failures.
    pub fn solid_rects(&self) -> Vec<(String, Rect)> {
        let mut out = vec![
            ("header".to_string(), self.header),
            ("events".to_string(), self.events),
            ("inspector".to_string(), self.inspector),
            ("air".to_string(), self.air),
            ("strip".to_string(), self.strip),
        ];
        for p in &self.people {
            out.push((format!("person {}", p.person), p.label));
        }
        for (d, r) in self.devices.iter().enumerate() {
            out.push((format!("device {d}"), *r));
        }
        for (s, b) in self.servers.iter().enumerate() {
            out.push((format!("server {s}"), b.rect));
        }
        out
    }
}

/// Labels for server parts, short enough for narrow boxes.
pub fn part_label(part: Part) -> &'static str {
    match part {
        Part::TlsFront => "TLS front",
        Part::AppMemory => "app memory",
        Part::Database => "database",
        Part::Backup => "backup",
        Part::KeyVault => "key vault",
        Part::KeyDirectory => "key directory",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::SHIPPED;

    fn check(sc: &Scenario) {
        let l = Layout::new(sc);
        let solid = l.solid_rects();
        let canvas = Rect::new(0.0, 0.0, VW, VH);
        for (i, (a, ra)) in solid.iter().enumerate() {
            assert!(canvas.contains(ra), "{a} {ra:?} leaves the canvas");
            for (b, rb) in &solid[i + 1..] {
                assert!(!ra.overlaps(rb), "{a} {ra:?} overlaps {b} {rb:?}");
            }
        }
        for (o, r) in l.observers.iter().enumerate() {
            assert!(l.strip.contains(r), "observer {o} outside the strip");
            for r2 in &l.observers[o + 1..] {
                assert!(!r.overlaps(r2), "observers overlap");
            }
        }
        let places: Vec<_> = l.places.iter().collect();
        for (i, (pa, ra)) in places.iter().enumerate() {
            for (pb, rb) in &places[i + 1..] {
                assert!(!ra.overlaps(rb), "{pa:?} overlaps {pb:?}");
            }
        }
        for (s, b) in l.servers.iter().enumerate() {
            for part in &sc.servers[s].parts {
                let r = l.places[&Reach::ServerPart(s, *part)];
                assert!(b.rect.contains(&r), "part {part:?} outside server {s}");
            }
        }
        assert!(l.row_font >= 9.0 && l.chip_font >= 8.0);
    }

    #[test]
    fn shipped_scenes_lay_out_without_overlap() {
        for (name, text) in SHIPPED {
            let sc = Scenario::parse(text, name).expect("shipped scenes parse");
            check(&sc);
        }
    }

    #[test]
    fn big_scene_lays_out_without_overlap() {
        // Four people with three devices each, three servers, twelve observers.
        let mut people = String::new();
        let mut links = String::new();
        for p in 0..4 {
            let devs: Vec<String> = (0..3).map(|d| format!("\"p{p}-d{d}\"")).collect();
            people.push_str(&format!("(name: \"P{p}\", devices: [{}]),", devs.join(",")));
            for d in 0..3 {
                links.push_str(&format!(
                    "(from: \"p{p}-d{d}\", to: \"s{}\", tls: true),",
                    p % 3
                ));
            }
        }
        let servers: Vec<String> = (0..3)
            .map(|s| {
                format!(
                    "(name: \"s{s}\", parts: [\"tls-front\", \"app-memory\", \"database\", \"backup\", \"key-vault\", \"key-directory\"], admins: [(name: \"a{s}\", can: [\"database-read\"])])"
                )
            })
            .collect();
        links.push_str(
            "(from: \"s0\", to: \"s1\", tls: true),(from: \"s1\", to: \"s2\", tls: false),",
        );
        let observers: Vec<String> = (0..12)
            .map(|o| {
                format!(
                    "(name: \"thief {o}\", role: \"database-thief\", reaches: [\"s{}/database\"])",
                    o % 3
                )
            })
            .collect();
        let text = format!(
            "(title: \"big\", about: \"big\", model: \"e2e\", people: [{people}], servers: [{}], links: [{links}], messages: [(id: \"m1\", from: \"P0\", to: [\"P1\", \"P2\", \"P3\"], text: \"hello all\")], observers: [{}])",
            servers.join(","),
            observers.join(",")
        );
        let sc = Scenario::parse(&text, "big.ron").expect("the big scene parses");
        check(&sc);
    }

    #[test]
    fn fit_letterboxes_and_round_trips() {
        let f = Fit::new(1920.0, 1080.0);
        assert!((f.scale - 1.5).abs() < 1e-6);
        let (x, y) = f.world(0.0, 0.0);
        assert!((x + 960.0).abs() < 1e-3 && (y - 540.0).abs() < 1e-3);
        let (vx, vy) = f.to_virtual(960.0, 540.0);
        assert!((vx - VW / 2.0).abs() < 1e-3 && (vy - VH / 2.0).abs() < 1e-3);
        assert_eq!(fit("abcdefgh", 5), "abc..");
        assert_eq!(fit("abc", 5), "abc");
    }
}
