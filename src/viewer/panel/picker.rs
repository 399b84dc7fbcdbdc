//! The scenario picker: every shipped scenario ([`SHIPPED`]) in a list over the stage. `]` and
//! `[` switch to the next and previous one (and show the list), `S` shows or hides it, and a
//! click on an entry picks it. In the browser this is the only way to choose a scenario, as
//! there is no command line; in the window it saves restarting the program.
//!
//! Switching scenario re-runs the core on it (under each model, as at start-up) and resets the
//! cursor and the observer; everything on screen follows from the new [`Runs`].

use bevy::input::ButtonState;
use bevy::input::keyboard::KeyboardInput;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::viewer::compute::Computing;
use crate::viewer::panel::{Panel, TITLE_H};

use crate::Run;
use crate::scenario::{SHIPPED, Scenario};
use crate::viewer::draw::palette as p;
use crate::viewer::layout::{Fit, Rect};
use crate::viewer::playback::{Anim, Cursor, Runs, Shown, ViewOptions};

/// One shipped scenario in the list.
#[derive(Debug, Clone)]
pub struct PickerEntry {
    /// Its file name in `scenes/` (`e2e.ron`).
    pub file: &'static str,
    /// The validated scenario.
    pub scenario: Scenario,
}

/// The shipped scenarios and which one is shown. The list is open while the [`Panel`] state is
/// [`Panel::Scenarios`].
#[derive(Resource, Debug, Clone)]
pub struct Picker {
    /// Every shipped scenario that validates, in teaching order.
    pub entries: Vec<PickerEntry>,
    /// The entry shown, or `None` when the run came from a file that is not shipped.
    pub current: Option<usize>,
}

impl Picker {
    /// The shipped scenarios, with `shown` (the title of the scenario on screen) marked current.
    pub fn new(shown: &str) -> Picker {
        let entries: Vec<PickerEntry> = SHIPPED
            .iter()
            .filter_map(|(file, text)| {
                // Every shipped scene validates (a test checks it); one that did not would
                // only be missing from the list.
                Scenario::parse(text, &format!("scenes/{file}"))
                    .ok()
                    .map(|scenario| PickerEntry { file, scenario })
            })
            .collect();
        let current = entries.iter().position(|e| e.scenario.title == shown);
        Picker { entries, current }
    }
}

/// What a person can ask of the picker.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerCommand {
    /// `]`: the next scenario.
    Next,
    /// `[`: the previous scenario.
    Previous,
    /// A click on an entry: that scenario (index into [`Picker::entries`]).
    Pick(usize),
}

/// Marks the picker's panel (its root node).
#[derive(Component, Debug, Clone, Copy)]
pub struct PickerPanel;

/// Marks a clickable entry of the list: index into [`Picker::entries`].
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickerRow(pub usize);

/// `[` and `]`, one command per press (see `input.rs`). `S` opens the list as a panel.
fn keyboard(keys: Option<MessageReader<KeyboardInput>>, mut out: MessageWriter<PickerCommand>) {
    // Absent under MinimalPlugins (tests), where commands are sent directly.
    let Some(mut keys) = keys else {
        return;
    };
    for key in keys.read() {
        if key.state != ButtonState::Pressed || key.repeat {
            continue;
        }
        match key.key_code {
            KeyCode::BracketRight => {
                out.write(PickerCommand::Next);
            }
            KeyCode::BracketLeft => {
                out.write(PickerCommand::Previous);
            }
            _ => {}
        }
    }
}

fn clicks(
    rows: Query<(&Interaction, &PickerRow), Changed<Interaction>>,
    mut out: MessageWriter<PickerCommand>,
) {
    for (interaction, row) in &rows {
        if *interaction == Interaction::Pressed {
            out.write(PickerCommand::Pick(row.0));
        }
    }
}

/// Applies picker commands: switching scenario replaces [`Runs`] and resets the playback.
pub fn apply_picker(
    mut commands: MessageReader<PickerCommand>,
    mut picker: ResMut<Picker>,
    mut computing: ResMut<Computing>,
    mut next: ResMut<NextState<Panel>>,
) {
    for c in commands.read() {
        let n = picker.entries.len();
        if n == 0 {
            continue;
        }
        let target = match *c {
            PickerCommand::Next => picker.current.map_or(0, |i| (i + 1) % n),
            PickerCommand::Previous => picker.current.map_or(n - 1, |i| (i + n - 1) % n),
            PickerCommand::Pick(i) if i < n => i,
            PickerCommand::Pick(_) => continue,
        };
        if !matches!(c, PickerCommand::Pick(_)) {
            next.set(Panel::Scenarios);
        }
        if picker.current == Some(target) {
            continue;
        }
        // The list marks the one loading; the core runs it off the frame loop.
        picker.current = Some(target);
        let entry = picker.entries[target].clone();
        computing.start("loading the scenario", move || {
            let done = Run::new(entry.scenario.clone(), None).map(Runs::new);
            Box::new(move |world: &mut World| match done {
                Ok(runs) => show(world, runs),
                Err(e) => tracing::warn!("{} did not simulate: {e}", entry.file),
            })
        });
    }
}

