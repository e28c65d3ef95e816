//! Where in a scenario a [`ScenarioError`] points: the JSON path of the value it is about,
//! so that a file reader can name the line (the CLI) and every face reports the same place.

use crate::cluster::SpecError;
use crate::policy::PolicyError;

use super::scenario::{Scenario, ScenarioError};

impl ScenarioError {
    /// The JSON path of the value this error is about in `scenario` (the scenario it was
    /// raised for): `clusters[2].nodePools[1].count`, `policy.autorotationFraction`, `horizon`. A file
    /// reader points at that value's line. Exhaustive on purpose: a new kind of error
    /// must say where it points.
    pub fn path(&self, scenario: &Scenario) -> String {
        match self {
            ScenarioError::Header { path, .. } => (*path).to_string(),
            ScenarioError::Spec { path, source } => {
                let index = path
                    .strip_prefix("clusters[")
                    .and_then(|r| r.strip_suffix(']'))
                    .and_then(|i| i.parse::<usize>().ok());
                let pools = index
                    .and_then(|i| scenario.clusters.get(i))
                    .map(|c| c.node_pools.as_slice())
                    .unwrap_or_default();
                let pool = |name: &str, last: bool| {
                    let mut found = pools.iter().enumerate().filter(|(_, p)| p.name == name);
                    let hit = if last {
                        found.next_back()
                    } else {
                        found.next()
                    };
                    hit.map(|(j, _)| format!(".nodePools[{j}]"))
                        .unwrap_or_else(|| ".nodePools".into())
                };
                let tail = match source {
                    SpecError::BadName { field, value, .. } => match *field {
                        "cluster name" => ".name".to_string(),
                        "resource group" => ".resourceGroup".to_string(),
                        _ => format!("{}.name", pool(value, false)),
                    },
                    SpecError::DuplicatePool { name } => format!("{}.name", pool(name, true)),
                    SpecError::NoNodePools { .. } => ".nodePools".to_string(),
                    SpecError::PoolAboveControlPlane { pool: p, .. } => {
                        format!("{}.kubernetesVersion", pool(p, false))
                    }
                    SpecError::BadCount { pool: p, .. } => format!("{}.count", pool(p, false)),
                    SpecError::CreatedTooEarly { .. } => ".created".to_string(),
                };
                format!("{path}{tail}")
            }
            ScenarioError::Policy(
                PolicyError::BadFraction { field, .. } | PolicyError::BadDuration { field, .. },
            ) => format!("policy.{field}"),
            ScenarioError::DuplicateCluster { path, .. }
            | ScenarioError::BeforeCreation { path, .. }
            | ScenarioError::AfterHorizon { path, .. }
            | ScenarioError::BadTag { path, .. }
            | ScenarioError::UnknownNodePool { path, .. }
            | ScenarioError::RotateDuration { path, .. } => path.clone(),
            ScenarioError::Fault { field, .. } => format!("faults.{field}"),
            ScenarioError::Horizon { .. } => "horizon".to_string(),
            ScenarioError::NoClusters => "clusters".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(pools: serde_json::Value, extra: serde_json::Value) -> Scenario {
        let mut doc = serde_json::json!({
            "apiVersion": "akscert/v1", "kind": "Scenario", "horizon": "5y",
            "clusters": [
                { "name": "a", "resourceGroup": "rg", "created": "2023-01-01",
                  "kubernetesVersion": "1.29", "nodePools": [ { "name": "sys" } ] },
                { "name": "b", "resourceGroup": "rg", "created": "2023-01-01",
                  "kubernetesVersion": "1.29", "nodePools": pools }
            ]
        });
        if let (Some(d), Some(e)) = (doc.as_object_mut(), extra.as_object()) {
            d.extend(e.clone());
        }
        serde_json::from_value(doc).expect("scenario shape")
    }

    fn path_of(s: &Scenario) -> String {
        let e = s.prepare().expect_err("refused");
        e.path(s)
    }

    #[test]
    fn a_refusal_points_at_the_value_it_is_about() {
        let pools = serde_json::json!([{ "name": "sys" }, { "name": "user", "count": 1001 }]);
        assert_eq!(
            path_of(&scenario(pools, serde_json::json!({}))),
            "clusters[1].nodePools[1].count"
        );
        // A duplicate pool: the second of the two.
        let twice = serde_json::json!([{ "name": "x" }, { "name": "y" }, { "name": "x" }]);
        assert_eq!(
            path_of(&scenario(twice, serde_json::json!({}))),
            "clusters[1].nodePools[2].name"
        );
        let fine = serde_json::json!([{ "name": "sys" }]);
        assert_eq!(
            path_of(&scenario(
                fine.clone(),
                serde_json::json!({ "horizon": "2020-01-01" })
            )),
            "horizon"
        );
        assert_eq!(
            path_of(&scenario(
                fine,
                serde_json::json!({ "policy": { "autorotationFraction": 2.0 } })
            )),
            "policy.autorotationFraction"
        );
    }
}
