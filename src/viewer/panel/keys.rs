//! The keys panel (H): the keys each observer holds, and where they found them, from the core's
//! exposure analysis. Long lists wrap and scroll.

use bevy::prelude::*;

use super::super::draw::{Layer, palette as p};
use super::super::layout::chars_fit;
use super::super::playback::{Runs, Scroll, Shown, ViewOptions};
use super::super::text::wrap;
use super::{Panel, add_panel, draw_rows, frame, painter};
use crate::sim::Action;
use crate::wire::KeyBlob;

fn draw(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Option<Res<Shown>>,
    runs: Res<Runs>,
    scroll: Res<Scroll>,
    options: Res<ViewOptions>,
) {
    let Some(shown) = shown else {
        return;
    };
    let run = runs.run();
    let sc = &run.scenario;
    let mut pt = painter(&mut commands, &drawn, &shown);
    let r = frame(
        &mut pt,
        &shown,
        Panel::Keys,
        "Keys each observer holds, and where they found them",
    );
    let size = shown.fit.body_font();
    let line_h = size * 1.25;
    let inner = r.inset(8.0);
    let cols = chars_fit(inner.w - 8.0, size);
    let mut lines: Vec<(String, Color)> = Vec::new();
    for ox in &run.exposure.observers {
        let name = &sc.observers[ox.observer].name;
        let keys: Vec<String> = ox
            .keys
            .iter()
            .map(|k| {
                // A key someone made to pose as a device is marked in words, not colour alone.
                let swapped = if matches!(k.blob, KeyBlob::Substitute { .. }) {
                    "SWAPPED IN: "
                } else {
                    ""
                };
                format!("{swapped}{} (at {})", k.describe(), k.source(sc))
            })
            .collect();
        let viewed = options.observer == Some(ox.observer);
        // The observer viewed as is drawn strongest: named as such, in ink, the others muted.
        let who = if viewed {
            format!(">> VIEWING AS {name}")
        } else {
            name.clone()
        };
        let line = if keys.is_empty() {
            format!("{who}: no keys")
        } else {
            format!("{who}: {}", keys.join(", "))
        };
        let color = match (viewed, options.observer.is_some(), keys.is_empty()) {
            (true, _, _) => p::INK,
            (false, true, _) | (false, false, true) => p::MUTED,
            (false, false, false) => p::INK,
        };
        // Continuation lines are indented: wrap four columns short so they still fit.
        for (i, l) in wrap(&line, cols.saturating_sub(4)).into_iter().enumerate() {
            let l = if i == 0 { l } else { format!("    {l}") };
            lines.push((l, color));
        }
    }
    // Key answers someone rewrote on their way in this run (the A run), one line each.
    for step in run
        .trace
        .steps
        .iter()
        .filter(|s| s.action == Action::KeySubstituted)
    {
        let note = format!("SWAPPED: {}", step.note);
        for (i, l) in wrap(&note, cols.saturating_sub(4)).into_iter().enumerate() {
            let l = if i == 0 { l } else { format!("    {l}") };
            lines.push((l, p::KEYS));
        }
    }
    draw_rows(&mut pt, inner, lines, (size, line_h), scroll.panel);
}

/// The keys panel.
pub struct KeysPanel;

impl Plugin for KeysPanel {
    fn build(&self, app: &mut App) {
        add_panel(app, Panel::Keys, draw);
    }
}
