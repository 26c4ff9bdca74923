//! The `cohort` example, run as a user runs it (its `run` with arguments, files and captured
//! output) and through its core, on small in-memory cohorts and on the bundled synthetic one.

// Both examples load `examples/support/cli.rs`: one copy each, as in the examples themselves.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/cohort.rs"]
mod example;

use example::compare::{compare, parse_line, CaseId, Change, Comparison, MAX_LINE_BYTES};
use hcc_pathways::{Pathway, Policy};

use crate::examples_support::{one_line, Scratch};

fn policy(path: &str) -> Policy {
    Policy::from_json(&std::fs::read_to_string(path).expect("bundled policy")).expect("valid")
}

fn run_core(text: &[u8], alternative: &Policy) -> Comparison {
    compare(text, &[Policy::default(), *alternative], |_| {}).expect("in-memory read")
}

/// Runs the example with `args`: (exit status, stdout, stderr).
fn run(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = example::run(args.iter().map(|s| s.to_string()), &mut out, &mut err);
    (
        status,
        String::from_utf8(out).expect("UTF-8 report"),
        String::from_utf8(err).expect("UTF-8 messages"),
    )
}

const R5: &str = "examples/cases/r5_single_small_nodule.json";
const R7: &str = "examples/cases/r7_child_pugh_7_multinodular.json";
const R3_AFTER_SORAFENIB: &str = "examples/cases/r3_second_line_after_sorafenib.json";
const ADMIT_B7: &str = "examples/policies/admit_child_pugh_7.json";
const UP_TO_ELEVEN: &str = "examples/policies/up_to_eleven.json";

#[test]
fn bad_lines_are_reported_with_line_and_field_and_skipped() {
    let r7 = one_line(R7);
    let r5 = one_line(R5);
    let bad_ecog = r5.replace("\"ecog\":0", "\"ecog\":9");
    assert_ne!(bad_ecog, r5, "the fixture must contain the field we break");
    let text = format!("{r7}\nnot json\n\n{bad_ecog}\n{r5}\n");
    let c = run_core(text.as_bytes(), &policy(ADMIT_B7));

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
    let r5 = one_line(R5);
    let mut text = b"\xff\xfe{}\n".to_vec();
    text.extend_from_slice(r5.as_bytes());
    let c = run_core(&text, &Policy::default());
    assert_eq!(c.evaluated.len(), 1);
    assert_eq!(c.evaluated[0].line, 2);
    assert_eq!(c.skipped[0].line, 1);
    assert!(c.skipped[0].error.contains("UTF-8"));
}

#[test]
fn a_line_at_the_length_limit_is_read_and_one_byte_more_is_skipped() {
    let r5 = one_line(R5);
    // JSON allows trailing whitespace: pad the case to exactly the limit, then one byte more.
    let at_limit = format!("{r5}{}", " ".repeat(MAX_LINE_BYTES - r5.len()));
    assert_eq!(at_limit.len(), MAX_LINE_BYTES);
    let over = format!("{at_limit} ");
    let text = format!("{at_limit}\n{over}\n{r5}");
    let c = run_core(text.as_bytes(), &Policy::default());
    let lines: Vec<usize> = c.evaluated.iter().map(|e| e.line).collect();
    assert_eq!(lines, [1, 3]);
    assert_eq!(c.skipped.len(), 1);
    assert_eq!(c.skipped[0].line, 2);
    assert_eq!(
        c.skipped[0].error,
        format!(
            "the document out of range: expected a line of at most {MAX_LINE_BYTES} bytes, \
             found {} bytes",
            MAX_LINE_BYTES + 1
        )
    );
}

