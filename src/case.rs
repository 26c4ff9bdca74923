//! The case model: everything spec §2 says a recurrent-HCC case must carry.
//!
//! Every field is typed; quantities are validated newtypes ([`crate::quantity`]); sets are bit
//! sets; the whole [`Case`] is `Copy` and owns no heap memory, so evaluating one never allocates.
//! A [`Case`] is valid by construction: it is obtained only checked — from JSON
//! ([`Case::from_json`], serde) or from typed facts ([`Case::builder`], [`CaseBuilder`]) — so
//! [`crate::recommend`] and [`crate::classify`] read it without checking it again. Its parts
//! ([`PerformanceStatus`], [`LiverFunction`], …) are plain data with public fields; per-field
//! ranges are checked when a value is built, the facts that depend on each other when a case
//! is.

#[cfg(feature = "schemars")]
use std::borrow::Cow;
use std::fmt;

mod builder;

pub use builder::CaseBuilder;

use crate::error::Error;
use crate::quantity::{
    AfpNgMl, Albumin, Bilirubin, ChildPughScore, Count, DiameterMm, Ecog, Inr, Months, NoduleCount,
};

crate::macros::wire_enum! {
    /// What the patient wants from care.
    GoalsOfCare {
        /// Active anticancer treatment is wanted.
        ActiveTreatment = "active_treatment",
        /// Comfort-focused care was chosen.
        ComfortFocused = "comfort_focused",
    }
}

crate::macros::wire_enum! {
    /// Ascites, as scored by Child–Pugh.
    Ascites {
        /// None (1 point).
        Absent = "none",
        /// Mild, or controlled by diuretics (2 points).
        MildOrControlled = "mild_or_controlled",
        /// Moderate to severe (3 points).
        ModerateToSevere = "moderate_to_severe",
    }
}

crate::macros::wire_enum! {
    /// Hepatic encephalopathy, as scored by Child–Pugh.
    Encephalopathy {
        /// None (1 point).
        Absent = "none",
        /// Grade 1–2 (2 points).
        Grade1To2 = "grade_1_2",
        /// Grade 3–4 (3 points).
        Grade3To4 = "grade_3_4",
    }
}

crate::macros::wire_enum! {
    /// Macrovascular invasion by the tumour.
    #[non_exhaustive]
    MacrovascularInvasion {
        /// No macrovascular invasion.
        Absent = "none",
        /// A portal-vein branch.
        PortalVeinBranch = "portal_vein_branch",
        /// The main portal vein.
        MainPortalVein = "main_portal_vein",
        /// A hepatic vein or the inferior vena cava.
        HepaticVeinOrIvc = "hepatic_vein_or_ivc",
    }
}

crate::macros::wire_enum! {
    /// A site of spread outside the liver.
    #[non_exhaustive]
    ExtrahepaticSite {
        /// Lung.
        Lung = "lung",
        /// Lymph node.
        LymphNode = "lymph_node",
        /// Bone.
        Bone = "bone",
        /// Adrenal gland.
        Adrenal = "adrenal",
        /// Peritoneum.
        Peritoneum = "peritoneum",
        /// Brain.
        Brain = "brain",
        /// Any other site.
        Other = "other",
    }
}

crate::macros::wire_enum! {
    /// An interventional or surgical procedure received before this recurrence.
    #[non_exhaustive]
    Procedure {
        /// Transarterial chemoembolization.
        Tace = "tace",
        /// Transarterial (bland) embolization.
        Tae = "tae",
        /// Transarterial radioembolization.
        Tare = "tare",
        /// Radiofrequency ablation.
        Rfa = "rfa",
        /// Microwave ablation.
        Mwa = "mwa",
        /// Percutaneous ethanol injection.
        Pei = "pei",
        /// Surgical resection.
        Resection = "resection",
    }
}

crate::macros::wire_enum! {
    /// Autoimmune disease, as it bears on checkpoint inhibitors.
    #[non_exhaustive]
    AutoimmuneDisease {
        /// None.
        Absent = "none",
        /// Previously documented, inactive.
        Inactive = "inactive",
        /// Active, needing systemic treatment.
        ActiveOnSystemicTreatment = "active_on_systemic_treatment",
    }
}

