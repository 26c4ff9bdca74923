//! A UNIQUE rule set as a top-down flowchart: derived from the rules, laid out, drawn.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::engine::{Expr, Fact, Implication, PredicateValue, RuleSet};
use crate::policy::Policy;
use crate::recommendation::Recommendation;
use crate::text;

use super::svg::{self, esc, num, wrap, LINE};
use super::PictureError;

/// The most leaf predicates [`Flowchart::derive`] enumerates (2²⁰ combinations).
pub const MAX_FLOWCHART_LEAVES: usize = 20;

/// Up to this many tests, the flowchart with the fewest outcome boxes is searched for; beyond
/// it, tests are taken in the order the rules read them.
const EXACT_MAX_TESTS: usize = 10;

/// How an outcome box is labelled and coloured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeStyle {
    /// The text under the rule id, for example `Palliative care`.
    pub label: String,
    /// The colour, as an index into a fixed palette of five (taken modulo five): outcomes
    /// with the same tone share a colour.
    pub tone: usize,
}

/// A box of the flowchart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A question: a leaf predicate or a named condition the rules read.
    Decision(Decision),
    /// A rule: the single rule that matches every case reaching it.
    Outcome(Outcome),
}

/// A question of the flowchart.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision {
    /// The predicate or named condition tested, for example `terminal`.
    pub test: &'static str,
    /// What it tests, rendered under the policy the chart was drawn for.
    pub text: String,
    /// The leaf predicates it reads: the test itself for a leaf, its parts for a named
    /// condition.
    pub reads: Vec<&'static str>,
    /// The node to follow when the test holds.
    pub yes: usize,
    /// The node to follow when it does not.
    pub no: usize,
}

/// A rule at the end of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The rule's id, for example `R2`.
    pub rule: &'static str,
    /// How it is labelled and coloured.
    pub style: OutcomeStyle,
    /// The keys of the rule's sources.
    pub sources: Vec<&'static str>,
}

/// A rule set drawn as a decision tree: each [`Decision`] splits the cases reaching it on one
/// predicate (or named condition) the rules read, and each path ends at the [`Outcome`] of the
/// single rule that matches every case on it.
///
/// The tree is derived, not drawn by hand. The abstract domain (every combination of the leaf
/// predicates' truth values that the declared [`Implication`]s allow) is split on one test at
/// a time until a single rule matches every combination left; a test that no longer varies is
/// never asked. For up to ten tests, the order with the fewest outcome boxes is drawn (ties go
/// to the order in which the rules read the tests), so the chart reads like the table:
/// comfort-focused, then terminal, then advanced, and so on; beyond ten, the tests are asked in
/// the order the rules read them. A region where no rule or several
/// match is a [`PictureError::NotUnique`]: only a UNIQUE rule set, complete over its domain,
/// has a flowchart.
///
/// Node 0 is the root; nodes are numbered depth first, the `yes` branch before the `no`.
///
/// ```
/// use hcc_pathways::picture::{pathway_flowchart, Node};
/// use hcc_pathways::Policy;
///
/// let chart = pathway_flowchart(&Policy::default())?;
/// let Node::Decision(root) = &chart.nodes()[0] else { unreachable!() };
/// assert_eq!(root.test, "comfort_focused");
/// let Node::Outcome(r1) = &chart.nodes()[root.yes] else { unreachable!() };
/// assert_eq!(r1.rule, "R1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flowchart {
    title: String,
    rule_set: &'static str,
    version: &'static str,
    policy_digest: u64,
    policy_note: String,
    nodes: Vec<Node>,
}

/// A test the rules read: a leaf predicate or a named condition (not looked into).
struct Test {
    id: &'static str,
    description: &'static str,
    reads: Vec<&'static str>,
    at: At,
}

#[derive(Clone, Copy)]
enum At {
    Leaf(usize),
    Named(usize),
}

/// The tests of a condition, in order of first appearance; named conditions are tests of their
/// own and are not looked into.
fn collect_tests<C>(
    e: &Expr<C>,
    leaves: &[&'static str],
    named: &[&'static str],
    out: &mut Vec<Test>,
) {
    match e {
        Expr::True => {}
        Expr::Leaf(p) => {
            if !out.iter().any(|t| t.id == p.id()) {
                if let Some(i) = leaves.iter().position(|l| *l == p.id()) {
                    out.push(Test {
                        id: p.id(),
                        description: p.description(),
                        reads: vec![p.id()],
                        at: At::Leaf(i),
                    });
                }
            }
        }
        Expr::Not(inner) => collect_tests(inner, leaves, named, out),
        Expr::All(v) | Expr::Any(v) => v.iter().for_each(|e| collect_tests(e, leaves, named, out)),
        Expr::Named {
            id,
            description,
            expr,
        } => {
            if !out.iter().any(|t| t.id == *id) {
                if let Some(i) = named.iter().position(|n| n == id) {
                    let mut reads: Vec<&'static str> = Vec::new();
                    expr.for_each_leaf(&mut |p| {
                        if !reads.contains(&p.id()) {
                            reads.push(p.id());
                        }
                    });
                    out.push(Test {
                        id,
                        description,
                        reads,
                        at: At::Named(i),
                    });
                }
            }
        }
    }
}

/// A combination of test values and the rules that match it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Cell {
    tests: u64,
    matched: u64,
}

/// Where a region matches no rule or several and no test is left to split it: the tests
/// answered on the way there, and what matches.
struct Stuck {
    path: Vec<(usize, bool)>,
    matched: Vec<u64>,
}

impl Stuck {
    fn under(mut self, test: usize, value: bool) -> Stuck {
        self.path.insert(0, (test, value));
        self
    }
}

struct Deriver<'a> {
    cells: &'a [Cell],
    tests: usize,
    exact: bool,
    memo: BTreeMap<Vec<u32>, (usize, Option<usize>)>,
}

