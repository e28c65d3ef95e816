//! The wasmtime host: one `Engine`, the module compiled once (or loaded from the compile
//! cache), one `Store` per worker. Every guest call is bounded by a time limit (the
//! engine's epoch, see `epoch`), a memory limit and, when asked for, a deterministic fuel
//! budget; a trap or an overrun fails that one call, and the worker starts a fresh
//! instance for the next (the guest's allocator may have been mid-update).
//!
//! The host ABI (`wasm/ABI.md`): `akscert_abi_version() -> u32`, `akscert_alloc(len) ->
//! ptr` (0 = cannot allocate), `akscert_free(ptr, len)`, `akscert_call(op, ptr, len) ->
//! (out_ptr << 32) | out_len`, output = one status byte (0 ok, 1 error document) + JSON.
//! No JS import is ever called on this path: every import is defined as a trap.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use akscert_core::api::{ErrorDocument, Op, VersionInfo};
use akscert_core::engine::{API_VERSION, FailureKind};
use wasmtime::{
    Config, InstancePre, Linker, Memory, ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder,
    Trap, TypedFunc, WasmBacktrace,
};

use super::epoch::{self, EpochTicker};
use super::locate::ModuleKind;
use super::{CallResult, EngineError, GuestFault, cache};

/// The host ABI version this host speaks (core's: the module says its own).
pub use akscert_core::api::ABI_VERSION;
use akscert_core::api::{STATUS_ERROR, STATUS_OK};

/// Bounds on every guest call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuestLimits {
    /// Wall-clock time per call, to the next 10 ms tick: it stops a runaway guest. Zero
    /// stops every call at its first check.
    pub time: Duration,
    /// Fuel per call (about one unit per WebAssembly instruction), or `None` (the default)
    /// for no metering. Deterministic where time is not: the same call runs out at the
    /// same point on every machine. Metering makes the guest about a fifth slower, and
    /// the module is compiled (and cached) separately for it.
    pub fuel: Option<u64>,
    /// Largest linear memory a worker's instance may grow to, in bytes.
    pub memory_bytes: usize,
}

impl GuestLimits {
    /// The default time per call: a 10-year cluster takes well under a millisecond and
    /// a 20,000-cluster inventory (one call) a few seconds.
    pub const DEFAULT_TIME: Duration = Duration::from_secs(60);
    /// The default memory limit: 1 GiB.
    pub const DEFAULT_MEMORY: usize = 1 << 30;
}

impl Default for GuestLimits {
    fn default() -> Self {
        GuestLimits {
            time: Self::DEFAULT_TIME,
            fuel: None,
            memory_bytes: Self::DEFAULT_MEMORY,
        }
    }
}

/// How the module was loaded, for `--verbose` output and the load benchmark.
#[derive(Debug, Clone, Copy)]
pub struct LoadStats {
    /// Size of the `.wasm` file.
    pub module_bytes: usize,
    /// Reading the file.
    pub read: Duration,
    /// Compiling (or deserialising from the cache) and checking the module.
    pub compile: Duration,
    /// Whether the compiled code came from the cache.
    pub from_cache: bool,
}

/// The module loaded into wasmtime, ready to hand out workers.
pub struct WasmEngine {
    path: PathBuf,
    kind: ModuleKind,
    engine: wasmtime::Engine,
    pre: InstancePre<HostState>,
    limits: GuestLimits,
    ticker: Arc<EpochTicker>,
    stats: LoadStats,
    /// Workers handed back for reuse (see [`WasmEngine::spare`]): the one that validated
    /// a run's scenario keeps it open for the run's first worker.
    spares: std::sync::Mutex<Vec<WasmWorker>>,
}

/// What a store carries: the memory limits, and whether a grow was refused (to tell an
/// out-of-memory trap from any other).
struct HostState {
    limits: StoreLimits,
    refused_grow: Option<usize>,
}

impl ResourceLimiter for HostState {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let answer = self.limits.memory_growing(current, desired, maximum);
        if !matches!(answer, Ok(true)) {
            self.refused_grow = Some(desired);
        }
        answer
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

impl WasmEngine {
    /// Load, compile (or take from the compile cache, see [`super::module_cache_dir`]) and check the
    /// full module at `path`: the exports of the host ABI, its version, and the operations
    /// table.
    pub fn load(path: &Path, limits: GuestLimits) -> Result<WasmEngine, EngineError> {
        Self::load_kind(path, ModuleKind::Full, limits)
    }

