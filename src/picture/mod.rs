//! Pictures: the pathway rules as a flowchart, a recommendation's path through it, and a
//! cohort's pathways under two policies as an alluvial diagram — SVG written by this crate.
//!
//! Clinicians know the decision as a figure (the BCLC flowchart), not as a table of ¬ ∧ ∨.
//! [`Flowchart`] derives that figure from a rule set: each box asks one predicate or named
//! condition (its description rendered under the policy in force, so the thresholds are the
//! policy's), and each path ends at the single rule that decides, with its pathway and sources.
//! Nothing here makes a clinical choice: the rule sets and [`predicates::implications`]
//! decide everything the picture shows.
//!
//! The repository's `docs/pathways.svg` is [`pathway_flowchart`] under the default policy
//! (`cargo run --example flowchart -- --write`; a test fails when it is stale).
//!
//! Every document is well-formed XML with all text escaped, and the same input always gives
//! the same bytes: no hash-map order, numbers written with one decimal.
//!
//! ```
//! use hcc_pathways::{picture, recommend, Case, Policy};
//!
//! let json = std::fs::read_to_string("examples/cases/r6_beyond_up_to_seven.json")?;
//! let rec = recommend(&Case::from_json(&json)?)?;
//! let svg = picture::recommendation_svg(&rec, &Policy::default())?;
//! assert!(svg.contains(r#"data-rule="R6" data-visit="reached""#));
//! // The facts read, a long one broken before its comparison.
//! assert!(svg.contains(">up_to_seven_sum = 90<"));
//! assert!(svg.contains(">&gt; up_to_seven_limit = 70<"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`predicates::implications`]: crate::predicates::implications

mod flow;
mod flowchart;
mod svg;

pub use flow::PathwayFlows;
pub use flowchart::{
    Decision, Flowchart, Node, Outcome, OutcomeStyle, Route, Visit, MAX_FLOWCHART_LEAVES,
};

use crate::outcomes::Pathway;
use crate::pathway::pathway_rules;
use crate::policy::Policy;
use crate::predicates::implications;
use crate::recommendation::{PolicyDigest, Recommendation};

/// A picture could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PictureError {
    /// The rule set reads more leaf predicates (or tests) than a flowchart enumerates.
    #[error("a flowchart enumerates at most {max} leaf predicates or tests, rule set `{rule_set}` reads {leaves}")]
    TooManyLeaves {
        /// The rule set's id.
        rule_set: &'static str,
        /// How many it reads.
        leaves: usize,
        /// The most allowed.
        max: usize,
    },
    /// The implications exclude every combination of leaf values.
    #[error(
        "rule set `{rule_set}`: the implications exclude every combination of predicate values"
    )]
    NoCase {
        /// The rule set's id.
        rule_set: &'static str,
    },
    /// Where the tests on `path` hold, no rule or several rules match: the rule set is not
    /// UNIQUE and complete, so it has no flowchart.
    #[error("rule set `{rule_set}` is not UNIQUE where {path}: the rules matching there are {matched:?}")]
    NotUnique {
        /// The rule set's id.
        rule_set: &'static str,
        /// The tests answered on the way, for example `¬comfort_focused ∧ terminal`.
        path: String,
        /// For each combination of tests left there, the ids of the rules that match it.
        matched: Vec<Vec<&'static str>>,
    },
    /// The recommendation was made under another policy than the chart's.
    #[error("the recommendation was made under policy {recommendation}, the flowchart is drawn under policy {chart}")]
    PolicyMismatch {
        /// The recommendation's policy digest.
        recommendation: PolicyDigest,
        /// The chart's.
        chart: PolicyDigest,
    },
    /// The recommendation was made by another rule set (or version) than the chart's.
    #[error(
        "the recommendation was made by rule set {recommendation}, the flowchart draws {chart}"
    )]
    RuleSetMismatch {
        /// `id version` of the recommendation's rule set.
        recommendation: String,
        /// `id version` of the chart's.
        chart: String,
    },
    /// The recommendation carries no explanation (it was read from lean JSON, see
    /// [`Recommendation::to_json`]), so there is no path to draw.
    #[error("the recommendation carries no explanation (read it from `to_json_explained`)")]
    NoExplanation,
    /// The recommendation's explanation does not lead to the rules that decided it (a
    /// recommendation edited after it was made).
    #[error("the explanation leads to {drawn}, but {decided} decided the recommendation")]
    PathMismatch {
        /// The rules that decided (`R6`, or `R2 or R7` when an unknown fact leaves either).
        decided: String,
        /// The rules the explanation's values lead to (`no rule` when none).
        drawn: String,
    },
}

