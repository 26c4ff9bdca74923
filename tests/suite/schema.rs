//! The JSON contract: the committed schemas match the types, a real validator (the `jsonschema`
//! crate) accepts every bundled case and every recommendation, and the schema and the library
//! agree on invalid documents wherever the schema can express the constraint.

use std::path::Path;
use std::sync::LazyLock;

use hcc_pathways::schema::{check_dir, Document, REGENERATE_COMMAND, SCHEMA_DIR};
use hcc_pathways::{recommend, Case, Policy, Reason};
use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::json_support::corpus::{base_case, edit};
pub(crate) use crate::json_support::corpus::{invalid_cases, invalid_policies};
use crate::json_support::{computed_child_pugh, example_cases, loose_case};

fn committed(doc: Document) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(SCHEMA_DIR)
        .join(doc.file_name());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; regenerate with `{REGENERATE_COMMAND}`",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn validator(doc: Document) -> Validator {
    jsonschema::draft202012::new(&committed(doc))
        .unwrap_or_else(|e| panic!("the {doc} schema does not compile: {e}"))
}

pub(crate) static CASE: LazyLock<Validator> = LazyLock::new(|| validator(Document::Case));
pub(crate) static POLICY: LazyLock<Validator> = LazyLock::new(|| validator(Document::Policy));
static RECOMMENDATION: LazyLock<Validator> = LazyLock::new(|| validator(Document::Recommendation));

/// The validator's messages for a document, empty when it is valid.
fn errors(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Committed schemas

#[test]
fn committed_schemas_match_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCHEMA_DIR);
    let stale = check_dir(&dir);
    let list: Vec<String> = stale.iter().map(ToString::to_string).collect();
    assert!(
        stale.is_empty(),
        "the committed JSON Schemas are stale:\n  {}\nregenerate them with:\n  {REGENERATE_COMMAND}\n\
         then review the diff and bump SCHEMA_VERSION (src/recommendation.rs) as the README section \"JSON contract\" says",
        list.join("\n  ")
    );
}

#[test]
fn readme_example_is_current_and_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = crate::json_support::readme::blocks(root).unwrap();
    let rendered = crate::json_support::readme::render(&readme, &blocks).unwrap();
    assert!(
        rendered == readme,
        "the README's JSON contract example is stale; regenerate it with:\n  {REGENERATE_COMMAND}"
    );
    let [(_, case), (_, rec)] = &blocks[..] else {
        panic!("two blocks: case and recommendation");
    };
    let case: Value = serde_json::from_str(case).unwrap();
    let rec: Value = serde_json::from_str(rec).unwrap();
    assert!(CASE.is_valid(&case), "{:?}", errors(&CASE, &case));
    assert!(
        RECOMMENDATION.is_valid(&rec),
        "{:?}",
        errors(&RECOMMENDATION, &rec)
    );
}

#[test]
fn the_readme_names_every_schema_by_its_current_id() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for doc in Document::ALL {
        assert!(
            readme.contains(&format!("`{}`", doc.id())),
            "the README's JSON contract table lacks `{}`",
            doc.id()
        );
    }
}

#[test]
fn schemas_are_valid_draft_2020_12_with_id_and_version() {
    for doc in Document::ALL {
        let schema = committed(doc);
        if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
            panic!("{doc}: not a valid 2020-12 schema: {e}");
        }
        assert_eq!(schema["$id"], doc.id(), "{doc}");
        assert_eq!(
            schema["x-schema-version"],
            hcc_pathways::schema::SCHEMA_VERSION,
            "{doc}"
        );
        assert!(doc.file_name().contains(doc.name()));
    }
}

/// Every object schema (the root and each `$defs` entry) of a document.
fn object_schemas(schema: &Value) -> Vec<(String, &Value)> {
    let mut out = vec![("(root)".to_owned(), schema)];
    if let Some(defs) = schema["$defs"].as_object() {
        out.extend(defs.iter().map(|(k, v)| (k.clone(), v)));
    }
    out.retain(|(_, s)| s["type"] == "object");
    out
}

