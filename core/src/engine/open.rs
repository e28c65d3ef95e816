//! A scenario held between calls: validated once, then simulated cluster by cluster.
//!
//! A host that runs a fleet over several engine instances (the CLI's workers, each with
//! its own module instance) opens the whole scenario in each instance once and then asks
//! for clusters by index: the scenario crosses the boundary once per instance instead of
//! once per cluster, and it is validated where the model lives. What an open scenario
//! answers for cluster `i` is what `simulateCluster` answers for the one-cluster scenario
//! `api::split` makes of it, byte for byte.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::policy::Policy;
use crate::time::Instant;

use super::scenario::{Prepared, Scenario, ScenarioError};
use super::{ClusterTimeline, RunOptions, simulate_cluster};

/// What a simulation run is about: the scenario's name, seed and span (the head of a
/// timeline document, before its clusters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RunHeader {
    /// The scenario's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The seed.
    pub seed: u64,
    /// Earliest cluster creation.
    pub start: Instant,
    /// End of the simulation.
    pub horizon: Instant,
}

impl RunHeader {
    /// The header of a prepared scenario.
    pub fn of(prepared: &Prepared<'_>) -> RunHeader {
        RunHeader {
            scenario: prepared.scenario().name.clone(),
            seed: prepared.scenario().seed,
            start: prepared.start(),
            horizon: prepared.horizon(),
        }
    }
}

/// Which part of a scenario a refusal is about, for a host that names the part other
/// than by its path: the CLI blames `--horizon` when the flag set what was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RefusedPart {
    /// The horizon itself (too far, or before a cluster is created).
    Horizon,
    /// An operation scheduled after the horizon.
    AfterHorizon,
    /// Anything else: the value at the path.
    Value,
}

/// A scenario refused, as data: where (a JSON path into the scenario), why, and which
/// part. A file reader turns the path into a line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ScenarioRefusal {
    /// The JSON path of the refused value (`clusters[2].nodePools[1].count`, `horizon`).
    pub path: String,
    /// Why, without the path (the reader places it).
    pub message: String,
    /// Which part of the scenario.
    pub part: RefusedPart,
}

impl ScenarioRefusal {
    /// The refusal of `scenario` that `e` (raised by its `prepare`) describes.
    pub fn of(e: &ScenarioError, scenario: &Scenario) -> ScenarioRefusal {
        let path = e.path(scenario);
        let message = strip_path(&e.to_string(), &path);
        let part = match e {
            ScenarioError::Horizon { .. } => RefusedPart::Horizon,
            ScenarioError::AfterHorizon { .. } => RefusedPart::AfterHorizon,
            _ => RefusedPart::Value,
        };
        ScenarioRefusal {
            path,
            message,
            part,
        }
    }
}

/// A scenario error's message starts with its path (or a prefix of it, or the section's
/// name); a refusal carries the full path apart, so the message drops it.
fn strip_path(message: &str, path: &str) -> String {
    match message.split_once(": ") {
        Some((head, rest))
            if path.starts_with(head) || ["policy", "horizon", "clusters"].contains(&head) =>
        {
            rest.to_string()
        }
        _ => message.to_string(),
    }
}

/// The answer to opening a scenario: its header and size, or where and why it is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum ScenarioCheck {
    /// Valid: the run's header and the number of clusters.
    Valid {
        /// Name, seed and span.
        header: RunHeader,
        /// How many clusters it holds.
        clusters: usize,
    },
    /// Refused.
    Refused(ScenarioRefusal),
}

/// A validated scenario, owned: [`Prepared`] without the borrow, so it can be held
/// between calls.
#[derive(Debug, Clone)]
pub struct OpenScenario {
    scenario: Scenario,
    policy: Arc<Policy>,
    start: Instant,
    horizon: Instant,
}

impl OpenScenario {
    /// Validate `scenario` and hold it; or say where and why it is refused.
    pub fn open(scenario: Scenario) -> Result<OpenScenario, ScenarioRefusal> {
        let (policy, start, horizon) = match scenario.prepare() {
            Ok(p) => (p.policy.clone(), p.start, p.horizon),
            Err(e) => return Err(ScenarioRefusal::of(&e, &scenario)),
        };
        Ok(OpenScenario {
            scenario,
            policy,
            start,
            horizon,
        })
    }

    /// The validated scenario as [`Scenario::prepare`] gives it.
    pub fn prepared(&self) -> Prepared<'_> {
        Prepared {
            scenario: &self.scenario,
            policy: self.policy.clone(),
            start: self.start,
            horizon: self.horizon,
        }
    }

    /// The check's answer for this (valid) scenario.
    pub fn check(&self) -> ScenarioCheck {
        ScenarioCheck::Valid {
            header: RunHeader::of(&self.prepared()),
            clusters: self.scenario.clusters.len(),
        }
    }

    /// Number of clusters.
    pub fn len(&self) -> usize {
        self.scenario.clusters.len()
    }

    /// Whether there are no clusters (never, once validated).
    pub fn is_empty(&self) -> bool {
        self.scenario.clusters.is_empty()
    }

    /// Run cluster `index` to the horizon; `None` past the last cluster.
    pub fn simulate_cluster(&self, index: usize, options: RunOptions) -> Option<ClusterTimeline> {
        (index < self.len()).then(|| simulate_cluster(&self.prepared(), index, options))
    }
}
