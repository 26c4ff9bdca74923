//! Table-driven bad inputs (issue 4, part 6): each names the error variant and the field path.

use serde_json::{json, Value};

use hcc_pathways::{Case, Error, Policy, Reason};

/// The kind of [`Reason`], without its details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    NotFinite,
    OutOfRange,
    Missing,
    NotAllowed,
    Inconsistent,
    UnknownField,
    InvalidValue,
    Syntax,
    Duplicate,
}

pub(crate) fn kind(r: &Reason) -> Kind {
    match r {
        Reason::NotFinite => Kind::NotFinite,
        Reason::OutOfRange { .. } => Kind::OutOfRange,
        Reason::Missing { .. } => Kind::Missing,
        Reason::NotAllowed { .. } => Kind::NotAllowed,
        Reason::Inconsistent { .. } => Kind::Inconsistent,
        Reason::UnknownField { .. } => Kind::UnknownField,
        Reason::InvalidValue { .. } => Kind::InvalidValue,
        Reason::Syntax { .. } => Kind::Syntax,
        Reason::Duplicate => Kind::Duplicate,
        other => panic!("a new reason needs a row here: {other:?}"),
    }
}

fn base() -> Value {
    let text = include_str!("../../examples/cases/r5_single_small_nodule.json");
    serde_json::from_str(text).unwrap()
}

/// Sets the value at a JSON pointer (creating the last key), or removes it when `None`.
fn edit(mut v: Value, pointer: &str, new: Option<Value>) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let obj = v.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    match new {
        Some(x) => obj.insert(key.to_owned(), x),
        None => obj.remove(key),
    };
    v
}

fn set(pointer: &str, new: Value) -> String {
    edit(base(), pointer, Some(new)).to_string()
}

fn remove(pointer: &str) -> String {
    edit(base(), pointer, None).to_string()
}

fn edits(changes: &[(&str, Option<Value>)]) -> String {
    changes
        .iter()
        .fold(base(), |v, (p, x)| edit(v, p, x.clone()))
        .to_string()
}

/// A case with no nodules and lung spread, as a base for the 0-nodule rows.
fn no_nodules(extra: &[(&str, Option<Value>)]) -> String {
    let mut changes = vec![
        ("/recurrence/intrahepatic/nodules", Some(json!(0))),
        ("/recurrence/intrahepatic/largest_diameter_mm", None),
        ("/recurrence/extrahepatic_sites", Some(json!(["lung"]))),
    ];
    changes.extend(extra.iter().cloned());
    edits(&changes)
}

