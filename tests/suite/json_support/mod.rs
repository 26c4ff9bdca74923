//! Compact proptest generators for the JSON-contract tests (`tests/suite/schema.rs`,
//! `tests/suite/roundtrip.rs`): valid cases and policies, and "loose" cases whose fields are each in
//! range but whose cross-field facts are random.
#![allow(dead_code)] // Each test binary uses a different part.

pub mod corpus;

use hcc_pathways::case::{
    Ascites, AutoimmuneDisease, DrugSafety, Encephalopathy, ExtrahepaticSite, GoalsOfCare, History,
    Intrahepatic, LiverFunction, MacrovascularInvasion, PerformanceStatus, PriorRegimen, Procedure,
    ProcedureSet, Recurrence, Regimen, RegimenHistory, SiteSet, Varices,
};
use hcc_pathways::quantity::{
    AfpNgMl, Albumin, AlbuminUnit, Bilirubin, BilirubinUnit, ChildPughScore, Count, DiameterMm,
    Ecog, Inr, Months, NoduleCount,
};
use hcc_pathways::scores::{child_pugh_from_components, child_pugh_range};
use hcc_pathways::{Case, Policy};
use proptest::prelude::*;
use proptest::sample::select;

/// A float in `[low, high]`, with the bounds themselves drawn often.
fn float_in(low: f64, high: f64) -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(low), 1 => Just(high), 6 => low..=high]
}

fn bilirubin() -> impl Strategy<Value = Bilirubin> {
    prop_oneof![
        float_in(0.01, 50.0).prop_map(|v| Bilirubin::new(v, BilirubinUnit::MgDl).unwrap()),
        float_in(0.1, 855.0).prop_map(|v| Bilirubin::new(v, BilirubinUnit::UmolL).unwrap()),
    ]
}

fn albumin() -> impl Strategy<Value = Albumin> {
    prop_oneof![
        float_in(0.01, 7.0).prop_map(|v| Albumin::new(v, AlbuminUnit::GDl).unwrap()),
        float_in(0.1, 70.0).prop_map(|v| Albumin::new(v, AlbuminUnit::GL).unwrap()),
    ]
}

fn inr() -> impl Strategy<Value = Inr> {
    float_in(0.5, 20.0).prop_map(|v| Inr::new(v).unwrap())
}

fn afp() -> impl Strategy<Value = Option<AfpNgMl>> {
    proptest::option::of(float_in(0.0, 10_000_000.0).prop_map(|v| AfpNgMl::new(v).unwrap()))
}

fn sites(max: usize) -> impl Strategy<Value = SiteSet> {
    proptest::collection::vec(select(ExtrahepaticSite::ALL), 0..=max)
        .prop_map(|v| v.into_iter().collect())
}

fn procedures(min: usize) -> impl Strategy<Value = ProcedureSet> {
    proptest::collection::vec(select(Procedure::ALL), min..=4).prop_map(|v| v.into_iter().collect())
}

fn regimens() -> impl Strategy<Value = RegimenHistory> {
    let prior = (select(Regimen::ALL), proptest::option::of(any::<bool>()))
        .prop_map(|(regimen, tolerated)| PriorRegimen { regimen, tolerated });
    proptest::collection::vec(prior, 0..=RegimenHistory::CAPACITY)
        .prop_map(|v| RegimenHistory::new(&v).unwrap())
}

fn drug_safety() -> impl Strategy<Value = DrugSafety> {
    (
        any::<bool>(),
        select(AutoimmuneDisease::ALL),
        select(Varices::ALL),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(liver_transplant_recipient, autoimmune_disease, varices, hbsag_positive)| {
                DrugSafety {
                    liver_transplant_recipient: Some(liver_transplant_recipient),
                    autoimmune_disease: Some(autoimmune_disease),
                    varices: Some(varices),
                    hbsag_positive,
                }
            },
        )
}

/// Every liver-function field, each present or not, the recorded score independent of the
/// components.
fn any_liver_function() -> impl Strategy<Value = LiverFunction> {
    (
        proptest::option::of((5i64..=15).prop_map(|s| ChildPughScore::new(s).unwrap())),
        // Components mostly present, so all five often are.
        proptest::option::weighted(0.85, bilirubin()),
        proptest::option::weighted(0.85, albumin()),
        proptest::option::weighted(0.85, inr()),
        proptest::option::weighted(0.85, select(Ascites::ALL)),
        proptest::option::weighted(0.85, select(Encephalopathy::ALL)),
    )
        .prop_map(
            |(child_pugh_score, bilirubin, albumin, inr, ascites, encephalopathy)| LiverFunction {
                child_pugh_score,
                bilirubin,
                albumin,
                inr,
                ascites,
                encephalopathy,
            },
        )
}

