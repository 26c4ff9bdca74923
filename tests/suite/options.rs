//! Options inside each pathway (spec §6–§7), through the public API: every option rule, every
//! contraindication (the drug is absent and the reason is present), every caution and
//! consideration, the reason details of §4, and totality/uniqueness of the option rules.

use std::collections::BTreeSet;

use hcc_pathways::case::{
    AutoimmuneDisease, ExtrahepaticSite, GoalsOfCare, LiverFunction, MacrovascularInvasion,
    PriorRegimen, Procedure, ProcedureSet, Regimen, RegimenHistory, SiteSet, Varices,
};
use hcc_pathways::outcomes::{Evidence, LineOfTherapy, Modality, OmissionReason, TreatmentId};
use hcc_pathways::policy::Setting;
use hcc_pathways::quantity::{
    AfpNgMl, ChildPughScore, Count, DiameterMm, Ecog, Months, NoduleCount,
};
use hcc_pathways::recommendation::{Caution, Omission, PredicateReport};
use hcc_pathways::{recommend, recommend_with, Case, Pathway, PathwayRule, Policy, Recommendation};

use crate::common::edit;

fn load(name: &str) -> Case {
    let path = format!("examples/cases/{name}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Case::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rec(case: &Case) -> Recommendation {
    recommend(case).expect("valid case")
}

fn option_ids(r: &Recommendation) -> Vec<&str> {
    r.options.iter().map(|o| o.id.wire_name()).collect()
}

fn offered(r: &Recommendation) -> Vec<Regimen> {
    r.options.iter().filter_map(|o| o.regimen()).collect()
}

fn caution<'a>(r: &'a Recommendation, id: &str) -> Option<&'a Caution> {
    r.cautions.iter().find(|c| c.id == id)
}

fn has_caution(r: &Recommendation, id: &str) -> bool {
    caution(r, id).is_some()
}

fn has_consideration(r: &Recommendation, id: &str) -> bool {
    r.considerations.iter().any(|c| c.id == id)
}

fn omitted_for(r: &Recommendation, regimen: Regimen) -> Vec<OmissionReason> {
    r.omitted
        .iter()
        .filter(|o: &&Omission| o.regimens.contains(&regimen))
        .map(|o| o.reason)
        .collect()
}

/// The drug is neither offered nor left out: it is pending, waiting for `fact` (spec §8).
fn assert_pending(r: &Recommendation, regimen: Regimen, fact: &str) {
    assert!(
        !offered(r).contains(&regimen),
        "{regimen} must not be offered: {:?}",
        option_ids(r)
    );
    assert!(
        omitted_for(r, regimen).is_empty(),
        "{regimen} must not be left out"
    );
    let pending = r
        .pending
        .iter()
        .find(|p| p.id == regimen.wire_name())
        .unwrap_or_else(|| panic!("{regimen} must be pending: {:?}", r.pending));
    assert!(
        pending.facts.iter().any(|f| f == fact),
        "{regimen} must wait for {fact}: {:?}",
        pending.facts
    );
}

/// The drug is not offered and the omission names the reason.
fn assert_omitted(r: &Recommendation, regimen: Regimen, reason: OmissionReason) {
    assert!(
        !offered(r).contains(&regimen),
        "{regimen} must not be offered: {:?}",
        option_ids(r)
    );
    assert!(
        omitted_for(r, regimen).contains(&reason),
        "{regimen} must be omitted for {reason}: {:?}",
        r.omitted
    );
}

fn history(items: &[(Regimen, Option<bool>)]) -> RegimenHistory {
    let items: Vec<PriorRegimen> = items
        .iter()
        .map(|(regimen, tolerated)| PriorRegimen {
            regimen: *regimen,
            tolerated: *tolerated,
        })
        .collect();
    RegimenHistory::new(&items).expect("short history")
}

fn cp(score: i64) -> LiverFunction {
    LiverFunction {
        child_pugh_score: Some(ChildPughScore::new(score).expect("score")),
        ..LiverFunction::default()
    }
}

fn afp(v: f64) -> Option<AfpNgMl> {
    Some(AfpNgMl::new(v).expect("afp"))
}

