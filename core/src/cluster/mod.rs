//! The cluster state machine: one AKS cluster's certificates, node pools, kubeconfigs and
//! long-running operations, moved only by explicit, validated steps.

mod apply;
pub mod commands;
pub mod event;
mod observe;
pub mod operation;
mod pool;
pub mod spec;

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;

use crate::inventory::{CertRole, Certificate, Issuer, RotationMechanism, Scope};
use crate::policy::{Policy, PolicyError};
use crate::rng::SplitMix64;
use crate::time::{Duration, Instant};
use crate::version::KubernetesVersion;

pub use event::{
    Action, ActionKind, DowntimeCause, Event, EventKind, IssueReason, KubeconfigError, Origin,
    StaleReason,
};
pub use operation::{
    KubeconfigSection, Operation, OperationKind, PowerState, ProvisioningState, Rejection,
    RotateOutcome,
};
pub use pool::NodePool;
pub use spec::{ClusterSpec, NodePoolSpec, PoolMode, SpecError};

use observe::Observed;

/// Why a cluster could not be created.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CreateError {
    /// The cluster description is invalid.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The policy is invalid.
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

/// A certificate as the machine tracks it: the certificate, how it renews, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Tracked {
    /// The certificate.
    #[serde(flatten)]
    pub cert: Certificate,
    /// What renews it.
    pub mechanism: RotationMechanism,
    /// For autorotation the renewal point; for kubelet renewal the drawn deadline.
    pub renew_at: Option<Instant>,
    /// For kubelet renewal, the window the deadline was drawn from ([70 %, 90 %)).
    pub renew_window: Option<(Instant, Instant)>,
    #[serde(skip)]
    expiry_reported: bool,
}

/// A long-running operation in progress.
#[derive(Debug, Clone, PartialEq)]
struct InFlight {
    op: Operation,
    state: ProvisioningState,
    ends: Instant,
}

/// A kubeconfig someone holds: which CA it trusts and which client certificate it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Kubeconfig {
    /// Who holds it.
    pub holder: String,
    /// Fetched with `--admin`.
    pub admin: bool,
    /// The Cluster CA generation it trusts.
    pub ca_generation: u32,
    /// The client certificate it carries.
    pub credential: Certificate,
    /// When it was fetched.
    pub fetched_at: Instant,
    #[serde(skip)]
    credential_expiry_reported: bool,
}

/// A deadline, by index (pools and kubeconfigs are only ever appended or replaced in
/// place, so indices are stable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    Operation,
    Autorotation,
    Renewal(usize, CertRole),
    ControlPlaneExpiry(usize),
    PoolExpiry(usize, CertRole),
    OptOutRetired,
    Credential(usize),
}

/// The next instant the machine needs to be woken, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Timer {
    /// When.
    pub at: Instant,
    /// Why.
    pub reason: TimerReason,
}

/// Why the machine needs to be woken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum TimerReason {
    /// A long-running operation ends.
    OperationCompletes {
        /// The `op` name.
        operation: &'static str,
    },
    /// Control plane certificates reach their autorotation point.
    Autorotation,
    /// A kubelet renews a certificate.
    KubeletRenewal {
        /// The pool.
        pool: String,
        /// Client or serving.
        role: CertRole,
    },
    /// A certificate passes its notAfter.
    CertificateExpires {
        /// Its role.
        role: CertRole,
        /// Where it lives.
        scope: Scope,
    },
    /// AKS stops honouring the KSCR opt-out tag; pools that carry it need a reimage.
    KscrOptOutRetired,
    /// The client certificate in someone's kubeconfig passes its notAfter.
    CredentialExpires {
        /// Who holds it.
        holder: String,
    },
}

