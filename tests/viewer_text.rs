//! Text on a projector: every text the viewer draws at 1280 x 720 is at least 18 px high, and
//! whole (never a sentence or name cut short), over every shipped scene, step, observer, panel,
//! with presenter mode on and off.

use std::collections::BTreeSet;

use bevy::prelude::*;
use bevy::text::FontSize;
use plainsight::scenario::SHIPPED;
use plainsight::viewer::{Cursor, Panel, Shortened, ViewOptions, ViewerPlugin};

/// The smallest text for the back row at 1280 x 720.
const MIN_PX: f32 = 18.0;

/// A drawn text's height in pixels (the viewer only uses pixel sizes).
fn px(font: &TextFont) -> f32 {
    match font.font_size {
        FontSize::Px(p) => p,
        other => panic!("a font size not in pixels: {other:?}"),
    }
}

/// What is wrong with the texts drawn now: too small, or cut short.
fn faults(app: &mut App, at: &str, out: &mut BTreeSet<String>) {
    let world = app.world_mut();
    for (t, f) in world.query::<(&Text2d, &TextFont)>().iter(world) {
        if !t.0.trim().is_empty() && px(f) < MIN_PX - 0.01 {
            out.insert(format!("{at}: {:.1} px: {:?}", px(f), t.0));
        }
    }
    for (t, f) in world.query::<(&Text, &TextFont)>().iter(world) {
        if !t.0.trim().is_empty() && px(f) < MIN_PX - 0.01 {
            out.insert(format!("{at}: {:.1} px (ui): {:?}", px(f), t.0));
        }
    }
    for (t, s) in world.query::<(&Text2d, &Shortened)>().iter(world) {
        out.insert(format!("{at}: cut: {:?} is not the whole {:?}", t.0, s.0));
    }
}

/// Walks one scene: every step, neutral; each observer at two steps; every panel; all again
/// in presenter mode.
fn walk(name: &str, out: &mut BTreeSet<String>) {
    let run = crate::support::shipped_run(name, None);
    let steps = run.trace.steps.len();
    let observers = run.scenario.observers.len();
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, ViewerPlugin::new(run)));
    app.update();
    for presenter in [false, true] {
        let mode = if presenter { "presenter" } else { "normal" };
        app.world_mut().resource_mut::<ViewOptions>().presenter = presenter;
        for k in 0..steps {
            app.world_mut().resource_mut::<Cursor>().step = k;
            app.update();
            faults(&mut app, &format!("{name} {mode} step {k}"), out);
        }
        for o in 0..observers {
            app.world_mut().resource_mut::<ViewOptions>().observer = Some(o);
            for k in [steps / 2, steps - 1] {
                app.world_mut().resource_mut::<Cursor>().step = k;
                app.update();
                faults(
                    &mut app,
                    &format!("{name} {mode} observer {o} step {k}"),
                    out,
                );
            }
        }
        app.world_mut().resource_mut::<ViewOptions>().observer = None;
    }
    // Last: the exercise panel opens another scene.
    app.world_mut().resource_mut::<ViewOptions>().presenter = false;
    {
        for info in Panel::ALL {
            app.world_mut()
                .resource_mut::<NextState<Panel>>()
                .set(info.panel);
            app.update();
            app.update();
            faults(&mut app, &format!("{name} panel {}", info.name), out);
        }
        app.world_mut()
            .resource_mut::<NextState<Panel>>()
            .set(Panel::Closed);
        app.update();
    }
}

/// Issue 20: "Viewing as" shrank to 11 px, step sentences to 13, button labels to 10; names
/// lost their point ("Eavesdropper between") and sentences stopped mid-way; the network's own
/// labels (device and part names, link markers, badges, token cards) stayed at 14 to 17 px.
#[test]
fn every_text_is_whole_and_at_least_18_px_at_720p() {
    let mut out = BTreeSet::new();
    for (name, _) in SHIPPED {
        walk(name, &mut out);
    }
    let list: Vec<String> = out.into_iter().collect();
    assert!(
        list.is_empty(),
        "{} faults:\n{}",
        list.len(),
        list.join("\n")
    );
}

