//! Inspects one PEM bundle many times with the default options, for profiling
//! (`perf record --call-graph dwarf`, `valgrind --tool=dhat` for allocation sites), and
//! prints the report's JSON once, to compare an inspection change byte for byte.
//!
//! `cargo run --release -p akscert-benches --example profile_inspect -- [FILE] [PASSES]`
//! (FILE defaults to the system CA store, PASSES to 2000)
//! `cargo run --release -p akscert-benches --example profile_inspect -- FILE json`

use std::hint::black_box;

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .unwrap_or_else(|| "/etc/ssl/certs/ca-certificates.crt".into());
    let bundle = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let opts = InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").expect("a date"));
    let second = args.next();
    if second.as_deref() == Some("json") {
        match inspect::inspect_with(&bundle, &opts) {
            Ok(report) => println!("{}", serde_json::to_string(&report).unwrap_or_default()),
            Err(e) => println!("error: {e}"),
        }
        return;
    }
    let passes: u32 = second.and_then(|p| p.parse().ok()).unwrap_or(2000);
    let start = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..passes {
        n += black_box(inspect::inspect_with(&bundle, &opts).expect("inspects"))
            .certificates
            .len();
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{n} certificates in {secs:.3} s: {:.0} certs/s",
        n as f64 / secs
    );
}
