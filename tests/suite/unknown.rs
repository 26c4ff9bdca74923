//! Issue 18, spec §8: unknown facts. Over a seeded sample of the boundary grid with facts
//! blanked at random: soundness (a decided pathway is the pathway of every valid completion of
//! the unknown facts), precision (an undecided outcome has two valid completions with
//! different pathways; the share of spurious undecided outcomes is reported), and complete
//! cases decided exactly as the two-valued rules decide them. An evaluation that treats an
//! unknown fact as false fails the soundness check.

use std::collections::BTreeSet;

use hcc_pathways::assessment::PathwayDecision;
use hcc_pathways::case::Case;
use hcc_pathways::grid::{self, Grid};
use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::{classify, decide, Assessment, Decision, Error, Pathway, PathwayRule, Policy};

/// Every fact of spec §2 that may be unknown, by JSON path.
const FACTS: [&str; 22] = [
    "performance_status.ecog",
    "performance_status.cancer_related",
    "liver_function.child_pugh_score",
    "goals_of_care",
    "recurrence.intrahepatic.nodules",
    "recurrence.intrahepatic.largest_diameter_mm",
    "recurrence.intrahepatic.infiltrative",
    "recurrence.intrahepatic.unsafe_ablation_location",
    "recurrence.macrovascular_invasion",
    "recurrence.extrahepatic_sites",
    "recurrence.afp_ng_ml",
    "history.tace_insufficient_responses",
    "history.tace_intrahepatic_progressions",
    "history.afp_rising_after_tace",
    "history.months_since_last_procedure",
    "history.systemic_regimens",
    "drug_safety.liver_transplant_recipient",
    "drug_safety.autoimmune_disease",
    "drug_safety.varices",
    "drug_safety.hbsag_positive",
    "liver_function.bilirubin",
    "liver_function.albumin",
];

/// The case with the fact at `path` not known.
fn blank(case: &mut Case, path: &str) {
    *case = case
        .to_builder()
        .unknown(path)
        .build()
        .unwrap_or_else(|e| panic!("{path}: {e}"));
}

/// Every valid completion of the case's unknown facts, one value per region of each
/// (the product over the facts), with the complete case itself when nothing is unknown.
fn completions(case: &Case, policy: &Policy) -> Vec<Case> {
    let mut out = vec![*case];
    let unknown: Vec<&str> = case.unknown_facts().collect();
    for fact in unknown {
        let mut next = Vec::new();
        for c in &out {
            let values = grid::completions(c, policy, fact);
            if values.is_empty() {
                next.push(*c);
            }
            next.extend(values.into_iter().map(|(_, c)| c));
        }
        out = next;
    }
    // `grid::completions` gives valid completions only.
    out
}

/// A sample of grid cases with one to three facts blanked.
fn blanked_sample(n: usize, seed: u64) -> Vec<(Case, Case)> {
    let policy = Policy::default();
    let grid = Grid::with_option_inputs(&policy);
    let mut rng = crate::rng::Rng::new(seed);
    grid.sample(n, seed)
        .map(|a| {
            let complete = *a.case();
            let mut case = complete;
            for _ in 0..1 + rng.below(3) {
                blank(&mut case, FACTS[rng.below(FACTS.len())]);
            }
            (complete, case)
        })
        .collect()
}

/// `classify` decides the line of therapy and eligibility only when a pathway leaf asks for
/// them; it classifies every case as the full assessment does, complete or with facts blanked.
#[test]
fn classify_agrees_with_the_full_assessment() {
    let policy = Policy::default();
    let mut cases: Vec<Case> = Vec::new();
    for (complete, blanked) in blanked_sample(3_000, 23) {
        cases.push(complete);
        cases.push(blanked);
    }
    let (mut decided, mut undecided) = (0, 0);
    for case in &cases {
        let full = Assessment::new(case, &policy)
            .expect("valid")
            .pathway_decision();
        match (classify(case, &policy), full) {
            (Ok(c), PathwayDecision::Decided { pathway, rules }) => {
                assert_eq!((c.pathway, c.rules), (pathway, rules), "{case:?}");
                decided += 1;
            }
            (Err(Error::Undecided { rules }), PathwayDecision::Undecided { rules: r }) => {
                assert_eq!(rules, r, "{case:?}");
                undecided += 1;
            }
            (got, full) => panic!("classify {got:?}, assessment {full:?}: {case:?}"),
        }
    }
    assert!(
        decided > 4_000 && undecided > 100,
        "{decided} decided, {undecided} undecided"
    );
}

/// What an evaluation says of a case: the pathway, or undecided.
type Evaluation = fn(&Case, &Policy) -> Option<Pathway>;

