#![doc = include_str!("../docs/cds-hooks.md")]

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hcc_pathways::{Case, Policy};
use serde_json::{json, Map, Value};

use crate::adapter::{self, View};
use crate::problem::{clean, Problem};
use crate::{json_response, read_json_body, utf8, AppState};

/// The service id: `POST /cds-services/hcc-recurrence`.
pub const SERVICE_ID: &str = "hcc-recurrence";

/// The hook the service answers.
pub const HOOK: &str = "patient-view";

/// The request extension member that carries the partial case.
pub const CASE_EXTENSION: &str = "hcc-pathways.case";

/// The request extension member that carries an optional policy.
pub const POLICY_EXTENSION: &str = "hcc-pathways.policy";

/// The longest card summary, in characters.
pub const MAX_SUMMARY: usize = 140;

/// The discovery document.
pub fn discovery_document() -> Value {
    let latest = |code: &str| {
        format!(
            "Observation?patient={{{{context.patientId}}}}&code=http://loinc.org|{code}\
             &_sort=-date&_count=1"
        )
    };
    json!({
        "services": [{
            "hook": HOOK,
            "id": SERVICE_ID,
            "title": "Recurrent HCC after interventional therapy: guideline pathway",
            "description": "Suggests one treatment pathway (repeat intervention, systemic therapy \
                or palliative care) with its options, cautions and sources for a patient whose \
                hepatocellular carcinoma recurred after TACE, embolization or ablation. Decision \
                support for the multidisciplinary tumour board, never a replacement. The tumour \
                burden, treatment history and goals of care come in the request extension \
                `hcc-pathways.case`; labs and ECOG come from the prefetch.",
            "prefetch": {
                "bilirubin": latest("1975-2"),
                "albumin": latest("1751-7"),
                "inr": latest("6301-6"),
                "afp": latest("1834-1"),
                "ecog": latest("89247-1"),
                "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
            },
        }]
    })
}

pub(crate) async fn discovery() -> Response {
    json_response(
        StatusCode::OK,
        discovery_document().to_string().into_bytes(),
    )
}

pub(crate) async fn hook(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match hook_inner(&state, &headers, body).await {
        Ok(response) => json_response(StatusCode::OK, response.to_string().into_bytes()),
        Err(problem) => problem.into_response(),
    }
}

async fn hook_inner(state: &AppState, headers: &HeaderMap, body: Body) -> Result<Value, Problem> {
    let bytes = read_json_body(headers, body, state.body_limit).await?;
    let request: Value = serde_json::from_str(utf8(&bytes)?).map_err(|e| {
        Problem::invalid(
            "",
            crate::SYNTAX,
            &format!("the body is not valid JSON: {e}"),
        )
    })?;
    let Value::Object(request) = request else {
        return Err(Problem::invalid(
            "",
            crate::INVALID_VALUE,
            "the hook request must be a JSON object",
        ));
    };
    let hook = required_str(&request, "hook")?;
    if hook != HOOK {
        return Err(Problem::invalid(
            "hook",
            crate::INVALID_VALUE,
            &format!(
                "this service answers the `{HOOK}` hook, not `{}`",
                clean(hook, 60)
            ),
        ));
    }
    required_str(&request, "hookInstance")?;
    let context = required_object(&request, "context", "context")?;
    required_str(context, "patientId").map_err(|p| Problem {
        field: Some("context.patientId".to_owned()),
        ..p
    })?;
    let extension = optional_object(&request, "extension", "extension")?;
    let partial = extension
        .and_then(|e| e.get(CASE_EXTENSION))
        .unwrap_or(&Value::Null);
    let case_path = format!("extension.{CASE_EXTENSION}");
    let policy_path = format!("extension.{POLICY_EXTENSION}");

    let custom;
    let policy = match extension.and_then(|e| e.get(POLICY_EXTENSION)) {
        None | Some(Value::Null) => &state.policy,
        Some(p) => {
            custom = Policy::from_json(&p.to_string())
                .map_err(|e| Problem::from_library(&e, &policy_path))?;
            &custom
        }
    };

    let merged = merge_prefetch(&request, partial, &case_path)?;
    let case = Case::from_json(&merged.case.to_string())
        .map_err(|e| case_problem(&e, &merged, &case_path))?;
    // The case and the policy are valid by construction: only a defect of the rules is left.
    let decision = hcc_pathways::decide_with(&case, policy)
        .map_err(|e| case_problem(&e, &merged, &case_path))?;
    match decision {
        hcc_pathways::Decision::Decided(rec) => {
            Ok(json!({ "cards": [card(&adapter::view(&rec))] }))
        }
        hcc_pathways::Decision::Undecided(u) => Ok(json!({ "cards": [undecided_card(&u)] })),
    }
}

