//! The output: one pathway, the rule that chose it and why, the options inside it, the
//! regimens left out, cautions and considerations, every predicate's value with the facts it
//! read, why not the other pathways, the scores, the policy in force, and the MDT statement.
//!
//! Every item cites its sources by key; `references` gives each key's full reference once.
//! Every text is rendered from the policy in force.

use std::borrow::Cow;
use std::fmt;

use crate::advice::cautions::Concerns;
use crate::advice::details::Placement;
use crate::assessment::Assessment;
use crate::case::Regimen;
use crate::engine::Fact;
use crate::engine::Trace;
use crate::evaluate::{self, bit_indices, bit_indices128, tables, Plan};
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
#[non_exhaustive]
pub struct RuleSetInfo {
    /// The pathway rule set's id.
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::ids::RuleSetId"))]
    pub id: Cow<'static, str>,
    /// The clinical-content version (shared by every rule set of the crate).
    pub version: Cow<'static, str>,
}

/// A policy setting whose value differs from the default.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ChangedSetting {
    /// The setting (a `Policy` field).
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::SettingName")
    )]
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
#[non_exhaustive]
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
#[non_exhaustive]
pub struct ReasonDetail {
    /// Stable id (the id of the detail rule), for example `r6_beyond_up_to_seven`.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::ReasonDetailId")
    )]
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
#[non_exhaustive]
pub struct TherapyLine {
    /// The line number: regimens received + 1.
    pub number: u8,
    /// Which line, and for the second line what it follows.
    pub line: LineOfTherapy,
    /// The id of the line rule (`L1`, `L2-ICI`, `L2-STRIDE`, `L2-TKI`, `L2-OTHER`, `L3`).
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::LineRuleId")
    )]
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
#[non_exhaustive]
pub struct TreatmentOption {
    /// What it is.
    pub id: TreatmentId,
    /// What it is and why it is offered here (trial, line, thresholds met).
    pub detail: Cow<'static, str>,
    /// The id of the option rule that offered it (`M1`, `O-L2-TKI`, `P1`, `tace_with_systemic`).
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::OptionRuleId")
    )]
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
#[non_exhaustive]
pub struct OmittedRegimen {
    /// The regimen.
    pub regimen: Regimen,
    /// Why it is left out (the omission rule's outcome).
    pub reason: OmissionReason,
    /// The id of the omission rule.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::OmissionRuleId")
    )]
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
#[non_exhaustive]
pub struct Caution {
    /// Stable id (the id of the caution rule), for example `near_tace_refractory`.
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::ids::CautionId"))]
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
#[non_exhaustive]
pub struct Consideration {
    /// Stable id (the id of the consideration rule), for example `liver_transplant_evaluation`.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::ConsiderationId")
    )]
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
#[non_exhaustive]
pub struct PredicateReport {
    /// Stable predicate id, for example `fit_for_systemic`.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::PredicateId")
    )]
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
#[non_exhaustive]
pub struct RuleReport {
    /// The rule set's id.
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::ids::RuleSetId"))]
    pub rule_set: Cow<'static, str>,
    /// The rule's id.
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::ids::RuleId"))]
    pub rule: Cow<'static, str>,
    /// The ids of the predicates its condition reads (their values and facts are in
    /// `explanation.predicates`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Vec<crate::schema::ids::PredicateId>")
    )]
    pub reads: Vec<Cow<'static, str>>,
}

/// Why the recommendation says what it says, as data: every predicate read by the pathway rules
/// and by every rule applied (an option, an omission, a caution, a consideration, a reason
/// detail), each once with its value and facts; those rules; and what kept the rules of the
/// other pathways from matching.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ExplanationDocument {
    /// Every predicate read, with its value and facts: the pathway rules' first (then their
    /// named composites), then the others.
    pub predicates: Vec<PredicateReport>,
    /// Every rule that matched and was applied, in pipeline order.
    pub rules: Vec<RuleReport>,
    /// For each rule of the two other pathways, the conditions that kept it from matching.
    pub why_not: Vec<Unmet>,
}

/// The explanation of a recommendation ([`ExplanationDocument`]).
///
/// A recommendation made by [`recommend`](crate::recommend) holds the decisions and writes the
/// explanation out when it is read ([`Explanation::document`]), displayed or serialised: the
/// facts are recorded then, from the same case, policy and decisions, so that deciding costs
/// nothing for an explanation nobody reads. A recommendation read from JSON holds the document.
///
/// ```
/// let json = std::fs::read_to_string("examples/cases/r6_beyond_up_to_seven.json")?;
/// let rec = hcc_pathways::recommend(&hcc_pathways::Case::from_json(&json)?)?;
/// let doc = rec.explanation.document();
/// let up7 = doc.predicates.iter().find(|p| p.predicate == "up_to_seven").unwrap();
/// assert_eq!(up7.facts[0].to_string(), "up_to_seven_sum = 90 > up_to_seven_limit = 70");
/// assert!(doc.why_not.iter().any(|u| u.rule == "R5" && u.predicate == "locally_treatable"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Explanation {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    /// The decisions, explained on demand.
    Evaluated(Box<(Assessment, Plan)>),
    /// Read back from a document.
    Stored(ExplanationDocument),
}