impl Deriver<'_> {
    /// The test to split `region` on (none when a single rule matches all of it) and the
    /// number of outcome boxes below.
    fn best(&mut self, region: &[u32]) -> Result<(usize, Option<usize>), Stuck> {
        if let Some(found) = self.memo.get(region) {
            return Ok(*found);
        }
        let cell = |i: &u32| self.cells[*i as usize];
        let first = region.first().map(cell).map_or(0, |c| c.matched);
        if first.count_ones() == 1 && region.iter().all(|i| cell(i).matched == first) {
            return Ok((1, None));
        }
        let any = region.iter().fold(0u64, |m, i| m | cell(i).tests);
        let every = region.iter().fold(u64::MAX, |m, i| m & cell(i).tests);
        let varying = any & !every;
        if varying == 0 {
            // No test left to ask and still not a single rule: report what matches.
            let mut matched: Vec<u64> = region.iter().map(|i| cell(i).matched).collect();
            matched.sort_unstable();
            matched.dedup();
            return Err(Stuck {
                path: Vec::new(),
                matched,
            });
        }
        let mut best: Option<(usize, usize)> = None;
        for t in (0..self.tests).filter(|t| varying & (1u64 << t) != 0) {
            let (yes, no) = self.split(region, t);
            let cost = self.best(&yes).map_err(|e| e.under(t, true))?.0
                + self.best(&no).map_err(|e| e.under(t, false))?.0;
            if best.map_or(true, |(c, _)| cost < c) {
                best = Some((cost, t));
            }
            if !self.exact {
                break;
            }
        }
        let found = best.map_or((0, None), |(c, t)| (c, Some(t)));
        self.memo.insert(region.to_vec(), found);
        Ok(found)
    }

    fn split(&self, region: &[u32], t: usize) -> (Vec<u32>, Vec<u32>) {
        region
            .iter()
            .partition(|i| self.cells[**i as usize].tests & (1u64 << t) != 0)
    }
}

