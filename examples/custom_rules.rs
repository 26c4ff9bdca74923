//! A researcher's variant of the pathway rules, composed from the crate's public predicates.
//!
//! The variant changes one clinical idea: limited intrahepatic disease is judged by an
//! "up-to-eleven" limit (largest mm + 10 × nodules ≤ 110) instead of up-to-seven. It adds one
//! leaf predicate of its own, with its own source, builds named conditions from it, reuses the
//! crate's rules R1–R4 unchanged, restates R5–R7 under new ids, checks that exactly one rule
//! matches every combination of predicate values, and evaluates the bundled cases under both
//! rule sets.
//!
//! ```text
//! cargo run --example custom_rules                   # check, then compare on examples/cases/
//! cargo run --example custom_rules -- --table        # also print the variant's decision table
//! cargo run --example custom_rules -- --table DIR    # compare on the *.json cases in DIR
//! ```
//!
//! A threshold change alone (for example admitting Child–Pugh 7 to systemic therapy) needs no
//! new rules: give it as a policy, as in `examples/policies/` with the `cohort` example. Compose
//! rules, as here, when the *logic* changes: a new criterion, a different combination.
//!
//! Exit status: 0 when the variant passes its check, 1 when it does not, 2 for an I/O error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hcc_pathways::engine::{
    all, check, CheckReport, Cmp, Expr, Predicate, Rule, RuleSet, RuleSetError, Trace,
};
use hcc_pathways::grid::Grid;
use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::predicates::{
    self, ablation_candidate, advanced, comfort_focused, fit_for_intervention, fit_for_systemic,
    infiltrative, single_nodule, tace_refractory, terminal,
};
use hcc_pathways::sources::{Source, BCLC_2022};
use hcc_pathways::Pathway;
use hcc_pathways::{Assessment, Case, Policy};

/// The researcher's own source: every predicate and rule must cite one, or it does not compile.
const PROTOCOL: Source = Source::new(
    "OUR-PROTOCOL",
    "Example only: a research protocol that studies an up-to-eleven limit for limited \
     intrahepatic disease. Not a criterion of this crate's clinical specification.",
);

/// The variant's limit on largest mm + 10 × nodules.
const UP_TO_ELEVEN_LIMIT: u32 = 110;

/// The new leaf: within up-to-eleven. Like `up_to_seven`, false when infiltrative or the
/// diameter is unknown (the assessment's sum is then absent).
pub fn up_to_eleven() -> Predicate<Assessment> {
    Predicate::new(
        "up_to_eleven",
        "largest_mm + 10 x nodules <= 110; false if infiltrative or diameter unknown",
        &[PROTOCOL],
        |a: &Assessment, t: &mut Trace| match a.scores().up_to_seven_sum {
            Some(sum) => t.compare("up_to_seven_sum", sum, Cmp::Le, UP_TO_ELEVEN_LIMIT),
            None => {
                t.note("up_to_seven_sum", None::<u32>);
                false
            }
        },
    )
}

/// The variant rule set: R1–R4 as in the crate, R5–R7 restated over up-to-eleven.
///
/// # Errors
/// [`RuleSetError`] if the table is malformed (duplicate ids, too many predicates).
pub fn variant_rule_set() -> Result<RuleSet<Assessment, Pathway>, RuleSetError> {
    // One handle for the new leaf: a rule set rejects two *different* predicates under one id.
    let u11 = up_to_eleven();
    let limited = Expr::named(
        "limited_intrahepatic_u11",
        "not infiltrative, and a single nodule or within up-to-eleven",
        infiltrative().not().and(single_nodule().or(&u11)),
    );
    let locally_treatable = Expr::named(
        "locally_treatable_u11",
        "limited (up-to-eleven) intrahepatic disease, and not TACE refractory or an ablation candidate",
        limited.and(tace_refractory().not().or(ablation_candidate())),
    );
    let not_r1_r2 = || all([comfort_focused().not(), terminal().not()]);
    let feasible = || locally_treatable.clone().and(fit_for_intervention());

    // R1–R4 do not read the limited-disease criterion: reuse the crate's rules as they are.
    let mut table: Vec<Rule<Assessment, Pathway>> = pathway_rules()
        .rules()
        .iter()
        .filter(|r| matches!(r.id(), "R1" | "R2" | "R3" | "R4"))
        .cloned()
        .collect();
    // R5–R7 change meaning, so they get new ids: a stored explanation must never be ambiguous.
    table.push(Rule::new(
        "R5-u11",
        not_r1_r2()
            .and(advanced().not())
            .and(locally_treatable.clone())
            .and(fit_for_intervention()),
        Pathway::RepeatIntervention,
        "recurrence limited within the liver by up-to-eleven, and fit for a procedure",
        &[BCLC_2022, PROTOCOL],
    ));
    table.push(Rule::new(
        "R6-u11",
        not_r1_r2()
            .and(advanced().not())
            .and(feasible().not())
            .and(fit_for_systemic()),
        Pathway::SystemicTherapy,
        "repeat intervention not feasible (limited disease judged by up-to-eleven)",
        &[BCLC_2022, PROTOCOL],
    ));
    table.push(Rule::new(
        "R7-u11",
        not_r1_r2()
            .and(advanced().not())
            .and(feasible().not())
            .and(fit_for_systemic().not()),
        Pathway::PalliativeCare,
        "neither a repeat intervention nor systemic therapy is feasible",
        &[BCLC_2022],
    ));
    RuleSet::new("up-to-eleven-variant", "0.1.0-example", table)
}

