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

/// Shortens a one-line label to at most `n` characters by the rule in docs/viewer.md, never by
/// cutting to "..": see [`super::text::abbreviate`]. Text that fits is unchanged.
pub fn fit(text: &str, n: usize) -> String {
    super::text::abbreviate(text, n)
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
    /// Presenter mode: bigger text, a caption instead of the event list and inspector.
    pub presenter: bool,
    /// Body text size (18 px at 720p, 22 in presenter mode).
    pub font: f32,
    /// Title, model, viewing-as and step caption.
    pub header: Rect,
    /// The network: people, devices, servers, links.
    pub stage: Rect,
    /// Band where tokens fly, above the servers.
    pub air: Rect,
    /// The observer strip under the network.
    pub strip: Rect,
    /// The event list (empty in presenter mode).
    pub events: Rect,
    /// The inspector (empty in presenter mode).
    pub inspector: Rect,
    /// The presenter's caption (empty outside presenter mode).
    pub caption: Rect,
    /// Person headings.
    pub people: Vec<PersonBox>,
    /// Device boxes, by device index.
    pub devices: Vec<Rect>,
    /// Each device's name row, by device index.
    pub device_names: Vec<Rect>,
    /// Devices drawn compactly: memory and keys side by side under the name.
    pub compact: bool,
    /// Server boxes, by server index.
    pub servers: Vec<ServerBox>,
    /// Every server part and device part.
    pub places: BTreeMap<Reach, Rect>,
    /// Each link's path from its `from` end to its `to` end, by link index: two points, or
    /// more when it goes around a box.
    pub links: Vec<Vec<(f32, f32)>>,
    /// Where each link's one `TLS` / `no TLS` marker goes (its centre), by link index.
    pub link_markers: Vec<(f32, f32)>,
    /// Observer chips, by observer index.
    pub observers: Vec<Rect>,
    /// Text size for rows in server boxes.
    pub row_font: f32,
    /// Text size for server names.
    pub title_font: f32,
    /// Text size for people, devices and their parts (at least 14 for every shipped scene).
    pub device_font: f32,
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
    /// The text size of panels, the step list and the inspector, in virtual pixels: 18 px on
    /// screen at 1280 x 720 and smaller, and on a bigger window growing only with the square
    /// root of the scale (22 px at 1920 x 1080), so a bigger window shows more text rather than
    /// the same text larger.
    pub fn body_font(&self) -> f32 {
        FONT / self.scale.max(1.0).sqrt()
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

const GAP: f32 = 10.0;
/// The smallest text a crowded scene gets before boxes themselves shrink.
pub const MIN_FONT: f32 = 14.0;

/// Which side each person sits on: their device's layout hint; else the side of the servers
/// their devices link to (so links do not cross the other servers); else balance by device
/// count, with the first sender on the left.
fn sides(sc: &Scenario, server_pos: &[f32]) -> Vec<bool> {
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
        let devs = &sc.people[p].devices;
        let hint = devs
            .iter()
            .find_map(|&d| sc.layout.get(&Node::Device(d)).map(|&(x, _)| x < 0.5));
        let linked: Vec<f32> = sc
            .links
            .iter()
            .filter_map(|l| match (l.from, l.to) {
                (Node::Device(d), Node::Server(s)) | (Node::Server(s), Node::Device(d))
                    if devs.contains(&d) =>
                {
                    server_pos.get(s).copied()
                }
                _ => None,
            })
            .collect();
        let servers_side = if linked.is_empty() || server_pos.len() < 2 {
            None
        } else {
            let mean = linked.iter().sum::<f32>() / linked.len() as f32;
            if mean < 0.49 {
                Some(true)
            } else if mean > 0.51 {
                Some(false)
            } else {
                None
            }
        };
        let left = hint
            .or(if Some(p) == first_sender {
                None
            } else {
                servers_side
            })
            .unwrap_or(left_count <= right_count);
        let n = devs.len().max(1);
        if left {
            left_count += n;
        } else {
            right_count += n;
        }
        side[p] = left;
    }
    side
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

/// Heights of a device column at text size `f`: (person label, device box, step between).
fn device_rows(f: f32, compact: bool) -> (f32, f32, f32) {
    let name_h = f + 9.0;
    let row_h = f + 7.0;
    let dev_h = if compact {
        name_h + row_h + 4.0
    } else {
        name_h + 2.0 * row_h + 7.0
    };
    (f + 8.0, dev_h, dev_h + 4.0)
}

impl Layout {
    /// Lays out a scenario in the ordinary view.
    pub fn new(sc: &Scenario) -> Layout {
        Layout::with(sc, false)
    }

    /// Lays out a scenario, in presenter mode or not.
    pub fn with(sc: &Scenario, presenter: bool) -> Layout {
        let font = if presenter { 22.0 } else { FONT };
        let (header, stage, events, inspector, caption) = if presenter {
            (
                Rect::new(0.0, 0.0, VW, 40.0),
                Rect::new(0.0, 44.0, VW, 500.0),
                Rect::new(0.0, 0.0, 0.0, 0.0),
                Rect::new(0.0, 0.0, 0.0, 0.0),
                Rect::new(0.0, 550.0, VW, VH - 550.0),
            )
        } else {
            (
                Rect::new(0.0, 0.0, VW, 96.0),
                Rect::new(0.0, 100.0, 930.0, 456.0),
                Rect::new(940.0, 100.0, VW - 948.0, 456.0),
                Rect::new(0.0, 562.0, VW, VH - 562.0),
                Rect::new(0.0, 0.0, 0.0, 0.0),
            )
        };

        // Observers: a strip of chips, two lines each, only as tall as it needs to be.
        let n_obs = sc.observers.len();
        let cols = match (n_obs, presenter) {
            (0..=3, _) => n_obs.max(1),
            (4, true) => 4,
            (4..=6, false) => 3,
            (5..=8, true) => 4,
            (7..=12, false) => 4,
            (9..=15, true) => 5,
            _ => n_obs.div_ceil(3),
        };
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
        let strip = Rect::new(stage.x, stage.bottom() - strip_h, stage.w, strip_h);
        let net = Rect::new(stage.x, stage.y, stage.w, stage.h - strip_h - 6.0);
        let cw = (strip.w - (cols as f32 + 1.0) * 6.0) / cols as f32;
        let observers = (0..n_obs)
            .map(|o| {
                let (r, c) = (o / cols, o % cols);
                Rect::new(
                    strip.x + 6.0 + c as f32 * (cw + 6.0),
                    strip.y + 4.0 + r as f32 * (chip_h + 4.0),
                    cw,
                    chip_h,
                )
            })
            .collect();

        // Side columns: wide enough for the longest name, within bounds.
        let longest = sc
            .devices
            .iter()
            .map(|d| d.name.chars().count())
            .chain(sc.people.iter().map(|p| p.name.chars().count()))
            .max()
            .unwrap_or(8) as f32;
        // Room for the name and the device's picture before it; not more, so that a fan-out
        // of ten envelopes still fits the band above the servers at its fixed scale.
        let side_w =
            (longest * font * CHAR_W + 30.0).clamp(150.0, if presenter { 230.0 } else { 200.0 });
        let mid = Rect::new(
            net.x + side_w + GAP + 4.0,
            net.y,
            net.w - 2.0 * (side_w + GAP + 4.0),
            net.h,
        );
        // Tokens fly above the servers, clear of the link markers beside the devices.
        let air = Rect::new(
            mid.x + 52.0,
            mid.y,
            mid.w - 104.0,
            if presenter { 80.0 } else { 70.0 },
        );

        // Servers first (people's sides depend on where their servers are).
        let order = server_order(sc);
        let mut server_pos = vec![0.5; sc.servers.len()];
        for (i, &s) in order.iter().enumerate() {
            server_pos[s] = if order.len() > 1 {
                i as f32 / (order.len() - 1) as f32
            } else {
                0.5
            };
        }
        // Servers sit 48 px apart and at least 36 px from the device columns: room for a link
        // and its marker.
        let k = sc.servers.len().max(1) as f32;
        let between = 48.0;
        let w =
            ((mid.w - 72.0 - (k - 1.0) * between) / k).min(if presenter { 300.0 } else { 260.0 });
        let edge = (mid.w - k * w - (k - 1.0) * between) / 2.0;
        let top = air.bottom() + 6.0;
        // Room under the servers for links that go around one.
        let detour_room = if sc.servers.len() > 2 { 26.0 } else { 0.0 };
        let room = net.bottom() - top - detour_room;
        let most_parts = sc.servers.iter().map(|s| s.parts.len()).max().unwrap_or(1) as f32;
        let mut row_font = if w < 200.0 { font - 2.0 } else { font };
        let server_h = |f: f32| (f + 10.0) * (most_parts + 1.0) + f + 6.0 + 8.0;
        while server_h(row_font) > room && row_font > MIN_FONT {
            row_font -= 1.0;
        }
        let vk = (room / server_h(row_font)).min(1.0);
        row_font = (row_font * vk).max(9.0);
        let (part_h, title_h, admin_h) = ((row_font + 10.0), (row_font + 10.0), (row_font + 6.0));
        let longest_server = sc
            .servers
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(1) as f32;
        let title_font = (row_font)
            .min((w - 12.0) / (longest_server * CHAR_W))
            .max(MIN_FONT.min(row_font));
        let mut servers = vec![
            ServerBox {
                rect: Rect::new(0.0, 0.0, 0.0, 0.0),
                title: Rect::new(0.0, 0.0, 0.0, 0.0),
                admins: Rect::new(0.0, 0.0, 0.0, 0.0),
            };
            sc.servers.len()
        ];
        let mut places = BTreeMap::new();
        for (i, &s) in order.iter().enumerate() {
            let x = mid.x + edge + i as f32 * (w + between);
            let n = sc.servers[s].parts.len() as f32;
            let rect = Rect::new(x, top, w, title_h + admin_h + n * part_h + 8.0);
            let title = Rect::new(x, top, w, title_h);
            let admins = Rect::new(x + 4.0, title.bottom(), w - 8.0, admin_h);
            for (j, &part) in sc.servers[s].parts.iter().enumerate() {
                let r = Rect::new(
                    x + 6.0,
                    admins.bottom() + j as f32 * part_h + 2.0,
                    w - 12.0,
                    part_h - 4.0,
                );
                places.insert(Reach::ServerPart(s, part), r);
            }
            servers[s] = ServerBox {
                rect,
                title,
                admins,
            };
        }

        // People and devices: parts stacked when there is room, else side by side under the
        // device's name, at the largest text size that fits (not under MIN_FONT unless even
        // that does not fit).
        let side = sides(sc, &server_pos);
        let columns: Vec<(bool, Vec<usize>, usize)> = [true, false]
            .into_iter()
            .map(|left| {
                let ps: Vec<usize> = (0..sc.people.len()).filter(|&p| side[p] == left).collect();
                let n_dev = ps.iter().map(|&p| sc.people[p].devices.len()).sum();
                (left, ps, n_dev)
            })
            .collect();
        let need = |f: f32, compact: bool| {
            columns
                .iter()
                .map(|(_, ps, n_dev)| {
                    let (label_h, _, step) = device_rows(f, compact);
                    ps.len() as f32 * label_h + *n_dev as f32 * step
                })
                .fold(0.0, f32::max)
        };
        let (mut device_font, mut compact, mut dk) = (font.min(FONT + 2.0), false, 1.0);
        if need(device_font, false) > net.h {
            compact = true;
            while need(device_font, true) > net.h && device_font > MIN_FONT {
                device_font -= 1.0;
            }
            dk = (net.h / need(device_font, true)).min(1.0);
            device_font = (device_font * dk).max(9.0);
        }
        let (label_h, dev_h, dev_step) = device_rows(device_font / dk, compact);
        let (label_h, dev_h, dev_step) = (label_h * dk, dev_h * dk, dev_step * dk);
        let mut devices = vec![Rect::new(0.0, 0.0, 0.0, 0.0); sc.devices.len()];
        let mut device_names = devices.clone();
        let mut people = Vec::new();
        for (left, ps, _) in &columns {
            let x = if *left {
                net.x + 4.0
            } else {
                net.right() - side_w - 4.0
            };
            let mut y = net.y;
            for &p in ps {
                let label = Rect::new(x, y, side_w, label_h);
                people.push(PersonBox {
                    person: p,
                    label,
                    left: *left,
                });
                y += label_h;
                for &d in &sc.people[p].devices {
                    let r = Rect::new(x, y, side_w, dev_h);
                    devices[d] = r;
                    let name_h = (device_font / dk + 9.0) * dk;
                    let row_h = (device_font / dk + 7.0) * dk;
                    device_names[d] = Rect::new(x, y, side_w, name_h);
                    let memory = if compact {
                        Rect::new(x + 5.0, y + name_h, (side_w - 13.0) / 2.0, row_h)
                    } else {
                        Rect::new(x + 5.0, y + name_h, side_w - 10.0, row_h)
                    };
                    let keys = if compact {
                        Rect::new(memory.right() + 3.0, memory.y, memory.w, row_h)
                    } else {
                        Rect::new(memory.x, memory.bottom() + 3.0 * dk, memory.w, row_h)
                    };
                    places.insert(Reach::DevicePart(d, DevicePart::Memory), memory);
                    places.insert(Reach::DevicePart(d, DevicePart::Keystore), keys);
                    y += dev_step;
                }
            }
        }

        // Links.
        let server_rects: Vec<Rect> = servers.iter().map(|b| b.rect).collect();
        let anchor_y: Vec<f32> = device_names.iter().map(|r| r.center().1).collect();
        let below = server_rects.iter().map(Rect::bottom).fold(top, f32::max) + 14.0;
        let (links, link_markers) = super::routes::route(
            sc,
            &super::routes::Boxes {
                devices: &devices,
                servers: &server_rects,
                device_anchor_y: &anchor_y,
                below,
                air,
            },
        );

        Layout {
            presenter,
            font,
            header,
            stage,
            air,
            strip,
            events,
            inspector,
            caption,
            people,
            devices,
            device_names,
            compact,
            servers,
            places,
            links,
            link_markers,
            observers,
            row_font,
            title_font,
            device_font,
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
            Reach::Wire(l) => self
                .links
                .get(l)
                .map_or((VW / 2.0, VH / 2.0), |p| super::routes::along(p, 0.5)),
            other => self
                .places
                .get(&other)
                .map_or((VW / 2.0, VH / 2.0), Rect::center),
        }
    }

    /// The rectangle of a link's marker (`TLS`, or `no TLS` when `tls` is false).
    pub fn marker_rect(&self, link: usize, tls: bool) -> Rect {
        let (x, y) = self
            .link_markers
            .get(link)
            .copied()
            .unwrap_or((VW / 2.0, VH / 2.0));
        let (w, h) = super::routes::marker_size(tls);
        Rect::new(x - w / 2.0, y - h / 2.0, w, h)
    }

    /// Where a link's footprint badge goes: `plain` (56 px wide) or `P` (20 px) under its
    /// marker, over it, or beside it, the first of those clear of boxes and other markers.
    pub fn link_badge(&self, link: usize, tls: bool) -> Rect {
        let m = self.marker_rect(link, tls);
        let solid = self.solid_rects();
        let blocked = |r: &Rect| {
            solid.iter().any(|(what, o)| what != "air" && r.overlaps(o))
                || (0..self.link_markers.len()).any(|j| {
                    j != link
                        && [true, false]
                            .iter()
                            .any(|&t| r.overlaps(&self.marker_rect(j, t)))
                })
        };
        let (cx, cy) = m.center();
        let candidates = [
            Rect::new(cx - 28.0, m.bottom() + 2.0, 56.0, 20.0),
            Rect::new(cx - 28.0, m.y - 22.0, 56.0, 20.0),
            Rect::new(cx - 10.0, m.bottom() + 2.0, 20.0, 20.0),
            Rect::new(cx - 10.0, m.y - 22.0, 20.0, 20.0),
            Rect::new(m.right() + 2.0, cy - 10.0, 20.0, 20.0),
            Rect::new(m.x - 22.0, cy - 10.0, 20.0, 20.0),
        ];
        candidates
            .iter()
            .find(|r| !blocked(r))
            .copied()
            .unwrap_or(candidates[2])
    }

    /// Every rectangle that must not overlap another, with a name for failures.
    pub fn solid_rects(&self) -> Vec<(String, Rect)> {
        let mut out = vec![
            ("header".to_string(), self.header),
            ("air".to_string(), self.air),
            ("strip".to_string(), self.strip),
        ];
        if self.presenter {
            out.push(("caption".to_string(), self.caption));
        } else {
            out.push(("events".to_string(), self.events));
            out.push(("inspector".to_string(), self.inspector));
        }
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

/// Short labels for server parts, for boxes too narrow for [`part_label`].
pub fn part_label_short(part: Part) -> &'static str {
    match part {
        Part::TlsFront => "TLS",
        Part::AppMemory => "app",
        Part::Database => "db",
        Part::Backup => "backup",
        Part::KeyVault => "vault",
        Part::KeyDirectory => "key dir",
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
    use super::super::routes;
    use super::*;
    use crate::scenario::SHIPPED;

    /// Nothing overlaps, every link avoids every box but its own two ends, link markers sit
    /// clear of boxes and of each other, and (for shipped scenes) no text is under `min_font`.
    fn check(sc: &Scenario, presenter: bool, min_font: f32) {
        check_with(sc, presenter, min_font, true)
    }

    fn check_with(sc: &Scenario, presenter: bool, min_font: f32, markers_clear: bool) {
        let l = Layout::with(sc, presenter);
        let name = &sc.source;
        let solid = l.solid_rects();
        let canvas = Rect::new(0.0, 0.0, VW, VH);
        for (i, (a, ra)) in solid.iter().enumerate() {
            assert!(canvas.contains(ra), "{name}: {a} {ra:?} leaves the canvas");
            for (b, rb) in &solid[i + 1..] {
                assert!(!ra.overlaps(rb), "{name}: {a} {ra:?} overlaps {b} {rb:?}");
            }
        }
        for (o, r) in l.observers.iter().enumerate() {
            assert!(
                l.strip.contains(r),
                "{name}: observer {o} outside the strip"
            );
            for r2 in &l.observers[o + 1..] {
                assert!(!r.overlaps(r2), "{name}: observers overlap");
            }
        }
        let places: Vec<_> = l.places.iter().collect();
        for (i, (pa, ra)) in places.iter().enumerate() {
            for (pb, rb) in &places[i + 1..] {
                assert!(!ra.overlaps(rb), "{name}: {pa:?} overlaps {pb:?}");
            }
        }
        for (s, b) in l.servers.iter().enumerate() {
            for part in &sc.servers[s].parts {
                let r = l.places[&Reach::ServerPart(s, *part)];
                assert!(
                    b.rect.contains(&r),
                    "{name}: part {part:?} outside server {s}"
                );
            }
        }
        for (d, r) in l.devices.iter().enumerate() {
            for part in [DevicePart::Memory, DevicePart::Keystore] {
                let pr = l.places[&Reach::DevicePart(d, part)];
                assert!(r.contains(&pr), "{name}: {part:?} outside device {d}");
                assert!(
                    !pr.overlaps(&l.device_names[d]),
                    "{name}: {part:?} under the name"
                );
            }
        }
        let net = Rect::new(l.stage.x, l.stage.y, l.stage.w, l.strip.y - l.stage.y);
        let boxes: Vec<(Node, Rect)> = (0..l.devices.len())
            .map(|d| (Node::Device(d), l.devices[d]))
            .chain((0..l.servers.len()).map(|s| (Node::Server(s), l.servers[s].rect)))
            .collect();
        let mut markers: Vec<Rect> = Vec::new();
        for (i, link) in sc.links.iter().enumerate() {
            let path = &l.links[i];
            for &(x, y) in path {
                assert!(
                    net.contains(&Rect::new(x, y, 0.0, 0.0)),
                    "{name}: link {i} leaves the network area at ({x}, {y})"
                );
            }
            let others: Vec<Rect> = boxes
                .iter()
                .filter(|(n, _)| *n != link.from && *n != link.to)
                .map(|(_, r)| *r)
                .collect();
            assert!(
                !routes::path_crosses(path, &others),
                "{name}: link {i} {path:?} runs through another box"
            );
            let m = l.marker_rect(i, link.tls);
            if !markers_clear {
                continue;
            }
            for (n, r) in &boxes {
                assert!(!m.overlaps(r), "{name}: link {i}'s marker overlaps {n:?}");
            }
            assert!(
                !m.overlaps(&l.air),
                "{name}: link {i}'s marker is under the tokens"
            );
            for (j, other) in markers.iter().enumerate() {
                assert!(
                    !m.overlaps(other),
                    "{name}: markers of links {j} and {i} overlap"
                );
            }
            markers.push(m);
        }
        for (what, f) in [
            ("device", l.device_font),
            ("row", l.row_font),
            ("title", l.title_font),
            ("chip", l.chip_font),
        ] {
            assert!(
                f >= min_font,
                "{name}: {what} text at {f} px (presenter {presenter})"
            );
        }
    }

    #[test]
    fn shipped_scenes_lay_out_without_overlap_and_with_readable_text() {
        // Crowded scenes (eleven devices, three servers, eight observers) included: before,
        // group DMs shrank device text to 9 px and piled ten "TLS" labels around the server.
        for (name, text) in SHIPPED {
            let sc = Scenario::parse(text, name).expect("shipped scenes parse");
            check(&sc, false, MIN_FONT);
            check(&sc, true, MIN_FONT);
        }
    }

    #[test]
    fn presenter_text_is_larger() {
        let sc = Scenario::shipped("group-dm").expect("shipped");
        let (a, b) = (Layout::new(&sc), Layout::with(&sc, true));
        assert!(b.font > a.font && b.device_font >= a.device_font && b.chip_font > a.chip_font);
        assert!(a.compact, "eleven devices are drawn compactly");
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
        // So crowded that text goes under 14 px and link markers may touch boxes; boxes and
        // links still never overlap.
        check_with(&sc, false, 9.0, false);
        check_with(&sc, true, 8.0, false);
    }

    #[test]
    fn fit_letterboxes_and_round_trips() {
        let f = Fit::new(1920.0, 1080.0);
        assert!((f.scale - 1.5).abs() < 1e-6);
        let (x, y) = f.world(0.0, 0.0);
        assert!((x + 960.0).abs() < 1e-3 && (y - 540.0).abs() < 1e-3);
        let (vx, vy) = f.to_virtual(960.0, 540.0);
        assert!((vx - VW / 2.0).abs() < 1e-3 && (vy - VH / 2.0).abs() < 1e-3);
        assert_eq!(fit("abc", 5), "abc");
        assert!(!fit("abcdefgh", 5).ends_with(".."));
    }
}