#[test]
fn every_object_denies_unknown_fields_and_every_field_is_described() {
    // Every struct of the contract has `#[serde(deny_unknown_fields)]` (or a hand-written
    // deserializer that denies them): its schema must say `additionalProperties: false`.
    for doc in Document::ALL {
        let schema = committed(doc);
        for (name, s) in object_schemas(&schema) {
            assert_eq!(
                s["additionalProperties"],
                json!(false),
                "{doc}: {name} does not deny unknown fields"
            );
            let props = s["properties"].as_object().unwrap();
            for (field, p) in props {
                let described = p["description"].as_str().is_some_and(|d| !d.is_empty());
                assert!(described, "{doc}: {name}.{field} has no description");
            }
            assert!(
                s["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{doc}: {name} has no description"
            );
        }
    }
}

#[test]
fn optional_input_fields_are_not_required() {
    // Policy fields all have defaults: none is required.
    let policy = committed(Document::Policy);
    for (name, s) in object_schemas(&policy) {
        assert!(
            s.get("required").is_none(),
            "policy: {name} requires a field"
        );
    }
    // In the case, a key may be left out only where spec §2 makes the fact optional (or the
    // facts around it do, stated by the schema's conditions); every other fact is required
    // as a key, and every fact but the procedures may be null: not known (spec §8).
    let optional = [
        "afp_ng_ml",
        "hbsag_positive",
        "tolerated",
        "cancer_related",
        "largest_diameter_mm",
        "child_pugh_score",
        "bilirubin",
        "albumin",
        "inr",
        "ascites",
        "encephalopathy",
    ];
    let case = committed(Document::Case);
    for (name, s) in object_schemas(&case) {
        let required: Vec<&str> = s["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (field, p) in s["properties"].as_object().unwrap() {
            let is_optional = optional.contains(&field.as_str());
            assert_eq!(
                !required.contains(&field.as_str()),
                is_optional,
                "case: {name}.{field}"
            );
            let nullable = p.to_string().contains(r#""null""#);
            let is_object = p.to_string().contains("#/$defs/")
                && [
                    "performance_status",
                    "liver_function",
                    "recurrence",
                    "intrahepatic",
                    "history",
                    "drug_safety",
                ]
                .contains(&field.as_str());
            let never_unknown =
                field == "procedures" || field == "regimen" || field == "value" || field == "unit";
            if !is_object && !never_unknown {
                assert!(nullable, "case: {name}.{field} cannot be null");
            }
        }
    }
    assert!(committed(Document::Policy).get("required").is_none());
}

#[test]
fn policy_schema_states_each_threshold_range_and_default() {
    let schema = committed(Document::Policy);
    let props = schema["properties"].as_object().unwrap();
    let defaults = serde_json::to_value(Policy::default()).unwrap();
    let thresholds = Policy::default().thresholds();
    assert_eq!(props.len(), thresholds.len());
    for t in thresholds {
        let p = &props[t.name];
        assert_eq!(p["default"], defaults[t.name], "{}", t.name);
        if p["type"] == "boolean" {
            continue;
        }
        assert_eq!(p["type"], "integer", "{}", t.name);
        let (min, max) = (p["minimum"].as_i64(), p["maximum"].as_i64());
        let (Some(min), Some(max)) = (min, max) else {
            panic!("{} has no bounds: {p}", t.name);
        };
        // The schema's bounds are the library's: the values just outside are rejected by both,
        // the bounds themselves by neither (except where an ordering between fields, which the
        // schema cannot express, is broken).
        for outside in [min - 1, max + 1] {
            let doc = json!({ t.name: outside });
            assert!(!POLICY.is_valid(&doc), "schema accepts {doc}");
            assert!(
                Policy::from_json(&doc.to_string()).is_err(),
                "library accepts {doc}"
            );
        }
        for bound in [min, max] {
            let doc = json!({ t.name: bound });
            assert!(POLICY.is_valid(&doc), "schema rejects {doc}");
            match Policy::from_json(&doc.to_string()) {
                Ok(_) => {}
                Err(hcc_pathways::Error::Invalid {
                    reason: Reason::Inconsistent { .. },
                    ..
                }) => {}
                Err(e) => panic!("library rejects {doc}: {e}"),
            }
        }
    }
}

/// The enumerated values of a definition of a committed schema: an `enum`, or a `oneOf` of
/// `const`s (a documented Rust enum).
fn enumeration(schema: &Value, def: &str) -> Vec<String> {
    let def_schema = &schema["$defs"][def];
    let values: Vec<&Value> = match (
        def_schema["enum"].as_array(),
        def_schema["oneOf"].as_array(),
    ) {
        (Some(values), _) => values.iter().collect(),
        (None, Some(variants)) => variants.iter().map(|v| &v["const"]).collect(),
        _ => panic!("$defs/{def} is not an enumeration"),
    };
    values
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

/// Every id a client may switch on is a closed set in the committed recommendation schema, and
/// each set is exactly the crate's own table (read here through the public accessors, not
/// through the code that generates the schema).
#[test]
fn id_enumerations_are_the_crates_tables() {
    use hcc_pathways::outcomes::{OmissionReason, TreatmentId};
    use hcc_pathways::policy::Setting;
    use hcc_pathways::verify::{predicate_ids, rule_ids, rule_set_ids};
    let schema = committed(Document::Recommendation);
    let rules = |sets: &[&str]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for set in sets {
            for id in rule_ids(set).unwrap_or_else(|| panic!("no rule set {set}")) {
                if !out.iter().any(|o| o == id) {
                    out.push(id.to_owned());
                }
            }
        }
        out
    };
    let owned = |v: Vec<&str>| -> Vec<String> { v.into_iter().map(str::to_owned).collect() };
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("RuleSetId", owned(rule_set_ids())),
        ("RuleId", rules(&rule_set_ids())),
        ("LineRuleId", rules(&["hcc-systemic-lines"])),
        (
            "OptionRuleId",
            rules(&[
                "hcc-repeat-intervention-procedure",
                "hcc-systemic-order",
                "hcc-supportive-care",
                "hcc-tace-with-systemic",
            ]),
        ),
        ("OmissionRuleId", rules(&["hcc-regimen-omissions"])),
        ("CautionId", rules(&["hcc-cautions"])),
        ("ConsiderationId", rules(&["hcc-considerations"])),
        ("ReasonDetailId", rules(&["hcc-reason-details"])),
        ("PredicateId", owned(predicate_ids())),
        ("FactPath", owned(hcc_pathways::case::FACT_PATHS.to_vec())),
        ("DecidedStatus", owned(vec!["decided"])),
        ("PendingId", {
            let mut ids = owned(TreatmentId::all().map(TreatmentId::wire_name).collect());
            ids.extend(rules(&[
                "hcc-cautions",
                "hcc-considerations",
                "hcc-reason-details",
            ]));
            ids
        }),
        (
            "SettingName",
            owned(Setting::ALL.iter().map(|s| s.name()).collect()),
        ),
        (
            "TreatmentId",
            owned(TreatmentId::all().map(TreatmentId::wire_name).collect()),
        ),
        (
            "OmissionReason",
            owned(OmissionReason::ALL.iter().map(|r| r.wire_name()).collect()),
        ),
        (
            "SourceKey",
            owned(
                hcc_pathways::sources::ALL
                    .iter()
                    .map(hcc_pathways::sources::Source::key)
                    .collect(),
            ),
        ),
    ];
    for (def, table) in cases {
        assert!(!table.is_empty(), "{def}: an empty table");
        assert_eq!(enumeration(&schema, def), table, "$defs/{def}");
    }
    // The undecided status appears only in the decision schema.
    assert_eq!(
        enumeration(&committed(Document::Decision), "UndecidedStatus"),
        ["undecided"]
    );
    // Where the sets are used: the fields that carry these ids refer to them.
    for (def, field, set) in [
        ("Caution", "id", "CautionId"),
        ("Consideration", "id", "ConsiderationId"),
        ("ReasonDetail", "id", "ReasonDetailId"),
        ("TherapyLine", "rule", "LineRuleId"),
        ("TreatmentOption", "rule", "OptionRuleId"),
        ("TreatmentOption", "id", "TreatmentId"),
        ("Omission", "rule", "OmissionRuleId"),
        ("Omission", "reason", "OmissionReason"),
        ("PredicateReport", "predicate", "PredicateId"),
        ("Unmet", "predicate", "PredicateId"),
        ("RuleReport", "rule", "RuleId"),
        ("RuleReport", "rule_set", "RuleSetId"),
        ("RuleSetInfo", "id", "RuleSetId"),
        ("ChangedSetting", "setting", "SettingName"),
    ] {
        assert_eq!(
            schema["$defs"][def]["properties"][field]["$ref"],
            json!(format!("#/$defs/{set}")),
            "{def}.{field}"
        );
    }
    assert_eq!(
        schema["$defs"]["RuleReport"]["properties"]["reads"]["items"]["$ref"],
        "#/$defs/PredicateId"
    );
    // A fact's threshold setting: a setting name, with an optional offset; nothing else.
    let setting = jsonschema::draft202012::new(&schema["$defs"]["SettingExpression"]).unwrap();
    for name in Setting::ALL.iter().map(|s| s.name()) {
        assert!(setting.is_valid(&json!(name)), "{name}");
        assert!(setting.is_valid(&json!(format!("{name} - 1"))), "{name}");
    }
    for wrong in [
        "",
        "up_to_seven",
        "up_to_seven_limit -1",
        "x up_to_seven_limit",
    ] {
        assert!(!setting.is_valid(&json!(wrong)), "{wrong:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bundled examples and their recommendations

#[test]
fn every_example_case_and_its_recommendation_validate() {
    let cases = example_cases();
    assert!(cases.len() >= 7, "one example per rule R1–R7");
    for (name, text) in cases {
        let doc: Value = serde_json::from_str(&text).unwrap();
        let errs = errors(&CASE, &doc);
        assert!(errs.is_empty(), "{name} fails the case schema: {errs:#?}");

        let rec = recommend(&Case::from_json(&text).unwrap()).unwrap();
        for json in [rec.to_json(), rec.to_json_explained()] {
            let out: Value = serde_json::from_str(&json).unwrap();
            let errs = errors(&RECOMMENDATION, &out);
            assert!(
                errs.is_empty(),
                "the recommendation for {name} fails the output schema: {errs:#?}"
            );
        }
    }
}

#[test]
fn default_and_partial_policies_validate() {
    for doc in [
        json!({}),
        serde_json::to_value(Policy::default()).unwrap(),
        json!({ "systemic_max_child_pugh": 7, "refractory_on_afp_rise": false }),
    ] {
        assert!(POLICY.is_valid(&doc), "{doc}: {:?}", errors(&POLICY, &doc));
        assert!(Policy::from_json(&doc.to_string()).is_ok(), "{doc}");
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid documents: rejected by the schema and by the library

#[test]
fn base_case_is_valid_for_both() {
    let doc = base_case();
    assert!(CASE.is_valid(&doc));
    assert!(Case::from_json(&doc.to_string()).is_ok());
}

#[test]
fn invalid_cases_are_rejected_by_the_schema_and_the_library() {
    let table = invalid_cases();
    assert!(table.len() >= 40);
    let mut failures = Vec::new();
    for (what, doc, field) in table {
        if CASE.is_valid(&doc) {
            failures.push(format!("the schema accepts: {what}"));
        }
        match Case::from_json(&doc.to_string()) {
            Ok(_) => failures.push(format!("the library accepts: {what}")),
            Err(e) if e.field() != Some(field) => failures.push(format!(
                "{what}: the library names {:?}, not {field:?}: {e}",
                e.field()
            )),
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Documents the case schema accepts but the library rejects: constraints JSON Schema cannot
/// state. Each names why.
#[test]
fn what_only_the_library_checks() {
    // Arithmetic across fields: the recorded Child–Pugh score against the one its five
    // components give (here 5 points, recorded 8).
    let mismatch = edit(
        base_case(),
        "liver_function",
        Some(json!({
            "child_pugh_score": 8,
            "bilirubin": { "value": 1.0, "unit": "mg_dl" },
            "albumin": { "value": 40.0, "unit": "g_l" },
            "inr": 1.0, "ascites": "none", "encephalopathy": "none"
        })),
    );
    // Of duplicate keys only the last survives parsing, so the schema sees a valid document;
    // the library reads the text and rejects the key given twice, naming it.
    let base = base_case().to_string();
    let duplicate_key = base.replacen('{', r#"{"goals_of_care": "comfort_focused","#, 1);
    let duplicate_value: Value = serde_json::from_str(&duplicate_key).unwrap();

    for (what, doc, text, field) in [
        (
            "Child–Pugh recorded 8, components give 5",
            &mismatch,
            mismatch.to_string(),
            "liver_function.child_pugh_score",
        ),
        (
            "a duplicate key",
            &duplicate_value,
            duplicate_key.clone(),
            "goals_of_care",
        ),
    ] {
        assert!(
            CASE.is_valid(doc),
            "{what}: the schema now rejects it; move it to invalid_cases: {:?}",
            errors(&CASE, doc)
        );
        let err = Case::from_json(&text).expect_err(what);
        assert_eq!(err.field(), Some(field), "{what}: {err}");
    }

    // Policy: orderings between thresholds.
    for (doc, field) in [
        (
            json!({ "pei_max_diameter_mm": 25, "ablation_max_diameter_mm": 20 }),
            "pei_max_diameter_mm",
        ),
        (
            json!({ "ablation_max_diameter_mm": 40, "combination_max_diameter_mm": 30 }),
            "ablation_max_diameter_mm",
        ),
    ] {
        assert!(POLICY.is_valid(&doc), "{doc}");
        let err = Policy::from_json(&doc.to_string()).expect_err("ordering");
        assert_eq!(err.field(), Some(field));
        assert!(matches!(
            err,
            hcc_pathways::Error::Invalid {
                reason: Reason::Inconsistent { .. },
                ..
            }
        ));
    }
}

/// JSON Schema's `integer` is any number with no fractional part: both read `0.0`, `-0` and
/// `1e0` as integers, and both reject a struct written as an array of its fields.
#[test]
fn integers_and_positional_structs_as_the_schema_reads_them() {
    let base = base_case().to_string();
    for token in ["0.0", "-0", "1e0", "-0.0", "1.0"] {
        let text = base.replace(r#""ecog":1"#, &format!(r#""ecog":{token}"#));
        assert_ne!(text, base);
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert!(CASE.is_valid(&doc), "{token}: {:?}", errors(&CASE, &doc));
        let case = Case::from_json(&text).unwrap_or_else(|e| panic!("{token}: {e}"));
        let want = if token.contains('1') { 1 } else { 0 };
        assert_eq!(
            case.performance_status().ecog.map(|e| e.get()),
            Some(want),
            "{token}"
        );
    }

    let positional = edit(base_case(), "performance_status", Some(json!([1, true])));
    assert!(!CASE.is_valid(&positional));
    let err = Case::from_json(&positional.to_string()).expect_err("positional struct");
    assert_eq!(err.field(), Some("performance_status"));

    let empty = json!([]);
    assert!(!POLICY.is_valid(&empty));
    assert_eq!(
        Policy::from_json(&empty.to_string()).unwrap_err().field(),
        Some("")
    );
}

#[test]
fn invalid_policies_are_rejected_by_both() {
    for (what, doc) in invalid_policies() {
        assert!(!POLICY.is_valid(&doc), "the schema accepts: {what}");
        assert!(
            Policy::from_json(&doc.to_string()).is_err(),
            "the library accepts: {what}"
        );
    }
}

#[test]
fn invalid_recommendations_are_rejected_by_the_schema() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cases/r3_lung_metastases_fit.json"),
    )
    .unwrap();
    let rec: Value = serde_json::from_str(
        &recommend(&Case::from_json(&text).unwrap())
            .unwrap()
            .to_json_explained(),
    )
    .unwrap();
    assert!(RECOMMENDATION.is_valid(&rec));
    for (what, doc) in [
        (
            "unknown field",
            edit(rec.clone(), "comment", Some(json!("x"))),
        ),
        (
            "unknown pathway",
            edit(rec.clone(), "pathway", Some(json!("surgery"))),
        ),
        (
            "missing MDT statement",
            edit(rec.clone(), "mdt_statement", None),
        ),
        (
            "missing rule-set version",
            edit(rec.clone(), "rule_set/version", None),
        ),
        (
            "Child–Pugh 16",
            edit(rec.clone(), "scores/child_pugh_score", Some(json!(16))),
        ),
        (
            "unknown Child–Pugh class",
            edit(rec.clone(), "scores/child_pugh_class", Some(json!("D"))),
        ),
        (
            "sources not a list",
            edit(rec.clone(), "sources", Some(json!("BCLC-2022"))),
        ),
    ] {
        assert!(!RECOMMENDATION.is_valid(&doc), "the schema accepts: {what}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

#[cfg(feature = "proptest")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every valid case validates, with or without unknown facts, and so does its
    /// recommendation under any valid policy when the pathway is decided.
    #[test]
    fn valid_cases_and_their_recommendations_validate(
        (policy, case) in hcc_pathways::strategies::policy_and_case_with_unknowns()
    ) {
        let doc = serde_json::to_value(case).unwrap();
        let errs = errors(&CASE, &doc);
        prop_assert!(errs.is_empty(), "{:?}\n{:#}", errs, doc);
        let policy_doc = serde_json::to_value(policy).unwrap();
        prop_assert!(POLICY.is_valid(&policy_doc));
        if let hcc_pathways::Decision::Decided(rec) = hcc_pathways::decide_with(&case, &policy).unwrap() {
            let out = serde_json::to_value(&rec).unwrap();
            let errs = errors(&RECOMMENDATION, &out);
            prop_assert!(errs.is_empty(), "{:?}", errs);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// On cases whose fields are each in range, the schema accepts exactly the cases the library
    /// accepts, except a recorded Child–Pugh score the components given with it cannot reach
    /// (arithmetic only the library does).
    #[test]
    fn schema_and_library_agree_on_cross_field_facts(case in loose_case()) {
        let doc = case.doc();
        let schema_ok = CASE.is_valid(&doc);
        let library = Case::from_json(&doc.to_string());
        let only_child_pugh_mismatch = {
            let lf = &case.liver_function;
            let (lo, hi) = hcc_pathways::scores::child_pugh_range(lf);
            let mismatch = lf.child_pugh_score.is_some_and(|r| {
                computed_child_pugh(lf).map_or(!(lo..=hi).contains(&r.get()), |c| r.get() != c)
            });
            // The same case with a reachable recorded score is valid.
            let mut fixed = case.clone();
            fixed.liver_function.child_pugh_score =
                Some(hcc_pathways::quantity::ChildPughScore::new(i64::from(lo)).unwrap());
            mismatch && fixed.builder().build().is_ok()
        };
        prop_assert_eq!(
            schema_ok,
            library.is_ok() || only_child_pugh_mismatch,
            "library: {:?}\nschema: {:?}\n{:#}", library, errors(&CASE, &doc), doc
        );
    }
}
