//! The clinical predicates: the facts of spec §3 and those the option, caution and
//! consideration rules of §6–§7 read, as named, sourced leaves over an [`Assessment`].
//!
//! Each function returns a handle to one shared predicate, so rule sets can combine them freely
//! (a rule set rejects two *different* predicates under one id). Every threshold comes from the
//! [`Policy`] inside the assessment, and every fact compared with one names the
//! setting (`up_to_seven_sum = 90 ≤ up_to_seven_limit = 110`). Descriptions are templates:
//! `{up_to_seven_limit}` shows the policy's value wherever the description is displayed.
//!
//! Predicates that read a decision made earlier (the pathway rule, the line of therapy, the
//! eligible regimens) live with that decision, in [`crate::pathway`] and the systemic-therapy
//! rules.

use crate::assessment::Assessment;
use crate::case::{
    AutoimmuneDisease, ExtrahepaticSite, GoalsOfCare, MacrovascularInvasion, Procedure, Regimen,
    Varices,
};
use crate::engine::{all, Cmp, Expr, Implication, Predicate, Trace};
use crate::policy::{Policy, Setting};
use crate::scores::{AlbiGrade, MalbiGrade};
use crate::sources::*;

/// A clinical predicate over an [`Assessment`](crate::Assessment): a shared, sourced leaf
/// built once, handed out by a function of the same name. The description is a template
/// ([`crate::text`]): `{setting}` shows the policy's value.
macro_rules! clinical_predicate {
    ($(#[$m:meta])* $name:ident, $static:ident, $id:literal, $descr:literal, [$($src:expr),+ $(,)?], |$a:ident, $t:ident| $body:expr) => {
        static $static: std::sync::LazyLock<Predicate<Assessment>> =
            std::sync::LazyLock::new(|| {
                Predicate::new(
                    $id,
                    $descr,
                    &[$($src),+],
                    |$a: &Assessment, $t: &mut Trace| $body,
                )
            });

        $(#[$m])*
        #[doc = ""]
        #[doc = concat!("Id `", $id, "`: ", $descr, ".")]
        pub fn $name() -> Predicate<Assessment> {
            $static.clone()
        }
    };
}

/// Compares a fact with a policy setting, naming both in the recorded fact.
#[inline]
fn against<T>(t: &mut Trace, fact: &'static str, value: T, cmp: Cmp, s: Setting, th: T) -> bool
where
    T: PartialOrd + Into<crate::engine::Value> + Copy,
{
    t.compare_setting(fact, value, cmp, s.name(), th)
}

/// Compares the largest diameter with a setting; false (recorded as unknown) when the diameter
/// is unknown, the conservative reading for every size criterion.
fn largest_diameter(a: &Assessment, t: &mut Trace, cmp: Cmp, s: Setting) -> bool {
    match a.case().recurrence.intrahepatic.largest_diameter_mm {
        Some(d) => {
            let th = u16::try_from(a.policy().get(s)).unwrap_or(u16::MAX);
            against(t, "largest_diameter_mm", d.get(), cmp, s, th)
        }
        None => {
            t.note("largest_diameter_mm", None::<u16>);
            false
        }
    }
}

/// 1 to `max_nodules` nodules with the largest at most `max_mm` (the ablation and the
/// TACE-plus-ablation criteria, which differ only in their settings).
fn few_nodules_within(
    a: &Assessment,
    t: &mut Trace,
    max_nodules: Setting,
    max_mm: Setting,
) -> bool {
    let n = a.case().recurrence.intrahepatic.nodules.get();
    let th = u16::try_from(a.policy().get(max_nodules)).unwrap_or(u16::MAX);
    let count_ok = against(t, "nodules", n, Cmp::Le, max_nodules, th) && n >= 1;
    // Both are read (and recorded) whatever the count, as the explanation lists every fact.
    let size_ok = largest_diameter(a, t, Cmp::Le, max_mm);
    count_ok && size_ok
}

/// ECOG 0, or ECOG 1 to `max` with an impairment not caused by the cancer (comorbidity).
fn performance_acceptable(a: &Assessment, t: &mut Trace, max: Setting) -> bool {
    let ecog = a.ecog();
    let within = against(
        t,
        "ecog",
        ecog,
        Cmp::Le,
        max,
        u8::try_from(a.policy().get(max)).unwrap_or(0),
    );
    if ecog == 0 {
        return true;
    }
    let related = a.cancer_related();
    t.note("cancer_related", related);
    within && related == Some(false)
}

// ---------------------------------------------------------------------------------------------
// Spec §3: the predicates of the pathway table.
// ---------------------------------------------------------------------------------------------

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
    /// Poor performance status (BCLC D).
    terminal_performance_status, TERMINAL_PERFORMANCE_STATUS, "terminal_performance_status",
    "ECOG >= {terminal_min_ecog}",
    [BCLC_2022, ECOG],
    |a, t| against(t, "ecog", a.ecog(), Cmp::Ge, Setting::TerminalMinEcog, a.policy().terminal_min_ecog)
);

clinical_predicate!(
    /// End-stage liver function (Child–Pugh class C, BCLC D).
    terminal_liver_function, TERMINAL_LIVER_FUNCTION, "terminal_liver_function",
    "Child-Pugh >= {terminal_min_child_pugh}",
    [BCLC_2022, CHILD_PUGH],
    |a, t| against(t, "child_pugh_score", a.child_pugh(), Cmp::Ge, Setting::TerminalMinChildPugh, a.policy().terminal_min_child_pugh)
);

/// `terminal`: poor performance status or end-stage liver function (BCLC D).
pub fn terminal() -> Expr<Assessment> {
    Expr::named(
        "terminal",
        "ECOG >= {terminal_min_ecog} or Child-Pugh >= {terminal_min_child_pugh} (BCLC D)",
        terminal_performance_status().or(terminal_liver_function()),
    )
}

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
        r.macrovascular_invasion != MacrovascularInvasion::Absent || sites > 0
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
    /// Within up-to-seven: largest mm + 10 × nodules ≤ the limit; false when infiltrative or the
    /// diameter is unknown.
    up_to_seven, UP_TO_SEVEN, "up_to_seven",
    "largest mm + 10 x nodules <= {up_to_seven_limit}; false if infiltrative or the diameter is unknown",
    [UP_TO_7],
    |a, t| match a.up_to_seven_sum() {
        Some(sum) => against(t, "up_to_seven_sum", sum, Cmp::Le, Setting::UpToSevenLimit, u32::from(a.policy().up_to_seven_limit)),
        None => {
            t.note("up_to_seven_sum", None::<u32>);
            false
        }
    }
);

clinical_predicate!(
    /// Ablation candidate: a few small nodules (policy thresholds).
    ablation_candidate, ABLATION_CANDIDATE, "ablation_candidate",
    "1 to {ablation_max_nodules} nodules, largest <= {ablation_max_diameter_mm} mm",
    [INASL_2019, NCCN_HCC],
    |a, t| few_nodules_within(a, t, Setting::AblationMaxNodules, Setting::AblationMaxDiameterMm)
);

clinical_predicate!(
    /// TACE refractory (JSH-LCSGJ 2014): repeated insufficient response, repeated intrahepatic
    /// progression, or AFP rising continuously right after TACE. The facts name the criterion
    /// that fired.
    tace_refractory, TACE_REFRACTORY, "tace_refractory",
    "insufficient responses >= {refractory_insufficient_responses}, or intrahepatic progressions >= {refractory_intrahepatic_progressions}, or AFP rising right after TACE (when refractory_on_afp_rise)",
    [JSH_2014],
    |a, t| {
        let h = &a.case().history;
        let p = a.policy();
        let by_response = against(t, "tace_insufficient_responses", h.tace_insufficient_responses.get(),
            Cmp::Ge, Setting::RefractoryInsufficientResponses, p.refractory_insufficient_responses);
        let by_progression = against(t, "tace_intrahepatic_progressions", h.tace_intrahepatic_progressions.get(),
            Cmp::Ge, Setting::RefractoryIntrahepaticProgressions, p.refractory_intrahepatic_progressions);
        let rising = t.flag("afp_rising_after_tace", h.afp_rising_after_tace);
        let counts = t.flag("refractory_on_afp_rise", p.refractory_on_afp_rise);
        by_response || by_progression || (rising && counts)
    }
);

/// `tace_excluded`: TACE is ruled out (today: TACE refractory, JSH 2014).
pub fn tace_excluded() -> Expr<Assessment> {
    Expr::named(
        "tace_excluded",
        "TACE is ruled out: TACE refractory (JSH 2014)",
        tace_refractory().expr(),
    )
}

clinical_predicate!(
    /// Child–Pugh above the limit for a repeat intervention.
    child_pugh_above_intervention_limit, CHILD_PUGH_ABOVE_INTERVENTION_LIMIT, "child_pugh_above_intervention_limit",
    "Child-Pugh > {intervention_max_child_pugh}",
    [BCLC_2022, EASL_2018],
    |a, t| against(t, "child_pugh_score", a.child_pugh(), Cmp::Gt, Setting::InterventionMaxChildPugh, a.policy().intervention_max_child_pugh)
);

clinical_predicate!(
    /// Performance status impaired by the cancer (ECOG 1–2, cancer-related): BCLC 2022 upstages it.
    cancer_related_impairment, CANCER_RELATED_IMPAIRMENT, "cancer_related_impairment",
    "ECOG 1-2 with a cancer-related impairment",
    [BCLC_2022],
    |a, t| {
        t.note("ecog", a.ecog());
        let related = a.cancer_related();
        if related.is_some() {
            t.note("cancer_related", related);
        }
        related == Some(true)
    }
);

clinical_predicate!(
    /// ECOG above the highest a repeat intervention admits.
    ecog_above_intervention_limit, ECOG_ABOVE_INTERVENTION_LIMIT, "ecog_above_intervention_limit",
    "ECOG > {intervention_max_ecog}",
    [BCLC_2022],
    |a, t| against(t, "ecog", a.ecog(), Cmp::Gt, Setting::InterventionMaxEcog, a.policy().intervention_max_ecog)
);

/// `fit_for_intervention`: Child–Pugh within the limit, and ECOG 0 or an impairment up to the
/// ECOG limit that is not cancer-related (BCLC 2022; EASL 2018).
pub fn fit_for_intervention() -> Expr<Assessment> {
    Expr::named(
        "fit_for_intervention",
        "Child-Pugh <= {intervention_max_child_pugh}, ECOG <= {intervention_max_ecog} and any impairment not cancer-related",
        all([
            child_pugh_above_intervention_limit().not(),
            cancer_related_impairment().not(),
            ecog_above_intervention_limit().not(),
        ]),
    )
}

clinical_predicate!(
    /// Fit for systemic therapy: ECOG and Child–Pugh within the policy's limits (stricter from
    /// the third line on), and at least one regimen of the current line eligible (spec §3 and
    /// §7: when nothing remains there is no supported further line). It reads the eligible
    /// regimens decided once for the case. Evaluating it allocates nothing.
    fit_for_systemic, FIT_FOR_SYSTEMIC, "fit_for_systemic",
    "ECOG <= {systemic_max_ecog} and Child-Pugh <= {systemic_max_child_pugh}; after >= {later_line_from_regimens} regimens ECOG <= {later_line_max_ecog} and Child-Pugh <= {later_line_max_child_pugh}; and at least one regimen of the current line eligible",
    [BCLC_2022, SHARP, ASCO_2024, NCCN_HCC],
    |a, t| {
        let p = a.policy();
        let ecog_ok = against(t, "ecog", a.ecog(), Cmp::Le, Setting::SystemicMaxEcog, p.systemic_max_ecog);
        let cp_ok = against(t, "child_pugh_score", a.child_pugh(), Cmp::Le, Setting::SystemicMaxChildPugh, p.systemic_max_child_pugh);
        let received = a.regimens_received() as u32;
        let later = against(t, "regimens_received", received, Cmp::Ge, Setting::LaterLineFromRegimens, u32::from(p.later_line_from_regimens));
        let later_ok = !later || {
            let e = against(t, "ecog", a.ecog(), Cmp::Le, Setting::LaterLineMaxEcog, p.later_line_max_ecog);
            let c = against(t, "child_pugh_score", a.child_pugh(), Cmp::Le, Setting::LaterLineMaxChildPugh, p.later_line_max_child_pugh);
            e && c
        };
        t.note("line_of_therapy", a.line());
        let eligible = a.permitted_regimens().len() as u32;
        let available = t.compare("regimens_eligible", eligible, Cmp::Ge, 1);
        ecog_ok && cp_ok && later_ok && available
    }
);

/// `limited_intrahepatic`: not infiltrative, and a single nodule or within up-to-seven
/// (BCLC 2022; beyond up-to-seven, multinodular disease is TACE-unsuitable, Kudo 2020).
pub fn limited_intrahepatic() -> Expr<Assessment> {
    Expr::named(
        "limited_intrahepatic",
        "not infiltrative, and a single nodule or within up-to-seven",
        infiltrative().not().and(single_nodule().or(up_to_seven())),
    )
}

/// `locally_treatable`: limited intrahepatic disease, and TACE not excluded or an ablation
/// candidate (refractoriness rules out TACE, not ablation).
pub fn locally_treatable() -> Expr<Assessment> {
    Expr::named(
        "locally_treatable",
        "limited intrahepatic disease, and TACE not excluded or an ablation candidate",
        limited_intrahepatic().and(tace_excluded().not().or(ablation_candidate())),
    )
}

/// `multinodular_beyond_up_to_seven`: at least two well-defined (not infiltrative) nodules
/// beyond up-to-seven: TACE-unsuitable (Kudo 2020), yet BCLC 2022 would consider TACE for
/// well-defined nodules with preserved portal flow.
pub fn multinodular_beyond_up_to_seven() -> Expr<Assessment> {
    Expr::named(
        "multinodular_beyond_up_to_seven",
        "two or more nodules, not infiltrative, beyond up-to-seven",
        all([
            single_nodule().not(),
            infiltrative().not(),
            up_to_seven().not(),
        ]),
    )
}

// ---------------------------------------------------------------------------------------------
// Spec §6: the procedure lines, their cautions, and the cross-cutting considerations.
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
    /// Small enough for PEI alone; false when the diameter is unknown.
    pei_size, PEI_SIZE, "pei_size",
    "largest <= {pei_max_diameter_mm} mm; false if the diameter is unknown",
    [INASL_2019],
    |a, t| largest_diameter(a, t, Cmp::Le, Setting::PeiMaxDiameterMm)
);

