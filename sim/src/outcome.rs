//! What a run produced, per cluster: the engine's answer kept as exact JSON (so the JSON
//! report is byte-for-byte what the engine said) and read back into akscert-core's own
//! document types for the renderers, or the failure of that one cluster — a core error, a
//! guest trap, a budget overrun. A table's run keeps no JSON (the module answers it packed).

use std::borrow::Cow;

use akscert_core::api::{ClusterRun, ErrorDocument, PackedCluster, RowAt};
use akscert_core::cluster::Event;
use akscert_core::engine::{
    API_VERSION, ClusterFailure, ClusterTimeline, FailureKind, FleetSummary,
};
use akscert_core::report::ExpiryReport;
use akscert_core::report::fleet::RowDecision;
use akscert_core::report::fleet::{FleetCounts, FleetReport, FleetRow, Verdict};
use akscert_core::time::{Duration, Instant};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::engine::{CallResult, GuestFault};

/// One cluster's simulation.
#[derive(Debug, Clone)]
pub struct ClusterOutcome {
    /// The `ClusterTimeline` JSON, exactly as the engine returned it (or, for a failure
    /// outside akscert-core, core's own serialisation of one). Always well-formed: it was
    /// serialised by core, or parsed whole into [`ClusterOutcome::timeline`]. `None` when
    /// the run kept none (a table's: a packed answer, or the native engine told not to).
    raw: Option<String>,
    /// The same timeline, read back into core's type: what the renderers use.
    pub timeline: ClusterTimeline,
    /// The engine's decision on the cluster's fleet row, and the instant and window it was
    /// made for, when the run asked for one (outcomes read from a shard file have none).
    pub row: Option<(RowAt, RowDecision)>,
}

impl ClusterOutcome {
    /// A cluster that produced no timeline.
    pub fn failed(index: usize, name: &str, resource_group: &str, failure: ClusterFailure) -> Self {
        let timeline = ClusterTimeline {
            index,
            name: name.to_string(),
            resource_group: resource_group.to_string(),
            events: None,
            summary: None,
            error: Some(failure),
        };
        ClusterOutcome {
            raw: Some(serde_json::to_string(&timeline).unwrap_or_default()),
            timeline,
            row: None,
        }
    }

    /// The outcome of a `simulateCluster` call for `run`.
    pub fn from_call(run: &ClusterRun, result: CallResult) -> Self {
        let (name, rg) = run
            .scenario
            .clusters
            .first()
            .map(|c| (c.name.as_str(), c.resource_group.as_str()))
            .unwrap_or(("", ""));
        Self::from_answer(run.index, name, rg, result, None)
    }

    /// The outcome of a call that simulates cluster `index` (named `name`, in resource
    /// group `rg`: what a failure row shows when the engine gave no timeline); when it
    /// asked for the fleet row `at`, the answer's second line is the engine's
    /// [`RowDecision`].
    pub fn from_answer(
        index: usize,
        name: &str,
        rg: &str,
        result: CallResult,
        at: Option<RowAt>,
    ) -> Self {
        let failure = match answered(result) {
            Ok(json) => match Self::from_lines(json, at) {
                Ok(outcome) => return outcome,
                Err(why) => abi_violation(format!(
                    "the engine's answer is not a cluster timeline: {why}"
                )),
            },
            Err(failure) => failure,
        };
        Self::failed(index, name, rg, failure)
    }

    /// The outcome of a packed `simulateOpenCluster` of cluster `index` (named `name`, in
    /// resource group `rg`): the summary or failure and the row. No JSON is kept: a table
    /// run prints none (and [`ClusterOutcome::raw_json`] would write core's).
    pub fn from_packed(
        index: usize,
        name: &str,
        rg: &str,
        result: Result<Result<PackedCluster, ErrorDocument>, GuestFault>,
        at: Option<RowAt>,
    ) -> Self {
        let (summary, error, row) = match answered(result) {
            Ok(packed) => packed.into_parts(),
            Err(failure) => return Self::failed(index, name, rg, failure),
        };
        let mut outcome = ClusterOutcome {
            raw: None,
            timeline: ClusterTimeline {
                index,
                name: name.to_string(),
                resource_group: rg.to_string(),
                events: None,
                summary,
                error,
            },
            row: None,
        };
        let attached = match (at, row) {
            (Some(at), Some(decision)) => outcome.attach_row(at, decision),
            (Some(_), None) => Err("the answer has no row decision".to_string()),
            (None, _) => Ok(()),
        };
        match attached {
            Ok(()) => outcome,
            Err(why) => Self::failed(
                index,
                name,
                rg,
                abi_violation(format!(
                    "the engine's packed answer is not a cluster's run: {why}"
                )),
            ),
        }
    }