crate::macros::wire_enum! {
    /// Oesophageal varices, as they bear on bevacizumab and other VEGF-pathway drugs.
    #[non_exhaustive]
    Varices {
        /// Not screened by endoscopy in the last 6 months.
        NotScreened = "not_screened",
        /// None, or treated.
        NoneOrTreated = "none_or_treated",
        /// Untreated high-risk varices.
        UntreatedHighRisk = "untreated_high_risk",
        /// Variceal bleeding in the last 6 months.
        RecentBleeding = "recent_bleeding",
    }
}

crate::macros::wire_enum! {
    /// A systemic regimen (received, or offered by the option rules).
    ///
    /// `other` can be recorded as received; the rules do not offer it.
    #[non_exhaustive]
    Regimen {
        /// Atezolizumab + bevacizumab (IMbrave150).
        AtezolizumabBevacizumab = "atezolizumab_bevacizumab",
        /// Durvalumab + tremelimumab, STRIDE (HIMALAYA).
        DurvalumabTremelimumab = "durvalumab_tremelimumab",
        /// Nivolumab + ipilimumab (CheckMate 9DW).
        NivolumabIpilimumab = "nivolumab_ipilimumab",
        /// Camrelizumab + rivoceranib (CARES-310).
        CamrelizumabRivoceranib = "camrelizumab_rivoceranib",
        /// Lenvatinib (REFLECT).
        Lenvatinib = "lenvatinib",
        /// Sorafenib (SHARP).
        Sorafenib = "sorafenib",
        /// Durvalumab alone (HIMALAYA).
        Durvalumab = "durvalumab",
        /// Tislelizumab alone (RATIONALE-301).
        Tislelizumab = "tislelizumab",
        /// Cabozantinib (CELESTIAL).
        Cabozantinib = "cabozantinib",
        /// Regorafenib (RESORCE).
        Regorafenib = "regorafenib",
        /// Ramucirumab (REACH-2).
        Ramucirumab = "ramucirumab",
        /// Pembrolizumab alone (second line after sorafenib or lenvatinib, may be considered).
        Pembrolizumab = "pembrolizumab",
        /// Nivolumab alone (second line after sorafenib or lenvatinib, may be considered).
        Nivolumab = "nivolumab",
        /// Any other regimen (recorded history only; adds no known mechanism class).
        Other = "other",
    }
}

crate::macros::wire_enum! {
    /// A mechanism class of systemic drugs (spec §7).
    #[non_exhaustive]
    MechanismClass {
        /// VEGF-pathway kinase inhibitor (sorafenib, lenvatinib, cabozantinib, regorafenib,
        /// rivoceranib).
        VegfKinaseInhibitor = "vegf_kinase_inhibitor",
        /// Anti-VEGF/VEGFR2 antibody (bevacizumab, ramucirumab).
        AntiVegfAntibody = "anti_vegf_antibody",
        /// Anti-PD-1 or anti-PD-L1 antibody.
        AntiPd1Pdl1 = "anti_pd1_pdl1",
        /// Anti-CTLA-4 antibody.
        AntiCtla4 = "anti_ctla4",
    }
}

crate::macros::bit_set! {
    /// A set of extrahepatic sites (a JSON array of names).
    SiteSet of ExtrahepaticSite
}

crate::macros::bit_set! {
    /// A set of procedures (a JSON array of names).
    ProcedureSet of Procedure
}

crate::macros::bit_set! {
    /// A set of regimens.
    RegimenSet of Regimen
}

crate::macros::bit_set! {
    /// A set of mechanism classes.
    ClassSet of MechanismClass
}

