//! kubeconfig files: every cluster's `certificate-authority-data`, every user's
//! `client-certificate-data`, with cluster, context and user names.
//!
//! The YAML is read (by the small reader in `yaml.rs`) into a generic tree, never into typed fields, so that a
//! value of an unexpected type cannot produce a serde error that quotes it: a token or key
//! must never appear in an error message. `client-key-data`, `token`, `password` and
//! auth-provider configs are only checked for presence.

use super::Builder;
use super::classify::Hint;
use super::error::InspectError;
use super::keypair::KeyProblem;
use super::model::{
    Inspection, KubeconfigCluster, KubeconfigContext, KubeconfigReport, KubeconfigUser,
};
use super::text::base64_decode;
use super::yaml::{self, Node};
use crate::substring;

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Node::Scalar(s) => Some(s.clone()),
            _ => None,
        }
    }
    fn items(&self, key: &str) -> &[Node] {
        match self.get(key) {
            Some(Node::Seq(v)) => v,
            _ => &[],
        }
    }
    fn present(&self, key: &str) -> bool {
        match self.get(key) {
            None | Some(Node::Null) => false,
            Some(Node::Scalar(s)) => !s.trim().is_empty(),
            Some(_) => true,
        }
    }
}

/// Whether the text looks like a kubeconfig.
pub(crate) fn looks_like(t: &str) -> bool {
    let mut score = 0;
    for line in t.lines().take(2_000) {
        let l = line.trim_end();
        if l == "kind: Config" {
            score += 2;
        }
        if l.starts_with("clusters:")
            || l.starts_with("users:")
            || l.starts_with("contexts:")
            || l.starts_with("current-context:")
        {
            score += 1;
        }
    }
    score >= 2
}

/// Remove every secret value found by a plain text scan from `msg`. A belt-and-braces
/// guard for parser messages, which are already rendered without snippets.
fn scrub(msg: &str, text: &str) -> String {
    let mut out = msg.to_string();
    for line in text.lines() {
        let mut l = line.trim();
        while let Some(rest) = l.strip_prefix("- ") {
            l = rest;
        }
        for key in [
            "client-key-data:",
            "token:",
            "password:",
            "access-token:",
            "refresh-token:",
            "id-token:",
            "client-secret:",
        ] {
            if let Some(v) = l.strip_prefix(key) {
                let v = v.trim().trim_matches(['"', '\'']);
                if v.len() >= 3 && substring::contains(&out, v) {
                    out = substring::replace(&out, v, "<redacted>");
                }
            }
        }
    }
    out
}

fn parse_yaml(t: &str) -> Result<Node, InspectError> {
    yaml::parse(t).map_err(|e| match e {
        // The reader's reasons name constructs, never values; scrub anyway.
        InspectError::Yaml {
            line,
            column,
            reason,
        } => InspectError::Yaml {
            line,
            column,
            reason: scrub(&reason, t),
        },
        other => other,
    })
}

