//! A small, lenient DER/TLV reader.
//!
//! [`super::strict`] decides whether a certificate is strictly valid; this reader exists so that a
//! slightly malformed certificate (UTCTime without seconds, an explicit v1 version, a
//! non-minimal serial) can still show its dates with a warning naming the defect. It reads
//! one TLV at a time, never recurses on its own, checks every length against the bytes that
//! are left (so an absurd length is an error, not an allocation), and refuses BER's
//! indefinite lengths.

use crate::json_ser::push_digits;

/// One tag-length-value element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The first identifier octet (class, constructed bit and low tag number).
    pub tag: u8,
    /// Absolute offset of the identifier octet in the outermost buffer.
    pub offset: usize,
    /// The contents octets.
    pub value: &'a [u8],
    /// The whole element, header included.
    pub full: &'a [u8],
    /// The length was encoded in more octets than needed (allowed in BER, not DER).
    pub non_minimal_length: bool,
}

/// Where and why reading failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DerError {
    /// Absolute offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub reason: String,
}

/// Tags used below.
pub(crate) mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const OID: u8 = 0x06;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
}

/// A cursor over a run of consecutive TLVs.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Absolute offset of `data[0]` in the outermost buffer, for error positions.
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `data`, which starts at absolute offset `base`.
    pub fn new(data: &'a [u8], base: usize) -> Reader<'a> {
        Reader { data, pos: 0, base }
    }

    /// A reader over the contents of `tlv`.
    pub fn inside(tlv: &Tlv<'a>) -> Reader<'a> {
        let header = tlv.full.len() - tlv.value.len();
        Reader::new(tlv.value, tlv.offset + header)
    }

    /// Whether every byte was consumed.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// The identifier octet of the next element, without consuming it.
    pub fn peek_tag(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn err(&self, at: usize, reason: impl Into<String>) -> DerError {
        DerError {
            offset: self.base + at,
            reason: reason.into(),
        }
    }

    /// Read the next element.
    pub fn read(&mut self) -> Result<Tlv<'a>, DerError> {
        let start = self.pos;
        let Some(&tag) = self.data.get(start) else {
            return Err(self.err(start, "expected an element, found the end of the data"));
        };
        let mut p = start + 1;
        if tag & 0x1f == 0x1f {
            // High tag number form: base-128 digits; no X.509 field uses more than two.
            let mut digits = 0;
            loop {
                let Some(&b) = self.data.get(p) else {
                    return Err(self.err(p, "tag number runs past the end of the data"));
                };
                p += 1;
                digits += 1;
                if digits > 4 {
                    return Err(self.err(start, "tag number longer than 4 octets"));
                }
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        let Some(&first) = self.data.get(p) else {
            return Err(self.err(p, "length octet missing at the end of the data"));
        };
        p += 1;
        let mut non_minimal = false;
        let len = if first < 0x80 {
            usize::from(first)
        } else if first == 0x80 {
            return Err(self.err(
                p - 1,
                "indefinite length (BER) is not allowed in DER certificates",
            ));
        } else {
            let n = usize::from(first & 0x7f);
            if n > 4 {
                return Err(self.err(
                    p - 1,
                    format!("length uses {n} octets; lengths over 4 GiB are absurd here"),
                ));
            }
            let Some(bytes) = self.data.get(p..p + n) else {
                return Err(self.err(p, "length octets run past the end of the data"));
            };
            p += n;
            let mut len = 0usize;
            for &b in bytes {
                len = (len << 8) | usize::from(b);
            }
            if bytes[0] == 0 || len < 0x80 {
                non_minimal = true;
            }
            len
        };
        let available = self.data.len() - p;
        if len > available {
            return Err(self.err(
                start,
                format!(
                    "element with tag 0x{tag:02x} claims {len} bytes but only {available} remain (truncated or absurd length)"
                ),
            ));
        }
        let value = &self.data[p..p + len];
        let full = &self.data[start..p + len];
        self.pos = p + len;
        Ok(Tlv {
            tag,
            offset: self.base + start,
            value,
            full,
            non_minimal_length: non_minimal,
        })
    }

    /// Read the next element and require its identifier octet to be `expected`.
    pub fn expect(&mut self, expected: u8, what: &str) -> Result<Tlv<'a>, DerError> {
        let at = self.pos;
        let tlv = self.read()?;
        if tlv.tag != expected {
            return Err(self.err(
                at,
                format!(
                    "{what}: expected tag 0x{expected:02x}, found 0x{:02x}",
                    tlv.tag
                ),
            ));
        }
        Ok(tlv)
    }

    /// Read the next element only if its identifier octet is `tag`.
    pub fn read_optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, DerError> {
        if self.peek_tag() == Some(tag) {
            self.read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Bit length of an unsigned big-endian integer given as INTEGER contents (a leading zero
/// octet for the sign is skipped).
pub(crate) fn uint_bits(bytes: &[u8]) -> u32 {
    let trimmed: &[u8] = {
        let first_nonzero = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        &bytes[first_nonzero..]
    };
    match trimmed.first() {
        None => 0,
        Some(&b) => (trimmed.len() as u32 - 1) * 8 + (8 - b.leading_zeros()),
    }
}

/// Whether the `der` crate knows a one-octet tag: every application, context-specific and
/// private one, and of the universal ones those it has a type for (it refuses
/// UniversalString, a constructed OCTET STRING, …).
pub(crate) fn der_knows_tag(tag: u8) -> bool {
    tag & 0xc0 != 0
        || matches!(
            tag,
            0x01..=0x06 | 0x09 | 0x0a | 0x0c | 0x0d | 0x12..=0x18 | 0x1a | 0x1b | 0x1e | 0x30 | 0x31
        )
}

/// Whether INTEGER contents are DER's: at least one octet, and no leading 0x00 or 0xFF
/// octet that only repeats the sign of the next.
pub(crate) fn minimal_integer(value: &[u8]) -> bool {
    match value {
        [] => false,
        [0, b, ..] => b & 0x80 != 0,
        [0xff, b, ..] => b & 0x80 == 0,
        _ => true,
    }
}

/// Whether every element of `der` (descending into constructed elements, not into
/// OCTET STRING or BIT STRING contents) is canonical DER: minimal definite lengths,
/// minimal INTEGERs, BOOLEAN 0x00/0xFF, well-formed OIDs of at most 39 octets (const-oid's
/// limit), BIT STRINGs with zero padding, and SET OF elements in DER order. One pass over
/// the headers; `false` says "let the strict parser decide", never "invalid".
pub(crate) fn is_canonical_der(der: &[u8]) -> bool {
    /// Nesting beyond this (certificates nest about ten deep) is left to the strict parser.
    const MAX_DEPTH: usize = 32;
    // Per open level: the elements not yet read, whether they are a SET's, and the
    // previous element of that SET. A fixed array: this runs for every certificate.
    let mut levels: [(&[u8], bool, &[u8]); MAX_DEPTH] = [(&[], false, &[]); MAX_DEPTH];
    levels[0] = (der, false, &[]);
    let mut depth = 1;
    while depth > 0 {
        let (rest, in_set, prev) = levels[depth - 1];
        if rest.is_empty() {
            depth -= 1;
            continue;
        }
        let Some((tag, value, after)) = canonical_header(rest) else {
            return false;
        };
        let full = &rest[..rest.len() - after.len()];
        // SET OF elements in DER order: each no smaller than the one before.
        if !der_knows_tag(tag) || (in_set && !prev.is_empty() && prev > full) {
            return false;
        }
        levels[depth - 1] = (after, in_set, full);
        let ok = match tag {
            tag::BOOLEAN => matches!(value, [0x00] | [0xff]),
            tag::INTEGER => minimal_integer(value),
            tag::BIT_STRING => match value {
                [] => false,
                [0] => true,
                [unused, .., last] => *unused < 8 && last & ((1u8 << unused) - 1) == 0,
                [_] => false,
            },
            tag::OID => value.len() <= 39 && oid_well_formed(value),
            _ => true,
        };
        if !ok {
            return false;
        }
        if tag & 0x20 != 0 {
            if depth == MAX_DEPTH {
                return false;
            }
            levels[depth] = (value, tag == tag::SET, &[]);
            depth += 1;
        }
    }
    true
}

/// The next element of `data` as (tag, contents, what follows) when its header is DER's:
/// a low tag number, a definite length in the fewest octets, within the data. `None`
/// otherwise. No error text: [`is_canonical_der`] only needs yes or no, and it reads
/// every element of every certificate.
fn canonical_header(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = data.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        // 0x80 is BER's indefinite length; more than 4 octets is absurd here.
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (octets, rest) = rest.split_at_checked(n)?;
        let len = octets
            .iter()
            .fold(0usize, |len, &b| (len << 8) | usize::from(b));
        if octets[0] == 0 || len < 0x80 {
            return None;
        }
        (len, rest)
    };
    let (value, rest) = rest.split_at_checked(len)?;
    Some((tag, value, rest))
}

/// The OIDs every certificate carries, by their DER contents, so that reading them costs a
/// comparison rather than a formatted string.
const KNOWN_OIDS: &[(&[u8], &str)] = &[
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        "1.2.840.113549.1.1.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
        "1.2.840.113549.1.1.10",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
        "1.2.840.113549.1.1.11",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c],
        "1.2.840.113549.1.1.12",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d],
        "1.2.840.113549.1.1.13",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05],
        "1.2.840.113549.1.1.5",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        "1.2.840.10045.2.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        "1.2.840.10045.3.1.7",
    ),
    (&[0x2b, 0x81, 0x04, 0x00, 0x22], "1.3.132.0.34"),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02],
        "1.2.840.10045.4.3.2",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03],
        "1.2.840.10045.4.3.3",
    ),
    (&[0x2b, 0x65, 0x70], "1.3.101.112"),
    (&[0x55, 0x1d, 0x0e], "2.5.29.14"),
    (&[0x55, 0x1d, 0x0f], "2.5.29.15"),
    (&[0x55, 0x1d, 0x11], "2.5.29.17"),
    (&[0x55, 0x1d, 0x13], "2.5.29.19"),
    (&[0x55, 0x1d, 0x1e], "2.5.29.30"),
    (&[0x55, 0x1d, 0x1f], "2.5.29.31"),
    (&[0x55, 0x1d, 0x20], "2.5.29.32"),
    (&[0x55, 0x1d, 0x23], "2.5.29.35"),
    (&[0x55, 0x1d, 0x25], "2.5.29.37"),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01],
        "1.3.6.1.5.5.7.1.1",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x02],
        "1.3.6.1.4.1.11129.2.4.2",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
        "1.3.6.1.5.5.7.3.1",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
        "1.3.6.1.5.5.7.3.2",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03],
        "1.3.6.1.5.5.7.3.3",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04],
        "1.3.6.1.5.5.7.3.4",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08],
        "1.3.6.1.5.5.7.3.8",
    ),
    (
        &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09],
        "1.3.6.1.5.5.7.3.9",
    ),
    (&[0x55, 0x1d, 0x25, 0x00], "2.5.29.37.0"),
    (&[0x55, 0x04, 0x03], "2.5.4.3"),
    (&[0x55, 0x04, 0x06], "2.5.4.6"),
    (&[0x55, 0x04, 0x0a], "2.5.4.10"),
    (&[0x55, 0x04, 0x0b], "2.5.4.11"),
    (&[0x55, 0x04, 0x07], "2.5.4.7"),
    (&[0x55, 0x04, 0x08], "2.5.4.8"),
];

