//! Decision tables rendered from rule sets: the clinician's view of the logic.
//!
//! The committed `docs/decision-table.md` is [`decision_table`]'s output (the example
//! `decision_table` writes it); a test fails when the file is stale, so the table a clinician
//! reviews is always the table the code runs. [`render_markdown`] works for any rule set,
//! including a researcher's own. Texts are rendered from a policy: numbers in them are its
//! settings ([`crate::text`]).
//!
//! ```
//! let md = hcc_pathways::table::render_markdown(hcc_pathways::pathway::pathway_rules());
//! assert!(md.contains("| R2 | `¬comfort_focused ∧ terminal` | palliative_care |"));
//! assert!(md.contains("Hit policy UNIQUE"));
//! ```

use std::fmt::{self, Write as _};

use crate::engine::{Expr, HitPolicy, RuleSet};
use crate::pathway::pathway_rules;
use crate::policy::Policy;
use crate::sources::{self, Source};
use crate::text;

/// Renders a rule set as Markdown under the default policy: its hit policy and scope, the rule
/// table (id, condition, outcome, reason, sources), the named conditions the rules use with
/// their definitions, and every leaf predicate with what it tests and its sources.
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
    render_markdown_with(rules, &Policy::default(), |d| d.to_string())
}

/// As [`render_markdown`], under `policy` (the numbers in texts are its settings) and with each
/// outcome rendered by `outcome`.
///
/// ```
/// use hcc_pathways::{policy::Setting, table::render_markdown_with, Policy};
/// let up_to_eleven = Policy::default().with(Setting::UpToSevenLimit, 110)?;
/// let md = render_markdown_with(hcc_pathways::pathway::pathway_rules(), &up_to_eleven, |p| p.to_string());
/// assert!(md.contains("<= 110"));
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn render_markdown_with<C, D>(
    rules: &RuleSet<C, D>,
    policy: &Policy,
    outcome: impl Fn(&D) -> String,
) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_rule_set(&mut out, rules, policy, &outcome);
    out
}

/// A text under a policy; a text that is not a valid template is shown as written.
fn render(template: &str, policy: &Policy) -> String {
    text::render(template, policy).unwrap_or_else(|_| template.to_owned())
}

