//! akscert-core: a pure model of AKS cluster certificates and their rotation — which
//! certificates a cluster depends on, when each expires or rotates, and what an operation
//! (or doing nothing) does to them.
//!
//! # One model, three faces
//!
//! - **The JSON API** ([`api::call`], or [`api::call_op`] with an [`api::Op`]): JSON in,
//!   JSON out. The WebAssembly modules (npm `akscert`, `akscert/trust`, `akscert/full`),
//!   the `akscert` CLI (which runs the full module in wasmtime, or this crate natively) and
//!   tests all go through it, so every face gives the same bytes. An [`api::Session`] adds
//!   memory between calls for a fleet: `openScenario` validates a scenario and holds it,
//!   `simulateOpenCluster` runs its clusters by index (the modules keep one per instance);
//!   through the host ABI, `foldCluster` adds each cluster's run to the fleet's totals and
//!   places its row and open actions in the fleet's orders ([`report::fleet_fold`]), so
//!   that a report written as clusters arrive needs no rule of its own.
//! - **The typed library**: the same operations as Rust functions and types
//!   ([`report::expiry_report`], [`report::what_if`], [`engine::simulate`],
//!   [`inspect::inspect`], [`report::fleet_report`]); every document also reads back from its
//!   JSON ([`document`] says what a reader accepts).
//! - **Property-test strategies** (`proptest` feature, `akscert_core::strategies`) for other teams'
//!   suites: a reference model of AKS certificate behaviour.
//!
//! # The rule: no I/O, no clock
//!
//! Nothing here reads a file, the network, an environment variable or the clock, and
//! there is no global randomness: "now" and seeds are arguments. The crate builds for
//! `wasm32-unknown-unknown`; `core/clippy.toml` bans the clock and hash maps.
//!
//! # The cluster machine, sans-IO
//!
//! [`Cluster`] is one AKS cluster's certificate state machine. Inputs go in through
//! `handle_*` with the instant they happen at; what they caused comes out of
//! [`Cluster::poll_event`]; [`Cluster::poll_timeout`] says when the machine must next be
//! woken and why (a certificate's rotation point, an autorotation, an operation's end).
//!
//! ```no_run
//! use std::sync::Arc;
//! use akscert_core::cluster::{ClusterSpec, NodePoolSpec, PoolMode};
//! use akscert_core::{Cluster, Instant, KubernetesVersion, Operation, Policy};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let spec = ClusterSpec {
//!     name: "prod".into(),
//!     resource_group: "rg-prod".into(),
//!     created: Instant::parse("2021-03-01T10:00:00Z")?,
//!     kubernetes_version: KubernetesVersion::parse("1.19.7")?,
//!     rbac: true,
//!     tls_bootstrap: true,
//!     node_pools: vec![NodePoolSpec {
//!         name: "nodepool1".into(),
//!         mode: Some(PoolMode::System),
//!         os: Default::default(),
//!         count: 3,
//!         kubernetes_version: None,
//!         node_image: None,
//!         snapshot: None,
//!         tags: Default::default(),
//!     }],
//! };
//! let mut cluster = Cluster::create(spec, Arc::new(Policy::default()), 42)?;
//! let horizon = Instant::parse("2026-01-01T00:00:00Z")?;
//! // Time passes: wake the machine at each deadline it names, until the horizon.
//! while let Some(timer) = cluster.poll_timeout().filter(|t| t.at <= horizon) {
//!     cluster.handle_timeout(timer.at)?;
//!     while let Some(event) = cluster.poll_event() {
//!         println!("{} {:?}", event.at, event.kind);
//!     }
//! }
//! // An operation at an instant: the caller's clock error outside, AKS's answer inside
//! // (accepted, or a typed rejection in AKS's wording).
//! cluster.handle_operation(horizon, Operation::Stop)??;
//! # Ok(())
//! # }
//! ```
//!
//! # Where things are
//!
//! - [`policy`]: AKS's rules as data, each field citing its source; [`explain`] builds
//!   every sentence that states a rule from it.
//! - [`inventory`]: the certificates AKS uses, where they live and who maintains them.
//! - [`cluster`]: the state machine above; [`engine`]: scenarios of many clusters, a
//!   seeded fault model, timelines and summaries, event-driven.
//! - [`report`]: expiry reports, what-ifs, facts from `az aks` output, the fleet view.
//! - [`inspect`]: real certificates, kubeconfigs and check-command outputs in, facts out.
//! - [`time`], [`version`]: instants, durations and versions as the tools print them.
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
mod json_de;
mod json_path;
pub mod json_ser;
pub mod report;
mod sort;
mod struct_de;
mod substring;
mod variant_de;
mod vec_map;
pub use vec_map::VecMap;
pub mod wire_name;
pub use wire_name::wire_name;
#[cfg(feature = "proptest")]
pub mod strategies;