impl Regimen {
    /// The mechanism classes the regimen's drugs belong to.
    pub fn classes(self) -> ClassSet {
        use MechanismClass::*;
        match self {
            Regimen::AtezolizumabBevacizumab => ClassSet::of(&[AntiPd1Pdl1, AntiVegfAntibody]),
            Regimen::DurvalumabTremelimumab | Regimen::NivolumabIpilimumab => {
                ClassSet::of(&[AntiPd1Pdl1, AntiCtla4])
            }
            Regimen::CamrelizumabRivoceranib => ClassSet::of(&[AntiPd1Pdl1, VegfKinaseInhibitor]),
            Regimen::Lenvatinib
            | Regimen::Sorafenib
            | Regimen::Cabozantinib
            | Regimen::Regorafenib => ClassSet::of(&[VegfKinaseInhibitor]),
            Regimen::Durvalumab
            | Regimen::Tislelizumab
            | Regimen::Pembrolizumab
            | Regimen::Nivolumab => ClassSet::of(&[AntiPd1Pdl1]),
            Regimen::Ramucirumab => ClassSet::of(&[AntiVegfAntibody]),
            Regimen::Other => ClassSet::EMPTY,
        }
    }

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

    /// Whether the regimen contains a checkpoint inhibitor.
    pub fn has_checkpoint_inhibitor(self) -> bool {
        let c = self.classes();
        c.contains(MechanismClass::AntiPd1Pdl1) || c.contains(MechanismClass::AntiCtla4)
    }

    /// Whether the regimen contains a VEGF-pathway drug (kinase inhibitor or antibody).
    pub fn has_vegf_pathway_drug(self) -> bool {
        let c = self.classes();
        c.contains(MechanismClass::VegfKinaseInhibitor)
            || c.contains(MechanismClass::AntiVegfAntibody)
    }
}

/// Performance status.
///
/// In JSON both keys are written; `null` says a fact is not known (spec §8). `cancer_related`
/// may be left out unless ECOG is 1 or 2.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::performance_status))]
pub struct PerformanceStatus {
    /// ECOG 0–4; `None` (`null`): not known.
    pub ecog: Option<Ecog>,
    /// Whether an ECOG 1–2 impairment is caused by the cancer (BCLC 2022: only cancer-related
    /// impairment upstages). Required when ECOG is 1 or 2 (`null`: not known); ignored
    /// otherwise.
    pub cancer_related: Option<bool>,
}

/// Liver function: a recorded Child–Pugh score, its five components, or both (they must agree).
/// Bilirubin and albumin together also give ALBI.
///
/// In JSON the score key, or all five component keys, must be written; any of them may be
/// `null` (not known). With the score unknown, Child–Pugh is the range the known components
/// allow (each unknown one scores 1 to 3 points); all unknown: 5 to 15.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::liver_function))]
pub struct LiverFunction {
    /// Child–Pugh score 5–15 as recorded.
    pub child_pugh_score: Option<ChildPughScore>,
    /// Serum total bilirubin with its unit (`mg_dl` or `umol_l`).
    pub bilirubin: Option<Bilirubin>,
    /// Serum albumin with its unit (`g_dl` or `g_l`).
    pub albumin: Option<Albumin>,
    /// INR.
    pub inr: Option<Inr>,
    /// Ascites.
    pub ascites: Option<Ascites>,
    /// Hepatic encephalopathy.
    pub encephalopathy: Option<Encephalopathy>,
}

/// The recurrence inside the liver.
///
/// In JSON `nodules`, `infiltrative` and `unsafe_ablation_location` are always written
/// (`null`: not known); `largest_diameter_mm` when there is at least one nodule and the growth
/// is not infiltrative.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::intrahepatic))]
pub struct Intrahepatic {
    /// Number of nodules (0 only with extrahepatic spread or vascular invasion).
    pub nodules: Option<NoduleCount>,
    /// Diameter of the largest nodule in whole millimetres; required when there is at least
    /// one nodule, unless the growth is infiltrative; not allowed without nodules.
    pub largest_diameter_mm: Option<DiameterMm>,
    /// Infiltrative or diffuse growth.
    pub infiltrative: Option<bool>,
    /// A nodule lies where thermal ablation is unsafe (next to a major vessel, the main bile
    /// duct, the gallbladder or bowel).
    pub unsafe_ablation_location: Option<bool>,
}

