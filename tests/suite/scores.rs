//! The scores a recommendation reports (spec §5): their one-line text and their JSON, with
//! every fact known and with the BCLC stage left open by an unknown fact.

use serde_json::Value;

use hcc_pathways::scores::Scores;
use hcc_pathways::{Assessment, Case, Policy};

use crate::boundaries::case;

/// The scores of a case (decided or not) under the default policy.
fn scores(case: &Case) -> Scores {
    Assessment::new(case, &Policy::default())
        .expect("valid case and policy")
        .scores()
        .clone()
}

/// The text names the Child–Pugh score and class, ALBI, up-to-seven, Milan and the BCLC
/// stage with its note; a range and open stages say "not known".
#[test]
fn scores_read_as_one_line() {
    let known = scores(&case("r7_child_pugh_7_multinodular", &[]));
    let text = known.to_string();
    assert!(text.starts_with("Child–Pugh 7 (B), ALBI "), "{text}");
    assert!(text.contains("up-to-seven sum"), "{text}");
    assert!(text.contains("Milan, BCLC "), "{text}");
    assert!(
        text.ends_with("Child-Pugh B is weighed by the MDT)"),
        "{text}"
    );

    let open = scores(&case(
        "r7_child_pugh_7_multinodular",
        &[("liver_function.encephalopathy", None)],
    ));
    let text = open.to_string();
    assert!(
        text.starts_with("Child–Pugh 7 to 9 (not known) (B)"),
        "{text}"
    );
    assert!(
        text.contains("ALBI"),
        "ALBI needs bilirubin and albumin only: {text}"
    );
}

/// `bclc_stages` (the stages an unknown fact leaves open) is in the JSON only when the stage
/// is not known; `bclc_stage` only when it is.
#[test]
fn open_bclc_stages_are_serialised_only_when_the_stage_is_not_known() {
    let json = |s: &Scores| serde_json::to_value(s).expect("scores serialise");
    let known = json(&scores(&case("r5_single_small_nodule", &[])));
    assert!(known.get("bclc_stages").is_none(), "{known}");
    assert!(known["bclc_stage"].is_string(), "{known}");

    let unknown = scores(&case(
        "r5_single_small_nodule",
        &[("performance_status.ecog", None)],
    ));
    assert_eq!(
        unknown.bclc_stage, None,
        "ECOG not known leaves the stage open"
    );
    let unknown = json(&unknown);
    let stages = unknown["bclc_stages"].as_array().map(Vec::len);
    assert!(stages.is_some_and(|n| n >= 2), "{unknown}");
    assert!(
        unknown.get("bclc_stage").map_or(true, Value::is_null),
        "{unknown}"
    );
}
