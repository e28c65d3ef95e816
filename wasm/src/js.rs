//! The JS face: one function per capability of the core, plain JS objects in and out.
//!
//! Every function is the same three steps, so that the JS API and the core can never
//! disagree:
//! 1. the argument becomes JSON text (`JSON.stringify`, or the string itself if a string
//!    is passed — then the core's line and column point into the caller's own text);
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

use akscert_core::api::{
    self, ApiError, ClusterRun, InspectRequest, InspectSetRequest, TrustRequest, VersionInfo,
};
use akscert_core::engine::ClusterTimeline;
use akscert_core::engine::{Scenario, Timeline};
use akscert_core::inspect::{Inspection, InspectionSet, TrustReport};
use akscert_core::policy::Policy;
use akscert_core::report::{
    AksFacts, AksFactsRequest, ExpiryReport, FleetReport, FleetReportRequest, ReportRequest,
    WhatIf, WhatIfRequest,
};
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

/// JSON text of a JS argument: a string is taken as the JSON text itself.
fn json_text(value: &JsValue) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if value.is_undefined() {
        return Ok(String::new());
    }
    match js_sys::JSON::stringify(value) {
        Ok(text) => Ok(text.as_string().unwrap_or_default()),
        Err(e) => {
            let why = js_sys::Error::from(e).message();
            Err(js_error(
                NOT_JSON,
                &format!(". (line 1, column 1): the value cannot be written as JSON: {why}"),
            ))
        }
    }
}

/// Run `op` on a JS argument and hand back the result as a JS object of type `T`.
fn dispatch<T: Tsify>(op: &str, input: &JsValue) -> Result<Ts<T>, JsValue> {
    let text = json_text(input)?;
    let json = api::call(op, &text).map_err(|e| api_error(&e))?;
    parse_output(&json)
}

