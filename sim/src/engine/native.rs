//! The native engine: akscert-core's JSON API called directly, framed exactly as the
//! module's `akscert_call` frames it (result JSON, or an `ErrorDocument`). A run's
//! clusters skip the JSON natively altogether (`crate::execute`, on core's types).

use akscert_core::api::{self, ErrorDocument, Session};

use super::Op;

/// One thread's native engine: the API with a session, for the operations on an open
/// scenario (the module keeps one per instance).
#[derive(Debug, Default)]
pub struct NativeWorker {
    session: Session,
    /// The identity of the scenario open in `session`, if any.
    pub(super) opened: Option<u64>,
}

impl NativeWorker {
    /// Run `op` on `input`, framed as [`NativeEngine::call`] frames it.
    pub fn call(&mut self, op: Op, input: &str) -> Result<String, ErrorDocument> {
        self.session
            .call_op(op, input)
            .map_err(|e| ErrorDocument::from(&e))
    }

    /// Run `op` on a packed input (the postcard after the host ABI's
    /// `akscert_core::api::PACKED_INPUT` byte), as the module's host ABI does.
    pub fn call_packed(&mut self, op: Op, input: &[u8]) -> Result<String, ErrorDocument> {
        self.session
            .call_op_packed(op, input)
            .map_err(|e| ErrorDocument::from(&e))
    }

    /// Run `op` on `input`, answering bytes as the module's host ABI does (a packed
    /// `simulateOpenCluster` answers postcard).
    pub fn call_bytes(&mut self, op: Op, input: &str) -> Result<Vec<u8>, ErrorDocument> {
        self.session
            .call_op_bytes(op, input)
            .map_err(|e| ErrorDocument::from(&e))
    }
}

/// akscert-core compiled into this binary.
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeEngine;

impl NativeEngine {
    /// Run `op` on `input`.
    pub fn call(&self, op: Op, input: &str) -> Result<String, ErrorDocument> {
        api::call_op(op, input).map_err(|e| ErrorDocument::from(&e))
    }
}
