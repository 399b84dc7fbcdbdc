//! People and their devices, in the left and right columns: each person's name over their
//! devices, a device's memory and keystore rows stacked under its name when there is room, else
//! side by side, at the largest text size that fits (not under MIN_FONT unless even that does
//! not fit).

use std::collections::BTreeMap;

use super::{CHAR_W, Crowd, FONT, MIN_FONT, NOWHERE, PersonBox, Rect};
use crate::scenario::{DevicePart, Node, Reach, Scenario};

/// The two columns, laid out.
pub(super) struct Columns {
    /// Person headings.
    pub people: Vec<PersonBox>,
    /// Device boxes, by device index.
    pub devices: Vec<Rect>,
    /// Each device's name row, by device index.
    pub device_names: Vec<Rect>,
    /// Every device part's row.
    pub places: BTreeMap<Reach, Rect>,
    /// Devices drawn compactly: memory and keys side by side under the name.
    pub compact: bool,
    /// Text size for people, devices and their parts.
    pub device_font: f32,
    /// The people who do not fit, one box per column (a group of hundreds).
    pub crowds: Vec<Crowd>,
    /// By device: summarised in a crowd instead of drawn.
    pub hidden: Vec<bool>,
}

/// The people in one column and how many devices they have between them, and the people
/// summarised under them because they do not fit.
struct Column {
    left: bool,
    people: Vec<usize>,
    n_dev: usize,
    crowd: Vec<usize>,
    /// When thinned: the devices drawn (the rest of the column's are in its crowd).
    shown: Option<Vec<usize>>,
}

/// The sizes of a column's rows, all in virtual pixels.
struct Rows {
    /// Text size.
    font: f32,
    /// How much everything was scaled down to fit (1 when it fits as it is).
    dk: f32,
    compact: bool,
    side_w: f32,
    label_h: f32,
    dev_h: f32,
    dev_step: f32,
    name_h: f32,
    row_h: f32,
}

/// Width of the side columns: wide enough for the longest name, within bounds.
pub(super) fn side_width(sc: &Scenario, font: f32, presenter: bool) -> f32 {
    let longest = sc
        .devices
        .iter()
        .map(|d| d.name.chars().count())
        .chain(sc.people.iter().map(|p| p.name.chars().count()))
        .max()
        .unwrap_or(8) as f32;
    // Room for the name and the device's picture before it; not more, so that a fan-out
    // of ten envelopes still fits the band above the servers at its fixed scale.
    (longest * font * CHAR_W + 30.0).clamp(150.0, if presenter { 230.0 } else { 200.0 })
}

impl Columns {
    /// Lays out the people in `net`'s side columns, `side_w` wide, each on the side
    /// [`sides`] picks given the servers' places (`server_pos`).
    pub(super) fn place(
        sc: &Scenario,
        font: f32,
        net: Rect,
        side_w: f32,
        server_pos: &[f32],
    ) -> Columns {
        let mut columns = columns(sc, &sides(sc, server_pos));
        let crowded = thin(sc, &mut columns, font, net.h);
        let room = if crowded {
            net.h - crowd_h(font)
        } else {
            net.h
        };
        let rows = Rows::fitting(&columns, font, room, side_w);
        let mut out = Columns {
            people: Vec::new(),
            devices: vec![NOWHERE; sc.devices.len()],
            device_names: vec![NOWHERE; sc.devices.len()],
            places: BTreeMap::new(),
            compact: rows.compact,
            device_font: rows.font,
            crowds: Vec::new(),
            hidden: vec![false; sc.devices.len()],
        };
        for column in &columns {
            let x = if column.left {
                net.x + 4.0
            } else {
                net.right() - side_w - 4.0
            };
            let y = out.stack(sc, column, &rows, x, net.y);
            out.crowd(sc, column, Rect::new(x, y, side_w, crowd_h(rows.font)));
        }
        out
    }

    /// The box summarising `column`'s people who did not fit, if any, at `r`; their devices
    /// are drawn as that box (links and tokens go to it).
    fn crowd(&mut self, sc: &Scenario, column: &Column, r: Rect) {
        let Some(shown) = &column.shown else {
            return;
        };
        let devices: Vec<usize> = column
            .people
            .iter()
            .chain(&column.crowd)
            .flat_map(|&p| sc.people[p].devices.iter().copied())
            .filter(|d| !shown.contains(d))
            .collect();
        if devices.is_empty() {
            return;
        }
        for &d in &devices {
            self.devices[d] = r;
            self.hidden[d] = true;
        }
        self.crowds.push(Crowd {
            rect: r,
            left: column.left,
            people: column.crowd.clone(),
            devices,
        });
    }

