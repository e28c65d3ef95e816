//! The versioned JSON API: one entry point, `call(op, json)`, shared by the WebAssembly
//! module (JS and the C-style host ABI), the CLI's native engine, and tests — so every
//! face of akscert gives byte-identical answers.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::document::API_VERSION;
#[cfg(feature = "simulate")]
use crate::engine::{self, RunOptions};
use crate::engine::{Scenario, ScenarioError};
use crate::inspect::{self, InputKind, InspectError, InspectOptions};
use crate::policy::{Policy, PolicyError};
use crate::report::aks::AksInputError;
use crate::report::{self, AksFactsRequest, ReportError, ReportRequest, WhatIfRequest};
use crate::time::{Duration, Instant};

#[cfg(feature = "simulate")]
mod packed;
#[cfg(feature = "simulate")]
mod packed_scenario;
#[cfg(feature = "simulate")]
pub use packed::{PackedCluster, PackedError, pack_fold, unpack_fold, unpack_folded};
#[cfg(feature = "simulate")]
pub use packed_scenario::{pack_request, pack_scenario, unpack_request, unpack_scenario};
mod abi_bytes;
pub use abi_bytes::{ABI_VERSION, PACKED_INPUT, STATUS_ERROR, STATUS_OK, packed_input};
mod op;
pub use op::{BUILD, CALCULATOR_BUILD, Capability, FULL_BUILD, Op, TRUST_BUILD};
mod session;
pub use session::Session;

/// Largest JSON request `call` accepts: a whole fleet's scenario (10,000 clusters are
/// about 10 MB). Larger than [`crate::inspect::MAX_INSPECT_BYTES`], which bounds the one
/// input an inspection reads (a request carries it, JSON-escaped, inside).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// Why a call failed. `kind()` is stable; the message names what and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// No such operation.
    #[error("unknown operation `{0}` (known: {names})", names = Op::names())]
    UnknownOperation(String),
    /// The operation exists but this build leaves it out (a module without its
    /// [`Capability`]).
    #[error(
        "`{0}` is not in the {build} build of akscert (load `{module}` for it)",
        build = BUILD,
        module = .0.needs().unwrap_or(Capability::Simulator).module()
    )]
    Unavailable(Op),
    /// `verify: true` in a build without signature checks.
    #[error(
        "`verify: true` (signature checks) is not in the {build} build of akscert (load `{module}` for it)",
        build = BUILD,
        module = Capability::Signatures.module()
    )]
    VerifyUnavailable,
    /// The input is too large.
    #[error("input is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Bytes given.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input is not the JSON the operation expects.
    #[error("{path} (line {line}, column {column}): {message}")]
    BadInput {
        /// JSON path of the offending value (`.` for the document).
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The scenario is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The report could not be made.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// A policy override is invalid.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The input to inspect cannot be read.
    #[error(transparent)]
    Inspect(InspectError),
    /// The input to inspect is of a kind this build does not read (tool output in the
    /// calculator module: [`Capability::ToolOutput`]).
    #[error(
        "input kind `{kind}` is not read by the {build} build of akscert, which reads {read} (load `{module}` for it)",
        kind = .0.name(),
        read = InputKind::read_by_every_build(),
        build = BUILD,
        module = Capability::ToolOutput.module()
    )]
    InputUnavailable(InputKind),
    /// An inspect request with neither or both of `input` and `inputBase64`.
    #[error("give exactly one of `input` (text) and `inputBase64` (binary, e.g. DER){0}")]
    InputChoice(String),
    /// `aksFacts` input that is not `az aks show|list -o json` output.
    #[error(transparent)]
    AksInput(#[from] AksInputError),
    /// `simulateOpenCluster` without an open scenario.
    #[error(
        "no scenario is open: call `openScenario` first (in the same session or module instance)"
    )]
    NothingOpen,
    /// `simulateOpenCluster` past the open scenario's last cluster.
    #[error("cluster index {index} is past the open scenario's {clusters} clusters")]
    NoSuchCluster {
        /// The index asked for.
        index: usize,
        /// How many clusters the scenario has.
        clusters: usize,
    },
    /// `simulateOpenCluster` asked for a packed answer through a face that answers text.
    #[error(
        "packed: a packed answer is postcard bytes, which only the host ABI (`akscert_call`) returns; ask this face for JSON"
    )]
    PackedNeedsBytes,
    /// A packed input (the host ABI's, after [`PACKED_INPUT`]) that does not decode.
    #[error("{0}: {1}")]
    PackedInput(Op, String),
    /// A packed input for an operation that takes JSON only.
    #[error(
        "{}: takes JSON; a packed input (postcard after byte 0xFF) is for `openScenario`, `simulateOpenCluster` and `foldCluster` only",
        .0.name()
    )]
    TakesJson(Op),
    /// A JSON input for an operation that takes a packed input only.
    #[error(
        "{}: takes a packed input only (postcard after byte 0xFF, through the host ABI's `akscert_call`): a host that streams a fleet adds each cluster so; in Rust, call `report::fleet_fold::fold_cluster`; `simulate` answers a whole fleet's summary",
        .0.name()
    )]
    PackedOnly(Op),
    /// `simulateOpenCluster` asked for a packed answer with its events or certificates.
    #[error(
        "packed: a packed answer carries the summary and the row, never events or certificates; ask for `includeEvents: false` and `includeCertificates: false`, or for JSON"
    )]
    PackedWithDetail,
    /// `simulateCluster` was asked for a cluster the scenario does not have.
    #[error("simulateCluster: the scenario has {clusters} clusters; it must have exactly one")]
    NotOneCluster {
        /// How many it has.
        clusters: usize,
    },
}