fn write_rule_set<C, D>(
    out: &mut String,
    rules: &RuleSet<C, D>,
    policy: &Policy,
    outcome: &dyn Fn(&D) -> String,
) -> fmt::Result {
    let hit = match rules.hit_policy() {
        HitPolicy::Unique => {
            "Hit policy UNIQUE: every rule is evaluated and exactly one must match.".to_owned()
        }
        HitPolicy::Collect if rules.exclusive_groups().is_empty() => {
            "Hit policy COLLECT: every rule is evaluated and every matching rule applies."
                .to_owned()
        }
        HitPolicy::Collect => {
            let groups: Vec<String> = rules
                .exclusive_groups()
                .iter()
                .map(|g| {
                    let ids: Vec<&str> = g.iter().map(|i| rules.rules()[*i].id()).collect();
                    format!("{{{}}}", ids.join(", "))
                })
                .collect();
            format!(
                "Hit policy COLLECT: every rule is evaluated and every matching rule applies; at most \
                 one rule of each of these groups matches: {}.",
                groups.join("; ")
            )
        }
    };
    writeln!(
        out,
        "Rule set `{}`, version {}. {hit}",
        rules.id(),
        rules.version()
    )?;
    if !matches!(rules.scope(), Expr::True) {
        writeln!(
            out,
            "\nConsulted only within `{}`, and proved there.",
            rules.scope()
        )?;
    }
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
            cell(&render(r.reason(), policy)),
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
                cell(&render(description, policy))
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Predicates:")?;
    writeln!(out)?;
    writeln!(out, "| predicate | tests | sources |")?;
    writeln!(out, "|---|---|---|")?;
    for p in rules.leaves() {
        writeln!(
            out,
            "| `{}` | {} | {} |",
            cell(p.id()),
            cell(&render(p.description(), policy)),
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

/// The full decision table of this crate under the default policy, as committed in
/// `docs/decision-table.md`: [`decision_table_for`] the default policy.
///
/// ```
/// let md = hcc_pathways::table::decision_table();
/// assert!(md.starts_with("# Decision table"));
/// assert!(md.contains("## Pathway rules"));
/// assert!(md.contains("## Systemic therapy: regimens left out"));
/// assert!(md.contains("## Policy thresholds"));
/// ```
pub fn decision_table() -> String {
    decision_table_for(&Policy::default())
}

/// The full decision table under `policy`: every rule set of the crate with its hit policy,
/// scope, rules, named conditions and predicates (texts rendered from the policy), the options
/// of each line of therapy, the policy thresholds, and every source cited.
///
/// ```
/// use hcc_pathways::{policy::Setting, table::decision_table_for, Policy};
/// let md = decision_table_for(&Policy::default().with(Setting::PeiMaxDiameterMm, 15)?);
/// assert!(md.contains("largest <= 15 mm"));
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn decision_table_for(policy: &Policy) -> String {
    use crate::advice::cautions::Concerns;
    use crate::advice::{cautions, considerations, details};
    use crate::systemic::{eligibility, lines, order, with_tace};
    use crate::{procedures, supportive};

    let concerns = |c: &Concerns| match c {
        Concerns::Case => "caution on the case".to_owned(),
        Concerns::Options(set) => {
            let names: Vec<&str> = set.iter().map(|o| o.wire_name()).collect();
            format!("caution on {}, when offered", names.join(", "))
        }
    };
    let order_outcome = |entries: &&'static [crate::outcomes::OrderEntry]| {
        let names: Vec<String> = entries
            .iter()
            .map(|e| format!("{} ({})", e.option, e.evidence))
            .collect();
        names.join("; ")
    };
    let sections: Vec<Section> = vec![
        Section::new(
            "Pathway rules",
            "Exactly one pathway per case (spec §4). The outcome is the pathway's wire name: \
             `repeat_intervention`, `systemic_therapy` or `palliative_care`.",
            pathway_rules(),
            policy,
            &|p| p.to_string(),
        ),
        Section::new(
            "Repeat intervention: procedure",
            "Exactly one procedure for each case R5 chose (spec §6 lines 1–5); no procedure \
             containing TACE when TACE is excluded.",
            procedures::rules(),
            policy,
            &|m| m.to_string(),
        ),
        Section::new(
            "Systemic therapy: line of therapy",
            "Exactly one line for every case, decided before the pathway (whether a regimen \
             remains is part of `fit_for_systemic`).",
            lines::rules(),
            policy,
            &|l| l.to_string(),
        ),
        Section::new(
            "Systemic therapy: the options of the line, in order",
            "Exactly one order of options for every line (spec §7), each option with its \
             evidence label; the details of each option are listed after the table.",
            order::rules(),
            policy,
            &order_outcome,
        ),
        Section::new(
            "Systemic therapy: regimens left out",
            "Every matching omission rule leaves out the regimens it selects among the \
             candidates of the line; a regimen left out by several rules is listed with each \
             reason. Those left are the eligible regimens.",
            eligibility::rules(),
            policy,
            &|o: &eligibility::Omission| format!("omit {}: {}", o.selection.describe(), o.reason),
        ),
        Section::new(
            "Systemic therapy: TACE with systemic therapy",
            "An option for MDT or trial consideration, not standard of care (spec §7).",
            with_tace::rules(),
            policy,
            &|o| o.to_string(),
        ),
        Section::new(
            "Palliative care: supportive care",
            "Best supportive care for each case a palliative rule chose, with that rule's reason.",
            supportive::rules(),
            policy,
            &|o| o.to_string(),
        ),
        Section::new(
            "Cautions",
            "Every matching caution applies; a caution on options is shown only when one of \
             them is offered, naming those it applies to.",
            cautions::rules(),
            policy,
            &concerns,
        ),
        Section::new(
            "Considerations",
            "Cross-cutting considerations (spec §6).",
            considerations::rules(),
            policy,
            &|_| "consideration".to_owned(),
        ),
        Section::new(
            "Reason details",
            "What the deciding pathway rule's reason adds (spec §4): each names a criterion that \
             fired.",
            details::rules(),
            policy,
            &|p: &details::Placement| match p {
                details::Placement::Before => "reason begins with".to_owned(),
                details::Placement::After => "reason ends with".to_owned(),
            },
        ),
    ];

    let mut cited: Vec<Source> = Vec::new();
    for s in sections
        .iter()
        .flat_map(|s| s.cited.iter())
        .chain(policy.thresholds().iter().flat_map(|t| t.sources.iter()))
        .chain(
            order::rules()
                .rules()
                .iter()
                .flat_map(|r| r.outcome().iter().flat_map(|e| e.sources.iter())),
        )
    {
        if !cited.contains(s) {
            cited.push(*s);
        }
    }
    let cited = order_sources(cited);

    let mut out = String::new();
    out.push_str("# Decision table\n\n");
    out.push_str(
        "<!-- Generated from the rule sets in src/ by `cargo run --example decision_table -- \
         --write`. Do not edit by hand: tests/suite/decision_table.rs fails when this file is \
         stale. -->\n",
    );
    out.push_str(
        "\n> **Decision support for a multidisciplinary tumour board (MDT), never a replacement \
         for one.** The tables below are the logic the library runs, rendered from the code, for \
         clinical review. They are not validated for clinical use.\n\n",
    );
    out.push_str("How to read it:\n\n");
    out.push_str(
        "- Each rule set declares its hit policy. UNIQUE: every rule is evaluated and exactly \
         one must match (zero or several is an error naming the rules, never a guess, so the \
         order of the rows carries no meaning). COLLECT: every matching rule applies; rules \
         declared exclusive never match together. A rule set consulted only within a scope \
         (for example the procedure rules within R5) is proved complete there.\n",
    );
    out.push_str(
        "- Rule sets are decided in this order, each once per case: line of therapy, the order \
         of its options, the regimens left out, the pathway, then the options inside the \
         pathway and the advice. Later rule sets read earlier decisions as predicates \
         (`decided_by_R5`, `line_first`, `regimen_available`).\n",
    );
    out.push_str(
        "- Conditions are written with `¬` (not), `∧` (and) and `∨` (or) over the predicates \
         and named conditions listed under each table.\n",
    );
    let changed: Vec<String> = policy
        .changed()
        .map(|(s, v, _)| format!("`{}` = {v}", s.name()))
        .collect();
    if changed.is_empty() {
        out.push_str(
            "- Numbers in texts are the settings of the default policy; a centre may change \
             them (see [Policy thresholds](#policy-thresholds)). Sources are given by key; the \
             full references are at the end.\n",
        );
    } else {
        let _ = writeln!(
            out,
            "- Numbers in texts are the settings of a policy that changes {} (see [Policy \
             thresholds](#policy-thresholds)). Sources are given by key; the full references \
             are at the end.",
            changed.join(", ")
        );
    }
    for s in &sections {
        let _ = write!(out, "\n## {}\n\n{}\n\n{}", s.title, s.intro, s.body);
    }
    out.push_str("\n## The options of each line, with their details\n\n");
    for r in order::rules().rules() {
        let _ = writeln!(out, "`{}`:\n", r.id());
        out.push_str("| option | evidence | detail | sources |\n|---|---|---|---|\n");
        for e in r.outcome().iter() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                e.option,
                e.evidence,
                cell(&render(e.detail, policy)),
                keys(e.sources)
            );
        }
        out.push('\n');
    }
    out.push_str("## Policy thresholds\n\n");
    out.push_str(
        "Every threshold the predicates and option rules read, with its default and the \
         source of the default. A policy given as JSON (for example \
         `{\"systemic_max_child_pugh\": 7}`) changes only the fields it names.\n\n",
    );
    out.push_str(&thresholds_markdown(policy));
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
    out.push_str(
        "<!-- Generated from `hcc_pathways::sources::ALL` by `cargo run --example \
         decision_table -- --write`. Do not edit by hand. -->\n",
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
    fn new<C, D>(
        title: &'static str,
        intro: &'static str,
        rules: &RuleSet<C, D>,
        policy: &Policy,
        outcome: &dyn Fn(&D) -> String,
    ) -> Self {
        Section {
            title,
            intro,
            body: render_markdown_with(rules, policy, outcome),
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
        assert!(decision_table_for(&p).contains("`systemic_max_child_pugh` = 7"));
        assert!(md.contains("| no | yes | yes or no |"), "{md}");
    }
}
