//! Decision tables rendered from rule sets: the clinician's view of the logic.
//!
//! The committed `docs/decision-table.md` is [`decision_table`]'s output, written by
//! `cargo run --example decision_table -- --write`; a test fails when the file is stale, so the
//! table a clinician reviews is always the table the code runs. [`render_markdown`] works for
//! any rule set, including a researcher's own.
//!
//! ```
//! let md = hcc_pathways::table::render_markdown(hcc_pathways::rules::pathway_rules());
//! assert!(md.contains("| R2 | `¬comfort_focused ∧ terminal` | palliative_care |"));
//! ```

use std::fmt::{self, Write as _};

use crate::engine::{Expr, RuleSet};
use crate::policy::Policy;
use crate::rules::pathway_rules;
use crate::sources::{self, Source};

/// The command that regenerates `docs/decision-table.md` and `docs/sources.md`.
pub const REGENERATE: &str = "cargo run --example decision_table -- --write";

/// Renders a rule set as Markdown: the rule table (id, condition, outcome, reason, sources),
/// the named conditions the rules use with their definitions, and every leaf predicate with
/// what it tests and its sources.
///
/// The output has no heading of its own, so it can be embedded at any level. Conditions are
/// printed as the engine displays them: `¬` not, `∧` and, `∨` or.
///
/// ```
/// use hcc_pathways::engine::{Predicate, Rule, RuleSet, Trace};
/// use hcc_pathways::sources::Source;
///
/// const S: Source = Source::new("DEMO", "Demonstration only");
/// let neg = Predicate::new("negative", "below zero", &[S], |x: &i32, _: &mut Trace| *x < 0);
/// let rules = RuleSet::new("sign", "1.0.0", vec![
///     Rule::new("N", neg.expr(), "negative", "below zero", &[S]),
///     Rule::new("P", neg.not(), "not negative", "zero or above", &[S]),
/// ])?;
/// let md = hcc_pathways::table::render_markdown(&rules);
/// assert!(md.contains("| P | `¬negative` | not negative | zero or above | DEMO |"));
/// assert!(md.contains("| `negative` | below zero | DEMO |"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_markdown<C, D: fmt::Display>(rules: &RuleSet<C, D>) -> String {
    render_markdown_with(rules, Hit::Unique, |d| d.to_string())
}

/// How the rules of a rendered rule set combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// Exactly one rule matches (the UNIQUE hit policy of [`RuleSet::decide`]).
    Unique,
    /// Every matching rule applies ([`RuleSet::all_matching`]): cautions, considerations.
    Collect,
}

/// As [`render_markdown`], for any outcome type (rendered by `outcome`) and either way rules
/// combine.
///
/// ```
/// use hcc_pathways::table::{render_markdown_with, Hit};
/// let md = render_markdown_with(hcc_pathways::options::consideration_rules(), Hit::Collect, |_| "consider".into());
/// assert!(md.contains("every matching rule applies"));
/// ```
pub fn render_markdown_with<C, D>(
    rules: &RuleSet<C, D>,
    hit: Hit,
    outcome: impl Fn(&D) -> String,
) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_rule_set(&mut out, rules, hit, &outcome);
    out
}

