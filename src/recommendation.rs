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
use crate::engine::{Fact, Trace, Truth};
use crate::evaluate::{self, bit_indices, bit_indices128, tables, Plan};
pub use crate::facts_needed::{FactNeeded, FactValue};
use crate::outcomes::{
    Evidence, LineOfTherapy, OmissionReason, OptionSet, Pathway, PathwayRule, PathwayRules,
    TreatmentId,
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

/// Candidate regimens of the current line left out by one omission rule, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Omission {
    /// The id of the omission rule.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::OmissionRuleId")
    )]
    pub rule: Cow<'static, str>,
    /// Why they are left out (the omission rule's outcome).
    pub reason: OmissionReason,
    /// The regimens it leaves out, in the order of the line's options.
    pub regimens: Vec<Regimen>,
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
    pub value: Truth,
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
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// Left out ([`Recommendation::without_explanation`], or read from lean JSON).
    Omitted,
}

impl Explanation {
    /// The explanation as data (written out now for a recommendation made by this process;
    /// empty when it was left out, see [`Explanation::is_omitted`]).
    pub fn document(&self) -> Cow<'_, ExplanationDocument> {
        match &self.repr {
            Repr::Stored(doc) => Cow::Borrowed(doc),
            Repr::Evaluated(e) => Cow::Owned(explain(&e.0, &e.1)),
            Repr::Omitted => Cow::Owned(ExplanationDocument::default()),
        }
    }

    /// Whether the explanation was left out: the recommendation was read from lean JSON
    /// ([`Recommendation::to_json`]) or made by [`Recommendation::without_explanation`].
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r1_comfort_focused.json")?;
    /// let rec = hcc_pathways::recommend(&hcc_pathways::Case::from_json(&json)?)?;
    /// assert!(!rec.explanation.is_omitted());
    /// let lean: hcc_pathways::Recommendation = serde_json::from_str(&rec.to_json())?;
    /// assert!(lean.explanation.is_omitted());
    /// assert!(lean.explanation.document().predicates.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_omitted(&self) -> bool {
        matches!(self.repr, Repr::Omitted)
    }
}

impl Default for Explanation {
    /// An omitted explanation.
    fn default() -> Self {
        Explanation {
            repr: Repr::Omitted,
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

crate::macros::wire_enum! {
    /// Whether the pathway is decided (spec §8).
    Status {
        /// One pathway whatever the unknown facts are.
        Decided = "decided",
        /// Facts not known decide between pathways.
        Undecided = "undecided",
    }
}

crate::macros::wire_enum! {
    /// What a pending item is.
    PendingKind {
        /// An option (a procedure, a regimen, TACE with systemic therapy).
        Option = "option",
        /// A caution.
        Caution = "caution",
        /// A consideration.
        Consideration = "consideration",
        /// A detail of the reason.
        ReasonDetail = "reason_detail",
    }
}

/// Something that may apply but waits for a fact not known (spec §8), with the facts to
/// assess.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Pending {
    /// What it is.
    pub kind: PendingKind,
    /// Its id: the option's, or the caution's, consideration's or detail's rule id.
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::ids::PendingId"))]
    pub id: Cow<'static, str>,
    /// The rule that would apply it.
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::ids::RuleId"))]
    pub rule: Cow<'static, str>,
    /// What it would say.
    pub text: Cow<'static, str>,
    /// The JSON paths of the facts to assess.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Vec<crate::schema::ids::FactPath>")
    )]
    pub facts: Vec<Cow<'static, str>>,
    /// Its sources.
    pub sources: Sources,
}

/// One pathway an undecided case may take, with the rules that would choose it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Candidate {
    /// The pathway.
    pub pathway: Pathway,
    /// Its candidate rules.
    pub rules: PathwayRules,
}