impl Flowchart {
    /// Derives the flowchart of a UNIQUE rule set under `policy` (descriptions are rendered
    /// from it), over the combinations of leaf values `implications` allow (an implication
    /// naming a leaf the set does not read is ignored). `outcome` labels and colours each
    /// rule's outcome. A scope declared on the set is not drawn: the chart covers the whole
    /// domain.
    ///
    /// # Errors
    /// [`PictureError::TooManyLeaves`] beyond [`MAX_FLOWCHART_LEAVES`] leaf predicates, or
    /// more than 64 tests; [`PictureError::NoCase`] when the implications exclude every
    /// combination; [`PictureError::NotUnique`] when some combination matches no rule or
    /// several.
    ///
    /// ```
    /// use hcc_pathways::engine::{Predicate, Rule, RuleSet, Trace};
    /// use hcc_pathways::picture::{Flowchart, OutcomeStyle, PictureError};
    /// use hcc_pathways::sources::Source;
    /// use hcc_pathways::Policy;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let neg = Predicate::new("negative", "below zero", &[S], |x: &i32, _: &mut Trace| *x < 0);
    /// let style = |d: &&str| OutcomeStyle { label: d.to_string(), tone: 0 };
    /// let sign = RuleSet::unique("sign", "1.0.0", vec![
    ///     Rule::new("N", neg.expr(), "negative", "below zero", &[S]),
    ///     Rule::new("P", neg.not(), "not negative", "zero or above", &[S]),
    /// ])?;
    /// let chart = Flowchart::derive(&sign, &[], &Policy::default(), style)?;
    /// assert_eq!(chart.nodes().len(), 3);
    /// assert!(chart.to_svg().contains("negative?"));
    ///
    /// // A gap has no flowchart.
    /// let gap = RuleSet::unique("gap", "1.0.0", vec![
    ///     Rule::new("N", neg.expr(), "negative", "below zero", &[S]),
    /// ])?;
    /// let err = Flowchart::derive(&gap, &[], &Policy::default(), style).unwrap_err();
    /// assert!(matches!(err, PictureError::NotUnique { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn derive<C, D>(
        rules: &RuleSet<C, D>,
        implications: &[Implication],
        policy: &Policy,
        outcome: impl Fn(&D) -> OutcomeStyle,
    ) -> Result<Flowchart, PictureError> {
        let leaf_ids: Vec<&'static str> = rules.leaves().iter().map(|p| p.id()).collect();
        let n = leaf_ids.len();
        if n > MAX_FLOWCHART_LEAVES {
            return Err(PictureError::TooManyLeaves {
                rule_set: rules.id(),
                leaves: n,
                max: MAX_FLOWCHART_LEAVES,
            });
        }
        let named_ids: Vec<&'static str> = rules.named().map(|(id, _)| id).collect();
        let mut tests = Vec::new();
        for r in rules.rules() {
            collect_tests(r.condition(), &leaf_ids, &named_ids, &mut tests);
        }
        if tests.len() > 64 {
            return Err(PictureError::TooManyLeaves {
                rule_set: rules.id(),
                leaves: tests.len(),
                max: 64,
            });
        }
        let bit = |id: &str| leaf_ids.iter().position(|l| *l == id).map(|i| 1u64 << i);
        // Each implication as (bits that must be set, bits that must be clear) in the
        // antecedent and the consequent's bit and value; those naming other leaves are ignored.
        let resolved: Vec<(u64, u64, u64, bool)> = implications
            .iter()
            .filter_map(|imp| {
                let (mut care, mut want) = (0u64, 0u64);
                for (id, v) in imp.antecedent() {
                    let b = bit(id)?;
                    care |= b;
                    if *v {
                        want |= b;
                    }
                }
                let (then, v) = imp.consequent();
                Some((care, want, bit(then)?, v))
            })
            .collect();
        let mut cells = BTreeSet::new();
        let mut named = Vec::with_capacity(named_ids.len());
        for mask in 0..(1u64 << n) {
            let excluded = resolved
                .iter()
                .any(|(care, want, then, v)| mask & care == *want && (mask & then != 0) != *v);
            if excluded {
                continue;
            }
            named.clear();
            named.extend(rules.named_values(mask));
            let values = tests.iter().enumerate().fold(0u64, |m, (i, t)| {
                let v = match t.at {
                    At::Leaf(l) => mask & (1u64 << l) != 0,
                    At::Named(k) => named.get(k).copied().unwrap_or(false),
                };
                m | (u64::from(v) << i)
            });
            let matched = rules
                .matches_for_mask(mask)
                .fold(0u64, |m, i| m | (1u64 << i));
            cells.insert(Cell {
                tests: values,
                matched,
            });
        }
        let cells: Vec<Cell> = cells.into_iter().collect();
        if cells.is_empty() {
            return Err(PictureError::NoCase {
                rule_set: rules.id(),
            });
        }
        let mut deriver = Deriver {
            cells: &cells,
            tests: tests.len(),
            exact: tests.len() <= EXACT_MAX_TESTS,
            memo: BTreeMap::new(),
        };
        let all: Vec<u32> = (0..cells.len() as u32).collect();
        let mut nodes = Vec::new();
        let mut path = Vec::new();
        build(
            &mut deriver,
            &all,
            &tests,
            rules,
            policy,
            &outcome,
            &mut nodes,
            &mut path,
        )?;
        Ok(Flowchart {
            title: format!("Rule set {} {}", rules.id(), rules.version()),
            rule_set: rules.id(),
            version: rules.version(),
            policy_digest: policy.digest(),
            policy_note: policy_note(policy),
            nodes,
        })
    }

    /// The same chart with another title (the first line of the drawing).
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The boxes; node 0 is the root.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The id of the rule set drawn.
    pub fn rule_set(&self) -> &'static str {
        self.rule_set
    }

    /// The version of the rule set drawn.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// [`Policy::digest`] of the policy the chart was drawn under.
    pub fn policy_digest(&self) -> u64 {
        self.policy_digest
    }

    /// The chart as an SVG document.
    ///
    /// ```
    /// let chart = hcc_pathways::picture::pathway_flowchart(&hcc_pathways::Policy::default())?;
    /// let svg = chart.to_svg();
    /// assert!(svg.starts_with("<?xml"));
    /// assert!(svg.contains("ECOG &gt;= 3 or Child-Pugh &gt;= 10"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_svg(&self) -> String {
        self.draw(None)
    }

    /// The chart as an SVG document with a [`Route`] highlighted: the boxes and branches on it
    /// drawn heavy, open branches dashed, the facts read written in each box on it, and
    /// everything off it faded. A route made for another chart highlights nothing it does not
    /// share with this one.
    ///
    /// ```
    /// use hcc_pathways::picture::{pathway_flowchart, Route};
    /// use hcc_pathways::{Assessment, Case, Policy};
    ///
    /// let json = std::fs::read_to_string("examples/cases/r2_ecog_3_performance_status.json")?;
    /// let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
    /// let chart = pathway_flowchart(&Policy::default())?;
    /// let svg = chart.to_svg_with(&Route::for_assessment(&chart, &a));
    /// assert!(svg.contains(r#"data-rule="R2" data-visit="reached""#));
    /// assert!(svg.contains(">= terminal_min_ecog = 3<"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_svg_with(&self, route: &Route) -> String {
        self.draw(Some(route))
    }
}

fn policy_note(policy: &Policy) -> String {
    let changed: Vec<String> = policy
        .changed()
        .map(|(s, v, d)| format!("{} = {v} (default {d})", s.name()))
        .collect();
    if changed.is_empty() {
        "Thresholds of the default policy.".to_owned()
    } else {
        format!("Thresholds of a policy that sets {}.", changed.join(", "))
    }
}

