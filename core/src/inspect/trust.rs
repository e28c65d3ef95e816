//! Trust checks: does this CA verify this certificate, and will a kubeconfig still work
//! against an API server?
//!
//! Signatures are checked with the RustCrypto crates (RSA PKCS#1 v1.5 and PSS with SHA-2,
//! ECDSA P-256 / P-384, Ed25519). The failure messages follow Go's `crypto/x509`, because
//! that is what kubectl prints: after `az aks rotate-certs` an old kubeconfig fails with
//! `x509: certificate signed by unknown authority (possibly because of "crypto/rsa:
//! verification error" while trying to verify candidate authority certificate "ca")`.

use super::dn::hex_lower;
use super::model::{CertRef, TrustCheckItem, TrustReport};
use super::x509::ParsedCert;
use crate::time::Instant;

pub(crate) use super::signature::{SigCheck, verify_signature};

/// How strict path validation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Profile {
    /// What Go's crypto/x509 (and so kubectl) enforces.
    Kubectl,
    /// Kubectl plus RFC 5280's MUSTs on the certificates themselves (AKI/SKI presence and
    /// criticality, critical basicConstraints on CAs, serial numbers, non-empty names).
    Rfc5280,
    /// Rfc5280 plus the CA/Browser Forum rules webpki applies (v3 only, no CA as leaf,
    /// root AKI constraints).
    WebPki,
}

/// Parameters of one path validation.
#[derive(Debug, Clone)]
pub(crate) struct PathOptions<'a> {
    pub now: Instant,
    pub profile: Profile,
    /// At most this many intermediates (self-issued ones not counted).
    pub max_intermediates: Option<usize>,
    /// A DNS name or IP the leaf must be valid for.
    pub peer_name: Option<&'a str>,
}

fn validity_error(c: &ParsedCert<'_>, now: Instant) -> Option<String> {
    if now > c.not_after {
        Some(format!(
            "x509: certificate has expired or is not yet valid: current time {now} is after {}",
            c.not_after
        ))
    } else if now < c.not_before {
        Some(format!(
            "x509: certificate has expired or is not yet valid: current time {now} is before {}",
            c.not_before
        ))
    } else {
        None
    }
}

