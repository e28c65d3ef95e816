//! Cluster facts — what a person knows about a cluster, or what `az aks show` says — and
//! the history they imply, replayed through the engine so that a report and a simulation
//! can never disagree.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::{DateBound, ReportError};
use crate::cluster::spec_de::{KnownKey, NODE_POOL_FIELDS, PoolFields, put};
use crate::cluster::{NodePoolSpec, Operation, Origin, RotateOutcome};
use crate::engine::{
    API_VERSION, DurationRange, FaultModel, Horizon, KubeconfigHolder, Scenario, ScenarioCluster,
    ScheduledOperation,
};
use crate::policy::Policy;
use crate::time::Instant;
use crate::version::KubernetesVersion;

/// What is known about a cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterFacts {
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// When the cluster was created (the oldest node's age in `kubectl get nodes` is the
    /// seed's hint).
    pub created: Instant,
    /// Current control plane version.
    pub kubernetes_version: KubernetesVersion,
    /// Last control plane upgrade, if any (autorotation needs one on or after the
    /// policy's `autorotationAfter` for clusters created before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_upgrade: Option<Instant>,
    /// Last successful `az aks rotate-certs`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotation: Option<Instant>,
    /// Kubernetes RBAC enabled.
    #[serde(default = "crate::document::yes")]
    pub rbac: bool,
    /// TLS bootstrapping enabled.
    #[serde(default = "crate::document::yes")]
    pub tls_bootstrap: bool,
    /// When the cluster was stopped, if it is stopped now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_since: Option<Instant>,
    /// Node pools as they are now.
    pub node_pools: Vec<PoolFacts>,
    /// Kubeconfigs people hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubeconfigs: Vec<KubeconfigHolder>,
}

crate::struct_de::read_fields! {
    ClusterFacts, ClusterFacts {
        name: String::new(),
        resource_group: String::new(),
        created: Instant::MIN,
        kubernetes_version: KubernetesVersion::new(0, 0),
        last_upgrade: None,
        last_rotation: None,
        rbac: crate::document::yes(),
        tls_bootstrap: crate::document::yes(),
        stopped_since: None,
        node_pools: Vec::new(),
        kubeconfigs: Vec::new(),
    };
    "name" => name: true,
    "resourceGroup" => resource_group: true,
    "created" => created: true,
    "kubernetesVersion" => kubernetes_version: true,
    "lastUpgrade" => last_upgrade: false,
    "lastRotation" => last_rotation: false,
    "rbac" => rbac: false,
    "tlsBootstrap" => tls_bootstrap: false,
    "stoppedSince" => stopped_since: false,
    "nodePools" => node_pools: true,
    "kubeconfigs" => kubeconfigs: false,
}

/// What is known about a node pool: the pool as it is now (its fields at the top level of
/// the JSON, as in a scenario's `nodePools`), and the dates of how it got there. Read by
/// hand (below): serde's `flatten` would accept any misspelt field silently.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PoolFacts {
    /// The pool now: name, mode, OS, node count, Kubernetes version (default: the control
    /// plane's), node image, snapshot, tags.
    #[serde(flatten)]
    pub spec: NodePoolSpec,
    /// When the pool was added, if after the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Instant>,
    /// Last Kubernetes upgrade of the pool, if different from the cluster's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_upgrade: Option<Instant>,
    /// Last node image upgrade (reimage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reimage: Option<Instant>,
}

/// The keys of pool facts: a node pool's, then the three dates.
const POOL_FACTS_FIELDS: [&str; NODE_POOL_FIELDS.len() + 3] = {
    let mut fields = [""; NODE_POOL_FIELDS.len() + 3];
    let mut i = 0;
    while i < NODE_POOL_FIELDS.len() {
        fields[i] = NODE_POOL_FIELDS[i];
        i += 1;
    }
    fields[i] = "created";
    fields[i + 1] = "lastUpgrade";
    fields[i + 2] = "lastReimage";
    fields
};

impl<'de> Deserialize<'de> for PoolFacts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FactsVisitor;
        impl<'de> Visitor<'de> for FactsVisitor {
            type Value = PoolFacts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct PoolFacts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PoolFacts, A::Error> {
                let (mut created, mut last_upgrade, mut last_reimage) = (None, None, None);
                let mut pool = PoolFields::default();
                while let Some(key) = map.next_key_seed(KnownKey(&POOL_FACTS_FIELDS))? {
                    match key {
                        "created" => put(&mut map, &mut created, "created")?,
                        "lastUpgrade" => put(&mut map, &mut last_upgrade, "lastUpgrade")?,
                        "lastReimage" => put(&mut map, &mut last_reimage, "lastReimage")?,
                        pool_key => {
                            pool.read(pool_key, &mut map)?;
                        }
                    }
                }
                Ok(PoolFacts {
                    spec: pool.finish()?,
                    created: created.flatten(),
                    last_upgrade: last_upgrade.flatten(),
                    last_reimage: last_reimage.flatten(),
                })
            }
        }
        d.deserialize_struct("PoolFacts", &POOL_FACTS_FIELDS, FactsVisitor)
    }
}

