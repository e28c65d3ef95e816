//! Autorotation: "For any AKS clusters created or upgraded after March 2022, AKS
//! automatically rotates non-CA certificates on both the control plane and agent nodes
//! within 80% of the client certificate valid time ... with no downtime", unless TLS
//! bootstrapping is disabled; a stopped cluster gets its control plane rotated only.

use akscert_core::cluster::{DowntimeCause, EventKind, KubeconfigError, Operation, StaleReason};
use akscert_core::inventory::{CertRole, RotationMechanism};
use akscert_core::time::Duration;
use akscert_tests::{Sim, at, get_credentials, spec, upgrade};

#[test]
fn cluster_created_after_march_2022_autorotates_at_80_percent_without_downtime() {
    let mut s = Sim::new(spec("c", "2022-06-01T00:00:00Z", "1.23.5"));
    assert!(s.cluster.autorotation_enabled());
    let first = s.cp(CertRole::ApiServer).clone();
    assert_eq!(first.mechanism, RotationMechanism::Autorotation);
    let life = first.cert.not_after.unwrap().since(first.cert.not_before);
    let expected = first.cert.not_before + life.mul_f64(0.8);
    assert_eq!(first.renew_at, Some(expected));
    s.wait("2024-06-01T00:00:00Z");
    let second = s.cp(CertRole::ApiServer);
    assert_ne!(second.cert.serial, first.cert.serial);
    assert_eq!(second.cert.not_before, expected - Duration::minutes(10));
    assert!(
        s.find(|k| matches!(k, EventKind::DowntimeStarted { .. }))
            .next()
            .is_none()
    );
    assert!(
        s.find(|k| matches!(k, EventKind::CertificateExpired { in_use: true, .. }))
            .next()
            .is_none()
    );
}

#[test]
fn cluster_created_in_2021_and_never_upgraded_has_no_autorotation_and_goes_down_after_two_years() {
    let mut s = Sim::new(spec("c", "2021-03-01T10:00:00Z", "1.19.7"));
    s.done("2021-03-02T00:00:00Z", get_credentials("alice", true));
    assert!(!s.cluster.autorotation_enabled());
    assert_eq!(
        s.cp(CertRole::ApiServer).mechanism,
        RotationMechanism::ManualOnly
    );
    s.wait("2023-03-02T00:00:00Z");
    let down = s
        .find(|k| {
            matches!(
                k,
                EventKind::DowntimeStarted {
                    cause: DowntimeCause::CertificateExpired,
                    ..
                }
            )
        })
        .next()
        .expect("outage when the API server certificate expires");
    assert_eq!(down.at, at("2023-03-01T10:00:01Z"));
    let broken = s
        .find(|k| matches!(k, EventKind::KubeconfigBroken { .. }))
        .next()
        .unwrap();
    let EventKind::KubeconfigBroken { kubectl, error, .. } = &broken.kind else {
        unreachable!()
    };
    assert_eq!(*error, KubeconfigError::ServerCertificateExpired);
    assert_eq!(
        kubectl,
        "Unable to connect to the server: x509: certificate has expired or is not yet valid: current time 2023-03-01T10:00:01Z is after 2023-03-01T10:00:00Z"
    );
}

#[test]
fn cluster_created_in_2021_upgraded_after_march_2022_gets_autorotation() {
    let mut s = Sim::new(spec("c", "2021-03-01T10:00:00Z", "1.19.7"));
    s.done("2022-05-10T02:00:00Z", upgrade("1.22.6"));
    assert!(s.cluster.autorotation_enabled());
    assert!(
        s.pool("nodepool1").tls_bootstrap,
        "the node pool was upgraded too"
    );
    assert_eq!(
        s.cp(CertRole::ApiServer).mechanism,
        RotationMechanism::Autorotation
    );
    s.wait("2031-01-01T00:00:00Z");
    assert!(
        s.find(|k| matches!(k, EventKind::CertificateExpired { in_use: true, .. }))
            .next()
            .is_none()
    );
}

