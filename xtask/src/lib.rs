//! Build tasks for akscert. `cargo xtask build-wasm` (or [`build_wasm`] from a test or the
//! simulator) builds the shipped WebAssembly module and lays out
//!
//! - `target/npm/` — the npm package: three modules ([`CALCULATOR`], `import "akscert"`;
//!   [`TRUST`], `import "akscert/trust"`; [`FULL`], `import "akscert/full"`), each with its
//!   ESM glue, its `_bg.wasm`, a Node entry that instantiates the same file synchronously
//!   and TypeScript declarations; `ABI.md`;
//! - `target/www/` — the offline expiry calculator page, with the same bytes of the two
//!   modules it uses (calculator and full).
//!
//! Steps: check (or install) the wasm-bindgen CLI of exactly the crate's pinned version,
//! check for the wasm32 target (added with rustup when missing),
//! `cargo build -p akscert-wasm --target wasm32-unknown-unknown --profile <the module's>`
//! (`wasm-calculator` for the calculator, `wasm-release` for trust, `wasm-full` for full),
//! wasm-bindgen (`web` and `no-modules` glue; the `_bg.wasm` of both is checked to be one
//! file), the closure shims no JS can call made traps and the name section removed
//! (`shims`), optionally wasm-opt from npm `binaryen` (never a system one), the layout, and
//! the module's size raw and gzipped. Nothing is rebuilt when no input changed.

mod fingerprint;
pub mod layout;
pub mod shims;
mod tools;
pub use tools::cargo_home;

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// The crate that is built for wasm32.
pub const WASM_CRATE: &str = "akscert-wasm";

/// Cargo's output name of the module (`akscert-wasm` → `akscert_wasm.wasm`).
const CARGO_WASM_FILE: &str = "akscert_wasm.wasm";

/// One of the modules the package ships, built from the same crate with different Cargo
/// features: the calculator, and the calculator plus capabilities, so that a page
/// downloads only what it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module {
    /// `calculator`, `trust` or `full` (what `build()` in the module answers).
    pub build: &'static str,
    /// The base name of everything wasm-bindgen writes for it (`akscert.js`, …).
    pub out_name: &'static str,
    /// The module's file name, in the package and wherever it is loaded from.
    pub wasm_file: &'static str,
    /// `akscert-wasm` features that make it.
    pub features: &'static str,
    /// The Cargo profile it is built with: the calculator is optimised for size (a page
    /// downloads it at first paint), the others for speed (the CLI runs the full one).
    pub profile: &'static str,
    /// The global the page's classic-script glue defines for it.
    pub page_global: &'static str,
    /// The page's script holding the module as base64, and the variable it sets.
    pub page_module_script: &'static str,
    /// The variable [`Module::page_module_script`] sets.
    pub page_module_var: &'static str,
    /// The page's copy of the classic-script glue.
    pub page_glue_script: &'static str,
    /// Its directory inside the npm package (`""` for the package root).
    pub package_dir: &'static str,
    /// Whether the calculator page ships it (the `page_*` fields apply only then).
    pub on_page: bool,
}

impl Module {
    /// Where the module lies in the npm package `package`.
    pub fn wasm_in(&self, package: &Path) -> PathBuf {
        package.join(self.package_dir).join(self.wasm_file)
    }
}

/// The calculator module: inspect (certificates), report, whatIf, policy —
/// what a page needs at first paint; `import "akscert"`.
pub const CALCULATOR: Module = Module {
    build: "calculator",
    out_name: "akscert",
    wasm_file: "akscert_bg.wasm",
    features: "",
    profile: "wasm-calculator",
    page_global: "wasm_bindgen",
    page_module_script: "akscert-module.js",
    page_module_var: "AKSCERT_WASM_BASE64",
    page_glue_script: "akscert-glue.js",
    package_dir: "",
    on_page: true,
};

/// The trust module: the calculator plus tool output and signature and trust checks
/// (`inspectSet`, `checkTrust`, `verify: true`); `import "akscert/trust"`. The page does
/// not use it.
pub const TRUST: Module = Module {
    build: "trust",
    out_name: "akscert_trust",
    wasm_file: "akscert_trust_bg.wasm",
    features: "trust",
    profile: "wasm-release",
    page_global: "akscert_trust",
    page_module_script: "akscert-trust-module.js",
    page_module_var: "AKSCERT_TRUST_WASM_BASE64",
    page_glue_script: "akscert-trust-glue.js",
    package_dir: "trust",
    on_page: false,
};

