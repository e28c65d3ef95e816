//! The calculator page end to end in a real headless Chromium (Debian's `chromium`,
//! driven by playwright-core): paste, form → report, what-ifs → downtime and commands,
//! a 10 MB paste, and a request log holding only the page's own files — from `file://`
//! and from a static server; and the npm package's ESM entry in the browser (`init()`
//! fetching the package's own module). The screenshot is kept at
//! `target/wasm-tests/browser/calculator.png`.

mod wasm_common;

use wasm_common::{built, chromium, node, node_test, npm_dev, say, scratch};

#[test]
fn calculator_page_in_headless_chromium() {
    let test = "calculator_page_in_headless_chromium";
    built();
    if node(test).is_none() || !npm_dev(test, &["playwright-core"]) || chromium(test).is_none() {
        return;
    }
    let artifacts = scratch("browser");
    node_test(&["browser.e2e.mjs"], &[("AKSCERT_ARTIFACTS", &artifacts)]);
    let shot = artifacts.join("calculator.png");
    assert!(shot.is_file(), "no screenshot at {}", shot.display());
    say(&format!("  screenshot: {}", shot.display()));
}