clinical_predicate!(
    /// Within reach of TACE combined with ablation (its own nodule count, independent of the
    /// ablation count).
    combination_size, COMBINATION_SIZE, "combination_size",
    "1 to {combination_max_nodules} nodules, largest <= {combination_max_diameter_mm} mm",
    [PENG_2013, PENG_2012],
    |a, t| few_nodules_within(a, t, Setting::CombinationMaxNodules, Setting::CombinationMaxDiameterMm)
);

clinical_predicate!(
    /// One step from TACE refractoriness: TACE or TAE was received and a TACE counter stands at
    /// its threshold − 1 (one more event meets it; the counters are not added together).
    near_tace_refractory, NEAR_TACE_REFRACTORY, "near_tace_refractory",
    "TACE or TAE received, and insufficient responses = {refractory_insufficient_responses-1} or intrahepatic progressions = {refractory_intrahepatic_progressions-1}",
    [JSH_2014],
    |a, t| {
        let h = &a.case().history;
        let p = a.policy();
        let had_tace = h.procedures.contains(Procedure::Tace) || h.procedures.contains(Procedure::Tae);
        t.note("tace_or_tae_received", had_tace);
        let by_response = t.compare_setting("tace_insufficient_responses", h.tace_insufficient_responses.get(),
            Cmp::Eq, "refractory_insufficient_responses - 1", p.refractory_insufficient_responses.saturating_sub(1));
        let by_progression = t.compare_setting("tace_intrahepatic_progressions", h.tace_intrahepatic_progressions.get(),
            Cmp::Eq, "refractory_intrahepatic_progressions - 1", p.refractory_intrahepatic_progressions.saturating_sub(1));
        had_tace && (by_response || by_progression)
    }
);