/// The card for a case whose unknown facts decide between pathways (spec §8): no pathway, the
/// candidates and the facts needed.
fn undecided_card(u: &hcc_pathways::Undecided) -> Value {
    let candidates: Vec<String> = u
        .candidates
        .iter()
        .map(|c| {
            let rules: Vec<&str> = c.rules.iter().map(|r| r.wire_name()).collect();
            format!("{} ({})", c.pathway, rules.join(", "))
        })
        .collect();
    let mut detail = format!(
        "The pathway depends on facts not recorded. Candidates: {}.\n\nFacts needed:\n",
        candidates.join("; ")
    );
    for f in &u.facts_needed {
        let values: Vec<String> = f
            .values
            .iter()
            .map(|v| match v.pathway {
                Some(p) => format!("{} -> {p}", v.value),
                None => format!("{} -> still undecided", v.value),
            })
            .collect();
        detail.push_str(&format!("- {}: {}\n", f.fact, values.join("; ")));
    }
    detail.push_str(&format!("\n{}", u.mdt_statement));
    json!({
        "summary": clean("Recurrent HCC: pathway undecided, facts needed", MAX_SUMMARY - 1),
        "indicator": "info",
        "detail": clean(&detail, 10_000),
        "source": { "label": "hcc-pathways guideline pathway" },
    })
}

#[cfg(feature = "fhir")]
use crate::fhir::Merged;

/// Without the `fhir` feature the partial case is the whole case.
#[cfg(not(feature = "fhir"))]
struct Merged {
    case: Value,
}

#[cfg(feature = "fhir")]
fn merge_prefetch(
    request: &Map<String, Value>,
    partial: &Value,
    case_path: &str,
) -> Result<Merged, Problem> {
    let prefetch = optional_object(request, "prefetch", "prefetch")?;
    let mut facts = crate::fhir::Facts::default();
    for (key, resource) in prefetch.into_iter().flatten() {
        facts.read(&format!("prefetch.{}", clean(key, 60)), resource)?;
    }
    Ok(crate::fhir::merge(partial, case_path, &facts)?)
}

#[cfg(not(feature = "fhir"))]
fn merge_prefetch(
    _request: &Map<String, Value>,
    partial: &Value,
    case_path: &str,
) -> Result<Merged, Problem> {
    match partial {
        Value::Object(_) => Ok(Merged {
            case: partial.clone(),
        }),
        _ => Err(Problem::invalid(
            case_path,
            crate::MISSING,
            "the case document is required (this build has no FHIR mapping)",
        )),
    }
}

/// A problem for an error in the merged case: the field is the FHIR resource the fact came from,
/// or its place in the partial case.
fn case_problem(err: &hcc_pathways::Error, merged: &Merged, case_path: &str) -> Problem {
    #[cfg(feature = "fhir")]
    if let Some(field) = err.field() {
        let from_fhir = merged.provenance.iter().find(|p| {
            let f = p.case_field();
            field == f || field.starts_with(&format!("{f}."))
        });
        if let Some(p) = from_fhir {
            let mut problem = Problem::from_library(err, "");
            problem.field = Some(clean(&p.path, crate::problem::MAX_FIELD));
            problem.detail = clean(
                &format!("{} (from {}): {}", field, p.label, err),
                crate::problem::MAX_DETAIL,
            );
            return problem;
        }
    }
    #[cfg(not(feature = "fhir"))]
    let _ = merged;
    Problem::from_library(err, case_path)
}

