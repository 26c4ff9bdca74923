//! Issue 14, item 1: a case from typed facts. `CaseBuilder::build` gives exactly what
//! `Case::from_json` gives for the same facts — the same case, or the same error with the same
//! JSON path — at both sides of every range, for every fact made unknown, for every cross-field
//! rule, and as a property over random in-range facts.

use proptest::prelude::*;
use serde_json::{json, Value};

use hcc_pathways::case::{
    Ascites, AutoimmuneDisease, Case, CaseBuilder, Encephalopathy, GoalsOfCare,
    MacrovascularInvasion, PriorRegimen, Procedure, Regimen, RegimenHistory, Varices, FACT_PATHS,
};
use hcc_pathways::quantity::{AlbuminUnit, BilirubinUnit};
use hcc_pathways::{Error, Reason};

use crate::json_support::{loose_case, LooseCase};

const BASE: &str = include_str!("../../examples/cases/r5_single_small_nodule.json");

fn base_doc() -> Value {
    serde_json::from_str(BASE).unwrap()
}

fn base() -> Case {
    Case::from_json(BASE).unwrap()
}

/// Sets the value at `pointer` in `doc`, adding the key when the object lacks it.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let object = doc
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {parent}"));
    object.insert(key.to_owned(), value);
}

/// `from_json` of the base document with the value at `pointer` set.
fn json_with(pointer: &str, value: Value) -> Result<Case, Error> {
    let mut doc = base_doc();
    set(&mut doc, pointer, value);
    Case::from_json(&doc.to_string())
}

/// A number as JSON writes it: whole numbers as integers.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// `b` with `value` set through `set`, or left as it is (not known) for `None`.
fn opt<T>(
    b: CaseBuilder,
    value: Option<T>,
    set: impl FnOnce(CaseBuilder, T) -> CaseBuilder,
) -> CaseBuilder {
    match value {
        Some(v) => set(b, v),
        None => b,
    }
}

/// The same facts as `c.builder()`, each through its one-fact setter from plain values (a fact
/// `None` never set: not known), so that a setter writing the wrong field shows.
fn by_setters(c: &LooseCase) -> CaseBuilder {
    let (ps, lf, r, h, d) = (
        c.performance_status,
        c.liver_function,
        c.recurrence,
        c.history,
        c.drug_safety,
    );
    let ih = r.intrahepatic;
    let mut b = Case::builder()
        .goals_of_care(c.goals_of_care)
        .procedures(h.procedures.iter());
    b = opt(b, ps.ecog, |b, v| b.ecog(v.get()));
    b = opt(b, ps.cancer_related, CaseBuilder::cancer_related);
    b = opt(b, lf.child_pugh_score, |b, v| b.child_pugh_score(v.get()));
    b = opt(b, lf.bilirubin, |b, v| b.bilirubin(v.value(), v.unit()));
    b = opt(b, lf.albumin, |b, v| b.albumin(v.value(), v.unit()));
    b = opt(b, lf.inr, |b, v| b.inr(v.get()));
    b = opt(b, lf.ascites, CaseBuilder::ascites);
    b = opt(b, lf.encephalopathy, CaseBuilder::encephalopathy);
    b = opt(b, ih.nodules, |b, v| b.nodules(v.get()));
    b = opt(b, ih.largest_diameter_mm, |b, v| {
        b.largest_diameter_mm(v.get())
    });
    b = opt(b, ih.infiltrative, CaseBuilder::infiltrative);
    b = opt(
        b,
        ih.unsafe_ablation_location,
        CaseBuilder::unsafe_ablation_location,
    );
    b = opt(
        b,
        r.macrovascular_invasion,
        CaseBuilder::macrovascular_invasion,
    );
    b = opt(b, r.extrahepatic_sites, |b, v| {
        b.extrahepatic_sites(v.iter())
    });
    b = opt(b, r.afp_ng_ml, |b, v| b.afp_ng_ml(v.get()));
    b = opt(b, h.tace_insufficient_responses, |b, v| {
        b.tace_insufficient_responses(v.get())
    });
    b = opt(b, h.tace_intrahepatic_progressions, |b, v| {
        b.tace_intrahepatic_progressions(v.get())
    });
    b = opt(
        b,
        h.afp_rising_after_tace,
        CaseBuilder::afp_rising_after_tace,
    );
    b = opt(b, h.months_since_last_procedure, |b, v| {
        b.months_since_last_procedure(v.get())
    });
    b = opt(b, h.systemic_regimens, |b, v| {
        b.systemic_regimens(v.as_slice().iter().copied())
    });
    b = opt(
        b,
        d.liver_transplant_recipient,
        CaseBuilder::liver_transplant_recipient,
    );
    b = opt(b, d.autoimmune_disease, CaseBuilder::autoimmune_disease);
    b = opt(b, d.varices, CaseBuilder::varices);
    opt(b, d.hbsag_positive, CaseBuilder::hbsag_positive)
}

