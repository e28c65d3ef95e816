//! The `strictDer` verdict agrees with x509-cert (strict RFC 5280 DER) for every certificate:
//! inspection asks x509-cert only about certificates its own walk found an encoding defect
//! in, so this checks that shortcut against x509-cert itself — on every certificate of the
//! corpus (x509-misc, the Kubernetes PKI, x509-limbo's chains) and on generated ones whose
//! only defects are in what the fields say (an empty name, notAfter before notBefore, a zero
//! serial). And each extension's verdict is x509-cert's typed decoder's: inspection warns
//! that an extension is malformed exactly when x509-cert refuses to decode it.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions};
use akscert_tests::corpus_dir;
use x509_cert::der::Decode;

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap())
}

/// Inspects one DER certificate alone and returns (strictDer, x509-cert accepts it), or
/// `None` when inspection shows no certificate row for it.
fn verdicts(der: &[u8]) -> Option<(bool, bool)> {
    let inspection = inspect::inspect_der(der, &opts()).ok()?;
    let row = inspection.certificates.first()?;
    Some((
        row.strict_der,
        x509_cert::Certificate::from_der(der).is_ok(),
    ))
}

/// Every PEM certificate string inside a JSON document (x509-limbo's test cases).
fn pem_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.contains("-----BEGIN CERTIFICATE-----") => {
            out.push(s.clone())
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| pem_strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| pem_strings(v, out)),
        _ => {}
    }
}

/// Every certificate of the corpus (x509-misc, the Kubernetes PKI, x509-limbo's chains),
/// DER, with the file it came from; `None` without the corpus.
fn corpus_ders() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = corpus_dir()?;
    let mut ders = Vec::new();
    for sub in ["x509-misc", "k8s-pki"] {
        for path in akscert_tests::corpus_files(&dir.join(sub)) {
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(found) = inspect::certificates_der(&bytes) {
                ders.extend(found.into_iter().map(|d| (path.display().to_string(), d)));
            }
        }
    }
    for path in akscert_tests::corpus_files(&dir.join("x509-limbo")) {
        if path.extension().is_some_and(|e| e == "json") {
            let doc: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let mut pems = Vec::new();
            pem_strings(&doc, &mut pems);
            for pem in pems {
                let found = inspect::certificates_der(pem.as_bytes()).unwrap();
                ders.extend(found.into_iter().map(|d| (path.display().to_string(), d)));
            }
        }
    }
    Some(ders)
}

#[test]
fn strict_verdict_is_x509_certs_on_every_corpus_certificate() {
    let Some(ders) = corpus_ders() else { return };
    let (mut compared, mut strict, mut refused) = (0, 0, 0);
    for (source, der) in &ders {
        let Some((ours, x509_cert)) = verdicts(der) else {
            continue;
        };
        assert_eq!(
            ours, x509_cert,
            "a certificate in {source}: strictDer says {ours}, x509-cert's verdict is {x509_cert}"
        );
        compared += 1;
        if ours {
            strict += 1;
        } else {
            refused += 1;
        }
    }
    // The corpus has both kinds in number, so neither side of the shortcut goes untested.
    assert!(
        compared > 1500 && strict > 1000 && refused > 10,
        "compared {compared}: {strict} strict, {refused} refused"
    );
}

#[test]
fn empty_names_swapped_dates_and_a_zero_serial_are_still_strict_der() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.not_before = rcgen::date_time_ymd(2030, 1, 1);
    params.not_after = rcgen::date_time_ymd(2025, 1, 1);
    params.serial_number = Some(rcgen::SerialNumber::from(vec![0]));
    let der = params.self_signed(&key).unwrap().der().to_vec();

    let inspection = inspect::inspect_der(&der, &opts()).unwrap();
    let row = &inspection.certificates[0];
    for expected in [
        "issuer name is empty",
        "notAfter is before notBefore: the certificate is never valid",
        "serialNumber is zero",
    ] {
        assert!(
            row.warnings.iter().any(|w| w.starts_with(expected)),
            "{expected:?} missing from {:?}",
            row.warnings
        );
    }
    assert_eq!(verdicts(&der), Some((true, true)));
}