/// The full module: the calculator plus tool output, scenarios and the simulator; `import
/// "akscert/full"`, fetched by the page only when a scenario, tool output or `az` JSON is
/// pasted, and what the CLI runs in wasmtime. Signature checks are the trust module's.
pub const FULL: Module = Module {
    build: "full",
    out_name: "akscert_full",
    wasm_file: "akscert_full_bg.wasm",
    features: "full",
    profile: "wasm-full",
    page_global: "akscert_full",
    page_module_script: "akscert-full-module.js",
    page_module_var: "AKSCERT_FULL_WASM_BASE64",
    page_glue_script: "akscert-full-glue.js",
    package_dir: "full",
    on_page: true,
};

/// The npm package's directory in Cargo's target directory (`target/npm`).
pub const PACKAGE_DIR: &str = "npm";

/// Every module, calculator first.
pub const MODULES: [Module; 3] = [CALCULATOR, TRUST, FULL];

/// The calculator module's file name (the package's main module).
pub const WASM_FILE: &str = CALCULATOR.wasm_file;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Run `wasm-opt -Oz` from npm `binaryen` (`node_modules/.bin/wasm-opt`) and smoke
    /// test the result in Node. Off by default: it shrinks the raw module but not the
    /// gzipped one (benches/README.md, "Module size").
    pub wasm_opt: bool,
    /// Rebuild even if no input changed.
    pub force: bool,
    /// Show the output of cargo and the tools as they run (the CLI does; tests don't).
    pub verbose: bool,
}

/// What a build produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// The npm package directory (`target/npm`).
    pub package: PathBuf,
    /// The calculator page directory (`target/www`).
    pub www: PathBuf,
    /// Each module's file and sizes, in [`MODULES`] order.
    pub modules: Vec<BuiltModule>,
    /// The full module (`target/npm/full/akscert_full_bg.wasm`): what the CLI runs.
    pub full_wasm: PathBuf,
    /// `false` when the previous build was still current and nothing ran.
    pub rebuilt: bool,
}

