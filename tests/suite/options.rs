//! Options inside each pathway (spec §6–§7), through the public API: every option rule, every
//! contraindication (the drug is absent and the reason is present), every caution and
//! consideration, the reason details of §4, and totality/uniqueness of the option rules.

use std::collections::BTreeSet;

use hcc_pathways::case::{
    AutoimmuneDisease, ExtrahepaticSite, GoalsOfCare, LiverFunction, MacrovascularInvasion,
    PriorRegimen, Procedure, ProcedureSet, Regimen, RegimenHistory, SiteSet, Varices,
};
use hcc_pathways::engine::{Rule, RuleSet};
use hcc_pathways::options::{
    caution_rule_set, consideration_rule_set, modality_rule_set, modality_rules, Evidence,
    Modality, NO_SUPPORTED_FURTHER_LINE, TRANSPLANT_FIRST,
};
use hcc_pathways::quantity::{
    AfpNgMl, ChildPughScore, Count, DiameterMm, Ecog, Months, NoduleCount,
};
use hcc_pathways::recommendation::OmittedRegimen;
use hcc_pathways::regimens::{line_rule_set, LineOfTherapy, OmissionReason};
use hcc_pathways::rules::pathway_rule_set;
use hcc_pathways::sources::BCLC_2022;
use hcc_pathways::{
    classify, recommend, recommend_with, Assessment, Case, Pathway, Policy, Recommendation,
};

fn load(name: &str) -> Case {
    let path = format!("examples/cases/{name}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Case::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rec(case: &Case) -> Recommendation {
    recommend(case).expect("valid case")
}

fn option_ids(r: &Recommendation) -> Vec<&str> {
    r.options.iter().map(|o| o.id.as_ref()).collect()
}

fn offered(r: &Recommendation) -> Vec<Regimen> {
    r.options.iter().filter_map(|o| o.regimen).collect()
}

fn caution<'a>(
    r: &'a Recommendation,
    id: &str,
) -> Option<&'a hcc_pathways::recommendation::Caution> {
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
        .filter(|o: &&OmittedRegimen| o.regimen == regimen)
        .map(|o| o.reason)
        .collect()
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
    assert!(has_caution(&r, "pei_alone_refractory"));
    // The same case without refractoriness gets TACE + PEI and no refractory caution.
    let mut c = load("r5_refractory_unsafe_location_pei_alone");
    c.history.tace_insufficient_responses = Count::new(0).expect("count");
    let r = rec(&c);
    assert_eq!(r.options[0].id, "tace_plus_pei");
    assert!(!has_caution(&r, "pei_alone_refractory"));
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
                                let mut c = base;
                                let ih = &mut c.recurrence.intrahepatic;
                                ih.nodules = NoduleCount::new(nodules).expect("n");
                                ih.largest_diameter_mm =
                                    Some(DiameterMm::new(diameter).expect("d"));
                                ih.unsafe_ablation_location = unsafe_location;
                                c.history.tace_insufficient_responses =
                                    Count::new(responses).expect("c");
                                c.history.tace_intrahepatic_progressions =
                                    Count::new(progressions).expect("c");
                                c.history.afp_rising_after_tace = afp_rise;
                                c.liver_function = cp(child_pugh);
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
fn modality_rules_are_total_and_unique_over_the_pathway_grid() {
    let policy = Policy::default();
    let mut seen = BTreeSet::new();
    let mut in_pathway = 0;
    for c in intervention_grid() {
        let class = classify(&c, &policy).expect("valid");
        if class.pathway != Pathway::RepeatIntervention {
            continue;
        }
        in_pathway += 1;
        let a = Assessment::new(&c, &policy).expect("valid");
        let mask = modality_rules().leaf_mask(&a);
        let hits: Vec<_> = modality_rules().matches_for_mask(mask).collect();
        assert_eq!(hits.len(), 1, "exactly one modality rule for {c:?}");
        let rule = modality_rules().decide(&a).expect("unique");
        seen.insert(rule.id());
        let refractory =
            c.history.tace_insufficient_responses.get() >= 2 || c.history.afp_rising_after_tace;
        assert!(
            !(refractory && rule.outcome().contains_tace()),
            "TACE chosen for a refractory case: {c:?}"
        );
    }
    assert!(
        in_pathway > 100,
        "the grid reaches the pathway ({in_pathway})"
    );
    let all: BTreeSet<_> = ["M1", "M2", "M3", "M3R", "M4", "M4P", "M5"].into();
    assert_eq!(seen, all, "every modality rule is reached");
}

