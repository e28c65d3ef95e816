//! CSV (RFC 4180: comma-separated, CRLF-free, fields quoted when they hold a comma,
//! quote or newline), with a header row.

use akscert_core::cluster::Event;

use super::name_of;
use crate::outcome::{ClusterOutcome, ReportOutcome, SimulationRun};
use akscert_core::report::fleet::FleetRow;

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn line(out: &mut String, cells: &[String]) {
    let row: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.push_str(&row.join(","));
    out.push('\n');
}

/// Every event of every cluster: one row each (failed clusters: one `error` row).
pub fn timeline(run: &SimulationRun) -> String {
    let mut out = timeline_header();
    for c in &run.clusters {
        out.push_str(&timeline_cluster(c));
    }
    out
}

/// The header row of [`timeline`].
pub fn timeline_header() -> String {
    let mut out = String::new();
    line(
        &mut out,
        &["cluster", "resourceGroup", "at", "type", "details"].map(String::from),
    );
    out
}

/// One cluster's rows of [`timeline`] (a streamed run writes them as it goes).
pub fn timeline_cluster(c: &ClusterOutcome) -> String {
    let mut out = String::new();
    let t = &c.timeline;
    if let Some(e) = &t.error {
        line(
            &mut out,
            &[
                t.name.clone(),
                t.resource_group.clone(),
                String::new(),
                "error".into(),
                format!("{}: {}", e.kind, e.message),
            ],
        );
        return out;
    }
    for e in c.events() {
        let (kind, details) = type_and_details(e);
        line(
            &mut out,
            &[
                t.name.clone(),
                t.resource_group.clone(),
                e.at.to_string(),
                kind,
                details,
            ],
        );
    }
    out
}

/// An event's `type`, and its other fields (all but `at` and `type`) as one JSON object:
/// the CSV keeps every fact of an event in one column.
fn type_and_details(e: &Event) -> (String, String) {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(&e.kind) else {
        return (String::new(), String::new());
    };
    let mut kind = String::new();
    let mut details = serde_json::Map::new();
    for (k, v) in fields {
        match (k.as_str(), v) {
            ("type", serde_json::Value::String(t)) => kind = t,
            (_, v) => {
                details.insert(k, v);
            }
        }
    }
    (kind, serde_json::Value::Object(details).to_string())
}

/// One row per due item, most urgent cluster first; a cluster with nothing due (or
/// whose run failed) has one row.
pub fn fleet(rows: &[FleetRow]) -> String {
    let mut out = fleet_header();
    for r in rows {
        fleet_row(&mut out, r);
    }
    out
}

/// The header line of [`fleet`].
pub fn fleet_header() -> String {
    let mut out = String::new();
    line(
        &mut out,
        &[
            "urgency",
            "cluster",
            "resourceGroup",
            "due",
            "kind",
            "subject",
            "reason",
            "commands",
        ]
        .map(String::from),
    );
    out
}

/// One cluster's lines of [`fleet`].
pub fn fleet_row(out: &mut String, r: &FleetRow) {
    let head = [
        name_of(&r.urgency).to_string(),
        r.name.clone(),
        r.resource_group.clone(),
    ];
    if let Some(e) = &r.error {
        let mut cells = head.to_vec();
        cells.extend([
            String::new(),
            e.kind.to_string(),
            String::new(),
            e.message.clone(),
            String::new(),
        ]);
        line(out, &cells);
        return;
    }
    if r.items.is_empty() {
        let mut cells = head.to_vec();
        cells.extend(std::iter::repeat_n(String::new(), 5));
        line(out, &cells);
    }
    for i in &r.items {
        let mut cells = head.to_vec();
        cells.extend([
            i.due.to_string(),
            i.kind.name().to_string(),
            i.subject.clone(),
            i.reason.clone(),
            i.commands.join(" && "),
        ]);
        line(out, &cells);
    }
}

/// One row per certificate.
pub fn report(o: &ReportOutcome) -> String {
    let mut out = String::new();
    line(
        &mut out,
        &[
            "cluster",
            "resourceGroup",
            "role",
            "title",
            "scope",
            "path",
            "issuer",
            "notBefore",
            "notAfter",
            "daysLeft",
            "nextRotation",
            "nextRotationEarliest",
            "nextRotationLatest",
            "status",
            "estimated",
            "why",
            "remediation",
        ]
        .map(String::from),
    );
    let Some(r) = &o.parsed else {
        return out;
    };
    for x in &r.rows {
        let opt =
            |i: Option<akscert_core::time::Instant>| i.map(|t| t.to_string()).unwrap_or_default();
        line(
            &mut out,
            &[
                r.cluster.clone(),
                r.resource_group.clone(),
                x.role.to_string(),
                x.title.clone(),
                x.scope.to_string(),
                x.path.clone().unwrap_or_default(),
                match x.issuer {
                    akscert_core::inventory::Issuer::ClusterCa { generation } => {
                        format!("clusterCa:{generation}")
                    }
                    akscert_core::inventory::Issuer::SelfSigned => "selfSigned".into(),
                },
                x.not_before.to_string(),
                opt(x.not_after),
                x.days_left.map(|d| d.to_string()).unwrap_or_default(),
                name_of(&x.next_rotation.mechanism).to_string(),
                opt(x.next_rotation.earliest),
                opt(x.next_rotation.latest),
                name_of(&x.status).to_string(),
                x.estimated.to_string(),
                x.why.clone(),
                x.remediation.join(" && "),
            ],
        );
    }
    out
}
