//! Consequences derived from state: after every step the machine works out what is down,
//! which kubeconfigs fail, which nodes carry the KSCR label and what people must do, and
//! emits only the differences. Deriving (rather than patching in each operation) keeps
//! every operation's consequences consistent by construction.

use crate::explain::{self, KscrOff, ManualReason};
use crate::inventory::{CertRole, RotationMechanism, Scope};
use crate::time::Instant;
use crate::vec_map::VecMap;

use super::commands::{KUBECTL_GET_NODES, kubectl_kscr_label};
use super::event::{Action, ActionKind, DowntimeCause, EventKind, KubeconfigError, StaleReason};
use super::operation::Operation;
use super::spec::PoolMode;
use super::{Cluster, Kubeconfig};

/// What the last step derived, to diff against.
#[derive(Debug, Clone, Default)]
pub(super) struct Observed {
    /// Open downtime: (pool index, or `None` for the control plane; cause) → since.
    downtime: VecMap<(Option<usize>, DowntimeCause), Instant>,
    /// Per kubeconfig index: how it fails and since when.
    kubeconfigs: Vec<Option<(KubeconfigError, Instant)>>,
    /// Per pool index: whether its nodes carry the KSCR label.
    labels: Vec<bool>,
    /// Open actions, with what they were about when raised (an action whose subject
    /// changed is raised again, so its text never goes stale).
    actions: VecMap<(ActionKind, String), (Action, Why)>,
}

impl Observed {
    pub(super) fn actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.values().map(|(a, _)| a)
    }
}

/// An action as derived: cheap to compute at every step; its text is rendered only when
/// the action is new (rendering every step dominated the engine's run time).
/// `due: None` means "as soon as possible": the first instant it was seen becomes its
/// due date.
struct Derived<'a> {
    kind: ActionKind,
    subject: &'a str,
    due: Option<Instant>,
    why: Why,
}

/// What an action is about, with what its text needs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Why {
    RerunRotate,
    Manual {
        role: CertRole,
        pool: Option<usize>,
        not_after: Instant,
    },
    EnableAutorotation,
    EnablePoolBootstrap {
        pool: usize,
    },
    UnknownAuthority {
        admin: bool,
    },
    ClientExpired {
        admin: bool,
    },
    ClientExpiring {
        admin: bool,
        not_after: Instant,
    },
    Stale {
        pool: usize,
        reason: StaleReason,
    },
    Reimage {
        pool: usize,
        turns_on: bool,
    },
    OptOutRetires {
        pool: usize,
    },
    Start {
        since: Instant,
    },
}

/// Up to this many actions (derived, open or resolved), a lookup among them is a scan;
/// beyond, a binary search in a sorted view.
const SCAN_UP_TO: usize = 16;

/// Whether an action's key `(kind, subject)` is `(k, s)`. Different subjects of one kind
/// are usually numbered names of one length (`user-00001`, `user-00002`) that differ at
/// their end, so the last byte is compared before the whole (which is a libc call).
fn same_key(kind: ActionKind, subject: &str, k: ActionKind, s: &str) -> bool {
    kind == k
        && subject.len() == s.len()
        && subject.as_bytes().last() == s.as_bytes().last()
        && subject == s
}

impl Cluster {
    pub(super) fn observe(&mut self, at: Instant) {
        self.observe_downtime(at);
        self.observe_kubeconfigs(at);
        self.observe_labels(at);
        self.observe_actions(at);
    }

