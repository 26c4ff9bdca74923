//! Problem details (RFC 9457, `application/problem+json`) for every error the service answers.
//!
//! An error of the library is answered in the library's own shape
//! ([`hcc_pathways::error::ProblemDetails`]: the same `type`, `title`, `detail`, `field`,
//! `reason` and `errors`), with `status` set and the field paths rooted in the request body
//! (`case.performance_status.ecog`). The service's own problems (a body too large, a wrong media
//! type, an unknown path, a malformed request envelope, a FHIR resource it cannot map) use the
//! same members with types of their own. The JSON Schema is `service/schemas/problem.schema.json`,
//! served at `GET /schemas/error`; a test holds it to the library's `schemas/error.schema.json`.
//!
//! Text that may come from the request (a field path naming an unknown field, a value quoted in
//! a message) is bounded and escaped by [`clean`]: control characters are written as `\u{..}`
//! and anything past [`MAX_DETAIL`] characters is cut, so an error never echoes unbounded input.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hcc_pathways::error::{ProblemDetails, ProblemType, ReasonCode};
use hcc_pathways::Error;
use serde::Serialize;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// At most this many characters of `detail` (longer text is cut and marked with `…`): the
/// library's limit.
pub const MAX_DETAIL: usize = hcc_pathways::error::DETAIL_LIMIT;

/// At most this many characters of `field`: the library's limit.
pub const MAX_FIELD: usize = hcc_pathways::error::PATH_LIMIT;

/// One problem-details document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// A URN naming the kind of problem, for example `urn:hcc-pathways:problem:invalid-input`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short summary of the kind of problem (the same for every occurrence).
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this request (bounded and escaped).
    pub detail: String,
    /// The JSON path of the field at fault in the request body (`""`: the body itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A stable code for why the field was rejected: the library's [`ReasonCode`]s, and
    /// `unknown_code`, `unknown_unit`, `conflict` from the FHIR mapping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// Every error of the document, when the library collected several (the members above
    /// describe the first).
    #[serde(skip_serializing_if = "<[Problem]>::is_empty")]
    pub errors: Box<[Problem]>,
}

impl Problem {
    fn new(kind: &'static str, title: &'static str, status: StatusCode, detail: &str) -> Self {
        Problem {
            kind,
            title,
            status: status.as_u16(),
            detail: clean(detail, MAX_DETAIL),
            field: None,
            reason: None,
            errors: Box::default(),
        }
    }

    /// 422: a field of the request is invalid; `field` is its JSON path in the request body.
    pub fn invalid(field: &str, reason: &'static str, detail: &str) -> Self {
        let kind = ProblemType::InvalidInput;
        Problem {
            field: Some(clean(field, MAX_FIELD)),
            reason: Some(reason),
            ..Problem::new(
                kind.wire_name(),
                kind.title(),
                StatusCode::UNPROCESSABLE_ENTITY,
                detail,
            )
        }
    }

    /// The problem for a library error, in the library's shape. `prefix` is the JSON path of
    /// the document the library parsed inside the request body (`case`, `policy`), prepended to
    /// the error's field path. Invalid input is a 422; a rule-set defect
    /// ([`Error::HitPolicy`]) a 500: the input was valid.
    pub fn from_library(err: &Error, prefix: &str) -> Self {
        Problem::from_details(&ProblemDetails::from_error(err).within(prefix))
    }

    /// One problem for every error the library collected from one document
    /// ([`hcc_pathways::Case::from_json_all`]): the first error's members and all of them in
    /// `errors`, each as [`Problem::from_library`] writes it.
    pub fn from_library_all(errors: &[Error], prefix: &str) -> Self {
        match ProblemDetails::from_errors(errors) {
            Some(details) => Problem::from_details(&details.within(prefix)),
            None => Problem::internal("an error without a description"),
        }
    }

