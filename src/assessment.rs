//! A validated case under a policy, with its scores and the decisions made once for it: the
//! context every clinical predicate and rule set reads.

use std::fmt;
use std::sync::OnceLock;

use crate::case::{Case, Regimen, RegimenHistory, RegimenSet};
use crate::engine::{Truth, Verdict};
use crate::outcomes::{
    LineOfTherapy, OmissionReason, OrderEntry, Pathway, PathwayRule, PathwayRules,
};
use crate::policy::Policy;
use crate::scores::{ChildPughRange, Scores};

/// Which candidate regimens of the current line may be offered, and why each other one is
/// left out: decided once per case by the omission rules and read by everything after.
///
/// With unknown facts a regimen may be neither surely eligible nor surely left out: it is then
/// pending (`possible` but not `permitted`), and the fact it waits for is named in the
/// recommendation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Eligibility {
    /// The regimens of the line's order (before omissions); with the order not known, those
    /// of every order possible.
    pub candidates: RegimenSet,
    /// The candidates surely left out by each omission reason (index: `OmissionReason as
    /// usize`).
    pub omitted: [RegimenSet; OMISSION_REASONS],
    /// The candidates no omission rule may leave out: eligible whatever the unknown facts are.
    pub permitted: RegimenSet,
    /// The candidates no omission rule surely leaves out: eligible for some values of the
    /// unknown facts (`permitted` and the pending ones).
    pub possible: RegimenSet,
    /// Which omission rules matched whatever the unknown facts are (bit `i` is rule `i` of the
    /// omission rule set).
    pub rules_matched: u64,
    /// Which omission rules may match.
    pub rules_possible: u64,
}

/// Every regimen.
const ALL_REGIMENS: RegimenSet = {
    let mut set = RegimenSet::EMPTY;
    let mut i = 0;
    while i < Regimen::ALL.len() {
        set = set.with(Regimen::ALL[i]);
        i += 1;
    }
    set
};

/// How many omission reasons there are.
pub const OMISSION_REASONS: usize = OmissionReason::ALL.len();

impl Eligibility {
    /// Not decided yet: every regimen may be a candidate and eligible, none surely is (so a
    /// predicate read before eligibility is decided finds it unknown).
    pub(crate) const PENDING: Eligibility = Eligibility {
        candidates: ALL_REGIMENS,
        omitted: [RegimenSet::EMPTY; OMISSION_REASONS],
        permitted: RegimenSet::EMPTY,
        possible: ALL_REGIMENS,
        rules_matched: 0,
        rules_possible: 0,
    };

    /// No candidates (the base of a decided eligibility).
    pub(crate) const NONE: Eligibility = Eligibility {
        candidates: RegimenSet::EMPTY,
        omitted: [RegimenSet::EMPTY; OMISSION_REASONS],
        permitted: RegimenSet::EMPTY,
        possible: RegimenSet::EMPTY,
        rules_matched: 0,
        rules_possible: 0,
    };

    /// Why `regimen` is left out, in the order of [`OmissionReason::ALL`] (none: permitted,
    /// pending or not a candidate).
    pub fn reasons(&self, regimen: Regimen) -> impl Iterator<Item = OmissionReason> + '_ {
        OmissionReason::ALL
            .iter()
            .copied()
            .filter(move |r| self.omitted[*r as usize].contains(regimen))
    }

    /// The candidates waiting for an unknown fact: neither surely eligible nor surely left out.
    pub fn pending(&self) -> RegimenSet {
        self.possible.difference(self.permitted)
    }

    /// Whether at least one candidate is eligible: true when one surely is, false when none
    /// may be, unknown otherwise.
    pub fn any_eligible(&self) -> Truth {
        if !self.permitted.is_empty() {
            Truth::True
        } else if self.possible.is_empty() {
            Truth::False
        } else {
            Truth::Unknown
        }
    }
}

