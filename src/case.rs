//! The case model: everything spec §2 says a recurrent-HCC case must carry.
//!
//! Every field is typed; quantities are validated newtypes ([`crate::quantity`]); sets are bit
//! sets; the whole [`Case`] is `Copy` and owns no heap memory, so evaluating one never allocates.
//! Per-field ranges are checked when a value is built; facts that depend on each other are
//! checked by [`Case::validate`], which [`crate::recommend`] always runs.

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, Reason};
use crate::quantity::{
    AfpNgMl, Albumin, Bilirubin, ChildPughScore, Count, DiameterMm, Ecog, Inr, Months, NoduleCount,
};

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $wire:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        pub enum $name {
            $($(#[$vm])* #[cfg_attr(feature = "serde", serde(rename = $wire))] $v),*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// The JSON wire name.
            pub const fn wire_name(self) -> &'static str {
                match self { $($name::$v => $wire),* }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.wire_name())
            }
        }

        impl From<$name> for crate::engine::Value {
            fn from(v: $name) -> Self {
                crate::engine::Value::Text(std::borrow::Cow::Borrowed(v.wire_name()))
            }
        }
    };
}
pub(crate) use wire_enum;

macro_rules! bit_set {
    ($(#[$m:meta])* $name:ident of $elem:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The empty set.
            pub const EMPTY: $name = $name(0);

            /// A set of the given elements.
            pub fn of(items: &[$elem]) -> Self {
                items.iter().fold(Self::EMPTY, |s, i| s.with(*i))
            }

            /// This set with `item` added.
            #[must_use]
            pub const fn with(self, item: $elem) -> Self {
                $name(self.0 | (1 << item as u32))
            }

            /// Whether `item` is in the set.
            pub const fn contains(self, item: $elem) -> bool {
                self.0 & (1 << item as u32) != 0
            }

            /// Whether the set is empty.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Number of elements.
            pub const fn len(self) -> usize {
                self.0.count_ones() as usize
            }

            /// The elements, in declaration order.
            pub fn iter(self) -> impl Iterator<Item = $elem> {
                $elem::ALL.iter().copied().filter(move |e| self.contains(*e))
            }
        }

        impl FromIterator<$elem> for $name {
            fn from_iter<I: IntoIterator<Item = $elem>>(iter: I) -> Self {
                iter.into_iter().fold(Self::EMPTY, |s, i| s.with(i))
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.iter())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a list of ", stringify!($elem), " names"))
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<$name, A::Error> {
                        let mut set = $name::EMPTY;
                        while let Some(item) = a.next_element::<$elem>()? {
                            // A set lists each name once (the schema says `uniqueItems`): a
                            // repeated name is more likely a slip for another than a harmless echo.
                            if set.contains(item) {
                                return Err(serde::de::Error::custom(format_args!(
                                    "`{item}` is listed twice"
                                )));
                            }
                            set = set.with(item);
                        }
                        Ok(set)
                    }
                }
                d.deserialize_seq(V)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
            fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("A set of `", stringify!($elem), "` names, each listed once."),
                    "type": "array",
                    "items": g.subschema_for::<$elem>(),
                    "uniqueItems": true,
                })
            }
        }
    };
}

pub(crate) use bit_set;

wire_enum! {
    /// What the patient wants from care.
    GoalsOfCare {
        /// Active anticancer treatment is wanted.
        ActiveTreatment = "active_treatment",
        /// Comfort-focused care was chosen.
        ComfortFocused = "comfort_focused",
    }
}

wire_enum! {
    /// Ascites, as scored by Child–Pugh.
    Ascites {
        /// None (1 point).
        None = "none",
        /// Mild, or controlled by diuretics (2 points).
        MildOrControlled = "mild_or_controlled",
        /// Moderate to severe (3 points).
        ModerateToSevere = "moderate_to_severe",
    }
}

wire_enum! {
    /// Hepatic encephalopathy, as scored by Child–Pugh.
    Encephalopathy {
        /// None (1 point).
        None = "none",
        /// Grade 1–2 (2 points).
        Grade1To2 = "grade_1_2",
        /// Grade 3–4 (3 points).
        Grade3To4 = "grade_3_4",
    }
}

wire_enum! {
    /// Macrovascular invasion by the tumour.
    MacrovascularInvasion {
        /// No macrovascular invasion.
        None = "none",
        /// A portal-vein branch.
        PortalVeinBranch = "portal_vein_branch",
        /// The main portal vein.
        MainPortalVein = "main_portal_vein",
        /// A hepatic vein or the inferior vena cava.
        HepaticVeinOrIvc = "hepatic_vein_or_ivc",
    }
}

