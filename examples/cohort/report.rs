//! The reports of the `cohort` example: Markdown for people (distributions, transitions, every
//! changed case), CSV and JSON Lines for analysis (one record per case and alternative policy,
//! every case, with what changed). Every record of a case carries its line number and its id.

use std::fmt::Write as _;
use std::str::FromStr;

use hcc_pathways::outcomes::TreatmentId;
use hcc_pathways::Policy;
use serde_json::json;

use super::compare::{policy_changes, CaseId, Change, Comparison, Evaluated, Outcome};

/// A report format (`--format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// Tables for people (the default).
    #[default]
    Markdown,
    /// One row per case and alternative policy, with a header row (RFC 4180).
    Csv,
    /// One JSON object per case and alternative policy.
    Jsonl,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "jsonl" => Ok(Format::Jsonl),
            _ => Err("`--format` must be `markdown`, `csv` or `jsonl`".to_owned()),
        }
    }
}

/// A policy with the name the reports give it (its file, or `default`).
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    /// The name, free of control characters.
    pub name: String,
    /// The policy.
    pub policy: Policy,
}

/// The report in `format`. `policies[0]` is the baseline; `c` was computed under the same
/// policies in the same order.
pub fn render(format: Format, c: &Comparison, policies: &[Named]) -> String {
    match format {
        Format::Markdown => markdown(c, policies),
        Format::Csv => csv(c, policies),
        Format::Jsonl => jsonl(c, policies),
    }
}

/// `text` as a Markdown code span that is safe in a table cell: a fence longer than any run of
/// backticks inside, and `|` escaped.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
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

fn options(o: &Outcome, separator: &str) -> String {
    let names: Vec<&str> = o.options.iter().map(|t| t.wire_name()).collect();
    names.join(separator)
}

/// `palliative_care by R7: best_supportive_care`.
fn outcome(o: &Outcome) -> String {
    if o.options.is_empty() {
        format!("{} by {}", o.pathway, o.rule)
    } else {
        format!("{} by {}: {}", o.pathway, o.rule, options(o, ", "))
    }
}

fn id_cell(e: &Evaluated) -> String {
    e.id.as_ref()
        .map_or_else(String::new, |id| code(&id.to_string()))
}

