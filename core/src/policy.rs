//! AKS's certificate rules as data. Every default traces to a sentence of the AKS
//! "Certificate rotation" article (the seed), or to a cited upstream fact (AKS docs,
//! AgentBaker, Kubernetes); where the sources are silent or disagree the field says so, and a
//! caller can override it (a scenario's `policy` block) without touching code.

use serde::Serialize;

use crate::time::{Duration, Instant};
use crate::version::{KubernetesVersion, NodeImageVersion};

/// Why a policy override was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A fraction outside (0, 1], or a window whose lower bound exceeds the upper.
    #[error(
        "policy field `{field}` = {} must be a fraction in (0, 1]{extra}",
        crate::explain::number(*.value)
    )]
    BadFraction {
        /// Field name as written in JSON.
        field: &'static str,
        /// The value given.
        value: f64,
        /// Extra context.
        extra: &'static str,
    },
    /// A lifetime or duration that is zero, negative, or absurdly long.
    #[error("policy field `{field}` = {value} must be between 1 minute and 1000 years")]
    BadDuration {
        /// Field name as written in JSON.
        field: &'static str,
        /// The value given.
        value: Duration,
    },
}

/// The rules the model applies. `Policy::default()` is AKS as documented.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Policy {
    /// Certificates issued before this instant follow the pre-May-2019 rules.
    /// Seed: "AKS clusters created *before* May 2019 have certificates that expire after
    /// two years." A real CA issued 2019-05-20 lasts 30×365 days (azure-docs#75678), so
    /// May 2019 itself is already "after".
    pub legacy_before: Instant,
    /// Lifetime of every certificate (the CA included) issued under the legacy rules.
    /// Seed: "expire after two years"; a 2018 sample is exactly 730 days (Azure/AKS#877).
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub legacy_lifetime: Duration,
    /// Legacy certificates are not backdated: the 2018 sample's notBefore is its issue time.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub legacy_backdate: Duration,
    /// Cluster CA lifetime. Seed: "Cluster CA certificates that expire after 30 years";
    /// measured on real CAs as 30×365 days (10950 d) from issuance (azure-docs#75678).
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub ca_lifetime: Duration,
    /// Lifetime of the certificates AKS itself issues (API server, API-server→kubelet
    /// client, front-proxy client, kubectl credential): 730 days, measured on real
    /// certificates (azure-docs#44448, Azure/AKS#2347, azure-devops-docs PR #14210).
    /// The seed gives no number.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub leaf_lifetime: Duration,
    /// AKS sets notBefore this long before issuance: every post-2019 sample has notAfter −
    /// notBefore = N×365 days + 10 minutes (an inference from certificates' dates quoted in
    /// public Azure/AKS issues).
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub backdate: Duration,
    /// Kubernetes' CSR signer (kube-controller-manager) backdates the certificates it signs
    /// by 5 minutes for clock skew (upstream `pkg/controller/certificates/authority`).
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub csr_backdate: Duration,
    /// Lifetime of a kubelet client certificate obtained by TLS bootstrapping. AKS
    /// publishes no `--cluster-signing-duration`; the upstream default is one year
    /// (kube-controller-manager's `--cluster-signing-duration`, 8760h). Sources are silent
    /// for AKS: override when you know better.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub kubelet_client_lifetime: Duration,
    /// Lifetime of a kubelet serving certificate signed by the cluster CA when kubelet
    /// serving certificate rotation (KSCR) is on: the same signer, so the same default.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub kubelet_serving_lifetime: Duration,
    /// The self-signed kubelet serving certificate AKS writes when KSCR is off:
    /// `openssl req -x509 -days 7300` = 20 years (AgentBaker `cse_config.sh`).
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub self_signed_serving_lifetime: Duration,
    /// Clusters created or upgraded at or after this instant get certificate autorotation.
    /// Seed: "For any AKS clusters created or upgraded after March 2022". Read
    /// conservatively as from 1 April 2022 (the rollout finished by end of February 2022
    /// per Azure/AKS#2739, so the earlier reading is also defensible — override it).
    pub autorotation_after: Instant,
    /// Autorotation renews a non-CA certificate at this fraction of its validity.
    /// Seed: "within 80% of the client certificate valid time before they expire".
    pub autorotation_fraction: f64,
    /// Autorotation needs Kubernetes RBAC (DOC-ROT: enabled by default only for
    /// Kubernetes-RBAC-enabled clusters).
    pub autorotation_requires_rbac: bool,
    /// Earliest renewal point of a kubelet-managed certificate, as a fraction of its
    /// validity: client-go's `jitteryDuration` gives a deadline uniform in [70 %, 90 %)
    /// (client-go's `util/certificate/certificate_manager.go`).
    pub kubelet_renewal_min: f64,
    /// Upper bound (exclusive) of the kubelet renewal window (see `kubeletRenewalMin`).
    pub kubelet_renewal_max: f64,
    /// Whether autorotation on a *stopped* cluster also rotates the node pools'
    /// certificates. Seed: "If the cluster is in a stopped state during certificate
    /// autorotation, only the control plane certificates are rotated" — so `false`.
    pub stopped_autorotation_includes_nodes: bool,
    /// Whether a node image upgrade (reimage) refreshes node certificates left stale by an
    /// autorotation that ran while the cluster was stopped. The seed only documents
    /// recreating the node pool ("you should recreate the node pool after certificate
    /// rotation"), so by default only recreation (or `rotate-certs`) clears staleness.
    pub stale_cleared_by_reimage: bool,
    /// Kubelet serving certificate rotation needs this Kubernetes version or later.
    /// Seed: "Supported on Kubernetes version 1.27 and above."
    pub kscr_min_version: KubernetesVersion,
    /// KSCR is not supported on pools using a snapshot based on an image older than this.
    /// Seed: "a node pool snapshot based on any node image older than `202501.12.0`".
    pub kscr_snapshot_floor: NodeImageVersion,
    /// KSCR is switched on by pool creation or upgrade only from this date: the rollout
    /// reached every public region on 2025-08-08 (AKS release notes, Azure/AKS#4986);
    /// some regions had it from May 2025. Set it to your region's date.
    pub kscr_available_from: Instant,
    /// KSCR needs Kubernetes RBAC (the "Certificate rotation" article's limitations).
    pub kscr_requires_rbac: bool,
    /// The node pool tag that opts out of KSCR, effective only after a reimage. Seed:
    /// "`aks-disable-kubelet-serving-certificate-rotation=true` tag", then "Reimage your
    /// nodes". The node matches the name and the value `true` case-insensitively
    /// (AgentBaker `get_imds_vm_tag_value`).
    pub kscr_opt_out_tag: String,
    /// From this date AKS ignores the opt-out tag: pools get KSCR at their next reimage
    /// (AKS retirement notice, Azure/AKS#5539: April 1, 2027).
    pub kscr_opt_out_retired_from: Instant,
    /// The label each node with KSCR carries. Seed:
    /// "`kubernetes.azure.com/kubelet-serving-ca=cluster`".
    pub kscr_label: String,
    /// Longest downtime one `az aks rotate-certs` may cause. Seed: "up to 30 minutes of
    /// downtime".
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub rotate_certs_max_downtime: Duration,
    /// From this date `rotate-certs` on a *stopped* cluster is accepted and rotates the
    /// control plane only; before it, it is refused. Sources disagree: an older DOC-ROT
    /// said "not supported for stopped AKS clusters"; AKS release notes of 2023-03-05 and
    /// 2023-04-09 say it was fixed. `null` keeps it refused forever.
    pub rotate_certs_on_stopped_from: Option<Instant>,
    /// From this date an upgrade also re-issues the control plane's non-CA certificates
    /// (AKS release 2021-07-15: "AKS will now rotate your intermediate certificates during
    /// an upgrade operation").
    pub upgrade_rotates_leaves_from: Instant,
    /// How long AKS keeps a stopped cluster's state (start-stop-cluster.md: "up to 12
    /// months").
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub stopped_retention: Duration,
    /// How long each long-running operation takes in the model.
    pub durations: OperationDurations,
}

