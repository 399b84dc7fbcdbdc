//! Where everything goes: a pure function of the [`Scenario`], in a virtual 1280 x 720 canvas
//! that [`Fit`] scales to the window (or image), letterboxed. Nothing overlaps in the virtual
//! canvas, so nothing overlaps at 1280 x 720 or 1920 x 1080.
//!
//! People and their devices sit in the left and right columns, servers side by side in the
//! middle (by the scenario's layout hints, else in file order), tokens fly in the band above
//! the servers, observers sit in a strip below, the event list on the right and the inspector
//! along the bottom.

mod header;
mod people;
pub(super) mod routes;
mod servers;
mod strip;
mod tags;
pub use header::{BAND_LINES, BAND_PAD, CAPTION_GAP, HEADER_LINES, LINE_H, TitleRow, model_line};
pub use servers::{admin_lines, title_lines};
pub use tags::TAG_SIZE;

use std::collections::BTreeMap;

use self::people::Columns;
use self::servers::Servers;
use self::strip::Strip;
use super::routes::Point;
use crate::scenario::{Node, Part, Reach, Scenario};

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
    /// Whether the point lies inside this rectangle (edges included).
    pub fn contains_point(&self, (x, y): (f32, f32)) -> bool {
        x >= self.x && x <= self.right() && y >= self.y && y <= self.bottom()
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

/// People who did not fit their column (a group of hundreds), summarised in one box at its
/// foot: their devices' links and tokens go to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Crowd {
    /// The box.
    pub rect: Rect,
    /// On the left (else the right).
    pub left: bool,
    /// The people none of whose devices are drawn, by index.
    pub people: Vec<usize>,
    /// The devices in the box, by index: those people's, and the devices of drawn people
    /// that the story does not need.
    pub devices: Vec<usize>,
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
    /// The header's first row: the title and the model line.
    pub title: TitleRow,
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
    /// Device boxes, by device index (a crowd's box for a device summarised in it).
    pub devices: Vec<Rect>,
    /// Each device's name row, by device index.
    pub device_names: Vec<Rect>,
    /// The people who did not fit, summarised (empty unless the scene has hundreds).
    pub crowds: Vec<Crowd>,
    /// By device: summarised in a crowd, not drawn on its own.
    pub hidden: Vec<bool>,
    /// By link: another link whose path, marker and drawing it shares (a crowd's many links
    /// to one server are drawn as one).
    pub same_as: Vec<Option<usize>>,
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
/// The smallest text the viewer draws at 1280 x 720: 18 px, for the back row of a classroom.
/// Crowded scenes get tighter rows and shorter labels (`mem`), never smaller text.
pub const MIN_FONT: f32 = 18.0;
/// An empty rectangle, for what has no place (and before a place is given).
const NOWHERE: Rect = Rect::new(0.0, 0.0, 0.0, 0.0);

/// The canvas's fixed regions.
struct Frame {
    header: Rect,
    stage: Rect,
    events: Rect,
    inspector: Rect,
    caption: Rect,
}

impl Frame {
    /// The regions of the ordinary view, or of presenter mode (a caption instead of the event
    /// list and inspector), under a header whose title row is `title`.
    fn new(presenter: bool, title: &TitleRow) -> Frame {
        if presenter {
            let top = title.height + 4.0;
            Frame {
                header: Rect::new(0.0, 0.0, VW, title.height),
                stage: Rect::new(0.0, top, VW, 544.0 - top),
                events: NOWHERE,
                inspector: NOWHERE,
                caption: Rect::new(0.0, 550.0, VW, VH - 550.0),
            }
        } else {
            // The header holds the title row and four lines at 18 px, whatever the step: up
            // to two of "viewing as", the rest for the step's sentence (what they say is
            // chosen to fit); the inspector gave up the room and scrolls.
            let top = header::height(title) + 2.0;
            Frame {
                header: Rect::new(0.0, 0.0, VW, top - 2.0),
                stage: Rect::new(0.0, top, 930.0, 580.0 - top),
                events: Rect::new(940.0, top, VW - 948.0, 578.0 - top),
                inspector: Rect::new(0.0, 584.0, VW, VH - 584.0),
                caption: NOWHERE,
            }
        }
    }
}

/// One end of a link as drawn: a node, or the crowd its device is summarised in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    Node(Node),
    Crowd(usize),
}

