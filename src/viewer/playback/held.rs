//! What is still where: once a message moves on, the places that keep bytes (a database row, a
//! backup, a device's memory) still hold them, and whoever reaches those places can still read
//! them there. A pure function of the trace and the core's readings, so the observers who
//! reach a place that still holds the words stay lit after the token has gone.
//!
//! The rule: a wire, a TLS front and a server's application memory hand bytes on (they hold
//! them only at their own step); every other place keeps what a message's last step there put
//! in it.

use std::collections::BTreeMap;

use crate::Run;
use crate::scenario::{Part, Reach};
use crate::viewer::state::{Look, Sighting, sighting_look};

/// Whether a place keeps a message's bytes after its step (see the module's rule).
pub fn keeps(place: Reach) -> bool {
    !matches!(
        place,
        Reach::Wire(_) | Reach::ServerPart(_, Part::TlsFront | Part::AppMemory)
    )
}

/// What the places that keep bytes hold at step `k`: for each place and message, the latest
/// step up to `k` that put that message's bytes there.
pub fn still_held(run: &Run, k: usize) -> BTreeMap<(Reach, usize), usize> {
    let mut held = BTreeMap::new();
    for step in run.trace.steps.iter().take(k.saturating_add(1)) {
        if let Some(m) = step.message
            && keeps(step.place)
            && !step.layers.is_empty()
        {
            held.insert((step.place, m), step.index);
        }
    }
    held
}

/// Observers who reach a place that still holds message bytes at step `k` (other than the
/// step's own place, which [`Sighting`]s cover), with what the core says they read there:
/// the words or a sealed layer. One per observer and place, the words first.
pub fn lingering(run: &Run, k: usize) -> Vec<Sighting> {
    let here = run.trace.steps.get(k).map(|s| s.place);
    let mut out: Vec<Sighting> = Vec::new();
    for (&(place, _), &j) in &still_held(run, k) {
        if Some(place) == here {
            continue;
        }
        for o in 0..run.scenario.observers.len() {
            let Some(look) = sighting_look(run, o, j) else {
                continue;
            };
            if !matches!(look, Look::Words(_) | Look::Sealed { .. }) {
                continue;
            }
            match out.iter_mut().find(|s| s.observer == o && s.place == place) {
                Some(s) if !s.look.is_words() && look.is_words() => s.look = look,
                Some(_) => {}
                None => out.push(Sighting {
                    observer: o,
                    place,
                    look,
                }),
            }
        }
    }
    out.sort_by_key(|s| (s.observer, s.place));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::sim::Action;

    fn run_of(name: &str) -> Run {
        let sc = Scenario::shipped(name).expect("shipped");
        Run::new(sc, None).expect("simulates")
    }

    #[test]
    fn the_database_keeps_its_readers_lit_after_the_token_moves_on() {
        // Before: once the token left the database, the admins who read it there went dark.
        let run = run_of("plain-web");
        let store = run
            .trace
            .steps
            .iter()
            .position(|s| s.action == Action::Store)
            .expect("a store step");
        let db = run.trace.steps[store].place;
        let later = store + 2;
        let lit = lingering(&run, later);
        let at_db: Vec<&Sighting> = lit.iter().filter(|s| s.place == db).collect();
        assert!(!at_db.is_empty(), "{lit:?}");
        // Exactly those the core says read the stored row, with what they read there.
        for o in 0..run.scenario.observers.len() {
            let reads = run.exposure.observers[o]
                .reading(store)
                .is_some_and(|r| r.plaintext.is_some());
            let shown = at_db.iter().any(|s| s.observer == o && s.look.is_words());
            assert_eq!(reads, shown, "observer {o}");
        }
        // Nothing lingers before the row is written, and a wire never keeps anything.
        assert!(lingering(&run, store - 1).iter().all(|s| s.place != db));
        for k in 0..run.trace.steps.len() {
            assert!(
                still_held(&run, k)
                    .keys()
                    .all(|(p, _)| !matches!(p, Reach::Wire(_))),
                "step {k}"
            );
        }
    }

    #[test]
    fn e2e_databases_keep_only_ciphertext() {
        let run = run_of("e2e");
        let last = run.trace.steps.len() - 1;
        let at_servers: Vec<_> = lingering(&run, last)
            .into_iter()
            .filter(|s| matches!(s.place, Reach::ServerPart(_, _)))
            .collect();
        // The database keeps rows to the end, so there is something to look at.
        assert!(
            at_servers
                .iter()
                .any(|s| matches!(s.place, Reach::ServerPart(_, Part::Database))),
            "{at_servers:?}"
        );
        for s in &at_servers {
            assert!(!s.look.is_words(), "{s:?}");
        }
    }
}