fn write_rule_set<C, D>(
    out: &mut String,
    rules: &RuleSet<C, D>,
    hit: Hit,
    outcome: &dyn Fn(&D) -> String,
) -> fmt::Result {
    let policy = match hit {
        Hit::Unique => "Hit policy UNIQUE: every rule is evaluated and exactly one must match.",
        Hit::Collect => "Every rule is evaluated and every matching rule applies.",
    };
    writeln!(
        out,
        "Rule set `{}`, version {}. {policy}",
        rules.id(),
        rules.version()
    )?;
    writeln!(out)?;
    writeln!(out, "| rule | when | outcome | reason | sources |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for r in rules.rules() {
        writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            cell(r.id()),
            cell(&r.condition().to_string()),
            cell(&outcome(r.outcome())),
            cell(r.reason()),
            keys(r.sources())
        )?;
    }
    let mut named: Vec<(&'static str, &'static str, String)> = Vec::new();
    for r in rules.rules() {
        collect_named(r.condition(), &mut named);
    }
    if !named.is_empty() {
        writeln!(out)?;
        writeln!(out, "Named conditions:")?;
        writeln!(out)?;
        writeln!(out, "| condition | definition | meaning |")?;
        writeln!(out, "|---|---|---|")?;
        for (id, description, definition) in &named {
            writeln!(
                out,
                "| `{}` | `{}` | {} |",
                cell(id),
                cell(definition),
                cell(description)
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "Predicates (thresholds are the defaults; see the policy):"
    )?;
    writeln!(out)?;
    writeln!(out, "| predicate | tests | sources |")?;
    writeln!(out, "|---|---|---|")?;
    for p in rules.leaves() {
        writeln!(
            out,
            "| `{}` | {} | {} |",
            cell(p.id()),
            cell(p.description()),
            keys(p.sources())
        )?;
    }
    Ok(())
}

/// Collects named composites in order of first appearance, inner ones after the outer that
/// uses them.
fn collect_named<C>(e: &Expr<C>, out: &mut Vec<(&'static str, &'static str, String)>) {
    match e {
        Expr::True | Expr::Leaf(_) => {}
        Expr::Not(inner) => collect_named(inner, out),
        Expr::All(v) | Expr::Any(v) => v.iter().for_each(|e| collect_named(e, out)),
        Expr::Named {
            id,
            description,
            expr,
        } => {
            if !out.iter().any(|(n, _, _)| n == id) {
                out.push((id, description, expr.to_string()));
            }
            collect_named(expr, out);
        }
    }
}

/// Renders a policy's thresholds as a Markdown table: name, meaning, default, accepted range,
/// sources (and the value, when any differs from its default).
///
/// ```
/// let md = hcc_pathways::table::thresholds_markdown(&hcc_pathways::Policy::default());
/// assert!(md.contains("| `systemic_max_child_pugh` |"));
/// assert!(md.contains("| `refractory_on_afp_rise` | Whether AFP rising"));
/// ```
pub fn thresholds_markdown(policy: &Policy) -> String {
    let thresholds = policy.thresholds();
    let changed = thresholds.iter().any(|t| t.value != t.default);
    let show = |t: &crate::policy::Threshold, v: u32| -> String {
        match (t.flag, v) {
            (true, 0) => "no".to_owned(),
            (true, _) => "yes".to_owned(),
            (false, v) => v.to_string(),
        }
    };
    let mut out = String::new();
    if changed {
        out.push_str("| threshold | meaning | value | default | accepted | sources |\n");
        out.push_str("|---|---|---|---|---|---|\n");
    } else {
        out.push_str("| threshold | meaning | default | accepted | sources |\n");
        out.push_str("|---|---|---|---|---|\n");
    }
    for t in &thresholds {
        let value = if changed {
            format!(" {} |", show(t, t.value))
        } else {
            String::new()
        };
        let accepted = if t.flag { "yes or no" } else { t.accepted };
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "| `{}` | {} |{value} {} | {} | {} |",
            t.name,
            cell(t.description),
            show(t, t.default),
            accepted,
            keys(t.sources)
        );
    }
    out
}

/// Renders sources as a Markdown table of key and full reference.
///
/// ```
/// let md = hcc_pathways::table::sources_markdown(&[hcc_pathways::sources::SHARP]);
/// assert!(md.starts_with("| key | reference |"));
/// assert!(md.contains("| SHARP | Llovet JM"));
/// ```
pub fn sources_markdown(list: &[Source]) -> String {
    let mut out = String::from("| key | reference |\n|---|---|\n");
    for s in list {
        let _ = writeln!(out, "| {} | {} |", s.key(), cell(s.citation()));
    }
    out
}

/// The sources a rule set cites (rules and predicates), each once, in the order of
/// [`sources::ALL`] followed by any of the researcher's own in order of appearance.
pub fn cited_sources<C, D>(rules: &RuleSet<C, D>) -> Vec<Source> {
    let mut cited = Vec::new();
    for s in rules
        .rules()
        .iter()
        .flat_map(|r| r.sources())
        .chain(rules.leaves().iter().flat_map(|p| p.sources()))
    {
        if !cited.contains(s) {
            cited.push(*s);
        }
    }
    order_sources(cited)
}

fn order_sources(mut cited: Vec<Source>) -> Vec<Source> {
    let rank = |s: &Source| {
        sources::ALL
            .iter()
            .position(|k| k == s)
            .unwrap_or(sources::ALL.len())
    };
    // A stable sort keeps the researcher's own sources in order of appearance.
    cited.sort_by_key(rank);
    cited
}

