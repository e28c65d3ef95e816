//! "Will this kubeconfig still work against this API server?" — the trust check with the
//! errors kubectl prints (Go's crypto/x509 messages), on an AKS-shaped PKI made with rcgen.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, AksRole, InspectOptions, InspectionSet, TrustReport};
use akscert_tests::corpus_dir;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};

const FQDN: &str = "myaks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io";

fn at(s: &str) -> Instant {
    Instant::parse(s).unwrap()
}

fn odt(s: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(at(s).unix()).unwrap()
}

fn b64(data: &[u8]) -> String {
    akscert_tests::base64(data)
}

struct Pki {
    ca_pem: String,
    params: CertificateParams,
    key: KeyPair,
}

impl Pki {
    /// An AKS cluster CA: CN=ca, 30×365 days, backdated 10 minutes.
    fn new() -> Pki {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "ca");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.not_before = odt("2024-05-20T07:55:47Z");
        params.not_after = odt("2054-05-12T08:05:47Z");
        let ca_pem = params.self_signed(&key).unwrap().pem();
        Pki {
            ca_pem,
            params,
            key,
        }
    }

    fn leaf(&self, cn: &str, org: Option<&str>, sans: &[SanType], not_after: &str) -> String {
        self.leaf_and_key(cn, org, sans, not_after).0
    }

    /// A leaf and its private key (PEM).
    fn leaf_and_key(
        &self,
        cn: &str,
        org: Option<&str>,
        sans: &[SanType],
        not_after: &str,
    ) -> (String, String) {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.subject_alt_names = sans.to_vec();
        if let Some(o) = org {
            p.distinguished_name.push(DnType::OrganizationName, o);
        }
        p.distinguished_name.push(DnType::CommonName, cn);
        p.not_before = odt("2024-05-20T07:55:47Z");
        p.not_after = odt(not_after);
        // AKS leaves carry an authorityKeyIdentifier naming the CA key.
        p.use_authority_key_identifier_extension = true;
        let issuer = Issuer::from_params(&self.params, &self.key);
        (
            p.signed_by(&key, &issuer).unwrap().pem(),
            key.serialize_pem(),
        )
    }

    fn apiserver(&self, not_after: &str) -> String {
        let sans = [
            SanType::DnsName(FQDN.try_into().unwrap()),
            SanType::DnsName("kubernetes.default.svc".try_into().unwrap()),
            SanType::IpAddress("10.0.0.1".parse().unwrap()),
        ];
        self.leaf("apiserver", None, &sans, not_after)
    }

    /// A kubeconfig for this cluster with the client certificate and its own key.
    fn kubeconfig(&self, server: &str, (client_pem, client_key): &(String, String)) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: {server}\n  name: myaks\ncontexts:\n- context:\n    cluster: myaks\n    user: clusterAdmin_rg_myaks\n  name: myaks-admin\ncurrent-context: myaks-admin\nusers:\n- name: clusterAdmin_rg_myaks\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n    token: 0123456789abcdef0123456789abcdef\n",
            b64(self.ca_pem.as_bytes()),
            b64(client_pem.as_bytes()),
            b64(client_key.as_bytes()),
        )
    }

    fn admin_client(&self, not_after: &str) -> (String, String) {
        self.leaf_and_key("masterclient", Some("system:masters"), &[], not_after)
    }
}

fn check(kubeconfig: &str, server_pem: &str, now: &str) -> (InspectionSet, TrustReport) {
    let set = inspect::inspect_set(
        &[
            ("kubeconfig", kubeconfig.as_bytes()),
            ("apiserver.pem", server_pem.as_bytes()),
        ],
        &InspectOptions::new(at(now)),
    );
    assert_eq!(set.trust.len(), 1, "{:#?}", set.trust);
    let t = set.trust[0].clone();
    assert_eq!(t.kind, "kubeconfigAgainstServer");
    assert_eq!(t.kubeconfig_cluster.as_deref(), Some("myaks"));
    (set, t)
}

