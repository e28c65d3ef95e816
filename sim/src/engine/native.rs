//! The native engine: akscert-core's JSON API called directly, framed exactly as the
//! module's `akscert_call` frames it (result JSON, or an `ErrorDocument`).

use akscert_core::api::{self, ErrorDocument};

use super::Op;

/// akscert-core compiled into this binary.
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeEngine;

impl NativeEngine {
    /// Run `op` on `input`.
    pub fn call(&self, op: Op, input: &str) -> Result<String, ErrorDocument> {
        api::call_op(op, input).map_err(|e| ErrorDocument::from(&e))
    }
}
