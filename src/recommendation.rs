//! The output: one pathway, the rule that chose it and why, the options inside it, the
//! regimens left out, cautions and considerations, every predicate's value with the facts it
//! read, why not the other pathways, the scores, the policy in force, and the MDT statement.
//!
//! Every item cites its sources by key; `references` gives each key's full reference once.
//! Every text is rendered from the policy in force.

use std::borrow::Cow;
use std::fmt;

use crate::advice::details::Placement;
use crate::assessment::Assessment;
use crate::case::Regimen;
use crate::engine::Fact;
use crate::evaluate::{self, tables, Plan, Recorder};
use crate::outcomes::{
    Evidence, LineOfTherapy, OmissionReason, OptionSet, Pathway, PathwayRule, TreatmentId,
};
use crate::pathway::CLINICAL_VERSION;
use crate::policy::{Policy, Setting};
use crate::scores::Scores;
use crate::sources::{Source, SourceSet};
use crate::supportive::BEST_SUPPORTIVE_CARE_COMPONENTS;

/// The version of the JSON shape of the case, policy and recommendation documents (the
/// committed schemas carry it in their `$id`).
pub const SCHEMA_VERSION: &str = "2.0.0";

/// The statement every recommendation carries.
pub const MDT_STATEMENT: &str = "Decision support for the multidisciplinary tumour board (MDT): \
this suggestion follows published guidelines and must be reviewed by the MDT with the patient; \
it is not an order and does not replace clinical judgement.";

/// Sources cited by an item, by key (the recommendation's `references` gives them in full).
pub type Sources = Cow<'static, [Source]>;

/// The rule sets that decided, so a stored recommendation can be traced to its clinical content.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RuleSetInfo {
    /// The pathway rule set's id.
    pub id: Cow<'static, str>,
    /// The clinical-content version (shared by every rule set of the crate).
    pub version: Cow<'static, str>,
}

/// A policy setting whose value differs from the default.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ChangedSetting {
    /// The setting (a `Policy` field).
    pub setting: Cow<'static, str>,
    /// Its value in the policy in force (0 or 1 for a yes/no setting).
    pub value: u32,
    /// Its default.
    pub default: u32,
}

/// The policy in force: a stable digest of every setting, and those that differ from the
/// default.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PolicyInfo {
    /// [`Policy::digest`] as 16 hexadecimal digits.
    pub digest: PolicyDigest,
    /// The settings that differ from the default (empty under the default policy).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub changed: Vec<ChangedSetting>,
}

/// A policy digest, written as 16 hexadecimal digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PolicyDigest(pub u64);

impl fmt::Display for PolicyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PolicyDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PolicyDigest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        if s.len() != 16 {
            return Err(serde::de::Error::custom(
                "a digest is 16 hexadecimal digits",
            ));
        }
        u64::from_str_radix(&s, 16)
            .map(PolicyDigest)
            .map_err(|_| serde::de::Error::custom("a digest is 16 hexadecimal digits"))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for PolicyDigest {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("PolicyDigest")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "64-bit FNV-1a digest of every policy setting, as 16 hexadecimal digits.",
            "type": "string",
            "pattern": "^[0-9a-f]{16}$",
        })
    }
}

/// A detail the pathway reason adds: a criterion that fired (spec §4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ReasonDetail {
    /// Stable id (the id of the detail rule), for example `r6_beyond_up_to_seven`.
    pub id: Cow<'static, str>,
    /// Before or after the rule's reason.
    pub placement: Placement,
    /// The detail in words.
    pub text: Cow<'static, str>,
    /// Its sources.
    pub sources: Sources,
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

/// One concrete option of the pathway: a procedure, a regimen, a clinical trial, best supportive
/// care, or TACE with systemic therapy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct TreatmentOption {
    /// What it is.
    pub id: TreatmentId,
    /// What it is and why it is offered here (trial, line, thresholds met).
    pub detail: Cow<'static, str>,
    /// The id of the option rule that offered it (`M1`, `O-L2-TKI`, `P1`, `tace_with_systemic`).
    pub rule: Cow<'static, str>,
    /// How strong the evidence is.
    pub evidence: Evidence,
    /// Its components (best supportive care).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "<[Cow<'static, str>]>::is_empty")
    )]
    pub components: Cow<'static, [Cow<'static, str>]>,
    /// Its sources.
    pub sources: Sources,
}