crate::struct_de::read_fields! {
    Policy, Policy::default();
    "legacyBefore" => legacy_before: false,
    "legacyLifetime" => legacy_lifetime: false,
    "legacyBackdate" => legacy_backdate: false,
    "caLifetime" => ca_lifetime: false,
    "leafLifetime" => leaf_lifetime: false,
    "backdate" => backdate: false,
    "csrBackdate" => csr_backdate: false,
    "kubeletClientLifetime" => kubelet_client_lifetime: false,
    "kubeletServingLifetime" => kubelet_serving_lifetime: false,
    "selfSignedServingLifetime" => self_signed_serving_lifetime: false,
    "autorotationAfter" => autorotation_after: false,
    "autorotationFraction" => autorotation_fraction: false,
    "autorotationRequiresRbac" => autorotation_requires_rbac: false,
    "kubeletRenewalMin" => kubelet_renewal_min: false,
    "kubeletRenewalMax" => kubelet_renewal_max: false,
    "stoppedAutorotationIncludesNodes" => stopped_autorotation_includes_nodes: false,
    "staleClearedByReimage" => stale_cleared_by_reimage: false,
    "kscrMinVersion" => kscr_min_version: false,
    "kscrSnapshotFloor" => kscr_snapshot_floor: false,
    "kscrAvailableFrom" => kscr_available_from: false,
    "kscrRequiresRbac" => kscr_requires_rbac: false,
    "kscrOptOutTag" => kscr_opt_out_tag: false,
    "kscrOptOutRetiredFrom" => kscr_opt_out_retired_from: false,
    "kscrLabel" => kscr_label: false,
    "rotateCertsMaxDowntime" => rotate_certs_max_downtime: false,
    "rotateCertsOnStoppedFrom" => rotate_certs_on_stopped_from: false,
    "upgradeRotatesLeavesFrom" => upgrade_rotates_leaves_from: false,
    "stoppedRetention" => stopped_retention: false,
    "durations" => durations: false,
}