    /// Like [`WasmEngine::load`], for the module `kind` (its build and operations checked).
    pub fn load_kind(
        path: &Path,
        kind: ModuleKind,
        limits: GuestLimits,
    ) -> Result<WasmEngine, EngineError> {
        Self::read_and_load(path, kind, limits, cache::dir().as_deref())
    }

    /// Like [`WasmEngine::load`], with the compile cache in `cache` (`None`: always
    /// compile).
    pub fn load_with_cache(
        path: &Path,
        limits: GuestLimits,
        cache: Option<&Path>,
    ) -> Result<WasmEngine, EngineError> {
        Self::read_and_load(path, ModuleKind::Full, limits, cache)
    }

    fn read_and_load(
        path: &Path,
        kind: ModuleKind,
        limits: GuestLimits,
        cache: Option<&Path>,
    ) -> Result<WasmEngine, EngineError> {
        let started = Instant::now();
        let bytes = std::fs::read(path).map_err(|source| EngineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let read = started.elapsed();
        Self::from_bytes(path, &bytes, kind, limits, read, cache)
    }

    /// Like [`WasmEngine::load_with_cache`], from bytes already read (`path` names them in
    /// messages, `read` is how long reading took), checked as the module `kind`.
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
        kind: ModuleKind,
        limits: GuestLimits,
        read: Duration,
        cache: Option<&Path>,
    ) -> Result<WasmEngine, EngineError> {
        let corrupt = |why: String| EngineError::Corrupt {
            path: path.to_path_buf(),
            why,
        };
        if !bytes.starts_with(b"\0asm") {
            return Err(corrupt(format!(
                "it does not start with the WebAssembly magic bytes `\\0asm` ({} bytes{})",
                bytes.len(),
                if bytes.is_empty() { ", empty file" } else { "" }
            )));
        }
        let started = Instant::now();
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.consume_fuel(limits.fuel.is_some());
        let engine =
            wasmtime::Engine::new(&config).map_err(|e| EngineError::Runtime(format!("{e}")))?;
        let ticker = EpochTicker::start(&engine).map_err(|e| {
            EngineError::Runtime(format!("cannot start the time limit's clock thread: {e}"))
        })?;
        let (module, from_cache) =
            cache::module(&engine, bytes, cache).map_err(|e| corrupt(format!("{e}")))?;
        for name in [
            "akscert_abi_version",
            "akscert_alloc",
            "akscert_free",
            "akscert_call",
        ] {
            if module.get_export(name).is_none() {
                return Err(corrupt(format!(
                    "it has no `{name}` export (not an akscert module with the host ABI)"
                )));
            }
        }
        let mut linker = Linker::new(&engine);
        linker
            .define_unknown_imports_as_traps(&module)
            .map_err(|e| corrupt(format!("{e}")))?;
        let pre = linker
            .instantiate_pre(&module)
            .map_err(|e| corrupt(format!("{e}")))?;
        let mut wasm = WasmEngine {
            path: path.to_path_buf(),
            kind,
            engine,
            pre,
            limits,
            ticker: Arc::new(ticker),
            stats: LoadStats {
                module_bytes: bytes.len(),
                read,
                compile: Duration::ZERO,
                from_cache,
            },
            spares: std::sync::Mutex::default(),
        };
        wasm.check()?;
        wasm.stats.compile = started.elapsed();
        Ok(wasm)
    }

