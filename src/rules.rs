//! The pathway rule table of spec §4, in one place.
//!
//! Each rule's condition stands on its own (no reliance on evaluation order); the engine
//! evaluates all seven and rejects a case where zero or several match (UNIQUE hit policy).

use std::fmt;
use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{all, Rule, RuleSet};
use crate::predicates::{
    advanced, comfort_focused, fit_for_intervention, fit_for_systemic, locally_treatable, terminal,
};
use crate::sources::*;

crate::macros::wire_enum! {
    /// The three treatment pathways; exactly one per case.
    ///
    /// Ordered by the fitness each demands: `palliative_care` < `systemic_therapy` <
    /// `repeat_intervention`.
    Pathway {
        /// Best supportive care: quality of life and symptom control.
        PalliativeCare = "palliative_care",
        /// Drugs: repeat intervention not feasible, and fit for them.
        SystemicTherapy = "systemic_therapy",
        /// A second interventional procedure for limited intrahepatic recurrence.
        RepeatIntervention = "repeat_intervention",
    }
}

impl Pathway {
    /// A human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Pathway::RepeatIntervention => "Repeat intervention",
            Pathway::SystemicTherapy => "Systemic therapy",
            Pathway::PalliativeCare => "Palliative care",
        }
    }
}

/// The id of the pathway rule set.
pub const PATHWAY_RULE_SET_ID: &str = "hcc-recurrence-pathways";
/// The version of the clinical content; it changes with every clinical change (see
/// CHANGELOG.md).
pub const PATHWAY_RULE_SET_VERSION: &str = "0.2.0";

/// Builds the pathway rule set R1–R7 of spec §4.
///
/// ```
/// let rules = hcc_pathways::rules::pathway_rule_set();
/// let ids: Vec<_> = rules.rules().iter().map(|r| r.id()).collect();
/// assert_eq!(ids, ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]);
/// ```
pub fn pathway_rule_set() -> RuleSet<Assessment, Pathway> {
    use Pathway::*;
    let not_r1_r2 = || all([comfort_focused().not(), terminal().not()]);
    let intervention_feasible = || locally_treatable().and(fit_for_intervention());
    let table = vec![
        Rule::new("R1",
            comfort_focused(),
            PalliativeCare,
            "the patient chose comfort-focused care",
            &[AASLD_2023]),
        Rule::new("R2",
            all([comfort_focused().not(), terminal().expr()]),
            PalliativeCare,
            "end-stage liver function or poor performance status (BCLC stage D)",
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
            "repeat intervention not feasible: treatment-stage migration to systemic therapy (BCLC 2022); \
             multinodular disease beyond up-to-seven is TACE-unsuitable (Kudo 2020)",
            &[BCLC_2022, APAC_2020]),
        Rule::new("R7",
            not_r1_r2().and(advanced().not()).and(intervention_feasible().not()).and(fit_for_systemic().not()),
            PalliativeCare,
            "neither a repeat intervention nor systemic therapy is feasible",
            &[BCLC_2022]),
    ];
    match RuleSet::new(PATHWAY_RULE_SET_ID, PATHWAY_RULE_SET_VERSION, table) {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it; this cannot happen at run time.
        Err(e) => unreachable!("pathway rule table is malformed: {e}"),
    }
}

static PATHWAY_RULES: LazyLock<RuleSet<Assessment, Pathway>> = LazyLock::new(pathway_rule_set);

/// The shared pathway rule set (built once).
pub fn pathway_rules() -> &'static RuleSet<Assessment, Pathway> {
    &PATHWAY_RULES
}

impl fmt::Display for RuleSet<Assessment, Pathway> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.id(), self.version())?;
        for r in self.rules() {
            writeln!(f, "{}: {} => {}", r.id(), r.condition(), r.outcome())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_builds_and_reads_like_the_spec() {
        let rs = pathway_rule_set();
        assert_eq!(rs.rules().len(), 7);
        let text = rs.to_string();
        assert!(
            text.contains("R1: comfort_focused => palliative_care"),
            "{text}"
        );
        assert!(
            text.contains("R2: ¬comfort_focused ∧ terminal => palliative_care"),
            "{text}"
        );
    }

    #[test]
    fn abstract_domain_is_partitioned() {
        // Over every combination of leaf truth values, exactly one rule matches.
        let rs = pathway_rule_set();
        let n = rs.leaves().len();
        assert!(n <= 16);
        for mask in 0..(1u64 << n) {
            assert_eq!(rs.matches_for_mask(mask).count(), 1, "mask {mask:b}");
        }
    }
}
