//! Panels drawn over the network on request: the who-can-read matrix (X), the keys each
//! observer holds (H), and the three models as three lanes in step (C).

use bevy::prelude::*;

use super::draw::{Layer, Painter, clear, palette as p};
use super::layout::{FONT, Rect, chars_fit, fit};
use super::playback::{Runs, Shown, ViewOptions};
use super::state::state_at;
use crate::exposure::Content;
use crate::scenario::{DevicePart, Reach, Scenario};

/// Marks an overlay panel, by its key.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlay(pub char);

/// A place's name in a few characters, for lane cells: `alice mem`, `social db`, `wire 1`.
fn short(sc: &Scenario, place: Reach) -> String {
    let first = |name: &str| {
        name.split(['-', '.', ' '])
            .next()
            .unwrap_or(name)
            .to_string()
    };
    match place {
        Reach::DevicePart(d, DevicePart::Memory) => format!("{} mem", first(&sc.devices[d].name)),
        Reach::DevicePart(d, DevicePart::Keystore) => {
            format!("{} keys", first(&sc.devices[d].name))
        }
        Reach::ServerPart(s, part) => {
            let p = match part {
                crate::scenario::Part::TlsFront => "tls",
                crate::scenario::Part::AppMemory => "app",
                crate::scenario::Part::Database => "db",
                crate::scenario::Part::Backup => "backup",
                crate::scenario::Part::KeyVault => "vault",
                crate::scenario::Part::KeyDirectory => "dir",
            };
            format!("{} {p}", first(&sc.servers[s].name))
        }
        Reach::Wire(l) => format!("wire {l}"),
    }
}

/// Every place of a scenario, in a stable order: devices, servers' parts, wires.
pub fn all_places(sc: &Scenario) -> Vec<Reach> {
    let mut out = Vec::new();
    for d in 0..sc.devices.len() {
        out.push(Reach::DevicePart(d, DevicePart::Memory));
        out.push(Reach::DevicePart(d, DevicePart::Keystore));
    }
    for (s, server) in sc.servers.iter().enumerate() {
        for &part in &server.parts {
            out.push(Reach::ServerPart(s, part));
        }
    }
    for l in 0..sc.links.len() {
        out.push(Reach::Wire(l));
    }
    out
}

fn panel(pt: &mut Painter, r: Rect, title: &str, key: char) {
    let e = pt.boxed(r, p::PAPER, p::INK, 3.0, 10.0);
    pt.commands.entity(e).insert(Overlay(key));
    pt.rect(Rect::new(r.x, r.y, r.w, 30.0), p::INK, 10.1);
    pt.text(r.x + 8.0, r.y + 5.0, title, FONT, p::PAPER, 10.2);
}

