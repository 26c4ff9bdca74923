//! Errors: every invalid input names its field (as a JSON path) and the reason; as data, an
//! error is an RFC 9457 problem-details document ([`ProblemDetails`]).

use std::borrow::Cow;
use std::fmt;

use crate::engine::HitPolicyError;
use crate::macros::wire_enum;
use crate::pathway_names::PathwayRules;

pub(crate) mod parse_name;
mod quote;

pub use parse_name::ParseNameError;
pub(crate) use quote::echo;
use quote::is_unsafe;
pub use quote::ECHO_LIMIT;

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
    /// The document is not well-formed JSON (or not UTF-8).
    Syntax {
        /// What the parser said.
        detail: Cow<'static, str>,
    },
    /// A key appears more than once in the same object; the error's field names the key.
    Duplicate,
}

wire_enum! {
    /// The stable code of a [`Reason`]: the `reason` member of a problem document. Codes are
    /// never reused with another meaning; new ones may be added in a minor version.
    #[non_exhaustive]
    ReasonCode {
        /// [`Reason::NotFinite`].
        NotFinite = "not_finite",
        /// [`Reason::OutOfRange`].
        OutOfRange = "out_of_range",
        /// [`Reason::Missing`].
        Missing = "missing",
        /// [`Reason::NotAllowed`].
        NotAllowed = "not_allowed",
        /// [`Reason::Inconsistent`].
        Inconsistent = "inconsistent",
        /// [`Reason::UnknownField`].
        UnknownField = "unknown_field",
        /// [`Reason::InvalidValue`].
        InvalidValue = "invalid_value",
        /// [`Reason::Syntax`].
        Syntax = "syntax",
        /// [`Reason::Duplicate`].
        Duplicate = "duplicate",
    }
}

impl Reason {
    /// The reason's stable code.
    ///
    /// ```
    /// use hcc_pathways::error::ReasonCode;
    /// let err = hcc_pathways::Case::from_json(r#"{"performance_status": {"ecog": 7}}"#).unwrap_err();
    /// let hcc_pathways::Error::Invalid { reason, .. } = &err else { panic!() };
    /// assert_eq!(reason.code(), ReasonCode::OutOfRange);
    /// assert_eq!(reason.code().wire_name(), "out_of_range");
    /// ```
    pub fn code(&self) -> ReasonCode {
        match self {
            Reason::NotFinite => ReasonCode::NotFinite,
            Reason::OutOfRange { .. } => ReasonCode::OutOfRange,
            Reason::Missing { .. } => ReasonCode::Missing,
            Reason::NotAllowed { .. } => ReasonCode::NotAllowed,
            Reason::Inconsistent { .. } => ReasonCode::Inconsistent,
            Reason::UnknownField { .. } => ReasonCode::UnknownField,
            Reason::InvalidValue { .. } => ReasonCode::InvalidValue,
            Reason::Syntax { .. } => ReasonCode::Syntax,
            Reason::Duplicate => ReasonCode::Duplicate,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Details may quote input (an unknown name, a wrong value): whatever built the reason,
        // what is printed is bounded and free of control characters.
        let mut out = Clean::new(f, MESSAGE_LIMIT);
        self.write_to(&mut out)?;
        out.finish()
    }
}

impl Reason {
    fn write_to(&self, f: &mut impl fmt::Write) -> fmt::Result {
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
            Reason::Duplicate => f.write_str("is given more than once"),
        }
    }
}