    /// Check the ABI version and the operations table on a probe instance (with the
    /// default time and memory, so a tiny test limit does not fail the load itself).
    fn check(&self) -> Result<(), EngineError> {
        let corrupt = |why: String| EngineError::Corrupt {
            path: self.path.clone(),
            why,
        };
        let mut probe = WasmWorker {
            engine: self.engine.clone(),
            pre: self.pre.clone(),
            limits: GuestLimits {
                fuel: self.limits.fuel.map(|_| u64::MAX),
                ..GuestLimits::default()
            },
            _ticker: self.ticker.clone(),
            live: None,
            last_fuel: None,
        };
        let live = probe
            .instantiate()
            .map_err(|f| corrupt(format!("instantiation failed: {f}")))?;
        let version = live
            .abi_version
            .call(&mut live.store, ())
            .map_err(|e| corrupt(format!("akscert_abi_version trapped: {e}")))?;
        if version != ABI_VERSION {
            return Err(EngineError::AbiVersion {
                path: self.path.clone(),
                found: version,
                expected: ABI_VERSION,
            });
        }
        let answer = probe
            .call(Op::Version, b"")
            .map_err(|f| corrupt(format!("the version call failed: {f}")))?
            .map_err(|d| corrupt(format!("the version call failed: {}", d.error.message)))?;
        let info: VersionInfo = serde_json::from_str(&answer)
            .map_err(|e| corrupt(format!("the version call answered {e}")))?;
        if info.api_version != API_VERSION {
            return Err(EngineError::Operations {
                path: self.path.clone(),
                why: format!(
                    "the module speaks API `{}`; this akscert reads `{API_VERSION}`",
                    info.api_version
                ),
            });
        }
        let kind = self.kind;
        if info.build != kind.build() {
            return Err(EngineError::Operations {
                path: self.path.clone(),
                why: format!(
                    "this is the {} module, which has no {}; this command runs the {} module, {}/{}",
                    info.build,
                    kind.what(),
                    kind.build(),
                    kind.dir(),
                    kind.file()
                ),
            });
        }
        // The full module answers every operation but the signature checks, the trust
        // module every one but the simulator, in this akscert's ABI order; a newer module
        // may add operations after.
        let host: Vec<&str> = Op::ALL
            .iter()
            .filter(|op| op.needs() != Some(kind.lacks()))
            .map(|op| op.name())
            .collect();
        let guest: Vec<&str> = info.operations.iter().map(String::as_str).collect();
        if !guest.starts_with(&host) {
            return Err(EngineError::Operations {
                path: self.path.clone(),
                why: format!(
                    "the module's operations are [{}]; this akscert numbers them [{}] (rebuild the module with `cargo xtask build-wasm`)",
                    guest.join(", "),
                    host.join(", ")
                ),
            });
        }
        Ok(())
    }

    /// Keep `worker` for the next [`WasmEngine::worker`] call, with its instance and
    /// whatever it holds open.
    pub fn spare(&self, worker: WasmWorker) {
        if let Ok(mut spares) = self.spares.lock() {
            spares.push(worker);
        }
    }

    /// A worker with its own store (a spare one if there is one); the instance is
    /// created on first use.
    pub fn worker(&self) -> Result<WasmWorker, EngineError> {
        if let Some(w) = self.spares.lock().ok().and_then(|mut s| s.pop()) {
            return Ok(w);
        }
        Ok(WasmWorker {
            engine: self.engine.clone(),
            pre: self.pre.clone(),
            limits: self.limits,
            _ticker: self.ticker.clone(),
            live: None,
            last_fuel: None,
        })
    }

    /// The module's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How the module was loaded.
    pub fn stats(&self) -> LoadStats {
        self.stats
    }