/// [`oid_string`] without an allocation for the OIDs every certificate carries.
pub(crate) fn oid_text(bytes: &[u8]) -> Option<std::borrow::Cow<'static, str>> {
    // The last octet tells most entries apart, so few comparisons reach the whole slice.
    let last = bytes.last();
    match KNOWN_OIDS
        .iter()
        .find(|(b, _)| b.last() == last && *b == bytes)
    {
        Some((_, s)) => Some(std::borrow::Cow::Borrowed(s)),
        None => oid_string(bytes).map(std::borrow::Cow::Owned),
    }
}

/// Whether OBJECT IDENTIFIER contents are well formed (what [`oid_string`] accepts),
/// without formatting them.
pub(crate) fn oid_well_formed(bytes: &[u8]) -> bool {
    if bytes.is_empty() || bytes.len() > 128 || bytes[bytes.len() - 1] & 0x80 != 0 {
        return false;
    }
    // Each arc: no leading 0x80 octet, and at most 128 bits (arcs fit a u128 in the
    // formatter: 18 septets).
    let mut septets = 0;
    let mut start = true;
    for &b in bytes {
        if start && b == 0x80 {
            return false;
        }
        septets += 1;
        if septets > 18 {
            return false;
        }
        start = b & 0x80 == 0;
        if start {
            septets = 0;
        }
    }
    true
}

