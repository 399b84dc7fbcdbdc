//! A whiteboard pen: every control reachable by taps alone. A headless app with a real
//! (windowless) primary window and mouse input walks Lesson 1 of docs/teaching.md by taps on
//! the on-screen buttons, switches and close buttons: no key is pressed.

use bevy::input::ButtonState;
use bevy::input::mouse::MouseButtonInput;
use bevy::prelude::*;
use bevy::window::{PrimaryWindow, WindowResolution};
use plainsight::viewer::{
    ControlButton, Cursor, ExerciseCommand, ExerciseMode, Panel, Runs, ViewOptions, ViewerCommand,
    ViewerInputPlugin, ViewerPlugin, WhatIfCommand, WhatIfState,
};
use plainsight::whatif::Switch;

/// The viewer with mouse input and a 1280 x 720 primary window (no renderer, no winit).
fn pen_app(scene: &str) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        bevy::input::InputPlugin,
        bevy::window::WindowPlugin {
            primary_window: None,
            exit_condition: bevy::window::ExitCondition::DontExit,
            ..default()
        },
        ViewerPlugin::new(crate::support::shipped_run(scene, None)),
        ViewerInputPlugin,
    ));
    app.world_mut().spawn((
        Window {
            resolution: WindowResolution::new(1280, 720),
            ..default()
        },
        PrimaryWindow,
    ));
    app.update();
    app.update();
    app
}

/// A pen tap at window pixel (x, y): down one frame, up the next.
fn tap(app: &mut App, (x, y): (f32, f32)) {
    let window = {
        let world = app.world_mut();
        let mut q = world.query_filtered::<(Entity, &mut Window), With<PrimaryWindow>>();
        let (e, mut w) = q.single_mut(world).expect("a primary window");
        w.set_cursor_position(Some(Vec2::new(x, y)));
        e
    };
    for state in [ButtonState::Pressed, ButtonState::Released] {
        app.world_mut().write_message(MouseButtonInput {
            button: MouseButton::Left,
            state,
            window,
        });
        app.update();
    }
    // What the tap started in the core (a what-if re-run) finishes off the frame loop.
    plainsight::viewer::settle(app);
}

/// The window point at the centre of the on-screen button that sends `command`.
fn control(app: &mut App, command: ViewerCommand) -> Option<(f32, f32)> {
    let world = app.world_mut();
    let mut q = world.query::<(&ControlButton, &GlobalTransform, &Transform)>();
    q.iter(world)
        .filter(|(b, ..)| b.0 == command)
        // The topmost one (a panel's close button over the bar's, if both).
        .max_by(|a, b| a.2.translation.z.total_cmp(&b.2.translation.z))
        .map(|(_, _, t)| (t.translation.x + 640.0, 360.0 - t.translation.y))
}

/// Taps the on-screen button that sends `command`; fails if there is none.
fn press(app: &mut App, command: ViewerCommand, what: &str) {
    let at = control(app, command).unwrap_or_else(|| panic!("{what}: no button on screen"));
    tap(app, at);
}

fn panel(app: &App) -> Panel {
    *app.world().resource::<State<Panel>>().get()
}

/// The centre of the what-if button that sends `c`.
fn whatif_button(app: &App, c: WhatIfCommand) -> (f32, f32) {
    let st = app.world().resource::<WhatIfState>();
    st.buttons
        .iter()
        .find(|(_, b)| *b == c)
        .map(|(r, _)| r.center())
        .unwrap_or_else(|| panic!("no what-if button for {c:?}"))
}

/// The Back, Play and Step buttons are on screen (with any panel open).
fn transport_visible(app: &mut App, what: &str) {
    for c in [
        ViewerCommand::StepBack,
        ViewerCommand::TogglePlay,
        ViewerCommand::StepForward,
    ] {
        assert!(control(app, c).is_some(), "{what}: no {c:?} button");
    }
}

