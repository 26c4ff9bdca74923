//! Fuzzes the entry points with structured input: a case's parts built field by field from the
//! fuzzer's bytes (every quantity in range, the facts between fields random) and a random policy
//! (its thresholds sometimes out of range). Every way in must agree:
//!
//! - `CaseBuilder::build` of the parts, `Case::from_json` of their JSON (pretty and compact),
//!   serde, and a one-line stream give the same case or the same error: a valid case
//!   round-trips exactly;
//! - `Policy::with_settings` and `Policy::from_json` of the policy's JSON agree, and a valid
//!   policy round-trips;
//! - for a valid case and policy, `classify` and `recommend_with` give the same pathway and
//!   rule, and `classify_all`, `recommend_all` and the streams give what the one-case functions
//!   give;
//! - a recommendation's JSON reads back as the same recommendation.
#![no_main]

use hcc_pathways::case::{
    Ascites, AutoimmuneDisease, CaseBuilder, DrugSafety, Encephalopathy, ExtrahepaticSite,
    GoalsOfCare, History, Intrahepatic, LiverFunction, MacrovascularInvasion, PerformanceStatus,
    PriorRegimen, Procedure, Recurrence, Regimen, RegimenHistory, Varices,
};
use hcc_pathways::policy::Setting;
use hcc_pathways::quantity::{
    AfpNgMl, Albumin, AlbuminUnit, Bilirubin, BilirubinUnit, ChildPughScore, Count, DiameterMm,
    Ecog, Inr, Months, NoduleCount,
};
use hcc_pathways::{
    classify, classify_all, recommend_all, recommend_with, stream, Case, Policy, Recommendation,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// A float in `[lo, hi]`, the bounds themselves often.
fn float(u: &mut Unstructured, lo: f64, hi: f64) -> Result<f64> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => lo,
        1 => hi,
        _ => lo + (hi - lo) * f64::from(u.arbitrary::<u32>()?) / f64::from(u32::MAX),
    })
}

/// A small integer often, any in `[lo, hi]` sometimes.
fn int(u: &mut Unstructured, lo: i64, hi: i64) -> Result<i64> {
    if u.ratio(3u8, 4u8)? {
        u.int_in_range(lo..=hi.min(lo + 4))
    } else {
        u.int_in_range(lo..=hi)
    }
}

fn some<T>(
    u: &mut Unstructured,
    f: impl FnOnce(&mut Unstructured) -> Result<T>,
) -> Result<Option<T>> {
    Ok(if u.ratio(4u8, 5u8)? {
        Some(f(u)?)
    } else {
        None
    })
}

/// A constructor's result; every value given is in range, so this never rejects an input.
fn ok<T>(r: std::result::Result<T, hcc_pathways::Error>) -> Result<T> {
    r.map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)
}

/// A fact, or (one time in eight) not known: `None` (spec §8).
fn known<T>(u: &mut Unstructured, value: T) -> Result<Option<T>> {
    Ok(if u.ratio(1u8, 8u8)? { None } else { Some(value) })
}

