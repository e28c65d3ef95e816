//! Every document akscert writes reads back into core's own types, and writing the value
//! read gives the same bytes: `Timeline`, `ClusterTimeline` (with and without events, and
//! failed), `ExpiryReport`, `WhatIf`, `Inspection`, `InspectionSet` and `checkTrust`'s
//! `TrustReport`s — generated with core's exported strategies and rcgen certificates; and
//! a scenario and a cluster's request packed for the host ABI read back equal.
//!
//! The documents are the text `api::call` returns (what the wasm module, the CLI and the
//! npm package hand out), so the property is about the published bytes, not about a value
//! the test serialised itself.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::fmt::Debug;

use akscert_core::api;
use akscert_core::engine::{
    self, ClusterTimeline, KubeconfigHolder, RunOptions, Scenario, ScenarioCluster, Timeline,
};
use akscert_core::inspect::{Inspection, InspectionSet, TrustReport};
use akscert_core::report::{ClusterFacts, ExpiryReport, PoolFacts, WhatIf};
use akscert_core::strategies::arb_scenario;
use akscert_core::time::{Duration, Instant};
use proptest::prelude::*;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    SanType, SerialNumber, SignatureAlgorithm,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Read `text` as a `T`, write it again, and require the same bytes; the value read.
fn reads_back<T: Serialize + DeserializeOwned>(what: &str, text: &str) -> Result<T, TestCaseError> {
    let value: T = serde_json::from_str(text)
        .map_err(|e| TestCaseError::fail(format!("{what} does not read back: {e}\n{text}")))?;
    let again = serde_json::to_string(&value)
        .map_err(|e| TestCaseError::fail(format!("{what} does not write again: {e}")))?;
    prop_assert_eq!(again.as_str(), text, "{} changed in the round trip", what);
    Ok(value)
}

/// `reads_back`, and the value read equals the one the engine produced.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    what: &str,
    produced: &T,
    text: &str,
) -> Result<(), TestCaseError> {
    let written = serde_json::to_string(produced).unwrap();
    prop_assert_eq!(
        written.as_str(),
        text,
        "{}: api::call and the typed value disagree",
        what
    );
    let read: T = reads_back(what, text)?;
    prop_assert_eq!(&read, produced, "{} reads back to another value", what);
    Ok(())
}

fn call(op: &str, input: &impl Serialize) -> Result<String, TestCaseError> {
    let input = serde_json::to_string(input).unwrap();
    api::call(op, &input).map_err(|e| TestCaseError::fail(format!("{op}: {e}\n{input}")))
}

/// Facts about a generated scenario's first cluster as someone would state them at `now`:
/// its pools and kubeconfig holders, and (by the offsets, in days after creation) a last
/// upgrade, a last rotation, a stop and a reimage of the first pool.
fn facts_of(c: &ScenarioCluster, now: Instant, offsets: [Option<i64>; 4]) -> ClusterFacts {
    let at = |d: Option<i64>| d.map(|d| (c.created + Duration::days(d)).min(now));
    let [upgrade, rotation, stop, reimage] = offsets;
    ClusterFacts {
        name: c.name.clone(),
        resource_group: c.resource_group.clone(),
        created: c.created,
        kubernetes_version: c.kubernetes_version,
        last_upgrade: at(upgrade),
        last_rotation: at(rotation),
        rbac: c.rbac,
        tls_bootstrap: c.tls_bootstrap,
        stopped_since: at(stop),
        node_pools: c
            .node_pools
            .iter()
            .enumerate()
            .map(|(i, p)| PoolFacts {
                spec: p.clone(),
                created: None,
                last_upgrade: None,
                last_reimage: if i == 0 { at(reimage) } else { None },
            })
            .collect(),
        // A fetch the scenario has after `now` is not known at `now` (and the model
        // refuses a fact dated after it): the holder is stated without its date.
        kubeconfigs: c
            .kubeconfigs
            .iter()
            .map(|k| KubeconfigHolder {
                fetched: k.fetched.filter(|&f| f < now),
                ..k.clone()
            })
            .collect(),
    }
}

/// A generated scenario's first cluster, the history offsets (days after creation), and
/// a `now` (days after creation) at least a day after the last of them: facts dated `now`
/// itself may collide there (see `ClusterFacts::scenario`), which is not what this tests.
fn arb_facts() -> impl Strategy<Value = (Scenario, i64, [Option<i64>; 4])> {
    let offset = || proptest::option::weighted(0.4, 0i64..=3650);
    (
        arb_scenario(),
        1i64..=3650,
        [offset(), offset(), offset(), offset()],
    )
        .prop_map(|(s, after, offsets)| {
            let last = offsets.iter().flatten().copied().max().unwrap_or(0);
            (s, last + after, offsets)
        })
}

