//! Transitions: let time pass, then maybe ask for an operation (legal or not).

use akscert_core::cluster::Operation;
use akscert_core::strategies::arb_operation;
use akscert_core::time::Duration;
use proptest::prelude::*;

/// One step of the state machine test.
#[derive(Debug, Clone)]
pub struct Step {
    /// How long passes first.
    pub after: Duration,
    /// What is asked for then, if anything.
    pub op: Option<Operation>,
}

/// Steps from a minute to well over a year apart, so operations overlap sometimes and
/// certificates expire and renew in between.
pub fn arb_step() -> impl Strategy<Value = Step> {
    let after = prop_oneof![
        3 => (1i64..=40).prop_map(Duration::minutes),
        2 => (1i64..=60).prop_map(Duration::days),
        1 => (60i64..=500).prop_map(Duration::days),
    ];
    (after, proptest::option::weighted(0.85, arb_operation()))
        .prop_map(|(after, op)| Step { after, op })
}
