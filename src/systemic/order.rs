//! The options of each line of therapy, in the order the guidelines list them, each with its
//! evidence label, the detail shown and its sources (spec §7). Which of them a case may be
//! offered is decided apart, by the omission rules ([`super::eligibility`]).

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::case::Regimen::{self, *};
use crate::engine::{all, Rule, RuleSet};
use crate::outcomes::Evidence::{self, *};
use crate::outcomes::{LineOfTherapy, OrderEntry, TreatmentId};
use crate::pathway::CLINICAL_VERSION;
use crate::predicates::{ecog_2, within_cabozantinib_prior_limit};
use crate::sources::{self, Source, *};

use super::lines::{later_line_construction, line_is};

/// The id of the regimen-order rule set.
pub const RULE_SET_ID: &str = "hcc-systemic-order";

const fn regimen(
    r: Regimen,
    evidence: Evidence,
    detail: &'static str,
    sources: &'static [Source],
) -> OrderEntry {
    OrderEntry {
        option: TreatmentId::Regimen(r),
        evidence,
        detail,
        sources,
    }
}

// The pivotal trials, as the details cite them.
macro_rules! imbrave150 {
    () => {
        "IMbrave150 (Finn, N Engl J Med 2020)"
    };
}
macro_rules! himalaya {
    () => {
        "HIMALAYA (Abou-Alfa, NEJM Evid 2022)"
    };
}
macro_rules! checkmate_9dw {
    () => {
        "CheckMate 9DW (Yau, Lancet 2025)"
    };
}
macro_rules! cares_310 {
    () => {
        "CARES-310 (Qin, Lancet 2023)"
    };
}
macro_rules! reflect {
    () => {
        "REFLECT (Kudo, Lancet 2018)"
    };
}
macro_rules! sharp {
    () => {
        "SHARP (Llovet, N Engl J Med 2008)"
    };
}
macro_rules! rationale_301 {
    () => {
        "RATIONALE-301 (Qin, JAMA Oncol 2023); ESMO 2025"
    };
}
macro_rules! celestial {
    () => {
        "CELESTIAL (Abou-Alfa, N Engl J Med 2018)"
    };
}
macro_rules! resorce {
    () => {
        "RESORCE (Bruix, Lancet 2017)"
    };
}
macro_rules! reach_2 {
    () => {
        "REACH-2 (Zhu, Lancet Oncol 2019)"
    };
}

const ATEZO_BEV_1L: OrderEntry = regimen(
    AtezolizumabBevacizumab,
    Strong,
    concat!(
        imbrave150!(),
        "; of equal strength with durvalumab + tremelimumab (ASCO 2024 says \"or\")"
    ),
    &[IMBRAVE150, ASCO_2024],
);
const STRIDE_1L: OrderEntry = regimen(
    DurvalumabTremelimumab,
    Strong,
    concat!(
        himalaya!(),
        "; of equal strength with atezolizumab + bevacizumab (ASCO 2024 says \"or\")"
    ),
    &[HIMALAYA, ASCO_2024],
);
const NIVO_IPI_1L: OrderEntry = regimen(
    NivolumabIpilimumab,
    Phase3Trial,
    checkmate_9dw!(),
    &[CHECKMATE_9DW],
);
const CAMRE_RIVO_1L: OrderEntry = regimen(
    CamrelizumabRivoceranib,
    Phase3Trial,
    cares_310!(),
    &[CARES_310],
);
const LENVA_1L: OrderEntry = regimen(Lenvatinib, Alternative, reflect!(), &[REFLECT, ASCO_2024]);
const SORA_1L: OrderEntry = regimen(Sorafenib, Alternative, sharp!(), &[SHARP, ASCO_2024]);
const DURVA_1L: OrderEntry = regimen(
    Durvalumab,
    Alternative,
    "HIMALAYA, durvalumab arm (Abou-Alfa, NEJM Evid 2022); where a checkpoint inhibitor is allowed",
    &[HIMALAYA, ESMO_2025],
);
const TISLE_1L: OrderEntry = regimen(
    Tislelizumab,
    Alternative,
    concat!(
        rationale_301!(),
        "; where a checkpoint inhibitor is allowed"
    ),
    &[sources::RATIONALE_301, ESMO_2025],
);

/// First line (spec §7, options 1–5).
const FIRST_LINE: &[OrderEntry] = &[
    ATEZO_BEV_1L,
    STRIDE_1L,
    NIVO_IPI_1L,
    CAMRE_RIVO_1L,
    LENVA_1L,
    SORA_1L,
    DURVA_1L,
    TISLE_1L,
];

