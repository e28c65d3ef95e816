//! Consequences derived from state: after every step the machine works out what is down,
//! which kubeconfigs fail, which nodes carry the KSCR label and what people must do, and
//! emits only the differences. Deriving (rather than patching in each operation) keeps
//! every operation's consequences consistent by construction.

use std::collections::{BTreeMap, BTreeSet};

use crate::inventory::{CertRole, RotationMechanism, Scope};
use crate::time::Instant;

use super::commands::{KUBECTL_GET_NODES, KUBECTL_KSCR_LABEL};
use super::event::{Action, ActionKind, DowntimeCause, EventKind, KubeconfigError, StaleReason};
use super::operation::{Operation, PowerState, ProvisioningState};
use super::spec::PoolMode;
use super::{Cluster, Kubeconfig};

/// What the last step derived, to diff against.
#[derive(Debug, Clone, Default)]
pub(super) struct Observed {
    downtime: BTreeMap<(Scope, DowntimeCause), Instant>,
    kubeconfigs: BTreeMap<String, (KubeconfigError, Instant)>,
    labels: BTreeMap<String, bool>,
    actions: BTreeMap<(ActionKind, String), Action>,
    credential_expiry: BTreeMap<String, u64>,
}

impl Observed {
    pub(super) fn actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.values()
    }

    pub(super) fn credential_expiry_seen(&self, holder: &str, serial: u64) -> bool {
        self.credential_expiry.get(holder) == Some(&serial)
    }

    pub(super) fn mark_credential_expiry(&mut self, holder: &str, serial: u64) {
        self.credential_expiry.insert(holder.to_string(), serial);
    }
}

/// An action as derived; `due: None` means "as soon as possible", and the first instant it
/// was seen becomes its due date.
struct Derived {
    kind: ActionKind,
    subject: String,
    due: Option<Instant>,
    reason: String,
    commands: Vec<String>,
}

impl Cluster {
    pub(super) fn observe(&mut self, at: Instant) {
        self.observe_downtime(at);
        self.observe_kubeconfigs(at);
        self.observe_labels(at);
        self.observe_actions(at);
    }

