//! Clinical scores of spec §5: Child–Pugh, ALBI and modified ALBI, up-to-seven, Milan, BCLC.

use std::borrow::Cow;
use std::fmt;

use crate::case::{
    Ascites, Case, Encephalopathy, Intrahepatic, LiverFunction, MacrovascularInvasion,
};
use crate::error::{Error, Reason};
use crate::policy::Policy;
use crate::quantity::{Albumin, AlbuminUnit, Bilirubin, BilirubinUnit, Inr};

pub use crate::quantity::ChildPughClass;

/// Child–Pugh points for bilirubin, scored in the unit it was entered in: < 2 / 2–3 / > 3 mg/dL,
/// or < 34.2 / 34.2–51.3 / > 51.3 µmol/L; a value on a boundary scores 2.
///
/// ```
/// use hcc_pathways::{quantity::Bilirubin, scores::bilirubin_points};
/// assert_eq!(bilirubin_points(Bilirubin::from_mg_dl(3.0)?), 2);
/// assert_eq!(bilirubin_points(Bilirubin::from_umol_l(51.3)?), 2);
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn bilirubin_points(b: Bilirubin) -> u8 {
    let (low, high) = match b.unit() {
        BilirubinUnit::MgDl => (2.0, 3.0),
        BilirubinUnit::UmolL => (34.2, 51.3),
    };
    band_up(b.value(), low, high)
}

/// Child–Pugh points for albumin in its entered unit: > 3.5 / 2.8–3.5 / < 2.8 g/dL, or
/// > 35 / 28–35 / < 28 g/L; a value on a boundary scores 2.
///
/// ```
/// use hcc_pathways::{quantity::Albumin, scores::albumin_points};
/// assert_eq!(albumin_points(Albumin::from_g_dl(3.5)?), 2);
/// assert_eq!(albumin_points(Albumin::from_g_l(35.1)?), 1);
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn albumin_points(a: Albumin) -> u8 {
    let (low, high) = match a.unit() {
        AlbuminUnit::GDl => (2.8, 3.5),
        AlbuminUnit::GL => (28.0, 35.0),
    };
    let v = a.value();
    if v > high {
        1
    } else if v >= low {
        2
    } else {
        3
    }
}

/// Child–Pugh points for INR: < 1.7 / 1.7–2.3 / > 2.3; a value on a boundary scores 2.
///
/// ```
/// use hcc_pathways::{quantity::Inr, scores::inr_points};
/// assert_eq!(inr_points(Inr::new(1.7)?), 2);
/// assert_eq!(inr_points(Inr::new(2.31)?), 3);
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn inr_points(i: Inr) -> u8 {
    band_up(i.get(), 1.7, 2.3)
}

/// 1 below `low`, 2 from `low` to `high` inclusive, 3 above `high`.
fn band_up(v: f64, low: f64, high: f64) -> u8 {
    if v < low {
        1
    } else if v <= high {
        2
    } else {
        3
    }
}

/// Child–Pugh points for ascites.
pub fn ascites_points(a: Ascites) -> u8 {
    match a {
        Ascites::Absent => 1,
        Ascites::MildOrControlled => 2,
        Ascites::ModerateToSevere => 3,
    }
}

/// Child–Pugh points for encephalopathy.
pub fn encephalopathy_points(e: Encephalopathy) -> u8 {
    match e {
        Encephalopathy::Absent => 1,
        Encephalopathy::Grade1To2 => 2,
        Encephalopathy::Grade3To4 => 3,
    }
}

/// The Child–Pugh score from its five components (5–15).
///
/// ```
/// use hcc_pathways::case::{Ascites, Encephalopathy};
/// use hcc_pathways::quantity::{Albumin, Bilirubin, Inr};
/// use hcc_pathways::scores::child_pugh_from_components;
/// // The worked check of spec §5: 3 + 3 + 2 + 2 + 2 = 12, class C.
/// let s = child_pugh_from_components(
///     Bilirubin::from_mg_dl(3.2)?, Albumin::from_g_dl(2.6)?, Inr::new(2.0)?,
///     Ascites::MildOrControlled, Encephalopathy::Grade1To2,
/// );
/// assert_eq!(s, 12);
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn child_pugh_from_components(
    bilirubin: Bilirubin,
    albumin: Albumin,
    inr: Inr,
    ascites: Ascites,
    encephalopathy: Encephalopathy,
) -> u8 {
    bilirubin_points(bilirubin)
        + albumin_points(albumin)
        + inr_points(inr)
        + ascites_points(ascites)
        + encephalopathy_points(encephalopathy)
}

