//! Reading one X.509 certificate into facts.
//!
//! The lenient walker in [`super::der_walk`] pulls out the fields, so a certificate that
//! strict parsers refuse but OpenSSL shows (UTCTime without seconds, explicit v1,
//! non-minimal serial) still gets its dates reported — an expiry tool must still say when
//! it expires. A certificate the walk read without an encoding defect, all canonical DER,
//! is strict; one with such a defect goes to the strict decoder ([`super::strict::cert`]:
//! DER and RFC 5280 §4.1, what the `x509-cert` crate accepts), whose refusal becomes a
//! warning. Extensions are read in [`super::extensions`].

use sha2::{Digest, Sha256};

use std::borrow::Cow;

use super::der_walk::{
    DerError, Reader, Tlv, is_canonical_der, minimal_integer, oid_text, tag, uint_bits,
};
use super::dn::{EMPTY_RDN, hex_colon_upper, parse_x509_time, render_name};
use super::error::InspectError;
use super::model::{BasicConstraintsInfo, NameInfo, PublicKeyInfo, SanInfo};
use super::strict::MAX_SERIAL_OCTETS;
use crate::time::Instant;

/// One extension as found in the certificate.
#[derive(Debug, Clone)]
pub(crate) struct Ext<'a> {
    pub oid: Cow<'static, str>,
    pub critical: bool,
    pub value: &'a [u8],
}

/// A certificate's fields, borrowed from the input bytes.
#[derive(Debug, Clone)]
pub(crate) struct ParsedCert<'a> {
    /// The certificate's own TLV (no trailing data).
    pub der: &'a [u8],
    /// The TBSCertificate TLV, exactly as signed.
    pub tbs: &'a [u8],
    pub version: u8,
    pub serial: &'a [u8],
    /// Signature algorithm TLV (outer).
    pub sig_alg: &'a [u8],
    pub sig_alg_oid: Cow<'static, str>,
    /// Signature algorithm TLV inside the TBS; RFC 5280 requires it to equal `sig_alg`.
    pub tbs_sig_alg: &'a [u8],
    pub issuer_der: &'a [u8],
    pub subject_der: &'a [u8],
    pub issuer: NameInfo,
    pub subject: NameInfo,
    pub not_before: Instant,
    pub not_after: Instant,
    pub spki: &'a [u8],
    pub public_key: PublicKeyInfo,
    pub extensions: Vec<Ext<'a>>,
    /// The signature bits (the BIT STRING without its unused-bits octet).
    pub signature: &'a [u8],
    pub basic_constraints: Option<BasicConstraintsInfo>,
    /// keyUsage bits as (name, set) in RFC 5280 order; `None` when absent.
    pub key_usage: Option<Vec<&'static str>>,
    pub extended_key_usage: Option<Vec<Cow<'static, str>>>,
    pub sans: SanInfo,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// The AKI carries authorityCertIssuer / authorityCertSerialNumber.
    pub aki_has_issuer_serial: bool,
    /// Critical extensions this reader does not understand.
    pub unknown_critical: Vec<String>,
    /// Some extension OID appears more than once.
    pub duplicate_extension: bool,
    /// The certificate is strict DER (RFC 5280 §4.1, as `x509-cert` reads it).
    pub strict_ok: bool,
    pub warnings: Vec<String>,
}

fn der_err(what: &str, e: DerError) -> InspectError {
    InspectError::Der {
        what: what.to_string(),
        offset: e.offset,
        reason: e.reason,
    }
}

/// Name of a signature algorithm OID, in OpenSSL's spelling.
pub(crate) fn signature_algorithm_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        "2.16.840.1.101.3.4.3.1" => "dsa-with-sha224",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-sha256",
        _ => return None,
    })
}

fn curve_name(oid: Cow<'static, str>) -> (Cow<'static, str>, Option<u32>) {
    let (name, bits) = match &*oid {
        "1.2.840.10045.3.1.7" => ("P-256", 256),
        "1.3.132.0.34" => ("P-384", 384),
        "1.3.132.0.35" => ("P-521", 521),
        "1.3.132.0.33" => ("P-224", 224),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.2.840.10045.3.1.1" => ("P-192", 192),
        _ => return (oid, None),
    };
    (Cow::Borrowed(name), Some(bits))
}

