//! The JS face: one function per capability of the core, plain JS objects in and out.
//!
//! Every function is the same three steps, so that the JS API and the core can never
//! disagree:
//! 1. the argument becomes JSON text (`JSON.stringify`, or the string itself if a string
//!    is passed — then the core's line and column point into the caller's own text); the
//!    inspect functions hand the text to inspect over apart, as UTF-8 bytes, wherever that
//!    gives the same answer (`input_apart.rs`), and only the rest of the request is JSON;
//! 2. `akscert_core::api::call(op, text)` — the very call the C ABI, the CLI and the
//!    tests make;
//! 3. the result JSON becomes a JS object with `JSON.parse`: plain objects (never `Map`),
//!    `null` for absent values (never `undefined`), camelCase keys in the core's order —
//!    so `JSON.stringify(result)` is the core's JSON byte for byte (integers up to 2^53;
//!    whole-number floats print as `1` in JS where serde_json prints `1.0`).
//!
//! JSON text rather than field-by-field conversion (serde-wasm-bindgen) because it keeps
//! the core's own parser, limits and error messages (JSON path, line, column) on every
//! face, and because `JSON.parse` builds large objects faster than one JS call per field.
//!
//! Errors are thrown as JS `Error`s whose `name` and `kind` are `ApiError::kind()` and
//! whose `message` is the core's.

use akscert_core::api::{self, ApiError, InspectAnswer, VersionInfo};
#[cfg(feature = "full")]
use akscert_core::api::{ClusterRun, OpenClusterRequest};
#[cfg(feature = "trust")]
use akscert_core::api::{InspectSetRequest, TrustRequest};
#[cfg(feature = "full")]
use akscert_core::engine::{ClusterTimeline, Scenario, ScenarioCheck, Timeline};
use akscert_core::inspect::{CertificateColumns, Inspection};
#[cfg(feature = "trust")]
use akscert_core::inspect::{InspectionSet, TrustReport};
use akscert_core::policy::Policy;
#[cfg(feature = "tool-output")]
use akscert_core::report::{AksFacts, AksFactsRequest, FleetReport, FleetReportRequest};
use akscert_core::report::{ExpiryReport, ReportRequest, WhatIf, WhatIfRequest};
#[cfg(feature = "boundary-bench")]
use serde::Serialize as _;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// The `ApiError` kind of a value JSON cannot represent (a `BigInt`, a cycle).
const NOT_JSON: &str = "badInput";

/// A JS `Error` named by `kind`, with `kind` also as a property (for `catch (e) { e.kind }`).
fn js_error(kind: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(kind);
    // Setting a property on a fresh Error cannot fail; if it somehow did, `name` still
    // carries the kind.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    error.into()
}

/// The JS `Error` for a core error.
fn api_error(e: &ApiError) -> JsValue {
    js_error(e.kind(), &e.to_string())
}

/// The JSON text a JS argument becomes.
enum Input {
    /// The caller's own JSON text (a string argument): errors keep its line and column.
    Caller(String),
    /// Text the glue wrote from an object: errors name the path only, since a line and
    /// column in text the caller never saw would mislead.
    Glue(String),
}

impl Input {
    fn text(&self) -> &str {
        match self {
            Input::Caller(t) | Input::Glue(t) => t,
        }
    }
}

/// What the facade fills in when the caller leaves it out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Defaults {
    /// Nothing.
    None,
    /// `now`: the current instant. The facade may read the clock; the core never does.
    Now,
}

/// The current instant, as the facade's default `now` (RFC 3339 with milliseconds).
fn current_instant() -> JsValue {
    js_sys::Date::new_0().to_iso_string().into()
}

