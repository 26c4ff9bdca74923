//! Differential test of the JSON language (issue 17, item 1): the library and an independent
//! validator of the committed schemas (the `jsonschema` crate, which shares no code with the
//! serde impls) read the same corpus, and must agree on every document except a short,
//! documented list of rules the schema cannot state ([`CASE_ALLOWED`], [`POLICY_ALLOWED`]).
//!
//! The corpus, for cases and policies alike: the bundled documents, every invalid document of
//! the other test tables, and mutations of valid documents — every node replaced by a value of
//! each other type, structs as arrays, names as `{"name": null}` objects, nulls, numbers
//! written as `1.0`, `-0`, `1e2` and beyond `f64`, keys removed, added and given twice, a
//! byte-order mark — systematically at every node of every bundled example, then combined at
//! random.
//!
//! How the validator reads a text: a leading byte-order mark is dropped (RFC 8259 §8.1 lets a
//! parser ignore it, and the library does), the rest is parsed with serde_json into a value
//! (a text that does not parse is rejected), and the value is validated.

use std::collections::BTreeMap;
use std::path::Path;

use hcc_pathways::{Case, Error, Policy, Reason};
use jsonschema::Validator;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::schema::{CASE, POLICY};

/// A disagreement the schema cannot avoid: the library rejects a document the schema accepts,
/// with this error.
struct Allowed {
    /// What the rule is.
    rule: &'static str,
    /// Why a JSON Schema cannot state it.
    why: &'static str,
    /// Whether a library error is this rule's.
    matches: fn(&Error) -> bool,
}

fn is(e: &Error, field: &str, reason: fn(&Reason) -> bool) -> bool {
    matches!(e, Error::Invalid { field: f, reason: r } if f == field && reason(r))
}

fn inconsistent(r: &Reason) -> bool {
    matches!(r, Reason::Inconsistent { .. })
}

const DUPLICATE: Allowed = Allowed {
    rule: "a key given twice in one object",
    why: "the schema validates the parsed value, in which the last of duplicate keys survives \
          (RFC 8259 §4 leaves duplicate names undefined); the library rejects the text",
    matches: |e| {
        matches!(
            e,
            Error::Invalid {
                reason: Reason::Duplicate,
                ..
            }
        )
    },
};

/// The case rules only the library checks.
const CASE_ALLOWED: &[Allowed] = &[
    Allowed {
        rule: "a recorded Child–Pugh score agrees with the score of its five components",
        why: "arithmetic across five fields (points by unit-dependent cut-offs, then a sum)",
        matches: |e| is(e, "liver_function.child_pugh_score", inconsistent),
    },
    DUPLICATE,
];

/// The policy rules only the library checks.
const POLICY_ALLOWED: &[Allowed] = &[
    Allowed {
        rule: "pei_max_diameter_mm ≤ ablation_max_diameter_mm",
        why: "a comparison between two fields",
        matches: |e| is(e, "pei_max_diameter_mm", inconsistent),
    },
    Allowed {
        rule: "ablation_max_diameter_mm ≤ combination_max_diameter_mm",
        why: "a comparison between two fields",
        matches: |e| is(e, "ablation_max_diameter_mm", inconsistent),
    },
    DUPLICATE,
];

/// The schema's verdict on a text.
fn schema_accepts(v: &Validator, text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Value>(text).is_ok_and(|doc| v.is_valid(&doc))
}

/// Counts of one differential run.
#[derive(Default)]
struct Tally {
    documents: usize,
    both_accept: usize,
    both_reject: usize,
    /// Allowed disagreements, by rule.
    allowed: BTreeMap<&'static str, usize>,
    /// The rest: every one fails the test.
    disagreements: Vec<String>,
}

impl Tally {
    fn check(&mut self, text: &str, library: Result<(), Error>, schema: bool, allowed: &[Allowed]) {
        self.documents += 1;
        match (library, schema) {
            (Ok(()), true) => self.both_accept += 1,
            (Err(_), false) => self.both_reject += 1,
            (Ok(()), false) => self.disagreements.push(format!(
                "the library accepts, the schema rejects: {text:.400}"
            )),
            (Err(e), true) => match allowed.iter().find(|a| (a.matches)(&e)) {
                Some(a) => *self.allowed.entry(a.rule).or_default() += 1,
                None => self.disagreements.push(format!(
                    "the schema accepts, the library rejects ({e}): {text:.400}"
                )),
            },
        }
    }

