//! The strict decoders against the `x509-cert` crate's, the reference they replaced: for
//! every seed encoding of a certificate or an extension and every mutation of it (each
//! octet replaced by each of its 256 values, each octet removed, an octet inserted
//! everywhere, and thousands of random multi-octet edits), both accept or both refuse, and
//! what they read is the same.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

use der::Decode;
use x509_cert::ext::pkix::name::GeneralName as X509Name;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, NameConstraints, PolicyConstraints,
    SubjectAltName, SubjectKeyIdentifier,
};

use super::super::ext_der::AltName;
use super::cert::certificate;
use super::ext::*;

use super::super::der_walk::tlv;

const OID: &[u8] = &[0x06, 0x03, 0x2a, 0x03, 0x04];

/// One of each GeneralName choice (and a few of each string type inside them).
fn general_names() -> Vec<Vec<u8>> {
    let atv = tlv(
        0x30,
        &[&[0x06, 0x03, 0x55, 0x04, 0x03], &tlv(0x0c, &[b"x"])],
    );
    let name = tlv(0x30, &[&tlv(0x31, &[&atv, &atv]), &tlv(0x31, &[&atv])]);
    vec![
        tlv(0xa0, &[OID, &tlv(0xa0, &[&tlv(0x0c, &[b"hi"])])]),
        tlv(0x81, &[b"a@b.example"]),
        tlv(0x82, &[b"x.example"]),
        tlv(0xa4, &[&name]),
        tlv(
            0xa5,
            &[
                &tlv(0xa0, &[&tlv(0x13, &[b"A b"])]),
                &tlv(0xa1, &[&tlv(0x1e, &[&[0x00, 0x41]])]),
            ],
        ),
        tlv(0xa5, &[&tlv(0xa1, &[&tlv(0x14, &[b"t"])])]),
        tlv(0x86, &[b"http://x.example/"]),
        tlv(0x87, &[&[10, 0, 0, 1]]),
        tlv(0x87, &[&[10, 0, 0, 0, 255, 0, 0, 0]]),
        tlv(0x88, &[&[0x2a, 0x03, 0x04]]),
    ]
}

/// Seed encodings of an extension.
struct Case {
    name: &'static str,
    seeds: Vec<Vec<u8>>,
    /// Ours and x509-cert's reading of an input, as comparable text (`None`: refused).
    ours: fn(&[u8]) -> Option<String>,
    theirs: fn(&[u8]) -> Option<String>,
}

fn gn(n: &Option<AltName<'_>>) -> String {
    format!("{n:?}")
}

fn x509_gn(n: &X509Name) -> String {
    gn(&match n {
        X509Name::Rfc822Name(s) => Some(AltName::Email(s.as_str())),
        X509Name::DnsName(s) => Some(AltName::Dns(s.as_str())),
        X509Name::UniformResourceIdentifier(s) => Some(AltName::Uri(s.as_str())),
        X509Name::IpAddress(o) => Some(AltName::Ip(o.as_bytes())),
        _ => None,
    })
}

