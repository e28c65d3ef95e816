#![no_main]
//! Fuzz target: see fuzz/README.md.
use akscert_core::inspect::{self, InspectOptions};
use akscert_core::Instant;
use libfuzzer_sys::fuzz_target;

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::from_unix(1_785_542_400).unwrap_or(Instant::MIN))
}

fuzz_target!(|data: &[u8]| {
    // The lenient DER walker, the strict decoders, extension decoders, signature checks.
    let _ = inspect::inspect_der(data, &opts());
});