clinical_predicate!(
    /// A single large nodule: EASL's relative contraindication to TACE.
    large_single_nodule, LARGE_SINGLE_NODULE, "large_single_nodule",
    "exactly one nodule and largest >= {tace_caution_diameter_mm} mm",
    [EASL_2018],
    |a, t| {
        let single = t.compare("nodules", a.case().recurrence.intrahepatic.nodules.get(), Cmp::Eq, 1);
        let large = largest_diameter(a, t, Cmp::Ge, Setting::TaceCautionDiameterMm);
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
    /// Performance status impaired by comorbidity, not by the cancer (ECOG 1–2): fitness for the
    /// procedure and anaesthesia is confirmed at the MDT.
    comorbidity_impairment, COMORBIDITY_IMPAIRMENT, "comorbidity_impairment",
    "ECOG 1-2 with an impairment not caused by the cancer",
    [BCLC_2022],
    |a, t| {
        t.note("ecog", a.ecog());
        let related = a.cancer_related();
        if related.is_some() {
            t.note("cancer_related", related);
        }
        related == Some(false)
    }
);

clinical_predicate!(
    /// ECOG 2: outside the trial populations of TACE and of systemic therapy (ECOG 0–1).
    ecog_2, ECOG_2, "ecog_2",
    "ECOG performance status 2",
    [ECOG, SHARP, ASCO_2024],
    |a, t| t.compare("ecog", a.ecog(), Cmp::Eq, 2)
);

clinical_predicate!(
    /// Child–Pugh between the intervention limit and end-stage (class B above the limit): the
    /// MDT may weigh ablation without refractory ascites.
    child_pugh_beyond_intervention_not_terminal, CHILD_PUGH_BEYOND_INTERVENTION_NOT_TERMINAL, "child_pugh_beyond_intervention_not_terminal",
    "Child-Pugh {intervention_max_child_pugh+1} to {terminal_min_child_pugh-1}",
    [BCLC_2022, EASL_2018],
    |a, t| {
        let p = a.policy();
        let above = against(t, "child_pugh_score", a.child_pugh(), Cmp::Gt, Setting::InterventionMaxChildPugh, p.intervention_max_child_pugh);
        let below = against(t, "child_pugh_score", a.child_pugh(), Cmp::Lt, Setting::TerminalMinChildPugh, p.terminal_min_child_pugh);
        above && below
    }
);

clinical_predicate!(
    /// Within the Milan criteria (Mazzaferro 1996).
    within_milan, WITHIN_MILAN, "within_milan",
    "within the Milan criteria",
    [MILAN],
    |a, t| t.flag("within_milan", a.scores().within_milan)
);

clinical_predicate!(
    /// Performance status acceptable for referral to liver-transplant evaluation: ECOG 0, or an
    /// impairment up to the policy's ECOG that is not cancer-related.
    transplant_performance, TRANSPLANT_PERFORMANCE, "transplant_performance",
    "ECOG <= {transplant_max_ecog} and any impairment not cancer-related",
    [MILAN, BCLC_2022],
    |a, t| performance_acceptable(a, t, Setting::TransplantMaxEcog)
);

clinical_predicate!(
    /// Performance status acceptable for surgical evaluation of repeat resection: ECOG 0, or an
    /// impairment up to the policy's ECOG that is not cancer-related.
    resection_performance, RESECTION_PERFORMANCE, "resection_performance",
    "ECOG <= {resection_max_ecog} and any impairment not cancer-related",
    [BCLC_2022, EASL_2018],
    |a, t| performance_acceptable(a, t, Setting::ResectionMaxEcog)
);

clinical_predicate!(
    /// Liver function allows surgical evaluation for repeat resection.
    resection_liver_function, RESECTION_LIVER_FUNCTION, "resection_liver_function",
    "Child-Pugh <= {resection_max_child_pugh}",
    [BCLC_2022, EASL_2018],
    |a, t| against(t, "child_pugh_score", a.child_pugh(), Cmp::Le, Setting::ResectionMaxChildPugh, a.policy().resection_max_child_pugh)
);

clinical_predicate!(
    /// AFP above the transplant caution threshold; false when AFP is unknown.
    afp_above_transplant_caution, AFP_ABOVE_TRANSPLANT_CAUTION, "afp_above_transplant_caution",
    "AFP > {transplant_caution_afp_ng_ml} ng/mL; false if AFP is unknown",
    [OPTN_HCC],
    |a, t| match a.case().recurrence.afp_ng_ml {
        Some(afp) => against(t, "afp_ng_ml", afp.get(), Cmp::Gt, Setting::TransplantCautionAfpNgMl, f64::from(a.policy().transplant_caution_afp_ng_ml)),
        None => {
            t.note("afp_ng_ml", None::<f64>);
            false
        }
    }
);

clinical_predicate!(
    /// HBsAg positive: antiviral therapy. False when not tested.
    hbsag_positive, HBSAG_POSITIVE, "hbsag_positive",
    "HBsAg positive; false if not tested",
    [AASLD_HBV_2018, EASL_HBV_2017],
    |a, t| {
        let h = a.case().drug_safety.hbsag_positive;
        t.note("hbsag_positive", h);
        h == Some(true)
    }
);

clinical_predicate!(
    /// Early recurrence: soon after the last procedure, a sign of aggressive biology.
    early_recurrence, EARLY_RECURRENCE, "early_recurrence",
    "months from the last procedure <= {early_recurrence_max_months}",
    [BCLC_2022],
    |a, t| against(t, "months_since_last_procedure", a.case().history.months_since_last_procedure.get(),
        Cmp::Le, Setting::EarlyRecurrenceMaxMonths, a.policy().early_recurrence_max_months)
);

clinical_predicate!(
    /// Spread to bone: radiotherapy for painful or threatening bone metastases.
    bone_metastases, BONE_METASTASES, "bone_metastases",
    "extrahepatic spread to bone",
    [ESMO_2025],
    |a, t| t.flag(
        "bone_metastases",
        a.case().recurrence.extrahepatic_sites.contains(ExtrahepaticSite::Bone)
    )
);

clinical_predicate!(
    /// Spread to the brain: neurosurgical or stereotactic radiotherapy evaluation, and a caution
    /// before bevacizumab.
    brain_metastases, BRAIN_METASTASES, "brain_metastases",
    "extrahepatic spread to the brain",
    [IMBRAVE150, ESMO_2025],
    |a, t| t.flag(
        "brain_metastases",
        a.case().recurrence.extrahepatic_sites.contains(ExtrahepaticSite::Brain)
    )
);

// ---------------------------------------------------------------------------------------------
// Spec §7: drug safety and the regimen history.
// ---------------------------------------------------------------------------------------------

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
    /// Child–Pugh 7 (class B7): the systemic trials enrolled class A.
    child_pugh_7, CHILD_PUGH_7, "child_pugh_7",
    "Child-Pugh score 7 (class B7)",
    [NCCN_HCC, CHILD_PUGH],
    |a, t| t.compare("child_pugh_score", a.child_pugh(), Cmp::Eq, 7)
);

