//! [`proptest`](mod@proptest) strategies for valid cases and policies (feature `proptest`),
//! for property tests downstream: every value they give passed the checks a [`Case`] or
//! [`Policy`] is made with, and together they reach every pathway rule.
//!
//! - [`policy`]: every valid policy (each threshold anywhere in its range, a third of the time
//!   at its default; the diameters ordered).
//! - [`case`]: complete cases, every fact known (but, as records often give it, a recorded
//!   Child–Pugh score may come without some of its components: ALBI is then not known), with
//!   extra weight at and around the cut-points of the policy they are read under, and a fifth
//!   of them moved towards a repeat intervention (active treatment, ECOG 0, no spread, at least
//!   one nodule) so that every pathway rule is well sampled. Each is decided, by exactly one
//!   pathway rule.
//! - [`case_with_unknowns`]: the same cases with some facts not known (spec §8): each fact
//!   of [`FACT_PATHS`] with probability 1/8, and sometimes the whole liver function.
//! - [`policy_and_case`], [`policy_and_case_with_unknowns`]: a policy and a case weighted at
//!   its cut-points.
//!
//! A case is decoded from arrays of random `u32`s rather than built from nested combinators:
//! this is fast in debug builds (about 10,000 cases a second per property), and shrinking the
//! numbers towards 0 shrinks a failing case towards the simplest one (ECOG 0, Child–Pugh 5, one
//! nodule, no history, every fact known).
//!
//! ```
//! use hcc_pathways::strategies::{case_with_unknowns, policy_and_case};
//! use hcc_pathways::{decide_with, Decision, Policy};
//! use proptest::prelude::*;
//! use proptest::test_runner::TestRunner;
//!
//! // In a test: `proptest! { #[test] fn name((policy, case) in policy_and_case()) { ... } }`.
//! let mut runner = TestRunner::deterministic();
//! runner.run(&policy_and_case(), |(policy, case)| {
//!     // Every complete case is decided, with exactly one rule.
//!     let c = hcc_pathways::classify(&case, &policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
//!     prop_assert!(c.rule.is_some());
//!     Ok(())
//! })?;
//! runner.run(&case_with_unknowns(&Policy::default()), |case| {
//!     // With facts unknown the outcome may be undecided, never an error.
//!     let d = decide_with(&case, &Policy::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
//!     if let Decision::Undecided(u) = d {
//!         prop_assert!(!u.facts_needed.is_empty());
//!     }
//!     Ok(())
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

use crate::case::{
    Ascites, AutoimmuneDisease, Case, DrugSafety, Encephalopathy, ExtrahepaticSite, GoalsOfCare,
    History, Intrahepatic, LiverFunction, MacrovascularInvasion, PerformanceStatus, PriorRegimen,
    Procedure, ProcedureSet, Recurrence, Regimen, RegimenHistory, SiteSet, Varices, FACT_PATHS,
};
use crate::policy::{Policy, Setting};
use crate::quantity::{
    AfpNgMl, Albumin, Bilirubin, ChildPughScore, Count, DiameterMm, Ecog, Inr, Months, NoduleCount,
};
use crate::scores::{child_pugh_from_components, child_pugh_range};

/// Random numbers consumed one by one (0 once they run out).
struct Dice<'a> {
    rolls: &'a [u32],
    next: usize,
}

impl<'a> Dice<'a> {
    fn new(rolls: &'a [u32]) -> Self {
        Self { rolls, next: 0 }
    }

    fn roll(&mut self) -> u32 {
        let r = self.rolls.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        r
    }

