//! A guest that runs out of time, fuel or memory fails that one cluster; the other
//! clusters' results are complete and exactly what an unbounded run gives.

use std::time::{Duration, Instant};

use akscert_core::api::OpenClusterRequest;
use akscert_core::engine::Scenario;
use akscert_sim::engine::{Engine, FailureKind, GuestFault, GuestLimits, Op, ScenarioToOpen};
use akscert_sim::outcome::SimulationRun;
use akscert_tests::sim::{run, scratch, wasm_engine};
use serde_json::json;

/// `small` lives one month; `big` lives eight years with ten pools (many renewals) and
/// `holders` kubeconfig holders (each with certificates to renew: events to keep).
fn scenario(holders: usize) -> Scenario {
    let pools: Vec<_> = (0..10)
        .map(|i| json!({ "name": format!("pool{i}"), "count": 2 }))
        .collect();
    let kubeconfigs: Vec<_> = (0..holders)
        .map(|i| json!({ "holder": format!("user-{i:05}") }))
        .collect();
    serde_json::from_value(json!({
        "apiVersion": "akscert/v1",
        "kind": "Scenario",
        "seed": 3,
        "horizon": "2030-01-01",
        "clusters": [
            { "name": "small", "resourceGroup": "rg", "created": "2029-12-01",
              "kubernetesVersion": "1.30.1", "nodePools": [{ "name": "np", "count": 1 }] },
            { "name": "big", "resourceGroup": "rg", "created": "2022-05-01",
              "kubernetesVersion": "1.23.5", "nodePools": pools, "kubeconfigs": kubeconfigs },
            { "name": "small2", "resourceGroup": "rg", "created": "2029-11-15",
              "kubernetesVersion": "1.30.1", "nodePools": [{ "name": "np", "count": 1 }] }
        ]
    }))
    .expect("the fixture is a scenario")
}

/// The default limits with fuel metered (and a budget nothing reaches), to measure it.
fn metered() -> GuestLimits {
    GuestLimits {
        fuel: Some(u64::MAX),
        ..GuestLimits::default()
    }
}

fn simulate(engine: &Engine, s: &Scenario) -> SimulationRun {
    akscert_tests::sim::simulate(engine, s, None).0
}

/// Fuel used and peak memory of each cluster run alone on a fresh instance that holds
/// the scenario open (as a run's workers do); `engine` meters fuel.
fn costs(engine: &Engine, s: &Scenario) -> Vec<(u64, usize)> {
    let open = ScenarioToOpen::new(s);
    (0..s.clusters.len())
        .map(|index| {
            let mut w = engine.worker().expect("a worker");
            cluster(&mut w, &open, index).unwrap_or_else(|f| panic!("{f}"));
            let fuel = w.last_fuel().expect("wasm reports fuel");
            (fuel, w.memory_bytes().expect("wasm reports memory"))
        })
        .collect()
}

fn assert_only_big_failed(bounded: &SimulationRun, unbounded: &SimulationRun, kind: FailureKind) {
    assert_eq!(bounded.clusters.len(), 3);
    for (b, u) in bounded.clusters.iter().zip(&unbounded.clusters) {
        if b.timeline.name == "big" {
            let e = b.timeline.error.as_ref().expect("big must fail");
            assert_eq!(e.kind, kind, "{}", e.message);
            assert!(b.timeline.summary.is_none());
        } else {
            assert!(
                b.timeline.error.is_none(),
                "{}: {:?}",
                b.timeline.name,
                b.timeline.error
            );
            assert_eq!(
                b.raw_json(),
                u.raw_json(),
                "{}'s result changed",
                b.timeline.name
            );
        }
    }
    let s = bounded.summary();
    assert_eq!((s.clusters, s.failed_clusters), (3, 1));
}