/// x509-cert's verdict on one extension value, by OID: `Some(decodes)` for the extensions
/// inspection decodes, with the name its warning uses.
fn x509_cert_verdict(oid: &str, value: &[u8]) -> Option<(&'static str, bool)> {
    use x509_cert::ext::pkix::{
        AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
        CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, NameConstraints, PolicyConstraints,
        SubjectAltName, SubjectKeyIdentifier,
    };
    Some(match oid {
        "2.5.29.19" => (
            "basicConstraints",
            BasicConstraints::from_der(value).is_ok(),
        ),
        "2.5.29.15" => ("keyUsage", KeyUsage::from_der(value).is_ok()),
        "2.5.29.37" => (
            "extendedKeyUsage",
            ExtendedKeyUsage::from_der(value).is_ok(),
        ),
        "2.5.29.17" => ("subjectAltName", SubjectAltName::from_der(value).is_ok()),
        "2.5.29.18" => ("issuerAltName", SubjectAltName::from_der(value).is_ok()),
        "2.5.29.14" => (
            "subjectKeyIdentifier",
            SubjectKeyIdentifier::from_der(value).is_ok(),
        ),
        "2.5.29.35" => (
            "authorityKeyIdentifier",
            AuthorityKeyIdentifier::from_der(value).is_ok(),
        ),
        "2.5.29.30" => ("nameConstraints", NameConstraints::from_der(value).is_ok()),
        "2.5.29.32" => (
            "certificatePolicies",
            CertificatePolicies::from_der(value).is_ok(),
        ),
        "2.5.29.36" => (
            "policyConstraints",
            PolicyConstraints::from_der(value).is_ok(),
        ),
        "2.5.29.31" => (
            "cRLDistributionPoints",
            CrlDistributionPoints::from_der(value).is_ok(),
        ),
        "1.3.6.1.5.5.7.1.1" => (
            "authorityInfoAccess",
            AuthorityInfoAccessSyntax::from_der(value).is_ok(),
        ),
        _ => return None,
    })
}

#[test]
fn an_extension_is_called_malformed_exactly_when_x509_cert_refuses_it_on_every_corpus_certificate()
{
    let Some(ders) = corpus_ders() else { return };
    let (mut compared, mut malformed) = (0, 0);
    for (source, der) in &ders {
        let Ok(cert) = x509_cert::Certificate::from_der(der) else {
            continue;
        };
        let Ok(inspection) = inspect::inspect_der(der, &opts()) else {
            continue;
        };
        let Some(row) = inspection.certificates.first() else {
            continue;
        };
        let exts: &[_] = cert.tbs_certificate().extensions().map_or(&[], |v| v);
        for ext in exts {
            let oid = ext.extn_id.to_string();
            // A repeated extension is warned about once per copy: not this comparison.
            if exts.iter().filter(|e| e.extn_id == ext.extn_id).count() > 1 {
                continue;
            }
            let Some((name, decodes)) = x509_cert_verdict(&oid, ext.extn_value.as_bytes()) else {
                continue;
            };
            let warned = row
                .warnings
                .iter()
                .any(|w| w.starts_with(&format!("{name} extension is malformed: ")));
            assert_eq!(
                warned, !decodes,
                "a certificate in {source}: {name} — inspection warns {warned}, x509-cert decodes {decodes}; warnings {:?}",
                row.warnings
            );
            compared += 1;
            malformed += usize::from(warned);
        }
    }
    assert!(
        compared > 5000 && malformed > 0,
        "compared {compared} extensions, {malformed} malformed"
    );
    eprintln!("{compared} extensions compared, {malformed} malformed");
}