/// The range of Child–Pugh scores the components given allow: each component given scores its
/// points, each one missing 1 to 3 (spec §2). With all five given, both ends are the score.
///
/// ```
/// use hcc_pathways::case::LiverFunction;
/// use hcc_pathways::quantity::{Albumin, Bilirubin};
/// use hcc_pathways::scores::child_pugh_range;
/// // Bilirubin 3.5 mg/dL and albumin 2.5 g/dL already make 6 points: at least 9 in all.
/// let lf = LiverFunction {
///     bilirubin: Some(Bilirubin::from_mg_dl(3.5)?),
///     albumin: Some(Albumin::from_g_dl(2.5)?),
///     ..LiverFunction::default()
/// };
/// assert_eq!(child_pugh_range(&lf), (9, 15));
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn child_pugh_range(lf: &LiverFunction) -> (u8, u8) {
    let points = [
        lf.bilirubin.map(bilirubin_points),
        lf.albumin.map(albumin_points),
        lf.inr.map(inr_points),
        lf.ascites.map(ascites_points),
        lf.encephalopathy.map(encephalopathy_points),
    ];
    points.iter().fold((0, 0), |(lo, hi), p| match p {
        Some(v) => (lo + v, hi + v),
        None => (lo + 1, hi + 3),
    })
}

/// The Child–Pugh scores a case's facts allow: one score when it is recorded or all five
/// components are known; otherwise the range the known components allow (each unknown one 1 to
/// 3 points; 5 to 15 when none is known).
///
/// ```
/// use hcc_pathways::scores::ChildPughRange;
/// let r = ChildPughRange::new(7, 9).unwrap();
/// assert_eq!((r.min(), r.max(), r.known()), (7, 9, None));
/// assert_eq!(ChildPughRange::exactly(8).known(), Some(8));
/// assert!(ChildPughRange::new(9, 7).is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChildPughRange {
    min: u8,
    max: u8,
}

impl ChildPughRange {
    /// Every score from `min` to `max` (5 ≤ min ≤ max ≤ 15), or `None`.
    pub fn new(min: u8, max: u8) -> Option<ChildPughRange> {
        (5 <= min && min <= max && max <= 15).then_some(ChildPughRange { min, max })
    }

    /// One known score (clamped to 5–15).
    pub fn exactly(score: u8) -> ChildPughRange {
        let s = score.clamp(5, 15);
        ChildPughRange { min: s, max: s }
    }

    /// The lowest score allowed.
    pub fn min(self) -> u8 {
        self.min
    }

    /// The highest score allowed.
    pub fn max(self) -> u8 {
        self.max
    }

    /// The score, when only one is allowed.
    pub fn known(self) -> Option<u8> {
        (self.min == self.max).then_some(self.min)
    }
}

/// The Child–Pugh scores of a case's liver function: the recorded score, or the one computed
/// from the five components, or the range the known components allow. A recorded score must
/// lie within what the components given with it allow (each unknown one scores 1 to 3
/// points): with all five given, it must equal theirs.
///
/// # Errors
/// [`Error::Invalid`] naming `liver_function.child_pugh_score` when the recorded score lies
/// outside what the components allow.
pub fn child_pugh(lf: &LiverFunction) -> Result<ChildPughRange, Error> {
    let (lo, hi) = child_pugh_range(lf);
    let complete = lf.bilirubin.is_some()
        && lf.albumin.is_some()
        && lf.inr.is_some()
        && lf.ascites.is_some()
        && lf.encephalopathy.is_some();
    match lf.child_pugh_score {
        Some(r) if complete && r.get() != lo => Err(Error::invalid(
            "liver_function.child_pugh_score",
            Reason::Inconsistent {
                detail: Cow::Owned(format!(
                    "recorded {} but the five components give {lo}",
                    r.get()
                )),
            },
        )),
        Some(r) if !(lo..=hi).contains(&r.get()) => Err(Error::invalid(
            "liver_function.child_pugh_score",
            Reason::Inconsistent {
                detail: Cow::Owned(format!(
                    "recorded {} but the components given allow {lo} to {hi}",
                    r.get()
                )),
            },
        )),
        Some(r) => Ok(ChildPughRange::exactly(r.get())),
        None => Ok(ChildPughRange { min: lo, max: hi }),
    }
}

