//! The npm package in Node: the JS API and the C ABI give the core's answers byte for
//! byte on every case (operations, the bundled example, proptest-generated scenarios,
//! reports, the calculator's what-ifs, bad input, and every file of the shared corpus
//! through `inspect`); mutated input never traps; the
//! package resolves and packs as a user gets it. Driven by `node --test` over
//! `wasm/tests/*.test.mjs`.

mod wasm_common;

use wasm_common::{built, cases, node, node_test, scratch, write_cases};

#[test]
fn package_in_node_matches_the_core_byte_for_byte() {
    let test = "package_in_node_matches_the_core_byte_for_byte";
    built();
    if node(test).is_none() {
        return;
    }
    let dir = scratch("node");
    let cases_file = dir.join("cases.json");
    let mut all = cases::all(40);
    // Every corpus file through inspect: the JS API and the ABI must answer as the core.
    if let Some(corpus) = cases::corpus(test) {
        assert!(corpus.len() > 100, "the corpus has {} files", corpus.len());
        all.extend(corpus);
    }
    write_cases(&cases_file, &all);
    node_test(
        &[
            "api.test.mjs",
            "abi.test.mjs",
            "robustness.test.mjs",
            "package.test.mjs",
            "calc.test.mjs",
            "modules.test.mjs",
            "inspect_input.test.mjs",
        ],
        &[("AKSCERT_CASES", &cases_file)],
    );
}

#[test]
fn cases_cover_every_operation_with_successes_and_errors() {
    let all = cases::all(5);
    for op in akscert_core::api::Op::ALL.map(|op| op.name()) {
        let (ok, err): (Vec<_>, Vec<_>) = all
            .iter()
            .filter(|c| c.op == op)
            .partition(|c| akscert_core::api::call(c.op, &c.input).is_ok());
        // `simulateOpenCluster` answers only after an `openScenario` in the same session;
        // a case is one call on its own (the session_* tests cover it). `foldCluster`
        // answers a packed input only, which no JSON case is (the CLI's engine tests and
        // `wasm/src/abi.rs` cover it).
        if op != "simulateOpenCluster" && op != "foldCluster" {
            assert!(!ok.is_empty(), "no successful case for {op}");
        }
        if op != "version" {
            assert!(!err.is_empty(), "no error case for {op}");
        }
    }
    let generated = cases::generated_scenarios(5);
    assert!(generated.iter().take(5).all(|s| s.seed < 1 << 53));
    assert!(generated.iter().skip(5).all(|s| s.seed >= 1 << 63));
}

#[test]
fn build_reports_sizes_and_is_a_fast_no_op_when_nothing_changed() {
    let first = built();
    let builds: Vec<&str> = first.modules.iter().map(|m| m.module.build).collect();
    assert_eq!(builds, ["calculator", "trust", "full"], "{first:?}");
    for m in &first.modules {
        assert!(m.bytes > 100_000, "{m:?}");
        assert!(m.gzip_bytes < m.bytes, "{m:?}");
        assert!(m.path.is_file(), "{m:?}");
    }
    assert!(first.full_wasm.ends_with("full/akscert_full_bg.wasm"));
    // Fast because nothing is redone (no wasm-bindgen, no copies): said by `rebuilt`, not
    // by a clock, which a busy CI machine would make flaky.
    let again = xtask::build(&xtask::BuildOptions::default()).expect("second build");
    assert!(!again.rebuilt, "nothing changed, so nothing may be rebuilt");
    assert_eq!(again.modules, first.modules);
}

/// The shipped modules name no path of the machine that built them (panic locations name
/// source files; the build remaps this checkout and cargo's sources): the same module
/// from any checkout, and nothing about the builder's disk in a published package.
#[test]
fn the_modules_name_no_path_of_the_machine_that_built_them() {
    let root = wasm_common::root();
    let mut places = vec![root.display().to_string()];
    if let Some(home) = xtask::cargo_home() {
        places.push(home.join("registry").display().to_string());
    }
    let mut remapped = 0;
    for m in &built().modules {
        let bytes = std::fs::read(&m.path).expect("the built module");
        for place in &places {
            let found = bytes.windows(place.len()).any(|w| w == place.as_bytes());
            assert!(!found, "{} names {place}", m.path.display());
        }
        // Panic locations are there (so the check above is not vacuous): the workspace's
        // own sources by their relative paths, and in some module a registry crate's
        // under its remapped name (`crates/rsa-…/src/…`; the trust module's signature
        // crates, since the calculator and full modules no longer link one that panics).
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("core/src/"),
            "{}: no panic location at all",
            m.path.display()
        );
        remapped += usize::from(text.contains("crates/"));
    }
    assert!(
        remapped > 0,
        "no module names a registry crate's source by its remapped name"
    );
}
