//! What a cluster looks like when it is created: the facts a scenario or a user gives.

use serde::{Deserialize, Serialize};

use crate::VecMap;
use crate::inventory::Os;
use crate::time::Instant;
use crate::version::{KubernetesVersion, NodeImageVersion};

/// Why a cluster or node pool description was refused; names the field and the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// A name that AKS would not accept (and that would be unsafe in a shell command).
    #[error("{field} `{value}` is not a valid name: {rule}")]
    BadName {
        /// Which field.
        field: &'static str,
        /// The value given.
        value: String,
        /// AKS's naming rule.
        rule: &'static str,
    },
    /// Two pools with one name.
    #[error("node pool `{name}` appears twice")]
    DuplicatePool {
        /// The repeated name.
        name: String,
    },
    /// A cluster with no node pools.
    #[error("cluster `{cluster}` has no node pools (AKS needs at least one System pool)")]
    NoNodePools {
        /// Cluster name.
        cluster: String,
    },
    /// A pool version newer than the control plane's.
    #[error(
        "node pool `{pool}` runs Kubernetes {pool_version}, newer than the control plane's {control_plane}"
    )]
    PoolAboveControlPlane {
        /// Pool name.
        pool: String,
        /// Its version.
        pool_version: KubernetesVersion,
        /// Control plane version.
        control_plane: KubernetesVersion,
    },
    /// Node count out of range.
    #[error(
        "node pool `{pool}` count {count} is out of range (System pools 1–1000, User pools 0–1000)"
    )]
    BadCount {
        /// Pool name.
        pool: String,
        /// The count given.
        count: u32,
    },
    /// A creation date AKS cannot have (AKS launched in preview on 2017-10-24).
    #[error("cluster `{cluster}` created {created}: AKS did not exist before 2017-10-24")]
    CreatedTooEarly {
        /// Cluster name.
        cluster: String,
        /// The date given.
        created: Instant,
    },
}

/// A node pool's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum PoolMode {
    /// Runs system pods; needs at least one node.
    System,
    /// Workload pool; may scale to zero.
    #[default]
    User,
}

crate::variant_de::read_variants! {
    PoolMode;
    "System" => System,
    "User" => User,
}

/// A node pool as created. Read by hand (`spec_de.rs`: unknown fields refused, each key
/// read once), so that the expiry report's pool facts can embed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NodePoolSpec {
    /// Pool name (Linux: 1–12, Windows: 1–6 lowercase letters and digits, starting with a
    /// letter).
    pub name: String,
    /// `System` or `User`. When no pool of a cluster says `System`, the first one is
    /// (as `az aks create` makes `nodepool1` the System pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<PoolMode>,
    /// Node OS.
    #[serde(default)]
    pub os: Os,
    /// Node count (default 3, as `az aks create`).
    #[serde(default = "default_count")]
    pub count: u32,
    /// Kubernetes version; defaults to the control plane's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<KubernetesVersion>,
    /// Node image version, e.g. `AKSUbuntu-2204gen2containerd-202405.27.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_image: Option<NodeImageVersion>,
    /// When the pool uses a node pool snapshot: the node image the snapshot is based on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<NodeImageVersion>,
    /// Node pool tags (`az aks nodepool update --tags`).
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, string>"))]
    pub tags: VecMap<String, String>,
}

pub(super) fn default_count() -> u32 {
    3
}

/// A cluster as created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterSpec {
    /// Cluster name (1–63 letters, digits, `-`, `_`).
    pub name: String,
    /// Resource group (1–90 letters, digits, `_`, `-`, `.`, `(`, `)`; not ending in `.`).
    pub resource_group: String,
    /// When the cluster was created.
    pub created: Instant,
    /// Control plane Kubernetes version at creation.
    pub kubernetes_version: KubernetesVersion,
    /// Kubernetes RBAC enabled (autorotation and KSCR need it).
    #[serde(default = "crate::document::yes")]
    pub rbac: bool,
    /// TLS bootstrapping enabled ("Don't disable TLS Bootstrap to keep certificate
    /// autorotation enabled").
    #[serde(default = "crate::document::yes")]
    pub tls_bootstrap: bool,
    /// Node pools at creation.
    pub node_pools: Vec<NodePoolSpec>,
}

