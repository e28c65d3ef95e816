//! What a person (or a scheduler) can ask of a cluster, the states it moves through, and
//! the typed refusals — with AKS's own wording where it is known.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::VecMap;
use crate::time::Duration;
use crate::version::{KubernetesVersion, NodeImageVersion};

use super::spec::NodePoolSpec;

/// One operation on a cluster — the `az aks …` commands that matter for certificates.
// Deserialize: `operation_de` (one pass; serde's derive buffers an internally tagged enum).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub enum Operation {
    /// `az aks upgrade`: the control plane and (unless `controlPlaneOnly`) every pool.
    /// Without a version it re-runs at the current version, which still counts as an
    /// upgrade for autorotation ("you have to upgrade that cluster to enable certificate
    /// autorotation").
    #[serde(rename_all = "camelCase")]
    Upgrade {
        /// Target version; `None` keeps the current one.
        #[serde(default)]
        kubernetes_version: Option<KubernetesVersion>,
        /// `--control-plane-only`.
        #[serde(default)]
        control_plane_only: bool,
    },
    /// `az aks nodepool upgrade --kubernetes-version`: one pool.
    #[serde(rename_all = "camelCase")]
    NodePoolUpgrade {
        /// Pool name.
        pool: String,
        /// Target version (not above the control plane's).
        kubernetes_version: KubernetesVersion,
    },
    /// `az aks nodepool upgrade --node-image-only` (one pool) or `az aks upgrade
    /// --node-image-only` (every pool): reimages the nodes.
    #[serde(rename_all = "camelCase")]
    NodeImageUpgrade {
        /// Pool name; `None` for every pool.
        #[serde(default)]
        pool: Option<String>,
        /// The image the nodes move to; `None` keeps the version string. Moving to an image
        /// drops the pool's snapshot association.
        #[serde(default)]
        node_image: Option<NodeImageVersion>,
    },
    /// `az aks nodepool scale --node-count`. Scaling to 0 and back up reimages the pool.
    #[serde(rename_all = "camelCase")]
    Scale {
        /// Pool name.
        pool: String,
        /// New node count (0–1000).
        count: u32,
    },
    /// `az aks stop`.
    Stop,
    /// `az aks start`.
    Start,
    /// `az aks rotate-certs`: a new Cluster CA and every certificate re-issued; all nodes
    /// recreated; up to 30 minutes of downtime.
    #[serde(rename_all = "camelCase")]
    RotateCerts {
        /// How the run ends. A scenario may leave it out: the engine then draws it from the
        /// fault model and records the drawn value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<RotateOutcome>,
        /// How long the run takes (≤ the policy's downtime bound). Drawn when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "tsify", tsify(type = "Duration | null"))]
        duration: Option<Duration>,
    },
    /// `az aks nodepool add`.
    #[serde(rename_all = "camelCase")]
    AddNodePool {
        /// The new pool.
        pool: NodePoolSpec,
    },
    /// `az aks nodepool delete` then `add` with the same settings: fresh nodes, fresh
    /// certificates, KSCR decided as for a new pool.
    #[serde(rename_all = "camelCase")]
    RecreateNodePool {
        /// Pool name.
        pool: String,
    },
    /// `az aks nodepool update --tags`: replaces the pool's tags. Tags that change node
    /// configuration (the KSCR opt-out) act only at the next reimage.
    #[serde(rename_all = "camelCase")]
    SetTags {
        /// Pool name.
        pool: String,
        /// The complete new tag set.
        #[cfg_attr(feature = "tsify", tsify(type = "Record<string, string>"))]
        tags: VecMap<String, String>,
    },
    /// `az aks get-credentials`: a person (or pipeline) fetches a kubeconfig.
    #[serde(rename_all = "camelCase")]
    GetCredentials {
        /// Who holds the kubeconfig (a person, a CI pipeline …).
        holder: String,
        /// `--overwrite-existing`.
        #[serde(default)]
        overwrite_existing: bool,
        /// `--admin` (the clusterAdmin credential).
        #[serde(default)]
        admin: bool,
    },
}