/// The regimens a caution applies to, in declaration order.
fn applies(c: &Caution) -> Vec<Regimen> {
    c.applies_to
        .iter()
        .filter_map(|o| match o {
            TreatmentId::Regimen(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn sorted(mut v: Vec<Regimen>) -> Vec<Regimen> {
    v.sort();
    v
}

fn has_detail(r: &Recommendation, id: &str) -> bool {
    r.reason_details.iter().any(|d| d.id == id)
}

fn predicate(r: &Recommendation, id: &str) -> PredicateReport {
    r.explanation
        .document()
        .predicates
        .iter()
        .find(|p| p.predicate == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} is not in the explanation"))
}

// ----------------------------------------------------------------------------------------------
// Repeat intervention: modality (spec §6 lines 1–5).
// ----------------------------------------------------------------------------------------------

#[test]
fn each_modality_rule_has_a_bundled_case() {
    let expected = [
        ("r5_single_small_nodule", "M1", Modality::ThermalAblation),
        ("r5_unsafe_location_pei", "M2", Modality::Pei),
        (
            "r5_unsafe_location_26mm_tace_plus_pei",
            "M3",
            Modality::TacePlusPei,
        ),
        (
            "r5_refractory_unsafe_location_pei_alone",
            "M3R",
            Modality::Pei,
        ),
        (
            "r5_tace_plus_ablation_albi_2b",
            "M4",
            Modality::TacePlusAblation,
        ),
        (
            "r5_unsafe_location_45mm_combination_tace_plus_pei",
            "M4P",
            Modality::TacePlusPei,
        ),
        (
            "r5_repeat_tace_large_single_nodule",
            "M5",
            Modality::RepeatTace,
        ),
    ];
    for (name, rule, modality) in expected {
        let r = rec(&load(name));
        assert_eq!(r.pathway, Pathway::RepeatIntervention, "{name}");
        assert_eq!(r.options.len(), 1, "{name}: one modality");
        let o = &r.options[0];
        assert_eq!(o.rule, rule, "{name}");
        assert_eq!(o.id, modality.wire_name(), "{name}");
        assert!(!o.sources.is_empty(), "{name}");
        assert!(
            r.omitted.is_empty() && r.line_of_therapy.is_none(),
            "{name}"
        );
    }
}

#[test]
fn refractory_case_never_gets_a_tace_modality() {
    let r = rec(&load("r5_refractory_unsafe_location_pei_alone"));
    assert_eq!(r.options[0].id, "pei");
    assert!(has_caution(&r, "pei_alone_tace_excluded"));
    // The same case without refractoriness gets TACE + PEI and no refractory caution.
    let mut c = load("r5_refractory_unsafe_location_pei_alone");
    edit(&mut c, |parts| {
        parts.history.tace_insufficient_responses = Some(Count::new(0).expect("count"));
    });
    let r = rec(&c);
    assert_eq!(r.options[0].id, "tace_plus_pei");
    assert!(!has_caution(&r, "pei_alone_tace_excluded"));
}

/// Cases over a grid of the facts the modality rules read.
fn intervention_grid() -> Vec<Case> {
    let base = load("r5_single_small_nodule");
    let mut out = Vec::new();
    for nodules in [1, 2, 3, 4, 6] {
        for diameter in [10, 20, 21, 30, 31, 50, 51, 99, 100] {
            for unsafe_location in [false, true] {
                for responses in [0, 1, 2] {
                    for progressions in [0, 1] {
                        for afp_rise in [false, true] {
                            for child_pugh in [5, 7] {
                                let c = base
                                    .to_builder()
                                    .nodules(nodules)
                                    .largest_diameter_mm(diameter)
                                    .unsafe_ablation_location(unsafe_location)
                                    .tace_insufficient_responses(responses)
                                    .tace_intrahepatic_progressions(progressions)
                                    .afp_rising_after_tace(afp_rise)
                                    .liver_function(cp(child_pugh))
                                    .build()
                                    .expect("valid");
                                out.push(c);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

#[test]
fn one_procedure_for_every_repeat_intervention_over_the_pathway_grid() {
    let policy = Policy::default();
    let mut seen = BTreeSet::new();
    let mut in_pathway = 0;
    for c in intervention_grid() {
        let r = recommend_with(&c, &policy).expect("valid");
        if r.pathway != Pathway::RepeatIntervention {
            continue;
        }
        in_pathway += 1;
        let procedures: Vec<_> = r
            .options
            .iter()
            .filter(|o| matches!(o.id, TreatmentId::Procedure(_)))
            .collect();
        assert_eq!(procedures.len(), 1, "exactly one procedure for {c:?}");
        seen.insert(procedures[0].rule.to_string());
        let refractory = c.history().tace_insufficient_responses.unwrap().get() >= 2
            || c.history().afp_rising_after_tace.unwrap();
        assert!(
            !(refractory && procedures[0].id.contains_tace()),
            "TACE chosen for a refractory case: {c:?}"
        );
    }
    assert!(
        in_pathway > 100,
        "the grid reaches the pathway ({in_pathway})"
    );
    let all: BTreeSet<String> = ["M1", "M2", "M3", "M3R", "M4", "M4P", "M5"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(seen, all, "every procedure rule is reached");
}

// ----------------------------------------------------------------------------------------------
// Repeat intervention: cautions (spec §6).
// ----------------------------------------------------------------------------------------------

#[test]
fn near_refractory_caution_one_step_before_the_threshold() {
    let r = rec(&load("r5_unsafe_location_26mm_tace_plus_pei"));
    assert!(has_caution(&r, "near_tace_refractory"));
    // Counters at 0: no caution.
    let mut c = load("r5_unsafe_location_26mm_tace_plus_pei");
    edit(&mut c, |parts| {
        parts.history.tace_insufficient_responses = Some(Count::new(0).expect("c"));
    });
    assert!(!has_caution(&rec(&c), "near_tace_refractory"));
    // Counters are not added together: one response and one progression is still one step.
    edit(&mut c, |parts| {
        parts.history.tace_insufficient_responses = Some(Count::new(1).expect("c"));
        parts.history.tace_intrahepatic_progressions = Some(Count::new(1).expect("c"));
    });
    let r = rec(&c);
    assert_eq!(r.options[0].id, "tace_plus_pei", "not refractory");
    assert!(has_caution(&r, "near_tace_refractory"));
    // Already refractory: the caution no longer applies.
    let mut c = load("r5_refractory_unsafe_location_pei_alone");
    edit(&mut c, |parts| {
        parts.history.tace_intrahepatic_progressions = Some(Count::new(1).expect("c"));
    });
    assert!(!has_caution(&rec(&c), "near_tace_refractory"));
}

#[test]
fn single_nodule_of_100_mm_caution() {
    let r = rec(&load("r5_repeat_tace_large_single_nodule"));
    assert_eq!(r.options[0].id, "repeat_tace");
    assert!(has_caution(&r, "large_single_nodule_tace"));
    let mut c = load("r5_repeat_tace_large_single_nodule");
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(99).expect("d"));
    });
    assert!(!has_caution(&rec(&c), "large_single_nodule_tace"));
}

#[test]
fn albi_caution_for_grade_3_or_malbi_2b() {
    let r = rec(&load("r5_tace_plus_ablation_albi_2b"));
    assert_eq!(
        r.scores.malbi_grade.map(|g| g.wire_name()),
        Some("2b"),
        "the bundled case is mALBI 2b"
    );
    assert!(has_caution(&r, "albi_decompensation_after_tace"));
    let r = rec(&load("r5_single_small_nodule"));
    assert!(!has_caution(&r, "albi_decompensation_after_tace"));
}

#[test]
fn tare_or_sbrt_caution_only_when_thermal_ablation_is_not_possible() {
    assert!(!has_caution(
        &rec(&load("r5_single_small_nodule")),
        "tare_or_sbrt_alternative"
    ));
    for name in [
        "r5_unsafe_location_pei",
        "r5_tace_plus_ablation_albi_2b",
        "r5_repeat_tace_large_single_nodule",
    ] {
        assert!(
            has_caution(&rec(&load(name)), "tare_or_sbrt_alternative"),
            "{name}"
        );
    }
}

#[test]
fn intervention_cautions_stay_in_their_pathway() {
    // A systemic case one step from refractoriness carries no intervention caution.
    let mut c = load("r3_lung_metastases_fit");
    edit(&mut c, |parts| {
        parts.history.tace_insufficient_responses = Some(Count::new(1).expect("c"));
    });
    let r = rec(&c);
    assert_eq!(r.pathway, Pathway::SystemicTherapy);
    assert!(!has_caution(&r, "near_tace_refractory"));
    assert!(!has_caution(&r, "tare_or_sbrt_alternative"));
}

// ----------------------------------------------------------------------------------------------
// Systemic therapy: lines of therapy (spec §7).
// ----------------------------------------------------------------------------------------------

#[test]
fn first_line_lists_the_regimens_in_the_order_of_the_spec() {
    let r = rec(&load("r3_lung_metastases_fit"));
    let line = r.line_of_therapy.as_ref().expect("line");
    assert_eq!((line.number, line.line), (1, LineOfTherapy::First));
    assert_eq!(
        offered(&r),
        [
            Regimen::AtezolizumabBevacizumab,
            Regimen::DurvalumabTremelimumab,
            Regimen::NivolumabIpilimumab,
            Regimen::CamrelizumabRivoceranib,
            Regimen::Lenvatinib,
            Regimen::Sorafenib,
            Regimen::Durvalumab,
            Regimen::Tislelizumab,
        ]
    );
    assert_eq!(r.options[0].evidence, Evidence::Strong);
    assert_eq!(r.options[1].evidence, Evidence::Strong);
    assert_eq!(r.options[2].evidence, Evidence::Phase3Trial);
    assert_eq!(r.options[4].evidence, Evidence::Alternative);
    assert!(r
        .options
        .iter()
        .all(|o| o.rule == "O-L1" && !o.sources.is_empty()));
    assert!(r.omitted.is_empty());
    let nivo = caution(&r, "nivolumab_ipilimumab_early_deaths").expect("caution");
    assert_eq!(applies(nivo), [Regimen::NivolumabIpilimumab]);
    let camre = caution(&r, "camrelizumab_rivoceranib_approval").expect("caution");
    assert_eq!(applies(camre), [Regimen::CamrelizumabRivoceranib]);
    assert!(!has_consideration(&r, "clinical_trial"));
}

#[test]
fn ecog_2_lists_sorafenib_first_and_cautions_every_option() {
    let mut c = load("r3_lung_metastases_fit");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
    });
    let r = rec(&c);
    assert_eq!(r.pathway, Pathway::SystemicTherapy);
    assert_eq!(r.options[0].rule, "O-L1-ECOG2");
    let order = offered(&r);
    assert_eq!(order[0], Regimen::Sorafenib);
    assert_eq!(order[1], Regimen::AtezolizumabBevacizumab);
    assert_eq!(
        order.iter().filter(|r| **r == Regimen::Sorafenib).count(),
        1
    );
    let ecog = caution(&r, "ecog_2_trial_evidence").expect("caution");
    assert_eq!(applies(ecog), sorted(order));
    // ECOG 1: the usual order, no caution.
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(1).expect("ecog"));
    });
    let r = rec(&c);
    assert_eq!(offered(&r)[0], Regimen::AtezolizumabBevacizumab);
    assert!(!has_caution(&r, "ecog_2_trial_evidence"));

    // Every line: the second line too.
    let mut c = load("r3_second_line_after_sorafenib");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
    });
    let r = rec(&c);
    let ecog = caution(&r, "ecog_2_trial_evidence").expect("caution");
    assert_eq!(applies(ecog), sorted(offered(&r)));
    assert_eq!(
        offered(&r)[0],
        Regimen::Cabozantinib,
        "ECOG 2 reorders only the first line"
    );
}

#[test]
fn bundled_cases_cover_every_line_of_therapy() {
    let expected = [
        ("r3_lung_metastases_fit", "L1"),
        ("r3_first_line_ecog_2_transplant_recipient", "L1"),
        ("r3_second_line_after_atezolizumab_bevacizumab", "L2-ICI"),
        ("r3_second_line_after_durvalumab_tremelimumab", "L2-STRIDE"),
        ("r3_second_line_after_sorafenib", "L2-TKI"),
        (
            "r6_third_line_after_atezolizumab_bevacizumab_and_lenvatinib",
            "L3",
        ),
    ];
    for (name, rule) in expected {
        let r = rec(&load(name));
        assert_eq!(r.pathway, Pathway::SystemicTherapy, "{name}");
        assert_eq!(
            r.line_of_therapy.as_ref().map(|l| l.rule.as_ref()),
            Some(rule)
        );
        assert!(!offered(&r).is_empty(), "{name}");
    }
}

#[test]
fn second_line_after_atezolizumab_bevacizumab() {
    let r = rec(&load("r3_second_line_after_atezolizumab_bevacizumab"));
    // ASCO 2024: recommended lenvatinib, sorafenib, cabozantinib (low-quality evidence, weak
    // recommendation); may be considered: STRIDE, nivolumab + ipilimumab (case series only).
    assert_eq!(
        offered(&r),
        [
            Regimen::Lenvatinib,
            Regimen::Sorafenib,
            Regimen::Cabozantinib,
            Regimen::DurvalumabTremelimumab,
            Regimen::NivolumabIpilimumab,
        ]
    );
    let evidence: Vec<Evidence> = r.options.iter().map(|o| o.evidence).collect();
    assert_eq!(
        evidence,
        [
            Evidence::RecommendedLowQualityWeak,
            Evidence::RecommendedLowQualityWeak,
            Evidence::RecommendedLowQualityWeak,
            Evidence::MayBeConsidered,
            Evidence::MayBeConsidered,
        ]
    );
    assert!(r.options[4].detail.contains("case series only"));
    // AFP unknown: ramucirumab pending AFP (spec §8), with the suggestion to measure it.
    assert_pending(&r, Regimen::Ramucirumab, "recurrence.afp_ng_ml");
    assert!(has_caution(&r, "measure_afp"));
    assert!(has_consideration(&r, "clinical_trial"));

    let mut c = load("r3_second_line_after_atezolizumab_bevacizumab");
    edit(&mut c, |parts| {
        parts.recurrence.afp_ng_ml = afp(400.0);
    });
    let r = rec(&c);
    assert_eq!(
        offered(&r)[3],
        Regimen::Ramucirumab,
        "AFP 400 is enough; ramucirumab is recommended, after cabozantinib"
    );
    assert!(r.options[3].detail.contains(">= 400 ng/mL"));
    assert!(!has_caution(&r, "measure_afp"));
    edit(&mut c, |parts| {
        parts.recurrence.afp_ng_ml = afp(399.9);
    });
    let r = rec(&c);
    assert_omitted(
        &r,
        Regimen::Ramucirumab,
        OmissionReason::RamucirumabAfpBelowThreshold,
    );
    // The explanation names the value and the setting it was compared with.
    let below = predicate(&r, "afp_below_ramucirumab_threshold");
    assert!(below.value.is_true());
    assert_eq!(
        below.facts[0].to_string(),
        "afp_ng_ml = 399.9 < ramucirumab_min_afp_ng_ml = 400"
    );
}

#[test]
fn second_line_after_another_checkpoint_inhibitor_first_line() {
    for first in [
        Regimen::NivolumabIpilimumab,
        Regimen::CamrelizumabRivoceranib,
        Regimen::Durvalumab,
        Regimen::Tislelizumab,
        Regimen::Pembrolizumab,
    ] {
        let mut c = load("r3_second_line_after_atezolizumab_bevacizumab");
        edit(&mut c, |parts| {
            parts.history.systemic_regimens = Some(history(&[(first, Some(true))]));
        });
        let r = rec(&c);
        assert_eq!(
            r.line_of_therapy.map(|l| l.line),
            Some(LineOfTherapy::AfterCheckpointInhibitor),
            "{first}"
        );
    }
}

#[test]
fn second_line_after_durvalumab_tremelimumab() {
    let r = rec(&load("r3_second_line_after_durvalumab_tremelimumab"));
    // Untreated high-risk varices: no bevacizumab, and a caution on every VEGF-pathway drug.
    assert_omitted(
        &r,
        Regimen::AtezolizumabBevacizumab,
        OmissionReason::BevacizumabVaricesOrBleeding,
    );
    let vegf = caution(&r, "vegf_drugs_with_high_risk_varices").expect("caution");
    assert_eq!(
        applies(vegf),
        [
            Regimen::Lenvatinib,
            Regimen::Sorafenib,
            Regimen::Cabozantinib,
        ]
    );
    // ASCO 2024 lists no ramucirumab after STRIDE, whatever the AFP (650 here).
    assert!(!offered(&r).contains(&Regimen::Ramucirumab));
    assert!(omitted_for(&r, Regimen::Ramucirumab).is_empty());
    // Treated varices: atezolizumab + bevacizumab may be considered where allowed.
    let mut c = load("r3_second_line_after_durvalumab_tremelimumab");
    edit(&mut c, |parts| {
        parts.drug_safety.varices = Some(Varices::NoneOrTreated);
    });
    let r = rec(&c);
    assert_eq!(
        offered(&r),
        [
            Regimen::Lenvatinib,
            Regimen::Sorafenib,
            Regimen::Cabozantinib,
            Regimen::AtezolizumabBevacizumab,
        ]
    );
    assert_eq!(r.options[3].evidence, Evidence::MayBeConsidered);
    assert!(!has_caution(&r, "vegf_drugs_with_high_risk_varices"));
}

#[test]
fn second_line_after_sorafenib_or_lenvatinib() {
    let r = rec(&load("r3_second_line_after_sorafenib"));
    assert_eq!(
        offered(&r),
        [
            Regimen::Cabozantinib,
            Regimen::Regorafenib,
            Regimen::Ramucirumab,
            Regimen::NivolumabIpilimumab,
            Regimen::Durvalumab,
            Regimen::AtezolizumabBevacizumab,
            Regimen::DurvalumabTremelimumab,
            Regimen::Pembrolizumab,
            Regimen::Nivolumab,
        ]
    );
    let evidence: Vec<Evidence> = r.options.iter().map(|o| o.evidence).collect();
    assert_eq!(
        evidence[..3],
        [Evidence::RecommendedPhase3AfterSorafenib; 3]
    );
    assert_eq!(evidence[3..5], [Evidence::RecommendedWeak; 2]);
    assert_eq!(evidence[5..], [Evidence::MayBeConsidered; 4]);
    assert!(r.options[8]
        .detail
        .contains("no access to checkpoint inhibitors"));
    // Regorafenib only after sorafenib recorded as tolerated.
    let mut c = load("r3_second_line_after_sorafenib");
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[(Regimen::Sorafenib, Some(false))]));
    });
    let r = rec(&c);
    assert_omitted(
        &r,
        Regimen::Regorafenib,
        OmissionReason::RegorafenibSorafenibNotTolerated,
    );
    assert!(!has_caution(&r, "sorafenib_tolerance_unknown"));
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[(Regimen::Sorafenib, None)]));
    });
    let r = rec(&c);
    assert_pending(
        &r,
        Regimen::Regorafenib,
        "history.systemic_regimens[].tolerated",
    );
    assert!(has_caution(&r, "sorafenib_tolerance_unknown"));
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[(Regimen::Lenvatinib, Some(true))]));
    });
    let r = rec(&c);
    assert_eq!(
        r.line_of_therapy.as_ref().map(|l| l.rule.as_ref()),
        Some("L2-TKI")
    );
    assert_omitted(
        &r,
        Regimen::Regorafenib,
        OmissionReason::RegorafenibWithoutSorafenib,
    );
    assert!(offered(&r).contains(&Regimen::Cabozantinib));
}

