//! Node pools: their nodes' certificates, TLS bootstrapping, kubelet serving certificate
//! rotation (KSCR), and what reimaging or recreating them does.

use serde::Serialize;

use crate::VecMap;
use crate::inventory::{CertRole, Os, Scope};
use crate::time::Instant;
use crate::version::{KubernetesVersion, NodeImageVersion};

use super::event::{EventKind, IssueReason, StaleReason};
use super::spec::{NodePoolSpec, PoolMode};
use super::{Cluster, Tracked};

/// One node pool and the certificates on its nodes.
///
/// The model follows a pool's nodes as one: they are provisioned together, and a scale-up
/// adds nodes whose certificates are newer, so the pool's certificates are its oldest
/// node's — the first to expire.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NodePool {
    /// Pool name.
    pub name: String,
    /// System or User.
    pub mode: PoolMode,
    /// Node OS.
    pub os: Os,
    /// Node count.
    pub count: u32,
    /// Kubernetes version of the nodes.
    pub version: KubernetesVersion,
    /// Node image version, when known.
    pub node_image: Option<NodeImageVersion>,
    /// The image the pool's snapshot is based on, when it uses one.
    pub snapshot: Option<NodeImageVersion>,
    /// Pool tags.
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, string>"))]
    pub tags: VecMap<String, String>,
    /// When the tags last changed (a KSCR tag acts only at the next reimage after it).
    pub tags_changed: Instant,
    /// The kubelets renew their client certificates through TLS bootstrapping (pool
    /// created or upgraded after the autorotation cutoff).
    pub tls_bootstrap: bool,
    /// AKS turned KSCR on for this pool (created at ≥ 1.27, or its first upgrade to ≥ 1.27).
    pub kscr_enrolled: bool,
    /// KSCR is in effect on the nodes (enrolled, supported, not opted out at the last
    /// reimage). Nodes then carry the `kubernetes.azure.com/kubelet-serving-ca` label.
    pub kscr_active: bool,
    /// Set when a rotation left the nodes behind: since when, and which rotation.
    pub stale: Option<(Instant, StaleReason)>,
    /// Since when the nodes run (`None` while the cluster is stopped or the pool is at 0).
    pub active_since: Option<Instant>,
    /// The node's copy of the Cluster CA (`/etc/kubernetes/certs/ca.crt`).
    pub ca_copy: Tracked,
    /// The node's copy of the API server certificate (`/etc/kubernetes/certs/apiserver.crt`),
    /// the file the seed's VM check reads.
    pub apiserver_copy: Tracked,
    /// The kubelet's client certificate.
    pub kubelet_client: Tracked,
    /// The kubelet's serving certificate.
    pub kubelet_serving: Tracked,
    /// The Cluster CA generation the nodes trust (that of `caCopy`).
    pub trusted_ca_generation: u32,
    /// `Scope::NodePool(name)`, built once: every certificate and event of the pool
    /// carries it, and cloning it shares the name instead of copying it.
    #[serde(skip)]
    pub(super) scope: Scope,
}

impl NodePool {
    /// The certificates the nodes hold themselves (not copies of control plane ones).
    pub fn own_certs(&self) -> impl Iterator<Item = &Tracked> {
        [&self.kubelet_client, &self.kubelet_serving].into_iter()
    }

    /// The node copies of control plane certificates.
    pub fn copies(&self) -> impl Iterator<Item = &Tracked> {
        [&self.ca_copy, &self.apiserver_copy].into_iter()
    }

    /// Every certificate on the nodes, in report order.
    pub fn all_certs(&self) -> [&Tracked; 4] {
        [
            &self.ca_copy,
            &self.apiserver_copy,
            &self.kubelet_client,
            &self.kubelet_serving,
        ]
    }

    pub(super) fn cert_mut(&mut self, role: CertRole) -> Option<&mut Tracked> {
        match role {
            CertRole::ClusterCa => Some(&mut self.ca_copy),
            CertRole::ApiServer => Some(&mut self.apiserver_copy),
            CertRole::KubeletClient => Some(&mut self.kubelet_client),
            CertRole::KubeletServing => Some(&mut self.kubelet_serving),
            _ => None,
        }
    }

    /// Whether the nodes are running.
    pub fn is_active(&self) -> bool {
        self.active_since.is_some()
    }
}

impl Cluster {
    /// A new pool, provisioned at `at` (cluster creation, `nodepool add`, or recreation).
    pub(super) fn add_pool(&mut self, at: Instant, spec: NodePoolSpec, reason: IssueReason) {
        let version = spec.kubernetes_version.unwrap_or(self.version);
        let placeholder = self.control_plane[0].clone();
        let mut pool = NodePool {
            scope: Scope::NodePool(spec.name.as_str().into()),
            name: spec.name,
            mode: spec.mode.unwrap_or_default(),
            os: spec.os,
            count: spec.count,
            version,
            node_image: spec.node_image,
            snapshot: spec.snapshot,
            tags: spec.tags,
            tags_changed: at,
            tls_bootstrap: false,
            kscr_enrolled: false,
            kscr_active: false,
            stale: None,
            active_since: None,
            ca_copy: placeholder.clone(),
            apiserver_copy: placeholder.clone(),
            kubelet_client: placeholder.clone(),
            kubelet_serving: placeholder,
            trusted_ca_generation: self.ca_generation,
        };
        self.new_pool_settings(&mut pool, at);
        self.pools.push(pool);
        let i = self.pools.len() - 1;
        self.provision(at, i, reason, true);
    }

