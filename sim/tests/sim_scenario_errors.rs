//! Scenario-file errors — wrong types, unknown fields, tag names Azure refuses, dates
//! before creation — each reported at file:line:col, in TOML, YAML and JSON, with exit
//! code 2 and nothing on stdout. Overlapping operations are no error: the cluster refuses
//! the second one in the timeline, as AKS does.

use akscert_tests::sim::{run, scratch};

const TOML: &str = r#"apiVersion = "akscert/v1"
kind = "Scenario"
horizon = "2030-01-01"

[[clusters]]
name = "a"
resourceGroup = "rg"
created = 2022-01-01T00:00:00Z
kubernetesVersion = "1.25.1"
nodePools = [{ name = "np", count = 2 }]

[[clusters.operations]]
at = 2023-01-01T00:00:00Z
op = "upgrade"

[[clusters.operations]]
at = 2023-02-01T00:00:00Z
op = "stop"
"#;

const YAML: &str = r#"apiVersion: akscert/v1
kind: Scenario
horizon: 2030-01-01
clusters:
  - name: a
    resourceGroup: rg
    created: 2022-01-01T00:00:00Z
    kubernetesVersion: "1.25.1"
    nodePools: [{ name: np, count: 2 }]
    operations:
      - { at: 2023-01-01T00:00:00Z, op: upgrade }
      - { at: 2023-02-01T00:00:00Z, op: stop }
"#;

const JSON: &str = r#"{
  "apiVersion": "akscert/v1",
  "kind": "Scenario",
  "horizon": "2030-01-01",
  "clusters": [
    {
      "name": "a",
      "resourceGroup": "rg",
      "created": "2022-01-01T00:00:00Z",
      "kubernetesVersion": "1.25.1",
      "nodePools": [{ "name": "np", "count": 2 }],
      "operations": [
        { "at": "2023-01-01T00:00:00Z", "op": "upgrade" },
        { "at": "2023-02-01T00:00:00Z", "op": "stop" }
      ]
    }
  ]
}
"#;

/// Write `text` with one substitution, run `simulate` on it, and check the message.
fn check(dir: &std::path::Path, file: &str, text: &str, from: &str, to: &str, expected: &[&str]) {
    assert!(text.contains(from), "{file}: the fixture lacks `{from}`");
    let path = dir.join(file);
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write the fixture");
    let path = path.to_string_lossy().into_owned();
    let r = run(&["simulate", &path, "--engine", "native"]);
    assert_eq!(r.code, 2, "{file}: {}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "{file}: printed a report: {}",
        r.stdout
    );
    for e in expected {
        let e = e.replace("FILE", &path);
        assert!(
            r.stderr.contains(&e),
            "{file}: expected `{e}` in: {}",
            r.stderr
        );
    }
}

#[test]
fn the_fixtures_are_valid() {
    let dir = scratch("scenario_errors_valid");
    for (name, text) in [("ok.toml", TOML), ("ok.yaml", YAML), ("ok.json", JSON)] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let r = run(&[
            "simulate",
            &path.to_string_lossy(),
            "--engine",
            "native",
            "--now",
            "2024-01-01",
        ]);
        assert!(r.code <= 1, "{name}: {}", r.stderr);
    }
}

#[test]
fn wrong_types_point_at_the_value() {
    let dir = scratch("scenario_errors_types");
    check(
        &dir,
        "t.toml",
        TOML,
        "count = 2",
        "count = \"two\"",
        &["FILE:10:37: clusters[0].nodePools[0].count: invalid type: string \"two\""],
    );
    check(
        &dir,
        "t.yaml",
        YAML,
        "count: 2",
        "count: two",
        &["FILE:9:36: clusters[0].nodePools[0].count:"],
    );
    check(
        &dir,
        "t.json",
        JSON,
        "\"count\": 2",
        "\"count\": \"two\"",
        &["FILE:11:46: clusters[0].nodePools[0].count: invalid type: string \"two\""],
    );
}

