//! The certificates, CAs and keys an AKS cluster depends on (seed: "AKS certificates,
//! Certificate Authorities, and Service Accounts"), where each lives, and who maintains it.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::Instant;

/// What a certificate or key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum CertRole {
    /// The Cluster CA, created by the API server; signs everything below.
    ClusterCa,
    /// The API server's serving certificate (`CN=apiserver`, issuer `CN=ca`).
    ApiServer,
    /// The API server's client certificate towards kubelets ("one-way communication from
    /// the API server to kubelet").
    ApiServerKubeletClient,
    /// The API aggregator (front-proxy) client certificate; "currently uses the Cluster CA".
    FrontProxyClient,
    /// The service-account token signing key ("Each agent node uses an SA token, which the
    /// Cluster CA signs"). A key, not a certificate: it has no expiry.
    ServiceAccountSigningKey,
    /// The kubectl client certificate (`O=system:masters`) that `az aks get-credentials`
    /// hands out and users keep in their kubeconfigs.
    KubectlClient,
    /// Each kubelet's client certificate, from its CSR signed by the Cluster CA.
    KubeletClient,
    /// Each kubelet's serving certificate: signed by the Cluster CA with kubelet serving
    /// certificate rotation (KSCR), otherwise self-signed by the node.
    KubeletServing,
}

impl CertRole {
    /// Every role, in report order.
    pub const ALL: [CertRole; 8] = [
        CertRole::ClusterCa,
        CertRole::ApiServer,
        CertRole::ApiServerKubeletClient,
        CertRole::FrontProxyClient,
        CertRole::ServiceAccountSigningKey,
        CertRole::KubectlClient,
        CertRole::KubeletClient,
        CertRole::KubeletServing,
    ];

    /// A short human name.
    pub fn title(self) -> &'static str {
        match self {
            CertRole::ClusterCa => "Cluster CA",
            CertRole::ApiServer => "API server serving certificate",
            CertRole::ApiServerKubeletClient => "API server → kubelet client certificate",
            CertRole::FrontProxyClient => "API aggregator (front-proxy) client certificate",
            CertRole::ServiceAccountSigningKey => "Service account token signing key",
            CertRole::KubectlClient => "kubectl client certificate (kubeconfig credential)",
            CertRole::KubeletClient => "Kubelet client certificate",
            CertRole::KubeletServing => "Kubelet serving certificate",
        }
    }

    /// Who must act to renew it. Seed: "Microsoft maintains all certificates mentioned in
    /// this section, except for the cluster certificate."
    pub fn maintainer(self) -> Maintainer {
        match self {
            CertRole::ClusterCa => Maintainer::User,
            _ => Maintainer::Aks,
        }
    }

    /// Whether it is a CA (autorotation rotates "non-CA certificates" only).
    pub fn is_ca(self) -> bool {
        self == CertRole::ClusterCa
    }

    /// The stable camelCase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CertRole::ClusterCa => "clusterCa",
            CertRole::ApiServer => "apiServer",
            CertRole::ApiServerKubeletClient => "apiServerKubeletClient",
            CertRole::FrontProxyClient => "frontProxyClient",
            CertRole::ServiceAccountSigningKey => "serviceAccountSigningKey",
            CertRole::KubectlClient => "kubectlClient",
            CertRole::KubeletClient => "kubeletClient",
            CertRole::KubeletServing => "kubeletServing",
        }
    }
}

impl fmt::Display for CertRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who keeps a certificate valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Maintainer {
    /// Microsoft (AKS) renews it.
    Aks,
    /// The cluster's owner must rotate it (`az aks rotate-certs`).
    User,
}

/// Where a certificate lives: the managed control plane, or the nodes of one pool.
///
/// Serialised as `"controlPlane"` or `"nodePool:<name>"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(type = "string"))]
pub enum Scope {
    /// The AKS-managed control plane.
    ControlPlane,
    /// The nodes of the named pool. Shared rather than owned: every certificate and event
    /// of a pool carries its scope, and cloning a `String` for each was a tenth of a
    /// simulation's instructions (malloc and free).
    NodePool(Arc<str>),
}

impl Scope {
    /// The pool name, for a node pool scope.
    pub fn pool(&self) -> Option<&str> {
        match self {
            Scope::ControlPlane => None,
            Scope::NodePool(p) => Some(p),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::ControlPlane => f.write_str("controlPlane"),
            Scope::NodePool(p) => write!(f, "nodePool:{p}"),
        }
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = String::deserialize(d)?;
        if t == "controlPlane" {
            Ok(Scope::ControlPlane)
        } else if let Some(p) = t.strip_prefix("nodePool:") {
            Ok(Scope::NodePool(p.into()))
        } else {
            Err(serde::de::Error::custom(format!(
                "scope `{t}` is neither `controlPlane` nor `nodePool:<name>`"
            )))
        }
    }
}

