//! The event budget: a cluster whose fault model generates more work than the budget
//! fails on its own, quickly, and the rest of the fleet finishes. The tests whose fault
//! models generate operations need core's `simulate` feature (see [`FaultModel::GENERATES`]).

use super::*;

/// Two clusters under a stop every 21 minutes (for 10) until `horizon`: `busy`, created
/// in 2024, and `late`, created a day before the horizon.
#[cfg(feature = "simulate")]
fn frequent_stops(horizon: &str) -> Scenario {
    let late = Instant::parse(horizon).unwrap_or(Instant::MAX) - Duration::days(1);
    serde_json::from_value(serde_json::json!({
        "apiVersion": "akscert/v1", "kind": "Scenario", "horizon": horizon,
        "faults": { "stops": { "every": "21m", "for": "10m" } },
        "clusters": [
            { "name": "busy", "resourceGroup": "rg", "created": "2024-01-01T00:00:00Z",
              "kubernetesVersion": "1.29.0", "nodePools": [ { "name": "nodepool1" } ] },
            { "name": "late", "resourceGroup": "rg", "created": late.to_string(),
              "kubernetesVersion": "1.29.0", "nodePools": [ { "name": "nodepool1" } ] }
        ]
    }))
    .expect("scenario shape")
}

#[cfg(feature = "simulate")]
#[test]
fn frequent_stops_over_centuries_fail_that_cluster_on_its_budget_and_the_rest_finish() {
    // 999 years of 21-minute cycles is 25 million stops: before the fix generating them
    // alone took minutes (each checked against all earlier ones).
    let s = frequent_stops("3022-12-01");
    let options = RunOptions {
        include_events: false,
        include_certificates: false,
        leave_out_resolved_by: None,
        max_events_per_cluster: 50_000,
    };
    let prepared = s.prepare().expect("valid");
    // The work counter: operations generated for the busy cluster stop at the budget.
    let mut rng = SplitMix64::new(1);
    let ops = faults::operations(
        prepared.scenario,
        &prepared.scenario.clusters[0],
        prepared.horizon,
        &mut rng,
        options.max_events_per_cluster,
    );
    // (A stop and its start are generated together, so one past the cap at most.)
    let n = ops.len() as u64;
    let limit = options.max_events_per_cluster;
    assert!(
        n > limit && n <= limit + 2,
        "{n} operations for a budget of {limit}"
    );

    let t = simulate(&s, options).expect("valid");
    let busy = t.clusters[0].error.as_ref().expect("busy is over budget");
    assert_eq!(busy.kind, FailureKind::EventBudgetExceeded);
    assert!(
        busy.message.starts_with("more than 50000 events"),
        "{busy:?}"
    );
    assert!(t.clusters[0].summary.is_none());
    let late = t.clusters[1].summary.as_ref().expect("late finishes");
    assert!(late.events > 100, "a day of stops: {late:?}");
    assert_eq!(t.summary.failed_clusters, 1);
}

#[cfg(feature = "simulate")]
#[test]
fn a_run_over_budget_fails_the_same_way_whether_cut_short_by_generation_or_by_driving() {
    // A year of 21-minute cycles is about 25,000 stops, each several events: with a
    // budget of 1,000 the operations alone exceed it, with 100,000 only the events do.
    let s = frequent_stops("2025-01-01");
    for budget in [1_000, 100_000] {
        let t = simulate(
            &s,
            RunOptions {
                include_events: true,
                include_certificates: false,
                leave_out_resolved_by: None,
                max_events_per_cluster: budget,
            },
        )
        .expect("valid");
        let busy = t.clusters[0].error.as_ref().expect("over budget");
        assert_eq!(
            busy.kind,
            FailureKind::EventBudgetExceeded,
            "budget {budget}"
        );
        assert_eq!(
            busy.message,
            over_budget(budget).message,
            "budget {budget}: one message whichever way the run stopped"
        );
        assert!(t.clusters[0].events.is_none() && t.clusters[1].summary.is_some());
    }
}