fn cases() -> Vec<Case> {
    let names = general_names();
    let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    let subtree = |base: &[u8], extra: &[u8]| tlv(0x30, &[base, extra]);
    let atv = tlv(
        0x30,
        &[&[0x06, 0x03, 0x55, 0x04, 0x03], &tlv(0x13, &[b"y"])],
    );
    vec![
        Case {
            name: "basicConstraints",
            seeds: vec![
                tlv(0x30, &[]),
                tlv(0x30, &[&[0x01, 0x01, 0xff]]),
                tlv(0x30, &[&[0x01, 0x01, 0xff, 0x02, 0x01, 0x05]]),
                tlv(0x30, &[&[0x01, 0x01, 0x00, 0x02, 0x02, 0x00, 0xff]]),
            ],
            ours: |d| basic_constraints(d).ok().map(|v| format!("{v:?}")),
            theirs: |d| {
                BasicConstraints::from_der(d)
                    .ok()
                    .map(|b| format!("{:?}", (b.ca, b.path_len_constraint)))
            },
        },
        Case {
            name: "keyUsage",
            seeds: vec![
                vec![0x03, 0x02, 0x05, 0xa0],
                vec![0x03, 0x03, 0x07, 0x86, 0x80],
                vec![0x03, 0x03, 0x00, 0xff, 0xff],
                vec![0x03, 0x01, 0x00],
            ],
            ours: |d| key_usage(d).ok().map(|v| v.to_string()),
            theirs: |d| KeyUsage::from_der(d).ok().map(|k| k.0.bits().to_string()),
        },
        Case {
            name: "extendedKeyUsage",
            seeds: vec![
                tlv(0x30, &[]),
                tlv(
                    0x30,
                    &[
                        &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01],
                        OID,
                    ],
                ),
                tlv(0x30, &[&[0x06, 0x06, 0x2a, 0x83, 0x80, 0x80, 0x80, 0x01]]),
            ],
            ours: |d| extended_key_usage(d).ok().map(|v| format!("{v:?}")),
            theirs: |d| {
                ExtendedKeyUsage::from_der(d).ok().map(|e| {
                    let v: Vec<&[u8]> = e.0.iter().map(|o| o.as_bytes()).collect();
                    format!("{v:?}")
                })
            },
        },
        Case {
            name: "subjectAltName",
            seeds: {
                let mut s = vec![tlv(0x30, &[]), tlv(0x30, &refs)];
                s.extend(names.iter().map(|n| tlv(0x30, &[n])));
                s
            },
            ours: |d| {
                alt_names(d)
                    .ok()
                    .map(|v| v.iter().map(gn).collect::<Vec<_>>().join(","))
            },
            theirs: |d| {
                SubjectAltName::from_der(d)
                    .ok()
                    .map(|s| s.0.iter().map(x509_gn).collect::<Vec<_>>().join(","))
            },
        },
        Case {
            name: "subjectKeyIdentifier",
            seeds: vec![vec![0x04, 0x03, 1, 2, 3], vec![0x04, 0x00]],
            ours: |d| subject_key_identifier(d).ok().map(|v| format!("{v:?}")),
            theirs: |d| {
                SubjectKeyIdentifier::from_der(d)
                    .ok()
                    .map(|s| format!("{:?}", s.0.as_bytes()))
            },
        },
        Case {
            name: "authorityKeyIdentifier",
            seeds: vec![
                tlv(0x30, &[&[0x80, 0x02, 1, 2]]),
                tlv(
                    0x30,
                    &[
                        &[0x80, 0x01, 9],
                        &tlv(0xa1, &[&names[3]]),
                        &[0x82, 0x02, 0x00, 0x80],
                    ],
                ),
                tlv(0x30, &[&[0x82, 0x01, 0xff]]),
                tlv(0x30, &[]),
            ],
            ours: |d| authority_key_identifier(d).ok().map(|v| format!("{v:?}")),
            theirs: |d| {
                AuthorityKeyIdentifier::from_der(d).ok().map(|a| {
                    let key = a.key_identifier.as_ref().map(|k| k.as_bytes());
                    let more = a.authority_cert_issuer.is_some()
                        || a.authority_cert_serial_number.is_some();
                    format!("{:?}", (key, more))
                })
            },
        },
        Case {
            name: "nameConstraints",
            seeds: vec![
                tlv(
                    0x30,
                    &[
                        &tlv(0xa0, &[&subtree(&names[2], &[]), &subtree(&names[8], &[])]),
                        &tlv(
                            0xa1,
                            &[&subtree(&names[7], &[0x80, 0x01, 0x01, 0x81, 0x01, 0x05])],
                        ),
                    ],
                ),
                tlv(0x30, &[&tlv(0xa1, &[&subtree(&names[3], &[])])]),
                tlv(0x30, &[]),
            ],
            ours: |d| {
                name_constraints(d)
                    .ok()
                    .map(|f| format!("{:?}", (f.ip_lengths, f.empty)))
            },
            theirs: |d| {
                NameConstraints::from_der(d).ok().map(|nc| {
                    let ips: Vec<usize> = nc
                        .permitted_subtrees
                        .iter()
                        .chain(nc.excluded_subtrees.iter())
                        .flatten()
                        .filter_map(|st| match &st.base {
                            X509Name::IpAddress(o) => Some(o.as_bytes().len()),
                            _ => None,
                        })
                        .collect();
                    let empty = nc.permitted_subtrees.is_none() && nc.excluded_subtrees.is_none();
                    format!("{:?}", (ips, empty))
                })
            },
        },
        Case {
            name: "certificatePolicies",
            seeds: vec![
                tlv(0x30, &[&tlv(0x30, &[OID])]),
                tlv(
                    0x30,
                    &[&tlv(
                        0x30,
                        &[
                            OID,
                            &tlv(
                                0x30,
                                &[
                                    &tlv(0x30, &[OID, &tlv(0x16, &[b"http://cps"])]),
                                    &tlv(0x30, &[OID]),
                                ],
                            ),
                        ],
                    )],
                ),
                tlv(0x30, &[&tlv(0x30, &[OID, &tlv(0x30, &[])])]),
            ],
            ours: |d| {
                certificate_policies(d)
                    .ok()
                    .map(|f| format!("{:?}", (f.empty_qualifiers, f.qualifier_missing)))
            },
            theirs: |d| {
                CertificatePolicies::from_der(d).ok().map(|cp| {
                    let empty =
                        cp.0.iter()
                            .any(|pi| pi.policy_qualifiers.as_ref().is_some_and(Vec::is_empty));
                    let missing =
                        cp.0.iter()
                            .flat_map(|pi| pi.policy_qualifiers.iter().flatten())
                            .any(|q| q.qualifier.is_none());
                    format!("{:?}", (empty, missing))
                })
            },
        },
        Case {
            name: "policyConstraints",
            seeds: vec![
                tlv(0x30, &[&[0x80, 0x01, 0x00, 0x81, 0x02, 0x00, 0x80]]),
                tlv(0x30, &[&[0x81, 0x04, 0x7f, 0xff, 0xff, 0xff]]),
                tlv(0x30, &[]),
            ],
            ours: |d| policy_constraints(d).ok().map(|v| format!("{v:?}")),
            theirs: |d| {
                PolicyConstraints::from_der(d).ok().map(|p| {
                    format!(
                        "{:?}",
                        (p.require_explicit_policy, p.inhibit_policy_mapping)
                    )
                })
            },
        },
        Case {
            name: "cRLDistributionPoints",
            seeds: vec![
                tlv(
                    0x30,
                    &[&tlv(0x30, &[&tlv(0xa0, &[&tlv(0xa0, &[&names[6]])])])],
                ),
                tlv(
                    0x30,
                    &[&tlv(
                        0x30,
                        &[
                            &tlv(0xa0, &[&tlv(0xa1, &[&atv, &atv])]),
                            &[0x81, 0x02, 0x07, 0x80],
                            &tlv(0xa2, &[&names[2]]),
                        ],
                    )],
                ),
                tlv(0x30, &[&tlv(0x30, &[])]),
            ],
            ours: |d| crl_distribution_points(d).ok().map(|()| String::new()),
            theirs: |d| {
                CrlDistributionPoints::from_der(d)
                    .ok()
                    .map(|_| String::new())
            },
        },
        Case {
            name: "authorityInfoAccess",
            seeds: vec![
                tlv(0x30, &[&tlv(0x30, &[OID, &names[6]])]),
                tlv(
                    0x30,
                    &[&tlv(0x30, &[OID, &names[0]]), &tlv(0x30, &[OID, &names[4]])],
                ),
            ],
            ours: |d| authority_info_access(d).ok().map(|()| String::new()),
            theirs: |d| {
                AuthorityInfoAccessSyntax::from_der(d)
                    .ok()
                    .map(|_| String::new())
            },
        },
    ]
}

