//! A session: the API with memory between calls, for the operations on an open scenario.
//!
//! `call` is stateless; a [`Session`] answers everything `call` does and also holds the
//! scenario `openScenario` validated, so that `simulateOpenCluster` can run its clusters
//! by index without the scenario crossing the boundary again. The WebAssembly module keeps
//! one session per instance (its host ABI and its JS face share it). Its host ABI may
//! ask for a cluster's run packed (postcard: [`super::PackedCluster`]) rather than as
//! JSON, through [`Session::call_op_bytes`].

use super::{ApiError, Op, PACKED_INPUT, call_op, call_op_packed, utf8};
#[cfg(feature = "simulate")]
use super::{OpenClusterRequest, parse, to_json};
#[cfg(feature = "simulate")]
use crate::engine::{OpenScenario, Scenario, ScenarioCheck};
#[cfg(feature = "simulate")]
use crate::report::fleet::RowDecision;

/// The API with an open scenario held between calls.
///
/// Call order: `openScenario` (the whole scenario; the answer is its check — valid, with
/// its header, or refused, with where and why), then `simulateOpenCluster` for any of its
/// clusters, in any order and as often as wanted. Opening another scenario replaces it; a
/// refused one leaves none open. Every other operation answers as `call` does.
#[derive(Debug, Default)]
pub struct Session {
    #[cfg(feature = "simulate")]
    open: Option<OpenScenario>,
}

impl Session {
    /// A session with nothing open.
    pub fn new() -> Session {
        Session::default()
    }

    /// Run operation `op` on JSON `input`; the result is compact JSON.
    pub fn call_op(&mut self, op: Op, input: &str) -> Result<String, ApiError> {
        match op {
            #[cfg(feature = "simulate")]
            Op::OpenScenario => {
                self.open = None;
                Ok(self.open(parse(input)?))
            }
            #[cfg(feature = "simulate")]
            Op::SimulateOpenCluster => {
                let req: OpenClusterRequest = parse(input)?;
                if req.packed {
                    return Err(ApiError::PackedNeedsBytes);
                }
                self.open_cluster_json(&req)
            }
            _ => call_op(op, input),
        }
    }

    /// Run operation `op` on the host ABI's `input` bytes: a packed input (after
    /// [`PACKED_INPUT`]) as [`Session::call_op_packed`] answers it, anything else as
    /// UTF-8 JSON for [`Session::call_op_bytes`] (text that is not UTF-8 is `badInput`,
    /// at its line and column).
    pub fn call_input(&mut self, op: Op, input: &[u8]) -> Result<Vec<u8>, ApiError> {
        match input.split_first() {
            Some((&PACKED_INPUT, packed)) => self.call_op_packed(op, packed),
            _ => self.call_op_bytes(op, utf8(input)?),
        }
    }

    /// Run operation `op` on a packed input (the host ABI's, after
    /// [`super::PACKED_INPUT`]), answering bytes as [`Session::call_op_bytes`] does:
    /// `openScenario` of a scenario written by [`super::pack_scenario`], or
    /// `simulateOpenCluster` of a request written by [`super::pack_request`], each
    /// answered as from JSON; every other operation refuses a packed input.
    pub fn call_op_packed(&mut self, op: Op, input: &[u8]) -> Result<Vec<u8>, ApiError> {
        #[cfg(feature = "simulate")]
        match op {
            Op::OpenScenario => {
                self.open = None;
                super::within_request_limit(input.len())?;
                let scenario = super::unpack_scenario(input)
                    .map_err(|e| ApiError::PackedInput(op, e.to_string()))?;
                return Ok(self.open(scenario).into_bytes());
            }
            Op::SimulateOpenCluster => {
                let req = super::unpack_request(input)
                    .map_err(|e| ApiError::PackedInput(op, e.to_string()))?;
                return self.open_cluster_bytes(&req);
            }
            _ => {}
        }
        call_op_packed(op, input)
    }

    /// Validate `scenario` and hold it open if it is valid: the check's JSON.
    #[cfg(feature = "simulate")]
    fn open(&mut self, scenario: Scenario) -> String {
        let check = match OpenScenario::open(scenario) {
            Ok(open) => self.open.insert(open).check(),
            Err(refusal) => ScenarioCheck::Refused(refusal),
        };
        to_json(&check)
    }

