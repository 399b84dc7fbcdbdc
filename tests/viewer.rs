//! The viewer, headless (`App::new()` with `MinimalPlugins`, asserting on the world) and end to
//! end (`plainsight render` for every shipped scene, checking the PNGs).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use bevy::prelude::*;
use plainsight::Run;
use plainsight::scenario::{ModelChoice, Reach, SHIPPED};
use plainsight::sim::Action;
use plainsight::viewer::{
    Cursor, Layer, Look, Runs, ViewerCommand, ViewerPlugin, state_at, viewing_as_line,
};

use crate::support::{shipped_run as run_of, viewer_app as app_for};

fn send(app: &mut App, command: ViewerCommand) {
    app.world_mut().write_message(command);
    app.update();
}

/// Everything drawn, as comparable text: layer, text, position, size.
fn snapshot(app: &mut App) -> Vec<String> {
    let world = app.world_mut();
    let mut q = world.query::<(&Layer, &Transform, Option<&Text2d>, Option<&Sprite>)>();
    let mut out: Vec<String> = q
        .iter(world)
        .map(|(layer, tf, text, sprite)| {
            format!(
                "{layer:?} {:.1},{:.1},{:.2} {:?} {:?}",
                tf.translation.x,
                tf.translation.y,
                tf.translation.z,
                text.map(|t| t.0.clone()),
                sprite
                    .and_then(|s| s.custom_size)
                    .map(|s| (s.x.round(), s.y.round())),
            )
        })
        .collect();
    out.sort();
    out
}

fn dimmed_places(app: &mut App) -> (BTreeSet<Reach>, BTreeSet<Reach>) {
    let world = app.world_mut();
    let mut q = world.query::<(
        &plainsight::viewer::PlaceMark,
        Option<&plainsight::viewer::Dimmed>,
    )>();
    let mut all = BTreeSet::new();
    let mut dim = BTreeSet::new();
    for (place, d) in q.iter(world) {
        all.insert(place.0);
        if d.is_some() {
            dim.insert(place.0);
        }
    }
    (all, dim)
}

fn token_looks(app: &mut App) -> Vec<Look> {
    let world = app.world_mut();
    let mut q = world.query::<&plainsight::viewer::TokenCard>();
    q.iter(world).map(|t| t.0.clone()).collect()
}

#[test]
fn stepping_forward_and_back_matches_jumping_straight_to_k() {
    for (name, _) in SHIPPED {
        let run = run_of(name, None);
        // A scene about an attack opens on the attacker's active run.
        let runs = plainsight::viewer::Runs::new(run.clone());
        let last = runs.run().trace.steps.len() - 1;
        let k = last / 2;
        let mut walked = app_for(run.clone());
        for _ in 0..last {
            send(&mut walked, ViewerCommand::StepForward);
        }
        for _ in k..last {
            send(&mut walked, ViewerCommand::StepBack);
        }
        assert_eq!(walked.world().resource::<Cursor>().step, k);
        let mut jumped = app_for(run.clone());
        send(&mut jumped, ViewerCommand::GoTo(k));
        assert_eq!(
            snapshot(&mut walked),
            snapshot(&mut jumped),
            "{name} at step {k}"
        );
        // And what the app shows is the pure state at k, computed from a fresh run.
        let fresh = plainsight::viewer::Runs::new(run_of(name, None));
        let shown = walked.world().resource::<plainsight::viewer::Shown>();
        assert_eq!(shown.state, state_at(fresh.run(), k), "{name} at step {k}");
    }
}

#[test]
fn viewing_as_an_observer_dims_exactly_the_places_they_cannot_reach() {
    for (name, _) in SHIPPED {
        let run = run_of(name, None);
        let sc = run.scenario.clone();
        let mut app = app_for(run);
        let (all, dim) = dimmed_places(&mut app);
        assert!(dim.is_empty(), "{name}: the neutral view dims nothing");
        assert!(!all.is_empty());
        for o in 0..sc.observers.len() {
            send(&mut app, ViewerCommand::ViewAs(o));
            let (all_now, dim) = dimmed_places(&mut app);
            assert_eq!(all_now, all);
            let expected: BTreeSet<Reach> =
                all.iter().copied().filter(|&p| !sc.reaches(o, p)).collect();
            assert_eq!(dim, expected, "{name}: {}", sc.observers[o].name);
        }
        send(&mut app, ViewerCommand::Neutral);
        assert!(
            dimmed_places(&mut app).1.is_empty(),
            "Esc returns to neutral"
        );
    }
}