impl ApiError {
    /// A stable, camelCase kind for programs (the JS `Error.name`, the CLI's JSON error).
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::UnknownOperation(_) => "unknownOperation",
            ApiError::Unavailable(_)
            | ApiError::VerifyUnavailable
            | ApiError::InputUnavailable(_) => "unavailableOperation",
            ApiError::TooLarge { .. } => "inputTooLarge",
            ApiError::BadInput { .. } | ApiError::PackedInput(..) => "badInput",
            ApiError::Scenario(_) => "invalidScenario",
            // A what-if's own values (its operations, window, horizon) are the request's,
            // not the cluster's facts.
            ApiError::Report(
                ReportError::WarnWithin { .. }
                | ReportError::OperationBeforeNow { .. }
                | ReportError::OperationTooLate { .. }
                | ReportError::Operation(_)
                | ReportError::Horizon { .. },
            ) => "invalidRequest",
            ApiError::Report(_) => "invalidClusterFacts",
            ApiError::Policy(_) => "invalidPolicy",
            ApiError::NotOneCluster { .. }
            | ApiError::InputChoice(_)
            | ApiError::PackedNeedsBytes
            | ApiError::PackedWithDetail
            | ApiError::TakesJson(_)
            | ApiError::PackedOnly(_)
            | ApiError::NothingOpen
            | ApiError::NoSuchCluster { .. } => "invalidRequest",
            ApiError::Inspect(_) | ApiError::AksInput(_) => "unreadableInput",
        }
    }
}

/// An inspection's error; one of a kind the build leaves out is said as such, with the
/// module that reads it.
impl From<InspectError> for ApiError {
    fn from(e: InspectError) -> ApiError {
        match e {
            InspectError::NotInThisBuild { kind } => ApiError::InputUnavailable(kind),
            e => ApiError::Inspect(e),
        }
    }
}

/// The error document every face of akscert prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ErrorDocument {
    /// `akscert/v1`.
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: String,
    /// `Error`.
    #[serde(deserialize_with = "crate::document::error_kind")]
    pub kind: String,
    /// The error.
    pub error: ErrorBody,
}

