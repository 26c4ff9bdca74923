//! Errors: every invalid input names its field (as a JSON path) and the reason.

use std::borrow::Cow;
use std::fmt;

use crate::engine::HitPolicyError;

/// Why a field was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A number was NaN or infinite.
    NotFinite,
    /// A number lies outside its physiological or defined range.
    OutOfRange {
        /// The accepted range, for example `0 to 4`.
        expected: Cow<'static, str>,
        /// What was given.
        found: Cow<'static, str>,
    },
    /// A required field is missing (`because` says when it is required, if conditionally).
    Missing {
        /// The condition that makes it required, if any.
        because: Option<Cow<'static, str>>,
    },
    /// A field is present where the rest of the case rules it out.
    NotAllowed {
        /// Why it is not allowed.
        because: Cow<'static, str>,
    },
    /// Facts contradict each other.
    Inconsistent {
        /// What contradicts what.
        detail: Cow<'static, str>,
    },
    /// A field that the format does not know.
    UnknownField {
        /// The unknown name.
        name: Cow<'static, str>,
    },
    /// A value of the wrong type or not one of the allowed names.
    InvalidValue {
        /// What was wrong.
        detail: Cow<'static, str>,
    },
    /// The document is not well-formed JSON.
    Syntax {
        /// What the parser said.
        detail: Cow<'static, str>,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotFinite => f.write_str("must be a finite number"),
            Reason::OutOfRange { expected, found } => {
                write!(f, "out of range: expected {expected}, found {found}")
            }
            Reason::Missing { because: None } => f.write_str("is required"),
            Reason::Missing { because: Some(b) } => write!(f, "is required {b}"),
            Reason::NotAllowed { because } => write!(f, "is not allowed {because}"),
            Reason::Inconsistent { detail } => write!(f, "is inconsistent: {detail}"),
            Reason::UnknownField { name } => write!(f, "has unknown field `{name}`"),
            Reason::InvalidValue { detail } => write!(f, "is invalid: {detail}"),
            Reason::Syntax { detail } => write!(f, "is not valid JSON: {detail}"),
        }
    }
}

/// The single error type of this crate.
///
/// ```
/// use hcc_pathways::{Case, Error, Reason};
/// let err = Case::from_json(r#"{"performance_status": {"ecog": 7}}"#).unwrap_err();
/// match err {
///     Error::Invalid { field, reason: Reason::OutOfRange { .. } } => {
///         assert_eq!(field, "performance_status.ecog")
///     }
///     other => panic!("unexpected {other}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input field is invalid.
    #[error("{} {reason}", subject(.field))]
    Invalid {
        /// The field's JSON path, for example `recurrence.intrahepatic.largest_diameter_mm`
        /// (empty for the document itself).
        field: Cow<'static, str>,
        /// Why.
        reason: Reason,
    },
    /// A rule set matched zero or several rules for a valid case: a defect in the rule set.
    #[error(transparent)]
    HitPolicy(#[from] HitPolicyError),
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: Reason) -> Self {
        Error::Invalid {
            field: field.into(),
            reason,
        }
    }

    /// The JSON path of the field at fault, if the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::HitPolicy(_) => None,
        }
    }

    /// Prefixes the field path with `parent.` (used when a value is checked inside a larger
    /// document).
    #[must_use]
    pub fn within(self, parent: &str) -> Self {
        match self {
            Error::Invalid { field, reason } => Error::Invalid {
                field: if field.is_empty() {
                    Cow::Owned(parent.to_owned())
                } else {
                    Cow::Owned(format!("{parent}.{field}"))
                },
                reason,
            },
            e => e,
        }
    }
}

fn subject(field: &str) -> String {
    if field.is_empty() {
        "the document".to_owned()
    } else {
        format!("`{field}`")
    }
}

pub(crate) fn out_of_range(expected: &'static str, found: impl fmt::Display) -> Reason {
    Reason::OutOfRange {
        expected: Cow::Borrowed(expected),
        found: Cow::Owned(found.to_string()),
    }
}

/// Maps a serde_json error, with the path where it happened, to [`Error::Invalid`].
#[cfg(feature = "json")]
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

#[cfg(feature = "json")]
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
    if let Some(rest) = msg.strip_prefix(crate::quantity::RANGE_MARK) {
        if let Some((expected, found)) = rest.split_once(", found ") {
            let reason = Reason::OutOfRange {
                expected: Cow::Owned(expected.to_owned()),
                found: Cow::Owned(found.to_owned()),
            };
            return (reason, None);
        }
    }
    if msg == crate::quantity::NOT_FINITE_MARK {
        return (Reason::NotFinite, None);
    }
    let reason = Reason::InvalidValue {
        detail: Cow::Owned(msg.to_owned()),
    };
    (reason, None)
}

/// Parses a JSON document into `T`, naming the path of the first problem.
#[cfg(feature = "json")]
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| from_json_error(e.path().to_string(), e.inner()))?;
    de.end().map_err(|e| from_json_error(String::new(), &e))?;
    Ok(value)
}
