//! The run being shown, the playback cursor, the view options, and the one place where
//! [`ViewerCommand`]s change them. The state shown at step `k` is rebuilt from the trace by
//! [`state_at`], so stepping back needs no undo.

use bevy::prelude::*;

use super::layout::{Fit, Layout};
use super::state::{ViewState, state_at};
use crate::Run;
use crate::scenario::{Model, ModelChoice};

/// The same scenario under each model (plain-web, server-encrypted, e2e), and which is shown.
#[derive(Resource, Debug, Clone)]
pub struct Runs {
    /// One run per model that simulated, in teaching order.
    pub runs: Vec<Run>,
    /// Index of the run shown.
    pub current: usize,
    /// Showing this observer's active run (they use their powers) instead of the honest one.
    pub acting: Option<usize>,
}

impl Runs {
    /// The given run, plus the same scenario re-run by the core under the other models.
    pub fn new(run: Run) -> Runs {
        let own = run.trace.protection.model;
        let mut runs = Vec::new();
        let mut current = 0;
        for model in Model::all() {
            if model == own {
                current = runs.len();
                runs.push(run.clone());
                continue;
            }
            // A model the scenario cannot run under is left out of the cycle, not fatal.
            if let Ok(r) = Run::new(run.scenario.clone(), Some(ModelChoice::of(model))) {
                runs.push(r);
            }
        }
        Runs {
            runs,
            current,
            acting: None,
        }
    }

    /// The honest run of the current model (nobody acts but those who do by default).
    pub fn honest(&self) -> &Run {
        &self.runs[self.current]
    }

    /// The run shown: the honest run, or an observer's active run.
    pub fn run(&self) -> &Run {
        let honest = self.honest();
        self.acting
            .and_then(|o| honest.acting_run(o))
            .unwrap_or(honest)
    }

    /// The observer whose active run `A` would play: the one viewed as, else the first who
    /// holds a power.
    pub fn actor_for(&self, viewing: Option<usize>) -> Option<usize> {
        let honest = self.honest();
        match viewing {
            Some(o) => honest.acting_run(o).map(|_| o),
            None => (0..honest.acting.len()).find(|&o| honest.acting_run(o).is_some()),
        }
    }
}

/// The playback cursor.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The current step.
    pub step: usize,
    /// Playing (else paused).
    pub playing: bool,
    /// Steps per second.
    pub speed: f32,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor {
            step: 0,
            playing: false,
            speed: 0.8,
        }
    }
}

/// How far the current step's tokens have travelled (0 to 1), for animation only.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct Anim {
    /// Progress through the current step.
    pub progress: f32,
}

impl Default for Anim {
    fn default() -> Self {
        Anim { progress: 0.5 }
    }
}

/// What the view shows besides the network.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct ViewOptions {
    /// Viewing as this observer (index), or the neutral view.
    pub observer: Option<usize>,
    /// The three models as three lanes.
    pub lanes: bool,
    /// The who-can-read matrix.
    pub matrix: bool,
    /// The keys panel.
    pub keys: bool,
    /// Presenter mode: bigger text, the step's explanation as a caption.
    pub presenter: bool,
    /// At start (render): show the viewed observer's active run. `A` toggles it afterwards.
    pub acting: bool,
}

/// The real canvas size in logical pixels (the window, or the image).
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct Canvas {
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// What is on screen now: derived from the resources above whenever one changes.
#[derive(Resource, Debug, Clone)]
pub struct Shown {
    /// The state at the cursor.
    pub state: ViewState,
    /// The layout of the scenario.
    pub layout: Layout,
    /// Virtual to real.
    pub fit: Fit,
}

/// Everything a person (or a test) can ask the viewer to do.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerCommand {
    /// Space.
    TogglePlay,
    /// Right, or Page Down (a presenter's clicker).
    StepForward,
    /// Left, or Page Up.
    StepBack,
    /// Home.
    Restart,
    /// Jump to a step (clicking the event list).
    GoTo(usize),
    /// `+`.
    Faster,
    /// `-`.
    Slower,
    /// Tab: the next observer.
    NextObserver,
    /// View as one observer (clicking a chip).
    ViewAs(usize),
    /// Esc.
    Neutral,
    /// M.
    CycleModel,
    /// C.
    ToggleLanes,
    /// X.
    ToggleMatrix,
    /// H.
    ToggleKeys,
    /// P: presenter mode.
    TogglePresenter,
    /// A: play the observer's active run (they use their powers), or return to the honest run.
    ToggleActing,
}

