//! The human renderer: the events of a timeline that matter to a person, fleet and
//! certificate tables, and the commands to run. Styled with ANSI codes; the writer strips
//! them when stdout is not a colour terminal, NO_COLOR is set, or the output is a file.

use std::fmt::Write;

use akscert_core::cluster::{Event, EventKind};
use akscert_core::engine::{FleetAction, FleetSummary};
use akscert_core::report::RowStatus;
use akscert_core::time::Instant;
use anstyle::{AnsiColor, Style};

use akscert_core::report::fleet::{DueItem, FleetCounts, FleetRow, Urgency};

use super::{Fleet, name_of};
use crate::outcome::{ClusterOutcome, ReportOutcome, RunHeader, SimulationRun};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
const YELLOW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const GREEN: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn urgency_style(u: Urgency) -> Style {
    match u {
        Urgency::Error | Urgency::Overdue => RED,
        Urgency::Due => YELLOW,
        Urgency::Later => Style::new(),
        Urgency::Ok => GREEN,
    }
}

/// A table with left-aligned columns; `style` colours a whole row.
fn table(header: &[&str], rows: &[(Style, Vec<String>)]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for (_, r) in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let last = cells.len().saturating_sub(1);
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c.clone()
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut out = String::new();
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let _ = writeln!(out, "{}", paint(BOLD, &line(&head)));
    for (style, r) in rows {
        let _ = writeln!(out, "{}", paint(*style, &line(r)));
    }
    out
}

fn items_block(out: &mut String, row: &FleetRow, now: Instant) {
    for item in &row.items {
        let when = if item.due < now {
            format!("overdue since {}", item.due.date_string())
        } else {
            format!("due {}", item.due.date_string())
        };
        let _ = writeln!(out, "   {}  {}: {}", when, about(item), item.reason);
        for c in &item.commands {
            let _ = writeln!(out, "       {}", paint(DIM, &format!("$ {c}")));
        }
    }
}

/// What an item is about: its subject, or its kind for whole-cluster items.
fn about(item: &DueItem) -> &str {
    if item.subject.is_empty() {
        item.kind.name()
    } else {
        &item.subject
    }
}

/// A simulation: notable events per cluster, the fleet summary, what is open.
pub fn timeline(run: &SimulationRun, rows: &[FleetRow]) -> String {
    let mut out = timeline_head(&run.header);
    for c in &run.clusters {
        cluster_block(&mut out, c);
    }
    out + &timeline_tail(
        &run.summary(),
        run.now,
        run.warn_within,
        &FleetCounts::of(rows),
    )
}

/// The first line of a simulation's table (what [`timeline`] prints before the clusters).
pub fn timeline_head(h: &RunHeader) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &format!(
                "akscert simulation{} — {} to {} (seed {})",
                h.scenario
                    .as_deref()
                    .map(|n| format!(" \"{n}\""))
                    .unwrap_or_default(),
                h.start.date_string(),
                h.horizon.date_string(),
                h.seed
            )
        )
    );
    out
}

/// What [`timeline`] prints after the clusters: the fleet summary (finished) and the
/// verdict line.
pub fn timeline_tail(
    s: &FleetSummary,
    now: Instant,
    warn: akscert_core::time::Duration,
    counts: &FleetCounts,
) -> String {
    let mut out = fleet_totals(s);
    if !s.actions_needed.is_empty() {
        out.push_str(ACTIONS_HEADING);
        for a in &s.actions_needed {
            action_lines(&mut out, a);
        }
    }
    out + &verdict(now, warn, counts)
}

/// The fleet summary's totals and incidents.
pub fn fleet_totals(s: &FleetSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} {} clusters ({} failed), {} events, control plane downtime {}",
        paint(BOLD, "Fleet:"),
        s.clusters,
        s.failed_clusters,
        s.events,
        s.control_plane_downtime
    );
    for (k, n) in &s.incidents {
        let _ = writeln!(out, "   incidents {}: {n}", name_of(k));
    }
    out
}

/// The heading of the open actions, printed when there is at least one.
pub const ACTIONS_HEADING: &str = "\nActions still open at the horizon, most urgent first:\n";

/// One open action: when, where, why, and its commands.
pub fn action_lines(out: &mut String, a: &FleetAction) {
    let _ = writeln!(
        out,
        "   due {}  {}: {}",
        a.due.date_string(),
        a.cluster,
        a.reason
    );
    for c in &a.commands {
        let _ = writeln!(out, "       {}", paint(DIM, &format!("$ {c}")));
    }
}

/// The verdict line.
pub fn verdict(now: Instant, warn: akscert_core::time::Duration, counts: &FleetCounts) -> String {
    let mut out = String::new();
    verdict_line(&mut out, now, warn, counts);
    out
}

