//! The Rust side of the Python bindings' agreement tests: what the library itself answers,
//! with no Python involved.
//!
//! ```text
//! cargo run -p hcc-pathways-python --example reference -- recommend CASE.json [POLICY.json]
//! cargo run -p hcc-pathways-python --example reference -- classify COHORT.jsonl [POLICY.json]
//! ```
//!
//! `recommend` prints `Recommendation::to_json_explained()` for one case file, unchanged. `classify`
//! prints one JSON line per line of a JSON Lines cohort: `{"pathway": …, "rule": …}`, or
//! `{"error": {"path": …, "message": …}}` for a case the library rejects.
//!
//! Exit status: 0 on success, 1 for an invalid case (`recommend`) or policy, 2 for a usage or
//! I/O error.

use std::process::ExitCode;

use hcc_pathways::{classify, recommend_with, Case, Policy};
use serde_json::json;

const USAGE: &str = "usage: reference recommend CASE.json [POLICY.json]\n       \
                     reference classify COHORT.jsonl [POLICY.json]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, input, policy_path) = match args.as_slice() {
        [mode, input] => (mode.as_str(), input, None),
        [mode, input, policy] => (mode.as_str(), input, Some(policy)),
        _ => return usage(),
    };
    let policy = match policy_path {
        None => Policy::default(),
        Some(path) => match read(path).map(|t| Policy::from_json(&t)) {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                eprintln!("error: invalid policy {path}: {e}");
                return ExitCode::from(1);
            }
            Err(code) => return code,
        },
    };
    let text = match read(input) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match mode {
        "recommend" => match Case::from_json(&text).and_then(|c| recommend_with(&c, &policy)) {
            Ok(rec) => {
                println!("{}", rec.to_json_explained());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: invalid case: {e}");
                ExitCode::from(1)
            }
        },
        "classify" => {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let out = match Case::from_json(line).and_then(|c| classify(&c, &policy)) {
                    Ok(c) => {
                        let rules: Vec<&str> = c.rules.iter().map(|r| r.wire_name()).collect();
                        json!({"pathway": c.pathway.to_string(), "rule": rules.join(" or ")})
                    }
                    Err(hcc_pathways::Error::Undecided { rules }) => {
                        let rules: Vec<&str> = rules.iter().map(|r| r.wire_name()).collect();
                        json!({"pathway": null, "rule": rules.join(" or ")})
                    }
                    Err(e) => json!({"error": {"path": e.field(), "message": e.to_string()}}),
                };
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

fn read(path: &str) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {path}: {e}");
        ExitCode::from(2)
    })
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
