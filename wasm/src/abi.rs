//! The C-style host ABI: bytes in, bytes out, no JS import touched — so a non-JS host
//! (wasmtime in `akscert-sim`) can instantiate the very `_bg.wasm` the npm package ships
//! with every JS import defined as a trap. The contract is in `wasm/ABI.md`.
//!
//! The logic lives in [`call_bytes`], which is plain Rust and tested natively; the exported
//! `extern "C"` functions (wasm32 only, where a pointer is a `u32`) only move bytes in and
//! out of linear memory.

/// The ABI's version and status bytes, as core defines them for both sides.
pub use akscert_core::api::{ABI_VERSION, STATUS_ERROR, STATUS_OK};
use akscert_core::api::{ApiError, ErrorDocument, Op};

/// The name of the operation with ABI number `op` (`api::Op`), if any.
pub fn operation_name(op: u32) -> Option<&'static str> {
    Op::from_abi(op).map(Op::name)
}

/// The ABI number of operation `name`, if it exists.
pub fn operation_index(name: &str) -> Option<u32> {
    Op::from_name(name).map(Op::abi)
}

/// Run ABI operation `op` on `input` and return the output buffer: one status byte, then
/// the result JSON exactly as `api::call` returns it (the instance's `api::Session`'s
/// for the operations on an open scenario) (status 0) or the `ErrorDocument` JSON
/// (status 1). An input that starts with byte `0xFF` (`akscert_core::api::PACKED_INPUT`,
/// never the start of UTF-8 text) is packed: postcard follows, which only the operations
/// that `Op::takes_packed` names take (`api::Session::call_input` decides). Never panics on
/// any input. An empty buffer means the output could not be allocated
/// (the module's memory is exhausted).
pub fn call_bytes(op: u32, input: &[u8]) -> Vec<u8> {
    let result = match Op::from_abi(op) {
        None => Err(ApiError::UnknownOperation(format!("#{op}"))),
        Some(op) => crate::call_in_session_input(op, input),
    };
    match result {
        Ok(bytes) => framed(STATUS_OK, &bytes),
        Err(e) => framed(STATUS_ERROR, error_json(&e).as_bytes()),
    }
}

/// The `ErrorDocument` JSON of `e`, as every face of akscert prints it.
pub fn error_json(e: &ApiError) -> String {
    let doc = ErrorDocument::from(e);
    // ErrorDocument holds only strings: serialising it cannot fail. Fall back to a
    // hand-built document anyway rather than panic.
    akscert_core::json_ser::to_string(&doc).unwrap_or_else(|_| {
        format!(
            "{{\"apiVersion\":\"{}\",\"kind\":\"Error\",\"error\":{{\"kind\":\"{}\",\"message\":\"unprintable error\"}}}}",
            akscert_core::document::API_VERSION,
            e.kind()
        )
    })
}

fn framed(status: u8, answer: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if out.try_reserve_exact(answer.len() + 1).is_err() {
        return out;
    }
    out.push(status);
    out.extend_from_slice(answer);
    out
}

/// Split an output buffer into its status byte and JSON text (for hosts written in Rust
/// and for tests). `None` if the buffer is empty or the JSON part is not UTF-8.
pub fn split_output(buffer: &[u8]) -> Option<(u8, &str)> {
    let (status, json) = buffer.split_first()?;
    Some((*status, std::str::from_utf8(json).ok()?))
}