/// RFC 5280 / CABF rules on a single certificate in a path, beyond what Go checks.
fn profile_defects(c: &ParsedCert<'_>, profile: Profile, position: Position) -> Option<String> {
    if !c.unknown_critical.is_empty() {
        return Some(format!(
            "x509: unhandled critical extension ({})",
            c.unknown_critical.join(", ")
        ));
    }
    if c.duplicate_extension {
        return Some("x509: certificate contains duplicate extensions".into());
    }
    if profile == Profile::Kubectl {
        return None;
    }
    if c.tbs_sig_alg != c.sig_alg {
        return Some(
            "signature algorithm in TBSCertificate differs from the outer one (RFC 5280 §4.1.1.2)"
                .into(),
        );
    }
    let s = c.serial;
    // "At most 20 octets" counts the magnitude; a sign octet 0x00 may make 21 encoded.
    let magnitude_len = s.len() - usize::from(s.len() > 1 && s[0] == 0);
    // Trust anchors are trusted by configuration, not validated: old roots (Starfield's,
    // serial 0) are still in use.
    if position != Position::Anchor
        && (s[0] & 0x80 != 0 || s.iter().all(|&b| b == 0) || magnitude_len > 20)
    {
        return Some(
            "serial number is not a positive integer of at most 20 octets (RFC 5280 §4.1.2.2)"
                .into(),
        );
    }
    if c.issuer.dn.is_empty() {
        return Some("empty issuer name (RFC 5280 §4.1.2.4)".into());
    }
    let is_ca = c.is_ca();
    if is_ca && c.subject.dn.is_empty() {
        return Some("CA certificate with an empty subject (RFC 5280 §4.1.2.6)".into());
    }
    let ext = |oid: &str| c.extensions.iter().find(|e| e.oid == oid);
    if ext("2.5.29.35").is_some_and(|e| e.critical) {
        return Some("critical authorityKeyIdentifier (RFC 5280 §4.2.1.1)".into());
    }
    if ext("2.5.29.14").is_some_and(|e| e.critical) {
        return Some("critical subjectKeyIdentifier (RFC 5280 §4.2.1.2)".into());
    }
    let self_issued = c.self_issued();
    if c.authority_key_id.is_none() && !self_issued {
        return Some("missing authorityKeyIdentifier keyIdentifier (RFC 5280 §4.2.1.1)".into());
    }
    if is_ca && c.subject_key_id.is_none() {
        return Some("CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)".into());
    }
    if position != Position::Leaf {
        match &c.basic_constraints {
            None => {
                return Some("CA certificate without basicConstraints (RFC 5280 §4.2.1.9)".into());
            }
            Some(bc) if !bc.critical => {
                return Some(
                    "CA certificate with non-critical basicConstraints (RFC 5280 §4.2.1.9)".into(),
                );
            }
            _ => {}
        }
    }
    if profile == Profile::WebPki {
        if c.version != 3 {
            return Some(format!("v{} certificate (CABF requires v3)", c.version));
        }
        if position == Position::Leaf
            && (is_ca
                || c.key_usage
                    .as_ref()
                    .is_some_and(|k| k.contains(&"keyCertSign")))
        {
            return Some("CA certificate in the leaf position (CABF 7.1.2.7)".into());
        }
        if position == Position::Anchor && ext("2.5.29.35").is_some() {
            if c.aki_has_issuer_serial {
                return Some("root authorityKeyIdentifier has authorityCertIssuer/SerialNumber (CABF 7.1.2.1.3)".into());
            }
            match (&c.authority_key_id, &c.subject_key_id) {
                (None, _) => {
                    return Some(
                        "root authorityKeyIdentifier without keyIdentifier (CABF 7.1.2.1.3)".into(),
                    );
                }
                (Some(a), Some(s)) if a != s => {
                    return Some("root authorityKeyIdentifier differs from its subjectKeyIdentifier (CABF 7.1.2.1.3)".into());
                }
                _ => {}
            }
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Leaf,
    Intermediate,
    Anchor,
}

/// Can `issuer` act as a CA at all (basicConstraints and keyUsage)?
fn ca_error(issuer: &ParsedCert<'_>, position: Position) -> Option<String> {
    let v1_anchor = position == Position::Anchor && issuer.version == 1;
    if !issuer.is_ca() && !v1_anchor {
        return Some(format!(
            "x509: {} \"{}\" is not a CA (basicConstraints cA is not set)",
            if position == Position::Anchor {
                "trust anchor"
            } else {
                "intermediate"
            },
            issuer.subject.cn.as_deref().unwrap_or(&issuer.subject.dn)
        ));
    }
    if !issuer.allows_key_usage("keyCertSign") {
        return Some(format!(
            "x509: \"{}\" may not sign certificates (keyUsage lacks keyCertSign)",
            issuer.subject.cn.as_deref().unwrap_or(&issuer.subject.dn)
        ));
    }
    None
}

/// Whether a DNS name (or IP literal) matches the leaf's subjectAltName, as Go does.
pub(crate) fn name_error(leaf: &ParsedCert<'_>, host: &str) -> Option<String> {
    let host = host.trim_end_matches('.');
    if let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<core::net::IpAddr>()
    {
        let ip = ip.to_string();
        if leaf.sans.ip.is_empty() {
            return Some(format!(
                "x509: cannot validate certificate for {ip} because it doesn't contain any IP SANs"
            ));
        }
        if leaf.sans.ip.contains(&ip) {
            return None;
        }
        return Some(format!(
            "x509: certificate is valid for {}, not {ip}",
            leaf.sans.ip.join(", ")
        ));
    }
    let host_l = host.to_ascii_lowercase();
    let matches = |pattern: &str| {
        let p = pattern.trim_end_matches('.').to_ascii_lowercase();
        if let Some(suffix) = p.strip_prefix("*.") {
            host_l
                .split_once('.')
                .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix)
        } else {
            p == host_l
        }
    };
    if leaf.sans.dns.iter().any(|d| matches(d)) {
        return None;
    }
    if leaf.sans.dns.is_empty() {
        return Some(
            "x509: certificate relies on legacy Common Name field, use SANs instead".into(),
        );
    }
    Some(format!(
        "x509: certificate is valid for {}, not {host}",
        leaf.sans.dns.join(", ")
    ))
}

/// The result of path validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathResult {
    /// A valid path to an anchor was found.
    pub ok: bool,
    /// Why not (the most specific failure met while searching).
    pub error: Option<String>,
}

