//! Property tests of issue 4: every valid case under every valid policy maps to exactly one
//! pathway (part 1), and the clinical safety properties (part 4). 10,000 cases per property,
//! from the crate's own strategies (`hcc_pathways::strategies`, feature `proptest`).

use crate::common::{config, exactly_one_rule};
use proptest::prelude::*;
use proptest::test_runner::{TestRng, TestRunner};

use hcc_pathways::case::{
    AutoimmuneDisease, ExtrahepaticSite, GoalsOfCare, LiverFunction, MacrovascularInvasion,
    Procedure, Regimen, Varices,
};
use hcc_pathways::outcomes::TreatmentId;
use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::quantity::ChildPughScore;
use hcc_pathways::strategies::{case as case_for, policy, policy_and_case};
use hcc_pathways::{classify, recommend_with, Assessment, Case, Pathway, Policy};

/// A complete case under the default policy.
fn default_policy_case() -> BoxedStrategy<Case> {
    case_for(&Policy::default())
}

fn pathway(case: &Case, policy: &Policy) -> Result<Pathway, TestCaseError> {
    classify(case, policy)
        .map(|c| c.pathway)
        .map_err(|e| TestCaseError::fail(format!("classify failed: {e}")))
}

#[test]
fn pathways_are_ordered_by_the_fitness_they_demand() {
    // The safety properties below compare pathways with this order.
    assert!(Pathway::PalliativeCare < Pathway::SystemicTherapy);
    assert!(Pathway::SystemicTherapy < Pathway::RepeatIntervention);
}

