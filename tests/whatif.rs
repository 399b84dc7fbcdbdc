//! What-if switches: each edit re-runs the core, and the verdicts that change are computed,
//! never assumed. Stated over every shipped scene where the claim has a case.

use plainsight::Run;
use plainsight::crypto::Fanout;
use plainsight::exposure::Content;
use plainsight::scenario::{KeySource, Model, Part, Protection, Reach, Role, SHIPPED, Scenario};
use plainsight::whatif::{self, Cell, Switch, WhatIf, WhatIfError};

fn scenes() -> Vec<Scenario> {
    SHIPPED
        .iter()
        .map(|(f, t)| Scenario::parse(t, f).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn under(sc: &Scenario, model: &str) -> Protection {
    Protection {
        model: Model::named(model).expect("a registered model"),
        ..sc.protection
    }
}

/// A link an eavesdropper sits on, with TLS, that carries message `m`'s first copy.
fn tapped_tls_link(sc: &Scenario, o: usize, m: usize) -> Option<usize> {
    sc.messages[m]
        .routes
        .first()?
        .links
        .iter()
        .copied()
        .find(|&l| sc.links[l].tls && sc.reaches(o, Reach::Wire(l)))
}

#[test]
fn turning_tls_off_lets_the_eavesdropper_on_that_link_read_plain_web() {
    let mut cases = 0;
    for sc in scenes() {
        let p = under(&sc, "plain-web");
        let before = Run::with(sc.clone(), p).expect("shipped scenes simulate");
        for (o, ob) in sc.observers.iter().enumerate() {
            if ob.role != Role::WireEavesdropper {
                continue;
            }
            for m in 0..sc.messages.len() {
                let Some(l) = tapped_tls_link(&sc, o, m) else {
                    continue;
                };
                let edited = whatif::set_link_tls(&sc, l, false).expect("the link exists");
                let after = Run::with(edited, p).expect("simulates without TLS");
                let cell = Cell::of(&after, o, m).expect("same observers and messages");
                assert_eq!(
                    cell.content,
                    Content::Plaintext,
                    "{}: {} on {} without TLS",
                    sc.source,
                    ob.name,
                    sc.link_label(l)
                );
                let was = Cell::of(&before, o, m).expect("cell").content;
                if was != Content::Plaintext {
                    let changed = whatif::changes(&before, &after);
                    assert!(
                        changed.iter().any(|c| c.observer == o && c.message == m),
                        "{}: the change of {}'s cell is reported",
                        sc.source,
                        ob.name
                    );
                }
                cases += 1;
            }
        }
    }
    assert!(cases > 0, "no scene has an eavesdropper on a TLS link");
}

#[test]
fn keys_exchanged_in_person_take_key_substitution_away_from_the_directory() {
    let sc = Scenario::shipped("e2e").expect("shipped");
    let admin = sc.observer_named("social.example admin").expect("observer");
    let before = Run::with(sc.clone(), sc.protection).expect("simulates");
    assert_eq!(
        Cell::of(&before, admin, 0).expect("cell").if_acting,
        Some(Content::Plaintext),
        "the directory's admin could swap keys"
    );
    let mut what = WhatIf::default();
    what.flip(&sc, Switch::KeysInPerson);
    let edited = what.apply(&sc).expect("in person is always a key source");
    let after = Run::with(edited.clone(), edited.protection).expect("simulates");
    let change = whatif::changes(&before, &after)
        .into_iter()
        .find(|c| c.observer == admin && c.message == 0)
        .expect("the admin's m1 cell changed");
    assert_eq!(change.before.words(), "cipher / READS if acting");
    assert_eq!(change.after.words(), "cipher");
    assert_eq!(what.describe(&sc, &edited), vec!["keys in person: yes"]);
}

#[test]
fn flipping_a_switch_twice_restores_the_scenario_as_loaded() {
    let sc = Scenario::shipped("plain-web").expect("shipped");
    let mut what = WhatIf::default();
    what.flip(&sc, Switch::LinkTls(0));
    let once = what.apply(&sc).expect("valid");
    assert!(!once.links[0].tls);
    what.flip(&once, Switch::LinkTls(0));
    let twice = what.apply(&sc).expect("valid");
    assert!(twice.links[0].tls);
    assert!(what.describe(&sc, &twice).is_empty());
}

#[test]
fn a_key_with_no_source_is_an_error_not_a_panic() {
    let mut sc = Scenario::shipped("e2e").expect("shipped");
    for s in &mut sc.servers {
        s.parts.retain(|&p| p != Part::KeyDirectory);
    }
    for p in &mut sc.people {
        p.keys_from = KeySource::InPerson;
    }
    let err = whatif::set_keys_from(&sc, 1, KeySource::Directories).expect_err("no directory");
    assert!(matches!(err, WhatIfError::NoKeySource { .. }), "{err}");
    assert!(err.to_string().contains("Bob"), "{err}");
    let err = whatif::set_keys_from(&sc, 0, KeySource::Server(0)).expect_err("not a directory");
    assert_eq!(err, WhatIfError::NotADirectory("social.example".into()));
}

/// The fan-out switch walks every end-to-end fan-out and back; whoever reads keeps reading
/// (sender keys change the cost, not who reads), and a model without end-to-end encryption
/// refuses it with the reason.
#[test]
fn the_fan_out_switch_changes_the_cost_not_who_reads() {
    let mut cases = 0;
    for sc in scenes() {
        if !sc.protection.model.end_to_end() {
            let err = whatif::set_fanout(&sc, Fanout::Bagged).expect_err("no e2e");
            assert_eq!(
                err,
                WhatIfError::NoFanout(sc.protection.model.name().into())
            );
            continue;
        }
        let before = Run::with(sc.clone(), sc.protection).expect("simulates");
        let mut what = WhatIf::default();
        let mut shown = sc.clone();
        let mut seen = Vec::new();
        for _ in 0..Fanout::ALL.len() {
            what.flip(&shown, Switch::NextFanout);
            shown = what.apply(&sc).expect("e2e takes every fan-out");
            seen.push(shown.protection.fanout);
            let after = Run::with(shown.clone(), shown.protection).expect("simulates");
            let moved = whatif::changes(&before, &after);
            let fanout = shown.protection.fanout;
            assert!(moved.is_empty(), "{}: {fanout}: {moved:?}", sc.source);
        }
        assert_eq!(
            seen.last(),
            Some(&sc.protection.fanout),
            "all the way round"
        );
        seen.sort_by_key(|f| f.name());
        seen.dedup();
        assert_eq!(seen.len(), Fanout::ALL.len(), "every fan-out once");
        assert!(what.describe(&sc, &shown).is_empty());
        cases += 1;
    }
    assert!(cases > 0, "no shipped scene is end-to-end");
}

/// Every switch on every shipped scene gives a run or an error, never a panic.
#[test]
fn every_switch_on_every_shipped_scene_runs_or_says_why() {
    let mut errors = 0;
    for sc in scenes() {
        let switches = [
            Switch::LinkTls(0),
            Switch::KeysVerified,
            Switch::KeysInPerson,
            Switch::NextKeySync,
            Switch::WebClient(0),
            Switch::NextFanout,
        ];
        for s in switches {
            let mut what = WhatIf::default();
            what.flip(&sc, s);
            match what.apply(&sc) {
                Ok(edited) => {
                    let p = Protection {
                        keys_verified: edited.protection.keys_verified,
                        ..sc.protection
                    };
                    Run::with(edited, p).unwrap_or_else(|e| panic!("{}: {s:?}: {e}", sc.source));
                }
                Err(e) => {
                    errors += 1;
                    // Only the errors a switch can meet, each where it applies.
                    match (s, &e) {
                        (Switch::NextFanout, WhatIfError::NoFanout(_)) => {
                            assert!(!sc.protection.model.end_to_end(), "{}", sc.source);
                        }
                        (Switch::WebClient(0), WhatIfError::NoHomeServer(_)) => {}
                        (_, WhatIfError::NoKeySource { .. }) => {}
                        _ => panic!("{}: {s:?}: unexpected error {e}", sc.source),
                    }
                    assert!(!e.to_string().is_empty());
                }
            }
        }
    }
    // Some switches do not apply somewhere (a fan-out without e2e), so both arms ran.
    assert!(errors > 0, "no switch was refused anywhere");
}

#[cfg(feature = "viewer")]
mod viewer {
    use bevy::prelude::*;
    use plainsight::exposure::Content;
    use plainsight::scenario::Reach;
    use plainsight::viewer::{Runs, Shown, WhatIfCommand, WhatIfState};
    use plainsight::whatif::Switch;

    fn app(scene: &str) -> App {
        crate::support::viewer_app(crate::support::shipped_run(scene, None))
    }

    /// The fan-out of the run shown.
    fn fanout(app: &App) -> plainsight::crypto::Fanout {
        app.world()
            .resource::<Runs>()
            .honest()
            .trace
            .protection
            .fanout
    }

    fn send(app: &mut App, c: WhatIfCommand) {
        app.world_mut().write_message(c);
        app.update();
        // The core re-runs off the frame loop.
        plainsight::viewer::settle(app);
    }

    /// A tap on the link's middle, where the panel draws its switch, turns its TLS off; the
    /// core re-runs and the eavesdropper's cells are reported changed, with what they were.
    #[test]
    fn tapping_a_link_turns_its_tls_off_and_lists_the_changed_cells() {
        let mut app = app("plain-web");
        send(&mut app, WhatIfCommand::Toggle);
        let (x, y) = app
            .world()
            .resource::<Shown>()
            .layout
            .place_point(Reach::Wire(0));
        send(&mut app, WhatIfCommand::ClickAt(x, y));
        let runs = app.world().resource::<Runs>();
        let sc = &runs.honest().scenario;
        assert!(!sc.links[0].tls, "link 0 has no TLS after the tap");
        let eve = sc
            .observer_named("Cafe wifi eavesdropper")
            .expect("observer");
        assert_eq!(
            runs.honest().exposure.observers[eve].messages[0].content,
            Content::Plaintext
        );
        let st = app.world().resource::<WhatIfState>();
        let change = st
            .changes
            .iter()
            .find(|c| c.observer == eve && c.message == 0)
            .expect("the eavesdropper's m1 cell changed");
        assert_eq!(change.before.words(), "cipher");
        assert!(st.buttons.len() >= 4, "the panel's buttons are laid out");
        // Every link's tag is a button of its own: tapping it flips that link back on.
        let links = app.world().resource::<Runs>().honest().scenario.links.len();
        for l in 0..links {
            let flip = WhatIfCommand::Flip(Switch::LinkTls(l));
            assert!(st.buttons.iter().any(|(_, c)| *c == flip), "link {l}'s tag");
        }
        let tag = st
            .buttons
            .iter()
            .find(|(_, c)| *c == WhatIfCommand::Flip(Switch::LinkTls(0)))
            .map(|(r, _)| r.center())
            .expect("link 0's tag");
        send(&mut app, WhatIfCommand::ClickAt(tag.0, tag.1));
        assert!(app.world().resource::<Runs>().honest().scenario.links[0].tls);
        send(&mut app, WhatIfCommand::ClickAt(tag.0, tag.1));
        assert!(!app.world().resource::<Runs>().honest().scenario.links[0].tls);
        let st = app.world().resource::<WhatIfState>();
        // Tapping the reset button restores the file's TLS.
        let reset = st
            .buttons
            .iter()
            .find(|(_, c)| *c == WhatIfCommand::Reset)
            .map(|(r, _)| r.center())
            .expect("a reset button");
        send(&mut app, WhatIfCommand::ClickAt(reset.0, reset.1));
        assert!(app.world().resource::<Runs>().honest().scenario.links[0].tls);
    }

    /// The fan-out button re-runs under the next fan-out, and reset brings the file's back.
    #[test]
    fn the_fan_out_button_re_runs_and_reset_restores_it() {
        use plainsight::crypto::Fanout;
        let mut app = app("e2e");
        send(&mut app, WhatIfCommand::Toggle);
        app.update();
        assert_eq!(fanout(&app), Fanout::PerRecipient);
        let button = |app: &App, c: WhatIfCommand| {
            let st = app.world().resource::<WhatIfState>();
            st.buttons
                .iter()
                .find(|(_, b)| *b == c)
                .map(|(r, _)| r.center())
                .unwrap_or_else(|| panic!("{c:?} is not among {:?}", st.buttons))
        };
        let (x, y) = button(&app, WhatIfCommand::Flip(Switch::NextFanout));
        send(&mut app, WhatIfCommand::ClickAt(x, y));
        assert_eq!(fanout(&app), Fanout::Bagged);
        let (x, y) = button(&app, WhatIfCommand::Reset);
        send(&mut app, WhatIfCommand::ClickAt(x, y));
        assert_eq!(fanout(&app), Fanout::PerRecipient);
    }

    /// Each flip's cost starts from what is shown: the second flip's "before" is the first's
    /// "after", and after M shows another model it is that model's run's cost (both counted
    /// off the frame loop, beside the re-run).
    #[test]
    fn a_flips_cost_starts_from_the_run_shown() {
        use plainsight::viewer::{Cost, ViewerCommand};
        let mut app = app("group-dm");
        send(&mut app, WhatIfCommand::Toggle);
        let cost = |app: &App| app.world().resource::<WhatIfState>().cost.expect("a cost");
        let shown = |app: &App| Cost::of(app.world().resource::<Runs>().honest());
        send(&mut app, WhatIfCommand::Flip(Switch::NextFanout));
        let (_, after) = cost(&app);
        assert_eq!(after, shown(&app));
        send(&mut app, WhatIfCommand::Flip(Switch::NextFanout));
        let (before, after2) = cost(&app);
        assert_eq!(before, after);
        assert_eq!(after2, shown(&app));
        app.world_mut().write_message(ViewerCommand::CycleModel);
        app.update();
        app.update();
        let m = shown(&app);
        assert_ne!(m, after2, "M shows another model's run");
        // (Under plain-web a fan-out switch is refused: reset, which re-runs without it.)
        send(&mut app, WhatIfCommand::Reset);
        let msg = app.world().resource::<WhatIfState>().message.clone();
        assert_eq!(
            cost(&app).0,
            m,
            "after M, the cost of the model shown ({msg:?})"
        );
    }

    /// A fan-out switched under e2e does not block later flips after `M` shows a model
    /// without e2e (every flip used to say "Not switched: fan-out is how end-to-end encryption
    /// reaches each device"); it applies again when `M` comes back to e2e.
    #[test]
    fn a_fan_out_switched_earlier_does_not_block_flips_under_plain_web() {
        use plainsight::crypto::Fanout;
        use plainsight::viewer::ViewerCommand;
        let mut app = app("e2e");
        send(&mut app, WhatIfCommand::Toggle);
        send(&mut app, WhatIfCommand::Flip(Switch::NextFanout));
        assert_eq!(fanout(&app), Fanout::Bagged);
        let e2e = |app: &App| {
            app.world()
                .resource::<Runs>()
                .honest()
                .trace
                .protection
                .model
                .end_to_end()
        };
        while e2e(&app) {
            app.world_mut().write_message(ViewerCommand::CycleModel);
            app.update();
        }
        app.update();
        let tls = |app: &App| app.world().resource::<Runs>().honest().scenario.links[0].tls;
        let before = tls(&app);
        send(&mut app, WhatIfCommand::Flip(Switch::LinkTls(0)));
        let st = app.world().resource::<WhatIfState>();
        assert_eq!(st.message, None);
        assert_eq!(
            tls(&app),
            !before,
            "the link's TLS flipped under a model without e2e"
        );
        // Back under e2e, the next flip applies the fan-out switched before.
        while !e2e(&app) {
            app.world_mut().write_message(ViewerCommand::CycleModel);
            app.update();
        }
        app.update();
        send(&mut app, WhatIfCommand::Flip(Switch::LinkTls(0)));
        assert_eq!(app.world().resource::<WhatIfState>().message, None);
        assert_eq!(tls(&app), before);
        assert_eq!(fanout(&app), Fanout::Bagged);
    }

    /// A switch the core refuses leaves the run as it was and says why on screen.
    #[test]
    fn a_refused_switch_is_a_message_not_a_panic() {
        let mut app = app("e2e");
        send(&mut app, WhatIfCommand::Toggle);
        send(&mut app, WhatIfCommand::Flip(Switch::LinkTls(99)));
        let st = app.world().resource::<WhatIfState>();
        let message = st.message.clone().expect("a message");
        assert!(message.contains("no link 99"), "{message}");
        assert!(app.world().resource::<Runs>().honest().scenario.links[0].tls);
    }

    /// The core re-runs off the frame loop: the frame that flips the switch returns at once
    /// with a "computing..." mark, and the result arrives later.
    #[test]
    fn a_re_run_happens_off_the_frame_loop_with_a_computing_mark() {
        use plainsight::crypto::Fanout;
        use plainsight::viewer::{Computing, ComputingMark};
        let mut app = app("group-dm");
        send(&mut app, WhatIfCommand::Toggle);
        app.world_mut()
            .write_message(WhatIfCommand::Flip(Switch::NextFanout));
        app.update();
        let busy = |app: &App| app.world().resource::<Computing>().busy().is_some();
        let marks = |app: &mut App| {
            let world = app.world_mut();
            world.query::<&ComputingMark>().iter(world).count()
        };
        assert!(busy(&app), "the frame returned while the core runs");
        assert_eq!(marks(&mut app), 1, "a computing mark is drawn");
        assert_eq!(fanout(&app), Fanout::PerRecipient, "not switched yet");
        plainsight::viewer::settle(&mut app);
        assert!(!busy(&app));
        assert_eq!(marks(&mut app), 0, "the mark goes when the run is in");
        assert_eq!(fanout(&app), Fanout::Bagged, "one switch, one step");
    }
}

/// Issue 20: the fan-out switch showed nothing of what sending costs. The public-key work of
/// sealing a message is read from the envelopes the sender made: per-recipient and bagged make
/// a fresh key and an agreement per device, a shared ephemeral key one fresh key in all, sender
/// keys only seal their chain keys to the devices that lack them.
#[test]
fn public_key_work_per_message_follows_the_fan_out() {
    let group = Scenario::shipped("group-dm").expect("shipped");
    let work = |f: Fanout| {
        let sc = whatif::set_fanout(&group, f).expect("e2e");
        let run = Run::new(sc, None).expect("simulates");
        let w = whatif::public_key_work(&run, 0);
        (w.fresh_keys, w.agreements)
    };
    assert_eq!(work(Fanout::PerRecipient), (10, 10));
    assert_eq!(work(Fanout::Bagged), (10, 10));
    assert_eq!(work(Fanout::BaggedSharedEphemeral), (1, 10));
    let sk = Run::new(
        Scenario::shipped("group-sender-keys").expect("shipped"),
        None,
    )
    .expect("simulates");
    let per_message: Vec<usize> = (0..sk.scenario.messages.len())
        .map(|m| whatif::public_key_work(&sk, m).total())
        .collect();
    // m1: chain keys to Bob and Carol; m2: to Dan, who joined; m3: a fresh key to Bob and Dan.
    assert_eq!(per_message, vec![4, 2, 4]);
}