pub use crate::document::ErrorBody;

impl From<&ApiError> for ErrorDocument {
    fn from(e: &ApiError) -> Self {
        ErrorDocument {
            api_version: API_VERSION.into(),
            kind: "Error".into(),
            error: ErrorBody {
                kind: e.kind().into(),
                message: e.to_string(),
            },
        }
    }
}

/// `simulateCluster` input: one cluster of a fleet, run on its own (by a worker or a
/// shard). The scenario must hold exactly that cluster and an absolute horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterRun {
    /// A scenario with exactly one cluster.
    pub scenario: Scenario,
    /// The cluster's position in the whole fleet (copied into the result).
    pub index: usize,
    /// Keep every event.
    #[serde(default = "crate::document::yes")]
    pub include_events: bool,
    /// List the certificates in use at the horizon in the summary.
    #[serde(default = "crate::document::yes")]
    pub include_certificates: bool,
    /// Leave out of the summary the actions resolved at or before this instant (a fleet
    /// table as of that instant prints none of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub leave_out_resolved_by: Option<Instant>,
}

/// `simulateOpenCluster` input: which cluster of the open scenario, and what to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenClusterRequest {
    /// The cluster's position in the scenario.
    pub index: usize,
    /// Keep every event.
    #[serde(default = "crate::document::yes")]
    pub include_events: bool,
    /// List the certificates in use at the horizon in the summary.
    #[serde(default = "crate::document::yes")]
    pub include_certificates: bool,
    /// Leave out of the summary the actions resolved at or before this instant (a fleet
    /// table as of that instant prints none of them; the row decided at it is the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub leave_out_resolved_by: Option<Instant>,
    /// Also decide the cluster's fleet row at this instant and window: the answer is then
    /// two JSON lines, the timeline and its [`report::fleet::RowDecision`] (the JSON
    /// face and the host ABI only; the typed JS function refuses it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<RowAt>,
    /// Answer a postcard `PackedCluster` instead of JSON: the host ABI only (a fleet
    /// table's host reads it with akscert-core); the JSON faces refuse it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub packed: bool,
}

/// What a simulate request keeps: the fields `ClusterRun` and `OpenClusterRequest` share.
#[cfg(feature = "simulate")]
fn run_keeping(
    include_events: bool,
    include_certificates: bool,
    leave_out_resolved_by: Option<Instant>,
) -> RunOptions {
    RunOptions {
        include_events,
        include_certificates,
        leave_out_resolved_by,
        ..RunOptions::default()
    }
}

#[cfg(feature = "simulate")]
impl ClusterRun {
    /// What the run keeps, as the request asks.
    pub fn run_options(&self) -> RunOptions {
        run_keeping(
            self.include_events,
            self.include_certificates,
            self.leave_out_resolved_by,
        )
    }
}

#[cfg(feature = "simulate")]
impl OpenClusterRequest {
    /// What the run keeps, as the request asks.
    pub fn run_options(&self) -> RunOptions {
        run_keeping(
            self.include_events,
            self.include_certificates,
            self.leave_out_resolved_by,
        )
    }

    /// Whether the run can be answered packed: a `PackedCluster` carries no events and
    /// no certificates, so the request must leave both out.
    pub fn packable(&self) -> bool {
        !self.include_events && !self.include_certificates
    }
}

/// When, and with what warning window, a fleet row is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RowAt {
    /// The instant the row is about.
    pub now: Instant,
    /// The warning window.
    pub warn_within: Duration,
}