    /// A timeline from core's types (the native engine's typed path), kept with its JSON
    /// when `keep_json` (a table keeps none: [`ClusterOutcome::raw_json`] writes it if it
    /// is asked for after all), and the row decided `at` (by core's own function, as the
    /// module decides it).
    pub fn from_timeline(timeline: ClusterTimeline, at: Option<RowAt>, keep_json: bool) -> Self {
        let row = at.map(|at| {
            let failed = timeline.error.is_some();
            let d =
                RowDecision::of_summary(timeline.summary.as_ref(), failed, at.now, at.warn_within);
            (at, d)
        });
        ClusterOutcome {
            raw: keep_json.then(|| serde_json::to_string(&timeline).unwrap_or_default()),
            timeline,
            row,
        }
    }

    /// An engine's answer: the timeline's JSON, and with `at`, a second line holding the
    /// row's decision (which must name only the summary's own actions).
    fn from_lines(mut json: String, at: Option<RowAt>) -> Result<Self, String> {
        let Some(at) = at else {
            return Self::from_json(json);
        };
        let line = json
            .rfind('\n')
            .ok_or("the answer has no row decision after the timeline")?;
        let decision: RowDecision =
            serde_json::from_str(&json[line + 1..]).map_err(|e| format!("row decision: {e}"))?;
        json.truncate(line);
        let mut outcome = Self::from_json(json)?;
        outcome.attach_row(at, decision)?;
        Ok(outcome)
    }

    /// Keep the engine's row `decision` made `at`, once it is checked to name only this
    /// cluster's own actions.
    pub fn attach_row(&mut self, at: RowAt, decision: RowDecision) -> Result<(), String> {
        let summary = self.timeline.summary.as_ref();
        if let Some(i) = decision.foreign_action(summary) {
            return Err(format!(
                "cluster {}: the row decision names action {i}; the summary has {}",
                self.timeline.index,
                summary.map_or(0, |s| s.actions.len())
            ));
        }
        self.row = Some((at, decision));
        Ok(())
    }

    /// The engine's row decision, if it was made for `now` and window `warn`.
    pub fn row_decided(&self, now: Instant, warn: Duration) -> Option<&RowDecision> {
        self.row
            .as_ref()
            .filter(|(at, _)| at.now == now && at.warn_within == warn)
            .map(|(_, d)| d)
    }

    /// Read a `ClusterTimeline` JSON (from the engine or a shard file). Parsing it whole
    /// into core's type checks that it is well-formed JSON (trailing text included), so it
    /// is kept as it is, not validated a second time as a `RawValue`.
    pub fn from_json(json: String) -> Result<Self, String> {
        let timeline: ClusterTimeline = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        Ok(ClusterOutcome {
            raw: Some(json),
            timeline,
            row: None,
        })
    }

    /// The timeline's JSON, as the engine wrote it; for a packed answer, core's
    /// serialisation of the same timeline (the bytes the engine writes for it).
    pub fn raw_json(&self) -> Cow<'_, str> {
        match &self.raw {
            Some(json) => Cow::Borrowed(json),
            None => Cow::Owned(serde_json::to_string(&self.timeline).unwrap_or_default()),
        }
    }

    /// Whether the run kept no JSON of the timeline (a table's: the module answered
    /// packed, or the native engine wrote none).
    pub fn kept_no_json(&self) -> bool {
        self.raw.is_none()
    }

    /// The events (empty when the run kept none).
    pub fn events(&self) -> &[Event] {
        self.timeline.events.as_deref().unwrap_or_default()
    }
}