impl Operation {
    /// Which operation this is (the `op` tag).
    pub fn kind(&self) -> OperationKind {
        match self {
            Operation::Upgrade { .. } => OperationKind::Upgrade,
            Operation::NodePoolUpgrade { .. } => OperationKind::NodePoolUpgrade,
            Operation::NodeImageUpgrade { .. } => OperationKind::NodeImageUpgrade,
            Operation::Scale { .. } => OperationKind::Scale,
            Operation::Stop => OperationKind::Stop,
            Operation::Start => OperationKind::Start,
            Operation::RotateCerts { .. } => OperationKind::RotateCerts,
            Operation::AddNodePool { .. } => OperationKind::AddNodePool,
            Operation::RecreateNodePool { .. } => OperationKind::RecreateNodePool,
            Operation::SetTags { .. } => OperationKind::SetTags,
            Operation::GetCredentials { .. } => OperationKind::GetCredentials,
        }
    }

    /// The `op` tag as written in JSON.
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The node pool the operation names, if any (validated against the cluster).
    pub fn pool(&self) -> Option<&str> {
        match self {
            Operation::NodePoolUpgrade { pool, .. }
            | Operation::Scale { pool, .. }
            | Operation::RecreateNodePool { pool }
            | Operation::SetTags { pool, .. } => Some(pool),
            Operation::NodeImageUpgrade { pool, .. } => pool.as_deref(),
            _ => None,
        }
    }
}

/// Which [`Operation`] — its `op` tag without the arguments. Events and rejections name
/// operations with it, so a document read back names one of these or fails to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum OperationKind {
    /// `az aks upgrade`.
    Upgrade,
    /// `az aks nodepool upgrade --kubernetes-version`.
    NodePoolUpgrade,
    /// `az aks [nodepool] upgrade --node-image-only`.
    NodeImageUpgrade,
    /// `az aks nodepool scale`.
    Scale,
    /// `az aks stop`.
    Stop,
    /// `az aks start`.
    Start,
    /// `az aks rotate-certs`.
    RotateCerts,
    /// `az aks nodepool add`.
    AddNodePool,
    /// `az aks nodepool delete` then `add`.
    RecreateNodePool,
    /// `az aks nodepool update --tags`.
    SetTags,
    /// `az aks get-credentials`.
    GetCredentials,
}

// Read by the names `as_str` gives, in `ALL`'s order.
crate::variant_de::read_variants! {
    OperationKind, all: OperationKind::ALL, name: OperationKind::as_str
}

impl OperationKind {
    /// Every kind, in declaration order.
    pub const ALL: [OperationKind; 11] = [
        OperationKind::Upgrade,
        OperationKind::NodePoolUpgrade,
        OperationKind::NodeImageUpgrade,
        OperationKind::Scale,
        OperationKind::Stop,
        OperationKind::Start,
        OperationKind::RotateCerts,
        OperationKind::AddNodePool,
        OperationKind::RecreateNodePool,
        OperationKind::SetTags,
        OperationKind::GetCredentials,
    ];

    /// The `op` tag as written in JSON (`rotateCerts` …).
    pub const fn as_str(self) -> &'static str {
        match self {
            OperationKind::Upgrade => "upgrade",
            OperationKind::NodePoolUpgrade => "nodePoolUpgrade",
            OperationKind::NodeImageUpgrade => "nodeImageUpgrade",
            OperationKind::Scale => "scale",
            OperationKind::Stop => "stop",
            OperationKind::Start => "start",
            OperationKind::RotateCerts => "rotateCerts",
            OperationKind::AddNodePool => "addNodePool",
            OperationKind::RecreateNodePool => "recreateNodePool",
            OperationKind::SetTags => "setTags",
            OperationKind::GetCredentials => "getCredentials",
        }
    }
}

impl fmt::Display for OperationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a `rotate-certs` run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum RotateOutcome {
    /// Every certificate rotated; the cluster returns to Succeeded.
    Succeed,
    /// The run fails and leaves the cluster in Failed; rerunning is the documented fix.
    Fail,
}

