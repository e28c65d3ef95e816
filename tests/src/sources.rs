//! The workspace's own source files, for tests that read the code itself (where a rule's
//! value is written, what the comments cite).

use std::path::{Path, PathBuf};

/// Every file under the workspace directories `dirs` (relative to the workspace root)
/// whose extension is one of `extensions`, with its text; unreadable files are left out.
pub fn files(dirs: &[&str], extensions: &[&str]) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, extensions: &[&str], out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, extensions, out);
            } else if path
                .extension()
                .is_some_and(|x| extensions.iter().any(|e| x == *e))
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path, text));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in dirs {
        let path = root.join(dir);
        if path.is_file() {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path, text));
            }
        } else {
            walk(&path, extensions, &mut out);
        }
    }
    out
}
