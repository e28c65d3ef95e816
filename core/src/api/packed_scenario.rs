//! A scenario in postcard: how a host that holds a [`Scenario`] already typed (the CLI's
//! wasm engine) opens it in the module without writing JSON that the module parses back;
//! and the request for each of its clusters, likewise.
//!
//! A fleet's scenario is opened once per worker, and as JSON that open was a tenth of the
//! CLI's wasm run of a 10,000-cluster fleet table (benches/README.md, "Fleet through the
//! CLI's engines"): the host wrote ~4 MB of JSON and the guest parsed it — string
//! scanning, field names, dates as text — at wasm speed. postcard writes the same values
//! with no field names, instants and spans as whole seconds and integers as varints.
//!
//! The scenario's JSON leaves empty fields out (`skip_serializing_if`) and flattens each
//! operation into its scheduled instant, neither of which a format without field names
//! can read back; so the scenario crosses through the definitions below, which write
//! every field in order. They are serde's *remote* definitions of core's own types: the
//! compiler checks that they name every field of those types, so a field added to
//! `Scenario` and forgotten here does not build. Leaf values (versions, instants, the
//! policy) use their own `Serialize`/`Deserialize`, with the same checks as in JSON;
//! opening the scenario then validates it exactly as a JSON one is.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{OpenClusterRequest, PackedError, RowAt};
use crate::VecMap;
use crate::cluster::{NodePoolSpec, Operation, Origin, PoolMode, RotateOutcome};
use crate::engine::{
    DurationRange, FaultModel, Horizon, KubeconfigHolder, Scenario, ScenarioCluster,
    ScheduledOperation, StopPattern,
};
use crate::inventory::Os;
use crate::policy::Policy;
use crate::time::{Duration, Instant};
use crate::version::{KubernetesVersion, NodeImageVersion};

/// The postcard bytes of `scenario` (empty only if memory for them cannot be had).
pub fn pack_scenario(scenario: &Scenario) -> Vec<u8> {
    #[derive(Serialize)]
    struct Packing<'a>(#[serde(with = "ScenarioDef")] &'a Scenario);
    super::packed::to_bytes(&Packing(scenario))
}

/// Read a scenario written by [`pack_scenario`]; trailing bytes are an error, as
/// trailing text is in JSON. The scenario is read, not validated (opening it does that).
pub fn unpack_scenario(bytes: &[u8]) -> Result<Scenario, PackedError> {
    #[derive(Deserialize)]
    struct Unpacking(#[serde(with = "ScenarioDef")] Scenario);
    super::packed::take::<Unpacking>(bytes).map(|u| u.0)
}

/// The postcard bytes of a `simulateOpenCluster` request (the CLI asks for each cluster
/// of a fleet so: no JSON to write per cluster, nor dates to parse in the module).
pub fn pack_request(req: &OpenClusterRequest) -> Vec<u8> {
    #[derive(Serialize)]
    struct Packing<'a>(#[serde(with = "RequestDef")] &'a OpenClusterRequest);
    super::packed::to_bytes(&Packing(req))
}

/// Read a request written by [`pack_request`]; trailing bytes are an error.
pub fn unpack_request(bytes: &[u8]) -> Result<OpenClusterRequest, PackedError> {
    #[derive(Deserialize)]
    struct Unpacking(#[serde(with = "RequestDef")] OpenClusterRequest);
    super::packed::take::<Unpacking>(bytes).map(|u| u.0)
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "OpenClusterRequest")]
struct RequestDef {
    index: usize,
    include_events: bool,
    include_certificates: bool,
    leave_out_resolved_by: Option<Instant>,
    row: Option<RowAt>,
    packed: bool,
}

