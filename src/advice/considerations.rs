//! The cross-cutting considerations of spec §6: what else to arrange or weigh, whatever the
//! options.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{all, any, Expr, Rule, RuleSet};
use crate::outcomes::{Pathway, PathwayRule};
use crate::pathway::{decided_by_any, decided_pathway, CLINICAL_VERSION};
use crate::predicates::*;
use crate::sources::*;
use crate::systemic::eligibility::regimen_available;

use super::transplant_evaluation_applies;

/// The id of the consideration rule set.
pub const RULE_SET_ID: &str = "hcc-considerations";

fn build() -> RuleSet<Assessment, ()> {
    #[rustfmt::skip]
    let table = vec![
        Rule::new("mdt_review",
            Expr::True,
            (),
            "review by the multidisciplinary tumour board (MDT) with the patient",
            &[AASLD_2023, BCLC_2022]),
        Rule::new("liver_transplant_evaluation",
            transplant_evaluation_applies(),
            (),
            "within the Milan criteria: refer for liver-transplant evaluation (salvage transplantation)",
            &[MILAN, BCLC_2022]),
        Rule::new("transplant_after_downstaging",
            all([within_milan().not(), up_to_seven().expr(), advanced().not(),
                 liver_transplant_recipient().not(), transplant_performance().expr(), comfort_focused().not(),
                 terminal().not()]),
            (),
            "beyond Milan but within up-to-seven: transplant after downstaging within extended criteria may be \
             weighed by a transplant centre (BCLC 2022, B subgroup 1)",
            &[BCLC_2022, UP_TO_7]),
        Rule::new("repeat_resection",
            all([single_nodule().expr(), resection_liver_function().expr(), resection_performance().expr(),
                 advanced().not(), comfort_focused().not(), terminal().not()]),
            (),
            "single nodule, Child-Pugh <= {resection_max_child_pugh}, ECOG <= {resection_max_ecog} and any impairment \
             not cancer-related: surgical evaluation for repeat resection",
            &[BCLC_2022, EASL_2018]),
        Rule::new("hbv_antiviral_therapy",
            hbsag_positive(),
            (),
            "HBsAg positive: antiviral therapy with a nucleos(t)ide analogue (entecavir or tenofovir), started or \
             continued whatever the pathway; it lowers recurrence after treatment and protects against reactivation \
             during systemic or locoregional therapy",
            &[AASLD_HBV_2018, EASL_HBV_2017]),
        Rule::new("early_recurrence",
            early_recurrence(),
            (),
            "recurrence within {early_recurrence_max_months} months of the last procedure: early recurrence, \
             aggressive tumour biology",
            &[BCLC_2022]),
        Rule::new("clinical_trial",
            any([
                all([decided_pathway(Pathway::SystemicTherapy), no_regimen_received().not()]),
                all([decided_by_any(&[PathwayRule::R4, PathwayRule::R7]), regimen_available().not()]),
            ]),
            (),
            "systemic therapy in the second line or later, or no supported further line: consider a clinical trial",
            &[ASCO_2024]),
        Rule::new("bone_metastases_radiotherapy",
            all([bone_metastases().expr(), decided_pathway(Pathway::RepeatIntervention).not()]),
            (),
            "bone metastases: radiotherapy for painful or threatening bone metastases",
            &[ESMO_2025]),
        Rule::new("brain_metastases_evaluation",
            brain_metastases(),
            (),
            "brain metastases: neurosurgical or stereotactic radiotherapy evaluation",
            &[ESMO_2025]),
    ];
    let set = RuleSet::collect(RULE_SET_ID, CLINICAL_VERSION, table).and_then(|s| {
        s.exclusive(&[
            "liver_transplant_evaluation",
            "transplant_after_downstaging",
        ])
    });
    match set {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("consideration rule table is malformed: {e}"),
    }
}

static CONSIDERATION_RULES: LazyLock<RuleSet<Assessment, ()>> = LazyLock::new(build);

/// The consideration rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, ()> {
    &CONSIDERATION_RULES
}
