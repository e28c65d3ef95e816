//! k8s-pki: Kubernetes test chains, expired and far-future certificates, kubeconfigs with
//! placeholder data, a truncated PEM, and a kubeconfig with a client key.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use akscert_core::Instant;
use akscert_core::inspect::{
    self, AksRole, InputKind, InspectError, InspectOptions, Inspection, Status,
};
use akscert_tests::corpus_dir;

fn opts() -> InspectOptions {
    InspectOptions::new(Instant::parse("2026-08-01T00:00:00Z").unwrap())
}

fn k8s(dir: &Path, rel: &str) -> PathBuf {
    dir.join("k8s-pki").join(rel)
}

fn inspect_path(p: &Path) -> Result<Inspection, InspectError> {
    inspect::inspect_with(&std::fs::read(p).expect("corpus file"), &opts())
}

#[test]
fn apiserver_x509_chain_and_expiry() {
    let Some(dir) = corpus_dir() else { return };
    let root = inspect_path(&k8s(&dir, "apiserver-x509/root.pem")).unwrap();
    let r = &root.certificates[0];
    assert_eq!(r.subject.cn.as_deref(), Some("Root-CA"));
    assert!(r.is_ca && r.self_issued && r.self_signed == Some(true));
    assert_eq!(
        r.not_after.to_string(),
        "2116-09-17T05:06:00Z",
        "GeneralizedTime after 2049"
    );
    assert_eq!(
        r.role,
        AksRole::OtherCa,
        "not CN=ca, so not an AKS cluster CA"
    );
    assert_eq!(r.public_key.curve.as_deref(), Some("P-256"));
    // Same facts as tool-output/openssl/x509-text--apiserver-root-ca-2116.txt.
    assert_eq!(
        r.subject_key_id.as_deref(),
        Some("1E:CF:EB:E8:B8:FE:97:CD:8E:A6:60:26:FF:DB:76:00:3B:15:EE:2D")
    );
    // openssl prints `1f:8a:65:93:da:b0:0f:ad:45:55:78:22:39:39:e0:15:4e:45:79:29`.
    assert_eq!(
        r.serial,
        "1f:8a:65:93:da:b0:0f:ad:45:55:78:22:39:39:e0:15:4e:45:79:29"
            .replace(':', "")
            .to_uppercase()
    );

    let expired = inspect_path(&k8s(&dir, "apiserver-x509/client-expired.pem")).unwrap();
    let e = &expired.certificates[0];
    assert_eq!(e.not_before, e.not_after, "zero-length validity");
    assert_eq!(e.not_after.to_string(), "1990-12-31T23:59:00Z");
    assert_eq!(e.status, Status::Expired);
    assert!(expired.summary.needs_attention);

    // The whole chain in one set: each link verifies, and the trust check names it.
    let files = [
        "root.pem",
        "intermediate.pem",
        "client-valid.pem",
        "client-expired.pem",
    ];
    let bytes: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(k8s(&dir, &format!("apiserver-x509/{f}"))).unwrap())
        .collect();
    let der: Vec<Vec<u8>> = bytes
        .iter()
        .map(|b| inspect::certificates_der(b).unwrap().remove(0))
        .collect();
    let ok = inspect::verify_chain(
        &der[2],
        &[&der[1]],
        &[&der[0]],
        &inspect::ChainOptions {
            now: opts().now,
            profile: inspect::ValidationProfile::Kubectl,
            max_intermediates: None,
            peer_name: None,
        },
    );
    assert!(ok.valid, "{ok:?}");
    let bad = inspect::verify_chain(
        &der[3],
        &[&der[1]],
        &[&der[0]],
        &inspect::ChainOptions {
            now: opts().now,
            profile: inspect::ValidationProfile::Kubectl,
            max_intermediates: None,
            peer_name: None,
        },
    );
    assert_eq!(
        bad.error.as_deref(),
        Some(
            "x509: certificate has expired or is not yet valid: current time 2026-08-01T00:00:00Z is after 1990-12-31T23:59:00Z"
        )
    );
    let set = inspect::inspect_set(
        &[
            ("intermediate.pem", &bytes[1]),
            ("client-valid.pem", &bytes[2]),
        ],
        &opts(),
    );
    assert_eq!(set.trust.len(), 1);
    assert!(set.trust[0].trusted, "{:?}", set.trust[0]);
}

