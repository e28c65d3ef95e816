//! proptest strategies for other teams' suites (feature `proptest`): instants, versions,
//! cluster specs, operations (legal and illegal), and whole scenarios.

use proptest::prelude::*;

use crate::VecMap;
use crate::cluster::{ClusterSpec, NodePoolSpec, Operation, PoolMode, RotateOutcome};
use crate::engine::{
    API_VERSION, DurationRange, FaultModel, Horizon, KubeconfigHolder, Scenario, ScenarioCluster,
    ScheduledOperation, StopPattern,
};
use crate::inventory::Os;
use crate::policy::Policy;
use crate::time::{Duration, Instant};
use crate::version::{KubernetesVersion, NodeImageVersion};

/// Instants from AKS's launch (late 2017) to mid-2027, whole seconds.
pub fn arb_instant() -> impl Strategy<Value = Instant> {
    // 2017-11-01 .. 2027-06-30
    (1_509_494_400i64..1_814_313_600).prop_map(|s| Instant::from_unix(s).unwrap_or(Instant::MIN))
}

/// Kubernetes versions AKS has shipped (1.11 to 1.34), with or without a patch.
pub fn arb_kubernetes_version() -> impl Strategy<Value = KubernetesVersion> {
    (11u16..=34, proptest::option::of(0u16..20)).prop_map(|(minor, patch)| KubernetesVersion {
        major: 1,
        minor,
        patch,
    })
}

/// Node image versions around the KSCR snapshot floor (202501.12.0).
pub fn arb_node_image() -> impl Strategy<Value = NodeImageVersion> {
    (2022u16..=2026, 1u8..=12, 1u8..=28, 0u32..3).prop_map(|(y, m, d, p)| {
        let text = format!("AKSUbuntu-2204gen2containerd-{y}{m:02}.{d:02}.{p}");
        NodeImageVersion::parse(&text)
            .unwrap_or_else(|_| NodeImageVersion::known("202501.12.0", (2025, 1, 12, 0)))
    })
}

/// Tags, sometimes with the KSCR opt-out in odd capitalisation.
pub fn arb_tags() -> impl Strategy<Value = VecMap<String, String>> {
    prop_oneof![
        3 => Just(VecMap::new()),
        1 => prop_oneof![Just("true"), Just("True"), Just("false")].prop_map(|v| {
            let mut m = VecMap::new();
            m.insert(Policy::default().kscr_opt_out_tag, v.to_string());
            m
        }),
        1 => Just(VecMap::from([("env".to_string(), "prod".to_string())])),
    ]
}

/// A node pool named `name`.
pub fn arb_pool(name: String, mode: PoolMode) -> impl Strategy<Value = NodePoolSpec> {
    let min = u32::from(mode == PoolMode::System);
    (
        min..=5u32,
        proptest::option::of(arb_node_image()),
        proptest::option::weighted(0.2, arb_node_image()),
        arb_tags(),
    )
        .prop_map(move |(count, node_image, snapshot, tags)| NodePoolSpec {
            name: name.clone(),
            mode: Some(mode),
            os: Os::Linux,
            count,
            kubernetes_version: None,
            node_image,
            snapshot,
            tags,
        })
}

/// A cluster: created 2017–2027, any version, RBAC and TLS bootstrapping mostly on,
/// a System pool and up to two User pools.
pub fn arb_cluster_spec(name: String) -> impl Strategy<Value = ClusterSpec> {
    (
        arb_instant(),
        arb_kubernetes_version(),
        proptest::bool::weighted(0.9),
        proptest::bool::weighted(0.9),
        arb_pool("system".into(), PoolMode::System),
        proptest::collection::vec(0usize..2, 0..=2),
        arb_pool("user1".into(), PoolMode::User),
        arb_pool("user2".into(), PoolMode::User),
    )
        .prop_map(move |(created, v, rbac, tls, system, extra, u1, u2)| {
            let mut pools = vec![system];
            if !extra.is_empty() {
                pools.push(u1);
            }
            if extra.len() > 1 {
                pools.push(u2);
            }
            ClusterSpec {
                name: name.clone(),
                resource_group: format!("rg-{name}"),
                created,
                kubernetes_version: v,
                rbac,
                tls_bootstrap: tls,
                node_pools: pools,
            }
        })
}

