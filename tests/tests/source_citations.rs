//! The code cites what a reader of this repository can open: the seed article, AKS and
//! Kubernetes documentation and sources by name, files in the repository. Not the team's
//! notes beside the clone (they are not in a user's clone) and not issue numbers (which
//! say nothing once the issue is closed).

use std::path::{Path, PathBuf};

/// Every Rust, JS, HTML, TOML and shell file of the workspace's own code, but this one.
fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if ["rs", "js", "mjs", "html", "toml", "sh"]
                .iter()
                .any(|e| path.extension().is_some_and(|x| x == *e))
                && !path.ends_with("source_citations.rs")
            {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = vec![root.join("Cargo.toml")];
    for dir in [
        "core",
        "sim",
        "wasm/src",
        "wasm/www",
        "wasm/tests",
        "xtask",
        "tests",
        "benches",
        ".ci",
        ".cargo",
    ] {
        walk(&root.join(dir), &mut out);
    }
    out
}

#[test]
fn code_cites_nothing_outside_the_repository_and_no_issue_numbers() {
    let files = sources();
    assert!(
        files.len() > 100,
        "the workspace was found: {}",
        files.len()
    );
    let mut found = Vec::new();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_ascii_lowercase();
            let outside = ["domain-facts", "design.md", "toolchain-notes"]
                .iter()
                .any(|w| lower.contains(w));
            let issue = lower.match_indices("issue ").any(|(i, m)| {
                lower[i + m.len()..]
                    .trim_start_matches('#')
                    .starts_with(|c: char| c.is_ascii_digit())
            });
            if outside || issue {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