/// The outcome for a case whose unknown facts decide between pathways (spec §8): no pathway,
/// but the candidate pathways with their rules, and the facts needed.
///
/// ```
/// use hcc_pathways::{decide, Case, Decision, Pathway};
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let case = Case::from_json(&json)?;
/// let case = case.to_builder().unknown("recurrence.macrovascular_invasion").build()?;
/// let Decision::Undecided(u) = decide(&case)? else { panic!("invasion decides") };
/// assert!(u.candidates.iter().any(|c| c.pathway == Pathway::RepeatIntervention));
/// assert!(u.facts_needed.iter().any(|f| f.fact == "recurrence.macrovascular_invasion"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Undecided {
    /// The version of this document's shape ([`SCHEMA_VERSION`]).
    pub schema_version: Cow<'static, str>,
    /// The version of the crate that made it.
    pub crate_version: Cow<'static, str>,
    /// The rule set and the clinical-content version.
    pub rule_set: RuleSetInfo,
    /// The policy in force.
    pub policy: PolicyInfo,
    /// Always `undecided`.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::UndecidedStatus")
    )]
    pub status: Status,
    /// Every candidate rule.
    pub rules: PathwayRules,
    /// The candidate pathways, each with its rules.
    pub candidates: Vec<Candidate>,
    /// The facts that decide, by JSON path, with what each value leads to.
    pub facts_needed: Vec<FactNeeded>,
    /// The JSON paths of every fact the case leaves unknown.
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Vec<crate::schema::ids::FactPath>")
    )]
    pub unknown_facts: Vec<Cow<'static, str>>,
    /// Scores derived from the case (those the known facts allow).
    pub scores: Scores,
    /// The sources of the candidate rules: key to full reference.
    pub references: SourceSet,
    /// Decision support, not an order: the MDT decides.
    pub mdt_statement: Cow<'static, str>,
}

