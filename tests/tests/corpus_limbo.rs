//! x509-limbo basic path subset: run path validation on every case, assert the ones in
//! scope, and print the pass count.
//!
//! Profiles: `webpki::*` cases use the WebPki profile (CA/B Forum rules), everything else
//! the Rfc5280 profile. Cases whose expectation is a policy the checker does not implement
//! are listed in OUT_OF_SCOPE with the reason; they still run and count in the total.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, ChainOptions, ValidationProfile};
use akscert_tests::corpus_dir;
use serde_json::Value;

/// (case id, why it is not asserted).
const OUT_OF_SCOPE: &[(&str, &str)] = &[];

fn der_of(pem: &str) -> Vec<u8> {
    let mut all = inspect::certificates_der(pem.as_bytes()).expect("limbo PEM parses");
    assert_eq!(all.len(), 1, "one certificate per PEM string");
    all.remove(0)
}

#[test]
fn limbo_basic_path_subset() {
    let Some(dir) = corpus_dir() else { return };
    let text = std::fs::read_to_string(dir.join("x509-limbo/limbo-basic-path-subset.json"))
        .expect("limbo subset");
    let suite: Value = serde_json::from_str(&text).expect("limbo JSON");
    let cases = suite["testcases"].as_array().expect("testcases");
    let default_now = Instant::parse("2026-08-01T00:00:00Z").unwrap();
    let (mut pass, mut total, mut in_scope, mut in_scope_pass) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        total += 1;
        let leaf = der_of(case["peer_certificate"].as_str().unwrap());
        let ints: Vec<Vec<u8>> = case["untrusted_intermediates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| der_of(p.as_str().unwrap()))
            .collect();
        let anchors: Vec<Vec<u8>> = case["trusted_certs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| der_of(p.as_str().unwrap()))
            .collect();
        let now = case["validation_time"]
            .as_str()
            .map_or(default_now, |t| Instant::parse(t).unwrap());
        let profile = if id.starts_with("webpki::") {
            ValidationProfile::WebPki
        } else {
            ValidationProfile::Rfc5280
        };
        let verdict = inspect::verify_chain(
            &leaf,
            &ints.iter().map(Vec::as_slice).collect::<Vec<_>>(),
            &anchors.iter().map(Vec::as_slice).collect::<Vec<_>>(),
            &ChainOptions {
                now,
                profile,
                max_intermediates: case["max_chain_depth"].as_u64().map(|d| d as usize),
                peer_name: case["expected_peer_name"]["value"]
                    .as_str()
                    .map(str::to_string),
            },
        );
        let expected = case["expected_result"].as_str() == Some("SUCCESS");
        let ok = verdict.valid == expected;
        if ok {
            pass += 1;
        }
        if OUT_OF_SCOPE.iter().any(|(o, _)| *o == id) {
            continue;
        }
        in_scope += 1;
        if ok {
            in_scope_pass += 1;
        } else {
            failures.push(format!(
                "{id}: expected {}, got valid={} ({:?})",
                case["expected_result"], verdict.valid, verdict.error
            ));
        }
    }
    eprintln!(
        "x509-limbo basic path subset: {pass}/{total} pass ({in_scope_pass}/{in_scope} in scope)"
    );
    assert!(
        failures.is_empty(),
        "{} in-scope failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, 84);
}