    fn case(&mut self, text: &str) {
        let library = Case::from_json(text).map(|_| ());
        self.all_agrees(text, &library, Case::from_json_all(text).map(|_| ()));
        self.check(text, library, schema_accepts(&CASE, text), CASE_ALLOWED);
    }

    fn policy(&mut self, text: &str) {
        let library = Policy::from_json(text).map(|_| ());
        self.all_agrees(text, &library, Policy::from_json_all(text).map(|_| ()));
        self.check(text, library, schema_accepts(&POLICY, text), POLICY_ALLOWED);
    }

    /// `from_json_all` accepts what `from_json` accepts, and its first error is `from_json`'s.
    fn all_agrees(&mut self, text: &str, one: &Result<(), Error>, all: Result<(), Vec<Error>>) {
        match (one, all) {
            (Ok(()), Ok(())) => {}
            (Err(e), Err(all)) if all.first() == Some(e) && all.len() <= 256 => {}
            (one, all) => self.disagreements.push(format!(
                "from_json gives {one:?}, from_json_all {all:?}: {text:.400}"
            )),
        }
    }

    fn report(&self, what: &str, allowed: &[Allowed]) -> String {
        let mut s = format!(
            "{what}: {} documents, {} accepted by both, {} rejected by both, {} disagreements \
             not on the list",
            self.documents,
            self.both_accept,
            self.both_reject,
            self.disagreements.len()
        );
        for a in allowed {
            let n = self.allowed.get(a.rule).copied().unwrap_or(0);
            s.push_str(&format!("\n  allowed, {n}: {} ({})", a.rule, a.why));
        }
        for d in self.disagreements.iter().take(20) {
            s.push_str(&format!("\n  DISAGREE: {d}"));
        }
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// One edit of a document at a node.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace the node with a value.
    Set(Value),
    /// Replace the node with a raw JSON token (numbers a `Value` cannot write as given).
    Raw(String),
    /// Remove the node (a key from its object, an item from its array).
    Remove,
    /// Add a key beside the node's own (in the node, when it is an object).
    AddKey(String, Value),
    /// Give the node's key a second time, with this value.
    Duplicate(Value),
}

/// Every node of a document, as a JSON pointer, with the node.
fn nodes(v: &Value, at: String, out: &mut Vec<(String, Value)>) {
    out.push((at.clone(), v.clone()));
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| nodes(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| nodes(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// The edits tried at a node: other types, the lenient serde forms, number spellings.
fn edits_for(node: &Value) -> Vec<Edit> {
    let mut out: Vec<Edit> = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!("x"),
        json!(""),
        json!([]),
        json!({}),
        json!([node.clone()]),
        json!({ "extra": node.clone() }),
    ]
    .into_iter()
    .map(Edit::Set)
    .collect();
    out.extend(
        ["1e400", "-1e400", "18446744073709551616", "-0"]
            .iter()
            .map(|t| Edit::Raw((*t).to_owned())),
    );
    out.push(Edit::Remove);
    out.push(Edit::AddKey("extra".into(), json!(1)));
    out.push(Edit::Duplicate(node.clone()));
    match node {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                for t in [
                    format!("{i}.0"),
                    format!("{i}e0"),
                    format!("{i}0e-1"),
                    format!("{}", i + 1),
                    format!("{}", i - 1),
                    format!("{i}.5"),
                ] {
                    out.push(Edit::Raw(t));
                }
                out.push(Edit::Set(json!(i.to_string())));
            }
            if let Some(f) = n.as_f64() {
                out.push(Edit::Raw(format!("{f:e}")));
                out.push(Edit::Raw(format!("{}e2", f / 100.0)));
                out.push(Edit::Raw("-0.0".into()));
                out.push(Edit::Set(json!(-f)));
                out.push(Edit::Set(json!(f * 1000.0)));
            }
        }
        Value::String(s) => {
            out.push(Edit::Set(json!({ s.clone(): null })));
            out.push(Edit::Set(json!({ s.clone(): {} })));
            out.push(Edit::Set(json!(s.to_uppercase())));
            out.push(Edit::Set(json!(format!("{s} "))));
            out.push(Edit::Set(json!(format!("{s}\u{0}"))));
        }
        Value::Bool(b) => {
            out.push(Edit::Set(json!(!b)));
            out.push(Edit::Set(json!(b.to_string())));
            out.push(Edit::Set(json!(u8::from(*b))));
        }
        Value::Object(m) => {
            // A struct as the array of its values (serde's positional form).
            out.push(Edit::Set(Value::Array(m.values().cloned().collect())));
            out.push(Edit::AddKey("value".into(), json!(1)));
            for k in m.keys() {
                out.push(Edit::AddKey(format!("{k}_"), json!(null)));
            }
        }
        Value::Array(a) => {
            out.push(Edit::Set(Value::Array(
                a.iter().chain(a).cloned().collect(),
            )));
            let keyed: Map<String, Value> = a
                .iter()
                .enumerate()
                .map(|(i, x)| (i.to_string(), x.clone()))
                .collect();
            out.push(Edit::Set(Value::Object(keyed)));
        }
        Value::Null => {}
    }
    out
}

const RAW: &str = "__raw_token__";
const DUP: &str = "__duplicate_key__";

/// Applies edits (each at its pointer, skipped when the pointer no longer exists) and writes
/// the document.
fn apply(base: &Value, edits: &[(String, Edit)]) -> String {
    let mut doc = base.clone();
    let mut raw: Vec<String> = Vec::new();
    let mut dup_keys: Vec<String> = Vec::new();
    for (pointer, edit) in edits {
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", ""));
        match edit {
            Edit::Set(v) => {
                if let Some(t) = doc.pointer_mut(pointer) {
                    *t = v.clone();
                }
            }
            Edit::Raw(token) => {
                if let Some(t) = doc.pointer_mut(pointer) {
                    *t = Value::String(format!("{RAW}{}", raw.len()));
                    raw.push(token.clone());
                }
            }
            Edit::Remove => match doc.pointer_mut(parent) {
                Some(Value::Object(o)) if !pointer.is_empty() => {
                    o.remove(key);
                }
                Some(Value::Array(a)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < a.len() {
                            a.remove(i);
                        }
                    }
                }
                _ => {}
            },
            Edit::AddKey(k, v) => {
                if let Some(Value::Object(o)) = doc.pointer_mut(pointer) {
                    o.insert(k.clone(), v.clone());
                }
            }
            Edit::Duplicate(v) => {
                if pointer.is_empty() {
                    continue;
                }
                if let Some(Value::Object(o)) = doc.pointer_mut(parent) {
                    if o.contains_key(key) {
                        o.insert(format!("{DUP}{}", dup_keys.len()), v.clone());
                        dup_keys.push(key.to_owned());
                    }
                }
            }
        }
    }
    let mut text = doc.to_string();
    for (i, t) in raw.iter().enumerate().rev() {
        text = text.replace(&format!("\"{RAW}{i}\""), t);
    }
    for (i, k) in dup_keys.iter().enumerate().rev() {
        text = text.replace(
            &format!("\"{DUP}{i}\""),
            &Value::String(k.clone()).to_string(),
        );
    }
    text
}

