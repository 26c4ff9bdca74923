//! Options inside each pathway (spec §6–§7), with their cautions and considerations — all of
//! them rules over the same predicates as the pathway rules, with stable ids and sources.
//!
//! | rule set | hit policy | decides |
//! |---|---|---|
//! | [`modality_rules`] | UNIQUE over `repeat_intervention` | the procedure (spec §6 lines 1–5) |
//! | [`line_rules`] | UNIQUE over `systemic_therapy` | the line of therapy and its regimens (§7) |
//! | [`palliative_rules`] | UNIQUE over `palliative_care` | best supportive care |
//! | [`additional_option_rules`] | COLLECT | TACE with systemic therapy (not standard of care) |
//! | [`caution_rules`] | COLLECT | cautions (§6, §7, and the reason details of §4) |
//! | [`consideration_rules`] | COLLECT | cross-cutting considerations (§6) |
//! | [`reason_detail_rules`] | COLLECT | what the pathway reason must add (§4) |
//!
//! The option rule sets are total and unique within their pathway (a test enumerates every
//! combination of predicate values the pathway admits). Caution and consideration rules may
//! match together: every matching rule applies ([`RuleSet::all_matching`]).
//!
//! ```
//! use hcc_pathways::{Assessment, Case, Policy};
//! use hcc_pathways::options::{modality_rules, Modality};
//!
//! let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
//! let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
//! let rule = modality_rules().decide(&a)?;
//! assert_eq!((rule.id(), *rule.outcome()), ("M1", Modality::ThermalAblation));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::case::{Regimen, RegimenSet};
use crate::engine::{all, any, Expr, Rule, RuleSet};
use crate::error::Error;
use crate::macros::wire_enum;
use crate::predicates::*;
use crate::recommendation::{
    cite, Caution, Consideration, OmittedRegimen, TherapyLine, TreatmentOption,
};
use crate::regimens::{line_rules, omissions, LineOfTherapy};
use crate::rules::{pathway_rules, Pathway, PATHWAY_RULE_SET_VERSION};
use crate::sources::*;

wire_enum! {
    /// The procedure of a repeat intervention (spec §6).
    Modality {
        /// Thermal ablation (RFA or MWA).
        ThermalAblation = "thermal_ablation",
        /// Percutaneous ethanol injection, where thermal ablation is unsafe.
        Pei = "pei",
        /// TACE combined with PEI, where thermal ablation is unsafe.
        TacePlusPei = "tace_plus_pei",
        /// TACE combined with thermal ablation (RFA or MWA).
        TacePlusAblation = "tace_plus_ablation",
        /// Repeat TACE or embolization.
        RepeatTace = "repeat_tace",
    }
}

impl Modality {
    /// A human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            Modality::ThermalAblation => "Thermal ablation (RFA or MWA)",
            Modality::Pei => "Percutaneous ethanol injection (PEI)",
            Modality::TacePlusPei => "TACE combined with PEI",
            Modality::TacePlusAblation => "TACE combined with RFA or MWA",
            Modality::RepeatTace => {
                "Repeat TACE or embolization (conventional or drug-eluting beads)"
            }
        }
    }

    /// Whether the procedure includes TACE (never chosen for a TACE-refractory case).
    pub fn contains_tace(self) -> bool {
        matches!(
            self,
            Modality::TacePlusPei | Modality::TacePlusAblation | Modality::RepeatTace
        )
    }
}

wire_enum! {
    /// How strong the evidence behind an option is.
    Evidence {
        /// Strong recommendation (ASCO 2024).
        Strong = "strong",
        /// Weak evidence (ASCO 2024, later lines).
        Weak = "weak",
        /// A positive phase 3 trial.
        Phase3Trial = "phase_3_trial",
        /// An alternative to the preferred first-line options.
        Alternative = "alternative",
        /// A guideline or consensus recommendation.
        Guideline = "guideline",
        /// Not standard of care: for MDT or clinical-trial consideration only.
        NotStandardOfCare = "not_standard_of_care",
    }
}

impl Evidence {
    /// A human-readable label.
    pub fn label(self) -> &'static str {
        match self {
            Evidence::Strong => "strong recommendation (ASCO 2024)",
            Evidence::Weak => "weak evidence (ASCO 2024)",
            Evidence::Phase3Trial => "phase 3 trial",
            Evidence::Alternative => "alternative to the preferred first-line options",
            Evidence::Guideline => "guideline recommendation",
            Evidence::NotStandardOfCare => {
                "not standard of care: for MDT or clinical-trial consideration"
            }
        }
    }
}

wire_enum! {
    /// The palliative option.
    SupportiveCare {
        /// Best supportive care.
        BestSupportiveCare = "best_supportive_care",
    }
}

