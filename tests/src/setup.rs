//! The set-up a test run can do for itself without root, and the record of what it could
//! not: `npm ci` when Node and npm are there but the npm dev-dependencies are missing or
//! older than `package-lock.json` (once per run, under a lock shared by parallel test
//! binaries), and a log of every skipped part that the last test binary of the run
//! (`tests/zz_skipped_summary.rs`) prints — so a fresh clone's `cargo test` cannot pass
//! quietly while skipping the TypeScript and browser tests.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// Print a line that `cargo test` shows even for a passing test (libtest captures the
/// print macros, not direct writes to the stderr handle).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The directory of the skip logs and the npm lock.
fn state_dir() -> PathBuf {
    xtask::target_dir().join("test-skips")
}

/// One `cargo test` run: every test binary of it is a child of the same cargo process.
fn run_id() -> u32 {
    std::os::unix::process::parent_id()
}

/// This run's skip log.
pub fn skip_log() -> PathBuf {
    state_dir().join(format!("run-{}.log", run_id()))
}

/// Record that `test` skipped a part, and why: said at once on stderr, and appended to
/// this run's skip log for the summary at the end.
pub fn skipped(test: &str, why: &str) {
    let line = format!("skipped {test}: {why}");
    say(&line);
    let _ = std::fs::create_dir_all(state_dir());
    // One short O_APPEND write per line: parallel tests do not interleave within it.
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(skip_log())
    {
        let _ = f.write_all(format!("{line}\n").as_bytes());
    }
}

/// This run's skipped parts (each once, in order), removing the log; logs of runs older
/// than a day are removed too.
pub fn take_skips() -> Vec<String> {
    let log = skip_log();
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    if let Ok(dir) = std::fs::read_dir(state_dir()) {
        for e in dir.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > Duration::from_secs(86_400));
            if old && e.file_name().to_string_lossy().ends_with(".log") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    text.lines()
        .filter(|l| seen.insert(l.to_string()))
        .map(str::to_string)
        .collect()
}

/// The npm dev-dependencies' state at a workspace root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeModules {
    /// Installed from the current `package-lock.json`.
    Fresh,
    /// Not installed.
    Missing,
    /// Installed from an older `package-lock.json`.
    Stale,
}

/// Whether `root/node_modules` matches `root/package-lock.json`: npm records what it
/// installed in `node_modules/.package-lock.json`; a lock file newer than that record
/// changed since.
pub fn node_modules_state(root: &Path) -> NodeModules {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(&root.join("node_modules/.package-lock.json"));
    let wanted = modified(&root.join("package-lock.json"));
    match (installed, wanted) {
        (None, _) => NodeModules::Missing,
        (Some(i), Some(w)) if w > i => NodeModules::Stale,
        _ => NodeModules::Fresh,
    }
}

/// Install the npm dev-dependencies with `npm ci` if they are missing or stale and npm
/// is there — once per test process, under a lock that parallel test binaries share.
/// `Err` says why they are not installed.
pub fn npm_ci() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let root = xtask::workspace_root();
        if node_modules_state(&root) == NodeModules::Fresh {
            return Ok(());
        }
        let _lock = Lock::take(&state_dir().join("npm.lock"))?;
        // Another binary may have installed them while this one waited.
        let state = node_modules_state(&root);
        if state == NodeModules::Fresh {
            return Ok(());
        }
        if !root.join("package-lock.json").is_file() {
            return Err(format!("no package-lock.json at {}", root.display()));
        }
        let npm_ok = Command::new("npm")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !npm_ok {
            return Err("`npm` is not installed (it comes with Node.js)".into());
        }
        say(&format!(
            "npm dev-dependencies {}: running `npm ci` at {}",
            if state == NodeModules::Missing {
                "missing"
            } else {
                "older than package-lock.json"
            },
            root.display()
        ));
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&root)
            .output()
            .map_err(|e| format!("cannot run `npm ci`: {e}"))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
            return Err(format!(
                "`npm ci` failed ({}): {}",
                out.status,
                last.unwrap_or("no output")
            ));
        }
        Ok(())
    })
    .clone()
}

/// A lock file held while it exists; one left behind by a crashed run is taken over
/// after a generous time (an `npm ci` takes a minute or two).
struct Lock(PathBuf);

impl Lock {
    const STALE: Duration = Duration::from_secs(15 * 60);

    fn take(path: &Path) -> Result<Lock, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => return Ok(Lock(path.to_path_buf())),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok());
                    if age.is_some_and(|a| a > Self::STALE) {
                        let _ = std::fs::remove_file(path);
                    } else {
                        std::thread::sleep(Duration::from_millis(250));
                    }
                }
                Err(e) => return Err(format!("cannot take {}: {e}", path.display())),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path, text: &str) {
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).expect("dir");
        }
        std::fs::write(path, text).expect("write");
    }

    #[test]
    fn node_modules_are_missing_stale_or_fresh() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        touch(&root.join("package-lock.json"), "{}");
        assert_eq!(node_modules_state(root), NodeModules::Missing);
        // Only the modules' own record of what was installed counts.
        touch(&root.join("node_modules/typescript/package.json"), "{}");
        assert_eq!(node_modules_state(root), NodeModules::Missing);
        touch(&root.join("node_modules/.package-lock.json"), "{}");
        assert_eq!(node_modules_state(root), NodeModules::Fresh);
        let later = SystemTime::now() + Duration::from_secs(60);
        let lock = std::fs::File::options()
            .write(true)
            .open(root.join("package-lock.json"))
            .expect("open");
        lock.set_modified(later).expect("set mtime");
        assert_eq!(node_modules_state(root), NodeModules::Stale);
    }

    #[test]
    fn a_lock_is_exclusive_until_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.lock");
        let first = Lock::take(&path).expect("free");
        assert!(path.exists());
        let waiter = {
            let path = path.clone();
            std::thread::spawn(move || Lock::take(&path).map(|_| SystemTime::now()))
        };
        std::thread::sleep(Duration::from_millis(400));
        let released = SystemTime::now();
        drop(first);
        let taken = waiter.join().expect("thread").expect("lock");
        assert!(
            taken >= released,
            "the second holder got in before the first let go"
        );
    }
}
