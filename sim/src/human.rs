//! Human-readable rendering of timelines: the events that matter to a person, then the
//! summary and the actions with their commands.

use std::fmt::Write;

use akscert_core::cluster::{Event, EventKind};
use akscert_core::engine::Timeline;

/// Render a timeline as text. Routine renewals are counted, not listed.
pub fn timeline(t: &Timeline) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "akscert simulation{} — {} to {} (seed {})",
        t.scenario
            .as_deref()
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default(),
        t.start.date_string(),
        t.horizon.date_string(),
        t.seed
    );
    for c in &t.clusters {
        let _ = writeln!(out, "\n== {} (resource group {})", c.name, c.resource_group);
        if let Some(e) = &c.error {
            let _ = writeln!(out, "   simulation failed: {} ({})", e.message, e.kind);
            continue;
        }
        let mut routine = 0u64;
        for e in c.events.iter().flatten() {
            match line(e) {
                Some(text) => {
                    let _ = writeln!(out, "   {}  {text}", e.at.date_string());
                }
                None => routine += 1,
            }
        }
        if let Some(s) = &c.summary {
            let _ = writeln!(
                out,
                "   -- {} events ({routine} routine, not shown); control plane downtime {}; final state {} / {}, CA generation {}, autorotation {}",
                s.events,
                s.downtime.control_plane,
                s.final_state.provisioning_state,
                match s.final_state.power_state {
                    akscert_core::cluster::PowerState::Running => "Running",
                    akscert_core::cluster::PowerState::Stopped => "Stopped",
                },
                s.final_state.ca_generation,
                if s.final_state.autorotation {
                    "on"
                } else {
                    "off"
                },
            );
        }
    }
    let s = &t.summary;
    let _ = writeln!(
        out,
        "\nFleet: {} clusters ({} failed), {} events, control plane downtime {}",
        s.clusters, s.failed_clusters, s.events, s.control_plane_downtime
    );
    for (k, n) in &s.incidents {
        let _ = writeln!(out, "   incidents {:?}: {n}", k);
    }
    if !s.actions_needed.is_empty() {
        let _ = writeln!(
            out,
            "\nActions still open at the horizon, most urgent first:"
        );
        for a in &s.actions_needed {
            let _ = writeln!(
                out,
                "   due {}  {}: {}",
                a.due.date_string(),
                a.cluster,
                a.reason
            );
            for c in &a.commands {
                let _ = writeln!(out, "       $ {c}");
            }
        }
    }
    out
}

fn line(e: &Event) -> Option<String> {
    Some(match &e.kind {
        EventKind::Created {
            kubernetes_version,
            autorotation,
        } => format!(
            "created at Kubernetes {kubernetes_version}; autorotation {}",
            if *autorotation { "on" } else { "off" }
        ),
        EventKind::OperationRejected {
            operation, message, ..
        } => format!("{operation} REFUSED: {message}"),
        EventKind::OperationStarted { operation, until } => {
            format!("{operation} started (until {until})")
        }
        EventKind::OperationCompleted {
            operation,
            succeeded: false,
        } => format!("{operation} FAILED"),
        EventKind::VersionChanged {
            scope,
            kubernetes_version,
        } => format!("{scope} now runs Kubernetes {kubernetes_version}"),
        EventKind::AutorotationEnabled { scope } => {
            format!("{scope}: certificate autorotation enabled")
        }
        EventKind::CertificateExpired {
            role,
            scope,
            not_after,
            in_use: true,
            ..
        } => {
            format!("EXPIRED {role} on {scope} (notAfter {not_after})")
        }
        EventKind::NodePoolStale { pool, reason } => {
            format!("node pool {pool} left STALE ({reason:?})")
        }
        EventKind::DowntimeStarted { scope, cause } => format!("DOWN {scope} ({cause:?})"),
        EventKind::DowntimeEnded {
            scope, duration, ..
        } => format!("up again {scope} after {duration}"),
        EventKind::KubeconfigBroken {
            holder, kubectl, ..
        } => format!("{holder}'s kubeconfig broken: {kubectl}"),
        EventKind::KubeconfigRestored { holder } => format!("{holder}'s kubeconfig works again"),
        EventKind::KscrLabelChanged { pool, label } => match label {
            Some(l) => format!("node pool {pool}: nodes labelled {l}"),
            None => format!("node pool {pool}: KSCR label removed"),
        },
        EventKind::ActionNeeded { action } => {
            format!("ACTION by {}: {}", action.due.date_string(), action.reason)
        }
        _ => return None,
    })
}
