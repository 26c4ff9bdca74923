//! Systemic regimens (spec §7): the catalogue, the line-of-therapy rules, and which regimens a
//! case may be offered.
//!
//! The line of therapy is chosen by a rule set under the UNIQUE hit policy ([`line_rules`]):
//! line = regimens received + 1, and second-line options are keyed on the most recent regimen.
//! Each line lists its candidate regimens in the order of the specification
//! ([`LineOfTherapy::candidates`]); a candidate is left out for every [`OmissionReason`] that
//! applies ([`omissions`]). All of this works on bit sets and static tables, so
//! [`permitted_regimens`] — which the `fit_for_systemic` predicate calls during classification —
//! never allocates.
//!
//! ```
//! use hcc_pathways::{Assessment, Case, Policy};
//! use hcc_pathways::case::Regimen;
//! use hcc_pathways::regimens::{line_of_therapy, permitted_regimens, LineOfTherapy};
//!
//! let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
//! let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
//! assert_eq!(line_of_therapy(&a), LineOfTherapy::First);
//! assert!(permitted_regimens(&a).contains(Regimen::AtezolizumabBevacizumab));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::case::{AutoimmuneDisease, Regimen, RegimenSet, Varices};
use crate::engine::{all, Rule, RuleSet};
use crate::macros::{bit_set, wire_enum};
use crate::options::Evidence;
use crate::predicates::{
    last_regimen_checkpoint_inhibitor, last_regimen_sorafenib_or_lenvatinib, last_regimen_stride,
    no_regimen_received, one_regimen_received,
};
use crate::sources::*;

wire_enum! {
    /// The line of therapy, and for the second line what it follows (spec §7).
    LineOfTherapy {
        /// First line: no regimen received.
        First = "first_line",
        /// Second line after a checkpoint-inhibitor first line other than STRIDE (for example
        /// atezolizumab + bevacizumab).
        AfterCheckpointInhibitor = "second_line_after_checkpoint_inhibitor",
        /// Second line after durvalumab + tremelimumab (STRIDE).
        AfterDurvalumabTremelimumab = "second_line_after_durvalumab_tremelimumab",
        /// Second line after sorafenib or lenvatinib.
        AfterSorafenibOrLenvatinib = "second_line_after_sorafenib_or_lenvatinib",
        /// Second line after a first-line regimen the guidelines do not sequence from
        /// (cabozantinib, regorafenib, ramucirumab or another regimen): built like the third line.
        AfterUnlistedRegimen = "second_line_after_unlisted_regimen",
        /// Third line and later.
        ThirdOrLater = "third_line_or_later",
    }
}

use Regimen::{
    AtezolizumabBevacizumab as ATEZO_BEV, Cabozantinib as CABO,
    CamrelizumabRivoceranib as CAMRE_RIVO, Durvalumab as DURVA, DurvalumabTremelimumab as STRIDE,
    Lenvatinib as LENVA, NivolumabIpilimumab as NIVO_IPI, Ramucirumab as RAMU, Regorafenib as REGO,
    Sorafenib as SORA, Tislelizumab as TISLE,
};

const FIRST_LINE: &[Regimen] = &[
    ATEZO_BEV, STRIDE, NIVO_IPI, CAMRE_RIVO, LENVA, SORA, DURVA, TISLE,
];
const AFTER_CHECKPOINT_INHIBITOR: &[Regimen] = &[LENVA, SORA, CABO, RAMU];
const AFTER_STRIDE: &[Regimen] = &[LENVA, SORA, CABO, ATEZO_BEV, RAMU];
const AFTER_SORAFENIB_OR_LENVATINIB: &[Regimen] = &[CABO, REGO, RAMU, NIVO_IPI, ATEZO_BEV];
/// Third line and later: cabozantinib, then every regimen above in the order the specification
/// lists them (first line, then the second-line additions).
const LATER_LINES: &[Regimen] = &[
    CABO, ATEZO_BEV, STRIDE, NIVO_IPI, CAMRE_RIVO, LENVA, SORA, DURVA, TISLE, REGO, RAMU,
];

