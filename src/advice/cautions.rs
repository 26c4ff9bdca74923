//! Cautions (spec §4, §6, §7). A caution concerns either the case as a whole or only some
//! options; one that concerns options is reported only when one of them is offered, and names
//! those it applies to.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::case::Regimen;
use crate::engine::{all, any, Expr, Rule, RuleSet};
use crate::outcomes::{LineOfTherapy, Modality, OptionSet, Pathway, PathwayRule, TreatmentId};
use crate::pathway::{decided_by, decided_pathway, CLINICAL_VERSION};
use crate::predicates::*;
use crate::sources::*;
use crate::systemic::eligibility::{bevacizumab, checkpoint_inhibitors, vegf_pathway};
use crate::systemic::lines::{later_line_construction, line_is};

use super::transplant_evaluation_applies;

/// The id of the caution rule set.
pub const RULE_SET_ID: &str = "hcc-cautions";

/// What a caution concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Concerns {
    /// The case as a whole.
    Case,
    /// These options: reported for those offered, and not at all when none is.
    Options(OptionSet),
}

fn tace_options() -> OptionSet {
    OptionSet::procedures(true).with(TreatmentId::TaceWithSystemic)
}

fn regimens(set: crate::case::RegimenSet) -> OptionSet {
    OptionSet::EMPTY.with_regimens(set)
}

fn one(r: Regimen) -> OptionSet {
    OptionSet::EMPTY.with(TreatmentId::Regimen(r))
}

/// R6 with well-defined multinodular disease beyond up-to-seven, TACE not excluded and fit for
/// a procedure: where BCLC 2022 would still consider TACE.
fn tace_considerable() -> Expr<Assessment> {
    all([
        multinodular_beyond_up_to_seven(),
        tace_excluded().not(),
        fit_for_intervention(),
    ])
}

