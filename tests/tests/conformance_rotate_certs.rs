//! Manual `az aks rotate-certs`: every certificate, CA and SA rotated; all agent nodes
//! recreated; up to 30 minutes of downtime; "Certificate Rotating" while it runs; a failed
//! run leaves the cluster failed and is fixed by rerunning; afterwards old kubeconfigs fail
//! with `x509: certificate signed by unknown authority` until `get-credentials
//! --overwrite-existing`.

use akscert_core::cluster::{
    ActionKind, DowntimeCause, EventKind, KubeconfigError, Operation, OperationKind,
    ProvisioningState, Rejection, StaleReason,
};
use akscert_core::inventory::{CertRole, Issuer};
use akscert_core::time::Duration;
use akscert_tests::{Sim, at, get_credentials, rotate, spec, upgrade};

const UNKNOWN_AUTHORITY: &str = "Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification error\" while trying to verify candidate authority certificate \"ca\")";

fn rotated() -> Sim {
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    s.done("2023-02-01T01:00:00Z", get_credentials("alice", false));
    s.done("2024-01-10T09:00:00Z", rotate(true, 25));
    s
}

#[test]
fn rotate_certs_shows_rotating_cluster_certificates_then_succeeded() {
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    s.op("2024-01-10T09:00:00Z", rotate(true, 25)).unwrap();
    assert_eq!(
        s.cluster.provisioning_state(),
        ProvisioningState::RotatingClusterCertificates
    );
    s.wait("2024-01-10T09:25:00Z");
    assert_eq!(s.cluster.provisioning_state(), ProvisioningState::Succeeded);
}

#[test]
fn rotate_certs_replaces_every_certificate_ca_and_sa_key_and_recreates_nodes() {
    let before = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    let s = rotated();
    assert_eq!(s.cluster.ca_generation(), 2);
    for (old, new) in before
        .cluster
        .control_plane()
        .iter()
        .zip(s.cluster.control_plane())
    {
        assert_ne!(old.cert.serial, new.cert.serial, "{}", old.cert.role);
    }
    let p = s.pool("nodepool1");
    assert_eq!(
        p.kubelet_client.cert.issuer,
        Issuer::ClusterCa { generation: 2 }
    );
    assert_eq!(p.trusted_ca_generation, 2);
    assert!(
        s.find(|k| matches!(
            k,
            EventKind::CertificateIssued {
                role: CertRole::ServiceAccountSigningKey,
                ..
            }
        ))
        .count()
            == 2
    );
}

