//! A simulation's report written as its clusters arrive, in cluster order, in every
//! format — the same bytes as [`super::simulation`] renders from a collected run. Memory
//! holds only the fleet summary's totals, the verdict's counts and, for HTML, each
//! cluster's fleet row (the summary table lists them all, most urgent first). What a
//! format prints out of cluster order waits in anonymous temporary files: the HTML cluster
//! sections (the fleet summary comes first), the Prometheus samples of every metric family
//! after the first (each family is one group in the text format), and the fleet's open
//! actions (listed most urgent first at the end of the JSON and human reports), of which
//! only the sort key stays in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

use akscert_core::cluster::event::ActionKind;
use akscert_core::engine::{FleetAction, FleetSummary};
use akscert_core::report::fleet::{
    FleetCounts, FleetEntry, FleetReport, FleetRow, FleetSource, Urgency, Verdict,
};
use akscert_core::time::{Duration, Instant};

use super::{Format, csv, html, human, prom, simulation_row};
use crate::outcome::{ClusterOutcome, RunHeader, timeline_tail};
use crate::output::{Sink, WriteError};

/// Why a streamed report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The output.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A temporary file (in the system's temporary directory).
    #[error("temporary file for the report: {0}")]
    Spill(#[source] io::Error),
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
    summary: FleetSummary,
    counts: FleetCounts,
    verdict: Verdict,
    /// HTML only: every cluster's line of the summary table, with its row's order.
    table: Vec<TableLine>,
    /// JSON only: whether a cluster was written (the next needs a comma).
    wrote_cluster: bool,
    /// HTML: the cluster sections; Prometheus: the samples of families 1 and 2.
    spills: Vec<BufWriter<File>>,
    /// Fleet HTML: where each cluster's section is in the spill, by cluster index.
    sections: std::collections::BTreeMap<usize, (u64, usize)>,
    /// Bytes spilled so far (the next section's offset).
    spilled: u64,
    /// JSON and human: the open actions, spilled.
    actions: Option<ActionSpill>,
    /// Reused for each cluster's text.
    buf: String,
}

fn spill() -> Result<BufWriter<File>, StreamError> {
    tempfile::tempfile()
        .map(BufWriter::new)
        .map_err(StreamError::Spill)
}

impl Streamer {
    /// `akscert simulate`'s report in `format` to `sink`, as of `now` with warning window
    /// `warn`.
    pub fn new(
        format: Format,
        sink: Sink,
        now: Instant,
        warn: Duration,
    ) -> Result<Streamer, StreamError> {
        Streamer::with_layout(Layout::Simulation, format, sink, now, warn)
    }

    /// `akscert fleet`'s report of a scenario, in the formats that show every cluster's
    /// certificates: HTML (sections most urgent first) and Prometheus (as a simulation's).
    /// `None` for the table formats, whose fleet report keeps only each cluster's row.
    pub fn fleet(
        format: Format,
        sink: Sink,
        now: Instant,
        warn: Duration,
    ) -> Result<Option<Streamer>, StreamError> {
        let layout = match format {
            Format::Html => Layout::FleetHtml,
            Format::Prometheus => Layout::Simulation,
            Format::Human | Format::Json | Format::Csv => return Ok(None),
        };
        Streamer::with_layout(layout, format, sink, now, warn).map(Some)
    }

    fn with_layout(
        layout: Layout,
        format: Format,
        sink: Sink,
        now: Instant,
        warn: Duration,
    ) -> Result<Streamer, StreamError> {
        let spills = match format {
            Format::Html => vec![spill()?],
            Format::Prometheus => vec![spill()?, spill()?],
            _ => Vec::new(),
        };
        Ok(Streamer {
            layout,
            format,
            sink,
            now,
            warn,
            header: None,
            summary: FleetSummary::default(),
            counts: FleetCounts::default(),
            verdict: Verdict::Clear,
            table: Vec::new(),
            wrote_cluster: false,
            spills,
            sections: std::collections::BTreeMap::new(),
            spilled: 0,
            actions: match format {
                Format::Json | Format::Human => Some(ActionSpill::new()?),
                _ => None,
            },
            buf: String::new(),
        })
    }

