//! What must hold after every step.

use std::collections::BTreeMap;

use akscert_core::cluster::{
    DowntimeCause, EventKind, KubeconfigError, Operation, OperationKind, PowerState, Rejection,
};
use akscert_core::inventory::{CertRole, RotationMechanism};

use crate::reference::Outcome;
use crate::sut::Harness;

fn kind(r: &Rejection) -> String {
    serde_json::to_value(r).expect("rejections serialise")["kind"]
        .as_str()
        .expect("a kind")
        .to_string()
}

/// The machine's answer is one the reference allows; where the reference defers to
/// certificates, the machine's reason is checked against its own certificates.
pub fn outcome_is_allowed(
    h: &Harness,
    op: &Operation,
    result: &Result<(), Rejection>,
    allowed: &[Outcome],
) {
    let got = match result {
        Ok(()) => Outcome::Accept,
        Err(r) => {
            let k = kind(r);
            match allowed
                .iter()
                .find(|o| matches!(o, Outcome::Reject(a) if *a == k))
            {
                Some(o) => o.clone(),
                None => panic!(
                    "{} refused with {k} ({r}); the reference allows {allowed:?}",
                    op.name()
                ),
            }
        }
    };
    assert!(
        allowed.contains(&got),
        "{}: got {got:?}, the reference allows {allowed:?}",
        op.name()
    );
    let now = h.clock.now();
    if let Err(Rejection::CertificatesExpired) = result {
        let cp = h.cluster.control_plane();
        assert!(
            cp.iter()
                .filter(|t| matches!(t.cert.role, CertRole::ClusterCa | CertRole::ApiServer))
                .any(|t| t.cert.is_expired(now)),
            "CertificatesExpired although nothing has expired"
        );
    }
    if let (Err(Rejection::KubeconfigConflict { .. }), Operation::GetCredentials { holder, .. }) =
        (result, op)
    {
        let k = h
            .cluster
            .kubeconfigs()
            .iter()
            .find(|k| &k.holder == holder)
            .expect("held");
        let current = h
            .cluster
            .control_plane()
            .iter()
            .find(|t| t.cert.role == CertRole::KubectlClient)
            .expect("the control plane has a kubectl credential");
        assert!(
            k.ca_generation != h.cluster.ca_generation()
                || k.credential.serial != current.cert.serial,
            "a conflict is claimed for an identical kubeconfig"
        );
    }
}

/// Provisioning and power state, versions and pools match the reference.
pub fn states_agree(h: &Harness) {
    let r = &h.reference;
    let c = &h.cluster;
    assert_eq!(
        c.provisioning_state().is_terminal(),
        r.pending.is_none(),
        "busy at {}",
        h.clock.now()
    );
    if r.pending.is_none() {
        assert_eq!(
            c.provisioning_state() == akscert_core::cluster::ProvisioningState::Failed,
            r.failed
        );
    }
    assert_eq!(c.power_state() == PowerState::Running, r.running);
    assert_eq!(c.kubernetes_version(), r.version);
    let pools: BTreeMap<_, _> = c
        .node_pools()
        .iter()
        .map(|p| (p.name.clone(), (p.count, p.version)))
        .collect();
    let expected: BTreeMap<_, _> = r
        .pools
        .iter()
        .map(|(n, p)| (n.clone(), (p.count, p.version)))
        .collect();
    assert_eq!(pools, expected);
}

/// "With autorotation on and the cluster running, no in-use non-CA certificate ever
/// expires": AKS-autorotated control plane certificates, and kubelet-renewed certificates
/// on running nodes that can reach the API server.
pub fn autorotation_keeps_in_use_certificates_valid(h: &Harness) {
    let c = &h.cluster;
    let now = h.clock.now();
    let ca_valid = !c.control_plane()[0].cert.is_expired(now);
    if !ca_valid {
        return;
    }
    if c.autorotation_enabled() {
        for t in c.control_plane() {
            if t.mechanism == RotationMechanism::Autorotation {
                assert!(
                    !t.cert.is_expired(now),
                    "{} expired at {now} with autorotation on",
                    t.cert.role
                );
            }
        }
    }
    if c.power_state() == PowerState::Running {
        for p in c.node_pools() {
            let reachable = p.trusted_ca_generation == c.ca_generation();
            for t in p.own_certs() {
                if p.is_active() && reachable && t.mechanism == RotationMechanism::KubeletRenewal {
                    assert!(
                        !t.cert.is_expired(now),
                        "{} on {} expired at {now}",
                        t.cert.role,
                        p.name
                    );
                }
            }
        }
    }
}

/// After a rotation, every kubeconfig that trusts the old CA fails with the unknown
/// authority error, and only those.
pub fn kubeconfigs_fail_with_unknown_authority_iff_they_trust_an_old_ca(h: &Harness) {
    for k in h.cluster.kubeconfigs() {
        let unknown =
            h.cluster.kubeconfig_error(&k.holder) == Some(KubeconfigError::UnknownAuthority);
        assert_eq!(
            unknown,
            k.ca_generation != h.cluster.ca_generation(),
            "{}",
            k.holder
        );
    }
}

/// A freshly fetched kubeconfig works, unless the API server's certificate or the
/// credential AKS hands out has itself expired.
pub fn fresh_kubeconfig_works(h: &Harness, holder: &str) {
    let now = h.clock.now();
    let cp = h.cluster.control_plane();
    let expired = cp
        .iter()
        .filter(|t| matches!(t.cert.role, CertRole::ApiServer | CertRole::KubectlClient))
        .any(|t| t.cert.is_expired(now));
    if !expired {
        assert_eq!(
            h.cluster.kubeconfig_error(holder),
            None,
            "{holder} just fetched credentials"
        );
    }
}

/// "Node certificates of a pool stopped during autorotation stay stale until it is
/// recreated": staleness ends only with a recreation or a rotate-certs that recreates
/// the nodes.
pub fn stale_pools_stay_stale_until_recreated(h: &Harness, before: &BTreeMap<String, bool>) {
    for p in h.cluster.node_pools() {
        if before.get(&p.name) == Some(&true) && p.stale.is_none() {
            let recreated = h.events.iter().any(|e| {
                matches!(&e.kind, EventKind::OperationCompleted { operation, succeeded: true }
                    if matches!(operation, OperationKind::RecreateNodePool | OperationKind::RotateCerts))
            });
            assert!(
                recreated,
                "pool {} stopped being stale without being recreated",
                p.name
            );
        }
    }
}

/// rotate-certs downtime never exceeds the policy's bound.
pub fn rotation_downtime_within_bound(h: &Harness) {
    let bound = h.cluster.policy().rotate_certs_max_downtime;
    for e in &h.events {
        if let EventKind::DowntimeEnded {
            cause: DowntimeCause::RotateCerts,
            duration,
            ..
        } = &e.kind
        {
            assert!(*duration <= bound, "{duration} > {bound}");
        }
    }
}

/// Events come in time order and never from the future.
pub fn events_are_ordered_and_not_in_the_future(h: &Harness) {
    let now = h.clock.now();
    assert!(h.events.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(h.events.iter().all(|e| e.at <= now));
}
