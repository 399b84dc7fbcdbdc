//! The one reading of an observer's `reaches` entry: `a -> b` (a link), `node/part` or `node`.
//! Validation and the designer both read entries through [`ReachText::parse`], so an entry
//! that `plainsight check` accepts is one the designer renames and removes (issue 21: the
//! designer once split on `" -> "` only, and missed `"a->b"`).

/// A `reaches` entry, split into the names it mentions (not yet resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReachText<'a> {
    /// `a -> b` (spaces optional): the link between two nodes.
    Link(&'a str, &'a str),
    /// `node/part`: one part of a server or device.
    Part(&'a str, &'a str),
    /// `node`: a whole server or device.
    Node(&'a str),
}

impl<'a> ReachText<'a> {
    /// Splits an entry; surrounding spaces, and spaces around `->`, are ignored.
    pub fn parse(text: &'a str) -> ReachText<'a> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once("->") {
            ReachText::Link(a.trim(), b.trim())
        } else if let Some((node, part)) = text.split_once('/') {
            ReachText::Part(node, part)
        } else {
            ReachText::Node(text)
        }
    }

    /// The nodes it names (one, or a link's two ends).
    pub fn nodes(self) -> Vec<&'a str> {
        match self {
            ReachText::Link(a, b) => vec![a, b],
            ReachText::Part(n, _) | ReachText::Node(n) => vec![n],
        }
    }

    /// Whether it is the link between `a` and `b`, either way round.
    pub fn is_link(self, a: &str, b: &str) -> bool {
        matches!(self, ReachText::Link(x, y) if (x, y) == (a, b) || (x, y) == (b, a))
    }

    /// The entry with the node `old` called `new`, written the way the shipped scenes write it
    /// (`a -> b`); `None` when it does not name `old`.
    pub fn renamed(self, old: &str, new: &str) -> Option<String> {
        if !self.nodes().contains(&old) {
            return None;
        }
        let r = |x: &'a str| {
            if x == old {
                new.to_string()
            } else {
                x.to_string()
            }
        };
        Some(match self {
            ReachText::Link(a, b) => format!("{} -> {}", r(a), r(b)),
            ReachText::Part(n, p) => format!("{}/{p}", r(n)),
            ReachText::Node(n) => r(n),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ReachText;

    #[test]
    fn links_parse_with_or_without_spaces() {
        assert_eq!(ReachText::parse("a -> b"), ReachText::Link("a", "b"));
        assert_eq!(ReachText::parse(" a->b "), ReachText::Link("a", "b"));
        assert_eq!(
            ReachText::parse("s/database"),
            ReachText::Part("s", "database")
        );
        assert_eq!(ReachText::parse("s"), ReachText::Node("s"));
    }

    #[test]
    fn places_rename_by_node() {
        let renamed = |t, old, new| ReachText::parse(t).renamed(old, new);
        assert_eq!(renamed("a -> srv", "srv", "s2").as_deref(), Some("a -> s2"));
        assert_eq!(renamed("a->srv", "srv", "s2").as_deref(), Some("a -> s2"));
        assert_eq!(
            renamed("srv/database", "srv", "s2").as_deref(),
            Some("s2/database")
        );
        assert_eq!(renamed("srvx/database", "srv", "s2"), None);
        assert_eq!(renamed("srv", "srv", "s2").as_deref(), Some("s2"));
    }
}