/// The recurrence: intrahepatic disease, vascular invasion, extrahepatic spread, AFP.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::recurrence))]
pub struct Recurrence {
    /// Disease inside the liver.
    pub intrahepatic: Intrahepatic,
    /// Macrovascular invasion; `null`: not known.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub macrovascular_invasion: Option<MacrovascularInvasion>,
    /// Sites of spread outside the liver (empty when none); `null`: not known.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub extrahepatic_sites: Option<SiteSet>,
    /// Serum AFP in ng/mL; absent or `null`: not known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub afp_ng_ml: Option<AfpNgMl>,
}

/// A systemic regimen received, with whether it was tolerated (unknown if not recorded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PriorRegimen {
    /// The regimen.
    pub regimen: Regimen,
    /// Whether it was tolerated, if recorded.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tolerated: Option<bool>,
}

/// The systemic regimens received, oldest first (at most [`RegimenHistory::CAPACITY`]).
///
/// ```
/// use hcc_pathways::case::{PriorRegimen, Regimen, RegimenHistory};
/// let h = RegimenHistory::new(&[PriorRegimen { regimen: Regimen::Sorafenib, tolerated: Some(true) }])?;
/// assert_eq!(h.last().map(|p| p.regimen), Some(Regimen::Sorafenib));
/// assert_eq!(h.len(), 1);
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RegimenHistory {
    len: u8,
    items: [PriorRegimen; RegimenHistory::CAPACITY],
}

const HISTORY_FIELD: &str = "history.systemic_regimens";
const PLACEHOLDER: PriorRegimen = PriorRegimen {
    regimen: Regimen::Other,
    tolerated: None,
};

impl RegimenHistory {
    /// The most regimens a history holds: more lines than any trial or guideline addresses.
    pub const CAPACITY: usize = 12;

    /// No regimen received.
    pub const EMPTY: RegimenHistory = RegimenHistory {
        len: 0,
        items: [PLACEHOLDER; RegimenHistory::CAPACITY],
    };

    /// A history from a list, oldest first.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `history.systemic_regimens` when the list is longer than
    /// [`RegimenHistory::CAPACITY`].
    pub fn new(items: &[PriorRegimen]) -> Result<Self, Error> {
        if items.len() > Self::CAPACITY {
            return Err(Error::invalid(
                HISTORY_FIELD,
                crate::error::out_of_range("at most 12 regimens", items.len()),
            ));
        }
        let mut h = Self::EMPTY;
        h.items[..items.len()].copy_from_slice(items);
        h.len = items.len() as u8;
        Ok(h)
    }

    /// The regimens, oldest first.
    pub fn as_slice(&self) -> &[PriorRegimen] {
        &self.items[..usize::from(self.len)]
    }

    /// How many regimens were received (the current line is this + 1).
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether no regimen was received.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most recent regimen.
    pub fn last(&self) -> Option<PriorRegimen> {
        self.as_slice().last().copied()
    }

    /// The set of regimens received.
    pub fn received(&self) -> RegimenSet {
        self.as_slice().iter().map(|p| p.regimen).collect()
    }

    /// The mechanism classes already used.
    pub fn classes_used(&self) -> ClassSet {
        self.as_slice().iter().fold(ClassSet::EMPTY, |s, p| {
            ClassSet(s.0 | p.regimen.classes().0)
        })
    }
}

impl Default for RegimenHistory {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl fmt::Debug for RegimenHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for RegimenHistory {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for RegimenHistory {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<PriorRegimen>::deserialize(d)?;
        RegimenHistory::new(&items).map_err(|e| match e {
            Error::Invalid { reason, .. } => serde::de::Error::custom(reason),
            other => serde::de::Error::custom(other),
        })
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for RegimenHistory {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("RegimenHistory")
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "items": g.subschema_for::<PriorRegimen>(),
            "maxItems": RegimenHistory::CAPACITY,
            "description": "Systemic regimens received, oldest first.",
        })
    }
}

