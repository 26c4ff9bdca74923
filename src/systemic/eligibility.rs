//! Which candidate regimens of the line a case may not be offered, and why (spec §7): one
//! omission rule per reason, under the COLLECT hit policy (a regimen may be left out for several
//! reasons), with the reasons that cannot hold together declared exclusive.
//!
//! Each rule names the regimens it leaves out by a [`Selection`]: a fixed set (every checkpoint
//! inhibitor), the regimens already received, or those that add no mechanism class not yet
//! used.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::case::{Regimen, RegimenSet};
use crate::engine::{all, Predicate, Rule, RuleSet, Trace};
use crate::outcomes::OmissionReason;
use crate::pathway::CLINICAL_VERSION;
use crate::predicates::{
    active_autoimmune_disease, afp_below_ramucirumab_threshold, high_risk_varices,
    liver_transplant_recipient, sorafenib_not_tolerated, sorafenib_received,
    within_cabozantinib_prior_limit,
};
use crate::sources::*;

use super::lines::later_line_construction;

/// The id of the omission rule set.
pub const RULE_SET_ID: &str = "hcc-regimen-omissions";

/// Which regimens an omission rule leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Selection {
    /// These regimens.
    Fixed(RegimenSet),
    /// The regimens already received.
    Received,
    /// The regimens whose every mechanism class was already used, except these.
    AddingNoClassExcept(RegimenSet),
}

impl Selection {
    /// The regimens selected for a case.
    pub(crate) fn regimens(self, a: &Assessment) -> RegimenSet {
        let history = match (self, a.regimen_history()) {
            (Selection::Fixed(set), _) => return set,
            (_, Some(h)) => h,
            // A history not known selects nothing for sure (the pipeline then leaves every
            // candidate pending).
            (_, None) => return RegimenSet::EMPTY,
        };
        match self {
            Selection::Fixed(set) => set,
            Selection::Received => history.received(),
            Selection::AddingNoClassExcept(except) => {
                let used = history.classes_used();
                Regimen::ALL
                    .iter()
                    .copied()
                    .filter(|r| {
                        !except.contains(*r) && r.classes().iter().all(|c| used.contains(c))
                    })
                    .collect()
            }
        }
    }

