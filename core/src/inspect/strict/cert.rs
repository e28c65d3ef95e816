//! The strict verdict on a whole certificate (RFC 5280 §4.1): what `x509-cert` accepts as
//! a `Certificate`. Asked only about certificates whose lenient walk found some defect
//! (`super::super::x509`); most certificates never get here.

use super::{Element, Reader, Strict, bit_string, boolean, name, oid, only, serial, unsigned};

/// An AlgorithmIdentifier: an OID and, optionally, one element of parameters.
fn algorithm(r: &mut Reader<'_>) -> Strict<()> {
    let mut a = r
        .expect(0x30, "an AlgorithmIdentifier that is not a SEQUENCE")?
        .reader();
    oid(&a.expect(0x06, "an algorithm that is not an OID")?)?;
    if !a.is_empty() {
        a.element()?;
    }
    a.finish()
}

/// Two decimal digits.
fn two_digits(e: &Element<'_>, d: &[u8]) -> Strict<u16> {
    match d {
        [hi, lo] if hi.is_ascii_digit() && lo.is_ascii_digit() => {
            Ok(u16::from(hi - b'0') * 10 + u16::from(lo - b'0'))
        }
        _ => e.fail("a time with a character that is not a digit"),
    }
}

/// A Time: UTCTime `YYMMDDHHMMSSZ` (1970–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`
/// (1970–9999), a real date and time of day.
fn time(r: &mut Reader<'_>) -> Strict<()> {
    let e = r.element()?;
    let (year, rest) = match (e.tag, e.value) {
        (0x17, [y @ .., b'Z']) if y.len() == 12 => {
            let yy = two_digits(&e, &y[..2])?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &y[2..])
        }
        (0x18, [y @ .., b'Z']) if y.len() == 14 => (
            two_digits(&e, &y[..2])? * 100 + two_digits(&e, &y[2..4])?,
            &y[4..],
        ),
        (0x17 | 0x18, _) => return e.fail("a time not in its DER form"),
        _ => return e.fail("a time that is neither UTCTime nor GeneralizedTime"),
    };
    let mut f = [0u16; 5];
    for (i, slot) in f.iter_mut().enumerate() {
        *slot = two_digits(&e, &rest[2 * i..2 * i + 2])?;
    }
    let [month, day, hour, minute, second] = f;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    };
    if year < 1970 || day == 0 || day > days || hour > 23 || minute > 59 || second > 59 {
        return e.fail("a time that is not a real date and time");
    }
    Ok(())
}

/// An Extension: its OID, `critical` (a BOOLEAN, FALSE by default), its OCTET STRING.
fn extension(r: &mut Reader<'_>) -> Strict<()> {
    let mut x = r
        .expect(0x30, "an extension that is not a SEQUENCE")?
        .reader();
    oid(&x.expect(0x06, "an extension id that is not an OID")?)?;
    if let Some(critical) = x.optional(0x01)? {
        boolean(&critical)?;
    }
    x.expect(0x04, "an extension value that is not an OCTET STRING")?;
    x.finish()
}

/// A Name: a SEQUENCE of relative distinguished names.
fn name_field(r: &mut Reader<'_>) -> Strict<()> {
    name(&mut r.expect(0x30, "a name that is not a SEQUENCE")?.reader())
}

/// Whether `der` is one certificate as `x509-cert` reads it (the fields of RFC 5280 §4.1
/// in order, each strict DER), or where and why not.
pub(crate) fn certificate(der: &[u8]) -> Strict<()> {
    let mut c = only(der, 0x30, "not a SEQUENCE")?.reader();
    let mut t = c
        .expect(0x30, "a TBSCertificate that is not a SEQUENCE")?
        .reader();
    if let Some(v) = t.explicit(0)? {
        if v.tag != 0x02 {
            return v.fail("a version that is not an INTEGER");
        }
        if unsigned(&v, 1)? > 2 {
            return v.fail("a version other than v1, v2 or v3");
        }
    }
    serial(&t.expect(0x02, "a serial number that is not an INTEGER")?)?;
    algorithm(&mut t)?;
    name_field(&mut t)?;
    let mut validity = t
        .expect(0x30, "a validity that is not a SEQUENCE")?
        .reader();
    time(&mut validity)?;
    time(&mut validity)?;
    validity.finish()?;
    name_field(&mut t)?;
    let mut spki = t
        .expect(0x30, "a public key info that is not a SEQUENCE")?
        .reader();
    algorithm(&mut spki)?;
    bit_string(&spki.expect(0x03, "a public key that is not a BIT STRING")?)?;
    spki.finish()?;
    for number in [1, 2] {
        if let Some(id) = t.implicit(number, false)? {
            bit_string(&id)?;
        }
    }
    if let Some(exts) = t.explicit(3)? {
        if exts.tag != 0x30 {
            return exts.fail("extensions that are not a SEQUENCE");
        }
        let mut x = exts.reader();
        while !x.is_empty() {
            extension(&mut x)?;
        }
    }
    t.finish()?;
    algorithm(&mut c)?;
    bit_string(&c.expect(0x03, "a signature that is not a BIT STRING")?)?;
    c.finish()
}
