//! Opening a fleet's scenario, timed: what each worker of `akscert fleet --engine wasm`
//! does once before its first cluster. The host writes the scenario (JSON, or packed as
//! the CLI sends it) and the module reads and validates it; natively the same open
//! through core's session. Medians of seven rounds.
//!
//! `cargo run --release -p akscert-benches --example profile_open -- [CLUSTERS]`
//! (default 10,000; the module is built with `cargo xtask build-wasm` first).

use std::time::{Duration, Instant};

use akscert_core::api::{Op, pack_scenario, packed_input};
use akscert_sim::engine::{Engine, GuestLimits, NativeEngine, WasmEngine, Worker};

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One open in a fresh worker of `engine`; the answer must be a valid check.
fn open(engine: &Engine, input: &[u8]) -> Duration {
    let mut worker = engine.worker().expect("a worker");
    let (answer, took) = timed(|| match &mut worker {
        Worker::Native(n) => Ok(n.call_input(Op::OpenScenario, input)),
        Worker::Wasm(w) => w.call_bytes(Op::OpenScenario, input),
    });
    let check = answer.expect("no guest fault").expect("opens");
    assert!(check.starts_with(br#"{"valid""#));
    took
}

fn main() {
    let clusters = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let built = xtask::build(&xtask::BuildOptions::default()).expect("the module builds");
    let wasm = WasmEngine::load(&built.full_wasm, GuestLimits::default()).expect("it loads");
    let wasm = Engine::Wasm(wasm.into());
    let native = Engine::Native(NativeEngine);
    let scenario = akscert_benches::fleet(clusters, 10, 42);
    let mut rounds: [Vec<Duration>; 6] = Default::default();
    let (mut json_bytes, mut packed_bytes) = (0, 0);
    for _ in 0..7 {
        let (json, t) = timed(|| serde_json::to_string(&scenario).unwrap_or_default());
        rounds[0].push(t);
        let (packed, t) = timed(|| packed_input(&pack_scenario(&scenario)));
        rounds[1].push(t);
        (json_bytes, packed_bytes) = (json.len(), packed.len());
        rounds[2].push(open(&wasm, json.as_bytes()));
        rounds[3].push(open(&wasm, &packed));
        rounds[4].push(open(&native, json.as_bytes()));
        rounds[5].push(open(&native, &packed));
    }
    let [wj, wp, gj, gp, nj, np] = rounds.map(median);
    println!("{clusters} clusters: JSON {json_bytes} bytes, packed {packed_bytes} bytes");
    println!("host writes: JSON {wj:.2?}, packed {wp:.2?}");
    println!("module opens: JSON {gj:.2?}, packed {gp:.2?}");
    println!("native opens: JSON {nj:.2?}, packed {np:.2?}");
}
