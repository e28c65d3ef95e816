//! The clock behind every guest call's time limit: a thread that advances the engine's
//! epoch once per [`TICK`]. Compiled guest code compares the epoch with its store's
//! deadline at function entries and loop back-edges, a load and a compare; fuel
//! metering, by contrast, adds to a counter in every basic block and costs the engine
//! about a fifth of its speed (benches/README.md), so it is only on when asked for.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the epoch advances: the time limit's resolution.
pub const TICK: Duration = Duration::from_millis(10);

/// The ticks in `limit`, rounded up, so that a call always gets at least its limit (and
/// a zero limit stops a call at its first check).
pub fn ticks(limit: Duration) -> u64 {
    let tick = TICK.as_nanos();
    u64::try_from(limit.as_nanos().div_ceil(tick)).unwrap_or(u64::MAX)
}

/// The ticking thread; it stops when the last holder drops this (workers hold it too, so
/// a worker that outlives its engine keeps its time limit).
pub struct EpochTicker {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Start advancing `engine`'s epoch; fails only when the thread cannot be spawned.
    pub fn start(engine: &wasmtime::Engine) -> std::io::Result<EpochTicker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let engine = engine.clone();
        let thread = std::thread::Builder::new()
            .name("akscert-epoch".into())
            .spawn(move || {
                // Nothing is ever sent: the channel closes when the ticker is dropped.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                    engine.increment_epoch();
                }
            })?;
        Ok(EpochTicker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // The thread only sleeps and ticks: it ends within one tick.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_rounds_up_to_whole_ticks() {
        assert_eq!(ticks(Duration::ZERO), 0);
        assert_eq!(ticks(Duration::from_nanos(1)), 1);
        assert_eq!(ticks(TICK), 1);
        assert_eq!(ticks(TICK + Duration::from_nanos(1)), 2);
        assert_eq!(ticks(Duration::from_secs(60)), 6_000);
        assert_eq!(ticks(Duration::MAX), u64::MAX);
    }
}
