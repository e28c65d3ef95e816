//! Fleet inventories from `az aks list -o json` (or `az aks show -o json`, or the raw ARM
//! bodies with `properties`): each cluster's facts — versions, node pools, node image
//! versions, tags, power and provisioning state — mapped into akscert-core's
//! `ClusterFacts`, with notes on everything the JSON does not say and had to be assumed.
//!
//! `az` output has no creation date unless ARM's `systemData.createdAt` is present, and
//! never the date of the last upgrade or rotation. They come from, in order: the cluster
//! tags `akscert-created`, `akscert-last-upgrade`, `akscert-last-rotation` (dates a team
//! records on the cluster); `systemData.createdAt`; `--assume-created`. A cluster with no
//! creation date is reported as an error of its own; the rest of the fleet still runs.

use std::collections::BTreeMap;

use akscert_core::cluster::PoolMode;
use akscert_core::inventory::Os;
use akscert_core::report::{ClusterFacts, PoolFacts};
use akscert_core::time::Instant;
use akscert_core::version::{KubernetesVersion, NodeImageVersion};
use serde_json::Value;

use crate::views::FailureView;

/// Kubernetes 1.24 was released upstream on 2022-05-03: a cluster created before March
/// 2022 that runs 1.24 or later has been upgraded since, which (seed) enables
/// autorotation. The earliest such upgrade is assumed.
const FIRST_VERSION_AFTER_CUTOFF: (u32, u32, &str) = (1, 24, "2022-05-03");

/// What the inventory does not say, given on the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Assumptions {
    /// Creation date for clusters without one.
    pub created: Option<Instant>,
    /// Last upgrade for clusters without one.
    pub last_upgrade: Option<Instant>,
}

/// One cluster of an inventory.
#[derive(Debug, Clone)]
pub struct InventoryEntry {
    /// Position in the inventory.
    pub index: usize,
    /// Cluster name (or `#<index>` when the entry has none).
    pub name: String,
    /// Resource group.
    pub resource_group: String,
    /// The facts, or why there are none.
    pub facts: Result<ClusterFacts, FailureView>,
    /// What was assumed or noticed.
    pub notes: Vec<String>,
}

impl InventoryEntry {
    /// The report request for this cluster at `now`, or why there is none.
    pub fn request(
        &self,
        now: Instant,
        warn_within: akscert_core::time::Duration,
    ) -> Result<akscert_core::report::ReportRequest, FailureView> {
        let mut facts = self.facts.clone()?;
        if facts.stopped_since == Some(Instant::MAX) {
            facts.stopped_since = Some(now);
        }
        if now < facts.created {
            return Err(FailureView {
                kind: "invalidInventory".into(),
                message: format!(
                    "cluster `{}` was created {}, after --now {}",
                    self.name,
                    facts.created.date_string(),
                    now.date_string()
                ),
            });
        }
        Ok(akscert_core::report::ReportRequest {
            now,
            warn_within,
            policy: Default::default(),
            cluster: facts,
        })
    }
}

/// Whether a JSON document looks like `az aks` output (a cluster, a list, an ARM list).
pub fn is_az_output(v: &Value) -> bool {
    clusters(v).is_some_and(|c| !c.is_empty())
}

fn clusters(v: &Value) -> Option<Vec<&Value>> {
    let is_cluster = |c: &Value| {
        let p = c.get("properties").unwrap_or(c);
        p.get("agentPoolProfiles").is_some() || p.get("kubernetesVersion").is_some()
    };
    match v {
        Value::Array(items) => Some(items.iter().collect()),
        Value::Object(o) => match o.get("value") {
            Some(Value::Array(items)) => Some(items.iter().collect()),
            _ if is_cluster(v) => Some(vec![v]),
            _ => None,
        },
        _ => None,
    }
}