/// One AKS cluster's certificate state machine (sans-IO: time is an argument).
///
/// Call order:
/// 1. [`Cluster::create`] at the cluster's creation instant.
/// 2. Feed operations with [`handle_operation`](Cluster::handle_operation)`(now, op)`; a
///    refused one returns a typed [`Rejection`] and changes nothing.
/// 3. Ask [`poll_timeout`](Cluster::poll_timeout) for the next deadline (an operation
///    ending, an autorotation, a kubelet renewal, an expiry) and call
///    [`handle_timeout`](Cluster::handle_timeout)`(now)` once the clock reaches it. Calling
///    either `handle_*` with a later `now` first fires every deadline due by then, each
///    at its own instant, so skipping ahead is always safe.
/// 4. After each `handle_*` call, drain [`poll_event`](Cluster::poll_event) until `None`:
///    certificates issued and expired, downtime, broken kubeconfigs, KSCR labels, and the
///    actions (with exact commands) a person must take.
///
/// `now` never goes backwards: an earlier instant is refused with
/// [`Rejection::TimeWentBackwards`].
#[derive(Debug, Clone)]
pub struct Cluster {
    policy: Arc<Policy>,
    name: String,
    resource_group: String,
    created: Instant,
    now: Instant,
    version: KubernetesVersion,
    rbac: bool,
    tls_bootstrap: bool,
    control_plane_upgraded: Option<Instant>,
    provisioning: ProvisioningState,
    power: PowerState,
    stopped_since: Option<Instant>,
    failed_at: Option<Instant>,
    ca_generation: u32,
    next_serial: u64,
    /// Control plane certificates, one per role in [`CONTROL_PLANE_ROLES`] order.
    control_plane: Vec<Tracked>,
    pools: Vec<NodePool>,
    kubeconfigs: Vec<Kubeconfig>,
    in_flight: Option<InFlight>,
    /// The KSCR opt-out retirement date has been passed (its timer fired).
    retirement_seen: bool,
    rng: SplitMix64,
    events: VecDeque<Event>,
    observed: Observed,
    /// The next deadline as last computed, while nothing it depends on has changed
    /// (`None`: compute again). The engine asks for it several times per step.
    next: Cell<Option<Option<(Instant, Due)>>>,
}

/// The control plane's certificates and keys, in the order the machine keeps them.
pub const CONTROL_PLANE_ROLES: [CertRole; 6] = [
    CertRole::ClusterCa,
    CertRole::ApiServer,
    CertRole::ApiServerKubeletClient,
    CertRole::FrontProxyClient,
    CertRole::ServiceAccountSigningKey,
    CertRole::KubectlClient,
];

/// How a certificate is signed and how long it lasts.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// The Cluster CA (self-signed).
    Ca,
    /// A leaf AKS issues itself (730 days).
    AksLeaf,
    /// Signed by the Kubernetes CSR signer with this lifetime.
    Csr(Duration),
    /// Self-signed by a node with this lifetime.
    SelfSigned(Duration),
    /// A key without expiry.
    Key,
}

impl Cluster {
    /// Create the cluster at `spec.created`. `seed` drives the kubelets' renewal jitter.
    pub fn create(
        mut spec: ClusterSpec,
        policy: Arc<Policy>,
        seed: u64,
    ) -> Result<Cluster, CreateError> {
        policy.validate()?;
        spec.validate()?;
        let at = spec.created;
        let mut c = Cluster {
            policy,
            name: spec.name,
            resource_group: spec.resource_group,
            created: at,
            now: at,
            version: spec.kubernetes_version,
            rbac: spec.rbac,
            tls_bootstrap: spec.tls_bootstrap,
            control_plane_upgraded: None,
            provisioning: ProvisioningState::Succeeded,
            power: PowerState::Running,
            stopped_since: None,
            failed_at: None,
            ca_generation: 1,
            next_serial: 1,
            control_plane: Vec::with_capacity(CONTROL_PLANE_ROLES.len()),
            pools: Vec::with_capacity(spec.node_pools.len()),
            kubeconfigs: Vec::new(),
            in_flight: None,
            retirement_seen: false,
            rng: SplitMix64::new(seed),
            events: VecDeque::new(),
            observed: Observed::default(),
            next: Cell::new(None),
        };
        c.push(
            at,
            EventKind::Created {
                kubernetes_version: c.version,
                autorotation: c.autorotation_enabled(),
            },
        );
        for role in CONTROL_PLANE_ROLES {
            let t = c.issue(role, Scope::ControlPlane, at, IssueReason::ClusterCreated);
            c.control_plane.push(t);
        }
        for pool in spec.node_pools {
            c.add_pool(at, pool, IssueReason::ClusterCreated);
        }
        c.observe(at);
        Ok(c)
    }

    /// Apply an operation at `now` (after firing every deadline due by then).
    pub fn handle_operation(&mut self, now: Instant, op: Operation) -> Result<(), Rejection> {
        self.advance_to(now)?;
        let result = self.apply(now, op);
        self.next.set(None);
        self.observe(now);
        result
    }

