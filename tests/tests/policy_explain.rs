//! Every rule the model states follows the policy: with every field of `Policy`
//! overridden, the explanations, the report, the what-if and the timeline speak of the
//! overridden values and never of AKS's defaults; and each default rule value is written
//! in exactly one non-test place of core.
use akscert_core::cluster::{ActionKind, EventKind, IssueReason};
use akscert_core::engine::{self, RunOptions, Scenario};
use akscert_core::explain;
use akscert_core::inventory::{CertRole, RotationMechanism, Scope};
use akscert_core::policy::{OperationDurations, Policy};
use akscert_core::report::{self, AksFactsRequest, ClusterFacts, ReportRequest, WhatIfRequest};
use akscert_core::time::Duration;
use akscert_core::version::NodeImageVersion;
use akscert_tests::{at, v};

/// Every field set away from its default. A struct literal (no `..Default`) so that a new
/// policy field cannot be left out of this test.
fn overridden() -> Policy {
    let p = Policy {
        legacy_before: at("2019-08-01"),
        legacy_lifetime: Duration::days(3 * 365),
        legacy_backdate: Duration::minutes(1),
        ca_lifetime: Duration::days(25 * 365),
        leaf_lifetime: Duration::days(500),
        backdate: Duration::minutes(7),
        csr_backdate: Duration::minutes(2),
        kubelet_client_lifetime: Duration::days(200),
        kubelet_serving_lifetime: Duration::days(180),
        self_signed_serving_lifetime: Duration::days(10 * 365),
        autorotation_after: at("2022-06-15"),
        autorotation_fraction: 0.75,
        autorotation_requires_rbac: false,
        kubelet_renewal_min: 0.6,
        kubelet_renewal_max: 0.85,
        stopped_autorotation_includes_nodes: true,
        stale_cleared_by_reimage: true,
        kscr_min_version: v("1.28"),
        kscr_snapshot_floor: NodeImageVersion::parse("202503.01.0").expect("an image version"),
        kscr_available_from: at("2025-06-01"),
        kscr_requires_rbac: false,
        kscr_opt_out_tag: "no-kscr".into(),
        kscr_opt_out_retired_from: at("2028-01-01"),
        kscr_label: "example.com/serving=yes".into(),
        rotate_certs_max_downtime: Duration::minutes(45),
        rotate_certs_on_stopped_from: None,
        upgrade_rotates_leaves_from: at("2021-09-01"),
        stopped_retention: Duration::days(180),
        durations: OperationDurations {
            upgrade: Duration::minutes(40),
            node_image_upgrade: Duration::minutes(20),
            start: Duration::minutes(4),
            stop: Duration::minutes(6),
            node_pool_change: Duration::minutes(8),
        },
    };
    p.validate().expect("the override is a valid policy");
    p
}

/// What AKS's defaults would print; none of it may appear under [`overridden`].
const DEFAULT_WORDING: &[&str] = &[
    "80%",
    "70%",
    "90%",
    "March 2022",
    "2022-04-01",
    "12 months",
    "1 year",
    "30 minutes",
    "30-year",
    "20-year",
    "2-year",
    "1.27",
    "aks-disable-kubelet-serving-certificate-rotation",
    "kubelet-serving-ca",
    "2027-04-01",
    "April 1, 2027",
];

fn assert_no_default_wording(what: &str, text: &str) {
    for d in DEFAULT_WORDING {
        assert!(
            !text.contains(d),
            "{what} says `{d}` under an overridden policy:\n{text}"
        );
    }
}

fn facts(json: serde_json::Value) -> ClusterFacts {
    serde_json::from_value(json).expect("test facts")
}

/// Created before the overridden cutoff and never upgraded: nothing autorotates.
fn old_cluster() -> ClusterFacts {
    facts(serde_json::json!({
        "name": "old", "resourceGroup": "rg", "created": "2021-01-10T00:00:00Z",
        "kubernetesVersion": "1.25.6",
        "nodePools": [ { "name": "sys", "mode": "System", "count": 3 } ]
    }))
}

/// Created after the cutoff and after KSCR is available, stopped, one pool opted out.
fn new_cluster() -> ClusterFacts {
    facts(serde_json::json!({
        "name": "new", "resourceGroup": "rg", "created": "2025-07-01T00:00:00Z",
        "kubernetesVersion": "1.29.2",
        "stoppedSince": "2026-01-01T00:00:00Z",
        "nodePools": [
            { "name": "sys", "mode": "System", "count": 3 },
            { "name": "out", "mode": "User", "count": 2, "tags": { "no-kscr": "true" } }
        ]
    }))
}