    /// `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        self.roll() as usize % n.max(1)
    }

    /// True with probability `num / den` (shrinks to false).
    fn chance(&mut self, num: u32, den: u32) -> bool {
        self.roll() % den >= den - num
    }

    /// One of `xs` (not empty; the first shrinks first).
    fn pick<T: Copy>(&mut self, xs: &[T]) -> Option<T> {
        xs.get(self.below(xs.len())).copied()
    }

    /// An integer in `lo..=hi`: half of the time uniform, otherwise an extreme or a value at,
    /// just below or just above a cut.
    fn int(&mut self, lo: i64, hi: i64, cuts: &[i64]) -> i64 {
        let r = self.roll();
        if r % 2 == 0 {
            return lo + i64::from(r / 2) % (hi - lo + 1);
        }
        let mut near = [lo; 32];
        let mut len = 0;
        for x in [lo, hi]
            .into_iter()
            .chain(cuts.iter().flat_map(|&c| [c - 1, c, c + 1]))
        {
            if (lo..=hi).contains(&x) && len < near.len() {
                near[len] = x;
                len += 1;
            }
        }
        near[(r as usize / 2) % len.max(1)]
    }

    /// A float: uniform in the common range `common`, a cut value, or uniform in `lo..=hi`.
    fn float(&mut self, lo: f64, hi: f64, common: (f64, f64), cuts: &[f64]) -> f64 {
        let r = self.roll();
        let unit = f64::from(r / 3) / f64::from(u32::MAX / 3);
        match r % 3 {
            0 => common.0 + unit * (common.1 - common.0),
            1 => cuts
                .get((r as usize / 3) % cuts.len().max(1))
                .copied()
                .unwrap_or(lo),
            _ => lo + unit * (hi - lo),
        }
    }
}

/// Dice for one policy: two for each setting, so that every setting varies.
type PolicyRolls = ([u32; 32], [u32; 32]);
/// Dice for one case.
type CaseRolls = ([u32; 32], [u32; 32]);

/// A valid policy: each threshold anywhere in its range (a third of the time at its default),
/// with `pei ≤ ablation ≤ combination` diameters.
fn decode_policy(rolls: &PolicyRolls) -> Option<Policy> {
    let d = Policy::default();
    let all: Vec<u32> = rolls.0.iter().chain(&rolls.1).copied().collect();
    let mut x = Dice::new(&all);
    let mut settings = Vec::with_capacity(Setting::ALL.len());
    for t in d.thresholds() {
        let setting = Setting::from_name(t.name)?;
        let (lo, hi) = t.accepted.split_once(" to ")?;
        let bound = |s: &str| match s {
            "false" => Some(0),
            "true" => Some(1),
            n => n.parse::<i64>().ok(),
        };
        let (lo, hi) = (bound(lo)?, bound(hi)?);
        let default = i64::from(t.default);
        let v = if t.flag {
            // A yes/no setting: at its default three times in four.
            if x.chance(1, 4) {
                1 - default
            } else {
                default
            }
        } else if x.below(3) == 0 {
            default
        } else {
            x.int(lo, hi, &[default])
        };
        settings.push((setting, u32::try_from(v).ok()?));
    }
    // The ordered diameters: each at most the next.
    let get = |s: Setting, settings: &[(Setting, u32)]| {
        settings.iter().find(|(k, _)| *k == s).map(|(_, v)| *v)
    };
    let combination = get(Setting::CombinationMaxDiameterMm, &settings)?;
    let ablation = get(Setting::AblationMaxDiameterMm, &settings)?.min(combination);
    let pei = get(Setting::PeiMaxDiameterMm, &settings)?.min(ablation);
    for (s, v) in &mut settings {
        match s {
            Setting::AblationMaxDiameterMm => *v = ablation,
            Setting::PeiMaxDiameterMm => *v = pei,
            _ => {}
        }
    }
    Policy::default().with_settings(settings).ok()
}

fn bilirubin(x: &mut Dice) -> Option<Bilirubin> {
    if x.chance(1, 2) {
        let v = x.float(
            1e-9,
            855.0,
            (3.0, 60.0),
            &[5e-324, 34.1, 34.2, 34.3, 51.2, 51.3, 51.4, 855.0],
        );
        Bilirubin::from_umol_l(v).ok()
    } else {
        let v = x.float(
            1e-9,
            50.0,
            (0.2, 3.5),
            &[5e-324, 1.99, 2.0, 2.01, 2.99, 3.0, 3.01, 50.0],
        );
        Bilirubin::from_mg_dl(v).ok()
    }
}

