//! Inspection throughput as a user meets it: one `inspect` call over a whole PEM bundle
//! with the DEFAULT options (no signature verification), beside x509-parser's parse-only
//! rate over the same certificates in the same run; and, for comparison, the same bundle
//! with `verify: true`.
//!
//! Bundles: the corpus certificates (`k8s-pki` + `x509-misc`, those both libraries read)
//! and the system CA store `/etc/ssl/certs/ca-certificates.crt`. Without the corpus, 300
//! rcgen-generated certificates stand in for it; without the CA store, it is skipped.
//!
//! `cargo bench -p akscert-benches --bench inspect`.

// Bench code: a failed unwrap aborts the bench with its message.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant as Clock};

use akscert_benches::median;
use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions};
use criterion::{Criterion, Throughput};

/// Every certificate of the corpus subdirectories that both libraries read.
fn corpus_certificates() -> (Vec<Vec<u8>>, &'static str) {
    if let Some(dir) = akscert_tests::corpus_dir() {
        let mut ders = Vec::new();
        for sub in ["x509-misc", "k8s-pki"] {
            for p in akscert_tests::corpus_files(&dir.join(sub)) {
                if let Ok(bytes) = std::fs::read(&p)
                    && let Ok(found) = inspect::certificates_der(&bytes)
                {
                    // Keep only what both libraries read, so the rates compare like for like.
                    ders.extend(
                        found
                            .into_iter()
                            .filter(|d| x509_parser::parse_x509_certificate(d).is_ok()),
                    );
                }
            }
        }
        (ders, "corpus k8s-pki + x509-misc")
    } else {
        let algs = [
            &rcgen::PKCS_ECDSA_P256_SHA256,
            &rcgen::PKCS_ECDSA_P384_SHA384,
            &rcgen::PKCS_ED25519,
        ];
        let ders = (0..300)
            .map(|i| {
                let key = rcgen::KeyPair::generate_for(algs[i % 3]).unwrap();
                let mut p =
                    rcgen::CertificateParams::new(vec![format!("node{i}.example.com")]).unwrap();
                p.distinguished_name.push(
                    rcgen::DnType::CommonName,
                    format!("system:node:aks-nodepool1-{i}"),
                );
                p.self_signed(&key).unwrap().der().to_vec()
            })
            .collect();
        (ders, "rcgen-generated (no corpus)")
    }
}

/// The system CA store's certificates, if there is one.
fn ca_store() -> Option<Vec<Vec<u8>>> {
    let bytes = std::fs::read("/etc/ssl/certs/ca-certificates.crt").ok()?;
    let ders = inspect::certificates_der(&bytes).ok()?;
    Some(
        ders.into_iter()
            .filter(|d| x509_parser::parse_x509_certificate(d).is_ok())
            .collect(),
    )
}

/// Standard base64 with padding (the bench crate has no base64 dependency of its own).
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(char::from(A[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One PEM bundle of `ders`, as a user would paste or point at.
fn pem_bundle(ders: &[Vec<u8>]) -> Vec<u8> {
    let mut out = String::new();
    for d in ders {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64(d);
        for line in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap());
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out.into_bytes()
}

fn akscert_pass(bundle: &[u8], n: usize, opts: &InspectOptions) -> usize {
    let i = inspect::inspect_with(bundle, opts).unwrap();
    assert_eq!(i.certificates.len(), n);
    black_box(i.certificates.len())
}

fn x509_parser_pass(ders: &[Vec<u8>]) -> usize {
    let mut n = 0;
    for d in ders {
        let (_, c) = x509_parser::parse_x509_certificate(d).unwrap();
        n += black_box(c.validity().not_after.timestamp() as usize);
    }
    n
}

/// Certificates per second over repeated passes for about `budget`.
fn rate(budget: Duration, n: usize, mut pass: impl FnMut()) -> f64 {
    pass();
    let start = Clock::now();
    let mut passes = 0u32;
    while start.elapsed() < budget || passes < 3 {
        pass();
        passes += 1;
    }
    f64::from(passes) * n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let opts = InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap());
    let verify = InspectOptions {
        verify: true,
        ..opts.clone()
    };
    let mut sets = vec![corpus_certificates()];
    if let Some(store) = ca_store() {
        sets.push((store, "/etc/ssl/certs/ca-certificates.crt"));
    } else {
        eprintln!("no /etc/ssl/certs/ca-certificates.crt: the CA-store bundle is skipped");
    }
    let mut c = Criterion::default().configure_from_args();
    let mut lines = Vec::new();
    for (ders, source) in &sets {
        let n = ders.len();
        let bundle = pem_bundle(ders);
        eprintln!("benchmarking one bundle of {n} certificates: {source}");
        let name = if source.starts_with("/etc") {
            "ca_store"
        } else {
            "corpus"
        };
        let mut g = c.benchmark_group(format!("inspect_bundle_{name}"));
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function("akscert_inspect_default", |b| {
            b.iter(|| akscert_pass(&bundle, n, &opts))
        });
        g.bench_function("akscert_inspect_verify", |b| {
            b.iter(|| akscert_pass(&bundle, n, &verify))
        });
        g.bench_function("x509_parser_parse", |b| b.iter(|| x509_parser_pass(ders)));
        g.finish();
        // Both rates again for the ratio, interleaved: nine rounds of akscert then
        // x509-parser (0.3 s each), so a slow stretch of a shared machine hits both; the
        // medians of each rate and of the rounds' ratios are printed.
        let mut rounds: Vec<(f64, f64)> = (0..9)
            .map(|_| {
                let a = rate(Duration::from_millis(300), n, || {
                    akscert_pass(&bundle, n, &opts);
                });
                let x = rate(Duration::from_millis(300), n, || {
                    black_box(x509_parser_pass(ders));
                });
                (a, x)
            })
            .collect();
        let a = median(rounds.iter().map(|r| r.0).collect());
        let x = median(rounds.iter().map(|r| r.1).collect());
        let ratio = median(rounds.drain(..).map(|(a, x)| a / x).collect());
        lines.push(format!(
            "{source} ({n} certs): akscert inspect (default options, one call over the PEM bundle) {a:.0} certs/s; x509-parser parse-only {x:.0} certs/s (medians of 9 interleaved rounds); ratio akscert/x509-parser {ratio:.3} (median of the rounds' ratios)"
        ));
    }
    c.final_summary();
    for l in lines {
        println!("{l}");
    }
}