/// A case's facts as parts, in range one by one, valid together or not: the builder holding
/// them, and their JSON document.
fn case(u: &mut Unstructured) -> Result<(CaseBuilder, serde_json::Value)> {
    // Every constructor gets a value in its range: the case is typed; its facts are random.
    let performance_status = PerformanceStatus {
        ecog: {
            let e = ok(Ecog::new(int(u, 0, 4)?))?;
            known(u, e)?
        },
        cancer_related: u.arbitrary()?,
    };
    let liver_function = LiverFunction {
        child_pugh_score: match some(u, |u| int(u, 5, 15))? {
            Some(s) => Some(ok(ChildPughScore::new(s))?),
            None => None,
        },
        bilirubin: match some(u, |u| u.arbitrary::<bool>())? {
            Some(true) => Some(ok(Bilirubin::new(
                float(u, 0.01, 50.0)?,
                BilirubinUnit::MgDl,
            ))?),
            Some(false) => Some(ok(Bilirubin::new(
                float(u, 0.1, 855.0)?,
                BilirubinUnit::UmolL,
            ))?),
            None => None,
        },
        albumin: match some(u, |u| u.arbitrary::<bool>())? {
            Some(true) => Some(ok(Albumin::new(float(u, 0.01, 7.0)?, AlbuminUnit::GDl))?),
            Some(false) => Some(ok(Albumin::new(float(u, 0.1, 70.0)?, AlbuminUnit::GL))?),
            None => None,
        },
        inr: match some(u, |u| float(u, 0.5, 20.0))? {
            Some(v) => Some(ok(Inr::new(v))?),
            None => None,
        },
        ascites: some(u, |u| u.choose(Ascites::ALL).copied())?,
        encephalopathy: some(u, |u| u.choose(Encephalopathy::ALL).copied())?,
    };
    let intrahepatic = Intrahepatic {
        nodules: {
            let n = ok(NoduleCount::new(int(u, 0, 999)?))?;
            known(u, n)?
        },
        largest_diameter_mm: match some(u, |u| int(u, 1, 300))? {
            Some(d) => Some(ok(DiameterMm::new(d))?),
            None => None,
        },
        infiltrative: u.arbitrary()?,
        unsafe_ablation_location: u.arbitrary()?,
    };
    let recurrence = Recurrence {
        intrahepatic,
        macrovascular_invasion: {
            let m = *u.choose(MacrovascularInvasion::ALL)?;
            known(u, m)?
        },
        extrahepatic_sites: {
            let sites = ExtrahepaticSite::ALL
                .iter()
                .copied()
                .filter(|_| u.ratio(1u8, 5u8).unwrap_or(false))
                .collect();
            known(u, sites)?
        },
        afp_ng_ml: match some(u, |u| float(u, 0.0, 10_000_000.0))? {
            Some(v) => Some(ok(AfpNgMl::new(v))?),
            None => None,
        },
    };
    let mut regimens = Vec::new();
    for _ in 0..u.int_in_range(0..=RegimenHistory::CAPACITY)? {
        regimens.push(PriorRegimen {
            regimen: *u.choose(Regimen::ALL)?,
            tolerated: u.arbitrary()?,
        });
    }
    let history = History {
        procedures: Procedure::ALL
            .iter()
            .copied()
            .filter(|_| u.ratio(1u8, 3u8).unwrap_or(false))
            .collect(),
        tace_insufficient_responses: {
            let c = ok(Count::insufficient_responses(int(u, 0, 50)?))?;
            known(u, c)?
        },
        tace_intrahepatic_progressions: {
            let c = ok(Count::intrahepatic_progressions(int(u, 0, 50)?))?;
            known(u, c)?
        },
        afp_rising_after_tace: u.arbitrary()?,
        months_since_last_procedure: {
            let m = ok(Months::new(int(u, 0, 600)?))?;
            known(u, m)?
        },
        systemic_regimens: {
            let h = ok(RegimenHistory::new(&regimens))?;
            known(u, h)?
        },
    };
    let goals_of_care = {
        let g = *u.choose(GoalsOfCare::ALL)?;
        known(u, g)?
    };
    let drug_safety = DrugSafety {
        liver_transplant_recipient: u.arbitrary()?,
        autoimmune_disease: {
            let a = *u.choose(AutoimmuneDisease::ALL)?;
            known(u, a)?
        },
        varices: {
            let v = *u.choose(Varices::ALL)?;
            known(u, v)?
        },
        hbsag_positive: u.arbitrary()?,
    };
    let doc = serde_json::json!({
        "performance_status": performance_status,
        "liver_function": liver_function,
        "goals_of_care": goals_of_care,
        "recurrence": recurrence,
        "history": history,
        "drug_safety": drug_safety,
    });
    let mut builder = Case::builder()
        .performance_status(performance_status)
        .liver_function(liver_function)
        .recurrence(recurrence)
        .history(history)
        .drug_safety(drug_safety);
    builder = match goals_of_care {
        Some(g) => builder.goals_of_care(g),
        None => builder.unknown("goals_of_care"),
    };
    Ok((builder, doc))
}

