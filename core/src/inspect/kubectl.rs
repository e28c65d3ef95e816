//! `kubectl get csr` and `kubectl get nodes -L …` tables.
//!
//! kubectl prints with a tabwriter (kubernetes/cli-runtime's printers): every column starts at the
//! header word's position, and an empty cell (a node without the label) is blank. So cells
//! are cut at header positions, not split on whitespace.

use crate::VecMap;
use crate::substring::contains;

use super::Builder;
use super::error::InspectError;
use super::model::{CsrRow, NodeRow};
use super::text::numbered_lines;

/// Header words and their start columns (byte offsets; kubectl output is ASCII).
fn header_columns(line: &str) -> Vec<(String, usize)> {
    let mut cols = Vec::new();
    let mut in_word = false;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            cols.push((String::new(), i));
        }
        if in_word && let Some(last) = cols.last_mut() {
            last.0.push(c);
        }
    }
    cols
}

/// Cut a row at the header's column positions; falls back to whitespace splitting when
/// the row does not line up (hand-edited or non-ASCII text).
fn cells(line: &str, cols: &[(String, usize)]) -> Vec<String> {
    let aligned = line.is_ascii()
        && cols.iter().skip(1).all(|(_, start)| {
            // Each column must start at a word boundary in this row.
            line.len() <= *start || line.as_bytes()[start - 1] == b' '
        });
    if !aligned {
        return line.split_whitespace().map(str::to_string).collect();
    }
    cols.iter()
        .enumerate()
        .map(|(i, (_, start))| {
            let end = cols.get(i + 1).map_or(line.len(), |c| c.1);
            line.get((*start).min(line.len())..end.min(line.len()))
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .collect()
}

fn col(cols: &[(String, usize)], name: &str) -> Option<usize> {
    cols.iter().position(|(n, _)| n == name)
}

/// Whether the text holds a `kubectl get csr` header.
pub(crate) fn looks_like_csr(t: &str) -> bool {
    t.lines()
        .any(|l| l.starts_with("NAME") && contains(l, "REQUESTOR") && contains(l, "CONDITION"))
}

/// Whether the text holds a `kubectl get nodes` header.
pub(crate) fn looks_like_nodes(t: &str) -> bool {
    t.lines().any(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        w.len() >= 5 && w[0] == "NAME" && w[1] == "STATUS" && w.contains(&"VERSION")
    })
}

fn none_to_null(s: &str) -> Option<String> {
    match s {
        "" | "<none>" | "none" => None,
        other => Some(other.to_string()),
    }
}

/// Read `kubectl get csr` (also `oc get csr`, which has no REQUESTEDDURATION column).
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read_csr(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let mut header: Option<Vec<(String, usize)>> = None;
    for (n, line) in numbered_lines(t) {
        if line.starts_with("NAME") && line.contains("CONDITION") {
            header = Some(header_columns(line));
            continue;
        }
        let Some(cols) = &header else { continue };
        if line.trim().is_empty()
            || line.starts_with('$')
            || line.contains("kubectl ")
            || line.contains("oc get")
        {
            // A prompt or blank line ends the table; the next header starts another.
            header = None;
            continue;
        }
        let c = cells(line, cols);
        let get = |name: &str| {
            col(cols, name)
                .and_then(|i| c.get(i))
                .cloned()
                .unwrap_or_default()
        };
        let name = get("NAME");
        let condition = get("CONDITION");
        let requestor = get("REQUESTOR");
        if name.is_empty() || condition.is_empty() || requestor.is_empty() {
            return Err(InspectError::ToolOutput {
                tool: "kubectl get csr".into(),
                line: n,
                reason: "row has an empty NAME, REQUESTOR or CONDITION cell".into(),
            });
        }
        let signer = none_to_null(&get("SIGNERNAME"));
        let parts: Vec<&str> = condition.split(',').collect();
        let issued = parts.contains(&"Issued");
        let flag = if signer.as_deref() == Some("kubernetes.io/kubelet-serving")
            && !(parts.contains(&"Approved") && issued)
        {
            Some(if parts.contains(&"Denied") {
                format!(
                    "kubelet-serving CSR from {requestor} was denied: that node has no serving certificate from the cluster CA"
                )
            } else if parts.contains(&"Failed") {
                format!(
                    "kubelet-serving CSR from {requestor} is {condition}: signing failed; the node keeps no valid serving certificate"
                )
            } else if parts.contains(&"Approved") {
                format!("kubelet-serving CSR from {requestor} is approved but not issued yet")
            } else {
                format!(
                    "kubelet-serving CSR from {requestor} is {condition}: this signer is never auto-approved by kube-controller-manager; approve it (kubectl certificate approve {name}) or kubectl logs/exec to that node fail with `tls: internal error`; pending CSRs are deleted after 24 h"
                )
            })
        } else {
            None
        };
        b.doc_mut().csrs.push(CsrRow {
            line: n,
            name,
            age: get("AGE"),
            signer_name: signer,
            requestor,
            requested_duration: none_to_null(&get("REQUESTEDDURATION")),
            condition,
            issued,
            flag,
        });
    }
    if b.doc_mut().csrs.is_empty() {
        return Err(InspectError::ToolOutput {
            tool: "kubectl get csr".into(),
            line: 1,
            reason: "a NAME … CONDITION header but no rows".into(),
        });
    }
    Ok(())
}

/// Node pool from an AKS node name: `aks-<pool>-<digits>-vmss<suffix>` (or `-vms<n>`).
fn pool_from_name(name: &str) -> Option<String> {
    let rest = name.strip_prefix("aks-")?;
    let parts: Vec<&str> = rest.split('-').collect();
    if parts.len() >= 3
        && parts[parts.len() - 2].chars().all(|c| c.is_ascii_digit())
        && parts[parts.len() - 1].starts_with("vms")
    {
        Some(parts[..parts.len() - 2].join("-"))
    } else {
        None
    }
}

/// Read `kubectl get nodes [-L key]…`.
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read_nodes(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    const FIXED: [&str; 5] = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    // The policy's KSCR label, as `kubectl -L` shows it, and its value with KSCR on.
    let kscr_column = crate::explain::kscr_label_column(b.policy());
    let kscr_on = crate::explain::kscr_label_value(b.policy()).to_string();
    let mut header: Option<Vec<(String, usize)>> = None;
    for (n, line) in numbered_lines(t) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"NAME") && words.get(1) == Some(&"STATUS") {
            header = Some(header_columns(line));
            continue;
        }
        let Some(cols) = &header else { continue };
        if line.trim().is_empty() || line.starts_with('$') {
            header = None;
            continue;
        }
        let c = cells(line, cols);
        if c.len() < 5 {
            return Err(InspectError::ToolOutput {
                tool: "kubectl get nodes".into(),
                line: n,
                reason: format!(
                    "row has {} cells; expected at least NAME STATUS ROLES AGE VERSION",
                    c.len()
                ),
            });
        }
        let get = |name: &str| {
            col(cols, name)
                .and_then(|i| c.get(i))
                .cloned()
                .unwrap_or_default()
        };
        // Collected (one sort per row), not inserted one by one: the header's columns
        // are in any order, and each insert in the middle would move the rest.
        let labels: VecMap<String, String> = cols
            .iter()
            .enumerate()
            .filter(|(_, (h, _))| !FIXED.contains(&h.as_str()))
            .map(|(i, (h, _))| (h.clone(), c.get(i).cloned().unwrap_or_default()))
            .collect();
        let name = get("NAME");
        let serving_rotation = labels.get(&kscr_column).map(|v| *v == kscr_on);
        let node_pool = labels
            .get("AGENTPOOL")
            .filter(|v| !v.is_empty())
            .cloned()
            .or_else(|| pool_from_name(&name));
        b.doc_mut().nodes.push(NodeRow {
            line: n,
            name,
            status: get("STATUS"),
            roles: none_to_null(&get("ROLES")),
            age: get("AGE"),
            version: get("VERSION"),
            node_pool,
            labels,
            serving_rotation,
        });
    }
    if b.doc_mut().nodes.is_empty() {
        return Err(InspectError::ToolOutput {
            tool: "kubectl get nodes".into(),
            line: 1,
            reason: "a NAME STATUS … header but no rows".into(),
        });
    }
    let without: Vec<String> = b
        .doc_mut()
        .nodes
        .iter()
        .filter(|n| n.serving_rotation == Some(false))
        .map(|n| n.name.clone())
        .collect();
    if !without.is_empty() {
        let lifetime = crate::explain::lifetime(b.policy().self_signed_serving_lifetime);
        b.note(format!(
            "kubelet serving certificate rotation is off on {} node(s): {} (they serve a self-signed {lifetime} certificate)",
            without.len(),
            without.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_from_aks_node_names() {
        assert_eq!(
            pool_from_name("aks-nodepool1-12345678-vmss000000").as_deref(),
            Some("nodepool1")
        );
        assert_eq!(
            pool_from_name("aks-hostedpool-16652789-vms1").as_deref(),
            Some("hostedpool")
        );
        assert_eq!(pool_from_name("master-1"), None);
    }

    #[test]
    fn cells_keep_empty_columns() {
        let h = header_columns("NAME   ZONE   X");
        assert_eq!(cells("a             y", &h), vec!["a", "", "y"]);
    }
}
