//! The external tools: the wasm-bindgen CLI (exactly the crate's pinned version, installed
//! with cargo if missing or different), wasm-opt from npm `binaryen`, and Node for a smoke
//! test of an optimised module.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{BuildError, MODULES, Module, io, run};

/// The exact wasm-bindgen version pinned in the root `Cargo.toml`
/// (`wasm-bindgen = "=X.Y.Z"` under `[workspace.dependencies]`).
pub fn wasm_bindgen_pin(root: &Path) -> Result<String, BuildError> {
    let manifest = io(
        "read the root Cargo.toml",
        fs::read_to_string(root.join("Cargo.toml")),
    )?;
    manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("wasm-bindgen = \"="))
        .filter_map(|rest| rest.strip_suffix('"'))
        .next()
        .map(str::to_string)
        .ok_or_else(|| {
            BuildError::Check(
                "the root Cargo.toml must pin wasm-bindgen exactly: wasm-bindgen = \"=X.Y.Z\""
                    .into(),
            )
        })
}

/// Where cargo installs binaries: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
fn cargo_bin_dir() -> Option<PathBuf> {
    cargo_home().map(|h| h.join("bin"))
}

/// Cargo's home: `$CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// The `--config` value that gives the wasm build `--remap-path-prefix` flags for the
/// workspace `root` (→ `akscert`) and each of cargo's registry and git source
/// directories under `cargo_home` (→ `crates`, `git`): the module then names no path of
/// the machine that built it, and is the same from any checkout.
pub(crate) fn remap_rustflags(root: &Path, cargo_home: Option<&Path>) -> String {
    let mut remaps = vec![(root.to_path_buf(), "akscert")];
    if let Some(home) = cargo_home {
        for (dir, to) in [("registry/src", "crates"), ("git/checkouts", "git")] {
            let mut found: Vec<PathBuf> = std::fs::read_dir(home.join(dir))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            found.sort();
            remaps.extend(found.into_iter().map(|p| (p, to)));
        }
    }
    let flags: Vec<String> = remaps
        .iter()
        .map(|(from, to)| {
            let flag = format!("--remap-path-prefix={}={to}", from.display());
            // A TOML basic string.
            format!("\"{}\"", flag.replace('\\', "\\\\").replace('"', "\\\""))
        })
        .collect();
    format!(
        "target.wasm32-unknown-unknown.rustflags=[{}]",
        flags.join(", ")
    )
}

/// The version a `wasm-bindgen` binary reports (`wasm-bindgen 0.2.130` → `0.2.130`).
fn version_of(binary: &Path) -> Option<String> {
    let out = Command::new(binary).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .strip_prefix("wasm-bindgen ")
        .map(|v| v.split_whitespace().next().unwrap_or(v).to_string())
}

/// A `wasm-bindgen` of exactly version `pin`: from PATH or cargo's bin directory, else
/// installed with `cargo install wasm-bindgen-cli --version =<pin>` (`--locked` first,
/// then without: its lock file can name crates a registry mirror lacks).
pub fn ensure_wasm_bindgen(pin: &str, verbose: bool) -> Result<PathBuf, BuildError> {
    let mut candidates = vec![PathBuf::from("wasm-bindgen")];
    if let Some(dir) = cargo_bin_dir() {
        candidates.push(dir.join("wasm-bindgen"));
    }
    let mut found = Vec::new();
    for c in &candidates {
        match version_of(c) {
            Some(v) if v == pin => return Ok(c.clone()),
            Some(v) => found.push(format!("{} is {v}", c.display())),
            None => {}
        }
    }
    eprintln!(
        "xtask: wasm-bindgen {pin} not found ({}); installing it with cargo install (a few minutes)",
        if found.is_empty() {
            "none installed".to_string()
        } else {
            found.join(", ")
        }
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let version = format!("={pin}");
    // `--force`: this point is reached only when no wasm-bindgen of the pinned version runs,
    // yet cargo's own record may still list it (a binary deleted by hand), and then a plain
    // `cargo install` does nothing ("already installed").
    let mut locked = Command::new(&cargo);
    locked.args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--locked",
        "--force",
    ]);
    if let Err(first) = run(locked, "cargo install wasm-bindgen-cli --locked", verbose) {
        eprintln!("xtask: --locked install failed ({first}); retrying without --locked");
        let mut unlocked = Command::new(&cargo);
        unlocked.args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ]);
        run(unlocked, "cargo install wasm-bindgen-cli", verbose)?;
    }
    for c in &candidates {
        if version_of(c).as_deref() == Some(pin) {
            return Ok(c.clone());
        }
    }
    Err(BuildError::Tool(format!(
        "installed wasm-bindgen-cli {pin}, but no wasm-bindgen {pin} is on PATH or in cargo's bin directory"
    )))
}

