//! Runs the benchmark workloads once each, for instruction-count profiling
//! (`valgrind --tool=callgrind`), which is repeatable on a busy machine; and the
//! frequent-stops workload at a given horizon, timed, for the linearity table in
//! `benches/README.md`.
//!
//! `cargo run --release -p akscert-benches --example profile_engine -- single|fleet|fleet-summaries`
//! `cargo run --release -p akscert-benches --example profile_engine -- stops YEARS [BUDGET]`
//! `cargo run --release -p akscert-benches --example profile_engine -- json` (every
//! workload's timeline, to diff before and after an engine change)

use akscert_benches::{fleet, frequent_stops, single};
use akscert_core::engine::{self, RunOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "single".into());
    let mut options = RunOptions::default();
    let scenario = match which.as_str() {
        "fleet" => fleet(1_000, 10, 42),
        "fleet-summaries" => {
            options.include_events = false;
            fleet(1_000, 10, 42)
        }
        "stops" => {
            let years = args.next().and_then(|y| y.parse().ok()).unwrap_or(5);
            if let Some(budget) = args.next().and_then(|b| b.parse().ok()) {
                options.max_events_per_cluster = budget;
            }
            options.include_events = false;
            frequent_stops(years)
        }
        "json" => {
            // Every workload's timeline JSON, to compare engine changes byte for byte.
            for s in [single(30), fleet(300, 10, 42), frequent_stops(1)] {
                let t = engine::simulate(&s, RunOptions::default()).expect("valid");
                println!("{}", serde_json::to_string(&t).unwrap_or_default());
            }
            return;
        }
        _ => single(30),
    };
    let started = std::time::Instant::now();
    let t = engine::simulate(&scenario, options).expect("valid");
    let secs = started.elapsed().as_secs_f64();
    let errors: Vec<String> = t
        .clusters
        .iter()
        .filter_map(|c| c.error.as_ref().map(|e| format!("{}: {}", c.name, e.kind)))
        .collect();
    println!(
        "{} events in {secs:.3} s ({:.0} events/s); failed: [{}]",
        t.summary.events,
        t.summary.events as f64 / secs,
        errors.join(", ")
    );
}
