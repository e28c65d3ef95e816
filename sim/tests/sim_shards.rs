//! `--shard I/N` runs merged with `akscert merge` give exactly the single run's report,
//! in every format, for simulations, scenario fleets and az inventories; shards that do
//! not belong together are refused.

use akscert_core::strategies::arb_scenario;
use akscert_sim::cli::stream_report;
use akscert_sim::outcome::{ClusterOutcome, SimulationRun};
use akscert_sim::output::Sink;
use akscert_sim::render::fleet_table::FleetSink;
use akscert_sim::render::stream::Streamer;
use akscert_sim::render::{self, Format};
use akscert_sim::scenario_file::ScenarioFile;
use akscert_sim::shard::{self, Command, ShardDoc, ShardSpec};
use akscert_tests::sim::{self, example, run, scratch};
use proptest::prelude::*;

const NOW: &str = "2026-11-28T00:00:00Z";
const FORMATS: [&str; 5] = ["human", "json", "csv", "html", "prometheus"];

/// Run `args` whole and in `n` shards, merge, and compare every format.
fn sharded_equals_single(name: &str, args: &[&str], n: usize) {
    let dir = scratch(name);
    let mut shards = Vec::new();
    let mut worst = 0;
    for i in 0..n {
        let file = dir.join(format!("shard-{i}.json"));
        let spec = format!("{i}/{n}");
        let mut a = args.to_vec();
        let file_s = file.to_string_lossy().into_owned();
        a.extend([
            "--now", NOW, "--engine", "native", "--shard", &spec, "-o", &file_s,
        ]);
        let r = run(&a);
        assert!(r.code <= 1, "{name} shard {spec}: {}", r.stderr);
        worst = worst.max(r.code);
        shards.push(file_s);
    }
    // Any order.
    shards.reverse();
    for format in FORMATS {
        let mut a = args.to_vec();
        a.extend(["--now", NOW, "--engine", "native", "--format", format]);
        let single = run(&a);
        assert!(single.code <= 2, "{name}: {}", single.stderr);
        // Each shard exits with its share's verdict: the worst of them is the fleet's.
        assert_eq!(worst, single.code, "{name}: the shards' exit codes");
        let mut m = vec!["merge"];
        m.extend(shards.iter().map(String::as_str));
        m.extend(["--format", format]);
        let merged = run(&m);
        assert_eq!(
            merged.code, single.code,
            "{name} {format}: {}",
            merged.stderr
        );
        assert_eq!(
            merged.stdout, single.stdout,
            "{name}: merged {format} differs from the single run"
        );
        assert!(!single.stdout.is_empty());
    }
}

#[test]
fn a_sharded_simulation_merges_into_the_single_run() {
    // The bundled example by path: with no argument `simulate` exits 0 as a demo, while
    // a merge is a real run and exits 1 when actions are due.
    sharded_equals_single(
        "shards_simulate",
        &["simulate", &example("scenario.toml").to_string_lossy()],
        2,
    );
    sharded_equals_single(
        "shards_simulate_yaml",
        &["simulate", &example("dev-fleet.yaml").to_string_lossy()],
        3,
    );
}

#[test]
fn a_sharded_scenario_fleet_merges_into_the_single_run() {
    sharded_equals_single(
        "shards_fleet_scenario",
        &["fleet", &example("rotation-drill.json").to_string_lossy()],
        2,
    );
}

#[test]
fn a_sharded_az_inventory_merges_into_the_single_run() {
    sharded_equals_single(
        "shards_fleet_inventory",
        &["fleet", &example("az-aks-list.json").to_string_lossy()],
        3,
    );
    // More shards than clusters: the empty shards still merge.
    sharded_equals_single(
        "shards_fleet_inventory_many",
        &["fleet", &example("az-aks-list.json").to_string_lossy()],
        5,
    );
}

