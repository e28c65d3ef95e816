//! `--engine native` and `--engine wasm` give byte-identical JSON: on every example
//! (through the CLI) and on generated scenarios (through the runner), and both equal
//! akscert-core's own single-process `simulate`.

use akscert_core::api;
use akscert_core::engine::Scenario;
use akscert_core::report::fleet::Verdict;
use akscert_core::strategies::arb_scenario;
use akscert_sim::cli::stream_report;
use akscert_sim::engine::{CallResult, Engine, GuestLimits, Op};
use akscert_sim::execute;
use akscert_sim::outcome::SimulationRun;
use akscert_sim::output::Sink;
use akscert_sim::render::Format;
use akscert_sim::render::fleet_table::FleetSink;
use akscert_sim::render::simulation_rows;
use akscert_sim::render::stream::Streamer;
use akscert_sim::scenario_file::ScenarioFile;
use akscert_sim::source::Source;
use akscert_tests::sim::{self, example, run, wasm_engine};
use proptest::prelude::*;

const NOW: &str = "2026-11-28T00:00:00Z";

fn both(test: &str, args: &[&str]) -> Option<String> {
    sim::module(test)?;
    let mut native = args.to_vec();
    native.extend(["--engine", "native", "--format", "json", "--now", NOW]);
    let mut wasm = args.to_vec();
    wasm.extend(["--engine", "wasm", "--format", "json", "--now", NOW]);
    let (n, w) = (run(&native), run(&wasm));
    assert!(n.code <= 1, "native {args:?}: {}", n.stderr);
    assert_eq!(
        n.code, w.code,
        "exit codes differ for {args:?}: {}",
        w.stderr
    );
    assert_eq!(
        n.stdout, w.stdout,
        "native and wasm JSON differ for {args:?}"
    );
    assert!(
        n.stdout.starts_with("{\"apiVersion\":\"akscert/v1\""),
        "{}",
        n.stdout
    );
    Some(n.stdout)
}

#[test]
fn every_example_scenario_is_byte_identical_on_both_engines_and_equals_core() {
    for name in [
        "scenario.toml",
        "scenario.json",
        "dev-fleet.yaml",
        "rotation-drill.json",
    ] {
        let path = example(name);
        let path = path.to_string_lossy();
        let Some(json) = both("every_example_scenario", &["simulate", &path]) else {
            return;
        };
        // The CLI's timeline, assembled from per-cluster runs, is core's single run.
        let scenario: Scenario = Source::read(&path)
            .and_then(|s| s.parse())
            .expect("example parses");
        let core = api::call("simulate", &serde_json::to_string(&scenario).unwrap()).unwrap();
        assert_eq!(
            json.trim_end(),
            core,
            "{name}: CLI timeline differs from core's simulate"
        );
    }
}

#[test]
fn the_bundled_example_is_the_toml_example_and_the_json_example() {
    let toml: Scenario = Source::read(&example("scenario.toml").to_string_lossy())
        .and_then(|s| s.parse())
        .unwrap();
    let json: Scenario = Source::read(&example("scenario.json").to_string_lossy())
        .and_then(|s| s.parse())
        .unwrap();
    assert_eq!(
        toml, json,
        "examples/scenario.toml and .json must describe one scenario"
    );
    let bundled = akscert_sim::scenario_file::load(None).unwrap().scenario;
    assert_eq!(bundled, toml);
}

#[test]
fn fleet_and_report_examples_are_byte_identical_on_both_engines() {
    let ex = |name: &str| example(name).to_string_lossy().into_owned();
    let (az, yaml, facts) = (
        ex("az-aks-list.json"),
        ex("dev-fleet.yaml"),
        ex("cluster.toml"),
    );
    let cases: [&[&str]; 6] = [
        &["fleet", &az],
        &["fleet", &yaml],
        &["report", &facts],
        &["report", &az, "--name", "shop-prod"],
        // A shard's document and exit code (its share's verdict, the engine's).
        &["fleet", &az, "--shard", "0/2"],
        &["fleet", &yaml, "--shard", "1/2"],
    ];
    for args in cases {
        if both("fleet_and_report_examples", args).is_none() {
            return;
        }
    }
}

