//! The reference model: what AKS accepts and what each operation leaves behind, written
//! independently of the machine from the seed's rules — provisioning and power state,
//! versions and pools — without any certificate arithmetic. Where acceptance hinges on
//! certificates (upgrades refused once they expired; kubeconfig merge conflicts) the
//! reference allows both outcomes and the assertions check the machine's reason.

use std::collections::{BTreeMap, BTreeSet};

use akscert_core::cluster::{ClusterSpec, Operation, PoolMode, RotateOutcome};
use akscert_core::time::{Duration, Instant};
use akscert_core::{KubernetesVersion, Policy};

/// What the reference allows as the outcome of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted.
    Accept,
    /// Refused with this `Rejection` kind (its JSON `kind`).
    Reject(&'static str),
}

/// What is still running.
#[derive(Debug, Clone)]
pub struct Pending {
    pub ends: Instant,
    pub op: Operation,
}

#[derive(Debug, Clone)]
pub struct RefPool {
    pub mode: PoolMode,
    pub count: u32,
    pub version: KubernetesVersion,
}

/// The reference state.
#[derive(Debug, Clone)]
pub struct RefState {
    pub policy: Policy,
    pub now: Instant,
    pub pending: Option<Pending>,
    pub running: bool,
    pub failed: bool,
    pub version: KubernetesVersion,
    pub pools: BTreeMap<String, RefPool>,
    pub holders: BTreeSet<String>,
}

impl RefState {
    pub fn new(spec: &ClusterSpec) -> RefState {
        let mut pools = BTreeMap::new();
        for (i, p) in spec.node_pools.iter().enumerate() {
            let mode = p.mode.unwrap_or(if i == 0 {
                PoolMode::System
            } else {
                PoolMode::User
            });
            pools.insert(
                p.name.clone(),
                RefPool {
                    mode,
                    count: p.count,
                    version: p.kubernetes_version.unwrap_or(spec.kubernetes_version),
                },
            );
        }
        RefState {
            policy: Policy::default(),
            now: spec.created,
            pending: None,
            running: true,
            failed: false,
            version: spec.kubernetes_version,
            pools,
            holders: BTreeSet::new(),
        }
    }

    /// Let time pass; a running operation that ends by then takes effect.
    pub fn advance(&mut self, to: Instant) {
        self.now = to;
        if self.pending.as_ref().is_some_and(|p| p.ends <= to) {
            let p = self.pending.take().map(|p| p.op);
            if let Some(op) = p {
                self.complete(op);
            }
        }
    }

    fn complete(&mut self, op: Operation) {
        match op {
            Operation::Stop => self.running = false,
            Operation::Start => self.running = true,
            Operation::RotateCerts { outcome, .. } => {
                self.failed = outcome == Some(RotateOutcome::Fail)
            }
            Operation::Upgrade {
                kubernetes_version,
                control_plane_only,
            } => {
                let v = kubernetes_version.unwrap_or(self.version);
                self.version = v;
                if !control_plane_only {
                    for p in self.pools.values_mut() {
                        p.version = v;
                    }
                }
            }
            Operation::NodePoolUpgrade {
                pool,
                kubernetes_version,
            } => {
                if let Some(p) = self.pools.get_mut(&pool) {
                    p.version = kubernetes_version;
                }
            }
            Operation::Scale { pool, count } => {
                if let Some(p) = self.pools.get_mut(&pool) {
                    p.count = count;
                }
            }
            Operation::AddNodePool { pool } => {
                self.pools.insert(
                    pool.name.clone(),
                    RefPool {
                        mode: pool.mode.unwrap_or_default(),
                        count: pool.count,
                        version: pool.kubernetes_version.unwrap_or(self.version),
                    },
                );
            }
            _ => {}
        }
    }

    /// The outcomes the reference allows for `op` now.
    pub fn allowed(&self, op: &Operation) -> Vec<Outcome> {
        use Outcome::{Accept, Reject};
        if let Operation::GetCredentials {
            holder,
            overwrite_existing,
            ..
        } = op
        {
            return if self.holders.contains(holder) && !overwrite_existing {
                vec![Accept, Reject("kubeconfigConflict")]
            } else {
                vec![Accept]
            };
        }
        if let Some(p) = &self.pending {
            let _ = p;
            return vec![Reject("operationInProgress")];
        }
        let stopped_rotation_ok = self
            .policy
            .rotate_certs_on_stopped_from
            .is_some_and(|d| self.now >= d);
        match op {
            Operation::Start if self.running => return vec![Reject("alreadyRunning")],
            Operation::Stop if !self.running => return vec![Reject("alreadyStopped")],
            Operation::RotateCerts { .. } if !self.running && !stopped_rotation_ok => {
                return vec![Reject("rotateCertsWhileStopped")];
            }
            Operation::RotateCerts { .. } => return vec![Accept],
            Operation::Start => {}
            _ if !self.running => return vec![Reject("clusterStopped")],
            _ => {}
        }
        if self.failed {
            return vec![Reject("clusterFailed")];
        }
        if let Some(pool) = op.pool()
            && !self.pools.contains_key(pool)
        {
            return vec![Reject("unknownNodePool")];
        }
        let expired_or = |o: Outcome| vec![Reject("certificatesExpired"), o];
        match op {
            Operation::Upgrade {
                kubernetes_version: Some(v),
                ..
            } if *v < self.version => expired_or(Reject("versionDowngrade")),
            Operation::Upgrade { .. } | Operation::NodeImageUpgrade { .. } => expired_or(Accept),
            Operation::NodePoolUpgrade {
                pool,
                kubernetes_version: v,
            } => {
                let current = self.pools[pool].version;
                if *v < current {
                    expired_or(Reject("versionDowngrade"))
                } else if *v > self.version {
                    expired_or(Reject("nodePoolAboveControlPlane"))
                } else {
                    expired_or(Accept)
                }
            }
            Operation::Scale { pool, count: 0 } if self.pools[pool].mode == PoolMode::System => {
                vec![Reject("systemPoolToZero")]
            }
            Operation::AddNodePool { pool } if self.pools.contains_key(&pool.name) => {
                vec![Reject("nodePoolExists")]
            }
            _ => vec![Accept],
        }
    }

    /// Record an accepted operation.
    pub fn accept(&mut self, op: &Operation) {
        let d = &self.policy.durations;
        let duration = match op {
            Operation::GetCredentials { holder, .. } => {
                self.holders.insert(holder.clone());
                return;
            }
            Operation::Upgrade { .. } | Operation::NodePoolUpgrade { .. } => d.upgrade,
            Operation::NodeImageUpgrade { .. } => d.node_image_upgrade,
            Operation::Stop => d.stop,
            Operation::Start => d.start,
            Operation::RotateCerts { duration, .. } => duration
                .unwrap_or(self.policy.rotate_certs_max_downtime)
                .clamp(Duration::minutes(1), self.policy.rotate_certs_max_downtime),
            _ => d.node_pool_change,
        };
        self.pending = Some(Pending {
            ends: self.now + duration,
            op: op.clone(),
        });
    }
}
