//! [`CaseBuilder`]: a [`Case`] from typed facts, checked as [`Case::from_json`] checks a
//! document.

use std::borrow::Cow;

use super::{
    Ascites, AutoimmuneDisease, Case, DrugSafety, Encephalopathy, ExtrahepaticSite, GoalsOfCare,
    History, Intrahepatic, LiverFunction, MacrovascularInvasion, PerformanceStatus, PriorRegimen,
    Procedure, ProcedureSet, Recurrence, RegimenHistory, SiteSet, Varices,
};
use crate::error::{echo, Error, Reason};
use crate::quantity::{
    AfpNgMl, Albumin, AlbuminUnit, Bilirubin, BilirubinUnit, ChildPughScore, Count, DiameterMm,
    Ecog, Inr, Months, NoduleCount,
};

/// Where a fact's error sorts: the facts in the order of the case document, so that
/// [`CaseBuilder::build`] reports first the error [`Case::from_json`] reports first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    /// A path given to [`CaseBuilder::unknown`] that names no fact that may be unknown.
    Path,
    Ecog,
    ChildPughScore,
    Bilirubin,
    Albumin,
    Inr,
    Nodules,
    Diameter,
    Afp,
    InsufficientResponses,
    IntrahepaticProgressions,
    Months,
    Regimens,
}

/// A [`Case`] fact by fact, with units explicit; [`CaseBuilder::build`] checks it.
///
/// Start from [`Case::builder`] (every fact unknown, no procedure) or from an existing case
/// with [`Case::to_builder`]. Each setter states one fact of spec §2; a fact never set is not
/// known (`None`, `null` in JSON), except the procedures received, which must be set. The part
/// setters ([`CaseBuilder::performance_status`], [`CaseBuilder::liver_function`], …) set every
/// fact of one part at once, and [`CaseBuilder::unknown`] makes a fact unknown again, by its
/// JSON path.
///
/// Setters take plain values and never fail: a value out of range is kept as an error that
/// [`CaseBuilder::build`] returns, with the JSON path [`Case::from_json`] names for it, after
/// the field errors of earlier facts in document order; setting the fact again replaces it.
///
/// ```
/// use hcc_pathways::case::{Ascites, Case, Encephalopathy, GoalsOfCare, MacrovascularInvasion, Procedure, Varices};
/// use hcc_pathways::quantity::{AlbuminUnit, BilirubinUnit};
/// use hcc_pathways::{recommend, Pathway};
///
/// let case = Case::builder()
///     .ecog(1).cancer_related(false).goals_of_care(GoalsOfCare::ActiveTreatment)
///     .bilirubin(1.1, BilirubinUnit::MgDl).albumin(3.6, AlbuminUnit::GDl).inr(1.2)
///     .ascites(Ascites::Absent).encephalopathy(Encephalopathy::Absent)
///     .nodules(2).largest_diameter_mm(24).infiltrative(false).unsafe_ablation_location(false)
///     .macrovascular_invasion(MacrovascularInvasion::Absent).extrahepatic_sites([]).afp_ng_ml(35.0)
///     .procedures([Procedure::Tace]).tace_insufficient_responses(0).tace_intrahepatic_progressions(0)
///     .afp_rising_after_tace(false).months_since_last_procedure(14).systemic_regimens([])
///     .liver_transplant_recipient(false).varices(Varices::NoneOrTreated)
///     .build()?;
/// let rec = recommend(&case)?; // autoimmune disease and HBsAg not known: they do not matter here
/// assert_eq!(rec.pathway, Pathway::RepeatIntervention);
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
///
/// A derived case, and the errors [`Case::from_json`] gives for the same problem:
///
/// ```
/// use hcc_pathways::Case;
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let case = Case::from_json(&json)?;
/// let worse = case.to_builder().ecog(2).cancer_related(true).build()?;
/// assert_eq!(worse.performance_status().ecog.map(|e| e.get()), Some(2));
/// let err = case.to_builder().ecog(7).build().unwrap_err();
/// assert_eq!(err.field(), Some("performance_status.ecog"));
/// // A diameter recorded with no nodule: the cross-field rules of `from_json`, same error.
/// let err = case.to_builder().nodules(0).build().unwrap_err();
/// assert_eq!(err.field(), Some("recurrence.intrahepatic.largest_diameter_mm"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct CaseBuilder {
    /// The facts set so far, not checked.
    case: Case,
    /// The values that could not be set, by the fact they were meant for.
    errors: Vec<(Slot, Error)>,
}