/// First line at ECOG 2: sorafenib first (SHARP enrolled ECOG 0–2), then the rest in order.
const FIRST_LINE_ECOG_2: &[OrderEntry] = &[
    regimen(
        Sorafenib,
        Alternative,
        concat!(
            sharp!(),
            "; listed first for ECOG 2 (SHARP enrolled ECOG 0-2)"
        ),
        &[SHARP, ASCO_2024],
    ),
    ATEZO_BEV_1L,
    STRIDE_1L,
    NIVO_IPI_1L,
    CAMRE_RIVO_1L,
    LENVA_1L,
    DURVA_1L,
    TISLE_1L,
];

/// Second line after a checkpoint-inhibitor first line other than STRIDE (ASCO 2024).
const AFTER_CHECKPOINT_INHIBITOR: &[OrderEntry] = &[
    regimen(
        Lenvatinib,
        RecommendedLowQualityWeak,
        concat!(reflect!(), "; after a checkpoint-inhibitor first line"),
        &[REFLECT, ASCO_2024],
    ),
    regimen(
        Sorafenib,
        RecommendedLowQualityWeak,
        concat!(sharp!(), "; after a checkpoint-inhibitor first line"),
        &[SHARP, ASCO_2024],
    ),
    regimen(
        Cabozantinib,
        RecommendedLowQualityWeak,
        concat!(celestial!(), "; after a checkpoint-inhibitor first line"),
        &[CELESTIAL, ASCO_2024],
    ),
    regimen(
        Ramucirumab,
        RecommendedLowQualityWeak,
        concat!(reach_2!(), ": AFP >= {ramucirumab_min_afp_ng_ml} ng/mL"),
        &[REACH_2, ASCO_2024],
    ),
    regimen(
        DurvalumabTremelimumab,
        MayBeConsidered,
        concat!(
            himalaya!(),
            "; after another checkpoint-inhibitor regimen, where a checkpoint inhibitor is allowed"
        ),
        &[HIMALAYA, ASCO_2024],
    ),
    regimen(
        NivolumabIpilimumab,
        MayBeConsidered,
        concat!(
            checkmate_9dw!(),
            "; after another checkpoint-inhibitor regimen: case series only"
        ),
        &[CHECKMATE_9DW, ASCO_2024],
    ),
];

/// Second line after durvalumab + tremelimumab (ASCO 2024 lists no ramucirumab here).
const AFTER_STRIDE: &[OrderEntry] = &[
    regimen(
        Lenvatinib,
        RecommendedLowQualityWeak,
        concat!(reflect!(), "; after durvalumab + tremelimumab"),
        &[REFLECT, ASCO_2024],
    ),
    regimen(
        Sorafenib,
        RecommendedLowQualityWeak,
        concat!(sharp!(), "; after durvalumab + tremelimumab"),
        &[SHARP, ASCO_2024],
    ),
    regimen(
        Cabozantinib,
        RecommendedLowQualityWeak,
        concat!(celestial!(), "; after durvalumab + tremelimumab"),
        &[CELESTIAL, ASCO_2024],
    ),
    regimen(
        AtezolizumabBevacizumab,
        MayBeConsidered,
        concat!(
            imbrave150!(),
            "; after durvalumab + tremelimumab, where a checkpoint inhibitor is allowed"
        ),
        &[IMBRAVE150, ASCO_2024],
    ),
];

/// Second line after sorafenib or lenvatinib (ASCO 2024).
const AFTER_SORAFENIB_OR_LENVATINIB: &[OrderEntry] = &[
    regimen(Cabozantinib, RecommendedPhase3AfterSorafenib, celestial!(), &[CELESTIAL, ASCO_2024]),
    regimen(Regorafenib, RecommendedPhase3AfterSorafenib,
        concat!(resorce!(), ": after sorafenib recorded as tolerated"),
        &[RESORCE, ASCO_2024]),
    regimen(Ramucirumab, RecommendedPhase3AfterSorafenib,
        concat!(reach_2!(), ": AFP >= {ramucirumab_min_afp_ng_ml} ng/mL"),
        &[REACH_2, ASCO_2024]),
    regimen(NivolumabIpilimumab, RecommendedWeak,
        "nivolumab + ipilimumab after sorafenib, where a checkpoint inhibitor is allowed (ASCO 2024)",
        &[ASCO_2024]),
    regimen(Durvalumab, RecommendedWeak,
        "durvalumab after sorafenib, where a checkpoint inhibitor is allowed (ASCO 2024)",
        &[ASCO_2024]),
    regimen(AtezolizumabBevacizumab, MayBeConsidered,
        concat!(imbrave150!(), "; ASCO 2024: for patients who had no access to checkpoint inhibitors in the first line"),
        &[IMBRAVE150, ASCO_2024]),
    regimen(DurvalumabTremelimumab, MayBeConsidered,
        concat!(himalaya!(), "; ASCO 2024: for patients who had no access to checkpoint inhibitors in the first line"),
        &[HIMALAYA, ASCO_2024]),
    regimen(Pembrolizumab, MayBeConsidered,
        "pembrolizumab; ASCO 2024: for patients who had no access to checkpoint inhibitors in the first line",
        &[ASCO_2024]),
    regimen(Nivolumab, MayBeConsidered,
        "nivolumab; ASCO 2024: for patients who had no access to checkpoint inhibitors in the first line",
        &[ASCO_2024]),
];