/// Checks the variant with the engine's [`check`]: every combination of its leaf predicates'
/// truth values (less those the crate's implications rule out) must match exactly one rule,
/// with the cases of `grid` as witnesses. Returns the report.
pub fn check_variant(
    rules: &RuleSet<Assessment, Pathway>,
    grid: &Grid,
) -> Result<CheckReport<Assessment>, String> {
    let policy = Policy::default();
    check(
        rules,
        &predicates::implications(&policy),
        grid.assessments(&policy),
    )
    .map_err(|e| e.to_string())
}

/// One bundled case under both rule sets.
pub struct CaseComparison {
    /// The file name.
    pub name: String,
    /// Pathway and deciding rule under the crate's rules.
    pub default: (Pathway, &'static str),
    /// Pathway and deciding rule under the variant.
    pub variant: (Pathway, &'static str),
    /// What the variant's new leaf found, with the facts it read.
    pub up_to_eleven: String,
}

/// Evaluates one case file under the crate's rules and the variant (default policy).
pub fn compare_case(
    variant: &RuleSet<Assessment, Pathway>,
    path: &Path,
) -> Result<CaseComparison, String> {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let case = Case::from_json(&text).map_err(|e| format!("{name}: {e}"))?;
    let assessment = Assessment::new(&case, &Policy::default()).map_err(|e| e.to_string())?;
    let d = pathway_rules()
        .decide(&assessment)
        .map_err(|e| e.to_string())?;
    let v = variant.decide(&assessment).map_err(|e| e.to_string())?;
    let (_, values) = variant.explain(&assessment);
    let up_to_eleven = values
        .iter()
        .find(|p| p.id == "up_to_eleven")
        .map(|p| {
            let read: Vec<String> = p.facts.iter().map(ToString::to_string).collect();
            format!("up_to_eleven = {} ({})", p.value, read.join(", "))
        })
        .unwrap_or_default();
    Ok(CaseComparison {
        name,
        default: (*d.outcome(), d.id()),
        variant: (*v.outcome(), v.id()),
        up_to_eleven,
    })
}

fn main() -> ExitCode {
    let mut print_table = false;
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/cases");
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--table" => print_table = true,
            _ => dir = PathBuf::from(arg),
        }
    }

    let variant = match variant_rule_set() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: the variant rule set is malformed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "Variant `{}` {}: {} rules over {} leaf predicates.",
        variant.id(),
        variant.version(),
        variant.rules().len(),
        variant.leaves().len()
    );
    match check_variant(&variant, &Grid::boundaries(&Policy::default())) {
        Ok(report) if report.is_ok() => println!(
            "Check: exactly one rule matches each of the {} feasible combinations of predicate \
             values ({} realised by the {} boundary-grid witnesses).",
            report.feasible(),
            report.realised,
            report.witnesses
        ),
        Ok(report) => {
            eprintln!("Check failed:\n{report}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("Check could not run: {e}");
            return ExitCode::FAILURE;
        }
    }
    if print_table {
        println!("\n{}", hcc_pathways::table::render_markdown(&variant));
    }

    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect(),
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    paths.sort();
    println!("\n| case | default | variant |\n|---|---|---|");
    let mut changed = Vec::new();
    for path in &paths {
        match compare_case(&variant, path) {
            Ok(c) => {
                let (d, v) = (c.default, c.variant);
                let mark = if d.0 == v.0 { "" } else { " (changed)" };
                println!(
                    "| {} | {} by {} | {} by {}{mark} |",
                    c.name, d.0, d.1, v.0, v.1
                );
                if d.0 != v.0 {
                    changed.push(format!("{}: {}", c.name, c.up_to_eleven));
                }
            }
            Err(e) => eprintln!("skipped {e}"),
        }
    }
    println!("\nChanged pathway: {}", changed.len());
    for c in &changed {
        println!("- {c}");
    }
    println!(
        "\nA research variant for comparison only: decision support for a multidisciplinary \
         tumour board, never a replacement for one."
    );
    ExitCode::SUCCESS
}