fn check_name(
    field: &'static str,
    value: &str,
    ok: impl Fn(&str) -> bool,
    rule: &'static str,
) -> Result<(), SpecError> {
    if ok(value) {
        Ok(())
    } else {
        Err(SpecError::BadName {
            field,
            value: value.chars().take(100).collect(),
            rule,
        })
    }
}

/// AKS cluster names: 1–63 of `[A-Za-z0-9_-]`, starting and ending with a letter or digit.
pub fn valid_cluster_name(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// Azure resource group names: 1–90 of `[A-Za-z0-9_.()-]`, not ending in `.`.
pub fn valid_resource_group(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=90).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_-.()".contains(c))
        && b[b.len() - 1] != b'.'
}

/// AKS node pool names: lowercase letters and digits, starting with a letter; at most 12
/// characters for Linux pools and 6 for Windows pools.
pub fn valid_pool_name(s: &str, os: Os) -> bool {
    let max = match os {
        Os::Linux => 12,
        Os::Windows => 6,
    };
    let b = s.as_bytes();
    (1..=max).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

impl NodePoolSpec {
    /// Check the name and count.
    pub fn validate(&self) -> Result<(), SpecError> {
        check_name(
            "node pool name",
            &self.name,
            |s| valid_pool_name(s, self.os),
            "lowercase letters and digits, starting with a letter, at most 12 characters (6 on Windows)",
        )?;
        let min = u32::from(self.mode == Some(PoolMode::System));
        if self.count < min || self.count > 1000 {
            return Err(SpecError::BadCount {
                pool: self.name.clone(),
                count: self.count,
            });
        }
        Ok(())
    }
}

impl ClusterSpec {
    /// Check names, pools and dates; on success every pool has a mode.
    pub fn validate(&mut self) -> Result<(), SpecError> {
        check_name(
            "cluster name",
            &self.name,
            valid_cluster_name,
            "1-63 letters, digits, '-' or '_', starting and ending with a letter or digit",
        )?;
        check_name(
            "resource group",
            &self.resource_group,
            valid_resource_group,
            "1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
        )?;
        let aks_launch = Instant::from_date(2017, 10, 24).unwrap_or(Instant::MIN);
        if self.created < aks_launch {
            return Err(SpecError::CreatedTooEarly {
                cluster: self.name.clone(),
                created: self.created,
            });
        }
        if self.node_pools.is_empty() {
            return Err(SpecError::NoNodePools {
                cluster: self.name.clone(),
            });
        }
        if !self
            .node_pools
            .iter()
            .any(|p| p.mode == Some(PoolMode::System))
        {
            self.node_pools[0].mode = Some(PoolMode::System);
        }
        let repeated = crate::sort::first_repeat(self.node_pools.iter().map(|p| &p.name));
        for (i, pool) in self.node_pools.iter_mut().enumerate() {
            pool.mode.get_or_insert(PoolMode::User);
            pool.validate()?;
            if repeated == Some(i) {
                return Err(SpecError::DuplicatePool {
                    name: pool.name.clone(),
                });
            }
            if let Some(v) = pool.kubernetes_version
                && v > self.kubernetes_version
            {
                return Err(SpecError::PoolAboveControlPlane {
                    pool: pool.name.clone(),
                    pool_version: v,
                    control_plane: self.kubernetes_version,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aks_rules() {
        assert!(valid_cluster_name("prod-weu_1"));
        assert!(!valid_cluster_name("-prod"));
        assert!(!valid_cluster_name("prod;rm -rf"));
        assert!(valid_resource_group("rg.prod(eu)"));
        assert!(!valid_resource_group("rg."));
        assert!(valid_pool_name("nodepool1", Os::Linux));
        assert!(!valid_pool_name("nodepool1", Os::Windows));
        assert!(!valid_pool_name("Pool", Os::Linux));
    }
}
