//! The parallel runner: clusters handed out to `--jobs` worker threads, each with its own
//! engine worker (a wasmtime store), results delivered (a few at a time) in input order
//! through a reorder buffer bounded by the worker count (so a large run can be written out
//! as it goes),
//! and a progress bar on stderr with clusters done, events per second and the ETA.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};
use std::time::Instant as Clock;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::{Engine, EngineError, Worker};

/// Whether to show the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// On stderr, when stderr is a terminal.
    Auto,
    /// Never (JSON output, tests, benchmarks).
    Hidden,
}

/// Numbers from a finished run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunStats {
    /// Items run.
    pub items: usize,
    /// Events simulated (as counted by the caller's `events` function).
    pub events: u64,
    /// Wall time.
    pub elapsed: std::time::Duration,
}

/// The number of worker threads for `--jobs` (0 = one per core).
pub fn jobs(requested: usize) -> usize {
    if requested > 0 {
        requested
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// Run `work` on every item over `jobs` threads. Results come back in input order;
/// `events` counts what each result simulated, for the progress bar's rate.
pub fn run<T, R, W, E>(
    engine: &Engine,
    items: &[T],
    jobs: usize,
    progress: Progress,
    work: W,
    events: E,
) -> Result<(Vec<R>, RunStats), EngineError>
where
    T: Sync,
    R: Send,
    W: Fn(&mut Worker, &T) -> R + Sync,
    E: Fn(&R) -> u64 + Sync,
{
    let mut results = Vec::with_capacity(items.len());
    let stats = run_in_order(engine, items, jobs, progress, work, events, |r| {
        results.push(r);
        Ok::<(), EngineError>(())
    })?;
    Ok((results, stats))
}

/// Run `work` on every item over `jobs` threads and hand each result to `sink` in input
/// order, as soon as it and every one before it are done. Workers run at most a few items
/// ahead of the oldest unfinished one, so the results waiting for their turn stay bounded
/// by the worker count, however many items there are; `sink`'s error stops the run.
pub fn run_in_order<T, R, W, E, S, X>(
    engine: &Engine,
    items: &[T],
    jobs: usize,
    progress: Progress,
    work: W,
    events: E,
    mut sink: S,
) -> Result<RunStats, X>
where
    T: Sync,
    R: Send,
    W: Fn(&mut Worker, &T) -> R + Sync,
    E: Fn(&R) -> u64 + Sync,
    S: FnMut(R) -> Result<(), X>,
    X: From<EngineError>,
{
    let started = Clock::now();
    let threads = jobs.clamp(1, items.len().max(1));
    let window = WINDOW_PER_WORKER * threads;
    let bar = bar(items.len(), progress);
    let next = AtomicUsize::new(0);
    let window_wait = WindowWait::default();
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<Vec<(usize, R, u64)>>();
    let mut total_events = 0u64;
    let mut delivered = 0usize;
    let outcome = std::thread::scope(|scope| -> Result<(), X> {
        let mut handles = Vec::with_capacity(threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, work, events, window_wait, stop) =
                (&next, &work, &events, &window_wait, &stop);
            let mut worker = engine.worker()?;
            handles.push(scope.spawn(move || {
                // Results go to the sink's thread a few at a time: one wake-up per item
                // cost as much as a small cluster's run (futex calls, context switches).
                // A worker flushes before it waits; and, beside other workers, as soon as
                // it holds the result the sink needs next, which it must not keep while it
                // runs another, perhaps long, cluster (the others would stall at the
                // window). Alone, it batches fully: no one waits on it but the sink.
                let mut batch = Vec::with_capacity(BATCH);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if !window_wait.within(i, window) {
                        if !batch.is_empty() && tx.send(std::mem::take(&mut batch)).is_err() {
                            return;
                        }
                        window_wait.wait(i, window, stop);
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let r = work(&mut worker, item);
                    let n = events(&r);
                    batch.push((i, r, n));
                    let needed_next = threads > 1
                        && batch
                            .first()
                            .is_some_and(|(oldest, ..)| *oldest <= window_wait.delivered());
                    if (batch.len() >= BATCH || needed_next)
                        && tx.send(std::mem::take(&mut batch)).is_err()
                    {
                        return;
                    }
                }
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
            }));
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut failed = None;
        for batch in rx.iter() {
            for (i, r, n) in batch {
                total_events += n;
                waiting.insert(i, r);
                bar.inc(1);
            }
            if !bar.is_hidden() {
                let secs = started.elapsed().as_secs_f64();
                if secs > 0.0 {
                    bar.set_message(format!("{:.0} events/s", total_events as f64 / secs));
                }
            }
            while let Some(r) = waiting.remove(&delivered) {
                delivered += 1;
                if failed.is_none()
                    && let Err(e) = sink(r)
                {
                    failed = Some(e);
                    stop.store(true, Ordering::Relaxed);
                }
            }
            window_wait.advance(delivered);
            if failed.is_some() {
                break;
            }
        }
        drop(rx);
        // Workers waiting for the window see `stop` or the last delivery.
        window_wait.advance(usize::MAX);
        for h in handles {
            if h.join().is_err() {
                return Err(EngineError::Runtime("a worker thread panicked".into()).into());
            }
        }
        failed.map_or(Ok(()), Err)
    });
    bar.finish_and_clear();
    outcome?;
    if delivered != items.len() {
        return Err(EngineError::Runtime(format!(
            "{} of {} results went missing",
            items.len() - delivered,
            items.len()
        ))
        .into());
    }
    Ok(RunStats {
        items: items.len(),
        events: total_events,
        elapsed: started.elapsed(),
    })
}

/// Results a worker hands over at once (the last batch may be smaller).
const BATCH: usize = 32;

/// How far past the oldest unfinished item a worker may start, per worker: room enough
/// that one long cluster does not idle the other workers, and that a worker rarely waits
/// for the sink — each wait is a futex round trip on both threads: at 16 (with batches
/// of 8) a lone worker waited every 8 clusters, and those futex calls were a sixth of the
/// native CLI's CPU samples on the 10,000-cluster fleet (benches/README.md). Small enough
/// to stay a few MB: a table's result is ~2 KB, a cluster's events for a JSON document
/// ~35 KB (`simulate --format json` of 50,000 clusters peaked 9 MB higher than at 16).
const WINDOW_PER_WORKER: usize = 128;

/// How many results the sink has taken, for workers that must not run more than a window
/// ahead of it. Checking costs an atomic load; only a worker that has to wait takes the
/// lock, and the sink's thread notifies only when one does.
#[derive(Default)]
struct WindowWait {
    delivered: AtomicUsize,
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    cv: Condvar,
}

impl WindowWait {
    fn within(&self, i: usize, window: usize) -> bool {
        i < self.delivered().saturating_add(window)
    }

    /// Results the sink has taken so far.
    fn delivered(&self) -> usize {
        self.delivered.load(Ordering::SeqCst)
    }

    /// Block until item `i` is within the window, or the run stops.
    fn wait(&self, i: usize, window: usize, stop: &AtomicBool) {
        let mut guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        // Counted before the check: the sink's thread stores `delivered` before it reads
        // `sleepers` (both SeqCst), so either it sees this sleeper and notifies under the
        // lock, or this check sees its new count. No wake-up is lost.
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        while !self.within(i, window) && !stop.load(Ordering::SeqCst) {
            guard = self.cv.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
    }

    /// The sink has taken `delivered` results.
    fn advance(&self, delivered: usize) {
        self.delivered.store(delivered, Ordering::SeqCst);
        if self.sleepers.load(Ordering::SeqCst) > 0 {
            let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
            self.cv.notify_all();
        }
    }
}

fn bar(len: usize, progress: Progress) -> ProgressBar {
    let show = progress == Progress::Auto && std::io::stderr().is_terminal();
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} clusters · {msg} · ETA {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("starting");
    bar
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::engine::NativeEngine;

    #[test]
    fn results_arrive_in_order_with_a_bounded_backlog() {
        let engine = Engine::Native(NativeEngine);
        let items: Vec<usize> = (0..5000).collect();
        let started = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let mut most_ahead = 0;
        let stats = run_in_order(
            &engine,
            &items,
            4,
            Progress::Hidden,
            |_, &i| {
                started.fetch_add(1, Ordering::SeqCst);
                // Early items are slow, so later ones finish first and must wait.
                if i % 500 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                i
            },
            |_| 1,
            |i| {
                // Items started but not yet handed over: the reorder backlog.
                most_ahead = most_ahead.max(started.load(Ordering::SeqCst) - seen.len());
                seen.push(i);
                Ok::<(), EngineError>(())
            },
        )
        .expect("runs");
        assert_eq!(seen, items);
        assert_eq!(stats.events, 5000);
        // The window per worker, four workers; each may have just started one more.
        let bound = WINDOW_PER_WORKER * 4 + 4;
        assert!(most_ahead <= bound, "{most_ahead} results ahead");
        assert!(
            most_ahead > WINDOW_PER_WORKER,
            "the slow items held results back"
        );
    }

    #[test]
    fn the_result_the_sink_needs_next_is_never_held_behind_another_cluster() {
        // Every item after the first waits for the sink to have taken the first (for at
        // most 10 s, a bound against a hang, not a speed): a worker that kept the first
        // in its batch while it ran another item would make that item wait it out.
        let engine = Engine::Native(NativeEngine);
        let items: Vec<usize> = (0..12).collect();
        let first_taken = AtomicBool::new(false);
        let waited_out = AtomicUsize::new(0);
        run_in_order(
            &engine,
            &items,
            2,
            Progress::Hidden,
            |_, &i| {
                let started = std::time::Instant::now();
                while i > 0 && !first_taken.load(Ordering::SeqCst) {
                    if started.elapsed() > std::time::Duration::from_secs(10) {
                        waited_out.fetch_add(1, Ordering::SeqCst);
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                i
            },
            |_| 0,
            |i| {
                if i == 0 {
                    first_taken.store(true, Ordering::SeqCst);
                }
                Ok::<(), EngineError>(())
            },
        )
        .expect("runs");
        assert_eq!(waited_out.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_sink_error_stops_the_run() {
        let engine = Engine::Native(NativeEngine);
        let items: Vec<usize> = (0..10_000).collect();
        let done = AtomicUsize::new(0);
        let result = run_in_order(
            &engine,
            &items,
            2,
            Progress::Hidden,
            |_, &i| {
                done.fetch_add(1, Ordering::SeqCst);
                i
            },
            |_| 0,
            |i| {
                if i == 10 {
                    Err(EngineError::Runtime("disk full".into()))
                } else {
                    Ok(())
                }
            },
        );
        assert!(matches!(result, Err(EngineError::Runtime(m)) if m == "disk full"));
        // No further than the window past the failed delivery (each worker may have just
        // started one more), far from the 10,000 items.
        let done = done.load(Ordering::SeqCst);
        assert!(done <= 11 + 2 * WINDOW_PER_WORKER + 2, "{done} items run");
    }
}
