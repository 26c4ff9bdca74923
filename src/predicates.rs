//! The clinical predicates of spec §3, as named, sourced leaves over an [`Assessment`].
//!
//! Each function returns a handle to one shared predicate, so rule sets can combine them freely
//! (a rule set rejects two *different* predicates under one id). Thresholds come from the
//! [`Policy`](crate::Policy) inside the assessment.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::case::{
    AutoimmuneDisease, ExtrahepaticSite, GoalsOfCare, MacrovascularInvasion, Procedure, Regimen,
    Varices,
};
use crate::engine::{Cmp, Expr, Predicate, Trace};
use crate::scores::{AlbiGrade, MalbiGrade};
use crate::sources::*;

macro_rules! clinical_predicate {
    ($(#[$m:meta])* $name:ident, $static:ident, $id:literal, $descr:literal, [$($src:ident),+], |$a:ident, $t:ident| $body:expr) => {
        static $static: LazyLock<Predicate<Assessment>> = LazyLock::new(|| {
            Predicate::new($id, $descr, &[$($src),+], |$a: &Assessment, $t: &mut Trace| $body)
        });

        $(#[$m])*
        #[doc = ""]
        #[doc = concat!("Id `", $id, "`: ", $descr, ".")]
        pub fn $name() -> Predicate<Assessment> {
            $static.clone()
        }
    };
}

/// Compares the largest diameter with `threshold`; false (recorded as unknown) when the
/// diameter is unknown, the conservative reading for every size criterion.
fn largest_diameter(a: &Assessment, t: &mut Trace, cmp: Cmp, threshold: u16) -> bool {
    match a.case().recurrence.intrahepatic.largest_diameter_mm {
        Some(d) => t.compare("largest_diameter_mm", d.get(), cmp, threshold),
        None => {
            t.note("largest_diameter_mm", None::<u16>);
            false
        }
    }
}

/// 1 to `ablation_max_nodules` nodules with the largest at most `max_mm` (shared by the
/// ablation and TACE-plus-ablation criteria, which differ only in size).
fn few_nodules_within(a: &Assessment, t: &mut Trace, max_mm: u16) -> bool {
    let n = a.case().recurrence.intrahepatic.nodules.get();
    let count_ok = t.compare(
        "nodules",
        n,
        Cmp::Le,
        u16::from(a.policy().ablation_max_nodules),
    ) && n >= 1;
    // Both are read (and recorded) whatever the count, as the explanation lists every fact.
    let size_ok = largest_diameter(a, t, Cmp::Le, max_mm);
    count_ok && size_ok
}

clinical_predicate!(
    /// The patient chose comfort-focused care.
    comfort_focused, COMFORT_FOCUSED, "comfort_focused",
    "the patient chose comfort-focused care",
    [AASLD_2023],
    |a, t| t.flag(
        "goals_of_care.comfort_focused",
        a.case().goals_of_care == GoalsOfCare::ComfortFocused
    )
);

clinical_predicate!(
    /// End-stage: poor performance status or Child–Pugh class C (BCLC D).
    terminal, TERMINAL, "terminal",
    "ECOG >= terminal_min_ecog (3) or Child-Pugh >= terminal_min_child_pugh (10)",
    [BCLC_2022],
    |a, t| {
        let p = a.policy();
        let by_ecog = t.compare("ecog", a.ecog(), Cmp::Ge, p.terminal_min_ecog);
        let by_cp = t.compare("child_pugh_score", a.child_pugh(), Cmp::Ge, p.terminal_min_child_pugh);
        by_ecog || by_cp
    }
);

clinical_predicate!(
    /// Spread outside the liver or into major vessels (BCLC C).
    advanced, ADVANCED, "advanced",
    "extrahepatic spread or macrovascular invasion",
    [BCLC_2022],
    |a, t| {
        let r = &a.case().recurrence;
        t.note("macrovascular_invasion", r.macrovascular_invasion);
        let sites = r.extrahepatic_sites.len() as u32;
        t.note("extrahepatic_sites", sites);
        r.macrovascular_invasion != MacrovascularInvasion::None || sites > 0
    }
);

clinical_predicate!(
    /// Infiltrative or diffuse intrahepatic growth.
    infiltrative, INFILTRATIVE, "infiltrative",
    "infiltrative or diffuse intrahepatic growth",
    [BCLC_2022],
    |a, t| t.flag("infiltrative", a.case().recurrence.intrahepatic.infiltrative)
);

clinical_predicate!(
    /// Exactly one intrahepatic nodule (BCLC 2022: a single nodule is stage A at any size).
    single_nodule, SINGLE_NODULE, "single_nodule",
    "exactly one intrahepatic nodule",
    [BCLC_2022],
    |a, t| t.compare("nodules", a.case().recurrence.intrahepatic.nodules.get(), Cmp::Eq, 1)
);

clinical_predicate!(
    /// Within up-to-seven: largest mm + 10 × nodules ≤ the limit (70); false when infiltrative
    /// or the diameter is unknown.
    up_to_seven, UP_TO_SEVEN, "up_to_seven",
    "largest_mm + 10 x nodules <= up_to_seven_limit (70); false if infiltrative or diameter unknown",
    [UP_TO_7],
    |a, t| match a.up_to_seven_sum() {
        Some(sum) => t.compare("up_to_seven_sum", sum, Cmp::Le, u32::from(a.policy().up_to_seven_limit)),
        None => {
            t.note("up_to_seven_sum", None::<u32>);
            false
        }
    }
);

clinical_predicate!(
    /// Ablation candidate: 1 to 3 nodules with the largest ≤ 30 mm (policy thresholds).
    ablation_candidate, ABLATION_CANDIDATE, "ablation_candidate",
    "1 to ablation_max_nodules (3) nodules, largest <= ablation_max_diameter_mm (30)",
    [INASL_2019, NCCN_HCC],
    |a, t| few_nodules_within(a, t, a.policy().ablation_max_diameter_mm)
);

clinical_predicate!(
    /// TACE refractory (JSH-LCSGJ 2014): repeated insufficient response, repeated intrahepatic
    /// progression, or AFP rising continuously right after TACE.
    tace_refractory, TACE_REFRACTORY, "tace_refractory",
    "insufficient responses >= 2, or intrahepatic progressions >= 2, or AFP rising right after TACE",
    [JSH_2014],
    |a, t| {
        let h = &a.case().history;
        let p = a.policy();
        let by_response = t.compare(
            "tace_insufficient_responses",
            h.tace_insufficient_responses.get(),
            Cmp::Ge,
            p.refractory_insufficient_responses,
        );
        let by_progression = t.compare(
            "tace_intrahepatic_progressions",
            h.tace_intrahepatic_progressions.get(),
            Cmp::Ge,
            p.refractory_intrahepatic_progressions,
        );
        let by_afp = t.flag("afp_rising_after_tace", h.afp_rising_after_tace) && p.refractory_on_afp_rise;
        by_response || by_progression || by_afp
    }
);

clinical_predicate!(
    /// Fit for a repeat intervention: Child–Pugh ≤ 7 and ECOG 0, or ECOG 1 not cancer-related.
    fit_for_intervention, FIT_FOR_INTERVENTION, "fit_for_intervention",
    "Child-Pugh <= intervention_max_child_pugh (7) and (ECOG 0, or ECOG 1 not cancer-related)",
    [BCLC_2022, EASL_2018],
    |a, t| {
        let liver_ok = t.compare("child_pugh_score", a.child_pugh(), Cmp::Le, a.policy().intervention_max_child_pugh);
        let ecog = a.ecog();
        t.note("ecog", ecog);
        let ps_ok = match ecog {
            0 => true,
            1 => {
                let related = a.case().performance_status.cancer_related;
                t.note("cancer_related", related);
                related == Some(false)
            }
            _ => false,
        };
        liver_ok && ps_ok
    }
);

clinical_predicate!(
    /// Fit for systemic therapy: ECOG ≤ 2 and Child–Pugh ≤ 6 (a policy may admit 7); from the
    /// third line on, ECOG ≤ 1 and Child–Pugh ≤ 6; and at least one regimen of the current line
    /// of therapy remains permitted (spec §3 and §7: when nothing remains there is no supported
    /// further line). Evaluating it allocates nothing.
    fit_for_systemic, FIT_FOR_SYSTEMIC, "fit_for_systemic",
    "ECOG <= systemic_max_ecog (2) and Child-Pugh <= systemic_max_child_pugh (6); after >= 2 regimens ECOG <= 1 and Child-Pugh <= 6; and at least one regimen of the current line remains permitted",
    [BCLC_2022, SHARP, ASCO_2024, NCCN_HCC],
    |a, t| {
        let p = a.policy();
        let ecog_ok = t.compare("ecog", a.ecog(), Cmp::Le, p.systemic_max_ecog);
        let cp_ok = t.compare("child_pugh_score", a.child_pugh(), Cmp::Le, p.systemic_max_child_pugh);
        let received = a.regimens_received() as u32;
        let later = t.compare("regimens_received", received, Cmp::Ge, u32::from(p.later_line_from_regimens));
        let later_ok = !later || {
            let e = t.compare("ecog", a.ecog(), Cmp::Le, p.later_line_max_ecog);
            let c = t.compare("child_pugh_score", a.child_pugh(), Cmp::Le, p.later_line_max_child_pugh);
            e && c
        };
        let available = regimens_permitted_fact(a, t);
        ecog_ok && cp_ok && later_ok && available
    }
);

/// Records the line of therapy and the number of permitted regimens, and returns whether at
/// least one remains. Shared by `fit_for_systemic` and `regimen_available`.
fn regimens_permitted_fact(a: &Assessment, t: &mut Trace) -> bool {
    let line = crate::regimens::line_of_therapy(a);
    t.note("line_of_therapy", line);
    let permitted = crate::regimens::permitted_in_line(a, line).len() as u32;
    t.compare("regimens_permitted", permitted, Cmp::Ge, 1)
}

/// `limited_intrahepatic`: not infiltrative, and a single nodule or within up-to-seven
/// (BCLC 2022; beyond up-to-seven, multinodular disease is TACE-unsuitable, Kudo 2020).
pub fn limited_intrahepatic() -> Expr<Assessment> {
    Expr::named(
        "limited_intrahepatic",
        "not infiltrative, and a single nodule or within up-to-seven",
        infiltrative().not().and(single_nodule().or(up_to_seven())),
    )
}

/// `locally_treatable`: limited intrahepatic disease, and not TACE refractory or an ablation
/// candidate (refractoriness rules out TACE, not ablation).
pub fn locally_treatable() -> Expr<Assessment> {
    Expr::named(
        "locally_treatable",
        "limited intrahepatic disease, and not TACE refractory or an ablation candidate",
        limited_intrahepatic().and(tace_refractory().not().or(ablation_candidate())),
    )
}

/// Every leaf predicate of this module, in the order of spec §3.
pub fn all() -> Vec<Predicate<Assessment>> {
    vec![
        comfort_focused(),
        terminal(),
        advanced(),
        infiltrative(),
        single_nodule(),
        up_to_seven(),
        ablation_candidate(),
        tace_refractory(),
        fit_for_intervention(),
        fit_for_systemic(),
    ]
}

// ---------------------------------------------------------------------------------------------
// Predicates of the option, caution and consideration rules (spec §6–§7).
// ---------------------------------------------------------------------------------------------

clinical_predicate!(
    /// A nodule lies where thermal ablation is unsafe (next to a major vessel, the main bile
    /// duct, the gallbladder or bowel).
    unsafe_ablation_location, UNSAFE_ABLATION_LOCATION, "unsafe_ablation_location",
    "a nodule lies where thermal ablation is unsafe (major vessel, main bile duct, gallbladder, bowel)",
    [INASL_2019, NCCN_HCC],
    |a, t| t.flag("unsafe_ablation_location", a.case().recurrence.intrahepatic.unsafe_ablation_location)
);

clinical_predicate!(
    /// Small enough for PEI alone: largest ≤ 20 mm (policy `pei_max_diameter_mm`); false when
    /// the diameter is unknown.
    pei_size, PEI_SIZE, "pei_size",
    "largest <= pei_max_diameter_mm (20); false if the diameter is unknown",
    [INASL_2019],
    |a, t| largest_diameter(a, t, Cmp::Le, a.policy().pei_max_diameter_mm)
);

clinical_predicate!(
    /// Within reach of TACE combined with ablation: 1 to 3 nodules (policy
    /// `ablation_max_nodules`) with the largest ≤ 50 mm (policy `combination_max_diameter_mm`).
    combination_size, COMBINATION_SIZE, "combination_size",
    "1 to ablation_max_nodules (3) nodules, largest <= combination_max_diameter_mm (50)",
    [PENG_2013, PENG_2012],
    |a, t| few_nodules_within(a, t, a.policy().combination_max_diameter_mm)
);

clinical_predicate!(
    /// One step from TACE refractoriness: TACE or TAE was received and a TACE counter stands at
    /// its refractoriness threshold − 1 (one more event meets it; the counters are not added
    /// together).
    near_tace_refractory, NEAR_TACE_REFRACTORY, "near_tace_refractory",
    "TACE/TAE received and insufficient responses = threshold - 1 or intrahepatic progressions = threshold - 1",
    [JSH_2014],
    |a, t| {
        let h = &a.case().history;
        let p = a.policy();
        let had_tace = h.procedures.contains(Procedure::Tace) || h.procedures.contains(Procedure::Tae);
        t.note("tace_or_tae_received", had_tace);
        let by_response = t.compare(
            "tace_insufficient_responses",
            h.tace_insufficient_responses.get(),
            Cmp::Eq,
            p.refractory_insufficient_responses.saturating_sub(1),
        );
        let by_progression = t.compare(
            "tace_intrahepatic_progressions",
            h.tace_intrahepatic_progressions.get(),
            Cmp::Eq,
            p.refractory_intrahepatic_progressions.saturating_sub(1),
        );
        had_tace && (by_response || by_progression)
    }
);

clinical_predicate!(
    /// A single nodule of at least 100 mm (policy `tace_caution_diameter_mm`): EASL's relative
    /// contraindication to TACE.
    large_single_nodule, LARGE_SINGLE_NODULE, "large_single_nodule",
    "exactly one nodule and largest >= tace_caution_diameter_mm (100)",
    [EASL_2018],
    |a, t| {
        let ih = &a.case().recurrence.intrahepatic;
        let single = t.compare("nodules", ih.nodules.get(), Cmp::Eq, 1);
        let large = largest_diameter(a, t, Cmp::Ge, a.policy().tace_caution_diameter_mm);
        single && large
    }
);

clinical_predicate!(
    /// ALBI grade 3 or modified ALBI 2b: risk of hepatic decompensation after TACE. False when
    /// ALBI is unknown (bilirubin or albumin not given).
    albi_decompensation_risk, ALBI_DECOMPENSATION_RISK, "albi_decompensation_risk",
    "ALBI grade 3 or mALBI grade 2b; false if ALBI is unknown",
    [ALBI, MALBI],
    |a, t| {
        let s = a.scores();
        t.note("albi_grade", s.albi_grade);
        t.note("malbi_grade", s.malbi_grade);
        s.albi_grade == Some(AlbiGrade::G3) || s.malbi_grade == Some(MalbiGrade::G2b)
    }
);

clinical_predicate!(
    /// The patient is a liver-transplant recipient (checkpoint inhibitors risk graft rejection).
    liver_transplant_recipient, LIVER_TRANSPLANT_RECIPIENT, "liver_transplant_recipient",
    "the patient is a liver-transplant recipient",
    [AASLD_2023, LT_ICI],
    |a, t| t.flag("liver_transplant_recipient", a.case().drug_safety.liver_transplant_recipient)
);

clinical_predicate!(
    /// Active autoimmune disease needing systemic treatment (IMbrave150 exclusion).
    active_autoimmune_disease, ACTIVE_AUTOIMMUNE_DISEASE, "active_autoimmune_disease",
    "active autoimmune disease needing systemic treatment",
    [IMBRAVE150, ASCO_2024],
    |a, t| {
        let d = a.case().drug_safety.autoimmune_disease;
        t.note("autoimmune_disease", d);
        d == AutoimmuneDisease::ActiveOnSystemicTreatment
    }
);

clinical_predicate!(
    /// Previously documented, inactive autoimmune disease (a caution on checkpoint inhibitors).
    inactive_autoimmune_disease, INACTIVE_AUTOIMMUNE_DISEASE, "inactive_autoimmune_disease",
    "previously documented, inactive autoimmune disease",
    [ASCO_2024],
    |a, t| {
        let d = a.case().drug_safety.autoimmune_disease;
        t.note("autoimmune_disease", d);
        d == AutoimmuneDisease::Inactive
    }
);

clinical_predicate!(
    /// Oesophageal varices not screened by endoscopy in the last 6 months.
    varices_not_screened, VARICES_NOT_SCREENED, "varices_not_screened",
    "oesophageal varices not screened in the last 6 months",
    [IMBRAVE150, ASCO_2024],
    |a, t| {
        let v = a.case().drug_safety.varices;
        t.note("varices", v);
        v == Varices::NotScreened
    }
);

clinical_predicate!(
    /// Untreated high-risk varices or variceal bleeding in the last 6 months.
    high_risk_varices, HIGH_RISK_VARICES, "high_risk_varices",
    "untreated high-risk varices or variceal bleeding in the last 6 months",
    [IMBRAVE150, ASCO_2024],
    |a, t| {
        let v = a.case().drug_safety.varices;
        t.note("varices", v);
        matches!(v, Varices::UntreatedHighRisk | Varices::RecentBleeding)
    }
);

clinical_predicate!(
    /// Brain metastases (a caution before bevacizumab).
    brain_metastases, BRAIN_METASTASES, "brain_metastases",
    "extrahepatic spread to the brain",
    [IMBRAVE150],
    |a, t| t.flag(
        "brain_metastases",
        a.case().recurrence.extrahepatic_sites.contains(ExtrahepaticSite::Brain)
    )
);

clinical_predicate!(
    /// Invasion of the main portal vein (excluded from REFLECT: a caution on lenvatinib).
    main_portal_vein_invasion, MAIN_PORTAL_VEIN_INVASION, "main_portal_vein_invasion",
    "macrovascular invasion of the main portal vein",
    [REFLECT],
    |a, t| {
        let m = a.case().recurrence.macrovascular_invasion;
        t.note("macrovascular_invasion", m);
        m == MacrovascularInvasion::MainPortalVein
    }
);

clinical_predicate!(
    /// ECOG 2: systemic trial evidence is limited to ECOG 0–1.
    ecog_2, ECOG_2, "ecog_2",
    "ECOG performance status 2",
    [ECOG, SHARP, ASCO_2024],
    |a, t| t.compare("ecog", a.ecog(), Cmp::Eq, 2)
);

clinical_predicate!(
    /// Child–Pugh 7 (class B7): systemic trials enrolled class A; a policy may admit B7
    /// (NCCN category 2A).
    child_pugh_7, CHILD_PUGH_7, "child_pugh_7",
    "Child-Pugh score 7",
    [NCCN_HCC, CHILD_PUGH],
    |a, t| t.compare("child_pugh_score", a.child_pugh(), Cmp::Eq, 7)
);

clinical_predicate!(
    /// AFP not measured.
    afp_unknown, AFP_UNKNOWN, "afp_unknown",
    "serum AFP not recorded",
    [REACH_2],
    |a, t| {
        let afp = a.case().recurrence.afp_ng_ml.map(|v| v.get());
        t.note("afp_ng_ml", afp);
        afp.is_none()
    }
);

clinical_predicate!(
    /// Sorafenib was received and whether it was tolerated is not recorded (the most recent
    /// sorafenib entry counts).
    sorafenib_tolerance_unknown, SORAFENIB_TOLERANCE_UNKNOWN, "sorafenib_tolerance_unknown",
    "sorafenib received, tolerance not recorded",
    [RESORCE],
    |a, t| {
        let last = a
            .case()
            .history
            .systemic_regimens
            .as_slice()
            .iter()
            .rev()
            .find(|p| p.regimen == Regimen::Sorafenib);
        t.note("sorafenib_received", last.is_some());
        match last {
            Some(p) => {
                t.note("sorafenib_tolerated", p.tolerated);
                p.tolerated.is_none()
            }
            None => false,
        }
    }
);

clinical_predicate!(
    /// No systemic regimen received yet: first line.
    no_regimen_received, NO_REGIMEN_RECEIVED, "no_regimen_received",
    "no systemic regimen received (first line)",
    [ASCO_2024],
    |a, t| t.compare("regimens_received", a.regimens_received() as u32, Cmp::Eq, 0)
);

clinical_predicate!(
    /// Exactly one systemic regimen received: second line.
    one_regimen_received, ONE_REGIMEN_RECEIVED, "one_regimen_received",
    "exactly one systemic regimen received (second line)",
    [ASCO_2024],
    |a, t| t.compare("regimens_received", a.regimens_received() as u32, Cmp::Eq, 1)
);

clinical_predicate!(
    /// The most recent regimen contains a checkpoint inhibitor.
    last_regimen_checkpoint_inhibitor, LAST_REGIMEN_CHECKPOINT_INHIBITOR, "last_regimen_checkpoint_inhibitor",
    "the most recent regimen contains a checkpoint inhibitor",
    [ASCO_2024],
    |a, t| {
        let last = a.case().history.systemic_regimens.last().map(|p| p.regimen);
        t.note("last_regimen", last);
        last.is_some_and(Regimen::has_checkpoint_inhibitor)
    }
);

clinical_predicate!(
    /// The most recent regimen is durvalumab + tremelimumab (STRIDE).
    last_regimen_stride, LAST_REGIMEN_STRIDE, "last_regimen_stride",
    "the most recent regimen is durvalumab + tremelimumab (STRIDE)",
    [ASCO_2024, HIMALAYA],
    |a, t| {
        let last = a.case().history.systemic_regimens.last().map(|p| p.regimen);
        t.note("last_regimen", last);
        last == Some(Regimen::DurvalumabTremelimumab)
    }
);

clinical_predicate!(
    /// The most recent regimen is sorafenib or lenvatinib.
    last_regimen_sorafenib_or_lenvatinib, LAST_REGIMEN_SORAFENIB_OR_LENVATINIB, "last_regimen_sorafenib_or_lenvatinib",
    "the most recent regimen is sorafenib or lenvatinib",
    [ASCO_2024],
    |a, t| {
        let last = a.case().history.systemic_regimens.last().map(|p| p.regimen);
        t.note("last_regimen", last);
        matches!(last, Some(Regimen::Sorafenib | Regimen::Lenvatinib))
    }
);

clinical_predicate!(
    /// At least one regimen of the current line of therapy remains permitted (not received,
    /// not contraindicated, and from the third line on adding a mechanism class not yet used).
    regimen_available, REGIMEN_AVAILABLE, "regimen_available",
    "at least one regimen of the current line of therapy remains permitted",
    [ASCO_2024],
    |a, t| regimens_permitted_fact(a, t)
);

clinical_predicate!(
    /// Within the Milan criteria (Mazzaferro 1996).
    within_milan, WITHIN_MILAN, "within_milan",
    "within the Milan criteria",
    [MILAN],
    |a, t| t.flag("within_milan", a.scores().within_milan)
);

clinical_predicate!(
    /// Performance status allows referral for liver-transplant evaluation: ECOG ≤ 2 (policy
    /// `transplant_max_ecog`).
    transplant_performance, TRANSPLANT_PERFORMANCE, "transplant_performance",
    "ECOG <= transplant_max_ecog (2)",
    [MILAN, BCLC_2022],
    |a, t| t.compare("ecog", a.ecog(), Cmp::Le, a.policy().transplant_max_ecog)
);

clinical_predicate!(
    /// Liver function allows surgical evaluation for repeat resection: Child–Pugh ≤ 6 (policy
    /// `resection_max_child_pugh`).
    resection_liver_function, RESECTION_LIVER_FUNCTION, "resection_liver_function",
    "Child-Pugh <= resection_max_child_pugh (6)",
    [BCLC_2022, EASL_2018],
    |a, t| t.compare("child_pugh_score", a.child_pugh(), Cmp::Le, a.policy().resection_max_child_pugh)
);

clinical_predicate!(
    /// HBsAg positive (antiviral prophylaxis). False when not tested.
    hbsag_positive, HBSAG_POSITIVE, "hbsag_positive",
    "HBsAg positive; false if not tested",
    [AASLD_2023, EASL_2018],
    |a, t| {
        let h = a.case().drug_safety.hbsag_positive;
        t.note("hbsag_positive", h);
        h == Some(true)
    }
);

clinical_predicate!(
    /// Early recurrence: at most 24 months (policy `early_recurrence_max_months`) from the last
    /// procedure to this recurrence, a sign of aggressive biology.
    early_recurrence, EARLY_RECURRENCE, "early_recurrence",
    "months from the last procedure <= early_recurrence_max_months (24)",
    [BCLC_2022],
    |a, t| t.compare(
        "months_since_last_procedure",
        a.case().history.months_since_last_procedure.get(),
        Cmp::Le,
        a.policy().early_recurrence_max_months
    )
);

/// `multinodular_beyond_up_to_seven`: at least two well-defined (not infiltrative) nodules
/// beyond up-to-seven (the R6 case where BCLC 2022 would still consider TACE, and where TACE
/// with systemic therapy is an option for MDT or trial consideration).
pub fn multinodular_beyond_up_to_seven() -> Expr<Assessment> {
    Expr::named(
        "multinodular_beyond_up_to_seven",
        "two or more nodules, not infiltrative, beyond up-to-seven",
        crate::engine::all([
            single_nodule().not(),
            infiltrative().not(),
            up_to_seven().not(),
        ]),
    )
}

/// Every leaf predicate the option, caution and consideration rules add to those of spec §3.
pub fn option_predicates() -> Vec<Predicate<Assessment>> {
    vec![
        unsafe_ablation_location(),
        pei_size(),
        combination_size(),
        near_tace_refractory(),
        large_single_nodule(),
        albi_decompensation_risk(),
        liver_transplant_recipient(),
        active_autoimmune_disease(),
        inactive_autoimmune_disease(),
        varices_not_screened(),
        high_risk_varices(),
        brain_metastases(),
        main_portal_vein_invasion(),
        ecog_2(),
        child_pugh_7(),
        afp_unknown(),
        sorafenib_tolerance_unknown(),
        no_regimen_received(),
        one_regimen_received(),
        last_regimen_checkpoint_inhibitor(),
        last_regimen_stride(),
        last_regimen_sorafenib_or_lenvatinib(),
        regimen_available(),
        within_milan(),
        transplant_performance(),
        resection_liver_function(),
        hbsag_positive(),
        early_recurrence(),
    ]
}

/// The implications between the leaf predicates of this module that hold for every case under
/// `policy`, for [`engine::check`](crate::engine::check).
///
/// Each is included only when `policy`'s thresholds make it true:
/// - `terminal ⇒ ¬fit_for_intervention` when `terminal_min_ecog ≥ 2` and
///   `terminal_min_child_pugh > intervention_max_child_pugh` (default: ECOG ≥ 3 or Child–Pugh
///   ≥ 10 rules out ECOG ≤ 1 with Child–Pugh ≤ 7);
/// - `terminal ⇒ ¬fit_for_systemic` when `terminal_min_ecog > systemic_max_ecog` and
///   `terminal_min_child_pugh > systemic_max_child_pugh`;
/// - `up_to_seven ⇒ ¬infiltrative` always (up-to-seven is false for infiltrative growth);
/// - `ablation_candidate ∧ ¬infiltrative ⇒ up_to_seven` when `ablation_max_diameter_mm +
///   10 × ablation_max_nodules ≤ up_to_seven_limit` (default 30 + 30 ≤ 70).
///
/// The list is sound (checked against the boundary grid in the tests), not necessarily
/// complete: [`engine::check`](crate::engine::check) reports combinations no witness realises.
///
/// ```
/// use hcc_pathways::{predicates::implications, Policy};
/// let text: Vec<String> = implications(&Policy::default()).iter().map(|i| i.to_string()).collect();
/// assert!(text.contains(&"terminal ⇒ ¬fit_for_intervention".to_string()));
/// // A policy that calls ECOG 1 terminal drops the first two.
/// let odd = Policy { terminal_min_ecog: 1, ..Policy::default() };
/// assert_eq!(implications(&odd).len(), 2);
/// ```
pub fn implications(policy: &crate::Policy) -> Vec<crate::engine::Implication> {
    use crate::engine::Implication;
    let p = policy;
    let mut out = Vec::with_capacity(4);
    if p.terminal_min_ecog >= 2 && p.terminal_min_child_pugh > p.intervention_max_child_pugh {
        out.push(Implication::new(
            "terminal",
            true,
            "fit_for_intervention",
            false,
        ));
    }
    if p.terminal_min_ecog > p.systemic_max_ecog
        && p.terminal_min_child_pugh > p.systemic_max_child_pugh
    {
        out.push(Implication::new(
            "terminal",
            true,
            "fit_for_systemic",
            false,
        ));
    }
    out.push(Implication::new("up_to_seven", true, "infiltrative", false));
    let ablation_sum =
        u32::from(p.ablation_max_diameter_mm) + 10 * u32::from(p.ablation_max_nodules);
    if ablation_sum <= u32::from(p.up_to_seven_limit) {
        out.push(Implication::all(
            &[("ablation_candidate", true), ("infiltrative", false)],
            ("up_to_seven", true),
        ));
    }
    out
}
