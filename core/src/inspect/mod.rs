//! Inspection: what a user pasted or pointed at, what it is, which AKS certificate it is,
//! and when it expires (issue 3).
//!
//! One entry point, [`inspect`] / [`inspect_with`], sniffs the input; each kind also has its
//! own function ([`inspect_certificates`], [`inspect_kubeconfig`], [`inspect_openssl`],
//! [`inspect_curl`], [`inspect_run_command`], [`inspect_kubectl_csr`],
//! [`inspect_kubectl_nodes`], [`inspect_kubeadm`], [`inspect_aks_json`]).
//! [`inspect_set`] inspects several inputs together and adds trust checks across them
//! (`kubeconfig` + `apiserver.pem` → "will this kubeconfig still work against this API
//! server?"); [`check_trust`] checks one CA against one certificate.
//!
//! **Limits.** One input may be at most [`MAX_INPUT_BYTES`] (16 MiB) and hold at most
//! [`MAX_CERTIFICATES`] certificates; larger inputs are refused with
//! [`InspectError::TooLarge`] / [`InspectError::Limit`] before any parsing. Every parser
//! is linear in its input (one pass over lines or TLVs), nothing recurses on input
//! structure beyond a fixed depth, and path building has a fixed work budget.
//!
//! **Secrets.** Private keys, tokens and passwords are recognised and reported as
//! `present (redacted)`; their bytes are never decoded, copied into output, or quoted in
//! an error message.

mod az;
pub mod classify;
mod der_walk;
mod dn;
mod error;
mod kubeconfig;
mod kubectl;
mod model;
mod pem;
mod text;
mod tools;
mod trust;
mod x509;

use std::collections::BTreeMap;

pub use classify::AksRole;
pub use error::InspectError;
pub use model::*;

use crate::time::{Duration, Instant};
use classify::{Hint, RoleFacts, classify};
use text::Decoded;
use trust::{SigCheck, TrustContext, trust_report, verify_signature};
use x509::{
    ParsedCert, parse_certificate, serial_string, sha256_fingerprint, signature_algorithm_name,
};

/// Largest input accepted, in bytes (16 MiB: a kubeconfig or PEM bundle is kilobytes; a
/// whole system CA store is about 200 KiB).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Most certificates read from one input.
pub const MAX_CERTIFICATES: usize = 20_000;

/// Most trust checks generated for one input or set (pairs are also limited to name
/// matches, so this only bites on adversarial inputs).
const MAX_TRUST_REPORTS: usize = 1_000;

/// When and how to judge what is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectOptions {
    /// The instant statuses and days-left are computed at.
    pub now: Instant,
    /// Expiring within this window is `expiringSoon` (default 30 days).
    pub warn_within: Duration,
}

impl InspectOptions {
    /// Options with the default 30-day warning window.
    pub fn new(now: Instant) -> InspectOptions {
        InspectOptions {
            now,
            warn_within: Duration::days(30),
        }
    }
}

/// Inspect anything akscert understands, with the default 30-day warning window.
pub fn inspect(input: &[u8], now: Instant) -> Result<Inspection, InspectError> {
    inspect_with(input, &InspectOptions::new(now))
}

/// Inspect anything akscert understands: sniff the kind, then read it.
pub fn inspect_with(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run(input, opts, None)
}

/// Inspect input known to be of `kind`.
pub fn inspect_as(
    kind: InputKind,
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run(input, opts, Some(kind))
}

/// PEM (one or many blocks, with any text around them), DER, or base64 DER.
pub fn inspect_certificates(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::Pem))
}

/// Binary DER only (one certificate, or several concatenated); never sniffed as text.
pub fn inspect_der(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(InspectError::TooLarge {
            size: input.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    if input.is_empty() {
        return Err(InspectError::Empty);
    }
    let mut b = Builder::new(opts, InputKind::Der);
    b.add_der(input, "DER", Hint::None, false)?;
    Ok(b.finish())
}

/// A kubeconfig (YAML; UTF-8 or UTF-16).
pub fn inspect_kubeconfig(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::Kubeconfig))
}

/// `openssl x509 -text` (or its Validity block) and `-noout -dates|-enddate|-startdate`.
pub fn inspect_openssl(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::OpensslText))
}