/// Over every combination of the truth values of the predicates read by R5 and the modality
/// rules, whenever R5 holds exactly one modality rule does.
#[test]
fn modality_rules_are_total_and_unique_over_the_abstract_domain() {
    let r5 = pathway_rule_set()
        .rules()
        .iter()
        .find(|r| r.id() == "R5")
        .expect("R5")
        .condition()
        .clone();
    let mut rules: Vec<Rule<Assessment, &str>> =
        vec![Rule::new("R5", r5, "pathway", "R5", &[BCLC_2022])];
    for m in modality_rule_set().rules() {
        rules.push(Rule::new(
            m.id(),
            m.condition().clone(),
            "modality",
            m.reason(),
            &[BCLC_2022],
        ));
    }
    let joint = RuleSet::new("joint", "test", rules).expect("builds");
    let n = joint.leaves().len();
    assert!(n <= 16, "{n} leaves");
    let mut r5_masks = 0;
    for mask in 0..(1u64 << n) {
        if !joint.rule_matches_mask(0, mask) {
            continue;
        }
        r5_masks += 1;
        let modalities = (1..joint.rules().len())
            .filter(|i| joint.rule_matches_mask(*i, mask))
            .count();
        assert_eq!(modalities, 1, "mask {mask:b}");
    }
    assert!(r5_masks > 0);
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
    c.history.tace_insufficient_responses = Count::new(0).expect("c");
    assert!(!has_caution(&rec(&c), "near_tace_refractory"));
    // Counters are not added together: one response and one progression is still one step.
    c.history.tace_insufficient_responses = Count::new(1).expect("c");
    c.history.tace_intrahepatic_progressions = Count::new(1).expect("c");
    let r = rec(&c);
    assert_eq!(r.options[0].id, "tace_plus_pei", "not refractory");
    assert!(has_caution(&r, "near_tace_refractory"));
    // Already refractory: the caution no longer applies.
    let mut c = load("r5_refractory_unsafe_location_pei_alone");
    c.history.tace_intrahepatic_progressions = Count::new(1).expect("c");
    assert!(!has_caution(&rec(&c), "near_tace_refractory"));
}

#[test]
fn single_nodule_of_100_mm_caution() {
    let r = rec(&load("r5_repeat_tace_large_single_nodule"));
    assert_eq!(r.options[0].id, "repeat_tace");
    assert!(has_caution(&r, "single_nodule_100mm_tace"));
    let mut c = load("r5_repeat_tace_large_single_nodule");
    c.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(99).expect("d"));
    assert!(!has_caution(&rec(&c), "single_nodule_100mm_tace"));
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
    c.history.tace_insufficient_responses = Count::new(1).expect("c");
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
    assert!(r
        .options
        .iter()
        .all(|o| o.rule == "L1" && !o.sources.is_empty()));
    assert!(r.omitted.is_empty());
    let nivo = caution(&r, "nivolumab_ipilimumab_early_deaths").expect("caution");
    assert_eq!(nivo.applies_to, [Regimen::NivolumabIpilimumab]);
    let camre = caution(&r, "camrelizumab_rivoceranib_approval").expect("caution");
    assert_eq!(camre.applies_to, [Regimen::CamrelizumabRivoceranib]);
    assert!(!has_consideration(&r, "clinical_trial"));
}

