//! The generic rules engine: predicates, conditions, rules, the UNIQUE hit policy, and
//! three-valued evaluation for contexts with unknown facts.
//!
//! Nothing here knows about liver cancer. The engine is generic over the context a predicate
//! reads (`C`) and what a rule decides (`D`), so the clinical pathway rules, the option rules
//! and a researcher's own rules all use the same machinery.

mod check;
mod compile;
mod diagram;
mod predicate;
mod rule;
mod trace;
mod truth;

pub use check::{
    check, check_with, Assumptions, CheckReport, Finding, FindingKind, Implication, Literal,
    TooManyLeaves, Violation, MAX_CHECK_LEAVES,
};
pub use compile::Blocker;
pub use predicate::{all, any, not, Expr, Predicate};
pub use rule::{
    HitPolicy, HitPolicyError, Leaves, PredicateValue, Rule, RuleSet, RuleSetError, Verdict,
    MAX_CANDIDATE_LEAVES, MAX_LEAVES, MAX_RULES,
};
pub use trace::{Cmp, Fact, Trace, Value};
pub use truth::Truth;
