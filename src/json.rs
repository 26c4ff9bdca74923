//! JSON in and out: the case and policy documents, with every error named by its JSON path.

mod strict;

use std::borrow::Cow;

use crate::case::Case;
use crate::case_serde::CaseDoc;
use crate::error::{clean_message, echo, Error, Reason};
use crate::policy::{Policy, PolicyDoc};
use strict::{Recorded, Slot, Strict};

impl Case {
    /// Parses a case from JSON and validates it.
    ///
    /// The library reads exactly the language of the committed case schema
    /// (`schemas/case.schema.json`), plus the cross-field rules of spec §2: objects
    /// only where the schema has objects (never an array of the fields in order), names only as
    /// strings (never `{"name": null}`), an integer as any number with no fractional part
    /// (`2`, `2.0`, `2e0`; `-0` is 0), `null` only for the optional facts. It is stricter than
    /// a schema validator in one way only: a key given twice in one object is an error
    /// ([`Reason::Duplicate`]) where a parser would keep the last. A leading UTF-8 byte-order
    /// mark is ignored.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the JSON path of the first problem: malformed JSON, an unknown
    /// field, a missing or duplicated field, a value of the wrong type or out of range, or facts
    /// that contradict each other (those [`CaseBuilder::build`](crate::case::CaseBuilder::build)
    /// lists, with the same errors).
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert_eq!(case.performance_status().ecog.map(|e| e.get()), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Case, Error> {
        let case = parse_json::<CaseDoc>(json)?.unchecked();
        case.validate()?;
        Ok(case)
    }

    /// As [`Case::from_json`], from bytes that must be UTF-8 (a file or request body read as
    /// is).
    ///
    /// # Errors
    /// As [`Case::from_json`]; bytes that are not UTF-8 are [`Reason::Syntax`] for the whole
    /// document, naming the offset of the first bad byte.
    ///
    /// ```
    /// use hcc_pathways::{Case, Reason};
    /// let bytes = std::fs::read("examples/cases/r5_single_small_nodule.json")?;
    /// assert!(Case::from_json_bytes(&bytes).is_ok());
    /// let err = Case::from_json_bytes(b"{\"goals_of_care\": \"\xff\"}").unwrap_err();
    /// assert_eq!(err.field(), Some(""));
    /// assert!(err.to_string().contains("not UTF-8: invalid byte at offset 19"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json_bytes(json: &[u8]) -> Result<Case, Error> {
        Case::from_json(utf8(json)?)
    }

    /// As [`Case::from_json`], with every error of the document instead of the first: the
    /// field errors a schema validator would also report (wrong types and names, ranges,
    /// unknown, missing and duplicated keys), or, when there are none, every cross-field error.
    ///
    /// The first error is always the one [`Case::from_json`] returns; the others follow in the
    /// order the reader meets them (keys given twice first). To go on past a bad value, the
    /// reader sets it aside and reads the rest of the document as if that field were valid.
    ///
    /// Limits, by design:
    /// - text that is not JSON (or not UTF-8, or holds a number beyond a 64-bit float) stops at
    ///   the first error: there is no document to read on;
    /// - a value that is not what the schema has at its place (an object where a name is
    ///   expected, a struct written as an array) is one error: what it holds is not looked into;
    /// - of a key given twice, the duplicate is reported, and only the last value is read
    ///   further (as a schema validator reads it);
    /// - the cross-field rules are checked only when no field error was found: they need the
    ///   facts they relate.
    ///
    /// # Errors
    /// Every [`Error::Invalid`] found, never an empty list.
    ///
    /// ```
    /// let json = r#"{"performance_status": {"ecog": 7, "mood": "fine"}, "goals_of_care": "cure"}"#;
    /// let errors = hcc_pathways::Case::from_json_all(json).unwrap_err();
    /// let fields: Vec<&str> = errors.iter().filter_map(|e| e.field()).collect();
    /// assert_eq!(
    ///     fields,
    ///     ["performance_status.ecog", "performance_status.mood", "goals_of_care",
    ///      "liver_function", "recurrence", "history", "drug_safety"]
    /// );
    /// assert_eq!(errors[0], hcc_pathways::Case::from_json(json).unwrap_err());
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn from_json_all(json: &str) -> Result<Case, Vec<Error>> {
        let json = json.strip_prefix(BOM).unwrap_or(json);
        match parse_json::<CaseDoc>(json) {
            Ok(doc) => {
                let case = doc.unchecked();
                let errors = case.validate_all();
                if errors.is_empty() {
                    Ok(case)
                } else {
                    Err(errors)
                }
            }
            Err(first) => {
                let template = collect::case_template();
                Err(collect::all_field_errors::<CaseDoc>(json, first, &template).0)
            }
        }
    }

