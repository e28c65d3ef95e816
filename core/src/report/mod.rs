//! The expiry report: cluster facts and `now` in, one row per certificate out — what it
//! is, where it lives, when it expires, what renews it next and when, and what to run.

pub mod aks;
mod facts;
pub mod fleet;
pub mod fleet_fold;
pub mod lifetimes;
mod whatif;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::cluster::{
    Action, Cluster, EventKind, KubeconfigError, PowerState, ProvisioningState, Tracked,
};
use crate::document::API_VERSION;
use crate::engine::{self, ClusterFailure, FailureKind, RunOptions, ScenarioError};
use crate::explain;
use crate::inventory::{
    CertRole, Issuer, Maintainer, NodeFacts, RotationMechanism, Scope, node_path,
};
use crate::policy::Policy;
use crate::time::{Duration, Instant};

pub use aks::{AksAssumptions, AksFacts, AksFactsEntry, AksFactsError, AksFactsRequest, aks_facts};
pub use facts::{ClusterFacts, PoolFacts};
pub use fleet::{
    CertificateDue, DueItem, DueKind, FleetReport, FleetReportRequest, FleetRow, Urgency, Verdict,
    fleet_report,
};
pub use whatif::{WhatIf, WhatIfRequest, what_if};

/// Ask for a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportRequest {
    /// The instant the report is for.
    pub now: Instant,
    /// Rows expiring within this span are "rotation due" (default 30 days).
    #[serde(default = "crate::document::thirty_days")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// Policy overrides.
    #[serde(default)]
    pub policy: Policy,
    /// The cluster.
    pub cluster: ClusterFacts,
}

crate::struct_de::read_fields! {
    ReportRequest, ReportRequest {
        now: Instant::MIN,
        warn_within: crate::document::thirty_days(),
        policy: Policy::default(),
        cluster: crate::struct_de::ReadFields::blank(),
    };
    "now" => now: true,
    "warnWithin" => warn_within: false,
    "policy" => policy: false,
    "cluster" => cluster: true,
}

/// Why a report could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The facts do not make a valid cluster or history.
    #[error("cluster facts: {0}")]
    Facts(#[from] ScenarioError),
    /// `now` is before the cluster was created.
    #[error("now ({now}) is before the cluster was created ({created})")]
    NowBeforeCreation {
        /// The instant asked for.
        now: Instant,
        /// Creation.
        created: Instant,
    },
    /// The replay of the facts, or of the what-if's operations, could not run (its kind
    /// says why: an invalid cluster, the events budget…).
    #[error("cluster facts could not be replayed: {}", .0.message)]
    Replay(ClusterFailure),
    /// `warnWithin` is negative or longer than [`MAX_SPAN`].
    #[error("warnWithin: {value} must be between 0s and 10 years")]
    WarnWithin {
        /// The value given.
        value: Duration,
    },
    /// A what-if operation before `now`.
    #[error("{field}: {at} is before now ({now})")]
    OperationBeforeNow {
        /// `operations[2].at`.
        field: String,
        /// The instant given.
        at: Instant,
        /// The request's `now`.
        now: Instant,
    },
    /// A what-if operation more than [`MAX_SPAN`] after `now` (a stop of 240 months).
    #[error("{field}: {at} is more than 10 years after now ({now})")]
    OperationTooLate {
        /// `operations[1].at`.
        field: String,
        /// The instant given.
        at: Instant,
        /// The request's `now`.
        now: Instant,
    },
    /// A what-if operation with a value AKS or the policy refuses (a tag name with `/`, a
    /// rotate-certs duration beyond the policy's bound); the path starts `operations[i]`.
    #[error("{0}")]
    Operation(ScenarioError),
    /// The what-if horizon is before `now` or absurdly far.
    #[error("horizon: {horizon} must be between now ({now}) and 1000 years after it")]
    Horizon {
        /// The horizon asked for.
        horizon: Instant,
        /// The request's `now`.
        now: Instant,
    },
    /// A date of the facts is not between the cluster's creation and `now` (the replay
    /// would have moved it, or refused it somewhere the facts do not name).
    #[error("cluster facts: {field}: {date} is {bound}")]
    FactDate {
        /// Where in the facts (`lastUpgrade`, `nodePools[1].lastReimage`,
        /// `kubeconfigs[0].fetched`).
        field: String,
        /// The date given.
        date: Instant,
        /// Which end of the range it passes.
        bound: DateBound,
    },
}

/// The end of the facts' range of dates a date passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateBound {
    /// Before the cluster was created (then).
    BeforeCreation(Instant),
    /// After the report's `now` (then).
    AfterNow(Instant),
}