/// Every seed and mutation of `case`, each compared; how many were accepted.
fn compare(case: &Case) -> (usize, usize) {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for seed in &case.seeds {
        inputs.push(seed.clone());
        for i in 0..seed.len() {
            for b in 0..=255u8 {
                let mut m = seed.clone();
                m[i] = b;
                inputs.push(m);
            }
            let mut m = seed.clone();
            m.remove(i);
            inputs.push(m);
            for b in [0x00, 0x01, 0x05, 0x30, 0x80, 0xa0, 0xff] {
                let mut m = seed.clone();
                m.insert(i, b);
                inputs.push(m);
            }
        }
        for _ in 0..4000 {
            let mut m = seed.clone();
            for _ in 0..1 + next() % 3 {
                if m.is_empty() {
                    break;
                }
                let i = (next() % m.len() as u64) as usize;
                match next() % 4 {
                    0 => m[i] = next() as u8,
                    1 => m[i] ^= 1 << (next() % 8),
                    2 => {
                        m.remove(i);
                    }
                    _ => m.insert(i, next() as u8),
                }
            }
            inputs.push(m);
        }
    }
    let mut accepted = 0;
    for input in &inputs {
        let (ours, theirs) = ((case.ours)(input), (case.theirs)(input));
        assert_eq!(
            ours, theirs,
            "{}: {input:02x?} — ours (left) and x509-cert's (right) differ",
            case.name
        );
        accepted += usize::from(ours.is_some());
    }
    (inputs.len(), accepted)
}