crate::macros::wire_enum! {
    /// ALBI grade (Johnson 2015).
    AlbiGrade {
        /// ≤ −2.60.
        G1 = "1",
        /// > −2.60 and ≤ −1.39.
        G2 = "2",
        /// > −1.39.
        G3 = "3",
    }
}

crate::macros::wire_enum! {
    /// Modified ALBI grade (Hiraoka 2017): grade 2 split at −2.270.
    MalbiGrade {
        /// ALBI grade 1.
        G1 = "1",
        /// ALBI grade 2, score < −2.270.
        G2a = "2a",
        /// ALBI grade 2, score ≥ −2.270.
        G2b = "2b",
        /// ALBI grade 3.
        G3 = "3",
    }
}

/// The ALBI score: 0.66 × log10(bilirubin µmol/L) − 0.085 × albumin g/L.
///
/// ```
/// use hcc_pathways::quantity::{Albumin, Bilirubin};
/// use hcc_pathways::scores::{albi, albi_grade, malbi_grade, AlbiGrade, MalbiGrade};
/// let s = albi(Bilirubin::from_umol_l(17.0)?, Albumin::from_g_l(40.1)?);
/// assert!((s - -2.596).abs() < 5e-4);
/// assert_eq!(albi_grade(s), AlbiGrade::G2);
/// assert_eq!(malbi_grade(s), MalbiGrade::G2a);
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn albi(bilirubin: Bilirubin, albumin: Albumin) -> f64 {
    0.66 * bilirubin.umol_l().log10() - 0.085 * albumin.g_l()
}

/// The ALBI grade of a score.
pub fn albi_grade(score: f64) -> AlbiGrade {
    if score <= -2.60 {
        AlbiGrade::G1
    } else if score <= -1.39 {
        AlbiGrade::G2
    } else {
        AlbiGrade::G3
    }
}

/// The modified ALBI grade of a score.
pub fn malbi_grade(score: f64) -> MalbiGrade {
    match albi_grade(score) {
        AlbiGrade::G1 => MalbiGrade::G1,
        AlbiGrade::G2 if score < -2.270 => MalbiGrade::G2a,
        AlbiGrade::G2 => MalbiGrade::G2b,
        AlbiGrade::G3 => MalbiGrade::G3,
    }
}

/// The up-to-seven sum, largest diameter in mm + 10 × number of nodules (Mazzaferro 2009),
/// or `None` when the growth is infiltrative or not known, or the diameter or count is not
/// known.
///
/// A case is within up-to-seven when the sum is at most the policy's limit (70 by default;
/// 70 itself is within).
pub fn up_to_seven_sum(ih: &Intrahepatic) -> Option<u32> {
    if ih.infiltrative != Some(false) {
        return None;
    }
    let n = ih.nodules?.get();
    ih.largest_diameter_mm
        .map(|d| u32::from(d.get()) + 10 * u32::from(n))
}

/// The (nodules, largest diameter, infiltrative) combinations a case allows, one for every
/// region the Milan and BCLC thresholds cut (1, 2–3, 4+ nodules; 20, 30, 50 mm).
///
/// Only combinations with at least one nodule: a completion without a nodule is a case only
/// with macrovascular invasion or extrahepatic spread (it must have a recurrence), which is
/// BCLC stage C and beyond Milan whatever the liver holds; the callers decide that part from
/// the invasion and spread themselves. With the count known to be 0 nothing is visited.
fn intrahepatic_classes(case: &Case, mut visit: impl FnMut(u16, Option<u16>, bool)) {
    let ih = &case.recurrence.intrahepatic;
    let known = ih.nodules.map(|n| [n.get()]);
    let counts: &[u16] = match &known {
        Some([0]) => &[],
        Some(n) => n,
        None => &[1, 2, 3, 4],
    };
    let growths: &[bool] = match ih.infiltrative {
        Some(true) => &[true],
        Some(false) => &[false],
        None => &[false, true],
    };
    for &n in counts {
        for &g in growths {
            match ih.largest_diameter_mm {
                Some(d) => visit(n, Some(d.get()), g),
                None => {
                    for d in [20, 21, 30, 31, 50, 51] {
                        visit(n, Some(d), g);
                    }
                    if g {
                        visit(n, None, g);
                    }
                }
            }
        }
    }
}