#[test]
fn upgrade_during_march_2022_is_not_after_march_by_default_but_the_cutoff_is_policy() {
    let mut s = Sim::new(spec("c", "2021-03-01T10:00:00Z", "1.19.7"));
    s.done("2022-03-15T00:00:00Z", upgrade("1.21.9"));
    assert!(
        !s.cluster.autorotation_enabled(),
        "conservative reading of 'after March 2022'"
    );
    let policy = akscert_core::Policy {
        autorotation_after: at("2022-03-01"),
        ..Default::default()
    };
    let mut s = Sim::with_policy(spec("c", "2021-03-01T10:00:00Z", "1.19.7"), policy);
    s.done("2022-03-15T00:00:00Z", upgrade("1.21.9"));
    assert!(s.cluster.autorotation_enabled());
}

#[test]
fn control_plane_only_upgrade_leaves_node_pools_without_tls_bootstrap_renewal() {
    // "You need to upgrade the control plane and node pool to enable this feature."
    let mut s = Sim::new(spec("c", "2021-03-01T10:00:00Z", "1.19.7"));
    s.done(
        "2022-05-10T02:00:00Z",
        Operation::Upgrade {
            kubernetes_version: Some(akscert_tests::v("1.22.6")),
            control_plane_only: true,
        },
    );
    assert!(s.cluster.autorotation_enabled());
    let pool = s.pool("nodepool1");
    assert!(!pool.tls_bootstrap);
    assert_eq!(pool.kubelet_client.mechanism, RotationMechanism::ManualOnly);
}

#[test]
fn disabling_tls_bootstrap_disables_autorotation() {
    let mut sp = spec("c", "2023-01-01T00:00:00Z", "1.25.5");
    sp.tls_bootstrap = false;
    let s = Sim::new(sp);
    assert!(!s.cluster.autorotation_enabled());
    assert_eq!(
        s.pool("nodepool1").kubelet_client.mechanism,
        RotationMechanism::ManualOnly
    );
    assert_eq!(
        s.pool("nodepool1")
            .kubelet_client
            .cert
            .not_after
            .unwrap()
            .since(at("2023-01-01")),
        Duration::days(730),
        "a static client certificate from AKS"
    );
}

#[test]
fn autorotation_requires_rbac_by_default() {
    let mut sp = spec("c", "2023-01-01T00:00:00Z", "1.25.5");
    sp.rbac = false;
    assert!(!Sim::new(sp.clone()).cluster.autorotation_enabled());
    let policy = akscert_core::Policy {
        autorotation_requires_rbac: false,
        ..Default::default()
    };
    assert!(Sim::with_policy(sp, policy).cluster.autorotation_enabled());
}

#[test]
fn kubelet_renews_its_client_certificate_between_70_and_90_percent() {
    for seed in 0..200u64 {
        let cluster = akscert_core::Cluster::create(
            spec("c", "2023-01-01T00:00:00Z", "1.25.5"),
            std::sync::Arc::new(akscert_core::Policy::default()),
            seed,
        )
        .unwrap();
        let t = &cluster.node_pools()[0].kubelet_client;
        let (nb, na) = (t.cert.not_before, t.cert.not_after.unwrap());
        let life = na.since(nb);
        let renew = t.renew_at.unwrap();
        assert!(
            renew >= nb + life.mul_f64(0.7) && renew < nb + life.mul_f64(0.9),
            "seed {seed}"
        );
        assert_eq!(
            t.renew_window,
            Some((nb + life.mul_f64(0.7), nb + life.mul_f64(0.9)))
        );
    }
}

#[test]
fn stopped_cluster_during_autorotation_rotates_control_plane_only_and_pool_stays_stale_until_recreated()
 {
    let mut s = Sim::new(spec("c", "2023-01-15T08:00:00Z", "1.25.5"));
    s.done("2023-06-30T18:00:00Z", Operation::Stop);
    let node_api_copy = s.pool("nodepool1").apiserver_copy.cert.serial;
    s.wait("2024-09-01T00:00:00Z");
    assert_ne!(
        s.cp(CertRole::ApiServer).cert.serial,
        node_api_copy,
        "control plane rotated"
    );
    let pool = s.pool("nodepool1");
    assert_eq!(
        pool.apiserver_copy.cert.serial, node_api_copy,
        "node certificates not rotated"
    );
    assert_eq!(
        pool.stale.map(|(_, r)| r),
        Some(StaleReason::AutorotationWhileStopped)
    );
    s.done("2025-01-10T08:00:00Z", Operation::Start);
    s.done(
        "2025-01-11T08:00:00Z",
        Operation::NodeImageUpgrade {
            pool: None,
            node_image: None,
        },
    );
    assert!(
        s.pool("nodepool1").stale.is_some(),
        "a reimage is not the documented fix"
    );
    s.done(
        "2025-01-12T08:00:00Z",
        Operation::RecreateNodePool {
            pool: "nodepool1".into(),
        },
    );
    let pool = s.pool("nodepool1");
    assert!(pool.stale.is_none());
    assert_eq!(
        pool.apiserver_copy.cert.serial,
        s.cp(CertRole::ApiServer).cert.serial
    );
}