fn report(facts: ClusterFacts, now: &str) -> report::ExpiryReport {
    report::expiry_report(&ReportRequest {
        now: at(now),
        warn_within: Duration::days(30),
        policy: overridden(),
        cluster: facts,
    })
    .expect("report")
}

fn why(r: &report::ExpiryReport, role: CertRole, scope: &Scope) -> String {
    r.rows
        .iter()
        .find(|row| row.role == role && &row.scope == scope)
        .map(|row| row.why.clone())
        .unwrap_or_else(|| panic!("no {role} row in {scope}"))
}

#[test]
fn the_report_of_a_cluster_without_autorotation_follows_the_policy() {
    let r = report(old_cluster(), "2022-03-01");
    let pool = Scope::NodePool("sys".into());
    assert!(why(&r, CertRole::ClusterCa, &Scope::ControlPlane).contains("25-year lifetime"));
    let api = why(&r, CertRole::ApiServer, &Scope::ControlPlane);
    assert!(api.contains("on or after 2022-06-15"), "{api}");
    let client = why(&r, CertRole::KubeletClient, &pool);
    assert!(client.contains("on or after 2022-06-15"), "{client}");
    let serving = why(&r, CertRole::KubeletServing, &pool);
    assert!(serving.contains("10-year"), "{serving}");
    assert!(serving.contains("below 1.28"), "{serving}");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("between 60% and 85% of its validity")),
        "{:?}",
        r.notes
    );
    let enable = r
        .actions
        .iter()
        .find(|a| a.kind == ActionKind::EnableAutorotation)
        .expect("autorotation is off");
    assert!(enable.reason.contains("2022-06-15"), "{}", enable.reason);
    // The API server certificate: 500 days from its 7-minute backdated notBefore.
    let row = r
        .rows
        .iter()
        .find(|row| row.role == CertRole::ApiServer && row.scope == Scope::ControlPlane)
        .expect("API server row");
    assert_eq!(row.not_before, at("2021-01-10") - Duration::minutes(7));
    assert_eq!(row.not_after, Some(at("2021-01-10") + Duration::days(500)));
    assert_no_default_wording("the report", &serde_json::to_string(&r).expect("json"));
}

#[test]
fn the_report_of_a_stopped_cluster_with_kscr_follows_the_policy() {
    let r = report(new_cluster(), "2026-02-01");
    let api = why(&r, CertRole::ApiServer, &Scope::ControlPlane);
    assert!(api.contains("at 75% of its validity"), "{api}");
    let on = why(&r, CertRole::KubeletServing, &Scope::NodePool("sys".into()));
    assert!(on.contains("labelled example.com/serving=yes"), "{on}");
    assert!(on.contains("between 60% and 85%"), "{on}");
    let out = why(&r, CertRole::KubeletServing, &Scope::NodePool("out".into()));
    assert!(out.contains("opted out by the tag no-kscr=true"), "{out}");
    let action = |kind| {
        r.actions
            .iter()
            .find(|a| a.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} in {:?}", r.actions))
    };
    let start = action(ActionKind::StartCluster);
    assert!(start.reason.contains("up to 180 days"), "{}", start.reason);
    // Stopped once the 6-minute stop completed.
    assert_eq!(
        start.due,
        at("2026-01-01") + Duration::minutes(6) + Duration::days(180)
    );
    let retires = action(ActionKind::KscrOptOutRetires);
    assert!(
        retires.reason.contains("no-kscr") && retires.reason.contains("2028-01-01"),
        "{}",
        retires.reason
    );
    assert_eq!(
        retires.commands,
        ["kubectl get nodes -L example.com/serving"]
    );
    assert_no_default_wording("the report", &serde_json::to_string(&r).expect("json"));
}

