//! Compares policies over a cohort: reads a JSON Lines file of cases, decides each case under
//! every policy given, and reports what changed between the first policy (the baseline) and each
//! other one — the pathway distribution, the deciding rules, and every case whose pathway, rule,
//! procedure, regimen list or other options changed.
//!
//! ```text
//! cargo run --example cohort -- --policy examples/policies/admit_child_pugh_7.json examples/cohort/synthetic_cohort.jsonl
//! cargo run --example cohort -- --policy examples/policies/admit_child_pugh_7.json --policy examples/policies/up_to_eleven.json --format csv examples/cohort/synthetic_cohort.jsonl
//! ```
//!
//! With one `--policy`, the baseline is the default policy; with several, the first given is
//! the baseline and each other is compared with it. The older form `cohort COHORT POLICY` (the
//! policy after the cohort) still works. A line is a case, or `{"id": …, "case": {…}}` with an
//! id (a string of 1 to 64 characters, or a non-negative integer) that every report line about
//! the case repeats. `--format markdown` (the default) prints tables for people; `csv` and
//! `jsonl` print one record per case and alternative policy, every case, with what changed.
//! `--svg FILE` also writes an alluvial diagram of the pathways under the baseline to those
//! under the first policy compared with it, with counts (`hcc_pathways::picture::PathwayFlows`):
//!
//! ```text
//! cargo run --example cohort -- --svg flows.svg --policy examples/policies/admit_child_pugh_7.json examples/cohort/synthetic_cohort.jsonl
//! ```
//!
//! A bad line is reported on stderr as `line N: <error naming the field>` and skipped; the run
//! goes on. Large files (or `--progress`) show a progress bar on stderr, only when stderr is a
//! terminal, so logs stay clean. The bundled cohort is synthetic (see
//! `examples/cohort/README.md`): its counts say what the rules do, not what happens to
//! patients.
//!
//! Exit status: 0 when the run completed (even with skipped lines), 1 for an invalid policy,
//! 2 for a usage or I/O error.

#[path = "support/cli.rs"]
mod cli;
#[path = "cohort/compare.rs"]
pub mod compare;
#[path = "cohort/report.rs"]
pub mod report;

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::process::ExitCode;

use cli::Failure;
use hcc_pathways::picture::PathwayFlows;
use hcc_pathways::Policy;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use report::{Format, Named};

/// Files from this size on get a progress bar (when stderr is a terminal).
const LARGE_FILE_BYTES: u64 = 4 * 1024 * 1024;

const USAGE: &str = "usage: cohort [--policy POLICY.json]... [--format markdown|csv|jsonl] \
                     [--progress] [--svg FLOWS.svg] COHORT.jsonl [POLICY.json]";

const DISCLAIMER: &str = "Counts describe what the rules do to these cases, not clinical \
                          outcomes. Decision support for a multidisciplinary tumour board, never \
                          a replacement for one.";

/// What the command line asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The policy files, in order: the first is the baseline when there are several.
    pub policies: Vec<String>,
    /// The report format.
    pub format: Format,
    /// Show a progress bar whatever the file's size (still only on a terminal).
    pub progress: bool,
    /// The cohort file.
    pub cohort: String,
    /// Where to write the flows from the baseline to the first policy compared, if anywhere.
    pub svg: Option<String>,
}

/// Reads the command line (without the program name); `None` when help was asked for.
///
/// # Errors
/// A usage error (status 2): an unknown option or format, a missing value, no cohort or no
/// policy.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, Failure> {
    let mut o = Options::default();
    let mut positional = Vec::new();
    let mut args = cli::Args::new(args);
    while let Some(arg) = args.next()? {
        match arg.as_str() {
            "--policy" => o.policies.push(args.value(&arg)?),
            "--format" => o.format = args.value(&arg)?.parse().map_err(Failure::usage)?,
            "--progress" => o.progress = true,
            "--svg" => o.svg = Some(args.value(&arg)?),
            "-h" | "--help" => return Ok(None),
            flag if cli::is_flag(flag) => return Err(cli::unknown_flag(flag)),
            _ => positional.push(arg),
        }
    }
    let mut positional = positional.into_iter();
    o.cohort = positional
        .next()
        .ok_or_else(|| Failure::usage("no cohort file given"))?;
    // The older form: the alternative policy after the cohort.
    o.policies.extend(positional);
    if o.policies.is_empty() {
        return Err(Failure::usage("no policy given (`--policy FILE`)"));
    }
    Ok(Some(o))
}

/// The policies to compare, named: the files given, after the default policy when only one
/// file is given.
fn policies(o: &Options) -> Result<Vec<Named>, Failure> {
    let mut out = Vec::new();
    if o.policies.len() == 1 {
        out.push(Named {
            name: "default".to_owned(),
            policy: Policy::default(),
        });
    }
    for path in &o.policies {
        out.push(Named {
            name: cli::shown(path),
            policy: cli::read_policy(path)?,
        });
    }
    Ok(out)
}

/// Runs the example: parses `args`, reads the cohort, writes the report (or the usage) to
/// `out`, and each skipped line, failure and note to `err`. Returns the exit status.
pub fn run(args: impl IntoIterator<Item = String>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let result = parse_args(args).and_then(|o| match o {
        None => writeln!(out, "{USAGE}").map_err(Failure::write),
        Some(o) => report(&o, out, err),
    });
    match result {
        Ok(()) => 0,
        Err(f) => f.report(err),
    }
}

fn report(o: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Failure> {
    let named = policies(o)?;
    let cohort = cli::shown(&o.cohort);
    let file =
        File::open(&o.cohort).map_err(|e| Failure::io(format!("cannot read {cohort}: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if (o.progress || size >= LARGE_FILE_BYTES) && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let policies: Vec<Policy> = named.iter().map(|n| n.policy).collect();
    let result = compare::compare(BufReader::new(file), &policies, |read| {
        bar.set_position(read)
    });
    bar.finish_and_clear();
    let comparison = result.map_err(|e| Failure::io(format!("reading {cohort} failed: {e}")))?;
    for s in &comparison.skipped {
        let _ = writeln!(err, "line {}: {}", s.line, s.error);
    }
    if let Some(file) = &o.svg {
        let flows: PathwayFlows = comparison
            .evaluated
            .iter()
            .filter_map(|e| Some((e.outcomes.first()?.pathway, e.outcomes.get(1)?.pathway)))
            .collect();
        let svg = flows.to_svg(&named[0].name, &named[1].name);
        std::fs::write(file, svg)
            .map_err(|e| Failure::io(format!("cannot write {}: {e}", cli::shown(file))))?;
    }
    let text = report::render(o.format, &comparison, &named);
    // `write!`, not `print!`: a closed pipe (`| head`) is an I/O error, not a panic.
    let written = if o.format == Format::Markdown {
        let names: Vec<String> = named[1..].iter().map(|n| report::code(&n.name)).collect();
        writeln!(
            out,
            "Cohort {}; baseline {}; compared: {}.",
            report::code(&cohort),
            report::code(&named[0].name),
            names.join(", ")
        )
        .and_then(|()| write!(out, "{text}"))
        .and_then(|()| writeln!(out, "\n{DISCLAIMER}"))
    } else {
        // Data formats stay data: the note goes to stderr.
        let _ = writeln!(err, "note: {DISCLAIMER}");
        write!(out, "{text}")
    };
    written.map_err(Failure::write)
}

fn main() -> ExitCode {
    let status = run(
        std::env::args().skip(1),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(status)
}