/// Legacy and current clusters, holders, failing rotations, upgrades and stops over 15
/// years: every kind of action is raised and resolved along the way.
#[cfg(feature = "simulate")]
fn eventful_fleet() -> Scenario {
    let clusters: Vec<serde_json::Value> = (0..6)
        .map(|i| {
            serde_json::json!({
                "name": format!("c{i}"), "resourceGroup": "rg(eu)",
                "created": format!("20{:02}-06-01T00:00:00Z", 18 + i),
                "kubernetesVersion": "1.22.0", "rbac": i % 3 != 0,
                "nodePools": [ { "name": "system", "count": 2 }, { "name": "user", "mode": "User", "count": 0 } ],
                "kubeconfigs": [ { "holder": "ops" }, { "holder": "ci", "admin": true } ]
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "apiVersion": "akscert/v1", "kind": "Scenario", "horizon": "15y", "seed": 9,
        "faults": { "upgradeEvery": "400d", "rotateCertsEvery": "500d",
                    "rotateCertsFailureProbability": 0.3,
                    "stops": { "every": "120d", "for": "20d" } },
        "clusters": clusters
    }))
    .expect("scenario shape")
}

#[cfg(feature = "simulate")]
#[test]
fn a_run_that_keeps_no_events_has_the_same_summaries() {
    let s = eventful_fleet();
    let with = simulate(&s, RunOptions::default()).expect("valid");
    let without = simulate(
        &s,
        RunOptions {
            include_events: false,
            ..RunOptions::default()
        },
    )
    .expect("valid");
    let actions: usize = with
        .clusters
        .iter()
        .filter_map(|c| c.summary.as_ref())
        .map(|s| s.actions.len())
        .sum();
    assert!(actions > 20, "the scenario raises actions: {actions}");
    for (a, b) in with.clusters.iter().zip(&without.clusters) {
        assert_eq!(a.summary, b.summary, "{}", a.name);
        assert!(b.events.is_none());
    }
    assert_eq!(with.summary, without.summary);
}

/// A holder's story does not depend on how many others hold kubeconfigs: the actions a
/// cluster raises and resolves for one holder are the same beside 40 others (more than
/// `observe` looks up by scanning, so through its sorted views) as alone (by scanning).
#[test]
fn a_holders_actions_are_the_same_among_many_holders_as_alone() {
    let cluster = |name: &str, holders: std::ops::Range<usize>| {
        let kubeconfigs: Vec<_> = holders
            .map(|i| serde_json::json!({ "holder": format!("user-{i:05}") }))
            .collect();
        serde_json::json!({ "name": name, "resourceGroup": "rg", "created": "2022-05-01",
            "kubernetesVersion": "1.23.5", "nodePools": [ { "name": "np", "count": 2 } ],
            "kubeconfigs": kubeconfigs })
    };
    let s: Scenario = serde_json::from_value(serde_json::json!({
        "apiVersion": "akscert/v1", "kind": "Scenario", "seed": 3, "horizon": "2030-01-01",
        "clusters": [ cluster("alone", 7..8), cluster("among", 0..41) ]
    }))
    .expect("scenario shape");
    let options = RunOptions {
        include_events: true,
        include_certificates: false,
        leave_out_resolved_by: None,
        max_events_per_cluster: 1_000_000,
    };
    let timeline = simulate(&s, options).expect("valid");
    let about_holder_7 = |c: &ClusterTimeline| -> Vec<String> {
        c.events
            .iter()
            .flatten()
            .map(|e| serde_json::to_string(e).expect("serialises"))
            .filter(|e| e.contains("user-00007"))
            // The cluster's name is in the commands.
            .map(|e| e.replace("among", "alone"))
            .collect()
    };
    let alone = about_holder_7(&timeline.clusters[0]);
    let among = about_holder_7(&timeline.clusters[1]);
    let kinds = |v: &[String], kind: &str| v.iter().filter(|e| e.contains(kind)).count();
    assert!(kinds(&alone, "actionNeeded") >= 2, "{alone:#?}");
    assert!(kinds(&alone, "actionResolved") >= 1, "{alone:#?}");
    assert_eq!(alone, among);
}

/// A fleet table as of `now` asks the engine to leave out the actions resolved by then:
/// every cluster's row at `now` (its urgency and due items), the fleet's sums and open
/// actions, and the rest of each summary are what the whole summary gives.
#[cfg(feature = "simulate")]
#[test]
fn leaving_out_the_actions_resolved_by_now_changes_no_row_and_no_fleet_sum() {
    use crate::report::fleet::RowDecision;
    let s = eventful_fleet();
    let options = RunOptions {
        include_events: false,
        ..RunOptions::default()
    };
    let whole = simulate(&s, options).expect("valid");
    let warn = Duration::days(30);
    let (mut left_out, mut kept) = (0, 0);
    for year in 2019..=2034 {
        let now = Instant::from_date(year, 3, 1).expect("a date");
        let slim = simulate(
            &s,
            RunOptions {
                leave_out_resolved_by: Some(now),
                ..options
            },
        )
        .expect("valid");
        assert_eq!(whole.summary, slim.summary, "the fleet's sums as of {now}");
        for (w, t) in whole.clusters.iter().zip(&slim.clusters) {
            let (Some(ws), Some(ts)) = (&w.summary, &t.summary) else {
                panic!("{} has no summary", w.name);
            };
            let expected: Vec<_> = ws
                .actions
                .iter()
                .filter(|a| a.resolved.is_none_or(|r| r > now))
                .cloned()
                .collect();
            assert_eq!(ts.actions, expected, "{} as of {now}", w.name);
            left_out += ws.actions.len() - ts.actions.len();
            kept += ts.actions.len();
            let rest = |x: &ClusterSummary| ClusterSummary {
                actions: Vec::new(),
                ..x.clone()
            };
            assert_eq!(rest(ws), rest(ts), "{}", w.name);
            let due = |x: &ClusterSummary| {
                let d = RowDecision::of_summary(Some(x), false, now, warn);
                let items: Vec<_> = d.items.iter().map(|&i| x.actions[i].clone()).collect();
                (d.urgency, items)
            };
            assert_eq!(due(ws), due(ts), "{}'s row as of {now}", w.name);
        }
    }
    assert!(
        left_out > 50 && kept > 50,
        "left out {left_out}, kept {kept}"
    );
}

/// A fault model that generates operations (stops, `upgradeEvery`, `rotateCertsEvery`) is
/// simulated with core's `simulate` feature, and refused by `prepare`, naming its field,
/// without it (the calculator module's build); one that generates none runs in both.
#[test]
fn a_generating_fault_model_runs_with_simulate_and_is_refused_without() {
    let scenario = |faults: serde_json::Value| -> Scenario {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "akscert/v1", "kind": "Scenario", "horizon": "3y", "faults": faults,
            "clusters": [ { "name": "c", "resourceGroup": "rg", "created": "2024-01-01T00:00:00Z",
                            "kubernetesVersion": "1.29.0", "nodePools": [ { "name": "nodepool1" } ] } ]
        }))
        .expect("scenario shape")
    };
    for (faults, field) in [
        (
            serde_json::json!({ "stops": { "every": "30d", "for": "1d" } }),
            "stops",
        ),
        (
            serde_json::json!({ "upgradeEvery": "400d" }),
            "upgradeEvery",
        ),
        (
            serde_json::json!({ "rotateCertsEvery": "500d" }),
            "rotateCertsEvery",
        ),
    ] {
        let s = scenario(faults);
        match (s.prepare(), FaultModel::GENERATES) {
            (Ok(prepared), true) => {
                let ops = faults::operations(
                    prepared.scenario,
                    &prepared.scenario.clusters[0],
                    prepared.horizon,
                    &mut SplitMix64::new(1),
                    u64::MAX,
                );
                assert!(
                    ops.iter().any(|o| o.origin == Origin::FaultModel),
                    "{field}: {ops:?}"
                );
            }
            (Err(e), false) => {
                assert!(
                    matches!(e, ScenarioError::Fault { field: f, .. } if f == field),
                    "{e:?}"
                );
                assert!(e.to_string().contains("akscert/full"), "{e}");
            }
            (Ok(_), false) => panic!("{field} ran in a build that does not generate"),
            (Err(e), true) => panic!("{field}: {e}"),
        }
    }
    let quiet = scenario(serde_json::json!({ "rotateCertsFailureProbability": 0.5 }));
    let t = simulate(&quiet, RunOptions::default()).expect("valid in every build");
    assert!(t.clusters[0].summary.is_some());
}
