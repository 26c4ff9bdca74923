//! Conditions between the fields of one object that JSON Schema can state (`if`/`then`),
//! attached to the case types with `#[schemars(transform = ...)]`. Each mirrors a cross-field
//! check of [`Case::from_json`](crate::Case::from_json); `tests/suite/schema.rs` holds both to the same
//! documents. What needs arithmetic (a recorded Child–Pugh score against its components) stays
//! with the library.
//!
//! Written so that code generators keep the object's own type: each condition is an `allOf`
//! member holding only `$comment`, `if` and `then` (a generator that does not render conditions
//! then has nothing to intersect with), and every subschema names the type its keywords apply
//! to (Ajv's strict mode asks for that).

use schemars::Schema;
use serde_json::{json, Value};

fn push(schema: &mut Schema, conditions: Value) {
    let Value::Array(new) = conditions else {
        return;
    };
    let all_of = schema
        .ensure_object()
        .entry("allOf")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = all_of {
        items.extend(new);
    }
}

/// Makes `keys` required (their values may still be `null`: not known, spec §8).
fn require(schema: &mut Schema, keys: &[&str]) {
    let required = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(items) = required {
        for key in keys {
            if !items.iter().any(|k| k == key) {
                items.push(Value::String((*key).to_owned()));
            }
        }
    }
}

/// Every fact of the case is written; `null` says it is not known.
pub(crate) fn case(schema: &mut Schema) {
    require(schema, &["goals_of_care"]);
}

/// The drug-safety facts are written (`null`: not known); HBsAg may be left out.
pub(crate) fn drug_safety(schema: &mut Schema) {
    require(
        schema,
        &[
            "liver_transplant_recipient",
            "autoimmune_disease",
            "varices",
        ],
    );
}

/// `cancer_related` is required (`null` when not known) when ECOG is 1 or 2.
pub(crate) fn performance_status(schema: &mut Schema) {
    require(schema, &["ecog"]);
    push(
        schema,
        json!([{
            "$comment": "When ECOG is 1 or 2, `cancer_related` is required (BCLC 2022: only cancer-related impairment upstages); `null` says it is not known.",
            "if": {
                "type": "object",
                "properties": { "ecog": { "enum": [1, 2] } },
                "required": ["ecog"]
            },
            "then": {
                "type": "object",
                "properties": { "cancer_related": true },
                "required": ["cancer_related"]
            }
        }]),
    );
}

/// A Child–Pugh score, or all five of its components (any of them `null`: not known).
pub(crate) fn liver_function(schema: &mut Schema) {
    push(
        schema,
        json!([{
            "$comment": "A recorded Child–Pugh score, or all five components to compute it; any of them may be `null` (not known: Child–Pugh is then the range the known components allow). When both are given they must agree: the library checks that (the schema cannot).",
            "if": {
                "type": "object",
                "properties": { "child_pugh_score": false }
            },
            "then": {
                "type": "object",
                "properties": {
                    "bilirubin": true,
                    "albumin": true,
                    "inr": true,
                    "ascites": true,
                    "encephalopathy": true
                },
                "required": ["bilirubin", "albumin", "inr", "ascites", "encephalopathy"]
            }
        }]),
    );
}

/// Without nodules: no diameter, no infiltrative growth, no nodule location. With nodules
/// and no infiltrative growth (both known): a diameter (`null` when not known).
pub(crate) fn intrahepatic(schema: &mut Schema) {
    require(
        schema,
        &["nodules", "infiltrative", "unsafe_ablation_location"],
    );
    push(
        schema,
        json!([
            {
                "$comment": "Without nodules there is no diameter, no infiltrative growth and no nodule location (count an infiltrative lesion as a nodule).",
                "if": {
                    "type": "object",
                    "properties": { "nodules": { "const": 0 } },
                    "required": ["nodules"]
                },
                "then": {
                    "type": "object",
                    "properties": {
                        "largest_diameter_mm": { "type": "null" },
                        "infiltrative": { "enum": [false, null] },
                        "unsafe_ablation_location": { "enum": [false, null] }
                    }
                }
            },
            {
                "$comment": "With at least one nodule and no infiltrative growth (both known), the largest diameter is required (`null` when not known).",
                "if": {
                    "type": "object",
                    "properties": {
                        "nodules": { "type": "integer", "minimum": 1 },
                        "infiltrative": { "const": false }
                    },
                    "required": ["nodules", "infiltrative"]
                },
                "then": {
                    "type": "object",
                    "properties": { "largest_diameter_mm": true },
                "required": ["largest_diameter_mm"]
                }
            }
        ]),
    );
}