#[test]
fn out_of_fuel_fails_one_cluster_and_the_rest_finish() {
    let s = scenario(20);
    let Some(unbounded) = wasm_engine("out_of_fuel", metered()) else {
        return;
    };
    let c = costs(&unbounded, &s);
    let (small, big) = (c[0].0.max(c[2].0), c[1].0);
    assert!(
        big > 4 * small,
        "the fixture needs a clearly bigger cluster: {c:?}"
    );
    let budget = (small + big) / 2;
    let bounded = wasm_engine(
        "out_of_fuel",
        GuestLimits {
            fuel: Some(budget),
            ..GuestLimits::default()
        },
    )
    .unwrap();
    let all = simulate(&unbounded, &s);
    let cut = simulate(&bounded, &s);
    assert_only_big_failed(&cut, &all, FailureKind::OutOfFuel);
    let message = &cut.clusters[1].timeline.error.as_ref().unwrap().message;
    assert!(
        message.contains(&budget.to_string()) && message.contains("--fuel"),
        "{message}"
    );
}

#[test]
fn out_of_memory_fails_one_cluster_and_the_rest_finish() {
    let s = scenario(200);
    let Some(unbounded) = wasm_engine("out_of_memory", metered()) else {
        return;
    };
    let c = costs(&unbounded, &s);
    let (small, big) = (c[0].1.max(c[2].1), c[1].1);
    assert!(
        big > small + (1 << 20),
        "the fixture needs a clearly bigger cluster: {c:?}"
    );
    let limit = (small + big) / 2;
    let bounded = wasm_engine(
        "out_of_memory",
        GuestLimits {
            memory_bytes: limit,
            ..GuestLimits::default()
        },
    )
    .unwrap();
    let all = simulate(&unbounded, &s);
    let cut = simulate(&bounded, &s);
    assert_only_big_failed(&cut, &all, FailureKind::OutOfMemory);
    let message = &cut.clusters[1].timeline.error.as_ref().unwrap().message;
    assert!(
        message.contains(&limit.to_string()) && message.contains("--memory-limit"),
        "{message}"
    );
}

