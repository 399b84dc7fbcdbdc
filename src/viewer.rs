//! The Bevy visual simulator (feature `viewer`). It animates a [`Run`]'s trace and decides
//! nothing itself about who can read what: token faces come from the step's bytes, what an
//! observer gets comes from the core's exposure readings.
//!
//! One [`ViewerPlugin`] composes one plugin per concern:
//!
//! | plugin | file | does |
//! | --- | --- | --- |
//! | [`PlaybackPlugin`] | `playback.rs` | the run, cursor, options; applies [`ViewerCommand`]s |
//! | `ActorsPlugin` | `actors.rs` | people, devices, servers and parts, admins, links, footprint |
//! | `TokensPlugin` | `tokens.rs` | tokens in flight: open envelopes, padlocks, TLS tunnels |
//! | `ObserverPlugin` | `observer.rs` | observer chips, reach lines, what they got |
//! | `PanelsPlugin` | `panels.rs`, `overlays.rs` | header, event list, inspector, matrix, keys, lanes |
//! | `InputPlugin` | `input.rs` | keys and clicks to commands (window only) |
//! | [`PickerPlugin`] | `picker.rs` | the shipped scenarios in a list; `[` `]` switch, `S` shows it |
//!
//! Layout ([`Layout::new`], with link routes from `routes.rs`) and the state at a step
//! ([`state_at`]) are pure functions. `render.rs` draws frames off-screen; `export.rs` writes
//! a run of them as a GIF or PNG sequence.

mod actors;
mod draw;
mod export;
mod input;
mod layout;
mod observer;
mod overlays;
mod panels;
mod picker;
mod playback;
mod render;
mod routes;
mod state;
mod tokens;

use std::path::PathBuf;

use bevy::prelude::*;

pub use actors::{Dimmed, Footprint, PlaceMark};
pub use draw::Layer;
pub use export::{FramesOptions, render_sequence, write_gif};
pub use input::InputPlugin as ViewerInputPlugin;
pub use layout::{Fit, Layout, Rect};
pub use observer::{ObserverChip, ReachLine};
pub use overlays::Overlay;
pub use panels::{EventLine, PresenterCaption, ViewingAsHeader};
pub use picker::{Picker, PickerCommand, PickerEntry, PickerPlugin, PickerRow};
pub use playback::{Anim, Canvas, Cursor, PlaybackPlugin, Runs, Shown, ViewOptions, ViewerCommand};
pub use render::{RgbImage, render_frames, render_png, render_view};
pub use state::{Look, Piece, Sighting, Token, TokenAt, ViewState, state_at, viewing_as_line};
pub use tokens::{FanSummary, TokenCard, fan_summary};

use crate::Run;

/// Why the viewer could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ViewerError {
    /// Not available in this build.
    #[error("the viewer is not in this build; use `plainsight trace` or `plainsight matrix`")]
    Unavailable,
    /// There is no display to open a window on.
    #[error(
        "no display to open the viewer window on ({0}); draw a frame to a PNG with `plainsight render SCENE --out frame.png`, or print the steps with `plainsight trace SCENE`"
    )]
    NoDisplay(String),
    /// Off-screen rendering failed.
    #[error("could not render the frame: {0}")]
    Render(String),
    /// The PNG could not be written.
    #[error("could not write {path}: {reason}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// What `plainsight render` draws.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The step to show.
    pub step: usize,
    /// View as this observer (index into the scenario's observers).
    pub observer: Option<usize>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The PNG to write.
    pub out: PathBuf,
    /// Draw in presenter mode (bigger text, the step's caption).
    pub presenter: bool,
    /// Show the observer's active run (they use their powers) instead of the honest one.
    pub acting: bool,
}

/// Ordering of the viewer's systems: state first, then drawing.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum ViewerSet {
    /// Input to commands.
    Input,
    /// Commands, clock, derived state.
    State,
    /// Entities synced to the state.
    Draw,
}

/// The whole viewer, minus windowing and rendering: works under `MinimalPlugins` in tests.
pub struct ViewerPlugin {
    /// The run to show.
    pub run: Run,
    /// The canvas size until a window reports its own.
    pub canvas: Canvas,
}

impl ViewerPlugin {
    /// A viewer of `run` on a 1280 x 720 canvas.
    pub fn new(run: Run) -> ViewerPlugin {
        ViewerPlugin {
            run,
            canvas: Canvas {
                width: 1280.0,
                height: 720.0,
            },
        }
    }
}

impl Plugin for ViewerPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Runs::new(self.run.clone()))
            .insert_resource(self.canvas)
            .configure_sets(
                Update,
                (ViewerSet::Input, ViewerSet::State, ViewerSet::Draw).chain(),
            )
            .add_plugins((
                PlaybackPlugin,
                actors::ActorsPlugin,
                tokens::TokensPlugin,
                observer::ObserverPlugin,
                panels::PanelsPlugin,
                PickerPlugin,
            ));
    }
}

/// Whether a window can be opened here. Only X11 is compiled in (no Wayland), so `DISPLAY` must
/// name a display.
fn display_available() -> Result<(), ViewerError> {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return Ok(());
    }
    match std::env::var("DISPLAY") {
        Ok(d) if !d.trim().is_empty() => Ok(()),
        _ => Err(ViewerError::NoDisplay("DISPLAY is not set".into())),
    }
}

/// Opens the viewer window.
pub fn open(run: Run) -> Result<(), ViewerError> {
    display_available()?;
    let title = format!("plainsight: {}", run.scenario.title);
    run_app(
        run,
        Window {
            title,
            resolution: bevy::window::WindowResolution::new(1280, 720),
            ..default()
        },
    );
    Ok(())
}

/// Opens the viewer in a web page (the wasm32 build's entry point): the default shipped scenario
/// on the page's `<canvas id="plainsight">`, sized to the canvas's parent element. There is no
/// command line in the browser; the picker (`[`, `]`, `S`) chooses the scenario.
pub fn open_web() {
    let scenario = crate::scenario::Scenario::shipped(crate::scenario::DEFAULT_SCENE)
        .expect("the default scene is shipped and validates (tests check every shipped scene)");
    let run = Run::new(scenario, None).expect("every shipped scene simulates (tested)");
    let title = format!("plainsight: {}", run.scenario.title);
    run_app(
        run,
        Window {
            title,
            canvas: Some("#plainsight".into()),
            fit_canvas_to_parent: true,
            // Keeps Tab, Space and the arrows for the viewer instead of the page.
            prevent_default_event_handling: true,
            ..default()
        },
    );
}

/// The viewer in a window (native) or on a page's canvas (web): same plugins, same input.
fn run_app(run: Run, window: Window) {
    App::new()
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(window),
            ..default()
        }))
        .insert_resource(ClearColor(draw::palette::BG))
        .add_plugins((ViewerPlugin::new(run), input::InputPlugin))
        .add_systems(Startup, |mut commands: Commands| {
            commands.spawn(Camera2d);
        })
        .run();
}
