//! Both sides of the clinical cut-points that mutation testing found unguarded (issue 17, item
//! 4): a test here fails when a comparison moves by one (`≤` to `<`, `≥` to `>`) or when the
//! regimen history is read from the wrong end. Each cut-point is tested at the default policy,
//! at a policy that moves it (the threshold is the policy's, not a constant), and, where an
//! unknown fact sends the predicate down its other code path, with that fact not known.
//!
//! Cases are the bundled JSON cases with fields edited as JSON ([`case`]), so the tests do not
//! depend on how `Case` values are built in Rust. CONTRIBUTING.md ("Mutation testing") says how
//! to run cargo-mutants over the clinical modules.

use serde_json::{json, Value};

use hcc_pathways::case::Regimen;
use hcc_pathways::engine::{Predicate, Truth};
use hcc_pathways::outcomes::OmissionReason;
use hcc_pathways::policy::Setting;
use hcc_pathways::predicates;
use hcc_pathways::scores::{BclcStage, ChildPughClass, BCLC_LIVER_FUNCTION_NOTE};
use hcc_pathways::{recommend_with, Assessment, Case, Policy, Recommendation};

const NODULES: &str = "recurrence.intrahepatic.nodules";
const DIAMETER: &str = "recurrence.intrahepatic.largest_diameter_mm";
const INFILTRATIVE: &str = "recurrence.intrahepatic.infiltrative";
const PERFORMANCE: &str = "performance_status";
const LIVER_FUNCTION: &str = "liver_function";
const REGIMENS: &str = "history.systemic_regimens";

/// A bundled case with edits: each `(path, value)` sets the field at the dotted path, to `null`
/// (the fact is not known) when the value is `None`.
pub(crate) fn case(name: &str, edits: &[(&str, Option<Value>)]) -> Case {
    Case::from_json(&edited(name, edits)).unwrap_or_else(|e| panic!("{name} {edits:?}: {e}"))
}