/// Treatment history before this recurrence. Every fact but `procedures` may be `null`, not
/// known.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::history))]
pub struct History {
    /// Interventional and surgical procedures received (at least one; always known).
    pub procedures: ProcedureSet,
    /// Consecutive insufficient responses to TACE (viable tumour > 50 % on imaging 1–3 months
    /// after TACE). Without TACE or TAE in `procedures` an unknown count is 0.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub tace_insufficient_responses: Option<Count>,
    /// Consecutive intrahepatic progressions after TACE (0 when unknown without TACE or TAE).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub tace_intrahepatic_progressions: Option<Count>,
    /// AFP rising continuously right after TACE (no when unknown without TACE or TAE).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub afp_rising_after_tace: Option<bool>,
    /// Months from the last procedure to the diagnosis of this recurrence.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub months_since_last_procedure: Option<Months>,
    /// Systemic regimens received, oldest first; `null`: not known.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub systemic_regimens: Option<RegimenHistory>,
}

/// Facts that decide whether a drug is safe; each may be `null`, not known.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::drug_safety))]
pub struct DrugSafety {
    /// The patient is a liver-transplant recipient.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub liver_transplant_recipient: Option<bool>,
    /// Autoimmune disease.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub autoimmune_disease: Option<AutoimmuneDisease>,
    /// Oesophageal varices.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub varices: Option<Varices>,
    /// HBsAg positive; absent or `null`: not tested or not known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub hbsag_positive: Option<bool>,
}

/// A patient whose HCC recurred after interventional therapy: the input of
/// [`recommend`](crate::recommend).
///
/// Every fact but the procedures received may be unknown (spec §8): `None` here, `null` in
/// JSON. The recommendation is still decided when no completion of the unknown facts could
/// change the pathway; otherwise it names the facts needed ([`crate::decide`]).
///
/// ```
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let case = hcc_pathways::Case::from_json(&json)?;
/// assert_eq!(case.recurrence().intrahepatic.nodules.map(|n| n.get()), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A case is valid by construction: it is obtained only checked, so the functions that read
/// one never check it again. The ways in are [`Case::from_json`] (and
/// [`Case::from_json_bytes`], [`Case::from_json_all`], serde's `Deserialize`), which reject
/// unknown fields and name each problem by its JSON path, and [`Case::builder`] with typed
/// setters, whose [`CaseBuilder::build`] gives the same errors; [`Case::to_builder`] derives a
/// changed case. The facts are read through [`Case::performance_status`],
/// [`Case::liver_function`], [`Case::goals_of_care`], [`Case::recurrence`],
/// [`Case::history`] and [`Case::drug_safety`].
///
/// Its fields are private, so an unchecked case cannot be written or changed in place:
///
/// ```compile_fail
/// # let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json").unwrap();
/// let mut case = hcc_pathways::Case::from_json(&json).unwrap();
/// case.performance_status.ecog = None;
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::case))]
pub struct Case {
    /// Performance status.
    pub(crate) performance_status: PerformanceStatus,
    /// Liver function.
    pub(crate) liver_function: LiverFunction,
    /// Goals of care; `null`: not known.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "nullable"))]
    pub(crate) goals_of_care: Option<GoalsOfCare>,
    /// The recurrence.
    pub(crate) recurrence: Recurrence,
    /// Treatment history.
    pub(crate) history: History,
    /// Drug-safety facts.
    pub(crate) drug_safety: DrugSafety,
}

impl Case {
    /// Performance status.
    ///
    /// ```
    /// use hcc_pathways::case::{Case, Procedure};
    /// let case = Case::builder().ecog(1).cancer_related(false).procedures([Procedure::Rfa]).build()?;
    /// assert_eq!(case.performance_status().ecog.map(|e| e.get()), Some(1));
    /// assert_eq!(case.performance_status().cancer_related, Some(false));
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn performance_status(&self) -> &PerformanceStatus {
        &self.performance_status
    }

