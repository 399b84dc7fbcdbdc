//! Observers: a chip each in the strip under the network. When one reaches the current step's
//! place (an admin querying the database, a thief's copy, a tap on a link), a dashed line runs
//! from their chip to the place and their chip says what they got: the words, or hex. The
//! chip of the observer being viewed as is framed.

use bevy::prelude::*;

use super::draw::{Layer, Painter, clear, palette as p};
use super::icons::{self, Icon, Icons};
use super::layout::{Rect, chars_fit, fit};
use super::playback::{Runs, Shown, ViewOptions};
use super::state::Look;

/// An observer's chip.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObserverChip(pub usize);

/// A line showing an observer's reach at this step.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReachLine(pub usize);

fn draw_observers(
    mut commands: Commands,
    drawn: Query<(Entity, &Layer)>,
    shown: Res<Shown>,
    runs: Res<Runs>,
    options: Res<ViewOptions>,
    icons: Option<Res<Icons>>,
) {
    clear(&mut commands, &drawn, Layer::Observers);
    let icons = icons.as_deref();
    let sc = &runs.run().scenario;
    let l = &shown.layout;
    let f = l.chip_font;
    let mut pt = Painter {
        commands: &mut commands,
        fit: shown.fit,
        layer: Layer::Observers,
    };
    pt.rect(l.strip, p::PANEL, 0.2);
    for (o, r) in l.observers.iter().enumerate() {
        let Some(observer) = sc.observers.get(o) else {
            continue;
        };
        let sighting = shown.state.sightings.iter().find(|s| s.observer == o);
        let viewing = options.observer == Some(o);
        let others_dim = options.observer.is_some() && !viewing;
        let (fill, border, t) = match (sighting, viewing) {
            (_, true) => (p::PAPER, p::INK, 4.0),
            (Some(_), false) => (p::PAPER, p::REACH, 3.0),
            (None, false) => (if others_dim { p::DIM } else { p::PAPER }, p::MUTED, 1.5),
        };
        let e = pt.boxed(*r, fill, border, t, 3.0);
        pt.commands.entity(e).insert(ObserverChip(o));
        let ink = if others_dim && sighting.is_none() {
            p::DIM_INK
        } else {
            p::INK
        };
        // The role's picture on the left, as tall as the chip's two lines.
        let icon = icon_rect(*r);
        icons::draw(&mut pt, icons, Icon::of_observer(sc, o), icon, ink, 3.1);
        let tx = icon.right() + 6.0;
        let n = chars_fit(r.right() - tx - 5.0, f);
        let mark = acting_mark(&runs, o);
        let tag = mark.map(|_| {
            if runs.acting == Some(o) {
                "ACTING"
            } else {
                "! acts"
            }
        });
        let tag_w = tag.map_or(0.0, |t| f * 0.62 * t.len() as f32 + 8.0);
        let name_n = chars_fit(r.right() - tx - 9.0 - tag_w, f);
        pt.text(tx, r.y + 3.0, &fit(&observer.name, name_n), f, ink, 3.1);
        let (line, color) = match sighting.map(|s| &s.look) {
            Some(Look::Words(w)) => (format!("reads \"{w}\""), p::PLAIN),
            Some(Look::Sealed { hex, .. }) => (format!("sees {hex}"), p::SEALED),
            Some(Look::Keys(k)) => (format!("keys: {k}"), p::KEYS),
            Some(Look::Metadata) => ("metadata only".to_string(), p::MUTED),
            None if mark.is_some() => (mark.unwrap_or_default().to_string(), p::INK),
            None => (observer.role.name().to_string(), p::MUTED),
        };
        if let Some(tag) = tag {
            // A shape, not only a colour: a black-framed tag in the chip's corner.
            let b = Rect::new(r.x + r.w - tag_w - 3.0, r.y + 3.0, tag_w, f * 1.05);
            pt.boxed(b, p::HIGHLIGHT, p::INK, 2.0, 3.2);
            pt.text(b.x + 4.0, b.y + 1.0, tag, f * 0.85, p::INK, 3.3);
        }
        let color = if others_dim && sighting.is_none() {
            p::DIM_INK
        } else {
            color
        };
        pt.text(
            tx,
            r.y + 3.0 + f * 1.15,
            &fit(&line, n),
            f * 0.9,
            color,
            3.1,
        );
        if let Some(s) = sighting {
            let to = l.place_point(s.place);
            let from = (r.center().0, r.y);
            let e = pt.line(from, to, p::REACH, 2.5, 3.5);
            pt.commands.entity(e).insert(ReachLine(o));
        }
    }
}

/// Where an observer chip's picture goes: on its left, as tall as its two lines.
pub fn icon_rect(chip: Rect) -> Rect {
    let size = (chip.h - 8.0).min(44.0);
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
                .run_if(resource_exists_and_changed::<Shown>)
                .in_set(super::ViewerSet::Draw),
        );
    }
}