const ALGS: [&SignatureAlgorithm; 3] = [
    &rcgen::PKCS_ECDSA_P256_SHA256,
    &rcgen::PKCS_ECDSA_P384_SHA384,
    &rcgen::PKCS_ED25519,
];

/// What varies between generated certificates.
#[derive(Debug, Clone)]
struct CertSpec {
    alg: usize,
    cn: String,
    orgs: Vec<String>,
    dns: Vec<String>,
    ips: Vec<[u8; 4]>,
    nb_days: i64,
    lifetime_days: i64,
    path_len: Option<u8>,
    eku: (bool, bool),
    serial: Vec<u8>,
}

fn arb_cert_spec() -> impl Strategy<Value = CertSpec> {
    (
        0usize..3,
        // Names AKS gives its certificates, and arbitrary ones.
        prop_oneof![
            Just("apiserver".to_string()),
            Just("client".to_string()),
            Just("system:node:aks-nodepool1-1234-vmss000000".to_string()),
            "[a-z][a-z0-9-]{0,20}",
        ],
        prop::collection::vec(
            prop_oneof![
                Just("system:masters".to_string()),
                Just("system:nodes".to_string()),
                "[a-z:]{1,12}"
            ],
            0..2,
        ),
        prop::collection::vec("[a-z]{1,10}\\.[a-z]{2,5}", 0..4),
        prop::collection::vec(any::<[u8; 4]>(), 0..3),
        // notBefore 1971 to ~2100; lifetimes from a day to ~8000 years.
        365i64..47_000,
        1i64..2_900_000,
        prop::option::of(0u8..10),
        (any::<bool>(), any::<bool>()),
        prop::collection::vec(1u8..=255, 1..19),
    )
        .prop_map(
            |(alg, cn, orgs, dns, ips, nb_days, lifetime_days, path_len, eku, serial)| CertSpec {
                alg,
                cn,
                orgs,
                dns,
                ips,
                nb_days,
                lifetime_days,
                path_len,
                eku,
                serial,
            },
        )
}

fn odt(days: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(days * 86_400).unwrap()
}

/// A CA ("ca", from the spec's algorithm and path length) and a leaf it signs (the rest of
/// the spec), as PEM, with the leaf's key.
fn ca_and_leaf(s: &CertSpec) -> (String, String, String) {
    let ca_key = KeyPair::generate_for(ALGS[s.alg]).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name.push(DnType::CommonName, "ca");
    ca.is_ca = IsCa::Ca(match s.path_len {
        None => BasicConstraints::Unconstrained,
        Some(n) => BasicConstraints::Constrained(n),
    });
    ca.not_before = odt(s.nb_days - 1);
    ca.not_after = odt((s.nb_days + s.lifetime_days + 1).min(2_932_896));
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, &ca_key);

    let key = KeyPair::generate_for(ALGS[(s.alg + 1) % ALGS.len()]).unwrap();
    let mut p = CertificateParams::new(s.dns.clone()).unwrap();
    for ip in &s.ips {
        p.subject_alt_names
            .push(SanType::IpAddress(std::net::IpAddr::from(*ip)));
    }
    for o in &s.orgs {
        p.distinguished_name
            .push(DnType::OrganizationName, o.as_str());
    }
    p.distinguished_name.push(DnType::CommonName, s.cn.as_str());
    p.not_before = odt(s.nb_days);
    p.not_after = odt((s.nb_days + s.lifetime_days).min(2_932_896));
    if s.eku.0 {
        p.extended_key_usages
            .push(ExtendedKeyUsagePurpose::ServerAuth);
    }
    if s.eku.1 {
        p.extended_key_usages
            .push(ExtendedKeyUsagePurpose::ClientAuth);
    }
    let mut serial = s.serial.clone();
    serial[0] &= 0x7f;
    if serial[0] == 0 {
        serial[0] = 1;
    }
    p.serial_number = Some(SerialNumber::from_slice(&serial));
    let leaf = p.signed_by(&key, &issuer).unwrap();
    (ca_cert.pem(), leaf.pem(), key.serialize_pem())
}

fn b64(text: &str) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(text.as_bytes())
}

