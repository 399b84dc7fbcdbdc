//! One scenario run under one model: the scenario, its trace and the exposure analysis.

use crate::exposure::{self, Exposure};
use crate::scenario::{ModelChoice, Scenario};
use crate::sim::{self, SimError, Trace};

/// A scenario, simulated and analysed.
#[derive(Debug, Clone)]
pub struct Run {
    /// The scenario.
    pub scenario: Scenario,
    /// The simulation.
    pub trace: Trace,
    /// Who can read what.
    pub exposure: Exposure,
}

impl Run {
    /// Simulates `scenario` under its own model, or under `choice`, and analyses the trace.
    pub fn new(scenario: Scenario, choice: Option<ModelChoice>) -> Result<Run, SimError> {
        let protection = choice.map_or(scenario.protection, |c| c.apply(scenario.protection));
        let trace = sim::simulate(&scenario, protection)?;
        let exposure = exposure::analyse(&scenario, &trace);
        Ok(Run {
            scenario,
            trace,
            exposure,
        })
    }
}