    /// One column's people and their devices, top down from (`x`, `y`); returns the y under
    /// them.
    fn stack(&mut self, sc: &Scenario, column: &Column, rows: &Rows, x: f32, mut y: f32) -> f32 {
        for &p in &column.people {
            let label = Rect::new(x, y, rows.side_w, rows.label_h);
            self.people.push(PersonBox {
                person: p,
                label,
                left: column.left,
            });
            y += rows.label_h;
            let drawn = |d: &usize| column.shown.as_ref().is_none_or(|s| s.contains(d));
            for &d in sc.people[p].devices.iter().filter(|d| drawn(d)) {
                self.device(d, rows, x, y);
                y += rows.dev_step;
            }
        }
        y
    }

    /// Device `d`'s box at (`x`, `y`), its name row, and its memory and keystore rows.
    fn device(&mut self, d: usize, rows: &Rows, x: f32, y: f32) {
        let (side_w, name_h, row_h) = (rows.side_w, rows.name_h, rows.row_h);
        self.devices[d] = Rect::new(x, y, side_w, rows.dev_h);
        self.device_names[d] = Rect::new(x, y, side_w, name_h);
        let memory = if rows.compact {
            Rect::new(x + 5.0, y + name_h, (side_w - 13.0) / 2.0, row_h)
        } else {
            Rect::new(x + 5.0, y + name_h, side_w - 10.0, row_h)
        };
        let keys = if rows.compact {
            Rect::new(memory.right() + 3.0, memory.y, memory.w, row_h)
        } else {
            Rect::new(memory.x, memory.bottom() + 3.0 * rows.dk, memory.w, row_h)
        };
        self.places
            .insert(Reach::DevicePart(d, DevicePart::Memory), memory);
        self.places
            .insert(Reach::DevicePart(d, DevicePart::Keystore), keys);
    }
}

impl Rows {
    /// The rows at the largest text size at which `columns` fit in `height`: stacked at the
    /// body size if they fit, else compact (tighter rows, memory and keys side by side), at
    /// smaller text down to MIN_FONT, then (only past any shipped scene) everything scaled down
    /// together.
    fn fitting(columns: &[Column], font: f32, height: f32, side_w: f32) -> Rows {
        let (mut font, mut compact, mut dk) = (font.min(FONT + 2.0), false, 1.0);
        if need(columns, font, false) > height {
            compact = true;
            while need(columns, font, true) > height && font > MIN_FONT {
                font -= 1.0;
            }
            dk = (height / need(columns, font, true)).min(1.0);
            font = (font * dk).max(9.0);
        }
        let h = device_rows(font / dk, compact);
        Rows {
            font,
            dk,
            compact,
            side_w,
            label_h: h.label * dk,
            dev_h: h.dev * dk,
            dev_step: h.step * dk,
            name_h: h.name * dk,
            row_h: h.row * dk,
        }
    }
}

/// Heights in a device column at one text size.
struct Heights {
    /// A person's name.
    label: f32,
    /// A device's name row.
    name: f32,
    /// A memory or keystore row.
    row: f32,
    /// A whole device box.
    dev: f32,
    /// From one device box to the next.
    step: f32,
}

/// Heights of a device column at text size `f`; compact rows leave less room around the text.
fn device_rows(f: f32, compact: bool) -> Heights {
    if compact {
        let (name, row) = (f + 5.0, f + 4.0);
        let dev = name + row + 3.0;
        Heights {
            label: f + 5.0,
            name,
            row,
            dev,
            step: dev + 3.0,
        }
    } else {
        let (name, row) = (f + 9.0, f + 7.0);
        let dev = name + 2.0 * row + 7.0;
        Heights {
            label: f + 8.0,
            name,
            row,
            dev,
            step: dev + 4.0,
        }
    }
}

