//! The scenario designer: edits over a scenario file, written as RON that `plainsight check`
//! accepts; headlessly through the viewer's own commands.

use std::process::Command;

use plainsight::Run;
use plainsight::designer::{DesignError, Designer, Edit, Item};
use plainsight::scenario::{SHIPPED, Scenario};

/// Every shipped scene read by the designer and written back runs exactly as the original:
/// same people, same trace bytes, same verdicts.
#[test]
fn every_shipped_scene_survives_the_designers_round_trip() {
    for (file, text) in SHIPPED {
        let d = Designer::load(text, file).unwrap_or_else(|e| panic!("{e}"));
        let again = d
            .check()
            .unwrap_or_else(|e| panic!("{file}: {e}\n{}", d.to_ron()));
        let original = Scenario::parse(text, file).expect("shipped");
        let (a, b) = (
            Run::new(original, None).expect("runs"),
            Run::new(again, None).expect("runs"),
        );
        assert_eq!(a.trace.steps.len(), b.trace.steps.len(), "{file}");
        for (x, y) in a.trace.steps.iter().zip(&b.trace.steps) {
            assert_eq!(x.bytes, y.bytes, "{file}: step {}", x.index);
        }
        for (x, y) in a.exposure.observers.iter().zip(&b.exposure.observers) {
            let cx: Vec<_> = x.messages.iter().map(|m| m.content).collect();
            let cy: Vec<_> = y.messages.iter().map(|m| m.content).collect();
            assert_eq!(cx, cy, "{file}");
        }
    }
}

fn two_people() -> Designer {
    let mut d = Designer::new();
    let edits = [
        Edit::AddServer {
            name: "chat.example".into(),
            admin: "Sam".into(),
        },
        Edit::AddPerson {
            name: "Alice".into(),
            device: "alice-phone".into(),
        },
        Edit::AddPerson {
            name: "Bob".into(),
            device: "bob-phone".into(),
        },
        Edit::AddLink {
            from: "alice-phone".into(),
            to: "chat.example".into(),
            tls: true,
        },
        Edit::AddLink {
            from: "chat.example".into(),
            to: "bob-phone".into(),
            tls: false,
        },
        Edit::AddMessage {
            id: "m1".into(),
            from: "Alice".into(),
            to: vec!["Bob".into()],
            text: "hi".into(),
        },
        Edit::AddObserver {
            name: "Eve".into(),
            role: "wire-eavesdropper".into(),
            reaches: vec!["chat.example -> bob-phone".into()],
        },
    ];
    for e in edits {
        d.apply(e).expect("a valid edit");
    }
    d
}

/// The designer writes RON through serde in the shipped scenes' style: a field a line, an entry
/// of a list a line, defaults left out.
#[test]
fn the_designers_ron_has_an_entry_a_line() {
    let ron = two_people().to_ron();
    for line in [
        "    title: \"A scenario of our own\",",
        "        (name: \"Alice\", devices: [\"alice-phone\"]),",
        "        (from: \"chat.example\", to: \"bob-phone\", tls: false),",
        "        (name: \"Eve\", role: \"wire-eavesdropper\", reaches: [\"chat.example -> bob-phone\"]),",
    ] {
        assert!(ron.lines().any(|l| l == line), "no {line:?} in\n{ron}");
    }
    assert!(
        !ron.contains("keys_verified") && !ron.contains("Some("),
        "{ron}"
    );
}

#[test]
fn an_incomplete_scene_says_what_is_wrong_and_where() {
    let mut d = Designer::new();
    d.apply(Edit::AddPerson {
        name: "Alice".into(),
        device: "alice-phone".into(),
    })
    .expect("valid");
    d.apply(Edit::AddMessage {
        id: "m1".into(),
        from: "Alice".into(),
        to: vec!["Bob".into()],
        text: "hi".into(),
    })
    .expect("kept, though Bob is not there yet");
    let err = d.check().expect_err("Bob is nobody yet");
    let line = err.line_text.clone().unwrap_or_default();
    assert!(line.contains("\"Bob\"") && err.column > 1, "{err}");
    assert!(err.to_string().starts_with("designed.ron:"), "{err}");
    let d = two_people();
    let sc = d.check().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.people.len(), 2);
}

