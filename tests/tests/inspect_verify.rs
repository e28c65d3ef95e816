//! Inspection does what was asked: by default it reads, classifies and dates certificates
//! and says that `selfSigned`/`issuedBy` come from names and key identifiers only; with
//! `verify: true` signatures decide them, each (issuer key, certificate) pair verified at
//! most once, so thousands of copies of a badly signed certificate stay cheap.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions, LinkedBy};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

fn now() -> Instant {
    Instant::parse("2026-08-01T00:00:00Z").unwrap()
}

fn pem(der: &[u8]) -> String {
    let b64 = akscert_tests::base64(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// The same certificate with the last byte of its signature flipped.
fn damaged(der: &[u8]) -> Vec<u8> {
    let mut d = der.to_vec();
    let last = d.len() - 1;
    d[last] ^= 0x01;
    d
}

fn ca(cn: &str) -> (CertificateParams, KeyPair, Vec<u8>) {
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let der = p.self_signed(&key).unwrap().der().to_vec();
    (p, key, der)
}

fn leaf(cn: &str, ca: &(CertificateParams, KeyPair, Vec<u8>)) -> Vec<u8> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut p = CertificateParams::new(vec![format!("{cn}.example.com")]).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.signed_by(&key, &Issuer::from_params(&ca.0, &ca.1))
        .unwrap()
        .der()
        .to_vec()
}

fn verifying() -> InspectOptions {
    InspectOptions {
        verify: true,
        ..InspectOptions::new(now())
    }
}

#[test]
fn default_inspection_says_links_are_by_name_and_verify_checks_signatures() {
    let root = ca("ca");
    let bad_root = damaged(&root.2);
    let default = inspect::inspect_der(&bad_root, &InspectOptions::new(now())).unwrap();
    let c = &default.certificates[0];
    // Not verified: the claim is the certificate's own (issuer = subject), and says so.
    assert_eq!(c.linked_by, LinkedBy::NameAndKeyId);
    assert_eq!(c.self_signed, Some(true));
    let json = serde_json::to_value(c).unwrap();
    assert_eq!(json["linkedBy"], "nameAndKeyId");

    let verified = inspect::inspect_der(&bad_root, &verifying()).unwrap();
    let c = &verified.certificates[0];
    assert_eq!(c.linked_by, LinkedBy::Signature);
    assert_eq!(
        c.self_signed,
        Some(false),
        "the damaged self-signature fails"
    );
    assert_eq!(serde_json::to_value(c).unwrap()["linkedBy"], "signature");
    let good = inspect::inspect_der(&root.2, &verifying()).unwrap();
    assert_eq!(good.certificates[0].self_signed, Some(true));
}

#[test]
fn a_badly_signed_leaf_is_linked_by_name_by_default_and_refused_with_verify() {
    let root = ca("ca");
    let bundle = format!(
        "{}{}",
        pem(&damaged(&leaf("apiserver", &root))),
        pem(&root.2)
    );
    let default = inspect::inspect_with(bundle.as_bytes(), &InspectOptions::new(now())).unwrap();
    assert_eq!(default.certificates[0].issued_by, Some(1));
    assert_eq!(default.certificates[0].linked_by, LinkedBy::NameAndKeyId);
    assert!(default.trust.is_empty(), "no trust checks unless asked");

    let verified = inspect::inspect_with(bundle.as_bytes(), &verifying()).unwrap();
    assert_eq!(verified.certificates[0].issued_by, None);
    assert_eq!(verified.trust.len(), 1, "{:#?}", verified.trust);
    assert!(!verified.trust[0].trusted);
    assert!(verified.summary.needs_attention);

    // A good leaf: the same answers either way.
    let good = format!("{}{}", pem(&leaf("apiserver", &root)), pem(&root.2));
    let v = inspect::inspect_with(good.as_bytes(), &verifying()).unwrap();
    assert_eq!(v.certificates[0].issued_by, Some(1));
    assert!(v.trust[0].trusted, "{:#?}", v.trust[0]);
}

#[test]
fn a_key_identifier_naming_another_key_is_not_an_issuer() {
    // Two CAs with one name (a rotation): rcgen leaves carry the issuing CA's key id.
    let old = ca("ca");
    let new = ca("ca");
    let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut p = CertificateParams::new(vec!["apiserver".into()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "apiserver");
    p.use_authority_key_identifier_extension = true;
    let by_new = p
        .signed_by(&key, &Issuer::from_params(&new.0, &new.1))
        .unwrap()
        .der()
        .to_vec();
    let bundle = format!("{}{}{}", pem(&by_new), pem(&old.2), pem(&new.2));
    for opts in [InspectOptions::new(now()), verifying()] {
        let i = inspect::inspect_with(bundle.as_bytes(), &opts).unwrap();
        assert_eq!(i.certificates[0].issued_by, Some(2), "{:?}", opts.verify);
    }
    let v = inspect::inspect_with(bundle.as_bytes(), &verifying()).unwrap();
    // Only the plausible pair is checked: the old CA is not a failure.
    assert_eq!(v.trust.len(), 1, "{:#?}", v.trust);
    assert!(v.trust[0].trusted);
    assert_eq!(v.trust[0].ca.index, 2);
}

#[test]
fn thousands_of_copies_of_a_badly_signed_certificate_cost_one_verification() {
    // Before: each copy was verified against every other copy, n² signature checks (200
    // copies took 3.1 s natively). Now one (key, certificate) pair is one check. The bound
    // is generous for a debug build: the quadratic path would need 9 million checks.
    let root = ca("ca");
    let bad = pem(&damaged(&root.2));
    let bundle = bad.repeat(3_000);
    let start = std::time::Instant::now();
    let i = inspect::inspect_with(bundle.as_bytes(), &verifying()).unwrap();
    let took = start.elapsed();
    assert_eq!(i.certificates.len(), 3_000);
    assert!(i.certificates.iter().all(|c| c.self_signed == Some(false)));
    assert!(i.certificates.iter().all(|c| c.issued_by.is_none()));
    assert!(
        took < std::time::Duration::from_secs(20),
        "3,000 copies took {took:?}"
    );
    // The same through a set (what `akscert inspect` runs).
    let set = inspect::inspect_set(&[("copies.pem", bundle.as_bytes())], &verifying());
    assert_eq!(
        set.items[0].inspection.as_ref().unwrap().certificates.len(),
        3_000
    );
}
