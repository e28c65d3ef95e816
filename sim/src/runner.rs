//! The parallel runner: clusters handed out to `--jobs` worker threads, each with its own
//! engine worker (a wasmtime store), results collected in input order, and a progress
//! bar on stderr with clusters done, events per second and the ETA.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
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
    let started = Clock::now();
    let threads = jobs.clamp(1, items.len().max(1));
    let bar = bar(items.len(), progress);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, R, u64)>();
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let mut total_events = 0u64;
    let outcome = std::thread::scope(|scope| -> Result<(), EngineError> {
        let mut handles = Vec::with_capacity(threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, work, events) = (&next, &work, &events);
            let mut worker = engine.worker()?;
            handles.push(scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = work(&mut worker, item);
                    let n = events(&r);
                    if tx.send((i, r, n)).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(tx);
        for (i, r, n) in rx {
            total_events += n;
            slots[i] = Some(r);
            bar.inc(1);
            let secs = started.elapsed().as_secs_f64();
            if secs > 0.0 {
                bar.set_message(format!("{:.0} events/s", total_events as f64 / secs));
            }
        }
        for h in handles {
            if h.join().is_err() {
                return Err(EngineError::Runtime("a worker thread panicked".into()));
            }
        }
        Ok(())
    });
    bar.finish_and_clear();
    outcome?;
    let results: Vec<R> = slots.into_iter().flatten().collect();
    if results.len() != items.len() {
        return Err(EngineError::Runtime(format!(
            "{} of {} results went missing",
            items.len() - results.len(),
            items.len()
        )));
    }
    Ok((
        results,
        RunStats {
            items: items.len(),
            events: total_events,
            elapsed: started.elapsed(),
        },
    ))
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
