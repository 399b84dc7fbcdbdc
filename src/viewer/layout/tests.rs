//! The layout's promises, on every shipped scene and a crowded made-up one.

use super::super::routes;
use super::*;
use crate::scenario::{DevicePart, SHIPPED};

/// Nothing overlaps, every link avoids every box but its own two ends, link markers sit
/// clear of boxes and of each other, and (for shipped scenes) no text is under `min_font`.
fn check(sc: &Scenario, presenter: bool, min_font: f32) {
    check_with(sc, presenter, min_font, true)
}

fn check_with(sc: &Scenario, presenter: bool, min_font: f32, markers_clear: bool) {
    let l = Layout::with(sc, presenter);
    let name = &sc.source;
    check_solid(&l, name);
    check_observers(&l, name);
    check_places(sc, &l, name);
    check_links(sc, &l, name, markers_clear);
    for (what, f) in [
        ("device", l.device_font),
        ("row", l.row_font),
        ("title", l.title_font),
        ("chip", l.chip_font),
    ] {
        assert!(
            f >= min_font,
            "{name}: {what} text at {f} px (presenter {presenter})"
        );
    }
}

/// The solid rectangles stay on the canvas and clear of each other.
fn check_solid(l: &Layout, name: &str) {
    let solid = l.solid_rects();
    let canvas = Rect::new(0.0, 0.0, VW, VH);
    for (i, (a, ra)) in solid.iter().enumerate() {
        assert!(canvas.contains(ra), "{name}: {a} {ra:?} leaves the canvas");
        for (b, rb) in &solid[i + 1..] {
            assert!(!ra.overlaps(rb), "{name}: {a} {ra:?} overlaps {b} {rb:?}");
        }
    }
}

/// Observer chips stay in the strip and clear of each other.
fn check_observers(l: &Layout, name: &str) {
    for (o, r) in l.observers.iter().enumerate() {
        assert!(
            l.strip.contains(r),
            "{name}: observer {o} outside the strip"
        );
        for r2 in &l.observers[o + 1..] {
            assert!(!r.overlaps(r2), "{name}: observers overlap");
        }
    }
}

/// Places are clear of each other, each inside its box, and device parts under the name row.
fn check_places(sc: &Scenario, l: &Layout, name: &str) {
    let places: Vec<_> = l.places.iter().collect();
    for (i, (pa, ra)) in places.iter().enumerate() {
        for (pb, rb) in &places[i + 1..] {
            assert!(!ra.overlaps(rb), "{name}: {pa:?} overlaps {pb:?}");
        }
    }
    for (s, b) in l.servers.iter().enumerate() {
        for part in &sc.servers[s].parts {
            let r = l.places[&Reach::ServerPart(s, *part)];
            assert!(
                b.rect.contains(&r),
                "{name}: part {part:?} outside server {s}"
            );
        }
    }
    // A device summarised in a crowd has no rows of its own.
    for (d, r) in l.devices.iter().enumerate().filter(|(d, _)| !l.hidden[*d]) {
        for part in [DevicePart::Memory, DevicePart::Keystore] {
            let pr = l.places[&Reach::DevicePart(d, part)];
            assert!(r.contains(&pr), "{name}: {part:?} outside device {d}");
            assert!(
                !pr.overlaps(&l.device_names[d]),
                "{name}: {part:?} under the name"
            );
        }
    }
}

/// Links stay in the network area and out of every box but their own two ends; with
/// `markers_clear`, their markers are clear of boxes, the tokens' band and each other.
fn check_links(sc: &Scenario, l: &Layout, name: &str, markers_clear: bool) {
    let net = Rect::new(l.stage.x, l.stage.y, l.stage.w, l.strip.y - l.stage.y);
    // A crowd's box once, under the first of its devices.
    let boxes: Vec<(Node, Rect)> = (0..l.devices.len())
        .filter(|&d| !l.hidden[d] || l.crowds.iter().any(|c| c.devices[0] == d))
        .map(|d| (Node::Device(d), l.devices[d]))
        .chain((0..l.servers.len()).map(|s| (Node::Server(s), l.servers[s].rect)))
        .collect();
    let mut markers: Vec<Rect> = Vec::new();
    // A crowd's many links to one server are drawn as the first of them.
    for (i, link) in sc
        .links
        .iter()
        .enumerate()
        .filter(|(i, _)| l.same_as[*i].is_none())
    {
        let path = &l.links[i];
        for &(x, y) in path {
            assert!(
                net.contains(&Rect::new(x, y, 0.0, 0.0)),
                "{name}: link {i} leaves the network area at ({x}, {y})"
            );
        }
        let ends = [l.node_rect(link.from), l.node_rect(link.to)];
        let others: Vec<Rect> = boxes
            .iter()
            .filter(|(n, r)| *n != link.from && *n != link.to && !ends.contains(r))
            .map(|(_, r)| *r)
            .collect();
        assert!(
            !routes::path_crosses(path, &others),
            "{name}: link {i} {path:?} runs through another box"
        );
        if markers_clear {
            let m = l.marker_rect(i, link.tls);
            check_marker(l, name, i, m, &boxes, &markers);
            markers.push(m);
        }
    }
}