/// The base case, every fact set through its setter: the builder reads the example as JSON does.
fn base_built() -> CaseBuilder {
    Case::builder()
        .ecog(0)
        .bilirubin(0.8, BilirubinUnit::MgDl)
        .albumin(4.1, AlbuminUnit::GDl)
        .inr(1.1)
        .ascites(Ascites::Absent)
        .encephalopathy(Encephalopathy::Absent)
        .goals_of_care(GoalsOfCare::ActiveTreatment)
        .nodules(1)
        .largest_diameter_mm(18)
        .infiltrative(false)
        .unsafe_ablation_location(false)
        .macrovascular_invasion(MacrovascularInvasion::Absent)
        .extrahepatic_sites([])
        .afp_ng_ml(12.5)
        .procedures([Procedure::Tace])
        .tace_insufficient_responses(0)
        .tace_intrahepatic_progressions(0)
        .afp_rising_after_tace(false)
        .months_since_last_procedure(14)
        .systemic_regimens([])
        .liver_transplant_recipient(false)
        .autoimmune_disease(AutoimmuneDisease::Absent)
        .varices(Varices::NoneOrTreated)
        .hbsag_positive(true)
}

#[test]
fn every_setter_states_the_fact_json_states() {
    assert_eq!(base_built().build(), Ok(base()));
    assert_eq!(base().to_builder().build(), Ok(base()));
    assert_eq!(base().unknown_facts().count(), 0);
}

#[test]
fn a_fact_never_set_is_unknown_and_procedures_must_be_set() {
    let case = Case::builder()
        .procedures([Procedure::Rfa])
        .build()
        .unwrap();
    // The document with every fact `null` (the score's key standing for liver function).
    let doc = json!({
        "performance_status": {"ecog": null, "cancer_related": null},
        "liver_function": {"child_pugh_score": null},
        "goals_of_care": null,
        "recurrence": {
            "intrahepatic": {"nodules": null, "infiltrative": null, "unsafe_ablation_location": null},
            "macrovascular_invasion": null, "extrahepatic_sites": null
        },
        "history": {
            "procedures": ["rfa"], "tace_insufficient_responses": null,
            "tace_intrahepatic_progressions": null, "afp_rising_after_tace": null,
            "months_since_last_procedure": null, "systemic_regimens": null
        },
        "drug_safety": {
            "liver_transplant_recipient": null, "autoimmune_disease": null, "varices": null
        }
    });
    assert_eq!(Case::from_json(&doc.to_string()), Ok(case));
    assert!(case.unknown_facts().count() > 15);
    // No procedure: the error JSON gives for an empty list.
    let err = Case::builder().build().unwrap_err();
    assert_eq!(err.field(), Some("history.procedures"));
    assert_eq!(json_with("/history/procedures", json!([])), Err(err));
}