/// The bad cases: (what, document, the reason's kind, the field the error names).
pub(crate) fn bad_cases() -> Vec<(&'static str, String, Kind, &'static str)> {
    let big_history: Vec<Value> = (0..13).map(|_| json!({"regimen": "sorafenib"})).collect();
    let no_score_no_inr = edits(&[
        ("/liver_function/inr", None),
        ("/liver_function/child_pugh_score", None),
    ]);
    #[rustfmt::skip]
    let table: Vec<(&str, String, Kind, &str)> = vec![
        ("ECOG above 4", set("/performance_status/ecog", json!(7)), Kind::OutOfRange, "performance_status.ecog"),
        ("ECOG negative", set("/performance_status/ecog", json!(-1)), Kind::OutOfRange, "performance_status.ecog"),
        ("ECOG as a string", set("/performance_status/ecog", json!("0")), Kind::InvalidValue, "performance_status.ecog"),
        ("ECOG fractional", set("/performance_status/ecog", json!(1.5)), Kind::InvalidValue, "performance_status.ecog"),
        ("ECOG missing", remove("/performance_status/ecog"), Kind::Missing, "performance_status.ecog"),
        ("ECOG 1 without cancer_related", set("/performance_status/ecog", json!(1)), Kind::Missing, "performance_status.cancer_related"),
        ("performance status missing", remove("/performance_status"), Kind::Missing, "performance_status"),
        ("unknown top-level field", set("/colour", json!("blue")), Kind::UnknownField, "colour"),
        ("unknown nested field", set("/recurrence/intrahepatic/size", json!(3)), Kind::UnknownField, "recurrence.intrahepatic.size"),
        ("Child-Pugh 16", set("/liver_function/child_pugh_score", json!(16)), Kind::OutOfRange, "liver_function.child_pugh_score"),
        ("Child-Pugh disagrees with components", set("/liver_function/child_pugh_score", json!(9)), Kind::Inconsistent, "liver_function.child_pugh_score"),
        ("no score and INR missing", no_score_no_inr, Kind::Missing, "liver_function.inr"),
        ("bilirubin zero", set("/liver_function/bilirubin/value", json!(0.0)), Kind::OutOfRange, "liver_function.bilirubin"),
        ("bilirubin unit unknown", set("/liver_function/bilirubin/unit", json!("mg")), Kind::InvalidValue, "liver_function.bilirubin.unit"),
        ("albumin above 70 g/L", set("/liver_function/albumin", json!({"value": 80.0, "unit": "g_l"})), Kind::OutOfRange, "liver_function.albumin"),
        ("INR as the string NaN", set("/liver_function/inr", json!("NaN")), Kind::InvalidValue, "liver_function.inr"),
        ("INR too large for a float", base().to_string().replace("\"inr\":1.1", "\"inr\":1e400"), Kind::NotFinite, "liver_function.inr"),
        ("goals of care unknown", set("/goals_of_care", json!("maybe")), Kind::InvalidValue, "goals_of_care"),
        ("1000 nodules", set("/recurrence/intrahepatic/nodules", json!(1000)), Kind::OutOfRange, "recurrence.intrahepatic.nodules"),
        ("diameter without nodules", no_nodules(&[("/recurrence/intrahepatic/largest_diameter_mm", Some(json!(12)))]), Kind::NotAllowed, "recurrence.intrahepatic.largest_diameter_mm"),
        ("no recurrence at all", edits(&[("/recurrence/intrahepatic/nodules", Some(json!(0))), ("/recurrence/intrahepatic/largest_diameter_mm", None)]), Kind::Inconsistent, "recurrence"),
        ("nodules without diameter", set("/recurrence/intrahepatic/nodules", json!(2)).replace("\"largest_diameter_mm\":18,", ""), Kind::Missing, "recurrence.intrahepatic.largest_diameter_mm"),
        ("diameter 0 mm", set("/recurrence/intrahepatic/largest_diameter_mm", json!(0)), Kind::OutOfRange, "recurrence.intrahepatic.largest_diameter_mm"),
        ("diameter 301 mm", set("/recurrence/intrahepatic/largest_diameter_mm", json!(301)), Kind::OutOfRange, "recurrence.intrahepatic.largest_diameter_mm"),
        ("infiltrative without nodules", no_nodules(&[("/recurrence/intrahepatic/infiltrative", Some(json!(true)))]), Kind::Inconsistent, "recurrence.intrahepatic.infiltrative"),
        ("unsafe location without nodules", no_nodules(&[("/recurrence/intrahepatic/unsafe_ablation_location", Some(json!(true)))]), Kind::Inconsistent, "recurrence.intrahepatic.unsafe_ablation_location"),
        ("vascular invasion unknown", set("/recurrence/macrovascular_invasion", json!("aorta")), Kind::InvalidValue, "recurrence.macrovascular_invasion"),
        ("extrahepatic site unknown", set("/recurrence/extrahepatic_sites", json!(["moon"])), Kind::InvalidValue, "recurrence.extrahepatic_sites[0]"),
        ("AFP negative", set("/recurrence/afp_ng_ml", json!(-5)), Kind::OutOfRange, "recurrence.afp_ng_ml"),
        ("no procedure", set("/history/procedures", json!([])), Kind::Missing, "history.procedures"),
        ("TACE counter without TACE", edits(&[("/history/procedures", Some(json!(["rfa"]))), ("/history/tace_insufficient_responses", Some(json!(1)))]), Kind::Inconsistent, "history.tace_insufficient_responses"),
        ("progressions without TACE", edits(&[("/history/procedures", Some(json!(["mwa"]))), ("/history/tace_intrahepatic_progressions", Some(json!(2)))]), Kind::Inconsistent, "history.tace_intrahepatic_progressions"),
        ("AFP rise without TACE", edits(&[("/history/procedures", Some(json!(["resection"]))), ("/history/afp_rising_after_tace", Some(json!(true)))]), Kind::Inconsistent, "history.afp_rising_after_tace"),
        ("TACE counter 51", set("/history/tace_insufficient_responses", json!(51)), Kind::OutOfRange, "history.tace_insufficient_responses"),
        ("months 601", set("/history/months_since_last_procedure", json!(601)), Kind::OutOfRange, "history.months_since_last_procedure"),
        ("months beyond u64", base().to_string().replace("\"months_since_last_procedure\":14", "\"months_since_last_procedure\":18446744073709551616"), Kind::InvalidValue, "history.months_since_last_procedure"),
        ("13 regimens", set("/history/systemic_regimens", Value::Array(big_history)), Kind::OutOfRange, "history.systemic_regimens"),
        ("regimen unknown", set("/history/systemic_regimens", json!([{"regimen": "aspirin"}])), Kind::InvalidValue, "history.systemic_regimens[0].regimen"),
        ("varices missing", remove("/drug_safety/varices"), Kind::Missing, "drug_safety.varices"),
        ("varices unknown", set("/drug_safety/varices", json!("some")), Kind::InvalidValue, "drug_safety.varices"),
        ("not JSON", "{".to_owned(), Kind::Syntax, ""),
        ("trailing text", format!("{} x", base()), Kind::Syntax, ""),
        ("an array, not an object", "[]".to_owned(), Kind::InvalidValue, ""),
    ];
    table
}

