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

use std::io::{Read, Write};
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
    // Bytes, not a string: text that is not UTF-8 is an invalid case (exit 1), not an I/O error.
    let bytes = match path.as_deref() {
        None | Some("-") => {
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).map(|_| b)
        }
        Some(p) => std::fs::read(p),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read the case: {e}");
            return ExitCode::from(2);
        }
    };
    let result = Case::from_json_bytes(&bytes).and_then(|case| recommend(&case));
    let text = match result {
        Ok(rec) if json_out => rec.to_json_pretty(),
        Ok(rec) => rec.to_string(),
        Err(e) => {
            eprintln!("error: invalid case: {e}");
            return ExitCode::from(1);
        }
    };
    // `writeln!`, not `println!`: a closed pipe (`| head`) is an I/O error, not a panic.
    match writeln!(std::io::stdout(), "{text}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}