/// Every single edit at every node of a document, and the document with a byte-order mark.
fn single_edits(base: &Value) -> Vec<String> {
    let mut all = Vec::new();
    nodes(base, String::new(), &mut all);
    let mut out = vec![format!("\u{feff}{base}")];
    for (pointer, node) in &all {
        for edit in edits_for(node) {
            out.push(apply(base, &[(pointer.clone(), edit)]));
        }
    }
    out
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The bundled example cases (every pathway rule, with and without components, history,
/// spread), the bases of the case mutations.
fn case_bases() -> Vec<Value> {
    crate::json_support::example_cases()
        .iter()
        .map(|(_, text)| serde_json::from_str(text).unwrap())
        .collect()
}

fn policy_bases() -> Vec<Value> {
    let mut out = vec![json!({}), serde_json::to_value(Policy::default()).unwrap()];
    for p in ["admit_child_pugh_7", "up_to_eleven"] {
        out.push(serde_json::from_str(&read(&format!("examples/policies/{p}.json"))).unwrap());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The tests

/// Fails with the report when a disagreement is not on the list, or a listed one never showed
/// (the corpus must exercise every allowance, or the list is stale).
fn verdict(t: &Tally, what: &str, allowed: &[Allowed]) {
    let report = t.report(what, allowed);
    println!("{report}");
    assert!(t.disagreements.is_empty(), "{report}");
    for a in allowed {
        assert!(
            t.allowed.contains_key(a.rule),
            "{what}: the corpus never exercised the allowance `{}`\n{report}",
            a.rule
        );
    }
}

#[test]
fn cases_the_library_and_the_schema_agree() {
    let mut t = Tally::default();
    // The bundled cases: the examples and the synthetic cohort.
    for (_, text) in crate::json_support::example_cases() {
        t.case(&text);
    }
    for line in read("examples/cohort/synthetic_cohort.jsonl").lines() {
        t.case(line);
    }
    let bundled = t.documents;
    assert_eq!(t.both_accept, bundled, "every bundled case is valid");
    // Every invalid case of the other tables.
    for (_, text, _, _) in crate::bad_inputs::bad_cases() {
        t.case(&text);
    }
    for (_, doc, _) in crate::schema::invalid_cases() {
        t.case(&doc.to_string());
    }
    // Every single edit at every node of every example case.
    for base in case_bases() {
        for text in single_edits(&base) {
            t.case(&text);
        }
    }
    assert!(t.documents > 15_000, "{}", t.documents);
    verdict(&t, "cases", CASE_ALLOWED);
}

#[test]
fn policies_the_library_and_the_schema_agree() {
    let mut t = Tally::default();
    for (_, text, _, _) in crate::bad_inputs::bad_policies() {
        t.policy(text);
    }
    for (_, doc) in crate::schema::invalid_policies() {
        t.policy(&doc.to_string());
    }
    for doc in ["[1]", "[]", "[3, 10, 70]", "null", "1", "\"{}\""] {
        t.policy(doc);
    }
    for base in policy_bases() {
        t.policy(&base.to_string());
        for text in single_edits(&base) {
            t.policy(&text);
        }
    }
    // Each threshold at and around its bounds, as an integer and as integral floats.
    let schema: Value = serde_json::from_str(&read("schemas/policy.schema.json")).unwrap();
    for (name, p) in schema["properties"].as_object().unwrap() {
        let (Some(min), Some(max)) = (p["minimum"].as_i64(), p["maximum"].as_i64()) else {
            continue;
        };
        for v in [min - 1, min, min + 1, max - 1, max, max + 1] {
            for token in [format!("{v}"), format!("{v}.0"), format!("{v}e0")] {
                t.policy(&format!(r#"{{"{name}": {token}}}"#));
            }
        }
    }
    assert!(t.documents > 1_000, "{}", t.documents);
    verdict(&t, "policies", POLICY_ALLOWED);
}

/// Picks up to three edits at random nodes of a random base.
fn random_edits(bases: &'static [Value]) -> impl Strategy<Value = (usize, Vec<(String, Edit)>)> {
    (
        0..bases.len(),
        proptest::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
            1..=3,
        ),
    )
        .prop_map(move |(b, picks)| {
            let mut all = Vec::new();
            nodes(&bases[b], String::new(), &mut all);
            let edits = picks
                .into_iter()
                .map(|(n, e)| {
                    let (pointer, node) = n.get(&all);
                    let options = edits_for(node);
                    (pointer.clone(), e.get(&options).clone())
                })
                .collect();
            (b, edits)
        })
}

static CASE_BASE_VALUES: std::sync::LazyLock<Vec<Value>> = std::sync::LazyLock::new(case_bases);
static POLICY_BASE_VALUES: std::sync::LazyLock<Vec<Value>> = std::sync::LazyLock::new(policy_bases);

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    /// Up to three edits combined: the library and the schema still agree (allowances aside).
    #[test]
    fn combined_edits_agree((b, edits) in random_edits(&CASE_BASE_VALUES[..])) {
        let mut t = Tally::default();
        t.case(&apply(&CASE_BASE_VALUES[b], &edits));
        prop_assert!(t.disagreements.is_empty(), "{:?}\n{}", edits, t.report("case", CASE_ALLOWED));
    }

    #[test]
    fn combined_policy_edits_agree((b, edits) in random_edits(&POLICY_BASE_VALUES[..])) {
        let mut t = Tally::default();
        t.policy(&apply(&POLICY_BASE_VALUES[b], &edits));
        prop_assert!(t.disagreements.is_empty(), "{:?}\n{}", edits, t.report("policy", POLICY_ALLOWED));
    }
}
