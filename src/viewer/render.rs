//! `plainsight render`: the same view drawn off-screen into an image and saved as PNG. No
//! window and no display: Bevy renders into a texture (Mesa's software Vulkan driver is
//! enough), we pump frames until every text is laid out, then capture one.

use std::sync::{Arc, Mutex};

use bevy::camera::RenderTarget;
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::render::render_resource::TextureFormat;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::text::TextLayoutInfo;
use bevy::window::ExitCondition;
use bevy::winit::WinitPlugin;

use super::draw::palette;
use super::panel::Panel;
use super::playback::{Anim, Canvas, Cursor, Runs, ViewOptions};
use super::{RenderOptions, ViewerError, ViewerPlugin};
use crate::Run;

/// Most frames pumped before giving up on text layout.
const MAX_FRAMES: u32 = 400;
/// Frames drawn before text is even checked (the first frames build pipelines).
const MIN_FRAMES: u32 = 3;

type Outcome = Arc<Mutex<Option<Result<RgbImage, String>>>>;

/// One captured frame, without alpha.
pub type RgbImage = image::RgbImage;

fn to_rgb(image: &Image) -> Result<RgbImage, String> {
    let dynamic = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| e.to_string())?;
    Ok(dynamic.to_rgb8())
}

/// Whether every non-empty text has glyphs laid out.
fn text_ready(world: &mut World) -> bool {
    let mut q = world.query::<(&Text2d, Option<&TextLayoutInfo>)>();
    q.iter(world)
        .all(|(t, info)| t.0.trim().is_empty() || info.is_some_and(|i| !i.glyphs.is_empty()))
}

/// Draws one frame to a PNG, without a window.
pub fn render_png(run: Run, options: RenderOptions) -> Result<(), ViewerError> {
    let view = ViewOptions {
        observer: options.observer,
        presenter: options.presenter,
        acting: options.acting,
        panel: options.panel,
    };
    render_view(run, options, view)
}

/// Draws one frame to a PNG with any view options (the matrix, keys or lanes panel open);
/// `options.observer` is ignored in favour of `view.observer`.
pub fn render_view(run: Run, options: RenderOptions, view: ViewOptions) -> Result<(), ViewerError> {
    let frames = render_frames(run, &[options.step], (options.width, options.height), view)?;
    let frame = frames
        .into_iter()
        .next()
        .ok_or_else(|| ViewerError::Render("no frame came back".into()))?;
    frame.save(&options.out).map_err(|e| ViewerError::Write {
        path: options.out.clone(),
        reason: e.to_string(),
    })
}

/// Draws each of `steps` in one Bevy app run (starting Bevy once, not once a frame) and
/// returns the frames, in order.
pub fn render_frames(
    run: Run,
    steps: &[usize],
    (width, height): (u32, u32),
    view: ViewOptions,
) -> Result<Vec<RgbImage>, ViewerError> {
    let (w, h) = (width.max(1), height.max(1));
    let renderer = super::gpu::render_creation(super::gpu::Surface::Image)?;
    let first = steps.first().copied().unwrap_or(0);
    let mut app = App::new();
    let plugins = DefaultPlugins
        .set(WindowPlugin {
            primary_window: None,
            exit_condition: ExitCondition::DontExit,
            ..default()
        })
        .set(RenderPlugin {
            render_creation: renderer,
            synchronous_pipeline_compilation: true,
            ..default()
        })
        .disable::<WinitPlugin>();
    // The web build has no log plugin (Bevy's `bevy_log` is left out of it).
    #[cfg(not(target_arch = "wasm32"))]
    let plugins = plugins.set(quiet_log());
    app.add_plugins(plugins)
        .insert_resource(ClearColor(palette::BG))
        .add_plugins(ViewerPlugin {
            run,
            canvas: Canvas {
                width: w as f32,
                height: h as f32,
            },
        })
        .insert_resource(Cursor {
            step: first,
            ..default()
        })
        .insert_resource(Anim { progress: 0.5 })
        .insert_resource(view.clone());
    if view.panel != Panel::Closed {
        app.world_mut()
            .resource_mut::<NextState<Panel>>()
            .set(view.panel);
    }
    if view.acting {
        let mut runs = app.world_mut().resource_mut::<Runs>();
        runs.acting = runs.actor_for(view.observer);
    }

    let target = Image::new_target_texture(w, h, TextureFormat::Rgba8UnormSrgb, None);
    let handle = app.world_mut().resource_mut::<Assets<Image>>().add(target);
    app.world_mut().spawn((
        Camera2d,
        RenderTarget::Image(handle.clone().into()),
        IsDefaultUiCamera,
    ));
    app.finish();
    app.cleanup();

    let mut out = Vec::with_capacity(steps.len());
    for (i, &step) in steps.iter().enumerate() {
        if i > 0 {
            app.world_mut().resource_mut::<Cursor>().step = step;
        }
        // The first frame builds pipelines; later ones only need the new entities laid out.
        let min_frames = if i == 0 { MIN_FRAMES } else { 2 };
        out.push(capture(&mut app, &handle, min_frames)?);
    }
    Ok(out)
}

/// Pumps frames until every text is laid out, then captures one.
fn capture(
    app: &mut App,
    handle: &Handle<Image>,
    min_frames: u32,
) -> Result<RgbImage, ViewerError> {
    let outcome: Outcome = Arc::new(Mutex::new(None));
    let mut requested = false;
    for frame in 0..MAX_FRAMES {
        app.update();
        if !requested && frame >= min_frames && text_ready(app.world_mut()) {
            let slot = outcome.clone();
            app.world_mut()
                .spawn(Screenshot::image(handle.clone()))
                .observe(move |captured: On<ScreenshotCaptured>| {
                    let result = to_rgb(&captured.image);
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(result);
                    }
                });
            requested = true;
        }
        let done = outcome.lock().ok().and_then(|mut s| s.take());
        if let Some(result) = done {
            return result.map_err(ViewerError::Render);
        }
    }
    Err(ViewerError::Render(if requested {
        format!("no frame came back from the GPU after {MAX_FRAMES} frames")
    } else {
        format!("text was still not laid out after {MAX_FRAMES} frames")
    }))
}

/// Errors only, and none from wgpu and naga: `render` prints its own.
#[cfg(not(target_arch = "wasm32"))]
fn quiet_log() -> bevy::log::LogPlugin {
    bevy::log::LogPlugin {
        level: bevy::log::Level::ERROR,
        filter: "wgpu=off,naga=off,bevy_render=error".into(),
        ..default()
    }
}
