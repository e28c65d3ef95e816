//! Reading a [`NodePoolSpec`] field by field, so that a document which embeds a pool's
//! fields beside its own (the expiry report's `PoolFacts`: the pool as created, then
//! the dates of its present state) reads them with the same rules and messages.
//!
//! serde's `#[serde(flatten)]` cannot be combined with `deny_unknown_fields`, which is
//! what tells a user about a misspelt pool field; and it buffers every map. Here each key
//! is read once into the field of its name; the embedding document reads its own keys
//! first and hands the rest to [`PoolFields::read`]. The messages are serde's (`missing
//! field`, `duplicate field`, `unknown field … expected one of …`).

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::spec::{NodePoolSpec, PoolMode, default_count};
use crate::VecMap;
use crate::inventory::Os;
use crate::version::{KubernetesVersion, NodeImageVersion};

/// The keys of a node pool, in the order a pool is written.
pub(crate) const NODE_POOL_FIELDS: [&str; 8] = [
    "name",
    "mode",
    "os",
    "count",
    "kubernetesVersion",
    "nodeImage",
    "snapshot",
    "tags",
];

/// A map key that must be one of the given field names. An unknown key is refused while it
/// is read, as serde's derive does, so that a format which knows where each key is (TOML,
/// YAML, JSON) points at the key itself rather than at the map around it.
pub(crate) struct KnownKey(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KnownKey {
    type Value = &'static str;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        struct Names(&'static [&'static str]);
        impl<'de> Visitor<'de> for Names {
            type Value = &'static str;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<&'static str, E> {
                self.0
                    .iter()
                    .find(|name| **name == v)
                    .copied()
                    .ok_or_else(|| E::unknown_field(v, self.0))
            }
        }
        d.deserialize_identifier(Names(self.0))
    }
}

/// Read one value into `slot`, refusing a key given twice.
pub(crate) fn put<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A node pool's fields read so far; `None` = not given.
#[derive(Default)]
pub(crate) struct PoolFields {
    name: Option<String>,
    mode: Option<Option<PoolMode>>,
    os: Option<Os>,
    count: Option<u32>,
    kubernetes_version: Option<Option<KubernetesVersion>>,
    node_image: Option<Option<NodeImageVersion>>,
    snapshot: Option<Option<NodeImageVersion>>,
    tags: Option<VecMap<String, String>>,
}

impl PoolFields {
    /// Read the value of `key`, one of [`NODE_POOL_FIELDS`] (the caller's [`KnownKey`]
    /// refuses any other before its value is reached).
    pub(crate) fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            "name" => put(map, &mut self.name, "name")?,
            "mode" => put(map, &mut self.mode, "mode")?,
            "os" => put(map, &mut self.os, "os")?,
            "count" => put(map, &mut self.count, "count")?,
            "kubernetesVersion" => put(map, &mut self.kubernetes_version, "kubernetesVersion")?,
            "nodeImage" => put(map, &mut self.node_image, "nodeImage")?,
            "snapshot" => put(map, &mut self.snapshot, "snapshot")?,
            "tags" => put(map, &mut self.tags, "tags")?,
            _ => return Err(de::Error::unknown_field(key, &NODE_POOL_FIELDS)),
        }
        Ok(())
    }

    /// The pool the fields make: `name` is required; the rest take their defaults (the
    /// OS's default, 3 nodes as `az aks create`, no tags).
    pub(crate) fn finish<E: de::Error>(self) -> Result<NodePoolSpec, E> {
        Ok(NodePoolSpec {
            name: self.name.ok_or_else(|| E::missing_field("name"))?,
            mode: self.mode.flatten(),
            os: self.os.unwrap_or_default(),
            count: self.count.unwrap_or_else(default_count),
            kubernetes_version: self.kubernetes_version.flatten(),
            node_image: self.node_image.flatten(),
            snapshot: self.snapshot.flatten(),
            tags: self.tags.unwrap_or_default(),
        })
    }
}

impl<'de> Deserialize<'de> for NodePoolSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PoolVisitor;
        impl<'de> Visitor<'de> for PoolVisitor {
            type Value = NodePoolSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct NodePoolSpec")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodePoolSpec, A::Error> {
                let mut fields = PoolFields::default();
                while let Some(key) = map.next_key_seed(KnownKey(&NODE_POOL_FIELDS))? {
                    fields.read(key, &mut map)?;
                }
                fields.finish()
            }
        }
        d.deserialize_struct("NodePoolSpec", &NODE_POOL_FIELDS, PoolVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<NodePoolSpec, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_pool_reads_with_its_defaults_and_writes_back_the_same() {
        let p = read(r#"{"name":"np1"}"#).expect("a pool");
        assert_eq!((p.name.as_str(), p.count, p.mode), ("np1", 3, None));
        assert!(p.tags.is_empty() && p.kubernetes_version.is_none());
        let full = r#"{"name":"np2","mode":"User","os":"Windows","count":5,"kubernetesVersion":"1.29.4","nodeImage":"AKSWindows-2022-containerd-20348.2402.240607","snapshot":"AKSUbuntu-2204gen2containerd-202405.27.0","tags":{"team":"a"}}"#;
        let p = read(full).expect("a pool");
        assert_eq!(serde_json::to_string(&p).expect("writes"), full);
        // Explicit nulls are the defaults.
        let p = read(r#"{"name":"np1","mode":null,"nodeImage":null}"#).expect("a pool");
        assert_eq!((p.mode, p.node_image), (None, None));
    }

    #[test]
    fn a_pool_is_refused_with_serdes_messages() {
        let e = read(r#"{"name":"np1","colour":"red"}"#).expect_err("unknown");
        assert!(
            e.starts_with(
                "unknown field `colour`, expected one of `name`, `mode`, `os`, `count`, \
                 `kubernetesVersion`, `nodeImage`, `snapshot`, `tags`"
            ),
            "{e}"
        );
        let e = read(r#"{"count":2}"#).expect_err("no name");
        assert!(e.starts_with("missing field `name`"), "{e}");
        let e = read(r#"{"name":"a","count":1,"count":2}"#).expect_err("twice");
        assert!(e.starts_with("duplicate field `count`"), "{e}");
        let e = read(r#"{"name":"a","count":"two"}"#).expect_err("a string");
        assert!(
            e.starts_with("invalid type: string \"two\", expected u32"),
            "{e}"
        );
        let e = read(r#""np1""#).expect_err("not a map");
        assert!(
            e.starts_with("invalid type: string \"np1\", expected struct NodePoolSpec"),
            "{e}"
        );
    }
}
