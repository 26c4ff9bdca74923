//! A validated case under a policy, with its scores and the decisions made once for it: the
//! context every clinical predicate and rule set reads.

use std::fmt;
use std::sync::OnceLock;

use crate::case::{Case, Regimen, RegimenSet};
use crate::outcomes::{LineOfTherapy, OmissionReason, OrderEntry, Pathway, PathwayRule};
use crate::policy::Policy;
use crate::scores::Scores;

/// Which candidate regimens of the current line may be offered, and why each other one is
/// left out: decided once per case by the omission rules and read by everything after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Eligibility {
    /// The regimens of the line's order (before omissions).
    pub candidates: RegimenSet,
    /// The candidates left out by each omission reason (index: `OmissionReason as usize`).
    pub omitted: [RegimenSet; OMISSION_REASONS],
    /// The candidates no omission rule leaves out.
    pub permitted: RegimenSet,
    /// Which omission rules matched (bit `i` is rule `i` of the omission rule set).
    pub rules_matched: u64,
}

/// How many omission reasons there are.
pub const OMISSION_REASONS: usize = OmissionReason::ALL.len();

impl Eligibility {
    /// Nothing decided yet: no candidates.
    pub(crate) const NONE: Eligibility = Eligibility {
        candidates: RegimenSet::EMPTY,
        omitted: [RegimenSet::EMPTY; OMISSION_REASONS],
        permitted: RegimenSet::EMPTY,
        rules_matched: 0,
    };

    /// Why `regimen` is left out, in the order of [`OmissionReason::ALL`] (none: permitted or
    /// not a candidate).
    pub fn reasons(&self, regimen: Regimen) -> impl Iterator<Item = OmissionReason> + '_ {
        OmissionReason::ALL
            .iter()
            .copied()
            .filter(move |r| self.omitted[*r as usize].contains(regimen))
    }
}

/// The decisions made once per case, in this order, each read by the later ones as leaves:
/// the line of therapy, the order of its options, which regimens are eligible, the pathway.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Decisions {
    /// The line of therapy (from the regimens received).
    pub line: LineOfTherapy,
    /// Index of the line rule that decided it.
    pub line_rule: u8,
    /// The options of the line, in order.
    pub order: &'static [OrderEntry],
    /// Index of the order rule that decided it.
    pub order_rule: u8,
    /// Which candidate regimens may be offered.
    pub eligibility: Eligibility,
    /// The pathway rule that matched.
    pub pathway: PathwayRule,
}

impl Decisions {
    /// Before anything is decided. The stages are evaluated in order and no rule set reads a
    /// decision of a later stage (a unit test of the pipeline checks this), so these
    /// placeholders are never read.
    pub(crate) const PENDING: Decisions = Decisions {
        line: LineOfTherapy::First,
        line_rule: u8::MAX,
        order: &[],
        order_rule: u8::MAX,
        eligibility: Eligibility::NONE,
        pathway: PathwayRule::R1,
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
/// The Child–Pugh score is computed when the assessment is built; the other scores (ALBI needs
/// a logarithm) on first use of [`Assessment::scores`], so classifying a case does not pay for
/// them.
///
/// ```
/// use hcc_pathways::{Assessment, Case, Pathway, Policy};
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
/// assert_eq!(a.scores().child_pugh_score, 5);
/// assert_eq!(a.pathway(), Pathway::RepeatIntervention);
/// assert_eq!(a.pathway_rule(), "R5");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Assessment {
    pub(crate) case: Case,
    pub(crate) policy: Policy,
    pub(crate) child_pugh: u8,
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

    /// ECOG performance status.
    pub fn ecog(&self) -> u8 {
        self.case.performance_status.ecog.get()
    }

    /// Whether an ECOG 1–2 impairment is recorded as cancer-related (`None` at ECOG 0, 3 or 4,
    /// where it is not asked).
    pub fn cancer_related(&self) -> Option<bool> {
        match self.ecog() {
            1 | 2 => self.case.performance_status.cancer_related,
            _ => None,
        }
    }

    /// The Child–Pugh score the rules use (recorded or computed).
    pub fn child_pugh(&self) -> u8 {
        self.child_pugh
    }

    /// The up-to-seven sum (largest mm + 10 × nodules), `None` for infiltrative growth or an
    /// unknown diameter: [`Scores::up_to_seven_sum`] without computing the other scores.
    pub fn up_to_seven_sum(&self) -> Option<u32> {
        crate::scores::up_to_seven_sum(&self.case.recurrence.intrahepatic)
    }

    /// Number of systemic regimens already received (the current line is this + 1).
    pub fn regimens_received(&self) -> usize {
        self.case.history.systemic_regimens.len()
    }

    /// The line of therapy, decided once by the line rules.
    pub fn line(&self) -> LineOfTherapy {
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

    /// The regimens of the current line that may be offered.
    pub fn permitted_regimens(&self) -> RegimenSet {
        self.decisions.eligibility.permitted
    }

    /// The pathway rule that matched (R1–R7), decided once.
    pub fn pathway_rule(&self) -> PathwayRule {
        self.decisions.pathway
    }

    /// The pathway.
    pub fn pathway(&self) -> Pathway {
        self.decisions.pathway.pathway()
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
