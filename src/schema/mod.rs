//! The JSON contract for services: JSON Schemas (draft 2020-12) for the case (input), the policy
//! (input), the recommendation (output) and the error (output, an RFC 9457 problem-details
//! document), generated from the Rust types.
//!
//! The schemas are committed under `schemas/` and a test fails when they drift from the types;
//! [`REGENERATE_COMMAND`] rewrites them. Services can also fetch them at run time with
//! [`case_schema`], [`policy_schema`], [`recommendation_schema`] and [`error_schema`].
//!
//! Each schema carries `$id` (`urn:hcc-pathways:schema:<name>:<version>`) and
//! `x-schema-version` ([`SCHEMA_VERSION`]). What counts as a breaking change is set out in the
//! README's "JSON contract" section.
//!
//! A schema checks each field on its own: types, units and ranges, closed sets, required
//! fields, unknown fields. Facts that depend on each other (a recorded Child–Pugh score against
//! its components, a diameter without nodules, ECOG 1–2 without `cancer_related`, a case with no
//! recurrence, …) are beyond it: [`Case::from_json`](crate::Case::from_json) and
//! [`Policy::from_json`](crate::Policy::from_json) check those too, as does every other way to
//! obtain a case or a policy (serde, [`CaseBuilder::build`](crate::case::CaseBuilder::build),
//! [`Policy::with`](crate::Policy::with)).
//!
//! ```
//! use hcc_pathways::schema::{case_schema, SCHEMA_VERSION};
//! let schema = case_schema();
//! assert_eq!(schema["$id"], format!("urn:hcc-pathways:schema:case:{SCHEMA_VERSION}"));
//! assert_eq!(schema["x-schema-version"], SCHEMA_VERSION);
//! assert_eq!(schema["additionalProperties"], false);
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use schemars::generate::SchemaSettings;
use schemars::transform::{RecursiveTransform, RestrictFormats, Transform};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::error::ProblemDetails;
use crate::{Case, Policy, Recommendation};

/// Version of the JSON contract (semantic versioning, shared by every schema and written in
/// every recommendation's `schema_version`): the same constant as
/// [`recommendation::SCHEMA_VERSION`](crate::recommendation::SCHEMA_VERSION).
///
/// Major: a document valid before may be rejected, or an output field may be missing or mean
/// something else. Minor: something new is accepted or emitted. Patch: descriptions only. See the
/// README's "Compatibility policy" section.
pub use crate::recommendation::SCHEMA_VERSION;

/// The command that regenerates the committed schema files from the types.
pub const REGENERATE_COMMAND: &str = "cargo run --example schema --features schemars -- --write";

/// Where the schema files are committed, relative to the crate root.
pub const SCHEMA_DIR: &str = "schemas";

/// One document of the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Document {
    /// The case, input of [`recommend`](crate::recommend) ([`Case`]).
    Case,
    /// The policy, optional input of [`recommend_with`](crate::recommend_with) ([`Policy`]).
    Policy,
    /// The recommendation, the output ([`Recommendation`]).
    Recommendation,
    /// An error, the other output: an RFC 9457 problem-details document ([`ProblemDetails`],
    /// what [`Error`](crate::Error) serialises to).
    Error,
    /// The outcome of [`decide`](crate::decide), what the HTTP service and the Python bindings
    /// answer: a recommendation (`"status": "decided"`) or, when facts the case leaves unknown
    /// decide between pathways, the candidates and the facts needed (`"status":
    /// "undecided"`).
    Decision,
}

impl Document {
    /// Every document, in the order case, policy, recommendation, error, decision.
    pub const ALL: [Document; 5] = [
        Document::Case,
        Document::Policy,
        Document::Recommendation,
        Document::Error,
        Document::Decision,
    ];

