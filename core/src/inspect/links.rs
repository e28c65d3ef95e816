//! Which certificate issued which: candidate issuers are found by name and key identifier
//! first, and a signature is verified only for a pair that could be issuer and subject,
//! at most once per (issuer key, certificate), within a fixed budget that is reported
//! when it runs out.
//!
//! Signature verification is most of the cost of inspecting a certificate (hundreds of
//! microseconds against a few for reading it), so a bundle of n copies of one certificate
//! must cost one verification, not n².

use std::collections::BTreeMap;
use std::ops::Range;

use crate::vec_map::{Groups, VecMap};

use super::signature::{IssuerKey, SigCheck};
use super::x509::ParsedCert;

/// Most signature verifications made for one inspection or one set. Enough for every
/// pair of a 20,000-certificate bundle with one plausible issuer each; when it runs out,
/// the unchecked answers are left empty and a note says so.
pub(crate) const MAX_SIGNATURE_CHECKS: usize = 25_000;

/// Whether an authorityKeyIdentifier and a subjectKeyIdentifier allow the pair: when both
/// are present they must be equal (a different key identifier means a different key).
pub(crate) fn key_ids_agree(aki: Option<&[u8]>, ski: Option<&[u8]>) -> bool {
    match (aki, ski) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

/// Whether `ca` could have issued `cert`: its subject is the certificate's issuer name and
/// the key identifiers, when both are present, agree.
pub(crate) fn plausible_issuer(ca: &ParsedCert<'_>, cert: &ParsedCert<'_>) -> bool {
    ca.subject_der == cert.issuer_der
        && key_ids_agree(
            cert.authority_key_id.as_deref(),
            ca.subject_key_id.as_deref(),
        )
}

/// What default (unverified) linking needs of a certificate, kept from its one parse.
#[derive(Debug, Clone)]
pub(crate) struct LinkFacts {
    /// The subject Name TLV, as a range of the certificate's DER.
    pub subject: Range<usize>,
    /// The issuer Name TLV, as a range of the certificate's DER.
    pub issuer: Range<usize>,
    /// subjectKeyIdentifier.
    pub ski: Option<Vec<u8>>,
    /// authorityKeyIdentifier keyIdentifier.
    pub aki: Option<Vec<u8>>,
    /// Issuer and subject names are equal.
    pub self_issued: bool,
}

/// Where `part` (a subslice of `whole`) lies in `whole`.
fn range_in(whole: &[u8], part: &[u8]) -> Range<usize> {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    start..start + part.len()
}

impl LinkFacts {
    /// The facts of a parsed certificate; its key identifiers move here (the report
    /// keeps them as text).
    pub(crate) fn take_from(p: &mut ParsedCert<'_>) -> LinkFacts {
        LinkFacts {
            subject: range_in(p.der, p.subject_der),
            issuer: range_in(p.der, p.issuer_der),
            ski: p.subject_key_id.take(),
            aki: p.authority_key_id.take(),
            self_issued: p.self_issued(),
        }
    }

    /// Self-issued, and the key identifiers do not say another key signed it: what
    /// "self-signed" means when signatures are not verified.
    pub(crate) fn self_signed_by_name(&self) -> bool {
        self.self_issued && key_ids_agree(self.aki.as_deref(), self.ski.as_deref())
    }
}

/// Certificates indexed by subject name and subjectKeyIdentifier, so that the candidate
/// issuers of a certificate are found by lookup rather than by a scan.
struct IssuerIndex<'a> {
    /// (subject, SKI) → certificates, in input order.
    by_key_id: Groups<(&'a [u8], &'a [u8]), usize>,
    /// subject → certificates without an SKI, in input order.
    without_key_id: Groups<&'a [u8], usize>,
    /// subject → every certificate, in input order.
    by_subject: Groups<&'a [u8], usize>,
}

impl<'a> IssuerIndex<'a> {
    fn new(certs: impl Iterator<Item = (usize, &'a [u8], Option<&'a [u8]>)>) -> IssuerIndex<'a> {
        let certs: Vec<_> = certs.collect();
        IssuerIndex {
            by_key_id: Groups::new(
                certs
                    .iter()
                    .filter_map(|&(i, subject, ski)| Some(((subject, ski?), i))),
            ),
            without_key_id: Groups::new(
                certs
                    .iter()
                    .filter(|c| c.2.is_none())
                    .map(|&(i, subject, _)| (subject, i)),
            ),
            by_subject: Groups::new(certs.iter().map(|&(i, subject, _)| (subject, i))),
        }
    }

    /// The candidate issuers of a certificate with issuer name `issuer` and AKI `aki`, in
    /// input order: with an AKI, those whose SKI equals it or who have none; without, all.
    fn candidates<'s>(&'s self, issuer: &'a [u8], aki: Option<&'a [u8]>) -> [&'s [usize]; 2] {
        match aki {
            Some(a) => [
                self.by_key_id.get(&(issuer, a)),
                self.without_key_id.get(issuer),
            ],
            None => [self.by_subject.get(issuer), &[]],
        }
    }
}

