//! A boundary grid of cases: every combination of the values at, just below and just above each
//! threshold the pathway predicates read, plus the extremes of each input.
//!
//! The grid is a product of axes, one per group of inputs. [`Grid::boundaries`] places the
//! cut-points at a [`Policy`]'s thresholds; every axis is a public `Vec`, so a researcher whose
//! predicates read other inputs (AFP, varices, an unsafe location, …) can add values before
//! enumerating. Cases are decoded from an index (mixed radix), so a grid of millions of cases
//! costs no memory beyond its axes and can be split across threads with [`Grid::case_at`].
//!
//! Use it to test a rule set case by case, or as witnesses for
//! [`engine::check`](crate::engine::check):
//!
//! ```
//! use hcc_pathways::{engine::check, grid::Grid, predicates, pathway::pathway_rules, Policy};
//!
//! let policy = Policy::default();
//! let mut grid = Grid::boundaries(&policy);
//! // Keep the doctest quick: fewer Child–Pugh scores and TACE histories.
//! grid.liver_function.truncate(3);
//! grid.tace_history.truncate(2);
//! let report = check(pathway_rules(), &predicates::implications(&policy), grid.assessments(&policy))?;
//! assert!(report.is_ok(), "{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What the default grid holds and why (thresholds at the default policy):
//!
//! | axis | values |
//! |---|---|
//! | goals of care | both |
//! | performance status | ECOG 0–4, each ECOG 1–2 cancer-related and not |
//! | Child–Pugh score | 5 and 15, and t − 1, t, t + 1 for every Child–Pugh threshold (5–11, 15) |
//! | vascular invasion and spread | none; lung only; a portal-vein branch only; main portal vein with every site |
//! | intrahepatic disease | 0 nodules; 1, 2, a − 1, a, a + 1 and 999 nodules (a = most nodules for ablation), each with diameters 1 and 300 mm, the ablation cut d − 1, d, d + 1, and the up-to-seven cut for that count (limit − 10 × nodules, ± 1); infiltrative growth with no diameter or the ablation cut |
//! | TACE history | no TACE; each counter at 0, t − 1, t, t + 1 and 50 with the other at 0; both one short of their thresholds, with and without rising AFP; rising AFP alone; everything at its maximum |
//! | systemic regimens | 0, 12, and L − 1, L, L + 1 regimens received (L = regimens from which later-line fitness applies) |
//!
//! AFP, months since the last procedure and the drug-safety facts hold one value each here;
//! [`Grid::with_option_inputs`] adds every value the option rules distinguish.

use crate::assessment::Assessment;
use crate::case::{
    AutoimmuneDisease, Case, DrugSafety, ExtrahepaticSite, GoalsOfCare, History, Intrahepatic,
    LiverFunction, MacrovascularInvasion, PerformanceStatus, PriorRegimen, Procedure, ProcedureSet,
    Recurrence, Regimen, RegimenHistory, SiteSet, Varices,
};
use crate::error::Error;
use crate::policy::Policy;
use crate::quantity::{AfpNgMl, ChildPughScore, Count, DiameterMm, Ecog, Months, NoduleCount};

/// The TACE-related history of a grid case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaceHistory {
    /// Procedures received.
    pub procedures: ProcedureSet,
    /// Consecutive insufficient responses to TACE.
    pub insufficient_responses: Count,
    /// Consecutive intrahepatic progressions after TACE.
    pub intrahepatic_progressions: Count,
    /// AFP rising continuously right after TACE.
    pub afp_rising: bool,
}

