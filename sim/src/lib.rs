//! The `akscert` command-line tool: runs akscert-core's simulation engine on scenarios and
//! renders timelines for people.

pub mod human;

/// The bundled example scenario (the README's first command runs it).
pub const EXAMPLE_SCENARIO: &str = include_str!("../../examples/scenario.json");