/// By link: for every link between a crowd and an end that an earlier link already joins to
/// that crowd, the earlier link (the many are drawn as one).
fn shared_links(sc: &Scenario, columns: &Columns) -> Vec<Option<usize>> {
    let end = |n: Node| match n {
        Node::Device(d) if columns.hidden[d] => columns
            .crowds
            .iter()
            .position(|c| c.rect == columns.devices[d])
            .map_or(End::Node(n), End::Crowd),
        other => End::Node(other),
    };
    let mut first: BTreeMap<(End, End), usize> = BTreeMap::new();
    sc.links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let key = (end(l.from), end(l.to));
            if !matches!(key, (End::Crowd(_), _) | (_, End::Crowd(_))) {
                return None;
            }
            match first.get(&key) {
                Some(&j) => Some(j),
                None => {
                    first.insert(key, i);
                    None
                }
            }
        })
        .collect()
}

/// Every link's path and marker, around the servers and devices already placed.
fn route_links(
    sc: &Scenario,
    servers: &Servers,
    columns: &Columns,
    air: Rect,
    same_as: &[Option<usize>],
) -> (Vec<Vec<Point>>, Vec<Point>) {
    let server_rects: Vec<Rect> = servers.boxes.iter().map(|b| b.rect).collect();
    // A crowd's links attach at its box's middle.
    let anchor_y: Vec<f32> = (0..sc.devices.len())
        .map(|d| match columns.hidden[d] {
            true => columns.devices[d].center().1,
            false => columns.device_names[d].center().1,
        })
        .collect();
    let below = server_rects
        .iter()
        .map(Rect::bottom)
        .fold(servers.top, f32::max)
        + 14.0;
    super::routes::route(
        sc,
        &super::routes::Boxes {
            devices: &columns.devices,
            servers: &server_rects,
            device_anchor_y: &anchor_y,
            below,
            air,
            same_as,
            hidden: &columns.hidden,
        },
    )
}

impl Layout {
    /// Lays out a scenario in the ordinary view.
    pub fn new(sc: &Scenario) -> Layout {
        Layout::with(sc, false)
    }

    /// Lays out a scenario under its own model, in presenter mode or not.
    pub fn with(sc: &Scenario, presenter: bool) -> Layout {
        Layout::under(sc, &sc.protection, presenter)
    }

    /// Lays out a run: its header names the model it ran under (`M` re-runs a scene).
    pub fn for_run(run: &crate::Run, presenter: bool) -> Layout {
        Layout::under(&run.scenario, &run.trace.protection, presenter)
    }

    /// Lays out a scenario run under `shown`, in presenter mode or not: the header, then the
    /// observer strip under the stage, the device columns at its sides, the tokens' band and
    /// the servers between them, then links.
    fn under(sc: &Scenario, shown: &crate::scenario::Protection, presenter: bool) -> Layout {
        let font = if presenter { 22.0 } else { FONT };
        let model = model_line(&sc.protection, shown);
        let title = TitleRow::new(&sc.title, &model, VW, presenter);
        let frame = Frame::new(presenter, &title);
        let stage = frame.stage;
        let strip = Strip::new(sc.observers.len(), presenter, font, stage);
        let net = Rect::new(stage.x, stage.y, stage.w, stage.h - strip.rect.h - 6.0);
        let side_w = people::side_width(sc, font, presenter);
        let mid = Rect::new(
            net.x + side_w + GAP + 4.0,
            net.y,
            net.w - 2.0 * (side_w + GAP + 4.0),
            net.h,
        );
        // Tokens fly above the servers, clear of the link markers beside the devices.
        let air_h = if presenter { 80.0 } else { 70.0 };
        let air = Rect::new(mid.x + 52.0, mid.y, mid.w - 104.0, air_h);
        // Servers first (people's sides depend on where their servers are).
        let mut servers = Servers::place(sc, presenter, font, mid, air, net.bottom());
        let columns = Columns::place(sc, font, net, side_w, &servers.pos);
        let same_as = shared_links(sc, &columns);
        let (links, link_markers) = route_links(sc, &servers, &columns, air, &same_as);
        servers.places.extend(columns.places);
        Layout {
            presenter,
            font,
            header: frame.header,
            title,
            stage,
            air,
            strip: strip.rect,
            events: frame.events,
            inspector: frame.inspector,
            caption: frame.caption,
            people: columns.people,
            devices: columns.devices,
            device_names: columns.device_names,
            crowds: columns.crowds,
            hidden: columns.hidden,
            same_as,
            compact: columns.compact,
            servers: servers.boxes,
            places: servers.places,
            links,
            link_markers,
            observers: strip.chips,
            row_font: servers.row_font,
            title_font: servers.title_font,
            device_font: columns.device_font,
            chip_font: strip.font,
        }
    }

