//! The `akscert` command line as a user meets it: the first command with no arguments,
//! exit codes 0 / 1 / 2, each report format, `-o`, colour, the fleet sorted by urgency,
//! `report` from flags, files and `az` output.

use akscert_tests::sim::{self, example, run, scratch};

fn ex(name: &str) -> String {
    example(name).to_string_lossy().into_owned()
}

#[test]
fn akscert_with_no_arguments_runs_the_bundled_example_in_wasm() {
    if sim::module("akscert_with_no_arguments").is_none() {
        return;
    }
    let r = sim::run_in(&[], None);
    assert_eq!(
        r.code, 0,
        "the quick start's command succeeds: {}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("akscert simulation \"three clusters, ten years\""),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("== prod-weu") && r.stdout.contains("rotateCerts FAILED"));
    let explicit = run(&["simulate", "--now", "2026-11-28"]);
    let native = run(&["simulate", "--now", "2026-11-28", "--engine", "native"]);
    assert_eq!(explicit.stdout, native.stdout);
    assert!(
        !explicit.stdout.contains('\u{1b}'),
        "NO_COLOR must strip colour"
    );
}

#[test]
fn exit_codes_say_whether_anything_is_due_within_the_window() {
    // A cluster created a month before `now`: nothing due for decades.
    let fresh = [
        "report",
        "--engine",
        "native",
        "--name",
        "fresh",
        "--resource-group",
        "rg",
        "--created",
        "2026-01-01",
        "--kubernetes-version",
        "1.31.2",
        "--now",
        "2026-02-01",
    ];
    let r = run(&fresh);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 overdue, 0 due"), "{}", r.stdout);
    // A 2021 cluster never upgraded: its 2-year certificates expired in 2023.
    let stale = [
        "report",
        "--engine",
        "native",
        "--name",
        "old",
        "--resource-group",
        "rg",
        "--created",
        "2021-01-01",
        "--kubernetes-version",
        "1.20.7",
        "--now",
        "2024-01-01",
    ];
    let r = run(&stale);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("expired")
            && r.stdout
                .contains("az aks rotate-certs --resource-group rg --name old"),
        "{}",
        r.stdout
    );
    // Within the window: the same old cluster a month before expiry (730 days).
    let mut soon = stale;
    soon[12] = "2022-12-15";
    let r = run(&soon);
    assert_eq!(r.code, 1, "due within 30 days: {}", r.stdout);
    let mut wide = soon.to_vec();
    wide.extend(["--warn-within", "1d"]);
    let r = run(&wide);
    assert_eq!(r.code, 0, "nothing within one day: {}", r.stdout);
    // An error: 2.
    let r = run(&["report", "--engine", "native", "--name", "x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--resource-group is required"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_format_renders_the_bundled_example() {
    let base = ["simulate", "--engine", "native", "--now", "2026-11-28"];
    let out = |f: &str| {
        let mut a = base.to_vec();
        a.extend(["--format", f]);
        let r = run(&a);
        // The demo exits 0 although actions are due; the same scenario as a file exits 1
        // (see `stdin_is_read_with_the_dash`).
        assert_eq!(r.code, 0, "{f}: {}", r.stderr);
        assert!(
            r.stderr.contains("the bundled example has actions due"),
            "{}",
            r.stderr
        );
        r.stdout
    };
    let json: serde_json::Value = serde_json::from_str(&out("json")).unwrap();
    assert_eq!(json["apiVersion"], "akscert/v1");
    assert_eq!(json["kind"], "Timeline");
    assert_eq!(json["clusters"].as_array().unwrap().len(), 3);
    let csv = out("csv");
    assert!(csv.starts_with("cluster,resourceGroup,at,type,details\n"));
    assert!(
        csv.lines().count() > 200
            && csv.contains("legacy-2018,rg-legacy,2018-11-13T23:01:34Z,created,")
    );
    let html = out("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "one SVG timeline per cluster"
    );
    assert!(html.contains("Fleet summary"));
    for external in ["src=\"http", "href=\"http", "<script", "@import", "url("] {
        assert!(
            !html.contains(external),
            "the page must be self-contained: {external}"
        );
    }
    let prom = out("prometheus");
    for metric in [
        "x509_cert_not_after",
        "x509_cert_not_before",
        "x509_cert_expired",
    ] {
        assert!(prom.contains(&format!("# TYPE {metric} gauge")), "{metric}");
    }
    let series: Vec<&str> = prom.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(!series.is_empty());
    for line in &series {
        let (labels, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<i64>().is_ok(), "{line}");
        assert!(
            labels.contains("cluster=\"") && labels.contains("role=\""),
            "{line}"
        );
    }
    // legacy-2018's API server certificate expired in 2022 and was never replaced.
    assert!(series.iter().any(|l| l.starts_with("x509_cert_expired{cluster=\"legacy-2018\",resource_group=\"rg-legacy\",role=\"apiServer\"") && l.ends_with(" 1")), "{prom}");
}

#[test]
fn output_files_are_written_whole_and_without_colour() {
    let dir = scratch("cli_output_files");
    let file = dir.join("report.txt");
    std::fs::write(&file, "old").unwrap();
    let mut cmd = std::process::Command::new(sim::akscert());
    let status = cmd
        .args([
            "simulate",
            "--engine",
            "native",
            "--now",
            "2026-11-28",
            "-o",
        ])
        .arg(&file)
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "the bundled demo exits 0");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("akscert simulation"));
    assert!(!text.contains('\u{1b}'), "a file never gets ANSI colour");
    // On a terminal-like stdout with colour forced, the report is coloured.
    let out = std::process::Command::new(sim::akscert())
        .args(["simulate", "--engine", "native", "--now", "2026-11-28"])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\u{1b}["),
        "CLICOLOR_FORCE colours stdout"
    );
    let out = std::process::Command::new(sim::akscert())
        .args(["simulate", "--engine", "native", "--now", "2026-11-28"])
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("\u{1b}["),
        "NO_COLOR wins"
    );
}