    fn observe_downtime(&mut self, at: Instant) {
        // At most a handful of entries: a small vector beats a set here (this runs at
        // every step).
        let mut down: Vec<(Option<usize>, DowntimeCause)> = Vec::new();
        let rotating = matches!(
            self.life.in_flight().map(|f| &f.op),
            Some(Operation::RotateCerts { .. })
        );
        let running = self.life.is_running();
        if rotating {
            down.push((None, DowntimeCause::RotateCerts));
        }
        let ca_expired = self.cp(CertRole::ClusterCa).cert.is_expired(at);
        if running && (ca_expired || self.cp(CertRole::ApiServer).cert.is_expired(at)) {
            down.push((None, DowntimeCause::CertificateExpired));
        }
        for (i, pool) in self.pools.iter().enumerate() {
            if !pool.is_active() {
                continue;
            }
            if rotating {
                // Seed: rotate-certs "recreates all of your agent nodes".
                down.push((Some(i), DowntimeCause::RotateCerts));
            }
            let client_gen = match pool.kubelet_client.cert.issuer {
                crate::inventory::Issuer::ClusterCa { generation } => generation,
                crate::inventory::Issuer::SelfSigned => pool.trusted_ca_generation,
            };
            if pool.trusted_ca_generation != self.ca_generation || client_gen != self.ca_generation
            {
                down.push((Some(i), DowntimeCause::StaleCa));
            } else if ca_expired || pool.kubelet_client.cert.is_expired(at) {
                down.push((Some(i), DowntimeCause::CertificateExpired));
            }
        }
        if down.is_empty() && self.observed.downtime.is_empty() {
            return;
        }
        let ended: Vec<_> = self
            .observed
            .downtime
            .iter()
            .filter(|(k, _)| !down.contains(k))
            .map(|(k, since)| (*k, *since))
            .collect();
        for ((pool, cause), since) in ended {
            self.observed.downtime.remove(&(pool, cause));
            let scope = self.scope_of(pool);
            self.push(
                at,
                EventKind::DowntimeEnded {
                    scope,
                    cause,
                    since,
                    duration: at.since(since),
                },
            );
        }
        crate::sort::sort(&mut down);
        for (pool, cause) in down {
            if self.observed.downtime.insert_new((pool, cause), at) {
                let scope = self.scope_of(pool);
                self.push(at, EventKind::DowntimeStarted { scope, cause });
            }
        }
    }

    fn scope_of(&self, pool: Option<usize>) -> Scope {
        pool.map_or(Scope::ControlPlane, |i| self.pools[i].scope.clone())
    }

    /// How `k` fails at `at`, checked in the order kubectl meets the problems: the server's
    /// certificate is verified against the kubeconfig's CA first, then its validity, then
    /// the API server checks the client certificate.
    pub(super) fn evaluate_kubeconfig(
        &self,
        k: &Kubeconfig,
        at: Instant,
    ) -> Option<KubeconfigError> {
        if k.ca_generation != self.ca_generation {
            Some(KubeconfigError::UnknownAuthority)
        } else if self.cp(CertRole::ApiServer).cert.is_expired(at) {
            Some(KubeconfigError::ServerCertificateExpired)
        } else if k.credential.is_expired(at) {
            Some(KubeconfigError::ClientCertificateExpired)
        } else {
            None
        }
    }

    fn observe_kubeconfigs(&mut self, at: Instant) {
        let server_not_after = self.cp(CertRole::ApiServer).cert.not_after;
        self.observed
            .kubeconfigs
            .resize(self.kubeconfigs.len(), None);
        for i in 0..self.kubeconfigs.len() {
            let status = self.evaluate_kubeconfig(&self.kubeconfigs[i], at);
            let before = self.observed.kubeconfigs[i].map(|(e, _)| e);
            if before == status {
                continue;
            }
            let holder = self.kubeconfigs[i].holder.clone();
            match status {
                None => {
                    self.observed.kubeconfigs[i] = None;
                    self.push(at, EventKind::KubeconfigRestored { holder });
                }
                Some(e) => {
                    self.observed.kubeconfigs[i] = Some((e, at));
                    let kubectl = e.kubectl_message(at, server_not_after);
                    self.push(
                        at,
                        EventKind::KubeconfigBroken {
                            holder,
                            error: e,
                            kubectl,
                        },
                    );
                }
            }
        }
    }

