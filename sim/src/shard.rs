//! Shards: `--shard I/N` runs the clusters whose index is `I` modulo `N` and writes a
//! shard document; `akscert merge` checks that the shards belong together (same command,
//! same input, same `--now` and window, every shard once, every cluster once) and puts
//! them back into exactly the run a single process would have made.

use std::str::FromStr;

use akscert_core::api::RowAt;
use akscert_core::engine::API_VERSION;
use akscert_core::report::fleet::RowDecision;
use akscert_core::time::{Duration, Instant};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::outcome::{ClusterOutcome, InventoryRun, ReportOutcome, RunHeader, SimulationRun};

/// `I/N`: shard `I` (0-based, as a Kubernetes Indexed Job's completion index) of `N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardSpec {
    /// This shard, `0..count`.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl ShardSpec {
    /// Whether cluster `i` belongs to this shard.
    pub fn holds(&self, i: usize) -> bool {
        i % self.count == self.index
    }
}

impl FromStr for ShardSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not I/N (e.g. 0/4)"))?;
        let index: usize = i
            .trim()
            .parse()
            .map_err(|_| format!("`{i}` is not a shard number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 {
            return Err(format!(
                "shard {index}/{count}: the count must be at least 1 (the number of shards)"
            ));
        }
        if index >= count {
            return Err(format!(
                "shard {index}/{count}: the index must be 0 to {} (0-based, as JOB_COMPLETION_INDEX)",
                count.saturating_sub(1)
            ));
        }
        Ok(ShardSpec { index, count })
    }
}

/// Which command made a run, which decides how `merge` renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Command {
    /// `akscert simulate`: a timeline.
    Simulate,
    /// `akscert fleet` over a scenario: a fleet report.
    FleetScenario,
    /// `akscert fleet` over an `az aks list` inventory: a fleet report.
    FleetInventory,
}

/// A shard's output.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardDoc<T> {
    /// `akscert/v1`.
    pub api_version: String,
    /// `Shard`.
    pub kind: String,
    /// The command that ran.
    pub command: Command,
    /// Which shard.
    pub shard: ShardSpec,
    /// SHA-256 of the command, its input and settings: shards merge only with their own.
    pub fingerprint: String,
    /// The `--now` used.
    pub now: Instant,
    /// The `--warn-within` used.
    pub warn_within: Duration,
    /// Clusters in the whole input.
    pub total_clusters: usize,
    /// For simulations: scenario name, seed, span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunHeader>,
    /// This shard's clusters, by index.
    pub clusters: Vec<T>,
    /// For simulations: each cluster's fleet row as the engine that ran it decided it, in
    /// `clusters` order (empty in older shards: then `merge` asks core).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowDecision>,
}

/// The fingerprint of a run: command, canonical input JSON, now and window.
pub fn fingerprint(command: Command, input_json: &str, now: Instant, warn: Duration) -> String {
    let mut h = Sha256::new();
    h.update(format!("{command:?}\n{now}\n{warn}\n").as_bytes());
    h.update(input_json.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The envelope fields every shard file has (read before the clusters' type is known).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardHead {
    /// `akscert/v1`.
    pub api_version: String,
    /// `Shard`.
    pub kind: String,
    /// The command.
    pub command: Command,
}

/// Why shards do not merge.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No shards given.
    #[error("no shard files given")]
    Empty,
    /// A file is not a shard document.
    #[error("{file}: {why}")]
    NotAShard {
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// Shards of different runs.
    #[error(
        "{file} is from another run than {first} ({what}); shards merge only with the shards of the same command, input, --now and --warn-within"
    )]
    Mismatch {
        /// The odd one.
        file: String,
        /// The first file.
        first: String,
        /// What differs.
        what: String,
    },
    /// A shard given twice.
    #[error("shard {index}/{count} is given twice ({file})")]
    Duplicate {
        /// The file.
        file: String,
        /// Shard.
        index: usize,
        /// Count.
        count: usize,
    },
    /// Shards missing.
    #[error("shard(s) {missing} of {count} missing: a merge needs every shard")]
    Missing {
        /// Which.
        missing: String,
        /// Count.
        count: usize,
    },
    /// A shard that does not hold exactly its slice.
    #[error("{file}: {why}")]
    BadSlice {
        /// The file.
        file: String,
        /// What is wrong.
        why: String,
    },
}