#[test]
fn the_timeline_and_the_what_if_follow_the_policy() {
    let mut scenario: Scenario = serde_json::from_value(serde_json::json!({
        "apiVersion": "akscert/v1", "kind": "Scenario", "horizon": "2027-01-01",
        "clusters": [ {
            "name": "new", "resourceGroup": "rg", "created": "2025-07-01T00:00:00Z",
            "kubernetesVersion": "1.29.2",
            "nodePools": [ { "name": "sys", "mode": "System", "count": 3 } ]
        } ]
    }))
    .expect("scenario");
    scenario.policy = overridden();
    let t = engine::simulate(&scenario, RunOptions::default()).expect("valid scenario");
    let events = t.clusters[0].events.as_ref().expect("events kept");
    let created = at("2025-07-01");
    let api_autorotated = events.iter().find_map(|e| match &e.kind {
        EventKind::CertificateIssued {
            role: CertRole::ApiServer,
            scope: Scope::ControlPlane,
            reason: IssueReason::Autorotation,
            ..
        } => Some(e.at),
        _ => None,
    });
    let nb = created - Duration::minutes(7);
    assert_eq!(
        api_autorotated,
        Some(nb.fraction_towards(created + Duration::days(500), 0.75))
    );
    let label = events.iter().find_map(|e| match &e.kind {
        EventKind::KscrLabelChanged { label, .. } => Some(label.clone()),
        _ => None,
    });
    assert_eq!(label, Some(Some("example.com/serving=yes".to_string())));
    let client = events.iter().find_map(|e| match &e.kind {
        EventKind::CertificateIssued {
            role: CertRole::KubeletClient,
            not_before,
            not_after,
            rotation,
            ..
        } => Some((*not_before, *not_after, *rotation)),
        _ => None,
    });
    assert_eq!(
        client,
        Some((
            created - Duration::minutes(2),
            Some(created + Duration::days(200)),
            RotationMechanism::KubeletRenewal
        ))
    );
    assert_no_default_wording("the timeline", &serde_json::to_string(&t).expect("json"));

    // A rotate-certs without a duration runs within the policy's bound, and the reports
    // before and after it speak of the policy.
    let w = what_if_rotate(overridden());
    assert_eq!(
        w.summary.downtime.intervals.len(),
        2,
        "{:?}",
        w.summary.downtime
    );
    for i in &w.summary.downtime.intervals {
        let d = i.to.expect("the rotation ended").since(i.from);
        assert!(d <= Duration::minutes(45), "{i:?}");
    }
    let api = why(&w.after, CertRole::ApiServer, &Scope::ControlPlane);
    assert!(api.contains("at 75% of its validity"), "{api}");
    assert_no_default_wording("the what-if", &serde_json::to_string(&w).expect("json"));
}

fn what_if_rotate(policy: Policy) -> report::WhatIf {
    report::what_if(&WhatIfRequest {
        now: at("2026-03-01"),
        warn_within: Duration::days(30),
        policy,
        seed: 1,
        cluster: facts(serde_json::json!({
            "name": "new", "resourceGroup": "rg", "created": "2025-07-01T00:00:00Z",
            "kubernetesVersion": "1.29.2",
            "nodePools": [ { "name": "sys", "mode": "System", "count": 3 } ]
        })),
        operations: vec![
            serde_json::from_value(serde_json::json!({
                "at": "2026-03-01T00:00:00Z", "op": "rotateCerts", "outcome": "succeed"
            }))
            .expect("operation"),
        ],
        horizon: None,
    })
    .expect("what-if")
}

#[test]
fn a_rotate_certs_bound_below_the_fault_models_default_still_reports() {
    // The fault model's default draws rotate-certs runs of up to 30 minutes; a policy
    // with a shorter bound must still give reports and what-ifs, within its bound.
    let policy = Policy {
        rotate_certs_max_downtime: Duration::minutes(20),
        ..Policy::default()
    };
    let w = what_if_rotate(policy);
    assert!(!w.summary.downtime.intervals.is_empty());
    for i in &w.summary.downtime.intervals {
        let d = i.to.expect("the rotation ended").since(i.from);
        assert!(d <= Duration::minutes(20), "{i:?}");
    }
}

#[test]
fn explanations_and_az_facts_follow_the_policy() {
    let p = overridden();
    assert_eq!(
        explain::rotate_certs_downtime(&p),
        "up to 45 minutes of downtime"
    );
    assert_eq!(explain::kscr_label_key(&p), "example.com/serving");
    assert!(explain::opt_out_tagged(&p, "x").contains("no-kscr=true"));
    assert!(explain::opt_out_tagged(&p, "x").contains("2028-01-01"));
    assert!(
        explain::cluster_ca(&p, at("2019-06-01"))
            .contains("3-year lifetime: issued before 2019-08-01")
    );
    assert!(explain::autorotation_hint(&p).contains("75%"));
    assert!(explain::kubelet_hint(&p).contains("between 60% and 85%"));
    // RBAC is not required under this policy, so the condition does not ask for it.
    assert!(!explain::autorotation_condition(&p).contains("RBAC"));
    let doc = report::aks_facts(&AksFactsRequest {
        input: serde_json::json!({
            "name": "c", "resourceGroup": "rg", "systemData": { "createdAt": "2022-05-01" },
            "provisioningState": "RotatingClusterCertificates",
            "kubernetesVersion": "1.26.3",
            "agentPoolProfiles": [ { "name": "sys", "count": 1 } ]
        }),
        assume: Default::default(),
        now: at("2026-01-01"),
        policy: p,
    })
    .expect("a cluster");
    let c = &doc.clusters[0];
    // Created before the overridden cutoff (2022-06-15) on ≥ 1.24: an upgrade is inferred.
    assert_eq!(
        c.facts.as_ref().and_then(|f| f.last_upgrade),
        Some(at("2022-05-03"))
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("up to 45 minutes of downtime")),
        "{:?}",
        c.notes
    );
}