#[test]
fn an_az_fleet_is_cores_fleet_report_on_both_engines() {
    // `akscert fleet` of an az inventory is one `fleetReport` call: its JSON is the
    // operation's answer, whichever engine ran it.
    let az = example("az-aks-list.json");
    for warn in ["30d", "400d"] {
        let Some(json) = both(
            "az_fleet_is_fleet_report",
            &["fleet", &az.to_string_lossy(), "--warn-within", warn],
        ) else {
            return;
        };
        let input = std::fs::read_to_string(&az).unwrap();
        let request = serde_json::json!({ "input": input, "now": NOW, "warnWithin": warn });
        let core = api::call("fleetReport", &request.to_string()).unwrap();
        assert_eq!(json.trim_end(), core, "--warn-within {warn}");
    }
}

fn timeline(engine: &Engine, scenario: &Scenario) -> String {
    sim::simulate(engine, scenario, None).0.timeline_json()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn generated_scenarios_are_byte_identical_on_both_engines(s in arb_scenario()) {
        let Some(wasm) = wasm_engine("generated_scenarios_are_byte_identical", GuestLimits::default()) else {
            return Ok(());
        };
        let native = timeline(&sim::native_engine(), &s);
        let core = api::call("simulate", &serde_json::to_string(&s).unwrap()).unwrap();
        prop_assert_eq!(&native, &core);
        prop_assert_eq!(timeline(&wasm, &s), native);
    }
}

#[test]
fn every_operation_answers_the_same_through_the_abi() {
    let Some(wasm) = wasm_engine("every_operation_answers_the_same", GuestLimits::default()) else {
        return;
    };
    let mut w = wasm.worker().unwrap();
    let mut n = sim::native_engine().worker().unwrap();
    let report = r#"{"now":"2026-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2021-01-01","kubernetesVersion":"1.20.7","nodePools":[{"name":"np"}]}}"#;
    let what_if = r#"{"now":"2026-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2021-01-01","kubernetesVersion":"1.20.7","nodePools":[{"name":"np"}]},"operations":[{"at":"2026-01-02","op":"rotateCerts","outcome":"succeed"}]}"#;
    // `version` describes the build: the full module leaves out the signature checks (the
    // trust module's), which the native build has; everything else is the same.
    let version = |answer: CallResult| -> serde_json::Value {
        serde_json::from_str(&answer.expect("no fault").expect("version answers")).unwrap()
    };
    let guest = version(w.call(Op::Version, ""));
    let mut host = version(n.call(Op::Version, ""));
    host["operations"]
        .as_array_mut()
        .unwrap()
        .retain(|op| !matches!(op.as_str(), Some("inspectSet" | "checkTrust")));
    assert_eq!(guest, host);
    let cases = [
        (Op::Policy, ""),
        (Op::Report, report),
        (Op::WhatIf, what_if),
        (Op::Report, "{\"now\": 5}"),
        (Op::Simulate, "not json"),
        (Op::SimulateCluster, "{}"),
    ];
    for (op, input) in cases {
        let a = w.call(op, input).expect("no guest fault");
        let b = n.call(op, input).expect("native never faults");
        assert_eq!(a, b, "{op:?} on {input}");
    }
}

/// The module in wasmtime and the JSON example scenario (`None`: no module; the reason is
/// printed).
fn engine_and_example(test: &str) -> Option<(Engine, Scenario)> {
    let engine = wasm_engine(test, GuestLimits::default())?;
    let text = std::fs::read_to_string(example("scenario.json")).expect("the example");
    Some((engine, api::parse(&text).expect("a scenario")))
}

