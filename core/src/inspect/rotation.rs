//! When and how an inspected certificate is renewed: from the AKS role it was classified
//! as and the policy's fractions. A certificate alone does not say whether its cluster has
//! autorotation, so hints that depend on that say so in `condition`.

use serde::{Deserialize, Serialize};

use crate::explain;
use crate::inventory::{CertRole, RotationMechanism};
use crate::policy::Policy;
use crate::time::Instant;

use super::classify::AksRole;

/// The next renewal of an inspected certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RotationHint {
    /// What renews it.
    pub mechanism: RotationMechanism,
    /// The earliest renewal instant (the autorotation point, or the start of the kubelet's
    /// window); `null` when nothing renews it on its own.
    pub earliest: Option<Instant>,
    /// The latest renewal instant (the end of the kubelet's window; for manual renewals,
    /// the certificate's notAfter: renew before then).
    pub latest: Option<Instant>,
    /// What this depends on that the certificate does not show, if anything.
    pub condition: Option<String>,
    /// What renews it, in a sentence, with the command when a person must act.
    pub how: String,
}

impl AksRole {
    /// The lifecycle model's role for this classification, where the model tracks it
    /// (CAs other than the cluster CA, etcd and other control plane clients it does not).
    pub fn cert_role(self) -> Option<CertRole> {
        Some(match self {
            AksRole::ClusterCa => CertRole::ClusterCa,
            AksRole::ApiServer => CertRole::ApiServer,
            AksRole::ApiServerKubeletClient => CertRole::ApiServerKubeletClient,
            AksRole::KubeletClient => CertRole::KubeletClient,
            AksRole::KubeletServing | AksRole::KubeletServingSelfSigned => CertRole::KubeletServing,
            AksRole::KubectlClient => CertRole::KubectlClient,
            AksRole::FrontProxyClient => CertRole::FrontProxyClient,
            AksRole::FrontProxyCa
            | AksRole::EtcdCa
            | AksRole::OtherCa
            | AksRole::Etcd
            | AksRole::ControlPlaneClient
            | AksRole::Unknown => return None,
        })
    }
}

/// The renewal hint for a certificate of `role` valid from `not_before` to `not_after`.
pub fn rotation_hint(
    role: AksRole,
    not_before: Instant,
    not_after: Instant,
    policy: &Policy,
) -> Option<RotationHint> {
    let point = |f: f64| not_before.fraction_towards(not_after, f);
    let hint = match role {
        AksRole::ClusterCa | AksRole::FrontProxyCa | AksRole::EtcdCa => RotationHint {
            mechanism: RotationMechanism::ManualOnly,
            earliest: None,
            latest: Some(not_after),
            condition: None,
            how: format!(
                "only az aks rotate-certs replaces a CA; run it before {}",
                not_after.date_string()
            ),
        },
        AksRole::ApiServer
        | AksRole::ApiServerKubeletClient
        | AksRole::FrontProxyClient
        | AksRole::Etcd
        | AksRole::ControlPlaneClient => {
            let at = point(policy.autorotation_fraction);
            RotationHint {
                mechanism: RotationMechanism::Autorotation,
                earliest: Some(at),
                latest: Some(at),
                condition: Some(explain::autorotation_condition(policy)),
                how: explain::autorotation_hint(policy),
            }
        }
        AksRole::KubeletClient | AksRole::KubeletServing => RotationHint {
            mechanism: RotationMechanism::KubeletRenewal,
            earliest: Some(point(policy.kubelet_renewal_min)),
            latest: Some(point(policy.kubelet_renewal_max)),
            condition: (role == AksRole::KubeletClient)
                .then(|| explain::kubelet_client_condition(policy)),
            how: explain::kubelet_hint(policy),
        },
        AksRole::KubeletServingSelfSigned => RotationHint {
            mechanism: RotationMechanism::Reimage,
            earliest: None,
            latest: Some(not_after),
            condition: None,
            how: "regenerated when the nodes are reimaged (az aks nodepool upgrade --node-image-only)".into(),
        },
        AksRole::KubectlClient => RotationHint {
            mechanism: RotationMechanism::GetCredentials,
            earliest: None,
            latest: Some(not_after),
            condition: None,
            how: format!(
                "fetch a new kubeconfig before {}: az aks get-credentials --overwrite-existing",
                not_after.date_string()
            ),
        },
        AksRole::OtherCa | AksRole::Unknown => return None,
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_follow_the_policy_fractions() {
        let nb = Instant::parse("2024-01-01T00:00:00Z").unwrap();
        let na = Instant::parse("2026-01-01T00:00:00Z").unwrap();
        let p = Policy::default();
        let api = rotation_hint(AksRole::ApiServer, nb, na, &p).unwrap();
        assert_eq!(api.earliest, Some(nb.fraction_towards(na, 0.8)));
        let kubelet = rotation_hint(AksRole::KubeletClient, nb, na, &p).unwrap();
        assert_eq!(kubelet.earliest, Some(nb.fraction_towards(na, 0.7)));
        assert_eq!(kubelet.latest, Some(nb.fraction_towards(na, 0.9)));
        assert_eq!(
            rotation_hint(AksRole::ClusterCa, nb, na, &p)
                .unwrap()
                .mechanism,
            RotationMechanism::ManualOnly
        );
        assert!(rotation_hint(AksRole::Unknown, nb, na, &p).is_none());
        assert_eq!(
            AksRole::KubeletServingSelfSigned.cert_role(),
            Some(CertRole::KubeletServing)
        );
    }
}
