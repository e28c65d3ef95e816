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