    /// The short name used in `$id` and the file name: `case`, `policy`, `recommendation`,
    /// `error`.
    pub const fn name(self) -> &'static str {
        match self {
            Document::Case => "case",
            Document::Policy => "policy",
            Document::Recommendation => "recommendation",
            Document::Error => "error",
            Document::Decision => "decision",
        }
    }

    /// The committed file name, for example `case.schema.json`.
    pub const fn file_name(self) -> &'static str {
        match self {
            Document::Case => "case.schema.json",
            Document::Policy => "policy.schema.json",
            Document::Recommendation => "recommendation.schema.json",
            Document::Error => "error.schema.json",
            Document::Decision => "decision.schema.json",
        }
    }

    /// The schema's `$id`: `urn:hcc-pathways:schema:<name>:<SCHEMA_VERSION>`.
    ///
    /// ```
    /// use hcc_pathways::schema::Document;
    /// assert!(Document::Policy.id().starts_with("urn:hcc-pathways:schema:policy:"));
    /// ```
    pub fn id(self) -> String {
        format!("urn:hcc-pathways:schema:{}:{SCHEMA_VERSION}", self.name())
    }

    /// Whether the document is an input (validated as deserialised) or an output (described as
    /// serialised: every field always written is required).
    pub const fn is_input(self) -> bool {
        matches!(self, Document::Case | Document::Policy)
    }

    /// The JSON Schema.
    pub fn schema(self) -> Value {
        match self {
            Document::Case => generate::<Case>(self),
            Document::Policy => generate::<Policy>(self),
            Document::Recommendation => generate::<Recommendation>(self),
            Document::Error => generate::<ProblemDetails>(self),
            Document::Decision => generate::<crate::Decision>(self),
        }
    }

    /// The schema as it is committed: pretty-printed JSON ending in a newline.
    pub fn render(self) -> String {
        // A `Value` built from strings, bools and finite numbers always serialises.
        let mut text = serde_json::to_string_pretty(&self.schema()).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The JSON Schema of the case (input).
///
/// ```
/// let s = hcc_pathways::schema::case_schema();
/// let ecog = &s["$defs"]["Ecog"];
/// assert_eq!((ecog["minimum"].as_u64(), ecog["maximum"].as_u64()), (Some(0), Some(4)));
/// ```
pub fn case_schema() -> Value {
    Document::Case.schema()
}

/// The JSON Schema of the policy (input; every field has a default, so none is required).
///
/// ```
/// let s = hcc_pathways::schema::policy_schema();
/// assert!(s.get("required").is_none());
/// assert_eq!(s["properties"]["terminal_min_ecog"]["minimum"], 1);
/// ```
pub fn policy_schema() -> Value {
    Document::Policy.schema()
}

/// The JSON Schema of the recommendation (output).
///
/// ```
/// let s = hcc_pathways::schema::recommendation_schema();
/// let required = s["required"].as_array().map(Vec::len).unwrap_or(0);
/// assert!(required >= 9);
/// ```
pub fn recommendation_schema() -> Value {
    Document::Recommendation.schema()
}

fn generate<T: JsonSchema>(doc: Document) -> Value {
    let settings = SchemaSettings::draft2020_12();
    let settings = if doc.is_input() {
        settings.for_deserialize()
    } else {
        settings.for_serialize()
    };
    let settings = settings
        .with_transform(RecursiveTransform(CleanDescription))
        // Drop schemars' own formats (`uint8`, `double`, …): they are not JSON Schema formats
        // and the bounds already say what they mean.
        .with_transform(RestrictFormats::default());
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    let root = schema.ensure_object();
    // Every definition is titled with its name, so generators name the type it becomes after
    // the Rust type (quicktype, json-schema-to-typescript) rather than after where it is used.
    if let Some(Value::Object(defs)) = root.get_mut("$defs") {
        for (name, def) in defs.iter_mut() {
            if let Value::Object(def) = def {
                def.entry("title")
                    .or_insert_with(|| Value::String(name.clone()));
            }
        }
    }
    root.insert("$id".into(), Value::String(doc.id()));
    root.insert("x-schema-version".into(), Value::from(SCHEMA_VERSION));
    schema.to_value()
}

/// Turns rustdoc into plain descriptions: code examples are dropped, intra-doc links
/// (`` [`recommend`](crate::recommend) ``, `` [`Case::validate`] ``) keep only their text, and
/// wrapped lines are joined into one line per paragraph.
#[derive(Clone, Copy, Debug)]
struct CleanDescription;

impl Transform for CleanDescription {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(Value::String(text)) = schema.get_mut("description") {
            *text = clean_doc(text);
        }
    }
}

