//! The extensions of RFC 5280 §4.2 that inspection reads or checks, decoded strictly:
//! each accepts what `x509-cert`'s typed decoder for it accepts and reads the same facts.
//!
//! Each decoder is `#[inline(never)]`: it is the fallback for an extension the plain
//! reader (`ext_der`) does not take, and inlined into `decode_extensions` it would be
//! compiled by a browser on every page's first inspection (WebAssembly functions are
//! compiled whole, the first time they run) though a well-formed certificate never
//! reaches it.

use super::super::der_walk::tag;
use super::super::ext_der::AltName;
use super::{
    Reader, Strict, boolean, directory_string, flags, ia5, name, oid, only, rdn, serial, unsigned,
};

/// One GeneralName (RFC 5280 §4.2.1.6): the entry akscert shows, or `None` for an
/// otherName, directoryName, ediPartyName or registeredID (validated, not shown).
fn general_name<'a>(r: &mut Reader<'a>) -> Strict<Option<AltName<'a>>> {
    let e = r.element()?;
    Ok(match e.tag {
        0xa0 => {
            let mut f = e.reader();
            oid(&f.expect(tag::OID, "an otherName without its type")?)?;
            if f.explicit(0)?.is_none() {
                return f.fail("an otherName without its value");
            }
            f.finish()?;
            None
        }
        0x81 => Some(AltName::Email(ia5(&e)?)),
        0x82 => Some(AltName::Dns(ia5(&e)?)),
        0xa4 => {
            let mut f = e.reader();
            let n = f.expect(tag::SEQUENCE, "a directoryName that is not a Name")?;
            f.finish()?;
            name(&mut n.reader())?;
            None
        }
        0xa5 => {
            let mut f = e.reader();
            if let Some(assigner) = f.explicit(0)? {
                directory_string(&assigner)?;
            }
            match f.explicit(1)? {
                Some(party) => directory_string(&party)?,
                None => return f.fail("an ediPartyName without its partyName"),
            }
            f.finish()?;
            None
        }
        0x86 => Some(AltName::Uri(ia5(&e)?)),
        0x87 => Some(AltName::Ip(e.value)),
        0x88 => {
            oid(&e)?;
            None
        }
        _ => return e.fail("a GeneralName of no known choice"),
    })
}

/// The contents of a GeneralNames (SEQUENCE OF GeneralName; empty allowed), each as
/// [`general_name`] reads it.
fn general_names<'a>(r: &mut Reader<'a>) -> Strict<Vec<Option<AltName<'a>>>> {
    let mut names = Vec::new();
    while !r.is_empty() {
        names.push(general_name(r)?);
    }
    Ok(names)
}

/// basicConstraints: `(cA, pathLenConstraint)`.
#[inline(never)]
pub(crate) fn basic_constraints(data: &[u8]) -> Strict<(bool, Option<u8>)> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    let ca = match r.optional(tag::BOOLEAN)? {
        Some(b) => boolean(&b)?,
        None => false,
    };
    let path_len = match r.optional(tag::INTEGER)? {
        Some(n) => Some(unsigned(&n, 1)? as u8),
        None => None,
    };
    r.finish()?;
    Ok((ca, path_len))
}

/// keyUsage: bit `i` is RFC 5280's named bit `i` (digitalSignature = 0); bits beyond
/// decipherOnly (8) are dropped.
#[inline(never)]
pub(crate) fn key_usage(data: &[u8]) -> Strict<u16> {
    Ok(flags(&only(data, tag::BIT_STRING, "not a BIT STRING")?)? & 0x01ff)
}

/// extendedKeyUsage: the purposes' OID contents (possibly none).
#[inline(never)]
pub(crate) fn extended_key_usage(data: &[u8]) -> Strict<Vec<&[u8]>> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    let mut purposes = Vec::new();
    while !r.is_empty() {
        purposes.push(oid(&r.expect(tag::OID, "a purpose that is not an OID")?)?);
    }
    Ok(purposes)
}

/// subjectAltName or issuerAltName: every name (possibly none), `None` for those akscert
/// does not show.
#[inline(never)]
pub(crate) fn alt_names(data: &[u8]) -> Strict<Vec<Option<AltName<'_>>>> {
    general_names(&mut only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader())
}

/// subjectKeyIdentifier.
#[inline(never)]
pub(crate) fn subject_key_identifier(data: &[u8]) -> Strict<&[u8]> {
    Ok(only(data, tag::OCTET_STRING, "not an OCTET STRING")?.value)
}

/// authorityKeyIdentifier: the keyIdentifier, and whether an authorityCertIssuer or
/// authorityCertSerialNumber is present.
#[inline(never)]
pub(crate) fn authority_key_identifier(data: &[u8]) -> Strict<(Option<&[u8]>, bool)> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    let key_id = r.implicit(0, false)?.map(|e| e.value);
    let issuer = r.implicit(1, true)?;
    if let Some(names) = &issuer {
        general_names(&mut names.reader())?;
    }
    let serial_number = r.implicit(2, false)?;
    if let Some(n) = &serial_number {
        serial(n)?;
    }
    r.finish()?;
    Ok((key_id, issuer.is_some() || serial_number.is_some()))
}