#[test]
fn the_most_recent_sorafenib_decides_regorafenib() {
    // Sorafenib not tolerated once, later tolerated: the most recent entry counts.
    let mut c = load("r6_third_line_after_atezolizumab_bevacizumab_and_lenvatinib");
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[
            (Regimen::Sorafenib, Some(false)),
            (Regimen::Sorafenib, Some(true)),
        ]));
    });
    let r = rec(&c);
    assert!(!omitted_for(&r, Regimen::Regorafenib)
        .iter()
        .any(|o| matches!(o, OmissionReason::RegorafenibSorafenibNotTolerated)));
    // And the other way round.
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[
            (Regimen::Sorafenib, Some(true)),
            (Regimen::Sorafenib, Some(false)),
        ]));
    });
    let r = rec(&c);
    assert!(omitted_for(&r, Regimen::Regorafenib)
        .contains(&OmissionReason::RegorafenibSorafenibNotTolerated));
    let mut c = load("r3_second_line_after_sorafenib");
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[
            (Regimen::Sorafenib, Some(true)),
            (Regimen::Sorafenib, None),
        ]));
    });
    assert!(has_caution(&rec(&c), "sorafenib_tolerance_unknown"));
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[
            (Regimen::Sorafenib, None),
            (Regimen::Sorafenib, Some(true)),
        ]));
    });
    assert!(!has_caution(&rec(&c), "sorafenib_tolerance_unknown"));
}

#[test]
fn second_line_after_an_unlisted_first_line_regimen() {
    let mut c = load("r3_second_line_after_sorafenib");
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[(Regimen::Cabozantinib, Some(true))]));
    });
    let r = rec(&c);
    assert_eq!(
        r.line_of_therapy.as_ref().map(|l| l.rule.as_ref()),
        Some("L2-OTHER")
    );
    assert_eq!(r.options[0].id, "clinical_trial");
    assert!(has_caution(&r, "unlisted_first_line_sequence"));
    assert_omitted(&r, Regimen::Cabozantinib, OmissionReason::AlreadyReceived);
    assert_omitted(&r, Regimen::Sorafenib, OmissionReason::NoNewMechanismClass);
    assert!(offered(&r).contains(&Regimen::AtezolizumabBevacizumab));
}

#[test]
fn third_line_trial_first_then_cabozantinib_then_new_mechanism_classes() {
    let r = rec(&load(
        "r6_third_line_after_atezolizumab_bevacizumab_and_lenvatinib",
    ));
    assert_eq!(
        option_ids(&r),
        [
            "clinical_trial",
            "cabozantinib",
            "durvalumab_tremelimumab",
            "nivolumab_ipilimumab"
        ]
    );
    assert!(r.options[1]
        .detail
        .contains("within the 2 prior regimens CELESTIAL admitted"));
    assert_omitted(
        &r,
        Regimen::AtezolizumabBevacizumab,
        OmissionReason::AlreadyReceived,
    );
    assert_omitted(&r, Regimen::Lenvatinib, OmissionReason::AlreadyReceived);
    assert_omitted(&r, Regimen::Sorafenib, OmissionReason::NoNewMechanismClass);
    assert_omitted(
        &r,
        Regimen::Tislelizumab,
        OmissionReason::NoNewMechanismClass,
    );
    assert_omitted(
        &r,
        Regimen::Pembrolizumab,
        OmissionReason::NoNewMechanismClass,
    );
    assert_omitted(
        &r,
        Regimen::Ramucirumab,
        OmissionReason::RamucirumabAfpBelowThreshold,
    );
    assert!(has_consideration(&r, "clinical_trial"));
    // A refractory R6 case: no TACE with systemic therapy.
    assert!(!option_ids(&r).contains(&"tace_with_systemic"));
}

