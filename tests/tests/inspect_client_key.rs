//! A kubeconfig's `client-key-data` must be the key of its client certificate: kubectl
//! loads the pair before connecting and fails with `tls: private key does not match
//! public key` otherwise. The key is checked, never shown.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use akscert_core::Instant;
use akscert_core::inspect::{self, InspectOptions, TrustReport};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};

const FQDN: &str = "myaks-dns-1a2b3c4d.hcp.westeurope.azmk8s.io";

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::parse("2025-06-01T00:00:00Z").unwrap())
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
    fn new() -> Pki {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "ca");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_pem = params.self_signed(&key).unwrap().pem();
        Pki {
            ca_pem,
            params,
            key,
        }
    }

    /// A certificate for `key` issued by this CA.
    fn issue(&self, cn: &str, sans: Vec<SanType>, key: &KeyPair) -> String {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.subject_alt_names = sans;
        p.distinguished_name.push(DnType::CommonName, cn);
        p.signed_by(key, &Issuer::from_params(&self.params, &self.key))
            .unwrap()
            .pem()
    }

    fn apiserver(&self) -> String {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        self.issue(
            "apiserver",
            vec![SanType::DnsName(FQDN.try_into().unwrap())],
            &key,
        )
    }

    fn kubeconfig(&self, client_pem: &str, key_data: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://{FQDN}:443\n  name: myaks\ncontexts:\n- context:\n    cluster: myaks\n    user: admin\n  name: myaks\ncurrent-context: myaks\nusers:\n- name: admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {key_data}\n",
            b64(self.ca_pem.as_bytes()),
            b64(client_pem.as_bytes()),
        )
    }
}

fn against_server(pki: &Pki, kubeconfig: &str) -> TrustReport {
    let server = pki.apiserver();
    let set = inspect::inspect_set(
        &[
            ("kubeconfig", kubeconfig.as_bytes()),
            ("apiserver.pem", server.as_bytes()),
        ],
        &opts(),
    );
    assert_eq!(set.trust.len(), 1, "{:#?}", set.trust);
    let json = serde_json::to_string(&set).unwrap();
    assert!(!json.contains("-----BEGIN"), "key text leaked: {json}");
    set.trust[0].clone()
}

fn client_check(t: &TrustReport) -> (Option<bool>, String) {
    let c = t
        .checks
        .iter()
        .find(|c| c.check == "clientCertificate")
        .unwrap();
    (c.ok, c.detail.clone())
}

#[test]
fn the_clients_own_key_passes_for_each_key_type() {
    let pki = Pki::new();
    for alg in [
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &rcgen::PKCS_ECDSA_P384_SHA384,
        &rcgen::PKCS_ED25519,
        &rcgen::PKCS_RSA_SHA256,
    ] {
        let Ok(key) = KeyPair::generate_for(alg) else {
            // rcgen's backend may not generate RSA keys; the others are enough then.
            continue;
        };
        let client = pki.issue("masterclient", Vec::new(), &key);
        let kc = pki.kubeconfig(&client, &b64(key.serialize_pem().as_bytes()));
        let t = against_server(&pki, &kc);
        assert!(t.trusted, "{alg:?}: {t:#?}");
        assert_eq!(client_check(&t).0, Some(true), "{alg:?}");
        let single = inspect::inspect(kc.as_bytes(), opts().now).unwrap();
        let user = &single.kubeconfig.as_ref().unwrap().users[0];
        assert_eq!(user.client_key_error, None, "{alg:?}");
    }
}

#[test]
fn a_key_that_is_not_the_clients_fails_like_kubectl() {
    // Before: the key was only checked for presence, so this kubeconfig was reported as
    // `clientCertificate ok` and "trusts this API server" while kubectl refused it.
    let pki = Pki::new();
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let other = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let client = pki.issue("masterclient", Vec::new(), &key);
    let secret_text = other.serialize_pem();
    let kc = pki.kubeconfig(&client, &b64(secret_text.as_bytes()));
    let t = against_server(&pki, &kc);
    assert!(!t.trusted, "{t:#?}");
    let (ok, detail) = client_check(&t);
    assert_eq!(ok, Some(false));
    assert!(
        detail.contains("tls: private key does not match public key"),
        "{detail}"
    );
    assert_eq!(
        t.kubectl_error.as_deref(),
        Some("error: tls: private key does not match public key")
    );
    // Inspected alone, the kubeconfig says so too.
    let single = inspect::inspect(kc.as_bytes(), opts().now).unwrap();
    assert!(single.summary.needs_attention);
    let json = serde_json::to_string(&single).unwrap();
    for line in secret_text.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!json.contains(line), "key material leaked");
    }
}

#[test]
fn invalid_base64_or_a_non_key_is_reported_without_quoting_it() {
    let pki = Pki::new();
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let client = pki.issue("masterclient", Vec::new(), &key);
    for (data, want) in [
        ("abc*def*secretvalue".to_string(), "not valid base64"),
        (
            b64(
                b"-----BEGIN EC PRIVATE KEY-----\nc2VjcmV0c2VjcmV0\n-----END EC PRIVATE KEY-----\n",
            ),
            "tls: failed to parse private key",
        ),
        (
            b64(b"just some secret words"),
            "tls: failed to find any PEM data in key input",
        ),
        (b64(client.as_bytes()), "PRIVATE KEY"),
    ] {
        let kc = pki.kubeconfig(&client, &data);
        let t = against_server(&pki, &kc);
        assert!(!t.trusted, "{want}: {t:#?}");
        let (ok, detail) = client_check(&t);
        assert_eq!(ok, Some(false), "{want}");
        assert!(detail.contains(want), "{want}: {detail}");
        let json = serde_json::to_string(&t).unwrap();
        assert!(!json.contains("secretvalue") && !json.contains("c2VjcmV0c2VjcmV0"));
        assert!(!json.contains("secret words"));
    }
}
