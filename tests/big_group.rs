//! The shipped school year group (scenes/big-group.ron, 250 people, 1,000 devices): it checks,
//! its verdicts do not depend on the fan-out, and the viewer draws it readably (the people who
//! do not fit summarised with counts, a fan-out as a few cards and a count, a frame rendered).

use plainsight::Run;
use plainsight::exposure::{Content, MessageExposure};
use plainsight::scenario::{LARGE, ModelChoice, Scenario};

fn big_group() -> Scenario {
    Scenario::shipped("big-group").expect("big-group is shipped and valid")
}

fn acting_content(m: &MessageExposure) -> Option<Content> {
    m.if_acting.as_ref().map(|a| a.content)
}

#[test]
fn the_big_group_is_a_school_year_and_is_kept_out_of_the_classroom_list() {
    let sc = big_group();
    assert_eq!(sc.people.len(), 250);
    assert_eq!(sc.devices.len(), 1000);
    assert!(sc.observers.len() >= 4, "a few observers");
    assert!(LARGE.iter().any(|(f, _)| *f == "big-group.ron"));
    assert!(
        !plainsight::scenario::SHIPPED
            .iter()
            .any(|(f, _)| *f == "big-group.ron"),
        "the classroom list walks every step of its scenes"
    );
}

#[test]
fn the_big_groups_verdicts_under_bagged_and_sender_keys_are_per_recipients() {
    let verdicts = |model: &str| {
        let run = Run::new(big_group(), ModelChoice::parse(model)).expect("runs");
        run.exposure
            .observers
            .iter()
            .flat_map(|o| o.messages.iter())
            .map(|m| (m.content, m.metadata.clone(), acting_content(m)))
            .collect::<Vec<_>>()
    };
    let per = verdicts("e2e-per-recipient");
    assert!(
        per.iter().any(|(c, ..)| *c == Content::Plaintext),
        "the recipient device reads"
    );
    assert!(
        per.iter()
            .any(|(c, _, a)| *c == Content::Ciphertext && *a == Some(Content::Plaintext)),
        "someone reads only by acting"
    );
    for model in ["e2e-bagged", "e2e-sender-keys"] {
        assert_eq!(verdicts(model), per, "{model}");
    }
}

#[cfg(feature = "viewer")]
mod drawn {
    use bevy::prelude::*;
    use plainsight::scenario::{Node, Reach, Scenario};
    use plainsight::viewer::{FanSummary, Layout, Rect};

    use super::big_group;

    /// The devices the story needs: the sender's, the observer's own, the tapped one.
    fn story(sc: &Scenario) -> Vec<usize> {
        let mut out = vec![sc.messages[0].from_device];
        out.extend(sc.devices.iter().position(|d| d.name == "ada-a-phone"));
        for (i, l) in sc.links.iter().enumerate() {
            let tapped = sc
                .observers
                .iter()
                .any(|o| o.reach.contains(&Reach::Wire(i)));
            if let (Node::Device(d), true) = (l.from, tapped) {
                out.push(d);
            }
        }
        out
    }

    #[test]
    fn the_people_who_do_not_fit_are_counted_and_the_story_stays_drawn() {
        let sc = big_group();
        for presenter in [false, true] {
            let l = Layout::with(&sc, presenter);
            assert!(!l.crowds.is_empty(), "presenter {presenter}: crowds");
            let in_crowds: usize = l.crowds.iter().map(|c| c.devices.len()).sum();
            let drawn = l.hidden.iter().filter(|h| !**h).count();
            assert_eq!(in_crowds + drawn, sc.devices.len(), "every device once");
            assert!((2..=24).contains(&drawn), "{drawn} devices drawn");
            for d in story(&sc) {
                assert!(!l.hidden[d], "{} is drawn", sc.devices[d].name);
            }
            assert!(l.device_font >= 18.0, "{} px", l.device_font);
            let solid = l.solid_rects();
            let canvas = Rect::new(0.0, 0.0, 1280.0, 720.0);
            for (i, (a, ra)) in solid.iter().enumerate() {
                assert!(canvas.contains(ra), "{a} leaves the canvas");
                for (b, rb) in &solid[i + 1..] {
                    assert!(!ra.overlaps(rb), "{a} {ra:?} overlaps {b} {rb:?}");
                }
            }
            // A crowd's many links are drawn as one per server.
            let drawn_links = l.same_as.iter().filter(|s| s.is_none()).count();
            assert!(drawn_links <= drawn + l.crowds.len(), "{drawn_links} links");
        }
    }

    /// At the sender key's hand-out to 999 devices: a few cards, a "+ N more" box, and the
    /// caption counting all of them; the crowds say how many people and devices they hold.
    #[test]
    fn a_fan_out_to_999_devices_is_a_few_cards_and_a_count() {
        let run = plainsight::Run::new(big_group(), None).expect("runs");
        let step = run
            .trace
            .steps
            .iter()
            .position(|s| s.action == plainsight::trace::Action::KeyDistributed)
            .expect("the sender key is handed out");
        let mut app = crate::support::viewer_app(run);
        app.world_mut()
            .resource_mut::<plainsight::viewer::Cursor>()
            .step = step;
        app.update();
        app.update();
        let texts = crate::support::texts(&mut app);
        let world = app.world_mut();
        let more = texts
            .iter()
            .find(|t| t.ends_with(" more") && t.starts_with("+ "));
        assert!(more.is_some(), "a '+ N more' box: {texts:?}");
        let people: Vec<&String> = texts.iter().filter(|t| t.ends_with(" people")).collect();
        assert_eq!(people.len(), 2, "one crowd each side: {texts:?}");
        let fan: Vec<String> = world
            .query::<&FanSummary>()
            .iter(world)
            .map(|f| f.0.clone())
            .collect();
        assert!(
            fan.iter().any(|f| f.contains("999 envelopes")),
            "the caption counts every envelope: {fan:?}"
        );
    }

    #[test]
    fn the_big_group_renders_a_frame() {
        let out = std::env::temp_dir().join("plainsight-big-group.png");
        let _ = std::fs::remove_file(&out);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_plainsight"))
            .args(["render", "scenes/big-group.ron", "--step", "8003", "--out"])
            .arg(&out)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("runs");
        assert!(status.success());
        let img = image::open(&out).expect("a PNG");
        assert_eq!((img.width(), img.height()), (1280, 720));
    }
}