/// Build and check a path from `leaf` through `intermediates` (any order, may contain
/// decoys and cycles) to one of `anchors`. Depth-first, bounded by the intermediate count
/// and a small work budget, so a pathological pool cannot make it run away.
pub(crate) fn verify_path(
    leaf: &ParsedCert<'_>,
    intermediates: &[ParsedCert<'_>],
    anchors: &[ParsedCert<'_>],
    opts: &PathOptions<'_>,
) -> PathResult {
    let fail = |e: String| PathResult {
        ok: false,
        error: Some(e),
    };
    if let Some(e) = validity_error(leaf, opts.now) {
        return fail(e);
    }
    if let Some(e) = profile_defects(leaf, opts.profile, Position::Leaf) {
        return fail(e);
    }
    if let Some(name) = opts.peer_name
        && let Some(e) = name_error(leaf, name)
    {
        return fail(e);
    }
    let mut search = Search {
        intermediates,
        anchors,
        opts,
        budget: 10_000,
        last_error: None,
    };
    let mut used = Vec::new();
    if search.extend(leaf, &mut used, 0) {
        PathResult {
            ok: true,
            error: None,
        }
    } else {
        fail(
            search
                .last_error
                .unwrap_or_else(|| "x509: certificate signed by unknown authority".into()),
        )
    }
}

struct Search<'s, 'a> {
    intermediates: &'s [ParsedCert<'a>],
    anchors: &'s [ParsedCert<'a>],
    opts: &'s PathOptions<'s>,
    budget: u32,
    last_error: Option<String>,
}

impl<'a> Search<'_, 'a> {
    /// Try to finish a path whose current end is `child`. `used` holds the intermediates
    /// already on the path; `below` counts the non-self-issued intermediates under `child`.
    fn extend(&mut self, child: &ParsedCert<'a>, used: &mut Vec<usize>, below: usize) -> bool {
        if self.budget == 0 {
            self.last_error = Some("path building gave up: too many candidate paths".into());
            return false;
        }
        self.budget -= 1;
        let now = self.opts.now;
        for anchor in self.anchors {
            if anchor.subject_der != child.issuer_der {
                continue;
            }
            if let Some(e) = self.link_error(child, anchor, Position::Anchor, below) {
                self.last_error = Some(e);
                continue;
            }
            if let Some(e) = validity_error(anchor, now) {
                self.last_error = Some(e);
                continue;
            }
            return true;
        }
        for (i, ica) in self.intermediates.iter().enumerate() {
            if used.contains(&i) || ica.subject_der != child.issuer_der || std::ptr::eq(ica, child)
            {
                continue;
            }
            if ica.der == child.der {
                continue;
            }
            if let Some(e) = self.link_error(child, ica, Position::Intermediate, below) {
                self.last_error = Some(e);
                continue;
            }
            if let Some(e) = validity_error(ica, now) {
                self.last_error = Some(e);
                continue;
            }
            let counts = !ica.self_issued();
            let next_below = below + usize::from(counts);
            if let Some(max) = self.opts.max_intermediates
                && next_below > max
            {
                self.last_error = Some(format!("path needs more than {max} intermediates"));
                continue;
            }
            used.push(i);
            if self.extend(ica, used, next_below) {
                return true;
            }
            used.pop();
        }
        if self.last_error.is_none() {
            self.last_error = Some("x509: certificate signed by unknown authority".into());
        }
        false
    }

    fn link_error(
        &self,
        child: &ParsedCert<'_>,
        issuer: &ParsedCert<'_>,
        pos: Position,
        below: usize,
    ) -> Option<String> {
        if let Some(e) = ca_error(issuer, pos) {
            return Some(e);
        }
        if let Some(e) = profile_defects(issuer, self.opts.profile, pos) {
            return Some(e);
        }
        if let Some(pl) = issuer.basic_constraints.as_ref().and_then(|b| b.path_len)
            && below > usize::from(pl)
        {
            return Some(format!(
                "x509: too many intermediates for path length constraint {pl} of \"{}\"",
                issuer.subject.cn.as_deref().unwrap_or(&issuer.subject.dn)
            ));
        }
        match verify_signature(issuer.spki, child.sig_alg, child.tbs, child.signature) {
            SigCheck::Valid => None,
            SigCheck::Invalid(e)
            | SigCheck::Unsupported(e)
            | SigCheck::NotTried(e)
            | SigCheck::Predicted(e) => Some(format!(
                "x509: certificate signed by unknown authority (possibly because of \"{e}\" while trying to verify candidate authority certificate \"{}\")",
                candidate_name(issuer)
            )),
        }
    }
}

