//! The last test binary of a `cargo test` run (cargo runs a package's integration tests
//! in name order): prints every part of the run that was skipped, and why, in a banner
//! that libtest's output capture does not hide — a run that skipped the TypeScript or
//! browser tests, or the corpus, must not look like a full pass.

use akscert_tests::setup::{say, take_skips};

#[test]
fn summary_of_skipped_parts() {
    let skips = take_skips();
    if skips.is_empty() {
        return;
    }
    say("");
    say("==================== akscert: parts of this test run were SKIPPED ====================");
    for s in &skips {
        say(&format!("  - {s}"));
    }
    say("=====================================================================================");
}
