//! Distinguished names, ASN.1 string types, and X.509 times.
//!
//! Names are rendered here rather than with x509-cert's `Display` so that (a) a name with a
//! bad string type still renders, with a warning, and (b) the wasm module does not link
//! const-oid's whole OID-name database for the handful of attribute names people see.

use super::der_walk::{DerError, Reader, oid_text, tag};
use super::model::NameInfo;
use crate::json_ser::push_hex_byte;
use crate::time::Instant;
use std::borrow::Cow;

/// Short names of the attribute types that appear in real certificate names, by their
/// DER contents (dotted form beside each; a test checks they agree), so that reading a
/// name compares a few bytes rather than formatting each attribute's OID.
const ATTRIBUTE_NAMES: &[(&[u8], &str)] = &[
    (&[0x55, 0x04, 0x03], "CN"),                     // 2.5.4.3
    (&[0x55, 0x04, 0x06], "C"),                      // 2.5.4.6
    (&[0x55, 0x04, 0x0a], "O"),                      // 2.5.4.10
    (&[0x55, 0x04, 0x0b], "OU"),                     // 2.5.4.11
    (&[0x55, 0x04, 0x07], "L"),                      // 2.5.4.7
    (&[0x55, 0x04, 0x08], "ST"),                     // 2.5.4.8
    (&[0x55, 0x04, 0x09], "street"),                 // 2.5.4.9
    (&[0x55, 0x04, 0x05], "serialNumber"),           // 2.5.4.5
    (&[0x55, 0x04, 0x04], "SN"),                     // 2.5.4.4
    (&[0x55, 0x04, 0x2a], "GN"),                     // 2.5.4.42
    (&[0x55, 0x04, 0x0c], "title"),                  // 2.5.4.12
    (&[0x55, 0x04, 0x0f], "businessCategory"),       // 2.5.4.15
    (&[0x55, 0x04, 0x11], "postalCode"),             // 2.5.4.17
    (&[0x55, 0x04, 0x61], "organizationIdentifier"), // 2.5.4.97
    // 1.2.840.113549.1.9.1
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01],
        "emailAddress",
    ),
    // 0.9.2342.19200300.100.1.25
    (
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
        "DC",
    ),
    // 0.9.2342.19200300.100.1.1
    (
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
        "UID",
    ),
    // 1.3.6.1.4.1.311.60.2.1.3
    (
        &[
            0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x03,
        ],
        "jurisdictionC",
    ),
    // 1.3.6.1.4.1.311.60.2.1.2
    (
        &[
            0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x02,
        ],
        "jurisdictionST",
    ),
    // 1.3.6.1.4.1.311.60.2.1.1
    (
        &[
            0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x01,
        ],
        "jurisdictionL",
    ),
];

/// The short name of an attribute type, by its OID's DER contents. Nearly every attribute
/// is one of X.520's `2.5.4.n` (three octets), found without comparing slices.
fn attribute_name(oid: &[u8]) -> Option<&'static str> {
    if let [0x55, 0x04, _] = oid {
        // The table lists X.520's attributes first.
        return ATTRIBUTE_NAMES
            .iter()
            .take_while(|(o, _)| o.len() == 3)
            .find(|(o, _)| o[2] == oid[2])
            .map(|(_, n)| *n);
    }
    ATTRIBUTE_NAMES
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, n)| *n)
}

/// [`BYTE_CLASS`] bit: a PrintableString character (A-Z a-z 0-9 space ' ( ) + , - . / : = ?).
const PRINTABLE: u8 = 1;
/// [`BYTE_CLASS`] bit: printable ASCII that the `dn` string shows unescaped (not `,` `+` `\`).
const PLAIN: u8 = 2;
/// Each byte's classes, looked up once per byte: names are rendered twice for every
/// certificate, and the checks written as comparisons were a tenth of reading a bundle.
static BYTE_CLASS: [u8; 256] = byte_classes();

const fn byte_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = PLAIN;
        b += 1;
    }
    t[b',' as usize] = 0;
    t[b'+' as usize] = 0;
    t[b'\\' as usize] = 0;
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] |= PRINTABLE;
        }
        b += 1;
    }
    let extra = b" '()+,-./:=?";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] |= PRINTABLE;
        i += 1;
    }
    t
}