/// Link `i`'s marker `m` is clear of boxes, the tokens' band and the `earlier` markers.
fn check_marker(
    l: &Layout,
    name: &str,
    i: usize,
    m: Rect,
    boxes: &[(Node, Rect)],
    earlier: &[Rect],
) {
    for (n, r) in boxes {
        assert!(!m.overlaps(r), "{name}: link {i}'s marker overlaps {n:?}");
    }
    assert!(
        !m.overlaps(&l.air),
        "{name}: link {i}'s marker is under the tokens"
    );
    for (j, other) in earlier.iter().enumerate() {
        assert!(
            !m.overlaps(other),
            "{name}: markers of links {j} and {i} overlap"
        );
    }
}

#[test]
fn shipped_scenes_lay_out_without_overlap_and_with_readable_text() {
    // Crowded scenes (eleven devices, three servers, eight observers) included: before,
    // group DMs shrank device text to 9 px and piled ten "TLS" labels around the server.
    for (name, text) in SHIPPED {
        let sc = Scenario::parse(text, name).expect("shipped scenes parse");
        check(&sc, false, MIN_FONT);
        check(&sc, true, MIN_FONT);
    }
}

#[test]
fn presenter_text_is_larger() {
    let sc = Scenario::shipped("group-dm").expect("shipped");
    let (a, b) = (Layout::new(&sc), Layout::with(&sc, true));
    assert!(b.font > a.font && b.device_font >= a.device_font && b.chip_font > a.chip_font);
    assert!(a.compact, "eleven devices are drawn compactly");
}

#[test]
fn big_scene_lays_out_without_overlap() {
    // Four people with three devices each, three servers, twelve observers.
    let mut people = String::new();
    let mut links = String::new();
    for p in 0..4 {
        let devs: Vec<String> = (0..3).map(|d| format!("\"p{p}-d{d}\"")).collect();
        people.push_str(&format!("(name: \"P{p}\", devices: [{}]),", devs.join(",")));
        for d in 0..3 {
            links.push_str(&format!(
                "(from: \"p{p}-d{d}\", to: \"s{}\", tls: true),",
                p % 3
            ));
        }
    }
    let servers: Vec<String> = (0..3)
        .map(|s| {
            format!(
                "(name: \"s{s}\", parts: [\"tls-front\", \"app-memory\", \"database\", \"backup\", \"key-vault\", \"key-directory\"], admins: [(name: \"a{s}\", can: [\"database-read\"])])"
            )
        })
        .collect();
    links.push_str("(from: \"s0\", to: \"s1\", tls: true),(from: \"s1\", to: \"s2\", tls: false),");
    let observers: Vec<String> = (0..12)
        .map(|o| {
            format!(
                "(name: \"thief {o}\", role: \"database-thief\", reaches: [\"s{}/database\"])",
                o % 3
            )
        })
        .collect();
    let text = format!(
        "(title: \"big\", about: \"big\", model: \"e2e\", people: [{people}], servers: [{}], links: [{links}], messages: [(id: \"m1\", from: \"P0\", to: [\"P1\", \"P2\", \"P3\"], text: \"hello all\")], observers: [{}])",
        servers.join(","),
        observers.join(",")
    );
    let sc = Scenario::parse(&text, "big.ron").expect("the big scene parses");
    // Too crowded for 14 px text: the people who do not fit are summarised in a crowd box
    // and the rest stay at the body size (three servers' rows still shrink); boxes and
    // links never overlap.
    check_with(&sc, false, 9.0, false);
    check_with(&sc, true, 8.0, false);
    let l = Layout::new(&sc);
    assert!(!l.crowds.is_empty(), "a crowd");
    assert!(l.device_font >= FONT, "{} px", l.device_font);
}