#[test]
fn switching_model_rebuilds_tokens_from_the_new_trace() {
    let run = run_of("plain-web.ron", None);
    let mut app = app_for(run);
    let first_send = |app: &App| {
        let runs = app.world().resource::<Runs>();
        let model = runs.run().trace.protection.model;
        let k = runs
            .run()
            .trace
            .steps
            .iter()
            .position(|s| s.action == Action::Send)
            .expect("a send step");
        (model, k)
    };
    let (model, k) = first_send(&app);
    assert_eq!(model.name(), "plain-web");
    send(&mut app, ViewerCommand::GoTo(k));
    let plain = token_looks(&mut app);
    assert!(
        plain.iter().any(Look::is_words),
        "plain web: words inside TLS"
    );
    // plain-web -> server-encrypted -> e2e.
    send(&mut app, ViewerCommand::CycleModel);
    send(&mut app, ViewerCommand::CycleModel);
    let (model, k) = first_send(&app);
    assert_eq!(model.name(), "e2e");
    send(&mut app, ViewerCommand::GoTo(k));
    let e2e = token_looks(&mut app);
    assert!(
        !e2e.is_empty() && e2e.iter().all(|l| !l.is_words()),
        "e2e: {e2e:?}"
    );
    send(&mut app, ViewerCommand::CycleModel);
    assert_eq!(first_send(&app).0.name(), "plain-web", "M cycles back");
}

#[test]
fn the_footprint_only_grows_and_e2e_leaves_less_of_it() {
    let plain = run_of(
        "e2e.ron",
        Some(ModelChoice::parse("plain-web").expect("model")),
    );
    let e2e = run_of("e2e.ron", None);
    let mut before = 0;
    for k in 0..plain.trace.steps.len() {
        let n = state_at(&plain, k).footprint.len();
        assert!(n >= before);
        before = n;
    }
    let last = |r: &Run| state_at(r, r.trace.steps.len() - 1).footprint;
    let (fp, fe) = (last(&plain), last(&e2e));
    assert!(fe.len() < fp.len(), "e2e {fe:?} vs plain {fp:?}");
    assert!(fe.keys().all(|p| matches!(p, Reach::DevicePart(..))));
    let thief = e2e
        .scenario
        .observer_named("Database thief")
        .expect("thief");
    let line = viewing_as_line(&e2e, thief);
    assert!(
        line.starts_with("Database thief: reads 0 of 2 messages"),
        "{line}"
    );
    assert!(
        line.contains("ciphertext at social.example/database"),
        "{line}"
    );
}

fn decode(path: &Path) -> Image {
    let bytes = std::fs::read(path).expect("the PNG was written");
    Image::from_buffer(
        &bytes,
        bevy::image::ImageType::Extension("png"),
        bevy::image::CompressedImageFormats::NONE,
        true,
        bevy::image::ImageSampler::Default,
        bevy::asset::RenderAssetUsages::MAIN_WORLD,
    )
    .expect("a PNG")
}

/// Fraction of pixels that are not the background (the most common colour), and how many
/// distinct colours there are.
fn ink(img: &Image) -> (f32, usize) {
    let data = img.data.as_ref().expect("pixels");
    let mut counts: std::collections::BTreeMap<[u8; 3], usize> = Default::default();
    for p in data.chunks(4) {
        *counts.entry([p[0], p[1], p[2]]).or_default() += 1;
    }
    let total: usize = counts.values().sum();
    let bg = counts.values().copied().max().unwrap_or(0);
    ((total - bg) as f32 / total.max(1) as f32, counts.len())
}

fn render(scene: &str, args: &[&str], out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .arg("render")
        .arg(scene)
        .args(args)
        .args(["--width", "960", "--height", "540", "--out"])
        .arg(out)
        .status()
        .expect("plainsight runs");
    assert!(status.success(), "render {scene} {args:?} failed");
}

