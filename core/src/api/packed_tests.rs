//! Packed answers carry what the JSON answers carry, for every cluster and request of the
//! bundled example; bad bytes are errors, never panics; the JSON faces refuse the flag.

use super::PackedCluster;
use crate::api::{ApiError, Op, Session};
use crate::engine::{ClusterFailure, ClusterTimeline, FailureKind};
use crate::report::fleet::RowDecision;

const EXAMPLE: &str = include_str!("../../../examples/scenario.json");

/// A summary-only request for cluster `index`, with `extra` fields.
fn request(index: usize, extra: &str) -> String {
    format!(r#"{{"index":{index},"includeEvents":false,"includeCertificates":false{extra}}}"#)
}

/// The JSON answer read back: the timeline, and the row decision when there is one.
fn json_answer(session: &mut Session, req: &str) -> (ClusterTimeline, Option<RowDecision>) {
    let answer = session
        .call_op(Op::SimulateOpenCluster, req)
        .expect("simulates");
    let (timeline, row) = match answer.split_once('\n') {
        Some((t, r)) => (t, Some(crate::api::parse(r).expect("a row decision"))),
        None => (answer.as_str(), None),
    };
    (crate::api::parse(timeline).expect("a timeline"), row)
}

fn packed_answer(session: &mut Session, req: &str) -> PackedCluster {
    let bytes = session
        .call_op_bytes(Op::SimulateOpenCluster, req)
        .expect("simulates");
    PackedCluster::from_bytes(&bytes).expect("decodes")
}

#[test]
fn a_packed_answer_holds_the_json_answers_summary_and_row_for_every_cluster() {
    let mut session = Session::new();
    session
        .call_op(Op::OpenScenario, EXAMPLE)
        .expect("the example opens");
    let clusters = crate::engine::OpenScenario::open(crate::api::parse(EXAMPLE).expect("parses"))
        .expect("valid")
        .len();
    assert!(clusters > 1);
    let rows = [
        "",
        r#","row":{"now":"2019-06-01T00:00:00Z","warnWithin":"30d"}"#,
        r#","row":{"now":"2026-11-28T00:00:00Z","warnWithin":"90d"},"leaveOutResolvedBy":"2026-11-28T00:00:00Z""#,
    ];
    let mut actions = 0;
    for index in 0..clusters {
        for extra in rows {
            let (timeline, row) = json_answer(&mut session, &request(index, extra));
            let packed_req = request(index, &format!(r#"{extra},"packed":true"#));
            let (summary, error, packed_row) =
                packed_answer(&mut session, &packed_req).into_parts();
            assert_eq!(summary, timeline.summary, "cluster {index} {extra}");
            assert_eq!(error, timeline.error, "cluster {index} {extra}");
            assert_eq!(packed_row, row, "cluster {index} {extra}");
            actions += summary.map_or(0, |s| s.actions.len());
        }
    }
    assert!(actions > 20, "the example raises actions: {actions}");
}

#[test]
fn a_failure_packs_and_unpacks() {
    let failure = ClusterFailure::new(FailureKind::EventBudgetExceeded, "too many \"events\"");
    let packed = PackedCluster::new(None, Some(failure.clone()), None);
    let back = PackedCluster::from_bytes(&packed.to_bytes()).expect("decodes");
    assert_eq!(back.into_parts(), (None, Some(failure), None));
}

#[test]
fn truncated_or_padded_bytes_are_errors_not_panics() {
    let mut session = Session::new();
    session.call_op(Op::OpenScenario, EXAMPLE).expect("opens");
    let req = request(
        0,
        r#","row":{"now":"2026-11-28T00:00:00Z","warnWithin":"30d"},"packed":true"#,
    );
    let bytes = session
        .call_op_bytes(Op::SimulateOpenCluster, &req)
        .expect("simulates");
    assert!(bytes.len() > 100);
    for cut in 0..bytes.len() {
        assert!(
            PackedCluster::from_bytes(&bytes[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    let mut padded = bytes.clone();
    padded.push(0);
    let e = PackedCluster::from_bytes(&padded).expect_err("trailing byte");
    assert!(e.to_string().contains("1 bytes follow"), "{e}");
}

#[test]
fn the_json_faces_refuse_packed_and_packed_answers_refuse_events() {
    let mut session = Session::new();
    session.call_op(Op::OpenScenario, EXAMPLE).expect("opens");
    let packed = request(0, r#","packed":true"#);
    let e = session
        .call_op(Op::SimulateOpenCluster, &packed)
        .expect_err("text faces answer text");
    assert_eq!(e, ApiError::PackedNeedsBytes);
    assert_eq!(e.kind(), "invalidRequest");
    for detail in [
        r#"{"index":0,"includeEvents":true,"includeCertificates":false,"packed":true}"#,
        r#"{"index":0,"includeEvents":false,"packed":true}"#,
    ] {
        let e = session
            .call_op_bytes(Op::SimulateOpenCluster, detail)
            .expect_err("events and certificates are never packed");
        assert_eq!(e, ApiError::PackedWithDetail, "{detail}");
    }
    // Without `packed`, the bytes are the JSON answer.
    let plain = request(0, "");
    assert_eq!(
        session.call_op_bytes(Op::SimulateOpenCluster, &plain),
        session
            .call_op(Op::SimulateOpenCluster, &plain)
            .map(String::into_bytes)
    );
}