clinical_predicate!(
    /// The policy admits Child–Pugh 7 to systemic therapy (NCCN category 2A).
    policy_admits_child_pugh_7, POLICY_ADMITS_CHILD_PUGH_7, "policy_admits_child_pugh_7",
    "the policy admits Child-Pugh 7 to systemic therapy (systemic_max_child_pugh = {systemic_max_child_pugh})",
    [NCCN_HCC],
    |a, t| {
        let max = a.policy().systemic_max_child_pugh;
        t.note("systemic_max_child_pugh", max);
        max >= 7
    }
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
    /// AFP measured and below the ramucirumab threshold.
    afp_below_ramucirumab_threshold, AFP_BELOW_RAMUCIRUMAB_THRESHOLD, "afp_below_ramucirumab_threshold",
    "AFP < {ramucirumab_min_afp_ng_ml} ng/mL; false if AFP is unknown",
    [REACH_2, ASCO_2024],
    |a, t| match a.case().recurrence.afp_ng_ml {
        Some(afp) => against(t, "afp_ng_ml", afp.get(), Cmp::Lt, Setting::RamucirumabMinAfpNgMl, f64::from(a.policy().ramucirumab_min_afp_ng_ml)),
        None => {
            t.note("afp_ng_ml", None::<f64>);
            false
        }
    }
);

