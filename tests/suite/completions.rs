//! The predicates over the intrahepatic facts (count, largest diameter, growth) are exact when
//! some of those facts are not known (spec §8): true when every valid completion of the case
//! makes them true, false when every one makes them false, unknown otherwise. The completions
//! are enumerated here by brute force (every count up to 16, every diameter up to 130 mm and a
//! few beyond, both growths, kept when the completed case is valid and complete) and compared with the
//! representatives the library takes. Found by mutation testing (CONTRIBUTING.md, "Mutation
//! testing"): the library's choice of representatives and of the counts a case allows.

use hcc_pathways::case::Intrahepatic;
use hcc_pathways::engine::{Predicate, Truth};
use hcc_pathways::policy::Setting;
use hcc_pathways::predicates;
use hcc_pathways::quantity::{DiameterMm, NoduleCount};
use hcc_pathways::{Assessment, Case, Policy};
use serde_json::{json, Value};

use crate::boundaries::case;

const NODULES: &str = "recurrence.intrahepatic.nodules";
const DIAMETER: &str = "recurrence.intrahepatic.largest_diameter_mm";
const INFILTRATIVE: &str = "recurrence.intrahepatic.infiltrative";
const INVASION: &str = "recurrence.macrovascular_invasion";

type Named = (&'static str, fn() -> Predicate<Assessment>);

const PREDICATES: [Named; 6] = [
    ("single_nodule", predicates::single_nodule),
    ("up_to_seven", predicates::up_to_seven),
    ("ablation_candidate", predicates::ablation_candidate),
    ("combination_size", predicates::combination_size),
    ("pei_size", predicates::pei_size),
    ("large_single_nodule", predicates::large_single_nodule),
];

/// Every valid completion of the intrahepatic facts not known.
fn completions(partial: &Case) -> Vec<Case> {
    let ih = partial.recurrence().intrahepatic;
    let counts: Vec<u16> = match ih.nodules {
        Some(n) => vec![n.get()],
        None => (0..=16).collect(),
    };
    let diameters: Vec<Option<u16>> = match ih.largest_diameter_mm {
        Some(d) => vec![Some(d.get())],
        None => std::iter::once(None)
            .chain((1..=130).chain([150, 200, 300]).map(Some))
            .collect(),
    };
    let growths: Vec<bool> = match ih.infiltrative {
        Some(g) => vec![g],
        None => vec![false, true],
    };
    let mut out = Vec::new();
    for &n in &counts {
        for &d in &diameters {
            for &g in &growths {
                let completed = Intrahepatic {
                    nodules: Some(NoduleCount::new(n.into()).unwrap()),
                    largest_diameter_mm: d.map(|d| DiameterMm::new(d.into()).unwrap()),
                    infiltrative: Some(g),
                    ..ih
                };
                // Kept when valid (the builder checks as `Case::from_json` does).
                let Ok(c) = partial.to_builder().intrahepatic(completed).build() else {
                    continue;
                };
                // A diameter not recorded is a fact not known unless the growth is
                // infiltrative (or there is no nodule): not a completion.
                let complete = !c
                    .unknown_facts()
                    .any(|f| f.starts_with("recurrence.intrahepatic."));
                if complete {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The truth every completion agrees on, or unknown.
fn over(truths: impl IntoIterator<Item = bool>) -> Truth {
    let (mut yes, mut no) = (false, false);
    for t in truths {
        if t {
            yes = true;
        } else {
            no = true;
        }
    }
    match (yes, no) {
        (true, false) => Truth::True,
        (false, true) => Truth::False,
        _ => Truth::Unknown,
    }
}

fn check(partial: &Case, policy: &Policy, label: &str) {
    let all = completions(partial);
    assert!(!all.is_empty(), "{label}: no valid completion");
    let assessments: Vec<Assessment> = all
        .iter()
        .map(|c| Assessment::new(c, policy).expect("valid completion"))
        .collect();
    let a = Assessment::new(partial, policy).expect("valid case and policy");
    for (name, p) in PREDICATES {
        let expected = over(assessments.iter().map(|c| match p().truth(c) {
            Truth::True => true,
            Truth::False => false,
            Truth::Unknown => panic!("{label}: {name} unknown on a completion"),
        }));
        assert_eq!(p().truth(&a), expected, "{label}: {name}");
    }
}

/// The partial cases: the intrahepatic facts not known in each combination, the known ones at
/// values on both sides of the default thresholds, with and without a recurrence that allows
/// no nodule (vascular invasion present or not known).
fn partial_cases() -> Vec<(String, Case)> {
    let mut out = Vec::new();
    let known_counts = [1u16, 2, 3, 4];
    let known_diameters = [15u16, 20, 21, 30, 31, 40, 50, 51, 60, 99, 100];
    for invasion in [json!("none"), json!("main_portal_vein"), Value::Null] {
        let base = |edits: &[(&str, Option<Value>)]| {
            let mut all: Vec<(&str, Option<Value>)> =
                vec![(INVASION, (!invasion.is_null()).then(|| invasion.clone()))];
            all.extend(edits.iter().cloned());
            case("r5_single_small_nodule", &all)
        };
        let at = |what: String| format!("invasion {invasion}, {what}");
        // The count not known.
        for d in known_diameters {
            for g in [Some(false), None] {
                out.push((
                    at(format!("count not known, {d} mm, infiltrative {g:?}")),
                    base(&[
                        (NODULES, None),
                        (DIAMETER, Some(json!(d))),
                        (INFILTRATIVE, g.map(Value::from)),
                    ]),
                ));
            }
        }
        // The count and the diameter not known.
        for g in [Some(false), None] {
            out.push((
                at(format!("count and diameter not known, infiltrative {g:?}")),
                base(&[
                    (NODULES, None),
                    (DIAMETER, None),
                    (INFILTRATIVE, g.map(Value::from)),
                ]),
            ));
        }
        // No nodule (a recurrence by vascular invasion, when present or not known), the growth
        // not known.
        if invasion != json!("none") {
            out.push((
                at("no nodule, growth not known".to_owned()),
                base(&[
                    (NODULES, Some(json!(0))),
                    (DIAMETER, None),
                    (INFILTRATIVE, None),
                ]),
            ));
        }
        // The diameter not known, the count known.
        for n in known_counts {
            for g in [Some(false), None] {
                out.push((
                    at(format!(
                        "diameter not known, {n} nodules, infiltrative {g:?}"
                    )),
                    base(&[
                        (NODULES, Some(json!(n))),
                        (DIAMETER, None),
                        (INFILTRATIVE, g.map(Value::from)),
                    ]),
                ));
            }
        }
        // The growth not known, the count known.
        for n in known_counts {
            for d in known_diameters {
                out.push((
                    at(format!("growth not known, {n} nodules of {d} mm")),
                    base(&[
                        (NODULES, Some(json!(n))),
                        (DIAMETER, Some(json!(d))),
                        (INFILTRATIVE, None),
                    ]),
                ));
            }
        }
    }
    out
}

#[test]
fn intrahepatic_predicates_are_exact_over_the_completions_at_the_default_policy() {
    let policy = Policy::default();
    for (label, partial) in partial_cases() {
        check(&partial, &policy, &label);
    }
}

#[test]
fn intrahepatic_predicates_are_exact_over_the_completions_at_moved_thresholds() {
    let policy = Policy::default()
        .with_settings([
            (Setting::UpToSevenLimit, 80),
            (Setting::AblationMaxNodules, 2),
            (Setting::AblationMaxDiameterMm, 25),
            (Setting::CombinationMaxNodules, 4),
            (Setting::CombinationMaxDiameterMm, 40),
            (Setting::PeiMaxDiameterMm, 15),
            (Setting::TaceCautionDiameterMm, 60),
        ])
        .expect("valid policy");
    for (label, partial) in partial_cases() {
        check(&partial, &policy, &label);
    }
}
