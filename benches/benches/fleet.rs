//! The simulator's fleet run — 10,000 clusters for 10 years — through the shipped module
//! in wasmtime and through the native engine (on core's types, as the CLI runs it, and
//! through the same JSON API per cluster as the module), on one worker each (engine
//! speed, not parallelism), with events/s and the wasm/native ratios; and the module's load +
//! compile time (JIT from scratch, and from the compile cache).
//!
//! `cargo bench -p akscert-benches --bench fleet`. The module is built with
//! `cargo xtask build-wasm` first; when that is impossible the wasm half is skipped and
//! the reason printed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use akscert_benches::{fleet, median};
use akscert_core::api::{ClusterRun, Op};
use akscert_sim::engine::{Engine, GuestLimits, NativeEngine, WasmEngine, Worker};
use akscert_sim::execute::{self, Settings};
use akscert_sim::outcome::ClusterOutcome;
use akscert_sim::runner::{self, Progress};
use akscert_sim::scenario_file::ScenarioFile;
use akscert_sim::source::Source;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn module() -> Option<PathBuf> {
    match xtask::build(&xtask::BuildOptions::default()) {
        Ok(b) => Some(b.full_wasm),
        Err(e) => {
            eprintln!("wasm benchmarks skipped: `cargo xtask build-wasm` failed: {e}");
            None
        }
    }
}

fn file(clusters: usize, years: i64) -> ScenarioFile {
    let scenario = fleet(clusters, years, 42);
    let text = serde_json::to_string(&scenario).unwrap_or_default();
    ScenarioFile::new(Source::from_text("fleet.json", text), scenario)
}

fn now() -> akscert_core::time::Instant {
    akscert_core::time::Instant::parse("2026-01-01").unwrap_or(akscert_core::time::Instant::MIN)
}

/// What `akscert fleet --format csv` asks of the engine: summaries without events, final
/// certificates or the actions resolved by `now`, packed by the module.
fn settings() -> Settings {
    Settings {
        now: now(),
        warn_within: akscert_core::time::Duration::days(30),
        jobs: 1,
        progress: Progress::Hidden,
        shard: None,
        include_events: false,
        include_certificates: false,
        rows_only: true,
    }
}

/// One run: events simulated and wall time; every cluster must succeed.
fn run(engine: &Engine, f: &ScenarioFile) -> (u64, Duration) {
    let started = Instant::now();
    let (run, _, stats) =
        execute::simulate(engine, f, &settings()).expect("the fleet scenario is valid");
    let failed = run
        .clusters
        .iter()
        .filter(|c| c.timeline.error.is_some())
        .count();
    assert_eq!(
        failed,
        0,
        "{failed} clusters failed on the {} engine",
        engine.name()
    );
    (stats.events, started.elapsed())
}

/// The fleet through the native engine's JSON API, one call per cluster on the CLI's
/// runner exactly as the wasm engine is driven (request encoded, answer decoded): the
/// like-for-like peer of the wasm run, since the CLI's native engine now skips the JSON.
fn run_native_json(engine: &Engine, f: &ScenarioFile) -> (u64, Duration) {
    let started = Instant::now();
    let prepared = f.prepared().expect("the fleet scenario is valid");
    let shared = prepared.shared();
    let indices: Vec<usize> = (0..f.scenario.clusters.len()).collect();
    let work = |worker: &mut Worker, &index: &usize| {
        let run = ClusterRun {
            scenario: akscert_core::engine::Scenario {
                clusters: vec![f.scenario.clusters[index].clone()],
                ..shared.clone()
            },
            index,
            include_events: false,
            include_certificates: false,
            leave_out_resolved_by: Some(now()),
        };
        let input = serde_json::to_string(&run).unwrap_or_default();
        ClusterOutcome::from_call(&run, worker.call(Op::SimulateCluster, &input))
    };
    let events = |o: &ClusterOutcome| o.timeline.summary.as_ref().map_or(0, |s| s.events);
    let (outcomes, _) = runner::run(engine, &indices, 1, Progress::Hidden, work, events)
        .expect("the native engine runs");
    assert!(outcomes.iter().all(|o| o.timeline.error.is_none()));
    (outcomes.iter().map(events).sum(), started.elapsed())
}

