//! The `recommend` example, run as a user runs it: its `run` with arguments, stdin and captured
//! output.

// Both examples load `examples/support/cli.rs`: one copy each, as in the examples themselves.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/recommend.rs"]
mod example;

use crate::examples_support::Scratch;

/// Runs the example: (exit status, stdout, stderr).
fn run(args: &[&str], stdin: &str) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = example::run(
        args.iter().map(|s| s.to_string()),
        &mut stdin.as_bytes(),
        &mut out,
        &mut err,
    );
    (
        status,
        String::from_utf8(out).expect("UTF-8 output"),
        String::from_utf8(err).expect("UTF-8 messages"),
    )
}

const R7: &str = "examples/cases/r7_child_pugh_7_multinodular.json";
const ADMIT_B7: &str = "examples/policies/admit_child_pugh_7.json";

#[test]
fn a_policy_file_changes_the_recommendation() {
    let (status, out, err) = run(&[R7], "");
    assert_eq!(status, 0, "{err}");
    assert!(
        out.starts_with("Pathway: Palliative care (palliative_care)"),
        "{out}"
    );

    for args in [
        &["--policy", ADMIT_B7, R7][..],
        &[R7, "--policy", ADMIT_B7],
        &["--policy=examples/policies/admit_child_pugh_7.json", R7],
    ] {
        let (status, out, err) = run(args, "");
        assert_eq!(status, 0, "{args:?}: {err}");
        assert!(
            out.starts_with("Pathway: Systemic therapy (systemic_therapy)"),
            "{out}"
        );
    }

    let (status, out, err) = run(
        &["--json", "--policy", ADMIT_B7, "-"],
        &std::fs::read_to_string(R7).unwrap(),
    );
    assert_eq!(status, 0, "{err}");
    let rec: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rec["pathway"], "systemic_therapy");
    assert_eq!(
        rec["policy"]["changed"][0]["setting"],
        "systemic_max_child_pugh"
    );
}

#[test]
fn bad_input_has_its_exit_status_and_a_message() {
    let s = Scratch::new("recommend");
    let bad_policy = s.file("bad.json", r#"{"systemic_max_child_pugh": 8}"#);
    let bad_case = s.file("case.json", r#"{"performance_status": {"ecog": 9}}"#);
    let cases: [(&[&str], u8, &str); 7] = [
        (&["--policy", &bad_policy, R7], 1, "invalid policy"),
        (
            &["--policy", &bad_policy, R7],
            1,
            "`systemic_max_child_pugh` out of range: expected 5 to 7, found 8",
        ),
        (
            &["--policy", "/nonexistent/policy.json", R7],
            2,
            "cannot read /nonexistent/policy.json",
        ),
        (&["--policy"], 2, "`--policy` needs a value"),
        (
            &[&bad_case],
            1,
            "invalid case: `performance_status.ecog` out of range",
        ),
        (
            &["--svg\u{1b}[2J", R7],
            2,
            "unknown option `--svg\\u{1b}[2J`",
        ),
        (&[R7, R7], 2, "unexpected argument"),
    ];
    for (args, status, message) in cases {
        let (got, out, err) = run(args, "");
        assert_eq!(got, status, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(message),
            "{args:?}: {err}"
        );
        assert!(!err.contains('\u{1b}'), "{err:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
    let (status, out, _) = run(&["-h"], "");
    assert_eq!((status, out.starts_with("usage: recommend")), (0, true));
}

/// Output that fails as a closed pipe does, or with any other error.
struct Failing(std::io::ErrorKind);

impl std::io::Write for Failing {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(self.0.into())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_pipe_ends_quietly_and_other_write_errors_are_reported() {
    for (kind, quiet) in [
        (std::io::ErrorKind::BrokenPipe, true),
        (std::io::ErrorKind::Other, false),
    ] {
        let mut err = Vec::new();
        let status = example::run([R7.to_owned()], &mut &b""[..], &mut Failing(kind), &mut err);
        let err = String::from_utf8(err).unwrap();
        assert_eq!(status, 2, "{kind:?}");
        assert_eq!(err.is_empty(), quiet, "{kind:?}: {err}");
        if !quiet {
            assert!(err.starts_with("error: cannot write the output"), "{err}");
        }
    }
}

#[test]
fn a_case_with_unknown_facts_is_decided_or_names_the_facts_needed() {
    // Decided whatever the unknown facts are: the recommendation, with what is pending.
    let (status, out, err) = run(
        &["examples/cases/unknown/decided_pending_afp_and_tolerance_unknown.json"],
        "",
    );
    assert_eq!(status, 0, "{err}");
    assert!(out.starts_with("Pathway: Systemic therapy"), "{out}");
    assert!(out.contains("? option ramucirumab"), "{out}");
    assert!(out.contains("[needs: recurrence.afp_ng_ml]"), "{out}");

    // Undecided: the candidates and what each value of the fact needed leads to.
    let undecided = "examples/cases/unknown/undecided_ecog_unknown.json";
    let (status, out, err) = run(&[undecided], "");
    assert_eq!(status, 0, "{err}");
    assert!(out.starts_with("Pathway: not decided"), "{out}");
    assert!(out.contains("? performance_status.ecog"), "{out}");
    assert!(out.contains("3 → Palliative care"), "{out}");
    let (status, out, err) = run(&["--json", undecided], "");
    assert_eq!(status, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["status"], "undecided");
    assert_eq!(doc["facts_needed"][0]["fact"], "performance_status.ecog");

    // The flowchart of the undecided case leaves the ECOG question open.
    let scratch = Scratch::new("recommend-unknown-svg");
    let svg = scratch.file("route.svg", "");
    let (status, _, err) = run(&["--svg", &svg, undecided], "");
    assert_eq!(status, 0, "{err}");
    let drawn = std::fs::read_to_string(&svg).expect("written");
    assert!(drawn.contains(r#"data-visit="open""#), "an open question");
    assert!(drawn.contains(r#"data-rule="R3" data-visit="possible""#));
}