/// The instance that validated a run's scenario is the run's first worker (it holds the
/// scenario open: a one-worker run opens it once); the next worker is a fresh instance.
#[test]
fn the_validating_instance_is_handed_to_the_run() {
    let Some((engine, scenario)) = engine_and_example("validating_instance") else {
        return;
    };
    let open = akscert_sim::engine::ScenarioToOpen::new(&scenario);
    let mut validating = engine.worker().expect("a worker");
    let check = validating.open_scenario(&open).expect("opens");
    assert!(
        matches!(check, akscert_core::engine::ScenarioCheck::Valid { .. }),
        "{check:?}"
    );
    let held = validating.memory_bytes();
    engine.spare(validating);
    let first = engine.worker().expect("a worker");
    assert_eq!(first.memory_bytes(), held, "not the validating instance");
    assert!(held > Some(0));
    let second = engine.worker().expect("a worker");
    assert_eq!(
        second.memory_bytes(),
        Some(0),
        "a fresh instance has no memory yet"
    );
}

/// With the module, each cluster's fleet row is the module's decision (carried beside its
/// timeline, for the run's `now` and window), and it is core's: the same row natively.
#[test]
fn the_module_decides_every_clusters_row() {
    let Some((engine, scenario)) = engine_and_example("module_rows") else {
        return;
    };
    let (wasm, _) = sim::simulate(&engine, &scenario, None);
    let (native, _) = sim::simulate(&sim::native_engine(), &scenario, None);
    let (now, warn) = (wasm.now, wasm.warn_within);
    for (w, n) in wasm.clusters.iter().zip(&native.clusters) {
        let (at, decision) = w.row.as_ref().expect("the module's decision");
        assert_eq!((at.now, at.warn_within), (now, warn));
        assert_eq!(Some(decision), n.row.as_ref().map(|(_, d)| d));
        let t = &w.timeline;
        let who = akscert_core::report::fleet::RowOf {
            index: t.index,
            name: &t.name,
            resource_group: &t.resource_group,
        };
        assert_eq!(
            akscert_sim::render::simulation_row(w, now, warn),
            akscert_core::report::fleet::FleetRow::of_summary(
                who,
                t.summary.as_ref(),
                t.error.clone(),
                now,
                warn
            )
        );
    }
}

/// A fleet table asks the engine to leave out the actions resolved by `now`: on either
/// engine the run's rows (urgency, due items and their text) and the fleet's sums are what
/// the whole summaries give, and fewer actions cross.
#[test]
fn a_table_without_the_actions_resolved_by_now_has_the_same_rows_and_sums() {
    let Some((wasm, scenario)) = engine_and_example("table_leaves_out") else {
        return;
    };
    let file = ScenarioFile::in_memory(scenario.clone());
    let actions = |r: &SimulationRun| -> usize {
        r.clusters
            .iter()
            .filter_map(|c| c.timeline.summary.as_ref())
            .map(|s| s.actions.len())
            .sum()
    };
    for engine in [sim::native_engine(), wasm] {
        let mut settings = sim::settings(&scenario, None);
        settings.now = akscert_core::time::Instant::parse(NOW).expect("an instant");
        let (whole, _, _) = execute::simulate(&engine, &file, &settings).expect("runs");
        settings.rows_only = true;
        let (slim, _, _) = execute::simulate(&engine, &file, &settings).expect("runs");
        let name = engine.name();
        assert_eq!(simulation_rows(&whole), simulation_rows(&slim), "{name}");
        assert_eq!(whole.summary(), slim.summary(), "{name}");
        assert!(
            actions(&slim) < actions(&whole),
            "{name}: {} of {} actions left",
            actions(&slim),
            actions(&whole)
        );
    }
}