/// Every fact unknown, no procedure.
const EMPTY: Case = Case {
    performance_status: PerformanceStatus {
        ecog: None,
        cancer_related: None,
    },
    liver_function: LiverFunction {
        child_pugh_score: None,
        bilirubin: None,
        albumin: None,
        inr: None,
        ascites: None,
        encephalopathy: None,
    },
    goals_of_care: None,
    recurrence: Recurrence {
        intrahepatic: Intrahepatic {
            nodules: None,
            largest_diameter_mm: None,
            infiltrative: None,
            unsafe_ablation_location: None,
        },
        macrovascular_invasion: None,
        extrahepatic_sites: None,
        afp_ng_ml: None,
    },
    history: History {
        procedures: ProcedureSet::EMPTY,
        tace_insufficient_responses: None,
        tace_intrahepatic_progressions: None,
        afp_rising_after_tace: None,
        months_since_last_procedure: None,
        systemic_regimens: None,
    },
    drug_safety: DrugSafety {
        liver_transplant_recipient: None,
        autoimmune_disease: None,
        varices: None,
        hbsag_positive: None,
    },
};

impl Case {
    /// A builder with every fact unknown and no procedure: see [`CaseBuilder`].
    pub fn builder() -> CaseBuilder {
        CaseBuilder {
            case: EMPTY,
            errors: Vec::new(),
        }
    }

    /// A builder holding this case's facts, to derive a changed case from it.
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert_eq!(case.to_builder().build()?, case);
    /// let unscreened = case.to_builder().unknown("drug_safety.varices").build()?;
    /// assert_eq!(unscreened.unknown_facts().collect::<Vec<_>>(), ["drug_safety.varices"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_builder(&self) -> CaseBuilder {
        CaseBuilder {
            case: *self,
            errors: Vec::new(),
        }
    }
}

impl Default for CaseBuilder {
    /// [`Case::builder`].
    fn default() -> Self {
        Case::builder()
    }
}

impl CaseBuilder {
    /// Keeps `value` with `put`, or its error for `slot`; either replaces what the slot held.
    fn set<T>(
        mut self,
        slot: Slot,
        value: Result<T, Error>,
        put: impl FnOnce(&mut Case, T),
    ) -> Self {
        self.errors.retain(|(s, _)| *s != slot);
        match value {
            Ok(v) => put(&mut self.case, v),
            Err(e) => self.errors.push((slot, e)),
        }
        self
    }

    /// Forgets the errors of the given slots (their facts were set whole).
    fn clear(mut self, slots: &[Slot]) -> Self {
        self.errors.retain(|(s, _)| !slots.contains(s));
        self
    }

