//! The expiry report and what-if, and bad input: every problem is a typed error naming
//! the field and value — never a panic.

use akscert_core::api::{self, ApiError};
use akscert_core::cluster::EventKind;
use akscert_core::engine::{Scenario, ScenarioError};
use akscert_core::inventory::{CertRole, RotationMechanism, Scope};
use akscert_core::report::{self, ClusterFacts, ReportRequest, RowStatus, WhatIfRequest};
use akscert_tests::at;

fn facts(json: &str) -> ClusterFacts {
    serde_json::from_str(json).expect("test facts parse")
}

const PRE_2022: &str = r#"{
  "name": "prod", "resourceGroup": "rg", "created": "2021-03-01T10:00:00Z",
  "kubernetesVersion": "1.19.7",
  "nodePools": [ { "name": "nodepool1", "count": 3 } ],
  "kubeconfigs": [ { "holder": "alice" } ]
}"#;

fn report_at(now: &str, facts_json: &str) -> report::ExpiryReport {
    report::expiry_report(&ReportRequest {
        now: at(now),
        warn_within: akscert_core::time::Duration::days(30),
        policy: Default::default(),
        cluster: facts(facts_json),
    })
    .expect("report")
}

#[test]
fn report_has_a_row_for_every_certificate_of_the_inventory() {
    let r = report_at("2022-01-01", PRE_2022);
    let roles: Vec<_> = r.rows.iter().map(|r| (r.role, r.scope.clone())).collect();
    for role in [
        CertRole::ClusterCa,
        CertRole::ApiServer,
        CertRole::ApiServerKubeletClient,
        CertRole::FrontProxyClient,
        CertRole::ServiceAccountSigningKey,
        CertRole::KubectlClient,
    ] {
        assert!(roles.contains(&(role, Scope::ControlPlane)), "{role}");
    }
    let pool = Scope::NodePool("nodepool1".into());
    for role in [
        CertRole::ClusterCa,
        CertRole::ApiServer,
        CertRole::KubeletClient,
        CertRole::KubeletServing,
    ] {
        assert!(roles.contains(&(role, pool.clone())), "{role} on the nodes");
    }
    let client = r
        .rows
        .iter()
        .find(|r| r.role == CertRole::KubeletClient)
        .unwrap();
    assert_eq!(
        client.path.as_deref(),
        Some("/etc/kubernetes/certs/client.crt")
    );
}

#[test]
fn report_warns_before_a_manual_only_certificate_expires_and_says_what_to_run() {
    let r = report_at("2023-02-10", PRE_2022);
    let api = r
        .rows
        .iter()
        .find(|r| r.role == CertRole::ApiServer && r.scope == Scope::ControlPlane)
        .unwrap();
    assert_eq!(api.status, RowStatus::RotationDue);
    assert_eq!(api.days_left, Some(19));
    assert_eq!(api.next_rotation.mechanism, RotationMechanism::ManualOnly);
    assert_eq!(
        api.remediation[0],
        "az aks rotate-certs --resource-group rg --name prod"
    );
    assert!(api.why.contains("autorotation is off"), "{}", api.why);
    let r = report_at("2023-03-02", PRE_2022);
    assert_eq!(r.worst, RowStatus::Expired);
    let alice = &r.kubeconfigs[0];
    assert!(
        alice
            .kubectl
            .as_deref()
            .unwrap()
            .contains("certificate has expired or is not yet valid")
    );
}

#[test]
fn report_after_an_upgrade_in_2022_shows_autorotation_points() {
    let json = PRE_2022.replace(
        r#""kubernetesVersion": "1.19.7","#,
        r#""kubernetesVersion": "1.22.6", "lastUpgrade": "2022-05-10T02:00:00Z","#,
    );
    let r = report_at("2023-01-01", &json);
    assert!(r.autorotation);
    let api = r
        .rows
        .iter()
        .find(|r| r.role == CertRole::ApiServer && r.scope == Scope::ControlPlane)
        .unwrap();
    assert_eq!(api.status, RowStatus::Ok);
    assert_eq!(api.next_rotation.mechanism, RotationMechanism::Autorotation);
    assert!(api.next_rotation.earliest.unwrap() > at("2023-01-01"));
    let kubelet = r
        .rows
        .iter()
        .find(|r| r.role == CertRole::KubeletClient)
        .unwrap();
    assert_eq!(
        kubelet.next_rotation.mechanism,
        RotationMechanism::KubeletRenewal
    );
    assert!(kubelet.estimated, "the kubelet's renewal point is random");
}

#[test]
fn report_marks_node_copies_stale_after_autorotation_while_stopped() {
    let json = r#"{
      "name": "lab", "resourceGroup": "rg", "created": "2023-01-15T08:00:00Z",
      "kubernetesVersion": "1.25.5", "stoppedSince": "2023-06-30T18:00:00Z",
      "nodePools": [ { "name": "nodepool1", "count": 1 } ]
    }"#;
    let r = report_at("2024-10-01", json);
    let copy = r
        .rows
        .iter()
        .find(|r| r.role == CertRole::ApiServer && r.scope == Scope::NodePool("nodepool1".into()))
        .unwrap();
    assert_eq!(copy.status, RowStatus::Stale);
    assert!(
        copy.remediation
            .iter()
            .any(|c| c.starts_with("az aks nodepool delete"))
    );
}

