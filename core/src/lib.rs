//! akscert-core: a pure model of AKS cluster certificates and their rotation.
//!
//! No I/O, no clock, no global randomness: time and seeds are arguments.
//!
//! Every document the model writes (timelines, reports, what-ifs, inspections) is a type
//! here that also reads back from its JSON; [`document`] says what a reader accepts.
#![forbid(unsafe_code)]

pub mod inspect;
pub mod time;

pub use time::{Duration, Instant, TimeError};
pub mod cluster;
pub mod inventory;
pub mod policy;
pub mod rng;
pub mod version;

pub use cluster::{Cluster, Event, EventKind, Operation, Rejection};
pub use policy::Policy;
pub use version::{KubernetesVersion, NodeImageVersion};
pub mod api;
pub mod document;
pub mod engine;
pub mod explain;
mod json_path;
pub mod report;
#[cfg(feature = "proptest")]
pub mod strategies;
