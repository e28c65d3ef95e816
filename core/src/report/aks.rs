//! Report facts from `az aks show -o json` / `az aks list -o json` (az's flattened form or
//! the raw ARM bodies with `properties`): each cluster's versions, node pools, node image
//! versions, tags, power and provisioning state — mapped into [`ClusterFacts`], with notes
//! on everything the JSON does not say and had to be assumed. The one place this mapping
//! lives: the CLI's `fleet` and `report`, the npm package and the calculator page all get
//! it through the `aksFacts` operation.
//!
//! `az` output has no creation date unless ARM's `systemData.createdAt` is present, and
//! never the date of the last upgrade or rotation (the `az aks show` JSON documented in
//! the AKS docs' start-stop-cluster article; the corpus's
//! `azure-cli-recording-test_aks_create_default` bodies have neither). They come from, in
//! order: the cluster tags `akscert-created`, `akscert-last-upgrade`,
//! `akscert-last-rotation` (dates a team records on the cluster); `systemData.createdAt`;
//! the caller's assumptions. A cluster with no creation date is an error of its own; the
//! other clusters of the list still get their facts.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ClusterFacts, PoolFacts};
use crate::cluster::{NodePoolSpec, PoolMode};
use crate::document::API_VERSION;
use crate::document::ErrorBody;
use crate::explain;
use crate::inspect::{self, AzCluster, InspectError, NodePoolFacts as AksPool};
use crate::inventory::Os;
use crate::policy::Policy;
use crate::time::Instant;
use crate::version::{KubernetesVersion, NodeImageVersion};

/// Cluster tag holding the creation date (`akscert-created=2021-02-01`).
pub const CREATED_TAG: &str = "akscert-created";
/// Cluster tag holding the date of the last control plane upgrade.
pub const LAST_UPGRADE_TAG: &str = "akscert-last-upgrade";
/// Cluster tag holding the date of the last successful `az aks rotate-certs`.
pub const LAST_ROTATION_TAG: &str = "akscert-last-rotation";

/// Kubernetes 1.24 was released upstream on 2022-05-03 (kubernetes/kubernetes
/// CHANGELOG-1.24): a cluster created before the policy's autorotation cutoff that runs
/// 1.24 or later has been upgraded since, which enables autorotation. The earliest such
/// upgrade is assumed.
const FIRST_VERSION_AFTER_CUTOFF: KubernetesVersion = KubernetesVersion::new(1, 24);
/// The release date of [`FIRST_VERSION_AFTER_CUTOFF`]: (year, month, day).
const FIRST_VERSION_RELEASED: (i16, i8, i8) = (2022, 5, 3);

/// What the JSON does not say, assumed for every cluster that lacks it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AksAssumptions {
    /// Creation date for clusters with neither an `akscert-created` tag nor
    /// `systemData.createdAt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Instant>,
    /// Last control plane upgrade for clusters without an `akscert-last-upgrade` tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_upgrade: Option<Instant>,
}

/// `aksFacts` input: `az aks show|list -o json` output, what to assume, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AksFactsRequest {
    /// The JSON `az aks list -o json` or `az aks show -o json` printed (or ARM bodies):
    /// either as text (a string; syntax errors then name its line and column) or as the
    /// JSON document itself.
    #[cfg_attr(feature = "tsify", tsify(type = "string | object"))]
    pub input: Value,
    /// What to assume where the JSON is silent.
    #[serde(default)]
    pub assume: AksAssumptions,
    /// The present: a cluster stopped since an unknown date is taken as stopped since
    /// `now`, and a cluster created after `now` is an error.
    pub now: Instant,
    /// Policy overrides (the autorotation cutoff decides which upgrades are inferred).
    #[serde(default)]
    pub policy: Policy,
}

/// `aksFacts` output: one entry per cluster of the input, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AksFacts {
    /// `akscert/v1`.
    pub api_version: String,
    /// `AksFacts`.
    pub kind: String,
    /// The `now` of the request.
    pub now: Instant,
    /// Every cluster of the input.
    pub clusters: Vec<AksFactsEntry>,
    /// Remarks about the input as a whole (list items that are not clusters).
    pub notes: Vec<String>,
}