fn albumin(x: &mut Dice) -> Option<Albumin> {
    if x.chance(1, 2) {
        let v = x.float(
            1e-9,
            70.0,
            (25.0, 50.0),
            &[5e-324, 27.9, 28.0, 28.1, 34.9, 35.0, 35.1, 70.0],
        );
        Albumin::from_g_l(v).ok()
    } else {
        let v = x.float(
            1e-9,
            7.0,
            (2.5, 5.0),
            &[5e-324, 2.79, 2.8, 2.81, 3.49, 3.5, 3.51, 7.0],
        );
        Albumin::from_g_dl(v).ok()
    }
}

fn inr(x: &mut Dice) -> Option<Inr> {
    Inr::new(x.float(
        0.5,
        20.0,
        (0.8, 2.0),
        &[0.5, 1.69, 1.7, 1.71, 2.29, 2.3, 2.31, 20.0],
    ))
    .ok()
}

fn ascites(x: &mut Dice) -> Option<Ascites> {
    x.pick(&[
        Ascites::Absent,
        Ascites::Absent,
        Ascites::MildOrControlled,
        Ascites::ModerateToSevere,
    ])
}

fn encephalopathy(x: &mut Dice) -> Option<Encephalopathy> {
    x.pick(&[
        Encephalopathy::Absent,
        Encephalopathy::Absent,
        Encephalopathy::Grade1To2,
        Encephalopathy::Grade3To4,
    ])
}

fn liver_function(x: &mut Dice, p: &Policy) -> Option<LiverFunction> {
    let cuts = [
        i64::from(p.terminal_min_child_pugh),
        i64::from(p.intervention_max_child_pugh),
        i64::from(p.systemic_max_child_pugh),
        i64::from(p.later_line_max_child_pugh),
        i64::from(p.resection_max_child_pugh),
    ];
    if x.chance(1, 2) {
        // A recorded score (mostly class A-B) with any of the components; when all five are
        // given the score is the one they give (anything else is invalid).
        let score = if x.chance(1, 3) {
            x.int(5, 15, &cuts)
        } else {
            x.int(5, 9, &cuts)
        };
        let mut lf = LiverFunction {
            child_pugh_score: None,
            bilirubin: if x.chance(1, 2) { bilirubin(x) } else { None },
            albumin: if x.chance(1, 2) { albumin(x) } else { None },
            inr: if x.chance(1, 3) { inr(x) } else { None },
            ascites: if x.chance(1, 3) { ascites(x) } else { None },
            encephalopathy: if x.chance(1, 3) {
                encephalopathy(x)
            } else {
                None
            },
        };
        let recorded = match (
            lf.bilirubin,
            lf.albumin,
            lf.inr,
            lf.ascites,
            lf.encephalopathy,
        ) {
            (Some(b), Some(a), Some(i), Some(asc), Some(enc)) => {
                i64::from(child_pugh_from_components(b, a, i, asc, enc))
            }
            _ => {
                // A recorded score within what the components given allow (spec §2).
                let (lo, hi) = child_pugh_range(&lf);
                score.clamp(i64::from(lo), i64::from(hi))
            }
        };
        lf.child_pugh_score = Some(ChildPughScore::new(recorded).ok()?);
        Some(lf)
    } else {
        // The five components, with or without the agreeing recorded score.
        let (b, a, i, asc, enc) = (
            bilirubin(x)?,
            albumin(x)?,
            inr(x)?,
            ascites(x)?,
            encephalopathy(x)?,
        );
        let s = child_pugh_from_components(b, a, i, asc, enc);
        let child_pugh_score = if x.chance(1, 2) {
            Some(ChildPughScore::new(s.into()).ok()?)
        } else {
            None
        };
        Some(LiverFunction {
            child_pugh_score,
            bilirubin: Some(b),
            albumin: Some(a),
            inr: Some(i),
            ascites: Some(asc),
            encephalopathy: Some(enc),
        })
    }
}