/// The most prior lines CELESTIAL admitted: within them cabozantinib is offered at the third line
/// whether or not it adds a mechanism class; beyond them it must add one like any other regimen.
pub const CELESTIAL_MAX_PRIOR_LINES: usize = 2;

impl LineOfTherapy {
    /// A human-readable label.
    pub fn label(self) -> &'static str {
        match self {
            LineOfTherapy::First => "first line",
            LineOfTherapy::AfterCheckpointInhibitor => {
                "second line after a checkpoint-inhibitor regimen (not STRIDE)"
            }
            LineOfTherapy::AfterDurvalumabTremelimumab => {
                "second line after durvalumab + tremelimumab (STRIDE)"
            }
            LineOfTherapy::AfterSorafenibOrLenvatinib => {
                "second line after sorafenib or lenvatinib"
            }
            LineOfTherapy::AfterUnlistedRegimen => {
                "second line after a regimen the guidelines do not sequence from"
            }
            LineOfTherapy::ThirdOrLater => "third line or later",
        }
    }

    /// The candidate regimens of this line, in the order of the specification (before
    /// contraindications, and before ECOG 2 moves sorafenib first in the first line).
    ///
    /// ```
    /// use hcc_pathways::case::Regimen;
    /// use hcc_pathways::regimens::LineOfTherapy;
    /// assert_eq!(LineOfTherapy::First.candidates()[0], Regimen::AtezolizumabBevacizumab);
    /// assert_eq!(LineOfTherapy::AfterSorafenibOrLenvatinib.candidates()[0], Regimen::Cabozantinib);
    /// ```
    pub fn candidates(self) -> &'static [Regimen] {
        match self {
            LineOfTherapy::First => FIRST_LINE,
            LineOfTherapy::AfterCheckpointInhibitor => AFTER_CHECKPOINT_INHIBITOR,
            LineOfTherapy::AfterDurvalumabTremelimumab => AFTER_STRIDE,
            LineOfTherapy::AfterSorafenibOrLenvatinib => AFTER_SORAFENIB_OR_LENVATINIB,
            LineOfTherapy::AfterUnlistedRegimen | LineOfTherapy::ThirdOrLater => LATER_LINES,
        }
    }

    /// Whether a clinical trial is listed first and regimens must add a mechanism class not yet
    /// used (third line and later, and the second line after an unlisted regimen).
    pub fn later_line_construction(self) -> bool {
        matches!(
            self,
            LineOfTherapy::ThirdOrLater | LineOfTherapy::AfterUnlistedRegimen
        )
    }

    /// The guidelines that order the regimens of this line.
    pub fn guideline_sources(self) -> &'static [Source] {
        match self {
            LineOfTherapy::First => &[ASCO_2024, ESMO_2025],
            _ => &[ASCO_2024],
        }
    }

    /// The evidence behind offering `regimen` in this line.
    pub fn evidence(self, regimen: Regimen) -> Evidence {
        match (self, regimen) {
            (LineOfTherapy::First, ATEZO_BEV | STRIDE) => Evidence::Strong,
            (LineOfTherapy::First, NIVO_IPI | CAMRE_RIVO) => Evidence::Phase3Trial,
            (LineOfTherapy::First, _) => Evidence::Alternative,
            _ => Evidence::Weak,
        }
    }
}

