//! Fuzzes the entry points with structured input: a case built field by field from the fuzzer's
//! bytes (every quantity in range, the facts between fields random) and a random policy (its
//! thresholds sometimes out of range). Every entry point must agree:
//!
//! - `Case::validate`, `Case::from_json` of the case's JSON (pretty and compact), and a
//!   one-line stream give the same case or the same error: a valid case round-trips exactly;
//! - `Policy::validate` and `Policy::from_json` of the policy's JSON agree, and a valid policy
//!   round-trips;
//! - `classify` and `recommend_with` give the same pathway and rule, and `classify_all`,
//!   `recommend_all` and the streams give what the one-case functions give, errors included
//!   (an invalid policy's fields under `policy.`);
//! - a recommendation's JSON reads back as the same recommendation.
#![no_main]

use hcc_pathways::case::{
    Ascites, AutoimmuneDisease, DrugSafety, Encephalopathy, ExtrahepaticSite, GoalsOfCare, History,
    Intrahepatic, LiverFunction, MacrovascularInvasion, PerformanceStatus, PriorRegimen, Procedure,
    Recurrence, Regimen, RegimenHistory, Varices,
};
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

fn case(u: &mut Unstructured) -> Result<Case> {
    // Every constructor gets a value in its range: the case is typed; its facts are random.
    let performance_status = PerformanceStatus {
        ecog: ok(Ecog::new(int(u, 0, 4)?))?,
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
        nodules: ok(NoduleCount::new(int(u, 0, 999)?))?,
        largest_diameter_mm: match some(u, |u| int(u, 1, 300))? {
            Some(d) => Some(ok(DiameterMm::new(d))?),
            None => None,
        },
        infiltrative: u.arbitrary()?,
        unsafe_ablation_location: u.arbitrary()?,
    };
    let recurrence = Recurrence {
        intrahepatic,
        macrovascular_invasion: *u.choose(MacrovascularInvasion::ALL)?,
        extrahepatic_sites: ExtrahepaticSite::ALL
            .iter()
            .copied()
            .filter(|_| u.ratio(1u8, 5u8).unwrap_or(false))
            .collect(),
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
        tace_insufficient_responses: ok(Count::insufficient_responses(int(u, 0, 50)?))?,
        tace_intrahepatic_progressions: ok(Count::intrahepatic_progressions(int(u, 0, 50)?))?,
        afp_rising_after_tace: u.arbitrary()?,
        months_since_last_procedure: ok(Months::new(int(u, 0, 600)?))?,
        systemic_regimens: ok(RegimenHistory::new(&regimens))?,
    };
    Ok(Case {
        performance_status,
        liver_function,
        goals_of_care: *u.choose(GoalsOfCare::ALL)?,
        recurrence,
        history,
        drug_safety: DrugSafety {
            liver_transplant_recipient: u.arbitrary()?,
            autoimmune_disease: *u.choose(AutoimmuneDisease::ALL)?,
            varices: *u.choose(Varices::ALL)?,
            hbsag_positive: u.arbitrary()?,
        },
    })
}

/// A policy: the default, with each threshold moved at random (mostly near its range).
fn policy(u: &mut Unstructured) -> Result<Policy> {
    let mut doc = serde_json::to_value(Policy::default())
        .map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)?;
    for t in Policy::default().thresholds() {
        if !u.ratio(1u8, 3u8)? {
            continue;
        }
        let value = if t.flag {
            serde_json::Value::Bool(u.arbitrary()?)
        } else {
            let (lo, hi) = t
                .accepted
                .split_once(" to ")
                .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)))
                .unwrap_or((0, 10));
            // One beyond each end now and then; never below 0 (the fields are unsigned).
            serde_json::Value::from(u.int_in_range((lo - 1).max(0)..=hi + 1)?)
        };
        doc[t.name] = value;
    }
    serde_json::from_value(doc).map_err(|_| libfuzzer_sys::arbitrary::Error::IncorrectFormat)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(case), Ok(policy)) = (case(&mut u), policy(&mut u)) else {
        return;
    };

    // The case: validate, JSON (pretty, compact, bytes) and a one-line stream agree.
    let valid = case.validate().map(|_| case);
    assert_eq!(Case::from_json(&case.to_json()), valid, "pretty JSON");
    let line = serde_json::to_string(&case).expect("a case serialises");
    assert_eq!(
        Case::from_json_bytes(line.as_bytes()),
        valid,
        "compact JSON"
    );
    let streamed: Vec<_> = stream::cases(line.as_bytes()).collect();
    assert_eq!(streamed.len(), 1);
    let streamed = streamed
        .into_iter()
        .next()
        .and_then(|l| l.ok())
        .map(|l| (l.number, l.result));
    assert_eq!(streamed, Some((1, valid.clone())), "stream");

    // The policy: validate and JSON agree; a valid policy round-trips.
    let policy_ok = policy.validate();
    let policy_json = serde_json::to_string(&policy).expect("a policy serialises");
    assert_eq!(
        Policy::from_json(&policy_json),
        policy_ok.clone().map(|_| policy)
    );

    // Every entry point that takes the case and the policy agrees with the others.
    let classified = classify(&case, &policy);
    let recommended = recommend_with(&case, &policy);
    match (&classified, &recommended) {
        (Ok(c), Ok(r)) => {
            assert_eq!(
                (c.pathway, c.rule),
                (r.pathway, r.rule),
                "classify vs recommend"
            );
            let back: Recommendation =
                serde_json::from_str(&r.to_json()).expect("a recommendation reads back");
            assert_eq!(&back, r, "recommendation round trip");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "the same error"),
        _ => panic!("classify {classified:?} but recommend_with {recommended:?}"),
    }
    if let Err(e) = &policy_ok {
        assert_eq!(classified.as_ref().err(), Some(&e.clone().within("policy")));
    } else if let Err(e) = &valid {
        assert_eq!(classified.as_ref().err(), Some(e));
    }
    assert_eq!(classify_all(&[case], &policy), vec![classified.clone()]);
    assert_eq!(recommend_all(&[case], &policy), vec![recommended.clone()]);
    match stream::classify(line.as_bytes(), &policy) {
        Ok(mut s) => {
            let got = s.next().and_then(|l| l.ok()).map(|l| l.result);
            assert_eq!(got, Some(classified));
            let got = stream::recommend(line.as_bytes(), &policy)
                .ok()
                .and_then(|mut s| s.next())
                .and_then(|l| l.ok())
                .map(|l| l.result);
            assert_eq!(got, Some(recommended));
        }
        Err(e) => assert_eq!(Err(e), classified.map(|_| ())),
    }
});
