//! What `recommend()` costs, against a hand-written floor and against JSON work (issue 7).
//!
//! ```text
//! cargo bench --bench recommend
//! ```
//!
//! Every benchmark makes one pass over the same fixed set of 10,000 valid synthetic cases
//! with every fact known (the first 10,000 complete cases of the generator of
//! `examples/gen_cohort.rs`, seed 2026, whose first 1,000 cases are the bundled cohort), so
//! criterion's time per iteration divided by 10,000 is the time per case:
//!
//! - (a) `a_classify`: `classify(&case, &policy)`, pathway only;
//! - (b) `b_recommend`: `recommend(&case)`, everything a recommendation carries (options and
//!   explanation);
//! - (c) `c_json_recommend_json`: JSON text → `Case::from_json` → `recommend` →
//!   `Recommendation::to_json`;
//! - (d) `d_floor`: a hand-written if/else of R1–R7 ([`floor`]), the lower bound for (a);
//! - (e) `e_serde_only`: the JSON work of (c) without the engine: `serde_json` parses each case
//!   document into a `Case` (checked, as any case is made, but without path tracking) and
//!   serialises that case's recommendation, made beforehand and untimed (compact: the cheapest
//!   serde_json output);
//! - `a_batch_classify_all`: (a) through the batch API `classify_all`;
//! - (f) `f_classify_unknown`: (a) over the same cases with one fact each not known (spec §8;
//!   a different fact case by case: ECOG, the Child–Pugh score, the vascular invasion, the
//!   history, the varices, the goals of care, the nodule count, the extrahepatic sites);
//! - `e_case_round_trip`: a stricter yardstick than (e): parse each case document and
//!   serialise the *case* back, no recommendation involved (a service's JSON work can hardly
//!   be less than this).
//!
//! Fairness of (d): it gets the same `&Case` and `&Policy` as (a), both valid by construction,
//! so neither checks them again; it takes the Child–Pugh score from `Case::child_pugh` (what
//! the engine reads) and the up-to-seven sum from the crate's public score function, then
//! decides R1–R7 with plain `if`s over the policy's thresholds, with the regimen eligibility of
//! spec §7 written out by hand.
//! It skips what the engine does and the decision does not need (evaluating every predicate of
//! every rule set, the hit-policy checks). The setup checks, untimed, that (d) and (a) give the
//! same result for every case.
//!
//! After criterion's groups, the run prints a summary read from criterion's own estimates for
//! this run (the median of each benchmark's samples): ns per case for (a)–(e) and the ratios
//! the issues target: (a)/(d) ≤ 1.5 (issue 14; was 2), (b) against the stricter yardstick
//! ≤ 0.35, and (b)/(e) ≤ 0.5.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, SamplingMode, Throughput};
use hcc_pathways::case::{AutoimmuneDisease, GoalsOfCare, MacrovascularInvasion, Regimen, Varices};
use hcc_pathways::{
    classify, classify_all, recommend, scores, Case, Classification, Error, Pathway, PathwayRule,
    PathwayRules, Policy, Recommendation,
};

#[path = "../examples/support/cohort_gen.rs"]
mod cohort_gen;
#[path = "../examples/support/rng.rs"]
mod rng;

/// The generator seed (that of the bundled cohort).
const SEED: u64 = 2026;
/// Cases per pass.
const CASES: usize = 10_000;
/// Criterion's group name.
const GROUP: &str = "recommend";

