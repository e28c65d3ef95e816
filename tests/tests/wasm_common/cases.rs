//! The calls the JS API and the C ABI are compared on: every operation, the bundled
//! example, proptest-generated scenarios, reports and what-ifs over varied cluster facts,
//! and bad input of every kind.

use akscert_core::api;
use akscert_core::engine::Scenario;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::{Case, root};

/// Cluster facts in the shapes people have: legacy (pre-May-2019), created 2021 and never
/// upgraded, upgraded after March 2022, stopped, on 1.27+ with KSCR, with a snapshot pool,
/// with the opt-out tag, with RBAC off, Windows pools, pools of zero nodes.
pub const FACTS: &[(&str, &str)] = &[
    (
        "legacy-2018",
        r#"{"name":"legacy-2018","resourceGroup":"rg-legacy","created":"2018-11-13T23:01:34Z","kubernetesVersion":"1.11.3","nodePools":[{"name":"nodepool1","count":3,"nodeImage":"AKSUbuntu:1604:2018.10.29"}],"kubeconfigs":[{"holder":"ops-team"}]}"#,
    ),
    (
        "created-2021-never-upgraded",
        r#"{"name":"prod","resourceGroup":"rg","created":"2021-03-01T10:00:00Z","kubernetesVersion":"1.19.7","nodePools":[{"name":"nodepool1","count":3}],"kubeconfigs":[{"holder":"alice"},{"holder":"ci","admin":true}]}"#,
    ),
    (
        "upgraded-2022",
        r#"{"name":"prod-weu","resourceGroup":"rg-prod","created":"2021-03-01T10:00:00Z","kubernetesVersion":"1.22.6","lastUpgrade":"2022-05-10T02:00:00Z","nodePools":[{"name":"system","mode":"System","count":3,"nodeImage":"AKSUbuntu-1804gen2containerd-2022.04.27"},{"name":"batch","count":0}],"kubeconfigs":[{"holder":"alice"}]}"#,
    ),
    (
        "stopped-lab",
        r#"{"name":"lab","resourceGroup":"rg-dev","created":"2023-01-15T08:00:00Z","kubernetesVersion":"1.25.5","stoppedSince":"2023-06-30T18:00:00Z","nodePools":[{"name":"nodepool1","count":1}]}"#,
    ),
    (
        "kscr-1.29",
        r#"{"name":"edge","resourceGroup":"rg-edge","created":"2024-02-01T00:00:00Z","kubernetesVersion":"1.29.4","lastUpgrade":"2025-09-01T02:00:00Z","nodePools":[{"name":"system","mode":"System","count":2,"nodeImage":"AKSUbuntu-2204gen2containerd-202508.20.1"},{"name":"win","os":"Windows","count":2},{"name":"snap","count":1,"snapshot":"AKSUbuntu-2204gen2containerd-202412.01.0"}],"kubeconfigs":[{"holder":"bob","fetched":"2025-09-02T00:00:00Z"}]}"#,
    ),
    (
        "opted-out",
        r#"{"name":"optout","resourceGroup":"rg","created":"2024-06-01T00:00:00Z","kubernetesVersion":"1.30.3","nodePools":[{"name":"nodepool1","count":3,"tags":{"aks-disable-kubelet-serving-certificate-rotation":"true"},"lastReimage":"2025-10-01T00:00:00Z"}]}"#,
    ),
    (
        "no-rbac",
        r#"{"name":"old-style","resourceGroup":"rg","created":"2022-06-01T00:00:00Z","kubernetesVersion":"1.23.8","rbac":false,"tlsBootstrap":false,"lastRotation":"2024-01-10T09:00:00Z","nodePools":[{"name":"nodepool1","count":2}],"kubeconfigs":[{"holder":"dana"}]}"#,
    ),
];