/// A product of input values; see the [module documentation](self).
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Goals of care.
    pub goals_of_care: Vec<GoalsOfCare>,
    /// Performance status.
    pub performance_status: Vec<PerformanceStatus>,
    /// Liver function.
    pub liver_function: Vec<LiverFunction>,
    /// Macrovascular invasion with the extrahepatic sites.
    pub spread: Vec<(MacrovascularInvasion, SiteSet)>,
    /// Intrahepatic disease.
    pub intrahepatic: Vec<Intrahepatic>,
    /// AFP.
    pub afp_ng_ml: Vec<Option<AfpNgMl>>,
    /// Procedures and TACE response.
    pub tace_history: Vec<TaceHistory>,
    /// Months from the last procedure.
    pub months_since_last_procedure: Vec<Months>,
    /// Systemic regimens received.
    pub systemic_regimens: Vec<RegimenHistory>,
    /// Drug-safety facts.
    pub drug_safety: Vec<DrugSafety>,
}

/// Values around threshold `t` of a `≥ t` or `≤ t` test, `t − 1`, `t`, `t + 1`, and the
/// extremes, clamped to `[min, max]`, sorted and without repeats.
fn around(cuts: &[i64], min: i64, max: i64) -> Vec<i64> {
    let mut v = vec![min, max];
    for &t in cuts {
        v.extend([t - 1, t, t + 1]);
    }
    v.retain(|x| (min..=max).contains(x));
    v.sort_unstable();
    v.dedup();
    v
}

// The constructors below only receive values inside their ranges (clamped by `around` or
// constants); `.ok()` with `filter_map` keeps the code free of panics all the same.
fn count(v: i64) -> Option<Count> {
    Count::new(v).ok()
}

impl Grid {
    /// The boundary grid of the pathway predicates under `policy` (see the module table).
    ///
    /// ```
    /// use hcc_pathways::{grid::Grid, Policy};
    /// let grid = Grid::boundaries(&Policy::default());
    /// assert_eq!(grid.liver_function.len(), 8); // Child–Pugh 5, 6, 7, 8, 9, 10, 11, 15
    /// assert!(grid.len() > 1_000_000);
    /// ```
    pub fn boundaries(policy: &Policy) -> Grid {
        let performance_status = [
            (0, None),
            (1, Some(true)),
            (1, Some(false)),
            (2, Some(true)),
            (2, Some(false)),
            (3, None),
            (4, None),
        ]
        .iter()
        .filter_map(|&(e, cancer_related)| {
            Some(PerformanceStatus {
                ecog: Some(Ecog::new(e).ok()?),
                cancer_related,
            })
        })
        .collect();

        let p = policy;
        let cp_cuts = [
            i64::from(p.terminal_min_child_pugh),
            i64::from(p.intervention_max_child_pugh),
            i64::from(p.systemic_max_child_pugh),
            i64::from(p.later_line_max_child_pugh),
        ];
        let liver_function = around(&cp_cuts, 5, 15)
            .into_iter()
            .filter_map(|s| {
                Some(LiverFunction {
                    child_pugh_score: Some(ChildPughScore::new(s).ok()?),
                    ..LiverFunction::default()
                })
            })
            .collect();

        let all_sites: SiteSet = ExtrahepaticSite::ALL.iter().copied().collect();
        let spread = vec![
            (MacrovascularInvasion::Absent, SiteSet::EMPTY),
            (
                MacrovascularInvasion::Absent,
                SiteSet::of(&[ExtrahepaticSite::Lung]),
            ),
            (MacrovascularInvasion::PortalVeinBranch, SiteSet::EMPTY),
            (MacrovascularInvasion::MainPortalVein, all_sites),
        ];

        let tace = ProcedureSet::of(&[Procedure::Tace]);
        let r = i64::from(p.refractory_insufficient_responses);
        let q = i64::from(p.refractory_intrahepatic_progressions);
        let max = i64::from(Count::MAX);
        let mut tace_rows: Vec<(i64, i64, bool)> = Vec::new();
        tace_rows.extend(around(&[r], 0, max).into_iter().map(|x| (x, 0, false)));
        tace_rows.extend(around(&[q], 0, max).into_iter().map(|x| (0, x, false)));
        tace_rows.extend([
            (r - 1, q - 1, false),
            (r - 1, q - 1, true),
            (0, 0, true),
            (max, max, true),
        ]);
        tace_rows.sort_unstable();
        tace_rows.dedup();
        let no_tace = ProcedureSet::of(&[Procedure::Rfa]);
        let tace_history = std::iter::once((no_tace, 0, 0, false))
            .chain(tace_rows.into_iter().map(|(a, b, afp)| (tace, a, b, afp)))
            .filter_map(|(procedures, a, b, afp_rising)| {
                Some(TaceHistory {
                    procedures,
                    insufficient_responses: count(a)?,
                    intrahepatic_progressions: count(b)?,
                    afp_rising,
                })
            })
            .collect();

        let l = i64::from(p.later_line_from_regimens);
        let cap = RegimenHistory::CAPACITY as i64;
        let systemic_regimens = around(&[l], 0, cap)
            .into_iter()
            .filter_map(|k| {
                let items: Vec<PriorRegimen> = REGIMEN_SEQUENCE
                    .iter()
                    .take(usize::try_from(k).ok()?)
                    .map(|&regimen| PriorRegimen {
                        regimen,
                        tolerated: Some(true),
                    })
                    .collect();
                RegimenHistory::new(&items).ok()
            })
            .collect();

        Grid {
            goals_of_care: GoalsOfCare::ALL.to_vec(),
            performance_status,
            liver_function,
            spread,
            intrahepatic: intrahepatic_boundaries(policy),
            afp_ng_ml: vec![None],
            tace_history,
            months_since_last_procedure: Months::new(12).ok().into_iter().collect(),
            systemic_regimens,
            drug_safety: vec![DrugSafety {
                liver_transplant_recipient: Some(false),
                autoimmune_disease: Some(AutoimmuneDisease::Absent),
                varices: Some(Varices::NoneOrTreated),
                hbsag_positive: None,
            }],
        }
    }

