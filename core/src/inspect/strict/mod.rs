//! Certificates and the extensions RFC 5280 defines, decoded strictly (DER, X.690 §10; the
//! ASN.1 of RFC 5280 §4.1 and §4.2): the `strictDer` verdict on a certificate whose lenient
//! walk found a defect ([`cert`]), and what [`super::extensions`] asks when the plain-form
//! readers of [`super::ext_der`] decline an extension's value ([`ext`]).
//!
//! Each decoder accepts exactly what the `x509-cert` crate's decoders accept and reads the
//! same facts from it (the tests hold them to that, value by value, on every certificate
//! and extension of the corpus and on every mutation of seed encodings): DER's own rules
//! for every element
//! (definite lengths in the fewest octets, tags the `der` crate knows, BOOLEAN 0x00/0xFF,
//! INTEGERs in the fewest octets, OIDs as `const-oid` reads them, IA5 and the directory
//! strings within their alphabets), the types' structure (fields in order, optional ones
//! recognised by their tags, IMPLICIT tags keeping their base type's constructed bit,
//! EXPLICIT ones constructed around exactly one element, nothing left over), and the same
//! leniencies (a SET OF out of order, a default value encoded, an arc with a leading 0x80
//! octet). They replaced `x509-cert` in the modules, where its decoders were a tenth of
//! the calculator (benches/README.md, "Module size").

pub(crate) mod cert;
pub(crate) mod ext;

use std::fmt;

use super::der_walk::{der_knows_tag, minimal_integer, tag};

/// The longest serial number x509-cert reads, in octets: RFC 5280's 20 of value, and a
/// leading sign octet (some issuers count the limit on the encoded value).
pub(crate) const MAX_SERIAL_OCTETS: usize = 21;

/// Why a value is not what its type allows, and where (the offset in what was decoded:
/// the extension's value, or the certificate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed {
    /// Offset of the offending element's first octet.
    pub at: usize,
    /// What is wrong.
    pub what: &'static str,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what, self.at)
    }
}

/// A decoded value, or why the input is not one.
pub(super) type Strict<T> = Result<T, Malformed>;

/// One element: its first identifier octet (`0x1f`-numbered tags, which no type here
/// uses, keep their first octet), where it starts, and its contents.
#[derive(Debug, Clone, Copy)]
pub(super) struct Element<'a> {
    pub tag: u8,
    pub at: usize,
    pub value: &'a [u8],
    /// Offset of the first contents octet.
    inner: usize,
}

impl<'a> Element<'a> {
    pub(super) fn reader(&self) -> Reader<'a> {
        Reader {
            data: self.value,
            pos: 0,
            base: self.inner,
        }
    }

    pub(super) fn fail<T>(&self, what: &'static str) -> Strict<T> {
        Err(Malformed { at: self.at, what })
    }
}

