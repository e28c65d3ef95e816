//! Summaries: per cluster (downtime, incidents, actions), and for a fleet. A summary is
//! built from the event stream alone, so a run that keeps no events still has one, and a
//! fleet summary is a pure function of cluster summaries (sharded runs merge exactly).

use serde::{Deserialize, Serialize};

use crate::VecMap;
use crate::cluster::{
    Action, ActionKind, Cluster, DowntimeCause, Event, EventKind, OperationKind, PowerState,
    ProvisioningState,
};
use crate::inventory::{Certificate, Scope};
use crate::time::{Duration, Instant};
use crate::version::KubernetesVersion;

/// What counts as an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum IncidentKind {
    /// A certificate in use expired.
    CertificateExpired,
    /// Someone's kubeconfig stopped working.
    KubeconfigBroken,
    /// A rotate-certs run failed.
    RotateCertsFailed,
    /// An operation was refused.
    OperationRejected,
    /// A node pool's certificates were left stale.
    NodePoolStale,
    /// A component went down for a reason other than a planned rotation.
    Outage,
}

/// One span of unavailability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DowntimeInterval {
    /// `controlPlane` or a pool.
    pub scope: Scope,
    /// Why.
    pub cause: DowntimeCause,
    /// From.
    pub from: Instant,
    /// Until; `null` when still down at the horizon.
    pub to: Option<Instant>,
}

/// Downtime of one cluster, up to the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct DowntimeSummary {
    /// Total control plane downtime.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub control_plane: Duration,
    /// Total downtime per node pool.
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, Duration>"))]
    pub node_pools: VecMap<String, Duration>,
    /// Total over every scope, per cause.
    #[cfg_attr(
        feature = "tsify",
        tsify(type = "Partial<Record<DowntimeCause, Duration>>")
    )]
    pub by_cause: VecMap<DowntimeCause, Duration>,
    /// Every interval, in order.
    pub intervals: Vec<DowntimeInterval>,
}

/// An action over its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ActionRecord {
    /// What.
    pub kind: ActionKind,
    /// About what (a pool, a holder; empty for the cluster).
    pub subject: String,
    /// When it was first needed.
    pub raised: Instant,
    /// Due date.
    pub due: Instant,
    /// When it stopped being needed; `null` if still open at the horizon.
    pub resolved: Option<Instant>,
    /// Why.
    pub reason: String,
    /// Commands to run.
    pub commands: Vec<String>,
}

/// The cluster's state at the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FinalState {
    /// `provisioningState`.
    pub provisioning_state: ProvisioningState,
    /// `powerState.code`.
    pub power_state: PowerState,
    /// Control plane version.
    pub kubernetes_version: KubernetesVersion,
    /// Cluster CA generation.
    pub ca_generation: u32,
    /// Whether autorotation is on.
    pub autorotation: bool,
    /// Every certificate and key in use at the horizon: the control plane's, then each
    /// node pool's copies and kubelet certificates, as an expiry report lists them. Left
    /// out (empty) when the run was asked for summaries without them
    /// (`includeCertificates: false`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Certificate>,
}

/// One cluster's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ClusterSummary {
    /// Number of events.
    pub events: u64,
    /// Downtime.
    pub downtime: DowntimeSummary,
    /// Incidents by kind.
    #[cfg_attr(
        feature = "tsify",
        tsify(type = "Partial<Record<IncidentKind, number>>")
    )]
    pub incidents: VecMap<IncidentKind, u64>,
    /// Every action raised, in order (less those resolved by the run's
    /// `leaveOutResolvedBy`, when it asked for that).
    pub actions: Vec<ActionRecord>,
    /// State at the horizon.
    pub final_state: FinalState,
}

/// Builds a [`ClusterSummary`] from a stream of events.
#[derive(Debug, Default)]
pub(crate) struct SummaryBuilder {
    events: u64,
    open: VecMap<(Scope, DowntimeCause), usize>,
    downtime: DowntimeSummary,
    incidents: VecMap<IncidentKind, u64>,
    actions: Vec<ActionRecord>,
    open_actions: VecMap<(ActionKind, String), usize>,
}

impl SummaryBuilder {
    pub(crate) fn events(&self) -> u64 {
        self.events
    }