#[test]
fn ecog_2_lists_sorafenib_first_and_cautions_every_option() {
    let mut c = load("r3_lung_metastases_fit");
    c.performance_status.ecog = Ecog::new(2).expect("ecog");
    let r = rec(&c);
    assert_eq!(r.pathway, Pathway::SystemicTherapy);
    let order = offered(&r);
    assert_eq!(order[0], Regimen::Sorafenib);
    assert_eq!(order[1], Regimen::AtezolizumabBevacizumab);
    assert_eq!(
        order.iter().filter(|r| **r == Regimen::Sorafenib).count(),
        1
    );
    let ecog = caution(&r, "ecog_2_trial_evidence").expect("caution");
    assert_eq!(ecog.applies_to, order);

    // Every line: the second line too.
    let mut c = load("r3_second_line_after_sorafenib");
    c.performance_status.ecog = Ecog::new(2).expect("ecog");
    let r = rec(&c);
    let ecog = caution(&r, "ecog_2_trial_evidence").expect("caution");
    assert_eq!(ecog.applies_to, offered(&r));
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
    assert_eq!(
        offered(&r),
        [
            Regimen::Lenvatinib,
            Regimen::Sorafenib,
            Regimen::Cabozantinib
        ]
    );
    assert!(r.options.iter().all(|o| o.evidence == Evidence::Weak));
    // AFP unknown: ramucirumab omitted, with the suggestion to measure it.
    assert_omitted(
        &r,
        Regimen::Ramucirumab,
        OmissionReason::RamucirumabAfpUnknown,
    );
    assert!(has_caution(&r, "measure_afp"));
    assert!(has_consideration(&r, "clinical_trial"));

    let mut c = load("r3_second_line_after_atezolizumab_bevacizumab");
    c.recurrence.afp_ng_ml = afp(400.0);
    let r = rec(&c);
    assert_eq!(
        offered(&r).last(),
        Some(&Regimen::Ramucirumab),
        "AFP 400 is enough"
    );
    assert!(!has_caution(&r, "measure_afp"));
    c.recurrence.afp_ng_ml = afp(399.9);
    let r = rec(&c);
    assert_omitted(
        &r,
        Regimen::Ramucirumab,
        OmissionReason::RamucirumabAfpBelowThreshold,
    );
    let detail = &r.omitted[0].detail;
    assert!(detail.contains("399.9"), "{detail}");
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
        c.history.systemic_regimens = history(&[(first, Some(true))]);
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
        vegf.applies_to,
        [
            Regimen::Lenvatinib,
            Regimen::Sorafenib,
            Regimen::Cabozantinib,
            Regimen::Ramucirumab
        ]
    );
    // Treated varices: atezolizumab + bevacizumab where allowed.
    let mut c = load("r3_second_line_after_durvalumab_tremelimumab");
    c.drug_safety.varices = Varices::NoneOrTreated;
    let r = rec(&c);
    assert_eq!(
        offered(&r),
        [
            Regimen::Lenvatinib,
            Regimen::Sorafenib,
            Regimen::Cabozantinib,
            Regimen::AtezolizumabBevacizumab,
            Regimen::Ramucirumab
        ]
    );
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
            Regimen::AtezolizumabBevacizumab
        ]
    );
    // Regorafenib only after sorafenib recorded as tolerated.
    let mut c = load("r3_second_line_after_sorafenib");
    c.history.systemic_regimens = history(&[(Regimen::Sorafenib, Some(false))]);
    let r = rec(&c);
    assert_omitted(
        &r,
        Regimen::Regorafenib,
        OmissionReason::RegorafenibSorafenibNotTolerated,
    );
    assert!(!has_caution(&r, "sorafenib_tolerance_unknown"));
    c.history.systemic_regimens = history(&[(Regimen::Sorafenib, None)]);
    let r = rec(&c);
    assert_omitted(
        &r,
        Regimen::Regorafenib,
        OmissionReason::RegorafenibSorafenibToleranceUnknown,
    );
    assert!(has_caution(&r, "sorafenib_tolerance_unknown"));
    c.history.systemic_regimens = history(&[(Regimen::Lenvatinib, Some(true))]);
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
fn second_line_after_an_unlisted_first_line_regimen() {
    let mut c = load("r3_second_line_after_sorafenib");
    c.history.systemic_regimens = history(&[(Regimen::Cabozantinib, Some(true))]);
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
    c.history.systemic_regimens = history(&[
        (Regimen::AtezolizumabBevacizumab, Some(true)),
        (Regimen::Lenvatinib, Some(true)),
        (Regimen::DurvalumabTremelimumab, Some(true)),
    ]);
    let r = rec(&c);
    assert_eq!(r.line_of_therapy.as_ref().map(|l| l.number), Some(4));
    assert_omitted(
        &r,
        Regimen::Cabozantinib,
        OmissionReason::NoNewMechanismClass,
    );
    // Nothing else adds a class: no supported further line, and R7 says why.
    assert_eq!(r.pathway, Pathway::PalliativeCare);
    assert_eq!(r.rule, "R7");
    assert!(r.reason.contains(NO_SUPPORTED_FURTHER_LINE), "{}", r.reason);
}

