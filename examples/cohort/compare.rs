//! The core of the `cohort` example, kept apart from its command line so that
//! `tests/suite/cohort.rs` runs the same code (through `#[path]`).
//!
//! It reads a JSON Lines cohort, classifies every case under two policies and summarises what
//! changed. A bad line (malformed JSON, an invalid case) is recorded with its line number and
//! skipped; only an I/O error reading the file ends the run.

use std::fmt::Write as _;
use std::io::BufRead;

use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::{classify_all, stream, Case, Classification, Pathway, Policy};

/// Cases are parsed line by line and classified in batches of this many.
const BATCH: usize = 4096;

/// One case classified under both policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evaluated {
    /// Its 1-based line number in the file.
    pub line: usize,
    /// Under the default policy.
    pub default: Classification,
    /// Under the alternative policy.
    pub alternative: Classification,
}

/// A line that could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Its 1-based line number.
    pub line: usize,
    /// Why, naming the field by its JSON path.
    pub error: String,
}

/// The outcome of a cohort run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Non-blank lines read.
    pub lines: usize,
    /// Cases evaluated under both policies, in file order.
    pub evaluated: Vec<Evaluated>,
    /// Lines skipped, in file order.
    pub skipped: Vec<Skipped>,
}

/// Classifies a batch of parsed cases (with their line numbers) under both policies with the
/// batch API, and records each outcome.
fn flush(
    batch: &mut Vec<(usize, Case)>,
    default: &Policy,
    alternative: &Policy,
    out: &mut Comparison,
) {
    let cases: Vec<Case> = batch.iter().map(|(_, c)| *c).collect();
    let d = classify_all(&cases, default);
    let a = classify_all(&cases, alternative);
    for (((line, _), d), a) in batch.iter().zip(d).zip(a) {
        match d.and_then(|d| a.map(|a| (d, a))) {
            Ok((default, alternative)) => out.evaluated.push(Evaluated {
                line: *line,
                default,
                alternative,
            }),
            Err(e) => out.skipped.push(Skipped {
                line: *line,
                error: e.to_string(),
            }),
        }
    }
    batch.clear();
}

/// Reads a JSON Lines cohort and classifies each case under both policies. `progress` is told
/// the number of bytes read so far after each line. Blank lines are ignored.
///
/// # Errors
/// Only an I/O error reading `reader`; bad lines are recorded in [`Comparison::skipped`].
pub fn compare(
    reader: impl BufRead,
    default: &Policy,
    alternative: &Policy,
    mut progress: impl FnMut(u64),
) -> std::io::Result<Comparison> {
    let mut out = Comparison::default();
    let mut batch: Vec<(usize, Case)> = Vec::with_capacity(BATCH);
    // One line at a time, each parsed and validated: bad lines (not UTF-8, not JSON, invalid)
    // come back as errors naming their line.
    let mut lines = stream::cases(reader);
    while let Some(line) = lines.next() {
        let line = line?;
        progress(lines.bytes_read());
        out.lines += 1;
        let number = usize::try_from(line.number).unwrap_or(usize::MAX);
        match line.result {
            Ok(case) => batch.push((number, case)),
            Err(e) => out.skipped.push(Skipped {
                line: number,
                error: e.to_string(),
            }),
        }
        if batch.len() == BATCH {
            flush(&mut batch, default, alternative, &mut out);
        }
    }
    flush(&mut batch, default, alternative, &mut out);
    // Batches finish after the parse errors of their later lines: keep file order.
    out.skipped.sort_by_key(|s| s.line);
    Ok(out)
}

impl Comparison {
    /// The cases whose pathway differs between the two policies.
    pub fn changed(&self) -> impl Iterator<Item = &Evaluated> {
        self.evaluated
            .iter()
            .filter(|e| e.default.pathway != e.alternative.pathway)
    }

    /// Cases per pathway: (pathway, under the default, under the alternative).
    pub fn pathway_counts(&self) -> Vec<(Pathway, usize, usize)> {
        Pathway::ALL
            .iter()
            .map(|p| {
                let d = self.evaluated.iter().filter(|e| e.default.pathway == *p);
                let a = self
                    .evaluated
                    .iter()
                    .filter(|e| e.alternative.pathway == *p);
                (*p, d.count(), a.count())
            })
            .collect()
    }