/// The Rust target the module is built for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Whether the sysroot `rustc` reports has the standard library for [`WASM_TARGET`];
/// `None` when rustc cannot be asked.
fn has_wasm_target(rustc: &OsStr, root: &Path) -> Option<bool> {
    let out = Command::new(rustc)
        .current_dir(root)
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Some(
        sysroot
            .join("lib/rustlib")
            .join(WASM_TARGET)
            .join("lib")
            .is_dir(),
    )
}

/// Make sure the toolchain can build for [`WASM_TARGET`]. rustup adds a toolchain file's
/// `targets` only when it installs the toolchain, not to one that is already installed,
/// so a fresh clone on a machine with Rust 1.95 but no wasm32 target would fail deep in
/// cargo with "can't find crate for `core`". With rustup present, add the target (saying
/// so); without it, say exactly what to do.
pub fn ensure_wasm_target(root: &Path, verbose: bool) -> Result<(), BuildError> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    ensure_wasm_target_with(&rustc, OsStr::new("rustup"), root, verbose)
}

/// [`ensure_wasm_target`] with the `rustc` and `rustup` to run named (tests use stand-ins).
fn ensure_wasm_target_with(
    rustc: &OsStr,
    rustup: &OsStr,
    root: &Path,
    verbose: bool,
) -> Result<(), BuildError> {
    if has_wasm_target(rustc, root) != Some(false) {
        // Present, or the sysroot could not be asked for: let cargo speak for itself.
        return Ok(());
    }
    let rustup_works = Command::new(rustup)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !rustup_works {
        return Err(BuildError::Tool(format!(
            "the Rust toolchain has no {WASM_TARGET} standard library and rustup is not on PATH: \
             install the target for this toolchain (with rustup: `rustup target add {WASM_TARGET}`; \
             from a distribution: its rust-std package for {WASM_TARGET}), then run this again"
        )));
    }
    eprintln!(
        "xtask: the active toolchain lacks the {WASM_TARGET} target; running `rustup target add {WASM_TARGET}`"
    );
    let mut add = Command::new(rustup);
    add.current_dir(root).args(["target", "add", WASM_TARGET]);
    run(add, "rustup target add wasm32-unknown-unknown", verbose)?;
    match has_wasm_target(rustc, root) {
        Some(false) => Err(BuildError::Tool(format!(
            "`rustup target add {WASM_TARGET}` succeeded but the toolchain still has no {WASM_TARGET} library"
        ))),
        _ => Ok(()),
    }
}

/// Run wasm-bindgen for one glue `kind` (`web`, `no-modules`) of `module` into `out_dir`.
pub fn run_wasm_bindgen(
    binary: &Path,
    kind: &str,
    module: Module,
    input: &Path,
    out_dir: &Path,
    verbose: bool,
) -> Result<(), BuildError> {
    let mut cmd = Command::new(binary);
    cmd.arg("--target")
        .arg(kind)
        .arg("--out-name")
        .arg(module.out_name)
        // The name section stays for `shims`, which finds the closure shims by name and
        // then removes it.
        .arg("--remove-producers-section");
    if kind == "no-modules" {
        // Two classic scripts on one page: each glue needs its own global.
        cmd.arg("--no-modules-global").arg(module.page_global);
    }
    cmd.arg("--out-dir").arg(out_dir).arg(input);
    run(
        cmd,
        &format!("wasm-bindgen --target {kind} ({} module)", module.build),
        verbose,
    )
}

/// `wasm-opt -Oz` from npm `binaryen` (never a system wasm-opt: Debian's binaryen 108
/// writes modules that fail to load). Returns the optimised bytes.
pub fn run_wasm_opt(root: &Path, module: &Path, verbose: bool) -> Result<Vec<u8>, BuildError> {
    let tool = root.join("node_modules").join(".bin").join("wasm-opt");
    if !tool.exists() {
        return Err(BuildError::Tool(format!(
            "--wasm-opt needs npm binaryen: run `npm install --no-save binaryen@132.0.0` at {} (a system wasm-opt is never used)",
            root.display()
        )));
    }
    let out = module.with_extension("opt.wasm");
    let mut cmd = Command::new(&tool);
    cmd.arg("-Oz").arg(module).arg("-o").arg(&out);
    run(cmd, "wasm-opt -Oz", verbose)?;
    let bytes = io("read the optimised module", fs::read(&out))?;
    io("remove the optimised copy", fs::remove_file(&out))?;
    Ok(bytes)
}

