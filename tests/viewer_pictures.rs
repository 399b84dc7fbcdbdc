//! The viewer's pictures and motion: icons on every device, server and observer (headless, and
//! in a rendered PNG), the token travelling along its link, layered tokens, readers staying lit.

use std::path::PathBuf;
use std::process::Command;

use bevy::prelude::*;
use plainsight::Run;
use plainsight::scenario::SHIPPED;
use plainsight::viewer::{Icon, IconMark, Layout, chip_icon_rect};

use crate::support::{shipped, viewer_app as app_for};

fn icons_drawn(app: &mut App) -> Vec<Icon> {
    let world = app.world_mut();
    let mut q = world.query::<&IconMark>();
    q.iter(world).map(|m| m.0).collect()
}

#[test]
fn every_device_server_and_observer_has_its_picture() {
    for (name, _) in SHIPPED {
        let sc = shipped(name);
        let mut app = app_for(Run::new(sc.clone(), None).expect("shipped scenes simulate"));
        let drawn = icons_drawn(&mut app);
        let count = |i: Icon| drawn.iter().filter(|&&x| x == i).count();
        assert_eq!(count(Icon::Server), sc.servers.len(), "{name}: servers");
        assert_eq!(
            count(Icon::Person),
            sc.people.len()
                + sc.observers
                    .iter()
                    .filter(|o| Icon::of_role(o.role) == Icon::Person)
                    .count(),
            "{name}: people"
        );
        for (d, _) in sc.devices.iter().enumerate() {
            assert!(count(Icon::of_device(&sc, d)) >= 1, "{name}: device {d}");
        }
        for (o, observer) in sc.observers.iter().enumerate() {
            assert!(
                count(Icon::of_observer(&sc, o)) >= 1,
                "{name}: observer {} ({:?})",
                observer.name,
                observer.role
            );
        }
        let databases = sc
            .servers
            .iter()
            .flat_map(|s| &s.parts)
            .filter(|p| **p == plainsight::scenario::Part::Database)
            .count();
        assert!(count(Icon::Database) >= databases, "{name}: databases");
    }
}

/// Share of dark pixels (the tinted ink) inside a rectangle of an RGB frame.
fn dark_share(img: &image::RgbImage, r: plainsight::viewer::Rect) -> f32 {
    let (mut dark, mut all) = (0usize, 0usize);
    for y in r.y.ceil() as u32..r.bottom().floor() as u32 {
        for x in r.x.ceil() as u32..r.right().floor() as u32 {
            let p = img.get_pixel(x, y);
            all += 1;
            if (p[0] as u32 + p[1] as u32 + p[2] as u32) < 3 * 110 {
                dark += 1;
            }
        }
    }
    dark as f32 / all.max(1) as f32
}

