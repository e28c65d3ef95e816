//! akscert-wasm: akscert-core as one WebAssembly module with two faces.
//!
//! - A JS API (wasm-bindgen): plain JS objects in and out, TypeScript types generated
//!   from the core's Rust types, errors as JS `Error`s named by `ApiError::kind()`.
//! - A C-style JSON ABI ([`abi`]) for non-JS hosts such as wasmtime, which touches no JS
//!   import. Its contract is `wasm/ABI.md`.
//!
//! Both are thin: every answer is `akscert_core::api::call`'s, byte for byte. The
//! operations on an open scenario (`openScenario`, `simulateOpenCluster`) need memory
//! between calls: the instance keeps one `api::Session`, which both faces share.

// The module's allocator: talc instead of Rust's default dlmalloc. Both serve a
// single-threaded module that only grows its memory; talc is faster on the engine's
// many small, short-lived allocations and smaller (benches/README.md, "Fleet through the
// CLI's engines").
// The full module (the simulator's engine) puts size classes in front of it
// ([`classes`]).
#[cfg(all(
    target_family = "wasm",
    not(target_feature = "atomics"),
    not(feature = "full")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
#[cfg(all(
    target_family = "wasm",
    not(target_feature = "atomics"),
    feature = "full"
))]
#[global_allocator]
static ALLOCATOR: classes::SizeClasses<talc::wasm::WasmDynamicTalc> =
    classes::SizeClasses::new(talc::wasm::new_wasm_dynamic_allocator());

pub mod abi;
#[cfg(any(feature = "full", test))]
pub mod classes;

use akscert_core::api::{ApiError, Op};

#[cfg(feature = "full")]
thread_local! {
    /// The instance's session (a module instance is single-threaded).
    static SESSION: std::cell::RefCell<akscert_core::api::Session> =
        std::cell::RefCell::new(akscert_core::api::Session::new());
}

/// Run `op` on `input` in the instance's session.
#[cfg(feature = "full")]
fn call_in_session(op: Op, input: &str) -> Result<String, ApiError> {
    SESSION.with(|s| s.borrow_mut().call_op(op, input))
}

/// Run `op` on the host ABI's `input` bytes in the instance's session.
#[cfg(feature = "full")]
fn call_in_session_input(op: Op, input: &[u8]) -> Result<Vec<u8>, ApiError> {
    SESSION.with(|s| s.borrow_mut().call_input(op, input))
}

/// Run `op` on the host ABI's `input` bytes: without the simulator, no session.
#[cfg(not(feature = "full"))]
fn call_in_session_input(op: Op, input: &[u8]) -> Result<Vec<u8>, ApiError> {
    akscert_core::api::call_input(op, input)
}

/// Run `op` on `input`: a module without the simulator has no operation that needs a
/// session (and so carries none).
#[cfg(not(feature = "full"))]
fn call_in_session(op: Op, input: &str) -> Result<String, ApiError> {
    akscert_core::api::call_op(op, input)
}

/// Run the operation named `op` on `input` in the instance's session.
fn call_named(op: &str, input: &str) -> Result<String, ApiError> {
    match Op::from_name(op) {
        Some(op) => call_in_session(op, input),
        None => akscert_core::api::call(op, input),
    }
}
#[cfg(feature = "boundary-bench")]
mod columns;
mod input_apart;
mod js;
