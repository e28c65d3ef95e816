//! `akscert fleet INVENTORY`: what expires or needs action across a fleet, most urgent
//! first — from `az aks list -o json` output (each cluster's expiry report at --now) or
//! from a scenario file (each cluster simulated).

use std::process::ExitCode;

use akscert_core::Policy;
use akscert_core::report::AksAssumptions;
use akscert_core::report::fleet::FleetReportRequest;
use akscert_core::time::Instant;
use akscert_sim::cli::{self, CliError, EngineOpts, OutputOpts, RunOpts, TimeOpts, parse_instant};
use akscert_sim::execute::{self, Settings};
use akscert_sim::inventory::{self, InventoryError};
use akscert_sim::outcome::{InventoryDecision, InventoryRun};
use akscert_sim::output;
use akscert_sim::render::fleet_table::FleetSink;
use akscert_sim::render::{self, Fleet, Format};
use akscert_sim::scenario_file::ScenarioFile;
use akscert_sim::shard::{self, Command};
use akscert_sim::source::{Format as Syntax, Source};
use clap::Args;

/// Options of `akscert fleet`.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// `az aks list -o json` output (also `az aks show -o json`, or ARM bodies), or a
    /// scenario file (TOML, YAML or JSON); `-` for stdin.
    pub inventory: String,
    /// Creation date for clusters whose JSON has none (no systemData.createdAt and no
    /// akscert-created tag).
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub assume_created: Option<Instant>,
    /// Last control plane upgrade for clusters whose JSON does not say (no
    /// akscert-last-upgrade tag).
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub assume_upgraded: Option<Instant>,
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
pub fn run(a: &FleetArgs) -> ExitCode {
    cli::finish(fleet(a))
}

fn fleet(a: &FleetArgs) -> Result<u8, CliError> {
    let now = a.time.now();
    if a.run.shard.is_some() {
        a.output.check_shard()?;
    }
    let source = Source::read(&a.inventory)?;
    // JSON is a scenario when it says so; anything else is `az` output, which the engine
    // reads (and refuses, naming what the JSON is instead, when it is not).
    let az = match source.format {
        Syntax::Json => {
            // Only `kind` is read to tell: a fleet scenario can be large, and a JSON value
            // of all of it would take ten times its size.
            #[derive(serde::Deserialize)]
            struct Kind {
                kind: Option<String>,
            }
            let kind = serde_json::from_str::<Kind>(&source.text)
                .ok()
                .and_then(|k| k.kind);
            match kind.as_deref() {
                Some("Scenario") => None,
                _ => Some(source.parse::<serde_json::Value>()?),
            }
        }
        _ => None,
    };
    let settings = Settings {
        now,
        warn_within: a.time.warn_within,
        jobs: a.engine.jobs,
        progress: a.output.progress(),
        shard: a.run.shard,
        include_events: needs_events(a.output.format()),
        // The JSON document carries them; a shard keeps them so that its merge can print it.
        include_certificates: a.output.format() == Format::Json || a.run.shard.is_some(),
        rows_only: only_rows(a.output.format()) && a.run.shard.is_none(),
    };
    match az {
        Some(value) => inventory_fleet(a, &source, value, settings),
        None => scenario_fleet(a, source, settings),
    }
}

/// Whether a format prints only the fleet's rows and open actions (no cluster's history):
/// the engine then answers with less ([`execute::Settings::rows_only`]).
fn only_rows(f: Format) -> bool {
    matches!(f, Format::Human | Format::Csv)
}

/// Events feed the HTML timelines and the Prometheus certificates; a shard keeps them so
/// that its merge can render any format.
fn needs_events(f: Format) -> bool {
    !matches!(f, Format::Human | Format::Json | Format::Csv)
}

