//! Kubelet serving certificate rotation (KSCR): "Supported on Kubernetes version 1.27 and
//! above"; "Not supported when the node pool is using a node pool snapshot based on any
//! node image older than 202501.12.0"; "You can't manually enable this feature"; on by
//! default for new ≥ 1.27 pools and at an existing pool's first upgrade to ≥ 1.27; nodes
//! labelled `kubernetes.azure.com/kubelet-serving-ca=cluster`; opted out by a tag that acts
//! only after a reimage; the tag retires on 2027-04-01.

use akscert_core::VecMap;

use akscert_core::NodeImageVersion;
use akscert_core::cluster::{EventKind, Operation, PoolMode};
use akscert_core::inventory::{Issuer, RotationMechanism};
use akscert_tests::{Sim, pool, spec, upgrade};

const TAG: &str = "aks-disable-kubelet-serving-certificate-rotation";

fn opt_out(value: &str) -> VecMap<String, String> {
    VecMap::from([(TAG.to_string(), value.to_string())])
}

fn labels(s: &Sim, pool: &str) -> Vec<Option<String>> {
    s.find(|k| matches!(k, EventKind::KscrLabelChanged { pool: p, .. } if p == pool))
        .map(|e| match &e.kind {
            EventKind::KscrLabelChanged { label, .. } => label.clone(),
            _ => unreachable!(),
        })
        .collect()
}

#[test]
fn new_pool_at_1_27_or_later_gets_kscr_and_the_label() {
    let s = Sim::new(spec("c", "2025-09-01T00:00:00Z", "1.29.4"));
    let p = s.pool("nodepool1");
    assert!(p.kscr_active);
    assert_eq!(
        p.kubelet_serving.cert.issuer,
        Issuer::ClusterCa { generation: 1 }
    );
    assert_eq!(
        p.kubelet_serving.mechanism,
        RotationMechanism::KubeletRenewal
    );
    assert_eq!(
        labels(&s, "nodepool1"),
        vec![Some(
            "kubernetes.azure.com/kubelet-serving-ca=cluster".to_string()
        )]
    );
}

#[test]
fn pool_below_1_27_has_no_kscr_and_a_self_signed_serving_certificate() {
    let s = Sim::new(spec("c", "2025-09-01T00:00:00Z", "1.26.10"));
    let p = s.pool("nodepool1");
    assert!(!p.kscr_active);
    assert_eq!(p.kubelet_serving.cert.issuer, Issuer::SelfSigned);
    assert!(labels(&s, "nodepool1").is_empty());
}

#[test]
fn existing_pool_gets_kscr_at_its_first_upgrade_to_1_27() {
    let mut s = Sim::new(spec("c", "2025-09-01T00:00:00Z", "1.26.10"));
    s.done("2025-10-01T00:00:00Z", upgrade("1.27.9"));
    assert!(s.pool("nodepool1").kscr_active);
}

#[test]
fn pool_already_at_1_28_before_the_rollout_gets_kscr_only_at_its_next_upgrade() {
    // "enabled by default on existing node pools when they perform their first upgrade".
    let mut s = Sim::new(spec("c", "2024-06-01T00:00:00Z", "1.28.5"));
    assert!(
        !s.pool("nodepool1").kscr_active,
        "KSCR reached all public regions in August 2025"
    );
    s.wait("2025-12-01T00:00:00Z");
    assert!(
        !s.pool("nodepool1").kscr_active,
        "it cannot be enabled by hand or by waiting"
    );
    s.done("2025-12-01T00:00:00Z", upgrade("1.29.9"));
    assert!(s.pool("nodepool1").kscr_active);
}

#[test]
fn snapshot_older_than_202501_12_0_blocks_kscr_and_a_newer_one_does_not() {
    for (snapshot, expected) in [
        ("AKSUbuntu-2204gen2containerd-202412.20.0", false),
        ("AKSUbuntu-2204gen2containerd-202501.12.0", true),
        ("AKSUbuntu-2204gen2containerd-202503.05.0", true),
    ] {
        let mut sp = spec("c", "2025-09-01T00:00:00Z", "1.30.5");
        sp.node_pools[0].snapshot = Some(NodeImageVersion::parse(snapshot).unwrap());
        assert_eq!(
            Sim::new(sp).pool("nodepool1").kscr_active,
            expected,
            "{snapshot}"
        );
    }
}

