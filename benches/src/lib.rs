//! Workloads shared by akscert's benchmarks: realistic scenarios of any size, built
//! deterministically so every run (and every engine) measures the same thing.

use akscert_core::cluster::{NodePoolSpec, Operation, Origin, PoolMode};
use akscert_core::engine::{
    API_VERSION, FaultModel, Horizon, KubeconfigHolder, Scenario, ScenarioCluster,
    ScheduledOperation, StopPattern,
};
use akscert_core::rng::SplitMix64;
use akscert_core::time::{Duration, Instant};
use akscert_core::{KubernetesVersion, Policy};

fn pool(name: &str, mode: PoolMode, count: u32) -> NodePoolSpec {
    NodePoolSpec {
        name: name.into(),
        mode: Some(mode),
        os: Default::default(),
        count,
        kubernetes_version: None,
        node_image: None,
        snapshot: None,
        tags: Default::default(),
    }
}

/// A fleet of `clusters` clusters created between 2018 and 2026, simulated for `years`
/// from the first creation: a mix of legacy and current clusters, a System pool and up
/// to two User pools, two kubeconfig holders each, a yearly upgrade cadence, a quarter of
/// the fleet stopped every other week, rotate-certs every two years with 10 % failures.
pub fn fleet(clusters: usize, years: i64, seed: u64) -> Scenario {
    let mut rng = SplitMix64::new(seed);
    let start = Instant::from_date(2018, 1, 1).unwrap_or(Instant::MIN);
    let span = 8 * 365 * 86_400;
    let clusters = (0..clusters)
        .map(|i| {
            let created = start + Duration::seconds(rng.range_inclusive(0, span));
            let minor = 11 + ((created.unix() - start.unix()) / (365 * 86_400 / 3)) as u16;
            let mut pools = vec![pool("system", PoolMode::System, 3)];
            for (j, name) in ["user1", "user2"].iter().enumerate() {
                if rng.range_inclusive(0, 2) > j as i64 {
                    pools.push(pool(name, PoolMode::User, rng.range_inclusive(0, 5) as u32));
                }
            }
            let mut operations = Vec::new();
            if i % 4 == 0 {
                // A dev cluster: stopped for a week, twice.
                let stop = created + Duration::days(30);
                operations.push(ScheduledOperation {
                    at: stop,
                    op: Operation::Stop,
                    origin: Origin::Scheduled,
                });
                operations.push(ScheduledOperation {
                    at: stop + Duration::days(7),
                    op: Operation::Start,
                    origin: Origin::Scheduled,
                });
            }
            ScenarioCluster {
                name: format!("aks-{i:05}"),
                resource_group: format!("rg-{:03}", i % 97),
                created,
                kubernetes_version: KubernetesVersion::new(1, minor.min(30)),
                rbac: true,
                tls_bootstrap: true,
                node_pools: pools,
                kubeconfigs: vec![
                    KubeconfigHolder {
                        holder: "ops".into(),
                        fetched: None,
                        admin: false,
                    },
                    KubeconfigHolder {
                        holder: "ci".into(),
                        fetched: Some(created + Duration::days(3)),
                        admin: true,
                    },
                ],
                operations,
            }
        })
        .collect();
    Scenario {
        api_version: API_VERSION.into(),
        kind: "Scenario".into(),
        name: Some("benchmark fleet".into()),
        seed,
        horizon: Horizon::For(Duration::years(years)),
        policy: Policy::default(),
        faults: FaultModel {
            rotate_certs_failure_probability: 0.1,
            upgrade_every: Some(Duration::days(365)),
            latest_kubernetes_version: Some(KubernetesVersion::new(1, 34)),
            rotate_certs_every: Some(Duration::days(730)),
            stops: None,
            ..FaultModel::default()
        },
        clusters,
    }
}

/// One current cluster (created 2023, three pools, holders) for `years`, with the
/// fleet's fault model plus a stop pattern.
pub fn single(years: i64) -> Scenario {
    let mut s = fleet(1, years, 7);
    s.clusters[0].created = Instant::from_date(2023, 1, 15).unwrap_or(Instant::MIN);
    s.clusters[0].kubernetes_version = KubernetesVersion::new(1, 25);
    s.clusters[0].node_pools = vec![
        pool("system", PoolMode::System, 3),
        pool("user1", PoolMode::User, 4),
        pool("user2", PoolMode::User, 2),
    ];
    s.clusters[0].operations.clear();
    s.faults.stops = Some(StopPattern {
        every: Duration::days(90),
        stopped_for: Duration::days(5),
    });
    s
}

/// The frequent-stops workload: a cluster stopped for 10 minutes in every 21 (the fault
/// model's tightest allowed pattern) for `years`, and a second cluster created a day
/// before the horizon. Over a long horizon the first runs into its event budget.
pub fn frequent_stops(years: i64) -> Scenario {
    let mut s = fleet(2, years, 11);
    let start = Instant::from_date(2024, 1, 1).unwrap_or(Instant::MIN);
    let horizon = start + Duration::years(years);
    s.horizon = Horizon::Until(horizon);
    s.clusters[0].created = start;
    s.clusters[0].operations.clear();
    s.clusters[1].created = horizon - Duration::days(1);
    s.clusters[1].operations.clear();
    for c in &mut s.clusters {
        c.kubernetes_version = KubernetesVersion::new(1, 29);
        c.kubeconfigs.truncate(1);
    }
    s.faults.stops = Some(StopPattern {
        every: Duration::minutes(21),
        stopped_for: Duration::minutes(10),
    });
    s
}

/// The median of `v` (the upper one of an even count; NaN when empty): what the benches'
/// interleaved rounds report.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