    /// Whether a node is a device summarised in a crowd (its links drawn as the crowd's one).
    pub fn in_crowd(&self, node: Node) -> bool {
        matches!(node, Node::Device(d) if self.hidden.get(d) == Some(&true))
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
            // A device summarised in a crowd: its crowd's box.
            Reach::DevicePart(d, _) if self.hidden.get(d) == Some(&true) => {
                self.devices[d].center()
            }
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

    /// Where a link's footprint badge goes: `plain` (62 px wide) or `P` (22 px) under its
    /// marker, over it, or beside it, the first of those clear of boxes and other markers.
    pub fn link_badge(&self, link: usize, tls: bool) -> Rect {
        let m = self.marker_rect(link, tls);
        let solid = self.solid_rects();
        let blocked = |r: &Rect| {
            solid.iter().any(|(what, o)| what.is_box() && r.overlaps(o))
                || (0..self.link_markers.len()).any(|j| {
                    j != link
                        && self.same_as[j].is_none()
                        && [true, false]
                            .iter()
                            .any(|&t| r.overlaps(&self.marker_rect(j, t)))
                })
        };
        let (cx, cy) = m.center();
        let candidates = [
            Rect::new(cx - 31.0, m.bottom() + 2.0, 62.0, 22.0),
            Rect::new(cx - 31.0, m.y - 24.0, 62.0, 22.0),
            Rect::new(cx - 11.0, m.bottom() + 2.0, 22.0, 22.0),
            Rect::new(cx - 11.0, m.y - 24.0, 22.0, 22.0),
            Rect::new(m.right() + 2.0, cy - 11.0, 22.0, 22.0),
            Rect::new(m.x - 24.0, cy - 11.0, 22.0, 22.0),
        ];
        candidates
            .iter()
            .find(|r| !blocked(r))
            .copied()
            .unwrap_or(candidates[2])
    }

    /// Every rectangle that must not overlap another, with what it is.
    pub fn solid_rects(&self) -> Vec<(Region, Rect)> {
        let mut out = vec![
            (Region::Header, self.header),
            (Region::Air, self.air),
            (Region::Strip, self.strip),
        ];
        if self.presenter {
            out.push((Region::Caption, self.caption));
        } else {
            out.push((Region::Events, self.events));
            out.push((Region::Inspector, self.inspector));
        }
        for p in &self.people {
            out.push((Region::Person(p.person), p.label));
        }
        for (d, r) in self.devices.iter().enumerate() {
            if !self.hidden[d] {
                out.push((Region::Device(d), *r));
            }
        }
        for (c, crowd) in self.crowds.iter().enumerate() {
            out.push((Region::Crowd(c), crowd.rect));
        }
        for (s, b) in self.servers.iter().enumerate() {
            out.push((Region::Server(s), b.rect));
        }
        out
    }
}

/// What a solid rectangle of the layout is ([`Layout::solid_rects`]); it prints as the name
/// failures use ("header", "device 2").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// The title bar.
    Header,
    /// The air between places, where tokens travel (links and their tags are drawn in it).
    Air,
    /// The observers' strip.
    Strip,
    /// The presenter's caption.
    Caption,
    /// The events list.
    Events,
    /// The inspector.
    Inspector,
    /// A person's name label.
    Person(usize),
    /// A device's box.
    Device(usize),
    /// A server's box.
    Server(usize),
    /// A crowd's box: the people who did not fit a column.
    Crowd(usize),
}

impl Region {
    /// Whether this is a box that badges and tags must not cover (everything but the air,
    /// which is where they go).
    pub fn is_box(self) -> bool {
        self != Region::Air
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Region::Header => f.write_str("header"),
            Region::Air => f.write_str("air"),
            Region::Strip => f.write_str("strip"),
            Region::Caption => f.write_str("caption"),
            Region::Events => f.write_str("events"),
            Region::Inspector => f.write_str("inspector"),
            Region::Person(p) => write!(f, "person {p}"),
            Region::Device(d) => write!(f, "device {d}"),
            Region::Server(s) => write!(f, "server {s}"),
            Region::Crowd(c) => write!(f, "crowd {c}"),
        }
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
mod tests;
