//! The output: one pathway, the rule that chose it and why, every predicate's value with the
//! facts it read, why not the other pathways, the scores, and the MDT statement.

use std::borrow::Cow;
use std::fmt;

use crate::assessment::Assessment;
use crate::engine::{Fact, RuleSet};
use crate::rules::Pathway;
use crate::scores::Scores;
use crate::sources::Source;

/// The statement every recommendation carries.
pub const MDT_STATEMENT: &str = "Decision support for the multidisciplinary tumour board (MDT): \
this suggestion follows published guidelines and must be reviewed by the MDT with the patient; \
it is not an order and does not replace clinical judgement.";

/// A cited source, as it appears in the output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Citation {
    /// Stable key, for example `BCLC-2022`.
    pub key: Cow<'static, str>,
    /// Full reference.
    pub reference: Cow<'static, str>,
}

impl From<&Source> for Citation {
    fn from(s: &Source) -> Self {
        Citation {
            key: Cow::Borrowed(s.key()),
            reference: Cow::Borrowed(s.citation()),
        }
    }
}

/// Cites a list of sources.
pub(crate) fn cite(sources: &[Source]) -> Vec<Citation> {
    sources.iter().map(Citation::from).collect()
}

/// One predicate's value for this case, with the facts it read.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PredicateReport {
    /// Stable predicate id, for example `fit_for_systemic`.
    pub predicate: Cow<'static, str>,
    /// What it tests.
    pub description: Cow<'static, str>,
    /// Its value.
    pub value: bool,
    /// The facts it read (empty for a named composite: its parts are listed separately).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub facts: Vec<Fact>,
    /// Source keys (empty for a named composite).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub sources: Vec<Cow<'static, str>>,
}

/// A condition that kept a rule from matching.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Unmet {
    /// The predicate.
    pub predicate: Cow<'static, str>,
    /// The value the rule needed (the case has the opposite).
    pub required: bool,
}

/// A rule of another pathway and what kept it from matching.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RuleMiss {
    /// The rule id.
    pub rule: Cow<'static, str>,
    /// Its conditions the case does not meet.
    pub unmet: Vec<Unmet>,
}

/// Why a pathway was not chosen: each of its rules and what ruled it out.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct WhyNot {
    /// The pathway not chosen.
    pub pathway: Pathway,
    /// Its rules and what kept each from matching.
    pub rules: Vec<RuleMiss>,
}

/// The rule set that decided, so a stored recommendation can be traced to its clinical content.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RuleSetInfo {
    /// Rule-set id.
    pub id: Cow<'static, str>,
    /// Clinical-content version.
    pub version: Cow<'static, str>,
}

/// A guideline-based recommendation for one case: exactly one pathway.
///
/// ```
/// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
/// let rec = hcc_pathways::recommend(&hcc_pathways::Case::from_json(&json)?)?;
/// assert_eq!(rec.pathway, hcc_pathways::Pathway::SystemicTherapy);
/// assert_eq!(rec.rule, "R3");
/// assert!(rec.why_not.iter().all(|w| w.pathway != rec.pathway));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Recommendation {
    /// The pathway.
    pub pathway: Pathway,
    /// The id of the rule that chose it (R1–R7).
    pub rule: Cow<'static, str>,
    /// Why, as the rule states it.
    pub reason: Cow<'static, str>,
    /// The rule's sources.
    pub sources: Vec<Citation>,
    /// Every predicate the rules read, with its value and facts.
    pub explanation: Vec<PredicateReport>,
    /// For each of the two other pathways, what ruled it out.
    pub why_not: Vec<WhyNot>,
    /// Scores derived from the case.
    pub scores: Scores,
    /// The rule set that decided.
    pub rule_set: RuleSetInfo,
    /// Decision support, not an order: the MDT decides.
    pub mdt_statement: Cow<'static, str>,
}

impl Recommendation {
    /// Builds the recommendation from the pathway rule set's decision for an assessment.
    pub(crate) fn build(
        rules: &RuleSet<Assessment, Pathway>,
        assessment: &Assessment,
        rule_index: usize,
    ) -> Recommendation {
        let mut explanation = Vec::with_capacity(rules.explanation_len());
        let mask = rules.explain_each(assessment, |v| {
            explanation.push(PredicateReport {
                predicate: Cow::Borrowed(v.id),
                description: Cow::Borrowed(v.description),
                value: v.value,
                facts: v.facts,
                sources: v.sources.iter().map(|s| Cow::Borrowed(s.key())).collect(),
            });
        });
        let rule = &rules.rules()[rule_index];
        let pathway = *rule.outcome();
        let mut scratch = Vec::new();
        let why_not = Pathway::ALL
            .iter()
            .filter(|p| **p != pathway)
            .map(|p| WhyNot {
                pathway: *p,
                rules: rules
                    .rules()
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.outcome() == p)
                    .map(|(i, r)| RuleMiss {
                        rule: Cow::Borrowed(r.id()),
                        unmet: {
                            rules.blockers_into(i, mask, &mut scratch);
                            scratch
                                .iter()
                                .map(|b| Unmet {
                                    predicate: Cow::Borrowed(b.predicate),
                                    required: b.required,
                                })
                                .collect()
                        },
                    })
                    .collect(),
            })
            .collect();
        Recommendation {
            pathway,
            rule: Cow::Borrowed(rule.id()),
            reason: Cow::Borrowed(rule.reason()),
            sources: cite(rule.sources()),
            explanation,
            why_not,
            scores: *assessment.scores(),
            rule_set: RuleSetInfo {
                id: Cow::Borrowed(rules.id()),
                version: Cow::Borrowed(rules.version()),
            },
            mdt_statement: Cow::Borrowed(MDT_STATEMENT),
        }
    }

    /// The recommendation as pretty-printed JSON.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        // Every field is a string, a bool, a finite number or a list of them.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl fmt::Display for Recommendation {
    /// A readable report for clinicians.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Pathway: {} ({})", self.pathway.label(), self.pathway)?;
        writeln!(f, "Rule:    {} — {}", self.rule, self.reason)?;
        let keys: Vec<&str> = self.sources.iter().map(|c| c.key.as_ref()).collect();
        writeln!(f, "Sources: {}", keys.join(", "))?;
        writeln!(f, "\nScores:  {}", self.scores)?;
        writeln!(f, "\nWhy (every predicate the rules read):")?;
        for p in &self.explanation {
            let facts: Vec<String> = p.facts.iter().map(ToString::to_string).collect();
            let mark = if p.value { "yes" } else { "no " };
            if facts.is_empty() {
                writeln!(f, "  [{mark}] {}", p.predicate)?;
            } else {
                writeln!(f, "  [{mark}] {}: {}", p.predicate, facts.join("; "))?;
            }
        }
        writeln!(f, "\nWhy not:")?;
        for w in &self.why_not {
            let parts: Vec<String> = w
                .rules
                .iter()
                .map(|r| {
                    let unmet: Vec<String> = r
                        .unmet
                        .iter()
                        .map(|u| {
                            if u.required {
                                format!("needs {}", u.predicate)
                            } else {
                                format!("needs not {}", u.predicate)
                            }
                        })
                        .collect();
                    format!("{} {}", r.rule, unmet.join(", "))
                })
                .collect();
            writeln!(f, "  {}: {}", w.pathway, parts.join("; "))?;
        }
        writeln!(
            f,
            "\nRule set {} {}",
            self.rule_set.id, self.rule_set.version
        )?;
        write!(f, "\n{}", self.mdt_statement)
    }
}