/// `Vec<$t>` through `$t`'s remote definition `$def`, as a `with` module named `$module`.
macro_rules! seq_with {
    ($module:ident, $t:ty, $def:literal) => {
        mod $module {
            use super::*;

            #[derive(Serialize)]
            struct Ref<'a>(#[serde(with = $def)] &'a $t);

            #[derive(Deserialize)]
            struct Owned(#[serde(with = $def)] $t);

            pub fn serialize<S: Serializer>(items: &[$t], s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(items.iter().map(Ref))
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$t>, D::Error> {
                // The newtype has its field's layout: the vector is reused, not copied.
                Ok(Vec::<Owned>::deserialize(d)?
                    .into_iter()
                    .map(|o| o.0)
                    .collect())
            }
        }
    };
}

seq_with!(clusters, ScenarioCluster, "ClusterDef");
seq_with!(pools, NodePoolSpec, "PoolDef");
seq_with!(holders, KubeconfigHolder, "HolderDef");
seq_with!(operations, ScheduledOperation, "ScheduledDef");

#[derive(Serialize, Deserialize)]
#[serde(remote = "Scenario")]
struct ScenarioDef {
    api_version: String,
    kind: String,
    name: Option<String>,
    seed: u64,
    #[serde(with = "HorizonDef")]
    horizon: Horizon,
    policy: Policy,
    #[serde(with = "FaultsDef")]
    faults: FaultModel,
    #[serde(with = "clusters")]
    clusters: Vec<ScenarioCluster>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Horizon")]
enum HorizonDef {
    Until(Instant),
    For(Duration),
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "FaultModel")]
struct FaultsDef {
    rotate_certs_failure_probability: f64,
    rotate_certs_duration: DurationRange,
    stops: Option<StopPattern>,
    upgrade_every: Option<Duration>,
    latest_kubernetes_version: Option<KubernetesVersion>,
    rotate_certs_every: Option<Duration>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ScenarioCluster")]
struct ClusterDef {
    name: String,
    resource_group: String,
    created: Instant,
    kubernetes_version: KubernetesVersion,
    rbac: bool,
    tls_bootstrap: bool,
    #[serde(with = "pools")]
    node_pools: Vec<NodePoolSpec>,
    #[serde(with = "holders")]
    kubeconfigs: Vec<KubeconfigHolder>,
    #[serde(with = "operations")]
    operations: Vec<ScheduledOperation>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "NodePoolSpec")]
struct PoolDef {
    name: String,
    mode: Option<PoolMode>,
    os: Os,
    count: u32,
    kubernetes_version: Option<KubernetesVersion>,
    node_image: Option<NodeImageVersion>,
    snapshot: Option<NodeImageVersion>,
    tags: VecMap<String, String>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "KubeconfigHolder")]
