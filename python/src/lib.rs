//! The native half of the Python package `hcc_pathways` (imported as `hcc_pathways._native`).
//!
//! It is deliberately thin: JSON text in, the library's own JSON (or pathway and rule) out, and
//! every library error turned into the Python exception that names the document at fault. The
//! public Python API, its docstrings and the conversion of dicts and DataFrames to JSON text
//! live in `python/hcc_pathways/__init__.py`; nothing here knows a field of the case or the
//! recommendation.
//!
//! Nothing here can panic on input (no `unwrap` on input-derived values); each case is still
//! run under `catch_unwind`, so that a defect in the library becomes an `InternalError` for
//! that case instead of aborting a batch.

use std::panic::{catch_unwind, AssertUnwindSafe};

use hcc_pathways::{classify, decide_with, Case, Decision, Error, PathwayRules, Policy};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};

/// The version of the clinical rule set. Kept in one place: if the constant moves in the
/// library, this is the only line to change.
const RULE_SET_VERSION: &str = hcc_pathways::pathway::CLINICAL_VERSION;

/// Cases converted and run per release of the GIL in the batch functions: bounds the memory
/// held as JSON text at once, and lets other Python threads run between chunks.
const CHUNK: usize = 1024;

/// Which document an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Case,
    Policy,
    /// Not about the input: a defect in the library (a rule set breaking its hit policy, a
    /// panic).
    Internal,
}

/// A library error, as plain data that can cross from a thread without the GIL.
#[derive(Debug)]
struct Failure {
    kind: Kind,
    /// The field's JSON path (empty for the document itself; `None` if not about a field).
    path: Option<String>,
    /// The reason alone, without the path.
    reason: String,
    /// The library's full message.
    message: String,
}

impl Failure {
    /// Maps a library error about `kind`: the case's or the policy's document, whose parsing
    /// is the only place the library checks input (a case and a policy are valid by
    /// construction). An error naming no field is internal.
    fn from_error(kind: Kind, err: &Error) -> Self {
        let message = err.to_string();
        let reason = match err {
            Error::Invalid { reason, .. } => reason.to_string(),
            _ => message.clone(),
        };
        let (kind, path) = match err.field() {
            None => (Kind::Internal, None),
            Some(field) => (kind, Some(field.to_owned())),
        };
        Failure {
            kind,
            path,
            reason,
            message,
        }
    }

    fn panicked(payload: &(dyn std::any::Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let message = format!("hcc-pathways failed on this case ({what}); please report it");
        Failure {
            kind: Kind::Internal,
            path: None,
            reason: message.clone(),
            message,
        }
    }

    /// The Python exception instance: `InvalidCase`, `InvalidPolicy` or `InternalError` of
    /// `hcc_pathways._errors`, built as `Class(message, path, reason)`.
    fn to_object<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let class = error_class(py, self.kind)?;
        class.call1((
            self.message.as_str(),
            self.path.as_deref(),
            self.reason.as_str(),
        ))
    }

    fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self.to_object(py) {
            Ok(obj) => PyErr::from_value(obj),
            Err(e) => e,
        }
    }
}

/// The exception classes, defined in Python (`hcc_pathways/_errors.py`) so that they carry
/// docstrings, attributes and pickling; looked up once.
fn error_class(py: Python<'_>, kind: Kind) -> PyResult<&Bound<'_, PyType>> {
    static CASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static POLICY: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static INTERNAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let (cell, name) = match kind {
        Kind::Case => (&CASE, "InvalidCase"),
        Kind::Policy => (&POLICY, "InvalidPolicy"),
        Kind::Internal => (&INTERNAL, "InternalError"),
    };
    cell.import(py, "hcc_pathways._errors", name)
}

/// Runs `f`, turning a panic into a [`Failure`].
fn guarded<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(Failure::panicked(&*payload)))
}

/// The UTF-8 text of a Python `str` (one with a lone surrogate has none).
fn text_of(kind: Kind, s: &Bound<'_, PyString>) -> Result<String, Failure> {
    s.to_str().map(str::to_owned).map_err(|e| {
        let reason = format!("is not valid Unicode text: {e}");
        Failure {
            kind,
            path: Some(String::new()),
            message: format!("the document {reason}"),
            reason,
        }
    })
}