/// Both sides of every range: the last value in and the first value out, through a setter and
/// through JSON, give the same case or the same error.
#[test]
fn every_range_at_both_sides_as_json() {
    type Set = fn(CaseBuilder, f64) -> CaseBuilder;
    let (mg, umol) = (BilirubinUnit::MgDl, BilirubinUnit::UmolL);
    let (g_dl, g_l) = (AlbuminUnit::GDl, AlbuminUnit::GL);
    // (pointer, setter, values in range, values out of range)
    let table: Vec<(&str, Set, Vec<f64>, Vec<f64>)> = vec![
        (
            "/performance_status/ecog",
            |b, v| b.ecog(v as u8),
            vec![0.0, 4.0],
            vec![5.0],
        ),
        (
            "/recurrence/intrahepatic/nodules",
            |b, v| b.nodules(v as u16),
            vec![1.0, 999.0],
            vec![1000.0],
        ),
        (
            "/recurrence/intrahepatic/largest_diameter_mm",
            |b, v| b.largest_diameter_mm(v as u16),
            vec![1.0, 300.0],
            vec![0.0, 301.0],
        ),
        (
            "/liver_function/inr",
            |b, v| b.inr(v),
            vec![0.5, 20.0],
            vec![0.49, 20.01, f64::NAN],
        ),
        (
            "/recurrence/afp_ng_ml",
            |b, v| b.afp_ng_ml(v),
            vec![0.0, 1e7],
            vec![-0.01, 1.00001e7, f64::INFINITY],
        ),
        (
            "/history/tace_insufficient_responses",
            |b, v| b.tace_insufficient_responses(v as u8),
            vec![0.0, 50.0],
            vec![51.0],
        ),
        (
            "/history/tace_intrahepatic_progressions",
            |b, v| b.tace_intrahepatic_progressions(v as u8),
            vec![0.0, 50.0],
            vec![51.0],
        ),
        (
            "/history/months_since_last_procedure",
            |b, v| b.months_since_last_procedure(v as u16),
            vec![0.0, 600.0],
            vec![601.0],
        ),
    ];
    for (pointer, set, ok, bad) in table {
        for v in ok {
            let built = set(base().to_builder(), v).build();
            assert!(built.is_ok(), "{pointer} = {v}: {built:?}");
            assert_eq!(built, json_with(pointer, number(v)), "{pointer} = {v}");
        }
        for v in bad {
            let err = set(base().to_builder(), v).build().unwrap_err();
            assert_eq!(
                err.field(),
                Some(&pointer[1..].replace('/', ".")[..]),
                "{pointer} = {v}"
            );
            if v.is_finite() {
                assert_eq!(Err(err), json_with(pointer, number(v)), "{pointer} = {v}");
            } else {
                assert!(matches!(
                    err,
                    Error::Invalid {
                        reason: Reason::NotFinite,
                        ..
                    }
                ));
            }
        }
    }
    // The Child–Pugh score: recorded alone (the components unknown), 5 and 15 in, 4 and 16 out.
    let score_only = |s: u8| {
        base()
            .to_builder()
            .liver_function(Default::default())
            .child_pugh_score(s)
            .build()
    };
    let lf = |s: i64| {
        let mut doc = base_doc();
        doc["liver_function"] = json!({"child_pugh_score": s});
        Case::from_json(&doc.to_string())
    };
    for s in [4, 5, 15, 16] {
        assert_eq!(score_only(s as u8), lf(s), "Child-Pugh {s}");
        assert_eq!(score_only(s as u8).is_ok(), (5..=15).contains(&s));
    }
    // Lab values in each unit, both sides of each bound.
    for (unit, name, max) in [(mg, "mg_dl", 50.0), (umol, "umol_l", 855.0)] {
        for (v, ok) in [
            (0.0, false),
            (1e-9, true),
            (max, true),
            (max * 1.0001, false),
        ] {
            let built = base().to_builder().bilirubin(v, unit).build();
            let doc = json_with(
                "/liver_function/bilirubin",
                json!({"value": v, "unit": name}),
            );
            assert_eq!(built.is_ok(), ok, "bilirubin {v} {name}");
            if ok {
                // The value changes the Child–Pugh points: compare the bilirubin read.
                assert_eq!(
                    built.unwrap().liver_function().bilirubin,
                    doc.unwrap().liver_function().bilirubin
                );
            } else {
                assert_eq!(built, doc, "bilirubin {v} {name}");
            }
        }
    }
    for (unit, name, max) in [(g_dl, "g_dl", 7.0), (g_l, "g_l", 70.0)] {
        for (v, ok) in [
            (0.0, false),
            (1e-9, true),
            (max, true),
            (max * 1.0001, false),
        ] {
            let built = base().to_builder().albumin(v, unit).build();
            let doc = json_with("/liver_function/albumin", json!({"value": v, "unit": name}));
            assert_eq!(built.is_ok(), ok, "albumin {v} {name}");
            if !ok {
                assert_eq!(built, doc, "albumin {v} {name}");
            }
        }
    }
    // At most 12 regimens.
    let item = PriorRegimen {
        regimen: Regimen::Other,
        tolerated: Some(true),
    };
    let n = RegimenHistory::CAPACITY;
    for (len, ok) in [(n, true), (n + 1, false)] {
        let built = base()
            .to_builder()
            .systemic_regimens(vec![item; len])
            .build();
        let doc = json_with(
            "/history/systemic_regimens",
            json!(vec![json!({"regimen": "other", "tolerated": true}); len]),
        );
        assert_eq!(built, doc, "{len} regimens");
        assert_eq!(built.is_ok(), ok);
    }
}

