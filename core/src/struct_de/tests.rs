//! The request structs read by [`super::read_fields!`] against serde's derive: a mirror of
//! each (the same fields and serde attributes, the derived `Deserialize`) must read every
//! text to the same value or the same error at the same place, through both JSON readers.
//! The policy (a mirror would need its 29 defaults written again) is checked by its own
//! tests below, and through the mirrors that hold it.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::json_de::tests::{
    FACTS, INSPECT, each_edit, report_requests, same_as_derive, what_if_requests,
};
use crate::policy::{OperationDurations, Policy};
use crate::struct_de::ReadFields;
use crate::time::Duration;

/// The derive's reading of each request struct, for comparison only (its values are
/// compared through `Debug`, so no field is read otherwise).
#[allow(dead_code)]
mod derived {
    use serde::Deserialize;

    use crate::engine::scenario::{Horizon, ScheduledOperation};
    use crate::inspect::InputKind;
    use crate::report::PoolFacts;
    use crate::time::{Duration, Instant};
    use crate::{KubernetesVersion, Policy};

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ClusterFacts {
        pub name: String,
        pub resource_group: String,
        pub created: Instant,
        pub kubernetes_version: KubernetesVersion,
        #[serde(default)]
        pub last_upgrade: Option<Instant>,
        #[serde(default)]
        pub last_rotation: Option<Instant>,
        #[serde(default = "crate::document::yes")]
        pub rbac: bool,
        #[serde(default = "crate::document::yes")]
        pub tls_bootstrap: bool,
        #[serde(default)]
        pub stopped_since: Option<Instant>,
        pub node_pools: Vec<PoolFacts>,
        #[serde(default)]
        pub kubeconfigs: Vec<KubeconfigHolder>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct KubeconfigHolder {
        pub holder: String,
        #[serde(default)]
        pub fetched: Option<Instant>,
        #[serde(default)]
        pub admin: bool,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct ReportRequest {
        pub now: Instant,
        #[serde(default = "crate::document::thirty_days")]
        pub warn_within: Duration,
        #[serde(default)]
        pub policy: Policy,
        pub cluster: ClusterFacts,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct WhatIfRequest {
        pub now: Instant,
        #[serde(default = "crate::document::thirty_days")]
        pub warn_within: Duration,
        #[serde(default)]
        pub policy: Policy,
        #[serde(default)]
        pub seed: u64,
        pub cluster: ClusterFacts,
        #[serde(default)]
        pub operations: Vec<ScheduledOperation>,
        #[serde(default)]
        pub horizon: Option<Horizon>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    pub struct InspectRequest {
        #[serde(default)]
        pub input: Option<String>,
        #[serde(default)]
        pub input_base64: Option<String>,
        #[serde(default)]
        pub kind: Option<InputKind>,
        #[serde(default)]
        pub source: Option<String>,
        pub now: Instant,
        #[serde(default = "crate::document::thirty_days")]
        pub warn_within: Duration,
        #[serde(default)]
        pub verify: bool,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase", default, deny_unknown_fields)]
    pub struct OperationDurations {
        pub upgrade: Duration,
        pub node_image_upgrade: Duration,
        pub start: Duration,
        pub stop: Duration,
        pub node_pool_change: Duration,
    }

    impl Default for OperationDurations {
        fn default() -> Self {
            let d = crate::policy::OperationDurations::default();
            OperationDurations {
                upgrade: d.upgrade,
                node_image_upgrade: d.node_image_upgrade,
                start: d.start,
                stop: d.stop,
                node_pool_change: d.node_pool_change,
            }
        }
    }
}

/// A text and the comparison to run on it.
type Case = (String, fn(&str));

/// The documents each struct is read from: the requests the JSON reader's tests use, the
/// cluster facts alone, and the shapes of every error the reading of a struct has.
fn cases() -> Vec<Case> {
    let mut c: Vec<Case> = Vec::new();
    c.push((
        INSPECT.to_string(),
        same_as_derive::<crate::api::InspectRequest, derived::InspectRequest>,
    ));
    for r in report_requests() {
        c.push((
            r,
            same_as_derive::<crate::report::ReportRequest, derived::ReportRequest>,
        ));
    }
    for r in what_if_requests() {
        c.push((
            r,
            same_as_derive::<crate::report::WhatIfRequest, derived::WhatIfRequest>,
        ));
    }
    for f in FACTS {
        c.push((
            f.to_string(),
            same_as_derive::<crate::report::ClusterFacts, derived::ClusterFacts>,
        ));
    }
    c.push((
        r#"{"upgrade":"1h","stop":"10m","start":"3m","nodeImageUpgrade":"20m","nodePoolChange":"6m"}"#.into(),
        same_as_derive::<OperationDurations, derived::OperationDurations>,
    ));
    c
}

#[test]
fn each_struct_reads_as_the_derive_reads_it() {
    for (text, check) in cases() {
        check(&text);
    }
    // Every error a struct's reading has, worded and placed as the derive's.
    let facts = FACTS[0];
    for text in [
        // missing fields, the first in declaration order named
        r#"{"now":"2026-01-01T00:00:00Z"}"#.to_string(),
        r#"{}"#.to_string(),
        r#"{"cluster":{}}"#.to_string(),
        // a duplicate, an unknown field, a field of the wrong type, not an object
        format!(
            r#"{{"now":"2026-01-01T00:00:00Z","now":"2026-01-01T00:00:00Z","cluster":{facts}}}"#
        ),
        format!(r#"{{"now":"2026-01-01T00:00:00Z","colour":1,"cluster":{facts}}}"#),
        format!(r#"{{"now":"2026-01-01T00:00:00Z","seed":"7","cluster":{facts}}}"#),
        r#"{"now":"2026-01-01T00:00:00Z","cluster":[]}"#.to_string(),
        r#"{"now":"2026-01-01T00:00:00Z","cluster":null}"#.to_string(),
        "[]".into(),
        "7".into(),
        "null".into(),
        r#""cluster""#.into(),
        // defaults taken, `null` for an option, an empty policy
        format!(r#"{{"now":"2026-01-01","cluster":{facts},"horizon":null,"policy":{{}}}}"#),
    ] {
        same_as_derive::<crate::report::WhatIfRequest, derived::WhatIfRequest>(&text);
        same_as_derive::<crate::report::ReportRequest, derived::ReportRequest>(&text);
        same_as_derive::<crate::api::InspectRequest, derived::InspectRequest>(&text);
    }
}

#[test]
fn every_one_byte_edit_reads_as_the_derive_reads_it() {
    for (text, check) in cases() {
        each_edit(&text, check);
    }
}

/// Each table is its struct's fields as its own `Serialize` names them, in its order, the
/// structs fit the 64 bits a reading marks fields in, and every field reads back.
#[test]
fn the_tables_are_the_structs_own_names() {
    /// The keys of a JSON object, in the order they are written.
    struct KeysInOrder(Vec<String>);
    impl<'de> serde::Deserialize<'de> for KeysInOrder {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = KeysInOrder;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<KeysInOrder, A::Error> {
                    let mut keys = Vec::new();
                    while let Some(k) = map.next_key::<String>()? {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        keys.push(k);
                    }
                    Ok(KeysInOrder(keys))
                }
            }
            d.deserialize_map(V)
        }
    }
    fn check<T: ReadFields + Serialize + DeserializeOwned>(full: &T) {
        // In the order the struct's `Serialize` writes them, which postcard's sequence of
        // fields follows too.
        let text = serde_json::to_string(full).expect("serialises");
        let KeysInOrder(written) = serde_json::from_str(&text).expect("an object");
        assert_eq!(T::FIELDS, written, "{}", T::EXPECTING);
        assert!(T::FIELDS.len() <= 64, "{}", T::EXPECTING);
        let text = serde_json::to_string(full).expect("serialises");
        let back: T = crate::json_de::from_str(&text).expect("reads back");
        assert_eq!(serde_json::to_string(&back).expect("serialises"), text);
    }
    let facts: crate::report::ClusterFacts = serde_json::from_str(FACTS[1]).expect("facts");
    let mut full_facts = facts.clone();
    full_facts.last_rotation = full_facts.last_upgrade;
    full_facts.stopped_since = full_facts.last_upgrade;
    check(&full_facts);
    check(&full_facts.kubeconfigs[0]);
    check(&Policy {
        rotate_certs_on_stopped_from: Some(crate::time::Instant::MIN),
        ..Policy::default()
    });
    check(&OperationDurations::default());
    let report: crate::report::ReportRequest =
        serde_json::from_str(&report_requests()[1]).expect("report");
    check(&report);
    let what_if: crate::report::WhatIfRequest =
        serde_json::from_str(&what_if_requests()[1]).expect("what-if");
    check(&crate::report::WhatIfRequest {
        seed: 7,
        horizon: Some(crate::engine::scenario::Horizon::For(Duration::days(730))),
        ..what_if
    });
    check(&crate::api::InspectRequest {
        input: Some("x".into()),
        input_base64: Some("eA==".into()),
        kind: Some(crate::inspect::InputKind::Pem),
        source: Some("s".into()),
        now: crate::time::Instant::MIN,
        warn_within: Duration::days(1),
        verify: true,
    });
}

/// The policy: `{}` is the default, and each field given alone changes that field only.
#[test]
fn a_policy_field_given_alone_changes_only_itself() {
    let default = serde_json::to_value(Policy::default()).expect("serialises");
    let read: Policy = crate::json_de::from_str("{}").expect("empty policy");
    assert_eq!(read, Policy::default());
    let serde_json::Value::Object(fields) = &default else {
        panic!("a policy is an object");
    };
    for (key, value) in fields {
        let changed = match value {
            serde_json::Value::Bool(b) => serde_json::json!(!b),
            serde_json::Value::Number(_) => serde_json::json!(0.5),
            serde_json::Value::String(t) if crate::time::Instant::parse(t).is_ok() => {
                serde_json::json!("2001-02-03")
            }
            serde_json::Value::String(t) if Duration::parse(t).is_ok() => serde_json::json!("3d"),
            serde_json::Value::Object(_) => serde_json::json!({"stop": "1h"}),
            serde_json::Value::Null => serde_json::json!("2001-02-03"),
            serde_json::Value::String(t) if crate::NodeImageVersion::parse(t).is_ok() => {
                serde_json::json!("202601.01.0")
            }
            serde_json::Value::String(t) if crate::KubernetesVersion::parse(t).is_ok() => {
                serde_json::json!("1.33")
            }
            _ => serde_json::json!("changed"),
        };
        let text = serde_json::json!({ key: changed.clone() }).to_string();
        let read: Policy =
            crate::json_de::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let mut expected = default.clone();
        expected[key] = serde_json::to_value(&read).expect("serialises")[key].clone();
        assert_ne!(expected[key], default[key], "{key} did not change");
        assert_eq!(
            serde_json::to_value(&read).expect("serialises"),
            expected,
            "{key}"
        );
    }
}
