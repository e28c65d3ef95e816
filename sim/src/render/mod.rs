//! Reports in five formats — human (a colour terminal table), versioned JSON, CSV, a
//! self-contained HTML page with an SVG timeline per cluster, and Prometheus text
//! exposition with x509-certificate-exporter's metric names — for the three kinds of
//! result: a simulation timeline, a fleet report, and one cluster's expiry report.
//! Every renderer is a pure function of the result, so a merged sharded run renders
//! exactly as the single run does.

pub mod csv;
pub mod fleet_table;
mod html;
mod human;
mod prom;
mod spill;
pub mod stream;
mod svg;

use akscert_core::report::fleet::{
    self, FleetCounts, FleetEntry, FleetReport, FleetRow, FleetSource, RowOf, Verdict,
};
use akscert_core::time::{Duration, Instant};
use serde::Serialize;

use crate::outcome::{
    ClusterOutcome, InventoryDecision, InventoryRun, ReportOutcome, SimulationRun,
};

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people (colour on a terminal, unless NO_COLOR is set).
    Human,
    /// The versioned JSON document (`apiVersion: akscert/v1`).
    Json,
    /// CSV with a header row.
    Csv,
    /// One self-contained HTML file: fleet summary and an SVG timeline per cluster.
    Html,
    /// Prometheus text exposition (x509-certificate-exporter metric names).
    Prometheus,
}

/// A fleet report's source.
#[derive(Debug, Clone, Copy)]
pub enum Fleet<'a> {
    /// Clusters simulated from a scenario.
    Simulation(&'a SimulationRun),
    /// Clusters reported from an `az aks list` inventory.
    Inventory(&'a InventoryRun),
}

/// The fleet row of a simulated cluster at `now` with window `warn`: as the engine decided
/// it during the run (the module, with `--engine wasm`), looked up in the summary; for an
/// outcome read from a shard file, or asked for another instant, core's own decision.
pub fn simulation_row(c: &ClusterOutcome, now: Instant, warn: Duration) -> FleetRow {
    let t = &c.timeline;
    let who = RowOf {
        index: t.index,
        name: &t.name,
        resource_group: &t.resource_group,
    };
    let decided = c
        .row_decided(now, warn)
        .and_then(|d| FleetRow::of_decision(who, t.summary.as_ref(), t.error.clone(), d));
    decided.unwrap_or_else(|| {
        FleetRow::of_summary(who, t.summary.as_ref(), t.error.clone(), now, warn)
    })
}

/// The fleet row of one inventory cluster's report: the engine's, when its `fleetReport`
/// gave one.
pub fn report_row(o: &ReportOutcome, now: Instant, warn: Duration) -> FleetRow {
    if let Some(row) = &o.row {
        return row.clone();
    }
    let who = RowOf {
        index: o.index,
        name: &o.name,
        resource_group: &o.resource_group,
    };
    FleetRow::of_report(
        who,
        o.parsed.as_ref(),
        o.error.clone(),
        o.notes.clone(),
        now,
        warn,
    )
}

/// The rows of a simulation, most urgent first.
pub fn simulation_rows(run: &SimulationRun) -> Vec<FleetRow> {
    let mut rows: Vec<FleetRow> = run
        .clusters
        .iter()
        .map(|c| simulation_row(c, run.now, run.warn_within))
        .collect();
    fleet::sort_rows(&mut rows);
    rows
}

/// The rows of an inventory, most urgent first: in the engine's order when it decided one
/// (`fleetReport`), else (a merge of shards) sorted by core's rule.
pub fn inventory_rows(run: &InventoryRun) -> Vec<FleetRow> {
    let row = |c: &ReportOutcome| report_row(c, run.now, run.warn_within);
    if let Some(d) = &run.decided {
        return d
            .order
            .iter()
            .filter_map(|&i| run.clusters.binary_search_by_key(&i, |c| c.index).ok())
            .map(|p| row(&run.clusters[p]))
            .collect();
    }
    let mut rows: Vec<FleetRow> = run.clusters.iter().map(row).collect();
    fleet::sort_rows(&mut rows);
    rows
}

impl Fleet<'_> {
    /// The rows, most urgent first.
    pub fn rows(&self) -> Vec<FleetRow> {
        match self {
            Fleet::Simulation(r) => simulation_rows(r),
            Fleet::Inventory(r) => inventory_rows(r),
        }
    }

    /// The instant reported on.
    pub fn now(&self) -> Instant {
        match self {
            Fleet::Simulation(r) => r.now,
            Fleet::Inventory(r) => r.now,
        }
    }

    /// The warning window.
    pub fn warn_within(&self) -> Duration {
        match self {
            Fleet::Simulation(r) => r.warn_within,
            Fleet::Inventory(r) => r.warn_within,
        }
    }

    /// The clusters per urgency of `rows` (this fleet's): the engine's count when it
    /// decided the fleet (an inventory's `fleetReport`).
    pub fn counts(&self, rows: &[FleetRow]) -> FleetCounts {
        self.decided()
            .map_or_else(|| FleetCounts::of(rows), |d| d.counts.clone())
    }

    /// The verdict of `rows` (this fleet's): the engine's when it decided the fleet.
    pub fn verdict(&self, rows: &[FleetRow]) -> Verdict {
        self.decided()
            .map_or_else(|| Verdict::of(rows), |d| d.verdict)
    }

    /// What the engine decided about the whole fleet, if it did (an inventory's
    /// `fleetReport`).
    fn decided(&self) -> Option<&InventoryDecision> {
        match self {
            Fleet::Inventory(run) => run.decided.as_ref(),
            Fleet::Simulation(_) => None,
        }
    }
}