/// The score computed from the five components, when all are given.
pub fn computed_child_pugh(lf: &LiverFunction) -> Option<u8> {
    Some(child_pugh_from_components(
        lf.bilirubin?,
        lf.albumin?,
        lf.inr?,
        lf.ascites?,
        lf.encephalopathy?,
    ))
}

/// Liver function that passes validation: a score, all five components, or both in agreement.
fn valid_liver_function() -> impl Strategy<Value = LiverFunction> {
    (any_liver_function(), any::<bool>(), 5i64..=15).prop_map(|(mut lf, keep_score, score)| {
        match computed_child_pugh(&lf) {
            Some(c) => {
                lf.child_pugh_score = keep_score.then(|| ChildPughScore::new(c.into()).unwrap())
            }
            None => {
                // A recorded score within what the components given allow (spec §2).
                let (lo, hi) = child_pugh_range(&lf);
                let score = score.clamp(i64::from(lo), i64::from(hi));
                lf.child_pugh_score = Some(ChildPughScore::new(score).unwrap())
            }
        }
        lf
    })
}

fn performance_status() -> impl Strategy<Value = PerformanceStatus> {
    (0i64..=4, proptest::option::of(any::<bool>()), any::<bool>()).prop_map(
        |(ecog, cancer_related, flag)| PerformanceStatus {
            ecog: Some(Ecog::new(ecog).unwrap()),
            cancer_related: if matches!(ecog, 1 | 2) {
                Some(cancer_related.unwrap_or(flag))
            } else {
                cancer_related
            },
        },
    )
}

/// A recurrence that passes validation.
fn valid_recurrence() -> impl Strategy<Value = Recurrence> {
    (
        prop_oneof![2 => Just(0i64), 5 => 1i64..=4, 1 => 1i64..=999],
        1i64..=300,
        any::<(bool, bool, bool)>(),
        select(MacrovascularInvasion::ALL),
        sites(3),
        select(ExtrahepaticSite::ALL),
        afp(),
    )
        .prop_map(
            |(
                nodules,
                diameter,
                (infiltrative, unsafe_location, omit_diameter),
                mvi,
                mut sites,
                site,
                afp,
            )| {
                let diameter = DiameterMm::new(diameter).unwrap();
                let intrahepatic = if nodules == 0 {
                    if mvi == MacrovascularInvasion::Absent && sites.is_empty() {
                        sites = sites.with(site);
                    }
                    Intrahepatic {
                        nodules: Some(NoduleCount::new(0).unwrap()),
                        largest_diameter_mm: None,
                        infiltrative: Some(false),
                        unsafe_ablation_location: Some(false),
                    }
                } else {
                    Intrahepatic {
                        nodules: Some(NoduleCount::new(nodules).unwrap()),
                        largest_diameter_mm: (!(infiltrative && omit_diameter)).then_some(diameter),
                        infiltrative: Some(infiltrative),
                        unsafe_ablation_location: Some(unsafe_location),
                    }
                };
                Recurrence {
                    intrahepatic,
                    macrovascular_invasion: Some(mvi),
                    extrahepatic_sites: Some(sites),
                    afp_ng_ml: afp,
                }
            },
        )
}

/// A history that passes validation.
fn valid_history() -> impl Strategy<Value = History> {
    (
        procedures(1),
        0i64..=50,
        0i64..=50,
        any::<bool>(),
        0i64..=600,
        regimens(),
    )
        .prop_map(
            |(procedures, insufficient, progressions, afp_rising, months, regimens)| {
                let tace =
                    procedures.contains(Procedure::Tace) || procedures.contains(Procedure::Tae);
                let count = |n: i64| Count::new(if tace { n } else { 0 }).unwrap();
                History {
                    procedures,
                    tace_insufficient_responses: Some(count(insufficient)),
                    tace_intrahepatic_progressions: Some(count(progressions)),
                    afp_rising_after_tace: Some(tace && afp_rising),
                    months_since_last_procedure: Some(Months::new(months).unwrap()),
                    systemic_regimens: Some(regimens),
                }
            },
        )
}

/// A case that passes `Case::validate`.
pub fn valid_case() -> impl Strategy<Value = Case> {
    (
        performance_status(),
        valid_liver_function(),
        select(GoalsOfCare::ALL),
        valid_recurrence(),
        valid_history(),
        drug_safety(),
    )
        .prop_map(
            |(
                performance_status,
                liver_function,
                goals_of_care,
                recurrence,
                history,
                drug_safety,
            )| {
                Case {
                    performance_status,
                    liver_function,
                    goals_of_care: Some(goals_of_care),
                    recurrence,
                    history,
                    drug_safety,
                }
            },
        )
        .prop_filter("generator must produce valid cases", |c| {
            c.validate().is_ok()
        })
}