    fn observe_labels(&mut self, at: Instant) {
        self.observed.labels.resize(self.pools.len(), false);
        for i in 0..self.pools.len() {
            let on = self.pools[i].kscr_active;
            if self.observed.labels[i] != on {
                self.observed.labels[i] = on;
                let pool = self.pools[i].name.clone();
                let label = on.then(|| self.policy.kscr_label.clone());
                self.push(at, EventKind::KscrLabelChanged { pool, label });
            }
        }
    }

    fn observe_actions(&mut self, at: Instant) {
        let derived = self.derive_actions(at);
        // Lookups by key go through sorted views, not scans, once there are many: a
        // cluster with n kubeconfig holders has n actions open, and a scan per action made
        // each step O(n²). While there are few (nearly always), a scan is cheaper: `==`
        // on a subject compares its length before its bytes, where ordering it calls
        // memcmp — which was a tenth of a fleet run's time.
        let few = |n: usize| n <= SCAN_UP_TO;
        let mut by_key: Vec<usize> = Vec::new();
        if !few(derived.len()) {
            by_key.extend(0..derived.len());
            // Stable: among equal keys the first in `derived` comes first, as a scan finds it.
            crate::sort::sort_by_key(&mut by_key, |&i| (derived[i].kind, derived[i].subject));
        }
        let find = |kind: ActionKind, subject: &str| {
            if few(derived.len()) {
                return derived
                    .iter()
                    .find(|d| same_key(d.kind, d.subject, kind, subject));
            }
            let first = by_key
                .partition_point(|&i| (derived[i].kind, derived[i].subject) < (kind, subject));
            by_key
                .get(first)
                .map(|&i| &derived[i])
                .filter(|d| same_key(d.kind, d.subject, kind, subject))
        };
        // In key order (the map's), so it can be searched.
        let mut resolved: Vec<(ActionKind, String)> = Vec::new();
        for (key, (old, old_why)) in self.observed.actions.iter() {
            let still = find(key.0, &key.1);
            // Same situation and the same due date: nothing new to say.
            let unchanged =
                still.is_some_and(|d| d.due.is_none_or(|due| due == old.due) && d.why == *old_why);
            if !unchanged {
                resolved.push(key.clone());
            }
        }
        let is_resolved = |kind: ActionKind, subject: &str| {
            if few(resolved.len()) {
                return resolved.iter().any(|k| same_key(k.0, &k.1, kind, subject));
            }
            resolved
                .binary_search_by(|k| (k.0, k.1.as_str()).cmp(&(kind, subject)))
                .is_ok()
        };
        let open = &self.observed.actions;
        let is_open = |kind: ActionKind, subject: &str| {
            if few(open.len()) {
                return open.iter().any(|(k, _)| same_key(k.0, &k.1, kind, subject));
            }
            open.contains_by(|k| (k.0, k.1.as_str()).cmp(&(kind, subject)))
        };
        let raised: Vec<(Action, Why)> = derived
            .iter()
            .filter(|d| !is_open(d.kind, d.subject) || is_resolved(d.kind, d.subject))
            .map(|d| (self.render(d, at), d.why))
            .collect();
        for key in resolved {
            if let Some((a, _)) = self.observed.actions.remove(&key) {
                self.push(
                    at,
                    EventKind::ActionResolved {
                        kind: a.kind,
                        subject: a.subject,
                        due: a.due,
                    },
                );
            }
        }
        for (action, why) in raised {
            self.observed
                .actions
                .insert((action.kind, action.subject.clone()), (action.clone(), why));
            self.push(at, EventKind::ActionNeeded { action });
        }
    }