/// Every cluster of an `az aks list|show -o json` document.
pub fn read(v: &Value, assume: Assumptions) -> Vec<InventoryEntry> {
    clusters(v)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, c)| entry(i, c, assume))
        .collect()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn tags(v: &Value) -> BTreeMap<String, String> {
    v.get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let value = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn resource_group(c: &Value) -> Option<String> {
    text(c, "resourceGroup").or_else(|| {
        let id = text(c, "id")?;
        let parts: Vec<&str> = id.split('/').collect();
        let i = parts
            .iter()
            .position(|p| p.eq_ignore_ascii_case("resourceGroups"))?;
        parts.get(i + 1).map(|s| (*s).to_string())
    })
}

fn entry(index: usize, c: &Value, assume: Assumptions) -> InventoryEntry {
    let name = text(c, "name").unwrap_or_else(|| format!("#{index}"));
    let rg = resource_group(c).unwrap_or_default();
    let mut notes = Vec::new();
    let facts = facts(c, &name, &rg, assume, &mut notes).map_err(|message| FailureView {
        kind: "invalidInventory".into(),
        message,
    });
    InventoryEntry {
        index,
        name,
        resource_group: rg,
        facts,
        notes,
    }
}

fn date_tag(tags: &BTreeMap<String, String>, key: &str) -> Result<Option<Instant>, String> {
    match tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
        None => Ok(None),
        Some((k, v)) => Instant::parse(v)
            .map(Some)
            .map_err(|e| format!("tag {k}={v}: {e}")),
    }
}

fn facts(
    c: &Value,
    name: &str,
    rg: &str,
    assume: Assumptions,
    notes: &mut Vec<String>,
) -> Result<ClusterFacts, String> {
    if text(c, "name").is_none() {
        return Err("the entry has no `name`".into());
    }
    if rg.is_empty() {
        return Err("the entry has neither `resourceGroup` nor an `id` naming one".into());
    }
    let p = c.get("properties").filter(|p| p.is_object()).unwrap_or(c);
    let cluster_tags = tags(c);
    let system = c.get("systemData");
    let created = match date_tag(&cluster_tags, "akscert-created")? {
        Some(t) => t,
        None => match system.and_then(|s| text(s, "createdAt")) {
            Some(t) => Instant::parse(&t).map_err(|e| format!("systemData.createdAt: {e}"))?,
            None => match assume.created {
                Some(t) => {
                    notes.push(format!(
                        "creation date assumed: {} (--assume-created)",
                        t.date_string()
                    ));
                    t
                }
                None => {
                    return Err(format!(
                        "cluster `{name}`: the JSON gives no creation date (no systemData.createdAt); pass --assume-created DATE or tag the cluster akscert-created=DATE (the age of the oldest node in `kubectl get nodes` is a good hint)"
                    ));
                }
            },
        },
    };
    let version_text = text(p, "currentKubernetesVersion")
        .or_else(|| text(p, "kubernetesVersion"))
        .ok_or_else(|| format!("cluster `{name}`: no kubernetesVersion"))?;
    let version = KubernetesVersion::parse(&version_text)
        .map_err(|e| format!("cluster `{name}`: kubernetesVersion: {e}"))?;
    let mut last_upgrade = date_tag(&cluster_tags, "akscert-last-upgrade")?.or(assume.last_upgrade);
    let (major, minor, released) = FIRST_VERSION_AFTER_CUTOFF;
    let cutoff = Instant::from_date(2022, 3, 1).ok();
    if last_upgrade.is_none()
        && cutoff.is_some_and(|cut| created < cut)
        && version >= KubernetesVersion::parse(&format!("{major}.{minor}")).unwrap_or(version)
        && let Ok(at) = Instant::parse(released)
    {
        notes.push(format!(
            "runs Kubernetes {version} but was created {}: upgraded since {major}.{minor} came out, assumed on {released} (tag akscert-last-upgrade=DATE for the real date)",
            created.date_string()
        ));
        last_upgrade = Some(at);
    }
    let last_rotation = date_tag(&cluster_tags, "akscert-last-rotation")?;
    let rbac = p
        .get("enableRbac")
        .or_else(|| p.get("enableRBAC"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let power = p
        .get("powerState")
        .and_then(|s| text(s, "code"))
        .unwrap_or_else(|| "Running".into());
    let stopped_since = if power.eq_ignore_ascii_case("Stopped") {
        let since = system
            .and_then(|s| text(s, "lastModifiedAt"))
            .and_then(|t| Instant::parse(&t).ok())
            .filter(|t| *t >= created);
        notes.push(match since {
            Some(t) => format!(
                "stopped; assumed since its last modification, {}",
                t.date_string()
            ),
            None => "stopped; since when is unknown, assumed since now".into(),
        });
        Some(since)
    } else {
        None
    };
    match text(p, "provisioningState").as_deref() {
        Some("RotatingClusterCertificates") => notes.push(
            "provisioningState RotatingClusterCertificates: a rotate-certs run is in progress (up to 30 minutes of downtime)".into(),
        ),
        Some("Failed") => notes.push(
            "provisioningState Failed: if a rotate-certs run failed, run `az aks rotate-certs` again".into(),
        ),
        _ => {}
    }
    let pools = p
        .get("agentPoolProfiles")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|pool| pool_facts(pool, name, notes)).collect())
        .transpose()?
        .unwrap_or_default();
    Ok(ClusterFacts {
        name: name.to_string(),
        resource_group: rg.to_string(),
        created,
        kubernetes_version: version,
        last_upgrade,
        last_rotation,
        rbac,
        tls_bootstrap: true,
        // Stopped since an unknown time: `Instant::MAX` until `request` puts `now` there.
        stopped_since: stopped_since.map(|since| since.unwrap_or(Instant::MAX)),
        node_pools: pools,
        kubeconfigs: Vec::new(),
    })
}

