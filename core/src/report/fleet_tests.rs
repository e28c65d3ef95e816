//! The fleet view: due kinds, urgency, order, verdict, and `fleetReport` end to end.

use serde_json::json;

use super::*;
use crate::report::CertificateDue as C;

fn t(s: &str) -> Instant {
    Instant::parse(s).expect("test instant")
}

fn item(due: &str, kind: DueKind) -> DueItem {
    DueItem {
        due: t(due),
        kind,
        subject: String::new(),
        reason: String::new(),
        commands: Vec::new(),
    }
}

#[test]
fn a_due_kind_is_one_camel_case_name_and_reads_back() {
    for (kind, name) in [
        (DueKind::Action(ActionKind::RotateCerts), "rotateCerts"),
        (DueKind::Action(ActionKind::StartCluster), "startCluster"),
        (DueKind::Certificate(C::Expired), "expired"),
        (
            DueKind::Certificate(C::KubeconfigBroken),
            "kubeconfigBroken",
        ),
    ] {
        let json = serde_json::to_string(&kind).expect("serialises");
        assert_eq!(json, format!("\"{name}\""));
        assert_eq!(kind.name(), name);
        let back: DueKind = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, kind);
    }
}

#[test]
fn urgency_follows_the_earliest_due_date_and_the_window() {
    let now = t("2026-01-01");
    let warn = Duration::days(30);
    let rotate = DueKind::Action(ActionKind::RotateCerts);
    assert_eq!(urgency(&[], false, now, warn), Urgency::Ok);
    assert_eq!(
        urgency(&[item("2025-12-31", rotate)], false, now, warn),
        Urgency::Overdue
    );
    assert_eq!(
        urgency(&[item("2026-01-31", rotate)], false, now, warn),
        Urgency::Due
    );
    assert_eq!(
        urgency(&[item("2026-02-01", rotate)], false, now, warn),
        Urgency::Later
    );
    assert_eq!(
        urgency(&[item("2026-02-01", rotate)], true, now, warn),
        Urgency::Error
    );
}

#[test]
fn rows_sort_most_urgent_first_and_the_verdict_is_the_worst() {
    let row = |index: usize, name: &str, urgency: Urgency, due: Option<&str>| FleetRow {
        index,
        name: name.into(),
        resource_group: "rg".into(),
        urgency,
        next_due: due.map(t),
        items: Vec::new(),
        error: None,
        notes: Vec::new(),
    };
    let mut rows = vec![
        row(0, "ok", Urgency::Ok, None),
        row(1, "later", Urgency::Later, Some("2027-01-01")),
        row(2, "due-b", Urgency::Due, Some("2026-01-10")),
        row(3, "due-a", Urgency::Due, Some("2026-01-10")),
        row(4, "soonest", Urgency::Due, Some("2026-01-05")),
        row(5, "overdue", Urgency::Overdue, Some("2025-06-01")),
    ];
    assert_eq!(Verdict::of(&rows), Verdict::Due);
    sort_rows(&mut rows);
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["overdue", "soonest", "due-a", "due-b", "later", "ok"]
    );
    assert_eq!(Verdict::of(&rows[4..]), Verdict::Clear);
    rows.push(row(6, "broken", Urgency::Error, None));
    assert_eq!(Verdict::of(&rows).code(), 2);
}

/// A cluster as `az aks list -o json` prints it.
fn az(name: &str, created: Option<&str>) -> Value {
    let mut c = json!({
        "name": name,
        "resourceGroup": "rg",
        "kubernetesVersion": "1.29.7",
        "powerState": { "code": "Running" },
        "agentPoolProfiles": [{ "name": "system", "mode": "System", "count": 3 }]
    });
    if let Some(at) = created {
        c["systemData"] = json!({ "createdAt": at });
    }
    c
}

#[test]
fn fleet_report_reports_every_cluster_in_one_call_most_urgent_first() {
    let input = json!([
        az("fresh", Some("2026-06-01T00:00:00Z")),
        az("undated", None),
        // Created before autorotation, never upgraded: its certificates expire in 2022.
        az("legacy", Some("2020-03-01T00:00:00Z")),
    ]);
    let req = FleetReportRequest {
        input: Some(input),
        assume: AksAssumptions::default(),
        clusters: Vec::new(),
        now: t("2026-11-28"),
        warn_within: Duration::days(30),
        policy: Policy::default(),
    };
    let doc = fleet_report(&req).expect("an az list");
    let order: Vec<(&str, Urgency)> = doc
        .clusters
        .iter()
        .map(|e| (e.row.name.as_str(), e.row.urgency))
        .collect();
    assert_eq!(order[0], ("undated", Urgency::Error));
    assert_eq!(order[1].0, "legacy");
    assert_eq!(order[1].1, Urgency::Overdue);
    assert_eq!(order[2].0, "fresh");
    assert_eq!(doc.counts.clusters, 3);
    assert_eq!(doc.counts.errors, 1);
    assert_eq!(doc.verdict, Verdict::Error);
    let undated = &doc.clusters[0];
    assert!(undated.report.is_none());
    assert_eq!(
        undated.row.error.as_ref().map(|e| e.kind.name()),
        Some("missingCreationDate")
    );
    assert!(doc.clusters[1].report.is_some());
    // The document reads back as itself, through the API as well.
    let json = serde_json::to_string(&doc).expect("serialises");
    let back: FleetReport = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, doc);
    let via_api = crate::api::call(
        "fleetReport",
        &serde_json::to_string(&req).expect("serialises"),
    );
    if cfg!(feature = "tool-output") {
        assert_eq!(via_api.expect("fleetReport"), json);
    } else {
        // The calculator's configuration: `az` JSON is the full module's.
        assert_eq!(via_api.map_err(|e| e.kind()), Err("unavailableOperation"));
    }
}

#[test]
fn fleet_report_refuses_input_that_is_no_az_output() {
    let req = FleetReportRequest {
        input: Some(json!({ "kind": "Scenario", "clusters": [] })),
        assume: AksAssumptions::default(),
        clusters: Vec::new(),
        now: t("2026-11-28"),
        warn_within: Duration::days(30),
        policy: Policy::default(),
    };
    assert!(fleet_report(&req).is_err());
}
