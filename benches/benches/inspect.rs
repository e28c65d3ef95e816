//! Inspection throughput: `inspect_der` (strict + lenient parse, extensions, AKS role,
//! SHA-256 fingerprint, self-signature check) per certificate over the corpus
//! certificates, beside x509-parser's parse rate measured in the same run.
//!
//! `cargo bench -p akscert-benches --bench inspect`. Without the corpus, the certificates
//! are generated with rcgen.

// Bench code: a failed unwrap aborts the bench with its message.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant as Clock};

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions};
use criterion::{Criterion, Throughput};

fn corpus_certificates() -> (Vec<Vec<u8>>, &'static str) {
    if let Some(dir) = akscert_tests::corpus_dir() {
        let mut ders = Vec::new();
        for sub in ["x509-misc", "k8s-pki"] {
            let mut stack = vec![dir.join(sub)];
            while let Some(d) = stack.pop() {
                let mut entries: Vec<_> = std::fs::read_dir(&d)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .collect();
                entries.sort();
                for p in entries {
                    if p.is_dir() {
                        stack.push(p);
                    } else if let Ok(bytes) = std::fs::read(&p)
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
        }
        (ders, "corpus")
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
        (ders, "rcgen-generated")
    }
}

fn akscert_pass(ders: &[Vec<u8>], opts: &InspectOptions) -> usize {
    let mut n = 0;
    for d in ders {
        let i = inspect::inspect_der(d, opts).unwrap();
        n += black_box(i.certificates[0].sha256_fingerprint.len());
    }
    n
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
    let (ders, source) = corpus_certificates();
    let opts = InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap());
    let facts_only = InspectOptions {
        check_signatures: false,
        ..opts.clone()
    };
    eprintln!("benchmarking {} {source} certificates", ders.len());
    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("per_certificate");
        g.throughput(Throughput::Elements(ders.len() as u64));
        g.bench_function("akscert_inspect_der_with_sha256", |b| {
            b.iter(|| akscert_pass(&ders, &opts))
        });
        g.bench_function("akscert_inspect_der_with_sha256_no_signature_checks", |b| {
            b.iter(|| akscert_pass(&ders, &facts_only))
        });
        g.bench_function("x509_parser_parse", |b| b.iter(|| x509_parser_pass(&ders)));
        g.finish();
    }
    c.final_summary();
    // Both rates measured again back to back in this run, for the ratio.
    let a = rate(Duration::from_secs(3), ders.len(), || {
        black_box(akscert_pass(&ders, &opts));
    });
    let f = rate(Duration::from_secs(3), ders.len(), || {
        black_box(akscert_pass(&ders, &facts_only));
    });
    let x = rate(Duration::from_secs(3), ders.len(), || {
        black_box(x509_parser_pass(&ders));
    });
    println!("akscert inspect+sha256: {a:.0} certs/s");
    println!("akscert inspect+sha256, no signature checks: {f:.0} certs/s");
    println!("x509-parser parse:      {x:.0} certs/s");
    println!(
        "ratio akscert/x509-parser: {:.3} (x509-parser is {:.1}x faster)",
        a / x,
        x / a
    );
    println!(
        "ratio akscert (no signature checks)/x509-parser: {:.3} (x509-parser is {:.1}x faster)",
        f / x,
        x / f
    );
}
