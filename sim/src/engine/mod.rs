//! The two engines behind `--engine`: akscert-core compiled into this binary (`native`),
//! and the shipped `.wasm` module run in wasmtime (`wasm`, the default). Both answer the
//! same versioned JSON API (`akscert_core::api`), so everything downstream of a call —
//! assembling, merging, rendering — is shared and engine-independent. A run opens its
//! scenario once per worker ([`Worker::open_scenario`]: the module validates it) and asks
//! for clusters by index ([`Worker::simulate_open`]); natively the run skips the JSON on
//! core's types (`crate::execute`) with the same answers, and so does an inspection
//! ([`Worker::inspect_set`]).

mod cache;
mod epoch;
mod fold;
pub mod locate;
mod native;
mod wasm;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use akscert_core::api::Op;
use akscert_core::api::{
    ErrorDocument, InspectSetRequest, NamedInput, OpenClusterRequest, PackedCluster, pack_request,
    pack_scenario, packed_input,
};
pub use akscert_core::engine::FailureKind;
use akscert_core::engine::{Scenario, ScenarioCheck};
use akscert_core::inspect::{self, InspectOptions, InspectionSet};
use base64ct::{Base64, Encoding};

pub use cache::dir as module_cache_dir;
pub use fold::FleetFold;
pub use native::{NativeEngine, NativeWorker};

pub use wasm::{ABI_VERSION, GuestLimits, LoadStats, WasmEngine, WasmWorker};

/// Why a guest call could not produce an answer: the guest trapped, ran out of its time,
/// fuel budget or memory, or broke the ABI. Reported for the one call (the one cluster); the
/// worker starts a fresh instance for the next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GuestFault {
    /// What went wrong: `OutOfTime`, `OutOfFuel`, `OutOfMemory`, `GuestTrap` or
    /// `AbiViolation`.
    pub kind: FailureKind,
    /// What happened, with the limit that was hit.
    pub message: String,
}

/// The answer to one call.
pub type CallResult = Result<Result<String, ErrorDocument>, GuestFault>;

/// A loaded engine; cheap to share between threads. Each worker thread asks for its own
/// [`Worker`].
#[derive(Clone)]
pub enum Engine {
    /// akscert-core in this binary.
    Native(NativeEngine),
    /// The module in wasmtime.
    Wasm(Arc<WasmEngine>),
}

impl Engine {
    /// A worker for one thread (a wasmtime `Store` and instance for the wasm engine).
    pub fn worker(&self) -> Result<Worker, EngineError> {
        Ok(match self {
            Engine::Native(_) => Worker::Native(Box::default()),
            Engine::Wasm(w) => Worker::Wasm(Box::new(w.worker()?)),
        })
    }

    /// Hand `worker` back for the next [`Engine::worker`] to take, with what its engine
    /// holds open (a wasm instance that opened a scenario; a native worker is dropped).
    pub fn spare(&self, worker: Worker) {
        if let (Engine::Wasm(engine), Worker::Wasm(w)) = (self, worker) {
            engine.spare(*w);
        }
    }

    /// `native` or `wasm`.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Native(_) => "native",
            Engine::Wasm(_) => "wasm",
        }
    }
}

/// A scenario for workers to open (see [`Worker::simulate_open`]): its packed input,
/// written once and shared, and an identity, so that each worker's engine opens it once.
///
/// Packed, not JSON: the CLI holds the scenario typed already, and a fleet's JSON was
/// ~4 MB for the module to parse at wasm speed in every worker (a tenth of a
/// 10,000-cluster table's run); postcard is a fifth of the bytes and reads without
/// scanning text (`akscert_core::api::pack_scenario`).
#[derive(Debug, Clone)]
pub struct ScenarioToOpen {
    id: u64,
    /// `PACKED_INPUT`, then the postcard scenario: the host ABI's input as it is sent.
    input: Arc<[u8]>,
}

impl ScenarioToOpen {
    /// `scenario`, to be opened.
    pub fn new(scenario: &Scenario) -> ScenarioToOpen {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ScenarioToOpen {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            input: packed_input(&pack_scenario(scenario)).into(),
        }
    }
}