/// The components of best supportive care (spec §1).
pub const BEST_SUPPORTIVE_CARE_COMPONENTS: &[&str] = &[
    "symptom control",
    "nutrition",
    "psychosocial support",
    "palliative radiotherapy for painful bone lesions",
    "hospice referral",
];

wire_enum! {
    /// Options added to a pathway's options when their rule matches.
    AdditionalOption {
        /// TACE with systemic therapy (EMERALD-1, LEAP-012): not standard of care.
        TaceWithSystemic = "tace_with_systemic",
    }
}

/// What a caution concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CautionScope {
    /// The case as a whole.
    Case,
    /// These regimens: the caution is reported for those offered, and not at all when none is.
    Regimens(RegimenSet),
}

/// Where a reason detail goes in the pathway reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonDetail {
    /// Before the rule's reason (the reason begins with it).
    Prefix,
    /// After the rule's reason.
    Suffix,
}

fn build<D>(id: &'static str, rules: Vec<Rule<Assessment, D>>) -> RuleSet<Assessment, D> {
    match RuleSet::new(id, PATHWAY_RULE_SET_VERSION, rules) {
        Ok(rs) => rs,
        // Every table here is constant and built by a unit test.
        Err(e) => unreachable!("option rule table `{id}` is malformed: {e}"),
    }
}

/// The condition of every pathway rule that leads to `pathway`, as one named composite
/// (`in_repeat_intervention`, `in_systemic_therapy`, `in_palliative_care`). Caution and
/// consideration rules use it to stay within their pathway.
///
/// ```
/// use hcc_pathways::{options::in_pathway, Assessment, Case, Pathway, Policy};
/// let json = std::fs::read_to_string("examples/cases/r6_beyond_up_to_seven.json")?;
/// let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
/// assert!(in_pathway(Pathway::SystemicTherapy).test(&a));
/// assert!(!in_pathway(Pathway::RepeatIntervention).test(&a));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn in_pathway(pathway: Pathway) -> Expr<Assessment> {
    let (id, description) = match pathway {
        Pathway::RepeatIntervention => (
            "in_repeat_intervention",
            "the pathway rules choose repeat_intervention",
        ),
        Pathway::SystemicTherapy => (
            "in_systemic_therapy",
            "the pathway rules choose systemic_therapy",
        ),
        Pathway::PalliativeCare => (
            "in_palliative_care",
            "the pathway rules choose palliative_care",
        ),
    };
    let conditions = pathway_rules()
        .rules()
        .iter()
        .filter(|r| *r.outcome() == pathway)
        .map(|r| r.condition().clone());
    Expr::named(id, description, any(conditions))
}

/// The condition of one pathway rule (R1–R7) as a named composite `decided_by_Rn`; `None` for
/// an unknown id.
///
/// ```
/// use hcc_pathways::{options::decided_by, Assessment, Case, Policy};
/// let json = std::fs::read_to_string("examples/cases/r7_child_pugh_7_multinodular.json")?;
/// let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
/// assert!(decided_by("R7").is_some_and(|e| e.test(&a)));
/// assert!(decided_by("R9").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decided_by(rule: &str) -> Option<Expr<Assessment>> {
    let (id, description) = match rule {
        "R1" => ("decided_by_R1", "pathway rule R1 decides"),
        "R2" => ("decided_by_R2", "pathway rule R2 decides"),
        "R3" => ("decided_by_R3", "pathway rule R3 decides"),
        "R4" => ("decided_by_R4", "pathway rule R4 decides"),
        "R5" => ("decided_by_R5", "pathway rule R5 decides"),
        "R6" => ("decided_by_R6", "pathway rule R6 decides"),
        "R7" => ("decided_by_R7", "pathway rule R7 decides"),
        _ => return None,
    };
    let r = pathway_rules().rules().iter().find(|r| r.id() == rule)?;
    Some(Expr::named(id, description, r.condition().clone()))
}

fn by(rule: &str) -> Expr<Assessment> {
    // Only called with R1–R7.
    decided_by(rule).unwrap_or(Expr::Any(Vec::new()))
}

/// `transplant_evaluation_applies`: within Milan, not advanced, not a liver-transplant recipient,
/// ECOG ≤ 2, not comfort-focused (spec §6).
pub fn transplant_evaluation_applies() -> Expr<Assessment> {
    Expr::named(
        "transplant_evaluation_applies",
        "within Milan, not advanced, not a liver-transplant recipient, ECOG <= 2, not comfort-focused",
        all([
            within_milan().expr(),
            advanced().not(),
            liver_transplant_recipient().not(),
            transplant_performance().expr(),
            comfort_focused().not(),
        ]),
    )
}

/// The id of the modality rule set.
pub const MODALITY_RULE_SET_ID: &str = "hcc-repeat-intervention-modality";

