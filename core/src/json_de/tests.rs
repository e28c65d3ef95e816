//! The reader against serde_json, the behaviour it keeps: for every text, the same value
//! or the same message at the same line and column. Texts: the requests the calculator
//! takes (and the bundled scenarios), every prefix and every one-byte edit of them, numbers
//! and strings at their edges, nesting at the limit, and generated token soup.

use std::collections::BTreeMap;
use std::fmt::Debug;

use proptest::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Both readers on `text` as a `T`: equal values (by `Debug`, which tells `-0.0` from
/// `0.0`), or equal errors with their positions — except where serde_json reads a struct
/// from an array, which this reader refuses by design.
fn same<T: DeserializeOwned + Debug>(text: &str) {
    let ours = super::from_str::<T>(text).map_err(|e| e.to_string());
    let theirs = serde_json::from_str::<T>(text).map_err(|e| e.to_string());
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "value of {text:?}"),
        (Err(e), _) if e.starts_with("invalid type: sequence, expected struct") => {}
        _ => assert_eq!(ours.err(), theirs.err(), "reading {text:?}"),
    }
}

/// A type read without serde's derive (`Ours`) and a mirror that keeps it (`Theirs`) on
/// `text`, through this reader and serde_json: the same value (by `Debug`, which names
/// neither's module) or the same error at the same line and column.
pub(crate) fn same_as_derive<Ours, Theirs>(text: &str)
where
    Ours: DeserializeOwned + Debug,
    Theirs: DeserializeOwned + Debug,
{
    fn shown<T: Debug, E: std::fmt::Display>(r: Result<T, E>) -> Result<String, String> {
        r.map(|v| format!("{v:?}")).map_err(|e| e.to_string())
    }
    let (ours, theirs) = (
        super::from_str::<Ours>(text),
        super::from_str::<Theirs>(text),
    );
    assert_eq!(shown(ours), shown(theirs), "core's reader on {text:?}");
    let (ours, theirs) = (
        serde_json::from_str::<Ours>(text),
        serde_json::from_str::<Theirs>(text),
    );
    assert_eq!(shown(ours), shown(theirs), "serde_json on {text:?}");
}

/// A few clusters in the shapes people have (as the tests crate's API cases; the writer's
/// tests take them too).
pub(crate) const FACTS: &[&str] = &[
    r#"{"name":"legacy-2018","resourceGroup":"rg-legacy","created":"2018-11-13T23:01:34Z","kubernetesVersion":"1.11.3","nodePools":[{"name":"nodepool1","count":3,"nodeImage":"AKSUbuntu:1604:2018.10.29"}],"kubeconfigs":[{"holder":"ops-team"}]}"#,
    r#"{"name":"edge","resourceGroup":"rg-edge","created":"2024-02-01T00:00:00Z","kubernetesVersion":"1.29.4","lastUpgrade":"2025-09-01T02:00:00Z","nodePools":[{"name":"system","mode":"System","count":2,"nodeImage":"AKSUbuntu-2204gen2containerd-202508.20.1"},{"name":"win","os":"Windows","count":2}],"kubeconfigs":[{"holder":"bob","fetched":"2025-09-02T00:00:00Z"}]}"#,
    r#"{"name":"optout","resourceGroup":"rg","created":"2024-06-01T00:00:00Z","kubernetesVersion":"1.30.3","stoppedSince":"2025-01-01T00:00:00Z","nodePools":[{"name":"nodepool1","count":3,"tags":{"aks-disable-kubelet-serving-certificate-rotation":"true"},"lastReimage":"2025-10-01T00:00:00Z"}]}"#,
];

pub(crate) fn report_requests() -> Vec<String> {
    FACTS
        .iter()
        .map(|f| {
            format!(
                r#"{{"now":"2026-01-15T12:00:00Z","warnWithin":"45d","policy":{{"autorotationFraction":0.75,"stoppedRetention":"365d"}},"cluster":{f}}}"#
            )
        })
        .collect()
}

pub(crate) fn what_if_requests() -> Vec<String> {
    FACTS
        .iter()
        .map(|f| {
            format!(
                r#"{{"now":"2026-01-15T12:00:00Z","seed":7,"cluster":{f},"operations":[{{"at":"2026-01-15T12:00:00Z","op":"rotateCerts"}},{{"at":"2026-02-01T00:00:00Z","op":"upgrade","kubernetesVersion":"1.31.2"}},{{"at":"2026-03-01T00:00:00Z","op":"setTags","pool":"nodepool1","tags":{{"k":"v"}}}}]}}"#
            )
        })
        .collect()
}