impl Regimen {
    /// The regimen's name for clinicians.
    pub fn name(self) -> &'static str {
        match self {
            Regimen::AtezolizumabBevacizumab => "Atezolizumab + bevacizumab",
            Regimen::DurvalumabTremelimumab => "Durvalumab + tremelimumab (STRIDE)",
            Regimen::NivolumabIpilimumab => "Nivolumab + ipilimumab",
            Regimen::CamrelizumabRivoceranib => "Camrelizumab + rivoceranib",
            Regimen::Lenvatinib => "Lenvatinib",
            Regimen::Sorafenib => "Sorafenib",
            Regimen::Durvalumab => "Durvalumab alone",
            Regimen::Tislelizumab => "Tislelizumab alone",
            Regimen::Cabozantinib => "Cabozantinib",
            Regimen::Regorafenib => "Regorafenib",
            Regimen::Ramucirumab => "Ramucirumab",
            Regimen::Pembrolizumab => "Pembrolizumab alone",
            Regimen::Nivolumab => "Nivolumab alone",
            Regimen::Other => "Other regimen",
        }
    }

    /// The pivotal trial (and guideline) that supports it, as a short reference.
    pub fn trial(self) -> &'static str {
        match self {
            Regimen::AtezolizumabBevacizumab => "IMbrave150 (Finn, N Engl J Med 2020)",
            Regimen::DurvalumabTremelimumab => "HIMALAYA (Abou-Alfa, NEJM Evid 2022)",
            Regimen::NivolumabIpilimumab => "CheckMate 9DW (Yau, Lancet 2025)",
            Regimen::CamrelizumabRivoceranib => "CARES-310 (Qin, Lancet 2023)",
            Regimen::Lenvatinib => "REFLECT (Kudo, Lancet 2018)",
            Regimen::Sorafenib => "SHARP (Llovet, N Engl J Med 2008)",
            Regimen::Durvalumab => "HIMALAYA, durvalumab arm (Abou-Alfa, NEJM Evid 2022)",
            Regimen::Tislelizumab => "RATIONALE-301 (Qin, JAMA Oncol 2023); ESMO 2025",
            Regimen::Cabozantinib => "CELESTIAL (Abou-Alfa, N Engl J Med 2018)",
            Regimen::Regorafenib => "RESORCE (Bruix, Lancet 2017)",
            Regimen::Ramucirumab => "REACH-2 (Zhu, Lancet Oncol 2019)",
            Regimen::Pembrolizumab | Regimen::Nivolumab | Regimen::Other => {
                "not offered by these rules"
            }
        }
    }

    /// The sources of the regimen.
    pub fn sources(self) -> &'static [Source] {
        match self {
            Regimen::AtezolizumabBevacizumab => &[IMBRAVE150, ASCO_2024],
            Regimen::DurvalumabTremelimumab => &[HIMALAYA, ASCO_2024],
            Regimen::NivolumabIpilimumab => &[CHECKMATE_9DW],
            Regimen::CamrelizumabRivoceranib => &[CARES_310],
            Regimen::Lenvatinib => &[REFLECT],
            Regimen::Sorafenib => &[SHARP],
            Regimen::Durvalumab => &[HIMALAYA],
            Regimen::Tislelizumab => &[RATIONALE_301, ESMO_2025],
            Regimen::Cabozantinib => &[CELESTIAL],
            Regimen::Regorafenib => &[RESORCE],
            Regimen::Ramucirumab => &[REACH_2],
            Regimen::Pembrolizumab | Regimen::Nivolumab | Regimen::Other => &[ASCO_2024],
        }
    }
}

wire_enum! {
    /// Why a candidate regimen of the current line is left out (spec §7).
    OmissionReason {
        /// Already received: no regimen is offered again.
        AlreadyReceived = "already_received",
        /// A checkpoint inhibitor in a liver-transplant recipient (graft rejection risk).
        CheckpointInhibitorTransplantRecipient = "checkpoint_inhibitor_transplant_recipient",
        /// A checkpoint inhibitor with active autoimmune disease needing systemic treatment.
        CheckpointInhibitorActiveAutoimmune = "checkpoint_inhibitor_active_autoimmune_disease",
        /// Bevacizumab with untreated high-risk varices or recent variceal bleeding.
        BevacizumabVaricesOrBleeding = "bevacizumab_varices_or_recent_bleeding",
        /// Regorafenib without prior sorafenib.
        RegorafenibWithoutSorafenib = "regorafenib_without_prior_sorafenib",
        /// Regorafenib after sorafenib that was not tolerated.
        RegorafenibSorafenibNotTolerated = "regorafenib_sorafenib_not_tolerated",
        /// Regorafenib when sorafenib tolerance is not recorded.
        RegorafenibSorafenibToleranceUnknown = "regorafenib_sorafenib_tolerance_unknown",
        /// Ramucirumab with AFP below the threshold (400 ng/mL by default).
        RamucirumabAfpBelowThreshold = "ramucirumab_afp_below_threshold",
        /// Ramucirumab with AFP not measured.
        RamucirumabAfpUnknown = "ramucirumab_afp_unknown",
        /// Third line and later: the regimen adds no mechanism class not yet used.
        NoNewMechanismClass = "no_new_mechanism_class",
    }
}