/// The most recent sorafenib entry of the history (its tolerance is what counts).
fn last_sorafenib(a: &Assessment, t: &mut Trace) -> Option<Option<bool>> {
    let last = a
        .case()
        .history
        .systemic_regimens
        .as_slice()
        .iter()
        .rev()
        .find(|p| p.regimen == Regimen::Sorafenib)
        .map(|p| p.tolerated);
    t.note("sorafenib_received", last.is_some());
    if let Some(tolerated) = last {
        t.note("sorafenib_tolerated", tolerated);
    }
    last
}

clinical_predicate!(
    /// Sorafenib was received.
    sorafenib_received, SORAFENIB_RECEIVED, "sorafenib_received",
    "sorafenib received",
    [RESORCE],
    |a, t| last_sorafenib(a, t).is_some()
);

clinical_predicate!(
    /// The most recent sorafenib was recorded as not tolerated.
    sorafenib_not_tolerated, SORAFENIB_NOT_TOLERATED, "sorafenib_not_tolerated",
    "sorafenib received and (most recently) recorded as not tolerated",
    [RESORCE],
    |a, t| last_sorafenib(a, t) == Some(Some(false))
);

clinical_predicate!(
    /// Sorafenib was received and whether it was tolerated is not recorded (the most recent
    /// sorafenib entry counts).
    sorafenib_tolerance_unknown, SORAFENIB_TOLERANCE_UNKNOWN, "sorafenib_tolerance_unknown",
    "sorafenib received, tolerance (most recently) not recorded",
    [RESORCE],
    |a, t| last_sorafenib(a, t) == Some(None)
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
    /// Within the prior lines CELESTIAL admitted: cabozantinib is offered as such.
    within_cabozantinib_prior_limit, WITHIN_CABOZANTINIB_PRIOR_LIMIT, "within_cabozantinib_prior_limit",
    "regimens received <= {cabozantinib_max_prior_regimens}",
    [CELESTIAL],
    |a, t| against(t, "regimens_received", a.regimens_received() as u32, Cmp::Le,
        Setting::CabozantinibMaxPriorRegimens, u32::from(a.policy().cabozantinib_max_prior_regimens))
);

