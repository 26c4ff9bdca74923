//! Robustness of the JSON entry points (issue 4, part 5): arbitrary documents and mutations of
//! valid cases never panic; the result is a valid case or a typed error naming a field.

use crate::common::Dice;

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Number, Value};

use hcc_pathways::{recommend, Case, Error, Policy};

const CASES: [&str; 7] = [
    include_str!("../../examples/cases/r1_comfort_focused.json"),
    include_str!("../../examples/cases/r2_child_pugh_c.json"),
    include_str!("../../examples/cases/r3_lung_metastases_fit.json"),
    include_str!("../../examples/cases/r4_portal_vein_child_pugh_8.json"),
    include_str!("../../examples/cases/r5_single_small_nodule.json"),
    include_str!("../../examples/cases/r6_beyond_up_to_seven.json"),
    include_str!("../../examples/cases/r7_child_pugh_7_multinodular.json"),
];

static PARSED: LazyLock<Vec<Value>> = LazyLock::new(|| {
    CASES
        .iter()
        .map(|c| serde_json::from_str(c).unwrap())
        .collect()
});

/// Field names of the case and policy formats, so random objects often hit real fields.
const KEYS: &[&str] = &[
    "performance_status",
    "ecog",
    "cancer_related",
    "liver_function",
    "child_pugh_score",
    "bilirubin",
    "albumin",
    "value",
    "unit",
    "inr",
    "ascites",
    "encephalopathy",
    "goals_of_care",
    "recurrence",
    "intrahepatic",
    "nodules",
    "largest_diameter_mm",
    "infiltrative",
    "unsafe_ablation_location",
    "macrovascular_invasion",
    "extrahepatic_sites",
    "afp_ng_ml",
    "history",
    "procedures",
    "tace_insufficient_responses",
    "tace_intrahepatic_progressions",
    "afp_rising_after_tace",
    "months_since_last_procedure",
    "systemic_regimens",
    "regimen",
    "tolerated",
    "drug_safety",
    "liver_transplant_recipient",
    "autoimmune_disease",
    "varices",
    "hbsag_positive",
    "terminal_min_ecog",
    "up_to_seven_limit",
    "",
    "extra",
    "é",
];

/// Strings that look like numbers or names without being them.
const STRINGS: &[&str] = &[
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e400",
    "-0",
    "0x10",
    "1",
    "",
    " ",
    "mg_dl",
    "umol_l",
    "g_l",
    "tace",
    "lung",
    "none",
    "comfort_focused",
    "active_treatment",
    "sorafenib",
    "main_portal_vein",
    "\u{0}",
    "\u{202e}",
    "😀",
    "null",
    "true",
];

/// Number tokens JSON allows but a `Value` cannot hold, or that sit at type limits.
const RAW_NUMBERS: &[&str] = &[
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "-0.0",
    "18446744073709551616",
    "18446744073709551615",
    "-9223372036854775809",
    "9007199254740993",
    "0.30000000000000004",
    "5e-324",
    "1.7976931348623157e308",
    "4.000000000000001",
    "255",
    "256",
    "65536",
    "4294967296",
];

/// Decodes a JSON value from dice (proptest's recursive strategies are too slow in debug
/// builds for 10,000 cases). Shrinking the dice towards 0 shrinks the value towards `null`.
fn value(x: &mut Dice, depth: u32) -> Value {
    let r = x.roll();
    match r % 10 {
        0 => Value::Null,
        1 => Value::Bool(r & 16 != 0),
        2 => Value::from(i64::from(x.roll() as i32)),
        3 => Value::from(u64::from(x.roll()) << 32 | u64::from(x.roll())),
        4 => Value::from(i64::from(r / 10 % 2001) - 1000),
        5 => {
            let f = f64::from_bits(u64::from(x.roll()) << 32 | u64::from(x.roll()));
            Number::from_f64(f).map_or(Value::from(0.5), Value::Number)
        }
        6 => Value::from(x.pick(STRINGS)),
        7 => {
            let len = x.below(8);
            (0..len)
                .map(|_| char::from_u32(x.roll() % 0x11000).unwrap_or('\u{fffd}'))
                .collect::<String>()
                .into()
        }
        8 if depth < 4 => {
            let len = x.below(5);
            Value::Array((0..len).map(|_| value(x, depth + 1)).collect())
        }
        9 if depth < 4 => {
            let len = x.below(7);
            let mut m = Map::new();
            for _ in 0..len {
                let k = x.pick(KEYS).to_owned();
                m.insert(k, value(x, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::from(x.pick(KEYS)),
    }
}

type Rolls = ([u32; 32], [u32; 32]);

fn rolls() -> impl Strategy<Value = Rolls> {
    (any::<[u32; 32]>(), any::<[u32; 32]>())
}

fn flat(r: &Rolls) -> Vec<u32> {
    r.0.iter().chain(&r.1).copied().collect()
}

/// Every JSON pointer in a document (objects' keys and arrays' indices).
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{k}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(x, p, out);
            }
        }
        _ => {}
    }
}

