//! What the rule sets decide: pathways and the rules that choose them, lines of therapy,
//! procedures, treatment options, evidence levels and the reasons a regimen is left out.
//!
//! These are the words every later stage and the output speak; the tables that decide them
//! live in [`crate::pathway`] and the option modules.

use std::fmt;

use crate::case::{Regimen, RegimenSet};
use crate::macros::{bit_set, wire_enum};
use crate::sources::Source;

pub use crate::pathway_names::{Pathway, PathwayRule, PathwayRules};

wire_enum! {
    /// The line of systemic therapy, and for the second line what it follows (spec §7).
    #[non_exhaustive]
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
}

wire_enum! {
    /// The procedure of a repeat intervention (spec §6).
    #[non_exhaustive]
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

    /// Whether the procedure includes TACE (never chosen when TACE is excluded).
    pub fn contains_tace(self) -> bool {
        matches!(
            self,
            Modality::TacePlusPei | Modality::TacePlusAblation | Modality::RepeatTace
        )
    }
}

/// One concrete option a recommendation can offer: a procedure, a regimen, a clinical trial,
/// best supportive care, or TACE with systemic therapy. Its wire name is the procedure's or the
/// regimen's, or `clinical_trial`, `best_supportive_care`, `tace_with_systemic`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TreatmentId {
    /// A procedure of a repeat intervention.
    Procedure(Modality),
    /// A systemic regimen.
    Regimen(Regimen),
    /// A clinical trial.
    ClinicalTrial,
    /// Best supportive care.
    BestSupportiveCare,
    /// TACE with systemic therapy (EMERALD-1, LEAP-012): not standard of care.
    TaceWithSystemic,
}

impl TreatmentId {
    /// Every option, in a fixed order (procedures, regimens, then the others).
    pub fn all() -> impl Iterator<Item = TreatmentId> {
        Modality::ALL
            .iter()
            .map(|m| TreatmentId::Procedure(*m))
            .chain(Regimen::ALL.iter().map(|r| TreatmentId::Regimen(*r)))
            .chain([
                TreatmentId::ClinicalTrial,
                TreatmentId::BestSupportiveCare,
                TreatmentId::TaceWithSystemic,
            ])
    }

    /// The wire name.
    pub fn wire_name(self) -> &'static str {
        match self {
            TreatmentId::Procedure(m) => m.wire_name(),
            TreatmentId::Regimen(r) => r.wire_name(),
            TreatmentId::ClinicalTrial => "clinical_trial",
            TreatmentId::BestSupportiveCare => "best_supportive_care",
            TreatmentId::TaceWithSystemic => "tace_with_systemic",
        }
    }

    /// The option of a wire name.
    pub fn from_wire(name: &str) -> Option<TreatmentId> {
        TreatmentId::all().find(|t| t.wire_name() == name)
    }

    /// Its name for clinicians.
    pub fn name(self) -> &'static str {
        match self {
            TreatmentId::Procedure(m) => m.name(),
            TreatmentId::Regimen(r) => r.name(),
            TreatmentId::ClinicalTrial => "Clinical trial",
            TreatmentId::BestSupportiveCare => "Best supportive care",
            TreatmentId::TaceWithSystemic => "TACE with systemic therapy",
        }
    }

    /// Whether the option includes TACE.
    pub fn contains_tace(self) -> bool {
        match self {
            TreatmentId::Procedure(m) => m.contains_tace(),
            TreatmentId::TaceWithSystemic => true,
            _ => false,
        }
    }

    /// Bit position in an [`OptionSet`].
    const fn bit(self) -> u64 {
        let i = match self {
            TreatmentId::Procedure(m) => m as u32,
            TreatmentId::Regimen(r) => 8 + r as u32,
            TreatmentId::ClinicalTrial => 40,
            TreatmentId::BestSupportiveCare => 41,
            TreatmentId::TaceWithSystemic => 42,
        };
        1u64 << i
    }
}

impl PartialEq<&str> for TreatmentId {
    fn eq(&self, other: &&str) -> bool {
        self.wire_name() == *other
    }
}

/// Prints the wire name.
impl fmt::Display for TreatmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

/// Every option's wire name, in the order of [`TreatmentId::all`].
static TREATMENT_NAMES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| TreatmentId::all().map(TreatmentId::wire_name).collect());

/// Parses the wire name, exactly (as [`TreatmentId::from_wire`], with an error naming every
/// accepted name).
///
/// ```
/// use hcc_pathways::outcomes::{Modality, TreatmentId};
/// assert_eq!("tace_plus_pei".parse::<TreatmentId>()?, TreatmentId::Procedure(Modality::TacePlusPei));
/// assert!("tace".parse::<TreatmentId>().is_err()); // a received procedure, not an option
/// # Ok::<(), hcc_pathways::error::ParseNameError>(())
/// ```
impl std::str::FromStr for TreatmentId {
    type Err = crate::error::parse_name::ParseNameError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TreatmentId::from_wire(text).ok_or_else(|| {
            crate::error::parse_name::ParseNameError::new("TreatmentId", &TREATMENT_NAMES, text)
        })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for TreatmentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.wire_name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TreatmentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        TreatmentId::from_wire(&name)
            .ok_or_else(|| serde::de::Error::custom("unknown treatment option id"))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for TreatmentId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("TreatmentId")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = TreatmentId::all().map(TreatmentId::wire_name).collect();
        schemars::json_schema!({
            "description": "A treatment option: a procedure, a regimen, `clinical_trial`, `best_supportive_care` or `tace_with_systemic`.",
            "type": "string",
            "enum": names,
        })
    }
}

/// A set of treatment options (what a caution concerns, what a recommendation offers).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OptionSet(u64);