wire_enum! {
    /// A site of spread outside the liver.
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

wire_enum! {
    /// An interventional or surgical procedure received before this recurrence.
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

wire_enum! {
    /// Autoimmune disease, as it bears on checkpoint inhibitors.
    AutoimmuneDisease {
        /// None.
        None = "none",
        /// Previously documented, inactive.
        Inactive = "inactive",
        /// Active, needing systemic treatment.
        ActiveOnSystemicTreatment = "active_on_systemic_treatment",
    }
}

wire_enum! {
    /// Oesophageal varices, as they bear on bevacizumab and other VEGF-pathway drugs.
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

wire_enum! {
    /// A systemic regimen (received, or offered by the option rules).
    ///
    /// `pembrolizumab`, `nivolumab` and `other` can be recorded as received; the rules do not
    /// offer them.
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
        /// Pembrolizumab alone (recorded history only).
        Pembrolizumab = "pembrolizumab",
        /// Nivolumab alone (recorded history only).
        Nivolumab = "nivolumab",
        /// Any other regimen (recorded history only; adds no known mechanism class).
        Other = "other",
    }
}

wire_enum! {
    /// A mechanism class of systemic drugs (spec §7).
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

bit_set! {
    /// A set of extrahepatic sites (a JSON array of names).
    SiteSet of ExtrahepaticSite
}

bit_set! {
    /// A set of procedures (a JSON array of names).
    ProcedureSet of Procedure
}

bit_set! {
    /// A set of regimens.
    RegimenSet of Regimen
}

bit_set! {
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
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::performance_status))]
pub struct PerformanceStatus {
    /// ECOG 0–4.
    pub ecog: Ecog,
    /// Whether an ECOG 1–2 impairment is caused by the cancer (BCLC 2022: only cancer-related
    /// impairment upstages). Required when ECOG is 1 or 2; ignored otherwise.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub cancer_related: Option<bool>,
}

/// Liver function: a recorded Child–Pugh score, its five components, or both (they must agree).
/// Bilirubin and albumin together also give ALBI.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::liver_function))]
pub struct LiverFunction {
    /// Child–Pugh score 5–15 as recorded; required unless all five components are given.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub child_pugh_score: Option<ChildPughScore>,
    /// Serum total bilirubin with its unit (`mg_dl` or `umol_l`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub bilirubin: Option<Bilirubin>,
    /// Serum albumin with its unit (`g_dl` or `g_l`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub albumin: Option<Albumin>,
    /// INR.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub inr: Option<Inr>,
    /// Ascites.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub ascites: Option<Ascites>,
    /// Hepatic encephalopathy.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub encephalopathy: Option<Encephalopathy>,
}

/// The recurrence inside the liver.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::intrahepatic))]
pub struct Intrahepatic {
    /// Number of nodules (0 only with extrahepatic spread or vascular invasion).
    pub nodules: NoduleCount,
    /// Diameter of the largest nodule in whole millimetres; required when there is at least
    /// one nodule, unless the growth is infiltrative; not allowed without nodules.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub largest_diameter_mm: Option<DiameterMm>,
    /// Infiltrative or diffuse growth.
    pub infiltrative: bool,
    /// A nodule lies where thermal ablation is unsafe (next to a major vessel, the main bile
    /// duct, the gallbladder or bowel).
    pub unsafe_ablation_location: bool,
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
    /// Macrovascular invasion.
    pub macrovascular_invasion: MacrovascularInvasion,
    /// Sites of spread outside the liver (empty when none).
    pub extrahepatic_sites: SiteSet,
    /// Serum AFP in ng/mL, if measured.
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

/// Treatment history before this recurrence.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(transform = crate::schema::conditions::history))]
pub struct History {
    /// Interventional and surgical procedures received (at least one).
    pub procedures: ProcedureSet,
    /// Consecutive insufficient responses to TACE (viable tumour > 50 % on imaging 1–3 months
    /// after TACE).
    pub tace_insufficient_responses: Count,
    /// Consecutive intrahepatic progressions after TACE.
    pub tace_intrahepatic_progressions: Count,
    /// AFP rising continuously right after TACE.
    pub afp_rising_after_tace: bool,
    /// Months from the last procedure to the diagnosis of this recurrence.
    pub months_since_last_procedure: Months,
    /// Systemic regimens received, oldest first.
    pub systemic_regimens: RegimenHistory,
}

/// Facts that decide whether a drug is safe.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DrugSafety {
    /// The patient is a liver-transplant recipient.
    pub liver_transplant_recipient: bool,
    /// Autoimmune disease.
    pub autoimmune_disease: AutoimmuneDisease,
    /// Oesophageal varices.
    pub varices: Varices,
    /// HBsAg positive, if tested.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub hbsag_positive: Option<bool>,
}

/// A patient whose HCC recurred after interventional therapy: the input of
/// [`recommend`](crate::recommend).
///
/// Build one field by field, or parse JSON with [`Case::from_json`] (unknown fields are
/// rejected). Either way [`Case::validate`] checks the facts that depend on each other.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Case {
    /// Performance status.
    pub performance_status: PerformanceStatus,
    /// Liver function.
    pub liver_function: LiverFunction,
    /// Goals of care.
    pub goals_of_care: GoalsOfCare,
    /// The recurrence.
    pub recurrence: Recurrence,
    /// Treatment history.
    pub history: History,
    /// Drug-safety facts.
    pub drug_safety: DrugSafety,
}

