//! Runs one inspection workload a number of times, for instruction-count profiling
//! (`valgrind --tool=callgrind`), which is repeatable on a busy machine.
//!
//! `cargo run --release -p akscert-core --example callgrind_inspect -- BUNDLE.pem [PASSES]`
//! inspects the file with the default options (no signature checks) PASSES times (10).
//!
//! An example of akscert-core rather than of akscert-benches so that it builds without the
//! simulator and wasmtime: profiling inspection needs only the core.

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: callgrind_inspect BUNDLE.pem [PASSES]");
        std::process::exit(2);
    };
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(10);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let now = match Instant::parse("2026-08-01T00:00:00Z") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let opts = InspectOptions::new(now);
    let mut certificates = 0;
    for _ in 0..passes {
        match inspect::inspect_with(&bytes, &opts) {
            Ok(i) => certificates += i.certificates.len(),
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("{passes} passes, {certificates} certificates");
}