/// Builds the modality rules of spec §6 (UNIQUE hit policy over `repeat_intervention`):
/// M1 thermal ablation; M2 PEI; M3 TACE + PEI; M3R PEI alone when TACE refractory; M4 TACE +
/// RFA/MWA; M4P TACE + PEI; M5 repeat TACE. Every rule whose procedure contains TACE requires
/// `¬tace_refractory`.
///
/// ```
/// let rules = hcc_pathways::options::modality_rule_set();
/// let ids: Vec<_> = rules.rules().iter().map(|r| r.id()).collect();
/// assert_eq!(ids, ["M1", "M2", "M3", "M3R", "M4", "M4P", "M5"]);
/// ```
pub fn modality_rule_set() -> RuleSet<Assessment, Modality> {
    use Modality::*;
    let cand = ablation_candidate;
    let unsafe_loc = unsafe_ablation_location;
    let table = vec![
        Rule::new("M1",
            cand().and(unsafe_loc().not()),
            ThermalAblation,
            "ablation candidate where thermal ablation is safe: thermal ablation (RFA or MWA)",
            &[INASL_2019, NCCN_HCC]),
        Rule::new("M2",
            all([cand().expr(), unsafe_loc().expr(), pei_size().expr()]),
            Pei,
            "a nodule where thermal ablation is unsafe, largest <= 20 mm: PEI (thermal ablation for nodules elsewhere)",
            &[INASL_2019, NCCN_HCC]),
        Rule::new("M3",
            all([cand().expr(), unsafe_loc().expr(), pei_size().not(), tace_refractory().not()]),
            TacePlusPei,
            "a nodule where thermal ablation is unsafe, largest 21-30 mm: TACE + PEI (PEI alone is weaker above 2 cm)",
            &[INASL_2019, PENG_2013]),
        Rule::new("M3R",
            all([cand().expr(), unsafe_loc().expr(), pei_size().not(), tace_refractory().expr()]),
            Pei,
            "a nodule where thermal ablation is unsafe, largest 21-30 mm, TACE refractory: PEI alone \
             (TACE is ruled out; PEI alone is weaker above 2 cm)",
            &[INASL_2019, JSH_2014]),
        Rule::new("M4",
            all([cand().not(), tace_refractory().not(), combination_size().expr(), unsafe_loc().not()]),
            TacePlusAblation,
            "up to 3 nodules, largest <= 50 mm: TACE combined with RFA or MWA",
            &[PENG_2013, PENG_2012]),
        Rule::new("M4P",
            all([cand().not(), tace_refractory().not(), combination_size().expr(), unsafe_loc().expr()]),
            TacePlusPei,
            "up to 3 nodules, largest <= 50 mm, where thermal ablation is unsafe: TACE combined with PEI",
            &[PENG_2013, PENG_2012, INASL_2019]),
        Rule::new("M5",
            all([cand().not(), tace_refractory().not(), combination_size().not()]),
            RepeatTace,
            "beyond ablation and combination criteria: repeat TACE or embolization (conventional or drug-eluting beads)",
            &[INASL_2019, NCCN_HCC]),
    ];
    build(MODALITY_RULE_SET_ID, table)
}

/// The id of the palliative option rule set.
pub const PALLIATIVE_RULE_SET_ID: &str = "hcc-palliative-options";

/// Builds the palliative option rule (P1: best supportive care, always, with the reason of the
/// pathway rule that chose palliative care).
pub fn palliative_rule_set() -> RuleSet<Assessment, SupportiveCare> {
    build(
        PALLIATIVE_RULE_SET_ID,
        vec![Rule::new(
            "P1",
            Expr::True,
            SupportiveCare::BestSupportiveCare,
            "best supportive care: quality of life and symptom control",
            &[BCLC_2022, AASLD_2023],
        )],
    )
}

/// The id of the additional option rule set.
pub const ADDITIONAL_OPTION_RULE_SET_ID: &str = "hcc-additional-options";

/// Builds the rules that add options to a pathway (COLLECT): TACE with systemic therapy for R6
/// cases with multinodular disease beyond up-to-seven, not TACE refractory, fit for
/// intervention (spec §7) — not standard of care.
pub fn additional_option_rule_set() -> RuleSet<Assessment, AdditionalOption> {
    build(
        ADDITIONAL_OPTION_RULE_SET_ID,
        vec![Rule::new(
            "tace_with_systemic",
            all([
                by("R6"),
                multinodular_beyond_up_to_seven(),
                tace_refractory().not(),
                fit_for_intervention().expr(),
            ]),
            AdditionalOption::TaceWithSystemic,
            "TACE with systemic therapy: an option for MDT or trial consideration, not standard of care \
             (EMERALD-1 and LEAP-012 improved progression-free survival without a proven survival benefit)",
            &[EMERALD_1, LEAP_012],
        )],
    )
}