    /// The JSON answer to a `simulateOpenCluster` request: the timeline, and with `row`
    /// the row's decision on a second line.
    #[cfg(feature = "simulate")]
    fn open_cluster_json(&self, req: &OpenClusterRequest) -> Result<String, ApiError> {
        let (timeline, decision) = self.simulate_open(req)?;
        let Some(decision) = decision else {
            return Ok(to_json(&timeline));
        };
        // Compact JSON has no raw newline: the second line starts after the last.
        let mut answer = to_json(&timeline);
        answer.push('\n');
        answer.push_str(&to_json(&decision));
        Ok(answer)
    }

    /// Cluster `req.index` of the open scenario, and its row when the request asks.
    #[cfg(feature = "simulate")]
    fn simulate_open(
        &self,
        req: &OpenClusterRequest,
    ) -> Result<(crate::engine::ClusterTimeline, Option<RowDecision>), ApiError> {
        let open = self.open.as_ref().ok_or(ApiError::NothingOpen)?;
        let timeline =
            open.simulate_cluster(req.index, req.run_options())
                .ok_or(ApiError::NoSuchCluster {
                    index: req.index,
                    clusters: open.len(),
                })?;
        let decision = req.row.map(|at| {
            RowDecision::of_summary(
                timeline.summary.as_ref(),
                timeline.error.is_some(),
                at.now,
                at.warn_within,
            )
        });
        Ok((timeline, decision))
    }

    /// Run operation `op` on JSON `input`, answering bytes (the host ABI): a
    /// `simulateOpenCluster` request with `packed` answers a postcard
    /// [`super::PackedCluster`]; everything else answers the JSON [`Session::call_op`]
    /// does.
    pub fn call_op_bytes(&mut self, op: Op, input: &str) -> Result<Vec<u8>, ApiError> {
        #[cfg(feature = "simulate")]
        if op == Op::SimulateOpenCluster {
            return self.open_cluster_bytes(&parse(input)?);
        }
        self.call_op(op, input).map(String::into_bytes)
    }

    /// The answer to a `simulateOpenCluster` request through the host ABI: JSON, or the
    /// postcard of a [`super::PackedCluster`] when the request says `packed`.
    #[cfg(feature = "simulate")]
    fn open_cluster_bytes(&self, req: &OpenClusterRequest) -> Result<Vec<u8>, ApiError> {
        if !req.packed {
            return self.open_cluster_json(req).map(String::into_bytes);
        }
        if !req.packable() {
            return Err(ApiError::PackedWithDetail);
        }
        let (timeline, row) = self.simulate_open(req)?;
        let packed = super::PackedCluster::new(timeline.summary, timeline.error, row);
        Ok(packed.to_bytes())
    }

    /// Run the operation named `op` on JSON `input`.
    pub fn call(&mut self, op: &str, input: &str) -> Result<String, ApiError> {
        match Op::from_name(op) {
            Some(op) => self.call_op(op, input),
            None => Err(ApiError::UnknownOperation(op.chars().take(64).collect())),
        }
    }
}

#[cfg(all(test, feature = "simulate"))]
mod tests {
    use super::*;
    use crate::api::{ClusterRun, call, split};

    const EXAMPLE: &str = include_str!("../../../examples/scenario.json");

