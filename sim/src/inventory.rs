//! Fleet inventories from `az aks list -o json` (or `az aks show -o json`, or the raw ARM
//! bodies with `properties`). The engine reads them: `fleetReport` reports a whole
//! inventory in one call (`akscert fleet`), `aksFacts` maps each cluster to
//! akscert-core's `ClusterFacts` (`akscert report` picks one). The rules, and the notes on
//! what was assumed, live in `akscert_core::report::aks` and `report::fleet`; this module
//! only sends the file and the command line's assumptions (`--assume-created`,
//! `--assume-upgraded`) and words the answer for the CLI. A cluster without facts is
//! reported as an error of its own; the rest of the fleet still runs.

use akscert_core::report::fleet::{FleetEntry, FleetReport, FleetReportRequest};
use akscert_core::report::{AksAssumptions, AksFacts, ClusterFacts};
use akscert_core::time::Instant;

use crate::engine::{Op, Worker};
use crate::outcome::ReportOutcome;
use crate::shard::ShardSpec;
use akscert_core::engine::{ClusterFailure, FailureKind};

/// One cluster of an inventory.
#[derive(Debug, Clone)]
pub struct InventoryEntry {
    /// Position in the inventory.
    pub index: usize,
    /// Cluster name (or `#<index>` when the entry has none).
    pub name: String,
    /// Resource group (empty when the entry has none).
    pub resource_group: String,
    /// The facts, or why there are none.
    pub facts: Result<ClusterFacts, ClusterFailure>,
    /// What was assumed or noticed.
    pub notes: Vec<String>,
}

/// Why a file is not an inventory the engine can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// The engine says the JSON is no `az aks` output.
    #[error("{0}")]
    NotAzOutput(String),
    /// The engine could not answer (a guest fault) or answered something else.
    #[error("reading the inventory through the engine failed: {0}")]
    Engine(String),
}

/// An inventory as the engine read it.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Every cluster, in input order.
    pub entries: Vec<InventoryEntry>,
    /// Remarks on the document as a whole (list items that are not clusters, skipped),
    /// for stderr: the reports themselves stay about clusters.
    pub notes: Vec<String>,
}

/// Every cluster of an `az aks list|show -o json` document, as the engine's `aksFacts`
/// maps it at `now` with the command line's assumptions.
pub fn read(
    worker: &mut Worker,
    document: &serde_json::Value,
    assume: AksAssumptions,
    now: Instant,
) -> Result<Inventory, InventoryError> {
    let request = serde_json::json!({ "input": document, "assume": assume, "now": now });
    let input = serde_json::to_string(&request).unwrap_or_default();
    let answer = match worker.call(Op::AksFacts, &input) {
        Ok(Ok(json)) => json,
        Ok(Err(doc)) => return Err(InventoryError::NotAzOutput(doc.error.message)),
        Err(fault) => return Err(InventoryError::Engine(fault.message)),
    };
    let facts: AksFacts = serde_json::from_str(&answer).map_err(|e| {
        InventoryError::Engine(format!("the answer is not an AksFacts document: {e}"))
    })?;
    Ok(Inventory {
        entries: facts.clusters.into_iter().map(entry).collect(),
        notes: facts.notes,
    })
}

/// The inventory of `request` (an `az aks list|show -o json` document) reported by the
/// engine's `fleetReport`, in one call: the engine reads the inventory, reports each
/// cluster and orders the fleet. One guest call bounds the whole inventory (the engine's
/// time and memory limits, `--time-limit`), which a subscription's clusters stay well
/// inside.
pub fn fleet_report(
    worker: &mut Worker,
    request: &FleetReportRequest,
) -> Result<FleetReport, InventoryError> {
    let input = serde_json::to_string(request).unwrap_or_default();
    let answer = match worker.call(Op::FleetReport, &input) {
        Ok(Ok(json)) => json,
        Ok(Err(doc)) => return Err(InventoryError::NotAzOutput(doc.error.message)),
        Err(fault) => return Err(InventoryError::Engine(fault.message)),
    };
    serde_json::from_str(&answer).map_err(|e| {
        InventoryError::Engine(format!("the answer is not a FleetReport document: {e}"))
    })
}

/// The clusters of a fleet report in inventory order, as the renderers and shard
/// documents take them; only `shard`'s share when given. An error gets the command line's
/// wording (how to supply a missing creation date).
pub fn outcomes(entries: Vec<FleetEntry>, shard: Option<ShardSpec>) -> Vec<ReportOutcome> {
    let mut out: Vec<ReportOutcome> = entries
        .into_iter()
        .filter(|e| shard.is_none_or(|s| s.holds(e.row.index)))
        .map(|e| {
            let mut row = e.row;
            row.error = row.error.map(|f| ClusterFailure {
                message: cli_message(&row.name, f.kind, f.message),
                kind: f.kind,
            });
            ReportOutcome {
                index: row.index,
                report: None,
                parsed: e.report,
                name: row.name.clone(),
                resource_group: row.resource_group.clone(),
                error: row.error.clone(),
                notes: row.notes.clone(),
                row: Some(row),
            }
        })
        .collect();
    out.sort_by_key(|o| o.index);
    out
}

/// Print the document-level notes of an inventory read from `source` on stderr.
pub fn print_notes(source: &str, notes: &[String]) {
    for n in notes {
        eprintln!("akscert: note: {source}: {n}");
    }
}

fn entry(e: akscert_core::report::AksFactsEntry) -> InventoryEntry {
    let name = e.name.unwrap_or_else(|| format!("#{}", e.index));
    let facts = match (e.facts, e.error) {
        (Some(facts), _) => Ok(facts),
        (None, error) => {
            let error = error.map_or_else(
                || {
                    ClusterFailure::new(
                        FailureKind::AbiViolation,
                        "the engine gave neither facts nor an error",
                    )
                },
                ClusterFailure::from,
            );
            Err(ClusterFailure {
                message: cli_message(&name, error.kind, error.message),
                kind: error.kind,
            })
        }
    };
    InventoryEntry {
        index: e.index,
        name,
        resource_group: e.resource_group.unwrap_or_default(),
        facts,
        notes: e.notes,
    }
}

/// The engine's message, with the command line's way of supplying a missing creation date.
fn cli_message(name: &str, kind: FailureKind, message: String) -> String {
    if kind == FailureKind::MissingCreationDate {
        format!(
            "cluster `{name}`: the JSON gives no creation date (no systemData.createdAt); pass --assume-created DATE or tag the cluster akscert-created=DATE (the age of the oldest node in `kubectl get nodes` is a good hint)"
        )
    } else {
        message
    }
}