/// The full decision table of this crate, as committed in `docs/decision-table.md`: every rule
/// set with its rules, named conditions and predicates, the policy thresholds with their
/// defaults, and every source cited.
///
/// ```
/// let md = hcc_pathways::table::decision_table();
/// assert!(md.starts_with("# Decision table"));
/// assert!(md.contains("## Pathway rules"));
/// assert!(md.contains("## Policy thresholds"));
/// ```
pub fn decision_table() -> String {
    let pathways = pathway_rules();
    // Every rule set of the crate, in the order shown. This is the one place where rule sets
    // enter the committed table: the option rule sets (issue 3) are added to this list as
    // further `Section`s built the same way, with `render_markdown` and `cited_sources`.
    use crate::options::{self, CautionScope, ReasonDetail};
    let scope = |c: &CautionScope| match c {
        CautionScope::Case => "caution (case)".to_owned(),
        CautionScope::Regimens(set) => {
            let names: Vec<&str> = set.iter().map(|r| r.wire_name()).collect();
            format!("caution on {}", names.join(", "))
        }
    };
    let detail = |d: &ReasonDetail| match d {
        ReasonDetail::Prefix => "reason begins with".to_owned(),
        ReasonDetail::Suffix => "reason ends with".to_owned(),
    };
    let sections: Vec<Section> = vec![
        Section::unique(
            "Pathway rules",
            "Exactly one pathway per case. The outcome is the pathway's wire name: \
             `repeat_intervention`, `systemic_therapy` or `palliative_care`.",
            pathways,
        ),
        Section::unique(
            "Repeat intervention: procedure",
            "Within `repeat_intervention`, exactly one procedure (spec §6 lines 1–5; a refractory \
             case is never offered a line containing TACE).",
            options::modality_rules(),
        ),
        Section::unique(
            "Systemic therapy: line of therapy",
            "Within `systemic_therapy`, exactly one line of therapy, which fixes the ordered \
             regimen candidates (spec §7); contraindicated or already received regimens are then \
             omitted, each with its reason.",
            crate::regimens::line_rules(),
        ),
        Section::unique(
            "Palliative care: supportive care",
            "Within `palliative_care`, best supportive care with the reason of the deciding rule.",
            options::palliative_rules(),
        ),
        Section::collect(
            "Additional options",
            "Options the MDT may weigh besides the main ones; every matching rule applies.",
            options::additional_option_rules(),
            &|d| d.to_string(),
        ),
        Section::collect(
            "Cautions",
            "Every matching caution applies; a caution on regimens is shown only when one of \
             them is offered.",
            options::caution_rules(),
            &scope,
        ),
        Section::collect(
            "Considerations",
            "Cross-cutting considerations (spec §6); every matching rule applies.",
            options::consideration_rules(),
            &|_| "consideration".to_owned(),
        ),
        Section::collect(
            "Reason details",
            "Details added to the deciding pathway rule's reason (spec §4).",
            options::reason_detail_rules(),
            &detail,
        ),
    ];

    let policy = Policy::default();
    let mut cited: Vec<Source> = Vec::new();
    for s in sections
        .iter()
        .flat_map(|s| s.cited.iter())
        .chain(policy.thresholds().iter().flat_map(|t| t.sources.iter()))
    {
        if !cited.contains(s) {
            cited.push(*s);
        }
    }
    let cited = order_sources(cited);

    let mut out = String::new();
    out.push_str("# Decision table\n\n");
    let _ = writeln!(
        out,
        "<!-- Generated from the rule sets in src/ by `{REGENERATE}`. Do not edit by hand: \
         tests/suite/decision_table.rs fails when this file is stale. -->"
    );
    out.push_str(
        "\n> **Decision support for a multidisciplinary tumour board (MDT), never a replacement \
         for one.** The tables below are the logic the library runs, rendered from the code, for \
         clinical review. They are not validated for clinical use.\n\n",
    );
    out.push_str("How to read it:\n\n");
    out.push_str(
        "- Pathway, procedure, line-of-therapy and supportive-care rule sets use the UNIQUE hit \
         policy: every rule is evaluated, and exactly one must match a valid case. Zero or several matches is an error naming \
         the rules, never a guess, so the order of the rows carries no meaning. In the other \
         rule sets every matching rule applies.\n",
    );
    out.push_str(
        "- Conditions are written with `¬` (not), `∧` (and) and `∨` (or) over the predicates \
         and named conditions listed under each table.\n",
    );
    out.push_str(
        "- Numbers in the predicates are the defaults of the policy; a centre may change them \
         (see [Policy thresholds](#policy-thresholds)). Sources are given by key; the full \
         references are at the end.\n",
    );
    for s in &sections {
        let _ = write!(out, "\n## {}\n\n{}\n\n{}", s.title, s.intro, s.body);
    }
    out.push_str("\n## Policy thresholds\n\n");
    out.push_str(
        "Every threshold the predicates and option rules read, with its default and the \
         source of the default. A policy given as JSON (for example \
         `{\"systemic_max_child_pugh\": 7}`) changes only the fields it names.\n\n",
    );
    out.push_str(&thresholds_markdown(&policy));
    out.push_str("\n## Sources\n\n");
    out.push_str("Every source cited above. The complete list is in [sources.md](sources.md).\n\n");
    out.push_str(&sources_markdown(&cited));
    out
}