/// Whether a regimen of the current line remains eligible, written out by hand (spec §7): the
/// floor's version of the eligibility the engine decides with its line, order and omission
/// rules.
fn any_regimen_eligible(case: &Case, p: &Policy) -> bool {
    use Regimen::*;
    let Some(history) = case.history().systemic_regimens.as_ref() else {
        return false;
    };
    let received = history.received();
    let safety = &case.drug_safety();
    let ici_barred = safety.liver_transplant_recipient == Some(true)
        || safety.autoimmune_disease == Some(AutoimmuneDisease::ActiveOnSystemicTreatment);
    let bev_barred = matches!(
        safety.varices,
        Some(Varices::UntreatedHighRisk | Varices::RecentBleeding)
    );
    let sorafenib = history
        .as_slice()
        .iter()
        .rev()
        .find(|r| r.regimen == Sorafenib)
        .map(|r| r.tolerated);
    let afp_ok = case
        .recurrence()
        .afp_ng_ml
        .is_some_and(|a| a.get() >= f64::from(p.ramucirumab_min_afp_ng_ml()));
    let last = history.last().map(|r| r.regimen);
    let later = match (history.len(), last) {
        (0, _) => false,
        (1, Some(r)) => !(r.has_checkpoint_inhibitor() || matches!(r, Sorafenib | Lenvatinib)),
        _ => true,
    };
    let used = history.classes_used();
    let barred = |r: Regimen| {
        received.contains(r)
            || (ici_barred && r.has_checkpoint_inhibitor())
            || (bev_barred && r == AtezolizumabBevacizumab)
    };
    let ok = |r: Regimen| {
        !barred(r)
            && (r != Regorafenib || sorafenib == Some(Some(true)))
            && (r != Ramucirumab || afp_ok)
            && (!later
                || (r == Cabozantinib
                    && history.len() <= usize::from(p.cabozantinib_max_prior_regimens()))
                || !r.classes().iter().all(|c| used.contains(c)))
    };
    let candidates: &[Regimen] = match (history.len(), last) {
        (0, _) => &[
            AtezolizumabBevacizumab,
            DurvalumabTremelimumab,
            NivolumabIpilimumab,
            CamrelizumabRivoceranib,
            Lenvatinib,
            Sorafenib,
            Durvalumab,
            Tislelizumab,
        ],
        (1, Some(DurvalumabTremelimumab)) => {
            &[Lenvatinib, Sorafenib, Cabozantinib, AtezolizumabBevacizumab]
        }
        (1, Some(r)) if r.has_checkpoint_inhibitor() => &[
            Lenvatinib,
            Sorafenib,
            Cabozantinib,
            Ramucirumab,
            DurvalumabTremelimumab,
            NivolumabIpilimumab,
        ],
        (1, Some(Sorafenib | Lenvatinib)) => &[
            Cabozantinib,
            Regorafenib,
            Ramucirumab,
            NivolumabIpilimumab,
            Durvalumab,
            AtezolizumabBevacizumab,
            DurvalumabTremelimumab,
            Pembrolizumab,
            Nivolumab,
        ],
        _ => &[
            Cabozantinib,
            AtezolizumabBevacizumab,
            DurvalumabTremelimumab,
            NivolumabIpilimumab,
            CamrelizumabRivoceranib,
            Lenvatinib,
            Sorafenib,
            Durvalumab,
            Tislelizumab,
            Regorafenib,
            Ramucirumab,
            Pembrolizumab,
            Nivolumab,
        ],
    };
    candidates.iter().any(|r| ok(*r))
}

/// The floor: rules R1–R7 of spec §4 written out by hand, from the same input as `classify`.
///
/// It reads the case as the engine does (the Child–Pugh score from `Case::child_pugh`, nothing
/// checked again: a case and a policy are valid by construction), then decides with plain
/// `if`s, short-circuiting as hand-written code would, and asks whether a regimen remains
/// ([`any_regimen_eligible`]) only where a rule needs it. The predicates are those of spec §3
/// as `src/predicates.rs` implements them; if a predicate gains a clause, this function must
/// gain it too (the setup check says so when they differ).
fn floor(case: &Case, p: &Policy) -> Result<Classification, Error> {
    use Pathway::*;
    // The floor decides complete cases (every fact the pathway reads known).
    let incomplete = || Error::invalid("", hcc_pathways::Reason::Missing { because: None });
    let cp = case.child_pugh().known().ok_or_else(incomplete)?;
    let decided = |pathway, rule: PathwayRule| {
        Ok(Classification {
            pathway,
            rule: Some(rule),
            rules: PathwayRules::EMPTY.with(rule),
        })
    };

    let ecog = case.performance_status().ecog.ok_or_else(incomplete)?.get();
    let related = case.performance_status().cancer_related;
    if case.goals_of_care() == Some(GoalsOfCare::ComfortFocused) {
        return decided(PalliativeCare, PathwayRule::R1);
    }
    if ecog >= p.terminal_min_ecog() || cp >= p.terminal_min_child_pugh() {
        return decided(PalliativeCare, PathwayRule::R2);
    }
    // Computed only where a rule needs it, as hand-written code would.
    let fit_for_systemic = || {
        let regimens = case.history().systemic_regimens.map_or(0, |h| h.len());
        ecog <= p.systemic_max_ecog()
            && cp <= p.systemic_max_child_pugh()
            && (regimens < usize::from(p.later_line_from_regimens())
                || (ecog <= p.later_line_max_ecog() && cp <= p.later_line_max_child_pugh()))
            && any_regimen_eligible(case, p)
    };
    let r = &case.recurrence();
    if r.macrovascular_invasion != Some(MacrovascularInvasion::Absent)
        || !r.extrahepatic_sites.is_some_and(|s| s.is_empty())
    {
        return if fit_for_systemic() {
            decided(SystemicTherapy, PathwayRule::R3)
        } else {
            decided(PalliativeCare, PathwayRule::R4)
        };
    }
    let ih = &r.intrahepatic;
    let nodules = ih.nodules.ok_or_else(incomplete)?.get();
    let limited = ih.infiltrative == Some(false)
        && (nodules == 1
            || scores::up_to_seven_sum(ih).is_some_and(|s| s <= u32::from(p.up_to_seven_limit())));
    let h = &case.history();
    let refractory = h
        .tace_insufficient_responses
        .is_some_and(|c| c.get() >= p.refractory_insufficient_responses())
        || h.tace_intrahepatic_progressions
            .is_some_and(|c| c.get() >= p.refractory_intrahepatic_progressions())
        || (h.afp_rising_after_tace == Some(true) && p.refractory_on_afp_rise());
    let ablation = (1..=u16::from(p.ablation_max_nodules())).contains(&nodules)
        && ih
            .largest_diameter_mm
            .is_some_and(|d| d.get() <= p.ablation_max_diameter_mm());
    let fit_for_intervention = cp <= p.intervention_max_child_pugh()
        && (ecog == 0 || (ecog <= p.intervention_max_ecog() && related == Some(false)));
    if limited && (!refractory || ablation) && fit_for_intervention {
        decided(RepeatIntervention, PathwayRule::R5)
    } else if fit_for_systemic() {
        decided(SystemicTherapy, PathwayRule::R6)
    } else {
        decided(PalliativeCare, PathwayRule::R7)
    }
}

