//! How a token moves during a step: a pure function of the run, the layout and the step's
//! progress. On a wire it travels the link from where the message last was to the far end;
//! at a place it comes from where the message last was and rests there from half-way on.
//! `plainsight render` shows progress 0.5: mid-link on a wire, at its place otherwise.
//!
//! In the window, [`Glide`] also moves it after a step key while paused (from 0 to the resting
//! point), so a clicker press slides the token instead of making it jump.

use bevy::prelude::*;
use bevy::window::RequestRedraw;

use crate::Run;
use crate::scenario::{Node, Reach, Scenario};
use crate::viewer::layout::Layout;
use crate::viewer::playback::{Anim, Cursor, Shown};
use crate::viewer::routes::{Point, along};

/// Where a token goes during one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Motion {
    /// The way it goes, in the virtual canvas; one point when it stays put.
    pub path: Vec<Point>,
    /// The progress (0 to 1) at which it arrives and rests: 1 on a wire, 0.5 at a place.
    pub rest_at: f32,
    /// Whether the step is on a link's wire.
    pub wire: bool,
}

impl Motion {
    /// Where it is at progress `p` (0 to 1), eased in and out.
    pub fn at(&self, p: f32) -> Point {
        along(&self.path, ease((p / self.rest_at).clamp(0.0, 1.0)))
    }

    /// Whether it is still on its way at progress `p`.
    pub fn moving(&self, p: f32) -> bool {
        self.path.len() > 1 && p < self.rest_at
    }
}

/// Smoothstep: starts and stops gently.
pub fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// A wire's path in the direction the bytes go.
pub fn travel(l: &Layout, sc: &Scenario, link: usize, from: Node) -> Vec<Point> {
    let mut path = l.links.get(link).cloned().unwrap_or_default();
    if sc.links.get(link).is_none_or(|k| k.from != from) {
        path.reverse();
    }
    path
}

/// Where a step leaves its token: the end of its wire, or its place.
fn end_of(run: &Run, l: &Layout, k: usize) -> Option<Point> {
    let step = run.trace.steps.get(k)?;
    match (step.place, step.travel) {
        (Reach::Wire(link), Some((from, _))) => {
            travel(l, &run.scenario, link, from).last().copied()
        }
        (place, _) => Some(l.place_point(place)),
    }
}

/// The token's motion during step `k`: from where the same message (or, for key steps, the
/// previous key step) last was.
pub fn motion(run: &Run, l: &Layout, k: usize) -> Motion {
    let Some(step) = run.trace.steps.get(k) else {
        return Motion {
            path: Vec::new(),
            rest_at: 1.0,
            wire: false,
        };
    };
    let before = run.trace.steps[..k]
        .iter()
        .rposition(|s| s.message == step.message)
        .and_then(|j| end_of(run, l, j));
    let (mut path, rest_at, wire) = match (step.place, step.travel) {
        (Reach::Wire(link), Some((from, _))) => (travel(l, &run.scenario, link, from), 1.0, true),
        (place, _) => (vec![l.place_point(place)], 0.5, false),
    };
    if let Some(b) = before {
        let first = path.first().copied();
        // Close gaps only: a token that was somewhere else comes from there.
        if first.is_some_and(|f| (f.0 - b.0).abs() + (f.1 - b.1).abs() > 1.0) {
            path.insert(0, b);
        }
    }
    Motion {
        path,
        rest_at,
        wire,
    }
}

/// In the window: the progress drawn, which after a step while paused glides from 0 to where
/// the cursor rests, instead of jumping there.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct Glide {
    step: Option<usize>,
    /// The progress drawn.
    pub progress: f32,
}

/// How fast a glide runs, in progress a second (0 to 0.5 in about half a second).
const GLIDE_SPEED: f32 = 1.1;

/// The progress to draw: the glide's in the window, else the clock's (deterministic).
pub fn drawn_progress(anim: &Anim, glide: Option<&Glide>) -> f32 {
    glide.map_or(anim.progress, |g| g.progress)
}

fn glide(
    time: Res<Time>,
    cursor: Res<Cursor>,
    anim: Res<Anim>,
    shown: Option<Res<Shown>>,
    mut g: ResMut<Glide>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let Some(shown) = shown else { return };
    let step = shown.state.step;
    let target = anim.progress.clamp(0.0, 1.0);
    let next = if cursor.playing {
        target
    } else if g.step != Some(step) {
        // A first frame starts at rest; a later step while paused slides in.
        if g.step.is_none() { target } else { 0.0 }
    } else {
        (g.progress + time.delta_secs() * GLIDE_SPEED).min(target)
    };
    g.step = Some(step);
    if next != g.progress {
        g.progress = next;
        redraw.write(RequestRedraw);
    }
}

/// Glides tokens in the window (not in `render`, whose frames must not depend on time).
pub struct GlidePlugin;

impl Plugin for GlidePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Glide>().add_systems(
            Update,
            glide
                .after(crate::viewer::ViewerSet::State)
                .before(crate::viewer::ViewerSet::Draw),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn tokens_travel_continuously_from_step_to_step() {
        // Before: a square jumped along the link and the card from place to place.
        for (name, text) in crate::scenario::SHIPPED {
            let sc = Scenario::parse(text, name).expect("shipped scenes parse");
            let run = Run::new(sc.clone(), None).expect("shipped scenes simulate");
            let l = Layout::new(&sc);
            for k in 1..run.trace.steps.len() {
                let m = motion(&run, &l, k);
                let step = &run.trace.steps[k];
                // Where the same message was last is where this step's token starts.
                if let Some(j) = run.trace.steps[..k]
                    .iter()
                    .rposition(|s| s.message == step.message)
                {
                    let prev = motion(&run, &l, j).at(1.0);
                    let start = m.at(0.0);
                    let gap = (prev.0 - start.0).abs() + (prev.1 - start.1).abs();
                    assert!(gap < 1.5, "{name} step {k}: jumps {gap} px");
                }
                // It rests at its place, or mid-link for a rendered wire step.
                let rest = m.at(0.5);
                if m.wire {
                    assert!(m.moving(0.5), "{name} step {k}");
                } else {
                    let here = l.place_point(step.place);
                    let off = (rest.0 - here.0).abs() + (rest.1 - here.1).abs();
                    assert!(off < 0.01, "{name} step {k}: rests {off} px off its place");
                }
                // Small moves between frames: no jumps along the way.
                let mut last = m.at(0.0);
                for i in 1..=100 {
                    let p = m.at(i as f32 / 100.0);
                    let d = (p.0 - last.0).abs() + (p.1 - last.1).abs();
                    assert!(d < 60.0, "{name} step {k}: {d} px in one hundredth");
                    last = p;
                }
            }
        }
    }

    #[test]
    fn easing_starts_and_stops_gently() {
        assert_eq!(ease(0.0), 0.0);
        assert_eq!(ease(1.0), 1.0);
        assert!((ease(0.5) - 0.5).abs() < 1e-6);
        assert!(ease(0.05) < 0.05 && ease(0.95) > 0.95);
    }
}
