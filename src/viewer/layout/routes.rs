//! Where links run: polylines between boxes that pass through no other box, with their ends
//! spread along a server's side so many links into one server do not meet at one point, and one
//! `TLS` / `no TLS` marker per link near its quieter end, away from the hub where links converge.

use crate::scenario::{Link, Node, Scenario};
use crate::viewer::layout::Rect;

/// A point in the virtual canvas.
pub type Point = (f32, f32);

/// Length of a polyline.
pub fn length(path: &[Point]) -> f32 {
    path.windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum()
}

/// The point a fraction `t` (0 to 1) of the way along a polyline.
pub fn along(path: &[Point], t: f32) -> Point {
    let Some(&first) = path.first() else {
        return (0.0, 0.0);
    };
    let total = length(path);
    let mut left = total * t.clamp(0.0, 1.0);
    for w in path.windows(2) {
        let (a, b) = (w[0], w[1]);
        let seg = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if left <= seg && seg > 0.0 {
            let f = left / seg;
            return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
        }
        left -= seg;
    }
    path.last().copied().unwrap_or(first)
}

/// Whether the segment a-b passes through the inside of `r` (shrunk by 1 px, so touching an
/// edge does not count).
pub fn crosses(a: Point, b: Point, r: &Rect) -> bool {
    let r = r.inset(1.0);
    if r.w <= 0.0 || r.h <= 0.0 {
        return false;
    }
    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let n = (len / 2.0).ceil().max(1.0) as usize;
    (0..=n).any(|i| {
        let t = i as f32 / n as f32;
        let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        x > r.x && x < r.right() && y > r.y && y < r.bottom()
    })
}

/// Whether a polyline passes through any of `boxes`.
pub fn path_crosses(path: &[Point], boxes: &[Rect]) -> bool {
    path.windows(2)
        .any(|w| boxes.iter().any(|r| crosses(w[0], w[1], r)))
}

/// A server end moved to the middle of the server's top edge; a device end stays.
fn top_of(node: Node, me: Rect, p: Point) -> Point {
    match node {
        Node::Server(_) => (me.center().0, me.y),
        Node::Device(_) => p,
    }
}

/// Width and height of a link's marker (`TLS` or `no TLS` at 14 px).
pub fn marker_size(tls: bool) -> (f32, f32) {
    let chars = if tls { 3.0 } else { 6.0 };
    (chars * MARKER_FONT * 0.6 + 8.0, MARKER_FONT + 4.0)
}

/// Text size of link markers.
pub const MARKER_FONT: f32 = crate::viewer::layout::MIN_FONT;

/// The rectangles of the markers placed so far (`markers` for the first links, in order).
fn placed_rects(markers: &[Point], sc: &Scenario) -> Vec<Rect> {
    markers
        .iter()
        .zip(&sc.links)
        .map(|(&(x, y), l)| {
            let (w, h) = marker_size(l.tls);
            Rect::new(x - w / 2.0, y - h / 2.0, w, h)
        })
        .collect()
}

/// What the router needs to know about the boxes.
pub struct Boxes<'a> {
    /// Device boxes, by device index.
    pub devices: &'a [Rect],
    /// Server boxes, by server index.
    pub servers: &'a [Rect],
    /// Where a device's links attach: the name row's height.
    pub device_anchor_y: &'a [f32],
    /// A y below every server, where detours run.
    pub below: f32,
    /// The band where tokens fly: markers stay out of it.
    pub air: Rect,
    /// By link: an earlier link whose path and marker it shares (a crowd's links to one
    /// server), else `None`.
    pub same_as: &'a [Option<usize>],
    /// By device: summarised in a crowd (its box is the crowd's).
    pub hidden: &'a [bool],
}