    /// The selection in words, for the decision table.
    pub(crate) fn describe(self) -> String {
        match self {
            Selection::Fixed(set) => set
                .iter()
                .map(|r| r.wire_name())
                .collect::<Vec<_>>()
                .join(", "),
            Selection::Received => "the regimens already received".to_owned(),
            Selection::AddingNoClassExcept(except) if except.is_empty() => {
                "the regimens that add no mechanism class not yet used".to_owned()
            }
            Selection::AddingNoClassExcept(except) => format!(
                "the regimens that add no mechanism class not yet used, except {}",
                except
                    .iter()
                    .map(|r| r.wire_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// An omission rule's outcome: the reason, and the regimens it leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Omission {
    pub reason: OmissionReason,
    pub selection: Selection,
}

/// Every regimen with a checkpoint inhibitor.
pub(crate) fn checkpoint_inhibitors() -> RegimenSet {
    Regimen::ALL
        .iter()
        .copied()
        .filter(|r| r.has_checkpoint_inhibitor())
        .collect()
}

/// Every regimen with a VEGF-pathway drug (kinase inhibitor or antibody).
pub(crate) fn vegf_pathway() -> RegimenSet {
    Regimen::ALL
        .iter()
        .copied()
        .filter(|r| r.has_vegf_pathway_drug())
        .collect()
}

/// The regimens with bevacizumab (an anti-VEGF antibody given with a checkpoint inhibitor).
pub(crate) fn bevacizumab() -> RegimenSet {
    RegimenSet::EMPTY.with(Regimen::AtezolizumabBevacizumab)
}

fn build() -> RuleSet<Assessment, Omission> {
    use OmissionReason::*;
    use Selection::*;
    let one = |r: Regimen| Fixed(RegimenSet::EMPTY.with(r));
    let omit = |reason, selection| Omission { reason, selection };
    #[rustfmt::skip]
    let table = vec![
        Rule::new("already_received",
            crate::engine::Expr::True,
            omit(AlreadyReceived, Received),
            "already received: no regimen is offered again",
            &[ASCO_2024]),
        Rule::new("checkpoint_inhibitor_transplant_recipient",
            liver_transplant_recipient(),
            omit(CheckpointInhibitorTransplantRecipient, Fixed(checkpoint_inhibitors())),
            "checkpoint inhibitor not offered to a liver-transplant recipient (risk of graft rejection)",
            &[AASLD_2023, LT_ICI]),
        Rule::new("checkpoint_inhibitor_active_autoimmune_disease",
            active_autoimmune_disease(),
            omit(CheckpointInhibitorActiveAutoimmune, Fixed(checkpoint_inhibitors())),
            "checkpoint inhibitor not offered with active autoimmune disease needing systemic treatment (IMbrave150 exclusion)",
            &[IMBRAVE150, ASCO_2024]),
        Rule::new("bevacizumab_varices_or_recent_bleeding",
            high_risk_varices(),
            omit(BevacizumabVaricesOrBleeding, Fixed(bevacizumab())),
            "bevacizumab not offered with untreated high-risk varices or variceal bleeding in the last 6 months",
            &[IMBRAVE150, ASCO_2024]),
        Rule::new("regorafenib_without_prior_sorafenib",
            sorafenib_received().not(),
            omit(RegorafenibWithoutSorafenib, one(Regimen::Regorafenib)),
            "regorafenib only after sorafenib recorded as tolerated (RESORCE): sorafenib was not received",
            &[RESORCE]),
        Rule::new("regorafenib_sorafenib_not_tolerated",
            sorafenib_not_tolerated(),
            omit(RegorafenibSorafenibNotTolerated, one(Regimen::Regorafenib)),
            "regorafenib only after sorafenib recorded as tolerated (RESORCE): sorafenib was not tolerated",
            &[RESORCE]),
        Rule::new("ramucirumab_afp_below_threshold",
            afp_below_ramucirumab_threshold(),
            omit(RamucirumabAfpBelowThreshold, one(Regimen::Ramucirumab)),
            "ramucirumab only with AFP >= {ramucirumab_min_afp_ng_ml} ng/mL (REACH-2): AFP is below",
            &[REACH_2, ASCO_2024]),
        Rule::new("no_new_mechanism_class",
            all([later_line_construction(), within_cabozantinib_prior_limit().expr()]),
            omit(NoNewMechanismClass, AddingNoClassExcept(RegimenSet::EMPTY.with(Regimen::Cabozantinib))),
            "later lines: adds no mechanism class not yet used (cabozantinib is offered as such within the \
             {cabozantinib_max_prior_regimens} prior regimens CELESTIAL admitted)",
            &[ASCO_2024, CELESTIAL]),
        Rule::new("no_new_mechanism_class_beyond_celestial",
            all([later_line_construction(), within_cabozantinib_prior_limit().not()]),
            omit(NoNewMechanismClass, AddingNoClassExcept(RegimenSet::EMPTY)),
            "later lines: adds no mechanism class not yet used (beyond the {cabozantinib_max_prior_regimens} prior \
             regimens CELESTIAL admitted, cabozantinib too)",
            &[ASCO_2024, CELESTIAL]),
    ];
    let set = RuleSet::collect(RULE_SET_ID, CLINICAL_VERSION, table).and_then(|s| {
        s.exclusive(&[
            "regorafenib_without_prior_sorafenib",
            "regorafenib_sorafenib_not_tolerated",
        ])?
        .exclusive(&[
            "no_new_mechanism_class",
            "no_new_mechanism_class_beyond_celestial",
        ])
    });
    match set {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("omission rule table is malformed: {e}"),
    }
}

static OMISSION_RULES: LazyLock<RuleSet<Assessment, Omission>> = LazyLock::new(build);

/// The omission rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, Omission> {
    &OMISSION_RULES
}

static REGIMEN_AVAILABLE: LazyLock<Predicate<Assessment>> = LazyLock::new(|| {
    Predicate::new(
        "regimen_available",
        "at least one regimen of the current line of therapy is eligible",
        &[ASCO_2024],
        |a: &Assessment, t: &mut Trace| {
            let e = a.eligibility();
            let any = e.any_eligible();
            if !any.is_unknown() {
                t.compare(
                    "regimens_eligible",
                    e.permitted.len() as u32,
                    crate::engine::Cmp::Ge,
                    1,
                );
            }
            any
        },
    )
});

/// The leaf "at least one regimen of the current line is eligible": it reads the eligibility
/// decided once for the case.
pub(crate) fn regimen_available() -> Predicate<Assessment> {
    REGIMEN_AVAILABLE.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_give_the_expected_sets() {
        assert!(checkpoint_inhibitors().contains(Regimen::AtezolizumabBevacizumab));
        assert!(checkpoint_inhibitors().contains(Regimen::Pembrolizumab));
        assert!(!checkpoint_inhibitors().contains(Regimen::Sorafenib));
        assert!(vegf_pathway().contains(Regimen::Ramucirumab));
        assert!(!vegf_pathway().contains(Regimen::DurvalumabTremelimumab));
        assert!(Regimen::Other.classes().is_empty());
    }

    #[test]
    fn every_reason_has_a_rule_of_its_name() {
        for reason in OmissionReason::ALL {
            let r = rules()
                .rules()
                .iter()
                .find(|r| r.outcome().reason == *reason)
                .map(|r| r.id());
            assert!(
                r.is_some_and(|id| id.starts_with(reason.wire_name())),
                "{reason}"
            );
        }
    }
}