pub(crate) const INSPECT: &str = r#"{"input":"-----BEGIN CERTIFICATE-----\nMIIB\u00e9\ud83d\ude00\/\"\\\b\f\r\t\n-----END CERTIFICATE-----\n","kind":"pem","source":"ca.crt","now":"2026-01-01T00:00:00Z","warnWithin":"30d","verify":false}"#;

/// Every request type on `text`.
fn all_types(text: &str) {
    same::<serde_json::Value>(text);
    same::<crate::api::InspectRequest>(text);
    same::<crate::report::ReportRequest>(text);
    same::<crate::report::WhatIfRequest>(text);
    same::<crate::policy::Policy>(text);
    #[cfg(feature = "simulate")]
    same::<crate::engine::Scenario>(text);
}

/// A seed and the reading it is for (as `serde_json::Value` too, which reads anything).
type Seed = (String, fn(&str));

fn seeds() -> Vec<Seed> {
    fn with_value<T: DeserializeOwned + Debug>(text: &str) {
        same::<serde_json::Value>(text);
        same::<T>(text);
    }
    let mut s: Vec<Seed> = vec![(
        INSPECT.to_string(),
        with_value::<crate::api::InspectRequest>,
    )];
    s.extend(
        report_requests()
            .into_iter()
            .map(|r| (r, with_value::<crate::report::ReportRequest> as fn(&str))),
    );
    s.extend(
        what_if_requests()
            .into_iter()
            .map(|r| (r, with_value::<crate::report::WhatIfRequest> as fn(&str))),
    );
    #[cfg(feature = "simulate")]
    for text in [
        include_str!("../../../examples/scenario.json"),
        include_str!("../../../examples/rotation-drill.json"),
    ] {
        s.push((text.to_string(), with_value::<crate::engine::Scenario>));
    }
    s.push((
        include_str!("../../../examples/az-aks-list.json").to_string(),
        with_value::<Vec<BTreeMap<String, serde_json::Value>>>,
    ));
    s
}

#[test]
fn requests_read_alike() {
    for (seed, _) in seeds() {
        all_types(&seed);
    }
}

/// Each seed cut short at every byte, and its ASCII bytes removed or replaced by each of
/// the bytes JSON's grammar turns on: every byte of the requests, and in the longer
/// documents every punctuation byte and every fifth (the test runs in seconds).
#[test]
fn every_one_byte_edit_reads_alike() {
    for (seed, check) in seeds() {
        each_edit(&seed, check);
    }
}

/// `check` on `seed` cut short at every byte, and with its ASCII bytes removed or replaced
/// by each of the bytes JSON's grammar turns on (in a seed of 1,000 bytes or more, every
/// punctuation byte and every fifth).
pub(crate) fn each_edit(seed: &str, mut check: impl FnMut(&str)) {
    const EDITS: &[u8] = b"\"\\,:{}[]0-.e n\x01u";
    let b = seed.as_bytes();
    for i in 0..=b.len() {
        if !seed.is_char_boundary(i) {
            continue;
        }
        check(&seed[..i]);
        let Some(&byte) = b.get(i) else { continue };
        let edit = seed.len() < 1_000 || i % 5 == 0 || b"\"{}[],:\\".contains(&byte);
        if byte.is_ascii() && edit {
            let mut edited = b.to_vec();
            edited.remove(i);
            check(std::str::from_utf8(&edited).expect("ASCII removed"));
            for &e in EDITS {
                edited = b.to_vec();
                edited[i] = e;
                check(std::str::from_utf8(&edited).expect("ASCII for ASCII"));
            }
        }
    }
}

