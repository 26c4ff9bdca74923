//! The batch API gives, element for element, what the one-case functions give.

use hcc_pathways::{
    classify, classify_all, recommend_all, recommend_with, Case, Error, Pathway, Policy,
};

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

/// The cohort with an undecided case in the middle: a repeat-intervention case whose vascular
/// invasion is not known (with it, the case is advanced).
fn cohort_with_an_undecided_case() -> (Vec<Case>, usize) {
    let mut cases = cohort();
    let i = cases
        .iter()
        .position(|c| matches!(classify(c, &Policy::default()), Ok(c) if c.pathway == Pathway::RepeatIntervention))
        .expect("a repeat-intervention case");
    cases[i] = cases[i]
        .to_builder()
        .unknown("recurrence.macrovascular_invasion")
        .build()
        .expect("valid");
    (cases, i)
}

#[test]
fn classify_all_is_classify_per_case() {
    let (cases, bad) = cohort_with_an_undecided_case();
    for policy in policies() {
        let batch = classify_all(&cases, &policy);
        assert_eq!(batch.len(), cases.len());
        for (i, (case, got)) in cases.iter().zip(&batch).enumerate() {
            assert_eq!(got, &classify(case, &policy), "case {i}");
        }
        let err = batch[bad]
            .as_ref()
            .expect_err("the undecided case is an error");
        assert!(matches!(err, Error::Undecided { .. }), "{err}");
        assert_eq!(batch.iter().filter(|r| r.is_err()).count(), 1);
    }
}

#[test]
fn recommend_all_is_recommend_with_per_case() {
    let (cases, bad) = cohort_with_an_undecided_case();
    let cases = &cases[..(bad + 50).min(cases.len())];
    for policy in policies() {
        let batch = recommend_all(cases, &policy);
        assert_eq!(batch.len(), cases.len());
        for (i, (case, got)) in cases.iter().zip(&batch).enumerate() {
            assert_eq!(got, &recommend_with(case, &policy), "case {i}");
        }
        assert!(matches!(batch[bad], Err(Error::Undecided { .. })));
    }
}

#[test]
fn empty_batches_are_empty() {
    assert!(classify_all(&[], &Policy::default()).is_empty());
    assert!(recommend_all(&[], &Policy::default()).is_empty());
}