impl Boxes<'_> {
    fn rect(&self, n: Node) -> Rect {
        match n {
            Node::Device(d) => self.devices[d],
            Node::Server(s) => self.servers[s],
        }
    }
    fn others(&self, a: Node, b: Node) -> Vec<Rect> {
        let ends = [self.rect(a), self.rect(b)];
        let mut out = Vec::new();
        // A crowd's box once, and not where it is one of the link's own ends.
        let mut crowds: Vec<Rect> = Vec::new();
        for (d, r) in self.devices.iter().enumerate() {
            if Node::Device(d) == a || Node::Device(d) == b {
                continue;
            }
            if self.hidden[d] {
                if ends.contains(r) || crowds.contains(r) {
                    continue;
                }
                crowds.push(*r);
            }
            out.push(*r);
        }
        for (s, r) in self.servers.iter().enumerate() {
            if Node::Server(s) != a && Node::Server(s) != b {
                out.push(*r);
            }
        }
        out
    }
    /// Where a link leaves `node` (box `me`) toward the box `other`: a device's side facing it,
    /// at the name row; a server's `slot`, else its side facing it, near the top.
    fn end(&self, node: Node, me: Rect, other: Rect, slot: Option<Point>) -> Point {
        let x = if me.center().0 < other.center().0 {
            me.right()
        } else {
            me.x
        };
        match node {
            Node::Device(d) => (x, self.device_anchor_y[d]),
            Node::Server(_) => slot.unwrap_or((x, me.y + 14.0)),
        }
    }
    /// A link's detour under the servers, from `a` to `z`: down from each end, along below.
    fn detour(&self, l: &Link, a: Point, z: Point) -> Vec<Point> {
        let (ra, rb) = (self.rect(l.from), self.rect(l.to));
        let mut path = self.down(l.from, ra, a, rb.center().0);
        let mut back = self.down(l.to, rb, z, ra.center().0);
        back.reverse();
        path.extend(back);
        path
    }
    /// From a link's end `p` on `node` (box `me`) down to the detour's run, leaning `toward`
    /// the other end: from a server's bottom, beside its middle; from a device, straight from
    /// `p`.
    fn down(&self, node: Node, me: Rect, p: Point, toward: f32) -> Vec<Point> {
        match node {
            Node::Server(_) => {
                let x = me.center().0 + if toward > me.center().0 { 20.0 } else { -20.0 };
                vec![(x, me.bottom()), (x, self.below)]
            }
            Node::Device(_) => {
                vec![
                    p,
                    (p.0 + if toward > p.0 { 12.0 } else { -12.0 }, self.below),
                ]
            }
        }
    }
}

/// Routes every link, and places one marker per link.
pub fn route(sc: &Scenario, b: &Boxes) -> (Vec<Vec<Point>>, Vec<Point>) {
    let mut paths: Vec<Vec<Point>> = Vec::with_capacity(sc.links.len());
    for (i, (l, slots)) in sc.links.iter().zip(server_ends(sc, b)).enumerate() {
        let path = match b.same_as[i] {
            Some(j) => paths[j].clone(),
            None => link_path(l, b, slots),
        };
        paths.push(path);
    }
    let markers = place_markers(sc, b, &paths);
    (paths, markers)
}

/// Server ends, by link and end (`from`, `to`): the links entering each side of a server are
/// spread down that side, in the order of the other end's height, so they fan out instead of
/// meeting at one point. Links between servers have none.
fn server_ends(sc: &Scenario, b: &Boxes) -> Vec<[Option<Point>; 2]> {
    let mut ends: Vec<[Option<Point>; 2]> = vec![[None, None]; sc.links.len()];
    for (s, &r) in b.servers.iter().enumerate() {
        for left_side in [true, false] {
            let entering = entering(sc, b, s, left_side);
            let k = entering.len();
            // At most 36 px apart: enough to tell them apart, close to the name row.
            let top = r.y + 14.0;
            let bottom = (r.bottom() - 14.0)
                .min(top + 36.0 * k.saturating_sub(1) as f32)
                .max(top);
            for (j, &(_, i, end)) in entering.iter().enumerate() {
                let y = if k <= 1 {
                    top
                } else {
                    top + (bottom - top) * j as f32 / (k - 1) as f32
                };
                let x = if left_side { r.x } else { r.right() };
                ends[i][end] = Some((x, y));
            }
        }
    }
    ends
}