fn pool_facts(pool: &Value, cluster: &str, notes: &mut Vec<String>) -> Result<PoolFacts, String> {
    let pp = pool
        .get("properties")
        .filter(|x| x.is_object())
        .unwrap_or(pool);
    let name = text(pool, "name")
        .ok_or_else(|| format!("cluster `{cluster}`: a node pool has no name"))?;
    let mode = match text(pp, "mode").as_deref() {
        Some(m) if m.eq_ignore_ascii_case("System") => Some(PoolMode::System),
        Some(m) if m.eq_ignore_ascii_case("User") => Some(PoolMode::User),
        _ => None,
    };
    let os = match text(pp, "osType").as_deref() {
        Some(o) if o.eq_ignore_ascii_case("Windows") => Os::Windows,
        _ => Os::Linux,
    };
    let count = pp
        .get("count")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0);
    let version =
        match text(pp, "currentOrchestratorVersion").or_else(|| text(pp, "orchestratorVersion")) {
            Some(v) => Some(
                KubernetesVersion::parse(&v)
                    .map_err(|e| format!("cluster `{cluster}` node pool `{name}`: {e}"))?,
            ),
            None => None,
        };
    let node_image = match text(pp, "nodeImageVersion") {
        Some(t) => match NodeImageVersion::parse(&t) {
            Ok(v) => Some(v),
            Err(e) => {
                notes.push(format!("node pool {name}: {e}; node image ignored"));
                None
            }
        },
        None => None,
    };
    let snapshot = pp
        .get("creationData")
        .and_then(|d| text(d, "sourceResourceId"))
        .and_then(|_| {
            notes.push(format!(
                "node pool {name} was created from a snapshot; its node image {} is taken as the snapshot's",
                node_image.as_ref().map_or("(unknown)", |v| v.as_str())
            ));
            node_image.clone()
        });
    Ok(PoolFacts {
        name,
        mode,
        os,
        count,
        kubernetes_version: version,
        node_image,
        snapshot,
        tags: tags(pp),
        created: None,
        last_upgrade: None,
        last_reimage: None,
    })
}