/// JSON text of a JS argument: a string is taken as the JSON text itself; an object is
/// written with `JSON.stringify`, after filling in `defaults` it lacks.
fn json_text(value: &JsValue, defaults: Defaults) -> Result<Input, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(Input::Caller(text));
    }
    if value.is_undefined() {
        return Ok(Input::Caller(String::new()));
    }
    let mut value = value.clone();
    if defaults == Defaults::Now && value.is_object() && !value.is_array() {
        let now =
            js_sys::Reflect::get(&value, &JsValue::from_str("now")).unwrap_or(JsValue::UNDEFINED);
        if now.is_undefined() {
            // A shallow copy: the caller's object is not changed.
            let copy = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
            let _ = js_sys::Reflect::set(&copy, &JsValue::from_str("now"), &current_instant());
            value = copy.into();
        }
    }
    match js_sys::JSON::stringify(&value) {
        Ok(text) => Ok(Input::Glue(text.as_string().unwrap_or_default())),
        Err(e) => {
            let why = js_sys::Error::from(e).message();
            Err(js_error(
                NOT_JSON,
                &format!(".: the value cannot be written as JSON: {why}"),
            ))
        }
    }
}

/// The JS `Error` for a core error on `input`: for glue-written text, the path without a
/// line and column, and a lone UTF-16 surrogate (which `JSON.stringify` escapes and no
/// UTF-8 text can hold) called what it is.
fn input_error(e: &ApiError, input: &Input) -> JsValue {
    match (e, input) {
        (ApiError::BadInput { path, message, .. }, Input::Glue(text)) => {
            // (A byte scan, not `str::contains`: see `akscert_core`'s `substring` module.)
            let escape = message.as_bytes().windows(6).any(|w| w == b"escape");
            let message = if escape && has_lone_surrogate(text) {
                "a string holds a lone UTF-16 surrogate, which is not text (String.prototype.toWellFormed() repairs it)".to_string()
            } else {
                message.clone()
            };
            js_error(e.kind(), &format!("{path}: {message}"))
        }
        _ => api_error(e),
    }
}

/// Whether JSON text from `JSON.stringify` holds an escaped lone surrogate (`\udXXX` not
/// in a high-low pair).
fn has_lone_surrogate(text: &str) -> bool {
    let b = text.as_bytes();
    let unit = |i: usize| -> Option<u16> {
        if b.get(i) != Some(&b'\\') || b.get(i + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(b.get(i + 2..i + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
            i += 2;
            continue;
        }
        match unit(i) {
            Some(hi @ 0xD800..=0xDBFF) => {
                let _ = hi;
                if !matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) {
                    return true;
                }
                i += 12;
            }
            Some(0xDC00..=0xDFFF) => return true,
            _ => i += 1,
        }
    }
    false
}

/// Run `op` on a JS argument and hand back the result as a JS object of type `T`.
fn dispatch<T: Tsify>(op: &str, input: &JsValue) -> Result<Ts<T>, JsValue> {
    dispatch_with(op, input, Defaults::None)
}

/// [`dispatch`] for an operation whose request has a `now` (filled in when absent).
fn dispatch_now<T: Tsify>(op: &str, input: &JsValue) -> Result<Ts<T>, JsValue> {
    dispatch_with(op, input, Defaults::Now)
}

fn dispatch_with<T: Tsify>(
    op: &str,
    input: &JsValue,
    defaults: Defaults,
) -> Result<Ts<T>, JsValue> {
    let text = json_text(input, defaults)?;
    let json = crate::call_named(op, text.text()).map_err(|e| input_error(&e, &text))?;
    parse_output(&json)
}

/// An inspect request from a JS argument: an object is the request itself; a string is
/// the text to inspect, unless it is the JSON text of a request (an object whose keys are
/// all request fields, as `az aks show` output's never are), which is taken as that
/// request.
fn inspect_request(request: &JsValue) -> JsValue {
    match request.as_string() {
        Some(text) if !is_request_json(&text) => {
            let object = js_sys::Object::new();
            let _ = js_sys::Reflect::set(
                &object,
                &JsValue::from_str("input"),
                &JsValue::from_str(&text),
            );
            object.into()
        }
        _ => request.clone(),
    }
}

/// Whether `text` is the JSON text of an inspect request rather than text to inspect.
fn is_request_json(text: &str) -> bool {
    if !text.trim_start().starts_with('{') {
        return false;
    }
    let Ok(value) = js_sys::JSON::parse(text) else {
        return false;
    };
    const FIELDS: [&str; 7] = [
        "input",
        "inputBase64",
        "kind",
        "source",
        "now",
        "warnWithin",
        "verify",
    ];
    value.is_object()
        && !value.is_array()
        && js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>())
            .iter()
            .all(|k| k.as_string().is_some_and(|k| FIELDS.contains(&k.as_str())))
}

