//! People, devices, servers with their parts and admins, links (TLS as a tunnel, plain as a
//! dashed line), and the footprint: every place that has held the words keeps a "plain" badge.
//! When viewing as an observer, every place they cannot reach is dimmed.

use bevy::prelude::*;

use super::draw::{Layer, Painter, clear, palette as p};
use super::layout::{FONT, Rect, chars_fit, fit, part_label};
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
) {
    clear(&mut commands, &drawn, Layer::Actors);
    if options.lanes {
        return;
    }
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

    // Links first, under everything.
    for (i, link) in sc.links.iter().enumerate() {
        let (a, b) = l.links[i];
        let place = Reach::Wire(i);
        let on = reach(place);
        let plain_here = st.footprint.contains_key(&place);
        let e = if link.tls {
            let band = pt.line(a, b, if on { p::TLS_TINT } else { p::DIM }, 16.0, 0.5);
            pt.line(a, b, if on { p::TLS } else { p::DIM_INK }, 3.0, 0.6);
            band
        } else {
            let e = pt.line(a, b, p::BG, 1.0, 0.5);
            pt.dashed(a, b, if on { p::INK } else { p::DIM_INK }, 3.0, 0.6);
            e
        };
        pt.commands.entity(e).insert(PlaceMark(place));
        if !on {
            pt.commands.entity(e).insert(Dimmed);
        }
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        let label = if link.tls { "TLS" } else { "no TLS" };
        if len > 70.0 {
            // A short label under the link, a quarter of the way along.
            let (x, y) = (a.0 + dx * 0.25, a.1 + dy * 0.25 + 10.0);
            let c = if !on {
                p::DIM_INK
            } else if link.tls {
                p::TLS
            } else {
                p::INK
            };
            pt.text_anchored(x, y, label, 16.0, c, bevy::sprite::Anchor::TOP_CENTER, 0.7);
        }
        if plain_here {
            let (x, y) = (a.0 + dx * 0.5, a.1 + dy * 0.5);
            let tag = Rect::new(x - 30.0, y + 8.0, 60.0, 22.0);
            let e = pt.boxed(tag, p::PLAIN, p::INK, 1.0, 0.8);
            pt.commands.entity(e).insert(Footprint(place));
            pt.text_anchored(
                x,
                y + 19.0,
                "plain",
                16.0,
                p::PAPER,
                bevy::sprite::Anchor::CENTER,
                0.9,
            );
        }
    }

    // People and devices.
    for person in &l.people {
        let r = person.label;
        let name = fit(&sc.people[person.person].name, chars_fit(r.w, f));
        pt.text(r.x + 2.0, r.y + 2.0, &name, f, p::INK, 1.0);
    }
    for (d, r) in l.devices.iter().enumerate() {
        let any = reach(Reach::DevicePart(d, DevicePart::Memory))
            || reach(Reach::DevicePart(d, DevicePart::Keystore));
        pt.boxed(*r, if any { p::PAPER } else { p::DIM }, p::INK, 2.0, 1.0);
        let name = fit(&sc.devices[d].name, chars_fit(r.w - 8.0, f));
        pt.text(
            r.x + 6.0,
            r.y + 4.0,
            &name,
            f,
            if any { p::INK } else { p::DIM_INK },
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
        let name = fit(&server.name, chars_fit(b.title.w - 10.0, f));
        pt.text(b.title.x + 6.0, b.title.y + 4.0, &name, f, p::PAPER, 1.1);
        let admins: Vec<&str> = server.admins.iter().map(|a| a.name.as_str()).collect();
        let line = if admins.is_empty() {
            "no admins".to_string()
        } else {
            format!("admins: {}", admins.join(", "))
        };
        let line = fit(&line, chars_fit(b.admins.w, f * 0.9));
        pt.text(
            b.admins.x + 2.0,
            b.admins.y + 3.0,
            &line,
            f * 0.9,
            p::INK,
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
        let label = match place {
            Reach::ServerPart(_, part) => part_label(part),
            Reach::DevicePart(_, DevicePart::Memory) => "memory",
            Reach::DevicePart(_, DevicePart::Keystore) => "keys",
            Reach::Wire(_) => "wire",
        };
        let size = if matches!(place, Reach::DevicePart(..)) {
            f.min(16.0)
        } else {
            f
        };
        let tag_w = if plain {
            if r.w > 190.0 { 62.0 } else { 24.0 }
        } else {
            0.0
        };
        let text = fit(label, chars_fit(r.w - 10.0 - tag_w, size));
        pt.text(
            r.x + 5.0,
            r.y + (r.h - size) / 2.0 - 1.0,
            &text,
            size,
            ink,
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
                bevy::sprite::Anchor::CENTER,
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