#[test]
fn third_line_requires_ecog_0_1_and_child_pugh_a() {
    let mut c = load("r6_third_line_after_atezolizumab_bevacizumab_and_lenvatinib");
    c.performance_status.ecog = Ecog::new(2).expect("ecog");
    c.performance_status.cancer_related = Some(true);
    let r = rec(&c);
    assert_eq!(r.rule, "R7");
    assert!(!r.reason.contains(NO_SUPPORTED_FURTHER_LINE));
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
    assert_eq!(pv.applies_to, [Regimen::Lenvatinib]);
    // Varices not screened: the caution concerns bevacizumab, which is not offered.
    assert!(!has_caution(&r, "varices_not_screened"));
}

#[test]
fn no_checkpoint_inhibitor_with_active_autoimmune_disease() {
    let mut c = load("r3_lung_metastases_fit");
    c.drug_safety.autoimmune_disease = AutoimmuneDisease::ActiveOnSystemicTreatment;
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
        ai.applies_to,
        [
            Regimen::NivolumabIpilimumab,
            Regimen::AtezolizumabBevacizumab
        ]
    );
    assert!(r.omitted.is_empty());
}

#[test]
fn no_bevacizumab_with_high_risk_varices_or_recent_bleeding() {
    for varices in [Varices::UntreatedHighRisk, Varices::RecentBleeding] {
        let mut c = load("r3_lung_metastases_fit");
        c.drug_safety.varices = varices;
        let r = rec(&c);
        assert_omitted(
            &r,
            Regimen::AtezolizumabBevacizumab,
            OmissionReason::BevacizumabVaricesOrBleeding,
        );
        assert_eq!(offered(&r)[0], Regimen::DurvalumabTremelimumab);
        let vegf = caution(&r, "vegf_drugs_with_high_risk_varices").expect("caution");
        assert_eq!(
            vegf.applies_to,
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
        assert_eq!(c.applies_to, [Regimen::AtezolizumabBevacizumab], "{id}");
    }
    let r = rec(&load("r3_lung_metastases_fit"));
    assert!(!has_caution(&r, "varices_not_screened"));
    assert!(!has_caution(&r, "brain_metastases_bevacizumab"));
}

#[test]
fn child_pugh_7_admitted_by_policy_is_a_caution() {
    let mut c = load("r3_lung_metastases_fit");
    c.liver_function = cp(7);
    assert_eq!(rec(&c).pathway, Pathway::PalliativeCare, "default policy");
    let policy = Policy {
        systemic_max_child_pugh: 7,
        ..Policy::default()
    };
    let r = recommend_with(&c, &policy).expect("valid");
    assert_eq!(r.pathway, Pathway::SystemicTherapy);
    let b7 = caution(&r, "child_pugh_7_by_policy").expect("caution");
    assert_eq!(b7.applies_to, offered(&r));
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
        c.performance_status.ecog = Ecog::new(0).expect("ecog");
        let items: Vec<_> = received.iter().map(|r| (*r, Some(true))).collect();
        c.history.systemic_regimens = history(&items);
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
        (r.pathway, r.rule.as_ref()),
        (Pathway::PalliativeCare, "R4")
    );
    assert!(r.reason.contains(NO_SUPPORTED_FURTHER_LINE), "{}", r.reason);
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
        Regimen::Regorafenib,
        OmissionReason::NoNewMechanismClass,
    );
    assert!(has_consideration(&r, "clinical_trial"));
    // The explanation of fit_for_systemic names the fact.
    let fit = r
        .explanation
        .iter()
        .find(|p| p.predicate == "fit_for_systemic")
        .expect("fit_for_systemic");
    assert!(!fit.value);
    assert!(
        fit.facts
            .iter()
            .any(|f| f.to_string() == "regimens_permitted = 0 < 1"),
        "{:?}",
        fit.facts
    );
    // With a high AFP ramucirumab remains: systemic therapy again.
    let mut c = load("r4_no_supported_further_line");
    c.recurrence.afp_ng_ml = afp(900.0);
    let r = rec(&c);
    assert_eq!(r.rule, "R3");
    assert_eq!(option_ids(&r), ["clinical_trial", "ramucirumab"]);
}

