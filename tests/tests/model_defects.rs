//! Model defects a user hits, each pinned by the behaviour the user expects.

use akscert_core::cluster::{ActionKind, DowntimeCause, EventKind};
use akscert_core::engine::ScheduledOperation;
use akscert_core::inventory::{CertRole, RotationMechanism, Scope};
use akscert_core::report::{
    self, ClusterFacts, ExpiryReport, ReportRequest, WhatIf, WhatIfRequest,
};
use akscert_core::time::Duration;
use akscert_tests::at;

fn facts(json: serde_json::Value) -> ClusterFacts {
    serde_json::from_value(json).expect("test facts")
}

fn ops(json: serde_json::Value) -> Vec<ScheduledOperation> {
    serde_json::from_value(json).expect("test operations")
}

/// Created in 2021 and never rotated: its certificates expired in 2023.
fn expired_cluster() -> ClusterFacts {
    facts(serde_json::json!({
        "name": "prod", "resourceGroup": "rg", "created": "2021-03-01T10:00:00Z",
        "kubernetesVersion": "1.19.7",
        "nodePools": [ { "name": "nodepool1", "count": 3 } ],
        "kubeconfigs": [ { "holder": "alice" } ]
    }))
}

fn what_if(cluster: ClusterFacts, now: &str, operations: Vec<ScheduledOperation>) -> WhatIf {
    report::what_if(&WhatIfRequest {
        now: at(now),
        warn_within: Duration::days(30),
        policy: Default::default(),
        seed: 1,
        cluster,
        operations,
        horizon: None,
    })
    .expect("what-if")
}

fn report_at(cluster: ClusterFacts, now: &str) -> ExpiryReport {
    report::expiry_report(&ReportRequest {
        now: at(now),
        warn_within: Duration::days(30),
        policy: Default::default(),
        cluster,
    })
    .expect("report")
}

#[test]
fn what_if_of_a_cluster_already_down_shows_the_outage_broken_kubeconfigs_and_commands() {
    let w = what_if(expired_cluster(), "2026-12-01", Vec::new());
    let now = at("2026-12-01");
    let cp = w
        .summary
        .downtime
        .intervals
        .iter()
        .find(|i| i.scope == Scope::ControlPlane)
        .expect("the control plane is down now");
    assert_eq!(
        (cp.cause, cp.from, cp.to),
        (DowntimeCause::CertificateExpired, now, None)
    );
    assert_eq!(w.summary.downtime.control_plane, w.horizon.since(now));
    assert!(w.summary.downtime.node_pools.contains_key("nodepool1"));
    assert_eq!(w.broken_kubeconfigs.len(), 1, "{:?}", w.broken_kubeconfigs);
    assert_eq!(w.broken_kubeconfigs[0].holder, "alice");
    assert!(
        w.broken_kubeconfigs[0]
            .kubectl
            .contains("certificate has expired")
    );
    assert!(
        w.summary
            .actions
            .iter()
            .any(|a| a.kind == ActionKind::RotateCerts),
        "{:?}",
        w.summary.actions
    );
    assert_eq!(
        w.commands[..1],
        ["az aks rotate-certs --resource-group rg --name prod".to_string()]
    );
    assert!(
        w.commands.contains(
            &"az aks get-credentials --resource-group rg --name prod --overwrite-existing"
                .to_string()
        ),
        "{:?}",
        w.commands
    );
}

#[test]
fn what_if_stop_of_a_cluster_already_down_counts_the_downtime_before_the_stop() {
    let w = what_if(
        expired_cluster(),
        "2026-12-01",
        ops(serde_json::json!([
            { "at": "2026-12-02T00:00:00Z", "op": "stop" },
            { "at": "2027-03-01T00:00:00Z", "op": "start" }
        ])),
    );
    let before_stop =
        w.summary.downtime.intervals.iter().find(|i| {
            i.scope == Scope::ControlPlane && i.from == at("2026-12-01") && i.to.is_some()
        });
    let i = before_stop.expect("the outage from now until the cluster stops");
    assert_eq!(i.to, Some(at("2026-12-02") + Duration::minutes(5)));
    assert!(!w.broken_kubeconfigs.is_empty());
}