/// The first candidate other than `i` in input order.
fn first_other(lists: &[&[usize]], i: usize) -> Option<usize> {
    lists
        .iter()
        .filter_map(|l| l.iter().copied().find(|&j| j != i))
        .min()
}

/// `issuedBy` without verifying signatures: the first other certificate whose subject is
/// this one's issuer and whose key identifier agrees; none for a self-signed one.
pub(crate) fn link_by_name(facts: &[LinkFacts], raw: &[Vec<u8>]) -> Vec<Option<usize>> {
    let name = |i: usize, r: &Range<usize>| raw[i].get(r.clone()).unwrap_or(&[]);
    let ix = IssuerIndex::new(
        facts
            .iter()
            .enumerate()
            .map(|(i, f)| (i, name(i, &f.subject), f.ski.as_deref())),
    );
    facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if f.self_signed_by_name() {
                return None;
            }
            first_other(&ix.candidates(name(i, &f.issuer), f.aki.as_deref()), i)
        })
        .collect()
}

/// Verifies signatures with a cache keyed by (issuer key, certificate bytes), so each pair
/// is verified once however many copies of either the input holds, and each public key is
/// parsed once; stops at [`MAX_SIGNATURE_CHECKS`].
pub(crate) struct Verifier<'a> {
    keys: BTreeMap<&'a [u8], Option<IssuerKey<'a>>>,
    results: BTreeMap<(&'a [u8], &'a [u8]), SigCheck>,
    /// Verifications made.
    pub verified: usize,
    /// Verifications refused because the budget was spent.
    pub refused: usize,
    /// The budget.
    limit: usize,
}

impl Default for Verifier<'_> {
    fn default() -> Self {
        Verifier::with_limit(MAX_SIGNATURE_CHECKS)
    }
}

impl<'a> Verifier<'a> {
    /// A verifier that makes at most `limit` verifications.
    pub(crate) fn with_limit(limit: usize) -> Verifier<'a> {
        Verifier {
            keys: BTreeMap::new(),
            results: BTreeMap::new(),
            verified: 0,
            refused: 0,
            limit,
        }
    }

    /// The budget is spent: later checks are refused.
    pub(crate) fn exhausted(&self) -> bool {
        self.verified >= self.limit
    }

    /// Does `issuer`'s key verify `cert`'s signature? `None` when the budget is spent.
    pub(crate) fn check(
        &mut self,
        issuer: &ParsedCert<'a>,
        cert: &ParsedCert<'a>,
    ) -> Option<SigCheck> {
        if let Some(r) = self.results.get(&(issuer.spki, cert.der)) {
            return Some(r.clone());
        }
        if self.exhausted() {
            self.refused += 1;
            return None;
        }
        self.verified += 1;
        let r = self.run(issuer, cert, false);
        self.results.insert((issuer.spki, cert.der), r.clone());
        Some(r)
    }

    /// The verdict for a pair known not to match by key identifier, without the
    /// cryptographic check (which could only fail): the message Go prints for it.
    pub(crate) fn predict_failure(
        &mut self,
        issuer: &ParsedCert<'a>,
        cert: &ParsedCert<'a>,
    ) -> SigCheck {
        match self.run(issuer, cert, true) {
            SigCheck::Invalid(e) => SigCheck::Predicted(e),
            other => other,
        }
    }

    fn run(&mut self, issuer: &ParsedCert<'a>, cert: &ParsedCert<'a>, dry: bool) -> SigCheck {
        let key = self
            .keys
            .entry(issuer.spki)
            .or_insert_with(|| IssuerKey::parse(issuer.spki));
        match key {
            Some(k) => k.verify(cert.sig_alg, cert.tbs, cert.signature, dry),
            None => SigCheck::Unsupported("the issuer's public key is malformed".into()),
        }
    }

    /// The check of `ca` against `cert` for a trust report: verified when the pair is
    /// plausible, predicted when only the key identifiers differ (names equal), and `None`
    /// when the budget is spent. Pairs whose names differ need no signature verdict: Go
    /// does not try such a CA at all.
    pub(crate) fn for_report(
        &mut self,
        ca: &ParsedCert<'a>,
        cert: &ParsedCert<'a>,
    ) -> Option<SigCheck> {
        if ca.subject_der != cert.issuer_der {
            Some(SigCheck::NotTried(format!(
                "the certificate's issuer `{}` is not this CA's subject",
                cert.issuer.dn
            )))
        } else if plausible_issuer(ca, cert) {
            self.check(ca, cert)
        } else {
            Some(self.predict_failure(ca, cert))
        }
    }

    /// Whether `cert` is self-issued, its key identifiers agree, and its own key verifies
    /// it (`None` when the budget is spent before it could be checked).
    pub(crate) fn self_signed(&mut self, cert: &ParsedCert<'a>) -> Option<bool> {
        if !cert.self_issued()
            || !key_ids_agree(
                cert.authority_key_id.as_deref(),
                cert.subject_key_id.as_deref(),
            )
        {
            return Some(false);
        }
        self.check(cert, cert).map(|r| r == SigCheck::Valid)
    }

    /// A note for the reader when some verification was refused.
    pub(crate) fn budget_note(&self) -> Option<String> {
        (self.refused > 0).then(|| {
            format!(
                "signature checks stopped after {} verifications (the limit): {} more candidate \
                 issuer/certificate pairs were not verified, so some `issuedBy`/`selfSigned` \
                 answers or trust checks are missing",
                self.verified, self.refused
            )
        })
    }
}