/// A cursor over consecutive elements, enforcing DER's header rules.
#[derive(Debug, Clone)]
pub(super) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader {
            data,
            pos: 0,
            base: 0,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn here(&self) -> usize {
        self.base + self.pos
    }

    pub(super) fn fail<T>(&self, what: &'static str) -> Strict<T> {
        Err(Malformed {
            at: self.here(),
            what,
        })
    }

    /// The next element's first identifier octet, if any.
    pub(super) fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    /// The next element.
    pub(super) fn element(&mut self) -> Strict<Element<'a>> {
        let at = self.here();
        let bad = |what| Err(Malformed { at, what });
        let Some(&tag) = self.data.get(self.pos) else {
            return bad("an element is missing");
        };
        let mut p = self.pos + 1;
        if tag & 0x1f == 0x1f {
            // High tag numbers: never universal; at most five octets, the first not 0x80,
            // the number at least 31 and within 32 bits.
            if tag & 0xc0 == 0 {
                return bad("a universal tag in the long form");
            }
            let mut number: u32 = 0;
            let mut octets = 0;
            loop {
                let Some(&b) = self.data.get(p) else {
                    return bad("the tag runs past the end");
                };
                p += 1;
                number |= u32::from(b & 0x7f);
                if b & 0x80 == 0 {
                    if number < 31 {
                        return bad("a tag number that is not minimal");
                    }
                    break;
                }
                octets += 1;
                if number == 0 || number.leading_zeros() < 7 || octets == 5 {
                    return bad("a tag number that is not minimal or too long");
                }
                number <<= 7;
            }
        } else if !der_knows_tag(tag) {
            return bad("an unknown universal tag");
        }
        let Some(&first) = self.data.get(p) else {
            return bad("the length is missing");
        };
        p += 1;
        let len = match first {
            0..=0x7f => usize::from(first),
            0x81..=0x84 => {
                let n = usize::from(first - 0x80);
                let Some(octets) = self.data.get(p..p + n) else {
                    return bad("the length runs past the end");
                };
                p += n;
                let len = octets.iter().fold(0usize, |l, &b| l << 8 | usize::from(b));
                // The fewest octets: a long form only from 128, no leading zero octet.
                if len < 0x80 || octets[0] == 0 {
                    return bad("a length not in the fewest octets");
                }
                len
            }
            0x80 => return bad("an indefinite length"),
            _ => return bad("a length of more than four octets"),
        };
        let Some(value) = p.checked_add(len).and_then(|end| self.data.get(p..end)) else {
            return bad("an element longer than what holds it");
        };
        let inner = self.base + p;
        self.pos = p + len;
        Ok(Element {
            tag,
            at,
            value,
            inner,
        })
    }

    /// The next element, which must have identifier octet `tag`.
    pub(super) fn expect(&mut self, tag: u8, what: &'static str) -> Strict<Element<'a>> {
        let at = self.here();
        let e = self.element()?;
        if e.tag != tag {
            return Err(Malformed { at, what });
        }
        Ok(e)
    }

    /// The next element if its identifier octet is `tag` (an OPTIONAL or DEFAULT field of
    /// a universal type).
    pub(super) fn optional(&mut self, tag: u8) -> Strict<Option<Element<'a>>> {
        if self.peek() == Some(tag) {
            self.element().map(Some)
        } else {
            Ok(None)
        }
    }

    /// An OPTIONAL `[number] IMPLICIT` field: present when the next tag is context-specific
    /// `number` (either form), and then its form must be its base type's.
    pub(super) fn implicit(
        &mut self,
        number: u8,
        constructed: bool,
    ) -> Strict<Option<Element<'a>>> {
        match self.peek() {
            Some(t) if t & 0xdf == 0x80 | number => {
                let e = self.element()?;
                if (e.tag & 0x20 != 0) != constructed {
                    return e.fail("an IMPLICIT tag in the wrong form");
                }
                Ok(Some(e))
            }
            _ => Ok(None),
        }
    }

    /// An OPTIONAL `[number] EXPLICIT` field: constructed, around exactly one element.
    pub(super) fn explicit(&mut self, number: u8) -> Strict<Option<Element<'a>>> {
        match self.peek() {
            Some(t) if t & 0xdf == 0x80 | number => {
                let outer = self.element()?;
                if outer.tag & 0x20 == 0 {
                    return outer.fail("an EXPLICIT tag that is not constructed");
                }
                let mut r = outer.reader();
                let e = r.element()?;
                r.finish()?;
                Ok(Some(e))
            }
            _ => Ok(None),
        }
    }

    /// Nothing may follow.
    pub(super) fn finish(&self) -> Strict<()> {
        if self.is_empty() {
            Ok(())
        } else {
            self.fail("data after the last field")
        }
    }
}

/// The one element `data` holds, with identifier octet `tag`.
pub(super) fn only<'a>(data: &'a [u8], tag: u8, what: &'static str) -> Strict<Element<'a>> {
    let mut r = Reader::new(data);
    let e = r.expect(tag, what)?;
    r.finish()?;
    Ok(e)
}

/// BOOLEAN: one octet, 0x00 or 0xFF.
pub(super) fn boolean(e: &Element<'_>) -> Strict<bool> {
    match e.value {
        [0x00] => Ok(false),
        [0xff] => Ok(true),
        _ => e.fail("a BOOLEAN that is not 0x00 or 0xFF"),
    }
}

/// A non-negative INTEGER in the fewest octets, of at most `bytes` octets of value.
pub(super) fn unsigned(e: &Element<'_>, bytes: usize) -> Strict<u32> {
    let digits = match e.value {
        [] => return e.fail("an empty INTEGER"),
        [b, ..] if *b >= 0x80 => return e.fail("a negative number"),
        v if !minimal_integer(v) => return e.fail("an INTEGER not in the fewest octets"),
        [0, rest @ ..] if !rest.is_empty() => rest,
        v => v,
    };
    if digits.len() > bytes {
        return e.fail("a number too large");
    }
    Ok(digits.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)))
}

