//! Writes the corpus the code-generator checks of `contract/check.sh` read: every bundled case
//! and policy (the cases with facts not known too), the recommendation of every bundled case
//! under every bundled policy, decision documents (decided and undecided), problem documents,
//! and the invalid cases and policies of the test suite (documents both the schemas and the
//! library reject).
//!
//! ```text
//! cargo run --example contract -- target/contract/corpus
//! ```
//!
//! The directory gets `valid/{case,policy,recommendation,decision,error}/*.json`,
//! `invalid/{case,policy}/*.json` and `index.json`, which lists every file by kind with, for an
//! invalid document, what is wrong with it. Exit status: 0 when written, 1 when a bundled
//! document fails (a valid one rejected, an invalid one accepted), 2 for a usage or I/O error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hcc_pathways::engine::{HitPolicy, HitPolicyError};
use hcc_pathways::error::ProblemDetails;
use hcc_pathways::{decide_with, recommend_with, Case, Error, Policy};
use serde_json::{json, Value};

#[path = "../tests/suite/json_support/corpus.rs"]
mod corpus;

/// The files of one directory, sorted by name, with their text.
fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|x| x == "json") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            out.push((stem.into_owned(), text));
        }
    }
    out.sort();
    Ok(out)
}

struct Writer {
    root: PathBuf,
    index: Value,
}

impl Writer {
    fn write(
        &mut self,
        group: &str,
        kind: &str,
        name: &str,
        doc: &Value,
        what: Option<&str>,
    ) -> Result<(), String> {
        let dir = self.root.join(group).join(kind);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let file = format!("{group}/{kind}/{name}.json");
        let text = serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?;
        let path = self.root.join(&file);
        std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        let entry = match what {
            Some(what) => json!({ "file": file, "what": what }),
            None => json!({ "file": file }),
        };
        match self.index[group][kind].as_array_mut() {
            Some(list) => list.push(entry),
            None => self.index[group][kind] = json!([entry]),
        }
        Ok(())
    }
}

fn problem(errors: &[Error]) -> Result<Value, String> {
    let p = ProblemDetails::from_errors(errors).ok_or("no error")?;
    serde_json::to_value(p).map_err(|e| e.to_string())
}

fn run(out: &Path) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut w = Writer {
        root: out.to_owned(),
        index: json!({ "valid": {}, "invalid": {} }),
    };

    let mut policies = vec![("default".to_owned(), Policy::default())];
    w.write("valid", "policy", "empty", &json!({}), None)?;
    w.write(
        "valid",
        "policy",
        "default",
        &serde_json::to_value(Policy::default()).map_err(|e| e.to_string())?,
        None,
    )?;
    for (name, text) in read_dir(&root.join("examples/policies"))? {
        let policy = Policy::from_json(&text).map_err(|e| format!("policy {name}: {e}"))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        w.write("valid", "policy", &name, &doc, None)?;
        policies.push((name, policy));
    }

    let cases = read_dir(&root.join("examples/cases"))?;
    for (name, text) in &cases {
        let case = Case::from_json(text).map_err(|e| format!("case {name}: {e}"))?;
        let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        w.write("valid", "case", name, &doc, None)?;
        for (policy_name, policy) in &policies {
            let rec = recommend_with(&case, policy).map_err(|e| format!("{name}: {e}"))?;
            let doc: Value = serde_json::from_str(&rec.to_json()).map_err(|e| e.to_string())?;
            w.write(
                "valid",
                "recommendation",
                &format!("{name}__{policy_name}"),
                &doc,
                None,
            )?;
        }
    }

    // Cases with facts not known: valid cases, and their decisions (decided or undecided)
    // under every policy; a decision of each complete case too.
    for (name, text) in read_dir(&root.join("examples/cases/unknown"))? {
        let case = Case::from_json(&text).map_err(|e| format!("case {name}: {e}"))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        w.write("valid", "case", &format!("unknown__{name}"), &doc, None)?;
        for (policy_name, policy) in &policies {
            let decision = decide_with(&case, policy).map_err(|e| format!("{name}: {e}"))?;
            let doc: Value =
                serde_json::from_str(&decision.to_json()).map_err(|e| e.to_string())?;
            w.write(
                "valid",
                "decision",
                &format!("{name}__{policy_name}"),
                &doc,
                None,
            )?;
        }
    }
    for (name, text) in &cases {
        let case = Case::from_json(text).map_err(|e| format!("case {name}: {e}"))?;
        let decision =
            decide_with(&case, &Policy::default()).map_err(|e| format!("{name}: {e}"))?;
        let doc: Value = serde_json::from_str(&decision.to_json()).map_err(|e| e.to_string())?;
        w.write("valid", "decision", name, &doc, None)?;
    }

    for (i, (what, doc, _)) in corpus::invalid_cases().into_iter().enumerate() {
        let text = doc.to_string();
        let errors = match Case::from_json_all(&text) {
            Ok(_) => return Err(format!("the library accepts the invalid case `{what}`")),
            Err(errors) => errors,
        };
        w.write("invalid", "case", &format!("{i:03}"), &doc, Some(what))?;
        w.write(
            "valid",
            "error",
            &format!("case_{i:03}"),
            &problem(&errors)?,
            None,
        )?;
        w.write(
            "valid",
            "error",
            &format!("case_{i:03}_first"),
            &problem(&errors[..1])?,
            None,
        )?;
    }
    for (i, (what, doc)) in corpus::invalid_policies().into_iter().enumerate() {
        let errors = match Policy::from_json_all(&doc.to_string()) {
            Ok(_) => return Err(format!("the library accepts the invalid policy `{what}`")),
            Err(errors) => errors,
        };
        w.write("invalid", "policy", &format!("{i:03}"), &doc, Some(what))?;
        w.write(
            "valid",
            "error",
            &format!("policy_{i:03}"),
            &problem(&errors)?,
            None,
        )?;
    }
    let defect = Error::HitPolicy(HitPolicyError {
        rule_set: "hcc-recurrence-pathways",
        policy: HitPolicy::Unique,
        matched: vec!["R3", "R6"],
    });
    w.write(
        "valid",
        "error",
        "rule_set_defect",
        &problem(&[defect])?,
        None,
    )?;

    let index = serde_json::to_string_pretty(&w.index).map_err(|e| e.to_string())?;
    std::fs::write(out.join("index.json"), index + "\n").map_err(|e| e.to_string())?;
    let count = |group: &str| -> usize {
        w.index[group].as_object().map_or(0, |kinds| {
            kinds
                .values()
                .filter_map(Value::as_array)
                .map(Vec::len)
                .sum()
        })
    };
    println!(
        "wrote {} valid and {} invalid documents to {}",
        count("valid"),
        count("invalid"),
        out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out] = args.as_slice() else {
        eprintln!("usage: contract OUT_DIR");
        return ExitCode::from(2);
    };
    match run(Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.contains("accepts") || e.starts_with("case ") || e.starts_with("policy ") => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