    /// What comes before the first cluster.
    pub fn head(&mut self, header: &RunHeader) -> Result<(), StreamError> {
        match self.format {
            Format::Json => self.sink.write(&header.timeline_head())?,
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

    /// One cluster, the next in cluster order.
    pub fn cluster(&mut self, c: &ClusterOutcome) -> Result<(), StreamError> {
        let t = &c.timeline;
        let row = simulation_row(c, self.now, self.warn);
        self.verdict = self.verdict.max(Verdict::of_urgency(row.urgency));
        self.counts.add(row.urgency);
        self.summary
            .add(&t.name, &t.resource_group, t.summary.as_ref());
        // Only the JSON summary and the human table list the open actions: spilled.
        let actions = std::mem::take(&mut self.summary.actions_needed);
        if let Some(spill) = &mut self.actions {
            spill.add(actions)?;
        }
        self.buf.clear();
        match self.format {
            Format::Json => {
                if self.wrote_cluster {
                    self.sink.write(",")?;
                }
                self.wrote_cluster = true;
                self.sink.write(c.raw.get())?;
            }
            Format::Csv => self.sink.write(&csv::timeline_cluster(c))?,
            Format::Human => {
                human::cluster_block(&mut self.buf, c);
                self.sink.write(&self.buf)?;
            }
            Format::Html => {
                let horizon = self.header.as_ref().map_or(self.now, |h| h.horizon);
                html::cluster_section(&mut self.buf, c, Some(&row), self.now, horizon);
                self.spills[0]
                    .write_all(self.buf.as_bytes())
                    .map_err(StreamError::Spill)?;
                self.sections
                    .insert(row.index, (self.spilled, self.buf.len()));
                self.spilled += self.buf.len() as u64;
                self.table.push(TableLine {
                    urgency: row.urgency,
                    next_due: row.next_due.unwrap_or(Instant::MAX),
                    line: html::summary_line(&row),
                    name: row.name,
                    index: row.index,
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
                for (family, file) in self.spills.iter_mut().enumerate() {
                    let mut text = String::new();
                    for s in &series {
                        prom::sample(family + 1, s, &mut text);
                    }
                    file.write_all(text.as_bytes())
                        .map_err(StreamError::Spill)?;
                }
            }
        }
        Ok(())
    }

    /// What comes after the last cluster; the report's verdict.
    pub fn finish(mut self) -> Result<Verdict, StreamError> {
        self.summary.finish();
        match self.format {
            Format::Json => {
                // The summary with no actions ends `"actionsNeeded":[]}}`: the spilled
                // actions go between the brackets.
                let tail = timeline_tail(&self.summary);
                let Some(head) = tail.strip_suffix("[]}}") else {
                    return Err(StreamError::Spill(io::Error::other(
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
                self.sink.write(&human::fleet_totals(&self.summary))?;
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
                    .write(&human::verdict(self.now, self.warn, &self.counts))?;
            }
            Format::Html => {
                // fleet::sort_rows's order: urgency, next due, name, index.
                self.table.sort_by(|a, b| {
                    (a.urgency, a.next_due, &a.name, a.index)
                        .cmp(&(b.urgency, b.next_due, &b.name, b.index))
                });
                let lines = self.table.iter().map(|t| t.line.as_str());
                let sections = self.spills.remove(0);
                if self.layout == Layout::FleetHtml {
                    let start =
                        html::fleet_start(self.now, self.warn, &self.summary, &self.counts, lines);
                    self.sink.write(&start)?;
                    let order = self.table.iter().map(|t| t.index);
                    copy_sections(sections, order, &self.sections, &mut self.sink)?;
                } else {
                    if let Some(h) = &self.header {
                        let start = html::simulation_start(
                            h,
                            self.now,
                            self.warn,
                            &self.summary,
                            &self.counts,
                            lines,
                        );
                        self.sink.write(&start)?;
                    }
                    copy(sections, &mut self.sink)?;
                }
                self.sink.write(html::simulation_end())?;
            }
            Format::Prometheus => {
                for (family, file) in std::mem::take(&mut self.spills).into_iter().enumerate() {
                    let mut head = String::new();
                    prom::family_head(family + 1, &mut head);
                    self.sink.write(&head)?;
                    copy(file, &mut self.sink)?;
                }
            }
        }
        self.sink.finish()?;
        Ok(self.verdict)
    }
}

/// Write a spill file's text to `sink`, a line at a time.
fn copy(file: BufWriter<File>, sink: &mut Sink) -> Result<(), StreamError> {
    let mut file = file
        .into_inner()
        .map_err(|e| StreamError::Spill(e.into_error()))?;
    file.rewind().map_err(StreamError::Spill)?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(StreamError::Spill)? == 0 {
            return Ok(());
        }
        sink.write(&line)?;
    }
}

/// A cluster's line of the HTML summary table and what the table is ordered by.
struct TableLine {
    urgency: Urgency,
    next_due: Instant,
    name: String,
    index: usize,
    line: String,
}

/// Write the spilled sections of the clusters `order` names, in that order.
fn copy_sections(
    file: BufWriter<File>,
    order: impl Iterator<Item = usize>,
    at: &std::collections::BTreeMap<usize, (u64, usize)>,
    sink: &mut Sink,
) -> Result<(), StreamError> {
    let mut file = file
        .into_inner()
        .map_err(|e| StreamError::Spill(e.into_error()))?;
    let mut bytes = Vec::new();
    for index in order {
        let Some(&(offset, len)) = at.get(&index) else {
            continue;
        };
        file.seek(io::SeekFrom::Start(offset))
            .map_err(StreamError::Spill)?;
        bytes.resize(len, 0);
        io::Read::read_exact(&mut file, &mut bytes).map_err(StreamError::Spill)?;
        // Written from a `String`: the bytes are UTF-8.
        let text = String::from_utf8_lossy(&bytes);
        sink.write(&text)?;
    }
    Ok(())
}

/// The fleet's open actions in a temporary file (one JSON document each), with the sort
/// key of each in memory: [`FleetSummary::finish`]'s order, due date first.
struct ActionSpill {
    file: BufWriter<File>,
    /// Each cluster's name and resource group, once.
    clusters: Vec<(String, String)>,
    keys: Vec<ActionKey>,
    spilled: u64,
}

/// Where an action is in the spill, and what it is sorted by.
struct ActionKey {
    due: Instant,
    cluster: usize,
    kind: ActionKind,
    subject: String,
    offset: u64,
    len: usize,
}

impl ActionSpill {
    fn new() -> Result<ActionSpill, StreamError> {
        Ok(ActionSpill {
            file: spill()?,
            clusters: Vec::new(),
            keys: Vec::new(),
            spilled: 0,
        })
    }

    fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// One cluster's actions (all of one cluster: `FleetSummary::add` gives them so).
    fn add(&mut self, actions: Vec<FleetAction>) -> Result<(), StreamError> {
        let Some(first) = actions.first() else {
            return Ok(());
        };
        let cluster = self.clusters.len();
        self.clusters
            .push((first.cluster.clone(), first.resource_group.clone()));
        for a in actions {
            let json = serde_json::to_string(&a).map_err(|e| StreamError::Spill(e.into()))?;
            self.file
                .write_all(json.as_bytes())
                .map_err(StreamError::Spill)?;
            self.keys.push(ActionKey {
                due: a.due,
                cluster,
                kind: a.kind,
                subject: a.subject,
                offset: self.spilled,
                len: json.len(),
            });
            self.spilled += json.len() as u64;
        }
        Ok(())
    }

    /// Every action, most urgent first: its JSON and the action read back from it.
    fn each(
        mut self,
        mut f: impl FnMut(&str, FleetAction) -> Result<(), StreamError>,
    ) -> Result<(), StreamError> {
        let clusters = &self.clusters;
        // A stable sort on FleetSummary::finish's key: equal keys keep cluster order.
        self.keys.sort_by(|a, b| {
            let (ca, ra) = &clusters[a.cluster];
            let (cb, rb) = &clusters[b.cluster];
            (a.due, ca, ra, a.kind, &a.subject).cmp(&(b.due, cb, rb, b.kind, &b.subject))
        });
        let mut file = self
            .file
            .into_inner()
            .map_err(|e| StreamError::Spill(e.into_error()))?;
        let mut bytes = Vec::new();
        for k in &self.keys {
            file.seek(io::SeekFrom::Start(k.offset))
                .map_err(StreamError::Spill)?;
            bytes.resize(k.len, 0);
            io::Read::read_exact(&mut file, &mut bytes).map_err(StreamError::Spill)?;
            let json =
                std::str::from_utf8(&bytes).map_err(|e| StreamError::Spill(io::Error::other(e)))?;
            let action: FleetAction =
                serde_json::from_str(json).map_err(|e| StreamError::Spill(e.into()))?;
            f(json, action)?;
        }
        Ok(())
    }
}

/// `akscert fleet`'s report of a scenario in the table formats (human, CSV, JSON): a row
/// per cluster, most urgent first. Each cluster's part is rendered as it arrives and kept
/// in a temporary file; memory holds only its sort key and, for the human table (whose
/// column widths depend on every row), its cells.
pub struct FleetTable {
    format: Format,
    sink: Sink,
    now: Instant,
    warn: Duration,
    counts: FleetCounts,
    verdict: Verdict,
    spill: BufWriter<File>,
    spilled: u64,
    entries: Vec<TableEntry>,
    buf: String,
}

/// One cluster of a [`FleetTable`].
struct TableEntry {
    urgency: Urgency,
    next_due: Instant,
    name: String,
    index: usize,
    /// Its part in the spill (CSV lines, the JSON entry, the human detail).
    offset: u64,
    len: usize,
    /// Human only: its cells in the table.
    cells: Vec<String>,
}

impl FleetTable {
    /// The fleet report in `format` to `sink`; `None` for HTML and Prometheus (see
    /// [`Streamer::fleet`]).
    pub fn new(
        format: Format,
        sink: Sink,
        now: Instant,
        warn: Duration,
    ) -> Result<Option<FleetTable>, StreamError> {
        if !matches!(format, Format::Human | Format::Csv | Format::Json) {
            return Ok(None);
        }
        Ok(Some(FleetTable {
            format,
            sink,
            now,
            warn,
            counts: FleetCounts::default(),
            verdict: Verdict::Clear,
            spill: spill()?,
            spilled: 0,
            entries: Vec::new(),
            buf: String::new(),
        }))
    }

    /// One cluster (in any order).
    pub fn cluster(&mut self, c: &ClusterOutcome) -> Result<(), StreamError> {
        let row = simulation_row(c, self.now, self.warn);
        self.verdict = self.verdict.max(Verdict::of_urgency(row.urgency));
        self.counts.add(row.urgency);
        self.buf.clear();
        let mut cells = Vec::new();
        match self.format {
            Format::Csv => csv::fleet_row(&mut self.buf, &row),
            Format::Human => {
                cells = human::fleet_cells(&row);
                if let Some(detail) = human::fleet_detail(&row, self.now) {
                    self.buf = detail;
                }
            }
            _ => {
                let entry = FleetEntry {
                    row,
                    report: None,
                    summary: c.timeline.summary.clone(),
                };
                self.buf =
                    serde_json::to_string(&entry).map_err(|e| StreamError::Spill(e.into()))?;
                return self.keep(entry.row, cells);
            }
        }
        self.keep(row, cells)
    }

    fn keep(&mut self, row: FleetRow, cells: Vec<String>) -> Result<(), StreamError> {
        self.spill
            .write_all(self.buf.as_bytes())
            .map_err(StreamError::Spill)?;
        self.entries.push(TableEntry {
            urgency: row.urgency,
            next_due: row.next_due.unwrap_or(Instant::MAX),
            name: row.name,
            index: row.index,
            offset: self.spilled,
            len: self.buf.len(),
            cells,
        });
        self.spilled += self.buf.len() as u64;
        Ok(())
    }

    /// Write the report; its verdict.
    pub fn finish(mut self) -> Result<Verdict, StreamError> {
        // fleet::sort_rows's order: urgency, next due, name, index.
        self.entries.sort_by(|a, b| {
            (a.urgency, a.next_due, &a.name, a.index)
                .cmp(&(b.urgency, b.next_due, &b.name, b.index))
        });
        let tail = match self.format {
            Format::Csv => {
                self.sink.write(&csv::fleet_header())?;
                String::new()
            }
            Format::Human => {
                let cells: Vec<(Urgency, Vec<String>)> = self
                    .entries
                    .iter_mut()
                    .map(|e| (e.urgency, std::mem::take(&mut e.cells)))
                    .collect();
                self.sink.write(&human::fleet_table(&cells))?;
                human::verdict(self.now, self.warn, &self.counts)
            }
            _ => {
                // The report with no clusters ends `"clusters":[]}`: the entries go
                // between the brackets (a scenario's report has no notes).
                let mut doc = FleetReport::new(
                    FleetSource::Scenario,
                    self.now,
                    self.warn,
                    Vec::new(),
                    Vec::new(),
                );
                doc.counts = self.counts;
                let text = serde_json::to_string(&doc).map_err(|e| StreamError::Spill(e.into()))?;
                let Some(head) = text.strip_suffix("[]}") else {
                    return Err(StreamError::Spill(io::Error::other(
                        "the fleet report does not end with its clusters",
                    )));
                };
                self.sink.write(head)?;
                self.sink.write("[")?;
                "]}\n".to_string()
            }
        };
        let json = self.format == Format::Json;
        let mut file = self
            .spill
            .into_inner()
            .map_err(|e| StreamError::Spill(e.into_error()))?;
        let mut bytes = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if json && i > 0 {
                self.sink.write(",")?;
            }
            if e.len == 0 {
                continue;
            }
            file.seek(io::SeekFrom::Start(e.offset))
                .map_err(StreamError::Spill)?;
            bytes.resize(e.len, 0);
            io::Read::read_exact(&mut file, &mut bytes).map_err(StreamError::Spill)?;
            let text =
                std::str::from_utf8(&bytes).map_err(|e| StreamError::Spill(io::Error::other(e)))?;
            self.sink.write(text)?;
        }
        self.sink.write(&tail)?;
        self.sink.finish()?;
        Ok(self.verdict)
    }
}