fn milan_intrahepatic(n: u16, d: Option<u16>, infiltrative: bool) -> bool {
    !infiltrative
        && match (n, d) {
            (1, Some(d)) => d <= 50,
            (2..=3, Some(d)) => d <= 30,
            _ => false,
        }
}

/// Within the Milan criteria (Mazzaferro 1996): not infiltrative, and one nodule ≤ 50 mm or
/// 2–3 nodules with the largest ≤ 30 mm, without macrovascular invasion or extrahepatic spread.
/// `None` when the facts not known could go either way.
///
/// ```
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let case = hcc_pathways::Case::from_json(&json)?;
/// assert_eq!(hcc_pathways::scores::within_milan(&case), Some(true));
/// let case = case.to_builder().unknown("recurrence.intrahepatic.largest_diameter_mm").build()?;
/// assert_eq!(hcc_pathways::scores::within_milan(&case), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn within_milan(case: &Case) -> Option<bool> {
    let r = &case.recurrence;
    let no_invasion = r
        .macrovascular_invasion
        .map(|m| m == MacrovascularInvasion::Absent);
    let no_spread = r.extrahepatic_sites.map(|s| s.is_empty());
    if no_invasion == Some(false) || no_spread == Some(false) {
        return Some(false);
    }
    let (mut yes, mut no) = (false, false);
    intrahepatic_classes(case, |c, d, g| {
        let w = milan_intrahepatic(c, d, g);
        yes |= w;
        no |= !w;
    });
    match (yes, no) {
        (true, false) if no_invasion.is_some() && no_spread.is_some() => Some(true),
        (false, _) => Some(false),
        _ => None,
    }
}

crate::macros::wire_enum! {
    /// BCLC stage of the recurrence (BCLC 2022; informational).
    BclcStage {
        /// Very early.
        Zero = "0",
        /// Early.
        A = "A",
        /// Intermediate.
        B = "B",
        /// Advanced.
        C = "C",
        /// Terminal.
        D = "D",
    }
}

crate::macros::bit_set! {
    /// A set of BCLC stages (a JSON array of their names).
    BclcStages of BclcStage
}

/// The BCLC 2022 stages a case allows (one when its facts are known), reading the policy's
/// terminal thresholds for stage D.
///
/// ```
/// use hcc_pathways::scores::{bclc_stages, BclcStage, ChildPughRange};
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let case = hcc_pathways::Case::from_json(&json)?;
/// let policy = hcc_pathways::Policy::default();
/// let cp = ChildPughRange::exactly(5);
/// assert_eq!(bclc_stages(&case, cp, &policy).iter().collect::<Vec<_>>(), [BclcStage::Zero]);
/// let case = case.to_builder().unknown("performance_status.ecog").build()?;
/// assert!(bclc_stages(&case, cp, &policy).contains(BclcStage::D));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bclc_stages(case: &Case, child_pugh: ChildPughRange, policy: &Policy) -> BclcStages {
    let mut out = BclcStages::EMPTY;
    let ps = &case.performance_status;
    let ecogs = match ps.ecog {
        Some(e) => e.get()..=e.get(),
        None => 0..=4,
    };
    let r = &case.recurrence;
    let invasion = r
        .macrovascular_invasion
        .map(|m| m != MacrovascularInvasion::Absent);
    let spread = r.extrahepatic_sites.map(|s| !s.is_empty());
    for ecog in ecogs {
        let related: &[bool] = match (ecog, ps.cancer_related) {
            (1 | 2, Some(v)) => {
                if v {
                    &[true]
                } else {
                    &[false]
                }
            }
            (1 | 2, None) => &[true, false],
            _ => &[false],
        };
        for cp in child_pugh.min()..=child_pugh.max() {
            if ecog >= policy.terminal_min_ecog || cp >= policy.terminal_min_child_pugh {
                out = out.with(BclcStage::D);
                continue;
            }
            for &rel in related {
                let c_values: &[bool] = match (invasion, spread) {
                    (Some(true), _) | (_, Some(true)) => &[true],
                    _ if rel => &[true],
                    (Some(false), Some(false)) => &[false],
                    _ => &[true, false],
                };
                for &c in c_values {
                    if c {
                        out = out.with(BclcStage::C);
                        continue;
                    }
                    intrahepatic_classes(case, |n, d, g| {
                        out = out.with(intrahepatic_stage(n, d, g));
                    });
                }
            }
        }
    }
    out
}

