//! Reads a case (JSON) from a file or stdin and prints the recommendation: the pathway and why,
//! the options in order (procedure, regimens by line of therapy, best supportive care), the
//! regimens left out and why, the cautions and the considerations, and what is pending on facts
//! the case leaves unknown. When unknown facts decide between pathways it prints the candidate
//! pathways and the facts needed instead (spec §8). `--json` prints the same as JSON (the
//! decision schema); `--policy FILE` decides under a centre's policy (JSON giving only the
//! settings that differ from the default, as in `examples/policies/`) instead of the default
//! one; `--svg FILE` also writes the pathway flowchart with the path this case takes
//! highlighted and the facts read at each question (`hcc_pathways::picture`), both branches of
//! a question whose fact is unknown.
//!
//! ```text
//! cargo run --example recommend -- examples/cases/r5_single_small_nodule.json
//! cargo run --example recommend -- --json examples/cases/r3_lung_metastases_fit.json
//! cargo run --example recommend -- --policy examples/policies/admit_child_pugh_7.json examples/cases/r7_child_pugh_7_multinodular.json
//! cargo run --example recommend -- --svg r6.svg examples/cases/r6_beyond_up_to_seven.json
//! cargo run --example recommend -- examples/cases/undecided_ecog_unknown.json
//! cat case.json | cargo run --example recommend -- --json
//! ```
//!
//! Exit status: 0 on success (decided or undecided), 1 for an invalid case or policy, 2 for a
//! usage or I/O error.

#[path = "support/cli.rs"]
mod cli;

use std::io::{Read, Write};
use std::process::ExitCode;

use cli::Failure;
use hcc_pathways::picture::{pathway_flowchart, recommendation_svg, Route};
use hcc_pathways::{decide_with, Assessment, Case, Decision, Policy};

const USAGE: &str = "usage: recommend [--json] [--policy POLICY.json] [--svg FLOWCHART.svg] \
                     [CASE.json | -]   (stdin when no path or -)";

/// What the command line asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Print JSON instead of text.
    pub json: bool,
    /// The policy file, if not the default policy.
    pub policy: Option<String>,
    /// The case file; stdin when absent or `-`.
    pub case: Option<String>,
    /// Where to write the flowchart with the case's path, if anywhere.
    pub svg: Option<String>,
}

/// Reads the command line (without the program name); `None` when help was asked for.
///
/// # Errors
/// A usage error (status 2) for an unknown option, a missing value or a second case.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, Failure> {
    let mut o = Options::default();
    let mut args = cli::Args::new(args);
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--json" => o.json = true,
            "--policy" => o.policy = Some(args.value(&arg)?),
            "--svg" => o.svg = Some(args.value(&arg)?),
            "-h" | "--help" => return Ok(None),
            flag if cli::is_flag(flag) => return Err(cli::unknown_flag(flag)),
            _ if o.case.is_none() => o.case = Some(arg),
            _ => {
                return Err(Failure::usage(format!(
                    "unexpected argument `{}`",
                    cli::shown(&arg)
                )))
            }
        }
    }
    Ok(Some(o))
}

/// Runs the example: parses `args`, reads the case from its file or `stdin`, writes the
/// recommendation (or the usage) to `out`. Returns the exit status; a failure's message goes
/// to `err`.
pub fn run(
    args: impl IntoIterator<Item = String>,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let result = parse_args(args).and_then(|o| match o {
        None => writeln!(out, "{USAGE}").map_err(Failure::write),
        Some(o) => recommendation(&o, stdin).and_then(|text| {
            // `writeln!`, not `println!`: a closed pipe (`| head`) is an I/O error, not a panic.
            writeln!(out, "{text}").map_err(Failure::write)
        }),
    });
    match result {
        Ok(()) => 0,
        Err(f) => f.report(err),
    }
}

/// The recommendation for the options' case and policy, as text or JSON.
fn recommendation(o: &Options, stdin: &mut dyn Read) -> Result<String, Failure> {
    // The policy first: a bad policy file is reported before stdin is read.
    let policy = match &o.policy {
        Some(path) => cli::read_policy(path)?,
        None => Policy::default(),
    };
    // Bytes, not a string: text that is not UTF-8 is an invalid case (exit 1), not an I/O error.
    let bytes = match o.case.as_deref() {
        None | Some("-") => {
            let mut b = Vec::new();
            stdin.read_to_end(&mut b).map(|_| b)
        }
        Some(p) => std::fs::read(p),
    }
    .map_err(|e| Failure::io(format!("cannot read the case: {e}")))?;
    let invalid = |e: hcc_pathways::Error| Failure::invalid(format!("invalid case: {e}"));
    let case = Case::from_json_bytes(&bytes).map_err(invalid)?;
    let decision = decide_with(&case, &policy).map_err(invalid)?;
    if let Some(file) = &o.svg {
        let svg = flowchart(&case, &policy, &decision)
            .map_err(|e| Failure::io(format!("cannot draw the flowchart: {e}")))?;
        std::fs::write(file, svg)
            .map_err(|e| Failure::io(format!("cannot write {}: {e}", cli::shown(file))))?;
    }
    Ok(if o.json {
        decision.to_json_pretty()
    } else {
        decision.to_string()
    })
}

/// The pathway flowchart with the case's path: a recommendation's explanation drawn (and
/// checked against the rules that decided it), or an undecided case's open questions.
fn flowchart(
    case: &Case,
    policy: &Policy,
    decision: &Decision,
) -> Result<String, Box<dyn std::error::Error>> {
    Ok(match decision {
        Decision::Decided(rec) => recommendation_svg(rec, policy)?,
        Decision::Undecided(_) => {
            let chart = pathway_flowchart(policy)?;
            let route = Route::for_assessment(&chart, &Assessment::new(case, policy)?);
            chart.to_svg_with(&route)
        }
    })
}

fn main() -> ExitCode {
    let status = run(
        std::env::args().skip(1),
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(status)
}
