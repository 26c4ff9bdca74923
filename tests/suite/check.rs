//! `engine::check` on the pathway rule set and on deliberately broken copies of it (issue 4,
//! part 3): the check reports gaps and overlaps with witnesses, and the property harness, run
//! as a function, fails on the broken rule sets too.

#[cfg(feature = "proptest")]
use crate::common::{config, exactly_one_rule};
#[cfg(feature = "proptest")]
use hcc_pathways::strategies::policy_and_case;
#[cfg(feature = "proptest")]
use proptest::test_runner::{TestError, TestRunner};

use hcc_pathways::case::{GoalsOfCare, MacrovascularInvasion};
use hcc_pathways::engine::{check, FindingKind, Implication, Predicate, Rule, RuleSet, Trace};
use hcc_pathways::grid::Grid;
use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::predicates::{self, implications, terminal};
use hcc_pathways::sources::BCLC_2022;
use hcc_pathways::{Assessment, Pathway, Policy};

/// A thinned boundary grid: small enough for debug builds, and still realising every
/// combination of leaf values the clinical implications allow (asserted below).
fn witnesses() -> Grid {
    let mut g = Grid::boundaries(&Policy::default());
    let ecog = |e: u8, related: Option<bool>| {
        move |p: &hcc_pathways::case::PerformanceStatus| {
            p.ecog.map(|x| x.get()) == Some(e) && p.cancer_related == related
        }
    };
    g.performance_status.retain(|p| {
        ecog(0, None)(p)
            || ecog(1, Some(false))(p)
            || ecog(2, Some(false))(p)
            || ecog(2, Some(true))(p)
            || ecog(3, None)(p)
    });
    g.liver_function.retain(|l| {
        l.child_pugh_score
            .is_some_and(|s| [5, 7, 8, 10].contains(&s.get()))
    });
    g.spread.truncate(2);
    g.tace_history
        .retain(|t| t.intrahepatic_progressions.get() == 0 && !t.afp_rising);
    g.systemic_regimens.retain(|r| r.is_empty() || r.len() == 2);
    g
}

#[test]
fn the_pathway_rule_set_has_no_gap_or_overlap() {
    let g = witnesses();
    let p = Policy::default();
    let report = check(
        pathway_rules(),
        &implications(&Policy::default()),
        g.assessments(&p),
    )
    .unwrap();
    println!("{report}");
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.assignments, 1 << 13);
    assert_eq!(report.implications_applied, 8);
    // The thinned grid realises every combination the implications allow: the implications
    // are complete for these witnesses, so the abstract check is exact.
    assert_eq!(report.realised, report.feasible(), "{report}");
    assert_eq!(report.feasible(), 880);
}

/// R2 without its guard `¬comfort_focused`: overlaps R1 when a comfort-focused case is also
/// terminal.
fn overlapping() -> RuleSet<Assessment, Pathway> {
    let rules = pathway_rules()
        .rules()
        .iter()
        .map(|r| {
            if r.id() == "R2" {
                Rule::new(
                    "R2",
                    terminal(),
                    Pathway::PalliativeCare,
                    "terminal (guard on comfort_focused deliberately dropped)",
                    &[BCLC_2022],
                )
            } else {
                r.clone()
            }
        })
        .collect();
    RuleSet::new("broken-overlap", "test", rules).unwrap()
}

/// Without R7: nothing covers a case that is neither locally treatable and fit for an
/// intervention, nor fit for systemic therapy.
fn incomplete() -> RuleSet<Assessment, Pathway> {
    let rules = pathway_rules()
        .rules()
        .iter()
        .filter(|r| r.id() != "R7")
        .cloned()
        .collect();
    RuleSet::new("broken-gap", "test", rules).unwrap()
}

