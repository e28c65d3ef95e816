//! The fleet view: what needs doing in each cluster, and how soon — open actions,
//! expired or stale certificates, rotations due, broken kubeconfigs — relative to `now`
//! and the warning window; the clusters most urgent first; and the verdict that decides
//! a fleet run's exit code. The `fleetReport` operation maps `az aks list -o json` (or
//! cluster facts) to this view in one call; the CLI renders the same rows for scenarios.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::aks::AksInputError;
use super::fleet_fold::{KeyWriter, OrderKey};
use super::{AksAssumptions, AksFactsRequest, ClusterFacts, ExpiryReport};
use super::{ReportRequest, RowStatus, aks_facts, expiry_report};
use crate::cluster::ActionKind;
use crate::document::API_VERSION;
use crate::engine::{ClusterFailure, ClusterSummary, FailureKind};
use crate::policy::Policy;
use crate::time::{Duration, Instant};

/// A due item that is about a certificate or a kubeconfig rather than an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum CertificateDue {
    /// A certificate is past its notAfter.
    Expired,
    /// A pool's certificates were left behind by a rotation.
    Stale,
    /// A certificate nothing renews expires within the window, or a renewal is overdue.
    RotationDue,
    /// Someone's kubeconfig no longer works.
    KubeconfigBroken,
}

/// What kind of thing is due: an action, or a certificate's state. Serialised as one
/// camelCase name (`rotateCerts`, `expired` …), as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(untagged)]
#[non_exhaustive]
pub enum DueKind {
    /// An action the model raised.
    Action(ActionKind),
    /// A certificate or kubeconfig state.
    Certificate(CertificateDue),
}

impl DueKind {
    /// The camelCase name (the JSON value), read from the serde attributes.
    pub fn name(self) -> &'static str {
        crate::wire_name(&self).unwrap_or_default()
    }
}

impl std::fmt::Display for DueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One thing to do in a cluster, by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DueItem {
    /// Do it by then.
    pub due: Instant,
    /// What kind.
    pub kind: DueKind,
    /// About what (a pool, a holder, a certificate; empty for the whole cluster).
    pub subject: String,
    /// Why.
    pub reason: String,
    /// What to run.
    pub commands: Vec<String>,
}

/// How urgent a cluster is, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Urgency {
    /// It could not be assessed.
    Error,
    /// Something is already overdue or expired.
    Overdue,
    /// Something is due within the warning window.
    Due,
    /// Something is due, later than the window.
    Later,
    /// Nothing to do.
    Ok,
}

impl Urgency {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Error => "ERROR",
            Urgency::Overdue => "OVERDUE",
            Urgency::Due => "DUE",
            Urgency::Later => "later",
            Urgency::Ok => "ok",
        }
    }
}

/// One cluster of a fleet view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FleetRow {
    /// Position in the input.
    pub index: usize,
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// How urgent.
    pub urgency: Urgency,
    /// The earliest due date.
    pub next_due: Option<Instant>,
    /// Everything due, earliest first.
    pub items: Vec<DueItem>,
    /// Why it could not be assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ClusterFailure>,
    /// Notes from reading the input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Which cluster a row is about.
#[derive(Debug, Clone, Copy)]
pub struct RowOf<'a> {
    /// Position in the input.
    pub index: usize,
    /// Cluster name.
    pub name: &'a str,
    /// Resource group.
    pub resource_group: &'a str,
}

impl DueItem {
    /// An open action (of an expiry report or of a simulated cluster) as a due item.
    fn action(
        kind: ActionKind,
        due: Instant,
        subject: &str,
        reason: &str,
        commands: &[String],
    ) -> DueItem {
        DueItem {
            due,
            kind: DueKind::Action(kind),
            subject: subject.to_owned(),
            reason: reason.to_owned(),
            commands: commands.to_vec(),
        }
    }
}