fn recurrence(x: &mut Dice, p: &Policy) -> Option<Recurrence> {
    let limit = i64::from(p.up_to_seven_limit);
    let n = if x.chance(1, 3) {
        x.int(0, 999, &[1, p.ablation_max_nodules.into(), limit / 10])
    } else {
        x.int(0, 8, &[1, p.ablation_max_nodules.into()])
    };
    let d = if x.chance(1, 3) {
        // Around this count's up-to-seven cut.
        limit - 10 * n + x.int(-2, 2, &[])
    } else {
        let cuts = [
            i64::from(p.ablation_max_diameter_mm),
            i64::from(p.pei_max_diameter_mm),
            i64::from(p.combination_max_diameter_mm),
            i64::from(p.tace_caution_diameter_mm),
        ];
        if x.chance(1, 3) {
            x.int(1, 300, &cuts)
        } else {
            x.int(1, 80, &cuts)
        }
    }
    .clamp(1, 300);
    let infiltrative = x.chance(1, 5);
    let diameter_known = !infiltrative || x.chance(1, 2);
    let unsafe_location = x.chance(1, 3);
    let (mut mvi, mut sites) = if x.chance(2, 5) {
        let bits = x.roll();
        let sites = ExtrahepaticSite::ALL
            .iter()
            .copied()
            .filter(|s| bits & (1 << *s as u32) != 0)
            .collect();
        (x.pick(MacrovascularInvasion::ALL)?, sites)
    } else {
        (MacrovascularInvasion::Absent, SiteSet::EMPTY)
    };
    let intrahepatic = if n == 0 {
        // No nodules: only valid with spread or vascular invasion.
        if mvi == MacrovascularInvasion::Absent && sites.is_empty() {
            if x.chance(1, 2) {
                sites = SiteSet::of(&[x.pick(ExtrahepaticSite::ALL)?]);
            } else {
                mvi = x.pick(MacrovascularInvasion::ALL.get(1..)?)?;
            }
        }
        Intrahepatic {
            nodules: Some(NoduleCount::new(0).ok()?),
            largest_diameter_mm: None,
            infiltrative: Some(false),
            unsafe_ablation_location: Some(false),
        }
    } else {
        Intrahepatic {
            nodules: Some(NoduleCount::new(n).ok()?),
            largest_diameter_mm: if diameter_known {
                Some(DiameterMm::new(d).ok()?)
            } else {
                None
            },
            infiltrative: Some(infiltrative),
            unsafe_ablation_location: Some(unsafe_location),
        }
    };
    let afp = x.float(0.0, 1e7, (0.0, 2000.0), &[0.0, 399.9, 400.0, 400.1, 1e7]);
    Some(Recurrence {
        intrahepatic,
        macrovascular_invasion: Some(mvi),
        extrahepatic_sites: Some(sites),
        afp_ng_ml: Some(AfpNgMl::new(afp).ok()?),
    })
}

