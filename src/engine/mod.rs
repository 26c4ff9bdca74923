//! The generic rules engine: predicates, conditions, rules, the UNIQUE hit policy.
//!
//! Nothing here knows about liver cancer. The engine is generic over the context a predicate
//! reads (`C`) and what a rule decides (`D`), so the clinical pathway rules, the option rules
//! and a researcher's own rules all use the same machinery.

mod check;
mod dnf;
mod predicate;
mod rule;
mod trace;

pub use check::{
    check, CheckReport, Finding, FindingKind, Implication, Literal, TooManyLeaves, Violation,
    MAX_CHECK_LEAVES,
};
pub use predicate::{all, any, not, Expr, Predicate};
pub use rule::{Blocker, HitPolicyError, PredicateValue, Rule, RuleSet, RuleSetError, MAX_LEAVES};
pub use trace::{Cmp, Fact, Trace, Value};