fn intrahepatic_stage(n: u16, d: Option<u16>, infiltrative: bool) -> BclcStage {
    if infiltrative {
        return BclcStage::B;
    }
    match (n, d) {
        (1, Some(d)) if d <= 20 => BclcStage::Zero,
        (1, _) => BclcStage::A,
        (2..=3, Some(d)) if d <= 30 => BclcStage::A,
        _ => BclcStage::B,
    }
}

/// The BCLC 2022 stage of a case, when its facts allow only one (see [`bclc_stages`]).
pub fn bclc_stage(case: &Case, child_pugh: ChildPughRange, policy: &Policy) -> Option<BclcStage> {
    only(bclc_stages(case, child_pugh, policy))
}

/// The stage when exactly one is possible.
fn only(stages: BclcStages) -> Option<BclcStage> {
    let mut it = stages.iter();
    match (it.next(), it.next()) {
        (Some(s), None) => Some(s),
        _ => None,
    }
}

/// The scores derived from a case, reported in every recommendation. A score that needs a fact
/// not known is absent (spec §8); the BCLC stages the known facts allow are listed.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Scores {
    /// Child–Pugh score used by the rules (recorded or computed), 5–15; absent when only a
    /// range is known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(feature = "schemars", schemars(range(min = 5, max = 15)))]
    pub child_pugh_score: Option<u8>,
    /// The lowest and highest Child–Pugh scores the known components allow, when the score is
    /// not known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub child_pugh_range: Option<[u8; 2]>,
    /// Child–Pugh class (also when a range lies within one class).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub child_pugh_class: Option<ChildPughClass>,
    /// ALBI score, when bilirubin and albumin are given.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub albi_score: Option<f64>,
    /// ALBI grade 1/2/3.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub albi_grade: Option<AlbiGrade>,
    /// Modified ALBI grade 1/2a/2b/3.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub malbi_grade: Option<MalbiGrade>,
    /// Up-to-seven sum (largest mm + 10 × nodules); absent for infiltrative growth or a fact
    /// not known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub up_to_seven_sum: Option<u32>,
    /// Within the Milan criteria; absent when the facts not known could go either way.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub within_milan: Option<bool>,
    /// BCLC 2022 stage of the recurrence (informational); absent when the facts allow several.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub bclc_stage: Option<BclcStage>,
    /// The BCLC stages the known facts allow, when more than one.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "no_stages"))]
    pub bclc_stages: BclcStages,
    /// Whether liver function is preserved (Child–Pugh class A), as BCLC stages 0–C assume;
    /// when it is not and the stage is 0–C, the note says so. Absent when not known.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub bclc_liver_function_preserved: Option<bool>,
    /// Beside a stage 0–C when liver function is not preserved: BCLC stages 0–C assume
    /// preserved liver function; Child–Pugh B is weighed by the MDT.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub bclc_note: Option<Cow<'static, str>>,
}

/// The note beside a BCLC stage 0–C at Child–Pugh class B (spec §5).
pub const BCLC_LIVER_FUNCTION_NOTE: &str =
    "BCLC stages 0-C assume preserved liver function; Child-Pugh B is weighed by the MDT";