/// The links entering server `s` on its left side (else its right) from a device, as (the
/// device end's height, link, which end of the link is the server), top down.
fn entering(sc: &Scenario, b: &Boxes, s: usize, left_side: bool) -> Vec<(f32, usize, usize)> {
    let r = b.servers[s];
    let mut entering = Vec::new();
    for (i, l) in sc.links.iter().enumerate() {
        if b.same_as[i].is_some() {
            continue;
        }
        for (end, (me, other)) in [(0, (l.from, l.to)), (1, (l.to, l.from))] {
            let Node::Device(d) = other else { continue };
            let from_left = b.devices[d].center().0 < r.center().0;
            if me == Node::Server(s) && from_left == left_side {
                entering.push((b.device_anchor_y[d], i, end));
            }
        }
    }
    entering.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    entering
}

/// One link's path from its `from` end to its `to` end: straight when that passes through no
/// other box; else, from a device, over the top of its server; else a detour under the servers.
fn link_path(l: &Link, b: &Boxes, slots: [Option<Point>; 2]) -> Vec<Point> {
    let (ra, rb) = (b.rect(l.from), b.rect(l.to));
    let a = b.end(l.from, ra, rb, slots[0]);
    let z = b.end(l.to, rb, ra, slots[1]);
    let others = b.others(l.from, l.to);
    let straight = vec![a, z];
    let both_servers = matches!((l.from, l.to), (Node::Server(_), Node::Server(_)));
    // A link from a device may come in over the top of its server instead of its side.
    let over = vec![top_of(l.from, ra, a), top_of(l.to, rb, z)];
    if !path_crosses(&straight, &others) {
        straight
    } else if !both_servers && !path_crosses(&over, &others) {
        over
    } else {
        b.detour(l, a, z)
    }
}

/// Markers: on the link body near the end with fewer links (a leaf), away from the hub;
/// slid along the link until clear of every box, the tokens' band and earlier markers.
fn place_markers(sc: &Scenario, b: &Boxes, paths: &[Vec<Point>]) -> Vec<Point> {
    let degree = |node: Node| {
        sc.links
            .iter()
            .zip(b.same_as)
            .filter(|(l, same)| same.is_none() && (l.from == node || l.to == node))
            .count()
    };
    let mut solid: Vec<Rect> = b.devices.iter().chain(b.servers).copied().collect();
    solid.push(b.air);
    let mut markers = Vec::with_capacity(paths.len());
    for (i, (l, path)) in sc.links.iter().zip(paths).enumerate() {
        if let Some(j) = b.same_as[i] {
            markers.push(markers[j]);
            continue;
        }
        let candidates = marker_candidates(path, degree(l.from) <= degree(l.to));
        let (w, h) = marker_size(l.tls);
        let placed = placed_rects(&markers, sc);
        let clear = |p: Point| {
            let r = Rect::new(p.0 - w / 2.0, p.1 - h / 2.0, w, h);
            !solid.iter().chain(&placed).any(|o| r.overlaps(o))
        };
        let spot = candidates
            .iter()
            .map(|&t| along(path, t))
            .find(|&p| clear(p))
            .unwrap_or_else(|| along(path, candidates[0]));
        markers.push(spot);
    }
    markers
}

/// Where along `path` (fractions of its length) its marker may go, best first: on a detour's
/// run at the bottom, then a little way from the quieter end (the start if `quiet_start`),
/// then around the middle.
fn marker_candidates(path: &[Point], quiet_start: bool) -> Vec<f32> {
    let len = length(path).max(1.0);
    let mut candidates: Vec<f32> = Vec::new();
    if path.len() > 2 {
        // A detour: along its run at the bottom, a quarter of the way first (the middle
        // is where the travelling dot and the reach lines point).
        let at_bottom = |f: f32| {
            let mid = path.len() / 2;
            let (p, q) = (path[mid - 1], path[mid]);
            let head = length(&path[..mid]);
            let seg = length(&[p, q]);
            (head + seg * f) / len
        };
        candidates.extend([0.25, 0.75, 0.15, 0.85].map(at_bottom));
    }
    let from_quiet = |d: f32| {
        let t = (d / len).min(0.5);
        if quiet_start { t } else { 1.0 - t }
    };
    candidates.extend([34.0, 48.0, 62.0, 80.0, 100.0, 130.0].map(from_quiet));
    candidates.extend([0.5, 0.4, 0.6, 0.3, 0.7]);
    // Crowded (18 px markers near a busy device): anywhere along the link, either end.
    candidates.extend((1..20).map(|k| k as f32 / 20.0));
    candidates
}