#[test]
fn renaming_and_removing_follow_every_reference() {
    let mut d = two_people();
    d.apply(Edit::Rename(
        Item::Server("chat.example".into()),
        "talk.example".into(),
    ))
    .expect("rename");
    let sc = d.check().unwrap_or_else(|e| panic!("{e}\n{}", d.to_ron()));
    assert_eq!(sc.servers[0].name, "talk.example");
    assert!(d.to_ron().contains("\"talk.example -> bob-phone\""));
    assert_eq!(
        d.apply(Edit::AddPerson {
            name: "Bob".into(),
            device: "x".into()
        }),
        Err(DesignError::Taken("Bob".into()))
    );
    d.apply(Edit::Remove(Item::Link(
        "talk.example".into(),
        "bob-phone".into(),
    )))
    .expect("remove");
    let err = d
        .check()
        .expect_err("Bob is unreachable, Eve reaches nothing");
    assert!(!err.to_string().is_empty());
}

/// A scene whose eavesdropper reaches `chat.example->bob-phone` (no spaces, which `check`
/// accepts), loaded into the designer.
fn spaceless_reach() -> Designer {
    let text = two_people().to_ron().replace(
        "\"chat.example -> bob-phone\"",
        "\"chat.example->bob-phone\"",
    );
    assert!(text.contains("\"chat.example->bob-phone\""), "{text}");
    let d = Designer::load(&text, "spaceless.ron").expect("loads");
    d.check()
        .unwrap_or_else(|e| panic!("check accepts a reach without spaces: {e}"));
    d
}

#[test]
fn reach_without_spaces_is_renamed_by_the_designer() {
    // The designer split reaches on " -> " and validation on "->": renaming the server left
    // "chat.example->bob-phone" naming a server that no longer existed.
    let mut d = spaceless_reach();
    d.apply(Edit::Rename(
        Item::Server("chat.example".into()),
        "talk.example".into(),
    ))
    .expect("rename");
    let sc = d.check().unwrap_or_else(|e| panic!("{e}\n{}", d.to_ron()));
    assert_eq!(sc.observers[0].name, "Eve");
    assert!(
        d.to_ron().contains("\"talk.example -> bob-phone\""),
        "{}",
        d.to_ron()
    );
}

#[test]
fn reach_without_spaces_goes_with_its_link_in_the_designer() {
    // Removing a link left a spaceless reach of it behind, naming a link that was gone.
    let mut d = spaceless_reach();
    d.apply(Edit::Remove(Item::Link(
        "bob-phone".into(),
        "chat.example".into(),
    )))
    .expect("remove");
    let ron = d.to_ron();
    assert!(
        !ron.contains("->bob-phone") && !ron.contains("-> bob-phone"),
        "{ron}"
    );
}

#[test]
fn the_file_the_designer_saves_passes_plainsight_check() {
    let path = std::env::temp_dir().join("plainsight-designer-core.ron");
    std::fs::write(&path, two_people().to_ron()).expect("write");
    check_accepts(&path);
}

