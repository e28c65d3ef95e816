//! Inspection: what a user pasted or pointed at, what it is, which AKS certificate it is,
//! and when it expires.
//!
//! One entry point, [`inspect`] / [`inspect_with`], sniffs the input; each kind also has its
//! own function ([`inspect_certificates`], [`inspect_kubeconfig`], [`inspect_openssl`],
//! [`inspect_curl`], [`inspect_run_command`], [`inspect_kubectl_csr`],
//! [`inspect_kubectl_nodes`], [`inspect_kubeadm`], [`inspect_aks_json`]).
//! [`inspect_set`] inspects several inputs together and adds trust checks across them
//! (`kubeconfig` + `apiserver.pem` → "will this kubeconfig still work against this API
//! server?"); [`check_trust`] checks one CA against one certificate.
//!
//! **Limits.** One input may be at most [`MAX_INSPECT_BYTES`] (16 MiB) and hold at most
//! [`MAX_CERTIFICATES`] certificates; larger inputs are refused with
//! [`InspectError::TooLarge`] / [`InspectError::Limit`] before any parsing. Every parser
//! is linear in its input (one pass over lines or TLVs), nothing recurses on input
//! structure beyond a fixed depth, and path building has a fixed work budget.
//!
//! **Secrets.** Private keys, tokens and passwords are recognised and reported as
//! `present (redacted)`; their bytes are never decoded, copied into output, or quoted in
//! an error message.

mod az;
mod builder;
pub mod classify;
mod columns;
mod der_walk;
mod dn;
mod error;
mod ext_der;
mod extensions;
mod input_kind;
mod keypair;
mod kubeconfig;
mod kubectl;
mod links;
mod model;
mod pem;
pub mod rotation;
mod set;
mod sig_check;
#[cfg(feature = "verify")]
mod signature;
#[cfg(not(feature = "verify"))]
#[path = "signature_unavailable.rs"]
mod signature;
mod strict;
mod text;
mod tools;
mod trust;
// Only builds without some reader need it (see the module).
#[cfg(any(not(feature = "tool-output"), not(feature = "verify")))]
mod unfilled;
mod x509;
mod yaml;

pub use classify::AksRole;
pub use columns::CertificateColumns;
pub use error::InspectError;
pub use input_kind::InputKind;
pub use model::*;
pub use rotation::{RotationHint, rotation_hint};
pub use set::inspect_set;

use crate::substring::contains;
pub(crate) use az::{aks_clusters, aks_clusters_text};
pub(crate) use builder::Builder;
pub(crate) use dn::hex_lower;
use set::cert_ref;
pub(crate) use text::decode_padded;

use std::borrow::Cow;

use crate::time::{Duration, Instant};
use classify::Hint;
use text::Decoded;
use trust::{TrustContext, trust_report_with_signature};
use x509::{ParsedCert, parse_certificate, reparse_certificate};

/// Largest input accepted, in bytes (16 MiB: a kubeconfig or PEM bundle is kilobytes; a
/// whole system CA store is about 200 KiB).
pub const MAX_INSPECT_BYTES: usize = 16 * 1024 * 1024;

/// Most certificates read from one input.
pub const MAX_CERTIFICATES: usize = 20_000;

/// Most trust checks generated for one input or set. Pairs are limited to certificates a
/// CA could have issued (names and key identifiers), so this only bites on adversarial
/// inputs; when it does, the pairs left unchecked are reported and count as a failure.
const MAX_TRUST_REPORTS: usize = MAX_CERTIFICATES;

/// When and how to judge what is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectOptions {
    /// The instant statuses and days-left are computed at.
    pub now: Instant,
    /// Expiring within this window is `expiringSoon` (default 30 days).
    pub warn_within: Duration,
    /// Verify signatures (default false). Without it, inspection answers what each
    /// certificate is, which AKS certificate, and when it expires; `selfSigned` and
    /// `issuedBy` then come from names and key identifiers only (`linkedBy:
    /// nameAndKeyId`), and no trust checks are made within the input. With it,
    /// `selfSigned` and `issuedBy` are decided by verifying signatures (`linkedBy:
    /// signature`) and each CA of the input is checked against the certificates it could
    /// have issued. Signature checks cost most of the time of inspecting a certificate.
    /// [`check_trust`] and [`inspect_set`]'s trust checks always verify.
    pub verify: bool,
}