/// A subject name and its subjectKeyIdentifier, if any.
type SubjectKeyId<'p> = (&'p [u8], Option<&'p [u8]>);

/// Candidate issuers sharing a subject, SKI and public key: one signature check decides
/// for all of them.
struct KeyGroup<'a> {
    spki: &'a [u8],
    /// Members in input order (only the first two are ever needed: "first other than i").
    members: Vec<usize>,
}

/// `issuedBy` by signature: for each certificate, the first candidate issuer (by name and
/// key identifier, in input order) whose key verifies it. Candidates sharing a key are
/// verified once, so n copies of a certificate cost one verification, not n².
pub(crate) fn link_by_signature<'a, 'p>(
    parsed: &'p [Option<ParsedCert<'a>>],
    v: &mut Verifier<'a>,
) -> Vec<Option<usize>> {
    // (subject, SKI) → key groups in order of first appearance.
    let members = Groups::new(parsed.iter().enumerate().filter_map(|(i, p)| {
        Some((
            (
                p.as_ref()?.subject_der,
                p.as_ref()?.subject_key_id.as_deref(),
            ),
            i,
        ))
    }));
    let mut groups: VecMap<SubjectKeyId<'p>, Vec<KeyGroup<'p>>> = VecMap::new();
    for (key, list) in members.iter() {
        let mut keyed: Vec<KeyGroup<'p>> = Vec::new();
        for &i in list {
            let Some(p) = &parsed[i] else { continue };
            match keyed.iter_mut().find(|g| g.spki == p.spki) {
                Some(g) if g.members.len() < 2 => g.members.push(i),
                Some(_) => {}
                None => keyed.push(KeyGroup {
                    spki: p.spki,
                    members: vec![i],
                }),
            }
        }
        // Keys arrive in order, so each insert appends.
        groups.insert(*key, keyed);
    }
    // SKIs present under each subject, for certificates without an AKI (any SKI will do).
    let skis = Groups::new(groups.keys().map(|&(subject, ski)| (subject, ski)));
    let mut out = vec![None; parsed.len()];
    for (i, p) in parsed.iter().enumerate() {
        let Some(p) = p else { continue };
        let aki = p.authority_key_id.as_deref();
        let keys: Vec<Option<&[u8]>> = match aki {
            Some(a) => vec![Some(a), None],
            None => skis.get(p.issuer_der).to_vec(),
        };
        let mut reps: Vec<(usize, &KeyGroup<'p>)> = keys
            .into_iter()
            .filter_map(|ski| groups.get(&(p.issuer_der, ski)))
            .flatten()
            .filter_map(|g| g.members.iter().copied().find(|&j| j != i).map(|j| (j, g)))
            .collect();
        crate::sort::sort_by_key(&mut reps, |(j, _)| *j);
        for (j, _) in reps {
            let Some(ca) = &parsed[j] else { continue };
            match v.check(ca, p) {
                Some(SigCheck::Valid) => {
                    out[i] = Some(j);
                    break;
                }
                Some(_) => {}
                None => break,
            }
        }
    }
    out
}