/// The single error type of this crate.
///
/// # Field paths
///
/// Every [`Error::Invalid`] names the field at fault as a JSON path from the root of the
/// document the function reads: keys joined by `.`, array indices as `[i]`
/// (`history.systemic_regimens[0].regimen`), the empty path for the document itself. A function
/// that reads a case and a policy in one document names the policy's fields under `policy.`
/// (the HTTP service and the Python bindings do, with [`Error::within`]):
///
/// | entry point | a case field | a policy field |
/// |---|---|---|
/// | [`Case::from_json`](crate::Case::from_json), [`CaseBuilder::build`](crate::case::CaseBuilder::build), the [`quantity`](crate::quantity) constructors, the lines of [`stream`](crate::stream) | `performance_status.ecog` | — |
/// | [`Policy::from_json`](crate::Policy::from_json), [`Policy::with`](crate::Policy::with) | — | `terminal_min_ecog` |
///
/// [`recommend`](crate::recommend), [`classify`](crate::classify) and the other functions that
/// take a [`Case`](crate::Case) and a [`Policy`](crate::Policy) report no field: both are valid
/// by construction.
///
/// A lab value is named as a whole (`liver_function.bilirubin`): its bounds depend on its unit.
/// A key that is unknown or given twice is named itself (`recurrence.intrahepatic.size`).
///
/// # What a message quotes
///
/// A key or value quoted from the input is cut after [`ECHO_LIMIT`] characters (the rest is
/// counted, not printed), backslashes are doubled, and control characters and invisible
/// formatting characters are escaped as `\u{1b}`, in the path as in the reason: printing an
/// error cannot move a terminal's cursor, forge a log line or print megabytes.
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
    /// The case is valid, but facts it leaves unknown decide between pathways (spec §8): the
    /// candidate rules lead to more than one. [`crate::decide`] names the facts needed.
    #[error("undecided: the pathway depends on facts not known (candidate rules {}); `decide` names the facts needed", rule_list(*.rules))]
    Undecided {
        /// The candidate rules (of at least two pathways).
        rules: PathwayRules,
    },
}

fn rule_list(rules: PathwayRules) -> String {
    rules
        .iter()
        .map(|r| r.wire_name())
        .collect::<Vec<_>>()
        .join(", ")
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
            Error::HitPolicy(_) | Error::Undecided { .. } => None,
        }
    }

    /// The same error about another field (used where a value's constructor cannot know which
    /// of several fields it fills).
    #[must_use]
    pub(crate) fn at(self, field: &'static str) -> Self {
        match self {
            Error::Invalid { reason, .. } => Error::invalid(field, reason),
            e => e,
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

wire_enum! {
    /// The kind of problem: the `type` member of a problem document, a URN (RFC 9457 §3.1.1;
    /// not meant to be dereferenced).
    #[non_exhaustive]
    ProblemType {
        /// An input field is invalid ([`Error::Invalid`]); `field` and `reason` say which and why.
        InvalidInput = "urn:hcc-pathways:problem:invalid-input",
        /// A rule set matched zero or several rules for a valid input ([`Error::HitPolicy`]): a
        /// defect of the rule set, not of the input.
        RuleSetDefect = "urn:hcc-pathways:problem:rule-set-defect",
        /// The input is valid but facts it leaves unknown decide between pathways
        /// ([`Error::Undecided`]): `decide` names the facts needed.
        Undecided = "urn:hcc-pathways:problem:undecided",
    }
}

impl ProblemType {
    /// The problem type's `title`: the same for every occurrence.
    pub const fn title(self) -> &'static str {
        match self {
            ProblemType::InvalidInput => "Invalid input",
            ProblemType::RuleSetDefect => "Rule-set defect",
            ProblemType::Undecided => "Undecided: facts needed",
        }
    }
}

/// The most characters of a problem document's `detail` (a longer text is cut and ends in `…`).
pub const DETAIL_LIMIT: usize = 1024;
/// The most characters of a problem document's `field` (a longer path is cut and ends in `…`).
pub const PATH_LIMIT: usize = 512;

/// An [`Error`] as data: an RFC 9457 problem-details document (media type
/// `application/problem+json`), as [`Error`] serialises (features `serde`, `json`) and as
/// `schemas/error.schema.json` describes it.
///
/// | member | what |
/// |---|---|
/// | `type` | [`ProblemType`]: `urn:hcc-pathways:problem:invalid-input` or `…:rule-set-defect` |
/// | `title` | [`ProblemType::title`] |
/// | `status` | absent from the library (it speaks no HTTP); a service that answers the problem over HTTP sets it to the response's status code |
/// | `detail` | the error's message (its `Display`), escaped and bounded ([`DETAIL_LIMIT`]) |
/// | `field` | invalid input only: the field's JSON path in the library's convention (see [`Error`]), escaped and bounded ([`PATH_LIMIT`]); `""` is the document itself |
/// | `reason` | invalid input only: the stable [`ReasonCode`] |
/// | `errors` | [`ProblemDetails::from_errors`] only: every error of the document, the first of which the other members describe |
///
/// Readers ignore members they do not know (RFC 9457 §3.2); the schema lists the members this
/// version writes.
///
/// ```
/// let err = hcc_pathways::Case::from_json(r#"{"performance_status": {"ecog": 7}}"#).unwrap_err();
/// let json = serde_json::to_value(&err)?;
/// assert_eq!(json["type"], "urn:hcc-pathways:problem:invalid-input");
/// assert_eq!(json["title"], "Invalid input");
/// assert_eq!(json["field"], "performance_status.ecog");
/// assert_eq!(json["reason"], "out_of_range");
/// assert_eq!(json["detail"], err.to_string());
/// assert!(json.get("status").is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schemars",
    schemars(
        deny_unknown_fields,
        transform = crate::schema::conditions::problem,
        description = "An error of hcc-pathways as an RFC 9457 problem-details document (media type application/problem+json). `type` and `title` name the kind of problem, `detail` says what went wrong; for invalid input, `field` is the JSON path of the field at fault and `reason` a stable code. The library leaves `status` out; a service that answers the problem over HTTP sets it. `errors` lists every error when several were collected. Readers ignore members they do not know (RFC 9457 §3.2)."
    )
)]
#[non_exhaustive]
pub struct ProblemDetails {
    /// The kind of problem, a URN.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub kind: ProblemType,
    /// A short summary of the kind of problem, the same for every occurrence.
    pub title: Cow<'static, str>,
    /// The HTTP status code, when a service answers the problem over HTTP (the library leaves
    /// it out).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "u16", range(min = 400, max = 599))
    )]
    pub status: Option<u16>,
    /// What went wrong in this occurrence: the error's message, control and invisible
    /// formatting characters escaped (`\u{1b}`), cut after 1,024 characters (ending in `…`).
    #[cfg_attr(feature = "schemars", schemars(length(max = 1025)))]
    pub detail: Cow<'static, str>,
    /// Invalid input only: the JSON path of the field at fault (`performance_status.ecog`,
    /// `history.systemic_regimens[0].regimen`; `""` for the document itself), escaped as
    /// `detail`, cut after 512 characters (ending in `…`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "String", length(max = 513)))]
    pub field: Option<Cow<'static, str>>,
    /// Invalid input only: a stable code for why the field was rejected.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "ReasonCode"))]
    pub reason: Option<ReasonCode>,
    /// Every error of the document when more than one was collected
    /// ([`Case::from_json_all`](crate::Case::from_json_all)), each a problem of its own; the
    /// members above describe the first.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub errors: Vec<ProblemDetails>,
}

