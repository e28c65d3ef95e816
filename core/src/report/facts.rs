//! Cluster facts — what a person knows about a cluster, or what `az aks show` says — and
//! the history they imply, replayed through the engine so that a report and a simulation
//! can never disagree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cluster::{NodePoolSpec, Operation, Origin, PoolMode, RotateOutcome};
use crate::engine::{
    API_VERSION, DurationRange, FaultModel, Horizon, KubeconfigHolder, Scenario, ScenarioCluster,
    ScheduledOperation,
};
use crate::inventory::Os;
use crate::policy::Policy;
use crate::time::Instant;
use crate::version::{KubernetesVersion, NodeImageVersion};

/// What is known about a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterFacts {
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// When the cluster was created (the oldest node's age in `kubectl get nodes` is the
    /// seed's hint).
    pub created: Instant,
    /// Current control plane version.
    pub kubernetes_version: KubernetesVersion,
    /// Last control plane upgrade, if any (autorotation needs one on or after the
    /// policy's `autorotationAfter` for clusters created before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_upgrade: Option<Instant>,
    /// Last successful `az aks rotate-certs`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotation: Option<Instant>,
    /// Kubernetes RBAC enabled.
    #[serde(default = "crate::document::yes")]
    pub rbac: bool,
    /// TLS bootstrapping enabled.
    #[serde(default = "crate::document::yes")]
    pub tls_bootstrap: bool,
    /// When the cluster was stopped, if it is stopped now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_since: Option<Instant>,
    /// Node pools as they are now.
    pub node_pools: Vec<PoolFacts>,
    /// Kubeconfigs people hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubeconfigs: Vec<KubeconfigHolder>,
}

/// What is known about a node pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PoolFacts {
    /// Pool name.
    pub name: String,
    /// System or User.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<PoolMode>,
    /// Node OS.
    #[serde(default)]
    pub os: Os,
    /// Node count now.
    #[serde(default = "three")]
    pub count: u32,
    /// Kubernetes version now (default: the control plane's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<KubernetesVersion>,
    /// Node image version now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_image: Option<NodeImageVersion>,
    /// The image of the snapshot the pool uses, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<NodeImageVersion>,
    /// Tags now.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// When the pool was added, if after the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Instant>,
    /// Last Kubernetes upgrade of the pool, if different from the cluster's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_upgrade: Option<Instant>,
    /// Last node image upgrade (reimage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reimage: Option<Instant>,
}

fn three() -> u32 {
    3
}

impl PoolFacts {
    fn spec(&self, version: KubernetesVersion) -> NodePoolSpec {
        NodePoolSpec {
            name: self.name.clone(),
            mode: self.mode,
            os: self.os,
            count: self.count,
            kubernetes_version: Some(self.kubernetes_version.unwrap_or(version)),
            node_image: self.node_image.clone(),
            snapshot: self.snapshot.clone(),
            tags: self.tags.clone(),
        }
    }
}

/// The default fault model, with rotate-certs runs drawn within the policy's downtime
/// bound (a policy may bound them below the default's 30 minutes).
fn faults(policy: &Policy) -> FaultModel {
    let mut f = FaultModel::default();
    let bound = policy.rotate_certs_max_downtime;
    f.rotate_certs_duration = DurationRange {
        min: f.rotate_certs_duration.min.min(bound),
        max: bound,
    };
    f
}

impl ClusterFacts {
    /// The control plane's last upgrade, for a pool whose own is not given — unless the
    /// pool runs an older version than the control plane: then it was not upgraded with
    /// it (the seed: "upgrade the control plane and node pool").
    fn upgraded_with_control_plane(&self, p: &PoolFacts) -> Option<Instant> {
        let behind = p
            .kubernetes_version
            .is_some_and(|pv| pv < self.kubernetes_version);
        self.last_upgrade.filter(|_| !behind)
    }

