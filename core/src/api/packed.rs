//! The packed answer to `simulateOpenCluster`: one cluster's run in postcard, for a host
//! that reads it with akscert-core (the CLI's wasm engine running a fleet table).
//!
//! A fleet table reads each cluster's summary and row, never its JSON. Written as JSON by
//! the module and read back by the host, that text was a quarter of the CLI's wasm run
//! (benches/README.md, "Fleet through the CLI's engines"): escaping and number formatting
//! in the guest, field-name matching, date parsing and allocation in the host. postcard
//! writes the same values with no field names, instants and spans as whole seconds (their
//! `Serialize` impls write numbers in formats that are not human-readable), and integers
//! as varints.
//!
//! `foldCluster` takes and answers postcard too ([`pack_fold`], [`unpack_folded`]): the
//! CLI folds each cluster of a fleet it streams into the fleet's totals in the module.
//!
//! Only the host ABI answers packed (`"packed": true`); the JSON faces refuse the flag,
//! since their answers are text. A packed answer carries no events and no certificates
//! (a table prints neither; the request must leave them out).

use serde::{Deserialize, Serialize};

use crate::VecMap;
use crate::cluster::{PowerState, ProvisioningState};
use crate::engine::{
    ActionRecord, ClusterFailure, ClusterSummary, DowntimeSummary, FinalState, IncidentKind,
};
use crate::report::fleet::RowDecision;
use crate::report::fleet_fold::{FoldClusterRequest, FoldedCluster};
use crate::version::KubernetesVersion;

/// One cluster's run as a packed answer: its summary or its failure, and the row decided
/// when the request asked for one. Fields in this order, postcard-encoded (see
/// `wasm/ABI.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackedCluster {
    summary: Option<PackedSummary>,
    error: Option<ClusterFailure>,
    row: Option<RowDecision>,
}

/// A [`ClusterSummary`] with its final state's fields inline, less the certificates: the
/// JSON leaves an empty list of them out (`skip_serializing_if`), which a format without
/// field names cannot read back, and packed answers never carry any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PackedSummary {
    events: u64,
    downtime: DowntimeSummary,
    incidents: VecMap<IncidentKind, u64>,
    actions: Vec<ActionRecord>,
    provisioning_state: ProvisioningState,
    power_state: PowerState,
    kubernetes_version: KubernetesVersion,
    ca_generation: u32,
    autorotation: bool,
}

/// Why packed bytes (an answer, or a scenario to open) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("packed bytes do not decode: {0}")]
pub struct PackedError(String);

/// The postcard bytes of `value` (empty only if memory for them cannot be had:
/// serialising into a growing vector fails on nothing else).
pub(super) fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).unwrap_or_default()
}

/// Read one postcard value that is all of `bytes`: trailing bytes are an error, as
/// trailing text is in JSON.
pub(super) fn take<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, PackedError> {
    match postcard::take_from_bytes(bytes) {
        Ok((value, [])) => Ok(value),
        Ok((_, rest)) => Err(PackedError(format!(
            "{} bytes follow the value",
            rest.len()
        ))),
        Err(e) => Err(PackedError(e.to_string())),
    }
}

impl PackedCluster {
    /// Pack one run: its summary (or failure) and the row decided, if any. The summary's
    /// certificates, if it has any, are not packed.
    pub fn new(
        summary: Option<ClusterSummary>,
        error: Option<ClusterFailure>,
        row: Option<RowDecision>,
    ) -> PackedCluster {
        PackedCluster {
            summary: summary.map(PackedSummary::from),
            error,
            row,
        }
    }

    /// The postcard bytes (empty only if memory for them cannot be had).
    pub fn to_bytes(&self) -> Vec<u8> {
        to_bytes(self)
    }

    /// Read postcard bytes written by [`PackedCluster::to_bytes`]; trailing bytes are an
    /// error, as trailing text is in JSON.
    pub fn from_bytes(bytes: &[u8]) -> Result<PackedCluster, PackedError> {
        take(bytes)
    }

    /// The run's parts: its summary, its failure and its row.
    pub fn into_parts(
        self,
    ) -> (
        Option<ClusterSummary>,
        Option<ClusterFailure>,
        Option<RowDecision>,
    ) {
        (self.summary.map(ClusterSummary::from), self.error, self.row)
    }
}

impl From<ClusterSummary> for PackedSummary {
    fn from(s: ClusterSummary) -> PackedSummary {
        let f = s.final_state;
        PackedSummary {
            events: s.events,
            downtime: s.downtime,
            incidents: s.incidents,
            actions: s.actions,
            provisioning_state: f.provisioning_state,
            power_state: f.power_state,
            kubernetes_version: f.kubernetes_version,
            ca_generation: f.ca_generation,
            autorotation: f.autorotation,
        }
    }
}

impl From<PackedSummary> for ClusterSummary {
    fn from(s: PackedSummary) -> ClusterSummary {
        ClusterSummary {
            events: s.events,
            downtime: s.downtime,
            incidents: s.incidents,
            actions: s.actions,
            final_state: FinalState {
                provisioning_state: s.provisioning_state,
                power_state: s.power_state,
                kubernetes_version: s.kubernetes_version,
                ca_generation: s.ca_generation,
                autorotation: s.autorotation,
                certificates: Vec::new(),
            },
        }
    }
}

/// The postcard bytes of a `foldCluster` request (postcard writes a nested struct's
/// fields in place, and every field of the request in order).
pub fn pack_fold(req: &FoldClusterRequest) -> Vec<u8> {
    to_bytes(req)
}

/// Read a request written by [`pack_fold`]; trailing bytes are an error.
pub fn unpack_fold(bytes: &[u8]) -> Result<FoldClusterRequest, PackedError> {
    take(bytes)
}

/// Read `foldCluster`'s packed answer (the postcard of a [`FoldedCluster`]).
pub fn unpack_folded(bytes: &[u8]) -> Result<FoldedCluster, PackedError> {
    take(bytes)
}

#[cfg(test)]
#[path = "packed_tests.rs"]
mod tests;
