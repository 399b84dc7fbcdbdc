//! The lanes panel (C or L): the same scenario under each model, one lane each, aligned by
//! event rather than by step number. The lane of the model shown is at the current step; every
//! other lane is at the same event (the same message, action and place), or, when its model has
//! no such event (plain-web never seals), at the last event the two runs share before it.

use std::collections::BTreeMap;

use bevy::prelude::*;

use super::super::chrome::{ascii, wrap};
use super::super::draw::{Layer, Painter, palette as p};
use super::super::layout::{FONT, Layout, Rect, chars_fit};
use super::super::playback::{Runs, Scroll, Shown};
use super::super::state::{ViewState, state_at};
use super::{Panel, add_panel, frame, painter};
use crate::Run;
use crate::scenario::{Reach, Scenario};
use crate::sim::{Action, Step};

/// What makes two steps of different runs the same event: the message, the action, the place,
/// and how many times that triple happened before.
type EventKey = (Option<usize>, Action, Reach, usize);

/// Each step's event key, in trace order.
fn event_keys(steps: &[Step]) -> Vec<EventKey> {
    let mut seen: BTreeMap<(Option<usize>, Action, Reach), usize> = BTreeMap::new();
    steps
        .iter()
        .map(|s| {
            let n = seen.entry((s.message, s.action, s.place)).or_insert(0);
            *n += 1;
            (s.message, s.action, s.place, *n - 1)
        })
        .collect()
}

/// Where `other` stands when `shown` is at step `k`: the step of the same event, or of the last
/// event before `k` that both runs have; `true` when the event itself is in `other`.
pub fn stage_of(shown: &Run, k: usize, other: &Run) -> (usize, bool) {
    let mine = event_keys(&shown.trace.steps);
    let theirs: BTreeMap<EventKey, usize> = event_keys(&other.trace.steps)
        .into_iter()
        .enumerate()
        .map(|(i, key)| (key, i))
        .collect();
    let k = k.min(mine.len().saturating_sub(1));
    for j in (0..=k).rev() {
        if let Some(&i) = mine.get(j).and_then(|key| theirs.get(key)) {
            return (i, j == k);
        }
    }
    (0, false)
}

/// The step each lane shows when the run on screen is at step `k`, with whether it is the same
/// event: one entry per run of `runs`, in order.
pub fn lane_steps(runs: &Runs, k: usize) -> Vec<(usize, bool)> {
    let shown = runs.run();
    runs.runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i == runs.current {
                (k, true)
            } else {
                stage_of(shown, k, r)
            }
        })
        .collect()
}

fn draw(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Option<Res<Shown>>,
    runs: Res<Runs>,
    scroll: Res<Scroll>,
) {
    let Some(shown) = shown else {
        return;
    };
    let mut pt = painter(&mut commands, &drawn, &shown);
    let r = frame(
        &mut pt,
        &shown,
        Panel::Lanes,
        "The models side by side, at the same event",
    );
    let k = shown.state.step;
    let stages = lane_steps(&runs, k);
    let n = runs.runs.len().max(1) as f32;
    let size = FONT;
    pt.text(r.x + 8.0, r.y + 34.0, LEGEND, size, p::INK, 10.3);
    let top = r.y + 58.0;
    let lane_h = (r.bottom() - 4.0 - top) / n;
    for (i, (run, &(step, same))) in runs.runs.iter().zip(&stages).enumerate() {
        let lane = Rect::new(r.x + 6.0, top + i as f32 * lane_h, r.w - 12.0, lane_h - 4.0);
        let here = i == runs.current;
        pt.boxed(
            lane,
            if here { p::PANEL } else { p::PAPER },
            p::INK,
            if here { 3.0 } else { 1.0 },
            10.3,
        );
        let st = state_at(run, step);
        let pic = thumbnail(&mut pt, run, &st, (i, lane.inset(4.0)));
        let text = Rect::new(
            pic.right() + 8.0,
            lane.y,
            lane.right() - pic.right() - 8.0,
            lane.h,
        );
        let lines = lane_lines(run, step, (here, same), chars_fit(text.w - 12.0, size));
        let rows = ((lane.h - 6.0) / (size * 1.25)).floor().max(1.0) as usize;
        // Every lane scrolls with Up, Down and the wheel, and says which lines it shows.
        let shown_lines = super::super::text::scrolled(lines, rows, scroll.panel);
        for (j, (line, color)) in shown_lines.iter().enumerate() {
            pt.text(
                text.x + 4.0,
                lane.y + 4.0 + j as f32 * size * 1.25,
                line,
                size,
                *color,
                10.4,
            );
        }
    }
}

