//! Why a cluster of a fleet has no result: [`ClusterFailure`], with a [`FailureKind`] a
//! program can branch on. The kinds come from every layer that runs clusters: the
//! simulation itself, reading a cluster's facts from `az` output, the API call a host made
//! for the cluster, and a host's limits on a WebAssembly guest.

use serde::{Deserialize, Serialize};

/// A cluster without a result: a stable kind and what happened (a simulation that could
/// not finish; programs that run many clusters use it for any per-cluster failure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ClusterFailure {
    /// What failed.
    pub kind: FailureKind,
    /// What happened.
    pub message: String,
}

impl ClusterFailure {
    /// A failure of `kind`.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> ClusterFailure {
        ClusterFailure {
            kind,
            message: message.into(),
        }
    }
}

/// What failed for a cluster. In JSON, the camelCase name (`eventBudgetExceeded`); a name
/// this build does not know (from a newer engine) reads as [`FailureKind::Other`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum FailureKind {
    /// The simulation: the cluster's spec is not one AKS would create.
    InvalidCluster,
    /// The simulation: time went backwards (a bug of the caller driving the cluster).
    TimeWentBackwards,
    /// The simulation: the run needed more events than its budget.
    EventBudgetExceeded,
    /// The cluster's facts: the `az` entry has no name.
    MissingName,
    /// The cluster's facts: no resource group.
    MissingResourceGroup,
    /// The cluster's facts: no creation date, and none assumed.
    MissingCreationDate,
    /// The cluster's facts: a date that is not one.
    BadDate,
    /// The cluster's facts: no Kubernetes version.
    MissingKubernetesVersion,
    /// The cluster's facts: a Kubernetes version that is not one.
    BadKubernetesVersion,
    /// The cluster's facts: a node pool without a name or with a bad version.
    BadNodePool,
    /// The cluster's facts: created after the instant reported on.
    CreatedAfterNow,
    /// The cluster's facts do not hold together (the expiry report refused them).
    InvalidClusterFacts,
    /// No facts at all for the cluster.
    MissingFacts,
    /// The host's call: no such operation.
    UnknownOperation,
    /// The host's call: the input was over the limit.
    InputTooLarge,
    /// The host's call: the input was not the JSON the operation reads.
    BadInput,
    /// The host's call: the one-cluster scenario was refused.
    InvalidScenario,
    /// The host's call: the policy was refused.
    InvalidPolicy,
    /// The host's call: the request was refused.
    InvalidRequest,
    /// The host's call: the input could not be read.
    UnreadableInput,
    /// The host's call: the module does not answer the operation.
    UnavailableOperation,
    /// A WebAssembly host: the call ran out of its fuel budget.
    OutOfFuel,
    /// A WebAssembly host: the call needed more memory than its limit.
    OutOfMemory,
    /// A WebAssembly host: the call ran past its time limit.
    OutOfTime,
    /// A WebAssembly host: the guest trapped.
    GuestTrap,
    /// A WebAssembly host: the guest broke the host ABI (or answered nonsense).
    AbiViolation,
    /// A kind this build does not know; the message says what happened.
    #[serde(other)]
    Other,
}

impl FailureKind {
    /// Every kind but [`FailureKind::Other`].
    pub const ALL: [FailureKind; 26] = [
        FailureKind::InvalidCluster,
        FailureKind::TimeWentBackwards,
        FailureKind::EventBudgetExceeded,
        FailureKind::MissingName,
        FailureKind::MissingResourceGroup,
        FailureKind::MissingCreationDate,
        FailureKind::BadDate,
        FailureKind::MissingKubernetesVersion,
        FailureKind::BadKubernetesVersion,
        FailureKind::BadNodePool,
        FailureKind::CreatedAfterNow,
        FailureKind::InvalidClusterFacts,
        FailureKind::MissingFacts,
        FailureKind::UnknownOperation,
        FailureKind::InputTooLarge,
        FailureKind::BadInput,
        FailureKind::InvalidScenario,
        FailureKind::InvalidPolicy,
        FailureKind::InvalidRequest,
        FailureKind::UnreadableInput,
        FailureKind::UnavailableOperation,
        FailureKind::OutOfFuel,
        FailureKind::OutOfMemory,
        FailureKind::OutOfTime,
        FailureKind::GuestTrap,
        FailureKind::AbiViolation,
    ];

    /// The camelCase name, as in JSON (read from the serde attributes).
    pub fn name(self) -> &'static str {
        crate::wire_name(&self).unwrap_or_default()
    }

    /// The kind named `name` (an `ApiError` or `AksFactsError` kind, a guest fault's);
    /// [`FailureKind::Other`] for a name this build does not know.
    pub fn from_name(name: &str) -> FailureKind {
        FailureKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .unwrap_or(FailureKind::Other)
    }
}

/// An API error's body (an `aksFacts` entry's, a call's `ErrorDocument`): its kind read
/// by name, a kind this build does not know as [`FailureKind::Other`].
impl From<crate::document::ErrorBody> for ClusterFailure {
    fn from(body: crate::document::ErrorBody) -> ClusterFailure {
        ClusterFailure::new(FailureKind::from_name(&body.kind), body.message)
    }
}

impl core::fmt::Display for FailureKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_json_names_and_read_back() {
        for k in FailureKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
            assert_eq!(serde_json::from_str::<FailureKind>(&json).unwrap(), k);
            assert_eq!(FailureKind::from_name(k.name()), k);
        }
        assert_eq!(
            serde_json::from_str::<FailureKind>("\"someNewKind\"").unwrap(),
            FailureKind::Other
        );
        assert_eq!(FailureKind::from_name("someNewKind"), FailureKind::Other);
    }

    #[test]
    fn every_api_and_facts_error_kind_has_its_failure_kind() {
        use crate::api::ApiError;
        use crate::report::AksFactsError;
        // Every kind `ApiError::kind` and `AksFactsError::kind` give (their doc comments
        // list them), read from errors where that is quick to build.
        let named = [
            "unknownOperation",
            "unavailableOperation",
            "inputTooLarge",
            "badInput",
            "invalidScenario",
            "invalidRequest",
            "invalidClusterFacts",
            "invalidPolicy",
            "unreadableInput",
            "missingName",
            "missingResourceGroup",
            "missingCreationDate",
            "badDate",
            "missingKubernetesVersion",
            "badKubernetesVersion",
            "badNodePool",
            "createdAfterNow",
        ];
        let built = [
            ApiError::UnknownOperation(String::new()).kind(),
            ApiError::VerifyUnavailable.kind(),
            ApiError::TooLarge { size: 2, limit: 1 }.kind(),
            AksFactsError::MissingName.kind(),
            AksFactsError::MISSING_CREATION_DATE,
        ];
        for name in named.into_iter().chain(built) {
            assert_ne!(FailureKind::from_name(name), FailureKind::Other, "{name}");
        }
    }
}
