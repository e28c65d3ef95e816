//! A simulation's report written as its clusters arrive, in cluster order, in every
//! format — the same bytes as [`super::simulation`] renders from a collected run. The
//! engine adds each cluster to the fleet's totals, counts and verdict and places its row
//! and open actions in the fleet's orders ([`FleetFold`]); memory holds the totals and,
//! for HTML, each cluster's line of the summary table (it lists them all, most urgent
//! first). What a
//! format prints out of cluster order waits in anonymous temporary files: the HTML cluster
//! sections (the fleet summary comes first), the Prometheus samples of every metric family
//! after the first (each family is one group in the text format), and the fleet's open
//! actions (listed most urgent first at the end of the JSON and human reports), of which
//! only the engine's key for its place stays in memory.

use akscert_core::engine::FleetAction;
use akscert_core::report::fleet::Verdict;
use akscert_core::report::fleet_fold::{KeyedAction, OrderKey};
use akscert_core::time::{Duration, Instant};

pub use super::spill::StreamError;
use super::spill::{Span, Spill};
use super::{Format, csv, html, human, prom, simulation_row};
use crate::engine::FleetFold;
use crate::outcome::{ClusterOutcome, RunHeader, timeline_tail};
use crate::output::Sink;

/// A report written as a run's clusters arrive: [`ClusterSink::head`] with the run's
/// header, [`ClusterSink::cluster`] for each cluster in cluster order, then
/// [`ClusterSink::finish`] for the verdict.
pub trait ClusterSink {
    /// What comes before the first cluster.
    fn head(&mut self, header: &RunHeader) -> Result<(), StreamError>;
    /// The next cluster.
    fn cluster(&mut self, c: &ClusterOutcome) -> Result<(), StreamError>;
    /// What comes after the last cluster; the report's verdict.
    fn finish(self) -> Result<Verdict, StreamError>;
}

/// Which report a [`Streamer`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `akscert simulate`: every format, clusters in cluster order.
    Simulation,
    /// `akscert fleet` of a scenario, HTML: the clusters' sections most urgent first.
    FleetHtml,
}

/// A simulation report being written: [`Streamer::head`], then [`Streamer::cluster`] for
/// each cluster in order, then [`Streamer::finish`].
pub struct Streamer {
    layout: Layout,
    format: Format,
    sink: Sink,
    now: Instant,
    warn: Duration,
    header: Option<RunHeader>,
    /// The fleet's totals, and each cluster's places in its orders.
    fold: FleetFold,
    /// HTML only: every cluster's line of the summary table, with its row's order.
    table: Vec<TableLine>,
    /// JSON only: whether a cluster was written (the next needs a comma).
    wrote_cluster: bool,
    /// HTML: the cluster sections; Prometheus: the samples of families 1 and 2.
    spills: Vec<Spill>,
    /// Fleet HTML: where each cluster's section is in the spill, by cluster index.
    sections: std::collections::BTreeMap<usize, Span>,
    /// JSON and human: the open actions, spilled.
    actions: Option<ActionSpill>,
    /// Reused for each cluster's text.
    buf: String,
}

impl Streamer {
    /// `akscert simulate`'s report in `format` to `sink`, as of `now` with warning window
    /// `warn`, its fleet added up by `fold`.
    pub fn new(
        format: Format,
        sink: Sink,
        now: Instant,
        warn: Duration,
        fold: FleetFold,
    ) -> Result<Streamer, StreamError> {
        Streamer::with_layout(Layout::Simulation, format, sink, (now, warn), fold)
    }

    /// `akscert fleet`'s report of a scenario in HTML: every cluster's section, most urgent
    /// first. (Its Prometheus report is a simulation's: [`Streamer::new`].)
    pub fn fleet_html(
        sink: Sink,
        now: Instant,
        warn: Duration,
        fold: FleetFold,
    ) -> Result<Streamer, StreamError> {
        Streamer::with_layout(Layout::FleetHtml, Format::Html, sink, (now, warn), fold)
    }