    pub(crate) fn observe(&mut self, e: &Event) {
        self.events += 1;
        let mut incident = |k| *self.incidents.get_or_default(k) += 1;
        match &e.kind {
            EventKind::CertificateExpired { in_use: true, .. } => {
                incident(IncidentKind::CertificateExpired)
            }
            EventKind::KubeconfigBroken { .. } => incident(IncidentKind::KubeconfigBroken),
            EventKind::OperationCompleted {
                operation: OperationKind::RotateCerts,
                succeeded: false,
            } => incident(IncidentKind::RotateCertsFailed),
            EventKind::OperationRejected { .. } => incident(IncidentKind::OperationRejected),
            EventKind::NodePoolStale { .. } => incident(IncidentKind::NodePoolStale),
            EventKind::DowntimeStarted { scope, cause } => {
                if *cause != DowntimeCause::RotateCerts {
                    incident(IncidentKind::Outage);
                }
                self.open
                    .insert((scope.clone(), *cause), self.downtime.intervals.len());
                self.downtime.intervals.push(DowntimeInterval {
                    scope: scope.clone(),
                    cause: *cause,
                    from: e.at,
                    to: None,
                });
            }
            EventKind::DowntimeEnded { scope, cause, .. } => {
                if let Some(i) = self.open.remove(&(scope.clone(), *cause)) {
                    self.downtime.intervals[i].to = Some(e.at);
                }
            }
            EventKind::ActionNeeded { action } => self.action_needed(e.at, action.clone()),
            EventKind::ActionResolved { kind, subject, .. } => {
                let sought = (*kind, subject.as_str());
                if let Some(i) = self
                    .open_actions
                    .remove_by(|k| (k.0, k.1.as_str()).cmp(&sought))
                {
                    self.actions[i].resolved = Some(e.at);
                }
            }
            _ => {}
        }
    }

    /// [`SummaryBuilder::observe`] for a run that keeps no events: an action's text moves
    /// into its record instead of being copied.
    pub(crate) fn observe_owned(&mut self, e: Event) {
        match e.kind {
            EventKind::ActionNeeded { action } => {
                self.events += 1;
                self.action_needed(e.at, action);
            }
            kind => self.observe(&Event { at: e.at, kind }),
        }
    }

    fn action_needed(&mut self, at: Instant, action: Action) {
        self.open_actions
            .insert((action.kind, action.subject.clone()), self.actions.len());
        self.actions.push(ActionRecord {
            kind: action.kind,
            subject: action.subject,
            raised: at,
            due: action.due,
            resolved: None,
            reason: action.reason,
            commands: action.commands,
        });
    }

    /// Forget the actions resolved at or before `by` (see `RunOptions::leave_out_resolved_by`).
    pub(crate) fn leave_out_resolved_by(&mut self, by: Instant) {
        self.actions.retain(|a| a.resolved.is_none_or(|r| r > by));
    }

    pub(crate) fn finish(
        mut self,
        horizon: Instant,
        cluster: &Cluster,
        certificates: bool,
    ) -> ClusterSummary {
        for iv in &self.downtime.intervals {
            let len = iv.to.unwrap_or(horizon).since(iv.from);
            match &iv.scope {
                Scope::ControlPlane => {
                    self.downtime.control_plane = self.downtime.control_plane + len
                }
                Scope::NodePool(p) => {
                    let slot = self.downtime.node_pools.get_or_default(p.to_string());
                    *slot = *slot + len;
                }
            }
            let slot = self.downtime.by_cause.get_or_default(iv.cause);
            *slot = *slot + len;
        }
        ClusterSummary {
            events: self.events,
            downtime: self.downtime,
            incidents: self.incidents,
            actions: self.actions,
            final_state: FinalState {
                provisioning_state: cluster.provisioning_state(),
                power_state: cluster.power_state(),
                kubernetes_version: cluster.kubernetes_version(),
                ca_generation: cluster.ca_generation(),
                autorotation: cluster.autorotation_enabled(),
                certificates: if certificates {
                    cluster
                        .control_plane()
                        .iter()
                        .chain(cluster.node_pools().iter().flat_map(|p| p.all_certs()))
                        .map(|t| t.cert.clone())
                        .collect()
                } else {
                    Vec::new()
                },
            },
        }
    }
}

/// What of a cluster's summary a fleet's summary adds up ([`FleetSummary::add_share`]):
/// a host that streams a fleet sends only this much of each cluster to be added (a
/// [`ClusterSummary`]'s JSON also reads as one: its other fields are left unread).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryShare {
    /// Number of events.
    pub events: u64,
    /// Downtime.
    pub downtime: DowntimeShare,
    /// Incidents by kind.
    pub incidents: VecMap<IncidentKind, u64>,
    /// The actions raised (those resolved are not added).
    pub actions: Vec<ActionRecord>,
}

/// What of a [`DowntimeSummary`] a fleet's summary adds up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DowntimeShare {
    /// Total control plane downtime.
    pub control_plane: Duration,
    /// Total over every scope, per cause.
    pub by_cause: VecMap<DowntimeCause, Duration>,
}

/// The [`ShareOf`] of a [`ClusterSummary`] or a [`SummaryShare`]: their fields have the
/// same names, and the share is what the summary's are.
macro_rules! share_of {
    ($s:expr) => {
        ShareOf {
            events: $s.events,
            control_plane: $s.downtime.control_plane,
            by_cause: &$s.downtime.by_cause,
            incidents: &$s.incidents,
            actions: &$s.actions,
        }
    };
}

