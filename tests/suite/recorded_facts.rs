//! The facts a predicate records in its trace, which the explanation of a recommendation lists
//! beside the predicate's value: each fact it read, and each fact it needed and did not have,
//! and no other. Found by mutation testing (CONTRIBUTING.md, "Mutation testing").

use hcc_pathways::engine::{Predicate, Trace, Value};
use hcc_pathways::predicates;
use hcc_pathways::{Assessment, Case, Policy};
use serde_json::{json, Value as Json};

use crate::boundaries::case;

const ECOG: &str = "performance_status.ecog";
const CANCER_RELATED: &str = "performance_status.cancer_related";

/// The names of the facts `p` recorded as not known, in the order recorded, once each.
fn missing(p: Predicate<Assessment>, case: &Case) -> Vec<String> {
    let policy = Policy::default();
    let a = Assessment::new(case, &policy).expect("valid case and policy");
    let mut t = Trace::recording();
    p.evaluate(&a, &mut t);
    let mut names: Vec<String> = Vec::new();
    for f in t.facts() {
        if f.value == Value::Missing && !names.iter().any(|n| *n == f.name) {
            names.push(f.name.to_string());
        }
    }
    names
}

/// The single small nodule case with this performance status, its encephalopathy not known
/// (Child–Pugh 5 to 7) when `child_pugh_known` is false.
fn with_performance(
    ecog: Option<u8>,
    cancer_related: Option<bool>,
    child_pugh_known: bool,
) -> Case {
    let mut edits: Vec<(&str, Option<Json>)> = vec![(
        "performance_status",
        Some(json!({ "ecog": ecog, "cancer_related": cancer_related })),
    )];
    if !child_pugh_known {
        edits.push(("liver_function.encephalopathy", None));
    }
    case("r5_single_small_nodule", &edits)
}

/// Transplant evaluation reads performance status: with ECOG not known it records ECOG and,
/// when that is not known either, cancer-relatedness.
#[test]
fn performance_status_not_known_is_recorded() {
    let tp = predicates::transplant_performance;
    assert_eq!(
        missing(tp(), &with_performance(None, None, true)),
        [ECOG, CANCER_RELATED]
    );
    assert_eq!(
        missing(tp(), &with_performance(None, Some(false), true)),
        [ECOG]
    );
}

/// The TACE-with-systemic-therapy fitness goes over the completions of performance status
/// and the Child–Pugh score: cancer-relatedness is recorded as not known at ECOG 1 and 2,
/// where it is asked for (whether the score is known or not), and not at ECOG 0 or 3.
#[test]
fn cancer_relatedness_is_recorded_only_where_it_is_asked_for() {
    let fit = predicates::tace_systemic_fitness;
    for child_pugh_known in [true, false] {
        for ecog in [1, 2] {
            let names = missing(fit(), &with_performance(Some(ecog), None, child_pugh_known));
            let at = format!("ECOG {ecog}, Child-Pugh known {child_pugh_known}: {names:?}");
            assert!(names.iter().any(|n| n == CANCER_RELATED), "{at}");
            assert!(!names.iter().any(|n| n == ECOG), "{at}");
        }
        for ecog in [0, 3] {
            let names = missing(fit(), &with_performance(Some(ecog), None, child_pugh_known));
            let at = format!("ECOG {ecog}, Child-Pugh known {child_pugh_known}: {names:?}");
            assert!(!names.iter().any(|n| n == CANCER_RELATED), "{at}");
            assert_eq!(
                names.iter().any(|n| n.starts_with("liver_function.")),
                !child_pugh_known,
                "{at}"
            );
        }
    }
}

