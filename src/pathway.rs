//! The pathway rule table of spec §4, in one place, and the leaves that let later rule sets read
//! its decision.
//!
//! Each rule's condition stands on its own (no reliance on evaluation order); the engine
//! evaluates all seven and rejects a case where zero or several match (UNIQUE hit policy).

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{all, any, Expr, Predicate, Rule, RuleSet, Trace, Truth};
use crate::outcomes::{Pathway, PathwayRule};
use crate::predicates::{
    advanced, comfort_focused, fit_for_intervention, fit_for_systemic, locally_treatable, terminal,
};
use crate::sources::*;

/// The id of the pathway rule set.
pub const RULE_SET_ID: &str = "hcc-recurrence-pathways";

/// The version of the crate's clinical content (every rule set it ships shares it); it changes
/// with every clinical change (see CHANGELOG.md).
pub const CLINICAL_VERSION: &str = "0.3.0";

/// Builds the pathway rule set R1–R7 of spec §4.
///
/// ```
/// let rules = hcc_pathways::pathway::pathway_rules();
/// let ids: Vec<_> = rules.rules().iter().map(|r| r.id()).collect();
/// assert_eq!(ids, ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]);
/// ```
fn build() -> RuleSet<Assessment, Pathway> {
    use Pathway::*;
    let not_r1_r2 = || all([comfort_focused().not(), terminal().not()]);
    let intervention_feasible = || locally_treatable().and(fit_for_intervention());
    #[rustfmt::skip]
    let table = vec![
        Rule::new("R1",
            comfort_focused(),
            PalliativeCare,
            "the patient chose comfort-focused care",
            &[AASLD_2023]),
        Rule::new("R2",
            all([comfort_focused().not(), terminal()]),
            PalliativeCare,
            "terminal disease (BCLC stage D)",
            &[BCLC_2022]),
        Rule::new("R3",
            not_r1_r2().and(advanced()).and(fit_for_systemic()),
            SystemicTherapy,
            "spread outside the liver or into major vessels: intervention cannot control it (BCLC stage C). \
             Current guidelines recommend systemic therapy here when the patient is fit, not palliative care alone",
            &[BCLC_2022, AASLD_2023, ASCO_2024, ESMO_2025]),
        Rule::new("R4",
            not_r1_r2().and(advanced()).and(fit_for_systemic().not()),
            PalliativeCare,
            "spread outside the liver or into major vessels, and not fit for systemic therapy \
             (or no supported further line): clinical trial or best supportive care",
            &[BCLC_2022, ASCO_2024]),
        Rule::new("R5",
            not_r1_r2().and(advanced().not()).and(locally_treatable()).and(fit_for_intervention()),
            RepeatIntervention,
            "recurrence limited within the liver and fit for a procedure: a second interventional procedure",
            &[BCLC_2022, INASL_2019, EASL_2018]),
        Rule::new("R6",
            not_r1_r2().and(advanced().not()).and(intervention_feasible().not()).and(fit_for_systemic()),
            SystemicTherapy,
            "repeat intervention not feasible: treatment-stage migration to systemic therapy (BCLC 2022)",
            &[BCLC_2022, APAC_2020]),
        Rule::new("R7",
            not_r1_r2().and(advanced().not()).and(intervention_feasible().not()).and(fit_for_systemic().not()),
            PalliativeCare,
            "neither a repeat intervention nor systemic therapy is feasible",
            &[BCLC_2022]),
    ];
    match RuleSet::unique(RULE_SET_ID, CLINICAL_VERSION, table) {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it; this cannot happen at run time.
        Err(e) => unreachable!("pathway rule table is malformed: {e}"),
    }
}

static PATHWAY_RULES: LazyLock<RuleSet<Assessment, Pathway>> = LazyLock::new(build);

/// The pathway rule set R1–R7 of spec §4 (built once), for researchers to compose with, render
/// and check.
pub fn pathway_rules() -> &'static RuleSet<Assessment, Pathway> {
    &PATHWAY_RULES
}