/// A serial number: an INTEGER in the fewest octets (any sign), of at most
/// [`MAX_SERIAL_OCTETS`].
pub(super) fn serial(e: &Element<'_>) -> Strict<()> {
    match e.value {
        [] => e.fail("an empty INTEGER"),
        v if !minimal_integer(v) => e.fail("an INTEGER not in the fewest octets"),
        v if v.len() > MAX_SERIAL_OCTETS => e.fail("a serial number longer than 21 octets"),
        _ => Ok(()),
    }
}

/// OBJECT IDENTIFIER contents as `const-oid` reads them: at most 39 octets, a first octet
/// holding arcs 0–2 and 0–39, every later arc within 32 bits.
pub(super) fn oid<'a>(e: &Element<'a>) -> Strict<&'a [u8]> {
    let ok = match e.value.split_first() {
        Some((&root, rest)) if e.value.len() <= 39 && root < 120 => {
            let mut arc: u32 = 0;
            let mut open = false;
            let mut fits = true;
            for &b in rest {
                match arc.checked_mul(0x80) {
                    Some(a) => arc = a | u32::from(b & 0x7f),
                    None => fits = false,
                }
                open = b & 0x80 != 0;
                if !open {
                    arc = 0;
                }
            }
            fits && !open
        }
        _ => false,
    };
    if ok {
        Ok(e.value)
    } else {
        e.fail("a malformed OBJECT IDENTIFIER")
    }
}

/// IA5String: ASCII.
pub(super) fn ia5<'a>(e: &Element<'a>) -> Strict<&'a str> {
    match std::str::from_utf8(e.value) {
        Ok(s) if e.value.is_ascii() => Ok(s),
        _ => e.fail("an IA5String with a byte above 0x7F"),
    }
}

/// BIT STRING: the unused-bit count and the bits' octets.
pub(super) fn bit_string<'a>(e: &Element<'a>) -> Strict<(u8, &'a [u8])> {
    match e.value.split_first() {
        Some((&unused, bits)) if unused <= 7 && (unused == 0 || !bits.is_empty()) => {
            Ok((unused, bits))
        }
        _ => e.fail("a malformed BIT STRING"),
    }
}

/// A BIT STRING of named bits, at most 16 of them: bit `i` of the result is named bit `i`.
pub(super) fn flags(e: &Element<'_>) -> Strict<u16> {
    let (unused, bits) = bit_string(e)?;
    if bits.len() * 8 - usize::from(unused) > 16 {
        return e.fail("more named bits than the type has");
    }
    // The bits themselves, first bit first; the last octet's unused bits do not count.
    let mut out = 0u16;
    for (i, &b) in bits.iter().enumerate() {
        let b = if i + 1 == bits.len() {
            b & (0xff << unused)
        } else {
            b
        };
        out |= u16::from(b.reverse_bits()) << (8 * i);
    }
    Ok(out)
}

/// A DirectoryString (RFC 5280 §4.1.2.4): PrintableString, TeletexString, UTF8String or
/// BMPString, each within its alphabet.
pub(super) fn directory_string(e: &Element<'_>) -> Strict<()> {
    let ok = match e.tag {
        0x13 => e.value.iter().all(|&c| {
            c.is_ascii_alphanumeric()
                || matches!(c, b' ' | b'\'' | b'(' | b')' | b'+' | b',')
                || matches!(c, b'-' | b'.' | b'/' | b':' | b'=' | b'?')
        }),
        0x14 => e.value.is_ascii(),
        0x0c => std::str::from_utf8(e.value).is_ok(),
        0x1e => {
            e.value.len().is_multiple_of(2)
                && char::decode_utf16(
                    e.value
                        .chunks_exact(2)
                        .map(|p| u16::from_be_bytes([p[0], p[1]])),
                )
                .all(|c| c.is_ok_and(|c| u32::from(c) < 0xffff))
        }
        _ => return e.fail("a DirectoryString of another type"),
    };
    if ok {
        Ok(())
    } else {
        e.fail("a string with a character its type does not allow")
    }
}

/// The contents of a SET OF AttributeTypeAndValue (a relative distinguished name).
pub(super) fn rdn(r: &mut Reader<'_>) -> Strict<()> {
    while !r.is_empty() {
        let atv = r.expect(tag::SEQUENCE, "an attribute that is not a SEQUENCE")?;
        let mut f = atv.reader();
        oid(&f.expect(tag::OID, "an attribute type that is not an OID")?)?;
        f.element()?;
        f.finish()?;
    }
    Ok(())
}

/// The contents of a Name (an RDNSequence).
pub(super) fn name(r: &mut Reader<'_>) -> Strict<()> {
    while !r.is_empty() {
        let set = r.expect(tag::SET, "a relative distinguished name that is not a SET")?;
        rdn(&mut set.reader())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