/// The due items of an expiry report: its open actions, its expired, stale and due
/// certificates, and its broken kubeconfigs — earliest first.
pub fn report_items(r: &ExpiryReport) -> Vec<DueItem> {
    let mut items: Vec<DueItem> = r
        .actions
        .iter()
        .map(|a| DueItem::action(a.kind, a.due, &a.subject, &a.reason, &a.commands))
        .collect();
    for row in &r.rows {
        let kind = match row.status {
            RowStatus::Expired => CertificateDue::Expired,
            RowStatus::Stale => CertificateDue::Stale,
            RowStatus::RotationDue => CertificateDue::RotationDue,
            RowStatus::Ok | RowStatus::NoNodes => continue,
        };
        items.push(DueItem {
            // A stale pool is due now; the others by the certificate's end.
            due: match row.status {
                RowStatus::Stale => r.now,
                _ => row.not_after.unwrap_or(r.now),
            },
            kind: DueKind::Certificate(kind),
            subject: format!("{} ({})", row.title, row.scope),
            reason: row.why.clone(),
            commands: row.remediation.clone(),
        });
    }
    for k in &r.kubeconfigs {
        if let Some(msg) = &k.kubectl {
            items.push(DueItem {
                due: r.now,
                kind: DueKind::Certificate(CertificateDue::KubeconfigBroken),
                subject: k.holder.clone(),
                reason: msg.clone(),
                commands: k.remediation.clone(),
            });
        }
    }
    sort_items(&mut items);
    items
}

/// What the model decides about a simulated cluster's fleet row: how urgent it is, and
/// which of its summary's actions are due, by position in `summary.actions`, in the row's
/// order. It is what an engine answers beside a cluster's timeline (a few bytes, where the
/// row itself would repeat the actions' texts); the holder of the summary builds the row
/// with [`FleetRow::of_decision`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RowDecision {
    /// How urgent.
    pub urgency: Urgency,
    /// The due actions' positions in the summary, earliest first.
    pub items: Vec<usize>,
}

impl RowDecision {
    /// The decision for a cluster with `summary` (`None` and `failed` for a cluster whose
    /// run failed) at `now`, with warning window `warn`.
    pub fn of_summary(
        summary: Option<&ClusterSummary>,
        failed: bool,
        now: Instant,
        warn: Duration,
    ) -> RowDecision {
        let items = summary
            .map(|s| Self::due_actions(s, now))
            .unwrap_or_default();
        let first_due = summary
            .and_then(|s| items.first().and_then(|&i| s.actions.get(i)))
            .map(|a| a.due);
        RowDecision {
            urgency: urgency_of(first_due, failed, now, warn),
            items,
        }
    }

    /// The due items of a simulated cluster at `now` — the actions raised by `now` and
    /// not resolved by then — by position, earliest first (due date, kind, subject; ties in
    /// the summary's order).
    fn due_actions(s: &ClusterSummary, now: Instant) -> Vec<usize> {
        let mut items: Vec<usize> = s
            .actions
            .iter()
            .enumerate()
            .filter(|(_, a)| a.raised <= now && a.resolved.is_none_or(|r| r > now))
            .map(|(i, _)| i)
            .collect();
        if items.len() > 1 {
            // Each key once (the kind's wire name is looked up through serde).
            let mut keyed: Vec<_> = items
                .iter()
                .map(|&i| {
                    let a = &s.actions[i];
                    (a.due, DueKind::Action(a.kind).name(), a.subject.as_str(), i)
                })
                .collect();
            crate::sort::sort_by(&mut keyed, |a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            items = keyed.into_iter().map(|k| k.3).collect();
        }
        items
    }

    /// The first position this decision names that is not one of `summary`'s actions (a
    /// decision made for another cluster), if any.
    pub fn foreign_action(&self, summary: Option<&ClusterSummary>) -> Option<usize> {
        let actions = summary.map_or(0, |s| s.actions.len());
        self.items.iter().copied().find(|&i| i >= actions)
    }

    /// The due items at `positions` of `s`'s actions (positions past the end skipped).
    fn items_of(positions: &[usize], s: &ClusterSummary) -> Vec<DueItem> {
        positions
            .iter()
            .filter_map(|&i| s.actions.get(i))
            .map(|a| DueItem::action(a.kind, a.due, &a.subject, &a.reason, &a.commands))
            .collect()
    }
}

fn sort_items(items: &mut [DueItem]) {
    crate::sort::sort_by(items, |a, b| {
        (a.due, a.kind.name(), &a.subject).cmp(&(b.due, b.kind.name(), &b.subject))
    });
}

/// How urgent `items` (sorted) make a cluster at `now` with warning window `warn`.
pub fn urgency(items: &[DueItem], failed: bool, now: Instant, warn: Duration) -> Urgency {
    urgency_of(items.iter().map(|i| i.due).min(), failed, now, warn)
}

/// How urgent a cluster whose earliest item is due at `first_due` is.
fn urgency_of(first_due: Option<Instant>, failed: bool, now: Instant, warn: Duration) -> Urgency {
    if failed {
        return Urgency::Error;
    }
    match first_due {
        None => Urgency::Ok,
        Some(d) if d < now => Urgency::Overdue,
        Some(d) if d <= now + warn => Urgency::Due,
        Some(_) => Urgency::Later,
    }
}

impl FleetRow {
    /// The row of a cluster's expiry report (or of its failure), at the report's `now`.
    pub fn of_report(
        who: RowOf<'_>,
        report: Option<&ExpiryReport>,
        error: Option<ClusterFailure>,
        notes: Vec<String>,
        now: Instant,
        warn: Duration,
    ) -> FleetRow {
        let items = report.map(report_items).unwrap_or_default();
        let mut u = urgency(&items, error.is_some(), now, warn);
        // An expired or stale certificate is overdue even when its item's date is not
        // (a stale pool's certificates may still be within their validity).
        if u != Urgency::Error
            && report.is_some_and(|r| matches!(r.worst, RowStatus::Expired | RowStatus::Stale))
        {
            u = Urgency::Overdue;
        }
        FleetRow::new(who, u, items, error, notes)
    }

