//! `akscert simulate [SCENARIO]`: a what-if timeline for every cluster of a scenario.

use std::process::ExitCode;

use akscert_core::report::fleet::Verdict;
use akscert_sim::cli::{self, CliError, EngineOpts, OutputOpts, RunOpts, TimeOpts};
use akscert_sim::engine::Engine;
use akscert_sim::execute::{self, Settings};
use akscert_sim::render::stream::Streamer;
use akscert_sim::shard::{self, Command};
use akscert_sim::{output, render, scenario_file};
use clap::Args;

/// Options of `akscert simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Scenario file: TOML, YAML or JSON (`-` for stdin). Without one, the bundled
    /// example (examples/scenario.toml), which exits 0 even with actions due.
    pub scenario: Option<String>,
    #[command(flatten)]
    pub run: RunOpts,
    #[command(flatten)]
    pub time: TimeOpts,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(flatten)]
    pub engine: EngineOpts,
}

/// Run it.
pub fn run(a: &SimulateArgs) -> ExitCode {
    cli::finish(simulate(a))
}

fn simulate(a: &SimulateArgs) -> Result<u8, CliError> {
    let now = a.time.now();
    if a.run.shard.is_some() {
        a.output.check_shard()?;
    }
    // The engine validates the scenario when the run opens it (the module, with
    // `--engine wasm`): see `execute`.
    let file = scenario_file::load(a.scenario.as_deref())?.with_flags(a.run.seed, a.run.horizon);
    let engine = a.engine.load()?;
    let settings = Settings {
        now,
        warn_within: a.time.warn_within,
        jobs: a.engine.jobs,
        progress: a.output.progress(),
        shard: a.run.shard,
        include_events: true,
        include_certificates: true,
        // A simulation's reports draw every action (the HTML timelines, the JSON).
        rows_only: false,
    };
    if a.run.shard.is_none() {
        return finish(a, stream(&engine, &file, &settings, a)?);
    }
    let (run, total, _) = execute::simulate(&engine, &file, &settings)?;
    if let Some(spec) = a.run.shard {
        let verdict = cli::run_verdict(&engine, &run)?;
        let input = serde_json::to_string(&file.scenario).unwrap_or_default();
        let fp = shard::fingerprint(Command::Simulate, &input, now, a.time.warn_within);
        let doc = shard::simulation_shard(Command::Simulate, fp, spec, total, run);
        let text = serde_json::to_string(&doc).unwrap_or_default() + "\n";
        output::write(a.output.output.as_deref(), &text)?;
        return Ok(verdict.code());
    }
    let rendered = render::simulation(&run, a.output.format());
    output::write(a.output.output.as_deref(), &rendered.text)?;
    finish(a, rendered.verdict)
}

/// The report in any format, each cluster written as it arrives (in cluster order): only
/// the fleet summary, the verdict and what the format must hold back are kept (see
/// [`Streamer`]), so memory stays flat however large the fleet.
fn stream(
    engine: &Engine,
    file: &scenario_file::ScenarioFile,
    settings: &Settings,
    a: &SimulateArgs,
) -> Result<Verdict, CliError> {
    let sink = output::Sink::open(a.output.output.as_deref())?;
    let (now, warn) = (settings.now, settings.warn_within);
    let streamer = Streamer::new(a.output.format(), sink, now, warn, engine.fleet_fold()?)?;
    cli::stream_report(engine, file, settings, streamer)
}

/// The exit code of a rendered simulation.
fn finish(a: &SimulateArgs, verdict: Verdict) -> Result<u8, CliError> {
    let code = verdict.code();
    // The bundled example is a demonstration: its clusters have actions due by design, and
    // a quick start that ends in "process didn't exit successfully" reads as broken.
    if a.scenario.is_none() && code == 1 {
        eprintln!(
            "akscert: the bundled example has actions due; with your own scenario that exits 1 (0: nothing due, 2: error)"
        );
        return Ok(0);
    }
    Ok(code)
}