    /// The case, checked: the first error in the order [`Case::from_json`] reports errors —
    /// the values out of range in document order, then the cross-field rules of spec §2.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field by its JSON path, as [`Case::from_json`] names it for
    /// the same problem: a value out of range or not finite (for example
    /// `performance_status.ecog`); a list of more than [`RegimenHistory::CAPACITY`] regimens
    /// (`history.systemic_regimens`); a recorded Child–Pugh score the components given with it
    /// do not allow; a diameter, infiltrative growth or an unsafe location recorded with 0
    /// nodules; a case that describes no recurrence (`recurrence`); no procedure
    /// (`history.procedures`); TACE counters or rising AFP after TACE without TACE or TAE in the
    /// procedures. A path given to [`CaseBuilder::unknown`] that names no fact that may be
    /// unknown is reported first.
    ///
    /// ```
    /// use hcc_pathways::case::{Case, Procedure};
    /// use hcc_pathways::Reason;
    /// let builder = Case::builder().nodules(0).procedures([Procedure::Rfa]);
    /// // Nothing else known: vascular invasion or spread may make this a recurrence.
    /// assert!(builder.build().is_ok());
    /// let err = builder.clone().tace_insufficient_responses(2).build().unwrap_err();
    /// assert_eq!(err.field(), Some("history.tace_insufficient_responses"));
    /// let err = Case::builder().procedures([]).build().unwrap_err();
    /// assert!(matches!(err, hcc_pathways::Error::Invalid { reason: Reason::Missing { .. }, .. }));
    /// assert_eq!(err.field(), Some("history.procedures"));
    /// ```
    pub fn build(&self) -> Result<Case, Error> {
        if let Some((_, e)) = self.errors.iter().min_by_key(|(slot, _)| *slot) {
            return Err(e.clone());
        }
        self.case.validate()?;
        Ok(self.case)
    }

    /// As [`CaseBuilder::build`], with every error instead of the first, as
    /// [`Case::from_json_all`] lists them for a document: the values out of range in document
    /// order, or, when there are none, every cross-field error.
    ///
    /// # Errors
    /// Every [`Error::Invalid`] found, never an empty list; the first is the one
    /// [`CaseBuilder::build`] returns.
    ///
    /// ```
    /// use hcc_pathways::case::{Case, Procedure};
    /// let errors = Case::builder().ecog(5).inr(0.1).procedures([Procedure::Rfa]).build_all().unwrap_err();
    /// let fields: Vec<_> = errors.iter().filter_map(|e| e.field()).collect();
    /// assert_eq!(fields, ["performance_status.ecog", "liver_function.inr"]);
    /// let errors = Case::builder().nodules(0).largest_diameter_mm(12).tace_insufficient_responses(1).build_all().unwrap_err();
    /// let fields: Vec<_> = errors.iter().filter_map(|e| e.field()).collect();
    /// assert_eq!(
    ///     fields,
    ///     ["recurrence.intrahepatic.largest_diameter_mm", "history.procedures", "history.tace_insufficient_responses"]
    /// );
    /// ```
    pub fn build_all(&self) -> Result<Case, Vec<Error>> {
        let mut errors = self.errors.clone();
        if errors.is_empty() {
            let errors = self.case.validate_all();
            return if errors.is_empty() {
                Ok(self.case)
            } else {
                Err(errors)
            };
        }
        errors.sort_by_key(|(slot, _)| *slot);
        Err(errors.into_iter().map(|(_, e)| e).collect())
    }

    // Performance status.

    /// ECOG performance status, 0 to 4 (`performance_status.ecog`).
    pub fn ecog(self, ecog: u8) -> Self {
        self.set(Slot::Ecog, Ecog::new(i64::from(ecog)), |c, v| {
            c.performance_status.ecog = Some(v)
        })
    }

    /// Whether an ECOG 1–2 impairment is caused by the cancer
    /// (`performance_status.cancer_related`).
    pub fn cancer_related(mut self, cancer_related: bool) -> Self {
        self.case.performance_status.cancer_related = Some(cancer_related);
        self
    }

    // Liver function.

    /// The Child–Pugh score as recorded, 5 to 15 (`liver_function.child_pugh_score`).
    pub fn child_pugh_score(self, score: u8) -> Self {
        self.set(
            Slot::ChildPughScore,
            ChildPughScore::new(i64::from(score)),
            |c, v| c.liver_function.child_pugh_score = Some(v),
        )
    }