/// Decode an ASN.1 character string by its tag. Returns the text and, when the bytes break
/// the string type's rules, a description of the defect (the text is then a lossy rendering).
/// Borrowed when the bytes are the text (UTF-8 and ASCII, nearly every name).
pub(crate) fn decode_string(tag_byte: u8, bytes: &[u8]) -> (Cow<'_, str>, Option<String>) {
    match tag_byte {
        // UTF8String
        0x0c => match std::str::from_utf8(bytes) {
            Ok(s) => (s.into(), None),
            Err(_) => (
                String::from_utf8_lossy(bytes),
                Some("UTF8String is not valid UTF-8".into()),
            ),
        },
        // PrintableString: A-Z a-z 0-9 space ' ( ) + , - . / : = ?
        0x13 => {
            let ok = bytes
                .iter()
                .all(|&b| BYTE_CLASS[usize::from(b)] & PRINTABLE != 0);
            let text = latin1(bytes);
            if ok {
                (text, None)
            } else {
                (
                    text,
                    Some("PrintableString holds characters outside its set".into()),
                )
            }
        }
        // IA5String, VisibleString, NumericString: ASCII only.
        0x16 | 0x1a | 0x12 => {
            let text = latin1(bytes);
            if bytes.is_ascii() {
                (text, None)
            } else {
                (
                    text,
                    Some(format!(
                        "{} holds non-ASCII bytes",
                        match tag_byte {
                            0x16 => "IA5String",
                            0x1a => "VisibleString",
                            _ => "NumericString",
                        }
                    )),
                )
            }
        }
        // TeletexString (T61): treated as Latin-1, as OpenSSL and Go do.
        0x14 => (latin1(bytes), None),
        // BMPString: UTF-16BE.
        0x1e => {
            if !bytes.len().is_multiple_of(2) {
                return (
                    latin1(bytes),
                    Some("BMPString has an odd number of bytes".into()),
                );
            }
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            let mut bad = false;
            let text: String = char::decode_utf16(units)
                .map(|r| {
                    r.unwrap_or_else(|_| {
                        bad = true;
                        char::REPLACEMENT_CHARACTER
                    })
                })
                .collect();
            (
                text.into(),
                bad.then(|| "BMPString is not valid UTF-16".into()),
            )
        }
        // UniversalString: UTF-32BE.
        0x1c => {
            if !bytes.len().is_multiple_of(4) {
                return (
                    latin1(bytes),
                    Some("UniversalString length is not a multiple of 4".into()),
                );
            }
            let mut bad = false;
            let text: String = bytes
                .chunks_exact(4)
                .map(|c| {
                    char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])).unwrap_or_else(
                        || {
                            bad = true;
                            char::REPLACEMENT_CHARACTER
                        },
                    )
                })
                .collect();
            (
                text.into(),
                bad.then(|| "UniversalString is not valid UTF-32".into()),
            )
        }
        other => (
            format!("#{}", hex_lower(bytes)).into(),
            Some(format!("attribute value has non-string tag 0x{other:02x}")),
        ),
    }
}

fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    // ASCII (nearly every name) is the same in Latin-1 and UTF-8: borrow it whole.
    match std::str::from_utf8(bytes) {
        Ok(s) if s.is_ascii() => s.into(),
        _ => bytes
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .into(),
    }
}

/// Lower-case hex without separators.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        push_hex_byte(&mut s, b);
    }
    s
}

/// Upper-case hex digits of `bytes` appended to `s` (no allocation per byte: fingerprints
/// and key identifiers are formatted for every certificate).
pub(crate) fn push_hex_upper(s: &mut String, bytes: &[u8], colons: bool) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    // Up to 32 bytes at a time into a buffer, then one `push_str`: `String::push` encodes
    // each char as UTF-8 and checks capacity, which was a third of the time of a CA
    // bundle's fingerprints in WebAssembly.
    let mut buf = [0u8; 96];
    for (c, chunk) in bytes.chunks(32).enumerate() {
        let mut n = 0;
        for (i, &b) in chunk.iter().enumerate() {
            if colons && (c > 0 || i > 0) {
                buf[n] = b':';
                n += 1;
            }
            buf[n] = DIGITS[usize::from(b >> 4)];
            buf[n + 1] = DIGITS[usize::from(b & 15)];
            n += 2;
        }
        // ASCII by construction, so never the empty fallback.
        s.push_str(std::str::from_utf8(&buf[..n]).unwrap_or_default());
    }
}

