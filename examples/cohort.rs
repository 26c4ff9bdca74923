//! Compares two policies over a cohort: reads a JSON Lines file of cases, classifies each under
//! the default policy and under an alternative policy given as JSON, and prints the pathway
//! distribution under both and every case whose pathway changed, with the deciding rules.
//!
//! ```text
//! cargo run --example cohort -- examples/cohort/synthetic_cohort.jsonl examples/policies/admit_child_pugh_7.json
//! cargo run --example cohort -- examples/cohort/synthetic_cohort.jsonl examples/policies/up_to_eleven.json
//! cargo run --example cohort -- --svg flows.svg examples/cohort/synthetic_cohort.jsonl examples/policies/admit_child_pugh_7.json
//! ```
//!
//! `--svg FILE` also writes an alluvial diagram of the pathways under the default policy to
//! those under the alternative, with counts (`hcc_pathways::picture::PathwayFlows`).
//!
//! A bad line is reported on stderr as `line N: <error naming the field>` and skipped; the run
//! goes on. Large files (or `--progress`) show a progress bar on stderr, only when stderr is a
//! terminal, so logs stay clean. The bundled cohort is synthetic (see
//! `examples/cohort/README.md`): its counts say what the rules do, not what happens to
//! patients.
//!
//! Exit status: 0 when the run completed (even with skipped lines), 1 for an invalid policy,
//! 2 for a usage or I/O error.

#[path = "cohort/compare.rs"]
mod compare;

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::process::ExitCode;

use hcc_pathways::picture::PathwayFlows;
use hcc_pathways::Policy;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files from this size on get a progress bar (when stderr is a terminal).
const LARGE_FILE_BYTES: u64 = 4 * 1024 * 1024;

const USAGE: &str =
    "usage: cohort [--progress] [--svg FILE.svg] COHORT.jsonl ALTERNATIVE_POLICY.json";

fn main() -> ExitCode {
    let mut force_progress = false;
    let mut paths = Vec::new();
    let mut svg_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--progress" => force_progress = true,
            "--svg" => match args.next() {
                Some(file) => svg_out = Some(file),
                None => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => paths.push(arg),
        }
    }
    let [cohort_path, policy_path] = paths.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };

    let alternative = match std::fs::read(policy_path) {
        Ok(bytes) => match Policy::from_json_bytes(&bytes) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: invalid policy {policy_path}: {e}");
                return ExitCode::from(1);
            }
        },
        Err(e) => {
            eprintln!("error: cannot read {policy_path}: {e}");
            return ExitCode::from(2);
        }
    };
    let file = match File::open(cohort_path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read {cohort_path}: {e}");
            return ExitCode::from(2);
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if (force_progress || size >= LARGE_FILE_BYTES) && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };

    let default = Policy::default();
    let result = compare::compare(BufReader::new(file), &default, &alternative, |read| {
        bar.set_position(read)
    });
    bar.finish_and_clear();
    let comparison = match result {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: reading {cohort_path} failed: {e}");
            return ExitCode::from(2);
        }
    };
    for s in &comparison.skipped {
        eprintln!("line {}: {}", s.line, s.error);
    }
    if let Some(file) = svg_out {
        let flows: PathwayFlows = comparison
            .evaluated
            .iter()
            .map(|e| (e.default.pathway, e.alternative.pathway))
            .collect();
        let svg = flows.to_svg("the default policy", policy_path);
        if let Err(e) = std::fs::write(&file, svg) {
            eprintln!("error: cannot write {file}: {e}");
            return ExitCode::from(2);
        }
    }
    println!("Cohort {cohort_path}; alternative policy {policy_path}.");
    print!(
        "{}",
        compare::report(
            &comparison,
            &compare::policy_changes(&default, &alternative)
        )
    );
    println!(
        "\nCounts describe what the rules do to these cases, not clinical outcomes. Decision \
         support for a multidisciplinary tumour board, never a replacement for one."
    );
    ExitCode::SUCCESS
}