#[test]
fn a_line_may_wrap_its_case_with_an_id() {
    let r5 = one_line(R5);
    let (id, case) = parse_line(format!(r#"{{"id": "p-17", "case": {r5}}}"#).as_bytes()).unwrap();
    assert_eq!(id, Some(CaseId::Text("p-17".to_owned())));
    assert_eq!(case, hcc_pathways::Case::from_json(&r5).unwrap());
    let (id, _) = parse_line(format!(r#"{{"case": {r5}, "id": 17}}"#).as_bytes()).unwrap();
    assert_eq!(id, Some(CaseId::Number(17)));
    let (id, _) = parse_line(r5.as_bytes()).unwrap();
    assert_eq!(id, None, "a bare case has no id");
    // The longest id, and ids that are any printable text.
    for ok in [
        "x".repeat(CaseId::MAX_CHARS),
        "Fall 12 | Ärztin, \"B\"".to_owned(),
    ] {
        let line = serde_json::json!({"id": ok, "case": serde_json::from_str::<serde_json::Value>(&r5).unwrap()});
        let (id, _) = parse_line(line.to_string().as_bytes()).unwrap();
        assert_eq!(id, Some(CaseId::Text(ok)));
    }
}

#[test]
fn a_bad_wrapper_or_id_names_the_key() {
    let r5 = one_line(R5);
    let bad_ecog = r5.replace("\"ecog\":0", "\"ecog\":9");
    let long = "x".repeat(CaseId::MAX_CHARS + 1);
    let cases: [(String, &str); 12] = [
        (format!(r#"{{"case": {r5}}}"#), "`id` is required"),
        (
            format!(r#"{{"id": 1, "case": {r5}, "note": "x"}}"#),
            "unknown field `note`",
        ),
        (
            format!(r#"{{"id": 1, "id": 2, "case": {r5}}}"#),
            "`id` is given more than once",
        ),
        (
            format!(r#"{{"id": 1, "case": {bad_ecog}}}"#),
            "`case.performance_status.ecog` out of range: expected 0 to 4, found 9",
        ),
        (
            r#"{"id": 1, "case": {}}"#.to_owned(),
            "`case.performance_status` is required",
        ),
        (
            format!(r#"{{"id": -1, "case": {r5}}}"#),
            "`id` is invalid: a number id must be a non-negative integer",
        ),
        (
            format!(r#"{{"id": 1.5, "case": {r5}}}"#),
            "`id` is invalid: a number id must be a non-negative integer",
        ),
        (
            format!(r#"{{"id": null, "case": {r5}}}"#),
            "`id` is invalid: expected a string or a non-negative integer",
        ),
        (
            format!(r#"{{"id": ["a"], "case": {r5}}}"#),
            "`id` is invalid: expected a string or a non-negative integer",
        ),
        (
            format!(r#"{{"id": "", "case": {r5}}}"#),
            "`id` out of range: expected 1 to 64 characters, found 0 characters",
        ),
        (
            format!(r#"{{"id": "{long}", "case": {r5}}}"#),
            "`id` out of range: expected 1 to 64 characters, found 65 characters",
        ),
        (
            format!(r#"{{"id": "a\u001b[2Jb", "case": {r5}}}"#),
            "`id` is invalid: contains a control or invisible character",
        ),
    ];
    for (line, expected) in &cases {
        let err = parse_line(line.as_bytes()).unwrap_err().to_string();
        assert!(
            err.contains(expected),
            "{line}\n  gave {err}\n  wanted {expected}"
        );
        assert!(!err.chars().any(char::is_control), "{err:?}");
    }
    // Inside a wrapped case, keys are still read strictly: a duplicate is an error.
    let dup = r#"{"id": 1, "case": {"goals_of_care": "comfort_focused", "goals_of_care": "comfort_focused"}}"#;
    let err = parse_line(dup.as_bytes()).unwrap_err();
    assert_eq!(err.field(), Some("case.goals_of_care"), "{err}");
}

#[test]
fn a_procedure_change_is_reported_though_the_pathway_stays() {
    // 18 mm: thermal ablation by default; above a 15 mm ablation limit, something else.
    let s = Scratch::new("procedure");
    let narrow = s.file(
        "narrow_ablation.json",
        r#"{"ablation_max_diameter_mm": 15, "pei_max_diameter_mm": 15}"#,
    );
    let c = run_core(one_line(R5).as_bytes(), &policy(&narrow));
    let changed: Vec<_> = c.changed(1).collect();
    assert_eq!(changed.len(), 1);
    let (e, change) = &changed[0];
    assert_eq!(
        *change,
        Change {
            procedure: true,
            ..Change::default()
        },
        "{e:?}"
    );
    assert_eq!(e.outcomes[0].pathway, e.outcomes[1].pathway);
    assert_eq!(
        e.outcomes[0].procedures(),
        [hcc_pathways::outcomes::Modality::ThermalAblation]
    );
    assert_ne!(e.outcomes[1].procedures(), e.outcomes[0].procedures());
}

#[test]
fn a_regimen_list_change_is_reported_though_the_pathway_and_rule_stay() {
    // AFP 520 ng/mL: ramucirumab is offered at the default 400, not from 1000.
    let s = Scratch::new("regimens");
    let strict = s.file(
        "ramucirumab_1000.json",
        r#"{"ramucirumab_min_afp_ng_ml": 1000}"#,
    );
    let (status, out, err) = run(&[
        "--format",
        "csv",
        "--policy",
        &strict,
        &s.file(
            "one.jsonl",
            &format!(
                r#"{{"id": "afp-520", "case": {}}}"#,
                one_line(R3_AFTER_SORAFENIB)
            ),
        ),
    ]);
    assert_eq!(status, 0, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 2, "{out}");
    let fields: Vec<&str> = rows[1].split(',').collect();
    assert_eq!(
        &fields[..6],
        [
            "1",
            "afp-520",
            "default",
            strict.as_str(),
            "regimens",
            "systemic_therapy"
        ]
    );
    assert!(fields[7].contains("ramucirumab"), "{out}");
    assert!(!fields[10].contains("ramucirumab"), "{out}");
    assert_eq!(
        fields[7].replace(";ramucirumab", ""),
        fields[10],
        "only ramucirumab goes"
    );
}

#[test]
fn one_policy_is_compared_with_the_default_and_several_with_the_first() {
    let s = Scratch::new("several");
    let cohort = s.file(
        "cohort.jsonl",
        &format!(
            "{{\"id\": \"b7\", \"case\": {}}}\n{{\"id\": 2, \"case\": {}}}\n",
            one_line(R7),
            one_line(R5)
        ),
    );
    let (status, out, err) = run(&["--policy", ADMIT_B7, &cohort]);
    assert_eq!(status, 0, "{err}");
    assert!(out.contains("Policy `examples/policies/admit_child_pugh_7.json` differs from `default` in:\n- systemic_max_child_pugh: 6 -> 7"), "{out}");
    assert!(
        out.contains("| palliative_care | 1 (50.0 %) | 0 (0.0 %) | -1 |"),
        "{out}"
    );
    assert!(
        out.contains("| 1 | `b7` | pathway, rule, regimens, other_options | palliative_care by R7: best_supportive_care | systemic_therapy by R6: "),
        "{out}"
    );
    assert!(out.contains("Decision support for a multidisciplinary tumour board"));

    // Three policies: each of the last two against the first.
    let (status, out, err) = run(&[
        "--policy",
        ADMIT_B7,
        "--policy",
        UP_TO_ELEVEN,
        "--policy=examples/policies/admit_child_pugh_7.json",
        "--format",
        "jsonl",
        &cohort,
    ]);
    assert_eq!(status, 0, "{err}");
    let records: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(records.len(), 4, "two cases × two alternatives");
    for r in &records {
        assert_eq!(r["baseline"], ADMIT_B7);
    }
    let alts: Vec<&str> = records
        .iter()
        .map(|r| r["alternative"].as_str().unwrap())
        .collect();
    assert_eq!(alts, [UP_TO_ELEVEN, ADMIT_B7, UP_TO_ELEVEN, ADMIT_B7]);
    let ids: Vec<&serde_json::Value> = records.iter().map(|r| &r["id"]).collect();
    assert_eq!(
        ids,
        [
            &serde_json::json!("b7"),
            &serde_json::json!("b7"),
            &serde_json::json!(2),
            &serde_json::json!(2)
        ]
    );
    // The R7 case: systemic under B7; within up-to-eleven (and Child-Pugh 7 fit for a
    // procedure), a repeat intervention.
    assert_eq!(records[0]["baseline_outcome"]["rule"], "R6");
    assert_eq!(records[0]["alternative_outcome"]["rule"], "R5");
    assert_eq!(
        records[0]["change"],
        serde_json::json!(["pathway", "rule", "procedure", "regimens"])
    );
    // A policy compared with itself changes nothing.
    assert_eq!(records[1]["change"], serde_json::json!([]));
    assert_eq!(records[3]["change"], serde_json::json!([]));
    assert!(err.contains("note: Counts describe"), "{err}");
}

#[test]
fn every_report_line_about_a_case_carries_its_id_escaped_for_its_format() {
    let s = Scratch::new("ids");
    let id = r#"Fall 7 | "B", `x`"#;
    let line = serde_json::json!({"id": id, "case": serde_json::from_str::<serde_json::Value>(&one_line(R7)).unwrap()});
    let cohort = s.file("cohort.jsonl", &format!("{line}\n"));

    let (_, md, _) = run(&["--policy", ADMIT_B7, &cohort]);
    assert!(
        md.contains(r#"| 1 | `` Fall 7 \| "B", `x` `` | pathway"#),
        "{md}"
    );

    let (_, csv, _) = run(&["--format", "csv", "--policy", ADMIT_B7, &cohort]);
    assert_eq!(csv.lines().next(), Some(example::report::CSV_HEADER));
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(r#"1,"Fall 7 | ""B"", `x`",default,"#),
        "{csv}"
    );

    let (_, jsonl, _) = run(&["--format", "jsonl", "--policy", ADMIT_B7, &cohort]);
    let r: serde_json::Value = serde_json::from_str(jsonl.trim_end()).unwrap();
    assert_eq!(r["id"], id);
    assert_eq!(r["line"], 1);
}

#[test]
fn skipped_lines_go_to_stderr_with_their_numbers_in_every_format() {
    let s = Scratch::new("skipped");
    let cohort = s.file(
        "cohort.jsonl",
        &format!(
            "{}\n{{\"id\": \"\\u0007\", \"case\": {{}}}}\nnope\n",
            one_line(R5)
        ),
    );
    for format in ["markdown", "csv", "jsonl"] {
        let (status, out, err) = run(&["--format", format, "--policy", ADMIT_B7, &cohort]);
        assert_eq!(status, 0, "{format}: {err}");
        assert!(
            err.contains("line 2: `id` is invalid: contains a control"),
            "{format}: {err}"
        );
        assert!(
            err.contains("line 3: the document is not valid JSON"),
            "{format}: {err}"
        );
        assert!(!out.contains("line 2"), "{format}: {out}");
    }
}

#[test]
fn usage_errors_and_bad_policies_have_their_exit_status() {
    let s = Scratch::new("usage");
    let cohort = s.file("cohort.jsonl", &one_line(R5));
    let bad = s.file("bad.json", r#"{"terminal_min_ecog": 9}"#);
    let cases: [(&[&str], u8, &str); 9] = [
        (&["--policy", ADMIT_B7], 2, "no cohort file given"),
        (&[&cohort], 2, "no policy given"),
        (&["--policy"], 2, "`--policy` needs a value"),
        (
            &["--policy", "--format", "csv", &cohort],
            2,
            "`--policy` needs a value",
        ),
        (
            &["--format", "xml", "--policy", ADMIT_B7, &cohort],
            2,
            "`--format` must be",
        ),
        (
            &["--verbose", "--policy", ADMIT_B7, &cohort],
            2,
            "unknown option `--verbose`",
        ),
        (
            &["--progress=yes", "--policy", ADMIT_B7, &cohort],
            2,
            "`--progress` takes no value",
        ),
        (
            &["--policy", &bad, &cohort],
            1,
            "`terminal_min_ecog` out of range",
        ),
        (
            &["--policy", ADMIT_B7, "/nonexistent/cohort.jsonl"],
            2,
            "cannot read",
        ),
    ];
    for (args, status, message) in cases {
        let (got, out, err) = run(args);
        assert_eq!(got, status, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(message),
            "{args:?}: {err}"
        );
        assert!(out.is_empty(), "{args:?}: {out}");
    }
    let (status, out, _) = run(&["--help"]);
    assert_eq!((status, out.starts_with("usage: cohort")), (0, true));
    // The older form: the policy after the cohort.
    let (status, out, err) = run(&[&cohort, ADMIT_B7]);
    assert_eq!(status, 0, "{err}");
    assert!(
        out.contains("baseline `default`; compared: `examples/policies/admit_child_pugh_7.json`"),
        "{out}"
    );
}

fn synthetic(alternative: &str) -> Comparison {
    let file = std::fs::File::open("examples/cohort/synthetic_cohort.jsonl").expect("cohort");
    let mut last = 0;
    let c = compare(
        std::io::BufReader::new(file),
        &[Policy::default(), policy(alternative)],
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
    let c = synthetic(ADMIT_B7);
    assert!(
        c.changed(1).count() > 0,
        "the cohort has Child-Pugh 7 cases"
    );
    for (e, change) in c.changed(1) {
        let pair = (
            e.outcomes[0].rule.to_string(),
            e.outcomes[1].rule.to_string(),
        );
        assert!(
            matches!(
                (pair.0.as_str(), pair.1.as_str()),
                ("R4", "R3") | ("R7", "R6")
            ),
            "line {}: {pair:?}",
            e.line
        );
        assert!(change.pathway && !change.procedure, "line {}", e.line);
    }
}

#[test]
fn up_to_eleven_only_moves_cases_to_repeat_intervention() {
    // A wider limited-disease criterion can only make `locally_treatable` true more often.
    let c = synthetic(UP_TO_ELEVEN);
    assert!(
        c.changed(1).count() > 0,
        "the cohort has cases between the two limits"
    );
    for (e, change) in c.changed(1) {
        assert_eq!(
            e.outcomes[1].pathway,
            Pathway::RepeatIntervention,
            "line {}",
            e.line
        );
        assert!(
            matches!(e.outcomes[0].rule.to_string().as_str(), "R6" | "R7"),
            "line {}",
            e.line
        );
        assert!(change.pathway && change.procedure, "line {}", e.line);
    }
    let counts = c.pathway_counts();
    let total_d: usize = counts.iter().map(|(_, n)| n[0]).sum();
    let total_a: usize = counts.iter().map(|(_, n)| n[1]).sum();
    assert_eq!((total_d, total_a), (1000, 1000));
    let by_rule: usize = c.rule_counts().iter().map(|(_, _, n)| n[0]).sum();
    assert_eq!(by_rule, 1000);
    assert_eq!(
        c.transitions(1).iter().map(|(_, n)| n).sum::<usize>(),
        c.changed(1).filter(|(_, ch)| ch.pathway || ch.rule).count()
    );
}

/// The committed cohort is exactly what the shared generator (`examples/support/cohort_gen.rs`,
/// also behind the bench's case set) makes from seed 2026: it can be regenerated, and a change
/// to the generator that would make the bench measure other cases than the tests read fails
/// here.
#[test]
fn the_committed_cohort_is_the_generators_output() {
    let committed =
        std::fs::read_to_string("examples/cohort/synthetic_cohort.jsonl").expect("cohort");
    let generated: String = crate::cohort_gen::valid_documents(2026, 1000)
        .map(|doc| doc + "\n")
        .collect();
    assert!(
        committed == generated,
        "regenerate with `cargo run --example gen_cohort -- --seed 2026 --n 1000`"
    );
}

#[test]
fn the_packaged_sample_is_the_start_of_the_synthetic_cohort() {
    let sample = std::fs::read_to_string("examples/cohort/sample.jsonl").expect("sample");
    let full = std::fs::read_to_string("examples/cohort/synthetic_cohort.jsonl").expect("cohort");
    assert_eq!(sample.lines().count(), 50);
    assert!(
        full.starts_with(&sample),
        "sample.jsonl is the first 50 lines"
    );
    assert!(
        sample.len() < 64 * 1024,
        "small enough to publish: {} bytes",
        sample.len()
    );
}
