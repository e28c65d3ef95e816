//! x509-misc (500 certificates from BoringSSL, x509-parser, webpki and zlint): every row
//! MANIFEST.tsv marks accept is accepted with facts that agree with what OpenSSL/pyca
//! recorded; every reject row is refused with a typed error or shown with a warning naming
//! the defect. Never a crash or a hang.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::time::{Duration as StdDuration, Instant as StdInstant};

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions, Inspection};
use akscert_tests::corpus_dir;

struct Row {
    file: String,
    expected: String,
    format: String,
    pyca: String,
    key: String,
    sigalg: String,
    nb_raw: String,
    na_raw: String,
    serial_hex: String,
}

fn rows(dir: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("x509-misc/MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let g = |i: usize| {
                f.get(i)
                    .copied()
                    .unwrap_or("")
                    .trim_matches('"')
                    .to_string()
            };
            Row {
                file: g(0),
                expected: g(1),
                format: g(3),
                pyca: g(5),
                key: g(6),
                sigalg: g(7),
                nb_raw: g(9),
                na_raw: g(10),
                serial_hex: g(13),
            }
        })
        .collect()
}

/// An independent reading of the raw time strings the manifest recorded (`0908080100Z`,
/// `160810142728-0500`, `20571201060708.999Z`), as OpenSSL interprets them.
fn raw_time(raw: &str) -> Instant {
    let (body, offset) = if let Some(b) = raw.strip_suffix('Z') {
        (b, 0i64)
    } else if raw.len() > 5 && matches!(raw.as_bytes()[raw.len() - 5], b'+' | b'-') {
        let (b, off) = raw.split_at(raw.len() - 5);
        let hh: i64 = off[1..3].parse().unwrap();
        let mm: i64 = off[3..5].parse().unwrap();
        let s = hh * 3600 + mm * 60;
        (b, if off.starts_with('+') { s } else { -s })
    } else {
        (raw, 0)
    };
    let body = body.split('.').next().unwrap();
    let (year, rest) = if body.len() == 10 || body.len() == 12 {
        let yy: i16 = body[..2].parse().unwrap();
        (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &body[2..])
    } else {
        (body[..4].parse().unwrap(), &body[4..])
    };
    let n = |r: std::ops::Range<usize>| -> i8 { rest.get(r).map_or(0, |s| s.parse().unwrap()) };
    let local = Instant::from_civil(year, n(0..2), n(2..4), n(4..6), n(6..8), n(8..10)).unwrap();
    Instant::from_unix(local.unix() - offset).unwrap()
}

/// `openssl x509 -serial` form of raw INTEGER content octets, computed independently.
fn openssl_serial(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let negative = bytes[0] & 0x80 != 0;
    let mag: Vec<u8> = if negative {
        // -(2^n - value)
        let mut borrow = 0i16;
        let mut out = vec![0u8; bytes.len()];
        for i in (0..bytes.len()).rev() {
            let v = 0i16 - i16::from(bytes[i]) - borrow;
            out[i] = v.rem_euclid(256) as u8;
            borrow = i16::from(v < 0);
        }
        out
    } else {
        bytes
    };
    let s: String = mag
        .iter()
        .skip_while(|&&b| b == 0)
        .map(|b| format!("{b:02X}"))
        .collect();
    let s = if s.is_empty() { "00".to_string() } else { s };
    if negative { format!("-{s}") } else { s }
}

fn inspect_file(path: &std::path::Path, format: &str) -> Result<Inspection, inspect::InspectError> {
    let bytes = std::fs::read(path).expect("read corpus file");
    let opts = InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap());
    if format == "DER" {
        inspect::inspect_der(&bytes, &opts)
    } else {
        inspect::inspect_certificates(&bytes, &opts)
    }
}