impl ProblemDetails {
    /// The problem document of one error.
    ///
    /// ```
    /// use hcc_pathways::error::{ProblemDetails, ProblemType, ReasonCode};
    /// let err = hcc_pathways::Policy::from_json(r#"{"terminal_min_ecog": 9}"#).unwrap_err();
    /// let p = ProblemDetails::from_error(&err);
    /// assert_eq!(p.kind, ProblemType::InvalidInput);
    /// assert_eq!(p.field.as_deref(), Some("terminal_min_ecog"));
    /// assert_eq!(p.reason, Some(ReasonCode::OutOfRange));
    /// ```
    pub fn from_error(err: &Error) -> ProblemDetails {
        let (kind, field, reason) = match err {
            Error::Invalid { field, reason } => (
                ProblemType::InvalidInput,
                Some(Cow::Owned(bounded(field, PATH_LIMIT))),
                Some(reason.code()),
            ),
            Error::HitPolicy(_) => (ProblemType::RuleSetDefect, None, None),
            Error::Undecided { .. } => (ProblemType::Undecided, None, None),
        };
        ProblemDetails {
            kind,
            title: Cow::Borrowed(kind.title()),
            status: None,
            detail: Cow::Owned(bounded(&err.to_string(), DETAIL_LIMIT)),
            field,
            reason,
            errors: Vec::new(),
        }
    }

    /// One problem document for several errors of one document (what
    /// [`Case::from_json_all`](crate::Case::from_json_all) returns): the first error's members,
    /// and every error (the first included) in `errors` when there is more than one. `None`
    /// for no error.
    ///
    /// ```
    /// use hcc_pathways::{error::ProblemDetails, Case};
    /// let json = r#"{"performance_status": {"ecog": 7}, "goals_of_care": "cure"}"#;
    /// let errors = Case::from_json_all(json).unwrap_err();
    /// let p = ProblemDetails::from_errors(&errors).unwrap();
    /// assert_eq!(p.field.as_deref(), Some("performance_status.ecog"));
    /// assert_eq!(p.errors.len(), errors.len());
    /// assert_eq!(p.errors[1].field.as_deref(), Some("goals_of_care"));
    /// ```
    pub fn from_errors(errors: &[Error]) -> Option<ProblemDetails> {
        let mut first = ProblemDetails::from_error(errors.first()?);
        if errors.len() > 1 {
            first.errors = errors.iter().map(ProblemDetails::from_error).collect();
        }
        Some(first)
    }