bit_set! {
    /// A set of omission reasons (one candidate regimen may be left out for several).
    OmissionSet of OmissionReason
}

impl OmissionReason {
    /// What it means, for clinicians.
    pub fn text(self) -> &'static str {
        match self {
            OmissionReason::AlreadyReceived => "already received: no regimen is offered again",
            OmissionReason::CheckpointInhibitorTransplantRecipient => {
                "checkpoint inhibitor not offered to a liver-transplant recipient (risk of graft rejection)"
            }
            OmissionReason::CheckpointInhibitorActiveAutoimmune => {
                "checkpoint inhibitor not offered with active autoimmune disease needing systemic treatment (IMbrave150 exclusion)"
            }
            OmissionReason::BevacizumabVaricesOrBleeding => {
                "bevacizumab not offered with untreated high-risk varices or variceal bleeding in the last 6 months"
            }
            OmissionReason::RegorafenibWithoutSorafenib => {
                "regorafenib only after sorafenib recorded as tolerated (RESORCE): sorafenib was not received"
            }
            OmissionReason::RegorafenibSorafenibNotTolerated => {
                "regorafenib only after sorafenib recorded as tolerated (RESORCE): sorafenib was not tolerated"
            }
            OmissionReason::RegorafenibSorafenibToleranceUnknown => {
                "regorafenib only after sorafenib recorded as tolerated (RESORCE): tolerance of sorafenib is not recorded"
            }
            OmissionReason::RamucirumabAfpBelowThreshold => {
                "ramucirumab only with AFP at or above the threshold (REACH-2: 400 ng/mL)"
            }
            OmissionReason::RamucirumabAfpUnknown => {
                "ramucirumab only with AFP at or above the threshold (REACH-2: 400 ng/mL): AFP unknown, measure it"
            }
            OmissionReason::NoNewMechanismClass => {
                "third line and later: adds no mechanism class not yet used"
            }
        }
    }

    /// The sources of the reason.
    pub fn sources(self) -> &'static [Source] {
        match self {
            OmissionReason::AlreadyReceived | OmissionReason::NoNewMechanismClass => &[ASCO_2024],
            OmissionReason::CheckpointInhibitorTransplantRecipient => &[AASLD_2023, LT_ICI],
            OmissionReason::CheckpointInhibitorActiveAutoimmune
            | OmissionReason::BevacizumabVaricesOrBleeding => &[IMBRAVE150, ASCO_2024],
            OmissionReason::RegorafenibWithoutSorafenib
            | OmissionReason::RegorafenibSorafenibNotTolerated
            | OmissionReason::RegorafenibSorafenibToleranceUnknown => &[RESORCE],
            OmissionReason::RamucirumabAfpBelowThreshold
            | OmissionReason::RamucirumabAfpUnknown => &[REACH_2, ASCO_2024],
        }
    }
}

