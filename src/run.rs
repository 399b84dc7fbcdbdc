//! One scenario run under one model: the scenario, its trace and the exposure analysis, and for
//! every observer who can touch bytes on their way, the one run in which they act with every
//! power at once.

use rayon::prelude::*;

use crate::exposure::{self, Content, Exposure, IfActing, MessageExposure, MetaField};
use crate::power::PowerId;
use crate::scenario::{ModelChoice, Part, Protection, Reach, Scenario};
use crate::sim::{self, Action, Actor, SimError, Step, Trace};

/// A scenario, simulated and analysed.
#[derive(Debug, Clone)]
pub struct Run {
    /// The scenario.
    pub scenario: Scenario,
    /// The simulation: everyone only looks (roles decide nothing).
    pub trace: Trace,
    /// Who can read what by looking, and (in [`MessageExposure::if_acting`]) by acting.
    pub exposure: Exposure,
    /// Per observer: the run in which they act with every power at once, where acting let
    /// them do anything at all. Only the actor's own exposure is analysed there, until
    /// [`Run::complete_acting`] analyses everyone's (what a picture of the run shows).
    pub acting: Vec<Option<Run>>,
}

impl Run {
    /// Simulates `scenario` under its own model, or under `choice`, analyses the trace, and
    /// runs every observer who can touch bytes on their way once more, acting.
    pub fn new(scenario: Scenario, choice: Option<ModelChoice>) -> Result<Run, SimError> {
        let protection = choice.map_or(scenario.protection, |c| c.apply(scenario.protection));
        Run::with(scenario, protection)
    }

    /// The same, under an explicit protection.
    pub fn with(scenario: Scenario, protection: Protection) -> Result<Run, SimError> {
        let all: Vec<PowerId> = PowerId::all().collect();
        // The scene's own run and each observer's active run are independent of each other:
        // all of them on every core.
        let (own, acting) = rayon::join(
            || {
                sim::simulate(&scenario, protection)
                    .map(|trace| (exposure::analyse(&scenario, &trace), trace))
            },
            || {
                (0..scenario.observers.len())
                    .into_par_iter()
                    .map(|o| act(&scenario, protection, o, &all))
                    .collect::<Result<Vec<_>, _>>()
            },
        );
        let (exposure, trace) = own?;
        let mut run = Run {
            scenario,
            trace,
            exposure,
            acting: acting?,
        };
        for o in 0..run.scenario.observers.len() {
            for m in 0..run.scenario.messages.len() {
                let keys = &run.exposure.observers[o].keys;
                let forgery = crate::forgery::assess(&run.scenario, &run.trace, keys, o, m);
                run.exposure.observers[o].messages[m].could_forge = Some(forgery);
            }
            let verdicts = run.verdicts(o, run.acting[o].as_ref());
            for (m, v) in verdicts.into_iter().enumerate() {
                run.exposure.observers[o].messages[m].if_acting = v;
            }
        }
        Ok(run)
    }

    /// Analyses every observer in every active run (not only the actor): what the viewer and
    /// `trace --acting` show of who else sees what while someone acts.
    pub fn complete_acting(&mut self) {
        for active in self.acting.iter_mut().flatten() {
            active.exposure = exposure::analyse(&active.scenario, &active.trace);
        }
    }

    /// What observer `o` would get of each message using only `powers` (every power is what
    /// [`MessageExposure::if_acting`] holds): for comparing one power with all of them.
    pub fn acting_with(
        &self,
        o: usize,
        powers: &[PowerId],
    ) -> Result<Vec<Option<IfActing>>, SimError> {
        let active = act(&self.scenario, self.trace.protection, o, powers)?;
        Ok(self.verdicts(o, active.as_ref()))
    }

    /// The run in which observer `o` acts, if acting lets them do anything.
    pub fn acting_run(&self, o: usize) -> Option<&Run> {
        self.acting.get(o)?.as_ref()
    }

    /// Per message, observer `o`'s verdict by acting in `active`.
    fn verdicts(&self, o: usize, active: Option<&Run>) -> Vec<Option<IfActing>> {
        (0..self.scenario.messages.len())
            .map(|m| {
                let passive = &self.exposure.observers[o].messages[m];
                active.and_then(|a| if_acting(a, o, passive))
            })
            .collect()
    }
}