fn parse_policy(policy: Option<&Bound<'_, PyString>>) -> Result<Policy, Failure> {
    let Some(policy) = policy else {
        return Ok(Policy::default());
    };
    let text = text_of(Kind::Policy, policy)?;
    guarded(|| Policy::from_json(&text).map_err(|e| Failure::from_error(Kind::Policy, &e)))
}

fn parse_case(text: &str) -> Result<Case, Failure> {
    Case::from_json(text).map_err(|e| Failure::from_error(Kind::Case, &e))
}

fn recommend_one(text: &str, policy: &Policy) -> Result<String, Failure> {
    guarded(|| {
        let case = parse_case(text)?;
        // The decision as data: a recommendation (`"status": "decided"`), or, when facts not
        // known decide between pathways, the facts needed (`"status": "undecided"`).
        match decide_with(&case, policy) {
            Ok(Decision::Decided(rec)) => Ok(rec.to_json_explained()),
            Ok(Decision::Undecided(u)) => Ok(serde_json::to_string(&u).unwrap_or_default()),
            Err(e) => Err(Failure::from_error(Kind::Case, &e)),
        }
    })
}

/// The candidate rules as text: `R5`, or `R2 or R7` when facts not known leave both.
fn rules_text(rules: PathwayRules) -> String {
    let ids: Vec<&str> = rules.iter().map(|r| r.wire_name()).collect();
    ids.join(" or ")
}

/// The pathway (`None` when undecided: facts not known decide) and the candidate rules.
fn classify_one(text: &str, policy: &Policy) -> Result<(Option<String>, String), Failure> {
    guarded(|| {
        let case = parse_case(text)?;
        match classify(&case, policy) {
            Ok(c) => Ok((Some(c.pathway.to_string()), rules_text(c.rules))),
            Err(Error::Undecided { rules }) => Ok((None, rules_text(rules))),
            Err(e) => Err(Failure::from_error(Kind::Case, &e)),
        }
    })
}

/// The recommendation for one case (JSON text) under a policy (JSON text, or None for the
/// default), as the library's JSON text. Raises InvalidCase, InvalidPolicy or InternalError.
#[pyfunction]
#[pyo3(signature = (case, policy=None, /))]
fn recommend_json(
    py: Python<'_>,
    case: &Bound<'_, PyString>,
    policy: Option<&Bound<'_, PyString>>,
) -> PyResult<String> {
    let policy = parse_policy(policy).map_err(|f| f.into_pyerr(py))?;
    let case = text_of(Kind::Case, case).map_err(|f| f.into_pyerr(py))?;
    py.detach(|| recommend_one(&case, &policy))
        .map_err(|f| f.into_pyerr(py))
}

/// The pathway and deciding rule for one case (JSON text) under a policy (JSON text, or None),
/// as a tuple of two strings. Raises InvalidCase, InvalidPolicy or InternalError.
#[pyfunction]
#[pyo3(signature = (case, policy=None, /))]
fn classify_pair(
    py: Python<'_>,
    case: &Bound<'_, PyString>,
    policy: Option<&Bound<'_, PyString>>,
) -> PyResult<(Option<String>, String)> {
    let policy = parse_policy(policy).map_err(|f| f.into_pyerr(py))?;
    let case = text_of(Kind::Case, case).map_err(|f| f.into_pyerr(py))?;
    py.detach(|| classify_one(&case, &policy))
        .map_err(|f| f.into_pyerr(py))
}

