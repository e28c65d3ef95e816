//! The system under test: the real `Cluster` machine, driven step by step next to the
//! reference model, with every event it emits.

use std::collections::BTreeMap;
use std::sync::Arc;

use akscert_core::Policy;
use akscert_core::cluster::{Cluster, ClusterSpec, Event, Operation, Rejection};

use crate::assertions;
use crate::clock::FakeClock;
use crate::reference::RefState;
use crate::transitions::Step;

/// The machine, its reference, the clock, and what the last step emitted.
pub struct Harness {
    pub cluster: Cluster,
    pub reference: RefState,
    pub clock: FakeClock,
    pub events: Vec<Event>,
}

impl Harness {
    pub fn new(spec: ClusterSpec, seed: u64) -> Harness {
        let reference = RefState::new(&spec);
        let clock = FakeClock::starting_at(spec.created);
        let cluster = Cluster::create(spec, Arc::new(Policy::default()), seed)
            .expect("generated specs are valid");
        let mut h = Harness {
            cluster,
            reference,
            clock,
            events: Vec::new(),
        };
        h.drain();
        h
    }

    fn drain(&mut self) {
        while let Some(e) = self.cluster.poll_event() {
            self.events.push(e);
        }
    }

    /// Apply one step and check every assertion.
    pub fn step(&mut self, step: Step) {
        self.events.clear();
        let stale_before: BTreeMap<String, bool> = self
            .cluster
            .node_pools()
            .iter()
            .map(|p| (p.name.clone(), p.stale.is_some()))
            .collect();
        let to = self.clock.advance(step.after);
        self.cluster
            .handle_timeout(to)
            .expect("the fake clock only moves forward");
        self.reference.advance(to);
        self.drain();
        if let Some(op) = step.op {
            let allowed = self.reference.allowed(&op);
            let result: Result<(), Rejection> = self
                .cluster
                .handle_operation(to, op.clone())
                .expect("the fake clock only moves forward");
            self.drain();
            assertions::outcome_is_allowed(self, &op, &result, &allowed);
            if result.is_ok() {
                self.reference.accept(&op);
            }
            if let (Ok(()), Operation::GetCredentials { holder, .. }) = (&result, &op) {
                assertions::fresh_kubeconfig_works(self, holder);
            }
        }
        assertions::states_agree(self);
        assertions::autorotation_keeps_in_use_certificates_valid(self);
        assertions::kubeconfigs_fail_with_unknown_authority_iff_they_trust_an_old_ca(self);
        assertions::stale_pools_stay_stale_until_recreated(self, &stale_before);
        assertions::rotation_downtime_within_bound(self);
        assertions::events_are_ordered_and_not_in_the_future(self);
    }
}
