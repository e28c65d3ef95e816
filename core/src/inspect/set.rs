//! Several inputs inspected together, and the trust checks that link certificates within
//! and across inputs (`akscert inspect kubeconfig apiserver.pem`).

use crate::vec_map::Groups;

use super::links::{
    LinkFacts, Verifier, key_ids_agree, link_by_name, link_by_signature, plausible_issuer,
};
use super::trust::{ClientCheck, SigCheck, TrustContext, trust_report_with_signature};
use super::x509::{ParsedCert, reparse_certificate};
use super::*;

pub(crate) fn cert_ref(source: &str, index: usize, p: &ParsedCert<'_>) -> CertRef {
    CertRef {
        source: source.to_string(),
        index,
        subject: p.subject.dn.clone(),
    }
}

/// Inspect several named inputs together. An unreadable input does not stop the others; it
/// is reported in its item (and sets `unreadable`). Trust checks are added across inputs:
/// every kubeconfig cluster CA against every server-capable leaf certificate of the other
/// inputs, and every CA certificate against the certificates that could be its own (issuer
/// name = CA subject, key identifiers equal when both present). Trust checks always verify
/// signatures, whatever `opts.verify` says; a self-signed certificate is not checked
/// against other CAs, so unrelated roots and self-signed leaves are not failures.
pub fn inspect_set(inputs: &[(&str, &[u8])], opts: &InspectOptions) -> InspectionSet {
    let mut items = Vec::new();
    for (name, bytes) in inputs {
        match run(bytes, opts, None, true) {
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
    let (trust, problems) = cross_trust(&items, opts);
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
    if !problems.is_empty() {
        summary.needs_attention = true;
        summary.attention.extend(problems);
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

/// Whether `cert` is its own issuer, so that `ca` (another certificate) is not, whatever
/// the names say: a self-issued CA certificate (a root; trust anchors are trusted, not
/// checked against each other, and a re-issued root keeps its name), a self-issued one
/// with `ca`'s own key (a re-issue), or a self-issued one its own key verifies (a
/// self-signed kubelet serving certificate beside the cluster CA).
fn own_issuer<'a>(v: &mut Verifier<'a>, ca: &ParsedCert<'a>, cert: &ParsedCert<'a>) -> bool {
    cert.self_issued()
        && (cert.is_ca() || cert.spki == ca.spki || v.self_signed(cert) == Some(true))
}

/// Collects trust reports up to [`MAX_TRUST_REPORTS`] and says what was left unchecked.
struct Reports {
    out: Vec<TrustReport>,
    /// Candidate pairs not checked (signature budget or report limit).
    unchecked: usize,
}

impl Reports {
    fn new() -> Reports {
        Reports {
            out: Vec::new(),
            unchecked: 0,
        }
    }

    fn full(&self) -> bool {
        self.out.len() >= MAX_TRUST_REPORTS
    }

    /// The attention line when something was not checked: an unchecked pair is a failure,
    /// never a silent pass.
    fn problems(&self, v: &Verifier<'_>, notes: &mut Vec<String>) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(n) = v.budget_note() {
            notes.push(n);
        }
        if self.unchecked > 0 {
            out.push(format!(
                "trust checks stopped after {} reports (limits: {MAX_TRUST_REPORTS} reports, {} signature verifications); {} candidate issuer/certificate pair(s) were not checked",
                self.out.len(),
                super::links::MAX_SIGNATURE_CHECKS,
                self.unchecked
            ));
        }
        out
    }
}

fn ctx<'a>(ca_ref: CertRef, cert_ref: CertRef) -> TrustContext<'a> {
    TrustContext {
        ca_ref,
        cert_ref,
        kubeconfig_cluster: None,
        server: None,
        tls_server_name: None,
        insecure_skip_tls_verify: false,
        clients: Vec::new(),
    }
}

/// Check every CA certificate of `cas` against the certificates of `certs` that could be
/// its own, adding to `r`.
#[allow(clippy::too_many_arguments)]
fn ca_pairs<'a>(
    cas: &[Option<ParsedCert<'a>>],
    ca_source: &str,
    certs: &[Option<ParsedCert<'a>>],
    cert_source: &str,
    same_input: bool,
    now: Instant,
    v: &mut Verifier<'a>,
    r: &mut Reports,
) {
    let by_issuer = Groups::new(
        certs
            .iter()
            .enumerate()
            .filter_map(|(li, leaf)| Some((leaf.as_ref()?.issuer_der, li))),
    );
    for (ci, ca) in cas.iter().enumerate() {
        let Some(ca) = ca else { continue };
        if !ca.is_ca() && (same_input || ca.version != 1) {
            continue;
        }
        for &li in by_issuer.get(ca.subject_der) {
            let Some(leaf) = &certs[li] else { continue };
            if (same_input && li == ci)
                || leaf.der == ca.der
                || !plausible_issuer(ca, leaf)
                || own_issuer(v, ca, leaf)
            {
                continue;
            }
            if r.full() {
                r.unchecked += 1;
                continue;
            }
            let Some(sig) = v.check(ca, leaf) else {
                r.unchecked += 1;
                continue;
            };
            r.out.push(trust_report_with_signature(
                ca,
                leaf,
                now,
                ctx(cert_ref(ca_source, ci, ca), cert_ref(cert_source, li, leaf)),
                sig,
            ));
        }
    }
}

fn cross_trust(items: &[SetItem], opts: &InspectOptions) -> (Vec<TrustReport>, Vec<String>) {
    let inspections: Vec<&Inspection> =
        items.iter().filter_map(|i| i.inspection.as_ref()).collect();
    // Each certificate is re-read once; pairs are then looked up by issuer name, not
    // scanned, and only plausible ones are verified.
    let parsed: Vec<Vec<Option<ParsedCert<'_>>>> = inspections
        .iter()
        .map(|i| {
            i.raw
                .iter()
                .map(|d| reparse_certificate(d).ok().map(|(p, _)| p))
                .collect()
        })
        .collect();
    let mut v = Verifier::default();
    let mut r = Reports::new();
    for (ai, a) in inspections.iter().enumerate() {
        for (bi, b) in inspections.iter().enumerate() {
            if ai == bi {
                continue;
            }
            if let Some(kc) = &a.kubeconfig {
                kubeconfig_pairs(a, kc, &parsed[ai], b, &parsed[bi], opts.now, &mut v, &mut r);
            } else if b.kubeconfig.is_none() {
                ca_pairs(
                    &parsed[ai],
                    &a.source,
                    &parsed[bi],
                    &b.source,
                    false,
                    opts.now,
                    &mut v,
                    &mut r,
                );
            }
        }
    }
    let mut notes = Vec::new();
    let mut problems = r.problems(&v, &mut notes);
    problems.extend(notes);
    (r.out, problems)
}

/// Kubeconfig cluster CAs in `a` against the server certificates of `b`: "will kubectl
/// with this kubeconfig accept this server?". Every server-capable certificate is checked
/// (a rotated CA keeps its name, so a mismatch is the answer, not noise), except one that
/// signed itself, which no cluster CA issued.
#[allow(clippy::too_many_arguments)]
fn kubeconfig_pairs<'a>(
    a: &Inspection,
    kc: &KubeconfigReport,
    a_parsed: &[Option<ParsedCert<'a>>],
    b: &Inspection,
    b_parsed: &[Option<ParsedCert<'a>>],
    now: Instant,
    v: &mut Verifier<'a>,
    r: &mut Reports,
) {
    for cluster in &kc.clusters {
        let clients = kubeconfig::clients_for_cluster(a, &cluster.name);
        for &ca_idx in &cluster.ca_certificates {
            let Some(Some(ca)) = a_parsed.get(ca_idx) else {
                continue;
            };
            // Each client certificate is judged against this CA once, not once per leaf.
            let mut checked_clients: Vec<(&str, ParsedCert<'a>, bool, Option<String>)> = Vec::new();
            for (user, i, key_problem) in &clients {
                let Some(Some(c)) = a_parsed.get(*i) else {
                    continue;
                };
                let issued = plausible_issuer(ca, c) && v.check(ca, c) == Some(SigCheck::Valid);
                checked_clients.push((user, c.clone(), issued, key_problem.clone()));
            }
            for (li, leaf) in b_parsed.iter().enumerate() {
                let Some(leaf) = leaf else { continue };
                if !server_capable(leaf) || own_issuer(v, ca, leaf) {
                    continue;
                }
                if r.full() {
                    r.unchecked += 1;
                    continue;
                }
                let Some(sig) = v.for_report(ca, leaf) else {
                    r.unchecked += 1;
                    continue;
                };
                r.out.push(trust_report_with_signature(
                    ca,
                    leaf,
                    now,
                    TrustContext {
                        ca_ref: cert_ref(&a.source, ca_idx, ca),
                        cert_ref: cert_ref(&b.source, li, leaf),
                        kubeconfig_cluster: Some(&cluster.name),
                        server: cluster.server.as_deref(),
                        tls_server_name: cluster.tls_server_name.as_deref(),
                        insecure_skip_tls_verify: cluster.insecure_skip_tls_verify,
                        clients: checked_clients
                            .iter()
                            .map(|(user, cert, issued, key)| ClientCheck {
                                user,
                                cert: cert.clone(),
                                issued_by_ca: *issued,
                                key_problem: key.clone(),
                            })
                            .collect(),
                    },
                    sig,
                ));
            }
        }
    }
}

/// Within one input: set `issuedBy` (and, with `verify`, `selfSigned` by signature), and
/// when `trust` (a set, or `verify`) check each CA against the certificates that could be
/// its own, unless the input is a kubeconfig, whose trust checks are made against its
/// server. Without `verify` and `trust` nothing is re-read and no signature is verified.
/// Returns sentences for the summary's attention list (checks that could not be made).
/// A build without signature checks (the calculator module, whose API refuses `verify`
/// and sets before they get here) links by names and key identifiers and, asked for
/// checks, says in one sentence that it makes none.
pub(crate) fn link_and_check_within(
    doc: &mut Inspection,
    facts: &[LinkFacts],
    opts: &InspectOptions,
    trust: bool,
) -> Vec<String> {
    let trust = trust && doc.kubeconfig.is_none() && doc.raw.len() >= 2;
    if !opts.verifies() {
        for (c, l) in doc
            .certificates
            .iter_mut()
            .zip(link_by_name(facts, &doc.raw))
        {
            c.issued_by = l;
        }
        if !trust && !opts.verify {
            return Vec::new();
        }
        // Without it, the checks below would only answer "unavailable" pair by pair, and
        // their code (the verifier, the trust reports) would be in the calculator module.
        #[cfg(not(feature = "verify"))]
        return vec![super::signature::UNAVAILABLE.to_string()];
    }
    verify_within(doc, opts, trust)
}

/// [`link_and_check_within`]'s signature checks: out of line, because a browser compiles
/// a WebAssembly function whole the first time it runs, and an inspection without
/// `verify` (every one in the calculator module) never gets here.
#[inline(never)]
fn verify_within(doc: &mut Inspection, opts: &InspectOptions, trust: bool) -> Vec<String> {
    let raw = std::mem::take(&mut doc.raw);
    let problems = {
        let parsed: Vec<Option<ParsedCert<'_>>> = raw
            .iter()
            .map(|d| reparse_certificate(d).ok().map(|(p, _)| p))
            .collect();
        let mut v = Verifier::default();
        if opts.verify {
            for (c, p) in doc.certificates.iter_mut().zip(&parsed) {
                let Some(p) = p else { continue };
                // Never verified when the names or key identifiers say another key signed
                // it; `null` when the algorithm is unsupported or the budget is spent.
                c.self_signed = if !p.self_issued()
                    || !key_ids_agree(p.authority_key_id.as_deref(), p.subject_key_id.as_deref())
                {
                    Some(false)
                } else {
                    match v.check(p, p) {
                        Some(SigCheck::Valid) => Some(true),
                        Some(SigCheck::Invalid(_)) => Some(false),
                        _ => None,
                    }
                };
            }
            for (c, l) in doc
                .certificates
                .iter_mut()
                .zip(link_by_signature(&parsed, &mut v))
            {
                c.issued_by = l;
            }
        }
        let mut r = Reports::new();
        if trust {
            ca_pairs(
                &parsed,
                &doc.source,
                &parsed,
                &doc.source,
                true,
                opts.now,
                &mut v,
                &mut r,
            );
        }
        let problems = r.problems(&v, &mut doc.notes);
        doc.trust = r.out;
        problems
    };
    doc.raw = raw;
    problems
}
