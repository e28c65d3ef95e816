//! The two engines behind `--engine`: akscert-core compiled into this binary (`native`),
//! and the shipped `.wasm` module run in wasmtime (`wasm`, the default). Both answer the
//! same versioned JSON API (`akscert_core::api`), so everything downstream of a call —
//! assembling, merging, rendering — is shared and engine-independent. A cluster's
//! simulation skips the JSON natively ([`Worker::simulate_cluster`]) with the same answer,
//! and so does an inspection ([`Worker::inspect_set`]).

mod cache;
pub mod locate;
mod native;
mod wasm;

use std::path::PathBuf;
use std::sync::Arc;

pub use akscert_core::api::Op;
use akscert_core::api::{ClusterRun, ErrorDocument, InspectSetRequest, NamedInput};
pub use akscert_core::engine::FailureKind;
use akscert_core::inspect::{self, InspectOptions, InspectionSet};
use base64ct::{Base64, Encoding};

pub use cache::dir as module_cache_dir;
pub use native::NativeEngine;

use crate::outcome::ClusterOutcome;
pub use wasm::{ABI_VERSION, GuestLimits, LoadStats, WasmEngine, WasmWorker};

/// Why a guest call could not produce an answer: the guest trapped, ran out of its fuel
/// budget or memory, or broke the ABI. Reported for the one call (the one cluster); the
/// worker starts a fresh instance for the next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GuestFault {
    /// What went wrong: `OutOfFuel`, `OutOfMemory`, `GuestTrap` or `AbiViolation`.
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
            Engine::Native(n) => Worker::Native(*n),
            Engine::Wasm(w) => Worker::Wasm(Box::new(w.worker()?)),
        })
    }

    /// `native` or `wasm`.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Native(_) => "native",
            Engine::Wasm(_) => "wasm",
        }
    }
}

/// One thread's handle on an engine.
pub enum Worker {
    /// Native calls.
    Native(NativeEngine),
    /// A wasmtime store with an instance of the module.
    Wasm(Box<wasm::WasmWorker>),
}

impl Worker {
    /// Run `op` on the JSON `input`.
    pub fn call(&mut self, op: Op, input: &str) -> CallResult {
        match self {
            Worker::Native(n) => Ok(n.call(op, input)),
            Worker::Wasm(w) => w.call(op, input),
        }
    }

    /// `simulateCluster` for `run`: natively on core's types (the answer serialised once,
    /// for the report's JSON, never parsed back); in the guest through the JSON API (only
    /// the request and the answer cross the boundary). The same outcome, byte for byte.
    pub fn simulate_cluster(&mut self, run: &ClusterRun) -> ClusterOutcome {
        match self {
            Worker::Native(n) => ClusterOutcome::from_typed(run, n.simulate_cluster(run)),
            Worker::Wasm(_) => {
                let input = serde_json::to_string(run).unwrap_or_default();
                ClusterOutcome::from_call(run, self.call(Op::SimulateCluster, &input))
            }
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
        match w.call(Op::InspectSet, &input)? {
            Ok(answer) => serde_json::from_str(&answer).map_err(|e| {
                wasm::abi(format!("the module's answer is not an inspection set: {e}"))
            }),
            Err(doc) => {
                let refused = akscert_core::engine::ClusterFailure::from(doc.error);
                Err(GuestFault {
                    kind: refused.kind,
                    message: refused.message,
                })
            }
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
    /// wasmtime itself could not start.
    #[error("cannot start wasmtime: {0}")]
    Runtime(String),
    /// No module was found and none could be built.
    #[error("{0}")]
    NotBuilt(String),
}
