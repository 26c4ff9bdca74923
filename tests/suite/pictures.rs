//! The pictures: the committed flowchart is what the code draws; every drawing is well-formed
//! XML with its text escaped; the path highlighted for a case is exactly the deciding rule's
//! conditions, read with the case's values; the cohort flow counts what it is given.

use hcc_pathways::engine::RuleSet;
use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::picture::{
    pathway_flowchart, recommendation_svg, Flowchart, Node, PathwayFlows, PictureError, Route,
    Visit,
};
use hcc_pathways::policy::Setting;
use hcc_pathways::predicates::implications;
use hcc_pathways::{recommend_with, Assessment, Case, Pathway, Policy, Recommendation};

const REGENERATE: &str = "cargo run --example flowchart -- --write";

fn bundled_cases() -> Vec<(String, Case)> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir("examples/cases")
        .expect("examples/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "bundled cases: {}", files.len());
    files
        .into_iter()
        .map(|p| {
            let json = std::fs::read_to_string(&p).expect("readable case");
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, Case::from_json(&json).expect("valid bundled case"))
        })
        .collect()
}

fn policies() -> Vec<(&'static str, Policy)> {
    let read = |path: &str| {
        Policy::from_json(&std::fs::read_to_string(path).expect("bundled policy")).expect("valid")
    };
    vec![
        ("default", Policy::default()),
        (
            "admit_child_pugh_7",
            read("examples/policies/admit_child_pugh_7.json"),
        ),
        ("up_to_eleven", read("examples/policies/up_to_eleven.json")),
    ]
}

/// Parses a drawing as XML and checks it is an SVG document.
fn parse(svg: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{}", &svg[..svg.len().min(400)]));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    doc
}

#[test]
fn the_committed_flowchart_is_current() {
    let rendered = pathway_flowchart(&Policy::default())
        .expect("chart")
        .to_svg();
    let committed = std::fs::read_to_string("docs/pathways.svg").unwrap_or_else(|e| {
        panic!("cannot read docs/pathways.svg ({e}); generate it with `{REGENERATE}`")
    });
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(rendered.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "docs/pathways.svg is stale (first difference at line {line}): the rules, \
             predicates, thresholds or sources changed. Regenerate it with `{REGENERATE}` and \
             review the picture."
        );
    }
}

/// The value of a test (a leaf predicate or a named condition) for a leaf mask of the pathway
/// rules, computed from the rule set itself.
fn test_value(rules: &RuleSet<Assessment, Pathway>, test: &str, mask: u64) -> Option<bool> {
    if let Some(i) = rules.leaves().iter().position(|p| p.id() == test) {
        return Some(mask & (1u64 << i) != 0);
    }
    let k = rules.named().position(|(id, _)| id == test)?;
    rules.named_values(mask).nth(k)
}

/// Every combination of leaf values the policy's implications allow.
fn feasible_masks(policy: &Policy) -> Vec<u64> {
    let rules = pathway_rules();
    let imps = implications(policy);
    (0..1u64 << rules.leaves().len())
        .filter(|m| imps.iter().all(|i| i.holds_in(rules, *m) != Some(false)))
        .collect()
}

