//! The fold against the whole-run view: the same totals, rows and actions in the same
//! order, whatever order the clusters arrive in; and keys that sort as their places.

use proptest::prelude::*;

use super::*;
use crate::cluster::ActionKind;
use crate::engine::{self, ClusterTimeline, FleetSummary, RunOptions, Scenario};
use crate::report::fleet::{FleetRow, RowOf, sort_rows};
use crate::time::Duration;

const URGENCIES: [Urgency; 5] = [
    Urgency::Error,
    Urgency::Overdue,
    Urgency::Due,
    Urgency::Later,
    Urgency::Ok,
];

const KINDS: [ActionKind; 8] = [
    ActionKind::RotateCerts,
    ActionKind::EnableAutorotation,
    ActionKind::RerunRotateCerts,
    ActionKind::GetCredentials,
    ActionKind::RecreateNodePool,
    ActionKind::ReimageForKscr,
    ActionKind::KscrOptOutRetires,
    ActionKind::StartCluster,
];

fn t(s: &str) -> Instant {
    Instant::parse(s).expect("test instant")
}

fn example() -> Scenario {
    serde_json::from_str(include_str!("../../../examples/scenario.json")).expect("the example")
}

fn row(c: &ClusterTimeline, now: Instant) -> FleetRow {
    let who = RowOf {
        index: c.index,
        name: &c.name,
        resource_group: &c.resource_group,
    };
    FleetRow::of_summary(
        who,
        c.summary.as_ref(),
        c.error.clone(),
        now,
        Duration::days(30),
    )
}

/// Fold `clusters` (in the order given) through `foldCluster`'s function: the totals,
/// the rows in key order and the actions in key order.
fn fold(
    clusters: &[&ClusterTimeline],
    now: Instant,
) -> (FleetTotals, Vec<FleetRow>, Vec<FleetAction>) {
    let mut totals = FleetTotals::default();
    let mut rows = Vec::new();
    let mut actions = Vec::new();
    for c in clusters {
        let r = row(c, now);
        let req = FoldClusterRequest {
            totals,
            cluster: FoldCluster {
                index: r.index,
                name: r.name.clone(),
                resource_group: r.resource_group.clone(),
                urgency: r.urgency,
                next_due: r.next_due,
                summary: c.summary.as_ref().map(engine::SummaryShare::of),
            },
        };
        // Through JSON, as a JS caller's request and answer go.
        let json = serde_json::to_string(&req).expect("serialises");
        let req: FoldClusterRequest = serde_json::from_str(&json).expect("reads back");
        let folded = fold_cluster(req);
        totals = folded.totals;
        rows.push((folded.row, r));
        actions.extend(folded.actions.into_iter().map(|k| (k.order, k.action)));
    }
    crate::sort::sort_by(&mut rows, |a, b| a.0.cmp(&b.0));
    crate::sort::sort_by(&mut actions, |a, b| a.0.cmp(&b.0));
    (
        totals,
        rows.into_iter().map(|r| r.1).collect(),
        actions.into_iter().map(|a| a.1).collect(),
    )
}

#[test]
fn folding_a_fleet_in_any_order_gives_the_whole_runs_view() {
    // The example three times, in other resource groups (a scenario's names are unique,
    // so each copy runs on its own): ties on name, due and kind; and a failed cluster.
    let mut clusters: Vec<ClusterTimeline> = Vec::new();
    for rg in ["", "rg-b", "rg-a"] {
        let mut scenario = example();
        for c in &mut scenario.clusters {
            if !rg.is_empty() {
                c.resource_group = rg.to_string();
            }
        }
        let timeline = engine::simulate(&scenario, RunOptions::default()).expect("simulates");
        for mut c in timeline.clusters {
            c.index = clusters.len();
            clusters.push(c);
        }
    }
    let mut failed = clusters[0].clone();
    failed.index = clusters.len();
    failed.summary = None;
    failed.error = Some(engine::ClusterFailure::new(
        engine::FailureKind::GuestTrap,
        "a trap",
    ));
    clusters.push(failed);
    let mut expected = FleetSummary::default();
    for c in &clusters {
        expected.add(&c.name, &c.resource_group, c.summary.as_ref());
    }
    expected.finish();
    let with_failure = clusters;
    let mut open_actions = 0;
    for now in ["2020-01-01", "2026-06-01", "2030-12-01"].map(t) {
        let mut expected_rows: Vec<FleetRow> = with_failure.iter().map(|c| row(c, now)).collect();
        sort_rows(&mut expected_rows);
        let in_order: Vec<&ClusterTimeline> = with_failure.iter().collect();
        let reversed: Vec<&ClusterTimeline> = with_failure.iter().rev().collect();
        let mut shuffled = in_order.clone();
        shuffled.rotate_left(4);
        for order in [in_order, reversed, shuffled] {
            let (totals, rows, actions) = fold(&order, now);
            assert_eq!(rows, expected_rows, "rows at {now}");
            assert_eq!(actions, expected.actions_needed, "actions at {now}");
            assert_eq!(totals.counts, FleetCounts::of(&expected_rows));
            assert_eq!(totals.verdict, Verdict::of(&expected_rows));
            assert_eq!(totals.verdict, Verdict::Error);
            let mut summary = expected.clone();
            summary.actions_needed.clear();
            assert_eq!(totals.summary, summary);
        }
        open_actions = expected.actions_needed.len();
    }
    // Not vacuous: there are actions to order, and the copies tie on everything but the
    // resource group.
    assert!(open_actions >= 6, "{open_actions}");
}