/// Issue 20: What if, Exercise and Design replaced the buttons and had no close button; the
/// Observer button never came back to the neutral view. Lesson 1, by pen alone.
#[test]
fn lesson_1_walked_with_taps_only() {
    let mut app = pen_app("plain-web");
    // 1. Plain web: step six times.
    for _ in 0..6 {
        press(&mut app, ViewerCommand::StepForward, "Step >>");
    }
    assert_eq!(app.world().resource::<Cursor>().step, 6);
    // What if there were no TLS? Open the switches, tap Alice's link's tag.
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::WhatIf),
        "What if",
    );
    assert_eq!(panel(&app), Panel::WhatIf);
    transport_visible(&mut app, "what-if open");
    let tag = whatif_button(&app, WhatIfCommand::Flip(Switch::LinkTls(0)));
    tap(&mut app, tag);
    let names: Vec<String> = {
        let sc = &app.world().resource::<Runs>().run().scenario;
        sc.observers.iter().map(|o| o.name.clone()).collect()
    };
    let st = app.world().resource::<WhatIfState>();
    assert_eq!(
        st.switches.link_tls.get(&0),
        Some(&false),
        "one tap, TLS off"
    );
    assert!(
        st.changes
            .iter()
            .any(|c| names[c.observer].contains("eavesdropper")),
        "the eavesdropper's cells change: {:?}",
        st.changes
    );
    let tag = whatif_button(&app, WhatIfCommand::Flip(Switch::LinkTls(0)));
    tap(&mut app, tag);
    let st = app.world().resource::<WhatIfState>();
    assert_eq!(
        st.switches.link_tls.get(&0),
        Some(&true),
        "a second tap, TLS on"
    );
    // Step with the switches open, then close them with their own button.
    press(&mut app, ViewerCommand::StepBack, "<< Back beside what-if");
    assert_eq!(app.world().resource::<Cursor>().step, 5);
    press(&mut app, ViewerCommand::TogglePanel(Panel::WhatIf), "Close");
    assert_eq!(panel(&app), Panel::Closed);
    // 2. Encryption at rest: Model, back to the start, the matrix, closed by its button.
    press(&mut app, ViewerCommand::CycleModel, "Model");
    let model = |app: &App| app.world().resource::<Runs>().run().trace.protection.model;
    assert_eq!(model(&app).name(), "server-encrypted");
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::Matrix),
        "Who reads",
    );
    assert_eq!(panel(&app), Panel::Matrix);
    transport_visible(&mut app, "matrix open");
    press(&mut app, ViewerCommand::TogglePanel(Panel::Matrix), "Close");
    assert_eq!(panel(&app), Panel::Closed);
    // 3. End-to-end; view as each observer in turn, and back to the neutral view.
    press(&mut app, ViewerCommand::CycleModel, "Model");
    assert_eq!(model(&app).name(), "e2e");
    let observers = app
        .world()
        .resource::<Runs>()
        .run()
        .scenario
        .observers
        .len();
    for o in 0..observers {
        press(&mut app, ViewerCommand::NextObserver, "Observer");
        assert_eq!(app.world().resource::<ViewOptions>().observer, Some(o));
    }
    press(&mut app, ViewerCommand::NextObserver, "Observer");
    assert_eq!(
        app.world().resource::<ViewOptions>().observer,
        None,
        "back to neutral"
    );
    // Let the admin act: one tap on the what-if switch.
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::WhatIf),
        "What if",
    );
    let act = whatif_button(&app, WhatIfCommand::Act);
    tap(&mut app, act);
    assert!(
        app.world().resource::<Runs>().acting.is_some(),
        "one tap lets them act"
    );
    let act = whatif_button(&app, WhatIfCommand::Act);
    tap(&mut app, act);
    assert!(
        app.world().resource::<Runs>().acting.is_none(),
        "a second tap: honest again"
    );
    press(&mut app, ViewerCommand::TogglePanel(Panel::WhatIf), "Close");
    // The exercise: tap rows, Reveal, close.
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::Exercise),
        "Exercise",
    );
    assert_eq!(panel(&app), Panel::Exercise);
    transport_visible(&mut app, "exercise open");
    let row = |app: &App, c: ExerciseCommand| {
        let mode = app.world().resource::<ExerciseMode>();
        mode.buttons
            .iter()
            .find(|(_, b)| *b == c)
            .map(|(r, _)| r.center())
            .unwrap_or_else(|| panic!("no exercise button {c:?}"))
    };
    let at = row(&app, ExerciseCommand::Mark(0));
    tap(&mut app, at);
    let marks = |app: &App| {
        let mode = app.world().resource::<ExerciseMode>();
        let l = mode.loaded.as_ref().expect("loaded");
        (l.marks[l.question].clone(), l.scored.is_some())
    };
    assert_eq!(marks(&app).0[0], Some(true), "one tap marks a row");
    let at = row(&app, ExerciseCommand::Reveal);
    tap(&mut app, at);
    assert!(marks(&app).1, "revealed");
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::Exercise),
        "Close",
    );
    assert_eq!(panel(&app), Panel::Closed);
    // The designer too has a close button and keeps Back, Play, Step.
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::Designer),
        "Design",
    );
    assert_eq!(panel(&app), Panel::Designer);
    transport_visible(&mut app, "designer open");
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::Designer),
        "Close",
    );
    assert_eq!(panel(&app), Panel::Closed);
}

/// Every panel, opened by its button, has a close button of its own and leaves Back, Play
/// and Step on screen.
#[test]
fn every_panel_has_a_close_button_and_keeps_back_play_step() {
    let mut app = pen_app("e2e");
    for info in Panel::ALL {
        press(&mut app, ViewerCommand::TogglePanel(info.panel), info.label);
        assert_eq!(panel(&app), info.panel, "{}", info.name);
        transport_visible(&mut app, info.name);
        // Two buttons close it: the bar's and the title bar's; tap the title bar's (topmost).
        let world = app.world_mut();
        let mut q = world.query::<(&ControlButton, &Transform)>();
        let closers = q
            .iter(world)
            .filter(|(b, _)| b.0 == ViewerCommand::TogglePanel(info.panel))
            .count();
        assert!(closers >= 2, "{}: {closers} close buttons", info.name);
        press(&mut app, ViewerCommand::TogglePanel(info.panel), "Close");
        assert_eq!(panel(&app), Panel::Closed, "{} did not close", info.name);
    }
}

/// Issue 20: the fan-out switch showed nothing of what it changed. Flipped on the group DM, it
/// changes no cell but says what sending costs before and after.
#[test]
fn the_fan_out_switch_says_what_it_costs() {
    let mut app = pen_app("group-dm");
    press(
        &mut app,
        ViewerCommand::TogglePanel(Panel::WhatIf),
        "What if",
    );
    let at = whatif_button(&app, WhatIfCommand::Flip(Switch::NextFanout));
    tap(&mut app, at);
    let st = app.world().resource::<WhatIfState>();
    let (before, after) = st.cost.expect("a cost after a flip");
    assert_ne!(before.posts, after.posts, "{before:?} -> {after:?}");
    assert_ne!(before.wire, after.wire);
    let texts = crate::support::texts(&mut app);
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Cost: m1 leaves its sender as")),
        "{texts:?}"
    );
}