fn fleet_10k_10y(c: &mut Criterion) {
    let f = file(10_000, 10);
    let native = Engine::Native(NativeEngine);
    let (events, _) = run(&native, &f);
    eprintln!("fleet of 10,000 clusters, 10 years: {events} events");
    let wasm = module().map(|path| {
        let w = WasmEngine::load(&path, GuestLimits::default()).expect("the built module loads");
        Engine::Wasm(Arc::new(w))
    });
    let mut g = c.benchmark_group("sim_fleet_10k_10y");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    g.throughput(Throughput::Elements(events));
    g.bench_function("native_1_worker", |b| b.iter(|| run(&native, &f)));
    g.bench_function("native_json_api_1_worker", |b| {
        b.iter(|| run_native_json(&native, &f))
    });
    if let Some(wasm) = &wasm {
        g.bench_function("wasm_1_worker", |b| b.iter(|| run(wasm, &f)));
    }
    g.finish();
    // The ratio again, interleaved: seven rounds of native, native through the JSON API
    // and wasm, one run each, so that a slow stretch of a shared machine hits all three
    // (criterion measures them one after another, a minute apart). Medians of each time
    // and of the rounds' ratios.
    if let Some(wasm) = &wasm {
        let mut rounds: Vec<(f64, f64, f64)> = (0..7)
            .map(|_| {
                let n = run(&native, &f).1.as_secs_f64();
                let j = run_native_json(&native, &f).1.as_secs_f64();
                let w = run(wasm, &f).1.as_secs_f64();
                (n, j, w)
            })
            .collect();
        let n = median(rounds.iter().map(|r| r.0).collect());
        let j = median(rounds.iter().map(|r| r.1).collect());
        let w = median(rounds.iter().map(|r| r.2).collect());
        let over_native = median(rounds.iter().map(|r| r.0 / r.2).collect());
        let over_json = median(rounds.drain(..).map(|r| r.1 / r.2).collect());
        let rate = |secs: f64| events as f64 / secs;
        eprintln!(
            "7 interleaved rounds, 1 worker (medians): native {n:.3} s ({:.0} events/s), native through the JSON API {j:.3} s ({:.0} events/s), wasm {w:.3} s ({:.0} events/s); wasm/native {over_native:.3}, wasm/native-JSON {over_json:.3} (medians of the rounds' ratios)",
            rate(n),
            rate(j),
            rate(w),
        );
    }
}

fn module_load(c: &mut Criterion) {
    let Some(path) = module() else { return };
    let cache = std::env::temp_dir().join(format!("akscert-bench-cache-{}", std::process::id()));
    let mut g = c.benchmark_group("sim_module");
    g.sample_size(10);
    g.bench_function("load_compile_check_uncached", |b| {
        b.iter(|| WasmEngine::load_with_cache(&path, GuestLimits::default(), None).expect("loads"))
    });
    // Warm the cache, then measure a load that deserialises the compiled code.
    let first =
        WasmEngine::load_with_cache(&path, GuestLimits::default(), Some(&cache)).expect("loads");
    assert!(!first.stats().from_cache);
    g.bench_function("load_check_from_cache", |b| {
        b.iter(|| {
            let w = WasmEngine::load_with_cache(&path, GuestLimits::default(), Some(&cache))
                .expect("loads");
            assert!(w.stats().from_cache);
            w
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&cache);
    eprintln!(
        "module {}: {} bytes",
        path.display(),
        first.stats().module_bytes
    );
}

criterion_group!(benches, module_load, fleet_10k_10y);
criterion_main!(benches);
