//! The Bevy visual simulator (feature `viewer`). It animates a [`Run`]'s trace and decides
//! nothing itself about who can read what: token faces come from the step's bytes, what an
//! observer gets comes from the core's exposure readings.
//!
//! One [`ViewerPlugin`] composes one plugin per concern:
//!
//! | plugin | file | does |
//! | --- | --- | --- |
//! | [`PlaybackPlugin`] | `playback.rs` | the run, cursor, options; applies [`ViewerCommand`]s |
//! | `IconsPlugin` | `draw/icons.rs` | the pictograms, embedded PNGs (`assets/icons/`) |
//! | `ActorsPlugin` | `draw/actors.rs` | people, devices, servers and parts, admins, links, footprint |
//! | `TokensPlugin` | `draw/tokens.rs`, `draw/cards.rs`, `draw/motion.rs` | tokens travelling along links; TLS records with what they carry inside |
//! | `ObserverPlugin` | `draw/observer.rs` | observer chips, reach lines, what they got |
//! | `PanelsPlugin` | `draw/chrome.rs`, `draw/steps.rs` | header, step list, inspector |
//! | [`PanelPlugin`] | `panel.rs`, `panel/*.rs` | the [`Panel`] state: one panel at a time over the network (matrix, lanes, keys, help), each its own plugin |
//! | `InputPlugin` | `input.rs` | keys, clicks and the wheel to commands (window only) |
//! | (drawn by `draw/chrome.rs`) | `draw/controls.rs` | on-screen buttons for a mouse or whiteboard pen |
//! | [`PickerPlugin`] | `panel/picker.rs` | the shipped scenarios, the [`Panel::Scenarios`] panel; `[` `]` switch |
//! | [`WhatIfPlugin`] | `mode/whatif.rs` | what-if switches (W): a link's TLS, keys, key sync, web page; changed cells |
//! | [`ExercisePlugin`] | `mode/exercise.rs` | exercise mode (E): mark each observer, then reveal the computed key and score |
//! | [`DesignPlugin`] | `mode/design.rs`, `mode/design/` | the scenario designer (D): palette, taps and drags to core edits; save, load |
//! | [`ComputePlugin`] | `playback/compute.rs` | core runs (what-if, picker, designer) off the frame loop, with a "computing..." mark |
//! | [`IdlePlugin`] | `idle.rs` | draws only while something moves (window only); frame times |
//!
//! Layout ([`Layout::new`], with link routes from `layout/routes.rs`) and the state at a step
//! ([`state_at`]) are pure functions; `draw/text.rs` wraps, abbreviates and scrolls text so that
//! nothing is cut short. `render.rs` draws frames off-screen; `export.rs` writes
//! a run of them as a GIF or PNG sequence. `gpu.rs` finds a graphics adapter before Bevy does,
//! so that having none is an error ([`ViewerError::NoAdapter`]) rather than Bevy's panic.

mod draw;
mod export;
#[cfg(not(target_arch = "wasm32"))]
mod gpu;
/// In the browser there is no adapter to look for first: Bevy draws with WebGL 2.
#[cfg(target_arch = "wasm32")]
mod gpu {
    #[derive(Debug, Clone, Copy)]
    pub enum Surface {
        Image,
        Window,
    }
    pub fn render_creation(
        _: Surface,
    ) -> Result<bevy::render::settings::RenderCreation, super::ViewerError> {
        Ok(Default::default())
    }
}
mod idle;
mod input;
mod layout;
mod mode;
mod page;
mod panel;
mod playback;
mod render;

// Each folder is one part of the design: `draw/` what is on screen, `layout/` where it goes,
// `playback/` the runs and the state at a step, `panel/` the panels over the network, `mode/`
// the classroom modes (what-if, exercise, designer). Their files are named here, once, so the
// rest of the viewer reaches them as `super::tokens`, wherever they sit.
use draw::{actors, cards, chrome, controls, header, icons, motion, observer, steps, text, tokens};
use layout::routes;
use mode::{design, exercise, side_column, whatif};
use panel::picker;
use playback::{compute, held, state};

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::render::settings::RenderCreation;

pub use actors::{Dimmed, Footprint, PlaceMark};
pub use chrome::{EventLine, PresenterCaption, ViewingAsHeader};
pub use compute::{ComputePlugin, Computing, ComputingMark};
pub use controls::{ControlButton, buttons};
pub use design::{DesignCommand, DesignMode, DesignPlugin, Selected, Tool};
pub use draw::{Layer, Shortened};
pub use exercise::{ExerciseCommand, ExerciseMode, ExercisePlugin, ExerciseStart, Loaded};
pub use export::{FramesOptions, render_sequence, write_gif};
pub use header::{HeaderText, Viewing, header_text};
pub use held::{keeps, lingering, still_held};
pub use icons::{Icon, IconMark};
pub use idle::{FrameStats, FrameTimes, IdlePlugin};
pub use input::{InputPlugin as ViewerInputPlugin, command_for};
pub use layout::{BAND_LINES, Crowd, Fit, HEADER_LINES, Layout, Rect, Region};
pub use motion::{Glide, Motion, ease, motion};
pub use observer::{ObserverChip, ReachLine, icon_rect as chip_icon_rect, reach_line};
pub use panel::{
    LanePicture, Overlay, Panel, PanelInfo, PanelPlugin, help_lines, lane_steps, stage_of,
};
pub use picker::{Picker, PickerCommand, PickerEntry, PickerPlugin, PickerRow};
pub use playback::{
    Anim, Canvas, Cursor, PlaybackPlugin, Runs, Scroll, Shown, ViewOptions, ViewerCommand,
};
pub use render::{RgbImage, render_frames, render_png, render_view};
pub use routes::crossings;
pub use state::{
    Look, Piece, Reached, Sealing, Sighting, Token, TokenAt, ViewState, state_at, viewing_as_line,
};
pub use steps::{step_brief, step_where};
pub use tokens::{FanSummary, TokenCard, Traveller, fan_summary};
pub use whatif::{Cost, WhatIfCommand, WhatIfPlugin, WhatIfState};

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
    /// wgpu found no graphics adapter (the backends tried are named).
    #[error(
        "no graphics adapter: wgpu looked for {0} and found none. Install a graphics driver; with no GPU, Mesa's software renderer draws the frames: `apt-get install mesa-vulkan-drivers libvulkan1` (Debian, Ubuntu). `plainsight trace` and `plainsight matrix` need no graphics at all"
    )]
    NoAdapter(String),
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
    /// The panel open ([`Panel::Closed`]: none).
    pub panel: Panel,
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
                PanelPlugin,
                PlaybackPlugin,
                ComputePlugin,
                icons::IconsPlugin,
                actors::ActorsPlugin,
                tokens::TokensPlugin,
                observer::ObserverPlugin,
                chrome::PanelsPlugin,
                PickerPlugin,
                WhatIfPlugin,
                ExercisePlugin,
                DesignPlugin,
            ));
    }
}