/// How Go names a candidate CA in errors: its CN, else its serial.
fn candidate_name(c: &ParsedCert<'_>) -> String {
    match c.subject.cn.as_deref() {
        Some(cn) if !cn.is_empty() => cn.to_string(),
        _ => format!("serial:{}", hex_lower(c.serial)),
    }
}

/// Context of a [`trust_report_with_signature`].
pub(crate) struct TrustContext<'a> {
    pub ca_ref: CertRef,
    pub cert_ref: CertRef,
    pub kubeconfig_cluster: Option<&'a str>,
    pub server: Option<&'a str>,
    pub tls_server_name: Option<&'a str>,
    pub insecure_skip_tls_verify: bool,
    /// The kubeconfig's client certificates for this cluster.
    pub clients: Vec<ClientCheck<'a>>,
}

/// A kubeconfig user's client certificate, as judged against one cluster CA.
pub(crate) struct ClientCheck<'a> {
    /// The user's name.
    pub user: &'a str,
    /// The client certificate.
    pub cert: ParsedCert<'a>,
    /// The CA's key verifies the client certificate (checked once per CA and client).
    pub issued_by_ca: bool,
    /// Why kubectl cannot use `client-key-data` with this certificate, in its words, if
    /// so. Never quotes the key.
    pub key_problem: Option<String>,
}

/// Host of a kubeconfig `server` URL (`https://host:443/path` → `host`).
pub(crate) fn server_host(server: &str) -> Option<&str> {
    let rest = server.split_once("://").map_or(server, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        authority
            .split_once(']')
            .map_or(authority, |(h, _)| h.trim_start_matches('['))
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                authority
            }
        })
    };
    (!host.is_empty()).then_some(host)
}