#[test]
fn the_fleet_is_sorted_by_urgency() {
    let r = run(&[
        "fleet",
        &ex("az-aks-list.json"),
        "--engine",
        "native",
        "--now",
        "2026-11-28",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["kind"], "FleetReport");
    let clusters = doc["clusters"].as_array().unwrap();
    let order: Vec<&str> = clusters
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["old-batch", "lab", "shop-prod"]);
    assert_eq!(clusters[0]["urgency"], "overdue");
    assert_eq!(clusters[2]["urgency"], "later");
    assert_eq!(clusters[0]["report"]["kind"], "ExpiryReport");
    assert_eq!(doc["counts"]["overdue"], 2);
    // The stopped cluster: since when is read from systemData.lastModifiedAt.
    assert!(
        clusters[1]["notes"][0]
            .as_str()
            .unwrap()
            .contains("stopped; assumed since")
    );
    let csv = run(&[
        "fleet",
        &ex("az-aks-list.json"),
        "--engine",
        "native",
        "--now",
        "2026-11-28",
        "--format",
        "csv",
    ]);
    assert!(
        csv.stdout.starts_with(
            "urgency,cluster,resourceGroup,due,kind,subject,reason,commands\noverdue,old-batch,"
        ),
        "{}",
        csv.stdout
    );
}

