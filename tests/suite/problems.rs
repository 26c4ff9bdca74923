//! Errors as data: every error serialises to an RFC 9457 problem document that the committed
//! error schema accepts, and `validate_all` / `from_json_all` report every error of a document.

use std::sync::LazyLock;

use hcc_pathways::engine::{HitPolicy, HitPolicyError};
use hcc_pathways::error::{ProblemDetails, ProblemType, ReasonCode, DETAIL_LIMIT, PATH_LIMIT};
use hcc_pathways::{Case, Error, Policy};
use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::{json, Value};

static ERROR_SCHEMA: LazyLock<Validator> = LazyLock::new(|| {
    let text = include_str!("../../schemas/error.schema.json");
    jsonschema::draft202012::new(&serde_json::from_str::<Value>(text).unwrap()).unwrap()
});

/// Every error of the invalid-input tables, with the document it came from.
fn table_errors() -> Vec<(String, Error)> {
    let mut out = Vec::new();
    for (what, text, _, _) in crate::bad_inputs::bad_cases() {
        out.push((what.to_owned(), Case::from_json(&text).unwrap_err()));
    }
    for (what, doc, _) in crate::schema::invalid_cases() {
        out.push((
            what.to_owned(),
            Case::from_json(&doc.to_string()).unwrap_err(),
        ));
    }
    for (what, text, _, _) in crate::bad_inputs::bad_policies() {
        out.push((what.to_owned(), Policy::from_json(text).unwrap_err()));
    }
    for (what, doc) in crate::schema::invalid_policies() {
        out.push((
            what.to_owned(),
            Policy::from_json(&doc.to_string()).unwrap_err(),
        ));
    }
    out
}

#[test]
fn every_error_serialises_to_a_problem_document_the_error_schema_accepts() {
    let errors = table_errors();
    assert!(errors.len() > 80, "{}", errors.len());
    for (what, err) in errors {
        let doc = serde_json::to_value(&err).unwrap();
        let problems: Vec<String> = ERROR_SCHEMA
            .iter_errors(&doc)
            .map(|e| e.to_string())
            .collect();
        assert!(problems.is_empty(), "{what}: {problems:?}\n{doc:#}");
        let Error::Invalid { field, reason } = &err else {
            panic!("{what}: not an invalid-input error");
        };
        assert_eq!(
            doc["type"], "urn:hcc-pathways:problem:invalid-input",
            "{what}"
        );
        assert_eq!(doc["title"], "Invalid input", "{what}");
        assert_eq!(doc["field"], json!(field), "{what}");
        assert_eq!(doc["reason"], json!(reason.code().wire_name()), "{what}");
        assert_eq!(doc["detail"], json!(err.to_string()), "{what}");
        assert!(
            doc.get("status").is_none(),
            "{what}: the library speaks no HTTP"
        );
        // As data and back.
        let back: ProblemDetails = serde_json::from_value(doc.clone()).unwrap();
        assert_eq!(back, ProblemDetails::from_error(&err), "{what}");
        assert_eq!(serde_json::to_value(&back).unwrap(), doc, "{what}");
    }
}

#[test]
fn every_reason_has_its_own_code_and_the_schema_lists_them_all() {
    let schema: Value =
        serde_json::from_str(include_str!("../../schemas/error.schema.json")).unwrap();
    let listed: Vec<&str> = schema["$defs"]["ReasonCode"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["const"].as_str().unwrap())
        .collect();
    let codes: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.wire_name()).collect();
    assert_eq!(listed, codes);
    let types: Vec<&str> = schema["$defs"]["ProblemType"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["const"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ProblemType::ALL
            .iter()
            .map(|t| t.wire_name())
            .collect::<Vec<_>>()
    );
    // Each kind of reason the tables produce maps to a distinct code.
    let mut seen = std::collections::BTreeMap::new();
    for (_, err) in table_errors() {
        if let Error::Invalid { reason, .. } = &err {
            let kind = crate::bad_inputs::kind(reason);
            let code = reason.code();
            if let Some(previous) = seen.insert(code, kind) {
                assert_eq!(previous, kind, "{code} stands for two kinds of reason");
            }
        }
    }
    assert!(seen.len() >= 8, "the tables exercise {} codes", seen.len());
}

