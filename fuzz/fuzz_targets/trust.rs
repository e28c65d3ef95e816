#![no_main]
//! Fuzz target: see fuzz/README.md.
use akscert_core::inspect::{self, ChainOptions, InspectOptions, ValidationProfile};
use akscert_core::Instant;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Split the input into leaf / intermediate / anchor by two length bytes, then run path
    // validation and the pairwise trust check on them.
    if data.len() < 2 {
        return;
    }
    let (a, b) = (usize::from(data[0]), usize::from(data[1]));
    let rest = &data[2..];
    let a = (a * 8).min(rest.len());
    let (leaf, rest) = rest.split_at(a);
    let b = (b * 8).min(rest.len());
    let (ica, anchor) = rest.split_at(b);
    let now = Instant::from_unix(1_785_542_400).unwrap_or(Instant::MIN);
    for profile in [ValidationProfile::Kubectl, ValidationProfile::Rfc5280, ValidationProfile::WebPki] {
        let _ = inspect::verify_chain(leaf, &[ica, leaf], &[anchor], &ChainOptions {
            now,
            profile,
            max_intermediates: Some(3),
            peer_name: Some("example.com".into()),
        });
    }
    let _ = inspect::check_trust(anchor, leaf, &InspectOptions::new(now));
});
