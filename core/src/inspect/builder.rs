//! The accumulator every reader writes into, and the summary computed at the end.

use std::borrow::Cow;
use std::ops::Range;

use super::classify::{Hint, RoleFacts, classify};
use super::links::LinkFacts;
use super::rotation::rotation_hint;
use super::set::link_and_check_within;
use super::x509::{
    ParsedCert, parse_certificate, serial_string, sha256_fingerprint, signature_algorithm_name,
};
use super::*;
use crate::policy::Policy;

/// Accumulates one [`Inspection`].
pub(crate) struct Builder<'o> {
    opts: &'o InspectOptions,
    pub(crate) doc: Inspection,
    /// Prefix for locations while reading nested text (run-command stdout).
    pub(crate) prefix: String,
    /// Sentences for the summary's attention list that are not about dates.
    attention: Vec<String>,
    /// Per certificate, what linking it to its issuer needs (parallel to `doc.raw`).
    facts: Vec<LinkFacts>,
    /// Check each CA of the input against the certificates it may have issued.
    trust_within: bool,
    /// AKS's rules for rotation hints, built once per inspection rather than per
    /// certificate (it owns strings).
    policy: Policy,
}

impl<'o> Builder<'o> {
    /// The AKS policy this inspection judges by (the defaults: inspection takes no
    /// overrides).
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    pub(crate) fn new(opts: &'o InspectOptions, kind: InputKind) -> Builder<'o> {
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
            policy: Policy::default(),
            attention: Vec::new(),
            facts: Vec::new(),
            trust_within: opts.verify,
        }
    }