impl InspectOptions {
    /// Options with the default 30-day warning window.
    pub fn new(now: Instant) -> InspectOptions {
        InspectOptions {
            now,
            warn_within: crate::document::thirty_days(),
            verify: false,
        }
    }

    /// Whether signatures are verified: asked for, and in this build (the `verify`
    /// feature). Without the feature an inspection links certificates by names and key
    /// identifiers, and one asked to verify says in its attention list that signature
    /// checks are not in this build.
    pub fn verifies(&self) -> bool {
        self.verify && cfg!(feature = "verify")
    }
}

/// Inspect anything akscert understands, with the default 30-day warning window.
pub fn inspect(input: &[u8], now: Instant) -> Result<Inspection, InspectError> {
    inspect_with(input, &InspectOptions::new(now))
}

/// Inspect anything akscert understands: sniff the kind, then read it.
pub fn inspect_with(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run(input, opts, None, false)
}

/// Inspect input known to be of `kind`.
pub fn inspect_as(
    kind: InputKind,
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run(input, opts, Some(kind), false)
}

/// PEM (one or many blocks, with any text around them), DER, or base64 DER.
pub fn inspect_certificates(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::Pem)
}

/// Binary DER only (one certificate, or several concatenated); never sniffed as text.
pub fn inspect_der(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    if input.len() > MAX_INSPECT_BYTES {
        return Err(InspectError::TooLarge {
            size: input.len(),
            limit: MAX_INSPECT_BYTES,
        });
    }
    if input.is_empty() {
        return Err(InspectError::Empty);
    }
    read_binary(input, opts, false)
}

/// Binary input: DER certificates, or a DER private key (recognised, never read).
fn read_binary(
    input: &[u8],
    opts: &InspectOptions,
    trust: bool,
) -> Result<Inspection, InspectError> {
    let mut b = Builder::new(opts, InputKind::Der).with_trust(trust);
    if looks_like_der_private_key(input) {
        b.secret(
            "privateKey",
            "DER (PKCS#1, PKCS#8 or SEC 1 private key)".into(),
        );
        return Ok(b.finish());
    }
    b.add_der(Cow::Borrowed(input), "DER".into(), Hint::None, false)?;
    Ok(b.finish())
}

/// A certificate's SEQUENCE starts with the TBSCertificate SEQUENCE; PKCS#1, PKCS#8 and
/// SEC 1 private keys start with a small version INTEGER (0 or 1) instead.
fn looks_like_der_private_key(input: &[u8]) -> bool {
    let mut outer = der_walk::Reader::new(input, 0);
    let Ok(seq) = outer.expect(der_walk::tag::SEQUENCE, "key") else {
        return false;
    };
    let mut inner = der_walk::Reader::inside(&seq);
    matches!(inner.read(), Ok(v) if v.tag == der_walk::tag::INTEGER && matches!(v.value, [0] | [1]))
}

/// A kubeconfig (YAML; UTF-8 or UTF-16).
pub fn inspect_kubeconfig(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::Kubeconfig)
}

/// `openssl x509 -text` (or its Validity block) and `-noout -dates|-enddate|-startdate`.
pub fn inspect_openssl(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::OpensslText)
}

/// `curl -v` output (or `| grep expire`).
pub fn inspect_curl(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::Curl)
}

/// `az vm|vmss run-command invoke` output: full JSON, the `--query value[0].message`
/// JSON string, or `-o tsv` text.
pub fn inspect_run_command(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::AzRunCommand)
}

/// `kubectl get csr`.
pub fn inspect_kubectl_csr(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::KubectlCsr)
}

/// `kubectl get nodes -L kubernetes.azure.com/kubelet-serving-ca` (any `-L` columns).
pub fn inspect_kubectl_nodes(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::KubectlNodes)
}

/// `kubeadm certs check-expiration`.
pub fn inspect_kubeadm(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::KubeadmCheckExpiration)
}

/// `az aks show -o json`, `az aks list -o json`, the ARM bodies, or an ARM operation status.
pub fn inspect_aks_json(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run_kind(input, opts, InputKind::AksCluster)
}

