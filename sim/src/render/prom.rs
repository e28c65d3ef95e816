//! Prometheus text exposition with x509-certificate-exporter's metric names —
//! `x509_cert_not_after`, `x509_cert_not_before` (Unix seconds) and `x509_cert_expired`
//! (0 or 1) — so existing dashboards and alerts work. Labels: `cluster`,
//! `resource_group`, `role`, `scope`, `issuer_CN`, `subject_CN` where the role fixes it,
//! and `filepath` where the node file is known. Keys (no expiry) have no series.
//! For a simulation the certificates are those in force at `--now` (or the horizon, if
//! earlier); for reports, those of the report.

use std::fmt::Write;

use akscert_core::inventory::{CertRole, Issuer};
use akscert_core::time::Instant;

use crate::outcome::{ClusterOutcome, ReportOutcome, SimulationRun};
use akscert_core::report::lifetimes::{CertificateSpan, in_force_at, of_report};

fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// One certificate's samples.
pub(super) struct Series {
    labels: String,
    not_before: i64,
    not_after: i64,
    expired: bool,
}

/// The series of `certs` (keys have none) at `at`.
pub(super) fn series(
    cluster: &str,
    rg: &str,
    certs: &[CertificateSpan],
    at: Instant,
    out: &mut Vec<Series>,
) {
    for c in certs {
        let Some(na) = c.not_after else { continue };
        let mut l = format!(
            "cluster=\"{}\",resource_group=\"{}\",role=\"{}\",scope=\"{}\"",
            label(cluster),
            label(rg),
            c.role,
            label(&c.scope.to_string())
        );
        let issuer = match c.issuer {
            Issuer::ClusterCa { .. } => "ca".to_string(),
            Issuer::SelfSigned => match c.role {
                CertRole::ClusterCa => "ca".into(),
                _ => String::new(),
            },
        };
        if !issuer.is_empty() {
            let _ = write!(l, ",issuer_CN=\"{issuer}\"");
        }
        let subject = match c.role {
            CertRole::ClusterCa => Some("ca"),
            CertRole::ApiServer => Some("apiserver"),
            _ => None,
        };
        if let Some(s) = subject {
            let _ = write!(l, ",subject_CN=\"{s}\"");
        }
        if let Some(p) = &c.path {
            let _ = write!(l, ",filepath=\"{}\"", label(p));
        }
        if let Some(serial) = c.serial {
            let _ = write!(l, ",serial_number=\"{serial}\"");
        }
        out.push(Series {
            labels: l,
            not_before: c.not_before.unix(),
            not_after: na.unix(),
            expired: at > na,
        });
    }
}

/// A metric's value of a series.
type Value = fn(&Series) -> i64;

/// The metric families, in the order they are exposed: each family's samples are one
/// group, as the text format requires.
pub(super) const METRICS: [(&str, &str, Value); 3] = [
    (
        "x509_cert_not_after",
        "The date after which the certificate expires, as Unix time.",
        |s| s.not_after,
    ),
    (
        "x509_cert_not_before",
        "The date before which the certificate is not valid, as Unix time.",
        |s| s.not_before,
    ),
    (
        "x509_cert_expired",
        "1 if the certificate has expired, 0 otherwise.",
        |s| i64::from(s.expired),
    ),
];

/// The HELP and TYPE lines of family `family` (an index into [`METRICS`]).
pub(super) fn family_head(family: usize, out: &mut String) {
    let (name, help, _) = METRICS[family];
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
}

/// The sample of `s` in family `family`.
pub(super) fn sample(family: usize, s: &Series, out: &mut String) {
    let (name, _, value) = METRICS[family];
    let _ = writeln!(out, "{name}{{{}}} {}", s.labels, value(s));
}

fn exposition(series: &[Series]) -> String {
    let mut out = String::new();
    for family in 0..METRICS.len() {
        family_head(family, &mut out);
        for s in series {
            sample(family, s, &mut out);
        }
    }
    out
}

/// The instant a simulation's certificates are exposed at: `now`, or the horizon if
/// earlier.
pub(super) fn simulation_instant(now: Instant, horizon: Instant) -> Instant {
    now.min(horizon)
}

/// The series of one simulated cluster at `at`.
pub(super) fn cluster_series(c: &ClusterOutcome, at: Instant, out: &mut Vec<Series>) {
    let certs = in_force_at(c.events(), at);
    series(
        &c.timeline.name,
        &c.timeline.resource_group,
        &certs,
        at,
        out,
    );
}

/// The certificates of every simulated cluster at `now` (or at the horizon if earlier).
pub fn simulation(run: &SimulationRun) -> String {
    let at = simulation_instant(run.now, run.header.horizon);
    let mut all = Vec::new();
    for c in &run.clusters {
        cluster_series(c, at, &mut all);
    }
    exposition(&all)
}

/// The certificates of expiry reports.
pub fn inventory(reports: &[ReportOutcome]) -> String {
    let mut all = Vec::new();
    for o in reports {
        if let Some(r) = &o.parsed {
            series(
                &r.cluster,
                &r.resource_group,
                &of_report(r),
                r.now,
                &mut all,
            );
        }
    }
    exposition(&all)
}
