//! The custom-rules example's variant: it builds, passes the completeness check, changes the
//! cases it should, and the check catches a variant with a gap.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../../examples/custom_rules.rs"]
mod variant;

use hcc_pathways::engine::RuleSet;
use hcc_pathways::grid::Grid;
use hcc_pathways::Policy;
use variant::{check_variant, compare_case, variant_rule_set};

/// The boundary grid, thinned so the check runs in well under a second in debug builds (the
/// example itself uses the full grid).
fn witnesses() -> Grid {
    let mut g = Grid::boundaries(&Policy::default());
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
use hcc_pathways::Pathway;

#[test]
fn the_variant_partitions_its_abstract_domain() {
    let variant = variant_rule_set().expect("variant builds");
    assert_eq!(variant.leaves().len(), 10);
    let report = check_variant(&variant, &witnesses()).expect("10 leaves can be enumerated");
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.assignments, 1 << 10);
    assert!(report.realised > 100, "the grid realises many combinations");
}

#[test]
fn a_variant_with_a_gap_fails_the_check_naming_the_values() {
    let variant = variant_rule_set().expect("variant builds");
    let without_r7 = variant
        .rules()
        .iter()
        .filter(|r| r.id() != "R7-u11")
        .cloned()
        .collect();
    let broken = RuleSet::new("broken", "0", without_r7).expect("builds");
    let report = check_variant(&broken, &witnesses()).expect("10 leaves can be enumerated");
    assert!(!report.is_ok());
    assert_eq!(report.overlaps().count(), 0);
    let gap = report
        .gaps()
        .find(|g| g.witness.is_some())
        .expect("a witnessed gap");
    assert!(gap.matched.is_empty());
    let values: Vec<String> = report
        .assignment(gap.mask)
        .map(|l| format!("{l:?}"))
        .collect();
    assert!(
        values.iter().any(|v| v.contains("fit_for_systemic")),
        "{values:?}"
    );
}

#[test]
fn up_to_eleven_moves_the_bundled_beyond_up_to_seven_case_to_repeat_intervention() {
    let variant = variant_rule_set().expect("variant builds");
    let c = compare_case(
        &variant,
        "examples/cases/r6_beyond_up_to_seven.json".as_ref(),
    )
    .expect("bundled case");
    assert_eq!(c.default, (Pathway::SystemicTherapy, "R6"));
    assert_eq!(c.variant, (Pathway::RepeatIntervention, "R5-u11"));
    assert_eq!(
        c.up_to_eleven,
        "up_to_eleven = true (up_to_seven_sum = 90 < 110)"
    );
    // Cases the variant does not touch keep their pathway; R1-R4 keep their ids.
    let c = compare_case(
        &variant,
        "examples/cases/r3_lung_metastases_fit.json".as_ref(),
    )
    .expect("bundled case");
    assert_eq!(c.default, (Pathway::SystemicTherapy, "R3"));
    assert_eq!(c.variant, (Pathway::SystemicTherapy, "R3"));
}