/// A fleet table's run with `--engine wasm` reads the module's packed (postcard) answers,
/// and the native engine writes no JSON either: every cluster's timeline, row and JSON
/// (written when asked for) are the same on both.
#[test]
fn a_packed_table_run_is_the_native_runs_cluster_for_cluster() {
    let Some((wasm, scenario)) = engine_and_example("table_packed") else {
        return;
    };
    let file = ScenarioFile::in_memory(scenario.clone());
    let mut settings = sim::settings(&scenario, None);
    settings.now = akscert_core::time::Instant::parse(NOW).expect("an instant");
    settings.include_events = false;
    settings.include_certificates = false;
    settings.rows_only = true;
    let (native, _, _) = execute::simulate(&sim::native_engine(), &file, &settings).expect("runs");
    let (packed, _, _) = execute::simulate(&wasm, &file, &settings).expect("runs");
    assert_eq!(packed.clusters.len(), native.clusters.len());
    assert!(packed.clusters.len() > 1);
    for (p, n) in packed.clusters.iter().zip(&native.clusters) {
        assert!(p.kept_no_json() && n.kept_no_json());
        assert_eq!(p.timeline, n.timeline, "cluster {}", n.timeline.index);
        assert!(p.timeline.summary.is_some(), "cluster {}", n.timeline.index);
        assert_eq!(p.row, n.row, "cluster {}", n.timeline.index);
        assert_eq!(p.raw_json(), n.raw_json(), "cluster {}", n.timeline.index);
    }
    assert_eq!(simulation_rows(&packed), simulation_rows(&native));
    assert_eq!(packed.summary(), native.summary());
}

/// Every format of `simulate`'s and `fleet`'s streamed reports of `s` on `engine`: the
/// text and the verdict.
fn streamed(engine: &Engine, s: &Scenario, dir: &std::path::Path) -> Vec<(String, Verdict)> {
    let settings = sim::settings(s, None);
    let file = ScenarioFile::in_memory(s.clone());
    let formats = [
        Format::Human,
        Format::Json,
        Format::Csv,
        Format::Html,
        Format::Prometheus,
    ];
    let mut out = Vec::new();
    for fleet in [false, true] {
        for f in formats {
            let path = dir.join(format!("{}-{f:?}-{fleet}", engine.name()));
            let sink = Sink::open(Some(&path)).expect("a report file");
            let (now, warn) = (settings.now, settings.warn_within);
            let fold = engine.fleet_fold().expect("a fold");
            let verdict = if fleet {
                let report = FleetSink::open(f, sink, now, warn, fold).expect("opens");
                stream_report(engine, &file, &settings, report)
            } else {
                let report = Streamer::new(f, sink, now, warn, fold).expect("opens");
                stream_report(engine, &file, &settings, report)
            }
            .expect("streams");
            out.push((std::fs::read_to_string(&path).expect("written"), verdict));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// With the module, a streamed report's fleet is added up in it (`foldCluster`: the
    /// totals, the counts and verdict, the order of the rows and of the open actions);
    /// every format of both reports comes out as natively, byte for byte.
    #[test]
    fn a_streamed_fleet_is_added_up_in_the_module_as_natively(s in arb_scenario()) {
        let Some(wasm) = wasm_engine("streamed_fleet_fold", GuestLimits::default()) else {
            return Ok(());
        };
        let dir = sim::scratch("streamed_fleet_fold");
        let native = streamed(&sim::native_engine(), &s, &dir);
        prop_assert_eq!(streamed(&wasm, &s, &dir), native);
    }
}

/// The module's fold of the example, cluster by cluster, is core's: the same places and
/// the same totals after each cluster; and the fleet has open actions to place.
#[test]
fn the_module_folds_the_fleet_as_core_does() {
    let Some((engine, scenario)) = engine_and_example("module_fold") else {
        return;
    };
    let (run, _) = sim::simulate(&engine, &scenario, None);
    let mut in_module = engine.fleet_fold().expect("a fold");
    let mut native = sim::native_engine().fleet_fold().expect("a fold");
    let mut actions = 0;
    for c in &run.clusters {
        let row = akscert_sim::render::simulation_row(c, run.now, run.warn_within);
        let summary = c.timeline.summary.as_ref();
        let places = in_module.add(&row, summary).expect("folds");
        assert_eq!(places, native.add(&row, summary).expect("folds"));
        assert_eq!(in_module.totals(), native.totals());
        actions += places.actions.len();
    }
    assert!(actions > 0);
    assert_eq!(in_module.totals().counts.clusters, run.clusters.len());
}
