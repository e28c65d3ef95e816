//! A simulated fleet's view folded one cluster at a time: the totals, the counts per
//! urgency and the verdict so far, and each cluster's place — and each of its open
//! actions' — in the fleet's orders, as keys that sort as text.
//!
//! A report written as its clusters arrive (the CLI streams fleets of any size) cannot
//! hold every row and action to sort them at the end, and its host need not know how the
//! fleet is ordered: [`fold_cluster`] answers, for each cluster, the new totals and the
//! [`OrderKey`]s of its row and of its open actions. The host keeps the rows and actions
//! wherever it likes (the CLI spills them to disk with their keys) and at the end puts
//! them in key order: that is [`sort_rows`](super::fleet::sort_rows)' order for the rows
//! and [`FleetSummary::finish`]'s for the actions. The totals are what the whole run's
//! [`FleetSummary`], [`FleetCounts`] and [`Verdict`] would be, less the actions (which
//! went out with their keys).
//!
//! Call order: start from [`FleetTotals::default`]; for each cluster, in any order,
//! [`FleetTotals::add`] (natively) or [`fold_cluster`] — the host ABI's `foldCluster`,
//! which takes a packed input only (`api::pack_fold`) — with the totals the previous call
//! answered; the last totals are the fleet's.

use serde::{Deserialize, Serialize};

use super::fleet::{FleetCounts, FleetRow, RowOrder, Urgency, Verdict};
use crate::engine::{ActionOrder, ClusterSummary, FleetAction, FleetSummary, SummaryShare};
use crate::time::Instant;

/// A place in one of the fleet's orders, as text: keys compare as strings (byte by byte,
/// as both Rust's `str` and JavaScript's `<` compare lowercase hex) exactly as the places
/// they encode, so a host sorts by them without knowing the order's rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderKey(String);

impl OrderKey {
    /// The key as text (lowercase hex).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Builds an [`OrderKey`] from the fields of a place, most significant first, each in a
/// form whose byte order is the field's order.
#[derive(Debug, Default)]
pub(crate) struct KeyWriter(Vec<u8>);

impl KeyWriter {
    /// A variant's rank among its enum's (its declaration order, as derived `Ord` has it).
    pub(crate) fn rank(mut self, rank: u8) -> Self {
        self.0.push(rank);
        self
    }

    /// An instant: its seconds, big-endian with the sign bit flipped (so that negative
    /// ones come first).
    pub(crate) fn instant(mut self, t: Instant) -> Self {
        let biased = (t.unix() as u64) ^ (1 << 63);
        self.0.extend_from_slice(&biased.to_be_bytes());
        self
    }

    /// A count or position, big-endian.
    pub(crate) fn index(mut self, i: usize) -> Self {
        self.0.extend_from_slice(&(i as u64).to_be_bytes());
        self
    }

    /// Text, in `str`'s order: its bytes with each 0x00 written 0x00 0xFF, then 0x00 0x00
    /// (so that a prefix sorts before what extends it, and nothing after the text can
    /// change how it compares).
    pub(crate) fn text(mut self, s: &str) -> Self {
        for &b in s.as_bytes() {
            self.0.push(b);
            if b == 0 {
                self.0.push(0xFF);
            }
        }
        self.0.extend_from_slice(&[0, 0]);
        self
    }

    /// The key: the bytes in lowercase hex.
    pub(crate) fn finish(self) -> OrderKey {
        OrderKey(crate::inspect::hex_lower(&self.0))
    }
}

impl ActionOrder<'_> {
    /// This place as a key that sorts as the places do.
    pub fn key(&self) -> OrderKey {
        KeyWriter::default()
            .instant(self.due)
            .text(self.cluster)
            .text(self.resource_group)
            .rank(self.kind as u8)
            .text(self.subject)
            .finish()
    }
}

/// What a fleet's view holds once its clusters so far are added: its summary (without the
/// open actions, which each cluster's fold answers with their keys), its counts per
/// urgency and its verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FleetTotals {
    /// The fleet summary; its `actionsNeeded` stays empty.
    pub summary: FleetSummary,
    /// Clusters per urgency.
    pub counts: FleetCounts,
    /// The worst cluster's verdict.
    pub verdict: Verdict,
}

/// Which cluster is added, and its row's urgency and earliest due date (as its engine
/// decided them: [`super::fleet::RowDecision`]).
#[derive(Debug, Clone, Copy)]
pub struct RowPlace<'a> {
    /// Position in the fleet.
    pub index: usize,
    /// Cluster name.
    pub name: &'a str,
    /// Resource group.
    pub resource_group: &'a str,
    /// The row's urgency.
    pub urgency: Urgency,
    /// The row's earliest due date, if anything is due.
    pub next_due: Option<Instant>,
}

