//! One scenario run under one model: the scenario, its trace and the exposure analysis, and for
//! every observer who holds a power, the run in which they act.

use crate::exposure::{self, Exposure, IfActing, MessageExposure};
use crate::power;
use crate::scenario::{ModelChoice, Protection, Scenario};
use crate::sim::{self, SimError, Step, Trace};

/// A scenario, simulated and analysed.
#[derive(Debug, Clone)]
pub struct Run {
    /// The scenario.
    pub scenario: Scenario,
    /// The simulation (observers with the `malicious-server` role act in it; everyone else
    /// only looks).
    pub trace: Trace,
    /// Who can read what by looking, and (in [`MessageExposure::if_acting`]) by acting.
    pub exposure: Exposure,
    /// Per observer: the run in which they use every power they hold, if they hold any.
    pub acting: Vec<Option<Run>>,
}

impl Run {
    /// Simulates `scenario` under its own model, or under `choice`, analyses the trace, and
    /// runs every observer who holds a power once more, acting.
    pub fn new(scenario: Scenario, choice: Option<ModelChoice>) -> Result<Run, SimError> {
        let protection = choice.map_or(scenario.protection, |c| c.apply(scenario.protection));
        Run::with(scenario, protection)
    }

    /// The same, under an explicit protection.
    pub fn with(scenario: Scenario, protection: Protection) -> Result<Run, SimError> {
        let trace = sim::simulate(&scenario, protection)?;
        let mut run = Run::of_trace(scenario, trace);
        run.acting = (0..run.scenario.observers.len())
            .map(|o| run.act(o))
            .collect::<Result<_, _>>()?;
        for o in 0..run.scenario.observers.len() {
            let Some(active) = &run.acting[o] else {
                continue;
            };
            for m in 0..run.scenario.messages.len() {
                let passive = &run.exposure.observers[o].messages[m];
                let verdict = if_acting(&run.scenario, protection, o, passive, active);
                run.exposure.observers[o].messages[m].if_acting = verdict;
            }
        }
        Ok(run)
    }

    fn of_trace(scenario: Scenario, trace: Trace) -> Run {
        let exposure = exposure::analyse(&scenario, &trace);
        Run {
            scenario,
            trace,
            exposure,
            acting: Vec::new(),
        }
    }

    /// The run in which observer `o` acts (with those who act by default), if they hold a power.
    fn act(&self, o: usize) -> Result<Option<Run>, SimError> {
        let sc = &self.scenario;
        let p = self.trace.protection;
        if !power::has_any(sc, p, o) {
            return Ok(None);
        }
        let mut acting = sim::acting_by_default(sc);
        acting.push(o);
        let trace = sim::simulate_acting(sc, p, &acting)?;
        Ok(Some(Run::of_trace(sc.clone(), trace)))
    }

    /// The run in which observer `o` acts, if they hold a power.
    pub fn acting_run(&self, o: usize) -> Option<&Run> {
        self.acting.get(o)?.as_ref()
    }
}

/// Observer `o`'s verdict on one message by acting: `None` without a power over it.
fn if_acting(
    sc: &Scenario,
    p: Protection,
    o: usize,
    passive: &MessageExposure,
    active: &Run,
) -> Option<IfActing> {
    let m = passive.message;
    let grips = power::grips(sc, p, o, m);
    if grips.is_empty() {
        return None;
    }
    let got = &active.exposure.observers[o].messages[m];
    let first = got.first_plaintext_step;
    let deeds = |keep: &dyn Fn(&Step) -> bool| -> Vec<String> {
        let done: Vec<&Step> = active
            .trace
            .steps_of(m)
            .filter(|s| s.actor == Some(o) && keep(s))
            .collect();
        summarise(&done)
    };
    let mut why: Vec<String> = grips.iter().flat_map(|(_, w)| w.iter().cloned()).collect();
    why.extend(deeds(&|s| first.is_none_or(|f| s.index < f)));
    why.extend(active_refusals(active, m));
    why.extend(got.why.iter().cloned());
    why.extend(deeds(&|s| first.is_some_and(|f| s.index > f)));
    let mut content = got.content;
    if passive.content.more_than(content) {
        // They can always choose only to look.
        content = passive.content;
        why.push(format!(
            "acting gains nothing: by looking they get {}",
            passive.content.name()
        ));
    }
    Some(IfActing {
        content,
        powers: grips.into_iter().map(|(id, _)| id).collect(),
        why,
        first_plaintext_step: if content == got.content { first } else { None },
    })
}

/// One line per kind of deed: the first one's note, and how many more like it followed.
fn summarise(steps: &[&Step]) -> Vec<String> {
    let mut out: Vec<(sim::Action, String, usize)> = Vec::new();
    for s in steps {
        match out.iter_mut().find(|(a, _, _)| *a == s.action) {
            Some((_, _, more)) => *more += 1,
            None => out.push((s.action, s.note.clone(), 0)),
        }
    }
    out.into_iter()
        .map(|(_, note, more)| match more {
            0 => note,
            n => format!("{note} (and {n} more like it)"),
        })
        .collect()
}

/// What the honest endpoints did about the attack in the active run (a sender refusing a key
/// that does not match the verified safety number).
fn active_refusals(active: &Run, m: usize) -> Vec<String> {
    active
        .trace
        .steps_of(m)
        .filter(|s| s.action == sim::Action::KeyMismatch)
        .map(|s| s.note.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::exposure::Content;

    #[test]
    fn content_order_says_plaintext_is_most() {
        assert!(Content::Plaintext.more_than(Content::Ciphertext));
        assert!(Content::Ciphertext.more_than(Content::None));
        assert!(!Content::None.more_than(Content::None));
    }
}