#[test]
fn stopped_nodes_renew_an_expired_kubelet_client_certificate_on_start_without_downtime() {
    let mut s = Sim::new(spec("c", "2023-01-15T08:00:00Z", "1.25.5"));
    s.done("2023-02-01T00:00:00Z", Operation::Stop);
    s.done("2024-06-01T00:00:00Z", Operation::Start);
    let c = &s.pool("nodepool1").kubelet_client.cert;
    assert!(!c.is_expired(at("2024-06-02")));
    assert!(
        s.find(|k| matches!(k, EventKind::DowntimeStarted { .. }))
            .next()
            .is_none(),
        "TLS bootstrapping fetches a new certificate as the kubelet starts"
    );
}

#[test]
fn upgrade_after_july_2021_reissues_the_control_plane_leaves() {
    // AKS release 2021-07-15: "AKS will now rotate your intermediate certificates during
    // an upgrade operation."
    let mut s = Sim::new(spec("c", "2020-06-01T00:00:00Z", "1.17.7"));
    let before = s.cp(CertRole::ApiServer).cert.clone();
    s.done("2021-01-10T00:00:00Z", upgrade("1.18.10"));
    assert_eq!(
        s.cp(CertRole::ApiServer).cert,
        before,
        "before the change, upgrades kept them"
    );
    s.done("2021-09-10T00:00:00Z", upgrade("1.19.11"));
    let after = &s.cp(CertRole::ApiServer).cert;
    assert_ne!(after.serial, before.serial);
    assert_eq!(
        after.not_after.unwrap(),
        at("2021-09-10T00:30:00Z") + Duration::days(730)
    );
}

#[test]
fn stopped_cluster_autorotation_scope_is_a_policy_field() {
    let policy = akscert_core::Policy {
        stopped_autorotation_includes_nodes: true,
        ..Default::default()
    };
    let mut s = Sim::with_policy(spec("c", "2023-01-15T08:00:00Z", "1.25.5"), policy);
    s.done("2023-06-30T18:00:00Z", Operation::Stop);
    s.wait("2024-09-01T00:00:00Z");
    let pool = s.pool("nodepool1");
    assert!(pool.stale.is_none());
    assert_eq!(
        pool.apiserver_copy.cert.serial,
        s.cp(CertRole::ApiServer).cert.serial
    );
}

#[test]
fn every_issued_certificate_names_the_one_it_replaces() {
    let mut s = Sim::new(spec("c", "2022-06-01T00:00:00Z", "1.23.5"));
    let first = s.cp(CertRole::ApiServer).cert.serial;
    s.wait("2024-06-01T00:00:00Z");
    let renewed = s
        .find(|k| {
            matches!(
                k,
                EventKind::CertificateIssued {
                    role: CertRole::ApiServer,
                    reason: akscert_core::cluster::IssueReason::Autorotation,
                    ..
                }
            )
        })
        .next()
        .unwrap();
    let EventKind::CertificateIssued { replaces, .. } = &renewed.kind else {
        unreachable!()
    };
    assert_eq!(*replaces, Some(first));
    let created = s
        .find(|k| {
            matches!(
                k,
                EventKind::CertificateIssued {
                    role: CertRole::KubeletClient,
                    ..
                }
            )
        })
        .next()
        .unwrap();
    let EventKind::CertificateIssued { replaces, .. } = &created.kind else {
        unreachable!()
    };
    assert_eq!(
        *replaces, None,
        "a new pool's first certificate replaces nothing"
    );
}
