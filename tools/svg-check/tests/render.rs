//! The pictures hcc-pathways writes render with resvg: the committed flowchart, a highlighted
//! recommendation for every bundled case, and a cohort flow. A document that does not parse as
//! SVG, draws (almost) nothing, lacks its highlight, or lets text run out of a box fails here.

use std::path::{Path, PathBuf};

use hcc_pathways::picture::{
    pathway_flowchart, recommendation_svg, Flowchart, Node, PathwayFlows, Route, Visit,
};
use hcc_pathways::policy::Setting;
use hcc_pathways::{decide_with, recommend_with, Assessment, Case, Decision, Pathway, Policy};
use svg_check::{
    boxes, differing, edges, has_font, ink, near, parse, pixel, pixels_near, render,
    tiny_skia::Pixmap, usvg,
};

/// The highlight colour of a path (`#c0392b`).
const HIGHLIGHT: [u8; 3] = [0xc0, 0x39, 0x2b];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bundled_cases() -> Vec<(String, Case)> {
    cases_in("examples/cases", 20)
}

/// The cases of a directory of the repository (at least `min`), by file name.
fn cases_in(dir: &str, min: usize) -> Vec<(String, Case)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect(dir)
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= min, "{dir}: {} cases", files.len());
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

/// Parses and renders, checking the size and that a real share of the canvas is drawn.
fn drawn(svg: &str, what: &str) -> (usvg::Tree, Pixmap) {
    let tree = parse(svg).unwrap_or_else(|e| panic!("{what} does not parse as SVG: {e}"));
    let pixmap = render(&tree).unwrap_or_else(|e| panic!("{what} does not render: {e}"));
    let size = tree.size().to_int_size();
    assert_eq!(
        (pixmap.width(), pixmap.height()),
        (size.width(), size.height())
    );
    let share = ink(&pixmap) as f64 / (pixmap.width() as f64 * pixmap.height() as f64);
    assert!(
        share > 0.02,
        "{what} draws almost nothing ({share:.4} of the canvas)"
    );
    (tree, pixmap)
}

/// Every box holds text, and all of it lies inside the box's frame.
fn text_inside_boxes(tree: &usvg::Tree, expected_boxes: usize, what: &str) {
    let found = boxes(tree);
    assert_eq!(found.len(), expected_boxes, "{what}: boxes drawn");
    for b in &found {
        let text = b
            .text
            .unwrap_or_else(|| panic!("{what}: box {} has no text laid out", b.id));
        let (f, t) = (b.frame, text);
        assert!(
            t.left() >= f.left() + 1.0
                && t.right() <= f.right() - 1.0
                && t.top() >= f.top() + 1.0
                && t.bottom() <= f.bottom() - 1.0,
            "{what}: the text of box {} ({t:?}) runs out of its frame ({f:?})",
            b.id
        );
    }
}

#[test]
fn the_fonts_the_wrapping_assumes_are_installed() {
    // Without DejaVu Sans, text falls back to another font and the overflow checks below
    // would measure that font instead (Debian: fonts-dejavu-core).
    assert!(has_font("DejaVu Sans"), "DejaVu Sans is not installed");
}

#[test]
fn the_committed_flowchart_renders_every_box_with_its_text_inside() {
    let svg = std::fs::read_to_string(root().join("docs/pathways.svg")).expect("docs/pathways.svg");
    let (tree, pixmap) = drawn(&svg, "docs/pathways.svg");
    let chart = pathway_flowchart(&Policy::default()).expect("chart");
    text_inside_boxes(&tree, chart.nodes().len(), "docs/pathways.svg");
    assert_eq!(
        pixels_near(&pixmap, HIGHLIGHT, 8),
        0,
        "the plain chart highlights nothing"
    );
}

#[test]
fn a_policy_that_changes_thresholds_draws_as_well() {
    let policy = Policy::default()
        .with_settings([
            (Setting::SystemicMaxChildPugh, 7),
            (Setting::UpToSevenLimit, 110),
        ])
        .unwrap();
    let chart = pathway_flowchart(&policy).expect("chart");
    let (tree, _) = drawn(&chart.to_svg(), "the chart under a changed policy");
    text_inside_boxes(
        &tree,
        chart.nodes().len(),
        "the chart under a changed policy",
    );
}

