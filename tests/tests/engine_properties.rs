//! Properties of the engine over generated scenarios (core's exported strategies).

use akscert_core::api;
use akscert_core::cluster::{DowntimeCause, EventKind};
use akscert_core::engine::{self, RunOptions, Scenario};
use akscert_core::inventory::{CertRole, Scope};
use akscert_core::report::lifetimes::{in_force_at, lifetimes};
use akscert_core::strategies::arb_scenario;
use proptest::prelude::*;

fn run(s: &Scenario) -> engine::Timeline {
    engine::simulate(s, RunOptions::default()).expect("generated scenarios are valid")
}

proptest! {
    #[test]
    fn same_scenario_same_bytes(s in arb_scenario()) {
        let a = serde_json::to_string(&run(&s)).unwrap();
        let b = serde_json::to_string(&run(&s)).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_timeline_replayed_from_its_events_reproduces_itself(s in arb_scenario()) {
        let original = run(&s);
        let replay = engine::replay_scenario(&s, &original);
        let again = run(&replay);
        for (a, b) in original.clusters.iter().zip(&again.clusters) {
            prop_assert_eq!(&a.events, &b.events, "cluster {}", a.name);
        }
    }

    #[test]
    fn clusters_run_apart_in_any_order_assemble_into_the_single_run(s in arb_scenario()) {
        let whole = serde_json::to_string(&run(&s)).unwrap();
        let prepared = s.prepare().unwrap();
        let mut parts: Vec<_> = api::split(&s)
            .unwrap()
            .into_iter()
            .rev()
            .map(|r| {
                let text = api::call("simulateCluster", &serde_json::to_string(&r).unwrap()).unwrap();
                (r, text)
            })
            .collect();
        // Re-run natively from the split inputs (what a worker or shard does), then assemble.
        let clusters = parts
            .drain(..)
            .map(|(r, _)| {
                let p = r.scenario.prepare().unwrap();
                let mut c = engine::simulate_cluster(&p, 0, RunOptions::default());
                c.index = r.index;
                c
            })
            .collect();
        let assembled = serde_json::to_string(&engine::assemble(&prepared, clusters)).unwrap();
        prop_assert_eq!(whole, assembled);
    }

    #[test]
    fn rotate_certs_downtime_never_exceeds_the_policy_bound(s in arb_scenario()) {
        let t = run(&s);
        let bound = s.policy.rotate_certs_max_downtime;
        for c in &t.clusters {
            for e in c.events.iter().flatten() {
                if let EventKind::DowntimeEnded { cause: DowntimeCause::RotateCerts, duration, .. } = &e.kind {
                    prop_assert!(*duration <= bound, "{} > {}", duration, bound);
                }
            }
        }
    }

    #[test]
    fn scenarios_round_trip_through_json(s in arb_scenario()) {
        let text = serde_json::to_string(&s).unwrap();
        let back: Scenario = api::parse(&text).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn every_cluster_has_a_summary_and_events_in_time_order(s in arb_scenario()) {
        let t = run(&s);
        prop_assert_eq!(t.summary.clusters as usize, s.clusters.len());
        for c in &t.clusters {
            prop_assert!(c.error.is_none(), "{:?}", c.error);
            let events = c.events.as_ref().unwrap();
            prop_assert!(events.windows(2).all(|w| w[0].at <= w[1].at));
            prop_assert!(events.iter().all(|e| e.at <= t.horizon));
            prop_assert_eq!(c.summary.as_ref().unwrap().events as usize, events.len());
        }
    }

    #[test]
    fn a_summarys_final_certificates_are_those_its_events_leave_in_force(s in arb_scenario()) {
        // Two derivations of one fact: the machine's own state at the horizon (the
        // summary) and the last certificate of each role and scope the events issued.
        // A node's copies of the Cluster CA and the API server certificate are issued as
        // the control plane's (no event of their own): each must be one of those, though
        // a node left behind by a rotation may still hold an older one.
        let t = run(&s);
        for c in &t.clusters {
            let summary = c.summary.as_ref().unwrap();
            let events = c.events.as_ref().unwrap();
            let copy = |role| matches!(role, CertRole::ClusterCa | CertRole::ApiServer);
            let mut own = Vec::new();
            for cert in &summary.final_state.certificates {
                let key = (cert.role, Some(cert.serial), cert.not_before, cert.not_after);
                if copy(cert.role) && matches!(cert.scope, Scope::NodePool(_)) {
                    prop_assert!(
                        lifetimes(events, t.horizon).iter().any(|l| l.scope == Scope::ControlPlane
                            && (l.role, l.serial, l.not_before, l.not_after) == key),
                        "cluster {}: a node copy no event issued: {:?}", c.name, cert
                    );
                } else {
                    own.push((cert.scope.clone(), key));
                }
            }
            let mut from_events: Vec<_> = in_force_at(events, t.horizon)
                .into_iter()
                .map(|l| (l.scope, (l.role, l.serial, l.not_before, l.not_after)))
                .collect();
            own.sort();
            from_events.sort();
            prop_assert!(!own.is_empty(), "cluster {}", c.name);
            prop_assert_eq!(own, from_events, "cluster {}", c.name);
        }
    }

    #[test]
    fn arbitrary_json_into_every_operation_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes);
        for op in api::Op::ALL {
            let _ = api::call_op(op, &text);
        }
    }
}