#[test]
fn r4_for_poor_liver_function_does_not_claim_no_further_line() {
    let r = rec(&load("r4_portal_vein_child_pugh_8"));
    assert_eq!(r.rule, "R4");
    assert!(!r.reason.contains(NO_SUPPORTED_FURTHER_LINE));
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
            bsc.detail.contains(r.reason.as_ref()),
            "{name}: {}",
            bsc.detail
        );
        assert!(bsc.detail.contains(r.rule.as_ref()), "{name}");
    }
}

#[test]
fn r2_within_milan_begins_with_transplant_first() {
    let r = rec(&load("r2_child_pugh_c"));
    assert_eq!(r.rule, "R2");
    assert!(r.reason.starts_with(TRANSPLANT_FIRST), "{}", r.reason);
    assert!(has_consideration(&r, "liver_transplant_evaluation"));
    // ECOG 3: terminal for performance status, no transplant referral, the plain reason.
    let mut c = load("r2_child_pugh_c");
    c.performance_status.ecog = Ecog::new(3).expect("ecog");
    let r = rec(&c);
    assert_eq!(r.rule, "R2");
    assert!(!r.reason.starts_with(TRANSPLANT_FIRST));
    assert!(!has_consideration(&r, "liver_transplant_evaluation"));
}

#[test]
fn r7_carries_the_mdt_caution_and_transplant_first_within_milan() {
    let r = rec(&load("r7_child_pugh_7_multinodular"));
    assert_eq!(r.rule, "R7");
    assert!(has_caution(&r, "r7_mdt_may_consider"));
    assert!(!r.reason.starts_with(TRANSPLANT_FIRST), "beyond Milan");
    // Within Milan, Child–Pugh 8: neither intervention nor drugs; transplant evaluation first.
    let mut c = load("r5_single_small_nodule");
    c.liver_function = cp(8);
    let r = rec(&c);
    assert_eq!(r.rule, "R7");
    assert!(r.reason.starts_with(TRANSPLANT_FIRST), "{}", r.reason);
    assert!(has_caution(&r, "r7_mdt_may_consider"));
    assert!(has_consideration(&r, "liver_transplant_evaluation"));
}