/// Modelled length of each long-running operation (while it runs the cluster shows the
/// matching provisioning state and refuses other mutating operations).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct OperationDurations {
    /// `az aks upgrade`. No published figure; 30 minutes as a planning value.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub upgrade: Duration,
    /// `--node-image-only` upgrade (reimage). No published figure; 15 minutes.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub node_image_upgrade: Duration,
    /// `az aks start`: 3 min 12 s in the recorded azure-cli test (corpus `aks-json`).
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub start: Duration,
    /// `az aks stop`. No published figure; 5 minutes.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub stop: Duration,
    /// Scaling, adding, recreating a node pool, or updating its tags. No published
    /// figure; 5 minutes.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub node_pool_change: Duration,
}

crate::struct_de::read_fields! {
    OperationDurations, OperationDurations::default();
    "upgrade" => upgrade: false,
    "nodeImageUpgrade" => node_image_upgrade: false,
    "start" => start: false,
    "stop" => stop: false,
    "nodePoolChange" => node_pool_change: false,
}

impl Default for OperationDurations {
    fn default() -> Self {
        OperationDurations {
            upgrade: Duration::minutes(30),
            node_image_upgrade: Duration::minutes(15),
            start: Duration::seconds(192),
            stop: Duration::minutes(5),
            node_pool_change: Duration::minutes(5),
        }
    }
}

fn date(y: i16, m: i8, d: i8) -> Instant {
    // Constant, valid dates: from_date cannot fail for them.
    Instant::from_date(y, m, d).unwrap_or(Instant::MIN)
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            legacy_before: date(2019, 5, 1),
            legacy_lifetime: Duration::days(730),
            legacy_backdate: Duration::ZERO,
            ca_lifetime: Duration::days(30 * 365),
            leaf_lifetime: Duration::days(730),
            backdate: Duration::minutes(10),
            csr_backdate: Duration::minutes(5),
            kubelet_client_lifetime: Duration::days(365),
            kubelet_serving_lifetime: Duration::days(365),
            self_signed_serving_lifetime: Duration::days(7300),
            autorotation_after: date(2022, 4, 1),
            autorotation_fraction: 0.8,
            autorotation_requires_rbac: true,
            kubelet_renewal_min: 0.7,
            kubelet_renewal_max: 0.9,
            stopped_autorotation_includes_nodes: false,
            stale_cleared_by_reimage: false,
            kscr_min_version: KubernetesVersion::new(1, 27),
            kscr_snapshot_floor: NodeImageVersion::known("202501.12.0", (2025, 1, 12, 0)),
            kscr_available_from: date(2025, 8, 8),
            kscr_requires_rbac: true,
            kscr_opt_out_tag: "aks-disable-kubelet-serving-certificate-rotation".into(),
            kscr_opt_out_retired_from: date(2027, 4, 1),
            kscr_label: "kubernetes.azure.com/kubelet-serving-ca=cluster".into(),
            rotate_certs_max_downtime: Duration::minutes(30),
            rotate_certs_on_stopped_from: Some(date(2023, 4, 9)),
            upgrade_rotates_leaves_from: date(2021, 7, 15),
            stopped_retention: Duration::days(365),
            durations: OperationDurations::default(),
        }
    }
}

impl Policy {
    /// Whether this is AKS's documented default policy (no override).
    pub fn is_default(&self) -> bool {
        // Asked for every cluster a fleet run serialises: the default is built once.
        static DEFAULT: std::sync::LazyLock<Policy> = std::sync::LazyLock::new(Policy::default);
        *self == *DEFAULT
    }

