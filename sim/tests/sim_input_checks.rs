//! Input checks of the command line: dates out of order, empty or absurd values, and
//! library texts — each refused (exit 2) with a message that names what the user wrote
//! (the flag, or the file and line), never an internal path.

use akscert_tests::sim::{example, run, run_in, scratch};

/// `akscert report` from flags (one cluster created 2021-05-10) with `extra`.
fn report_flags(extra: &[&str]) -> akscert_tests::sim::Run {
    report_flags_on("native", extra)
}

/// [`report_flags`] on `engine`.
fn report_flags_on(engine: &str, extra: &[&str]) -> akscert_tests::sim::Run {
    let mut args = vec![
        "report",
        "--engine",
        engine,
        "--now",
        "2026-01-01",
        "--name",
        "a",
        "--resource-group",
        "rg",
        "--created",
        "2021-05-10",
        "--kubernetes-version",
        "1.29.0",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn refused(r: &akscert_tests::sim::Run, expected: &[&str]) {
    assert_eq!(r.code, 2, "{}", r.stderr);
    for e in expected {
        assert!(r.stderr.contains(e), "missing `{e}` in: {}", r.stderr);
    }
    assert!(
        !r.stderr.contains("clusters[0]"),
        "internal path: {}",
        r.stderr
    );
}

/// The engine refuses the dates (core's `ClusterFacts::check_dates`, in the module with
/// `--engine wasm`); the CLI words the refusal with the flags the user gave.
#[test]
fn report_dates_after_now_or_before_creation_name_the_flag_and_both_dates() {
    let engines: &[&str] = if akscert_tests::sim::module("report_dates").is_some() {
        &["native", "wasm"]
    } else {
        &["native"]
    };
    for &engine in engines {
        let report_flags = |extra: &[&str]| report_flags_on(engine, extra);
        for flag in ["--stopped-since", "--last-rotation", "--last-upgrade"] {
            refused(
                &report_flags(&[flag, "2030-01-01"]),
                &[flag, "2030-01-01", "--now 2026-01-01"],
            );
        }
        refused(
            &report_flags(&["--last-upgrade", "2020-01-01"]),
            &["--last-upgrade 2020-01-01", "--created 2021-05-10"],
        );
        refused(
            &report_flags(&["--pool", "np,reimaged=2027-01-01"]),
            &["--pool np,reimaged=2027-01-01", "reimaged="],
        );
        // A pool added after `now` (the replay used to say the cluster had no pools).
        refused(
            &report_flags(&["--pool", "np,mode=System,created=2027-01-01"]),
            &[
                "--pool np,mode=System,created=2027-01-01 (created=)",
                "after the time of the report",
            ],
        );
    }
    // In range: accepted.
    let ok = report_flags(&[
        "--last-upgrade",
        "2022-09-01",
        "--stopped-since",
        "2025-12-01",
    ]);
    assert!(ok.code == 0 || ok.code == 1, "{}", ok.stderr);
}

#[test]
fn a_facts_file_date_after_now_names_the_file_line() {
    let dir = scratch("facts-date");
    let path = dir.join("facts.toml");
    std::fs::write(
        &path,
        "name = \"a\"\nresourceGroup = \"rg\"\ncreated = 2021-05-10\nkubernetesVersion = \"1.29.0\"\nlastRotation = 2030-01-01\n\n[[nodePools]]\nname = \"np\"\n",
    )
    .expect("fixture");
    let p = path.to_string_lossy().into_owned();
    let r = run(&["report", &p, "--engine", "native", "--now", "2026-01-01"]);
    refused(&r, &["facts.toml:5:", "lastRotation", "2030-01-01"]);
}

#[test]
fn a_facts_file_may_carry_the_document_header() {
    let dir = scratch("facts-header");
    let body = "name = \"a\"\nresourceGroup = \"rg\"\ncreated = 2021-05-10\nkubernetesVersion = \"1.29.0\"\n\n[[nodePools]]\nname = \"np\"\n";
    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        format!("apiVersion = \"akscert/v1\"\nkind = \"ClusterFacts\"\n{body}"),
    )
    .expect("fixture");
    let r = run(&[
        "report",
        &good.to_string_lossy(),
        "--engine",
        "native",
        "--now",
        "2026-01-01",
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, format!("apiVersion = \"akscert/v2\"\n{body}")).expect("fixture");
    let r = run(&[
        "report",
        &bad.to_string_lossy(),
        "--engine",
        "native",
        "--now",
        "2026-01-01",
    ]);
    refused(
        &r,
        &["bad.toml:1:", "apiVersion", "akscert/v1", "akscert/v2"],
    );
}

#[test]
fn empty_values_name_their_flag() {
    refused(&report_flags(&["--pool", ""]), &["--pool"]);
    refused(
        &report_flags(&["--kubeconfig", "@2022-01-01"]),
        &["--kubeconfig @2022-01-01"],
    );
    let r = run(&["simulate", "--engine", "native", "--shard", "0/0"]);
    refused(&r, &["0/0", "at least 1"]);
    assert!(!r.stderr.contains("0 to 0"), "{}", r.stderr);
}

#[test]
fn an_empty_scenario_is_refused_naming_clusters() {
    let r = run_in(
        &["simulate", "-", "--engine", "native", "--now", "2026-01-01"],
        Some("apiVersion: akscert/v1\nkind: Scenario\nseed: 1\nhorizon: 10y\nclusters: []\n"),
    );
    refused(&r, &["clusters", "at least one"]);
    assert!(!r.stdout.contains("0001-01-01"), "{}", r.stdout);
}

#[test]
fn a_bad_horizon_flag_is_blamed_on_the_flag() {
    let scenario = example("scenario.toml");
    let r = run(&[
        "simulate",
        &scenario.to_string_lossy(),
        "--engine",
        "native",
        "--horizon",
        "10000y",
    ]);
    refused(&r, &["--horizon", "1000 years"]);
    assert!(!r.stderr.contains("scenario.toml"), "{}", r.stderr);
}

#[test]
fn yaml_library_texts_are_put_in_user_words() {
    let dup =
        "apiVersion: akscert/v1\nkind: Scenario\nseed: 1\nseed: 2\nhorizon: 10y\nclusters: []\n";
    let r = run_in(&["simulate", "-", "--engine", "native"], Some(dup));
    refused(&r, &["seed", "twice"]);
    assert!(!r.stderr.contains("DuplicateKeyPolicy"), "{}", r.stderr);
    // A thousand clusters merged from one anchor: the library's alias budget.
    let mut bomb = String::from(
        "apiVersion: akscert/v1\nkind: Scenario\nseed: 1\nhorizon: 1y\nclusters:\n  - &base {name: c0, resourceGroup: rg, created: 2024-01-01, kubernetesVersion: '1.29.0', nodePools: [{name: np}]}\n",
    );
    for i in 1..1000 {
        bomb.push_str(&format!("  - {{<<: *base, name: c{i}}}\n"));
    }
    let r = run_in(&["simulate", "-", "--engine", "native"], Some(&bomb));
    refused(&r, &["aliases of 1 anchor"]);
    assert!(!r.stderr.contains("budget breached"), "{}", r.stderr);
    assert!(!r.stderr.contains("AliasAnchorRatio"), "{}", r.stderr);
}

#[test]
fn help_mentions_shard_only_where_it_exists() {
    for cmd in ["report", "merge"] {
        let r = run(&[cmd, "--help"]);
        assert_eq!(r.code, 0);
        assert!(!r.stdout.contains("with --shard"), "{cmd}: {}", r.stdout);
        assert!(!r.stdout.contains("--shard <"), "{cmd}: {}", r.stdout);
    }
    let r = run(&["simulate", "--help"]);
    assert!(r.stdout.contains("--shard <"), "{}", r.stdout);
}

#[test]
fn the_html_what_cell_names_a_cluster_wide_action() {
    // Created before autorotation and never upgraded: its actions are about the whole
    // cluster and have no subject.
    let dir = scratch("html-what");
    let path = dir.join("old.toml");
    std::fs::write(
        &path,
        "apiVersion = \"akscert/v1\"\nkind = \"Scenario\"\nseed = 1\nhorizon = \"4y\"\n\n[[clusters]]\nname = \"old\"\nresourceGroup = \"rg\"\ncreated = 2020-06-01\nkubernetesVersion = \"1.19.0\"\n\n[[clusters.nodePools]]\nname = \"np\"\n",
    )
    .expect("fixture");
    let r = run(&[
        "fleet",
        &path.to_string_lossy(),
        "--engine",
        "native",
        "--now",
        "2022-05-01",
        "-f",
        "html",
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(!r.stdout.contains("<td>: "), "{}", r.stdout);
    assert!(
        r.stdout.contains("<td>enableAutorotation: "),
        "{}",
        r.stdout
    );
}