/// Upper-case, colon-separated hex, as OpenSSL prints key identifiers and fingerprints.
pub(crate) fn hex_colon_upper(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    push_hex_upper(&mut s, bytes, true);
    s
}

/// Escape a value for the `dn` string: `,` `+` `\` get a backslash so the rendering stays
/// unambiguous; control characters are shown as `\xx` so they cannot mess up a terminal.
/// Append `v` to `out`, escaped for the `dn` string.
fn push_escaped(out: &mut String, v: &str) {
    // Printable ASCII without a comma, plus or backslash (nearly every value) is pushed whole.
    if v.bytes().all(|b| BYTE_CLASS[usize::from(b)] & PLAIN != 0) {
        out.push_str(v);
        return;
    }
    for c in v.chars() {
        match c {
            ',' | '+' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // Every control character is below U+00A0: one byte of hex.
            c if c.is_control() => {
                out.push('\\');
                push_hex_byte(out, c as u8);
            }
            c => out.push(c),
        }
    }
}

/// The warning for a SET of no attributes: RFC 5280 says SIZE (1..MAX), but the encoding is
/// sound DER that x509-cert reads.
pub(crate) const EMPTY_RDN: &str = "name has an empty RelativeDistinguishedName";

/// Render a Name (the full SEQUENCE TLV bytes). Warnings name string-type defects. The
/// `dn` text is written in place: every certificate has two names to render (one, when
/// they are the same bytes).
pub(crate) fn render_name(
    name_der: &[u8],
    base: usize,
) -> Result<(NameInfo, Vec<String>), DerError> {
    let mut warnings = Vec::new();
    let mut outer = Reader::new(name_der, base);
    let seq = outer.expect(tag::SEQUENCE, "Name")?;
    let mut rdns = Reader::inside(&seq);
    let mut info = NameInfo {
        dn: String::with_capacity(seq.value.len()),
        cn: None,
        o: Vec::new(),
        ou: Vec::new(),
    };
    let mut first_rdn = true;
    while !rdns.is_empty() {
        let set = rdns.expect(tag::SET, "RelativeDistinguishedName")?;
        let mut atvs = Reader::inside(&set);
        if atvs.is_empty() {
            warnings.push(EMPTY_RDN.into());
        }
        if !first_rdn {
            info.dn.push_str(", ");
        }
        first_rdn = false;
        let mut first_atv = true;
        while !atvs.is_empty() {
            let atv = atvs.expect(tag::SEQUENCE, "AttributeTypeAndValue")?;
            let mut fields = Reader::inside(&atv);
            let oid = fields.expect(tag::OID, "attribute type")?;
            let value = fields.read()?;
            let short = attribute_name(oid.value);
            // Only an attribute without a short name is shown by its OID.
            let key: std::borrow::Cow<'_, str> = match short {
                Some(s) => s.into(),
                None => oid_text(oid.value)
                    .unwrap_or_else(|| format!("#{}", hex_lower(oid.value)).into()),
            };
            let (text, defect) = decode_string(value.tag, value.value);
            if let Some(d) = defect {
                warnings.push(format!("{key} attribute: {d}"));
            }
            if !first_atv {
                info.dn.push_str(" + ");
            }
            first_atv = false;
            info.dn.push_str(&key);
            info.dn.push('=');
            push_escaped(&mut info.dn, &text);
            match short {
                Some("CN") => info.cn = Some(text.into_owned()),
                Some("O") => info.o.push(text.into_owned()),
                Some("OU") => info.ou.push(text.into_owned()),
                _ => {}
            }
        }
    }
    Ok((info, warnings))
}

/// A parsed X.509 time with the ways it breaks RFC 5280's encoding rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct X509Time {
    /// The instant, in UTC, with fractional seconds truncated.
    pub instant: Instant,
    /// RFC 5280 §4.1.2.5 violations (missing seconds, offsets, fractions, wrong type for
    /// the year). The time is still usable.
    pub defects: Vec<String>,
    /// One of `defects` is a GeneralizedTime for a year from 1970 to 2049: a choice RFC 5280
    /// forbids but an encoding x509-cert (whose times start in 1970) reads.
    pub generalized_in_utc_years: bool,
}