fn inconsistent(field: &'static str, detail: &'static str) -> Error {
    Error::invalid(
        field,
        Reason::Inconsistent {
            detail: Cow::Borrowed(detail),
        },
    )
}

fn missing(field: &'static str, because: &'static str) -> Error {
    Error::invalid(
        field,
        Reason::Missing {
            because: Some(Cow::Borrowed(because)),
        },
    )
}

fn not_allowed(field: &'static str, because: &'static str) -> Error {
    Error::invalid(
        field,
        Reason::NotAllowed {
            because: Cow::Borrowed(because),
        },
    )
}

impl Case {
    /// Parses a case from JSON and validates it.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the JSON path of the first problem: malformed JSON, an unknown
    /// field, a missing field, a value of the wrong type or out of range, or facts that
    /// contradict each other (see [`Case::validate`]).
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert_eq!(case.performance_status.ecog.get(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn from_json(json: &str) -> Result<Case, Error> {
        let case: Case = crate::error::parse_json(json)?;
        case.validate()?;
        Ok(case)
    }

    /// Serialises the case as JSON.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        // A Case holds only finite numbers, strings and lists: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks the facts that depend on each other (spec §2).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field when: ECOG is 1 or 2 without `cancer_related`; neither
    /// a Child–Pugh score nor all five components are given; a recorded score disagrees with the
    /// one computed from the components; a diameter is given without nodules, or nodules without
    /// a diameter (unless infiltrative); infiltrative growth or an unsafe location is recorded
    /// without nodules; the case describes no recurrence; no procedure is recorded; TACE
    /// counters or rising AFP after TACE are recorded without TACE or TAE.
    ///
    /// ```
    /// use hcc_pathways::{Error, Reason};
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let mut case = hcc_pathways::Case::from_json(&json)?;
    /// case.recurrence.intrahepatic.largest_diameter_mm = None;
    /// let err = case.validate().unwrap_err();
    /// assert_eq!(err.field(), Some("recurrence.intrahepatic.largest_diameter_mm"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_scoring().map(|_| ())
    }

    /// [`Case::validate`], returning the Child–Pugh score it had to compute anyway (so that
    /// building an [`Assessment`](crate::Assessment) computes it once).
    pub(crate) fn validate_scoring(&self) -> Result<u8, Error> {
        let ps = &self.performance_status;
        if matches!(ps.ecog.get(), 1 | 2) && ps.cancer_related.is_none() {
            return Err(missing(
                "performance_status.cancer_related",
                "when ECOG is 1 or 2 (BCLC 2022: only cancer-related impairment upstages)",
            ));
        }
        let child_pugh = crate::scores::child_pugh(&self.liver_function)?;

        let ih = &self.recurrence.intrahepatic;
        let n = ih.nodules.get();
        if n == 0 {
            if ih.largest_diameter_mm.is_some() {
                return Err(not_allowed(
                    "recurrence.intrahepatic.largest_diameter_mm",
                    "when there are no nodules",
                ));
            }
            if ih.infiltrative {
                return Err(inconsistent(
                    "recurrence.intrahepatic.infiltrative",
                    "infiltrative growth recorded with 0 nodules: count the infiltrative lesion as a nodule",
                ));
            }
            if ih.unsafe_ablation_location {
                return Err(inconsistent(
                    "recurrence.intrahepatic.unsafe_ablation_location",
                    "a nodule location recorded with 0 nodules",
                ));
            }
            let advanced = self.recurrence.macrovascular_invasion != MacrovascularInvasion::None
                || !self.recurrence.extrahepatic_sites.is_empty();
            if !advanced {
                return Err(inconsistent(
                    "recurrence",
                    "the case describes no recurrence: no nodules, no vascular invasion, no extrahepatic spread",
                ));
            }
        } else if ih.largest_diameter_mm.is_none() && !ih.infiltrative {
            return Err(missing(
                "recurrence.intrahepatic.largest_diameter_mm",
                "when there is at least one nodule and the growth is not infiltrative",
            ));
        }

        let h = &self.history;
        if h.procedures.is_empty() {
            return Err(missing(
                "history.procedures",
                "(this library addresses recurrence after interventional therapy: name at least one procedure)",
            ));
        }
        let had_tace =
            h.procedures.contains(Procedure::Tace) || h.procedures.contains(Procedure::Tae);
        if !had_tace {
            const NO_TACE: &str =
                "counted after TACE, but neither `tace` nor `tae` is in history.procedures";
            if h.tace_insufficient_responses.get() > 0 {
                return Err(inconsistent("history.tace_insufficient_responses", NO_TACE));
            }
            if h.tace_intrahepatic_progressions.get() > 0 {
                return Err(inconsistent(
                    "history.tace_intrahepatic_progressions",
                    NO_TACE,
                ));
            }
            if h.afp_rising_after_tace {
                return Err(inconsistent("history.afp_rising_after_tace", NO_TACE));
            }
        }
        Ok(child_pugh)
    }
}

#[cfg(feature = "json")]
impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        crate::error::from_json_error(String::new(), &e)
    }
}