/// Who signed a certificate: which generation of the Cluster CA (each `rotate-certs`
/// creates a new one), or the holder itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Issuer {
    /// Signed by the Cluster CA of this generation (1 = the CA the cluster was created with).
    ClusterCa {
        /// CA generation.
        generation: u32,
    },
    /// Self-signed (the Cluster CA itself, or a node's own kubelet serving certificate).
    SelfSigned,
}

/// How a certificate gets renewed before it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum RotationMechanism {
    /// AKS certificate autorotation, at 80 % of the validity.
    Autorotation,
    /// The kubelet renews it itself through a CSR, at a random point in [70 %, 90 %).
    KubeletRenewal,
    /// Regenerated whenever the nodes are reimaged or recreated (the self-signed serving
    /// certificate).
    Reimage,
    /// Only `az aks rotate-certs` replaces it.
    ManualOnly,
    /// A copy people hold (a kubeconfig's client certificate): they fetch a new one with
    /// `az aks get-credentials --overwrite-existing`.
    GetCredentials,
}

impl RotationMechanism {
    /// A short human phrase.
    pub fn phrase(self) -> &'static str {
        match self {
            RotationMechanism::Autorotation => "AKS autorotation",
            RotationMechanism::KubeletRenewal => "kubelet renewal (TLS bootstrapping)",
            RotationMechanism::Reimage => "node reimage or recreation only",
            RotationMechanism::ManualOnly => "manual az aks rotate-certs only",
            RotationMechanism::GetCredentials => "az aks get-credentials --overwrite-existing",
        }
    }
}

/// The OS of a node pool's nodes (paths differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub enum Os {
    /// Linux nodes.
    #[default]
    Linux,
    /// Windows nodes.
    Windows,
}

crate::variant_de::read_variants! {
    Os;
    "Linux" => Linux,
    "Windows" => Windows,
}

/// Facts that decide which file a node certificate is in.
#[derive(Debug, Clone, Copy)]
pub struct NodeFacts {
    /// The pool's OS.
    pub os: Os,
    /// The kubelet uses TLS bootstrapping (its client certificate comes from a CSR).
    pub tls_bootstrap: bool,
    /// Kubelet serving certificate rotation is active on the nodes.
    pub kscr: bool,
}

/// The file on a node that holds a certificate, when known.
///
/// Linux paths are from the seed article and AgentBaker's node scripts (`cse_config.sh`,
/// `cse_helpers.sh`). On Windows only the
/// bootstrap kubeconfig and the `c:\k\pki` cert dir are documented; the serving file name
/// there follows the upstream `kubelet-server-current.pem` naming.
pub fn node_path(role: CertRole, facts: NodeFacts) -> Option<&'static str> {
    use CertRole::*;
    match (facts.os, role) {
        (Os::Linux, ClusterCa) => Some("/etc/kubernetes/certs/ca.crt"),
        (Os::Linux, ApiServer) => Some("/etc/kubernetes/certs/apiserver.crt"),
        (Os::Linux, KubeletClient) if facts.tls_bootstrap => {
            Some("/var/lib/kubelet/pki/kubelet-client-current.pem")
        }
        (Os::Linux, KubeletClient) => Some("/etc/kubernetes/certs/client.crt"),
        (Os::Linux, KubeletServing) if facts.kscr => {
            Some("/var/lib/kubelet/pki/kubelet-server-current.pem")
        }
        (Os::Linux, KubeletServing) => Some("/etc/kubernetes/certs/kubeletserver.crt"),
        (Os::Windows, ClusterCa) => Some(r"C:\k\bootstrap-config (certificate-authority-data)"),
        (Os::Windows, KubeletClient) => Some(r"C:\k\pki\kubelet-client-current.pem"),
        (Os::Windows, KubeletServing) if facts.kscr => Some(r"C:\k\pki\kubelet-server-current.pem"),
        _ => None,
    }
}

/// One certificate (or key) as the model tracks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    /// What it is for.
    pub role: CertRole,
    /// Where it lives.
    pub scope: Scope,
    /// Model serial number, unique within a cluster; a node copy shares its original's.
    pub serial: u64,
    /// Who signed it.
    pub issuer: Issuer,
    /// Start of validity.
    pub not_before: Instant,
    /// End of validity (inclusive, as X.509); `None` for keys, which do not expire.
    pub not_after: Option<Instant>,
}

impl Certificate {
    /// Whether it is expired at `now` (Go and OpenSSL: invalid strictly after notAfter).
    pub fn is_expired(&self, now: Instant) -> bool {
        self.not_after.is_some_and(|na| now > na)
    }
}