/// "Does `ca` verify `cert`?" with each check spelled out, and for a kubeconfig, "will
/// it work against this server?" — including the error kubectl would print. `sig` is the
/// signature verdict of `ca`'s key over `cert` (see `Verifier::for_report`): signature
/// checks are the expensive part of inspection, so the caller makes each at most once.
pub(crate) fn trust_report_with_signature(
    ca: &ParsedCert<'_>,
    cert: &ParsedCert<'_>,
    now: Instant,
    ctx: TrustContext<'_>,
    sig: SigCheck,
) -> TrustReport {
    let mut checks = Vec::new();
    let mut kubectl: Option<String> = None;
    let first_fail = |e: String, k: &mut Option<String>| {
        if k.is_none() {
            *k = Some(e);
        }
    };
    let mut item = |check: &str, ok: Option<bool>, detail: String| {
        checks.push(TrustCheckItem {
            check: check.into(),
            ok,
            detail,
        });
    };

    // Go checks the leaf's validity first, then builds the chain, then the host name.
    match validity_error(cert, now) {
        None => item(
            "certificateValidity",
            Some(true),
            format!("valid {} to {}", cert.not_before, cert.not_after),
        ),
        Some(e) => {
            item(
                "certificateValidity",
                Some(false),
                format!(
                    "not valid at {now}: {} to {}",
                    cert.not_before, cert.not_after
                ),
            );
            first_fail(e, &mut kubectl);
        }
    }
    let name_ok = ca.subject_der == cert.issuer_der;
    item(
        "issuerName",
        Some(name_ok),
        if name_ok {
            format!("issuer `{}` is the CA's subject", cert.issuer.dn)
        } else {
            format!(
                "issuer `{}` is not the CA's subject `{}`",
                cert.issuer.dn, ca.subject.dn
            )
        },
    );
    match (&cert.authority_key_id, &ca.subject_key_id) {
        (Some(a), Some(s)) => item(
            "keyIdentifier",
            Some(a == s),
            if a == s {
                "authorityKeyIdentifier matches the CA's subjectKeyIdentifier".into()
            } else {
                format!(
                    "authorityKeyIdentifier {} differs from the CA's subjectKeyIdentifier {} (a different CA key, e.g. after a rotation)",
                    super::dn::hex_colon_upper(a),
                    super::dn::hex_colon_upper(s)
                )
            },
        ),
        _ => item(
            "keyIdentifier",
            None,
            "not both present; not compared".into(),
        ),
    }
    match &sig {
        SigCheck::Valid => item(
            "signature",
            Some(true),
            format!(
                "{} signature verifies with the CA's key",
                cert_sig_name(cert)
            ),
        ),
        SigCheck::Invalid(e) => item(
            "signature",
            Some(false),
            format!(
                "{} signature does not verify with the CA's key: {e}",
                cert_sig_name(cert)
            ),
        ),
        SigCheck::Unsupported(e) => item("signature", Some(false), format!("cannot check: {e}")),
        SigCheck::NotTried(why) => item(
            "signature",
            None,
            format!("not verified: {why}, so this CA cannot have signed it"),
        ),
        SigCheck::Predicted(e) => item(
            "signature",
            Some(false),
            format!(
                "not verified: the key identifiers show another key signed it, so {} verification with the CA's key fails ({e})",
                cert_sig_name(cert)
            ),
        ),
    }
    if !name_ok {
        first_fail(
            "x509: certificate signed by unknown authority".into(),
            &mut kubectl,
        );
    } else if let SigCheck::Invalid(e) | SigCheck::Unsupported(e) | SigCheck::Predicted(e) = &sig {
        first_fail(
            format!(
                "x509: certificate signed by unknown authority (possibly because of \"{e}\" while trying to verify candidate authority certificate \"{}\")",
                candidate_name(ca)
            ),
            &mut kubectl,
        );
    }
    match ca_error(ca, Position::Anchor) {
        None => item(
            "basicConstraints",
            Some(true),
            if ca.is_ca() {
                "the CA has cA=TRUE".into()
            } else {
                "v1 certificate accepted as a trust anchor".into()
            },
        ),
        Some(e) => {
            item("basicConstraints", Some(false), e.clone());
            first_fail(e, &mut kubectl);
        }
    }
    match validity_error(ca, now) {
        None => item(
            "caValidity",
            Some(true),
            format!("CA valid {} to {}", ca.not_before, ca.not_after),
        ),
        Some(e) => {
            item(
                "caValidity",
                Some(false),
                format!(
                    "CA not valid at {now}: {} to {}",
                    ca.not_before, ca.not_after
                ),
            );
            first_fail(e, &mut kubectl);
        }
    }
    if !cert.unknown_critical.is_empty() {
        let e = format!(
            "x509: unhandled critical extension ({})",
            cert.unknown_critical.join(", ")
        );
        item("criticalExtensions", Some(false), e.clone());
        first_fail(e, &mut kubectl);
    }
    let is_kubeconfig = ctx.kubeconfig_cluster.is_some();
    if is_kubeconfig {
        if let Some(eku) = &cert.extended_key_usage
            && !eku
                .iter()
                .any(|e| e == "serverAuth" || e == "anyExtendedKeyUsage")
        {
            let e = "x509: certificate specifies an incompatible key usage".to_string();
            item(
                "extendedKeyUsage",
                Some(false),
                format!("no serverAuth in {}", eku.join(", ")),
            );
            first_fail(e, &mut kubectl);
        }
        let host = ctx
            .tls_server_name
            .or_else(|| ctx.server.and_then(server_host));
        match host {
            Some(h) => match name_error(cert, h) {
                None => item(
                    "hostname",
                    Some(true),
                    format!("the certificate is valid for `{h}`"),
                ),
                Some(e) => {
                    item("hostname", Some(false), e.clone());
                    first_fail(e, &mut kubectl);
                }
            },
            None => item("hostname", None, "no server host to compare".into()),
        }
        for ClientCheck {
            user,
            cert: client,
            issued_by_ca,
            key_problem,
        } in &ctx.clients
        {
            let mut problems = Vec::new();
            if let Some(e) = validity_error(client, now) {
                problems.push(e);
            }
            if !issued_by_ca {
                problems.push("not issued by this CA key, so the API server (which trusts the same cluster CA) will not accept it".into());
            }
            if let Some(e) = key_problem {
                problems.push(format!("client-key-data cannot be used with it: {e}"));
            }
            if problems.is_empty() {
                item(
                    "clientCertificate",
                    Some(true),
                    format!(
                        "user `{user}`: client certificate valid until {} and issued by this CA",
                        client.not_after
                    ),
                );
            } else {
                item(
                    "clientCertificate",
                    Some(false),
                    format!("user `{user}`: {}", problems.join("; ")),
                );
                if let Some(go) = key_problem {
                    // kubectl loads the key pair before it connects: this error comes first.
                    kubectl = Some(format!("error: {go}"));
                } else if kubectl.is_none() {
                    kubectl =
                        Some("error: You must be logged in to the server (Unauthorized)".into());
                }
            }
        }
    }
    let mut trusted = checks.iter().all(|c| c.ok != Some(false));
    let mut verdict = if trusted {
        if is_kubeconfig {
            format!(
                "yes: kubeconfig cluster `{}` trusts this API server certificate",
                ctx.kubeconfig_cluster.unwrap_or_default()
            )
        } else {
            "yes: the CA verifies this certificate".to_string()
        }
    } else if is_kubeconfig {
        format!(
            "no: kubectl with kubeconfig cluster `{}` would fail",
            ctx.kubeconfig_cluster.unwrap_or_default()
        )
    } else {
        "no: the CA does not verify this certificate".to_string()
    };
    if is_kubeconfig && ctx.insecure_skip_tls_verify {
        checks.push(TrustCheckItem {
            check: "insecureSkipTlsVerify".into(),
            ok: None,
            detail: "insecure-skip-tls-verify is set: kubectl does not verify the server certificate at all".into(),
        });
        if !trusted
            && checks
                .iter()
                .all(|c| c.check == "clientCertificate" || c.ok != Some(false))
        {
            trusted = true;
            verdict = "yes, but only because insecure-skip-tls-verify disables server verification"
                .into();
            kubectl = None;
        }
    }
    let kubectl_error = if trusted {
        None
    } else {
        kubectl.map(|e| {
            if e.starts_with("error:") {
                e
            } else {
                format!("Unable to connect to the server: {e}")
            }
        })
    };
    TrustReport {
        kind: if is_kubeconfig {
            "kubeconfigAgainstServer"
        } else {
            "caVerifiesCertificate"
        }
        .into(),
        ca: ctx.ca_ref,
        certificate: ctx.cert_ref,
        kubeconfig_cluster: ctx.kubeconfig_cluster.map(str::to_string),
        server: ctx.server.map(str::to_string),
        trusted,
        checks,
        kubectl_error,
        verdict,
    }
}

fn cert_sig_name<'c>(c: &'c ParsedCert<'_>) -> &'c str {
    super::x509::signature_algorithm_name(&c.sig_alg_oid).unwrap_or(&c.sig_alg_oid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_hosts() {
        assert_eq!(
            server_host("https://myaks-dns-1a2b3c.hcp.westeurope.azmk8s.io:443"),
            Some("myaks-dns-1a2b3c.hcp.westeurope.azmk8s.io")
        );
        assert_eq!(server_host("https://10.0.0.1"), Some("10.0.0.1"));
        assert_eq!(server_host("https://[::1]:6443/x"), Some("::1"));
        assert_eq!(server_host("https://"), None);
    }
}