    /// Serum total bilirubin in its unit (`liver_function.bilirubin`): above 0 and at most
    /// 50 mg/dL or 855 µmol/L. The value keeps its unit: Child–Pugh points are scored with that
    /// unit's cut-points.
    ///
    /// ```
    /// use hcc_pathways::case::{Case, Procedure};
    /// use hcc_pathways::quantity::BilirubinUnit;
    /// let b = Case::builder().procedures([Procedure::Tace]);
    /// assert!(b.clone().bilirubin(51.3, BilirubinUnit::UmolL).build().is_ok());
    /// let err = b.bilirubin(51.3, BilirubinUnit::MgDl).build().unwrap_err();
    /// assert_eq!(err.field(), Some("liver_function.bilirubin"));
    /// ```
    pub fn bilirubin(self, value: f64, unit: BilirubinUnit) -> Self {
        self.set(Slot::Bilirubin, Bilirubin::new(value, unit), |c, v| {
            c.liver_function.bilirubin = Some(v)
        })
    }

    /// Serum albumin in its unit (`liver_function.albumin`): above 0 and at most 7 g/dL or
    /// 70 g/L.
    ///
    /// ```
    /// use hcc_pathways::case::{Case, Procedure};
    /// use hcc_pathways::quantity::AlbuminUnit;
    /// let b = Case::builder().procedures([Procedure::Tace]);
    /// assert!(b.clone().albumin(35.0, AlbuminUnit::GL).build().is_ok());
    /// let err = b.albumin(35.0, AlbuminUnit::GDl).build().unwrap_err();
    /// assert_eq!(err.field(), Some("liver_function.albumin"));
    /// ```
    pub fn albumin(self, value: f64, unit: AlbuminUnit) -> Self {
        self.set(Slot::Albumin, Albumin::new(value, unit), |c, v| {
            c.liver_function.albumin = Some(v)
        })
    }

    /// INR, 0.5 to 20 (`liver_function.inr`).
    pub fn inr(self, inr: f64) -> Self {
        self.set(Slot::Inr, Inr::new(inr), |c, v| {
            c.liver_function.inr = Some(v)
        })
    }

    /// Ascites (`liver_function.ascites`).
    pub fn ascites(mut self, ascites: Ascites) -> Self {
        self.case.liver_function.ascites = Some(ascites);
        self
    }

    /// Hepatic encephalopathy (`liver_function.encephalopathy`).
    pub fn encephalopathy(mut self, encephalopathy: Encephalopathy) -> Self {
        self.case.liver_function.encephalopathy = Some(encephalopathy);
        self
    }

    // Goals of care.

    /// What the patient wants from care (`goals_of_care`).
    pub fn goals_of_care(mut self, goals: GoalsOfCare) -> Self {
        self.case.goals_of_care = Some(goals);
        self
    }

    // The recurrence.

    /// Number of intrahepatic nodules, 0 to 999 (`recurrence.intrahepatic.nodules`).
    pub fn nodules(self, nodules: u16) -> Self {
        self.set(
            Slot::Nodules,
            NoduleCount::new(i64::from(nodules)),
            |c, v| c.recurrence.intrahepatic.nodules = Some(v),
        )
    }

    /// Diameter of the largest nodule in whole millimetres, 1 to 300
    /// (`recurrence.intrahepatic.largest_diameter_mm`).
    pub fn largest_diameter_mm(self, mm: u16) -> Self {
        self.set(Slot::Diameter, DiameterMm::new(i64::from(mm)), |c, v| {
            c.recurrence.intrahepatic.largest_diameter_mm = Some(v)
        })
    }

    /// Infiltrative or diffuse growth (`recurrence.intrahepatic.infiltrative`).
    pub fn infiltrative(mut self, infiltrative: bool) -> Self {
        self.case.recurrence.intrahepatic.infiltrative = Some(infiltrative);
        self
    }

    /// A nodule lies where thermal ablation is unsafe
    /// (`recurrence.intrahepatic.unsafe_ablation_location`).
    pub fn unsafe_ablation_location(mut self, unsafe_location: bool) -> Self {
        self.case.recurrence.intrahepatic.unsafe_ablation_location = Some(unsafe_location);
        self
    }

