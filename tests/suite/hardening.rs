//! Input hardening (issue 17): serde's lenient forms are rejected, error text is bounded and
//! free of control characters, the error kind says what happened, and field paths follow one
//! convention at every entry point.

use proptest::prelude::*;
use serde_json::{json, Value};

use hcc_pathways::policy::Setting;
use hcc_pathways::quantity::{Albumin, Bilirubin, ChildPughScore, Count, DiameterMm, Ecog, Inr};
use hcc_pathways::{stream, Case, Error, Policy, Reason};

use crate::bad_inputs::{kind, Kind};

const BASE: &str = include_str!("../../examples/cases/r5_single_small_nodule.json");

fn base() -> Value {
    serde_json::from_str(BASE).unwrap()
}

/// The base case with the value at a JSON pointer replaced by a raw JSON token.
fn with_raw(pointer: &str, token: &str) -> String {
    const MARK: &str = "\"__raw__\"";
    let mut doc = base();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = doc.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    parent.insert(key.to_owned(), json!("__raw__"));
    doc.to_string().replace(MARK, token)
}

fn err_of(json: &str) -> (Kind, String, String) {
    match Case::from_json(json) {
        Err(e @ Error::Invalid { .. }) => {
            let Error::Invalid { field, reason } = &e else {
                unreachable!()
            };
            (kind(reason), field.to_string(), e.to_string())
        }
        other => panic!("expected an invalid case, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Lenient serde forms

#[test]
fn an_enum_is_a_string_never_an_object() {
    for (pointer, object) in [
        ("/goals_of_care", json!({"comfort_focused": null})),
        ("/goals_of_care", json!({"active_treatment": []})),
        ("/recurrence/macrovascular_invasion", json!({"none": null})),
        ("/recurrence/extrahepatic_sites", json!([{"lung": null}])),
        ("/liver_function/bilirubin/unit", json!({"mg_dl": null})),
    ] {
        let json = with_raw(pointer, &object.to_string());
        let (k, field, msg) = err_of(&json);
        let want = pointer[1..].replace('/', ".");
        let want = if want.ends_with("sites") {
            format!("{want}[0]")
        } else {
            want
        };
        assert_eq!(
            (k, field.as_str()),
            (Kind::InvalidValue, want.as_str()),
            "{msg}"
        );
        assert!(msg.contains("invalid type: map"), "{msg}");
    }
}

#[test]
fn a_struct_is_an_object_never_an_array() {
    for (pointer, array) in [
        ("/performance_status", "[0]"),
        ("/performance_status", "[1, true]"),
        ("/liver_function/bilirubin", r#"[0.8, "mg_dl"]"#),
        ("/drug_safety", r#"[false, "none", "none_or_treated"]"#),
    ] {
        let (k, field, msg) = err_of(&with_raw(pointer, array));
        assert_eq!(
            (k, field.as_str()),
            (Kind::InvalidValue, &pointer[1..].replace('/', ".")[..]),
            "{msg}"
        );
        assert!(msg.contains("invalid type: sequence"), "{msg}");
    }
    // The whole policy as a positional array: `[1]` would set the first threshold.
    for doc in ["[1]", "[]", "[3, 10, 70]"] {
        let err = Policy::from_json(doc).unwrap_err();
        assert_eq!(err.field(), Some(""), "{doc}");
        assert!(err.to_string().contains("invalid type: sequence"), "{err}");
    }
}

#[test]
fn null_is_unknown_where_a_fact_may_be_and_a_wrong_value_elsewhere() {
    // Objects and the procedures list are never unknown: null there is a wrong value, not a
    // syntax error.
    for pointer in [
        "/performance_status",
        "/recurrence",
        "/recurrence/intrahepatic",
        "/history/procedures",
        "/drug_safety",
    ] {
        let (k, field, msg) = err_of(&with_raw(pointer, "null"));
        assert_eq!(
            (k, field.as_str()),
            (Kind::InvalidValue, &pointer[1..].replace('/', ".")[..]),
            "{msg}"
        );
    }
    // Every fact of spec §2 may be null: not known (spec §8).
    for (pointer, path) in [
        ("/goals_of_care", "goals_of_care"),
        ("/performance_status/ecog", "performance_status.ecog"),
        (
            "/recurrence/intrahepatic/infiltrative",
            "recurrence.intrahepatic.infiltrative",
        ),
        (
            "/recurrence/extrahepatic_sites",
            "recurrence.extrahepatic_sites",
        ),
        ("/drug_safety/varices", "drug_safety.varices"),
        ("/history/systemic_regimens", "history.systemic_regimens"),
        ("/recurrence/afp_ng_ml", "recurrence.afp_ng_ml"),
    ] {
        let case = Case::from_json(&with_raw(pointer, "null"))
            .unwrap_or_else(|e| panic!("{pointer}: {e}"));
        assert!(case.unknown_facts().any(|f| f == path), "{pointer}");
    }
}

#[test]
fn integers_are_numbers_without_a_fraction() {
    for (token, want) in [("-0", 0), ("0.0", 0), ("-0.0", 0), ("0e5", 0), ("1e0", 1)] {
        let json = with_raw("/performance_status/ecog", token);
        let json = json.replace(
            r#""performance_status":{"ecog""#,
            r#""performance_status":{"cancer_related":true,"ecog""#,
        );
        let case = Case::from_json(&json).unwrap_or_else(|e| panic!("{token}: {e}"));
        assert_eq!(
            case.performance_status().ecog.map(|e| e.get()),
            Some(want),
            "{token}"
        );
    }
    let case = Case::from_json(&with_raw("/recurrence/intrahepatic/nodules", "1e0")).unwrap();
    assert_eq!(
        case.recurrence().intrahepatic.nodules.map(|n| n.get()),
        Some(1)
    );
    for (token, k) in [
        ("1.5", Kind::InvalidValue),
        ("4.000000001", Kind::InvalidValue),
        ("1e2", Kind::OutOfRange),
        ("-1.0", Kind::OutOfRange),
        ("1e400", Kind::NotFinite),
        ("\"0\"", Kind::InvalidValue),
    ] {
        let (got, field, msg) = err_of(&with_raw("/performance_status/ecog", token));
        assert_eq!(
            (got, field.as_str()),
            (k, "performance_status.ecog"),
            "{token}: {msg}"
        );
    }
    // Policy thresholds alike.
    let p = Policy::from_json(r#"{"terminal_min_ecog": 4.0, "up_to_seven_limit": 1.1e2}"#).unwrap();
    assert_eq!((p.terminal_min_ecog(), p.up_to_seven_limit()), (4, 110));
    assert!(Policy::from_json(r#"{"terminal_min_ecog": 3.5}"#).is_err());
}

#[test]
fn a_byte_order_mark_is_ignored_and_bytes_must_be_utf8() {
    let with_bom = format!("\u{feff}{BASE}");
    assert_eq!(Case::from_json(&with_bom), Case::from_json(BASE));
    assert_eq!(
        Case::from_json_bytes(with_bom.as_bytes()),
        Case::from_json(BASE)
    );
    let p = Policy::from_json("\u{feff}{\"terminal_min_ecog\": 4}").unwrap();
    assert_eq!(p.terminal_min_ecog(), 4);
    // Only at the start: anywhere else it is not JSON.
    let inside = BASE.replacen('{', "{\u{feff}", 1);
    assert_eq!(err_of(&inside).0, Kind::Syntax);

    let mut bytes = BASE.as_bytes().to_vec();
    let at = BASE.find("active_treatment").unwrap();
    bytes[at] = 0xff;
    let err = Case::from_json_bytes(&bytes).unwrap_err();
    assert!(matches!(
        err,
        Error::Invalid {
            reason: Reason::Syntax { .. },
            ..
        }
    ));
    assert_eq!(err.field(), Some(""));
    assert!(
        err.to_string()
            .contains(&format!("invalid byte at offset {at}")),
        "{err}"
    );
    assert!(Policy::from_json_bytes(b"{\"terminal_min_ecog\": \"\xc0\"}").is_err());
}

// ---------------------------------------------------------------------------------------------
// Duplicate keys

#[test]
fn a_duplicate_key_names_the_key_itself() {
    let compact = base().to_string();
    for (what, json, field) in [
        (
            "top level",
            compact.replacen('{', r#"{"goals_of_care":"comfort_focused","#, 1),
            "goals_of_care",
        ),
        (
            "nested",
            compact.replace(r#""ecog":0"#, r#""ecog":0,"ecog":0"#),
            "performance_status.ecog",
        ),
        (
            "in a lab value",
            compact.replace(r#""unit":"mg_dl""#, r#""unit":"mg_dl","unit":"umol_l""#),
            "liver_function.bilirubin.unit",
        ),
        (
            "in a list item",
            compact.replace(
                r#""systemic_regimens":[]"#,
                r#""systemic_regimens":[{"regimen":"sorafenib","regimen":"lenvatinib"}]"#,
            ),
            "history.systemic_regimens[0].regimen",
        ),
    ] {
        assert_ne!(json, compact, "{what}: the edit did not apply");
        let (k, got, msg) = err_of(&json);
        assert_eq!((k, got.as_str()), (Kind::Duplicate, field), "{what}: {msg}");
    }
    let err = Policy::from_json(r#"{"terminal_min_ecog": 3, "terminal_min_ecog": 4}"#).unwrap_err();
    assert_eq!(err, Error::invalid("terminal_min_ecog", Reason::Duplicate));
}

// ---------------------------------------------------------------------------------------------
// Bounded, escaped messages

/// Whether a message is safe to print: no control or invisible formatting character, and short.
fn assert_safe(msg: &str, what: &str) {
    let bad: Vec<char> = msg
        .chars()
        .filter(|c| c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'))
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in {msg:?}");
    assert!(
        msg.chars().count() <= 1200,
        "{what}: {} characters",
        msg.chars().count()
    );
}

#[test]
fn an_unknown_key_with_control_characters_is_escaped() {
    let key = "\u{1b}[2J\u{1b}[H\n error: ok \u{202e}\u{7}\\";
    let mut doc = base();
    doc.as_object_mut()
        .unwrap()
        .insert(key.to_owned(), json!(1));
    let err = Case::from_json(&doc.to_string()).unwrap_err();
    let msg = err.to_string();
    assert_safe(&msg, "unknown key");
    let escaped = r"\u{1b}[2J\u{1b}[H\u{a} error: ok \u{202e}\u{7}\\";
    assert_eq!(err.field(), Some(escaped));
    assert_eq!(
        err,
        Error::invalid(
            escaped,
            Reason::UnknownField {
                name: escaped.into()
            }
        )
    );
    assert_eq!(msg, format!("`{escaped}` has unknown field `{escaped}`"));
}

#[test]
fn huge_keys_and_values_are_quoted_as_a_bounded_prefix() {
    let huge = "x".repeat(8 << 20);
    let mut with_key = base();
    with_key
        .pointer_mut("/recurrence/intrahepatic")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(huge.clone(), json!(1));
    let as_value = |pointer: &str| {
        let mut d = base();
        *d.pointer_mut(pointer).unwrap() = json!(huge);
        d.to_string()
    };
    for (what, json, k) in [
        ("key", with_key.to_string(), Kind::UnknownField),
        ("name", as_value("/goals_of_care"), Kind::InvalidValue),
        (
            "number",
            as_value("/performance_status/ecog"),
            Kind::InvalidValue,
        ),
        ("float", as_value("/liver_function/inr"), Kind::InvalidValue),
        ("list", as_value("/history/procedures"), Kind::InvalidValue),
        ("object", as_value("/drug_safety"), Kind::InvalidValue),
        (
            "bool",
            as_value("/recurrence/intrahepatic/infiltrative"),
            Kind::InvalidValue,
        ),
    ] {
        let (got, field, msg) = err_of(&json);
        assert_eq!(got, k, "{what}: {msg:.200}");
        assert_safe(&msg, what);
        assert!(field.len() < 200, "{what}: field of {} bytes", field.len());
        let prefix = "x".repeat(hcc_pathways::error::ECHO_LIMIT);
        assert!(
            msg.contains(&format!("{prefix}… ({} bytes in all)", huge.len())),
            "{what}: {msg:.300}"
        );
    }
    let err = Policy::from_json(&format!(r#"{{"{huge}": 1}}"#)).unwrap_err();
    assert_safe(&err.to_string(), "policy key");
}

#[test]
fn messages_built_by_hand_are_escaped_and_bounded_too() {
    let e = Error::invalid(
        "a\u{1b}b",
        Reason::InvalidValue {
            detail: format!("\u{9b}31m{}", "y".repeat(10_000)).into(),
        },
    );
    let msg = e.to_string();
    assert_safe(&msg, "by hand");
    assert!(
        msg.starts_with(r"`a\u{1b}b` is invalid: \u{9b}31m"),
        "{msg:.80}"
    );
    assert!(msg.ends_with('…'));
}

/// Strings that a message might quote.
fn hostile() -> impl Strategy<Value = String> {
    let chars = prop_oneof![
        4 => proptest::char::range('\u{0}', '\u{7f}'),
        1 => proptest::char::range('\u{80}', '\u{9f}'),
        1 => proptest::sample::select(vec!['\u{202e}', '\u{2066}', '\u{200b}', '\u{2028}', '\u{feff}', '\\', '`', '"']),
        1 => any::<char>(),
    ];
    proptest::collection::vec(chars, 0..200).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any string, as a key or a value anywhere in a case or a policy, gives an error that is
    /// safe to print.
    #[test]
    fn any_quoted_text_is_safe_to_print(text in hostile(), at in any::<prop::sample::Index>(), as_key in any::<bool>()) {
        let mut doc = base();
        let mut pointers = Vec::new();
        fn walk(v: &Value, at: String, out: &mut Vec<String>) {
            if let Value::Object(m) = v {
                out.push(at.clone());
                for (k, x) in m {
                    walk(x, format!("{at}/{k}"), out);
                }
            }
        }
        walk(&doc, String::new(), &mut pointers);
        let p = at.get(&pointers).clone();
        let target = doc.pointer_mut(&p).unwrap().as_object_mut().unwrap();
        if as_key {
            target.insert(text.clone(), json!(0));
        } else if let Some(k) = target.keys().next().cloned() {
            target.insert(k, json!(text));
        }
        if let Err(e) = Case::from_json(&doc.to_string()) {
            let msg = e.to_string();
            assert_safe(&msg, "case");
            prop_assert!(!matches!(e, Error::Invalid { reason: Reason::Syntax { .. }, .. }), "{msg}");
        }
        let policy = if as_key { json!({ text.clone(): 1 }) } else { json!({ "terminal_min_ecog": text }) };
        let e = Policy::from_json(&policy.to_string()).unwrap_err();
        assert_safe(&e.to_string(), "policy");
    }
}

// ---------------------------------------------------------------------------------------------
// The kind says what happened

#[test]
fn a_wrong_value_is_never_a_syntax_error() {
    let wrong = [
        "null",
        "true",
        "0",
        "-1",
        "1.5",
        "1e400",
        "\"x\"",
        "[]",
        "[1]",
        "{}",
        "{\"a\":1}",
    ];
    let mut doc = base();
    let mut leaves = Vec::new();
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| walk(x, format!("{at}/{k}"), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, format!("{at}/{i}"), out)),
            _ => out.push(at),
        }
    }
    walk(&doc, String::new(), &mut leaves);
    let mut checked = 0;
    for pointer in &leaves {
        let original = doc.pointer(pointer).unwrap().clone();
        for token in wrong {
            let json = {
                *doc.pointer_mut(pointer).unwrap() = json!("__raw__");
                let t = doc.to_string().replace("\"__raw__\"", token);
                *doc.pointer_mut(pointer).unwrap() = original.clone();
                t
            };
            if let Err(Error::Invalid { field, reason }) = Case::from_json(&json) {
                assert!(
                    !matches!(reason, Reason::Syntax { .. }),
                    "{pointer} = {token}: `{field}` {reason}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

// ---------------------------------------------------------------------------------------------
// One path convention at every entry point

#[test]
fn constructors_name_the_path_json_names() {
    // Each constructor's error names the field where the same value fails in JSON.
    let cases: Vec<(Error, &str, &str)> = vec![
        (Ecog::new(5).unwrap_err(), "/performance_status/ecog", "5"),
        (
            ChildPughScore::new(4).unwrap_err(),
            "/liver_function/child_pugh_score",
            "4",
        ),
        (
            DiameterMm::new(0).unwrap_err(),
            "/recurrence/intrahepatic/largest_diameter_mm",
            "0",
        ),
        (Inr::new(0.1).unwrap_err(), "/liver_function/inr", "0.1"),
        (
            Bilirubin::from_mg_dl(0.0).unwrap_err(),
            "/liver_function/bilirubin",
            r#"{"value":0.0,"unit":"mg_dl"}"#,
        ),
        (
            Bilirubin::from_umol_l(900.0).unwrap_err(),
            "/liver_function/bilirubin",
            r#"{"value":900.0,"unit":"umol_l"}"#,
        ),
        (
            Albumin::from_g_dl(8.0).unwrap_err(),
            "/liver_function/albumin",
            r#"{"value":8.0,"unit":"g_dl"}"#,
        ),
        (
            Count::insufficient_responses(51).unwrap_err(),
            "/history/tace_insufficient_responses",
            "51",
        ),
        (
            Count::intrahepatic_progressions(-1).unwrap_err(),
            "/history/tace_intrahepatic_progressions",
            "-1",
        ),
    ];
    for (err, pointer, token) in cases {
        let json = with_raw(pointer, token);
        let from_json = Case::from_json(&json).unwrap_err();
        assert_eq!(err, from_json, "{pointer}");
    }
    // `Count` fills two fields: its plain constructor names their parent.
    assert_eq!(Count::new(51).unwrap_err().field(), Some("history"));
}

#[test]
fn the_builder_and_from_json_name_the_same_path() {
    let mut doc = base();
    doc["recurrence"]["intrahepatic"]["nodules"] = json!(0);
    let json = doc.to_string();
    let from_json = Case::from_json(&json).unwrap_err();
    assert_eq!(
        from_json.field(),
        Some("recurrence.intrahepatic.largest_diameter_mm")
    );
    let case = Case::from_json(BASE).unwrap();
    assert_eq!(case.to_builder().nodules(0).build().unwrap_err(), from_json);
    // serde reads a case as checked, and its message names the field.
    let serde_err = serde_json::from_str::<Case>(&json).unwrap_err().to_string();
    assert!(serde_err.contains(&from_json.to_string()), "{serde_err}");
    // A stream's line is the same error.
    let line = format!("{json}\n");
    let policy = Policy::default();
    let got = stream::classify(line.as_bytes(), &policy)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!((got.number, got.result), (1, Err(from_json.clone())));
    let got = stream::recommend(line.as_bytes(), &policy)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(got.result, Err(from_json));
}

#[test]
fn policy_fields_are_bare_alone_and_under_policy_with_within() {
    let alone = Policy::default()
        .with(Setting::TerminalMinEcog, 0)
        .unwrap_err();
    assert_eq!(alone.field(), Some("terminal_min_ecog"));
    assert_eq!(
        Policy::from_json(r#"{"terminal_min_ecog": 0}"#).unwrap_err(),
        alone
    );
    // serde reads a policy as checked, and its message names the field.
    let serde_err = serde_json::from_str::<Policy>(r#"{"terminal_min_ecog": 0}"#)
        .unwrap_err()
        .to_string();
    assert!(serde_err.contains(&alone.to_string()), "{serde_err}");
    // Where a policy is read beside a case (the service, the Python bindings), `within`.
    let beside = alone.clone().within("policy");
    assert_eq!(beside.field(), Some("policy.terminal_min_ecog"));

    // An ordering between two thresholds names the one that breaks it, the same way.
    let unordered = Policy::default().with_settings([
        (Setting::PeiMaxDiameterMm, 30),
        (Setting::AblationMaxDiameterMm, 25),
    ]);
    assert_eq!(unordered.unwrap_err().field(), Some("pei_max_diameter_mm"));
    let json = r#"{"pei_max_diameter_mm": 30, "ablation_max_diameter_mm": 25}"#;
    assert_eq!(
        Policy::from_json(json).unwrap_err().field(),
        Some("pei_max_diameter_mm")
    );
}

#[test]
fn array_items_are_named_by_index() {
    let compact = base().to_string();
    let json = compact.replace(
        r#""systemic_regimens":[]"#,
        r#""systemic_regimens":[{"regimen":"sorafenib"},{"regimen":"aspirin"}]"#,
    );
    assert_ne!(json, compact);
    let (k, field, _) = err_of(&json);
    assert_eq!(
        (k, field.as_str()),
        (Kind::InvalidValue, "history.systemic_regimens[1].regimen")
    );
    let json = compact.replace(
        r#""procedures":["tace"]"#,
        r#""procedures":["tace",{"rfa":null}]"#,
    );
    assert_ne!(json, compact);
    let (k, field, _) = err_of(&json);
    assert_eq!(
        (k, field.as_str()),
        (Kind::InvalidValue, "history.procedures[1]")
    );
}
