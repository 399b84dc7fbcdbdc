//! People, devices, servers with their parts and admins, links (TLS as a tunnel, plain as a
//! dashed line), and the footprint: every place that has held the words keeps a "plain" badge.
//! When viewing as an observer, every place they cannot reach is dimmed.

use bevy::prelude::*;

use crate::viewer::draw::{Layer, Painter, clear, palette as p};
use crate::viewer::icons::{self, Icon, Icons};
use bevy::sprite::Anchor;

use crate::scenario::{DevicePart, Link, Reach, Scenario};
use crate::viewer::layout::{
    CHAR_W, Crowd, Layout, MIN_FONT, PersonBox, Rect, ServerBox, admin_lines, chars_fit, fit,
    part_label, part_label_short, title_lines,
};
use crate::viewer::playback::{Runs, Shown, ViewOptions};
use crate::viewer::state::ViewState;

/// A drawn place (a server part, a device part, or a link's wire).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceMark(pub Reach);

/// Marks a place the viewing observer cannot reach.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimmed;

/// Marks a place's "plaintext was here" badge.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint(pub Reach);

/// What every part of the actors layer reads: the scenario, its layout, the state shown, the
/// pictures and the observer viewed as.
struct Scene<'a> {
    sc: &'a Scenario,
    l: &'a Layout,
    st: &'a ViewState,
    icons: Option<&'a Icons>,
    observer: Option<usize>,
}

impl Scene<'_> {
    /// Whether the viewing observer (or, in the neutral view, anyone) reaches `place`.
    fn reach(&self, place: Reach) -> bool {
        self.observer.is_none_or(|o| self.sc.reaches(o, place))
    }
}

fn draw_actors(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
    icons: Option<Res<Icons>>,
) {
    clear(&mut commands, &drawn, Layer::Actors);
    let scene = Scene {
        sc: &runs.run().scenario,
        l: &shown.layout,
        st: &shown.state,
        icons: icons.as_deref(),
        observer: options.observer,
    };
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Actors,
    };
    // Links first, under everything.
    for (i, link) in scene.sc.links.iter().enumerate() {
        // A crowd's many links to one server are drawn once.
        if scene.l.same_as[i].is_none() {
            draw_link(&mut pt, &scene, i, link);
        }
    }
    // People and devices, and the people who did not fit, summarised.
    for person in &scene.l.people {
        draw_person(&mut pt, &scene, person);
    }
    for d in (0..scene.l.devices.len()).filter(|&d| !scene.l.hidden[d]) {
        draw_device(&mut pt, &scene, d);
    }
    for crowd in &scene.l.crowds {
        draw_crowd(&mut pt, &scene, crowd);
    }
    // Servers.
    for s in 0..scene.l.servers.len() {
        draw_server(&mut pt, &scene, s);
    }
    // Places: server parts and device parts.
    for (&place, &r) in &scene.l.places {
        draw_place(&mut pt, &scene, place, r);
    }
}

/// Link `i`: its wire (a TLS tunnel or a dashed line), its marker and its footprint badge.
fn draw_link(pt: &mut Painter, scene: &Scene, i: usize, link: &Link) {
    let place = Reach::Wire(i);
    let on = scene.reach(place);
    let mut first = None;
    for w in scene.l.links[i].windows(2) {
        let (a, b) = (w[0], w[1]);
        let e = if link.tls {
            let band = pt.line(a, b, if on { p::TLS_TINT } else { p::DIM }, 16.0, 0.5);
            pt.line(a, b, if on { p::TLS } else { p::DIM_INK }, 3.0, 0.6);
            band
        } else {
            let e = pt.line(a, b, p::BG, 1.0, 0.5);
            pt.dashed(a, b, if on { p::INK } else { p::DIM_INK }, 3.0, 0.6);
            e
        };
        first.get_or_insert(e);
    }
    if let Some(e) = first {
        pt.commands.entity(e).insert(PlaceMark(place));
        if !on {
            pt.commands.entity(e).insert(Dimmed);
        }
    }
    link_marker(pt, scene.l, i, link.tls, on);
    if scene.st.footprint.contains_key(&place) {
        // The footprint badge sits just under (or over) the marker, clear of boxes.
        let tag = scene.l.link_badge(i, link.tls);
        let e = pt.boxed(tag, p::PLAIN, p::INK, 1.0, 0.8);
        pt.commands.entity(e).insert(Footprint(place));
        let (tx, ty) = tag.center();
        let word = if tag.w > 30.0 { "plain" } else { "P" };
        pt.text_anchored(tx, ty, word, MIN_FONT, p::PAPER, Anchor::CENTER, 0.9);
    }
}