/// Load the package in Node and call it: guards against an optimiser that writes a module
/// which validates but fails at load.
pub fn smoke_test(package: &Path) -> Result<(), BuildError> {
    let entries: Vec<String> = MODULES
        .iter()
        .map(|m| {
            format!(
                "file://{}",
                package.join(m.package_dir).join("node.js").display()
            )
        })
        .collect();
    let script = format!(
        "Promise.all({entries:?}.map(e => import(e))).then(ms => ms.forEach(m => {{ const v = m.version(); if (v.apiVersion !== 'akscert/v1') throw new Error('bad version'); }}))"
    );
    let mut cmd = Command::new("node");
    cmd.arg("--input-type=module").arg("-e").arg(script);
    run(cmd, "node smoke test of the optimised module", false)
}

#[cfg(all(test, unix))]
// Test code: a failed unwrap is a failed test, with its message.
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn the_wasm_build_remaps_the_checkout_and_every_cargo_source_directory() {
        let home = std::env::temp_dir().join(format!("xtask-remap-{}", std::process::id()));
        for dir in [
            "registry/src/index.crates.io-1949cf8c6b5b557f",
            "registry/src/mirror.example-0123",
            "git/checkouts/some-crate-abcd",
        ] {
            std::fs::create_dir_all(home.join(dir)).expect("a scratch directory");
        }
        let root = std::path::Path::new("/work/a \"quoted\" checkout");
        let config = remap_rustflags(root, Some(&home));
        let _ = std::fs::remove_dir_all(&home);
        let h = home.display();
        assert_eq!(
            config,
            format!(
                "target.wasm32-unknown-unknown.rustflags=[\
                 \"--remap-path-prefix=/work/a \\\"quoted\\\" checkout=akscert\", \
                 \"--remap-path-prefix={h}/registry/src/index.crates.io-1949cf8c6b5b557f=crates\", \
                 \"--remap-path-prefix={h}/registry/src/mirror.example-0123=crates\", \
                 \"--remap-path-prefix={h}/git/checkouts/some-crate-abcd=git\"]"
            )
        );
        // Without a cargo home (or with nothing in it): the checkout alone.
        assert_eq!(
            remap_rustflags(std::path::Path::new("/src"), None),
            "target.wasm32-unknown-unknown.rustflags=[\"--remap-path-prefix=/src=akscert\"]"
        );
    }

    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in `rustc` printing `sysroot`, and a `rustup` that adds the target there
    /// (or, with `works = false`, no rustup at all).
    fn fakes(dir: &Path, works: bool) -> (PathBuf, PathBuf) {
        let sysroot = dir.join("sysroot");
        fs::create_dir_all(sysroot.join("lib/rustlib")).unwrap();
        let script = |name: &str, body: String| {
            let p = dir.join(name);
            fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
            p
        };
        let rustc = script("rustc", format!("echo {}", sysroot.display()));
        let lib = sysroot.join("lib/rustlib").join(WASM_TARGET).join("lib");
        let rustup = if works {
            script(
                "rustup",
                format!("[ \"$1\" = target ] && mkdir -p {}; exit 0", lib.display()),
            )
        } else {
            dir.join("no-rustup-here")
        };
        (rustc, rustup)
    }

    #[test]
    fn a_missing_wasm_target_is_added_with_rustup_or_explained() {
        let dir = std::env::temp_dir().join(format!("akscert-xtask-target-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let (rustc, rustup) = fakes(&dir, true);
        assert_eq!(has_wasm_target(rustc.as_os_str(), &dir), Some(false));
        ensure_wasm_target_with(rustc.as_os_str(), rustup.as_os_str(), &dir, false).unwrap();
        assert_eq!(has_wasm_target(rustc.as_os_str(), &dir), Some(true));

        let other = dir.join("other");
        fs::create_dir_all(&other).unwrap();
        let (rustc, no_rustup) = fakes(&other, false);
        let e = ensure_wasm_target_with(rustc.as_os_str(), no_rustup.as_os_str(), &other, false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("rustup target add wasm32-unknown-unknown") && e.contains("rust-std"),
            "{e}"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
