//! The machine's timers: the next deadline and why ([`Cluster::poll_timeout`]), time
//! moving forward to it, and what each deadline does when it fires — a long-running
//! operation completing, autorotation, a kubelet renewing its certificate, an expiry
//! reported, the KSCR opt-out retiring.

use serde::Serialize;

use super::*;

/// A deadline, by index (pools and kubeconfigs are only ever appended or replaced in
/// place, so indices are stable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Due {
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

/// The caller drove a cluster with an instant before one it had already seen: a bug of
/// the program driving the machine (its clock must not run backwards), not one of AKS's
/// refusals — those are [`Rejection`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("time went backwards: {now} is before {last}, the last instant this cluster saw")]
pub struct TimeWentBackwards {
    /// The instant passed in.
    pub now: Instant,
    /// The latest instant seen before.
    pub last: Instant,
}

impl Cluster {
    pub(super) fn advance_to(&mut self, now: Instant) -> Result<(), TimeWentBackwards> {
        if now < self.now {
            return Err(TimeWentBackwards {
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

    /// The public form of a deadline.
    pub(super) fn next_timer(&self) -> Option<Timer> {
        let (at, due) = self.next_due()?;
        let reason = match due {
            Due::Operation => TimerReason::OperationCompletes {
                operation: self.life.in_flight().map_or("", |f| f.op.name()),
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
    pub(super) fn cached_next_due(&self) -> Option<(Instant, Due)> {
        if let Some(next) = self.next.get() {
            return next;
        }
        let next = self.next_due();
        self.next.set(Some(next));
        next
    }

    /// The earliest deadline, as a cheap index-based key (this runs at every step).
    pub(super) fn next_due(&self) -> Option<(Instant, Due)> {
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
        if let Some(f) = self.life.in_flight() {
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

    pub(super) fn fire(&mut self, at: Instant, due: Due) {
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
            Due::Credential(i) => {
                // The observation after this step sees every credential expired at `at`
                // (it asks the clock, not this flag), so one step stands for all that
                // expire this second: a step per holder would each look at all n holders.
                let expires = self.kubeconfigs[i].credential.not_after;
                for k in &mut self.kubeconfigs {
                    if k.credential.not_after == expires {
                        k.credential_expiry_reported = true;
                    }
                }
            }
        }
    }

    pub(super) fn report_expiry(&mut self, at: Instant, role: CertRole, scope: &Scope) {
        let running = self.life.is_running();
        let (t, in_use) = match scope {
            Scope::ControlPlane => {
                let i = CONTROL_PLANE_ROLES
                    .iter()
                    .position(|r| *r == role)
                    .unwrap_or(0);
                (&mut self.control_plane[i], true)
            }
            Scope::NodePool(name) => {
                let Some(pool) = self
                    .scope_pool_index(name)
                    .and_then(|i| self.pools.get_mut(i))
                else {
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
    pub(super) fn autorotate(&mut self, at: Instant) {
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
        if !self.life.is_running() && !self.policy.stopped_autorotation_includes_nodes {
            // Seed: "If the cluster is in a stopped state during certificate autorotation,
            // only the control plane certificates are rotated."
            for i in 0..self.pools.len() {
                self.mark_stale(at, i, StaleReason::AutorotationWhileStopped);
            }
        } else {
            self.refresh_copies(false);
        }
    }

    pub(super) fn kubelet_renew(&mut self, at: Instant, i: usize, role: CertRole) {
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