const TRIAL_FIRST: OrderEntry = OrderEntry {
    option: TreatmentId::ClinicalTrial,
    evidence: Guideline,
    detail: "third line and later: a clinical trial first (ASCO 2024)",
    sources: &[ASCO_2024],
};

macro_rules! new_class {
    ($trial:expr) => {
        concat!($trial, "; adds a mechanism class not yet used (ASCO 2024)")
    };
}

/// Every regimen above after cabozantinib, each offered only if it adds a mechanism class.
macro_rules! later_tail {
    () => {
        [
            regimen(
                AtezolizumabBevacizumab,
                Weak,
                new_class!(imbrave150!()),
                &[IMBRAVE150, ASCO_2024],
            ),
            regimen(
                DurvalumabTremelimumab,
                Weak,
                new_class!(himalaya!()),
                &[HIMALAYA, ASCO_2024],
            ),
            regimen(
                NivolumabIpilimumab,
                Weak,
                new_class!(checkmate_9dw!()),
                &[CHECKMATE_9DW, ASCO_2024],
            ),
            regimen(
                CamrelizumabRivoceranib,
                Weak,
                new_class!(cares_310!()),
                &[CARES_310, ASCO_2024],
            ),
            regimen(
                Lenvatinib,
                Weak,
                new_class!(reflect!()),
                &[REFLECT, ASCO_2024],
            ),
            regimen(Sorafenib, Weak, new_class!(sharp!()), &[SHARP, ASCO_2024]),
            regimen(
                Durvalumab,
                Weak,
                new_class!("HIMALAYA, durvalumab arm (Abou-Alfa, NEJM Evid 2022)"),
                &[HIMALAYA, ASCO_2024],
            ),
            regimen(
                Tislelizumab,
                Weak,
                new_class!(rationale_301!()),
                &[sources::RATIONALE_301, ASCO_2024],
            ),
            regimen(
                Regorafenib,
                Weak,
                new_class!(concat!(
                    resorce!(),
                    ": after sorafenib recorded as tolerated"
                )),
                &[RESORCE, ASCO_2024],
            ),
            regimen(
                Ramucirumab,
                Weak,
                new_class!(concat!(
                    reach_2!(),
                    ": AFP >= {ramucirumab_min_afp_ng_ml} ng/mL"
                )),
                &[REACH_2, ASCO_2024],
            ),
            regimen(
                Pembrolizumab,
                Weak,
                new_class!("pembrolizumab"),
                &[ASCO_2024],
            ),
            regimen(Nivolumab, Weak, new_class!("nivolumab"), &[ASCO_2024]),
        ]
    };
}

const fn later(cabozantinib: OrderEntry) -> [OrderEntry; 14] {
    let tail = later_tail!();
    let mut out = [TRIAL_FIRST; 14];
    out[1] = cabozantinib;
    let mut i = 0;
    while i < tail.len() {
        out[i + 2] = tail[i];
        i += 1;
    }
    out
}

/// Third line and later within the prior lines CELESTIAL admitted: cabozantinib as such.
const LATER_WITHIN_CELESTIAL: &[OrderEntry] = &later(regimen(Cabozantinib, Weak,
    concat!(celestial!(), "; not yet received, within the {cabozantinib_max_prior_regimens} prior regimens CELESTIAL admitted"),
    &[CELESTIAL, ASCO_2024]));

/// Third line and later beyond them: cabozantinib too only if it adds a mechanism class.
const LATER_BEYOND_CELESTIAL: &[OrderEntry] = &later(regimen(Cabozantinib, Weak,
    concat!(celestial!(), "; beyond the {cabozantinib_max_prior_regimens} prior regimens CELESTIAL admitted: adds a mechanism class not yet used"),
    &[CELESTIAL, ASCO_2024]));