    fn with_layout(
        layout: Layout,
        format: Format,
        sink: Sink,
        (now, warn): (Instant, Duration),
        fold: FleetFold,
    ) -> Result<Streamer, StreamError> {
        let spills = match format {
            Format::Html => vec![Spill::new()?],
            Format::Prometheus => vec![Spill::new()?, Spill::new()?],
            _ => Vec::new(),
        };
        Ok(Streamer {
            layout,
            format,
            sink,
            now,
            warn,
            header: None,
            fold,
            table: Vec::new(),
            wrote_cluster: false,
            spills,
            sections: std::collections::BTreeMap::new(),
            actions: match format {
                Format::Json | Format::Human => Some(ActionSpill::new()?),
                _ => None,
            },
            buf: String::new(),
        })
    }
}

impl ClusterSink for Streamer {
    fn head(&mut self, header: &RunHeader) -> Result<(), StreamError> {
        match self.format {
            Format::Json => self.sink.write(&crate::outcome::timeline_head(header))?,
            Format::Csv => self.sink.write(&csv::timeline_header())?,
            Format::Human => self.sink.write(&human::timeline_head(header))?,
            Format::Html => {}
            Format::Prometheus => {
                let mut head = String::new();
                prom::family_head(0, &mut head);
                self.sink.write(&head)?;
            }
        }
        self.header = Some(header.clone());
        Ok(())
    }

