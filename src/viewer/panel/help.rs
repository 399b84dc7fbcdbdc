//! The help panel (? or F1): every control, read from the same list the keyboard and the
//! on-screen buttons use ([`super::super::input::CONTROLS`]), so it cannot drift from them.

use bevy::prelude::*;

use super::super::draw::{Layer, palette as p};
use super::super::input::CONTROLS;
use super::super::layout::chars_fit;
use super::super::playback::{Scroll, Shown, ViewerCommand};
use super::super::text::wrap;
use super::{Panel, add_panel, draw_rows, frame, painter};

/// The help's lines: each control's keys and what it does.
pub fn help_lines() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = CONTROLS
        .iter()
        .filter(|c| !c.does.is_empty())
        .map(|c| (c.keys.to_string(), does(c)))
        .collect();
    for info in Panel::ALL {
        out.push((
            info.keys.to_string(),
            format!("open or close the {} panel ({})", info.name, info.label),
        ));
    }
    out.push((
        "Esc".into(),
        "close the open panel; with none open, the neutral view".into(),
    ));
    out
}

/// What a control does, in words; the model cycle names the models from their registry.
fn does(c: &crate::viewer::input::Control) -> String {
    if c.command != ViewerCommand::CycleModel {
        return c.does.to_string();
    }
    let names: Vec<&str> = crate::scenario::Model::all().map(|m| m.name()).collect();
    format!("the next model: {} (the core re-runs)", names.join(", "))
}

fn draw(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Option<Res<Shown>>,
    scroll: Res<Scroll>,
) {
    let Some(shown) = shown else {
        return;
    };
    let mut pt = painter(&mut commands, &drawn, &shown);
    let r = frame(
        &mut pt,
        &shown,
        Panel::Help,
        "Controls: keys, clicks and buttons",
    );
    let size = shown.fit.body_font();
    let line_h = size * 1.12;
    let inner = r.inset(8.0);
    let key_w = 15;
    let cols = chars_fit(inner.w - 8.0, size).saturating_sub(key_w + 1);
    let mut lines: Vec<(String, Color)> = Vec::new();
    for (keys, does) in help_lines() {
        for (i, l) in wrap(&does, cols).into_iter().enumerate() {
            let k = if i == 0 { keys.as_str() } else { "" };
            lines.push((format!("{k:<key_w$} {l}"), p::INK));
        }
    }
    draw_rows(&mut pt, inner, lines, (size, line_h), scroll.panel);
}

/// The help panel.
pub struct HelpPanel;

impl Plugin for HelpPanel {
    fn build(&self, app: &mut App) {
        add_panel(app, Panel::Help, draw);
    }
}