/// How the pathway rules' outcomes are labelled and coloured: by pathway.
fn pathway_style(p: &Pathway) -> OutcomeStyle {
    OutcomeStyle {
        label: p.label().to_owned(),
        tone: match p {
            Pathway::RepeatIntervention => 0,
            Pathway::SystemicTherapy => 1,
            Pathway::PalliativeCare => 2,
        },
    }
}

/// The pathway rules R1–R7 as a flowchart under `policy`: [`Flowchart::derive`] over
/// [`predicates::implications`](crate::predicates::implications)`(policy)`.
///
/// # Errors
/// None: exactly one pathway rule matches every combination of the predicates' values, with
/// or without implications (the pathway module's unit test enumerates them all), so the
/// derivation cannot get stuck. An error would be a [`PictureError`] from
/// [`Flowchart::derive`].
///
/// ```
/// use hcc_pathways::picture::{pathway_flowchart, Node};
/// use hcc_pathways::{policy::Setting, Policy};
///
/// let chart = pathway_flowchart(&Policy::default().with(Setting::UpToSevenLimit, 110)?)?;
/// let rules: Vec<_> = chart.nodes().iter().filter_map(|n| match n {
///     Node::Outcome(o) => Some(o.rule),
///     Node::Decision(_) => None,
/// }).collect();
/// assert_eq!(rules, ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R6", "R7"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pathway_flowchart(policy: &Policy) -> Result<Flowchart, PictureError> {
    Ok(Flowchart::derive(
        pathway_rules(),
        &implications(policy),
        policy,
        pathway_style,
    )?
    .with_title("Recurrent HCC after interventional therapy: the pathway rules R1–R7"))
}

/// A recommendation drawn on the pathway flowchart of `policy`, the policy it was made
/// under: [`Route::for_recommendation`] highlighted, with the facts read at each question.
///
/// # Errors
/// [`PictureError::PolicyMismatch`] when the recommendation was made under another policy;
/// [`PictureError::RuleSetMismatch`] when made by another version of the rules;
/// [`PictureError::NoExplanation`] when it carries no explanation (read from lean JSON);
/// [`PictureError::PathMismatch`] when its explanation does not lead to the rules that
/// decided it (an edited recommendation).
///
/// ```
/// use hcc_pathways::{picture::{recommendation_svg, PictureError}, policy::Setting, recommend, Case, Policy};
///
/// let json = std::fs::read_to_string("examples/cases/r1_comfort_focused.json")?;
/// let rec = recommend(&Case::from_json(&json)?)?;
/// assert!(recommendation_svg(&rec, &Policy::default())?.contains("R1: Palliative care"));
/// let other = Policy::default().with(Setting::SystemicMaxChildPugh, 7)?;
/// assert!(matches!(recommendation_svg(&rec, &other), Err(PictureError::PolicyMismatch { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommendation_svg(rec: &Recommendation, policy: &Policy) -> Result<String, PictureError> {
    let chart = pathway_flowchart(policy)?;
    if rec.policy.digest.0 != chart.policy_digest() {
        return Err(PictureError::PolicyMismatch {
            recommendation: rec.policy.digest,
            chart: PolicyDigest(chart.policy_digest()),
        });
    }
    if rec.rule_set.id != chart.rule_set() || rec.rule_set.version != chart.version() {
        return Err(PictureError::RuleSetMismatch {
            recommendation: format!("{} {}", rec.rule_set.id, rec.rule_set.version),
            chart: format!("{} {}", chart.rule_set(), chart.version()),
        });
    }
    if rec.explanation.is_omitted() {
        return Err(PictureError::NoExplanation);
    }
    // The explanation's values lead to the decided rules: a complete case's to its one rule;
    // a case with unknown facts may leave questions open, and the outcomes it may reach then
    // include every rule that decided it (the policy's implications may close some of the
    // other open branches: those are not drawn).
    let mut route = Route::explained(&chart, rec);
    let drawn = route.outcome_rules(&chart);
    let decided = || rec.rules.iter().map(|r| r.wire_name());
    if rec.rules.is_empty() || !decided().all(|r| drawn.contains(&r)) {
        return Err(PictureError::PathMismatch {
            decided: rec.rules.to_string(),
            drawn: if drawn.is_empty() {
                "no rule".to_owned()
            } else {
                drawn.join(" or ")
            },
        });
    }
    route.keep_rules(&chart, |id| decided().any(|r| r == id));
    Ok(chart.to_svg_with(&route))
}
