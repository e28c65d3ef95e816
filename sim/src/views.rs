//! Read-only views of akscert-core's JSON documents, for the renderers. The engine's
//! answer is JSON (it crossed the wasm boundary); the CLI keeps the exact text for JSON
//! output and reads only what each renderer needs, tolerating fields it does not know.

use akscert_core::cluster::{ActionKind, PowerState, ProvisioningState};
use akscert_core::engine::ClusterSummary;
use akscert_core::inventory::{CertRole, Issuer, RotationMechanism, Scope};
use akscert_core::report::RowStatus;
use akscert_core::time::{Duration, Instant};
use serde::Deserialize;

/// One event of a timeline: its instant and type, and the rest of its fields as JSON.
#[derive(Debug, Clone, Deserialize)]
pub struct EventView {
    /// When.
    pub at: Instant,
    /// The event type (`certificateIssued`, `downtimeStarted` …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Everything else.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

impl EventView {
    /// A string field.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(|v| v.as_str())
    }

    /// An instant field.
    pub fn instant(&self, key: &str) -> Option<Instant> {
        self.str(key).and_then(|t| Instant::parse(t).ok())
    }

    /// A boolean field.
    pub fn flag(&self, key: &str) -> Option<bool> {
        self.fields.get(key).and_then(|v| v.as_bool())
    }
}

/// A `ClusterTimeline` as the engine returns it (events kept as raw JSON elsewhere).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterTimelineView {
    /// Position in the scenario.
    pub index: usize,
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// Summary (absent when the run failed).
    pub summary: Option<ClusterSummary>,
    /// The failure, if any.
    #[serde(default)]
    pub error: Option<FailureView>,
}

/// Just the events of a `ClusterTimeline`.
#[derive(Debug, Clone, Deserialize)]
pub struct EventsOnly {
    /// Events, when the run kept them.
    #[serde(default)]
    pub events: Option<Vec<EventView>>,
}

/// Why a cluster has no result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct FailureView {
    /// Stable kind.
    pub kind: String,
    /// What happened.
    pub message: String,
}

/// An `ExpiryReport` as the engine returns it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportView {
    /// Cluster name.
    pub cluster: String,
    /// Resource group.
    pub resource_group: String,
    /// The instant reported on.
    pub now: Instant,
    /// The warning window.
    pub warn_within: Duration,
    /// `provisioningState`.
    pub provisioning_state: ProvisioningState,
    /// `powerState.code`.
    pub power_state: PowerState,
    /// Whether AKS autorotates.
    pub autorotation: bool,
    /// Cluster CA generation.
    pub ca_generation: u32,
    /// Worst row.
    pub worst: RowStatus,
    /// Certificates.
    pub rows: Vec<RowView>,
    /// Kubeconfigs.
    #[serde(default)]
    pub kubeconfigs: Vec<KubeconfigView>,
    /// Open actions.
    #[serde(default)]
    pub actions: Vec<ActionView>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// One certificate row of a report.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowView {
    /// Role.
    pub role: CertRole,
    /// Human title.
    pub title: String,
    /// Scope.
    pub scope: Scope,
    /// Node file path.
    pub path: Option<String>,
    /// Signer.
    pub issuer: Issuer,
    /// notBefore.
    pub not_before: Instant,
    /// notAfter (`null` for keys).
    pub not_after: Option<Instant>,
    /// Days left.
    pub days_left: Option<i64>,
    /// Next renewal.
    pub next_rotation: NextRotationView,
    /// Verdict.
    pub status: RowStatus,
    /// Dates are estimates.
    #[serde(default)]
    pub estimated: bool,
    /// Why.
    pub why: String,
    /// Commands.
    #[serde(default)]
    pub remediation: Vec<String>,
}

/// When a row renews next.
#[derive(Debug, Clone, Deserialize)]
pub struct NextRotationView {
    /// By what.
    pub mechanism: RotationMechanism,
    /// Earliest.
    pub earliest: Option<Instant>,
    /// Latest.
    pub latest: Option<Instant>,
}

/// A kubeconfig row.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigView {
    /// Who.
    pub holder: String,
    /// What kubectl prints when it fails.
    pub kubectl: Option<String>,
    /// Commands.
    #[serde(default)]
    pub remediation: Vec<String>,
}

/// An action (open in a report, or over a simulated span).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionView {
    /// Kind.
    pub kind: ActionKind,
    /// About what.
    pub subject: String,
    /// Due.
    pub due: Instant,
    /// Why.
    pub reason: String,
    /// Commands.
    #[serde(default)]
    pub commands: Vec<String>,
}