#[test]
fn real_az_output_without_a_creation_date_needs_one() {
    let Some(corpus) = akscert_tests::corpus_dir() else {
        return;
    };
    for file in [
        "aks-json/azure-cli-recording-test_aks_create_default/03-GET-200-aks-list-value.json",
        "aks-json/azure-cli-recording-test_aks_create_default/02-GET-200-aks-show-Succeeded.json",
        "aks-json/arm-spec-examples/ManagedClustersGet.json",
    ] {
        let path = corpus.join(file).to_string_lossy().into_owned();
        let r = run(&["fleet", &path, "--engine", "native", "--now", "2026-11-28"]);
        assert_eq!(r.code, 2, "{file}: {}", r.stdout);
        assert!(
            r.stdout.contains("the JSON gives no creation date"),
            "{file}: {}",
            r.stdout
        );
        if file.contains("arm-spec") {
            // An ARM API example: the cluster is the body of its 200 response (read as
            // `inspect` reads it, so the page's "Use in the form" works on it too).
            assert!(r.stdout.contains("clustername1"), "{}", r.stdout);
            continue;
        }
        let r = run(&[
            "fleet",
            &path,
            "--engine",
            "native",
            "--now",
            "2026-11-28",
            "--assume-created",
            "2022-05-13",
        ]);
        assert!(r.code <= 1, "{file}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("cliakstest000002") && r.stdout.contains("clitest000001"),
            "{}",
            r.stdout
        );
        let r = run(&[
            "report",
            &path,
            "--engine",
            "native",
            "--now",
            "2026-11-28",
            "--assume-created",
            "2022-05-13",
        ]);
        assert!(r.code <= 1, "{file}: {}", r.stderr);
        assert!(
            r.stdout
                .contains("cliakstest000002 (resource group clitest000001)"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("nodePool:nodepool1"), "{}", r.stdout);
    }
}

#[test]
fn list_items_that_are_not_clusters_are_skipped_with_a_note_on_stderr() {
    let dir = scratch("cli_az_list_with_a_stranger");
    let mut list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("az-aks-list.json")).unwrap())
            .unwrap();
    if let Some(items) = list.as_array_mut() {
        items.insert(1, serde_json::json!({ "name": "not-a-cluster", "type": "Microsoft.Storage/storageAccounts" }));
    }
    let path = dir.join("mixed.json");
    std::fs::write(&path, list.to_string()).unwrap();
    let path = path.to_string_lossy().into_owned();
    let now = [
        "--engine",
        "native",
        "--now",
        "2026-11-28",
        "--format",
        "csv",
    ];
    let mixed = run(&[&["fleet", path.as_str()][..], &now[..]].concat());
    let clean = run(&[&["fleet", ex("az-aks-list.json").as_str()][..], &now[..]].concat());
    assert_eq!(mixed.code, clean.code, "{}", mixed.stderr);
    assert_eq!(
        mixed.stdout, clean.stdout,
        "the report is about the clusters only"
    );
    assert!(
        mixed
            .stderr
            .contains("item 1 of the list is not an AKS cluster"),
        "{}",
        mixed.stderr
    );
    assert!(!clean.stderr.contains("note:"), "{}", clean.stderr);
}

#[test]
fn report_reads_flags_files_and_az_show_alike() {
    let from_file = run(&[
        "report",
        &ex("cluster.toml"),
        "--engine",
        "native",
        "--now",
        "2026-01-15",
        "--format",
        "json",
    ]);
    let from_flags = run(&[
        "expiry",
        "--engine",
        "native",
        "--now",
        "2026-01-15",
        "--format",
        "json",
        "--name",
        "legacy-api",
        "--resource-group",
        "rg-api",
        "--created",
        "2021-05-10T12:00:00Z",
        "--kubernetes-version",
        "1.27.3",
        "--last-upgrade",
        "2022-09-01T02:00:00Z",
        "--pool",
        "system,mode=System,count=3,image=AKSUbuntu-2204gen2containerd-202308.10.0",
        "--pool",
        "batch,count=2,tag:aks-disable-kubelet-serving-certificate-rotation=true",
        "--kubeconfig",
        "alice@2022-09-02T08:00:00Z",
    ]);
    assert_eq!(from_file.code, 1, "{}", from_file.stderr);
    assert_eq!(
        from_flags.stdout, from_file.stdout,
        "flags and file describe one cluster"
    );
    let r = run(&[
        "report",
        &ex("az-aks-list.json"),
        "--engine",
        "native",
        "--now",
        "2026-11-28",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("3 clusters match; pick one with --name"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "report",
        &ex("cluster.toml"),
        "--name",
        "x",
        "--created",
        "2020-01-01",
        "--engine",
        "native",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("either in a file or as flags"),
        "{}",
        r.stderr
    );
    let r = run(&[
        "report",
        "--engine",
        "native",
        "--name",
        "a",
        "--resource-group",
        "rg",
        "--created",
        "2024-01-01",
        "--kubernetes-version",
        "1.29.0",
        "--pool",
        "np,colour=red",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown key `colour`"), "{}", r.stderr);
}

#[test]
fn stdin_is_read_with_the_dash() {
    let text = std::fs::read_to_string(example("scenario.toml")).unwrap();
    let piped = sim::run_in(
        &["simulate", "-", "--engine", "native", "--now", "2026-11-28"],
        Some(&text),
    );
    let bundled = run(&["simulate", "--engine", "native", "--now", "2026-11-28"]);
    assert_eq!(piped.code, 1, "{}", piped.stderr);
    assert_eq!(piped.stdout, bundled.stdout);
}
