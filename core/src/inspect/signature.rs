//! Signature verification with the RustCrypto crates: RSA PKCS#1 v1.5 and PSS (SHA-2),
//! ECDSA P-256 / P-384, Ed25519. Failures carry Go's crypto/x509 wording, because kubectl
//! prints those (`crypto/rsa: verification error`, `x509: ECDSA verification failure`).

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::signature::Verifier as _;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::der_walk::{Reader, oid_string, tag};

pub(crate) use super::sig_check::SigCheck;

#[derive(Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
    fn from_oid(oid: &str) -> Option<Hash> {
        match oid {
            "2.16.840.1.101.3.4.2.1" => Some(Hash::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(Hash::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(Hash::Sha512),
            _ => None,
        }
    }
}

/// Public key algorithm OID, curve OID (EC) and key bits of an SPKI TLV.
fn spki_parts(spki: &[u8]) -> Option<(String, Option<String>, &[u8])> {
    let seq = Reader::new(spki, 0).expect(tag::SEQUENCE, "spki").ok()?;
    let mut f = Reader::inside(&seq);
    let alg = f.expect(tag::SEQUENCE, "alg").ok()?;
    let key = f.expect(tag::BIT_STRING, "key").ok()?;
    let mut a = Reader::inside(&alg);
    let oid = oid_string(a.expect(tag::OID, "oid").ok()?.value)?;
    let curve = a
        .read_optional(tag::OID)
        .ok()
        .flatten()
        .and_then(|o| oid_string(o.value));
    let bits = key.value.split_first().filter(|(u, _)| **u == 0)?.1;
    Some((oid, curve, bits))
}

/// RSASSA-PSS-params: (hash, salt length), requiring MGF1 with the same hash.
fn pss_params(params: &[u8]) -> Result<(Hash, usize), String> {
    let seq = Reader::new(params, 0)
        .expect(tag::SEQUENCE, "RSASSA-PSS-params")
        .map_err(|e| e.reason)?;
    let mut r = Reader::inside(&seq);
    let (mut hash, mut mgf_hash, mut salt) = (None, None, 20usize);
    while !r.is_empty() {
        let field = r.read().map_err(|e| e.reason)?;
        let mut inner = Reader::inside(&field);
        match field.tag {
            0xa0 => {
                let alg = inner
                    .expect(tag::SEQUENCE, "hashAlgorithm")
                    .map_err(|e| e.reason)?;
                let oid = Reader::inside(&alg)
                    .expect(tag::OID, "hash")
                    .map_err(|e| e.reason)?;
                hash = oid_string(oid.value).as_deref().and_then(Hash::from_oid);
            }
            0xa1 => {
                let alg = inner
                    .expect(tag::SEQUENCE, "maskGenAlgorithm")
                    .map_err(|e| e.reason)?;
                let mut m = Reader::inside(&alg);
                m.expect(tag::OID, "mgf").map_err(|e| e.reason)?;
                let h = m.expect(tag::SEQUENCE, "mgf hash").map_err(|e| e.reason)?;
                let oid = Reader::inside(&h)
                    .expect(tag::OID, "hash")
                    .map_err(|e| e.reason)?;
                mgf_hash = oid_string(oid.value).as_deref().and_then(Hash::from_oid);
            }
            0xa2 => {
                let int = inner
                    .expect(tag::INTEGER, "saltLength")
                    .map_err(|e| e.reason)?;
                if int.value.len() > 2 {
                    return Err("PSS salt length is absurd".into());
                }
                salt = int
                    .value
                    .iter()
                    .fold(0usize, |a, &b| (a << 8) | usize::from(b));
            }
            _ => {}
        }
    }
    match (hash, mgf_hash) {
        (Some(h), Some(m)) if std::mem::discriminant(&h) == std::mem::discriminant(&m) => {
            Ok((h, salt))
        }
        _ => Err("RSASSA-PSS with SHA-1 or mismatched MGF1 hash is not supported".into()),
    }
}

/// An issuer's public key, read from its SubjectPublicKeyInfo once and then used for every
/// certificate it may have signed (parsing an RSA key costs about as much as hashing a
/// certificate; a bundle reuses one CA key for many leaves).
pub(crate) struct IssuerKey<'a> {
    key_oid: String,
    curve: Option<String>,
    key_bits: &'a [u8],
    key: Key,
}

/// The decoded key, by type; a key that does not decode keeps why.
enum Key {
    /// RSA, or the reason it cannot be used (too small, malformed).
    Rsa(Result<rsa::PublicKey, String>),
    /// Anything else is decoded when a signature is checked (EC points and Ed25519 keys
    /// decode in microseconds).
    Other,
}

