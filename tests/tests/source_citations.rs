//! The code cites what a reader of this repository can open: the seed article, AKS and
//! Kubernetes documentation and sources by name, files in the repository. Not the team's
//! notes beside the clone (they are not in a user's clone) and not issue numbers (which
//! say nothing once the issue is closed).

#[test]
fn code_cites_nothing_outside_the_repository_and_no_issue_numbers() {
    // The workspace's own code: everything but this file, which names what it looks for.
    let files: Vec<_> = akscert_tests::sources::files(
        &[
            "Cargo.toml",
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
        ],
        &["rs", "js", "mjs", "html", "toml", "sh"],
    )
    .into_iter()
    .filter(|(path, _)| !path.ends_with("source_citations.rs"))
    .collect();
    assert!(
        files.len() > 100,
        "the workspace was found: {}",
        files.len()
    );
    let mut found = Vec::new();
    for (path, text) in files {
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