#[test]
fn unknown_fields_are_refused_where_they_are() {
    let dir = scratch("scenario_errors_unknown");
    check(
        &dir,
        "u.toml",
        TOML,
        "name = \"np\",",
        "name = \"np\", colour = \"red\",",
        &["FILE:10:38: clusters[0].nodePools[0].colour: unknown field `colour`"],
    );
    check(
        &dir,
        "u.yaml",
        YAML,
        "name: np,",
        "name: np, colour: red,",
        &["FILE:9:37: clusters[0].nodePools[0].colour: unknown field `colour`"],
    );
    check(
        &dir,
        "u.json",
        JSON,
        "\"kind\": \"Scenario\",",
        "\"kind\": \"Scenario\", \"colour\": 1,",
        &["FILE:3:33: colour: unknown field `colour`"],
    );
}

#[test]
fn tag_names_azure_refuses_point_at_the_tags() {
    let dir = scratch("scenario_errors_tags");
    let msg = "clusters[0].operations[1].tags: tag `team/owner`: Azure tag names cannot contain any of < > % & \\ ? /";
    check(
        &dir,
        "t.toml",
        TOML,
        "op = \"stop\"",
        "op = \"setTags\"\npool = \"np\"\ntags = { \"team/owner\" = \"x\" }",
        &[&format!("FILE:20:1: {msg}")],
    );
    check(
        &dir,
        "t.yaml",
        YAML,
        "op: stop }",
        "op: setTags, pool: np, tags: { team/owner: x } }",
        &[&format!("FILE:12:66: {msg}")],
    );
    check(
        &dir,
        "t.json",
        JSON,
        "\"op\": \"stop\" }",
        "\"op\": \"setTags\", \"pool\": \"np\", \"tags\": { \"team/owner\": \"x\" } }",
        &[&format!("FILE:14:80: {msg}")],
    );
}

#[test]
fn overlapping_operations_run_and_the_second_is_refused_in_the_timeline() {
    let dir = scratch("scenario_errors_overlap");
    let path = dir.join("o.json");
    std::fs::write(
        &path,
        JSON.replacen("\"2023-02-01T00:00:00Z\"", "\"2023-01-01T00:10:00Z\"", 1),
    )
    .expect("write the fixture");
    let r = run(&[
        "simulate",
        &path.to_string_lossy(),
        "--engine",
        "native",
        "--format",
        "json",
    ]);
    assert!(r.code <= 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Another operation (Upgrading) is in progress"),
        "{}",
        r.stdout
    );
}

#[test]
fn dates_before_creation_point_at_the_date() {
    let dir = scratch("scenario_errors_before");
    let msg = "clusters[0].operations[0].at: 2021-06-01T00:00:00Z is before the cluster was created (2022-01-01T00:00:00Z)";
    check(
        &dir,
        "b.toml",
        TOML,
        "2023-01-01T00:00:00Z",
        "2021-06-01T00:00:00Z",
        &[&format!("FILE:13:6: {msg}")],
    );
    check(
        &dir,
        "b.yaml",
        YAML,
        "2023-01-01T00:00:00Z",
        "2021-06-01T00:00:00Z",
        &[&format!("FILE:11:15: {msg}")],
    );
    check(
        &dir,
        "b.json",
        JSON,
        "\"2023-01-01T00:00:00Z\"",
        "\"2021-06-01T00:00:00Z\"",
        &[&format!("FILE:13:17: {msg}")],
    );
}