/// One marker per link, on its body near the quieter end (never where links meet).
fn link_marker(pt: &mut Painter, l: &Layout, i: usize, tls: bool, on: bool) {
    let label = if tls { "TLS" } else { "no TLS" };
    let m = l.marker_rect(i, tls);
    let (fill, ink) = match (on, tls) {
        (false, _) => (p::DIM, p::DIM_INK),
        (true, true) => (p::TLS_TINT, p::TLS),
        (true, false) => (p::PAPER, p::INK),
    };
    pt.boxed(m, fill, ink, 1.5, 0.7);
    let (cx, cy) = m.center();
    pt.text_anchored(cx, cy, label, MIN_FONT, ink, Anchor::CENTER, 0.75);
}

/// A person's picture and name over their devices.
fn draw_person(pt: &mut Painter, scene: &Scene, person: &PersonBox) {
    let df = scene.l.device_font;
    let r = person.label;
    let isz = (r.h - 4.0).min(df + 2.0);
    let icon = Rect::new(r.x + 2.0, r.y + (r.h - isz) / 2.0, isz, isz);
    icons::draw(pt, scene.icons, Icon::Person, icon, p::INK, 1.0);
    let name = fit(
        &scene.sc.people[person.person].name,
        chars_fit(r.w - isz - 6.0, df),
    );
    let e = pt.text(icon.right() + 4.0, r.y + 3.0, &name, df, p::INK, 1.0);
    pt.note_cut(e, &name, &scene.sc.people[person.person].name);
}

/// Device `d`'s box, picture and name (dimmed when the viewer reaches none of its parts).
fn draw_device(pt: &mut Painter, scene: &Scene, d: usize) {
    let (sc, l) = (scene.sc, scene.l);
    let df = l.device_font;
    let any = scene.reach(Reach::DevicePart(d, DevicePart::Memory))
        || scene.reach(Reach::DevicePart(d, DevicePart::Keystore));
    pt.boxed(
        l.devices[d],
        if any { p::PAPER } else { p::DIM },
        p::INK,
        2.0,
        1.0,
    );
    let row = l.device_names[d];
    let isz = row.h - 8.0;
    let icon = Rect::new(row.x + 3.0, row.y + 4.0, isz, isz);
    let ink = if any { p::INK } else { p::DIM_INK };
    icons::draw(pt, scene.icons, Icon::of_device(sc, d), icon, ink, 1.1);
    let n = chars_fit(row.w - 8.0 - isz, df);
    let name = device_name(sc, d, n);
    let short = fit(&name, n);
    let e = pt.text_anchored(
        icon.right() + 3.0,
        row.center().1,
        &short,
        df,
        ink,
        Anchor::CENTER_LEFT,
        1.1,
    );
    pt.note_cut(e, &short, &name);
}