impl std::fmt::Display for DateBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateBound::BeforeCreation(created) => {
                write!(f, "before the cluster was created ({created})")
            }
            DateBound::AfterNow(now) => write!(f, "after now ({now})"),
        }
    }
}

/// Longest warning window, and the furthest after `now` a what-if operation may be: the
/// model answers for the next years, not for decades of an unchanged cluster.
pub const MAX_SPAN: Duration = Duration::years(10);

/// Refuse a negative or absurd warning window.
fn check_warn_within(value: Duration) -> Result<(), ReportError> {
    if value.is_negative() || value > MAX_SPAN {
        return Err(ReportError::WarnWithin { value });
    }
    Ok(())
}

/// A row's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum RowStatus {
    /// Valid, and something will renew it in time.
    Ok,
    /// The pool has no nodes, so nothing holds this certificate now.
    NoNodes,
    /// Needs action soon: nothing renews it and it expires within the warning window,
    /// or its automatic renewal is overdue.
    RotationDue,
    /// Left behind by a rotation while the cluster was stopped; recreate the pool.
    Stale,
    /// Past its notAfter.
    Expired,
}

/// When and by what a certificate is renewed next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NextRotation {
    /// What renews it.
    pub mechanism: RotationMechanism,
    /// Earliest instant (the autorotation point, or the start of the kubelet's window).
    pub earliest: Option<Instant>,
    /// Latest instant (the end of the kubelet's window).
    pub latest: Option<Instant>,
}

/// One certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ReportRow {
    /// Role.
    pub role: CertRole,
    /// Human name of the role.
    pub title: String,
    /// `controlPlane` or `nodePool:<name>`.
    pub scope: Scope,
    /// Node file path (Linux or Windows per the pool's OS), when it has one.
    pub path: Option<String>,
    /// Who keeps it valid.
    pub maintained_by: Maintainer,
    /// Signer.
    pub issuer: Issuer,
    /// Start of validity.
    pub not_before: Instant,
    /// End of validity (`null` for keys).
    pub not_after: Option<Instant>,
    /// Whole days left (negative once expired).
    pub days_left: Option<i64>,
    /// Next renewal.
    pub next_rotation: NextRotation,
    /// Verdict.
    pub status: RowStatus,
    /// Dates depend on the kubelet's random renewal point: read the node's file for the
    /// exact ones.
    pub estimated: bool,
    /// Why, in a sentence.
    pub why: String,
    /// What to run, if anything.
    pub remediation: Vec<String>,
}

/// A kubeconfig someone holds, and whether it works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigRow {
    /// Who.
    pub holder: String,
    /// The CA generation it trusts.
    pub ca_generation: u32,
    /// Its client certificate's notAfter.
    pub credential_not_after: Option<Instant>,
    /// Days left on that certificate.
    pub days_left: Option<i64>,
    /// How it fails, if it does.
    pub error: Option<KubeconfigError>,
    /// What kubectl prints, if it fails.
    pub kubectl: Option<String>,
    /// What to run.
    pub remediation: Vec<String>,
}

/// The report (reads back from its JSON; see [`crate::document`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ExpiryReport {
    /// `akscert/v1`.
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: Cow<'static, str>,
    /// `ExpiryReport`.
    #[serde(deserialize_with = "crate::document::expiry_report_kind")]
    pub kind: Cow<'static, str>,
    /// Cluster name.
    pub cluster: String,
    /// Resource group.
    pub resource_group: String,
    /// The instant reported on.
    pub now: Instant,
    /// The warning window used.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// `provisioningState`.
    pub provisioning_state: ProvisioningState,
    /// `powerState.code`.
    pub power_state: PowerState,
    /// Whether AKS autorotates the control plane's certificates.
    pub autorotation: bool,
    /// The Cluster CA generation.
    pub ca_generation: u32,
    /// The worst row status.
    pub worst: RowStatus,
    /// One row per certificate.
    pub rows: Vec<ReportRow>,
    /// Kubeconfigs.
    pub kubeconfigs: Vec<KubeconfigRow>,
    /// Open actions, most urgent first.
    pub actions: Vec<Action>,
    /// Things to know when reading the report (facts that contradict each other …).
    pub notes: Vec<String>,
}

/// The report for `req.cluster` at `req.now`.
pub fn expiry_report(req: &ReportRequest) -> Result<ExpiryReport, ReportError> {
    check_warn_within(req.warn_within)?;
    let cluster = replay(&req.cluster, req.now, &req.policy)?;
    let mut notes = cluster.1;
    let cluster = cluster.0;
    notes.push(explain::kubelet_estimate_note(&req.policy));
    Ok(report_from(&cluster, req.now, req.warn_within, notes))
}