impl PoolFacts {
    /// The pool as a scenario creates it: its Kubernetes version defaults to the control
    /// plane's `version`.
    fn spec(&self, version: KubernetesVersion) -> NodePoolSpec {
        let mut spec = self.spec.clone();
        spec.kubernetes_version.get_or_insert(version);
        spec
    }
}

/// The default fault model, with rotate-certs runs drawn within the policy's downtime
/// bound (a policy may bound them below the default's 30 minutes).
fn faults(policy: &Policy) -> FaultModel {
    let mut f = FaultModel::default();
    let bound = policy.rotate_certs_max_downtime;
    f.rotate_certs_duration = DurationRange {
        min: f.rotate_certs_duration.min.min(bound),
        max: bound,
    };
    f
}

impl ClusterFacts {
    /// Every date of the facts lies between the cluster's creation and `now` (which is
    /// not before it): the first that does not, by its place in the facts.
    pub fn check_dates(&self, now: Instant) -> Result<(), ReportError> {
        // Where each date is: its path is written only for the one refused.
        enum At {
            Cluster(&'static str),
            Pool(usize, &'static str),
            Kubeconfig(usize),
        }
        let cluster = [
            ("lastUpgrade", self.last_upgrade),
            ("lastRotation", self.last_rotation),
            ("stoppedSince", self.stopped_since),
        ]
        .into_iter()
        .filter_map(|(key, date)| Some((At::Cluster(key), date?)));
        let pools = self.node_pools.iter().enumerate().flat_map(|(i, p)| {
            [
                ("created", p.created),
                ("lastUpgrade", p.last_upgrade),
                ("lastReimage", p.last_reimage),
            ]
            .into_iter()
            .filter_map(move |(key, date)| Some((At::Pool(i, key), date?)))
        });
        let kubeconfigs = (self.kubeconfigs.iter().enumerate())
            .filter_map(|(i, k)| Some((At::Kubeconfig(i), k.fetched?)));
        for (at, date) in cluster.chain(pools).chain(kubeconfigs) {
            let bound = if date < self.created {
                DateBound::BeforeCreation(self.created)
            } else if date > now {
                DateBound::AfterNow(now)
            } else {
                continue;
            };
            let field = match at {
                At::Cluster(key) => key.to_string(),
                At::Pool(i, key) => format!("nodePools[{i}].{key}"),
                At::Kubeconfig(i) => format!("kubeconfigs[{i}].fetched"),
            };
            return Err(ReportError::FactDate { field, date, bound });
        }
        Ok(())
    }

    /// The control plane's last upgrade, for a pool whose own is not given — unless the
    /// pool runs an older version than the control plane: then it was not upgraded with
    /// it (the seed: "upgrade the control plane and node pool").
    fn upgraded_with_control_plane(&self, p: &PoolFacts) -> Option<Instant> {
        let behind = p
            .spec
            .kubernetes_version
            .is_some_and(|pv| pv < self.kubernetes_version);
        self.last_upgrade.filter(|_| !behind)
    }

    /// What [`ClusterFacts::scenario`] had to assume where the facts leave it open, one
    /// sentence each.
    pub fn assumptions(&self) -> Vec<String> {
        let Some(upgraded) = self.last_upgrade else {
            return Vec::new();
        };
        self.node_pools
            .iter()
            .filter(|p| p.last_upgrade.is_none())
            .filter_map(|p| {
                let pv = p.spec.kubernetes_version.filter(|pv| *pv < self.kubernetes_version)?;
                Some(format!(
                    "node pool {} runs Kubernetes {pv}, older than the control plane's {}: assumed not upgraded with it on {} (give the pool's lastUpgrade if it was upgraded)",
                    p.spec.name,
                    self.kubernetes_version,
                    upgraded.date_string()
                ))
            })
            .collect()
    }

    /// The scenario that replays these facts up to `now`: creation, pools added later,
    /// upgrades, the last rotation, reimages, a stop, and kubeconfig fetches, each at its
    /// date (operations that would collide are moved just after the one before).
    pub fn scenario(&self, now: Instant, policy: &Policy) -> Scenario {
        let v = self.kubernetes_version;
        let (initial, later): (Vec<_>, Vec<_>) = self
            .node_pools
            .iter()
            .partition(|p| p.created.is_none_or(|c| c <= self.created));
        let mut ops: Vec<(Instant, Operation)> = later
            .iter()
            .map(|p| {
                let at = p.created.unwrap_or(self.created);
                (at, Operation::AddNodePool { pool: p.spec(v) })
            })
            .collect();
        if let Some(at) = self.last_upgrade {
            ops.push((
                at,
                Operation::Upgrade {
                    kubernetes_version: Some(v),
                    control_plane_only: true,
                },
            ));
        }
        for p in &self.node_pools {
            if let Some(at) = p.last_upgrade.or(self.upgraded_with_control_plane(p)) {
                ops.push((
                    at,
                    Operation::NodePoolUpgrade {
                        pool: p.spec.name.clone(),
                        kubernetes_version: p.spec.kubernetes_version.unwrap_or(v),
                    },
                ));
            }
            if let Some(at) = p.last_reimage {
                ops.push((
                    at,
                    Operation::NodeImageUpgrade {
                        pool: Some(p.spec.name.clone()),
                        node_image: None,
                    },
                ));
            }
        }
        if let Some(at) = self.last_rotation {
            ops.push((
                at,
                Operation::RotateCerts {
                    outcome: Some(RotateOutcome::Succeed),
                    duration: Some(policy.rotate_certs_max_downtime),
                },
            ));
        }
        if let Some(at) = self.stopped_since {
            ops.push((at, Operation::Stop));
        }
        crate::sort::sort_by_key(&mut ops, |(at, _)| *at);
        let probe = Scenario {
            api_version: API_VERSION.into(),
            kind: "Scenario".into(),
            name: None,
            seed: 0,
            horizon: Horizon::Until(now),
            policy: policy.clone(),
            faults: faults(policy),
            clusters: Vec::new(),
        };
        let mut free_from = self.created;
        let mut operations = Vec::with_capacity(ops.len());
        for (at, op) in ops {
            // Facts give dates, not minutes: keep their order, never their collisions.
            let at = at.max(free_from).min(now);
            free_from = at + probe.longest(&op);
            operations.push(ScheduledOperation {
                at,
                op,
                origin: Origin::Scheduled,
            });
        }
        let kubeconfigs = self
            .kubeconfigs
            .iter()
            .map(|k| KubeconfigHolder {
                fetched: k.fetched.map(|f| f.min(now)),
                ..k.clone()
            })
            .collect();
        Scenario {
            clusters: vec![ScenarioCluster {
                name: self.name.clone(),
                resource_group: self.resource_group.clone(),
                created: self.created,
                kubernetes_version: v,
                rbac: self.rbac,
                tls_bootstrap: self.tls_bootstrap,
                node_pools: initial.iter().map(|p| p.spec(v)).collect(),
                kubeconfigs,
                operations,
            }],
            ..probe
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<PoolFacts, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn pool_facts_are_a_pool_with_its_dates_beside_it() {
        let json = r#"{"name":"np1","mode":"User","os":"Linux","count":2,"kubernetesVersion":"1.29.4","tags":{"env":"prod"},"created":"2024-01-02T00:00:00Z","lastUpgrade":"2025-03-04T00:00:00Z","lastReimage":"2025-06-07T00:00:00Z"}"#;
        let p = read(json).expect("pool facts");
        assert_eq!((p.spec.name.as_str(), p.spec.count), ("np1", 2));
        assert_eq!(
            p.last_reimage.map(|t| t.date_string()),
            Some("2025-06-07".into())
        );
        // Written back the same, in the same order: the pool's fields, then the dates.
        assert_eq!(serde_json::to_string(&p).expect("writes"), json);
        // The keys may come in any order; the pool's defaults hold.
        let p = read(r#"{"lastUpgrade":null,"name":"np2"}"#).expect("pool facts");
        assert_eq!((p.spec.count, p.last_upgrade), (3, None));
        let v = KubernetesVersion::parse("1.30.1").expect("a version");
        assert_eq!(p.spec(v).kubernetes_version, Some(v), "the control plane's");
    }

    #[test]
    fn a_misspelt_pool_fact_is_refused_by_name() {
        let e = read(r#"{"name":"np1","lastUpgraded":"2025-03-04T00:00:00Z"}"#).expect_err("typo");
        assert!(
            e.starts_with(
                "unknown field `lastUpgraded`, expected one of `name`, `mode`, `os`, `count`, \
                 `kubernetesVersion`, `nodeImage`, `snapshot`, `tags`, `created`, \
                 `lastUpgrade`, `lastReimage`"
            ),
            "{e}"
        );
        let e = read(r#"{"created":"2024-01-02T00:00:00Z"}"#).expect_err("no name");
        assert!(e.starts_with("missing field `name`"), "{e}");
        let e = read(r#"{"name":"a","created":null,"created":null}"#).expect_err("twice");
        assert!(e.starts_with("duplicate field `created`"), "{e}");
    }
}
