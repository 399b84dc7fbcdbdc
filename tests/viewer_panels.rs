//! The viewer's panels (one at a time, Esc closes), its text (nothing that carries meaning cut
//! to ".."), and its controls (every clicker press counted), headless under `MinimalPlugins`.

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput, NativeKey};
use bevy::prelude::*;
use plainsight::Run;
use plainsight::scenario::SHIPPED;
use plainsight::viewer::{
    Canvas, Cursor, Overlay, Panel, ViewOptions, ViewerCommand, ViewerInputPlugin, ViewerPlugin,
};

fn run_of(name: &str) -> Run {
    crate::support::shipped_run(name, None)
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
    // Another panel's key replaces it: never two drawn over each other. Every key of every
    // panel drawn over the network, from the registry, each from the matrix and back.
    let over: Vec<(KeyCode, Panel)> = Panel::ALL
        .iter()
        .filter(|i| !i.panel.is_side() && !matches!(i.panel, Panel::Scenarios | Panel::Matrix))
        .flat_map(|i| i.codes.iter().map(move |&c| (c, i.panel)))
        .collect();
    assert!(over.len() >= 5, "{over:?}");
    for (code, p) in over {
        press(&mut app, code);
        assert_eq!(panel(&app), p, "{code:?}");
        assert_eq!(frames(&mut app), vec![p], "only {p:?} is drawn");
        press(&mut app, KeyCode::KeyX);
        assert_eq!(frames(&mut app), vec![Panel::Matrix]);
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

// Issue 13's ".." test is replaced by `viewer_text::every_text_is_whole_and_at_least_18_px_at_720p`,
// which fails on any text the shortening rule cut, not only on "..".

use crate::support::texts;

/// Issue 13: for a reply the header said "social.example sends the message to alice-phone"
/// while the list and inspector said "alice-phone -> social.example/wire". All three now say
/// where the bytes are in the direction they travel, from `step_where`.
#[test]
fn list_inspector_and_header_agree_on_where_a_reply_travels() {
    let run = run_of("plain-web.ron");
    let sc = run.scenario.clone();
    let reply = run
        .trace
        .steps
        .iter()
        .position(|s| {
            matches!(s.travel, Some((plainsight::scenario::Node::Server(_), _)))
                && s.message == Some(1)
        })
        .expect("plain-web's reply crosses a wire from the server");
    let step = run.trace.steps[reply].clone();
    let (from, to) = step.travel.expect("a wire step");
    let where_ = plainsight::viewer::step_where(&sc, &step);
    assert!(where_.starts_with(&format!("{} -> {}", sc.node_name(from), sc.node_name(to))));
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, ViewerPlugin::new(run)));
    app.world_mut().resource_mut::<Cursor>().step = reply;
    app.update();
    let all = texts(&mut app);
    let joined = all.join("\n");
    assert!(
        joined.contains(&where_),
        "the list and inspector name {where_}"
    );
    assert!(
        !joined.contains(&format!("{} -> {}", sc.node_name(to), sc.node_name(from))),
        "nothing says it runs the other way"
    );
    // The header's sentence names the sender first too.
    let note = step.note.clone();
    assert!(note.find(sc.node_name(from)) < note.find(sc.node_name(to)));
    assert!(joined.contains(&note));
}

/// Issue 13: after M the header kept the scenario's title beside another model's name.
#[test]
fn after_m_the_header_says_the_model_was_re_run() {
    let mut app = app_with_input(run_of("plain-web.ron"));
    assert!(texts(&mut app).iter().any(|t| t == "model: plain-web"));
    press(&mut app, KeyCode::KeyM);
    let runs = app.world().resource::<plainsight::viewer::Runs>();
    let label = runs.run().trace.protection.label();
    assert_ne!(label, "plain-web");
    let expected = format!("plain-web scene, run as {label}");
    assert!(texts(&mut app).contains(&expected), "{expected}");
}

/// The matrix panel shows each cell as `plainsight matrix` prints it, `[srzt]` included.
#[test]
fn the_matrix_panel_shows_the_reports_cells_with_metadata() {
    let run = run_of("plain-web.ron");
    let cells: Vec<String> = run
        .exposure
        .observers
        .iter()
        .flat_map(|o| o.messages.iter().map(plainsight::report::matrix_cell))
        .collect();
    assert!(cells.iter().any(|c| c.contains("[srzt]")));
    let mut app = app_with_input(run);
    press(&mut app, KeyCode::KeyX);
    let all = texts(&mut app).join("\n");
    for c in &cells {
        assert!(all.contains(c.as_str()), "{c} not in the matrix panel");
    }
}

/// Issue 13: the lanes were aligned by step index (e2e at "seal" beside plain-web at "store").
/// Every lane is at the same event when its model has it, else at an earlier shared one.
#[test]
fn lanes_are_aligned_by_event_not_by_step_number() {
    use plainsight::viewer::stage_of;
    let (mut same_seen, mut earlier_seen) = (0, 0);
    for (name, _) in SHIPPED {
        let runs = plainsight::viewer::Runs::new(run_of(name));
        for a in &runs.runs {
            for b in &runs.runs {
                for (k, s) in a.trace.steps.iter().enumerate() {
                    let (j, same) = stage_of(a, k, b);
                    let t = &b.trace.steps[j];
                    if std::ptr::eq(a, b) {
                        // A lane beside itself is at the very step.
                        assert_eq!((j, same), (k, true), "{name}");
                    }
                    if same {
                        same_seen += 1;
                        assert_eq!(
                            (s.message, s.action, s.place),
                            (t.message, t.action, t.place)
                        );
                    } else {
                        earlier_seen += 1;
                    }
                }
            }
        }
    }
    assert!(
        same_seen > 0 && earlier_seen > 0,
        "{same_seen} {earlier_seen}"
    );
    let runs = plainsight::viewer::Runs::new(run_of("e2e.ron"));
    let plain = runs
        .runs
        .iter()
        .find(|r| r.trace.protection.label() == "plain-web")
        .expect("plain-web lane");
    let e2e = &runs.runs[runs.current];
    let store = plain
        .trace
        .steps
        .iter()
        .position(|s| s.action == plainsight::sim::Action::Store)
        .expect("plain-web stores");
    let (j, same) = stage_of(plain, store, e2e);
    assert!(same, "e2e stores too");
    assert_eq!(e2e.trace.steps[j].action, plainsight::sim::Action::Store);
}

