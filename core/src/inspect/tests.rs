//! Unit tests of the sniffing entry point on small hand-made inputs; the corpus and
//! property tests live in the `akscert-tests` crate.

use super::*;

fn now() -> Instant {
    Instant::parse("2026-08-01T00:00:00Z").unwrap()
}

#[test]
fn empty_and_oversized_inputs_are_typed_errors() {
    assert_eq!(inspect(b"  \n", now()).unwrap_err(), InspectError::Empty);
    let big = vec![b'a'; MAX_INSPECT_BYTES + 1];
    assert!(matches!(
        inspect(&big, now()).unwrap_err(),
        InspectError::TooLarge { .. }
    ));
    assert!(matches!(
        inspect(b"hello world", now()).unwrap_err(),
        InspectError::Unrecognized { .. }
    ));
}

#[test]
fn openssl_enddate_line_gives_a_row() {
    let read = inspect(b"notAfter=Jan 23 05:43:49 2027 GMT\n", now());
    if !cfg!(feature = "tool-output") {
        // The calculator's configuration recognises it and says it does not read it.
        assert_eq!(
            read.unwrap_err(),
            InspectError::NotInThisBuild {
                kind: InputKind::OpensslDates
            }
        );
        return;
    }
    let i = read.unwrap();
    assert_eq!(i.input_kind, InputKind::OpensslDates);
    assert_eq!(i.validities.len(), 1);
    assert_eq!(
        i.validities[0].not_after.unwrap().to_string(),
        "2027-01-23T05:43:49Z"
    );
    assert_eq!(i.validities[0].status, Status::Ok);
}

#[test]
fn kubeadm_rows_are_recognised_by_shape_and_their_dates_checked_by_the_reader() {
    // Two rows without the header: recognised as kubeadm output in every build.
    let rows = b"apiserver   Dec 30, 2027 23:36 UTC  364d  ca  no\n\
                 front-proxy-client  Dec 30, 2027 23:36 UTC  364d  front-proxy-ca  no\n";
    // The same shape with dates that are no dates (Feb 31, hour 25).
    let bad_dates = b"apiserver   Feb 31, 2027 23:36 UTC  364d  ca  no\n\
                      etcd-peer   Jan 02, 2027 25:36 UTC  364d  etcd-ca  no\n";
    // Not the shape: no month, a date with letters, no `UTC`.
    for not_rows in [
        &b"apiserver   Foo 30, 2027 23:36 UTC  364d\nadmin  Bar 30, 2027 23:36 UTC  364d\n"[..],
        b"apiserver   Dec 3x, 2027 23:36 UTC  364d\nadmin  Dec 30, 2027 2x:36 UTC  364d\n",
        b"apiserver   Dec 30, 2027 23:36 CET  364d\nadmin  Dec 30, 2027 23:36 CET  364d\n",
    ] {
        assert!(!tools::looks_like_kubeadm(
            std::str::from_utf8(not_rows).unwrap()
        ));
    }
    assert_eq!(
        sniff(std::str::from_utf8(rows).unwrap()),
        Some(InputKind::KubeadmCheckExpiration)
    );
    assert_eq!(
        sniff(std::str::from_utf8(bad_dates).unwrap()),
        Some(InputKind::KubeadmCheckExpiration)
    );
    let (read, read_bad) = (inspect(rows, now()), inspect(bad_dates, now()));
    if !cfg!(feature = "tool-output") {
        for read in [read, read_bad] {
            assert_eq!(
                read.unwrap_err(),
                InspectError::NotInThisBuild {
                    kind: InputKind::KubeadmCheckExpiration
                }
            );
        }
        return;
    }
    let i = read.unwrap();
    assert_eq!(i.validities.len(), 2);
    assert_eq!(
        i.validities[0].not_after.unwrap().to_string(),
        "2027-12-30T23:36:00Z"
    );
    // The reader skips a row whose date is no date; with none left it says what it wanted.
    assert!(matches!(
        read_bad.unwrap_err(),
        InspectError::ToolOutput { ref tool, .. } if tool == "kubeadm certs check-expiration"
    ));
}

#[test]
fn status_bounds_are_inclusive() {
    let na = now();
    assert_eq!(
        Status::at(None, Some(na), na, Duration::ZERO),
        Status::ExpiringSoon
    );
    assert_eq!(
        Status::at(None, Some(na), na + Duration::seconds(1), Duration::ZERO),
        Status::Expired
    );
    assert_eq!(
        Status::at(Some(na + Duration::seconds(1)), None, na, Duration::ZERO),
        Status::NotYetValid
    );
}

