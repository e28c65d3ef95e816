//! akscert-core: a pure model of AKS cluster certificates and their rotation.
//!
//! No I/O, no clock, no global randomness: time and seeds are arguments.
#![forbid(unsafe_code)]

pub mod inspect;
pub mod time;

pub use time::{Duration, Instant, TimeError};