/// One cluster of an `aksFacts` answer: its facts, or why there are none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct AksFactsEntry {
    /// Position among the input's clusters (0-based; the same position the cluster has
    /// in an `inspect` of the same input).
    pub index: usize,
    /// `name`, when the JSON has one.
    pub name: Option<String>,
    /// `resourceGroup`, or the one named in `id`.
    pub resource_group: Option<String>,
    /// The facts for `report` / `whatIf` (`null` when `error` is set).
    pub facts: Option<ClusterFacts>,
    /// Why there are no facts (kinds: see [`AksFactsError::kind`]).
    pub error: Option<ErrorBody>,
    /// What was assumed or noticed, kept even when there is an error.
    pub notes: Vec<String>,
}

/// Why the input is not an `az aks` cluster list at all (per-cluster problems are
/// [`AksFactsError`]s inside the answer instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AksInputError {
    /// `input` is text that is not JSON.
    #[error("`input`: {0}")]
    Json(InspectError),
    /// `input` is JSON without clusters.
    #[error(
        "`input` holds no AKS cluster: it is {what} (expected what `az aks show -o json` or `az aks list -o json` prints, or ARM managedCluster bodies)"
    )]
    NotAks {
        /// What the JSON is instead.
        what: String,
    },
}

/// Why one cluster of the list has no facts. Each variant names the cluster and the
/// field; [`AksFactsError::kind`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AksFactsError {
    /// The cluster has no `name`.
    #[error("the entry has no `name`")]
    MissingName,
    /// Neither `resourceGroup` nor an `id` naming one.
    #[error("cluster `{cluster}`: neither `resourceGroup` nor an `id` naming one")]
    MissingResourceGroup {
        /// The cluster.
        cluster: String,
    },
    /// No creation date from the tags, `systemData` or the assumptions.
    #[error(
        "cluster `{cluster}`: the JSON gives no creation date (no systemData.createdAt, no tag {CREATED_TAG}); tag the cluster {CREATED_TAG}=DATE or assume one (`assume.created`; the age of the oldest node in `kubectl get nodes` is a good hint)"
    )]
    MissingCreationDate {
        /// The cluster.
        cluster: String,
    },
    /// A date tag or `systemData.createdAt` that is not a date.
    #[error("cluster `{cluster}`: {field}: {reason}")]
    BadDate {
        /// The cluster.
        cluster: String,
        /// `tag akscert-created` (as spelled on the cluster) or `systemData.createdAt`.
        field: String,
        /// Why (quoting the value).
        reason: String,
    },
    /// Neither `currentKubernetesVersion` nor `kubernetesVersion`.
    #[error("cluster `{cluster}`: no kubernetesVersion")]
    MissingKubernetesVersion {
        /// The cluster.
        cluster: String,
    },
    /// A Kubernetes version that does not parse.
    #[error("cluster `{cluster}`: kubernetesVersion: {reason}")]
    BadKubernetesVersion {
        /// The cluster.
        cluster: String,
        /// Why (quoting the value).
        reason: String,
    },
    /// A node pool without a name.
    #[error("cluster `{cluster}`: node pool #{index} has no name")]
    UnnamedPool {
        /// The cluster.
        cluster: String,
        /// 0-based position in `agentPoolProfiles`.
        index: usize,
    },
    /// A node pool's orchestrator version that does not parse.
    #[error("cluster `{cluster}` node pool `{pool}`: {reason}")]
    BadPoolVersion {
        /// The cluster.
        cluster: String,
        /// The pool.
        pool: String,
        /// Why (quoting the value).
        reason: String,
    },
    /// Created after the `now` asked about.
    #[error("cluster `{cluster}` was created {created}, after now ({now})")]
    CreatedAfterNow {
        /// The cluster.
        cluster: String,
        /// Its creation date (`2025-01-31`).
        created: String,
        /// The `now` of the request (`2024-06-01`).
        now: String,
    },
}