impl Serialize for ClusterOutcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A borrowed RawValue: serde_json writes the text as it is.
        let json = self.raw_json();
        let raw: &RawValue = serde_json::from_str(&json).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ClusterOutcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        ClusterOutcome::from_json(raw.get().to_string()).map_err(serde::de::Error::custom)
    }
}

/// An engine's answer, or the failure it stands for: the engine's refusal (its error
/// document) or a fault of the guest (a limit hit, a trap).
fn answered<T>(result: Result<Result<T, ErrorDocument>, GuestFault>) -> Result<T, ClusterFailure> {
    match result {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(doc)) => Err(doc.error.into()),
        Err(fault) => Err(ClusterFailure::new(fault.kind, fault.message)),
    }
}

/// An answer that is not what the call answers: the engine broke the host ABI.
fn abi_violation(message: String) -> ClusterFailure {
    ClusterFailure::new(FailureKind::AbiViolation, message)
}

pub use akscert_core::engine::RunHeader;

/// A whole (or merged) simulation: every cluster, in scenario order.
#[derive(Debug, Clone)]
pub struct SimulationRun {
    /// Scenario name, seed, span.
    pub header: RunHeader,
    /// The instant "now" for verdicts and "as of" renderings.
    pub now: Instant,
    /// The warning window.
    pub warn_within: Duration,
    /// Every cluster, by index.
    pub clusters: Vec<ClusterOutcome>,
}

/// The head of the Timeline document, field for field as akscert-core serialises
/// `Timeline` up to its clusters (which are written one by one, as the engine gave them).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TimelineHead<'a> {
    api_version: &'static str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<&'a str>,
    seed: u64,
    start: Instant,
    horizon: Instant,
}

/// The `Timeline` JSON of a run with `header`, up to and including the clusters' `[`.
pub fn timeline_head(header: &RunHeader) -> String {
    let mut head = serde_json::to_string(&TimelineHead {
        api_version: API_VERSION,
        kind: "Timeline",
        scenario: header.scenario.as_deref(),
        seed: header.seed,
        start: header.start,
        horizon: header.horizon,
    })
    .unwrap_or_default();
    head.pop();
    head.push_str(",\"clusters\":[");
    head
}

/// The `Timeline` JSON after its last cluster: the fleet summary.
pub fn timeline_tail(summary: &FleetSummary) -> String {
    format!(
        "],\"summary\":{}}}",
        serde_json::to_string(summary).unwrap_or_default()
    )
}

impl SimulationRun {
    /// The fleet summary (a pure function of the cluster summaries, so any order or
    /// sharding gives the same one).
    pub fn summary(&self) -> FleetSummary {
        let mut s = FleetSummary::default();
        for c in &self.clusters {
            let t = &c.timeline;
            s.add(&t.name, &t.resource_group, t.summary.as_ref());
        }
        s.finish();
        s
    }

    /// The `Timeline` JSON — the same bytes akscert-core's `simulate` returns.
    pub fn timeline_json(&self) -> String {
        let mut out = timeline_head(&self.header);
        for (i, c) in self.clusters.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&c.raw_json());
        }
        out + &timeline_tail(&self.summary())
    }
}