fn parse_output<T: Tsify>(json: &str) -> Result<Ts<T>, JsValue> {
    parse_json(json).map(Ts::new_unchecked)
}

/// The core's JSON answer as a JS value.
fn parse_json(json: &str) -> Result<JsValue, JsValue> {
    // The core's output is always valid JSON; a failure here would be a bug, reported as
    // an error rather than a trap.
    js_sys::JSON::parse(json)
        .map_err(|_| js_error("internal", "the core returned text that is not JSON"))
}

/// The API version, the core's crate version and the operations `call` accepts.
#[wasm_bindgen]
pub fn version() -> Result<Ts<VersionInfo>, JsValue> {
    dispatch("version", &JsValue::UNDEFINED)
}

/// The AKS policy defaults the model applies (each field documented in the Rust docs).
#[wasm_bindgen(js_name = policyDefaults)]
pub fn policy_defaults() -> Result<Ts<Policy>, JsValue> {
    dispatch("policy", &JsValue::UNDEFINED)
}

/// A policy with `overrides` applied to the defaults, validated.
#[wasm_bindgen]
pub fn policy(overrides: Ts<Policy>) -> Result<Ts<Policy>, JsValue> {
    dispatch("policy", &overrides.js_value())
}

#[cfg(feature = "full")]
/// Run a what-if scenario: a deterministic timeline of every cluster plus a summary.
#[wasm_bindgen]
pub fn simulate(scenario: Ts<Scenario>) -> Result<Ts<Timeline>, JsValue> {
    dispatch("simulate", &scenario.js_value())
}

#[cfg(feature = "full")]
/// Run one cluster of a fleet on its own (a scenario with exactly one cluster).
#[wasm_bindgen(js_name = simulateCluster)]
pub fn simulate_cluster(run: Ts<ClusterRun>) -> Result<Ts<ClusterTimeline>, JsValue> {
    dispatch("simulateCluster", &run.js_value())
}

#[cfg(feature = "full")]
/// Validate a scenario and hold it open in this module instance for
/// `simulateOpenCluster`: its header and cluster count, or where (a JSON path) and why it
/// is refused. Opening another replaces it; a refused one leaves none open.
#[wasm_bindgen(js_name = openScenario)]
pub fn open_scenario(scenario: Ts<Scenario>) -> Result<Ts<ScenarioCheck>, JsValue> {
    dispatch("openScenario", &scenario.js_value())
}

#[cfg(feature = "full")]
/// Run one cluster of the open scenario, by index: what `simulateCluster` answers for it.
#[wasm_bindgen(js_name = simulateOpenCluster)]
pub fn simulate_open_cluster(
    request: Ts<OpenClusterRequest>,
) -> Result<Ts<ClusterTimeline>, JsValue> {
    // With `row`, the answer is two JSON lines (the timeline, then the row's decision):
    // that is for `call()`, whose caller reads text; this function returns one object.
    let request = request.js_value();
    // A string argument is the request's JSON text.
    let object = match request.as_string() {
        Some(text) => js_sys::JSON::parse(&text).unwrap_or(JsValue::UNDEFINED),
        None => request.clone(),
    };
    let row = js_sys::Reflect::get(&object, &JsValue::from_str("row"));
    if object.is_object() && row.is_ok_and(|r| !r.is_undefined() && !r.is_null()) {
        return Err(js_error(
            "invalidRequest",
            "row: the answer with a row decision is two JSON lines; ask call('simulateOpenCluster', …) for it",
        ));
    }
    dispatch("simulateOpenCluster", &request)
}

