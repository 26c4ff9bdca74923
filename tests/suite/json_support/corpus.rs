//! The invalid documents of the JSON contract: cases and policies both the committed schemas
//! and the library reject. Shared through `#[path]` by `tests/suite/schema.rs` (which checks
//! both reject each, naming the field) and `examples/contract.rs` (which writes them out for the
//! code-generator checks of `contract/check.sh`).
#![allow(dead_code)] // Each user takes a different part.

use std::path::Path;

use serde_json::{json, Value};

/// The bundled case the invalid documents are edits of.
pub fn base_case() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/cases/r4_portal_vein_child_pugh_8.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Sets (or, with `None`, removes) the value at a `/`-separated path.
pub fn edit(mut doc: Value, path: &str, value: Option<Value>) -> Value {
    let (parent, key) = path.rsplit_once('/').unwrap_or(("", path));
    let target = if parent.is_empty() {
        &mut doc
    } else {
        doc.pointer_mut(&format!("/{parent}"))
            .unwrap_or_else(|| panic!("no {parent} in the document"))
    };
    let obj = target.as_object_mut().expect("an object");
    match value {
        Some(v) => obj.insert(key.to_owned(), v),
        None => obj.remove(key),
    };
    doc
}

/// Documents both the case schema and `Case::from_json` reject, with the JSON path the library
/// names. Field-level constraints first, then the cross-field checks of `Case::validate` that
/// JSON Schema can state (`if`/`then`).
pub fn invalid_cases() -> Vec<(&'static str, Value, &'static str)> {
    let b = base_case;
    let no_components = || {
        json!({ "bilirubin": { "value": 1.0, "unit": "mg_dl" }, "albumin": { "value": 35, "unit": "g_l" },
                "inr": 1.1, "ascites": "none" })
    };
    vec![
        // Ranges, with the unit in the name.
        (
            "ECOG above 4",
            edit(b(), "performance_status/ecog", Some(json!(5))),
            "performance_status.ecog",
        ),
        (
            "negative ECOG",
            edit(b(), "performance_status/ecog", Some(json!(-1))),
            "performance_status.ecog",
        ),
        (
            "fractional ECOG",
            edit(b(), "performance_status/ecog", Some(json!(1.5))),
            "performance_status.ecog",
        ),
        (
            "Child–Pugh 4",
            edit(b(), "liver_function/child_pugh_score", Some(json!(4))),
            "liver_function.child_pugh_score",
        ),
        (
            "Child–Pugh 16",
            edit(b(), "liver_function/child_pugh_score", Some(json!(16))),
            "liver_function.child_pugh_score",
        ),
        (
            "negative diameter",
            edit(
                b(),
                "recurrence/intrahepatic/largest_diameter_mm",
                Some(json!(-5)),
            ),
            "recurrence.intrahepatic.largest_diameter_mm",
        ),
        (
            "zero diameter",
            edit(
                b(),
                "recurrence/intrahepatic/largest_diameter_mm",
                Some(json!(0)),
            ),
            "recurrence.intrahepatic.largest_diameter_mm",
        ),
        (
            "diameter above 300 mm",
            edit(
                b(),
                "recurrence/intrahepatic/largest_diameter_mm",
                Some(json!(301)),
            ),
            "recurrence.intrahepatic.largest_diameter_mm",
        ),
        (
            "1000 nodules",
            edit(b(), "recurrence/intrahepatic/nodules", Some(json!(1000))),
            "recurrence.intrahepatic.nodules",
        ),
        (
            "nodules as a string",
            edit(b(), "recurrence/intrahepatic/nodules", Some(json!("3"))),
            "recurrence.intrahepatic.nodules",
        ),
        (
            "negative AFP",
            edit(b(), "recurrence/afp_ng_ml", Some(json!(-1.0))),
            "recurrence.afp_ng_ml",
        ),
        (
            "AFP \"NaN\"",
            edit(b(), "recurrence/afp_ng_ml", Some(json!("NaN"))),
            "recurrence.afp_ng_ml",
        ),
        (
            "AFP \"Infinity\"",
            edit(b(), "recurrence/afp_ng_ml", Some(json!("Infinity"))),
            "recurrence.afp_ng_ml",
        ),
        (
            "months above 600",
            edit(b(), "history/months_since_last_procedure", Some(json!(601))),
            "history.months_since_last_procedure",
        ),
        (
            "TACE counter above 50",
            edit(b(), "history/tace_insufficient_responses", Some(json!(51))),
            "history.tace_insufficient_responses",
        ),
        (
            "INR below 0.5",
            edit(b(), "liver_function/inr", Some(json!(0.4))),
            "liver_function.inr",
        ),
        (
            "bilirubin 0",
            edit(
                b(),
                "liver_function/bilirubin",
                Some(json!({"value": 0.0, "unit": "umol_l"})),
            ),
            "liver_function.bilirubin",
        ),
        (
            "bilirubin 60 mg/dL (fine in µmol/L)",
            edit(
                b(),
                "liver_function/bilirubin",
                Some(json!({"value": 60.0, "unit": "mg_dl"})),
            ),
            "liver_function.bilirubin",
        ),
        (
            "bilirubin 900 µmol/L",
            edit(
                b(),
                "liver_function/bilirubin",
                Some(json!({"value": 900.0, "unit": "umol_l"})),
            ),
            "liver_function.bilirubin",
        ),
        (
            "albumin 8 g/dL (fine in g/L)",
            edit(
                b(),
                "liver_function/albumin",
                Some(json!({"value": 8.0, "unit": "g_dl"})),
            ),
            "liver_function.albumin",
        ),
        (
            "bilirubin without a unit",
            edit(b(), "liver_function/bilirubin", Some(json!({"value": 1.0}))),
            "liver_function.bilirubin.unit",
        ),
        (
            "bilirubin as a bare number",
            edit(b(), "liver_function/bilirubin", Some(json!(1.0))),
            "liver_function.bilirubin",
        ),
        (
            "unknown bilirubin unit",
            edit(
                b(),
                "liver_function/bilirubin",
                Some(json!({"value": 1.0, "unit": "mg_l"})),
            ),
            "liver_function.bilirubin.unit",
        ),
        (
            "13 prior regimens",
            edit(
                b(),
                "history/systemic_regimens",
                Some(json!(vec![json!({"regimen": "sorafenib"}); 13])),
            ),
            "history.systemic_regimens",
        ),
        // Closed sets.
        (
            "unknown goals of care",
            edit(b(), "goals_of_care", Some(json!("curative"))),
            "goals_of_care",
        ),
        (
            "unknown extrahepatic site",
            edit(b(), "recurrence/extrahepatic_sites", Some(json!(["liver"]))),
            "recurrence.extrahepatic_sites[0]",
        ),
        (
            "unknown procedure",
            edit(b(), "history/procedures", Some(json!(["sbrt"]))),
            "history.procedures[0]",
        ),
        (
            "unknown regimen",
            edit(
                b(),
                "history/systemic_regimens",
                Some(json!([{"regimen": "aspirin"}])),
            ),
            "history.systemic_regimens[0].regimen",
        ),
        (
            "wrong case of an enum name",
            edit(b(), "drug_safety/varices", Some(json!("None_Or_Treated"))),
            "drug_safety.varices",
        ),
        (
            "a site listed twice",
            edit(
                b(),
                "recurrence/extrahepatic_sites",
                Some(json!(["lung", "lung"])),
            ),
            "recurrence.extrahepatic_sites",
        ),
        // Unknown and missing fields, wrong types.
        (
            "unknown top-level field",
            edit(b(), "notes", Some(json!("x"))),
            "notes",
        ),
        (
            "unknown nested field",
            edit(b(), "recurrence/intrahepatic/segment", Some(json!(7))),
            "recurrence.intrahepatic.segment",
        ),
        (
            "unknown field in a lab value",
            edit(
                b(),
                "liver_function/bilirubin",
                Some(json!({"value": 1.0, "unit": "mg_dl", "ref": 1})),
            ),
            "liver_function.bilirubin.ref",
        ),
        (
            "missing goals of care",
            edit(b(), "goals_of_care", None),
            "goals_of_care",
        ),
        (
            "missing infiltrative flag",
            edit(b(), "recurrence/intrahepatic/infiltrative", None),
            "recurrence.intrahepatic.infiltrative",
        ),
        (
            "null for the procedures",
            edit(b(), "history/procedures", Some(Value::Null)),
            "history.procedures",
        ),
        (
            "bool as a string",
            edit(b(), "history/afp_rising_after_tace", Some(json!("false"))),
            "history.afp_rising_after_tace",
        ),
        ("the document is a string", json!("case"), ""),
        // Cross-field checks of Case::validate that the schema states too.
        (
            "ECOG 1 without cancer_related",
            edit(b(), "performance_status/cancer_related", None),
            "performance_status.cancer_related",
        ),
        (
            "neither a Child–Pugh score nor all five components",
            edit(b(), "liver_function", Some(no_components())),
            "liver_function.encephalopathy",
        ),
        (
            "diameter without nodules",
            edit(
                edit(b(), "recurrence/intrahepatic/nodules", Some(json!(0))),
                "recurrence/intrahepatic/largest_diameter_mm",
                Some(json!(20)),
            ),
            "recurrence.intrahepatic.largest_diameter_mm",
        ),
        (
            "nodules without a diameter",
            edit(b(), "recurrence/intrahepatic/largest_diameter_mm", None),
            "recurrence.intrahepatic.largest_diameter_mm",
        ),
        (
            "infiltrative growth with 0 nodules",
            edit(
                edit(
                    edit(b(), "recurrence/intrahepatic/nodules", Some(json!(0))),
                    "recurrence/intrahepatic/largest_diameter_mm",
                    None,
                ),
                "recurrence/intrahepatic/infiltrative",
                Some(json!(true)),
            ),
            "recurrence.intrahepatic.infiltrative",
        ),
        (
            "unsafe location with 0 nodules",
            edit(
                edit(
                    edit(b(), "recurrence/intrahepatic/nodules", Some(json!(0))),
                    "recurrence/intrahepatic/largest_diameter_mm",
                    None,
                ),
                "recurrence/intrahepatic/unsafe_ablation_location",
                Some(json!(true)),
            ),
            "recurrence.intrahepatic.unsafe_ablation_location",
        ),
        (
            "no recurrence at all",
            edit(
                edit(
                    edit(b(), "recurrence/intrahepatic/nodules", Some(json!(0))),
                    "recurrence/intrahepatic/largest_diameter_mm",
                    None,
                ),
                "recurrence/macrovascular_invasion",
                Some(json!("none")),
            ),
            "recurrence",
        ),
        (
            "no procedure",
            edit(b(), "history/procedures", Some(json!([]))),
            "history.procedures",
        ),
        (
            "TACE counter without TACE",
            edit(
                edit(b(), "history/procedures", Some(json!(["rfa"]))),
                "history/tace_intrahepatic_progressions",
                Some(json!(2)),
            ),
            "history.tace_intrahepatic_progressions",
        ),
        (
            "rising AFP after TACE without TACE",
            edit(
                edit(b(), "history/procedures", Some(json!(["mwa", "resection"]))),
                "history/afp_rising_after_tace",
                Some(json!(true)),
            ),
            "history.afp_rising_after_tace",
        ),
    ]
}

/// Policies both the policy schema and `Policy::from_json` reject.
pub fn invalid_policies() -> Vec<(&'static str, Value)> {
    vec![
        ("unknown field", json!({ "systemic_max_child_pug": 7 })),
        ("string for a number", json!({ "terminal_min_ecog": "3" })),
        (
            "number for the bool",
            json!({ "refractory_on_afp_rise": 1 }),
        ),
        ("fraction", json!({ "up_to_seven_limit": 70.5 })),
        ("null", json!({ "terminal_min_ecog": null })),
        ("not an object", json!("default")),
    ]
}