/// Autorotation ran on 2024-08-07 while the cluster was stopped: its pools are stale.
fn stale_cluster(pools: serde_json::Value) -> ClusterFacts {
    facts(serde_json::json!({
        "name": "lab", "resourceGroup": "rg", "created": "2023-01-01T00:00:00Z",
        "kubernetesVersion": "1.26.3", "stoppedSince": "2024-06-01T00:00:00Z",
        "nodePools": pools
    }))
}

fn recreate_commands(r: &ExpiryReport, pool: &str) -> Vec<String> {
    r.actions
        .iter()
        .find(|a| a.kind == ActionKind::RecreateNodePool && a.subject == pool)
        .unwrap_or_else(|| panic!("no recreate action for {pool}: {:?}", r.actions))
        .commands
        .clone()
}

#[test]
fn recreating_the_last_system_pool_adds_a_new_system_pool_before_deleting_it() {
    let r = report_at(
        stale_cluster(serde_json::json!([
            { "name": "systempool", "mode": "System", "count": 3 },
            { "name": "apps", "mode": "User", "count": 2 }
        ])),
        "2025-01-01",
    );
    let expected = [
        "az aks nodepool add --resource-group rg --cluster-name lab --name systempool2 --node-count 3 --mode System",
        "az aks nodepool delete --resource-group rg --cluster-name lab --name systempool",
    ];
    assert_eq!(recreate_commands(&r, "systempool"), expected);
    let row = r
        .rows
        .iter()
        .find(|row| row.scope == Scope::NodePool("systempool".into()))
        .expect("a row of the pool");
    assert_eq!(row.remediation, expected);
    // A User pool, or a System pool that is not the last, is deleted and added back.
    assert_eq!(
        recreate_commands(&r, "apps"),
        [
            "az aks nodepool delete --resource-group rg --cluster-name lab --name apps",
            "az aks nodepool add --resource-group rg --cluster-name lab --name apps --node-count 2",
        ]
    );
    let r = report_at(
        stale_cluster(serde_json::json!([
            { "name": "sys1", "mode": "System", "count": 3 },
            { "name": "sys2", "mode": "System", "count": 3 }
        ])),
        "2025-01-01",
    );
    assert!(recreate_commands(&r, "sys1")[0].starts_with("az aks nodepool delete"));
}

/// `report --created 2021-01-10 --kubernetes-version 1.20.7 --last-upgrade 2022-06-01
/// --pool nodepool1,version=1.19.3`: the control plane was upgraded after the cutoff, the
/// pool (older than the control plane) was not.
fn pool_behind() -> ClusterFacts {
    facts(serde_json::json!({
        "name": "prod", "resourceGroup": "rg", "created": "2021-01-10T00:00:00Z",
        "kubernetesVersion": "1.20.7", "lastUpgrade": "2022-06-01T00:00:00Z",
        "nodePools": [ { "name": "nodepool1", "mode": "System", "count": 3, "kubernetesVersion": "1.19.3" } ]
    }))
}

fn row<'a>(
    r: &'a ExpiryReport,
    role: CertRole,
    scope: &Scope,
) -> &'a akscert_core::report::ReportRow {
    r.rows
        .iter()
        .find(|row| row.role == role && &row.scope == scope)
        .unwrap_or_else(|| panic!("no {role} row in {scope}"))
}

