//! Trust checks pair a certificate only with CAs that could have issued it (issuer name =
//! CA subject, key identifiers equal when both present): unrelated roots and a
//! self-signed leaf beside a CA are not failures, and a large bundle is checked whole —
//! a bad certificate at the end is found, never dropped by a silent limit.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions, InspectionSet};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap())
}

fn odt(s: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(Instant::parse(s).unwrap().unix()).unwrap()
}

struct Ca {
    params: CertificateParams,
    key: KeyPair,
    pem: String,
}

fn ca(cn: &str) -> Ca {
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = odt("2024-01-01T00:00:00Z");
    params.not_after = odt("2054-01-01T00:00:00Z");
    let pem = params.self_signed(&key).unwrap().pem();
    Ca { params, key, pem }
}

fn leaf_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(vec![format!("{cn}.example.com")]).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = odt("2024-01-01T00:00:00Z");
    p.not_after = odt("2030-01-01T00:00:00Z");
    p
}

fn failures(set: &InspectionSet) -> Vec<String> {
    set.trust
        .iter()
        .chain(
            set.items
                .iter()
                .filter_map(|i| i.inspection.as_ref())
                .flat_map(|i| i.trust.iter()),
        )
        .filter(|t| !t.trusted)
        .map(|t| {
            format!(
                "{}#{} → {}#{}: {}",
                t.ca.source, t.ca.index, t.certificate.source, t.certificate.index, t.verdict
            )
        })
        .collect()
}

#[test]
fn a_node_ca_beside_its_self_signed_kubelet_serving_certificate_is_not_a_failure() {
    // Before: one CA file and one certificate file were always paired ("does this CA
    // verify this?"), so the self-signed serving certificate failed a trust check.
    let node_ca = ca("ca");
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let name = "aks-nodepool1-12345678-vmss000000@1716192000";
    let mut p = leaf_params(name);
    p.is_ca = IsCa::ExplicitNoCa;
    let serving = p.self_signed(&key).unwrap().pem();
    let set = inspect::inspect_set(
        &[
            ("ca.crt", node_ca.pem.as_bytes()),
            ("kubeletserver.crt", serving.as_bytes()),
        ],
        &opts(),
    );
    assert_eq!(failures(&set), Vec::<String>::new());
    assert!(set.trust.is_empty(), "{:#?}", set.trust);
    assert!(!set.summary.needs_attention, "{:?}", set.summary.attention);
}

#[test]
fn unrelated_roots_and_same_name_roots_are_not_failures() {
    // A CA store: every root its own file, two of them sharing a name (re-keyed roots).
    let roots = [ca("Root A"), ca("Root B"), ca("Root C"), ca("Root C")];
    let names: Vec<String> = (0..roots.len()).map(|i| format!("root{i}.pem")).collect();
    let inputs: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&roots)
        .map(|(n, r)| (n.as_str(), r.pem.as_bytes()))
        .collect();
    let set = inspect::inspect_set(&inputs, &opts());
    assert_eq!(failures(&set), Vec::<String>::new());
    assert!(!set.summary.needs_attention, "{:?}", set.summary.attention);
    // The same roots in one bundle file.
    let bundle: String = roots.iter().map(|r| r.pem.as_str()).collect();
    let set = inspect::inspect_set(&[("bundle.pem", bundle.as_bytes())], &opts());
    assert_eq!(failures(&set), Vec::<String>::new());
}

#[test]
fn the_system_ca_store_has_no_trust_failures() {
    let Ok(dir) = std::fs::read_dir("/etc/ssl/certs") else {
        eprintln!("skipped: no /etc/ssl/certs");
        return;
    };
    let mut files: Vec<(String, Vec<u8>)> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pem"))
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(&p).ok()?)))
        .collect();
    files.sort();
    if files.is_empty() {
        eprintln!("skipped: no .pem files in /etc/ssl/certs");
        return;
    }
    let inputs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let set = inspect::inspect_set(&inputs, &opts());
    assert_eq!(failures(&set), Vec::<String>::new());
}

/// A CA, `good` leaves it issued, and one leaf from another CA with the same name (a
/// rotation), first or last in the bundle.
fn bundle(good: usize, bad_first: bool) -> String {
    let ca1 = ca("cluster-ca");
    let ca2 = ca("cluster-ca");
    // One leaf key for all: signing is what is being checked, not key generation.
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let issuer1 = Issuer::from_params(&ca1.params, &ca1.key);
    let issuer2 = Issuer::from_params(&ca2.params, &ca2.key);
    let bad = leaf_params("from-the-other-ca")
        .signed_by(&key, &issuer2)
        .unwrap()
        .pem();
    let mut out = ca1.pem.clone();
    if bad_first {
        out.push_str(&bad);
    }
    for i in 0..good {
        out.push_str(
            &leaf_params(&format!("node{i}"))
                .signed_by(&key, &issuer1)
                .unwrap()
                .pem(),
        );
    }
    if !bad_first {
        out.push_str(&bad);
    }
    out
}

#[test]
fn every_certificate_of_a_large_bundle_is_checked_and_a_bad_one_at_the_end_is_found() {
    // Before: at most 1,000 trust checks were made and the rest dropped without a word, so
    // the one bad certificate after 999 good ones went unchecked and the exit code was 0.
    for bad_first in [false, true] {
        let b = bundle(999, bad_first);
        let set = inspect::inspect_set(&[("bundle.pem", b.as_bytes())], &opts());
        let i = set.items[0].inspection.as_ref().unwrap();
        assert_eq!(i.certificates.len(), 1_001);
        assert_eq!(i.trust.len(), 1_000, "bad first: {bad_first}");
        let bad: Vec<_> = i.trust.iter().filter(|t| !t.trusted).collect();
        assert_eq!(bad.len(), 1, "bad first: {bad_first}");
        assert_eq!(
            i.certificates[bad[0].certificate.index]
                .subject
                .cn
                .as_deref(),
            Some("from-the-other-ca")
        );
        assert!(set.summary.needs_attention, "bad first: {bad_first}");
        assert!(
            !i.notes.iter().any(|n| n.contains("stopped")),
            "{:?}",
            i.notes
        );
    }
}