#[test]
fn beyond_two_prior_lines_cabozantinib_must_add_a_class() {
    let mut c = load("r6_third_line_after_atezolizumab_bevacizumab_and_lenvatinib");
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[
            (Regimen::AtezolizumabBevacizumab, Some(true)),
            (Regimen::Lenvatinib, Some(true)),
            (Regimen::DurvalumabTremelimumab, Some(true)),
        ]));
    });
    let r = rec(&c);
    assert_eq!(r.line_of_therapy.as_ref().map(|l| l.number), Some(4));
    assert_omitted(
        &r,
        Regimen::Cabozantinib,
        OmissionReason::NoNewMechanismClass,
    );
    assert!(r
        .omitted
        .iter()
        .any(|o| o.rule == "no_new_mechanism_class_beyond_celestial"));
    // Nothing else adds a class: no supported further line, and R7 says why.
    assert_eq!(r.pathway, Pathway::PalliativeCare);
    assert_eq!(r.rule.unwrap(), "R7");
    assert!(
        has_detail(&r, "no_supported_further_line"),
        "{}",
        r.full_reason()
    );
    // A policy admitting three prior lines offers cabozantinib again.
    let p = Policy::default()
        .with(Setting::CabozantinibMaxPriorRegimens, 3)
        .unwrap();
    let r = recommend_with(&c, &p).expect("valid");
    assert_eq!(r.rule.unwrap(), "R6");
    assert_eq!(option_ids(&r), ["clinical_trial", "cabozantinib"]);
    assert!(r.options[1].detail.contains("within the 3 prior regimens"));
}

#[test]
fn third_line_requires_ecog_0_1_and_child_pugh_a() {
    let mut c = load("r6_third_line_after_atezolizumab_bevacizumab_and_lenvatinib");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
        parts.performance_status.cancer_related = Some(true);
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R7");
    assert!(!has_detail(&r, "no_supported_further_line"));
}

// ----------------------------------------------------------------------------------------------
// Systemic therapy: contraindications remove drugs, with the reason.
// ----------------------------------------------------------------------------------------------

const CHECKPOINT_INHIBITOR_REGIMENS: [Regimen; 6] = [
    Regimen::AtezolizumabBevacizumab,
    Regimen::DurvalumabTremelimumab,
    Regimen::NivolumabIpilimumab,
    Regimen::CamrelizumabRivoceranib,
    Regimen::Durvalumab,
    Regimen::Tislelizumab,
];

#[test]
fn no_checkpoint_inhibitor_for_a_liver_transplant_recipient() {
    let r = rec(&load("r3_first_line_ecog_2_transplant_recipient"));
    for regimen in CHECKPOINT_INHIBITOR_REGIMENS {
        assert_omitted(
            &r,
            regimen,
            OmissionReason::CheckpointInhibitorTransplantRecipient,
        );
    }
    assert_eq!(offered(&r), [Regimen::Sorafenib, Regimen::Lenvatinib]);
    assert!(!has_consideration(&r, "liver_transplant_evaluation"));
    // Main portal vein invasion: caution on lenvatinib.
    let pv = caution(&r, "lenvatinib_main_portal_vein").expect("caution");
    assert_eq!(applies(pv), [Regimen::Lenvatinib]);
    // Varices not screened: the caution concerns bevacizumab, which is not offered.
    assert!(!has_caution(&r, "varices_not_screened"));
}

#[test]
fn no_checkpoint_inhibitor_with_active_autoimmune_disease() {
    let mut c = load("r3_lung_metastases_fit");
    edit(&mut c, |parts| {
        parts.drug_safety.autoimmune_disease = Some(AutoimmuneDisease::ActiveOnSystemicTreatment);
    });
    let r = rec(&c);
    for regimen in CHECKPOINT_INHIBITOR_REGIMENS {
        assert_omitted(
            &r,
            regimen,
            OmissionReason::CheckpointInhibitorActiveAutoimmune,
        );
    }
    assert_eq!(offered(&r), [Regimen::Lenvatinib, Regimen::Sorafenib]);
}

#[test]
fn inactive_autoimmune_disease_is_a_caution_on_checkpoint_inhibitors() {
    let r = rec(&load("r3_second_line_after_sorafenib"));
    let ai = caution(&r, "inactive_autoimmune_disease").expect("caution");
    assert_eq!(
        applies(ai),
        [
            Regimen::AtezolizumabBevacizumab,
            Regimen::DurvalumabTremelimumab,
            Regimen::NivolumabIpilimumab,
            Regimen::Durvalumab,
            Regimen::Pembrolizumab,
            Regimen::Nivolumab,
        ]
    );
    assert!(r.omitted.is_empty());
}

#[test]
fn no_bevacizumab_with_high_risk_varices_or_recent_bleeding() {
    for varices in [Varices::UntreatedHighRisk, Varices::RecentBleeding] {
        let mut c = load("r3_lung_metastases_fit");
        edit(&mut c, |parts| {
            parts.drug_safety.varices = Some(varices);
        });
        let r = rec(&c);
        assert_omitted(
            &r,
            Regimen::AtezolizumabBevacizumab,
            OmissionReason::BevacizumabVaricesOrBleeding,
        );
        assert_eq!(offered(&r)[0], Regimen::DurvalumabTremelimumab);
        let vegf = caution(&r, "vegf_drugs_with_high_risk_varices").expect("caution");
        assert_eq!(
            applies(vegf),
            [
                Regimen::CamrelizumabRivoceranib,
                Regimen::Lenvatinib,
                Regimen::Sorafenib
            ]
        );
    }
}

#[test]
fn varices_not_screened_and_brain_metastases_caution_before_bevacizumab() {
    let r = rec(&load("r3_second_line_after_sorafenib"));
    for id in ["varices_not_screened", "brain_metastases_bevacizumab"] {
        let c = caution(&r, id).expect(id);
        assert_eq!(applies(c), [Regimen::AtezolizumabBevacizumab], "{id}");
    }
    assert!(has_consideration(&r, "brain_metastases_evaluation"));
    let r = rec(&load("r3_lung_metastases_fit"));
    assert!(!has_caution(&r, "varices_not_screened"));
    assert!(!has_caution(&r, "brain_metastases_bevacizumab"));
    assert!(!has_consideration(&r, "brain_metastases_evaluation"));
}

#[test]
fn child_pugh_7_admitted_by_policy_is_a_caution() {
    let mut c = load("r3_lung_metastases_fit");
    edit(&mut c, |parts| {
        parts.liver_function = cp(7);
    });
    let r = rec(&c);
    assert_eq!(r.pathway, Pathway::PalliativeCare, "default policy");
    assert!(!has_caution(&r, "child_pugh_7_by_policy"));
    let policy = Policy::default()
        .with(Setting::SystemicMaxChildPugh, 7)
        .unwrap();
    let r = recommend_with(&c, &policy).expect("valid");
    assert_eq!(r.pathway, Pathway::SystemicTherapy);
    let b7 = caution(&r, "child_pugh_7_by_policy").expect("caution");
    assert_eq!(applies(b7), sorted(offered(&r)));
    assert!(
        b7.text.contains("systemic_max_child_pugh = 7"),
        "{}",
        b7.text
    );
}

#[test]
fn no_regimen_already_received_is_offered_again() {
    let lines = [
        vec![],
        vec![Regimen::AtezolizumabBevacizumab],
        vec![Regimen::Sorafenib],
        vec![Regimen::DurvalumabTremelimumab, Regimen::Lenvatinib],
        vec![Regimen::Sorafenib, Regimen::AtezolizumabBevacizumab],
        vec![
            Regimen::Lenvatinib,
            Regimen::Cabozantinib,
            Regimen::Ramucirumab,
        ],
    ];
    for received in lines {
        let mut c = load("r3_lung_metastases_fit");
        edit(&mut c, |parts| {
            parts.performance_status.ecog = Some(Ecog::new(0).expect("ecog"));
        });
        let items: Vec<_> = received.iter().map(|r| (*r, Some(true))).collect();
        edit(&mut c, |parts| {
            parts.history.systemic_regimens = Some(history(&items));
        });
        let r = rec(&c);
        for regimen in &received {
            assert!(!offered(&r).contains(regimen), "{regimen} offered again");
        }
    }
}

// ----------------------------------------------------------------------------------------------
// No supported further line: R4/R7 say why.
// ----------------------------------------------------------------------------------------------