const VEGF_PATHWAY_REGIMENS: RegimenSet = RegimenSet::EMPTY
    .with(Regimen::AtezolizumabBevacizumab)
    .with(Regimen::CamrelizumabRivoceranib)
    .with(Regimen::Lenvatinib)
    .with(Regimen::Sorafenib)
    .with(Regimen::Cabozantinib)
    .with(Regimen::Regorafenib)
    .with(Regimen::Ramucirumab);
const CHECKPOINT_INHIBITOR_REGIMENS: RegimenSet = RegimenSet::EMPTY
    .with(Regimen::AtezolizumabBevacizumab)
    .with(Regimen::DurvalumabTremelimumab)
    .with(Regimen::NivolumabIpilimumab)
    .with(Regimen::CamrelizumabRivoceranib)
    .with(Regimen::Durvalumab)
    .with(Regimen::Tislelizumab);
const OFFERED_REGIMENS: RegimenSet = VEGF_PATHWAY_REGIMENS
    .with(Regimen::DurvalumabTremelimumab)
    .with(Regimen::NivolumabIpilimumab)
    .with(Regimen::Durvalumab)
    .with(Regimen::Tislelizumab);
const BEVACIZUMAB: RegimenSet = RegimenSet::EMPTY.with(Regimen::AtezolizumabBevacizumab);

/// The id of the caution rule set.
pub const CAUTION_RULE_SET_ID: &str = "hcc-cautions";

/// Builds the caution rules (COLLECT: every matching rule applies). Rule ids are the stable
/// caution ids of the output; the reason is the caution's text.
///
/// ```
/// let rules = hcc_pathways::options::caution_rule_set();
/// assert!(rules.rules().iter().any(|r| r.id() == "near_tace_refractory"));
/// ```
pub fn caution_rule_set() -> RuleSet<Assessment, CautionScope> {
    use CautionScope::{Case, Regimens};
    let ri = || in_pathway(Pathway::RepeatIntervention);
    let sys = || in_pathway(Pathway::SystemicTherapy);
    let table = vec![
        // Repeat intervention (spec §6).
        Rule::new("near_tace_refractory",
            all([ri(), near_tace_refractory().expr(), tace_refractory().not()]),
            Case,
            "one step from TACE refractoriness: one more insufficient response or intrahepatic progression after \
             TACE meets the JSH-LCSGJ criteria (the counters are not added together)",
            &[JSH_2014]),
        Rule::new("single_nodule_100mm_tace",
            all([ri(), large_single_nodule().expr()]),
            Case,
            "single nodule of 100 mm or more: EASL relative contraindication to TACE",
            &[EASL_2018]),
        Rule::new("albi_decompensation_after_tace",
            all([ri(), albi_decompensation_risk().expr()]),
            Case,
            "ALBI grade 3 or mALBI grade 2b: risk of hepatic decompensation after TACE",
            &[ALBI, MALBI]),
        Rule::new("tare_or_sbrt_alternative",
            all([ri(), any([ablation_candidate().not(), unsafe_ablation_location().expr()])]),
            Case,
            "TARE or stereotactic body radiotherapy are alternatives the MDT may weigh for nodules that cannot be \
             (thermally) ablated",
            &[AASLD_2023]),
        Rule::new("pei_alone_refractory",
            all([ri(), ablation_candidate().expr(), unsafe_ablation_location().expr(), pei_size().not(),
                 tace_refractory().expr()]),
            Case,
            "TACE refractory: TACE + PEI is ruled out, so PEI alone is suggested for a 21-30 mm nodule where thermal \
             ablation is unsafe; PEI alone is weaker above 2 cm",
            &[INASL_2019, JSH_2014]),
        // Reason details of the pathway rules (spec §4).
        Rule::new("r6_tace_for_well_defined_nodules",
            all([by("R6"), multinodular_beyond_up_to_seven()]),
            Case,
            "BCLC 2022 would consider TACE for well-defined nodules with preserved portal flow: MDT decision",
            &[BCLC_2022, APAC_2020]),
        Rule::new("r7_mdt_may_consider",
            by("R7"),
            Case,
            "the MDT may consider TACE at Child-Pugh 7, ablation at Child-Pugh 8-9 without refractory ascites, \
             or systemic therapy at Child-Pugh 7 by policy",
            &[BCLC_2022, EASL_2018, NCCN_HCC]),
        // Systemic therapy (spec §7).
        Rule::new("varices_not_screened",
            all([sys(), varices_not_screened().expr()]),
            Regimens(BEVACIZUMAB),
            "varices not screened in the last 6 months: endoscopy, and treatment of varices, before bevacizumab",
            &[IMBRAVE150, ASCO_2024]),
        Rule::new("vegf_drugs_with_high_risk_varices",
            all([sys(), high_risk_varices().expr()]),
            Regimens(VEGF_PATHWAY_REGIMENS),
            "untreated high-risk varices or variceal bleeding in the last 6 months: bleeding risk with every \
             VEGF-pathway drug; treat the varices first",
            &[IMBRAVE150, ASCO_2024]),
        Rule::new("brain_metastases_bevacizumab",
            all([sys(), brain_metastases().expr()]),
            Regimens(BEVACIZUMAB),
            "brain metastases: caution before bevacizumab",
            &[IMBRAVE150]),
        Rule::new("lenvatinib_main_portal_vein",
            all([sys(), main_portal_vein_invasion().expr()]),
            Regimens(RegimenSet::EMPTY.with(Regimen::Lenvatinib)),
            "main portal vein invasion: excluded from REFLECT, caution with lenvatinib",
            &[REFLECT]),
        Rule::new("ecog_2_trial_evidence",
            all([sys(), ecog_2().expr()]),
            Regimens(OFFERED_REGIMENS),
            "ECOG 2: trial evidence limited to ECOG 0-1",
            &[ASCO_2024, SHARP]),
        Rule::new("child_pugh_7_by_policy",
            all([sys(), child_pugh_7().expr()]),
            Regimens(OFFERED_REGIMENS),
            "Child-Pugh 7 admitted to systemic therapy by policy: the trials enrolled Child-Pugh class A \
             (NCCN category 2A for atezolizumab + bevacizumab in Child-Pugh B)",
            &[NCCN_HCC, IMBRAVE150]),
        Rule::new("inactive_autoimmune_disease",
            all([sys(), inactive_autoimmune_disease().expr()]),
            Regimens(CHECKPOINT_INHIBITOR_REGIMENS),
            "previously documented, inactive autoimmune disease: caution with checkpoint inhibitors",
            &[ASCO_2024, IMBRAVE150]),
        Rule::new("nivolumab_ipilimumab_early_deaths",
            sys(),
            Regimens(RegimenSet::EMPTY.with(Regimen::NivolumabIpilimumab)),
            "nivolumab + ipilimumab: excess deaths in the first 6 months (CheckMate 9DW)",
            &[CHECKMATE_9DW]),
        Rule::new("camrelizumab_rivoceranib_approval",
            sys(),
            Regimens(RegimenSet::EMPTY.with(Regimen::CamrelizumabRivoceranib)),
            "camrelizumab + rivoceranib: approval differs by region",
            &[CARES_310]),
        Rule::new("sorafenib_tolerance_unknown",
            all([sys(), sorafenib_tolerance_unknown().expr()]),
            Case,
            "tolerance of sorafenib not recorded: regorafenib is omitted until it is (RESORCE enrolled patients \
             who tolerated sorafenib)",
            &[RESORCE]),
        Rule::new("measure_afp",
            all([sys(), afp_unknown().expr(), no_regimen_received().not()]),
            Case,
            "AFP unknown: measure AFP; ramucirumab is offered only with AFP >= 400 ng/mL (REACH-2)",
            &[REACH_2]),
        Rule::new("unlisted_first_line_sequence",
            all([sys(), no_regimen_received().not(), one_regimen_received().expr(), last_regimen_stride().not(),
                 last_regimen_checkpoint_inhibitor().not(), last_regimen_sorafenib_or_lenvatinib().not()]),
            Case,
            "the first-line regimen received is not one the guidelines sequence from: the options follow the \
             third-line construction; MDT decision",
            &[ASCO_2024]),
    ];
    build(CAUTION_RULE_SET_ID, table)
}