/// A case whose every field is in range, with random cross-field facts: valid or not.
pub fn loose_case() -> impl Strategy<Value = Case> {
    let ps = (0i64..=4, proptest::option::weighted(0.7, any::<bool>())).prop_map(
        |(ecog, cancer_related)| PerformanceStatus {
            ecog: Some(Ecog::new(ecog).unwrap()),
            cancer_related,
        },
    );
    let recurrence = (
        0i64..=3,
        proptest::option::of(1i64..=60),
        any::<(bool, bool)>(),
        prop_oneof![2 => Just(MacrovascularInvasion::Absent), 1 => select(MacrovascularInvasion::ALL)],
        prop_oneof![Just(SiteSet::EMPTY), sites(2)],
    )
        .prop_map(|(nodules, diameter, (infiltrative, unsafe_location), mvi, sites)| Recurrence {
            intrahepatic: Intrahepatic {
                nodules: Some(NoduleCount::new(nodules).unwrap()),
                largest_diameter_mm: diameter.map(|d| DiameterMm::new(d).unwrap()),
                infiltrative: Some(infiltrative),
                unsafe_ablation_location: Some(unsafe_location),
            },
            macrovascular_invasion: Some(mvi),
            extrahepatic_sites: Some(sites),
            afp_ng_ml: None,
        });
    let history = (
        procedures(0),
        prop_oneof![3 => Just(0i64), 1 => 1i64..=2],
        prop_oneof![3 => Just(0i64), 1 => 1i64..=2],
        any::<bool>(),
    )
        .prop_map(
            |(procedures, insufficient, progressions, afp_rising)| History {
                procedures,
                tace_insufficient_responses: Some(Count::new(insufficient).unwrap()),
                tace_intrahepatic_progressions: Some(Count::new(progressions).unwrap()),
                afp_rising_after_tace: Some(afp_rising),
                months_since_last_procedure: Some(Months::new(6).unwrap()),
                systemic_regimens: Some(RegimenHistory::EMPTY),
            },
        );
    (
        ps,
        any_liver_function(),
        select(GoalsOfCare::ALL),
        recurrence,
        history,
        drug_safety(),
    )
        .prop_map(
            |(
                performance_status,
                liver_function,
                goals_of_care,
                recurrence,
                history,
                drug_safety,
            )| {
                Case {
                    performance_status,
                    liver_function,
                    goals_of_care: Some(goals_of_care),
                    recurrence,
                    history,
                    drug_safety,
                }
            },
        )
}

/// A policy that passes `Policy::validate`: every threshold in range, and
/// `pei_max_diameter_mm ≤ ablation_max_diameter_mm ≤ combination_max_diameter_mm`.
pub fn valid_policy() -> impl Strategy<Value = Policy> {
    let diameters = (10u16..=50).prop_flat_map(|ablation| {
        (
            10u16..=ablation.min(30),
            Just(ablation),
            ablation.max(20)..=100,
        )
    });
    let a = (
        1u8..=4,
        6u8..=15,
        10u16..=400,
        1u8..=10,
        diameters,
        1u8..=10,
        1u8..=10,
        any::<bool>(),
        5u8..=9,
        0u8..=2,
        5u8..=7,
    );
    let b = (
        1u8..=12,
        0u8..=2,
        5u8..=7,
        50u16..=300,
        0u32..=100_000,
        0u16..=120,
        0u8..=2,
        5u8..=7,
    );
    let c = (
        0u8..=2,
        1u8..=10,
        1u8..=12,
        0u8..=2,
        5u8..=7,
        0u32..=100_000,
        0u8..=2,
    );
    (a, b, c).prop_map(|(a, b, c)| {
        let (pei, ablation, combination) = a.4;
        Policy {
            terminal_min_ecog: a.0,
            terminal_min_child_pugh: a.1,
            up_to_seven_limit: a.2,
            ablation_max_nodules: a.3,
            ablation_max_diameter_mm: ablation,
            refractory_insufficient_responses: a.5,
            refractory_intrahepatic_progressions: a.6,
            refractory_on_afp_rise: a.7,
            intervention_max_child_pugh: a.8,
            systemic_max_ecog: a.9,
            systemic_max_child_pugh: a.10,
            later_line_from_regimens: b.0,
            later_line_max_ecog: b.1,
            later_line_max_child_pugh: b.2,
            pei_max_diameter_mm: pei,
            combination_max_diameter_mm: combination,
            tace_caution_diameter_mm: b.3,
            ramucirumab_min_afp_ng_ml: b.4,
            early_recurrence_max_months: b.5,
            transplant_max_ecog: b.6,
            resection_max_child_pugh: b.7,
            intervention_max_ecog: c.0,
            combination_max_nodules: c.1,
            cabozantinib_max_prior_regimens: c.2,
            tace_systemic_max_ecog: c.3,
            tace_systemic_max_child_pugh: c.4,
            transplant_caution_afp_ng_ml: c.5,
            resection_max_ecog: c.6,
        }
    })
}

/// The bundled example cases: file name and text.
pub fn example_cases() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cases");
    let mut cases: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            (name, text)
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no example cases in {}", dir.display());
    cases
}
pub mod readme;
