//! Classifies (or recommends for) every case of a JSON Lines file or stdin, one line at a time
//! in constant memory, and prints how many cases fell under each rule. A bad line is reported on
//! stderr as `line N: <error naming the field>` and counted; the run goes on.
//!
//! ```text
//! cargo run --release --example stream -- examples/cohort/synthetic_cohort.jsonl
//! cargo run --release --example gen_cohort -- --n 1000000 | cargo run --release --example stream -- --recommend
//! cargo run --release --example stream -- --policy examples/policies/admit_child_pugh_7.json cohort.jsonl
//! ```
//!
//! `--recommend` builds the full recommendation of every case (options, explanation) instead
//! of the pathway alone. `--quiet` leaves out the per-line errors.
//!
//! Exit status: 0 when the run completed (even with bad lines), 1 for an invalid policy, 2 for a
//! usage or I/O error.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::process::ExitCode;

use hcc_pathways::{stream, Error, Policy};

const USAGE: &str =
    "usage: stream [--recommend] [--quiet] [--policy POLICY.json] [COHORT.jsonl | -]";

/// What the run counted.
#[derive(Default)]
struct Counts {
    lines: u64,
    bad: u64,
    by_rule: BTreeMap<Cow<'static, str>, u64>,
}

impl Counts {
    fn record(&mut self, number: u64, rule: Result<Cow<'static, str>, Error>, quiet: bool) {
        self.lines += 1;
        match rule {
            Ok(rule) => *self.by_rule.entry(rule).or_default() += 1,
            Err(e) => {
                self.bad += 1;
                if !quiet {
                    eprintln!("line {number}: {e}");
                }
            }
        }
    }
}

fn run(reader: impl BufRead, policy: &Policy, recommend: bool, quiet: bool) -> io::Result<Counts> {
    let mut counts = Counts::default();
    if recommend {
        for line in stream::recommend(reader, policy) {
            let line = line?;
            counts.record(
                line.number,
                line.result.map(|r| rules_text(r.rules).into()),
                quiet,
            );
        }
    } else {
        for line in stream::classify(reader, policy) {
            let line = line?;
            counts.record(
                line.number,
                line.result.map(|c| rules_text(c.rules).into()),
                quiet,
            );
        }
    }
    Ok(counts)
}

fn main() -> ExitCode {
    let (mut recommend, mut quiet) = (false, false);
    let (mut policy_path, mut path) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--recommend" => recommend = true,
            "--quiet" => quiet = true,
            "--policy" => policy_path = args.next(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if path.is_none() => path = Some(arg),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let policy = match policy_path {
        None => Policy::default(),
        Some(p) => match std::fs::read(&p).map(|b| Policy::from_json_bytes(&b)) {
            Ok(Ok(policy)) => policy,
            Ok(Err(e)) => {
                eprintln!("error: invalid policy {p}: {e}");
                return ExitCode::from(1);
            }
            Err(e) => {
                eprintln!("error: cannot read {p}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let result = match path.as_deref() {
        None | Some("-") => run(io::stdin().lock(), &policy, recommend, quiet),
        Some(p) => match File::open(p) {
            Ok(f) => run(BufReader::new(f), &policy, recommend, quiet),
            Err(e) => Err(e),
        },
    };
    let counts = match result {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: reading the cohort failed: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = format!("{} lines, {} invalid\n", counts.lines, counts.bad);
    for (rule, n) in &counts.by_rule {
        out.push_str(&format!("{rule}: {n}\n"));
    }
    match io::stdout().write_all(out.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

/// The candidate rules as text: `R5`, or `R2 or R7` when facts not known leave both.
fn rules_text(rules: hcc_pathways::PathwayRules) -> String {
    let ids: Vec<&str> = rules.iter().map(|r| r.wire_name()).collect();
    ids.join(" or ")
}