/// The id of the consideration rule set.
pub const CONSIDERATION_RULE_SET_ID: &str = "hcc-considerations";

/// Builds the cross-cutting considerations of spec §6 (COLLECT).
///
/// ```
/// let rules = hcc_pathways::options::consideration_rule_set();
/// let ids: Vec<_> = rules.rules().iter().map(|r| r.id()).collect();
/// assert_eq!(ids, ["mdt_review", "liver_transplant_evaluation", "repeat_resection",
///                  "hbv_antiviral_prophylaxis", "early_recurrence", "clinical_trial"]);
/// ```
pub fn consideration_rule_set() -> RuleSet<Assessment, ()> {
    let table = vec![
        Rule::new("mdt_review",
            Expr::True,
            (),
            "review by the multidisciplinary tumour board (MDT) with the patient",
            &[AASLD_2023, BCLC_2022]),
        Rule::new("liver_transplant_evaluation",
            transplant_evaluation_applies(),
            (),
            "within the Milan criteria: refer for liver-transplant evaluation (salvage transplantation)",
            &[MILAN, BCLC_2022]),
        Rule::new("repeat_resection",
            all([single_nodule().expr(), resection_liver_function().expr(), advanced().not(),
                 comfort_focused().not(), terminal().not()]),
            (),
            "single nodule with preserved liver function (Child-Pugh <= 6): surgical evaluation for repeat resection",
            &[BCLC_2022, EASL_2018]),
        Rule::new("hbv_antiviral_prophylaxis",
            hbsag_positive(),
            (),
            "HBsAg positive: antiviral prophylaxis against hepatitis B reactivation",
            &[AASLD_2023, EASL_2018]),
        Rule::new("early_recurrence",
            early_recurrence(),
            (),
            "early recurrence (within 24 months of the last procedure by default): aggressive tumour biology",
            &[BCLC_2022]),
        Rule::new("clinical_trial",
            any([
                all([in_pathway(Pathway::SystemicTherapy), no_regimen_received().not()]),
                all([any([by("R4"), by("R7")]), regimen_available().not()]),
            ]),
            (),
            "systemic therapy in the second line or later, or no supported further line: consider a clinical trial",
            &[ASCO_2024]),
    ];
    build(CONSIDERATION_RULE_SET_ID, table)
}