#[test]
fn kubeconfig_works_against_its_own_api_server() {
    let pki = Pki::new();
    let kc = pki.kubeconfig(
        &format!("https://{FQDN}:443"),
        &pki.admin_client("2026-05-20T08:05:47Z"),
    );
    let (set, t) = check(
        &kc,
        &pki.apiserver("2026-05-20T08:05:47Z"),
        "2025-06-01T00:00:00Z",
    );
    assert!(t.trusted, "{t:#?}");
    assert_eq!(t.kubectl_error, None);
    assert!(
        t.checks
            .iter()
            .any(|c| c.check == "hostname" && c.ok == Some(true))
    );
    assert!(
        t.checks
            .iter()
            .any(|c| c.check == "clientCertificate" && c.ok == Some(true))
    );
    let kci = set.items[0].inspection.as_ref().unwrap();
    assert_eq!(kci.certificates[0].role, AksRole::ClusterCa);
    assert_eq!(kci.certificates[1].role, AksRole::KubectlClient);
    assert_eq!(
        set.items[1].inspection.as_ref().unwrap().certificates[0].role,
        AksRole::ApiServer
    );
    assert!(!set.summary.needs_attention, "{:?}", set.summary.attention);
}

#[test]
fn after_rotate_certs_the_old_kubeconfig_fails_like_kubectl() {
    let old = Pki::new();
    let kc = old.kubeconfig(
        &format!("https://{FQDN}:443"),
        &old.admin_client("2026-05-20T08:05:47Z"),
    );
    // az aks rotate-certs: a new CA with the same name, a new API server certificate.
    let new = Pki::new();
    let (set, t) = check(
        &kc,
        &new.apiserver("2026-05-20T08:05:47Z"),
        "2025-06-01T00:00:00Z",
    );
    assert!(!t.trusted);
    assert_eq!(
        t.kubectl_error.as_deref(),
        Some(
            "Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of \"x509: ECDSA verification failure\" while trying to verify candidate authority certificate \"ca\")"
        )
    );
    assert!(
        t.checks
            .iter()
            .any(|c| c.check == "issuerName" && c.ok == Some(true))
    );
    assert!(
        t.checks
            .iter()
            .any(|c| c.check == "keyIdentifier" && c.ok == Some(false)),
        "{:#?}",
        t.checks
    );
    assert!(set.summary.needs_attention);
}

#[test]
fn expired_server_wrong_host_and_ip_without_sans() {
    let pki = Pki::new();
    let client = pki.admin_client("2030-01-01T00:00:00Z");
    let kc = pki.kubeconfig(&format!("https://{FQDN}:443"), &client);
    // The Azure/AKS#2347 case: the API server certificate expired after two years.
    let (_, t) = check(
        &kc,
        &pki.apiserver("2021-05-20T11:08:45Z"),
        "2021-05-21T06:04:08Z",
    );
    assert_eq!(
        t.kubectl_error.as_deref(),
        Some(
            "Unable to connect to the server: x509: certificate has expired or is not yet valid: current time 2021-05-21T06:04:08Z is after 2021-05-20T11:08:45Z"
        )
    );
    let kc_other = pki.kubeconfig("https://other.example.com:443", &client);
    let (_, t) = check(
        &kc_other,
        &pki.apiserver("2026-05-20T08:05:47Z"),
        "2025-06-01T00:00:00Z",
    );
    assert_eq!(
        t.kubectl_error.as_deref(),
        Some(format!("Unable to connect to the server: x509: certificate is valid for {FQDN}, kubernetes.default.svc, not other.example.com").as_str())
    );
    // A self-signed serving certificate without IP SANs, reached by IP (metrics-server#196).
    let node = pki.leaf(
        "aks-nodepool1-12345678-vmss000000",
        None,
        &[SanType::DnsName(
            "aks-nodepool1-12345678-vmss000000".try_into().unwrap(),
        )],
        "2030-01-01T00:00:00Z",
    );
    let kc_ip = pki.kubeconfig("https://10.0.23.26:10250", &client);
    let (_, t) = check(&kc_ip, &node, "2025-06-01T00:00:00Z");
    assert_eq!(
        t.kubectl_error.as_deref(),
        Some(
            "Unable to connect to the server: x509: cannot validate certificate for 10.0.23.26 because it doesn't contain any IP SANs"
        )
    );
}

