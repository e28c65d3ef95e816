//! Does a kubeconfig's `client-key-data` belong to its client certificate? kubectl loads
//! both with Go's `tls.X509KeyPair` before it connects, and fails with `tls: private key
//! does not match public key` when they differ — so a kubeconfig with a wrong key does
//! not work, whatever its certificates say.
//!
//! The key is decoded only to derive its public half, in memory; nothing of it is copied
//! into output, and every error below is a fixed sentence that quotes none of its bytes.

use super::der_walk::{Reader, Tlv, oid_string, tag};
use super::text::base64_decode;

const RSA_OID: &str = "1.2.840.113549.1.1.1";
const EC_OID: &str = "1.2.840.10045.2.1";
const ED25519_OID: &str = "1.3.101.112";
const P256_OID: &str = "1.2.840.10045.3.1.7";
const P384_OID: &str = "1.3.132.0.34";

/// The public half of a private key, in the form its certificate's SPKI holds it.
#[derive(PartialEq, Eq)]
enum PublicHalf {
    /// Modulus and exponent, as INTEGER contents without leading zero octets.
    Rsa(Vec<u8>, Vec<u8>),
    /// Curve OID and the SEC1 point (compared as points, whatever their encoding).
    Ec(String, Vec<u8>),
    /// An EC or Ed25519 private key in a build without elliptic-curve arithmetic (no
    /// `verify` feature: the calculator and full modules): its public half cannot be
    /// derived here.
    #[cfg(not(feature = "verify"))]
    Underived,
    /// The 32-byte key.
    Ed25519(Vec<u8>),
}

fn trim_int(v: &[u8]) -> Vec<u8> {
    let start = v.iter().position(|&b| b != 0).unwrap_or(v.len());
    v[start..].to_vec()
}

/// Why a key and a certificate could not be confirmed to belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyProblem {
    /// They do not: the error kubectl reports, in Go's words.
    Unusable(String),
    /// Not checked in this build; the text says why and where it is checked.
    #[cfg_attr(feature = "verify", allow(dead_code))]
    NotChecked(&'static str),
}

impl From<String> for KeyProblem {
    fn from(e: String) -> Self {
        KeyProblem::Unusable(e)
    }
}

/// Check `client-key-data` (base64 of a PEM private key) against the certificate's
/// SubjectPublicKeyInfo TLV.
pub(crate) fn check_client_key(key_data: &str, cert_spki: &[u8]) -> Result<(), KeyProblem> {
    let pem = base64_decode(key_data, "client-key-data")
        .map_err(|_| "client-key-data is not valid base64".to_string())?;
    let text = std::str::from_utf8(&pem)
        .map_err(|_| "tls: failed to find any PEM data in key input".to_string())?;
    let (label, der) = first_key_block(text)?;
    let private = public_half_of_private_key(&label, &der)
        .ok_or_else(|| "tls: failed to parse private key".to_string())?;
    let public = public_half_of_spki(cert_spki)
        .ok_or_else(|| "tls: private key type does not match public key type".to_string())?;
    #[cfg(not(feature = "verify"))]
    if private == PublicHalf::Underived {
        return Err(KeyProblem::NotChecked(
            "an EC or Ed25519 client key is not compared with its certificate in this module (it needs elliptic-curve arithmetic); the trust module (akscert/trust) and the CLI compare it",
        ));
    }
    let same_type = matches!(
        (&private, &public),
        (PublicHalf::Rsa(..), PublicHalf::Rsa(..))
            | (PublicHalf::Ec(..), PublicHalf::Ec(..))
            | (PublicHalf::Ed25519(_), PublicHalf::Ed25519(_))
    );
    if !same_type {
        return Err(KeyProblem::Unusable(
            "tls: private key type does not match public key type".into(),
        ));
    }
    if private == public || ec_points_equal(&private, &public) {
        Ok(())
    } else {
        Err(KeyProblem::Unusable(
            "tls: private key does not match public key".into(),
        ))
    }
}

