//! TACE with systemic therapy (spec §7): for R6 cases with well-defined multinodular disease
//! beyond up-to-seven, in the first line, fit as the trials required and allowed their drugs —
//! an option for MDT or trial consideration, not standard of care.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{all, Rule, RuleSet};
use crate::outcomes::{LineOfTherapy, PathwayRule, TreatmentId};
use crate::pathway::{decided_by, CLINICAL_VERSION};
use crate::predicates::{
    checkpoint_inhibitor_allowed, fit_for_intervention, high_risk_varices,
    multinodular_beyond_up_to_seven, tace_excluded, tace_systemic_fitness,
};
use crate::sources::*;

use super::lines::line_is;

/// The id of the TACE-with-systemic-therapy rule set.
pub const RULE_SET_ID: &str = "hcc-tace-with-systemic";

fn build() -> RuleSet<Assessment, TreatmentId> {
    let when = |varices_bar_bevacizumab: bool| {
        let varices = if varices_bar_bevacizumab {
            high_risk_varices().expr()
        } else {
            high_risk_varices().not()
        };
        all([
            decided_by(PathwayRule::R6).expr(),
            multinodular_beyond_up_to_seven(),
            tace_excluded().not(),
            fit_for_intervention(),
            line_is(LineOfTherapy::First).expr(),
            tace_systemic_fitness().expr(),
            checkpoint_inhibitor_allowed(),
            varices,
        ])
    };
    #[rustfmt::skip]
    let table = vec![
        Rule::new("tace_with_systemic",
            when(false),
            TreatmentId::TaceWithSystemic,
            "EMERALD-1 (durvalumab with or without bevacizumab, with TACE; Sangro, Lancet 2025) or LEAP-012 \
             (pembrolizumab + lenvatinib with TACE; Kudo, Lancet 2025) improved progression-free survival without a \
             proven survival benefit: an option for MDT or trial consideration, not standard of care",
            &[EMERALD_1, LEAP_012]),
        Rule::new("tace_with_systemic_without_bevacizumab",
            when(true),
            TreatmentId::TaceWithSystemic,
            "durvalumab with TACE (EMERALD-1, bevacizumab left out: untreated high-risk varices or variceal bleeding \
             in the last 6 months) or pembrolizumab + lenvatinib with TACE (LEAP-012) improved progression-free \
             survival without a proven survival benefit: an option for MDT or trial consideration, not standard of care",
            &[EMERALD_1, LEAP_012, IMBRAVE150]),
    ];
    let set = RuleSet::collect(RULE_SET_ID, CLINICAL_VERSION, table).and_then(|s| {
        s.exclusive(&[
            "tace_with_systemic",
            "tace_with_systemic_without_bevacizumab",
        ])
    });
    match set {
        Ok(rs) => rs.within(decided_by(PathwayRule::R6)),
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("TACE-with-systemic rule table is malformed: {e}"),
    }
}

static WITH_TACE_RULES: LazyLock<RuleSet<Assessment, TreatmentId>> = LazyLock::new(build);

/// The TACE-with-systemic-therapy rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, TreatmentId> {
    &WITH_TACE_RULES
}