/// The id of the reason-detail rule set.
pub const REASON_DETAIL_RULE_SET_ID: &str = "hcc-reason-details";

/// The beginning of the R2/R7 reason when liver-transplant evaluation applies (spec §4).
pub const TRANSPLANT_FIRST: &str = "liver function rules out local and systemic therapy; \
liver-transplant evaluation first (BCLC 2022: end-stage liver function → transplant if a candidate, \
otherwise best supportive care)";

/// The end of the R4/R7 reason when no regimen of the current line remains (spec §3, §7).
pub const NO_SUPPORTED_FURTHER_LINE: &str =
    "no supported further line: every regimen of the current \
line is contraindicated, already received or adds no mechanism class not yet used (see the omitted \
regimens)";

/// Builds the rules that add to the pathway reason (spec §4; COLLECT): the transplant-first
/// beginning for R2/R7, and "no supported further line" for R4/R7.
pub fn reason_detail_rule_set() -> RuleSet<Assessment, ReasonDetail> {
    let table = vec![
        Rule::new(
            "transplant_first",
            all([any([by("R2"), by("R7")]), transplant_evaluation_applies()]),
            ReasonDetail::Prefix,
            TRANSPLANT_FIRST,
            &[BCLC_2022, MILAN],
        ),
        Rule::new(
            "no_supported_further_line",
            all([any([by("R4"), by("R7")]), regimen_available().not()]),
            ReasonDetail::Suffix,
            NO_SUPPORTED_FURTHER_LINE,
            &[ASCO_2024],
        ),
    ];
    build(REASON_DETAIL_RULE_SET_ID, table)
}

macro_rules! shared {
    ($static:ident, $getter:ident, $builder:ident, $d:ty, $what:literal) => {
        static $static: LazyLock<RuleSet<Assessment, $d>> = LazyLock::new($builder);

        #[doc = concat!("The shared ", $what, " (built once).")]
        pub fn $getter() -> &'static RuleSet<Assessment, $d> {
            &$static
        }
    };
}

shared!(
    MODALITY_RULES,
    modality_rules,
    modality_rule_set,
    Modality,
    "modality rule set"
);
shared!(
    PALLIATIVE_RULES,
    palliative_rules,
    palliative_rule_set,
    SupportiveCare,
    "palliative option rule set"
);
shared!(
    ADDITIONAL_OPTION_RULES,
    additional_option_rules,
    additional_option_rule_set,
    AdditionalOption,
    "additional option rule set"
);
shared!(
    CAUTION_RULES,
    caution_rules,
    caution_rule_set,
    CautionScope,
    "caution rule set"
);
shared!(
    CONSIDERATION_RULES,
    consideration_rules,
    consideration_rule_set,
    (),
    "consideration rule set"
);
shared!(
    REASON_DETAIL_RULES,
    reason_detail_rules,
    reason_detail_rule_set,
    ReasonDetail,
    "reason-detail rule set"
);

/// Everything the options add to a recommendation.
pub(crate) struct OptionsReport {
    pub reason: Cow<'static, str>,
    pub reason_sources: Vec<Source>,
    pub line_of_therapy: Option<TherapyLine>,
    pub options: Vec<TreatmentOption>,
    pub omitted: Vec<OmittedRegimen>,
    pub cautions: Vec<Caution>,
    pub considerations: Vec<Consideration>,
}

fn merged(a: &[Source], b: &[Source]) -> Vec<Source> {
    let mut out: Vec<Source> = a.to_vec();
    for s in b {
        if !out.contains(s) {
            out.push(*s);
        }
    }
    out
}

