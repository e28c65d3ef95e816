//! Scenarios: clusters, scheduled operations, a seeded fault model and a horizon — and
//! their validation, which names the field and value of every problem.

use serde::{Deserialize, Serialize};

use crate::cluster::{ClusterSpec, NodePoolSpec, Operation, Origin, SpecError};
use crate::policy::{Policy, PolicyError};
use crate::time::{Duration, Instant};
use crate::vec_map::VecMap;
use crate::version::KubernetesVersion;

pub use crate::document::API_VERSION;

/// A what-if scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    /// Must be `akscert/v1`.
    pub api_version: String,
    /// Must be `Scenario`.
    pub kind: String,
    /// A name for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Seed of every random draw (kubelet jitter, fault model). Same seed, same timeline.
    #[serde(default)]
    pub seed: u64,
    /// Where the simulation ends: an instant (`2035-01-01`) or a span after the earliest
    /// cluster creation (`10y`).
    pub horizon: Horizon,
    /// Policy overrides; unspecified fields keep AKS's documented defaults. Left out of
    /// the JSON when it is the default (most scenarios): a fleet run sends each cluster
    /// across the wasm boundary with its scenario, and the policy was most of those bytes.
    #[serde(default, skip_serializing_if = "Policy::is_default")]
    pub policy: Policy,
    /// The seeded fault model.
    #[serde(default)]
    pub faults: FaultModel,
    /// The clusters.
    pub clusters: Vec<ScenarioCluster>,
}

/// The end of a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub enum Horizon {
    /// An absolute instant.
    Until(Instant),
    /// A span after the earliest cluster creation.
    For(Duration),
}

impl Serialize for Horizon {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Horizon::Until(t) => t.serialize(s),
            Horizon::For(d) => d.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Horizon {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if let Ok(t) = Instant::parse(&text) {
            return Ok(Horizon::Until(t));
        }
        Duration::parse(&text).map(Horizon::For).map_err(|_| {
            serde::de::Error::custom(format!(
                "horizon `{text}` is neither a date-time (2035-01-01) nor a duration (10y)"
            ))
        })
    }
}

/// One cluster of a scenario: its creation facts, who holds kubeconfigs, and what is
/// scheduled to happen to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScenarioCluster {
    /// Cluster name.
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// Creation instant.
    pub created: Instant,
    /// Kubernetes version at creation.
    pub kubernetes_version: KubernetesVersion,
    /// Kubernetes RBAC (default on).
    #[serde(default = "crate::document::yes")]
    pub rbac: bool,
    /// TLS bootstrapping (default on).
    #[serde(default = "crate::document::yes")]
    pub tls_bootstrap: bool,
    /// Node pools at creation.
    pub node_pools: Vec<NodePoolSpec>,
    /// Kubeconfigs people fetch (each becomes a `getCredentials` at `fetched`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubeconfigs: Vec<KubeconfigHolder>,
    /// Scheduled operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<ScheduledOperation>,
}

/// Someone who holds a kubeconfig of the cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KubeconfigHolder {
    /// Who (a person, a pipeline).
    pub holder: String,
    /// When they ran `az aks get-credentials` (default: at cluster creation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched: Option<Instant>,
    /// Fetched with `--admin`.
    #[serde(default)]
    pub admin: bool,
}

crate::struct_de::read_fields! {
    KubeconfigHolder, KubeconfigHolder {
        holder: String::new(),
        fetched: None,
        admin: false,
    };
    "holder" => holder: true,
    "fetched" => fetched: false,
    "admin" => admin: false,
}

/// An operation at an instant.
// Deserialize: `cluster::operation_de` (one pass; no buffering of the flattened operation).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(type = "{ at: Instant; origin?: Origin } & Operation")
)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledOperation {
    /// When.
    pub at: Instant,
    /// What (the `op` field and its arguments).
    #[serde(flatten)]
    pub op: Operation,
    /// Who scheduled it; left out in hand-written scenarios (= `scheduled`). A replay of a
    /// timeline keeps the origin of each operation.
    #[serde(skip_serializing_if = "is_scheduled")]
    pub origin: Origin,
}

fn is_scheduled(o: &Origin) -> bool {
    *o == Origin::Scheduled
}

