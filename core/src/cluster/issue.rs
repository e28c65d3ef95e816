//! Issuing certificates: which signer and lifetime a role gets, the new certificate's
//! serial and dates, and the renewal plan it starts with.

use super::*;

/// How a certificate is signed and how long it lasts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
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
    /// Issue a certificate of `role` in `scope`, signed by the current CA generation.
    pub(super) fn issue(
        &mut self,
        role: CertRole,
        scope: Scope,
        at: Instant,
        reason: IssueReason,
    ) -> Tracked {
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
    pub(super) fn current(&self, role: CertRole, scope: &Scope) -> Option<&Tracked> {
        let t = match scope {
            Scope::ControlPlane => {
                let i = CONTROL_PLANE_ROLES.iter().position(|r| *r == role)?;
                self.control_plane.get(i)?
            }
            Scope::NodePool(name) => {
                let pool = self.pools.get(self.scope_pool_index(name)?)?;
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

    pub(super) fn kind_for(&self, role: CertRole, scope: &Scope) -> Kind {
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

    pub(super) fn pool_by_scope(&self, scope: &Scope) -> Option<&NodePool> {
        match scope {
            Scope::ControlPlane => None,
            Scope::NodePool(name) => self.pools.get(self.scope_pool_index(name)?),
        }
    }

    /// The index of the pool a scope's `name` names. Every scope the model builds shares
    /// its pool's own name (`NodePool::scope`), so the pointers are compared first, and the
    /// bytes only for a name from elsewhere: in the module, `==` on equal-length names is a
    /// call to a byte-by-byte `memcmp`, and these lookups run at every step of every pool.
    pub(super) fn scope_pool_index(&self, name: &Arc<str>) -> Option<usize> {
        self.pools
            .iter()
            .position(|p| matches!(&p.scope, Scope::NodePool(own) if Arc::ptr_eq(own, name)))
            .or_else(|| self.pool_index(name))
    }

    /// Decide what renews `t` next and when (drawing the kubelet's jitter).
    pub(super) fn plan(&mut self, t: &mut Tracked, issued_at: Instant) {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{ClusterSpec, NodePoolSpec};

    fn pool(name: &str) -> NodePoolSpec {
        NodePoolSpec {
            name: name.into(),
            mode: None,
            os: Default::default(),
            count: 1,
            kubernetes_version: None,
            node_image: None,
            snapshot: None,
            tags: Default::default(),
        }
    }

    /// A scope finds its pool whether it shares the pool's own name (the model's scopes)
    /// or carries an equal name of its own (a scope built from input): equal-length names
    /// that differ only at the end are told apart either way.
    #[test]
    fn a_scope_finds_its_pool_by_shared_or_equal_name() {
        let spec = ClusterSpec {
            name: "prod".into(),
            resource_group: "rg".into(),
            created: Instant::parse("2024-03-01").unwrap(),
            kubernetes_version: KubernetesVersion::parse("1.29.2").unwrap(),
            rbac: true,
            tls_bootstrap: true,
            node_pools: vec![pool("pool1"), pool("pool2")],
        };
        let c = Cluster::create(spec, Arc::new(Policy::default()), 7).unwrap();
        for (i, p) in c.pools.iter().enumerate() {
            assert_eq!(
                c.scope_pool_index(match &p.scope {
                    Scope::NodePool(n) => n,
                    Scope::ControlPlane => unreachable!(),
                }),
                Some(i)
            );
            let copy: Arc<str> = Arc::from(p.name.as_str());
            assert_eq!(c.scope_pool_index(&copy), Some(i));
            let found = c.pool_by_scope(&Scope::NodePool(copy)).map(|q| &q.name);
            assert_eq!(found, Some(&p.name));
        }
        assert_eq!(c.scope_pool_index(&Arc::from("pool3")), None);
        assert!(c.pool_by_scope(&Scope::ControlPlane).is_none());
    }
}