    /// The actions the current state calls for — keys and due dates only.
    fn derive_actions(&self, at: Instant) -> Vec<Derived<'_>> {
        let mut out = Vec::new();
        if self.life.is_failed() {
            out.push(Derived {
                kind: ActionKind::RerunRotateCerts,
                subject: "",
                due: None,
                why: Why::RerunRotate,
            });
        }
        // Certificates that only a manual rotation renews, earliest first.
        let manual = self
            .control_plane
            .iter()
            .map(|t| (t, None))
            .chain(
                self.pools
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.count > 0)
                    .map(|(i, p)| (&p.kubelet_client, Some(i))),
            )
            .filter(|(t, _)| t.mechanism == RotationMechanism::ManualOnly)
            .filter_map(|(t, pool)| t.cert.not_after.map(|na| (na, t.cert.role, pool)))
            .min();
        if let Some((not_after, role, pool)) = manual {
            out.push(Derived {
                kind: ActionKind::RotateCerts,
                subject: "",
                due: Some(not_after),
                why: Why::Manual {
                    role,
                    pool,
                    not_after,
                },
            });
        }
        let leaves_expired = self.cp(CertRole::ApiServer).cert.is_expired(at)
            || self.cp(CertRole::ClusterCa).cert.is_expired(at);
        let can_enable =
            self.tls_bootstrap && (self.rbac || !self.policy.autorotation_requires_rbac);
        if !self.autorotation_enabled() && can_enable && !leaves_expired {
            let due = self
                .control_plane
                .iter()
                .filter(|t| !t.cert.role.is_ca() && t.mechanism == RotationMechanism::ManualOnly)
                .filter_map(|t| t.cert.not_after)
                .min();
            if let Some(due) = due {
                out.push(Derived {
                    kind: ActionKind::EnableAutorotation,
                    subject: "",
                    due: Some(due),
                    why: Why::EnableAutorotation,
                });
            }
        } else if can_enable && !leaves_expired {
            // The control plane autorotates, but a pool that was not upgraded with it
            // keeps a static kubelet client certificate until the pool is upgraded.
            for (i, pool) in self.pools.iter().enumerate() {
                if pool.count > 0 && !pool.tls_bootstrap && pool.stale.is_none() {
                    out.push(Derived {
                        kind: ActionKind::EnableAutorotation,
                        subject: &pool.name,
                        due: pool.kubelet_client.cert.not_after,
                        why: Why::EnablePoolBootstrap { pool: i },
                    });
                }
            }
        }
        let current_credential = &self.cp(CertRole::KubectlClient).cert;
        for k in &self.kubeconfigs {
            let (due, why) = match self.evaluate_kubeconfig(k, at) {
                Some(KubeconfigError::UnknownAuthority) => {
                    (None, Why::UnknownAuthority { admin: k.admin })
                }
                Some(KubeconfigError::ClientCertificateExpired)
                    if !current_credential.is_expired(at) =>
                {
                    (None, Why::ClientExpired { admin: k.admin })
                }
                None => match (k.credential.not_after, current_credential.not_after) {
                    (Some(mine), Some(theirs)) if mine < theirs => (
                        Some(mine),
                        Why::ClientExpiring {
                            admin: k.admin,
                            not_after: mine,
                        },
                    ),
                    _ => continue,
                },
                _ => continue,
            };
            out.push(Derived {
                kind: ActionKind::GetCredentials,
                subject: &k.holder,
                due,
                why,
            });
        }
        let retired = self.policy.kscr_opt_out_retired_from;
        for (i, pool) in self.pools.iter().enumerate() {
            if let Some((since, reason)) = pool.stale {
                out.push(Derived {
                    kind: ActionKind::RecreateNodePool,
                    subject: &pool.name,
                    due: Some(since),
                    why: Why::Stale { pool: i, reason },
                });
            }
            let opted_out = self.policy.opts_out_of_kscr(&pool.tags);
            let desired = self.kscr_desired(pool, at);
            if pool.count > 0 && desired != pool.kscr_active && pool.stale.is_none() {
                // Pending since the tag changed, or since AKS stopped honouring it.
                let since = if opted_out && at >= retired {
                    retired.max(pool.tags_changed)
                } else {
                    pool.tags_changed
                };
                out.push(Derived {
                    kind: ActionKind::ReimageForKscr,
                    subject: &pool.name,
                    due: Some(since),
                    why: Why::Reimage {
                        pool: i,
                        turns_on: desired,
                    },
                });
            }
            if !pool.kscr_active && pool.kscr_enrolled && opted_out && at < retired {
                out.push(Derived {
                    kind: ActionKind::KscrOptOutRetires,
                    subject: &pool.name,
                    due: Some(retired),
                    why: Why::OptOutRetires { pool: i },
                });
            }
        }
        if let Some(since) = self.life.stopped_since() {
            out.push(Derived {
                kind: ActionKind::StartCluster,
                subject: "",
                due: Some(since + self.policy.stopped_retention),
                why: Why::Start { since },
            });
        }
        out
    }

    /// The reason and exact commands of a derived action.
    fn render(&self, d: &Derived<'_>, at: Instant) -> Action {
        let names = self.names();
        let pool = |i: usize| &self.pools[i];
        let (reason, commands) = match d.why {
            Why::RerunRotate => (
                "az aks rotate-certs failed and left the cluster in the Failed state; the documented fix is to run it again".to_string(),
                vec![names.show_state(), names.rotate_certs()],
            ),
            Why::Manual { role, pool: p, not_after } => {
                let place = p.map_or_else(|| "the control plane".to_string(), |i| format!("node pool {}", pool(i).name));
                let verb = if at > not_after { "expired" } else { "expires" };
                (
                    format!("the {} on {place} {verb} at {not_after} and only az aks rotate-certs renews it", role.title()),
                    vec![names.rotate_certs(), KUBECTL_GET_NODES.to_string(), names.get_credentials(false)],
                )
            }
            Why::EnableAutorotation => (
                explain::enable_autorotation(&self.policy),
                vec![names.upgrade(&self.version.to_string())],
            ),
            Why::EnablePoolBootstrap { pool: i } => (
                explain::enable_pool_bootstrap(&self.policy, &pool(i).name),
                vec![names.nodepool_upgrade(&pool(i).name, &self.version.to_string())],
            ),
            Why::UnknownAuthority { admin } => (
                format!("{}'s kubeconfig trusts the Cluster CA that rotate-certs replaced", d.subject),
                vec![names.get_credentials(admin), KUBECTL_GET_NODES.to_string()],
            ),
            Why::ClientExpired { admin } => (
                format!("the client certificate in {}'s kubeconfig has expired; AKS hands out a valid one", d.subject),
                vec![names.get_credentials(admin), KUBECTL_GET_NODES.to_string()],
            ),
            Why::ClientExpiring { admin, not_after } => (
                format!("the client certificate in {}'s kubeconfig expires at {not_after}; AKS already hands out a newer one", d.subject),
                vec![names.get_credentials(admin)],
            ),
            Why::Stale { pool: i, reason } => {
                let what = match reason {
                    StaleReason::AutorotationWhileStopped => "autorotation ran while the cluster was stopped, so only the control plane certificates were rotated",
                    StaleReason::RotateCertsWhileStopped => "rotate-certs ran while the cluster was stopped, so its nodes still trust the old Cluster CA",
                };
                let p = pool(i);
                (
                    format!("node pool {}: {what}; recreate the pool to rotate its node certificates", p.name),
                    self.recreate_commands(i),
                )
            }
            Why::Reimage { pool: i, turns_on } => {
                let what = if turns_on { "turns kubelet serving certificate rotation on" } else { "applies the opt-out tag" };
                let p = pool(i);
                (
                    format!("node pool {}: only a reimage {what} (node image upgrade, or scale to 0 and back)", p.name),
                    vec![names.node_image_upgrade(&p.name), kubectl_kscr_label(explain::kscr_label_key(&self.policy))],
                )
            }
            Why::OptOutRetires { pool: i } => (
                explain::opt_out_retires(&self.policy, &pool(i).name),
                vec![kubectl_kscr_label(explain::kscr_label_key(&self.policy))],
            ),
            Why::Start { since } => (
                explain::stopped_retention(&self.policy, since),
                vec![names.start()],
            ),
        };
        Action {
            kind: d.kind,
            subject: d.subject.to_string(),
            due: d.due.unwrap_or(at),
            reason,
            commands,
        }
    }
}

