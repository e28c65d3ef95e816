//! Option groups shared by the subcommands (engine, time, output, sharding), and the one
//! place the wall clock is read.

use std::path::PathBuf;

use akscert_core::engine::{ClusterSummary, Horizon};
use akscert_core::time::{Duration, Instant};
use clap::{Args, ValueEnum};

use crate::engine::locate::{self, ModuleKind};
use crate::engine::{Engine, EngineError, GuestLimits, NativeEngine, WasmEngine};
use crate::execute::Settings;
use crate::outcome::SimulationRun;
use crate::render::Format;
use crate::render::stream::ClusterSink;
use crate::runner::Progress;
use crate::scenario_file::ScenarioFile;
use crate::shard::ShardSpec;
use akscert_core::report::fleet::{FleetRow, Verdict};

/// `--engine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineKind {
    /// The shipped WebAssembly module in wasmtime (the same file the npm package ships).
    Wasm,
    /// akscert-core compiled into this binary.
    Native,
}

/// How to run the model.
#[derive(Debug, Clone, Args)]
pub struct EngineOpts {
    /// Engine: the shipped module in wasmtime, or akscert-core built in.
    #[arg(long, value_enum, default_value = "wasm")]
    pub engine: EngineKind,
    /// The module to load (default: $AKSCERT_MODULE, next to this executable, or the
    /// checkout's target/npm/full/akscert_full_bg.wasm, built on first use).
    #[arg(long, value_name = "PATH")]
    pub module: Option<PathBuf>,
    /// Time limit per cluster, in seconds (an az inventory is one call, limited as a
    /// whole); a cluster that needs longer fails on its own (`outOfTime`), the rest of
    /// the fleet finishes.
    #[arg(long, value_name = "SECONDS", default_value_t = GuestLimits::DEFAULT_TIME.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub time_limit: u64,
    /// Also meter fuel: this many units per cluster (about one per WebAssembly
    /// instruction), a bound that falls at the same instruction on every machine
    /// (`outOfFuel`), at about a fifth of the engine's speed. Off unless given.
    #[arg(long, value_name = "UNITS")]
    pub fuel: Option<u64>,
    /// Memory limit of each worker's guest, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = (GuestLimits::DEFAULT_MEMORY >> 20) as u64)]
    pub memory_limit: u64,
    /// Worker threads for a scenario's clusters (0 = one per core); an az inventory is
    /// one call.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub jobs: usize,
}

impl EngineOpts {
    /// Load the engine (the full module, for the wasm engine).
    pub fn load(&self) -> Result<Engine, EngineError> {
        let memory =
            usize::try_from(self.memory_limit.saturating_mul(1 << 20)).unwrap_or(usize::MAX);
        let limits = GuestLimits {
            time: std::time::Duration::from_secs(self.time_limit),
            fuel: self.fuel,
            memory_bytes: memory,
        };
        load_engine(
            self.engine,
            ModuleKind::Full,
            self.module.as_deref(),
            limits,
        )
    }
}

/// Load `engine`: for the wasm engine, the module `kind` from `module` (or where
/// [`locate::resolve`] finds it), calls bounded by `limits`.
pub fn load_engine(
    engine: EngineKind,
    kind: ModuleKind,
    module: Option<&std::path::Path>,
    limits: GuestLimits,
) -> Result<Engine, EngineError> {
    match engine {
        EngineKind::Native => Ok(Engine::Native(NativeEngine)),
        EngineKind::Wasm => {
            let path = locate::resolve(kind, module)?;
            Ok(Engine::Wasm(std::sync::Arc::new(WasmEngine::load_kind(
                &path, kind, limits,
            )?)))
        }
    }
}

/// When the report is for.
#[derive(Debug, Clone, Args)]
pub struct TimeOpts {
    /// The present, for verdicts and "as of" reports (default: the wall clock, read once).
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub now: Option<Instant>,
    /// Anything that expires or needs action within this span counts as due (exit 1).
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse_duration)]
    pub warn_within: Duration,
}

impl TimeOpts {
    /// `--now`, or the wall clock — the only place akscert reads it.
    pub fn now(&self) -> Instant {
        self.now.unwrap_or_else(wall_clock)
    }
}

/// The current time, to the second.
pub fn wall_clock() -> Instant {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Instant::from_unix(i64::try_from(secs).unwrap_or(i64::MAX)).unwrap_or(Instant::MAX)
}

/// Where and how to write the report.
#[derive(Debug, Clone, Args)]
pub struct OutputOpts {
    /// Report format [default: human].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write to FILE instead of stdout, as `>` would (a regular file is replaced whole
    /// through a temporary file; links are followed; devices and FIFOs are written to).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputOpts {
    /// The format asked for (human by default).
    pub fn format(&self) -> Format {
        self.format.unwrap_or(Format::Human)
    }

    /// Whether a progress bar may be shown.
    pub fn progress(&self) -> Progress {
        if self.format == Some(Format::Json) {
            Progress::Hidden
        } else {
            Progress::Auto
        }
    }

