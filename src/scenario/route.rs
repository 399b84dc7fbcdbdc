//! Routes: how a message gets from the sender's device to each recipient device.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::types::{Link, Node, Route};

/// The shortest chain of links from one device to another, relaying only through servers.
/// Ties go to the link listed first, so routes are stable.
pub(super) fn route(links: &[Link], from: usize, to: usize) -> Option<Route> {
    let (nodes, used) = path(links, Node::Device(from), Node::Device(to))?;
    Some(Route {
        device: to,
        nodes,
        links: used,
    })
}

/// The shortest chain of links from one node to another, relaying only through servers: the
/// nodes in order and the links between them. Ties go to the link listed first.
pub(super) fn path(links: &[Link], start: Node, goal: Node) -> Option<(Vec<Node>, Vec<usize>)> {
    let mut came_from: BTreeMap<Node, (Node, usize)> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = BTreeSet::from([start]);
    while let Some(at) = queue.pop_front() {
        if at == goal {
            break;
        }
        // Devices do not relay for others.
        if at != start && matches!(at, Node::Device(_)) {
            continue;
        }
        for (i, l) in links.iter().enumerate() {
            let next = if l.from == at {
                l.to
            } else if l.to == at {
                l.from
            } else {
                continue;
            };
            if seen.insert(next) {
                came_from.insert(next, (at, i));
                queue.push_back(next);
            }
        }
    }
    let mut nodes = vec![goal];
    let mut used = Vec::new();
    let mut at = goal;
    while at != start {
        let &(prev, link) = came_from.get(&at)?;
        nodes.push(prev);
        used.push(link);
        at = prev;
    }
    nodes.reverse();
    used.reverse();
    Some((nodes, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(from: Node, to: Node) -> Link {
        Link {
            tls: true,
            ..Link::between(from, to)
        }
    }

    #[test]
    fn devices_do_not_relay_and_ties_go_to_the_first_link() {
        let (a, b, c) = (Node::Device(0), Node::Device(1), Node::Device(2));
        let (s, t) = (Node::Server(0), Node::Server(1));
        // a - b - c: b is a device, so a cannot reach c through it.
        assert_eq!(route(&[link(a, b), link(b, c)], 0, 2), None);
        // a - s - c and a - t - c: equal length, the first listed link wins.
        let r = route(&[link(a, s), link(a, t), link(s, c), link(t, c)], 0, 2).expect("a route");
        assert_eq!(r.nodes, vec![a, s, c]);
        assert_eq!(r.links, vec![0, 2]);
        // Links work in both directions.
        let r = route(&[link(s, a), link(c, s)], 0, 2).expect("a route");
        assert_eq!(r.nodes, vec![a, s, c]);
    }
}
