//! Many cases under one policy: a slice in, one result per case out, in order.
//!
//! A researcher running the rules over a cohort, or a service handling a batch request, calls
//! these instead of writing the loop: the results are those of [`classify`](crate::classify)
//! and [`recommend_with`](crate::recommend_with), element for element, and one case that cannot
//! be decided does not stop the batch. The cases and the policy are valid by construction, so
//! nothing is checked again.

use crate::case::Case;
use crate::error::Error;
use crate::policy::Policy;
use crate::recommendation::Recommendation;
use crate::Classification;

/// Classifies every case under one policy: element `i` is `classify(&cases[i], policy)`.
///
/// One case that cannot be decided ([`Error::Undecided`]) does not stop the batch: its element
/// is its error. When every case is decided, the returned vector is the only allocation.
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
    cases
        .iter()
        .map(|case| crate::classify(case, policy))
        .collect()
}

/// Recommends for every case under one policy: element `i` is
/// `recommend_with(&cases[i], policy)`.
///
/// One case that cannot be decided does not stop the batch: its element is its error.
///
/// ```
/// use hcc_pathways::{policy::Setting, recommend_all, recommend_with, Case, Policy};
/// let text = std::fs::read_to_string("examples/cohort/sample.jsonl")?;
/// let cases = text.lines().take(20).map(Case::from_json).collect::<Result<Vec<_>, _>>()?;
/// let admit_b7 = Policy::default().with(Setting::SystemicMaxChildPugh, 7)?;
/// for (case, rec) in cases.iter().zip(recommend_all(&cases, &admit_b7)) {
///     assert_eq!(rec?, recommend_with(case, &admit_b7)?);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend_all(cases: &[Case], policy: &Policy) -> Vec<Result<Recommendation, Error>> {
    cases
        .iter()
        .map(|case| crate::recommend_with(case, policy))
        .collect()
}