impl TreatmentOption {
    /// Its name for clinicians.
    pub fn name(&self) -> &'static str {
        self.id.name()
    }

    /// The regimen, when the option is one.
    pub fn regimen(&self) -> Option<Regimen> {
        match self.id {
            TreatmentId::Regimen(r) => Some(r),
            _ => None,
        }
    }
}

/// A candidate regimen of the current line that is left out, and why (one entry per reason).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct OmittedRegimen {
    /// The regimen.
    pub regimen: Regimen,
    /// Why it is left out (the omission rule's outcome).
    pub reason: OmissionReason,
    /// The id of the omission rule.
    pub rule: Cow<'static, str>,
    /// The reason in words.
    pub detail: Cow<'static, str>,
    /// The sources of the reason.
    pub sources: Sources,
}

/// Something to watch out for (spec §4, §6, §7).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Caution {
    /// Stable id (the id of the caution rule), for example `near_tace_refractory`.
    pub id: Cow<'static, str>,
    /// The caution in words.
    pub text: Cow<'static, str>,
    /// The offered options it concerns (empty: the case as a whole).
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "no_options"))]
    pub applies_to: OptionSet,
    /// Its sources.
    pub sources: Sources,
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
    pub sources: Sources,
}

/// One predicate's value for this case, with the facts it read.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PredicateReport {
    /// Stable predicate id, for example `fit_for_systemic`.
    pub predicate: Cow<'static, str>,
    /// What it tests, with the policy's thresholds.
    pub description: Cow<'static, str>,
    /// Its value.
    pub value: bool,
    /// The facts it read, each with the setting it was compared with (empty for a named
    /// composite: its parts are listed separately).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub facts: Vec<Fact>,
    /// Its sources (empty for a named composite).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "<[Source]>::is_empty")
    )]
    pub sources: Sources,
}

/// A rule that decided something in this recommendation, and the predicates it read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RuleReport {
    /// The rule set's id.
    pub rule_set: Cow<'static, str>,
    /// The rule's id.
    pub rule: Cow<'static, str>,
    /// The ids of the predicates its condition reads (their values and facts are in
    /// `explanation.predicates`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub reads: Vec<Cow<'static, str>>,
}

/// Why each rule matched: the predicates read by the pathway rules and by every rule that
/// decided an option, an omission, a caution, a consideration or a reason detail, each once with
/// its value and facts; and those rules.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Explanation {
    /// Every predicate read, with its value and facts: the pathway rules' first (then their
    /// named composites), then the others.
    pub predicates: Vec<PredicateReport>,
    /// Every rule that matched and was applied, in pipeline order.
    pub rules: Vec<RuleReport>,
}

/// A condition that kept a rule of another pathway from matching.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Unmet {
    /// The pathway not chosen.
    pub pathway: Pathway,
    /// Its rule.
    pub rule: PathwayRule,
    /// The predicate (a leaf or a named composite).
    pub predicate: Cow<'static, str>,
    /// The value the rule needed (the case has the opposite).
    pub required: bool,
}

/// A guideline-based recommendation for one case: exactly one pathway.
///
/// ```
/// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
/// let rec = hcc_pathways::recommend(&hcc_pathways::Case::from_json(&json)?)?;
/// assert_eq!(rec.pathway, hcc_pathways::Pathway::SystemicTherapy);
/// assert_eq!(rec.rule, "R3");
/// assert!(rec.why_not.iter().all(|w| w.pathway != rec.pathway));
/// assert_eq!(rec.options[0].id.wire_name(), "atezolizumab_bevacizumab");
/// assert!(rec.considerations.iter().any(|c| c.id == "mdt_review"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Recommendation {
    /// The version of this document's shape ([`SCHEMA_VERSION`]).
    pub schema_version: Cow<'static, str>,
    /// The version of the crate that made it.
    pub crate_version: Cow<'static, str>,
    /// The rule set that decided and the clinical-content version.
    pub rule_set: RuleSetInfo,
    /// The policy in force.
    pub policy: PolicyInfo,
    /// The pathway.
    pub pathway: Pathway,
    /// The rule that chose it (R1–R7).
    pub rule: PathwayRule,
    /// Why, as the rule states it.
    pub reason: Cow<'static, str>,
    /// What the reason adds (spec §4): the criteria that fired, transplant first (R2/R7), no
    /// supported further line (R4/R7).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub reason_details: Vec<ReasonDetail>,
    /// The rule's sources.
    pub sources: Sources,
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
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub omitted: Vec<OmittedRegimen>,
    /// What to watch out for.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub cautions: Vec<Caution>,
    /// What else to arrange or weigh (always includes MDT review).
    pub considerations: Vec<Consideration>,
    /// Every predicate the deciding rules read, with its value and facts, and those rules.
    pub explanation: Explanation,
    /// For each rule of the two other pathways, the conditions that kept it from matching.
    pub why_not: Vec<Unmet>,
    /// Scores derived from the case.
    pub scores: Scores,
    /// Every source cited above, once: key to full reference.
    pub references: SourceSet,
    /// Decision support, not an order: the MDT decides.
    pub mdt_statement: Cow<'static, str>,
}