/// Builds the subtree of `region` in pre-order; returns its root's index.
#[allow(clippy::too_many_arguments)]
fn build<C, D>(
    deriver: &mut Deriver<'_>,
    region: &[u32],
    tests: &[Test],
    rules: &RuleSet<C, D>,
    policy: &Policy,
    outcome: &impl Fn(&D) -> OutcomeStyle,
    nodes: &mut Vec<Node>,
    path: &mut Vec<(usize, bool)>,
) -> Result<usize, PictureError> {
    let not_unique = |stuck: Stuck, prefix: &[(usize, bool)]| PictureError::NotUnique {
        rule_set: rules.id(),
        path: if prefix.is_empty() && stuck.path.is_empty() {
            "everywhere".to_owned()
        } else {
            let literals: Vec<String> = prefix
                .iter()
                .chain(&stuck.path)
                .map(|(t, v)| {
                    let id = tests.get(*t).map_or("?", |t| t.id);
                    if *v {
                        id.to_owned()
                    } else {
                        format!("¬{id}")
                    }
                })
                .collect();
            literals.join(" ∧ ")
        },
        matched: stuck
            .matched
            .iter()
            .map(|m| {
                rules
                    .rules()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| m & (1u64 << i) != 0)
                    .map(|(_, r)| r.id())
                    .collect()
            })
            .collect(),
    };
    let (_, split) = deriver
        .best(region)
        .map_err(|stuck| not_unique(stuck, path.as_slice()))?;
    let index = nodes.len();
    match split {
        None => {
            let matched = region
                .first()
                .map_or(0, |i| deriver.cells[*i as usize].matched);
            let rule = rules.rules().get(matched.trailing_zeros() as usize);
            let (Some(rule), 1) = (rule, matched.count_ones()) else {
                let stuck = Stuck {
                    path: Vec::new(),
                    matched: vec![matched],
                };
                return Err(not_unique(stuck, path.as_slice()));
            };
            nodes.push(Node::Outcome(Outcome {
                rule: rule.id(),
                style: outcome(rule.outcome()),
                sources: rule.sources().iter().map(|s| s.key()).collect(),
            }));
        }
        Some(t) => {
            let test = &tests[t];
            nodes.push(Node::Decision(Decision {
                test: test.id,
                text: text::render(test.description, policy)
                    .unwrap_or_else(|_| test.description.to_owned()),
                reads: test.reads.clone(),
                yes: 0,
                no: 0,
            }));
            let (yes, no) = deriver.split(region, t);
            path.push((t, true));
            let y = build(deriver, &yes, tests, rules, policy, outcome, nodes, path)?;
            path.pop();
            path.push((t, false));
            let n = build(deriver, &no, tests, rules, policy, outcome, nodes, path)?;
            path.pop();
            if let Some(Node::Decision(d)) = nodes.get_mut(index) {
                d.yes = y;
                d.no = n;
            }
        }
    }
    Ok(index)
}

/// Where a path through a flowchart goes at one box.
///
/// When every fact a route reads is known, it is a single path: its decisions are `Answered`
/// and it ends at one `Reached` outcome. A decision whose answer is not known (a fact the case
/// leaves unknown, spec §8) is `Open`: both of its branches are followed, and the outcomes they
/// lead to are `Possible`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Visit {
    /// Not on the route.
    NotVisited,
    /// A decision on the route, answered: the branch taken.
    Answered(bool),
    /// A decision on the route whose answer is not known: both branches stay open.
    Open,
    /// The outcome the route ends at.
    Reached,
    /// An outcome the route may end at, through an open decision.
    Possible,
}

impl Visit {
    /// The value written into the drawing's `data-visit` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Visit::NotVisited => "not-visited",
            Visit::Answered(true) => "yes",
            Visit::Answered(false) => "no",
            Visit::Open => "open",
            Visit::Reached => "reached",
            Visit::Possible => "possible",
        }
    }
}

/// A path through a [`Flowchart`]: how each box was visited and the facts read at it.
///
/// ```
/// use hcc_pathways::picture::{pathway_flowchart, Route, Visit};
/// use hcc_pathways::Policy;
///
/// let chart = pathway_flowchart(&Policy::default())?;
/// // Comfort-focused care chosen: the first question decides.
/// let route = Route::walk(&chart, |test| Some(test == "comfort_focused"));
/// assert_eq!(route.visits()[0], Visit::Answered(true));
/// assert_eq!(route.reached_rule(&chart), Some("R1"));
/// // An unknown answer leaves both branches open.
/// let open = Route::walk(&chart, |test| (test != "comfort_focused").then_some(false));
/// assert_eq!(open.visits()[0], Visit::Open);
/// assert_eq!(open.reached_rule(&chart), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    visits: Vec<Visit>,
    facts: Vec<Vec<String>>,
}

impl Route {
    /// Walks the chart from the root asking `answer` for each test met: `Some(value)` follows
    /// one branch, `None` leaves the decision open and follows both. No facts are recorded.
    pub fn walk(chart: &Flowchart, mut answer: impl FnMut(&str) -> Option<bool>) -> Route {
        let mut route = Route {
            visits: vec![Visit::NotVisited; chart.nodes.len()],
            facts: vec![Vec::new(); chart.nodes.len()],
        };
        // Depth first, without recursion; a tree is visited once per node, and a node index
        // out of range (never made by `derive`) is skipped.
        let mut stack = vec![(0usize, false)];
        while let Some((i, via_open)) = stack.pop() {
            let (Some(node), Some(visit)) = (chart.nodes.get(i), route.visits.get_mut(i)) else {
                continue;
            };
            if *visit != Visit::NotVisited {
                continue;
            }
            match node {
                Node::Outcome(_) => {
                    *visit = if via_open {
                        Visit::Possible
                    } else {
                        Visit::Reached
                    };
                }
                Node::Decision(d) => match answer(d.test) {
                    Some(v) => {
                        *visit = Visit::Answered(v);
                        stack.push((if v { d.yes } else { d.no }, via_open));
                    }
                    None => {
                        *visit = Visit::Open;
                        stack.push((d.no, true));
                        stack.push((d.yes, true));
                    }
                },
            }
        }
        route
    }

