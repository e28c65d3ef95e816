//! Bad input: a missing or corrupt `.wasm`, a module of another ABI version, an
//! unreadable scenario, a 100 MB fleet file — a clear error, exit code 2, and never a
//! partial report over an existing one.

use akscert_tests::sim::{self, example, run, run_in, scratch};

/// A minimal module with the host ABI's exports, whose `akscert_abi_version` returns
/// `version` (hand-assembled: type, function, memory, export and code sections).
fn abi_module(version: u8) -> Vec<u8> {
    fn section(id: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![id, u8::try_from(body.len()).expect("test fixture")];
        s.extend_from_slice(body);
        s
    }
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    // () -> i32; (i32) -> i32; (i32, i32) -> (); (i32, i32, i32) -> i64
    m.extend(section(
        1,
        &[
            4, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 3, 0x7f,
            0x7f, 0x7f, 1, 0x7e,
        ],
    ));
    m.extend(section(3, &[4, 0, 1, 2, 3]));
    m.extend(section(5, &[1, 0, 1]));
    let mut exports = vec![5u8];
    for (name, kind, index) in [
        ("memory", 2u8, 0u8),
        ("akscert_abi_version", 0, 0),
        ("akscert_alloc", 0, 1),
        ("akscert_free", 0, 2),
        ("akscert_call", 0, 3),
    ] {
        exports.push(u8::try_from(name.len()).expect("test fixture"));
        exports.extend_from_slice(name.as_bytes());
        exports.extend([kind, index]);
    }
    m.extend(section(7, &exports));
    m.extend(section(
        10,
        &[
            4, 4, 0, 0x41, version, 0x0b, 4, 0, 0x41, 0, 0x0b, 2, 0, 0x0b, 4, 0, 0x42, 0, 0x0b,
        ],
    ));
    m
}

