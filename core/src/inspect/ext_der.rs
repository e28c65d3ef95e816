//! The extensions nearly every certificate carries, read straight from their DER.
//!
//! Decoding basicConstraints, keyUsage, extendedKeyUsage, subjectAltName and the key
//! identifiers with typed decoders was a sixth of a bundle inspection's instructions and
//! allocations. Each reader here accepts only the plain canonical encoding (minimal
//! lengths, the usual choices) and answers `None` for anything else; the caller then
//! decodes strictly ([`super::strict::ext`]), whose verdict and message decide. So the
//! fast path never accepts what the strict decoders (and x509-cert, their reference) would
//! refuse: `tests` checks, for every input a reader answers, that x509-cert decodes the
//! same value. The `plain_*` checks do the same for the extensions akscert only validates
//! (authorityInfoAccess, cRLDistributionPoints, certificatePolicies, nameConstraints):
//! `true` for the usual form, which the strict decoder reads without a warning, so it is
//! not asked.

use super::der_walk::oid_text;

/// One DER TLV with a single-byte tag and a minimally encoded definite length (up to
/// 65,535 bytes): `(tag, value, rest)`.
fn tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = data.split_first()?;
    let (&first, rest) = rest.split_first()?;
    // Tag number 31 means a multi-byte tag: not one of ours.
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81 => match rest.split_first()? {
            (&n, rest) if n >= 0x80 => (usize::from(n), rest),
            _ => return None,
        },
        0x82 => match rest {
            [hi, lo, rest @ ..] if *hi != 0 => (usize::from(*hi) << 8 | usize::from(*lo), rest),
            _ => return None,
        },
        _ => return None,
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The contents of `data` when it is exactly one TLV with tag `want`.
fn only(data: &[u8], want: u8) -> Option<&[u8]> {
    match tlv(data)? {
        (tag, value, []) if tag == want => Some(value),
        _ => None,
    }
}

/// basicConstraints: `(cA, pathLenConstraint)`.
pub(super) fn basic_constraints(data: &[u8]) -> Option<(bool, Option<u8>)> {
    let mut rest = only(data, 0x30)?;
    let mut ca = false;
    let mut path_len = None;
    if let Some((0x01, value, after)) = tlv(rest) {
        // DER: TRUE is 0xFF, and FALSE (the default) is omitted.
        if value != [0xff] {
            return None;
        }
        ca = true;
        rest = after;
    }
    if let Some((0x02, value, after)) = tlv(rest) {
        match value {
            [n] if *n < 0x80 => path_len = Some(*n),
            _ => return None,
        }
        rest = after;
    }
    rest.is_empty().then_some((ca, path_len))
}

/// keyUsage as bits, bit `i` being RFC 5280's named bit `i` (digitalSignature = 0).
pub(super) fn key_usage(data: &[u8]) -> Option<u16> {
    // DER's minimal named bits make the unused-bit count the last byte's trailing zeros;
    // fewer (bits written as zeros, as some issuers do) is still what x509-cert reads.
    match only(data, 0x03)? {
        [unused, last] if *last != 0 && u32::from(*unused) <= last.trailing_zeros() => {
            Some(u16::from(last.reverse_bits()))
        }
        [7, first, 0x80] => Some(u16::from(first.reverse_bits()) | 1 << 8),
        _ => None,
    }
}

/// extendedKeyUsage purposes as dotted OIDs, when every one is a purpose akscert knows by
/// name (any other OID goes to x509-cert, whose OID rules then apply).
pub(super) fn extended_key_usage(data: &[u8]) -> Option<Vec<&'static str>> {
    let mut rest = only(data, 0x30)?;
    let mut purposes = Vec::new();
    while !rest.is_empty() {
        let (tag, oid, after) = tlv(rest)?;
        if tag != 0x06 {
            return None;
        }
        match oid_text(oid)? {
            std::borrow::Cow::Borrowed(known) => purposes.push(known),
            std::borrow::Cow::Owned(_) => return None,
        }
        rest = after;
    }
    (!purposes.is_empty()).then_some(purposes)
}

/// subjectKeyIdentifier.
pub(super) fn subject_key_identifier(data: &[u8]) -> Option<&[u8]> {
    only(data, 0x04)
}

/// authorityKeyIdentifier holding only a keyIdentifier (the form every issuer writes).
pub(super) fn authority_key_identifier(data: &[u8]) -> Option<&[u8]> {
    only(only(data, 0x30)?, 0x80)
}