/// The Markdown report: both distributions, then for each alternative what changed, with every
/// changed case.
pub fn markdown(c: &Comparison, policies: &[Named]) -> String {
    let mut out = String::new();
    let total = c.evaluated.len();
    let base = &policies[0];
    let _ = writeln!(
        out,
        "{} lines read: {} cases evaluated, {} lines skipped.",
        c.lines,
        total,
        c.skipped.len()
    );
    for alt in &policies[1..] {
        let changes = policy_changes(&base.policy, &alt.policy);
        if changes.is_empty() {
            let _ = writeln!(
                out,
                "Policy {} equals {}.",
                code(&alt.name),
                code(&base.name)
            );
        } else {
            let _ = writeln!(
                out,
                "Policy {} differs from {} in:",
                code(&alt.name),
                code(&base.name)
            );
            for (name, d, a) in changes {
                let _ = writeln!(out, "- {name}: {d} -> {a}");
            }
        }
    }

    let header = |first: &str| {
        let mut h = format!("{first} | {} |", code(&base.name));
        let mut rule = "---:|".to_owned();
        for alt in &policies[1..] {
            let _ = write!(h, " {} | change |", code(&alt.name));
            rule.push_str("---:|---:|");
        }
        (h, rule)
    };
    let counts_row = |counts: &[usize]| {
        let mut row = format!(" {} |", share(counts[0], total));
        for n in &counts[1..] {
            let _ = write!(row, " {} | {} |", share(*n, total), delta(counts[0], *n));
        }
        row
    };
    out.push_str("\nPathway distribution\n\n");
    let (h, rule) = header("| pathway");
    let _ = writeln!(out, "{h}\n|---|{rule}");
    for (p, counts) in c.pathway_counts() {
        let _ = writeln!(out, "| {p} |{}", counts_row(&counts));
    }
    out.push_str("\nDeciding rule\n\n");
    let (h, rule) = header("| rule | pathway");
    let _ = writeln!(out, "{h}\n|---|---|{rule}");
    for (r, p, counts) in c.rule_counts() {
        let mut row = format!("| {r} | {p} | {} |", counts[0]);
        for n in &counts[1..] {
            let _ = write!(row, " {n} | {} |", delta(counts[0], *n));
        }
        let _ = writeln!(out, "{row}");
    }

    for (k, alt) in policies.iter().enumerate().skip(1) {
        let _ = writeln!(out, "\n{} against {}\n", code(&alt.name), code(&base.name));
        let changed: Vec<(&Evaluated, Change)> = c.changed(k).collect();
        let kinds: Vec<String> = c
            .change_counts(k)
            .into_iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "Cases changed: {} ({}).",
            changed.len(),
            kinds.join(", ")
        );
        let transitions = c.transitions(k);
        if !transitions.is_empty() {
            out.push_str("\n| baseline | alternative | cases |\n|---|---|---:|\n");
            for (((dp, dr), (ap, ar)), n) in transitions {
                let _ = writeln!(out, "| {dp} by {dr} | {ap} by {ar} | {n} |");
            }
        }
        if !changed.is_empty() {
            out.push_str("\n| line | id | change | baseline | alternative |\n");
            out.push_str("|---:|---|---|---|---|\n");
            for (e, change) in changed {
                let kinds: Vec<&str> = change.kinds().collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    e.line,
                    id_cell(e),
                    kinds.join(", "),
                    outcome(&e.outcomes[0]),
                    outcome(&e.outcomes[k])
                );
            }
        }
    }
    out
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces.
pub fn csv_field(text: &str) -> String {
    let quote =
        text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ');
    if quote {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn change_names(change: Change, separator: &str) -> String {
    let kinds: Vec<&str> = change.kinds().collect();
    if kinds.is_empty() {
        "none".to_owned()
    } else {
        kinds.join(separator)
    }
}

/// The header of the CSV report.
pub const CSV_HEADER: &str = "line,id,baseline,alternative,change,baseline_pathway,\
baseline_rule,baseline_options,alternative_pathway,alternative_rule,alternative_options";

/// The CSV report: a header, then one row per case and alternative policy (every case), in file
/// order; lists (`change`, options) are `;`-separated.
pub fn csv(c: &Comparison, policies: &[Named]) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for e in &c.evaluated {
        for (k, alt) in policies.iter().enumerate().skip(1) {
            let (d, a) = (&e.outcomes[0], &e.outcomes[k]);
            let id = e.id.as_ref().map(CaseId::to_string).unwrap_or_default();
            let fields = [
                e.line.to_string(),
                csv_field(&id),
                csv_field(&policies[0].name),
                csv_field(&alt.name),
                change_names(Change::between(d, a), ";"),
                d.pathway.to_string(),
                d.rule.to_string(),
                options(d, ";"),
                a.pathway.to_string(),
                a.rule.to_string(),
                options(a, ";"),
            ];
            let _ = writeln!(out, "{}", fields.join(","));
        }
    }
    out
}

fn outcome_json(o: &Outcome) -> serde_json::Value {
    let options: Vec<&str> = o
        .options
        .iter()
        .map(|t: &TreatmentId| t.wire_name())
        .collect();
    json!({ "pathway": o.pathway, "rule": o.rule.to_string(), "options": options })
}

/// The JSON Lines report: one object per case and alternative policy (every case), in file
/// order: `line`, `id` (as given, or `null`), `baseline`, `alternative`, `change` (a list of
/// `pathway`, `rule`, `procedure`, `regimens`, `other_options`), and the two outcomes.
pub fn jsonl(c: &Comparison, policies: &[Named]) -> String {
    let mut out = String::new();
    for e in &c.evaluated {
        for (k, alt) in policies.iter().enumerate().skip(1) {
            let (d, a) = (&e.outcomes[0], &e.outcomes[k]);
            let id = match &e.id {
                None => serde_json::Value::Null,
                Some(CaseId::Number(n)) => json!(n),
                Some(CaseId::Text(s)) => json!(s),
            };
            let change: Vec<&str> = Change::between(d, a).kinds().collect();
            let record = json!({
                "line": e.line,
                "id": id,
                "baseline": policies[0].name,
                "alternative": alt.name,
                "change": change,
                "baseline_outcome": outcome_json(d),
                "alternative_outcome": outcome_json(a),
            });
            let _ = writeln!(out, "{record}");
        }
    }
    out
}