/// Read a kubeconfig into the builder.
#[inline(never)] // kept out of `inspect::read_text`: see there
pub(crate) fn read(t: &str, b: &mut Builder<'_>) -> Result<(), InspectError> {
    let root = parse_yaml(t)?;
    if !matches!(root, Node::Map(_)) {
        return Err(InspectError::Yaml {
            line: 1,
            column: 1,
            reason: "a kubeconfig must be a YAML mapping".into(),
        });
    }
    let mut report = KubeconfigReport {
        current_context: root.str("current-context").filter(|s| !s.is_empty()),
        ..KubeconfigReport::default()
    };
    for (i, entry) in root.items("clusters").iter().enumerate() {
        let name = entry.str("name").unwrap_or_else(|| format!("#{}", i + 1));
        let mut c = KubeconfigCluster {
            name: name.clone(),
            ..KubeconfigCluster::default()
        };
        if let Some(body) = entry.get("cluster") {
            c.server = body.str("server");
            c.tls_server_name = body.str("tls-server-name");
            c.insecure_skip_tls_verify = body
                .str("insecure-skip-tls-verify")
                .is_some_and(|v| v.eq_ignore_ascii_case("true"));
            c.certificate_authority_file = body.str("certificate-authority");
            if let Some(data) = body
                .str("certificate-authority-data")
                .filter(|d| !d.trim().is_empty())
            {
                let what = format!("cluster `{name}` certificate-authority-data");
                match base64_decode(&data, &what)
                    .and_then(|bytes| b.add_cert_bytes(&bytes, &what, Hint::KubeconfigCa(&name)))
                {
                    Ok(idx) => c.ca_certificates = idx,
                    Err(e) => {
                        c.error = Some(e.to_string());
                        b.part_error(b.loc(&what), e);
                    }
                }
            }
        }
        report.clusters.push(c);
    }
    for (i, entry) in root.items("users").iter().enumerate() {
        let name = entry.str("name").unwrap_or_else(|| format!("#{}", i + 1));
        let mut u = KubeconfigUser {
            name: name.clone(),
            ..KubeconfigUser::default()
        };
        if let Some(body) = entry.get("user") {
            u.client_certificate_file = body.str("client-certificate");
            u.username = body.str("username");
            u.exec_command = body.get("exec").and_then(|e| e.str("command"));
            u.auth_provider = body.get("auth-provider").and_then(|a| a.str("name"));
            let key_data = body.str("client-key-data").filter(|d| !d.trim().is_empty());
            for (key, kind, field) in [
                ("client-key-data", "privateKey", 0),
                ("client-key", "privateKeyFile", 3),
                ("token", "token", 1),
                ("tokenFile", "tokenFile", 4),
                ("password", "password", 2),
            ] {
                if body.present(key) {
                    let loc = b.loc(format!("user `{name}` {key}"));
                    match field {
                        0 => {
                            u.client_key = Some("present (redacted)".into());
                            b.secret(kind, loc);
                        }
                        1 => {
                            u.token = Some("present (redacted)".into());
                            b.secret(kind, loc);
                        }
                        2 => {
                            u.password = Some("present (redacted)".into());
                            b.secret(kind, loc);
                        }
                        // File paths are not secrets; note that a key file is referenced.
                        _ => {
                            if field == 3 {
                                u.client_key =
                                    Some(format!("file {}", body.str(key).unwrap_or_default()));
                            }
                        }
                    }
                }
            }
            if body
                .get("auth-provider")
                .is_some_and(|a| a.present("config"))
            {
                b.secret(
                    "authProviderConfig",
                    b.loc(format!("user `{name}` auth-provider config")),
                );
            }
            if let Some(data) = body
                .str("client-certificate-data")
                .filter(|d| !d.trim().is_empty())
            {
                let what = format!("user `{name}` client-certificate-data");
                match base64_decode(&data, &what).and_then(|bytes| {
                    b.add_cert_bytes(&bytes, &what, Hint::KubeconfigClient(&name))
                }) {
                    Ok(idx) => u.client_certificates = idx,
                    Err(e) => {
                        u.error = Some(e.to_string());
                        b.part_error(b.loc(&what), e);
                    }
                }
            }
            if let (Some(key), Some(&first)) = (&key_data, u.client_certificates.first()) {
                match client_key_problem(b, key, first) {
                    Some(KeyProblem::Unusable(e)) => {
                        b.attention(format!(
                            "kubeconfig user `{name}`: client-key-data is not usable with its client certificate; kubectl fails before connecting: {e}"
                        ));
                        u.client_key_error = Some(e);
                    }
                    Some(KeyProblem::NotChecked(why)) => {
                        b.note(format!("kubeconfig user `{name}`: {why}"));
                    }
                    None => {}
                }
            }
        }
        report.users.push(u);
    }
    for (i, entry) in root.items("contexts").iter().enumerate() {
        let body = entry.get("context");
        report.contexts.push(KubeconfigContext {
            name: entry.str("name").unwrap_or_else(|| format!("#{}", i + 1)),
            cluster: body.and_then(|c| c.str("cluster")),
            user: body.and_then(|c| c.str("user")),
            namespace: body.and_then(|c| c.str("namespace")),
        });
    }
    let names = |v: Vec<&str>, what: &str, b: &mut Builder<'_>| {
        let mut sorted = v.clone();
        crate::sort::sort(&mut sorted);
        for w in sorted.windows(2) {
            if w[0] == w[1] {
                b.note(format!(
                    "{what} `{}` is defined more than once (kubectl uses the first)",
                    w[0]
                ));
            }
        }
    };
    names(
        report.clusters.iter().map(|c| c.name.as_str()).collect(),
        "cluster",
        b,
    );
    names(
        report.users.iter().map(|c| c.name.as_str()).collect(),
        "user",
        b,
    );
    names(
        report.contexts.iter().map(|c| c.name.as_str()).collect(),
        "context",
        b,
    );
    if let Some(cur) = &report.current_context
        && !report.contexts.iter().any(|c| &c.name == cur)
    {
        b.note(format!("current-context `{cur}` names no context"));
    }
    if report.clusters.is_empty() && report.users.is_empty() && report.contexts.is_empty() {
        b.note("the kubeconfig has no clusters, users or contexts");
    }
    b.doc_mut().kubeconfig = Some(report);
    Ok(())
}

/// Check the key against the certificate at `cert_index` (already read into the builder).
fn client_key_problem(b: &Builder<'_>, key: &str, cert_index: usize) -> Option<KeyProblem> {
    let der = b.doc.raw.get(cert_index)?;
    let (cert, _) = super::x509::reparse_certificate(der).ok()?;
    super::keypair::check_client_key(key, cert.spki).err()
}

/// (user name, certificate index, `client-key-data` problem) of every client certificate
/// used with `cluster` by some context.
pub(crate) fn clients_for_cluster(
    doc: &Inspection,
    cluster: &str,
) -> Vec<(String, usize, Option<String>)> {
    let Some(kc) = &doc.kubeconfig else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ctx in kc
        .contexts
        .iter()
        .filter(|c| c.cluster.as_deref() == Some(cluster))
    {
        if let Some(user) = kc.users.iter().find(|u| Some(&u.name) == ctx.user.as_ref()) {
            for &i in &user.client_certificates {
                if !out.iter().any(|(u, j, _)| u == &user.name && *j == i) {
                    out.push((user.name.clone(), i, user.client_key_error.clone()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_errors_never_quote_secrets() {
        let t =
            "users:\n- name: u\n  user:\n    token: sup3rs3cretvalue\n    password: [unclosed\n";
        let e = parse_yaml(t).unwrap_err();
        let msg = e.to_string();
        assert!(!msg.contains("sup3rs3cretvalue"), "{msg}");
        assert!(
            matches!(e, InspectError::Yaml { line, .. } if line >= 4),
            "{e:?}"
        );
    }

    #[test]
    fn generic_tree_accepts_any_types() {
        let n = parse_yaml("clusters: 5\nusers:\n- name: 7\n  user:\n    token: true\n").unwrap();
        assert!(n.items("clusters").is_empty());
        assert_eq!(n.items("users")[0].str("name").as_deref(), Some("7"));
        assert!(n.items("users")[0].get("user").unwrap().present("token"));
    }
}