    /// [`Grid::boundaries`] with the inputs the option, caution and consideration rules read
    /// too: nodule locations where thermal ablation is unsafe; diameters and counts around
    /// the PEI, combination and TACE-caution cut-points; AFP unknown and around the
    /// ramucirumab and transplant-caution thresholds; months around early recurrence; every
    /// drug-safety combination; and regimen histories that reach every line of therapy and
    /// sorafenib tolerance (tolerated, not, unknown), within and beyond the cabozantinib
    /// prior-line limit. Far too many combinations to enumerate: draw from it with
    /// [`Grid::sample`].
    ///
    /// ```
    /// use hcc_pathways::{grid::Grid, Policy};
    /// let grid = Grid::with_option_inputs(&Policy::default());
    /// assert!(grid.len() > 1_000_000_000);
    /// assert_eq!(grid.drug_safety.len(), 72);
    /// ```
    pub fn with_option_inputs(policy: &Policy) -> Grid {
        let p = policy;
        let mut g = Grid::boundaries(policy);
        // Intrahepatic: the option cut-points, with safe and unsafe locations.
        let mut cuts = vec![
            i64::from(p.pei_max_diameter_mm),
            i64::from(p.combination_max_diameter_mm),
            i64::from(p.tace_caution_diameter_mm),
        ];
        cuts.extend([i64::from(p.ablation_max_diameter_mm)]);
        let diameters = around(
            &cuts,
            i64::from(DiameterMm::MIN),
            i64::from(DiameterMm::MAX),
        );
        let counts = around(
            &[
                1,
                i64::from(p.ablation_max_nodules),
                i64::from(p.combination_max_nodules),
            ],
            1,
            i64::from(NoduleCount::MAX),
        );
        let mut extra = Vec::new();
        for n in &counts {
            for d in &diameters {
                for unsafe_location in [false, true] {
                    if let (Ok(nodules), Ok(d)) = (NoduleCount::new(*n), DiameterMm::new(*d)) {
                        extra.push(Intrahepatic {
                            nodules: Some(nodules),
                            largest_diameter_mm: Some(d),
                            infiltrative: Some(false),
                            unsafe_ablation_location: Some(unsafe_location),
                        });
                    }
                }
            }
        }
        let mut unsafe_copies: Vec<Intrahepatic> = g
            .intrahepatic
            .iter()
            .filter(|i| i.nodules.is_some_and(|n| n.get() > 0))
            .map(|i| Intrahepatic {
                unsafe_ablation_location: Some(true),
                ..*i
            })
            .collect();
        g.intrahepatic.append(&mut unsafe_copies);
        g.intrahepatic.extend(extra);
        g.intrahepatic.sort_by_key(|i| {
            (
                i.nodules.map(NoduleCount::get),
                i.largest_diameter_mm.map(DiameterMm::get),
                i.infiltrative,
                i.unsafe_ablation_location,
            )
        });
        g.intrahepatic.dedup();
        // AFP: unknown, and around both thresholds.
        let afp_cuts = [
            i64::from(p.ramucirumab_min_afp_ng_ml),
            i64::from(p.transplant_caution_afp_ng_ml),
        ];
        g.afp_ng_ml = std::iter::once(None)
            .chain(
                around(&afp_cuts, 0, 1_000_000)
                    .into_iter()
                    .filter_map(|v| AfpNgMl::new(v as f64).ok().map(Some)),
            )
            .collect();
        g.months_since_last_procedure = around(&[i64::from(p.early_recurrence_max_months)], 0, 600)
            .into_iter()
            .filter_map(|m| Months::new(m).ok())
            .collect();
        // Drug safety: every combination.
        let mut drug_safety = Vec::new();
        for liver_transplant_recipient in [false, true] {
            for autoimmune_disease in AutoimmuneDisease::ALL {
                for varices in Varices::ALL {
                    for hbsag_positive in [None, Some(false), Some(true)] {
                        drug_safety.push(DrugSafety {
                            liver_transplant_recipient: Some(liver_transplant_recipient),
                            autoimmune_disease: Some(*autoimmune_disease),
                            varices: Some(*varices),
                            hbsag_positive,
                        });
                    }
                }
            }
        }
        g.drug_safety = drug_safety;
        // Histories: every line, sorafenib tolerance, the cabozantinib prior-line limit.
        let c = usize::from(p.cabozantinib_max_prior_regimens);
        let mut histories: Vec<Vec<PriorRegimen>> = vec![Vec::new()];
        for first in Regimen::ALL {
            for tolerated in [Some(true), Some(false), None] {
                histories.push(vec![PriorRegimen {
                    regimen: *first,
                    tolerated,
                }]);
            }
        }
        for second in [
            Regimen::Sorafenib,
            Regimen::Lenvatinib,
            Regimen::Cabozantinib,
        ] {
            for tolerated in [Some(true), Some(false), None] {
                histories.push(vec![
                    PriorRegimen {
                        regimen: Regimen::AtezolizumabBevacizumab,
                        tolerated: Some(true),
                    },
                    PriorRegimen {
                        regimen: second,
                        tolerated,
                    },
                ]);
            }
        }
        for k in [c.saturating_sub(1), c, c + 1, RegimenHistory::CAPACITY] {
            histories.push(
                REGIMEN_SEQUENCE
                    .iter()
                    .take(k)
                    .map(|&regimen| PriorRegimen {
                        regimen,
                        tolerated: Some(true),
                    })
                    .collect(),
            );
        }
        g.systemic_regimens = histories
            .iter()
            .filter_map(|h| RegimenHistory::new(h).ok())
            .collect();
        g.systemic_regimens.dedup();
        g
    }

