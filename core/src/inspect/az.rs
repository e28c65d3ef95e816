//! `az` output: `az vm|vmss run-command invoke` (full JSON, the `--query
//! 'value[0].message'` JSON string, or `-o tsv` raw text), `az aks show|list -o json` (az's
//! flattened form or the raw ARM body), and ARM long-running-operation status bodies.
//!
//! The run-command message has the shape the Linux RunCommand extension writes:
//! `"Enable succeeded: \n[stdout]\n<stdout>\n[stderr]\n<stderr>"`; its stdout is inspected
//! again (it usually holds `notAfter=…` from `openssl x509 -noout -enddate`).

use crate::VecMap;
use crate::substring::contains;

use serde_json::Value;

use super::InputKind;
use super::error::InspectError;
use super::model::{AzCluster, NodePoolFacts, OperationStatus, RunCommandReport};
use super::{Builder, read_text, sniff};
use crate::explain;
use crate::policy::Policy;
use crate::time::Instant;

/// Which JSON this is, judged from its keys (cheap: no parse).
pub(crate) fn sniff_json(t: &str) -> InputKind {
    let has = |needle| contains(t, needle);
    if has("\"message\"") && has("\"value\"") && !has("\"agentPoolProfiles\"") {
        InputKind::AzRunCommand
    } else if has("\"agentPoolProfiles\"") || has("managedClusters") || has("\"responses\"") {
        InputKind::AksCluster
    } else if has("\"status\"") {
        InputKind::ArmOperation
    } else {
        InputKind::AksCluster
    }
}

fn parse_json(t: &str) -> Result<Value, InspectError> {
    crate::json_de::from_str(t).map_err(|e| {
        // Syntax messages describe the grammar, never quote the input.
        InspectError::Json {
            line: e.line(),
            column: e.column(),
            reason: e.message().to_string(),
        }
    })
}

fn s(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(x) => Some(x.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn tags(v: &Value) -> VecMap<String, String> {
    // Collected with one sort (n - 1 comparisons when the keys arrive in order, as a
    // `serde_json::Map` gives them), whatever order they come in.
    v.get("tags")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            (k.clone(), text)
        })
        .collect()
}

fn resource_group_from_id(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split('/').collect();
    parts
        .iter()
        .position(|p| p.eq_ignore_ascii_case("resourceGroups"))
        .and_then(|i| parts.get(i + 1))
        .map(|s| (*s).to_string())
}

