//! Observers: a chip each in the strip under the network. When one reaches the current step's
//! place (an admin querying the database, a thief's copy, a tap on a link), a dashed line runs
//! from their chip to the place and their chip says what they got: the words, or hex. The
//! chip of the observer being viewed as is framed.

use bevy::prelude::*;

use crate::scenario::{DevicePart, Observer, Reach, Scenario};
use crate::viewer::draw::{Layer, Painter, clear, palette as p};
use crate::viewer::exercise::{ExerciseMode, predicting};
use crate::viewer::icons::{self, Icon, Icons};
use crate::viewer::layout::{Layout, Rect, chars_fit};
use crate::viewer::panel::Panel;
use crate::viewer::playback::{Runs, Shown, ViewOptions};
use crate::viewer::routes::{self, Point};
use crate::viewer::state::{Look, Sighting};

/// An observer's chip.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObserverChip(pub usize);

/// A line showing an observer's reach at this step.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReachLine(pub usize);

/// What every chip reads: the scenario, its layout and state, the runs, the pictures, who is
/// viewed as, and whether the class is predicting (then no chip or line may give the answer
/// away).
struct Strip<'a> {
    sc: &'a Scenario,
    shown: &'a Shown,
    runs: &'a Runs,
    icons: Option<&'a Icons>,
    viewing: Option<usize>,
    hide: bool,
}

/// Where observer `o` is seen at this step: `current` at this step's place, or else `kept` at
/// places that still hold the bytes (still lit), and the one sighting its chip tells of.
struct Seen<'a> {
    current: Option<&'a Sighting>,
    kept: Vec<&'a Sighting>,
    sighting: Option<&'a Sighting>,
}

fn draw_observers(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
    icons: Option<Res<Icons>>,
    (exercise, panel): (Option<Res<ExerciseMode>>, Option<Res<State<Panel>>>),
) {
    clear(&mut commands, &drawn, Layer::Observers);
    let strip = Strip {
        sc: &runs.run().scenario,
        shown: &shown,
        runs: &runs,
        icons: icons.as_deref(),
        viewing: options.observer,
        hide: predicting(exercise.as_deref(), panel.as_deref()),
    };
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Observers,
    };
    pt.rect(shown.layout.strip, p::PANEL, 0.2);
    for (o, r) in shown.layout.observers.iter().enumerate() {
        let Some(observer) = strip.sc.observers.get(o) else {
            continue;
        };
        draw_chip(&mut pt, &strip, o, *r, observer);
    }
}

impl<'a> Strip<'a> {
    /// Where observer `o` is seen at this step (nowhere while the class predicts).
    fn seen(&self, o: usize) -> Seen<'a> {
        let state = &self.shown.state;
        let current = state
            .sightings
            .iter()
            .find(|s| s.observer == o && !self.hide);
        // Not at this step's place, but at a place that still holds the bytes: still lit.
        let kept: Vec<&Sighting> = state
            .lingering
            .iter()
            .filter(|s| s.observer == o && current.is_none() && !self.hide)
            .collect();
        let sighting = current.or_else(|| {
            kept.iter()
                .find(|s| s.look.is_words())
                .or(kept.first())
                .copied()
        });
        Seen {
            current,
            kept,
            sighting,
        }
    }
}

/// Observer `o`'s chip in `r`: frame, picture, name, acting tag, what they got, reach lines.
fn draw_chip(pt: &mut Painter, strip: &Strip, o: usize, r: Rect, observer: &Observer) {
    let f = strip.shown.layout.chip_font;
    let seen = strip.seen(o);
    let viewing = strip.viewing == Some(o);
    let others_dim = strip.viewing.is_some() && !viewing;
    let (fill, border, t) = match (seen.sighting, viewing) {
        (_, true) => (p::PAPER, p::INK, 4.0),
        (Some(_), false) if seen.current.is_some() => (p::PAPER, p::REACH, 3.0),
        (Some(_), false) => (p::PAPER, p::REACH, 2.0),
        (None, false) => (if others_dim { p::DIM } else { p::PAPER }, p::MUTED, 1.5),
    };
    let e = pt.boxed(r, fill, border, t, 3.0);
    pt.commands.entity(e).insert(ObserverChip(o));
    let dim = others_dim && seen.sighting.is_none();
    let ink = if dim { p::DIM_INK } else { p::INK };
    // The role's picture on the left, as tall as the chip's two lines.
    let icon = icon_rect(r);
    icons::draw(
        pt,
        strip.icons,
        Icon::of_observer(strip.sc, o),
        icon,
        ink,
        3.1,
    );
    let tx = icon.right() + 6.0;
    let (mark, tag_w) = chip_heading(pt, strip, o, (r, tx), observer.short_name(), ink);
    let n = chars_fit(r.right() - tx - 8.0 - tag_w, f);
    let (lines, color) = chip_line(observer, &seen, mark);
    let color = if dim { p::DIM_INK } else { color };
    // The most detailed of the whole sentences that fits; only if none does, the rule cuts.
    let line = lines
        .iter()
        .find(|l| l.chars().count() <= n)
        .or(lines.last())
        .cloned()
        .unwrap_or_default();
    pt.fitted((tx, r.y + 3.0 + f * 1.15), &line, n, f, color, 3.1);
    draw_reach_lines(pt, &strip.shown.layout, o, &seen);
}