    /// The same problem about a document nested in a larger one: `parent.` prefixed to the
    /// field paths (here and in `errors`), as [`Error::within`] does.
    ///
    /// ```
    /// let err = hcc_pathways::Case::from_json("{").unwrap_err();
    /// let p = hcc_pathways::error::ProblemDetails::from_error(&err).within("case");
    /// assert_eq!(p.field.as_deref(), Some("case"));
    /// ```
    #[must_use]
    pub fn within(mut self, parent: &str) -> ProblemDetails {
        if let Some(field) = &self.field {
            let joined = if field.is_empty() {
                parent.to_owned()
            } else {
                format!("{parent}.{field}")
            };
            self.field = Some(Cow::Owned(bounded(&joined, PATH_LIMIT)));
        }
        self.errors = std::mem::take(&mut self.errors)
            .into_iter()
            .map(|e| e.within(parent))
            .collect();
        self
    }

    /// The same problem with the HTTP status code a service answers it with.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> ProblemDetails {
        self.status = Some(status);
        self
    }
}

impl From<&Error> for ProblemDetails {
    fn from(err: &Error) -> Self {
        ProblemDetails::from_error(err)
    }
}

/// An error serialises as its problem document ([`ProblemDetails`]).
#[cfg(feature = "serde")]
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ProblemDetails::from_error(self).serialize(s)
    }
}

/// `text` with unsafe characters escaped (as in messages), cut so that the result, `…`
/// included, has at most `limit + 1` characters.
fn bounded(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(limit * 4));
    let mut len = 0;
    let mut piece = String::new();
    for c in text.chars() {
        piece.clear();
        if is_unsafe(c) {
            piece.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            piece.push(c);
        }
        let n = piece.chars().count();
        if len + n > limit {
            out.push('…');
            return out;
        }
        out.push_str(&piece);
        len += n;
    }
    out
}

fn subject(field: &str) -> String {
    if field.is_empty() {
        "the document".to_owned()
    } else {
        format!("`{}`", clean(field, FIELD_LIMIT))
    }
}

/// The most characters of a field path an error message prints.
const FIELD_LIMIT: usize = 256;
/// The most characters of a reason an error message prints.
const MESSAGE_LIMIT: usize = 512;

/// A writer that escapes unsafe characters as `\u{1b}` and stops after `limit` characters
/// (marking the cut with `…`). It never fails on its own, so `Display` stays infallible.
struct Clean<W> {
    out: W,
    left: usize,
    cut: bool,
}

impl<W: fmt::Write> Clean<W> {
    fn new(out: W, limit: usize) -> Self {
        Clean {
            out,
            left: limit,
            cut: false,
        }
    }

    fn finish(mut self) -> fmt::Result {
        if self.cut {
            self.out.write_char('…')?;
        }
        Ok(())
    }
}

impl<W: fmt::Write> fmt::Write for Clean<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            if self.left == 0 {
                self.cut = true;
                return Ok(());
            }
            self.left -= 1;
            if is_unsafe(c) {
                write!(self.out, "\\u{{{:x}}}", u32::from(c))?;
            } else {
                self.out.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// `text` with unsafe characters escaped, cut after `limit` characters.
fn clean(text: &str, limit: usize) -> String {
    let mut s = String::new();
    let mut w = Clean::new(&mut s, limit);
    // Writing to a String cannot fail.
    let _ = fmt::Write::write_str(&mut w, text);
    let _ = w.finish();
    s
}

/// A message formatted through [`Clean`]: bounded while it is written, so a huge `Display`
/// never becomes a huge string.
#[cfg(feature = "json")]
pub(crate) fn clean_message(msg: &dyn fmt::Display) -> String {
    use fmt::Write as _;
    let mut s = String::new();
    let mut w = Clean::new(&mut s, MESSAGE_LIMIT);
    // Writing to a String cannot fail, and `Clean` never fails on its own.
    let _ = write!(w, "{msg}");
    let _ = w.finish();
    s
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