/// The decisions on a route, from the root: (node, test, answer).
fn path_of(chart: &Flowchart, route: &Route) -> (Vec<(usize, &'static str, bool)>, usize) {
    let mut steps = Vec::new();
    let mut at = 0usize;
    loop {
        match &chart.nodes()[at] {
            Node::Decision(d) => {
                let Visit::Answered(v) = route.visits()[at] else {
                    panic!(
                        "node {at} ({}) on the path is {:?}",
                        d.test,
                        route.visits()[at]
                    );
                };
                steps.push((at, d.test, v));
                at = if v { d.yes } else { d.no };
            }
            Node::Outcome(_) => return (steps, at),
        }
    }
}

#[test]
fn the_highlighted_path_is_exactly_the_deciding_rule_for_every_bundled_case() {
    let rules = pathway_rules();
    let mut checked = 0;
    for (policy_name, policy) in policies() {
        let chart = pathway_flowchart(&policy).expect("chart");
        let masks = feasible_masks(&policy);
        for (name, case) in bundled_cases() {
            let what = format!("{name} under {policy_name}");
            let rec = recommend_with(&case, &policy).expect("recommendation");
            let a = Assessment::new(&case, &policy).expect("assessment");
            let mask = rules.leaf_mask(&a);
            let route = Route::for_recommendation(&chart, &rec);
            let (steps, end) = path_of(&chart, &route);

            // The path ends at the outcome of the deciding rule, and nowhere else is reached.
            let Node::Outcome(o) = &chart.nodes()[end] else {
                unreachable!()
            };
            let rule = rec.rule.expect("a complete case has one deciding rule");
            assert_eq!(o.rule, rule.wire_name(), "{what}");
            assert_eq!(route.reached_rule(&chart), Some(o.rule), "{what}");
            // Only the path is visited.
            for (i, v) in route.visits().iter().enumerate() {
                let on_path = i == end || steps.iter().any(|(n, _, _)| *n == i);
                assert_eq!(
                    *v != Visit::NotVisited,
                    on_path,
                    "{what}: node {i} is {v:?}"
                );
            }
            // Each answer is the case's value of that test: as the rule set computes it from
            // the case, and as the explanation records it.
            let doc = rec.explanation.document();
            for (node, test, answer) in &steps {
                assert_eq!(
                    test_value(rules, test, mask),
                    Some(*answer),
                    "{what}: {test}"
                );
                let recorded = doc.predicates.iter().find(|p| p.predicate == *test);
                assert_eq!(
                    recorded.and_then(|p| p.value.known()),
                    Some(*answer),
                    "{what}: {test}"
                );
                // The facts written at the node are those its predicates read.
                let Node::Decision(d) = &chart.nodes()[*node] else {
                    unreachable!()
                };
                for leaf in &d.reads {
                    let p = doc.predicates.iter().find(|p| p.predicate == *leaf);
                    for fact in p.map(|p| p.facts.as_slice()).unwrap_or_default() {
                        assert!(
                            route.facts(*node).contains(&fact.to_string()),
                            "{what}: {test} misses the fact {fact}"
                        );
                    }
                }
                assert!(
                    !route.facts(*node).is_empty(),
                    "{what}: {test} has no facts"
                );
            }
            // The answers on the path imply the deciding rule: every combination of predicate
            // values the policy allows that agrees with them matches that rule and no other.
            let index = rules
                .rules()
                .iter()
                .position(|r| r.id() == o.rule)
                .expect("rule");
            let agreeing: Vec<u64> = masks
                .iter()
                .copied()
                .filter(|m| {
                    steps
                        .iter()
                        .all(|(_, t, v)| test_value(rules, t, *m) == Some(*v))
                })
                .collect();
            assert!(agreeing.contains(&mask), "{what}: the case itself agrees");
            for m in agreeing {
                let matched: Vec<usize> = rules.matches_for_mask(m).collect();
                assert_eq!(matched, [index], "{what}: mask {m:#b}");
            }

            // The drawing says the same: the boxes and branches marked on it are the path.
            let svg = recommendation_svg(&rec, &policy).expect("svg");
            let xml = parse(&svg);
            let mut marked: Vec<(usize, String)> = xml
                .descendants()
                .filter(|n| n.has_tag_name("g"))
                .filter_map(|n| {
                    let visit = n.attribute("data-visit")?;
                    let id = n.attribute("id")?.strip_prefix("node-")?.parse().ok()?;
                    (visit != "not-visited").then(|| (id, visit.to_owned()))
                })
                .collect();
            marked.sort();
            let mut expected: Vec<(usize, String)> = steps
                .iter()
                .map(|(n, _, v)| (*n, if *v { "yes" } else { "no" }.to_owned()))
                .chain([(end, "reached".to_owned())])
                .collect();
            expected.sort();
            assert_eq!(marked, expected, "{what}: marked boxes");
            let taken: Vec<(usize, usize)> = xml
                .descendants()
                .filter(|n| n.attribute("data-state") == Some("taken"))
                .map(|n| {
                    let num = |a| n.attribute(a).and_then(|v| v.parse().ok()).expect("index");
                    (num("data-from"), num("data-to"))
                })
                .collect();
            let mut hops: Vec<usize> = steps.iter().map(|(n, _, _)| *n).collect();
            hops.push(end);
            let expected_edges: Vec<(usize, usize)> =
                hops.windows(2).map(|w| (w[0], w[1])).collect();
            assert_eq!(taken, expected_edges, "{what}: highlighted branches");
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked} case and policy pairs");
}

#[test]
fn every_rule_has_an_outcome_box_and_each_box_names_its_sources() {
    for (name, policy) in policies() {
        let chart = pathway_flowchart(&policy).expect("chart");
        for rule in pathway_rules().rules() {
            let boxes: Vec<_> = chart
                .nodes()
                .iter()
                .filter_map(|n| match n {
                    Node::Outcome(o) if o.rule == rule.id() => Some(o),
                    _ => None,
                })
                .collect();
            assert!(!boxes.is_empty(), "{name}: {} has no box", rule.id());
            for o in boxes {
                let keys: Vec<&str> = rule.sources().iter().map(|s| s.key()).collect();
                assert_eq!(o.sources, keys);
                assert_eq!(o.style.label, rule.outcome().label());
            }
        }
        // The chart reads like the table: comfort-focused, then terminal, then advanced.
        let tests: Vec<&str> = chart
            .nodes()
            .iter()
            .filter_map(|n| match n {
                Node::Decision(d) => Some(d.test),
                Node::Outcome(_) => None,
            })
            .collect();
        assert_eq!(
            tests[..3],
            ["comfort_focused", "terminal", "advanced"],
            "{name}"
        );
    }
}

#[test]
fn descriptions_show_the_thresholds_of_the_policy_in_force() {
    let policy = Policy::default()
        .with_settings([
            (Setting::TerminalMinChildPugh, 11),
            (Setting::UpToSevenLimit, 110),
        ])
        .unwrap();
    let svg = pathway_flowchart(&policy).expect("chart").to_svg();
    assert!(svg.contains("Child-Pugh &gt;= 11"), "terminal threshold");
    assert!(
        !svg.contains("Child-Pugh &gt;= 10"),
        "the default must not show"
    );
    assert!(svg.contains("terminal_min_child_pugh = 11 (default 10)"));
    let default = pathway_flowchart(&Policy::default())
        .expect("chart")
        .to_svg();
    assert!(default.contains("ECOG &gt;= 3 or Child-Pugh &gt;= 10"));
    assert!(default.contains("Thresholds of the default policy."));
    parse(&svg);
}

#[test]
fn an_open_answer_keeps_both_branches_and_their_outcomes_possible() {
    let chart = pathway_flowchart(&Policy::default()).expect("chart");
    // Not comfort-focused, not terminal, not advanced; whether the disease is locally
    // treatable is not known (as an unknown fact will leave it).
    let route = Route::walk(&chart, |t| match t {
        "locally_treatable" => None,
        "fit_for_intervention" | "fit_for_systemic" => Some(true),
        _ => Some(false),
    });
    let possible: Vec<&str> = route
        .visits()
        .iter()
        .enumerate()
        .filter(|(_, v)| **v == Visit::Possible)
        .filter_map(|(i, _)| match &chart.nodes()[i] {
            Node::Outcome(o) => Some(o.rule),
            Node::Decision(_) => None,
        })
        .collect();
    assert_eq!(possible, ["R5", "R6"]);
    assert_eq!(route.reached_rule(&chart), None);
    assert_eq!(
        route.visits().iter().filter(|v| **v == Visit::Open).count(),
        1
    );
    let svg = chart.to_svg_with(&route);
    let xml = parse(&svg);
    let open_edges = xml
        .descendants()
        .filter(|n| n.attribute("data-state") == Some("open"))
        .count();
    assert_eq!(open_edges, 2);
    assert!(svg.contains(r#"data-test="locally_treatable" data-visit="open""#));
    assert!(svg.contains("answer: unknown (open)"));
}

#[test]
fn text_is_escaped_and_drawings_are_deterministic() {
    let hostile = r#"<script>alert("x")</script> & 'quotes' ]]> --"#;
    let chart = pathway_flowchart(&Policy::default())
        .expect("chart")
        .with_title(hostile);
    let svg = chart.to_svg();
    let xml = parse(&svg);
    let title = xml
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert_eq!(title, Some(hostile), "the title round-trips through XML");
    assert!(!xml.descendants().any(|n| n.has_tag_name("script")));
    assert_eq!(svg, chart.to_svg());

    let flows: PathwayFlows = [(Pathway::PalliativeCare, Pathway::SystemicTherapy)]
        .into_iter()
        .collect();
    let svg = flows.to_svg(hostile, "\u{1b}[2J control");
    let xml = parse(&svg);
    assert!(!xml.descendants().any(|n| n.has_tag_name("script")));
    assert!(xml
        .descendants()
        .filter_map(|n| n.text())
        .any(|t| t.contains(hostile)));
    assert!(
        !svg.contains('\u{1b}'),
        "a control character XML forbids is dropped"
    );
    assert_eq!(svg, flows.to_svg(hostile, "\u{1b}[2J control"));
}

#[test]
fn the_cohort_flow_counts_what_it_is_given() {
    use Pathway::*;
    let mut flows = PathwayFlows::new();
    flows.extend([(PalliativeCare, SystemicTherapy); 7]);
    flows.extend([(SystemicTherapy, SystemicTherapy); 5]);
    flows.add(RepeatIntervention, RepeatIntervention);
    assert_eq!(flows.total(), 13);
    let svg = flows.to_svg("default", "admit Child-Pugh 7");
    let xml = parse(&svg);
    let count = |n: roxmltree::Node<'_, '_>| -> usize {
        n.attribute("data-count")
            .and_then(|c| c.parse().ok())
            .expect("count")
    };
    let ribbons: Vec<(String, String, usize)> = xml
        .descendants()
        .filter(|n| n.attribute("class") == Some("ribbon"))
        .map(|n| {
            (
                n.attribute("data-from").unwrap_or_default().to_owned(),
                n.attribute("data-to").unwrap_or_default().to_owned(),
                count(n),
            )
        })
        .collect();
    assert_eq!(
        ribbons,
        [
            (
                "repeat_intervention".into(),
                "repeat_intervention".into(),
                1
            ),
            ("systemic_therapy".into(), "systemic_therapy".into(), 5),
            ("palliative_care".into(), "systemic_therapy".into(), 7),
        ]
    );
    let bars: Vec<(String, String, usize)> = xml
        .descendants()
        .filter(|n| n.attribute("class") == Some("bar"))
        .map(|n| {
            (
                n.attribute("data-side").unwrap_or_default().to_owned(),
                n.attribute("data-pathway").unwrap_or_default().to_owned(),
                count(n),
            )
        })
        .collect();
    let side = |s: &str| -> Vec<usize> { bars.iter().filter(|b| b.0 == s).map(|b| b.2).collect() };
    assert_eq!(side("from"), [1, 5, 7]);
    assert_eq!(side("to"), [1, 12, 0]);
    assert!(svg.contains("Palliative care → Systemic therapy: 7"));
    assert!(svg.contains("12 (92.3 %)"));
    // No cases: a note, no bars.
    let empty = PathwayFlows::new().to_svg("a", "b");
    assert!(parse(&empty)
        .descendants()
        .all(|n| n.attribute("class") != Some("bar")));
    assert!(empty.contains("No cases."));
}

fn recommendation(name: &str, policy: &Policy) -> Recommendation {
    let json = std::fs::read_to_string(format!("examples/cases/{name}")).expect("case");
    recommend_with(&Case::from_json(&json).expect("valid"), policy).expect("recommendation")
}

#[test]
fn a_recommendation_is_drawn_only_on_its_own_chart() {
    let policy = Policy::default();
    let rec = recommendation("r6_beyond_up_to_seven.json", &policy);
    let other = Policy::default()
        .with(Setting::UpToSevenLimit, 110)
        .unwrap();
    assert!(matches!(
        recommendation_svg(&rec, &other),
        Err(PictureError::PolicyMismatch { .. })
    ));
    let mut older = rec.clone();
    older.rule_set.version = "0.0.1".into();
    assert!(matches!(
        recommendation_svg(&older, &policy),
        Err(PictureError::RuleSetMismatch { .. })
    ));
}

#[cfg(feature = "json")]
#[test]
fn an_edited_explanation_that_leads_elsewhere_is_an_error() {
    let policy = Policy::default();
    let rec = recommendation("r6_beyond_up_to_seven.json", &policy);
    // Read back from JSON with its explanation, the recommendation draws the same.
    let back =
        serde_json::from_str::<Recommendation>(&rec.to_json_explained()).expect("round trip");
    assert_eq!(
        recommendation_svg(&back, &policy).expect("svg"),
        recommendation_svg(&rec, &policy).expect("svg")
    );
    // Without it (lean JSON) there is no path to draw.
    let lean = serde_json::from_str::<Recommendation>(&rec.to_json()).expect("round trip");
    assert_eq!(
        recommendation_svg(&lean, &policy),
        Err(PictureError::NoExplanation)
    );
    // Flip the recorded value of `advanced`: the explanation now leads to R3 or R4, not R6.
    let mut v: serde_json::Value = serde_json::from_str(&rec.to_json_explained()).expect("json");
    let preds = v["explanation"]["predicates"]
        .as_array_mut()
        .expect("predicates");
    let advanced = preds
        .iter_mut()
        .find(|p| p["predicate"] == "advanced")
        .expect("advanced is recorded");
    advanced["value"] = serde_json::Value::Bool(true);
    let edited = serde_json::from_value::<Recommendation>(v).expect("still a recommendation");
    match recommendation_svg(&edited, &policy) {
        Err(PictureError::PathMismatch { decided, drawn }) => {
            assert_eq!(decided, "R6");
            assert!(drawn == "R3" || drawn == "R4", "{drawn}");
        }
        other => panic!("expected a path mismatch, got {other:?}"),
    }
}

#[test]
fn a_rule_set_with_a_gap_or_an_overlap_has_no_flowchart() {
    use hcc_pathways::engine::{Predicate, Rule, Trace};
    use hcc_pathways::picture::OutcomeStyle;
    use hcc_pathways::sources::Source;

    const S: Source = Source::new("TEST", "test only");
    let small = Predicate::new("small", "below 10", &[S], |x: &i32, _: &mut Trace| *x < 10);
    let even = Predicate::new("even", "even", &[S], |x: &i32, _: &mut Trace| x % 2 == 0);
    let style = |d: &&str| OutcomeStyle {
        label: (*d).to_owned(),
        tone: 4,
    };
    let overlap = RuleSet::unique(
        "overlap",
        "1",
        vec![
            Rule::new("A", small.expr(), "a", "a", &[S]),
            Rule::new("B", small.and(&even), "b", "b", &[S]),
            Rule::new("C", small.not(), "c", "c", &[S]),
        ],
    )
    .expect("builds");
    match Flowchart::derive(&overlap, &[], &Policy::default(), style) {
        Err(PictureError::NotUnique { path, matched, .. }) => {
            assert_eq!(path, "small ∧ even");
            assert!(matched.contains(&vec!["A", "B"]), "{matched:?}");
        }
        other => panic!("expected NotUnique, got {other:?}"),
    }
    // The same rules, with an implication that rules the overlap out ("small ⇒ ¬even"), draw.
    let imp = hcc_pathways::engine::Implication::new("small", true, "even", false);
    let chart = Flowchart::derive(&overlap, &[imp], &Policy::default(), style).expect("draws");
    let rules: Vec<&str> = chart
        .nodes()
        .iter()
        .filter_map(|n| match n {
            Node::Outcome(o) => Some(o.rule),
            Node::Decision(_) => None,
        })
        .collect();
    assert_eq!(
        rules,
        ["A", "C"],
        "B can no longer match, and `even` is never asked"
    );
    parse(&chart.to_svg());
}
