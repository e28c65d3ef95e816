//! The engine natively: one cluster for 30 years, and a fleet of 10,000 clusters for 10
//! years. Throughput is reported in events, so criterion prints events/s.

use akscert_benches::{fleet, single};
use akscert_core::engine::{self, RunOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn events(s: &akscert_core::engine::Scenario, options: RunOptions) -> u64 {
    let t = engine::simulate(s, options).expect("benchmark scenarios are valid");
    assert_eq!(t.summary.failed_clusters, 0);
    t.summary.events
}

fn one_cluster_30_years(c: &mut Criterion) {
    let s = single(30);
    let n = events(&s, RunOptions::default());
    eprintln!("one cluster, 30 years: {n} events");
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(n));
    g.bench_function("one_cluster_30y", |b| {
        b.iter(|| engine::simulate(&s, RunOptions::default()).expect("valid"))
    });
    g.finish();
}

fn fleet_10k_10_years(c: &mut Criterion) {
    let s = fleet(10_000, 10, 42);
    let summary_only = RunOptions {
        include_events: false,
        ..RunOptions::default()
    };
    let n = events(&s, summary_only);
    eprintln!("fleet of 10,000 clusters, 10 years: {n} events");
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    g.bench_function("fleet_10k_10y_summaries", |b| {
        b.iter(|| engine::simulate(&s, summary_only).expect("valid"))
    });
    g.bench_function("fleet_10k_10y_with_events", |b| {
        b.iter(|| engine::simulate(&s, RunOptions::default()).expect("valid"))
    });
    g.finish();
}

criterion_group!(benches, one_cluster_30_years, fleet_10k_10_years);
criterion_main!(benches);