/// Why `regimen`, a candidate of `line`, may not be offered in this case (empty: permitted).
/// Allocates nothing.
///
/// ```
/// use hcc_pathways::{Assessment, Case, Policy};
/// use hcc_pathways::case::Regimen;
/// use hcc_pathways::regimens::{omissions, LineOfTherapy, OmissionReason};
///
/// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
/// let mut case = Case::from_json(&json)?;
/// case.drug_safety.liver_transplant_recipient = true;
/// let a = Assessment::new(&case, &Policy::default())?;
/// let why = omissions(&a, LineOfTherapy::First, Regimen::AtezolizumabBevacizumab);
/// assert!(why.contains(OmissionReason::CheckpointInhibitorTransplantRecipient));
/// assert!(omissions(&a, LineOfTherapy::First, Regimen::Sorafenib).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn omissions(a: &Assessment, line: LineOfTherapy, regimen: Regimen) -> OmissionSet {
    use OmissionReason::*;
    let case = a.case();
    let history = &case.history.systemic_regimens;
    let safety = &case.drug_safety;
    let mut why = OmissionSet::EMPTY;
    if history.received().contains(regimen) {
        why = why.with(AlreadyReceived);
    }
    if regimen.has_checkpoint_inhibitor() {
        if safety.liver_transplant_recipient {
            why = why.with(CheckpointInhibitorTransplantRecipient);
        }
        if safety.autoimmune_disease == AutoimmuneDisease::ActiveOnSystemicTreatment {
            why = why.with(CheckpointInhibitorActiveAutoimmune);
        }
    }
    if regimen == ATEZO_BEV
        && matches!(
            safety.varices,
            Varices::UntreatedHighRisk | Varices::RecentBleeding
        )
    {
        why = why.with(BevacizumabVaricesOrBleeding);
    }
    if regimen == REGO {
        let sorafenib = history.as_slice().iter().rev().find(|p| p.regimen == SORA);
        match sorafenib.map(|p| p.tolerated) {
            None => why = why.with(RegorafenibWithoutSorafenib),
            Some(Some(false)) => why = why.with(RegorafenibSorafenibNotTolerated),
            Some(None) => why = why.with(RegorafenibSorafenibToleranceUnknown),
            Some(Some(true)) => {}
        }
    }
    if regimen == RAMU {
        let threshold = f64::from(a.policy().ramucirumab_min_afp_ng_ml);
        match case.recurrence.afp_ng_ml.map(|v| v.get()) {
            None => why = why.with(RamucirumabAfpUnknown),
            Some(afp) if afp < threshold => why = why.with(RamucirumabAfpBelowThreshold),
            Some(_) => {}
        }
    }
    let cabozantinib_exempt = regimen == CABO && history.len() <= CELESTIAL_MAX_PRIOR_LINES;
    if line.later_line_construction() && !cabozantinib_exempt {
        let used = history.classes_used();
        if regimen.classes().iter().all(|c| used.contains(c)) {
            why = why.with(NoNewMechanismClass);
        }
    }
    why
}

/// The line of therapy of the case, as the line rules decide it.
pub fn line_of_therapy(a: &Assessment) -> LineOfTherapy {
    // The line rules are total and unique (tested over every combination of their predicates);
    // the fallback is never taken.
    line_rules()
        .decide(a)
        .map_or(LineOfTherapy::ThirdOrLater, |r| *r.outcome())
}

/// The regimens of the current line that may be offered: candidates with no omission reason.
/// Allocates nothing.
pub fn permitted_regimens(a: &Assessment) -> RegimenSet {
    permitted_in_line(a, line_of_therapy(a))
}

/// As [`permitted_regimens`], for a line of therapy already decided (saves deciding it twice).
/// Allocates nothing.
pub fn permitted_in_line(a: &Assessment, line: LineOfTherapy) -> RegimenSet {
    line.candidates()
        .iter()
        .copied()
        .filter(|r| omissions(a, line, *r).is_empty())
        .collect()
}

/// The id of the line-of-therapy rule set (it shares the pathway rule set's version).
pub const LINE_RULE_SET_ID: &str = "hcc-systemic-lines";