struct HolderDef {
    holder: String,
    fetched: Option<Instant>,
    admin: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ScheduledOperation")]
struct ScheduledDef {
    at: Instant,
    #[serde(with = "OperationDef")]
    op: Operation,
    origin: Origin,
}

/// The operations by variant index (postcard's enum encoding), not by their `op` tag.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Operation")]
enum OperationDef {
    Upgrade {
        kubernetes_version: Option<KubernetesVersion>,
        control_plane_only: bool,
    },
    NodePoolUpgrade {
        pool: String,
        kubernetes_version: KubernetesVersion,
    },
    NodeImageUpgrade {
        pool: Option<String>,
        node_image: Option<NodeImageVersion>,
    },
    Scale {
        pool: String,
        count: u32,
    },
    Stop,
    Start,
    RotateCerts {
        outcome: Option<RotateOutcome>,
        duration: Option<Duration>,
    },
    AddNodePool {
        #[serde(with = "PoolDef")]
        pool: NodePoolSpec,
    },
    RecreateNodePool {
        pool: String,
    },
    SetTags {
        pool: String,
        tags: VecMap<String, String>,
    },
    GetCredentials {
        holder: String,
        overwrite_existing: bool,
        admin: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../examples/scenario.json");

    fn example() -> Scenario {
        crate::api::parse(EXAMPLE).expect("the example parses")
    }

    #[test]
    fn the_example_reads_back_equal_with_every_field_set() {
        let mut s = example();
        assert_eq!(unpack_scenario(&pack_scenario(&s)), Ok(s.clone()));
        // Fields the JSON leaves out when empty or default, set: a policy override, a
        // name, faults of every kind, an origin other than `scheduled`, every operation.
        s.name = Some("every field".into());
        s.policy.autorotation_fraction = 0.5;
        s.horizon = Horizon::For(Duration::days(3650));
        s.faults = FaultModel {
            rotate_certs_failure_probability: 0.25,
            stops: Some(StopPattern {
                every: Duration::days(7),
                stopped_for: Duration::days(2),
            }),
            upgrade_every: Some(Duration::days(365)),
            latest_kubernetes_version: KubernetesVersion::parse("1.31.2").ok(),
            rotate_certs_every: Some(Duration::days(700)),
            ..FaultModel::default()
        };
        let pool = NodePoolSpec {
            snapshot: NodeImageVersion::parse("AKSUbuntu-2204gen2containerd-202405.27.0").ok(),
            tags: VecMap::from([("team".into(), "a".into())]),
            ..s.clusters[0].node_pools[0].clone()
        };
        let ops = [
            Operation::Upgrade {
                kubernetes_version: None,
                control_plane_only: true,
            },
            Operation::RotateCerts {
                outcome: Some(RotateOutcome::Fail),
                duration: Some(Duration::minutes(12)),
            },
            Operation::AddNodePool { pool: pool.clone() },
            Operation::SetTags {
                pool: "np".into(),
                tags: pool.tags.clone(),
            },
            Operation::GetCredentials {
                holder: "ci".into(),
                overwrite_existing: true,
                admin: true,
            },
        ];
        let c = &mut s.clusters[0];
        c.node_pools.push(pool);
        c.kubeconfigs.push(KubeconfigHolder {
            holder: "ops".into(),
            fetched: Some(c.created + Duration::days(3)),
            admin: true,
        });
        let at = c.created;
        c.operations
            .extend(ops.into_iter().map(|op| ScheduledOperation {
                at: at + Duration::days(40),
                op,
                origin: Origin::FaultModel,
            }));
        let bytes = pack_scenario(&s);
        assert_eq!(unpack_scenario(&bytes), Ok(s.clone()));
        // Far smaller than the JSON it replaces.
        let json = serde_json::to_string(&s).expect("serialises");
        assert!(
            bytes.len() * 2 < json.len(),
            "{} vs {}",
            bytes.len(),
            json.len()
        );
    }

    /// Every field of the policy different from every other of its type, so that two
    /// read in each other's place would not read back equal.
    fn distinct_policy() -> Policy {
        let serde_json::Value::Object(fields) =
            serde_json::to_value(Policy::default()).expect("serialises")
        else {
            panic!("a policy is an object");
        };
        let mut distinct = serde_json::Map::new();
        for (i, (key, value)) in fields.into_iter().enumerate() {
            let i = i as i64 + 1;
            let value = match value {
                serde_json::Value::Bool(b) => serde_json::Value::Bool(!b),
                serde_json::Value::Number(_) => serde_json::json!(i as f64 / 100.0),
                serde_json::Value::String(t) if Instant::parse(&t).is_ok() => {
                    serde_json::json!(format!("{}-01-01", 2000 + i))
                }
                serde_json::Value::String(t) if Duration::parse(&t).is_ok() => {
                    serde_json::json!(format!("{i}d"))
                }
                serde_json::Value::Object(inner) => serde_json::Value::Object(
                    inner
                        .into_iter()
                        .enumerate()
                        .map(|(j, (k, _))| {
                            (k, serde_json::json!(format!("{}h", i * 10 + j as i64)))
                        })
                        .collect(),
                ),
                serde_json::Value::String(t) if key.ends_with("Tag") || key.ends_with("Label") => {
                    serde_json::json!(format!("{t}-{i}"))
                }
                other => other,
            };
            distinct.insert(key, value);
        }
        let policy: Policy =
            serde_json::from_value(serde_json::Value::Object(distinct)).expect("a policy");
        assert_ne!(policy, Policy::default());
        policy
    }

    #[test]
    fn every_policy_field_and_every_operation_reads_back_in_its_place() {
        use crate::cluster::OperationKind;
        let mut s = example();
        s.policy = distinct_policy();
        s.policy.rotate_certs_on_stopped_from = Instant::parse("2031-05-05").ok();
        assert_eq!(unpack_scenario(&pack_scenario(&s)), Ok(s.clone()));
        let pool = s.clusters[0].node_pools[0].clone();
        let version = KubernetesVersion::parse("1.30.1").expect("a version");
        // One operation of every kind (a kind added to core and not here does not build).
        let ops = OperationKind::ALL.map(|kind| match kind {
            OperationKind::Upgrade => Operation::Upgrade {
                kubernetes_version: Some(version),
                control_plane_only: false,
            },
            OperationKind::NodePoolUpgrade => Operation::NodePoolUpgrade {
                pool: "np".into(),
                kubernetes_version: version,
            },
            OperationKind::NodeImageUpgrade => Operation::NodeImageUpgrade {
                pool: Some("np".into()),
                node_image: pool.node_image.clone(),
            },
            OperationKind::Scale => Operation::Scale {
                pool: "np".into(),
                count: 7,
            },
            OperationKind::Stop => Operation::Stop,
            OperationKind::Start => Operation::Start,
            OperationKind::RotateCerts => Operation::RotateCerts {
                outcome: Some(RotateOutcome::Succeed),
                duration: None,
            },
            OperationKind::AddNodePool => Operation::AddNodePool { pool: pool.clone() },
            OperationKind::RecreateNodePool => Operation::RecreateNodePool { pool: "np".into() },
            OperationKind::SetTags => Operation::SetTags {
                pool: "np".into(),
                tags: VecMap::from([("a".into(), "b".into()), ("c".into(), String::new())]),
            },
            OperationKind::GetCredentials => Operation::GetCredentials {
                holder: "ci".into(),
                overwrite_existing: true,
                admin: false,
            },
        });
        let c = &mut s.clusters[0];
        let at = c.created;
        for (origin, op) in [Origin::Scheduled, Origin::Kubeconfig, Origin::FaultModel]
            .into_iter()
            .cycle()
            .zip(ops)
        {
            assert_eq!(
                op.kind().as_str(),
                serde_json::to_value(&op).expect("json")["op"]
            );
            c.operations.push(ScheduledOperation { at, op, origin });
        }
        assert_eq!(unpack_scenario(&pack_scenario(&s)), Ok(s));
    }

    #[test]
    fn requests_read_back_equal() {
        let at = Instant::parse("2026-11-28").expect("a date");
        let mut req = OpenClusterRequest {
            index: 70_000,
            include_events: false,
            include_certificates: true,
            leave_out_resolved_by: None,
            row: None,
            packed: false,
        };
        assert_eq!(unpack_request(&pack_request(&req)), Ok(req));
        req.leave_out_resolved_by = Some(at);
        req.row = Some(RowAt {
            now: at,
            warn_within: Duration::days(30),
        });
        req.packed = true;
        let bytes = pack_request(&req);
        assert_eq!(unpack_request(&bytes), Ok(req));
        assert!(bytes.len() < 24, "{} bytes", bytes.len());
        assert!(unpack_request(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn truncated_or_trailing_bytes_are_errors_never_panics() {
        let bytes = pack_scenario(&example());
        for end in 0..bytes.len() {
            assert!(unpack_scenario(&bytes[..end]).is_err(), "cut at {end}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        let e = unpack_scenario(&longer).expect_err("a trailing byte");
        assert_eq!(
            e.to_string(),
            "packed bytes do not decode: 1 bytes follow the value"
        );
    }

    #[test]
    fn leaf_values_keep_their_checks() {
        // A Kubernetes version that is no version is refused as it is in JSON.
        let mut s = example();
        s.clusters.truncate(1);
        let bytes = pack_scenario(&s);
        let version = s.clusters[0].kubernetes_version.to_string();
        let at = bytes
            .windows(version.len())
            .position(|w| w == version.as_bytes())
            .expect("the version is in the bytes");
        let mut broken = bytes.clone();
        broken[at] = b'x';
        // (postcard keeps no custom message: the refusal is all a host learns here.)
        assert!(unpack_scenario(&broken).is_err(), "not a version, refused");
    }
}