/// Check whether the CA certificate(s) in `ca_input` verify the certificate(s) in
/// `cert_input`: one report per (CA, certificate) pair, as asked. Signatures are verified
/// only for pairs that could be issuer and certificate (issuer name = CA subject, key
/// identifiers equal when both present), each (CA key, certificate) at most once; for
/// the others the report says why the CA cannot have issued it.
pub fn check_trust(
    ca_input: &[u8],
    cert_input: &[u8],
    opts: &InspectOptions,
) -> Result<Vec<TrustReport>, InspectError> {
    let facts_only = InspectOptions {
        verify: false,
        ..opts.clone()
    };
    let ca = inspect_certificates(ca_input, &facts_only)?;
    let leaf = inspect_certificates(cert_input, &facts_only)?;
    // Indices stay those of the inputs: an unreadable certificate is skipped, not renumbered.
    fn read(raw: &[Vec<u8>]) -> Vec<(usize, ParsedCert<'_>)> {
        raw.iter()
            .enumerate()
            .filter_map(|(i, d)| reparse_certificate(d).ok().map(|(p, _)| (i, p)))
            .collect()
    }
    let cas = read(&ca.raw);
    let leaves = read(&leaf.raw);
    let mut v = links::Verifier::default();
    let mut out = Vec::new();
    for (ci, cp) in &cas {
        for (li, lp) in &leaves {
            if out.len() >= MAX_TRUST_REPORTS {
                return Err(InspectError::Limit {
                    what: "trust checks".into(),
                    reason: format!(
                        "{} CA certificates × {} certificates is more than {MAX_TRUST_REPORTS} pairs",
                        cas.len(),
                        leaves.len()
                    ),
                });
            }
            let Some(sig) = v.for_report(cp, lp) else {
                return Err(InspectError::Limit {
                    what: "trust checks".into(),
                    reason: format!(
                        "more than {} signature verifications",
                        links::MAX_SIGNATURE_CHECKS
                    ),
                });
            };
            out.push(trust_report_with_signature(
                cp,
                lp,
                opts.now,
                TrustContext {
                    ca_ref: cert_ref("ca", *ci, cp),
                    cert_ref: cert_ref("certificate", *li, lp),
                    kubeconfig_cluster: None,
                    server: None,
                    tls_server_name: None,
                    insecure_skip_tls_verify: false,
                    clients: Vec::new(),
                },
                sig,
            ));
        }
    }
    Ok(out)
}

/// Validation strictness for [`verify_chain`].
pub use trust::Profile as ValidationProfile;

/// Parameters of [`verify_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainOptions {
    /// Validation instant.
    pub now: Instant,
    /// Which rules apply.
    pub profile: ValidationProfile,
    /// At most this many intermediates on the path (self-issued ones not counted).
    pub max_intermediates: Option<usize>,
    /// DNS name or IP address the leaf must be valid for.
    pub peer_name: Option<String>,
}

/// The verdict of [`verify_chain`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ChainVerdict {
    /// A valid path from the leaf to a trusted certificate exists.
    pub valid: bool,
    /// Why not, in Go's crypto/x509 words where Go has them.
    pub error: Option<String>,
}

/// Path validation: build a path from `leaf` (DER) through any of `intermediates` (DER,
/// any order, decoys and cycles allowed) to one of `anchors` (DER), checking names,
/// signatures, validity at `now`, basicConstraints, keyUsage, pathLen, critical extensions
/// and (optionally) the peer name.
pub fn verify_chain(
    leaf: &[u8],
    intermediates: &[&[u8]],
    anchors: &[&[u8]],
    opts: &ChainOptions,
) -> ChainVerdict {
    let leaf = match parse_certificate(leaf) {
        Ok((p, _)) => p,
        Err(e) => {
            return ChainVerdict {
                valid: false,
                error: Some(format!("the leaf cannot be read: {e}")),
            };
        }
    };
    // An unreadable pool member is skipped, as a path builder would ignore it.
    let ints: Vec<ParsedCert<'_>> = intermediates
        .iter()
        .filter_map(|d| parse_certificate(d).ok().map(|(p, _)| p))
        .collect();
    let mut anch = Vec::new();
    for (i, d) in anchors.iter().enumerate() {
        match parse_certificate(d) {
            Ok((p, _)) => anch.push(p),
            Err(e) => {
                return ChainVerdict {
                    valid: false,
                    error: Some(format!("trusted certificate {i} cannot be read: {e}")),
                };
            }
        }
    }
    let r = trust::verify_path(
        &leaf,
        &ints,
        &anch,
        &trust::PathOptions {
            now: opts.now,
            profile: opts.profile,
            max_intermediates: opts.max_intermediates,
            peer_name: opts.peer_name.as_deref(),
        },
    );
    ChainVerdict {
        valid: r.ok,
        error: r.error,
    }
}

