//! JSON in and out: the case and policy documents, with every error named by its JSON path.

use std::borrow::Cow;

use crate::case::Case;
use crate::error::{Error, Reason};
use crate::policy::Policy;

impl Case {
    /// Parses a case from JSON and validates it.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the JSON path of the first problem: malformed JSON, an unknown
    /// field, a missing field, a value of the wrong type or out of range, or facts that
    /// contradict each other (see [`Case::validate`]).
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert_eq!(case.performance_status.ecog.get(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Case, Error> {
        let case: Case = parse_json(json)?;
        case.validate()?;
        Ok(case)
    }

    /// Serialises the case as JSON.
    pub fn to_json(&self) -> String {
        // A Case holds only finite numbers, strings and lists: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        from_json_error(String::new(), &e)
    }
}

impl Policy {
    /// Parses a policy from JSON (missing fields take their defaults) and validates it.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field for malformed JSON, unknown fields, wrong types, or
    /// a failed [`Policy::validate`].
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
}

/// Maps a serde_json error, with the path where it happened, to [`Error::Invalid`].
pub(crate) fn from_json_error(path: String, err: &serde_json::Error) -> Error {
    use serde_json::error::Category;
    let text = err.to_string();
    // serde_json appends " at line L column C"; keep it for syntax errors only.
    let msg = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m)
        .to_owned();
    let path = if path == "." || path == "?" {
        String::new()
    } else {
        path
    };
    let (reason, child) = match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => (
            Reason::Syntax {
                detail: Cow::Owned(text),
            },
            None,
        ),
        Category::Data => data_reason(&msg),
    };
    // serde reports a missing or unknown field at its parent: name the field itself.
    let field = match child {
        Some(name) if path == name || path.ends_with(&format!(".{name}")) => path,
        Some(name) if path.is_empty() => name,
        Some(name) => format!("{path}.{name}"),
        None => path,
    };
    Error::invalid(field, reason)
}

fn data_reason(msg: &str) -> (Reason, Option<String>) {
    fn between<'a>(s: &'a str, start: &str) -> Option<&'a str> {
        let rest = s.strip_prefix(start)?;
        let end = rest.find('`')?;
        Some(&rest[..end])
    }
    if let Some(name) = between(msg, "unknown field `") {
        let reason = Reason::UnknownField {
            name: Cow::Owned(name.to_owned()),
        };
        return (reason, Some(name.to_owned()));
    }
    if let Some(name) = between(msg, "missing field `") {
        return (Reason::Missing { because: None }, Some(name.to_owned()));
    }
    if let Some(rest) = msg.strip_prefix(crate::error::RANGE_MARK) {
        if let Some((expected, found)) = rest.split_once(", found ") {
            let reason = Reason::OutOfRange {
                expected: Cow::Owned(expected.to_owned()),
                found: Cow::Owned(found.to_owned()),
            };
            return (reason, None);
        }
    }
    if msg == crate::error::NOT_FINITE_MARK {
        return (Reason::NotFinite, None);
    }
    let reason = Reason::InvalidValue {
        detail: Cow::Owned(msg.to_owned()),
    };
    (reason, None)
}

/// Parses a JSON document into `T`, naming the path of the first problem.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| from_json_error(e.path().to_string(), e.inner()))?;
    de.end().map_err(|e| from_json_error(String::new(), &e))?;
    Ok(value)
}