/// Format a DER OBJECT IDENTIFIER's contents in dotted form, or `None` if malformed. Each
/// arc is written as it is decoded: one allocation, the text's.
pub(crate) fn oid_string(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() || bytes.len() > 128 || bytes[bytes.len() - 1] & 0x80 != 0 {
        return None;
    }
    let mut out = String::with_capacity(3 * bytes.len());
    let mut acc: u128 = 0;
    let mut started = false;
    for &b in bytes {
        if !started && b == 0x80 {
            // Non-minimal arc encoding (leading 0x80) is invalid.
            return None;
        }
        started = true;
        acc = acc.checked_mul(128)? | u128::from(b & 0x7f);
        if b & 0x80 == 0 {
            // The first subidentifier holds the first two arcs (X.690 §8.19.4).
            if out.is_empty() {
                let first = acc.min(80) / 40;
                out.push(char::from(b'0' + first as u8));
                acc -= 40 * first;
            }
            out.push('.');
            push_digits(&mut out, acc, 10);
            acc = 0;
            started = false;
        }
    }
    Some(out)
}

/// For tests: a TLV with identifier octet `tag` around `parts` (lengths up to 65,535).
#[cfg(test)]
pub(crate) fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = parts.concat();
    let mut out = vec![tag];
    match body.len() {
        n @ 0..=0x7f => out.push(n as u8),
        n @ 0x80..=0xff => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths_and_rejects_bad_ones() {
        let data = [0x30, 0x03, 0x02, 0x01, 0x05];
        let mut r = Reader::new(&data, 0);
        let seq = r.expect(tag::SEQUENCE, "seq").unwrap();
        assert!(r.is_empty());
        let mut inner = Reader::inside(&seq);
        let int = inner.expect(tag::INTEGER, "int").unwrap();
        assert_eq!(int.value, &[5]);
        assert_eq!(int.offset, 2);

        let indefinite = [0x30, 0x80, 0x00, 0x00];
        let e = Reader::new(&indefinite, 0).read().unwrap_err();
        assert!(e.reason.contains("indefinite"), "{e:?}");
        assert_eq!(e.offset, 1);

        let absurd = [0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00];
        let e = Reader::new(&absurd, 10).read().unwrap_err();
        assert!(e.reason.contains("claims"), "{e:?}");
        assert_eq!(e.offset, 10);

        let non_minimal = [0x04, 0x81, 0x01, 0xaa];
        assert!(
            Reader::new(&non_minimal, 0)
                .read()
                .unwrap()
                .non_minimal_length
        );
    }

    #[test]
    fn oids_and_bit_lengths() {
        assert_eq!(
            oid_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]).as_deref(),
            Some("1.2.840.113549.1.1.11")
        );
        assert_eq!(oid_string(&[0x55, 0x04, 0x03]).as_deref(), Some("2.5.4.3"));
        assert_eq!(oid_string(&[0x80, 0x01]), None);
        assert_eq!(oid_string(&[0x86]), None);
        assert_eq!(uint_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(uint_bits(&[0x01]), 1);
        assert_eq!(uint_bits(&[]), 0);
    }

    #[test]
    fn oid_validity_without_formatting_agrees_with_the_formatter() {
        for bytes in [
            &[0x2a, 0x86, 0x48][..],
            &[0x55, 0x04, 0x03],
            &[0x80, 0x01],
            &[0x86],
            &[],
            &[0x2b, 0x80, 0x01],
            &[0xff; 20],
        ] {
            assert_eq!(
                oid_well_formed(bytes),
                oid_string(bytes).is_some(),
                "{bytes:02x?}"
            );
        }
    }

    /// The first version of [`is_canonical_der`], kept as the reference: a queue of every
    /// pending constructed element, read with [`Reader`].
    fn canonical_reference(der: &[u8]) -> bool {
        let mut stack: Vec<(&[u8], bool)> = vec![(der, false)];
        while let Some((data, in_set)) = stack.pop() {
            let mut r = Reader::new(data, 0);
            let mut prev: Option<&[u8]> = None;
            while !r.is_empty() {
                let Ok(t) = r.read() else { return false };
                let known = matches!(
                    t.tag,
                    0x01..=0x06 | 0x09 | 0x0a | 0x0c | 0x0d | 0x12..=0x18 | 0x1a | 0x1b | 0x1e
                        | 0x30 | 0x31 | 0x40..=0xff
                );
                if !known || t.non_minimal_length || t.tag & 0x1f == 0x1f {
                    return false;
                }
                if in_set {
                    if prev.is_some_and(|p| p > t.full) {
                        return false;
                    }
                    prev = Some(t.full);
                }
                let ok = match t.tag {
                    tag::BOOLEAN => matches!(t.value, [0x00] | [0xff]),
                    tag::INTEGER => match t.value {
                        [] => false,
                        [0, b, ..] => b & 0x80 != 0,
                        [0xff, b, ..] => b & 0x80 == 0,
                        _ => true,
                    },
                    tag::BIT_STRING => match t.value {
                        [] => false,
                        [0] => true,
                        [unused, .., last] => *unused < 8 && last & ((1u8 << unused) - 1) == 0,
                        [_] => false,
                    },
                    tag::OID => t.value.len() <= 39 && oid_well_formed(t.value),
                    _ => true,
                };
                if !ok {
                    return false;
                }
                if t.tag & 0x20 != 0 {
                    stack.push((t.value, t.tag == tag::SET));
                }
            }
        }
        true
    }

    fn encode(tag: u8, content: &[u8], long_form: bool) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 && !long_form {
            out.push(n as u8);
        } else if n < 0x100 {
            out.extend([0x81, n as u8]);
        } else {
            out.extend([0x82, (n >> 8) as u8, n as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    /// DER-like trees: primitives of the types the check looks into (some malformed, some
    /// lengths in long form) inside SEQUENCEs, SETs and context tags, at most 5 wide and
    /// 4 deep.
    fn der_tree() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let leaf = (
            prop::sample::select(vec![
                0x01u8, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x17, 0x1c, 0x1f, 0x80,
            ]),
            prop::collection::vec(any::<u8>(), 0..6),
            any::<bool>(),
        )
            .prop_map(|(tag, content, long)| encode(tag, &content, long && content.len() % 3 == 0));
        leaf.prop_recursive(4, 64, 5, |inner| {
            (
                prop::sample::select(vec![0x30u8, 0x31, 0xa0, 0xa3]),
                prop::collection::vec(inner, 0..5),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(tag, mut children, sorted, long)| {
                    if sorted {
                        crate::sort::sort(&mut children);
                    }
                    encode(tag, &children.concat(), long && children.len() == 1)
                })
        })
    }

    proptest::proptest! {
        /// The array-of-levels walk answers as the reference does, on trees and on the
        /// same trees with one byte changed (lengths, tags and contents broken).
        #[test]
        fn canonical_check_agrees_with_the_reference(
            tree in der_tree(),
            at in proptest::prelude::any::<proptest::sample::Index>(),
            byte in proptest::prelude::any::<u8>(),
        ) {
            proptest::prop_assert_eq!(is_canonical_der(&tree), canonical_reference(&tree));
            let mut changed = tree.clone();
            if !changed.is_empty() {
                let i = at.index(changed.len());
                changed[i] = byte;
            }
            proptest::prop_assert_eq!(is_canonical_der(&changed), canonical_reference(&changed));
        }
    }

    #[test]
    fn deep_nesting_is_left_to_the_strict_parser() {
        let mut der = encode(0x02, &[1], false);
        for _ in 0..40 {
            der = encode(0x30, &der, false);
        }
        assert!(!is_canonical_der(&der));
        let mut shallow = encode(0x02, &[1], false);
        for _ in 0..20 {
            shallow = encode(0x30, &shallow, false);
        }
        assert!(is_canonical_der(&shallow));
    }

    #[test]
    fn the_known_oid_table_agrees_with_the_formatter() {
        for (bytes, text) in KNOWN_OIDS {
            assert_eq!(oid_string(bytes).as_deref(), Some(*text));
        }
    }

    /// The arc-by-arc writer, held to the first version (arcs collected, then joined).
    fn oid_string_by_arcs(bytes: &[u8]) -> Option<String> {
        if bytes.is_empty() || bytes.len() > 128 || bytes[bytes.len() - 1] & 0x80 != 0 {
            return None;
        }
        let mut arcs: Vec<u128> = Vec::new();
        let mut acc: u128 = 0;
        let mut started = false;
        for &b in bytes {
            if !started && b == 0x80 {
                return None;
            }
            started = true;
            acc = acc.checked_mul(128)? | u128::from(b & 0x7f);
            if b & 0x80 == 0 {
                arcs.push(acc);
                acc = 0;
                started = false;
            }
        }
        let first = arcs.first().copied()?;
        let (a, b) = match first {
            0..40 => (0, first),
            40..80 => (1, first - 40),
            _ => (2, first - 80),
        };
        let rest: Vec<String> = arcs[1..].iter().map(u128::to_string).collect();
        Some(
            [format!("{a}.{b}")]
                .into_iter()
                .chain(rest)
                .collect::<Vec<_>>()
                .join("."),
        )
    }

    proptest::proptest! {
        #[test]
        fn oid_text_is_what_the_first_version_wrote(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            high in proptest::collection::vec(0x80u8..=0xff, 0..20),
        ) {
            proptest::prop_assert_eq!(oid_string(&bytes), oid_string_by_arcs(&bytes));
            // Long arcs (up to u128's limit and past it) end in a low byte.
            let long: Vec<u8> = high.iter().copied().chain([0x05]).collect();
            proptest::prop_assert_eq!(oid_string(&long), oid_string_by_arcs(&long));
        }
    }
}
