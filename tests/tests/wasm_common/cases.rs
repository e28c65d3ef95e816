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
    cases
}