/// Algorithm, size and curve of a SubjectPublicKeyInfo TLV.
pub(crate) fn public_key_info(spki: &[u8], base: usize) -> Result<PublicKeyInfo, DerError> {
    let mut r = Reader::new(spki, base);
    let seq = r.expect(tag::SEQUENCE, "SubjectPublicKeyInfo")?;
    let mut f = Reader::inside(&seq);
    let alg = f.expect(tag::SEQUENCE, "SubjectPublicKeyInfo.algorithm")?;
    let key = f.expect(tag::BIT_STRING, "SubjectPublicKeyInfo.subjectPublicKey")?;
    let mut a = Reader::inside(&alg);
    let oid = a.expect(tag::OID, "public key algorithm")?;
    let oid = oid_text(oid.value).unwrap_or(Cow::Borrowed("malformed OID"));
    let params = if a.is_empty() { None } else { Some(a.read()?) };
    let key_bits = key.value.get(1..).unwrap_or(&[]);
    let info = match &*oid {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
            let bits = Reader::new(key_bits, 0)
                .expect(tag::SEQUENCE, "RSAPublicKey")
                .ok()
                .and_then(|s| Reader::inside(&s).expect(tag::INTEGER, "modulus").ok())
                .map(|m| uint_bits(m.value));
            PublicKeyInfo {
                algorithm: if oid.ends_with(".10") {
                    "RSASSA-PSS"
                } else {
                    "RSA"
                }
                .into(),
                bits,
                curve: None,
            }
        }
        "1.2.840.10045.2.1" => {
            let (curve, bits) = match params {
                Some(Tlv {
                    tag: tag::OID,
                    value,
                    ..
                }) => curve_name(oid_text(value).unwrap_or(Cow::Borrowed("malformed OID"))),
                _ => ("explicit or missing curve parameters".into(), None),
            };
            PublicKeyInfo {
                algorithm: "EC".into(),
                bits,
                curve: Some(curve),
            }
        }
        "1.3.101.112" => PublicKeyInfo {
            algorithm: "Ed25519".into(),
            bits: Some(256),
            curve: None,
        },
        "1.3.101.113" => PublicKeyInfo {
            algorithm: "Ed448".into(),
            bits: Some(456),
            curve: None,
        },
        "1.3.101.110" => PublicKeyInfo {
            algorithm: "X25519".into(),
            bits: Some(253),
            curve: None,
        },
        "1.2.840.10040.4.1" => {
            // Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }; size is |p|.
            let bits = match params {
                Some(p) if p.tag == tag::SEQUENCE => Reader::inside(&p)
                    .expect(tag::INTEGER, "DSA p")
                    .ok()
                    .map(|p| uint_bits(p.value)),
                _ => None,
            };
            PublicKeyInfo {
                algorithm: "DSA".into(),
                bits,
                curve: None,
            }
        }
        _ => PublicKeyInfo {
            algorithm: oid,
            bits: None,
            curve: None,
        },
    };
    Ok(info)
}

/// `openssl x509 -serial` form of a serial number's INTEGER contents.
pub(crate) fn serial_string(content: &[u8]) -> String {
    let negative = content.first().is_some_and(|b| b & 0x80 != 0);
    let magnitude: std::borrow::Cow<'_, [u8]> = if negative {
        // Two's complement negation.
        let mut m: Vec<u8> = content.iter().map(|b| !b).collect();
        for b in m.iter_mut().rev() {
            let (v, carry) = b.overflowing_add(1);
            *b = v;
            if !carry {
                break;
            }
        }
        m.into()
    } else {
        content.into()
    };
    let start = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len());
    let mut out = String::with_capacity(2 * magnitude.len() + 1);
    if negative {
        out.push('-');
    }
    if start == magnitude.len() {
        out.push_str("00");
    } else {
        super::dn::push_hex_upper(&mut out, &magnitude[start..], false);
    }
    out
}

/// SHA-256 fingerprint in OpenSSL's `AB:CD:…` form.
pub(crate) fn sha256_fingerprint(der: &[u8]) -> String {
    hex_colon_upper(&Sha256::digest(der))
}

/// Parse the certificate at the start of `data`. Returns it and the number of bytes it
/// occupies; bytes after it are the caller's business.
pub(crate) fn parse_certificate(data: &[u8]) -> Result<(ParsedCert<'_>, usize), InspectError> {
    parse_certificate_with(data, true)
}

/// [`parse_certificate`] without the strict pass, for certificates that were
/// already reported once and are only re-read for signature checks.
pub(crate) fn reparse_certificate(data: &[u8]) -> Result<(ParsedCert<'_>, usize), InspectError> {
    parse_certificate_with(data, false)
}