fn build() -> RuleSet<Assessment, Concerns> {
    use Concerns::{Case, Options};
    let systemic = || decided_pathway(Pathway::SystemicTherapy);
    let all_regimens = || regimens(Regimen::ALL.iter().copied().collect());
    #[rustfmt::skip]
    let table = vec![
        // The procedures (spec §6).
        Rule::new("near_tace_refractory",
            all([near_tace_refractory().expr(), tace_excluded().not()]),
            Options(tace_options()),
            "one step from TACE refractoriness: one more insufficient response or intrahepatic progression after \
             TACE meets the JSH-LCSGJ criteria (the counters are not added together)",
            &[JSH_2014]),
        Rule::new("large_single_nodule_tace",
            large_single_nodule(),
            Options(tace_options()),
            "single nodule of {tace_caution_diameter_mm} mm or more: EASL relative contraindication to TACE",
            &[EASL_2018]),
        Rule::new("albi_decompensation_after_tace",
            albi_decompensation_risk(),
            Options(tace_options()),
            "ALBI grade 3 or mALBI grade 2b: risk of hepatic decompensation after TACE",
            &[ALBI, MALBI]),
        Rule::new("easl_tace_checklist",
            Expr::True,
            Options(tace_options()),
            "confirm no EASL 2018 contraindication to TACE: creatinine clearance below 30 mL/min, non-tumoural \
             portal-vein occlusion or hepatofugal flow, untreatable arteriovenous fistula, biliary obstruction or a \
             biliary-enteric anastomosis or stent (infection risk)",
            &[EASL_2018]),
        Rule::new("tare_or_sbrt_alternative",
            Expr::True,
            Options(OptionSet::procedures(true).with(TreatmentId::Procedure(Modality::Pei))),
            "TARE or stereotactic body radiotherapy are alternatives the MDT may weigh for nodules that cannot be \
             (thermally) ablated",
            &[AASLD_2023]),
        Rule::new("pei_alone_tace_excluded",
            all([ablation_candidate().expr(), unsafe_ablation_location().expr(), pei_size().not(), tace_excluded()]),
            Options(OptionSet::EMPTY.with(TreatmentId::Procedure(Modality::Pei))),
            "TACE excluded, so TACE + PEI is ruled out: PEI alone for a {pei_max_diameter_mm+1}-\
             {ablation_max_diameter_mm} mm nodule where thermal ablation is unsafe; PEI alone is weaker above \
             {pei_max_diameter_mm} mm",
            &[INASL_2019, JSH_2014]),
        Rule::new("comorbidity_procedure_fitness",
            comorbidity_impairment(),
            Options(OptionSet::procedures(false).with(TreatmentId::TaceWithSystemic)),
            "performance status impaired by comorbidity: confirm fitness for the procedure and anaesthesia at the MDT",
            &[BCLC_2022]),
        Rule::new("tace_at_ecog_2",
            all([comorbidity_impairment().expr(), ecog_2().expr()]),
            Options(tace_options()),
            "TACE at ECOG 2 lies outside the trial populations (ECOG 0-1); the MDT weighs ablation, radiotherapy or \
             systemic therapy",
            &[BCLC_2022, EASL_2018]),
        // The pathway reason (spec §4).
        Rule::new("r6_tace_for_well_defined_nodules",
            all([decided_by(PathwayRule::R6).expr(), tace_considerable()]),
            Case,
            "BCLC 2022 would consider TACE for well-defined nodules with preserved portal flow: MDT decision",
            &[BCLC_2022, APAC_2020]),
        Rule::new("r7_mdt_may_weigh_tace_at_child_pugh_7",
            all([decided_by(PathwayRule::R7).expr(), tace_considerable(), child_pugh_7().expr()]),
            Case,
            "the MDT may weigh TACE at Child-Pugh 7",
            &[BCLC_2022, EASL_2018]),
        Rule::new("r7_mdt_may_weigh_ablation",
            all([decided_by(PathwayRule::R7).expr(), child_pugh_beyond_intervention_not_terminal().expr(),
                 ablation_candidate().expr(), infiltrative().not(), cancer_related_impairment().not(),
                 ecog_above_intervention_limit().not()]),
            Case,
            "the MDT may weigh ablation at Child-Pugh {intervention_max_child_pugh+1}-{terminal_min_child_pugh-1} \
             without refractory ascites",
            &[BCLC_2022, EASL_2018]),
        Rule::new("r7_mdt_may_weigh_systemic_at_child_pugh_7",
            all([decided_by(PathwayRule::R7).expr(), child_pugh_7().expr(), policy_admits_child_pugh_7().not()]),
            Case,
            "the MDT may weigh systemic therapy at Child-Pugh 7, which this policy does not admit \
             (systemic_max_child_pugh = {systemic_max_child_pugh}; NCCN category 2A for atezolizumab + bevacizumab in \
             Child-Pugh B)",
            &[NCCN_HCC]),
        // Systemic therapy (spec §7).
        Rule::new("varices_not_screened",
            varices_not_screened(),
            Options(regimens(bevacizumab()).with(TreatmentId::TaceWithSystemic)),
            "varices not screened in the last 6 months: endoscopy, and treatment of varices, before bevacizumab",
            &[IMBRAVE150, ASCO_2024]),
        Rule::new("vegf_drugs_with_high_risk_varices",
            high_risk_varices(),
            Options(regimens(vegf_pathway()).with(TreatmentId::TaceWithSystemic)),
            "untreated high-risk varices or variceal bleeding in the last 6 months: bleeding risk with every \
             VEGF-pathway drug; treat the varices first",
            &[IMBRAVE150, ASCO_2024]),
        Rule::new("brain_metastases_bevacizumab",
            brain_metastases(),
            Options(regimens(bevacizumab())),
            "brain metastases: caution before bevacizumab",
            &[IMBRAVE150]),
        Rule::new("lenvatinib_main_portal_vein",
            main_portal_vein_invasion(),
            Options(one(Regimen::Lenvatinib)),
            "main portal vein invasion: excluded from REFLECT, caution with lenvatinib",
            &[REFLECT]),
        Rule::new("ecog_2_trial_evidence",
            ecog_2(),
            Options(all_regimens()),
            "ECOG 2: trial evidence limited to ECOG 0-1",
            &[ASCO_2024, SHARP]),
        Rule::new("child_pugh_7_by_policy",
            child_pugh_7(),
            Options(all_regimens()),
            "Child-Pugh 7 admitted to systemic therapy by policy (systemic_max_child_pugh = \
             {systemic_max_child_pugh}): the trials enrolled Child-Pugh class A (NCCN category 2A for atezolizumab + \
             bevacizumab in Child-Pugh B)",
            &[NCCN_HCC, IMBRAVE150]),
        Rule::new("inactive_autoimmune_disease",
            inactive_autoimmune_disease(),
            Options(regimens(checkpoint_inhibitors()).with(TreatmentId::TaceWithSystemic)),
            "previously documented, inactive autoimmune disease: caution with checkpoint inhibitors",
            &[ASCO_2024, IMBRAVE150]),
        Rule::new("nivolumab_ipilimumab_early_deaths",
            Expr::True,
            Options(one(Regimen::NivolumabIpilimumab)),
            "nivolumab + ipilimumab: excess deaths in the first 6 months (CheckMate 9DW)",
            &[CHECKMATE_9DW]),
        Rule::new("camrelizumab_rivoceranib_approval",
            Expr::True,
            Options(one(Regimen::CamrelizumabRivoceranib)),
            "camrelizumab + rivoceranib: approval differs by region",
            &[CARES_310]),
        Rule::new("sorafenib_tolerance_unknown",
            all([systemic(), sorafenib_tolerance_unknown().expr(),
                 any([line_is(LineOfTherapy::AfterSorafenibOrLenvatinib).expr(), later_line_construction()])]),
            Case,
            "tolerance of sorafenib not recorded: regorafenib is left out until it is (RESORCE enrolled patients \
             who tolerated sorafenib)",
            &[RESORCE]),
        Rule::new("measure_afp",
            all([systemic(), afp_unknown().expr(),
                 any([line_is(LineOfTherapy::AfterCheckpointInhibitor).expr(),
                      line_is(LineOfTherapy::AfterSorafenibOrLenvatinib).expr(), later_line_construction()])]),
            Case,
            "AFP unknown: measure AFP; ramucirumab is offered only with AFP >= {ramucirumab_min_afp_ng_ml} ng/mL \
             (REACH-2)",
            &[REACH_2]),
        Rule::new("unlisted_first_line_sequence",
            all([systemic(), line_is(LineOfTherapy::AfterUnlistedRegimen).expr()]),
            Case,
            "the first-line regimen received is not one the guidelines sequence from: the options follow the \
             third-line construction; MDT decision",
            &[ASCO_2024]),
        // The considerations (spec §6).
        Rule::new("transplant_afp_above_threshold",
            all([transplant_evaluation_applies(), afp_above_transplant_caution().expr()]),
            Case,
            "AFP above {transplant_caution_afp_ng_ml} ng/mL: the standard HCC exception for listing needs AFP to fall \
             below 500 ng/mL after locoregional therapy (OPTN policy 9)",
            &[OPTN_HCC]),
    ];
    let set = RuleSet::collect(RULE_SET_ID, CLINICAL_VERSION, table).and_then(|s| {
        s.exclusive(&["varices_not_screened", "vegf_drugs_with_high_risk_varices"])?
            .exclusive(&[
                "r7_mdt_may_weigh_tace_at_child_pugh_7",
                "r7_mdt_may_weigh_ablation",
            ])?
            .exclusive(&[
                "r6_tace_for_well_defined_nodules",
                "r7_mdt_may_weigh_tace_at_child_pugh_7",
            ])
    });
    match set {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("caution rule table is malformed: {e}"),
    }
}

static CAUTION_RULES: LazyLock<RuleSet<Assessment, Concerns>> = LazyLock::new(build);

/// The caution rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, Concerns> {
    &CAUTION_RULES
}