/// Seeded faults and background activity, applied to every cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct FaultModel {
    /// Probability that a `rotate-certs` run fails (0–1).
    pub rotate_certs_failure_probability: f64,
    /// How long a `rotate-certs` run takes: drawn uniformly in this range (within the
    /// policy's 30-minute downtime bound).
    pub rotate_certs_duration: DurationRange,
    /// Periodic stops (dev clusters stopped at night or over weekends).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stops: Option<StopPattern>,
    /// Upgrade every so often, one minor version at a time (capped at
    /// `latestKubernetesVersion`, then at the same version).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration | null"))]
    pub upgrade_every: Option<Duration>,
    /// The newest version cadence upgrades move to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_kubernetes_version: Option<KubernetesVersion>,
    /// Run `rotate-certs` every so often (a compliance rotation policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration | null"))]
    pub rotate_certs_every: Option<Duration>,
}

impl FaultModel {
    /// Whether this build generates the operations a fault model asks for (its stops,
    /// `upgradeEvery` and `rotateCertsEvery`): with core's `simulate` feature. Without it
    /// (the calculator module, whose reports and what-ifs run scheduled operations only)
    /// the generator is left out of the build (1.7 KB gzip, benches/README.md), and
    /// [`Scenario::prepare`] refuses a fault model that asks for one rather than run
    /// without it.
    pub const GENERATES: bool = cfg!(feature = "simulate");
}

impl Default for FaultModel {
    fn default() -> Self {
        FaultModel {
            rotate_certs_failure_probability: 0.0,
            rotate_certs_duration: DurationRange {
                min: Duration::minutes(10),
                max: Duration::minutes(30),
            },
            stops: None,
            upgrade_every: None,
            latest_kubernetes_version: None,
            rotate_certs_every: None,
        }
    }
}

/// A closed range of durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct DurationRange {
    /// Shortest.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub min: Duration,
    /// Longest.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub max: Duration,
}

/// A cluster stopped for `for` once in every `every`, at a seeded point in each cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct StopPattern {
    /// Cycle length.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub every: Duration,
    /// How long each stop lasts.
    #[serde(rename = "for")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub stopped_for: Duration,
}

/// Why a scenario was refused. `path` is a JSON path into the scenario
/// (`clusters[0].operations[2].at`), for pointing at the line of a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// Wrong `apiVersion` or `kind`.
    #[error("{path}: expected `{expected}`, found `{found}`")]
    Header {
        /// Field.
        path: &'static str,
        /// What akscert reads.
        expected: &'static str,
        /// What the document says.
        found: String,
    },
    /// A cluster description problem.
    #[error("{path}: {source}")]
    Spec {
        /// Where.
        path: String,
        /// What.
        source: SpecError,
    },
    /// A policy override problem.
    #[error("policy: {0}")]
    Policy(#[from] PolicyError),
    /// Two clusters with one name (per resource group names are unique in Azure; in a
    /// fleet report they must be too).
    #[error("{path}: cluster `{name}` appears twice")]
    DuplicateCluster {
        /// Where.
        path: String,
        /// The name.
        name: String,
    },
    /// An operation before the cluster exists.
    #[error("{path}: {at} is before the cluster was created ({created})")]
    BeforeCreation {
        /// Where.
        path: String,
        /// The instant given.
        at: Instant,
        /// Creation instant.
        created: Instant,
    },
    /// An operation after the horizon (it would be silently dropped).
    #[error("{path}: {at} is after the scenario's horizon ({horizon})")]
    AfterHorizon {
        /// Where.
        path: String,
        /// The instant given.
        at: Instant,
        /// The horizon.
        horizon: Instant,
    },
    /// A node pool tag name Azure refuses: it cannot contain `<>%&\?/` and is 1 to 512
    /// characters (Azure Resource Manager tag limits).
    #[error("{path}: tag `{key}`: {why}")]
    BadTag {
        /// Where (`clusters[0].operations[3].tags`).
        path: String,
        /// The tag name as given (its first 64 characters when longer).
        key: String,
        /// What Azure requires.
        why: &'static str,
    },
    /// An operation names a pool the cluster does not have at that point.
    #[error("{path}: node pool `{pool}` does not exist in cluster `{cluster}` at that time")]
    UnknownNodePool {
        /// Where.
        path: String,
        /// The pool.
        pool: String,
        /// The cluster.
        cluster: String,
    },
    /// A bad fault model value.
    #[error("faults.{field}: {why}")]
    Fault {
        /// Field.
        field: &'static str,
        /// What is wrong.
        why: String,
    },
    /// A bad `rotateCerts.duration`.
    #[error(
        "{path}: duration {duration} is outside 1 minute to the policy's {bound} downtime bound"
    )]
    RotateDuration {
        /// Where.
        path: String,
        /// Given.
        duration: Duration,
        /// The bound.
        bound: Duration,
    },
    /// A scenario without clusters: nothing to simulate, and no start to measure the
    /// horizon from.
    #[error("clusters: the scenario has none; it needs at least one")]
    NoClusters,
    /// A horizon before the start or absurdly far.
    #[error("horizon: {why}")]
    Horizon {
        /// What is wrong.
        why: String,
    },
}

