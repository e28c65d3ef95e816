//! The parallel runner: clusters handed out to `--jobs` worker threads, each with its own
//! engine worker (a wasmtime store), results delivered in input order through a reorder
//! buffer bounded by the worker count (so a large run can be written out as it goes),
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
    // How far past the oldest unfinished item a worker may start: room enough that one
    // long cluster does not idle the other workers, small enough to stay a few MB.
    let window = 16 * threads;
    let bar = bar(items.len(), progress);
    let next = AtomicUsize::new(0);
    // Items handed to `sink` so far; workers wait on it to stay within the window.
    let emitted = (Mutex::new(0usize), Condvar::new());
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, R, u64)>();
    let mut total_events = 0u64;
    let mut delivered = 0usize;
    let outcome = std::thread::scope(|scope| -> Result<(), X> {
        let mut handles = Vec::with_capacity(threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, work, events, emitted, stop) = (&next, &work, &events, &emitted, &stop);
            let mut worker = engine.worker()?;
            handles.push(scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    {
                        let (lock, cv) = emitted;
                        let mut done = lock.lock().unwrap_or_else(|p| p.into_inner());
                        while i >= *done + window && !stop.load(Ordering::Relaxed) {
                            done = cv.wait(done).unwrap_or_else(|p| p.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let r = work(&mut worker, item);
                    let n = events(&r);
                    if tx.send((i, r, n)).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, R> = BTreeMap::new();
        let mut failed = None;
        for (i, r, n) in rx.iter() {
            total_events += n;
            waiting.insert(i, r);
            bar.inc(1);
            let secs = started.elapsed().as_secs_f64();
            if secs > 0.0 {
                bar.set_message(format!("{:.0} events/s", total_events as f64 / secs));
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
            let (lock, cv) = &emitted;
            *lock.lock().unwrap_or_else(|p| p.into_inner()) = delivered;
            cv.notify_all();
            if failed.is_some() {
                break;
            }
        }
        drop(rx);
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
        let items: Vec<usize> = (0..500).collect();
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
                if i % 50 == 0 {
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
        assert_eq!(stats.events, 500);
        // The window is 16 per worker; a worker may have just started one more.
        assert!(most_ahead <= 16 * 4 + 4, "{most_ahead} results ahead");
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
        assert!(done.load(Ordering::SeqCst) < 100);
    }
}