fn three_valued(case: &Case, policy: &Policy) -> Option<Pathway> {
    match classify(case, policy) {
        Ok(c) => Some(c.pathway),
        Err(Error::Undecided { .. }) => None,
        Err(e) => panic!("valid case: {e}"),
    }
}

/// The deliberately unsound evaluation: every unknown leaf read as false.
fn unknown_as_false(case: &Case, policy: &Policy) -> Option<Pathway> {
    let a = Assessment::new(case, policy).expect("valid");
    let mask = pathway_rules().leaf_mask(&a);
    pathway_rules().decide_mask(mask).ok().map(|r| *r.outcome())
}

/// Counts of a soundness and precision run.
#[derive(Debug, Default)]
struct Report {
    cases: usize,
    decided: usize,
    undecided: usize,
    spurious_undecided: usize,
    unsound: Vec<String>,
}

fn check(evaluate: Evaluation, sample: &[(Case, Case)]) -> Report {
    let policy = Policy::default();
    let mut report = Report::default();
    for (complete, case) in sample {
        report.cases += 1;
        let pathways: BTreeSet<Pathway> = completions(case, &policy)
            .iter()
            .map(|c| three_valued(c, &policy).expect("a complete case decides"))
            .collect();
        let original = three_valued(complete, &policy).expect("a complete case decides");
        assert!(
            pathways.contains(&original),
            "the original is a completion: {case:?}"
        );
        match evaluate(case, &policy) {
            Some(p) => {
                report.decided += 1;
                if pathways.iter().any(|q| *q != p) {
                    report.unsound.push(format!(
                        "decided {p} but completions give {pathways:?}: {case:?}"
                    ));
                }
            }
            None => {
                report.undecided += 1;
                if pathways.len() < 2 {
                    report.spurious_undecided += 1;
                    if std::env::var_os("HCC_SPURIOUS").is_some() {
                        eprintln!(
                            "spurious: {:?} -> {pathways:?}",
                            case.unknown_facts().collect::<Vec<_>>()
                        );
                        eprintln!("  {:?}", classify(case, &policy));
                    }
                }
            }
        }
    }
    report
}

#[test]
fn decided_pathways_are_sound_and_undecided_ones_are_precise() {
    let sample = blanked_sample(1_500, 2026);
    let report = check(three_valued, &sample);
    eprintln!(
        "unknown facts: {} cases, {} decided, {} undecided ({} spurious: {:.1} %)",
        report.cases,
        report.decided,
        report.undecided,
        report.spurious_undecided,
        100.0 * report.spurious_undecided as f64 / report.undecided.max(1) as f64
    );
    assert!(report.cases >= 1_000, "{report:?}");
    assert!(
        report.unsound.is_empty(),
        "{:#?}",
        &report.unsound[..report.unsound.len().min(5)]
    );
    assert!(report.decided > 0 && report.undecided > 0, "{report:?}");
    // Precision: no spurious undecided outcome (spec §8's goal).
    assert_eq!(report.spurious_undecided, 0, "{report:?}");
}

#[test]
fn treating_unknown_as_false_fails_the_soundness_check() {
    let sample = blanked_sample(600, 7);
    let report = check(unknown_as_false, &sample);
    assert!(!report.unsound.is_empty(), "{report:?}");
}

/// A complete case is decided exactly as the two-valued rules decide it: one rule, the one
/// the pathway table's decision finds, nothing pending, no unknown fact.
#[test]
fn complete_cases_are_decided_as_before() {
    let policy = Policy::default();
    let grid = Grid::with_option_inputs(&policy);
    for a in grid.sample(2_000, 99) {
        let case = *a.case();
        if case.unknown_facts().next().is_some() {
            continue; // the grid also holds an unknown AFP and HBsAg
        }
        let two_valued = pathway_rules().decide(&a).expect("unique");
        let c = classify(&case, &policy).expect("decided");
        assert_eq!(c.rule.map(PathwayRule::wire_name), Some(two_valued.id()));
        assert_eq!(c.rules.len(), 1);
        let Decision::Decided(rec) = decide(&case).expect("valid") else {
            panic!("a complete case is decided")
        };
        assert!(
            rec.unknown_facts.is_empty() && rec.pending.is_empty(),
            "{:?}",
            rec.pending
        );
    }
}