    /// The route of predicate values such as [`RuleSet::explain`] gives (a leaf's facts are
    /// written in each box on the route that reads it); a test without a value, or whose value is
    /// unknown, is open.
    pub fn from_values(chart: &Flowchart, values: &[PredicateValue]) -> Route {
        Self::from_lookup(chart, |id| {
            values
                .iter()
                .find(|v| v.id == id)
                .map(|v| (v.value.known(), v.facts.as_slice()))
        })
    }

    /// The route of a case through the pathway rules: [`Route::from_values`] of
    /// [`pathway_rules`](crate::pathway::pathway_rules)`().explain(assessment)`, kept to the
    /// branches that lead to the case's candidate rules (see [`Route::keep_rules`]): one rule
    /// when the pathway is decided by a single rule, several when facts are unknown.
    pub fn for_assessment(chart: &Flowchart, assessment: &crate::Assessment) -> Route {
        let (_, values) = crate::pathway::pathway_rules().explain(assessment);
        let mut route = Self::from_values(chart, &values);
        let rules = assessment.pathway_decision().rules();
        route.keep_rules(chart, |id| rules.iter().any(|r| r.wire_name() == id));
        route
    }

    /// The route a recommendation's explanation describes: each test's value and the facts
    /// of the predicates it reads, as recorded in `explanation.predicates` (so a
    /// recommendation read back from JSON draws the same), kept to the branches that lead to
    /// the rules that decided it (`rec.rules`, see [`Route::keep_rules`]). A test whose value
    /// is unknown, or that the explanation does not list, is open.
    pub fn for_recommendation(chart: &Flowchart, rec: &Recommendation) -> Route {
        let mut route = Self::explained(chart, rec);
        route.keep_rules(chart, |id| rec.rules.iter().any(|r| r.wire_name() == id));
        route
    }

    /// The route the explanation's values describe, every open branch followed.
    pub(crate) fn explained(chart: &Flowchart, rec: &Recommendation) -> Route {
        let doc = rec.explanation.document();
        Self::from_lookup(chart, |id| {
            doc.predicates
                .iter()
                .find(|p| p.predicate == id)
                .map(|p| (p.value.known(), p.facts.as_slice()))
        })
    }