/// `curl -v` output (or `| grep expire`).
pub fn inspect_curl(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::Curl))
}

/// `az vm|vmss run-command invoke` output: full JSON, the `--query value[0].message`
/// JSON string, or `-o tsv` text.
pub fn inspect_run_command(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::AzRunCommand))
}

/// `kubectl get csr`.
pub fn inspect_kubectl_csr(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::KubectlCsr))
}

/// `kubectl get nodes -L kubernetes.azure.com/kubelet-serving-ca` (any `-L` columns).
pub fn inspect_kubectl_nodes(
    input: &[u8],
    opts: &InspectOptions,
) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::KubectlNodes))
}

/// `kubeadm certs check-expiration`.
pub fn inspect_kubeadm(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::KubeadmCheckExpiration))
}

/// `az aks show -o json`, `az aks list -o json`, the ARM bodies, or an ARM operation status.
pub fn inspect_aks_json(input: &[u8], opts: &InspectOptions) -> Result<Inspection, InspectError> {
    run(input, opts, Some(InputKind::AksCluster))
}

/// Check whether the CA certificate(s) in `ca_input` verify the certificate(s) in
/// `cert_input`: one report per (CA, certificate) pair.
pub fn check_trust(
    ca_input: &[u8],
    cert_input: &[u8],
    opts: &InspectOptions,
) -> Result<Vec<TrustReport>, InspectError> {
    let ca = inspect_certificates(ca_input, opts)?;
    let leaf = inspect_certificates(cert_input, opts)?;
    let cas: Vec<(usize, ParsedOwned)> = ca
        .raw
        .iter()
        .enumerate()
        .map(|(i, d)| (i, ParsedOwned(d.clone())))
        .collect();
    let mut out = Vec::new();
    for (ci, c) in &cas {
        let Ok((cp, _)) = parse_certificate(&c.0) else {
            continue;
        };
        for (li, l) in leaf.raw.iter().enumerate() {
            let Ok((lp, _)) = parse_certificate(l) else {
                continue;
            };
            out.push(trust_report(
                &cp,
                &lp,
                opts.now,
                TrustContext {
                    ca_ref: cert_ref("ca", *ci, &cp),
                    cert_ref: cert_ref("certificate", li, &lp),
                    kubeconfig_cluster: None,
                    server: None,
                    tls_server_name: None,
                    insecure_skip_tls_verify: false,
                    clients: Vec::new(),
                },
            ));
        }
    }
    Ok(out)
}

struct ParsedOwned(Vec<u8>);

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

fn cert_ref(source: &str, index: usize, p: &ParsedCert<'_>) -> CertRef {
    CertRef {
        source: source.to_string(),
        index,
        subject: p.subject.dn.clone(),
    }
}

/// Inspect several named inputs together. An unreadable input does not stop the others; it
/// is reported in its item (and sets `unreadable`). Trust checks are added across inputs:
/// every kubeconfig cluster CA against every server-capable leaf certificate of the other
/// inputs, and every CA certificate against the leaf certificates it names as issuer.
pub fn inspect_set(inputs: &[(&str, &[u8])], opts: &InspectOptions) -> InspectionSet {
    let mut items = Vec::new();
    for (name, bytes) in inputs {
        match inspect_with(bytes, opts) {
            Ok(mut i) => {
                i.source = (*name).to_string();
                for t in &mut i.trust {
                    t.ca.source = (*name).to_string();
                    t.certificate.source = (*name).to_string();
                }
                items.push(SetItem {
                    source: (*name).to_string(),
                    inspection: Some(i),
                    error: None,
                });
            }
            Err(e) => items.push(SetItem {
                source: (*name).to_string(),
                inspection: None,
                error: Some(PartError {
                    location: (*name).to_string(),
                    message: e.to_string(),
                    error: e,
                }),
            }),
        }
    }
    let trust = cross_trust(&items, opts);
    let mut summary = Summary::default();
    for item in &items {
        if let Some(i) = &item.inspection {
            merge_summary(&mut summary, &i.summary, &item.source);
        }
    }
    for t in &trust {
        if !t.trusted {
            summary.needs_attention = true;
            summary.attention.push(format!(
                "{} ({} vs {}): {}",
                t.verdict,
                t.ca.source,
                t.certificate.source,
                t.kubectl_error.as_deref().unwrap_or("")
            ));
        }
    }
    let unreadable = items
        .iter()
        .any(|i| i.error.is_some() || i.inspection.as_ref().is_some_and(|x| !x.errors.is_empty()));
    InspectionSet {
        api_version: API_VERSION.into(),
        kind: "InspectionSet".into(),
        now: opts.now,
        warn_within: opts.warn_within,
        items,
        trust,
        summary,
        unreadable,
    }
}

