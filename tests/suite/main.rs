//! The integration tests, one binary with a module per area of the public API (one binary
//! links once, which keeps CI quick on small machines). `tests/alloc.rs` stays apart: it
//! installs a counting global allocator.

mod common;
// The repository's one case generator and random stream, shared with the bench and the
// examples.
#[cfg(feature = "json")]
#[path = "../../examples/support/cohort_gen.rs"]
mod cohort_gen;
#[cfg(feature = "json")]
mod json_support;
#[path = "../../examples/support/rng.rs"]
mod rng;

mod auto_traits;
#[cfg(feature = "json")]
mod bad_inputs;
mod batch;
#[cfg(feature = "json")]
mod boundaries;
#[cfg(feature = "json")]
mod builder;
mod check;
#[cfg(feature = "json")]
mod cohort;
#[cfg(feature = "json")]
mod completions;
#[cfg(feature = "json")]
mod conversions;
mod custom_rules;
mod decision_table;
#[cfg(feature = "schemars")]
mod differential;
#[cfg(feature = "json")]
mod examples_support;
mod grid;
#[cfg(feature = "json")]
mod hardening;
#[cfg(feature = "json")]
mod json_robustness;
mod layout;
mod options;
mod pathways;
mod pictures;
#[cfg(feature = "schemars")]
mod problems;
#[cfg(feature = "proptest")]
mod properties;
#[cfg(feature = "json")]
mod recommend_example;
#[cfg(feature = "json")]
mod recorded_facts;
#[cfg(feature = "json")]
mod roundtrip;
#[cfg(feature = "schemars")]
mod schema;
#[cfg(feature = "json")]
mod scores;
#[cfg(feature = "json")]
mod stream;
mod texts;
mod unknown;