#[test]
fn rotate_certs_downtime_covers_control_plane_and_every_pool_and_stays_within_30_minutes() {
    let s = rotated();
    let ends: Vec<_> = s
        .find(|k| {
            matches!(
                k,
                EventKind::DowntimeEnded {
                    cause: DowntimeCause::RotateCerts,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(ends.len(), 2, "control plane and nodepool1");
    for e in ends {
        let EventKind::DowntimeEnded { duration, .. } = e.kind else {
            unreachable!()
        };
        assert_eq!(duration, Duration::minutes(25));
    }
    // A longer request is clamped to the documented bound.
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    s.op("2024-01-10T09:00:00Z", rotate(true, 300)).unwrap();
    let t = s.cluster.poll_timeout().unwrap();
    assert_eq!(t.at, at("2024-01-10T09:30:00Z"));
}

#[test]
fn old_kubeconfigs_fail_with_unknown_authority_and_get_credentials_overwrite_existing_fixes_them() {
    let mut s = rotated();
    let broken = s
        .find(|k| matches!(k, EventKind::KubeconfigBroken { .. }))
        .next()
        .unwrap();
    let EventKind::KubeconfigBroken {
        holder,
        error,
        kubectl,
    } = &broken.kind
    else {
        unreachable!()
    };
    assert_eq!(
        (holder.as_str(), *error),
        ("alice", KubeconfigError::UnknownAuthority)
    );
    assert_eq!(kubectl, UNKNOWN_AUTHORITY);
    let action = s
        .cluster
        .open_actions()
        .find(|a| a.kind == ActionKind::GetCredentials)
        .unwrap();
    assert_eq!(
        action.commands[0],
        "az aks get-credentials --resource-group rg-aks1 --name aks1 --overwrite-existing"
    );
    s.done("2024-01-11T00:00:00Z", get_credentials("alice", true));
    assert_eq!(s.cluster.kubeconfig_error("alice"), None);
    assert!(
        s.find(|k| matches!(k, EventKind::KubeconfigRestored { .. }))
            .next()
            .is_some()
    );
}

#[test]
fn get_credentials_without_overwrite_existing_is_refused_with_azure_cli_wording() {
    let mut s = rotated();
    let err = s
        .op("2024-01-11T00:00:00Z", get_credentials("alice", false))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "A different object named aks1 already exists in clusters in your kubeconfig file."
    );
    // A first fetch, or an identical one, needs no flag.
    s.op("2024-01-11T00:00:00Z", get_credentials("bob", false))
        .unwrap();
    s.op("2024-01-11T00:01:00Z", get_credentials("bob", false))
        .unwrap();
}

#[test]
fn operations_during_rotation_are_refused_with_aks_wording() {
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    s.op("2024-01-10T09:00:00Z", rotate(true, 25)).unwrap();
    for op in [rotate(true, 10), upgrade("1.26.3"), Operation::Stop] {
        let err = s.op("2024-01-10T09:10:00Z", op).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Operation is not allowed: Another operation (RotatingClusterCertificates) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details"
        );
        assert!(err.aks_wording());
    }
}

#[test]
fn failed_rotation_leaves_cluster_failed_and_a_rerun_fixes_it() {
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    s.done("2024-01-10T09:00:00Z", rotate(false, 20));
    assert_eq!(s.cluster.provisioning_state(), ProvisioningState::Failed);
    assert_eq!(s.cluster.ca_generation(), 1);
    assert!(matches!(
        s.op("2024-01-10T10:00:00Z", upgrade("1.26.3")),
        Err(Rejection::ClusterFailed { .. })
    ));
    let rerun = s
        .cluster
        .open_actions()
        .find(|a| a.kind == ActionKind::RerunRotateCerts)
        .unwrap();
    assert!(
        rerun
            .commands
            .contains(&"az aks rotate-certs --resource-group rg-aks1 --name aks1".to_string())
    );
    s.done("2024-01-10T11:00:00Z", rotate(true, 20));
    assert_eq!(s.cluster.provisioning_state(), ProvisioningState::Succeeded);
    assert_eq!(s.cluster.ca_generation(), 2);
}

#[test]
fn rotate_certs_on_a_stopped_cluster_is_refused_before_april_2023() {
    let mut s = Sim::new(spec("aks1", "2022-06-01T00:00:00Z", "1.23.5"));
    s.done("2022-07-01T00:00:00Z", Operation::Stop);
    let err = s.op("2023-01-01T00:00:00Z", rotate(true, 20)).unwrap_err();
    assert_eq!(err, Rejection::RotateCertsWhileStopped);
    assert_eq!(
        err.to_string(),
        "Certificate rotation is not supported for stopped AKS clusters."
    );
}

#[test]
fn rotate_certs_on_a_stopped_cluster_after_the_fix_leaves_nodes_on_the_old_ca_until_recreated() {
    let mut s = Sim::new(spec("aks1", "2022-06-01T00:00:00Z", "1.23.5"));
    s.done("2022-07-01T00:00:00Z", Operation::Stop);
    s.done("2023-06-01T00:00:00Z", rotate(true, 20));
    assert_eq!(
        s.pool("nodepool1").stale.map(|(_, r)| r),
        Some(StaleReason::RotateCertsWhileStopped)
    );
    s.done("2023-06-02T00:00:00Z", Operation::Start);
    assert!(
        s.find(|k| matches!(
            k,
            EventKind::DowntimeStarted {
                cause: DowntimeCause::StaleCa,
                ..
            }
        ))
        .next()
        .is_some(),
        "nodes trusting the old CA cannot join"
    );
    s.done(
        "2023-06-03T00:00:00Z",
        Operation::RecreateNodePool {
            pool: "nodepool1".into(),
        },
    );
    assert!(
        s.find(|k| matches!(
            k,
            EventKind::DowntimeEnded {
                cause: DowntimeCause::StaleCa,
                ..
            }
        ))
        .next()
        .is_some()
    );
}

#[test]
fn stopped_cluster_accepts_only_start() {
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    s.done("2023-03-01T00:00:00Z", Operation::Stop);
    let err = s.op("2023-03-02T00:00:00Z", upgrade("1.26.3")).unwrap_err();
    assert_eq!(
        err,
        Rejection::ClusterStopped {
            operation: OperationKind::Upgrade
        }
    );
    assert_eq!(
        s.op("2023-03-02T00:00:00Z", Operation::Stop).unwrap_err(),
        Rejection::AlreadyStopped
    );
    s.op("2023-03-03T00:00:00Z", Operation::Start).unwrap();
}

#[test]
fn upgrade_is_refused_once_certificates_have_expired() {
    // Azure/AKS#2184: the upgrade-vs-rotate deadlock; rotation is the way out.
    let mut s = Sim::new(spec("aks1", "2021-01-01T00:00:00Z", "1.18.14"));
    let err = s.op("2023-02-01T00:00:00Z", upgrade("1.19.7")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Current Certificates are expired, please rotate certificate. See https://docs.microsoft.com/en-us/azure/aks/certificate-rotation"
    );
    s.done("2023-02-01T01:00:00Z", rotate(true, 30));
    s.done("2023-02-02T00:00:00Z", upgrade("1.19.7"));
    assert_eq!(s.cluster.kubernetes_version(), akscert_tests::v("1.19.7"));
}

#[test]
fn expired_client_certificate_in_a_kubeconfig_gets_unauthorized() {
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    s.done("2023-02-01T00:00:00Z", get_credentials("ci", false));
    s.wait("2025-02-02T00:00:00Z");
    assert_eq!(
        s.cluster.kubeconfig_error("ci"),
        Some(KubeconfigError::ClientCertificateExpired)
    );
    let e = s
        .find(|k| matches!(k, EventKind::KubeconfigBroken { .. }))
        .next()
        .unwrap();
    let EventKind::KubeconfigBroken { kubectl, .. } = &e.kind else {
        unreachable!()
    };
    assert_eq!(
        kubectl,
        "error: You must be logged in to the server (Unauthorized)"
    );
    assert_eq!(
        e.at,
        at("2025-01-31T00:00:01Z"),
        "730 days after issuance, plus one second"
    );
}

#[test]
fn time_going_backwards_is_the_callers_error_not_a_rejection() {
    let mut s = Sim::new(spec("aks1", "2023-02-01T00:00:00Z", "1.25.5"));
    let err = s
        .cluster
        .handle_operation(at("2020-01-01T00:00:00Z"), Operation::Stop)
        .unwrap_err();
    assert_eq!(err.now, at("2020-01-01T00:00:00Z"));
    assert_eq!(err.last, at("2023-02-01T00:00:00Z"));
    assert!(
        s.cluster
            .handle_timeout(at("2022-01-01T00:00:00Z"))
            .is_err()
    );
    // The machine is unchanged and goes on from where it was.
    s.op("2023-03-01T00:00:00Z", Operation::Stop)
        .expect("a stop is accepted");
}
