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

    /// Run `op` on the host ABI's `input` bytes (UTF-8 JSON, or a packed input after
    /// `akscert_core::api::PACKED_INPUT`), answering bytes as the module's `akscert_call`
    /// does: JSON, or a packed answer's postcard.
    pub fn call_input(&mut self, op: Op, input: &[u8]) -> Result<Vec<u8>, ErrorDocument> {
        self.session
            .call_input(op, input)
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