/// An AKS-style kubeconfig trusting `ca`, with `leaf` and its key as the user's credential.
fn kubeconfig(ca: &str, leaf: &str, key: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: aks1\n  cluster:\n    certificate-authority-data: {}\n    server: https://aks1-dns-12345678.hcp.westeurope.azmk8s.io:443\nusers:\n- name: clusterUser_rg_aks1\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n    token: 0123456789abcdef0123456789abcdef\ncontexts:\n- name: aks1\n  context:\n    cluster: aks1\n    user: clusterUser_rg_aks1\ncurrent-context: aks1\n",
        b64(ca),
        b64(leaf),
        b64(key)
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn timelines_read_back_byte_for_byte(s in arb_scenario()) {
        let timeline = engine::simulate(&s, RunOptions::default()).unwrap();
        round_trip::<Timeline>("Timeline", &timeline, &call("simulate", &s)?)?;

        // One cluster on its own, as a worker or a shard runs it: with events, and as a
        // summary only (`events` left out).
        for mut run in api::split(&s).unwrap().into_iter().take(2) {
            let with = call("simulateCluster", &run)?;
            reads_back::<ClusterTimeline>("ClusterTimeline", &with)?;
            run.include_events = false;
            let without = call("simulateCluster", &run)?;
            let read: ClusterTimeline = reads_back("ClusterTimeline (summary only)", &without)?;
            prop_assert!(read.events.is_none());
        }

        // A run stopped by its event budget: clusters with `error` and a `null` summary.
        let cut = engine::simulate(&s, RunOptions { max_events_per_cluster: 5, ..RunOptions::default() }).unwrap();
        prop_assert!(cut.clusters.iter().all(|c| c.error.is_some()));
        let text = serde_json::to_string(&cut).unwrap();
        let read: Timeline = reads_back("Timeline (failed clusters)", &text)?;
        prop_assert_eq!(read, cut);

        // Packed (the host ABI's `openScenario` input, as the CLI sends it): the same
        // scenario, field for field; and each cluster's request.
        prop_assert_eq!(api::unpack_scenario(&api::pack_scenario(&s)), Ok(s.clone()));
        let req = api::OpenClusterRequest {
            index: s.clusters.len() - 1,
            include_events: s.seed % 2 == 0,
            include_certificates: s.seed % 3 == 0,
            leave_out_resolved_by: s.clusters.first().map(|c| c.created),
            row: None,
            packed: s.seed % 5 == 0,
        };
        prop_assert_eq!(api::unpack_request(&api::pack_request(&req)), Ok(req));
    }

    #[test]
    fn reports_and_what_ifs_read_back_byte_for_byte(
        (s, now_days, offsets) in arb_facts(),
        warn_days in 0i64..=400,
    ) {
        let c = &s.clusters[0];
        let now = c.created + Duration::days(now_days);
        let cluster = facts_of(c, now, offsets);

        let req = akscert_core::report::ReportRequest {
            now,
            warn_within: Duration::days(warn_days),
            policy: s.policy.clone(),
            cluster: cluster.clone(),
        };
        let report = akscert_core::report::expiry_report(&req).unwrap();
        round_trip::<ExpiryReport>("ExpiryReport", &report, &call("report", &req)?)?;

        // The scenario's operations for that cluster, moved to start at `now`: what if we
        // did those (some are refused: unknown pools, a stopped cluster …), or nothing. A
        // what-if looks at most MAX_SPAN ahead (later operations are a typed input error,
        // tested where what-ifs are); a generated scenario may run longer than that.
        let operations = c
            .operations
            .iter()
            .filter(|o| o.at.since(c.created) <= akscert_core::report::MAX_SPAN)
            .map(|o| engine::ScheduledOperation { at: now + o.at.since(c.created), ..o.clone() })
            .collect();
        let req = akscert_core::report::WhatIfRequest {
            now,
            warn_within: Duration::days(warn_days),
            policy: s.policy.clone(),
            seed: s.seed,
            cluster,
            operations,
            horizon: None,
        };
        let what_if = akscert_core::report::what_if(&req).unwrap();
        round_trip::<WhatIf>("WhatIf", &what_if, &call("whatIf", &req)?)?;
    }

    #[test]
    fn inspections_read_back_byte_for_byte(s in arb_cert_spec(), now_days in 0i64..60_000) {
        let (ca, leaf, key) = ca_and_leaf(&s);
        let now = Instant::from_unix(now_days * 86_400).unwrap();
        let inspect = |input: &str| {
            serde_json::json!({ "input": input, "now": now, "warnWithin": "90d" })
        };

        // PEM bundles (leaf first, as servers send them; CA first, with the key), one with
        // a block that cannot be read, and a kubeconfig with a key and a token (redacted).
        let broken = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        for input in [format!("{leaf}{ca}"), format!("{ca}{leaf}{key}"), format!("{leaf}{broken}"), kubeconfig(&ca, &leaf, &key)] {
            let text = call("inspect", &inspect(&input))?;
            reads_back::<Inspection>("Inspection", &text)?;
        }

        let set = serde_json::json!({
            "inputs": [
                { "name": "kubeconfig", "input": kubeconfig(&ca, &leaf, &key) },
                { "name": "apiserver.pem", "input": leaf },
                { "name": "empty", "input": "" },
            ],
            "now": now,
        });
        reads_back::<InspectionSet>("InspectionSet", &call("inspectSet", &set)?)?;

        let trust = serde_json::json!({ "ca": ca, "certificate": leaf, "now": now });
        reads_back::<Vec<TrustReport>>("checkTrust", &call("checkTrust", &trust)?)?;
    }
}

