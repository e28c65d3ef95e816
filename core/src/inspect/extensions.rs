//! Reading a certificate's extensions into facts. The common ones in their plain
//! canonical form are read straight from their DER ([`super::ext_der`]); anything else is
//! decoded strictly ([`super::strict::ext`]), and each failure is a warning naming the
//! defect and where it is.

use std::borrow::Cow;

use super::der_walk::oid_text;
use super::ext_der::{self, AltName};
use super::model::{BasicConstraintsInfo, SanInfo};
use super::strict::Malformed;
use super::strict::ext as ext_strict;
use super::x509::{Ext, ParsedCert};
use crate::json_ser::push_digits;

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

/// An iPAddress name as `Ipv4Addr`/`Ipv6Addr` display it (RFC 5952 for IPv6: lowercase,
/// the longest run of two or more zero groups, the first of equals, as `::`; an
/// IPv4-mapped address as `::ffff:a.b.c.d`), written here rather than through `core::fmt`'s
/// address printers (2 KB of WebAssembly). The tests compare it with std's.
fn format_ip(bytes: &[u8]) -> Option<String> {
    let dotted = |out: &mut String, v4: &[u8]| {
        for (i, b) in v4.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            push_digits(out, u128::from(*b), 10);
        }
    };
    let mut out = String::with_capacity(39);
    match bytes.len() {
        4 => dotted(&mut out, bytes),
        16 => {
            let groups: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|g| u16::from_be_bytes([g[0], g[1]]))
                .collect();
            if groups[..5] == [0; 5] && groups[5] == 0xffff {
                out.push_str("::ffff:");
                dotted(&mut out, &bytes[12..]);
                return Some(out);
            }
            // The longest run of zero groups (the first, among equals).
            let (mut best, mut best_len, mut start, mut len) = (0, 0, 0, 0);
            for (i, &g) in groups.iter().enumerate() {
                if g != 0 {
                    len = 0;
                    continue;
                }
                if len == 0 {
                    start = i;
                }
                len += 1;
                if len > best_len {
                    (best, best_len) = (start, len);
                }
            }
            let hex = |out: &mut String, part: &[u16]| {
                for (i, &g) in part.iter().enumerate() {
                    if i > 0 {
                        out.push(':');
                    }
                    push_digits(out, u128::from(g), 16);
                }
            };
            if best_len > 1 {
                hex(&mut out, &groups[..best]);
                out.push_str("::");
                hex(&mut out, &groups[best + best_len..]);
            } else {
                hex(&mut out, &groups);
            }
        }
        _ => return None,
    }
    Some(out)
}