    /// Keeps only the part of the route that leads to an outcome whose rule `keep` accepts:
    /// every other box and outcome is marked not visited.
    ///
    /// Open questions are followed one by one, so an open branch may lead to a rule that the
    /// unknown facts cannot reach once the policy's implications between the predicates are
    /// taken into account (for example, a Child–Pugh score above the intervention limit is
    /// also above the systemic limit); the exact candidates come from the rule set's verdict,
    /// and this is how a route is made to agree with them.
    pub fn keep_rules(&mut self, chart: &Flowchart, keep: impl Fn(&str) -> bool) {
        let n = chart.nodes.len();
        let mut live = vec![false; n];
        // A box is live when a branch it takes leads to a kept outcome. Liveness only grows, so
        // this reaches its fixed point within one pass per level of the chart.
        loop {
            let mut changed = false;
            for (i, node) in chart.nodes.iter().enumerate() {
                let is_live = |j: usize| live.get(j).copied().unwrap_or(false);
                let now = match (node, self.visit(i)) {
                    (Node::Outcome(o), Visit::Reached | Visit::Possible) => keep(o.rule),
                    (Node::Decision(d), Visit::Answered(v)) => {
                        is_live(if v { d.yes } else { d.no })
                    }
                    (Node::Decision(d), Visit::Open) => is_live(d.yes) || is_live(d.no),
                    _ => false,
                };
                if now && !live[i] {
                    live[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (i, alive) in live.iter().enumerate() {
            if !alive {
                if let (Some(v), Some(f)) = (self.visits.get_mut(i), self.facts.get_mut(i)) {
                    *v = Visit::NotVisited;
                    f.clear();
                }
            }
        }
    }

    fn from_lookup<'a>(
        chart: &Flowchart,
        lookup: impl Fn(&str) -> Option<(Option<bool>, &'a [Fact])>,
    ) -> Route {
        let mut route = Route::walk(chart, |id| lookup(id).and_then(|(v, _)| v));
        for (i, node) in chart.nodes.iter().enumerate() {
            let Node::Decision(d) = node else { continue };
            if route
                .visits
                .get(i)
                .map_or(true, |v| *v == Visit::NotVisited)
            {
                continue;
            }
            let mut lines: Vec<String> = Vec::new();
            for leaf in &d.reads {
                for fact in lookup(leaf).map(|(_, f)| f).unwrap_or_default() {
                    let line = fact.to_string();
                    if !lines.contains(&line) {
                        lines.push(line);
                    }
                }
            }
            if let Some(slot) = route.facts.get_mut(i) {
                *slot = lines;
            }
        }
        route
    }

    /// How each box was visited, by node index.
    pub fn visits(&self) -> &[Visit] {
        &self.visits
    }

    /// The facts read at box `node` (empty off the route or out of range).
    pub fn facts(&self, node: usize) -> &[String] {
        self.facts.get(node).map_or(&[], Vec::as_slice)
    }

    /// The rule of the outcome the route reaches, when it reaches exactly one (no open
    /// decision on the way).
    pub fn reached_rule(&self, chart: &Flowchart) -> Option<&'static str> {
        let mut reached = self
            .visits
            .iter()
            .enumerate()
            .filter(|(_, v)| **v == Visit::Reached);
        match (reached.next(), reached.next()) {
            (Some((i, _)), None) => match chart.nodes.get(i) {
                Some(Node::Outcome(o)) => Some(o.rule),
                _ => None,
            },
            _ => None,
        }
    }

    /// The rules of every outcome the route reaches or may reach, in the chart's order, each
    /// once: one rule for a single path, several through open decisions.
    pub fn outcome_rules(&self, chart: &Flowchart) -> Vec<&'static str> {
        let mut rules = Vec::new();
        for (node, visit) in chart.nodes.iter().zip(&self.visits) {
            if let (Node::Outcome(o), Visit::Reached | Visit::Possible) = (node, visit) {
                if !rules.contains(&o.rule) {
                    rules.push(o.rule);
                }
            }
        }
        rules
    }

    fn visit(&self, node: usize) -> Visit {
        self.visits.get(node).copied().unwrap_or(Visit::NotVisited)
    }
}

// ---------------------------------------------------------------------------------------------
// Layout and drawing.
// ---------------------------------------------------------------------------------------------

const BOX_W: f64 = 236.0;
const COL_GAP: f64 = 22.0;
const ROW_GAP: f64 = 50.0;
const PAD: f64 = 8.0;
const MARGIN: f64 = 24.0;
const HIGHLIGHT: &str = "#c0392b";
const EDGE: &str = "#666666";
const INK: &str = "#1a1a1a";
/// (fill, stroke) of each tone: Okabe–Ito hues, told apart with colour-vision deficiencies.
const TONES: [(&str, &str); 5] = [
    ("#d9ecf7", "#0072b2"),
    ("#fdebc9", "#b77900"),
    ("#f4deeb", "#a0527f"),
    ("#dcf0e6", "#00795c"),
    ("#eeeeee", "#555555"),
];

/// One run of text in a box.
struct Run {
    lines: Vec<String>,
    weight: &'static str,
    style: &'static str,
    fill: &'static str,
    /// Space above the run, in pixels.
    gap: f64,
}

struct Placed {
    cx: f64,
    top: f64,
    h: f64,
    row: usize,
    runs: Vec<Run>,
}

impl Flowchart {
    fn runs(&self, i: usize, route: Option<&Route>) -> Vec<Run> {
        let chars = svg::fits(BOX_W - 2.0 * PAD);
        match &self.nodes[i] {
            Node::Decision(d) => {
                let mut runs = vec![
                    Run {
                        lines: wrap(&format!("{}?", d.test), chars),
                        weight: "bold",
                        style: "normal",
                        fill: INK,
                        gap: 0.0,
                    },
                    Run {
                        lines: wrap(&d.text, chars),
                        weight: "normal",
                        style: "normal",
                        fill: INK,
                        gap: 0.0,
                    },
                ];
                if let Some(r) = route {
                    let visit = r.visit(i);
                    if visit != Visit::NotVisited {
                        let answer = match visit {
                            Visit::Answered(true) => "answer: yes",
                            Visit::Answered(false) => "answer: no",
                            _ => "answer: unknown (open)",
                        };
                        let mut lines = wrap(answer, chars);
                        for f in r.facts(i) {
                            lines.extend(wrap_fact(f, chars));
                        }
                        runs.push(Run {
                            lines,
                            weight: "normal",
                            style: "italic",
                            fill: HIGHLIGHT,
                            gap: 8.0,
                        });
                    }
                }
                runs
            }
            Node::Outcome(o) => vec![
                Run {
                    lines: wrap(&format!("{}: {}", o.rule, o.style.label), chars),
                    weight: "bold",
                    style: "normal",
                    fill: INK,
                    gap: 0.0,
                },
                Run {
                    lines: wrap(&o.sources.join(", "), chars),
                    weight: "normal",
                    style: "normal",
                    fill: INK,
                    gap: 0.0,
                },
            ],
        }
    }

    fn layout(&self, route: Option<&Route>, top: f64) -> (Vec<Placed>, f64, f64) {
        let n = self.nodes.len();
        // Rows: a decision at its depth; every outcome on the bottom row, as in the BCLC figure.
        let mut depth = vec![0usize; n];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Node::Decision(d) = node {
                for c in [d.yes, d.no] {
                    if c > i && c < n {
                        depth[c] = depth[i] + 1;
                    }
                }
            }
        }
        let bottom = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| matches!(node, Node::Decision(_)))
            .map(|(i, _)| depth[i] + 1)
            .max()
            .unwrap_or(0);
        let row = |i: usize| match self.nodes[i] {
            Node::Decision(_) => depth[i],
            Node::Outcome(_) => bottom,
        };
        // Columns: outcomes left to right in pre-order (yes before no); a decision centred
        // over its two branches. Children have higher indices, so one backward pass suffices.
        let mut cx = vec![0.0f64; n];
        let mut col = 0usize;
        for (i, node) in self.nodes.iter().enumerate() {
            if matches!(node, Node::Outcome(_)) {
                cx[i] = MARGIN + BOX_W / 2.0 + col as f64 * (BOX_W + COL_GAP);
                col += 1;
            }
        }
        for i in (0..n).rev() {
            if let Node::Decision(d) = &self.nodes[i] {
                let (y, no) = (
                    cx.get(d.yes).copied().unwrap_or(0.0),
                    cx.get(d.no).copied().unwrap_or(0.0),
                );
                cx[i] = (y + no) / 2.0;
            }
        }
        let mut placed: Vec<Placed> = (0..n)
            .map(|i| {
                let runs = self.runs(i, route);
                let lines: usize = runs.iter().map(|r| r.lines.len()).sum();
                let gaps: f64 = runs.iter().map(|r| r.gap).sum();
                Placed {
                    cx: cx[i],
                    top: 0.0,
                    h: 2.0 * PAD + lines as f64 * LINE + gaps,
                    row: row(i),
                    runs,
                }
            })
            .collect();
        let rows = bottom + 1;
        let mut row_h = vec![0.0f64; rows];
        for p in &placed {
            row_h[p.row] = row_h[p.row].max(p.h);
        }
        let mut row_top = vec![top; rows];
        for r in 1..rows {
            row_top[r] = row_top[r - 1] + row_h[r - 1] + ROW_GAP;
        }
        for p in &mut placed {
            p.top = row_top[p.row];
        }
        let width = 2.0 * MARGIN + col.max(1) as f64 * (BOX_W + COL_GAP) - COL_GAP;
        let height = row_top[rows - 1] + row_h[rows - 1] + MARGIN;
        (placed, width, height)
    }

