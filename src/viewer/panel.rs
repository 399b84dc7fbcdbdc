//! The panels drawn over the network (the who-can-read matrix, the lanes, the keys, the
//! scenario list, the help) as one Bevy state, [`Panel`]: one panel at a time, so two can never
//! be drawn over each other. Each panel is a plugin in its own file under `panel/` (the
//! scenario list is `picker.rs`); it draws on entering its state and its entities are
//! despawned on leaving it (`DespawnOnExit`), as bevy_new_2d's menus do.
//!
//! Adding a panel: a variant of [`Panel`] (with its row in [`Panel::ALL`]), a file under
//! `panel/` with its plugin, and that plugin's line in [`PanelPlugin`].

mod help;
mod keys;
mod lanes;
mod matrix;
pub(super) mod picker;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;

use super::controls::ControlButton;
use super::draw::{Layer, Painter, palette as p};
use super::layout::{FONT, Rect};
use super::playback::{Shown, ViewerCommand};

pub use help::help_lines;
pub use lanes::{LanePicture, lane_steps, stage_of};

/// Which panel is open over the network, if any.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Panel {
    /// No panel: the network is in view.
    #[default]
    Closed,
    /// Who can read what: observers by messages (X).
    Matrix,
    /// The three models side by side, aligned by event (C or L).
    Lanes,
    /// The keys each observer holds (H).
    Keys,
    /// The shipped scenarios (S).
    Scenarios,
    /// The controls (? or F1).
    Help,
    /// What-if switches beside the network (W; `mode/whatif.rs`).
    WhatIf,
    /// Exercise mode beside the network (E; `mode/exercise.rs`).
    Exercise,
    /// The scenario designer's palette beside the network (D; `mode/design.rs`).
    Designer,
}

/// One row of the panel registry: the panel, its name (for `render --panel`), the keys that
/// open it (as the help shows them, and the key codes the keyboard sends), and its button's
/// label. Input, help, buttons, `render --panel` and the tests read this row.
pub struct PanelInfo {
    /// The panel.
    pub panel: Panel,
    /// Its name on the command line.
    pub name: &'static str,
    /// The keys that open and close it, as the help panel shows them.
    pub keys: &'static str,
    /// The same keys as the keyboard sends them.
    pub codes: &'static [KeyCode],
    /// What it shows, for buttons and the help panel.
    pub label: &'static str,
}

impl Panel {
    /// Every panel that can be opened: names, keys and labels are read from here.
    pub const ALL: [PanelInfo; 8] = [
        PanelInfo {
            panel: Panel::Matrix,
            name: "matrix",
            keys: "X",
            codes: &[KeyCode::KeyX],
            label: "Who reads",
        },
        PanelInfo {
            panel: Panel::Lanes,
            name: "lanes",
            keys: "C",
            codes: &[KeyCode::KeyC, KeyCode::KeyL],
            label: "Compare",
        },
        PanelInfo {
            panel: Panel::Keys,
            name: "keys",
            keys: "H",
            codes: &[KeyCode::KeyH],
            label: "Keys",
        },
        PanelInfo {
            panel: Panel::Scenarios,
            name: "scenarios",
            keys: "S",
            codes: &[KeyCode::KeyS],
            label: "Scenes",
        },
        PanelInfo {
            panel: Panel::Help,
            name: "help",
            keys: "? F1",
            codes: &[KeyCode::Slash, KeyCode::F1],
            label: "Help",
        },
        PanelInfo {
            panel: Panel::WhatIf,
            name: "whatif",
            keys: "W",
            codes: &[KeyCode::KeyW],
            label: "What if",
        },
        PanelInfo {
            panel: Panel::Exercise,
            name: "exercise",
            keys: "E",
            codes: &[KeyCode::KeyE],
            label: "Exercise",
        },
        PanelInfo {
            panel: Panel::Designer,
            name: "designer",
            keys: "D",
            codes: &[KeyCode::KeyD],
            label: "Design",
        },
    ];

    /// Whether the panel is drawn beside the network in the step list's place (what-if,
    /// exercise, designer), rather than over the network.
    pub fn is_side(self) -> bool {
        matches!(self, Panel::WhatIf | Panel::Exercise | Panel::Designer)
    }

    /// This panel's registry row (`None` for [`Panel::Closed`]).
    pub fn info(self) -> Option<&'static PanelInfo> {
        Panel::ALL.iter().find(|i| i.panel == self)
    }

    /// The panel named `name` (as `render --panel` spells it).
    pub fn from_name(name: &str) -> Option<Panel> {
        Panel::ALL
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name.trim()))
            .map(|i| i.panel)
    }

    /// Every panel's name, for error messages.
    pub fn names() -> String {
        let names: Vec<&str> = Panel::ALL.iter().map(|i| i.name).collect();
        names.join(", ")
    }
}

/// Marks a panel's frame (its backdrop), by the panel.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlay(pub Panel);

/// The rectangle every panel covers: the whole stage (network and observer strip), so
/// nothing of the network shows through between a panel's rows.
pub fn panel_rect(shown: &Shown) -> Rect {
    let s = shown.layout.stage;
    Rect::new(s.x + 4.0, s.y + 4.0, s.w - 8.0, s.h - 8.0)
}

