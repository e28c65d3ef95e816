//! Running a scenario through an engine: split into clusters, keep this shard's slice,
//! run them over the workers, collect per-cluster outcomes. (An `az` inventory is one
//! `fleetReport` call: `crate::inventory`.)

use akscert_core::api::ClusterRun;
use akscert_core::time::{Duration, Instant};

use crate::engine::{Engine, EngineError};
use crate::outcome::{ClusterOutcome, RunHeader, SimulationRun};
use crate::runner::{self, Progress, RunStats};
use crate::scenario_file::ScenarioFile;
use crate::shard::ShardSpec;
use crate::source::SourceError;

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The present.
    pub now: Instant,
    /// The warning window.
    pub warn_within: Duration,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
    /// The progress bar.
    pub progress: Progress,
    /// Only this slice.
    pub shard: Option<ShardSpec>,
    /// Keep every event (timelines, HTML, Prometheus need them; a fleet table does not).
    pub include_events: bool,
    /// List each cluster's certificates at the horizon in its summary (the JSON documents
    /// carry them; a table does not print them).
    pub include_certificates: bool,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The input is invalid.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The engine failed (not one cluster: the whole run).
    #[error(transparent)]
    Engine(#[from] EngineError),
}

fn in_shard(shard: Option<ShardSpec>, i: usize) -> bool {
    shard.is_none_or(|s| s.holds(i))
}

/// What a run needs: this shard's cluster indices, the part of the scenario every
/// cluster's run shares, the run's header, and the number of clusters in all. Each
/// cluster's one-cluster scenario is built by its worker (see [`simulate_one`]): a fleet
/// split up front would hold every cluster twice, with a policy copy each.
struct Plan<'a> {
    indices: Vec<usize>,
    shared: akscert_core::engine::Scenario,
    header: RunHeader,
    total: usize,
    file: &'a ScenarioFile,
    include_events: bool,
    include_certificates: bool,
}

fn plan<'a>(file: &'a ScenarioFile, s: &Settings) -> Result<Plan<'a>, RunError> {
    let prepared = file.prepared()?;
    let total = file.scenario.clusters.len();
    Ok(Plan {
        indices: (0..total).filter(|&i| in_shard(s.shard, i)).collect(),
        shared: file.run_header(&prepared),
        header: RunHeader::of(&prepared),
        total,
        file,
        include_events: s.include_events,
        include_certificates: s.include_certificates,
    })
}

impl Plan<'_> {
    /// Simulate cluster `index` alone.
    fn simulate_one(&self, worker: &mut crate::engine::Worker, index: usize) -> ClusterOutcome {
        let clusters = self.file.scenario.clusters.get(index).cloned();
        let run = ClusterRun {
            scenario: akscert_core::engine::Scenario {
                clusters: clusters.into_iter().collect(),
                ..self.shared.clone()
            },
            index,
            include_events: self.include_events,
            include_certificates: self.include_certificates,
        };
        worker.simulate_cluster(&run)
    }
}

fn events_of(o: &ClusterOutcome) -> u64 {
    o.timeline.summary.as_ref().map_or(0, |s| s.events)
}

/// Simulate a scenario file's clusters (this shard's, if sharded).
pub fn simulate(
    engine: &Engine,
    file: &ScenarioFile,
    s: &Settings,
) -> Result<(SimulationRun, usize, RunStats), RunError> {
    let plan = plan(file, s)?;
    let (clusters, stats) = runner::run(
        engine,
        &plan.indices,
        runner::jobs(s.jobs),
        s.progress,
        |worker, &i| plan.simulate_one(worker, i),
        events_of,
    )?;
    let total = plan.total;
    Ok((
        SimulationRun {
            header: plan.header,
            now: s.now,
            warn_within: s.warn_within,
            clusters,
        },
        total,
        stats,
    ))
}

/// Simulate a scenario file's clusters (this shard's, if sharded), handing each
/// cluster's outcome to `sink` in cluster order as soon as it is ready: a run keeps in
/// memory only what `sink` keeps. `start` gets the run's header first.
pub fn simulate_each<X>(
    engine: &Engine,
    file: &ScenarioFile,
    s: &Settings,
    start: impl FnOnce(&RunHeader) -> Result<(), X>,
    sink: impl FnMut(ClusterOutcome) -> Result<(), X>,
) -> Result<RunStats, X>
where
    X: From<RunError> + From<EngineError>,
{
    let plan = plan(file, s)?;
    start(&plan.header)?;
    runner::run_in_order(
        engine,
        &plan.indices,
        runner::jobs(s.jobs),
        s.progress,
        |worker, &i| plan.simulate_one(worker, i),
        events_of,
        sink,
    )
}