    /// What [`ClusterFacts::scenario`] had to assume where the facts leave it open, one
    /// sentence each.
    pub fn assumptions(&self) -> Vec<String> {
        let Some(upgraded) = self.last_upgrade else {
            return Vec::new();
        };
        self.node_pools
            .iter()
            .filter(|p| p.last_upgrade.is_none())
            .filter_map(|p| {
                let pv = p.kubernetes_version.filter(|pv| *pv < self.kubernetes_version)?;
                Some(format!(
                    "node pool {} runs Kubernetes {pv}, older than the control plane's {}: assumed not upgraded with it on {} (give the pool's lastUpgrade if it was upgraded)",
                    p.name,
                    self.kubernetes_version,
                    upgraded.date_string()
                ))
            })
            .collect()
    }

    /// The scenario that replays these facts up to `now`: creation, pools added later,
    /// upgrades, the last rotation, reimages, a stop, and kubeconfig fetches, each at its
    /// date (operations that would collide are moved just after the one before).
    pub fn scenario(&self, now: Instant, policy: &Policy) -> Scenario {
        let v = self.kubernetes_version;
        let (initial, later): (Vec<_>, Vec<_>) = self
            .node_pools
            .iter()
            .partition(|p| p.created.is_none_or(|c| c <= self.created));
        let mut ops: Vec<(Instant, Operation)> = later
            .iter()
            .map(|p| {
                let at = p.created.unwrap_or(self.created);
                (at, Operation::AddNodePool { pool: p.spec(v) })
            })
            .collect();
        if let Some(at) = self.last_upgrade {
            ops.push((
                at,
                Operation::Upgrade {
                    kubernetes_version: Some(v),
                    control_plane_only: true,
                },
            ));
        }
        for p in &self.node_pools {
            if let Some(at) = p.last_upgrade.or(self.upgraded_with_control_plane(p)) {
                ops.push((
                    at,
                    Operation::NodePoolUpgrade {
                        pool: p.name.clone(),
                        kubernetes_version: p.kubernetes_version.unwrap_or(v),
                    },
                ));
            }
            if let Some(at) = p.last_reimage {
                ops.push((
                    at,
                    Operation::NodeImageUpgrade {
                        pool: Some(p.name.clone()),
                        node_image: None,
                    },
                ));
            }
        }
        if let Some(at) = self.last_rotation {
            ops.push((
                at,
                Operation::RotateCerts {
                    outcome: Some(RotateOutcome::Succeed),
                    duration: Some(policy.rotate_certs_max_downtime),
                },
            ));
        }
        if let Some(at) = self.stopped_since {
            ops.push((at, Operation::Stop));
        }
        crate::sort::sort_by_key(&mut ops, |(at, _)| *at);
        let probe = Scenario {
            api_version: API_VERSION.into(),
            kind: "Scenario".into(),
            name: None,
            seed: 0,
            horizon: Horizon::Until(now),
            policy: policy.clone(),
            faults: faults(policy),
            clusters: Vec::new(),
        };
        let mut free_from = self.created;
        let mut operations = Vec::with_capacity(ops.len());
        for (at, op) in ops {
            // Facts give dates, not minutes: keep their order, never their collisions.
            let at = at.max(free_from).min(now);
            free_from = at + probe.longest(&op);
            operations.push(ScheduledOperation {
                at,
                op,
                origin: Origin::Scheduled,
            });
        }
        let kubeconfigs = self
            .kubeconfigs
            .iter()
            .map(|k| KubeconfigHolder {
                fetched: k.fetched.map(|f| f.min(now)),
                ..k.clone()
            })
            .collect();
        Scenario {
            clusters: vec![ScenarioCluster {
                name: self.name.clone(),
                resource_group: self.resource_group.clone(),
                created: self.created,
                kubernetes_version: v,
                rbac: self.rbac,
                tls_bootstrap: self.tls_bootstrap,
                node_pools: initial.iter().map(|p| p.spec(v)).collect(),
                kubeconfigs,
                operations,
            }],
            ..probe
        }
    }
}
