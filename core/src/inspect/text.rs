//! Turning input bytes into text: byte-order marks, UTF-16 (kubeconfigs saved by Windows
//! tools), and base64 that tolerates the whitespace people paste.

use std::borrow::Cow;

use super::error::InspectError;

/// What the bytes are.
#[derive(Debug)]
pub(crate) enum Decoded<'a> {
    /// Text (BOM removed, UTF-16 converted).
    Text(Cow<'a, str>),
    /// Binary: DER.
    Binary,
    /// Mostly text, with invalid UTF-8 at the given offset (replaced with U+FFFD). OpenSSL
    /// prints raw bytes of malformed names, so its `-text` output need not be UTF-8.
    Lossy(String, usize),
}

fn decode_utf16(body: &[u8], big_endian: bool, offset: usize) -> Result<String, InspectError> {
    if !body.len().is_multiple_of(2) {
        return Err(InspectError::Encoding {
            offset: offset + body.len() - 1,
            reason: "UTF-16 text with an odd number of bytes".into(),
        });
    }
    let units = body.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut out = String::with_capacity(body.len() / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(InspectError::Encoding {
                    offset: offset + i * 2,
                    reason: "unpaired UTF-16 surrogate".into(),
                });
            }
        }
    }
    Ok(out)
}

/// Decide whether `input` is text or DER, and decode text.
pub(crate) fn decode(input: &[u8]) -> Result<Decoded<'_>, InspectError> {
    if let Some(rest) = input.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return std::str::from_utf8(rest)
            .map(|s| Decoded::Text(Cow::Borrowed(s)))
            .map_err(|e| InspectError::Encoding {
                offset: 3 + e.valid_up_to(),
                reason: "invalid UTF-8 after a UTF-8 byte-order mark".into(),
            });
    }
    if let Some(rest) = input.strip_prefix(&[0xff, 0xfe]) {
        return decode_utf16(rest, false, 2).map(|s| Decoded::Text(Cow::Owned(s)));
    }
    if let Some(rest) = input.strip_prefix(&[0xfe, 0xff]) {
        return decode_utf16(rest, true, 2).map(|s| Decoded::Text(Cow::Owned(s)));
    }
    // DER certificates start with SEQUENCE and a long-form length; that second byte is
    // never valid at the start of UTF-8 text.
    if input.len() >= 2 && input[0] == 0x30 && (0x80..=0x84).contains(&input[1]) {
        return Ok(Decoded::Binary);
    }
    // UTF-16 without a BOM: ASCII text has a zero in every other byte.
    if input.len() >= 4 && input.len().is_multiple_of(2) {
        let head = &input[..input.len().min(64)];
        let odd_zero = head.iter().skip(1).step_by(2).all(|&b| b == 0);
        let even_zero = head.iter().step_by(2).all(|&b| b == 0);
        if odd_zero && !even_zero {
            return decode_utf16(input, false, 0).map(|s| Decoded::Text(Cow::Owned(s)));
        }
        if even_zero && !odd_zero {
            return decode_utf16(input, true, 0).map(|s| Decoded::Text(Cow::Owned(s)));
        }
    }
    match std::str::from_utf8(input) {
        Ok(s) => Ok(Decoded::Text(Cow::Borrowed(s))),
        Err(e) if input.first() == Some(&0x30) => {
            let _ = e;
            Ok(Decoded::Binary)
        }
        Err(e) => {
            let texty = input
                .iter()
                .filter(|&&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b))
                .count();
            if texty * 10 >= input.len() * 9 {
                Ok(Decoded::Lossy(
                    String::from_utf8_lossy(input).into_owned(),
                    e.valid_up_to(),
                ))
            } else {
                Err(InspectError::Encoding {
                    offset: e.valid_up_to(),
                    reason: "invalid UTF-8 and not DER (DER starts with byte 0x30)".into(),
                })
            }
        }
    }
}

/// Decode base64, ignoring ASCII whitespace anywhere (line breaks, CRLF, indentation), with
/// or without `=` padding. `what` names the source for errors; the input is never echoed.
pub(crate) fn base64_decode(text: &str, what: &str) -> Result<Vec<u8>, InspectError> {
    base64_decode_named(text, &|| what.to_string())
}

/// Whether `b` may appear in base64 text (`=` included).
pub(crate) fn is_base64_byte(b: u8) -> bool {
    B64_OR_PAD[usize::from(b)]
}

/// [`is_base64_byte`] as one table lookup (PEM bodies are checked byte by byte).
const B64_OR_PAD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = B64_VALUES[i] != 0xff || i == b'=' as usize;
        i += 1;
    }
    t
};