#[test]
fn check_reports_the_overlap_with_a_witness() {
    let g = witnesses();
    let p = Policy::default();
    let report = check(
        &overlapping(),
        &implications(&Policy::default()),
        g.assessments(&p),
    )
    .unwrap();
    println!("{report}");
    assert!(!report.is_ok());
    assert_eq!(report.gaps().count(), 0, "{report}");
    let overlaps: Vec<_> = report.overlaps().collect();
    assert!(!overlaps.is_empty());
    for f in &overlaps {
        assert_eq!(f.matched, ["R1", "R2"]);
        let w = f
            .witness
            .as_ref()
            .expect("every overlap is realised by a grid case");
        assert_eq!(w.case().goals_of_care(), Some(GoalsOfCare::ComfortFocused));
        assert!(terminal().test(w));
        // The witness really breaks the UNIQUE hit policy.
        assert!(overlapping().decide(w).is_err());
    }
}

#[test]
fn check_reports_the_gap_with_a_witness() {
    let g = witnesses();
    let p = Policy::default();
    let report = check(
        &incomplete(),
        &implications(&Policy::default()),
        g.assessments(&p),
    )
    .unwrap();
    println!("{report}");
    assert_eq!(report.overlaps().count(), 0, "{report}");
    let gaps: Vec<_> = report.gaps().collect();
    assert!(!gaps.is_empty());
    for f in &gaps {
        assert_eq!(f.kind, FindingKind::Gap);
        assert!(f.matched.is_empty());
        let w = f
            .witness
            .as_ref()
            .expect("every gap is realised by a grid case");
        assert!(!predicates::advanced().test(w));
        assert!(!predicates::fit_for_systemic().test(w));
        assert_eq!(
            w.case().recurrence().macrovascular_invasion,
            Some(MacrovascularInvasion::Absent)
        );
        let err = incomplete().decide(w).unwrap_err();
        assert!(err.matched.is_empty());
    }
}

/// Runs the part-1 property on a rule set with proptest's runner and returns its verdict.
#[cfg(feature = "proptest")]
fn run_harness(rules: &RuleSet<Assessment, Pathway>) -> Result<(), String> {
    let mut runner = TestRunner::new(config());
    runner
        .run(&policy_and_case(), |(policy, case)| {
            exactly_one_rule(rules, &case, &policy)
                .map(|_| ())
                .map_err(proptest::test_runner::TestCaseError::fail)
        })
        .map_err(|e| match e {
            TestError::Fail(why, (_, case)) => format!("{why}; minimal case: {case:?}"),
            TestError::Abort(why) => format!("aborted: {why}"),
        })
}

