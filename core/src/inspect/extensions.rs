//! Reading a certificate's extensions into facts. The common ones in their plain
//! canonical form are read straight from their DER ([`super::ext_der`]); anything else is
//! decoded with x509-cert's typed decoders, and each failure is a warning naming the
//! defect.

use std::borrow::Cow;

use der::Decode;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, ExtendedKeyUsage, KeyUsage,
    NameConstraints, PolicyConstraints, SubjectAltName, SubjectKeyIdentifier, name::GeneralName,
};

use super::der_walk::oid_text;
use super::ext_der::{self, AltName};
use super::model::{BasicConstraintsInfo, SanInfo};
use super::x509::{Ext, ParsedCert};

/// Extensions understood well enough to act on when critical.
const KNOWN_EXTENSIONS: &[&str] = &[
    "2.5.29.14",         // subjectKeyIdentifier
    "2.5.29.15",         // keyUsage
    "2.5.29.17",         // subjectAltName
    "2.5.29.18",         // issuerAltName
    "2.5.29.19",         // basicConstraints
    "2.5.29.30",         // nameConstraints
    "2.5.29.31",         // cRLDistributionPoints
    "2.5.29.32",         // certificatePolicies
    "2.5.29.35",         // authorityKeyIdentifier
    "2.5.29.36",         // policyConstraints
    "2.5.29.37",         // extKeyUsage
    "2.5.29.54",         // inhibitAnyPolicy
    "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
];

const KEY_USAGE_NAMES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