/// The fixed input of every benchmark.
struct Cohort {
    docs: Vec<String>,
    cases: Vec<Case>,
    /// The cases with one fact each not known, for (f).
    blanked: Vec<Case>,
    /// Each case's recommendation, for (e) to serialise.
    recommendations: Vec<Recommendation>,
    policy: Policy,
}

fn cohort() -> Cohort {
    // The floor decides complete cases (every fact known), so the set is the generator's
    // complete cases: it leaves some facts out (AFP, the tolerance of a regimen), and with one
    // unknown the engine may rightly answer "undecided" where the floor cannot.
    let (docs, cases): (Vec<String>, Vec<Case>) = cohort_gen::valid_documents(SEED, usize::MAX)
        .map(|d| {
            let case = Case::from_json(&d)
                .unwrap_or_else(|e| panic!("generator made an invalid case: {e}"));
            (d, case)
        })
        .filter(|(_, case)| case.unknown_facts().next().is_none())
        .take(CASES)
        .unzip();
    assert_eq!(cases.len(), CASES);
    let policy = Policy::default();

    // Fairness check, once and untimed: the floor and the engine agree on every case.
    let mut per_rule = std::collections::BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        let engine = classify(case, &policy);
        let by_hand = floor(case, &policy);
        assert_eq!(
            engine, by_hand,
            "case {i} of the benchmark set: the hand-written floor (d) disagrees with classify (a); \
             update `floor` to the predicates of src/predicates.rs. Case: {}",
            docs[i]
        );
        if let Ok(c) = engine {
            *per_rule.entry(c.rule).or_insert(0usize) += 1;
        }
    }
    println!("{CASES} cases (seed {SEED}); floor (d) agrees with classify (a) on every case; rules hit: {per_rule:?}");
    let recommendations = cases
        .iter()
        .map(|c| recommend(c).unwrap_or_else(|e| panic!("recommend failed on a valid case: {e}")))
        .collect();
    // (f): each case with one fact not known (spec §8), a different one case by case.
    let blanked = cases
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            let path = [
                "performance_status.ecog",
                "liver_function.child_pugh_score",
                "recurrence.macrovascular_invasion",
                "history.systemic_regimens",
                "drug_safety.varices",
                "goals_of_care",
                "recurrence.intrahepatic.nodules",
                "recurrence.extrahepatic_sites",
            ][k % 8];
            c.to_builder().unknown(path).build().ok()
        })
        .collect();
    Cohort {
        docs,
        cases,
        blanked,
        recommendations,
        policy,
    }
}