    /// `n` valid cases drawn from the grid, uniformly over its combinations (invalid
    /// combinations are skipped and drawn again), as assessments under `policy`; the same `seed`
    /// gives the same cases. For grids too large to enumerate, such as
    /// [`Grid::with_option_inputs`].
    ///
    /// ```
    /// use hcc_pathways::{grid::Grid, Policy};
    /// let policy = Policy::default();
    /// let grid = Grid::with_option_inputs(&policy);
    /// let a: Vec<_> = grid.sample(5, 42).collect();
    /// let b: Vec<_> = Grid::with_option_inputs(&policy).sample(5, 42).collect();
    /// assert_eq!(a.len(), 5);
    /// assert_eq!(a, b);
    /// ```
    pub fn sample(&self, n: usize, seed: u64) -> impl Iterator<Item = Assessment> + '_ {
        let policy = Policy::default();
        self.sample_under(n, seed, policy)
    }

    /// As [`Grid::sample`], the assessments under `policy`.
    pub fn sample_under(
        &self,
        n: usize,
        seed: u64,
        policy: Policy,
    ) -> impl Iterator<Item = Assessment> + '_ {
        let len = self.len() as u64;
        let mut state = seed;
        let mut next = move || {
            // SplitMix64.
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        std::iter::from_fn(move || {
            if len == 0 {
                return None;
            }
            // Invalid combinations are a small share; give up only after many in a row.
            for _ in 0..10_000 {
                let i = usize::try_from(next() % len).ok()?;
                if let Some(a) = self
                    .case_at(i)
                    .and_then(Result::ok)
                    .and_then(|c| Assessment::new(&c, &policy).ok())
                {
                    return Some(a);
                }
            }
            None
        })
        .take(n)
    }

    fn radices(&self) -> [usize; 10] {
        [
            self.goals_of_care.len(),
            self.performance_status.len(),
            self.liver_function.len(),
            self.spread.len(),
            self.intrahepatic.len(),
            self.afp_ng_ml.len(),
            self.tace_history.len(),
            self.months_since_last_procedure.len(),
            self.systemic_regimens.len(),
            self.drug_safety.len(),
        ]
    }

    /// The number of combinations (the product of the axes' lengths), valid or not.
    pub fn len(&self) -> usize {
        self.radices()
            .iter()
            .try_fold(1usize, |acc, &r| acc.checked_mul(r))
            .unwrap_or(usize::MAX)
    }

    /// Whether some axis is empty (then there are no combinations).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Combination number `index` (`0..len()`), or `None` when the index is out of range. A
    /// combination may break the cross-field rules of spec §2 (for example no nodules and no
    /// spread): then it is the error [`Case::from_json`](crate::Case::from_json) would give for
    /// it. [`Grid::cases`] gives the valid ones.
    ///
    /// # Errors
    /// The combination's [`Error::Invalid`], inside the `Some`.
    ///
    /// ```
    /// use hcc_pathways::{grid::Grid, Policy};
    /// let grid = Grid::boundaries(&Policy::default());
    /// // The first combination has no nodule, vascular invasion or spread: no recurrence.
    /// let err = grid.case_at(0).expect("in range").unwrap_err();
    /// assert_eq!(err.field(), Some("recurrence"));
    /// assert!(grid.case_at(grid.len()).is_none());
    /// ```
    pub fn case_at(&self, index: usize) -> Option<Result<Case, Error>> {
        self.raw_case_at(index).map(|c| c.validate().map(|()| c))
    }

    /// [`Grid::case_at`] before the cross-field checks.
    fn raw_case_at(&self, index: usize) -> Option<Case> {
        if index >= self.len() {
            return None;
        }
        let mut digits = [0usize; 10];
        let mut rest = index;
        for (d, r) in digits.iter_mut().zip(self.radices()).rev() {
            *d = rest % r;
            rest /= r;
        }
        let [g, ps, lf, sp, ih, afp, tace, months, reg, ds] = digits;
        let (macrovascular_invasion, extrahepatic_sites) = self.spread[sp];
        let t = self.tace_history[tace];
        Some(Case {
            performance_status: self.performance_status[ps],
            liver_function: self.liver_function[lf],
            goals_of_care: Some(self.goals_of_care[g]),
            recurrence: Recurrence {
                intrahepatic: self.intrahepatic[ih],
                macrovascular_invasion: Some(macrovascular_invasion),
                extrahepatic_sites: Some(extrahepatic_sites),
                afp_ng_ml: self.afp_ng_ml[afp],
            },
            history: History {
                procedures: t.procedures,
                tace_insufficient_responses: Some(t.insufficient_responses),
                tace_intrahepatic_progressions: Some(t.intrahepatic_progressions),
                afp_rising_after_tace: Some(t.afp_rising),
                months_since_last_procedure: Some(self.months_since_last_procedure[months]),
                systemic_regimens: Some(self.systemic_regimens[reg]),
            },
            drug_safety: self.drug_safety[ds],
        })
    }

    /// Every valid case of the grid, in index order (the combinations that break the
    /// cross-field rules are skipped).
    pub fn cases(&self) -> impl Iterator<Item = Case> + '_ {
        (0..self.len()).filter_map(|i| self.case_at(i)?.ok())
    }

    /// Every valid case of the grid as an [`Assessment`] under `policy`: the witnesses for
    /// [`engine::check`](crate::engine::check).
    pub fn assessments<'a>(&'a self, policy: &'a Policy) -> impl Iterator<Item = Assessment> + 'a {
        self.cases()
            .filter_map(move |c| Assessment::new(&c, policy).ok())
    }
}