impl Cluster {
    /// The commands that recreate pool `i`. AKS refuses to delete the last System pool
    /// (a cluster modelled without any System pool has one in AKS: its only pool), so
    /// then a new System pool goes in first, under a name no pool has.
    pub(crate) fn recreate_commands(&self, i: usize) -> Vec<String> {
        let p = &self.pools[i];
        let systems = self
            .pools
            .iter()
            .filter(|q| q.mode == PoolMode::System)
            .count();
        let last_system = match p.mode {
            PoolMode::System => systems == 1,
            PoolMode::User => systems == 0 && self.pools.len() == 1,
        };
        let replacement = last_system.then(|| {
            (1..)
                .map(|n| {
                    if n == 1 {
                        "systempool".to_string()
                    } else {
                        format!("systempool{n}")
                    }
                })
                .find(|name| self.pools.iter().all(|q| &q.name != name))
                .unwrap_or_default()
        });
        self.names().recreate_pool(
            &p.name,
            p.count.max(1),
            p.mode == PoolMode::System,
            replacement.as_deref(),
        )
    }

    /// The situation at `at` as events: every outage in progress, every broken
    /// kubeconfig and every open action — what a run that starts from this state (a
    /// what-if) must show as ongoing, though it began earlier.
    pub(crate) fn ongoing(&self, at: Instant) -> Vec<EventKind> {
        let server_not_after = self.cp(CertRole::ApiServer).cert.not_after;
        let downtime =
            self.observed
                .downtime
                .keys()
                .map(|(pool, cause)| EventKind::DowntimeStarted {
                    scope: self.scope_of(*pool),
                    cause: *cause,
                });
        let kubeconfigs = self
            .kubeconfigs
            .iter()
            .zip(&self.observed.kubeconfigs)
            .filter_map(|(k, seen)| {
                seen.map(|(error, _)| EventKind::KubeconfigBroken {
                    holder: k.holder.clone(),
                    error,
                    kubectl: error.kubectl_message(at, server_not_after),
                })
            });
        let actions = self
            .observed
            .actions
            .values()
            .map(|(a, _)| EventKind::ActionNeeded { action: a.clone() });
        downtime.chain(kubeconfigs).chain(actions).collect()
    }

