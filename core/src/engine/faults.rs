//! The seeded fault model's operations: periodic stops, an upgrade cadence, periodic
//! rotations. Generated per cluster from its own seed, and kept clear of the operations a
//! person scheduled (a generated operation that would overlap one is skipped).

use crate::cluster::{Operation, Origin};
use crate::rng::SplitMix64;
use crate::time::{Duration, Instant};

use super::scenario::{FaultModel, Scenario, ScenarioCluster, ScheduledOperation};

/// The cluster's operations in time order: the scheduled ones, its kubeconfig fetches,
/// and the fault model's.
///
/// Generation stops early once there are more than `limit` operations: each one records
/// at least one event, so such a run is over its event budget whatever comes later, and
/// the caller fails it without driving it (a stop every 21 minutes for 999 years would
/// otherwise mean 50 million operations before the first event).
pub(super) fn operations(
    scenario: &Scenario,
    cluster: &ScenarioCluster,
    horizon: Instant,
    rng: &mut SplitMix64,
    limit: u64,
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
    if !FaultModel::GENERATES {
        // `Scenario::prepare` refused any fault model that asks this build to generate.
        crate::sort::sort_by_key(&mut ops, |s| s.at);
        return ops;
    }
    let mut busy = Busy::default();
    for s in &cluster.operations {
        busy.insert(s.at, s.at + scenario.longest(&s.op));
    }
    let f = &scenario.faults;
    let created = cluster.created;
    let mut generated = Vec::new();
    // Enough to know the run is over budget (see above); `usize` saturates on wasm32.
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let full = |generated: &Vec<(Instant, Operation)>| ops.len() + generated.len() >= cap;
    let fits = |busy: &Busy, from: Instant, to: Instant| to <= horizon && !busy.overlaps(from, to);
    if let Some(stops) = f.stops {
        let slack = stops.every.as_seconds() - stops.stopped_for.as_seconds() - 600;
        let mut cycle = created;
        while cycle <= horizon && !full(&generated) {
            // Leave ten minutes after the cycle start (and the creation) before stopping.
            let stop_at = cycle + Duration::seconds(600 + rng.range_inclusive(0, slack.max(0)));
            let start_at = stop_at + stops.stopped_for;
            let end = start_at + scenario.policy.durations.start;
            if fits(&busy, stop_at, end) {
                busy.insert_in_series(stop_at, end);
                generated.push((stop_at, Operation::Stop));
                generated.push((start_at, Operation::Start));
            }
            let next = cycle + stops.every;
            // Instants saturate at 9999-12-31: a cycle that cannot move on is the last.
            if next <= cycle {
                break;
            }
            cycle = next;
        }
        busy.end_series();
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
        while at <= horizon && !full(&generated) {
            let end = at + scenario.longest(&op);
            if fits(&busy, at, end) {
                busy.insert_in_series(at, end);
                generated.push((at, op.clone()));
            }
            let next = at + every;
            if next <= at {
                break;
            }
            at = next;
        }
        busy.end_series();
    }
    ops.extend(generated.into_iter().map(|(at, op)| ScheduledOperation {
        at,
        op,
        origin: Origin::FaultModel,
    }));
    // Stable: at one instant, kubeconfig fetches, then scheduled, then generated ones.
    crate::sort::sort_by_key(&mut ops, |s| s.at);
    ops
}

/// The spans already taken by operations, kept as disjoint closed intervals sorted by
/// start (so by end too): overlapping or touching spans are merged on insert, which keeps
/// the union — all an overlap test needs — and makes each test O(log n) instead of a scan
/// of every span so far (the scan made frequent stops quadratic in the horizon).
///
/// A generated series (the stops, then each periodic operation) arrives in time order
/// while the spans already taken cover the whole horizon, so its spans go to a separate
/// sorted list, where each insert appends, and are merged into the rest once the series
/// ends: O(n + k) per series, never a move of every later span per insert.
#[derive(Debug, Default)]
struct Busy {
    spans: Vec<(Instant, Instant)>,
    series: Vec<(Instant, Instant)>,
}

impl Busy {
    /// Whether the closed interval `[from, to]` meets a taken span.
    fn overlaps(&self, from: Instant, to: Instant) -> bool {
        meets(&self.spans, from, to) || meets(&self.series, from, to)
    }

    /// Take `[from, to]`, merging every span it meets.
    fn insert(&mut self, from: Instant, to: Instant) {
        take(&mut self.spans, from, to);
    }

    /// Take `[from, to]` as the next span of the current series (see the type's doc).
    fn insert_in_series(&mut self, from: Instant, to: Instant) {
        take(&mut self.series, from, to);
    }

    /// Merge the current series into the taken spans.
    fn end_series(&mut self) {
        if self.series.is_empty() {
            return;
        }
        let (a, b) = (
            std::mem::take(&mut self.spans),
            std::mem::take(&mut self.series),
        );
        let mut merged: Vec<(Instant, Instant)> = Vec::with_capacity(a.len() + b.len());
        let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.0 <= y.0 => a.next(),
                (Some(_), Some(_)) | (None, Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, None) => break,
            };
            let Some((from, to)) = next else { break };
            match merged.last_mut() {
                Some(last) if last.1 >= from => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        self.spans = merged;
    }
}

/// Whether the closed interval `[from, to]` meets one of `spans` (disjoint, sorted).
fn meets(spans: &[(Instant, Instant)], from: Instant, to: Instant) -> bool {
    // The last span starting by `to` ends latest among those.
    let starting_by_to = spans.partition_point(|(a, _)| *a <= to);
    starting_by_to > 0 && spans[starting_by_to - 1].1 >= from
}

/// Add `[from, to]` to `spans` (disjoint, sorted), merging every span it meets: those
/// ending at or after `from` and starting at or before `to`, a run.
fn take(spans: &mut Vec<(Instant, Instant)>, from: Instant, to: Instant) {
    let first = spans.partition_point(|(_, b)| *b < from);
    let end = spans.partition_point(|(a, _)| *a <= to);
    let merged = if first < end {
        (from.min(spans[first].0), to.max(spans[end - 1].1))
    } else {
        (from, to)
    };
    spans.splice(first..end, [merged]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Instant {
        Instant::from_unix(s).unwrap_or(Instant::MIN)
    }

    /// The old linear scan, as the reference.
    fn scan(spans: &[(i64, i64)], from: i64, to: i64) -> bool {
        !spans.iter().all(|(a, b)| to < *a || from > *b)
    }

    #[test]
    fn busy_answers_like_a_scan_of_every_span() {
        let mut rng = SplitMix64::new(5);
        let mut busy = Busy::default();
        let mut spans = Vec::new();
        for _ in 0..2_000 {
            let from = rng.range_inclusive(0, 10_000);
            let to = from + rng.range_inclusive(0, 40);
            assert_eq!(
                busy.overlaps(t(from), t(to)),
                scan(&spans, from, to),
                "[{from}, {to}] against {spans:?}"
            );
            // Insert regardless of overlap too (scheduled operations may overlap in a
            // replayed timeline); some into a series, ended now and then.
            if rng.chance(0.5) {
                if rng.chance(0.5) {
                    busy.insert(t(from), t(to));
                } else {
                    busy.insert_in_series(t(from), t(to));
                }
                spans.push((from, to));
            }
            if rng.chance(0.05) {
                busy.end_series();
            }
        }
    }
}