#[test]
fn far_future_and_epoch_dates() {
    let Some(dir) = corpus_dir() else { return };
    let js = inspect_path(&k8s(
        &dir,
        "kubeconfig/kubernetes-client-javascript/test-cert.pem",
    ))
    .unwrap();
    assert_eq!(
        js.certificates[0].not_after.to_string(),
        "4763-08-03T10:40:37Z"
    );
    assert!(
        js.certificates[0].days_left > 900_000,
        "{}",
        js.certificates[0].days_left
    );
    let epoch = inspect_path(&k8s(
        &dir,
        "apiserver-server-options/localhost__127.0.0.1--cert.pem",
    ))
    .unwrap();
    let c = &epoch.certificates[0];
    assert_eq!(c.not_before, Instant::from_unix(0).unwrap());
    assert_eq!(c.not_after.to_string(), "2117-05-08T15:24:14Z");
    assert_eq!(c.sans.dns, vec!["localhost"]);
    assert_eq!(c.sans.ip, vec!["127.0.0.1"]);
    let two_ips = inspect_path(&k8s(
        &dir,
        "apiserver-server-options/localhost__10.0.0.1+127.0.0.1--cert.pem",
    ))
    .unwrap();
    assert_eq!(
        two_ips.certificates[0].sans.ip,
        vec!["10.0.0.1", "127.0.0.1"]
    );
}

#[test]
fn kubelet_bootstrap_certificates() {
    let Some(dir) = corpus_dir() else { return };
    let v = inspect_path(&k8s(&dir, "kubelet-bootstrap/mycertvalid.crt")).unwrap();
    let c = &v.certificates[0];
    assert_eq!(c.public_key.bits, Some(512));
    assert!(c.is_ca);
    assert_eq!(c.subject_key_id, c.authority_key_id);
    assert_eq!(c.not_after.to_string(), "2117-04-02T23:26:52Z");
    let inv = inspect_path(&k8s(&dir, "kubelet-bootstrap/mycertinvalid.crt")).unwrap();
    let c = &inv.certificates[0];
    assert_eq!(c.version, 1);
    assert_eq!(c.signature_algorithm, "sha1WithRSAEncryption");
    assert_eq!(
        c.issuer.cn.as_deref(),
        Some("\"kubernetes\""),
        "the quotes are part of the name"
    );
    assert_eq!(c.status, Status::Expired);
    assert_eq!(c.not_after.to_string(), "2015-12-16T06:46:25Z");
}

#[test]
fn truncated_pem_is_rejected_with_its_line() {
    let Some(dir) = corpus_dir() else { return };
    let e = inspect_path(&k8s(
        &dir,
        "kubeconfig/kubernetes-client-java/ca-cert-invalid.pem",
    ))
    .unwrap_err();
    assert!(
        matches!(&e, InspectError::Pem { line: 1, reason, .. } if reason.contains("truncated")),
        "{e}"
    );
}

