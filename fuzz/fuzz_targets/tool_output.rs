#![no_main]
//! Fuzz target: see fuzz/README.md.
use akscert_core::inspect::{self, InspectOptions};
use akscert_core::Instant;
use libfuzzer_sys::fuzz_target;

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::from_unix(1_785_542_400).unwrap_or(Instant::MIN))
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the tool-output parser; the rest is its input.
    let Some((&which, rest)) = data.split_first() else { return };
    let o = opts();
    let _ = match which % 6 {
        0 => inspect::inspect_openssl(rest, &o),
        1 => inspect::inspect_curl(rest, &o),
        2 => inspect::inspect_run_command(rest, &o),
        3 => inspect::inspect_kubectl_csr(rest, &o),
        4 => inspect::inspect_kubectl_nodes(rest, &o),
        _ => inspect::inspect_kubeadm(rest, &o),
    };
});