#[test]
fn every_bundled_case_renders_its_highlighted_path() {
    let policy = Policy::default();
    let chart = pathway_flowchart(&policy).expect("chart");
    let plain = render(&parse(&chart.to_svg()).expect("plain chart")).expect("renders");
    for (name, case) in bundled_cases() {
        let rec = recommend_with(&case, &policy).expect("recommendation");
        let svg = recommendation_svg(&rec, &policy).expect("svg");
        let (tree, pixmap) = drawn(&svg, &name);
        text_inside_boxes(&tree, chart.nodes().len(), &name);
        // The path is drawn heavy in the highlight colour: at least the edges and frames of
        // two questions and the outcome (a few thousand pixels at this size).
        let highlighted = pixels_near(&pixmap, HIGHLIGHT, 8);
        assert!(
            highlighted > 3000,
            "{name}: {highlighted} highlighted pixels"
        );
        assert_ne!(
            pixmap.data(),
            plain.data(),
            "{name}: same pixels as the plain chart"
        );

        // Element by element: a box's frame and an edge's last stretch are in the highlight
        // colour exactly when they are on the path.
        let route = Route::for_recommendation(&chart, &rec);
        let visits = route.visits();
        assert_eq!(
            route.reached_rule(&chart),
            rec.rule.map(|r| r.wire_name()),
            "{name}"
        );
        for b in boxes(&tree) {
            let i: usize = b.id["node-".len()..].parse().expect("node index");
            let on_path = visits[i] != Visit::NotVisited;
            let f = b.frame;
            let border = pixel(&pixmap, f.left().floor(), (f.top() + f.bottom()) / 2.0)
                .expect("inside the canvas");
            assert_eq!(
                near(border, HIGHLIGHT, 12),
                on_path,
                "{name}: the frame of {} ({border:?}); on the path: {on_path}",
                b.id
            );
        }
        edges_lit_on_the_route(&tree, &pixmap, &chart, &route, &name);
    }
}

/// The bundled cases with facts not known draw their route too: the questions whose facts are
/// unknown open (both branches lit), decided or not.
#[test]
fn cases_with_unknown_facts_render_their_open_routes() {
    let policy = Policy::default();
    let chart = pathway_flowchart(&policy).expect("chart");
    let mut undecided = 0;
    for (name, case) in cases_in("examples/cases/unknown", 3) {
        let (svg, route) = match decide_with(&case, &policy).expect("valid") {
            Decision::Decided(rec) => (
                recommendation_svg(&rec, &policy).expect("svg"),
                Route::for_recommendation(&chart, &rec),
            ),
            Decision::Undecided(_) => {
                undecided += 1;
                let route =
                    Route::for_assessment(&chart, &Assessment::new(&case, &policy).expect("valid"));
                (chart.to_svg_with(&route), route)
            }
        };
        let (tree, pixmap) = drawn(&svg, &name);
        text_inside_boxes(&tree, chart.nodes().len(), &name);
        edges_lit_on_the_route(&tree, &pixmap, &chart, &route, &name);
    }
    assert!(undecided > 0, "an undecided case is drawn");
}