/// Updates `app` until no core run is under way off the frame loop ([`Computing`]), then once
/// more so that what it changed is drawn: for tests and off-screen frames, which want the
/// result, not the frames in between. Gives up after a minute.
pub fn settle(app: &mut App) {
    let start = std::time::Instant::now();
    while app.world().resource::<Computing>().busy().is_some()
        && start.elapsed() < std::time::Duration::from_secs(60)
    {
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    app.update();
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

/// How `plainsight view` opens the window.
#[derive(Debug, Clone, Default)]
pub struct WindowOptions {
    /// Gather frame times: a line logged every 10 s, and the whole session's returned by
    /// [`open`] when the window closes.
    pub frame_times: bool,
    /// Open in exercise mode with this exercise (its name, and the file) over the run given.
    pub exercise: Option<(String, crate::exercise::ExerciseFile)>,
    /// The panel open at the start ([`Panel::Closed`]: none).
    pub panel: Panel,
}

/// Opens the viewer window; once it closes, returns the frame times if they were asked for.
pub fn open(run: Run, options: WindowOptions) -> Result<Option<FrameStats>, ViewerError> {
    display_available()?;
    let renderer = gpu::render_creation(gpu::Surface::Window)?;
    let times = options.frame_times.then(FrameTimes::default);
    let title = format!("plainsight: {}", run.scenario.title);
    let window = Window {
        title,
        resolution: bevy::window::WindowResolution::new(1280, 720),
        ..default()
    };
    let start = options.exercise.map(|(n, f)| ExerciseStart(n, f));
    let opening = Opening {
        exercise: start,
        panel: options.panel,
    };
    run_app(run, window, renderer, times.clone(), opening);
    Ok(times.map(|t| t.0.lock().map(|s| s.clone()).unwrap_or_default()))
}

/// Opens the viewer in a web page (the wasm32 build's entry point): the default shipped scenario
/// on the page's `<canvas id="plainsight">`, sized to the canvas's parent element. There is no
/// command line in the browser; the picker (`[`, `]`, `S`) chooses the scenario.
pub fn open_web() {
    // A link may name a shipped scene (`?scene=group-dm`); an unknown name opens the default.
    let asked = page::scene_asked().and_then(|n| crate::scenario::Scenario::shipped(&n));
    let scenario = asked
        .or_else(|| crate::scenario::Scenario::shipped(crate::scenario::DEFAULT_SCENE))
        .expect("the default scene is shipped and validates (tests check every shipped scene)");
    let run = Run::new(scenario, None).expect("every shipped scene simulates (tested)");
    let title = format!("plainsight: {}", run.scenario.title);
    let window = Window {
        title,
        canvas: Some("#plainsight".into()),
        fit_canvas_to_parent: true,
        // Keeps Tab, Space and the arrows for the viewer instead of the page.
        prevent_default_event_handling: true,
        ..default()
    };
    run_app(
        run,
        window,
        RenderCreation::default(),
        None,
        Opening::default(),
    );
}

/// What the window opens with: an exercise, or a panel.
#[derive(Default)]
struct Opening {
    exercise: Option<ExerciseStart>,
    panel: Panel,
}

/// The viewer in a window (native) or on a page's canvas (web): same plugins, same input, and
/// drawing only while something moves.
fn run_app(
    run: Run,
    window: Window,
    renderer: RenderCreation,
    times: Option<FrameTimes>,
    opening: Opening,
) {
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(window),
                ..default()
            })
            .set(RenderPlugin {
                render_creation: renderer,
                ..default()
            }),
    )
    .insert_resource(ClearColor(draw::palette::BG))
    .add_plugins((
        ViewerPlugin::new(run),
        input::InputPlugin,
        IdlePlugin,
        motion::GlidePlugin,
    ))
    .add_systems(Startup, |mut commands: Commands| {
        // Without multisampling a software renderer (Mesa's llvmpipe, SwiftShader in a
        // browser) shades a quarter of the samples; the shapes are axis-aligned boxes and text.
        commands.spawn((Camera2d, Msaa::Off));
    });
    if let Some(times) = times {
        app.insert_resource(times);
    }
    if let Some(start) = opening.exercise {
        app.insert_resource(start);
    }
    if opening.panel != Panel::Closed {
        app.world_mut()
            .resource_mut::<NextState<Panel>>()
            .set(opening.panel);
    }
    app.run();
}
