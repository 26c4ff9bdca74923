//! One behaviour test per pathway rule, and each threshold of spec §3 on both sides, through
//! the public API (JSON in, recommendation out).

use hcc_pathways::policy::Setting;
use hcc_pathways::{classify, recommend, recommend_with, Case, Pathway, Policy};
use serde_json::{json, Value};

/// A fit patient with a single 18 mm nodule after TACE: R5 under the default policy.
fn base() -> Value {
    json!({
        "performance_status": {"ecog": 0},
        "liver_function": {"child_pugh_score": 5},
        "goals_of_care": "active_treatment",
        "recurrence": {
            "intrahepatic": {"nodules": 1, "largest_diameter_mm": 18, "infiltrative": false,
                             "unsafe_ablation_location": false},
            "macrovascular_invasion": "none",
            "extrahepatic_sites": [],
            "afp_ng_ml": 12.5
        },
        "history": {"procedures": ["tace"], "tace_insufficient_responses": 0,
            "tace_intrahepatic_progressions": 0, "afp_rising_after_tace": false,
            "months_since_last_procedure": 14, "systemic_regimens": []},
        "drug_safety": {"liver_transplant_recipient": false, "autoimmune_disease": "none",
            "varices": "none_or_treated", "hbsag_positive": false}
    })
}

/// `base()` with the given JSON pointers replaced.
fn with(changes: &[(&str, Value)]) -> Case {
    let mut v = base();
    for (ptr, new) in changes {
        *v.pointer_mut(ptr)
            .unwrap_or_else(|| panic!("no field {ptr}")) = new.clone();
    }
    Case::from_json(&v.to_string()).unwrap_or_else(|e| panic!("invalid test case: {e}"))
}

fn rule_of(case: &Case) -> (Pathway, &'static str) {
    let c = classify(case, &Policy::default()).expect("valid case");
    (c.pathway, c.rule.unwrap().wire_name())
}

const ECOG: &str = "/performance_status";
const CP: &str = "/liver_function/child_pugh_score";
const NODULES: &str = "/recurrence/intrahepatic/nodules";
const DIAMETER: &str = "/recurrence/intrahepatic/largest_diameter_mm";

fn ecog(e: u8, cancer_related: bool) -> (&'static str, Value) {
    (ECOG, json!({"ecog": e, "cancer_related": cancer_related}))
}

#[test]
fn r1_comfort_focused_is_palliative_whatever_else() {
    let case = with(&[("/goals_of_care", json!("comfort_focused"))]);
    assert_eq!(rule_of(&case), (Pathway::PalliativeCare, "R1"));
    // Even when terminal as well: R1, not R2 (the conditions are exclusive).
    let case = with(&[
        ("/goals_of_care", json!("comfort_focused")),
        (CP, json!(12)),
    ]);
    assert_eq!(rule_of(&case), (Pathway::PalliativeCare, "R1"));
}

#[test]
fn r2_terminal_by_ecog_or_child_pugh() {
    assert_eq!(
        rule_of(&with(&[ecog(3, true)])),
        (Pathway::PalliativeCare, "R2")
    );
    assert_eq!(
        rule_of(&with(&[(CP, json!(10))])),
        (Pathway::PalliativeCare, "R2")
    );
}

#[test]
fn r3_advanced_and_fit_gets_systemic_therapy() {
    let case = with(&[("/recurrence/extrahepatic_sites", json!(["lung"]))]);
    let rec = recommend(&case).unwrap();
    assert_eq!(
        (rec.pathway, rec.rule.unwrap().wire_name()),
        (Pathway::SystemicTherapy, "R3")
    );
    assert!(rec.reason.contains("not palliative care alone"));
    let case = with(&[(
        "/recurrence/macrovascular_invasion",
        json!("portal_vein_branch"),
    )]);
    assert_eq!(rule_of(&case), (Pathway::SystemicTherapy, "R3"));
}

#[test]
fn r4_advanced_and_unfit_gets_palliative_care() {
    let case = with(&[
        ("/recurrence/extrahepatic_sites", json!(["bone"])),
        (CP, json!(7)),
    ]);
    assert_eq!(rule_of(&case), (Pathway::PalliativeCare, "R4"));
}