#[test]
fn der_private_keys_are_recognised_not_read() {
    // SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption }, OCTET STRING { secret } }
    let mut key = vec![0x30, 0x81, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0b, 0x06, 0x09];
    key.extend([
        0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x04, 0x10,
    ]);
    key.extend(b"topsecretkeybyte");
    key[2] = (key.len() - 3) as u8;
    let i = inspect(&key, now()).unwrap();
    assert_eq!(i.secrets.len(), 1);
    assert!(i.certificates.is_empty());
    let json = serde_json::to_string(&i).unwrap();
    assert!(!json.contains("topsecret"));
}

/// A DER TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else if n < 0x1_0000 {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    } else {
        out.extend([0x83, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// A v3 Ed25519 certificate issued by `issuer` to `subject` with public key `key` and a
/// signature of `sig_byte`s (which never verifies).
pub(crate) fn ed25519_cert(issuer: &str, subject: &str, key: u8, serial: u8) -> Vec<u8> {
    ed25519_cert_with(issuer, subject, key, serial, &[])
}

/// [`ed25519_cert`] with an Extensions field of `extensions` (DER of each Extension).
fn ed25519_cert_with(
    issuer: &str,
    subject: &str,
    key: u8,
    serial: u8,
    extensions: &[Vec<u8>],
) -> Vec<u8> {
    let alg = tlv(0x30, &tlv(0x06, &[0x2b, 0x65, 0x70]));
    let name = |cn: &str| {
        let atv = [tlv(0x06, &[0x55, 0x04, 0x03]), tlv(0x0c, cn.as_bytes())].concat();
        tlv(0x30, &tlv(0x31, &tlv(0x30, &atv)))
    };
    let validity = tlv(
        0x30,
        &[tlv(0x17, b"240101000000Z"), tlv(0x17, b"340101000000Z")].concat(),
    );
    let mut bits = vec![0u8];
    bits.extend([key; 32]);
    let spki = tlv(0x30, &[alg.clone(), tlv(0x03, &bits)].concat());
    let tbs = tlv(
        0x30,
        &[
            tlv(0xa0, &tlv(0x02, &[2])),
            tlv(0x02, &[serial]),
            alg.clone(),
            name(issuer),
            validity,
            name(subject),
            spki,
            if extensions.is_empty() {
                Vec::new()
            } else {
                tlv(0xa3, &tlv(0x30, &extensions.concat()))
            },
        ]
        .concat(),
    );
    let mut sig = vec![0u8];
    sig.extend([0x55; 64]);
    tlv(0x30, &[tbs, alg, tlv(0x03, &sig)].concat())
}

#[test]
fn copies_of_a_badly_signed_certificate_cost_one_verification() {
    let der = ed25519_cert("ca", "ca", 9, 1);
    let copies: Vec<Vec<u8>> = (0..2_000).map(|_| der.clone()).collect();
    let parsed: Vec<_> = copies
        .iter()
        .map(|d| x509::reparse_certificate(d).ok().map(|(p, _)| p))
        .collect();
    let mut v = links::Verifier::default();
    let linked = links::link_by_signature(&parsed, &mut v);
    assert!(linked.iter().all(Option::is_none));
    assert_eq!(v.verified, 1, "one (key, certificate) pair");
    assert!(v.budget_note().is_none());
}

#[test]
fn many_distinct_extensions_are_read_in_linear_time() {
    // 200,000 private extensions (1.3.6.1.4.1.99999.n), 3.8 MB: the duplicate check once
    // compared each with every earlier one (2·10¹⁰ comparisons). Bounded work, not a clock:
    // this returns (with one repeat found) instead of hanging.
    let ext = |n: u32| {
        // Three base-128 digits, the first non-zero: arcs 16,384 to 216,383.
        let n = n + (1 << 14);
        let mut oid = vec![0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f];
        oid.extend([
            0x80 | (n >> 14) as u8,
            0x80 | ((n >> 7) & 0x7f) as u8,
            (n & 0x7f) as u8,
        ]);
        tlv(0x30, &[tlv(0x06, &oid), tlv(0x04, &[])].concat())
    };
    let mut exts: Vec<Vec<u8>> = (0..200_000).map(ext).collect();
    exts.push(ext(7));
    let der = ed25519_cert_with("ca", "leaf", 1, 1, &exts);
    let i = inspect(&der, now()).unwrap();
    let warnings = &i.certificates[0].warnings;
    let repeats: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("more than once"))
        .collect();
    assert_eq!(
        repeats,
        ["extension 1.3.6.1.4.1.99999.16391 appears more than once"]
    );
    // Both ways of finding repeats (a scan up to 16 extensions, a sort beyond) say the same.
    for extra in [2, 14] {
        let mut exts: Vec<Vec<u8>> = (0..extra).map(|n| ext(100 + n)).collect();
        exts.extend([ext(3), ext(4), ext(3), ext(3)]);
        let der = ed25519_cert_with("ca", "leaf", 1, 1, &exts);
        let i = inspect(&der, now()).unwrap();
        let repeats: Vec<&String> = i.certificates[0]
            .warnings
            .iter()
            .filter(|w| w.contains("more than once"))
            .collect();
        assert_eq!(
            repeats,
            ["extension 1.3.6.1.4.1.99999.16387 appears more than once"; 2],
            "{} extensions",
            exts.len()
        );
    }
}

#[test]
fn the_signature_budget_is_reported_when_it_runs_out() {
    // Forty distinct keys under one name, each certificate a candidate for every other:
    // 1,560 plausible pairs, more than a budget of 100.
    let ders: Vec<Vec<u8>> = (0..40).map(|k| ed25519_cert("ca", "ca", k, k)).collect();
    let parsed: Vec<_> = ders
        .iter()
        .map(|d| x509::reparse_certificate(d).ok().map(|(p, _)| p))
        .collect();
    let mut v = links::Verifier::with_limit(100);
    links::link_by_signature(&parsed, &mut v);
    assert_eq!(v.verified, 100);
    assert!(v.refused > 0);
    let note = v.budget_note().unwrap();
    assert!(note.contains("stopped after 100 verifications"), "{note}");
}

#[test]
fn default_inspection_links_by_name_without_verifying() {
    let ca = ed25519_cert("ca", "ca", 1, 1);
    let leaf = ed25519_cert("ca", "apiserver", 2, 2);
    let both = [leaf, ca].concat();
    let i = inspect_der(&both, &InspectOptions::new(now())).unwrap();
    assert_eq!(i.certificates[0].issued_by, Some(1));
    assert_eq!(i.certificates[0].linked_by, LinkedBy::NameAndKeyId);
    assert_eq!(i.certificates[1].self_signed, Some(true));
    let verified = inspect_der(
        &both,
        &InspectOptions {
            verify: true,
            ..InspectOptions::new(now())
        },
    )
    .unwrap();
    if cfg!(feature = "verify") {
        // The signatures are junk: verified, nothing links.
        assert_eq!(verified.certificates[0].issued_by, None);
        assert_eq!(verified.certificates[1].self_signed, Some(false));
        assert_eq!(verified.certificates[0].linked_by, LinkedBy::Signature);
    } else {
        // A build without signature checks (the calculator's) links by name and says
        // that it verified nothing, once; it never guesses a signature's verdict.
        assert_eq!(verified.certificates, i.certificates);
        assert_eq!(
            verified.summary.attention,
            [
                "signature checks are not in this build of akscert; the trust module (akscert/trust) and the CLI make them"
            ]
        );
        assert!(verified.trust.is_empty());
    }
}

#[test]
fn a_self_issued_certificates_name_defects_are_reported_for_both_names() {
    // CN "a_b" as a PrintableString (which has no `_`), in the issuer and subject alike.
    let mut der = ed25519_cert("a_b", "a_b", 1, 1);
    let utf8 = [0x0c, 3, b'a', b'_', b'b'];
    let mut replaced = 0;
    for i in 0..der.len() - utf8.len() {
        if der[i..i + utf8.len()] == utf8 {
            der[i] = 0x13;
            replaced += 1;
        }
    }
    assert_eq!(replaced, 2);
    let doc = inspect(&der, now()).expect("inspects");
    let c = &doc.certificates[0];
    assert!(c.self_issued);
    assert_eq!(c.subject, c.issuer);
    assert_eq!(c.subject.cn.as_deref(), Some("a_b"));
    for which in ["issuer", "subject"] {
        let expected =
            format!("{which}: CN attribute: PrintableString holds characters outside its set");
        assert!(c.warnings.contains(&expected), "{:?}", c.warnings);
    }
}