    /// Macrovascular invasion (`recurrence.macrovascular_invasion`).
    pub fn macrovascular_invasion(mut self, invasion: MacrovascularInvasion) -> Self {
        self.case.recurrence.macrovascular_invasion = Some(invasion);
        self
    }

    /// The sites of spread outside the liver, `[]` for none
    /// (`recurrence.extrahepatic_sites`).
    pub fn extrahepatic_sites(mut self, sites: impl IntoIterator<Item = ExtrahepaticSite>) -> Self {
        self.case.recurrence.extrahepatic_sites = Some(sites.into_iter().collect::<SiteSet>());
        self
    }

    /// Serum AFP in ng/mL, 0 to 10,000,000 (`recurrence.afp_ng_ml`).
    pub fn afp_ng_ml(self, afp: f64) -> Self {
        self.set(Slot::Afp, AfpNgMl::new(afp), |c, v| {
            c.recurrence.afp_ng_ml = Some(v)
        })
    }

    // Treatment history.

    /// The interventional and surgical procedures received, at least one
    /// (`history.procedures`); always known.
    pub fn procedures(mut self, procedures: impl IntoIterator<Item = Procedure>) -> Self {
        self.case.history.procedures = procedures.into_iter().collect();
        self
    }

    /// Consecutive insufficient responses to TACE, 0 to 50
    /// (`history.tace_insufficient_responses`).
    pub fn tace_insufficient_responses(self, count: u8) -> Self {
        self.set(
            Slot::InsufficientResponses,
            Count::insufficient_responses(i64::from(count)),
            |c, v| c.history.tace_insufficient_responses = Some(v),
        )
    }

    /// Consecutive intrahepatic progressions after TACE, 0 to 50
    /// (`history.tace_intrahepatic_progressions`).
    pub fn tace_intrahepatic_progressions(self, count: u8) -> Self {
        self.set(
            Slot::IntrahepaticProgressions,
            Count::intrahepatic_progressions(i64::from(count)),
            |c, v| c.history.tace_intrahepatic_progressions = Some(v),
        )
    }

    /// AFP rising continuously right after TACE (`history.afp_rising_after_tace`).
    pub fn afp_rising_after_tace(mut self, rising: bool) -> Self {
        self.case.history.afp_rising_after_tace = Some(rising);
        self
    }

    /// Months from the last procedure to the diagnosis of this recurrence, 0 to 600
    /// (`history.months_since_last_procedure`).
    pub fn months_since_last_procedure(self, months: u16) -> Self {
        self.set(Slot::Months, Months::new(i64::from(months)), |c, v| {
            c.history.months_since_last_procedure = Some(v)
        })
    }

    /// The systemic regimens received, oldest first, `[]` for none; at most
    /// [`RegimenHistory::CAPACITY`] (`history.systemic_regimens`).
    ///
    /// ```
    /// use hcc_pathways::case::{Case, PriorRegimen, Procedure, Regimen};
    /// let case = Case::builder()
    ///     .procedures([Procedure::Tace])
    ///     .systemic_regimens([PriorRegimen { regimen: Regimen::Sorafenib, tolerated: Some(true) }])
    ///     .build()?;
    /// assert_eq!(case.history().systemic_regimens.map(|h| h.len()), Some(1));
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn systemic_regimens(self, regimens: impl IntoIterator<Item = PriorRegimen>) -> Self {
        let items: Vec<PriorRegimen> = regimens.into_iter().collect();
        self.set(Slot::Regimens, RegimenHistory::new(&items), |c, v| {
            c.history.systemic_regimens = Some(v)
        })
    }

    // Drug safety.

    /// The patient is a liver-transplant recipient (`drug_safety.liver_transplant_recipient`).
    pub fn liver_transplant_recipient(mut self, recipient: bool) -> Self {
        self.case.drug_safety.liver_transplant_recipient = Some(recipient);
        self
    }