    /// The row of a simulated cluster (its summary, or `None` when its run failed).
    pub fn of_summary(
        who: RowOf<'_>,
        summary: Option<&ClusterSummary>,
        error: Option<ClusterFailure>,
        now: Instant,
        warn: Duration,
    ) -> FleetRow {
        let decision = RowDecision::of_summary(summary, error.is_some(), now, warn);
        let items = summary
            .map(|s| RowDecision::items_of(&decision.items, s))
            .unwrap_or_default();
        FleetRow::new(who, decision.urgency, items, error, Vec::new())
    }

    /// The row a [`RowDecision`] describes for a cluster with `summary`; `None` if the
    /// decision names an action the summary does not have (it was made for another).
    pub fn of_decision(
        who: RowOf<'_>,
        summary: Option<&ClusterSummary>,
        error: Option<ClusterFailure>,
        decision: &RowDecision,
    ) -> Option<FleetRow> {
        if decision.foreign_action(summary).is_some() {
            return None;
        }
        let items = summary
            .map(|s| RowDecision::items_of(&decision.items, s))
            .unwrap_or_default();
        Some(FleetRow::new(
            who,
            decision.urgency,
            items,
            error,
            Vec::new(),
        ))
    }

    fn new(
        who: RowOf<'_>,
        urgency: Urgency,
        items: Vec<DueItem>,
        error: Option<ClusterFailure>,
        notes: Vec<String>,
    ) -> FleetRow {
        FleetRow {
            index: who.index,
            name: who.name.to_string(),
            resource_group: who.resource_group.to_string(),
            urgency,
            next_due: items.first().map(|i| i.due),
            items,
            error,
            notes,
        }
    }

    /// Where this row stands in the fleet's order.
    pub fn order(&self) -> RowOrder {
        RowOrder::new(self.urgency, self.next_due, &self.name, self.index)
    }
}

/// Sort rows most urgent first (see [`RowOrder`]).
pub fn sort_rows(rows: &mut [FleetRow]) {
    crate::sort::sort_by(rows, row_order);
}

fn row_order(a: &FleetRow, b: &FleetRow) -> std::cmp::Ordering {
    order_key(a).cmp(&order_key(b))
}

/// The fleet's order, written once: urgency, then the earliest due date (a row with
/// nothing due after every dated one), then name and input position.
fn order_key(r: &FleetRow) -> (Urgency, Instant, &str, usize) {
    (r.urgency, due_or_last(r.next_due), &r.name, r.index)
}

/// A row's earliest due date as the order has it: nothing due sorts after every date.
fn due_or_last(next_due: Option<Instant>) -> Instant {
    next_due.unwrap_or(Instant::MAX)
}

/// A row's place in the fleet's order, most urgent first, kept without the row: what a
/// report written as clusters arrive sorts its rows by, as [`sort_rows`] sorts them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowOrder((Urgency, Instant, String, usize));

impl RowOrder {
    /// The place of the row of cluster `name` at position `index` with `urgency`, whose
    /// earliest item is due at `next_due`.
    pub fn new(urgency: Urgency, next_due: Option<Instant>, name: &str, index: usize) -> RowOrder {
        RowOrder((urgency, due_or_last(next_due), name.to_owned(), index))
    }