/// One cluster's block of a simulation's table.
pub fn cluster_block(out: &mut String, c: &ClusterOutcome) {
    let t = &c.timeline;
    let _ = writeln!(
        out,
        "\n{} (resource group {})",
        paint(BOLD, &format!("== {}", t.name)),
        t.resource_group
    );
    if let Some(e) = &t.error {
        let _ = writeln!(
            out,
            "   {} {} ({})",
            paint(RED, "simulation failed:"),
            e.message,
            e.kind
        );
        return;
    }
    let mut routine = 0u64;
    for e in c.events() {
        match event_line(e) {
            Some((style, text)) => {
                let _ = writeln!(out, "   {}  {}", e.at.date_string(), paint(style, &text));
            }
            None => routine += 1,
        }
    }
    if let Some(s) = &t.summary {
        let f = &s.final_state;
        let _ = writeln!(
            out,
            "   -- {} events ({routine} routine, not shown); control plane downtime {}; final state {} / {}, CA generation {}, autorotation {}",
            s.events,
            s.downtime.control_plane,
            name_of(&f.provisioning_state),
            name_of(&f.power_state),
            f.ca_generation,
            if f.autorotation { "on" } else { "off" },
        );
    }
}

/// The line for an event a person should see; `None` for routine ones.
fn event_line(e: &Event) -> Option<(Style, String)> {
    let plain = Style::new();
    Some(match &e.kind {
        EventKind::Created {
            kubernetes_version,
            autorotation,
        } => (
            plain,
            format!(
                "created at Kubernetes {kubernetes_version}; autorotation {}",
                if *autorotation { "on" } else { "off" }
            ),
        ),
        EventKind::OperationRejected {
            operation, message, ..
        } => (RED, format!("{operation} REFUSED: {message}")),
        EventKind::OperationStarted { operation, until } => {
            (plain, format!("{operation} started (until {until})"))
        }
        EventKind::OperationCompleted {
            operation,
            succeeded: false,
        } => (RED, format!("{operation} FAILED")),
        EventKind::VersionChanged {
            scope,
            kubernetes_version,
        } => (
            plain,
            format!("{scope} now runs Kubernetes {kubernetes_version}"),
        ),
        EventKind::AutorotationEnabled { scope } => {
            (GREEN, format!("{scope}: certificate autorotation enabled"))
        }
        EventKind::CertificateExpired {
            role,
            scope,
            not_after,
            in_use: true,
            ..
        } => (
            RED,
            format!(
                "EXPIRED {} on {scope} (notAfter {not_after})",
                name_of(role)
            ),
        ),
        EventKind::NodePoolStale { pool, reason } => (
            RED,
            format!("node pool {pool} left STALE ({})", name_of(reason)),
        ),
        EventKind::DowntimeStarted { scope, cause } => {
            (RED, format!("DOWN {scope} ({})", name_of(cause)))
        }
        EventKind::DowntimeEnded {
            scope, duration, ..
        } => (GREEN, format!("up again {scope} after {duration}")),
        EventKind::KubeconfigBroken {
            holder, kubectl, ..
        } => (YELLOW, format!("{holder}'s kubeconfig broken: {kubectl}")),
        EventKind::KubeconfigRestored { holder } => {
            (GREEN, format!("{holder}'s kubeconfig works again"))
        }
        EventKind::KscrLabelChanged { pool, label } => (
            plain,
            match label {
                Some(l) => format!("node pool {pool}: nodes labelled {l}"),
                None => format!("node pool {pool}: KSCR label removed"),
            },
        ),
        EventKind::ActionNeeded { action } => (
            YELLOW,
            format!("ACTION by {}: {}", action.due.date_string(), action.reason),
        ),
        _ => return None,
    })
}

fn verdict_line(
    out: &mut String,
    now: Instant,
    warn: akscert_core::time::Duration,
    c: &FleetCounts,
) {
    let urgent = c.errors + c.overdue + c.due;
    let text = format!(
        "As of {} (warning window {warn}): {} overdue, {} due, {} later, {} ok{}",
        now.date_string(),
        c.overdue,
        c.due,
        c.later,
        c.ok,
        if c.errors > 0 {
            format!(", {} could not be assessed", c.errors)
        } else {
            String::new()
        }
    );
    let style = if urgent > 0 { RED } else { GREEN };
    let _ = writeln!(out, "\n{}", paint(style, &text));
}

/// A fleet: one line per cluster, most urgent first, then what to do for the urgent ones.
pub fn fleet(fleet: Fleet<'_>, rows: &[FleetRow]) -> String {
    fleet_rows(fleet.now(), fleet.warn_within(), rows, &fleet.counts(rows))
}

/// [`fleet`] from the rows and their counts alone.
fn fleet_rows(
    now: Instant,
    warn: akscert_core::time::Duration,
    rows: &[FleetRow],
    counts: &FleetCounts,
) -> String {
    let cells: Vec<(Urgency, Vec<String>)> =
        rows.iter().map(|r| (r.urgency, fleet_cells(r))).collect();
    let mut out = fleet_table(&cells);
    for r in rows {
        if let Some(detail) = fleet_detail(r, now) {
            out.push_str(&detail);
        }
    }
    out + &verdict(now, warn, counts)
}

