//! The event-driven simulation: a scenario and a horizon in, a deterministic timeline
//! and summary out. Each cluster runs on its own (seeded by its name), so clusters can run
//! in parallel or in shards and the results are identical.

mod error_path;
mod failure;
mod faults;
mod open;
pub mod scenario;
pub mod summary;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::cluster::{Cluster, Event, EventKind, Operation, Origin, RotateOutcome};
use crate::rng::{SplitMix64, derive_seed_parts};
use crate::time::{Duration, Instant};

pub use failure::{ClusterFailure, FailureKind};
pub use open::{OpenScenario, RefusedPart, RunHeader, ScenarioCheck, ScenarioRefusal};
pub use scenario::{
    API_VERSION, DurationRange, FaultModel, Horizon, KubeconfigHolder, Prepared, Scenario,
    ScenarioCluster, ScenarioError, ScheduledOperation, StopPattern,
};
pub use summary::{
    ActionOrder, ActionRecord, ClusterSummary, DowntimeInterval, DowntimeShare, DowntimeSummary,
    FinalState, FleetAction, FleetSummary, IncidentKind, SummaryShare,
};

pub(crate) use summary::SummaryBuilder;

/// How much a run keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Keep every event (a fleet run may keep summaries only).
    pub include_events: bool,
    /// List the certificates in use at the horizon in each summary
    /// ([`FinalState::certificates`]); a fleet table leaves them out (on a large fleet
    /// they are a third of the engine's output and time).
    pub include_certificates: bool,
    /// Leave out of the summary the actions resolved at or before this instant. A fleet
    /// table as of `now` prints none of them — they are not due at `now` and not open at
    /// the horizon — and on a fleet they are a fifth of the engine's output; everything
    /// else in the summary, the row decided at `now` and the fleet's sums are unchanged.
    pub leave_out_resolved_by: Option<Instant>,
    /// Stop a cluster's run with an error after this many events (a guard against
    /// runaway policies, e.g. one-minute lifetimes over decades).
    pub max_events_per_cluster: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            include_events: true,
            include_certificates: true,
            leave_out_resolved_by: None,
            max_events_per_cluster: 2_000_000,
        }
    }
}

/// A simulated run (reads back from its JSON; see [`crate::document`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// `akscert/v1`.
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: Cow<'static, str>,
    /// `Timeline`.
    #[serde(deserialize_with = "crate::document::timeline_kind")]
    pub kind: Cow<'static, str>,
    /// The scenario's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub scenario: Option<String>,
    /// The seed used.
    pub seed: u64,
    /// Earliest cluster creation.
    pub start: Instant,
    /// End of the simulation.
    pub horizon: Instant,
    /// One entry per cluster, in scenario order.
    pub clusters: Vec<ClusterTimeline>,
    /// The fleet summary.
    pub summary: FleetSummary,
}

/// One cluster's run (`simulateCluster`'s answer, and each element of a timeline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ClusterTimeline {
    /// Position in the scenario.
    pub index: usize,
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// Events in order (left out when the run keeps summaries only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub events: Option<Vec<Event>>,
    /// Summary; `null` when the run failed.
    pub summary: Option<ClusterSummary>,
    /// Why the run failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub error: Option<ClusterFailure>,
}

/// Run a whole scenario.
pub fn simulate(scenario: &Scenario, options: RunOptions) -> Result<Timeline, ScenarioError> {
    let prepared = scenario.prepare()?;
    let clusters = (0..prepared.len())
        .map(|i| simulate_cluster(&prepared, i, options))
        .collect();
    Ok(assemble(&prepared, clusters))
}

/// Put cluster runs (from any order, workers or shards) together with the fleet summary.
pub fn assemble(prepared: &Prepared<'_>, mut clusters: Vec<ClusterTimeline>) -> Timeline {
    crate::sort::sort_by_key(&mut clusters, |c| c.index);
    let mut summary = FleetSummary::default();
    for c in &clusters {
        summary.add(&c.name, &c.resource_group, c.summary.as_ref());
    }
    summary.finish();
    let s = prepared.scenario();
    Timeline {
        api_version: Cow::Borrowed(API_VERSION),
        kind: Cow::Borrowed("Timeline"),
        scenario: s.name.clone(),
        seed: s.seed,
        start: prepared.start(),
        horizon: prepared.horizon(),
        clusters,
        summary,
    }
}