/// The expiry report of one cluster at `now`: a row per certificate, kubeconfigs, actions.
#[wasm_bindgen(js_name = expiryReport)]
pub fn expiry_report(request: Ts<ReportRequest>) -> Result<Ts<ExpiryReport>, JsValue> {
    dispatch_now("report", &request.js_value())
}

/// What happens if the given operations are applied to a cluster from `now` on: the
/// reports before and after, the events, downtime, broken kubeconfigs and commands.
#[wasm_bindgen(js_name = whatIf)]
pub fn what_if(request: Ts<WhatIfRequest>) -> Result<Ts<WhatIf>, JsValue> {
    dispatch_now("whatIf", &request.js_value())
}

/// Inspect one input — a kubeconfig, PEM or DER certificates, or the output of a check
/// command (`openssl x509 -text`, `curl -v`, `kubectl get csr`, `az aks show -o json` …):
/// what it is (sniffed, unless `kind` says), every certificate with its AKS role, dates,
/// status and why; private keys and tokens are reported as present, never shown.
#[wasm_bindgen]
pub fn inspect(
    #[wasm_bindgen(unchecked_param_type = "InspectRequest | string")] request: JsValue,
) -> Result<Ts<Inspection>, JsValue> {
    dispatch_inspect(InspectAnswer::Inspection, None, &request)
}

#[cfg(feature = "trust")]
/// Inspect several named inputs together, with trust checks across them (a kubeconfig and
/// the API server's certificate: will the kubeconfig still work?).
#[wasm_bindgen(js_name = inspectSet)]
pub fn inspect_set(request: Ts<InspectSetRequest>) -> Result<Ts<InspectionSet>, JsValue> {
    dispatch_now("inspectSet", &request.js_value())
}

#[cfg(feature = "trust")]
/// `TrustReport[]`, the answer of `checkTrust`: a TypeScript name for the core's
/// `Vec<TrustReport>` (only its declaration is used; values come from the core's JSON).
#[derive(Tsify)]
#[tsify(type = "TrustReport[]")]
pub struct TrustReports;

/// The element type [`TrustReports`] names (keeps the import honest for readers).
#[cfg(feature = "trust")]
type _TrustReport = TrustReport;

#[cfg(feature = "trust")]
/// Does this CA certificate verify this certificate (issuer/subject, key identifiers,
/// signature, validity at `now`, basicConstraints)? The check whose failure kubectl
/// reports as `x509: certificate signed by unknown authority`.
#[wasm_bindgen(js_name = checkTrust)]
pub fn check_trust(request: Ts<TrustRequest>) -> Result<Ts<TrustReports>, JsValue> {
    dispatch_now("checkTrust", &request.js_value())
}

/// The batch face for bundles: the certificates of one input (a PEM bundle, a CA store,
/// a kubeconfig …) as columns — row `i` of every column is the `i`-th certificate — in one
/// call. Takes what `inspect` takes (a plain string is the text to inspect). Crosses the
/// boundary as JSON text read by `JSON.parse`: measured faster than building the arrays
/// value by value or with serde-wasm-bindgen (benches/README.md, `boundary.mjs`).
#[wasm_bindgen(js_name = inspectBundle)]
pub fn inspect_bundle(
    #[wasm_bindgen(unchecked_param_type = "InspectRequest | string")] request: JsValue,
) -> Result<Ts<CertificateColumns>, JsValue> {
    dispatch_inspect(InspectAnswer::Columns, None, &request)
}

/// The same columns built as JS arrays value by value: built only for the boundary
/// benchmark (`--features boundary-bench`), which measured it against JSON text.
#[cfg(feature = "boundary-bench")]
#[wasm_bindgen(js_name = inspectBundleColumns)]
pub fn inspect_bundle_columns(request: JsValue) -> Result<JsValue, JsValue> {
    Ok(crate::columns::to_js(&typed_bundle(&request)?))
}

