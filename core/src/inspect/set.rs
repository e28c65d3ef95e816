//! Several inputs inspected together, and the trust checks that link certificates within
//! and across inputs (`akscert inspect kubeconfig apiserver.pem`).

use std::collections::BTreeMap;

use super::trust::{
    SigCheck, TrustContext, trust_report, trust_report_with_signature, verify_signature,
};
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
    // Each certificate is re-read once; pairs are then looked up, not scanned, so two large
    // bundles cost O(n log n) rather than O(n²) parses.
    let parsed: Vec<Vec<Option<ParsedCert<'_>>>> = inspections
        .iter()
        .map(|i| {
            i.raw
                .iter()
                .map(|d| reparse_certificate(d).ok().map(|(p, _)| p))
                .collect()
        })
        .collect();
    for (ai, a) in inspections.iter().enumerate() {
        for (bi, b) in inspections.iter().enumerate() {
            if ai == bi || out.len() >= MAX_TRUST_REPORTS {
                continue;
            }
            if let Some(kc) = &a.kubeconfig {
                // Kubeconfig in `a`, server certificates in `b`.
                for cluster in &kc.clusters {
                    let clients = kubeconfig::clients_for_cluster(a, &cluster.name);
                    for &ca_idx in &cluster.ca_certificates {
                        let Some(Some(ca)) = parsed[ai].get(ca_idx) else {
                            continue;
                        };
                        for (li, leaf) in parsed[bi].iter().enumerate() {
                            let Some(leaf) = leaf else { continue };
                            if !server_capable(leaf) {
                                continue;
                            }
                            if out.len() >= MAX_TRUST_REPORTS {
                                break;
                            }
                            let parsed_clients: Vec<(&str, ParsedCert<'_>)> = clients
                                .iter()
                                .filter_map(|(u, i)| {
                                    parsed[ai]
                                        .get(*i)
                                        .cloned()
                                        .flatten()
                                        .map(|p| (u.as_str(), p))
                                })
                                .collect();
                            out.push(trust_report(
                                ca,
                                leaf,
                                opts.now,
                                TrustContext {
                                    ca_ref: cert_ref(&a.source, ca_idx, ca),
                                    cert_ref: cert_ref(&b.source, li, leaf),
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
                // CA certificates in `a` against leaf certificates in `b`: when `a` is one
                // CA and `b` one certificate, the user asked "does this CA verify this?",
                // so check even if the names differ; otherwise only pairs whose names match.
                let small = a.raw.len() == 1 && b.raw.len() == 1;
                let mut by_issuer: BTreeMap<&[u8], Vec<usize>> = BTreeMap::new();
                for (li, leaf) in parsed[bi].iter().enumerate() {
                    if let Some(leaf) = leaf
                        && !(leaf.is_ca() && leaf.self_issued())
                    {
                        by_issuer.entry(leaf.issuer_der).or_default().push(li);
                    }
                }
                for (ci, ca) in parsed[ai].iter().enumerate() {
                    let Some(ca) = ca else { continue };
                    if !ca.is_ca() && ca.version != 1 {
                        continue;
                    }
                    let candidates: Vec<usize> = if small {
                        by_issuer
                            .values()
                            .flatten()
                            .copied()
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter()
                            .collect()
                    } else {
                        by_issuer.get(ca.subject_der).cloned().unwrap_or_default()
                    };
                    for li in candidates {
                        let Some(Some(leaf)) = parsed[bi].get(li) else {
                            continue;
                        };
                        if out.len() >= MAX_TRUST_REPORTS {
                            break;
                        }
                        out.push(trust_report(
                            ca,
                            leaf,
                            opts.now,
                            TrustContext {
                                ca_ref: cert_ref(&a.source, ci, ca),
                                cert_ref: cert_ref(&b.source, li, leaf),
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
    out
}

/// Within one input (a PEM bundle): set `issued_by` where another certificate of the input
/// verifies the signature (when `opts.check_signatures`), and check each CA against the
/// certificates that name it as issuer (unless the input is a kubeconfig, whose trust checks
/// are made against its server). One pass: each certificate is parsed once and each
/// issuer/subject pair's signature verified at most once, since both answers need it.
pub(crate) fn link_and_check_within(doc: &mut Inspection, opts: &InspectOptions) {
    if doc.raw.len() < 2 {
        return;
    }
    let parsed: Vec<Option<ParsedCert<'_>>> = doc
        .raw
        .iter()
        .map(|d| reparse_certificate(d).ok().map(|(p, _)| p))
        .collect();
    let mut by_subject: BTreeMap<&[u8], Vec<usize>> = BTreeMap::new();
    let mut by_issuer: BTreeMap<&[u8], Vec<usize>> = BTreeMap::new();
    for (i, p) in parsed.iter().enumerate() {
        if let Some(p) = p {
            by_subject.entry(p.subject_der).or_default().push(i);
            by_issuer.entry(p.issuer_der).or_default().push(i);
        }
    }
    // (issuer index, subject index) → the signature check of that pair.
    let mut checked: BTreeMap<(usize, usize), SigCheck> = BTreeMap::new();
    let mut signature = |issuer: usize, cert: usize| -> SigCheck {
        checked
            .entry((issuer, cert))
            .or_insert_with(|| match (&parsed[issuer], &parsed[cert]) {
                (Some(ca), Some(c)) => verify_signature(ca.spki, c.sig_alg, c.tbs, c.signature),
                // Unreachable: only parsed certificates are indexed.
                _ => SigCheck::Unsupported("not parsed".into()),
            })
            .clone()
    };

    if opts.check_signatures {
        for (i, p) in parsed.iter().enumerate() {
            let Some(p) = p else { continue };
            let link = by_subject
                .get(p.issuer_der)
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .copied()
                .find(|&j| j != i && signature(j, i) == SigCheck::Valid);
            if let Some(c) = doc.certificates.get_mut(i) {
                c.issued_by = link;
            }
        }
    }

    if doc.kubeconfig.is_some() {
        return;
    }
    let mut reports = Vec::new();
    for (ci, ca) in parsed.iter().enumerate() {
        let Some(ca) = ca else { continue };
        if !ca.is_ca() {
            continue;
        }
        for &li in by_issuer.get(ca.subject_der).map_or(&[][..], Vec::as_slice) {
            let Some(leaf) = &parsed[li] else { continue };
            if li == ci || leaf.der == ca.der || reports.len() >= MAX_TRUST_REPORTS {
                continue;
            }
            reports.push(trust_report_with_signature(
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
                signature(ci, li),
            ));
        }
    }
    doc.trust = reports;
}