/// One thread's handle on an engine.
pub enum Worker {
    /// Native calls (with the session the operations on an open scenario need).
    Native(Box<NativeWorker>),
    /// A wasmtime store with an instance of the module.
    Wasm(Box<wasm::WasmWorker>),
}

impl Worker {
    /// Run `op` on the JSON `input`.
    pub fn call(&mut self, op: Op, input: &str) -> CallResult {
        match self {
            Worker::Native(n) => Ok(n.call(op, input)),
            Worker::Wasm(w) => w.call(op, input.as_bytes()),
        }
    }

    /// `openScenario`: validate `scenario` in this worker's engine and, when it is valid,
    /// keep it open there for [`Worker::simulate_open`]. A request the engine cannot take
    /// (larger than `akscert_core::api::MAX_REQUEST_BYTES`, 64 MiB of JSON) is a fault.
    pub fn open_scenario(
        &mut self,
        scenario: &ScenarioToOpen,
    ) -> Result<ScenarioCheck, GuestFault> {
        let check: ScenarioCheck = match self.call_input(Op::OpenScenario, &scenario.input)? {
            Ok(answer) => serde_json::from_slice(&answer).map_err(|e| {
                wasm::abi(format!("the engine's answer is not a scenario check: {e}"))
            })?,
            Err(doc) => return Err(refused(doc)),
        };
        let opened = matches!(check, ScenarioCheck::Valid { .. }).then_some(scenario.id);
        match self {
            Worker::Native(n) => n.opened = opened,
            Worker::Wasm(w) => w.set_opened(opened),
        }
        Ok(check)
    }

    /// Run `op` on the host ABI's `input` bytes (JSON, or a packed input): the answer's
    /// bytes as the engine wrote them (JSON, or a packed answer's postcard).
    fn call_input(
        &mut self,
        op: Op,
        input: &[u8],
    ) -> Result<Result<Vec<u8>, ErrorDocument>, GuestFault> {
        match self {
            Worker::Native(n) => Ok(n.call_input(op, input)),
            Worker::Wasm(w) => w.call_bytes(op, input),
        }
    }

    /// Open `scenario` in this worker's engine unless it holds it already (a wasm worker's
    /// instance is replaced after a fault, and the new one opens it again), and ask for
    /// `req` there: its answer's bytes. The request crosses packed (`PACKED_INPUT`, then
    /// postcard), as the scenario did: no JSON per cluster to write or to read.
    fn open_request(
        &mut self,
        scenario: &ScenarioToOpen,
        req: &OpenClusterRequest,
    ) -> Result<Result<Vec<u8>, ErrorDocument>, GuestFault> {
        let opened = match self {
            Worker::Native(n) => n.opened,
            Worker::Wasm(w) => w.opened(),
        };
        if opened != Some(scenario.id)
            && let ScenarioCheck::Refused(r) = self.open_scenario(scenario)?
        {
            return Err(wasm::abi(format!(
                "the engine refused a scenario it had accepted: {}: {}",
                r.path, r.message
            )));
        }
        self.call_input(Op::SimulateOpenCluster, &packed_input(&pack_request(req)))
    }

    /// `simulateOpenCluster` of cluster `req.index` of `scenario`, which this worker's
    /// engine opens first unless it holds it already (a wasm worker's instance is
    /// replaced after a fault, and the new one opens it again). The answer is
    /// `simulateCluster`'s for that cluster, byte for byte.
    pub fn simulate_open(
        &mut self,
        scenario: &ScenarioToOpen,
        req: &OpenClusterRequest,
    ) -> CallResult {
        wasm::text_answer(self.open_request(scenario, req))
    }

    /// [`Worker::simulate_open`] of a request with `packed`: the module's postcard answer,
    /// decoded. Natively there is none to ask for (the CLI's native engine runs on core's
    /// types); a native worker answers through the same session, as the module would.
    pub fn simulate_open_packed(
        &mut self,
        scenario: &ScenarioToOpen,
        req: &OpenClusterRequest,
    ) -> Result<Result<PackedCluster, ErrorDocument>, GuestFault> {
        match self.open_request(scenario, req)? {
            Ok(bytes) => PackedCluster::from_bytes(&bytes)
                .map(Ok)
                .map_err(|e| wasm::abi(e.to_string())),
            Err(doc) => Ok(Err(doc)),
        }
    }