/// A rendered report and the exit code it implies.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The text (with ANSI styles for `human`; the writer strips them where colour is off).
    pub text: String,
    /// 0, 1 or 2.
    pub verdict: Verdict,
}

/// Render a simulation.
pub fn simulation(run: &SimulationRun, format: Format) -> Rendered {
    let rows = simulation_rows(run);
    let verdict = Verdict::of(&rows);
    let text = match format {
        Format::Human => human::timeline(run, &rows),
        Format::Json => run.timeline_json() + "\n",
        Format::Csv => csv::timeline(run),
        Format::Html => html::simulation(run, &rows),
        Format::Prometheus => prom::simulation(run),
    };
    Rendered { text, verdict }
}

/// Render a fleet report.
pub fn fleet(fleet: Fleet<'_>, format: Format) -> Rendered {
    let rows = fleet.rows();
    let verdict = fleet.verdict(&rows);
    let text = match format {
        Format::Human => human::fleet(fleet, &rows),
        Format::Json => fleet_json(fleet, rows),
        Format::Csv => csv::fleet(&rows),
        Format::Html => html::fleet(fleet, &rows),
        Format::Prometheus => match fleet {
            Fleet::Simulation(r) => prom::simulation(r),
            Fleet::Inventory(r) => prom::inventory(&r.clusters),
        },
    };
    Rendered { text, verdict }
}

/// akscert-core's `FleetReport` document.
fn fleet_json(fleet: Fleet<'_>, rows: Vec<FleetRow>) -> String {
    let counts = fleet.counts(&rows);
    let verdict = fleet.verdict(&rows);
    let entries = rows
        .into_iter()
        .map(|row| {
            let (report, summary) = match fleet {
                Fleet::Simulation(r) => (
                    None,
                    r.clusters
                        .get(row.index)
                        .and_then(|c| c.timeline.summary.clone()),
                ),
                Fleet::Inventory(r) => (
                    r.clusters.get(row.index).and_then(|c| c.parsed.clone()),
                    None,
                ),
            };
            FleetEntry {
                row,
                report,
                summary,
            }
        })
        .collect();
    let source = match fleet {
        Fleet::Simulation(_) => FleetSource::Scenario,
        Fleet::Inventory(_) => FleetSource::Inventory,
    };
    // The rows are in the fleet's order already; the counts and verdict are the engine's
    // when it decided them.
    let mut doc = FleetReport::new(
        source,
        fleet.now(),
        fleet.warn_within(),
        Vec::new(),
        Vec::new(),
    );
    (doc.counts, doc.verdict) = (counts, verdict);
    doc.clusters = entries;
    serde_json::to_string(&doc).unwrap_or_default() + "\n"
}