/// Check a set of shard documents and return their clusters in index order.
pub fn merge<T>(
    docs: Vec<(String, ShardDoc<T>)>,
    index_of: impl Fn(&T) -> usize,
) -> Result<(ShardDoc<()>, Vec<T>), MergeError> {
    let Some((first_file, first)) = docs.first().map(|(f, d)| (f.clone(), d)) else {
        return Err(MergeError::Empty);
    };
    let count = first.shard.count;
    let head = ShardDoc {
        api_version: first.api_version.clone(),
        kind: first.kind.clone(),
        command: first.command,
        shard: first.shard,
        fingerprint: first.fingerprint.clone(),
        now: first.now,
        warn_within: first.warn_within,
        total_clusters: first.total_clusters,
        run: first.run.clone(),
        clusters: Vec::new(),
        rows: Vec::new(),
    };
    let mut seen = vec![false; count];
    let mut all = Vec::with_capacity(head.total_clusters);
    for (file, doc) in docs {
        let mismatch = |what: String| MergeError::Mismatch {
            file: file.clone(),
            first: first_file.clone(),
            what,
        };
        if doc.command != head.command {
            return Err(mismatch(format!(
                "command {:?} vs {:?}",
                doc.command, head.command
            )));
        }
        if doc.shard.count != count {
            return Err(mismatch(format!("{} shards vs {count}", doc.shard.count)));
        }
        if doc.now != head.now {
            return Err(mismatch(format!("--now {} vs {}", doc.now, head.now)));
        }
        if doc.warn_within != head.warn_within {
            return Err(mismatch(format!(
                "--warn-within {} vs {}",
                doc.warn_within, head.warn_within
            )));
        }
        if doc.fingerprint != head.fingerprint {
            return Err(mismatch("a different input or seed".into()));
        }
        let i = doc.shard.index;
        if i >= count {
            return Err(MergeError::BadSlice {
                file,
                why: format!("shard index {i} is not below the count {count}"),
            });
        }
        if std::mem::replace(&mut seen[i], true) {
            return Err(MergeError::Duplicate {
                file,
                index: i,
                count,
            });
        }
        let expected = (0..head.total_clusters)
            .filter(|c| doc.shard.holds(*c))
            .count();
        if doc.clusters.len() != expected
            || doc.clusters.iter().any(|c| !doc.shard.holds(index_of(c)))
        {
            return Err(MergeError::BadSlice {
                file,
                why: format!(
                    "shard {i}/{count} should hold the {expected} clusters whose index is {i} modulo {count}; it holds {}",
                    doc.clusters.len()
                ),
            });
        }
        all.extend(doc.clusters);
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(i, _)| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count,
        });
    }
    all.sort_by_key(&index_of);
    Ok((head, all))
}

/// A shard document for a simulation.
pub fn simulation_shard(
    command: Command,
    fingerprint: String,
    shard: ShardSpec,
    total: usize,
    run: SimulationRun,
) -> ShardDoc<ClusterOutcome> {
    ShardDoc {
        api_version: API_VERSION.into(),
        kind: "Shard".into(),
        command,
        shard,
        fingerprint,
        now: run.now,
        warn_within: run.warn_within,
        total_clusters: total,
        run: Some(run.header),
        // All or nothing: a row decided for another instant, or none, is core's at merge.
        rows: run
            .clusters
            .iter()
            .map(|c| c.row_decided(run.now, run.warn_within).cloned())
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default(),
        clusters: run.clusters,
    }
}

/// Give each of a simulation shard's clusters the row decision the shard carries (none
/// when it carries none); a decision that does not fit its cluster's summary is refused.
pub fn attach_rows(file: &str, doc: &mut ShardDoc<ClusterOutcome>) -> Result<(), MergeError> {
    if doc.rows.is_empty() {
        return Ok(());
    }
    let bad = |why: String| MergeError::NotAShard {
        file: file.to_string(),
        why,
    };
    if doc.rows.len() != doc.clusters.len() {
        return Err(bad(format!(
            "{} row decisions for {} clusters",
            doc.rows.len(),
            doc.clusters.len()
        )));
    }
    let at = RowAt {
        now: doc.now,
        warn_within: doc.warn_within,
    };
    for (c, d) in doc.clusters.iter_mut().zip(std::mem::take(&mut doc.rows)) {
        c.attach_row(at, d).map_err(bad)?;
    }
    Ok(())
}

/// A shard document for an inventory.
pub fn inventory_shard(
    fingerprint: String,
    shard: ShardSpec,
    total: usize,
    run: InventoryRun,
) -> ShardDoc<ReportOutcome> {
    ShardDoc {
        api_version: API_VERSION.into(),
        kind: "Shard".into(),
        command: Command::FleetInventory,
        shard,
        fingerprint,
        now: run.now,
        warn_within: run.warn_within,
        total_clusters: total,
        run: None,
        clusters: run.clusters,
        rows: Vec::new(),
    }
}