/// A strictly decoded extension value, or `None` with a warning naming the defect.
fn strict<T>(decoded: Result<T, Malformed>, name: &str, warnings: &mut Vec<String>) -> Option<T> {
    match decoded {
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
                    strict(
                        ext_strict::basic_constraints(ext.value),
                        "basicConstraints",
                        w,
                    )
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
                let read = ext_der::key_usage(ext.value)
                    .or_else(|| strict(ext_strict::key_usage(ext.value), "keyUsage", w));
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
                } else if let Some(eku) = strict(
                    ext_strict::extended_key_usage(ext.value),
                    "extendedKeyUsage",
                    w,
                ) {
                    if eku.is_empty() {
                        w.push("extendedKeyUsage is empty".into());
                    }
                    p.extended_key_usage = Some(
                        eku.into_iter()
                            .map(|o| eku_name(oid_text(o).unwrap_or_default()))
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
                    strict(ext_strict::alt_names(ext.value), "subjectAltName", w)
                {
                    if san.is_empty() {
                        w.push("subjectAltName is empty (RFC 5280: SIZE (1..MAX))".into());
                    }
                    for name in san.into_iter().flatten() {
                        push_alt_name(&mut p.sans, w, name);
                    }
                }
            }
            // What the subjectAltName fast reader accepts, the strict one reads without a word.
            "2.5.29.18" if ext_der::subject_alt_name(ext.value).is_some() => {}
            "2.5.29.18" => {
                strict(ext_strict::alt_names(ext.value), "issuerAltName", w);
            }
            "2.5.29.14" => {
                if let Some(id) = ext_der::subject_key_identifier(ext.value) {
                    p.subject_key_id = Some(id.to_vec());
                } else if let Some(ski) = strict(
                    ext_strict::subject_key_identifier(ext.value),
                    "subjectKeyIdentifier",
                    w,
                ) {
                    p.subject_key_id = Some(ski.to_vec());
                }
            }
            "2.5.29.35" => {
                if let Some(id) = ext_der::authority_key_identifier(ext.value) {
                    p.authority_key_id = Some(id.to_vec());
                    p.aki_has_issuer_serial = false;
                } else if let Some((key_id, issuer_serial)) = strict(
                    ext_strict::authority_key_identifier(ext.value),
                    "authorityKeyIdentifier",
                    w,
                ) {
                    p.authority_key_id = key_id.map(<[u8]>::to_vec);
                    p.aki_has_issuer_serial = issuer_serial;
                }
            }
            "2.5.29.30" if ext_der::plain_name_constraints(ext.value) => {}
            "2.5.29.30" => {
                if let Some(nc) = strict(
                    ext_strict::name_constraints(ext.value),
                    "nameConstraints",
                    w,
                ) {
                    for len in nc.ip_lengths {
                        if !matches!(len, 8 | 32) {
                            w.push(format!(
                                "nameConstraints iPAddress has {len} bytes (must be 8 or 32: address and mask)"
                            ));
                        }
                    }
                    if nc.empty {
                        w.push("nameConstraints is empty".into());
                    }
                }
            }
            "2.5.29.32" if ext_der::plain_certificate_policies(ext.value) => {}
            "2.5.29.32" => {
                if let Some(cp) = strict(
                    ext_strict::certificate_policies(ext.value),
                    "certificatePolicies",
                    w,
                ) {
                    if cp.empty_qualifiers {
                        w.push("certificatePolicies has an empty policyQualifiers sequence".into());
                    }
                    if cp.qualifier_missing {
                        w.push(
                            "certificatePolicies has a PolicyQualifierInfo without its qualifier"
                                .into(),
                        );
                    }
                }
            }
            "2.5.29.36" => {
                if let Some((None, None)) = strict(
                    ext_strict::policy_constraints(ext.value),
                    "policyConstraints",
                    w,
                ) {
                    w.push("policyConstraints is an empty sequence (RFC 5280 forbids it)".into());
                }
            }
            "2.5.29.31" if ext_der::plain_crl_distribution_points(ext.value) => {}
            "2.5.29.31" => {
                strict(
                    ext_strict::crl_distribution_points(ext.value),
                    "cRLDistributionPoints",
                    w,
                );
            }
            "1.3.6.1.5.5.7.1.1" if ext_der::plain_authority_info_access(ext.value) => {}
            "1.3.6.1.5.5.7.1.1" => {
                strict(
                    ext_strict::authority_info_access(ext.value),
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

#[cfg(test)]
mod tests {
    use super::format_ip;
    use proptest::prelude::*;

    fn std_ip(bytes: &[u8]) -> Option<String> {
        match bytes.len() {
            4 => Some(core::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()),
            16 => Some(core::net::Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).to_string()),
            _ => None,
        }
    }

    #[test]
    fn addresses_read_as_std_writes_them() {
        let mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1];
        let compatible = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1];
        let mut loopback = [0u8; 16];
        loopback[15] = 1;
        for bytes in [
            &[0u8; 16][..],
            &loopback,
            &mapped,
            &compatible,
            &[10, 0, 0, 255],
            &[1, 2, 3],
        ] {
            assert_eq!(format_ip(bytes), std_ip(bytes), "{bytes:?}");
        }
        assert_eq!(format_ip(&mapped).unwrap(), "::ffff:192.0.2.1");
    }

    proptest! {
        /// Groups drawn mostly from zero, so that runs of every length and position (and
        /// ties between runs) occur.
        #[test]
        fn ipv6_as_std(groups in proptest::collection::vec(prop_oneof![3 => Just(0u16), 1 => any::<u16>(), 1 => Just(0xffff)], 8)) {
            let bytes: Vec<u8> = groups.iter().flat_map(|g| g.to_be_bytes()).collect();
            prop_assert_eq!(format_ip(&bytes), std_ip(&bytes));
        }
    }
}