/// [`base64_decode`] with the name built only when there is an error (a PEM bundle decodes
/// hundreds of blocks; naming each costs more than decoding it).
pub(crate) fn base64_decode_named(
    text: &str,
    what: &dyn Fn() -> String,
) -> Result<Vec<u8>, InspectError> {
    let mut compact = Vec::with_capacity(text.len());
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b.is_ascii_whitespace() {
            continue;
        }
        if !is_base64_byte(b) {
            // The character count, as a person would count (not bytes).
            let at = text.get(..i).map_or(i, |t| t.chars().count());
            return Err(InspectError::Base64 {
                what: what(),
                reason: format!("character {} is not base64", at + 1),
            });
        }
        compact.push(b);
    }
    decode_compact(&compact, what)
}

/// Value of each base64 character, 0xFF for anything else (`=` included).
const B64_VALUES: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Table-driven decoding of canonical padded base64 (what PEM and kubeconfig data fields
/// hold); `None` for anything else, which the strict decoder then judges. base64ct is
/// constant-time, which certificates do not need and which made decoding a large part of
/// reading a PEM bundle.
/// For a non-empty body, `Some` is what [`decode_compact`] answers (PEM blocks are read in
/// bulk with it, falling back to the careful reader when it is `None`).
pub(crate) fn decode_canonical(compact: &[u8]) -> Option<Vec<u8>> {
    if !compact.len().is_multiple_of(4) {
        return None;
    }
    let pad = compact.iter().rev().take_while(|&&b| b == b'=').count();
    if pad > 2 {
        return None;
    }
    let data = &compact[..compact.len() - pad];
    let whole = data.len() / 4 * 3;
    // Two bytes of slack: eight characters are stored as one 8-byte word of which six
    // bytes count; the padded tail's one or two bytes then fit without reallocating.
    let mut out = vec![0u8; whole + 2];
    // Invalid characters are 0xFF in the table: OR-ing every value and checking once at
    // the end keeps the loop free of branches.
    let mut seen = 0u8;
    let mut at = 0;
    let mut octets = data.chunks_exact(8);
    for c in &mut octets {
        let v = |i: usize| B64_VALUES[usize::from(c[i])];
        let (a, b, c2, d, e, f, g, h) = (v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7));
        seen |= a | b | c2 | d | e | f | g | h;
        // An invalid value (0xFF) spills into its neighbours' bits; `seen` rejects it.
        let hi = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c2) << 6) | u32::from(d);
        let lo = (u32::from(e) << 18) | (u32::from(f) << 12) | (u32::from(g) << 6) | u32::from(h);
        let n = (u64::from(hi) << 40) | (u64::from(lo) << 16);
        out[at..at + 8].copy_from_slice(&n.to_be_bytes());
        at += 6;
    }
    let mut chunks = octets.remainder().chunks_exact(4);
    for c in &mut chunks {
        let mut n = 0u32;
        for (i, &ch) in c.iter().enumerate() {
            let v = B64_VALUES[usize::from(ch)];
            seen |= v;
            n |= u32::from(v & 63) << (18 - 6 * i);
        }
        out[at..at + 3].copy_from_slice(&n.to_be_bytes()[1..]);
        at += 3;
    }
    if seen > 63 {
        return None;
    }
    out.truncate(at);
    let rest = chunks.remainder();
    let mut n = 0u32;
    for (i, &ch) in rest.iter().enumerate() {
        let v = u32::from(B64_VALUES[usize::from(ch)]);
        if v > 63 {
            return None;
        }
        n |= v << (18 - 6 * i);
    }
    match rest.len() {
        0 => {}
        // "xx==": one byte; the low 4 bits of the second character must be zero.
        2 if n & 0xffff == 0 => out.push((n >> 16) as u8),
        // "xxx=": two bytes; the low 2 bits of the third character must be zero.
        3 if n & 0xff == 0 => out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]),
        _ => return None,
    }
    Some(out)
}

/// Decode base64 that holds nothing but base64 characters.
pub(crate) fn decode_compact(
    compact: &[u8],
    what: &dyn Fn() -> String,
) -> Result<Vec<u8>, InspectError> {
    if compact.is_empty() {
        return Err(InspectError::Base64 {
            what: what(),
            reason: "it is empty".into(),
        });
    }
    if let Some(out) = decode_canonical(compact) {
        return Ok(out);
    }
    // Unpadded base64 (two or three characters in the last group, no `=`) is the padded
    // form with its padding left off: written back in, the same decoder judges it. Every
    // other text that is not canonical does not decode (as base64ct's `Base64` and
    // `Base64Unpadded` answer: the tests compare them).
    let unpadded = match compact.len() % 4 {
        2 | 3 if !compact.contains(&b'=') => {
            let mut padded = compact.to_vec();
            padded.resize(compact.len().next_multiple_of(4), b'=');
            decode_canonical(&padded)
        }
        _ => None,
    };
    unpadded.ok_or_else(|| InspectError::Base64 {
        what: what(),
        reason: format!(
            "{} base64 characters do not decode (bad length or padding)",
            compact.len()
        ),
    })
}

