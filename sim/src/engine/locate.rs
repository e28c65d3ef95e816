//! Where the shipped modules are, and building them when this is a checkout without them.
//!
//! The CLI runs two of the package's modules: the full module (the simulator: `simulate`,
//! `fleet`, `report`) and, for `inspect --engine wasm`, the trust module (inspection with
//! signature and trust checks); the calculator module has neither. Default search order,
//! per module: its environment variable (`$AKSCERT_MODULE`, `$AKSCERT_TRUST_MODULE`); its
//! file next to the `akscert` executable (an installed copy); the npm package that
//! `cargo xtask build-wasm` lays out in the workspace's target directory. When akscert runs
//! from a checkout of its repository and that module is missing, or older than the
//! sources it is built from (`core/`, `wasm/`), it runs `cargo xtask build-wasm` first
//! (its output goes to stderr; it builds every module).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use akscert_core::api::{self, Capability};

use super::EngineError;

/// Which of the package's modules to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleKind {
    /// `full/akscert_full_bg.wasm`: every operation but the signature checks.
    Full,
    /// `trust/akscert_trust_bg.wasm`: every operation but the simulator.
    Trust,
}

impl ModuleKind {
    /// Its place in the npm package, as `cargo xtask build-wasm` lays it out.
    const fn layout(self) -> &'static xtask::Module {
        match self {
            ModuleKind::Full => &xtask::FULL,
            ModuleKind::Trust => &xtask::TRUST,
        }
    }

    /// Its file name in the npm package (and next to an installed `akscert`).
    pub const fn file(self) -> &'static str {
        self.layout().wasm_file
    }

    /// Its directory in the npm package.
    pub const fn dir(self) -> &'static str {
        self.layout().package_dir
    }

    /// The environment variable that names it.
    pub const fn env(self) -> &'static str {
        match self {
            ModuleKind::Full => "AKSCERT_MODULE",
            ModuleKind::Trust => "AKSCERT_TRUST_MODULE",
        }
    }

    /// The build its `version` call names.
    pub const fn build(self) -> &'static str {
        match self {
            ModuleKind::Full => api::FULL_BUILD,
            ModuleKind::Trust => api::TRUST_BUILD,
        }
    }

    /// What it has that the calculator module lacks.
    pub const fn what(self) -> &'static str {
        match self {
            ModuleKind::Full => "simulator",
            ModuleKind::Trust => "signature checks",
        }
    }

    /// The capability it is built without (each module has all but one).
    pub const fn lacks(self) -> Capability {
        match self {
            ModuleKind::Full => Capability::Signatures,
            ModuleKind::Trust => Capability::Simulator,
        }
    }
}

/// The repository checkout this binary was built from, if it is still there.
pub fn workspace_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .to_path_buf();
    root.join("Cargo.toml").is_file().then_some(root)
}

/// Where `cargo xtask build-wasm` puts the module.
pub fn built_module(root: &Path, kind: ModuleKind) -> PathBuf {
    kind.layout()
        .wasm_in(&xtask::target_dir_of(root).join(xtask::PACKAGE_DIR))
}

/// The places searched for the module, in order.
pub fn candidates(kind: ModuleKind) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os(kind.env()).filter(|p| !p.is_empty()) {
        out.push(PathBuf::from(p));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(dir.join(kind.file()));
    }
    if let Some(root) = workspace_root() {
        out.push(built_module(&root, kind));
    }
    out
}

/// The module to load: `explicit` if given (never built), else the first candidate that
/// exists, else the one `cargo xtask build-wasm` builds (when this is a checkout).
pub fn resolve(kind: ModuleKind, explicit: Option<&Path>) -> Result<PathBuf, EngineError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let candidates = candidates(kind);
    let root = workspace_root().filter(|r| r.join("xtask").is_dir());
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        let ours = root.as_ref().map(|r| built_module(r, kind));
        match (&root, ours) {
            (Some(r), Some(ours)) if *found == ours && stale(r, found) => {
                // File times only say that a source was touched (a checkout does that);
                // the build compares contents and leaves an up-to-date module alone.
                build(
                    r,
                    "has sources newer than itself; checking it (rebuilt only if their contents changed)",
                )?;
            }
            _ => {}
        }
        return Ok(found.clone());
    }
    let Some(root) = root else {
        return Err(EngineError::NotBuilt(format!(
            "no wasm module found (looked in {}); pass --module PATH, set {}, or use --engine native",
            list(&candidates),
            kind.env()
        )));
    };
    build(&root, "is not built yet; building it once")?;
    let built = built_module(&root, kind);
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
/// untouched), in the full module's directory: one build makes every module.
const STAMP: &str = ".akscert-built";

fn stamp(root: &Path) -> PathBuf {
    built_module(root, ModuleKind::Full).with_file_name(STAMP)
}

/// Whether a source of the module (`core/`, `wasm/`) changed after the module was built
/// or last checked.
fn stale(root: &Path, module: &Path) -> bool {
    let mtime = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let built = [mtime(module), mtime(&stamp(root))]
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
        // Best effort: without the stamp the next run only checks again.
        let _ = std::fs::write(stamp(root), b"");
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
