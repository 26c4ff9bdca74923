//! One check that proves every rule set the crate ships against its declared hit policy.
//!
//! Each UNIQUE set must be complete and unique within its scope (the procedure rules within
//! R5, the supportive-care rules within the palliative pathway, the others everywhere); in each
//! COLLECT set, no two rules of a declared exclusive group may match together. Sets that read
//! earlier decisions (`decided_by_R5`, `line_first`, …) are proved over the predicates those
//! decisions were made from: each decision leaf is replaced by the condition of the rule it
//! stands for. The implications of [`crate::predicates::implications`] rule out combinations no
//! case can produce, and the witnesses (for example a sample of the boundary grid) tie every
//! finding to a real case and test every implication.
//!
//! ```
//! use hcc_pathways::{grid::Grid, verify::check_all, Assessment, Policy};
//! let policy = Policy::default();
//! let witnesses: Vec<Assessment> = Grid::boundaries(&policy).sample(2_000, 7).collect();
//! for report in check_all(&policy, &witnesses)? {
//!     assert!(report.is_ok(), "{report}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::assessment::Assessment;
use crate::engine::{check_with, Assumptions, CheckReport, Expr, RuleSet, TooManyLeaves};
use crate::evaluate::tables;
use crate::policy::Policy;
use crate::predicates::implications;

/// The ids of every rule set the crate ships, in pipeline order.
///
/// ```
/// let ids = hcc_pathways::verify::rule_set_ids();
/// assert_eq!(ids[0], "hcc-recurrence-pathways");
/// assert!(ids.contains(&"hcc-regimen-omissions"));
/// ```
pub fn rule_set_ids() -> Vec<&'static str> {
    let t = tables();
    vec![
        t.pathway.set.id(),
        t.lines.set.id(),
        t.order.set.id(),
        t.omissions.set.id(),
        t.procedures.set.id(),
        t.supportive.set.id(),
        t.with_tace.set.id(),
        t.cautions.set.id(),
        t.considerations.set.id(),
        t.details.set.id(),
    ]
}

/// The rule ids of one of the crate's rule sets, in table order (`None` for an unknown id).
///
/// ```
/// let ids = hcc_pathways::verify::rule_ids("hcc-repeat-intervention-procedure").unwrap();
/// assert_eq!(ids, ["M1", "M2", "M3", "M3R", "M4", "M4P", "M5"]);
/// ```
pub fn rule_ids(rule_set: &str) -> Option<Vec<&'static str>> {
    fn ids<D>(set: &RuleSet<Assessment, D>) -> Vec<&'static str> {
        set.rules().iter().map(|r| r.id()).collect()
    }
    let t = tables();
    let all = [
        (t.pathway.set.id(), ids(t.pathway.set)),
        (t.lines.set.id(), ids(t.lines.set)),
        (t.order.set.id(), ids(t.order.set)),
        (t.omissions.set.id(), ids(t.omissions.set)),
        (t.procedures.set.id(), ids(t.procedures.set)),
        (t.supportive.set.id(), ids(t.supportive.set)),
        (t.with_tace.set.id(), ids(t.with_tace.set)),
        (t.cautions.set.id(), ids(t.cautions.set)),
        (t.considerations.set.id(), ids(t.considerations.set)),
        (t.details.set.id(), ids(t.details.set)),
    ];
    all.into_iter()
        .find(|(id, _)| *id == rule_set)
        .map(|(_, v)| v)
}

/// The ids of every predicate a recommendation's explanation can name: each leaf read by a rule
/// set the crate ships, in the order the shared evaluation tables number them (the pathway
/// rules' leaves first), then the named composites of the pathway rules (`terminal`,
/// `locally_treatable`, …). Each id once.
///
/// These are the values of `predicate` in `explanation.predicates` and `explanation.why_not`
/// and of `explanation.rules[].reads` (the `PredicateId` enumeration of the recommendation
/// schema).
///
/// ```
/// let ids = hcc_pathways::verify::predicate_ids();
/// assert_eq!(ids[0], "comfort_focused");
/// assert!(ids.contains(&"fit_for_systemic") && ids.contains(&"locally_treatable"));
/// ```
pub fn predicate_ids() -> Vec<&'static str> {
    let t = tables();
    let mut ids: Vec<&'static str> = t.catalogue.iter().map(|p| p.id()).collect();
    for (id, _) in &t.pathway_named {
        if !ids.contains(id) {
            ids.push(id);
        }
    }
    ids
}

