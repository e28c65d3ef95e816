//! The compact answer for bundles (`inspectBundle`): the fields a caller lists for every
//! certificate, one column per field, so that a bundle of thousands crosses the module
//! boundary as a handful of arrays instead of thousands of nested objects.

use serde::{Deserialize, Serialize};

use super::classify::AksRole;
use super::model::{Inspection, PartError, Status};
use crate::time::Instant;

/// The certificates of one inspection as columns: row `i` of every column is the `i`-th
/// certificate (`Inspection::certificates[i]`). Dates and statuses are judged at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CertificateColumns {
    /// Always `akscert/v1`.
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: String,
    /// Always `CertificateColumns`.
    pub kind: String,
    /// Name of the input.
    pub source: String,
    /// The instant statuses were computed at.
    pub now: Instant,
    /// How many certificates (the length of every column).
    pub count: usize,
    /// Where each was found (`PEM block 2 (line 31)`).
    pub location: Vec<String>,
    /// Subject DN, `C=US, O=system:masters, CN=client`.
    pub subject: Vec<String>,
    /// Subject commonName, if any.
    pub subject_cn: Vec<Option<String>>,
    /// Issuer commonName, if any.
    pub issuer_cn: Vec<Option<String>>,
    /// Start of validity.
    pub not_before: Vec<Instant>,
    /// End of validity (inclusive).
    pub not_after: Vec<Instant>,
    /// Whole days from `now` to notAfter.
    pub days_left: Vec<i64>,
    /// Status at `now`.
    pub status: Vec<Status>,
    /// 1 for a CA certificate (basicConstraints cA), else 0.
    pub is_ca: Vec<u8>,
    /// 1 when issuer = subject, else 0.
    pub self_issued: Vec<u8>,
    /// Which AKS certificate each is.
    pub role: Vec<AksRole>,
    /// SHA-256 fingerprint, `AB:CD:…` as OpenSSL prints it.
    pub sha256: Vec<String>,
    /// Parts of the input that could not be read (nothing is dropped silently).
    pub errors: Vec<PartError>,
}

impl CertificateColumns {
    /// The columns of `inspection`'s certificates.
    pub fn of(inspection: &Inspection) -> CertificateColumns {
        let certs = &inspection.certificates;
        CertificateColumns {
            api_version: crate::document::API_VERSION.into(),
            kind: "CertificateColumns".into(),
            source: inspection.source.clone(),
            now: inspection.now,
            count: certs.len(),
            location: certs.iter().map(|c| c.location.clone()).collect(),
            subject: certs.iter().map(|c| c.subject.dn.clone()).collect(),
            subject_cn: certs.iter().map(|c| c.subject.cn.clone()).collect(),
            issuer_cn: certs.iter().map(|c| c.issuer.cn.clone()).collect(),
            not_before: certs.iter().map(|c| c.not_before).collect(),
            not_after: certs.iter().map(|c| c.not_after).collect(),
            days_left: certs.iter().map(|c| c.days_left).collect(),
            status: certs.iter().map(|c| c.status).collect(),
            is_ca: certs.iter().map(|c| u8::from(c.is_ca)).collect(),
            self_issued: certs.iter().map(|c| u8::from(c.self_issued)).collect(),
            role: certs.iter().map(|c| c.role).collect(),
            sha256: certs.iter().map(|c| c.sha256_fingerprint.clone()).collect(),
            errors: inspection.errors.clone(),
        }
    }
}