#[test]
fn expired_client_certificate_means_unauthorized() {
    let pki = Pki::new();
    let kc = pki.kubeconfig(
        &format!("https://{FQDN}:443"),
        &pki.admin_client("2025-01-01T00:00:00Z"),
    );
    let (_, t) = check(
        &kc,
        &pki.apiserver("2026-05-20T08:05:47Z"),
        "2025-06-01T00:00:00Z",
    );
    assert!(!t.trusted);
    assert_eq!(
        t.kubectl_error.as_deref(),
        Some("error: You must be logged in to the server (Unauthorized)")
    );
}

#[test]
fn secrets_in_the_kubeconfig_stay_redacted_in_the_set() {
    let pki = Pki::new();
    let kc = pki.kubeconfig(
        &format!("https://{FQDN}:443"),
        &pki.admin_client("2026-05-20T08:05:47Z"),
    );
    let (set, _) = check(
        &kc,
        &pki.apiserver("2026-05-20T08:05:47Z"),
        "2025-06-01T00:00:00Z",
    );
    let json = serde_json::to_string(&set).unwrap();
    assert!(!json.contains("0123456789abcdef"), "token leaked");
    assert!(!json.contains("PRIVATE KEY"), "key leaked");
    let secrets = &set.items[0].inspection.as_ref().unwrap().secrets;
    let kinds: Vec<&str> = secrets.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, vec!["privateKey", "token"]);
}

#[test]
fn rsa_signature_failure_names_crypto_rsa() {
    let Some(dir) = corpus_dir() else { return };
    // A self-signed RSA CA and a copy whose signature is damaged: same name, bad signature.
    let der = inspect::certificates_der(
        &std::fs::read(dir.join("k8s-pki/apiserver-server-options/localhost__127.0.0.1--cert.pem"))
            .unwrap(),
    )
    .unwrap()
    .remove(0);
    let mut damaged = der.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x01;
    let r = inspect::check_trust(
        &der,
        &damaged,
        &InspectOptions::new(at("2026-08-01T00:00:00Z")),
    )
    .unwrap();
    assert_eq!(
        r[0].kubectl_error.as_deref(),
        Some(
            "Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification error\" while trying to verify candidate authority certificate \"localhost@1496330654\")"
        )
    );
    // Go (and so kubectl) refuses RSA keys under 1024 bits; so does the check.
    let small = inspect::certificates_der(
        &std::fs::read(dir.join("k8s-pki/kubelet-bootstrap/mycertvalid.crt")).unwrap(),
    )
    .unwrap()
    .remove(0);
    let r = inspect::check_trust(
        &small,
        &small,
        &InspectOptions::new(at("2026-08-01T00:00:00Z")),
    )
    .unwrap();
    assert!(
        r[0].kubectl_error
            .as_deref()
            .unwrap()
            .contains("crypto/rsa: 512-bit keys are insecure"),
        "{:?}",
        r[0].kubectl_error
    );
    let ok =
        inspect::check_trust(&der, &der, &InspectOptions::new(at("2026-08-01T00:00:00Z"))).unwrap();
    assert!(ok[0].trusted, "{:#?}", ok[0]);
}

#[test]
fn pss_and_ed25519_self_signatures_verify() {
    let Some(dir) = corpus_dir() else { return };
    let mut verified = 0;
    for f in [
        "rsa-pss/self_signed_sha256.der",
        "rsa-pss/self_signed_sha384.der",
        "rsa-pss/self_signed_sha512.der",
        "ed25519.der",
    ] {
        let p = dir.join("x509-misc/x509-parser").join(f);
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let verify = InspectOptions {
            verify: true,
            ..InspectOptions::new(at("2026-08-01T00:00:00Z"))
        };
        let i = inspect::inspect_der(&bytes, &verify).unwrap();
        let c = &i.certificates[0];
        if c.self_issued {
            assert_eq!(
                c.self_signed,
                Some(true),
                "{f}: {} {:?}",
                c.signature_algorithm,
                c.warnings
            );
            verified += 1;
        }
    }
    assert!(
        verified >= 3,
        "only {verified} PSS/Ed25519 self-signatures found to check"
    );
}