#[test]
fn render_every_shipped_scene_to_a_png() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("plainsight-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    for (name, _) in SHIPPED {
        let scene = format!("{}/scenes/{name}", env!("CARGO_MANIFEST_DIR"));
        let out = dir.join(name.replace(".ron", ".png"));
        render(&scene, &["--step", "2"], &out);
        let img = decode(&out);
        assert_eq!((img.width(), img.height()), (960, 540));
        let (frac, colours) = ink(&img);
        assert!(
            frac > 0.05 && colours > 8,
            "{name} looks blank: {frac} {colours}"
        );
    }
    let scene = format!("{}/scenes/e2e.ron", env!("CARGO_MANIFEST_DIR"));
    let (a, b) = (dir.join("pw.png"), dir.join("e2e.png"));
    render(&scene, &["--model", "plain-web", "--step", "6"], &a);
    render(&scene, &["--model", "e2e", "--step", "6"], &b);
    let (ia, ib) = (decode(&a), decode(&b));
    let differ = ia
        .data
        .as_ref()
        .zip(ib.data.as_ref())
        .map(|(x, y)| x.iter().zip(y).filter(|(p, q)| p != q).count())
        .unwrap_or(0);
    assert!(
        differ > 1000,
        "plain-web and e2e frames should differ ({differ} bytes)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Widths of the token cards drawn, left to right, in virtual pixels (the headless canvas is
/// 1280 x 720, so one pixel each).
fn card_widths(app: &mut App) -> Vec<f32> {
    let world = app.world_mut();
    let mut q = world.query::<(&plainsight::viewer::TokenCard, &Transform, &Sprite)>();
    let mut cards: Vec<(f32, f32)> = q
        .iter(world)
        .filter_map(|(_, tf, s)| s.custom_size.map(|z| (tf.translation.x, z.x)))
        .collect();
    cards.sort_by(|a, b| a.0.total_cmp(&b.0));
    cards.into_iter().map(|c| c.1).collect()
}

#[test]
fn group_fan_out_shows_a_token_per_device_or_one_bag_sized_by_real_bytes() {
    let seal = |run: &Run| {
        run.trace
            .steps
            .iter()
            .position(|s| s.action == Action::Seal)
            .expect("a seal step")
    };
    let per = run_of("group-dm.ron", None);
    let k = seal(&per);
    let tokens = state_at(&per, k).tokens;
    assert_eq!(tokens.len(), 10, "one envelope per recipient device");
    let mut app = app_for(per.clone());
    send(&mut app, ViewerCommand::GoTo(k));
    let widths = card_widths(&mut app);
    assert_eq!(widths.len(), 10);
    assert!(
        widths.iter().all(|w| (w - widths[0]).abs() < 0.5),
        "{widths:?}"
    );
    let envelope = tokens[0].bytes as f32;
    let bytes_per_px = envelope / widths[0];

    let bag = run_of("group-dm-bagged.ron", None);
    let k = seal(&bag);
    let tokens = state_at(&bag, k).tokens;
    assert_eq!(tokens.len(), 11, "one content token and ten keys");
    let mut app = app_for(bag.clone());
    send(&mut app, ViewerCommand::GoTo(k));
    let widths = card_widths(&mut app);
    assert_eq!(widths.len(), 11);
    // Same scale in both scenes: width follows the real bytes.
    for (t, w) in tokens.iter().zip(&widths) {
        assert!(
            (t.bytes as f32 / w - bytes_per_px).abs() < 0.2,
            "{} B drawn {w} px wide",
            t.bytes
        );
    }
    assert!(
        widths[1] < widths[0] / 2.0,
        "key tokens are small: {widths:?}"
    );
    let summary = plainsight::viewer::fan_summary(&tokens);
    assert!(summary.contains("10 keys x 64 B"), "{summary}");
    let total: usize = tokens.iter().map(|t| t.bytes).sum();
    assert!(summary.ends_with(&format!("= {total} B")), "{summary}");
}

fn press(app: &mut App, key: KeyCode) {
    use bevy::input::ButtonState;
    use bevy::input::keyboard::{Key, KeyboardInput};
    for state in [ButtonState::Pressed, ButtonState::Released] {
        app.world_mut().write_message(KeyboardInput {
            key_code: key,
            logical_key: Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
            state,
            text: None,
            repeat: false,
            window: Entity::PLACEHOLDER,
        });
        app.update();
    }
}

#[test]
fn p_toggles_presenter_mode_and_the_clicker_keys_step() {
    let run = run_of("group-dm-bagged.ron", None);
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        bevy::input::InputPlugin,
        ViewerPlugin::new(run.clone()),
        plainsight::viewer::ViewerInputPlugin,
    ));
    app.update();
    let captions = |app: &mut App| {
        let world = app.world_mut();
        let mut q = world.query::<&plainsight::viewer::PresenterCaption>();
        q.iter(world).map(|c| c.0.clone()).collect::<Vec<_>>()
    };
    assert!(captions(&mut app).is_empty());
    press(&mut app, KeyCode::KeyP);
    assert!(
        app.world()
            .resource::<plainsight::viewer::ViewOptions>()
            .presenter
    );
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.world().resource::<Cursor>().step, 2);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.world().resource::<Cursor>().step, 1);
    press(&mut app, KeyCode::ArrowRight);
    assert_eq!(app.world().resource::<Cursor>().step, 2);
    // The caption is the report's sentence for the step, naming who can read there.
    assert_eq!(
        captions(&mut app),
        vec![plainsight::report::caption(&run, 2)]
    );
    let shown = app.world().resource::<plainsight::viewer::Shown>();
    assert!(shown.layout.presenter && shown.layout.device_font >= 14.0);
    press(&mut app, KeyCode::KeyP);
    assert!(
        !app.world()
            .resource::<plainsight::viewer::ViewOptions>()
            .presenter
    );
    assert!(captions(&mut app).is_empty());
}

