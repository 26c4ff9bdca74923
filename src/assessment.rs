//! A validated case under a policy, with its scores: the context every clinical predicate reads.

use crate::case::Case;
use crate::error::Error;
use crate::policy::Policy;
use crate::scores::Scores;

/// A case that passed validation, the policy it is read under, and the scores derived from it.
///
/// This is the context type `C` of the clinical rule sets; a researcher's own predicates read it
/// too. It owns no heap memory and building one never allocates.
///
/// ```
/// use hcc_pathways::{Assessment, Case, Policy};
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
/// assert_eq!(a.scores().child_pugh_score, 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Assessment {
    case: Case,
    policy: Policy,
    scores: Scores,
}

impl Assessment {
    /// Validates the case and the policy and computes the scores.
    ///
    /// # Errors
    /// [`Error::Invalid`] from [`Case::validate`] or [`Policy::validate`] (the latter's field
    /// names are prefixed with `policy.`).
    pub fn new(case: &Case, policy: &Policy) -> Result<Self, Error> {
        policy.validate().map_err(|e| e.within("policy"))?;
        case.validate()?;
        let scores = Scores::of(case)?;
        Ok(Self {
            case: *case,
            policy: *policy,
            scores,
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

    /// The derived scores.
    pub fn scores(&self) -> &Scores {
        &self.scores
    }

    /// ECOG performance status.
    pub fn ecog(&self) -> u8 {
        self.case.performance_status.ecog.get()
    }

    /// The Child–Pugh score the rules use (recorded or computed).
    pub fn child_pugh(&self) -> u8 {
        self.scores.child_pugh_score
    }

    /// Number of systemic regimens already received (the current line is this + 1).
    pub fn regimens_received(&self) -> usize {
        self.case.history.systemic_regimens.len()
    }
}