#[test]
fn what_if_rotate_now_reports_downtime_broken_kubeconfigs_and_commands() {
    let req: WhatIfRequest = serde_json::from_value(serde_json::json!({
        "now": "2024-01-10T09:00:00Z",
        "cluster": {
            "name": "prod", "resourceGroup": "rg", "created": "2023-02-01T00:00:00Z",
            "kubernetesVersion": "1.25.5",
            "nodePools": [ { "name": "nodepool1", "count": 3 } ],
            "kubeconfigs": [ { "holder": "alice" } ]
        },
        "operations": [ { "at": "2024-01-10T09:00:00Z", "op": "rotateCerts", "outcome": "succeed", "duration": "30m" } ]
    }))
    .unwrap();
    let w = report::what_if(&req).unwrap();
    assert_eq!(
        w.summary.downtime.control_plane,
        akscert_core::time::Duration::minutes(30)
    );
    assert_eq!(w.broken_kubeconfigs.len(), 1);
    assert!(
        w.broken_kubeconfigs[0]
            .kubectl
            .contains("signed by unknown authority")
    );
    assert!(w.commands.contains(
        &"az aks get-credentials --resource-group rg --name prod --overwrite-existing".to_string()
    ));
    assert_eq!(w.before.ca_generation, 1);
    assert_eq!(w.after.ca_generation, 2);
}

#[test]
fn bad_versions_and_node_images_name_the_field() {
    let err = api::call(
        "report",
        r#"{"now":"2024-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2023-01-01","kubernetesVersion":"one.two","nodePools":[]}}"#,
    )
    .unwrap_err();
    let ApiError::BadInput { path, message, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(path, "cluster.kubernetesVersion");
    assert!(
        message.contains("`one.two` is not a Kubernetes version"),
        "{message}"
    );
    let err = api::call(
        "report",
        r#"{"now":"2024-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2023-01-01","kubernetesVersion":"1.27","nodePools":[{"name":"p","nodeImage":"latest"}]}}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("cluster.nodePools[0].nodeImage"),
        "{err}"
    );
}

fn scenario(json: serde_json::Value) -> Scenario {
    serde_json::from_value(json).expect("scenario shape")
}

fn base() -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "akscert/v1", "kind": "Scenario", "horizon": "5y",
        "clusters": [{
            "name": "c", "resourceGroup": "rg", "created": "2023-01-01T00:00:00Z",
            "kubernetesVersion": "1.26.3",
            "nodePools": [ { "name": "nodepool1" } ],
            "operations": []
        }]
    })
}

#[test]
fn operations_before_creation_after_the_horizon_or_on_unknown_pools_name_their_path() {
    let mut s = base();
    s["clusters"][0]["operations"] = serde_json::json!([{ "at": "2022-01-01", "op": "stop" }]);
    let err = scenario(s).prepare().unwrap_err();
    assert!(
        matches!(&err, ScenarioError::BeforeCreation { path, .. } if path == "clusters[0].operations[0].at"),
        "{err}"
    );

    let mut s = base();
    s["clusters"][0]["operations"] = serde_json::json!([{ "at": "2040-01-01", "op": "stop" }]);
    assert!(matches!(
        scenario(s).prepare().unwrap_err(),
        ScenarioError::AfterHorizon { .. }
    ));

    let mut s = base();
    s["clusters"][0]["operations"] =
        serde_json::json!([{ "at": "2024-01-01", "op": "scale", "pool": "gpu", "count": 2 }]);
    let err = scenario(s).prepare().unwrap_err();
    assert_eq!(
        err.to_string(),
        "clusters[0].operations[0].pool: node pool `gpu` does not exist in cluster `c` at that time"
    );
}

#[test]
fn overlapping_operations_reach_the_cluster_and_are_answered_with_its_rejection() {
    let mut s = base();
    s["clusters"][0]["operations"] = serde_json::json!([
        { "at": "2024-01-01T00:00:00Z", "op": "rotateCerts", "outcome": "succeed", "duration": "20m" },
        { "at": "2024-01-01T00:10:00Z", "op": "rotateCerts", "outcome": "succeed", "duration": "20m" }
    ]);
    let t =
        akscert_core::engine::simulate(&scenario(s), akscert_core::engine::RunOptions::default())
            .expect("overlapping operations are a valid scenario");
    let events = t.clusters[0].events.as_ref().expect("events");
    let rejected: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::OperationRejected { message, .. } => Some((e.at, message.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].0, at("2024-01-01T00:10:00Z"));
    assert!(
        rejected[0].1.starts_with(
            "Operation is not allowed: Another operation (RotatingClusterCertificates) is in progress"
        ),
        "{}",
        rejected[0].1
    );
    // Only the first rotation ran: one new Cluster CA.
    let cas = events
        .iter()
        .filter(|e| {
            matches!(
                &e.kind,
                EventKind::CertificateIssued {
                    role: CertRole::ClusterCa,
                    scope: Scope::ControlPlane,
                    ..
                }
            )
        })
        .count();
    assert_eq!(cas, 2, "creation and one rotation");
}