impl AksFactsError {
    /// [`AksFactsError::MissingCreationDate`]'s kind: the one a caller can remedy with an
    /// assumption (`assume.created`, the CLI's `--assume-created`).
    pub const MISSING_CREATION_DATE: &'static str = "missingCreationDate";

    /// A stable, camelCase kind: `missingName`, `missingResourceGroup`,
    /// `missingCreationDate`, `badDate`, `missingKubernetesVersion`,
    /// `badKubernetesVersion`, `badNodePool`, `createdAfterNow`.
    pub fn kind(&self) -> &'static str {
        match self {
            AksFactsError::MissingName => "missingName",
            AksFactsError::MissingResourceGroup { .. } => "missingResourceGroup",
            AksFactsError::MissingCreationDate { .. } => Self::MISSING_CREATION_DATE,
            AksFactsError::BadDate { .. } => "badDate",
            AksFactsError::MissingKubernetesVersion { .. } => "missingKubernetesVersion",
            AksFactsError::BadKubernetesVersion { .. } => "badKubernetesVersion",
            AksFactsError::UnnamedPool { .. } | AksFactsError::BadPoolVersion { .. } => {
                "badNodePool"
            }
            AksFactsError::CreatedAfterNow { .. } => "createdAfterNow",
        }
    }
}

/// The `aksFacts` operation: every cluster of `az aks show|list -o json` output mapped to
/// report facts (see [`report_facts`]), or why the input holds no cluster list.
pub fn aks_facts(req: &AksFactsRequest) -> Result<AksFacts, AksInputError> {
    let list = match &req.input {
        Value::String(text) => inspect::aks_clusters_text(text).map_err(AksInputError::Json)?,
        document => inspect::aks_clusters(document),
    }
    .map_err(|what| AksInputError::NotAks { what })?;
    let clusters = list
        .clusters
        .iter()
        .enumerate()
        .map(|(index, c)| {
            let mut notes = Vec::new();
            let facts = report_facts(c, req.assume, req.now, &req.policy, &mut notes);
            let (facts, error) = match facts {
                Ok(f) => (Some(f), None),
                Err(e) => (
                    None,
                    Some(ErrorBody {
                        kind: e.kind().into(),
                        message: e.to_string(),
                    }),
                ),
            };
            AksFactsEntry {
                index,
                name: present(&c.name),
                resource_group: present(&c.resource_group),
                facts,
                error,
                notes,
            }
        })
        .collect();
    let notes = list
        .skipped
        .iter()
        .map(|i| {
            format!(
                "item {i} of the list is not an AKS cluster (no agentPoolProfiles or kubernetesVersion); skipped"
            )
        })
        .collect();
    Ok(AksFacts {
        api_version: API_VERSION.into(),
        kind: "AksFacts".into(),
        now: req.now,
        clusters,
        notes,
    })
}

/// `Some` non-empty text.
fn present(text: &Option<String>) -> Option<String> {
    text.clone().filter(|t| !t.is_empty())
}

/// The value of tag `key` (compared case-insensitively, as ARM treats tag names) as a
/// date, if the tag is there.
fn date_tag(c: &AzCluster, cluster: &str, key: &str) -> Result<Option<Instant>, AksFactsError> {
    match c.tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
        None => Ok(None),
        Some((k, v)) => Instant::parse(v)
            .map(Some)
            .map_err(|e| AksFactsError::BadDate {
                cluster: cluster.to_string(),
                field: format!("tag {k}"),
                reason: e.to_string(),
            }),
    }
}

fn date((y, m, d): (i16, i8, i8)) -> Option<Instant> {
    Instant::from_date(y, m, d).ok()
}