/// On-screen buttons: one per control, each a box with a text label at least 40 px high at
/// 1280 x 720 (a pen's width), sending the command its key sends.
#[test]
fn on_screen_buttons_send_what_the_keys_send() {
    use plainsight::viewer::{ControlButton, buttons};
    let mut app = app_with_input(run_of("e2e.ron"));
    let all = buttons(false, Panel::Closed);
    let world = app.world_mut();
    let drawn: Vec<(ViewerCommand, Vec2)> = world
        .query::<(&ControlButton, &Sprite)>()
        .iter(world)
        .map(|(b, s)| (b.0, s.custom_size.unwrap_or_default()))
        .collect();
    assert_eq!(drawn.len(), all.len());
    for (label, command, _) in &all {
        assert!(!label.trim().is_empty());
        let (_, size) = drawn
            .iter()
            .find(|(c, _)| c == command)
            .expect("each button is drawn");
        assert!(size.y >= 40.0 && size.x >= 60.0, "{label}: {size}");
        let key = [
            KeyCode::Space,
            KeyCode::ArrowRight,
            KeyCode::ArrowLeft,
            KeyCode::Equal,
            KeyCode::Minus,
            KeyCode::Tab,
            KeyCode::KeyM,
            KeyCode::KeyX,
            KeyCode::KeyC,
            KeyCode::KeyH,
            KeyCode::KeyS,
            KeyCode::F1,
            KeyCode::KeyW,
            KeyCode::KeyE,
            KeyCode::KeyD,
            KeyCode::KeyV,
            KeyCode::KeyN,
        ]
        .into_iter()
        .find(|&k| plainsight::viewer::command_for(k) == Some(*command));
        assert!(key.is_some(), "{label} has a key that sends {command:?}");
    }
    // A button's command does what its key does.
    app.world_mut().write_message(ViewerCommand::StepForward);
    app.update();
    assert_eq!(app.world().resource::<Cursor>().step, 1);
    app.world_mut()
        .write_message(ViewerCommand::TogglePanel(Panel::Help));
    app.update();
    app.update();
    assert_eq!(panel(&app), Panel::Help);
    assert!(
        buttons(false, Panel::Help)
            .iter()
            .any(|(l, _, on)| *on && l.contains("(open)")),
        "the open panel's button says so in words"
    );
}

/// Issue 20: the matrix panel had no column headers (m1, m2) to read the cells by.
#[test]
fn the_matrix_panel_has_column_headers() {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, ViewerPlugin::new(run_of("plain-web.ron"))));
    app.update();
    app.world_mut()
        .resource_mut::<NextState<Panel>>()
        .set(Panel::Matrix);
    app.update();
    app.update();
    let t = texts(&mut app);
    for head in ["observer", "m1, from Alice", "m2, from Bob"] {
        assert!(t.iter().any(|x| x == head), "{head} not in {t:?}");
    }
}

/// Issue 20: Compare was text only. Each lane draws a picture of where the words were in the
/// clear; at the end of plain-web, e2e's picture has fewer places filled than plain-web's.
#[test]
fn the_lanes_draw_a_picture_per_model() {
    let run = run_of("plain-web.ron");
    let last = run.trace.steps.len() - 1;
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, ViewerPlugin::new(run)));
    app.update();
    app.world_mut().resource_mut::<Cursor>().step = last;
    app.world_mut()
        .resource_mut::<NextState<Panel>>()
        .set(Panel::Lanes);
    app.update();
    app.update();
    let world = app.world_mut();
    let mut pics: Vec<plainsight::viewer::LanePicture> = world
        .query::<&plainsight::viewer::LanePicture>()
        .iter(world)
        .copied()
        .collect();
    pics.sort_by_key(|p| p.lane);
    assert_eq!(pics.len(), 3, "{pics:?}");
    assert!(
        pics[2].filled < pics[0].filled,
        "e2e vs plain-web: {pics:?}"
    );
    assert!(pics[2].filled > 0, "the phones hold the words: {pics:?}");
}

/// Issue 20: reaching a group DM's sealing step took 33 presses. N (and the Next message
/// button) jumps to the first step of the next message.
#[test]
fn n_jumps_to_the_next_messages_first_step() {
    for (scene, messages) in [("group-dm.ron", 1), ("plain-web.ron", 2)] {
        let run = run_of(scene);
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, ViewerPlugin::new(run.clone())));
        app.update();
        for m in 0..messages {
            let first = run
                .trace
                .steps
                .iter()
                .position(|s| s.message == Some(m))
                .expect("a step of the message");
            if first == 0 {
                continue;
            }
            app.world_mut().write_message(ViewerCommand::NextMessage);
            app.update();
            assert_eq!(app.world().resource::<Cursor>().step, first, "{scene} m{m}");
        }
    }
}