#[test]
fn no_supported_further_line_is_r4_and_says_why() {
    let r = rec(&load("r4_no_supported_further_line"));
    assert_eq!(
        (r.pathway, r.rule),
        (Pathway::PalliativeCare, Some(PathwayRule::R4))
    );
    assert!(
        has_detail(&r, "no_supported_further_line"),
        "{}",
        r.full_reason()
    );
    assert_eq!(option_ids(&r), ["best_supportive_care"]);
    assert!(offered(&r).is_empty());
    assert_eq!(r.line_of_therapy.as_ref().map(|l| l.number), Some(3));
    assert_omitted(
        &r,
        Regimen::AtezolizumabBevacizumab,
        OmissionReason::CheckpointInhibitorTransplantRecipient,
    );
    assert_omitted(
        &r,
        Regimen::Pembrolizumab,
        OmissionReason::CheckpointInhibitorTransplantRecipient,
    );
    assert_omitted(
        &r,
        Regimen::Regorafenib,
        OmissionReason::NoNewMechanismClass,
    );
    assert!(has_consideration(&r, "clinical_trial"));
    // The explanation of fit_for_systemic names the fact.
    let fit = predicate(&r, "fit_for_systemic");
    assert!(fit.value.is_false());
    assert!(
        fit.facts
            .iter()
            .any(|f| f.to_string() == "regimens_eligible = 0 < 1"),
        "{:?}",
        fit.facts
    );
    // Every omission rule applied is in the explanation with the predicates it read.
    let doc = r.explanation.document();
    let rule = doc
        .rules
        .iter()
        .find(|x| x.rule == "checkpoint_inhibitor_transplant_recipient")
        .expect("the omission rule is explained");
    assert_eq!(rule.reads, ["liver_transplant_recipient"]);
    assert!(predicate(&r, "liver_transplant_recipient").value.is_true());
    // With a high AFP ramucirumab remains: systemic therapy again.
    let mut c = load("r4_no_supported_further_line");
    edit(&mut c, |parts| {
        parts.recurrence.afp_ng_ml = afp(900.0);
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R3");
    assert_eq!(option_ids(&r), ["clinical_trial", "ramucirumab"]);
}

#[test]
fn r4_for_poor_liver_function_does_not_claim_no_further_line() {
    let r = rec(&load("r4_portal_vein_child_pugh_8"));
    assert_eq!(r.rule.unwrap(), "R4");
    assert!(!has_detail(&r, "no_supported_further_line"));
    assert!(r.omitted.is_empty() && r.line_of_therapy.is_none());
}

// ----------------------------------------------------------------------------------------------
// Palliative care, reason details of §4, TACE with systemic therapy.
// ----------------------------------------------------------------------------------------------

#[test]
fn palliative_care_gives_best_supportive_care_with_the_deciding_reason() {
    for name in [
        "r1_comfort_focused",
        "r2_child_pugh_c",
        "r4_portal_vein_child_pugh_8",
        "r7_child_pugh_7_multinodular",
    ] {
        let r = rec(&load(name));
        assert_eq!(r.pathway, Pathway::PalliativeCare, "{name}");
        assert_eq!(option_ids(&r), ["best_supportive_care"], "{name}");
        let bsc = &r.options[0];
        assert_eq!(bsc.rule, "P1");
        assert_eq!(bsc.components.len(), 5, "{name}");
        assert!(
            bsc.detail.contains(&r.full_reason()),
            "{name}: {}",
            bsc.detail
        );
        assert!(bsc.detail.contains(r.rule.unwrap().wire_name()), "{name}");
    }
}

#[test]
fn r2_names_the_criterion_that_fired_and_begins_with_transplant_first_within_milan() {
    let r = rec(&load("r2_child_pugh_c"));
    assert_eq!(r.rule.unwrap(), "R2");
    assert!(has_detail(&r, "transplant_first"));
    assert!(r
        .full_reason()
        .starts_with("liver function rules out local and systemic therapy"));
    assert!(has_detail(&r, "r2_liver_function"));
    assert!(!has_detail(&r, "r2_performance_status"));
    assert!(has_consideration(&r, "liver_transplant_evaluation"));
    // ECOG 3 with Child–Pugh A: terminal by performance status alone; no sentence blames liver
    // function, and no transplant referral.
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(3).expect("ecog"));
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R2");
    assert!(has_detail(&r, "r2_performance_status"));
    assert!(!has_detail(&r, "r2_liver_function"));
    assert!(!has_detail(&r, "transplant_first"));
    assert!(
        !r.full_reason().contains("liver function"),
        "{}",
        r.full_reason()
    );
    assert!(!has_consideration(&r, "liver_transplant_evaluation"));
}

#[test]
fn r7_carries_the_mdt_cautions_and_transplant_first_within_milan() {
    let r = rec(&load("r7_child_pugh_7_multinodular"));
    assert_eq!(r.rule.unwrap(), "R7");
    assert!(has_caution(&r, "r7_mdt_may_weigh_tace_at_child_pugh_7"));
    assert!(has_caution(&r, "r7_mdt_may_weigh_systemic_at_child_pugh_7"));
    assert!(!has_caution(&r, "r7_mdt_may_weigh_ablation"));
    assert!(!has_detail(&r, "transplant_first"), "beyond Milan");
    // TACE refractory: TACE is not weighed, systemic therapy still is.
    let mut c = load("r7_child_pugh_7_multinodular");
    edit(&mut c, |parts| {
        parts.history.procedures = ProcedureSet::of(&[Procedure::Tace]);
        parts.history.tace_intrahepatic_progressions = Some(Count::new(2).expect("c"));
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R7");
    assert!(!has_caution(&r, "r7_mdt_may_weigh_tace_at_child_pugh_7"));
    assert!(has_caution(&r, "r7_mdt_may_weigh_systemic_at_child_pugh_7"));
    // A policy that admits Child–Pugh 7 makes it R6: no R7 caution at all.
    let admit = Policy::default()
        .with(Setting::SystemicMaxChildPugh, 7)
        .unwrap();
    let r = recommend_with(&load("r7_child_pugh_7_multinodular"), &admit).expect("valid");
    assert_eq!(r.rule.unwrap(), "R6");
    assert!(!r.cautions.iter().any(|c| c.id.starts_with("r7_")));
    // Within Milan, Child–Pugh 8: neither intervention nor drugs; transplant evaluation first,
    // and the MDT may weigh ablation.
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.liver_function = cp(8);
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R7");
    assert!(has_detail(&r, "transplant_first"), "{}", r.full_reason());
    assert!(has_caution(&r, "r7_mdt_may_weigh_ablation"));
    let ablation = caution(&r, "r7_mdt_may_weigh_ablation").expect("caution");
    assert!(
        ablation.text.contains("Child-Pugh 8-9"),
        "{}",
        ablation.text
    );
    assert!(!has_caution(&r, "r7_mdt_may_weigh_tace_at_child_pugh_7"));
    assert!(has_consideration(&r, "liver_transplant_evaluation"));
    // Child–Pugh 10 is R2, not R7.
    edit(&mut c, |parts| {
        parts.liver_function = cp(10);
    });
    assert_eq!(rec(&c).rule.unwrap(), "R2");
}

#[test]
fn r6_reason_names_each_criterion_that_fired() {
    let r = rec(&load("r6_beyond_up_to_seven"));
    assert_eq!(r.rule.unwrap(), "R6");
    let ids: Vec<&str> = r.reason_details.iter().map(|d| d.id.as_ref()).collect();
    assert_eq!(ids, ["r6_beyond_up_to_seven"]);
    // A single large refractory nodule: TACE excluded and not ablatable, not up-to-seven.
    let mut c = load("r5_repeat_tace_large_single_nodule");
    edit(&mut c, |parts| {
        parts.history.tace_intrahepatic_progressions = Some(Count::new(2).expect("c"));
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R6");
    let ids: Vec<&str> = r.reason_details.iter().map(|d| d.id.as_ref()).collect();
    assert_eq!(ids, ["r6_tace_excluded_not_ablatable"]);
    assert!(
        !r.full_reason().contains("up-to-seven"),
        "{}",
        r.full_reason()
    );
    // Cancer-related ECOG 1 with a small single nodule: not fit for a procedure.
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(1).expect("ecog"));
        parts.performance_status.cancer_related = Some(true);
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R6");
    let ids: Vec<&str> = r.reason_details.iter().map(|d| d.id.as_ref()).collect();
    assert_eq!(ids, ["r6_cancer_related_performance_status"]);
    // Infiltrative growth.
    let mut c = load("r6_beyond_up_to_seven");
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.infiltrative = Some(true);
    });
    let r = rec(&c);
    let ids: Vec<&str> = r.reason_details.iter().map(|d| d.id.as_ref()).collect();
    assert_eq!(ids, ["r6_infiltrative"]);
}

#[test]
fn ecog_impaired_by_comorbidity_is_fit_for_a_procedure_with_cautions() {
    // ECOG 2 from comorbidity, a single 15 mm nodule: repeat intervention (BCLC 2022), with the
    // fitness caution; no TACE caution on thermal ablation.
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
        parts.performance_status.cancer_related = Some(false);
        parts.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(15).expect("d"));
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R5");
    assert_eq!(r.options[0].id, "thermal_ablation");
    assert!(has_caution(&r, "comorbidity_procedure_fitness"));
    assert!(!has_caution(&r, "tace_at_ecog_2"));
    assert_eq!(r.scores.bclc_stage.unwrap().wire_name(), "0");
    // Beyond ablation: repeat TACE at ECOG 2 carries the TACE caution too.
    let mut c = load("r5_repeat_tace_large_single_nodule");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
        parts.performance_status.cancer_related = Some(false);
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R5");
    assert!(has_caution(&r, "tace_at_ecog_2"));
    assert!(has_caution(&r, "comorbidity_procedure_fitness"));
    // ECOG 1 from comorbidity: the fitness caution, not the ECOG 2 one.
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(1).expect("ecog"));
    });
    let r = rec(&c);
    assert!(has_caution(&r, "comorbidity_procedure_fitness"));
    assert!(!has_caution(&r, "tace_at_ecog_2"));
    // A policy that admits only ECOG 1 to procedures sends ECOG 2 elsewhere.
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
    });
    let strict = Policy::default()
        .with(Setting::InterventionMaxEcog, 1)
        .unwrap();
    let r = recommend_with(&c, &strict).expect("valid");
    assert_ne!(r.rule.unwrap(), "R5");
    assert!(has_detail(&r, "r6_ecog_above_intervention_limit") || r.rule.unwrap() != "R6");
}

