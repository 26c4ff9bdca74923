//! What the pathway reason adds (spec §4): each detail names a criterion that actually fired,
//! never one that did not.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{all, Rule, RuleSet};
use crate::outcomes::PathwayRule::{self, *};
use crate::pathway::{decided_by, decided_by_any, CLINICAL_VERSION};
use crate::predicates::*;
use crate::sources::*;
use crate::systemic::eligibility::regimen_available;

use super::transplant_evaluation_applies;

/// The id of the reason-detail rule set.
pub const RULE_SET_ID: &str = "hcc-reason-details";

/// Where a detail goes in the pathway reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum Placement {
    /// Before the rule's reason (the reason begins with it).
    Before,
    /// After the rule's reason.
    After,
}

fn build() -> RuleSet<Assessment, Placement> {
    use Placement::{After, Before};
    let by = |r: PathwayRule| decided_by(r).expr();
    #[rustfmt::skip]
    let table = vec![
        Rule::new("transplant_first",
            all([decided_by_any(&[R2, R7]), transplant_evaluation_applies(),
                 child_pugh_above_intervention_limit().expr()]),
            Before,
            "liver function rules out local and systemic therapy; liver-transplant evaluation first (BCLC 2022: \
             end-stage liver function → transplant if a candidate, otherwise best supportive care)",
            &[BCLC_2022, MILAN]),
        Rule::new("r2_performance_status",
            all([by(R2), terminal_performance_status().expr()]),
            After,
            "poor performance status: ECOG {terminal_min_ecog} or more",
            &[BCLC_2022, ECOG]),
        Rule::new("r2_liver_function",
            all([by(R2), terminal_liver_function().expr()]),
            After,
            "end-stage liver function: Child-Pugh {terminal_min_child_pugh} or more",
            &[BCLC_2022, CHILD_PUGH]),
        Rule::new("r6_beyond_up_to_seven",
            all([by(R6), multinodular_beyond_up_to_seven()]),
            After,
            "multinodular disease beyond up-to-seven ({up_to_seven_limit}), not infiltrative: TACE-unsuitable \
             (Kudo 2020)",
            &[APAC_2020, UP_TO_7]),
        Rule::new("r6_infiltrative",
            all([by(R6), infiltrative().expr()]),
            After,
            "infiltrative growth (BCLC-B subgroup 3)",
            &[BCLC_2022]),
        Rule::new("r6_tace_excluded_not_ablatable",
            all([by(R6), tace_excluded(), ablation_candidate().not()]),
            After,
            "TACE excluded (refractory, JSH 2014) and not an ablation candidate",
            &[JSH_2014, INASL_2019]),
        Rule::new("r6_child_pugh_above_intervention_limit",
            all([by(R6), child_pugh_above_intervention_limit().expr()]),
            After,
            "not fit for a procedure: Child-Pugh above {intervention_max_child_pugh}",
            &[BCLC_2022, EASL_2018]),
        Rule::new("r6_cancer_related_performance_status",
            all([by(R6), cancer_related_impairment().expr()]),
            After,
            "not fit for a procedure: cancer-related impairment of performance status (ECOG 1-2)",
            &[BCLC_2022]),
        Rule::new("r6_ecog_above_intervention_limit",
            all([by(R6), ecog_above_intervention_limit().expr()]),
            After,
            "not fit for a procedure: ECOG above {intervention_max_ecog}",
            &[BCLC_2022]),
        Rule::new("no_supported_further_line",
            all([decided_by_any(&[R4, R7]), regimen_available().not()]),
            After,
            "no supported further line: every regimen of the current line is contraindicated, already received or \
             adds no mechanism class not yet used (see the omitted regimens)",
            &[ASCO_2024]),
    ];
    match RuleSet::collect(RULE_SET_ID, CLINICAL_VERSION, table) {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("reason-detail rule table is malformed: {e}"),
    }
}

static DETAIL_RULES: LazyLock<RuleSet<Assessment, Placement>> = LazyLock::new(build);

/// The reason-detail rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, Placement> {
    &DETAIL_RULES
}