#[test]
fn a_rule_set_defect_is_no_fields_fault() {
    let err = Error::HitPolicy(HitPolicyError {
        rule_set: "hcc-recurrence-pathways",
        policy: HitPolicy::Unique,
        matched: vec!["R3", "R6"],
    });
    let doc = serde_json::to_value(&err).unwrap();
    assert!(ERROR_SCHEMA.is_valid(&doc), "{doc}");
    assert_eq!(doc["type"], "urn:hcc-pathways:problem:rule-set-defect");
    assert!(
        doc.get("field").is_none() && doc.get("reason").is_none(),
        "{doc}"
    );
    // The schema holds invalid input to a field and a reason, and a defect to neither.
    let mut no_field = serde_json::to_value(Case::from_json("{").unwrap_err()).unwrap();
    no_field.as_object_mut().unwrap().remove("field");
    assert!(!ERROR_SCHEMA.is_valid(&no_field));
    let mut defect_with_field = doc.clone();
    defect_with_field["field"] = json!("history");
    assert!(!ERROR_SCHEMA.is_valid(&defect_with_field));
}

#[test]
fn problem_text_is_bounded_and_free_of_control_characters() {
    let long_key = format!("\u{1b}[2J{}", "k".repeat(100_000));
    let text = format!(r#"{{"{}": 1}}"#, long_key.replace('\u{1b}', "\\u001b"));
    let err = Case::from_json(&text).unwrap_err();
    let p = ProblemDetails::from_error(&err);
    assert!(
        p.detail.chars().count() <= DETAIL_LIMIT + 1,
        "{}",
        p.detail.len()
    );
    let field = p.field.as_deref().unwrap();
    assert!(field.chars().count() <= PATH_LIMIT + 1);
    assert!(!p.detail.chars().chain(field.chars()).any(char::is_control));
    // A field path built by hand is escaped and cut too.
    let made = Error::invalid(
        format!("a\u{7}{}", "b".repeat(5_000)),
        hcc_pathways::Reason::Duplicate,
    );
    let p = ProblemDetails::from_error(&made);
    let field = p.field.as_deref().unwrap();
    assert!(
        field.starts_with(r"a\u{7}b") && field.ends_with('…'),
        "{field:.40}"
    );
    assert_eq!(field.chars().count(), PATH_LIMIT + 1);
    assert!(ERROR_SCHEMA.is_valid(&serde_json::to_value(&p).unwrap()));
}

#[test]
fn several_errors_make_one_problem_listing_them_all() {
    let json = r#"{"performance_status": {"ecog": 9}, "goals_of_care": "cure", "extra": 1}"#;
    let errors = Case::from_json_all(json).unwrap_err();
    let p = ProblemDetails::from_errors(&errors)
        .unwrap()
        .within("case")
        .with_status(422);
    let doc = serde_json::to_value(&p).unwrap();
    assert!(ERROR_SCHEMA.is_valid(&doc), "{doc:#}");
    assert_eq!(doc["field"], "case.performance_status.ecog");
    assert_eq!(doc["status"], 422);
    let fields: Vec<&str> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields[..3],
        [
            "case.performance_status.ecog",
            "case.goals_of_care",
            "case.extra"
        ]
    );
    assert!(ProblemDetails::from_errors(&[]).is_none());
    let one = ProblemDetails::from_errors(&errors[..1]).unwrap();
    assert!(one.errors.is_empty(), "one error needs no list");
}

// ---------------------------------------------------------------------------------------------
// validate_all and from_json_all

fn base() -> Value {
    serde_json::from_str(include_str!(
        "../../examples/cases/r3_second_line_after_sorafenib.json"
    ))
    .unwrap()
}