/// A chip's first line from `tx`: the observer's name (its short form), the whole width. Where
/// acting would give them more, a tag sits at the right of the second line. Returns the words
/// of their acting mark (none while the class predicts) and the tag's width.
fn chip_heading(
    pt: &mut Painter,
    strip: &Strip,
    o: usize,
    (r, tx): (Rect, f32),
    name: &str,
    ink: Color,
) -> (Option<&'static str>, f32) {
    let f = strip.shown.layout.chip_font;
    let mark = if strip.hide {
        None
    } else {
        acting_mark(strip.runs, o)
    };
    let tag = mark.map(|_| {
        if strip.runs.acting == Some(o) {
            "ACTING"
        } else {
            "! acts"
        }
    });
    let tag_w = tag.map_or(0.0, |t| f * 0.62 * t.len() as f32 + 8.0);
    let name_n = chars_fit(r.right() - tx - 9.0, f);
    pt.fitted((tx, r.y + 3.0), name, name_n, f, ink, 3.1);
    if let Some(tag) = tag {
        // A shape, not only a colour: a black-framed tag at the second line's end.
        let b = Rect::new(
            r.x + r.w - tag_w - 3.0,
            r.y + 3.0 + f * 1.15,
            tag_w,
            f * 1.05,
        );
        pt.boxed(b, p::HIGHLIGHT, p::INK, 2.0, 3.2);
        pt.text(b.x + 4.0, b.y + 1.0, tag, f, p::INK, 3.3);
    }
    (mark, tag_w)
}

/// A chip's second line, what the observer got, as whole sentences from the most detailed to
/// the shortest (the chip draws the first that fits), and its colour. A place still holding
/// the bytes is kept longest: `reads "the words" (still in database)`, then
/// `reads the words (still in database)`, `reads it (still in database)`, `reads it (in
/// database)`, then `reads the words`.
fn chip_line(observer: &Observer, seen: &Seen, mark: Option<&str>) -> (Vec<String>, Color) {
    let at = match (seen.current, seen.sighting) {
        (None, Some(s)) => format!(" (still in {})", place_word(s.place)),
        _ => String::new(),
    };
    let place = match (seen.current, seen.sighting) {
        (None, Some(s)) => Some(place_word(s.place)),
        _ => None,
    };
    // Still held somewhere: the place is kept as long as any sentence with it fits.
    let with_at = |long: String, short: &str, tiny: &str| {
        let mut v = vec![format!("{long}{at}"), format!("{short}{at}")];
        if let Some(place) = place {
            v.extend([
                format!("{tiny}{at}"),
                format!("{tiny} (in {place})"),
                long,
                short.to_string(),
            ]);
        }
        v
    };
    match seen.sighting.map(|s| &s.look) {
        Some(Look::Words(w)) => (
            with_at(format!("reads \"{w}\""), "reads the words", "reads it"),
            p::PLAIN,
        ),
        Some(Look::Sealed { hex, .. }) => (
            with_at(format!("sees {hex}"), "sees ciphertext", "sealed"),
            p::SEALED,
        ),
        Some(Look::Keys { said, short }) => (
            vec![
                format!("gets {said}"),
                format!("gets {short}"),
                "gets keys".to_string(),
            ],
            p::KEYS,
        ),
        Some(Look::Code(c)) => (
            vec![format!("gets the code: {c}"), "gets the code".to_string()],
            p::KEYS,
        ),
        Some(Look::Metadata) => (vec!["metadata only".to_string()], p::MUTED),
        None if mark.is_some() => (
            vec![
                mark.unwrap_or_default().to_string(),
                "could act (A)".to_string(),
            ],
            p::INK,
        ),
        None => (vec![observer.role.name().to_string()], p::MUTED),
    }
}