/// ASCII decimal digits as a number; `None` if empty or anything else is there.
pub(crate) fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n = 0i64;
    for &b in s {
        n = n * 10 + i64::from(b - b'0');
    }
    Some(n)
}

/// Parse UTCTime (`YYMMDDhhmm[ss](Z|±hhmm)`) or GeneralizedTime
/// (`YYYYMMDDhh[mm[ss[.f…]]][Z|±hhmm]`) leniently, the way OpenSSL reads them, recording
/// each departure from RFC 5280's `YYMMDDhhmmssZ` / `YYYYMMDDhhmmssZ`.
/// The year of a UTCTime's two digits (RFC 5280 §4.1.2.5.1: 50–99 are 19YY, 00–49 20YY).
pub(crate) fn utc_time_year(yy: i64) -> i64 {
    if yy >= 50 { 1900 + yy } else { 2000 + yy }
}

pub(crate) fn parse_x509_time(tag_byte: u8, bytes: &[u8]) -> Result<X509Time, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "time is not ASCII".to_string())?;
    let mut defects = Vec::new();
    let mut generalized_in_utc_years = false;
    let (year, rest, kind) = match tag_byte {
        tag::UTC_TIME => {
            let yy = digits(bytes.get(0..2).ok_or("UTCTime too short")?)
                .ok_or_else(|| time_message("UTCTime", text, "has a non-digit year", ""))?;
            let year = utc_time_year(yy);
            (year, &bytes[2..], "UTCTime")
        }
        tag::GENERALIZED_TIME => {
            let yyyy = digits(bytes.get(0..4).ok_or("GeneralizedTime too short")?)
                .ok_or_else(|| time_message("GeneralizedTime", text, "has a non-digit year", ""))?;
            if yyyy < 2050 {
                generalized_in_utc_years = yyyy >= 1970;
                defects.push(format!(
                    "GeneralizedTime used for year {yyyy}; RFC 5280 requires UTCTime before 2050"
                ));
            }
            (yyyy, &bytes[4..], "GeneralizedTime")
        }
        other => return Err(format!("expected a time, found tag 0x{other:02x}")),
    };
    let field = |range: std::ops::Range<usize>, name: &str| -> Result<i64, String> {
        rest.get(range)
            .and_then(digits)
            .ok_or_else(|| time_message(kind, text, "has no valid ", name))
    };
    let month = field(0..2, "month")?;
    let day = field(2..4, "day")?;
    let hour = field(4..6, "hour")?;
    let mut pos = 6;
    let is_digit_pair = |p: usize| {
        rest.get(p..p + 2)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let minute = if is_digit_pair(pos) {
        pos += 2;
        field(pos - 2..pos, "minute")?
    } else {
        if kind == "UTCTime" {
            return Err(time_message("UTCTime", text, "has no minutes", ""));
        }
        defects.push(time_message(kind, text, "has no minutes", ""));
        0
    };
    let second = if is_digit_pair(pos) {
        pos += 2;
        field(pos - 2..pos, "second")?
    } else {
        defects.push(time_message(kind, text, "has no seconds (read as :00)", ""));
        0
    };
    if kind == "GeneralizedTime" && matches!(rest.get(pos), Some(b'.') | Some(b',')) {
        let frac_len = rest[pos + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if frac_len == 0 {
            return Err(time_message(kind, text, "has an empty fraction", ""));
        }
        defects.push(time_message(
            kind,
            text,
            "has fractional seconds (truncated)",
            "",
        ));
        pos += 1 + frac_len;
    }
    let offset_secs = match rest.get(pos) {
        Some(b'Z') if pos + 1 == rest.len() => 0,
        Some(&sign @ (b'+' | b'-')) if pos + 5 == rest.len() => {
            let hh = digits(&rest[pos + 1..pos + 3])
                .ok_or_else(|| time_message(kind, text, "has a bad offset", ""))?;
            let mm = digits(&rest[pos + 3..pos + 5])
                .ok_or_else(|| time_message(kind, text, "has a bad offset", ""))?;
            if hh > 23 || mm > 59 {
                return Err(time_message(kind, text, "has an out-of-range offset", ""));
            }
            defects.push(time_message(
                kind,
                text,
                "has a UTC offset instead of Z (converted to UTC)",
                "",
            ));
            let s = hh * 3600 + mm * 60;
            if sign == b'+' { s } else { -s }
        }
        None if kind == "GeneralizedTime" => {
            defects.push(time_message(
                kind,
                text,
                "has no time zone (read as UTC)",
                "",
            ));
            0
        }
        _ => {
            return Err(time_message(
                kind,
                text,
                "does not end in Z or a ±hhmm offset",
                "",
            ));
        }
    };
    // Leap second 60 is folded into :59 (jiff rejects :60, and no AKS tool prints it).
    let second = second.min(59);
    let local = Instant::from_civil(
        i16::try_from(year).map_err(|_| time_message(kind, text, "year out of range", ""))?,
        i8::try_from(month).map_err(|_| time_message(kind, text, "month out of range", ""))?,
        i8::try_from(day).map_err(|_| time_message(kind, text, "day out of range", ""))?,
        i8::try_from(hour).map_err(|_| time_message(kind, text, "hour out of range", ""))?,
        i8::try_from(minute).map_err(|_| time_message(kind, text, "minute out of range", ""))?,
        i8::try_from(second).map_err(|_| time_message(kind, text, "second out of range", ""))?,
    )
    .map_err(|_| time_message(kind, text, "is not a calendar date and time", ""))?;
    let instant = Instant::from_unix(local.unix() - offset_secs).map_err(|_| {
        time_message(
            kind,
            text,
            "is outside years 0001-9999 once converted to UTC",
            "",
        )
    })?;
    if kind == "UTCTime" && instant.unix() >= 2_524_608_000 {
        // 2050-01-01: unreachable for UTCTime, kept as a guard for offset arithmetic.
        defects.push(time_message(kind, text, "lands in 2050 or later", ""));
    }
    Ok(X509Time {
        instant,
        defects,
        generalized_in_utc_years,
    })
}

/// A time's error or defect message, "{kind} `{text}` {what}{detail}": out of line, so
/// the reader every certificate runs (twice) carries one call per message instead of its
/// formatting, and a module compiles the formatting only when a message is written.
#[cold]
#[inline(never)]
fn time_message(kind: &str, text: &str, what: &str, detail: &str) -> String {
    format!("{kind} `{text}` {what}{detail}")
}

#[cfg(test)]
mod tests {
    use super::super::der_walk::oid_string;

    #[test]
    fn hex_is_what_format_writes() {
        for len in 0..=50usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 5) as u8).collect();
            let each: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
            assert_eq!(super::hex_colon_upper(&bytes), each.join(":"));
            let mut plain = String::from("x");
            super::push_hex_upper(&mut plain, &bytes, false);
            assert_eq!(plain, format!("x{}", each.concat()));
        }
    }

    #[test]
    fn byte_classes_are_the_rules_they_stand_for() {
        for b in 0..=255u8 {
            let printable = b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b);
            let plain = (0x20..0x7f).contains(&b) && !matches!(b, b',' | b'+' | b'\\');
            assert_eq!(
                BYTE_CLASS[usize::from(b)] & PRINTABLE != 0,
                printable,
                "{b:#04x}"
            );
            assert_eq!(BYTE_CLASS[usize::from(b)] & PLAIN != 0, plain, "{b:#04x}");
        }
    }

    #[test]
    fn attribute_names_are_keyed_by_the_right_oids() {
        let dotted = [
            "2.5.4.3",
            "2.5.4.6",
            "2.5.4.10",
            "2.5.4.11",
            "2.5.4.7",
            "2.5.4.8",
            "2.5.4.9",
            "2.5.4.5",
            "2.5.4.4",
            "2.5.4.42",
            "2.5.4.12",
            "2.5.4.15",
            "2.5.4.17",
            "2.5.4.97",
            "1.2.840.113549.1.9.1",
            "0.9.2342.19200300.100.1.25",
            "0.9.2342.19200300.100.1.1",
            "1.3.6.1.4.1.311.60.2.1.3",
            "1.3.6.1.4.1.311.60.2.1.2",
            "1.3.6.1.4.1.311.60.2.1.1",
        ];
        assert_eq!(ATTRIBUTE_NAMES.len(), dotted.len());
        for ((der, name), text) in ATTRIBUTE_NAMES.iter().zip(dotted) {
            assert_eq!(oid_string(der).as_deref(), Some(text), "{name}");
            // The lookup's shortcut finds every entry, and only its own OID.
            assert_eq!(attribute_name(der), Some(*name));
        }
        assert_eq!(attribute_name(&[0x55, 0x04, 0x2b]), None); // 2.5.4.43, initials
        assert_eq!(attribute_name(&[0x55, 0x04]), None);
        assert_eq!(attribute_name(&[0x55, 0x04, 0x03, 0x01]), None);
    }

    #[test]
    fn escaping_fast_path_matches_the_general_rule() {
        for (value, want) in [
            ("plain value", "plain value"),
            ("a,b+c\\d", "a\\,b\\+c\\\\d"),
            ("tab\there", "tab\\09here"),
            ("caf\u{e9}", "caf\u{e9}"),
            ("\u{85}x", "\\85x"),
        ] {
            let mut out = String::new();
            push_escaped(&mut out, value);
            assert_eq!(out, want, "{value:?}");
        }
        assert_eq!(latin1(b"abc"), "abc");
        assert_eq!(latin1(&[0x63, 0xe9]), "c\u{e9}");
    }
    use super::*;

    fn t(tag_byte: u8, s: &str) -> X509Time {
        parse_x509_time(tag_byte, s.as_bytes()).unwrap()
    }

    #[test]
    fn utc_and_generalized_times_like_openssl() {
        let a = t(tag::UTC_TIME, "190520080547Z");
        assert_eq!(a.instant.to_string(), "2019-05-20T08:05:47Z");
        assert!(a.defects.is_empty());
        assert_eq!(
            t(tag::UTC_TIME, "500101000000Z").instant.to_string(),
            "1950-01-01T00:00:00Z"
        );
        assert_eq!(
            t(tag::GENERALIZED_TIME, "99991231235959Z").instant,
            Instant::MAX
        );
        // boringssl bad_validity: no seconds; OpenSSL prints :00.
        let b = t(tag::UTC_TIME, "0908080100Z");
        assert_eq!(b.instant.to_string(), "2009-08-08T01:00:00Z");
        assert_eq!(b.defects.len(), 1);
        // zlint utcNotZulu: -0500 converted to GMT, as OpenSSL does.
        let c = t(tag::UTC_TIME, "160810142728-0500");
        assert_eq!(c.instant.to_string(), "2016-08-10T19:27:28Z");
        // Fractions are truncated.
        let d = t(tag::GENERALIZED_TIME, "20571201060708.999Z");
        assert_eq!(d.instant.to_string(), "2057-12-01T06:07:08Z");
        assert!(parse_x509_time(tag::UTC_TIME, b"991332000000Z").is_err());
        assert!(parse_x509_time(tag::UTC_TIME, b"9912").is_err());
        assert!(parse_x509_time(tag::UTC_TIME, b"\xff\xff").is_err());
    }

    #[test]
    fn strings_and_names() {
        assert_eq!(
            decode_string(0x13, b"a*b").1.as_deref(),
            Some("PrintableString holds characters outside its set")
        );
        assert_eq!(decode_string(0x1e, &[0, b'h', 0, b'i']).0, "hi");
        assert!(decode_string(0x16, &[0xe9]).1.is_some());
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.10, UTF8 "system:masters" } }, SET { ... CN "client" } }
        let mut name = vec![0x30, 0x00];
        for (oid_last, v) in [(0x0a, "system:masters"), (0x03, "client")] {
            let atv_len = 5 + 2 + v.len();
            name.extend([
                0x31,
                (atv_len + 2) as u8,
                0x30,
                atv_len as u8,
                0x06,
                0x03,
                0x55,
                0x04,
                oid_last,
                0x0c,
                v.len() as u8,
            ]);
            name.extend(v.as_bytes());
        }
        name[1] = (name.len() - 2) as u8;
        let (info, w) = render_name(&name, 0).unwrap();
        assert_eq!(info.dn, "O=system:masters, CN=client");
        assert_eq!(info.cn.as_deref(), Some("client"));
        assert_eq!(info.o, vec!["system:masters".to_string()]);
        assert!(w.is_empty());
    }
}