fn parse_certificate_with(
    data: &[u8],
    strict: bool,
) -> Result<(ParsedCert<'_>, usize), InspectError> {
    const W: &str = "certificate";
    let mut top = Reader::new(data, 0);
    let cert = top.read().map_err(|e| der_err(W, e))?;
    if cert.tag != tag::SEQUENCE {
        return Err(InspectError::Der {
            what: W.into(),
            offset: 0,
            reason: format!("expected a SEQUENCE (0x30), found tag 0x{:02x}", cert.tag),
        });
    }
    let consumed = cert.full.len();
    let mut warnings = Vec::new();
    if cert.non_minimal_length {
        warnings.push("certificate length is not minimally encoded (BER, not DER)".into());
    }

    let mut c = Reader::inside(&cert);
    let tbs = c
        .expect(tag::SEQUENCE, "TBSCertificate")
        .map_err(|e| der_err(W, e))?;
    let sig_alg = c
        .expect(tag::SEQUENCE, "signatureAlgorithm")
        .map_err(|e| der_err(W, e))?;
    let sig = c
        .expect(tag::BIT_STRING, "signatureValue")
        .map_err(|e| der_err(W, e))?;
    if !c.is_empty() {
        warnings.push(format!(
            "{} bytes of data after the signature inside the certificate SEQUENCE",
            c.remaining()
        ));
    }
    let signature = match sig.value.split_first() {
        Some((0, bits)) => bits,
        Some((n, bits)) => {
            warnings.push(format!("signature BIT STRING has {n} unused bits"));
            bits
        }
        None => {
            warnings.push("signature BIT STRING is empty".into());
            &[]
        }
    };
    let sig_alg_oid = Reader::inside(&sig_alg)
        .expect(tag::OID, "signature algorithm")
        .ok()
        .and_then(|o| oid_text(o.value))
        .unwrap_or(Cow::Borrowed("malformed OID"));

    // Warnings about what the fields say, not how they are encoded: x509-cert reads such a
    // certificate like any other, so they alone do not send it there for the strict verdict.
    let mut content_only = 0usize;
    let mut t = Reader::inside(&tbs);
    let mut version = 1u8;
    if t.peek_tag() == Some(0xa0) {
        let v = t.read().map_err(|e| der_err(W, e))?;
        let int = Reader::inside(&v)
            .expect(tag::INTEGER, "version")
            .map_err(|e| der_err(W, e))?;
        version = match int.value {
            [0] => {
                warnings.push("version v1 is encoded explicitly (DER requires it omitted)".into());
                1
            }
            [1] => 2,
            [2] => 3,
            other => {
                warnings.push(format!("unknown certificate version {}", hex_list(other)));
                3
            }
        };
    }
    let serial = t
        .expect(tag::INTEGER, "serialNumber")
        .map_err(|e| der_err(W, e))?;
    if serial.value.is_empty() {
        return Err(InspectError::Der {
            what: W.into(),
            offset: serial.offset,
            reason: "serialNumber INTEGER is empty".into(),
        });
    }
    if !minimal_integer(serial.value) {
        warnings.push("serialNumber is not minimally encoded".into());
    }
    // x509-cert reads negative and zero serials (RFC 5280 asks users to be prepared for
    // them), and any of up to `MAX_SERIAL_OCTETS`.
    if serial.value[0] & 0x80 != 0 {
        warnings.push("serialNumber is negative (RFC 5280 requires a positive integer)".into());
        content_only += 1;
    } else if serial.value.iter().all(|&b| b == 0) {
        warnings.push("serialNumber is zero (RFC 5280 requires a positive integer)".into());
        content_only += 1;
    }
    // RFC 5280's 20-octet limit is on the value; a leading sign octet may make it 21.
    if serial.value.len() - usize::from(serial.value.len() > 1 && serial.value[0] == 0) > 20 {
        warnings.push(format!(
            "serialNumber is {} octets long (RFC 5280 allows at most 20)",
            serial.value.len()
        ));
        content_only += usize::from(serial.value.len() <= MAX_SERIAL_OCTETS);
    }
    let tbs_sig_alg = t
        .expect(tag::SEQUENCE, "TBSCertificate.signature")
        .map_err(|e| der_err(W, e))?;
    if tbs_sig_alg.full != sig_alg.full {
        warnings.push(
            "signature algorithm inside the TBSCertificate differs from the outer one".into(),
        );
    }
    let issuer = t
        .expect(tag::SEQUENCE, "issuer")
        .map_err(|e| der_err(W, e))?;
    let validity = t
        .expect(tag::SEQUENCE, "validity")
        .map_err(|e| der_err(W, e))?;
    let subject = t
        .expect(tag::SEQUENCE, "subject")
        .map_err(|e| der_err(W, e))?;
    let spki = t
        .expect(tag::SEQUENCE, "subjectPublicKeyInfo")
        .map_err(|e| der_err(W, e))?;

    let mut v = Reader::inside(&validity);
    let mut read_time = |which: &str| -> Result<Instant, InspectError> {
        let tlv = v.read().map_err(|e| der_err(W, e))?;
        let parsed = parse_x509_time(tlv.tag, tlv.value).map_err(|reason| InspectError::Der {
            what: format!("certificate validity {which}"),
            offset: tlv.offset,
            reason,
        })?;
        content_only += usize::from(parsed.generalized_in_utc_years);
        for d in parsed.defects {
            warnings.push(format!("{which}: {d}"));
        }
        Ok(parsed.instant)
    };
    let not_before = read_time("notBefore")?;
    let not_after = read_time("notAfter")?;
    if not_after < not_before {
        warnings.push("notAfter is before notBefore: the certificate is never valid".into());
        content_only += 1;
    }

    type Rendered = Result<(NameInfo, Vec<String>), DerError>;
    let mut name_or_warn =
        |rendered: Rendered, which: &str, warnings: &mut Vec<String>| match rendered {
            Ok((info, w)) => {
                content_only += w.iter().filter(|w| *w == EMPTY_RDN).count();
                warnings.extend(w.into_iter().map(|w| format!("{which}: {w}")));
                info
            }
            Err(e) => {
                warnings.push(format!(
                    "{which} name is malformed at byte {}: {}",
                    e.offset, e.reason
                ));
                NameInfo {
                    dn: "<unreadable name>".into(),
                    cn: None,
                    o: Vec::new(),
                    ou: Vec::new(),
                }
            }
        };
    let issuer_rendered = render_name(issuer.full, issuer.offset);
    // A self-issued certificate (every root) names the same bytes twice: render them once.
    // An error is rendered again, for its offset in the subject.
    let subject_rendered = match &issuer_rendered {
        Ok(rendered) if subject.full == issuer.full => Ok(rendered.clone()),
        _ => render_name(subject.full, subject.offset),
    };
    let issuer_info = name_or_warn(issuer_rendered, "issuer", &mut warnings);
    let subject_info = name_or_warn(subject_rendered, "subject", &mut warnings);
    if issuer_info.dn.is_empty() {
        warnings.push("issuer name is empty (RFC 5280 requires a non-empty issuer)".into());
        content_only += 1;
    }

    let public_key = public_key_info(spki.full, spki.offset).unwrap_or_else(|e| {
        warnings.push(format!(
            "subjectPublicKeyInfo is malformed at byte {}: {}",
            e.offset, e.reason
        ));
        PublicKeyInfo {
            algorithm: "unreadable".into(),
            bits: None,
            curve: None,
        }
    });

    // Room for the usual dozen, so the list is allocated once.
    let mut extensions = Vec::with_capacity(12);
    while !t.is_empty() {
        let field = t.read().map_err(|e| der_err(W, e))?;
        match field.tag {
            0x81 | 0x82 | 0xa1 | 0xa2 => {
                if version < 2 {
                    warnings.push("issuer/subject unique ID in a v1 certificate".into());
                }
            }
            0xa3 => {
                if version < 3 {
                    warnings.push(format!("extensions in a v{version} certificate"));
                }
                let mut outer = Reader::inside(&field);
                let seq = outer
                    .expect(tag::SEQUENCE, "Extensions")
                    .map_err(|e| der_err(W, e))?;
                if !outer.is_empty() {
                    warnings.push("data after the Extensions SEQUENCE".into());
                }
                let mut exts = Reader::inside(&seq);
                if exts.is_empty() {
                    warnings
                        .push("Extensions is an empty SEQUENCE (RFC 5280: SIZE (1..MAX))".into());
                }
                while !exts.is_empty() {
                    let ext = exts
                        .expect(tag::SEQUENCE, "Extension")
                        .map_err(|e| der_err(W, e))?;
                    let mut e = Reader::inside(&ext);
                    let oid = e.expect(tag::OID, "extnID").map_err(|e| der_err(W, e))?;
                    let mut critical = false;
                    if let Some(b) = e.read_optional(tag::BOOLEAN).map_err(|e| der_err(W, e))? {
                        critical = match b.value {
                            [0xff] => true,
                            [0x00] => {
                                warnings.push("extension encodes critical=FALSE explicitly (DER requires it omitted)".into());
                                false
                            }
                            [x] => {
                                warnings.push(format!("extension critical BOOLEAN is 0x{x:02x} (DER requires 0x00 or 0xFF)"));
                                true
                            }
                            _ => {
                                warnings.push("extension critical BOOLEAN has a bad length".into());
                                false
                            }
                        };
                    }
                    let value = e
                        .expect(tag::OCTET_STRING, "extnValue")
                        .map_err(|e| der_err(W, e))?;
                    if !e.is_empty() {
                        warnings.push("data after extnValue inside an Extension".into());
                    }
                    extensions.push(Ext {
                        oid: oid_text(oid.value).unwrap_or(Cow::Borrowed("malformed OID")),
                        critical,
                        value: value.value,
                    });
                }
            }
            other => warnings.push(format!(
                "unexpected field with tag 0x{other:02x} in TBSCertificate"
            )),
        }
    }

    // Strictness: a certificate the walk read without a single encoding defect (an empty
    // name or RDN, swapped dates, a zero or negative serial are allowed: x509-cert accepts
    // them) and whose every element is canonical DER is strict; only one with some defect
    // is handed to the strict decoder, whose verdict (and message) then decides. Most
    // certificates are clean, so most are read once.
    let malformed = |o: &str| o == "malformed OID";
    let clean = warnings.len() == content_only
        && !malformed(&sig_alg_oid)
        && !malformed(&public_key.algorithm)
        && !extensions.iter().any(|e| malformed(&e.oid));
    let strict_ok = if !strict || (clean && is_canonical_der(cert.full)) {
        true
    } else {
        match super::strict::cert::certificate(cert.full) {
            Ok(()) => true,
            Err(e) => {
                // Where it always stood: after the outer length warning, before the rest.
                warnings.insert(
                    usize::from(cert.non_minimal_length),
                    format!("strict RFC 5280 DER parsing refuses this certificate: {e}"),
                );
                false
            }
        }
    };
    let mut parsed = ParsedCert {
        der: cert.full,
        tbs: tbs.full,
        version,
        serial: serial.value,
        sig_alg: sig_alg.full,
        sig_alg_oid,
        tbs_sig_alg: tbs_sig_alg.full,
        issuer_der: issuer.full,
        subject_der: subject.full,
        issuer: issuer_info,
        subject: subject_info,
        not_before,
        not_after,
        spki: spki.full,
        public_key,
        extensions: Vec::new(),
        signature,
        basic_constraints: None,
        key_usage: None,
        extended_key_usage: None,
        sans: SanInfo::default(),
        subject_key_id: None,
        authority_key_id: None,
        aki_has_issuer_serial: false,
        unknown_critical: Vec::new(),
        duplicate_extension: false,
        strict_ok,
        warnings,
    };
    super::extensions::decode_extensions(&mut parsed, &extensions);
    parsed.extensions = extensions;
    Ok((parsed, consumed))
}

/// Bytes as `{:02x?}` prints them, `[02, ff]`, without the `Debug` list machinery it
/// brings into a module (1.3 KB) for this one rare message.
fn hex_list(bytes: &[u8]) -> String {
    let mut s = String::from("[");
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        crate::json_ser::push_hex_byte(&mut s, b);
    }
    s.push(']');
    s
}

impl ParsedCert<'_> {
    /// Whether basicConstraints says this is a CA.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.as_ref().is_some_and(|b| b.ca)
    }

    /// Issuer and subject names are the same bytes (or the same rendering).
    pub fn self_issued(&self) -> bool {
        self.issuer_der == self.subject_der
            || (!self.subject.dn.is_empty() && self.issuer.dn == self.subject.dn)
    }

    /// Whether the certificate declares `usage` (keyUsage bit name) or has no keyUsage.
    pub fn allows_key_usage(&self, usage: &str) -> bool {
        self.key_usage.as_ref().is_none_or(|ku| ku.contains(&usage))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_list_is_what_debug_hex_prints() {
        for bytes in [&[][..], &[3], &[0, 255, 16, 0x0a]] {
            assert_eq!(super::hex_list(bytes), format!("{bytes:02x?}"));
        }
    }
}