/// Run cluster `index` of a prepared scenario to the horizon.
pub fn simulate_cluster(
    prepared: &Prepared<'_>,
    index: usize,
    options: RunOptions,
) -> ClusterTimeline {
    run_cluster(prepared, index, options).0
}

/// Run cluster `index` to the horizon and also hand back the machine in its final state
/// (`None` if it could not be created).
pub fn run_cluster(
    prepared: &Prepared<'_>,
    index: usize,
    options: RunOptions,
) -> (ClusterTimeline, Option<Cluster>) {
    let sc = &prepared.scenario.clusters[index];
    let mut out = ClusterTimeline {
        index,
        name: sc.name.clone(),
        resource_group: sc.resource_group.clone(),
        events: None,
        summary: None,
        error: None,
    };
    // Validated by `prepare`; validating again completes the pools' modes as it did there.
    let mut spec = sc.spec();
    if let Err(e) = spec.validate() {
        out.error = Some(ClusterFailure::new(
            FailureKind::InvalidCluster,
            e.to_string(),
        ));
        return (out, None);
    }
    let seed = prepared.scenario.seed;
    let machine_seed = derive_seed_parts(seed, &["machine/", &sc.name]);
    let mut cluster = match Cluster::create(spec, prepared.policy.clone(), machine_seed) {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(ClusterFailure::new(
                FailureKind::InvalidCluster,
                e.to_string(),
            ));
            return (out, None);
        }
    };
    let mut rng = SplitMix64::new(derive_seed_parts(seed, &["faults/", &sc.name]));
    let limit = options.max_events_per_cluster;
    let ops = faults::operations(prepared.scenario, sc, prepared.horizon, &mut rng, limit);
    if ops.len() as u64 > limit {
        // Each operation records at least one event: the run cannot fit its budget, and
        // driving it would only fail the same way later.
        out.error = Some(over_budget(limit));
        return (out, Some(cluster));
    }
    let mut run = Run::new(options);
    let result = drive(
        &mut cluster,
        prepared.scenario,
        &ops,
        prepared.horizon,
        &mut rng,
        &mut run,
    );
    match result {
        Ok(()) => {
            if let Some(by) = run.leave_out_resolved_by {
                run.summary.leave_out_resolved_by(by);
            }
            out.summary = Some(
                run.summary
                    .finish(prepared.horizon, &cluster, run.certificates),
            );
            out.events = run.events;
        }
        Err(failure) => out.error = Some(failure),
    }
    (out, Some(cluster))
}

/// A clock that ran backwards: the driver's bug, failing that cluster's run.
fn clock_failure(e: crate::cluster::TimeWentBackwards) -> ClusterFailure {
    ClusterFailure::new(FailureKind::TimeWentBackwards, e.to_string())
}

fn advance(cluster: &mut Cluster, to: Instant) -> Result<(), ClusterFailure> {
    cluster.handle_timeout(to).map_err(clock_failure)
}

/// Drive `cluster` through `ops` (in time order) and its own timers up to `horizon`,
/// recording everything into `run`.
pub(crate) fn drive(
    cluster: &mut Cluster,
    scenario: &Scenario,
    ops: &[ScheduledOperation],
    horizon: Instant,
    rng: &mut SplitMix64,
    run: &mut Run,
) -> Result<(), ClusterFailure> {
    let mut next = 0;
    run.drain(cluster)?;
    loop {
        let op_at = ops.get(next).map(|o| o.at).filter(|at| *at <= horizon);
        let timer_at = cluster.next_deadline().filter(|at| *at <= horizon);
        match (op_at, timer_at) {
            (Some(o), t) if t.is_none_or(|t| o <= t) => {
                let s = &ops[next];
                next += 1;
                // Fire what is due first, so the request is recorded after it.
                advance(cluster, s.at)?;
                run.drain(cluster)?;
                let op = resolve(scenario, cluster, &s.op, s.origin, rng);
                run.record(Event {
                    at: s.at,
                    kind: EventKind::OperationRequested {
                        operation: op.clone(),
                        origin: s.origin,
                    },
                })?;
                let name = op.kind();
                let outcome = cluster.handle_operation(s.at, op).map_err(clock_failure)?;
                run.drain(cluster)?;
                if let Err(rejection) = outcome {
                    run.record(Event {
                        at: s.at,
                        kind: EventKind::OperationRejected {
                            operation: name,
                            aks_wording: rejection.aks_wording(),
                            message: rejection.to_string(),
                            rejection,
                        },
                    })?;
                }
            }
            (_, Some(t)) => {
                advance(cluster, t)?;
                run.drain(cluster)?;
            }
            _ => break,
        }
    }
    advance(cluster, horizon)?;
    run.drain(cluster)
}