crate::variant_de::read_variants! {
    RotateOutcome;
    "succeed" => Succeed,
    "fail" => Fail,
}

/// The cluster's `provisioningState`, with the exact strings `az aks show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum ProvisioningState {
    /// The last operation finished.
    Succeeded,
    /// The last operation failed.
    Failed,
    /// The last operation was aborted.
    Canceled,
    /// Being created.
    Creating,
    /// A node pool or setting is being changed.
    Updating,
    /// A version or node image upgrade is running.
    Upgrading,
    /// A node pool is being scaled.
    Scaling,
    /// `az aks start` is running.
    Starting,
    /// `az aks stop` is running.
    Stopping,
    /// `az aks rotate-certs` is running (the docs' "Certificate Rotating").
    RotatingClusterCertificates,
}

impl ProvisioningState {
    /// Terminal states accept new operations (azure-service-operator's managed-cluster
    /// extensions treat only these as non-blocking).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ProvisioningState::Succeeded | ProvisioningState::Failed | ProvisioningState::Canceled
        )
    }

    /// The exact string AKS prints.
    pub fn as_str(self) -> &'static str {
        match self {
            ProvisioningState::Succeeded => "Succeeded",
            ProvisioningState::Failed => "Failed",
            ProvisioningState::Canceled => "Canceled",
            ProvisioningState::Creating => "Creating",
            ProvisioningState::Updating => "Updating",
            ProvisioningState::Upgrading => "Upgrading",
            ProvisioningState::Scaling => "Scaling",
            ProvisioningState::Starting => "Starting",
            ProvisioningState::Stopping => "Stopping",
            ProvisioningState::RotatingClusterCertificates => "RotatingClusterCertificates",
        }
    }
}

impl fmt::Display for ProvisioningState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The cluster's `powerState.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum PowerState {
    /// Running.
    Running,
    /// Stopped (`az aks stop`): nodes deallocated, control plane off.
    Stopped,
}

/// Why an operation was refused. The message is AKS's own wording where it is known
/// (`aks_wording()`), otherwise a plain statement of the rule and its source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
#[non_exhaustive]
pub enum Rejection {
    /// Another long-running operation is in progress (Azure/AKS#3965 wording).
    #[error(
        "Operation is not allowed: Another operation ({state}) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details"
    )]
    OperationInProgress {
        /// The provisioning state of the running operation.
        state: ProvisioningState,
    },
    /// The cluster's certificates have expired; only rotation helps (Azure/AKS#2184).
    #[error(
        "Current Certificates are expired, please rotate certificate. See https://docs.microsoft.com/en-us/azure/aks/certificate-rotation"
    )]
    CertificatesExpired,
    /// Only start (and delete) are allowed on a stopped cluster (start-stop-cluster.md).
    #[error(
        "`{operation}` is not allowed while the cluster is stopped: you can only perform start or delete operations on a stopped AKS cluster"
    )]
    ClusterStopped {
        /// The refused operation.
        operation: OperationKind,
    },
    /// rotate-certs on a stopped cluster before AKS supported it (older DOC-ROT).
    #[error("Certificate rotation is not supported for stopped AKS clusters.")]
    RotateCertsWhileStopped,
    /// The cluster is Failed after a failed rotate-certs; the documented fix is a rerun.
    #[error(
        "`{operation}` is not possible while the cluster is in a failed state after a failed certificate rotation: rerun az aks rotate-certs"
    )]
    ClusterFailed {
        /// The refused operation.
        operation: OperationKind,
    },
    /// `az aks start` on a running cluster.
    #[error("the cluster is already running")]
    AlreadyRunning,
    /// `az aks stop` on a stopped cluster.
    #[error("the cluster is already stopped")]
    AlreadyStopped,
    /// The operation names a pool the cluster does not have.
    #[error("node pool `{pool}` does not exist in this cluster")]
    UnknownNodePool {
        /// The unknown name.
        pool: String,
    },
    /// `nodepool add` with a name already taken.
    #[error("node pool `{pool}` already exists in this cluster")]
    NodePoolExists {
        /// The taken name.
        pool: String,
    },
    /// The target version is older than the current one.
    #[error("cannot downgrade from Kubernetes {from} to {to}")]
    VersionDowngrade {
        /// Current version.
        from: KubernetesVersion,
        /// Requested version.
        to: KubernetesVersion,
    },
    /// A pool cannot run a newer Kubernetes than the control plane.
    #[error(
        "node pool `{pool}` cannot run Kubernetes {requested}: the control plane runs {control_plane}"
    )]
    NodePoolAboveControlPlane {
        /// Pool name.
        pool: String,
        /// Requested pool version.
        requested: KubernetesVersion,
        /// Control plane version.
        control_plane: KubernetesVersion,
    },
    /// A System pool must keep at least one node.
    #[error("node pool `{pool}` is a System pool and cannot be scaled to 0 nodes")]
    SystemPoolToZero {
        /// Pool name.
        pool: String,
    },
    /// Node counts above AKS's per-pool maximum.
    #[error("node count {count} is above the 1000 nodes a pool may have")]
    TooManyNodes {
        /// Requested count.
        count: u32,
    },
    /// A node pool spec that is itself invalid.
    #[error("{message}")]
    InvalidNodePool {
        /// What is wrong.
        message: String,
    },
    /// `get-credentials` without `--overwrite-existing` when the holder's kubeconfig has a
    /// different entry of that name (azure-cli `_handle_merge`, non-interactive).
    #[error("A different object named {name} already exists in {section} in your kubeconfig file.")]
    KubeconfigConflict {
        /// The entry's name (the cluster, or `clusterUser_<rg>_<cluster>`).
        name: String,
        /// The kubeconfig section: `clusters` when the CA changed, `users` when only the
        /// client certificate did.
        section: KubeconfigSection,
    },
}