impl Scores {
    /// Computes every score of a case under a policy (the BCLC stage reads its terminal
    /// thresholds).
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// let scores = hcc_pathways::scores::Scores::of(&case, &hcc_pathways::Policy::default());
    /// assert_eq!(scores.child_pugh_score, Some(5));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(case: &Case, policy: &Policy) -> Scores {
        Scores::with_child_pugh(case, case.child_pugh(), policy)
    }

    /// The scores of a case whose Child–Pugh scores `cp` are already known.
    pub(crate) fn with_child_pugh(case: &Case, cp: ChildPughRange, policy: &Policy) -> Scores {
        let lf = &case.liver_function;
        let stages = bclc_stages(case, cp, policy);
        let stage = only(stages);
        let class =
            Some(ChildPughClass::of(cp.min())).filter(|c| *c == ChildPughClass::of(cp.max()));
        let preserved = if cp.max() <= 6 {
            Some(true)
        } else if cp.min() >= 7 {
            Some(false)
        } else {
            None
        };
        let albi_score = match (lf.bilirubin, lf.albumin) {
            (Some(b), Some(a)) => Some(albi(b, a)),
            _ => None,
        };
        let not_d = !stages.is_empty() && !stages.contains(BclcStage::D);
        Scores {
            child_pugh_score: cp.known(),
            child_pugh_range: cp.known().is_none().then_some([cp.min(), cp.max()]),
            child_pugh_class: class,
            albi_score,
            albi_grade: albi_score.map(albi_grade),
            malbi_grade: albi_score.map(malbi_grade),
            up_to_seven_sum: up_to_seven_sum(&case.recurrence.intrahepatic),
            within_milan: within_milan(case),
            bclc_stage: stage,
            bclc_stages: if stage.is_some() {
                BclcStages::EMPTY
            } else {
                stages
            },
            bclc_liver_function_preserved: preserved,
            bclc_note: (preserved == Some(false) && not_d)
                .then_some(Cow::Borrowed(BCLC_LIVER_FUNCTION_NOTE)),
        }
    }
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.child_pugh_score, self.child_pugh_range) {
            (Some(score), _) => write!(f, "Child–Pugh {score}")?,
            (None, Some([lo, hi])) => write!(f, "Child–Pugh {lo} to {hi} (not known)")?,
            (None, None) => write!(f, "Child–Pugh not known")?,
        }
        if let Some(class) = self.child_pugh_class {
            write!(f, " ({class})")?;
        }
        if let (Some(s), Some(g), Some(m)) = (self.albi_score, self.albi_grade, self.malbi_grade) {
            write!(f, ", ALBI {s:.3} (grade {g}, mALBI {m})")?;
        }
        match self.up_to_seven_sum {
            Some(s) => write!(f, ", up-to-seven sum {s}")?,
            None => write!(f, ", up-to-seven sum not applicable or not known")?,
        }
        let milan = match self.within_milan {
            Some(true) => "within",
            Some(false) => "beyond",
            None => "not known whether within",
        };
        write!(f, ", {milan} Milan")?;
        match self.bclc_stage {
            Some(stage) => write!(f, ", BCLC {stage}")?,
            None => {
                let stages: Vec<String> = self.bclc_stages.iter().map(|s| s.to_string()).collect();
                write!(f, ", BCLC {} (not known)", stages.join(" or "))?;
            }
        }
        match &self.bclc_note {
            Some(note) => write!(f, " ({note})"),
            None => Ok(()),
        }
    }
}

