//! Bad input: truncated, non-base64, wrong PEM label, trailing garbage, indefinite and
//! absurd lengths, deep nesting, a 10 MB input. Each gives a typed error naming what and
//! where, or a warning; nothing panics, nothing is quadratic.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::time::Instant as Clock;

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectError, InspectOptions, MAX_INSPECT_BYTES};
use rcgen::{CertificateParams, DnType, KeyPair};

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap())
}

fn cert_der() -> Vec<u8> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::new(vec!["kubernetes.default.svc".to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "apiserver");
    p.self_signed(&key).unwrap().der().to_vec()
}

fn b64(data: &[u8]) -> String {
    akscert_tests::base64(data)
}

fn pem(der: &[u8], label: &str) -> String {
    let body: Vec<String> = b64(der)
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.join("\n")
    )
}

#[test]
fn every_truncation_of_a_certificate_is_a_typed_error() {
    let der = cert_der();
    for len in 1..der.len() {
        match inspect::inspect_der(&der[..len], &opts()) {
            Err(InspectError::Der { offset, reason, .. }) => {
                assert!(
                    offset <= len,
                    "offset {offset} beyond the {len} bytes given"
                );
                assert!(!reason.is_empty());
            }
            other => panic!("truncated to {len}: {other:?}"),
        }
    }
}

