//! Reading one X.509 certificate into facts.
//!
//! Two readers look at every certificate. x509-cert (strict DER, RFC 5280) decides whether
//! it is well-formed; its verdict becomes a warning when it refuses. The lenient walker in
//! [`super::der_walk`] pulls out the fields, so a certificate that strict parsers refuse
//! but OpenSSL shows (UTCTime without seconds, explicit v1, non-minimal serial) still gets
//! its dates reported — an expiry tool must still say when it expires. Extensions are
//! decoded with x509-cert's typed decoders; each failure is a warning naming the defect.

use der::Decode;
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, ExtendedKeyUsage, KeyUsage,
    NameConstraints, PolicyConstraints, SubjectAltName, SubjectKeyIdentifier, name::GeneralName,
};

use std::borrow::Cow;

use super::der_walk::{DerError, Reader, Tlv, is_canonical_der, oid_text, tag, uint_bits};
use super::dn::{hex_colon_upper, parse_x509_time, render_name};
use super::error::InspectError;
use super::ext_der::{self, AltName};
use super::model::{BasicConstraintsInfo, NameInfo, PublicKeyInfo, SanInfo};
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
    pub extended_key_usage: Option<Vec<String>>,
    pub sans: SanInfo,
    pub subject_key_id: Option<Vec<u8>>,
    pub authority_key_id: Option<Vec<u8>>,
    /// The AKI carries authorityCertIssuer / authorityCertSerialNumber.
    pub aki_has_issuer_serial: bool,
    /// Critical extensions this reader does not understand.
    pub unknown_critical: Vec<String>,
    /// Some extension OID appears more than once.
    pub duplicate_extension: bool,
    /// x509-cert accepted the certificate as strict DER.
    pub strict_ok: bool,
    pub warnings: Vec<String>,
}

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

fn eku_name(oid: &str) -> String {
    match oid {
        "1.3.6.1.5.5.7.3.1" => "serverAuth".into(),
        "1.3.6.1.5.5.7.3.2" => "clientAuth".into(),
        "1.3.6.1.5.5.7.3.3" => "codeSigning".into(),
        "1.3.6.1.5.5.7.3.4" => "emailProtection".into(),
        "1.3.6.1.5.5.7.3.8" => "timeStamping".into(),
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning".into(),
        "2.5.29.37.0" => "anyExtendedKeyUsage".into(),
        other => other.into(),
    }
}

fn curve_name(oid: &str) -> (String, Option<u32>) {
    match oid {
        "1.2.840.10045.3.1.7" => ("P-256".into(), Some(256)),
        "1.3.132.0.34" => ("P-384".into(), Some(384)),
        "1.3.132.0.35" => ("P-521".into(), Some(521)),
        "1.3.132.0.33" => ("P-224".into(), Some(224)),
        "1.3.132.0.10" => ("secp256k1".into(), Some(256)),
        "1.2.840.10045.3.1.1" => ("P-192".into(), Some(192)),
        other => (other.into(), None),
    }
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
                }) => curve_name(&oid_text(value).unwrap_or(Cow::Borrowed("malformed OID"))),
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
            algorithm: oid.into_owned(),
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