    /// Liver function, the lab values in the units they were given in.
    ///
    /// ```
    /// use hcc_pathways::case::{Case, Procedure};
    /// use hcc_pathways::quantity::BilirubinUnit;
    /// let case = Case::builder().bilirubin(20.0, BilirubinUnit::UmolL).procedures([Procedure::Tace]).build()?;
    /// let bilirubin = case.liver_function().bilirubin.expect("set");
    /// assert_eq!((bilirubin.value(), bilirubin.unit()), (20.0, BilirubinUnit::UmolL));
    /// assert!(case.liver_function().inr.is_none()); // never set: not known
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn liver_function(&self) -> &LiverFunction {
        &self.liver_function
    }

    /// Goals of care; `None`: not known.
    ///
    /// ```
    /// use hcc_pathways::case::{Case, GoalsOfCare, Procedure};
    /// let b = Case::builder().procedures([Procedure::Tace]);
    /// assert_eq!(b.build()?.goals_of_care(), None);
    /// let comfort = b.goals_of_care(GoalsOfCare::ComfortFocused).build()?;
    /// assert_eq!(comfort.goals_of_care(), Some(GoalsOfCare::ComfortFocused));
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn goals_of_care(&self) -> Option<GoalsOfCare> {
        self.goals_of_care
    }

    /// The recurrence.
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// let r = case.recurrence();
    /// assert_eq!(r.intrahepatic.largest_diameter_mm.map(|d| d.get()), Some(18));
    /// assert_eq!(r.afp_ng_ml.map(|a| a.get()), Some(12.5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recurrence(&self) -> &Recurrence {
        &self.recurrence
    }

    /// Treatment history.
    ///
    /// ```
    /// use hcc_pathways::case::Procedure;
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert!(case.history().procedures.contains(Procedure::Tace));
    /// assert_eq!(case.history().months_since_last_procedure.map(|m| m.get()), Some(14));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Drug-safety facts.
    ///
    /// ```
    /// use hcc_pathways::case::Varices;
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert_eq!(case.drug_safety().varices, Some(Varices::NoneOrTreated));
    /// assert_eq!(case.drug_safety().hbsag_positive, Some(true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn drug_safety(&self) -> &DrugSafety {
        &self.drug_safety
    }
}

/// Every JSON path [`Case::unknown_facts`] may name, in document order.
pub const FACT_PATHS: [&str; 26] = [
    "performance_status.ecog",
    "performance_status.cancer_related",
    "liver_function.child_pugh_score",
    "liver_function.bilirubin",
    "liver_function.albumin",
    "liver_function.inr",
    "liver_function.ascites",
    "liver_function.encephalopathy",
    "goals_of_care",
    "recurrence.intrahepatic.nodules",
    "recurrence.intrahepatic.largest_diameter_mm",
    "recurrence.intrahepatic.infiltrative",
    "recurrence.intrahepatic.unsafe_ablation_location",
    "recurrence.macrovascular_invasion",
    "recurrence.extrahepatic_sites",
    "recurrence.afp_ng_ml",
    "history.tace_insufficient_responses",
    "history.tace_intrahepatic_progressions",
    "history.afp_rising_after_tace",
    "history.months_since_last_procedure",
    "history.systemic_regimens",
    "history.systemic_regimens[].tolerated",
    "drug_safety.liver_transplant_recipient",
    "drug_safety.autoimmune_disease",
    "drug_safety.varices",
    "drug_safety.hbsag_positive",
];