/// A lane's picture of where the words were in the clear: the run's index among the models
/// and how many places it shows filled (held the words by this event).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanePicture {
    /// Which run (model) of the lanes.
    pub lane: usize,
    /// How many places and links are drawn filled.
    pub filled: usize,
}

/// What the lanes' pictures mean, in words (the fill is a shape, not only a colour).
const LEGEND: &str = "Pictures: filled = held the words in the clear; hollow = never did";

/// A lane's picture in `room`: the scene's network drawn small, every place that has held the
/// words in the clear by this state filled (a link drawn thick), the others hollow; returns
/// the rectangle it took.
fn thumbnail(pt: &mut Painter, run: &Run, st: &ViewState, (lane, room): (usize, Rect)) -> Rect {
    let l = Layout::new(&run.scenario);
    let net = Rect::new(l.stage.x, l.stage.y, l.stage.w, l.strip.y - l.stage.y);
    let k = (room.w * 0.4 / net.w).min(room.h / net.h);
    let pic = Rect::new(room.x, room.y, net.w * k, net.h * k);
    let at = |(x, y): (f32, f32)| (pic.x + (x - net.x) * k, pic.y + (y - net.y) * k);
    let small = |r: &Rect| {
        let (x, y) = at((r.x, r.y));
        Rect::new(x, y, r.w * k, r.h * k)
    };
    let e = pt.boxed(pic, p::BG, p::MUTED, 1.0, 10.35);
    let filled = st.footprint.len();
    pt.commands.entity(e).insert(LanePicture { lane, filled });
    for (i, path) in l.links.iter().enumerate() {
        let plain = st.footprint.contains_key(&Reach::Wire(i));
        let (color, t) = if plain {
            (p::PLAIN, 4.0)
        } else {
            (p::MUTED, 1.0)
        };
        for w in path.windows(2) {
            pt.line(at(w[0]), at(w[1]), color, t, 10.36);
        }
    }
    let boxes = l.devices.iter().chain(l.servers.iter().map(|b| &b.rect));
    for r in boxes {
        pt.boxed(small(r), p::PAPER, p::INK, 1.0, 10.37);
    }
    for (place, r) in &l.places {
        let r = small(r);
        if st.footprint.contains_key(place) {
            pt.boxed(r, p::PLAIN, p::INK, 1.5, 10.39);
        } else {
            pt.outline(r, p::MUTED, 1.0, 10.39);
        }
    }
    pic
}

/// A lane's lines, wrapped to `cols`: the model, step and event (`here` on screen, else the
/// `same` event or the last shared one), the step's note, where plaintext has been, and the
/// bytes on the wire so far.
fn lane_lines(
    run: &Run,
    step: usize,
    (here, same): (bool, bool),
    cols: usize,
) -> Vec<(String, Color)> {
    let last = run.trace.steps.len().saturating_sub(1);
    let sc = &run.scenario;
    let event = run.trace.steps.get(step).map_or(String::new(), |s| {
        format!("{} at {}", s.action.name(), sc.reach_label(s.place))
    });
    let how = match (here, same) {
        (true, _) => "(on screen)",
        (false, true) => "(same event)",
        (false, false) => "(no such event in this model: its last shared one)",
    };
    let title = format!(
        "{}: step {step}/{last}: {event} {how}",
        run.trace.protection.label()
    );
    let st = state_at(run, step);
    let note = run
        .trace
        .steps
        .get(step)
        .map_or(String::new(), |s| ascii(&s.note));
    let mut lines: Vec<(String, Color)> = wrap(&title, cols)
        .into_iter()
        .map(|l| (l, p::INK))
        .collect();
    lines.extend(wrap(&note, cols).into_iter().map(|l| (l, p::MUTED)));
    lines.extend(
        wrap(&plain_places(sc, &st), cols)
            .into_iter()
            .map(|l| (l, p::PLAIN)),
    );
    lines.push((format!("{} B on the wire so far", st.wire_bytes), p::INK));
    lines
}

/// Where plaintext has been by this state, as a sentence.
fn plain_places(sc: &Scenario, st: &ViewState) -> String {
    let places: Vec<String> = st
        .footprint
        .keys()
        .map(|&place| sc.reach_label(place))
        .collect();
    if places.is_empty() {
        "Plaintext has been nowhere but the sender's keyboard".to_string()
    } else {
        format!(
            "Plaintext has been at {} place{}: {}",
            places.len(),
            if places.len() == 1 { "" } else { "s" },
            places.join(", ")
        )
    }
}

/// The lanes panel.
pub struct LanesPanel;

impl Plugin for LanesPanel {
    fn build(&self, app: &mut App) {
        add_panel(app, Panel::Lanes, draw);
    }
}