/// A validated scenario, ready to run. It borrows the scenario rather than copying it: a
/// fleet of 100,000 clusters is validated without a second copy of every cluster (each
/// cluster's spec is rebuilt when it runs, which costs far less than the run).
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    pub(crate) scenario: &'a Scenario,
    pub(crate) policy: std::sync::Arc<Policy>,
    pub(crate) start: Instant,
    pub(crate) horizon: Instant,
}

impl<'a> Prepared<'a> {
    /// The scenario as validated.
    pub fn scenario(&self) -> &'a Scenario {
        self.scenario
    }
    /// The earliest cluster creation.
    pub fn start(&self) -> Instant {
        self.start
    }
    /// The end of the simulation.
    pub fn horizon(&self) -> Instant {
        self.horizon
    }
    /// Number of clusters.
    pub fn len(&self) -> usize {
        self.scenario.clusters.len()
    }
    /// The scenario without its clusters, with the horizon made absolute: the part every
    /// cluster's one-cluster run shares (see `api::split`).
    pub fn shared(&self) -> Scenario {
        let s = self.scenario;
        Scenario {
            api_version: s.api_version.clone(),
            kind: s.kind.clone(),
            name: s.name.clone(),
            seed: s.seed,
            horizon: Horizon::Until(self.horizon),
            policy: s.policy.clone(),
            faults: s.faults.clone(),
            clusters: Vec::new(),
        }
    }
    /// Whether there are no clusters.
    pub fn is_empty(&self) -> bool {
        self.scenario.clusters.is_empty()
    }
}

/// Longest simulated span accepted (beyond it, the 9999-12-31 limit of certificates and
/// of this model's clock comes close).
const MAX_HORIZON: Duration = Duration::years(1000);