fn cluster_facts(v: &Value) -> AzCluster {
    let props = v.get("properties").filter(|p| p.is_object());
    let p = props.unwrap_or(v);
    let pools = p
        .get("agentPoolProfiles")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|pool| {
                    let pp = pool
                        .get("properties")
                        .filter(|x| x.is_object())
                        .unwrap_or(pool);
                    let tags = tags(pp);
                    let opt_out = Policy::default().opts_out_of_kscr(&tags);
                    NodePoolFacts {
                        name: s(pool, "name").unwrap_or_default(),
                        mode: s(pp, "mode"),
                        os_type: s(pp, "osType"),
                        os_sku: s(pp, "osSku").or_else(|| s(pp, "osSKU")),
                        count: pp.get("count").and_then(Value::as_u64),
                        count_given: pp
                            .get("count")
                            .filter(|c| !c.is_null() && c.as_u64().is_none())
                            .map(|c| c.to_string().chars().take(40).collect()),
                        orchestrator_version: s(pp, "orchestratorVersion"),
                        current_orchestrator_version: s(pp, "currentOrchestratorVersion"),
                        node_image_version: s(pp, "nodeImageVersion"),
                        provisioning_state: s(pp, "provisioningState"),
                        power_state: pp.get("powerState").and_then(|x| s(x, "code")),
                        snapshot_id: pp
                            .get("creationData")
                            .and_then(|x| s(x, "sourceResourceId")),
                        tags,
                        kubelet_serving_rotation_opt_out: opt_out,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    AzCluster {
        name: s(v, "name"),
        resource_group: s(v, "resourceGroup")
            .or_else(|| s(v, "id").as_deref().and_then(resource_group_from_id)),
        location: s(v, "location"),
        kubernetes_version: s(p, "kubernetesVersion"),
        current_kubernetes_version: s(p, "currentKubernetesVersion"),
        provisioning_state: s(p, "provisioningState"),
        power_state: p.get("powerState").and_then(|x| s(x, "code")),
        enable_rbac: p
            .get("enableRbac")
            .or_else(|| p.get("enableRBAC"))
            .and_then(Value::as_bool),
        fqdn: s(p, "fqdn"),
        node_resource_group: s(p, "nodeResourceGroup"),
        tags: tags(v),
        node_pools: pools,
        arm_form: props.is_some(),
        created_at: v.get("systemData").and_then(|x| s(x, "createdAt")),
        last_modified_at: v.get("systemData").and_then(|x| s(x, "lastModifiedAt")),
    }
}

fn is_cluster(v: &Value) -> bool {
    v.get("agentPoolProfiles").is_some()
        || v.get("properties").is_some_and(|p| {
            p.get("agentPoolProfiles").is_some() || p.get("kubernetesVersion").is_some()
        })
        || v.get("kubernetesVersion").is_some()
}

/// The items of a list (`az aks list` prints an array, ARM `{"value": [...]}`) that are
/// clusters, and the positions of those that are not.
fn listed_clusters(items: &[Value]) -> (Vec<&Value>, Vec<usize>) {
    let mut clusters = Vec::new();
    let mut skipped = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if is_cluster(item) {
            clusters.push(item);
        } else {
            skipped.push(i);
        }
    }
    (clusters, skipped)
}

/// The clusters of an `az aks show|list -o json` document, in order, as [`read_json`]
/// lists them in an inspection (so that cluster `i` of one is cluster `i` of the other).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AksClusterList {
    /// Each cluster's facts.
    pub clusters: Vec<AzCluster>,
    /// Positions of list items that are not clusters (skipped).
    pub skipped: Vec<usize>,
}