#[test]
fn r5_limited_and_fit_gets_repeat_intervention() {
    assert_eq!(rule_of(&with(&[])), (Pathway::RepeatIntervention, "R5"));
}

#[test]
fn r6_not_locally_treatable_and_fit_gets_systemic() {
    let case = with(&[(NODULES, json!(5)), (DIAMETER, json!(40))]);
    assert_eq!(rule_of(&case), (Pathway::SystemicTherapy, "R6"));
}

#[test]
fn r7_neither_feasible_gets_palliative_care() {
    let case = with(&[(NODULES, json!(5)), (DIAMETER, json!(40)), (CP, json!(7))]);
    assert_eq!(rule_of(&case), (Pathway::PalliativeCare, "R7"));
}

#[test]
fn terminal_ecog_threshold_both_sides() {
    assert_eq!(
        rule_of(&with(&[
            ecog(2, false),
            (NODULES, json!(5)),
            (DIAMETER, json!(40))
        ]))
        .1,
        "R6"
    );
    assert_eq!(rule_of(&with(&[ecog(3, false)])).1, "R2");
}

#[test]
fn terminal_child_pugh_threshold_both_sides() {
    // 9 is class B: not terminal, not fit for intervention (> 7) nor systemic (> 6).
    assert_eq!(rule_of(&with(&[(CP, json!(9))])).1, "R7");
    assert_eq!(rule_of(&with(&[(CP, json!(10))])).1, "R2");
}

#[test]
fn up_to_seven_threshold_both_sides() {
    // 3 nodules: 40 + 30 = 70 is within; 41 + 30 = 71 is beyond.
    let within = with(&[(NODULES, json!(3)), (DIAMETER, json!(40))]);
    assert_eq!(rule_of(&within).1, "R5");
    let beyond = with(&[(NODULES, json!(3)), (DIAMETER, json!(41))]);
    assert_eq!(rule_of(&beyond).1, "R6");
}

#[test]
fn single_nodule_is_limited_at_any_size() {
    assert_eq!(rule_of(&with(&[(DIAMETER, json!(120))])).1, "R5");
}

#[test]
fn infiltrative_growth_is_never_limited() {
    let case = with(&[
        (DIAMETER, json!(null)),
        ("/recurrence/intrahepatic/infiltrative", json!(true)),
    ]);
    assert_eq!(rule_of(&case).1, "R6");
}

#[test]
fn refractoriness_thresholds_both_sides() {
    // Two nodules, 40 mm: within up-to-seven, but not an ablation candidate (> 30 mm).
    let lim = [(NODULES, json!(2)), (DIAMETER, json!(40))];
    let with_counter = |field: &str, n: u8| {
        let mut c = lim.to_vec();
        c.push((field, json!(n)));
        rule_of(&with(&c)).1
    };
    assert_eq!(
        with_counter("/history/tace_insufficient_responses", 1),
        "R5"
    );
    assert_eq!(
        with_counter("/history/tace_insufficient_responses", 2),
        "R6"
    );
    assert_eq!(
        with_counter("/history/tace_intrahepatic_progressions", 1),
        "R5"
    );
    assert_eq!(
        with_counter("/history/tace_intrahepatic_progressions", 2),
        "R6"
    );
    let mut afp = lim.to_vec();
    afp.push(("/history/afp_rising_after_tace", json!(true)));
    assert_eq!(rule_of(&with(&afp)).1, "R6");
    // The policy can switch the AFP criterion off.
    let off = Policy::default()
        .with(Setting::RefractoryOnAfpRise, 0)
        .unwrap();
    assert_eq!(classify(&with(&afp), &off).unwrap().rule.unwrap(), "R5");
}

#[test]
fn refractory_ablation_candidate_stays_in_repeat_intervention() {
    let mut c = vec![(NODULES, json!(3)), (DIAMETER, json!(30))];
    c.push(("/history/tace_insufficient_responses", json!(2)));
    assert_eq!(rule_of(&with(&c)).1, "R5");
    // One more millimetre and it is no ablation candidate: refractoriness rules TACE out.
    c[1] = (DIAMETER, json!(31));
    assert_eq!(rule_of(&with(&c)).1, "R6");
    // Four nodules of 20 mm: within up-to-seven (60) but above the ablation count.
    let c = [
        (NODULES, json!(4)),
        (DIAMETER, json!(20)),
        ("/history/tace_insufficient_responses", json!(2)),
    ];
    assert_eq!(rule_of(&with(&c)).1, "R6");
}