impl Case {
    /// The JSON paths of the facts this case leaves unknown, in document order (a Child–Pugh
    /// score that its components give is not unknown).
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert_eq!(case.unknown_facts().count(), 0);
    /// let case = case.to_builder().unknown("drug_safety.varices").build()?;
    /// assert_eq!(case.unknown_facts().collect::<Vec<_>>(), ["drug_safety.varices"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unknown_facts(&self) -> impl Iterator<Item = &'static str> + '_ {
        let ps = &self.performance_status;
        let lf = &self.liver_function;
        let components = [
            (lf.bilirubin.is_none(), "liver_function.bilirubin"),
            (lf.albumin.is_none(), "liver_function.albumin"),
            (lf.inr.is_none(), "liver_function.inr"),
            (lf.ascites.is_none(), "liver_function.ascites"),
            (lf.encephalopathy.is_none(), "liver_function.encephalopathy"),
        ];
        let score_known = lf.child_pugh_score.is_some() || components.iter().all(|(u, _)| !u);
        let ih = &self.recurrence.intrahepatic;
        let diameter_matters =
            !matches!(ih.nodules, Some(n) if n.get() == 0) && ih.infiltrative != Some(true);
        let h = &self.history;
        let had_tace =
            h.procedures.contains(Procedure::Tace) || h.procedures.contains(Procedure::Tae);
        let ecog = ps.ecog.map(|e| e.get());
        let d = &self.drug_safety;
        let r = &self.recurrence;
        let facts = [
            (ecog.is_none(), "performance_status.ecog"),
            (
                ps.cancer_related.is_none() && !matches!(ecog, Some(0 | 3 | 4)),
                "performance_status.cancer_related",
            ),
            (
                !score_known && components.iter().all(|(u, _)| *u),
                "liver_function.child_pugh_score",
            ),
        ];
        let partial = !score_known && !components.iter().all(|(u, _)| *u);
        // Bilirubin and albumin also give ALBI: unknown whenever they are, score or not.
        let albi_input =
            |p: &str| matches!(p, "liver_function.bilirubin" | "liver_function.albumin");
        facts
            .into_iter()
            .chain(
                components
                    .into_iter()
                    .map(move |(u, p)| (u && (partial || albi_input(p)), p)),
            )
            .chain([
                (self.goals_of_care.is_none(), "goals_of_care"),
                (ih.nodules.is_none(), "recurrence.intrahepatic.nodules"),
                (
                    ih.largest_diameter_mm.is_none() && diameter_matters,
                    "recurrence.intrahepatic.largest_diameter_mm",
                ),
                (
                    ih.infiltrative.is_none(),
                    "recurrence.intrahepatic.infiltrative",
                ),
                (
                    ih.unsafe_ablation_location.is_none(),
                    "recurrence.intrahepatic.unsafe_ablation_location",
                ),
                (
                    r.macrovascular_invasion.is_none(),
                    "recurrence.macrovascular_invasion",
                ),
                (
                    r.extrahepatic_sites.is_none(),
                    "recurrence.extrahepatic_sites",
                ),
                (r.afp_ng_ml.is_none(), "recurrence.afp_ng_ml"),
                (
                    h.tace_insufficient_responses.is_none() && had_tace,
                    "history.tace_insufficient_responses",
                ),
                (
                    h.tace_intrahepatic_progressions.is_none() && had_tace,
                    "history.tace_intrahepatic_progressions",
                ),
                (
                    h.afp_rising_after_tace.is_none() && had_tace,
                    "history.afp_rising_after_tace",
                ),
                (
                    h.months_since_last_procedure.is_none(),
                    "history.months_since_last_procedure",
                ),
                (h.systemic_regimens.is_none(), "history.systemic_regimens"),
                (
                    h.systemic_regimens
                        .is_some_and(|r| r.as_slice().iter().any(|p| p.tolerated.is_none())),
                    "history.systemic_regimens[].tolerated",
                ),
                (
                    d.liver_transplant_recipient.is_none(),
                    "drug_safety.liver_transplant_recipient",
                ),
                (
                    d.autoimmune_disease.is_none(),
                    "drug_safety.autoimmune_disease",
                ),
                (d.varices.is_none(), "drug_safety.varices"),
                (d.hbsag_positive.is_none(), "drug_safety.hbsag_positive"),
            ])
            .filter_map(|(unknown, path)| unknown.then_some(path))
    }
}

/// A fact whose key must be written and whose value may be `null` (not known): the
/// `deserialize_with` of every such field (serde alone would read an absent key as `None`).
#[cfg(feature = "serde")]
pub(crate) fn nullable<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d)
}
