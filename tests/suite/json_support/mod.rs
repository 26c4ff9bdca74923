//! Support for the JSON-contract tests (`tests/suite/schema.rs`, `tests/suite/roundtrip.rs`):
//! "loose" case parts whose fields are each in range but whose cross-field facts are random
//! (valid cases and policies come from `hcc_pathways::strategies`), and the bundled examples.
#![allow(dead_code)] // Each test binary uses a different part.

pub mod corpus;

use hcc_pathways::case::{
    Ascites, AutoimmuneDisease, CaseBuilder, DrugSafety, Encephalopathy, ExtrahepaticSite,
    GoalsOfCare, History, Intrahepatic, LiverFunction, MacrovascularInvasion, PerformanceStatus,
    Procedure, ProcedureSet, Recurrence, RegimenHistory, SiteSet, Varices,
};
use hcc_pathways::quantity::{
    AfpNgMl, Albumin, AlbuminUnit, Bilirubin, BilirubinUnit, ChildPughScore, Count, DiameterMm,
    Ecog, Inr, Months, NoduleCount,
};
use hcc_pathways::scores::child_pugh_from_components;
use hcc_pathways::Case;
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

/// The parts of a case whose every field is in range, with random cross-field facts: valid or
/// not. Not a `Case` (a case is valid by construction): its JSON document and its builder.
#[derive(Clone, Debug)]
pub struct LooseCase {
    pub performance_status: PerformanceStatus,
    pub liver_function: LiverFunction,
    pub goals_of_care: GoalsOfCare,
    pub recurrence: Recurrence,
    pub history: History,
    pub drug_safety: DrugSafety,
}

impl LooseCase {
    /// The case document these parts write.
    pub fn doc(&self) -> serde_json::Value {
        serde_json::json!({
            "performance_status": self.performance_status,
            "liver_function": self.liver_function,
            "goals_of_care": self.goals_of_care,
            "recurrence": self.recurrence,
            "history": self.history,
            "drug_safety": self.drug_safety,
        })
    }

    /// The builder holding these parts.
    pub fn builder(&self) -> CaseBuilder {
        Case::builder()
            .performance_status(self.performance_status)
            .liver_function(self.liver_function)
            .goals_of_care(self.goals_of_care)
            .recurrence(self.recurrence)
            .history(self.history)
            .drug_safety(self.drug_safety)
    }
}

/// Parts of a case whose every field is in range, with random cross-field facts: valid or not.
pub fn loose_case() -> impl Strategy<Value = LooseCase> {
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
            )| LooseCase {
                performance_status,
                liver_function,
                goals_of_care,
                recurrence,
                history,
                drug_safety,
            },
        )
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