/// A cluster's cells in the fleet table.
pub fn fleet_cells(r: &FleetRow) -> Vec<String> {
    let what = match (&r.error, r.items.first()) {
        (Some(e), _) => e.message.clone(),
        (None, Some(i)) => {
            let more = if r.items.len() > 1 {
                format!(" (+{} more)", r.items.len() - 1)
            } else {
                String::new()
            };
            format!("{}: {}{more}", about(i), i.reason)
        }
        (None, None) => "nothing due".into(),
    };
    vec![
        r.urgency.label().to_string(),
        r.name.clone(),
        r.resource_group.clone(),
        r.next_due
            .map(|d| d.date_string())
            .unwrap_or_else(|| "-".into()),
        truncate(&what, 100),
    ]
}

/// The fleet table of clusters' cells, most urgent first.
pub fn fleet_table(cells: &[(Urgency, Vec<String>)]) -> String {
    let styled: Vec<(Style, Vec<String>)> = cells
        .iter()
        .map(|(u, c)| (urgency_style(*u), c.clone()))
        .collect();
    table(
        &["STATUS", "CLUSTER", "RESOURCE GROUP", "NEXT DUE", "WHAT"],
        &styled,
    )
}

/// What to do for an urgent cluster (overdue, due or failed), after the fleet table;
/// `None` for the others.
pub fn fleet_detail(r: &FleetRow, now: Instant) -> Option<String> {
    if !matches!(r.urgency, Urgency::Overdue | Urgency::Due | Urgency::Error) {
        return None;
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} ({})",
        paint(
            urgency_style(r.urgency),
            &format!("== {} {}", r.urgency.label(), r.name)
        ),
        r.resource_group
    );
    if let Some(e) = &r.error {
        let _ = writeln!(out, "   {} ({})", e.message, e.kind);
    }
    items_block(&mut out, r, now);
    for n in &r.notes {
        let _ = writeln!(out, "   {}", paint(DIM, &format!("note: {n}")));
    }
    Some(out)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

fn row_style(s: RowStatus) -> Style {
    match s {
        RowStatus::Expired | RowStatus::Stale => RED,
        RowStatus::RotationDue => YELLOW,
        RowStatus::NoNodes => DIM,
        RowStatus::Ok => GREEN,
    }
}

/// One cluster's certificates.
pub fn report(o: &ReportOutcome, row: &FleetRow) -> String {
    let mut out = String::new();
    let Some(r) = &o.parsed else {
        let e = o.error.as_ref();
        let _ = writeln!(
            out,
            "{} {}: {}",
            paint(RED, "no report for"),
            o.name,
            e.map_or("unknown error", |e| e.message.as_str())
        );
        return out;
    };
    let _ = writeln!(
        out,
        "{}",
        paint(
            BOLD,
            &format!(
                "{} (resource group {}) — certificates as of {}",
                r.cluster,
                r.resource_group,
                r.now.date_string()
            )
        )
    );
    let _ = writeln!(
        out,
        "provisioning {} / power {}; autorotation {}; Cluster CA generation {}\n",
        name_of(&r.provisioning_state),
        name_of(&r.power_state),
        if r.autorotation { "on" } else { "off" },
        r.ca_generation
    );
    let rows: Vec<(Style, Vec<String>)> = r
        .rows
        .iter()
        .map(|x| {
            let next = match (x.next_rotation.earliest, x.next_rotation.latest) {
                (Some(a), Some(b)) if a != b => {
                    format!("{}–{}", a.date_string(), b.date_string())
                }
                (Some(a), _) => a.date_string(),
                _ => "-".into(),
            };
            (
                row_style(x.status),
                vec![
                    name_of(&x.status).to_string(),
                    x.title.clone(),
                    x.scope.to_string(),
                    x.not_after.map_or("never".into(), |d| d.date_string()),
                    x.days_left.map_or("-".into(), |d| {
                        format!("{d}{}", if x.estimated { "~" } else { "" })
                    }),
                    format!("{} {}", name_of(&x.next_rotation.mechanism), next),
                ],
            )
        })
        .collect();
    out.push_str(&table(
        &[
            "STATUS",
            "CERTIFICATE",
            "SCOPE",
            "NOT AFTER",
            "DAYS",
            "NEXT ROTATION",
        ],
        &rows,
    ));
    for k in r.kubeconfigs.iter().filter(|k| k.kubectl.is_some()) {
        let _ = writeln!(
            out,
            "\n{} {}",
            paint(YELLOW, &format!("{}'s kubeconfig fails:", k.holder)),
            k.kubectl.as_deref().unwrap_or("")
        );
    }
    if !row.items.is_empty() {
        let _ = writeln!(out, "\n{}", paint(BOLD, "To do, earliest first:"));
        items_block(&mut out, row, r.now);
    }
    for n in o.notes.iter().chain(&r.notes) {
        let _ = writeln!(out, "{}", paint(DIM, &format!("note: {n}")));
    }
    verdict_line(
        &mut out,
        r.now,
        r.warn_within,
        &FleetCounts::of(std::slice::from_ref(row)),
    );
    out
}