impl OptionSet {
    /// The empty set.
    pub const EMPTY: OptionSet = OptionSet(0);

    /// This set with `option` added.
    #[must_use]
    pub const fn with(self, option: TreatmentId) -> Self {
        OptionSet(self.0 | option.bit())
    }

    /// This set with every regimen of `regimens` added.
    #[must_use]
    pub fn with_regimens(self, regimens: RegimenSet) -> Self {
        regimens
            .iter()
            .fold(self, |s, r| s.with(TreatmentId::Regimen(r)))
    }

    /// Every procedure (only those that contain TACE when `tace_only`).
    pub fn procedures(tace_only: bool) -> Self {
        Modality::ALL
            .iter()
            .filter(|m| !tace_only || m.contains_tace())
            .fold(OptionSet::EMPTY, |s, m| s.with(TreatmentId::Procedure(*m)))
    }

    /// Whether `option` is in the set.
    pub const fn contains(self, option: TreatmentId) -> bool {
        self.0 & option.bit() != 0
    }

    /// Both sets' options.
    #[must_use]
    pub const fn union(self, other: OptionSet) -> Self {
        OptionSet(self.0 | other.0)
    }

    /// The options in both sets.
    #[must_use]
    pub const fn intersection(self, other: OptionSet) -> Self {
        OptionSet(self.0 & other.0)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many options the set holds.
    ///
    /// ```
    /// use hcc_pathways::outcomes::{OptionSet, TreatmentId};
    /// let set = OptionSet::EMPTY.with(TreatmentId::BestSupportiveCare);
    /// assert_eq!(set.len(), 1);
    /// assert_eq!(OptionSet::EMPTY.len(), 0);
    /// ```
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The options, in the order of [`TreatmentId::all`].
    pub fn iter(self) -> impl Iterator<Item = TreatmentId> {
        TreatmentId::all().filter(move |t| self.contains(*t))
    }
}

impl FromIterator<TreatmentId> for OptionSet {
    fn from_iter<I: IntoIterator<Item = TreatmentId>>(iter: I) -> Self {
        iter.into_iter().fold(OptionSet::EMPTY, OptionSet::with)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for OptionSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for OptionSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<TreatmentId>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for OptionSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("OptionSet")
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A set of treatment options, each listed once.",
            "type": "array",
            "items": g.subschema_for::<TreatmentId>(),
            "uniqueItems": true,
        })
    }
}

wire_enum! {
    /// How strong the evidence behind an option is, as the guideline states it.
    #[non_exhaustive]
    Evidence {
        /// Strong recommendation (ASCO 2024, first line).
        Strong = "strong",
        /// A positive phase 3 trial (first line).
        Phase3Trial = "phase_3_trial",
        /// An alternative to the preferred first-line options.
        Alternative = "alternative",
        /// Second line after a checkpoint-inhibitor first line: recommended, low-quality
        /// evidence, weak recommendation (ASCO 2024).
        RecommendedLowQualityWeak = "recommended_low_quality_weak",
        /// Second line after sorafenib or lenvatinib: recommended, phase 3 evidence after
        /// sorafenib (ASCO 2024).
        RecommendedPhase3AfterSorafenib = "recommended_phase_3_after_sorafenib",
        /// Recommended, weak (ASCO 2024).
        RecommendedWeak = "recommended_weak",
        /// May be considered, expert consensus (ASCO 2024).
        MayBeConsidered = "may_be_considered",
        /// Weak evidence (ASCO 2024, third line and later).
        Weak = "weak",
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
            Evidence::Phase3Trial => "phase 3 trial",
            Evidence::Alternative => "alternative to the preferred first-line options",
            Evidence::RecommendedLowQualityWeak => {
                "recommended, low-quality evidence, weak recommendation (ASCO 2024)"
            }
            Evidence::RecommendedPhase3AfterSorafenib => {
                "recommended, phase 3 evidence after sorafenib (ASCO 2024)"
            }
            Evidence::RecommendedWeak => "recommended, weak (ASCO 2024)",
            Evidence::MayBeConsidered => "may be considered, expert consensus (ASCO 2024)",
            Evidence::Weak => "weak evidence (ASCO 2024)",
            Evidence::Guideline => "guideline recommendation",
            Evidence::NotStandardOfCare => {
                "not standard of care: for MDT or clinical-trial consideration"
            }
        }
    }
}

wire_enum! {
    /// Why a candidate regimen of the current line is left out (spec §7). Each is the outcome
    /// of one omission rule of the same id.
    #[non_exhaustive]
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
        /// Ramucirumab with AFP below the policy's threshold.
        RamucirumabAfpBelowThreshold = "ramucirumab_afp_below_threshold",
        /// Third line and later: the regimen adds no mechanism class not yet used.
        NoNewMechanismClass = "no_new_mechanism_class",
    }
}

bit_set! {
    /// A set of omission reasons (one candidate regimen may be left out for several).
    OmissionSet of OmissionReason
}

/// One option of a line of therapy, in the order the guideline lists it: what it is, how strong
/// the evidence is, the detail shown (a template: it may show policy settings), and its sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderEntry {
    /// The option (a regimen, or the clinical trial that comes first from the third line).
    pub option: TreatmentId,
    /// The evidence label.
    pub evidence: Evidence,
    /// The detail: trial and why it is listed here.
    pub detail: &'static str,
    /// Its sources.
    pub sources: &'static [Source],
}

impl OrderEntry {
    /// The regimen, when the option is one.
    pub fn regimen(&self) -> Option<Regimen> {
        match self.option {
            TreatmentId::Regimen(r) => Some(r),
            _ => None,
        }
    }
}
