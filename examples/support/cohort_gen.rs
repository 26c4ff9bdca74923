//! The seeded generator of SYNTHETIC cases, shared by `examples/gen_cohort.rs`,
//! `benches/recommend.rs` and the integration tests (each includes this file and `rng.rs` at its
//! crate root with `#[path]`; a test holds the committed cohort to this generator's output).
//! Invented data only.
//!
//! Deterministic for a given seed (a SplitMix64 stream): the same seed gives the same
//! documents byte for byte, so the bundled cohort and the benchmark set can be regenerated.

use hcc_pathways::Case;
use serde_json::{json, Value};

use crate::rng::Rng;

/// The first `n` VALID case documents (compact JSON, one per item) of the stream seeded with
/// `seed`. The generator can describe an invalid case (no recurrence, for example); those are
/// skipped, exactly as the bundled cohort was made.
pub fn valid_documents(seed: u64, n: usize) -> impl Iterator<Item = String> {
    let mut rng = Rng::new(seed);
    std::iter::repeat_with(move || one_case(&mut rng).to_string())
        .filter(|doc| Case::from_json(doc).is_ok())
        .take(n)
}

fn liver(rng: &mut Rng) -> Value {
    // Mostly compensated cirrhosis, some decompensation.
    let severity = rng.pick(&[(0u8, 0.6), (1, 0.28), (2, 0.12)]);
    let (bil_mg, alb_g_dl, inr) = match severity {
        0 => (
            0.4 + rng.unit() * 1.5,
            3.6 + rng.unit() * 1.2,
            0.9 + rng.unit() * 0.6,
        ),
        1 => (
            1.5 + rng.unit() * 1.8,
            2.8 + rng.unit() * 1.0,
            1.2 + rng.unit() * 0.8,
        ),
        _ => (
            2.5 + rng.unit() * 4.0,
            2.2 + rng.unit() * 0.8,
            1.6 + rng.unit() * 1.2,
        ),
    };
    let bilirubin = if rng.chance(0.5) {
        json!({"value": Rng::round(bil_mg, 1), "unit": "mg_dl"})
    } else {
        json!({"value": Rng::round(bil_mg * 17.1, 0), "unit": "umol_l"})
    };
    let albumin = if rng.chance(0.5) {
        json!({"value": Rng::round(alb_g_dl, 1), "unit": "g_dl"})
    } else {
        json!({"value": Rng::round(alb_g_dl * 10.0, 0), "unit": "g_l"})
    };
    let ascites = match severity {
        0 => "none",
        1 => rng.pick(&[("none", 0.6), ("mild_or_controlled", 0.4)]),
        _ => rng.pick(&[("mild_or_controlled", 0.6), ("moderate_to_severe", 0.4)]),
    };
    let enceph = match severity {
        2 => rng.pick(&[("none", 0.5), ("grade_1_2", 0.4), ("grade_3_4", 0.1)]),
        _ => rng.pick(&[("none", 0.95), ("grade_1_2", 0.05)]),
    };
    json!({"bilirubin": bilirubin, "albumin": albumin, "inr": Rng::round(inr, 2),
           "ascites": ascites, "encephalopathy": enceph})
}