impl FleetRow {
    /// This row's cluster and place, for [`FleetTotals::add`].
    pub fn place(&self) -> RowPlace<'_> {
        let (name, group) = (&self.name, &self.resource_group);
        RowPlace::new(self.index, name, group, self.urgency, self.next_due)
    }
}

impl<'a> RowPlace<'a> {
    /// The place of cluster `name` in `resource_group`, at `index` in the fleet, whose row
    /// has `urgency` and is first due at `next_due`.
    pub fn new(
        index: usize,
        name: &'a str,
        resource_group: &'a str,
        urgency: Urgency,
        next_due: Option<Instant>,
    ) -> RowPlace<'a> {
        RowPlace {
            index,
            name,
            resource_group,
            urgency,
            next_due,
        }
    }
}

/// One cluster's places in the fleet's orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterPlaces {
    /// Its row's place among the fleet's rows.
    pub row: OrderKey,
    /// Its actions still open at the horizon, each with its place among the fleet's.
    pub actions: Vec<KeyedAction>,
}

/// An open action and its place among the fleet's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyedAction {
    /// Its place.
    pub order: OrderKey,
    /// The action.
    pub action: FleetAction,
}

impl FleetTotals {
    /// Add one cluster (its summary's share, or `None` when its run failed): its places
    /// in the fleet's orders.
    pub fn add(&mut self, row: RowPlace<'_>, summary: Option<&SummaryShare>) -> ClusterPlaces {
        self.summary
            .add_share(row.name, row.resource_group, summary);
        self.place(row)
    }

    /// [`FleetTotals::add`] of a whole summary (natively: nothing is copied to be added).
    pub fn add_summary(
        &mut self,
        row: RowPlace<'_>,
        summary: Option<&ClusterSummary>,
    ) -> ClusterPlaces {
        self.summary.add(row.name, row.resource_group, summary);
        self.place(row)
    }

    /// Count the cluster just added to the summary, and place its row and open actions.
    fn place(&mut self, row: RowPlace<'_>) -> ClusterPlaces {
        self.counts.add(row.urgency);
        self.verdict = self.verdict.max(Verdict::of_urgency(row.urgency));
        let actions = std::mem::take(&mut self.summary.actions_needed)
            .into_iter()
            .map(|action| KeyedAction {
                order: action.order().key(),
                action,
            })
            .collect();
        let order = RowOrder::new(row.urgency, row.next_due, row.name, row.index);
        ClusterPlaces {
            row: order.key(),
            actions,
        }
    }
}

/// A `foldCluster` request: the totals so far (none: an empty fleet) and the cluster to
/// add.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FoldClusterRequest {
    /// What the previous call answered (absent for the first cluster).
    #[serde(default)]
    pub totals: FleetTotals,
    /// The cluster.
    pub cluster: FoldCluster,
}

/// The cluster a `foldCluster` request adds.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FoldCluster {
    /// Position in the fleet.
    pub index: usize,
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// Its row's urgency.
    pub urgency: Urgency,
    /// Its row's earliest due date (absent: nothing due).
    #[serde(default)]
    pub next_due: Option<Instant>,
    /// Its run's summary (absent: the run failed): a `ClusterSummary` reads as its share.
    #[serde(default)]
    pub summary: Option<SummaryShare>,
}

impl FoldCluster {
    /// Its row's place.
    pub fn place(&self) -> RowPlace<'_> {
        let (name, group) = (&self.name, &self.resource_group);
        RowPlace::new(self.index, name, group, self.urgency, self.next_due)
    }
}

/// The answer to `foldCluster`: the totals with the cluster added, and its places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FoldedCluster {
    /// The totals, for the next call.
    pub totals: FleetTotals,
    /// Its row's place among the fleet's rows.
    pub row: OrderKey,
    /// Its actions open at the horizon, each with its place among the fleet's.
    pub actions: Vec<KeyedAction>,
}

/// `foldCluster`: add `req.cluster` to `req.totals`.
pub fn fold_cluster(req: FoldClusterRequest) -> FoldedCluster {
    let mut totals = req.totals;
    let places = totals.add(req.cluster.place(), req.cluster.summary.as_ref());
    FoldedCluster {
        totals,
        row: places.row,
        actions: places.actions,
    }
}

#[cfg(test)]
#[path = "fleet_fold_tests.rs"]
mod tests;
