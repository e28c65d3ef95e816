//! Certificate lifetimes read back from a cluster's timeline: which certificate of each
//! role and scope was in use when, from the `certificateIssued` events a simulation or a
//! what-if emits (or from an expiry report's rows, for one instant). The renderers of
//! every face draw timelines and export metrics from these, so the rule "a certificate is
//! in use from its issue until the next one of its role and scope" is written once.

use crate::cluster::{Event, EventKind};
use crate::inventory::{CertRole, Issuer, Scope};
use crate::report::ExpiryReport;
use crate::time::Instant;
use crate::vec_map::VecMap;

/// One certificate (or key) and the span it was in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSpan {
    /// Role.
    pub role: CertRole,
    /// Scope (cluster-wide or a node pool).
    pub scope: Scope,
    /// Node file path, when known (an expiry report knows it; events do not carry it).
    pub path: Option<String>,
    /// Signer.
    pub issuer: Issuer,
    /// The model's serial, when known (events carry it; report rows do not).
    pub serial: Option<u64>,
    /// Start of validity.
    pub not_before: Instant,
    /// End of validity (`None` for keys).
    pub not_after: Option<Instant>,
    /// Until when it was in use: replaced at this instant, or kept to the end of the span.
    pub until: Instant,
}

/// Every certificate that `events` issued, each in use until the next one of its role and
/// scope (or `horizon`), grouped by (role, scope) in report order and by issue time within.
pub fn lifetimes(events: &[Event], horizon: Instant) -> Vec<CertificateSpan> {
    lanes(events.iter(), horizon)
        .into_values()
        .flatten()
        .collect()
}

/// The certificates in force at `at`: the last issued of each role and scope by then, in
/// report order.
pub fn in_force_at(events: &[Event], at: Instant) -> Vec<CertificateSpan> {
    lanes(events.iter().filter(|e| e.at <= at), at)
        .into_values()
        .filter_map(|mut lane| lane.pop())
        .collect()
}

/// The certificates of an expiry report, each in use at the report's `now`.
pub fn of_report(r: &ExpiryReport) -> Vec<CertificateSpan> {
    r.rows
        .iter()
        .map(|row| CertificateSpan {
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

/// The certificates `events` issued, by (role, scope); each lane in issue order, each
/// certificate's `until` the issue of the next (or `horizon`).
fn lanes<'a>(
    events: impl Iterator<Item = &'a Event>,
    horizon: Instant,
) -> VecMap<(CertRole, Scope), Vec<CertificateSpan>> {
    // Lanes are few (roles × node pools); events are many and only look one up.
    let mut lanes: VecMap<(CertRole, Scope), Vec<CertificateSpan>> = VecMap::new();
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
        let lane = lanes.get_or_insert_with((*role, scope.clone()), Vec::new);
        if let Some(prev) = lane.last_mut() {
            prev.until = prev.until.min(e.at);
        }
        lane.push(CertificateSpan {
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
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RunOptions, Scenario, simulate};

    fn at(s: &str) -> Instant {
        Instant::parse(s).expect("test instant")
    }

    /// A cluster created in 2021 and rotated in 2024, simulated to 2026.
    fn events() -> Vec<Event> {
        let scenario: Scenario = serde_json::from_str(
            r#"{"apiVersion":"akscert/v1","kind":"Scenario","horizon":"2026-01-01",
                "clusters":[{"name":"a","resourceGroup":"rg","created":"2021-01-01",
                "kubernetesVersion":"1.29.2","nodePools":[{"name":"np","count":1}],
                "operations":[{"at":"2024-06-01","op":"rotateCerts","outcome":"succeed"}]}]}"#,
        )
        .expect("test scenario");
        let t = simulate(&scenario, RunOptions::default()).expect("it runs");
        t.clusters[0].events.clone().expect("events kept")
    }

    #[test]
    fn a_rotation_ends_every_lane_at_the_new_certificate() {
        let events = events();
        let spans = lifetimes(&events, at("2026-01-01"));
        let ca: Vec<&CertificateSpan> = spans
            .iter()
            .filter(|s| s.role == CertRole::ClusterCa)
            .collect();
        assert_eq!(ca.len(), 2, "{ca:?}");
        // The first CA is in use until the rotation issues the second, which is in use to
        // the horizon.
        assert!(ca[0].until >= at("2024-06-01") && ca[0].until < at("2024-06-02"));
        assert_eq!(ca[1].until, at("2026-01-01"));
        assert!(ca[0].serial < ca[1].serial);
        // Lanes come grouped: every (role, scope) appears in one run.
        let mut seen = Vec::new();
        for s in &spans {
            let key = (s.role, s.scope.clone());
            if seen.last() != Some(&key) {
                assert!(!seen.contains(&key), "{key:?} split");
                seen.push(key);
            }
        }
    }

    #[test]
    fn in_force_is_the_last_of_each_lane_by_then() {
        let events = events();
        let before = in_force_at(&events, at("2024-01-01"));
        let after = in_force_at(&events, at("2025-01-01"));
        let serial = |v: &[CertificateSpan]| {
            v.iter()
                .find(|s| s.role == CertRole::ClusterCa)
                .and_then(|s| s.serial)
        };
        assert_ne!(serial(&before), serial(&after));
        assert_eq!(before.len(), after.len());
        assert!(before.iter().all(|s| s.until == at("2024-01-01")));
        // Nothing is in force before the cluster exists.
        assert!(in_force_at(&events, at("2020-01-01")).is_empty());
    }
}
