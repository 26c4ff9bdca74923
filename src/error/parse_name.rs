//! The error of parsing a wire name (`"tace".parse::<Procedure>()`).

use std::fmt;

use super::quote::echo;

/// A text that is not one of a type's names: the error of `FromStr` for every enumeration with
/// wire names (`"tace".parse::<Procedure>()`), for [`TreatmentId`](crate::outcomes::TreatmentId)
/// and for [`Setting`](crate::policy::Setting).
///
/// It names the type and every accepted name, so the message alone says how to fix the input.
/// Parsing is exact, as in JSON: no trimming, no case folding. The text given is kept as an
/// error message quotes input (see [`Error`](crate::Error)): at most [`ECHO_LIMIT`](super::ECHO_LIMIT) characters, control and
/// invisible characters escaped, so printing the error is safe whatever was parsed.
///
/// ```
/// use hcc_pathways::case::Procedure;
/// assert_eq!("tace".parse::<Procedure>()?, Procedure::Tace);
/// assert_eq!(Procedure::Tace.to_string(), "tace");
///
/// let err = "TACE".parse::<Procedure>().unwrap_err();
/// assert_eq!(err.type_name(), "Procedure");
/// assert_eq!(err.found(), "TACE");
/// assert!(err.accepted().contains(&"tace"));
/// assert_eq!(
///     err.to_string(),
///     "unknown Procedure `TACE`, expected one of `tace`, `tae`, `tare`, `rfa`, `mwa`, `pei`, `resection`"
/// );
/// # Ok::<(), hcc_pathways::error::ParseNameError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseNameError {
    type_name: &'static str,
    accepted: &'static [&'static str],
    found: String,
}

impl ParseNameError {
    /// The error for `text`, which is none of `accepted`, the names of `type_name`.
    pub(crate) fn new(
        type_name: &'static str,
        accepted: &'static [&'static str],
        text: &str,
    ) -> Self {
        ParseNameError {
            type_name,
            accepted,
            found: echo(text),
        }
    }

    /// The Rust name of the type that was parsed, for example `Procedure`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Every name the type accepts, in declaration order.
    pub fn accepted(&self) -> &'static [&'static str] {
        self.accepted
    }

    /// The text given, as the message quotes it: cut after [`ECHO_LIMIT`](super::ECHO_LIMIT) characters (then
    /// `…` and its length in bytes), backslashes doubled, unsafe characters escaped.
    pub fn found(&self) -> &str {
        &self.found
    }
}

impl fmt::Display for ParseNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`, expected ", self.type_name, self.found)?;
        match self.accepted {
            [] => f.write_str("no name at all"),
            [one] => write!(f, "`{one}`"),
            [a, b] => write!(f, "`{a}` or `{b}`"),
            [first, rest @ ..] => {
                write!(f, "one of `{first}`")?;
                rest.iter().try_for_each(|n| write!(f, ", `{n}`"))
            }
        }
    }
}

impl std::error::Error for ParseNameError {}
