//! Property tests: arbitrary bytes into every parser never panic, and certificates generated
//! with random fields (rcgen) round-trip to the same facts.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, AksRole, InputKind, InspectOptions};
use proptest::prelude::*;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    SanType, SerialNumber, SignatureAlgorithm,
};

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap())
}

fn every_parser(data: &[u8]) {
    let o = opts();
    let _ = inspect::inspect_with(data, &o);
    let _ = inspect::inspect_der(data, &o);
    let _ = inspect::inspect_certificates(data, &o);
    let _ = inspect::inspect_kubeconfig(data, &o);
    let _ = inspect::inspect_openssl(data, &o);
    let _ = inspect::inspect_curl(data, &o);
    let _ = inspect::inspect_run_command(data, &o);
    let _ = inspect::inspect_kubectl_csr(data, &o);
    let _ = inspect::inspect_kubectl_nodes(data, &o);
    let _ = inspect::inspect_kubeadm(data, &o);
    let _ = inspect::inspect_aks_json(data, &o);
    let _ = inspect::check_trust(data, data, &o);
}

/// Text that looks enough like each input kind to get past sniffing.
fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("-----BEGIN CERTIFICATE-----\n".to_string()),
        Just("-----END CERTIFICATE-----\n".to_string()),
        Just("-----BEGIN RSA PRIVATE KEY-----\n".to_string()),
        Just("notAfter=Jan 23 05:43:49 2027 GMT\n".to_string()),
        Just("        Not After : May 12 08:15:47 2049 GMT\n".to_string()),
        Just("*  expire date: Aug  4 13:23:07 2025 GMT\n".to_string()),
        Just("NAME   AGE   SIGNERNAME   REQUESTOR   CONDITION\n".to_string()),
        Just("NAME   STATUS   ROLES   AGE   VERSION   KUBELET-SERVING-CA\n".to_string()),
        Just("apiserver   Dec 30, 2020 23:36 UTC   364d   ca   no\n".to_string()),
        Just("apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster:\n    certificate-authority-data: ".to_string()),
        Just("Enable succeeded: \n[stdout]\n".to_string()),
        Just("[stderr]\n".to_string()),
        Just("{\"value\": [{\"message\": \"".to_string()),
        Just("{\"agentPoolProfiles\": [".to_string()),
        "[A-Za-z0-9+/=]{0,80}\n",
        "[ -~]{0,40}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        every_parser(&data);
    }

    #[test]
    fn tool_like_text_never_panics(text in texty()) {
        every_parser(text.as_bytes());
    }

    #[test]
    fn mutated_certificates_never_panic(pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(vec!["example.com".to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "apiserver");
        let der = params.self_signed(&key).unwrap().der().to_vec();
        let mut m = der.clone();
        let i = pos.index(m.len());
        m[i] = byte;
        every_parser(&m);
        every_parser(&der[..cut.index(der.len())]);
    }
}

#[derive(Debug, Clone)]
struct Spec {
    alg: usize,
    cn: String,
    orgs: Vec<String>,
    dns: Vec<String>,
    ips: Vec<[u8; 4]>,
    nb_days: i64,
    lifetime_days: i64,
    ca: Option<Option<u8>>,
    eku: (bool, bool),
    serial: Vec<u8>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0usize..3,
        "[a-z][a-z0-9-]{0,20}",
        // rcgen's DistinguishedName keeps one value per attribute type.
        prop::collection::vec("[a-z:]{1,12}", 0..2),
        prop::collection::vec("[a-z]{1,10}\\.[a-z]{2,5}", 0..4),
        prop::collection::vec(any::<[u8; 4]>(), 0..3),
        // notBefore between 1971 and ~2100; lifetimes up to ~8000 years cross 2049/2050.
        365i64..47_000,
        1i64..2_900_000,
        prop::option::of(prop::option::of(0u8..10)),
        (any::<bool>(), any::<bool>()),
        prop::collection::vec(1u8..=255, 1..19),
    )
        .prop_map(
            |(alg, cn, orgs, dns, ips, nb_days, lifetime_days, ca, eku, serial)| Spec {
                alg,
                cn,
                orgs,
                dns,
                ips,
                nb_days,
                lifetime_days,
                ca,
                eku,
                serial,
            },
        )
}

fn odt(i: Instant) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(i.unix()).unwrap()
}