/// One subjectAltName entry akscert shows.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum AltName<'a> {
    /// dNSName.
    Dns(&'a str),
    /// rfc822Name.
    Email(&'a str),
    /// uniformResourceIdentifier.
    Uri(&'a str),
    /// iPAddress (the fast reader yields only 4 or 16 bytes; the strict one any length,
    /// which the caller judges).
    Ip(&'a [u8]),
}

/// subjectAltName, when every entry is a non-empty ASCII DNS name, email or URI, or a 4- or
/// 16-byte IP address.
pub(super) fn subject_alt_name(data: &[u8]) -> Option<Vec<AltName<'_>>> {
    let mut rest = only(data, 0x30)?;
    let mut names = Vec::new();
    while !rest.is_empty() {
        let (tag, value, after) = tlv(rest)?;
        let text = || {
            (!value.is_empty() && value.is_ascii())
                .then(|| std::str::from_utf8(value).ok())
                .flatten()
        };
        names.push(match tag {
            0x82 => AltName::Dns(text()?),
            0x81 => AltName::Email(text()?),
            0x86 => AltName::Uri(text()?),
            0x87 if matches!(value.len(), 4 | 16) => AltName::Ip(value),
            _ => return None,
        });
        rest = after;
    }
    (!names.is_empty()).then_some(names)
}

/// An OBJECT IDENTIFIER's contents that any decoder accepts: at most 39 bytes (const-oid's
/// limit), a one-byte first subidentifier, every arc minimal and under 2²⁸.
fn plain_oid(oid: &[u8]) -> bool {
    let Some((&first, rest)) = oid.split_first() else {
        return false;
    };
    if oid.len() > 39 || first >= 0x80 {
        return false;
    }
    let mut arc_len = 0;
    for &b in rest {
        if arc_len == 0 && b == 0x80 {
            return false;
        }
        arc_len += 1;
        if arc_len > 4 {
            return false;
        }
        if b & 0x80 == 0 {
            arc_len = 0;
        }
    }
    arc_len == 0
}

/// Each element of a non-empty SEQUENCE OF, checked by `element`.
fn plain_sequence_of(data: &[u8], element: impl Fn(&[u8]) -> bool) -> bool {
    let Some(mut rest) = only(data, 0x30) else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        match tlv(rest) {
            Some((0x30, value, after)) if element(value) => rest = after,
            _ => return false,
        }
    }
    true
}

/// A non-empty ASCII IA5String body.
fn plain_ia5(value: &[u8]) -> bool {
    !value.is_empty() && value.is_ascii()
}

/// authorityInfoAccess in the form CAs write: OCSP and caIssuers URIs. `true` means
/// x509-cert reads it without complaint, so it need not be asked.
pub(super) fn plain_authority_info_access(data: &[u8]) -> bool {
    const OCSP: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
    const CA_ISSUERS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    plain_sequence_of(data, |description| match tlv(description) {
        Some((0x06, method, after)) if method == OCSP || method == CA_ISSUERS => {
            matches!(tlv(after), Some((0x86, uri, [])) if plain_ia5(uri))
        }
        _ => false,
    })
}

/// cRLDistributionPoints where every point is a full name of URIs (no reasons, no CRL
/// issuer). `true` means x509-cert reads it without complaint.
pub(super) fn plain_crl_distribution_points(data: &[u8]) -> bool {
    plain_sequence_of(data, |point| {
        let Some(name) = only(point, 0xa0) else {
            return false;
        };
        let Some(mut uris) = only(name, 0xa0) else {
            return false;
        };
        if uris.is_empty() {
            return false;
        }
        while !uris.is_empty() {
            match tlv(uris) {
                Some((0x86, uri, after)) if plain_ia5(uri) => uris = after,
                _ => return false,
            }
        }
        true
    })
}

/// certificatePolicies whose policies are plain OIDs, each with no qualifiers or with CPS
/// URIs only. `true` means x509-cert reads it and none of its checks applies.
pub(super) fn plain_certificate_policies(data: &[u8]) -> bool {
    const CPS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01];
    plain_sequence_of(data, |policy| match tlv(policy) {
        Some((0x06, oid, [])) => plain_oid(oid),
        Some((0x06, oid, qualifiers)) if plain_oid(oid) => {
            only(qualifiers, 0x30).is_some()
                && plain_sequence_of(qualifiers, |q| match tlv(q) {
                    Some((0x06, id, after)) if id == CPS => {
                        matches!(tlv(after), Some((0x16, uri, [])) if plain_ia5(uri))
                    }
                    _ => false,
                })
        }
        _ => false,
    })
}