#[cfg(feature = "proptest")]
#[test]
fn the_property_harness_passes_on_the_real_rule_set_and_fails_on_broken_ones() {
    assert_eq!(run_harness(pathway_rules()), Ok(()));
    let overlap = run_harness(&overlapping()).unwrap_err();
    println!("overlapping rule set: {overlap}");
    assert!(overlap.contains(r#"["R1", "R2"]"#), "{overlap}");
    let gap = run_harness(&incomplete()).unwrap_err();
    println!("incomplete rule set: {gap}");
    assert!(gap.contains("0 rules matched"), "{gap}");
}

/// A researcher's own rule set over two finer Child–Pugh leaves: the implication
/// `child_pugh_ge_10 ⇒ child_pugh_gt_7` removes the impossible combination, and the check
/// finds the real gap (Child–Pugh 8–9) with a witness.
#[test]
fn implications_between_leaves_prune_impossible_combinations() {
    const SRC: &[hcc_pathways::sources::Source; 1] = &[BCLC_2022];
    let ge10 = Predicate::new(
        "child_pugh_ge_10",
        "Child-Pugh >= 10",
        SRC,
        |a: &Assessment, _: &mut Trace| a.child_pugh().min() >= 10,
    );
    let gt7 = Predicate::new(
        "child_pugh_gt_7",
        "Child-Pugh > 7",
        SRC,
        |a: &Assessment, _: &mut Trace| a.child_pugh().min() > 7,
    );
    let rules = RuleSet::new(
        "researcher",
        "0",
        vec![
            Rule::new("C", ge10.expr(), "class C", "Child-Pugh >= 10", SRC),
            Rule::new("A", gt7.not(), "class A or B7", "Child-Pugh <= 7", SRC),
        ],
    )
    .unwrap();
    let g = witnesses();
    let p = Policy::default();
    let without = check(&rules, &[], g.assessments(&p)).unwrap();
    // ge_10 ∧ ¬gt_7: both C and A match, but no case realises it.
    let impossible = without.overlaps().next().unwrap();
    assert!(impossible.witness.is_none(), "{without}");
    let imp = [Implication::new(
        "child_pugh_ge_10",
        true,
        "child_pugh_gt_7",
        true,
    )];
    let with = check(&rules, &imp, g.assessments(&p)).unwrap();
    println!("{with}");
    assert_eq!((with.excluded, with.overlaps().count()), (1, 0));
    let gap = with.gaps().next().unwrap();
    assert_eq!(gap.witness.as_ref().unwrap().child_pugh().known(), Some(8));
    assert!(with.violations.is_empty());
    // And a wrong implication is refuted by a witness.
    let wrong = [Implication::new(
        "child_pugh_gt_7",
        true,
        "child_pugh_ge_10",
        true,
    )];
    let refuted = check(&rules, &wrong, g.assessments(&p)).unwrap();
    assert_eq!(refuted.violations.len(), 1);
    assert_eq!(refuted.violations[0].witness.child_pugh().known(), Some(8));
}

/// Each clinical implication is needed: dropping it leaves combinations no case realises.
#[test]
fn every_clinical_implication_excludes_something() {
    // Those that name only leaves of the pathway rules (the others serve the option rules).
    let all: Vec<Implication> = implications(&Policy::default())
        .into_iter()
        .filter(|i| i.holds_in(pathway_rules(), 0).is_some())
        .collect();
    assert_eq!(all.len(), 8);
    let g = witnesses();
    let p = Policy::default();
    let full = check(pathway_rules(), &all, std::iter::empty()).unwrap();
    for i in 0..all.len() {
        let mut fewer = all.clone();
        let dropped = fewer.remove(i);
        let r = check(pathway_rules(), &fewer, g.assessments(&p)).unwrap();
        assert!(
            r.feasible() > full.feasible() && r.realised < r.feasible(),
            "dropping `{dropped}` changes nothing"
        );
    }
}

/// Issue 10 part 2: one check over every rule set the crate ships, under the default policy
/// and each bundled policy, with a seeded sample of the boundary grid that reaches the option
/// inputs (drug safety, AFP, unsafe location, regimen history) as concrete witnesses: no gap,
/// no overlap, no exclusive group broken, no witness violating a set's declaration, and the
/// witnesses realise part of every set's leaf combinations.
#[test]
fn every_shipped_rule_set_keeps_its_hit_policy_over_the_option_inputs() {
    let bundled = ["admit_child_pugh_7.json", "up_to_eleven.json"].map(|f| {
        let path = format!("{}/examples/policies/{f}", env!("CARGO_MANIFEST_DIR"));
        Policy::from_json(&std::fs::read_to_string(path).expect("bundled policy"))
            .expect("valid policy")
    });
    for policy in std::iter::once(Policy::default()).chain(bundled) {
        let grid = Grid::with_option_inputs(&policy);
        let witnesses: Vec<Assessment> = grid.sample_under(4_000, 2026, policy).collect();
        assert!(witnesses.len() >= 3_000, "{} witnesses", witnesses.len());
        let reports = hcc_pathways::verify::check_all(&policy, &witnesses).expect("checks");
        assert_eq!(reports.len(), hcc_pathways::verify::rule_set_ids().len());
        for r in &reports {
            assert!(r.findings.is_empty(), "{r}");
            assert!(r.violations.is_empty(), "{r}");
            assert_eq!(r.witnesses, witnesses.len() as u64, "{}", r.rule_set);
            assert!(r.realised > 0, "{}: no combination realised", r.rule_set);
        }
    }
}