    /// Cases per deciding rule: (rule, its pathway, under the default, under the alternative).
    pub fn rule_counts(&self) -> Vec<(&'static str, Pathway, usize, usize)> {
        pathway_rules()
            .rules()
            .iter()
            .map(|r| {
                let d = self
                    .evaluated
                    .iter()
                    .filter(|e| e.default.rule.is_some_and(|x| x.wire_name() == r.id()));
                let a = self
                    .evaluated
                    .iter()
                    .filter(|e| e.alternative.rule.is_some_and(|x| x.wire_name() == r.id()));
                (r.id(), *r.outcome(), d.count(), a.count())
            })
            .collect()
    }
}

impl Comparison {
    /// Changed cases grouped by (default, alternative) classification, most frequent first.
    pub fn transitions(&self) -> Vec<((Classification, Classification), usize)> {
        let mut out: Vec<((Classification, Classification), usize)> = Vec::new();
        for e in self.changed() {
            let key = (e.default, e.alternative);
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => out.push((key, 1)),
            }
        }
        // Stable: ties keep the order of first appearance.
        out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        out
    }
}

/// The thresholds where the alternative differs from the default: (name, default, alternative).
pub fn policy_changes(default: &Policy, alternative: &Policy) -> Vec<(&'static str, u32, u32)> {
    default
        .thresholds()
        .into_iter()
        .zip(alternative.thresholds())
        .filter(|(d, a)| d.value != a.value)
        .map(|(d, a)| (d.name, d.value, a.value))
        .collect()
}

fn share(n: usize, total: usize) -> String {
    if total == 0 {
        return format!("{n}");
    }
    format!("{n} ({:.1} %)", n as f64 * 100.0 / total as f64)
}

fn delta(d: usize, a: usize) -> String {
    match a.cmp(&d) {
        std::cmp::Ordering::Greater => format!("+{}", a - d),
        std::cmp::Ordering::Less => format!("-{}", d - a),
        std::cmp::Ordering::Equal => "0".to_owned(),
    }
}

/// The report the example prints: both distributions, then every changed case with the rules
/// that decided it under each policy.
pub fn report(c: &Comparison, changes: &[(&'static str, u32, u32)]) -> String {
    let mut out = String::new();
    let total = c.evaluated.len();
    let _ = writeln!(
        out,
        "{} lines read: {} cases evaluated, {} lines skipped.",
        c.lines,
        total,
        c.skipped.len()
    );
    if changes.is_empty() {
        out.push_str("The alternative policy equals the default.\n");
    } else {
        out.push_str("The alternative policy differs from the default in:\n");
        for (name, d, a) in changes {
            let _ = writeln!(out, "- {name}: {d} -> {a}");
        }
    }
    out.push_str("\nPathway distribution\n\n");
    out.push_str("| pathway | default | alternative | change |\n|---|---:|---:|---:|\n");
    for (p, d, a) in c.pathway_counts() {
        let _ = writeln!(
            out,
            "| {p} | {} | {} | {} |",
            share(d, total),
            share(a, total),
            delta(d, a)
        );
    }
    out.push_str("\nDeciding rule\n\n");
    out.push_str("| rule | pathway | default | alternative | change |\n|---|---|---:|---:|---:|\n");
    for (r, p, d, a) in c.rule_counts() {
        let _ = writeln!(out, "| {r} | {p} | {d} | {a} | {} |", delta(d, a));
    }
    let changed: Vec<&Evaluated> = c.changed().collect();
    let _ = writeln!(out, "\nCases whose pathway changed: {}", changed.len());
    let transitions = c.transitions();
    if !transitions.is_empty() {
        out.push_str("\n| default | alternative | cases |\n|---|---|---:|\n");
        for ((d, a), n) in transitions {
            let _ = writeln!(
                out,
                "| {} by {} | {} by {} | {n} |",
                d.pathway,
                rules(&d),
                a.pathway,
                rules(&a)
            );
        }
    }
    if !changed.is_empty() {
        out.push_str("\n| line | default | alternative |\n|---:|---|---|\n");
        for e in changed {
            let _ = writeln!(
                out,
                "| {} | {} by {} | {} by {} |",
                e.line,
                e.default.pathway,
                rules(&e.default),
                e.alternative.pathway,
                rules(&e.alternative)
            );
        }
    }
    out
}

/// The candidate rules of a classification, as text (`R5`, or `R2 or R7` with facts unknown).
fn rules(c: &Classification) -> String {
    let ids: Vec<&str> = c.rules.iter().map(|r| r.wire_name()).collect();
    ids.join(" or ")
}
