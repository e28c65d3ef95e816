//! `curl -v` output that shows a TLS verification failure is a failure, not an unknown.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, InputKind, Status};

fn now() -> Instant {
    Instant::parse("2026-08-01T00:00:00Z").unwrap()
}

#[test]
fn unknown_issuer_and_self_signed_chain_need_attention() {
    // Before: status `unknown` and no attention line, so `akscert inspect` exited 0.
    for problem in [
        "unable to get local issuer certificate",
        "self signed certificate in certificate chain",
        "self-signed certificate in certificate chain",
    ] {
        let out = format!(
            "*   Trying 20.50.1.2:443...\n* Connected to myaks-dns.hcp.westeurope.azmk8s.io (20.50.1.2) port 443\n* SSL certificate problem: {problem}\n* Closing connection\ncurl: (60) SSL certificate problem: {problem}\nMore details here: https://curl.se/docs/sslcerts.html\n"
        );
        let i = inspect::inspect(out.as_bytes(), now()).unwrap();
        assert_eq!(i.input_kind, InputKind::Curl);
        assert_eq!(i.validities.len(), 1);
        assert_eq!(i.validities[0].status, Status::Unknown);
        assert!(i.summary.needs_attention, "{problem}: {:?}", i.summary);
        assert!(
            i.summary.attention.iter().any(|a| a.contains(problem)),
            "{problem}: {:?}",
            i.summary.attention
        );
    }
}

#[test]
fn an_ignored_verify_failure_with_k_needs_attention_and_success_does_not() {
    let k = "* Server certificate:\n*  subject: CN=apiserver\n*  start date: May 20 07:55:47 2024 GMT\n*  expire date: May 20 08:05:47 2028 GMT\n*  issuer: CN=ca\n*  SSL certificate verify result: unable to get local issuer certificate (20), continuing anyway.\n";
    let i = inspect::inspect(k.as_bytes(), now()).unwrap();
    assert_eq!(i.validities[0].status, Status::Ok);
    assert!(i.summary.needs_attention, "{:?}", i.summary);
    let ok = k.replace(
        "SSL certificate verify result: unable to get local issuer certificate (20), continuing anyway.",
        "SSL certificate verify ok.",
    );
    let i = inspect::inspect(ok.as_bytes(), now()).unwrap();
    assert!(!i.summary.needs_attention, "{:?}", i.summary.attention);
}