/// The exported functions. wasm32 only: they treat `u32`s as pointers into linear memory.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod exports {
    use std::alloc::{Layout, alloc, dealloc};

    use super::{ABI_VERSION, call_bytes};

    /// The ABI version (`3`). A host checks it before any other call.
    #[unsafe(no_mangle)]
    pub extern "C" fn akscert_abi_version() -> u32 {
        ABI_VERSION
    }

    /// Allocate `len` bytes for the host to write input into. Returns the pointer, or `0`
    /// if the memory cannot be had. `len == 0` returns a non-zero pointer that must not be
    /// read or written (freeing it is a no-op).
    #[unsafe(no_mangle)]
    pub extern "C" fn akscert_alloc(len: u32) -> u32 {
        if len == 0 {
            return 1;
        }
        let Ok(layout) = Layout::array::<u8>(len as usize) else {
            return 0;
        };
        // SAFETY: the layout has a non-zero size. A null result (memory could not grow)
        // becomes 0, which the host reads as "cannot allocate".
        unsafe { alloc(layout) as u32 }
    }

    /// Free a buffer from `akscert_alloc` or an output of `akscert_call`, given the same
    /// length. `ptr == 0` or `len == 0` is a no-op.
    #[unsafe(no_mangle)]
    pub extern "C" fn akscert_free(ptr: u32, len: u32) {
        if ptr == 0 || len == 0 {
            return;
        }
        if let Ok(layout) = Layout::array::<u8>(len as usize) {
            // SAFETY: the contract says (ptr, len) came from akscert_alloc(len) or from an
            // akscert_call output of that length, both allocated with this very layout.
            unsafe { dealloc(ptr as *mut u8, layout) }
        }
    }

    /// Run operation `op` (its ABI number, `api::Op`) on the `len` bytes at `ptr`.
    /// Returns `(out_ptr << 32) | out_len`; the host frees the output with
    /// `akscert_free(out_ptr, out_len)`. `0` means the output could not be allocated.
    #[unsafe(no_mangle)]
    pub extern "C" fn akscert_call(op: u32, ptr: u32, len: u32) -> u64 {
        let input: &[u8] = if len == 0 || ptr == 0 {
            &[]
        } else {
            // SAFETY: the contract says the host wrote `len` bytes at `ptr`, a buffer it
            // got from akscert_alloc(len) and has not freed.
            unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) }
        };
        let output = call_bytes(op, input);
        if output.is_empty() {
            return 0;
        }
        let out_len = output.len();
        // A boxed slice has exactly `out_len` bytes, allocated as Layout::array::<u8>, which
        // is what akscert_free deallocates.
        let boxed = output.into_boxed_slice();
        let out_ptr = Box::into_raw(boxed) as *mut u8 as u32;
        (u64::from(out_ptr) << 32) | out_len as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use akscert_core::api::{self, PACKED_INPUT};

    #[test]
    fn numbers_are_one_based_dense_and_round_trip() {
        assert_eq!(operation_name(0), None);
        assert_eq!(operation_name(1), Some("version"));
        for (i, op) in Op::ALL.iter().enumerate() {
            assert_eq!(operation_index(op.name()), Some(i as u32 + 1));
            assert_eq!(operation_name(i as u32 + 1), Some(op.name()));
        }
        assert_eq!(operation_name(Op::ALL.len() as u32 + 1), None);
        assert_eq!(operation_name(u32::MAX), None);
    }

    #[test]
    fn ok_output_is_status_zero_then_exactly_api_call() {
        let out = call_bytes(operation_index("policy").unwrap(), b"");
        let (status, json) = split_output(&out).unwrap();
        assert_eq!(status, STATUS_OK);
        assert_eq!(json, api::call("policy", "").unwrap());
    }

    #[test]
    fn unknown_op_and_bad_utf8_are_typed_errors() {
        let out = call_bytes(0, b"{}");
        let (status, json) = split_output(&out).unwrap();
        assert_eq!(status, STATUS_ERROR);
        let doc: ErrorDocument = serde_json::from_str(json).unwrap();
        assert_eq!(doc.error.kind, "unknownOperation");
        assert!(doc.error.message.contains("#0"), "{}", doc.error.message);

        let out = call_bytes(operation_index("simulate").unwrap(), b"{\n  \"a\xff\": 1}");
        let (status, json) = split_output(&out).unwrap();
        assert_eq!(status, STATUS_ERROR);
        let doc: ErrorDocument = serde_json::from_str(json).unwrap();
        assert_eq!(doc.error.kind, "badInput");
        assert_eq!(
            doc.error.message,
            ". (line 2, column 5): input is not valid UTF-8: invalid byte at offset 6"
        );
    }

    #[test]
    fn a_packed_input_is_refused_by_every_operation_that_takes_json() {
        for op in Op::ALL.into_iter().filter(|op| !op.takes_packed()) {
            let out = call_bytes(op.abi(), &[PACKED_INPUT, 1, 2, 3]);
            let (status, json) = split_output(&out).unwrap();
            assert_eq!(status, STATUS_ERROR);
            let expected = if op.available() {
                ApiError::TakesJson(op)
            } else {
                ApiError::Unavailable(op)
            };
            assert_eq!(json, error_json(&expected), "{}", op.name());
        }
    }

    /// Packed or JSON, `openScenario` answers the same check and holds the same scenario.
    #[cfg(feature = "full")]
    #[test]
    fn a_packed_scenario_opens_as_its_json_does() {
        let example = include_str!("../../examples/scenario.json");
        let scenario: akscert_core::engine::Scenario = serde_json::from_str(example).unwrap();
        let open = Op::OpenScenario.abi();
        let by_json = call_bytes(open, example.as_bytes());
        let mut input = api::packed_input(&api::pack_scenario(&scenario));
        assert_eq!(call_bytes(open, &input), by_json);
        let run = call_bytes(Op::SimulateOpenCluster.abi(), br#"{"index":1}"#);
        let (status, _) = split_output(&run).unwrap();
        assert_eq!(status, STATUS_OK);
        let req: api::OpenClusterRequest = serde_json::from_str(r#"{"index":1}"#).unwrap();
        let packed_req = api::packed_input(&api::pack_request(&req));
        assert_eq!(call_bytes(Op::SimulateOpenCluster.abi(), &packed_req), run);
        input.truncate(input.len() / 2);
        let (status, json) = split_output(&call_bytes(open, &input))
            .map(|(s, j)| (s, j.to_string()))
            .unwrap();
        assert_eq!(status, STATUS_ERROR);
        assert!(json.contains("\"kind\":\"badInput\""), "{json}");
    }

    /// A packed `foldCluster` through the ABI answers what core's fold does, cluster by
    /// cluster, with the totals carried from each answer into the next request.
    #[cfg(feature = "full")]
    #[test]
    fn a_packed_fold_answers_cores_fold() {
        use akscert_core::engine::{RunOptions, SummaryShare};
        use akscert_core::report::fleet::Urgency;
        use akscert_core::report::fleet_fold::{FleetTotals, FoldCluster, FoldClusterRequest};
        let example = include_str!("../../examples/scenario.json");
        let scenario: akscert_core::engine::Scenario = serde_json::from_str(example).unwrap();
        let timeline = akscert_core::engine::simulate(&scenario, RunOptions::default()).unwrap();
        let (mut through_abi, mut native) = (FleetTotals::default(), FleetTotals::default());
        let mut actions = 0;
        for c in &timeline.clusters {
            let share = c.summary.as_ref().map(SummaryShare::of);
            let req = FoldClusterRequest {
                totals: through_abi.clone(),
                cluster: FoldCluster {
                    index: c.index,
                    name: c.name.clone(),
                    resource_group: c.resource_group.clone(),
                    urgency: Urgency::Due,
                    next_due: None,
                    summary: share.clone(),
                },
            };
            let place = req.cluster.place();
            let input = api::packed_input(&api::pack_fold(&req));
            let out = call_bytes(Op::FoldCluster.abi(), &input);
            assert_eq!(out.first(), Some(&STATUS_OK));
            let folded = api::unpack_folded(&out[1..]).unwrap();
            let places = native.add(place, share.as_ref());
            assert_eq!(
                (&folded.row, &folded.actions),
                (&places.row, &places.actions)
            );
            assert_eq!(folded.totals, native);
            through_abi = folded.totals;
            actions += places.actions.len();
        }
        assert!(actions > 0 && through_abi.counts.due == timeline.clusters.len());
    }

    #[test]
    fn core_errors_keep_the_core_message() {
        let out = call_bytes(operation_index("report").unwrap(), b"[]");
        let (status, json) = split_output(&out).unwrap();
        assert_eq!(status, STATUS_ERROR);
        let expected = api::call("report", "[]").unwrap_err();
        assert_eq!(json, error_json(&expected));
    }
}
