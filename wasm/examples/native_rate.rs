//! Calls per second of one `api::call` operation natively: the baseline that
//! `benches/node/x509-peer.mjs` compares the WebAssembly module against.
//!
//! `cargo run --release -p akscert-wasm --example native_rate -- OP INPUT_FILE [SECONDS]`
//! prints one JSON line: `{"op":…,"calls":…,"seconds":…,"callsPerSecond":…}`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(op), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: native_rate OP INPUT_FILE [SECONDS]");
        return ExitCode::from(2);
    };
    let seconds: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2.0);
    let input = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("native_rate: cannot read {file}: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = akscert_core::api::call(op, &input) {
        eprintln!("native_rate: {op} refuses the input: {e}");
        return ExitCode::from(2);
    }
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut calls = 0u64;
    let mut bytes = 0usize;
    while start.elapsed() < budget {
        bytes += akscert_core::api::call(op, &input).map_or(0, |s| s.len());
        calls += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{{\"op\":\"{op}\",\"calls\":{calls},\"seconds\":{elapsed:.3},\"callsPerSecond\":{:.1},\"outputBytes\":{}}}",
        calls as f64 / elapsed,
        bytes / calls.max(1) as usize
    );
    ExitCode::SUCCESS
}