/// The clusters a JSON value holds — `az aks list` (an array), an ARM list (`value`),
/// `az aks show` or an ARM body, an ARM API example (the 200 response's body) — or, when
/// it holds none, what it is instead.
pub(crate) fn aks_clusters(v: &Value) -> Result<AksClusterList, String> {
    let items = match v {
        Value::Array(items) => Some(items),
        Value::Object(obj) => match obj.get("value") {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    };
    if let Some(items) = items {
        let (clusters, skipped) = listed_clusters(items);
        return Ok(AksClusterList {
            clusters: clusters.into_iter().map(cluster_facts).collect(),
            skipped,
        });
    }
    // An azure-rest-api-specs example: the cluster is the body of the 200 response.
    let body = v
        .get("responses")
        .and_then(|r| r.get("200"))
        .and_then(|r| r.get("body"));
    match (v, body) {
        (_, Some(body)) if is_cluster(body) => Ok(AksClusterList {
            clusters: vec![cluster_facts(body)],
            skipped: Vec::new(),
        }),
        (Value::Object(_), _) if is_cluster(v) => Ok(AksClusterList {
            clusters: vec![cluster_facts(v)],
            skipped: Vec::new(),
        }),
        (Value::Object(_), _) => Err(
            "a JSON object with neither `agentPoolProfiles` nor `kubernetesVersion` (flattened or under `properties`), nor a `value` list".into(),
        ),
        (other, _) => Err(format!("a JSON {}", json_type(other))),
    }
}

/// `aks_clusters` of JSON text (a leading byte-order mark is ignored). The outer error is
/// a syntax error; the inner one says what the JSON is instead of a cluster list.
pub(crate) fn aks_clusters_text(t: &str) -> Result<Result<AksClusterList, String>, InspectError> {
    let v = parse_json(t.strip_prefix('\u{feff}').unwrap_or(t))?;
    Ok(aks_clusters(&v))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn add_cluster(v: &Value, b: &mut Builder<'_>) {
    // Inspection reads output without a scenario: AKS's documented rules apply.
    let policy = Policy::default();
    let c = cluster_facts(v);
    let name = c.name.clone().unwrap_or_else(|| "(unnamed)".into());
    match c.provisioning_state.as_deref() {
        Some("RotatingClusterCertificates") => b.attention(format!(
            "cluster {name} is rotating its certificates (RotatingClusterCertificates): expect {}",
            explain::rotate_certs_downtime(&policy)
        )),
        Some("Failed") => b.attention(format!(
            "cluster {name} is in provisioning state Failed; if a certificate rotation failed, run `az aks rotate-certs` again"
        )),
        _ => {}
    }
    if c.power_state.as_deref() == Some("Stopped") {
        b.note(explain::stopped_cluster(&policy, &name));
    }
    for pool in c
        .node_pools
        .iter()
        .filter(|p| p.kubelet_serving_rotation_opt_out)
    {
        b.note(explain::opt_out_tagged(&policy, &pool.name));
    }
    b.doc_mut().clusters.push(c);
}

fn instant(v: &Value, key: &str) -> Option<Instant> {
    s(v, key).and_then(|t| Instant::parse(&t).ok())
}

/// Read `az aks show|list -o json`, ARM bodies, ARM API examples or operation statuses.
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read_json(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let v = parse_json(t)?;
    match &v {
        Value::Array(items) => {
            for item in listed_clusters(items).0 {
                add_cluster(item, b);
            }
        }
        Value::Object(obj) => {
            if let Some(Value::Array(items)) = obj.get("value") {
                if items.iter().any(|i| i.get("message").is_some()) {
                    return read_run_command(t, b);
                }
                for item in listed_clusters(items).0 {
                    add_cluster(item, b);
                }
            } else if let Some(resp) = obj.get("responses") {
                // An azure-rest-api-specs example: the request and the possible responses.
                let op = s(&v, "operationId").unwrap_or_else(|| "an ARM operation".into());
                let codes: Vec<String> = resp
                    .as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                b.note(format!(
                    "ARM API example of {op}: responses {}",
                    codes.join(", ")
                ));
                match resp.get("200").and_then(|r| r.get("body")) {
                    Some(body) if is_cluster(body) => add_cluster(body, b),
                    _ => {
                        b.doc_mut().input_kind = InputKind::ArmOperation;
                        if let Some(loc) = resp
                            .get("202")
                            .and_then(|r| r.get("headers"))
                            .and_then(|h| s(h, "location"))
                        {
                            b.note(format!("202 Accepted: poll the operation at {loc}; 204 No Content when done"));
                        }
                    }
                }
            } else if is_cluster(&v) {
                add_cluster(&v, b);
            } else if let Some(status) = s(&v, "status") {
                b.doc_mut().input_kind = InputKind::ArmOperation;
                let op = OperationStatus {
                    name: s(&v, "name"),
                    status: status.clone(),
                    start_time: instant(&v, "startTime"),
                    end_time: instant(&v, "endTime"),
                    error_code: v.get("error").and_then(|e| s(e, "code")),
                };
                if status == "Failed" || status == "Canceled" {
                    b.attention(format!(
                        "ARM operation {} ended {status}",
                        op.name.as_deref().unwrap_or("")
                    ));
                }
                b.doc_mut().operations.push(op);
            }
        }
        _ => {}
    }
    if !b.has_findings() && b.doc_mut().notes.is_empty() {
        return Err(InspectError::Unrecognized {
            hint: ": JSON without AKS cluster, run-command or operation fields".into(),
        });
    }
    Ok(())
}

/// Split a run-command message into (enable succeeded, stdout, stderr).
fn split_message(msg: &str) -> (bool, String, String) {
    let msg = msg.replace("\r\n", "\n");
    let enable = msg.trim_start().starts_with("Enable succeeded");
    let after = msg
        .split_once("[stdout]\n")
        .map_or(msg.as_str(), |(_, r)| r)
        .to_string();
    let (stdout, stderr) = match after.rsplit_once("[stderr]") {
        Some((out, err)) => (
            out.to_string(),
            err.strip_prefix('\n').unwrap_or(err).to_string(),
        ),
        None => (after, String::new()),
    };
    let stdout = stdout.strip_suffix('\n').unwrap_or(&stdout).to_string();
    (enable, stdout, stderr)
}

/// Read run-command output in any of its three forms.
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read_run_command(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let trimmed = t.trim();
    let (form, code, display, message) = if trimmed.starts_with('{') {
        let v = parse_json(trimmed)?;
        let values = v
            .get("value")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // Windows returns two entries, ComponentStatus/StdOut and ComponentStatus/StdErr.
        let find = |needle: &str| {
            values
                .iter()
                .find(|x| s(x, "code").is_some_and(|c| c.contains(needle)))
        };
        let message = match (find("StdOut"), find("StdErr")) {
            (Some(o), e) => format!(
                "[stdout]\n{}\n[stderr]\n{}",
                s(o, "message").unwrap_or_default(),
                e.and_then(|e| s(e, "message")).unwrap_or_default()
            ),
            _ => values
                .first()
                .and_then(|x| s(x, "message"))
                .ok_or_else(|| InspectError::ToolOutput {
                    tool: "az run-command invoke".into(),
                    line: 1,
                    reason: "JSON without value[0].message".into(),
                })?,
        };
        let first = values.first();
        (
            "json",
            first.and_then(|x| s(x, "code")),
            first.and_then(|x| s(x, "displayStatus")),
            message,
        )
    } else if trimmed.starts_with('"') {
        let m: String = crate::json_de::from_str(trimmed).map_err(|e| InspectError::Json {
            line: e.line(),
            column: e.column(),
            reason: "not a single JSON string (the output of --query 'value[0].message')".into(),
        })?;
        ("message", None, None, m)
    } else {
        ("tsv", None, None, t.to_string())
    };
    let (enable, stdout, stderr) = split_message(&message);
    let stderr_shown = if stderr.contains("PRIVATE KEY") {
        b.secret("privateKey", "az run-command stderr".into());
        Some("(stderr holds a private key; not shown)".to_string())
    } else if stderr.trim().is_empty() {
        None
    } else {
        Some(stderr.lines().take(20).collect::<Vec<_>>().join("\n"))
    };
    if let Some(first) = stderr.lines().find(|l| !l.trim().is_empty())
        && !stderr.contains("PRIVATE KEY")
    {
        b.attention(format!("the command on the node wrote to stderr: {first}"));
    }
    let mut stdout_kind = None;
    if !stdout.trim().is_empty() {
        match sniff(&stdout).filter(|k| *k != InputKind::AzRunCommand) {
            Some(kind) => {
                stdout_kind = Some(kind);
                let saved = std::mem::replace(&mut b.prefix, "az run-command stdout".into());
                let r = read_text(&stdout, kind, b);
                b.prefix = saved;
                if let Err(e) = r {
                    b.part_error("az run-command stdout".into(), e);
                }
            }
            None => b.note(format!(
                "the command's stdout ({} lines) holds no certificate or known tool output",
                stdout.lines().count()
            )),
        }
    }
    b.doc_mut().run_command = Some(RunCommandReport {
        form: form.into(),
        code,
        display_status: display,
        enable_succeeded: enable,
        stdout_lines: stdout.lines().count(),
        stderr: stderr_shown,
        stdout_kind,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_split_follows_the_extension_format() {
        let (ok, out, err) = split_message(
            "Enable succeeded: \n[stdout]\nnotAfter=Mar 12 10:15:42 2027 GMT\n\n[stderr]\n",
        );
        assert!(ok);
        assert_eq!(out, "notAfter=Mar 12 10:15:42 2027 GMT\n");
        assert_eq!(err, "");
        assert_eq!(
            resource_group_from_id("/subscriptions/x/resourcegroups/rg1/providers/y").as_deref(),
            Some("rg1")
        );
    }
}