#[cfg(feature = "serde")]
fn no_options(set: &OptionSet) -> bool {
    set.is_empty()
}

/// Sources of a rule, borrowed.
fn cite(sources: &'static [Source], refs: &mut SourceSet) -> Sources {
    refs.add(sources);
    Cow::Borrowed(sources)
}

fn bits(set: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |i| set & (1u64 << i) != 0)
}

impl Recommendation {
    /// Builds the recommendation of an assessed case from its plan and the facts recorded.
    pub(crate) fn build(a: &Assessment, plan: &Plan, memo: evaluate::Memo) -> Recommendation {
        let t = tables();
        let policy = a.policy();
        let mut refs = SourceSet::EMPTY;
        let rule = a.pathway_rule();
        let pathway_rule = &t.pathway.set.rules()[rule as usize];
        let sources = cite(pathway_rule.sources(), &mut refs);
        let mut applied: Vec<RuleReport> = Vec::with_capacity(16);
        let mut read = t.pathway.all_slots();
        let mut report = |set: &'static str, rule: &'static str, reads: u128, read: &mut u128| {
            *read |= reads;
            applied.push(RuleReport {
                rule_set: Cow::Borrowed(set),
                rule: Cow::Borrowed(rule),
                reads: slot_ids(reads),
            });
        };
        report(
            t.pathway.set.id(),
            pathway_rule.id(),
            t.pathway.reads[rule as usize],
            &mut read,
        );

        // The reason details.
        let reason_details: Vec<ReasonDetail> = bits(plan.details)
            .map(|k| {
                let r = &t.details.set.rules()[k];
                report(t.details.set.id(), r.id(), t.details.reads[k], &mut read);
                ReasonDetail {
                    id: Cow::Borrowed(r.id()),
                    placement: *r.outcome(),
                    text: evaluate::text(&t.details, k, policy),
                    sources: cite(r.sources(), &mut refs),
                }
            })
            .collect();

        // The options, in order.
        let mut options = Vec::with_capacity(12);
        if let Some(k) = plan.procedure {
            let k = usize::from(k);
            let r = &t.procedures.set.rules()[k];
            report(
                t.procedures.set.id(),
                r.id(),
                t.procedures.reads[k],
                &mut read,
            );
            options.push(TreatmentOption {
                id: TreatmentId::Procedure(*r.outcome()),
                detail: evaluate::text(&t.procedures, k, policy),
                rule: Cow::Borrowed(r.id()),
                evidence: Evidence::Guideline,
                components: Cow::Borrowed(&[]),
                sources: cite(r.sources(), &mut refs),
            });
        }
        let mut line_of_therapy = None;
        if plan.regimens_offered || plan.omissions_reported {
            let d = &a.decisions;
            let lr = usize::from(d.line_rule);
            let line_rule = &t.lines.set.rules()[lr];
            report(
                t.lines.set.id(),
                line_rule.id(),
                t.lines.reads[lr],
                &mut read,
            );
            refs.add(line_rule.sources());
            let or = usize::from(d.order_rule);
            let order_rule = &t.order.set.rules()[or];
            report(
                t.order.set.id(),
                order_rule.id(),
                t.order.reads[or],
                &mut read,
            );
            refs.add(order_rule.sources());
            line_of_therapy = Some(TherapyLine {
                number: u8::try_from(a.regimens_received() + 1).unwrap_or(u8::MAX),
                line: d.line,
                rule: Cow::Borrowed(line_rule.id()),
                reason: evaluate::text(&t.lines, lr, policy),
            });
            if plan.regimens_offered {
                for (i, e) in a.line_options().iter().enumerate() {
                    if plan.offered.contains(e.option) {
                        options.push(TreatmentOption {
                            id: e.option,
                            detail: t.order_details[or][i].render(policy),
                            rule: Cow::Borrowed(order_rule.id()),
                            evidence: e.evidence,
                            components: Cow::Borrowed(&[]),
                            sources: cite(e.sources, &mut refs),
                        });
                    }
                }
            }
        }
        if let Some(k) = plan.supportive {
            let k = usize::from(k);
            let r = &t.supportive.set.rules()[k];
            report(
                t.supportive.set.id(),
                r.id(),
                t.supportive.reads[k],
                &mut read,
            );
            // With the reason of the pathway rule that chose palliative care (spec §6).
            let reason = full_reason(
                &evaluate::text(&t.pathway, rule as usize, policy),
                &reason_details,
            );
            options.push(TreatmentOption {
                id: *r.outcome(),
                detail: Cow::Owned(format!(
                    "{}; chosen by {}: {reason}",
                    evaluate::text(&t.supportive, k, policy),
                    rule.wire_name()
                )),
                rule: Cow::Borrowed(r.id()),
                evidence: Evidence::Guideline,
                components: Cow::Borrowed(&BEST_SUPPORTIVE_CARE_COMPONENTS[..]),
                sources: cite(r.sources(), &mut refs),
            });
        }
        for k in bits(plan.with_tace) {
            let r = &t.with_tace.set.rules()[k];
            report(
                t.with_tace.set.id(),
                r.id(),
                t.with_tace.reads[k],
                &mut read,
            );
            options.push(TreatmentOption {
                id: *r.outcome(),
                detail: evaluate::text(&t.with_tace, k, policy),
                rule: Cow::Borrowed(r.id()),
                evidence: Evidence::NotStandardOfCare,
                components: Cow::Borrowed(&[]),
                sources: cite(r.sources(), &mut refs),
            });
        }

        // The regimens left out, and the omission rules that left them out.
        let mut omitted = Vec::new();
        if plan.omissions_reported {
            let omission_rules = t.omissions.set.rules();
            for k in bits(a.eligibility().rules_matched) {
                let r = &omission_rules[k];
                let reason = r.outcome().reason;
                if !a.eligibility().omitted[reason as usize].is_empty() {
                    report(
                        t.omissions.set.id(),
                        r.id(),
                        t.omissions.reads[k],
                        &mut read,
                    );
                }
            }
            for (entry, reason) in evaluate::omitted(a) {
                // The rule of this reason that matched (two rules share `no_new_mechanism_class`).
                let k = bits(a.eligibility().rules_matched)
                    .find(|k| omission_rules[*k].outcome().reason == reason)
                    .unwrap_or(0);
                let r = &omission_rules[k];
                if let Some(regimen) = entry.regimen() {
                    omitted.push(OmittedRegimen {
                        regimen,
                        reason,
                        rule: Cow::Borrowed(r.id()),
                        detail: evaluate::text(&t.omissions, k, policy),
                        sources: cite(r.sources(), &mut refs),
                    });
                }
            }
        }

        // Cautions, and the offered options each concerns.
        let cautions = bits(plan.cautions)
            .map(|k| {
                let r = &t.cautions.set.rules()[k];
                report(t.cautions.set.id(), r.id(), t.cautions.reads[k], &mut read);
                let applies_to = match r.outcome() {
                    crate::advice::cautions::Concerns::Case => OptionSet::EMPTY,
                    crate::advice::cautions::Concerns::Options(set) => {
                        set.intersection(plan.offered)
                    }
                };
                Caution {
                    id: Cow::Borrowed(r.id()),
                    text: evaluate::text(&t.cautions, k, policy),
                    applies_to,
                    sources: cite(r.sources(), &mut refs),
                }
            })
            .collect();
        let considerations = bits(plan.considerations)
            .map(|k| {
                let r = &t.considerations.set.rules()[k];
                report(
                    t.considerations.set.id(),
                    r.id(),
                    t.considerations.reads[k],
                    &mut read,
                );
                Consideration {
                    id: Cow::Borrowed(r.id()),
                    text: evaluate::text(&t.considerations, k, policy),
                    sources: cite(r.sources(), &mut refs),
                }
            })
            .collect();

        // The explanation: every predicate read by the pathway rules or a rule applied.
        let pathway_mask = t
            .pathway
            .set
            .mask_with(|i, _| memo.value(t.pathway.slots[i]));
        let values = memo.values();
        let recorder = memo.into_recorder();
        let predicates = explain(
            read,
            values,
            pathway_mask,
            policy,
            recorder.as_deref(),
            &mut refs,
        );
        let why_not = why_not(rule, pathway_mask);

        Recommendation {
            schema_version: Cow::Borrowed(SCHEMA_VERSION),
            crate_version: Cow::Borrowed(crate::VERSION),
            rule_set: RuleSetInfo {
                id: Cow::Borrowed(t.pathway.set.id()),
                version: Cow::Borrowed(CLINICAL_VERSION),
            },
            policy: policy_info(policy),
            pathway: rule.pathway(),
            rule,
            reason: evaluate::text(&t.pathway, rule as usize, policy),
            reason_details,
            sources,
            line_of_therapy,
            options,
            omitted,
            cautions,
            considerations,
            explanation: Explanation {
                predicates,
                rules: applied,
            },
            why_not,
            scores: a.scores().clone(),
            references: refs,
            mdt_statement: Cow::Borrowed(MDT_STATEMENT),
        }
    }