#[test]
fn fit_letterboxes_and_round_trips() {
    let f = Fit::new(1920.0, 1080.0);
    assert!((f.scale - 1.5).abs() < 1e-6);
    let (x, y) = f.world(0.0, 0.0);
    assert!((x + 960.0).abs() < 1e-3 && (y - 540.0).abs() < 1e-3);
    let (vx, vy) = f.to_virtual(960.0, 540.0);
    assert!((vx - VW / 2.0).abs() < 1e-3 && (vy - VH / 2.0).abs() < 1e-3);
    assert_eq!(fit("abc", 5), "abc");
    assert!(!fit("abcdefgh", 5).ends_with(".."));
}

/// The what-if panel's link tags, placed one after another as the panel places them, cover no
/// box and no other tag on any shipped scene, and each is on its link or joined to it by a
/// short leader.
#[test]
fn what_if_tags_cover_no_box_and_no_other_tag() {
    for (file, text) in SHIPPED {
        let sc = Scenario::parse(text, file).expect("parses");
        let l = Layout::new(&sc);
        let solid = l.solid_rects();
        let mut placed: Vec<Rect> = Vec::new();
        for link in 0..sc.links.len() {
            let (r, on) = l.tag_rect(link, super::tags::TAG_SIZE, &placed);
            for (what, o) in solid.iter().filter(|(what, _)| what.is_box()) {
                assert!(!r.overlaps(o), "{file}: link {link}'s tag covers {what}");
            }
            assert!(
                placed.iter().all(|p| !p.overlaps(&r)),
                "{file}: link {link}'s tag covers another tag"
            );
            let (cx, cy) = r.center();
            let leader = ((cx - on.0).powi(2) + (cy - on.1).powi(2)).sqrt();
            assert!(
                leader < 150.0,
                "{file}: link {link}'s tag is {leader} px away"
            );
            placed.push(r);
        }
    }
}

/// Issue 20: the `TLS off` tag covered the link's `plain` badge. On the lesson scenes, where
/// there is room, no tag covers any link's badge (with TLS on or off).
#[test]
fn what_if_tags_leave_the_plain_badges_clear_on_the_lesson_scenes() {
    for name in ["plain-web", "server-encrypted", "e2e", "nation-state"] {
        let sc = Scenario::shipped(name).expect("shipped");
        let l = Layout::new(&sc);
        let mut placed: Vec<Rect> = Vec::new();
        for link in 0..sc.links.len() {
            let (r, _) = l.tag_rect(link, super::tags::TAG_SIZE, &placed);
            for j in 0..sc.links.len() {
                for tls in [true, false] {
                    assert!(
                        !r.overlaps(&l.link_badge(j, tls)),
                        "{name}: link {link}'s tag covers link {j}'s badge"
                    );
                }
            }
            placed.push(r);
        }
    }
}

/// The school year's short links had each `TLS on` tag over its own link's `TLS` marker (a `T`
/// peeking out at its left). On the lesson scenes and the school year, no tag covers any link's
/// marker, its own included.
#[test]
fn what_if_tags_leave_every_links_marker_clear() {
    for name in [
        "plain-web",
        "server-encrypted",
        "e2e",
        "nation-state",
        "big-group",
    ] {
        let sc = Scenario::shipped(name).expect("shipped");
        let l = Layout::new(&sc);
        let mut placed: Vec<Rect> = Vec::new();
        for link in (0..sc.links.len()).filter(|&i| l.same_as[i].is_none()) {
            if l.in_crowd(sc.links[link].from) || l.in_crowd(sc.links[link].to) {
                continue;
            }
            let (r, _) = l.tag_rect(link, super::tags::TAG_SIZE, &placed);
            for j in (0..sc.links.len()).filter(|&j| l.same_as[j].is_none()) {
                assert!(
                    !r.overlaps(&l.marker_rect(j, sc.links[j].tls)),
                    "{name}: link {link}'s tag covers link {j}'s marker"
                );
            }
            placed.push(r);
        }
    }
}