#[test]
fn bad_cases_name_the_variant_and_the_field() {
    let table = bad_cases();
    assert!(table.len() >= 25);
    let mut failures = Vec::new();
    for (name, json, want_kind, want_field) in &table {
        match Case::from_json(json) {
            Err(Error::Invalid { field, reason }) => {
                if (kind(&reason), field.as_ref()) != (*want_kind, *want_field) {
                    failures.push(format!(
                        "{name}: got {:?} at `{field}` ({reason}), want {want_kind:?} at `{want_field}`",
                        kind(&reason)
                    ));
                }
            }
            other => failures.push(format!("{name}: got {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
    println!("{} bad cases checked", table.len());
}

/// The bad policies: (what, document, the reason's kind, the field the error names).
pub(crate) fn bad_policies() -> Vec<(&'static str, &'static str, Kind, &'static str)> {
    #[rustfmt::skip]
    let table: Vec<(&str, &str, Kind, &str)> = vec![
        ("terminal ECOG 9", r#"{"terminal_min_ecog": 9}"#, Kind::OutOfRange, "terminal_min_ecog"),
        ("PEI above ablation", r#"{"pei_max_diameter_mm": 30, "ablation_max_diameter_mm": 25}"#, Kind::Inconsistent, "pei_max_diameter_mm"),
        ("ablation above combination", r#"{"ablation_max_diameter_mm": 50, "combination_max_diameter_mm": 40}"#, Kind::Inconsistent, "ablation_max_diameter_mm"),
        ("unknown threshold", r#"{"tace_max": 3}"#, Kind::UnknownField, "tace_max"),
        ("negative threshold", r#"{"up_to_seven_limit": -70}"#, Kind::InvalidValue, "up_to_seven_limit"),
        ("flag as a number", r#"{"refractory_on_afp_rise": 1}"#, Kind::InvalidValue, "refractory_on_afp_rise"),
    ];
    table
}

#[test]
fn bad_policies_name_the_variant_and_the_field() {
    for (name, json, want_kind, want_field) in bad_policies() {
        match Policy::from_json(json) {
            Err(Error::Invalid { field, reason }) => {
                assert_eq!(
                    (kind(&reason), field.as_ref()),
                    (want_kind, want_field),
                    "{name}: {reason}"
                );
            }
            other => panic!("{name}: got {other:?}"),
        }
    }
    // Changed in code, a setting out of range is the same error, named bare.
    let err = Policy::default()
        .with(hcc_pathways::policy::Setting::SystemicMaxEcog, 3)
        .unwrap_err();
    assert_eq!(err.field(), Some("systemic_max_ecog"));
    assert!(matches!(
        err,
        Error::Invalid {
            reason: Reason::OutOfRange { .. },
            ..
        }
    ));
}

/// Spec §2 (version 2): a recorded Child–Pugh score must be reachable from the components given
/// with it, each missing one scoring 1 to 3 points.
#[test]
fn a_recorded_child_pugh_score_must_be_reachable_from_its_components() {
    let partial = |score: i64| {
        edits(&[(
            "/liver_function",
            Some(json!({
                "child_pugh_score": score,
                "bilirubin": {"value": 3.5, "unit": "mg_dl"},
                "albumin": {"value": 2.5, "unit": "g_dl"}
            })),
        )])
    };
    // Bilirubin 3.5 mg/dL and albumin 2.5 g/dL make 6 points: 9 to 15 in all.
    let err = Case::from_json(&partial(5)).unwrap_err();
    assert_eq!(err.field(), Some("liver_function.child_pugh_score"));
    assert!(err.to_string().contains("allow 9 to 15"), "{err}");
    assert!(Case::from_json(&partial(8)).is_err());
    assert!(Case::from_json(&partial(9)).is_ok());
    assert!(Case::from_json(&partial(15)).is_ok());
}