clinical_predicate!(
    /// Performance status and liver function of the TACE-with-systemic-therapy trials.
    tace_systemic_fitness, TACE_SYSTEMIC_FITNESS, "tace_systemic_fitness",
    "ECOG <= {tace_systemic_max_ecog} and Child-Pugh <= {tace_systemic_max_child_pugh}",
    [EMERALD_1, LEAP_012],
    |a, t| {
        let p = a.policy();
        let e = against(t, "ecog", a.ecog(), Cmp::Le, Setting::TaceSystemicMaxEcog, p.tace_systemic_max_ecog);
        let c = against(t, "child_pugh_score", a.child_pugh(), Cmp::Le, Setting::TaceSystemicMaxChildPugh, p.tace_systemic_max_child_pugh);
        e && c
    }
);

/// `checkpoint_inhibitor_allowed`: not a liver-transplant recipient and no active autoimmune
/// disease (the trials of TACE with systemic therapy used checkpoint inhibitors).
pub fn checkpoint_inhibitor_allowed() -> Expr<Assessment> {
    Expr::named(
        "checkpoint_inhibitor_allowed",
        "not a liver-transplant recipient and no active autoimmune disease",
        all([
            liver_transplant_recipient().not(),
            active_autoimmune_disease().not(),
        ]),
    )
}