    fn observe_downtime(&mut self, at: Instant) {
        let mut down = BTreeSet::new();
        let rotating = matches!(
            self.in_flight.as_ref().map(|f| &f.op),
            Some(Operation::RotateCerts { .. })
        );
        let running = self.power == PowerState::Running;
        if rotating {
            down.insert((Scope::ControlPlane, DowntimeCause::RotateCerts));
        }
        let ca_expired = self.cp(CertRole::ClusterCa).cert.is_expired(at);
        if running && (ca_expired || self.cp(CertRole::ApiServer).cert.is_expired(at)) {
            down.insert((Scope::ControlPlane, DowntimeCause::CertificateExpired));
        }
        for pool in &self.pools {
            if !pool.is_active() {
                continue;
            }
            let scope = Scope::NodePool(pool.name.clone());
            if rotating {
                // Seed: rotate-certs "recreates all of your agent nodes".
                down.insert((scope.clone(), DowntimeCause::RotateCerts));
            }
            let client_gen = match pool.kubelet_client.cert.issuer {
                crate::inventory::Issuer::ClusterCa { generation } => generation,
                crate::inventory::Issuer::SelfSigned => pool.trusted_ca_generation,
            };
            if pool.trusted_ca_generation != self.ca_generation || client_gen != self.ca_generation
            {
                down.insert((scope, DowntimeCause::StaleCa));
            } else if ca_expired || pool.kubelet_client.cert.is_expired(at) {
                down.insert((scope, DowntimeCause::CertificateExpired));
            }
        }
        let ended: Vec<_> = self
            .observed
            .downtime
            .iter()
            .filter(|(k, _)| !down.contains(*k))
            .map(|(k, since)| (k.clone(), *since))
            .collect();
        for ((scope, cause), since) in ended {
            self.observed.downtime.remove(&(scope.clone(), cause));
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
        for (scope, cause) in down {
            if let std::collections::btree_map::Entry::Vacant(slot) =
                self.observed.downtime.entry((scope.clone(), cause))
            {
                slot.insert(at);
                self.push(at, EventKind::DowntimeStarted { scope, cause });
            }
        }
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
        let statuses: Vec<_> = self
            .kubeconfigs
            .iter()
            .map(|k| (k.holder.clone(), self.evaluate_kubeconfig(k, at)))
            .collect();
        for (holder, status) in statuses {
            let before = self.observed.kubeconfigs.get(&holder).map(|(e, _)| *e);
            match (before, status) {
                (None, None) => {}
                (Some(_), None) => {
                    self.observed.kubeconfigs.remove(&holder);
                    self.push(at, EventKind::KubeconfigRestored { holder });
                }
                (b, Some(e)) if b != Some(e) => {
                    self.observed.kubeconfigs.insert(holder.clone(), (e, at));
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
                _ => {}
            }
        }
    }

    fn observe_labels(&mut self, at: Instant) {
        let changes: Vec<_> = self
            .pools
            .iter()
            .filter(|p| {
                self.observed.labels.get(&p.name).copied().unwrap_or(false) != p.kscr_active
            })
            .map(|p| (p.name.clone(), p.kscr_active))
            .collect();
        for (pool, on) in changes {
            self.observed.labels.insert(pool.clone(), on);
            let label = on.then(|| self.policy.kscr_label.clone());
            self.push(at, EventKind::KscrLabelChanged { pool, label });
        }
    }

    fn observe_actions(&mut self, at: Instant) {
        let derived = self.derive_actions(at);
        let keys: BTreeSet<_> = derived
            .iter()
            .map(|d| (d.kind, d.subject.clone()))
            .collect();
        let gone: Vec<_> = self
            .observed
            .actions
            .keys()
            .filter(|k| !keys.contains(*k))
            .cloned()
            .collect();
        for key in gone {
            if let Some(a) = self.observed.actions.remove(&key) {
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
        for d in derived {
            let key = (d.kind, d.subject.clone());
            if let Some(old) = self.observed.actions.get(&key) {
                // Same situation, same due date: nothing new to say.
                if d.due.is_none_or(|due| due == old.due) {
                    continue;
                }
                let old = old.clone();
                self.push(
                    at,
                    EventKind::ActionResolved {
                        kind: old.kind,
                        subject: old.subject,
                        due: old.due,
                    },
                );
            }
            let action = Action {
                kind: d.kind,
                subject: d.subject,
                due: d.due.unwrap_or(at),
                reason: d.reason,
                commands: d.commands,
            };
            self.observed.actions.insert(key, action.clone());
            self.push(at, EventKind::ActionNeeded { action });
        }
    }

    fn derive_actions(&self, at: Instant) -> Vec<Derived> {
        let names = self.names();
        let mut out = Vec::new();
        let rotate_cmds = || {
            vec![
                names.rotate_certs(),
                KUBECTL_GET_NODES.to_string(),
                names.get_credentials(false),
            ]
        };
        if self.provisioning == ProvisioningState::Failed {
            out.push(Derived {
                kind: ActionKind::RerunRotateCerts,
                subject: String::new(),
                due: None,
                reason: "az aks rotate-certs failed and left the cluster in the Failed state; the documented fix is to run it again".into(),
                commands: vec![names.show_state(), names.rotate_certs()],
            });
        }
        // Certificates that only a manual rotation renews, earliest first.
        let manual = self
            .control_plane
            .iter()
            .map(|t| (t, "the control plane".to_string()))
            .chain(
                self.pools
                    .iter()
                    .filter(|p| p.count > 0)
                    .map(|p| (&p.kubelet_client, format!("node pool {}", p.name))),
            )
            .filter(|(t, _)| t.mechanism == RotationMechanism::ManualOnly)
            .filter_map(|(t, place)| t.cert.not_after.map(|na| (na, t.cert.role, place)))
            .min();
        if let Some((na, role, place)) = manual {
            let verb = if at > na { "expired" } else { "expires" };
            out.push(Derived {
                kind: ActionKind::RotateCerts,
                subject: String::new(),
                due: Some(na),
                reason: format!(
                    "the {} on {place} {verb} at {na} and only az aks rotate-certs renews it",
                    role.title()
                ),
                commands: rotate_cmds(),
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
                    subject: String::new(),
                    due: Some(due),
                    reason: "certificate autorotation is off (the cluster was created before it existed and not upgraded since); an upgrade of the control plane and node pools turns it on".into(),
                    commands: vec![names.upgrade(&self.version.to_string())],
                });
            }
        }
        let current_credential = &self.cp(CertRole::KubectlClient).cert;
        for k in &self.kubeconfigs {
            let fix = names.get_credentials(k.admin);
            match self.evaluate_kubeconfig(k, at) {
                Some(KubeconfigError::UnknownAuthority) => out.push(Derived {
                    kind: ActionKind::GetCredentials,
                    subject: k.holder.clone(),
                    due: None,
                    reason: format!("{}'s kubeconfig trusts the Cluster CA that rotate-certs replaced", k.holder),
                    commands: vec![fix, KUBECTL_GET_NODES.to_string()],
                }),
                Some(KubeconfigError::ClientCertificateExpired) if !current_credential.is_expired(at) => {
                    out.push(Derived {
                        kind: ActionKind::GetCredentials,
                        subject: k.holder.clone(),
                        due: None,
                        reason: format!("the client certificate in {}'s kubeconfig has expired; AKS hands out a valid one", k.holder),
                        commands: vec![fix, KUBECTL_GET_NODES.to_string()],
                    })
                }
                None => {
                    if let (Some(mine), Some(theirs)) = (k.credential.not_after, current_credential.not_after)
                        && mine < theirs
                    {
                        out.push(Derived {
                            kind: ActionKind::GetCredentials,
                            subject: k.holder.clone(),
                            due: Some(mine),
                            reason: format!("the client certificate in {}'s kubeconfig expires at {mine}; AKS already hands out a newer one", k.holder),
                            commands: vec![fix],
                        });
                    }
                }
                _ => {}
            }
        }
        for pool in &self.pools {
            if let Some((since, why)) = pool.stale {
                let what = match why {
                    StaleReason::AutorotationWhileStopped => {
                        "autorotation ran while the cluster was stopped, so only the control plane certificates were rotated"
                    }
                    StaleReason::RotateCertsWhileStopped => {
                        "rotate-certs ran while the cluster was stopped, so its nodes still trust the old Cluster CA"
                    }
                };
                out.push(Derived {
                    kind: ActionKind::RecreateNodePool,
                    subject: pool.name.clone(),
                    due: Some(since),
                    reason: format!(
                        "node pool {}: {what}; recreate the pool to rotate its node certificates",
                        pool.name
                    ),
                    commands: names.recreate_pool(
                        &pool.name,
                        pool.count.max(1),
                        pool.mode == PoolMode::System,
                    ),
                });
            }
            let desired = self.kscr_desired(pool, at);
            if pool.count > 0 && desired != pool.kscr_active && pool.stale.is_none() {
                let what = if desired {
                    "turns kubelet serving certificate rotation on"
                } else {
                    "applies the opt-out tag"
                };
                let retired = self.policy.kscr_opt_out_retired_from;
                // Pending since the tag changed, or since AKS stopped honouring it.
                let since = if self.policy.opts_out_of_kscr(&pool.tags) && at >= retired {
                    retired.max(pool.tags_changed)
                } else {
                    pool.tags_changed
                };
                out.push(Derived {
                    kind: ActionKind::ReimageForKscr,
                    subject: pool.name.clone(),
                    due: Some(since),
                    reason: format!("node pool {}: only a reimage {what} (node image upgrade, or scale to 0 and back)", pool.name),
                    commands: vec![names.node_image_upgrade(&pool.name), KUBECTL_KSCR_LABEL.to_string()],
                });
            }
            let retired = self.policy.kscr_opt_out_retired_from;
            if !pool.kscr_active
                && pool.kscr_enrolled
                && self.policy.opts_out_of_kscr(&pool.tags)
                && at < retired
            {
                out.push(Derived {
                    kind: ActionKind::KscrOptOutRetires,
                    subject: pool.name.clone(),
                    due: Some(retired),
                    reason: format!(
                        "node pool {}: AKS ignores the {} tag from {}; the next reimage after that turns KSCR on and the serving certificate moves from /etc/kubernetes/certs/kubeletserver.crt to /var/lib/kubelet/pki/kubelet-server-current.pem",
                        pool.name, self.policy.kscr_opt_out_tag, retired.date_string()
                    ),
                    commands: vec![KUBECTL_KSCR_LABEL.to_string()],
                });
            }
        }
        if let Some(since) = self.stopped_since {
            let due = since + self.policy.stopped_retention;
            out.push(Derived {
                kind: ActionKind::StartCluster,
                subject: String::new(),
                due: Some(due),
                reason: format!("the cluster has been stopped since {since}; AKS keeps a stopped cluster's state for up to 12 months"),
                commands: vec![names.start()],
            });
        }
        out
    }
}