fn inventory_fleet(
    a: &FleetArgs,
    source: &Source,
    value: serde_json::Value,
    settings: Settings,
) -> Result<u8, CliError> {
    if a.run.horizon.is_some() || a.run.seed.is_some() {
        return Err(CliError::Usage(
            "--horizon and --seed apply to scenarios; an az inventory is reported as of --now"
                .into(),
        ));
    }
    let engine = a.engine.load()?;
    let request = FleetReportRequest {
        input: Some(value),
        assume: AksAssumptions {
            created: a.assume_created,
            last_upgrade: a.assume_upgraded,
        },
        clusters: Vec::new(),
        now: settings.now,
        warn_within: settings.warn_within,
        policy: Policy::default(),
    };
    let report = inventory::fleet_report(&mut engine.worker()?, &request).map_err(|e| match e {
        InventoryError::NotAzOutput(why) => CliError::Usage(format!(
            "{}: neither a scenario (kind: Scenario) nor `az aks list -o json` output: {why}",
            source.name
        )),
        other => CliError::Usage(format!("{}: {other}", source.name)),
    })?;
    inventory::print_notes(&source.name, &report.notes);
    let total = report.clusters.len();
    if total == 0 {
        return Err(CliError::Usage(format!(
            "{}: no clusters in the inventory",
            source.name
        )));
    }
    // A shard's run reports its share's rows: the engine's order, counts and verdict are
    // the whole inventory's.
    let decided = a
        .run
        .shard
        .is_none()
        .then(|| InventoryDecision::of(&report));
    let run = InventoryRun {
        now: settings.now,
        warn_within: settings.warn_within,
        clusters: inventory::outcomes(report.clusters, a.run.shard),
        decided,
    };
    if let Some(spec) = a.run.shard {
        let verdict = cli::rows_verdict(&engine, &render::inventory_rows(&run))?;
        let input = serde_json::to_string(&(&request.input, a.assume_created, a.assume_upgraded))
            .unwrap_or_default();
        let fp = shard::fingerprint(
            Command::FleetInventory,
            &input,
            settings.now,
            settings.warn_within,
        );
        let doc = shard::inventory_shard(fp, spec, total, run);
        output::write(
            a.output.output.as_deref(),
            &(serde_json::to_string(&doc).unwrap_or_default() + "\n"),
        )?;
        return Ok(verdict.code());
    }
    let rendered = render::fleet(Fleet::Inventory(&run), a.output.format());
    output::write(a.output.output.as_deref(), &rendered.text)?;
    Ok(rendered.verdict.code())
}

fn scenario_fleet(a: &FleetArgs, source: Source, mut settings: Settings) -> Result<u8, CliError> {
    let scenario = source.parse()?;
    let file = ScenarioFile::new(source, scenario).with_flags(a.run.seed, a.run.horizon);
    if a.run.shard.is_some() {
        settings.include_events = true;
    }
    let engine = a.engine.load()?;
    let format = a.output.format();
    if a.run.shard.is_none() {
        // Written as each cluster arrives: the table formats keep each cluster's sort key
        // (see FleetTable), HTML and Prometheus stream (see Streamer).
        let sink = output::Sink::open(a.output.output.as_deref())?;
        let (now, warn) = (settings.now, settings.warn_within);
        let report = FleetSink::open(format, sink, now, warn, engine.fleet_fold()?)?;
        let verdict = cli::stream_report(&engine, &file, &settings, report)?;
        return Ok(verdict.code());
    }
    let (run, total, _) = execute::simulate(&engine, &file, &settings)?;
    if let Some(spec) = a.run.shard {
        let verdict = cli::run_verdict(&engine, &run)?;
        let input = serde_json::to_string(&file.scenario).unwrap_or_default();
        let fp = shard::fingerprint(
            Command::FleetScenario,
            &input,
            settings.now,
            settings.warn_within,
        );
        let doc = shard::simulation_shard(Command::FleetScenario, fp, spec, total, run);
        output::write(
            a.output.output.as_deref(),
            &(serde_json::to_string(&doc).unwrap_or_default() + "\n"),
        )?;
        return Ok(verdict.code());
    }
    let rendered = render::fleet(Fleet::Simulation(&run), a.output.format());
    output::write(a.output.output.as_deref(), &rendered.text)?;
    Ok(rendered.verdict.code())
}