/// What the pathway rules decided for a case (spec §4, §8).
///
/// `Decided` when every valid completion of the unknown facts leads to one pathway (always, for
/// a complete case, with exactly one rule); `Undecided` otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathwayDecision {
    /// One pathway whatever the unknown facts are; `rules` are the rules some completion
    /// makes match (one for a complete case).
    Decided {
        /// The pathway.
        pathway: Pathway,
        /// The candidate rules, all of this pathway.
        rules: PathwayRules,
    },
    /// Completions of the unknown facts lead to different pathways.
    Undecided {
        /// The candidate rules (of at least two pathways).
        rules: PathwayRules,
    },
}

impl PathwayDecision {
    /// The decision for the candidate rules `rules` (not empty).
    pub(crate) fn of(rules: PathwayRules) -> PathwayDecision {
        let mut pathways = rules.iter().map(PathwayRule::pathway);
        let first = pathways.next().unwrap_or(Pathway::PalliativeCare);
        if pathways.all(|p| p == first) {
            PathwayDecision::Decided {
                pathway: first,
                rules,
            }
        } else {
            PathwayDecision::Undecided { rules }
        }
    }

    /// The candidate rules.
    pub fn rules(&self) -> PathwayRules {
        match self {
            PathwayDecision::Decided { rules, .. } | PathwayDecision::Undecided { rules } => *rules,
        }
    }

    /// The pathway, when decided.
    pub fn pathway(&self) -> Option<Pathway> {
        match self {
            PathwayDecision::Decided { pathway, .. } => Some(*pathway),
            PathwayDecision::Undecided { .. } => None,
        }
    }

    /// The rule, when exactly one remains.
    pub fn rule(&self) -> Option<PathwayRule> {
        let rules = self.rules();
        let mut it = rules.iter();
        match (it.next(), it.next()) {
            (Some(r), None) => Some(r),
            _ => None,
        }
    }
}

/// The decisions made once per case, in this order, each read by the later ones as leaves:
/// the line of therapy, the order of its options, which regimens are eligible, the pathway.
/// Each is a verdict over the rules: with unknown facts several may remain possible.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Decisions {
    /// The line rules that match (one for a complete history).
    pub lines: Verdict,
    /// The line of therapy, when one line rule remains.
    pub line: Option<LineOfTherapy>,
    /// Index of the line rule that decided it (or of the first possible one).
    pub line_rule: u8,
    /// The order rules that match.
    pub orders: Verdict,
    /// The options of the line, in order (with the order not known, those of the first order
    /// rule possible).
    pub order: &'static [OrderEntry],
    /// Index of that order rule.
    pub order_rule: u8,
    /// Which candidate regimens may be offered.
    pub eligibility: Eligibility,
    /// The pathway rules that match whatever the unknown facts are.
    pub pathway_matched: PathwayRules,
    /// The pathway rules some valid completion may make match.
    pub pathway_rules: PathwayRules,
}

impl Decisions {
    /// Before anything is decided. The stages are evaluated in order and no rule set reads a
    /// decision of a later stage (a unit test of the pipeline checks this); only `classify`
    /// reads the pathway leaf that asks for eligibility before it is decided, and finds it
    /// unknown ([`Eligibility::PENDING`]) unless the leaf's other facts settle it.
    pub(crate) const PENDING: Decisions = Decisions {
        lines: Verdict {
            matched: 0,
            possible: 0,
        },
        line: None,
        line_rule: u8::MAX,
        orders: Verdict {
            matched: 0,
            possible: 0,
        },
        order: &[],
        order_rule: u8::MAX,
        eligibility: Eligibility::PENDING,
        pathway_matched: PathwayRules::EMPTY,
        pathway_rules: PathwayRules::EMPTY,
    };
}