/// One cluster of an inventory: its expiry report, or why there is none.
#[derive(Debug, Clone)]
pub struct ReportOutcome {
    /// Position in the inventory.
    pub index: usize,
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// The `ExpiryReport` JSON exactly as the engine returned it, when it came alone (a
    /// `report` call); a fleet report's entries keep only `parsed`.
    pub report: Option<Box<RawValue>>,
    /// The same report, read back into core's type: what the renderers use.
    pub parsed: Option<ExpiryReport>,
    /// Why there is no report.
    pub error: Option<ClusterFailure>,
    /// What reading the inventory entry assumed or noticed.
    pub notes: Vec<String>,
    /// The cluster's fleet row as the engine's `fleetReport` gave it (an `az` fleet); the
    /// renderers derive it with core's rules when absent (a `report` call, a merged shard).
    pub row: Option<FleetRow>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportOutcomeDoc {
    index: usize,
    name: String,
    resource_group: String,
    report: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<ClusterFailure>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

impl ReportOutcome {
    /// The outcome of a `report` call.
    pub fn from_call(
        index: usize,
        name: &str,
        resource_group: &str,
        notes: Vec<String>,
        result: CallResult,
    ) -> Self {
        let mut out = ReportOutcome {
            index,
            name: name.to_string(),
            resource_group: resource_group.to_string(),
            report: None,
            parsed: None,
            error: None,
            notes,
            row: None,
        };
        match answered(result) {
            Ok(json) => match serde_json::from_str::<ExpiryReport>(&json) {
                Ok(parsed) => {
                    out.parsed = Some(parsed);
                    out.report = RawValue::from_string(json).ok();
                }
                Err(e) => {
                    out.error = Some(abi_violation(format!(
                        "the engine's answer is not an expiry report: {e}"
                    )))
                }
            },
            Err(failure) => out.error = Some(failure),
        }
        out
    }
}

impl Serialize for ReportOutcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ReportOutcomeDoc {
            index: self.index,
            name: self.name.clone(),
            resource_group: self.resource_group.clone(),
            // The engine's text when the outcome kept it, else the parsed report written
            // again (a fleet report's entries arrive parsed).
            report: self.report.clone().or_else(|| {
                let parsed = self.parsed.as_ref()?;
                serde_json::value::to_raw_value(parsed).ok()
            }),
            error: self.error.clone(),
            notes: self.notes.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ReportOutcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = ReportOutcomeDoc::deserialize(d)?;
        let parsed = match &doc.report {
            Some(r) => Some(serde_json::from_str(r.get()).map_err(serde::de::Error::custom)?),
            None => None,
        };
        Ok(ReportOutcome {
            index: doc.index,
            name: doc.name,
            resource_group: doc.resource_group,
            report: doc.report,
            parsed,
            error: doc.error,
            notes: doc.notes,
            row: None,
        })
    }
}

/// A whole (or merged) inventory run: one report per cluster, in inventory order.
#[derive(Debug, Clone)]
pub struct InventoryRun {
    /// The instant reported on.
    pub now: Instant,
    /// The warning window.
    pub warn_within: Duration,
    /// Every cluster, by index.
    pub clusters: Vec<ReportOutcome>,
    /// What the engine's `fleetReport` decided about the whole inventory; `None` for a
    /// shard's run (its share's rows) and a merge of shards (no engine): core's rules
    /// order and count their rows.
    pub decided: Option<InventoryDecision>,
}

/// An inventory's order, counts and verdict, as the engine decided them (`fleetReport`).
#[derive(Debug, Clone)]
pub struct InventoryDecision {
    /// The clusters' indexes, most urgent first.
    pub order: Vec<usize>,
    /// Clusters per urgency.
    pub counts: FleetCounts,
    /// The most urgent cluster's verdict.
    pub verdict: Verdict,
}

impl InventoryDecision {
    /// The decisions of `report`.
    pub fn of(report: &FleetReport) -> InventoryDecision {
        InventoryDecision {
            order: report.clusters.iter().map(|e| e.row.index).collect(),
            counts: report.counts.clone(),
            verdict: report.verdict,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ClusterOutcome;

    #[test]
    fn an_answer_is_kept_as_written_only_when_it_is_well_formed_json() {
        let good = r#"{"index":3,"name":"a","resourceGroup":"rg","summary":null,"later":["x\n",{"y":1.5e3}]}"#;
        let outcome = ClusterOutcome::from_json(good.to_string()).unwrap();
        assert_eq!(outcome.raw_json(), good);
        assert_eq!(
            serde_json::to_string(&outcome).unwrap(),
            good,
            "serialised as written"
        );
        // Malformed JSON, even in a field core's type skips, is refused: what is kept is
        // always valid JSON to write into a report.
        for bad in [
            r#"{"index":3,"name":"a","resourceGroup":"rg","summary":null,"later":[1,]}"#,
            r#"{"index":3,"name":"a","resourceGroup":"rg","summary":null,"later":"\q"}"#,
            r#"{"index":3,"name":"a","resourceGroup":"rg","summary":null,"later":tru}"#,
            r#"{"index":3,"name":"a","resourceGroup":"rg","summary":null} trailing"#,
        ] {
            assert!(ClusterOutcome::from_json(bad.to_string()).is_err(), "{bad}");
        }
    }
}