/// nameConstraints whose subtrees are bare dNSName, rfc822Name or URI bases (non-empty
/// ASCII) or iPAddress bases of address and mask (8 or 32 bytes), with no minimum or
/// maximum, and at least one of permitted and excluded present. `true` means x509-cert
/// reads it and none of akscert's checks (the iPAddress length, an empty extension) applies.
pub(super) fn plain_name_constraints(data: &[u8]) -> bool {
    let subtrees = |trees: &[u8]| {
        let mut rest = trees;
        if rest.is_empty() {
            return false;
        }
        while !rest.is_empty() {
            let Some((0x30, subtree, after)) = tlv(rest) else {
                return false;
            };
            let plain_base = match tlv(subtree) {
                Some((0x81 | 0x82 | 0x86, text, [])) => plain_ia5(text),
                Some((0x87, address, [])) => matches!(address.len(), 8 | 32),
                _ => false,
            };
            if !plain_base {
                return false;
            }
            rest = after;
        }
        true
    };
    let Some(mut rest) = only(data, 0x30) else {
        return false;
    };
    let mut present = false;
    for tag in [0xa0, 0xa1] {
        if let Some((t, trees, after)) = tlv(rest)
            && t == tag
        {
            if !subtrees(trees) {
                return false;
            }
            present = true;
            rest = after;
        }
    }
    present && rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::{
        AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName,
        SubjectKeyIdentifier,
    };

    use super::super::der_walk::tlv as seq;

    #[test]
    fn every_key_usage_the_fast_path_reads_is_what_x509_cert_reads() {
        let mut answered = 0;
        for unused in 0u8..=8 {
            for a in 0u8..=255 {
                for tail in [None, Some(0x80u8), Some(0x00), Some(0x40)] {
                    let mut body = vec![unused, a];
                    body.extend(tail);
                    let der = seq(0x03, &[&body]);
                    if let Some(bits) = key_usage(&der) {
                        answered += 1;
                        let ku = KeyUsage::from_der(&der).expect("x509-cert reads it too");
                        assert_eq!(ku.0.bits(), bits, "{der:02x?}");
                    }
                }
            }
        }
        assert!(answered > 255, "the common forms take the fast path");
    }

    #[test]
    fn basic_constraints_agree_with_x509_cert() {
        let t: &[u8] = &[0x01, 0x01, 0xff];
        let f: &[u8] = &[0x01, 0x01, 0x00];
        let odd: &[u8] = &[0x01, 0x01, 0x01];
        let mut cases = vec![
            seq(0x30, &[]),
            seq(0x30, &[t]),
            seq(0x30, &[f]),
            seq(0x30, &[odd]),
        ];
        for n in [0u8, 1, 5, 0x7f, 0x80, 0xff] {
            let int: &[u8] = &[0x02, 0x01, n];
            cases.push(seq(0x30, &[t, int]));
            cases.push(seq(0x30, &[int]));
            cases.push(seq(0x30, &[int, t]));
        }
        cases.push(seq(0x30, &[t, &[0x02, 0x02, 0x00, 0x80]]));
        cases.push(vec![0x30, 0x81, 0x03, 0x01, 0x01, 0xff]); // non-minimal length
        let mut answered = 0;
        for der in &cases {
            if let Some((ca, path_len)) = basic_constraints(der) {
                answered += 1;
                let bc = BasicConstraints::from_der(der).expect("x509-cert reads it too");
                assert_eq!(
                    (bc.ca, bc.path_len_constraint),
                    (ca, path_len),
                    "{der:02x?}"
                );
            }
        }
        assert_eq!(answered, 1 + 1 + 4 + 4);
    }

    #[test]
    fn extended_key_usage_and_key_identifiers_agree_with_x509_cert() {
        let server: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
        let client: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
        let private: &[u8] = &[0x06, 0x03, 0x2a, 0x03, 0x04];
        let code: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];
        let any: &[u8] = &[0x06, 0x04, 0x55, 0x1d, 0x25, 0x00];
        for parts in [
            vec![server],
            vec![server, client],
            vec![code, any],
            vec![client, private],
            vec![],
        ] {
            let der = seq(0x30, &parts);
            match extended_key_usage(&der) {
                Some(purposes) => {
                    let eku = ExtendedKeyUsage::from_der(&der).expect("x509-cert reads it too");
                    let theirs: Vec<String> = eku.0.iter().map(ToString::to_string).collect();
                    assert_eq!(theirs, purposes, "{der:02x?}");
                }
                None => assert!(parts.is_empty() || parts.contains(&private)),
            }
        }
        for id in [&[][..], &[1, 2, 3][..], &[0xab; 20][..], &[7; 200][..]] {
            let ski = seq(0x04, &[id]);
            assert_eq!(subject_key_identifier(&ski), Some(id));
            let theirs = SubjectKeyIdentifier::from_der(&ski).expect("x509-cert reads it");
            assert_eq!(theirs.0.as_bytes(), id);
            let aki = seq(0x30, &[&seq(0x80, &[id])]);
            assert_eq!(authority_key_identifier(&aki), Some(id));
            let theirs = AuthorityKeyIdentifier::from_der(&aki).expect("x509-cert reads it");
            assert_eq!(
                theirs.key_identifier.map(|k| k.as_bytes().to_vec()),
                Some(id.to_vec())
            );
        }
        // keyIdentifier with the issuer and serial: x509-cert's.
        let aki = seq(0x30, &[&seq(0x80, &[&[1]]), &seq(0x82, &[&[5]])]);
        assert_eq!(authority_key_identifier(&aki), None);
    }

    #[test]
    fn subject_alt_names_agree_with_x509_cert() {
        let dns = seq(0x82, &[b"kubernetes.default.svc"]);
        let ip4 = seq(0x87, &[&[10, 0, 0, 1]]);
        let ip6 = seq(0x87, &[&[0; 16]]);
        let email = seq(0x81, &[b"a@example.com"]);
        let uri = seq(0x86, &[b"spiffe://cluster.local/ns/x"]);
        let empty = seq(0x82, &[]);
        let utf8 = seq(0x82, &["é.example".as_bytes()]);
        let odd_ip = seq(0x87, &[&[1, 2, 3]]);
        let dir = seq(0xa4, &[&seq(0x30, &[])]);
        let long = seq(0x82, &[&[b'a'; 300]]);
        let all = [&dns, &ip4, &ip6, &email, &uri, &long];
        let cases = [
            vec![&dns],
            all.to_vec(),
            vec![&dns, &empty],
            vec![&utf8],
            vec![&odd_ip],
            vec![&dir, &dns],
            vec![],
        ];
        let mut answered = 0;
        for parts in cases {
            let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_slice()).collect();
            let der = seq(0x30, &parts);
            let Some(names) = subject_alt_name(&der) else {
                continue;
            };
            answered += 1;
            let san = SubjectAltName::from_der(&der).expect("x509-cert reads it too");
            assert_eq!(san.0.len(), names.len());
            for (gn, ours) in san.0.iter().zip(&names) {
                match (gn, ours) {
                    (GeneralName::DnsName(s), AltName::Dns(t))
                    | (GeneralName::Rfc822Name(s), AltName::Email(t))
                    | (GeneralName::UniformResourceIdentifier(s), AltName::Uri(t)) => {
                        assert_eq!(s.as_str(), *t)
                    }
                    (GeneralName::IpAddress(o), AltName::Ip(b)) => assert_eq!(o.as_bytes(), *b),
                    other => panic!("differs: {other:?}"),
                }
            }
        }
        assert_eq!(answered, 2);
    }

    #[test]
    fn plain_access_points_and_policies_are_what_x509_cert_reads_cleanly() {
        use x509_cert::ext::pkix::{
            AuthorityInfoAccessSyntax, CertificatePolicies, CrlDistributionPoints,
        };
        let ocsp: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
        let issuers: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
        let uri = seq(0x86, &[b"http://ocsp.example.com/"]);
        let aia = seq(
            0x30,
            &[&seq(0x30, &[ocsp, &uri]), &seq(0x30, &[issuers, &uri])],
        );
        assert!(plain_authority_info_access(&aia));
        assert!(AuthorityInfoAccessSyntax::from_der(&aia).is_ok());
        for odd in [
            seq(0x30, &[]),
            seq(0x30, &[&seq(0x30, &[ocsp, &seq(0x86, &[])])]),
            seq(0x30, &[&seq(0x30, &[ocsp, &seq(0x82, &[b"dns"])])]),
        ] {
            assert!(!plain_authority_info_access(&odd), "{odd:02x?}");
        }

        let point = |uris: &[&[u8]]| seq(0x30, &[&seq(0xa0, &[&seq(0xa0, uris)])]);
        let crl = seq(0x30, &[&point(&[&uri]), &point(&[&uri, &uri])]);
        assert!(plain_crl_distribution_points(&crl));
        assert!(CrlDistributionPoints::from_der(&crl).is_ok());
        assert!(!plain_crl_distribution_points(&seq(0x30, &[&point(&[])])));
        assert!(!plain_crl_distribution_points(&seq(
            0x30,
            &[&seq(0x30, &[])]
        )));

        let any_policy: &[u8] = &[0x06, 0x04, 0x55, 0x1d, 0x20, 0x00];
        let cab_dv: &[u8] = &[0x06, 0x06, 0x67, 0x81, 0x0c, 0x01, 0x02, 0x01];
        let microsoft: &[u8] = &[
            0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x4c, 0x01,
        ];
        let cps_id: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x02, 0x01];
        let cps = seq(
            0x30,
            &[&seq(
                0x30,
                &[cps_id, &seq(0x16, &[b"https://cps.example/"])],
            )],
        );
        let plain = [
            seq(0x30, &[&seq(0x30, &[any_policy])]),
            seq(
                0x30,
                &[&seq(0x30, &[cab_dv]), &seq(0x30, &[microsoft, &cps])],
            ),
        ];
        for der in &plain {
            assert!(plain_certificate_policies(der), "{der:02x?}");
            let cp = CertificatePolicies::from_der(der).expect("x509-cert reads it too");
            assert!(cp.0.iter().all(|p| {
                p.policy_qualifiers
                    .as_ref()
                    .is_none_or(|q| !q.is_empty() && q.iter().all(|q| q.qualifier.is_some()))
            }));
        }
        let empty_qualifiers = seq(0x30, &[&seq(0x30, &[cab_dv, &seq(0x30, &[])])]);
        let bare_qualifier = seq(
            0x30,
            &[&seq(0x30, &[cab_dv, &seq(0x30, &[&seq(0x30, &[cps_id])])])],
        );
        let long_arc: &[u8] = &[0x06, 0x07, 0x2b, 0x06, 0x81, 0x82, 0x83, 0x84, 0x01];
        for odd in [
            empty_qualifiers,
            bare_qualifier,
            seq(0x30, &[&seq(0x30, &[long_arc])]),
        ] {
            assert!(!plain_certificate_policies(&odd), "{odd:02x?}");
        }
    }

    #[test]
    fn name_constraints_agree_with_x509_cert() {
        use x509_cert::ext::pkix::NameConstraints;
        let dns = seq(0x30, &[&seq(0x82, &[b"example.com"])]);
        let email = seq(0x30, &[&seq(0x81, &[b"good_email@example.com"])]);
        let uri = seq(0x30, &[&seq(0x86, &[b".example.com"])]);
        let ip4 = seq(0x30, &[&seq(0x87, &[&[192, 168, 1, 1, 255, 255, 255, 0]])]);
        let ip6 = seq(0x30, &[&seq(0x87, &[&[0u8; 32]])]);
        let plain = [
            seq(0x30, &[&seq(0xa0, &[&dns, &email])]),
            seq(0x30, &[&seq(0xa1, &[&ip4])]),
            seq(0x30, &[&seq(0xa0, &[&ip6, &uri]), &seq(0xa1, &[&dns])]),
        ];
        for der in &plain {
            assert!(plain_name_constraints(der), "{der:02x?}");
            let nc = NameConstraints::from_der(der).expect("x509-cert reads it too");
            assert!(nc.permitted_subtrees.is_some() || nc.excluded_subtrees.is_some());
        }
        let short_ip = seq(0x30, &[&seq(0x87, &[&[192, 168, 1, 1]])]);
        let with_minimum = seq(0x30, &[&seq(0x82, &[b"a.example"]), &[0x80, 0x01, 0x00]]);
        let directory = seq(0x30, &[&seq(0xa4, &[&seq(0x30, &[])])]);
        for odd in [
            seq(0x30, &[]),
            seq(0x30, &[&seq(0xa0, &[])]),
            seq(0x30, &[&seq(0xa0, &[&short_ip])]),
            seq(0x30, &[&seq(0xa0, &[&with_minimum])]),
            seq(0x30, &[&seq(0xa0, &[&directory])]),
            seq(0x30, &[&seq(0xa1, &[&dns]), &seq(0xa0, &[&dns])]),
            seq(0x30, &[&seq(0xa0, &[&seq(0x30, &[&seq(0x82, &[b""])])])]),
        ] {
            assert!(!plain_name_constraints(&odd), "{odd:02x?}");
        }
    }
}
