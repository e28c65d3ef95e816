//! Which AKS certificate is this? (one of the roles of [`crate::inventory`])
//!
//! Classification uses only what a certificate (or a tool's printout of one) shows: names,
//! the CA bit, extended key usage, lifetime, self-issuance, and where it was found (a
//! kubeconfig field, a kubeadm row). Every verdict comes with the reason, because a user
//! must be able to check it. The facts behind the rules are the AKS "Certificate rotation"
//! article, AgentBaker's node scripts and Kubernetes' signer names (`certificates/v1`).
//!
//! The lead's lifecycle model has its own inventory enum; the two are unified at merge, so
//! every name and rule lives in this one file.

use crate::substring::contains;
use serde::{Deserialize, Serialize};

use crate::policy::Policy;

/// A certificate's place in the AKS inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum AksRole {
    /// The cluster CA (`CN=ca`), 30×365 days for clusters created after May 2019.
    ClusterCa,
    /// A separate front-proxy (API aggregation) CA.
    FrontProxyCa,
    /// An etcd CA (listed by AKS until 2019; kubeadm has `etcd-ca`).
    EtcdCa,
    /// A CA that is none of the above.
    OtherCa,
    /// The API server's serving certificate (`CN=apiserver`, issuer `CN=ca`).
    ApiServer,
    /// The API server's client certificate towards kubelets.
    ApiServerKubeletClient,
    /// A kubelet's client certificate (`CN=system:node:<node>`, `O=system:nodes`).
    KubeletClient,
    /// A kubelet serving certificate signed by the cluster CA (serving rotation on).
    KubeletServing,
    /// The self-signed 20-year kubelet serving certificate AgentBaker writes when serving
    /// certificate rotation is off (`/etc/kubernetes/certs/kubeletserver.crt`).
    KubeletServingSelfSigned,
    /// The kubectl client certificate in an admin kubeconfig (`O=system:masters`).
    KubectlClient,
    /// The front-proxy (aggregator) client certificate.
    FrontProxyClient,
    /// An etcd server, peer or client certificate.
    Etcd,
    /// A control-plane component's client certificate (controller-manager, scheduler).
    ControlPlaneClient,
    /// Not one AKS manages (or not enough was shown to tell).
    Unknown,
}

impl AksRole {
    /// The role's name as it appears in JSON (`clusterCa`, `apiServer`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            AksRole::ClusterCa => "clusterCa",
            AksRole::FrontProxyCa => "frontProxyCa",
            AksRole::EtcdCa => "etcdCa",
            AksRole::OtherCa => "otherCa",
            AksRole::ApiServer => "apiServer",
            AksRole::ApiServerKubeletClient => "apiServerKubeletClient",
            AksRole::KubeletClient => "kubeletClient",
            AksRole::KubeletServing => "kubeletServing",
            AksRole::KubeletServingSelfSigned => "kubeletServingSelfSigned",
            AksRole::KubectlClient => "kubectlClient",
            AksRole::FrontProxyClient => "frontProxyClient",
            AksRole::Etcd => "etcd",
            AksRole::ControlPlaneClient => "controlPlaneClient",
            AksRole::Unknown => "unknown",
        }
    }
}

/// Where a certificate was found, when that says something about its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint<'a> {
    /// Nothing known.
    None,
    /// A kubeconfig cluster's `certificate-authority-data`.
    KubeconfigCa(&'a str),
    /// A kubeconfig user's `client-certificate-data`.
    KubeconfigClient(&'a str),
    /// A `kubeadm certs check-expiration` row name.
    KubeadmName(&'a str),
}

/// The facts classification looks at; any may be unknown.
#[derive(Debug, Clone)]
pub(crate) struct RoleFacts<'a> {
    pub subject_cn: Option<&'a str>,
    pub subject_o: &'a [String],
    pub issuer_cn: Option<&'a str>,
    pub is_ca: Option<bool>,
    pub self_issued: Option<bool>,
    pub eku: Option<&'a [std::borrow::Cow<'static, str>]>,
    pub lifetime_days: Option<i64>,
    pub san_dns: &'a [String],
    pub hint: Hint<'a>,
}

fn has<S: AsRef<str>>(list: &[S], v: &str) -> bool {
    list.iter().any(|s| s.as_ref() == v)
}

fn kubeadm_role(name: &str) -> Option<(AksRole, String)> {
    let role = match name {
        "ca" => AksRole::ClusterCa,
        "front-proxy-ca" => AksRole::FrontProxyCa,
        "etcd-ca" => AksRole::EtcdCa,
        "apiserver" => AksRole::ApiServer,
        "apiserver-kubelet-client" => AksRole::ApiServerKubeletClient,
        "front-proxy-client" => AksRole::FrontProxyClient,
        "apiserver-etcd-client" | "etcd-healthcheck-client" | "etcd-peer" | "etcd-server" => {
            AksRole::Etcd
        }
        "admin.conf" | "super-admin.conf" => AksRole::KubectlClient,
        "controller-manager.conf" | "scheduler.conf" => AksRole::ControlPlaneClient,
        "kubelet.conf" => AksRole::KubeletClient,
        _ => return None,
    };
    Some((
        role,
        format!("kubeadm names this certificate `{name}` (kubeadm layout, not AKS's)"),
    ))
}