    /// Serialises the case as JSON.
    pub fn to_json(&self) -> String {
        // A Case holds only finite numbers, strings and lists: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        from_json_error(String::new(), &e, None)
    }
}

impl Policy {
    /// Parses a policy from JSON (missing fields take their defaults) and validates it.
    ///
    /// Read as strictly as [`Case::from_json`] reads a case: an object (never an array of
    /// thresholds in order), integers as any number with no fractional part, no key twice, a
    /// leading byte-order mark ignored. Fields are named bare (`terminal_min_ecog`): the policy
    /// is the document. Functions that take a case and a policy name them `policy.<field>`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field for malformed JSON, unknown or duplicated fields,
    /// wrong types, a threshold outside its range, or diameters out of order
    /// (`pei_max_diameter_mm ≤ ablation_max_diameter_mm ≤ combination_max_diameter_mm`).
    ///
    /// ```
    /// let p = hcc_pathways::Policy::from_json(r#"{"systemic_max_child_pugh": 7}"#)?;
    /// assert_eq!(p.systemic_max_child_pugh(), 7);
    /// assert_eq!(p.terminal_min_ecog(), 3);
    /// let err = hcc_pathways::Policy::from_json(r#"{"terminal_min_ecog": 9}"#).unwrap_err();
    /// assert_eq!(err.field(), Some("terminal_min_ecog"));
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Policy, Error> {
        let p = parse_json::<PolicyDoc>(json)?.unchecked();
        p.validate()?;
        Ok(p)
    }

    /// As [`Policy::from_json`], from bytes that must be UTF-8.
    ///
    /// # Errors
    /// As [`Policy::from_json`]; bytes that are not UTF-8 are [`Reason::Syntax`] for the whole
    /// document.
    ///
    /// ```
    /// let p = hcc_pathways::Policy::from_json_bytes(b"{\"terminal_min_ecog\": 4}")?;
    /// assert_eq!(p.terminal_min_ecog(), 4);
    /// assert!(hcc_pathways::Policy::from_json_bytes(b"{\"\xc3\": 4}").is_err());
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn from_json_bytes(json: &[u8]) -> Result<Policy, Error> {
        Policy::from_json(utf8(json)?)
    }

    /// As [`Policy::from_json`], with every error instead of the first: the field errors, or,
    /// when there are none, every range and ordering error. The first is the one
    /// [`Policy::from_json`] returns; the limits are those of
    /// [`Case::from_json_all`](crate::Case::from_json_all).
    ///
    /// # Errors
    /// Every [`Error::Invalid`] found, never an empty list.
    ///
    /// ```
    /// let errors = hcc_pathways::Policy::from_json_all(r#"{"terminal_min_ecog": "3", "up_to_seven_limit": 5}"#)
    ///     .unwrap_err();
    /// let fields: Vec<&str> = errors.iter().filter_map(|e| e.field()).collect();
    /// assert_eq!(fields, ["terminal_min_ecog", "up_to_seven_limit"]);
    /// ```
    pub fn from_json_all(json: &str) -> Result<Policy, Vec<Error>> {
        let json = json.strip_prefix(BOM).unwrap_or(json);
        match parse_json::<PolicyDoc>(json) {
            Ok(doc) => {
                let policy = doc.unchecked();
                let errors = policy.validate_all();
                if errors.is_empty() {
                    Ok(policy)
                } else {
                    Err(errors)
                }
            }
            Err(first) => {
                let template = serde_json::to_value(Policy::default()).unwrap_or_default();
                let (mut errors, rest) =
                    collect::all_field_errors::<PolicyDoc>(json, first, &template);
                // The policy's ranges are checked after reading (the schema states them per
                // field): those of the fields read fine are field errors too.
                if let Some(rest) = rest {
                    let ranges = rest.unchecked().validate_all().into_iter().filter(|e| {
                        matches!(
                            e,
                            Error::Invalid {
                                reason: Reason::OutOfRange { .. },
                                ..
                            }
                        )
                    });
                    errors.extend(ranges);
                }
                Err(errors)
            }
        }
    }
}