/// Applies commands.
pub fn apply_commands(
    mut commands: MessageReader<ViewerCommand>,
    mut cursor: ResMut<Cursor>,
    mut anim: ResMut<Anim>,
    mut options: ResMut<ViewOptions>,
    mut runs: ResMut<Runs>,
) {
    for c in commands.read() {
        let last = runs.run().trace.steps.len().saturating_sub(1);
        let observers = runs.run().scenario.observers.len();
        match *c {
            ViewerCommand::TogglePlay => {
                if cursor.step >= last && !cursor.playing {
                    cursor.step = 0;
                }
                cursor.playing = !cursor.playing;
            }
            ViewerCommand::StepForward => {
                cursor.playing = false;
                cursor.step = (cursor.step + 1).min(last);
                anim.progress = 0.5;
            }
            ViewerCommand::StepBack => {
                cursor.playing = false;
                cursor.step = cursor.step.saturating_sub(1);
                anim.progress = 0.5;
            }
            ViewerCommand::Restart => {
                cursor.step = 0;
                anim.progress = 0.0;
            }
            ViewerCommand::GoTo(k) => {
                cursor.playing = false;
                cursor.step = k.min(last);
                anim.progress = 0.5;
            }
            ViewerCommand::Faster => cursor.speed = (cursor.speed * 1.5).min(8.0),
            ViewerCommand::Slower => cursor.speed = (cursor.speed / 1.5).max(0.1),
            ViewerCommand::NextObserver if observers > 0 => {
                options.observer = Some(options.observer.map_or(0, |o| (o + 1) % observers));
            }
            ViewerCommand::NextObserver => {}
            ViewerCommand::ViewAs(o) if o < observers => options.observer = Some(o),
            ViewerCommand::ViewAs(_) => {}
            ViewerCommand::Neutral => options.observer = None,
            ViewerCommand::ToggleActing => toggle_acting(&mut runs, &mut cursor, &mut options),
            ViewerCommand::CycleModel => {
                runs.acting = None;
                let n = runs.runs.len();
                runs.current = (runs.current + 1) % n.max(1);
                let last = runs.run().trace.steps.len().saturating_sub(1);
                cursor.step = cursor.step.min(last);
            }
            ViewerCommand::ToggleLanes => options.lanes = !options.lanes,
            ViewerCommand::ToggleMatrix => options.matrix = !options.matrix,
            ViewerCommand::ToggleKeys => options.keys = !options.keys,
            ViewerCommand::TogglePresenter => options.presenter = !options.presenter,
        }
    }
}

/// Switches between the honest run and an active one, from the start, playing.
fn toggle_acting(runs: &mut Runs, cursor: &mut Cursor, options: &mut ViewOptions) {
    if runs.acting.take().is_none() {
        runs.acting = runs.actor_for(options.observer);
        if let Some(o) = runs.acting {
            options.observer = Some(o);
        }
    }
    cursor.step = 0;
    cursor.playing = runs.acting.is_some();
}

/// Moves the cursor while playing.
pub fn advance(
    time: Res<Time>,
    mut cursor: ResMut<Cursor>,
    mut anim: ResMut<Anim>,
    runs: Res<Runs>,
) {
    if !cursor.playing {
        return;
    }
    let last = runs.run().trace.steps.len().saturating_sub(1);
    anim.progress += time.delta_secs() * cursor.speed;
    if anim.progress >= 1.0 {
        if cursor.step >= last {
            cursor.playing = false;
            anim.progress = 1.0;
        } else {
            cursor.step += 1;
            anim.progress = 0.0;
        }
    }
}

/// Recomputes [`Shown`] when the run, cursor, options or canvas change.
pub fn refresh_shown(
    mut commands: Commands,
    runs: Res<Runs>,
    cursor: Res<Cursor>,
    canvas: Res<Canvas>,
    options: Res<ViewOptions>,
    shown: Option<Res<Shown>>,
) {
    let changed = runs.is_changed()
        || canvas.is_changed()
        || options.is_changed()
        || shown.as_ref().is_none_or(|s| s.state.step != cursor.step);
    if !changed {
        return;
    }
    let run = runs.run();
    commands.insert_resource(Shown {
        state: state_at(run, cursor.step),
        layout: Layout::with(&run.scenario, options.presenter),
        fit: Fit::new(canvas.width, canvas.height),
    });
}

/// The playback plugin: resources, commands, the clock.
pub struct PlaybackPlugin;

impl Plugin for PlaybackPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Cursor>()
            .init_resource::<Anim>()
            .init_resource::<ViewOptions>()
            .add_message::<ViewerCommand>()
            .add_systems(
                Update,
                (apply_commands, advance, refresh_shown)
                    .chain()
                    .in_set(super::ViewerSet::State),
            );
    }
}