    /// Check that every fraction and lifetime is usable (an override could set 0 % or a
    /// negative lifetime, which would make a simulation loop or go backwards).
    pub fn validate(&self) -> Result<(), PolicyError> {
        let fraction = |field, value: f64| {
            if value > 0.0 && value <= 1.0 && value.is_finite() {
                Ok(())
            } else {
                Err(PolicyError::BadFraction {
                    field,
                    value,
                    extra: "",
                })
            }
        };
        fraction("autorotationFraction", self.autorotation_fraction)?;
        fraction("kubeletRenewalMin", self.kubelet_renewal_min)?;
        fraction("kubeletRenewalMax", self.kubelet_renewal_max)?;
        if self.kubelet_renewal_min > self.kubelet_renewal_max {
            return Err(PolicyError::BadFraction {
                field: "kubeletRenewalMin",
                value: self.kubelet_renewal_min,
                extra: " and not above kubeletRenewalMax",
            });
        }
        let d = &self.durations;
        let lifetimes = [
            ("legacyLifetime", self.legacy_lifetime),
            ("caLifetime", self.ca_lifetime),
            ("leafLifetime", self.leaf_lifetime),
            ("kubeletClientLifetime", self.kubelet_client_lifetime),
            ("kubeletServingLifetime", self.kubelet_serving_lifetime),
            (
                "selfSignedServingLifetime",
                self.self_signed_serving_lifetime,
            ),
            ("rotateCertsMaxDowntime", self.rotate_certs_max_downtime),
            ("stoppedRetention", self.stopped_retention),
            ("durations.upgrade", d.upgrade),
            ("durations.nodeImageUpgrade", d.node_image_upgrade),
            ("durations.start", d.start),
            ("durations.stop", d.stop),
            ("durations.nodePoolChange", d.node_pool_change),
        ];
        for (field, value) in lifetimes {
            if value < Duration::minutes(1) || value > Duration::years(1000) {
                return Err(PolicyError::BadDuration { field, value });
            }
        }
        for (field, value) in [
            ("backdate", self.backdate),
            ("legacyBackdate", self.legacy_backdate),
            ("csrBackdate", self.csr_backdate),
        ] {
            if value.is_negative() || value > Duration::days(1) {
                return Err(PolicyError::BadDuration { field, value });
            }
        }
        Ok(())
    }

    /// Whether a pool's tags opt it out of KSCR: the tag name and the value `true` match
    /// case-insensitively, as the node's IMDS lookup does.
    pub fn opts_out_of_kscr<'a>(
        &self,
        tags: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) -> bool {
        tags.into_iter().any(|(k, v)| {
            k.eq_ignore_ascii_case(&self.kscr_opt_out_tag) && v.eq_ignore_ascii_case("true")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_fraction_is_quoted_as_json_writes_it() {
        for (given, quoted) in [
            ("1.5", "1.5"),
            ("2", "2.0"),
            ("-0.25", "-0.25"),
            ("1e20", "1e+20"),
        ] {
            let p: Policy =
                serde_json::from_str(&format!(r#"{{"autorotationFraction":{given}}}"#)).unwrap();
            assert_eq!(
                p.validate().unwrap_err().to_string(),
                format!(
                    "policy field `autorotationFraction` = {quoted} must be a fraction in (0, 1]"
                )
            );
        }
    }

    #[test]
    fn defaults_are_valid_and_round_trip_through_json() {
        let p = Policy::default();
        p.validate().unwrap();
        let json = serde_json::to_string(&p).unwrap();
        let back: Policy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        assert_eq!(p.kscr_snapshot_floor.as_str(), "202501.12.0");
    }

    #[test]
    fn partial_override_keeps_other_defaults_and_bad_values_are_refused() {
        let p: Policy = serde_json::from_str(r#"{"kubeletClientLifetime":"30d"}"#).unwrap();
        assert_eq!(p.kubelet_client_lifetime, Duration::days(30));
        assert_eq!(p.ca_lifetime, Duration::days(10_950));
        let p: Policy = serde_json::from_str(r#"{"autorotationFraction":0}"#).unwrap();
        assert!(matches!(
            p.validate(),
            Err(PolicyError::BadFraction {
                field: "autorotationFraction",
                ..
            })
        ));
        assert!(serde_json::from_str::<Policy>(r#"{"noSuchField":1}"#).is_err());
    }
}