/// One cluster of `az aks show|list` output (as inspection reads it) as report facts at
/// `now`, with what was assumed or noticed appended to `notes`:
///
/// - creation: tag `akscert-created`, else `systemData.createdAt`, else
///   `assume.created`, else [`AksFactsError::MissingCreationDate`];
/// - last upgrade: tag `akscert-last-upgrade`, else `assume.last_upgrade`, else — for a
///   cluster created before the policy's autorotation cutoff that runs Kubernetes ≥ 1.24 — 1.24's release
///   date, 2022-05-03 (it must have been upgraded since);
/// - last rotation: tag `akscert-last-rotation`;
/// - version: `currentKubernetesVersion`, else `kubernetesVersion`; RBAC: `enableRbac`
///   (default on); TLS bootstrapping: on (az does not print it);
/// - stopped (`powerState.code` `Stopped`): since `systemData.lastModifiedAt` when that
///   is not before creation, else since `now`;
/// - node pools: name, mode, `osType`, count, `currentOrchestratorVersion` (else
///   `orchestratorVersion`), `nodeImageVersion`, tags, and a snapshot
///   (`creationData.sourceResourceId`) taken to be of the pool's node image.
pub fn report_facts(
    c: &AzCluster,
    assume: AksAssumptions,
    now: Instant,
    policy: &Policy,
    notes: &mut Vec<String>,
) -> Result<ClusterFacts, AksFactsError> {
    let name = present(&c.name).ok_or(AksFactsError::MissingName)?;
    let rg = present(&c.resource_group).ok_or_else(|| AksFactsError::MissingResourceGroup {
        cluster: name.clone(),
    })?;
    let created = match date_tag(c, &name, CREATED_TAG)? {
        Some(t) => t,
        None => match &c.created_at {
            Some(text) => Instant::parse(text).map_err(|e| AksFactsError::BadDate {
                cluster: name.clone(),
                field: "systemData.createdAt".into(),
                reason: e.to_string(),
            })?,
            None => match assume.created {
                Some(t) => {
                    notes.push(format!(
                        "creation date assumed: {} (not in the JSON)",
                        t.date_string()
                    ));
                    t
                }
                None => return Err(AksFactsError::MissingCreationDate { cluster: name }),
            },
        },
    };
    let version_text = c
        .current_kubernetes_version
        .as_ref()
        .or(c.kubernetes_version.as_ref())
        .ok_or_else(|| AksFactsError::MissingKubernetesVersion {
            cluster: name.clone(),
        })?;
    let version = KubernetesVersion::parse(version_text).map_err(|e| {
        AksFactsError::BadKubernetesVersion {
            cluster: name.clone(),
            reason: e.to_string(),
        }
    })?;
    let last_upgrade = match date_tag(c, &name, LAST_UPGRADE_TAG)? {
        Some(t) => Some(t),
        None => match assume.last_upgrade {
            Some(t) => {
                notes.push(format!(
                    "last upgrade assumed: {} (not in the JSON)",
                    t.date_string()
                ));
                Some(t)
            }
            None => inferred_upgrade(created, version, policy, notes),
        },
    };
    let last_rotation = date_tag(c, &name, LAST_ROTATION_TAG)?;
    let stopped = c
        .power_state
        .as_deref()
        .is_some_and(|p| p.eq_ignore_ascii_case("Stopped"));
    let stopped_since = stopped.then(|| {
        let since = c
            .last_modified_at
            .as_deref()
            .and_then(|t| Instant::parse(t).ok())
            .filter(|t| *t >= created);
        match since {
            Some(t) => {
                notes.push(format!(
                    "stopped; assumed since its last modification, {}",
                    t.date_string()
                ));
                t
            }
            None => {
                notes.push("stopped; since when is unknown, assumed since now".into());
                now
            }
        }
    });
    // The AKS "Certificate rotation" article and azure-service-operator's managed-cluster
    // states: during
    // `az aks rotate-certs` the cluster reports RotatingClusterCertificates; a failed run
    // leaves it Failed and is fixed by running the command again.
    match c.provisioning_state.as_deref() {
        Some("RotatingClusterCertificates") => notes.push(format!(
            "provisioningState RotatingClusterCertificates: a rotate-certs run is in progress ({})",
            explain::rotate_certs_downtime(policy)
        )),
        Some("Failed") => notes.push(
            "provisioningState Failed: if a rotate-certs run failed, run `az aks rotate-certs` again".into(),
        ),
        _ => {}
    }
    let node_pools = c
        .node_pools
        .iter()
        .enumerate()
        .map(|(i, p)| pool_facts(p, i, &name, notes))
        .collect::<Result<_, _>>()?;
    if now < created {
        return Err(AksFactsError::CreatedAfterNow {
            cluster: name,
            created: created.date_string(),
            now: now.date_string(),
        });
    }
    Ok(ClusterFacts {
        name,
        resource_group: rg,
        created,
        kubernetes_version: version,
        last_upgrade,
        last_rotation,
        rbac: c.enable_rbac.unwrap_or(true),
        tls_bootstrap: true,
        stopped_since,
        node_pools,
        kubeconfigs: Vec::new(),
    })
}

