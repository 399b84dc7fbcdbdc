//! The viewer's panels (one at a time, Esc closes), its text (nothing that carries meaning cut
//! to ".."), and its controls (every clicker press counted), headless under `MinimalPlugins`.
#![cfg(feature = "viewer")]

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput, NativeKey};
use bevy::prelude::*;
use plainsight::Run;
use plainsight::scenario::{SHIPPED, Scenario};
use plainsight::viewer::{
    Canvas, Cursor, Overlay, Panel, ViewOptions, ViewerInputPlugin, ViewerPlugin,
};

fn run_of(name: &str) -> Run {
    let text = SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .expect("a shipped scene");
    let sc = Scenario::parse(text, name).expect("shipped scenes parse");
    Run::new(sc, None).expect("shipped scenes simulate")
}

fn app_with_input(run: Run) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        bevy::input::InputPlugin,
        ViewerPlugin::new(run),
        ViewerInputPlugin,
    ));
    app.update();
    app
}

fn key(app: &mut App, code: KeyCode, state: ButtonState) {
    app.world_mut().write_message(KeyboardInput {
        key_code: code,
        logical_key: Key::Unidentified(NativeKey::Unidentified),
        state,
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    });
}

/// A full press and release, then two frames (a panel asked for opens in the next one).
fn press(app: &mut App, code: KeyCode) {
    key(app, code, ButtonState::Pressed);
    key(app, code, ButtonState::Released);
    app.update();
    app.update();
}

fn panel(app: &App) -> Panel {
    *app.world().resource::<State<Panel>>().get()
}

/// The panels whose frames are drawn now.
fn frames(app: &mut App) -> Vec<Panel> {
    let world = app.world_mut();
    let mut q = world.query::<&Overlay>();
    q.iter(world).map(|o| o.0).collect()
}

#[test]
fn one_panel_at_a_time_and_esc_closes_it() {
    let mut app = app_with_input(run_of("e2e.ron"));
    assert!(frames(&mut app).is_empty());
    press(&mut app, KeyCode::KeyX);
    assert_eq!(panel(&app), Panel::Matrix);
    assert_eq!(frames(&mut app), vec![Panel::Matrix]);
    // Another panel's key replaces it: never two drawn over each other.
    for (code, p) in [
        (KeyCode::KeyC, Panel::Lanes),
        (KeyCode::KeyH, Panel::Keys),
        (KeyCode::F1, Panel::Help),
        (KeyCode::KeyX, Panel::Matrix),
    ] {
        press(&mut app, code);
        assert_eq!(panel(&app), p);
        assert_eq!(frames(&mut app), vec![p], "only {p:?} is drawn");
    }
    // Stepping redraws the open panel, still once.
    press(&mut app, KeyCode::ArrowRight);
    assert_eq!(frames(&mut app), vec![Panel::Matrix]);
    // The same key closes it.
    press(&mut app, KeyCode::KeyX);
    assert_eq!(panel(&app), Panel::Closed);
    assert!(frames(&mut app).is_empty());
    // Esc closes a panel first, and only then goes back to the neutral view.
    app.world_mut().resource_mut::<ViewOptions>().observer = Some(1);
    press(&mut app, KeyCode::KeyS);
    assert_eq!(panel(&app), Panel::Scenarios);
    press(&mut app, KeyCode::Escape);
    assert_eq!(panel(&app), Panel::Closed);
    assert_eq!(app.world().resource::<ViewOptions>().observer, Some(1));
    let world = app.world_mut();
    let left = world
        .query::<&plainsight::viewer::PickerRow>()
        .iter(world)
        .count();
    assert_eq!(
        left, 0,
        "the scenario list is despawned on leaving its state"
    );
    press(&mut app, KeyCode::Escape);
    assert_eq!(app.world().resource::<ViewOptions>().observer, None);
}

/// Regression: a clicker's presses that arrive within one frame counted once with
/// `just_pressed` (issue 13: 20 presses moved 17 steps).
#[test]
fn twenty_rapid_page_downs_move_twenty_steps() {
    let run = run_of("group-dm-bagged.ron");
    assert!(run.trace.steps.len() > 25);
    let mut app = app_with_input(run);
    for _frame in 0..4 {
        for _ in 0..5 {
            key(&mut app, KeyCode::PageDown, ButtonState::Pressed);
            key(&mut app, KeyCode::PageDown, ButtonState::Released);
        }
        app.update();
    }
    assert_eq!(app.world().resource::<Cursor>().step, 20);
    for _ in 0..7 {
        key(&mut app, KeyCode::PageUp, ButtonState::Pressed);
        key(&mut app, KeyCode::PageUp, ButtonState::Released);
    }
    app.update();
    assert_eq!(app.world().resource::<Cursor>().step, 13);
}

#[test]
fn the_help_lists_every_key_and_panel() {
    let lines = plainsight::viewer::help_lines();
    for info in Panel::ALL {
        assert!(
            lines.iter().any(|(keys, _)| keys == info.keys),
            "{} missing from the help",
            info.name
        );
    }
    for k in ["Space", "Esc", "M", "A", "P", "Home"] {
        assert!(lines.iter().any(|(keys, _)| keys.contains(k)), "{k}");
    }
    // And every line of the help is in docs/viewer.md's table of keys.
    let doc = std::fs::read_to_string("docs/viewer.md").expect("docs/viewer.md");
    for (keys, _) in &lines {
        assert!(
            doc.contains(&format!("| {keys} |")),
            "docs/viewer.md lacks `| {keys} |`"
        );
    }
}

#[test]
fn render_options_open_a_panel_at_start() {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, ViewerPlugin::new(run_of("e2e.ron"))));
    app.world_mut()
        .resource_mut::<NextState<Panel>>()
        .set(Panel::Lanes);
    app.insert_resource(Canvas {
        width: 1920.0,
        height: 1080.0,
    });
    app.update();
    app.update();
    assert_eq!(frames(&mut app), vec![Panel::Lanes]);
}