/// Render one cluster's expiry report.
pub fn report(outcome: &ReportOutcome, format: Format) -> Rendered {
    let (now, warn) = outcome
        .parsed
        .as_ref()
        .map_or((Instant::MIN, Duration::ZERO), |v| (v.now, v.warn_within));
    let row = report_row(outcome, now, warn);
    let verdict = Verdict::of(std::slice::from_ref(&row));
    let text = match format {
        Format::Human => human::report(outcome, &row),
        Format::Json => match &outcome.report {
            Some(raw) => format!("{}\n", raw.get()),
            None => serde_json::to_string(&outcome.error).unwrap_or_default() + "\n",
        },
        Format::Csv => csv::report(outcome),
        Format::Html => html::report(outcome, &row),
        Format::Prometheus => prom::inventory(std::slice::from_ref(outcome)),
    };
    Rendered { text, verdict }
}

/// Escape text for HTML and SVG.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The camelCase JSON name of a unit enum value (core's [`akscert_core::wire_name()`]).
pub fn name_of<T: Serialize>(v: &T) -> &'static str {
    akscert_core::wire_name(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(index: usize, name: &str) -> ReportOutcome {
        ReportOutcome {
            index,
            name: name.into(),
            resource_group: "rg".into(),
            report: None,
            parsed: None,
            error: None,
            notes: Vec::new(),
            row: None,
        }
    }

    /// An inventory the engine decided is rendered in its order, with its counts and its
    /// verdict: a decision (here deliberately not core's) is followed, not made again.
    #[test]
    fn an_inventory_follows_the_engines_order_counts_and_verdict() {
        let mut run = InventoryRun {
            now: Instant::MIN,
            warn_within: Duration::days(30),
            clusters: vec![outcome(0, "a"), outcome(1, "b")],
            decided: Some(InventoryDecision {
                order: vec![1, 0],
                counts: FleetCounts {
                    clusters: 2,
                    due: 1,
                    ok: 1,
                    ..FleetCounts::default()
                },
                verdict: Verdict::Due,
            }),
        };
        let names = |run: &InventoryRun| -> Vec<String> {
            inventory_rows(run).into_iter().map(|r| r.name).collect()
        };
        assert_eq!(names(&run), ["b", "a"]);
        let json = fleet(Fleet::Inventory(&run), Format::Json);
        assert_eq!(json.verdict, Verdict::Due);
        let doc: FleetReport = serde_json::from_str(&json.text).expect("a FleetReport");
        assert_eq!((doc.counts.due, doc.counts.ok), (1, 1));
        assert_eq!(doc.verdict, Verdict::Due);
        assert_eq!(doc.clusters[0].row.name, "b");
        let human = fleet(Fleet::Inventory(&run), Format::Human).text;
        let at = |name: &str| {
            let plain = anstream::adapter::strip_str(&human).to_string();
            plain
                .lines()
                .position(|l| l.split_whitespace().any(|w| w == name))
                .unwrap_or_else(|| panic!("no row for {name}: {plain}"))
        };
        assert!(at("b") < at("a"));
        // Without a decision (a merge of shards): core's order, counts and verdict.
        run.decided = None;
        assert_eq!(names(&run), ["a", "b"]);
        let json = fleet(Fleet::Inventory(&run), Format::Json);
        assert_eq!(json.verdict, Verdict::Clear);
        let doc: FleetReport = serde_json::from_str(&json.text).expect("a FleetReport");
        assert_eq!(doc.counts.ok, 2);
    }
}