/// A document from a newer akscert/v1 (a field this reader does not know) still reads; a
/// document of another `apiVersion` or `kind`, or with an event type this reader does not
/// know, does not, and the error says why and where.
#[test]
fn readers_tolerate_new_fields_but_not_new_meanings() {
    let scenario: Scenario = serde_json::from_str(
        r#"{"apiVersion":"akscert/v1","kind":"Scenario","horizon":"2026-01-01",
            "clusters":[{"name":"a","resourceGroup":"rg","created":"2024-01-01","kubernetesVersion":"1.29",
            "nodePools":[{"name":"system","count":1}]}]}"#,
    )
    .unwrap();
    let text = api::call("simulate", &serde_json::to_string(&scenario).unwrap()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["addedLater"] = serde_json::json!({"any": "shape"});
    doc["clusters"][0]["events"][0]["addedLater"] = serde_json::json!(1);
    doc["summary"]["addedLater"] = serde_json::json!([]);
    let read: Timeline = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(serde_json::to_string(&read).unwrap(), text);
    let events = doc["clusters"][0]["events"].as_array().unwrap();
    let issued = events
        .iter()
        .position(|e| e["type"] == "certificateIssued")
        .unwrap();

    let refused = |edit: &dyn Fn(&mut serde_json::Value), needle: &str| {
        let mut d = doc.clone();
        edit(&mut d);
        let err = api::parse::<Timeline>(&d.to_string())
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{err}");
    };
    refused(
        &|d| d["apiVersion"] = "akscert/v2".into(),
        "apiVersion `akscert/v2`",
    );
    refused(
        &|d| d["kind"] = "ExpiryReport".into(),
        "kind `ExpiryReport` is not `Timeline`",
    );
    refused(
        &|d| d["clusters"][0]["events"][0]["type"] = "certificateRevoked".into(),
        "certificateRevoked",
    );
    refused(
        &|d| d["clusters"][0]["events"][issued]["role"] = "etcdPeer".into(),
        "etcdPeer",
    );
    refused(
        &|d| d["summary"]["events"] = "many".into(),
        "summary.events",
    );
}

/// The refusals generated scenarios rarely reach — a kubeconfig merge conflict (its
/// `section`), an operation in progress, an unknown pool — and a restored kubeconfig, in
/// one what-if that must read back byte for byte.
#[test]
fn rare_events_read_back() {
    let request = serde_json::json!({
        "now": "2023-02-01T00:00:00Z",
        "cluster": {
            "name": "aks1", "resourceGroup": "rg", "created": "2023-01-01T00:00:00Z",
            "kubernetesVersion": "1.29.2",
            "nodePools": [{ "name": "system", "mode": "System", "count": 2 }],
            "kubeconfigs": [{ "holder": "alice", "fetched": "2023-01-01T00:00:00Z" }],
        },
        "operations": [
            { "at": "2023-02-01T00:00:00Z", "op": "rotateCerts", "outcome": "succeed", "duration": "30m" },
            { "at": "2023-02-01T00:10:00Z", "op": "scale", "pool": "system", "count": 3 },
            { "at": "2023-02-02T00:00:00Z", "op": "scale", "pool": "nosuch", "count": 1 },
            { "at": "2023-02-03T00:00:00Z", "op": "getCredentials", "holder": "alice" },
            { "at": "2023-02-04T00:00:00Z", "op": "getCredentials", "holder": "alice", "overwriteExisting": true },
        ],
    });
    let text = api::call("whatIf", &request.to_string()).unwrap();
    let what_if: WhatIf = reads_back("WhatIf", &text).unwrap();
    let rejections: Vec<String> = what_if
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            akscert_core::cluster::EventKind::OperationRejected { rejection, .. } => {
                Some(format!("{rejection:?}"))
            }
            _ => None,
        })
        .collect();
    for expected in [
        "OperationInProgress",
        "UnknownNodePool",
        "KubeconfigConflict",
    ] {
        assert!(
            rejections.iter().any(|r| r.starts_with(expected)),
            "{expected} not among {rejections:?}"
        );
    }
    assert!(text.contains(r#""section":"clusters""#), "{text}");
    assert!(text.contains(r#""type":"kubeconfigRestored""#), "{text}");
}
