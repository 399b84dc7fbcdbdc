//! Exercise mode: the shipped exercises are embedded, and in the viewer a class that marks the
//! computed key scores full marks, and one changed mark scores one less.

use std::path::Path;

use plainsight::exercise::{self, ExerciseFile};

#[test]
fn every_exercise_file_is_shipped_in_the_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("exercises/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).expect("a name");
        let text = std::fs::read_to_string(&path).expect("read");
        let shipped = exercise::SHIPPED
            .iter()
            .find(|(f, _)| *f == name)
            .unwrap_or_else(|| panic!("{name} is not in exercise::SHIPPED"));
        assert_eq!(shipped.1, text, "{name}");
        let ex = ExerciseFile::parse(&text, name).unwrap_or_else(|e| panic!("{e}"));
        ex.run_shipped().unwrap_or_else(|e| panic!("{name}: {e}"));
        n += 1;
    }
    assert_eq!(n, exercise::SHIPPED.len());
    for lesson in ["lesson1-", "lesson2-", "lesson3-"] {
        let k = exercise::SHIPPED
            .iter()
            .filter(|(f, _)| f.starts_with(lesson))
            .count();
        assert!(k >= 3, "{lesson}: {k} exercises; three per lesson");
    }
}

#[test]
fn a_broken_exercise_text_is_a_located_error() {
    let err = ExerciseFile::parse("(title: \"t\", scene: 3)", "bad.ron").expect_err("bad");
    assert!(err.to_string().starts_with("bad.ron:1:"), "{err}");
}

#[cfg(feature = "viewer")]
mod viewer {
    use bevy::prelude::*;
    use plainsight::exercise::{self, ExerciseFile};
    use plainsight::viewer::{Cursor, ExerciseCommand, ExerciseMode, Runs};

    fn app() -> App {
        crate::support::viewer_app(crate::support::shipped_run("e2e", None))
    }

    fn send(app: &mut App, c: ExerciseCommand) {
        app.world_mut().write_message(c);
        app.update();
        app.update();
    }

    /// Taps an observer's row: the centre of the button that marks it.
    fn tap_mark(app: &mut App, o: usize) {
        let (x, y) = app
            .world()
            .resource::<ExerciseMode>()
            .buttons
            .iter()
            .find(|(_, c)| *c == ExerciseCommand::Mark(o))
            .map(|(r, _)| r.center())
            .expect("a row per observer");
        send(app, ExerciseCommand::ClickAt(x, y));
    }

    /// The key, computed here from the exercise file, as observer indices per question.
    fn key(i: usize) -> Vec<Vec<usize>> {
        let (name, text) = exercise::SHIPPED[i];
        let ex = ExerciseFile::parse(text, name).expect("parses");
        let run = ex.run_shipped().expect("runs");
        let solved = exercise::solve(&ex, &run).expect("solves");
        solved
            .iter()
            .map(|s| {
                s.observers
                    .iter()
                    .map(|n| run.scenario.observer_named(n).expect("an observer"))
                    .collect()
            })
            .collect()
    }

    fn mark_and_reveal(app: &mut App, i: usize, marks: &[Vec<usize>]) -> (usize, usize) {
        send(app, ExerciseCommand::OpenShipped(i));
        for (q, names) in marks.iter().enumerate() {
            send(app, ExerciseCommand::Question(q));
            for &o in names {
                tap_mark(app, o);
            }
        }
        send(app, ExerciseCommand::Reveal);
        let mode = app.world().resource::<ExerciseMode>();
        let l = mode.loaded.as_ref().expect("loaded");
        (l.correct().expect("revealed"), l.solved.len())
    }

    #[test]
    fn marking_the_computed_key_scores_full_marks_and_one_change_scores_less() {
        let mut app = app();
        for i in 0..exercise::SHIPPED.len() {
            let key = key(i);
            let (correct, total) = mark_and_reveal(&mut app, i, &key);
            assert_eq!(correct, total, "{}", exercise::SHIPPED[i].0);
            let mut changed = key.clone();
            match changed[0].pop() {
                Some(_) => {}
                None => changed[0].push(0),
            }
            let (correct, total) = mark_and_reveal(&mut app, i, &changed);
            assert_eq!(correct + 1, total, "{}", exercise::SHIPPED[i].0);
        }
    }

    /// The texts on the observer strip.
    fn chip_texts(app: &mut App) -> Vec<String> {
        use plainsight::viewer::Layer;
        let world = app.world_mut();
        world
            .query::<(&Layer, &Text2d)>()
            .iter(world)
            .filter(|(l, _)| **l == Layer::Observers)
            .map(|(_, t)| t.0.clone())
            .collect()
    }

    #[test]
    fn until_reveal_no_chip_gives_the_answer_away() {
        let mut app = app();
        for i in 0..exercise::SHIPPED.len() {
            send(&mut app, ExerciseCommand::OpenShipped(i));
            let texts = chip_texts(&mut app);
            assert!(
                !texts.is_empty(),
                "{}: no chips drawn",
                exercise::SHIPPED[i].0
            );
            for t in &texts {
                assert!(
                    !t.starts_with("reads") && !t.starts_with("sees") && !t.contains("acts"),
                    "{}: a chip says {t:?} before the reveal",
                    exercise::SHIPPED[i].0
                );
            }
            send(&mut app, ExerciseCommand::Reveal);
        }
        // Revealed, the chips say what the core computed again.
        let texts = chip_texts(&mut app);
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("reads") || t.starts_with("sees") || t.contains("acts")),
            "after the reveal: {texts:?}"
        );
    }

    #[test]
    fn opening_an_exercise_shows_its_scene_model_and_step() {
        let mut app = app();
        send(&mut app, ExerciseCommand::OpenShipped(0));
        let (name, text) = exercise::SHIPPED[0];
        let ex = ExerciseFile::parse(text, name).expect("parses");
        let runs = app.world().resource::<Runs>();
        let shown = runs.honest();
        assert_eq!(
            Some(shown.trace.protection.model.name()),
            ex.model.as_deref()
        );
        assert_eq!(app.world().resource::<Cursor>().step, ex.step.unwrap_or(0));
        let mode = app.world().resource::<ExerciseMode>();
        assert!(mode.loaded.as_ref().is_some_and(|l| l.scored.is_none()));
        let state = app.world().resource::<State<plainsight::viewer::Panel>>();
        assert_eq!(*state.get(), plainsight::viewer::Panel::Exercise);
    }
}