/// A case that passed validation, the policy it is read under, its scores, and the decisions
/// made once for it: the line of therapy, the regimens it may be offered, and the pathway.
///
/// This is the context type `C` of the clinical rule sets; a researcher's own predicates read it
/// too. It owns no heap memory and building one never allocates (the shared rule tables are
/// built on the first call). [`Assessment::new`] validates, then decides in order — the line of
/// therapy, its options' order, eligibility, the pathway — each exactly once; later rule sets
/// read those decisions as leaves instead of deriving them again.
///
/// Facts may be unknown (spec §8): every decision is then a verdict, and the pathway is
/// [`PathwayDecision::Undecided`] when completions of the unknown facts disagree.
///
/// The Child–Pugh scores are computed when the assessment is built; the other scores (ALBI
/// needs a logarithm) on first use of [`Assessment::scores`], so classifying a case does not pay
/// for them.
///
/// ```
/// use hcc_pathways::{Assessment, Case, Pathway, Policy};
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
/// assert_eq!(a.scores().child_pugh_score, Some(5));
/// assert_eq!(a.pathway(), Some(Pathway::RepeatIntervention));
/// assert_eq!(a.pathway_rule().unwrap(), "R5");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Assessment {
    pub(crate) case: Case,
    pub(crate) policy: Policy,
    pub(crate) child_pugh: ChildPughRange,
    pub(crate) scores: OnceLock<Scores>,
    pub(crate) decisions: Decisions,
}

impl Assessment {
    /// The case.
    pub fn case(&self) -> &Case {
        &self.case
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The derived scores (computed on first use).
    pub fn scores(&self) -> &Scores {
        self.scores
            .get_or_init(|| Scores::with_child_pugh(&self.case, self.child_pugh, &self.policy))
    }

    /// ECOG performance status, when known.
    pub fn ecog(&self) -> Option<u8> {
        self.case.performance_status.ecog.map(|e| e.get())
    }

    /// Whether an ECOG 1–2 impairment is recorded as cancer-related, as recorded (`None`: not
    /// recorded; it matters only at ECOG 1–2).
    pub fn cancer_related(&self) -> Option<bool> {
        self.case.performance_status.cancer_related
    }

    /// The Child–Pugh scores the facts allow (one when known).
    pub fn child_pugh(&self) -> ChildPughRange {
        self.child_pugh
    }

    /// The up-to-seven sum (largest mm + 10 × nodules), `None` for infiltrative growth or an
    /// unknown diameter, nodule count or growth: [`Scores::up_to_seven_sum`] without computing
    /// the other scores.
    pub fn up_to_seven_sum(&self) -> Option<u32> {
        crate::scores::up_to_seven_sum(&self.case.recurrence.intrahepatic)
    }

    /// The systemic regimens received, when known.
    pub fn regimen_history(&self) -> Option<&RegimenHistory> {
        self.case.history.systemic_regimens.as_ref()
    }

    /// Number of systemic regimens already received (the current line is this + 1), when
    /// known.
    pub fn regimens_received(&self) -> Option<usize> {
        self.regimen_history().map(RegimenHistory::len)
    }

    /// The line of therapy decided once by the line rules (`None` when the history is not
    /// known well enough to tell).
    pub fn line(&self) -> Option<LineOfTherapy> {
        self.decisions.line
    }

    /// The options of the current line in order (regimens and, from the third line, a clinical
    /// trial first), decided once by the order rules.
    pub fn line_options(&self) -> &'static [OrderEntry] {
        self.decisions.order
    }

    /// Which candidate regimens of the line may be offered, and why the others may not:
    /// decided once by the omission rules.
    pub fn eligibility(&self) -> &Eligibility {
        &self.decisions.eligibility
    }

    /// The regimens of the current line that may be offered whatever the unknown facts are.
    pub fn permitted_regimens(&self) -> RegimenSet {
        self.decisions.eligibility.permitted
    }

    /// What the pathway rules decided.
    pub fn pathway_decision(&self) -> PathwayDecision {
        PathwayDecision::of(self.decisions.pathway_rules)
    }

    /// The pathway rule, when exactly one remains (always for a complete case).
    pub fn pathway_rule(&self) -> Option<PathwayRule> {
        self.pathway_decision().rule()
    }

    /// The pathway, when decided.
    pub fn pathway(&self) -> Option<Pathway> {
        self.pathway_decision().pathway()
    }
}

impl PartialEq for Assessment {
    /// Two assessments are equal when their cases and policies are: the scores and decisions
    /// follow from them.
    fn eq(&self, other: &Self) -> bool {
        self.case == other.case && self.policy == other.policy
    }
}

impl fmt::Debug for Assessment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Assessment")
            .field("case", &self.case)
            .field("policy", &self.policy)
            .field("scores", self.scores())
            .field("decisions", &self.decisions)
            .finish()
    }
}