impl Explanation {
    /// The explanation as data (written out now for a recommendation made by this process).
    pub fn document(&self) -> Cow<'_, ExplanationDocument> {
        match &self.repr {
            Repr::Stored(doc) => Cow::Borrowed(doc),
            Repr::Evaluated(e) => Cow::Owned(explain(&e.0, &e.1)),
        }
    }
}

impl From<ExplanationDocument> for Explanation {
    fn from(doc: ExplanationDocument) -> Self {
        Explanation {
            repr: Repr::Stored(doc),
        }
    }
}

impl PartialEq for Explanation {
    fn eq(&self, other: &Self) -> bool {
        self.document() == other.document()
    }
}

impl fmt::Debug for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.document(), f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Explanation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document().serialize(s)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Explanation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ExplanationDocument::deserialize(d).map(Explanation::from)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Explanation {
    fn schema_name() -> Cow<'static, str> {
        ExplanationDocument::schema_name()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ExplanationDocument::json_schema(g)
    }
}

/// A condition that kept a rule of another pathway from matching.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Unmet {
    /// The pathway not chosen.
    pub pathway: Pathway,
    /// Its rule.
    pub rule: PathwayRule,
    /// The predicate (a leaf or a named composite).
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::PredicateId")
    )]
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
/// assert!(rec.explanation.document().why_not.iter().all(|w| w.pathway != rec.pathway));
/// assert_eq!(rec.options[0].id.wire_name(), "atezolizumab_bevacizumab");
/// assert!(rec.considerations.iter().any(|c| c.id == "mdt_review"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
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
    /// Every predicate the deciding rules read, with its value and facts, the rules applied,
    /// and why not the other pathways.
    pub explanation: Explanation,
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

/// Calls `f` with every rule a recommendation applies, in pipeline order: the rule set's id, the
/// rule's id, and the catalogue slots of the predicates it reads.
fn visit_applied(
    a: &Assessment,
    plan: &Plan,
    mut f: impl FnMut(&'static str, &'static str, u128, SourceSet),
) {
    let t = tables();
    let mut one = |set: &'static str, id: &'static str, reads: u128, cites: SourceSet| {
        f(set, id, reads, cites)
    };
    let rule = a.pathway_rule() as usize;
    one(
        t.pathway.set.id(),
        t.pathway.set.rules()[rule].id(),
        t.pathway.reads[rule],
        t.pathway.cites[rule],
    );
    for k in bit_indices(plan.details) {
        one(
            t.details.set.id(),
            t.details.set.rules()[k].id(),
            t.details.reads[k],
            t.details.cites[k],
        );
    }
    if let Some(k) = plan.procedure.map(usize::from) {
        one(
            t.procedures.set.id(),
            t.procedures.set.rules()[k].id(),
            t.procedures.reads[k],
            t.procedures.cites[k],
        );
    }
    if plan.regimens_offered || plan.omissions_reported {
        let (lr, or) = (
            usize::from(a.decisions.line_rule),
            usize::from(a.decisions.order_rule),
        );
        one(
            t.lines.set.id(),
            t.lines.set.rules()[lr].id(),
            t.lines.reads[lr],
            t.lines.cites[lr],
        );
        one(
            t.order.set.id(),
            t.order.set.rules()[or].id(),
            t.order.reads[or],
            t.order.cites[or],
        );
    }
    if let Some(k) = plan.supportive.map(usize::from) {
        one(
            t.supportive.set.id(),
            t.supportive.set.rules()[k].id(),
            t.supportive.reads[k],
            t.supportive.cites[k],
        );
    }
    for k in bit_indices(plan.with_tace) {
        one(
            t.with_tace.set.id(),
            t.with_tace.set.rules()[k].id(),
            t.with_tace.reads[k],
            t.with_tace.cites[k],
        );
    }
    if plan.omissions_reported {
        let e = a.eligibility();
        for k in bit_indices(e.rules_matched) {
            let r = &t.omissions.set.rules()[k];
            if !e.omitted[r.outcome().reason as usize].is_empty() {
                one(
                    t.omissions.set.id(),
                    r.id(),
                    t.omissions.reads[k],
                    t.omissions.cites[k],
                );
            }
        }
    }
    for k in bit_indices(plan.cautions) {
        one(
            t.cautions.set.id(),
            t.cautions.set.rules()[k].id(),
            t.cautions.reads[k],
            t.cautions.cites[k],
        );
    }
    for k in bit_indices(plan.considerations) {
        one(
            t.considerations.set.id(),
            t.considerations.set.rules()[k].id(),
            t.considerations.reads[k],
            t.considerations.cites[k],
        );
    }
}