/// Any operation, legal or not: unknown pools, downgrades, System pools to zero,
/// kubeconfig fetches with and without `--overwrite-existing`.
pub fn arb_operation() -> impl Strategy<Value = Operation> {
    let pool = prop_oneof![Just("system"), Just("user1"), Just("user2"), Just("nosuch")]
        .prop_map(str::to_string);
    prop_oneof![
        (
            proptest::option::of(arb_kubernetes_version()),
            any::<bool>()
        )
            .prop_map(|(v, cp)| {
                Operation::Upgrade {
                    kubernetes_version: v,
                    control_plane_only: cp,
                }
            }),
        (pool.clone(), arb_kubernetes_version()).prop_map(|(pool, v)| Operation::NodePoolUpgrade {
            pool,
            kubernetes_version: v,
        }),
        (
            proptest::option::of(pool.clone()),
            proptest::option::of(arb_node_image())
        )
            .prop_map(|(pool, node_image)| Operation::NodeImageUpgrade { pool, node_image }),
        (pool.clone(), 0u32..4).prop_map(|(pool, count)| Operation::Scale { pool, count }),
        Just(Operation::Stop),
        Just(Operation::Start),
        (
            proptest::option::of(prop_oneof![
                Just(RotateOutcome::Succeed),
                Just(RotateOutcome::Fail)
            ]),
            proptest::option::of((60i64..=1800).prop_map(Duration::seconds)),
        )
            .prop_map(|(outcome, duration)| Operation::RotateCerts { outcome, duration }),
        pool.clone()
            .prop_map(|pool| Operation::RecreateNodePool { pool }),
        (pool.clone(), arb_tags()).prop_map(|(pool, tags)| Operation::SetTags { pool, tags }),
        arb_pool("extra".into(), PoolMode::User).prop_map(|pool| Operation::AddNodePool { pool }),
        (
            prop_oneof![Just("alice"), Just("ci")],
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(
                |(holder, overwrite_existing, admin)| Operation::GetCredentials {
                    holder: holder.to_string(),
                    overwrite_existing,
                    admin,
                }
            ),
    ]
}

/// A fault model: failures, stop patterns, cadences (all within the policy's bounds).
pub fn arb_faults() -> impl Strategy<Value = FaultModel> {
    (
        prop_oneof![Just(0.0), Just(0.3), Just(1.0)],
        (1i64..=30).prop_map(Duration::minutes),
        proptest::option::weighted(0.3, (20i64..=120, 1i64..=14)),
        proptest::option::weighted(0.3, 90i64..=400),
        proptest::option::weighted(0.2, 300i64..=800),
    )
        .prop_map(|(p, max, stops, upgrade, rotate)| FaultModel {
            rotate_certs_failure_probability: p,
            rotate_certs_duration: DurationRange {
                min: Duration::minutes(1).min(max),
                max,
            },
            stops: stops.map(|(every, days)| StopPattern {
                every: Duration::days(every),
                stopped_for: Duration::days(days.min(every - 1)),
            }),
            upgrade_every: upgrade.map(Duration::days),
            latest_kubernetes_version: Some(KubernetesVersion::new(1, 34)),
            rotate_certs_every: rotate.map(Duration::days),
        })
}

/// A valid scenario: 1–4 clusters, each with up to 6 non-overlapping operations (any
/// operation, so some are refused by the model), kubeconfig holders, faults, and a
/// horizon 1–15 years after the last cluster is created.
pub fn arb_scenario() -> impl Strategy<Value = Scenario> {
    let cluster = |i: usize| {
        (
            arb_cluster_spec(format!("c{i}")),
            proptest::collection::vec((1i64..=800, arb_operation()), 0..=6),
            proptest::collection::vec((0i64..=400, any::<bool>()), 0..=2),
        )
    };
    (
        any::<u64>(),
        1i64..=15,
        arb_faults(),
        proptest::collection::vec(cluster(0), 1..=1),
        proptest::collection::vec(cluster(1), 0..=1),
        proptest::collection::vec(cluster(2), 0..=1),
        proptest::collection::vec(cluster(3), 0..=1),
    )
        .prop_map(|(seed, years, faults, a, b, c, d)| {
            let all: Vec<_> = a.into_iter().chain(b).chain(c).chain(d).collect();
            let last_created = all
                .iter()
                .map(|(s, _, _)| s.created)
                .max()
                .unwrap_or(Instant::MIN);
            let horizon = last_created + Duration::years(years);
            let clusters = all
                .into_iter()
                .map(|(spec, ops, holders)| to_scenario_cluster(spec, ops, holders, horizon))
                .collect();
            Scenario {
                api_version: API_VERSION.into(),
                kind: "Scenario".into(),
                name: Some("generated".into()),
                seed,
                horizon: Horizon::Until(horizon),
                policy: Policy::default(),
                faults,
                clusters,
            }
        })
}

fn to_scenario_cluster(
    spec: ClusterSpec,
    ops: Vec<(i64, Operation)>,
    holders: Vec<(i64, bool)>,
    horizon: Instant,
) -> ScenarioCluster {
    // Space operations at least two days apart: never overlapping, so the scenario is
    // valid, and pools named by later operations are checked by the model, not refused
    // by validation (validation rejects only unknown pools; keep those out here).
    let mut at = spec.created;
    let known: Vec<String> = spec.node_pools.iter().map(|p| p.name.clone()).collect();
    let mut pools = known.clone();
    let mut operations = Vec::new();
    for (gap, op) in ops {
        at = at + Duration::days(2 + gap);
        if at > horizon {
            break;
        }
        if let Some(p) = op.pool()
            && !pools.iter().any(|k| k == p)
        {
            continue;
        }
        if let Operation::AddNodePool { pool } = &op {
            if pools.contains(&pool.name) {
                continue;
            }
            pools.push(pool.name.clone());
        }
        operations.push(ScheduledOperation {
            at,
            op,
            origin: crate::cluster::Origin::Scheduled,
        });
    }
    let kubeconfigs = holders
        .into_iter()
        .enumerate()
        .map(|(i, (days, admin))| KubeconfigHolder {
            holder: format!("holder{i}"),
            fetched: Some((spec.created + Duration::days(days)).min(horizon)),
            admin,
        })
        .collect();
    ScenarioCluster {
        name: spec.name,
        resource_group: spec.resource_group,
        created: spec.created,
        kubernetes_version: spec.kubernetes_version,
        rbac: spec.rbac,
        tls_bootstrap: spec.tls_bootstrap,
        node_pools: spec.node_pools,
        kubeconfigs,
        operations,
    }
}