/// `inspect` input: one text or binary input, and when to judge it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InspectRequest {
    /// The input as text (PEM, kubeconfig, tool output, az JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The input as base64 of its bytes (binary DER).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_base64: Option<String>,
    /// Read it as this kind instead of sniffing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<InputKind>,
    /// A name for it in the result (a file name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The instant to judge validity at.
    pub now: Instant,
    /// Expiring within this window is flagged (default 30 days).
    #[serde(default = "crate::document::thirty_days")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// Verify signatures (default false): decide `selfSigned` and `issuedBy` by signature
    /// (`linkedBy: signature`) and check each CA of the input against the certificates it
    /// could have issued. Without it, those two fields come from names and key
    /// identifiers only (`linkedBy: nameAndKeyId`) and no trust checks are made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub verify: bool,
}

crate::struct_de::read_fields! {
    InspectRequest, InspectRequest {
        input: None,
        input_base64: None,
        kind: None,
        source: None,
        now: Instant::MIN,
        warn_within: crate::document::thirty_days(),
        verify: false,
    };
    "input" => input: false,
    "inputBase64" => input_base64: false,
    "kind" => kind: false,
    "source" => source: false,
    "now" => now: true,
    "warnWithin" => warn_within: false,
    "verify" => verify: false,
}

/// `inspectSet` input: several named inputs judged together (trust across them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InspectSetRequest {
    /// The inputs.
    pub inputs: Vec<NamedInput>,
    /// The instant to judge validity at.
    pub now: Instant,
    /// Expiring within this window is flagged (default 30 days).
    #[serde(default = "crate::document::thirty_days")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// Decide each certificate's `selfSigned` and `issuedBy` by signature (default false).
    /// Trust checks within and across the inputs always verify signatures.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub verify: bool,
}

/// One named input of a set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamedInput {
    /// Its name (a file name): `source`, as `inspect` calls it (`name` is read too).
    #[serde(alias = "name")]
    pub source: String,
    /// As text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// As base64 of its bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_base64: Option<String>,
}

/// `checkTrust` input: does a CA certificate verify a certificate?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrustRequest {
    /// The CA certificate(s), PEM or base64 DER.
    pub ca: String,
    /// The certificate(s) to check, PEM or base64 DER.
    pub certificate: String,
    /// The instant to judge validity at.
    pub now: Instant,
}

/// The bytes of an input given as text (borrowed: a bundle is not copied) or as base64;
/// `what` names it in errors.
fn input_bytes<'a>(
    text: &'a Option<String>,
    b64: &Option<String>,
    what: &str,
) -> Result<Cow<'a, [u8]>, ApiError> {
    match (text, b64) {
        (Some(t), None) => Ok(Cow::Borrowed(t.as_bytes())),
        (None, Some(b)) => {
            let cleaned: Vec<u8> = b.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
            crate::inspect::decode_padded(&cleaned)
                .map(Cow::Owned)
                .map_err(|e| ApiError::BadInput {
                    path: format!("{what}inputBase64"),
                    line: 1,
                    column: 1,
                    message: format!("not base64: {e}"),
                })
        }
        _ => Err(ApiError::InputChoice(if what.is_empty() {
            String::new()
        } else {
            format!(" (at {what})")
        })),
    }
}

/// `version` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// `akscert/v1`.
    pub api_version: String,
    /// The akscert-core crate version.
    pub core_version: String,
    /// `calculator`, `trust` or `full` (see [`BUILD`]).
    #[serde(default)]
    pub build: String,
    /// Operations this build answers, in ABI number order.
    pub operations: Vec<String>,
}

/// Parse `input` as `T`, with the JSON path, line and column of any problem.
pub fn parse<T: DeserializeOwned>(input: &str) -> Result<T, ApiError> {
    within_request_limit(input.len())?;
    let mut de = crate::json_de::Deserializer::new(input);
    match T::deserialize(&mut de) {
        // Trailing garbage after the document is an error, not silently ignored.
        Ok(value) => match de.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(bad_input(input, &e, Within::After)),
        },
        Err(e) => Err(bad_input(input, &e, Within::Document)),
    }
}

/// Where a reading error is: in the document, or in what follows it.
enum Within {
    Document,
    After,
}

