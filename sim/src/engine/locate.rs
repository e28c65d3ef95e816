//! Where the shipped module is, and building it when this is a checkout without it.
//!
//! The CLI runs the package's full module (the calculator module has no simulator).
//! Default search order: `$AKSCERT_MODULE`; `akscert_full_bg.wasm` next to the `akscert`
//! executable (an installed copy); the npm package that `cargo xtask build-wasm` lays out
//! in the workspace's target directory. When akscert runs from a checkout of its
//! repository and that module is missing, or older than the sources it is built from
//! (`core/`, `wasm/`), it runs `cargo xtask build-wasm` first (its output goes to stderr).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::EngineError;

/// The file name of the full module in the npm package (in its `full/` directory).
pub const MODULE_FILE: &str = "akscert_full_bg.wasm";

/// The repository checkout this binary was built from, if it is still there.
pub fn workspace_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .to_path_buf();
    root.join("Cargo.toml").is_file().then_some(root)
}

/// The target directory of the checkout (`$CARGO_TARGET_DIR` when set).
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("target"),
    }
}

/// Where `cargo xtask build-wasm` puts the module.
pub fn built_module(root: &Path) -> PathBuf {
    target_dir(root).join("npm").join("full").join(MODULE_FILE)
}

/// The places searched for the module, in order.
pub fn candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("AKSCERT_MODULE").filter(|p| !p.is_empty()) {
        out.push(PathBuf::from(p));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(dir.join(MODULE_FILE));
    }
    if let Some(root) = workspace_root() {
        out.push(built_module(&root));
    }
    out
}

/// The module to load: `explicit` if given (never built), else the first candidate that
/// exists, else the one `cargo xtask build-wasm` builds (when this is a checkout).
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, EngineError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let candidates = candidates();
    let root = workspace_root().filter(|r| r.join("xtask").is_dir());
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        let ours = root.as_ref().map(|r| built_module(r));
        match (&root, ours) {
            (Some(r), Some(ours)) if *found == ours && stale(r, found) => {
                build(r, "is older than its sources; rebuilding it")?;
            }
            _ => {}
        }
        return Ok(found.clone());
    }
    let Some(root) = root else {
        return Err(EngineError::NotBuilt(format!(
            "no wasm module found (looked in {}); pass --module PATH, set AKSCERT_MODULE, or use --engine native",
            list(&candidates)
        )));
    };
    build(&root, "is not built yet; building it once")?;
    let built = built_module(&root);
    if built.is_file() {
        Ok(built)
    } else {
        Err(EngineError::NotBuilt(format!(
            "`cargo xtask build-wasm` finished but {} does not exist; pass --module PATH or use --engine native",
            built.display()
        )))
    }
}

/// Marks the last time `cargo xtask build-wasm` ran (it leaves an up-to-date module
/// untouched).
const STAMP: &str = ".akscert-built";

/// Whether a source of the module (`core/`, `wasm/`) changed after the module was built
/// or last checked.
fn stale(root: &Path, module: &Path) -> bool {
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let built = [
        mtime(module),
        module.parent().and_then(|d| mtime(&d.join(STAMP))),
    ]
    .into_iter()
    .flatten()
    .max();
    let Some(built) = built else { return false };
    let mut newest = None;
    for dir in ["core/src", "wasm/src"] {
        newest_in(&root.join(dir), &mut newest, 0);
    }
    for file in ["core/Cargo.toml", "wasm/Cargo.toml"] {
        newest = newest.max(mtime(&root.join(file)));
    }
    newest.is_some_and(|n| n > built)
}

fn newest_in(dir: &Path, newest: &mut Option<std::time::SystemTime>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() && depth < 8 {
            newest_in(&e.path(), newest, depth + 1);
        } else if let Ok(m) = meta.modified() {
            *newest = (*newest).max(Some(m));
        }
    }
}

/// Run `cargo xtask build-wasm` in the checkout, its output on stderr; `why` completes
/// "the wasm module …" in the notice.
pub fn build(root: &Path, why: &str) -> Result<(), EngineError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "akscert: the wasm module {why} with `cargo xtask build-wasm` in {} (a few minutes the first time; --engine native skips it)",
        root.display()
    );
    let status = Command::new(&cargo)
        .args(["xtask", "build-wasm"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(stdout_to_stderr())
        .status()
        .map_err(|e| {
            EngineError::NotBuilt(format!(
                "cannot run `{} xtask build-wasm`: {e}; install the Rust toolchain, pass --module PATH, or use --engine native",
                Path::new(&cargo).display()
            ))
        })?;
    if status.success() {
        let stamp = built_module(root).with_file_name(STAMP);
        // Best effort: without the stamp the next run only checks again.
        let _ = std::fs::write(stamp, b"");
        Ok(())
    } else {
        Err(EngineError::NotBuilt(format!(
            "`cargo xtask build-wasm` failed ({status}); its messages are above. Fix the build, pass --module PATH, or use --engine native"
        )))
    }
}

#[cfg(unix)]
fn stdout_to_stderr() -> Stdio {
    use std::os::fd::AsFd;
    // The build's chatter must not land in a report printed on stdout.
    match std::io::stderr().as_fd().try_clone_to_owned() {
        Ok(fd) => Stdio::from(fd),
        Err(_) => Stdio::null(),
    }
}

#[cfg(not(unix))]
fn stdout_to_stderr() -> Stdio {
    Stdio::null()
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
