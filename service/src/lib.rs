//! # hcc-pathways-service
//!
//! An HTTP service around [`hcc_pathways`]: a case in, exactly one treatment pathway with its
//! options, cautions and explanation out, as JSON or as CDS Hooks cards. **Decision support for
//! the multidisciplinary tumour board (MDT), never a replacement for it**: every answer carries
//! the MDT statement.
//!
//! | endpoint | what |
//! |---|---|
//! | `POST /recommend` | body `{"case": {…}, "policy": {…}}` (`policy` optional) → the recommendation |
//! | `GET /schemas/{case,policy,recommendation,error}` | the JSON Schemas of the contract |
//! | `GET /healthz` | liveness, with the crate and schema versions |
//! | `GET /cds-services` | CDS Hooks 2.0 discovery |
//! | `POST /cds-services/hcc-recurrence` | CDS Hooks `patient-view` → one card (see [`cds`]) |
//!
//! Every error is an RFC 9457 problem document ([`problem`]): 422 names the field by its JSON
//! path in the request body and a stable `reason` code; a body over the limit is 413, a body
//! that is not `application/json` is 415, an unknown path 404, a wrong method 405.
//!
//! The service is thin: it parses the request envelope, hands the case and policy documents to
//! [`hcc_pathways::Case::from_json`] and [`hcc_pathways::Policy::from_json`], and writes the
//! library's [`hcc_pathways::Recommendation`] as it serialises. Nothing in the request is
//! logged except the method, path, status and latency (cases are patient data).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod adapter;
pub mod cds;
#[cfg(feature = "fhir")]
pub mod fhir;
pub mod problem;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hcc_pathways::error::ReasonCode;
use hcc_pathways::{Case, Policy};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Deserialize;
use serde_json::value::RawValue;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

pub use problem::Problem;

/// The library's reason codes the service's own problems use.
pub(crate) const SYNTAX: &str = ReasonCode::Syntax.wire_name();
pub(crate) const INVALID_VALUE: &str = ReasonCode::InvalidValue.wire_name();
pub(crate) const UNKNOWN_FIELD: &str = ReasonCode::UnknownField.wire_name();
pub(crate) const MISSING: &str = ReasonCode::Missing.wire_name();
pub(crate) const DUPLICATE: &str = ReasonCode::Duplicate.wire_name();

/// The default limit on a request body: 256 KiB (the bundled cases are under 2 KiB).
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;

/// How long a client may take to send its request body before it gets 408.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The default address: loopback only, port 8080.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The problem-details schema served at `GET /schemas/error`.
pub const PROBLEM_SCHEMA: &str = include_str!("../schemas/problem.schema.json");

/// How the service is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The policy used when a request gives none (the library's default unless the centre
    /// starts the service with its own).
    pub policy: Policy,
    /// The largest request body accepted, in bytes; larger bodies get 413.
    pub body_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            policy: Policy::default(),
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }
}