#[test]
fn r6_beyond_up_to_seven_caution_and_tace_with_systemic() {
    let r = rec(&load("r6_beyond_up_to_seven"));
    assert_eq!(r.rule.unwrap(), "R6");
    assert!(has_caution(&r, "r6_tace_for_well_defined_nodules"));
    let last = r.options.last().expect("options");
    assert_eq!(last.id, "tace_with_systemic");
    assert_eq!(last.evidence, Evidence::NotStandardOfCare);
    assert!(last.detail.contains("not standard of care"));
    let keys: Vec<&str> = last.sources.iter().map(|s| s.key()).collect();
    assert_eq!(keys, ["EMERALD-1", "LEAP-012"]);

    // A single large refractory nodule goes to R6 too, but is not multinodular.
    let mut c = load("r5_repeat_tace_large_single_nodule");
    edit(&mut c, |parts| {
        parts.history.tace_intrahepatic_progressions = Some(Count::new(2).expect("c"));
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R6");
    assert!(!has_caution(&r, "r6_tace_for_well_defined_nodules"));
    assert!(!option_ids(&r).contains(&"tace_with_systemic"));

    // Not fit for intervention (cancer-related ECOG 1): neither the caution nor the option.
    let mut c = load("r6_beyond_up_to_seven");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(1).expect("ecog"));
        parts.performance_status.cancer_related = Some(true);
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R6");
    assert!(!has_caution(&r, "r6_tace_for_well_defined_nodules"));
    assert!(!option_ids(&r).contains(&"tace_with_systemic"));

    // TACE refractory: the caution would contradict the output; neither is given.
    let mut c = load("r6_beyond_up_to_seven");
    edit(&mut c, |parts| {
        parts.history.tace_insufficient_responses = Some(Count::new(2).expect("c"));
    });
    let r = rec(&c);
    assert_eq!(r.rule.unwrap(), "R6");
    assert!(!has_caution(&r, "r6_tace_for_well_defined_nodules"));
    assert!(!option_ids(&r).contains(&"tace_with_systemic"));
    assert!(has_detail(&r, "r6_beyond_up_to_seven"));
}

#[test]
fn tace_with_systemic_only_where_its_trials_drugs_are_allowed() {
    let base = load("r6_beyond_up_to_seven");
    assert!(option_ids(&rec(&base)).contains(&"tace_with_systemic"));
    let mut c = base;
    edit(&mut c, |parts| {
        parts.drug_safety.liver_transplant_recipient = Some(true);
    });
    assert!(!option_ids(&rec(&c)).contains(&"tace_with_systemic"));
    let mut c = base;
    edit(&mut c, |parts| {
        parts.drug_safety.autoimmune_disease = Some(AutoimmuneDisease::ActiveOnSystemicTreatment);
    });
    assert!(!option_ids(&rec(&c)).contains(&"tace_with_systemic"));
    // Inactive autoimmune disease: offered, with the checkpoint-inhibitor caution.
    let mut c = base;
    edit(&mut c, |parts| {
        parts.drug_safety.autoimmune_disease = Some(AutoimmuneDisease::Inactive);
    });
    let r = rec(&c);
    assert!(option_ids(&r).contains(&"tace_with_systemic"));
    let ai = caution(&r, "inactive_autoimmune_disease").expect("caution");
    assert!(ai.applies_to.contains(TreatmentId::TaceWithSystemic));
    // High-risk varices: the bevacizumab arm is left out, the VEGF caution concerns it.
    let mut c = base;
    edit(&mut c, |parts| {
        parts.drug_safety.varices = Some(Varices::UntreatedHighRisk);
    });
    let r = rec(&c);
    let x = r
        .options
        .iter()
        .find(|o| o.id == "tace_with_systemic")
        .expect("offered");
    assert_eq!(x.rule, "tace_with_systemic_without_bevacizumab");
    assert!(x.detail.contains("bevacizumab left out"));
    let vegf = caution(&r, "vegf_drugs_with_high_risk_varices").expect("caution");
    assert!(vegf.applies_to.contains(TreatmentId::TaceWithSystemic));
    // Varices not screened: endoscopy before its bevacizumab.
    let mut c = base;
    edit(&mut c, |parts| {
        parts.drug_safety.varices = Some(Varices::NotScreened);
    });
    let r = rec(&c);
    let ns = caution(&r, "varices_not_screened").expect("caution");
    assert!(ns.applies_to.contains(TreatmentId::TaceWithSystemic));
    // ECOG 1 from comorbidity is fit; a second line is not first-line TACE with systemic therapy.
    let mut c = base;
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[(Regimen::Sorafenib, Some(true))]));
    });
    assert!(!option_ids(&rec(&c)).contains(&"tace_with_systemic"));
}

// ----------------------------------------------------------------------------------------------
// Considerations (spec §6).
// ----------------------------------------------------------------------------------------------

#[test]
fn mdt_review_is_always_considered() {
    for name in bundled_case_names() {
        let r = rec(&load(&name));
        assert_eq!(r.considerations[0].id, "mdt_review", "{name}");
    }
}

#[test]
fn transplant_evaluation_within_milan_with_its_exclusions() {
    let base = load("r5_single_small_nodule");
    assert!(has_consideration(
        &rec(&base),
        "liver_transplant_evaluation"
    ));

    let mut c = base;
    edit(&mut c, |parts| {
        parts.drug_safety.liver_transplant_recipient = Some(true);
    });
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    edit(&mut c, |parts| {
        parts.goals_of_care = Some(GoalsOfCare::ComfortFocused);
    });
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(3).expect("ecog"));
    });
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    // A symptomatic (cancer-related) ECOG 1 is not acceptable; comorbidity ECOG 2 is.
    let mut c = base;
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(1).expect("ecog"));
        parts.performance_status.cancer_related = Some(true);
    });
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
        parts.performance_status.cancer_related = Some(false);
    });
    assert!(has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    edit(&mut c, |parts| {
        parts.recurrence.extrahepatic_sites = Some(SiteSet::of(&[ExtrahepaticSite::Lung]));
    });
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    edit(&mut c, |parts| {
        parts.recurrence.macrovascular_invasion = Some(MacrovascularInvasion::PortalVeinBranch);
    });
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(50).expect("d"));
    });
    assert!(
        has_consideration(&rec(&c), "liver_transplant_evaluation"),
        "50 mm is within Milan"
    );
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(51).expect("d"));
    });
    let r = rec(&c);
    assert!(
        !has_consideration(&r, "liver_transplant_evaluation"),
        "beyond Milan"
    );
    assert!(has_consideration(&r, "transplant_after_downstaging"));
}

#[test]
fn transplant_afp_caution_above_the_threshold() {
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.recurrence.afp_ng_ml = afp(1000.0);
    });
    assert!(!has_caution(&rec(&c), "transplant_afp_above_threshold"));
    edit(&mut c, |parts| {
        parts.recurrence.afp_ng_ml = afp(1000.1);
    });
    let r = rec(&c);
    assert!(has_caution(&r, "transplant_afp_above_threshold"));
    let text = &caution(&r, "transplant_afp_above_threshold")
        .expect("caution")
        .text;
    assert!(text.contains("AFP above 1000 ng/mL"), "{text}");
    // Without the transplant referral there is no transplant caution.
    edit(&mut c, |parts| {
        parts.drug_safety.liver_transplant_recipient = Some(true);
    });
    assert!(!has_caution(&rec(&c), "transplant_afp_above_threshold"));
}