/// A section of a kubeconfig file, as azure-cli names it when it refuses to merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum KubeconfigSection {
    /// `clusters`: the cluster entry (its CA) differs.
    Clusters,
    /// `users`: the user entry (its client certificate) differs.
    Users,
}

impl fmt::Display for KubeconfigSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KubeconfigSection::Clusters => "clusters",
            KubeconfigSection::Users => "users",
        })
    }
}

impl Rejection {
    /// Whether the message is AKS's (or azure-cli's) exact wording rather than ours.
    pub fn aks_wording(&self) -> bool {
        matches!(
            self,
            Rejection::OperationInProgress { .. }
                | Rejection::CertificatesExpired
                | Rejection::RotateCertsWhileStopped
                | Rejection::KubeconfigConflict { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_kinds_are_the_op_tags() {
        let ops = [
            r#"{"op":"upgrade"}"#,
            r#"{"op":"nodePoolUpgrade","pool":"p","kubernetesVersion":"1.30"}"#,
            r#"{"op":"nodeImageUpgrade"}"#,
            r#"{"op":"scale","pool":"p","count":1}"#,
            r#"{"op":"stop"}"#,
            r#"{"op":"start"}"#,
            r#"{"op":"rotateCerts"}"#,
            r#"{"op":"addNodePool","pool":{"name":"p"}}"#,
            r#"{"op":"recreateNodePool","pool":"p"}"#,
            r#"{"op":"setTags","pool":"p","tags":{}}"#,
            r#"{"op":"getCredentials","holder":"h"}"#,
        ];
        let mut seen = Vec::new();
        for text in ops {
            let op: Operation = serde_json::from_str(text).unwrap();
            let tag = serde_json::to_value(&op).unwrap()["op"].clone();
            assert_eq!(serde_json::to_value(op.kind()).unwrap(), tag, "{text}");
            assert_eq!(op.kind().to_string(), op.name());
            let back: OperationKind = serde_json::from_value(tag).unwrap();
            assert_eq!(back, op.kind());
            seen.push(op.kind());
        }
        assert_eq!(seen, OperationKind::ALL);
        for section in [KubeconfigSection::Clusters, KubeconfigSection::Users] {
            let json = serde_json::to_value(section).unwrap();
            assert_eq!(json, section.to_string().as_str());
        }
    }
}
