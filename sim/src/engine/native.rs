//! The native engine: akscert-core's JSON API called directly, framed exactly as the
//! module's `akscert_call` frames it (result JSON, or an `ErrorDocument`); and, for the
//! hot path, `simulateCluster` on core's types with no JSON at all.

use akscert_core::api::{self, ApiError, ClusterRun, ErrorDocument, Session};
use akscert_core::engine::{self, ClusterTimeline, RunOptions};

use super::Op;

/// One thread's native engine: the API with a session, for the operations on an open
/// scenario (the module keeps one per instance).
#[derive(Debug, Default)]
pub struct NativeWorker {
    session: Session,
    /// The identity of the scenario open in `session`, if any.
    pub(super) opened: Option<u64>,
}

impl NativeWorker {
    /// Run `op` on `input`, framed as [`NativeEngine::call`] frames it.
    pub fn call(&mut self, op: Op, input: &str) -> Result<String, ErrorDocument> {
        self.session
            .call_op(op, input)
            .map_err(|e| ErrorDocument::from(&e))
    }
}

/// akscert-core compiled into this binary.
#[derive(Debug, Clone, Copy, Default)]
pub struct NativeEngine;

impl NativeEngine {
    /// Run `op` on `input`.
    pub fn call(&self, op: Op, input: &str) -> Result<String, ErrorDocument> {
        api::call_op(op, input).map_err(|e| ErrorDocument::from(&e))
    }

    /// `simulateCluster` on the typed request: the same checks, budget and answer as
    /// [`NativeEngine::call`] with [`Op::SimulateCluster`] (serialising the timeline gives
    /// its JSON byte for byte), without encoding the request or decoding the answer.
    pub fn simulate_cluster(&self, run: &ClusterRun) -> Result<ClusterTimeline, ErrorDocument> {
        let fail = |e: ApiError| ErrorDocument::from(&e);
        if run.scenario.clusters.len() != 1 {
            return Err(fail(ApiError::NotOneCluster {
                clusters: run.scenario.clusters.len(),
            }));
        }
        let prepared = run
            .scenario
            .prepare()
            .map_err(|e| fail(ApiError::from(e)))?;
        let options = RunOptions {
            include_events: run.include_events,
            include_certificates: run.include_certificates,
            ..RunOptions::default()
        };
        let mut timeline = engine::simulate_cluster(&prepared, 0, options);
        timeline.index = run.index;
        Ok(timeline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use akscert_core::engine::Scenario;

    fn runs(clusters: usize) -> Vec<ClusterRun> {
        let clusters: Vec<serde_json::Value> = (0..clusters)
            .map(|i| {
                serde_json::json!({
                    "name": format!("c{i}"), "resourceGroup": "rg",
                    "created": format!("20{:02}-03-01T00:00:00Z", 19 + i),
                    "kubernetesVersion": "1.24.0",
                    "nodePools": [ { "name": "system", "count": 2 } ],
                    "kubeconfigs": [ { "holder": "ops" } ]
                })
            })
            .collect();
        let scenario: Scenario = serde_json::from_value(serde_json::json!({
            "apiVersion": "akscert/v1", "kind": "Scenario", "horizon": "12y", "seed": 3,
            "faults": { "upgradeEvery": "300d", "rotateCertsEvery": "700d",
                        "rotateCertsFailureProbability": 0.2,
                        "stops": { "every": "90d", "for": "6d" } },
            "clusters": clusters
        }))
        .expect("scenario shape");
        api::split(&scenario).expect("valid")
    }

    #[test]
    fn the_typed_path_answers_the_json_api_byte_for_byte() {
        let native = NativeEngine;
        for mut run in runs(4) {
            for (include_events, include_certificates) in
                [(true, true), (false, false), (false, true)]
            {
                run.include_events = include_events;
                run.include_certificates = include_certificates;
                let input = serde_json::to_string(&run).expect("serialises");
                let json = native.call(Op::SimulateCluster, &input).expect("simulates");
                let typed = native.simulate_cluster(&run).expect("simulates");
                assert_eq!(serde_json::to_string(&typed).expect("serialises"), json);
            }
        }
    }

    #[test]
    fn the_typed_path_refuses_what_the_json_api_refuses() {
        let native = NativeEngine;
        let mut run = runs(1).remove(0);
        run.scenario.clusters.push(run.scenario.clusters[0].clone());
        let input = serde_json::to_string(&run).expect("serialises");
        let via_json = native.call(Op::SimulateCluster, &input).unwrap_err();
        assert_eq!(native.simulate_cluster(&run).unwrap_err(), via_json);
        run.scenario.clusters.truncate(1);
        run.scenario.clusters[0].name = "bad name".into();
        let input = serde_json::to_string(&run).expect("serialises");
        let via_json = native.call(Op::SimulateCluster, &input).unwrap_err();
        assert_eq!(via_json.error.kind, "invalidScenario");
        assert_eq!(native.simulate_cluster(&run).unwrap_err(), via_json);
    }
}