#[test]
fn transplant_after_downstaging_beyond_milan_within_up_to_seven() {
    // Three nodules, largest 35 mm: beyond Milan (2-3 nodules need <= 30 mm), up-to-seven sum 65.
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.nodules = Some(NoduleCount::new(3).expect("n"));
        parts.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(35).expect("d"));
    });
    let r = rec(&c);
    assert!(has_consideration(&r, "transplant_after_downstaging"));
    assert!(!has_consideration(&r, "liver_transplant_evaluation"));
    // Beyond up-to-seven: no downstaging consideration.
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(41).expect("d"));
    });
    assert!(!has_consideration(&rec(&c), "transplant_after_downstaging"));
    // Cancer-related impairment: not acceptable.
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(35).expect("d"));
        parts.performance_status.ecog = Some(Ecog::new(1).expect("ecog"));
        parts.performance_status.cancer_related = Some(true);
    });
    assert!(!has_consideration(&rec(&c), "transplant_after_downstaging"));
}

#[test]
fn repeat_resection_for_a_single_nodule_with_child_pugh_a() {
    let base = load("r5_single_small_nodule");
    assert!(has_consideration(&rec(&base), "repeat_resection"));
    let mut c = base;
    edit(&mut c, |parts| {
        parts.liver_function = cp(6);
    });
    assert!(has_consideration(&rec(&c), "repeat_resection"));
    edit(&mut c, |parts| {
        parts.liver_function = cp(7);
    });
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
    let mut c = base;
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.nodules = Some(NoduleCount::new(2).expect("n"));
    });
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
    let mut c = base;
    edit(&mut c, |parts| {
        parts.goals_of_care = Some(GoalsOfCare::ComfortFocused);
    });
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
    let mut c = base;
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(3).expect("ecog"));
    });
    assert!(!has_consideration(&rec(&c), "repeat_resection"), "terminal");
    // ECOG 1 from comorbidity: yes; ECOG 1 cancer-related or ECOG 2: no.
    let mut c = base;
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(1).expect("ecog"));
        parts.performance_status.cancer_related = Some(false);
    });
    assert!(has_consideration(&rec(&c), "repeat_resection"));
    edit(&mut c, |parts| {
        parts.performance_status.cancer_related = Some(true);
    });
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
        parts.performance_status.cancer_related = Some(false);
    });
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
}

#[test]
fn hbv_antiviral_therapy_when_hbsag_positive() {
    for name in [
        "r5_single_small_nodule",
        "r3_lung_metastases_fit",
        "r1_comfort_focused",
    ] {
        let mut c = load(name);
        for (hbsag, expected) in [(Some(true), true), (Some(false), false), (None, false)] {
            edit(&mut c, |parts| {
                parts.drug_safety.hbsag_positive = hbsag;
            });
            let r = rec(&c);
            assert_eq!(
                has_consideration(&r, "hbv_antiviral_therapy"),
                expected,
                "{name} {hbsag:?}"
            );
            if expected {
                let h = r
                    .considerations
                    .iter()
                    .find(|x| x.id == "hbv_antiviral_therapy")
                    .expect("x");
                assert!(h.text.contains("entecavir or tenofovir"));
                let keys: Vec<&str> = h.sources.iter().map(|s| s.key()).collect();
                assert_eq!(keys, ["AASLD-HBV-2018", "EASL-HBV-2017"]);
                assert!(r.references.iter().any(|s| s.key() == "AASLD-HBV-2018"));
            }
        }
    }
}

#[test]
fn early_recurrence_within_24_months() {
    let mut c = load("r5_single_small_nodule");
    for (months, expected) in [(0, true), (24, true), (25, false)] {
        edit(&mut c, |parts| {
            parts.history.months_since_last_procedure = Some(Months::new(months).expect("m"));
        });
        assert_eq!(
            has_consideration(&rec(&c), "early_recurrence"),
            expected,
            "{months}"
        );
    }
}

#[test]
fn bone_and_brain_metastases_considerations() {
    let mut c = load("r3_lung_metastases_fit");
    edit(&mut c, |parts| {
        parts.recurrence.extrahepatic_sites = Some(SiteSet::of(&[ExtrahepaticSite::Bone]));
    });
    let r = rec(&c);
    assert!(has_consideration(&r, "bone_metastases_radiotherapy"));
    assert!(!has_consideration(&r, "brain_metastases_evaluation"));
    // Palliative care too.
    edit(&mut c, |parts| {
        parts.goals_of_care = Some(GoalsOfCare::ComfortFocused);
    });
    assert!(has_consideration(&rec(&c), "bone_metastases_radiotherapy"));
    edit(&mut c, |parts| {
        parts.recurrence.extrahepatic_sites = Some(SiteSet::of(&[ExtrahepaticSite::Brain]));
    });
    let r = rec(&c);
    assert!(!has_consideration(&r, "bone_metastases_radiotherapy"));
    assert!(has_consideration(&r, "brain_metastases_evaluation"));
}

#[test]
fn clinical_trial_from_the_second_line() {
    assert!(!has_consideration(
        &rec(&load("r3_lung_metastases_fit")),
        "clinical_trial"
    ));
    assert!(has_consideration(
        &rec(&load("r3_second_line_after_sorafenib")),
        "clinical_trial"
    ));
    assert!(!has_consideration(
        &rec(&load("r5_single_small_nodule")),
        "clinical_trial"
    ));
}

// ----------------------------------------------------------------------------------------------
// Every rule is reached, every output round-trips, and invariants over many histories.
// ----------------------------------------------------------------------------------------------

fn bundled_case_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("examples/cases")
        .expect("cases dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .map(|n| n.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn bundled_cases_keep_their_rule_and_round_trip_as_json() {
    for name in bundled_case_names() {
        let r = rec(&load(&name));
        let prefix = name.split('_').next().unwrap_or_default().to_uppercase();
        assert_eq!(r.rule.unwrap().wire_name(), prefix, "{name}");
        assert_eq!(r.rule_set.version, "0.3.0");
        let json = r.to_json_explained();
        let back: Recommendation = serde_json::from_str(&json).expect("round trip");
        assert_eq!(back, r, "{name}");
        let text = r.to_string();
        assert!(text.contains("Options (in order):"), "{name}");
        assert!(text.contains("Considerations:"), "{name}");
    }
}

#[test]
fn every_caution_and_consideration_rule_is_reached_by_some_case() {
    let mut cases: Vec<(Case, Policy)> = bundled_case_names()
        .iter()
        .map(|n| (load(n), Policy::default()))
        .collect();
    // Cases only a test builds.
    let mut c = load("r3_lung_metastases_fit");
    edit(&mut c, |parts| {
        parts.liver_function = cp(7);
    });
    cases.push((
        c,
        Policy::default()
            .with(Setting::SystemicMaxChildPugh, 7)
            .unwrap(),
    ));
    let mut c = load("r3_lung_metastases_fit");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
    });
    cases.push((c, Policy::default()));
    let mut c = load("r3_second_line_after_sorafenib");
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[(Regimen::Sorafenib, None)]));
    });
    cases.push((c, Policy::default()));
    edit(&mut c, |parts| {
        parts.history.systemic_regimens = Some(history(&[(Regimen::Regorafenib, None)]));
    });
    cases.push((c, Policy::default()));
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.liver_function = cp(8);
    });
    cases.push((c, Policy::default()));
    let mut c = load("r6_beyond_up_to_seven");
    edit(&mut c, |parts| {
        parts.recurrence.intrahepatic.infiltrative = Some(true);
    });
    cases.push((c, Policy::default()));
    // R6 for liver function above a stricter intervention limit, and for ECOG above one.
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.liver_function = cp(7);
    });
    cases.push((
        c,
        Policy::default()
            .with_settings([
                (Setting::InterventionMaxChildPugh, 6),
                (Setting::SystemicMaxChildPugh, 7),
            ])
            .unwrap(),
    ));
    let mut c = load("r5_single_small_nodule");
    edit(&mut c, |parts| {
        parts.performance_status.ecog = Some(Ecog::new(2).expect("ecog"));
        parts.performance_status.cancer_related = Some(false);
    });
    cases.push((
        c,
        Policy::default()
            .with(Setting::InterventionMaxEcog, 1)
            .unwrap(),
    ));

    let mut seen = BTreeSet::new();
    for (c, p) in &cases {
        let r = recommend_with(c, p).expect("valid");
        seen.extend(r.cautions.iter().map(|c| c.id.to_string()));
        seen.extend(r.considerations.iter().map(|c| c.id.to_string()));
        seen.extend(r.reason_details.iter().map(|c| c.id.to_string()));
    }
    for set in ["hcc-cautions", "hcc-considerations", "hcc-reason-details"] {
        for rule in hcc_pathways::verify::rule_ids(set).expect("a rule set of the crate") {
            assert!(seen.contains(rule), "{set}: {rule} never reached");
        }
    }
}