/// Every step's header text in `run` (neutral, viewed as each observer, each observer
/// acting; predicting and not) keeps to the band's and the sentence's lines, whole.
fn header_faults(name: &str, run: &plainsight::Run, out: &mut Vec<String>) {
    use plainsight::viewer::{BAND_LINES, HEADER_LINES, Layout, Viewing, header_text};
    for presenter in [false, true] {
        let l = Layout::for_run(run, presenter);
        if l.header.bottom() > l.stage.y {
            out.push(format!(
                "{name}: header {:?} over stage {:?}",
                l.header, l.stage
            ));
        }
    }
    let observers = run.scenario.observers.len();
    let views = std::iter::once((None, None))
        .chain((0..observers).map(|o| (Some(o), None)))
        .chain((0..observers).map(|o| (Some(o), Some(o))));
    for (observer, acting) in views {
        let shown = acting.map_or(Some(run), |o| run.acting_run(o));
        let Some(shown) = shown else { continue };
        for hide in [false, true] {
            let v = Viewing {
                run: shown,
                acting,
                observer,
                hide,
                exercise: None,
            };
            for k in 0..shown.trace.steps.len() {
                let t = header_text(&v, k, 1_000_000);
                let whole = |lines: &[String], text: &str| lines.join(" ") == text;
                if t.band_lines.len() > BAND_LINES
                    || t.band_lines.len() + t.caption_lines.len() > HEADER_LINES
                    || !whole(&t.band_lines, &t.band)
                    || !whole(&t.caption_lines, &t.caption)
                {
                    out.push(format!(
                        "{name} observer {observer:?} acting {acting:?} step {k}: {:?} / {:?}",
                        t.band_lines, t.caption_lines
                    ));
                }
            }
        }
    }
}

/// Issue 20: in an active run the header (the ACTIVE RUN banner with every place listed, and
/// the step's whole sentence) grew to six or seven lines over the top of the stage, hiding
/// people's names and the token card the step is about. The header now has fixed lines and
/// says what fits, whole, for every shipped scene, and for a scene whose title, observer
/// names and step sentences are as long as a teacher may make them.
#[test]
fn the_header_keeps_to_its_lines_and_never_covers_the_stage() {
    let mut out = Vec::new();
    for (name, _) in SHIPPED {
        let mut run = crate::support::shipped_run(name, None);
        run.complete_acting();
        header_faults(name, &run, &mut out);
    }
    let mut sc = crate::support::shipped("nation-state");
    sc.title = "A very long title that a teacher wrote for her class, about a state that compels \
                servers and taps the links between them, and what it reads"
        .into();
    for (i, o) in sc.observers.iter_mut().enumerate() {
        o.name =
            format!("{i} an observer whose name is as long as a name may be, sixty-four chars")
                .chars()
                .take(64)
                .collect();
        o.short = None;
    }
    let mut run = plainsight::Run::new(sc, None).expect("a long-named scene runs");
    run.complete_acting();
    let l = plainsight::viewer::Layout::for_run(&run, false);
    assert!(l.title.lines.len() > 1, "{:?}", l.title);
    header_faults("long names", &run, &mut out);
    assert!(out.is_empty(), "{} faults:\n{}", out.len(), out.join("\n"));
}

/// A scene's `short:` names are checked: shorter than the name, at most 22 characters; the
/// chips show them, the inspector and reports the whole name.
#[test]
fn short_names_are_validated() {
    let scene = |short: &str| {
        let text = std::fs::read_to_string("scenes/plain-web.ron").expect("plain-web");
        text.replacen(
            "(name: \"Database thief\",",
            &format!("(name: \"Database thief\", short: \"{short}\","),
            1,
        )
    };
    let ok = plainsight::scenario::Scenario::parse(&scene("Thief"), "t.ron").expect("valid");
    let o = ok.observer_named("Database thief").expect("the thief");
    assert_eq!(ok.observers[o].short_name(), "Thief");
    for bad in [
        "Database thief, the one",
        "A very long short name here",
        " ",
    ] {
        let err = plainsight::scenario::Scenario::parse(&scene(bad), "t.ron")
            .expect_err("an invalid short name");
        assert!(err.to_string().contains("short"), "{bad:?}: {err}");
    }
}

/// The designer's on-screen keys and role list (issue 20: a pen could not rename, and cycled
/// eleven roles) are whole and 18 px too.
#[test]
fn the_designers_keys_and_role_list_are_whole_at_18_px() {
    use plainsight::viewer::{DesignCommand, DesignMode, Tool, ViewerCommand};
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        ViewerPlugin::new(crate::support::shipped_run("e2e.ron", None)),
    ));
    app.update();
    app.world_mut()
        .write_message(ViewerCommand::TogglePanel(Panel::Designer));
    app.update();
    app.update();
    let mut out = BTreeSet::new();
    let tap = |app: &mut App, tool: Tool| {
        let at = app
            .world()
            .resource::<DesignMode>()
            .buttons
            .iter()
            .find(|(_, t)| *t == tool)
            .map(|(r, _)| r.center())
            .expect("the button is drawn");
        app.world_mut()
            .write_message(DesignCommand::ClickAt(at.0, at.1));
        app.update();
        app.update();
    };
    tap(&mut app, Tool::Roles);
    faults(&mut app, "role list", &mut out);
    tap(&mut app, Tool::Roles);
    tap(&mut app, Tool::SaveAs);
    faults(&mut app, "keys", &mut out);
    tap(&mut app, Tool::Key('\u{f}'));
    faults(&mut app, "keys, shifted", &mut out);
    assert!(out.is_empty(), "{out:?}");
}