/// A recurrence has a nodule, macrovascular invasion or an extrahepatic site (as far as
/// the known facts tell).
pub(crate) fn recurrence(schema: &mut Schema) {
    require(schema, &["macrovascular_invasion", "extrahepatic_sites"]);
    push(
        schema,
        json!([{
            "$comment": "The case must describe a recurrence: at least one nodule, macrovascular invasion or an extrahepatic site (a fact not known may supply it).",
            "if": {
                "type": "object",
                "properties": {
                    "intrahepatic": {
                        "type": "object",
                        "properties": { "nodules": { "const": 0 } },
                        "required": ["nodules"]
                    },
                    "macrovascular_invasion": { "const": "none" },
                    "extrahepatic_sites": { "type": "array" }
                },
                "required": ["intrahepatic", "macrovascular_invasion", "extrahepatic_sites"]
            },
            "then": {
                "type": "object",
                "properties": { "extrahepatic_sites": { "type": "array", "minItems": 1 } }
            }
        }]),
    );
}

/// Invalid input names its field and reason; a rule-set defect names neither.
pub(crate) fn problem(schema: &mut Schema) {
    push(
        schema,
        json!([
            {
                "$comment": "An invalid-input problem names the field at fault and the reason.",
                "if": {
                    "type": "object",
                    "properties": { "type": { "const": "urn:hcc-pathways:problem:invalid-input" } },
                    "required": ["type"]
                },
                "then": {
                    "type": "object",
                    "properties": { "field": { "type": "string" }, "reason": { "type": "string" } },
                    "required": ["field", "reason"]
                }
            },
            {
                "$comment": "A rule-set defect is no field's fault.",
                "if": {
                    "type": "object",
                    "properties": { "type": { "const": "urn:hcc-pathways:problem:rule-set-defect" } },
                    "required": ["type"]
                },
                "then": {
                    "type": "object",
                    "properties": { "field": false, "reason": false }
                }
            }
        ]),
    );
}

/// At least one procedure (a bound on the field itself, so generators see it); TACE facts
/// only after TACE or TAE (a count not known is then 0).
pub(crate) fn history(schema: &mut Schema) {
    require(
        schema,
        &[
            "tace_insufficient_responses",
            "tace_intrahepatic_progressions",
            "afp_rising_after_tace",
            "months_since_last_procedure",
            "systemic_regimens",
        ],
    );
    if let Some(Value::Object(procedures)) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut("procedures"))
    {
        procedures.insert("type".into(), json!("array"));
        procedures.insert("minItems".into(), json!(1));
    }
    push(
        schema,
        json!([{
            "$comment": "The TACE counters and rising AFP after TACE need `tace` or `tae` in `procedures` (`null`, not known, is then 0 or no).",
            "if": {
                "type": "object",
                "properties": {
                    "procedures": {
                        "type": "array",
                        "not": { "contains": { "enum": ["tace", "tae"] } }
                    }
                },
                "required": ["procedures"]
            },
            "then": {
                "type": "object",
                "properties": {
                    "tace_insufficient_responses": { "enum": [0, null] },
                    "tace_intrahepatic_progressions": { "enum": [0, null] },
                    "afp_rising_after_tace": { "enum": [false, null] }
                }
            }
        }]),
    );
}