/// The first PEM block whose label ends in `PRIVATE KEY`, decoded. Go skips other blocks
/// (certificates) and fails when none is a key.
fn first_key_block(text: &str) -> Result<(String, Vec<u8>), String> {
    let mut lines = text.lines();
    let mut saw_pem = false;
    while let Some(line) = lines.next() {
        let l = line.trim();
        let Some(label) = l
            .strip_prefix("-----BEGIN ")
            .and_then(|r| r.strip_suffix("-----"))
        else {
            continue;
        };
        saw_pem = true;
        let mut body = String::new();
        let mut ended = false;
        for inner in lines.by_ref() {
            let inner = inner.trim();
            if inner.starts_with("-----END ") {
                ended = true;
                break;
            }
            // PEM headers (Proc-Type: 4,ENCRYPTED) mark an encrypted key.
            if inner.contains(':') {
                return Err("tls: failed to parse private key (it is encrypted)".into());
            }
            body.push_str(inner);
        }
        if !label.ends_with("PRIVATE KEY") {
            continue;
        }
        if !ended {
            return Err("tls: failed to find any PEM data in key input".into());
        }
        let der = base64_decode(&body, "private key")
            .map_err(|_| "tls: failed to find any PEM data in key input".to_string())?;
        return Ok((label.to_string(), der));
    }
    Err(if saw_pem {
        "tls: failed to find \"PRIVATE KEY\" PEM block in key input".into()
    } else {
        "tls: failed to find any PEM data in key input".into()
    })
}

fn seq_fields<'a>(der: &'a [u8]) -> Option<Reader<'a>> {
    let seq = Reader::new(der, 0).expect(tag::SEQUENCE, "key").ok()?;
    Some(Reader::inside(&seq))
}

/// PKCS#1, SEC 1 or PKCS#8, whichever parses (Go tries them in that order).
fn public_half_of_private_key(label: &str, der: &[u8]) -> Option<PublicHalf> {
    let _ = label;
    pkcs1(der)
        .or_else(|| pkcs8(der))
        .or_else(|| sec1(der, None))
}

/// RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, … }
fn pkcs1(der: &[u8]) -> Option<PublicHalf> {
    let mut f = seq_fields(der)?;
    let v = f.expect(tag::INTEGER, "version").ok()?;
    if !matches!(v.value, [0] | [1]) {
        return None;
    }
    let n = f.expect(tag::INTEGER, "modulus").ok()?;
    let e = f.expect(tag::INTEGER, "publicExponent").ok()?;
    f.expect(tag::INTEGER, "privateExponent").ok()?;
    Some(PublicHalf::Rsa(trim_int(n.value), trim_int(e.value)))
}

/// `ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters,
/// [1] publicKey }`. The public point is derived from the scalar, not taken on trust.
fn sec1(der: &[u8], curve_from_pkcs8: Option<&str>) -> Option<PublicHalf> {
    let mut f = seq_fields(der)?;
    let v = f.expect(tag::INTEGER, "version").ok()?;
    if v.value != [1] {
        return None;
    }
    let scalar = f.expect(tag::OCTET_STRING, "privateKey").ok()?;
    let mut curve = curve_from_pkcs8.map(str::to_string);
    while !f.is_empty() {
        let field: Tlv<'_> = f.read().ok()?;
        if field.tag == 0xa0 {
            let oid = Reader::inside(&field).expect(tag::OID, "curve").ok()?;
            curve = oid_string(oid.value);
        }
    }
    let curve = curve?;
    #[cfg(not(feature = "verify"))]
    {
        let _ = scalar;
        Some(PublicHalf::Underived).filter(|_| matches!(curve.as_str(), P256_OID | P384_OID))
    }
    #[cfg(feature = "verify")]
    let point = match curve.as_str() {
        P256_OID => p256::SecretKey::from_slice(scalar.value)
            .ok()?
            .public_key()
            .to_sec1_bytes()
            .to_vec(),
        P384_OID => p384::SecretKey::from_slice(scalar.value)
            .ok()?
            .public_key()
            .to_sec1_bytes()
            .to_vec(),
        // Other curves cannot be derived here; kubectl supports only these (and P-521).
        _ => return None,
    };
    #[cfg(feature = "verify")]
    Some(PublicHalf::Ec(curve, point))
}

/// PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, privateKey OCTET STRING, … }
fn pkcs8(der: &[u8]) -> Option<PublicHalf> {
    let mut f = seq_fields(der)?;
    f.expect(tag::INTEGER, "version").ok()?;
    let alg = f.expect(tag::SEQUENCE, "algorithm").ok()?;
    let key = f.expect(tag::OCTET_STRING, "privateKey").ok()?;
    let mut a = Reader::inside(&alg);
    let oid = oid_string(a.expect(tag::OID, "algorithm").ok()?.value)?;
    match oid.as_str() {
        RSA_OID => pkcs1(key.value),
        EC_OID => {
            let curve = oid_string(a.expect(tag::OID, "curve").ok()?.value)?;
            sec1(key.value, Some(&curve))
        }
        ED25519_OID => {
            // CurvePrivateKey ::= OCTET STRING (the 32-byte seed).
            let seed = Reader::new(key.value, 0)
                .expect(tag::OCTET_STRING, "seed")
                .ok()?;
            let seed: [u8; 32] = seed.value.try_into().ok()?;
            #[cfg(feature = "verify")]
            let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
            #[cfg(feature = "verify")]
            return Some(PublicHalf::Ed25519(public.to_bytes().to_vec()));
            #[cfg(not(feature = "verify"))]
            {
                let _ = seed;
                Some(PublicHalf::Underived)
            }
        }
        _ => None,
    }
}

/// The public key of a certificate's SPKI, in the same form.
fn public_half_of_spki(spki: &[u8]) -> Option<PublicHalf> {
    let mut f = seq_fields(spki)?;
    let alg = f.expect(tag::SEQUENCE, "algorithm").ok()?;
    let key = f.expect(tag::BIT_STRING, "subjectPublicKey").ok()?;
    let bits = key.value.get(1..)?;
    let mut a = Reader::inside(&alg);
    let oid = oid_string(a.expect(tag::OID, "algorithm").ok()?.value)?;
    match oid.as_str() {
        RSA_OID => {
            let mut k = seq_fields(bits)?;
            let n = k.expect(tag::INTEGER, "modulus").ok()?;
            let e = k.expect(tag::INTEGER, "publicExponent").ok()?;
            Some(PublicHalf::Rsa(trim_int(n.value), trim_int(e.value)))
        }
        EC_OID => {
            let curve = oid_string(a.expect(tag::OID, "curve").ok()?.value)?;
            Some(PublicHalf::Ec(curve, bits.to_vec()))
        }
        ED25519_OID => Some(PublicHalf::Ed25519(bits.to_vec())),
        _ => None,
    }
}

/// EC points compare as points: a certificate may hold the compressed encoding.
#[cfg(not(feature = "verify"))]
fn ec_points_equal(_: &PublicHalf, _: &PublicHalf) -> bool {
    // No EC private key is derived in this build (`PublicHalf::Underived`).
    false
}

/// EC points compare as points: a certificate may hold the compressed encoding.
#[cfg(feature = "verify")]
fn ec_points_equal(a: &PublicHalf, b: &PublicHalf) -> bool {
    let (PublicHalf::Ec(ca, pa), PublicHalf::Ec(cb, pb)) = (a, b) else {
        return false;
    };
    if ca != cb {
        return false;
    }
    match ca.as_str() {
        P256_OID => matches!(
            (p256::PublicKey::from_sec1_bytes(pa), p256::PublicKey::from_sec1_bytes(pb)),
            (Ok(x), Ok(y)) if x == y
        ),
        P384_OID => matches!(
            (p384::PublicKey::from_sec1_bytes(pa), p384::PublicKey::from_sec1_bytes(pb)),
            (Ok(x), Ok(y)) if x == y
        ),
        _ => false,
    }
}