#[test]
fn the_cli_reports_a_budget_overrun_per_cluster_and_exits_2_with_the_full_report() {
    let s = scenario(20);
    let Some(unbounded) = wasm_engine("cli_budget_overrun", metered()) else {
        return;
    };
    let c = costs(&unbounded, &s);
    let budget = (c[0].0.max(c[2].0) + c[1].0) / 2;
    let dir = scratch("cli_budget_overrun");
    let file = dir.join("limits.json");
    std::fs::write(&file, serde_json::to_string_pretty(&s).unwrap()).unwrap();
    let file = file.to_string_lossy();
    let fuel = budget.to_string();
    let r = run(&[
        "simulate",
        &file,
        "--fuel",
        &fuel,
        "--format",
        "json",
        "--now",
        "2030-01-01",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let clusters = doc["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 3);
    assert_eq!(clusters[1]["error"]["kind"], "outOfFuel");
    assert!(clusters[0]["summary"].is_object() && clusters[2]["summary"].is_object());
    assert_eq!(doc["summary"]["failedClusters"], 1);
    let human = run(&["simulate", &file, "--fuel", &fuel, "--now", "2030-01-01"]);
    assert_eq!(human.code, 2);
    assert!(
        human.stdout.contains("== big")
            && human
                .stdout
                .contains("simulation failed: the guest used up its fuel budget"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("== small2"));
}

/// Every worker's instance holds the whole scenario open: a memory limit it does not fit in
/// stops the run before any cluster, with the limit and the flag named.
#[test]
fn a_scenario_too_big_to_hold_stops_the_run_naming_the_limit() {
    let mut s = scenario(20);
    s.name = Some("x".repeat(8 << 20));
    let limit = 4 << 20;
    let Some(bounded) = wasm_engine(
        "too_big_to_hold",
        GuestLimits {
            memory_bytes: limit,
            ..GuestLimits::default()
        },
    ) else {
        return;
    };
    let file = akscert_sim::scenario_file::ScenarioFile::in_memory(s.clone());
    let settings = akscert_tests::sim::settings(&s, None);
    let err = match akscert_sim::execute::simulate(&bounded, &file, &settings) {
        Ok(_) => panic!("an 8 MiB scenario cannot be held in 4 MiB"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.starts_with("the engine could not open the scenario:")
            && err.contains(&limit.to_string())
            && err.contains("--memory-limit"),
        "{err}"
    );
}

/// A cluster's cost grows with its kubeconfig holders (each has an action open) as n log n
/// (the open actions are sorted once per instant), not n²: eight times the holders cost
/// about twelve times the fuel, not sixty-four (fuel counts the module's instructions, so
/// this is exact on every machine). The actions were looked up by a scan per action and
/// each holder's credential expiry was a step of its own: 2,000 holders ran out of a
/// 20-billion budget (then the default).
#[test]
fn cost_grows_as_n_log_n_with_kubeconfig_holders() {
    let Some(engine) = wasm_engine("holders_linear", metered()) else {
        return;
    };
    let fuel = |holders: usize| costs(&engine, &scenario(holders))[1].0;
    let (few, many) = (fuel(100), fuel(800));
    assert!(
        many < 16 * few,
        "800 holders cost {many} fuel units, 100 holders {few}: {:.1}×",
        many as f64 / few as f64
    );
    assert!(fuel(2000) < 5_000_000_000);
}

/// What one cluster of `scenario` answers on `w` (which keeps the scenario open).
fn cluster(
    w: &mut akscert_sim::engine::Worker,
    open: &ScenarioToOpen,
    index: usize,
) -> Result<(), GuestFault> {
    let req = OpenClusterRequest {
        index,
        include_events: true,
        include_certificates: true,
        leave_out_resolved_by: None,
        row: None,
        packed: false,
    };
    match w.simulate_open(open, &req)? {
        Ok(_) => Ok(()),
        Err(doc) => panic!("cluster {index} was refused: {}", doc.error.message),
    }
}

/// The clock stops a long call: the big cluster with 8,000 holders takes about 1.8 s
/// here (2 cores, 2026-12-06), so a 100 ms limit stops it on any machine up to ~18
/// times faster; the same worker then answers the next cluster from a fresh instance.
/// Fuel is not metered: the time limit alone bounds the call.
#[test]
fn a_call_past_its_time_limit_fails_naming_the_limit_and_the_next_runs() {
    let limits = GuestLimits {
        time: Duration::from_millis(100),
        ..GuestLimits::default()
    };
    let Some(engine) = wasm_engine("time_limit", limits) else {
        return;
    };
    let s = scenario(8000);
    let open = ScenarioToOpen::new(&s);
    let mut w = engine.worker().expect("a worker");
    cluster(&mut w, &open, 0).expect("the small cluster fits in the limit");
    assert_eq!(w.last_fuel(), None, "fuel is metered only when asked for");
    let started = Instant::now();
    let fault = cluster(&mut w, &open, 1).expect_err("8,000 holders take far longer than 100 ms");
    let took = started.elapsed();
    assert_eq!(fault.kind, FailureKind::OutOfTime, "{}", fault.message);
    assert!(
        fault.message.contains("100ms") && fault.message.contains("--time-limit"),
        "{}",
        fault.message
    );
    // Not a timing assertion: an unstopped call takes seconds, so this only says it was
    // stopped at all, with room for a loaded machine.
    assert!(
        took < Duration::from_millis(1500),
        "stopped only after {took:?}"
    );
    cluster(&mut w, &open, 2).expect("the next cluster runs on a fresh instance");
}

/// A zero limit stops every call at its guest's first check, before any work: the load
/// itself (which probes the module with the default limits) still succeeds.
#[test]
fn a_zero_time_limit_stops_every_call_but_not_the_load() {
    let limits = GuestLimits {
        time: Duration::ZERO,
        ..GuestLimits::default()
    };
    let Some(engine) = wasm_engine("time_limit_zero", limits) else {
        return;
    };
    let mut w = engine.worker().expect("a worker");
    for _ in 0..2 {
        let fault = w.call(Op::Version, "").expect_err("no call can finish");
        assert_eq!(fault.kind, FailureKind::OutOfTime, "{}", fault.message);
        assert!(
            fault.message.contains("time limit of 0ns"),
            "{}",
            fault.message
        );
    }
}

/// `--time-limit` takes whole seconds from 1; `0` is refused by name.
#[test]
fn the_cli_refuses_a_zero_time_limit() {
    let r = run(&["simulate", "--time-limit", "0"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--time-limit") && r.stderr.contains("0 is not in 1.."),
        "{}",
        r.stderr
    );
}