/// The error for bad JSON, with its path in `input` (compiled once, not per type).
#[cold]
#[inline(never)]
fn bad_input(input: &str, e: &crate::json_de::Error, within: Within) -> ApiError {
    let path = match within {
        Within::Document => {
            crate::json_path::error_path(input, e.line(), e.column(), &e.to_string())
        }
        Within::After => ".".into(),
    };
    ApiError::BadInput {
        path,
        line: e.line(),
        column: e.column(),
        message: e.message().to_string(),
    }
}

/// A request of `size` bytes, JSON or packed, is at most [`MAX_REQUEST_BYTES`].
pub(crate) fn within_request_limit(size: usize) -> Result<(), ApiError> {
    if size > MAX_REQUEST_BYTES {
        return Err(ApiError::TooLarge {
            size,
            limit: MAX_REQUEST_BYTES,
        });
    }
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Our types serialise infallibly: string keys, no non-finite floats in output.
    match crate::json_ser::to_string(value) {
        Ok(text) => text,
        Err(e) => unwritable(&e),
    }
}

/// The answer when a value cannot be written (never, for akscert's types).
#[cold]
#[inline(never)]
fn unwritable(e: &crate::json_ser::Error) -> String {
    format!("{{\"serializationError\":\"{e}\"}}")
}

/// Run the operation named `op` on JSON `input`; the result is compact JSON.
pub fn call(op: &str, input: &str) -> Result<String, ApiError> {
    match Op::from_name(op) {
        Some(op) => call_op(op, input),
        None => Err(ApiError::UnknownOperation(op.chars().take(64).collect())),
    }
}

/// Run operation `op` on a packed input (the postcard after [`PACKED_INPUT`]), answering
/// bytes as [`Session::call_op_bytes`] does: every operation but those that
/// [take one](Op::takes_packed) refuses one; without a session `openScenario` only checks
/// the scenario and `simulateOpenCluster` finds nothing open, as from JSON; `foldCluster`
/// answers a packed [`FoldedCluster`](report::fleet_fold::FoldedCluster).
pub fn call_op_packed(op: Op, input: &[u8]) -> Result<Vec<u8>, ApiError> {
    if !op.available() {
        return Err(ApiError::Unavailable(op));
    }
    match op {
        #[cfg(feature = "simulate")]
        Op::OpenScenario | Op::SimulateOpenCluster => Session::new().call_op_packed(op, input),
        #[cfg(feature = "simulate")]
        Op::FoldCluster => {
            let req = unpack_fold(input).map_err(|e| ApiError::PackedInput(op, e.to_string()))?;
            Ok(packed::to_bytes(&report::fleet_fold::fold_cluster(req)))
        }
        _ => {
            let _ = input;
            Err(ApiError::TakesJson(op))
        }
    }
}

/// Run operation `op` on the host ABI's `input` bytes, without a session: packed (after
/// [`PACKED_INPUT`]) or UTF-8 JSON, answered as [`Session::call_input`] answers.
pub fn call_input(op: Op, input: &[u8]) -> Result<Vec<u8>, ApiError> {
    match input.split_first() {
        Some((&PACKED_INPUT, packed)) => call_op_packed(op, packed),
        _ => call_op(op, utf8(input)?).map(String::into_bytes),
    }
}

/// `input` as text, or a `badInput` error at its first byte that is not UTF-8, with the
/// line and column.
pub(crate) fn utf8(input: &[u8]) -> Result<&str, ApiError> {
    std::str::from_utf8(input).map_err(|e| {
        let valid_up_to = e.valid_up_to();
        let before = input.get(..valid_up_to).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        // Columns count characters; the prefix is valid UTF-8 by construction.
        let column = std::str::from_utf8(before.get(line_start..).unwrap_or_default())
            .map_or(0, |s| s.chars().count())
            + 1;
        ApiError::BadInput {
            path: ".".into(),
            line,
            column,
            message: format!("input is not valid UTF-8: invalid byte at offset {valid_up_to}"),
        }
    })
}