/// Runs `work` over `cases` in chunks of [`CHUNK`] without the GIL and appends one Python
/// object per case to the returned list, in order: `done(output)` for a success, the exception
/// instance for a failure. An item that is not a `str` (the Python layer puts the exception of
/// a case it could not turn into JSON there) is passed through unchanged.
fn run_batch<'py, T: Send>(
    py: Python<'py>,
    cases: &Bound<'py, PyList>,
    work: impl Fn(&str) -> Result<T, Failure> + Sync,
    mut done: impl FnMut(T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    let len = cases.len();
    let mut start = 0;
    while start < len {
        let end = len.min(start + CHUNK);
        let items: Vec<Bound<'py, PyAny>> = (start..end)
            .map(|i| cases.get_item(i))
            .collect::<PyResult<_>>()?;
        let texts: Vec<Option<Result<String, Failure>>> = items
            .iter()
            .map(|item| item.cast::<PyString>().ok().map(|s| text_of(Kind::Case, s)))
            .collect();
        let results: Vec<Option<Result<T, Failure>>> = py.detach(|| {
            texts
                .into_iter()
                .map(|t| t.map(|t| t.and_then(|t| work(&t))))
                .collect()
        });
        for (item, result) in items.into_iter().zip(results) {
            let obj = match result {
                None => item,
                Some(Ok(value)) => done(value)?,
                Some(Err(failure)) => failure.to_object(py)?,
            };
            out.append(obj)?;
        }
        start = end;
    }
    Ok(out)
}

/// Classifies a list of cases (JSON text) under one policy: a list of {"pathway", "rule"}
/// dicts, with the exception instance in place of each invalid case. Raises InvalidPolicy for
/// an invalid policy (before any case is run).
#[pyfunction]
#[pyo3(signature = (cases, policy=None, /))]
fn classify_many<'py>(
    py: Python<'py>,
    cases: &Bound<'py, PyList>,
    policy: Option<&Bound<'py, PyString>>,
) -> PyResult<Bound<'py, PyList>> {
    let policy = parse_policy(policy).map_err(|f| f.into_pyerr(py))?;
    let pathway_key = pyo3::intern!(py, "pathway");
    let rule_key = pyo3::intern!(py, "rule");
    run_batch(
        py,
        cases,
        |text| classify_one(text, &policy),
        |(pathway, rule)| {
            let d = PyDict::new(py);
            d.set_item(pathway_key, pathway)?;
            d.set_item(rule_key, rule)?;
            Ok(d.into_any())
        },
    )
}

/// Recommends for a list of cases (JSON text) under one policy: a list of recommendation
/// dicts (the library's JSON, read by `json.loads`), with the exception instance in place of
/// each invalid case. Raises InvalidPolicy for an invalid policy (before any case is run).
#[pyfunction]
#[pyo3(signature = (cases, policy=None, /))]
fn recommend_many<'py>(
    py: Python<'py>,
    cases: &Bound<'py, PyList>,
    policy: Option<&Bound<'py, PyString>>,
) -> PyResult<Bound<'py, PyList>> {
    let policy = parse_policy(policy).map_err(|f| f.into_pyerr(py))?;
    let loads = py.import("json")?.getattr("loads")?;
    run_batch(
        py,
        cases,
        |text| recommend_one(text, &policy),
        |json| loads.call1((json,)),
    )
}

/// The JSON Schema of "case", "policy" or "recommendation" as JSON text.
#[pyfunction]
fn schema_json(name: &str) -> PyResult<String> {
    use hcc_pathways::schema::{case_schema, policy_schema, recommendation_schema};
    let schema = match name {
        "case" => case_schema(),
        "policy" => policy_schema(),
        "recommendation" => recommendation_schema(),
        other => {
            return Err(PyValueError::new_err(format!(
                "no schema named {other:?}: expected \"case\", \"policy\" or \"recommendation\""
            )))
        }
    };
    serde_json::to_string(&schema).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// The native half of `hcc_pathways` (private: use the `hcc_pathways` package).
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(recommend_json, m)?)?;
    m.add_function(wrap_pyfunction!(classify_pair, m)?)?;
    m.add_function(wrap_pyfunction!(classify_many, m)?)?;
    m.add_function(wrap_pyfunction!(recommend_many, m)?)?;
    m.add_function(wrap_pyfunction!(schema_json, m)?)?;
    m.add("CRATE_VERSION", env!("HCC_PATHWAYS_VERSION"))?;
    m.add("RULE_SET_VERSION", RULE_SET_VERSION)?;
    m.add("SCHEMA_VERSION", hcc_pathways::schema::SCHEMA_VERSION)?;
    m.add("BINDINGS_VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