/// Builds the line-of-therapy rules (UNIQUE hit policy): L1, L2-ICI, L2-STRIDE, L2-TKI,
/// L2-OTHER, L3.
///
/// ```
/// let rules = hcc_pathways::regimens::line_rule_set();
/// let ids: Vec<_> = rules.rules().iter().map(|r| r.id()).collect();
/// assert_eq!(ids, ["L1", "L2-ICI", "L2-STRIDE", "L2-TKI", "L2-OTHER", "L3"]);
/// ```
pub fn line_rule_set() -> RuleSet<Assessment, LineOfTherapy> {
    use LineOfTherapy::*;
    let none = no_regimen_received;
    let one = one_regimen_received;
    let second = || all([none().not(), one().expr()]);
    let table = vec![
        Rule::new("L1",
            none(),
            First,
            "first line: options 1 and 2 are of equal strength (ASCO 2024 says \"or\"), the order is not a ranking; \
             ECOG 2 lists sorafenib first",
            &[ASCO_2024, ESMO_2025]),
        Rule::new("L2-ICI",
            second().and(last_regimen_stride().not()).and(last_regimen_checkpoint_inhibitor()),
            AfterCheckpointInhibitor,
            "second line after a checkpoint-inhibitor first line other than STRIDE (ASCO 2024, weak evidence)",
            &[ASCO_2024]),
        Rule::new("L2-STRIDE",
            second().and(last_regimen_stride()),
            AfterDurvalumabTremelimumab,
            "second line after durvalumab + tremelimumab (ASCO 2024, weak evidence)",
            &[ASCO_2024]),
        Rule::new("L2-TKI",
            second()
                .and(last_regimen_stride().not())
                .and(last_regimen_checkpoint_inhibitor().not())
                .and(last_regimen_sorafenib_or_lenvatinib()),
            AfterSorafenibOrLenvatinib,
            "second line after sorafenib or lenvatinib (ASCO 2024, weak evidence)",
            &[ASCO_2024]),
        Rule::new("L2-OTHER",
            second()
                .and(last_regimen_stride().not())
                .and(last_regimen_checkpoint_inhibitor().not())
                .and(last_regimen_sorafenib_or_lenvatinib().not()),
            AfterUnlistedRegimen,
            "second line after a first-line regimen the guidelines do not sequence from: built like the third line \
             (clinical trial first; regimens that add a mechanism class not yet used)",
            &[ASCO_2024]),
        Rule::new("L3",
            all([none().not(), one().not()]),
            ThirdOrLater,
            "third line and later (Child-Pugh <= 6 and ECOG <= 1): clinical trial first; cabozantinib if not yet \
             received; then regimens not yet received that add a mechanism class not yet used",
            &[ASCO_2024, CELESTIAL]),
    ];
    match RuleSet::new(
        LINE_RULE_SET_ID,
        crate::rules::PATHWAY_RULE_SET_VERSION,
        table,
    ) {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("line rule table is malformed: {e}"),
    }
}

static LINE_RULES: LazyLock<RuleSet<Assessment, LineOfTherapy>> = LazyLock::new(line_rule_set);

/// The shared line-of-therapy rule set (built once).
pub fn line_rules() -> &'static RuleSet<Assessment, LineOfTherapy> {
    &LINE_RULES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_rules_partition_the_abstract_domain() {
        let rs = line_rule_set();
        let n = rs.leaves().len();
        assert_eq!(n, 5);
        for mask in 0..(1u64 << n) {
            assert_eq!(rs.matches_for_mask(mask).count(), 1, "mask {mask:b}");
        }
    }

    #[test]
    fn later_lines_list_every_regimen_above_once() {
        for r in FIRST_LINE
            .iter()
            .chain(AFTER_CHECKPOINT_INHIBITOR)
            .chain(AFTER_STRIDE)
            .chain(AFTER_SORAFENIB_OR_LENVATINIB)
        {
            assert_eq!(
                LATER_LINES.iter().filter(|x| *x == r).count(),
                1,
                "{r} must appear once in the later-line list"
            );
        }
    }

    #[test]
    fn every_offered_regimen_has_a_trial_and_a_source() {
        for r in LATER_LINES {
            assert!(!r.sources().is_empty());
            assert_ne!(r.trial(), "not offered by these rules");
        }
    }
}