#[test]
fn regimen_invariants_over_many_histories() {
    let offered_regimens = [
        Regimen::AtezolizumabBevacizumab,
        Regimen::DurvalumabTremelimumab,
        Regimen::NivolumabIpilimumab,
        Regimen::CamrelizumabRivoceranib,
        Regimen::Lenvatinib,
        Regimen::Sorafenib,
        Regimen::Durvalumab,
        Regimen::Tislelizumab,
        Regimen::Cabozantinib,
        Regimen::Regorafenib,
        Regimen::Ramucirumab,
        Regimen::Pembrolizumab,
        Regimen::Other,
    ];
    let mut histories: Vec<Vec<Regimen>> = vec![vec![]];
    for a in offered_regimens {
        histories.push(vec![a]);
        for b in offered_regimens {
            histories.push(vec![a, b]);
        }
    }
    let base = load("r3_lung_metastases_fit");
    let policy = Policy::default();
    let mut lines_seen = BTreeSet::new();
    let mut no_line = 0;
    for (i, h) in histories.iter().enumerate() {
        let mut c = base;
        edit(&mut c, |parts| {
            parts.performance_status.ecog = Some(Ecog::new(0).expect("ecog"));
            parts.drug_safety.liver_transplant_recipient = Some(i % 5 == 0);
            parts.drug_safety.autoimmune_disease = Some(
                [
                    AutoimmuneDisease::Absent,
                    AutoimmuneDisease::Inactive,
                    AutoimmuneDisease::ActiveOnSystemicTreatment,
                ][i % 3],
            );
            parts.drug_safety.varices = Some(Varices::ALL[i % 4]);
            parts.recurrence.afp_ng_ml = [None, afp(100.0), afp(500.0)][(i / 3) % 3];
        });
        let tolerated = [Some(true), Some(false), None][(i / 7) % 3];
        let items: Vec<_> = h.iter().map(|r| (*r, tolerated)).collect();
        edit(&mut c, |parts| {
            parts.history.systemic_regimens = Some(history(&items));
            parts.history.procedures = ProcedureSet::of(&[Procedure::Tace]);
        });
        let r = match recommend_with(&c, &policy) {
            Ok(r) => r,
            // Only an unknown AFP or sorafenib tolerance may leave the last regimen open.
            Err(hcc_pathways::Error::Undecided { .. }) => {
                assert!(
                    c.recurrence().afp_ng_ml.is_none() || tolerated.is_none(),
                    "undecided with every fact known: {h:?}"
                );
                continue;
            }
            Err(e) => panic!("valid: {e}"),
        };
        let got = offered(&r);
        match r.pathway {
            Pathway::SystemicTherapy => {
                let line = r.line_of_therapy.as_ref().expect("line");
                lines_seen.insert(line.rule.to_string());
                assert!(!got.is_empty(), "systemic therapy without a regimen: {h:?}");
                let ds = &c.drug_safety();
                let ici_barred = ds.liver_transplant_recipient == Some(true)
                    || ds.autoimmune_disease == Some(AutoimmuneDisease::ActiveOnSystemicTreatment);
                let bev_barred = matches!(
                    ds.varices,
                    Some(Varices::UntreatedHighRisk | Varices::RecentBleeding)
                );
                let used = c.history().systemic_regimens.unwrap().classes_used();
                for g in &got {
                    assert!(!h.contains(g), "{g} offered again after {h:?}");
                    assert!(!(ici_barred && g.has_checkpoint_inhibitor()), "{g}: {h:?}");
                    assert!(
                        !(bev_barred && *g == Regimen::AtezolizumabBevacizumab),
                        "{h:?}"
                    );
                    if *g == Regimen::Regorafenib {
                        assert!(h.contains(&Regimen::Sorafenib) && tolerated == Some(true));
                    }
                    if *g == Regimen::Ramucirumab {
                        assert!(c.recurrence().afp_ng_ml.is_some_and(|v| v.get() >= 400.0));
                    }
                    if line.line == LineOfTherapy::ThirdOrLater && *g != Regimen::Cabozantinib {
                        assert!(
                            g.classes().iter().any(|k| !used.contains(k)),
                            "{g} adds no class after {h:?}"
                        );
                    }
                }
            }
            Pathway::PalliativeCare => {
                // The base case is fit by ECOG and Child–Pugh: only a missing line explains R4.
                assert_eq!(r.rule.unwrap(), "R4");
                assert!(has_detail(&r, "no_supported_further_line"), "{h:?}");
                assert!(!r.omitted.is_empty());
                no_line += 1;
            }
            Pathway::RepeatIntervention => unreachable!("advanced case"),
        }
    }
    let all: BTreeSet<String> = ["L1", "L2-ICI", "L2-STRIDE", "L2-TKI", "L2-OTHER", "L3"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(lines_seen, all);
    assert!(no_line > 0, "some histories leave no supported line");
}

/// Every bundled case, and each again with AFP and the tolerance of every prior regimen not
/// known, decided under the default policy.
fn bundled_and_blanked() -> Vec<(String, Case)> {
    let mut out = Vec::new();
    for dir in ["examples/cases", "examples/cases/unknown"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("bundled cases")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("readable");
            let case = Case::from_json(&text).expect("valid bundled case");
            let blanked = case
                .to_builder()
                .unknown("recurrence.afp_ng_ml")
                .unknown("history.systemic_regimens[].tolerated")
                .build()
                .expect("facts not known are valid");
            let name = path.display().to_string();
            out.push((format!("{name} (AFP, tolerance not known)"), blanked));
            out.push((name, case));
        }
    }
    out
}

/// `Eligibility::reasons` and `Eligibility::pending` (public, for callers who read the
/// assessment) say what the recommendation says: the reasons each regimen is left out, and the
/// regimens waiting for a fact not known.
#[test]
fn eligibility_accessors_agree_with_the_recommendation() {
    let (mut with_reasons, mut with_pending) = (0, 0);
    for (name, case) in bundled_and_blanked() {
        let Ok(hcc_pathways::Decision::Decided(r)) = hcc_pathways::decide(&case) else {
            continue;
        };
        if r.pathway != Pathway::SystemicTherapy {
            continue;
        }
        let a = hcc_pathways::Assessment::new(&case, &Policy::default()).expect("valid");
        let e = a.eligibility();
        for &regimen in Regimen::ALL {
            let mut reasons: Vec<OmissionReason> = e.reasons(regimen).collect();
            let mut expected = omitted_for(&r, regimen);
            reasons.sort();
            expected.sort();
            assert_eq!(reasons, expected, "{name}: {regimen}");
            with_reasons += usize::from(!reasons.is_empty());
        }
        let pending: BTreeSet<Regimen> = r
            .pending
            .iter()
            .filter_map(|p| p.id.parse::<Regimen>().ok())
            .collect();
        let from_eligibility: BTreeSet<Regimen> = e.pending().iter().collect();
        assert_eq!(from_eligibility, pending, "{name}");
        with_pending += usize::from(!pending.is_empty());
    }
    assert!(
        with_reasons >= 5,
        "{with_reasons} regimens left out: too few to test"
    );
    assert!(
        with_pending >= 3,
        "{with_pending} cases with pending regimens: too few"
    );
}

/// `Assessment::up_to_seven_sum` is the recommendation's score, on every bundled case.
#[test]
fn assessment_up_to_seven_sum_is_the_reported_score() {
    let mut sums = BTreeSet::new();
    let without_diameter = bundled_and_blanked()
        .into_iter()
        .filter_map(|(name, case)| {
            let blanked = case
                .to_builder()
                .unknown("recurrence.intrahepatic.largest_diameter_mm")
                .build()
                .ok()?;
            Some((format!("{name}, diameter not known"), blanked))
        });
    for (name, case) in bundled_and_blanked().into_iter().chain(without_diameter) {
        let a = hcc_pathways::Assessment::new(&case, &Policy::default()).expect("valid");
        let Ok(hcc_pathways::Decision::Decided(r)) = hcc_pathways::decide(&case) else {
            continue;
        };
        assert_eq!(a.up_to_seven_sum(), r.scores.up_to_seven_sum, "{name}");
        sums.insert(a.up_to_seven_sum());
    }
    // Several distinct sums, and some not known: the comparison can fail.
    assert!(sums.contains(&None) && sums.len() >= 5, "{sums:?}");
}

/// `Assessment::permitted_regimens` are the regimens a complete systemic-therapy case is
/// offered.
#[test]
fn permitted_regimens_are_the_offered_regimens() {
    let mut seen = 0;
    for (name, case) in bundled_and_blanked() {
        if case.unknown_facts().next().is_some() {
            continue;
        }
        let r = rec(&case);
        if r.pathway != Pathway::SystemicTherapy {
            continue;
        }
        let a = hcc_pathways::Assessment::new(&case, &Policy::default()).expect("valid");
        let permitted: BTreeSet<Regimen> = a.permitted_regimens().iter().collect();
        let offered: BTreeSet<Regimen> = offered(&r).into_iter().collect();
        assert_eq!(permitted, offered, "{name}");
        seen += usize::from(!offered.is_empty());
    }
    assert!(seen >= 5, "{seen} systemic cases with regimens");
}