#[test]
fn a_request_needs_only_the_cluster_and_refuses_unknown_fields() {
    let req: FoldClusterRequest = serde_json::from_str(
        r#"{"cluster":{"index":0,"name":"a","resourceGroup":"rg","urgency":"error"}}"#,
    )
    .expect("reads");
    let folded = fold_cluster(req);
    assert_eq!(folded.totals.summary.failed_clusters, 1);
    assert_eq!(folded.totals.counts.errors, 1);
    assert_eq!(folded.totals.verdict, Verdict::Error);
    assert!(folded.actions.is_empty());
    let bad = serde_json::from_str::<FoldClusterRequest>(
        r#"{"cluster":{"index":0,"name":"a","resourceGroup":"rg","urgency":"error","x":1}}"#,
    );
    assert!(bad.is_err());
}

fn instant() -> impl Strategy<Value = Instant> {
    prop_oneof![
        Just(Instant::MIN),
        Just(Instant::MAX),
        (-5i64..5).prop_map(|s| Instant::from_unix(s).expect("in range")),
        (Instant::MIN.unix()..=Instant::MAX.unix())
            .prop_map(|s| Instant::from_unix(s).expect("in range")),
    ]
}

fn text() -> impl Strategy<Value = String> {
    // Short, from a small alphabet with NUL and non-ASCII, so that prefixes and ties occur.
    proptest::collection::vec(
        prop::sample::select(vec!['\0', 'a', 'b', '\u{ff}', 'é']),
        0..4,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn row_keys_sort_as_row_places(
        a in (0usize..5, proptest::option::of(instant()), text(), 0usize..3),
        b in (0usize..5, proptest::option::of(instant()), text(), 0usize..3),
    ) {
        let a = RowOrder::new(URGENCIES[a.0], a.1, &a.2, a.3);
        let b = RowOrder::new(URGENCIES[b.0], b.1, &b.2, b.3);
        prop_assert_eq!(a.key().cmp(&b.key()), a.cmp(&b));
        prop_assert!(a.key().as_str().bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn action_keys_sort_as_action_places(
        a in (instant(), text(), text(), 0usize..8, text()),
        b in (instant(), text(), text(), 0usize..8, text()),
    ) {
        let place = |p: &(Instant, String, String, usize, String)| (p.0, p.1.clone(), p.2.clone(), KINDS[p.3], p.4.clone());
        let (pa, pb) = (place(&a), place(&b));
        let oa = ActionOrder { due: pa.0, cluster: &pa.1, resource_group: &pa.2, kind: pa.3, subject: &pa.4 };
        let ob = ActionOrder { due: pb.0, cluster: &pb.1, resource_group: &pb.2, kind: pb.3, subject: &pb.4 };
        prop_assert_eq!(oa.key().cmp(&ob.key()), oa.cmp(&ob));
    }
}

#[test]
fn every_urgency_and_action_kind_has_its_rank_in_declaration_order() {
    // The keys write `as u8`: that is the derived order only while the variants are
    // declared in it with no explicit discriminants.
    for w in URGENCIES.windows(2) {
        assert!(w[0] < w[1] && (w[0] as u8) < (w[1] as u8));
    }
    for w in KINDS.windows(2) {
        assert!(w[0] < w[1] && (w[0] as u8) < (w[1] as u8));
    }
}

#[test]
fn a_cluster_summarys_json_reads_as_its_share() {
    // What a JS caller passes: `timeline.clusters[i].summary` as it is.
    let timeline = engine::simulate(&example(), RunOptions::default()).expect("simulates");
    let mut read = 0;
    for c in &timeline.clusters {
        let Some(summary) = &c.summary else { continue };
        let json = serde_json::to_string(summary).expect("serialises");
        let share: engine::SummaryShare = serde_json::from_str(&json).expect("reads");
        assert_eq!(share, engine::SummaryShare::of(summary));
        read += usize::from(!share.actions.is_empty());
    }
    assert!(read > 0);
}