impl<'a> IssuerKey<'a> {
    /// Read a full SubjectPublicKeyInfo TLV; `None` when it is malformed.
    pub(crate) fn parse(spki: &'a [u8]) -> Option<IssuerKey<'a>> {
        let (key_oid, curve, key_bits) = spki_parts(spki)?;
        let key = if key_oid == RSA_OID || key_oid == PSS_OID {
            // Go refuses RSA keys under 1024 bits (crypto/rsa, Go 1.24); kubectl with it.
            let bits = Reader::new(key_bits, 0)
                .expect(tag::SEQUENCE, "RSAPublicKey")
                .ok()
                .and_then(|s| Reader::inside(&s).expect(tag::INTEGER, "modulus").ok())
                .map_or(0, |m| super::der_walk::uint_bits(m.value));
            Key::Rsa(if bits < 1024 {
                Err(format!("crypto/rsa: {bits}-bit keys are insecure"))
            } else {
                rsa::PublicKey::from_pkcs1_der(key_bits)
                    .map_err(|e| format!("the issuer's RSA key is unusable: {e}"))
            })
        } else {
            Key::Other
        };
        Some(IssuerKey {
            key_oid,
            curve,
            key_bits,
            key,
        })
    }

    /// Verify `signature` over `tbs` (algorithm `sig_alg`, a full AlgorithmIdentifier TLV).
    /// With `dry`, every check but the cryptographic one is made and a signature that would
    /// need it is reported as the failure Go would print for it: for pairs already known not
    /// to match (the certificate names another key), whose verdict is not in doubt.
    pub(crate) fn verify(
        &self,
        sig_alg: &[u8],
        tbs: &[u8],
        signature: &[u8],
        dry: bool,
    ) -> SigCheck {
        let key_oid = self.key_oid.as_str();
        let key_bits = self.key_bits;
        let Ok(alg_seq) = Reader::new(sig_alg, 0).expect(tag::SEQUENCE, "sigalg") else {
            return SigCheck::Unsupported("the signature algorithm is malformed".into());
        };
        let mut a = Reader::inside(&alg_seq);
        let Some(alg_oid) = a
            .expect(tag::OID, "oid")
            .ok()
            .and_then(|o| oid_string(o.value))
        else {
            return SigCheck::Unsupported("the signature algorithm OID is malformed".into());
        };
        let params = if a.is_empty() { None } else { a.read().ok() };
        let is_rsa_key = key_oid == RSA_OID || key_oid == PSS_OID;
        let rsa_key = || match &self.key {
            Key::Rsa(Ok(k)) => Ok(k.clone()),
            Key::Rsa(Err(e)) => Err(e.clone()),
            Key::Other => Err("the issuer's key is not an RSA key".to_string()),
        };
        let rsa_fail = || SigCheck::Invalid("crypto/rsa: verification error".into());
        let mismatch = |want: &str| {
            SigCheck::Invalid(format!(
                "x509: signature algorithm specifies an {want} public key, but the issuer has a {} key",
                match key_oid {
                    RSA_OID | PSS_OID => "RSA",
                    "1.2.840.10045.2.1" => "ECDSA",
                    "1.3.101.112" => "Ed25519",
                    _ => "different",
                }
            ))
        };
        match alg_oid.as_str() {
            "1.2.840.113549.1.1.11" | "1.2.840.113549.1.1.12" | "1.2.840.113549.1.1.13" => {
                if !is_rsa_key {
                    return mismatch("RSA");
                }
                let key = match rsa_key() {
                    Ok(k) => k,
                    Err(e) => return SigCheck::Unsupported(e),
                };
                if dry {
                    return rsa_fail();
                }
                let Ok(sig) = rsa::pkcs1v15::Signature::try_from(signature) else {
                    return rsa_fail();
                };
                let ok = match alg_oid.as_str() {
                    "1.2.840.113549.1.1.11" => rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key)
                        .verify(tbs, &sig)
                        .is_ok(),
                    "1.2.840.113549.1.1.12" => rsa::pkcs1v15::VerifyingKey::<Sha384>::new(key)
                        .verify(tbs, &sig)
                        .is_ok(),
                    _ => rsa::pkcs1v15::VerifyingKey::<Sha512>::new(key)
                        .verify(tbs, &sig)
                        .is_ok(),
                };
                if ok { SigCheck::Valid } else { rsa_fail() }
            }
            PSS_OID => {
                if !is_rsa_key {
                    return mismatch("RSA");
                }
                let (hash, salt) = match params.map(|p| pss_params(p.full)) {
                    Some(Ok(p)) => p,
                    Some(Err(e)) => return SigCheck::Unsupported(e),
                    None => {
                        return SigCheck::Unsupported(
                            "RSASSA-PSS without parameters (SHA-1) is not supported".into(),
                        );
                    }
                };
                let key = match rsa_key() {
                    Ok(k) => k,
                    Err(e) => return SigCheck::Unsupported(e),
                };
                if dry {
                    return rsa_fail();
                }
                let Ok(sig) = rsa::pss::Signature::try_from(signature) else {
                    return rsa_fail();
                };
                let ok = match hash {
                    Hash::Sha256 => rsa::pss::VerifyingKey::<Sha256>::new_with_salt_len(key, salt)
                        .verify(tbs, &sig)
                        .is_ok(),
                    Hash::Sha384 => rsa::pss::VerifyingKey::<Sha384>::new_with_salt_len(key, salt)
                        .verify(tbs, &sig)
                        .is_ok(),
                    Hash::Sha512 => rsa::pss::VerifyingKey::<Sha512>::new_with_salt_len(key, salt)
                        .verify(tbs, &sig)
                        .is_ok(),
                };
                if ok { SigCheck::Valid } else { rsa_fail() }
            }
            "1.2.840.10045.4.3.2" | "1.2.840.10045.4.3.3" | "1.2.840.10045.4.3.4" => {
                if key_oid != "1.2.840.10045.2.1" {
                    return mismatch("ECDSA");
                }
                let fail = || SigCheck::Invalid("x509: ECDSA verification failure".into());
                let curve = self.curve.as_deref();
                if !matches!(curve, Some(P256_OID | P384_OID)) {
                    return SigCheck::Unsupported(format!(
                        "ECDSA on curve {} is not supported (P-256 and P-384 are)",
                        curve.unwrap_or("(missing)")
                    ));
                }
                if dry {
                    return fail();
                }
                let hash = match alg_oid.as_str() {
                    "1.2.840.10045.4.3.2" => Hash::Sha256,
                    "1.2.840.10045.4.3.3" => Hash::Sha384,
                    _ => Hash::Sha512,
                }
                .digest(tbs);
                let verified = if curve == Some(P256_OID) {
                    prehash_verifies(
                        p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bits),
                        p256::ecdsa::Signature::from_der(signature),
                        &hash,
                    )
                } else {
                    prehash_verifies(
                        p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bits),
                        p384::ecdsa::Signature::from_der(signature),
                        &hash,
                    )
                };
                if verified { SigCheck::Valid } else { fail() }
            }
            "1.3.101.112" => {
                if key_oid != "1.3.101.112" {
                    return mismatch("Ed25519");
                }
                let fail = || SigCheck::Invalid("x509: Ed25519 verification failure".into());
                if dry {
                    return fail();
                }
                let (Ok(k), Ok(s)) = (
                    <[u8; 32]>::try_from(key_bits),
                    <[u8; 64]>::try_from(signature),
                ) else {
                    return fail();
                };
                let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&k) else {
                    return fail();
                };
                let sig = ed25519_dalek::Signature::from_bytes(&s);
                if vk.verify_strict(tbs, &sig).is_ok() {
                    SigCheck::Valid
                } else {
                    fail()
                }
            }
            "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => SigCheck::Unsupported(format!(
                "x509: cannot verify signature: insecure algorithm {} (Go and kubectl reject SHA-1 signatures)",
                if alg_oid.ends_with("1.1.5") {
                    "SHA1-RSA"
                } else {
                    "ECDSA-SHA1"
                }
            )),
            "1.2.840.113549.1.1.4" => SigCheck::Unsupported(
                "x509: cannot verify signature: insecure algorithm MD5-RSA".into(),
            ),
            other => SigCheck::Unsupported(format!(
                "x509: cannot verify signature: algorithm unimplemented ({})",
                super::x509::signature_algorithm_name(other).unwrap_or(other)
            )),
        }
    }
}