/// Lines around boxes and chips, never through them: solid to this step's place, dashed to
/// the places that still hold the bytes.
fn draw_reach_lines(pt: &mut Painter, l: &Layout, o: usize, seen: &Seen) {
    let lines: Vec<(&Sighting, bool)> = match seen.current {
        Some(s) => vec![(s, true)],
        None => seen.kept.iter().map(|s| (*s, false)).collect(),
    };
    for (s, now) in lines {
        let path = reach_line(l, o, s.place);
        for w in path.windows(2) {
            if now {
                let e = pt.line(w[0], w[1], p::REACH, REACH_T + 1.0, 3.5);
                pt.commands.entity(e).insert(ReachLine(o));
            } else {
                pt.dashed(w[0], w[1], p::REACH, REACH_T, 3.5);
            }
        }
    }
}

/// A reach line's thickness in virtual pixels: 3 for a place that still holds the bytes, 4 to
/// this step's place, so neither vanishes on a projector.
pub const REACH_T: f32 = 3.0;

/// A short name for a place on a chip: `database`, `memory`, `wire`.
fn place_word(place: Reach) -> &'static str {
    match place {
        Reach::ServerPart(_, part) => crate::viewer::layout::part_label(part),
        Reach::DevicePart(_, DevicePart::Memory) => "memory",
        Reach::DevicePart(_, DevicePart::Keystore) => "keys",
        Reach::Wire(_) => "wire",
    }
}

/// The reach line from observer `o`'s chip to `place`, around every other box and chip.
pub fn reach_line(l: &Layout, o: usize, place: Reach) -> Vec<Point> {
    let Some(&chip) = l.observers.get(o) else {
        return Vec::new();
    };
    let node = match place {
        Reach::ServerPart(s, _) => l.servers.get(s).map(|b| b.rect),
        Reach::DevicePart(d, _) => l.devices.get(d).copied(),
        Reach::Wire(_) => None,
    };
    let target = l.places.get(&place).copied().unwrap_or_else(|| {
        let (x, y) = l.place_point(place);
        Rect::new(x, y, 0.0, 0.0)
    });
    let others: Vec<Rect> = l
        .devices
        .iter()
        .chain(l.servers.iter().map(|b| &b.rect))
        .chain(l.observers.iter())
        .filter(|r| Some(**r) != node && **r != chip)
        .copied()
        .collect();
    let Reach::Wire(link) = place else {
        return crate::viewer::routes::reach_path(chip, l.strip.y, target, node, &others);
    };
    // To a link: at its middle, or where the line crosses less, never through the link's own
    // `plain` badge (issue 20: a reach line over the badge in the email scene).
    let mut avoid = others.clone();
    avoid.extend([l.link_badge(link, true), l.link_badge(link, false)]);
    let path_to = |t: f32| {
        let p = l
            .links
            .get(link)
            .map_or(target.center(), |p| routes::along(p, t));
        let to = Rect::new(p.0, p.1, 0.0, 0.0);
        crate::viewer::routes::reach_path(chip, l.strip.y, to, None, &others)
    };
    [0.5, 0.4, 0.6, 0.3, 0.7]
        .into_iter()
        .map(path_to)
        .min_by_key(|path| routes::crossings(path, &avoid))
        .unwrap_or_default()
}

/// Where an observer chip's picture goes: on its left, as tall as its two lines.
pub fn icon_rect(chip: Rect) -> Rect {
    let size = (chip.h - 10.0).min(34.0);
    Rect::new(chip.x + 5.0, chip.y + (chip.h - size) / 2.0, size, size)
}

/// The words of an observer's "could read by acting" mark: `None` when acting would give them
/// nothing more than looking (in the honest run of the model shown).
pub fn acting_mark(runs: &Runs, o: usize) -> Option<&'static str> {
    if runs.acting == Some(o) {
        return Some("acting: uses its powers");
    }
    let ox = runs.honest().exposure.observers.get(o)?;
    let gains = ox.messages.iter().any(|m| {
        m.if_acting
            .as_ref()
            .is_some_and(|a| a.content.more_than(m.content))
    });
    gains.then_some("could read by acting (A)")
}

/// The observer plugin.
pub struct ObserverPlugin;

impl Plugin for ObserverPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            draw_observers
                .run_if(resource_exists::<Shown>)
                .run_if(
                    resource_exists_and_changed::<Shown>
                        .or_else(resource_exists_and_changed::<ExerciseMode>)
                        .or_else(state_changed::<Panel>),
                )
                .in_set(crate::viewer::ViewerSet::Draw),
        );
    }
}
