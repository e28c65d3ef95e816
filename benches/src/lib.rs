//! Benchmark helpers (the benches live under `benches/`).