#[test]
fn render_frames_writes_a_gif_and_a_png_sequence_in_one_run() {
    let dir: PathBuf = std::env::temp_dir().join(format!("plainsight-gif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let gif = dir.join("e2e.gif");
    let seq = dir.join("frames");
    let scene = format!("{}/scenes/e2e.ron", env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args([
            "render", &scene, "--frames", "5..7", "--width", "320", "--height", "180",
        ])
        .arg("--gif")
        .arg(&gif)
        .arg("--out-dir")
        .arg(&seq)
        .status()
        .expect("plainsight runs");
    assert!(status.success());
    use image::AnimationDecoder;
    let file = std::io::BufReader::new(std::fs::File::open(&gif).expect("the GIF was written"));
    let frames = image::codecs::gif::GifDecoder::new(file)
        .expect("a GIF")
        .into_frames()
        .collect_frames()
        .expect("frames decode");
    assert_eq!(frames.len(), 3);
    for f in &frames {
        assert_eq!(f.buffer().dimensions(), (320, 180));
    }
    for (a, b) in frames.iter().zip(&frames[1..]) {
        assert_ne!(a.buffer().as_raw(), b.buffer().as_raw(), "frames differ");
    }
    for step in 5..=7 {
        let png = seq.join(format!("step-{step:03}.png"));
        assert_eq!((decode(&png).width(), decode(&png).height()), (320, 180));
    }
    // Bad ranges are clear errors, exit 1.
    let out = Command::new(env!("CARGO_BIN_EXE_plainsight"))
        .args(["render", &scene, "--frames", "5..999"])
        .arg("--gif")
        .arg(&gif)
        .output()
        .expect("plainsight runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("past the end"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_plays_the_viewed_observers_active_run_and_returns() {
    let run = run_of("nation-state.ron", ModelChoice::parse("e2e"));
    let state = run
        .scenario
        .observer_named("The state (compels mastodon.example, taps links)")
        .expect("observer");
    let honest_steps = run.trace.steps.len();
    let mut app = app_for(run);
    send(&mut app, ViewerCommand::ViewAs(state));
    send(&mut app, ViewerCommand::ToggleActing);
    let runs = app.world().resource::<Runs>();
    assert_eq!(runs.acting, Some(state));
    assert!(
        runs.run()
            .trace
            .steps
            .iter()
            .any(|s| s.action == Action::MitmReseal && s.actor == Some(state)),
        "the active run shows the swap"
    );
    assert!(runs.run().trace.steps.len() > honest_steps);
    send(&mut app, ViewerCommand::ToggleActing);
    let runs = app.world().resource::<Runs>();
    assert_eq!(runs.acting, None);
    assert_eq!(runs.run().trace.steps.len(), honest_steps);
}