/// Run operation `op` on JSON `input`; the result is compact JSON.
pub fn call_op(op: Op, input: &str) -> Result<String, ApiError> {
    if !op.available() {
        return Err(ApiError::Unavailable(op));
    }
    match op {
        Op::Version => Ok(to_json(&VersionInfo {
            api_version: API_VERSION.into(),
            core_version: env!("CARGO_PKG_VERSION").into(),
            build: BUILD.into(),
            operations: Op::in_this_build().map(|op| op.name().into()).collect(),
        })),
        Op::Policy => {
            // Empty input: the defaults. Otherwise overrides, validated and completed.
            let policy: Policy = if input.trim().is_empty() {
                Policy::default()
            } else {
                parse(input)?
            };
            policy.validate()?;
            Ok(to_json(&policy))
        }
        #[cfg(feature = "simulate")]
        Op::Simulate => {
            let scenario: Scenario = parse(input)?;
            Ok(to_json(&engine::simulate(
                &scenario,
                RunOptions::default(),
            )?))
        }
        // Without a session: the check alone, and nothing is ever open.
        #[cfg(feature = "simulate")]
        Op::OpenScenario | Op::SimulateOpenCluster => Session::new().call_op(op, input),
        #[cfg(feature = "simulate")]
        Op::SimulateCluster => {
            let run: ClusterRun = parse(input)?;
            if run.scenario.clusters.len() != 1 {
                return Err(ApiError::NotOneCluster {
                    clusters: run.scenario.clusters.len(),
                });
            }
            let prepared = run.scenario.prepare()?;
            let mut result = engine::simulate_cluster(&prepared, 0, run.run_options());
            result.index = run.index;
            Ok(to_json(&result))
        }
        Op::Report => {
            let req: ReportRequest = parse(input)?;
            Ok(to_json(&report::expiry_report(&req)?))
        }
        Op::WhatIf => {
            let req: WhatIfRequest = parse(input)?;
            Ok(to_json(&report::what_if(&req)?))
        }
        Op::Inspect => InspectAnswer::Inspection.answer(&parse(input)?),
        Op::InspectBundle => InspectAnswer::Columns.answer(&parse(input)?),
        #[cfg(feature = "verify")]
        Op::InspectSet => {
            let req: InspectSetRequest = parse(input)?;
            let mut owned = Vec::with_capacity(req.inputs.len());
            for (i, item) in req.inputs.iter().enumerate() {
                let bytes = input_bytes(&item.input, &item.input_base64, &format!("inputs[{i}]."))?;
                owned.push((item.source.as_str(), bytes));
            }
            let borrowed: Vec<(&str, &[u8])> =
                owned.iter().map(|(n, b)| (*n, b.as_ref())).collect();
            let opts = InspectOptions {
                warn_within: req.warn_within,
                verify: req.verify,
                ..InspectOptions::new(req.now)
            };
            Ok(to_json(&inspect::inspect_set(&borrowed, &opts)))
        }
        #[cfg(feature = "verify")]
        Op::CheckTrust => {
            let req: TrustRequest = parse(input)?;
            let reports = inspect::check_trust(
                req.ca.as_bytes(),
                req.certificate.as_bytes(),
                &InspectOptions::new(req.now),
            )?;
            Ok(to_json(&reports))
        }
        Op::AksFacts => {
            let req: AksFactsRequest = parse(input)?;
            Ok(to_json(&report::aks_facts(&req)?))
        }
        Op::FleetReport => {
            let req: report::FleetReportRequest = parse(input)?;
            Ok(to_json(&report::fleet_report(&req)?))
        }
        // The host ABI's only: JSON would cost the full module its deserialisers (15 KB gzip).
        #[cfg(feature = "simulate")]
        Op::FoldCluster => Err(ApiError::PackedOnly(op)),
        // Left out of this build (refused above).
        #[allow(unreachable_patterns)]
        _ => Err(ApiError::Unavailable(op)),
    }
}

