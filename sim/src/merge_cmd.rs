//! `akscert merge SHARD...`: the outputs of `--shard I/N` runs combined into exactly the
//! report a single run gives.

use std::process::ExitCode;

use akscert_sim::cli::{self, CliError, OutputOpts};
use akscert_sim::outcome::{ClusterOutcome, InventoryRun, ReportOutcome, SimulationRun};
use akscert_sim::output;
use akscert_sim::render::{self, Fleet};
use akscert_sim::shard::{self, Command, MergeError, ShardDoc, ShardHead};
use akscert_sim::source::Source;
use clap::Args;
use serde::de::DeserializeOwned;

/// Options of `akscert merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard documents (every shard of one run, in any order).
    #[arg(required = true)]
    pub shards: Vec<String>,
    #[command(flatten)]
    pub output: OutputOpts,
}

/// Run it.
pub fn run(a: &MergeArgs) -> ExitCode {
    cli::finish(merge(a))
}

fn read_all<T: DeserializeOwned>(
    sources: &[Source],
) -> Result<Vec<(String, ShardDoc<T>)>, CliError> {
    sources
        .iter()
        .map(|s| {
            let doc: ShardDoc<T> =
                serde_json::from_str(&s.text).map_err(|e| MergeError::NotAShard {
                    file: format!("{}:{}:{}", s.name, e.line(), e.column()),
                    why: format!("not a valid shard document: {e}"),
                })?;
            Ok((s.name.clone(), doc))
        })
        .collect()
}

fn merge(a: &MergeArgs) -> Result<u8, CliError> {
    let mut sources = Vec::with_capacity(a.shards.len());
    let mut command = None;
    for path in &a.shards {
        let s = Source::read(path)?;
        let head: ShardHead = serde_json::from_str(&s.text).map_err(|e| MergeError::NotAShard {
            file: s.name.clone(),
            why: format!("not a shard document written by `akscert … --shard I/N` ({e})"),
        })?;
        if head.kind != "Shard" || head.api_version != akscert_core::engine::API_VERSION {
            return Err(MergeError::NotAShard {
                file: s.name.clone(),
                why: format!(
                    "a {} {} document, not an akscert/v1 Shard",
                    head.api_version, head.kind
                ),
            }
            .into());
        }
        command.get_or_insert(head.command);
        sources.push(s);
    }
    let format = a.output.format();
    let rendered = match command {
        Some(Command::FleetInventory) => {
            let (head, clusters) = shard::merge(read_all::<ReportOutcome>(&sources)?, |c| c.index)?;
            let run = InventoryRun {
                now: head.now,
                warn_within: head.warn_within,
                clusters,
                decided: None,
            };
            render::fleet(Fleet::Inventory(&run), format)
        }
        Some(c @ (Command::Simulate | Command::FleetScenario)) => {
            let mut docs = read_all::<ClusterOutcome>(&sources)?;
            for (file, doc) in &mut docs {
                shard::attach_rows(file, doc)?;
            }
            let (head, clusters) = shard::merge(docs, |c| c.timeline.index)?;
            let header = head.run.ok_or_else(|| MergeError::NotAShard {
                file: sources.first().map(|s| s.name.clone()).unwrap_or_default(),
                why: "a simulation shard without its run header".into(),
            })?;
            let run = SimulationRun {
                header,
                now: head.now,
                warn_within: head.warn_within,
                clusters,
            };
            if c == Command::Simulate {
                render::simulation(&run, format)
            } else {
                render::fleet(Fleet::Simulation(&run), format)
            }
        }
        None => return Err(MergeError::Empty.into()),
    };
    output::write(a.output.output.as_deref(), &rendered.text)?;
    Ok(rendered.verdict.code())
}