/// How many of `boxes` a polyline passes through.
pub fn crossings(path: &[Point], boxes: &[Rect]) -> usize {
    boxes
        .iter()
        .filter(|r| path.windows(2).any(|w| crosses(w[0], w[1], r)))
        .count()
}

/// Where a reach line leaves an observer's chip: from the middle of its top edge, or for a chip
/// under another, by the gap on its left up to just above the strip.
fn leave_chip(chip: Rect, strip_top: f32) -> Vec<Point> {
    if chip.y > strip_top + 8.0 {
        let x = chip.x - 3.0;
        vec![(x, chip.center().1), (x, strip_top - 4.0)]
    } else {
        vec![(chip.center().0, chip.y)]
    }
}

/// The ways from `from` (just above the strip) around `node` to `target`'s edge, the nearer
/// side first: diagonally to a corner under the box, or along the `corridor` above the strip;
/// then up the box's side to the row's height and in.
fn around(node: Rect, target: Rect, from: Point, corridor: f32) -> [Vec<Point>; 4] {
    let cy = target.center().1;
    let left_first = from.0 < node.center().0;
    let ways = |left: bool| {
        let x = if left {
            node.x - 7.0
        } else {
            node.right() + 7.0
        };
        let edge = if left { target.x } else { target.right() };
        [
            vec![(x, node.bottom() + 7.0), (x, cy), (edge, cy)],
            vec![(from.0, corridor), (x, corridor), (x, cy), (edge, cy)],
        ]
    };
    let [a, b] = ways(left_first);
    let [c, d] = ways(!left_first);
    [a, b, c, d]
}

/// An observer's reach line, from their chip in the strip to a place's row inside `node` (its
/// server or device box), drawn around things rather than through them: up the gap beside the
/// chip (past any chips above it), then either diagonally to a corner under the box or along
/// the corridor just above the strip, up the box's side to the row's height, and in to the
/// row's edge. The candidate crossing fewest of `others` (the other boxes and chips) wins, the
/// nearer side and the diagonal first. With no box (a link's wire), to the point itself.
pub fn reach_path(
    chip: Rect,
    strip_top: f32,
    target: Rect,
    node: Option<Rect>,
    others: &[Rect],
) -> Vec<Point> {
    let start = leave_chip(chip, strip_top);
    let from = start.last().copied().unwrap_or(chip.center());
    let corridor = strip_top - 6.0;
    let via = |points: &[Point]| {
        let mut path = start.clone();
        path.extend_from_slice(points);
        path
    };
    let off_canvas = |path: &[Point]| {
        path.iter()
            .any(|&(x, _)| !(0.0..=crate::viewer::layout::VW).contains(&x))
    };
    let Some(node) = node else {
        let p = target.center();
        let candidates = [via(&[p]), via(&[(from.0, corridor), (p.0, corridor), p])];
        return candidates
            .into_iter()
            .min_by_key(|path| crossings(path, others) + usize::from(off_canvas(path)) * 100)
            .expect("two candidates");
    };
    let candidates = around(node, target, from, corridor).map(|points| via(&points));
    // Around the box: the last leg enters the node by design, everything before stays out.
    let cost = |path: &Vec<Point>| {
        let head = &path[..path.len() - 1];
        crossings(path, others) + crossings(head, &[node]) + usize::from(off_canvas(path)) * 100
    };
    // Straight through the box only when going around is worse.
    let straight = via(&[target.center()]);
    let mut best = (crossings(&straight, others) + 1, straight);
    for path in candidates {
        let c = cost(&path);
        if c < best.0 {
            best = (c, path);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn along_walks_a_polyline_by_length() {
        let p = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)];
        assert_eq!(length(&p), 20.0);
        assert_eq!(along(&p, 0.5), (10.0, 0.0));
        assert_eq!(along(&p, 0.75), (10.0, 5.0));
        assert_eq!(along(&p, 1.0), (10.0, 10.0));
        assert!(crosses(
            (0.0, 5.0),
            (20.0, 5.0),
            &Rect::new(5.0, 0.0, 5.0, 10.0)
        ));
        assert!(!crosses(
            (0.0, 15.0),
            (20.0, 15.0),
            &Rect::new(5.0, 0.0, 5.0, 10.0)
        ));
    }
}