/// The instants reports are asked for.
const NOWS: &[&str] = &[
    "2020-06-01T00:00:00Z",
    "2024-10-01T00:00:00Z",
    "2026-01-15T12:00:00Z",
];

/// The what-ifs of the calculator page's buttons, for facts `f` at `now`.
fn what_ifs(now: &str, facts: &str) -> Vec<(&'static str, String)> {
    let then = |days: i64| {
        akscert_core::time::Instant::parse(now)
            .map(|t| (t + akscert_core::time::Duration::days(days)).to_string())
            .unwrap_or_default()
    };
    let pool = serde_json::from_str::<serde_json::Value>(facts)
        .ok()
        .and_then(|v| v["nodePools"][0]["name"].as_str().map(str::to_string))
        .unwrap_or_else(|| "nodepool1".into());
    vec![
        ("nothing", format!(r#"{{"now":"{now}","cluster":{facts}}}"#)),
        (
            "rotate-now",
            format!(
                r#"{{"now":"{now}","cluster":{facts},"operations":[{{"at":"{now}","op":"rotateCerts"}}]}}"#
            ),
        ),
        (
            "stop-6-months",
            format!(
                r#"{{"now":"{now}","cluster":{facts},"operations":[{{"at":"{now}","op":"stop"}},{{"at":"{}","op":"start"}}]}}"#,
                then(182)
            ),
        ),
        (
            "upgrade-1.27",
            format!(
                r#"{{"now":"{now}","cluster":{facts},"operations":[{{"at":"{now}","op":"upgrade","kubernetesVersion":"1.27.9"}}],"seed":7}}"#
            ),
        ),
        (
            "opt-out-tag",
            format!(
                r#"{{"now":"{now}","cluster":{facts},"operations":[{{"at":"{now}","op":"setTags","pool":"{pool}","tags":{{"aks-disable-kubelet-serving-certificate-rotation":"true"}}}},{{"at":"{}","op":"nodeImageUpgrade","pool":"{pool}"}}]}}"#,
                then(1)
            ),
        ),
    ]
}

/// Scenarios drawn from core's exported proptest strategy with a fixed seed: `count`
/// with seeds masked to JS's exact integer range (so objects work too), and a few with
/// full 64-bit seeds (only the JSON text path can carry those exactly).
pub fn generated_scenarios(count: usize) -> Vec<Scenario> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = akscert_core::strategies::arb_scenario();
    (0..count + 3)
        .map(|i| {
            let mut s = strategy
                .new_tree(&mut runner)
                .unwrap_or_else(|e| panic!("draw scenario {i}: {e}"))
                .current();
            if i < count {
                s.seed &= (1u64 << 53) - 1;
            } else {
                s.seed |= 1u64 << 63;
            }
            s
        })
        .collect()
}

/// Bad input for every operation: not JSON, the wrong JSON, invalid values.
const BAD: &[(&str, &str, &str)] = &[
    ("empty-simulate", "simulate", ""),
    ("truncated", "simulate", "{\"apiVersion\": \"akscert/v1\", "),
    ("array", "report", "[]"),
    ("trailing-garbage", "version", "{} x"),
    (
        "wrong-kind",
        "simulate",
        r#"{"apiVersion":"akscert/v1","kind":"Fleet","horizon":"1y","clusters":[]}"#,
    ),
    (
        "unknown-field",
        "report",
        r#"{"now":"2024-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2023-01-01","kubernetesVersion":"1.27","nodePools":[],"colour":"red"}}"#,
    ),
    (
        "bad-version",
        "report",
        r#"{"now":"2024-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2023-01-01","kubernetesVersion":"one.two","nodePools":[]}}"#,
    ),
    (
        "now-before-creation",
        "report",
        r#"{"now":"2020-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2023-01-01","kubernetesVersion":"1.27","nodePools":[{"name":"p"}]}}"#,
    ),
    (
        "operation-before-now",
        "whatIf",
        r#"{"now":"2024-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2023-01-01","kubernetesVersion":"1.27","nodePools":[{"name":"p"}]},"operations":[{"at":"2023-06-01","op":"stop"}]}"#,
    ),
    (
        "unknown-pool",
        "whatIf",
        r#"{"now":"2024-01-01","cluster":{"name":"a","resourceGroup":"rg","created":"2023-01-01","kubernetesVersion":"1.27","nodePools":[{"name":"p"}]},"operations":[{"at":"2024-02-01","op":"scale","pool":"nope","count":2}]}"#,
    ),
    ("bad-policy", "policy", r#"{"autorotationFraction": 2.5}"#),
    ("negative-duration", "policy", r#"{"leafLifetime": "-5d"}"#),
    (
        "cluster-run-two-clusters",
        "simulateCluster",
        r#"{"scenario":{"apiVersion":"akscert/v1","kind":"Scenario","horizon":"2030-01-01","clusters":[]},"index":0}"#,
    ),
    ("not-utf8-safe-escape", "report", "\"\\ud800\""),
];

/// Every case: operations, example, generated scenarios, reports, what-ifs, bad input.
pub fn all(generated: usize) -> Vec<Case> {
    let mut cases = vec![
        Case::new("version", "version", ""),
        Case::new("policy-defaults", "policy", ""),
        Case::new(
            "policy-overrides",
            "policy",
            r#"{"autorotationFraction":0.75,"leafLifetime":"365d","rotateCertsOnStoppedFrom":null}"#,
        ),
    ];
    let example = std::fs::read_to_string(root().join("examples/scenario.json"))
        .unwrap_or_else(|e| panic!("read examples/scenario.json: {e}"));
    cases.push(Case::new("example", "simulate", example.clone()));
    let scenario: Scenario = api::parse(&example).unwrap_or_else(|e| panic!("example: {e}"));
    for run in api::split(&scenario).unwrap_or_else(|e| panic!("split example: {e}")) {
        let text = serde_json::to_string(&run).unwrap_or_default();
        cases.push(Case::new(
            format!("example-cluster-{}", run.index),
            "simulateCluster",
            text,
        ));
    }
    for (i, s) in generated_scenarios(generated).iter().enumerate() {
        let text = serde_json::to_string(s).unwrap_or_default();
        cases.push(Case::new(format!("generated-{i}"), "simulate", text));
    }
    for (name, facts) in FACTS {
        for now in NOWS {
            cases.push(Case::new(
                format!("report-{name}-{now}"),
                "report",
                format!(r#"{{"now":"{now}","cluster":{facts}}}"#),
            ));
            for (what, req) in what_ifs(now, facts) {
                cases.push(Case::new(
                    format!("whatif-{what}-{name}-{now}"),
                    "whatIf",
                    req,
                ));
            }
        }
    }
    for (name, op, input) in BAD {
        cases.push(Case::new(format!("bad-{name}"), op, *input));
    }
    cases.extend(inspection());
    cases.extend(aks_facts());
    cases.extend(fleet_report());
    cases.extend(open_scenario(&scenario));
    cases
}

/// `openScenario`: the example (valid: its header), two refusals (answers, not errors:
/// where and why), and input that is no scenario; `simulateOpenCluster` with a request it
/// cannot read (refused before it looks for an open scenario, so the answer does not depend
/// on the calls before it). A session's answers are in `session_*` tests.
fn open_scenario(example: &Scenario) -> Vec<Case> {
    let j = |v: &Scenario| serde_json::to_string(v).unwrap_or_default();
    let mut too_many = example.clone();
    if let Some(pool) = too_many
        .clusters
        .first_mut()
        .and_then(|c| c.node_pools.first_mut())
    {
        pool.count = 5001;
    }
    let mut too_early = example.clone();
    too_early.horizon = akscert_core::engine::Horizon::Until(
        akscert_core::time::Instant::parse("2001-01-01")
            .unwrap_or(akscert_core::time::Instant::MIN),
    );
    vec![
        Case::new("open-example", "openScenario", j(example)),
        Case::new("open-refused-pool-count", "openScenario", j(&too_many)),
        Case::new("open-refused-horizon", "openScenario", j(&too_early)),
        Case::new("bad-open-not-a-scenario", "openScenario", "[]"),
        Case::new(
            "bad-open-cluster-request",
            "simulateOpenCluster",
            r#"{"index":"first"}"#,
        ),
        // The host ABI's packed input only (the CLI's wasm engine folds each cluster so).
        Case::new("bad-fold-json", "foldCluster", "{}"),
    ]
}

/// `aksFacts`: the bundled `az aks list` example as text, the same list as a document with
/// assumptions and a cluster that has no creation date (an error inside a success), an
/// ARM list, and input that is no cluster list.
fn aks_facts() -> Vec<Case> {
    let example = std::fs::read_to_string(root().join("examples/az-aks-list.json"))
        .unwrap_or_else(|e| panic!("read examples/az-aks-list.json: {e}"));
    let mut list: serde_json::Value =
        serde_json::from_str(&example).unwrap_or_else(|e| panic!("az-aks-list.json: {e}"));
    if let Some(first) = list.get_mut(0).and_then(serde_json::Value::as_object_mut) {
        first.remove("systemData");
    }
    let j = |v: serde_json::Value| v.to_string();
    let arm = serde_json::json!({ "value": [{
        "id": "/subscriptions/0/resourceGroups/rg-arm/providers/Microsoft.ContainerService/managedClusters/arm1",
        "name": "arm1",
        "systemData": { "createdAt": "2019-03-01T00:00:00.1234567Z" },
        "properties": {
            "provisioningState": "RotatingClusterCertificates", "kubernetesVersion": "1.12.8",
            "enableRBAC": false,
            "agentPoolProfiles": [{ "name": "nodepool1", "count": 3, "nodeImageVersion": "AKSUbuntu:1604:2020.03.11" }]
        }
    }]});
    vec![
        Case::new(
            "aks-facts-example",
            "aksFacts",
            j(serde_json::json!({ "input": example, "now": CORPUS_NOW })),
        ),
        Case::new(
            "aks-facts-document-with-assumptions",
            "aksFacts",
            j(serde_json::json!({
                "input": list,
                "assume": { "lastUpgrade": "2023-02-01" },
                "now": CORPUS_NOW
            })),
        ),
        Case::new(
            "aks-facts-arm-list",
            "aksFacts",
            j(serde_json::json!({ "input": arm, "now": "2024-10-01T00:00:00Z" })),
        ),
        Case::new(
            "bad-aks-facts-not-json",
            "aksFacts",
            j(serde_json::json!({ "input": "[{\"name\": ", "now": CORPUS_NOW })),
        ),
        Case::new(
            "bad-aks-facts-a-scenario",
            "aksFacts",
            j(
                serde_json::json!({ "input": { "apiVersion": "akscert/v1", "kind": "Scenario", "clusters": [] }, "now": CORPUS_NOW }),
            ),
        ),
        Case::new(
            "bad-aks-facts-unknown-assumption",
            "aksFacts",
            j(
                serde_json::json!({ "input": [], "assume": { "createdAt": "2020-01-01" }, "now": CORPUS_NOW }),
            ),
        ),
    ]
}

/// `fleetReport`: the bundled `az aks list` example at the corpus's `now`, and input
/// that is no cluster list.
fn fleet_report() -> Vec<Case> {
    let example = std::fs::read_to_string(root().join("examples/az-aks-list.json"))
        .unwrap_or_else(|e| panic!("read examples/az-aks-list.json: {e}"));
    let j = |v: serde_json::Value| v.to_string();
    vec![
        Case::new(
            "fleet-report-example",
            "fleetReport",
            j(serde_json::json!({ "input": example, "now": CORPUS_NOW, "warnWithin": "90d" })),
        ),
        Case::new(
            "bad-fleet-report-a-scenario",
            "fleetReport",
            j(
                serde_json::json!({ "input": { "apiVersion": "akscert/v1", "kind": "Scenario", "clusters": [] }, "now": CORPUS_NOW }),
            ),
        ),
    ]
}

/// Inspection without the corpus: tool output, a generated CA and leaf (PEM and DER), a
/// kubeconfig with a private key, a set, trust checks, and bad input.
fn inspection() -> Vec<Case> {
    let (ca_pem, leaf_pem, leaf_der, key_pem) = generated_chain();
    let b64 = |bytes: &[u8]| {
        use base64ct::Encoding;
        base64ct::Base64::encode_string(bytes)
    };
    let dates = "notBefore=Mar 10 12:00:00 2024 GMT\nnotAfter=Mar 10 12:00:00 2026 GMT\n";
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: aks\n  cluster:\n    server: https://aks.hcp.westeurope.azmk8s.io:443\n    certificate-authority-data: {}\nusers:\n- name: admin\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\ncontexts:\n- name: aks\n  context:\n    cluster: aks\n    user: admin\ncurrent-context: aks\n",
        b64(ca_pem.as_bytes()),
        b64(leaf_pem.as_bytes()),
        b64(key_pem.as_bytes())
    );
    let now = CORPUS_NOW;
    let j = |v: serde_json::Value| v.to_string();
    vec![
        Case::new(
            "inspect-openssl-dates",
            "inspect",
            j(serde_json::json!({ "input": dates, "now": now })),
        ),
        Case::new(
            "inspect-pem-chain",
            "inspect",
            j(serde_json::json!({ "input": format!("{ca_pem}{leaf_pem}"), "now": now })),
        ),
        Case::new(
            "inspect-der-base64",
            "inspect",
            j(
                serde_json::json!({ "inputBase64": b64(&leaf_der), "now": now, "source": "leaf.der" }),
            ),
        ),
        Case::new(
            "inspect-kubeconfig-with-key",
            "inspect",
            j(serde_json::json!({ "input": kubeconfig, "now": now, "kind": "kubeconfig" })),
        ),
        Case::new(
            "inspect-set",
            "inspectSet",
            j(
                serde_json::json!({ "inputs": [ { "name": "kubeconfig", "input": kubeconfig }, { "name": "apiserver.pem", "input": leaf_pem } ], "now": now }),
            ),
        ),
        Case::new(
            "check-trust",
            "checkTrust",
            j(serde_json::json!({ "ca": ca_pem, "certificate": leaf_pem, "now": now })),
        ),
        Case::new(
            "check-trust-wrong-way",
            "checkTrust",
            j(serde_json::json!({ "ca": leaf_pem, "certificate": ca_pem, "now": now })),
        ),
        Case::new(
            "inspect-bundle-pem-chain",
            "inspectBundle",
            j(
                serde_json::json!({ "input": format!("{ca_pem}{leaf_pem}"), "now": now, "source": "chain.pem" }),
            ),
        ),
        Case::new(
            "inspect-bundle-kubeconfig",
            "inspectBundle",
            j(serde_json::json!({ "input": kubeconfig, "now": now })),
        ),
        Case::new(
            "bad-inspect-bundle-truncated-pem",
            "inspectBundle",
            j(
                serde_json::json!({ "input": &leaf_pem[..leaf_pem.len() / 2], "now": now, "kind": "pem" }),
            ),
        ),
        Case::new(
            "bad-inspect-neither-input",
            "inspect",
            j(serde_json::json!({ "now": now })),
        ),
        Case::new(
            "bad-inspect-not-base64",
            "inspect",
            j(serde_json::json!({ "inputBase64": "!!!", "now": now })),
        ),
        Case::new(
            "bad-inspect-truncated-pem",
            "inspect",
            j(
                serde_json::json!({ "input": &leaf_pem[..leaf_pem.len() / 2], "now": now, "kind": "pem" }),
            ),
        ),
        Case::new(
            "bad-inspect-set-item",
            "inspectSet",
            j(serde_json::json!({ "inputs": [ { "name": "x" } ], "now": now })),
        ),
        Case::new(
            "bad-check-trust-garbage",
            "checkTrust",
            j(serde_json::json!({ "ca": "garbage", "certificate": leaf_pem, "now": now })),
        ),
    ]
}

/// A CA (`CN=ca`) and an API-server-like leaf it signed: (CA PEM, leaf PEM, leaf DER,
/// leaf private key PEM). Fresh keys each run; the answers compared are computed from
/// the same bytes natively.
fn generated_chain() -> (String, String, Vec<u8>, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let fail = |what: &str, e: rcgen::Error| -> ! { panic!("rcgen {what}: {e}") };
    let ca_key =
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap_or_else(|e| fail("CA key", e));
    let mut ca =
        CertificateParams::new(Vec::<String>::new()).unwrap_or_else(|e| fail("CA params", e));
    ca.distinguished_name.push(DnType::CommonName, "ca");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_pem = ca
        .self_signed(&ca_key)
        .unwrap_or_else(|e| fail("CA", e))
        .pem();
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .unwrap_or_else(|e| fail("leaf key", e));
    let mut leaf = CertificateParams::new(vec!["myaks.hcp.westeurope.azmk8s.io".to_string()])
        .unwrap_or_else(|e| fail("leaf params", e));
    leaf.distinguished_name
        .push(DnType::CommonName, "apiserver");
    let issuer = Issuer::from_params(&ca, &ca_key);
    let cert = leaf
        .signed_by(&key, &issuer)
        .unwrap_or_else(|e| fail("leaf", e));
    (ca_pem, cert.pem(), cert.der().to_vec(), key.serialize_pem())
}

/// The instant corpus inspections are judged at (fixed, so answers are reproducible).
pub const CORPUS_NOW: &str = "2026-11-28T00:00:00Z";

/// One `inspect` case per file of the shared corpus (`None` when the corpus is absent,
/// after saying why): text as `input`, anything not UTF-8 (DER) as `inputBase64`.
pub fn corpus(test: &str) -> Option<Vec<Case>> {
    let Some(dir) = akscert_tests::corpus_dir() else {
        super::say(&format!(
            "skipped the corpus part of {test}: no shared corpus (set AKSCERT_CORPUS)"
        ));
        return None;
    };
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let cases = files
        .iter()
        .map(|path| {
            let bytes =
                std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .display()
                .to_string();
            let request = match String::from_utf8(bytes) {
                Ok(text) => serde_json::json!({ "input": text, "now": CORPUS_NOW, "source": name }),
                Err(e) => {
                    use base64ct::Encoding;
                    let b64 = base64ct::Base64::encode_string(e.as_bytes());
                    serde_json::json!({ "inputBase64": b64, "now": CORPUS_NOW, "source": name })
                }
            };
            Case::new(format!("corpus {name}"), "inspect", request.to_string())
        })
        .collect::<Vec<_>>();
    // The recorded `az aks` bodies through aksFacts too, with and without a creation date.
    let aks: Vec<Case> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.starts_with(dir.join("aks-json")))
        .flat_map(|path| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            let name = path.strip_prefix(&dir).unwrap_or(path).display().to_string();
            [None, Some("2022-05-13")].map(|created| {
                let request = serde_json::json!({ "input": text, "assume": { "created": created }, "now": CORPUS_NOW });
                Case::new(format!("corpus aksFacts {name} {created:?}"), "aksFacts", request.to_string())
            })
        })
        .collect();
    Some(cases.into_iter().chain(aks).collect())
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("list {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
