//! Reading an [`Operation`] (and a [`ScheduledOperation`], which adds `at` and `origin`
//! beside the operation's own fields) in one pass over the map.
//!
//! serde's derive reads an internally tagged enum (`op` names the variant) by buffering the
//! whole map first, and a flattened one a second time: that buffering compiled every type
//! under an operation twice into the WebAssembly modules. Here each key is read once, in
//! any order, into the field of its name, and the `op` then decides which fields belong.
//! The messages are serde's (`missing field`, `duplicate field`, `unknown field`, `unknown
//! variant`), and a field another operation takes is refused by name.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::Origin;
use super::operation::{Operation, OperationKind, RotateOutcome};
use super::spec::NodePoolSpec;
use super::spec_de::{KnownKey, put};
use crate::VecMap;
use crate::engine::scenario::ScheduledOperation;
use crate::time::{Duration, Instant};
use crate::version::{KubernetesVersion, NodeImageVersion};

/// Every key an operation may carry, for the unknown-field message.
const OPERATION_FIELDS: [&str; 12] = [
    "op",
    "kubernetesVersion",
    "controlPlaneOnly",
    "pool",
    "nodeImage",
    "count",
    "outcome",
    "duration",
    "tags",
    "holder",
    "overwriteExisting",
    "admin",
];

/// The keys of a scheduled operation: `at`, `origin`, then an operation's.
const SCHEDULED_FIELDS: [&str; 14] = {
    let mut fields = [
        "at", "origin", "", "", "", "", "", "", "", "", "", "", "", "",
    ];
    let mut i = 0;
    while i < OPERATION_FIELDS.len() {
        fields[i + 2] = OPERATION_FIELDS[i];
        i += 1;
    }
    fields
};

/// `pool`: a name for most operations, a whole pool for `addNodePool`, null where optional.
enum PoolArg {
    Name(String),
    Spec(Box<NodePoolSpec>),
    Null,
}