/// A crowd: how many more people and devices are in the group, in one box (dimmed when the
/// viewer reaches none of their devices).
fn draw_crowd(pt: &mut Painter, scene: &Scene, crowd: &Crowd) {
    let any = crowd.devices.iter().any(|&d| {
        scene.reach(Reach::DevicePart(d, DevicePart::Memory))
            || scene.reach(Reach::DevicePart(d, DevicePart::Keystore))
    });
    let r = crowd.rect;
    pt.boxed(r, if any { p::PAPER } else { p::DIM }, p::INK, 2.0, 1.0);
    let ink = if any { p::INK } else { p::DIM_INK };
    let devices = match crowd.devices.len() {
        1 => "1 device".to_string(),
        n => format!("{n} devices"),
    };
    let (people, devices) = match crowd.people.len() {
        0 => (format!("+ {devices}"), String::new()),
        1 => ("+ 1 person".to_string(), devices),
        n => (format!("+ {n} people"), devices),
    };
    // The body size; smaller only where a narrow column cannot hold the longer line.
    let longest = people.len().max(devices.len()) as f32;
    let df = scene.l.device_font.min((r.w - 10.0) / (longest * CHAR_W));
    pt.text(r.x + 5.0, r.y + 5.0, &people, df, ink, 1.1);
    pt.text(r.x + 5.0, r.y + 5.0 + df + 6.0, &devices, df, ink, 1.1);
}

/// Device `d`'s name for `n` characters: under its owner's name, "bob-laptop" can be
/// "laptop" when space is short.
fn device_name(sc: &Scenario, d: usize, n: usize) -> String {
    let full = &sc.devices[d].name;
    let owner = sc.people[sc.devices[d].owner].name.to_lowercase();
    match full.strip_prefix(&format!("{owner}-")) {
        Some(rest) if full.chars().count() > n => rest.to_string(),
        _ => full.clone(),
    }
}

/// Server `s`'s box, its title bar and its admins line.
fn draw_server(pt: &mut Painter, scene: &Scene, s: usize) {
    let b = &scene.l.servers[s];
    let server = &scene.sc.servers[s];
    let any = server
        .parts
        .iter()
        .any(|&part| scene.reach(Reach::ServerPart(s, part)));
    pt.boxed(
        b.rect,
        if any { p::PANEL } else { p::DIM },
        p::INK,
        3.0,
        1.0,
    );
    pt.rect(b.title, if any { p::INK } else { p::DIM_INK }, 1.05);
    server_title(pt, scene, b, &server.name);
    let f = scene.l.row_font;
    let ink = if any { p::INK } else { p::DIM_INK };
    for (k, line) in admin_lines(server, b.rect.w, f).iter().enumerate() {
        let y = b.admins.y + 2.0 + k as f32 * (f + 2.0);
        pt.text(b.admins.x + 2.0, y, line, f, ink, 1.1);
    }
}

/// A server's picture and name in its title bar, on two lines where one is too narrow.
fn server_title(pt: &mut Painter, scene: &Scene, b: &ServerBox, name: &str) {
    let tf = scene.l.title_font;
    let (lines, with_icon) = title_lines(name, b.title.w, tf);
    let isz = (tf + 4.0).min(b.title.h - 6.0);
    let mut x = b.title.x + 7.0;
    let icon = if with_icon {
        x += isz + 3.0;
        Rect::new(b.title.x + 5.0, b.title.y + 3.0, isz, isz)
    } else {
        let last_y = b.title.y + 3.0 + (lines.len().max(1) - 1) as f32 * (tf + 2.0);
        Rect::new(b.title.right() - isz - 6.0, last_y, isz, isz)
    };
    icons::draw(pt, scene.icons, Icon::Server, icon, p::PAPER, 1.1);
    for (k, line) in lines.iter().enumerate() {
        let y = b.title.y + 4.0 + k as f32 * (tf + 2.0);
        pt.text(x, y, line, tf, p::PAPER, 1.1);
    }
}

