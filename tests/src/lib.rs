//! Shared helpers of the akscert cross-crate tests.