#[test]
fn intervention_fitness_thresholds_both_sides() {
    // Child–Pugh 7 is fit for intervention; 8 is not (and not fit for systemic: R7).
    assert_eq!(rule_of(&with(&[(CP, json!(7))])).1, "R5");
    assert_eq!(rule_of(&with(&[(CP, json!(8))])).1, "R7");
    // ECOG 1–2 not cancer-related (comorbidity) is fit (BCLC 2022, spec v2); cancer-related is
    // not (BCLC C): systemic therapy.
    assert_eq!(rule_of(&with(&[ecog(1, false)])).1, "R5");
    assert_eq!(rule_of(&with(&[ecog(2, false)])).1, "R5");
    assert_eq!(rule_of(&with(&[ecog(1, true)])).1, "R6");
    assert_eq!(rule_of(&with(&[ecog(2, true)])).1, "R6");
    // The ECOG limit is a policy setting, tested on both sides.
    let strict = Policy::default()
        .with(Setting::InterventionMaxEcog, 1)
        .unwrap();
    let rule = |changes: &[(&'static str, Value)], p: &Policy| {
        classify(&with(changes), p).unwrap().rule.unwrap()
    };
    assert_eq!(rule(&[ecog(1, false)], &strict), "R5");
    assert_eq!(rule(&[ecog(2, false)], &strict), "R6");
    let none = Policy::default()
        .with(Setting::InterventionMaxEcog, 0)
        .unwrap();
    assert_eq!(rule(&[ecog(1, false)], &none), "R6");
}

#[test]
fn systemic_fitness_thresholds_both_sides() {
    let beyond = [(NODULES, json!(5)), (DIAMETER, json!(40))];
    let run = |extra: &[(&'static str, Value)], policy: &Policy| {
        let mut c = beyond.to_vec();
        c.extend_from_slice(extra);
        classify(&with(&c), policy).unwrap().rule.unwrap()
    };
    let d = Policy::default();
    assert_eq!(run(&[(CP, json!(6))], &d), "R6");
    assert_eq!(run(&[(CP, json!(7))], &d), "R7");
    assert_eq!(run(&[ecog(2, true)], &d), "R6");
    let b7 = Policy::default()
        .with(Setting::SystemicMaxChildPugh, 7)
        .unwrap();
    assert_eq!(run(&[(CP, json!(7))], &b7), "R6");
    assert_eq!(run(&[(CP, json!(8))], &b7), "R7");
}

#[test]
fn later_line_fitness_is_stricter() {
    let two = json!([{"regimen": "atezolizumab_bevacizumab", "tolerated": true},
                     {"regimen": "lenvatinib", "tolerated": true}]);
    let base = [
        ("/recurrence/extrahepatic_sites", json!(["lung"])),
        ("/history/systemic_regimens", two),
    ];
    let run = |extra: (&'static str, Value)| {
        let mut c = base.to_vec();
        c.push(extra);
        rule_of(&with(&c)).1
    };
    assert_eq!(run(ecog(1, true)), "R3");
    assert_eq!(run(ecog(2, true)), "R4");
}

#[test]
fn policy_changes_a_threshold() {
    // Up-to-eleven style limit admits 5 × 40 mm (90) as limited.
    let case = with(&[(NODULES, json!(5)), (DIAMETER, json!(40))]);
    let p = Policy::default()
        .with(Setting::UpToSevenLimit, 110)
        .unwrap();
    assert_eq!(recommend_with(&case, &p).unwrap().rule.unwrap(), "R5");
}

#[test]
fn invalid_policy_is_rejected_with_its_field() {
    // 7 is the most the setting accepts; 8 cannot make a policy.
    let p = Policy::default()
        .with(Setting::SystemicMaxChildPugh, 7)
        .unwrap();
    assert_eq!(p.systemic_max_child_pugh(), 7);
    let err = p.with(Setting::SystemicMaxChildPugh, 8).unwrap_err();
    assert_eq!(err.field(), Some("systemic_max_child_pugh"));
}

#[test]
fn recommendation_explains_itself() {
    let case = with(&[(NODULES, json!(5)), (DIAMETER, json!(40))]);
    let rec = recommend(&case).unwrap();
    let explanation = rec.explanation.document();
    let up7 = explanation
        .predicates
        .iter()
        .find(|p| p.predicate == "up_to_seven")
        .expect("up_to_seven is reported");
    assert!(up7.value.is_false());
    assert_eq!(
        up7.facts[0].to_string(),
        "up_to_seven_sum = 90 > up_to_seven_limit = 70"
    );
    let keys: Vec<&str> = up7.sources.iter().map(|s| s.key()).collect();
    assert_eq!(keys, ["UP-TO-7"]);
    // Why not repeat intervention: R5 needed locally_treatable.
    let why: Vec<_> = explanation
        .why_not
        .iter()
        .filter(|w| w.pathway == Pathway::RepeatIntervention)
        .collect();
    assert_eq!(why.len(), 1);
    assert_eq!(why[0].rule, "R5");
    assert_eq!(why[0].predicate, "locally_treatable");
    assert!(explanation.why_not.iter().all(|w| w.pathway != rec.pathway));
    assert_eq!(rec.rule_set.id, "hcc-recurrence-pathways");
    assert!(rec.mdt_statement.contains("multidisciplinary tumour board"));
    assert!(rec.sources.iter().any(|s| s.key() == "BCLC-2022"));
    assert!(rec.references.iter().any(|s| s.key() == "UP-TO-7"));
}

#[test]
fn recommend_and_classify_agree_on_bundled_cases() {
    for entry in std::fs::read_dir("examples/cases").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue; // `unknown/`: cases with facts not known (tests/suite/unknown.rs)
        }
        let case = Case::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let rec = recommend(&case).unwrap();
        let c = classify(&case, &Policy::default()).unwrap();
        assert_eq!((rec.pathway, rec.rule), (c.pathway, c.rule), "{path:?}");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let expected_rule = name.split('_').next().unwrap().to_uppercase();
        assert_eq!(
            c.rule.unwrap().wire_name(),
            expected_rule,
            "{name} is named for its rule"
        );
    }
}