/// Run a failing command with `-o` over an existing report, and check that the report
/// is untouched and the message says `expected`.
fn fails_without_clobbering(name: &str, args: &[&str], expected: &[&str]) {
    let dir = scratch(name);
    let out = dir.join("report.txt");
    std::fs::write(&out, "the previous report\n").expect("test fixture");
    let out_s = out.to_string_lossy().into_owned();
    let mut all = args.to_vec();
    all.extend(["-o", &out_s]);
    let r = run(&all);
    assert_eq!(r.code, 2, "{name}: {}", r.stderr);
    for e in expected {
        assert!(
            r.stderr.contains(e),
            "{name}: expected `{e}` in: {}",
            r.stderr
        );
    }
    assert_eq!(
        std::fs::read_to_string(&out).expect("test fixture"),
        "the previous report\n",
        "{name} clobbered the report"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("the scratch directory")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "report.txt" && !n.ends_with(".wasm") && !n.ends_with(".json"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{name} left temporary files: {leftovers:?}"
    );
}

#[test]
fn a_missing_module_is_a_clear_error() {
    fails_without_clobbering(
        "missing_module",
        &["simulate", "--module", "/nonexistent/akscert_bg.wasm"],
        &["cannot read the wasm module /nonexistent/akscert_bg.wasm"],
    );
}

#[test]
fn the_calculator_and_trust_modules_are_refused_for_the_simulator() {
    let Some(full) = sim::module("the_calculator_and_trust_modules_are_refused_for_the_simulator")
    else {
        return;
    };
    // target/npm/full/akscert_full_bg.wasm → the package's other two modules.
    let package = full
        .parent()
        .and_then(std::path::Path::parent)
        .expect("the package directory");
    for (name, module, build) in [
        (
            "calculator_module",
            package.join("akscert_bg.wasm"),
            "calculator",
        ),
        (
            "trust_module",
            package.join("trust/akscert_trust_bg.wasm"),
            "trust",
        ),
    ] {
        fails_without_clobbering(
            name,
            &["simulate", "--module", &module.to_string_lossy()],
            &[&format!(
                "this is the {build} module, which has no simulator; this command runs the full module, full/akscert_full_bg.wasm"
            )],
        );
    }
}

#[test]
fn a_corrupt_module_is_a_clear_error() {
    let dir = scratch("corrupt_module_files");
    let garbage = dir.join("garbage.wasm");
    std::fs::write(&garbage, b"this is not webassembly").unwrap();
    fails_without_clobbering(
        "corrupt_module_garbage",
        &["simulate", "--module", &garbage.to_string_lossy()],
        &["is not a usable akscert WebAssembly module", "magic bytes"],
    );
    let empty = dir.join("empty.wasm");
    std::fs::write(&empty, b"").unwrap();
    fails_without_clobbering(
        "corrupt_module_empty",
        &["simulate", "--module", &empty.to_string_lossy()],
        &["empty file"],
    );
    if let Some(real) = sim::module("a_corrupt_module_is_a_clear_error") {
        let bytes = std::fs::read(real).unwrap();
        let truncated = dir.join("truncated.wasm");
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
        fails_without_clobbering(
            "corrupt_module_truncated",
            &["simulate", "--module", &truncated.to_string_lossy()],
            &["is not a usable akscert WebAssembly module"],
        );
    }
    let foreign = dir.join("foreign.wasm");
    std::fs::write(&foreign, b"\0asm\x01\0\0\0").unwrap();
    fails_without_clobbering(
        "corrupt_module_foreign",
        &["simulate", "--module", &foreign.to_string_lossy()],
        &["has no `akscert_abi_version` export"],
    );
}

#[test]
fn a_module_of_another_abi_version_is_refused() {
    let dir = scratch("abi_module_files");
    // Version 1: a module from before packed answers; version 2: before packed inputs.
    for old in [1, 2] {
        let module = dir.join(format!("abi{old}.wasm"));
        std::fs::write(&module, abi_module(old)).unwrap();
        fails_without_clobbering(
            &format!("abi_version_{old}"),
            &[
                "fleet",
                &example("az-aks-list.json").to_string_lossy(),
                "--module",
                &module.to_string_lossy(),
            ],
            &[
                &format!("speaks host ABI version {old}; this akscert needs version 3"),
                "cargo xtask build-wasm",
            ],
        );
    }
    // Version 3 but not akscert's operations: its `version` call answers nothing.
    let v3 = dir.join("abi3.wasm");
    std::fs::write(&v3, abi_module(3)).unwrap();
    fails_without_clobbering(
        "abi_version_3_stub",
        &["simulate", "--module", &v3.to_string_lossy()],
        &["the version call failed"],
    );
}

#[test]
fn an_unreadable_scenario_is_a_clear_error() {
    let dir = scratch("unreadable_scenario_files");
    fails_without_clobbering(
        "scenario_missing",
        &[
            "simulate",
            "/nonexistent/scenario.toml",
            "--engine",
            "native",
        ],
        &["cannot read /nonexistent/scenario.toml"],
    );
    fails_without_clobbering(
        "scenario_directory",
        &["simulate", &dir.to_string_lossy(), "--engine", "native"],
        &["it is a directory"],
    );
    let binary = dir.join("binary.toml");
    std::fs::write(&binary, [0x61, 0x3d, 0xff, 0xfe, 0x00]).unwrap();
    fails_without_clobbering(
        "scenario_binary",
        &["simulate", &binary.to_string_lossy(), "--engine", "native"],
        &["not UTF-8 text (invalid byte at offset 2)"],
    );
}

#[test]
fn a_100_mb_fleet_file_is_refused_before_it_is_read() {
    let dir = scratch("huge_fleet_file");
    let huge = dir.join("fleet.json");
    let f = std::fs::File::create(&huge).unwrap();
    // Sparse: 100 MB of size without 100 MB of disk.
    f.set_len(100 * 1024 * 1024).unwrap();
    drop(f);
    fails_without_clobbering(
        "huge_fleet",
        &["fleet", &huge.to_string_lossy(), "--engine", "native"],
        &["is 104857600 bytes; the limit is 67108864 bytes", "--shard"],
    );
    // The same through stdin, read only up to the limit: its size is not known.
    let big = "x".repeat(65 * 1024 * 1024);
    let r = run_in(&["fleet", "-", "--engine", "native"], Some(&big));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("<stdin> is larger than the limit of 67108864 bytes"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_report_that_cannot_be_written_leaves_the_old_one() {
    let dir = scratch("unwritable_output");
    let missing_dir = dir.join("no-such-dir").join("report.html");
    let r = run(&[
        "simulate",
        "--engine",
        "native",
        "-o",
        &missing_dir.to_string_lossy(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
}

#[test]
fn a_missing_default_module_is_built_or_the_reason_given() {
    // No module anywhere akscert looks (an empty target directory), and a cargo that
    // cannot run: akscert tries `cargo xtask build-wasm` and says why it could not.
    let dir = scratch("module_not_built");
    let out = std::process::Command::new(sim::akscert())
        .args(["simulate", "--now", "2026-01-01"])
        .env_remove("AKSCERT_MODULE")
        .env("CARGO_TARGET_DIR", &dir)
        .env("CARGO", dir.join("no-cargo-here"))
        .env("NO_COLOR", "1")
        .output()
        .expect("akscert runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains(
            "the wasm module is not built yet; building it once with `cargo xtask build-wasm`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("no-cargo-here xtask build-wasm`") && stderr.contains("--engine native"),
        "{stderr}"
    );
}