#[test]
fn tags_azure_refuses_are_scenario_errors_naming_field_and_value() {
    for (key, forbidden) in [
        ("team/owner", true),
        ("a<b", true),
        ("50%", true),
        ("ok-key", false),
    ] {
        let mut s = base();
        s["clusters"][0]["operations"] = serde_json::json!([
            { "at": "2024-01-01", "op": "setTags", "pool": "nodepool1", "tags": { key: "x" } }
        ]);
        let sc = scenario(s);
        let r = sc.prepare();
        if forbidden {
            let err = r.expect_err(key);
            assert!(matches!(err, ScenarioError::BadTag { .. }), "{err:?}");
            assert_eq!(
                err.to_string(),
                format!(
                    "clusters[0].operations[0].tags: tag `{key}`: Azure tag names cannot contain any of < > % & \\ ? /"
                )
            );
        } else {
            r.expect("a valid tag");
        }
    }
    // A huge name is quoted only in part.
    let mut s = base();
    let long = "k".repeat(600);
    s["clusters"][0]["nodePools"][0]["tags"] = serde_json::json!({ long: "v" });
    let err = scenario(s).prepare().unwrap_err().to_string();
    assert!(
        err.starts_with("clusters[0].nodePools[0].tags: tag `kkk"),
        "{err}"
    );
    assert!(err.len() < 200, "{err}");
}

#[test]
fn negative_absurd_and_malformed_durations_are_refused() {
    let mut s = base();
    s["horizon"] = serde_json::json!("-5y");
    assert!(serde_json::from_value::<Scenario>(s).is_err());
    let mut s = base();
    s["horizon"] = serde_json::json!("5000y");
    assert!(matches!(
        scenario(s).prepare().unwrap_err(),
        ScenarioError::Horizon { .. }
    ));
    let mut s = base();
    s["faults"] = serde_json::json!({ "rotateCertsDuration": { "min": "10m", "max": "2h" } });
    assert!(matches!(
        scenario(s).prepare().unwrap_err(),
        ScenarioError::Fault {
            field: "rotateCertsDuration",
            ..
        }
    ));
    let mut s = base();
    s["policy"] = serde_json::json!({ "leafLifetime": "0s" });
    assert!(matches!(
        scenario(s).prepare().unwrap_err(),
        ScenarioError::Policy(_)
    ));
    let err = api::call(
        "simulate",
        r#"{"apiVersion":"akscert/v1","kind":"Scenario","horizon":"3 months","clusters":[]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("horizon"), "{err}");
}

#[test]
fn unknown_fields_wrong_header_and_bad_names_are_refused() {
    let mut s = base();
    s["clusters"][0]["colour"] = serde_json::json!("blue");
    let err = api::call("simulate", &s.to_string()).unwrap_err();
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    let mut s = base();
    s["apiVersion"] = serde_json::json!("akscert/v9");
    assert!(
        api::call("simulate", &s.to_string())
            .unwrap_err()
            .to_string()
            .contains("expected `akscert/v1`")
    );
    let mut s = base();
    s["clusters"][0]["name"] = serde_json::json!("prod; rm -rf /");
    assert!(
        api::call("simulate", &s.to_string())
            .unwrap_err()
            .to_string()
            .contains("is not a valid name")
    );
}

#[test]
fn a_runaway_policy_is_stopped_with_an_error_not_a_hang() {
    let mut s = base();
    s["policy"] =
        serde_json::json!({ "kubeletClientLifetime": "1m", "backdate": "0s", "csrBackdate": "0s" });
    s["horizon"] = serde_json::json!("20y");
    let t = akscert_core::engine::simulate(
        &scenario(s),
        akscert_core::engine::RunOptions {
            include_events: false,
            include_certificates: false,
            leave_out_resolved_by: None,
            max_events_per_cluster: 100_000,
        },
    )
    .unwrap();
    let err = t.clusters[0].error.as_ref().expect("budget exceeded");
    assert_eq!(
        err.kind,
        akscert_core::engine::FailureKind::EventBudgetExceeded
    );
    assert_eq!(t.summary.failed_clusters, 1);
}

#[test]
fn garbage_and_trailing_input_are_typed_errors() {
    for input in ["", "{", "null", "[]", "{}   x", "\u{0}\u{1}"] {
        let err = api::call("simulate", input).unwrap_err();
        assert_eq!(err.kind(), "badInput", "{input:?}: {err}");
    }
}

#[test]
fn rejections_serialise_every_field_in_camel_case() {
    let r = akscert_core::Rejection::NodePoolAboveControlPlane {
        pool: "p".into(),
        requested: akscert_tests::v("1.30"),
        control_plane: akscert_tests::v("1.29"),
    };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["kind"], "nodePoolAboveControlPlane");
    assert_eq!(v["controlPlane"], "1.29");
    assert!(v.get("control_plane").is_none());
}
