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

/// Start of the message of an out-of-range value (kept in step with [`Reason`]'s `Display`).
#[cfg(feature = "json")]
pub(crate) const RANGE_MARK: &str = "out of range: expected ";
/// Message of a non-finite value.
#[cfg(feature = "json")]
pub(crate) const NOT_FINITE_MARK: &str = "must be a finite number";

pub(crate) fn out_of_range(expected: &'static str, found: impl fmt::Display) -> Reason {
    Reason::OutOfRange {
        expected: Cow::Borrowed(expected),
        found: Cow::Owned(found.to_string()),
    }
}