fn history(x: &mut Dice, p: &Policy) -> Option<History> {
    let bits = x.roll();
    let mut procedures: ProcedureSet = Procedure::ALL
        .iter()
        .copied()
        .filter(|q| bits & (1 << *q as u32) != 0)
        .collect();
    if procedures.is_empty() {
        procedures = ProcedureSet::of(&[Procedure::Tace]);
    }
    let mut ir = x.int(0, 50, &[p.refractory_insufficient_responses.into(), 0]);
    let mut ip = x.int(0, 50, &[p.refractory_intrahepatic_progressions.into(), 0]);
    let mut afp_rising = x.chance(1, 4);
    if x.chance(1, 2) {
        // Half of the cases: no TACE trouble at all.
        (ir, ip, afp_rising) = (0, 0, false);
    }
    let had_tace = procedures.contains(Procedure::Tace) || procedures.contains(Procedure::Tae);
    // TACE counters need TACE or TAE: add TACE, or clear the counters.
    if !had_tace && (ir > 0 || ip > 0 || afp_rising) {
        if x.chance(1, 2) {
            procedures = procedures.with(Procedure::Tace);
        } else {
            (ir, ip, afp_rising) = (0, 0, false);
        }
    }
    let months = x.int(0, 600, &[p.early_recurrence_max_months.into()]);
    let len = if x.chance(1, 4) {
        x.below(RegimenHistory::CAPACITY + 1)
    } else {
        x.pick(&[0, 0, 0, 1, 1, 2, 3])?
    };
    let mut items = [PriorRegimen {
        regimen: Regimen::Other,
        tolerated: None,
    }; RegimenHistory::CAPACITY];
    for item in items.iter_mut().take(len) {
        let r = x.roll() as usize;
        *item = PriorRegimen {
            regimen: *Regimen::ALL.get(r % Regimen::ALL.len())?,
            tolerated: Some((r / Regimen::ALL.len()) % 2 == 0),
        };
    }
    Some(History {
        procedures,
        tace_insufficient_responses: Some(Count::insufficient_responses(ir).ok()?),
        tace_intrahepatic_progressions: Some(Count::intrahepatic_progressions(ip).ok()?),
        afp_rising_after_tace: Some(afp_rising),
        months_since_last_procedure: Some(Months::new(months).ok()?),
        systemic_regimens: Some(RegimenHistory::new(items.get(..len)?).ok()?),
    })
}

/// A valid case with every fact known, weighted at the cut-points of `p`; `localize` moves it
/// towards a repeat intervention.
fn decode_case(rolls: &CaseRolls, p: &Policy, localize: bool) -> Option<Case> {
    let all: Vec<u32> = rolls.0.iter().chain(&rolls.1).copied().collect();
    let mut x = Dice::new(&all);
    let e = x.pick(&[0, 0, 0, 1, 1, 2, 3, 4])?;
    let related = x.chance(1, 2);
    let performance_status = PerformanceStatus {
        ecog: Some(Ecog::new(e).ok()?),
        // Known for ECOG 1-2, where it matters; known or not otherwise.
        cancer_related: if (1..=2).contains(&e) {
            Some(related)
        } else {
            x.pick(&[None, None, Some(true), Some(false)])?
        },
    };
    let goals_of_care = if x.chance(1, 4) {
        GoalsOfCare::ComfortFocused
    } else {
        GoalsOfCare::ActiveTreatment
    };
    let liver_function = liver_function(&mut x, p)?;
    let recurrence = recurrence(&mut x, p)?;
    let history = history(&mut x, p)?;
    let drug_safety = DrugSafety {
        liver_transplant_recipient: Some(x.chance(1, 4)),
        autoimmune_disease: Some(x.pick(AutoimmuneDisease::ALL)?),
        varices: Some(x.pick(Varices::ALL)?),
        hbsag_positive: Some(x.chance(1, 2)),
    };
    let mut case = Case {
        performance_status,
        liver_function,
        goals_of_care: Some(goals_of_care),
        recurrence,
        history,
        drug_safety,
    };
    if localize {
        // Where repeat intervention is possible: active treatment, no spread, ECOG 0, at least
        // one nodule; the rest as generated.
        case.goals_of_care = Some(GoalsOfCare::ActiveTreatment);
        case.performance_status.ecog = Some(Ecog::new(0).ok()?);
        case.recurrence.macrovascular_invasion = Some(MacrovascularInvasion::Absent);
        case.recurrence.extrahepatic_sites = Some(SiteSet::EMPTY);
        let ih = &mut case.recurrence.intrahepatic;
        if ih.nodules.is_some_and(|n| n.get() == 0) {
            ih.nodules = Some(NoduleCount::new(1).ok()?);
            ih.largest_diameter_mm = Some(DiameterMm::new(20).ok()?);
        }
    }
    case.validate().ok()?;
    Some(case)
}