fn eku_name(oid: Cow<'static, str>) -> Cow<'static, str> {
    Cow::Borrowed(match &*oid {
        "1.3.6.1.5.5.7.3.1" => "serverAuth",
        "1.3.6.1.5.5.7.3.2" => "clientAuth",
        "1.3.6.1.5.5.7.3.3" => "codeSigning",
        "1.3.6.1.5.5.7.3.4" => "emailProtection",
        "1.3.6.1.5.5.7.3.8" => "timeStamping",
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning",
        "2.5.29.37.0" => "anyExtendedKeyUsage",
        _ => return oid,
    })
}

fn format_ip(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(core::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            Some(core::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

/// Decode a typed extension value, recording a warning on failure.
fn decode_ext<'a, T: Decode<'a>>(
    value: &'a [u8],
    name: &str,
    warnings: &mut Vec<String>,
) -> Option<T> {
    match T::from_der(value) {
        Ok(v) => Some(v),
        Err(e) => {
            warnings.push(format!("{name} extension is malformed: {e}"));
            None
        }
    }
}

/// Record one subjectAltName entry (from either reader); an address of the wrong length is
/// a warning.
fn push_alt_name(sans: &mut SanInfo, warnings: &mut Vec<String>, name: AltName<'_>) {
    match name {
        AltName::Dns(s) => sans.dns.push(s.to_owned()),
        AltName::Email(s) => sans.email.push(s.to_owned()),
        AltName::Uri(s) => sans.uri.push(s.to_owned()),
        AltName::Ip(bytes) => match format_ip(bytes) {
            Some(ip) => sans.ip.push(ip),
            None => warnings.push(format!(
                "subjectAltName iPAddress has {} bytes (must be 4 or 16)",
                bytes.len()
            )),
        },
    }
}

/// For each extension, whether an earlier one has the same OID. O(n log n).
fn repeated_oids(exts: &[Ext<'_>]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..exts.len()).collect();
    // Stable: among equal OIDs the first in the certificate comes first.
    crate::sort::sort_by(&mut order, |&a, &b| exts[a].oid.cmp(&exts[b].oid));
    let mut repeated = vec![false; exts.len()];
    for pair in order.windows(2) {
        if exts[pair[0]].oid == exts[pair[1]].oid {
            repeated[pair[1]] = true;
        }
    }
    repeated
}

/// Read every extension of `p` into its facts; each defect is a warning on `p`.
pub(super) fn decode_extensions(p: &mut ParsedCert<'_>, exts: &[Ext<'_>]) {
    // Repeated OIDs: a scan of the earlier ones for the usual handful of extensions, one
    // sort for more (a certificate may carry hundreds of thousands; a scan each was
    // quadratic: 200,000 took 28 s).
    let repeats = (exts.len() > 16).then(|| repeated_oids(exts));
    let mut san_critical = false;
    let mut san_present = false;
    let w = &mut p.warnings;
    for (i, ext) in exts.iter().enumerate() {
        let repeated = match &repeats {
            Some(r) => r[i],
            None => exts[..i].iter().any(|e| e.oid == ext.oid),
        };
        if repeated {
            p.duplicate_extension = true;
            w.push(format!("extension {} appears more than once", ext.oid));
        }
        if ext.critical && !KNOWN_EXTENSIONS.contains(&&*ext.oid) {
            p.unknown_critical.push(ext.oid.to_string());
        }
        match &*ext.oid {
            "2.5.29.19" => {
                let read = ext_der::basic_constraints(ext.value).or_else(|| {
                    decode_ext::<BasicConstraints>(ext.value, "basicConstraints", w)
                        .map(|bc| (bc.ca, bc.path_len_constraint))
                });
                if let Some((ca, path_len)) = read {
                    if path_len.is_some() && !ca {
                        w.push("basicConstraints has pathLenConstraint without cA".into());
                    }
                    p.basic_constraints = Some(BasicConstraintsInfo {
                        ca,
                        path_len,
                        critical: ext.critical,
                    });
                }
            }
            "2.5.29.15" => {
                let read = ext_der::key_usage(ext.value).or_else(|| {
                    decode_ext::<KeyUsage>(ext.value, "keyUsage", w).map(|ku| ku.0.bits())
                });
                if let Some(bits) = read {
                    if bits == 0 {
                        w.push("keyUsage has no bits set".into());
                    }
                    p.key_usage = Some(
                        KEY_USAGE_NAMES
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| bits & (1 << i) != 0)
                            .map(|(_, n)| *n)
                            .collect(),
                    );
                }
            }
            "2.5.29.37" => {
                if let Some(purposes) = ext_der::extended_key_usage(ext.value) {
                    p.extended_key_usage = Some(
                        purposes
                            .into_iter()
                            .map(|o| eku_name(Cow::Borrowed(o)))
                            .collect(),
                    );
                } else if let Some(eku) =
                    decode_ext::<ExtendedKeyUsage>(ext.value, "extendedKeyUsage", w)
                {
                    if eku.0.is_empty() {
                        w.push("extendedKeyUsage is empty".into());
                    }
                    p.extended_key_usage = Some(
                        eku.0
                            .iter()
                            .map(|o| eku_name(oid_text(o.as_bytes()).unwrap_or_default()))
                            .collect(),
                    );
                }
            }
            "2.5.29.17" => {
                san_present = true;
                san_critical = ext.critical;
                if let Some(names) = ext_der::subject_alt_name(ext.value) {
                    for name in names {
                        push_alt_name(&mut p.sans, w, name);
                    }
                } else if let Some(san) =
                    decode_ext::<SubjectAltName>(ext.value, "subjectAltName", w)
                {
                    if san.0.is_empty() {
                        w.push("subjectAltName is empty (RFC 5280: SIZE (1..MAX))".into());
                    }
                    for gn in &san.0 {
                        let name = match gn {
                            GeneralName::DnsName(s) => AltName::Dns(s.as_str()),
                            GeneralName::Rfc822Name(s) => AltName::Email(s.as_str()),
                            GeneralName::UniformResourceIdentifier(s) => AltName::Uri(s.as_str()),
                            GeneralName::IpAddress(o) => AltName::Ip(o.as_bytes()),
                            _ => continue,
                        };
                        push_alt_name(&mut p.sans, w, name);
                    }
                }
            }
            // What the subjectAltName fast reader accepts, x509-cert reads without a word.
            "2.5.29.18" if ext_der::subject_alt_name(ext.value).is_some() => {}
            "2.5.29.18" => {
                decode_ext::<SubjectAltName>(ext.value, "issuerAltName", w);
            }
            "2.5.29.14" => {
                if let Some(id) = ext_der::subject_key_identifier(ext.value) {
                    p.subject_key_id = Some(id.to_vec());
                } else if let Some(ski) =
                    decode_ext::<SubjectKeyIdentifier>(ext.value, "subjectKeyIdentifier", w)
                {
                    p.subject_key_id = Some(ski.0.as_bytes().to_vec());
                }
            }
            "2.5.29.35" => {
                if let Some(id) = ext_der::authority_key_identifier(ext.value) {
                    p.authority_key_id = Some(id.to_vec());
                    p.aki_has_issuer_serial = false;
                } else if let Some(aki) =
                    decode_ext::<AuthorityKeyIdentifier>(ext.value, "authorityKeyIdentifier", w)
                {
                    p.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                    p.aki_has_issuer_serial = aki.authority_cert_issuer.is_some()
                        || aki.authority_cert_serial_number.is_some();
                }
            }
            "2.5.29.30" if ext_der::plain_name_constraints(ext.value) => {}
            "2.5.29.30" => {
                if let Some(nc) = decode_ext::<NameConstraints>(ext.value, "nameConstraints", w) {
                    let all = nc
                        .permitted_subtrees
                        .iter()
                        .chain(nc.excluded_subtrees.iter())
                        .flatten();
                    for st in all {
                        if let GeneralName::IpAddress(o) = &st.base
                            && !matches!(o.as_bytes().len(), 8 | 32)
                        {
                            w.push(format!(
                                "nameConstraints iPAddress has {} bytes (must be 8 or 32: address and mask)",
                                o.as_bytes().len()
                            ));
                        }
                    }
                    if nc.permitted_subtrees.is_none() && nc.excluded_subtrees.is_none() {
                        w.push("nameConstraints is empty".into());
                    }
                }
            }
            "2.5.29.32" if ext_der::plain_certificate_policies(ext.value) => {}
            "2.5.29.32" => {
                if let Some(cp) =
                    decode_ext::<CertificatePolicies>(ext.value, "certificatePolicies", w)
                {
                    if cp
                        .0
                        .iter()
                        .any(|pi| pi.policy_qualifiers.as_ref().is_some_and(Vec::is_empty))
                    {
                        w.push("certificatePolicies has an empty policyQualifiers sequence".into());
                    }
                    if cp
                        .0
                        .iter()
                        .flat_map(|pi| pi.policy_qualifiers.iter().flatten())
                        .any(|q| q.qualifier.is_none())
                    {
                        w.push(
                            "certificatePolicies has a PolicyQualifierInfo without its qualifier"
                                .into(),
                        );
                    }
                }
            }
            "2.5.29.36" => {
                if let Some(pc) = decode_ext::<PolicyConstraints>(ext.value, "policyConstraints", w)
                    && pc.require_explicit_policy.is_none()
                    && pc.inhibit_policy_mapping.is_none()
                {
                    w.push("policyConstraints is an empty sequence (RFC 5280 forbids it)".into());
                }
            }
            "2.5.29.31" if ext_der::plain_crl_distribution_points(ext.value) => {}
            "2.5.29.31" => {
                decode_ext::<x509_cert::ext::pkix::CrlDistributionPoints>(
                    ext.value,
                    "cRLDistributionPoints",
                    w,
                );
            }
            "1.3.6.1.5.5.7.1.1" if ext_der::plain_authority_info_access(ext.value) => {}
            "1.3.6.1.5.5.7.1.1" => {
                decode_ext::<x509_cert::ext::pkix::AuthorityInfoAccessSyntax>(
                    ext.value,
                    "authorityInfoAccess",
                    w,
                );
            }
            _ => {}
        }
    }
    if san_present && !san_critical && p.subject.dn.is_empty() {
        w.push("subject is empty but subjectAltName is not critical (RFC 5280 §4.2.1.6)".into());
    }
}
