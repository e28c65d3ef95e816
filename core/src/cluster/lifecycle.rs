//! Where a cluster is in its life: `powerState` and `provisioningState` as AKS reports
//! them, each with the data its state carries (when a stop took effect, the operation in
//! flight and when it ends).
//!
//! Two enums, not one: the two states are independent in AKS. A stopped cluster can be
//! rotating its certificates (`az aks rotate-certs` on a stopped cluster, where AKS allows
//! it), a failed cluster can be stopped, and either can be mid-operation. Keeping each
//! state's data inside its variant means "stopped since" cannot outlive the stop and an
//! operation's end cannot be read when none is running.

use super::operation::{Operation, PowerState, ProvisioningState};
use crate::time::Instant;

/// A long-running operation in progress.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct InFlight {
    /// The operation.
    pub op: Operation,
    /// The `provisioningState` it shows while it runs (`Upgrading`, `Stopping`, …).
    pub state: ProvisioningState,
    /// When it completes.
    pub ends: Instant,
}

/// `powerState`, with when a stop took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Power {
    /// Running.
    Running,
    /// Stopped (`az aks stop` completed) at `since`.
    Stopped { since: Instant },
}

/// `provisioningState`: settled, failed, or an operation in flight.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Work {
    /// The last operation succeeded (or none has run).
    Succeeded,
    /// The last operation failed; AKS's fix is to run it again.
    Failed,
    /// An operation is running.
    InFlight(InFlight),
}

/// A cluster's power and provisioning state. Created running and succeeded.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Lifecycle {
    /// `powerState`.
    pub power: Power,
    /// `provisioningState`.
    pub work: Work,
}

impl Lifecycle {
    /// A cluster just created: running, provisioning succeeded.
    pub fn created() -> Lifecycle {
        Lifecycle {
            power: Power::Running,
            work: Work::Succeeded,
        }
    }

    /// `provisioningState` as AKS reports it.
    pub fn provisioning_state(&self) -> ProvisioningState {
        match &self.work {
            Work::Succeeded => ProvisioningState::Succeeded,
            Work::Failed => ProvisioningState::Failed,
            Work::InFlight(f) => f.state,
        }
    }

    /// `powerState.code` as AKS reports it.
    pub fn power_state(&self) -> PowerState {
        match self.power {
            Power::Running => PowerState::Running,
            Power::Stopped { .. } => PowerState::Stopped,
        }
    }

    /// The operation running, if any.
    pub fn in_flight(&self) -> Option<&InFlight> {
        match &self.work {
            Work::InFlight(f) => Some(f),
            _ => None,
        }
    }

    /// When the cluster was stopped, if it is.
    pub fn stopped_since(&self) -> Option<Instant> {
        match self.power {
            Power::Stopped { since } => Some(since),
            Power::Running => None,
        }
    }

    /// Whether it is running (not stopped).
    pub fn is_running(&self) -> bool {
        self.power == Power::Running
    }

    /// Whether the last operation failed.
    pub fn is_failed(&self) -> bool {
        matches!(self.work, Work::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Operation;

    #[test]
    fn each_state_reads_as_aks_reports_it() {
        let Ok(at) = Instant::from_unix(1_700_000_000) else {
            panic!("a valid instant")
        };
        let mut l = Lifecycle::created();
        assert_eq!(
            (l.power_state(), l.provisioning_state()),
            (PowerState::Running, ProvisioningState::Succeeded)
        );
        assert!(l.in_flight().is_none() && l.stopped_since().is_none());
        l.power = Power::Stopped { since: at };
        l.work = Work::InFlight(InFlight {
            op: Operation::Start,
            state: ProvisioningState::Starting,
            ends: at,
        });
        assert_eq!(
            (l.power_state(), l.provisioning_state()),
            (PowerState::Stopped, ProvisioningState::Starting)
        );
        assert_eq!(l.stopped_since(), Some(at));
        assert!(!l.is_running() && !l.is_failed());
        l.work = Work::Failed;
        assert_eq!(l.provisioning_state(), ProvisioningState::Failed);
        assert!(l.is_failed() && l.in_flight().is_none());
    }
}