#[cfg(feature = "serde")]
fn no_stages(stages: &BclcStages) -> bool {
    stages.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each component's points add up (the sums at both ends and one between).
    #[test]
    fn child_pugh_from_components_adds_the_five_points() {
        use crate::case::{Ascites, Encephalopathy};
        let inr = |v| Inr::new(v).unwrap();
        let score =
            |b, a, i, asc, enc| child_pugh_from_components(b_mg(b), a_gdl(a), inr(i), asc, enc);
        assert_eq!(
            score(1.0, 3.6, 1.0, Ascites::Absent, Encephalopathy::Absent),
            5
        );
        assert_eq!(
            score(
                2.5,
                3.0,
                1.9,
                Ascites::MildOrControlled,
                Encephalopathy::Absent
            ),
            9
        );
        assert_eq!(
            score(
                3.5,
                2.5,
                2.5,
                Ascites::ModerateToSevere,
                Encephalopathy::Grade3To4
            ),
            15
        );
    }

    fn b_mg(v: f64) -> Bilirubin {
        Bilirubin::from_mg_dl(v).unwrap()
    }
    fn b_um(v: f64) -> Bilirubin {
        Bilirubin::from_umol_l(v).unwrap()
    }
    fn a_gdl(v: f64) -> Albumin {
        Albumin::from_g_dl(v).unwrap()
    }
    fn a_gl(v: f64) -> Albumin {
        Albumin::from_g_l(v).unwrap()
    }

    #[test]
    fn bilirubin_cut_points_both_units() {
        assert_eq!(bilirubin_points(b_mg(1.99)), 1);
        assert_eq!(bilirubin_points(b_mg(2.0)), 2);
        assert_eq!(bilirubin_points(b_mg(3.0)), 2);
        assert_eq!(bilirubin_points(b_mg(3.01)), 3);
        assert_eq!(bilirubin_points(b_um(34.1)), 1);
        assert_eq!(bilirubin_points(b_um(34.2)), 2);
        assert_eq!(bilirubin_points(b_um(51.3)), 2);
        assert_eq!(bilirubin_points(b_um(51.4)), 3);
    }

    #[test]
    fn no_conversion_before_scoring() {
        // 3.0 mg/dL × 17.1 = 51.300000000000004 µmol/L would score 3 if converted first.
        assert!(std::hint::black_box(3.0) * 17.1 > 51.3);
        assert_eq!(bilirubin_points(b_mg(3.0)), 2);
    }

    #[test]
    fn albumin_cut_points_both_units() {
        assert_eq!(albumin_points(a_gdl(3.51)), 1);
        assert_eq!(albumin_points(a_gdl(3.5)), 2);
        assert_eq!(albumin_points(a_gdl(2.8)), 2);
        assert_eq!(albumin_points(a_gdl(2.79)), 3);
        assert_eq!(albumin_points(a_gl(35.1)), 1);
        assert_eq!(albumin_points(a_gl(35.0)), 2);
        assert_eq!(albumin_points(a_gl(28.0)), 2);
        assert_eq!(albumin_points(a_gl(27.9)), 3);
    }

    #[test]
    fn inr_cut_points() {
        let p = |v| inr_points(Inr::new(v).unwrap());
        assert_eq!(p(1.69), 1);
        assert_eq!(p(1.7), 2);
        assert_eq!(p(2.3), 2);
        assert_eq!(p(2.31), 3);
    }

    #[test]
    fn categorical_points() {
        assert_eq!(ascites_points(Ascites::Absent), 1);
        assert_eq!(ascites_points(Ascites::MildOrControlled), 2);
        assert_eq!(ascites_points(Ascites::ModerateToSevere), 3);
        assert_eq!(encephalopathy_points(Encephalopathy::Absent), 1);
        assert_eq!(encephalopathy_points(Encephalopathy::Grade1To2), 2);
        assert_eq!(encephalopathy_points(Encephalopathy::Grade3To4), 3);
    }

    #[test]
    fn worked_child_pugh_check() {
        let s = child_pugh_from_components(
            b_mg(3.2),
            a_gdl(2.6),
            Inr::new(2.0).unwrap(),
            Ascites::MildOrControlled,
            Encephalopathy::Grade1To2,
        );
        assert_eq!(s, 12);
        assert_eq!(ChildPughClass::of(s), ChildPughClass::C);
    }

    #[test]
    fn classes() {
        assert_eq!(ChildPughClass::of(6), ChildPughClass::A);
        assert_eq!(ChildPughClass::of(7), ChildPughClass::B);
        assert_eq!(ChildPughClass::of(9), ChildPughClass::B);
        assert_eq!(ChildPughClass::of(10), ChildPughClass::C);
    }

    #[test]
    fn albi_worked_checks() {
        let cases = [
            (17.0, 40.1, -2.596, AlbiGrade::G2, MalbiGrade::G2a),
            (10.0, 45.0, -3.165, AlbiGrade::G1, MalbiGrade::G1),
            (17.0, 36.0, -2.248, AlbiGrade::G2, MalbiGrade::G2b),
            (51.3, 28.0, -1.251, AlbiGrade::G3, MalbiGrade::G3),
        ];
        for (bil, alb, score, grade, mgrade) in cases {
            let s = albi(b_um(bil), a_gl(alb));
            assert!((s - score).abs() < 5e-4, "{bil},{alb}: {s}");
            assert_eq!(albi_grade(s), grade);
            assert_eq!(malbi_grade(s), mgrade);
        }
    }

    #[test]
    fn albi_converts_units() {
        let si = albi(b_um(17.1), a_gl(40.0));
        let conv = albi(b_mg(1.0), a_gdl(4.0));
        assert!((si - conv).abs() < 1e-12);
    }

    #[test]
    fn albi_grade_cut_points() {
        assert_eq!(albi_grade(-2.60), AlbiGrade::G1);
        assert_eq!(albi_grade(-2.5999), AlbiGrade::G2);
        assert_eq!(albi_grade(-1.39), AlbiGrade::G2);
        assert_eq!(albi_grade(-1.3899), AlbiGrade::G3);
        assert_eq!(malbi_grade(-2.2701), MalbiGrade::G2a);
        assert_eq!(malbi_grade(-2.270), MalbiGrade::G2b);
    }
}
