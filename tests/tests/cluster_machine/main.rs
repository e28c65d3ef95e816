//! The cluster state machine against its reference model (proptest-state-machine):
//! arbitrary step sequences never panic, refusals are typed and match the reference, and
//! the seed's invariants hold after every step.

mod assertions;
mod clock;
mod reference;
mod sut;
mod transitions;

use akscert_core::cluster::ClusterSpec;
use akscert_core::strategies::arb_cluster_spec;
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};

use sut::Harness;
use transitions::{Step, arb_step};

/// Generation side: a cluster spec and a seed; transitions are independent of state
/// (illegal ones included on purpose). The reference model proper lives next to the
/// machine in `sut::Harness`, because where AKS's answer depends on certificate dates it
/// learns the outcome from the machine after checking it.
pub struct Generation;

impl ReferenceStateMachine for Generation {
    type State = (ClusterSpec, u64);
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Self::State> {
        (arb_cluster_spec("c".into()), any::<u64>()).boxed()
    }

    fn transitions(_: &Self::State) -> BoxedStrategy<Self::Transition> {
        arb_step().boxed()
    }

    fn apply(state: Self::State, _: &Self::Transition) -> Self::State {
        state
    }
}

impl StateMachineTest for Harness {
    type SystemUnderTest = Harness;
    type Reference = Generation;

    fn init_test(state: &(ClusterSpec, u64)) -> Harness {
        Harness::new(state.0.clone(), state.1)
    }

    fn apply(mut h: Harness, _: &(ClusterSpec, u64), step: Step) -> Harness {
        h.step(step);
        h
    }
}

prop_state_machine! {
    #[test]
    fn cluster_machine_matches_reference_and_keeps_invariants(sequential 1..60 => Harness);
}