/// Shows newly loaded runs from the start: cursor and animation reset, no observer (their
/// indices belong to the old scenario), the window titled; the panel open stays open.
fn show(world: &mut World, runs: Runs) {
    let title = format!("plainsight: {}", runs.run().scenario.title);
    let mut windows = world.query_filtered::<&mut Window, With<PrimaryWindow>>();
    if let Ok(mut w) = windows.single_mut(world) {
        w.title = title;
    }
    world.insert_resource(runs);
    world.insert_resource(Cursor::default());
    world.insert_resource(Anim::default());
    world.resource_mut::<ViewOptions>().observer = None;
}

/// Draws the list (on entering [`Panel::Scenarios`], and again when the scenario or canvas
/// changes while it is open) over the whole stage, in two columns, so every title shows whole.
/// It never covers the step list (whose clicks the input plugin handles); the observer chips
/// under it take no clicks while a panel is open.
fn draw_picker(
    mut commands: Commands,
    panels: Query<Entity, With<PickerPanel>>,
    drawn: Query<(Entity, &crate::viewer::draw::Layer)>,
    picker: Res<Picker>,
    shown: Option<Res<Shown>>,
) {
    let Some(shown) = shown else {
        return;
    };
    for e in &panels {
        commands.entity(e).try_despawn();
    }
    // The title bar, with its close button for a pen, is drawn like every panel's; the list
    // (UI nodes, drawn over sprites) starts under it.
    let full = shown.layout.stage;
    {
        let mut pt = crate::viewer::panel::painter(&mut commands, &drawn, &shown);
        let bar = Rect::new(full.x + 4.0, full.y + 4.0, full.w - 8.0, TITLE_H);
        pt.rect(full, p::BG, 9.5);
        let title = "Scenarios: tap one, or [ and ] for the previous and next";
        crate::viewer::panel::title_bar(&mut pt, bar, Panel::Scenarios, title, 10.1);
    }
    let stage = Rect::new(full.x, full.y + TITLE_H, full.w, full.h - TITLE_H);
    let f = shown.fit;
    let per_column = picker.entries.len().div_ceil(2).max(1);
    let font = f.body_font();
    let list = List {
        picker: &picker,
        scale: f.scale,
        font,
        row_h: ((stage.h - 20.0) / per_column as f32).min(font * 2.4),
    };
    commands
        .spawn((
            PickerPanel,
            DespawnOnExit(Panel::Scenarios),
            over_stage(stage, f),
            BorderColor::all(p::INK),
            BackgroundColor(p::PANEL),
            GlobalZIndex(10),
        ))
        .with_children(|root| {
            root.spawn(Node {
                flex_direction: FlexDirection::Row,
                ..default()
            })
            .with_children(|cols| {
                list.column(cols, 0..per_column);
                list.column(cols, per_column..picker.entries.len());
            });
        });
}

/// The list's frame: over the stage, 4 virtual pixels in from its edges.
fn over_stage(stage: Rect, f: Fit) -> Node {
    // Virtual (top-left origin) to window pixels.
    let (wx, wy) = f.world(stage.x + 4.0, stage.y + 4.0);
    let (left, top) = (wx + f.width / 2.0, f.height / 2.0 - wy);
    Node {
        position_type: PositionType::Absolute,
        left: Val::Px(left),
        top: Val::Px(top),
        width: Val::Px((stage.w - 8.0) * f.scale),
        height: Val::Px((stage.h - 8.0) * f.scale),
        flex_direction: FlexDirection::Column,
        padding: UiRect::all(Val::Px(4.0 * f.scale)),
        border: UiRect::all(Val::Px(3.0 * f.scale)),
        overflow: Overflow::clip(),
        ..default()
    }
}

/// How the list is drawn: its entries, the canvas's scale, the text size and a row's height
/// (in virtual pixels).
struct List<'a> {
    picker: &'a Picker,
    scale: f32,
    font: f32,
    row_h: f32,
}

impl List<'_> {
    /// A line of text in the list's size.
    fn text(&self, s: String, color: Color) -> (Text, TextFont, TextColor) {
        (
            Text::new(crate::viewer::draw::drawable(&s)),
            TextFont::from_font_size(self.font * self.scale),
            TextColor(color),
        )
    }

    /// One column of entries: those in `range`.
    fn column(&self, list: &mut ChildSpawnerCommands, range: std::ops::Range<usize>) {
        list.spawn(Node {
            width: Val::Percent(50.0),
            flex_direction: FlexDirection::Column,
            row_gap: Val::Px(1.0 * self.scale),
            padding: UiRect::all(Val::Px(2.0 * self.scale)),
            ..default()
        })
        .with_children(|col| {
            for (i, entry) in self
                .picker
                .entries
                .iter()
                .enumerate()
                .take(range.end)
                .skip(range.start)
            {
                self.row(col, i, entry);
            }
        });
    }

    /// Entry `i`'s row: a button, framed and highlighted when it is the scenario shown.
    fn row(&self, col: &mut ChildSpawnerCommands, i: usize, entry: &PickerEntry) {
        let here = self.picker.current == Some(i);
        let name = entry.file.strip_suffix(".ron").unwrap_or(entry.file);
        col.spawn((
            Button,
            PickerRow(i),
            Node {
                min_height: Val::Px((self.row_h - 2.0) * self.scale),
                padding: UiRect::horizontal(Val::Px(4.0 * self.scale)),
                align_items: AlignItems::Center,
                border: UiRect::all(Val::Px(if here { 3.0 } else { 1.0 })),
                ..default()
            },
            BorderColor::all(p::INK),
            BackgroundColor(if here { p::HIGHLIGHT } else { p::PAPER }),
        ))
        .with_children(|row| {
            let mark = if here { "(shown) " } else { "" };
            row.spawn(self.text(
                format!("{:>2} {name}: {mark}{}", i + 1, entry.scenario.title),
                p::INK,
            ));
        });
    }
}