/// Whether observer `o` reaches any place where bytes in transit could be opened: a server
/// part that handles them, or a wire without TLS or with TLS that could be stripped.
fn can_touch(sc: &Scenario, o: usize) -> bool {
    sc.observers[o].reach.iter().any(|&r| match r {
        Reach::ServerPart(_, part) => {
            matches!(part, Part::TlsFront | Part::AppMemory | Part::KeyDirectory)
        }
        Reach::Wire(l) => !sc.links[l].tls || sc.links[l].opportunistic,
        Reach::DevicePart(..) => false,
    })
}

/// Observer `o`'s verdict on one message in their active run: `None` when nothing they did
/// touched it and acting gives them no forgery.
fn if_acting(active: &Run, o: usize, passive: &MessageExposure) -> Option<IfActing> {
    let m = passive.message;
    let ox = &active.exposure.observers[o];
    let got = &ox.messages[m];
    let deeds: Vec<&Step> = active
        .trace
        .steps
        .iter()
        .filter(|s| s.actor == Some(o) && s.message.is_none_or(|x| x == m))
        .collect();
    let forged = crate::forgery::assess(&active.scenario, &active.trace, &ox.keys, o, m);
    let looked = passive.could_forge.as_ref().is_some_and(|f| f.possible);
    let touched = deeds.iter().any(|s| s.message == Some(m));
    let forges_only_by_acting = forged.possible && !looked;
    if !touched && !forges_only_by_acting {
        return None;
    }
    let mut powers: Vec<PowerId> = Vec::new();
    for p in deeds.iter().filter_map(|s| s.power) {
        if !powers.contains(&p) {
            powers.push(p);
        }
    }
    let mut metadata: Vec<MetaField> = got
        .metadata
        .iter()
        .chain(&passive.metadata)
        .copied()
        .collect();
    metadata.sort();
    metadata.dedup();
    let (content, why) = chain(active, o, passive, &deeds);
    let could_forge = match &passive.could_forge {
        Some(f) if f.possible && !forged.possible => f.clone(),
        _ => forged,
    };
    Some(IfActing {
        content,
        metadata,
        powers,
        could_forge,
        why,
        first_plaintext_step: (content == got.content)
            .then_some(got.first_plaintext_step)
            .flatten(),
    })
}

/// The content by acting and its chain: what they did before they got it, what the honest
/// endpoints did about it, the reading, and what they did after.
fn chain(
    active: &Run,
    o: usize,
    passive: &MessageExposure,
    deeds: &[&Step],
) -> (Content, Vec<String>) {
    let m = passive.message;
    let got = &active.exposure.observers[o].messages[m];
    let first = got.first_plaintext_step;
    let before: Vec<&Step> = deeds
        .iter()
        .copied()
        .filter(|s| first.is_none_or(|f| s.index < f))
        .collect();
    let after: Vec<&Step> = deeds
        .iter()
        .copied()
        .filter(|s| first.is_some_and(|f| s.index > f))
        .collect();
    let mut why = summarise(&before);
    why.extend(active_refusals(active, m));
    why.extend(got.why.iter().cloned());
    why.extend(summarise(&after));
    let mut content = got.content;
    if passive.content.more_than(content) {
        // They can always choose only to look.
        content = passive.content;
        why.push(format!(
            "acting gains nothing: by looking they get {}",
            passive.content.name()
        ));
    }
    (content, why)
}

/// Observer `o`'s run using `powers` wherever the bytes let them; `None` when they reach
/// nothing they could change, or changed nothing.
fn act(
    sc: &Scenario,
    protection: Protection,
    o: usize,
    powers: &[PowerId],
) -> Result<Option<Run>, SimError> {
    if !can_touch(sc, o) {
        return Ok(None);
    }
    let actor = Actor {
        observer: o,
        powers: powers.to_vec(),
    };
    let trace = sim::simulate_acting(sc, protection, &[actor])?;
    if !trace.steps.iter().any(|s| s.actor == Some(o)) {
        return Ok(None);
    }
    let exposure = exposure::analyse_one(sc, &trace, o);
    Ok(Some(Run {
        scenario: sc.clone(),
        trace,
        exposure,
        acting: Vec::new(),
    }))
}

/// One line per kind of deed: the first one's note, and how many more like it followed.
fn summarise(steps: &[&Step]) -> Vec<String> {
    let mut out: Vec<(Action, String, usize)> = Vec::new();
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

/// What the honest endpoints did about the attack in the active run (a device refusing a key
/// that does not match the verified safety number, a recipient rejecting a bad signature).
fn active_refusals(active: &Run, m: usize) -> Vec<String> {
    active
        .trace
        .steps_of(m)
        .filter(|s| s.action == Action::KeyMismatch)
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
