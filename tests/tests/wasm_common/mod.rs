//! Shared by the `wasm_*` tests: build the npm package once, find Node, the npm
//! dev-dependencies and Chromium (or say exactly why a test is skipped), write the cases
//! whose native answers the JS tests compare against, and run `node --test`.

#![allow(dead_code)]

pub mod cases;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use akscert_core::api;

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::workspace_root()
}

/// Print a line that `cargo test` shows even for a passing test (libtest captures the
/// print macros, not direct writes to the stderr handle).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Say that `test` is skipped and why, and log it for the run's closing summary.
fn skip(test: &str, why: &str) {
    akscert_tests::setup::skipped(test, why);
}

/// Build the npm package and page (once per test process; a no-op when nothing changed).
/// A build failure fails the test: the module is the product.
pub fn built() -> &'static xtask::Built {
    static BUILT: OnceLock<xtask::Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        xtask::build(&xtask::BuildOptions::default())
            .unwrap_or_else(|e| panic!("cargo xtask build-wasm failed: {e}"))
    })
}

/// `node` if it is installed and at least version 20; otherwise says why `test` is skipped.
pub fn node(test: &str) -> Option<PathBuf> {
    let out = Command::new("node").arg("--version").output();
    let version = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => {
            skip(
                test,
                "`node` is not installed (Node.js >= 20 runs the package's tests; CI installs it)",
            );
            return None;
        }
    };
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        skip(
            test,
            &format!("node {version} is older than the package's minimum, Node.js 20"),
        );
        return None;
    }
    Some(PathBuf::from("node"))
}

/// Whether the npm dev-dependencies `names` are installed at the root — running `npm ci`
/// first when they are missing or stale and npm is there; otherwise says why `test` is
/// skipped and how to install them.
pub fn npm_dev(test: &str, names: &[&str]) -> bool {
    let setup = akscert_tests::setup::npm_ci();
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            !root()
                .join("node_modules")
                .join(n)
                .join("package.json")
                .is_file()
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = setup
        .err()
        .unwrap_or_else(|| "npm ci did not install them".into());
    skip(
        test,
        &format!(
            "npm dev-dependencies missing ({}): {why}; run `npm ci` at {}",
            missing.join(", "),
            root().display()
        ),
    );
    false
}

/// The Chromium binary the browser test drives, if installed.
pub fn chromium(test: &str) -> Option<PathBuf> {
    let path = PathBuf::from("/usr/bin/chromium");
    if path.is_file() {
        Some(path)
    } else {
        skip(
            test,
            "/usr/bin/chromium is not installed (Debian: `apt-get install -y chromium`; CI installs it)",
        );
        None
    }
}

/// A scratch directory under `target/wasm-tests/<name>`, emptied.
pub fn scratch(name: &str) -> PathBuf {
    let dir = xtask::target_dir().join("wasm-tests").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("clear {}: {e}", dir.display()));
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// One call and the core's native answer to it.
#[derive(Debug, Clone)]
pub struct Case {
    /// A name for failure messages.
    pub name: String,
    /// The `api::call` operation.
    pub op: &'static str,
    /// The JSON text given.
    pub input: String,
    /// Whether the input survives `JSON.parse` in JS unchanged (no integer beyond 2^53),
    /// so the object-taking JS function must give the same bytes too.
    pub object_safe: bool,
}

impl Case {
    /// A case; `object_safe` is worked out from the input.
    pub fn new(name: impl Into<String>, op: &'static str, input: impl Into<String>) -> Case {
        let input = input.into();
        let object_safe = js_safe(&input);
        Case {
            name: name.into(),
            op,
            input,
            object_safe,
        }
    }

    /// The case with its native answer, as the JSON the Node tests read.
    pub fn to_json(&self) -> serde_json::Value {
        let expected = match api::call(self.op, &self.input) {
            Ok(out) => serde_json::json!({ "ok": out }),
            Err(e) => {
                serde_json::json!({ "error": { "kind": e.kind(), "message": e.to_string() } })
            }
        };
        serde_json::json!({
            "name": self.name,
            "op": self.op,
            "input": self.input,
            "objectSafe": self.object_safe,
            "expected": expected,
        })
    }
}

/// Whether a JSON text is valid (or empty) and every integer in it is exactly representable
/// as a JS number.
fn js_safe(json: &str) -> bool {
    fn walk(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u < (1u64 << 53),
                (None, Some(i)) => i >= -((1i64 << 53) - 1),
                _ => true,
            },
            serde_json::Value::Array(a) => a.iter().all(walk),
            serde_json::Value::Object(o) => o.values().all(walk),
            _ => true,
        }
    }
    if json.is_empty() {
        return true;
    }
    serde_json::from_str::<serde_json::Value>(json).is_ok_and(|v| walk(&v))
}

/// Write `cases` with their native answers to `path`.
pub fn write_cases(path: &Path, cases: &[Case]) {
    let all: Vec<serde_json::Value> = cases.iter().map(Case::to_json).collect();
    let text = serde_json::to_string(&all).unwrap_or_else(|e| panic!("cases to JSON: {e}"));
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Run `node --test` on `files` (relative to `wasm/tests/`) with `env`; fail the test
/// with Node's output if any JS test fails.
pub fn node_test(files: &[&str], env: &[(&str, &Path)]) {
    let dir = root().join("wasm").join("tests");
    let mut cmd = Command::new("node");
    cmd.current_dir(root())
        .arg("--test")
        .arg("--test-reporter=spec");
    for f in files {
        cmd.arg(dir.join(f));
    }
    cmd.env("AKSCERT_PKG", &built().package)
        .env("AKSCERT_WWW", &built().www);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run node --test: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "node --test {files:?} failed:\n{text}"
    );
    // Show Node's summary (tests, pass, fail) in cargo's output.
    for line in text
        .lines()
        .rev()
        .take(9)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        say(&format!("  node: {line}"));
    }
}