    /// What AKS decides for a pool that is created (or recreated) at `at`.
    pub(super) fn new_pool_settings(&self, pool: &mut NodePool, at: Instant) {
        let p = &self.policy;
        pool.tls_bootstrap = self.tls_bootstrap
            && (self.rbac || !p.autorotation_requires_rbac)
            && at >= p.autorotation_after;
        // Seed: "enabled by default on new node pools using Kubernetes version 1.27 or higher".
        pool.kscr_enrolled = pool.version >= p.kscr_min_version
            && at >= p.kscr_available_from
            && (self.rbac || !p.kscr_requires_rbac);
    }

    /// Whether KSCR would be in effect if the pool's nodes were provisioned at `at`.
    pub(super) fn kscr_desired(&self, pool: &NodePool, at: Instant) -> bool {
        let p = &self.policy;
        let snapshot_ok = pool
            .snapshot
            .as_ref()
            .is_none_or(|s| *s >= p.kscr_snapshot_floor);
        // The opt-out tag is honoured only until its retirement date.
        let opted_out = p.opts_out_of_kscr(&pool.tags) && at < p.kscr_opt_out_retired_from;
        pool.kscr_enrolled
            && snapshot_ok
            && pool.version >= p.kscr_min_version
            && (self.rbac || !p.kscr_requires_rbac)
            && !opted_out
    }

    /// Provision (or reimage) pool `i`'s nodes at `at`: KSCR is decided again, the
    /// kubelet certificates are re-issued, and — when `fresh` (a new or recreated pool, or
    /// rotate-certs) or the policy says reimages do it — the node copies of the control
    /// plane certificates are refreshed and staleness cleared.
    pub(super) fn provision(&mut self, at: Instant, i: usize, reason: IssueReason, fresh: bool) {
        let kscr = self.kscr_desired(&self.pools[i], at);
        self.pools[i].kscr_active = kscr;
        let scope = self.pools[i].scope.clone();
        let static_client = !self.pools[i].tls_bootstrap;
        // A pool without TLS bootstrapping uses the static client certificate AKS wrote at
        // provisioning; a reimage writes the same one again, so only fresh nodes get a new one.
        if !static_client || fresh {
            let t = self.issue(CertRole::KubeletClient, scope.clone(), at, reason);
            self.pools[i].kubelet_client = t;
        }
        let t = self.issue(CertRole::KubeletServing, scope, at, reason);
        self.pools[i].kubelet_serving = t;
        if fresh || self.policy.stale_cleared_by_reimage {
            self.pools[i].stale = None;
            self.copy_to_pool(i);
        }
        let running = self.life.is_running() && self.pools[i].count > 0;
        self.pools[i].active_since = running.then_some(at);
    }

    /// Put the current control plane CA and API server certificate on pool `i`'s nodes.
    fn copy_to_pool(&mut self, i: usize) {
        let scope = self.pools[i].scope.clone();
        let mut ca = self.control_plane[0].clone();
        ca.cert.scope = scope.clone();
        let mut api = self.control_plane[1].clone();
        api.cert.scope = scope;
        // Copies follow their originals; they have no timers of their own.
        ca.renew_at = None;
        api.renew_at = None;
        let generation = self.ca_generation;
        let pool = &mut self.pools[i];
        pool.ca_copy = ca;
        pool.apiserver_copy = api;
        pool.trusted_ca_generation = generation;
    }

    /// After a control plane rotation on a running cluster, every pool that is not stale
    /// gets the new copies.
    pub(super) fn refresh_copies(&mut self, include_stale: bool) {
        for i in 0..self.pools.len() {
            if include_stale || self.pools[i].stale.is_none() {
                self.copy_to_pool(i);
            }
        }
    }

    pub(super) fn mark_stale(&mut self, at: Instant, i: usize, reason: StaleReason) {
        if self.pools[i].stale.is_none() {
            self.pools[i].stale = Some((at, reason));
            let pool = self.pools[i].name.clone();
            self.push(at, EventKind::NodePoolStale { pool, reason });
        }
    }

    /// A Kubernetes upgrade of pool `i` to `version`, completing at `at`.
    pub(super) fn upgrade_pool(&mut self, at: Instant, i: usize, version: KubernetesVersion) {
        let p = self.policy.clone();
        let gains_bootstrap = !self.pools[i].tls_bootstrap
            && self.tls_bootstrap
            && (self.rbac || !p.autorotation_requires_rbac)
            && at >= p.autorotation_after;
        let pool = &mut self.pools[i];
        let changed = pool.version != version;
        pool.version = version;
        // Seed: KSCR "is enabled by default on existing node pools when they perform their
        // first upgrade to any Kubernetes version 1.27 or higher".
        if version >= p.kscr_min_version
            && at >= p.kscr_available_from
            && (self.rbac || !p.kscr_requires_rbac)
        {
            pool.kscr_enrolled = true;
        }
        if gains_bootstrap {
            pool.tls_bootstrap = true;
        }
        let scope = pool.scope.clone();
        if changed {
            self.push(
                at,
                EventKind::VersionChanged {
                    scope: scope.clone(),
                    kubernetes_version: version,
                },
            );
        }
        if gains_bootstrap {
            self.push(at, EventKind::AutorotationEnabled { scope });
        }
        // An upgrade replaces the nodes (surge upgrade): a reimage.
        self.provision(at, i, IssueReason::Upgrade, false);
    }
}