fn clean_doc(doc: &str) -> String {
    let prose = doc.split("```").next().unwrap_or_default().trim_end();
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let text = &after[..close];
        let tail = &after[close + 1..];
        if !text.starts_with('`') {
            // Not a code link (for example "[0, 1]"): keep it as written.
            out.push('[');
            rest = after;
            continue;
        }
        out.push_str(text);
        rest = match tail
            .strip_prefix('(')
            .and_then(|t| t.find(')').map(|c| &t[c + 1..]))
        {
            Some(after_target) => after_target,
            None => tail,
        };
    }
    out.push_str(rest);
    // Rustdoc wraps lines; a description is one line per paragraph.
    out.split("\n\n")
        .map(|paragraph| {
            paragraph
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub(crate) mod ids;

/// The JSON Schema of an error (output): the problem-details document an
/// [`Error`](crate::Error) serialises to.
///
/// ```
/// let s = hcc_pathways::schema::error_schema();
/// assert_eq!(s["properties"]["type"]["$ref"], "#/$defs/ProblemType");
/// assert!(s["required"].as_array().unwrap().contains(&"detail".into()));
/// ```
pub fn error_schema() -> Value {
    Document::Error.schema()
}

pub(crate) mod conditions;

/// Why a committed schema file does not match the types.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Staleness {
    /// The file does not exist or cannot be read.
    Missing(String),
    /// The file is not valid JSON.
    Malformed(String),
    /// The file differs from the generated schema.
    Differs,
}

/// A committed schema file that does not match the types.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StaleSchema {
    /// The document.
    pub document: Document,
    /// The file's path.
    pub path: PathBuf,
    /// What is wrong with it.
    pub staleness: Staleness,
}

impl fmt::Display for StaleSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.staleness {
            Staleness::Missing(e) => write!(f, "{path}: missing ({e})"),
            Staleness::Malformed(e) => write!(f, "{path}: not valid JSON ({e})"),
            Staleness::Differs => write!(f, "{path}: differs from the schema the types generate"),
        }
    }
}

/// Compares the schema files in `dir` with the schemas the types generate (as JSON values, so
/// formatting does not matter) and lists those that are missing or differ.
///
/// ```
/// let stale = hcc_pathways::schema::check_dir(std::path::Path::new("schemas"));
/// assert!(stale.is_empty(), "regenerate with: {}", hcc_pathways::schema::REGENERATE_COMMAND);
/// ```
pub fn check_dir(dir: &Path) -> Vec<StaleSchema> {
    Document::ALL
        .iter()
        .filter_map(|&document| {
            let path = dir.join(document.file_name());
            let staleness = match std::fs::read_to_string(&path) {
                Err(e) => Some(Staleness::Missing(e.to_string())),
                Ok(text) => match serde_json::from_str::<Value>(&text) {
                    Err(e) => Some(Staleness::Malformed(e.to_string())),
                    Ok(committed) if committed != document.schema() => Some(Staleness::Differs),
                    Ok(_) => None,
                },
            };
            staleness.map(|staleness| StaleSchema {
                document,
                path,
                staleness,
            })
        })
        .collect()
}

/// Writes every schema file into `dir` (created if needed) and returns the paths written.
///
/// # Errors
/// The I/O error of the first directory or file that cannot be written.
pub fn write_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    Document::ALL
        .iter()
        .map(|document| {
            let path = dir.join(document.file_name());
            std::fs::write(&path, document.render())?;
            Ok(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_doc_keeps_prose_and_link_text() {
        assert_eq!(
            clean_doc("The input of [`recommend`](crate::recommend).\n\n```\nlet x = 1;\n```"),
            "The input of `recommend`."
        );
        assert_eq!(
            clean_doc("Checked by [`Case::validate`]; range [0, 1]."),
            "Checked by `Case::validate`; range [0, 1]."
        );
        assert_eq!(clean_doc("unclosed [`x"), "unclosed [`x");
        assert_eq!(clean_doc("one\ntwo\n\nthree"), "one two\n\nthree");
    }

    #[test]
    fn ids_name_the_document_and_version() {
        for d in Document::ALL {
            let s = d.schema();
            assert_eq!(s["$id"], d.id());
            assert_eq!(s["x-schema-version"], SCHEMA_VERSION);
            assert!(d.file_name().starts_with(d.name()));
        }
    }
}