/// `inspect`: the inspection an [`InspectRequest`] asks for.
pub fn inspect_request(req: &InspectRequest) -> Result<inspect::Inspection, ApiError> {
    if req.verify && !cfg!(feature = "verify") {
        return Err(ApiError::VerifyUnavailable);
    }
    let bytes = input_bytes(&req.input, &req.input_base64, "")?;
    let opts = InspectOptions {
        warn_within: req.warn_within,
        verify: req.verify,
        ..InspectOptions::new(req.now)
    };
    let mut result = match req.kind {
        Some(kind) => inspect::inspect_as(kind, &bytes, &opts)?,
        None => inspect::inspect_with(&bytes, &opts)?,
    };
    if let Some(source) = &req.source {
        result.source.clone_from(source);
    }
    Ok(result)
}

/// `inspectBundle`: the certificates of an [`InspectRequest`]'s inspection as columns (the
/// typed answer; the JS face turns it into arrays without a JSON round trip).
pub fn inspect_bundle(req: &InspectRequest) -> Result<inspect::CertificateColumns, ApiError> {
    inspect_request(req).map(|i| inspect::CertificateColumns::of(&i))
}

/// What an inspect call answers: `inspect`'s whole inspection or `inspectBundle`'s columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectAnswer {
    /// The [`inspect::Inspection`] document (`inspect`).
    Inspection,
    /// The certificates as [`inspect::CertificateColumns`] (`inspectBundle`).
    Columns,
}

impl InspectAnswer {
    /// The operation that answers so.
    pub fn op(self) -> Op {
        match self {
            InspectAnswer::Inspection => Op::Inspect,
            InspectAnswer::Columns => Op::InspectBundle,
        }
    }

    /// This answer to `req`, as JSON.
    fn answer(self, req: &InspectRequest) -> Result<String, ApiError> {
        match self {
            InspectAnswer::Inspection => Ok(to_json(&inspect_request(req)?)),
            InspectAnswer::Columns => Ok(to_json(&inspect_bundle(req)?)),
        }
    }
}

/// `inspect` or `inspectBundle` on JSON `request` without its `input`, which comes apart
/// as `input`: the answer [`call_op`] gives for the request with that input. A facade
/// that holds the input as a string of its own (the JS face) hands it over so, instead of
/// escaping it into JSON text for the core to read back. A `request` with an `input` of
/// its own as well is refused as `inputChoice`, as one with both `input` and
/// `inputBase64` is.
pub fn call_inspect_with_input(
    answer: InspectAnswer,
    request: &str,
    input: String,
) -> Result<String, ApiError> {
    within_request_limit(request.len().saturating_add(input.len()))?;
    let mut req: InspectRequest = parse(request)?;
    if req.input.is_some() {
        return Err(ApiError::InputChoice(String::new()));
    }
    req.input = Some(input);
    answer.answer(&req)
}

/// Split a fleet scenario into one-cluster scenarios with an absolute horizon, for
/// `simulateCluster` (what a worker pool or a shard runs).
pub fn split(scenario: &Scenario) -> Result<Vec<ClusterRun>, ScenarioError> {
    // Everything but the clusters, cloned once (not once per cluster: a fleet of n
    // clusters would otherwise cost n² cluster clones).
    let header = scenario.prepare()?.shared();
    Ok(scenario
        .clusters
        .iter()
        .enumerate()
        .map(|(index, c)| ClusterRun {
            scenario: Scenario {
                clusters: vec![c.clone()],
                ..header.clone()
            },
            index,
            include_events: true,
            include_certificates: true,
            leave_out_resolved_by: None,
        })
        .collect())
}

#[cfg(test)]
mod tests;