/// The case with some facts not known: each fact with probability 1/8, and one case in eight
/// with the whole liver function unknown.
fn blank(case: Case, rolls: &[u32; 32]) -> Option<Case> {
    let mut x = Dice::new(rolls);
    let mut b = case.to_builder();
    for path in FACT_PATHS {
        if x.chance(1, 8) {
            b = b.unknown(path);
        }
    }
    if x.chance(1, 8) {
        b = b.liver_function(LiverFunction::default());
    }
    b.build().ok()
}

fn case_rolls() -> impl Strategy<Value = CaseRolls> {
    (any::<[u32; 32]>(), any::<[u32; 32]>())
}

/// Every valid policy: each threshold anywhere in its accepted range, a third of the time at
/// its default (a yes/no setting three times in four), the diameters ordered.
pub fn policy() -> BoxedStrategy<Policy> {
    any::<PolicyRolls>()
        .prop_filter_map("a valid policy", |r| decode_policy(&r))
        .boxed()
}

/// Every valid complete case, with extra weight at and around the cut-points of `policy` (a
/// fifth of them moved towards a repeat intervention). Every fact is known, but a recorded
/// Child–Pugh score may come without some of its components (then ALBI is not known).
///
/// ```
/// use hcc_pathways::{classify, strategies, Policy};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let policy = Policy::default();
/// for _ in 0..100 {
///     let case = strategies::case(&policy).new_tree(&mut runner).unwrap().current();
///     assert!(classify(&case, &policy)?.rule.is_some());
///     assert!(case.unknown_facts().all(|f| f == "liver_function.bilirubin" || f == "liver_function.albumin"));
/// }
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn case(policy: &Policy) -> BoxedStrategy<Case> {
    let p = *policy;
    (case_rolls(), 0u8..5)
        .prop_filter_map("a valid case", move |(r, l)| decode_case(&r, &p, l == 4))
        .boxed()
}

/// Valid cases with some facts not known (spec §8): those of [`case`], each fact of
/// [`FACT_PATHS`] unknown with probability 1/8, and one case in eight with the whole liver
/// function unknown. Some come out complete.
pub fn case_with_unknowns(policy: &Policy) -> BoxedStrategy<Case> {
    let p = *policy;
    (case_rolls(), 0u8..5, any::<[u32; 32]>())
        .prop_filter_map("a valid case", move |(r, l, u)| {
            blank(decode_case(&r, &p, l == 4)?, &u)
        })
        .boxed()
}

/// A valid policy ([`policy`]) and a complete valid case weighted at its cut-points
/// ([`case`]).
pub fn policy_and_case() -> BoxedStrategy<(Policy, Case)> {
    (any::<PolicyRolls>(), case_rolls(), 0u8..5)
        .prop_filter_map("a valid policy and case", |(pr, cr, l)| {
            let p = decode_policy(&pr)?;
            Some((p, decode_case(&cr, &p, l == 4)?))
        })
        .boxed()
}