    /// The recommendation as compact JSON.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        // Every field is a string, a bool, a finite number or a list of them.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The recommendation as indented JSON, for people.
    #[cfg(feature = "json")]
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The reason with its details, as one sentence: the details placed before, the rule's
    /// reason, then the details placed after, joined by `; `.
    pub fn full_reason(&self) -> String {
        full_reason(&self.reason, &self.reason_details)
    }
}

fn full_reason(reason: &str, details: &[ReasonDetail]) -> String {
    let before = details.iter().filter(|d| d.placement == Placement::Before);
    let after = details.iter().filter(|d| d.placement == Placement::After);
    let parts: Vec<&str> = before
        .map(|d| d.text.as_ref())
        .chain(std::iter::once(reason))
        .chain(after.map(|d| d.text.as_ref()))
        .collect();
    parts.join("; ")
}

/// The ids of the predicates in a set of catalogue slots.
fn slot_ids(slots: u128) -> Vec<Cow<'static, str>> {
    let cat = &tables().catalogue;
    (0..cat.len())
        .filter(|s| slots & (1u128 << s) != 0)
        .map(|s| Cow::Borrowed(cat[s].id()))
        .collect()
}

fn explain(
    read: u128,
    values: u128,
    pathway_mask: u64,
    policy: &Policy,
    recorder: Option<&Recorder>,
    refs: &mut SourceSet,
) -> Vec<PredicateReport> {
    let t = tables();
    let pathway_leaves = t.pathway.set.leaves().len();
    let mut out = Vec::with_capacity(read.count_ones() as usize + t.pathway_named.len());
    let facts_of = |slot: usize| -> Vec<Fact> {
        recorder.map_or_else(Vec::new, |r| {
            let (start, end) = r.spans[slot];
            r.facts
                .get(start as usize..end as usize)
                .map(<[Fact]>::to_vec)
                .unwrap_or_default()
        })
    };
    for slot in 0..t.catalogue.len() {
        if read & (1u128 << slot) == 0 {
            continue;
        }
        let p = &t.catalogue[slot];
        let value = values & (1u128 << slot) != 0;
        out.push(PredicateReport {
            predicate: Cow::Borrowed(p.id()),
            description: t.descriptions[slot].render(policy),
            value,
            facts: facts_of(slot),
            sources: cite(p.sources(), refs),
        });
        if slot + 1 == pathway_leaves {
            for ((id, d), v) in t
                .pathway_named
                .iter()
                .zip(t.pathway.set.named_values(pathway_mask))
            {
                out.push(PredicateReport {
                    predicate: Cow::Borrowed(id),
                    description: d.render(policy),
                    value: v,
                    facts: Vec::new(),
                    sources: Cow::Borrowed(&[]),
                });
            }
        }
    }
    out
}

