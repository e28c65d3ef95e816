//! `akscert fleet`'s report of a scenario in the table formats, streamed.

use akscert_core::report::fleet::{
    FleetEntry, FleetReport, FleetRow, FleetSource, Urgency, Verdict,
};
use akscert_core::report::fleet_fold::OrderKey;
use akscert_core::time::{Duration, Instant};

use super::spill::{Span, Spill, StreamError};
use super::stream::{ClusterSink, Streamer};
use super::{Format, csv, human, simulation_row};
use crate::engine::FleetFold;
use crate::outcome::{ClusterOutcome, RunHeader};
use crate::output::Sink;

/// `akscert fleet`'s report of a scenario in the table formats (human, CSV, JSON): a row
/// per cluster, most urgent first. Each cluster's part is rendered as it arrives and kept
/// in a temporary file; memory holds only its place (the engine's key: [`FleetFold`]) and,
/// for the human table (whose column widths depend on every row), its cells.
pub struct FleetTable {
    format: TableFormat,
    sink: Sink,
    now: Instant,
    warn: Duration,
    fold: FleetFold,
    spill: Spill,
    entries: Vec<TableEntry>,
    buf: String,
}

/// `akscert fleet`'s report of a scenario, in any format, written as clusters arrive.
// One per run, held on the stack for its length: boxing either variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum FleetSink {
    /// Human, CSV, JSON: a row per cluster, most urgent first.
    Table(FleetTable),
    /// HTML (each cluster's section, most urgent first) and Prometheus (as a simulation's).
    Stream(Streamer),
}

impl FleetSink {
    /// The fleet report in `format` to `sink`, at `now` with the `warn` window, its fleet
    /// added up by `fold`.
    pub fn open(
        format: Format,
        sink: Sink,
        now: Instant,
        warn: Duration,
        fold: FleetFold,
    ) -> Result<Self, StreamError> {
        let table = match format {
            Format::Human => TableFormat::Human,
            Format::Csv => TableFormat::Csv,
            Format::Json => TableFormat::Json,
            Format::Html => {
                return Streamer::fleet_html(sink, now, warn, fold).map(FleetSink::Stream);
            }
            Format::Prometheus => {
                return Streamer::new(format, sink, now, warn, fold).map(FleetSink::Stream);
            }
        };
        FleetTable::new(table, sink, now, warn, fold).map(FleetSink::Table)
    }
}

impl ClusterSink for FleetSink {
    fn head(&mut self, header: &RunHeader) -> Result<(), StreamError> {
        match self {
            FleetSink::Table(t) => t.head(header),
            FleetSink::Stream(s) => s.head(header),
        }
    }

    fn cluster(&mut self, c: &ClusterOutcome) -> Result<(), StreamError> {
        match self {
            FleetSink::Table(t) => t.cluster(c),
            FleetSink::Stream(s) => s.cluster(c),
        }
    }

    fn finish(self) -> Result<Verdict, StreamError> {
        match self {
            FleetSink::Table(t) => t.finish(),
            FleetSink::Stream(s) => s.finish(),
        }
    }
}

/// The formats a [`FleetTable`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableFormat {
    Human,
    Csv,
    Json,
}

/// One cluster of a [`FleetTable`].
struct TableEntry {
    /// Its place in the report (the engine's key; the order `fleet::sort_rows` gives).
    order: OrderKey,
    /// Its row's urgency.
    urgency: Urgency,
    /// Its part in the spill (CSV lines, the JSON entry, the human detail).
    span: Span,
    /// Human only: its cells in the table.
    cells: Vec<String>,
}

impl FleetTable {
    fn new(
        format: TableFormat,
        sink: Sink,
        now: Instant,
        warn: Duration,
        fold: FleetFold,
    ) -> Result<Self, StreamError> {
        Ok(FleetTable {
            format,
            sink,
            now,
            warn,
            fold,
            spill: Spill::new()?,
            entries: Vec::new(),
            buf: String::new(),
        })
    }

    fn keep(
        &mut self,
        order: OrderKey,
        row: &FleetRow,
        cells: Vec<String>,
    ) -> Result<(), StreamError> {
        let span = self.spill.push(&self.buf)?;
        self.entries.push(TableEntry {
            order,
            urgency: row.urgency,
            span,
            cells,
        });
        Ok(())
    }
}

impl ClusterSink for FleetTable {
    /// The table formats print nothing before the rows.
    fn head(&mut self, _: &RunHeader) -> Result<(), StreamError> {
        Ok(())
    }

    /// One cluster (in any order).
    fn cluster(&mut self, c: &ClusterOutcome) -> Result<(), StreamError> {
        let row = simulation_row(c, self.now, self.warn);
        let order = self.fold.add(&row, c.timeline.summary.as_ref())?.row;
        self.buf.clear();
        let mut cells = Vec::new();
        match self.format {
            TableFormat::Csv => csv::fleet_row(&mut self.buf, &row),
            TableFormat::Human => {
                cells = human::fleet_cells(&row);
                if let Some(detail) = human::fleet_detail(&row, self.now) {
                    self.buf = detail;
                }
            }
            TableFormat::Json => {
                let entry = FleetEntry {
                    row,
                    report: None,
                    summary: c.timeline.summary.clone(),
                };
                self.buf =
                    serde_json::to_string(&entry).map_err(|e| StreamError::Spill(e.into()))?;
                return self.keep(order, &entry.row, cells);
            }
        }
        self.keep(order, &row, cells)
    }

    /// Write the report; its verdict.
    fn finish(mut self) -> Result<Verdict, StreamError> {
        self.entries.sort_by(|a, b| a.order.cmp(&b.order));
        let totals = self.fold.totals().clone();
        let tail = match self.format {
            TableFormat::Csv => {
                self.sink.write(&csv::fleet_header())?;
                String::new()
            }
            TableFormat::Human => {
                let cells: Vec<(Urgency, Vec<String>)> = self
                    .entries
                    .iter_mut()
                    .map(|e| (e.urgency, std::mem::take(&mut e.cells)))
                    .collect();
                self.sink.write(&human::fleet_table(&cells))?;
                human::verdict(self.now, self.warn, &totals.counts)
            }
            TableFormat::Json => {
                // The report with no clusters ends `"clusters":[]}`: the entries go
                // between the brackets (a scenario's report has no notes).
                let mut doc = FleetReport::new(
                    FleetSource::Scenario,
                    self.now,
                    self.warn,
                    Vec::new(),
                    Vec::new(),
                );
                doc.counts = totals.counts.clone();
                doc.verdict = totals.verdict;
                let text = serde_json::to_string(&doc).map_err(|e| StreamError::Spill(e.into()))?;
                let Some(head) = text.strip_suffix("[]}") else {
                    return Err(StreamError::Spill(std::io::Error::other(
                        "the fleet report does not end with its clusters",
                    )));
                };
                self.sink.write(head)?;
                self.sink.write("[")?;
                "]}\n".to_string()
            }
        };
        let json = self.format == TableFormat::Json;
        let mut reader = self.spill.into_reader()?;
        for (i, e) in self.entries.iter().enumerate() {
            if json && i > 0 {
                self.sink.write(",")?;
            }
            if !e.span.is_empty() {
                self.sink.write(reader.read(e.span)?)?;
            }
        }
        self.sink.write(&tail)?;
        self.sink.finish()?;
        Ok(totals.verdict)
    }
}