/// One built module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltModule {
    /// Which module.
    pub module: Module,
    /// Its file in the npm package.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its size gzipped (level 9).
    pub gzip_bytes: u64,
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// A file or directory could not be read or written.
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// A command failed.
    Command {
        /// The command line.
        command: String,
        /// Its exit status and the end of its output.
        detail: String,
    },
    /// A tool is missing or of the wrong version and could not be installed.
    Tool(String),
    /// The output is not what it must be.
    Check(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Io { what, source } => write!(f, "{what}: {source}"),
            BuildError::Command { command, detail } => write!(f, "`{command}` failed: {detail}"),
            BuildError::Tool(m) | BuildError::Check(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Attach what was being done to an I/O error.
pub(crate) fn io<T>(what: impl Into<String>, r: std::io::Result<T>) -> Result<T, BuildError> {
    r.map_err(|source| BuildError::Io {
        what: what.into(),
        source,
    })
}

/// The workspace root (the directory of the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// Cargo's target directory (`$CARGO_TARGET_DIR`, else `<root>/target`).
pub fn target_dir() -> PathBuf {
    target_dir_of(&workspace_root())
}

/// The target directory of the checkout at `root`: `$CARGO_TARGET_DIR` (relative to
/// `root` when relative; an empty value, which cargo itself refuses, counts as unset),
/// else `root/target`. The CLI finds the modules it builds here too.
pub fn target_dir_of(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("target"),
    }
}

/// Build (if needed) and return the npm package directory.
pub fn build_wasm(options: &BuildOptions) -> Result<PathBuf, BuildError> {
    build(options).map(|b| b.package)
}

/// One build at a time in this process; other processes are kept out by a file lock.
static BUILD_LOCK: Mutex<()> = Mutex::new(());

/// Build (if needed) and describe what was built.
pub fn build(options: &BuildOptions) -> Result<Built, BuildError> {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let root = workspace_root();
    let target = target_dir();
    io("create the target directory", fs::create_dir_all(&target))?;
    let lock = io(
        "open the build lock",
        fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(target.join("akscert-wasm.lock")),
    )?;
    io("take the build lock", lock.lock())?;

    let package = target.join(PACKAGE_DIR);
    let www = target.join("www");
    let stamp_path = target.join("akscert-wasm.stamp");
    let pin = tools::wasm_bindgen_pin(&root)?;
    let stamp = fingerprint::of_inputs(&root, &format!("{pin}|opt={}", options.wasm_opt))?;
    let current = fs::read_to_string(&stamp_path).is_ok_and(|s| s == stamp)
        && layout::is_complete(&package, &www);
    if current && !options.force {
        let built = describe(&package, &www, false)?;
        report(&built);
        return Ok(built);
    }

    let wasm_bindgen = tools::ensure_wasm_bindgen(&pin, options.verbose)?;
    tools::ensure_wasm_target(&root, options.verbose)?;
    let stage = target.join("akscert-wasm-stage");
    if stage.exists() {
        io("clear the staging directory", fs::remove_dir_all(&stage))?;
    }
    let web = stage.join("web");
    let classic = stage.join("no-modules");
    for module in MODULES {
        stage_module(
            &root,
            &target,
            &wasm_bindgen,
            module,
            &web,
            &classic,
            options,
        )?;
    }
    layout::package(&root, &web, &package)?;
    layout::www(&root, &classic, &www)?;
    if options.wasm_opt {
        tools::smoke_test(&package)?;
    }
    io("clear the staging directory", fs::remove_dir_all(&stage))?;
    io("write the build stamp", fs::write(&stamp_path, &stamp))?;
    let built = describe(&package, &www, true)?;
    report(&built);
    Ok(built)
}

/// Build `module` with cargo, run wasm-bindgen (`web` glue into `web`, `no-modules` glue
/// into `classic`; the two `_bg.wasm` must be one file), and optionally wasm-opt.
fn stage_module(
    root: &Path,
    target: &Path,
    wasm_bindgen: &Path,
    module: Module,
    web: &Path,
    classic: &Path,
    options: &BuildOptions,
) -> Result<(), BuildError> {
    cargo_build(root, module, options.verbose)?;
    // Cargo writes the builds of one profile to one path: copy each out before the next.
    let cargo_wasm = target
        .join("wasm32-unknown-unknown")
        .join(module.profile)
        .join(CARGO_WASM_FILE);
    let input = target.join(format!("akscert-wasm-stage-{}.wasm", module.out_name));
    io(
        "copy the cargo output",
        fs::copy(&cargo_wasm, &input).map(|_| ()),
    )?;
    tools::run_wasm_bindgen(wasm_bindgen, "web", module, &input, web, options.verbose)?;
    // The page's classic-script glue, only for the modules the page loads.
    if module.on_page {
        tools::run_wasm_bindgen(
            wasm_bindgen,
            "no-modules",
            module,
            &input,
            classic,
            options.verbose,
        )?;
    }
    io("remove the staged cargo output", fs::remove_file(&input))?;
    let dirs = if module.on_page {
        vec![web, classic]
    } else {
        vec![web]
    };
    for (i, dir) in dirs.iter().enumerate() {
        // The two glues' modules are one file: said once.
        stub_shims(
            &dir.join(module.wasm_file),
            module,
            options.verbose && i == 0,
        )?;
    }
    if module.on_page {
        let bytes = io("read the web module", fs::read(web.join(module.wasm_file)))?;
        let classic_bytes = io(
            "read the no-modules module",
            fs::read(classic.join(module.wasm_file)),
        )?;
        if bytes != classic_bytes {
            return Err(BuildError::Check(format!(
                "wasm-bindgen wrote different {} modules for the web and no-modules glue; the package and the page must ship one file",
                module.build
            )));
        }
    }
    if options.wasm_opt {
        let optimised = tools::run_wasm_opt(root, &web.join(module.wasm_file), options.verbose)?;
        for dir in dirs {
            io(
                "write the optimised module",
                fs::write(dir.join(module.wasm_file), &optimised),
            )?;
        }
    }
    Ok(())
}

/// [`shims::stub_unreachable_shims`] on the module wasm-bindgen wrote at `path`, in place.
fn stub_shims(path: &Path, module: Module, verbose: bool) -> Result<(), BuildError> {
    let bytes = io(format!("read {}", path.display()), fs::read(path))?;
    let stubbed = shims::stub_unreachable_shims(&bytes)
        .map_err(|e| BuildError::Check(format!("the {} module: {e}", module.build)))?;
    if verbose {
        eprintln!(
            "xtask: {} module: {} closure shims no JS can call made traps ({} bytes of code before)",
            module.build, stubbed.functions, stubbed.bytes_before
        );
    }
    io(
        format!("write {}", path.display()),
        fs::write(path, &stubbed.module),
    )
}

fn cargo_build(root: &Path, module: Module, verbose: bool) -> Result<(), BuildError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).args([
        "build",
        "-p",
        WASM_CRATE,
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        module.profile,
    ]);
    if !module.features.is_empty() {
        cmd.args(["--features", module.features]);
    }
    // Panic locations name source files: without this the module would carry this
    // checkout's path and cargo's, and differ from one machine and directory to the next.
    // (A `RUSTFLAGS` of the user's own takes precedence over this setting, as cargo does.)
    cmd.arg("--config")
        .arg(tools::remap_rustflags(root, tools::cargo_home().as_deref()));
    eprintln!(
        "xtask: cargo build -p {WASM_CRATE} --target wasm32-unknown-unknown --profile {}{} ({} module)",
        module.profile,
        if module.features.is_empty() {
            String::new()
        } else {
            format!(" --features {}", module.features)
        },
        module.build
    );
    run(cmd, "cargo build (wasm32)", verbose)
}