fn benches(c: &mut Criterion, data: &Cohort) {
    let mut g = c.benchmark_group(GROUP);
    // A pass takes from about a millisecond (a) to a few hundred (c): few flat samples keep the
    // whole run within a couple of minutes on a small machine.
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(CASES as u64));
    let policy = &data.policy;

    // Each ratio's two sides run back to back, so that load from elsewhere on a shared
    // machine is as alike as it can be for both.
    g.bench_function("a_classify", |b| {
        b.iter(|| {
            for case in &data.cases {
                let _ = black_box(classify(black_box(case), policy));
            }
        });
    });
    g.bench_function("f_classify_unknown", |b| {
        b.iter(|| {
            for case in &data.blanked {
                let _ = black_box(classify(black_box(case), policy));
            }
        });
    });
    g.bench_function("d_floor", |b| {
        b.iter(|| {
            for case in &data.cases {
                let _ = black_box(floor(black_box(case), policy));
            }
        });
    });
    g.bench_function("a_batch_classify_all", |b| {
        b.iter(|| black_box(classify_all(black_box(&data.cases), policy)));
    });
    g.bench_function("b_recommend", |b| {
        b.iter(|| {
            for case in &data.cases {
                let _ = black_box(recommend(black_box(case)));
            }
        });
    });
    g.bench_function("e_serde_only", |b| {
        b.iter(|| {
            for (doc, rec) in data.docs.iter().zip(&data.recommendations) {
                let case = serde_json::from_str::<Case>(black_box(doc));
                let out = serde_json::to_string(black_box(rec));
                let _ = black_box((case, out));
            }
        });
    });
    g.bench_function("e_case_round_trip", |b| {
        b.iter(|| {
            for doc in &data.docs {
                let out = serde_json::from_str::<Case>(black_box(doc))
                    .and_then(|case| serde_json::to_string(&case));
                let _ = black_box(out);
            }
        });
    });
    g.bench_function("c_json_recommend_json", |b| {
        b.iter(|| {
            for doc in &data.docs {
                let out = Case::from_json(black_box(doc))
                    .and_then(|case| recommend(&case))
                    .map(|rec| rec.to_json());
                let _ = black_box(out);
            }
        });
    });
    g.finish();
}

/// Where criterion writes its estimates: `$CRITERION_HOME`, else `<target dir>/criterion`.
fn criterion_dir() -> PathBuf {
    match std::env::var_os("CRITERION_HOME") {
        Some(home) => PathBuf::from(home),
        None => {
            // Cargo sets CARGO_TARGET_TMPDIR to `<target dir>/tmp` for benchmarks.
            let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
            tmp.parent()
                .map_or(tmp.clone(), |t| t.to_path_buf())
                .join("criterion")
        }
    }
}

/// Criterion's estimate of one benchmark in this run, in ns per case (`None` when it did not
/// run now, for example because of a filter).
fn ns_per_case(id: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir()
        .join(GROUP)
        .join(id)
        .join("new/estimates.json");
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    // The median of criterion's samples: on a shared machine a burst of load elsewhere moves
    // the mean of twenty samples, the median much less.
    let per_pass = v["median"]["point_estimate"].as_f64()?;
    Some(per_pass / CASES as f64)
}

fn summary(since: SystemTime) {
    let rows = [
        ("a_classify", "(a) classify, pathway only"),
        ("a_batch_classify_all", "    classify_all (batch of (a))"),
        ("b_recommend", "(b) recommend, full"),
        ("c_json_recommend_json", "(c) JSON -> recommend -> JSON"),
        ("d_floor", "(d) hand-written floor"),
        ("f_classify_unknown", "(f) classify, one fact unknown"),
        ("e_serde_only", "(e) serde_json: parse case, write rec."),
        ("e_case_round_trip", "    serde_json: case round trip"),
    ];
    println!("\nSummary of this run (criterion's median per pass / {CASES} cases):");
    let mut got = std::collections::HashMap::new();
    for (id, label) in rows {
        match ns_per_case(id, since) {
            Some(ns) => {
                println!("  {label:<36} {ns:>10.1} ns/case");
                got.insert(id, ns);
            }
            None => println!("  {label:<36} {:>10} (not run)", "-"),
        }
    }
    let ratio = |num: &str, den: &str, target: f64, name: &str| {
        if let (Some(n), Some(d)) = (got.get(num), got.get(den)) {
            let r = n / d;
            let verdict = if r <= target { "met" } else { "MISSED" };
            println!("  {name:<36} {r:>10.2}   (target <= {target}: {verdict})");
        }
    };
    ratio("a_classify", "d_floor", 1.5, "ratio (a)/(d)");
    ratio(
        "b_recommend",
        "e_case_round_trip",
        0.35,
        "ratio (b)/(case round trip)",
    );
    ratio("b_recommend", "e_serde_only", 0.5, "ratio (b)/(e)");
    if let (Some(f), Some(a)) = (got.get("f_classify_unknown"), got.get("a_classify")) {
        println!(
            "  {:<36} {:>10.2}   (informational)",
            "ratio (f)/(a)",
            f / a
        );
    }
}

fn main() {
    let since = SystemTime::now();
    let data = cohort();
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &data);
    c.final_summary();
    // `cargo test --benches` runs each benchmark once without measuring: no summary then.
    if std::env::args().any(|a| a == "--bench") {
        summary(since);
    }
}
