//! Certificates as the renderers need them: the ones in force at an instant (from an
//! expiry report's rows, or replayed from a timeline's `certificateIssued` events), and
//! every lifetime over a simulated span, for the SVG lanes.

use std::collections::BTreeMap;

use akscert_core::cluster::{Event, EventKind};
use akscert_core::inventory::{CertRole, Issuer, Scope};
use akscert_core::report::ExpiryReport;
use akscert_core::time::Instant;

/// One certificate (or key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertLine {
    /// Role.
    pub role: CertRole,
    /// Scope.
    pub scope: Scope,
    /// Node file path, when known.
    pub path: Option<String>,
    /// Signer.
    pub issuer: Issuer,
    /// Model serial, when known.
    pub serial: Option<u64>,
    /// Start of validity.
    pub not_before: Instant,
    /// End of validity (`None` for keys).
    pub not_after: Option<Instant>,
    /// Until when it was in use: replaced at this instant, or kept to the horizon.
    pub until: Instant,
}

/// Every certificate issued by `events`, with when it was replaced (or `horizon`),
/// grouped by (role, scope) in report order.
fn lanes<'a>(events: impl Iterator<Item = &'a Event>, horizon: Instant) -> Vec<CertLine> {
    let mut lanes: BTreeMap<(CertRole, Scope), Vec<CertLine>> = BTreeMap::new();
    for e in events {
        let EventKind::CertificateIssued {
            role,
            scope,
            serial,
            issuer,
            not_before,
            not_after,
            ..
        } = &e.kind
        else {
            continue;
        };
        let lane = lanes.entry((*role, scope.clone())).or_default();
        if let Some(prev) = lane.last_mut() {
            prev.until = prev.until.min(e.at);
        }
        lane.push(CertLine {
            role: *role,
            scope: scope.clone(),
            path: None,
            issuer: *issuer,
            serial: Some(*serial),
            not_before: *not_before,
            not_after: *not_after,
            until: horizon,
        });
    }
    lanes.into_values().flatten().collect()
}

/// Every certificate issued up to `horizon`, with when it was replaced, grouped by
/// (role, scope) in report order.
pub fn lifetimes(events: &[Event], horizon: Instant) -> Vec<CertLine> {
    lanes(events.iter(), horizon)
}

/// The certificates in force at `at` (the last issued of each role and scope).
pub fn certs_at(events: &[Event], at: Instant) -> Vec<CertLine> {
    let mut current: BTreeMap<(CertRole, Scope), CertLine> = BTreeMap::new();
    for line in lanes(events.iter().filter(|e| e.at <= at), at) {
        current.insert((line.role, line.scope.clone()), line);
    }
    current.into_values().collect()
}

/// The certificates of an expiry report.
pub fn report_certs(r: &ExpiryReport) -> Vec<CertLine> {
    r.rows
        .iter()
        .map(|row| CertLine {
            role: row.role,
            scope: row.scope.clone(),
            path: row.path.clone(),
            issuer: row.issuer,
            serial: None,
            not_before: row.not_before,
            not_after: row.not_after,
            until: r.now,
        })
        .collect()
}
