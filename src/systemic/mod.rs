//! Systemic therapy (spec §7), decided in this order, each once per case and read by the next
//! as leaves:
//!
//! | rule set | hit policy | decides |
//! |---|---|---|
//! | [`lines`] | UNIQUE | the line of therapy, from the regimens received |
//! | [`order`] | UNIQUE | the options of that line, in the guideline's order, with evidence labels |
//! | [`eligibility`] | COLLECT, exclusive groups | which candidate regimens are left out, and why |
//! | [`with_tace`] | COLLECT, exclusive group | TACE with systemic therapy (not standard of care) |
//!
//! The line, its order and the eligible regimens are decided before the pathway (they decide
//! whether a regimen remains, which `fit_for_systemic` reads); TACE with systemic therapy is
//! decided after it.

pub(crate) mod eligibility;
pub(crate) mod lines;
pub(crate) mod order;
pub(crate) mod with_tace;
