//! The procedure of a repeat intervention (spec §6): the first matching line, as a UNIQUE rule
//! set within R5. No rule whose procedure contains TACE admits a case where TACE is excluded.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{all, Rule, RuleSet};
use crate::outcomes::{Modality, PathwayRule};
use crate::pathway::{decided_by, CLINICAL_VERSION};
use crate::predicates::{
    ablation_candidate, combination_size, pei_size, tace_excluded, unsafe_ablation_location,
};
use crate::sources::*;

/// The id of the procedure rule set.
pub const RULE_SET_ID: &str = "hcc-repeat-intervention-procedure";

fn build() -> RuleSet<Assessment, Modality> {
    use Modality::*;
    let cand = ablation_candidate;
    let unsafe_loc = unsafe_ablation_location;
    #[rustfmt::skip]
    let table = vec![
        Rule::new("M1",
            cand().and(unsafe_loc().not()),
            ThermalAblation,
            "ablation candidate where thermal ablation is safe: thermal ablation (RFA or MWA)",
            &[INASL_2019, NCCN_HCC]),
        Rule::new("M2",
            all([cand().expr(), unsafe_loc().expr(), pei_size().expr()]),
            Pei,
            "a nodule where thermal ablation is unsafe, largest <= {pei_max_diameter_mm} mm: PEI (thermal ablation for \
             nodules elsewhere)",
            &[INASL_2019, NCCN_HCC]),
        Rule::new("M3",
            all([cand().expr(), unsafe_loc().expr(), pei_size().not(), tace_excluded().not()]),
            TacePlusPei,
            "a nodule where thermal ablation is unsafe, largest {pei_max_diameter_mm+1}-{ablation_max_diameter_mm} mm: \
             TACE + PEI (PEI alone is weaker above {pei_max_diameter_mm} mm)",
            &[INASL_2019, PENG_2013]),
        Rule::new("M3R",
            all([cand().expr(), unsafe_loc().expr(), pei_size().not(), tace_excluded()]),
            Pei,
            "a nodule where thermal ablation is unsafe, largest {pei_max_diameter_mm+1}-{ablation_max_diameter_mm} mm, \
             TACE excluded: PEI alone (TACE + PEI is ruled out; PEI alone is weaker above {pei_max_diameter_mm} mm)",
            &[INASL_2019, JSH_2014]),
        Rule::new("M4",
            all([cand().not(), tace_excluded().not(), combination_size().expr(), unsafe_loc().not()]),
            TacePlusAblation,
            "up to {combination_max_nodules} nodules, largest <= {combination_max_diameter_mm} mm: TACE combined with \
             RFA or MWA",
            &[PENG_2013, PENG_2012]),
        Rule::new("M4P",
            all([cand().not(), tace_excluded().not(), combination_size().expr(), unsafe_loc().expr()]),
            TacePlusPei,
            "up to {combination_max_nodules} nodules, largest <= {combination_max_diameter_mm} mm, where thermal \
             ablation is unsafe: TACE combined with PEI",
            &[PENG_2013, PENG_2012, INASL_2019]),
        Rule::new("M5",
            all([cand().not(), tace_excluded().not(), combination_size().not()]),
            RepeatTace,
            "beyond the ablation and combination criteria: repeat TACE or embolization (conventional or drug-eluting \
             beads)",
            &[INASL_2019, NCCN_HCC]),
    ];
    match RuleSet::unique(RULE_SET_ID, CLINICAL_VERSION, table) {
        Ok(rs) => rs.within(decided_by(PathwayRule::R5)),
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("procedure rule table is malformed: {e}"),
    }
}

static PROCEDURE_RULES: LazyLock<RuleSet<Assessment, Modality>> = LazyLock::new(build);

/// The procedure rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, Modality> {
    &PROCEDURE_RULES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_tace_procedure_when_tace_is_excluded() {
        let rs = rules();
        let bit = rs
            .leaves()
            .iter()
            .position(|p| p.id() == "tace_refractory")
            .map(|i| 1u64 << i)
            .unwrap_or(0);
        assert_ne!(bit, 0, "the procedure rules must read tace_refractory");
        for mask in 0..(1u64 << rs.leaves().len()) {
            for i in rs.matches_for_mask(mask) {
                let m = rs.rules()[i].outcome();
                assert!(
                    !(m.contains_tace() && mask & bit != 0),
                    "rule {} chooses {m} with TACE excluded",
                    rs.rules()[i].id()
                );
            }
        }
    }
}