/// Draws whichever overlays are on.
pub fn draw_overlays(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
) {
    clear(&mut commands, &drawn, Layer::Overlays);
    let run = runs.run();
    let sc = &run.scenario;
    let stage = shown.layout.stage;
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Overlays,
    };

    if options.lanes {
        let cur_len = run.trace.steps.len().max(2) - 1;
        let k = shown.state.step;
        let lane_h = (stage.h - 8.0) / runs.runs.len().max(1) as f32;
        let places = all_places(sc);
        for (i, r) in runs.runs.iter().enumerate() {
            let len = r.trace.steps.len().max(2) - 1;
            let ki = (k * len + cur_len / 2) / cur_len;
            let st = state_at(r, ki);
            let lane = Rect::new(
                stage.x + 4.0,
                stage.y + 4.0 + i as f32 * lane_h,
                stage.w - 8.0,
                lane_h - 6.0,
            );
            let mark = if i == runs.current { " (shown)" } else { "" };
            panel(
                &mut pt,
                lane,
                &format!("{}{mark}: step {ki}/{len}", r.trace.protection.label()),
                'C',
            );
            let note = r
                .trace
                .steps
                .get(ki)
                .map_or(String::new(), |s| super::panels::ascii(&s.note));
            pt.text(
                lane.x + 8.0,
                lane.y + 34.0,
                &fit(&note, chars_fit(lane.w - 16.0, 16.0)),
                16.0,
                p::MUTED,
                10.2,
            );
            let cw = (lane.w - 16.0) / places.len().max(1) as f32;
            let cy = lane.y + 58.0;
            let ch = (lane.bottom() - cy - 28.0).clamp(20.0, 44.0);
            for (j, &place) in places.iter().enumerate() {
                let c = Rect::new(lane.x + 8.0 + j as f32 * cw, cy, cw - 3.0, ch);
                let plain = st.footprint.contains_key(&place);
                pt.boxed(
                    c,
                    if plain { p::PLAIN } else { p::PANEL },
                    p::INK,
                    1.0,
                    10.3,
                );
                let ink = if plain { p::PAPER } else { p::INK };
                let label = fit(&short(sc, place), chars_fit(c.w - 4.0, 13.0));
                pt.text(c.x + 2.0, c.y + 2.0, &label, 13.0, ink, 10.4);
                if plain {
                    pt.text(c.x + 2.0, c.y + 20.0, "plain", 14.0, ink, 10.4);
                }
            }
            let count = places
                .iter()
                .filter(|pl| st.footprint.contains_key(pl))
                .count();
            let wire = format!(
                "plaintext was at {count} of {} places; {} B on the wire",
                places.len(),
                st.wire_bytes
            );
            pt.text(lane.x + 8.0, cy + ch + 4.0, &wire, 16.0, p::INK, 10.3);
        }
    }

    let side = Rect::new(stage.x + 4.0, stage.y + 4.0, stage.w - 8.0, stage.h - 8.0);
    if options.matrix {
        panel(
            &mut pt,
            side,
            "Who can read what (X closes): READS = the words, cipher = ciphertext only; framed = more if acting (A)",
            'X',
        );
        let name_w = 300.0;
        let cols = sc.messages.len().max(1);
        let cw = ((side.w - name_w - 16.0) / cols as f32).min(300.0);
        let rows = sc.observers.len().max(1);
        let rh = ((side.h - 70.0) / rows as f32).min(30.0);
        for (m, msg) in sc.messages.iter().enumerate() {
            let x = side.x + name_w + m as f32 * cw;
            pt.text(
                x + 4.0,
                side.y + 36.0,
                &fit(&msg.id, chars_fit(cw, FONT)),
                FONT,
                p::INK,
                10.2,
            );
        }
        for (o, ox) in run.exposure.observers.iter().enumerate() {
            let y = side.y + 62.0 + o as f32 * rh;
            let name = &sc.observers[ox.observer].name;
            pt.text(
                side.x + 8.0,
                y + 2.0,
                &fit(name, chars_fit(name_w - 12.0, FONT)),
                FONT.min(rh - 4.0),
                p::INK,
                10.2,
            );
            for (m, mx) in ox.messages.iter().enumerate() {
                let c = Rect::new(side.x + name_w + m as f32 * cw, y, cw - 4.0, rh - 3.0);
                let (word, fill) = match mx.content {
                    Content::Plaintext => ("READS", p::PLAIN_TINT),
                    Content::Ciphertext => ("cipher", p::SEALED_TINT),
                    Content::None => ("-", p::PANEL),
                };
                let acting = mx
                    .if_acting
                    .as_ref()
                    .filter(|a| a.content.more_than(mx.content));
                let (border, t) = if acting.is_some() {
                    (p::INK, 3.0)
                } else {
                    (p::MUTED, 1.0)
                };
                pt.boxed(c, fill, border, t, 10.3);
                let text = match acting {
                    Some(a) => format!("{word} / {} if acting", word_of(a.content)),
                    None => word.to_string(),
                };
                let text = fit(&text, chars_fit(c.w - 6.0, FONT.min(rh - 4.0)));
                pt.text(
                    c.x + 4.0,
                    c.y + 2.0,
                    &text,
                    FONT.min(rh - 4.0),
                    p::INK,
                    10.4,
                );
            }
        }
    } else if options.keys {
        panel(
            &mut pt,
            side,
            "Keys each observer holds, and where they found them (H closes)",
            'H',
        );
        let rows = sc.observers.len().max(1);
        let rh = ((side.h - 40.0) / rows as f32).min(28.0);
        for (o, ox) in run.exposure.observers.iter().enumerate() {
            let name = &sc.observers[ox.observer].name;
            let keys: Vec<String> = ox
                .keys
                .iter()
                .map(|k| format!("{} (at {})", k.describe(), sc.reach_label(k.found_at)))
                .collect();
            let line = if keys.is_empty() {
                format!("{name}: no keys")
            } else {
                format!("{name}: {}", keys.join(", "))
            };
            let y = side.y + 36.0 + o as f32 * rh;
            pt.text(
                side.x + 8.0,
                y,
                &fit(&line, chars_fit(side.w - 16.0, FONT)),
                FONT.min(rh - 4.0),
                p::INK,
                10.2,
            );
        }
    }
}

fn word_of(content: Content) -> &'static str {
    match content {
        Content::Plaintext => "READS",
        Content::Ciphertext => "cipher",
        Content::None => "-",
    }
}