#[test]
fn syntax_errors_and_bad_values_have_positions_too() {
    let dir = scratch("scenario_errors_syntax");
    check(
        &dir,
        "s.toml",
        TOML,
        "kind = \"Scenario\"",
        "kind = \"Scenario",
        &["FILE:2:"],
    );
    check(
        &dir,
        "s.json",
        JSON,
        "\"kind\": \"Scenario\",",
        "\"kind\": \"Scenario\"",
        &["FILE:4:"],
    );
    check(&dir, "s.yaml", YAML, "clusters:", "clusters: [", &["FILE:"]);
    // A node pool name AKS refuses: the path leads to the name.
    check(
        &dir,
        "n.toml",
        TOML,
        "name = \"np\"",
        "name = \"Pool_1\"",
        &["FILE:10:23: clusters[0].nodePools[0].name: node pool name `Pool_1` is not a valid name"],
    );
    // A YAML version that reads as a number gets a hint.
    check(
        &dir,
        "v.toml",
        TOML,
        "kubernetesVersion = \"1.25.1\"",
        "kubernetesVersion = 1.25",
        &["FILE:9:", "must be quoted"],
    );
}

/// What the model refuses in a scenario is decided in the module with `--engine wasm`:
/// the same message at the same line and column, or on `--horizon` when the flag set what
/// is refused, as natively.
#[test]
fn the_module_refuses_what_the_core_refuses_at_the_same_place() {
    let Some(module) = akscert_tests::sim::module("the_module_refuses_what_the_core_refuses")
    else {
        return;
    };
    let module = module.to_string_lossy().into_owned();
    let dir = scratch("scenario_errors_engines");
    let refusals: &[(&str, &str, &str, &[&str], &str)] = &[
        (
            "tag.yaml",
            "op: stop }",
            "op: setTags, pool: np, tags: { team/owner: x } }",
            &[],
            "FILE:12:66: clusters[0].operations[1].tags: tag `team/owner`",
        ),
        ("count.yaml", "count: 2", "count: 5000", &[], "FILE:9:36:"),
        (
            "pool.yaml",
            "op: stop }",
            "op: scale, pool: nope, count: 3 }",
            &[],
            "FILE:12:",
        ),
        (
            "early.yaml",
            "horizon: 2030-01-01",
            "horizon: 2021-01-01",
            &[],
            "FILE:3:10: horizon:",
        ),
        (
            "flag.yaml",
            "horizon: 2030-01-01",
            "horizon: 2030-01-01",
            &["--horizon", "2022-06-01"],
            "set by --horizon 2022-06-01",
        ),
        (
            "far.yaml",
            "horizon: 2030-01-01",
            "horizon: 2030-01-01",
            &["--horizon", "10000y"],
            "--horizon 3650000d: ",
        ),
        (
            "twice.yaml",
            "clusters:\n",
            "clusters:\n  - { name: a, resourceGroup: rg, created: 2022-01-01, kubernetesVersion: '1.25.1', nodePools: [{ name: np }] }\n",
            &[],
            "FILE:",
        ),
    ];
    for (file, from, to, flags, expected) in refusals {
        assert!(YAML.contains(from), "{file}: the fixture lacks `{from}`");
        let path = dir.join(file);
        std::fs::write(&path, YAML.replacen(from, to, 1)).expect("write the fixture");
        let path = path.to_string_lossy().into_owned();
        let args = |engine: &'static [&'static str]| {
            let mut a: Vec<&str> = vec!["simulate", &path, "--now", "2024-01-01"];
            a.extend_from_slice(flags);
            a.extend_from_slice(engine);
            a
        };
        let native = run(&args(&["--engine", "native"]));
        let wasm_args: Vec<&str> = args(&["--engine", "wasm"])
            .into_iter()
            .chain(["--module", module.as_str()])
            .collect();
        let wasm = run(&wasm_args);
        let expected = expected.replace("FILE", &path);
        assert_eq!(native.code, 2, "{file}: {}", native.stderr);
        assert!(
            native.stderr.contains(&expected),
            "{file}: expected `{expected}` in: {}",
            native.stderr
        );
        assert!(native.stdout.is_empty() && wasm.stdout.is_empty(), "{file}");
        assert_eq!(
            (wasm.code, &wasm.stderr),
            (native.code, &native.stderr),
            "{file}"
        );
    }
}
