//! Core runs off the frame loop. A what-if switch, a scenario picked from the list or a
//! designed scene re-runs the core (a 1,000-device group takes seconds); the run happens on
//! Bevy's async compute pool while frames go on, with a "computing..." mark in the header, and
//! its result is applied to the world in the frame it arrives. One run at a time: a new one
//! replaces the one under way (the later edit wins).

use bevy::ecs::world::CommandQueue;
use bevy::prelude::*;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures::check_ready};

use crate::viewer::draw::{Layer, Painter, clear, palette as p};
use crate::viewer::layout::{Rect, VW};
use crate::viewer::playback::Shown;

/// What to do with a finished run: a change to the world.
pub type Apply = Box<dyn FnOnce(&mut World) + Send>;

/// The core run under way, if any, and what it is for (shown beside the mark).
#[derive(Resource, Default)]
pub struct Computing {
    task: Option<(Task<CommandQueue>, String)>,
}

impl Computing {
    /// Runs `work` on the async compute pool; what it returns is applied to the world when it
    /// is done. `what` says what is being computed ("re-running the core").
    pub fn start(&mut self, what: &str, work: impl FnOnce() -> Apply + Send + 'static) {
        let task = AsyncComputeTaskPool::get().spawn(async move {
            let mut queue = CommandQueue::default();
            queue.push(work());
            queue
        });
        self.task = Some((task, what.to_string()));
    }

    /// What is being computed, while a run is under way.
    pub fn busy(&self) -> Option<&str> {
        self.task.as_ref().map(|(_, what)| what.as_str())
    }
}

/// The "computing..." mark, for tests to find.
#[derive(Component, Debug, Clone)]
pub struct ComputingMark(pub String);

/// Applies a finished run's result.
fn poll(mut computing: ResMut<Computing>, mut commands: Commands) {
    let Some((task, _)) = computing.task.as_mut() else {
        return;
    };
    if let Some(mut queue) = check_ready(task) {
        commands.append(&mut queue);
        computing.task = None;
    }
}

/// While a run is under way, a bar across the top of the stage says so.
fn draw_mark(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    computing: Res<Computing>,
    shown: Option<Res<Shown>>,
    mut was: Local<Option<String>>,
) {
    let now = computing.busy().map(str::to_string);
    if *was == now && !shown.as_ref().is_some_and(|s| s.is_changed()) {
        return;
    }
    clear(&mut commands, &drawn, Layer::Computing);
    *was = now.clone();
    let (Some(what), Some(shown)) = (now, shown) else {
        return;
    };
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Computing,
    };
    let line = format!("computing... {what}");
    let y = shown.layout.stage.y;
    let r = Rect::new(VW / 2.0 - 230.0, y + 2.0, 460.0, 30.0);
    let e = pt.boxed(r, p::PAPER, p::INK, 3.0, 40.0);
    pt.commands.entity(e).insert(ComputingMark(line.clone()));
    let (cx, cy) = r.center();
    pt.text_anchored(
        cx,
        cy,
        &line,
        18.0,
        p::INK,
        bevy::sprite::Anchor::CENTER,
        40.1,
    );
}

/// Core runs off the frame loop.
pub struct ComputePlugin;

impl Plugin for ComputePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Computing>()
            .add_systems(Update, poll.in_set(crate::viewer::ViewerSet::State))
            .add_systems(Update, draw_mark.in_set(crate::viewer::ViewerSet::Draw));
    }
}