/// Replay the facts to `now`: the machine, and notes on any step the facts implied that
/// the model refused (contradictory facts).
pub(crate) fn replay(
    facts: &ClusterFacts,
    now: Instant,
    policy: &Policy,
) -> Result<(Cluster, Vec<String>), ReportError> {
    if now < facts.created {
        return Err(ReportError::NowBeforeCreation {
            now,
            created: facts.created,
        });
    }
    facts.check_dates(now)?;
    let scenario = facts.scenario(now, policy);
    let prepared = scenario.prepare()?;
    let (timeline, cluster) = engine::run_cluster(&prepared, 0, RunOptions::default());
    let cluster = match (cluster, timeline.error) {
        (Some(c), None) => c,
        (_, Some(e)) => return Err(ReportError::Replay(e)),
        (None, None) => {
            return Err(ReportError::Replay(ClusterFailure::new(
                FailureKind::InvalidCluster,
                "no cluster",
            )));
        }
    };
    let mut notes = facts.assumptions();
    let refused = timeline
        .events
        .iter()
        .flatten()
        .filter_map(|e| match &e.kind {
            EventKind::OperationRejected { operation, message, .. } => Some(format!(
                "The facts imply a {operation} at {} that the model refuses ({message}); check the dates given.",
                e.at
            )),
            _ => None,
        });
    notes.extend(refused);
    Ok((cluster, notes))
}

/// Rows for every certificate of `cluster` as it is at `now`.
pub(crate) fn report_from(
    cluster: &Cluster,
    now: Instant,
    warn: Duration,
    notes: Vec<String>,
) -> ExpiryReport {
    let names = cluster.names();
    let mut rows = Vec::new();
    for t in cluster.control_plane() {
        rows.push(row(cluster, t, None, now, warn));
    }
    for pool in cluster.node_pools() {
        for t in pool.all_certs() {
            rows.push(row(cluster, t, Some(pool), now, warn));
        }
    }
    let kubeconfigs = cluster
        .kubeconfigs()
        .iter()
        .map(|k| {
            let error = cluster.kubeconfig_error(&k.holder);
            let server_na = cluster
                .control_plane()
                .iter()
                .find(|t| t.cert.role == CertRole::ApiServer)
                .and_then(|t| t.cert.not_after);
            KubeconfigRow {
                holder: k.holder.clone(),
                ca_generation: k.ca_generation,
                credential_not_after: k.credential.not_after,
                days_left: k.credential.not_after.map(|na| now.days_until(na)),
                error,
                kubectl: error.map(|e| e.kubectl_message(now, server_na)),
                remediation: match error {
                    Some(KubeconfigError::ServerCertificateExpired) => {
                        vec![names.rotate_certs(), names.get_credentials(k.admin)]
                    }
                    Some(_) => vec![names.get_credentials(k.admin)],
                    None => Vec::new(),
                },
            }
        })
        .collect();
    let mut actions: Vec<Action> = cluster.open_actions().cloned().collect();
    crate::sort::sort_by(&mut actions, |a, b| {
        (a.due, a.kind, &a.subject).cmp(&(b.due, b.kind, &b.subject))
    });
    let worst = rows.iter().map(|r| r.status).max().unwrap_or(RowStatus::Ok);
    ExpiryReport {
        api_version: Cow::Borrowed(API_VERSION),
        kind: Cow::Borrowed("ExpiryReport"),
        cluster: cluster.name().to_string(),
        resource_group: cluster.resource_group().to_string(),
        now,
        warn_within: warn,
        provisioning_state: cluster.provisioning_state(),
        power_state: cluster.power_state(),
        autorotation: cluster.autorotation_enabled(),
        ca_generation: cluster.ca_generation(),
        worst,
        rows,
        kubeconfigs,
        actions,
        notes,
    }
}