/// Twelve distinct regimens in a plausible order of lines, for histories of any length.
const REGIMEN_SEQUENCE: [Regimen; RegimenHistory::CAPACITY] = [
    Regimen::AtezolizumabBevacizumab,
    Regimen::Lenvatinib,
    Regimen::Cabozantinib,
    Regimen::Ramucirumab,
    Regimen::Sorafenib,
    Regimen::Regorafenib,
    Regimen::DurvalumabTremelimumab,
    Regimen::NivolumabIpilimumab,
    Regimen::CamrelizumabRivoceranib,
    Regimen::Tislelizumab,
    Regimen::Durvalumab,
    Regimen::Other,
];

/// The intrahepatic axis of [`Grid::boundaries`].
fn intrahepatic_boundaries(p: &Policy) -> Vec<Intrahepatic> {
    let a = i64::from(p.ablation_max_nodules);
    let d = i64::from(p.ablation_max_diameter_mm);
    let limit = i64::from(p.up_to_seven_limit);
    let (dmin, dmax) = (i64::from(DiameterMm::MIN), i64::from(DiameterMm::MAX));
    let nodule = |n: i64, diameter: Option<i64>, infiltrative: bool| {
        Some(Intrahepatic {
            nodules: Some(NoduleCount::new(n).ok()?),
            largest_diameter_mm: match diameter {
                Some(x) => Some(DiameterMm::new(x).ok()?),
                None => None,
            },
            infiltrative: Some(infiltrative),
            unsafe_ablation_location: Some(false),
        })
    };
    let mut out: Vec<Intrahepatic> = nodule(0, None, false).into_iter().collect();
    let counts = around(&[1, a], 1, i64::from(NoduleCount::MAX));
    for n in counts {
        let up_to_seven_cut = limit - 10 * n;
        for x in around(&[d, up_to_seven_cut], dmin, dmax) {
            out.extend(nodule(n, Some(x), false));
        }
        out.extend(nodule(n, None, true));
        for x in [d - 1, d, d + 1] {
            out.extend(nodule(n, Some(x), true));
        }
    }
    out
}