/// The UTF-8 byte-order mark, which RFC 8259 §8.1 lets a parser ignore.
const BOM: char = '\u{feff}';

/// The text of a JSON document given as bytes: UTF-8, with any byte-order mark left on.
fn utf8(bytes: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        Error::invalid(
            "",
            Reason::Syntax {
                detail: Cow::Owned(format!(
                    "not UTF-8: invalid byte at offset {}",
                    e.valid_up_to()
                )),
            },
        )
    })
}

/// Maps a serde_json error, with the path where it happened and the structured reason the
/// strict reader recorded (if any), to [`Error::Invalid`].
fn from_json_error(path: String, err: &serde_json::Error, recorded: Option<Recorded>) -> Error {
    error_and_child(path, err, recorded).0
}

/// [`from_json_error`], with the name of the key the error is about when serde reports it at
/// the key's parent (a missing or duplicated field).
fn error_and_child(
    path: String,
    err: &serde_json::Error,
    recorded: Option<Recorded>,
) -> (Error, Option<String>) {
    use serde_json::error::Category;
    let text = err.to_string();
    // serde_json appends " at line L column C"; keep it for syntax errors only.
    let msg = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    let (reason, child) = match err.classify() {
        // JSON allows any number of digits; a number beyond a 64-bit float is a wrong value,
        // not a syntax error.
        Category::Syntax if msg == "number out of range" => (Reason::NotFinite, None),
        Category::Syntax | Category::Eof | Category::Io => (
            Reason::Syntax {
                detail: Cow::Owned(clean_message(&text)),
            },
            None,
        ),
        Category::Data => match recorded {
            Some(r) if r.message == msg => (r.reason, Some(r.child)),
            _ => data_reason(msg),
        },
    };
    // serde reports a missing or duplicated field at its parent (an unknown one already at
    // itself): name the field itself.
    let (field, below) = match child {
        Some(name) if path == name || path.ends_with(&format!(".{name}")) => (path, None),
        Some(name) if path.is_empty() => (name.clone(), Some(name)),
        Some(name) => (format!("{path}.{name}"), Some(name)),
        None => (path, None),
    };
    (Error::invalid(field, reason), below)
}

/// The reason of a data error raised by serde's derived code or by this crate's own
/// `Deserialize` impls, from its message. Messages that quote input come through the strict
/// reader already bounded; the field names quoted here are the types' own.
fn data_reason(msg: &str) -> (Reason, Option<String>) {
    fn between<'a>(s: &'a str, start: &str) -> Option<&'a str> {
        let rest = s.strip_prefix(start)?;
        let end = rest.find('`')?;
        Some(&rest[..end])
    }
    if let Some(name) = between(msg, "missing field `") {
        return (Reason::Missing { because: None }, Some(echo(name)));
    }
    if let Some(name) = between(msg, "duplicate field `") {
        return (Reason::Duplicate, Some(echo(name)));
    }
    if let Some(rest) = msg.strip_prefix(crate::error::RANGE_MARK) {
        if let Some((expected, found)) = rest.split_once(", found ") {
            let reason = Reason::OutOfRange {
                expected: Cow::Owned(clean_message(&expected)),
                found: Cow::Owned(clean_message(&found)),
            };
            return (reason, None);
        }
    }
    if msg == crate::error::NOT_FINITE_MARK {
        return (Reason::NotFinite, None);
    }
    let reason = Reason::InvalidValue {
        detail: Cow::Owned(clean_message(&msg)),
    };
    (reason, None)
}

/// A path as this crate writes it: `a.b[0].c`, keys cut and escaped as in messages.
fn render_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        let name = match segment {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                continue;
            }
            Segment::Map { key } => echo(key),
            Segment::Enum { variant } => echo(variant),
            Segment::Unknown => "?".to_owned(),
        };
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&name);
    }
    if out == "?" {
        out.clear();
    }
    out
}

/// [`render_path`] for a path of raw segments.
fn render_segments(path: &[collect::Seg]) -> String {
    let mut out = String::new();
    for segment in path {
        let name = match segment {
            collect::Seg::Index(index) => {
                out.push_str(&format!("[{index}]"));
                continue;
            }
            collect::Seg::Key(key) => echo(key),
        };
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(&name);
    }
    out
}