fn why_not(rule: PathwayRule, mask: u64) -> Vec<Unmet> {
    let set = tables().pathway.set;
    let mut out = Vec::with_capacity(16);
    let mut scratch = Vec::new();
    for p in Pathway::ALL.iter().filter(|p| **p != rule.pathway()) {
        for (i, r) in PathwayRule::ALL.iter().enumerate() {
            if r.pathway() != *p {
                continue;
            }
            set.blockers_into(i, mask, &mut scratch);
            out.extend(scratch.iter().map(|b| Unmet {
                pathway: *p,
                rule: *r,
                predicate: Cow::Borrowed(b.predicate),
                required: b.required,
            }));
        }
    }
    out
}

fn policy_info(policy: &Policy) -> PolicyInfo {
    PolicyInfo {
        digest: PolicyDigest(policy.digest()),
        changed: policy
            .changed()
            .map(|(s, value, default): (Setting, u32, u32)| ChangedSetting {
                setting: Cow::Borrowed(s.name()),
                value,
                default,
            })
            .collect(),
    }
}

fn keys(sources: &[Source]) -> String {
    let keys: Vec<&str> = sources.iter().map(Source::key).collect();
    keys.join(", ")
}

impl fmt::Display for Recommendation {
    /// A readable report for clinicians.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Pathway: {} ({})", self.pathway.label(), self.pathway)?;
        writeln!(f, "Rule:    {} — {}", self.rule, self.full_reason())?;
        writeln!(f, "Sources: {}", keys(&self.sources))?;
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
            writeln!(f, "  {}. {} [{}] — {}", i + 1, o.name(), o.rule, o.detail)?;
            writeln!(
                f,
                "     evidence: {}; sources: {}",
                o.evidence.label(),
                keys(&o.sources)
            )?;
            if !o.components.is_empty() {
                let parts: Vec<&str> = o.components.iter().map(AsRef::as_ref).collect();
                writeln!(f, "     components: {}", parts.join("; "))?;
            }
        }
        if !self.omitted.is_empty() {
            writeln!(f, "\nOmitted:")?;
            for o in &self.omitted {
                writeln!(
                    f,
                    "  - {}: {} ({})",
                    o.regimen.name(),
                    o.detail,
                    keys(&o.sources)
                )?;
            }
        }
        if !self.cautions.is_empty() {
            writeln!(f, "\nCautions:")?;
            for c in &self.cautions {
                write!(f, "  ! {}", c.text)?;
                if !c.applies_to.is_empty() {
                    let names: Vec<&str> = c.applies_to.iter().map(TreatmentId::name).collect();
                    write!(f, " [applies to: {}]", names.join(", "))?;
                }
                writeln!(f, " ({}; {})", c.id, keys(&c.sources))?;
            }
        }
        writeln!(f, "\nConsiderations:")?;
        for c in &self.considerations {
            writeln!(f, "  - {} ({}; {})", c.text, c.id, keys(&c.sources))?;
        }
        writeln!(f, "\nScores:  {}", self.scores)?;
        writeln!(f, "\nWhy (every predicate the deciding rules read):")?;
        for p in &self.explanation.predicates {
            let facts: Vec<String> = p.facts.iter().map(ToString::to_string).collect();
            let mark = if p.value { "yes" } else { "no " };
            if facts.is_empty() {
                writeln!(f, "  [{mark}] {}", p.predicate)?;
            } else {
                writeln!(f, "  [{mark}] {}: {}", p.predicate, facts.join("; "))?;
            }
        }
        writeln!(f, "\nWhy not:")?;
        for p in Pathway::ALL.iter().filter(|p| **p != self.pathway) {
            let mut parts = Vec::new();
            for r in PathwayRule::ALL.iter().filter(|r| r.pathway() == *p) {
                let unmet: Vec<String> = self
                    .why_not
                    .iter()
                    .filter(|u| u.rule == *r)
                    .map(|u| {
                        if u.required {
                            format!("needs {}", u.predicate)
                        } else {
                            format!("needs not {}", u.predicate)
                        }
                    })
                    .collect();
                parts.push(format!("{r} {}", unmet.join(", ")));
            }
            writeln!(f, "  {p}: {}", parts.join("; "))?;
        }
        write!(f, "\nPolicy: digest {}", self.policy.digest)?;
        for c in &self.policy.changed {
            write!(f, "; {} = {} (default {})", c.setting, c.value, c.default)?;
        }
        writeln!(
            f,
            "\nRule set {} {}",
            self.rule_set.id, self.rule_set.version
        )?;
        write!(f, "\n{}", self.mdt_statement)
    }
}