proptest! {
    #![proptest_config(config())]

    /// Part 1: exactly one pathway rule matches, and `recommend_with` returns that rule and
    /// pathway (the strategies give only valid input: a case and a policy are valid by
    /// construction).
    #[test]
    fn exactly_one_pathway_rule_matches_and_recommend_returns_it((policy, case) in policy_and_case()) {
        let (rule, outcome) = exactly_one_rule(pathway_rules(), &case, &policy)
            .map_err(TestCaseError::fail)?;
        let rec = recommend_with(&case, &policy)
            .map_err(|e| TestCaseError::fail(format!("recommend_with failed: {e}")))?;
        prop_assert_eq!(rec.rule.unwrap().wire_name(), rule);
        prop_assert_eq!(rec.pathway, outcome);
    }

    /// Part 4: a worse ECOG, all else equal, never moves a case up the fitness order.
    #[test]
    fn worse_ecog_never_moves_up((policy, case) in policy_and_case(), step in 1u8..=4, related in any::<bool>()) {
        let e = case.performance_status().ecog.expect("complete case").get();
        if e == 4 {
            return Ok(()); // nothing worse
        }
        let worse_ecog = (e + step).min(4);
        let mut worse = case.to_builder().ecog(worse_ecog);
        if (1..=2).contains(&worse_ecog) && case.performance_status().cancer_related.is_none() {
            worse = worse.cancer_related(related);
        }
        let worse = worse.build().unwrap();
        let (before, after) = (pathway(&case, &policy)?, pathway(&worse, &policy)?);
        prop_assert!(after <= before, "ECOG {e} -> {worse_ecog}: {before} -> {after}");
    }

    /// Part 4: a worse Child–Pugh score, all else equal, never moves a case up.
    #[test]
    fn worse_child_pugh_never_moves_up((policy, case) in policy_and_case(), step in 1u8..=10) {
        let a = Assessment::new(&case, &policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let s = a.child_pugh().known().expect("complete case");
        if s == 15 {
            return Ok(()); // nothing worse
        }
        // Record the score alone (the components, which must agree with a recorded score, do
        // not enter the pathway) so the two cases differ in the score alone.
        let with_score = |score: u8| {
            let lf = LiverFunction {
                child_pugh_score: Some(ChildPughScore::new(score.into()).unwrap()),
                ..LiverFunction::default()
            };
            case.to_builder().liver_function(lf).build().unwrap()
        };
        let worse_score = (s + step).min(15);
        let before = pathway(&with_score(s), &policy)?;
        prop_assert_eq!(before, pathway(&case, &policy)?);
        let after = pathway(&with_score(worse_score), &policy)?;
        prop_assert!(after <= before, "Child-Pugh {s} -> {worse_score}: {before} -> {after}");
    }

    /// Part 4: adding extrahepatic spread or vascular invasion never yields repeat intervention.
    #[test]
    fn spread_or_vascular_invasion_never_yields_repeat_intervention(
        (policy, case) in policy_and_case(),
        mvi in proptest::sample::select(&MacrovascularInvasion::ALL[1..]),
        site in proptest::sample::select(ExtrahepaticSite::ALL),
        how in 0u8..3,
    ) {
        let mut b = case.to_builder();
        if how != 1 {
            b = b.macrovascular_invasion(mvi);
        }
        if how != 0 {
            let sites = case.recurrence().extrahepatic_sites.unwrap_or_default().with(site);
            b = b.extrahepatic_sites(sites.iter());
        }
        let c = b.build().unwrap();
        prop_assert_ne!(pathway(&c, &policy)?, Pathway::RepeatIntervention);
    }

    /// Part 4: comfort-focused care is always palliative care.
    #[test]
    fn comfort_focused_is_always_palliative_care((policy, case) in policy_and_case()) {
        let c = case.to_builder().goals_of_care(GoalsOfCare::ComfortFocused).build().unwrap();
        prop_assert_eq!(pathway(&c, &policy)?, Pathway::PalliativeCare);
    }

    /// Part 4: under the default policy every repeat-intervention case is fit, free of spread,
    /// and limited (one nodule, or within up-to-seven, never infiltrative); when TACE refractory
    /// it is an ablation candidate. Checked against the raw case fields, not the predicates.
    #[test]
    fn repeat_intervention_is_limited_and_refractory_cases_can_be_ablated(case in default_policy_case()) {
        let policy = Policy::default();
        if pathway(&case, &policy)? != Pathway::RepeatIntervention {
            return Ok(()); // `strategies_reach_every_rule` shows R5 is well sampled
        }
        let a = Assessment::new(&case, &policy).unwrap();
        let r = &case.recurrence();
        let ih = &r.intrahepatic;
        let n = u32::from(ih.nodules.expect("complete case").get());
        let d = ih.largest_diameter_mm.map(|d| u32::from(d.get()));
        prop_assert_eq!(case.goals_of_care(), Some(GoalsOfCare::ActiveTreatment));
        prop_assert_eq!(r.macrovascular_invasion, Some(MacrovascularInvasion::Absent));
        prop_assert!(r.extrahepatic_sites.is_some_and(|s| s.is_empty()));
        prop_assert_eq!(ih.infiltrative, Some(false));
        prop_assert!(n == 1 || d.is_some_and(|d| d + 10 * n <= 70), "n {n}, d {d:?}");
        prop_assert!(a.child_pugh().max() <= 7);
        let ps = &case.performance_status();
        let e = ps.ecog.expect("complete case").get();
        prop_assert!(e == 0 || (e <= 2 && ps.cancer_related == Some(false)));
        let h = &case.history();
        let refractory = h.tace_insufficient_responses.is_some_and(|c| c.get() >= 2)
            || h.tace_intrahepatic_progressions.is_some_and(|c| c.get() >= 2)
            || h.afp_rising_after_tace == Some(true);
        if refractory {
            prop_assert!(n <= 3 && d.is_some_and(|d| d <= 30), "refractory: n {n}, d {d:?}");
        }
        prop_assert!(!refractory || h.procedures.contains(Procedure::Tace) || h.procedures.contains(Procedure::Tae));
    }

    /// Part 1 (options): within the chosen pathway, exactly one option rule of that pathway's
    /// UNIQUE option rule set matches (procedure, line of therapy, supportive care), and the
    /// recommendation carries its outcome.
    #[test]
    fn option_rules_are_total_and_unique_within_the_pathway((policy, case) in policy_and_case()) {
        let a = Assessment::new(&case, &policy).unwrap();
        let rec = recommend_with(&case, &policy)
            .map_err(|e| TestCaseError::fail(format!("recommend_with failed: {e}")))?;
        match rec.pathway {
            Pathway::RepeatIntervention => {
                let procedures: Vec<_> = rec.options.iter()
                    .filter(|o| matches!(o.id, TreatmentId::Procedure(_)))
                    .collect();
                prop_assert_eq!(procedures.len(), 1, "{:?}", rec.options);
                prop_assert!(procedures[0].rule.starts_with('M'));
                prop_assert!(rec.line_of_therapy.is_none());
            }
            Pathway::SystemicTherapy => {
                let shown = rec.line_of_therapy.as_ref().expect("a line of therapy");
                prop_assert_eq!(Some(shown.line), a.line());
                prop_assert!(rec.options.iter().any(|o| o.regimen().is_some()), "no regimen offered");
                prop_assert!(rec.options.iter().all(|o| !matches!(o.id, TreatmentId::Procedure(_))));
            }
            Pathway::PalliativeCare => {
                prop_assert_eq!(rec.options.len(), 1);
                prop_assert_eq!(rec.options[0].id, TreatmentId::BestSupportiveCare);
            }
        }
    }

    /// Part 4 (options): a TACE-refractory repeat-intervention case is offered no option
    /// containing TACE (spec §6), judged from the raw case fields and the options' wire names.
    #[test]
    fn refractory_repeat_intervention_gets_no_tace(case in default_policy_case()) {
        let policy = Policy::default();
        let rec = recommend_with(&case, &policy).unwrap();
        let h = &case.history();
        let refractory = h.tace_insufficient_responses.is_some_and(|c| c.get() >= 2)
            || h.tace_intrahepatic_progressions.is_some_and(|c| c.get() >= 2)
            || h.afp_rising_after_tace == Some(true);
        if rec.pathway == Pathway::RepeatIntervention && refractory {
            for o in &rec.options {
                prop_assert!(!o.id.wire_name().contains("tace"), "refractory case offered {}", o.id);
            }
        }
    }

    /// Part 4 (options): no offered regimen is contraindicated or already received (spec §7),
    /// judged from the raw case fields.
    #[test]
    fn no_recommended_regimen_is_contraindicated((policy, case) in policy_and_case()) {
        let rec = recommend_with(&case, &policy).unwrap();
        let d = &case.drug_safety();
        let history = case.history().systemic_regimens.expect("complete case");
        let received = history.received();
        let no_ici = d.liver_transplant_recipient == Some(true)
            || d.autoimmune_disease == Some(AutoimmuneDisease::ActiveOnSystemicTreatment);
        let no_bev = matches!(d.varices, Some(Varices::UntreatedHighRisk | Varices::RecentBleeding));
        let sorafenib_tolerated = history.as_slice().iter().rev()
            .find(|p| p.regimen == Regimen::Sorafenib)
            .is_some_and(|p| p.tolerated == Some(true));
        let afp_high = case.recurrence().afp_ng_ml
            .is_some_and(|afp| afp.get() >= f64::from(policy.ramucirumab_min_afp_ng_ml()));
        for r in rec.options.iter().filter_map(|o| o.regimen()) {
            prop_assert!(rec.pathway == Pathway::SystemicTherapy, "{r} offered in {}", rec.pathway);
            prop_assert!(!received.contains(r), "{r} was already received");
            prop_assert!(!(no_ici && r.has_checkpoint_inhibitor()), "{r}: checkpoint inhibitor contraindicated");
            prop_assert!(!(no_bev && r == Regimen::AtezolizumabBevacizumab), "{r}: bevacizumab contraindicated");
            prop_assert!(r != Regimen::Regorafenib || sorafenib_tolerated, "regorafenib without tolerated sorafenib");
            prop_assert!(r != Regimen::Ramucirumab || afp_high, "ramucirumab without AFP >= threshold");
        }
    }

    /// Every source any item of a recommendation cites, and every source of a predicate its
    /// explanation reports, is listed in its references.
    #[test]
    fn every_cited_source_is_referenced((policy, case) in policy_and_case()) {
        let rec = recommend_with(&case, &policy).unwrap();
        let doc = rec.explanation.document();
        let cited = rec.sources.iter()
            .chain(rec.reason_details.iter().flat_map(|d| d.sources.iter()))
            .chain(rec.options.iter().flat_map(|o| o.sources.iter()))
            .chain(rec.omitted.iter().flat_map(|o| o.sources.iter()))
            .chain(rec.cautions.iter().flat_map(|c| c.sources.iter()))
            .chain(rec.considerations.iter().flat_map(|c| c.sources.iter()))
            .chain(doc.predicates.iter().flat_map(|p| p.sources.iter()));
        for s in cited {
            prop_assert!(rec.references.contains(s), "{} cited but not referenced", s.key());
        }
    }
}

/// The case strategy reaches every pathway rule often enough for the properties above to
/// mean something (each rule in at least 1 % of 10,000 samples, under the default policy and
/// under random policies).
#[test]
fn strategies_reach_every_rule() {
    let rules = pathway_rules();
    let mut runner =
        TestRunner::new_with_rng(config(), TestRng::deterministic_rng(config().rng_algorithm));
    for (name, random_policy) in [("default policy", false), ("random policies", true)] {
        let mut per_rule = [0u32; 7];
        for _ in 0..10_000 {
            let (policy, case) = if random_policy {
                policy_and_case().new_tree(&mut runner).unwrap().current()
            } else {
                let p = Policy::default();
                (p, case_for(&p).new_tree(&mut runner).unwrap().current())
            };
            let (id, _) = exactly_one_rule(rules, &case, &policy).unwrap();
            per_rule[rules.rules().iter().position(|r| r.id() == id).unwrap()] += 1;
        }
        println!("{name}: cases per rule R1..R7: {per_rule:?}");
        assert!(per_rule.iter().all(|&n| n >= 100), "{name}: {per_rule:?}");
    }
    // And the policies vary.
    let p = policy().new_tree(&mut runner).unwrap().current();
    let q = policy().new_tree(&mut runner).unwrap().current();
    assert_ne!(p, q);
}