/// Every fact that may be unknown, made unknown by its path, is the document with `null` there.
#[test]
fn every_fact_made_unknown_is_json_null() {
    let mut regimens = base_doc();
    regimens["history"]["systemic_regimens"] = json!([{"regimen": "sorafenib", "tolerated": true}, {"regimen": "lenvatinib", "tolerated": false}]);
    let with_regimens = Case::from_json(&regimens.to_string()).unwrap();
    for path in FACT_PATHS {
        let (case, mut doc) = if path.contains("[]") {
            (with_regimens, regimens.clone())
        } else {
            (base(), base_doc())
        };
        if path == "history.systemic_regimens[].tolerated" {
            for item in doc["history"]["systemic_regimens"].as_array_mut().unwrap() {
                item["tolerated"] = Value::Null;
            }
        } else {
            set(
                &mut doc,
                &format!("/{}", path.replace('.', "/")),
                Value::Null,
            );
        }
        let built = case.to_builder().unknown(path).build();
        assert_eq!(built, Case::from_json(&doc.to_string()), "{path}");
        let built = built.unwrap();
        // The base case records no score (its components give it) and, at ECOG 0, does not
        // say whether an impairment is cancer-related: those two stay as they are.
        let already = [
            "liver_function.child_pugh_score",
            "performance_status.cancer_related",
        ];
        if !already.contains(&path) {
            assert!(
                built.unknown_facts().any(|f| f == path),
                "{path}: {built:?}"
            );
            assert_ne!(built, case, "{path}");
        }
    }
}

#[test]
fn a_path_that_is_no_unknown_fact_is_an_error_reported_first() {
    let err = base()
        .to_builder()
        .ecog(9)
        .unknown("performance_status.mood")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some("performance_status.mood"));
    assert!(matches!(
        err,
        Error::Invalid {
            reason: Reason::UnknownField { .. },
            ..
        }
    ));
    let err = base()
        .to_builder()
        .unknown("history.procedures")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some("history.procedures"));
    assert!(matches!(
        err,
        Error::Invalid {
            reason: Reason::NotAllowed { .. },
            ..
        }
    ));
    // Quoted as errors quote input: control characters escaped.
    let err = base()
        .to_builder()
        .unknown("x\u{1b}[2J")
        .build()
        .unwrap_err();
    assert_eq!(err.field(), Some(r"x\u{1b}[2J"));
}