/// The failure of a cluster whose run needs more than `limit` events.
fn over_budget(limit: u64) -> ClusterFailure {
    ClusterFailure::new(
        FailureKind::EventBudgetExceeded,
        format!(
            "more than {limit} events: the simulation was stopped rather than truncated (check the policy's lifetimes and the fault model's frequencies)"
        ),
    )
}

/// What a run keeps while it drives a cluster.
pub(crate) struct Run {
    pub(crate) events: Option<Vec<Event>>,
    pub(crate) summary: SummaryBuilder,
    limit: u64,
    certificates: bool,
    leave_out_resolved_by: Option<Instant>,
}

impl Run {
    pub(crate) fn new(options: RunOptions) -> Run {
        Run {
            events: options.include_events.then(Vec::new),
            summary: SummaryBuilder::default(),
            limit: options.max_events_per_cluster,
            certificates: options.include_certificates,
            leave_out_resolved_by: options.leave_out_resolved_by,
        }
    }

    fn record(&mut self, e: Event) -> Result<(), ClusterFailure> {
        match &mut self.events {
            Some(events) => {
                self.summary.observe(&e);
                events.push(e);
            }
            None => self.summary.observe_owned(e),
        }
        if self.summary.events() > self.limit {
            return Err(over_budget(self.limit));
        }
        Ok(())
    }

    fn drain(&mut self, cluster: &mut Cluster) -> Result<(), ClusterFailure> {
        while let Some(e) = cluster.poll_event() {
            self.record(e)?;
        }
        Ok(())
    }
}

/// Fill in what the scenario left to chance or to the moment: a rotate-certs outcome and
/// duration from the fault model, the version of a cadence upgrade. The resolved
/// operation is what the timeline records, so a replay needs no randomness.
fn resolve(
    scenario: &Scenario,
    cluster: &Cluster,
    op: &Operation,
    origin: Origin,
    rng: &mut SplitMix64,
) -> Operation {
    match op {
        Operation::RotateCerts { outcome, duration } => {
            let f = &scenario.faults;
            let outcome = outcome.unwrap_or_else(|| {
                if rng.chance(f.rotate_certs_failure_probability) {
                    RotateOutcome::Fail
                } else {
                    RotateOutcome::Succeed
                }
            });
            let duration = duration.unwrap_or_else(|| {
                let r = f.rotate_certs_duration;
                Duration::seconds(rng.range_inclusive(r.min.as_seconds(), r.max.as_seconds()))
            });
            Operation::RotateCerts {
                outcome: Some(outcome),
                duration: Some(duration),
            }
        }
        Operation::Upgrade {
            kubernetes_version: None,
            control_plane_only,
        } if origin == Origin::FaultModel => {
            // A cadence upgrade moves one minor version up, or stays at the latest.
            let current = cluster.kubernetes_version();
            let next = current.next_minor();
            let capped = scenario
                .faults
                .latest_kubernetes_version
                .is_some_and(|latest| next > latest);
            Operation::Upgrade {
                kubernetes_version: Some(if capped { current } else { next }),
                control_plane_only: *control_plane_only,
            }
        }
        other => other.clone(),
    }
}

/// A scenario that replays a timeline: the same clusters, every operation the timeline
/// recorded (fully resolved, with its origin), and no fault model. Running it gives the
/// same events.
pub fn replay_scenario(scenario: &Scenario, timeline: &Timeline) -> Scenario {
    let mut replay = scenario.clone();
    replay.faults = FaultModel::default();
    for (c, t) in replay.clusters.iter_mut().zip(&timeline.clusters) {
        c.kubeconfigs.clear();
        c.operations = t
            .events
            .iter()
            .flatten()
            .filter_map(|e| match &e.kind {
                EventKind::OperationRequested { operation, origin } => Some(ScheduledOperation {
                    at: e.at,
                    op: operation.clone(),
                    origin: *origin,
                }),
                _ => None,
            })
            .collect();
    }
    replay
}

#[cfg(test)]
mod tests;