#[test]
fn numbers_read_alike() {
    let numbers = [
        "0",
        "-0",
        "1",
        "-1",
        "00",
        "-",
        "-a",
        "01",
        "1.",
        "1.e5",
        "1e",
        "1e+",
        "1e-",
        "1E5",
        "1.5",
        "-1.5",
        "0.1",
        "3.141592653589793",
        "1e400",
        "-1e400",
        "1e-400",
        "1.5e-400",
        "0e2147483648",
        "1e2147483648",
        "1e-2147483648",
        "0.0e999999999999",
        "18446744073709551615",
        "18446744073709551616",
        "184467440737095516150",
        "-9223372036854775808",
        "-9223372036854775809",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "4.9e-324",
        "2.4703282292062328e-324",
        "123456789012345678901234567890.5e-10",
        "0.000000000000000000000000000001",
        "1234567890123456789.1234567890123456789",
        "12345678901234567890123e-3",
        "1x",
        "1 2",
        " 7 ",
        "1]",
        "+1",
        ".5",
        "1e5.5",
        "9007199254740993",
        "-1e-5",
    ];
    for n in numbers {
        same::<serde_json::Value>(n);
        same::<u8>(n);
        same::<i8>(n);
        same::<u32>(n);
        same::<i64>(n);
        same::<u64>(n);
        same::<f64>(n);
        same::<f32>(n);
        same::<String>(n);
        same::<bool>(n);
        same::<Option<u32>>(n);
        same::<Vec<u8>>(&format!("[{n}]"));
        same::<BTreeMap<String, f64>>(&format!(r#"{{"k":{n}}}"#));
    }
}

#[test]
fn strings_read_alike() {
    let strings = [
        r#""""#,
        r#""abc""#,
        r#""a\"b""#,
        r#""\\""#,
        r#""\/""#,
        r#""\b\f\n\r\t""#,
        r#""\u0041""#,
        r#""\u00e9""#,
        r#""\uD83D\uDE00""#,
        r#""\ud83d\ude00x""#,
        r#""\uDE00""#,
        r#""\uD83D""#,
        r#""\uD83Dx""#,
        r#""\uD83D\n""#,
        r#""\uD83D\u0041""#,
        r#""\uD83D\u""#,
        r#""\u12""#,
        r#""\u12G4""#,
        r#""\x""#,
        r#""\"#,
        r#""abc"#,
        "\"a\u{1}b\"",
        "\"tab\there\"",
        "\"é😀\"",
        r#""a"b"#,
        r#""\u0000""#,
        r#""\uFFFF""#,
        "\"\n\"",
    ];
    for s in strings {
        same::<serde_json::Value>(s);
        same::<String>(s);
        same::<char>(s);
        same::<u32>(s);
        same::<Option<String>>(s);
        same::<Vec<String>>(&format!("[{s}]"));
        same::<Vec<String>>(&format!("[1,{s}]"));
        same::<BTreeMap<String, u8>>(&format!("{{{s}:1}}"));
        // An unknown member's value is skipped, not read: its errors are the skipper's.
        same::<crate::policy::Policy>(&format!(r#"{{"unknown":{s}}}"#));
        same::<Skipping>(&format!(r#"{{"a":1,"skipped":[{s},{{"x":{s}}}],"b":2}}"#));
    }
}

/// A struct that ignores unknown members (as serde does unless told otherwise).
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read for the comparison only
struct Skipping {
    a: u8,
    b: Option<u8>,
}

/// Enums in serde's four forms, a flattened struct and an untagged one: the paths through
/// `deserialize_enum`, the variant readers and serde's buffering of `deserialize_any`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Shape {
    Unit,
    Newtype(u8),
    Tuple(u8, String),
    Struct { x: i32 },
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
#[allow(dead_code)]
enum Tagged {
    A { n: u8 },
    B,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Either {
    Number(f64),
    Text(String),
    List(Vec<Either>),
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Outer {
    name: String,
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
}

/// A string where another type belongs is quoted in the message as serde quotes it
/// (`{:?}`): quotes and backslashes, control, combining and invisible characters.
#[test]
fn a_string_in_a_message_is_quoted_as_serde_quotes_it() {
    for s in [
        "",
        "it's",
        "a\"b",
        "back\\slash",
        "tab\there\nline\r\0",
        "\u{7f}\u{1b}\u{85}",
        "\u{301}accent first",
        "a\u{301}",
        "zero\u{200b}width",
        "\u{fffe}\u{e000}",
        "é 😀",
    ] {
        let text = serde_json::to_string(s).unwrap();
        same::<u32>(&text);
        same::<Vec<u8>>(&format!("[1, {text}]"));
    }
}

#[test]
fn serde_shapes_read_alike() {
    let texts = [
        r#""Unit""#,
        r#""Nope""#,
        r#"{"Newtype":5}"#,
        r#"{"Tuple":[1,"a"]}"#,
        r#"{"Struct":{"x":-3}}"#,
        r#"{"Unit":null}"#,
        r#"{"Unit":1}"#,
        r#"{"Newtype":5,"x":1}"#,
        r#"{"Newtype":5"#,
        r#"{}"#,
        r#"{5:1}"#,
        r#"{"Struct":[7]}"#,
        r#""Newtype""#,
        r#"["Unit"]"#,
        r#"{"type":"A","n":3}"#,
        r#"{"n":3,"type":"A"}"#,
        r#"{"type":"B"}"#,
        r#"{"type":"C"}"#,
        r#"[1,"a",[2,["b"]]]"#,
        r#"{"name":"x","k":[1,{"a":null}],"m":true}"#,
        r#"true"#,
        r#"{"name":"x","name":"y"}"#,
        "[1,2,]",
        "[1 2]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{,}",
        "[,1]",
        "nul",
        "nulx",
        "tru",
        "fals",
        "  ",
        "",
        "[",
        "{",
        "{\"a\"",
        "{\"a\":",
        "[1,",
        "\u{feff}1",
    ];
    for t in texts {
        same::<Shape>(t);
        same::<Tagged>(t);
        same::<Either>(t);
        same::<Outer>(t);
        same::<serde_json::Value>(t);
        same::<Vec<Shape>>(&format!("[{t}]"));
        same::<()>(t);
        same::<Skipping>(t);
    }
}

#[test]
fn a_struct_is_an_object_not_an_array_of_its_fields() {
    // serde_json reads this as the policy's first field; here it is a type error (placed,
    // as serde_json places one, before the value it is about).
    assert!(serde_json::from_str::<Skipping>("[1,2]").is_ok());
    let e = super::from_str::<Skipping>("[1,2]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid type: sequence, expected struct Skipping at line 1 column 0"
    );
    let text = r#"{"now":"2026-01-01T00:00:00Z","cluster":["legacy","rg"]}"#;
    let e = super::from_str::<crate::report::ReportRequest>(text).unwrap_err();
    assert!(
        e.message()
            .starts_with("invalid type: sequence, expected struct"),
        "{e}"
    );
}

#[test]
fn nesting_reads_alike_at_the_limit() {
    for depth in [1, 126, 127, 128, 129, 200] {
        let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        let open = "[".repeat(depth);
        for t in [&arrays, &objects, &open] {
            same::<serde_json::Value>(t);
            same::<Skipping>(&format!(r#"{{"a":1,"deep":{t}}}"#));
        }
    }
    // Skipped values have no depth limit, as in serde_json; a million levels take a
    // megabyte, not the stack.
    let deep = format!(
        r#"{{"a":1,"deep":{}{}}}"#,
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    same::<Skipping>(&deep);
}

#[test]
fn positions_count_lines_and_bytes() {
    let text = "{\n  \"now\": \"2026-01-01T00:00:00Z\",\n  \"é\": x\n}";
    let e = super::from_str::<serde_json::Value>(text).unwrap_err();
    assert_eq!(
        (e.line(), e.column(), e.message()),
        (3, 9, "expected value")
    );
    same::<serde_json::Value>(text);
}

/// Texts from JSON's tokens, mostly valid, often not.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("\"now\"".to_string()),
        Just("\"name\"".to_string()),
        Just("\"2026-01-01T00:00:00Z\"".to_string()),
        "-?[0-9]{1,22}(\\.[0-9]{1,20})?([eE][-+]?[0-9]{1,4})?",
        "\"([a-z]|\\\\[nrt\"/]|\\\\u[0-9a-fA-F]{4}|é)*\"",
    ];
    prop::collection::vec(token, 0..40).prop_map(|t| t.concat())
}

proptest! {
    /// The eight-at-a-time scan stops where a byte-by-byte one does, on bytes of every
    /// value (and so at every alignment of the first one that must be escaped).
    #[test]
    fn the_plain_run_scan_is_exact(bytes in prop::collection::vec(any::<u8>(), 0..40), at in 0usize..40, b in prop_oneof![Just(b'"'), Just(b'\\'), 0u8..0x20]) {
        let mut bytes = bytes;
        if at <= bytes.len() {
            bytes.insert(at, b);
        }
        let expected = bytes
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(bytes.len());
        prop_assert_eq!(super::plain_len(&bytes), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn generated_text_reads_alike(text in token_soup()) {
        same::<serde_json::Value>(&text);
        same::<Skipping>(&text);
        same::<crate::policy::Policy>(&text);
        same::<Vec<Either>>(&text);
        same::<BTreeMap<String, Option<f64>>>(&text);
    }
}
