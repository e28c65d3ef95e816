//! What needs doing, and how soon: each cluster's due items (open actions, expired or
//! soon-expiring certificates, broken kubeconfigs) relative to `now` and the warning
//! window, the fleet sorted by urgency, and the exit code they imply.

use akscert_core::engine::ClusterFailure;
use akscert_core::report::{ExpiryReport, RowStatus};
use akscert_core::time::{Duration, Instant};
use serde::Serialize;

use crate::outcome::{ClusterOutcome, InventoryRun, ReportOutcome, SimulationRun};

/// How urgent a cluster is, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Urgency {
    /// It could not be assessed (its run failed).
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
    /// A short label.
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

/// One thing to do, by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueItem {
    /// Do it by then.
    pub due: Instant,
    /// What kind (an action kind, `expired`, `stale`, `rotationDue`, `kubeconfigBroken`).
    pub kind: String,
    /// About what.
    pub subject: String,
    /// Why.
    pub reason: String,
    /// What to run.
    pub commands: Vec<String>,
}

/// One cluster of a fleet report.
#[derive(Debug, Clone, Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ClusterFailure>,
    /// Notes from reading the input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn kind_name<T: Serialize>(kind: &T) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The due items of an expiry report.
pub fn report_items(r: &ExpiryReport) -> Vec<DueItem> {
    let mut items: Vec<DueItem> = r
        .actions
        .iter()
        .map(|a| DueItem {
            due: a.due,
            kind: kind_name(&a.kind),
            subject: a.subject.clone(),
            reason: a.reason.clone(),
            commands: a.commands.clone(),
        })
        .collect();
    for row in &r.rows {
        let kind = match row.status {
            RowStatus::Expired => "expired",
            RowStatus::Stale => "stale",
            RowStatus::RotationDue => "rotationDue",
            RowStatus::Ok | RowStatus::NoNodes => continue,
        };
        items.push(DueItem {
            due: match row.status {
                RowStatus::Stale => r.now,
                _ => row.not_after.unwrap_or(r.now),
            },
            kind: kind.into(),
            subject: format!("{} ({})", row.title, row.scope),
            reason: row.why.clone(),
            commands: row.remediation.clone(),
        });
    }
    for k in &r.kubeconfigs {
        if let Some(msg) = &k.kubectl {
            items.push(DueItem {
                due: r.now,
                kind: "kubeconfigBroken".into(),
                subject: k.holder.clone(),
                reason: msg.clone(),
                commands: k.remediation.clone(),
            });
        }
    }
    sort_items(&mut items);
    items
}

/// The due items of a simulated cluster: actions still open at `now` (raised at any
/// time, not resolved by `now`).
pub fn timeline_items(c: &ClusterOutcome, now: Instant) -> Vec<DueItem> {
    let Some(s) = &c.timeline.summary else {
        return Vec::new();
    };
    let mut items: Vec<DueItem> = s
        .actions
        .iter()
        .filter(|a| a.raised <= now && a.resolved.is_none_or(|r| r > now))
        .map(|a| DueItem {
            due: a.due,
            kind: kind_name(&a.kind),
            subject: a.subject.clone(),
            reason: a.reason.clone(),
            commands: a.commands.clone(),
        })
        .collect();
    sort_items(&mut items);
    items
}

fn sort_items(items: &mut [DueItem]) {
    items.sort_by(|a, b| (a.due, &a.kind, &a.subject).cmp(&(b.due, &b.kind, &b.subject)));
}

fn urgency(items: &[DueItem], failed: bool, now: Instant, warn: Duration) -> Urgency {
    if failed {
        return Urgency::Error;
    }
    match items.iter().map(|i| i.due).min() {
        None => Urgency::Ok,
        Some(d) if d < now => Urgency::Overdue,
        Some(d) if d <= now + warn => Urgency::Due,
        Some(_) => Urgency::Later,
    }
}

/// A fleet row for a report outcome.
pub fn report_row(o: &ReportOutcome, now: Instant, warn: Duration) -> FleetRow {
    let items = o.parsed.as_ref().map(report_items).unwrap_or_default();
    let mut u = urgency(&items, o.error.is_some(), now, warn);
    if u != Urgency::Error
        && o.parsed
            .as_ref()
            .is_some_and(|v| matches!(v.worst, RowStatus::Expired | RowStatus::Stale))
    {
        u = Urgency::Overdue;
    }
    FleetRow {
        index: o.index,
        name: o.name.clone(),
        resource_group: o.resource_group.clone(),
        urgency: u,
        next_due: items.first().map(|i| i.due),
        items,
        error: o.error.clone(),
        notes: o.notes.clone(),
    }
}

/// A fleet row for a simulated cluster.
pub fn timeline_row(c: &ClusterOutcome, now: Instant, warn: Duration) -> FleetRow {
    let items = timeline_items(c, now);
    let t = &c.timeline;
    FleetRow {
        index: t.index,
        name: t.name.clone(),
        resource_group: t.resource_group.clone(),
        urgency: urgency(&items, t.error.is_some(), now, warn),
        next_due: items.first().map(|i| i.due),
        items,
        error: t.error.clone(),
        notes: Vec::new(),
    }
}

/// Sort rows most urgent first: urgency, then the earliest due date, then name.
pub fn sort_rows(rows: &mut [FleetRow]) {
    rows.sort_by(|a, b| {
        (
            a.urgency,
            a.next_due.unwrap_or(Instant::MAX),
            &a.name,
            a.index,
        )
            .cmp(&(
                b.urgency,
                b.next_due.unwrap_or(Instant::MAX),
                &b.name,
                b.index,
            ))
    });
}

/// The fleet rows of a simulation, most urgent first.
pub fn simulation_rows(run: &SimulationRun) -> Vec<FleetRow> {
    let mut rows: Vec<FleetRow> = run
        .clusters
        .iter()
        .map(|c| timeline_row(c, run.now, run.warn_within))
        .collect();
    sort_rows(&mut rows);
    rows
}

/// The fleet rows of an inventory, most urgent first.
pub fn inventory_rows(run: &InventoryRun) -> Vec<FleetRow> {
    let mut rows: Vec<FleetRow> = run
        .clusters
        .iter()
        .map(|c| report_row(c, run.now, run.warn_within))
        .collect();
    sort_rows(&mut rows);
    rows
}

/// The exit code a set of rows implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// 0: nothing due within the window.
    Clear,
    /// 1: something expires or needs action within the window (or already did).
    Due,
    /// 2: an error (including a cluster whose run failed; the report is still complete).
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

    /// The verdict of some rows.
    pub fn of(rows: &[FleetRow]) -> Verdict {
        rows.iter()
            .map(|r| match r.urgency {
                Urgency::Error => Verdict::Error,
                Urgency::Overdue | Urgency::Due => Verdict::Due,
                Urgency::Later | Urgency::Ok => Verdict::Clear,
            })
            .max()
            .unwrap_or(Verdict::Clear)
    }
}