impl<'de> Deserialize<'de> for PoolArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PoolVisitor;
        impl<'de> Visitor<'de> for PoolVisitor {
            type Value = PoolArg;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a pool name, or a node pool (for addNodePool)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PoolArg, E> {
                Ok(PoolArg::Name(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<PoolArg, E> {
                Ok(PoolArg::Name(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<PoolArg, E> {
                Ok(PoolArg::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<PoolArg, E> {
                Ok(PoolArg::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<PoolArg, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PoolArg, A::Error> {
                NodePoolSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|spec| PoolArg::Spec(Box::new(spec)))
            }
        }
        d.deserialize_any(PoolVisitor)
    }
}

/// The fields read so far; `None` = not given.
#[derive(Default)]
struct Fields {
    op: Option<OperationKind>,
    kubernetes_version: Option<Option<KubernetesVersion>>,
    control_plane_only: Option<bool>,
    pool: Option<PoolArg>,
    node_image: Option<Option<NodeImageVersion>>,
    count: Option<u32>,
    outcome: Option<Option<RotateOutcome>>,
    duration: Option<Option<Duration>>,
    tags: Option<VecMap<String, String>>,
    holder: Option<String>,
    overwrite_existing: Option<bool>,
    admin: Option<bool>,
}

impl Fields {
    /// Read the value of `key`, one of [`OPERATION_FIELDS`] (the caller's `KnownKey`
    /// refuses any other before its value is reached).
    fn read<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "op" => put(map, &mut self.op, "op")?,
            "kubernetesVersion" => put(map, &mut self.kubernetes_version, "kubernetesVersion")?,
            "controlPlaneOnly" => put(map, &mut self.control_plane_only, "controlPlaneOnly")?,
            "pool" => put(map, &mut self.pool, "pool")?,
            "nodeImage" => put(map, &mut self.node_image, "nodeImage")?,
            "count" => put(map, &mut self.count, "count")?,
            "outcome" => put(map, &mut self.outcome, "outcome")?,
            "duration" => put(map, &mut self.duration, "duration")?,
            "tags" => put(map, &mut self.tags, "tags")?,
            "holder" => put(map, &mut self.holder, "holder")?,
            "overwriteExisting" => put(map, &mut self.overwrite_existing, "overwriteExisting")?,
            "admin" => put(map, &mut self.admin, "admin")?,
            _ => return Err(de::Error::unknown_field(key, &OPERATION_FIELDS)),
        }
        Ok(())
    }

    /// The operation the fields make, or why they make none.
    fn finish<E: de::Error>(self) -> Result<Operation, E> {
        let kind = self.op.ok_or_else(|| E::missing_field("op"))?;
        let op = kind.as_str();
        // The keys this operation takes; any other given key is refused by name.
        let allowed: &[&str] = match kind {
            OperationKind::Upgrade => &["kubernetesVersion", "controlPlaneOnly"],
            OperationKind::NodePoolUpgrade => &["pool", "kubernetesVersion"],
            OperationKind::NodeImageUpgrade => &["pool", "nodeImage"],
            OperationKind::Scale => &["pool", "count"],
            OperationKind::Stop | OperationKind::Start => &[],
            OperationKind::RotateCerts => &["outcome", "duration"],
            OperationKind::AddNodePool | OperationKind::RecreateNodePool => &["pool"],
            OperationKind::SetTags => &["pool", "tags"],
            OperationKind::GetCredentials => &["holder", "overwriteExisting", "admin"],
        };
        let given = [
            ("kubernetesVersion", self.kubernetes_version.is_some()),
            ("controlPlaneOnly", self.control_plane_only.is_some()),
            ("pool", self.pool.is_some()),
            ("nodeImage", self.node_image.is_some()),
            ("count", self.count.is_some()),
            ("outcome", self.outcome.is_some()),
            ("duration", self.duration.is_some()),
            ("tags", self.tags.is_some()),
            ("holder", self.holder.is_some()),
            ("overwriteExisting", self.overwrite_existing.is_some()),
            ("admin", self.admin.is_some()),
        ];
        if let Some((key, _)) = given.iter().find(|(k, g)| *g && !allowed.contains(k)) {
            return Err(E::custom(format_args!(
                "unknown field `{key}` for op `{op}`, expected {}",
                expected(allowed)
            )));
        }
        // A pool name where one is required.
        let name = |pool: Option<PoolArg>| -> Result<String, E> {
            match pool {
                Some(PoolArg::Name(n)) => Ok(n),
                None => Err(E::missing_field("pool")),
                Some(_) => Err(E::custom(format_args!(
                    "`pool` of op `{op}` is a pool name (a string)"
                ))),
            }
        };
        Ok(match kind {
            OperationKind::Upgrade => Operation::Upgrade {
                kubernetes_version: self.kubernetes_version.flatten(),
                control_plane_only: self.control_plane_only.unwrap_or(false),
            },
            OperationKind::NodePoolUpgrade => Operation::NodePoolUpgrade {
                pool: name(self.pool)?,
                kubernetes_version: self
                    .kubernetes_version
                    .flatten()
                    .ok_or_else(|| E::missing_field("kubernetesVersion"))?,
            },
            OperationKind::NodeImageUpgrade => Operation::NodeImageUpgrade {
                pool: match self.pool {
                    None | Some(PoolArg::Null) => None,
                    pool => Some(name(pool)?),
                },
                node_image: self.node_image.flatten(),
            },
            OperationKind::Scale => Operation::Scale {
                pool: name(self.pool)?,
                count: self.count.ok_or_else(|| E::missing_field("count"))?,
            },
            OperationKind::Stop => Operation::Stop,
            OperationKind::Start => Operation::Start,
            OperationKind::RotateCerts => Operation::RotateCerts {
                outcome: self.outcome.flatten(),
                duration: self.duration.flatten(),
            },
            OperationKind::AddNodePool => match self.pool {
                Some(PoolArg::Spec(pool)) => Operation::AddNodePool { pool: *pool },
                None => return Err(E::missing_field("pool")),
                Some(_) => {
                    return Err(E::custom(
                        "`pool` of op `addNodePool` is the new node pool (name, count …)",
                    ));
                }
            },
            OperationKind::RecreateNodePool => Operation::RecreateNodePool {
                pool: name(self.pool)?,
            },
            OperationKind::SetTags => Operation::SetTags {
                pool: name(self.pool)?,
                tags: self.tags.ok_or_else(|| E::missing_field("tags"))?,
            },
            OperationKind::GetCredentials => Operation::GetCredentials {
                holder: self.holder.ok_or_else(|| E::missing_field("holder"))?,
                overwrite_existing: self.overwrite_existing.unwrap_or(false),
                admin: self.admin.unwrap_or(false),
            },
        })
    }
}

/// "`a` or `b`", "one of `a`, `b`, `c`", "no other field" — serde's wording.
fn expected(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    match quoted.as_slice() {
        [] => "no other field".into(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        more => format!("one of {}", more.join(", ")),
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OperationVisitor;
        impl<'de> Visitor<'de> for OperationVisitor {
            type Value = Operation;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an operation (`op` and its arguments)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Operation, A::Error> {
                let mut fields = Fields::default();
                while let Some(key) = map.next_key_seed(KnownKey(&OPERATION_FIELDS))? {
                    fields.read(key, &mut map)?;
                }
                fields.finish()
            }
        }
        d.deserialize_map(OperationVisitor)
    }
}

impl<'de> Deserialize<'de> for ScheduledOperation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScheduledVisitor;
        impl<'de> Visitor<'de> for ScheduledVisitor {
            type Value = ScheduledOperation;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scheduled operation (`at`, `op` and its arguments)")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ScheduledOperation, A::Error> {
                let mut at: Option<Instant> = None;
                let mut origin: Option<Origin> = None;
                let mut fields = Fields::default();
                while let Some(key) = map.next_key_seed(KnownKey(&SCHEDULED_FIELDS))? {
                    match key {
                        "at" => put(&mut map, &mut at, "at")?,
                        "origin" => put(&mut map, &mut origin, "origin")?,
                        operation_key => {
                            fields.read(operation_key, &mut map)?;
                        }
                    }
                }
                Ok(ScheduledOperation {
                    at: at.ok_or_else(|| de::Error::missing_field("at"))?,
                    op: fields.finish()?,
                    origin: origin.unwrap_or(Origin::Scheduled),
                })
            }
        }
        d.deserialize_map(ScheduledVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::PoolMode;

    fn read(json: &str) -> Result<Operation, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    fn every_operation() -> Vec<Operation> {
        let v = |s: &str| KubernetesVersion::parse(s).expect("a version");
        let pool = NodePoolSpec {
            name: "extra".into(),
            mode: Some(PoolMode::User),
            os: Default::default(),
            count: 2,
            kubernetes_version: None,
            node_image: None,
            snapshot: None,
            tags: VecMap::from([("team".into(), "a".into())]),
        };
        vec![
            Operation::Upgrade {
                kubernetes_version: Some(v("1.29.2")),
                control_plane_only: true,
            },
            Operation::Upgrade {
                kubernetes_version: None,
                control_plane_only: false,
            },
            Operation::NodePoolUpgrade {
                pool: "np".into(),
                kubernetes_version: v("1.28.5"),
            },
            Operation::NodeImageUpgrade {
                pool: None,
                node_image: None,
            },
            Operation::NodeImageUpgrade {
                pool: Some("np".into()),
                node_image: Some(
                    NodeImageVersion::parse("AKSUbuntu-2204gen2containerd-202405.27.0")
                        .expect("an image"),
                ),
            },
            Operation::Scale {
                pool: "np".into(),
                count: 0,
            },
            Operation::Stop,
            Operation::Start,
            Operation::RotateCerts {
                outcome: Some(RotateOutcome::Fail),
                duration: Some(Duration::minutes(20)),
            },
            Operation::RotateCerts {
                outcome: None,
                duration: None,
            },
            Operation::AddNodePool { pool },
            Operation::RecreateNodePool { pool: "np".into() },
            Operation::SetTags {
                pool: "np".into(),
                tags: VecMap::from([(
                    "aks-disable-kubelet-serving-certificate-rotation".into(),
                    "true".into(),
                )]),
            },
            Operation::GetCredentials {
                holder: "ci".into(),
                overwrite_existing: true,
                admin: false,
            },
        ]
    }

    #[test]
    fn every_operation_reads_back_in_any_key_order() {
        for op in every_operation() {
            let json = serde_json::to_string(&op).expect("serialises");
            assert!(json.starts_with(r#"{"op":"#), "{json}");
            assert_eq!(read(&json).as_ref(), Ok(&op), "{json}");
            // serde_json's Value sorts keys: `op` then comes after `kubernetesVersion` …
            let sorted = serde_json::to_string(&serde_json::to_value(&op).expect("a value"))
                .expect("serialises");
            assert_eq!(read(&sorted).as_ref(), Ok(&op), "{sorted}");
            let scheduled = ScheduledOperation {
                at: Instant::parse("2025-01-01T00:00:00Z").expect("a date"),
                op: op.clone(),
                origin: Origin::Scheduled,
            };
            let json = serde_json::to_string(&scheduled).expect("serialises");
            assert_eq!(
                serde_json::from_str::<ScheduledOperation>(&json).map_err(|e| e.to_string()),
                Ok(scheduled),
                "{json}"
            );
        }
    }

    #[test]
    fn optional_fields_may_be_null_or_absent() {
        assert_eq!(
            read(r#"{"kubernetesVersion": null, "op": "upgrade"}"#),
            Ok(Operation::Upgrade {
                kubernetes_version: None,
                control_plane_only: false
            })
        );
        assert_eq!(
            read(r#"{"op": "nodeImageUpgrade", "pool": null, "nodeImage": null}"#),
            Ok(Operation::NodeImageUpgrade {
                pool: None,
                node_image: None
            })
        );
    }

    #[test]
    fn refusals_name_the_field_and_the_operation() {
        for (json, want) in [
            (r#"{"pool": "np"}"#, "missing field `op`"),
            (
                r#"{"op": "reboot"}"#,
                "unknown variant `reboot`, expected one of",
            ),
            (r#"{"op": "scale", "pool": "np"}"#, "missing field `count`"),
            (r#"{"op": "scale", "count": 1}"#, "missing field `pool`"),
            (
                r#"{"op": "stop", "colour": 1}"#,
                "unknown field `colour`, expected one of `op`",
            ),
            (
                r#"{"op": "stop", "count": 1}"#,
                "unknown field `count` for op `stop`, expected no other field",
            ),
            (
                r#"{"count": 1, "op": "upgrade"}"#,
                "unknown field `count` for op `upgrade`, expected `kubernetesVersion` or `controlPlaneOnly`",
            ),
            (r#"{"op": "stop", "op": "start"}"#, "duplicate field `op`"),
            (
                r#"{"op": "scale", "pool": "np", "count": -1}"#,
                "invalid value: integer `-1`",
            ),
            (
                r#"{"op": "scale", "pool": {"name": "x"}, "count": 1}"#,
                "`pool` of op `scale` is a pool name",
            ),
            (
                r#"{"op": "addNodePool", "pool": "x"}"#,
                "`pool` of op `addNodePool` is the new node pool",
            ),
            (
                r#"{"op": "addNodePool", "pool": {"name": "x", "colour": 1}}"#,
                "unknown field `colour`",
            ),
            (
                r#"{"op": "setTags", "pool": null, "tags": {}}"#,
                "`pool` of op `setTags` is a pool name",
            ),
            (
                r#"["op", "stop"]"#,
                "invalid type: sequence, expected an operation",
            ),
        ] {
            let err = read(json).expect_err(json);
            assert!(err.contains(want), "{json}: {err}");
        }
        let err = serde_json::from_str::<ScheduledOperation>(r#"{"op": "stop"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `at`"), "{err}");
        let err = serde_json::from_str::<ScheduledOperation>(
            r#"{"at": "2025-01-01T00:00:00Z", "op": "stop", "when": 1}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown field `when`, expected one of `at`, `origin`, `op`"),
            "{err}"
        );
    }
}
