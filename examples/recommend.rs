//! Reads a case (JSON) from a file or stdin and prints the recommendation: the pathway and why,
//! the options in order (procedure, regimens by line of therapy, best supportive care), the
//! regimens left out and why, the cautions and the considerations. `--json` prints the same as
//! JSON. `--svg FILE` also writes the pathway flowchart with the path this case takes
//! highlighted and the facts read at each question (`hcc_pathways::picture`).
//!
//! ```text
//! cargo run --example recommend -- examples/cases/r5_single_small_nodule.json
//! cargo run --example recommend -- --json examples/cases/r3_lung_metastases_fit.json
//! cargo run --example recommend -- --svg r6.svg examples/cases/r6_beyond_up_to_seven.json
//! cat case.json | cargo run --example recommend -- --json
//! ```
//!
//! Exit status: 0 on success, 1 for an invalid case, 2 for a usage or I/O error.

use std::io::{Read, Write};
use std::process::ExitCode;

use hcc_pathways::{picture, recommend, Case, Policy};

fn main() -> ExitCode {
    let mut json_out = false;
    let mut path = None;
    let mut svg_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json_out = true,
            "--svg" => match args.next() {
                Some(file) => svg_out = Some(file),
                None => {
                    eprintln!("error: --svg needs a file name (see --help)");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("usage: recommend [--json] [--svg FILE.svg] [CASE.json | -]   (stdin when no path or -)");
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
    if let (Ok(rec), Some(file)) = (&result, &svg_out) {
        let written = picture::recommendation_svg(rec, &Policy::default())
            .map_err(|e| e.to_string())
            .and_then(|svg| std::fs::write(file, svg).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("error: cannot write the flowchart {file}: {e}");
            return ExitCode::from(2);
        }
    }
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