/// The height the taller column needs at text size `f`.
fn need(columns: &[Column], f: f32, compact: bool) -> f32 {
    columns
        .iter()
        .map(|c| {
            let h = device_rows(f, compact);
            c.people.len() as f32 * h.label + c.n_dev as f32 * h.step
        })
        .fold(0.0, f32::max)
}

/// The left column, then the right, from each person's side (`true` for left).
fn columns(sc: &Scenario, side: &[bool]) -> Vec<Column> {
    [true, false]
        .into_iter()
        .map(|left| {
            let people: Vec<usize> = (0..sc.people.len()).filter(|&p| side[p] == left).collect();
            let n_dev = people.iter().map(|&p| sc.people[p].devices.len()).sum();
            Column {
                left,
                people,
                n_dev,
                crowd: Vec::new(),
                shown: None,
            }
        })
        .collect()
}

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
        let servers_side = if Some(p) == first_sender {
            None
        } else {
            servers_side(sc, devs, server_pos)
        };
        let left = hint.or(servers_side).unwrap_or(left_count <= right_count);
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

/// The side (`true` for left) of the servers that `devs` link to, when there are two servers
/// or more and those linked lean clearly to one side.
fn servers_side(sc: &Scenario, devs: &[usize], server_pos: &[f32]) -> Option<bool> {
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
    if linked.is_empty() || server_pos.len() < 2 {
        return None;
    }
    let mean = linked.iter().sum::<f32>() / linked.len() as f32;
    if mean < 0.49 {
        Some(true)
    } else if mean > 0.51 {
        Some(false)
    } else {
        None
    }
}

/// Height of a crowd's box at text size `f`: two lines ("+ 120 more people" and their devices).
fn crowd_h(f: f32) -> f32 {
    2.0 * (f + 6.0) + 8.0
}

/// When the columns do not fit even compact at MIN_FONT (a group of hundreds), keeps in each
/// column, as many as fit compact at the body size above a crowd box: first the devices the
/// story needs (see [`featured`]) under their people's names, then whole people in file
/// order. The rest move to the column's crowd. Returns whether anything moved.
fn thin(sc: &Scenario, columns: &mut [Column], font: f32, height: f32) -> bool {
    if need(columns, MIN_FONT, true) <= height {
        return false;
    }
    let key = featured(sc);
    let h = device_rows(font.min(FONT), true);
    let (label_h, step) = (h.label, h.step);
    let room = height - crowd_h(font.min(FONT));
    for column in columns.iter_mut() {
        let mut kept: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut used = 0.0;
        let mut take = |p: usize, devs: Vec<usize>, kept: &mut Vec<(usize, Vec<usize>)>| {
            let h = label_h + devs.len() as f32 * step;
            let fits = !devs.is_empty() && used + h <= room;
            if fits {
                used += h;
                kept.push((p, devs));
            }
        };
        for &p in &column.people {
            let devs: Vec<usize> = sc.people[p]
                .devices
                .iter()
                .copied()
                .filter(|&d| key[d])
                .collect();
            take(p, devs, &mut kept);
        }
        for &p in &column.people {
            if !kept.iter().any(|(q, _)| *q == p) {
                take(p, sc.people[p].devices.clone(), &mut kept);
            }
        }
        kept.sort_unstable();
        column.crowd = column
            .people
            .iter()
            .copied()
            .filter(|p| !kept.iter().any(|(q, _)| q == p))
            .collect();
        column.n_dev = kept.iter().map(|(_, d)| d.len()).sum();
        column.people = kept.iter().map(|(p, _)| *p).collect();
        column.shown = Some(kept.into_iter().flat_map(|(_, d)| d).collect());
    }
    columns.iter().any(|c| !c.crowd.is_empty())
}

/// By device: whether the story needs it drawn (a sender's, an observer's own, or one at
/// either end of a link an observer taps, or whose parts they reach).
fn featured(sc: &Scenario) -> Vec<bool> {
    let mut key = vec![false; sc.devices.len()];
    for m in &sc.messages {
        key[m.from_device] = true;
    }
    for o in &sc.observers {
        for place in &o.reach {
            match *place {
                Reach::DevicePart(d, _) => key[d] = true,
                Reach::Wire(l) => {
                    for node in [sc.links[l].from, sc.links[l].to] {
                        if let Node::Device(d) = node {
                            key[d] = true;
                        }
                    }
                }
                Reach::ServerPart(..) => {}
            }
        }
    }
    key
}