fn format_ip(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(core::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            Some(core::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

/// Parse the certificate at the start of `data`. Returns it and the number of bytes it
/// occupies; bytes after it are the caller's business.
pub(crate) fn parse_certificate(data: &[u8]) -> Result<(ParsedCert<'_>, usize), InspectError> {
    parse_certificate_with(data, true)
}

/// [`parse_certificate`] without the strict x509-cert pass, for certificates that were
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
                warnings.push(format!("unknown certificate version {other:02x?}"));
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
    if serial.value.len() > 1
        && ((serial.value[0] == 0 && serial.value[1] & 0x80 == 0)
            || (serial.value[0] == 0xff && serial.value[1] & 0x80 != 0))
    {
        warnings.push("serialNumber is not minimally encoded".into());
    }
    if serial.value[0] & 0x80 != 0 {
        warnings.push("serialNumber is negative (RFC 5280 requires a positive integer)".into());
    } else if serial.value.iter().all(|&b| b == 0) {
        warnings.push("serialNumber is zero (RFC 5280 requires a positive integer)".into());
    }
    // RFC 5280's 20-octet limit is on the value; a leading sign octet may make it 21.
    if serial.value.len() - usize::from(serial.value.len() > 1 && serial.value[0] == 0) > 20 {
        warnings.push(format!(
            "serialNumber is {} octets long (RFC 5280 allows at most 20)",
            serial.value.len()
        ));
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
        for d in parsed.defects {
            warnings.push(format!("{which}: {d}"));
        }
        Ok(parsed.instant)
    };
    let not_before = read_time("notBefore")?;
    let not_after = read_time("notAfter")?;
    if not_after < not_before {
        warnings.push("notAfter is before notBefore: the certificate is never valid".into());
    }

    let name_or_warn = |tlv: &Tlv<'_>, which: &str, warnings: &mut Vec<String>| -> NameInfo {
        match render_name(tlv.full, tlv.offset) {
            Ok((info, w)) => {
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
        }
    };
    let issuer_info = name_or_warn(&issuer, "issuer", &mut warnings);
    let subject_info = name_or_warn(&subject, "subject", &mut warnings);
    if issuer_info.dn.is_empty() {
        warnings.push("issuer name is empty (RFC 5280 requires a non-empty issuer)".into());
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

    let mut extensions = Vec::new();
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

    // Strictness: a certificate the walk read without a single defect and whose every
    // element is canonical DER is strict; only one with some defect is handed to x509-cert,
    // whose verdict (and message) then decides. Most certificates are clean, so most are
    // read once.
    let malformed = |o: &str| o == "malformed OID";
    let clean = warnings.is_empty()
        && !malformed(&sig_alg_oid)
        && !malformed(&public_key.algorithm)
        && !extensions.iter().any(|e| malformed(&e.oid));
    let strict_ok = if !strict || (clean && is_canonical_der(cert.full)) {
        true
    } else {
        match x509_cert::Certificate::from_der(cert.full) {
            Ok(_) => true,
            Err(e) => {
                // Where it always stood: after the outer length warning, before the rest.
                warnings.insert(
                    usize::from(cert.non_minimal_length),
                    format!(
                        "strict RFC 5280 DER parsing (x509-cert) refuses this certificate: {e}"
                    ),
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
    decode_extensions(&mut parsed, &extensions);
    parsed.extensions = extensions;
    Ok((parsed, consumed))
}

/// Decode a typed extension value, recording a warning on failure.
fn decode_ext<'a, T: Decode<'a>>(
    value: &'a [u8],
    name: &str,
    warnings: &mut Vec<String>,
) -> Option<T> {
    match T::from_der(value) {
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

fn decode_extensions(p: &mut ParsedCert<'_>, exts: &[Ext<'_>]) {
    let mut seen: Vec<&str> = Vec::with_capacity(exts.len());
    let mut san_critical = false;
    let mut san_present = false;
    let w = &mut p.warnings;
    for ext in exts {
        if seen.contains(&&*ext.oid) {
            p.duplicate_extension = true;
            w.push(format!("extension {} appears more than once", ext.oid));
        }
        seen.push(&*ext.oid);
        if ext.critical && !KNOWN_EXTENSIONS.contains(&&*ext.oid) {
            p.unknown_critical.push(ext.oid.to_string());
        }
        match &*ext.oid {
            "2.5.29.19" => {
                let read = ext_der::basic_constraints(ext.value).or_else(|| {
                    decode_ext::<BasicConstraints>(ext.value, "basicConstraints", w)
                        .map(|bc| (bc.ca, bc.path_len_constraint))
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
                let read = ext_der::key_usage(ext.value).or_else(|| {
                    decode_ext::<KeyUsage>(ext.value, "keyUsage", w).map(|ku| ku.0.bits())
                });
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
                    p.extended_key_usage = Some(purposes.into_iter().map(eku_name).collect());
                } else if let Some(eku) =
                    decode_ext::<ExtendedKeyUsage>(ext.value, "extendedKeyUsage", w)
                {
                    if eku.0.is_empty() {
                        w.push("extendedKeyUsage is empty".into());
                    }
                    p.extended_key_usage = Some(
                        eku.0
                            .iter()
                            .map(|o| eku_name(&oid_text(o.as_bytes()).unwrap_or_default()))
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
                    decode_ext::<SubjectAltName>(ext.value, "subjectAltName", w)
                {
                    if san.0.is_empty() {
                        w.push("subjectAltName is empty (RFC 5280: SIZE (1..MAX))".into());
                    }
                    for gn in &san.0 {
                        let name = match gn {
                            GeneralName::DnsName(s) => AltName::Dns(s.as_str()),
                            GeneralName::Rfc822Name(s) => AltName::Email(s.as_str()),
                            GeneralName::UniformResourceIdentifier(s) => AltName::Uri(s.as_str()),
                            GeneralName::IpAddress(o) => AltName::Ip(o.as_bytes()),
                            _ => continue,
                        };
                        push_alt_name(&mut p.sans, w, name);
                    }
                }
            }
            "2.5.29.18" => {
                decode_ext::<SubjectAltName>(ext.value, "issuerAltName", w);
            }
            "2.5.29.14" => {
                if let Some(id) = ext_der::subject_key_identifier(ext.value) {
                    p.subject_key_id = Some(id.to_vec());
                } else if let Some(ski) =
                    decode_ext::<SubjectKeyIdentifier>(ext.value, "subjectKeyIdentifier", w)
                {
                    p.subject_key_id = Some(ski.0.as_bytes().to_vec());
                }
            }
            "2.5.29.35" => {
                if let Some(id) = ext_der::authority_key_identifier(ext.value) {
                    p.authority_key_id = Some(id.to_vec());
                    p.aki_has_issuer_serial = false;
                } else if let Some(aki) =
                    decode_ext::<AuthorityKeyIdentifier>(ext.value, "authorityKeyIdentifier", w)
                {
                    p.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                    p.aki_has_issuer_serial = aki.authority_cert_issuer.is_some()
                        || aki.authority_cert_serial_number.is_some();
                }
            }
            "2.5.29.30" => {
                if let Some(nc) = decode_ext::<NameConstraints>(ext.value, "nameConstraints", w) {
                    let all = nc
                        .permitted_subtrees
                        .iter()
                        .chain(nc.excluded_subtrees.iter())
                        .flatten();
                    for st in all {
                        if let GeneralName::IpAddress(o) = &st.base
                            && !matches!(o.as_bytes().len(), 8 | 32)
                        {
                            w.push(format!(
                                "nameConstraints iPAddress has {} bytes (must be 8 or 32: address and mask)",
                                o.as_bytes().len()
                            ));
                        }
                    }
                    if nc.permitted_subtrees.is_none() && nc.excluded_subtrees.is_none() {
                        w.push("nameConstraints is empty".into());
                    }
                }
            }
            "2.5.29.32" if ext_der::plain_certificate_policies(ext.value) => {}
            "2.5.29.32" => {
                if let Some(cp) =
                    decode_ext::<CertificatePolicies>(ext.value, "certificatePolicies", w)
                {
                    if cp
                        .0
                        .iter()
                        .any(|pi| pi.policy_qualifiers.as_ref().is_some_and(Vec::is_empty))
                    {
                        w.push("certificatePolicies has an empty policyQualifiers sequence".into());
                    }
                    if cp
                        .0
                        .iter()
                        .flat_map(|pi| pi.policy_qualifiers.iter().flatten())
                        .any(|q| q.qualifier.is_none())
                    {
                        w.push(
                            "certificatePolicies has a PolicyQualifierInfo without its qualifier"
                                .into(),
                        );
                    }
                }
            }
            "2.5.29.36" => {
                if let Some(pc) = decode_ext::<PolicyConstraints>(ext.value, "policyConstraints", w)
                    && pc.require_explicit_policy.is_none()
                    && pc.inhibit_policy_mapping.is_none()
                {
                    w.push("policyConstraints is an empty sequence (RFC 5280 forbids it)".into());
                }
            }
            "2.5.29.31" if ext_der::plain_crl_distribution_points(ext.value) => {}
            "2.5.29.31" => {
                decode_ext::<x509_cert::ext::pkix::CrlDistributionPoints>(
                    ext.value,
                    "cRLDistributionPoints",
                    w,
                );
            }
            "1.3.6.1.5.5.7.1.1" if ext_der::plain_authority_info_access(ext.value) => {}
            "1.3.6.1.5.5.7.1.1" => {
                decode_ext::<x509_cert::ext::pkix::AuthorityInfoAccessSyntax>(
                    ext.value,
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
