//! JSON round trips of the contract's three documents: value → JSON → value gives the same value,
//! and JSON → value → JSON gives the same text.

use hcc_pathways::{recommend, recommend_with, Case, Policy, Recommendation};
use proptest::prelude::*;
use serde_json::Value;

use crate::json_support::example_cases;

fn policy_json(p: &Policy) -> String {
    serde_json::to_string_pretty(p).unwrap()
}

#[test]
fn example_cases_round_trip() {
    for (name, text) in example_cases() {
        let case = Case::from_json(&text).unwrap();
        let again = case.to_json();
        // Same document (the files may be formatted by hand) ...
        let original: Value = serde_json::from_str(&text).unwrap();
        let written: Value = serde_json::from_str(&again).unwrap();
        assert_eq!(original, written, "{name}");
        // ... and the same value.
        assert_eq!(Case::from_json(&again).unwrap(), case, "{name}");

        let rec = recommend(&case).unwrap();
        let rec_json = rec.to_json_explained();
        let parsed: Recommendation = serde_json::from_str(&rec_json).unwrap();
        assert_eq!(parsed, rec, "{name}");
        assert_eq!(parsed.to_json_explained(), rec_json, "{name}");
        // The lean document reads back as the recommendation without its explanation.
        let lean: Recommendation = serde_json::from_str(&rec.to_json()).unwrap();
        assert_eq!(lean, rec.without_explanation(), "{name}");
        assert!(lean.explanation.is_omitted(), "{name}");
        assert_eq!(lean.to_json(), rec.to_json(), "{name}");
    }
}

#[test]
fn floats_round_trip_exactly() {
    // Found by `case_round_trips`: serde_json's default float parser may be off by one unit in
    // the last place; the `float_roundtrip` feature makes parsing exact.
    let x = 4_138_990.025_377_748_5_f64;
    let text = serde_json::to_string(&x).unwrap();
    assert_eq!(
        serde_json::from_str::<f64>(&text).unwrap().to_bits(),
        x.to_bits()
    );
}

#[test]
fn partial_policy_round_trips_to_the_full_policy() {
    let p = Policy::from_json(r#"{"systemic_max_child_pugh": 7}"#).unwrap();
    let full = policy_json(&p);
    assert_eq!(Policy::from_json(&full).unwrap(), p);
    assert_eq!(policy_json(&Policy::from_json(&full).unwrap()), full);
}

#[cfg(feature = "proptest")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn case_round_trips(case in hcc_pathways::strategies::case_with_unknowns(&Policy::default())) {
        let json = case.to_json();
        let parsed = Case::from_json(&json).unwrap();
        prop_assert_eq!(parsed, case);
        prop_assert_eq!(parsed.to_json(), json);
    }

    #[test]
    fn policy_round_trips(policy in hcc_pathways::strategies::policy()) {
        let json = policy_json(&policy);
        let parsed = Policy::from_json(&json).unwrap();
        prop_assert_eq!(parsed, policy);
        prop_assert_eq!(policy_json(&parsed), json);
    }
}

#[cfg(feature = "proptest")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn recommendation_round_trips((policy, case) in hcc_pathways::strategies::policy_and_case()) {
        let rec = recommend_with(&case, &policy).unwrap();
        let json = rec.to_json_explained();
        let parsed: Recommendation = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&parsed, &rec);
        prop_assert_eq!(parsed.to_json_explained(), json);
        let lean: Recommendation = serde_json::from_str(&rec.to_json()).unwrap();
        prop_assert_eq!(lean, rec.without_explanation());
    }
}

/// Issue 12: the lean JSON of every bundled case's recommendation fits in 8 KB (compact), and
/// the explanation it leaves out is what makes the rest of the size.
#[test]
fn lean_recommendations_fit_the_size_budget() {
    let mut largest = (0, String::new());
    for (name, text) in example_cases() {
        let rec = recommend(&Case::from_json(&text).unwrap()).unwrap();
        let lean = rec.to_json().len();
        assert!(lean < rec.to_json_explained().len(), "{name}");
        if lean > largest.0 {
            largest = (lean, name);
        }
    }
    assert!(
        largest.0 <= 8 * 1024,
        "{} is {} bytes",
        largest.1,
        largest.0
    );
}