/// Run a command; on failure the error carries its status and the end of its output.
pub(crate) fn run(mut cmd: Command, what: &str, verbose: bool) -> Result<(), BuildError> {
    if verbose {
        let status = io(format!("start {what}"), cmd.status())?;
        return if status.success() {
            Ok(())
        } else {
            Err(BuildError::Command {
                command: what.into(),
                detail: status.to_string(),
            })
        };
    }
    let out = io(
        format!("start {what}"),
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).output(),
    )?;
    if out.status.success() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = text.lines().rev().take(40).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(BuildError::Command {
        command: what.into(),
        detail: format!("{}\n{}", out.status, tail.join("\n")),
    })
}

fn describe(package: &Path, www: &Path, rebuilt: bool) -> Result<Built, BuildError> {
    let modules = MODULES
        .into_iter()
        .map(|module| {
            let path = module.wasm_in(package);
            let bytes = io(format!("read {}", path.display()), fs::read(&path))?;
            Ok(BuiltModule {
                module,
                bytes: bytes.len() as u64,
                gzip_bytes: gzip_len(&bytes)?,
                path,
            })
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    Ok(Built {
        package: package.to_path_buf(),
        www: www.to_path_buf(),
        modules,
        full_wasm: FULL.wasm_in(package),
        rebuilt,
    })
}

/// Size of `bytes` compressed with gzip at level 9.
pub fn gzip_len(bytes: &[u8]) -> Result<u64, BuildError> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    io("gzip the module", gz.write_all(bytes))?;
    Ok(io("gzip the module", gz.finish())?.len() as u64)
}

fn report(b: &Built) {
    for m in &b.modules {
        eprintln!(
            "xtask: {} {}: {} bytes raw, {} bytes gzip -9{}",
            if b.rebuilt { "built" } else { "up to date" },
            m.path.display(),
            m.bytes,
            m.gzip_bytes,
            if b.rebuilt { "" } else { " (no input changed)" }
        );
    }
}

#[cfg(test)]
mod module_names {
    use super::{CALCULATOR, FULL, MODULES, TRUST};
    use akscert_core::api::{CALCULATOR_BUILD, Capability, FULL_BUILD, TRUST_BUILD};

    /// A module answers `version().build` and names the module that has what it leaves
    /// out (`load akscert/full for it`): the package must put them where those say.
    #[test]
    fn each_module_is_where_the_model_says_it_is() {
        assert_eq!(
            MODULES.map(|m| m.build),
            [CALCULATOR_BUILD, TRUST_BUILD, FULL_BUILD]
        );
        assert_eq!(
            CALCULATOR.package_dir, "",
            "the calculator is the package's main module"
        );
        assert_eq!(
            Capability::Signatures.module(),
            format!("akscert/{}", TRUST.package_dir)
        );
        assert_eq!(
            Capability::Simulator.module(),
            format!("akscert/{}", FULL.package_dir)
        );
    }
}