/// The DER of every certificate in a PEM/DER/base64 input, in order.
pub fn certificates_der(input: &[u8]) -> Result<Vec<Vec<u8>>, InspectError> {
    let i = inspect_certificates(input, &InspectOptions::new(Instant::MIN))?;
    Ok(i.raw)
}

/// [`run`] with a known kind, no set.
fn run_kind(
    input: &[u8],
    opts: &InspectOptions,
    kind: InputKind,
) -> Result<Inspection, InspectError> {
    run(input, opts, Some(kind), false)
}

/// Inspect one input; `trust` adds trust checks within it even without `opts.verify`
/// (an input of a set).
fn run(
    input: &[u8],
    opts: &InspectOptions,
    kind: Option<InputKind>,
    trust: bool,
) -> Result<Inspection, InspectError> {
    if input.len() > MAX_INSPECT_BYTES {
        return Err(InspectError::TooLarge {
            size: input.len(),
            limit: MAX_INSPECT_BYTES,
        });
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(InspectError::Empty);
    }
    match text::decode(input)? {
        Decoded::Binary => read_binary(input, opts, trust),
        Decoded::Lossy(t, offset) => {
            let mut i = read_decoded_text(&t, opts, kind, trust)?;
            i.notes.push(format!(
                "the input is not valid UTF-8 from byte {offset}; bad bytes were read as U+FFFD"
            ));
            Ok(i)
        }
        Decoded::Text(t) => read_decoded_text(&t, opts, kind, trust),
    }
}

fn read_decoded_text(
    t: &str,
    opts: &InspectOptions,
    kind: Option<InputKind>,
    trust: bool,
) -> Result<Inspection, InspectError> {
    let t = strip_fences(t);
    let kind = match kind {
        Some(InputKind::OpensslText | InputKind::OpensslDates) => sniff(&t)
            .filter(|k| matches!(k, InputKind::OpensslText | InputKind::OpensslDates))
            .unwrap_or(InputKind::OpensslText),
        Some(InputKind::Pem | InputKind::Der | InputKind::Base64) => {
            if pem::has_pem(&t) {
                InputKind::Pem
            } else {
                InputKind::Base64
            }
        }
        Some(InputKind::AksCluster | InputKind::ArmOperation) => InputKind::AksCluster,
        Some(k) => k,
        None => sniff(&t).ok_or_else(|| InspectError::Unrecognized {
            hint: unrecognized_hint(&t),
        })?,
    };
    let mut b = Builder::new(opts, kind).with_trust(trust);
    read_text(&t, kind, &mut b)?;
    Ok(b.finish())
}

