//! Helpers shared by the cross-crate tests in `tests/tests/`.
//!
//! The corpus of real data (`../shared/corpus` beside the workspace, or `$AKSCERT_CORPUS`)
//! is not part of the repository. Tests that need it call [`corpus_dir`], which says on
//! stderr exactly why they are skipped when it is absent.

use std::path::PathBuf;

/// The corpus directory, or `None` (with the reason printed to stderr) when absent.
pub fn corpus_dir() -> Option<PathBuf> {
    let (dir, how) = match std::env::var_os("AKSCERT_CORPUS") {
        Some(p) => (PathBuf::from(p), "$AKSCERT_CORPUS"),
        None => (
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            "<workspace root>/../shared/corpus",
        ),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "corpus tests skipped: {how} = {} is not a directory (set AKSCERT_CORPUS to the shared corpus to run them)",
            dir.display()
        );
        None
    }
}

/// Standard base64 with padding, for building kubeconfigs and base64 inputs in tests
/// (kept here so the tests do not need a base64 dependency of their own).
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
        for _ in chunk.len()..3 {
            out.push('=');
        }
    }
    out
}
