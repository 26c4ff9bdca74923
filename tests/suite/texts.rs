//! Every number a recommendation shows is the policy's (issue 10, spec §9 item 7), as a property
//! over random valid policies and cases: the check is derived from the policy's fields.
//!
//! For each setting the policy changes, a text must not show the setting's default where the
//! policy says otherwise. A number counts as shown when it stands alone in a text (not inside a
//! trial name such as `IMbrave150`). It is allowed when some setting of the policy in force has
//! that value (or one more, or one less: `{pei_max_diameter_mm+1}-{ablation_max_diameter_mm} mm`),
//! when the case itself holds it (Child–Pugh 7, AFP 399.9), or when it is one of the few
//! constants the guidelines state and no setting governs, listed below with where they come
//! from. And every fact compared with a setting shows that setting's value in this policy.

use std::collections::BTreeSet;

use proptest::prelude::*;

use hcc_pathways::engine::Value;
use hcc_pathways::policy::Setting;
use hcc_pathways::{recommend_with, Case, Policy, Recommendation};

#[cfg(feature = "proptest")]
use crate::common::config;
#[cfg(feature = "proptest")]
use hcc_pathways::strategies::policy_and_case;

/// Phrases with numbers that no policy setting governs: quoted guideline facts, trial
/// populations and time windows. A number inside one of them is not a threshold of the policy.
const CONSTANT_PHRASES: &[&str] = &[
    "below 30 mL/min", // EASL 2018 TACE contraindication checklist
    "ECOG 0-1",        // trial populations (SHARP, IMbrave150, EMERALD-1, LEAP-012)
    "ECOG 0-2",        // SHARP enrolled ECOG 0-2
    "ECOG 1-2",        // where BCLC 2022 asks whether the impairment is cancer-related
    "ECOG 2",          // the caution's subject: ECOG 2 is the case's own value
    "last 6 months",   // varices screening and bleeding window (IMbrave150)
    "first 6 months",  // CheckMate 9DW early deaths
    "below 500 ng/mL", // OPTN policy 9 wording
    "above 2 cm",      // not used: PEI shows the policy's setting in mm
    "BCLC stages 0-C", // BCLC stage names
    "subgroup 1",      // BCLC-B subgroup 1
    "subgroup 3",      // BCLC-B subgroup 3
    "category 2A",     // NCCN evidence category
    "grade 3",         // ALBI grade
    "grade 2b",        // mALBI grade
    "phase 3",         // evidence level
    "Child-Pugh 7",    // class B7, shown only when the case is Child-Pugh 7
    "Child-Pugh B",
    "class A",
    "\"or\"",
    "10 x nodules", // the up-to-seven sum (Mazzaferro 2009)
];

/// Every text of a recommendation a clinician reads.
fn texts(r: &Recommendation) -> Vec<String> {
    let mut out = vec![r.reason.to_string()];
    out.extend(r.reason_details.iter().map(|d| d.text.to_string()));
    out.extend(r.options.iter().map(|o| o.detail.to_string()));
    out.extend(r.omitted.iter().map(|o| o.detail.to_string()));
    out.extend(r.cautions.iter().map(|c| c.text.to_string()));
    out.extend(r.considerations.iter().map(|c| c.text.to_string()));
    out.extend(r.line_of_therapy.iter().map(|l| l.reason.to_string()));
    out.extend(
        r.explanation
            .document()
            .predicates
            .iter()
            .map(|p| p.description.to_string()),
    );
    out
}

