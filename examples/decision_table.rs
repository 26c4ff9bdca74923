//! Renders the rule sets into `docs/decision-table.md` and the source list into
//! `docs/sources.md`: the clinician's view of the logic the library runs.
//!
//! ```text
//! cargo run --example decision_table            # print the decision table to stdout
//! cargo run --example decision_table -- --check # exit 1 when a committed file is stale
//! cargo run --example decision_table -- --write # regenerate both files
//! ```
//!
//! `tests/suite/decision_table.rs` fails when the committed files differ from what the code renders,
//! so a change to a rule, predicate, threshold or source must regenerate them.

use std::path::Path;
use std::process::ExitCode;

use hcc_pathways::table::{decision_table, sources_list};

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = [
        (root.join("docs/decision-table.md"), decision_table()),
        (root.join("docs/sources.md"), sources_list()),
    ];
    let mode = std::env::args().nth(1);
    match mode.as_deref() {
        None => {
            print!("{}", files[0].1);
            ExitCode::SUCCESS
        }
        Some("--write") => {
            for (path, text) in &files {
                if let Err(e) = std::fs::write(path, text) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::from(2);
                }
                eprintln!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Some("--check") => {
            let mut stale = false;
            for (path, text) in &files {
                let current = std::fs::read_to_string(path).unwrap_or_default();
                if current != *text {
                    eprintln!("{} is stale", path.display());
                    stale = true;
                }
            }
            if stale {
                eprintln!("regenerate with: cargo run --example decision_table -- --write");
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Some(_) => {
            eprintln!("usage: decision_table [--write | --check]");
            ExitCode::from(2)
        }
    }
}