/// Runs `plainsight check` on a saved file, asserts it passes, and returns what it printed.
fn check_accepts(path: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(["check", path.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[cfg(feature = "viewer")]
mod viewer {

    use bevy::prelude::*;
    use plainsight::Run;
    use plainsight::scenario::{Node, Scenario};
    use plainsight::viewer::{
        DesignCommand, DesignMode, Panel, Runs, Shown, Tool, ViewerCommand, ViewerPlugin,
    };

    fn send(app: &mut App, c: DesignCommand) {
        app.world_mut().write_message(c);
        app.update();
    }

    fn tap_button(app: &mut App, tool: Tool) {
        let (x, y) = app
            .world()
            .resource::<DesignMode>()
            .buttons
            .iter()
            .find(|(_, t)| *t == tool)
            .map(|(r, _)| r.center())
            .expect("the palette has the button");
        send(app, DesignCommand::ClickAt(x, y));
    }

    /// A class taps the palette to build a two-person scene from nothing, taps the server and
    /// adds an observer there, and saves; `plainsight check` accepts the file.
    #[test]
    fn tapping_the_palette_builds_a_two_person_scene_that_check_accepts() {
        let run = Run::new(Scenario::shipped("e2e").expect("shipped"), None).expect("runs");
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, ViewerPlugin::new(run)));
        app.update();
        app.world_mut()
            .write_message(ViewerCommand::TogglePanel(Panel::Designer));
        app.update();
        app.update();
        let path = std::env::temp_dir().join("plainsight-designed-by-taps.ron");
        let _ = std::fs::remove_file(&path);
        send(&mut app, DesignCommand::SetPath(path.clone()));
        for tool in [
            Tool::New,
            Tool::AddServer,
            Tool::AddPerson,
            Tool::AddPerson,
            Tool::AddMessage,
        ] {
            tap_button(&mut app, tool);
        }
        app.update();
        let mode = app.world().resource::<DesignMode>();
        assert_eq!(mode.error, None, "valid after two people and a message");
        let runs = app.world().resource::<Runs>();
        assert_eq!(
            runs.honest().scenario.people.len(),
            2,
            "the designed scene is shown"
        );
        // Tap the server in the network, then add an observer who reaches it.
        let server = app
            .world()
            .resource::<Shown>()
            .layout
            .node_rect(Node::Server(0))
            .center();
        send(&mut app, DesignCommand::ClickAt(server.0, server.1));
        tap_button(&mut app, Tool::AddObserver);
        tap_button(&mut app, Tool::Save);
        let runs = app.world().resource::<Runs>();
        assert_eq!(runs.honest().scenario.observers.len(), 1);
        assert!(super::check_accepts(&path).contains("2 people"));
    }

    /// Types `text` with the on-screen keys (shift before a capital), then Enter.
    fn tap_keys(app: &mut App, text: &str) {
        for ch in text.chars() {
            if ch.is_uppercase() {
                tap_button(app, Tool::Key('\u{f}'));
            }
            tap_button(app, Tool::Key(ch.to_ascii_lowercase()));
        }
        tap_button(app, Tool::Key('\n'));
    }

    /// Issue 20: the designer linked a new person to the first server, cycled eleven roles one
    /// tap at a time, needed a keyboard to rename and always saved `./designed.ron`. By pen:
    /// adding a person asks which server, the role list sets a role in one tap, the on-screen
    /// keys rename, and save as writes the file named.
    #[test]
    fn a_pen_picks_the_server_a_role_a_name_and_the_file() {
        let run =
            Run::new(Scenario::shipped("nation-state").expect("shipped"), None).expect("runs");
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, ViewerPlugin::new(run)));
        app.update();
        app.world_mut()
            .write_message(ViewerCommand::TogglePanel(Panel::Designer));
        app.update();
        app.update();
        let people = |app: &App| {
            app.world()
                .resource::<Runs>()
                .honest()
                .scenario
                .people
                .len()
        };
        let before = people(&app);
        tap_button(&mut app, Tool::AddPerson);
        assert_eq!(people(&app), before, "two servers: it asks which");
        let status = app.world().resource::<DesignMode>().status.clone();
        assert!(status.contains("Which server"), "{status}");
        let server = app
            .world()
            .resource::<Shown>()
            .layout
            .node_rect(Node::Server(1));
        send(
            &mut app,
            DesignCommand::ClickAt(server.center().0, server.center().1),
        );
        tap_button(&mut app, Tool::AddPerson);
        let sc = app.world().resource::<Runs>().honest().scenario.clone();
        assert_eq!(sc.people.len(), before + 1);
        let phone = sc.devices.len() - 1;
        assert!(
            sc.links
                .iter()
                .any(|l| l.from == Node::Device(phone) && l.to == Node::Server(1)),
            "linked to the server tapped"
        );
        // The role list: one tap sets the observer's role.
        let chip = app.world().resource::<Shown>().layout.observers[0].center();
        send(&mut app, DesignCommand::ClickAt(chip.0, chip.1));
        tap_button(&mut app, Tool::Roles);
        let thief = plainsight::scenario::Role::ALL
            .iter()
            .position(|&r| r == plainsight::scenario::Role::DatabaseThief)
            .expect("a role");
        tap_button(&mut app, Tool::PickRole(thief));
        let sc = app.world().resource::<Runs>().honest().scenario.clone();
        assert_eq!(
            sc.observers[0].role,
            plainsight::scenario::Role::DatabaseThief
        );
        // Rename the tapped server with the on-screen keys.
        send(
            &mut app,
            DesignCommand::ClickAt(server.center().0, server.center().1),
        );
        tap_button(&mut app, Tool::Rename);
        tap_keys(&mut app, "Far.example");
        let sc = app.world().resource::<Runs>().honest().scenario.clone();
        assert!(
            sc.servers.iter().any(|s| s.name == "Far.example"),
            "{:?}",
            sc.servers
        );
        // Save as: the file named, beside the file used before, checked.
        let dir = std::env::temp_dir().join("plainsight-save-as");
        std::fs::create_dir_all(&dir).expect("a temp dir");
        send(&mut app, DesignCommand::SetPath(dir.join("designed.ron")));
        let _ = std::fs::remove_file(dir.join("lesson-net.ron"));
        tap_button(&mut app, Tool::SaveAs);
        tap_keys(&mut app, "lesson-net");
        let path = app.world().resource::<DesignMode>().path.clone();
        assert_eq!(path, Some(dir.join("lesson-net.ron")));
        super::check_accepts(&dir.join("lesson-net.ron"));
    }
}
