//! Where the shipped module is, and building it when this is a checkout without it.
//!
//! Default search order: `$AKSCERT_MODULE`; `akscert_bg.wasm` next to the `akscert`
//! executable (an installed copy); the npm package that `cargo xtask build-wasm` lays out
//! in the workspace's target directory. When none exists and akscert runs from a checkout
//! of its repository, it runs `cargo xtask build-wasm` once (its output goes to stderr).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::EngineError;

/// The file name of the module in the npm package.
pub const MODULE_FILE: &str = "akscert_bg.wasm";

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
    target_dir(root).join("npm").join(MODULE_FILE)
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
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let Some(root) = workspace_root().filter(|r| r.join("xtask").is_dir()) else {
        return Err(EngineError::NotBuilt(format!(
            "no wasm module found (looked in {}); pass --module PATH, set AKSCERT_MODULE, or use --engine native",
            list(&candidates)
        )));
    };
    build(&root)?;
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

/// Run `cargo xtask build-wasm` in the checkout, its output on stderr.
pub fn build(root: &Path) -> Result<(), EngineError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "akscert: the wasm module is not built yet; building it once with `cargo xtask build-wasm` in {} (a few minutes the first time; --engine native skips it)",
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
