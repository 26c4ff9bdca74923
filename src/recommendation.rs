//! The output: one pathway, the rule that chose it and why, every predicate's value with the
//! facts it read, why not the other pathways, the scores, and the MDT statement.

use std::borrow::Cow;
use std::fmt;

use crate::assessment::Assessment;
use crate::case::Regimen;
use crate::engine::{Fact, RuleSet};
use crate::options::{Evidence, OptionsReport};
use crate::regimens::{LineOfTherapy, OmissionReason};
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

/// One concrete option of the pathway: a procedure, a regimen, a clinical trial, best supportive
/// care, or TACE with systemic therapy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TreatmentOption {
    /// Stable option id: a modality (`thermal_ablation`), a regimen (`sorafenib`),
    /// `clinical_trial`, `best_supportive_care` or `tace_with_systemic`.
    pub id: Cow<'static, str>,
    /// Its name for clinicians.
    pub name: Cow<'static, str>,
    /// What it is and why it is offered here (trial, line, thresholds met).
    pub detail: Cow<'static, str>,
    /// The id of the option rule that offered it (`M1`, `L2-TKI`, `P1`, …).
    pub rule: Cow<'static, str>,
    /// How strong the evidence is.
    pub evidence: Evidence,
    /// The regimen, when the option is one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub regimen: Option<Regimen>,
    /// Its components (best supportive care).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub components: Vec<Cow<'static, str>>,
    /// Its sources.
    pub sources: Vec<Citation>,
}

/// A candidate regimen of the current line that is left out, and why (one entry per reason).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct OmittedRegimen {
    /// The regimen.
    pub regimen: Regimen,
    /// Its name.
    pub name: Cow<'static, str>,
    /// Why it is left out (stable id).
    pub reason: OmissionReason,
    /// The reason in words, with the values that decided it.
    pub detail: Cow<'static, str>,
    /// The sources of the reason.
    pub sources: Vec<Citation>,
}

/// Something to watch out for (spec §6–§7, and the reason details of §4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Caution {
    /// Stable id (the id of the caution rule), for example `near_tace_refractory`.
    pub id: Cow<'static, str>,
    /// The caution in words.
    pub text: Cow<'static, str>,
    /// The offered regimens it concerns (empty: the case as a whole).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub applies_to: Vec<Regimen>,
    /// Its sources.
    pub sources: Vec<Citation>,
}

/// Something else to arrange or weigh (the cross-cutting considerations of spec §6).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Consideration {
    /// Stable id (the id of the consideration rule), for example `liver_transplant_evaluation`.
    pub id: Cow<'static, str>,
    /// The consideration in words.
    pub text: Cow<'static, str>,
    /// Its sources.
    pub sources: Vec<Citation>,
}

/// The line of systemic therapy the regimens belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TherapyLine {
    /// The line number: regimens received + 1.
    pub number: u8,
    /// Which line, and for the second line what it follows.
    pub line: LineOfTherapy,
    /// The id of the line rule (`L1`, `L2-ICI`, `L2-STRIDE`, `L2-TKI`, `L2-OTHER`, `L3`).
    pub rule: Cow<'static, str>,
    /// The line rule's reason (how the options of this line are built).
    pub reason: Cow<'static, str>,
}

/// A guideline-based recommendation for one case: exactly one pathway.
///
/// ```
/// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
/// let rec = hcc_pathways::recommend(&hcc_pathways::Case::from_json(&json)?)?;
/// assert_eq!(rec.pathway, hcc_pathways::Pathway::SystemicTherapy);
/// assert_eq!(rec.rule, "R3");
/// assert!(rec.why_not.iter().all(|w| w.pathway != rec.pathway));
/// assert_eq!(rec.options[0].id, "atezolizumab_bevacizumab");
/// assert!(rec.considerations.iter().any(|c| c.id == "mdt_review"));
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
    /// Why, as the rule states it, with the details spec §4 requires (the transplant-first
    /// beginning for R2/R7, "no supported further line" for R4/R7).
    pub reason: Cow<'static, str>,
    /// The rule's sources (and those of the reason details).
    pub sources: Vec<Citation>,
    /// The line of systemic therapy (systemic therapy, or R4/R7 when no regimen of the line
    /// remains).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub line_of_therapy: Option<TherapyLine>,
    /// The concrete options of the pathway, in order (spec §6–§7).
    pub options: Vec<TreatmentOption>,
    /// Candidate regimens of the line left out, each with its reason.
    pub omitted: Vec<OmittedRegimen>,
    /// What to watch out for.
    pub cautions: Vec<Caution>,
    /// What else to arrange or weigh (always includes MDT review).
    pub considerations: Vec<Consideration>,
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
        options: OptionsReport,
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
            reason: options.reason,
            sources: cite(&options.reason_sources),
            line_of_therapy: options.line_of_therapy,
            options: options.options,
            omitted: options.omitted,
            cautions: options.cautions,
            considerations: options.considerations,
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

fn keys_of(sources: &[Citation]) -> String {
    let keys: Vec<&str> = sources.iter().map(|c| c.key.as_ref()).collect();
    keys.join(", ")
}

impl fmt::Display for Recommendation {
    /// A readable report for clinicians.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Pathway: {} ({})", self.pathway.label(), self.pathway)?;
        writeln!(f, "Rule:    {} — {}", self.rule, self.reason)?;
        let keys: Vec<&str> = self.sources.iter().map(|c| c.key.as_ref()).collect();
        writeln!(f, "Sources: {}", keys.join(", "))?;
        if let Some(line) = &self.line_of_therapy {
            writeln!(
                f,
                "\nLine of therapy: {} — {} (rule {}: {})",
                line.number,
                line.line.label(),
                line.rule,
                line.reason
            )?;
        }
        writeln!(f, "\nOptions (in order):")?;
        for (i, o) in self.options.iter().enumerate() {
            writeln!(f, "  {}. {} [{}] — {}", i + 1, o.name, o.rule, o.detail)?;
            writeln!(
                f,
                "     evidence: {}; sources: {}",
                o.evidence.label(),
                keys_of(&o.sources)
            )?;
            if !o.components.is_empty() {
                let parts: Vec<&str> = o.components.iter().map(AsRef::as_ref).collect();
                writeln!(f, "     components: {}", parts.join("; "))?;
            }
        }
        if !self.omitted.is_empty() {
            writeln!(f, "\nOmitted:")?;
            for o in &self.omitted {
                writeln!(f, "  - {}: {} ({})", o.name, o.detail, keys_of(&o.sources))?;
            }
        }
        if !self.cautions.is_empty() {
            writeln!(f, "\nCautions:")?;
            for c in &self.cautions {
                write!(f, "  ! {}", c.text)?;
                if !c.applies_to.is_empty() {
                    let names: Vec<&str> = c.applies_to.iter().map(|r| r.name()).collect();
                    write!(f, " [applies to: {}]", names.join(", "))?;
                }
                writeln!(f, " ({}; {})", c.id, keys_of(&c.sources))?;
            }
        }
        writeln!(f, "\nConsiderations:")?;
        for c in &self.considerations {
            writeln!(f, "  - {} ({}; {})", c.text, c.id, keys_of(&c.sources))?;
        }
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
