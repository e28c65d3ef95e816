//! The strict verdict on a whole certificate (RFC 5280 §4.1): what `x509-cert` accepts as
//! a `Certificate`. Asked only about certificates whose lenient walk found some defect
//! (`super::super::x509`); most certificates never get here.

use super::super::der_walk::tag;
use super::super::dn::{digits, utc_time_year};
use super::{Reader, Strict, bit_string, boolean, name, oid, only, serial, unsigned};
use crate::time::days_in_month;

/// An AlgorithmIdentifier: an OID and, optionally, one element of parameters.
fn algorithm(r: &mut Reader<'_>) -> Strict<()> {
    let mut a = r
        .expect(
            tag::SEQUENCE,
            "an AlgorithmIdentifier that is not a SEQUENCE",
        )?
        .reader();
    oid(&a.expect(tag::OID, "an algorithm that is not an OID")?)?;
    if !a.is_empty() {
        a.element()?;
    }
    a.finish()
}

/// A Time: UTCTime `YYMMDDHHMMSSZ` (1970–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`
/// (1970–9999), a real date and time of day.
fn time(r: &mut Reader<'_>) -> Strict<()> {
    let e = r.element()?;
    let number = |d: &[u8]| match digits(d) {
        Some(n) => Ok(n),
        None => e.fail("a time with a character that is not a digit"),
    };
    let (year, rest) = match (e.tag, e.value) {
        (tag::UTC_TIME, [y @ .., b'Z']) if y.len() == 12 => {
            (utc_time_year(number(&y[..2])?), &y[2..])
        }
        (tag::GENERALIZED_TIME, [y @ .., b'Z']) if y.len() == 14 => (number(&y[..4])?, &y[4..]),
        (tag::UTC_TIME | tag::GENERALIZED_TIME, _) => {
            return e.fail("a time not in its DER form");
        }
        _ => return e.fail("a time that is neither UTCTime nor GeneralizedTime"),
    };
    let mut f = [0i64; 5];
    for (i, slot) in f.iter_mut().enumerate() {
        *slot = number(&rest[2 * i..2 * i + 2])?;
    }
    let [month, day, hour, minute, second] = f;
    let real = (1..=12).contains(&month)
        && (1..=i64::from(days_in_month(year, month))).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 59;
    if year < 1970 || !real {
        return e.fail("a time that is not a real date and time");
    }
    Ok(())
}

/// An Extension: its OID, `critical` (a BOOLEAN, FALSE by default), its OCTET STRING.
fn extension(r: &mut Reader<'_>) -> Strict<()> {
    let mut x = r
        .expect(tag::SEQUENCE, "an extension that is not a SEQUENCE")?
        .reader();
    oid(&x.expect(tag::OID, "an extension id that is not an OID")?)?;
    if let Some(critical) = x.optional(tag::BOOLEAN)? {
        boolean(&critical)?;
    }
    x.expect(
        tag::OCTET_STRING,
        "an extension value that is not an OCTET STRING",
    )?;
    x.finish()
}

/// A Name: a SEQUENCE of relative distinguished names.
fn name_field(r: &mut Reader<'_>) -> Strict<()> {
    name(
        &mut r
            .expect(tag::SEQUENCE, "a name that is not a SEQUENCE")?
            .reader(),
    )
}

/// Whether `der` is one certificate as `x509-cert` reads it (the fields of RFC 5280 §4.1
/// in order, each strict DER), or where and why not. Out of line: only a certificate the
/// lenient walk found a defect in gets here (see `strict::ext` on why that matters).
#[inline(never)]
pub(crate) fn certificate(der: &[u8]) -> Strict<()> {
    let mut c = only(der, tag::SEQUENCE, "not a SEQUENCE")?.reader();
    let mut t = c
        .expect(tag::SEQUENCE, "a TBSCertificate that is not a SEQUENCE")?
        .reader();
    if let Some(v) = t.explicit(0)? {
        if v.tag != tag::INTEGER {
            return v.fail("a version that is not an INTEGER");
        }
        if unsigned(&v, 1)? > 2 {
            return v.fail("a version other than v1, v2 or v3");
        }
    }
    serial(&t.expect(tag::INTEGER, "a serial number that is not an INTEGER")?)?;
    algorithm(&mut t)?;
    name_field(&mut t)?;
    let mut validity = t
        .expect(tag::SEQUENCE, "a validity that is not a SEQUENCE")?
        .reader();
    time(&mut validity)?;
    time(&mut validity)?;
    validity.finish()?;
    name_field(&mut t)?;
    let mut spki = t
        .expect(tag::SEQUENCE, "a public key info that is not a SEQUENCE")?
        .reader();
    algorithm(&mut spki)?;
    bit_string(&spki.expect(tag::BIT_STRING, "a public key that is not a BIT STRING")?)?;
    spki.finish()?;
    for number in [1, 2] {
        if let Some(id) = t.implicit(number, false)? {
            bit_string(&id)?;
        }
    }
    if let Some(exts) = t.explicit(3)? {
        if exts.tag != tag::SEQUENCE {
            return exts.fail("extensions that are not a SEQUENCE");
        }
        let mut x = exts.reader();
        while !x.is_empty() {
            extension(&mut x)?;
        }
    }
    t.finish()?;
    algorithm(&mut c)?;
    bit_string(&c.expect(tag::BIT_STRING, "a signature that is not a BIT STRING")?)?;
    c.finish()
}
