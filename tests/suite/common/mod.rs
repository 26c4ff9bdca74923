//! Shared test support: proptest strategies for every valid case and policy, and the property
//! harness as plain functions so it can run on any rule set (including deliberately broken
//! ones).
#![allow(dead_code)]

use proptest::prelude::*;

use hcc_pathways::case::{Ascites, Encephalopathy};
use hcc_pathways::case::{
    AutoimmuneDisease, Case, DrugSafety, ExtrahepaticSite, GoalsOfCare, History, Intrahepatic,
    LiverFunction, MacrovascularInvasion, PerformanceStatus, PriorRegimen, Procedure, ProcedureSet,
    Recurrence, Regimen, RegimenHistory, SiteSet, Varices,
};
use hcc_pathways::engine::RuleSet;
use hcc_pathways::quantity::{
    AfpNgMl, Albumin, Bilirubin, ChildPughScore, Count, DiameterMm, Ecog, Inr, Months, NoduleCount,
};
use hcc_pathways::scores::{child_pugh_from_components, child_pugh_range};
use hcc_pathways::{Assessment, Pathway, Policy};

/// The property at the heart of issue 4: under `policy`, exactly one rule of `rules` matches
/// `case`. Returns the rule's id and outcome, or a message naming the rules that matched.
pub fn exactly_one_rule(
    rules: &RuleSet<Assessment, Pathway>,
    case: &Case,
    policy: &Policy,
) -> Result<(&'static str, Pathway), String> {
    let a = Assessment::new(case, policy).map_err(|e| format!("invalid input: {e}"))?;
    let mask = rules.leaf_mask(&a);
    let mut matched = rules.matches_for_mask(mask);
    match (matched.next(), matched.next()) {
        (Some(i), None) => {
            let r = &rules.rules()[i];
            Ok((r.id(), *r.outcome()))
        }
        _ => {
            let ids: Vec<&str> = rules
                .matches_for_mask(mask)
                .map(|i| rules.rules()[i].id())
                .collect();
            Err(format!(
                "rule set `{}`: {} rules matched {ids:?} (leaf mask {mask:#b})",
                rules.id(),
                ids.len()
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generation.
//
// Proptest's combinators are slow in debug builds (a nested strategy for a whole case costs
// about 0.3 ms per value), too slow for 10,000 cases per property. So a case is decoded from
// arrays of random `u32` "dice": cheap to generate, and shrinking the dice towards 0 shrinks
// the case towards the simplest values (ECOG 0, Child-Pugh 5, one nodule, no history, ...).
// Every valid case can be decoded (each field's full range is reachable); the decoding puts
// extra weight on the cut-points of the policy the case is read under.

/// Random numbers consumed one by one.
pub struct Dice<'a> {
    rolls: &'a [u32],
    next: usize,
}

impl<'a> Dice<'a> {
    pub fn new(rolls: &'a [u32]) -> Self {
        Self { rolls, next: 0 }
    }

    pub fn roll(&mut self) -> u32 {
        let r = self.rolls.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        r
    }

    /// `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.roll() as usize % n
    }

    /// True with probability `num / den` (shrinks to false).
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        self.roll() % den >= den - num
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// An integer in `lo..=hi`: half of the time uniform, otherwise an extreme or a value at,
    /// just below or just above a cut.
    pub fn int(&mut self, lo: i64, hi: i64, cuts: &[i64]) -> i64 {
        let r = self.roll();
        if r % 2 == 0 {
            return lo + i64::from(r / 2) % (hi - lo + 1);
        }
        let mut near = [0i64; 32];
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
        near[(r as usize / 2) % len]
    }

    /// A float: a cut value, uniform in the common range `common`, or uniform in `lo..=hi`.
    fn float(&mut self, lo: f64, hi: f64, common: (f64, f64), cuts: &[f64]) -> f64 {
        let r = self.roll();
        let unit = f64::from(r / 3) / f64::from(u32::MAX / 3);
        match r % 3 {
            0 => common.0 + unit * (common.1 - common.0),
            1 => cuts[(r as usize / 3) % cuts.len()],
            _ => lo + unit * (hi - lo),
        }
    }
}

/// Dice for one policy.
pub type PolicyRolls = [u32; 32];
/// Dice for one case.
pub type CaseRolls = ([u32; 32], [u32; 32]);

/// Decodes a valid policy: each threshold anywhere in its accepted range (a third of the time
/// at its default), with `pei ≤ ablation ≤ combination` diameters.
pub fn decode_policy(rolls: &PolicyRolls) -> Policy {
    let d = Policy::default();
    let mut x = Dice::new(rolls);
    let mut t = |lo: i64, hi: i64, default: i64| -> i64 {
        if x.below(3) == 0 {
            default
        } else {
            x.int(lo, hi, &[default])
        }
    };
    macro_rules! th {
        ($lo:expr, $hi:expr, $f:ident) => {
            t($lo, $hi, i64::from(d.$f)).try_into().unwrap()
        };
    }
    let mut p = Policy {
        terminal_min_ecog: th!(1, 4, terminal_min_ecog),
        terminal_min_child_pugh: th!(6, 15, terminal_min_child_pugh),
        up_to_seven_limit: th!(10, 400, up_to_seven_limit),
        ablation_max_nodules: th!(1, 10, ablation_max_nodules),
        ablation_max_diameter_mm: th!(10, 50, ablation_max_diameter_mm),
        refractory_insufficient_responses: th!(1, 10, refractory_insufficient_responses),
        refractory_intrahepatic_progressions: th!(1, 10, refractory_intrahepatic_progressions),
        refractory_on_afp_rise: true,
        intervention_max_child_pugh: th!(5, 9, intervention_max_child_pugh),
        systemic_max_ecog: th!(0, 2, systemic_max_ecog),
        systemic_max_child_pugh: th!(5, 7, systemic_max_child_pugh),
        later_line_from_regimens: th!(1, 12, later_line_from_regimens),
        later_line_max_ecog: th!(0, 2, later_line_max_ecog),
        later_line_max_child_pugh: th!(5, 7, later_line_max_child_pugh),
        pei_max_diameter_mm: th!(10, 30, pei_max_diameter_mm),
        combination_max_diameter_mm: th!(20, 100, combination_max_diameter_mm),
        tace_caution_diameter_mm: th!(50, 300, tace_caution_diameter_mm),
        ramucirumab_min_afp_ng_ml: th!(0, 100_000, ramucirumab_min_afp_ng_ml),
        early_recurrence_max_months: th!(0, 120, early_recurrence_max_months),
        transplant_max_ecog: th!(0, 2, transplant_max_ecog),
        resection_max_child_pugh: th!(5, 7, resection_max_child_pugh),
        intervention_max_ecog: th!(0, 2, intervention_max_ecog),
        combination_max_nodules: th!(1, 10, combination_max_nodules),
        cabozantinib_max_prior_regimens: th!(1, 12, cabozantinib_max_prior_regimens),
        tace_systemic_max_ecog: th!(0, 2, tace_systemic_max_ecog),
        tace_systemic_max_child_pugh: th!(5, 7, tace_systemic_max_child_pugh),
        transplant_caution_afp_ng_ml: th!(0, 100_000, transplant_caution_afp_ng_ml),
        resection_max_ecog: th!(0, 2, resection_max_ecog),
    };
    p.refractory_on_afp_rise = x.below(4) != 0;
    p.ablation_max_diameter_mm = p
        .ablation_max_diameter_mm
        .min(p.combination_max_diameter_mm);
    p.pei_max_diameter_mm = p.pei_max_diameter_mm.min(p.ablation_max_diameter_mm);
    p
}

fn bilirubin(x: &mut Dice) -> Bilirubin {
    if x.chance(1, 2) {
        let v = x.float(
            1e-9,
            855.0,
            (3.0, 60.0),
            &[5e-324, 34.1, 34.2, 34.3, 51.2, 51.3, 51.4, 855.0],
        );
        Bilirubin::from_umol_l(v).unwrap()
    } else {
        let v = x.float(
            1e-9,
            50.0,
            (0.2, 3.5),
            &[5e-324, 1.99, 2.0, 2.01, 2.99, 3.0, 3.01, 50.0],
        );
        Bilirubin::from_mg_dl(v).unwrap()
    }
}

fn albumin(x: &mut Dice) -> Albumin {
    if x.chance(1, 2) {
        let v = x.float(
            1e-9,
            70.0,
            (25.0, 50.0),
            &[5e-324, 27.9, 28.0, 28.1, 34.9, 35.0, 35.1, 70.0],
        );
        Albumin::from_g_l(v).unwrap()
    } else {
        let v = x.float(
            1e-9,
            7.0,
            (2.5, 5.0),
            &[5e-324, 2.79, 2.8, 2.81, 3.49, 3.5, 3.51, 7.0],
        );
        Albumin::from_g_dl(v).unwrap()
    }
}

fn liver_function(x: &mut Dice, p: &Policy) -> LiverFunction {
    let cuts = [
        i64::from(p.terminal_min_child_pugh),
        i64::from(p.intervention_max_child_pugh),
        i64::from(p.systemic_max_child_pugh),
        i64::from(p.later_line_max_child_pugh),
        i64::from(p.resection_max_child_pugh),
    ];
    let inr = |x: &mut Dice| {
        Inr::new(x.float(
            0.5,
            20.0,
            (0.8, 2.0),
            &[0.5, 1.69, 1.7, 1.71, 2.29, 2.3, 2.31, 20.0],
        ))
        .unwrap()
    };
    let ascites = |x: &mut Dice| {
        x.pick(&[
            Ascites::Absent,
            Ascites::Absent,
            Ascites::MildOrControlled,
            Ascites::ModerateToSevere,
        ])
    };
    let encephalopathy = |x: &mut Dice| {
        x.pick(&[
            Encephalopathy::Absent,
            Encephalopathy::Absent,
            Encephalopathy::Grade1To2,
            Encephalopathy::Grade3To4,
        ])
    };
    if x.chance(1, 2) {
        // A recorded score (mostly class A-B) with any of the components; when all five are
        // present the score is the one they give (anything else is invalid).
        let score = if x.chance(1, 3) {
            x.int(5, 15, &cuts)
        } else {
            x.int(5, 9, &cuts)
        };
        let mut lf = LiverFunction {
            child_pugh_score: Some(ChildPughScore::new(score).unwrap()),
            bilirubin: x.chance(1, 2).then(|| bilirubin(x)),
            albumin: x.chance(1, 2).then(|| albumin(x)),
            inr: x.chance(1, 3).then(|| inr(x)),
            ascites: x.chance(1, 3).then(|| ascites(x)),
            encephalopathy: x.chance(1, 3).then(|| encephalopathy(x)),
        };
        if let (Some(b), Some(a), Some(i), Some(asc), Some(enc)) = (
            lf.bilirubin,
            lf.albumin,
            lf.inr,
            lf.ascites,
            lf.encephalopathy,
        ) {
            let s = child_pugh_from_components(b, a, i, asc, enc);
            lf.child_pugh_score = Some(ChildPughScore::new(s.into()).unwrap());
        } else {
            // A recorded score within what the components given allow (spec §2).
            let (lo, hi) = child_pugh_range(&lf);
            let s = score.clamp(i64::from(lo), i64::from(hi));
            lf.child_pugh_score = Some(ChildPughScore::new(s).unwrap());
        }
        lf
    } else {
        // The five components, with or without the agreeing recorded score.
        let (b, a, i, asc, enc) = (
            bilirubin(x),
            albumin(x),
            inr(x),
            ascites(x),
            encephalopathy(x),
        );
        let s = child_pugh_from_components(b, a, i, asc, enc);
        LiverFunction {
            child_pugh_score: x
                .chance(1, 2)
                .then(|| ChildPughScore::new(s.into()).unwrap()),
            bilirubin: Some(b),
            albumin: Some(a),
            inr: Some(i),
            ascites: Some(asc),
            encephalopathy: Some(enc),
        }
    }
}

fn recurrence(x: &mut Dice, p: &Policy) -> Recurrence {
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
        (x.pick(MacrovascularInvasion::ALL), sites)
    } else {
        (MacrovascularInvasion::Absent, SiteSet::EMPTY)
    };
    let intrahepatic = if n == 0 {
        // No nodules: only valid with spread or vascular invasion.
        if mvi == MacrovascularInvasion::Absent && sites.is_empty() {
            if x.chance(1, 2) {
                sites = SiteSet::of(&[x.pick(ExtrahepaticSite::ALL)]);
            } else {
                mvi = x.pick(&MacrovascularInvasion::ALL[1..]);
            }
        }
        Intrahepatic {
            nodules: Some(NoduleCount::new(0).unwrap()),
            largest_diameter_mm: None,
            infiltrative: Some(false),
            unsafe_ablation_location: Some(false),
        }
    } else {
        Intrahepatic {
            nodules: Some(NoduleCount::new(n).unwrap()),
            largest_diameter_mm: diameter_known.then(|| DiameterMm::new(d).unwrap()),
            infiltrative: Some(infiltrative),
            unsafe_ablation_location: Some(unsafe_location),
        }
    };
    // Every fact known: unknown facts (spec §8) come from `blank`.
    let afp = Some(
        AfpNgMl::new(x.float(0.0, 1e7, (0.0, 2000.0), &[0.0, 399.9, 400.0, 400.1, 1e7])).unwrap(),
    );
    Recurrence {
        intrahepatic,
        macrovascular_invasion: Some(mvi),
        extrahepatic_sites: Some(sites),
        afp_ng_ml: afp,
    }
}

fn history(x: &mut Dice, p: &Policy) -> History {
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
        x.pick(&[0, 0, 0, 1, 1, 2, 3])
    };
    let mut items = [PriorRegimen {
        regimen: Regimen::Other,
        tolerated: None,
    }; RegimenHistory::CAPACITY];
    for item in items.iter_mut().take(len) {
        let r = x.roll() as usize;
        *item = PriorRegimen {
            regimen: Regimen::ALL[r % Regimen::ALL.len()],
            tolerated: [Some(true), Some(false)][(r / Regimen::ALL.len()) % 2],
        };
    }
    History {
        procedures,
        tace_insufficient_responses: Some(Count::new(ir).unwrap()),
        tace_intrahepatic_progressions: Some(Count::new(ip).unwrap()),
        afp_rising_after_tace: Some(afp_rising),
        months_since_last_procedure: Some(Months::new(months).unwrap()),
        systemic_regimens: Some(RegimenHistory::new(&items[..len]).unwrap()),
    }
}

/// Decodes a valid case, with extra weight at the cut-points of `p`'s thresholds.
pub fn decode_case(rolls: &CaseRolls, p: &Policy) -> Case {
    let all: Vec<u32> = rolls.0.iter().chain(&rolls.1).copied().collect();
    let mut x = Dice::new(&all);
    let e = x.pick(&[0, 0, 0, 1, 1, 2, 3, 4]);
    let related = x.chance(1, 2);
    let performance_status = PerformanceStatus {
        ecog: Some(Ecog::new(e).unwrap()),
        // Required for ECOG 1-2, optional (and ignored) otherwise.
        cancer_related: if (1..=2).contains(&e) {
            Some(related)
        } else {
            x.pick(&[None, None, Some(true), Some(false)])
        },
    };
    let goals_of_care = if x.chance(1, 4) {
        GoalsOfCare::ComfortFocused
    } else {
        GoalsOfCare::ActiveTreatment
    };
    let liver_function = liver_function(&mut x, p);
    let recurrence = recurrence(&mut x, p);
    let history = history(&mut x, p);
    let drug_safety = DrugSafety {
        liver_transplant_recipient: Some(x.chance(1, 4)),
        autoimmune_disease: Some(x.pick(AutoimmuneDisease::ALL)),
        varices: Some(x.pick(Varices::ALL)),
        hbsag_positive: x.pick(&[Some(true), Some(false)]),
    };
    Case {
        performance_status,
        liver_function,
        goals_of_care: Some(goals_of_care),
        recurrence,
        history,
        drug_safety,
    }
}

/// Moves a case into the region where repeat intervention is possible (active treatment, no
/// spread, ECOG 0, at least one nodule), leaving the rest as generated, so properties about
/// `repeat_intervention` are not vacuous.
pub fn localize(mut c: Case) -> Case {
    c.goals_of_care = Some(GoalsOfCare::ActiveTreatment);
    c.performance_status.ecog = Some(Ecog::new(0).unwrap());
    c.recurrence.macrovascular_invasion = Some(MacrovascularInvasion::Absent);
    c.recurrence.extrahepatic_sites = Some(SiteSet::EMPTY);
    let ih = &mut c.recurrence.intrahepatic;
    if ih.nodules.is_some_and(|n| n.get() == 0) {
        ih.nodules = Some(NoduleCount::new(1).unwrap());
        ih.largest_diameter_mm = Some(DiameterMm::new(20).unwrap());
    }
    c
}

fn case_rolls() -> impl Strategy<Value = CaseRolls> {
    (any::<[u32; 32]>(), any::<[u32; 32]>())
}

/// Every valid case under `p` (a fifth of them moved towards repeat intervention by
/// [`localize`]).
pub fn case_for(p: &Policy) -> BoxedStrategy<Case> {
    let p = *p;
    (case_rolls(), 0u8..5)
        .prop_map(move |(r, l)| {
            let c = decode_case(&r, &p);
            if l == 4 {
                localize(c)
            } else {
                c
            }
        })
        .boxed()
}

/// Every valid policy.
pub fn policy() -> BoxedStrategy<Policy> {
    any::<PolicyRolls>().prop_map(|r| decode_policy(&r)).boxed()
}

/// A valid policy and a valid case weighted at that policy's cut-points.
pub fn policy_and_case() -> BoxedStrategy<(Policy, Case)> {
    (any::<PolicyRolls>(), case_rolls(), 0u8..5)
        .prop_map(|(pr, cr, l)| {
            let p = decode_policy(&pr);
            let c = decode_case(&cr, &p);
            (p, if l == 4 { localize(c) } else { c })
        })
        .boxed()
}

/// A case under the default policy.
pub fn default_policy_case() -> BoxedStrategy<Case> {
    case_for(&Policy::default())
}

/// Proptest configuration of issue 4: 10,000 cases per property.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        // Shrinking a failure can take long; a few thousand steps suffice.
        max_shrink_iters: 4096,
        ..ProptestConfig::with_cases(10_000)
    }
}
