//! Draws the pathway rules as a flowchart (SVG) and commits it as `docs/pathways.svg`: the
//! clinician's picture of the logic the library runs, derived from the rules.
//!
//! ```text
//! cargo run --example flowchart                  # print the SVG (default policy) to stdout
//! cargo run --example flowchart -- --write       # regenerate docs/pathways.svg
//! cargo run --example flowchart -- --check       # exit 1 when docs/pathways.svg is stale
//! cargo run --example flowchart -- --policy examples/policies/admit_child_pugh_7.json > chart.svg
//! ```
//!
//! `tests/suite/pictures.rs` fails when the committed file differs from what the code draws, so
//! a change to a rule, predicate, threshold or source must regenerate it.
//!
//! Exit status: 0 on success, 1 for a stale file or an invalid policy, 2 for a usage or I/O
//! error.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use hcc_pathways::picture::pathway_flowchart;
use hcc_pathways::Policy;

const USAGE: &str = "usage: flowchart [--write | --check | --policy POLICY.json]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/pathways.svg");
    let (mode, policy) = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => ("print", Policy::default()),
        ["--write"] => ("write", Policy::default()),
        ["--check"] => ("check", Policy::default()),
        ["--policy", file] => match std::fs::read(file) {
            Ok(bytes) => match Policy::from_json_bytes(&bytes) {
                Ok(p) => ("print", p),
                Err(e) => {
                    eprintln!("error: invalid policy {file}: {e}");
                    return ExitCode::from(1);
                }
            },
            Err(e) => {
                eprintln!("error: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let svg = match pathway_flowchart(&policy) {
        Ok(chart) => chart.to_svg(),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match mode {
        "write" => match std::fs::write(&path, &svg) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::from(2)
            }
        },
        "check" => {
            if std::fs::read_to_string(&path).unwrap_or_default() == svg {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "{} is stale; regenerate with: cargo run --example flowchart -- --write",
                    path.display()
                );
                ExitCode::FAILURE
            }
        }
        // `write!`, not `print!`: a closed pipe is an I/O error, not a panic.
        _ => match std::io::stdout().write_all(svg.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(2),
        },
    }
}