/// The definitions of every decision leaf, for proofs: each stands for the condition of the
/// rule that makes the decision.
pub(crate) fn definitions() -> Vec<(&'static str, Expr<Assessment>)> {
    let mut defs = crate::pathway::definitions();
    defs.extend(crate::systemic::lines::definitions());
    defs
}

/// Checks every rule set the crate ships under `policy`, with `witnesses` as concrete cases:
/// one report per rule set, in the order of [`rule_set_ids`].
///
/// # Errors
/// [`TooManyLeaves`] if a rule set, once its decision leaves are expanded, reads more leaves
/// than the check enumerates (a defect of the crate, caught by its tests).
pub fn check_all(
    policy: &Policy,
    witnesses: &[Assessment],
) -> Result<Vec<CheckReport<Assessment>>, TooManyLeaves> {
    let implications = implications(policy);
    let mut proof = Assumptions::new(&implications);
    for (leaf, expr) in definitions() {
        proof = proof.define(leaf, expr);
    }
    let t = tables();
    fn one<D>(
        set: &RuleSet<Assessment, D>,
        proof: &Assumptions<'_, Assessment>,
        witnesses: &[Assessment],
    ) -> Result<CheckReport<Assessment>, TooManyLeaves> {
        check_with(set, proof, witnesses.iter().cloned())
    }
    Ok(vec![
        one(t.pathway.set, &proof, witnesses)?,
        one(t.lines.set, &proof, witnesses)?,
        one(t.order.set, &proof, witnesses)?,
        one(t.omissions.set, &proof, witnesses)?,
        one(t.procedures.set, &proof, witnesses)?,
        one(t.supportive.set, &proof, witnesses)?,
        one(t.with_tace.set, &proof, witnesses)?,
        one(t.cautions.set, &proof, witnesses)?,
        one(t.considerations.set, &proof, witnesses)?,
        one(t.details.set, &proof, witnesses)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FindingKind, HitPolicy, Rule};
    use crate::outcomes::{Modality, PathwayRule};
    use crate::pathway::decided_by;
    use crate::predicates::{ablation_candidate, unsafe_ablation_location};
    use crate::sources::INASL_2019;

    fn proof(imps: &[crate::engine::Implication]) -> Assumptions<'_, Assessment> {
        definitions()
            .into_iter()
            .fold(Assumptions::new(imps), |p, (l, e)| p.define(l, e))
    }

    #[test]
    fn every_rule_set_keeps_its_declared_hit_policy_without_witnesses() {
        let reports = check_all(&Policy::default(), &[]).expect("every set is small enough");
        assert_eq!(reports.len(), rule_set_ids().len());
        for r in &reports {
            assert!(r.is_ok(), "{r}");
        }
    }

    /// A procedure rule set with a gap (M5 dropped) and one with an overlap (M1 also taking
    /// unsafe locations) fail the check, each with a finding inside R5.
    #[test]
    fn a_broken_procedure_rule_fails_the_check() {
        let imps = implications(&Policy::default());
        let real = crate::procedures::rules();
        let without_m5: Vec<Rule<Assessment, Modality>> = real
            .rules()
            .iter()
            .filter(|r| r.id() != "M5")
            .cloned()
            .collect();
        let gap = RuleSet::unique("gap", "0", without_m5)
            .expect("builds")
            .within(decided_by(PathwayRule::R5));
        let report = check_with(&gap, &proof(&imps), std::iter::empty()).expect("checks");
        assert!(report.gaps().count() > 0, "{report}");

        let mut overlapping: Vec<Rule<Assessment, Modality>> = real.rules().to_vec();
        overlapping[0] = Rule::new(
            "M1",
            ablation_candidate().expr(),
            Modality::ThermalAblation,
            "broken: ignores the unsafe location",
            &[INASL_2019],
        );
        let overlap = RuleSet::unique("overlap", "0", overlapping)
            .expect("builds")
            .within(decided_by(PathwayRule::R5));
        let report = check_with(&overlap, &proof(&imps), std::iter::empty()).expect("checks");
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.kind == FindingKind::Overlap && f.matched.contains(&"M1")),
            "{report}"
        );
        let _ = unsafe_ablation_location();
    }

    /// Dropping an implication the proof needs turns a real exclusive group into findings: the
    /// check does not pass vacuously.
    #[test]
    fn an_exclusive_group_needs_its_implications() {
        let set = crate::systemic::eligibility::rules();
        assert_eq!(set.hit_policy(), HitPolicy::Collect);
        let none = proof(&[]);
        let report = check_with(set, &none, std::iter::empty()).expect("checks");
        assert!(report.overlaps().count() > 0, "{report}");
    }
}