/// Two assessments are equal exactly when their cases and policies are; the `Debug` form
/// shows the case, the policy, the scores and the decisions.
#[test]
fn assessments_compare_by_case_and_policy() {
    use hcc_pathways::Assessment;
    let read = |name: &str| {
        let text = std::fs::read_to_string(format!("examples/cases/{name}.json")).expect("case");
        Case::from_json(&text).expect("valid")
    };
    let (one, other) = (read("r5_single_small_nodule"), read("r1_comfort_focused"));
    let default = Policy::default();
    let moved = Policy::default()
        .with(Setting::UpToSevenLimit, 80)
        .expect("valid policy");
    let a = Assessment::new(&one, &default).expect("valid");
    assert_eq!(a, Assessment::new(&one, &default).expect("valid"));
    assert_ne!(a, Assessment::new(&other, &default).expect("valid"));
    assert_ne!(a, Assessment::new(&one, &moved).expect("valid"));
    assert_ne!(
        a,
        Assessment::new(&other, &moved).expect("valid"),
        "neither the case nor the policy is the same"
    );
    let debug = format!("{a:?}");
    for part in [
        "Assessment",
        "case",
        "policy",
        "scores",
        "decisions",
        "up_to_seven_sum",
    ] {
        assert!(debug.contains(part), "{part} missing from {debug}");
    }
}

/// The policy digest follows its documented algorithm: 64-bit FNV-1a over every setting name
/// followed by `;`, then every value as four little-endian bytes, in declaration order.
#[test]
fn policy_digest_is_the_documented_fnv_1a() {
    fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }
    let digest = |p: &Policy| {
        let mut h = 0xcbf2_9ce4_8422_2325;
        for s in Setting::ALL {
            h = fnv(h, s.to_string().as_bytes());
            h = fnv(h, b";");
        }
        for s in Setting::ALL {
            h = fnv(h, &p.get(*s).to_le_bytes());
        }
        h
    };
    for p in [
        Policy::default(),
        Policy::default()
            .with(Setting::UpToSevenLimit, 110)
            .expect("valid"),
        Policy::default()
            .with(Setting::RefractoryOnAfpRise, 0)
            .expect("valid"),
    ] {
        assert_eq!(p.digest(), digest(&p));
    }
}