#[test]
fn indefinite_and_absurd_lengths_name_the_byte() {
    let mut der = cert_der();
    der[1] = 0x80;
    let e = inspect::inspect_der(&der, &opts()).unwrap_err();
    assert!(
        matches!(&e, InspectError::Der { offset: 1, reason, .. } if reason.contains("indefinite")),
        "{e}"
    );
    let absurd = [0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00];
    let e = inspect::inspect_der(&absurd, &opts()).unwrap_err();
    assert!(
        matches!(&e, InspectError::Der { offset: 0, reason, .. } if reason.contains("claims 2147483647 bytes")),
        "{e}"
    );
    let too_long = [0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    let e = inspect::inspect_der(&too_long, &opts()).unwrap_err();
    assert!(e.to_string().contains("absurd"), "{e}");
}

#[test]
fn non_base64_wrong_label_and_trailing_garbage() {
    let der = cert_der();
    let good = pem(&der, "CERTIFICATE");
    let bad = good.replacen('\n', "\nMII!", 1);
    let e = inspect::inspect(bad.as_bytes(), opts().now).unwrap_err();
    assert!(
        matches!(&e, InspectError::Pem { line: 1, reason, .. } if reason.contains("line 2, column 4: not a base64 character")),
        "{e}"
    );

    let csr = pem(&der, "CERTIFICATE REQUEST");
    let e = inspect::inspect(csr.as_bytes(), opts().now).unwrap_err();
    assert!(
        matches!(&e, InspectError::NoCertificate { found } if found.contains("CERTIFICATE REQUEST")),
        "{e}"
    );

    let mislabelled = good.replace("-----END CERTIFICATE-----", "-----END X509 CRL-----");
    let e = inspect::inspect(mislabelled.as_bytes(), opts().now).unwrap_err();
    assert!(e.to_string().contains("labels differ"), "{e}");

    // Text around and between blocks, CRLF, indentation: fine.
    let messy = format!(
        "subject=CN = apiserver\r\n{}\r\n  trailing words\r\n{}",
        good.replace('\n', "\r\n    "),
        good
    );
    let i = inspect::inspect(messy.as_bytes(), opts().now).unwrap();
    assert_eq!(i.certificates.len(), 2);

    // Trailing garbage after DER: shown, with a warning that names the byte offset.
    let mut trailing = der.clone();
    trailing.extend_from_slice(&[0, 0, 0xde, 0xad]);
    let i = inspect::inspect_der(&trailing, &opts()).unwrap();
    assert!(
        i.certificates[0]
            .warnings
            .iter()
            .any(|w| w.contains(&format!(
                "4 bytes of trailing data after the certificate (at byte {})",
                der.len()
            ))),
        "{:?}",
        i.certificates[0].warnings
    );

    // Base64 DER without PEM armour, as `kubectl config view --raw -o jsonpath=…` prints.
    let i = inspect::inspect(b64(&der).as_bytes(), opts().now).unwrap();
    assert_eq!(i.certificates.len(), 1);
    // …and base64 of PEM, as AKS's certificate-authority-data holds.
    let i = inspect::inspect(b64(good.as_bytes()).as_bytes(), opts().now).unwrap();
    assert_eq!(i.certificates.len(), 1);
}

#[test]
fn private_keys_are_never_echoed_even_in_errors() {
    let secret_body = "TUlJRXBBSUJBQUtDQVFFQXE3V0JKdXRxNlNlY3JldEtleU1hdGVyaWFs";
    let text =
        format!("-----BEGIN RSA PRIVATE KEY-----\n{secret_body}\n-----END RSA PRIVATE KEY-----\n");
    let i = inspect::inspect(text.as_bytes(), opts().now).unwrap();
    assert_eq!(i.secrets.len(), 1);
    let json = serde_json::to_string(&i).unwrap();
    assert!(!json.contains(secret_body) && !json.contains("TUlJRXBB"));
    // A truncated key block: still not echoed.
    let cut = format!("-----BEGIN EC PRIVATE KEY-----\n{secret_body}\n");
    let out = format!("{:?}", inspect::inspect(cut.as_bytes(), opts().now));
    assert!(!out.contains("TUlJRXBB"), "{out}");
    // A kubeconfig with a YAML error right after a token.
    let kc = "apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- name: u\n  user:\n    token: eyJhbGciOiJSUzI1NiIsImtpZCI6InNlY3JldCJ9\n    password: [\n";
    let e = inspect::inspect(kc.as_bytes(), opts().now).unwrap_err();
    assert!(!e.to_string().contains("eyJhbGci"), "{e}");
    assert!(matches!(e, InspectError::Yaml { .. }), "{e:?}");
}

#[test]
fn size_limit_is_enforced_before_parsing() {
    let big = vec![b'A'; MAX_INSPECT_BYTES + 1];
    assert!(
        matches!(inspect::inspect(&big, opts().now), Err(InspectError::TooLarge { size, limit }) if size == MAX_INSPECT_BYTES + 1 && limit == MAX_INSPECT_BYTES)
    );
}

#[test]
fn ten_megabyte_inputs_take_linear_time() {
    // Many BEGIN lines without END, long base64 lines, and a long kubeconfig-ish text: the
    // inputs that would expose quadratic scanning.
    let shapes: Vec<Box<dyn Fn(usize) -> Vec<u8>>> = vec![
        Box::new(|n| {
            "-----BEGIN CERTIFICATE-----\nQUJD\n"
                .repeat(n / 32)
                .into_bytes()
        }),
        Box::new(|n| {
            let mut v = b"-----BEGIN CERTIFICATE-----\n".to_vec();
            v.extend(std::iter::repeat_n(b'Q', n));
            v
        }),
        Box::new(|n| {
            "notAfter=Jan 23 05:43:49 2027 GMT\n"
                .repeat(n / 34)
                .into_bytes()
        }),
        Box::new(|n| {
            "NAME  STATUS  ROLES  AGE  VERSION\n"
                .repeat(n / 34)
                .into_bytes()
        }),
        Box::new(|n| "x".repeat(n).into_bytes()),
    ];
    for (k, shape) in shapes.iter().enumerate() {
        let small = shape(1_000_000);
        let large = shape(10_000_000);
        let t0 = Clock::now();
        let _ = inspect::inspect(&small, opts().now);
        let t_small = t0.elapsed();
        let t1 = Clock::now();
        let _ = inspect::inspect(&large, opts().now);
        let t_large = t1.elapsed();
        // 10× the input may cost ~10× (allow noise), never ~100×.
        assert!(
            t_large.as_secs_f64() <= 30.0 * t_small.as_secs_f64().max(0.005),
            "shape {k}: 1 MB took {t_small:?}, 10 MB took {t_large:?}"
        );
    }
}

#[test]
fn deeply_nested_yaml_and_json_fail_cleanly() {
    let yaml = format!(
        "apiVersion: v1\nkind: Config\nclusters: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(inspect::inspect(yaml.as_bytes(), opts().now).is_err());
    let json = format!(
        "{{\"agentPoolProfiles\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(matches!(
        inspect::inspect(json.as_bytes(), opts().now),
        Err(InspectError::Json { .. })
    ));
}

#[test]
fn utf16_and_odd_encodings() {
    let der = cert_der();
    let text = pem(&der, "CERTIFICATE");
    let le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(
        inspect::inspect(&le, opts().now)
            .unwrap()
            .certificates
            .len(),
        1
    );
    let odd = [0xff, 0xfe, b'a'];
    assert!(matches!(
        inspect::inspect(&odd, opts().now),
        Err(InspectError::Encoding { .. })
    ));
    let binary = [0x01, 0x02, 0xff, 0xfe, 0x00, 0x80];
    assert!(matches!(
        inspect::inspect(&binary, opts().now),
        Err(InspectError::Encoding { offset: 2, .. })
    ));
}

#[test]
fn large_sets_pair_only_matching_names() {
    // Two bundles of 200 certificates each: trust checks are looked up by issuer name, so
    // this is 400 reads, not 40,000 pairings.
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let bundle = |prefix: &str, ca: bool| -> String {
        (0..200)
            .map(|i| {
                let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
                p.distinguished_name
                    .push(DnType::CommonName, format!("{prefix}-{i}"));
                if ca {
                    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
                }
                p.self_signed(&key).unwrap().pem()
            })
            .collect()
    };
    let (cas, leaves) = (bundle("ca", true), bundle("leaf", false));
    let t = Clock::now();
    let set = inspect::inspect_set(
        &[
            ("cas.pem", cas.as_bytes()),
            ("leaves.pem", leaves.as_bytes()),
        ],
        &opts(),
    );
    assert_eq!(
        set.items[0].inspection.as_ref().unwrap().certificates.len(),
        200
    );
    assert!(
        set.trust.is_empty(),
        "no leaf names one of these CAs as issuer"
    );
    assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
}