/// Parses a JSON document into `T` as the committed schemas read it (see [`strict`]), naming
/// the path of the first problem. A leading byte-order mark is ignored.
///
/// A document is read once without tracking where the reader is; only one with a problem is
/// read again, tracking the path to name it. Both readings are the same strict reader (path
/// tracking is transparent to it), so they accept exactly the same documents.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
    let json = json.strip_prefix(BOM).unwrap_or(json);
    let slot = Slot::default();
    let mut de = serde_json::Deserializer::from_str(json);
    if let Ok(value) = T::deserialize(Strict::new(&mut de, &slot)) {
        if de.end().is_ok() {
            return Ok(value);
        }
    }
    parse_json_tracked(json)
}

/// [`parse_json`] tracking the path, for the error of a document with a problem.
fn parse_json_tracked<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
    let slot = Slot::default();
    let mut de = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(Strict::new(&mut de, &slot))
        .map_err(|e| from_json_error(render_path(e.path()), e.inner(), slot.take()))?;
    de.end()
        .map_err(|e| from_json_error(String::new(), &e, None))?;
    Ok(value)
}

/// Every field error of a document: the strict reader run again and again over the parsed
/// document, each bad value set aside (replaced by a valid one of its place, taken from a
/// template document, or removed) once reported.
mod collect {
    use std::cell::RefCell;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    use super::strict::{Slot, Strict};
    use super::{error_and_child, render_path, render_segments};
    use crate::error::{Error, Reason, ReasonCode};

    /// The most errors collected from one document.
    const MAX_ERRORS: usize = 256;