#[test]
fn a_rendered_frame_shows_the_observers_pictures() {
    // Before: chips were text only; a picture is ink where the chip's left edge was blank
    // (a phone, the thinnest outline, covers about 9% of its square).
    let dir: PathBuf =
        std::env::temp_dir().join(format!("plainsight-icons-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    for name in [
        "plain-web.ron",
        "nation-state.ron",
        "compromised-device.ron",
    ] {
        let out = dir.join(name.replace(".ron", ".png"));
        let status = Command::new(env!("CARGO_BIN_EXE_plainsight"))
            .args([
                "render",
                &format!("{}/scenes/{name}", env!("CARGO_MANIFEST_DIR")),
            ])
            .args(["--step", "0", "--out"])
            .arg(&out)
            .status()
            .expect("plainsight runs");
        assert!(status.success(), "render {name}");
        let img = image::open(&out).expect("a PNG").to_rgb8();
        let layout = Layout::new(&shipped(name));
        for (o, chip) in layout.observers.iter().enumerate() {
            let share = dark_share(&img, chip_icon_rect(*chip));
            assert!(
                share > 0.06,
                "{name}: observer {o}'s picture has {share} ink"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn first_step(run: &Run, pred: impl Fn(&plainsight::sim::Step) -> bool) -> usize {
    run.trace.steps.iter().position(pred).expect("such a step")
}

fn go_to(app: &mut App, k: usize) {
    app.world_mut()
        .write_message(plainsight::viewer::ViewerCommand::GoTo(k));
    app.update();
}

fn token_texts(app: &mut App) -> Vec<String> {
    let world = app.world_mut();
    let mut q = world.query::<(&plainsight::viewer::Layer, &Text2d)>();
    q.iter(world)
        .filter(|(l, _)| **l == plainsight::viewer::Layer::Tokens)
        .map(|(_, t)| t.0.clone())
        .collect()
}

#[test]
fn a_tls_wire_shows_the_padlock_first_and_the_words_only_as_inside() {
    // Before: the words crossed the cafe wifi in an open envelope inside a green frame.
    let run = Run::new(shipped("plain-web.ron"), None).expect("simulates");
    let k = first_step(&run, |s| {
        matches!(s.place, plainsight::scenario::Reach::Wire(_))
            && s.layers
                .iter()
                .any(|l| matches!(l, plainsight::layers::Layer::Tls { .. }))
    });
    let words = run.scenario.messages[0].text.clone();
    let mut app = app_for(run);
    go_to(&mut app, k);
    let world = app.world_mut();
    let travellers: Vec<String> = world
        .query::<&plainsight::viewer::Traveller>()
        .iter(world)
        .map(|t| t.0.clone())
        .collect();
    assert_eq!(travellers, vec!["TLS".to_string()]);
    let looks: Vec<plainsight::viewer::Look> = world
        .query::<&plainsight::viewer::TokenCard>()
        .iter(world)
        .map(|c| c.0.clone())
        .collect();
    assert!(
        looks.iter().any(|l| matches!(
            l,
            plainsight::viewer::Look::Sealed {
                what: plainsight::viewer::Sealing::TlsRecord,
                ..
            }
        )),
        "{looks:?}"
    );
    // The tab says what the record carries; its long form adds ", sealed by TLS" where the
    // row has room beside the travelling pill (the record's card says it is a TLS record).
    let texts = token_texts(&mut app);
    assert!(
        texts.iter().any(|t| t.starts_with("inside: the words")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "TLS record (this hop)"),
        "{texts:?}"
    );
    let cut: String = words.chars().take(8).collect();
    assert!(
        texts.iter().all(|t| !t.contains(&cut)),
        "the words are on the wire as if open: {texts:?}"
    );
}

#[test]
fn the_traveller_moves_along_the_link_with_the_clock() {
    let run = Run::new(shipped("e2e.ron"), None).expect("simulates");
    let k = first_step(&run, |s| {
        matches!(s.place, plainsight::scenario::Reach::Wire(_))
    });
    let layout = Layout::new(&run.scenario);
    let m = plainsight::viewer::motion(&run, &layout, k);
    let plainsight::scenario::Reach::Wire(link) = run.trace.steps[k].place else {
        panic!("a wire step");
    };
    let mut app = app_for(run);
    go_to(&mut app, k);
    let fit = app.world().resource::<plainsight::viewer::Shown>().fit;
    let mut seen = Vec::new();
    // Leaving alice-phone it waits beside her box and past the link's marker (issue 20: the
    // pill covered boxes' names and the marker), then follows the clock.
    for p in [0.1, 0.7, 0.9] {
        app.world_mut()
            .resource_mut::<plainsight::viewer::Anim>()
            .progress = p;
        app.update();
        let world = app.world_mut();
        let tf = world
            .query_filtered::<&Transform, With<plainsight::viewer::Traveller>>()
            .single(world)
            .expect("one traveller on the wire");
        let want = m.at(p);
        let (x, y) = fit.world(want.0, want.1);
        let on_time = (tf.translation.x - x).abs() < 1.0 && (tf.translation.y - y).abs() < 1.0;
        // Where the pill would cover the link's marker it steps aside along the link (issue
        // 20: the padlock hid the `TLS` marker at the start of a hop).
        let drawn = fit.to_virtual(
            tf.translation.x + fit.width / 2.0,
            fit.height / 2.0 - tf.translation.y,
        );
        let marker = layout.marker_rect(link, true);
        // Where it would cover a box (leaving or reaching it), it waits beside it.
        let pill = plainsight::viewer::Rect::new(want.0 - 45.0, want.1 - 15.0, 90.0, 30.0);
        let on_a_box = layout
            .devices
            .iter()
            .chain(layout.servers.iter().map(|b| &b.rect))
            .any(|b| b.overlaps(&pill));
        assert!(
            on_time || on_a_box || (marker.contains_point(want) || near_marker(marker, want)),
            "at {p}: drawn at {drawn:?}, the link has it at {want:?}"
        );
        assert!(!marker.contains_point(drawn), "at {p}: on the marker");
        seen.push((tf.translation.x, tf.translation.y));
    }
    assert!(
        seen[0] != seen[1] && seen[1] != seen[2],
        "it moved: {seen:?}"
    );
}

/// Whether a traveller's pill (about 90 x 30) centred on `at` would touch `marker`.
fn near_marker(marker: plainsight::viewer::Rect, at: (f32, f32)) -> bool {
    let pill = plainsight::viewer::Rect::new(at.0 - 45.0, at.1 - 15.0, 90.0, 30.0);
    pill.overlaps(&marker)
}

#[test]
fn reach_lines_go_around_boxes_and_chips_in_every_shipped_scene() {
    // Before: lines ran straight from a chip through the chips above it, the server's title
    // and the rows on the way to the place (issue 13, item 5).
    use plainsight::scenario::Reach;
    use plainsight::viewer::{Rect, crossings, reach_line, state_at};
    let mut bad = Vec::new();
    let mut checked = 0;
    for (name, _) in SHIPPED {
        let sc = shipped(name);
        let run = Run::new(sc.clone(), None).expect("simulates");
        for presenter in [false, true] {
            let l = Layout::with(&sc, presenter);
            for k in 0..run.trace.steps.len() {
                let st = state_at(&run, k);
                for s in st.sightings.iter().chain(&st.lingering) {
                    let path = reach_line(&l, s.observer, s.place);
                    let node = match s.place {
                        Reach::ServerPart(i, _) => Some(l.servers[i].rect),
                        Reach::DevicePart(d, _) => Some(l.devices[d]),
                        Reach::Wire(_) => None,
                    };
                    let own = l.observers[s.observer];
                    // A line to a link crosses not its `plain` badge (issue 20, email).
                    let badges = match s.place {
                        Reach::Wire(j) if st.footprint.contains_key(&s.place) => {
                            vec![l.link_badge(j, sc.links[j].tls)]
                        }
                        _ => Vec::new(),
                    };
                    let others: Vec<Rect> = l
                        .devices
                        .iter()
                        .chain(l.servers.iter().map(|b| &b.rect))
                        .chain(l.observers.iter())
                        .filter(|r| Some(**r) != node && **r != own)
                        .chain(&badges)
                        .copied()
                        .collect();
                    // The last leg enters the place's own box; nothing else is crossed.
                    let head = &path[..path.len() - 1];
                    let n = crossings(&path, &others) + node.map_or(0, |b| crossings(head, &[b]));
                    checked += 1;
                    if n > 0 {
                        bad.push(format!(
                            "{name} (presenter {presenter}) step {k}: observer {} to {:?} crosses {n}",
                            s.observer, s.place
                        ));
                    }
                }
            }
        }
    }
    bad.dedup();
    assert!(checked > 500, "{checked} lines checked");
    assert!(
        bad.is_empty(),
        "{} of {checked}:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn link_badges_sit_on_no_box_and_no_marker() {
    // A link's `plain` badge and its `TLS` marker must not sit on a device's rows (its `P`
    // badge), a server or another link's marker.
    let mut bad = Vec::new();
    for (name, _) in SHIPPED {
        let sc = shipped(name);
        for presenter in [false, true] {
            let l = Layout::with(&sc, presenter);
            let solid = l.solid_rects();
            for (i, link) in sc.links.iter().enumerate() {
                let badge = l.link_badge(i, link.tls);
                let marker = l.marker_rect(i, link.tls);
                for (what, r) in &solid {
                    if badge.overlaps(r) && what.is_box() {
                        bad.push(format!("{name} {presenter}: link {i}'s badge on {what}"));
                    }
                }
                for (j, other) in sc.links.iter().enumerate() {
                    let m = l.marker_rect(j, other.tls);
                    if j != i && (badge.overlaps(&m) || marker.overlaps(&m)) {
                        bad.push(format!("{name} {presenter}: link {i} on link {j}'s marker"));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Issue 20: a card's first line wrapped to as many lines as it needed and spilled out of the
/// card over the server's title (ten keys named in a group DM's key answer; a long message).
/// A card too small for its whole first line says the shorter whole form: the keys counted,
/// the words' length and where to read them.
#[test]
fn a_card_too_small_for_its_words_or_keys_says_a_shorter_whole_form() {
    let long =
        "Can you cover my shift on Friday, and the one after that, and bring the keys? ".repeat(3);
    let text = std::fs::read_to_string("scenes/plain-web.ron").expect("plain-web");
    let text = text.replace("Can you cover my shift on Friday?", long.trim());
    let sc = plainsight::scenario::Scenario::parse(&text, "long.ron").expect("valid");
    let run = Run::new(sc, None).expect("runs");
    let k = first_step(&run, |s| s.note.contains("stores it in its database"));
    let mut app = crate::support::viewer_app(run);
    go_to(&mut app, k);
    let cards = token_texts(&mut app);
    let n = long.trim().chars().count();
    let says = format!("the words, {n} characters");
    assert!(cards.iter().any(|t| t.starts_with(&says)), "{cards:?}");
    assert!(!cards.iter().any(|t| t.contains("Friday")), "{cards:?}");

    let mut run = crate::support::shipped_run("group-dm", None);
    run.complete_acting();
    let admin = run
        .scenario
        .observer_named("social.example admin")
        .expect("admin");
    let acting = run.acting_run(admin).expect("the admin acts").clone();
    let k = first_step(&acting, |s| s.note.contains("receives keys for bob-phone"));
    let mut app = crate::support::viewer_app(acting);
    go_to(&mut app, k);
    let cards = token_texts(&mut app);
    assert!(cards.iter().any(|t| t == "10 keys"), "{cards:?}");
}

/// The virtual rectangle a sprite covers (boxes are unrotated sprites of a custom size).
fn sprite_rect(
    fit: plainsight::viewer::Fit,
    tf: &Transform,
    s: &Sprite,
) -> plainsight::viewer::Rect {
    let size = s.custom_size.unwrap_or_default() / fit.scale;
    let (x, y) = fit.to_virtual(
        tf.translation.x + fit.width / 2.0,
        fit.height / 2.0 - tf.translation.y,
    );
    plainsight::viewer::Rect::new(x - size.x / 2.0, y - size.y / 2.0, size.x, size.y)
}

/// Issue 20: the travelling padlock sat on the start of the TLS record's `inside:` tab (e2e,
/// the web client's exfiltration), and on `mail.alice.example`'s name (pgp-mail). On every
/// wire step of every shipped scene, where the pill travels, no card covers it (the row moves
/// beside it, the tab says less if that makes room) and it covers no server's name.
#[test]
fn the_travelling_pill_covers_no_card_and_no_servers_name() {
    let mut out = Vec::new();
    for (name, _) in SHIPPED {
        let run = crate::support::shipped_run(name, None);
        let wires: Vec<usize> = (0..run.trace.steps.len())
            .filter(|&k| {
                matches!(
                    run.trace.steps[k].place,
                    plainsight::scenario::Reach::Wire(_)
                )
            })
            .collect();
        let mut app = app_for(run);
        for k in wires {
            go_to(&mut app, k);
            let fit = app.world().resource::<plainsight::viewer::Shown>().fit;
            let world = app.world_mut();
            let pills: Vec<_> = world
                .query_filtered::<(&Transform, &Sprite), With<plainsight::viewer::Traveller>>()
                .iter(world)
                .map(|(tf, s)| sprite_rect(fit, tf, s))
                .collect();
            let cards: Vec<_> = world
                .query_filtered::<(&Transform, &Sprite), With<plainsight::viewer::TokenCard>>()
                .iter(world)
                .map(|(tf, s)| sprite_rect(fit, tf, s))
                .collect();
            let titles: Vec<_> = world
                .resource::<plainsight::viewer::Shown>()
                .layout
                .servers
                .iter()
                .map(|b| b.title)
                .collect();
            for p in &pills {
                if let Some(c) = cards.iter().find(|c| c.overlaps(p)) {
                    out.push(format!("{name} step {k}: pill {p:?} under card {c:?}"));
                }
                if let Some(t) = titles.iter().find(|t| t.overlaps(p)) {
                    out.push(format!(
                        "{name} step {k}: pill {p:?} on a server's name {t:?}"
                    ));
                }
            }
        }
    }
    assert!(
        out.is_empty(),
        "{} overlaps:\n{}",
        out.len(),
        out.join("\n")
    );
}