/// A policy: the default, with each threshold moved at random (mostly near its range), as
/// settings in declaration order and as a JSON document.
fn policy(u: &mut Unstructured) -> Result<(Vec<(Setting, u32)>, serde_json::Value)> {
    let mut doc = serde_json::to_value(Policy::default())
        .map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)?;
    let mut settings = Vec::new();
    for t in Policy::default().thresholds() {
        if !u.ratio(1u8, 3u8)? {
            continue;
        }
        let setting = Setting::from_name(t.name).ok_or(libfuzzer_sys::arbitrary::Error::IncorrectFormat)?;
        let value = if t.flag {
            let b: bool = u.arbitrary()?;
            settings.push((setting, u32::from(b)));
            serde_json::Value::Bool(b)
        } else {
            let (lo, hi) = t
                .accepted
                .split_once(" to ")
                .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)))
                .unwrap_or((0, 10));
            // One beyond each end now and then; never below 0 (the fields are unsigned).
            let v = u.int_in_range((lo - 1).max(0)..=hi + 1)?;
            settings.push((setting, u32::try_from(v).unwrap_or(0)));
            serde_json::Value::from(v)
        };
        doc[t.name] = value;
    }
    Ok((settings, doc))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok((builder, doc)), Ok((settings, policy_doc))) = (case(&mut u), policy(&mut u)) else {
        return;
    };

    // The case: the builder, JSON (pretty, compact, bytes), serde and a one-line stream agree.
    let valid = builder.build();
    let pretty = serde_json::to_string_pretty(&doc).expect("a document serialises");
    assert_eq!(Case::from_json(&pretty), valid, "pretty JSON");
    let line = doc.to_string();
    assert_eq!(
        Case::from_json_bytes(line.as_bytes()),
        valid,
        "compact JSON"
    );
    assert_eq!(
        serde_json::from_str::<Case>(&line).is_ok(),
        valid.is_ok(),
        "serde"
    );
    assert_eq!(
        builder.build_all().map_err(|errors| errors[0].clone()),
        valid,
        "build_all"
    );
    let streamed: Vec<_> = stream::cases(line.as_bytes()).collect();
    assert_eq!(streamed.len(), 1);
    let streamed = streamed
        .into_iter()
        .next()
        .and_then(|l| l.ok())
        .map(|l| (l.number, l.result));
    assert_eq!(streamed, Some((1, valid.clone())), "stream");
    if let Ok(case) = &valid {
        assert_eq!(Case::from_json(&case.to_json()).as_ref(), Ok(case), "round trip");
        assert_eq!(case.to_builder().build().as_ref(), Ok(case), "to_builder");
    }

    // The policy: the settings and the JSON agree; a valid policy round-trips.
    let policy = Policy::default().with_settings(settings);
    assert_eq!(Policy::from_json(&policy_doc.to_string()), policy, "policy");
    let (Ok(case), Ok(policy)) = (valid, policy) else {
        return;
    };
    let policy_json = serde_json::to_string(&policy).expect("a policy serialises");
    assert_eq!(Policy::from_json(&policy_json), Ok(policy), "policy round trip");

    // Every entry point that takes the case and the policy agrees with the others.
    let classified = classify(&case, &policy);
    let recommended = recommend_with(&case, &policy);
    match (&classified, &recommended) {
        (Ok(c), Ok(r)) => {
            assert_eq!(
                (c.pathway, c.rule, c.rules),
                (r.pathway, r.rule, r.rules),
                "classify vs recommend"
            );
            let back: Recommendation = serde_json::from_str(&r.to_json_explained())
                .expect("a recommendation reads back");
            assert_eq!(&back, r, "recommendation round trip");
            let lean: Recommendation =
                serde_json::from_str(&r.to_json()).expect("a lean recommendation reads back");
            assert_eq!(lean, r.without_explanation(), "lean round trip");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "the same error"),
        _ => panic!("classify {classified:?} but recommend_with {recommended:?}"),
    }
    assert_eq!(classify_all(&[case], &policy), vec![classified.clone()]);
    assert_eq!(recommend_all(&[case], &policy), vec![recommended.clone()]);
    let got = stream::classify(line.as_bytes(), &policy)
        .next()
        .and_then(|l| l.ok())
        .map(|l| l.result);
    assert_eq!(got, Some(classified));
    let got = stream::recommend(line.as_bytes(), &policy)
        .next()
        .and_then(|l| l.ok())
        .map(|l| l.result);
    assert_eq!(got, Some(recommended));
});