/// Certificates with every field of RFC 5280 §4.1 in some form: explicit v3 and v1,
/// unique identifiers, parameters present and absent, UTCTime and GeneralizedTime,
/// extensions critical, explicitly not critical and by default.
fn certificates() -> Vec<Vec<u8>> {
    let alg = |params: &[u8]| tlv(0x30, &[&[0x06, 0x03, 0x2a, 0x86, 0x48], params]);
    let atv = |v: &[u8]| tlv(0x30, &[&[0x06, 0x03, 0x55, 0x04, 0x03], &tlv(0x0c, &[v])]);
    let name = tlv(
        0x30,
        &[
            &tlv(0x31, &[&atv(b"ca")]),
            &tlv(0x31, &[&atv(b"a"), &atv(b"b")]),
        ],
    );
    let validity = |a: &[u8], b: &[u8]| tlv(0x30, &[a, b]);
    let spki = tlv(0x30, &[&alg(OID), &[0x03, 0x03, 0x00, 0x04, 0x01]]);
    let ext = |critical: &[u8], value: &[u8]| tlv(0x30, &[OID, critical, &tlv(0x04, &[value])]);
    let exts = tlv(
        0xa3,
        &[&tlv(
            0x30,
            &[
                &ext(&[0x01, 0x01, 0xff], &[0x30, 0x00]),
                &ext(&[0x01, 0x01, 0x00], &[]),
                &ext(&[], &[0x05, 0x00]),
            ],
        )],
    );
    let cert = |tbs: Vec<u8>| {
        tlv(
            0x30,
            &[&tbs, &alg(&[0x05, 0x00]), &[0x03, 0x02, 0x00, 0x2a]],
        )
    };
    vec![
        cert(tlv(
            0x30,
            &[
                &[0xa0, 0x03, 0x02, 0x01, 0x02],
                &[0x02, 0x02, 0x00, 0x80],
                &alg(&[0x05, 0x00]),
                &name,
                &validity(
                    &tlv(0x17, &[b"240229235959Z"]),
                    &tlv(0x18, &[b"20500101000000Z"]),
                ),
                &name,
                &spki,
                &[0x81, 0x02, 0x07, 0x80],
                &[0x82, 0x01, 0x00],
                &exts,
            ],
        )),
        cert(tlv(
            0x30,
            &[
                &[0xa0, 0x03, 0x02, 0x01, 0x00],
                &[0x02, 0x01, 0xff],
                &alg(&[]),
                &tlv(0x30, &[]),
                &validity(
                    &tlv(0x18, &[b"19700101000000Z"]),
                    &tlv(0x17, &[b"491231235959Z"]),
                ),
                &name,
                &spki,
            ],
        )),
    ]
}

#[test]
fn the_certificate_verdict_is_x509_certs() {
    let case = Case {
        name: "Certificate",
        seeds: certificates(),
        ours: |d| certificate(d).ok().map(|()| String::new()),
        theirs: |d| {
            x509_cert::Certificate::from_der(d)
                .ok()
                .map(|_| String::new())
        },
    };
    let (compared, accepted) = compare(&case);
    eprintln!("Certificate: {accepted} of {compared}");
    assert!(
        accepted >= case.seeds.len() && accepted < compared,
        "{accepted} of {compared} accepted"
    );
}

#[test]
fn every_decoder_accepts_and_reads_what_x509_cert_does() {
    for case in cases() {
        let (compared, accepted) = compare(&case);
        eprintln!("{}: {accepted} of {compared}", case.name);
        // The mutations must exercise both answers, or the comparison says little.
        assert!(
            accepted >= case.seeds.len() && accepted < compared,
            "{}: {accepted} of {compared} accepted",
            case.name
        );
    }
}

#[test]
fn a_refusal_names_the_defect_and_where() {
    // cA as 0x01 instead of 0xFF.
    let e = basic_constraints(&[0x30, 0x03, 0x01, 0x01, 0x01]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a BOOLEAN that is not 0x00 or 0xFF at byte 2"
    );
    // A length in two octets where one suffices.
    let e = subject_key_identifier(&[0x04, 0x81, 0x01, 0x00]).unwrap_err();
    assert_eq!(e.to_string(), "a length not in the fewest octets at byte 0");
    // x400Address, which RFC 5280 lists and x509-cert does not read.
    let e = alt_names(&[0x30, 0x02, 0xa3, 0x00]).unwrap_err();
    assert_eq!(e.to_string(), "a GeneralName of no known choice at byte 2");
}
