//! The `akscert` command-line tool's library: the wasmtime host that runs the shipped
//! module (and the native engine beside it), scenario and inventory files, the parallel
//! and sharded fleet runner, and the report renderers. `src/main.rs` holds only the
//! command-line definition; each subcommand is a file of its own.

pub mod cli;
pub mod engine;
pub mod execute;
pub mod inventory;
pub mod outcome;
pub mod output;
pub mod render;
pub mod runner;
pub mod scenario_file;
pub mod shard;
pub mod source;
