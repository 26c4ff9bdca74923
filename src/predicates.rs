//! The clinical predicates of spec §3, as named, sourced leaves over an [`Assessment`].
//!
//! Each function returns a handle to one shared predicate, so rule sets can combine them freely
//! (a rule set rejects two *different* predicates under one id). Thresholds come from the
//! [`Policy`](crate::Policy) inside the assessment.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::case::{GoalsOfCare, MacrovascularInvasion};
use crate::engine::{Cmp, Expr, Predicate, Trace};
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
    |a, t| {
        let ih = &a.case().recurrence.intrahepatic;
        let p = a.policy();
        let n = ih.nodules.get();
        let count_ok = t.compare("nodules", n, Cmp::Le, u16::from(p.ablation_max_nodules)) && n >= 1;
        let size_ok = match ih.largest_diameter_mm {
            Some(d) => t.compare("largest_diameter_mm", d.get(), Cmp::Le, p.ablation_max_diameter_mm),
            None => {
                t.note("largest_diameter_mm", None::<u16>);
                false
            }
        };
        count_ok && size_ok
    }
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
    /// third line on, ECOG ≤ 1 and Child–Pugh ≤ 6.
    fit_for_systemic, FIT_FOR_SYSTEMIC, "fit_for_systemic",
    "ECOG <= systemic_max_ecog (2) and Child-Pugh <= systemic_max_child_pugh (6); after >= 2 regimens ECOG <= 1 and Child-Pugh <= 6",
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
        ecog_ok && cp_ok && later_ok
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