#[test]
fn r6_beyond_up_to_seven_caution_and_tace_with_systemic() {
    let r = rec(&load("r6_beyond_up_to_seven"));
    assert_eq!(r.rule, "R6");
    assert!(has_caution(&r, "r6_tace_for_well_defined_nodules"));
    let last = r.options.last().expect("options");
    assert_eq!(last.id, "tace_with_systemic");
    assert_eq!(last.evidence, Evidence::NotStandardOfCare);
    assert!(last.detail.contains("not standard of care"));
    let keys: Vec<&str> = last.sources.iter().map(|s| s.key.as_ref()).collect();
    assert_eq!(keys, ["EMERALD-1", "LEAP-012"]);

    // A single large refractory nodule goes to R6 too, but is not multinodular.
    let mut c = load("r5_repeat_tace_large_single_nodule");
    c.history.tace_intrahepatic_progressions = Count::new(2).expect("c");
    let r = rec(&c);
    assert_eq!(r.rule, "R6");
    assert!(!has_caution(&r, "r6_tace_for_well_defined_nodules"));
    assert!(!option_ids(&r).contains(&"tace_with_systemic"));

    // Not fit for intervention (cancer-related ECOG 1): no TACE with systemic therapy.
    let mut c = load("r6_beyond_up_to_seven");
    c.performance_status.ecog = Ecog::new(1).expect("ecog");
    c.performance_status.cancer_related = Some(true);
    let r = rec(&c);
    assert_eq!(r.rule, "R6");
    assert!(has_caution(&r, "r6_tace_for_well_defined_nodules"));
    assert!(!option_ids(&r).contains(&"tace_with_systemic"));
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
    c.drug_safety.liver_transplant_recipient = true;
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    c.goals_of_care = GoalsOfCare::ComfortFocused;
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    c.performance_status.ecog = Ecog::new(3).expect("ecog");
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    c.recurrence.extrahepatic_sites = SiteSet::of(&[ExtrahepaticSite::Lung]);
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    c.recurrence.macrovascular_invasion = MacrovascularInvasion::PortalVeinBranch;
    assert!(!has_consideration(&rec(&c), "liver_transplant_evaluation"));

    let mut c = base;
    c.recurrence.intrahepatic.largest_diameter_mm = Some(DiameterMm::new(51).expect("d"));
    assert!(
        !has_consideration(&rec(&c), "liver_transplant_evaluation"),
        "beyond Milan"
    );
}

#[test]
fn repeat_resection_for_a_single_nodule_with_child_pugh_a() {
    let base = load("r5_single_small_nodule");
    assert!(has_consideration(&rec(&base), "repeat_resection"));
    let mut c = base;
    c.liver_function = cp(7);
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
    let mut c = base;
    c.recurrence.intrahepatic.nodules = NoduleCount::new(2).expect("n");
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
    let mut c = base;
    c.goals_of_care = GoalsOfCare::ComfortFocused;
    assert!(!has_consideration(&rec(&c), "repeat_resection"));
    let mut c = base;
    c.performance_status.ecog = Ecog::new(3).expect("ecog");
    assert!(!has_consideration(&rec(&c), "repeat_resection"), "terminal");
}

#[test]
fn hbv_prophylaxis_when_hbsag_positive() {
    let mut c = load("r5_single_small_nodule");
    for (hbsag, expected) in [(Some(true), true), (Some(false), false), (None, false)] {
        c.drug_safety.hbsag_positive = hbsag;
        assert_eq!(
            has_consideration(&rec(&c), "hbv_antiviral_prophylaxis"),
            expected,
            "{hbsag:?}"
        );
    }
}