    /// With `--shard` the output is the shard document: only `--format json` (or none)
    /// fits.
    pub fn check_shard(&self) -> Result<(), CliError> {
        match self.format {
            None | Some(Format::Json) => Ok(()),
            Some(f) => Err(CliError::Usage(format!(
                "--shard writes the shard document (JSON) that `akscert merge` reads; render --format {} from the merge",
                format!("{f:?}").to_lowercase()
            ))),
        }
    }
}

/// Why a command failed (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// An input file.
    #[error(transparent)]
    Source(#[from] crate::source::SourceError),
    /// The engine.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A run.
    #[error(transparent)]
    Run(#[from] crate::execute::RunError),
    /// Writing the report.
    #[error(transparent)]
    Write(#[from] crate::output::WriteError),
    /// Merging shards.
    #[error(transparent)]
    Merge(#[from] crate::shard::MergeError),
    /// Writing a streamed report.
    #[error(transparent)]
    Stream(#[from] crate::render::stream::StreamError),
    /// A wrong combination of options.
    #[error("{0}")]
    Usage(String),
}

/// Run a scenario's clusters into a report written as each arrives (see
/// [`crate::render::stream`]); the report's verdict.
pub fn stream_report<S: ClusterSink>(
    engine: &Engine,
    file: &ScenarioFile,
    settings: &Settings,
    report: S,
) -> Result<Verdict, CliError> {
    let report = std::cell::RefCell::new(report);
    crate::execute::simulate_each(
        engine,
        file,
        settings,
        |header| Ok::<_, CliError>(report.borrow_mut().head(header)?),
        |c| Ok(report.borrow_mut().cluster(&c)?),
    )?;
    Ok(report.into_inner().finish()?)
}

/// The verdict of a collected run (a shard's), decided by the engine as a streamed
/// report's is: each cluster added to the fleet's totals ([`crate::engine::FleetFold`]).
pub fn run_verdict(engine: &Engine, run: &SimulationRun) -> Result<Verdict, CliError> {
    let rows = run.clusters.iter().map(|c| {
        let row = crate::render::simulation_row(c, run.now, run.warn_within);
        (row, c.timeline.summary.as_ref())
    });
    folded_verdict(engine, rows)
}

/// The verdict of an inventory shard's rows (each the engine's), decided by the engine:
/// the rows folded without summaries (an inventory has none; only the verdict is read).
pub fn rows_verdict(engine: &Engine, rows: &[FleetRow]) -> Result<Verdict, CliError> {
    folded_verdict(engine, rows.iter().map(|r| (r.clone(), None)))
}

/// The verdict of `rows`, each with its run's summary, folded by the engine.
fn folded_verdict<'a>(
    engine: &Engine,
    rows: impl Iterator<Item = (FleetRow, Option<&'a ClusterSummary>)>,
) -> Result<Verdict, CliError> {
    let mut fold = engine.fleet_fold()?;
    for (row, summary) in rows {
        fold.add(&row, summary)
            .map_err(crate::render::stream::StreamError::from)?;
    }
    Ok(fold.totals().verdict)
}

/// Print the error of a failed command and return exit code 2; or return the code.
pub fn finish(result: Result<u8, CliError>) -> std::process::ExitCode {
    match result {
        Ok(code) => std::process::ExitCode::from(code),
        Err(e) => {
            let mut err = anstream::stderr();
            let red = anstyle::Style::new()
                .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)))
                .bold();
            let _ = std::io::Write::write_fmt(&mut err, format_args!("{red}akscert:{red:#} {e}\n"));
            std::process::ExitCode::from(2)
        }
    }
}

/// Scenario overrides and sharding.
#[derive(Debug, Clone, Args)]
pub struct RunOpts {
    /// End of the simulation: a date (2035-01-01) or a span after the first cluster's
    /// creation (10y). Overrides the scenario's.
    #[arg(long, value_name = "DATE|SPAN", value_parser = parse_horizon)]
    pub horizon: Option<Horizon>,
    /// Seed of every random draw. Overrides the scenario's.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Run only shard I of N (0-based; clusters whose index is I modulo N) and write a
    /// shard document (JSON, whatever --format says) for `akscert merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<ShardSpec>,
}

/// Parse an instant (`2026-01-01`, RFC 3339, OpenSSL's form).
pub fn parse_instant(s: &str) -> Result<Instant, String> {
    Instant::parse(s).map_err(|e| e.to_string())
}

/// Parse a span (`30d`, `1y`, `PT30M`, seconds).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    Duration::parse(s).map_err(|e| e.to_string())
}

/// Parse a horizon: an instant, else a span.
pub fn parse_horizon(s: &str) -> Result<Horizon, String> {
    if let Ok(t) = Instant::parse(s) {
        return Ok(Horizon::Until(t));
    }
    Duration::parse(s)
        .map(Horizon::For)
        .map_err(|_| format!("`{s}` is neither a date (2035-01-01) nor a span (10y)"))
}