/// Replace Markdown code-fence lines (```` ```json ````) with blank lines: documentation
/// samples wrap output in them. Line numbers stay the same.
fn strip_fences(t: &str) -> Cow<'_, str> {
    // A byte search first: most inputs hold no backtick at all.
    if !t.as_bytes().contains(&b'`') || !contains(t, "```") {
        return Cow::Borrowed(t);
    }
    let lines: Vec<&str> = t
        .split('\n')
        .map(|l| {
            if l.trim_start().starts_with("```") {
                ""
            } else {
                l
            }
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

fn unrecognized_hint(t: &str) -> String {
    if contains(t, "run-command invoke") {
        return ": it looks like the az run-command itself, not its output".into();
    }
    if contains(t, "PRIVATE KEY") {
        return ": it mentions a private key but holds no PEM block".into();
    }
    String::new()
}

/// What kind of text this is, checked in an order where earlier kinds cannot be mistaken
/// for later ones (run-command output may *contain* PEM or `notAfter=` lines).
pub(crate) fn sniff(t: &str) -> Option<InputKind> {
    let trimmed = t.trim_start();
    let json_array = trimmed.strip_prefix('[').is_some_and(|r| {
        let r = r.trim_start();
        r.is_empty() || r.starts_with(['{', ']', '"'])
    });
    if trimmed.starts_with('{') || json_array {
        return Some(az::sniff_json(trimmed));
    }
    if trimmed.starts_with('"') {
        return Some(InputKind::AzRunCommand);
    }
    if contains(t, "Enable succeeded") || (contains(t, "[stdout]") && contains(t, "[stderr]")) {
        return Some(InputKind::AzRunCommand);
    }
    // Later kinds are only tried when no earlier one matched.
    type Looks = fn(&str) -> bool;
    const TEXT_KINDS: &[(Looks, InputKind)] = &[
        (pem::has_pem, InputKind::Pem),
        (kubeconfig::looks_like, InputKind::Kubeconfig),
        (tools::looks_like_curl, InputKind::Curl),
        (tools::looks_like_openssl_text, InputKind::OpensslText),
        (tools::looks_like_openssl_dates, InputKind::OpensslDates),
        (kubectl::looks_like_csr, InputKind::KubectlCsr),
        (kubectl::looks_like_nodes, InputKind::KubectlNodes),
        (tools::looks_like_kubeadm, InputKind::KubeadmCheckExpiration),
        (text::looks_like_base64, InputKind::Base64),
    ];
    TEXT_KINDS
        .iter()
        .find(|(looks, _)| looks(t))
        .map(|(_, kind)| *kind)
}

/// Read text of a known kind into the builder.
///
/// Each kind's reader is `#[inline(never)]`: browsers compile a WebAssembly function
/// whole, the first time it runs, so a dispatcher with every reader inlined made a page's
/// first PEM inspection compile the kubeconfig, `az`, kubectl and tool readers too.
pub(crate) fn read_text(t: &str, kind: InputKind, b: &mut Builder<'_>) -> Result<(), InspectError> {
    match kind {
        InputKind::Pem => read_pem(t, b),
        InputKind::Base64 | InputKind::Der => {
            let bytes = text::base64_decode(t, "base64 input")?;
            b.add_cert_bytes(&bytes, "base64", Hint::None).map(|_| ())
        }
        // A build without `tool-output` (the calculator module) stops here; the readers
        // below are then never reached, and left out of the module.
        _ if !kind.available() => Err(InspectError::NotInThisBuild { kind }),
        InputKind::Kubeconfig => kubeconfig::read(t, b),
        InputKind::OpensslText | InputKind::OpensslDates => tools::read_openssl(t, b),
        InputKind::Curl => tools::read_curl(t, b),
        InputKind::KubeadmCheckExpiration => tools::read_kubeadm(t, b),
        InputKind::KubectlCsr => kubectl::read_csr(t, b),
        InputKind::KubectlNodes => kubectl::read_nodes(t, b),
        InputKind::AzRunCommand => az::read_run_command(t, b),
        InputKind::AksCluster | InputKind::ArmOperation => az::read_json(t, b),
    }
}

/// Where the `i`th PEM block (from 0) is, for its row and messages.
fn block_location(i: usize, line: usize) -> String {
    format!("PEM block {} (line {})", i + 1, line)
}

fn read_pem(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let blocks = pem::scan(t);
    // One allocation for each per-certificate list, not a doubling series of copies.
    b.reserve(
        blocks
            .iter()
            .filter(|block| pem::is_certificate_label(block.label))
            .count(),
    );
    let mut labels: Vec<String> = Vec::new();
    let mut first_err: Option<InspectError> = None;
    let mut n_cert = 0usize;
    for (i, block) in blocks.into_iter().enumerate() {
        let where_ = block_location(i, block.line);
        // Only named in the "no certificate" error, when no block is a certificate.
        if !pem::is_certificate_label(block.label) {
            labels.push(block.label.to_string());
        }
        if block.is_secret() {
            b.secret("privateKey", b.loc(format!("{where_}, {}", block.label)));
            continue;
        }
        if !pem::is_certificate_label(block.label) {
            b.note(format!(
                "{where_}: `{}` is not a certificate; skipped",
                block.label
            ));
            continue;
        }
        n_cert += 1;
        let trailing_ok = block.label == "TRUSTED CERTIFICATE";
        // The location moves into the certificate's row; an error writes it again.
        let result = block.data.and_then(|der| {
            b.add_der(Cow::Owned(der), Cow::Owned(where_), Hint::None, trailing_ok)
        });
        if let Err(e) = result {
            b.part_error(b.loc(block_location(i, block.line)), e.clone());
            first_err.get_or_insert(e);
        }
    }
    if b.doc.certificates.is_empty() {
        if let Some(e) = first_err {
            return Err(e);
        }
        if n_cert == 0 && b.doc.secrets.is_empty() {
            return Err(InspectError::NoCertificate {
                found: format!("PEM blocks labelled {}", labels.join(", ")),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
