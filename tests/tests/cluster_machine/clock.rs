//! The fake clock: instants move only when a transition says so.

use akscert_core::time::{Duration, Instant};

/// A clock that starts at the cluster's creation and only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FakeClock {
    now: Instant,
}

impl FakeClock {
    pub fn starting_at(t: Instant) -> FakeClock {
        FakeClock { now: t }
    }

    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn advance(&mut self, by: Duration) -> Instant {
        self.now = self.now + by;
        self.now
    }
}
