//! Where the what-if panel's link tags go: on the link where there is room, else as near its
//! middle as there is room (then a leader line joins tag and link), never over a box, another
//! link's marker or another tag.

use super::super::routes;
use super::{Layout, Rect};
use crate::scenario::Reach;

type Point = (f32, f32);

/// A what-if tag's size: `TLS off` at 18 px (about 76 px) with thin margins.
pub const TAG_SIZE: (f32, f32) = (80.0, 22.0);

impl Layout {
    /// Where link `link`'s what-if tag (`w` x `h`) goes, and the point of the link it belongs
    /// to: on the link, as near its middle as it can be while covering no box, no other link's
    /// marker and no tag in `placed`; else the clear spot nearest the middle, off the link (up
    /// to two tags' width and five heights away); else on the middle (a link too crowded).
    pub fn tag_rect(&self, link: usize, (w, h): (f32, f32), placed: &[Rect]) -> (Rect, Point) {
        let at = |(x, y): Point| Rect::new(x - w / 2.0, y - h / 2.0, w, h);
        let Some(path) = self.links.get(link) else {
            let mid = self.place_point(Reach::Wire(link));
            return (at(mid), mid);
        };
        let mid = routes::along(path, 0.5);
        let on_link = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].map(|t| routes::along(path, t));
        // On the link clear of the cards' band and the `plain` badges where there is room
        // (issue 20: a tag over the key card); else near it, clear of the badges; in a
        // crowded scene, clear of boxes, markers and tags at least.
        let spot = [(true, true), (true, false), (false, false)]
            .into_iter()
            .find_map(|(badges, cards)| {
                let mut blockers = self.tag_blockers(link, placed, badges);
                // Its own link's marker too, while there is room (the school year's short
                // links had `T` peeking out from under each tag).
                if badges {
                    blockers.extend([self.marker_rect(link, true), self.marker_rect(link, false)]);
                }
                blockers.extend(cards.then_some(self.air));
                let clear = |c: Point| {
                    let r = at(c);
                    self.stage.contains(&r) && !blockers.iter().any(|o| r.overlaps(o))
                };
                // Off the cards' band, a tag stays within a short leader of its link.
                let close = |c: &Point| !cards || (c.0 - mid.0).hypot(c.1 - mid.1) < 120.0;
                let off_link = near(mid, (w, h), &blockers).into_iter().filter(close);
                on_link.into_iter().chain(off_link).find(|&c| clear(c))
            });
        (at(spot.unwrap_or(mid)), mid)
    }

    /// What a tag must not cover: every box, every other link's marker (either size), with
    /// `with_badges` every link's `plain` badge (where it would be with TLS on or off: issue
    /// 20 saw `TLS off` cover one), and the tags placed before it.
    fn tag_blockers(&self, link: usize, placed: &[Rect], with_badges: bool) -> Vec<Rect> {
        let boxes = self
            .solid_rects()
            .into_iter()
            .filter(|(what, _)| what.is_box())
            .map(|(_, r)| r);
        // A crowd's many links share one drawn line and marker: once.
        let markers = (0..self.link_markers.len())
            .filter(|&j| j != link && self.same_as[j].is_none())
            .flat_map(|j| [self.marker_rect(j, true), self.marker_rect(j, false)]);
        let badges = (0..self.links.len())
            .filter(|&j| with_badges && self.same_as[j].is_none())
            .flat_map(|j| [self.link_badge(j, true), self.link_badge(j, false)]);
        boxes
            .chain(markers)
            .chain(badges)
            .chain(placed.iter().copied())
            .collect()
    }
}

/// Spots off the link near `mid`, nearest first: a grid of quarter tags, and the spots that
/// just clear each blocker's edges (so a gap exactly one tag high is found).
fn near(mid: Point, (w, h): (f32, f32), blockers: &[Rect]) -> Vec<Point> {
    let xs = axis(mid.0, w, 8, blockers.iter().map(|o| (o.x, o.right())));
    let ys = axis(mid.1, h, 20, blockers.iter().map(|o| (o.y, o.bottom())));
    let mut spots: Vec<Point> = xs
        .iter()
        .flat_map(|&x| ys.iter().map(move |&y| (x, y)))
        .collect();
    let from_mid = |p: &Point| (p.0 - mid.0).powi(2) + (p.1 - mid.1).powi(2);
    spots.sort_by(|a, b| from_mid(a).total_cmp(&from_mid(b)));
    spots
}

/// Candidate centres on one axis for a tag `size` long: `steps` quarter-tags either side of
/// `mid`, and just beyond each blocker's two edges (`edges`), within `steps / 4` tags of `mid`.
fn axis(mid: f32, size: f32, steps: i32, edges: impl Iterator<Item = (f32, f32)>) -> Vec<f32> {
    let reach = steps as f32 * 0.25 * size;
    (-steps..=steps)
        .map(|i| mid + i as f32 * 0.25 * size)
        .chain(edges.flat_map(|(lo, hi)| [lo - size / 2.0 - 1.0, hi + size / 2.0 + 1.0]))
        .filter(|c| (c - mid).abs() <= reach)
        .collect()
}
