//! Lists inside sentences. A step of a 1,000-device group must still read as one sentence on a
//! projector, so a long list names its first few items and counts the rest; lists up to
//! [`SPELL_OUT`] items (every shipped classroom scene) are written whole.

/// Lists of at most this many items are spelled out whole.
pub const SPELL_OUT: usize = 12;

/// How many items a longer list names before it counts the rest.
pub const NAMED: usize = 3;

/// "a", "a and b", "a, b and c"; past [`SPELL_OUT`] items, "a, b, c and 996 more {noun}".
pub fn and_list<S: AsRef<str>>(items: &[S], noun: &str) -> String {
    let names: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    if names.len() > SPELL_OUT {
        let rest = names.len() - NAMED;
        return format!("{} and {rest} more {noun}", names[..NAMED].join(", "));
    }
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "a, b, c" (commas only, as before a possessive); past [`SPELL_OUT`] items, "a, b, c and 996
/// more {noun}".
pub fn comma_list<S: AsRef<str>>(items: &[S], noun: &str) -> String {
    if items.len() > SPELL_OUT {
        return and_list(items, noun);
    }
    joined(items, ", ", noun)
}

/// The items joined by `sep`; past [`SPELL_OUT`] items, the first few and "(and 996 more
/// {noun})".
pub fn joined<S: AsRef<str>>(items: &[S], sep: &str, noun: &str) -> String {
    let names: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    if names.len() > SPELL_OUT {
        let rest = names.len() - NAMED;
        return format!("{}{sep}(and {rest} more {noun})", names[..NAMED].join(sep));
    }
    names.join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lists_are_whole_and_long_ones_counted() {
        assert_eq!(and_list(&["a"], "x"), "a");
        assert_eq!(and_list(&["a", "b", "c"], "x"), "a, b and c");
        let many: Vec<String> = (0..1000).map(|i| format!("d{i}")).collect();
        assert_eq!(
            and_list(&many, "devices"),
            "d0, d1, d2 and 997 more devices"
        );
        assert_eq!(
            joined(&many[..SPELL_OUT], ", ", "keys")
                .matches(", ")
                .count(),
            11
        );
        assert_eq!(comma_list(&["a", "b"], "x"), "a, b");
        assert_eq!(comma_list(&many, "keys"), "d0, d1, d2 and 997 more keys");
        assert_eq!(
            joined(&many, " + ", "layers"),
            "d0 + d1 + d2 + (and 997 more layers)"
        );
    }
}