#[test]
fn errors_come_in_document_order_and_a_fact_set_again_replaces_its_error() {
    let b = base()
        .to_builder()
        .months_since_last_procedure(601)
        .inr(0.1)
        .ecog(9);
    let err = b.build().unwrap_err();
    assert_eq!(err.field(), Some("performance_status.ecog"));
    let fields: Vec<String> = b
        .build_all()
        .unwrap_err()
        .iter()
        .filter_map(|e| e.field().map(str::to_owned))
        .collect();
    assert_eq!(
        fields,
        [
            "performance_status.ecog",
            "liver_function.inr",
            "history.months_since_last_procedure"
        ]
    );
    // Set again in range: gone.
    let b = b.ecog(1).cancer_related(false);
    assert_eq!(b.build().unwrap_err().field(), Some("liver_function.inr"));
    let b = b.inr(1.0).months_since_last_procedure(600);
    assert!(b.build().is_ok());
    // A part set whole replaces its facts' errors; made unknown, too.
    let b = base().to_builder().ecog(9);
    assert!(b
        .clone()
        .performance_status(*base().performance_status())
        .build()
        .is_ok());
    assert!(b.unknown("performance_status.ecog").build().is_ok());
    let b = base().to_builder().nodules(1000).afp_ng_ml(-1.0);
    assert_eq!(
        b.build().unwrap_err().field(),
        Some("recurrence.intrahepatic.nodules")
    );
    assert!(b.recurrence(*base().recurrence()).build().is_ok());
}

/// Each cross-field rule of spec §2 through the builder: the error `from_json` gives.
#[test]
fn cross_field_rules_as_json() {
    let b = || base().to_builder();
    let cases: Vec<(CaseBuilder, &str, Value, &str)> = vec![
        (
            b().child_pugh_score(9),
            "/liver_function/child_pugh_score",
            json!(9),
            "liver_function.child_pugh_score",
        ),
        (
            b().nodules(0),
            "/recurrence/intrahepatic/nodules",
            json!(0),
            "recurrence.intrahepatic.largest_diameter_mm",
        ),
        (
            b().procedures([Procedure::Rfa])
                .tace_insufficient_responses(1),
            "/history",
            json!({"procedures": ["rfa"], "tace_insufficient_responses": 1,
                   "tace_intrahepatic_progressions": 0, "afp_rising_after_tace": false,
                   "months_since_last_procedure": 14, "systemic_regimens": []}),
            "history.tace_insufficient_responses",
        ),
        (
            b().procedures([Procedure::Mwa]).afp_rising_after_tace(true),
            "/history",
            json!({"procedures": ["mwa"], "tace_insufficient_responses": 0,
                   "tace_intrahepatic_progressions": 0, "afp_rising_after_tace": true,
                   "months_since_last_procedure": 14, "systemic_regimens": []}),
            "history.afp_rising_after_tace",
        ),
    ];
    for (builder, pointer, value, field) in cases {
        let err = builder.build().unwrap_err();
        assert_eq!(err.field(), Some(field));
        assert_eq!(Err(err), json_with(pointer, value), "{field}");
    }
    // No recurrence: 0 nodules, no invasion, no spread; with the invasion unknown, allowed.
    let none = b()
        .nodules(0)
        .unknown("recurrence.intrahepatic.largest_diameter_mm");
    assert_eq!(none.build().unwrap_err().field(), Some("recurrence"));
    assert!(none
        .unknown("recurrence.macrovascular_invasion")
        .build()
        .is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// Over random in-range facts whose cross-field facts are random: the builder gives exactly
    /// what `from_json` gives for the same facts written as JSON, the case or the error.
    #[test]
    fn the_builder_is_from_json_for_any_facts(case in loose_case()) {
        let from_json = Case::from_json(&case.doc().to_string());
        prop_assert_eq!(case.builder().build(), from_json.clone());
        prop_assert_eq!(case.builder().build_all().map_err(|e| e[0].clone()), from_json.clone());
        // Fact by fact: every one-fact setter reaches the field JSON names.
        prop_assert_eq!(by_setters(&case).build(), from_json);
    }
}

#[cfg(feature = "proptest")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    /// A case, with or without unknown facts, is its own builder's case and its JSON's.
    #[test]
    fn to_builder_and_json_give_the_case_back(
        case in hcc_pathways::strategies::case_with_unknowns(&hcc_pathways::Policy::default())
    ) {
        prop_assert_eq!(case.to_builder().build(), Ok(case));
        prop_assert_eq!(Case::from_json(&case.to_json()), Ok(case));
        let unknown: Vec<&str> = case.unknown_facts().collect();
        let mut b = case.to_builder();
        for path in &unknown {
            b = b.unknown(path);
        }
        prop_assert_eq!(b.build(), Ok(case));
    }
}