    fn cluster(&mut self, c: &ClusterOutcome) -> Result<(), StreamError> {
        let t = &c.timeline;
        let row = simulation_row(c, self.now, self.warn);
        let places = self.fold.add(&row, t.summary.as_ref())?;
        // Only the JSON summary and the human table list the open actions: spilled.
        if let Some(spill) = &mut self.actions {
            spill.add(places.actions)?;
        }
        self.buf.clear();
        match self.format {
            Format::Json => {
                if self.wrote_cluster {
                    self.sink.write(",")?;
                }
                self.wrote_cluster = true;
                self.sink.write(&c.raw_json())?;
            }
            Format::Csv => self.sink.write(&csv::timeline_cluster(c))?,
            Format::Human => {
                human::cluster_block(&mut self.buf, c);
                self.sink.write(&self.buf)?;
            }
            Format::Html => {
                let horizon = self.header.as_ref().map_or(self.now, |h| h.horizon);
                html::cluster_section(&mut self.buf, c, Some(&row), self.now, horizon);
                let span = self.spills[0].push(&self.buf)?;
                self.sections.insert(row.index, span);
                self.table.push(TableLine {
                    order: places.row,
                    index: row.index,
                    line: html::summary_line(&row),
                });
            }
            Format::Prometheus => {
                let horizon = self.header.as_ref().map_or(self.now, |h| h.horizon);
                let mut series = Vec::new();
                prom::cluster_series(c, prom::simulation_instant(self.now, horizon), &mut series);
                for s in &series {
                    prom::sample(0, s, &mut self.buf);
                }
                self.sink.write(&self.buf)?;
                for (family, spill) in self.spills.iter_mut().enumerate() {
                    let mut text = String::new();
                    for s in &series {
                        prom::sample(family + 1, s, &mut text);
                    }
                    spill.push(&text)?;
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Verdict, StreamError> {
        // The fold's summary has no actions: they went out with their keys, and are
        // spilled.
        let totals = self.fold.totals().clone();
        let (summary, counts) = (&totals.summary, &totals.counts);
        match self.format {
            Format::Json => {
                // The summary with no actions ends `"actionsNeeded":[]}}`: the spilled
                // actions go between the brackets.
                let tail = timeline_tail(summary);
                let Some(head) = tail.strip_suffix("[]}}") else {
                    return Err(StreamError::Spill(std::io::Error::other(
                        "the timeline's summary does not end with its actions",
                    )));
                };
                self.sink.write(head)?;
                self.sink.write("[")?;
                if let Some(spill) = self.actions.take() {
                    let sink = &mut self.sink;
                    let mut first = true;
                    spill.each(|json, _| {
                        if !first {
                            sink.write(",")?;
                        }
                        first = false;
                        Ok(sink.write(json)?)
                    })?;
                }
                self.sink.write("]}}\n")?;
            }
            Format::Csv => {}
            Format::Human => {
                self.sink.write(&human::fleet_totals(summary))?;
                if let Some(spill) = self.actions.take() {
                    if !spill.is_empty() {
                        self.sink.write(human::ACTIONS_HEADING)?;
                    }
                    let sink = &mut self.sink;
                    let mut text = String::new();
                    spill.each(|_, action| {
                        text.clear();
                        human::action_lines(&mut text, &action);
                        Ok(sink.write(&text)?)
                    })?;
                }
                self.sink
                    .write(&human::verdict(self.now, self.warn, counts))?;
            }
            Format::Html => {
                self.table.sort_by(|a, b| a.order.cmp(&b.order));
                let lines = self.table.iter().map(|t| t.line.as_str());
                let sections = self.spills.remove(0);
                if self.layout == Layout::FleetHtml {
                    let start = html::fleet_start(self.now, self.warn, summary, counts, lines);
                    self.sink.write(&start)?;
                    let mut reader = sections.into_reader()?;
                    for t in &self.table {
                        if let Some(&span) = self.sections.get(&t.index) {
                            self.sink.write(reader.read(span)?)?;
                        }
                    }
                } else {
                    if let Some(h) = &self.header {
                        let start =
                            html::simulation_start(h, self.now, self.warn, summary, counts, lines);
                        self.sink.write(&start)?;
                    }
                    sections.copy_to(&mut self.sink)?;
                }
                self.sink.write(html::simulation_end())?;
            }
            Format::Prometheus => {
                for (family, spill) in std::mem::take(&mut self.spills).into_iter().enumerate() {
                    let mut head = String::new();
                    prom::family_head(family + 1, &mut head);
                    self.sink.write(&head)?;
                    spill.copy_to(&mut self.sink)?;
                }
            }
        }
        self.sink.finish()?;
        Ok(totals.verdict)
    }
}

/// A cluster's line of the HTML summary table, its row's place (the engine's key) and its
/// position in the fleet.
struct TableLine {
    order: OrderKey,
    index: usize,
    line: String,
}

/// The fleet's open actions in a temporary file (one JSON document each), with the
/// engine's key for the place of each in memory: sorted by it, they are in
/// `FleetSummary::finish`'s order.
struct ActionSpill {
    spill: Spill,
    keys: Vec<(OrderKey, Span)>,
}

impl ActionSpill {
    fn new() -> Result<ActionSpill, StreamError> {
        Ok(ActionSpill {
            spill: Spill::new()?,
            keys: Vec::new(),
        })
    }

    fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// One cluster's open actions, each with its place.
    fn add(&mut self, actions: Vec<KeyedAction>) -> Result<(), StreamError> {
        for a in actions {
            let json =
                serde_json::to_string(&a.action).map_err(|e| StreamError::Spill(e.into()))?;
            let span = self.spill.push(&json)?;
            self.keys.push((a.order, span));
        }
        Ok(())
    }

    /// Every action, most urgent first: its JSON and the action read back from it.
    fn each(
        mut self,
        mut f: impl FnMut(&str, FleetAction) -> Result<(), StreamError>,
    ) -> Result<(), StreamError> {
        // Stable: equal places keep the order the clusters arrived in.
        self.keys.sort_by(|a, b| a.0.cmp(&b.0));
        let mut reader = self.spill.into_reader()?;
        for (_, span) in &self.keys {
            let json = reader.read(*span)?;
            let action: FleetAction =
                serde_json::from_str(json).map_err(|e| StreamError::Spill(e.into()))?;
            f(json, action)?;
        }
        Ok(())
    }
}