    fn draw(&self, route: Option<&Route>) -> String {
        // The header, wrapped to the chart's width (known from the number of outcomes).
        let outcomes = self
            .nodes
            .iter()
            .filter(|n| matches!(n, Node::Outcome(_)))
            .count()
            .max(1);
        let width = 2.0 * MARGIN + outcomes as f64 * (BOX_W + COL_GAP) - COL_GAP;
        let chars = svg::fits(width - 2.0 * MARGIN);
        let mut notes = vec![
            format!(
                "Each box asks one question of the rules; follow yes or no down to the one rule \
                 that decides. Rule set {} {}. {}",
                self.rule_set, self.version, self.policy_note
            ),
            "Decision support for a multidisciplinary tumour board (MDT), never a replacement \
             for one."
                .to_owned(),
        ];
        if route.is_some() {
            notes.insert(
                1,
                "Highlighted: the path this case takes, with the facts read at each question. \
                 Dashed: branches left open by an unknown answer."
                    .to_owned(),
            );
        }
        let title = wrap(&self.title, svg::fits((width - 2.0 * MARGIN) / 1.4));
        let note_lines: Vec<String> = notes.iter().flat_map(|n| wrap(n, chars)).collect();
        let header_h =
            MARGIN + title.len() as f64 * LINE * 1.4 + 6.0 + note_lines.len() as f64 * LINE;
        let (placed, width, height) = self.layout(route, header_h + ROW_GAP * 0.5);

        let mut out = String::with_capacity(64 * 1024);
        let desc = match route.and_then(|r| r.reached_rule(self)) {
            Some(rule) => format!(
                "Flowchart of rule set {} {}; the highlighted path ends at rule {rule}.",
                self.rule_set, self.version
            ),
            None => format!(
                "Flowchart of rule set {} {}: {} boxes.",
                self.rule_set,
                self.version,
                self.nodes.len()
            ),
        };
        svg::open(&mut out, width, height, &self.title, &desc);
        for (i, line) in title.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"<text x="{}" y="{}" font-size="17" font-weight="bold" fill="{INK}">{}</text>"#,
                num(MARGIN),
                num(MARGIN + 12.0 + LINE * 1.4 * i as f64),
                esc(line)
            );
        }
        svg::text_lines(
            &mut out,
            MARGIN,
            MARGIN + 12.0 + title.len() as f64 * LINE * 1.4 + 6.0,
            &note_lines,
            "start",
            "normal",
            "#333333",
            "normal",
        );

        // Edges first, so that boxes sit on top of them.
        let _ = writeln!(out, r#"<g id="edges" fill="none">"#);
        for (i, node) in self.nodes.iter().enumerate() {
            let Node::Decision(d) = node else { continue };
            let p = &placed[i];
            let bus = p.top + row_height(&placed, p.row) + ROW_GAP * 0.42;
            for (branch, child) in [(true, d.yes), (false, d.no)] {
                let Some(c) = placed.get(child) else { continue };
                let state = match route.map(|r| r.visit(i)) {
                    None => "",
                    Some(Visit::Answered(v)) if v == branch => "taken",
                    Some(Visit::Open) => "open",
                    Some(_) => "not-taken",
                };
                let (stroke, width, dash) = match state {
                    "taken" => (HIGHLIGHT, 4.0, ""),
                    "open" => (HIGHLIGHT, 3.0, r#" stroke-dasharray="8 5""#),
                    _ => (EDGE, 1.5, ""),
                };
                let faded = if state == "not-taken" {
                    r#" opacity="0.45""#
                } else {
                    ""
                };
                let label = if branch { "yes" } else { "no" };
                let _ = writeln!(
                    out,
                    r#"<g id="edge-{i}-{child}" class="edge" data-from="{i}" data-to="{child}" data-branch="{label}"{}{faded}>"#,
                    if state.is_empty() {
                        String::new()
                    } else {
                        format!(r#" data-state="{state}""#)
                    }
                );
                let _ = writeln!(
                    out,
                    r#"<path d="M {} {} V {} H {} V {}" stroke="{stroke}" stroke-width="{}"{dash}/>"#,
                    num(p.cx),
                    num(p.top + p.h),
                    num(bus),
                    num(c.cx),
                    num(c.top - 6.0),
                    num(width)
                );
                let _ = writeln!(
                    out,
                    r#"<path d="M {} {} L {} {} L {} {} Z" fill="{stroke}" stroke="none"/>"#,
                    num(c.cx - 5.0),
                    num(c.top - 8.0),
                    num(c.cx + 5.0),
                    num(c.top - 8.0),
                    num(c.cx),
                    num(c.top),
                );
                let _ = writeln!(
                    out,
                    r#"<text x="{}" y="{}" font-weight="bold" fill="{stroke}">{label}</text>"#,
                    num(c.cx + 6.0),
                    num(bus + 15.0)
                );
                out.push_str("</g>\n");
            }
        }
        out.push_str("</g>\n");

        let _ = writeln!(out, r#"<g id="nodes">"#);
        for (i, node) in self.nodes.iter().enumerate() {
            let p = &placed[i];
            let visit = route.map(|r| r.visit(i));
            let data_visit = visit.map_or(String::new(), |v| {
                format!(r#" data-visit="{}""#, v.as_str())
            });
            let faded = if visit == Some(Visit::NotVisited) {
                r#" opacity="0.45""#
            } else {
                ""
            };
            let (fill, stroke, class, attr) = match node {
                Node::Decision(d) => (
                    "#ffffff",
                    "#404040",
                    "decision",
                    format!(r#"data-test="{}""#, esc(d.test)),
                ),
                Node::Outcome(o) => {
                    let (f, s) = TONES[o.style.tone % TONES.len()];
                    (f, s, "outcome", format!(r#"data-rule="{}""#, esc(o.rule)))
                }
            };
            let (stroke, sw, dash) = match visit {
                Some(Visit::Answered(_) | Visit::Reached) => (HIGHLIGHT, 4.0, ""),
                Some(Visit::Open | Visit::Possible) => {
                    (HIGHLIGHT, 3.0, r#" stroke-dasharray="8 5""#)
                }
                _ => (stroke, 1.5, ""),
            };
            let _ = writeln!(
                out,
                r#"<g id="node-{i}" class="{class}" {attr}{data_visit}{faded}>"#
            );
            let _ = writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="7" fill="{fill}" stroke="{stroke}" stroke-width="{}"{dash}/>"#,
                num(p.cx - BOX_W / 2.0),
                num(p.top),
                num(BOX_W),
                num(p.h),
                num(sw)
            );
            let mut y = p.top + PAD + LINE - 3.5;
            for run in &p.runs {
                y += run.gap;
                if run.gap > 0.0 {
                    let _ = writeln!(
                        out,
                        r#"<path d="M {} {} H {}" stroke="{HIGHLIGHT}" stroke-width="1"/>"#,
                        num(p.cx - BOX_W / 2.0 + PAD),
                        num(y - LINE + 3.5 - run.gap / 2.0),
                        num(p.cx + BOX_W / 2.0 - PAD)
                    );
                }
                svg::text_lines(
                    &mut out,
                    p.cx - BOX_W / 2.0 + PAD,
                    y,
                    &run.lines,
                    "start",
                    run.weight,
                    run.fill,
                    run.style,
                );
                y += LINE * run.lines.len() as f64;
            }
            out.push_str("</g>\n");
        }
        out.push_str("</g>\n");
        svg::close(&mut out);
        out
    }
}

/// Wraps a fact (`name = value REL setting = threshold`): when it does not fit on a line, the
/// comparison goes on a line of its own, so that a line breaks between the value and the
/// threshold rather than inside either.
fn wrap_fact(fact: &str, chars: usize) -> Vec<String> {
    if fact.chars().count() <= chars {
        return vec![fact.to_owned()];
    }
    let Some(first) = fact.find(" = ") else {
        return wrap(fact, chars);
    };
    let after = first + 3;
    let split = [" < ", " > ", " ≤ ", " ≥ ", " = "]
        .iter()
        .filter_map(|rel| fact[after..].find(rel).map(|i| after + i))
        .min();
    match split {
        Some(at) => {
            let mut lines = wrap(&fact[..at], chars);
            lines.extend(wrap(&fact[at + 1..], chars));
            lines
        }
        None => wrap(fact, chars),
    }
}

fn row_height(placed: &[Placed], row: usize) -> f64 {
    placed
        .iter()
        .filter(|p| p.row == row)
        .map(|p| p.h)
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_fact_breaks_before_its_comparison() {
        assert_eq!(
            wrap_fact("ecog = 0 < terminal_min_ecog = 3", 24),
            ["ecog = 0", "< terminal_min_ecog = 3"]
        );
        assert_eq!(wrap_fact("ecog = 0 < 3", 24), ["ecog = 0 < 3"]);
        assert_eq!(
            wrap_fact("nodules = 1 = ablation_max_nodules = 3", 20),
            ["nodules = 1", "=", "ablation_max_nodules", "= 3"]
        );
        let cut = wrap_fact("no_relation_here_at_all", 10);
        assert!(cut.iter().all(|l| l.chars().count() <= 10), "{cut:?}");
        assert_eq!(cut.concat(), "no_relation_here_at_all");
    }
}