    /// Autoimmune disease (`drug_safety.autoimmune_disease`).
    pub fn autoimmune_disease(mut self, disease: AutoimmuneDisease) -> Self {
        self.case.drug_safety.autoimmune_disease = Some(disease);
        self
    }

    /// Oesophageal varices (`drug_safety.varices`).
    pub fn varices(mut self, varices: Varices) -> Self {
        self.case.drug_safety.varices = Some(varices);
        self
    }

    /// HBsAg positive (`drug_safety.hbsag_positive`).
    pub fn hbsag_positive(mut self, positive: bool) -> Self {
        self.case.drug_safety.hbsag_positive = Some(positive);
        self
    }

    // Whole parts.

    /// Every fact of the performance status at once.
    pub fn performance_status(mut self, part: PerformanceStatus) -> Self {
        self.case.performance_status = part;
        self.clear(&[Slot::Ecog])
    }

    /// Every fact of the liver function at once (see [`LiverFunction::default`]: all
    /// unknown).
    ///
    /// ```
    /// use hcc_pathways::case::LiverFunction;
    /// use hcc_pathways::quantity::ChildPughScore;
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// // The score alone, the components not known.
    /// let score_only = LiverFunction { child_pugh_score: Some(ChildPughScore::new(8)?), ..LiverFunction::default() };
    /// let b8 = case.to_builder().liver_function(score_only).build()?;
    /// assert_eq!(b8.liver_function().child_pugh_score.map(|s| s.get()), Some(8));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn liver_function(mut self, part: LiverFunction) -> Self {
        self.case.liver_function = part;
        self.clear(&[
            Slot::ChildPughScore,
            Slot::Bilirubin,
            Slot::Albumin,
            Slot::Inr,
        ])
    }

    /// Every fact of the disease inside the liver at once.
    pub fn intrahepatic(mut self, part: Intrahepatic) -> Self {
        self.case.recurrence.intrahepatic = part;
        self.clear(&[Slot::Nodules, Slot::Diameter])
    }

    /// Every fact of the recurrence at once (the disease inside the liver included).
    pub fn recurrence(mut self, part: Recurrence) -> Self {
        self.case.recurrence = part;
        self.clear(&[Slot::Nodules, Slot::Diameter, Slot::Afp])
    }

    /// Every fact of the treatment history at once.
    pub fn history(mut self, part: History) -> Self {
        self.case.history = part;
        self.clear(&[
            Slot::InsufficientResponses,
            Slot::IntrahepaticProgressions,
            Slot::Months,
            Slot::Regimens,
        ])
    }

    /// Every drug-safety fact at once.
    pub fn drug_safety(mut self, part: DrugSafety) -> Self {
        self.case.drug_safety = part;
        self
    }

    // Unknown facts.

    /// Makes the fact at a JSON path unknown (`None`; `null` in JSON): any path of
    /// [`FACT_PATHS`](super::FACT_PATHS), which are every fact but the procedures received.
    /// `history.systemic_regimens[].tolerated` makes the tolerance of every regimen received
    /// unknown.
    ///
    /// A path that names no such fact is an error of [`CaseBuilder::build`], reported first:
    /// [`Reason::NotAllowed`] for `history.procedures`, [`Reason::UnknownField`] otherwise.
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// let unsure = case.to_builder().unknown("performance_status.ecog").build()?;
    /// assert!(unsure.performance_status().ecog.is_none());
    /// let err = case.to_builder().unknown("performance_status.mood").build().unwrap_err();
    /// assert_eq!(err.field(), Some("performance_status.mood"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unknown(mut self, path: &str) -> Self {
        let c = &mut self.case;
        let (ps, lf) = (&mut c.performance_status, &mut c.liver_function);
        let (r, h, d) = (&mut c.recurrence, &mut c.history, &mut c.drug_safety);
        let slot = match path {
            "performance_status.ecog" => {
                ps.ecog = None;
                Some(Slot::Ecog)
            }
            "performance_status.cancer_related" => {
                ps.cancer_related = None;
                None
            }
            "liver_function.child_pugh_score" => {
                lf.child_pugh_score = None;
                Some(Slot::ChildPughScore)
            }
            "liver_function.bilirubin" => {
                lf.bilirubin = None;
                Some(Slot::Bilirubin)
            }
            "liver_function.albumin" => {
                lf.albumin = None;
                Some(Slot::Albumin)
            }
            "liver_function.inr" => {
                lf.inr = None;
                Some(Slot::Inr)
            }
            "liver_function.ascites" => {
                lf.ascites = None;
                None
            }
            "liver_function.encephalopathy" => {
                lf.encephalopathy = None;
                None
            }
            "goals_of_care" => {
                c.goals_of_care = None;
                None
            }
            "recurrence.intrahepatic.nodules" => {
                r.intrahepatic.nodules = None;
                Some(Slot::Nodules)
            }
            "recurrence.intrahepatic.largest_diameter_mm" => {
                r.intrahepatic.largest_diameter_mm = None;
                Some(Slot::Diameter)
            }
            "recurrence.intrahepatic.infiltrative" => {
                r.intrahepatic.infiltrative = None;
                None
            }
            "recurrence.intrahepatic.unsafe_ablation_location" => {
                r.intrahepatic.unsafe_ablation_location = None;
                None
            }
            "recurrence.macrovascular_invasion" => {
                r.macrovascular_invasion = None;
                None
            }
            "recurrence.extrahepatic_sites" => {
                r.extrahepatic_sites = None;
                None
            }
            "recurrence.afp_ng_ml" => {
                r.afp_ng_ml = None;
                Some(Slot::Afp)
            }
            "history.tace_insufficient_responses" => {
                h.tace_insufficient_responses = None;
                Some(Slot::InsufficientResponses)
            }
            "history.tace_intrahepatic_progressions" => {
                h.tace_intrahepatic_progressions = None;
                Some(Slot::IntrahepaticProgressions)
            }
            "history.afp_rising_after_tace" => {
                h.afp_rising_after_tace = None;
                None
            }
            "history.months_since_last_procedure" => {
                h.months_since_last_procedure = None;
                Some(Slot::Months)
            }
            "history.systemic_regimens" => {
                h.systemic_regimens = None;
                Some(Slot::Regimens)
            }
            "history.systemic_regimens[].tolerated" => {
                if let Some(history) = &h.systemic_regimens {
                    let items: Vec<PriorRegimen> = history
                        .as_slice()
                        .iter()
                        .map(|p| PriorRegimen {
                            tolerated: None,
                            ..*p
                        })
                        .collect();
                    // As long as the history it came from: it fits.
                    if let Ok(unknown) = RegimenHistory::new(&items) {
                        h.systemic_regimens = Some(unknown);
                    }
                }
                None
            }
            "drug_safety.liver_transplant_recipient" => {
                d.liver_transplant_recipient = None;
                None
            }
            "drug_safety.autoimmune_disease" => {
                d.autoimmune_disease = None;
                None
            }
            "drug_safety.varices" => {
                d.varices = None;
                None
            }
            "drug_safety.hbsag_positive" => {
                d.hbsag_positive = None;
                None
            }
            _ => {
                let reason = if path == "history.procedures" {
                    Reason::NotAllowed {
                        because: Cow::Borrowed(
                            "to be unknown: the procedures received are always known (spec §8)",
                        ),
                    }
                } else {
                    Reason::UnknownField {
                        name: Cow::Owned(echo(path)),
                    }
                };
                self.errors
                    .push((Slot::Path, Error::invalid(echo(path), reason)));
                return self;
            }
        };
        match slot {
            Some(slot) => self.clear(&[slot]),
            None => self,
        }
    }
}