/// Core's sources without comments and without `#[cfg(test)]` modules or test files.
fn core_code() -> Vec<(String, String)> {
    code_under(&["core/src"])
}

/// Each non-test source file (Rust, JS, HTML) under the workspace directories `dirs`, with
/// its comments and `#[cfg(test)]` part left out.
fn code_under(dirs: &[&str]) -> Vec<(String, String)> {
    akscert_tests::sources::files(dirs, &["rs", "js", "html"])
        .into_iter()
        // Test files hold the defaults on purpose.
        .filter(|(path, _)| !path.to_string_lossy().ends_with("tests.rs"))
        .map(|(path, text)| {
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (path.to_string_lossy().to_string(), code)
        })
        .collect()
}

#[test]
fn each_rule_value_is_written_once_in_core() {
    let code = core_code();
    assert!(code.len() > 20, "core/src was found");
    for needle in [
        "aks-disable-kubelet-serving-certificate-rotation",
        "kubernetes.azure.com/kubelet-serving-ca",
        "kubelet-serving-ca=cluster",
        "KUBELET-SERVING-CA",
        "date(2022, 4, 1)",
        "date(2027, 4, 1)",
        "0.8,",
        "Duration::days(30 * 365)",
        "Duration::days(7300)",
        "March 2022",
        "80%",
        "70%",
        "90%",
        "12 months",
        "30 minutes",
        "April 1, 2027",
        "2022, 3, 1",
    ] {
        assert_only_in_policy(&code, needle);
    }
}

/// `needle` appears in no file of `code` but core's `policy.rs`.
fn assert_only_in_policy(code: &[(String, String)], needle: &str) {
    let outside: Vec<&str> = code
        .iter()
        .filter(|(f, c)| c.contains(needle) && !f.ends_with("core/src/policy.rs"))
        .map(|(f, _)| f.as_str())
        .collect();
    assert!(
        outside.is_empty(),
        "`{needle}` is written outside core's policy.rs: {outside:?}"
    );
}

/// The tag, the label and the KSCR version floor are AKS's, so they are the policy's: the
/// CLI and the page (which print them and read `kubectl -L` columns) take them from core,
/// never restate them.
#[test]
fn tag_label_and_version_floor_are_written_only_in_the_policy() {
    let code = code_under(&["core/src", "sim/src", "wasm/src", "wasm/www"]);
    assert!(
        code.iter().any(|(f, _)| f.ends_with("calc.js")),
        "wasm/www was found"
    );
    for needle in [
        "aks-disable-kubelet-serving-certificate-rotation",
        "kubelet-serving-ca",
        "KUBELET-SERVING-CA",
        "1.27",
    ] {
        assert_only_in_policy(&code, needle);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Whatever whole percentages and spans a policy sets, the report states them.
    #[test]
    fn any_policy_is_stated_as_set(
        auto in 50u32..95,
        lo in 50u32..80,
        width in 1u32..15,
        retention in 30i64..364,
        downtime in 5i64..60,
    ) {
        let policy = Policy {
            autorotation_fraction: f64::from(auto) / 100.0,
            kubelet_renewal_min: f64::from(lo) / 100.0,
            kubelet_renewal_max: f64::from(lo + width) / 100.0,
            stopped_retention: Duration::days(retention),
            rotate_certs_max_downtime: Duration::minutes(downtime),
            ..Policy::default()
        };
        let r = report::expiry_report(&ReportRequest {
            now: at("2026-02-01"),
            warn_within: Duration::days(30),
            policy: policy.clone(),
            cluster: new_cluster(),
        })
        .expect("report");
        let api = why(&r, CertRole::ApiServer, &Scope::ControlPlane);
        let expected = format!("at {auto}% of its validity");
        proptest::prop_assert!(api.contains(&expected), "{}", api);
        let window = format!("between {lo}% and {}% of its validity", lo + width);
        proptest::prop_assert!(r.notes.iter().any(|n| n.contains(&window)), "{:?}", r.notes);
        let start = r.actions.iter().find(|a| a.kind == ActionKind::StartCluster).expect("stopped");
        let kept = format!("up to {retention} days");
        proptest::prop_assert!(start.reason.contains(&kept), "{}", start.reason);
        let bound = format!("up to {downtime} minutes of downtime");
        proptest::prop_assert_eq!(explain::rotate_certs_downtime(&policy), bound);
    }
}