/// A place's row (a server part or a device part): box, picture, label and footprint badge.
fn draw_place(pt: &mut Painter, scene: &Scene, place: Reach, r: Rect) {
    let on = scene.reach(place);
    let plain = scene.st.footprint.contains_key(&place);
    let (fill, border, ink) = match (on, plain) {
        (false, _) => (p::DIM, p::DIM_INK, p::DIM_INK),
        (true, true) => (p::PLAIN_TINT, p::PLAIN, p::INK),
        (true, false) => (p::PAPER, p::MUTED, p::INK),
    };
    let e = pt.boxed(r, fill, border, if plain { 3.0 } else { 1.5 }, 2.0);
    pt.commands.entity(e).insert(PlaceMark(place));
    if !on {
        pt.commands.entity(e).insert(Dimmed);
    }
    let tag_w = if plain {
        if r.w > 190.0 { 62.0 } else { 22.0 }
    } else {
        0.0
    };
    let size = if matches!(place, Reach::DevicePart(..)) {
        scene.l.device_font
    } else {
        scene.l.row_font
    };
    let (label, with_icon) = place_label(place, r.w - 10.0 - tag_w, r.h - 2.0, size);
    let icon_w = if with_icon { r.h - 2.0 } else { 0.0 };
    if let Some(icon) = Icon::of_place(place).filter(|_| with_icon) {
        let isz = r.h - 6.0;
        let ir = Rect::new(r.x + 4.0, r.y + 3.0, isz, isz);
        let color = if on { p::INK } else { p::DIM_INK };
        icons::draw(pt, scene.icons, icon, ir, color, 2.1);
    }
    let e = pt.text_anchored(
        r.x + 5.0 + icon_w,
        r.center().1,
        label,
        size,
        ink,
        Anchor::CENTER_LEFT,
        2.1,
    );
    if label.chars().count() > chars_fit(r.w - 10.0 - tag_w - icon_w, size) {
        // Too long even in its short form: a test finds the marker.
        pt.commands
            .entity(e)
            .insert(crate::viewer::draw::Shortened(label.to_string()));
    }
    if plain {
        place_badge(pt, place, r, tag_w);
    }
}

/// A place's label for `room` pixels at text size `size`, and whether its picture (`icon_w`
/// wide) fits before it: the long label with its picture, else the short one with it, else
/// the short one alone.
fn place_label(place: Reach, room: f32, icon_w: f32, size: f32) -> (&'static str, bool) {
    let (long, short) = match place {
        Reach::ServerPart(_, part) => (part_label(part), part_label_short(part)),
        Reach::DevicePart(_, DevicePart::Memory) => ("memory", "mem"),
        Reach::DevicePart(_, DevicePart::Keystore) => ("keys", "keys"),
        Reach::Wire(_) => ("wire", "wire"),
    };
    let has_icon = Icon::of_place(place).is_some();
    let fits = |label: &str, icon: bool| {
        label.chars().count() <= chars_fit(room - if icon { icon_w } else { 0.0 }, size)
    };
    [(long, true), (short, true), (long, false), (short, false)]
        .into_iter()
        .find(|&(label, icon)| (!icon || has_icon) && fits(label, icon))
        .unwrap_or((short, false))
}

/// A place's "plain" badge at the right of its row, `tag_w` wide.
fn place_badge(pt: &mut Painter, place: Reach, r: Rect, tag_w: f32) {
    let tag = Rect::new(r.right() - tag_w - 2.0, r.y + 2.0, tag_w, r.h - 4.0);
    let e = pt.boxed(tag, p::PLAIN, p::INK, 1.0, 2.2);
    pt.commands.entity(e).insert(Footprint(place));
    let word = if tag_w > 30.0 { "plain" } else { "P" };
    let (cx, cy) = tag.center();
    pt.text_anchored(cx, cy, word, MIN_FONT, p::PAPER, Anchor::CENTER, 2.3);
}

/// The actors plugin.
pub struct ActorsPlugin;

impl Plugin for ActorsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            draw_actors
                .run_if(resource_exists_and_changed::<Shown>)
                .in_set(crate::viewer::ViewerSet::Draw),
        );
    }
}