#[test]
fn early_recurrence_within_24_months() {
    let mut c = load("r5_single_small_nodule");
    for (months, expected) in [(0, true), (24, true), (25, false)] {
        c.history.months_since_last_procedure = Months::new(months).expect("m");
        assert_eq!(
            has_consideration(&rec(&c), "early_recurrence"),
            expected,
            "{months}"
        );
    }
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
        assert_eq!(r.rule, prefix, "{name}");
        assert_eq!(r.rule_set.version, "0.2.0");
        let json = r.to_json();
        let mut back: Recommendation = serde_json::from_str(&json).expect("round trip");
        // serde_json parses floats to within one ulp (no `float_roundtrip` feature): compare the
        // ALBI score approximately, everything else exactly.
        let (x, y) = (back.scores.albi_score, r.scores.albi_score);
        assert!(match (x, y) {
            (Some(x), Some(y)) => (x - y).abs() < 1e-12,
            (x, y) => x == y,
        });
        back.scores.albi_score = r.scores.albi_score;
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
    c.liver_function = cp(7);
    cases.push((
        c,
        Policy {
            systemic_max_child_pugh: 7,
            ..Policy::default()
        },
    ));
    let mut c = load("r3_lung_metastases_fit");
    c.performance_status.ecog = Ecog::new(2).expect("ecog");
    cases.push((c, Policy::default()));
    let mut c = load("r3_second_line_after_sorafenib");
    c.history.systemic_regimens = history(&[(Regimen::Sorafenib, None)]);
    cases.push((c, Policy::default()));
    c.history.systemic_regimens = history(&[(Regimen::Regorafenib, None)]);
    cases.push((c, Policy::default()));

    let mut seen = BTreeSet::new();
    for (c, p) in &cases {
        let r = recommend_with(c, p).expect("valid");
        seen.extend(r.cautions.iter().map(|c| c.id.to_string()));
        seen.extend(r.considerations.iter().map(|c| c.id.to_string()));
    }
    for rule in caution_rule_set().rules() {
        assert!(
            seen.contains(rule.id()),
            "caution {} never reached",
            rule.id()
        );
    }
    for rule in consideration_rule_set().rules() {
        assert!(
            seen.contains(rule.id()),
            "consideration {} never reached",
            rule.id()
        );
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
    let line_rules = line_rule_set();
    let mut lines_seen = BTreeSet::new();
    let mut no_line = 0;
    for (i, h) in histories.iter().enumerate() {
        let mut c = base;
        c.performance_status.ecog = Ecog::new(0).expect("ecog");
        c.drug_safety.liver_transplant_recipient = i % 5 == 0;
        c.drug_safety.autoimmune_disease = [
            AutoimmuneDisease::None,
            AutoimmuneDisease::Inactive,
            AutoimmuneDisease::ActiveOnSystemicTreatment,
        ][i % 3];
        c.drug_safety.varices = Varices::ALL[i % 4];
        c.recurrence.afp_ng_ml = [None, afp(100.0), afp(500.0)][(i / 3) % 3];
        let tolerated = [Some(true), Some(false), None][(i / 7) % 3];
        let items: Vec<_> = h.iter().map(|r| (*r, tolerated)).collect();
        c.history.systemic_regimens = history(&items);
        c.history.procedures = ProcedureSet::of(&[Procedure::Tace]);
        let r = recommend_with(&c, &policy).expect("valid");
        let a = Assessment::new(&c, &policy).expect("valid");
        // The line rules are unique for every history.
        assert!(line_rules.decide(&a).is_ok());
        let got = offered(&r);
        match r.pathway {
            Pathway::SystemicTherapy => {
                let line = r.line_of_therapy.as_ref().expect("line");
                lines_seen.insert(line.rule.to_string());
                assert!(!got.is_empty(), "systemic therapy without a regimen: {h:?}");
                let ds = &c.drug_safety;
                let ici_barred = ds.liver_transplant_recipient
                    || ds.autoimmune_disease == AutoimmuneDisease::ActiveOnSystemicTreatment;
                let bev_barred = matches!(
                    ds.varices,
                    Varices::UntreatedHighRisk | Varices::RecentBleeding
                );
                let used = c.history.systemic_regimens.classes_used();
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
                        assert!(c.recurrence.afp_ng_ml.is_some_and(|v| v.get() >= 400.0));
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
                assert_eq!(r.rule, "R4");
                assert!(r.reason.contains(NO_SUPPORTED_FURTHER_LINE), "{h:?}");
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