/// What [`super::super::extensions`] checks in a nameConstraints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct NameConstraintsFacts {
    /// The length of every iPAddress base, permitted then excluded.
    pub ip_lengths: Vec<usize>,
    /// Neither permittedSubtrees nor excludedSubtrees is present.
    pub empty: bool,
}

/// nameConstraints.
#[inline(never)]
pub(crate) fn name_constraints(data: &[u8]) -> Strict<NameConstraintsFacts> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    let mut facts = NameConstraintsFacts::default();
    let mut present = false;
    for number in [0, 1] {
        let Some(trees) = r.implicit(number, true)? else {
            continue;
        };
        present = true;
        let mut t = trees.reader();
        while !t.is_empty() {
            let mut subtree = t
                .expect(tag::SEQUENCE, "a subtree that is not a SEQUENCE")?
                .reader();
            if let Some(AltName::Ip(address)) = general_name(&mut subtree)? {
                facts.ip_lengths.push(address.len());
            }
            if let Some(min) = subtree.implicit(0, false)? {
                unsigned(&min, 4)?;
            }
            if let Some(max) = subtree.implicit(1, false)? {
                unsigned(&max, 4)?;
            }
            subtree.finish()?;
        }
    }
    r.finish()?;
    facts.empty = !present;
    Ok(facts)
}

/// What [`super::super::extensions`] checks in a certificatePolicies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PoliciesFacts {
    /// Some policy has a policyQualifiers SEQUENCE with nothing in it.
    pub empty_qualifiers: bool,
    /// Some PolicyQualifierInfo has no qualifier.
    pub qualifier_missing: bool,
}

/// certificatePolicies.
#[inline(never)]
pub(crate) fn certificate_policies(data: &[u8]) -> Strict<PoliciesFacts> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    let mut facts = PoliciesFacts::default();
    while !r.is_empty() {
        let mut policy = r
            .expect(tag::SEQUENCE, "a policy that is not a SEQUENCE")?
            .reader();
        oid(&policy.expect(tag::OID, "a policy identifier that is not an OID")?)?;
        if let Some(qualifiers) = policy.optional(tag::SEQUENCE)? {
            let mut q = qualifiers.reader();
            facts.empty_qualifiers |= q.is_empty();
            while !q.is_empty() {
                let mut info = q
                    .expect(tag::SEQUENCE, "a qualifier that is not a SEQUENCE")?
                    .reader();
                oid(&info.expect(tag::OID, "a qualifier id that is not an OID")?)?;
                if info.is_empty() {
                    facts.qualifier_missing = true;
                } else {
                    info.element()?;
                }
                info.finish()?;
            }
        }
        policy.finish()?;
    }
    Ok(facts)
}

/// policyConstraints: `(requireExplicitPolicy, inhibitPolicyMapping)`.
#[inline(never)]
pub(crate) fn policy_constraints(data: &[u8]) -> Strict<(Option<u32>, Option<u32>)> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    let require = r.implicit(0, false)?.map(|e| unsigned(&e, 4)).transpose()?;
    let inhibit = r.implicit(1, false)?.map(|e| unsigned(&e, 4)).transpose()?;
    r.finish()?;
    Ok((require, inhibit))
}

/// cRLDistributionPoints (validated only).
#[inline(never)]
pub(crate) fn crl_distribution_points(data: &[u8]) -> Strict<()> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    while !r.is_empty() {
        let mut point = r
            .expect(tag::SEQUENCE, "a point that is not a SEQUENCE")?
            .reader();
        if let Some(dp) = point.explicit(0)? {
            match dp.tag {
                0xa0 => {
                    general_names(&mut dp.reader())?;
                }
                0xa1 => rdn(&mut dp.reader())?,
                _ => return dp.fail("a distributionPoint of no known choice"),
            }
        }
        if let Some(reasons) = point.implicit(1, false)? {
            flags(&reasons)?;
        }
        if let Some(issuer) = point.implicit(2, true)? {
            general_names(&mut issuer.reader())?;
        }
        point.finish()?;
    }
    Ok(())
}

/// authorityInfoAccess (validated only).
#[inline(never)]
pub(crate) fn authority_info_access(data: &[u8]) -> Strict<()> {
    let mut r = only(data, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    while !r.is_empty() {
        let mut d = r
            .expect(
                tag::SEQUENCE,
                "an access description that is not a SEQUENCE",
            )?
            .reader();
        oid(&d.expect(tag::OID, "an access method that is not an OID")?)?;
        general_name(&mut d)?;
        d.finish()?;
    }
    Ok(())
}
