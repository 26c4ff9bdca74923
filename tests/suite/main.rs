//! The integration tests, one binary with a module per area of the public API (one binary
//! links once, which keeps CI quick on small machines). `tests/alloc.rs` stays apart: it
//! installs a counting global allocator.

mod common;
#[cfg(feature = "json")]
mod json_support;

mod auto_traits;
#[cfg(feature = "json")]
mod bad_inputs;
mod batch;
mod check;
mod cohort;
mod custom_rules;
mod decision_table;
#[cfg(feature = "schemars")]
mod differential;
mod grid;
#[cfg(feature = "json")]
mod hardening;
#[cfg(feature = "json")]
mod json_robustness;
mod options;
mod pathways;
mod pictures;
mod properties;
#[cfg(feature = "json")]
mod roundtrip;
#[cfg(feature = "schemars")]
mod schema;
#[cfg(feature = "json")]
mod stream;
mod texts;
