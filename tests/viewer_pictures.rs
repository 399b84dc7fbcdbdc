//! The viewer's pictures and motion: icons on every device, server and observer (headless, and
//! in a rendered PNG), the token travelling along its link, layered tokens, readers staying lit.
#![cfg(feature = "viewer")]

use std::path::PathBuf;
use std::process::Command;

use bevy::prelude::*;
use plainsight::Run;
use plainsight::scenario::{SHIPPED, Scenario};
use plainsight::viewer::{Icon, IconMark, Layout, ViewerPlugin, chip_icon_rect};

fn shipped(name: &str) -> Scenario {
    let text = SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .expect("a shipped scene");
    Scenario::parse(text, name).expect("shipped scenes parse")
}

fn app_for(run: Run) -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, ViewerPlugin::new(run)));
    app.update();
    app
}

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
    // Before: chips were text only; a picture is ink where the chip's left edge was blank.
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
                share > 0.12,
                "{name}: observer {o}'s picture has {share} ink"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
