//! Fixtures for the simulator tests (`sim/tests/sim_*.rs`): the built module (through
//! `cargo xtask build-wasm`), the `akscert` binary, engines, and scenario builders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};

use akscert_core::engine::Scenario;
use akscert_core::time::{Duration, Instant};
use akscert_sim::engine::{Engine, GuestLimits, NativeEngine, WasmEngine};
use akscert_sim::execute::{self, Settings};
use akscert_sim::outcome::SimulationRun;
use akscert_sim::runner::Progress;
use akscert_sim::scenario_file::ScenarioFile;
use akscert_sim::shard::ShardSpec;

/// The shipped module, built with `cargo xtask build-wasm` on first use. When the build
/// is impossible, prints exactly why the caller is skipped and returns `None`.
pub fn module(test: &str) -> Option<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        xtask::build(&xtask::BuildOptions::default())
            .map(|b| b.full_wasm)
            .map_err(|e| e.to_string())
    });
    match built {
        Ok(p) => Some(p.clone()),
        Err(e) => {
            crate::setup::skipped(
                test,
                &format!("`cargo xtask build-wasm` could not build the module: {e}"),
            );
            None
        }
    }
}

/// The module loaded in wasmtime with `limits` (`None` when the module cannot be built;
/// the reason is printed).
pub fn wasm_engine(test: &str, limits: GuestLimits) -> Option<Engine> {
    let path = module(test)?;
    match WasmEngine::load(&path, limits) {
        Ok(w) => Some(Engine::Wasm(Arc::new(w))),
        Err(e) => panic!("the built module {} does not load: {e}", path.display()),
    }
}

/// Run `scenario` (or shard `shard` of it) on `engine` with two workers, events kept,
/// `now` at the first cluster's creation; every generated scenario is valid.
pub fn simulate(
    engine: &Engine,
    scenario: &Scenario,
    shard: Option<ShardSpec>,
) -> (SimulationRun, usize) {
    let settings = settings(scenario, shard);
    let file = ScenarioFile::in_memory(scenario.clone());
    let (run, total, _) = execute::simulate(engine, &file, &settings)
        .unwrap_or_else(|e| panic!("the scenario does not run: {e}"));
    (run, total)
}

/// What [`simulate`] runs with: two workers, events and final certificates kept, `now` at
/// the first cluster's creation, a 30-day warning window.
pub fn settings(scenario: &Scenario, shard: Option<ShardSpec>) -> Settings {
    Settings {
        now: scenario
            .clusters
            .first()
            .map_or(Instant::MIN, |c| c.created),
        warn_within: Duration::days(30),
        jobs: 2,
        progress: Progress::Hidden,
        shard,
        include_events: true,
        include_certificates: true,
        rows_only: false,
    }
}

/// The native engine.
pub fn native_engine() -> Engine {
    Engine::Native(NativeEngine)
}

/// The `akscert` binary that cargo built for this test run.
///
/// The tests that run it live in the akscert-sim package (`sim/tests/`), so cargo builds
/// the binary beside them, with the features of the same run. Building it here with a
/// separate `cargo build -p akscert-sim` resolved features differently and compiled
/// wasmtime a second time: minutes of CI and gigabytes of disk.
pub fn akscert() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        // Cargo sets CARGO_BIN_EXE_akscert for akscert-sim's integration tests; the
        // binary sits in the profile directory, the test itself in its `deps/`.
        let bin = std::env::var_os("CARGO_BIN_EXE_akscert")
            .map(PathBuf::from)
            .or_else(|| {
                let exe = std::env::current_exe().ok()?;
                Some(exe.parent()?.parent()?.join("akscert"))
            })
            .filter(|p| p.is_file());
        bin.unwrap_or_else(|| {
            panic!(
                "no akscert binary beside this test: run the simulator's CLI tests with \
                 `cargo test -p akscert-sim` (cargo builds the binary for them)"
            )
        })
    })
}

/// A scratch directory under the target directory, emptied.
pub fn scratch(name: &str) -> PathBuf {
    let dir = xtask::target_dir().join("sim-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// The compile cache the tests' `akscert` runs use (in the target directory, not the
/// user's cache).
pub fn module_cache() -> PathBuf {
    xtask::target_dir().join("sim-tests-module-cache")
}

/// An example file of the repository.
pub fn example(name: &str) -> PathBuf {
    xtask::workspace_root().join("examples").join(name)
}

/// What a run of `akscert` gave.
#[derive(Debug)]
pub struct Run {
    /// Exit code (`-1` if killed by a signal).
    pub code: i32,
    /// stdout.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
}

/// Run `akscert` with `args`, with the compile cache in the target directory and
/// without colour.
pub fn run(args: &[&str]) -> Run {
    run_in(args, None)
}

/// Run `akscert` with `args` and `stdin`.
pub fn run_in(args: &[&str], stdin: Option<&str>) -> Run {
    use std::io::Write;
    let mut cmd = Command::new(akscert());
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("AKSCERT_MODULE_CACHE", module_cache())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run akscert: {e}"));
    if let (Some(mut input), Some(text)) = (child.stdin.take(), stdin) {
        // The child may stop reading early (an input over the limit): ignore EPIPE.
        let _ = input.write_all(text.as_bytes());
    }
    let out: Output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("akscert did not finish: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