/// Independent field errors, each at its own place of the base case, with the field the library
/// names. Listed in document order.
fn field_edits() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "/performance_status/ecog",
            json!(7),
            "performance_status.ecog",
        ),
        (
            "/performance_status/mood",
            json!("fine"),
            "performance_status.mood",
        ),
        ("/liver_function/inr", json!("high"), "liver_function.inr"),
        (
            "/liver_function/ascites",
            json!("lots"),
            "liver_function.ascites",
        ),
        (
            "/goals_of_care",
            json!({"comfort_focused": null}),
            "goals_of_care",
        ),
        (
            "/recurrence/intrahepatic/nodules",
            json!(-1),
            "recurrence.intrahepatic.nodules",
        ),
        (
            "/recurrence/macrovascular_invasion",
            json!("lung"),
            "recurrence.macrovascular_invasion",
        ),
        (
            "/recurrence/extrahepatic_sites",
            json!(["lung", "liver"]),
            "recurrence.extrahepatic_sites[1]",
        ),
        (
            "/history/procedures",
            json!(["tace", "sbrt"]),
            "history.procedures[1]",
        ),
        (
            "/history/months_since_last_procedure",
            json!(601),
            "history.months_since_last_procedure",
        ),
        (
            "/history/systemic_regimens",
            json!([{"regimen": "aspirin"}]),
            "history.systemic_regimens[0].regimen",
        ),
        ("/drug_safety/varices", json!("some"), "drug_safety.varices"),
        (
            "/drug_safety/liver_transplant_recipient",
            json!("no"),
            "drug_safety.liver_transplant_recipient",
        ),
    ]
}

fn with_edits(mask: u32) -> (String, Vec<&'static str>) {
    let mut doc = base();
    let mut fields = Vec::new();
    for (i, (pointer, value, field)) in field_edits().into_iter().enumerate() {
        if mask & (1 << i) == 0 {
            continue;
        }
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .insert(key.to_owned(), value);
        fields.push(field);
    }
    // Keys in the order a writer of the case's fields would put them: the base's order,
    // new keys last in their object (serde_json's map writes keys in sorted order).
    (doc.to_string(), fields)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any combination of independent field errors is reported whole: exactly those fields,
    /// the first as `from_json` reports it.
    #[test]
    fn every_independent_field_error_is_reported(mask in 1u32..(1 << 13)) {
        let (text, mut want) = with_edits(mask);
        let all = Case::from_json_all(&text).unwrap_err();
        let first = Case::from_json(&text).unwrap_err();
        prop_assert_eq!(&all[0], &first);
        let mut got: Vec<&str> = all.iter().filter_map(Error::field).collect();
        got.sort_unstable();
        want.sort_unstable();
        prop_assert_eq!(got, want, "{}", text);
    }
}

#[test]
fn errors_come_in_document_order() {
    let text = r#"{"performance_status": {"mood": 1, "ecog": 9}, "liver_function": {"inr": "x"},
        "goals_of_care": "cure", "recurrence": [], "history": {"procedures": ["sbrt"]},
        "drug_safety": {"varices": "?", "autoimmune_disease": "none", "liver_transplant_recipient": false}}"#;
    let errors = Case::from_json_all(text).unwrap_err();
    let fields: Vec<&str> = errors.iter().filter_map(Error::field).collect();
    assert_eq!(
        fields,
        [
            "performance_status.mood",
            "performance_status.ecog",
            "liver_function.inr",
            // Without a Child–Pugh score, every component's key (missing keys are met where
            // their object ends).
            "liver_function.bilirubin",
            "liver_function.albumin",
            "liver_function.ascites",
            "liver_function.encephalopathy",
            "goals_of_care",
            "recurrence",
            "history.procedures[0]",
            // Missing keys are met where their object ends.
            "history.tace_insufficient_responses",
            "history.tace_intrahepatic_progressions",
            "history.afp_rising_after_tace",
            "history.months_since_last_procedure",
            "history.systemic_regimens",
            "drug_safety.varices",
        ]
    );
}

