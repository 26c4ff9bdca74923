//! The cohort example's core, run on small in-memory cohorts and on the bundled synthetic one.

#[path = "../../examples/cohort/compare.rs"]
mod compare;

use compare::{compare, policy_changes, report, Comparison};
use hcc_pathways::{Pathway, PathwayRule, Policy};

fn one_line(path: &str) -> String {
    let text = std::fs::read_to_string(path).expect("bundled case");
    let v: serde_json::Value = serde_json::from_str(&text).expect("bundled case is JSON");
    v.to_string()
}

fn policy(path: &str) -> Policy {
    Policy::from_json(&std::fs::read_to_string(path).expect("bundled policy")).expect("valid")
}

fn run(text: &[u8], alternative: &Policy) -> Comparison {
    compare(text, &Policy::default(), alternative, |_| {}).expect("in-memory read")
}

#[test]
fn bad_lines_are_reported_with_line_and_field_and_skipped() {
    let r7 = one_line("examples/cases/r7_child_pugh_7_multinodular.json");
    let r5 = one_line("examples/cases/r5_single_small_nodule.json");
    let bad_ecog = r5.replace("\"ecog\":0", "\"ecog\":9");
    assert_ne!(bad_ecog, r5, "the fixture must contain the field we break");
    let text = format!("{r7}\nnot json\n\n{bad_ecog}\n{r5}\n");
    let c = run(
        text.as_bytes(),
        &policy("examples/policies/admit_child_pugh_7.json"),
    );

    assert_eq!(c.lines, 4, "the blank line is not counted");
    let lines: Vec<usize> = c.evaluated.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 5]);
    assert_eq!(c.skipped.len(), 2);
    assert_eq!(c.skipped[0].line, 2);
    assert!(
        c.skipped[0].error.contains("not valid JSON"),
        "{:?}",
        c.skipped[0]
    );
    assert_eq!(c.skipped[1].line, 4);
    assert!(
        c.skipped[1]
            .error
            .contains("`performance_status.ecog` out of range"),
        "{:?}",
        c.skipped[1]
    );
}

#[test]
fn a_line_that_is_not_utf8_is_skipped_not_fatal() {
    let r5 = one_line("examples/cases/r5_single_small_nodule.json");
    let mut text = b"\xff\xfe{}\n".to_vec();
    text.extend_from_slice(r5.as_bytes());
    let c = run(&text, &Policy::default());
    assert_eq!(c.evaluated.len(), 1);
    assert_eq!(c.evaluated[0].line, 2);
    assert_eq!(c.skipped[0].line, 1);
    assert!(c.skipped[0].error.contains("UTF-8"));
}

#[test]
fn a_changed_case_is_listed_with_its_deciding_rules() {
    let r7 = one_line("examples/cases/r7_child_pugh_7_multinodular.json");
    let r5 = one_line("examples/cases/r5_single_small_nodule.json");
    let alternative = policy("examples/policies/admit_child_pugh_7.json");
    let c = run(format!("{r5}\n{r7}").as_bytes(), &alternative);
    let changed: Vec<_> = c.changed().collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].line, 2);
    assert_eq!(
        (changed[0].default.rule, changed[0].alternative.rule),
        (Some(PathwayRule::R7), Some(PathwayRule::R6))
    );
    let text = report(&c, &policy_changes(&Policy::default(), &alternative));
    assert!(text.contains("- systemic_max_child_pugh: 6 -> 7"), "{text}");
    assert!(
        text.contains("| palliative_care | 1 (50.0 %) | 0 (0.0 %) | -1 |"),
        "{text}"
    );
    assert!(
        text.contains("| 2 | palliative_care by R7 | systemic_therapy by R6 |"),
        "{text}"
    );
}

fn synthetic(alternative: &str) -> Comparison {
    let file = std::fs::File::open("examples/cohort/synthetic_cohort.jsonl").expect("cohort");
    let mut last = 0;
    let c = compare(
        std::io::BufReader::new(file),
        &Policy::default(),
        &policy(alternative),
        |read| {
            assert!(read > last, "progress moves forward");
            last = read;
        },
    )
    .expect("read");
    assert_eq!(
        (c.lines, c.skipped.len()),
        (1000, 0),
        "{:?}",
        c.skipped.first()
    );
    c
}

#[test]
fn admitting_child_pugh_7_only_moves_cases_from_palliative_to_systemic() {
    // Raising systemic_max_child_pugh can only make `fit_for_systemic` true more often:
    // R4 becomes R3 and R7 becomes R6, nothing else.
    let c = synthetic("examples/policies/admit_child_pugh_7.json");
    assert!(c.changed().count() > 0, "the cohort has Child-Pugh 7 cases");
    for e in c.changed() {
        let pair = (e.default.rule, e.alternative.rule);
        assert!(
            matches!(
                pair,
                (Some(PathwayRule::R4), Some(PathwayRule::R3))
                    | (Some(PathwayRule::R7), Some(PathwayRule::R6))
            ),
            "line {}: {pair:?}",
            e.line
        );
    }
}

#[test]
fn up_to_eleven_only_moves_cases_to_repeat_intervention() {
    // A wider limited-disease criterion can only make `locally_treatable` true more often.
    let c = synthetic("examples/policies/up_to_eleven.json");
    assert!(
        c.changed().count() > 0,
        "the cohort has cases between the two limits"
    );
    for e in c.changed() {
        assert_eq!(
            e.alternative.pathway,
            Pathway::RepeatIntervention,
            "line {}",
            e.line
        );
        assert!(
            matches!(e.default.rule, Some(PathwayRule::R6 | PathwayRule::R7)),
            "line {}",
            e.line
        );
    }
    let counts = c.pathway_counts();
    let total_d: usize = counts.iter().map(|(_, d, _)| d).sum();
    let total_a: usize = counts.iter().map(|(_, _, a)| a).sum();
    assert_eq!((total_d, total_a), (1000, 1000));
    let by_rule: usize = c.rule_counts().iter().map(|(_, _, d, _)| d).sum();
    assert_eq!(by_rule, 1000);
    assert_eq!(
        c.transitions().iter().map(|(_, n)| n).sum::<usize>(),
        c.changed().count()
    );
}
