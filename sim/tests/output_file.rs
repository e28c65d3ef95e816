//! `-o PATH` behaves like a shell redirect: links are written through, devices and FIFOs
//! are written to (not replaced), an existing file keeps its mode, a new one gets 0666
//! minus the umask, and a failed write is an error naming the path.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Output;

const BIN: &str = env!("CARGO_BIN_EXE_akscert");

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/cluster.toml")
        .display()
        .to_string()
}

/// `akscert report examples/cluster.toml -o PATH` (exit 1: it has actions due).
fn report_to(path: &Path) -> Output {
    std::process::Command::new(BIN)
        .args([
            "report",
            &example(),
            "--engine",
            "native",
            "--now",
            "2026-01-15",
        ])
        .args(["--format", "csv", "-o"])
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// An emptied directory under the target directory (not the system's temp directory,
/// which a test run must not fill).
fn scratch(name: &str) -> PathBuf {
    akscert_tests::sim::scratch(&format!("out-{name}"))
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn expect_written(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_symlink_is_kept_and_its_target_written() {
    let dir = scratch("symlink");
    let target = dir.join("real.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    expect_written(&report_to(&link));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.contains("legacy-api"), "{text}");
    // A dangling link creates its target, as `>` does.
    let dangling = dir.join("dangling.csv");
    std::os::unix::fs::symlink("new.csv", &dangling).unwrap();
    expect_written(&report_to(&dangling));
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(dir.join("new.csv"))
            .unwrap()
            .contains("legacy-api")
    );
}

#[test]
fn a_fifo_is_written_to_for_its_reader() {
    let dir = scratch("fifo");
    let fifo = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    expect_written(&report_to(&fifo));
    let text = reader.join().unwrap();
    assert!(text.contains("legacy-api"), "{text}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn an_existing_file_keeps_its_mode() {
    let dir = scratch("mode");
    for m in [0o644, 0o600, 0o664] {
        let path = dir.join(format!("report-{m:o}.csv"));
        std::fs::write(&path, "old\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(m)).unwrap();
        expect_written(&report_to(&path));
        assert_eq!(mode(&path), m, "{}", path.display());
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("legacy-api")
        );
    }
}

#[test]
fn a_new_file_honours_the_umask() {
    let dir = scratch("umask");
    for (umask, want) in [("022", 0o644), ("027", 0o640), ("077", 0o600)] {
        let path = dir.join(format!("new-{umask}.csv"));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask}; exec \"$0\" report \"$1\" --engine native --now 2026-01-15 -o \"$2\""
            ))
            .arg(BIN)
            .arg(example())
            .arg(&path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        expect_written(&out);
        assert_eq!(mode(&path), want, "umask {umask}");
    }
}

#[test]
fn a_full_device_is_an_error_and_stays_a_device() {
    let full = Path::new("/dev/full");
    if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        eprintln!("skipped: /dev/full is not a character device here");
        return;
    }
    let out = report_to(full);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write /dev/full"), "{stderr}");
    assert!(stderr.contains("No space left"), "{stderr}");
    assert!(
        std::fs::metadata(full)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn dev_stdout_is_the_standard_output() {
    let stdout = Path::new("/dev/stdout");
    if std::fs::symlink_metadata(stdout).is_err() {
        eprintln!("skipped: no /dev/stdout here");
        return;
    }
    let before = std::fs::symlink_metadata(stdout).unwrap().file_type();
    let out = report_to(stdout);
    expect_written(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("legacy-api"), "{text}");
    assert_eq!(
        std::fs::symlink_metadata(stdout).unwrap().file_type(),
        before
    );
}