/// Shared by the handlers.
pub(crate) struct AppState {
    pub(crate) policy: Policy,
    pub(crate) body_limit: usize,
    schemas: [(&'static str, Bytes); 4],
}

/// The service's router, with request tracing and panic containment.
pub fn router(config: Config) -> Router {
    let render = |v: serde_json::Value| Bytes::from(serde_json::to_vec(&v).unwrap_or_default());
    let state = Arc::new(AppState {
        policy: config.policy,
        body_limit: config.body_limit,
        schemas: [
            ("case", render(hcc_pathways::schema::case_schema())),
            ("policy", render(hcc_pathways::schema::policy_schema())),
            (
                "recommendation",
                render(hcc_pathways::schema::recommendation_schema()),
            ),
            ("error", Bytes::from_static(PROBLEM_SCHEMA.as_bytes())),
        ],
    });
    Router::new()
        .route("/recommend", post(recommend))
        .route("/schemas/{name}", get(schema))
        .route("/healthz", get(healthz))
        .route("/cds-services", get(cds::discovery))
        .route(
            &format!("/cds-services/{}", cds::SERVICE_ID),
            post(cds::hook),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(CatchPanicLayer::custom(|_| {
            Problem::internal("the service failed while handling the request").into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                )
                .on_failure(DefaultOnFailure::new().level(Level::ERROR)),
        )
}

/// Serves `router` on `listener` until `shutdown` completes.
///
/// # Errors
/// An I/O error of the listener.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(config))
        .with_graceful_shutdown(shutdown)
        .await
}

const ENVELOPE_SHAPE: &str = "the body must be an object {\"case\": {…}, \"policy\": {…}}";

/// The body of `POST /recommend`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecommendRequest<'a> {
    #[serde(borrow)]
    case: &'a RawValue,
    #[serde(borrow, default)]
    policy: Option<&'a RawValue>,
}

async fn recommend(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Body) -> Response {
    match recommend_inner(&state, &headers, body).await {
        Ok(json) => json_response(StatusCode::OK, json),
        Err(problem) => problem.into_response(),
    }
}

async fn recommend_inner(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Vec<u8>, Problem> {
    let bytes = read_json_body(headers, body, state.body_limit).await?;
    let text = utf8(&bytes)?;
    let request: RecommendRequest<'_> =
        serde_json::from_str(text).map_err(|e| envelope_problem(&e))?;
    // serde also reads a struct from an array (`[case, policy]`): only the object form is the
    // contract.
    if !text.trim_start().starts_with('{') {
        return Err(Problem::invalid("", INVALID_VALUE, ENVELOPE_SHAPE));
    }
    // Every error of the case (or of the policy) in one answer, not only the first.
    let case = Case::from_json_all(request.case.get())
        .map_err(|errors| Problem::from_library_all(&errors, "case"))?;
    // `"policy": null` is read as no policy: the service's default applies.
    let custom;
    let policy = match request.policy {
        Some(raw) if raw.get() != "null" => {
            custom = Policy::from_json_all(raw.get())
                .map_err(|errors| Problem::from_library_all(&errors, "policy"))?;
            &custom
        }
        _ => &state.policy,
    };
    // The decision as data: a recommendation (`"status": "decided"`), or, when facts the case
    // leaves unknown decide between pathways, the facts needed (`"status": "undecided"`). The
    // case and the policy are valid by construction: only a defect of the rules is left.
    let decision =
        hcc_pathways::decide_with(&case, policy).map_err(|e| Problem::from_library(&e, "case"))?;
    serde_json::to_vec(&decision).map_err(|e| Problem::internal(&e.to_string()))
}

/// Reads a request body of media type `application/json` of at most `limit` bytes.
pub(crate) async fn read_json_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, Problem> {
    let content_type = headers.get(header::CONTENT_TYPE);
    let is_json = content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        let found = content_type.map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        return Err(Problem::unsupported_media_type(found.as_deref()));
    }
    // Refuse a declared length over the limit before reading anything.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Problem::too_large(limit));
    }
    let read = tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, limit).collect()).await;
    let Ok(read) = read else {
        return Err(Problem::timeout(BODY_TIMEOUT));
    };
    match read {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(Problem::too_large(limit)),
        Err(e) => Err(Problem::bad_request(&format!(
            "the request body could not be read: {e}"
        ))),
    }
}

pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        Problem::invalid(
            "",
            SYNTAX,
            &format!(
                "the request body is not UTF-8 (at byte {})",
                e.valid_up_to()
            ),
        )
    })
}

/// A problem for a serde_json error on the request envelope: syntax, an unknown or missing
/// member, or a body that is not an object.
pub(crate) fn envelope_problem(err: &serde_json::Error) -> Problem {
    use serde_json::error::Category;
    let text = err.to_string();
    let msg = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    let quoted = |prefix: &str| {
        msg.strip_prefix(prefix)
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name.to_owned())
    };
    match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            Problem::invalid("", SYNTAX, &format!("the body is not valid JSON: {text}"))
        }
        Category::Data => {
            if let Some(name) = quoted("unknown field `") {
                Problem::invalid(&name, UNKNOWN_FIELD, &format!("unknown member `{name}`"))
            } else if let Some(name) = quoted("missing field `") {
                Problem::invalid(&name, MISSING, &format!("`{name}` is required"))
            } else if let Some(name) = quoted("duplicate field `") {
                Problem::invalid(&name, DUPLICATE, &format!("`{name}` is given twice"))
            } else {
                Problem::invalid("", INVALID_VALUE, &format!("{ENVELOPE_SHAPE}: {msg}"))
            }
        }
    }
}

pub(crate) fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn schema(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    match state.schemas.iter().find(|(n, _)| *n == name) {
        Some((_, body)) => {
            let mut response = (StatusCode::OK, body.clone()).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/schema+json"),
            );
            response
        }
        None => Problem::not_found(&format!("/schemas/{name}")).into_response(),
    }
}

async fn healthz() -> Response {
    let body = serde_json::json!({
        "status": "ok",
        "service": env!("CARGO_PKG_VERSION"),
        "schema_version": hcc_pathways::schema::SCHEMA_VERSION,
    });
    json_response(StatusCode::OK, body.to_string().into_bytes())
}

async fn not_found(uri: Uri) -> Response {
    Problem::not_found(uri.path()).into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    Problem::method_not_allowed(method.as_str(), uri.path()).into_response()
}