/// `inspectBundle`'s typed answer, for the two benchmark faces that do not use JSON text.
#[cfg(feature = "boundary-bench")]
fn typed_bundle(request: &JsValue) -> Result<CertificateColumns, JsValue> {
    let text = json_text(&inspect_request(request), Defaults::Now)?;
    let req: api::InspectRequest = api::parse(text.text()).map_err(|e| input_error(&e, &text))?;
    api::inspect_bundle(&req).map_err(|e| input_error(&e, &text))
}

/// The same columns through serde-wasm-bindgen (one JS call per value and per key): built
/// only for the boundary benchmark (`--features boundary-bench`), which measured it
/// against the direct columns and JSON text (benches/README.md).
#[cfg(feature = "boundary-bench")]
#[wasm_bindgen(js_name = inspectBundleSerde)]
pub fn inspect_bundle_serde(request: JsValue) -> Result<JsValue, JsValue> {
    typed_bundle(&request)?
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error("internal", &e.to_string()))
}

/// Cluster facts from `az aks show -o json` / `az aks list -o json` output (or ARM
/// bodies), given as text or as the parsed document: one entry per cluster with the
/// facts `expiryReport` and `whatIf` take, or a typed error naming what is missing (a
/// creation date, most often: `assume.created` supplies one), and notes on everything
/// assumed.
#[cfg(feature = "tool-output")]
#[wasm_bindgen(js_name = aksFacts)]
pub fn aks_facts(request: Ts<AksFactsRequest>) -> Result<Ts<AksFacts>, JsValue> {
    dispatch_now("aksFacts", &request.js_value())
}

/// A fleet's expiry reports in one call: `az aks list -o json` output (and/or cluster
/// facts) at `now`, each cluster's due items, most urgent first, with the counts and the
/// clusters that could not be assessed.
#[cfg(feature = "tool-output")]
#[wasm_bindgen(js_name = fleetReport)]
pub fn fleet_report(request: Ts<FleetReportRequest>) -> Result<Ts<FleetReport>, JsValue> {
    dispatch_now("fleetReport", &request.js_value())
}

/// `inspect` (or `inspectBundle`, as `answer` says) of a JS argument, with the input read
/// as `kind` when one is given: `kind` is then set on the request (a request that is not a
/// JSON object goes to the core unchanged, which names the problem). A text input is
/// handed to the core apart from the request's JSON where it can be
/// ([`crate::input_apart`]); the answer is the same either way.
fn dispatch_inspect<T: Tsify>(
    answer: InspectAnswer,
    kind: Option<&str>,
    request: &JsValue,
) -> Result<Ts<T>, JsValue> {
    inspect_value(answer, kind, request).map(Ts::new_unchecked)
}

/// [`dispatch_inspect`]'s answer as a plain JS value (one copy of the code for every
/// answer type).
fn inspect_value(
    answer: InspectAnswer,
    kind: Option<&str>,
    request: &JsValue,
) -> Result<JsValue, JsValue> {
    let with_kind = |object: &js_sys::Object| {
        if let Some(kind) = kind {
            let _ =
                js_sys::Reflect::set(object, &JsValue::from_str("kind"), &JsValue::from_str(kind));
        }
    };
    if let Some((rest, input)) = crate::input_apart::input_apart(request) {
        with_kind(&rest);
        let text = json_text(&rest.into(), Defaults::Now)?;
        let json = api::call_inspect_with_input(answer, text.text(), input)
            .map_err(|e| input_error(&e, &text))?;
        return parse_json(&json);
    }
    let mut request = inspect_request(request);
    if kind.is_some() && request.is_object() && !request.is_array() {
        // A shallow copy with `kind` set: the caller's object is not changed.
        let copy = js_sys::Object::assign(&js_sys::Object::new(), request.unchecked_ref());
        with_kind(&copy);
        request = copy.into();
    }
    let text = json_text(&request, Defaults::Now)?;
    let json =
        crate::call_in_session(answer.op(), text.text()).map_err(|e| input_error(&e, &text))?;
    parse_json(&json)
}

