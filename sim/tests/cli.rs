//! `akscert inspect` end to end: exit codes, JSON output, redaction, stdin, colours.
//!
//! These live in the sim package so that cargo builds the `akscert` binary for them
//! (`CARGO_BIN_EXE_akscert`); the corpus-driven checks use `../shared/corpus` when present.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use assert_cmd::Command;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

fn akscert() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_akscert"));
    c.env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1");
    c
}

fn corpus() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        akscert_tests::setup::skipped(
            "the corpus-based CLI tests",
            &format!("{} is not a directory", p.display()),
        );
        None
    }
}

/// An emptied directory under the target directory (not the system's temp directory,
/// which a test run must not fill).
fn scratch(name: &str) -> PathBuf {
    akscert_tests::sim::scratch(&format!("cli-{name}"))
}

const ENDDATE_2027: &str = "notAfter=Jan 23 05:43:49 2027 GMT\n";

#[test]
fn exit_zero_when_all_is_well_and_one_within_the_window() {
    akscert()
        .args(["inspect", "--now", "2026-01-01", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(0);
    // 22 days before notAfter: inside the default 30-day window.
    akscert()
        .args(["inspect", "--now", "2027-01-01", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(1);
    // …but not inside a 7-day one.
    akscert()
        .args(["inspect", "--now", "2027-01-01", "--warn-within", "7d", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(0);
    // Expired.
    akscert()
        .args(["inspect", "--now", "2028-01-01", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(1);
}

#[test]
fn exit_two_when_input_cannot_be_read() {
    let out = akscert()
        .args([
            "inspect",
            "--now",
            "2026-01-01",
            "/nonexistent/akscert/file.pem",
        ])
        .assert()
        .code(2);
    let text = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        text.contains("akscert: /nonexistent/akscert/file.pem: cannot read the input"),
        "{text}"
    );
    akscert()
        .args(["inspect", "-"])
        .write_stdin("hello, world\n")
        .assert()
        .code(2);
    // One unreadable file among good ones still exits 2, and the good one is still shown.
    let dir = scratch("mixed");
    let good = dir.join("enddate.txt");
    std::fs::write(&good, ENDDATE_2027).unwrap();
    let out = akscert()
        .args(["inspect", "--now", "2026-01-01", "--format", "json"])
        .arg(&good)
        .arg(dir.join("missing.pem"))
        .assert()
        .code(2);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["items"][0]["inspection"]["validities"][0]["notAfter"],
        "2027-01-23T05:43:49Z"
    );
    assert_eq!(v["items"][1]["error"]["error"]["error"], "io");
    // Bad flags are usage errors (clap exits 2 as well).
    akscert()
        .args(["inspect", "--warn-within", "3 months", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(2);
}

/// `akscert inspect --now 2027-01-01 [FLAGS] -o FILE -` of the 2027 end date on stdin.
fn inspect_to(file: &std::path::Path, flags: &[&str]) -> Command {
    let mut cmd = akscert();
    cmd.args(["inspect", "--now", "2027-01-01"])
        .args(flags)
        .arg("-o")
        .arg(file)
        .arg("-")
        .write_stdin(ENDDATE_2027);
    cmd
}

#[test]
fn o_writes_the_report_as_a_redirect_would_and_keeps_the_exit_code() {
    let dir = scratch("inspect-o");
    let to_stdout = akscert()
        .args(["inspect", "--now", "2027-01-01", "-f", "json", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(1);
    let file = dir.join("report.json");
    let to_file = inspect_to(&file, &["-f", "json"]).assert().code(1);
    assert!(to_file.get_output().stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), to_stdout.get_output().stdout);
    // The human table goes to the file without styles, as to a pipe.
    let table = dir.join("report.txt");
    inspect_to(&table, &[])
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&table).unwrap();
    assert!(
        text.contains("EXPIRING") && !text.contains('\x1b'),
        "{text}"
    );
    // A file that cannot be written is an error naming it, exit 2.
    let missing = dir.join("no-such-dir").join("report.json");
    let out = inspect_to(&missing, &[]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(err.contains(&missing.display().to_string()), "{err}");
}

#[test]
fn json_output_is_the_versioned_document() {
    let out = akscert()
        .args(["inspect", "--now", "2026-01-01", "--format", "json", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["apiVersion"], "akscert/v1");
    assert_eq!(v["kind"], "InspectionSet");
    assert_eq!(v["now"], "2026-01-01T00:00:00Z");
    assert_eq!(v["warnWithin"], "30d");
    let i = &v["items"][0]["inspection"];
    assert_eq!(i["apiVersion"], "akscert/v1");
    assert_eq!(i["kind"], "Inspection");
    assert_eq!(i["inputKind"], "opensslDates");
    assert_eq!(i["validities"][0]["daysLeft"], 387);
    assert_eq!(i["validities"][0]["status"], "ok");
    // Same input, same bytes.
    let again = akscert()
        .args(["inspect", "--now", "2026-01-01", "--format", "json", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(0);
    assert_eq!(out.get_output().stdout, again.get_output().stdout);
}

#[test]
fn secrets_are_redacted_in_both_formats() {
    let kc = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://x:443\ncontexts: []\nusers:\n- name: u\n  user:\n    token: s3cr3t-t0ken-value-123\n    password: hunter2-password\n    client-key-data: c2VjcmV0LWtleS1ieXRlcy1oZXJl\n";
    for format in ["human", "json"] {
        let out = akscert()
            .args(["inspect", "--now", "2026-01-01", "--format", format, "-"])
            .write_stdin(kc)
            .assert()
            .code(0);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        for secret in [
            "s3cr3t-t0ken-value-123",
            "hunter2-password",
            "c2VjcmV0LWtleS1ieXRlcy1oZXJl",
            "secret-key-bytes",
        ] {
            assert!(
                !text.contains(secret),
                "{format} output leaked {secret}:\n{text}"
            );
        }
        assert!(text.contains("present (redacted)"), "{text}");
    }
}

#[test]
fn no_color_means_no_escape_codes_and_human_table_has_the_facts() {
    let out = akscert()
        .args(["inspect", "--now", "2028-01-01", "-"])
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        !text.contains('\u{1b}'),
        "escape codes despite NO_COLOR: {text:?}"
    );
    assert!(
        text.contains("2027-01-23T05:43:49Z") && text.contains("EXPIRED"),
        "{text}"
    );
    assert!(text.contains("attention:"), "{text}");
}

fn ca_and_server() -> (String, String, String) {
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name.push(DnType::CommonName, "ca");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf =
        CertificateParams::new(vec!["myaks.hcp.westeurope.azmk8s.io".to_string()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "apiserver");
    let server = leaf
        .signed_by(&leaf_key, &Issuer::from_params(&ca, &ca_key))
        .unwrap()
        .pem();
    let other_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let rotated = ca.self_signed(&other_key).unwrap().pem();
    (ca_pem, server, rotated)
}

fn kubeconfig_for(ca_pem: &str) -> String {
    // base64 of the PEM, as AKS writes certificate-authority-data.
    let b64 = akscert_tests::base64(ca_pem.as_bytes());
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: myaks\n  cluster:\n    server: https://myaks.hcp.westeurope.azmk8s.io:443\n    certificate-authority-data: {b64}\n"
    )
}

#[test]
fn kubeconfig_and_apiserver_pem_answer_will_it_work() {
    let (ca, server, rotated) = ca_and_server();
    let dir = scratch("trust");
    let kc = dir.join("kubeconfig");
    let old_kc = dir.join("old-kubeconfig");
    let pem = dir.join("apiserver.pem");
    std::fs::write(&kc, kubeconfig_for(&ca)).unwrap();
    std::fs::write(&old_kc, kubeconfig_for(&rotated)).unwrap();
    std::fs::write(&pem, &server).unwrap();
    let now = time_now_for_rcgen();
    akscert()
        .args(["inspect", "--now", &now])
        .arg(&kc)
        .arg(&pem)
        .assert()
        .code(0);
    let out = akscert()
        .args(["inspect", "--now", &now])
        .arg(&old_kc)
        .arg(&pem)
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("kubectl would print: Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of \"x509: ECDSA verification failure\" while trying to verify candidate authority certificate \"ca\")"),
        "{text}"
    );
}

/// rcgen's default validity starts in 1975 and ends in 4096; any instant in between works.
fn time_now_for_rcgen() -> String {
    "2026-08-01T00:00:00Z".to_string()
}

#[test]
fn corpus_files_through_the_cli() {
    let Some(c) = corpus() else { return };
    // A truncated PEM: exit 2 with the line.
    let out = akscert()
        .args(["inspect", "--now", "2026-08-01"])
        .arg(c.join("k8s-pki/kubeconfig/kubernetes-client-java/ca-cert-invalid.pem"))
        .assert()
        .code(2);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("starting at line 1") && text.contains("truncated"),
        "{text}"
    );
    // Placeholder kubeconfig data: exit 2, and the reason is given per field.
    let out = akscert()
        .args(["inspect", "--now", "2026-08-01"])
        .arg(c.join("k8s-pki/kubeconfig/kubernetes-client-javascript/kubeconfig.yaml"))
        .assert()
        .code(2);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("cluster `cluster1` certificate-authority-data does not hold a certificate"),
        "{text}"
    );
    // The 2116 root CA: fine.
    akscert()
        .args(["inspect", "--now", "2026-08-01"])
        .arg(c.join("k8s-pki/apiserver-x509/root.pem"))
        .assert()
        .code(0);
}

#[test]
fn a_device_over_the_limit_is_larger_not_zero_bytes() {
    if !std::path::Path::new("/dev/zero").exists() {
        eprintln!("skipped: no /dev/zero here");
        return;
    }
    let out = akscert()
        .args(["inspect", "--now", "2026-01-01", "/dev/zero"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("larger than the 16777216-byte limit"),
        "{stderr}"
    );
    assert!(!stderr.contains("is 0 bytes"), "{stderr}");
}

/// `inspect ARGS` on both engines (`--engine wasm` runs the trust module): the same exit
/// code, stdout and stderr, byte for byte. The native run's exit code and stdout; `None`
/// when the modules cannot be built (the reason is printed).
fn inspect_on_both_engines(args: &[std::ffi::OsString]) -> Option<(i32, String)> {
    akscert_tests::sim::module("inspect_on_both_engines")?;
    let run = |engine: &str| {
        let out = akscert()
            .env("AKSCERT_MODULE_CACHE", akscert_tests::sim::module_cache())
            .args(["inspect", "--engine", engine])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (native, wasm) = (run("native"), run("wasm"));
    assert_eq!(
        native.0, wasm.0,
        "exit codes differ for {args:?}: {}",
        wasm.2
    );
    assert!(native.0 <= 2 && !native.1.is_empty(), "{}", native.2);
    assert_eq!(native.1, wasm.1, "stdout differs for {args:?}");
    assert_eq!(native.2, wasm.2, "stderr differs for {args:?}");
    Some((native.0, native.1))
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

#[test]
fn inspect_is_byte_identical_on_both_engines() {
    let (ca, server, _) = ca_and_server();
    let dir = scratch("engines");
    // A certificate whose notAfter precedes its notBefore: its lifetime is negative, and
    // must cross the module's boundary as it is.
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::new(vec!["backwards".to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2030, 1, 1);
    params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let backwards = params.self_signed(&key).unwrap();
    let files = [
        ("ca.pem", ca.clone().into_bytes()),
        ("apiserver.pem", server.into_bytes()),
        ("backwards.pem", backwards.pem().into_bytes()),
        // Binary DER: the wasm engine sends it as base64.
        ("backwards.der", backwards.der().to_vec()),
        ("kubeconfig", kubeconfig_for(&ca).into_bytes()),
    ];
    let mut args = os(&["--now", &time_now_for_rcgen()]);
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
        args.push(dir.join(name).into());
    }
    for extra in [
        &[][..],
        &["--verify"],
        &["--format", "json"],
        &["--verify", "--format", "json"],
    ] {
        let mut a = os(extra);
        a.extend(args.iter().cloned());
        let Some((code, stdout)) = inspect_on_both_engines(&a) else {
            return;
        };
        assert_eq!(
            code, 1,
            "the backwards certificate is not yet valid: {stdout}"
        );
        if extra.contains(&"json") {
            assert!(stdout.contains("\"lifetime\": \"-3653d\""), "{stdout}");
        }
    }
}

#[test]
fn inspect_of_the_whole_corpus_is_byte_identical_on_both_engines() {
    let Some(c) = corpus() else { return };
    let mut files = Vec::new();
    let mut dirs = vec![c];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.file_name().is_some_and(|n| n != "SOURCES.md") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "{} corpus files", files.len());
    for format in ["human", "json"] {
        let mut args = os(&["--verify", "--now", "2026-01-01", "--format", format]);
        args.extend(files.iter().map(Into::into));
        if inspect_on_both_engines(&args).is_none() {
            return;
        }
    }
}

#[test]
fn inspect_refuses_a_module_without_signature_checks() {
    let Some(full) = akscert_tests::sim::module("inspect_refuses_the_full_module") else {
        return;
    };
    let out = akscert()
        .env("AKSCERT_MODULE_CACHE", akscert_tests::sim::module_cache())
        .args(["inspect", "--engine", "wasm", "--module"])
        .arg(&full)
        .arg("-")
        .write_stdin(ENDDATE_2027)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("this is the full module, which has no signature checks; this command runs the trust module, trust/akscert_trust_bg.wasm"),
        "{stderr}"
    );
}
