//! The run being shown, the playback cursor, the view options, and the one place where
//! [`ViewerCommand`]s change them. The state shown at step `k` is rebuilt from the trace by
//! [`state_at`], so stepping back needs no undo.

pub(super) mod compute;
pub(super) mod held;
pub(super) mod state;

use bevy::prelude::*;
use rayon::prelude::*;

use super::layout::{Fit, Layout};
use super::panel::Panel;
use super::state::{ViewState, state_at};
use crate::Run;
use crate::scenario::{Model, ModelChoice};

/// The same scenario under each model (plain-web, server-encrypted, e2e), and which is shown.
#[derive(Resource, Debug, Clone)]
pub struct Runs {
    /// One run per model that simulated, in teaching order (shared, so work on a run shown,
    /// such as counting what a what-if flip costs, can run off the frame loop).
    pub runs: Vec<std::sync::Arc<Run>>,
    /// Index of the run shown.
    pub current: usize,
    /// Showing this observer's active run (they use their powers) instead of the honest one.
    pub acting: Option<usize>,
}

impl Runs {
    /// The given run, plus the same scenario re-run by the core under the other models.
    pub fn new(mut run: Run) -> Runs {
        let own = run.trace.protection.model;
        let sc = run.scenario.clone();
        let others: Vec<Model> = Model::all().filter(|&m| m != own).collect();
        // An active run is drawn with everyone's view of it. That analysis and the other
        // models' runs are independent of each other: on every core (a 1,000-device group's
        // what-if re-run is seconds).
        let (_, mut others) = rayon::join(
            || run.complete_acting(),
            || {
                others
                    .into_par_iter()
                    .map(|model| {
                        // A model the scenario cannot run under is left out of the cycle.
                        let mut r = Run::new(sc.clone(), Some(ModelChoice::of(model))).ok()?;
                        r.complete_acting();
                        Some(r)
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
            },
        );
        // A scene about an attack (an observer with the `malicious-server` role) opens on
        // that observer's active run; the role decides nothing else.
        let acting = crate::sim::shown_acting_by_default(&run.scenario)
            .into_iter()
            .find(|&o| run.acting_run(o).is_some());
        let (mut runs, mut current, mut shown) = (Vec::new(), 0, Some(run));
        for model in Model::all() {
            if model == own {
                current = runs.len();
                runs.extend(shown.take().map(std::sync::Arc::new));
            } else if let Some(Some(r)) = others.next() {
                runs.push(std::sync::Arc::new(r));
            }
        }
        Runs {
            runs,
            current,
            acting,
        }
    }

    /// The honest run of the current model (nobody acts).
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
    /// Presenter mode: bigger text, the step's explanation as a caption.
    pub presenter: bool,
    /// At start (render): show the viewed observer's active run. `A` toggles it afterwards.
    pub acting: bool,
    /// At start (render): the panel open. Afterwards the [`Panel`] state says which is open.
    pub panel: Panel,
}

/// How far the lists on screen are scrolled, in lines.
#[derive(Resource, Debug, Clone, Default, PartialEq, Eq)]
pub struct Scroll {
    /// The open panel's first line shown (back to 0 when a panel opens).
    pub panel: usize,
    /// The step list's first row, or `None` to keep the current step in view.
    pub list: Option<usize>,
    /// The inspector's first line (back to 0 on every step).
    pub inspector: usize,
}

impl Scroll {
    fn by(at: usize, n: i32) -> usize {
        at.saturating_add_signed(n as isize)
    }
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
    /// Tab: the next observer; after the last, the neutral view.
    NextObserver,
    /// View as one observer (clicking a chip).
    ViewAs(usize),
    /// The neutral view: no observer.
    Neutral,
    /// Esc: closes the open panel; with none open, the neutral view.
    Back,
    /// M.
    CycleModel,
    /// Opens a panel, closing any other; closes it when it is the one open (X, C, H, S, ?).
    TogglePanel(Panel),
    /// Up and Down, or the mouse wheel: scrolls the open panel, else the inspector, by lines.
    Scroll(i32),
    /// The mouse wheel over the step list.
    ScrollList(i32),
    /// P: presenter mode.
    TogglePresenter,
    /// A: play the observer's active run (they use their powers), or return to the honest run.
    ToggleActing,
    /// N: jump to the first step of the next message (after a group DM's long key set-up).
    NextMessage,
    /// The Speed button: the next of a few speeds, round.
    CycleSpeed,
}

/// The speeds the Speed button goes through, in steps per second.
pub const SPEEDS: [f32; 4] = [0.5, 0.8, 1.5, 3.0];

/// The first step of the message after the one step `k` belongs to (or, before any message's
/// step, of the first message); `None` when there is no later message.
pub fn next_message_step(run: &crate::Run, k: usize) -> Option<usize> {
    let steps = &run.trace.steps;
    let now = steps.iter().take(k + 1).filter_map(|s| s.message).max();
    steps
        .iter()
        .enumerate()
        .skip(k + 1)
        .find(|(_, s)| s.message.is_some_and(|m| now.is_none_or(|n| m > n)))
        .map(|(i, _)| i)
}

/// The panel state as commands leave it: the one open now, or the one already asked for this
/// frame.
fn pending(state: &State<Panel>, next: &NextState<Panel>) -> Panel {
    match next {
        NextState::Pending(p) | NextState::PendingIfNeq(p) => *p,
        NextState::Unchanged => *state.get(),
    }
}

/// Applies commands.
#[allow(clippy::too_many_arguments)]
pub fn apply_commands(
    mut commands: MessageReader<ViewerCommand>,
    mut cursor: ResMut<Cursor>,
    mut anim: ResMut<Anim>,
    mut options: ResMut<ViewOptions>,
    mut runs: ResMut<Runs>,
    mut scroll: ResMut<Scroll>,
    state: Res<State<Panel>>,
    mut next: ResMut<NextState<Panel>>,
) {
    for c in commands.read() {
        let open = pending(&state, &next);
        let last = runs.run().trace.steps.len().saturating_sub(1);
        let observers = runs.run().scenario.observers.len();
        match *c {
            ViewerCommand::TogglePlay
            | ViewerCommand::StepForward
            | ViewerCommand::StepBack
            | ViewerCommand::Restart
            | ViewerCommand::GoTo(_)
            | ViewerCommand::Faster
            | ViewerCommand::Slower => move_cursor(*c, &mut cursor, &mut anim, last),
            ViewerCommand::NextObserver if observers > 0 => {
                // After the last observer, back to the neutral view: a pen has no Esc.
                options.observer = match options.observer {
                    None => Some(0),
                    Some(o) if o + 1 < observers => Some(o + 1),
                    Some(_) => None,
                };
            }
            ViewerCommand::NextObserver => {}
            ViewerCommand::ViewAs(o) if o < observers => options.observer = Some(o),
            ViewerCommand::ViewAs(_) => {}
            ViewerCommand::Neutral => options.observer = None,
            ViewerCommand::Back if open != Panel::Closed => next.set(Panel::Closed),
            ViewerCommand::Back => options.observer = None,
            ViewerCommand::TogglePanel(p) => {
                next.set(if open == p { Panel::Closed } else { p });
                scroll.panel = 0;
            }
            ViewerCommand::Scroll(_) | ViewerCommand::ScrollList(_) => {
                scroll_by(*c, &mut scroll, open, cursor.step, last);
            }
            ViewerCommand::ToggleActing => toggle_acting(&mut runs, &mut cursor, &mut options),
            ViewerCommand::NextMessage => {
                if let Some(k) = next_message_step(runs.run(), cursor.step) {
                    move_cursor(ViewerCommand::GoTo(k), &mut cursor, &mut anim, last);
                }
            }
            ViewerCommand::CycleSpeed => {
                let i = SPEEDS.iter().position(|s| *s > cursor.speed + 0.01);
                cursor.speed = SPEEDS[i.unwrap_or(0)];
            }
            ViewerCommand::CycleModel => cycle_model(&mut runs, &mut cursor),
            ViewerCommand::TogglePresenter => options.presenter = !options.presenter,
        }
    }
}

/// The commands that move the cursor through the steps (`last` is the last step) or set its
/// speed.
fn move_cursor(c: ViewerCommand, cursor: &mut Cursor, anim: &mut ResMut<Anim>, last: usize) {
    match c {
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
        _ => {}
    }
}

/// The mouse wheel and Up and Down: the open panel (else the inspector), or the step list.
fn scroll_by(c: ViewerCommand, scroll: &mut Scroll, open: Panel, step: usize, last: usize) {
    match c {
        ViewerCommand::Scroll(n) if open != Panel::Closed => {
            scroll.panel = Scroll::by(scroll.panel, n);
        }
        ViewerCommand::Scroll(n) => scroll.inspector = Scroll::by(scroll.inspector, n),
        ViewerCommand::ScrollList(n) => {
            let first = scroll.list.unwrap_or(step.saturating_sub(5));
            scroll.list = Some(Scroll::by(first, n).min(last));
        }
        _ => {}
    }
}

/// The next model's run, from the honest run, the cursor kept within it.
fn cycle_model(runs: &mut Runs, cursor: &mut Cursor) {
    runs.acting = None;
    let n = runs.runs.len();
    runs.current = (runs.current + 1) % n.max(1);
    let last = runs.run().trace.steps.len().saturating_sub(1);
    cursor.step = cursor.step.min(last);
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
    mut scroll: ResMut<Scroll>,
) {
    if shown.as_ref().is_some_and(|s| s.state.step != cursor.step) {
        // A new step: the inspector shows it from the top, the list follows the cursor.
        let panel = scroll.panel;
        scroll.set_if_neq(Scroll {
            panel,
            list: None,
            inspector: 0,
        });
    }
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
        layout: Layout::for_run(run, options.presenter),
        fit: Fit::new(canvas.width, canvas.height),
    });
}

/// The playback plugin: resources, commands, the clock.
pub struct PlaybackPlugin;

impl Plugin for PlaybackPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Cursor>()
            .init_resource::<Scroll>()
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