fn build() -> RuleSet<Assessment, &'static [OrderEntry]> {
    use LineOfTherapy::*;
    #[rustfmt::skip]
    let table = vec![
        Rule::new("O-L1",
            all([line_is(First).expr(), ecog_2().not()]),
            FIRST_LINE,
            "first line: options 1 and 2 of equal strength, then nivolumab + ipilimumab, camrelizumab + rivoceranib, \
             and the alternatives",
            &[ASCO_2024, ESMO_2025]),
        Rule::new("O-L1-ECOG2",
            all([line_is(First).expr(), ecog_2().expr()]),
            FIRST_LINE_ECOG_2,
            "first line at ECOG 2: sorafenib first (SHARP enrolled ECOG 0-2), then the rest in order",
            &[ASCO_2024, SHARP]),
        Rule::new("O-L2-ICI",
            line_is(AfterCheckpointInhibitor),
            AFTER_CHECKPOINT_INHIBITOR,
            "second line after a checkpoint-inhibitor first line other than STRIDE",
            &[ASCO_2024]),
        Rule::new("O-L2-STRIDE",
            line_is(AfterDurvalumabTremelimumab),
            AFTER_STRIDE,
            "second line after durvalumab + tremelimumab",
            &[ASCO_2024]),
        Rule::new("O-L2-TKI",
            line_is(AfterSorafenibOrLenvatinib),
            AFTER_SORAFENIB_OR_LENVATINIB,
            "second line after sorafenib or lenvatinib",
            &[ASCO_2024]),
        Rule::new("O-LATER",
            all([later_line_construction(), within_cabozantinib_prior_limit().expr()]),
            LATER_WITHIN_CELESTIAL,
            "later-line construction within the prior lines CELESTIAL admitted: clinical trial first, cabozantinib, \
             then regimens that add a mechanism class",
            &[ASCO_2024, CELESTIAL]),
        Rule::new("O-LATER-BEYOND-CELESTIAL",
            all([later_line_construction(), within_cabozantinib_prior_limit().not()]),
            LATER_BEYOND_CELESTIAL,
            "later-line construction beyond the prior lines CELESTIAL admitted: clinical trial first, then regimens \
             (cabozantinib included) that add a mechanism class",
            &[ASCO_2024, CELESTIAL]),
    ];
    match RuleSet::unique(RULE_SET_ID, CLINICAL_VERSION, table) {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("order rule table is malformed: {e}"),
    }
}

static ORDER_RULES: LazyLock<RuleSet<Assessment, &'static [OrderEntry]>> = LazyLock::new(build);

/// The regimen-order rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, &'static [OrderEntry]> {
    &ORDER_RULES
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::RegimenSet;

    fn regimens(entries: &[OrderEntry]) -> RegimenSet {
        entries.iter().filter_map(OrderEntry::regimen).collect()
    }

    #[test]
    fn each_line_lists_each_regimen_once_and_both_first_line_orders_agree() {
        for r in rules().rules() {
            let entries: &[OrderEntry] = r.outcome();
            let set = regimens(entries);
            assert_eq!(
                set.len(),
                entries.iter().filter(|e| e.regimen().is_some()).count(),
                "{}",
                r.id()
            );
            assert!(!entries.iter().any(|e| e.regimen() == Some(Regimen::Other)));
        }
        assert_eq!(regimens(FIRST_LINE), regimens(FIRST_LINE_ECOG_2));
        assert_eq!(
            regimens(LATER_WITHIN_CELESTIAL),
            regimens(LATER_BEYOND_CELESTIAL)
        );
        assert_eq!(FIRST_LINE_ECOG_2[0].regimen(), Some(Regimen::Sorafenib));
    }

    #[test]
    fn later_lines_list_every_regimen_of_the_earlier_lines() {
        let earlier = [
            FIRST_LINE,
            AFTER_CHECKPOINT_INHIBITOR,
            AFTER_STRIDE,
            AFTER_SORAFENIB_OR_LENVATINIB,
        ]
        .iter()
        .fold(RegimenSet::EMPTY, |s, e| {
            regimens(e).iter().fold(s, RegimenSet::with)
        });
        assert_eq!(regimens(LATER_WITHIN_CELESTIAL), earlier);
        assert_eq!(LATER_WITHIN_CELESTIAL[0].option, TreatmentId::ClinicalTrial);
    }

    #[test]
    fn ramucirumab_is_not_listed_after_stride() {
        assert!(!regimens(AFTER_STRIDE).contains(Regimen::Ramucirumab));
        assert!(regimens(AFTER_CHECKPOINT_INHIBITOR).contains(Regimen::Ramucirumab));
    }
}
