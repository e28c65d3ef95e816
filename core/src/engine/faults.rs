//! The seeded fault model's operations: periodic stops, an upgrade cadence, periodic
//! rotations. Generated per cluster from its own seed, and kept clear of the operations a
//! person scheduled (a generated operation that would overlap one is skipped).

use crate::cluster::{Operation, Origin};
use crate::rng::SplitMix64;
use crate::time::{Duration, Instant};

use super::scenario::{Scenario, ScenarioCluster, ScheduledOperation};

/// The cluster's operations in time order: the scheduled ones, its kubeconfig fetches,
/// and the fault model's.
pub(super) fn operations(
    scenario: &Scenario,
    cluster: &ScenarioCluster,
    horizon: Instant,
    rng: &mut SplitMix64,
) -> Vec<ScheduledOperation> {
    let mut ops: Vec<ScheduledOperation> = cluster
        .kubeconfigs
        .iter()
        .map(|k| ScheduledOperation {
            at: k.fetched.unwrap_or(cluster.created),
            op: Operation::GetCredentials {
                holder: k.holder.clone(),
                overwrite_existing: true,
                admin: k.admin,
            },
            origin: Origin::Kubeconfig,
        })
        .collect();
    ops.extend(cluster.operations.iter().cloned());
    let mut busy: Vec<(Instant, Instant)> = cluster
        .operations
        .iter()
        .map(|s| (s.at, s.at + scenario.longest(&s.op)))
        .collect();
    let f = &scenario.faults;
    let created = cluster.created;
    let mut generated = Vec::new();
    let fits = |busy: &[(Instant, Instant)], from: Instant, to: Instant| {
        to <= horizon && busy.iter().all(|(a, b)| to < *a || from > *b)
    };
    if let Some(stops) = f.stops {
        let slack = stops.every.as_seconds() - stops.stopped_for.as_seconds() - 600;
        let mut cycle = created;
        while cycle <= horizon {
            // Leave ten minutes after the cycle start (and the creation) before stopping.
            let stop_at = cycle + Duration::seconds(600 + rng.range_inclusive(0, slack.max(0)));
            let start_at = stop_at + stops.stopped_for;
            let end = start_at + scenario.policy.durations.start;
            if fits(&busy, stop_at, end) {
                busy.push((stop_at, end));
                generated.push((stop_at, Operation::Stop));
                generated.push((start_at, Operation::Start));
            }
            cycle = cycle + stops.every;
        }
    }
    let periodic = [
        (
            f.upgrade_every,
            Operation::Upgrade {
                kubernetes_version: None,
                control_plane_only: false,
            },
        ),
        (
            f.rotate_certs_every,
            Operation::RotateCerts {
                outcome: None,
                duration: None,
            },
        ),
    ];
    for (every, op) in periodic {
        let Some(every) = every else { continue };
        let mut at = created + every;
        while at <= horizon {
            let end = at + scenario.longest(&op);
            if fits(&busy, at, end) {
                busy.push((at, end));
                generated.push((at, op.clone()));
            }
            at = at + every;
        }
    }
    ops.extend(generated.into_iter().map(|(at, op)| ScheduledOperation {
        at,
        op,
        origin: Origin::FaultModel,
    }));
    // Stable: at one instant, kubeconfig fetches, then scheduled, then generated ones.
    ops.sort_by_key(|s| s.at);
    ops
}