/// With a liver-function component not known, a Child–Pugh comparison records the component
/// as not known and the score as the range the other components allow.
#[test]
fn child_pugh_not_known_is_recorded_as_a_range() {
    let case = with_performance(Some(0), None, false);
    let rl = predicates::resection_liver_function;
    assert_eq!(missing(rl(), &case), ["liver_function.encephalopathy"]);
    let policy = Policy::default();
    let a = Assessment::new(&case, &policy).expect("valid case and policy");
    let mut t = Trace::recording();
    rl().evaluate(&a, &mut t);
    assert!(
        t.facts()
            .iter()
            .any(|f| f.name == "child_pugh_score" && f.value == Value::Range { min: 5, max: 7 }),
        "{:?}",
        t.facts()
    );
}

/// With the count or the growth not known, the intrahepatic predicates record the largest
/// diameter as not known when it is not recorded and may matter, and not when it is recorded
/// or there is no nodule.
#[test]
fn diameter_not_known_is_recorded_where_it_matters() {
    const NODULES: &str = "recurrence.intrahepatic.nodules";
    const DIAMETER: &str = "recurrence.intrahepatic.largest_diameter_mm";
    const INFILTRATIVE: &str = "recurrence.intrahepatic.infiltrative";
    let pei = predicates::pei_size;
    let small = |edits: &[(&str, Option<Json>)]| case("r5_single_small_nodule", edits);
    // Count and diameter not known.
    let neither = small(&[(NODULES, None), (DIAMETER, None)]);
    assert_eq!(missing(pei(), &neither), [NODULES, DIAMETER]);
    // Count not known, diameter recorded.
    let count_unknown = small(&[(NODULES, None)]);
    assert_eq!(missing(pei(), &count_unknown), [NODULES]);
    // Growth not known, diameter recorded.
    let growth_unknown = small(&[(INFILTRATIVE, None)]);
    assert_eq!(missing(pei(), &growth_unknown), [INFILTRATIVE]);
    // No nodule (vascular invasion), growth not known: the diameter does not matter.
    let none = case(
        "r4_portal_vein_child_pugh_8",
        &[
            (NODULES, Some(json!(0))),
            (DIAMETER, None),
            (INFILTRATIVE, None),
        ],
    );
    assert_eq!(missing(pei(), &none), [INFILTRATIVE]);
}

/// Transplant evaluation at ECOG 1 or 2 records the cancer-relatedness it read; at ECOG 3 it
/// records that it was not asked for (no value).
#[test]
fn performance_records_the_cancer_relatedness_it_read() {
    let tp = predicates::transplant_performance;
    let policy = Policy::default();
    let facts = |ecog: u8, related: Option<bool>| {
        let case = with_performance(Some(ecog), related, true);
        let a = Assessment::new(&case, &policy).expect("valid case and policy");
        let mut t = Trace::recording();
        tp().evaluate(&a, &mut t);
        t.facts()
            .iter()
            .filter(|f| f.name == "cancer_related")
            .map(|f| f.value.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(facts(1, Some(false)), [Value::Bool(false)]);
    assert_eq!(facts(2, Some(true)), [Value::Bool(true)]);
    assert_eq!(facts(3, None), [Value::Missing]);
}

/// Milan not decided: it records the facts not known that it reads (the intrahepatic facts,
/// vascular invasion, extrahepatic spread) and not the others.
#[test]
fn milan_records_the_facts_not_known_it_reads() {
    let milan = predicates::within_milan;
    let open = case(
        "r5_single_small_nodule",
        &[
            ("recurrence.intrahepatic.infiltrative", None),
            ("recurrence.macrovascular_invasion", None),
            ("recurrence.extrahepatic_sites", None),
            ("recurrence.afp_ng_ml", None),
            ("liver_function.encephalopathy", None),
        ],
    );
    let mut names = missing(milan(), &open);
    names.sort();
    assert_eq!(
        names,
        [
            "recurrence.extrahepatic_sites",
            "recurrence.intrahepatic.infiltrative",
            "recurrence.macrovascular_invasion",
        ]
    );
    // Decided (one nodule of 18 mm, growth known), it records no fact as not known.
    let decided = case("r5_single_small_nodule", &[("recurrence.afp_ng_ml", None)]);
    assert!(missing(milan(), &decided).is_empty());
}
