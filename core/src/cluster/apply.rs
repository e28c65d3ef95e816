//! Applying operations: the legality checks (with AKS's refusals), the start of
//! long-running operations, and their effects when they complete.

use crate::inventory::{CertRole, Scope};
use crate::time::{Duration, Instant};

use super::event::{EventKind, IssueReason, StaleReason};
use super::operation::{KubeconfigSection, Operation, ProvisioningState, Rejection, RotateOutcome};
use super::spec::PoolMode;
use super::{CONTROL_PLANE_ROLES, Cluster, InFlight, Kubeconfig, Power, Work};

impl Cluster {
    pub(super) fn apply(&mut self, at: Instant, op: Operation) -> Result<(), Rejection> {
        if let Operation::GetCredentials {
            holder,
            overwrite_existing,
            admin,
        } = &op
        {
            return self.get_credentials(at, holder, *overwrite_existing, *admin);
        }
        self.check(at, &op)?;
        let p = &self.policy.durations;
        let (state, duration) = match &op {
            Operation::Upgrade { .. } | Operation::NodePoolUpgrade { .. } => {
                (ProvisioningState::Upgrading, p.upgrade)
            }
            Operation::NodeImageUpgrade { .. } => {
                (ProvisioningState::Upgrading, p.node_image_upgrade)
            }
            Operation::Scale { .. } => (ProvisioningState::Scaling, p.node_pool_change),
            Operation::Stop => (ProvisioningState::Stopping, p.stop),
            Operation::Start => (ProvisioningState::Starting, p.start),
            Operation::RotateCerts { duration, .. } => (
                ProvisioningState::RotatingClusterCertificates,
                // AKS bounds the downtime; a longer request is clamped to the bound.
                duration
                    .unwrap_or(self.policy.rotate_certs_max_downtime)
                    .clamp(Duration::minutes(1), self.policy.rotate_certs_max_downtime),
            ),
            Operation::AddNodePool { .. }
            | Operation::RecreateNodePool { .. }
            | Operation::SetTags { .. } => (ProvisioningState::Updating, p.node_pool_change),
            Operation::GetCredentials { .. } => return Ok(()),
        };
        let ends = at + duration;
        self.push(
            at,
            EventKind::OperationStarted {
                operation: op.kind(),
                until: ends,
            },
        );
        self.set_work(at, Work::InFlight(InFlight { op, state, ends }));
        Ok(())
    }