    /// This place as a key that sorts as the places do.
    pub fn key(&self) -> OrderKey {
        let (urgency, due, name, index) = &self.0;
        KeyWriter::default()
            .rank(*urgency as u8)
            .instant(*due)
            .text(name)
            .index(*index)
            .finish()
    }

    /// The row's urgency.
    pub fn urgency(&self) -> Urgency {
        self.0.0
    }

    /// The row's position in the input.
    pub fn index(&self) -> usize {
        self.0.3
    }
}

/// What a fleet view means for the exit code of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// 0: nothing due within the window.
    #[default]
    Clear,
    /// 1: something expires or needs action within the window (or already did).
    Due,
    /// 2: a cluster could not be assessed (the rest of the view is still complete).
    Error,
}

impl Verdict {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Verdict::Clear => 0,
            Verdict::Due => 1,
            Verdict::Error => 2,
        }
    }

    /// The verdict of one cluster's urgency.
    pub fn of_urgency(u: Urgency) -> Verdict {
        match u {
            Urgency::Error => Verdict::Error,
            Urgency::Overdue | Urgency::Due => Verdict::Due,
            Urgency::Later | Urgency::Ok => Verdict::Clear,
        }
    }

    /// The verdict of some rows: the worst of theirs.
    pub fn of(rows: &[FleetRow]) -> Verdict {
        rows.iter()
            .map(|r| Verdict::of_urgency(r.urgency))
            .max()
            .unwrap_or(Verdict::Clear)
    }
}

/// Clusters per urgency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FleetCounts {
    /// Clusters.
    pub clusters: usize,
    /// Could not be assessed.
    pub errors: usize,
    /// Overdue.
    pub overdue: usize,
    /// Due within the window.
    pub due: usize,
    /// Due later.
    pub later: usize,
    /// Nothing due.
    pub ok: usize,
}

impl FleetCounts {
    /// Count rows.
    pub fn of(rows: &[FleetRow]) -> FleetCounts {
        let mut c = FleetCounts::default();
        for r in rows {
            c.add(r.urgency);
        }
        c
    }

    /// Count one more cluster.
    pub fn add(&mut self, u: Urgency) {
        self.clusters += 1;
        match u {
            Urgency::Error => self.errors += 1,
            Urgency::Overdue => self.overdue += 1,
            Urgency::Due => self.due += 1,
            Urgency::Later => self.later += 1,
            Urgency::Ok => self.ok += 1,
        }
    }
}

/// Where a fleet view's clusters came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum FleetSource {
    /// Simulated from a scenario.
    Scenario,
    /// Reported from `az aks list` output or cluster facts.
    Inventory,
}

/// One cluster of a [`FleetReport`]: its row, and the report or summary it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FleetEntry {
    /// The row.
    #[serde(flatten)]
    pub row: FleetRow,
    /// The cluster's expiry report (inventories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ExpiryReport>,
    /// The cluster's simulation summary (scenarios).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ClusterSummary>,
}