/// The facts needed name each fact that settles the pathway, with what its values lead to,
/// and only facts the case leaves unknown.
#[test]
fn undecided_outcomes_name_the_facts_needed() {
    let policy = Policy::default();
    let mut named = 0;
    for (_, case) in blanked_sample(400, 11) {
        let Decision::Undecided(u) = hcc_pathways::decide_with(&case, &policy).expect("valid")
        else {
            continue;
        };
        assert!(u.candidates.len() >= 2, "{u:?}");
        let unknown: Vec<&str> = case.unknown_facts().collect();
        for f in &u.facts_needed {
            assert!(
                unknown.contains(&f.fact.as_ref()),
                "{} is not unknown",
                f.fact
            );
            assert!(!f.values.is_empty());
        }
        named += usize::from(!u.facts_needed.is_empty());
    }
    assert!(named > 0, "some undecided case names its facts");
}

/// What `decide` writes for cases with facts not known, decided or not, is valid under the
/// committed decision schema, and so is each decided recommendation under the recommendation
/// schema; each reads back.
#[test]
fn decisions_with_unknown_facts_follow_the_committed_schemas() {
    let read = |name: &str| -> serde_json::Value {
        let path = format!("{}/schemas/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("JSON")
    };
    let decision = jsonschema::validator_for(&read("decision.schema.json")).expect("compiles");
    let recommendation =
        jsonschema::validator_for(&read("recommendation.schema.json")).expect("compiles");
    let (mut decided, mut undecided) = (0, 0);
    for (_, case) in blanked_sample(300, 5) {
        let d = decide(&case).expect("valid");
        let doc = serde_json::to_value(&d).expect("serialises");
        assert!(decision.is_valid(&doc), "{doc:#}");
        let back: Decision = serde_json::from_value(doc.clone()).expect("reads back");
        assert_eq!(back, d);
        match &d {
            Decision::Decided(rec) => {
                decided += 1;
                assert_eq!(doc["status"], "decided");
                assert!(recommendation.is_valid(&doc));
                let lean: serde_json::Value = serde_json::from_str(&rec.to_json()).unwrap();
                assert!(recommendation.is_valid(&lean));
            }
            Decision::Undecided(_) => {
                undecided += 1;
                assert_eq!(doc["status"], "undecided");
                assert!(!recommendation.is_valid(&doc));
            }
        }
    }
    assert!(decided > 0 && undecided > 0);
}

/// The flowchart draws a case with unknown facts as it is decided: a decided recommendation's
/// route reaches or may reach exactly its deciding rules (a question whose fact is unknown
/// leaves both branches open), and an undecided case's route may reach exactly its candidate
/// rules.
#[test]
fn the_flowchart_route_of_a_case_with_unknown_facts_reaches_its_rules() {
    use hcc_pathways::picture::{pathway_flowchart, recommendation_svg, Route, Visit};
    let policy = Policy::default();
    let chart = pathway_flowchart(&policy).expect("chart");
    let (mut decided, mut undecided, mut open) = (0, 0, 0);
    for (_, case) in blanked_sample(600, 29) {
        let decision = decide(&case).expect("valid");
        let rules = match &decision {
            Decision::Decided(rec) => {
                let svg = recommendation_svg(rec, &policy);
                assert!(svg.is_ok(), "{svg:?} for {case:?}");
                decided += 1;
                rec.rules
            }
            Decision::Undecided(u) => {
                undecided += 1;
                u.rules
            }
        };
        let route = Route::for_assessment(&chart, &Assessment::new(&case, &policy).expect("valid"));
        let mut drawn = route.outcome_rules(&chart);
        drawn.sort_unstable();
        let mut expected: Vec<&str> = rules.iter().map(PathwayRule::wire_name).collect();
        expected.sort_unstable();
        assert_eq!(drawn, expected, "{case:?}");
        open += usize::from(route.visits().contains(&Visit::Open));
    }
    assert!(
        decided > 0 && undecided > 0 && open > 0,
        "{decided} {undecided} {open}"
    );
}

/// No intrahepatic nodule and macrovascular invasion not known, no spread: every valid
/// completion has invasion (a case must have a recurrence), so BCLC stage C and not within
/// Milan; the stages do not list B (the no-nodule completion without invasion is not a case).
#[test]
fn no_nodule_with_invasion_not_known_is_stage_c_only() {
    use hcc_pathways::case::{ExtrahepaticSite, MacrovascularInvasion};
    use hcc_pathways::scores::{bclc_stages, within_milan, BclcStage};
    let base = crate::common::bundled("r5_single_small_nodule");
    let policy = Policy::default();
    let no_nodule = |growth: Option<bool>| {
        let b = base
            .to_builder()
            .nodules(0)
            .unknown("recurrence.intrahepatic.largest_diameter_mm")
            .unsafe_ablation_location(false)
            .unknown("recurrence.macrovascular_invasion")
            .extrahepatic_sites(std::iter::empty::<ExtrahepaticSite>());
        match growth {
            Some(g) => b.infiltrative(g),
            None => b.unknown("recurrence.intrahepatic.infiltrative"),
        }
        .build()
        .expect("valid: invasion may complete the recurrence")
    };
    for growth in [Some(false), None] {
        let case = no_nodule(growth);
        let stages: Vec<BclcStage> = bclc_stages(&case, case.child_pugh(), &policy)
            .iter()
            .collect();
        assert_eq!(stages, vec![BclcStage::C], "growth {growth:?}");
        assert_eq!(within_milan(&case), Some(false), "growth {growth:?}");
        // Each completion agrees: with invasion, stage C.
        for invasion in [
            MacrovascularInvasion::PortalVeinBranch,
            MacrovascularInvasion::MainPortalVein,
        ] {
            let complete = case
                .to_builder()
                .macrovascular_invasion(invasion)
                .build()
                .expect("valid");
            let stages: Vec<BclcStage> = bclc_stages(&complete, complete.child_pugh(), &policy)
                .iter()
                .collect();
            assert_eq!(stages, vec![BclcStage::C]);
        }
    }
}

/// Within Milan needs no macrovascular invasion and no extrahepatic spread: either one alone
/// puts a single small nodule beyond Milan, known or not known the other.
#[test]
fn milan_is_beyond_with_invasion_or_spread_alone() {
    use hcc_pathways::case::{ExtrahepaticSite, MacrovascularInvasion};
    use hcc_pathways::scores::within_milan;
    let base = crate::common::bundled("r5_single_small_nodule");
    assert_eq!(
        within_milan(&base),
        Some(true),
        "the base case is within Milan"
    );
    let invasion = base
        .to_builder()
        .macrovascular_invasion(MacrovascularInvasion::PortalVeinBranch);
    let spread = base
        .to_builder()
        .extrahepatic_sites([ExtrahepaticSite::Lung]);
    for (label, builder) in [
        ("invasion, no spread", invasion.clone()),
        (
            "invasion, spread not known",
            invasion.unknown("recurrence.extrahepatic_sites"),
        ),
        ("spread, no invasion", spread.clone()),
        (
            "spread, invasion not known",
            spread.unknown("recurrence.macrovascular_invasion"),
        ),
    ] {
        let case = builder.build().expect("valid");
        assert_eq!(within_milan(&case), Some(false), "{label}");
    }
}

/// The informational BCLC stage and Milan status with facts known and not known, on a single
/// 18 mm nodule (stage 0, within Milan): cancer-related ECOG 1 is stage C, ECOG 1 from
/// comorbidity stays 0, not known which is either; invasion is C; an unknown count or invasion
/// leaves Milan open.
#[test]
fn bclc_stage_and_milan_follow_the_facts_known() {
    use hcc_pathways::case::MacrovascularInvasion;
    use hcc_pathways::scores::{bclc_stage, bclc_stages, within_milan, BclcStage};
    let base = crate::common::bundled("r5_single_small_nodule");
    let policy = Policy::default();
    let stages = |case: &Case| -> Vec<BclcStage> {
        bclc_stages(case, case.child_pugh(), &policy)
            .iter()
            .collect()
    };
    let with = |b: hcc_pathways::case::CaseBuilder| b.build().expect("valid");
    assert_eq!(
        bclc_stage(&base, base.child_pugh(), &policy),
        Some(BclcStage::Zero)
    );
    assert_eq!(stages(&base), vec![BclcStage::Zero]);
    let related = with(base.to_builder().ecog(1).cancer_related(true));
    assert_eq!(stages(&related), vec![BclcStage::C]);
    let comorbidity = with(base.to_builder().ecog(1).cancer_related(false));
    assert_eq!(stages(&comorbidity), vec![BclcStage::Zero]);
    let either = with(
        base.to_builder()
            .ecog(1)
            .unknown("performance_status.cancer_related"),
    );
    assert_eq!(stages(&either), vec![BclcStage::Zero, BclcStage::C]);
    assert_eq!(bclc_stage(&either, either.child_pugh(), &policy), None);
    let invasion = with(
        base.to_builder()
            .macrovascular_invasion(MacrovascularInvasion::PortalVeinBranch),
    );
    assert_eq!(stages(&invasion), vec![BclcStage::C]);

    assert_eq!(within_milan(&base), Some(true));
    let count = with(base.to_builder().unknown("recurrence.intrahepatic.nodules"));
    assert_eq!(
        within_milan(&count),
        None,
        "one to three nodules within, four beyond"
    );
    let open_invasion = with(
        base.to_builder()
            .unknown("recurrence.macrovascular_invasion"),
    );
    assert_eq!(within_milan(&open_invasion), None, "invasion not known");
}