    /// Let time pass until `now`, firing every deadline due by then at its own instant.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Rejection> {
        self.advance_to(now)
    }

    /// The next deadline and its reason; `None` when nothing will ever happen on its own.
    pub fn poll_timeout(&self) -> Option<Timer> {
        self.next_timer()
    }

    /// When the next deadline falls, without saying why (cheaper than `poll_timeout`).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.cached_next_due().map(|(at, _)| at)
    }

    /// The next observable consequence, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Cluster name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Resource group.
    pub fn resource_group(&self) -> &str {
        &self.resource_group
    }

    /// When the cluster was created.
    pub fn created(&self) -> Instant {
        self.created
    }

    /// The latest instant the machine has seen.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Control plane Kubernetes version.
    pub fn kubernetes_version(&self) -> KubernetesVersion {
        self.version
    }

    /// `provisioningState`.
    pub fn provisioning_state(&self) -> ProvisioningState {
        self.provisioning
    }

    /// `powerState.code`.
    pub fn power_state(&self) -> PowerState {
        self.power
    }

    /// The current Cluster CA generation (1 at creation, +1 per successful rotate-certs).
    pub fn ca_generation(&self) -> u32 {
        self.ca_generation
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Whether AKS autorotates the control plane's non-CA certificates: created or
    /// upgraded after the cutoff, RBAC on (if the policy requires it), TLS bootstrapping on.
    pub fn autorotation_enabled(&self) -> bool {
        let p = &self.policy;
        let dated = self.created >= p.autorotation_after
            || self
                .control_plane_upgraded
                .is_some_and(|u| u >= p.autorotation_after);
        dated && self.tls_bootstrap && (self.rbac || !p.autorotation_requires_rbac)
    }

    /// The control plane's certificates, in [`CONTROL_PLANE_ROLES`] order.
    pub fn control_plane(&self) -> &[Tracked] {
        &self.control_plane
    }

    /// The node pools.
    pub fn node_pools(&self) -> &[NodePool] {
        &self.pools
    }

    /// The kubeconfigs people hold.
    pub fn kubeconfigs(&self) -> &[Kubeconfig] {
        &self.kubeconfigs
    }

    /// How a held kubeconfig fails right now, if it does.
    pub fn kubeconfig_error(&self, holder: &str) -> Option<KubeconfigError> {
        self.kubeconfigs
            .iter()
            .find(|k| k.holder == holder)
            .and_then(|k| self.evaluate_kubeconfig(k, self.now))
    }

    /// Actions currently open, as the last step derived them.
    pub fn open_actions(&self) -> impl Iterator<Item = &Action> {
        self.observed.actions()
    }

    /// The names that go into remediation commands.
    pub fn names(&self) -> commands::Names<'_> {
        commands::Names {
            resource_group: &self.resource_group,
            cluster: &self.name,
        }
    }

    fn cp(&self, role: CertRole) -> &Tracked {
        let i = CONTROL_PLANE_ROLES
            .iter()
            .position(|r| *r == role)
            .unwrap_or(0);
        &self.control_plane[i]
    }

    fn push(&mut self, at: Instant, kind: EventKind) {
        self.events.push_back(Event { at, kind });
    }

    fn advance_to(&mut self, now: Instant) -> Result<(), Rejection> {
        if now < self.now {
            return Err(Rejection::TimeWentBackwards {
                now,
                last: self.now,
            });
        }
        let mut next = self.cached_next_due();
        while let Some((at, due)) = next.filter(|(at, _)| *at <= now) {
            self.now = at;
            self.fire(at, due);
            next = self.next_due();
            // Consequences are derived once per instant, after everything due at it has
            // fired: a node that starts with an expired certificate and bootstraps a new
            // one in the same instant was never down. (Observing changes no deadline.)
            if next.is_none_or(|(t, _)| t > self.now) {
                self.observe(self.now);
            }
        }
        self.now = now;
        // Still exact at the new `now`: every deadline left is later than it, so the
        // clamp to the clock in `next_due` changes nothing.
        self.next.set(Some(next));
        Ok(())
    }

    /// Issue a certificate of `role` in `scope`, signed by the current CA generation.
    fn issue(&mut self, role: CertRole, scope: Scope, at: Instant, reason: IssueReason) -> Tracked {
        let kind = self.kind_for(role, &scope);
        let p = &self.policy;
        let legacy = at < p.legacy_before;
        let (backdate, lifetime) = match kind {
            Kind::Ca if legacy => (p.legacy_backdate, Some(p.legacy_lifetime)),
            Kind::Ca => (p.backdate, Some(p.ca_lifetime)),
            Kind::AksLeaf if legacy => (p.legacy_backdate, Some(p.legacy_lifetime)),
            Kind::AksLeaf => (p.backdate, Some(p.leaf_lifetime)),
            Kind::Csr(life) => (p.csr_backdate, Some(life)),
            Kind::SelfSigned(life) => (Duration::ZERO, Some(life)),
            Kind::Key => (Duration::ZERO, None),
        };
        let issuer = match kind {
            Kind::Ca | Kind::SelfSigned(_) => Issuer::SelfSigned,
            _ => Issuer::ClusterCa {
                generation: self.ca_generation,
            },
        };
        let serial = self.next_serial;
        self.next_serial += 1;
        let replaces = self.current(role, &scope).map(|t| t.cert.serial);
        let cert = Certificate {
            role,
            scope,
            serial,
            issuer,
            not_before: at - backdate,
            not_after: lifetime.map(|l| at + l),
        };
        let mut t = Tracked {
            cert,
            mechanism: RotationMechanism::ManualOnly,
            renew_at: None,
            renew_window: None,
            expiry_reported: false,
        };
        self.plan(&mut t, at);
        self.push(
            at,
            EventKind::CertificateIssued {
                role,
                scope: t.cert.scope.clone(),
                serial,
                issuer,
                not_before: t.cert.not_before,
                not_after: t.cert.not_after,
                reason,
                rotation: t.mechanism,
                replaces,
            },
        );
        t
    }

    /// The certificate of `role` in `scope` now in place, if any (none while the cluster
    /// or a new pool is being built).
    fn current(&self, role: CertRole, scope: &Scope) -> Option<&Tracked> {
        let t = match scope {
            Scope::ControlPlane => {
                let i = CONTROL_PLANE_ROLES.iter().position(|r| *r == role)?;
                self.control_plane.get(i)?
            }
            Scope::NodePool(name) => {
                let pool = self.pools.iter().find(|p| *p.name == **name)?;
                match role {
                    CertRole::KubeletClient => &pool.kubelet_client,
                    CertRole::KubeletServing => &pool.kubelet_serving,
                    _ => return None,
                }
            }
        };
        // A pool under construction holds placeholders of another role.
        (t.cert.role == role).then_some(t)
    }

    fn kind_for(&self, role: CertRole, scope: &Scope) -> Kind {
        let p = &self.policy;
        match role {
            CertRole::ClusterCa => Kind::Ca,
            CertRole::ServiceAccountSigningKey => Kind::Key,
            CertRole::KubeletClient => match self.pool_by_scope(scope) {
                Some(pool) if pool.tls_bootstrap => Kind::Csr(p.kubelet_client_lifetime),
                _ => Kind::AksLeaf,
            },
            CertRole::KubeletServing => match self.pool_by_scope(scope) {
                Some(pool) if pool.kscr_active => Kind::Csr(p.kubelet_serving_lifetime),
                _ => Kind::SelfSigned(p.self_signed_serving_lifetime),
            },
            _ => Kind::AksLeaf,
        }
    }

    fn pool_by_scope(&self, scope: &Scope) -> Option<&NodePool> {
        scope
            .pool()
            .and_then(|name| self.pools.iter().find(|p| p.name == name))
    }

    /// Decide what renews `t` next and when (drawing the kubelet's jitter).
    fn plan(&mut self, t: &mut Tracked, issued_at: Instant) {
        let (mechanism, window) = match (t.cert.role, &t.cert.scope) {
            (CertRole::ClusterCa | CertRole::ServiceAccountSigningKey, _) => {
                (RotationMechanism::ManualOnly, None)
            }
            (_, Scope::ControlPlane) if self.autorotation_enabled() => {
                (RotationMechanism::Autorotation, None)
            }
            (_, Scope::ControlPlane) => (RotationMechanism::ManualOnly, None),
            (CertRole::KubeletClient | CertRole::KubeletServing, scope) => {
                let pool = self.pool_by_scope(scope);
                let renews = match t.cert.role {
                    CertRole::KubeletClient => pool.is_some_and(|p| p.tls_bootstrap),
                    _ => pool.is_some_and(|p| p.kscr_active),
                };
                match (renews, t.cert.role) {
                    (true, _) => (
                        RotationMechanism::KubeletRenewal,
                        Some((
                            self.policy.kubelet_renewal_min,
                            self.policy.kubelet_renewal_max,
                        )),
                    ),
                    (false, CertRole::KubeletServing) => (RotationMechanism::Reimage, None),
                    (false, _) => (RotationMechanism::ManualOnly, None),
                }
            }
            _ => (RotationMechanism::ManualOnly, None),
        };
        t.mechanism = mechanism;
        t.renew_at = None;
        t.renew_window = None;
        let Some(na) = t.cert.not_after else { return };
        let nb = t.cert.not_before;
        // Never schedule a renewal at or before the issuing instant, or an extreme policy
        // override (1-minute lifetimes) could make the machine spin in place.
        let floor = issued_at + Duration::seconds(1);
        match (mechanism, window) {
            (RotationMechanism::Autorotation, _) => {
                t.renew_at = Some(
                    nb.fraction_towards(na, self.policy.autorotation_fraction)
                        .max(floor),
                );
            }
            (RotationMechanism::KubeletRenewal, Some((lo, hi))) => {
                let f = self.rng.uniform(lo, hi);
                t.renew_window = Some((nb.fraction_towards(na, lo), nb.fraction_towards(na, hi)));
                t.renew_at = Some(nb.fraction_towards(na, f).max(floor));
            }
            _ => {}
        }
    }

    /// The public form of a deadline.
    fn next_timer(&self) -> Option<Timer> {
        let (at, due) = self.next_due()?;
        let reason = match due {
            Due::Operation => TimerReason::OperationCompletes {
                operation: self.in_flight.as_ref().map_or("", |f| f.op.name()),
            },
            Due::Autorotation => TimerReason::Autorotation,
            Due::Renewal(i, role) => TimerReason::KubeletRenewal {
                pool: self.pools[i].name.clone(),
                role,
            },
            Due::ControlPlaneExpiry(i) => TimerReason::CertificateExpires {
                role: self.control_plane[i].cert.role,
                scope: Scope::ControlPlane,
            },
            Due::PoolExpiry(i, role) => TimerReason::CertificateExpires {
                role,
                scope: self.pools[i].scope.clone(),
            },
            Due::OptOutRetired => TimerReason::KscrOptOutRetired,
            Due::Credential(i) => TimerReason::CredentialExpires {
                holder: self.kubeconfigs[i].holder.clone(),
            },
        };
        Some(Timer { at, reason })
    }

    /// [`Cluster::next_due`], from the cache when the state has not moved since.
    fn cached_next_due(&self) -> Option<(Instant, Due)> {
        if let Some(next) = self.next.get() {
            return next;
        }
        let next = self.next_due();
        self.next.set(Some(next));
        next
    }

    /// The earliest deadline, as a cheap index-based key (this runs at every step).
    fn next_due(&self) -> Option<(Instant, Due)> {
        let mut best: Option<(Instant, Due)> = None;
        let now = self.now;
        let offer = |best: &mut Option<(Instant, Due)>, at: Instant, due: Due| {
            // A deadline learnt late (a node copy that was already expired when its pool
            // went stale) fires now: the machine's clock never runs backwards.
            let at = at.max(now);
            if best.is_none_or(|(b, _)| at < b) {
                *best = Some((at, due));
            }
        };
        if let Some(f) = &self.in_flight {
            offer(&mut best, f.ends, Due::Operation);
        }
        let expiry = |t: &Tracked| {
            t.cert
                .not_after
                .filter(|_| !t.expiry_reported)
                .map(|na| na + Duration::seconds(1))
        };
        for (i, t) in self.control_plane.iter().enumerate() {
            if t.mechanism == RotationMechanism::Autorotation
                && let Some(at) = t.renew_at
            {
                offer(&mut best, at, Due::Autorotation);
            }
            if let Some(at) = expiry(t) {
                offer(&mut best, at, Due::ControlPlaneExpiry(i));
            }
        }
        for (i, pool) in self.pools.iter().enumerate() {
            // Nodes that trust a replaced CA cannot reach the API server to renew anything.
            let reachable = pool.trusted_ca_generation == self.ca_generation;
            if let Some(active) = pool.active_since.filter(|_| reachable) {
                for t in pool.own_certs() {
                    if t.mechanism == RotationMechanism::KubeletRenewal
                        && let Some(at) = t.renew_at
                    {
                        offer(&mut best, at.max(active), Due::Renewal(i, t.cert.role));
                    }
                }
            }
            // A pool scaled to zero has no nodes, so no node certificate to expire.
            let own = pool.own_certs().filter(|_| pool.count > 0);
            for t in own.chain(pool.stale.map(|_| pool.copies()).into_iter().flatten()) {
                if let Some(at) = expiry(t) {
                    offer(&mut best, at, Due::PoolExpiry(i, t.cert.role));
                }
            }
        }
        // The tag lookup only matters when the retirement would be the earliest deadline.
        let retired = self.policy.kscr_opt_out_retired_from.max(now);
        if !self.retirement_seen
            && best.is_none_or(|(b, _)| retired < b)
            && self
                .pools
                .iter()
                .any(|p| self.policy.opts_out_of_kscr(&p.tags))
        {
            offer(
                &mut best,
                self.policy.kscr_opt_out_retired_from,
                Due::OptOutRetired,
            );
        }
        for (i, k) in self.kubeconfigs.iter().enumerate() {
            if let Some(na) = k.credential.not_after
                && !k.credential_expiry_reported
            {
                offer(&mut best, na + Duration::seconds(1), Due::Credential(i));
            }
        }
        best
    }

    fn fire(&mut self, at: Instant, due: Due) {
        match due {
            Due::Operation => self.complete_operation(at),
            Due::Autorotation => self.autorotate(at),
            Due::Renewal(i, role) => self.kubelet_renew(at, i, role),
            Due::ControlPlaneExpiry(i) => {
                let role = self.control_plane[i].cert.role;
                self.report_expiry(at, role, &Scope::ControlPlane);
            }
            Due::PoolExpiry(i, role) => {
                let scope = self.pools[i].scope.clone();
                self.report_expiry(at, role, &scope);
            }
            Due::OptOutRetired => self.retirement_seen = true,
            Due::Credential(i) => self.kubeconfigs[i].credential_expiry_reported = true,
        }
    }

    fn report_expiry(&mut self, at: Instant, role: CertRole, scope: &Scope) {
        let running = self.power == PowerState::Running;
        let (t, in_use) = match scope {
            Scope::ControlPlane => {
                let i = CONTROL_PLANE_ROLES
                    .iter()
                    .position(|r| *r == role)
                    .unwrap_or(0);
                (&mut self.control_plane[i], true)
            }
            Scope::NodePool(name) => {
                let Some(pool) = self.pools.iter_mut().find(|p| *p.name == **name) else {
                    return;
                };
                let active = running && pool.count > 0;
                // The node's API server copy is a file nobody verifies against; the CA
                // copy and the kubelet's own certificates are in use while nodes run.
                let in_use = active && role != CertRole::ApiServer;
                match pool.cert_mut(role) {
                    Some(t) => (t, in_use),
                    None => return,
                }
            }
        };
        t.expiry_reported = true;
        let (serial, not_after) = (t.cert.serial, t.cert.not_after.unwrap_or(at));
        self.push(
            at,
            EventKind::CertificateExpired {
                role,
                scope: scope.clone(),
                serial,
                not_after,
                in_use,
            },
        );
    }

    /// Control plane autorotation: every non-CA control plane certificate due by `at`.
    fn autorotate(&mut self, at: Instant) {
        for i in 0..self.control_plane.len() {
            let due = {
                let t = &self.control_plane[i];
                t.mechanism == RotationMechanism::Autorotation
                    && t.renew_at.is_some_and(|r| r <= at)
            };
            if due {
                let role = self.control_plane[i].cert.role;
                self.control_plane[i] =
                    self.issue(role, Scope::ControlPlane, at, IssueReason::Autorotation);
            }
        }
        if self.power == PowerState::Stopped && !self.policy.stopped_autorotation_includes_nodes {
            // Seed: "If the cluster is in a stopped state during certificate autorotation,
            // only the control plane certificates are rotated."
            for i in 0..self.pools.len() {
                self.mark_stale(at, i, StaleReason::AutorotationWhileStopped);
            }
        } else {
            self.refresh_copies(false);
        }
    }

    fn kubelet_renew(&mut self, at: Instant, i: usize, role: CertRole) {
        let expired = self.pools[i]
            .cert_mut(role)
            .is_some_and(|t| t.cert.is_expired(at));
        let reason = if expired {
            IssueReason::KubeletBootstrap
        } else {
            IssueReason::KubeletRenewal
        };
        let scope = self.pools[i].scope.clone();
        let t = self.issue(role, scope, at, reason);
        if let Some(slot) = self.pools[i].cert_mut(role) {
            *slot = t;
        }
    }
}
