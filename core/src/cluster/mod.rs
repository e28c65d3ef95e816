//! The cluster state machine: one AKS cluster's certificates, node pools, kubeconfigs and
//! long-running operations, moved only by explicit, validated steps.

mod apply;
pub mod commands;
pub mod event;
mod issue;
mod lifecycle;
mod observe;
pub mod operation;
mod operation_de;
mod pool;
pub mod spec;
pub(crate) mod spec_de;
mod timer;

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

use lifecycle::{InFlight, Lifecycle, Power, Work};
use observe::Observed;
use timer::Due;
pub use timer::{TimeWentBackwards, Timer, TimerReason};

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
/// `now` never goes backwards: both `handle_*` calls answer an earlier instant with
/// [`TimeWentBackwards`], the caller's error (not one of AKS's refusals), and change nothing.
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
    /// Power and provisioning state, with the operation in flight.
    life: Lifecycle,
    ca_generation: u32,
    next_serial: u64,
    /// Control plane certificates, one per role in [`CONTROL_PLANE_ROLES`] order.
    control_plane: Vec<Tracked>,
    pools: Vec<NodePool>,
    kubeconfigs: Vec<Kubeconfig>,
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
            life: Lifecycle::created(),
            ca_generation: 1,
            next_serial: 1,
            control_plane: Vec::with_capacity(CONTROL_PLANE_ROLES.len()),
            pools: Vec::with_capacity(spec.node_pools.len()),
            kubeconfigs: Vec::new(),
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

    /// Apply an operation at `now` (after firing every deadline due by then). The inner
    /// result is AKS's answer: accepted, or a typed [`Rejection`] in AKS's wording. The
    /// outer error is the caller's: `now` before an instant the machine already saw.
    pub fn handle_operation(
        &mut self,
        now: Instant,
        op: Operation,
    ) -> Result<Result<(), Rejection>, TimeWentBackwards> {
        self.advance_to(now)?;
        let result = self.apply(now, op);
        self.next.set(None);
        self.observe(now);
        Ok(result)
    }

    /// Let time pass until `now`, firing every deadline due by then at its own instant;
    /// `now` must not be before an instant the machine already saw.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), TimeWentBackwards> {
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
        self.life.provisioning_state()
    }

    /// `powerState.code`.
    pub fn power_state(&self) -> PowerState {
        self.life.power_state()
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
}