/// What [`FleetSummary`] adds of a cluster, borrowed from a summary or its share.
struct ShareOf<'a> {
    events: u64,
    control_plane: Duration,
    by_cause: &'a VecMap<DowntimeCause, Duration>,
    incidents: &'a VecMap<IncidentKind, u64>,
    actions: &'a [ActionRecord],
}

impl SummaryShare {
    /// The share of `s`.
    pub fn of(s: &ClusterSummary) -> SummaryShare {
        SummaryShare {
            events: s.events,
            downtime: DowntimeShare {
                control_plane: s.downtime.control_plane,
                by_cause: s.downtime.by_cause.clone(),
            },
            incidents: s.incidents.clone(),
            actions: s.actions.clone(),
        }
    }
}

/// An open action somewhere in a fleet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FleetAction {
    /// Due date.
    pub due: Instant,
    /// Cluster name.
    pub cluster: String,
    /// Resource group.
    pub resource_group: String,
    /// What.
    pub kind: ActionKind,
    /// About what.
    pub subject: String,
    /// Why.
    pub reason: String,
    /// Commands.
    pub commands: Vec<String>,
}

/// A whole fleet's summary.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct FleetSummary {
    /// Clusters simulated.
    pub clusters: u64,
    /// Clusters whose simulation failed (each reported with its error).
    pub failed_clusters: u64,
    /// Events over all clusters.
    pub events: u64,
    /// Total control plane downtime over all clusters.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub control_plane_downtime: Duration,
    /// Downtime over every scope and cluster, per cause.
    #[cfg_attr(
        feature = "tsify",
        tsify(type = "Partial<Record<DowntimeCause, Duration>>")
    )]
    pub downtime_by_cause: VecMap<DowntimeCause, Duration>,
    /// Incidents over all clusters.
    #[cfg_attr(
        feature = "tsify",
        tsify(type = "Partial<Record<IncidentKind, number>>")
    )]
    pub incidents: VecMap<IncidentKind, u64>,
    /// Actions still open at the horizon, most urgent first.
    pub actions_needed: Vec<FleetAction>,
}

impl FleetSummary {
    /// Add one cluster (with `None` for a cluster whose simulation failed).
    pub fn add(&mut self, name: &str, resource_group: &str, summary: Option<&ClusterSummary>) {
        self.add_of(name, resource_group, summary.map(|s| share_of!(s)));
    }

    /// Add one cluster's share (with `None` for a cluster whose simulation failed).
    pub fn add_share(&mut self, name: &str, resource_group: &str, share: Option<&SummaryShare>) {
        self.add_of(name, resource_group, share.map(|s| share_of!(s)));
    }

    /// The sums and the open actions, written once for both forms of a cluster's summary
    /// (borrowed: a whole summary is not copied to be added).
    fn add_of(&mut self, name: &str, resource_group: &str, share: Option<ShareOf<'_>>) {
        self.clusters += 1;
        let Some(s) = share else {
            self.failed_clusters += 1;
            return;
        };
        self.events += s.events;
        self.control_plane_downtime = self.control_plane_downtime + s.control_plane;
        for (cause, d) in s.by_cause {
            let slot = self.downtime_by_cause.get_or_default(*cause);
            *slot = *slot + *d;
        }
        for (k, n) in s.incidents {
            *self.incidents.get_or_default(*k) += n;
        }
        for a in s.actions.iter().filter(|a| a.resolved.is_none()) {
            self.actions_needed.push(FleetAction {
                due: a.due,
                cluster: name.to_string(),
                resource_group: resource_group.to_string(),
                kind: a.kind,
                subject: a.subject.clone(),
                reason: a.reason.clone(),
                commands: a.commands.clone(),
            });
        }
    }

    /// Order the actions by urgency ([`ActionOrder`]), so the result does not depend on
    /// the order clusters were added in.
    pub fn finish(&mut self) {
        crate::sort::sort_by(&mut self.actions_needed, |a, b| a.order().cmp(&b.order()));
    }
}

impl FleetAction {
    /// Where this action stands among a fleet's open actions.
    pub fn order(&self) -> ActionOrder<'_> {
        ActionOrder {
            due: self.due,
            cluster: &self.cluster,
            resource_group: &self.resource_group,
            kind: self.kind,
            subject: &self.subject,
        }
    }
}

/// The order of a fleet's open actions, most urgent first: by due date, then cluster,
/// resource group, kind and subject (so that it does not depend on the order clusters
/// ran in). A report that keeps its actions elsewhere (the CLI spills them to disk) sorts
/// them by this key too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ActionOrder<'a> {
    /// Due date.
    pub due: Instant,
    /// Cluster name.
    pub cluster: &'a str,
    /// Resource group.
    pub resource_group: &'a str,
    /// What.
    pub kind: ActionKind,
    /// About what.
    pub subject: &'a str,
}