fn row(
    cluster: &Cluster,
    t: &Tracked,
    pool: Option<&crate::cluster::NodePool>,
    now: Instant,
    warn: Duration,
) -> ReportRow {
    let names = cluster.names();
    let c = &t.cert;
    let role = c.role;
    let is_copy = pool.is_some() && matches!(role, CertRole::ClusterCa | CertRole::ApiServer);
    let path = pool.and_then(|p| {
        node_path(
            role,
            NodeFacts {
                os: p.os,
                tls_bootstrap: p.tls_bootstrap,
                kscr: p.kscr_active,
            },
        )
    });
    let (earliest, latest) = match (t.mechanism, t.renew_window) {
        (RotationMechanism::KubeletRenewal, Some((a, b))) => (Some(a), Some(b)),
        (RotationMechanism::Autorotation, _) => (t.renew_at, t.renew_at),
        _ => (None, None),
    };
    let expired = c.is_expired(now);
    let issuer_gen = match c.issuer {
        Issuer::ClusterCa { generation } => Some(generation),
        Issuer::SelfSigned => None,
    };
    let stale = pool.is_some_and(|p| {
        (is_copy && p.stale.is_some())
            || p.trusted_ca_generation != cluster.ca_generation()
            || issuer_gen.is_some_and(|g| g != cluster.ca_generation())
    });
    let due_soon = c.not_after.is_some_and(|na| na.since(now) <= warn);
    let overdue = matches!(
        t.mechanism,
        RotationMechanism::Autorotation | RotationMechanism::KubeletRenewal
    ) && earliest.is_some_and(|e| now > latest.unwrap_or(e));
    let no_nodes = pool.is_some_and(|p| p.count == 0) && !is_copy;
    let status = if expired && !no_nodes {
        RowStatus::Expired
    } else if stale {
        RowStatus::Stale
    } else if no_nodes {
        RowStatus::NoNodes
    } else if (t.mechanism == RotationMechanism::ManualOnly && due_soon) || overdue {
        RowStatus::RotationDue
    } else {
        RowStatus::Ok
    };
    let why = explain(cluster, t, pool, is_copy, status);
    let remediation = match status {
        RowStatus::Expired | RowStatus::RotationDue
            if t.mechanism != RotationMechanism::Reimage =>
        {
            vec![names.rotate_certs(), names.get_credentials(false)]
        }
        RowStatus::Stale => pool
            .and_then(|p| cluster.node_pools().iter().position(|q| q.name == p.name))
            .map(|i| cluster.recreate_commands(i))
            .unwrap_or_default(),
        RowStatus::Expired | RowStatus::RotationDue => pool
            .map(|p| vec![names.node_image_upgrade(&p.name)])
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    ReportRow {
        role,
        title: if is_copy {
            format!("{} (node copy)", role.title())
        } else {
            role.title().to_string()
        },
        scope: c.scope.clone(),
        path: path.map(str::to_string),
        maintained_by: role.maintainer(),
        issuer: c.issuer,
        not_before: c.not_before,
        not_after: c.not_after,
        days_left: c.not_after.map(|na| now.days_until(na)),
        next_rotation: NextRotation {
            mechanism: t.mechanism,
            earliest,
            latest,
        },
        status,
        // The kubelet picks its renewal point at random: a model of its dates is an estimate.
        estimated: t.mechanism == RotationMechanism::KubeletRenewal,
        why,
        remediation,
    }
}

fn explain(
    cluster: &Cluster,
    t: &Tracked,
    pool: Option<&crate::cluster::NodePool>,
    is_copy: bool,
    status: RowStatus,
) -> String {
    if status == RowStatus::Stale {
        return "left behind by a rotation while the cluster was stopped: recreate the node pool to rotate its node certificates".into();
    }
    if status == RowStatus::NoNodes {
        return "the pool has no nodes; new nodes get fresh certificates".into();
    }
    if is_copy {
        return "a copy of the control plane's certificate on the node; it changes when the control plane's does".into();
    }
    let p = cluster.policy();
    match (t.mechanism, t.cert.role) {
        (RotationMechanism::ManualOnly, CertRole::ClusterCa) => {
            explain::cluster_ca(p, t.cert.not_before)
        }
        (RotationMechanism::ManualOnly, CertRole::ServiceAccountSigningKey) => {
            "a key without expiry; rotate-certs replaces it".into()
        }
        (RotationMechanism::ManualOnly, CertRole::KubeletClient) => {
            explain::static_kubelet_client(p, cluster.manual_reason(pool))
        }
        (RotationMechanism::ManualOnly, _) => {
            explain::autorotation_off(p, cluster.manual_reason(None))
        }
        (RotationMechanism::Autorotation, _) => explain::autorotates(p),
        (RotationMechanism::GetCredentials, _) => {
            "a copy in someone's kubeconfig; they fetch a new one with az aks get-credentials --overwrite-existing".into()
        }
        (RotationMechanism::KubeletRenewal, CertRole::KubeletServing) => explain::kscr_on(p),
        (RotationMechanism::KubeletRenewal, _) => explain::kubelet_client_renewal(p),
        (RotationMechanism::Reimage, _) => {
            explain::self_signed_serving(p, pool.map(|pl| cluster.kscr_off_reason(pl)))
        }
    }
}