/// Draws a list of text rows under a panel's title bar, as many as fit in `inner`, from the
/// scroll offset.
pub fn draw_rows(
    pt: &mut Painter,
    inner: Rect,
    lines: Vec<(String, Color)>,
    (size, line_h): (f32, f32),
    offset: usize,
) {
    let rows = ((inner.h - 30.0) / line_h).floor().max(2.0) as usize;
    for (i, (l, color)) in super::text::scrolled(lines, rows, offset)
        .iter()
        .enumerate()
    {
        let y = inner.y + 30.0 + i as f32 * line_h;
        pt.text(inner.x, y, l, size, *color, 10.2);
    }
}

/// Draws a panel's frame: an opaque backdrop over the stage, a box, and a title bar naming
/// the key that closes it, with a close button for a pen at its right.
pub fn frame(pt: &mut Painter, shown: &Shown, panel: Panel, title: &str) -> Rect {
    let s = shown.layout.stage;
    pt.rect(s, p::BG, 9.5);
    let r = panel_rect(shown);
    let e = pt.boxed(r, p::PAPER, p::INK, 3.0, 10.0);
    pt.commands.entity(e).insert(Overlay(panel));
    title_bar(pt, Rect::new(r.x, r.y, r.w, TITLE_H), panel, title, 10.1);
    r
}

/// A title bar's height.
pub const TITLE_H: f32 = 30.0;

/// A panel's title bar `bar` at depth `z`: the title and the keys that close it on the left,
/// a `Close` button (a [`ControlButton`] toggling the panel) on the right.
pub fn title_bar(pt: &mut Painter, bar: Rect, panel: Panel, title: &str, z: f32) {
    pt.rect(bar, p::INK, z);
    let keys = panel.info().map_or("", |i| i.keys);
    let close = close_rect(bar);
    let title = format!("{title} ({keys} or Esc closes)");
    let room = close.x - bar.x - 12.0;
    // A narrow bar (a side column) names the panel alone; its keys are on the help panel.
    let line = if super::layout::chars_fit(room, FONT) >= title.chars().count() {
        title
    } else {
        title_only(&title)
    };
    let ty = bar.y + (bar.h - FONT) / 2.0;
    pt.text(bar.x + 8.0, ty, &line, FONT, p::PAPER, z + 0.1);
    let e = pt.boxed(close, p::HIGHLIGHT, p::PAPER, 2.0, z + 0.1);
    pt.commands
        .entity(e)
        .insert(ControlButton(ViewerCommand::TogglePanel(panel)));
    pt.text(
        close.x + 8.0,
        close.y + (close.h - FONT) / 2.0,
        "Close",
        FONT,
        p::INK,
        z + 0.2,
    );
}

/// The part of a title before its remark in brackets.
fn title_only(title: &str) -> String {
    title.split(" (").next().unwrap_or(title).to_string()
}

/// Where a title bar's close button goes: at its right, as tall as the bar.
pub fn close_rect(bar: Rect) -> Rect {
    let w = 5.0 * FONT * super::layout::CHAR_W + 18.0;
    Rect::new(bar.right() - w - 2.0, bar.y + 2.0, w, bar.h - 4.0)
}

/// A painter for a panel's entities (layer [`Layer::Overlays`]), after clearing what the
/// panel drew before.
pub fn painter<'a, 'w, 's>(
    commands: &'a mut Commands<'w, 's>,
    drawn: &Query<(Entity, &Layer)>,
    shown: &Shown,
) -> Painter<'a, 'w, 's> {
    // Not `draw::clear`: leaving a panel may have despawned these already this frame.
    for (e, layer) in drawn {
        if *layer == Layer::Overlays {
            commands.entity(e).try_despawn();
        }
    }
    Painter {
        commands,
        fit: shown.fit,
        layer: Layer::Overlays,
    }
}

/// Registers a panel's drawing system: on entering its state, and again whenever what is
/// shown changes while it is open.
pub fn add_panel<M>(
    app: &mut App,
    panel: Panel,
    draw: impl IntoScheduleConfigs<bevy::ecs::system::ScheduleSystem, M> + Clone,
) {
    app.add_systems(OnEnter(panel), draw.clone()).add_systems(
        Update,
        draw.run_if(
            in_state(panel).and_then(
                resource_exists_and_changed::<Shown>
                    .or_else(resource_changed::<super::playback::Scroll>),
            ),
        )
        .in_set(super::ViewerSet::Draw),
    );
}

/// Entities drawn this frame that no state scopes yet.
type Unscoped<'w, 's> =
    Query<'w, 's, (Entity, &'static Layer), (Added<Layer>, Without<DespawnOnExit<Panel>>)>;

/// Scopes every entity a panel drew to the panel's state, so leaving it despawns them.
fn scope_drawn(mut commands: Commands, drawn: Unscoped, state: Res<State<Panel>>) {
    for (e, layer) in &drawn {
        if *layer == Layer::Overlays {
            commands.entity(e).insert(DespawnOnExit(*state.get()));
        }
    }
}

/// The panel state and every panel's plugin.
pub struct PanelPlugin;

impl Plugin for PanelPlugin {
    fn build(&self, app: &mut App) {
        // `DefaultPlugins` bring the states plugin; `MinimalPlugins` (tests) do not.
        if !app.is_plugin_added::<StatesPlugin>() {
            app.add_plugins(StatesPlugin);
        }
        app.init_state::<Panel>()
            .add_systems(PostUpdate, scope_drawn)
            .add_plugins((
                matrix::MatrixPanel,
                lanes::LanesPanel,
                keys::KeysPanel,
                help::HelpPanel,
            ));
    }
}