fn one_case(rng: &mut Rng) -> Value {
    let ecog = rng.pick(&[(0u8, 0.45), (1, 0.35), (2, 0.12), (3, 0.06), (4, 0.02)]);
    let mut ps = json!({"ecog": ecog});
    if matches!(ecog, 1 | 2) {
        ps["cancer_related"] = json!(rng.chance(0.5));
    }
    let mvi = rng.pick(&[
        ("none", 0.85),
        ("portal_vein_branch", 0.07),
        ("main_portal_vein", 0.04),
        ("hepatic_vein_or_ivc", 0.04),
    ]);
    let sites_all = [
        "lung",
        "lymph_node",
        "bone",
        "adrenal",
        "peritoneum",
        "brain",
        "other",
    ];
    let mut sites = Vec::new();
    if rng.chance(0.22) {
        let n = rng.int(1, 2);
        for _ in 0..n {
            let s = sites_all[rng.int(0, 6) as usize];
            if !sites.contains(&s) {
                sites.push(s);
            }
        }
    }
    let advanced = mvi != "none" || !sites.is_empty();
    let nodules = if advanced && rng.chance(0.25) {
        0
    } else {
        rng.pick(&[
            (1u64, 0.42),
            (2, 0.18),
            (3, 0.14),
            (4, 0.1),
            (5, 0.08),
            (8, 0.08),
        ])
    };
    let infiltrative = nodules > 0 && rng.chance(0.05);
    let mut ih = json!({"nodules": nodules, "infiltrative": infiltrative,
        "unsafe_ablation_location": nodules > 0 && rng.chance(0.15)});
    if nodules > 0 && !(infiltrative && rng.chance(0.5)) {
        let (small, medium, large) = (rng.int(8, 30), rng.int(31, 50), rng.int(51, 130));
        let d = rng.pick(&[(small, 0.5), (medium, 0.3), (large, 0.2)]);
        ih["largest_diameter_mm"] = json!(d);
    }
    let mut recurrence = json!({"intrahepatic": ih, "macrovascular_invasion": mvi,
        "extrahepatic_sites": sites});
    if rng.chance(0.85) {
        let afp = 10f64.powf(rng.unit() * 4.5);
        recurrence["afp_ng_ml"] = json!(Rng::round(afp, 1));
    }
    let mut procedures = Vec::new();
    let tace = rng.chance(0.7);
    if tace {
        procedures.push("tace");
    }
    for (p, w) in [
        ("tae", 0.05),
        ("tare", 0.05),
        ("rfa", 0.3),
        ("mwa", 0.15),
        ("pei", 0.03),
        ("resection", 0.2),
    ] {
        if rng.chance(w) {
            procedures.push(p);
        }
    }
    if procedures.is_empty() {
        procedures.push("rfa");
    }
    let (ir, ip, afp_rise) = if tace {
        (
            rng.pick(&[(0u64, 0.6), (1, 0.25), (2, 0.1), (3, 0.05)]),
            rng.pick(&[(0u64, 0.65), (1, 0.2), (2, 0.1), (3, 0.05)]),
            rng.chance(0.1),
        )
    } else {
        (0, 0, false)
    };
    let lines = rng.pick(&[(0usize, 0.7), (1, 0.2), (2, 0.08), (3, 0.02)]);
    let catalogue = [
        "atezolizumab_bevacizumab",
        "durvalumab_tremelimumab",
        "lenvatinib",
        "sorafenib",
        "nivolumab_ipilimumab",
        "cabozantinib",
        "regorafenib",
        "ramucirumab",
    ];
    let mut regimens: Vec<Value> = Vec::new();
    while regimens.len() < lines {
        let r = catalogue[rng.int(0, catalogue.len() as u64 - 1) as usize];
        if regimens.iter().any(|x| x["regimen"] == r) {
            continue;
        }
        let mut item = json!({"regimen": r});
        if rng.chance(0.8) {
            item["tolerated"] = json!(rng.chance(0.8));
        }
        regimens.push(item);
    }
    let history = json!({"procedures": procedures, "tace_insufficient_responses": ir,
        "tace_intrahepatic_progressions": ip, "afp_rising_after_tace": afp_rise,
        "months_since_last_procedure": rng.int(1, 60), "systemic_regimens": regimens});
    let mut drug = json!({
        "liver_transplant_recipient": rng.chance(0.03),
        "autoimmune_disease": rng.pick(&[("none", 0.92), ("inactive", 0.05), ("active_on_systemic_treatment", 0.03)]),
        "varices": rng.pick(&[("none_or_treated", 0.6), ("not_screened", 0.25), ("untreated_high_risk", 0.1), ("recent_bleeding", 0.05)]),
    });
    if rng.chance(0.8) {
        drug["hbsag_positive"] = json!(rng.chance(0.35));
    }
    let liver_function = if rng.chance(0.7) {
        liver(rng)
    } else {
        json!({"child_pugh_score": rng.pick(&[(5u64, 0.35), (6, 0.3), (7, 0.15), (8, 0.08), (9, 0.05), (10, 0.04), (12, 0.03)])})
    };
    json!({
        "performance_status": ps,
        "liver_function": liver_function,
        "goals_of_care": if rng.chance(0.05) { "comfort_focused" } else { "active_treatment" },
        "recurrence": recurrence,
        "history": history,
        "drug_safety": drug,
    })
}
