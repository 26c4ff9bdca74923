//! A validated case under a policy, with its scores: the context every clinical predicate reads.

use std::fmt;
use std::sync::OnceLock;

use crate::case::Case;
use crate::error::Error;
use crate::policy::Policy;
use crate::scores::Scores;

/// A case that passed validation, the policy it is read under, and the scores derived from it.
///
/// This is the context type `C` of the clinical rule sets; a researcher's own predicates read it
/// too. It owns no heap memory and building one never allocates.
///
/// Building one validates and computes the Child–Pugh score, which every pathway needs; the
/// other scores (ALBI needs a logarithm) are computed on first use of [`Assessment::scores`],
/// so classifying a case does not pay for them.
///
/// ```
/// use hcc_pathways::{Assessment, Case, Policy};
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
/// assert_eq!(a.scores().child_pugh_score, 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Assessment {
    case: Case,
    policy: Policy,
    child_pugh: u8,
    scores: OnceLock<Scores>,
}

impl Assessment {
    /// Validates the case and the policy and computes the scores.
    ///
    /// # Errors
    /// [`Error::Invalid`] from [`Case::validate`] or [`Policy::validate`] (the latter's field
    /// names are prefixed with `policy.`).
    pub fn new(case: &Case, policy: &Policy) -> Result<Self, Error> {
        policy.validate().map_err(|e| e.within("policy"))?;
        Self::under_valid_policy(case, policy)
    }

    /// As [`Assessment::new`] for a policy the caller has already validated (batches check
    /// the policy once).
    pub(crate) fn under_valid_policy(case: &Case, policy: &Policy) -> Result<Self, Error> {
        Ok(Self {
            child_pugh: case.validate_scoring()?,
            case: *case,
            policy: *policy,
            scores: OnceLock::new(),
        })
    }

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
            .get_or_init(|| Scores::with_child_pugh(&self.case, self.child_pugh))
    }

    /// ECOG performance status.
    pub fn ecog(&self) -> u8 {
        self.case.performance_status.ecog.get()
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
}

impl PartialEq for Assessment {
    /// Two assessments are equal when their cases and policies are: the scores follow from
    /// them.
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
            .finish()
    }
}