fn required_str<'a>(o: &'a Map<String, Value>, key: &str) -> Result<&'a str, Problem> {
    match o.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        None | Some(Value::Null) => Err(Problem::invalid(
            key,
            crate::MISSING,
            &format!("`{key}` is required"),
        )),
        Some(_) => Err(Problem::invalid(
            key,
            crate::INVALID_VALUE,
            &format!("`{key}` must be a non-empty string"),
        )),
    }
}

fn required_object<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a Map<String, Value>, Problem> {
    optional_object(o, key, path)?
        .ok_or_else(|| Problem::invalid(path, crate::MISSING, &format!("`{path}` is required")))
}

fn optional_object<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, Problem> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(Problem::invalid(
            path,
            crate::INVALID_VALUE,
            &format!("`{path}` must be an object"),
        )),
    }
}

/// The card for a recommendation.
pub fn card(view: &View) -> Value {
    let summary = clean(
        &format!(
            "Recurrent HCC: {} suggested, for MDT review",
            view.pathway_label
        ),
        MAX_SUMMARY - 1,
    );
    let indicator = if view.cautions.is_empty() {
        "info"
    } else {
        "warning"
    };
    let mut source = Map::new();
    let label = match view.sources.first() {
        Some((key, _)) => format!("hcc-pathways guideline pathway ({key})"),
        None => "hcc-pathways guideline pathway".to_owned(),
    };
    source.insert("label".to_owned(), Value::String(label));
    if let Some(url) = view.sources.first().and_then(|(_, r)| doi_url(r)) {
        source.insert("url".to_owned(), Value::String(url));
    }
    source.insert(
        "topic".to_owned(),
        json!({
            "system": "urn:hcc-pathways:pathway",
            "code": view.pathway_id,
            "display": view.pathway_label,
        }),
    );
    json!({
        "summary": summary,
        "indicator": indicator,
        "detail": detail_markdown(view),
        "source": source,
    })
}

/// `https://doi.org/<doi>` for a reference that ends in `doi:<doi>`.
fn doi_url(reference: &str) -> Option<String> {
    let (_, doi) = reference.rsplit_once("doi:")?;
    let doi = doi.trim().trim_end_matches('.');
    let valid = doi.starts_with("10.") && !doi.is_empty() && !doi.contains(char::is_whitespace);
    valid.then(|| format!("https://doi.org/{doi}"))
}

/// The card's Markdown detail. `write!` to a `String` cannot fail.
fn detail_markdown(view: &View) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "**Pathway: {}** (`{}`)\n",
        view.pathway_label, view.pathway_id
    );
    let _ = writeln!(md, "**Why:** {}\n", view.reason);
    let _ = writeln!(md, "**Options, in order:**\n");
    for (i, o) in view.options.iter().enumerate() {
        let _ = writeln!(md, "{}. **{}**: {}", i + 1, o.name, o.detail);
    }
    if !view.cautions.is_empty() {
        let _ = writeln!(md, "\n**Cautions:**\n");
        for c in &view.cautions {
            let _ = writeln!(md, "- {c}");
        }
    }
    if !view.considerations.is_empty() {
        let _ = writeln!(md, "\n**Considerations:**\n");
        for c in &view.considerations {
            let _ = writeln!(md, "- {c}");
        }
    }
    if !view.sources.is_empty() {
        let _ = writeln!(md, "\n**Sources:**\n");
        for (key, reference) in &view.sources {
            let _ = writeln!(md, "- {key}: {reference}");
        }
    }
    let _ = write!(md, "\n_{}_", view.mdt_statement);
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doi_links_only_for_dois() {
        assert_eq!(
            doi_url("Reig M. J Hepatol 2022. doi:10.1016/j.jhep.2021.11.018").as_deref(),
            Some("https://doi.org/10.1016/j.jhep.2021.11.018")
        );
        assert_eq!(doi_url("EASL. J Hepatol 2018;69:182-236"), None);
        assert_eq!(doi_url("doi: not a doi"), None);
    }
}
