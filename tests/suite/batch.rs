//! The batch API gives, element for element, what the one-case functions give.

use hcc_pathways::{classify, classify_all, recommend_all, recommend_with, Case, Policy};

fn cohort() -> Vec<Case> {
    let text = std::fs::read_to_string("examples/cohort/synthetic_cohort.jsonl").expect("cohort");
    text.lines()
        .map(|l| Case::from_json(l).expect("valid cohort case"))
        .collect()
}

fn policies() -> Vec<Policy> {
    let mut out = vec![Policy::default()];
    for p in ["admit_child_pugh_7", "up_to_eleven"] {
        let json = std::fs::read_to_string(format!("examples/policies/{p}.json")).expect("policy");
        out.push(Policy::from_json(&json).expect("valid policy"));
    }
    out
}

/// The cohort with an invalid case in the middle (a diameter recorded with no nodule).
fn cohort_with_an_invalid_case() -> (Vec<Case>, usize) {
    let mut cases = cohort();
    let i = cases
        .iter()
        .position(|c| c.recurrence.intrahepatic.largest_diameter_mm.is_some())
        .expect("a case with a diameter");
    cases[i].recurrence.intrahepatic.nodules =
        Some(hcc_pathways::quantity::NoduleCount::new(0).unwrap());
    cases[i].recurrence.extrahepatic_sites = Some(hcc_pathways::case::SiteSet::of(&[
        hcc_pathways::case::ExtrahepaticSite::Lung,
    ]));
    (cases, i)
}

#[test]
fn classify_all_is_classify_per_case() {
    let (cases, bad) = cohort_with_an_invalid_case();
    for policy in policies() {
        let batch = classify_all(&cases, &policy);
        assert_eq!(batch.len(), cases.len());
        for (i, (case, got)) in cases.iter().zip(&batch).enumerate() {
            assert_eq!(got, &classify(case, &policy), "case {i}");
        }
        let err = batch[bad]
            .as_ref()
            .expect_err("the invalid case is an error");
        assert_eq!(
            err.field(),
            Some("recurrence.intrahepatic.largest_diameter_mm")
        );
        assert_eq!(batch.iter().filter(|r| r.is_err()).count(), 1);
    }
}

#[test]
fn recommend_all_is_recommend_with_per_case() {
    let (cases, bad) = cohort_with_an_invalid_case();
    let cases = &cases[..(bad + 50).min(cases.len())];
    for policy in policies() {
        let batch = recommend_all(cases, &policy);
        assert_eq!(batch.len(), cases.len());
        for (i, (case, got)) in cases.iter().zip(&batch).enumerate() {
            assert_eq!(got, &recommend_with(case, &policy), "case {i}");
        }
        assert!(batch[bad].is_err());
    }
}

#[test]
fn an_invalid_policy_is_every_element_s_error() {
    let cases = &cohort()[..5];
    let bad = Policy {
        systemic_max_ecog: 3,
        ..Policy::default()
    };
    let classified = classify_all(cases, &bad);
    let recommended = recommend_all(cases, &bad);
    assert_eq!((classified.len(), recommended.len()), (5, 5));
    for (case, (c, r)) in cases.iter().zip(classified.iter().zip(&recommended)) {
        assert_eq!(c, &classify(case, &bad));
        let c = c.as_ref().expect_err("invalid policy");
        let r = r.as_ref().expect_err("invalid policy");
        assert_eq!(c.field(), Some("policy.systemic_max_ecog"));
        assert_eq!(c, r);
    }
    assert!(classify_all(&[], &bad).is_empty());
    assert!(recommend_all(&[], &Policy::default()).is_empty());
}