    fn open_request(index: usize, events: bool) -> String {
        format!(r#"{{"index":{index},"includeEvents":{events},"includeCertificates":{events}}}"#)
    }

    #[test]
    fn an_open_scenarios_clusters_are_simulate_clusters_answers_byte_for_byte() {
        let mut session = Session::new();
        let check = session.call("openScenario", EXAMPLE).expect("opens");
        assert_eq!(check, call("openScenario", EXAMPLE).expect("checks"));
        let scenario: Scenario = crate::api::parse(EXAMPLE).expect("a scenario");
        assert!(check.starts_with(r#"{"valid":{"header":"#), "{check}");
        assert!(check.ends_with(&format!(r#""clusters":{}}}}}"#, scenario.clusters.len())));
        let runs = split(&scenario).expect("valid");
        assert!(runs.len() > 1);
        // In reverse, to show the order does not matter.
        for run in runs.iter().rev() {
            for events in [true, false] {
                let one = ClusterRun {
                    include_events: events,
                    include_certificates: events,
                    ..run.clone()
                };
                let expected = call(
                    "simulateCluster",
                    &serde_json::to_string(&one).expect("serialises"),
                )
                .expect("simulates");
                let got = session
                    .call("simulateOpenCluster", &open_request(run.index, events))
                    .expect("simulates");
                assert_eq!(got, expected, "cluster {}", run.index);
            }
        }
    }

    #[test]
    fn with_row_the_answer_adds_the_rows_decision_as_a_second_line() {
        use crate::report::fleet::{FleetRow, RowDecision, RowOf};
        let mut session = Session::new();
        session.call("openScenario", EXAMPLE).expect("opens");
        let scenario: Scenario = crate::api::parse(EXAMPLE).expect("a scenario");
        let warn = crate::time::Duration::days(30);
        let mut urgencies = Vec::new();
        let late = crate::time::Instant::parse("2026-11-28").expect("a date");
        let at = scenario.clusters.iter().enumerate();
        let cases = at.flat_map(|(i, c)| [(i, c.created), (i, late)]);
        for (index, now) in cases {
            let plain = session
                .call("simulateOpenCluster", &open_request(index, false))
                .expect("simulates");
            let req = format!(
                r#"{{"index":{index},"includeEvents":false,"includeCertificates":false,"row":{{"now":"{now}","warnWithin":"30d"}}}}"#
            );
            let answer = session
                .call("simulateOpenCluster", &req)
                .expect("simulates");
            let (timeline, line) = answer.split_once('\n').expect("two lines");
            assert_eq!(timeline, plain, "the first line is the timeline");
            assert!(!line.contains('\n'));
            let decision: RowDecision = crate::api::parse(line).expect("a decision");
            let t: crate::engine::ClusterTimeline =
                crate::api::parse(timeline).expect("a timeline");
            let who = RowOf {
                index,
                name: &t.name,
                resource_group: &t.resource_group,
            };
            let row = FleetRow::of_decision(who, t.summary.as_ref(), t.error.clone(), &decision)
                .expect("names the summary's actions");
            assert_eq!(
                row,
                FleetRow::of_summary(who, t.summary.as_ref(), t.error.clone(), now, warn)
            );
            let other = RowDecision {
                urgency: row.urgency,
                items: vec![t.summary.as_ref().map_or(0, |s| s.actions.len())],
            };
            assert_eq!(
                FleetRow::of_decision(who, t.summary.as_ref(), None, &other),
                None,
                "a decision naming an action the summary lacks is no row"
            );
            urgencies.push(row.urgency);
        }
        crate::sort::sort(&mut urgencies);
        urgencies.dedup();
        assert!(urgencies.len() > 1, "the rows differ: {urgencies:?}");
    }

    #[test]
    fn a_packed_scenario_opens_as_its_json_does() {
        use crate::api::{PACKED_INPUT, pack_scenario};
        let scenario: Scenario = crate::api::parse(EXAMPLE).expect("a scenario");
        let mut json = Session::new();
        let mut packed = Session::new();
        let check = json.call("openScenario", EXAMPLE).expect("opens");
        let bytes = pack_scenario(&scenario);
        assert_eq!(
            packed.call_op_packed(Op::OpenScenario, &bytes),
            Ok(check.into_bytes()),
            "the same check"
        );
        for index in 0..scenario.clusters.len() {
            let req = open_request(index, true);
            assert_eq!(
                packed.call("simulateOpenCluster", &req),
                json.call("simulateOpenCluster", &req),
                "cluster {index}"
            );
            // The request packed too: the same answer, JSON or packed.
            let mut typed: OpenClusterRequest = parse(&req).expect("a request");
            for packed_answer in [false, true] {
                typed.include_events = !packed_answer;
                typed.include_certificates = !packed_answer;
                typed.packed = packed_answer;
                let as_json = serde_json::to_string(&typed).expect("serialises");
                assert_eq!(
                    packed
                        .call_op_packed(Op::SimulateOpenCluster, &crate::api::pack_request(&typed)),
                    json.call_op_bytes(Op::SimulateOpenCluster, &as_json),
                    "cluster {index}, packed answer {packed_answer}"
                );
            }
        }
        // Refused as from JSON, leaving nothing open.
        let mut late = scenario.clone();
        late.horizon = crate::engine::Horizon::Until(
            crate::time::Instant::parse("2001-01-01").expect("a date"),
        );
        let refused = serde_json::to_string(&late).expect("serialises");
        assert_eq!(
            packed.call_op_packed(Op::OpenScenario, &pack_scenario(&late)),
            json.call("openScenario", &refused).map(String::into_bytes)
        );
        assert_eq!(
            packed.call("simulateOpenCluster", &open_request(0, true)),
            Err(ApiError::NothingOpen)
        );
        // Bytes that do not decode (half a scenario, a varint cut short): bad input,
        // naming the operation; nothing is left open.
        let cases = [
            (Op::OpenScenario, &bytes[..bytes.len() / 2]),
            (Op::SimulateOpenCluster, &[0x80u8][..]),
        ];
        for (op, cut) in cases {
            packed
                .call_op_packed(Op::OpenScenario, &bytes)
                .expect("opens");
            let e = packed.call_op_packed(op, cut).expect_err("does not decode");
            assert_eq!(e.kind(), "badInput");
            let expected = format!("{}: packed bytes do not decode", op.name());
            assert!(e.to_string().starts_with(&expected), "{e}");
            if op == Op::OpenScenario {
                assert_eq!(
                    packed.call("simulateOpenCluster", &open_request(0, true)),
                    Err(ApiError::NothingOpen)
                );
            }
        }
        // Every other operation takes JSON only.
        for op in Op::ALL.into_iter().filter(|op| !op.takes_packed()) {
            let e = packed.call_op_packed(op, &bytes).expect_err("JSON only");
            assert_eq!(e, ApiError::TakesJson(op));
            assert_eq!(e.kind(), "invalidRequest");
        }
        // And foldCluster takes a packed input only.
        assert_eq!(
            packed.call_op(Op::FoldCluster, "{}"),
            Err(ApiError::PackedOnly(Op::FoldCluster))
        );
        assert_eq!(PACKED_INPUT, 0xFF, "never the first byte of UTF-8 text");
        assert!(std::str::from_utf8(&[PACKED_INPUT]).is_err());
    }

    #[test]
    fn without_an_open_scenario_or_past_its_end_a_request_is_refused() {
        let mut session = Session::new();
        let nothing = session
            .call("simulateOpenCluster", &open_request(0, true))
            .unwrap_err();
        assert_eq!(nothing, ApiError::NothingOpen);
        assert_eq!(nothing.kind(), "invalidRequest");
        session.call("openScenario", EXAMPLE).expect("opens");
        let clusters = crate::api::parse::<Scenario>(EXAMPLE)
            .expect("a scenario")
            .clusters
            .len();
        assert_eq!(
            session
                .call("simulateOpenCluster", &open_request(clusters, true))
                .unwrap_err(),
            ApiError::NoSuchCluster {
                index: clusters,
                clusters
            }
        );
        // A refused scenario leaves none open (not the one before it).
        let refused = EXAMPLE.replacen("\"horizon\"", "\"horizon\": \"2001-01-01\", \"_\"", 1);
        let check = session.call("openScenario", &refused);
        assert!(
            matches!(&check, Err(ApiError::BadInput { .. })),
            "an unknown field is refused as input: {check:?}"
        );
        let mut scenario: Scenario = crate::api::parse(EXAMPLE).expect("a scenario");
        session.call("openScenario", EXAMPLE).expect("opens");
        scenario.horizon = crate::engine::Horizon::Until(
            crate::time::Instant::parse("2001-01-01").expect("a date"),
        );
        let refused = serde_json::to_string(&scenario).expect("serialises");
        let check = session.call("openScenario", &refused).expect("answers");
        assert!(
            check.starts_with(r#"{"refused":{"path":"horizon","message":""#)
                && check.ends_with(r#""part":"horizon"}}"#),
            "{check}"
        );
        assert_eq!(
            session
                .call("simulateOpenCluster", &open_request(0, true))
                .unwrap_err(),
            ApiError::NothingOpen
        );
    }
}