#[test]
fn shards_that_do_not_belong_together_are_refused() {
    let dir = scratch("shards_refused");
    let shard = |i: usize, n: usize, now: &str, seed: &str| {
        let file = dir.join(format!("s-{i}-{n}-{now}-{seed}.json"));
        let spec = format!("{i}/{n}");
        let args = [
            "simulate", "--engine", "native", "--now", now, "--seed", seed,
        ];
        write_shard(&args, &spec, &file)
    };
    let a0 = shard(0, 3, "2026-01-01", "1");
    let a1 = shard(1, 3, "2026-01-01", "1");
    let a2 = shard(2, 3, "2026-01-01", "1");
    let other_now = shard(2, 3, "2027-01-01", "1");
    let other_seed = shard(2, 3, "2026-01-01", "2");
    let cases: [(&[&str], &str); 5] = [
        (&[&a0, &a1], "shard(s) 2/3 of 3 missing"),
        (&[&a0, &a1, &a1, &a2], "shard 1/3 is given twice"),
        (
            &[&a0, &a1, &other_now],
            "--now 2027-01-01T00:00:00Z vs 2026-01-01T00:00:00Z",
        ),
        (&[&a0, &a1, &other_seed], "a different input or seed"),
        (
            &[&a0, &a1, "/nonexistent/shard.json"],
            "cannot read /nonexistent/shard.json",
        ),
    ];
    for (files, expected) in cases {
        let mut args = vec!["merge"];
        args.extend(files.iter().copied());
        let r = run(&args);
        assert_eq!(r.code, 2, "{files:?}");
        assert!(
            r.stderr.contains(expected),
            "expected `{expected}` in: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    let not_a_shard = example("scenario.json");
    let r = run(&["merge", &not_a_shard.to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("not an akscert/v1 Shard") || r.stderr.contains("not a shard document"),
        "{}",
        r.stderr
    );
    let r = run(&["simulate", "--engine", "native", "--shard", "3/3"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the index must be 0 to 2"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "simulate", "--engine", "native", "--shard", "0/2", "--format", "html",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("render --format html from the merge"),
        "{}",
        r.stderr
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn generated_scenarios_in_any_number_of_shards_merge_into_the_single_run(
        s in arb_scenario(),
        n in 1usize..=5,
    ) {
        let (whole, _) = sim::simulate(&sim::native_engine(), &s, None);
        let docs: Vec<(String, ShardDoc<ClusterOutcome>)> = (0..n)
            .rev()
            .map(|i| {
                let spec = ShardSpec { index: i, count: n };
                let (part, total) = sim::simulate(&sim::native_engine(), &s, Some(spec));
                let doc = shard::simulation_shard(Command::Simulate, "fp".into(), spec, total, part);
                // Through the file format and back.
                let text = serde_json::to_string(&doc).unwrap();
                (format!("shard-{i}"), serde_json::from_str(&text).unwrap())
            })
            .collect();
        let (head, clusters) = shard::merge(docs, |c| c.timeline.index).unwrap();
        let merged = SimulationRun { header: head.run.unwrap(), now: head.now, warn_within: head.warn_within, clusters };
        prop_assert_eq!(merged.timeline_json(), whole.timeline_json());
        for f in [Format::Human, Format::Html, Format::Prometheus, Format::Csv] {
            prop_assert_eq!(render::simulation(&merged, f).text, render::simulation(&whole, f).text);
        }
    }

    #[test]
    fn a_streamed_report_is_byte_for_byte_the_collected_one(s in arb_scenario()) {
        let engine = sim::native_engine();
        let (whole, _) = sim::simulate(&engine, &s, None);
        let settings = sim::settings(&s, None);
        let file = ScenarioFile::in_memory(s.clone());
        let dir = scratch("stream_equals_collected");
        let formats = [Format::Human, Format::Json, Format::Csv, Format::Html, Format::Prometheus];
        // `simulate`'s report and `fleet`'s, in every format.
        let cases = formats.map(|f| (f, false)).into_iter().chain(formats.map(|f| (f, true)));
        for (f, fleet) in cases {
            let path = dir.join("report");
            let sink = Sink::open(Some(&path)).unwrap();
            let (now, warn) = (settings.now, settings.warn_within);
            let verdict = if fleet {
                let report = FleetSink::open(f, sink, now, warn, engine.fleet_fold().unwrap()).unwrap();
                stream_report(&engine, &file, &settings, report)
            } else {
                let streamer = Streamer::new(f, sink, now, warn, engine.fleet_fold().unwrap()).unwrap();
                stream_report(&engine, &file, &settings, streamer)
            }
            .unwrap();
            let collected = if fleet {
                render::fleet(render::Fleet::Simulation(&whole), f)
            } else {
                render::simulation(&whole, f)
            };
            // A file gets no ANSI styles.
            let expected = anstream::adapter::strip_str(&collected.text).to_string();
            prop_assert_eq!(std::fs::read_to_string(&path).unwrap(), expected, "{:?} fleet {}", f, fleet);
            prop_assert_eq!(verdict, collected.verdict);
        }
    }
}

/// A simulation shard carries each cluster's row as the engine decided it, and the merge
/// uses those decisions (checked against each cluster's summary) rather than deciding
/// again.
#[test]
fn shards_carry_the_engines_row_decisions_into_the_merge() {
    let dir = scratch("shards_rows");
    let drill = example("rotation-drill.json")
        .to_string_lossy()
        .into_owned();
    let files: Vec<String> = (0..2)
        .map(|i| {
            let file = dir.join(format!("rows-{i}.json"));
            let spec = format!("{i}/2");
            let args = ["fleet", &drill, "--engine", "native", "--now", "2026-01-01"];
            write_shard(&args, &spec, &file)
        })
        .collect();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    let clusters = doc["clusters"].as_array().map_or(0, Vec::len);
    assert!(clusters > 0);
    assert_eq!(
        doc["rows"].as_array().map(Vec::len),
        Some(clusters),
        "{doc}"
    );
    let merge = |files: &[String]| {
        let mut args = vec!["merge", "--format", "json"];
        args.extend(files.iter().map(String::as_str));
        run(&args)
    };
    let honest = merge(&files);
    assert!(honest.code <= 1, "{}", honest.stderr);
    // The merge reads the shard's decision: a decision changed in the file shows.
    doc["rows"][0]["urgency"] = "later".into();
    doc["rows"][0]["items"] = serde_json::json!([]);
    std::fs::write(&files[0], doc.to_string()).unwrap();
    let changed = merge(&files);
    assert_ne!(changed.stdout, honest.stdout, "the merge decided again");
    // A decision that names an action the cluster does not have is refused.
    doc["rows"][0]["items"] = serde_json::json!([100000]);
    std::fs::write(&files[0], doc.to_string()).unwrap();
    let refused = merge(&files);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused
            .stderr
            .contains("the row decision names action 100000"),
        "{}",
        refused.stderr
    );
}

/// Run `akscert ARGS --shard SPEC -o FILE`; the file's path.
fn write_shard(args: &[&str], spec: &str, file: &std::path::Path) -> String {
    let path = file.to_string_lossy().into_owned();
    let mut all = args.to_vec();
    all.extend(["--shard", spec, "-o", &path]);
    let r = run(&all);
    assert!(r.code <= 1, "{}", r.stderr);
    path
}