const ALGS: [&SignatureAlgorithm; 3] = [
    &rcgen::PKCS_ECDSA_P256_SHA256,
    &rcgen::PKCS_ECDSA_P384_SHA384,
    &rcgen::PKCS_ED25519,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_certificates_round_trip(s in spec()) {
        let key = KeyPair::generate_for(ALGS[s.alg]).unwrap();
        let mut p = CertificateParams::new(s.dns.clone()).unwrap();
        for ip in &s.ips {
            p.subject_alt_names.push(SanType::IpAddress(std::net::IpAddr::from(*ip)));
        }
        for o in &s.orgs {
            p.distinguished_name.push(DnType::OrganizationName, o.as_str());
        }
        p.distinguished_name.push(DnType::CommonName, s.cn.as_str());
        let nb = Instant::from_unix(s.nb_days * 86_400).unwrap();
        let na = Instant::from_unix((s.nb_days + s.lifetime_days).min(2_932_896) * 86_400).unwrap();
        p.not_before = odt(nb);
        p.not_after = odt(na);
        p.is_ca = match s.ca {
            None => IsCa::ExplicitNoCa,
            Some(None) => IsCa::Ca(BasicConstraints::Unconstrained),
            Some(Some(n)) => IsCa::Ca(BasicConstraints::Constrained(n)),
        };
        if s.eku.0 { p.extended_key_usages.push(ExtendedKeyUsagePurpose::ServerAuth); }
        if s.eku.1 { p.extended_key_usages.push(ExtendedKeyUsagePurpose::ClientAuth); }
        let mut serial = s.serial.clone();
        serial[0] &= 0x7f;
        if serial[0] == 0 { serial[0] = 1; }
        p.serial_number = Some(SerialNumber::from_slice(&serial));
        let cert = p.self_signed(&key).unwrap();

        for input in [cert.der().to_vec(), cert.pem().into_bytes()] {
            let verify = InspectOptions { verify: true, ..opts() };
            let i = inspect::inspect_with(&input, &verify).unwrap();
            prop_assert_eq!(i.certificates.len(), 1);
            let c = &i.certificates[0];
            prop_assert_eq!(c.not_before, nb);
            prop_assert_eq!(c.not_after, na);
            prop_assert_eq!(c.subject.cn.as_deref(), Some(s.cn.as_str()));
            prop_assert_eq!(&c.subject.o, &s.orgs);
            prop_assert_eq!(&c.sans.dns, &s.dns);
            let ips: Vec<String> = s.ips.iter().map(|b| std::net::Ipv4Addr::from(*b).to_string()).collect();
            prop_assert_eq!(&c.sans.ip, &ips);
            prop_assert_eq!(c.is_ca, s.ca.is_some());
            prop_assert_eq!(c.basic_constraints.as_ref().and_then(|b| b.path_len), s.ca.flatten());
            prop_assert_eq!(c.extended_key_usage.iter().any(|u| u == "serverAuth"), s.eku.0);
            prop_assert_eq!(c.extended_key_usage.iter().any(|u| u == "clientAuth"), s.eku.1);
            let hex: String = serial.iter().map(|b| format!("{b:02X}")).collect();
            prop_assert_eq!(&c.serial, &hex);
            prop_assert_eq!(c.self_signed, Some(true), "self-signature verifies ({})", c.signature_algorithm);
            prop_assert!(c.strict_der, "{:?}", c.warnings);
            prop_assert_eq!(&*c.public_key.algorithm, ["EC", "EC", "Ed25519"][s.alg]);
            prop_assert_eq!(c.days_left, opts().now.days_until(na));
            prop_assert_eq!(c.status, akscert_core::inspect::Status::at(Some(nb), Some(na), opts().now, opts().warn_within));
            prop_assert_eq!(i.input_kind, if input[0] == 0x30 { InputKind::Der } else { InputKind::Pem });
        }
    }

    #[test]
    fn issued_leaves_verify_against_their_ca_only(alg in 0usize..3, other in 0usize..3) {
        let ca_key = KeyPair::generate_for(ALGS[alg]).unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.distinguished_name.push(DnType::CommonName, "ca");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca.clone(), &ca_key);
        let leaf_key = KeyPair::generate_for(ALGS[other]).unwrap();
        let mut leaf = CertificateParams::new(vec!["example.hcp.westeurope.azmk8s.io".to_string()]).unwrap();
        leaf.distinguished_name.push(DnType::CommonName, "apiserver");
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
        // A rotated CA: same name, new key.
        let new_key = KeyPair::generate_for(ALGS[alg]).unwrap();
        let new_ca = ca.self_signed(&new_key).unwrap();

        let ok = inspect::check_trust(ca_cert.pem().as_bytes(), leaf_cert.der(), &opts()).unwrap();
        prop_assert!(ok[0].trusted, "{:?}", ok[0]);
        let bad = inspect::check_trust(new_ca.pem().as_bytes(), leaf_cert.der(), &opts()).unwrap();
        prop_assert!(!bad[0].trusted);
        let e = bad[0].kubectl_error.clone().unwrap();
        prop_assert!(e.starts_with("Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of \""), "{}", e);
        prop_assert!(e.ends_with("while trying to verify candidate authority certificate \"ca\")"), "{}", e);
        let bundle = format!("{}{}", leaf_cert.pem(), ca_cert.pem());
        let i = inspect::inspect(bundle.as_bytes(), opts().now).unwrap();
        prop_assert_eq!(i.certificates[0].issued_by, Some(1));
        prop_assert_eq!(i.certificates[0].role, AksRole::ApiServer);
        prop_assert_eq!(i.certificates[1].role, AksRole::ClusterCa);
    }
}