impl Scenario {
    /// Validate everything a run relies on.
    pub fn prepare(&self) -> Result<Prepared<'_>, ScenarioError> {
        if self.api_version != API_VERSION {
            return Err(ScenarioError::Header {
                path: "apiVersion",
                expected: API_VERSION,
                found: self.api_version.clone(),
            });
        }
        if self.kind != "Scenario" {
            return Err(ScenarioError::Header {
                path: "kind",
                expected: "Scenario",
                found: self.kind.clone(),
            });
        }
        if self.clusters.is_empty() {
            return Err(ScenarioError::NoClusters);
        }
        self.policy.validate()?;
        self.validate_faults()?;
        let start = self
            .clusters
            .iter()
            .map(|c| c.created)
            .min()
            .unwrap_or(Instant::MIN);
        let horizon = match self.horizon {
            Horizon::Until(t) => t,
            Horizon::For(d) => {
                if d > MAX_HORIZON {
                    return Err(ScenarioError::Horizon {
                        why: format!("{d} is longer than 1000 years"),
                    });
                }
                start + d
            }
        };
        if horizon.since(start) > MAX_HORIZON {
            return Err(ScenarioError::Horizon {
                why: format!("{horizon} is more than 1000 years after the first cluster"),
            });
        }
        let repeated_name = crate::sort::first_repeat(self.clusters.iter().map(|c| &c.name));
        for (i, c) in self.clusters.iter().enumerate() {
            // Paths are formatted only for an error: this loop runs once per cluster.
            if repeated_name == Some(i) {
                return Err(ScenarioError::DuplicateCluster {
                    path: format!("clusters[{i}].name"),
                    name: c.name.clone(),
                });
            }
            let mut spec = c.spec();
            spec.validate().map_err(|source| ScenarioError::Spec {
                path: format!("clusters[{i}]"),
                source,
            })?;
            if c.created > horizon {
                return Err(ScenarioError::Horizon {
                    why: format!(
                        "{horizon} is before cluster `{}` is created ({})",
                        c.name, c.created
                    ),
                });
            }
            self.validate_operations(i, c, &spec, horizon)?;
        }
        Ok(Prepared {
            scenario: self,
            policy: std::sync::Arc::new(self.policy.clone()),
            start,
            horizon,
        })
    }

    fn validate_faults(&self) -> Result<(), ScenarioError> {
        let f = &self.faults;
        let p = f.rotate_certs_failure_probability;
        if !(0.0..=1.0).contains(&p) {
            return Err(ScenarioError::Fault {
                field: "rotateCertsFailureProbability",
                why: format!(
                    "{} is not a probability between 0 and 1",
                    crate::explain::number(p)
                ),
            });
        }
        let r = f.rotate_certs_duration;
        if r.min < Duration::minutes(1)
            || r.min > r.max
            || r.max > self.policy.rotate_certs_max_downtime
        {
            return Err(ScenarioError::Fault {
                field: "rotateCertsDuration",
                why: format!(
                    "min {} and max {} must satisfy 1m <= min <= max <= {} (the policy's downtime bound)",
                    r.min, r.max, self.policy.rotate_certs_max_downtime
                ),
            });
        }
        if let Some(s) = f.stops
            && (s.stopped_for < Duration::minutes(10)
                || s.every <= s.stopped_for + Duration::minutes(10))
        {
            return Err(ScenarioError::Fault {
                field: "stops",
                why: format!(
                    "every {} must exceed for {} by more than 10 minutes, and stops must last at least 10 minutes",
                    s.every, s.stopped_for
                ),
            });
        }
        for (field, every) in [
            ("upgradeEvery", f.upgrade_every),
            ("rotateCertsEvery", f.rotate_certs_every),
        ] {
            if every.is_some_and(|e| e < Duration::days(1)) {
                return Err(ScenarioError::Fault {
                    field,
                    why: "must be at least 1 day".into(),
                });
            }
        }
        if !FaultModel::GENERATES {
            let asked = [
                ("stops", f.stops.is_some()),
                ("upgradeEvery", f.upgrade_every.is_some()),
                ("rotateCertsEvery", f.rotate_certs_every.is_some()),
            ];
            if let Some(&(field, _)) = asked.iter().find(|(_, on)| *on) {
                return Err(ScenarioError::Fault {
                    field,
                    why: "this build does not generate the fault model's operations; the \
                          simulator does (akscert/full, the CLI: core's `simulate` feature)"
                        .into(),
                });
            }
        }
        Ok(())
    }

    fn validate_operations(
        &self,
        i: usize,
        c: &ScenarioCluster,
        spec: &ClusterSpec,
        horizon: Instant,
    ) -> Result<(), ScenarioError> {
        for (j, p) in c.node_pools.iter().enumerate() {
            check_tags(&format!("clusters[{i}].nodePools[{j}].tags"), &p.tags)?;
        }
        // A cluster has at most a few dozen pools (AKS allows 100).
        let mut pools: VecMap<&str, ()> = VecMap::new();
        for p in &spec.node_pools {
            pools.insert(&p.name, ());
        }
        for (j, k) in c.kubeconfigs.iter().enumerate() {
            let at = k.fetched.unwrap_or(c.created);
            let path = || format!("clusters[{i}].kubeconfigs[{j}].fetched");
            self.check_window(path, at, c.created, horizon)?;
        }
        for (j, s) in c.operations.iter().enumerate() {
            let path = || format!("clusters[{i}].operations[{j}]");
            self.check_window(|| format!("{}.at", path()), s.at, c.created, horizon)?;
            check_operation(path, &s.op, &self.policy)?;
            if let Some(pool) = s.op.pool()
                && pools.get(pool).is_none()
            {
                return Err(ScenarioError::UnknownNodePool {
                    path: format!("{}.pool", path()),
                    pool: pool.to_string(),
                    cluster: c.name.clone(),
                });
            }
            if let Operation::AddNodePool { pool } = &s.op {
                pools.insert(&pool.name, ());
            }
        }
        Ok(())
    }

    fn check_window(
        &self,
        path: impl Fn() -> String,
        at: Instant,
        created: Instant,
        horizon: Instant,
    ) -> Result<(), ScenarioError> {
        if at < created {
            return Err(ScenarioError::BeforeCreation {
                path: path(),
                at,
                created,
            });
        }
        if at > horizon {
            return Err(ScenarioError::AfterHorizon {
                path: path(),
                at,
                horizon,
            });
        }
        Ok(())
    }

    /// The longest an operation may run under this scenario's policy.
    pub(crate) fn longest(&self, op: &Operation) -> Duration {
        let d = &self.policy.durations;
        match op {
            Operation::Upgrade { .. } | Operation::NodePoolUpgrade { .. } => d.upgrade,
            Operation::NodeImageUpgrade { .. } => d.node_image_upgrade,
            Operation::Stop => d.stop,
            Operation::Start => d.start,
            Operation::RotateCerts { duration, .. } => {
                duration.unwrap_or(self.faults.rotate_certs_duration.max)
            }
            Operation::GetCredentials { .. } => Duration::ZERO,
            Operation::Scale { .. }
            | Operation::AddNodePool { .. }
            | Operation::RecreateNodePool { .. }
            | Operation::SetTags { .. } => d.node_pool_change,
        }
    }
}

