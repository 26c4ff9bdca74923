//! Many cases under one policy: a slice in, one result per case out, in order.
//!
//! A researcher running the rules over a cohort, or a service handling a batch request, calls
//! these instead of writing the loop: the results are those of [`classify`](crate::classify)
//! and [`recommend_with`](crate::recommend_with), element for element, and one invalid case
//! does not stop the batch. [`classify_all`] checks the policy once for the whole batch, which
//! is a sizeable share of classifying one case.

use crate::case::Case;
use crate::error::Error;
use crate::policy::Policy;
use crate::recommendation::Recommendation;
use crate::Classification;

/// Classifies every case under one policy: element `i` is `classify(&cases[i], policy)`.
///
/// One invalid case does not stop the batch: its element is its error. An invalid policy makes
/// every element that policy's error. The policy is validated once, not once per case; when
/// the cases are valid, the returned vector is the only allocation.
///
/// ```
/// use hcc_pathways::{classify_all, Case, Pathway, Policy};
/// let text = std::fs::read_to_string("examples/cohort/sample.jsonl")?;
/// let cases = text.lines().map(Case::from_json).collect::<Result<Vec<_>, _>>()?;
/// let results = classify_all(&cases, &Policy::default());
/// assert_eq!(results.len(), cases.len());
/// let systemic = results
///     .iter()
///     .filter(|r| matches!(r, Ok(c) if c.pathway == Pathway::SystemicTherapy))
///     .count();
/// println!("{systemic} of {} cases: systemic therapy", cases.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn classify_all(cases: &[Case], policy: &Policy) -> Vec<Result<Classification, Error>> {
    match policy.validate() {
        Ok(()) => cases
            .iter()
            .map(|case| classify_under_valid_policy(case, policy))
            .collect(),
        Err(e) => {
            let e = e.within("policy");
            cases.iter().map(|_| Err(e.clone())).collect()
        }
    }
}

/// [`classify`](crate::classify) for a policy the caller has validated (batches and streams
/// check it once).
pub(crate) fn classify_under_valid_policy(
    case: &Case,
    policy: &Policy,
) -> Result<Classification, Error> {
    crate::evaluate::assess(case, policy, &mut crate::evaluate::Memo::silent())
        .and_then(|a| crate::classification(&a))
}

/// Recommends for every case under one policy: element `i` is
/// `recommend_with(&cases[i], policy)`.
///
/// One invalid case does not stop the batch: its element is its error. An invalid policy makes
/// every element that policy's error.
///
/// ```
/// use hcc_pathways::{recommend_all, recommend_with, Case, Policy};
/// let text = std::fs::read_to_string("examples/cohort/sample.jsonl")?;
/// let cases = text.lines().take(20).map(Case::from_json).collect::<Result<Vec<_>, _>>()?;
/// let admit_b7 = Policy { systemic_max_child_pugh: 7, ..Policy::default() };
/// for (case, rec) in cases.iter().zip(recommend_all(&cases, &admit_b7)) {
///     assert_eq!(rec?, recommend_with(case, &admit_b7)?);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend_all(cases: &[Case], policy: &Policy) -> Vec<Result<Recommendation, Error>> {
    // Checking the policy per case costs well under 1 % of a recommendation; going through
    // `recommend_with` keeps the two identical by construction.
    cases
        .iter()
        .map(|case| crate::recommend_with(case, policy))
        .collect()
}