/// One edit of a document.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the value at a pointer.
    Replace(Value),
    /// Remove the key or element.
    Remove,
    /// Add a field beside it (to its parent object).
    AddField(&'static str, Value),
    /// Replace it with a raw number token (out of range for `f64`, beyond `u64`, ...).
    Raw(&'static str),
    /// Wrap it in many levels of arrays.
    Nest(usize),
}

/// Decodes 1 to 3 edits, each with the die that picks its pointer.
fn mutations(x: &mut Dice) -> Vec<(u32, Mutation)> {
    let n = 1 + x.below(3);
    (0..n)
        .map(|_| {
            let at = x.roll();
            let m = match x.below(10) {
                0..=2 => Mutation::Replace(value(x, 3)),
                3 => Mutation::Replace(value(x, 0)),
                4 | 5 => Mutation::Remove,
                6 => Mutation::AddField(x.pick(KEYS), value(x, 3)),
                7 | 8 => Mutation::Raw(x.pick(RAW_NUMBERS)),
                _ => Mutation::Nest(1 + x.below(300)),
            };
            (at, m)
        })
        .collect()
}

const RAW_MARK: &str = "__raw_token__";
const NEST_MARK: &str = "__nest_here__";

/// Applies mutations (each at the pointer chosen by its die) and renders the document.
fn mutate(base: &Value, edits: &[(u32, Mutation)]) -> String {
    let mut doc = base.clone();
    let mut raw: Vec<String> = Vec::new();
    for (die, m) in edits {
        let mut ps = Vec::new();
        pointers(&doc, String::new(), &mut ps);
        if ps.is_empty() {
            break;
        }
        let p = &ps[*die as usize % ps.len()];
        let (parent, key) = p.rsplit_once('/').unwrap();
        let Some(target) = doc.pointer_mut(p) else {
            continue;
        };
        match m {
            Mutation::Replace(v) => *target = v.clone(),
            Mutation::Raw(tok) => {
                *target = Value::String(format!("{RAW_MARK}{}", raw.len()));
                raw.push((*tok).to_owned());
            }
            Mutation::Nest(depth) => {
                let inner = std::mem::take(target).to_string();
                *target = Value::String(format!("{NEST_MARK}{}", raw.len()));
                raw.push(format!(
                    "{}{inner}{}",
                    "[".repeat(*depth),
                    "]".repeat(*depth)
                ));
            }
            Mutation::Remove | Mutation::AddField(..) => {
                let parent = doc.pointer_mut(parent).unwrap();
                match (parent, m) {
                    (Value::Object(o), Mutation::Remove) => {
                        o.remove(key);
                    }
                    (Value::Array(a), Mutation::Remove) => {
                        let i: usize = key.parse().unwrap();
                        a.remove(i);
                    }
                    (Value::Object(o), Mutation::AddField(k, v)) => {
                        o.insert((*k).to_owned(), v.clone());
                    }
                    _ => {}
                }
            }
        }
    }
    let mut text = doc.to_string();
    for (i, tok) in raw.iter().enumerate().rev() {
        text = text
            .replace(&format!("\"{RAW_MARK}{i}\""), tok)
            .replace(&format!("\"{NEST_MARK}{i}\""), tok);
    }
    text
}

/// The contract: a valid case that recommends and round-trips, or a typed field error.
fn entry_points_hold(json: &str) -> Result<(), TestCaseError> {
    match Case::from_json(json) {
        Ok(case) => {
            // The same document through the builder: the same case.
            prop_assert_eq!(case.to_builder().build(), Ok(case));
            // A valid case decides: a recommendation, or (facts not known) the facts needed.
            let rec = recommend(&case);
            prop_assert!(
                matches!(rec, Ok(_) | Err(Error::Undecided { .. })),
                "valid case did not recommend: {rec:?}"
            );
            prop_assert!(hcc_pathways::decide(&case).is_ok());
            let again = Case::from_json(&case.to_json());
            prop_assert_eq!(
                again.as_ref(),
                Ok(&case),
                "JSON round trip changed the case"
            );
        }
        Err(e @ Error::Invalid { .. }) => {
            prop_assert!(!e.to_string().is_empty());
        }
        Err(other) => prop_assert!(false, "untyped or engine error for input: {other:?}"),
    }
    match Policy::from_json(json) {
        // A policy read is valid: changing nothing keeps it.
        Ok(p) => prop_assert_eq!(p.with_settings([]), Ok(p)),
        Err(e) => prop_assert!(matches!(e, Error::Invalid { .. }), "{e:?}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::common::config())]

    #[test]
    fn arbitrary_documents_never_panic(r in rolls()) {
        let dice = flat(&r);
        let doc = value(&mut Dice::new(&dice), 0);
        entry_points_hold(&doc.to_string())?;
    }

    #[test]
    fn mutated_cases_never_panic(base in 0..CASES.len(), r in rolls()) {
        let dice = flat(&r);
        let edits = mutations(&mut Dice::new(&dice));
        entry_points_hold(&mutate(&PARSED[base], &edits))?;
    }

    #[test]
    fn arbitrary_text_never_panics(
        base in select(&CASES[..]),
        cut in any::<prop::sample::Index>(),
        junk in select(STRINGS),
        raw in prop::collection::vec(any::<u8>(), 0..64),
        mode in 0u8..3,
    ) {
        let text = match mode {
            // A valid document cut short, with junk appended.
            0 => {
                let mut end = cut.index(base.len() + 1);
                while !base.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}{junk}", &base[..end])
            }
            // Random bytes.
            1 => String::from_utf8_lossy(&raw).into_owned(),
            // Deep nesting of objects.
            _ => format!("{}{}", "{\"a\":".repeat(cut.index(5000)), junk),
        };
        entry_points_hold(&text)?;
    }
}

#[test]
fn mutate_places_raw_tokens_and_nesting() {
    let base = &PARSED[4];
    let text = mutate(base, &[(1, Mutation::Raw("1e400"))]);
    assert!(text.contains("1e400"), "{text}");
    let nested = mutate(base, &[(1, Mutation::Nest(3))]);
    assert!(nested.contains("[[["), "{nested}");
    // Deep nesting beyond serde_json's recursion limit is an error, not a stack overflow.
    let deep = mutate(base, &[(1, Mutation::Nest(100_000))]);
    assert!(matches!(Case::from_json(&deep), Err(Error::Invalid { .. })));
}