/// The checks of one operation's own values, at `path` (`clusters[0].operations[2]`):
/// a rotate-certs duration within the policy's bound, tags Azure accepts.
/// `path` is formatted only when needed (an error, or tags to check).
pub(crate) fn check_operation(
    path: impl Fn() -> String,
    op: &Operation,
    policy: &Policy,
) -> Result<(), ScenarioError> {
    match op {
        Operation::RotateCerts {
            duration: Some(d), ..
        } => {
            let bound = policy.rotate_certs_max_downtime;
            if *d < Duration::minutes(1) || *d > bound {
                return Err(ScenarioError::RotateDuration {
                    path: format!("{}.duration", path()),
                    duration: *d,
                    bound,
                });
            }
        }
        Operation::AddNodePool { pool } => {
            check_tags(&format!("{}.pool.tags", path()), &pool.tags)?
        }
        Operation::SetTags { tags, .. } => check_tags(&format!("{}.tags", path()), tags)?,
        _ => {}
    }
    Ok(())
}

/// Characters Azure forbids in tag names.
const TAG_NAME_FORBIDDEN: &[char] = &['<', '>', '%', '&', '\\', '?', '/'];

/// Check tag names against Azure's rules, naming the first one it would refuse (values
/// are free text to the model: a scenario may carry large ones on purpose).
fn check_tags(path: &str, tags: &crate::VecMap<String, String>) -> Result<(), ScenarioError> {
    for key in tags.keys() {
        let bad = |why| ScenarioError::BadTag {
            path: path.to_string(),
            key: shown(key),
            why,
        };
        if key.is_empty() || key.chars().count() > 512 {
            return Err(bad("a tag name is 1 to 512 characters"));
        }
        if key.contains(TAG_NAME_FORBIDDEN) {
            return Err(bad("Azure tag names cannot contain any of < > % & \\ ? /"));
        }
    }
    Ok(())
}

/// A tag name as an error quotes it: at most 64 characters, so a huge one does not flood
/// the message.
fn shown(key: &str) -> String {
    match key.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", &key[..cut]),
        None => key.to_string(),
    }
}

impl ScenarioCluster {
    /// The creation facts.
    pub fn spec(&self) -> ClusterSpec {
        ClusterSpec {
            name: self.name.clone(),
            resource_group: self.resource_group.clone(),
            created: self.created,
            kubernetes_version: self.kubernetes_version,
            rbac: self.rbac,
            tls_bootstrap: self.tls_bootstrap,
            node_pools: self.node_pools.clone(),
        }
    }
}
