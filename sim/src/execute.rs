//! Running a scenario through an engine: split into clusters, keep this shard's slice,
//! run them over the workers, collect per-cluster outcomes. (An `az` inventory is one
//! `fleetReport` call: `crate::inventory`.)

use akscert_core::api::{OpenClusterRequest, RowAt};
use akscert_core::engine::{self, Prepared, ScenarioCheck};
use akscert_core::time::{Duration, Instant};

use crate::engine::{Engine, EngineError, ScenarioToOpen, Worker};
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
    /// The report prints only each cluster's row as of `now` and the fleet's open actions
    /// (the `human` and `csv` tables): each summary leaves out the actions resolved by
    /// `now`, and no JSON of a timeline is written — the module answers packed
    /// (postcard), the native engine writes none. The JSON documents, HTML, Prometheus
    /// and shards get everything, as JSON.
    pub rows_only: bool,
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

/// What a run needs: this shard's cluster indices, the validated scenario as the engine
/// holds it, the run's header, and the number of clusters in all.
struct Plan<'a> {
    indices: Vec<usize>,
    held: Held<'a>,
    header: RunHeader,
    total: usize,
    file: &'a ScenarioFile,
    options: OpenClusterRequest,
}

/// The validated scenario: natively, core's prepared scenario, each cluster run on core's
/// types with no JSON; with the wasm engine, the scenario the module validated, open in
/// each worker's instance (the first worker's is the one that validated it), each cluster
/// asked for by index.
enum Held<'a> {
    Native(Prepared<'a>),
    Guest(ScenarioToOpen),
}

/// Validate the scenario in `engine` (the module decides with `--engine wasm`): the run's
/// plan, or the refusal placed in the file (or on `--horizon`). A worker that validated
/// it goes back to the engine's spares for the run to take first.
fn plan<'a>(engine: &Engine, file: &'a ScenarioFile, s: &Settings) -> Result<Plan<'a>, RunError> {
    let total = file.scenario.clusters.len();
    let (held, header) = match engine {
        Engine::Native(_) => {
            let prepared = file.prepared()?;
            let header = RunHeader::of(&prepared);
            (Held::Native(prepared), header)
        }
        Engine::Wasm(_) => {
            let scenario = ScenarioToOpen::new(&file.scenario);
            let mut worker = engine.worker()?;
            let check = worker
                .open_scenario(&scenario)
                .map_err(|fault| EngineError::Open(fault.message))?;
            let header = match check {
                ScenarioCheck::Valid { header, .. } => header,
                ScenarioCheck::Refused(r) => return Err(file.refused(&r).into()),
            };
            engine.spare(worker);
            (Held::Guest(scenario), header)
        }
    };
    let mut options = OpenClusterRequest {
        index: 0,
        include_events: s.include_events,
        include_certificates: s.include_certificates,
        leave_out_resolved_by: s.rows_only.then_some(s.now),
        // Every report of a run shows the clusters' rows: the engine decides them.
        row: Some(RowAt {
            now: s.now,
            warn_within: s.warn_within,
        }),
        packed: false,
    };
    // A table keeps no JSON: the module answers in postcard, when the request can be.
    options.packed = s.rows_only && options.packable();
    Ok(Plan {
        indices: (0..total).filter(|&i| in_shard(s.shard, i)).collect(),
        held,
        header,
        total,
        file,
        options,
    })
}

impl Plan<'_> {
    /// Simulate cluster `index` alone.
    fn simulate_one(&self, worker: &mut Worker, index: usize) -> ClusterOutcome {
        match &self.held {
            Held::Native(prepared) => {
                let options = self.options.run_options();
                let timeline = engine::simulate_cluster(prepared, index, options);
                // A table keeps no JSON, on either engine.
                ClusterOutcome::from_timeline(timeline, self.options.row, !self.options.packed)
            }
            Held::Guest(scenario) => {
                let req = OpenClusterRequest {
                    index,
                    ..self.options
                };
                let (name, rg) = self
                    .file
                    .scenario
                    .clusters
                    .get(index)
                    .map_or(("", ""), |c| (c.name.as_str(), c.resource_group.as_str()));
                if req.packed {
                    let answer = worker.simulate_open_packed(scenario, &req);
                    return ClusterOutcome::from_packed(index, name, rg, answer, req.row);
                }
                let answer = worker.simulate_open(scenario, &req);
                ClusterOutcome::from_answer(index, name, rg, answer, req.row)
            }
        }
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
    let plan = plan(engine, file, s)?;
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
    let plan = plan(engine, file, s)?;
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
