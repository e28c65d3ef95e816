//! Unit tests of the sniffing entry point on small hand-made inputs; the corpus and
//! property tests live in the `akscert-tests` crate.

use super::*;

fn now() -> Instant {
    Instant::parse("2026-08-01T00:00:00Z").unwrap()
}

#[test]
fn empty_and_oversized_inputs_are_typed_errors() {
    assert_eq!(inspect(b"  \n", now()).unwrap_err(), InspectError::Empty);
    let big = vec![b'a'; MAX_INPUT_BYTES + 1];
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
    let i = inspect(b"notAfter=Jan 23 05:43:49 2027 GMT\n", now()).unwrap();
    assert_eq!(i.input_kind, InputKind::OpensslDates);
    assert_eq!(i.validities.len(), 1);
    assert_eq!(
        i.validities[0].not_after.unwrap().to_string(),
        "2027-01-23T05:43:49Z"
    );
    assert_eq!(i.validities[0].status, Status::Ok);
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