#[test]
fn a_pool_older_than_the_control_plane_was_not_upgraded_with_it() {
    let r = report_at(pool_behind(), "2022-12-01");
    let client = row(
        &r,
        CertRole::KubeletClient,
        &Scope::NodePool("nodepool1".into()),
    );
    assert_eq!(
        client.next_rotation.mechanism,
        RotationMechanism::ManualOnly
    );
    assert_eq!(client.not_after, Some(at("2023-01-10")));
    assert!(
        client
            .why
            .contains("older Kubernetes version than the control plane"),
        "{}",
        client.why
    );
    assert!(
        r.notes.iter().any(|n| n.contains(
            "node pool nodepool1 runs Kubernetes 1.19.3, older than the control plane's 1.20.7: assumed not upgraded with it on 2022-06-01"
        )),
        "{:?}",
        r.notes
    );
    // The timeline of the same history agrees: the pool goes down when that certificate
    // expires.
    let w = what_if(pool_behind(), "2022-12-01", Vec::new());
    assert!(
        w.events.iter().any(|e| matches!(
            &e.kind,
            EventKind::DowntimeStarted { scope, cause: DowntimeCause::CertificateExpired }
                if *scope == Scope::NodePool("nodepool1".into())
        ) && e.at > at("2023-01-10")),
        "no pool outage after 2023-01-10"
    );
    // Given the pool's own upgrade after the cutoff, its kubelet bootstraps.
    let mut upgraded = pool_behind();
    upgraded.node_pools[0].last_upgrade = Some(at("2022-06-01"));
    let r = report_at(upgraded, "2022-12-01");
    let client = row(
        &r,
        CertRole::KubeletClient,
        &Scope::NodePool("nodepool1".into()),
    );
    assert_eq!(
        client.next_rotation.mechanism,
        RotationMechanism::KubeletRenewal
    );
    assert!(r.notes.iter().all(|n| !n.contains("assumed not upgraded")));
}

#[test]
fn after_a_control_plane_only_upgrade_the_actions_name_what_still_needs_doing() {
    let r = report_at(pool_behind(), "2022-12-01");
    let enable: Vec<_> = r
        .actions
        .iter()
        .filter(|a| a.kind == ActionKind::EnableAutorotation)
        .collect();
    assert_eq!(enable.len(), 1, "{enable:?}");
    assert_eq!(enable[0].subject, "nodepool1");
    assert_eq!(
        enable[0].commands,
        [
            "az aks nodepool upgrade --resource-group rg --cluster-name prod --name nodepool1 --kubernetes-version 1.20.7"
        ]
    );
    let rotate = r
        .actions
        .iter()
        .find(|a| a.kind == ActionKind::RotateCerts)
        .expect("the static kubelet client certificate needs rotate-certs");
    assert_eq!(
        rotate.reason,
        "the Kubelet client certificate on node pool nodepool1 expires at 2023-01-10T00:00:00Z and only az aks rotate-certs renews it"
    );
}

#[test]
fn tls_bootstrapping_or_rbac_off_is_the_reason_given() {
    for (field, reason) in [
        ("tlsBootstrap", "TLS bootstrapping is off on the cluster"),
        ("rbac", "Kubernetes RBAC is off on the cluster"),
    ] {
        let mut json = serde_json::json!({
            "name": "c", "resourceGroup": "rg", "created": "2023-05-01T00:00:00Z",
            "kubernetesVersion": "1.26.3",
            "nodePools": [ { "name": "nodepool1", "mode": "System", "count": 3 } ]
        });
        json[field] = serde_json::json!(false);
        let r = report_at(facts(json), "2024-01-01");
        for (role, scope) in [
            (CertRole::KubeletClient, Scope::NodePool("nodepool1".into())),
            (CertRole::ApiServer, Scope::ControlPlane),
        ] {
            let why = &row(&r, role, &scope).why;
            assert!(why.contains(reason), "{field}: {why}");
            assert!(!why.contains("upgraded"), "{field}: {why}");
        }
    }
}