/// The picker plugin. Its keys and clicks are read in the window only; tests send
/// [`PickerCommand`]s directly.
pub struct PickerPlugin;

impl Plugin for PickerPlugin {
    fn build(&self, app: &mut App) {
        let shown = app
            .world()
            .get_resource::<Runs>()
            .map(|r| r.run().scenario.title.clone())
            .unwrap_or_default();
        app.insert_resource(Picker::new(&shown))
            .add_message::<PickerCommand>()
            .add_systems(
                Update,
                (
                    (keyboard, clicks).in_set(crate::viewer::ViewerSet::Input),
                    apply_picker
                        .in_set(crate::viewer::ViewerSet::State)
                        .after(crate::viewer::playback::apply_commands)
                        .before(crate::viewer::playback::refresh_shown),
                ),
            );
        crate::viewer::panel::add_panel(app, Panel::Scenarios, draw_picker);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::ViewerCommand;

    #[test]
    fn every_shipped_scenario_is_listed_once_by_title() {
        let picker = Picker::new("");
        assert_eq!(picker.entries.len(), SHIPPED.len());
        let mut titles: Vec<&str> = picker
            .entries
            .iter()
            .map(|e| e.scenario.title.as_str())
            .collect();
        titles.sort_unstable();
        titles.dedup();
        // Titles identify the scenario shown at start-up.
        assert_eq!(titles.len(), SHIPPED.len());
    }

    fn app() -> App {
        let run = Run::new(Scenario::shipped("e2e").expect("shipped"), None).expect("simulates");
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, crate::viewer::ViewerPlugin::new(run)));
        app.update();
        app
    }

    fn send(app: &mut App, command: PickerCommand) {
        app.world_mut().write_message(command);
        // A panel opened in one frame is entered (and drawn) at the start of the next; the
        // scenario loads off the frame loop.
        app.update();
        crate::viewer::settle(app);
    }

    fn panel(app: &App) -> Panel {
        *app.world().resource::<State<Panel>>().get()
    }

    fn title(app: &App) -> String {
        let runs = app.world().resource::<Runs>();
        runs.run().scenario.title.clone()
    }

    #[test]
    fn next_and_previous_switch_scenario_and_reset_the_cursor() {
        let mut app = app();
        let picker = app.world().resource::<Picker>().clone();
        assert_eq!(picker.current, Some(0), "e2e is the first shipped scene");
        assert_eq!(panel(&app), Panel::Closed);
        app.world_mut().resource_mut::<Cursor>().step = 5;
        app.world_mut().resource_mut::<ViewOptions>().observer = Some(2);

        send(&mut app, PickerCommand::Next);
        assert_eq!(title(&app), picker.entries[1].scenario.title);
        assert_eq!(app.world().resource::<Cursor>().step, 0);
        assert_eq!(app.world().resource::<ViewOptions>().observer, None);
        assert_eq!(panel(&app), Panel::Scenarios, "switching shows the list");
        let mut panels = app.world_mut().query::<&PickerRow>();
        assert_eq!(panels.iter(app.world()).count(), SHIPPED.len());
        // The state on screen is the new scenario's.
        let shown = app.world().resource::<Shown>();
        assert_eq!(shown.state.step, 0);

        send(&mut app, PickerCommand::Previous);
        send(&mut app, PickerCommand::Previous);
        assert_eq!(
            title(&app),
            picker.entries[SHIPPED.len() - 1].scenario.title
        );

        send(&mut app, PickerCommand::Pick(3));
        assert_eq!(title(&app), picker.entries[3].scenario.title);
        send(&mut app, PickerCommand::Pick(999));
        assert_eq!(title(&app), picker.entries[3].scenario.title);

        app.world_mut()
            .write_message(ViewerCommand::TogglePanel(Panel::Scenarios));
        app.update();
        app.update();
        assert_eq!(panel(&app), Panel::Closed);
        let mut panels = app.world_mut().query::<&PickerRow>();
        assert_eq!(
            panels.iter(app.world()).count(),
            0,
            "a hidden list is despawned"
        );
    }
}
