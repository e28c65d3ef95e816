//! The C-style host ABI's logic, natively (`akscert_wasm::abi::call_bytes` is what the
//! exported `akscert_call` runs): arbitrary bytes and operation indexes never panic —
//! proptest catches a panic and fails, so a panic is a bug caught here — and every
//! output is a status byte plus the core's JSON or error document.

use akscert_core::api::{self, ErrorDocument, Op};
use akscert_wasm::abi::{self, STATUS_ERROR, STATUS_OK, call_bytes, split_output};
use proptest::prelude::*;

fn check_framing(op: u32, input: &[u8]) {
    let out = call_bytes(op, input);
    let (status, json) = split_output(&out).expect("status byte + UTF-8 JSON");
    match status {
        STATUS_OK => {
            let name = abi::operation_name(op).expect("ok only for a known operation");
            let text = std::str::from_utf8(input).expect("ok only for UTF-8 input");
            assert_eq!(json, api::call(name, text).expect("the core agrees"));
        }
        STATUS_ERROR => {
            let doc: ErrorDocument = serde_json::from_str(json).expect("an ErrorDocument");
            assert_eq!(doc.api_version, "akscert/v1");
            assert_eq!(doc.kind, "Error");
            assert!(!doc.error.message.is_empty());
        }
        other => panic!("status byte {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_and_ops_never_panic(op in 0u32..10, input in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_framing(op, &input);
    }

    #[test]
    fn arbitrary_json_shaped_text_never_panics(op in 1u32..=Op::ALL.len() as u32, text in "[\\[\\]{}\":,0-9a-zA-Z .\\-]{0,200}") {
        check_framing(op, text.as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn generated_scenarios_through_the_abi_equal_the_core(s in akscert_core::strategies::arb_scenario()) {
        let text = serde_json::to_string(&s).expect("scenario JSON");
        let op = abi::operation_index("simulate").expect("simulate is an operation");
        let out = call_bytes(op, text.as_bytes());
        let (status, json) = split_output(&out).expect("framed");
        prop_assert_eq!(status, STATUS_OK);
        prop_assert_eq!(json, api::call("simulate", &text).expect("native"));
    }
}

#[test]
fn the_abi_is_version_3_and_indexes_follow_operations() {
    assert_eq!(abi::ABI_VERSION, 3);
    for (i, op) in Op::ALL.iter().enumerate() {
        assert_eq!(abi::operation_index(op.name()), Some(i as u32 + 1));
        assert_eq!(op.abi(), i as u32 + 1);
    }
}