#[test]
fn placeholder_kubeconfigs_fail_cleanly_per_field() {
    let Some(dir) = corpus_dir() else { return };
    let js = k8s(&dir, "kubeconfig/kubernetes-client-javascript");
    let mut checked = 0;
    for entry in std::fs::read_dir(&js).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let i = inspect_path(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(i.input_kind, InputKind::Kubeconfig, "{}", p.display());
        assert!(
            i.certificates.is_empty(),
            "{}: placeholders are not certificates",
            p.display()
        );
        assert!(
            !i.errors.is_empty(),
            "{}: the placeholder data must be reported",
            p.display()
        );
        for e in &i.errors {
            assert!(
                matches!(e.error, InspectError::NotACertificate { .. }),
                "{}: {e:?}",
                p.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 9);
    let dupes = inspect_path(&js.join("kubeconfig-dupe-cluster.yaml")).unwrap();
    // This fixture is one half of a merge test: its current-context lives in the other file.
    assert!(
        dupes
            .notes
            .iter()
            .any(|n| n.contains("current-context `context2` names no context")),
        "{:?}",
        dupes.notes
    );
}

#[test]
fn client_key_is_redacted_everywhere() {
    let Some(dir) = corpus_dir() else { return };
    let p = k8s(
        &dir,
        "kubeconfig/kubernetes-client-java/kubeconfig-https-x509",
    );
    let raw = std::fs::read_to_string(&p).unwrap();
    let key_value = raw
        .lines()
        .find_map(|l| l.trim().strip_prefix("client-key-data:"))
        .unwrap()
        .trim()
        .to_string();
    let i = inspect_path(&p).unwrap();
    let kc = i.kubeconfig.as_ref().unwrap();
    assert_eq!(
        kc.users[0].client_key.as_deref(),
        Some("present (redacted)")
    );
    assert_eq!(i.secrets.len(), 1);
    assert_eq!(i.secrets[0].value, "present (redacted)");
    assert_eq!(i.certificates[0].role, AksRole::KubectlClient);
    let json = serde_json::to_string(&i).unwrap();
    for chunk in key_value.as_bytes().chunks(16) {
        let chunk = std::str::from_utf8(chunk).unwrap();
        assert!(
            !json.contains(chunk),
            "key material `{chunk}` leaked into the output"
        );
    }
}

#[test]
fn utf8_and_utf16_kubeconfigs_read_the_same() {
    let Some(dir) = corpus_dir() else { return };
    let read = |f: &str| {
        inspect_path(&k8s(&dir, &format!("kubeconfig/kube-rs/{f}")))
            .unwrap()
            .kubeconfig
            .unwrap()
    };
    let utf8 = read("kubeconfig_utf8.yaml");
    assert_eq!(utf8.clusters[0].name, "k3d-promstack");
    assert_eq!(utf8.current_context.as_deref(), Some("k3d-promstack"));
    assert_eq!(read("kubeconfig_utf16le.yaml"), utf8);
    assert_eq!(read("kubeconfig_utf16be.yaml"), utf8);
    let facade = inspect_path(&k8s(
        &dir,
        "kubeconfig/kubernetes-client-java/kubeconfig-utf8",
    ))
    .unwrap();
    assert!(
        facade
            .kubeconfig
            .unwrap()
            .clusters
            .iter()
            .any(|c| c.name.contains("façade"))
    );
}

#[test]
fn tls_server_name_kubeconfig_has_a_real_ca() {
    let Some(dir) = corpus_dir() else { return };
    let i = inspect_path(&k8s(
        &dir,
        "kubeconfig/kubernetes-client-java/kubeconfig-tls-server-name",
    ))
    .unwrap();
    let kc = i.kubeconfig.as_ref().unwrap();
    assert!(kc.clusters[0].tls_server_name.is_some());
    assert_eq!(kc.clusters[0].ca_certificates, vec![0]);
    assert!(i.certificates[0].is_ca);
    assert_eq!(
        i.certificates[0].role,
        AksRole::ClusterCa,
        "{}",
        i.certificates[0].role_reason
    );
}

#[test]
fn chain_file_links_leaf_to_issuer() {
    let Some(dir) = corpus_dir() else { return };
    let i = inspect_path(&k8s(
        &dir,
        "kubeconfig/kubernetes-client-java/clientauth-chain.cert",
    ))
    .unwrap();
    assert_eq!(i.certificates.len(), 2);
    assert_eq!(i.certificates[0].issued_by, Some(1), "{:?}", i.certificates);
    let ec = inspect_path(&k8s(
        &dir,
        "kubeconfig/kubernetes-client-java/clientauth-ec.cert",
    ))
    .unwrap();
    assert_eq!(ec.certificates[0].public_key.algorithm, "EC");
    assert_eq!(ec.certificates[0].status, Status::Expired);
}