/// The numbers standing alone in a text (`8-9` is two; `IMbrave150`, `REACH-2` and `2b` are
/// none), after the constant phrases are removed.
fn numbers(text: &str) -> Vec<i64> {
    let mut t = text.to_owned();
    for phrase in CONSTANT_PHRASES {
        t = t.replace(phrase, " ");
    }
    let chars: Vec<char> = t.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let before_ok = start == 0 || !chars[start - 1].is_alphanumeric();
            let after_ok = i == chars.len() || !chars[i].is_alphanumeric();
            // A hyphen before a number ends a name such as REACH-2 or LEAP-012 unless a number
            // precedes it too (a range such as 8-9).
            let hyphenated_name =
                start >= 2 && chars[start - 1] == '-' && chars[start - 2].is_alphabetic();
            if before_ok && after_ok && !hyphenated_name {
                let s: String = chars[start..i].iter().collect();
                if let Ok(v) = s.trim_end_matches('.').parse::<f64>() {
                    if v.fract() == 0.0 {
                        out.push(v as i64);
                    }
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Numbers the case holds (its facts may be quoted, and the Child–Pugh class B7 names its own).
fn case_numbers(case: &Case, r: &Recommendation) -> BTreeSet<i64> {
    let mut out = BTreeSet::new();
    for p in &r.explanation.document().predicates {
        for f in &p.facts {
            match &f.value {
                Value::Int(v) => {
                    out.insert(*v);
                }
                Value::Num(x) if x.fract() == 0.0 => {
                    out.insert(*x as i64);
                }
                _ => {}
            }
        }
    }
    if let Some(ecog) = case.performance_status().ecog {
        out.insert(i64::from(ecog.get()));
    }
    if let Some(score) = r.scores.child_pugh_score {
        out.insert(score.into());
    }
    out
}

/// Which numbers a text may show under `policy`.
fn allowed(policy: &Policy, case: &BTreeSet<i64>) -> BTreeSet<i64> {
    let mut out = case.clone();
    for s in Setting::ALL {
        let v = i64::from(policy.get(*s));
        out.extend([v - 1, v, v + 1]);
    }
    out
}

/// The violations of one recommendation: each a text showing a changed setting's default.
fn violations(policy: &Policy, case: &Case, r: &Recommendation) -> Vec<String> {
    let default = Policy::default();
    let allowed = allowed(policy, &case_numbers(case, r));
    let mut out = Vec::new();
    for text in texts(r) {
        for x in numbers(&text) {
            if allowed.contains(&x) {
                continue;
            }
            for s in Setting::ALL {
                let d = i64::from(default.get(*s));
                if policy.get(*s) != default.get(*s) && x == d {
                    out.push(format!(
                        "`{text}` shows {x}, the default of {} (the policy sets {})",
                        s.name(),
                        policy.get(*s)
                    ));
                }
            }
        }
    }
    // Facts name the setting they were compared with, and show its value in this policy.
    for p in &r.explanation.document().predicates {
        for f in &p.facts {
            let (Some(setting), Some(th)) = (&f.setting, &f.threshold) else {
                continue;
            };
            let (name, shift) = match setting.strip_suffix(" - 1") {
                Some(n) => (n, 1),
                None => (setting.as_ref(), 0),
            };
            let Some(s) = Setting::from_name(name) else {
                out.push(format!("fact `{f}` names no setting"));
                continue;
            };
            let want = i64::from(policy.get(s)) - shift;
            let got = match th {
                Value::Int(v) => *v,
                Value::Num(x) => *x as i64,
                other => {
                    out.push(format!("fact `{f}` has threshold {other}"));
                    continue;
                }
            };
            if got != want.max(0) {
                out.push(format!("fact `{f}`: {} is {want} in this policy", s.name()));
            }
        }
    }
    out
}

#[test]
fn standalone_numbers_are_found_and_names_are_not() {
    assert_eq!(numbers("largest 21-30 mm"), [21, 30]);
    assert_eq!(
        numbers("REACH-2 (Zhu, 2019): AFP >= 400 ng/mL"),
        [2019, 400]
    );
    assert_eq!(numbers("IMbrave150; LEAP-012; mALBI 2b"), Vec::<i64>::new());
    assert_eq!(
        numbers("creatinine clearance below 30 mL/min"),
        Vec::<i64>::new()
    );
    assert_eq!(numbers("Child-Pugh 8-9 without"), [8, 9]);
}

/// The check finds a hard-coded default: a text written with the default of a setting the
/// policy changed is reported (so the property below can fail).
#[test]
fn a_hard_coded_default_is_reported() {
    let case = crate::common::bundled("r6_beyond_up_to_seven");
    let policy = Policy::default()
        .with(Setting::UpToSevenLimit, 110)
        .unwrap();
    let mut r = recommend_with(&case, &policy).unwrap();
    assert!(
        violations(&policy, &case, &r).is_empty(),
        "{:?}",
        violations(&policy, &case, &r)
    );
    r.reason = "beyond up-to-seven (70)".into();
    let v = violations(&policy, &case, &r);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("up_to_seven_limit"), "{v:?}");
}

#[cfg(feature = "proptest")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..config() })]

    /// No text of a recommendation shows a threshold value other than the policy's.
    #[test]
    fn every_number_shown_is_the_policys((policy, case) in policy_and_case()) {
        let r = recommend_with(&case, &policy).unwrap();
        let v = violations(&policy, &case, &r);
        prop_assert!(v.is_empty(), "{v:#?}");
    }
}