/// The JSON text of a bundled case with edits, as [`case`] makes them (valid or not).
fn edited(name: &str, edits: &[(&str, Option<Value>)]) -> String {
    let path = format!("examples/cases/{name}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut doc: Value = serde_json::from_str(&text).expect("bundled JSON");
    for (field, value) in edits {
        let (parent, key) = match field.rsplit_once('.') {
            Some((parent, key)) => (format!("/{}", parent.replace('.', "/")), key),
            None => (String::new(), *field),
        };
        let object = doc
            .pointer_mut(&parent)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{name}: no object at `{parent}`"));
        let old = object.insert(key.to_owned(), value.clone().unwrap_or(Value::Null));
        assert!(old.is_some(), "{name}: no `{field}`");
    }
    doc.to_string()
}

fn rec(case: &Case, policy: &Policy) -> Recommendation {
    recommend_with(case, policy).expect("valid case and policy")
}

/// A predicate's truth for a case under a policy.
fn truth(p: Predicate<Assessment>, case: &Case, policy: &Policy) -> Truth {
    p.truth(&Assessment::new(case, policy).expect("valid case and policy"))
}

fn has_caution(r: &Recommendation, id: &str) -> bool {
    r.cautions.iter().any(|c| c.id == id)
}

fn has_consideration(r: &Recommendation, id: &str) -> bool {
    r.considerations.iter().any(|c| c.id == id)
}

fn procedure(r: &Recommendation) -> &str {
    r.options.first().map_or("", |o| o.id.wire_name())
}

fn omitted_for(r: &Recommendation, regimen: Regimen) -> Vec<OmissionReason> {
    r.omitted
        .iter()
        .filter(|o| o.regimens.contains(&regimen))
        .map(|o| o.reason)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Repeat intervention (spec §6).
// ---------------------------------------------------------------------------------------------

/// The EASL caution on TACE for a single nodule of 100 mm or more: 100 mm is in, 99 mm is not.
#[test]
fn tace_caution_from_a_single_nodule_of_100_mm() {
    let single = |d: u16| {
        case(
            "r5_repeat_tace_large_single_nodule",
            &[(DIAMETER, Some(json!(d)))],
        )
    };
    let default = Policy::default();
    for (d, expected) in [(99, false), (100, true), (101, true)] {
        let r = rec(&single(d), &default);
        assert_eq!(procedure(&r), "repeat_tace", "{d} mm");
        assert_eq!(
            has_caution(&r, "large_single_nodule_tace"),
            expected,
            "{d} mm"
        );
    }
    // The cut-point is the policy's.
    let at_120 = Policy::default()
        .with_settings([(Setting::TaceCautionDiameterMm, 120)])
        .expect("valid policy");
    assert!(!has_caution(
        &rec(&single(119), &at_120),
        "large_single_nodule_tace"
    ));
    assert!(has_caution(
        &rec(&single(120), &at_120),
        "large_single_nodule_tace"
    ));
    // Growth not recorded: the truth is taken over both completions, and a single nodule of
    // 100 mm is large whatever the growth.
    let growth_unknown = |d: u16| {
        case(
            "r5_repeat_tace_large_single_nodule",
            &[(DIAMETER, Some(json!(d))), (INFILTRATIVE, None)],
        )
    };
    let large = predicates::large_single_nodule;
    assert_eq!(truth(large(), &growth_unknown(99), &default), Truth::False);
    assert_eq!(truth(large(), &growth_unknown(100), &default), Truth::True);
    assert_eq!(truth(large(), &growth_unknown(119), &at_120), Truth::False);
    assert_eq!(truth(large(), &growth_unknown(120), &at_120), Truth::True);
}

/// PEI alone where thermal ablation is unsafe up to 20 mm; TACE + PEI from 21 mm.
#[test]
fn pei_alone_up_to_20_mm() {
    let unsafe_site = |d: u16| case("r5_unsafe_location_pei", &[(DIAMETER, Some(json!(d)))]);
    let default = Policy::default();
    assert_eq!(procedure(&rec(&unsafe_site(20), &default)), "pei");
    assert_eq!(procedure(&rec(&unsafe_site(21), &default)), "tace_plus_pei");
    let at_15 = Policy::default()
        .with_settings([(Setting::PeiMaxDiameterMm, 15)])
        .expect("valid policy");
    assert_eq!(procedure(&rec(&unsafe_site(15), &at_15)), "pei");
    assert_eq!(procedure(&rec(&unsafe_site(16), &at_15)), "tace_plus_pei");
    // Growth not recorded: the size criterion reads the diameter alone.
    let growth_unknown = |d: u16| {
        case(
            "r5_unsafe_location_pei",
            &[(DIAMETER, Some(json!(d))), (INFILTRATIVE, None)],
        )
    };
    let pei = predicates::pei_size;
    assert_eq!(truth(pei(), &growth_unknown(20), &default), Truth::True);
    assert_eq!(truth(pei(), &growth_unknown(21), &default), Truth::False);
    assert_eq!(truth(pei(), &growth_unknown(15), &at_15), Truth::True);
    assert_eq!(truth(pei(), &growth_unknown(16), &at_15), Truth::False);
}

/// TACE refractoriness with its counters or rising AFP not known: after TACE or TAE they are
/// open (unknown); without either, the only valid completion is 0 and no (spec §8).
#[test]
fn tace_counters_not_known_count_only_after_tace_or_tae() {
    let refractory = predicates::tace_refractory;
    let default = Policy::default();
    let history = |procedures: Value, responses: Value, rising: Value| {
        case(
            "r5_single_small_nodule",
            &[
                ("history.procedures", Some(procedures)),
                ("history.tace_insufficient_responses", Some(responses)),
                ("history.afp_rising_after_tace", Some(rising)),
            ],
        )
    };
    for after in [json!(["tace"]), json!(["tae"]), json!(["resection", "tae"])] {
        let counter = history(after.clone(), Value::Null, json!(false));
        assert_eq!(
            truth(refractory(), &counter, &default),
            Truth::Unknown,
            "{after}"
        );
        let rising = history(after.clone(), json!(0), Value::Null);
        assert_eq!(
            truth(refractory(), &rising, &default),
            Truth::Unknown,
            "{after}"
        );
    }
    let without = history(json!(["resection"]), Value::Null, Value::Null);
    assert_eq!(truth(refractory(), &without, &default), Truth::False);
}

// ---------------------------------------------------------------------------------------------
// Considerations (spec §6): transplant and resection evaluation.
// ---------------------------------------------------------------------------------------------

fn performance(ecog: u8, cancer_related: Option<bool>) -> Value {
    json!({ "ecog": ecog, "cancer_related": cancer_related })
}

/// A single 18 mm nodule within Milan, Child–Pugh 5, with this performance status.
fn small_nodule_with(ecog: u8, cancer_related: Option<bool>) -> Case {
    case(
        "r5_single_small_nodule",
        &[(PERFORMANCE, Some(performance(ecog, cancer_related)))],
    )
}

/// Liver-transplant evaluation up to ECOG 2 when the impairment is not cancer-related.
#[test]
fn transplant_evaluation_up_to_ecog_2() {
    let default = Policy::default();
    let r = rec(&small_nodule_with(2, Some(false)), &default);
    assert_eq!(r.rule.map(|r| r.wire_name()), Some("R5"));
    assert!(has_consideration(&r, "liver_transplant_evaluation"));
    let r = rec(&small_nodule_with(3, None), &default);
    assert!(!has_consideration(&r, "liver_transplant_evaluation"));
    // The cut-point is the policy's: at 1, ECOG 1 qualifies and ECOG 2 does not.
    let at_1 = Policy::default()
        .with_settings([(Setting::TransplantMaxEcog, 1)])
        .expect("valid policy");
    let r = rec(&small_nodule_with(1, Some(false)), &at_1);
    assert!(has_consideration(&r, "liver_transplant_evaluation"));
    let r = rec(&small_nodule_with(2, Some(false)), &at_1);
    assert_eq!(r.rule.map(|r| r.wire_name()), Some("R5"));
    assert!(!has_consideration(&r, "liver_transplant_evaluation"));
    // Cancer-relatedness not recorded: at the limit it decides (unknown); above it, no ECOG
    // qualifies whatever it is (false).
    let tp = predicates::transplant_performance;
    assert_eq!(
        truth(tp(), &small_nodule_with(2, None), &default),
        Truth::Unknown
    );
    assert_eq!(
        truth(tp(), &small_nodule_with(2, None), &at_1),
        Truth::False
    );
    assert_eq!(
        truth(tp(), &small_nodule_with(1, None), &at_1),
        Truth::Unknown
    );
}

/// ECOG not known with cancer-relatedness recorded: the impairment is cancer-related (or a
/// comorbidity) only if ECOG is 1 or 2, so the recorded value leaves it open or rules it out.
#[test]
fn impairment_with_ecog_not_known() {
    let related = predicates::cancer_related_impairment;
    let comorbidity = predicates::comorbidity_impairment;
    let default = Policy::default();
    let ecog_unknown = |r: bool| {
        case(
            "r5_single_small_nodule",
            &[(
                PERFORMANCE,
                Some(json!({ "ecog": null, "cancer_related": r })),
            )],
        )
    };
    assert_eq!(
        truth(related(), &ecog_unknown(true), &default),
        Truth::Unknown
    );
    assert_eq!(
        truth(related(), &ecog_unknown(false), &default),
        Truth::False
    );
    assert_eq!(
        truth(comorbidity(), &ecog_unknown(false), &default),
        Truth::Unknown
    );
    assert_eq!(
        truth(comorbidity(), &ecog_unknown(true), &default),
        Truth::False
    );
}

/// Surgical evaluation for repeat resection up to ECOG 1 when the impairment is not
/// cancer-related (the same comparison as transplant evaluation, with its own setting).
#[test]
fn resection_evaluation_up_to_ecog_1() {
    let default = Policy::default();
    let r = rec(&small_nodule_with(1, Some(false)), &default);
    assert!(has_consideration(&r, "repeat_resection"));
    let r = rec(&small_nodule_with(2, Some(false)), &default);
    assert_eq!(r.rule.map(|r| r.wire_name()), Some("R5"));
    assert!(!has_consideration(&r, "repeat_resection"));
    let at_2 = Policy::default()
        .with_settings([(Setting::ResectionMaxEcog, 2)])
        .expect("valid policy");
    assert!(has_consideration(
        &rec(&small_nodule_with(2, Some(false)), &at_2),
        "repeat_resection"
    ));
    let rp = predicates::resection_performance;
    assert_eq!(
        truth(rp(), &small_nodule_with(1, None), &default),
        Truth::Unknown
    );
    assert_eq!(
        truth(rp(), &small_nodule_with(2, None), &default),
        Truth::False
    );
    assert_eq!(
        truth(rp(), &small_nodule_with(2, None), &at_2),
        Truth::Unknown
    );
}

/// Surgical evaluation for repeat resection up to Child–Pugh 6.
#[test]
fn resection_evaluation_up_to_child_pugh_6() {
    let score = |s: u8| {
        case(
            "r5_single_small_nodule",
            &[(LIVER_FUNCTION, Some(json!({ "child_pugh_score": s })))],
        )
    };
    let default = Policy::default();
    let r = rec(&score(6), &default);
    assert!(has_consideration(&r, "repeat_resection"));
    let r = rec(&score(7), &default);
    assert_eq!(
        r.rule.map(|r| r.wire_name()),
        Some("R5"),
        "fit for a procedure at 7"
    );
    assert!(!has_consideration(&r, "repeat_resection"));
    let at_5 = Policy::default()
        .with_settings([(Setting::ResectionMaxChildPugh, 5)])
        .expect("valid policy");
    assert!(has_consideration(
        &rec(&score(5), &at_5),
        "repeat_resection"
    ));
    assert!(!has_consideration(
        &rec(&score(6), &at_5),
        "repeat_resection"
    ));
    let at_7 = Policy::default()
        .with_settings([(Setting::ResectionMaxChildPugh, 7)])
        .expect("valid policy");
    assert!(has_consideration(
        &rec(&score(7), &at_7),
        "repeat_resection"
    ));
    assert!(!has_consideration(
        &rec(&score(8), &at_7),
        "repeat_resection"
    ));
    // Encephalopathy not recorded: four components of 1 point each allow 5 to 7.
    let range_5_to_7 = case(
        "r5_single_small_nodule",
        &[("liver_function.encephalopathy", None)],
    );
    let rl = predicates::resection_liver_function;
    assert_eq!(truth(rl(), &range_5_to_7, &at_7), Truth::True);
    assert_eq!(truth(rl(), &range_5_to_7, &default), Truth::Unknown);
    assert_eq!(truth(rl(), &range_5_to_7, &at_5), Truth::Unknown);
}

// ---------------------------------------------------------------------------------------------
// Liver function and performance status between the limits (spec §6, §7).
// ---------------------------------------------------------------------------------------------

/// The bundled Child–Pugh 7 case (bilirubin 2, albumin 2, INR 1, ascites 1, encephalopathy 1
/// points) with edits.
fn child_pugh_7_with(edits: &[(&str, Option<Value>)]) -> Case {
    case("r7_child_pugh_7_multinodular", edits)
}

fn child_pugh_score(s: u8) -> Case {
    child_pugh_7_with(&[(LIVER_FUNCTION, Some(json!({ "child_pugh_score": s })))])
}

/// Encephalopathy not known: Child–Pugh 7 to 9, or 8 to 10 with albumin below 2.8 g/dL.
fn child_pugh_range(from: u8) -> Case {
    let albumin = match from {
        7 => 3.2,
        8 => 2.5,
        _ => unreachable!(),
    };
    child_pugh_7_with(&[
        (
            "liver_function.albumin",
            Some(json!({ "value": albumin, "unit": "g_dl" })),
        ),
        ("liver_function.encephalopathy", None),
    ])
}

/// "Child–Pugh above the intervention limit and below end-stage" (8 and 9 by default): the
/// MDT consideration of ablation without refractory ascites.
#[test]
fn child_pugh_between_the_intervention_limit_and_end_stage() {
    let between = predicates::child_pugh_beyond_intervention_not_terminal;
    let default = Policy::default();
    for (s, expected) in [(7, false), (8, true), (9, true), (10, false)] {
        assert_eq!(
            truth(between(), &child_pugh_score(s), &default),
            Truth::from(expected),
            "Child-Pugh {s}"
        );
    }
    let moved = Policy::default()
        .with_settings([
            (Setting::InterventionMaxChildPugh, 6),
            (Setting::TerminalMinChildPugh, 9),
        ])
        .expect("valid policy");
    for (s, expected) in [(6, false), (7, true), (8, true), (9, false)] {
        assert_eq!(
            truth(between(), &child_pugh_score(s), &moved),
            Truth::from(expected),
            "Child-Pugh {s}, moved limits"
        );
    }
    // A range across either limit leaves it open.
    assert_eq!(
        truth(between(), &child_pugh_range(7), &default),
        Truth::Unknown
    );
    assert_eq!(
        truth(between(), &child_pugh_range(8), &default),
        Truth::Unknown
    );
    let wide = Policy::default()
        .with_settings([
            (Setting::InterventionMaxChildPugh, 6),
            (Setting::TerminalMinChildPugh, 11),
        ])
        .expect("valid policy");
    assert_eq!(truth(between(), &child_pugh_range(7), &wide), Truth::True);
    assert_eq!(truth(between(), &child_pugh_range(8), &wide), Truth::True);
}

/// The policy admits Child–Pugh 7 to systemic therapy when its limit is 7 (NCCN 2A), not at 6.
#[test]
fn policy_admits_child_pugh_7_at_a_limit_of_7() {
    let admits = predicates::policy_admits_child_pugh_7;
    let case = child_pugh_score(7);
    for (max, expected) in [(6, false), (7, true)] {
        let policy = Policy::default()
            .with_settings([(Setting::SystemicMaxChildPugh, max)])
            .expect("valid policy");
        assert_eq!(
            truth(admits(), &case, &policy),
            Truth::from(expected),
            "{max}"
        );
    }
}

/// The fitness of the TACE-with-systemic-therapy trials: ECOG up to 1 and Child–Pugh up to 6
/// by default, with everything known and with cancer-relatedness not known (which sends it
/// over the completions of performance status).
#[test]
fn tace_with_systemic_therapy_fitness_up_to_ecog_1_and_child_pugh_6() {
    let fit = predicates::tace_systemic_fitness;
    let with = |ecog: u8, related: Option<bool>, score: u8| {
        child_pugh_7_with(&[
            (PERFORMANCE, Some(performance(ecog, related))),
            (LIVER_FUNCTION, Some(json!({ "child_pugh_score": score }))),
        ])
    };
    let default = Policy::default();
    for related in [Some(false), None] {
        let at = |e, s| truth(fit(), &with(e, related, s), &default);
        assert_eq!(at(1, 6), Truth::True, "{related:?}");
        assert_eq!(at(2, 6), Truth::False, "{related:?}");
        assert_eq!(at(1, 7), Truth::False, "{related:?}");
    }
    let moved = Policy::default()
        .with_settings([
            (Setting::TaceSystemicMaxEcog, 2),
            (Setting::TaceSystemicMaxChildPugh, 7),
        ])
        .expect("valid policy");
    for related in [Some(false), None] {
        let at = |e, s| truth(fit(), &with(e, related, s), &moved);
        assert_eq!(at(2, 7), Truth::True, "{related:?}");
        assert_eq!(at(1, 8), Truth::False, "{related:?}");
    }
    assert_eq!(
        truth(fit(), &with(3, None, 7), &moved),
        Truth::False,
        "ECOG 3"
    );
}

// ---------------------------------------------------------------------------------------------
// The pathway (spec §3): up-to-seven with a fact not known.
// ---------------------------------------------------------------------------------------------

/// Up-to-seven (largest mm + 10 × nodules ≤ the limit) when the count or the growth is not
/// known: the truth is taken over the completions, so a sum exactly at the limit leaves it
/// open (unknown) and one past it decides it (false).
#[test]
fn up_to_seven_at_the_limit_with_a_fact_not_known() {
    let u7 = predicates::up_to_seven;
    let default = Policy::default();
    let at_80 = Policy::default()
        .with_settings([(Setting::UpToSevenLimit, 80)])
        .expect("valid policy");
    // The count not known: one nodule of 60 mm is at 70, two are beyond.
    let count_unknown = |d: u16| single_nodule_with(&[(NODULES, None), (DIAMETER, Some(json!(d)))]);
    assert_eq!(truth(u7(), &count_unknown(60), &default), Truth::Unknown);
    assert_eq!(truth(u7(), &count_unknown(61), &default), Truth::False);
    assert_eq!(truth(u7(), &count_unknown(70), &at_80), Truth::Unknown);
    assert_eq!(truth(u7(), &count_unknown(71), &at_80), Truth::False);
    // The growth not known: three nodules of 40 mm are at 70 if well defined.
    let growth_unknown = |d: u16| {
        single_nodule_with(&[
            (NODULES, Some(json!(3))),
            (DIAMETER, Some(json!(d))),
            (INFILTRATIVE, None),
        ])
    };
    assert_eq!(truth(u7(), &growth_unknown(40), &default), Truth::Unknown);
    assert_eq!(truth(u7(), &growth_unknown(41), &default), Truth::False);
    assert_eq!(truth(u7(), &growth_unknown(50), &at_80), Truth::Unknown);
    assert_eq!(truth(u7(), &growth_unknown(51), &at_80), Truth::False);
}

/// The ablation and TACE-plus-ablation criteria (1 to n nodules, largest at most d mm) when the
/// growth is not known: the count and the size decide them over both growths, on both sides of
/// each limit.
#[test]
fn ablation_criteria_at_their_limits_with_the_growth_not_known() {
    let nodules = |n: u16, d: u16| {
        single_nodule_with(&[
            (NODULES, Some(json!(n))),
            (DIAMETER, Some(json!(d))),
            (INFILTRATIVE, None),
        ])
    };
    let ablation = predicates::ablation_candidate;
    let combination = predicates::combination_size;
    let default = Policy::default();
    // Ablation: up to 3 nodules, up to 30 mm.
    assert_eq!(truth(ablation(), &nodules(3, 30), &default), Truth::True);
    assert_eq!(truth(ablation(), &nodules(3, 31), &default), Truth::False);
    assert_eq!(truth(ablation(), &nodules(4, 30), &default), Truth::False);
    let at_2_25 = Policy::default()
        .with_settings([
            (Setting::AblationMaxNodules, 2),
            (Setting::AblationMaxDiameterMm, 25),
        ])
        .expect("valid policy");
    assert_eq!(truth(ablation(), &nodules(2, 25), &at_2_25), Truth::True);
    assert_eq!(truth(ablation(), &nodules(2, 26), &at_2_25), Truth::False);
    assert_eq!(truth(ablation(), &nodules(3, 25), &at_2_25), Truth::False);
    // TACE plus ablation: up to 3 nodules, up to 50 mm.
    assert_eq!(truth(combination(), &nodules(3, 50), &default), Truth::True);
    assert_eq!(
        truth(combination(), &nodules(3, 51), &default),
        Truth::False
    );
    assert_eq!(
        truth(combination(), &nodules(4, 50), &default),
        Truth::False
    );
}

// ---------------------------------------------------------------------------------------------
// Scores (spec §5): Milan and BCLC 0.
// ---------------------------------------------------------------------------------------------

fn single_nodule(d: u16) -> Case {
    single_nodule_with(&[(DIAMETER, Some(json!(d)))])
}

/// The bundled case of a single small nodule, with edits.
fn single_nodule_with(edits: &[(&str, Option<Value>)]) -> Case {
    case("r5_single_small_nodule", edits)
}

/// Milan: a single nodule up to 50 mm. Beyond it, within up-to-seven (51 + 10 ≤ 70), the
/// transplant consideration becomes the one after downstaging.
#[test]
fn milan_single_nodule_up_to_50_mm() {
    let default = Policy::default();
    let r = rec(&single_nodule(50), &default);
    assert_eq!(r.scores.within_milan, Some(true));
    assert!(has_consideration(&r, "liver_transplant_evaluation"));
    assert!(!has_consideration(&r, "transplant_after_downstaging"));
    let r = rec(&single_nodule(51), &default);
    assert_eq!(r.scores.within_milan, Some(false));
    assert!(!has_consideration(&r, "liver_transplant_evaluation"));
    assert!(has_consideration(&r, "transplant_after_downstaging"));
}

/// BCLC 0: a single nodule up to 20 mm; from 21 mm, stage A.
#[test]
fn bclc_0_single_nodule_up_to_20_mm() {
    let default = Policy::default();
    assert_eq!(
        rec(&single_nodule(20), &default).scores.bclc_stage,
        Some(BclcStage::Zero)
    );
    assert_eq!(
        rec(&single_nodule(21), &default).scores.bclc_stage,
        Some(BclcStage::A)
    );
}

/// Milan and BCLC A with several nodules: 2 or 3 nodules, the largest up to 30 mm; from 31 mm
/// or 4 nodules, beyond Milan and BCLC B.
#[test]
fn several_nodules_up_to_3_and_30_mm() {
    let default = Policy::default();
    let several = |n: u16, d: u16| {
        single_nodule_with(&[(NODULES, Some(json!(n))), (DIAMETER, Some(json!(d)))])
    };
    for (n, d, within) in [
        (2, 30, true),
        (3, 30, true),
        (2, 31, false),
        (3, 31, false),
        (4, 30, false),
        (4, 10, false),
    ] {
        let scores = rec(&several(n, d), &default).scores;
        assert_eq!(scores.within_milan, Some(within), "{n} nodules of {d} mm");
        let stage = if within { BclcStage::A } else { BclcStage::B };
        assert_eq!(scores.bclc_stage, Some(stage), "{n} nodules of {d} mm");
    }
}

/// BCLC D from the end-stage thresholds: ECOG 3 or more, Child–Pugh 10 or more by default.
#[test]
fn bclc_d_from_ecog_3_or_child_pugh_10() {
    let stage = |c: &Case, p: &Policy| rec(c, p).scores.bclc_stage;
    let ecog = |e: u8| small_nodule_with(e, (e == 1 || e == 2).then_some(false));
    let score = |s: u8| {
        case(
            "r5_single_small_nodule",
            &[(LIVER_FUNCTION, Some(json!({ "child_pugh_score": s })))],
        )
    };
    let default = Policy::default();
    assert_eq!(stage(&ecog(3), &default), Some(BclcStage::D));
    assert_ne!(stage(&ecog(2), &default), Some(BclcStage::D));
    assert_eq!(stage(&score(10), &default), Some(BclcStage::D));
    assert_ne!(stage(&score(9), &default), Some(BclcStage::D));
    let moved = Policy::default()
        .with_settings([
            (Setting::TerminalMinEcog, 2),
            (Setting::TerminalMinChildPugh, 9),
        ])
        .expect("valid policy");
    assert_eq!(stage(&ecog(2), &moved), Some(BclcStage::D));
    assert_ne!(stage(&ecog(1), &moved), Some(BclcStage::D));
    assert_eq!(stage(&score(9), &moved), Some(BclcStage::D));
    assert_ne!(stage(&score(8), &moved), Some(BclcStage::D));
}

/// BCLC's "liver function preserved" (Child–Pugh A): up to 6 it is, from 7 it is not, and a
/// range across 6 and 7 leaves it open.
#[test]
fn liver_function_preserved_up_to_child_pugh_6() {
    let default = Policy::default();
    let preserved = |c: &Case| rec(c, &default).scores.bclc_liver_function_preserved;
    assert_eq!(preserved(&child_pugh_score(6)), Some(true));
    assert_eq!(preserved(&child_pugh_score(7)), Some(false));
    let range_5_to_7 = case(
        "r5_single_small_nodule",
        &[("liver_function.encephalopathy", None)],
    );
    assert_eq!(preserved(&range_5_to_7), None);
    assert_eq!(preserved(&child_pugh_range(7)), Some(false));
}

/// A recorded Child–Pugh score must equal the five components when all are given, and lie
/// within the range of those given otherwise (spec §2): a score above the minimum of a partial
/// range is accepted, and the error for a complete set names the score the five give.
#[test]
fn recorded_child_pugh_against_complete_and_partial_components() {
    let default = Policy::default();
    // The bundled components (2 + 2 + 1 + 1 + 1 = 7) with a recorded score; encephalopathy
    // known or not (7 to 9).
    let recorded = |score: u8, encephalopathy: Value| {
        let lf = json!({
            "child_pugh_score": score,
            "bilirubin": { "value": 2.1, "unit": "mg_dl" },
            "albumin": { "value": 3.2, "unit": "g_dl" },
            "inr": 1.3,
            "ascites": "none",
            "encephalopathy": encephalopathy,
        });
        edited(
            "r7_child_pugh_7_multinodular",
            &[(LIVER_FUNCTION, Some(lf))],
        )
    };
    let partial = Case::from_json(&recorded(8, Value::Null)).expect("8 lies within 7 to 9");
    assert_eq!(rec(&partial, &default).scores.child_pugh_score, Some(8));
    let complete = recorded(8, json!("none"));
    let text = Case::from_json(&complete)
        .expect_err("a recorded 8 against five components giving 7 is rejected")
        .to_string();
    assert!(
        text.contains("liver_function.child_pugh_score")
            && text.contains("recorded 8 but the five components give 7"),
        "{text}"
    );
}

/// A Child–Pugh range names its class only when both ends share it (7 to 9 is B; 8 to 10 and
/// 5 to 7 are not one class), and BCLC's note on liver function (spec §5) stands beside stages
/// 0–C from Child–Pugh 7, never at Child–Pugh A nor beside stage D.
#[test]
fn child_pugh_class_of_a_range_and_the_bclc_liver_function_note() {
    let default = Policy::default();
    let scores = |c: &Case| rec(c, &default).scores;

    let b = scores(&child_pugh_range(7));
    assert_eq!(b.child_pugh_range, Some([7, 9]));
    assert_eq!(b.child_pugh_class, Some(ChildPughClass::B));
    let b_or_c = scores(&child_pugh_range(8));
    assert_eq!(b_or_c.child_pugh_range, Some([8, 10]));
    assert_eq!(b_or_c.child_pugh_class, None);
    let a_or_b = scores(&case(
        "r5_single_small_nodule",
        &[("liver_function.encephalopathy", None)],
    ));
    assert_eq!(a_or_b.child_pugh_range, Some([5, 7]));
    assert_eq!(a_or_b.child_pugh_class, None);

    let note = Some(BCLC_LIVER_FUNCTION_NOTE);
    let a = scores(&child_pugh_score(6));
    assert_eq!(a.child_pugh_class, Some(ChildPughClass::A));
    assert!(matches!(a.bclc_stage, Some(s) if s != BclcStage::D));
    assert_eq!(a.bclc_note.as_deref(), None);
    let b = scores(&child_pugh_score(7));
    assert!(matches!(b.bclc_stage, Some(s) if s != BclcStage::D));
    assert_eq!(b.bclc_note.as_deref(), note);
    // Stage D at Child–Pugh C: no note, whether the score is known or a range reaching D.
    let d = scores(&child_pugh_score(10));
    assert_eq!(d.bclc_stage, Some(BclcStage::D));
    assert_eq!(d.bclc_note.as_deref(), None);
    assert_eq!(b_or_c.bclc_liver_function_preserved, Some(false));
    assert_eq!(b_or_c.bclc_note.as_deref(), None);
}

// ---------------------------------------------------------------------------------------------
// Systemic therapy (spec §7): the most recent sorafenib entry counts.
// ---------------------------------------------------------------------------------------------

fn sorafenib_twice(first: Option<bool>, then: Option<bool>) -> Case {
    let entry = |tolerated: Option<bool>| json!({ "regimen": "sorafenib", "tolerated": tolerated });
    case(
        "r3_second_line_after_sorafenib",
        &[(REGIMENS, Some(json!([entry(first), entry(then)])))],
    )
}

/// Regorafenib is left out when the most recent sorafenib was not tolerated, whatever an
/// earlier entry says.
#[test]
fn regorafenib_reads_the_most_recent_sorafenib() {
    let default = Policy::default();
    let r = rec(&sorafenib_twice(Some(false), Some(true)), &default);
    assert_eq!(r.rule.map(|r| r.wire_name()), Some("R3"));
    assert!(!omitted_for(&r, Regimen::Regorafenib)
        .contains(&OmissionReason::RegorafenibSorafenibNotTolerated));
    let r = rec(&sorafenib_twice(Some(true), Some(false)), &default);
    assert!(omitted_for(&r, Regimen::Regorafenib)
        .contains(&OmissionReason::RegorafenibSorafenibNotTolerated));
    let not_tolerated = predicates::sorafenib_not_tolerated;
    assert_eq!(
        truth(
            not_tolerated(),
            &sorafenib_twice(Some(false), Some(true)),
            &default
        ),
        Truth::False
    );
    assert_eq!(
        truth(
            not_tolerated(),
            &sorafenib_twice(Some(true), Some(false)),
            &default
        ),
        Truth::True
    );
}

/// The caution "tolerance of sorafenib not recorded" reads the most recent sorafenib entry.
#[test]
fn sorafenib_tolerance_caution_reads_the_most_recent_entry() {
    let default = Policy::default();
    let r = rec(&sorafenib_twice(Some(true), None), &default);
    assert!(has_caution(&r, "sorafenib_tolerance_unknown"));
    let r = rec(&sorafenib_twice(None, Some(true)), &default);
    assert!(!has_caution(&r, "sorafenib_tolerance_unknown"));
    let unknown = predicates::sorafenib_tolerance_unknown;
    assert_eq!(
        truth(unknown(), &sorafenib_twice(Some(true), None), &default),
        Truth::True
    );
    assert_eq!(
        truth(unknown(), &sorafenib_twice(None, Some(false)), &default),
        Truth::False
    );
}