    /// Every refusal, in the order AKS checks: a running operation first, then the
    /// cluster's state, then the request itself.
    fn check(&self, at: Instant, op: &Operation) -> Result<(), Rejection> {
        if let Some(f) = self.life.in_flight() {
            return Err(Rejection::OperationInProgress { state: f.state });
        }
        let name = op.kind();
        match op {
            Operation::Start if self.life.is_running() => {
                return Err(Rejection::AlreadyRunning);
            }
            Operation::Start => {}
            Operation::Stop if !self.life.is_running() => {
                return Err(Rejection::AlreadyStopped);
            }
            Operation::RotateCerts { .. } => {
                if !self.life.is_running()
                    && self
                        .policy
                        .rotate_certs_on_stopped_from
                        .is_none_or(|from| at < from)
                {
                    return Err(Rejection::RotateCertsWhileStopped);
                }
                // A Failed cluster may rerun rotate-certs: that is the documented fix.
                return Ok(());
            }
            _ if !self.life.is_running() => {
                return Err(Rejection::ClusterStopped { operation: name });
            }
            _ => {}
        }
        if self.life.is_failed() {
            return Err(Rejection::ClusterFailed { operation: name });
        }
        if let Some(pool) = op.pool()
            && !self.pools.iter().any(|p| p.name == pool)
        {
            return Err(Rejection::UnknownNodePool {
                pool: pool.to_string(),
            });
        }
        match op {
            Operation::Upgrade {
                kubernetes_version, ..
            } => {
                self.check_not_expired(at)?;
                if let Some(v) = kubernetes_version
                    && *v < self.version
                {
                    return Err(Rejection::VersionDowngrade {
                        from: self.version,
                        to: *v,
                    });
                }
            }
            Operation::NodePoolUpgrade {
                pool,
                kubernetes_version: v,
            } => {
                self.check_not_expired(at)?;
                let current = self.pool(pool).map_or(self.version, |p| p.version);
                if *v < current {
                    return Err(Rejection::VersionDowngrade {
                        from: current,
                        to: *v,
                    });
                }
                if *v > self.version {
                    return Err(Rejection::NodePoolAboveControlPlane {
                        pool: pool.clone(),
                        requested: *v,
                        control_plane: self.version,
                    });
                }
            }
            Operation::NodeImageUpgrade { .. } => self.check_not_expired(at)?,
            Operation::Scale { pool, count } => {
                if *count > 1000 {
                    return Err(Rejection::TooManyNodes { count: *count });
                }
                if *count == 0 && self.pool(pool).is_some_and(|p| p.mode == PoolMode::System) {
                    return Err(Rejection::SystemPoolToZero { pool: pool.clone() });
                }
            }
            Operation::AddNodePool { pool } => {
                if self.pools.iter().any(|p| p.name == pool.name) {
                    return Err(Rejection::NodePoolExists {
                        pool: pool.name.clone(),
                    });
                }
                pool.validate().map_err(|e| Rejection::InvalidNodePool {
                    message: e.to_string(),
                })?;
                if let Some(v) = pool.kubernetes_version
                    && v > self.version
                {
                    return Err(Rejection::NodePoolAboveControlPlane {
                        pool: pool.name.clone(),
                        requested: v,
                        control_plane: self.version,
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Upgrades are refused once the control plane's certificates have expired
    /// (Azure/AKS#2184: "Current Certificates are expired, please rotate certificate").
    fn check_not_expired(&self, at: Instant) -> Result<(), Rejection> {
        let expired = [CertRole::ClusterCa, CertRole::ApiServer]
            .iter()
            .any(|r| self.cp(*r).cert.is_expired(at));
        if expired {
            Err(Rejection::CertificatesExpired)
        } else {
            Ok(())
        }
    }

    fn pool(&self, name: &str) -> Option<&super::NodePool> {
        self.pools.iter().find(|p| p.name == name)
    }

    pub(super) fn pool_index(&self, name: &str) -> Option<usize> {
        self.pools.iter().position(|p| p.name == name)
    }

    /// Enter `to`, with an event when `provisioningState` changes.
    fn set_work(&mut self, at: Instant, to: Work) {
        let from = self.life.provisioning_state();
        self.life.work = to;
        self.provisioning_changed(at, from);
    }

    /// The event for a `provisioningState` that was `from` before a change, if it changed.
    fn provisioning_changed(&mut self, at: Instant, from: ProvisioningState) {
        let to = self.life.provisioning_state();
        if from != to {
            self.push(at, EventKind::ProvisioningStateChanged { from, to });
        }
    }

    /// Enter `to`, with an event when `powerState` changes.
    fn set_power(&mut self, at: Instant, to: Power) {
        let from = self.life.power_state();
        self.life.power = to;
        let to = self.life.power_state();
        if from != to {
            self.push(at, EventKind::PowerStateChanged { from, to });
        }
    }

    /// The effects of the operation in flight, at its end.
    pub(super) fn complete_operation(&mut self, at: Instant) {
        // The operation leaves the flight now; `provisioningState` shows it (`from`) until
        // its effects are in, then changes once, after `OperationCompleted`.
        let Work::InFlight(f) = std::mem::replace(&mut self.life.work, Work::Succeeded) else {
            return;
        };
        let from = f.state;
        let name = f.op.kind();
        let mut succeeded = true;
        match f.op {
            Operation::Upgrade {
                kubernetes_version,
                control_plane_only,
            } => {
                let v = kubernetes_version.unwrap_or(self.version);
                self.upgrade_control_plane(at, v);
                if !control_plane_only {
                    for i in 0..self.pools.len() {
                        self.upgrade_pool(at, i, v);
                    }
                }
            }
            Operation::NodePoolUpgrade {
                pool,
                kubernetes_version,
            } => {
                if let Some(i) = self.pool_index(&pool) {
                    self.upgrade_pool(at, i, kubernetes_version);
                }
            }
            Operation::NodeImageUpgrade { pool, node_image } => {
                for i in 0..self.pools.len() {
                    if pool.as_ref().is_none_or(|p| *p == self.pools[i].name) {
                        if let Some(img) = &node_image {
                            self.pools[i].node_image = Some(img.clone());
                            self.pools[i].snapshot = None;
                        }
                        self.provision(at, i, IssueReason::Reimage, false);
                    }
                }
            }
            Operation::Scale { pool, count } => {
                if let Some(i) = self.pool_index(&pool) {
                    let before = self.pools[i].count;
                    self.pools[i].count = count;
                    if before == 0 && count > 0 {
                        // Seed: the KSCR tag takes effect after "scaling the pool to zero
                        // instances and then back up": new nodes are provisioned.
                        self.provision(at, i, IssueReason::Reimage, false);
                    } else if count == 0 {
                        self.pools[i].active_since = None;
                    }
                }
            }
            Operation::Stop => {
                self.set_power(at, Power::Stopped { since: at });
                for pool in &mut self.pools {
                    pool.active_since = None;
                }
            }
            Operation::Start => {
                self.set_power(at, Power::Running);
                for pool in &mut self.pools {
                    if pool.count > 0 {
                        pool.active_since = Some(at);
                    }
                }
            }
            Operation::RotateCerts { outcome, .. } => {
                if outcome == Some(RotateOutcome::Fail) {
                    succeeded = false;
                } else {
                    self.rotate_all(at);
                }
            }
            Operation::AddNodePool { pool } => self.add_pool(at, pool, IssueReason::NodePoolAdded),
            Operation::RecreateNodePool { pool } => {
                if let Some(i) = self.pool_index(&pool) {
                    let mut fresh = self.pools[i].clone();
                    self.new_pool_settings(&mut fresh, at);
                    fresh.snapshot = self.pools[i].snapshot.clone();
                    self.pools[i] = fresh;
                    self.provision(at, i, IssueReason::NodePoolRecreated, true);
                }
            }
            Operation::SetTags { pool, tags } => {
                if let Some(i) = self.pool_index(&pool) {
                    self.pools[i].tags = tags;
                    self.pools[i].tags_changed = at;
                }
            }
            Operation::GetCredentials { .. } => {}
        }
        self.push(
            at,
            EventKind::OperationCompleted {
                operation: name,
                succeeded,
            },
        );
        self.life.work = if succeeded {
            Work::Succeeded
        } else {
            Work::Failed
        };
        self.provisioning_changed(at, from);
    }

    fn upgrade_control_plane(&mut self, at: Instant, v: super::KubernetesVersion) {
        let was_on = self.autorotation_enabled();
        if v != self.version {
            self.version = v;
            self.push(
                at,
                EventKind::VersionChanged {
                    scope: Scope::ControlPlane,
                    kubernetes_version: v,
                },
            );
        }
        self.control_plane_upgraded = Some(at);
        let now_on = self.autorotation_enabled();
        if now_on && !was_on {
            self.push(
                at,
                EventKind::AutorotationEnabled {
                    scope: Scope::ControlPlane,
                },
            );
        }
        if at >= self.policy.upgrade_rotates_leaves_from {
            self.reissue_control_plane(at, IssueReason::Upgrade, false);
            self.refresh_copies(false);
        } else if now_on != was_on {
            // No re-issue, but the same certificates now renew automatically.
            for i in 0..self.control_plane.len() {
                let mut t = self.control_plane[i].clone();
                self.plan(&mut t, at);
                self.control_plane[i] = t;
            }
        }
    }

    /// Re-issue the control plane: the leaves always; the CA and SA key only when `ca`.
    fn reissue_control_plane(&mut self, at: Instant, reason: IssueReason, ca: bool) {
        for (i, role) in CONTROL_PLANE_ROLES.iter().enumerate() {
            let is_root = matches!(
                role,
                CertRole::ClusterCa | CertRole::ServiceAccountSigningKey
            );
            if is_root && !ca {
                continue;
            }
            self.control_plane[i] = self.issue(*role, Scope::ControlPlane, at, reason);
        }
    }

    /// A successful `rotate-certs`: a new Cluster CA and everything re-issued under it;
    /// every node recreated — or, on a stopped cluster, the nodes left stale.
    fn rotate_all(&mut self, at: Instant) {
        self.ca_generation += 1;
        self.reissue_control_plane(at, IssueReason::RotateCerts, true);
        for i in 0..self.pools.len() {
            if self.life.is_running() {
                self.provision(at, i, IssueReason::RotateCerts, true);
            } else {
                self.mark_stale(at, i, StaleReason::RotateCertsWhileStopped);
            }
        }
    }

    fn get_credentials(
        &mut self,
        at: Instant,
        holder: &str,
        overwrite: bool,
        admin: bool,
    ) -> Result<(), Rejection> {
        let credential = self.cp(CertRole::KubectlClient).cert.clone();
        let generation = self.ca_generation;
        if let Some(k) = self.kubeconfigs.iter().find(|k| k.holder == holder)
            && !overwrite
        {
            // azure-cli merges clusters first, then users: the first differing entry is
            // the one it complains about when it cannot prompt.
            if k.ca_generation != generation {
                return Err(Rejection::KubeconfigConflict {
                    name: self.name.clone(),
                    section: KubeconfigSection::Clusters,
                });
            }
            if k.credential.serial != credential.serial {
                let user = if admin { "clusterAdmin" } else { "clusterUser" };
                return Err(Rejection::KubeconfigConflict {
                    name: format!("{user}_{}_{}", self.resource_group, self.name),
                    section: KubeconfigSection::Users,
                });
            }
        }
        let kc = Kubeconfig {
            holder: holder.to_string(),
            admin,
            ca_generation: generation,
            credential,
            fetched_at: at,
            credential_expiry_reported: false,
        };
        let credential_not_after = kc.credential.not_after;
        match self.kubeconfigs.iter_mut().find(|k| k.holder == holder) {
            Some(slot) => *slot = kc,
            None => self.kubeconfigs.push(kc),
        }
        self.push(
            at,
            EventKind::KubeconfigUpdated {
                holder: holder.to_string(),
                ca_generation: generation,
                credential_not_after,
            },
        );
        Ok(())
    }
}
