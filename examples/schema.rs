//! Generates the JSON Schemas of the contract (case, policy, recommendation, error) from the types and
//! checks or rewrites the committed files in `schemas/`, together with the README's "JSON
//! contract" example (a bundled case and its recommendation).
//!
//! ```text
//! cargo run --example schema --features schemars             # check: exit 1 if any is stale
//! cargo run --example schema --features schemars -- --write  # rewrite schemas/ and the README example
//! cargo run --example schema --features schemars -- --print case
//! ```
//!
//! Exit status: 0 when the files are current (or were written), 1 when some are stale, 2 for a
//! usage or I/O error.

use std::path::Path;
use std::process::ExitCode;

use hcc_pathways::schema::{check_dir, write_dir, Document, REGENERATE_COMMAND, SCHEMA_DIR};

#[path = "../tests/suite/json_support/readme.rs"]
mod readme;

/// The README with its JSON-contract example brought up to date.
fn readme_now(root: &Path) -> Result<(String, String), String> {
    let path = root.join("README.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let updated = readme::render(&text, &readme::blocks(root)?)?;
    Ok((text, updated))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(SCHEMA_DIR);
    let (readme_text, readme_updated) = match readme_now(root) {
        Ok(texts) => texts,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {
            let stale = check_dir(&dir);
            let readme_stale = readme_text != readme_updated;
            if stale.is_empty() && !readme_stale {
                println!("schemas and README example are current ({})", dir.display());
                return ExitCode::SUCCESS;
            }
            for s in &stale {
                eprintln!("stale: {s}");
            }
            if readme_stale {
                eprintln!("stale: README.md: the JSON contract example");
            }
            eprintln!("regenerate with: {REGENERATE_COMMAND}");
            ExitCode::from(1)
        }
        ["--write"] => match write_dir(&dir) {
            Ok(paths) => {
                for p in paths {
                    println!("wrote {}", p.display());
                }
                if readme_text != readme_updated {
                    if let Err(e) = std::fs::write(root.join("README.md"), readme_updated) {
                        eprintln!("error: cannot write README.md: {e}");
                        return ExitCode::from(2);
                    }
                    println!("updated the JSON contract example in README.md");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write the schemas: {e}");
                ExitCode::from(2)
            }
        },
        ["--print", name] => match Document::ALL.iter().find(|d| d.name() == *name) {
            Some(d) => {
                print!("{}", d.render());
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: unknown schema `{name}` (case, policy, recommendation or error)");
                ExitCode::from(2)
            }
        },
        ["-h" | "--help"] => {
            println!("usage: schema [--write | --print case|policy|recommendation|error]");
            println!(
                "without arguments, checks that {SCHEMA_DIR}/ and the README example match the code"
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("error: unexpected arguments (see --help)");
            ExitCode::from(2)
        }
    }
}