impl Undecided {
    /// The outcome as compact JSON (the decision schema's undecided shape).
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        // Every field is a string, a bool, a finite number or a list of them.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The outcome as indented JSON, for people.
    #[cfg(feature = "json")]
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The outcome of an assessed case whose pathway is not decided.
    pub(crate) fn build(a: &Assessment) -> Result<Undecided, crate::Error> {
        let t = tables();
        let rules = a.pathway_decision().rules();
        let candidates = Pathway::ALL
            .iter()
            .filter_map(|p| {
                let of_p = rules
                    .iter()
                    .filter(|r| r.pathway() == *p)
                    .fold(PathwayRules::EMPTY, PathwayRules::with);
                (!of_p.is_empty()).then_some(Candidate {
                    pathway: *p,
                    rules: of_p,
                })
            })
            .collect();
        let mut references = SourceSet::EMPTY;
        for r in rules.iter() {
            references.add(t.pathway.set.rules()[r as usize].sources());
        }
        Ok(Undecided {
            schema_version: Cow::Borrowed(SCHEMA_VERSION),
            crate_version: Cow::Borrowed(crate::VERSION),
            rule_set: RuleSetInfo {
                id: Cow::Borrowed(t.pathway.set.id()),
                version: Cow::Borrowed(CLINICAL_VERSION),
            },
            policy: policy_info(a.policy()),
            status: Status::Undecided,
            rules,
            candidates,
            facts_needed: crate::facts_needed::facts_needed(a)?,
            unknown_facts: a.case().unknown_facts().map(Cow::Borrowed).collect(),
            scores: a.scores().clone(),
            references,
            mdt_statement: Cow::Borrowed(MDT_STATEMENT),
        })
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
/// assert_eq!(rec.rule, Some(hcc_pathways::PathwayRule::R3));
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
    /// Always `decided` ([`Undecided`] carries `undecided`).
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "crate::schema::ids::DecidedStatus")
    )]
    pub status: Status,
    /// The pathway.
    pub pathway: Pathway,
    /// The rule that chose it (R1–R7), when one remains: always for a complete case; with
    /// facts not known, several rules of this pathway may remain (`rules`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub rule: Option<PathwayRule>,
    /// The candidate rules: every rule a completion of the unknown facts makes match (the
    /// rule alone for a complete case), all of this pathway.
    pub rules: PathwayRules,
    /// Why, as the rule states it (with several candidate rules, each one's reason).
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
    /// Candidate regimens of the line left out, by the omission rule that left them out (a
    /// regimen left out for two reasons appears under both).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub omitted: Vec<Omission>,
    /// What to watch out for.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub cautions: Vec<Caution>,
    /// What else to arrange or weigh (always includes MDT review).
    pub considerations: Vec<Consideration>,
    /// What may apply but waits for a fact not known (spec §8): options, cautions,
    /// considerations and reason details, each with the facts to assess. Never offered or
    /// dropped silently.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub pending: Vec<Pending>,
    /// The JSON paths of the facts the case leaves unknown (none of them changes the
    /// pathway).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Vec<crate::schema::ids::FactPath>")
    )]
    pub unknown_facts: Vec<Cow<'static, str>>,
    /// Every predicate the deciding rules read, with its value and facts, the rules applied,
    /// and why not the other pathways. Written out when read or serialised; absent from the
    /// lean JSON of [`Recommendation::to_json`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Explanation::is_omitted")
    )]
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
    for rule in plan_rules(a) {
        let rule = rule as usize;
        one(
            t.pathway.set.id(),
            t.pathway.set.rules()[rule].id(),
            t.pathway.reads[rule],
            t.pathway.cites[rule],
        );
    }
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
    if (plan.regimens_offered || plan.omissions_reported) && a.line().is_some() {
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
        for (k, _) in evaluate::omissions(a) {
            one(
                t.omissions.set.id(),
                t.omissions.set.rules()[k].id(),
                t.omissions.reads[k],
                t.omissions.cites[k],
            );
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
        let rules = a.pathway_decision().rules();
        let rule = a.pathway_rule();
        let (reason, sources) = pathway_reason(rules, policy);

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
        let line_known = a.line().zip(a.regimens_received());
        if let (true, Some((line, received))) =
            (plan.regimens_offered || plan.omissions_reported, line_known)
        {
            let d = &a.decisions;
            let lr = usize::from(d.line_rule);
            let line_rule = &t.lines.set.rules()[lr];
            line_of_therapy = Some(TherapyLine {
                number: u8::try_from(received + 1).unwrap_or(u8::MAX),
                line,
                rule: Cow::Borrowed(line_rule.id()),
                reason: evaluate::text(&t.lines, lr, policy),
            });
        }
        if plan.regimens_offered {
            let or = usize::from(a.decisions.order_rule);
            let order_rule = &t.order.set.rules()[or];
            {
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
            let by = rules
                .iter()
                .map(PathwayRule::wire_name)
                .collect::<Vec<_>>()
                .join(" or ");
            let chosen_by = "; chosen by ";
            let mut detail = String::with_capacity(own.len() + chosen_by.len() + by.len() + 2);
            detail.push_str(&own);
            detail.push_str(chosen_by);
            detail.push_str(&by);
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

        // The regimens left out, by the omission rule that left them out.
        let omitted = if plan.omissions_reported {
            evaluate::omissions(&a)
                .map(|(k, regimens)| {
                    let r = &t.omissions.set.rules()[k];
                    Omission {
                        rule: Cow::Borrowed(r.id()),
                        reason: r.outcome().reason,
                        regimens,
                        detail: evaluate::text(&t.omissions, k, policy),
                        sources: Cow::Borrowed(r.sources()),
                    }
                })
                .collect()
        } else {
            Vec::new()
        };

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

        let pending = pending_items(&a, &plan, policy, &mut refs);

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
            status: Status::Decided,
            pathway: plan.pathway,
            rule,
            rules,
            reason,
            reason_details,
            sources,
            line_of_therapy,
            options,
            omitted,
            cautions,
            considerations,
            pending,
            unknown_facts: a.case().unknown_facts().map(Cow::Borrowed).collect(),
            scores: a.scores().clone(),
            explanation: Explanation {
                repr: Repr::Evaluated(Box::new((a, plan))),
            },
            references: refs,
            mdt_statement: Cow::Borrowed(MDT_STATEMENT),
        }
    }

    /// The recommendation without its explanation, citing in `references` only the sources its
    /// items cite: what [`Recommendation::to_json`] writes.
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
    /// let rec = hcc_pathways::recommend(&hcc_pathways::Case::from_json(&json)?)?;
    /// let lean = rec.without_explanation();
    /// assert!(lean.explanation.is_omitted());
    /// assert_eq!((lean.pathway, &lean.options), (rec.pathway, &rec.options));
    /// assert!(lean.references.iter().count() <= rec.references.iter().count());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn without_explanation(&self) -> Recommendation {
        let mut lean = self.clone();
        lean.explanation = Explanation::default();
        let mut refs = SourceSet::EMPTY;
        let mut cite = |sources: &[Source]| refs.add(sources);
        cite(&self.sources);
        self.reason_details.iter().for_each(|d| cite(&d.sources));
        self.options.iter().for_each(|o| cite(&o.sources));
        self.omitted.iter().for_each(|o| cite(&o.sources));
        self.cautions.iter().for_each(|c| cite(&c.sources));
        self.considerations.iter().for_each(|c| cite(&c.sources));
        lean.references = refs;
        lean
    }

    /// The recommendation as compact JSON, lean: without the explanation (and its references),
    /// which is two to three times the size of the rest. [`Recommendation::to_json_explained`]
    /// keeps it.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        // Every field is a string, a bool, a finite number or a list of them.
        serde_json::to_string(&self.without_explanation()).unwrap_or_default()
    }

    /// The recommendation as compact JSON with its explanation: every predicate read with its
    /// facts, the rules applied, why not the other pathways.
    #[cfg(feature = "json")]
    pub fn to_json_explained(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The recommendation as indented JSON, for people, with its explanation.
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
    let mut values = crate::engine::Leaves::default();
    let mut predicates = Vec::with_capacity(read.count_ones() as usize + t.pathway_named.len());
    for slot in bit_indices128(read) {
        let p = &t.catalogue[slot];
        let mut trace = Trace::recording();
        let value = p.evaluate(a, &mut trace);
        if let Some(i) = t.pathway.slots.iter().position(|s| usize::from(*s) == slot) {
            values.set(i, value);
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
                .zip(t.pathway.set.named_truths(values))
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
        why_not: why_not(plan.pathway, values.value),
    }
}

fn why_not(pathway: Pathway, mask: u64) -> Vec<Unmet> {
    let set = tables().pathway.set;
    let mut out = Vec::with_capacity(16);
    let mut scratch = Vec::new();
    for p in Pathway::ALL.iter().filter(|p| **p != pathway) {
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

/// The candidate pathway rules of a decided case, in table order.
fn plan_rules(a: &Assessment) -> impl Iterator<Item = PathwayRule> {
    a.pathway_decision().rules().iter()
}

/// The reason and sources of the candidate rules: one rule's own, or each one's, joined.
fn pathway_reason(rules: PathwayRules, policy: &Policy) -> (Cow<'static, str>, Sources) {
    let t = tables();
    let mut it = rules.iter();
    match (it.next(), it.next()) {
        (Some(r), None) => (
            evaluate::text(&t.pathway, r as usize, policy),
            Cow::Borrowed(t.pathway.set.rules()[r as usize].sources()),
        ),
        _ => {
            let mut text =
                String::from("one of these rules applies, whatever the facts not known are: ");
            let mut sources: Vec<Source> = Vec::new();
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    text.push_str("; or ");
                }
                text.push_str(r.wire_name());
                text.push_str(", ");
                text.push_str(&evaluate::text(&t.pathway, r as usize, policy));
                for s in t.pathway.set.rules()[r as usize].sources() {
                    if !sources.contains(s) {
                        sources.push(*s);
                    }
                }
            }
            (Cow::Owned(text), Cow::Owned(sources))
        }
    }
}

/// The JSON paths of the unknown facts the predicates at `reads` (catalogue slots) need,
/// in order, once each.
fn facts_to_assess(a: &Assessment, reads: u128) -> Vec<Cow<'static, str>> {
    let t = tables();
    let mut out: Vec<Cow<'static, str>> = Vec::new();
    for slot in bit_indices128(reads) {
        let mut trace = Trace::recording();
        if !t.catalogue[slot].evaluate(a, &mut trace).is_unknown() {
            continue;
        }
        for fact in trace.into_facts() {
            if fact.value == crate::engine::Value::Missing
                && fact.name.contains('.')
                && !out.contains(&fact.name)
            {
                out.push(fact.name);
            }
        }
    }
    if out.is_empty() {
        // A decision leaf (the line, the pathway) waits for the facts the case leaves unknown.
        out.extend(a.case().unknown_facts().map(Cow::Borrowed));
    }
    out
}