#[test]
fn manifest_accept_and_reject_rows_agree() {
    let Some(dir) = corpus_dir() else { return };
    let rows = rows(&dir);
    assert!(rows.len() >= 500, "MANIFEST.tsv has {} rows", rows.len());
    let (mut accepted, mut rejected_typed, mut rejected_warned, mut strict, mut lenient) =
        (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for r in &rows {
        let started = StdInstant::now();
        let result = inspect_file(&dir.join("x509-misc").join(&r.file), &r.format);
        assert!(
            started.elapsed() < StdDuration::from_secs(2),
            "{} took {:?}",
            r.file,
            started.elapsed()
        );
        if r.expected.starts_with("accept") {
            let i = match result {
                Ok(i) => i,
                Err(e) => {
                    failures.push(format!("{}: expected accept, got {e}", r.file));
                    continue;
                }
            };
            accepted += 1;
            let c = &i.certificates[0];
            if c.strict_der {
                strict += 1;
            } else {
                lenient += 1;
            }
            // A lenient reading must say why it was needed.
            if !c.strict_der && c.warnings.is_empty() {
                failures.push(format!("{}: read leniently without a warning", r.file));
            }
            if !r.nb_raw.is_empty() && c.not_before != raw_time(&r.nb_raw) {
                failures.push(format!(
                    "{}: notBefore {} but manifest {}",
                    r.file, c.not_before, r.nb_raw
                ));
            }
            if !r.na_raw.is_empty() && c.not_after != raw_time(&r.na_raw) {
                failures.push(format!(
                    "{}: notAfter {} but manifest {}",
                    r.file, c.not_after, r.na_raw
                ));
            }
            if !r.serial_hex.is_empty() && c.serial != openssl_serial(&r.serial_hex) {
                failures.push(format!(
                    "{}: serial {} but manifest {}",
                    r.file, c.serial, r.serial_hex
                ));
            }
            if r.pyca == "ok" {
                let (alg, size) = r.key.split_once('-').unwrap_or((r.key.as_str(), ""));
                let ok = match alg {
                    "RSA" | "DSA" => {
                        c.public_key.algorithm == alg
                            && c.public_key.bits.map(|b| b.to_string()) == Some(size.to_string())
                    }
                    "EC" => {
                        let curve = match size {
                            "secp256r1" => "P-256",
                            "secp384r1" => "P-384",
                            "secp521r1" => "P-521",
                            "secp224r1" => "P-224",
                            other => other,
                        };
                        c.public_key.algorithm == "EC"
                            && c.public_key.curve.as_deref() == Some(curve)
                    }
                    other => c.public_key.algorithm == other,
                };
                if !ok {
                    failures.push(format!(
                        "{}: key {:?} but manifest {}",
                        r.file, c.public_key, r.key
                    ));
                }
                let want = match r.sigalg.as_str() {
                    "ed25519" => "Ed25519",
                    other => other,
                };
                if r.sigalg != "Unknown OID" && c.signature_algorithm != want {
                    failures.push(format!(
                        "{}: signature {} but manifest {}",
                        r.file, c.signature_algorithm, r.sigalg
                    ));
                }
            }
        } else if r.expected.starts_with("reject") {
            match result {
                Err(_) => rejected_typed += 1,
                Ok(i) => {
                    let c = &i.certificates[0];
                    if c.warnings.is_empty() {
                        failures.push(format!(
                            "{}: expected reject, accepted without a warning",
                            r.file
                        ));
                    } else {
                        rejected_warned += 1;
                    }
                }
            }
        }
    }
    eprintln!(
        "x509-misc: {accepted} accepted ({strict} strict DER, {lenient} lenient with warnings), reject rows: {rejected_typed} typed errors + {rejected_warned} shown with a defect warning"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(accepted >= 450);
    // Only a handful of accept rows need the lenient reader (BoringSSL's own "accept with
    // WARNING" cases such as a 37-byte serial).
    assert!(
        strict >= 445,
        "only {strict} accept rows parsed as strict DER"
    );
}

#[test]
fn negative_serial_prints_like_openssl() {
    let Some(dir) = corpus_dir() else { return };
    let i = inspect_file(&dir.join("x509-misc/webpki/misc__serial_neg_ee.der"), "DER").unwrap();
    // tool-output/openssl x509-text--webpki-serial-negative-ee: `-3735928559 (-0xdeadbeef)`.
    assert_eq!(i.certificates[0].serial, "-DEADBEEF");
    assert!(
        i.certificates[0]
            .warnings
            .iter()
            .any(|w| w.contains("negative"))
    );
}