fn parse_output<T: Tsify>(json: &str) -> Result<Ts<T>, JsValue> {
    // The core's output is always valid JSON; a failure here would be a bug, reported as
    // an error rather than a trap.
    js_sys::JSON::parse(json)
        .map(Ts::new_unchecked)
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

/// Run a what-if scenario: a deterministic timeline of every cluster plus a summary.
#[wasm_bindgen]
pub fn simulate(scenario: Ts<Scenario>) -> Result<Ts<Timeline>, JsValue> {
    dispatch("simulate", &scenario.js_value())
}

/// Run one cluster of a fleet on its own (a scenario with exactly one cluster).
#[wasm_bindgen(js_name = simulateCluster)]
pub fn simulate_cluster(run: Ts<ClusterRun>) -> Result<Ts<ClusterTimeline>, JsValue> {
    dispatch("simulateCluster", &run.js_value())
}

/// The expiry report of one cluster at `now`: a row per certificate, kubeconfigs, actions.
#[wasm_bindgen(js_name = expiryReport)]
pub fn expiry_report(request: Ts<ReportRequest>) -> Result<Ts<ExpiryReport>, JsValue> {
    dispatch("report", &request.js_value())
}

/// What happens if the given operations are applied to a cluster from `now` on: the
/// reports before and after, the events, downtime, broken kubeconfigs and commands.
#[wasm_bindgen(js_name = whatIf)]
pub fn what_if(request: Ts<WhatIfRequest>) -> Result<Ts<WhatIf>, JsValue> {
    dispatch("whatIf", &request.js_value())
}

/// Inspect one input — a kubeconfig, PEM or DER certificates, or the output of a check
/// command (`openssl x509 -text`, `curl -v`, `kubectl get csr`, `az aks show -o json` …):
/// what it is (sniffed, unless `kind` says), every certificate with its AKS role, dates,
/// status and why; private keys and tokens are reported as present, never shown.
#[wasm_bindgen]
pub fn inspect(request: Ts<InspectRequest>) -> Result<Ts<Inspection>, JsValue> {
    dispatch("inspect", &request.js_value())
}

/// Inspect several named inputs together, with trust checks across them (a kubeconfig and
/// the API server's certificate: will the kubeconfig still work?).
#[wasm_bindgen(js_name = inspectSet)]
pub fn inspect_set(request: Ts<InspectSetRequest>) -> Result<Ts<InspectionSet>, JsValue> {
    dispatch("inspectSet", &request.js_value())
}

/// `TrustReport[]`, the answer of `checkTrust`: a TypeScript name for the core's
/// `Vec<TrustReport>` (only its declaration is used; values come from the core's JSON).
#[derive(Tsify)]
#[tsify(type = "TrustReport[]")]
pub struct TrustReports;

/// The element type [`TrustReports`] names (keeps the import honest for readers).
type _TrustReport = TrustReport;

/// Does this CA certificate verify this certificate (issuer/subject, key identifiers,
/// signature, validity at `now`, basicConstraints)? The check whose failure kubectl
/// reports as `x509: certificate signed by unknown authority`.
#[wasm_bindgen(js_name = checkTrust)]
pub fn check_trust(request: Ts<TrustRequest>) -> Result<Ts<TrustReports>, JsValue> {
    dispatch("checkTrust", &request.js_value())
}

/// Cluster facts from `az aks show -o json` / `az aks list -o json` output (or ARM
/// bodies), given as text or as the parsed document: one entry per cluster with the
/// facts `expiryReport` and `whatIf` take, or a typed error naming what is missing (a
/// creation date, most often: `assume.created` supplies one), and notes on everything
/// assumed.
#[wasm_bindgen(js_name = aksFacts)]
pub fn aks_facts(request: Ts<AksFactsRequest>) -> Result<Ts<AksFacts>, JsValue> {
    dispatch("aksFacts", &request.js_value())
}

/// A fleet's expiry reports in one call: `az aks list -o json` output (and/or cluster
/// facts) at `now`, each cluster's due items, most urgent first, with the counts and the
/// clusters that could not be assessed.
#[wasm_bindgen(js_name = fleetReport)]
pub fn fleet_report(request: Ts<FleetReportRequest>) -> Result<Ts<FleetReport>, JsValue> {
    dispatch("fleetReport", &request.js_value())
}

/// `inspect` with the input read as `kind` instead of sniffed: `kind` is set on the
/// request (a request that is not a JSON object goes to the core unchanged, which names
/// the problem).
fn inspect_as(kind: &str, request: &JsValue) -> Result<Ts<Inspection>, JsValue> {
    let text = json_text(request)?;
    let text = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(mut fields)) => {
            fields.insert("kind".into(), kind.into());
            serde_json::Value::Object(fields).to_string()
        }
        _ => text,
    };
    let json = api::call("inspect", &text).map_err(|e| api_error(&e))?;
    parse_output(&json)
}

/// One JS function per input kind: `inspectPem(request)` = `inspect({...request, kind: "pem"})`.
macro_rules! inspect_kinds {
    ($($rust:ident $js:ident $kind:literal $what:literal;)*) => {$(
        #[doc = concat!("Inspect ", $what, " (`inspect` with `kind: \"", $kind, "\"`, no sniffing).")]
        #[wasm_bindgen(js_name = $js)]
        pub fn $rust(request: Ts<InspectRequest>) -> Result<Ts<Inspection>, JsValue> {
            inspect_as($kind, &request.js_value())
        }
    )*};
}

inspect_kinds! {
    inspect_pem inspectPem "pem" "PEM certificates (one or many, with surrounding text)";
    inspect_der inspectDer "der" "one DER certificate (give it as `inputBase64`)";
    inspect_base64 inspectBase64 "base64" "base64 of a DER certificate";
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
/// byte-exact comparisons). Throws the same errors as the other functions.
#[wasm_bindgen]
pub fn call(op: &str, input: &str) -> Result<String, JsValue> {
    api::call(op, input).map_err(|e| api_error(&e))
}

/// The operations `call` accepts, in ABI index order (index = position + 1).
#[wasm_bindgen]
pub fn operations() -> Vec<String> {
    api::OPERATIONS.iter().map(|s| s.to_string()).collect()
}