/// The fleet report: every cluster, most urgent first (reads back from its JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FleetReport {
    /// `akscert/v1`.
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: String,
    /// `FleetReport`.
    pub kind: String,
    /// Scenario or inventory.
    pub source: FleetSource,
    /// The instant reported on.
    pub now: Instant,
    /// The warning window.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// Clusters per urgency.
    pub counts: FleetCounts,
    /// What the fleet means for a run's exit code: the most urgent cluster's verdict.
    pub verdict: Verdict,
    /// Every cluster, most urgent first.
    pub clusters: Vec<FleetEntry>,
    /// Remarks on the input as a whole (list items that are not clusters, skipped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl FleetReport {
    /// The report of `entries` (in any order; sorted here, most urgent first).
    pub fn new(
        source: FleetSource,
        now: Instant,
        warn_within: Duration,
        mut entries: Vec<FleetEntry>,
        notes: Vec<String>,
    ) -> FleetReport {
        crate::sort::sort_by(&mut entries, |a, b| row_order(&a.row, &b.row));
        let mut counts = FleetCounts::default();
        let mut verdict = Verdict::Clear;
        for e in &entries {
            counts.add(e.row.urgency);
            verdict = verdict.max(Verdict::of_urgency(e.row.urgency));
        }
        FleetReport {
            api_version: API_VERSION.into(),
            kind: "FleetReport".into(),
            source,
            now,
            warn_within,
            counts,
            verdict,
            clusters: entries,
            notes,
        }
    }
}

/// `fleetReport` input: `az aks list|show -o json` output and/or cluster facts, the
/// present and the warning window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FleetReportRequest {
    /// What `az aks list -o json` or `az aks show -o json` printed, as text or as the
    /// document (see `aksFacts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(type = "string | object"))]
    pub input: Option<Value>,
    /// What to assume where the az JSON is silent.
    #[serde(default)]
    pub assume: AksAssumptions,
    /// Clusters given as facts (after those of `input`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<ClusterFacts>,
    /// The instant to report on.
    pub now: Instant,
    /// Anything due within this span counts as due (default 30 days).
    #[serde(default = "crate::document::thirty_days")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// Policy overrides.
    #[serde(default)]
    pub policy: Policy,
}

/// The `fleetReport` operation: each cluster's expiry report at `now`, as a fleet view,
/// most urgent first. A cluster without facts or whose facts do not replay is a row of
/// its own with the error; only input that is no az output at all fails the call.
pub fn fleet_report(req: &FleetReportRequest) -> Result<FleetReport, AksInputError> {
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    if let Some(input) = &req.input {
        let facts = aks_facts(&AksFactsRequest {
            input: input.clone(),
            assume: req.assume,
            now: req.now,
            policy: req.policy.clone(),
        })?;
        notes = facts.notes;
        for e in facts.clusters {
            let name = e.name.unwrap_or_else(|| format!("#{}", e.index));
            let rg = e.resource_group.unwrap_or_default();
            let who = RowOf {
                index: e.index,
                name: &name,
                resource_group: &rg,
            };
            let failure = e.error.map(ClusterFailure::from);
            entries.push(entry(req, who, e.facts, failure, e.notes));
        }
    }
    let first = entries.len();
    for (i, facts) in req.clusters.iter().enumerate() {
        let who = RowOf {
            index: first + i,
            name: &facts.name,
            resource_group: &facts.resource_group,
        };
        entries.push(entry(req, who, Some(facts.clone()), None, Vec::new()));
    }
    Ok(FleetReport::new(
        FleetSource::Inventory,
        req.now,
        req.warn_within,
        entries,
        notes,
    ))
}

fn entry(
    req: &FleetReportRequest,
    who: RowOf<'_>,
    facts: Option<ClusterFacts>,
    failure: Option<ClusterFailure>,
    notes: Vec<String>,
) -> FleetEntry {
    let report = facts.map(|cluster| {
        expiry_report(&ReportRequest {
            now: req.now,
            warn_within: req.warn_within,
            policy: req.policy.clone(),
            cluster,
        })
    });
    let (report, error) = match (report, failure) {
        (_, Some(f)) => (None, Some(f)),
        (Some(Ok(r)), None) => (Some(r), None),
        (Some(Err(e)), None) => (
            None,
            Some(ClusterFailure::new(
                FailureKind::InvalidClusterFacts,
                e.to_string(),
            )),
        ),
        (None, None) => (
            None,
            Some(ClusterFailure::new(
                FailureKind::MissingFacts,
                format!("cluster `{}`: no facts", who.name),
            )),
        ),
    };
    let row = FleetRow::of_report(who, report.as_ref(), error, notes, req.now, req.warn_within);
    FleetEntry {
        row,
        report,
        summary: None,
    }
}

#[cfg(test)]
#[path = "fleet_tests.rs"]
mod tests;
