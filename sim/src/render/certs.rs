//! Certificates as the renderers need them: the ones in force at an instant (from an
//! expiry report's rows, or replayed from a timeline's `certificateIssued` events), and
//! every lifetime over a simulated span, for the SVG lanes.

use std::collections::BTreeMap;

use akscert_core::inventory::{CertRole, Issuer, Scope};
use akscert_core::time::Instant;
use serde::Deserialize;

use crate::views::{EventView, ReportView};

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Issued {
    role: CertRole,
    scope: Scope,
    serial: u64,
    issuer: Issuer,
    not_before: Instant,
    not_after: Option<Instant>,
}

fn issued(e: &EventView) -> Option<Issued> {
    if e.kind != "certificateIssued" {
        return None;
    }
    serde_json::from_value(serde_json::Value::Object(e.fields.clone())).ok()
}

/// Every certificate issued up to `horizon`, with when it was replaced, grouped by
/// (role, scope) in report order.
pub fn lifetimes(events: &[EventView], horizon: Instant) -> Vec<CertLine> {
    let mut lanes: BTreeMap<(CertRole, Scope), Vec<CertLine>> = BTreeMap::new();
    for e in events {
        let Some(i) = issued(e) else { continue };
        let lane = lanes.entry((i.role, i.scope.clone())).or_default();
        if let Some(prev) = lane.last_mut() {
            prev.until = prev.until.min(e.at);
        }
        lane.push(CertLine {
            role: i.role,
            scope: i.scope,
            path: None,
            issuer: i.issuer,
            serial: Some(i.serial),
            not_before: i.not_before,
            not_after: i.not_after,
            until: horizon,
        });
    }
    lanes.into_values().flatten().collect()
}

/// The certificates in force at `at` (the last issued of each role and scope).
pub fn certs_at(events: &[EventView], at: Instant) -> Vec<CertLine> {
    let upto: Vec<EventView> = events.iter().filter(|e| e.at <= at).cloned().collect();
    let mut current: BTreeMap<(CertRole, Scope), CertLine> = BTreeMap::new();
    for line in lifetimes(&upto, at) {
        current.insert((line.role, line.scope.clone()), line);
    }
    current.into_values().collect()
}

/// The certificates of an expiry report.
pub fn report_certs(r: &ReportView) -> Vec<CertLine> {
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