/// The upgrade a cluster created before the autorotation cutoff must have had to run
/// Kubernetes ≥ 1.24.
fn inferred_upgrade(
    created: Instant,
    version: KubernetesVersion,
    policy: &Policy,
    notes: &mut Vec<String>,
) -> Option<Instant> {
    let released = date(FIRST_VERSION_RELEASED)?;
    if created >= policy.autorotation_after || version < FIRST_VERSION_AFTER_CUTOFF {
        return None;
    }
    notes.push(format!(
        "runs Kubernetes {version} but was created {}: upgraded since {FIRST_VERSION_AFTER_CUTOFF} came out, assumed on {} (tag {LAST_UPGRADE_TAG}=DATE for the real date)",
        created.date_string(),
        released.date_string()
    ));
    Some(released)
}

fn pool_facts(
    p: &AksPool,
    index: usize,
    cluster: &str,
    notes: &mut Vec<String>,
) -> Result<PoolFacts, AksFactsError> {
    if p.name.is_empty() {
        return Err(AksFactsError::UnnamedPool {
            cluster: cluster.to_string(),
            index,
        });
    }
    let name = p.name.clone();
    let mode = match p.mode.as_deref() {
        Some(m) if m.eq_ignore_ascii_case("System") => Some(PoolMode::System),
        Some(m) if m.eq_ignore_ascii_case("User") => Some(PoolMode::User),
        _ => None,
    };
    let os = match p.os_type.as_deref() {
        Some(o) if o.eq_ignore_ascii_case("Windows") => Os::Windows,
        _ => Os::Linux,
    };
    let count = match (p.count.map(u32::try_from), &p.count_given) {
        (Some(Ok(n)), _) => n,
        (Some(Err(_)), _) => {
            notes.push(format!(
                "node pool {name}: count {} in the JSON is not a node count; assumed 0 nodes",
                p.count.unwrap_or_default()
            ));
            0
        }
        (None, Some(given)) => {
            notes.push(format!(
                "node pool {name}: count {given} in the JSON is not a node count (a whole number, 0 or more); assumed 0 nodes"
            ));
            0
        }
        (None, None) => {
            notes.push(format!(
                "node pool {name}: no count in the JSON; assumed 0 nodes"
            ));
            0
        }
    };
    let kubernetes_version = p
        .current_orchestrator_version
        .as_ref()
        .or(p.orchestrator_version.as_ref())
        .map(|v| KubernetesVersion::parse(v))
        .transpose()
        .map_err(|e| AksFactsError::BadPoolVersion {
            cluster: cluster.to_string(),
            pool: name.clone(),
            reason: e.to_string(),
        })?;
    let node_image = match p.node_image_version.as_deref().map(NodeImageVersion::parse) {
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            notes.push(format!("node pool {name}: {e}; node image ignored"));
            None
        }
        None => None,
    };
    let snapshot = p.snapshot_id.as_ref().and_then(|_| {
        notes.push(format!(
            "node pool {name} was created from a snapshot; its node image {} is taken as the snapshot's",
            node_image.as_ref().map_or("(unknown)", |v| v.as_str())
        ));
        node_image.clone()
    });
    Ok(PoolFacts {
        spec: NodePoolSpec {
            name,
            mode,
            os,
            count,
            kubernetes_version,
            node_image,
            snapshot,
            tags: p.tags.clone(),
        },
        created: None,
        last_upgrade: None,
        last_reimage: None,
    })
}

#[cfg(test)]
#[path = "aks_tests.rs"]
mod tests;