/// `CN=…` or `no CN`, as the reasons word a subject; written into the reason directly.
#[derive(Clone, Copy)]
struct CnDesc<'a>(Option<&'a str>);

impl std::fmt::Display for CnDesc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(cn) => write!(f, "CN={cn}"),
            None => f.write_str("no CN"),
        }
    }
}

/// Whether `haystack` contains the lower-case ASCII `needle`, ignoring ASCII case (CA names
/// are matched for every certificate of a bundle: no lower-cased copy).
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Classify into the AKS inventory and say why (the self-signed kubelet serving
/// certificate's lifetime is `policy`'s).
pub(crate) fn classify(f: &RoleFacts<'_>, policy: &Policy) -> (AksRole, String) {
    if let Hint::KubeadmName(name) = f.hint
        && let Some(r) = kubeadm_role(name)
    {
        return r;
    }
    let cn = f.subject_cn.unwrap_or("");
    let cn_desc = CnDesc(f.subject_cn);
    let masters = has(f.subject_o, "system:masters");
    let nodes = has(f.subject_o, "system:nodes");
    let eku_server = f.eku.is_some_and(|e| has(e, "serverAuth"));
    let eku_client = f.eku.is_some_and(|e| has(e, "clientAuth"));

    if f.is_ca == Some(true) {
        if cn == "ca" {
            return (
                AksRole::ClusterCa,
                "CA certificate with CN=ca, the name AKS gives the cluster CA (it signs the API server, kubelet and kubeconfig client certificates)".into(),
            );
        }
        if contains_ignoring_case(cn, "front-proxy")
            || cn.eq_ignore_ascii_case("proxyclientca")
            || contains_ignoring_case(cn, "aggregator")
        {
            return (
                AksRole::FrontProxyCa,
                format!("CA certificate with {cn_desc}: a front-proxy (API aggregation) CA"),
            );
        }
        if contains_ignoring_case(cn, "etcd") {
            return (
                AksRole::EtcdCa,
                format!("CA certificate with {cn_desc}: an etcd CA"),
            );
        }
        if let Hint::KubeconfigCa(cluster) = f.hint {
            return (
                AksRole::ClusterCa,
                format!(
                    "the CA kubeconfig cluster `{cluster}` trusts; its {cn_desc} is not AKS's `ca`, so this cluster is probably not AKS"
                ),
            );
        }
        return (
            AksRole::OtherCa,
            format!(
                "a CA certificate ({cn_desc}) that is not one AKS creates (AKS's cluster CA has CN=ca)"
            ),
        );
    }

    if let Some(node) = cn.strip_prefix("system:node:") {
        let org_note = if nodes {
            "O=system:nodes"
        } else {
            "but without O=system:nodes (the kubelet signers require it)"
        };
        if eku_server && !eku_client {
            return (
                AksRole::KubeletServing,
                format!(
                    "CN=system:node:{node} {org_note}, serverAuth: a kubelet serving certificate from the kubernetes.io/kubelet-serving signer (serving certificate rotation is on)"
                ),
            );
        }
        return (
            AksRole::KubeletClient,
            format!(
                "CN=system:node:{node} {org_note}: node {node}'s kubelet client certificate (TLS bootstrapping, /var/lib/kubelet/pki/kubelet-client-current.pem)"
            ),
        );
    }
    if cn == "apiserver" || cn == "kube-apiserver" {
        let issuer = match f.issuer_cn {
            Some("ca") => ", issued by CN=ca",
            _ => "",
        };
        return (
            AksRole::ApiServer,
            format!(
                "{cn_desc}{issuer}: the API server's serving certificate (730 days on AKS, rotated with the cluster CA)"
            ),
        );
    }
    if eku_server
        && f.san_dns
            .iter()
            .any(|d| d == "kubernetes.default.svc" || d.starts_with("kubernetes.default.svc."))
    {
        return (
            AksRole::ApiServer,
            format!(
                "{cn_desc} with SAN kubernetes.default.svc and serverAuth: an API server serving certificate"
            ),
        );
    }
    if contains(cn, "kubelet-client") {
        return (
            AksRole::ApiServerKubeletClient,
            format!("{cn_desc}: the API server's client certificate for talking to kubelets"),
        );
    }
    let lower = cn.to_ascii_lowercase();
    if contains(&lower, "front-proxy") || lower == "aggregator" || contains(&lower, "proxy-client")
    {
        return (
            AksRole::FrontProxyClient,
            format!("{cn_desc}: the front-proxy (API aggregator) client certificate"),
        );
    }
    if lower.starts_with("etcd") {
        return (AksRole::Etcd, format!("{cn_desc}: an etcd certificate"));
    }
    if masters {
        let user = match f.hint {
            Hint::KubeconfigClient(u) => format!(" (kubeconfig user `{u}`)"),
            _ => String::new(),
        };
        return (
            AksRole::KubectlClient,
            format!(
                "O=system:masters{user}: the cluster-admin client certificate AKS puts in kubeconfigs; it must be fetched again (az aks get-credentials) after a CA rotation"
            ),
        );
    }
    if cn == "system:kube-controller-manager" || cn == "system:kube-scheduler" {
        return (
            AksRole::ControlPlaneClient,
            format!("{cn_desc}: a control-plane component's client certificate"),
        );
    }
    if f.self_issued == Some(true) {
        // AgentBaker's `openssl req -x509 -days N`, give or take a day of rounding.
        let serving = policy.self_signed_serving_lifetime;
        let serving_days = serving.as_seconds() / 86_400;
        if let Some(days) = f.lifetime_days
            && (serving_days - 1..=serving_days + 1).contains(&days)
        {
            return (
                AksRole::KubeletServingSelfSigned,
                format!(
                    "self-signed, {days}-day ({}) leaf with {cn_desc}: the kubelet serving certificate AKS writes to /etc/kubernetes/certs/kubeletserver.crt when serving certificate rotation is off (DNS SAN only, no IP SAN)",
                    crate::explain::lifetime(serving)
                ),
            );
        }
        if cn.starts_with("aks-") && f.san_dns.len() == 1 && f.san_dns[0] == cn {
            return (
                AksRole::KubeletServingSelfSigned,
                format!(
                    "self-signed leaf named after an AKS node ({cn_desc}, SAN DNS:{cn} only): the kubelet's self-signed serving certificate (serving certificate rotation off)"
                ),
            );
        }
    }
    if let Hint::KubeconfigClient(user) = f.hint {
        return (
            AksRole::KubectlClient,
            format!(
                "client certificate of kubeconfig user `{user}` ({cn_desc}, without O=system:masters)"
            ),
        );
    }
    let mut reason = format!("no AKS certificate matches {cn_desc}");
    for (i, o) in f.subject_o.iter().enumerate() {
        reason.push_str(if i == 0 { ", O=" } else { "+" });
        reason.push_str(o);
    }
    (AksRole::Unknown, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(cn: &'a str, o: &'a [String]) -> RoleFacts<'a> {
        RoleFacts {
            subject_cn: Some(cn),
            subject_o: o,
            issuer_cn: Some("ca"),
            is_ca: Some(false),
            self_issued: Some(false),
            eku: None,
            lifetime_days: Some(730),
            san_dns: &[],
            hint: Hint::None,
        }
    }

    #[test]
    fn role_names_match_serde() {
        for r in [
            AksRole::ClusterCa,
            AksRole::KubeletServingSelfSigned,
            AksRole::Unknown,
            AksRole::ApiServerKubeletClient,
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }

    #[test]
    fn aks_inventory_rules() {
        let none: Vec<String> = vec![];
        let mut ca = facts("ca", &none);
        ca.is_ca = Some(true);
        assert_eq!(classify(&ca, &Policy::default()).0, AksRole::ClusterCa);
        assert_eq!(
            classify(&facts("apiserver", &none), &Policy::default()).0,
            AksRole::ApiServer
        );
        let nodes = vec!["system:nodes".to_string()];
        assert_eq!(
            classify(
                &facts("system:node:aks-nodepool1-1-vmss000000", &nodes),
                &Policy::default()
            )
            .0,
            AksRole::KubeletClient
        );
        let server = vec![std::borrow::Cow::Borrowed("serverAuth")];
        let mut serving = facts("system:node:aks-nodepool1-1-vmss000000", &nodes);
        serving.eku = Some(&server);
        assert_eq!(
            classify(&serving, &Policy::default()).0,
            AksRole::KubeletServing
        );
        let masters = vec!["system:masters".to_string()];
        assert_eq!(
            classify(&facts("client", &masters), &Policy::default()).0,
            AksRole::KubectlClient
        );
        let san = vec!["aks-nodepool1-1-vmss000000".to_string()];
        let mut ss = facts("aks-nodepool1-1-vmss000000", &none);
        ss.self_issued = Some(true);
        ss.lifetime_days = Some(7300);
        ss.san_dns = &san;
        let (role, why) = classify(&ss, &Policy::default());
        assert_eq!(role, AksRole::KubeletServingSelfSigned);
        assert!(why.contains("7300-day (20-year) leaf"), "{why}");
        // The lifetime is the policy's: another policy, another certificate and wording.
        let ten_years = Policy {
            self_signed_serving_lifetime: crate::time::Duration::days(3650),
            ..Policy::default()
        };
        ss.lifetime_days = Some(3650);
        let (role, why) = classify(&ss, &ten_years);
        assert_eq!(role, AksRole::KubeletServingSelfSigned);
        assert!(why.contains("3650-day (10-year) leaf"), "{why}");
        ss.lifetime_days = Some(7300);
        assert_ne!(classify(&ss, &ten_years).1, why);
        assert_eq!(
            classify(&facts("example.com", &none), &Policy::default()).0,
            AksRole::Unknown
        );
        let mut k = facts("whatever", &none);
        k.hint = Hint::KubeadmName("front-proxy-client");
        assert_eq!(
            classify(&k, &Policy::default()).0,
            AksRole::FrontProxyClient
        );
    }
}