/// Each edge's last stretch shows the highlight colour exactly when the route follows it (an
/// answered branch, or either branch of an open decision; open branches are dashed, so some of
/// ten pixels up from the arrowhead must be lit, and none off the route).
fn edges_lit_on_the_route(
    tree: &usvg::Tree,
    pixmap: &Pixmap,
    chart: &Flowchart,
    route: &Route,
    what: &str,
) {
    let visits = route.visits();
    let drawn = edges(tree);
    let decisions = chart
        .nodes()
        .iter()
        .filter(|n| matches!(n, Node::Decision(_)))
        .count();
    assert_eq!(drawn.len(), 2 * decisions, "{what}: edges drawn");
    for e in drawn {
        let mut ends = e.id["edge-".len()..].split('-').map(|n| n.parse::<usize>());
        let (Some(Ok(from)), Some(Ok(to))) = (ends.next(), ends.next()) else {
            panic!("{what}: edge id {}", e.id)
        };
        let Node::Decision(d) = &chart.nodes()[from] else {
            panic!("{what}: {} leaves an outcome", e.id)
        };
        let on_route = match visits[from] {
            Visit::Answered(v) => to == if v { d.yes } else { d.no },
            Visit::Open => true,
            _ => false,
        };
        let (x, y) = e.near_tip;
        let lit = (0..10)
            .filter_map(|k| pixel(pixmap, x, y - k as f32))
            .filter(|p| near(*p, HIGHLIGHT, 12))
            .count();
        assert_eq!(
            lit > 0,
            on_route,
            "{what}: edge {} near ({x}, {y}) has {lit} lit pixels; on the route: {on_route}",
            e.id
        );
    }
}

#[test]
fn an_open_answer_renders_both_branches_in_the_highlight() {
    let chart = pathway_flowchart(&Policy::default()).expect("chart");
    let route = Route::walk(&chart, |t| match t {
        "locally_treatable" => None,
        "fit_for_intervention" | "fit_for_systemic" => Some(true),
        _ => Some(false),
    });
    assert!(route.visits().contains(&Visit::Open));
    let (tree, pixmap) = drawn(&chart.to_svg_with(&route), "an open route");
    text_inside_boxes(&tree, chart.nodes().len(), "an open route");
    edges_lit_on_the_route(&tree, &pixmap, &chart, &route, "an open route");
}

/// Every element with an id among `ids` changes at least `min` pixels: removing it from the
/// document and rendering again differs from the full rendering by that much.
fn each_draws(svg: &str, ids: &[String], min: usize, what: &str) {
    let full = render(&parse(svg).expect("parses")).expect("renders");
    let doc = roxmltree::Document::parse(svg).expect("well-formed");
    for id in ids {
        let node = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id.as_str()))
            .unwrap_or_else(|| panic!("{what}: no element `{id}`"));
        let range = node.range();
        let without = format!("{}{}", &svg[..range.start], &svg[range.end..]);
        let rendered = render(&parse(&without).expect("parses")).expect("renders");
        let changed = differing(&full, &rendered);
        assert!(
            changed >= min,
            "{what}: `{id}` changes only {changed} pixels"
        );
    }
}

#[test]
fn the_cohort_flow_renders_every_pathway_colour() {
    use Pathway::*;
    let mut pairs = vec![(RepeatIntervention, RepeatIntervention); 40];
    pairs.extend(vec![(SystemicTherapy, SystemicTherapy); 30]);
    pairs.extend(vec![(PalliativeCare, SystemicTherapy); 12]);
    pairs.extend(vec![(PalliativeCare, PalliativeCare); 18]);
    let flows: PathwayFlows = pairs.into_iter().collect();
    let (_, pixmap) = drawn(
        &flows.to_svg("the default policy", "a <policy> & more"),
        "cohort flow",
    );
    for (what, rgb) in [
        ("repeat intervention", [0x00, 0x72, 0xb2]),
        ("systemic therapy", [0xe6, 0x9f, 0x00]),
        ("palliative care", [0xcc, 0x79, 0xa7]),
    ] {
        let n = pixels_near(&pixmap, rgb, 6);
        assert!(n > 500, "{what}: {n} pixels of its colour");
    }
    // Each ribbon and each bar is drawn: without it, the picture changes.
    let svg = flows.to_svg("the default policy", "a <policy> & more");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let ids: Vec<String> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .filter(|id| id.starts_with("ribbon-") || id.starts_with("bar-"))
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 4 + 6, "four ribbons and six bars: {ids:?}");
    each_draws(&svg, &ids, 100, "cohort flow");
    // An empty cohort still renders (a note, no bars).
    let empty = PathwayFlows::new().to_svg("a", "b");
    assert!(render(&parse(&empty).expect("parses")).is_ok());
}