/// The regimen options and omissions of the current line.
fn regimen_options(
    a: &Assessment,
    line_rule: &Rule<Assessment, LineOfTherapy>,
    options: &mut Vec<TreatmentOption>,
    omitted: &mut Vec<OmittedRegimen>,
) {
    let line = *line_rule.outcome();
    if line.later_line_construction() {
        options.push(TreatmentOption {
            id: Cow::Borrowed("clinical_trial"),
            name: Cow::Borrowed("Clinical trial"),
            detail: Cow::Borrowed("third line and later: a clinical trial first"),
            rule: Cow::Borrowed(line_rule.id()),
            evidence: Evidence::Guideline,
            regimen: None,
            components: Vec::new(),
            sources: cite(&[ASCO_2024]),
        });
    }
    let ecog_2_first_line = line == LineOfTherapy::First && a.ecog() == 2;
    let mut order: Vec<Regimen> = line.candidates().to_vec();
    if ecog_2_first_line {
        order.retain(|r| *r != Regimen::Sorafenib);
        order.insert(0, Regimen::Sorafenib);
    }
    let history = &a.case().history.systemic_regimens;
    for regimen in order {
        let why = omissions(a, line, regimen);
        if why.is_empty() {
            let mut detail = String::from(regimen.trial());
            match regimen {
                Regimen::Sorafenib if ecog_2_first_line => {
                    detail.push_str("; listed first for ECOG 2 (SHARP enrolled ECOG 0-2)");
                }
                Regimen::Cabozantinib
                    if line.later_line_construction()
                        && history.len() <= crate::regimens::CELESTIAL_MAX_PRIOR_LINES =>
                {
                    detail
                        .push_str("; not yet received (CELESTIAL admitted up to two prior lines)");
                }
                Regimen::Regorafenib => {
                    detail.push_str("; after sorafenib recorded as tolerated");
                }
                Regimen::Ramucirumab => {
                    if let Some(afp) = a.case().recurrence.afp_ng_ml {
                        detail.push_str(&format!(
                            "; AFP {} ng/mL >= {} ng/mL",
                            afp.get(),
                            a.policy().ramucirumab_min_afp_ng_ml
                        ));
                    }
                }
                _ => {}
            }
            if line.later_line_construction() && regimen != Regimen::Cabozantinib {
                detail.push_str("; adds a mechanism class not yet used");
            }
            options.push(TreatmentOption {
                id: Cow::Borrowed(regimen.wire_name()),
                name: Cow::Borrowed(regimen.name()),
                detail: Cow::Owned(detail),
                rule: Cow::Borrowed(line_rule.id()),
                evidence: line.evidence(regimen),
                regimen: Some(regimen),
                components: Vec::new(),
                sources: cite(&merged(regimen.sources(), line.guideline_sources())),
            });
        } else {
            for reason in why.iter() {
                let detail = match reason {
                    crate::regimens::OmissionReason::RamucirumabAfpBelowThreshold => {
                        let afp = a.case().recurrence.afp_ng_ml.map_or(0.0, |v| v.get());
                        Cow::Owned(format!(
                            "{}: AFP {afp} ng/mL < {} ng/mL",
                            reason.text(),
                            a.policy().ramucirumab_min_afp_ng_ml
                        ))
                    }
                    _ => Cow::Borrowed(reason.text()),
                };
                omitted.push(OmittedRegimen {
                    regimen,
                    name: Cow::Borrowed(regimen.name()),
                    reason,
                    detail,
                    sources: cite(reason.sources()),
                });
            }
        }
    }
}