fn what_if_err(json: serde_json::Value) -> report::ReportError {
    let mut req = serde_json::json!({
        "now": "2026-12-01T00:00:00Z",
        "cluster": {
            "name": "prod", "resourceGroup": "rg", "created": "2024-03-01T10:00:00Z",
            "kubernetesVersion": "1.29.2",
            "nodePools": [ { "name": "nodepool1", "mode": "System", "count": 3 } ]
        }
    });
    for (k, v) in json.as_object().expect("an object") {
        req[k] = v.clone();
    }
    let req: WhatIfRequest = serde_json::from_value(req).expect("request shape");
    report::what_if(&req).expect_err("refused")
}

#[test]
fn what_if_inputs_out_of_range_are_typed_errors_naming_the_field() {
    use akscert_core::report::ReportError;
    // "Stop the cluster for -3 months": the start comes before now.
    let e = what_if_err(serde_json::json!({ "operations": [
        { "at": "2026-12-01T00:00:00Z", "op": "stop" },
        { "at": "2026-09-01T00:00:00Z", "op": "start" }
    ] }));
    assert!(
        matches!(&e, ReportError::OperationBeforeNow { field, .. } if field == "operations[1].at"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "operations[1].at: 2026-09-01T00:00:00Z is before now (2026-12-01T00:00:00Z)"
    );
    // Through the API (what the page and npm users get), a what-if's own values are a bad
    // request, not bad cluster facts.
    let json = serde_json::json!({
        "now": "2026-12-01T00:00:00Z",
        "cluster": {
            "name": "prod", "resourceGroup": "rg", "created": "2024-03-01T10:00:00Z",
            "kubernetesVersion": "1.29.2",
            "nodePools": [ { "name": "nodepool1", "mode": "System", "count": 3 } ]
        },
        "operations": [ { "at": "2026-09-01T00:00:00Z", "op": "start" } ]
    });
    let err = akscert_core::api::call("whatIf", &json.to_string()).expect_err("refused");
    assert_eq!(err.kind(), "invalidRequest", "{err}");
    // "Stop the cluster for 240 months".
    let e = what_if_err(serde_json::json!({ "operations": [
        { "at": "2026-12-01T00:00:00Z", "op": "stop" },
        { "at": "2046-12-01T00:00:00Z", "op": "start" }
    ] }));
    assert!(
        matches!(&e, ReportError::OperationTooLate { field, .. } if field == "operations[1].at"),
        "{e:?}"
    );
    let e = what_if_err(serde_json::json!({ "operations": [
        { "at": "2026-12-01T00:00:00Z", "op": "setTags", "pool": "nodepool1", "tags": { "a/b": "true" } }
    ] }));
    assert_eq!(
        e.to_string(),
        "operations[0].tags: tag `a/b`: Azure tag names cannot contain any of < > % & \\ ? /"
    );
    let e = what_if_err(serde_json::json!({ "operations": [
        { "at": "2026-12-01T00:00:00Z", "op": "rotateCerts", "duration": "3h" }
    ] }));
    assert!(
        e.to_string()
            .starts_with("operations[0].duration: duration 3h"),
        "{e}"
    );
    let e = what_if_err(serde_json::json!({ "warnWithin": "20y" }));
    assert!(matches!(e, ReportError::WarnWithin { .. }), "{e:?}");
    let e = what_if_err(serde_json::json!({ "horizon": "2020-01-01" }));
    assert!(matches!(e, ReportError::Horizon { .. }), "{e:?}");
    // 24 months, the page's maximum, is fine.
    let w = report::what_if(
        &serde_json::from_value(serde_json::json!({
            "now": "2026-12-01T00:00:00Z",
            "cluster": {
                "name": "prod", "resourceGroup": "rg", "created": "2024-03-01T10:00:00Z",
                "kubernetesVersion": "1.29.2",
                "nodePools": [ { "name": "nodepool1", "mode": "System", "count": 3 } ]
            },
            "operations": [
                { "at": "2026-12-01T00:00:00Z", "op": "stop" },
                { "at": "2028-12-01T00:00:00Z", "op": "start" }
            ]
        }))
        .expect("request"),
    );
    assert!(w.is_ok(), "{w:?}");
}

/// A fact dated after `now`, or before the cluster was created, is refused with its
/// place in the facts — on every face, for reports and what-ifs alike. The replay used to
/// move a later date to `now` silently, take an earlier one, or (a pool created after
/// `now`) say the cluster had no node pools.
#[test]
fn a_fact_dated_outside_creation_and_now_is_refused_naming_the_field() {
    use akscert_core::report::{DateBound, ReportError};
    let now = "2026-01-15T00:00:00Z";
    let base = serde_json::json!({
        "name": "c", "resourceGroup": "rg", "created": "2021-05-10T12:00:00Z",
        "kubernetesVersion": "1.27.3",
        "nodePools": [ { "name": "system", "mode": "System", "count": 3 } ],
        "kubeconfigs": [ { "holder": "alice" } ]
    });
    let cases = [
        ("/lastUpgrade", "2027-01-01T00:00:00Z", "lastUpgrade", true),
        (
            "/lastRotation",
            "2020-01-01T00:00:00Z",
            "lastRotation",
            false,
        ),
        (
            "/stoppedSince",
            "2026-02-01T00:00:00Z",
            "stoppedSince",
            true,
        ),
        (
            "/nodePools/0/created",
            "2027-01-01T00:00:00Z",
            "nodePools[0].created",
            true,
        ),
        (
            "/nodePools/0/lastUpgrade",
            "2021-05-10T11:59:59Z",
            "nodePools[0].lastUpgrade",
            false,
        ),
        (
            "/nodePools/0/lastReimage",
            "2026-01-15T00:00:01Z",
            "nodePools[0].lastReimage",
            true,
        ),
        (
            "/kubeconfigs/0/fetched",
            "2030-01-01T00:00:00Z",
            "kubeconfigs[0].fetched",
            true,
        ),
    ];
    for (pointer, date, field, after_now) in cases {
        let mut json = base.clone();
        let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
        json.pointer_mut(parent)
            .and_then(|v| v.as_object_mut())
            .expect("an object")
            .insert(key.into(), serde_json::Value::String(date.into()));
        let req = ReportRequest {
            now: at(now),
            warn_within: Duration::days(30),
            policy: Default::default(),
            cluster: facts(json.clone()),
        };
        let e = report::expiry_report(&req).expect_err(field);
        let bound = if after_now {
            DateBound::AfterNow(at(now))
        } else {
            DateBound::BeforeCreation(at("2021-05-10T12:00:00Z"))
        };
        assert_eq!(
            e,
            ReportError::FactDate {
                field: field.into(),
                date: at(date),
                bound
            }
        );
        let relation = if after_now {
            format!("after now ({now})")
        } else {
            "before the cluster was created (2021-05-10T12:00:00Z)".into()
        };
        assert_eq!(
            e.to_string(),
            format!("cluster facts: {field}: {date} is {relation}")
        );
        // Through the JSON API, for a what-if too: invalid cluster facts.
        for (op, extra) in [
            ("report", serde_json::json!({})),
            ("whatIf", serde_json::json!({ "operations": [] })),
        ] {
            let mut request = serde_json::json!({ "now": now, "cluster": json });
            if let (Some(r), Some(x)) = (request.as_object_mut(), extra.as_object()) {
                r.extend(x.clone());
            }
            let err = akscert_core::api::call(op, &request.to_string()).expect_err(op);
            assert_eq!(err.kind(), "invalidClusterFacts", "{op}");
            assert_eq!(err.to_string(), e.to_string(), "{op}");
        }
    }
    // The ends themselves are facts like any other: created and now are allowed.
    let mut json = base.clone();
    json["lastUpgrade"] = serde_json::Value::String("2021-05-10T12:00:00Z".into());
    json["nodePools"][0]["lastReimage"] = serde_json::Value::String(now.into());
    let req = ReportRequest {
        now: at(now),
        warn_within: Duration::days(30),
        policy: Default::default(),
        cluster: facts(json),
    };
    assert!(report::expiry_report(&req).is_ok());
}