/// Every source this crate cites, as committed in `docs/sources.md`.
///
/// ```
/// let md = hcc_pathways::table::sources_list();
/// assert!(md.contains("| BCLC-2022 | Reig M"));
/// ```
pub fn sources_list() -> String {
    let mut out = String::from("# Sources\n\n");
    let _ = writeln!(
        out,
        "<!-- Generated from `hcc_pathways::sources::ALL` by `{REGENERATE}`. Do not edit by \
         hand. -->"
    );
    out.push_str(
        "\nEvery rule, predicate, threshold and option of hcc-pathways cites its sources by \
         these stable keys, in code and in every recommendation.\n\n",
    );
    out.push_str(&sources_markdown(sources::ALL));
    out
}

struct Section {
    title: &'static str,
    intro: &'static str,
    body: String,
    cited: Vec<Source>,
}

impl Section {
    fn unique<C, D: fmt::Display>(
        title: &'static str,
        intro: &'static str,
        rules: &RuleSet<C, D>,
    ) -> Self {
        Section {
            title,
            intro,
            body: render_markdown(rules),
            cited: cited_sources(rules),
        }
    }

    fn collect<C, D>(
        title: &'static str,
        intro: &'static str,
        rules: &RuleSet<C, D>,
        outcome: &dyn Fn(&D) -> String,
    ) -> Self {
        Section {
            title,
            intro,
            body: render_markdown_with(rules, Hit::Collect, outcome),
            cited: cited_sources(rules),
        }
    }
}

/// Escapes a table cell: a `|` would end it, a newline would end the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn keys(sources: &[Source]) -> String {
    sources
        .iter()
        .map(|s| s.key())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }

    #[test]
    fn every_pathway_rule_and_leaf_is_in_the_table() {
        let md = decision_table();
        for r in pathway_rules().rules() {
            assert!(md.contains(&format!("| {} | `", r.id())), "rule {}", r.id());
        }
        for p in pathway_rules().leaves() {
            assert!(md.contains(&format!("| `{}` |", p.id())), "leaf {}", p.id());
        }
        for t in Policy::default().thresholds() {
            assert!(
                md.contains(&format!("| `{}` |", t.name)),
                "threshold {}",
                t.name
            );
        }
        assert!(md.contains(
            "| `limited_intrahepatic` | `¬infiltrative ∧ (single_nodule ∨ up_to_seven)` |"
        ));
    }

    #[test]
    fn every_cited_source_has_its_reference() {
        let md = decision_table();
        for s in cited_sources(pathway_rules()) {
            assert!(md.contains(&format!("| {} | ", s.key())), "{}", s.key());
        }
    }

    #[test]
    fn changed_thresholds_show_their_value() {
        let p = Policy {
            systemic_max_child_pugh: 7,
            refractory_on_afp_rise: false,
            ..Policy::default()
        };
        let md = thresholds_markdown(&p);
        assert!(md.starts_with("| threshold | meaning | value | default |"));
        assert!(md.contains("| `systemic_max_child_pugh` | Highest Child–Pugh score fit for systemic therapy (7 admits class B7, NCCN category 2A). | 7 | 6 | 5 to 7 |"), "{md}");
        assert!(md.contains("| no | yes | yes or no |"), "{md}");
    }
}
