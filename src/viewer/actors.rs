//! People, devices, servers with their parts and admins, links (TLS as a tunnel, plain as a
//! dashed line), and the footprint: every place that has held the words keeps a "plain" badge.
//! When viewing as an observer, every place they cannot reach is dimmed.

use bevy::prelude::*;

use super::draw::{Layer, Painter, clear, palette as p};
use super::icons::{self, Icon, Icons};
use bevy::sprite::Anchor;

use super::layout::{FONT, MIN_FONT, Rect, chars_fit, fit, part_label, part_label_short};
use super::playback::{Runs, Shown, ViewOptions};
use crate::scenario::{DevicePart, Reach};

/// A drawn place (a server part, a device part, or a link's wire).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceMark(pub Reach);

/// Marks a place the viewing observer cannot reach.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimmed;

/// Marks a place's "plaintext was here" badge.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint(pub Reach);

fn draw_actors(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
    icons: Option<Res<Icons>>,
) {
    clear(&mut commands, &drawn, Layer::Actors);
    let icons = icons.as_deref();
    let run = runs.run();
    let sc = &run.scenario;
    let l = &shown.layout;
    let st = &shown.state;
    let reach = |place: Reach| options.observer.is_none_or(|o| sc.reaches(o, place));
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Actors,
    };
    let f = l.row_font;
    let df = l.device_font;

    // Links first, under everything.
    for (i, link) in sc.links.iter().enumerate() {
        let path = &l.links[i];
        let place = Reach::Wire(i);
        let on = reach(place);
        let plain_here = st.footprint.contains_key(&place);
        let mut first = None;
        for w in path.windows(2) {
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
        // One marker per link, on its body near the quieter end (never where links meet).
        let label = if link.tls { "TLS" } else { "no TLS" };
        let size = MIN_FONT;
        let m = l.marker_rect(i, link.tls);
        let (fill, ink) = match (on, link.tls) {
            (false, _) => (p::DIM, p::DIM_INK),
            (true, true) => (p::TLS_TINT, p::TLS),
            (true, false) => (p::PAPER, p::INK),
        };
        pt.boxed(m, fill, ink, 1.5, 0.7);
        let (cx, cy) = m.center();
        pt.text_anchored(cx, cy, label, size, ink, Anchor::CENTER, 0.75);
        if plain_here {
            // The footprint badge sits just under (or over) the marker, clear of boxes.
            let tag = l.link_badge(i, link.tls);
            let e = pt.boxed(tag, p::PLAIN, p::INK, 1.0, 0.8);
            pt.commands.entity(e).insert(Footprint(place));
            let (tx, ty) = tag.center();
            let word = if tag.w > 30.0 { "plain" } else { "P" };
            pt.text_anchored(tx, ty, word, 16.0, p::PAPER, Anchor::CENTER, 0.9);
        }
    }

    // People and devices.
    for person in &l.people {
        let r = person.label;
        let isz = (r.h - 4.0).min(df + 2.0);
        let icon = Rect::new(r.x + 2.0, r.y + (r.h - isz) / 2.0, isz, isz);
        icons::draw(&mut pt, icons, Icon::Person, icon, p::INK, 1.0);
        let name = fit(
            &sc.people[person.person].name,
            chars_fit(r.w - isz - 6.0, df),
        );
        pt.text(icon.right() + 4.0, r.y + 3.0, &name, df, p::INK, 1.0);
    }
    for (d, r) in l.devices.iter().enumerate() {
        let any = reach(Reach::DevicePart(d, DevicePart::Memory))
            || reach(Reach::DevicePart(d, DevicePart::Keystore));
        pt.boxed(*r, if any { p::PAPER } else { p::DIM }, p::INK, 2.0, 1.0);
        let row = l.device_names[d];
        let isz = row.h - 8.0;
        let icon = Rect::new(row.x + 3.0, row.y + 4.0, isz, isz);
        let ink = if any { p::INK } else { p::DIM_INK };
        icons::draw(&mut pt, icons, Icon::of_device(sc, d), icon, ink, 1.1);
        let n = chars_fit(row.w - 8.0 - isz, df);
        let full = &sc.devices[d].name;
        // Under its owner's name, "bob-laptop" can be "laptop" when space is short.
        let owner = sc.people[sc.devices[d].owner].name.to_lowercase();
        let name = match full.strip_prefix(&format!("{owner}-")) {
            Some(rest) if full.chars().count() > n => rest.to_string(),
            _ => full.clone(),
        };
        pt.text_anchored(
            icon.right() + 3.0,
            row.center().1,
            &fit(&name, n),
            df,
            ink,
            Anchor::CENTER_LEFT,
            1.1,
        );
    }

    // Servers.
    for (s, b) in l.servers.iter().enumerate() {
        let server = &sc.servers[s];
        let any = server
            .parts
            .iter()
            .any(|&part| reach(Reach::ServerPart(s, part)));
        pt.boxed(
            b.rect,
            if any { p::PANEL } else { p::DIM },
            p::INK,
            3.0,
            1.0,
        );
        pt.rect(b.title, if any { p::INK } else { p::DIM_INK }, 1.05);
        let tf = l.title_font;
        let isz = b.title.h - 6.0;
        let icon = Rect::new(b.title.x + 5.0, b.title.y + 3.0, isz, isz);
        icons::draw(&mut pt, icons, Icon::Server, icon, p::PAPER, 1.1);
        let name = fit(&server.name, chars_fit(b.title.w - 14.0 - isz, tf));
        let (_, cy) = b.title.center();
        pt.text_anchored(
            icon.right() + 5.0,
            cy,
            &name,
            tf,
            p::PAPER,
            Anchor::CENTER_LEFT,
            1.1,
        );
        let admins: Vec<&str> = server.admins.iter().map(|a| a.name.as_str()).collect();
        let line = if admins.is_empty() {
            "no admins".to_string()
        } else {
            format!("admins: {}", admins.join(", "))
        };
        let af = (f * 0.9).max(MIN_FONT.min(f));
        let line = fit(&line, chars_fit(b.admins.w, af));
        pt.text_anchored(
            b.admins.x + 2.0,
            b.admins.center().1,
            &line,
            af,
            p::INK,
            Anchor::CENTER_LEFT,
            1.1,
        );
    }

    // Places: server parts and device parts.
    for (&place, &r) in &l.places {
        let on = reach(place);
        let plain = st.footprint.contains_key(&place);
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
        let size = if matches!(place, Reach::DevicePart(..)) {
            df
        } else {
            f
        };
        let tag_w = if plain {
            if r.w > 190.0 { 62.0 } else { 20.0 }
        } else {
            0.0
        };
        // A picture at the row's start where the row is wide enough to keep its words.
        let icon = Icon::of_place(place).filter(|_| r.w >= 100.0);
        let icon_w = if icon.is_some() { r.h - 2.0 } else { 0.0 };
        if let Some(icon) = icon {
            let isz = r.h - 6.0;
            let ir = Rect::new(r.x + 4.0, r.y + 3.0, isz, isz);
            icons::draw(
                &mut pt,
                icons,
                icon,
                ir,
                if on { p::INK } else { p::DIM_INK },
                2.1,
            );
        }
        let room = chars_fit(r.w - 10.0 - tag_w - icon_w, size);
        let (long, short) = match place {
            Reach::ServerPart(_, part) => (part_label(part), part_label_short(part)),
            Reach::DevicePart(_, DevicePart::Memory) => ("memory", "mem"),
            Reach::DevicePart(_, DevicePart::Keystore) => ("keys", "keys"),
            Reach::Wire(_) => ("wire", "wire"),
        };
        let label = if long.len() <= room { long } else { short };
        pt.text_anchored(
            r.x + 5.0 + icon_w,
            r.center().1,
            &fit(label, room),
            size,
            ink,
            Anchor::CENTER_LEFT,
            2.1,
        );
        if plain {
            let tag = Rect::new(r.right() - tag_w - 2.0, r.y + 2.0, tag_w, r.h - 4.0);
            let e = pt.boxed(tag, p::PLAIN, p::INK, 1.0, 2.2);
            pt.commands.entity(e).insert(Footprint(place));
            let word = if tag_w > 30.0 { "plain" } else { "P" };
            let (cx, cy) = tag.center();
            pt.text_anchored(
                cx,
                cy,
                word,
                (FONT - 2.0).min(r.h - 2.0),
                p::PAPER,
                Anchor::CENTER,
                2.3,
            );
        }
    }
}

/// The actors plugin.
pub struct ActorsPlugin;

impl Plugin for ActorsPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            draw_actors
                .run_if(resource_exists_and_changed::<Shown>)
                .in_set(super::ViewerSet::Draw),
        );
    }
}