    /// The limits every call runs under.
    pub fn limits(&self) -> GuestLimits {
        self.limits
    }
}

/// One thread's store and instance.
pub struct WasmWorker {
    engine: wasmtime::Engine,
    pre: InstancePre<HostState>,
    limits: GuestLimits,
    /// Keeps the epoch advancing while this worker lives.
    _ticker: Arc<EpochTicker>,
    live: Option<Live>,
    last_fuel: Option<u64>,
}

struct Live {
    store: Store<HostState>,
    memory: Memory,
    abi_version: TypedFunc<(), u32>,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    call: TypedFunc<(u32, u32, u32), u64>,
    /// The identity of the scenario open in this instance, if any (see
    /// `Worker::open_scenario`): it goes with the instance.
    opened: Option<u64>,
}

impl WasmWorker {
    fn instantiate(&mut self) -> Result<&mut Live, GuestFault> {
        if self.live.is_none() {
            let state = HostState {
                limits: StoreLimitsBuilder::new()
                    .memory_size(self.limits.memory_bytes)
                    .trap_on_grow_failure(true)
                    .build(),
                refused_grow: None,
            };
            let mut store = Store::new(&self.engine, state);
            store.limiter(|s| s);
            let fault = |what: &str, e: wasmtime::Error, store: &Store<HostState>| {
                let mut f = classify(&e, store, self.limits);
                f.message = format!("{what}: {}", f.message);
                f
            };
            // Instantiating runs the module's start code: it gets one call's limits.
            store.set_epoch_deadline(epoch::ticks(self.limits.time));
            if let Some(fuel) = self.limits.fuel {
                store
                    .set_fuel(fuel)
                    .map_err(|e| fault("cannot set fuel", e, &store))?;
            }
            let instance = self
                .pre
                .instantiate(&mut store)
                .map_err(|e| fault("cannot instantiate the module", e, &store))?;
            let memory = instance
                .get_memory(&mut store, "memory")
                .ok_or_else(|| abi("the module exports no `memory`".into()))?;
            macro_rules! func {
                ($name:literal) => {
                    instance
                        .get_typed_func(&mut store, $name)
                        .map_err(|e| abi(format!("export `{}`: {e}", $name)))?
                };
            }
            let live = Live {
                abi_version: func!("akscert_abi_version"),
                alloc: func!("akscert_alloc"),
                free: func!("akscert_free"),
                call: func!("akscert_call"),
                opened: None,
                memory,
                store,
            };
            self.live = Some(live);
        }
        self.live.as_mut().ok_or_else(|| abi("no instance".into()))
    }

    /// Run `op` on `input` (JSON text, or a packed input) in the guest, within the
    /// limits; the answer is JSON.
    pub fn call(&mut self, op: Op, input: &[u8]) -> CallResult {
        text_answer(self.call_bytes(op, input))
    }

    /// Run `op` on `input` (JSON text, or a packed input after its
    /// `akscert_core::api::PACKED_INPUT` byte): the answer's bytes as the module wrote
    /// them (JSON, or the postcard of a packed answer).
    pub fn call_bytes(
        &mut self,
        op: Op,
        input: &[u8],
    ) -> Result<Result<Vec<u8>, ErrorDocument>, GuestFault> {
        let limits = self.limits;
        let live = self.instantiate()?;
        let result = call_live(live, limits, op, input);
        // Only a metered store has fuel to ask about (asking an unmetered one builds an
        // error, with a backtrace when RUST_BACKTRACE is set: a third of a run's time).
        self.last_fuel = limits.fuel.and_then(|budget| {
            let left = live.store.get_fuel().ok()?;
            Some(budget.saturating_sub(left))
        });
        if result.is_err() {
            // After any trap the guest may be mid-update: never reuse the store.
            self.live = None;
        }
        result
    }

    /// The identity of the scenario open in the current instance, if any.
    pub(super) fn opened(&self) -> Option<u64> {
        self.live.as_ref().and_then(|l| l.opened)
    }

    /// Record which scenario the current instance holds open.
    pub(super) fn set_opened(&mut self, id: Option<u64>) {
        if let Some(live) = self.live.as_mut() {
            live.opened = id;
        }
    }

    /// Fuel the last call used (all of the budget, if it ran out); `None` unless the
    /// limits meter fuel.
    pub fn last_fuel(&self) -> Option<u64> {
        self.last_fuel
    }