/// Builds the options, cautions and considerations for an assessment whose pathway rule is
/// `rule`.
pub(crate) fn report(
    a: &Assessment,
    rule: &Rule<Assessment, Pathway>,
) -> Result<OptionsReport, Error> {
    let pathway = *rule.outcome();

    // The reason, with the details of spec §4.
    let mut prefixes = Vec::new();
    let mut suffixes = Vec::new();
    let mut reason_sources: Vec<Source> = rule.sources().to_vec();
    let mut no_further_line = false;
    for d in reason_detail_rules().all_matching(a) {
        match d.outcome() {
            ReasonDetail::Prefix => prefixes.push(d.reason()),
            ReasonDetail::Suffix => suffixes.push(d.reason()),
        }
        no_further_line |= d.id() == "no_supported_further_line";
        reason_sources = merged(&reason_sources, d.sources());
    }
    let reason = if prefixes.is_empty() && suffixes.is_empty() {
        Cow::Borrowed(rule.reason())
    } else {
        let parts: Vec<&str> = prefixes
            .iter()
            .copied()
            .chain(std::iter::once(rule.reason()))
            .chain(suffixes.iter().copied())
            .collect();
        Cow::Owned(parts.join("; "))
    };

    let mut options = Vec::new();
    let mut omitted = Vec::new();
    let mut line_of_therapy = None;
    let mut with_line = |options: &mut Vec<TreatmentOption>,
                         omitted: &mut Vec<OmittedRegimen>|
     -> Result<(), Error> {
        let line_rule = line_rules().decide(a)?;
        line_of_therapy = Some(TherapyLine {
            number: u8::try_from(a.regimens_received() + 1).unwrap_or(u8::MAX),
            line: *line_rule.outcome(),
            rule: Cow::Borrowed(line_rule.id()),
            reason: Cow::Borrowed(line_rule.reason()),
        });
        regimen_options(a, line_rule, options, omitted);
        Ok(())
    };
    match pathway {
        Pathway::RepeatIntervention => {
            let m = modality_rules().decide(a)?;
            options.push(TreatmentOption {
                id: Cow::Borrowed(m.outcome().wire_name()),
                name: Cow::Borrowed(m.outcome().name()),
                detail: Cow::Borrowed(m.reason()),
                rule: Cow::Borrowed(m.id()),
                evidence: Evidence::Guideline,
                regimen: None,
                components: Vec::new(),
                sources: cite(m.sources()),
            });
        }
        Pathway::SystemicTherapy => with_line(&mut options, &mut omitted)?,
        Pathway::PalliativeCare => {
            let p = palliative_rules().decide(a)?;
            options.push(TreatmentOption {
                id: Cow::Borrowed(p.outcome().wire_name()),
                name: Cow::Borrowed("Best supportive care"),
                detail: Cow::Owned(format!(
                    "{}; chosen by {}: {}",
                    p.reason(),
                    rule.id(),
                    reason
                )),
                rule: Cow::Borrowed(p.id()),
                evidence: Evidence::Guideline,
                regimen: None,
                components: BEST_SUPPORTIVE_CARE_COMPONENTS
                    .iter()
                    .map(|c| Cow::Borrowed(*c))
                    .collect(),
                sources: cite(&merged(p.sources(), rule.sources())),
            });
            if no_further_line {
                // R4/R7 say why: the line and every regimen left out.
                let mut ignored = Vec::new();
                with_line(&mut ignored, &mut omitted)?;
            }
        }
    }
    for x in additional_option_rules().all_matching(a) {
        options.push(TreatmentOption {
            id: Cow::Borrowed(x.outcome().wire_name()),
            name: Cow::Borrowed("TACE with systemic therapy"),
            detail: Cow::Borrowed(x.reason()),
            rule: Cow::Borrowed(x.id()),
            evidence: Evidence::NotStandardOfCare,
            regimen: None,
            components: Vec::new(),
            sources: cite(x.sources()),
        });
    }

    let offered: Vec<Regimen> = options.iter().filter_map(|o| o.regimen).collect();
    let cautions = caution_rules()
        .all_matching(a)
        .filter_map(|c| {
            let applies_to = match c.outcome() {
                CautionScope::Case => Vec::new(),
                CautionScope::Regimens(set) => {
                    let hit: Vec<Regimen> = offered
                        .iter()
                        .copied()
                        .filter(|r| set.contains(*r))
                        .collect();
                    if hit.is_empty() {
                        return None;
                    }
                    hit
                }
            };
            Some(Caution {
                id: Cow::Borrowed(c.id()),
                text: Cow::Borrowed(c.reason()),
                applies_to,
                sources: cite(c.sources()),
            })
        })
        .collect();
    let considerations = consideration_rules()
        .all_matching(a)
        .map(|c| Consideration {
            id: Cow::Borrowed(c.id()),
            text: Cow::Borrowed(c.reason()),
            sources: cite(c.sources()),
        })
        .collect();
    Ok(OptionsReport {
        reason,
        reason_sources,
        line_of_therapy,
        options,
        omitted,
        cautions,
        considerations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_builds() {
        assert_eq!(modality_rule_set().rules().len(), 7);
        assert_eq!(palliative_rule_set().rules().len(), 1);
        assert_eq!(additional_option_rule_set().rules().len(), 1);
        assert!(caution_rule_set().rules().len() >= 19);
        assert_eq!(consideration_rule_set().rules().len(), 6);
        assert_eq!(reason_detail_rule_set().rules().len(), 2);
    }

    #[test]
    fn no_tace_modality_rule_admits_a_refractory_case() {
        let rs = modality_rule_set();
        let refractory = rs
            .leaves()
            .iter()
            .position(|p| p.id() == "tace_refractory")
            .map(|i| 1u64 << i);
        let Some(bit) = refractory else {
            panic!("the modality rules must read tace_refractory")
        };
        for mask in 0..(1u64 << rs.leaves().len()) {
            for i in rs.matches_for_mask(mask) {
                let m = rs.rules()[i].outcome();
                assert!(
                    !(m.contains_tace() && mask & bit != 0),
                    "rule {} chooses {m} for a refractory mask",
                    rs.rules()[i].id()
                );
            }
        }
    }

    #[test]
    fn modality_rules_never_overlap() {
        let rs = modality_rule_set();
        for mask in 0..(1u64 << rs.leaves().len()) {
            assert!(rs.matches_for_mask(mask).count() <= 1, "mask {mask:b}");
        }
    }

    #[test]
    fn decided_by_knows_every_pathway_rule() {
        for r in pathway_rules().rules() {
            assert!(decided_by(r.id()).is_some(), "{}", r.id());
        }
        assert!(decided_by("R8").is_none());
    }
}
