//! One self-contained HTML file (inline CSS, inline SVG, no script, no external request):
//! the fleet summary first, then each cluster with its SVG timeline and what to do.

use std::fmt::Write;

use akscert_core::engine::FleetSummary;
use akscert_core::report::ExpiryReport;
use akscert_core::time::{Duration, Instant};

use super::svg::{self, Timeline};
use akscert_core::report::fleet::{FleetCounts, FleetRow};
use akscert_core::report::lifetimes::{lifetimes, of_report};

use super::{Fleet, esc, name_of};
use crate::outcome::{ClusterOutcome, ReportOutcome, RunHeader, SimulationRun};

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}.error,.overdue,.expired,.stale{color:#b00020;font-weight:600}.due,.rotationDue{color:#a15c00;font-weight:600}\
.ok{color:#1b7a2e}.later,.noNodes{color:#555}pre{background:#f6f6f6;padding:4px 8px;margin:2px 0;white-space:pre-wrap}\
.counts span{margin-right:1.5em}.note{color:#666}\
svg.timeline{display:block;margin:.5em 0;max-width:100%;height:auto}\
svg .lane,svg .tick{font:10px sans-serif;fill:#444}svg .tick{stroke:#eee}svg text.tick{stroke:none}\
svg .cert{fill:#4a7bd0}svg .spare{fill:#c5d5f0}svg .expired{fill:#d03030}svg .key{fill:#888}\
svg .down{fill:#d03030}svg .act line{stroke:#a15c00;stroke-width:2}svg .act path{fill:#a15c00}\
svg .act.done line{stroke:#bbb}svg .act.done path{fill:#bbb}svg .now{stroke:#000;stroke-dasharray:3 2}svg text.now{stroke:none;font:10px sans-serif}";

fn page(title: &str, body: &str) -> String {
    format!("{}{body}{PAGE_END}", page_start(title))
}

/// A page up to its body's content.
fn page_start(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(title)
    )
}

/// A page after its body's content.
const PAGE_END: &str = "</body></html>\n";

fn counts(out: &mut String, c: &FleetCounts) {
    let _ = writeln!(
        out,
        "<p class=\"counts\"><span>{} clusters</span><span class=\"overdue\">{} overdue</span><span class=\"due\">{} due</span><span class=\"later\">{} later</span><span class=\"ok\">{} ok</span><span class=\"error\">{} could not be assessed</span></p>",
        c.clusters, c.overdue, c.due, c.later, c.ok, c.errors
    );
}

fn summary_table<S: AsRef<str>>(out: &mut String, lines: impl IntoIterator<Item = S>) {
    out.push_str("<table><tr><th>status</th><th>cluster</th><th>resource group</th><th>next due</th><th>what</th></tr>\n");
    for line in lines {
        out.push_str(line.as_ref());
    }
    out.push_str("</table>\n");
}

/// A cluster's line of the fleet summary table (what a streamed report keeps of each
/// cluster until the end).
pub fn summary_line(r: &FleetRow) -> String {
    let what = match (&r.error, r.items.first()) {
        (Some(e), _) => e.message.clone(),
        // A cluster-wide action has no subject: name its kind instead.
        (None, Some(i)) if i.subject.is_empty() => format!("{}: {}", i.kind, i.reason),
        (None, Some(i)) => format!("{}: {}", i.subject, i.reason),
        (None, None) => "nothing due".into(),
    };
    let u = name_of(&r.urgency);
    format!(
        "<tr><td class=\"{u}\">{}</td><td><a href=\"#c{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        esc(r.urgency.label()),
        r.index,
        esc(&r.name),
        esc(&r.resource_group),
        r.next_due
            .map(|d| d.date_string())
            .unwrap_or_else(|| "-".into()),
        esc(&what)
    )
}

fn items(out: &mut String, row: &FleetRow, now: Instant) {
    if let Some(e) = &row.error {
        let _ = writeln!(
            out,
            "<p class=\"error\">{} ({})</p>",
            esc(&e.message),
            esc(e.kind.name())
        );
    }
    if !row.items.is_empty() {
        out.push_str("<table><tr><th>due</th><th>what</th><th>why</th><th>commands</th></tr>\n");
        for i in &row.items {
            let class = if i.due < now { "overdue" } else { "due" };
            let cmds: String = i
                .commands
                .iter()
                .map(|c| format!("<pre>$ {}</pre>", esc(c)))
                .collect();
            let _ = writeln!(
                out,
                "<tr><td class=\"{class}\">{}</td><td>{}</td><td>{}</td><td>{cmds}</td></tr>",
                i.due.date_string(),
                esc(if i.subject.is_empty() {
                    i.kind.name()
                } else {
                    &i.subject
                }),
                esc(&i.reason)
            );
        }
        out.push_str("</table>\n");
    }
    for n in &row.notes {
        let _ = writeln!(out, "<p class=\"note\">note: {}</p>", esc(n));
    }
}

/// One cluster's section of a simulation: its SVG timeline and what to do.
pub fn cluster_section(
    out: &mut String,
    c: &ClusterOutcome,
    row: Option<&FleetRow>,
    now: Instant,
    horizon: Instant,
) {
    let t = &c.timeline;
    let _ = writeln!(
        out,
        "<h2 id=\"c{}\">{} <small>(resource group {})</small></h2>",
        t.index,
        esc(&t.name),
        esc(&t.resource_group)
    );
    if let Some(s) = &t.summary {
        let events = c.events();
        let certs = lifetimes(events, horizon);
        let from = events.first().map_or(horizon, |e| e.at);
        out.push_str(&svg::timeline(&Timeline {
            from,
            to: horizon,
            certs: &certs,
            downtime: &s.downtime.intervals,
            actions: &s.actions,
            now: Some(now),
        }));
        let f = &s.final_state;
        let _ = writeln!(
            out,
            "<p>{} events; control plane downtime {}; at the horizon: {} / {}, CA generation {}, autorotation {}.</p>",
            s.events,
            s.downtime.control_plane,
            name_of(&f.provisioning_state),
            name_of(&f.power_state),
            f.ca_generation,
            if f.autorotation { "on" } else { "off" }
        );
    }
    if let Some(r) = row {
        items(out, r, now);
    }
}

/// A simulation: fleet summary, then every cluster's timeline.
pub fn simulation(run: &SimulationRun, rows: &[FleetRow]) -> String {
    let by_index: std::collections::BTreeMap<usize, &FleetRow> =
        rows.iter().map(|r| (r.index, r)).collect();
    let mut sections = String::new();
    for c in &run.clusters {
        let row = by_index.get(&c.timeline.index).copied();
        cluster_section(&mut sections, c, row, run.now, run.header.horizon);
    }
    let lines = rows.iter().map(summary_line);
    let counts = FleetCounts::of(rows);
    simulation_start(
        &run.header,
        run.now,
        run.warn_within,
        &run.summary(),
        &counts,
        lines,
    ) + &sections
        + PAGE_END
}

/// A simulation's page up to its first cluster's section: the title and the fleet
/// summary (its table's `lines` most urgent first), which a streamed run knows only at
/// its end.
pub fn simulation_start<S: AsRef<str>>(
    h: &RunHeader,
    now: Instant,
    warn: Duration,
    s: &FleetSummary,
    counts: &FleetCounts,
    lines: impl IntoIterator<Item = S>,
) -> String {
    let title = format!(
        "akscert simulation{} — {} to {}",
        h.scenario
            .as_deref()
            .map(|n| format!(" “{n}”"))
            .unwrap_or_default(),
        h.start.date_string(),
        h.horizon.date_string()
    );
    let mut body = page_start(&title);
    let _ = write!(
        body,
        "<h1>{}</h1>\n<p>Seed {}; as of {} with a warning window of {}.</p>\n",
        esc(&title),
        h.seed,
        now.date_string(),
        warn
    );
    fleet_summary(&mut body, s, counts, lines);
    body
}

fn fleet_summary<S: AsRef<str>>(
    body: &mut String,
    s: &FleetSummary,
    c: &FleetCounts,
    lines: impl IntoIterator<Item = S>,
) {
    body.push_str("<h2>Fleet summary</h2>\n");
    counts(body, c);
    let _ = writeln!(
        body,
        "<p>{} clusters simulated ({} failed), {} events, control plane downtime {} in all.</p>",
        s.clusters, s.failed_clusters, s.events, s.control_plane_downtime
    );
    if !s.incidents.is_empty() {
        body.push_str("<table><tr><th>incident</th><th>count</th></tr>");
        for (k, n) in &s.incidents {
            let _ = write!(body, "<tr><td>{}</td><td>{n}</td></tr>", esc(name_of(k)));
        }
        body.push_str("</table>\n");
    }
    summary_table(body, lines);
}

/// What a simulation's page ends with, after the last cluster's section.
pub fn simulation_end() -> &'static str {
    PAGE_END
}

fn report_section(out: &mut String, o: &ReportOutcome, row: &FleetRow) {
    let _ = writeln!(
        out,
        "<h2 id=\"c{}\">{} <small>(resource group {})</small></h2>",
        o.index,
        esc(&o.name),
        esc(&o.resource_group)
    );
    if let Some(r) = &o.parsed {
        report_body(out, r);
        items(out, row, r.now);
        for n in &r.notes {
            let _ = writeln!(out, "<p class=\"note\">note: {}</p>", esc(n));
        }
    } else {
        items(out, row, Instant::MIN);
    }
}

fn report_body(out: &mut String, r: &ExpiryReport) {
    let certs = of_report(r);
    let from = certs.iter().map(|c| c.not_before).min().unwrap_or(r.now);
    let to = certs
        .iter()
        .filter_map(|c| c.not_after)
        .filter(|na| na.since(r.now).as_seconds() < 3 * 365 * 86_400)
        .max()
        .unwrap_or(r.now)
        .max(r.now);
    out.push_str(&svg::timeline(&Timeline {
        from,
        to,
        certs: &certs,
        downtime: &[],
        actions: &[],
        now: Some(r.now),
    }));
    let _ = writeln!(
        out,
        "<p>provisioning {} / power {}; autorotation {}; Cluster CA generation {}.</p>",
        name_of(&r.provisioning_state),
        name_of(&r.power_state),
        if r.autorotation { "on" } else { "off" },
        r.ca_generation
    );
    out.push_str("<table><tr><th>status</th><th>certificate</th><th>scope</th><th>file</th><th>not after</th><th>days left</th><th>next rotation</th><th>why</th></tr>\n");
    for x in &r.rows {
        let s = name_of(&x.status);
        let _ = writeln!(
            out,
            "<tr><td class=\"{s}\">{s}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{} {}</td><td>{}</td></tr>",
            esc(&x.title),
            esc(&x.scope.to_string()),
            esc(x.path.as_deref().unwrap_or("")),
            x.not_after.map_or("never".into(), |d| d.date_string()),
            x.days_left.map_or("-".into(), |d| d.to_string()),
            if x.estimated { "~" } else { "" },
            esc(name_of(&x.next_rotation.mechanism)),
            x.next_rotation
                .earliest
                .map(|d| d.date_string())
                .unwrap_or_default(),
            esc(&x.why)
        );
    }
    out.push_str("</table>\n");
}

/// A fleet report.
pub fn fleet(fleet: Fleet<'_>, rows: &[FleetRow]) -> String {
    match fleet {
        Fleet::Simulation(run) => {
            let counts = FleetCounts::of(rows);
            let lines = rows.iter().map(summary_line);
            let mut body = fleet_start(run.now, run.warn_within, &run.summary(), &counts, lines);
            for r in rows {
                if let Some(c) = run.clusters.get(r.index) {
                    cluster_section(&mut body, c, Some(r), run.now, run.header.horizon);
                }
            }
            body + PAGE_END
        }
        Fleet::Inventory(run) => {
            let (title, mut body) = fleet_title(run.now, run.warn_within);
            body.push_str("<h2>Fleet summary</h2>\n");
            counts(&mut body, &fleet.counts(rows));
            summary_table(&mut body, rows.iter().map(summary_line));
            for r in rows {
                if let Some(o) = run.clusters.get(r.index) {
                    report_section(&mut body, o, r);
                }
            }
            page(&title, &body)
        }
    }
}

/// A fleet report's title and its first lines.
fn fleet_title(now: Instant, warn: Duration) -> (String, String) {
    let title = format!("akscert fleet report — as of {}", now.date_string());
    let body = format!(
        "<h1>{}</h1>\n<p>Warning window {}; most urgent first.</p>\n",
        esc(&title),
        warn
    );
    (title, body)
}

/// A simulated fleet's page up to its first cluster's section: the title and the fleet
/// summary (its table's `lines` most urgent first).
pub fn fleet_start<S: AsRef<str>>(
    now: Instant,
    warn: Duration,
    s: &FleetSummary,
    counts: &FleetCounts,
    lines: impl IntoIterator<Item = S>,
) -> String {
    let (title, body) = fleet_title(now, warn);
    let mut out = page_start(&title) + &body;
    fleet_summary(&mut out, s, counts, lines);
    out
}

/// One cluster's expiry report.
pub fn report(o: &ReportOutcome, row: &FleetRow) -> String {
    let title = format!(
        "akscert expiry report — {}{}",
        o.name,
        o.parsed
            .as_ref()
            .map(|v| format!(" as of {}", v.now.date_string()))
            .unwrap_or_default()
    );
    let mut body = format!("<h1>{}</h1>\n", esc(&title));
    report_section(&mut body, o, row);
    page(&title, &body)
}
