//! The compile cache: wasmtime's serialised machine code for a module, keyed by the
//! module's SHA-256 and the engine's compatibility hash (wasmtime version and settings),
//! so the JIT runs once per module and machine instead of once per process.
//!
//! Location: `$AKSCERT_MODULE_CACHE` (a directory, or `off` to disable), else
//! `$XDG_CACHE_HOME/akscert/modules`, else `$HOME/.cache/akscert/modules`. Each entry is
//! the SHA-256 of the payload followed by the payload, written to a temporary file and
//! renamed into place; an entry that fails its checksum or that wasmtime refuses is
//! recompiled and replaced. The cache is best-effort: any I/O failure means a compile.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

/// The cache directory, if caching is on.
pub fn dir() -> Option<PathBuf> {
    match std::env::var_os("AKSCERT_MODULE_CACHE") {
        Some(v) if v == "off" || v == "0" || v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|base| base.join("akscert").join("modules")),
    }
}

/// The compiled module, and whether it came from the cache in `dir` (`None`: compile).
pub fn module(
    engine: &Engine,
    wasm: &[u8],
    dir: Option<&Path>,
) -> wasmtime::Result<(Module, bool)> {
    let Some(dir) = dir else {
        return Ok((Module::new(engine, wasm)?, false));
    };
    let mut compat = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut compat);
    let key = format!(
        "{}-{:016x}.cwasm",
        hex(&Sha256::digest(wasm)),
        compat.finish()
    );
    let file = dir.join(key);
    if let Some(module) = read(engine, &file) {
        return Ok((module, true));
    }
    let module = Module::new(engine, wasm)?;
    if let Ok(payload) = module.serialize() {
        // Best effort: a read-only or full disk only costs the next run a compile.
        let _ = write(dir, &file, &payload);
    }
    Ok((module, false))
}

fn read(engine: &Engine, file: &Path) -> Option<Module> {
    let bytes = std::fs::read(file).ok()?;
    let (sum, payload) = bytes.split_at_checked(32)?;
    if Sha256::digest(payload).as_slice() != sum {
        return None;
    }
    deserialize(engine, payload)
}

/// wasmtime trusts serialised code as it trusts any machine code it is given, which is
/// why deserialising is `unsafe`.
#[allow(unsafe_code)]
fn deserialize(engine: &Engine, payload: &[u8]) -> Option<Module> {
    // SAFETY: the payload is an entry this program wrote with `Module::serialize` into the
    // user's own cache directory, read back whole into memory and checked against the
    // SHA-256 stored with it; wasmtime additionally checks that it was produced by a
    // compatible engine (version and settings) and refuses it otherwise.
    unsafe { Module::deserialize(engine, payload) }.ok()
}

fn write(dir: &Path, file: &Path, payload: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&Sha256::digest(payload))?;
    tmp.write_all(payload)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