#[test]
fn opt_out_tag_acts_only_after_a_node_image_upgrade() {
    let mut s = Sim::new(spec("c", "2025-09-01T00:00:00Z", "1.30.5"));
    s.done(
        "2026-01-10T00:00:00Z",
        Operation::SetTags {
            pool: "nodepool1".into(),
            tags: opt_out("true"),
        },
    );
    assert!(
        s.pool("nodepool1").kscr_active,
        "a tag alone changes nothing on the nodes"
    );
    s.done(
        "2026-01-11T00:00:00Z",
        Operation::NodeImageUpgrade {
            pool: Some("nodepool1".into()),
            node_image: None,
        },
    );
    let p = s.pool("nodepool1");
    assert!(!p.kscr_active);
    assert_eq!(
        p.kubelet_serving.cert.issuer,
        Issuer::SelfSigned,
        "AgentBaker writes a self-signed 20-year certificate"
    );
    assert_eq!(
        labels(&s, "nodepool1").last(),
        Some(&None),
        "the label is removed"
    );
}

#[test]
fn opt_out_tag_acts_after_scaling_to_zero_and_back() {
    let mut sp = spec("c", "2025-09-01T00:00:00Z", "1.30.5");
    sp.node_pools.push(pool("user", PoolMode::User, 2));
    let mut s = Sim::new(sp);
    s.done(
        "2026-01-10T00:00:00Z",
        Operation::SetTags {
            pool: "user".into(),
            tags: opt_out("True"),
        },
    );
    s.done(
        "2026-01-11T00:00:00Z",
        Operation::Scale {
            pool: "user".into(),
            count: 0,
        },
    );
    assert!(s.pool("user").kscr_active, "no nodes were provisioned yet");
    s.done(
        "2026-01-12T00:00:00Z",
        Operation::Scale {
            pool: "user".into(),
            count: 2,
        },
    );
    assert!(
        !s.pool("user").kscr_active,
        "tag value matched case-insensitively"
    );
}

#[test]
fn opt_out_tag_with_value_false_keeps_kscr() {
    let mut s = Sim::new(spec("c", "2025-09-01T00:00:00Z", "1.30.5"));
    s.done(
        "2026-01-10T00:00:00Z",
        Operation::SetTags {
            pool: "nodepool1".into(),
            tags: opt_out("false"),
        },
    );
    s.done(
        "2026-01-11T00:00:00Z",
        Operation::NodeImageUpgrade {
            pool: None,
            node_image: None,
        },
    );
    assert!(s.pool("nodepool1").kscr_active);
}

#[test]
fn opt_out_tag_is_ignored_from_april_2027_at_the_next_reimage() {
    let mut s = Sim::new(spec("c", "2025-09-01T00:00:00Z", "1.30.5"));
    s.done(
        "2026-01-10T00:00:00Z",
        Operation::SetTags {
            pool: "nodepool1".into(),
            tags: opt_out("true"),
        },
    );
    s.done(
        "2026-01-11T00:00:00Z",
        Operation::NodeImageUpgrade {
            pool: None,
            node_image: None,
        },
    );
    assert!(!s.pool("nodepool1").kscr_active);
    s.wait("2027-04-01T00:00:00Z");
    let action = s
        .cluster
        .open_actions()
        .find(|a| a.kind == akscert_core::cluster::ActionKind::ReimageForKscr)
        .expect("a reimage is now pending");
    assert_eq!(action.due, akscert_tests::at("2027-04-01"));
    s.done(
        "2027-04-02T00:00:00Z",
        Operation::NodeImageUpgrade {
            pool: None,
            node_image: None,
        },
    );
    assert!(s.pool("nodepool1").kscr_active);
}

#[test]
fn kscr_needs_rbac() {
    let mut sp = spec("c", "2025-09-01T00:00:00Z", "1.30.5");
    sp.rbac = false;
    assert!(!Sim::new(sp).pool("nodepool1").kscr_active);
}

#[test]
fn moving_a_snapshot_pool_to_a_current_image_turns_kscr_on() {
    let mut sp = spec("c", "2025-09-01T00:00:00Z", "1.30.5");
    sp.node_pools[0].snapshot = Some(NodeImageVersion::parse("202411.01.0").unwrap());
    let mut s = Sim::new(sp);
    assert!(!s.pool("nodepool1").kscr_active);
    s.done(
        "2025-10-01T00:00:00Z",
        Operation::NodeImageUpgrade {
            pool: Some("nodepool1".into()),
            node_image: Some(
                NodeImageVersion::parse("AKSUbuntu-2204gen2containerd-202509.20.0").unwrap(),
            ),
        },
    );
    assert!(s.pool("nodepool1").kscr_active);
}