    /// The current size of the instance's linear memory (its peak so far: wasm memory
    /// never shrinks); 0 before the first call or after a fault.
    pub fn memory_bytes(&self) -> usize {
        self.live
            .as_ref()
            .map_or(0, |l| l.memory.data_size(&l.store))
    }
}

/// An answer's bytes as the JSON text they must be.
pub(super) fn text_answer(
    answer: Result<Result<Vec<u8>, ErrorDocument>, GuestFault>,
) -> CallResult {
    Ok(match answer? {
        Ok(bytes) => Ok(String::from_utf8(bytes)
            .map_err(|e| abi(format!("akscert_call returned text that is not UTF-8: {e}")))?),
        Err(doc) => Err(doc),
    })
}

/// A guest that broke the host ABI, or answered something that is not the answer.
pub(super) fn abi(message: String) -> GuestFault {
    GuestFault {
        kind: FailureKind::AbiViolation,
        message,
    }
}

fn call_live(
    live: &mut Live,
    limits: GuestLimits,
    op: Op,
    input: &[u8],
) -> Result<Result<Vec<u8>, ErrorDocument>, GuestFault> {
    let Live {
        store,
        memory,
        alloc,
        free,
        call,
        ..
    } = live;
    store.data_mut().refused_grow = None;
    let trap = |e: wasmtime::Error, store: &Store<HostState>| classify(&e, store, limits);
    store.set_epoch_deadline(epoch::ticks(limits.time));
    if let Some(fuel) = limits.fuel {
        store.set_fuel(fuel).map_err(|e| trap(e, store))?;
    }
    let len = u32::try_from(input.len()).map_err(|_| {
        abi(format!(
            "an input of {} bytes does not fit wasm32",
            input.len()
        ))
    })?;
    let ptr = alloc.call(&mut *store, len).map_err(|e| trap(e, store))?;
    if ptr == 0 {
        return Err(GuestFault {
            kind: FailureKind::OutOfMemory,
            message: format!("the guest could not allocate {len} bytes for its input"),
        });
    }
    memory
        .write(&mut *store, ptr as usize, input)
        .map_err(|e| abi(format!("akscert_alloc returned {ptr}, outside memory: {e}")))?;
    let packed = call
        .call(&mut *store, (op.abi(), ptr, len))
        .map_err(|e| trap(e, store))?;
    free.call(&mut *store, (ptr, len))
        .map_err(|e| trap(e, store))?;
    if packed == 0 {
        return Err(GuestFault {
            kind: FailureKind::OutOfMemory,
            message: "the guest could not allocate its output".into(),
        });
    }
    let out_ptr = (packed >> 32) as u32;
    let out_len = (packed & 0xffff_ffff) as u32;
    let range = out_ptr as usize..out_ptr as usize + out_len as usize;
    let output = memory.data(&*store).get(range).ok_or_else(|| {
        abi(format!(
            "akscert_call returned {out_len} bytes at {out_ptr}, outside the guest's memory"
        ))
    })?;
    let Some((&status, answer)) = output.split_first() else {
        return Err(abi("akscert_call returned an empty output".into()));
    };
    let answer = answer.to_vec();
    free.call(&mut *store, (out_ptr, out_len))
        .map_err(|e| trap(e, store))?;
    match status {
        STATUS_OK => Ok(Ok(answer)),
        STATUS_ERROR => serde_json::from_slice::<ErrorDocument>(&answer)
            .map(Err)
            .map_err(|e| {
                abi(format!(
                    "akscert_call returned a malformed error document: {e}"
                ))
            }),
        other => Err(abi(format!(
            "akscert_call returned status byte {other} (expected {STATUS_OK} or {STATUS_ERROR})"
        ))),
    }
}

/// Turn a wasmtime error from a guest call into a fault with the limit that was hit.
fn classify(e: &wasmtime::Error, store: &Store<HostState>, limits: GuestLimits) -> GuestFault {
    let memory = limits.memory_bytes;
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => {
            let fuel = limits.fuel.unwrap_or(u64::MAX);
            return GuestFault {
                kind: FailureKind::OutOfFuel,
                message: format!(
                    "the guest used up its fuel budget of {fuel} units before finishing (raise --fuel)"
                ),
            };
        }
        Some(Trap::Interrupt) => {
            return GuestFault {
                kind: FailureKind::OutOfTime,
                message: format!(
                    "the guest ran past its time limit of {:?} before finishing (raise --time-limit)",
                    limits.time
                ),
            };
        }
        _ => {}
    }
    if let Some(desired) = store.data().refused_grow {
        return GuestFault {
            kind: FailureKind::OutOfMemory,
            message: format!(
                "the guest tried to grow its memory to {desired} bytes, over the limit of {memory} bytes (raise --memory-limit)"
            ),
        };
    }
    let place = e
        .downcast_ref::<WasmBacktrace>()
        .and_then(|bt| bt.frames().iter().find_map(|f| f.func_name()))
        .map(|name| format!(" in {name}"))
        .unwrap_or_default();
    let what = match e.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => e.to_string(),
    };
    GuestFault {
        kind: FailureKind::GuestTrap,
        message: format!("the guest trapped{place}: {what}"),
    }
}