impl Recommendation {
    /// Builds the recommendation of an assessed case from its plan: the options, omissions and
    /// advice now (texts borrowed from the shared tables under the default policy), the
    /// explanation when it is read.
    pub(crate) fn build(a: Assessment, plan: Plan) -> Recommendation {
        let t = tables();
        let policy = *a.policy();
        let policy = &policy;
        let mut refs = SourceSet::EMPTY;
        let rule = a.pathway_rule();
        let pathway_rule = &t.pathway.set.rules()[rule as usize];
        let sources = Cow::Borrowed(pathway_rule.sources());

        // The reason details.
        let reason_details: Vec<ReasonDetail> = bit_indices(plan.details)
            .map(|k| {
                let r = &t.details.set.rules()[k];
                ReasonDetail {
                    id: Cow::Borrowed(r.id()),
                    placement: *r.outcome(),
                    text: evaluate::text(&t.details, k, policy),
                    sources: Cow::Borrowed(r.sources()),
                }
            })
            .collect();

        // The options, in order.
        let mut options = Vec::with_capacity(plan.offered.len());
        if let Some(k) = plan.procedure.map(usize::from) {
            let r = &t.procedures.set.rules()[k];
            options.push(TreatmentOption {
                id: TreatmentId::Procedure(*r.outcome()),
                detail: evaluate::text(&t.procedures, k, policy),
                rule: Cow::Borrowed(r.id()),
                evidence: Evidence::Guideline,
                components: Cow::Borrowed(&[]),
                sources: Cow::Borrowed(r.sources()),
            });
        }
        let mut line_of_therapy = None;
        if plan.regimens_offered || plan.omissions_reported {
            let d = &a.decisions;
            let lr = usize::from(d.line_rule);
            let line_rule = &t.lines.set.rules()[lr];
            let or = usize::from(d.order_rule);
            let order_rule = &t.order.set.rules()[or];
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
        if let Some(k) = plan.supportive.map(usize::from) {
            let r = &t.supportive.set.rules()[k];
            // With the reason of the pathway rule that chose palliative care (spec §6).
            let own = evaluate::text(&t.supportive, k, policy);
            let (chosen_by, by) = ("; chosen by ", rule.wire_name());
            let reason = evaluate::text(&t.pathway, rule as usize, policy);
            let mut detail = String::with_capacity(own.len() + chosen_by.len() + by.len() + 2);
            detail.push_str(&own);
            detail.push_str(chosen_by);
            detail.push_str(by);
            detail.push_str(": ");
            write_full_reason(&mut detail, &reason, &reason_details);
            options.push(TreatmentOption {
                id: *r.outcome(),
                detail: Cow::Owned(detail),
                rule: Cow::Borrowed(r.id()),
                evidence: Evidence::Guideline,
                components: Cow::Borrowed(&BEST_SUPPORTIVE_CARE_COMPONENTS[..]),
                sources: Cow::Borrowed(r.sources()),
            });
        }
        for k in bit_indices(plan.with_tace) {
            let r = &t.with_tace.set.rules()[k];
            options.push(TreatmentOption {
                id: *r.outcome(),
                detail: evaluate::text(&t.with_tace, k, policy),
                rule: Cow::Borrowed(r.id()),
                evidence: Evidence::NotStandardOfCare,
                components: Cow::Borrowed(&[]),
                sources: Cow::Borrowed(r.sources()),
            });
        }

        // The regimens left out, each with the omission rule that left it out.
        let mut omitted = Vec::with_capacity(if plan.omissions_reported {
            evaluate::omitted(&a).count()
        } else {
            0
        });
        if plan.omissions_reported {
            let rules = t.omissions.set.rules();
            let matched = a.eligibility().rules_matched;
            for (entry, reason) in evaluate::omitted(&a) {
                // The rule of this reason that matched (two rules share `no_new_mechanism_class`).
                let k = bit_indices(matched)
                    .find(|k| rules[*k].outcome().reason == reason)
                    .unwrap_or(0);
                if let Some(regimen) = entry.regimen() {
                    omitted.push(OmittedRegimen {
                        regimen,
                        reason,
                        rule: Cow::Borrowed(rules[k].id()),
                        detail: evaluate::text(&t.omissions, k, policy),
                        sources: Cow::Borrowed(rules[k].sources()),
                    });
                }
            }
        }

        // Cautions, and the offered options each concerns.
        let cautions = bit_indices(plan.cautions)
            .map(|k| {
                let r = &t.cautions.set.rules()[k];
                let applies_to = match r.outcome() {
                    Concerns::Case => OptionSet::EMPTY,
                    Concerns::Options(set) => set.intersection(plan.offered),
                };
                Caution {
                    id: Cow::Borrowed(r.id()),
                    text: evaluate::text(&t.cautions, k, policy),
                    applies_to,
                    sources: Cow::Borrowed(r.sources()),
                }
            })
            .collect();
        let considerations = bit_indices(plan.considerations)
            .map(|k| {
                let r = &t.considerations.set.rules()[k];
                Consideration {
                    id: Cow::Borrowed(r.id()),
                    text: evaluate::text(&t.considerations, k, policy),
                    sources: Cow::Borrowed(r.sources()),
                }
            })
            .collect();

        // Every rule applied cites its sources and those of the predicates it reads (the
        // explanation reports them), as do the pathway rules' predicates.
        refs = refs.union(t.pathway_cites);
        visit_applied(&a, &plan, |_, _, _, cites| refs = refs.union(cites));

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
            scores: a.scores().clone(),
            explanation: Explanation {
                repr: Repr::Evaluated(Box::new((a, plan))),
            },
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
    let mut out = String::new();
    write_full_reason(&mut out, reason, details);
    out
}

/// Appends the details placed before, `reason`, then the details placed after, joined by
/// `; `, to `out` (reserving the space once).
fn write_full_reason(out: &mut String, reason: &str, details: &[ReasonDetail]) {
    let len = details.iter().map(|d| d.text.len() + 2).sum::<usize>() + reason.len();
    out.reserve(len);
    let placed = |p: Placement| details.iter().filter(move |d| d.placement == p);
    for d in placed(Placement::Before) {
        out.push_str(&d.text);
        out.push_str("; ");
    }
    out.push_str(reason);
    for d in placed(Placement::After) {
        out.push_str("; ");
        out.push_str(&d.text);
    }
}

/// Writes out the explanation of an assessed case: the predicates every applied rule reads,
/// evaluated again from the same case, policy and decisions with their facts recorded (each
/// once), the rules applied, and why not the other pathways.
fn explain(a: &Assessment, plan: &Plan) -> ExplanationDocument {
    let t = tables();
    let policy = a.policy();
    let mut read = t.pathway.all_slots();
    let mut rules = Vec::with_capacity(16);
    visit_applied(a, plan, |set, id, reads, _| {
        read |= reads;
        rules.push(RuleReport {
            rule_set: Cow::Borrowed(set),
            rule: Cow::Borrowed(id),
            reads: bit_indices128(reads)
                .map(|s| Cow::Borrowed(t.catalogue[s].id()))
                .collect(),
        });
    });
    let pathway_leaves = t.pathway.set.leaves().len();
    let mut values = 0u64;
    let mut predicates = Vec::with_capacity(read.count_ones() as usize + t.pathway_named.len());
    for slot in bit_indices128(read) {
        let p = &t.catalogue[slot];
        let mut trace = Trace::recording();
        let value = p.evaluate(a, &mut trace);
        if let Some(i) = t.pathway.slots.iter().position(|s| usize::from(*s) == slot) {
            values |= u64::from(value) << i;
        }
        predicates.push(PredicateReport {
            predicate: Cow::Borrowed(p.id()),
            description: t.descriptions[slot].render(policy),
            value,
            facts: trace.take(),
            sources: Cow::Borrowed(p.sources()),
        });
        if slot + 1 == pathway_leaves {
            for ((id, d), v) in t
                .pathway_named
                .iter()
                .zip(t.pathway.set.named_values(values))
            {
                predicates.push(PredicateReport {
                    predicate: Cow::Borrowed(id),
                    description: d.render(policy),
                    value: v,
                    facts: Vec::new(),
                    sources: Cow::Borrowed(&[]),
                });
            }
        }
    }
    ExplanationDocument {
        predicates,
        rules,
        why_not: why_not(a.pathway_rule(), values),
    }
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
    if *policy == Policy::default() {
        return PolicyInfo {
            digest: PolicyDigest(tables().default_digest),
            changed: Vec::new(),
        };
    }
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
        let explanation = self.explanation.document();
        writeln!(f, "\nWhy (every predicate the deciding rules read):")?;
        for p in &explanation.predicates {
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
                let unmet: Vec<String> = explanation
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