/// One JS function per input kind: `inspectPem(request)` = `inspect({...request, kind: "pem"})`.
macro_rules! inspect_kinds {
    ($($rust:ident $js:ident $kind:literal $what:literal;)*) => {$(
        #[doc = concat!("Inspect ", $what, " (`inspect` with `kind: \"", $kind, "\"`, no sniffing).")]
        #[wasm_bindgen(js_name = $js)]
        pub fn $rust(
            #[wasm_bindgen(unchecked_param_type = "InspectRequest | string")] request: JsValue,
        ) -> Result<Ts<Inspection>, JsValue> {
            dispatch_inspect(InspectAnswer::Inspection, Some($kind), &request)
        }
    )*};
}

inspect_kinds! {
    inspect_pem inspectPem "pem" "PEM certificates (one or many, with surrounding text)";
    inspect_der inspectDer "der" "one DER certificate (give it as `inputBase64`)";
    inspect_base64 inspectBase64 "base64" "base64 of a DER certificate";
}

// Kubeconfigs and other tools' output: the modules with `tool-output`
// (`InputKind::is_tool_output`).
#[cfg(feature = "tool-output")]
inspect_kinds! {
    inspect_kubeconfig inspectKubeconfig "kubeconfig" "a kubeconfig";
    inspect_openssl_text inspectOpensslText "opensslText" "`openssl x509 -text` output";
    inspect_openssl_dates inspectOpensslDates "opensslDates" "`openssl x509 -noout -dates` output";
    inspect_curl inspectCurl "curl" "`curl -v` output";
    inspect_az_run_command inspectAzRunCommand "azRunCommand" "`az vm|vmss run-command invoke` output";
    inspect_kubectl_csr inspectKubectlCsr "kubectlCsr" "`kubectl get csr` output";
    inspect_kubectl_nodes inspectKubectlNodes "kubectlNodes" "`kubectl get nodes -L …` output";
    inspect_kubeadm inspectKubeadmCheckExpiration "kubeadmCheckExpiration" "`kubeadm certs check-expiration` output";
    inspect_aks_cluster inspectAksCluster "aksCluster" "`az aks show` / `az aks list -o json` output";
    inspect_arm_operation inspectArmOperation "armOperation" "an ARM operation status (`az aks rotate-certs` polls these)";
}

/// The JSON face: run operation `op` on JSON text and return the result JSON text,
/// exactly as `akscert_core::api::call` returns it natively (for Web Workers, logs and
/// byte-exact comparisons). Throws the same errors as the other functions. The
/// operations on an open scenario (`openScenario`, then `simulateOpenCluster`) share the
/// module instance's one open scenario.
#[wasm_bindgen]
pub fn call(op: &str, input: &str) -> Result<String, JsValue> {
    crate::call_named(op, input).map_err(|e| api_error(&e))
}

/// The operations this module answers, in ABI number order.
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn operations() -> js_sys::Array {
    api::Op::in_this_build()
        .map(|op| JsValue::from_str(op.name()))
        .collect()
}

/// The ABI number of operation `name` (what `akscert_call` takes; `ABI.md`). Throws an
/// `unknownOperation` error for a name that is no operation.
#[wasm_bindgen(js_name = operationNumber)]
pub fn operation_number(name: &str) -> Result<u32, JsValue> {
    api::Op::from_name(name)
        .map(api::Op::abi)
        .ok_or_else(|| api_error(&ApiError::UnknownOperation(name.chars().take(64).collect())))
}

/// `calculator`, `trust` or `full`: which build of the module this is.
#[wasm_bindgen]
pub fn build() -> String {
    api::BUILD.to_string()
}