    /// The library's problem document as the service answers it: the HTTP status added.
    fn from_details(d: &ProblemDetails) -> Self {
        let status = match d.kind {
            // The case cannot be answered as it stands: more facts are needed (the service
            // answers undecided outcomes as decision documents; this is for completeness).
            ProblemType::InvalidInput | ProblemType::Undecided => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Problem {
            kind: d.kind.wire_name(),
            title: d.kind.title(),
            status: status.as_u16(),
            detail: clean(&d.detail, MAX_DETAIL),
            field: d.field.as_deref().map(|f| clean(f, MAX_FIELD)),
            reason: d.reason.map(ReasonCode::wire_name),
            errors: d.errors.iter().map(Problem::from_details).collect(),
        }
    }

    /// 400: the request cannot be read at all (for example a body that failed mid-stream).
    pub fn bad_request(detail: &str) -> Self {
        Problem::new(
            "urn:hcc-pathways:problem:bad-request",
            "Bad request",
            StatusCode::BAD_REQUEST,
            detail,
        )
    }

    /// 413: the body is larger than the limit.
    pub fn too_large(limit: usize) -> Self {
        Problem::new(
            "urn:hcc-pathways:problem:payload-too-large",
            "Request body too large",
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the request body exceeds the limit of {limit} bytes"),
        )
    }

    /// 408: the body did not arrive in time.
    pub fn timeout(limit: std::time::Duration) -> Self {
        Problem::new(
            "urn:hcc-pathways:problem:request-timeout",
            "Request timeout",
            StatusCode::REQUEST_TIMEOUT,
            &format!(
                "the request body did not arrive within {} s",
                limit.as_secs()
            ),
        )
    }

    /// 415: the body is not `application/json`.
    pub fn unsupported_media_type(found: Option<&str>) -> Self {
        let detail = match found {
            Some(ct) => format!("expected Content-Type application/json, found `{ct}`"),
            None => "expected Content-Type application/json, found none".to_owned(),
        };
        Problem::new(
            "urn:hcc-pathways:problem:unsupported-media-type",
            "Unsupported media type",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &detail,
        )
    }

    /// 404: no such resource.
    pub fn not_found(path: &str) -> Self {
        Problem::new(
            "urn:hcc-pathways:problem:not-found",
            "Not found",
            StatusCode::NOT_FOUND,
            &format!("no resource at `{path}`"),
        )
    }

    /// 405: the resource exists but not for this method.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Problem::new(
            "urn:hcc-pathways:problem:method-not-allowed",
            "Method not allowed",
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("`{method}` is not allowed on `{path}`"),
        )
    }

    /// 500: a defect of the service or the rule set; the request was valid.
    pub fn internal(detail: &str) -> Self {
        Problem::new(
            "urn:hcc-pathways:problem:internal",
            "Internal error",
            StatusCode::INTERNAL_SERVER_ERROR,
            detail,
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        // A struct of strings and integers always serialises.
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (self.status(), body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// `prefix.field`, or either alone when the other is empty.
pub fn join_path(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty()) {
        (true, _) => field.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}.{field}"),
    }
}

/// `text` with control characters escaped (`\u{1b}`), at most `max` characters long plus a
/// final `…` when cut.
pub fn clean(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 8));
    let mut len = 0;
    for c in text.chars() {
        let piece = if c.is_control() {
            format!("\\u{{{:x}}}", u32::from(c))
        } else {
            c.to_string()
        };
        let n = piece.chars().count();
        if len + n > max {
            out.push('…');
            break;
        }
        out.push_str(&piece);
        len += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_controls_and_bounds_length() {
        assert_eq!(clean("a\u{1b}[31mb\n", 100), "a\\u{1b}[31mb\\u{a}");
        let long = "x".repeat(10_000);
        let cut = clean(&long, MAX_DETAIL);
        assert_eq!(cut.chars().count(), MAX_DETAIL + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(clean("", 5), "");
        let controls = "\u{7}".repeat(1000);
        assert!(clean(&controls, MAX_DETAIL).chars().count() <= MAX_DETAIL + 1);
        assert_eq!(clean("ab\u{7}", 3), "ab…");
    }

    #[test]
    fn library_errors_name_the_request_path_and_reason() {
        let err = hcc_pathways::Case::from_json(r#"{"performance_status": {"ecog": 7}}"#)
            .expect_err("ECOG 7 is out of range");
        let p = Problem::from_library(&err, "case");
        assert_eq!(p.status, 422);
        assert_eq!(p.field.as_deref(), Some("case.performance_status.ecog"));
        assert_eq!(p.reason, Some("out_of_range"));
        let err = hcc_pathways::Case::from_json("{").expect_err("not JSON");
        let p = Problem::from_library(&err, "case");
        assert_eq!(
            (p.field.as_deref(), p.reason),
            (Some("case"), Some("syntax"))
        );
    }

    #[test]
    fn join_path_handles_empty_sides() {
        assert_eq!(join_path("case", ""), "case");
        assert_eq!(join_path("", "a.b"), "a.b");
        assert_eq!(join_path("case", "a.b"), "case.a.b");
    }
}