/// Standard padded base64 with nothing else in it (RFC 4648 §4), as base64ct's
/// `Base64::decode_vec` reads it: empty text is no bytes; the error is its message.
pub(crate) fn decode_padded(text: &[u8]) -> Result<Vec<u8>, &'static str> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    decode_canonical(text).ok_or("invalid Base64 encoding")
}

/// Whether `text` (trimmed) is nothing but base64 and whitespace, long enough to be data.
pub(crate) fn looks_like_base64(text: &str) -> bool {
    let t = text.trim();
    t.len() >= 16
        && t.chars().all(|c| {
            c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=' || c.is_ascii_whitespace()
        })
}

/// Lines with their 1-based numbers, `\r` removed.
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::{Base64, Base64Unpadded, Encoding};

    #[test]
    fn the_fast_base64_decoder_agrees_with_base64ct() {
        let name = || "t".to_string();
        for text in [
            "QUJD", "QUI=", "QQ==", "QR==", "QUJDRA==", "QUJDREU=", "Q===", "QUJ", "A", "",
        ] {
            let fast = decode_canonical(text.as_bytes());
            let slow = Base64::decode_vec(text).ok();
            if let Some(f) = &fast {
                assert_eq!(Some(f), slow.as_ref(), "{text}");
            }
            assert_eq!(
                decode_compact(text.as_bytes(), &name).ok(),
                if text.is_empty() {
                    None
                } else {
                    slow.or_else(|| Base64Unpadded::decode_vec(text).ok())
                },
                "{text}"
            );
        }
    }

    proptest::proptest! {
        /// Every length (the 8-character and 4-character steps and both paddings): what
        /// base64ct encodes is decoded back, and any string the fast decoder accepts is
        /// one base64ct decodes to the same bytes.
        #[test]
        fn the_fast_base64_decoder_round_trips_and_agrees(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..100),
            text in "[A-Za-z0-9+/]{0,40}={0,2}|[A-Za-z0-9+/=*]{0,40}",
        ) {
            let encoded = Base64::encode_string(&bytes);
            proptest::prop_assert_eq!(decode_canonical(encoded.as_bytes()), Some(bytes));
            if let Some(fast) = decode_canonical(text.as_bytes()) {
                proptest::prop_assert_eq!(Some(fast), Base64::decode_vec(&text).ok());
            }
        }

        /// Both decoders answer as base64ct did when it decided the unusual cases: padded
        /// text (or a whole number of groups) as `Base64`, anything else as
        /// `Base64Unpadded`; `decode_padded` as `Base64::decode_vec`, message included.
        #[test]
        fn the_decoders_answer_as_base64ct(
            text in "[A-Za-z0-9+/]{0,41}={0,3}|[A-Za-z0-9+/=*]{0,41}|[AQgw]{0,9}[A-Za-z0-9]={0,2}",
        ) {
            let name = || "t".to_string();
            let base64ct = if text.ends_with('=') || text.len().is_multiple_of(4) {
                Base64::decode_vec(&text)
            } else {
                Base64Unpadded::decode_vec(&text)
            };
            let ours = decode_compact(text.as_bytes(), &name).ok();
            proptest::prop_assert_eq!(ours, base64ct.ok().filter(|_| !text.is_empty()), "{}", text);
            proptest::prop_assert_eq!(
                decode_padded(text.as_bytes()),
                Base64::decode_vec(&text).map_err(|e| e.to_string()).map_err(|e| {
                    if e == "invalid Base64 encoding" { "invalid Base64 encoding" } else { "other" }
                }),
                "{}", text
            );
        }
    }

    #[test]
    fn boms_and_utf16() {
        let le: Vec<u8> = [0xff, 0xfe]
            .into_iter()
            .chain("ab".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert!(matches!(decode(&le).unwrap(), Decoded::Text(t) if t == "ab"));
        let be: Vec<u8> = "abcd".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(matches!(decode(&be).unwrap(), Decoded::Text(t) if t == "abcd"));
        assert!(matches!(
            decode(&[0x30, 0x82, 0, 0]).unwrap(),
            Decoded::Binary
        ));
        let e = decode(&[b'a', 0xff, b'b']).unwrap_err();
        assert!(matches!(e, InspectError::Encoding { offset: 1, .. }));
    }

    #[test]
    fn base64_tolerates_whitespace_and_missing_padding() {
        assert_eq!(base64_decode("Q0FE\r\n  QVRB", "x").unwrap(), b"CADATA");
        assert_eq!(base64_decode("YWI", "x").unwrap(), b"ab");
        let e = base64_decode("ab$c", "field").unwrap_err();
        assert!(e.to_string().contains("character 3"), "{e}");
        assert!(!e.to_string().contains('$'));
    }
}
