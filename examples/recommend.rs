//! Reads a case (JSON) from a file or stdin and prints the recommendation: the pathway and why,
//! the options in order (procedure, regimens by line of therapy, best supportive care), the
//! regimens left out and why, the cautions and the considerations. `--json` prints the same as
//! JSON.
//!
//! ```text
//! cargo run --example recommend -- examples/cases/r5_single_small_nodule.json
//! cargo run --example recommend -- --json examples/cases/r3_lung_metastases_fit.json
//! cat case.json | cargo run --example recommend -- --json
//! ```
//!
//! Exit status: 0 on success, 1 for an invalid case, 2 for a usage or I/O error.

use std::io::Read;
use std::process::ExitCode;

use hcc_pathways::{recommend, Case};

fn main() -> ExitCode {
    let mut json_out = false;
    let mut path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json_out = true,
            "-h" | "--help" => {
                println!("usage: recommend [--json] [CASE.json | -]   (stdin when no path or -)");
                return ExitCode::SUCCESS;
            }
            _ if path.is_none() => path = Some(arg),
            _ => {
                eprintln!("error: unexpected argument `{arg}` (see --help)");
                return ExitCode::from(2);
            }
        }
    }
    let text = match path.as_deref() {
        None | Some("-") => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map(|_| s)
        }
        Some(p) => std::fs::read_to_string(p),
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read the case: {e}");
            return ExitCode::from(2);
        }
    };
    let result = Case::from_json(&text).and_then(|case| recommend(&case));
    match result {
        Ok(rec) if json_out => {
            println!("{}", rec.to_json_pretty());
            ExitCode::SUCCESS
        }
        Ok(rec) => {
            println!("{rec}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: invalid case: {e}");
            ExitCode::from(1)
        }
    }
}