fn merge_summary(into: &mut Summary, from: &Summary, source: &str) {
    into.total += from.total;
    into.ok += from.ok;
    into.expiring_soon += from.expiring_soon;
    into.expired += from.expired;
    into.not_yet_valid += from.not_yet_valid;
    into.unknown += from.unknown;
    into.earliest_not_after = match (into.earliest_not_after, from.earliest_not_after) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    into.needs_attention |= from.needs_attention;
    into.attention
        .extend(from.attention.iter().map(|a| format!("{source}: {a}")));
}

fn server_capable(p: &ParsedCert<'_>) -> bool {
    !p.is_ca()
        && p.extended_key_usage.as_ref().is_none_or(|e| {
            e.iter()
                .any(|u| u == "serverAuth" || u == "anyExtendedKeyUsage")
        })
}

fn cross_trust(items: &[SetItem], opts: &InspectOptions) -> Vec<TrustReport> {
    let mut out = Vec::new();
    let inspections: Vec<&Inspection> =
        items.iter().filter_map(|i| i.inspection.as_ref()).collect();
    for (ai, a) in inspections.iter().enumerate() {
        for (bi, b) in inspections.iter().enumerate() {
            if ai == bi {
                continue;
            }
            if let Some(kc) = &a.kubeconfig {
                // Kubeconfig in `a`, server certificates in `b`.
                for cluster in &kc.clusters {
                    for &ca_idx in &cluster.ca_certificates {
                        let Ok((ca, _)) = parse_certificate(&a.raw[ca_idx]) else {
                            continue;
                        };
                        for (li, der) in b.raw.iter().enumerate() {
                            let Ok((leaf, _)) = parse_certificate(der) else {
                                continue;
                            };
                            if !server_capable(&leaf) || out.len() >= MAX_TRUST_REPORTS {
                                continue;
                            }
                            let clients = kubeconfig::clients_for_cluster(a, &cluster.name);
                            let parsed_clients: Vec<(&str, ParsedCert<'_>)> = clients
                                .iter()
                                .filter_map(|(u, i)| {
                                    parse_certificate(&a.raw[*i])
                                        .ok()
                                        .map(|(p, _)| (u.as_str(), p))
                                })
                                .collect();
                            out.push(trust_report(
                                &ca,
                                &leaf,
                                opts.now,
                                TrustContext {
                                    ca_ref: cert_ref(&a.source, ca_idx, &ca),
                                    cert_ref: cert_ref(&b.source, li, &leaf),
                                    kubeconfig_cluster: Some(&cluster.name),
                                    server: cluster.server.as_deref(),
                                    tls_server_name: cluster.tls_server_name.as_deref(),
                                    insecure_skip_tls_verify: cluster.insecure_skip_tls_verify,
                                    clients: parsed_clients,
                                },
                            ));
                        }
                    }
                }
            } else if b.kubeconfig.is_none() {
                // CA certificates in `a` against leaf certificates in `b`: every pair when
                // the inputs are small (the user asked "does this CA verify this?"),
                // otherwise only pairs whose names match.
                let small = a.raw.len() * b.raw.len() <= 16;
                for (ci, cder) in a.raw.iter().enumerate() {
                    let Ok((ca, _)) = parse_certificate(cder) else {
                        continue;
                    };
                    if !ca.is_ca() && ca.version != 1 {
                        continue;
                    }
                    for (li, lder) in b.raw.iter().enumerate() {
                        let Ok((leaf, _)) = parse_certificate(lder) else {
                            continue;
                        };
                        if leaf.is_ca() && leaf.self_issued() {
                            continue;
                        }
                        if (small || leaf.issuer_der == ca.subject_der)
                            && out.len() < MAX_TRUST_REPORTS
                        {
                            out.push(trust_report(
                                &ca,
                                &leaf,
                                opts.now,
                                TrustContext {
                                    ca_ref: cert_ref(&a.source, ci, &ca),
                                    cert_ref: cert_ref(&b.source, li, &leaf),
                                    kubeconfig_cluster: None,
                                    server: None,
                                    tls_server_name: None,
                                    insecure_skip_tls_verify: false,
                                    clients: Vec::new(),
                                },
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Accumulates one [`Inspection`].
pub(crate) struct Builder<'o> {
    opts: &'o InspectOptions,
    doc: Inspection,
    /// Prefix for locations while reading nested text (run-command stdout).
    prefix: String,
    /// Sentences for the summary's attention list that are not about dates.
    attention: Vec<String>,
}

impl<'o> Builder<'o> {
    fn new(opts: &'o InspectOptions, kind: InputKind) -> Builder<'o> {
        Builder {
            opts,
            doc: Inspection {
                api_version: API_VERSION.into(),
                kind: "Inspection".into(),
                source: "input".into(),
                input_kind: kind,
                now: opts.now,
                warn_within: opts.warn_within,
                summary: Summary::default(),
                certificates: Vec::new(),
                validities: Vec::new(),
                kubeconfig: None,
                csrs: Vec::new(),
                nodes: Vec::new(),
                clusters: Vec::new(),
                operations: Vec::new(),
                run_command: None,
                trust: Vec::new(),
                secrets: Vec::new(),
                errors: Vec::new(),
                notes: Vec::new(),
                raw: Vec::new(),
            },
            prefix: String::new(),
            attention: Vec::new(),
        }
    }

    pub(crate) fn attention(&mut self, a: impl Into<String>) {
        self.attention.push(a.into());
    }

    pub(crate) fn loc(&self, where_: impl std::fmt::Display) -> String {
        if self.prefix.is_empty() {
            where_.to_string()
        } else {
            format!("{}, {where_}", self.prefix)
        }
    }

    pub(crate) fn status(&self, nb: Option<Instant>, na: Option<Instant>) -> Status {
        Status::at(nb, na, self.opts.now, self.opts.warn_within)
    }

    pub(crate) fn note(&mut self, n: impl Into<String>) {
        self.doc.notes.push(n.into());
    }

    pub(crate) fn secret(&mut self, kind: &str, location: String) {
        self.doc.secrets.push(RedactedSecret::new(kind, location));
    }

    pub(crate) fn part_error(&mut self, location: String, error: InspectError) {
        self.doc.errors.push(PartError {
            location,
            message: error.to_string(),
            error,
        });
    }

    pub(crate) fn doc_mut(&mut self) -> &mut Inspection {
        &mut self.doc
    }

    pub(crate) fn has_findings(&self) -> bool {
        let d = &self.doc;
        !(d.certificates.is_empty()
            && d.validities.is_empty()
            && d.csrs.is_empty()
            && d.nodes.is_empty()
            && d.clusters.is_empty()
            && d.operations.is_empty()
            && d.kubeconfig.is_none()
            && d.secrets.is_empty())
    }

    /// Add one validity row read from tool output.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_validity(&mut self, mut v: ValidityReport, hint: Hint<'_>) {
        v.index = self.doc.validities.len();
        v.location = self.loc(&v.location);
        v.status = if v.not_after.is_none() && v.not_before.is_none() {
            v.status
        } else {
            self.status(v.not_before, v.not_after)
        };
        v.days_left = v.not_after.map(|na| self.opts.now.days_until(na));
        let cn = v.subject.as_deref().and_then(printed_cn);
        let o: Vec<String> = v.subject.as_deref().map(printed_o).unwrap_or_default();
        let issuer_cn = v.issuer.as_deref().and_then(printed_cn);
        let lifetime = match (v.not_before, v.not_after) {
            (Some(a), Some(b)) => Some(b.since(a).as_seconds() / 86_400),
            _ => None,
        };
        let self_issued = match (&v.subject, &v.issuer) {
            (Some(s), Some(i)) => Some(s == i),
            _ => None,
        };
        let (role, reason) = if v.subject.is_none() && v.name.is_none() {
            (
                AksRole::Unknown,
                "the output shows only dates, not which certificate".to_string(),
            )
        } else {
            classify(&RoleFacts {
                subject_cn: cn.as_deref(),
                subject_o: &o,
                issuer_cn: issuer_cn.as_deref(),
                is_ca: None,
                self_issued,
                eku: None,
                lifetime_days: lifetime,
                san_dns: &[],
                hint,
            })
        };
        v.role = role;
        v.role_reason = reason;
        self.doc.validities.push(v);
    }

    /// Add the certificates in decoded bytes: DER (one or several concatenated) or PEM text
    /// (AKS kubeconfig data fields hold base64 of PEM).
    pub(crate) fn add_cert_bytes(
        &mut self,
        bytes: &[u8],
        location: &str,
        hint: Hint<'_>,
    ) -> Result<Vec<usize>, InspectError> {
        if bytes.first() == Some(&0x30) {
            return self.add_der(bytes, location, hint, false);
        }
        if let Ok(t) = std::str::from_utf8(bytes)
            && pem::has_pem(t)
        {
            let mut added = Vec::new();
            let mut first_err = None;
            for block in pem::scan(t) {
                let where_ = format!("{location}, PEM block at line {}", block.line);
                if block.is_secret() {
                    self.secret(
                        "privateKey",
                        self.loc(format!("{where_} ({})", block.label)),
                    );
                    continue;
                }
                if !pem::is_certificate_label(&block.label) {
                    continue;
                }
                match block.data {
                    Ok(der) => match self.add_der(
                        &der,
                        &where_,
                        hint,
                        block.label == "TRUSTED CERTIFICATE",
                    ) {
                        Ok(v) => added.extend(v),
                        Err(e) => {
                            first_err.get_or_insert(e);
                        }
                    },
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            return match (added.is_empty(), first_err) {
                (_, Some(e)) => Err(e),
                (true, None) => Err(InspectError::NotACertificate {
                    what: location.to_string(),
                    reason: "PEM text without a CERTIFICATE block".into(),
                }),
                (false, None) => Ok(added),
            };
        }
        Err(InspectError::NotACertificate {
            what: location.to_string(),
            reason: describe_bytes(bytes),
        })
    }

    /// Add DER certificate(s).
    pub(crate) fn add_der(
        &mut self,
        der: &[u8],
        location: &str,
        hint: Hint<'_>,
        trailing_ok: bool,
    ) -> Result<Vec<usize>, InspectError> {
        let mut added = Vec::new();
        let mut rest = der;
        let mut offset = 0usize;
        loop {
            if self.doc.certificates.len() >= MAX_CERTIFICATES {
                return Err(InspectError::Limit {
                    what: "certificates".into(),
                    reason: format!("more than {MAX_CERTIFICATES} certificates in one input"),
                });
            }
            let (parsed, used) = parse_certificate(rest).map_err(|e| match e {
                InspectError::Der {
                    what,
                    offset: o,
                    reason,
                } => InspectError::Der {
                    what: format!("{location}: {what}"),
                    offset: o + offset,
                    reason,
                },
                other => other.within(location),
            })?;
            let where_ = if added.is_empty() && used == rest.len() && offset == 0 {
                location.to_string()
            } else {
                format!("{location}, certificate at byte {offset}")
            };
            let idx = self.push_cert(&parsed, &where_, hint);
            added.push(idx);
            rest = &rest[used..];
            offset += used;
            if rest.is_empty() {
                break;
            }
            if trailing_ok {
                break;
            }
            if rest[0] == 0x30 && parse_certificate(rest).is_ok() {
                continue;
            }
            self.doc.certificates[idx].warnings.push(format!(
                "{} bytes of trailing data after the certificate (at byte {offset})",
                rest.len()
            ));
            break;
        }
        Ok(added)
    }

    fn push_cert(&mut self, p: &ParsedCert<'_>, location: &str, hint: Hint<'_>) -> usize {
        let index = self.doc.certificates.len();
        let now = self.opts.now;
        let lifetime = p.not_after.since(p.not_before);
        let self_issued = p.self_issued();
        let self_signed = if self_issued {
            match verify_signature(p.spki, p.sig_alg, p.tbs, p.signature) {
                SigCheck::Valid => Some(true),
                SigCheck::Invalid(_) => Some(false),
                SigCheck::Unsupported(_) => None,
            }
        } else {
            Some(false)
        };
        let eku = p.extended_key_usage.clone();
        let (role, role_reason) = classify(&RoleFacts {
            subject_cn: p.subject.cn.as_deref(),
            subject_o: &p.subject.o,
            issuer_cn: p.issuer.cn.as_deref(),
            is_ca: Some(p.is_ca()),
            self_issued: Some(self_issued),
            eku: eku.as_deref(),
            lifetime_days: Some(lifetime.as_seconds() / 86_400),
            san_dns: &p.sans.dns,
            hint,
        });
        self.doc.certificates.push(CertificateReport {
            index,
            location: self.loc(location),
            subject: p.subject.clone(),
            issuer: p.issuer.clone(),
            version: p.version,
            serial: serial_string(p.serial),
            signature_algorithm: signature_algorithm_name(&p.sig_alg_oid)
                .map_or_else(|| p.sig_alg_oid.clone(), str::to_string),
            public_key: p.public_key.clone(),
            not_before: p.not_before,
            not_after: p.not_after,
            lifetime,
            days_left: now.days_until(p.not_after),
            status: self.status(Some(p.not_before), Some(p.not_after)),
            basic_constraints: p.basic_constraints.clone(),
            is_ca: p.is_ca(),
            key_usage: p
                .key_usage
                .as_ref()
                .map(|k| k.iter().map(|s| (*s).to_string()).collect())
                .unwrap_or_default(),
            extended_key_usage: eku.unwrap_or_default(),
            sans: p.sans.clone(),
            subject_key_id: p.subject_key_id.as_deref().map(dn::hex_colon_upper),
            authority_key_id: p.authority_key_id.as_deref().map(dn::hex_colon_upper),
            sha256_fingerprint: sha256_fingerprint(p.der),
            self_issued,
            self_signed,
            role,
            role_reason,
            issued_by: None,
            strict_der: p.strict_ok,
            warnings: p.warnings.clone(),
        });
        self.doc.raw.push(p.der.to_vec());
        index
    }

    fn finish(mut self) -> Inspection {
        link_issuers(&mut self.doc);
        same_input_trust(&mut self.doc, self.opts);
        self.doc.summary = summarize(&self.doc);
        self.doc.summary.attention.append(&mut self.attention);
        self.doc.summary.needs_attention = !self.doc.summary.attention.is_empty();
        self.doc
    }
}

/// CN from a tool's printed subject (`CN = apiserver`, `CN=ca`, `/O=x/CN=client`,
/// `CN=demo.azure.com; O=aks`).
fn printed_cn(s: &str) -> Option<String> {
    printed_attr(s, "CN").into_iter().last()
}

fn printed_o(s: &str) -> Vec<String> {
    printed_attr(s, "O")
}

fn printed_attr(s: &str, key: &str) -> Vec<String> {
    s.split([',', '/', ';'])
        .filter_map(|part| {
            let (k, v) = part.split_once('=')?;
            (k.trim() == key).then(|| v.trim().to_string())
        })
        .collect()
}

fn describe_bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(t) if t.trim().is_empty() => "it decodes to nothing but whitespace".into(),
        Ok(t) => format!(
            "it decodes to {} bytes of text, neither PEM nor DER (a placeholder?)",
            t.len()
        ),
        Err(_) => format!(
            "it decodes to {} bytes of binary that do not start like DER (0x30)",
            bytes.len()
        ),
    }
}

/// Set `issued_by` where another certificate of the same input verifies the signature.
fn link_issuers(doc: &mut Inspection) {
    let parsed: Vec<Option<ParsedCert<'_>>> = doc
        .raw
        .iter()
        .map(|d| parse_certificate(d).ok().map(|(p, _)| p))
        .collect();
    let mut by_subject: BTreeMap<&[u8], Vec<usize>> = BTreeMap::new();
    for (i, p) in parsed.iter().enumerate() {
        if let Some(p) = p {
            by_subject.entry(p.subject_der).or_default().push(i);
        }
    }
    let mut links = vec![None; parsed.len()];
    for (i, p) in parsed.iter().enumerate() {
        let Some(p) = p else { continue };
        for &j in by_subject
            .get(p.issuer_der)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if j == i {
                continue;
            }
            let Some(issuer) = &parsed[j] else { continue };
            if verify_signature(issuer.spki, p.sig_alg, p.tbs, p.signature) == SigCheck::Valid {
                links[i] = Some(j);
                break;
            }
        }
    }
    for (c, l) in doc.certificates.iter_mut().zip(links) {
        c.issued_by = l;
    }
}

/// Within one input (a PEM bundle), check each CA against the certificates that name it as
/// issuer.
fn same_input_trust(doc: &mut Inspection, opts: &InspectOptions) {
    if doc.kubeconfig.is_some() {
        return;
    }
    let parsed: Vec<Option<ParsedCert<'_>>> = doc
        .raw
        .iter()
        .map(|d| parse_certificate(d).ok().map(|(p, _)| p))
        .collect();
    let mut reports = Vec::new();
    for (ci, ca) in parsed.iter().enumerate() {
        let Some(ca) = ca else { continue };
        if !ca.is_ca() {
            continue;
        }
        for (li, leaf) in parsed.iter().enumerate() {
            let Some(leaf) = leaf else { continue };
            if li == ci
                || leaf.issuer_der != ca.subject_der
                || leaf.der == ca.der
                || reports.len() >= MAX_TRUST_REPORTS
            {
                continue;
            }
            reports.push(trust_report(
                ca,
                leaf,
                opts.now,
                TrustContext {
                    ca_ref: cert_ref(&doc.source, ci, ca),
                    cert_ref: cert_ref(&doc.source, li, leaf),
                    kubeconfig_cluster: None,
                    server: None,
                    tls_server_name: None,
                    insecure_skip_tls_verify: false,
                    clients: Vec::new(),
                },
            ));
        }
    }
    doc.trust = reports;
}

fn summarize(doc: &Inspection) -> Summary {
    let mut s = Summary::default();
    let tally = |status: Status, na: Option<Instant>, what: String, s: &mut Summary| {
        s.total += 1;
        match status {
            Status::Ok => s.ok += 1,
            Status::ExpiringSoon => s.expiring_soon += 1,
            Status::Expired => s.expired += 1,
            Status::NotYetValid => s.not_yet_valid += 1,
            Status::Unknown => s.unknown += 1,
        }
        if let Some(na) = na {
            s.earliest_not_after = Some(s.earliest_not_after.map_or(na, |e| e.min(na)));
        }
        if status.needs_attention() {
            s.attention.push(what);
        }
    };
    let days = |d: i64| {
        if d < 0 {
            format!("{} days ago", -d)
        } else {
            format!("in {d} days")
        }
    };
    for c in &doc.certificates {
        let what = match c.status {
            Status::NotYetValid => format!(
                "certificate {} ({}) is not valid until {}",
                c.index, c.subject.dn, c.not_before
            ),
            _ => format!(
                "certificate {} ({}, {:?}) {} {} ({})",
                c.index,
                c.subject.dn,
                c.role,
                if c.status == Status::Expired {
                    "expired"
                } else {
                    "expires"
                },
                c.not_after,
                days(c.days_left)
            ),
        };
        tally(c.status, Some(c.not_after), what, &mut s);
    }
    for v in &doc.validities {
        let label = v
            .name
            .clone()
            .or_else(|| v.subject.clone())
            .unwrap_or_else(|| v.location.clone());
        let what = match (v.status, v.not_after, v.days_left) {
            (Status::NotYetValid, _, _) => format!("{label} is not yet valid"),
            (_, Some(na), Some(d)) => format!(
                "{label} {} {na} ({})",
                if v.status == Status::Expired {
                    "expired"
                } else {
                    "expires"
                },
                days(d)
            ),
            _ => format!("{label}: {}", v.detail.as_deref().unwrap_or("expired")),
        };
        tally(v.status, v.not_after, what, &mut s);
    }
    for csr in &doc.csrs {
        if let Some(flag) = &csr.flag {
            s.attention
                .push(format!("CSR {} (line {}): {flag}", csr.name, csr.line));
        }
    }
    for t in &doc.trust {
        if !t.trusted {
            s.attention.push(format!(
                "certificate {} is not verified by certificate {}: {}",
                t.certificate.index,
                t.ca.index,
                t.kubectl_error.as_deref().unwrap_or(&t.verdict)
            ));
        }
    }
    s.needs_attention = !s.attention.is_empty();
    s
}

fn run(
    input: &[u8],
    opts: &InspectOptions,
    kind: Option<InputKind>,
) -> Result<Inspection, InspectError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(InspectError::TooLarge {
            size: input.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err(InspectError::Empty);
    }
    match text::decode(input)? {
        Decoded::Binary => {
            let mut b = Builder::new(opts, InputKind::Der);
            b.add_der(input, "DER", Hint::None, false)?;
            Ok(b.finish())
        }
        Decoded::Lossy(t, offset) => {
            let mut i = read_decoded_text(&t, opts, kind)?;
            i.notes.push(format!(
                "the input is not valid UTF-8 from byte {offset}; bad bytes were read as U+FFFD"
            ));
            Ok(i)
        }
        Decoded::Text(t) => read_decoded_text(&t, opts, kind),
    }
}

fn read_decoded_text(
    t: &str,
    opts: &InspectOptions,
    kind: Option<InputKind>,
) -> Result<Inspection, InspectError> {
    {
        {
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
            let mut b = Builder::new(opts, kind);
            read_text(&t, kind, &mut b)?;
            Ok(b.finish())
        }
    }
}

/// Replace Markdown code-fence lines (```` ```json ````) with blank lines: documentation
/// samples wrap output in them. Line numbers stay the same.
fn strip_fences(t: &str) -> std::borrow::Cow<'_, str> {
    if !t.contains("```") {
        return std::borrow::Cow::Borrowed(t);
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
    std::borrow::Cow::Owned(lines.join("\n"))
}

fn unrecognized_hint(t: &str) -> String {
    if t.contains("run-command invoke") {
        return ": it looks like the az run-command itself, not its output".into();
    }
    if t.contains("PRIVATE KEY") {
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
    if t.contains("Enable succeeded") || (t.contains("[stdout]") && t.contains("[stderr]")) {
        return Some(InputKind::AzRunCommand);
    }
    if pem::has_pem(t) {
        return Some(InputKind::Pem);
    }
    if kubeconfig::looks_like(t) {
        return Some(InputKind::Kubeconfig);
    }
    if tools::looks_like_curl(t) {
        return Some(InputKind::Curl);
    }
    if tools::looks_like_openssl_text(t) {
        return Some(InputKind::OpensslText);
    }
    if tools::looks_like_openssl_dates(t) {
        return Some(InputKind::OpensslDates);
    }
    if kubectl::looks_like_csr(t) {
        return Some(InputKind::KubectlCsr);
    }
    if kubectl::looks_like_nodes(t) {
        return Some(InputKind::KubectlNodes);
    }
    if tools::looks_like_kubeadm(t) {
        return Some(InputKind::KubeadmCheckExpiration);
    }
    if text::looks_like_base64(t) {
        return Some(InputKind::Base64);
    }
    None
}

/// Read text of a known kind into the builder.
pub(crate) fn read_text(t: &str, kind: InputKind, b: &mut Builder<'_>) -> Result<(), InspectError> {
    match kind {
        InputKind::Pem => read_pem(t, b),
        InputKind::Base64 | InputKind::Der => {
            let bytes = text::base64_decode(t, "base64 input")?;
            b.add_cert_bytes(&bytes, "base64", Hint::None).map(|_| ())
        }
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

fn read_pem(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let blocks = pem::scan(t);
    let mut labels: Vec<String> = Vec::new();
    let mut first_err: Option<InspectError> = None;
    let mut n_cert = 0usize;
    for (i, block) in blocks.into_iter().enumerate() {
        let where_ = format!("PEM block {} (line {})", i + 1, block.line);
        labels.push(block.label.clone());
        if block.is_secret() {
            b.secret("privateKey", b.loc(format!("{where_}, {}", block.label)));
            continue;
        }
        if !pem::is_certificate_label(&block.label) {
            b.note(format!(
                "{where_}: `{}` is not a certificate; skipped",
                block.label
            ));
            continue;
        }
        n_cert += 1;
        let result = block.data.and_then(|der| {
            b.add_der(
                &der,
                &where_,
                Hint::None,
                block.label == "TRUSTED CERTIFICATE",
            )
        });
        if let Err(e) = result {
            b.part_error(b.loc(&where_), e.clone());
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
mod tests;
