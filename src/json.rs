//! JSON in and out: the case and policy documents, with every error named by its JSON path.

mod strict;

use std::borrow::Cow;

use crate::case::Case;
use crate::error::{clean_message, echo, Error, Reason};
use crate::policy::Policy;
use strict::{Recorded, Slot, Strict};

impl Case {
    /// Parses a case from JSON and validates it.
    ///
    /// The library reads exactly the language of the committed case schema
    /// (`schemas/case.schema.json`), plus the cross-field rules of [`Case::validate`]: objects
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
    /// that contradict each other (see [`Case::validate`]).
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert_eq!(case.performance_status.ecog.map(|e| e.get()), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Case, Error> {
        let case: Case = parse_json(json)?;
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
    /// wrong types, or a failed [`Policy::validate`].
    ///
    /// ```
    /// let p = hcc_pathways::Policy::from_json(r#"{"systemic_max_child_pugh": 7}"#)?;
    /// assert_eq!(p.systemic_max_child_pugh, 7);
    /// assert_eq!(p.terminal_min_ecog, 3);
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Policy, Error> {
        let p: Policy = parse_json(json)?;
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
    /// assert_eq!(p.terminal_min_ecog, 4);
    /// assert!(hcc_pathways::Policy::from_json_bytes(b"{\"\xc3\": 4}").is_err());
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn from_json_bytes(json: &[u8]) -> Result<Policy, Error> {
        Policy::from_json(utf8(json)?)
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
    let field = match child {
        Some(name) if path == name || path.ends_with(&format!(".{name}")) => path,
        Some(name) if path.is_empty() => name,
        Some(name) => format!("{path}.{name}"),
        None => path,
    };
    Error::invalid(field, reason)
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

/// Parses a JSON document into `T` as the committed schemas read it (see [`strict`]), naming
/// the path of the first problem. A leading byte-order mark is ignored.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
    let json = json.strip_prefix(BOM).unwrap_or(json);
    let slot = Slot::default();
    let mut de = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(Strict::new(&mut de, &slot))
        .map_err(|e| from_json_error(render_path(e.path()), e.inner(), slot.take()))?;
    de.end()
        .map_err(|e| from_json_error(String::new(), &e, None))?;
    Ok(value)
}