    /// Why certificates that autorotation (`pool: None`) or the kubelet (a pool's client
    /// certificate) would renew are renewed only by hand — the first reason that holds.
    pub(crate) fn manual_reason(&self, pool: Option<&super::NodePool>) -> ManualReason {
        if !self.tls_bootstrap {
            ManualReason::TlsBootstrapOff
        } else if !self.rbac && self.policy.autorotation_requires_rbac {
            ManualReason::RbacOff
        } else {
            match pool {
                Some(p) if p.version < self.version => ManualReason::PoolBehindControlPlane,
                Some(_) => ManualReason::NotUpgradedSinceCutoff { created: None },
                None => ManualReason::NotUpgradedSinceCutoff {
                    created: Some(self.created),
                },
            }
        }
    }

    /// Why `pool` has kubelet serving certificate rotation off.
    pub(crate) fn kscr_off_reason(&self, pool: &super::NodePool) -> KscrOff {
        let p = &self.policy;
        if p.opts_out_of_kscr(&pool.tags) {
            KscrOff::OptedOut
        } else if pool.version < p.kscr_min_version {
            KscrOff::BelowMinVersion
        } else if !self.rbac && p.kscr_requires_rbac {
            KscrOff::RbacOff
        } else if pool
            .snapshot
            .as_ref()
            .is_some_and(|s| *s < p.kscr_snapshot_floor)
        {
            KscrOff::SnapshotTooOld
        } else {
            KscrOff::NotUpgradedSinceAvailable
        }
    }
}