#[test]
fn duplicates_syntax_and_the_byte_order_mark() {
    let mut doc = base().to_string();
    doc = doc.replacen(
        '{',
        r#"{"goals_of_care": "cure", "goals_of_care": "active_treatment","#,
        1,
    );
    let doc = doc.replacen(r#""ecog":"#, r#""ecog": 1, "ecog":"#, 1);
    let errors = Case::from_json_all(&doc).unwrap_err();
    let summary: Vec<(Option<&str>, ReasonCode)> = errors
        .iter()
        .map(|e| match e {
            Error::Invalid { field, reason } => (Some(field.as_ref()), reason.code()),
            _ => (None, ReasonCode::InvalidValue),
        })
        .collect();
    // The first is what from_json reports (the first value of the duplicated key is read
    // before the duplicate is met); then each key given twice.
    assert_eq!(
        summary[0],
        (Some("goals_of_care"), ReasonCode::InvalidValue)
    );
    assert!(
        summary.contains(&(Some("goals_of_care"), ReasonCode::Duplicate)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&(Some("performance_status.ecog"), ReasonCode::Duplicate)),
        "{summary:?}"
    );
    assert_eq!(summary.len(), 3, "{summary:?}");

    // Text that is not JSON: one error, the first.
    let broken = r#"{"performance_status": {"ecog": 9}, "goals_of_care": "#;
    let errors = Case::from_json_all(broken).unwrap_err();
    assert_eq!(errors, [Case::from_json(broken).unwrap_err()]);
    let huge = r#"{"performance_status": {"ecog": 1e400}, "goals_of_care": "cure"}"#;
    assert_eq!(Case::from_json_all(huge).unwrap_err().len(), 1);

    // A byte-order mark is ignored, as by from_json.
    let text = format!("\u{feff}{}", base());
    assert!(Case::from_json_all(&text).is_ok());
}

#[test]
fn cross_field_errors_come_all_at_once_when_every_field_is_valid() {
    let mut doc = base();
    doc["recurrence"]["intrahepatic"] = json!({
        "nodules": 0, "largest_diameter_mm": 12, "infiltrative": false,
        "unsafe_ablation_location": false
    });
    doc["recurrence"]["extrahepatic_sites"] = json!(["lung"]);
    doc["history"]["procedures"] = json!(["rfa"]);
    doc["history"]["tace_insufficient_responses"] = json!(2);
    let text = doc.to_string();
    let errors = Case::from_json_all(&text).unwrap_err();
    let fields: Vec<&str> = errors.iter().filter_map(Error::field).collect();
    assert_eq!(
        fields,
        [
            "recurrence.intrahepatic.largest_diameter_mm",
            "history.tace_insufficient_responses"
        ]
    );
    assert_eq!(errors[0], Case::from_json(&text).unwrap_err());
    // The builder gives the same list.
    let case = Case::from_json(&base().to_string()).unwrap();
    let builder = case
        .to_builder()
        .nodules(0)
        .largest_diameter_mm(12)
        .infiltrative(false)
        .unsafe_ablation_location(false)
        .extrahepatic_sites([hcc_pathways::case::ExtrahepaticSite::Lung])
        .procedures([hcc_pathways::case::Procedure::Rfa])
        .tace_insufficient_responses(2);
    assert_eq!(builder.build_all(), Err(errors.clone()));
    assert_eq!(builder.build(), Err(errors[0].clone()));
    // A valid case has none.
    assert_eq!(case.to_builder().build_all(), Ok(case));
}

#[test]
fn policy_errors_come_all_at_once() {
    let text = r#"{"terminal_min_ecog": 9, "refractory_on_afp_rise": "yes", "up_to_seven_limit": 5, "tace_max": 1}"#;
    let errors = Policy::from_json_all(text).unwrap_err();
    let fields: Vec<&str> = errors.iter().filter_map(Error::field).collect();
    assert_eq!(errors[0], Policy::from_json(text).unwrap_err());
    let mut sorted = fields.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "refractory_on_afp_rise",
            "tace_max",
            "terminal_min_ecog",
            "up_to_seven_limit"
        ],
        "{fields:?}"
    );
    assert!(Policy::from_json_all("{}").is_ok());
}
