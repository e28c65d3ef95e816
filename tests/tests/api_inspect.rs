//! Inspection through the versioned JSON API (`inspect`, `inspectSet`, `checkTrust`):
//! the same answers as the Rust functions, binary input as base64, typed errors.

#![allow(clippy::unwrap_used)]

use akscert_core::api::{self, ApiError};
use akscert_core::inspect::{self, InspectOptions};
use akscert_core::time::Instant;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use serde_json::{Value, json};

struct Ca {
    pem: String,
    params: CertificateParams,
    key: KeyPair,
}

fn ca(cn: &str) -> Ca {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let pem = params.self_signed(&key).unwrap().pem();
    Ca { pem, params, key }
}

fn leaf(ca: &Ca, cn: &str) -> (String, Vec<u8>) {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::new(vec!["myaks.hcp.westeurope.azmk8s.io".to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    let issuer = Issuer::from_params(&ca.params, &ca.key);
    let cert = p.signed_by(&key, &issuer).unwrap();
    (cert.pem(), cert.der().to_vec())
}

fn b64(data: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(data)
}

const NOW: &str = "2026-11-28T00:00:00Z";

#[test]
fn inspect_through_the_api_equals_the_rust_function_byte_for_byte() {
    let ca = ca("ca");
    let (pem, _) = leaf(&ca, "apiserver");
    let via_api = api::call("inspect", &json!({ "input": pem, "now": NOW }).to_string()).unwrap();
    let native = inspect::inspect_with(
        pem.as_bytes(),
        &InspectOptions::new(Instant::parse(NOW).unwrap()),
    )
    .unwrap();
    assert_eq!(via_api, serde_json::to_string(&native).unwrap());
    let v: Value = serde_json::from_str(&via_api).unwrap();
    assert_eq!(v["kind"], "Inspection");
    assert_eq!(v["certificates"][0]["subject"]["cn"], "apiserver");
}

#[test]
fn binary_der_is_given_as_base64_and_reads_as_the_same_certificate() {
    let ca = ca("ca");
    let (pem, der) = leaf(&ca, "apiserver");
    let from_pem: Value = serde_json::from_str(
        &api::call("inspect", &json!({ "input": pem, "now": NOW }).to_string()).unwrap(),
    )
    .unwrap();
    let from_der: Value = serde_json::from_str(
        &api::call(
            "inspect",
            &json!({ "inputBase64": b64(&der), "now": NOW, "source": "cert.der" }).to_string(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(from_der["source"], "cert.der");
    for field in ["sha256Fingerprint", "notAfter", "serial"] {
        assert_eq!(
            from_pem["certificates"][0][field], from_der["certificates"][0][field],
            "{field}"
        );
    }
}

#[test]
fn exactly_one_of_input_and_input_base64() {
    for req in [
        json!({ "now": NOW }),
        json!({ "now": NOW, "input": "x", "inputBase64": "eA==" }),
    ] {
        let err = api::call("inspect", &req.to_string()).unwrap_err();
        assert!(matches!(err, ApiError::InputChoice(_)), "{err}");
        assert_eq!(err.kind(), "invalidRequest");
    }
    let err = api::call(
        "inspect",
        &json!({ "now": NOW, "inputBase64": "not base64!" }).to_string(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), "badInput");
    let err = api::call("inspect", &json!({ "now": NOW, "input": "" }).to_string()).unwrap_err();
    assert_eq!(err.kind(), "unreadableInput");
}

#[test]
fn check_trust_tells_the_right_ca_from_a_rotated_one() {
    let old = ca("ca");
    let new = ca("ca");
    let (pem, _) = leaf(&new, "apiserver");
    let verdict = |ca: &Ca| -> Value {
        serde_json::from_str(
            &api::call(
                "checkTrust",
                &json!({ "ca": ca.pem, "certificate": pem, "now": NOW }).to_string(),
            )
            .unwrap(),
        )
        .unwrap()
    };
    let good = verdict(&new);
    let bad = verdict(&old);
    assert_eq!(good[0]["trusted"], true, "{good:#}");
    assert_eq!(bad[0]["trusted"], false, "{bad:#}");
}

#[test]
fn inspect_set_reads_every_input_and_reports_unreadable_ones_in_place() {
    let ca = ca("ca");
    let (pem, _) = leaf(&ca, "apiserver");
    let out: Value = serde_json::from_str(
        &api::call(
            "inspectSet",
            &json!({ "now": NOW, "inputs": [
                { "name": "ca.pem", "input": ca.pem },
                { "name": "apiserver.pem", "input": pem },
                { "name": "junk", "input": "-----BEGIN CERTIFICATE-----\nAAAA" }
            ]})
            .to_string(),
        )
        .unwrap(),
    )
    .unwrap();
    let items = out["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(
        items[2]["error"].is_object() || items[2]["error"].is_string(),
        "{:#}",
        items[2]
    );
    assert!(
        out["trust"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["trusted"] == true),
        "{:#}",
        out["trust"]
    );
}

/// The JS face hands a request's text to the core apart from the request's JSON
/// (`api::call_inspect_with_input`): the answer is `call`'s for the whole request, for both
/// answers and for errors in the rest of the request; a request that has its own `input`
/// as well is refused as giving two inputs.
#[test]
fn an_input_given_apart_is_answered_as_inside_the_request() {
    use api::InspectAnswer::{Columns, Inspection};
    let root = ca("ca");
    let (leaf_pem, _) = leaf(&root, "apiserver");
    let text = format!("café ✓\n{}{leaf_pem}", root.pem);
    let rests = [
        json!({ "now": "2026-01-01T00:00:00Z" }),
        json!({ "now": "2026-01-01T00:00:00Z", "source": "ca.pem", "warnWithin": "3650d" }),
        json!({ "now": "2026-01-01T00:00:00Z", "kind": "kubeconfig" }),
        json!({ "now": "soon" }),
        json!({ "now": "2026-01-01T00:00:00Z", "colour": "blue" }),
        json!({ "now": "2026-01-01T00:00:00Z", "inputBase64": "MA==" }),
    ];
    for rest in rests {
        let mut whole = rest.clone();
        whole["input"] = Value::String(text.clone());
        for (answer, op) in [(Inspection, "inspect"), (Columns, "inspectBundle")] {
            let apart = api::call_inspect_with_input(answer, &rest.to_string(), text.clone());
            let inside = api::call(op, &whole.to_string());
            // An error's line and column are in different texts; its kind, path and
            // message are the same.
            let (apart, inside) = match (apart, inside) {
                (
                    Err(ApiError::BadInput {
                        path: p1,
                        message: m1,
                        ..
                    }),
                    Err(ApiError::BadInput {
                        path: p2,
                        message: m2,
                        ..
                    }),
                ) => {
                    assert_eq!((p1, m1), (p2, m2), "{op} {rest}");
                    continue;
                }
                pair => pair,
            };
            assert_eq!(apart, inside, "{op} {rest}");
        }
    }
    let two = api::call_inspect_with_input(Inspection, r#"{"now":"2026-01-01","input":"x"}"#, text);
    assert_eq!(two.unwrap_err().kind(), "invalidRequest");
}