/// The implications between the leaf predicates of this module that hold for every case under
/// `policy`, for [`engine::check`](crate::engine::check): each is included only when the
/// policy's thresholds make it true. The list is sound (witnesses from the boundary grid are
/// checked against it in the tests), not necessarily complete.
///
/// ```
/// use hcc_pathways::{predicates::implications, Policy};
/// let text: Vec<String> = implications(&Policy::default()).iter().map(|i| i.to_string()).collect();
/// assert!(text.contains(&"terminal_performance_status ⇒ ecog_above_intervention_limit".to_string()));
/// // A policy that calls ECOG 2 terminal while ECOG 2 may be fit for a procedure drops it.
/// let odd = Policy { terminal_min_ecog: 2, ..Policy::default() };
/// assert!(!implications(&odd).iter().any(|i| i.antecedent() == [("terminal_performance_status", true)]
///     && i.consequent() == ("ecog_above_intervention_limit", true)));
/// ```
pub fn implications(policy: &Policy) -> Vec<Implication> {
    let p = policy;
    let mut out = Vec::with_capacity(24);
    let imp = |a: &'static str, av: bool, b: &'static str, bv: bool| Implication::new(a, av, b, bv);
    if p.terminal_min_ecog > p.intervention_max_ecog {
        out.push(imp(
            "terminal_performance_status",
            true,
            "ecog_above_intervention_limit",
            true,
        ));
    }
    if p.terminal_min_child_pugh > p.intervention_max_child_pugh {
        out.push(imp(
            "terminal_liver_function",
            true,
            "child_pugh_above_intervention_limit",
            true,
        ));
    }
    // Terminal ⇒ not fit for systemic therapy, unless it follows from the two links through
    // the intervention limits declared below (a list without redundant members).
    let ecog_chain = p.terminal_min_ecog > p.intervention_max_ecog
        && p.systemic_max_ecog <= p.intervention_max_ecog;
    if p.terminal_min_ecog > p.systemic_max_ecog && !ecog_chain {
        out.push(imp(
            "terminal_performance_status",
            true,
            "fit_for_systemic",
            false,
        ));
    }
    let child_pugh_chain = p.terminal_min_child_pugh > p.intervention_max_child_pugh
        && p.systemic_max_child_pugh <= p.intervention_max_child_pugh;
    if p.terminal_min_child_pugh > p.systemic_max_child_pugh && !child_pugh_chain {
        out.push(imp(
            "terminal_liver_function",
            true,
            "fit_for_systemic",
            false,
        ));
    }
    // A cancer-related impairment is ECOG 1–2 (it excludes ECOG above a limit of 2 directly, or
    // through terminal performance status when that starts right above the limit).
    let above_is_terminal = p.terminal_min_ecog <= p.intervention_max_ecog.saturating_add(1);
    if p.terminal_min_ecog >= 3 {
        out.push(imp(
            "terminal_performance_status",
            true,
            "cancer_related_impairment",
            false,
        ));
    }
    if above_is_terminal {
        out.push(imp(
            "ecog_above_intervention_limit",
            true,
            "terminal_performance_status",
            true,
        ));
    }
    if p.intervention_max_ecog >= 2 && !(above_is_terminal && p.terminal_min_ecog >= 3) {
        out.push(imp(
            "cancer_related_impairment",
            true,
            "ecog_above_intervention_limit",
            false,
        ));
    }
    if p.systemic_max_child_pugh <= p.intervention_max_child_pugh {
        out.push(imp(
            "fit_for_systemic",
            true,
            "child_pugh_above_intervention_limit",
            false,
        ));
    }
    if p.systemic_max_ecog <= p.intervention_max_ecog {
        out.push(imp(
            "fit_for_systemic",
            true,
            "ecog_above_intervention_limit",
            false,
        ));
    }
    out.push(imp("up_to_seven", true, "infiltrative", false));
    let ablation_sum =
        u32::from(p.ablation_max_diameter_mm) + 10 * u32::from(p.ablation_max_nodules);
    if ablation_sum <= u32::from(p.up_to_seven_limit) {
        out.push(Implication::all(
            &[("ablation_candidate", true), ("infiltrative", false)],
            ("up_to_seven", true),
        ));
    }
    out.push(imp(
        "child_pugh_beyond_intervention_not_terminal",
        true,
        "child_pugh_above_intervention_limit",
        true,
    ));
    // A cancer-related impairment is ECOG 1-2; comorbidity is its opposite.
    out.push(imp(
        "cancer_related_impairment",
        true,
        "comorbidity_impairment",
        false,
    ));
    // The regimen history.
    out.push(imp(
        "sorafenib_not_tolerated",
        true,
        "sorafenib_received",
        true,
    ));
    out.push(imp(
        "sorafenib_tolerance_unknown",
        true,
        "sorafenib_received",
        true,
    ));
    out.push(imp(
        "sorafenib_not_tolerated",
        true,
        "sorafenib_tolerance_unknown",
        false,
    ));
    out.push(imp(
        "no_regimen_received",
        true,
        "one_regimen_received",
        false,
    ));
    out.push(imp(
        "no_regimen_received",
        true,
        "sorafenib_received",
        false,
    ));
    out.push(imp(
        "last_regimen_stride",
        true,
        "last_regimen_checkpoint_inhibitor",
        true,
    ));
    out.push(imp(
        "last_regimen_stride",
        true,
        "last_regimen_sorafenib_or_lenvatinib",
        false,
    ));
    out.push(imp(
        "last_regimen_checkpoint_inhibitor",
        true,
        "last_regimen_sorafenib_or_lenvatinib",
        false,
    ));
    for last in [
        "last_regimen_stride",
        "last_regimen_checkpoint_inhibitor",
        "last_regimen_sorafenib_or_lenvatinib",
    ] {
        out.push(imp(last, true, "no_regimen_received", false));
    }
    // AFP.
    out.push(imp(
        "afp_below_ramucirumab_threshold",
        true,
        "afp_unknown",
        false,
    ));
    out.push(imp(
        "afp_above_transplant_caution",
        true,
        "afp_unknown",
        false,
    ));
    // Varices and autoimmune disease are each one value.
    out.push(imp(
        "high_risk_varices",
        true,
        "varices_not_screened",
        false,
    ));
    out.push(imp(
        "active_autoimmune_disease",
        true,
        "inactive_autoimmune_disease",
        false,
    ));
    out
}