const RSA_OID: &str = "1.2.840.113549.1.1.1";
const PSS_OID: &str = "1.2.840.113549.1.1.10";
const P256_OID: &str = "1.2.840.10045.3.1.7";
const P384_OID: &str = "1.3.132.0.34";

/// Verify `signature` over `tbs` (algorithm `sig_alg`, a full AlgorithmIdentifier TLV) with
/// the key in `issuer_spki` (a full SubjectPublicKeyInfo TLV).
pub(crate) fn verify_signature(
    issuer_spki: &[u8],
    sig_alg: &[u8],
    tbs: &[u8],
    signature: &[u8],
) -> SigCheck {
    match IssuerKey::parse(issuer_spki) {
        Some(key) => key.verify(sig_alg, tbs, signature, false),
        None => SigCheck::Unsupported("the issuer's public key is malformed".into()),
    }
}

/// Whether an ECDSA key and signature both decoded and the signature verifies `hash` (the
/// same steps for every curve; a key or signature that does not decode fails like a bad
/// signature, as Go's verifier does).
fn prehash_verifies<K, S, E1, E2>(key: Result<K, E1>, sig: Result<S, E2>, hash: &[u8]) -> bool
where
    K: p256::ecdsa::signature::hazmat::PrehashVerifier<S>,
{
    match (key, sig) {
        (Ok(key), Ok(sig)) => key.verify_prehash(hash, &sig).is_ok(),
        _ => false,
    }
}
