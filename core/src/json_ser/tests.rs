//! The writer against serde_json, byte for byte: the model's documents (timelines of the
//! bundled and generated scenarios, reports, what-ifs, inspections), every JSON value the
//! generated texts hold, and scalars, keys and serde's shapes at their edges.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::Serialize;

use crate::time::Instant;

fn same<T: Serialize + ?Sized>(value: &T) {
    let ours = super::to_string(value).map_err(|e| e.to_string());
    let theirs = serde_json::to_string(value).map_err(|e| e.to_string());
    assert_eq!(ours, theirs);
}

fn now() -> Instant {
    Instant::parse("2026-01-15T12:00:00Z").expect("an instant")
}

#[cfg(feature = "simulate")]
#[test]
fn timelines_write_alike() {
    use crate::engine::{RunOptions, Scenario, simulate};
    for text in [
        include_str!("../../../examples/scenario.json"),
        include_str!("../../../examples/rotation-drill.json"),
    ] {
        let scenario: Scenario = crate::json_de::from_str(text).expect("the example reads");
        same(&scenario);
        same(&simulate(&scenario, RunOptions::default()).expect("it runs"));
    }
}

#[cfg(all(feature = "simulate", feature = "proptest"))]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn generated_timelines_write_alike(scenario in crate::strategies::arb_scenario()) {
        use crate::engine::{RunOptions, simulate};
        same(&scenario);
        if let Ok(t) = simulate(&scenario, RunOptions::default()) {
            same(&t);
        }
    }
}

#[test]
fn reports_and_what_ifs_write_alike() {
    use crate::json_de::tests::{FACTS, report_requests};
    for report in report_requests() {
        let req: crate::report::ReportRequest = crate::json_de::from_str(&report).expect("reads");
        same(&req);
        same(&crate::report::expiry_report(&req).expect("a report"));
    }
    for f in FACTS {
        let what_if = format!(
            r#"{{"now":"2026-01-15T12:00:00Z","cluster":{f},"operations":[{{"at":"2026-01-15T12:00:00Z","op":"rotateCerts"}},{{"at":"2026-02-01T00:00:00Z","op":"stop"}}]}}"#
        );
        let req: crate::report::WhatIfRequest = crate::json_de::from_str(&what_if).expect("reads");
        same(&crate::report::what_if(&req).expect("a what-if"));
    }
    same(&crate::policy::Policy::default());
}

#[test]
fn inspections_write_alike() {
    use crate::inspect::tests::ed25519_cert;
    use crate::inspect::{InspectOptions, inspect_der};
    let ca = ed25519_cert("kubernetes", "kubernetes", 1, 1);
    let leaf = ed25519_cert("kubernetes", "kube-apiserver \"q\" \\ é", 2, 2);
    let i = inspect_der(&[leaf, ca].concat(), &InspectOptions::new(now())).expect("reads");
    same(&i);
    same(&crate::inspect::CertificateColumns::of(&i));
    let bad = inspect_der(b"\x30\x03\x02\x01", &InspectOptions::new(now()));
    same(&bad.map_err(|e| e.to_string()));
}

#[test]
fn scalars_and_keys_write_alike() {
    for x in [
        0.0,
        -0.0,
        1.0,
        -1.5,
        0.1,
        1e20,
        1e21,
        1e-7,
        123456789.125,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        same(&x);
        same(&(x as f32));
        same(&BTreeMap::from([(format!("{x}"), x)]));
    }
    same(&[i64::MIN, -1, 0, i64::MAX]);
    same(&[u64::MAX]);
    same(&[i128::MIN, i128::MAX]);
    same(&[u128::MAX]);
    same(&[i8::MIN, 5]);
    same(&['a', '"', '\\', '\n', '\u{1}', '\u{7f}', 'é', '😀']);
    let all: String = (0u8..=0x7f)
        .map(char::from)
        .chain("é😀\u{2028}".chars())
        .collect();
    same(&all);
    same(&BTreeMap::from([(all.clone(), all)]));
    same(&BTreeMap::from([(1u32, "a"), (2, "b")]));
    same(&BTreeMap::from([(-1i64, ()), (7, ())]));
    same(&BTreeMap::from([(true, 1), (false, 0)]));
    same(&BTreeMap::from([(Some(3u8), 1)]));
    same(&BTreeMap::from([(1.5f64.to_bits(), 1)]));
    same(&BTreeMap::from([((1, 2), 3)]));
    same(&BTreeMap::from([(Shape::Unit, 1)]));
    same(&BTreeMap::from([(Shape::Newtype(1), 1)]));
    same(&Option::<u8>::None);
    same(&Some(Some(())));
    same(&((), (1, "x"), [0u8; 0], Vec::<u8>::new()));
}

/// A value written through `collect_str` (as instants, spans and versions are).
struct Formatted(&'static str);

impl Serialize for Formatted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

#[test]
fn formatted_values_write_alike() {
    same(&Formatted("a\"b\\\n\u{1}\u{1f}é😀"));
    same(&BTreeMap::from([("k", Formatted("\"v\""))]));
    same(&[
        crate::time::Duration::days(30),
        crate::time::Duration::seconds(-61),
    ]);
    same(&crate::version::KubernetesVersion::parse("1.29.4").expect("a version"));
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Unit,
    Newtype(u8),
    Tuple(u8, String),
    Struct { x: i32, y: Option<String> },
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Tagged {
    A { n: u8 },
    B,
}

#[derive(Serialize)]
struct Outer {
    name: String,
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gone: Option<u8>,
    unit: Unit,
    newtype: Newtype,
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(&'static str);

#[test]
fn serde_shapes_write_alike() {
    same(&[
        Shape::Unit,
        Shape::Newtype(3),
        Shape::Tuple(1, "t".into()),
        Shape::Struct { x: -2, y: None },
    ]);
    same(&[Tagged::A { n: 1 }, Tagged::B]);
    same(&Outer {
        name: "n".into(),
        rest: BTreeMap::from([
            ("k".into(), serde_json::json!([1, {"a": null}])),
            ("m".into(), serde_json::json!(true)),
        ]),
        gone: None,
        unit: Unit,
        newtype: Newtype("x"),
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Any JSON value, strings with any characters.
    #[test]
    fn values_write_alike(text in "\\PC{0,30}", n in any::<i64>(), x in any::<f64>(), u in any::<u64>()) {
        let v = serde_json::json!({ text.clone(): [text, n, x, u, null, true, {"": {}}] });
        same(&v);
    }
}