/// A valid policy and a valid case with some facts not known ([`case_with_unknowns`]).
pub fn policy_and_case_with_unknowns() -> BoxedStrategy<(Policy, Case)> {
    (
        any::<PolicyRolls>(),
        case_rolls(),
        0u8..5,
        any::<[u32; 32]>(),
    )
        .prop_filter_map("a valid policy and case", |(pr, cr, l, u)| {
            let p = decode_policy(&pr)?;
            Some((p, blank(decode_case(&cr, &p, l == 4)?, &u)?))
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    /// Draws `n` values; the strategies never reject (every decoded value is valid).
    fn draw<T: std::fmt::Debug>(s: &BoxedStrategy<T>, n: usize) -> Vec<T> {
        let mut runner = TestRunner::deterministic();
        (0..n)
            .map(|_| s.new_tree(&mut runner).expect("no rejection").current())
            .collect()
    }

    #[test]
    fn every_decoded_policy_and_case_is_valid() {
        let mut runner = TestRunner::deterministic();
        let mut rejected = 0;
        for _ in 0..2_000 {
            let pr: PolicyRolls = any::<PolicyRolls>()
                .new_tree(&mut runner)
                .unwrap()
                .current();
            let cr = case_rolls().new_tree(&mut runner).unwrap().current();
            let Some(p) = decode_policy(&pr) else {
                rejected += 1;
                continue;
            };
            assert!(p.validate().is_ok());
            for localize in [false, true] {
                match decode_case(&cr, &p, localize) {
                    Some(c) => {
                        assert!(c.validate().is_ok());
                        // Blanking keeps a case valid, whatever is blanked.
                        let b = blank(c, &pr.0).expect("a blanked case is valid");
                        assert!(b.validate().is_ok());
                    }
                    None => rejected += 1,
                }
            }
        }
        assert_eq!(rejected, 0);
    }

    #[test]
    fn zero_dice_decode_to_the_simplest_values() {
        let p = decode_policy(&([0; 32], [0; 32])).unwrap();
        // A third of the time at the default: the dice at 0 keep every default.
        assert_eq!(p, Policy::default());
        let c = decode_case(&([0; 32], [0; 32]), &p, false).unwrap();
        assert_eq!(c.performance_status.ecog.map(Ecog::get), Some(0));
        assert_eq!(c.history.systemic_regimens.map(|h| h.len()), Some(0));
        assert_eq!(c.unknown_facts().count(), 0);
        assert_eq!(blank(c, &[0; 32]), Some(c));
    }

    #[test]
    fn the_policies_vary_every_setting_in_both_directions() {
        let policies = draw(&policy(), 2_000);
        let default = Policy::default();
        for t in default.thresholds() {
            let s = Setting::from_name(t.name).unwrap();
            let (lo, hi) = t.accepted.split_once(" to ").unwrap();
            let num = |b: &str| match b {
                "false" => 0,
                "true" => 1,
                n => n.parse::<u32>().unwrap(),
            };
            let (lo, hi) = (num(lo), num(hi));
            let values: Vec<u32> = policies.iter().map(|p| p.get(s)).collect();
            assert!(values.contains(&t.default), "{s} never at its default");
            assert!(
                t.default == lo || values.iter().any(|v| *v < t.default),
                "{s} never below its default"
            );
            assert!(
                t.default == hi || values.iter().any(|v| *v > t.default),
                "{s} never above its default"
            );
            assert!(values.iter().all(|v| (lo..=hi).contains(v)), "{s}");
        }
    }

    #[test]
    fn unknown_facts_come_one_by_one_and_liver_function_whole() {
        let cases = draw(&case_with_unknowns(&Policy::default()), 2_000);
        for path in FACT_PATHS {
            let n = cases
                .iter()
                .filter(|c| c.unknown_facts().any(|f| f == path))
                .count();
            assert!(n >= 20, "{path} unknown in {n} of 2,000 cases");
        }
        let complete = cases
            .iter()
            .filter(|c| c.unknown_facts().next().is_none())
            .count();
        assert!(complete >= 20, "{complete} complete cases");
        let no_liver_function = cases
            .iter()
            .filter(|c| c.liver_function == LiverFunction::default())
            .count();
        assert!(no_liver_function >= 100, "{no_liver_function}");
        let albi_only =
            |f: &str| matches!(f, "liver_function.bilirubin" | "liver_function.albumin");
        for c in draw(&case(&Policy::default()), 500) {
            assert!(c.unknown_facts().all(albi_only), "{c:?}");
            assert!(
                c.liver_function.child_pugh_score.is_some() || c.unknown_facts().next().is_none()
            );
        }
    }
}