    /// Make trust checks within the input even without `verify` (inspecting a set).
    pub(crate) fn with_trust(mut self, trust: bool) -> Builder<'o> {
        self.trust_within |= trust;
        self
    }

    pub(crate) fn attention(&mut self, a: impl Into<String>) {
        self.attention.push(a.into());
    }

    /// Make room for `certificates` more certificates in each per-certificate list.
    pub(crate) fn reserve(&mut self, certificates: usize) {
        let n = certificates.min(MAX_CERTIFICATES);
        self.doc.certificates.reserve(n);
        self.doc.raw.reserve(n);
        self.facts.reserve(n);
    }

    pub(crate) fn loc(&self, where_: impl std::fmt::Display) -> String {
        if self.prefix.is_empty() {
            where_.to_string()
        } else {
            format!("{}, {where_}", self.prefix)
        }
    }

    /// [`Self::loc`] of a location the caller owns: moved, not copied, when there is no
    /// prefix (nearly always).
    fn loc_owned(&self, where_: String) -> String {
        if self.prefix.is_empty() {
            where_
        } else {
            self.loc(where_)
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
            classify(
                &RoleFacts {
                    subject_cn: cn.as_deref(),
                    subject_o: &o,
                    issuer_cn: issuer_cn.as_deref(),
                    is_ca: v.is_ca,
                    self_issued,
                    eku: None,
                    lifetime_days: lifetime,
                    san_dns: &[],
                    hint,
                },
                &self.policy,
            )
        };
        v.role = role;
        v.role_reason = reason;
        // Tool output may show only notAfter; a renewal point needs both ends.
        v.next_rotation = match (v.not_before, v.not_after) {
            (Some(nb), Some(na)) => rotation_hint(role, nb, na, &self.policy),
            (None, Some(na)) => {
                rotation_hint(role, na, na, &self.policy).filter(|h| h.earliest.is_none())
            }
            _ => None,
        };
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
            return Ok(self
                .add_der(Cow::Borrowed(bytes), Cow::Borrowed(location), hint, false)?
                .collect());
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
                if !pem::is_certificate_label(block.label) {
                    continue;
                }
                match block.data {
                    Ok(der) => match self.add_der(
                        Cow::Owned(der),
                        Cow::Borrowed(&where_),
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

    /// Add DER certificate(s); answers the indexes of those added (consecutive). A
    /// certificate that is the whole of an owned input keeps that buffer as its raw DER
    /// rather than a copy (the usual PEM block).
    pub(crate) fn add_der(
        &mut self,
        der: Cow<'_, [u8]>,
        mut location: Cow<'_, str>,
        hint: Hint<'_>,
        trailing_ok: bool,
    ) -> Result<Range<usize>, InspectError> {
        let first = self.doc.certificates.len();
        let mut added: Option<usize> = None;
        let mut whole = false;
        let mut rest: &[u8] = &der;
        let mut offset = 0usize;
        loop {
            if self.doc.certificates.len() >= MAX_CERTIFICATES {
                return Err(InspectError::Limit {
                    what: "certificates".into(),
                    reason: format!("more than {MAX_CERTIFICATES} certificates in one input"),
                });
            }
            // Each certificate is parsed once: what follows a certificate is tried as the
            // next one, and becomes "trailing data" only if it is not one.
            let (parsed, used) = match parse_certificate(rest) {
                Ok(p) => p,
                Err(e) => match added {
                    Some(last) => {
                        self.doc.certificates[last].warnings.push(format!(
                            "{} bytes of trailing data after the certificate (at byte {offset})",
                            rest.len()
                        ));
                        break;
                    }
                    None => {
                        return Err(match e {
                            InspectError::Der {
                                what,
                                offset: o,
                                reason,
                            } => InspectError::Der {
                                what: format!("{location}: {what}"),
                                offset: o + offset,
                                reason,
                            },
                            other => other.within(&location),
                        });
                    }
                },
            };
            whole = added.is_none() && used == rest.len() && offset == 0;
            let where_ = if whole {
                // The only certificate, so `location` is not read again: an owned one
                // moves into the report instead of being copied.
                self.loc_owned(std::mem::take(&mut location).into_owned())
            } else {
                self.loc(format_args!("{location}, certificate at byte {offset}"))
            };
            let cert = &rest[..used];
            let idx = self.push_cert(parsed, where_, hint);
            if !whole {
                self.doc.raw.push(cert.to_vec());
            }
            added = Some(idx);
            rest = &rest[used..];
            offset += used;
            if rest.is_empty() || trailing_ok {
                break;
            }
            if rest[0] != 0x30 {
                self.doc.certificates[idx].warnings.push(format!(
                    "{} bytes of trailing data after the certificate (at byte {offset})",
                    rest.len()
                ));
                break;
            }
        }
        if whole {
            self.doc.raw.push(der.into_owned());
        }
        Ok(first..self.doc.certificates.len())
    }

    /// Report one parsed certificate; its fields move into the report (no copies). The
    /// caller keeps its DER in `doc.raw`.
    fn push_cert(&mut self, mut p: ParsedCert<'_>, location: String, hint: Hint<'_>) -> usize {
        let index = self.doc.certificates.len();
        let now = self.opts.now;
        let lifetime = p.not_after.since(p.not_before);
        let subject_key_id = p.subject_key_id.as_deref().map(dn::hex_colon_upper);
        let authority_key_id = p.authority_key_id.as_deref().map(dn::hex_colon_upper);
        let facts = LinkFacts::take_from(&mut p);
        let self_issued = facts.self_issued;
        // With `verify`, replaced by the signature verdict when the input is linked.
        let self_signed = Some(facts.self_signed_by_name());
        self.facts.push(facts);
        let is_ca = p.is_ca();
        let eku = p.extended_key_usage;
        let (role, role_reason) = classify(
            &RoleFacts {
                subject_cn: p.subject.cn.as_deref(),
                subject_o: &p.subject.o,
                issuer_cn: p.issuer.cn.as_deref(),
                is_ca: Some(is_ca),
                self_issued: Some(self_issued),
                eku: eku.as_deref(),
                lifetime_days: Some(lifetime.as_seconds() / 86_400),
                san_dns: &p.sans.dns,
                hint,
            },
            &self.policy,
        );
        self.doc.certificates.push(CertificateReport {
            index,
            location,
            subject: p.subject,
            issuer: p.issuer,
            version: p.version,
            serial: serial_string(p.serial),
            signature_algorithm: signature_algorithm_name(&p.sig_alg_oid)
                .map_or(p.sig_alg_oid, Cow::Borrowed),
            public_key: p.public_key,
            not_before: p.not_before,
            not_after: p.not_after,
            lifetime,
            days_left: now.days_until(p.not_after),
            status: self.status(Some(p.not_before), Some(p.not_after)),
            basic_constraints: p.basic_constraints,
            is_ca,
            key_usage: p
                .key_usage
                .map(|k| k.into_iter().map(Cow::Borrowed).collect())
                .unwrap_or_default(),
            extended_key_usage: eku.unwrap_or_default(),
            sans: p.sans,
            subject_key_id,
            authority_key_id,
            sha256_fingerprint: sha256_fingerprint(p.der),
            self_issued,
            self_signed,
            linked_by: if self.opts.verifies() {
                LinkedBy::Signature
            } else {
                LinkedBy::NameAndKeyId
            },
            role,
            role_reason,
            next_rotation: rotation_hint(role, p.not_before, p.not_after, &self.policy),
            issued_by: None,
            strict_der: p.strict_ok,
            warnings: p.warnings,
        });
        index
    }

    pub(crate) fn finish(mut self) -> Inspection {
        let problems =
            link_and_check_within(&mut self.doc, &self.facts, self.opts, self.trust_within);
        self.attention.extend(problems);
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

fn summarize(doc: &Inspection) -> Summary {
    let mut s = Summary::default();
    // `what` is only formatted for the items that need attention: a bundle of hundreds of
    // healthy certificates must not pay for hundreds of sentences nobody reads.
    let tally =
        |status: Status, na: Option<Instant>, what: &dyn Fn() -> String, s: &mut Summary| {
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
                s.attention.push(what());
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
        let what = || match c.status {
            Status::NotYetValid => format!(
                "certificate {} ({}) is not valid until {}",
                c.index, c.subject.dn, c.not_before
            ),
            _ => format!(
                "certificate {} ({}, {}) {} {} ({})",
                c.index,
                c.subject.dn,
                c.role.as_str(),
                if c.status == Status::Expired {
                    "expired"
                } else {
                    "expires"
                },
                c.not_after,
                days(c.days_left)
            ),
        };
        tally(c.status, Some(c.not_after), &what, &mut s);
    }
    for v in &doc.validities {
        let what = || {
            let label = v
                .name
                .clone()
                .or_else(|| v.subject.clone())
                .unwrap_or_else(|| v.location.clone());
            match (v.status, v.not_after, v.days_left) {
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
            }
        };
        tally(v.status, v.not_after, &what, &mut s);
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