    /// `inspectSet` of the named `inputs` under `opts`: natively on core's types; in the
    /// guest (the trust module) through the JSON API, each input as text, or as base64 when
    /// it is not UTF-8. The same set, byte for byte. The guest refuses a request over
    /// `akscert_core::api::MAX_REQUEST_BYTES` (64 MiB of JSON, base64 counting 4/3 of its
    /// bytes): that is the limit of the inputs together with `--engine wasm`.
    pub fn inspect_set(
        &mut self,
        inputs: &[(&str, &[u8])],
        opts: &InspectOptions,
    ) -> Result<InspectionSet, GuestFault> {
        let Worker::Wasm(w) = self else {
            return Ok(inspect::inspect_set(inputs, opts));
        };
        let request = InspectSetRequest {
            inputs: inputs
                .iter()
                .map(|&(source, bytes)| {
                    let (input, input_base64) = match std::str::from_utf8(bytes) {
                        Ok(text) => (Some(text.to_string()), None),
                        Err(_) => (None, Some(Base64::encode_string(bytes))),
                    };
                    NamedInput {
                        source: source.to_string(),
                        input,
                        input_base64,
                    }
                })
                .collect(),
            now: opts.now,
            warn_within: opts.warn_within,
            verify: opts.verify,
        };
        let input = serde_json::to_string(&request)
            .map_err(|e| wasm::abi(format!("cannot encode the inspectSet request: {e}")))?;
        match w.call(Op::InspectSet, input.as_bytes())? {
            Ok(answer) => serde_json::from_str(&answer).map_err(|e| {
                wasm::abi(format!("the module's answer is not an inspection set: {e}"))
            }),
            Err(doc) => Err(refused(doc)),
        }
    }

    /// Fuel the last call used (wasm only).
    pub fn last_fuel(&self) -> Option<u64> {
        match self {
            Worker::Native(_) => None,
            Worker::Wasm(w) => w.last_fuel(),
        }
    }

    /// The guest's linear memory size (wasm only; its peak so far).
    pub fn memory_bytes(&self) -> Option<usize> {
        match self {
            Worker::Native(_) => None,
            Worker::Wasm(w) => Some(w.memory_bytes()),
        }
    }
}

/// An operation's refusal of the request as a fault: the host made the request, so the
/// engine refusing it is not the user's input's fault but a limit or a defect.
fn refused(doc: ErrorDocument) -> GuestFault {
    let failure = akscert_core::engine::ClusterFailure::from(doc.error);
    GuestFault {
        kind: failure.kind,
        message: failure.message,
    }
}

/// Why an engine could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The module file is missing or unreadable.
    #[error("cannot read the wasm module {path}: {source}")]
    Read {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a usable WebAssembly module.
    #[error("{path} is not a usable akscert WebAssembly module: {why}")]
    Corrupt {
        /// The path.
        path: PathBuf,
        /// What wasmtime or the checks said.
        why: String,
    },
    /// The module speaks another host ABI.
    #[error(
        "{path} speaks host ABI version {found}; this akscert needs version {expected}. Rebuild the module with `cargo xtask build-wasm` (or use the akscert that came with it)"
    )]
    AbiVersion {
        /// The path.
        path: PathBuf,
        /// What the module says.
        found: u32,
        /// What this host needs.
        expected: u32,
    },
    /// The module's operations table differs from this host's.
    #[error("{path}: {why}")]
    Operations {
        /// The path.
        path: PathBuf,
        /// What differs.
        why: String,
    },
    /// The engine could not open a run's scenario (a limit, or a defect): not a verdict
    /// on the scenario, which would be a refusal at its place in the file.
    #[error("the engine could not open the scenario: {0}")]
    Open(String),
    /// wasmtime itself could not start.
    #[error("cannot start wasmtime: {0}")]
    Runtime(String),
    /// No module was found and none could be built.
    #[error("{0}")]
    NotBuilt(String),
}
