//! The build's inputs, hashed: when the hash matches the last build's, nothing runs.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{BuildError, io};

/// Files and directories whose contents decide the build's output.
const INPUTS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    ".cargo/config.toml",
    "core/Cargo.toml",
    "core/src",
    "wasm/Cargo.toml",
    "wasm/src",
    "wasm/www",
    "wasm/ABI.md",
    "wasm/README.md",
    "xtask/Cargo.toml",
    "xtask/src",
];

/// A 64-bit FNV-1a hash of every input file's path and bytes, plus `extra`, as hex.
pub fn of_inputs(root: &Path, extra: &str) -> Result<String, BuildError> {
    let mut files = Vec::new();
    for input in INPUTS {
        collect(&root.join(input), &mut files)?;
    }
    files.sort();
    let mut h = Fnv::new();
    h.write(extra.as_bytes());
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f);
        h.write(rel.to_string_lossy().as_bytes());
        h.write(&[0]);
        h.write(&io(format!("read {}", f.display()), fs::read(&f))?);
        h.write(&[0xff]);
    }
    Ok(format!("{:016x}", h.0))
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), BuildError> {
    if path.is_file() {
        out.push(path.to_path_buf());
    } else if path.is_dir() {
        for entry in io(format!("list {}", path.display()), fs::read_dir(path))? {
            let entry = io(format!("list {}", path.display()), entry)?;
            collect(&entry.path(), out)?;
        }
    }
    Ok(())
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms (unlike `DefaultHasher`).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_changes_with_content_and_options() {
        let root = crate::workspace_root();
        let a = of_inputs(&root, "x").unwrap();
        assert_eq!(a, of_inputs(&root, "x").unwrap());
        assert_ne!(a, of_inputs(&root, "y").unwrap());
    }
}
