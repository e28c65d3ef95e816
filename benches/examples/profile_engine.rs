//! Runs the benchmark workloads once each, for instruction-count profiling
//! (`valgrind --tool=callgrind`), which is repeatable on a busy machine.

use akscert_benches::{fleet, single};
use akscert_core::engine::{self, RunOptions};

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "single".into());
    let scenario = match which.as_str() {
        "fleet" => fleet(1_000, 10, 42),
        _ => single(30),
    };
    let t = engine::simulate(&scenario, RunOptions::default()).expect("valid");
    println!("{} events", t.summary.events);
}