/// The rule of the table with this id.
pub(crate) fn rule(r: PathwayRule) -> &'static Rule<Assessment, Pathway> {
    // The table holds R1–R7 in order; `PathwayRule` lists them in the same order.
    &pathway_rules().rules()[r as usize]
}

macro_rules! decided_by {
    ($($name:ident, $static:ident, $rule:ident, $id:literal;)*) => {$(
        static $static: LazyLock<Predicate<Assessment>> = LazyLock::new(|| {
            Predicate::new(
                $id,
                concat!("the pathway rules chose ", stringify!($rule)),
                &[BCLC_2022],
                |a: &Assessment, t: &mut Trace| {
                    let rules = a.pathway_decision().rules();
                    let name = concat!("pathway_rule_", stringify!($rule));
                    if !rules.contains(PathwayRule::$rule) {
                        t.flag(name, false).into()
                    } else if rules.len() == 1 {
                        t.flag(name, true).into()
                    } else {
                        Truth::Unknown
                    }
                },
            )
        });
    )*

    /// The leaf "the pathway rules chose `rule`": it reads the decision stored in the
    /// assessment, made once (unknown while `rule` is one of several candidates). For proofs, [`definition`] gives the rule's condition it stands
    /// for.
    pub(crate) fn decided_by(rule: PathwayRule) -> Predicate<Assessment> {
        match rule { $(PathwayRule::$rule => $static.clone(),)* }
    }
    };
}

decided_by! {
    r1, DECIDED_BY_R1, R1, "decided_by_R1";
    r2, DECIDED_BY_R2, R2, "decided_by_R2";
    r3, DECIDED_BY_R3, R3, "decided_by_R3";
    r4, DECIDED_BY_R4, R4, "decided_by_R4";
    r5, DECIDED_BY_R5, R5, "decided_by_R5";
    r6, DECIDED_BY_R6, R6, "decided_by_R6";
    r7, DECIDED_BY_R7, R7, "decided_by_R7";
}

/// "The pathway rules chose one of `rules`", as a condition over the decision leaves.
pub(crate) fn decided_by_any(rules: &[PathwayRule]) -> Expr<Assessment> {
    match rules {
        [one] => decided_by(*one).expr(),
        _ => any(rules.iter().map(|r| decided_by(*r).expr())),
    }
}

/// "The pathway is `pathway`", over the decision leaves.
pub(crate) fn decided_pathway(pathway: Pathway) -> Expr<Assessment> {
    let rules: Vec<PathwayRule> = PathwayRule::ALL
        .iter()
        .copied()
        .filter(|r| r.pathway() == pathway)
        .collect();
    decided_by_any(&rules)
}

/// The definitions of the decision leaves for proofs: `decided_by_Rn` stands for the condition
/// of rule Rn.
pub(crate) fn definitions() -> Vec<(&'static str, Expr<Assessment>)> {
    PathwayRule::ALL
        .iter()
        .map(|r| (decided_by(*r).id(), rule(*r).condition().clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_reads_like_the_spec_and_partitions_the_abstract_domain() {
        let rs = pathway_rules();
        assert_eq!(rs.rules().len(), 7);
        assert_eq!(
            rs.rules()[1].condition().to_string(),
            "¬comfort_focused ∧ terminal"
        );
        // Over every combination of leaf truth values, exactly one rule matches: each rule
        // stands on its own, without implications.
        let n = rs.leaves().len();
        assert!(n <= 14, "{n} leaves");
        for mask in 0..(1u64 << n) {
            assert_eq!(rs.matches_for_mask(mask).count(), 1, "mask {mask:b}");
        }
    }

    #[test]
    fn rule_ids_follow_the_enumeration() {
        for r in PathwayRule::ALL {
            assert_eq!(rule(*r).id(), r.wire_name());
            assert_eq!(*rule(*r).outcome(), r.pathway());
        }
    }
}