    /// One step of a path, as in the document (keys unescaped).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub(super) enum Seg {
        Key(String),
        Index(usize),
    }

    /// A valid case holding every field the case has (every optional fact given, every closed
    /// set listed whole), for the values that stand in for bad ones. A unit test holds it to
    /// the case schema.
    pub(super) fn case_template() -> Value {
        serde_json::from_str(CASE_TEMPLATE).unwrap_or_default()
    }

    const CASE_TEMPLATE: &str = r#"{
        "performance_status": { "ecog": 0, "cancer_related": false },
        "liver_function": {
            "child_pugh_score": 5,
            "bilirubin": { "value": 1.0, "unit": "mg_dl" },
            "albumin": { "value": 4.0, "unit": "g_dl" },
            "inr": 1.0,
            "ascites": "none",
            "encephalopathy": "none"
        },
        "goals_of_care": "active_treatment",
        "recurrence": {
            "intrahepatic": {
                "nodules": 1,
                "largest_diameter_mm": 20,
                "infiltrative": false,
                "unsafe_ablation_location": false
            },
            "macrovascular_invasion": "none",
            "extrahepatic_sites": ["lung", "lymph_node", "bone", "adrenal", "peritoneum", "brain", "other"],
            "afp_ng_ml": 10.0
        },
        "history": {
            "procedures": ["tace", "tae", "tare", "rfa", "mwa", "pei", "resection"],
            "tace_insufficient_responses": 0,
            "tace_intrahepatic_progressions": 0,
            "afp_rising_after_tace": false,
            "months_since_last_procedure": 12,
            "systemic_regimens": [{ "regimen": "sorafenib", "tolerated": true }]
        },
        "drug_safety": {
            "liver_transplant_recipient": false,
            "autoimmune_disease": "none",
            "varices": "none_or_treated",
            "hbsag_positive": false
        }
    }"#;

    /// The errors of a document `T` could not be read from: `first` (what the strict reader
    /// reported), then every other field error, as far as they can be found (see
    /// [`Case::from_json_all`](crate::Case::from_json_all)), in document order; and the `T`
    /// read once every bad value was set aside, if it came to that.
    pub(super) fn all_field_errors<T: serde::de::DeserializeOwned>(
        json: &str,
        first: Error,
        template: &Value,
    ) -> (Vec<Error>, Option<T>) {
        let mut errors = vec![first];
        let Some((mut doc, scan)) = parse(json) else {
            return (errors, None);
        };
        // Each error found after the first, with its path in the document.
        let mut found: Vec<(Vec<Seg>, Error)> = scan
            .duplicates
            .iter()
            .map(|path| {
                (
                    path.clone(),
                    Error::invalid(render_segments(path), Reason::Duplicate),
                )
            })
            .collect();
        let mut seen: Vec<(String, ReasonCode)> = Vec::new();
        let mut read = None;
        while found.len() < MAX_ERRORS {
            let slot = Slot::default();
            let outcome: Result<T, _> = serde_path_to_error::deserialize(Strict::new(&doc, &slot));
            let e = match outcome {
                Ok(value) => {
                    read = Some(value);
                    break;
                }
                Err(e) => e,
            };
            let mut raw = raw_path(e.path());
            let (error, child) = error_and_child(render_path(e.path()), e.inner(), slot.take());
            let key = (
                error.field().unwrap_or_default().to_owned(),
                reason_code(&error),
            );
            if seen.contains(&key) {
                // Setting the value aside did not help: stop rather than loop.
                break;
            }
            seen.push(key);
            let repaired = match (reason_code(&error), child) {
                (ReasonCode::UnknownField, _) => remove(&mut doc, &raw),
                (ReasonCode::Missing, Some(name)) => {
                    raw.push(Seg::Key(name));
                    replace(&mut doc, &raw, template)
                }
                (ReasonCode::Missing | ReasonCode::Duplicate, _) => false,
                _ => replace(&mut doc, &raw, template),
            };
            found.push((raw, error));
            if !repaired {
                break;
            }
        }
        found.sort_by_key(|(path, _)| scan.position(path));
        for (_, error) in found {
            push(&mut errors, error);
        }
        (errors, read)
    }

    fn reason_code(error: &Error) -> ReasonCode {
        match error {
            Error::Invalid { reason, .. } => reason.code(),
            _ => ReasonCode::InvalidValue,
        }
    }

    /// Adds `error` unless an error about the same field for the same reason is listed.
    fn push(errors: &mut Vec<Error>, error: Error) {
        let same = |e: &Error| e.field() == error.field() && reason_code(e) == reason_code(&error);
        if !errors.iter().any(same) {
            errors.push(error);
        }
    }

    fn raw_path(path: &serde_path_to_error::Path) -> Vec<Seg> {
        use serde_path_to_error::Segment;
        path.iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
                Segment::Unknown => None,
            })
            .collect()
    }

    /// The value at `path`.
    fn get_mut<'v>(doc: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
        path.iter().try_fold(doc, |v, seg| match (seg, v) {
            (Seg::Key(k), Value::Object(map)) => map.get_mut(k),
            (Seg::Index(i), Value::Array(items)) => items.get_mut(*i),
            _ => None,
        })
    }

    /// The template's value for `path`: array items are looked up at index 0.
    fn template_at<'t>(template: &'t Value, path: &[Seg]) -> Option<&'t Value> {
        path.iter().try_fold(template, |v, seg| match (seg, v) {
            (Seg::Key(k), Value::Object(map)) => map.get(k),
            (Seg::Index(_), Value::Array(items)) => items.first(),
            _ => None,
        })
    }

    /// Removes the key at `path` (its last step must be a key).
    fn remove(doc: &mut Value, path: &[Seg]) -> bool {
        let Some((Seg::Key(key), parent)) = path.split_last() else {
            return false;
        };
        match get_mut(doc, parent) {
            Some(Value::Object(map)) => map.remove(key).is_some(),
            _ => false,
        }
    }

    /// Puts a valid value of its place at `path`: for a list item, the template's first item
    /// that the list does not hold yet (a set must not repeat one); otherwise the template's
    /// value there, or, where the template has none, nothing (the key is removed).
    fn replace(doc: &mut Value, path: &[Seg], template: &Value) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        match (last, get_mut(doc, parent)) {
            (Seg::Index(i), Some(Value::Array(items))) => {
                let Some(Value::Array(candidates)) = template_at(template, parent) else {
                    return false;
                };
                let fresh = candidates.iter().find(|c| !items.contains(c)).cloned();
                match (fresh, items.get_mut(*i)) {
                    (Some(value), Some(slot)) => {
                        *slot = value;
                        true
                    }
                    _ => false,
                }
            }
            (Seg::Key(key), Some(Value::Object(map))) => match template_at(template, path) {
                Some(value) => {
                    map.insert(key.clone(), value.clone());
                    true
                }
                None => map.remove(key).is_some(),
            },
            _ => false,
        }
    }

    /// The document as a value (the last of a key given twice), with the order of its paths
    /// and every key given twice; `None` when the text is not JSON a value can be built from.
    fn parse(json: &str) -> Option<(Value, Scan)> {
        let state = RefCell::new(Scan::default());
        let mut de = serde_json::Deserializer::from_str(json);
        let value = Node { state: &state }.deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some((value, state.into_inner()))
    }

    /// What reading the text noted besides the value.
    #[derive(Default)]
    struct Scan {
        /// Where the reader is.
        path: Vec<Seg>,
        /// Every key and item, in document order.
        order: Vec<Vec<Seg>>,
        /// Every key given twice (its second and later occurrences), in document order.
        duplicates: Vec<Vec<Seg>>,
    }

    impl Scan {
        /// Where `path` is in the document, for sorting: a path the document has sorts at its
        /// place; one it lacks (a missing key) after everything inside its nearest ancestor the
        /// document has, as a reader meets a missing key when the object ends.
        fn position(&self, path: &[Seg]) -> (usize, bool) {
            // A key the document holds sorts after a missing key met where the object before it
            // ends (both at the same index).
            if let Some(i) = self.order.iter().position(|p| p == path) {
                return (i, true);
            }
            let depth = (0..path.len())
                .rev()
                .find(|&d| d == 0 || self.order.iter().any(|p| p == &path[..d]))
                .unwrap_or(0);
            let ancestor = &path[..depth];
            let end = self
                .order
                .iter()
                .rposition(|p| p.starts_with(ancestor))
                .map_or(self.order.len(), |i| i + 1);
            (end, false)
        }
    }

    /// Builds a [`Value`] like serde_json does, noting the keys given twice.
    #[derive(Clone, Copy)]
    struct Node<'s> {
        state: &'s RefCell<Scan>,
    }

    impl<'de> DeserializeSeed<'de> for Node<'_> {
        type Value = Value;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Node<'_> {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }

        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            loop {
                let mut state = self.state.borrow_mut();
                state.path.push(Seg::Index(items.len()));
                let path = state.path.clone();
                state.order.push(path);
                drop(state);
                let item = a.next_element_seed(self);
                self.state.borrow_mut().path.pop();
                match item? {
                    Some(v) => items.push(v),
                    None => return Ok(Value::Array(items)),
                }
            }
        }

        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
            let mut map = Map::new();
            while let Some(key) = a.next_key::<String>()? {
                let mut state = self.state.borrow_mut();
                state.path.push(Seg::Key(key.clone()));
                let path = state.path.clone();
                if map.contains_key(&key) {
                    state.duplicates.push(path.clone());
                }
                state.order.push(path);
                drop(state);
                let value = a.next_value_seed(self);
                self.state.borrow_mut().path.pop();
                map.insert(key, value?);
            }
            Ok(Value::Object(map))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::Case;

        #[test]
        fn the_case_template_is_a_case_with_every_field_given() {
            let template = case_template();
            let case: Case = serde_json::from_value(template.clone()).expect("a case");
            // Nothing dropped on the way back: every field of the template is one of the case.
            assert_eq!(serde_json::to_value(case).expect("serialises"), template);
        }

        #[cfg(feature = "schemars")]
        #[test]
        fn the_case_template_has_every_property_of_the_case_schema() {
            fn walk(
                schema: &Value,
                defs: &Value,
                value: &Value,
                at: &str,
                missing: &mut Vec<String>,
            ) {
                let schema = match schema["$ref"].as_str() {
                    Some(r) => &defs[r.trim_start_matches("#/$defs/")],
                    None => schema,
                };
                if let Some(branches) = schema["anyOf"].as_array() {
                    for b in branches.iter().filter(|b| b["type"] != "null") {
                        walk(b, defs, value, at, missing);
                    }
                }
                if let Some(props) = schema["properties"].as_object() {
                    for (k, p) in props {
                        match value.get(k) {
                            Some(v) => walk(p, defs, v, &format!("{at}.{k}"), missing),
                            None => missing.push(format!("{at}.{k}")),
                        }
                    }
                }
                if let (Some(items), Some(first)) = (schema.get("items"), value.get(0)) {
                    walk(items, defs, first, &format!("{at}[0]"), missing);
                }
            }
            let schema = crate::schema::case_schema();
            let mut missing = Vec::new();
            walk(
                &schema,
                &schema["$defs"],
                &case_template(),
                "",
                &mut missing,
            );
            assert!(missing.is_empty(), "the template lacks {missing:?}");
        }
    }
}
