//! The fleet's totals and orders, folded in the engine as a streamed report's clusters
//! arrive (`foldCluster`: `akscert_core::report::fleet_fold`): with `--engine wasm` the
//! module adds each cluster up and places its row and open actions in the fleet's
//! orders, so the report holds keys it sorts by without knowing the rule.

use akscert_core::api::{Op, pack_fold, packed_input, unpack_folded};
use akscert_core::engine::{ClusterSummary, SummaryShare};
use akscert_core::report::fleet::FleetRow;
use akscert_core::report::fleet_fold::{
    ClusterPlaces, FleetTotals, FoldCluster, FoldClusterRequest,
};

use super::{Engine, EngineError, GuestFault, WasmWorker, refused, wasm};

/// A fleet being added up, one cluster at a time, in the engine. The totals stay here,
/// in the host, and go in and out with each call: the module holds nothing between calls.
pub struct FleetFold {
    totals: FleetTotals,
    /// The module instance that folds (none: natively).
    guest: Option<Box<WasmWorker>>,
}

impl Engine {
    /// A fold for one report's fleet (with the wasm engine, its own instance).
    pub fn fleet_fold(&self) -> Result<FleetFold, EngineError> {
        let guest = match self {
            Engine::Native(_) => None,
            Engine::Wasm(w) => Some(Box::new(w.worker()?)),
        };
        Ok(FleetFold {
            totals: FleetTotals::default(),
            guest,
        })
    }
}

impl FleetFold {
    /// Add the cluster of `row`, with its run's `summary` (`None`: the run failed): its
    /// row's and its open actions' places in the fleet's orders. A fault ends the fold
    /// (the cluster's share of the totals would be lost).
    pub fn add(
        &mut self,
        row: &FleetRow,
        summary: Option<&ClusterSummary>,
    ) -> Result<ClusterPlaces, GuestFault> {
        let Some(guest) = &mut self.guest else {
            return Ok(self.totals.add_summary(row.place(), summary));
        };
        // The totals go in with the request and come back with the answer.
        let req = FoldClusterRequest {
            totals: std::mem::take(&mut self.totals),
            cluster: FoldCluster {
                index: row.index,
                name: row.name.clone(),
                resource_group: row.resource_group.clone(),
                urgency: row.urgency,
                next_due: row.next_due,
                summary: summary.map(SummaryShare::of),
            },
        };
        let input = packed_input(&pack_fold(&req));
        let bytes = guest
            .call_bytes(Op::FoldCluster, &input)?
            .map_err(refused)?;
        let folded = unpack_folded(&bytes).map_err(|e| wasm::abi(e.to_string()))?;
        self.totals = folded.totals;
        Ok(ClusterPlaces {
            row: folded.row,
            actions: folded.actions,
        })
    }

    /// The totals of the clusters added so far.
    pub fn totals(&self) -> &FleetTotals {
        &self.totals
    }
}
