//! One scenario run under one model: the scenario, its trace and the exposure analysis, and for
//! every observer who holds a power, the run in which they act.

use crate::exposure::{self, Exposure, IfActing, MessageExposure};
use crate::power::{self, PowerId};
use crate::scenario::{ModelChoice, Protection, Scenario};
use crate::sim::{self, Actor, SimError, Step, Trace};

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
    /// Per observer: for each power they hold, the run in which they use it (an attacker picks
    /// the power that works: swapping keys the sender verifies only gets them caught).
    pub acting: Vec<Vec<(PowerId, Run)>>,
}

impl Run {
    /// Simulates `scenario` under its own model, or under `choice`, analyses the trace, and
    /// runs every observer who holds a power once more per power, acting.
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
            for m in 0..run.scenario.messages.len() {
                let ox = &run.exposure.observers[o];
                let forgery = crate::forgery::assess(&run.scenario, &run.trace, &ox.keys, o, m);
                run.exposure.observers[o].messages[m].could_forge = Some(forgery);
                let passive = &run.exposure.observers[o].messages[m];
                let verdict = if_acting(&run.scenario, protection, o, passive, &run.acting[o]);
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

    /// One run per power observer `o` holds, in which they use it (with those who act by
    /// default).
    fn act(&self, o: usize) -> Result<Vec<(PowerId, Run)>, SimError> {
        let sc = &self.scenario;
        let p = self.trace.protection;
        let held: Vec<PowerId> = PowerId::all()
            .filter(|&id| {
                (0..sc.messages.len())
                    .any(|m| power::grips(sc, p, o, m).iter().any(|(g, _)| *g == id))
            })
            .collect();
        held.into_iter()
            .map(|id| {
                let mut acting = sim::acting_by_default(sc);
                acting.push(Actor {
                    observer: o,
                    powers: vec![id],
                });
                let trace = sim::simulate_acting(sc, p, &acting)?;
                Ok((id, Run::of_trace(sc.clone(), trace)))
            })
            .collect()
    }

    /// The run in which observer `o` acts to most effect (the most messages read), if they
    /// hold a power.
    pub fn acting_run(&self, o: usize) -> Option<&Run> {
        let runs = self.acting.get(o)?;
        let read = |r: &Run| r.exposure.observers[o].plaintext_count();
        runs.iter()
            .map(|(_, r)| r)
            .fold(None, |best: Option<&Run>, r| match best {
                Some(b) if read(b) >= read(r) => Some(b),
                _ => Some(r),
            })
    }
}

/// Observer `o`'s verdict on one message by acting: `None` without a power over it. Of the
/// runs for the powers they hold over it, the one that gives them the most.
fn if_acting(
    sc: &Scenario,
    p: Protection,
    o: usize,
    passive: &MessageExposure,
    runs: &[(PowerId, Run)],
) -> Option<IfActing> {
    let m = passive.message;
    let grips = power::grips(sc, p, o, m);
    let (used, active) = runs
        .iter()
        .filter(|(id, _)| grips.iter().any(|(g, _)| g == id))
        .fold(None, |best: Option<&(PowerId, Run)>, cand| match best {
            Some(b) if !content_of(&cand.1, o, m).more_than(content_of(&b.1, o, m)) => Some(b),
            _ => Some(cand),
        })?;
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
    let mut why: Vec<String> = grips
        .iter()
        .filter(|(id, _)| id == used)
        .flat_map(|(_, w)| w.iter().cloned())
        .collect();
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
    let mut powers: Vec<PowerId> = vec![*used];
    powers.extend(grips.iter().map(|(id, _)| *id).filter(|id| id != used));
    Some(IfActing {
        content,
        powers,
        why,
        first_plaintext_step: if content == got.content { first } else { None },
    })
}

fn content_of(run: &Run, o: usize, m: usize) -> crate::exposure::Content {
    run.exposure.observers[o].messages[m].content
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