/// Everything that may apply but waits for a fact not known, in the order of the output.
fn pending_items(
    a: &Assessment,
    plan: &Plan,
    policy: &Policy,
    refs: &mut SourceSet,
) -> Vec<Pending> {
    let t = tables();
    let mut out = Vec::new();
    let mut push =
        |kind, id: &'static str, rule: &'static str, text, reads, sources: &'static [Source]| {
            refs.add(sources);
            out.push(Pending {
                kind,
                id: Cow::Borrowed(id),
                rule: Cow::Borrowed(rule),
                text,
                facts: facts_to_assess(a, reads),
                sources: Cow::Borrowed(sources),
            });
        };
    for k in bit_indices(plan.pending_details) {
        let r = &t.details.set.rules()[k];
        push(
            PendingKind::ReasonDetail,
            r.id(),
            r.id(),
            evaluate::text(&t.details, k, policy),
            t.details.reads[k],
            r.sources(),
        );
    }
    for k in bit_indices(plan.pending_procedures) {
        let r = &t.procedures.set.rules()[k];
        push(
            PendingKind::Option,
            TreatmentId::Procedure(*r.outcome()).wire_name(),
            r.id(),
            evaluate::text(&t.procedures, k, policy),
            t.procedures.reads[k],
            r.sources(),
        );
    }
    if plan.regimens_offered {
        let or = usize::from(a.decisions.order_rule);
        let order_rule = &t.order.set.rules()[or];
        let e = a.eligibility();
        // The omission rules that may leave a regimen out read the facts it waits for.
        let pending_rules = e.rules_possible & !e.rules_matched;
        for (i, entry) in a.line_options().iter().enumerate() {
            let Some(regimen) = entry.regimen() else {
                continue;
            };
            if !plan.pending.contains(entry.option) {
                continue;
            }
            let reads = bit_indices(pending_rules)
                .filter(|k| {
                    t.omissions.set.rules()[*k]
                        .outcome()
                        .selection
                        .regimens(a)
                        .contains(regimen)
                        || a.regimen_history().is_none()
                })
                .fold(0u128, |m, k| m | t.omissions.reads[k]);
            push(
                PendingKind::Option,
                entry.option.wire_name(),
                order_rule.id(),
                t.order_details[or][i].render(policy),
                reads,
                entry.sources,
            );
        }
    }
    for k in bit_indices(plan.pending_with_tace) {
        let r = &t.with_tace.set.rules()[k];
        push(
            PendingKind::Option,
            r.outcome().wire_name(),
            r.id(),
            evaluate::text(&t.with_tace, k, policy),
            t.with_tace.reads[k],
            r.sources(),
        );
    }
    for k in bit_indices(plan.pending_cautions) {
        let r = &t.cautions.set.rules()[k];
        push(
            PendingKind::Caution,
            r.id(),
            r.id(),
            evaluate::text(&t.cautions, k, policy),
            t.cautions.reads[k],
            r.sources(),
        );
    }
    for k in bit_indices(plan.pending_considerations) {
        let r = &t.considerations.set.rules()[k];
        push(
            PendingKind::Consideration,
            r.id(),
            r.id(),
            evaluate::text(&t.considerations, k, policy),
            t.considerations.reads[k],
            r.sources(),
        );
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

impl fmt::Display for Undecided {
    /// A readable report for clinicians: the candidate pathways, and what each value of each
    /// fact needed leads to.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Pathway: not decided — facts the case leaves unknown decide between pathways"
        )?;
        writeln!(f, "\nCandidates:")?;
        for c in &self.candidates {
            writeln!(
                f,
                "  - {} ({}): rule {}",
                c.pathway.label(),
                c.pathway,
                c.rules
            )?;
        }
        writeln!(f, "\nFacts needed (what each value leads to):")?;
        for need in &self.facts_needed {
            writeln!(f, "  ? {}", need.fact)?;
            for v in &need.values {
                match v.pathway {
                    Some(p) => writeln!(f, "      {} → {}", v.value, p.label())?,
                    None => writeln!(f, "      {} → still open", v.value)?,
                }
            }
        }
        let facts: Vec<&str> = self.unknown_facts.iter().map(AsRef::as_ref).collect();
        writeln!(f, "\nNot known: {}", facts.join(", "))?;
        writeln!(f, "\nScores:  {}", self.scores)?;
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

impl fmt::Display for Recommendation {
    /// A readable report for clinicians.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Pathway: {} ({})", self.pathway.label(), self.pathway)?;
        let rules: Vec<&str> = self.rules.iter().map(PathwayRule::wire_name).collect();
        writeln!(
            f,
            "Rule:    {} — {}",
            rules.join(" or "),
            self.full_reason()
        )?;
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
                let names: Vec<&str> = o.regimens.iter().map(|r| r.name()).collect();
                writeln!(
                    f,
                    "  - {}: {} ({})",
                    names.join("; "),
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
        if !self.pending.is_empty() {
            writeln!(f, "\nPending (may apply; assess the facts named):")?;
            for p in &self.pending {
                let facts: Vec<&str> = p.facts.iter().map(AsRef::as_ref).collect();
                writeln!(
                    f,
                    "  ? {} {} — {} [needs: {}]",
                    p.kind,
                    p.id,
                    p.text,
                    facts.join(", ")
                )?;
            }
        }
        if !self.unknown_facts.is_empty() {
            let facts: Vec<&str> = self.unknown_facts.iter().map(AsRef::as_ref).collect();
            writeln!(
                f,
                "\nNot known (the pathway holds whatever they are): {}",
                facts.join(", ")
            )?;
        }
        writeln!(f, "\nScores:  {}", self.scores)?;
        let explanation = self.explanation.document();
        writeln!(f, "\nWhy (every predicate the deciding rules read):")?;
        for p in &explanation.predicates {
            let facts: Vec<String> = p.facts.iter().map(ToString::to_string).collect();
            let mark = match p.value {
                Truth::True => "yes",
                Truth::False => "no ",
                Truth::Unknown => " ? ",
            };
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