/// The completions of one fact a case leaves unknown (spec §8): the case with that fact set to
/// one value of each region the thresholds of `policy` cut (every value of a small domain; for
/// a number, one value per range between the thresholds), each with its label. The other
/// unknown facts stay unknown; a value that would break the cross-field rules of spec §2 is
/// not a valid completion and is left out. Empty for a fact that is known or not a fact of the
/// case.
///
/// ```
/// use hcc_pathways::{grid, Case, Policy};
/// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
/// let case = Case::from_json(&json)?.to_builder().unknown("performance_status.ecog").build()?;
/// let ecogs = grid::completions(&case, &Policy::default(), "performance_status.ecog");
/// assert_eq!(ecogs.len(), 5);
/// assert_eq!(ecogs[2].0, "2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn completions(case: &Case, policy: &Policy, fact: &str) -> Vec<(String, Case)> {
    if !case.unknown_facts().any(|f| f == fact) {
        return Vec::new();
    }
    crate::facts_needed::complete(case, policy, fact)
        .into_iter()
        .filter(|(_, c)| c.validate().is_ok())
        .map(|(label, c)| (crate::facts_needed::unrange(&label), c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn around_clamps_and_dedups() {
        assert_eq!(around(&[2], 0, 50), [0, 1, 2, 3, 50]);
        assert_eq!(around(&[1, 3], 1, 999), [1, 2, 3, 4, 999]);
        assert_eq!(around(&[10, 7, 6, 6], 5, 15), [5, 6, 7, 8, 9, 10, 11, 15]);
    }

    #[test]
    fn default_axes_hold_the_cut_points() {
        let g = Grid::boundaries(&Policy::default());
        let ds = |n: u16| -> Vec<u16> {
            g.intrahepatic
                .iter()
                .filter(|i| {
                    i.nodules.map(NoduleCount::get) == Some(n) && i.infiltrative == Some(false)
                })
                .filter_map(|i| i.largest_diameter_mm.map(|d| d.get()))
                .collect()
        };
        assert_eq!(ds(1), [1, 29, 30, 31, 59, 60, 61, 300]);
        assert_eq!(ds(3), [1, 29, 30, 31, 39, 40, 41, 300]);
        assert_eq!(ds(999), [1, 29, 30, 31, 300]);
        let tace: Vec<(u8, u8, bool)> = g
            .tace_history
            .iter()
            .map(|t| {
                (
                    t.insufficient_responses.get(),
                    t.intrahepatic_progressions.get(),
                    t.afp_rising,
                )
            })
            .collect();
        for row in [(1, 1, false), (2, 0, false), (0, 3, false), (50, 50, true)] {
            assert!(tace.contains(&row), "{row:?} in {tace:?}");
        }
        let lens: Vec<usize> = g
            .systemic_regimens
            .iter()
            .map(RegimenHistory::len)
            .collect();
        assert_eq!(lens, [0, 1, 2, 3, 12]);
    }

    #[test]
    fn cases_skips_exactly_the_invalid_combinations() {
        let mut g = Grid::boundaries(&Policy::default());
        g.performance_status.truncate(1);
        g.liver_function.truncate(1);
        g.tace_history.truncate(1);
        g.systemic_regimens.truncate(1);
        g.goals_of_care.truncate(1);
        // 0 nodules without spread or vascular invasion is the one invalid combination.
        let invalid = (0..g.len())
            .filter_map(|i| g.case_at(i))
            .filter(Result::is_err)
            .count();
        assert_eq!(invalid, 1);
        assert_eq!(g.cases().count(), g.len() - 1);
        assert_eq!(g.assessments(&Policy::default()).count(), g.len() - 1);
        assert!(!g.is_empty());
        g.spread.clear();
        assert!(g.is_empty() && g.cases().next().is_none());
    }

    #[test]
    fn case_at_decodes_every_axis_and_stops_at_len() {
        let g = Grid::boundaries(&Policy::default());
        let last = g.raw_case_at(g.len() - 1).unwrap();
        assert_eq!(last.goals_of_care, Some(*g.goals_of_care.last().unwrap()));
        assert_eq!(
            last.recurrence.intrahepatic,
            *g.intrahepatic.last().unwrap()
        );
        assert_eq!(
            last.history.systemic_regimens,
            Some(*g.systemic_regimens.last().unwrap())
        );
        assert!(g.case_at(g.len()).is_none());
        assert_eq!(
            g.raw_case_at(0)
                .unwrap()
                .recurrence
                .intrahepatic
                .nodules
                .map(NoduleCount::get),
            Some(0)
        );
    }
}
