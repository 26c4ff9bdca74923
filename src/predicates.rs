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
use crate::engine::{all, Cmp, Expr, Implication, Literal, Predicate, Trace, Truth};
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

// The JSON paths of the facts a predicate may find unknown (spec §8).
const ECOG_PATH: &str = "performance_status.ecog";
const CANCER_RELATED_PATH: &str = "performance_status.cancer_related";
const GOALS_PATH: &str = "goals_of_care";
const NODULES_PATH: &str = "recurrence.intrahepatic.nodules";
const DIAMETER_PATH: &str = "recurrence.intrahepatic.largest_diameter_mm";
const INFILTRATIVE_PATH: &str = "recurrence.intrahepatic.infiltrative";
const UNSAFE_PATH: &str = "recurrence.intrahepatic.unsafe_ablation_location";
const INVASION_PATH: &str = "recurrence.macrovascular_invasion";
const SITES_PATH: &str = "recurrence.extrahepatic_sites";
const AFP_PATH: &str = "recurrence.afp_ng_ml";
const RESPONSES_PATH: &str = "history.tace_insufficient_responses";
const PROGRESSIONS_PATH: &str = "history.tace_intrahepatic_progressions";
const AFP_RISING_PATH: &str = "history.afp_rising_after_tace";
const MONTHS_PATH: &str = "history.months_since_last_procedure";
const REGIMENS_PATH: &str = "history.systemic_regimens";
const RECIPIENT_PATH: &str = "drug_safety.liver_transplant_recipient";
const AUTOIMMUNE_PATH: &str = "drug_safety.autoimmune_disease";
const VARICES_PATH: &str = "drug_safety.varices";
const HBSAG_PATH: &str = "drug_safety.hbsag_positive";

/// Compares a fact with a policy setting, naming both in the recorded fact.
#[inline]
fn against<T>(t: &mut Trace, fact: &'static str, value: T, cmp: Cmp, s: Setting, th: T) -> bool
where
    T: PartialOrd + Into<crate::engine::Value> + Copy,
{
    t.compare_setting(fact, value, cmp, s.name(), th)
}

/// The truth of `f` over every value in `values`: true when it holds for all, false when for
/// none, unknown otherwise. `values` are the completions of the unknown facts (or
/// representatives of every region their thresholds cut), so the result is the predicate's
/// exact three-valued truth.
fn over<T>(values: impl IntoIterator<Item = T>, mut f: impl FnMut(T) -> bool) -> Truth {
    let (mut yes, mut no) = (false, false);
    for v in values {
        if f(v) {
            yes = true;
        } else {
            no = true;
        }
        if yes && no {
            return Truth::Unknown;
        }
    }
    match (yes, no) {
        (true, false) => Truth::True,
        (false, true) => Truth::False,
        // No completion at all cannot happen for a valid case.
        _ => Truth::Unknown,
    }
}

/// A known fact's value, or `None` after recording that it is unknown.
fn known<T>(t: &mut Trace, path: &'static str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        t.unknown(path);
    }
    value
}

/// A yes/no fact: recorded under `name` when known.
fn flag(t: &mut Trace, name: &'static str, path: &'static str, value: Option<bool>) -> Truth {
    match value {
        Some(v) => t.flag(name, v).into(),
        None => {
            t.unknown(path);
            Truth::Unknown
        }
    }
}

/// The (ECOG, cancer-related) pairs the case allows: cancer-relatedness only at ECOG 1–2
/// (`None` elsewhere), both values when it is not known.
fn performance_completions(a: &Assessment) -> impl Iterator<Item = (u8, Option<bool>)> {
    let ecogs = match a.ecog() {
        Some(e) => e..=e,
        None => 0..=4,
    };
    let related = a.cancer_related();
    ecogs.flat_map(move |e| {
        let values: &'static [Option<bool>] = match (e, related) {
            (1 | 2, Some(true)) => &[Some(true)],
            (1 | 2, Some(false)) => &[Some(false)],
            (1 | 2, None) => &[Some(true), Some(false)],
            _ => &[None],
        };
        values.iter().map(move |r| (e, *r))
    })
}

/// Records the performance-status facts not known (ECOG; cancer-relatedness where it matters).
fn note_unknown_performance(a: &Assessment, t: &mut Trace) {
    if a.ecog().is_none() {
        t.unknown(ECOG_PATH);
    }
    if a.cancer_related().is_none() && !matches!(a.ecog(), Some(0 | 3 | 4)) {
        t.unknown(CANCER_RELATED_PATH);
    }
}

/// Records the Child–Pugh range and the liver-function facts not known.
fn note_unknown_child_pugh(a: &Assessment, t: &mut Trace) {
    let cp = a.child_pugh();
    t.note_range("child_pugh_score", i64::from(cp.min()), i64::from(cp.max()));
    for path in a.case().unknown_facts() {
        if path.starts_with("liver_function.") {
            t.unknown(path);
        }
    }
}

/// A comparison of ECOG with a setting, over the ECOG values the case allows.
fn ecog_against(a: &Assessment, t: &mut Trace, cmp: Cmp, s: Setting) -> Truth {
    let th = u8::try_from(a.policy().get(s)).unwrap_or(u8::MAX);
    match a.ecog() {
        Some(e) => against(t, "ecog", e, cmp, s, th).into(),
        None => {
            t.unknown(ECOG_PATH);
            Truth::compare_range(0u8, 4, cmp, th)
        }
    }
}

/// A comparison of the Child–Pugh score with a setting, over the scores the facts allow.
fn child_pugh_against(a: &Assessment, t: &mut Trace, cmp: Cmp, s: Setting) -> Truth {
    let th = u8::try_from(a.policy().get(s)).unwrap_or(u8::MAX);
    let cp = a.child_pugh();
    match cp.known() {
        Some(score) => against(t, "child_pugh_score", score, cmp, s, th).into(),
        None => {
            note_unknown_child_pugh(a, t);
            Truth::compare_range(cp.min(), cp.max(), cmp, th)
        }
    }
}

/// A condition on performance status and the Child–Pugh score together, over every pair the
/// case allows (exact where two comparisons read the same unknown fact). `record(t, ecog,
/// child_pugh)` writes the comparisons of the facts known (`ecog`, `child_pugh`: whether each
/// is) and returns their result when both are.
fn over_performance_and_child_pugh(
    a: &Assessment,
    t: &mut Trace,
    mut record: impl FnMut(&mut Trace, bool, bool) -> bool,
    f: impl Fn(u8, Option<bool>, u8) -> bool,
) -> Truth {
    let cp = a.child_pugh();
    let ps_known =
        a.ecog().is_some() && (a.cancer_related().is_some() || !matches!(a.ecog(), Some(1 | 2)));
    if ps_known && cp.known().is_some() {
        return record(t, true, true).into();
    }
    // The facts known are compared as usual; the truth is over those not known.
    record(t, a.ecog().is_some(), cp.known().is_some());
    note_unknown_performance(a, t);
    if cp.known().is_none() {
        note_unknown_child_pugh(a, t);
    }
    over(
        performance_completions(a).flat_map(|(e, r)| (cp.min()..=cp.max()).map(move |c| (e, r, c))),
        |(e, r, c)| f(e, r, c),
    )
}

/// The nodule count, largest diameter and growth the case allows, as representatives of every
/// region the thresholds in force cut (each known fact as recorded; each unknown one at every
/// threshold of the policy and of spec §5–§6, one past it, and the up-to-seven boundary of
/// each count), and the truth of `f` over them. `f` gets the count, the diameter (`None`
/// without nodules) and whether the growth is infiltrative.
fn over_intrahepatic(
    a: &Assessment,
    t: &mut Trace,
    f: impl Fn(u16, Option<u16>, bool) -> bool,
) -> Truth {
    let ih = &a.case().recurrence.intrahepatic;
    let p = a.policy();
    let nodules = known(t, NODULES_PATH, ih.nodules).map(|n| n.get());
    let infiltrative = known(t, INFILTRATIVE_PATH, ih.infiltrative);
    let diameter = ih.largest_diameter_mm.map(|d| d.get());
    let diameter_may_matter = nodules != Some(0);
    if diameter.is_none() && diameter_may_matter {
        t.unknown(DIAMETER_PATH);
    }
    let limit = p.up_to_seven_limit;
    let r = &a.case().recurrence;
    // A valid completion describes a recurrence: no nodule only with spread or invasion.
    let must_have_nodule = diameter.is_some()
        || ih.infiltrative == Some(true)
        || ih.unsafe_ablation_location == Some(true)
        || (r.macrovascular_invasion == Some(crate::case::MacrovascularInvasion::Absent)
            && r.extrahepatic_sites.is_some_and(|s| s.is_empty()));
    let diameter_thresholds = [
        1,
        20,
        21,
        30,
        31,
        50,
        51,
        p.pei_max_diameter_mm,
        p.pei_max_diameter_mm.saturating_add(1),
        p.ablation_max_diameter_mm,
        p.ablation_max_diameter_mm.saturating_add(1),
        p.combination_max_diameter_mm,
        p.combination_max_diameter_mm.saturating_add(1),
        p.tace_caution_diameter_mm.saturating_sub(1),
        p.tace_caution_diameter_mm,
        limit,
        300,
    ];
    let count_thresholds = [
        0u16,
        1,
        2,
        3,
        4,
        u16::from(p.ablation_max_nodules),
        u16::from(p.ablation_max_nodules) + 1,
        u16::from(p.combination_max_nodules),
        u16::from(p.combination_max_nodules) + 1,
        999,
    ];
    // Fixed buffers: classification stays allocation-free with unknown facts.
    let mut counts = [0u16; 64];
    let mut n_counts = 0;
    let mut add_count = |n: u16| {
        if n <= 999
            && (n >= 1 || !must_have_nodule)
            && !counts[..n_counts].contains(&n)
            && n_counts < counts.len()
        {
            counts[n_counts] = n;
            n_counts += 1;
        }
    };
    match nodules {
        Some(n) => add_count(n),
        None => {
            count_thresholds.iter().for_each(|n| add_count(*n));
            // The up-to-seven boundary of each diameter: d + 10 n ≤ limit.
            match diameter {
                Some(d) => {
                    let n = limit.saturating_sub(d) / 10;
                    add_count(n);
                    add_count(n + 1);
                }
                None => {
                    for d in diameter_thresholds {
                        let n = limit.saturating_sub(d) / 10;
                        add_count(n);
                        add_count(n + 1);
                    }
                }
            }
        }
    }
    let growths: &[bool] = match infiltrative {
        Some(true) => &[true],
        Some(false) => &[false],
        None => &[false, true],
    };
    let (mut yes, mut no) = (false, false);
    let mut see = |v: bool| {
        if v {
            yes = true;
        } else {
            no = true;
        }
    };
    for &n in &counts[..n_counts] {
        for &g in growths {
            if n == 0 {
                // No nodule: no diameter, no infiltrative growth.
                if !g {
                    see(f(0, None, false));
                }
                continue;
            }
            match diameter {
                Some(d) => see(f(n, Some(d), g)),
                None => {
                    let boundary = limit.saturating_sub(10 * n);
                    for d in diameter_thresholds
                        .iter()
                        .copied()
                        .chain([boundary, boundary.saturating_add(1)])
                        .filter(|d| (1..=300).contains(d))
                    {
                        see(f(n, Some(d), g));
                    }
                    // Infiltrative growth may come without a recorded diameter.
                    if g {
                        see(f(n, None, g));
                    }
                }
            }
        }
    }
    match (yes, no) {
        (true, false) => Truth::True,
        (false, true) => Truth::False,
        _ => Truth::Unknown,
    }
}

/// The intrahepatic facts, when all that a predicate reads are known.
fn intrahepatic_known(a: &Assessment) -> Option<(u16, Option<u16>, bool)> {
    let ih = &a.case().recurrence.intrahepatic;
    let n = ih.nodules?.get();
    let g = ih.infiltrative?;
    let d = ih.largest_diameter_mm.map(|d| d.get());
    (n == 0 || d.is_some() || g).then_some((n, d, g))
}

/// Compares the largest diameter with a setting; false (recorded as unknown) when infiltrative
/// growth left the diameter unrecorded.
fn largest_diameter(a: &Assessment, t: &mut Trace, d: Option<u16>, cmp: Cmp, s: Setting) -> bool {
    match d {
        Some(d) => {
            let th = u16::try_from(a.policy().get(s)).unwrap_or(u16::MAX);
            against(t, "largest_diameter_mm", d, cmp, s, th)
        }
        None => {
            t.note("largest_diameter_mm", None::<u16>);
            false
        }
    }
}

/// `1 ≤ n ≤ max_nodules` and `d ≤ max_mm` (the ablation and TACE-plus-ablation criteria).
fn few_within(n: u16, d: Option<u16>, max_nodules: u16, max_mm: u16) -> bool {
    (1..=max_nodules).contains(&n) && d.is_some_and(|d| d <= max_mm)
}

/// 1 to `max_nodules` nodules with the largest at most `max_mm` (the ablation and the
/// TACE-plus-ablation criteria, which differ only in their settings).
fn few_nodules_within(
    a: &Assessment,
    t: &mut Trace,
    max_nodules: Setting,
    max_mm: Setting,
) -> Truth {
    let p = a.policy();
    let max_n = u16::try_from(p.get(max_nodules)).unwrap_or(u16::MAX);
    let max_d = u16::try_from(p.get(max_mm)).unwrap_or(u16::MAX);
    match intrahepatic_known(a) {
        Some((n, d, _)) => {
            let count_ok = against(t, "nodules", n, Cmp::Le, max_nodules, max_n) && n >= 1;
            // Both are read (and recorded) whatever the count, as the explanation lists every fact.
            let size_ok = largest_diameter(a, t, d, Cmp::Le, max_mm);
            (count_ok && size_ok).into()
        }
        None => over_intrahepatic(a, t, |n, d, _| few_within(n, d, max_n, max_d)),
    }
}

/// ECOG 0, or ECOG 1 to `max` with an impairment not caused by the cancer (comorbidity).
fn performance_acceptable(a: &Assessment, t: &mut Trace, max: Setting) -> Truth {
    let limit = u8::try_from(a.policy().get(max)).unwrap_or(0);
    let ok = |e: u8, related: Option<bool>| e == 0 || (e <= limit && related == Some(false));
    if let Some(ecog) = a.ecog() {
        let within = against(t, "ecog", ecog, Cmp::Le, max, limit);
        if ecog == 0 {
            return Truth::True;
        }
        let related = a.cancer_related();
        if related.is_some() || !matches!(ecog, 1 | 2) {
            t.note("cancer_related", related);
            return (within && related == Some(false)).into();
        }
    }
    note_unknown_performance(a, t);
    over(performance_completions(a), |(e, r)| ok(e, r))
}

// ---------------------------------------------------------------------------------------------
// Spec §3: the predicates of the pathway table.
// ---------------------------------------------------------------------------------------------

clinical_predicate!(
    /// The patient chose comfort-focused care.
    comfort_focused, COMFORT_FOCUSED, "comfort_focused",
    "the patient chose comfort-focused care",
    [AASLD_2023],
    |a, t| flag(t, "goals_of_care.comfort_focused", GOALS_PATH,
        a.case().goals_of_care.map(|g| g == GoalsOfCare::ComfortFocused))
);

clinical_predicate!(
    /// Poor performance status (BCLC D).
    terminal_performance_status, TERMINAL_PERFORMANCE_STATUS, "terminal_performance_status",
    "ECOG >= {terminal_min_ecog}",
    [BCLC_2022, ECOG],
    |a, t| ecog_against(a, t, Cmp::Ge, Setting::TerminalMinEcog)
);

clinical_predicate!(
    /// End-stage liver function (Child–Pugh class C, BCLC D).
    terminal_liver_function, TERMINAL_LIVER_FUNCTION, "terminal_liver_function",
    "Child-Pugh >= {terminal_min_child_pugh}",
    [BCLC_2022, CHILD_PUGH],
    |a, t| child_pugh_against(a, t, Cmp::Ge, Setting::TerminalMinChildPugh)
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
    /// Spread outside the liver or into major vessels (BCLC C). With no nodule, a valid case has
    /// one or the other, whatever is not known.
    advanced, ADVANCED, "advanced",
    "extrahepatic spread or macrovascular invasion",
    [BCLC_2022],
    |a, t| {
        let r = &a.case().recurrence;
        let invasion = match known(t, INVASION_PATH, r.macrovascular_invasion) {
            Some(m) => {
                t.note("macrovascular_invasion", m);
                Truth::from(m != MacrovascularInvasion::Absent)
            }
            None => Truth::Unknown,
        };
        let spread = match known(t, SITES_PATH, r.extrahepatic_sites) {
            Some(sites) => {
                let n = sites.len() as u32;
                t.note("extrahepatic_sites", n);
                Truth::from(n > 0)
            }
            None => Truth::Unknown,
        };
        let no_nodule = matches!(r.intrahepatic.nodules, Some(n) if n.get() == 0);
        if no_nodule {
            t.note("nodules", 0u16);
            return Truth::True;
        }
        invasion.or(spread)
    }
);

clinical_predicate!(
    /// Infiltrative or diffuse intrahepatic growth (no, with no nodule).
    infiltrative, INFILTRATIVE, "infiltrative",
    "infiltrative or diffuse intrahepatic growth",
    [BCLC_2022],
    |a, t| {
        let ih = &a.case().recurrence.intrahepatic;
        if ih.infiltrative.is_none() && matches!(ih.nodules, Some(n) if n.get() == 0) {
            t.note("nodules", 0u16);
            return Truth::False;
        }
        flag(t, "infiltrative", INFILTRATIVE_PATH, ih.infiltrative)
    }
);

clinical_predicate!(
    /// Exactly one intrahepatic nodule (BCLC 2022: a single nodule is stage A at any size).
    single_nodule, SINGLE_NODULE, "single_nodule",
    "exactly one intrahepatic nodule",
    [BCLC_2022],
    |a, t| match a.case().recurrence.intrahepatic.nodules {
        Some(n) => t.compare("nodules", n.get(), Cmp::Eq, 1).into(),
        None => over_intrahepatic(a, t, |n, _, _| n == 1),
    }
);

clinical_predicate!(
    /// Within up-to-seven: largest mm + 10 × nodules ≤ the limit; false when infiltrative.
    up_to_seven, UP_TO_SEVEN, "up_to_seven",
    "largest mm + 10 x nodules <= {up_to_seven_limit}; false if infiltrative",
    [UP_TO_7],
    |a, t| {
        let limit = u32::from(a.policy().up_to_seven_limit);
        match intrahepatic_known(a) {
            Some((_, _, true)) => {
                t.note("infiltrative", true);
                Truth::False
            }
            Some((n, Some(d), false)) => {
                let sum = u32::from(d) + 10 * u32::from(n);
                against(t, "up_to_seven_sum", sum, Cmp::Le, Setting::UpToSevenLimit, limit).into()
            }
            Some((_, None, false)) => {
                t.note("up_to_seven_sum", None::<u32>);
                Truth::False
            }
            None => over_intrahepatic(a, t, |n, d, g| {
                !g && n >= 1 && d.is_some_and(|d| u32::from(d) + 10 * u32::from(n) <= limit)
            }),
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
    /// that fired. Without TACE or TAE an unknown counter is 0.
    tace_refractory, TACE_REFRACTORY, "tace_refractory",
    "insufficient responses >= {refractory_insufficient_responses}, or intrahepatic progressions >= {refractory_intrahepatic_progressions}, or AFP rising right after TACE (when refractory_on_afp_rise)",
    [JSH_2014],
    |a, t| {
        let h = &a.case().history;
        let p = a.policy();
        let counters = tace_counters(a);
        let by_response = match known(t, RESPONSES_PATH, counters.0) {
            Some(c) => against(t, "tace_insufficient_responses", c, Cmp::Ge,
                Setting::RefractoryInsufficientResponses, p.refractory_insufficient_responses).into(),
            None => Truth::compare_range(0u8, 50, Cmp::Ge, p.refractory_insufficient_responses),
        };
        let by_progression = match known(t, PROGRESSIONS_PATH, counters.1) {
            Some(c) => against(t, "tace_intrahepatic_progressions", c, Cmp::Ge,
                Setting::RefractoryIntrahepaticProgressions, p.refractory_intrahepatic_progressions).into(),
            None => Truth::compare_range(0u8, 50, Cmp::Ge, p.refractory_intrahepatic_progressions),
        };
        let rising = flag(t, "afp_rising_after_tace", AFP_RISING_PATH, counters.2);
        let counts = t.flag("refractory_on_afp_rise", p.refractory_on_afp_rise);
        let _ = h;
        by_response.or(by_progression).or(rising.and(counts.into()))
    }
);

/// The TACE counters and rising AFP: as recorded, and 0 / no when unknown without TACE or TAE
/// (spec §8: the only valid completion).
fn tace_counters(a: &Assessment) -> (Option<u8>, Option<u8>, Option<bool>) {
    let h = &a.case().history;
    let had_tace = h.procedures.contains(Procedure::Tace) || h.procedures.contains(Procedure::Tae);
    let or_zero = |c: Option<crate::quantity::Count>| match c {
        Some(c) => Some(c.get()),
        None if !had_tace => Some(0),
        None => None,
    };
    let rising = match h.afp_rising_after_tace {
        Some(r) => Some(r),
        None if !had_tace => Some(false),
        None => None,
    };
    (
        or_zero(h.tace_insufficient_responses),
        or_zero(h.tace_intrahepatic_progressions),
        rising,
    )
}

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
    |a, t| child_pugh_against(a, t, Cmp::Gt, Setting::InterventionMaxChildPugh)
);

clinical_predicate!(
    /// Performance status impaired by the cancer (ECOG 1–2, cancer-related): BCLC 2022 upstages it.
    cancer_related_impairment, CANCER_RELATED_IMPAIRMENT, "cancer_related_impairment",
    "ECOG 1-2 with a cancer-related impairment",
    [BCLC_2022],
    |a, t| impairment(a, t, true)
);

/// ECOG 1–2 with an impairment that is (`related`) or is not caused by the cancer.
fn impairment(a: &Assessment, t: &mut Trace, related: bool) -> Truth {
    if let Some(ecog) = a.ecog() {
        t.note("ecog", ecog);
        let recorded = a.cancer_related();
        if !matches!(ecog, 1 | 2) {
            return Truth::False;
        }
        if let Some(r) = recorded {
            t.note("cancer_related", r);
            return (r == related).into();
        }
    }
    note_unknown_performance(a, t);
    over(performance_completions(a), |(e, r)| {
        matches!(e, 1 | 2) && r == Some(related)
    })
}

clinical_predicate!(
    /// ECOG above the highest a repeat intervention admits.
    ecog_above_intervention_limit, ECOG_ABOVE_INTERVENTION_LIMIT, "ecog_above_intervention_limit",
    "ECOG > {intervention_max_ecog}",
    [BCLC_2022],
    |a, t| ecog_against(a, t, Cmp::Gt, Setting::InterventionMaxEcog)
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
        let later: Truth = match a.regimens_received() {
            Some(n) => against(t, "regimens_received", n as u32, Cmp::Ge, Setting::LaterLineFromRegimens,
                u32::from(p.later_line_from_regimens)).into(),
            None => {
                t.unknown(REGIMENS_PATH);
                if p.later_line_from_regimens == 0 { Truth::True } else { Truth::Unknown }
            }
        };
        let fit = |e: u8, c: u8, later: bool| {
            e <= p.systemic_max_ecog
                && c <= p.systemic_max_child_pugh
                && (!later || (e <= p.later_line_max_ecog && c <= p.later_line_max_child_pugh))
        };
        let laters: &[bool] = match later {
            Truth::True => &[true],
            Truth::False => &[false],
            Truth::Unknown => &[false, true],
        };
        // Writes the comparisons of the facts known (`ek`: ECOG, `ck`: Child-Pugh).
        let record = |t: &mut Trace, ek: bool, ck: bool| {
            let (e, c) = (a.ecog().unwrap_or(0), a.child_pugh().min());
            let mut ok = true;
            if ek {
                ok &= against(t, "ecog", e, Cmp::Le, Setting::SystemicMaxEcog, p.systemic_max_ecog);
            }
            if ck {
                ok &= against(t, "child_pugh_score", c, Cmp::Le, Setting::SystemicMaxChildPugh, p.systemic_max_child_pugh);
            }
            if later == Truth::True {
                if ek {
                    ok &= against(t, "ecog", e, Cmp::Le, Setting::LaterLineMaxEcog, p.later_line_max_ecog);
                }
                if ck {
                    ok &= against(t, "child_pugh_score", c, Cmp::Le, Setting::LaterLineMaxChildPugh, p.later_line_max_child_pugh);
                }
            }
            ok
        };
        let fitness = if later.is_unknown() {
            record(t, a.ecog().is_some(), a.child_pugh().known().is_some());
            note_unknown_performance(a, t);
            let cp = a.child_pugh();
            if cp.known().is_none() {
                note_unknown_child_pugh(a, t);
            }
            over(
                performance_completions(a)
                    .flat_map(|(e, _)| (cp.min()..=cp.max()).flat_map(move |c| laters.iter().map(move |l| (e, c, *l)))),
                |(e, c, l)| fit(e, c, l),
            )
        } else {
            let l = later.is_true();
            over_performance_and_child_pugh(a, t, record, |e, _, c| fit(e, c, l))
        };
        if let Some(line) = a.line() {
            t.note("line_of_therapy", line);
        }
        let e = a.eligibility();
        let available = match e.any_eligible() {
            Truth::Unknown => Truth::Unknown,
            known => {
                let n = e.permitted.len() as u32;
                t.compare("regimens_eligible", n, Cmp::Ge, 1);
                known
            }
        };
        fitness.and(available)
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
    /// duct, the gallbladder or bowel); no, with no nodule.
    unsafe_ablation_location, UNSAFE_ABLATION_LOCATION, "unsafe_ablation_location",
    "a nodule lies where thermal ablation is unsafe (major vessel, main bile duct, gallbladder, bowel)",
    [INASL_2019, NCCN_HCC],
    |a, t| {
        let ih = &a.case().recurrence.intrahepatic;
        if ih.unsafe_ablation_location.is_none() && matches!(ih.nodules, Some(n) if n.get() == 0) {
            t.note("nodules", 0u16);
            return Truth::False;
        }
        flag(t, "unsafe_ablation_location", UNSAFE_PATH, ih.unsafe_ablation_location)
    }
);

clinical_predicate!(
    /// Small enough for PEI alone; false when infiltrative growth left the diameter unrecorded.
    pei_size, PEI_SIZE, "pei_size",
    "largest <= {pei_max_diameter_mm} mm",
    [INASL_2019],
    |a, t| {
        let max = a.policy().pei_max_diameter_mm;
        match intrahepatic_known(a) {
            Some((_, d, _)) => largest_diameter(a, t, d, Cmp::Le, Setting::PeiMaxDiameterMm).into(),
            None => over_intrahepatic(a, t, |_, d, _| d.is_some_and(|d| d <= max)),
        }
    }
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
        if !had_tace {
            return Truth::False;
        }
        let (responses, progressions, _) = tace_counters(a);
        let one_short = |t: &mut Trace, name, path, value: Option<u8>, setting, th: u8| match known(t, path, value) {
            Some(c) => Truth::from(t.compare_setting(name, c, Cmp::Eq, setting, th.saturating_sub(1))),
            None => Truth::Unknown,
        };
        let by_response = one_short(t, "tace_insufficient_responses", RESPONSES_PATH, responses,
            "refractory_insufficient_responses - 1", p.refractory_insufficient_responses);
        let by_progression = one_short(t, "tace_intrahepatic_progressions", PROGRESSIONS_PATH, progressions,
            "refractory_intrahepatic_progressions - 1", p.refractory_intrahepatic_progressions);
        by_response.or(by_progression)
    }
);

clinical_predicate!(
    /// A single large nodule: EASL's relative contraindication to TACE.
    large_single_nodule, LARGE_SINGLE_NODULE, "large_single_nodule",
    "exactly one nodule and largest >= {tace_caution_diameter_mm} mm",
    [EASL_2018],
    |a, t| {
        let min = a.policy().tace_caution_diameter_mm;
        match intrahepatic_known(a) {
            Some((n, d, _)) => {
                let single = t.compare("nodules", n, Cmp::Eq, 1);
                let large = largest_diameter(a, t, d, Cmp::Ge, Setting::TaceCautionDiameterMm);
                (single && large).into()
            }
            None => over_intrahepatic(a, t, |n, d, _| n == 1 && d.is_some_and(|d| d >= min)),
        }
    }
);

clinical_predicate!(
    /// ALBI grade 3 or modified ALBI 2b: risk of hepatic decompensation after TACE (unknown
    /// without bilirubin and albumin).
    albi_decompensation_risk, ALBI_DECOMPENSATION_RISK, "albi_decompensation_risk",
    "ALBI grade 3 or mALBI grade 2b",
    [ALBI, MALBI],
    |a, t| {
        let s = a.scores();
        if s.albi_grade.is_none() {
            let lf = &a.case().liver_function;
            if lf.bilirubin.is_none() {
                t.unknown("liver_function.bilirubin");
            }
            if lf.albumin.is_none() {
                t.unknown("liver_function.albumin");
            }
            return Truth::Unknown;
        }
        t.note("albi_grade", s.albi_grade);
        t.note("malbi_grade", s.malbi_grade);
        (s.albi_grade == Some(AlbiGrade::G3) || s.malbi_grade == Some(MalbiGrade::G2b)).into()
    }
);

clinical_predicate!(
    /// Performance status impaired by comorbidity, not by the cancer (ECOG 1–2): fitness for the
    /// procedure and anaesthesia is confirmed at the MDT.
    comorbidity_impairment, COMORBIDITY_IMPAIRMENT, "comorbidity_impairment",
    "ECOG 1-2 with an impairment not caused by the cancer",
    [BCLC_2022],
    |a, t| impairment(a, t, false)
);

clinical_predicate!(
    /// ECOG 2: outside the trial populations of TACE and of systemic therapy (ECOG 0–1).
    ecog_2, ECOG_2, "ecog_2",
    "ECOG performance status 2",
    [ECOG, SHARP, ASCO_2024],
    |a, t| match a.ecog() {
        Some(e) => t.compare("ecog", e, Cmp::Eq, 2).into(),
        None => {
            t.unknown(ECOG_PATH);
            Truth::Unknown
        }
    }
);

clinical_predicate!(
    /// Child–Pugh between the intervention limit and end-stage (class B above the limit): the
    /// MDT may weigh ablation without refractory ascites.
    child_pugh_beyond_intervention_not_terminal, CHILD_PUGH_BEYOND_INTERVENTION_NOT_TERMINAL, "child_pugh_beyond_intervention_not_terminal",
    "Child-Pugh {intervention_max_child_pugh+1} to {terminal_min_child_pugh-1}",
    [BCLC_2022, EASL_2018],
    |a, t| {
        let p = a.policy();
        let cp = a.child_pugh();
        match cp.known() {
            Some(c) => {
                let above = against(t, "child_pugh_score", c, Cmp::Gt, Setting::InterventionMaxChildPugh, p.intervention_max_child_pugh);
                let below = against(t, "child_pugh_score", c, Cmp::Lt, Setting::TerminalMinChildPugh, p.terminal_min_child_pugh);
                (above && below).into()
            }
            None => {
                note_unknown_child_pugh(a, t);
                over(cp.min()..=cp.max(), |c| c > p.intervention_max_child_pugh && c < p.terminal_min_child_pugh)
            }
        }
    }
);

clinical_predicate!(
    /// Within the Milan criteria (Mazzaferro 1996).
    within_milan, WITHIN_MILAN, "within_milan",
    "within the Milan criteria",
    [MILAN],
    |a, t| match a.scores().within_milan {
        Some(w) => t.flag("within_milan", w).into(),
        None => {
            for path in milan_facts(a) {
                t.unknown(path);
            }
            Truth::Unknown
        }
    }
);

/// The unknown facts the Milan criteria read.
fn milan_facts(a: &Assessment) -> impl Iterator<Item = &'static str> + '_ {
    a.case().unknown_facts().filter(|p| {
        p.starts_with("recurrence.intrahepatic.") || *p == INVASION_PATH || *p == SITES_PATH
    })
}

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
    |a, t| child_pugh_against(a, t, Cmp::Le, Setting::ResectionMaxChildPugh)
);

/// AFP compared with a setting; unknown when AFP is.
fn afp_against(a: &Assessment, t: &mut Trace, cmp: Cmp, s: Setting) -> Truth {
    match known(t, AFP_PATH, a.case().recurrence.afp_ng_ml) {
        Some(afp) => against(
            t,
            "afp_ng_ml",
            afp.get(),
            cmp,
            s,
            f64::from(a.policy().get(s)),
        )
        .into(),
        None => Truth::Unknown,
    }
}

clinical_predicate!(
    /// AFP above the transplant caution threshold.
    afp_above_transplant_caution, AFP_ABOVE_TRANSPLANT_CAUTION, "afp_above_transplant_caution",
    "AFP > {transplant_caution_afp_ng_ml} ng/mL",
    [OPTN_HCC],
    |a, t| afp_against(a, t, Cmp::Gt, Setting::TransplantCautionAfpNgMl)
);

clinical_predicate!(
    /// HBsAg positive: antiviral therapy (unknown when not tested).
    hbsag_positive, HBSAG_POSITIVE, "hbsag_positive",
    "HBsAg positive",
    [AASLD_HBV_2018, EASL_HBV_2017],
    |a, t| flag(t, "hbsag_positive", HBSAG_PATH, a.case().drug_safety.hbsag_positive)
);

clinical_predicate!(
    /// Early recurrence: soon after the last procedure, a sign of aggressive biology.
    early_recurrence, EARLY_RECURRENCE, "early_recurrence",
    "months from the last procedure <= {early_recurrence_max_months}",
    [BCLC_2022],
    |a, t| match known(t, MONTHS_PATH, a.case().history.months_since_last_procedure) {
        Some(m) => against(t, "months_since_last_procedure", m.get(), Cmp::Le,
            Setting::EarlyRecurrenceMaxMonths, a.policy().early_recurrence_max_months).into(),
        None => Truth::Unknown,
    }
);

/// Whether `site` is among the extrahepatic sites (unknown when they are).
fn site(a: &Assessment, t: &mut Trace, name: &'static str, site: ExtrahepaticSite) -> Truth {
    match known(t, SITES_PATH, a.case().recurrence.extrahepatic_sites) {
        Some(sites) => t.flag(name, sites.contains(site)).into(),
        None => Truth::Unknown,
    }
}

clinical_predicate!(
    /// Spread to bone: radiotherapy for painful or threatening bone metastases.
    bone_metastases, BONE_METASTASES, "bone_metastases",
    "extrahepatic spread to bone",
    [ESMO_2025],
    |a, t| site(a, t, "bone_metastases", ExtrahepaticSite::Bone)
);

clinical_predicate!(
    /// Spread to the brain: neurosurgical or stereotactic radiotherapy evaluation, and a caution
    /// before bevacizumab.
    brain_metastases, BRAIN_METASTASES, "brain_metastases",
    "extrahepatic spread to the brain",
    [IMBRAVE150, ESMO_2025],
    |a, t| site(a, t, "brain_metastases", ExtrahepaticSite::Brain)
);

// ---------------------------------------------------------------------------------------------
// Spec §7: drug safety and the regimen history.
// ---------------------------------------------------------------------------------------------

clinical_predicate!(
    /// The patient is a liver-transplant recipient (checkpoint inhibitors risk graft rejection).
    liver_transplant_recipient, LIVER_TRANSPLANT_RECIPIENT, "liver_transplant_recipient",
    "the patient is a liver-transplant recipient",
    [AASLD_2023, LT_ICI],
    |a, t| flag(t, "liver_transplant_recipient", RECIPIENT_PATH, a.case().drug_safety.liver_transplant_recipient)
);

/// Whether the autoimmune disease recorded is `which`.
fn autoimmune(a: &Assessment, t: &mut Trace, which: AutoimmuneDisease) -> Truth {
    match known(t, AUTOIMMUNE_PATH, a.case().drug_safety.autoimmune_disease) {
        Some(d) => {
            t.note("autoimmune_disease", d);
            (d == which).into()
        }
        None => Truth::Unknown,
    }
}

clinical_predicate!(
    /// Active autoimmune disease needing systemic treatment (IMbrave150 exclusion).
    active_autoimmune_disease, ACTIVE_AUTOIMMUNE_DISEASE, "active_autoimmune_disease",
    "active autoimmune disease needing systemic treatment",
    [IMBRAVE150, ASCO_2024],
    |a, t| autoimmune(a, t, AutoimmuneDisease::ActiveOnSystemicTreatment)
);

clinical_predicate!(
    /// Previously documented, inactive autoimmune disease (a caution on checkpoint inhibitors).
    inactive_autoimmune_disease, INACTIVE_AUTOIMMUNE_DISEASE, "inactive_autoimmune_disease",
    "previously documented, inactive autoimmune disease",
    [ASCO_2024],
    |a, t| autoimmune(a, t, AutoimmuneDisease::Inactive)
);

/// Whether the varices recorded are among `which`.
fn varices(a: &Assessment, t: &mut Trace, which: &[Varices]) -> Truth {
    match known(t, VARICES_PATH, a.case().drug_safety.varices) {
        Some(v) => {
            t.note("varices", v);
            which.contains(&v).into()
        }
        None => Truth::Unknown,
    }
}

clinical_predicate!(
    /// Oesophageal varices not screened by endoscopy in the last 6 months.
    varices_not_screened, VARICES_NOT_SCREENED, "varices_not_screened",
    "oesophageal varices not screened in the last 6 months",
    [IMBRAVE150, ASCO_2024],
    |a, t| varices(a, t, &[Varices::NotScreened])
);

clinical_predicate!(
    /// Untreated high-risk varices or variceal bleeding in the last 6 months.
    high_risk_varices, HIGH_RISK_VARICES, "high_risk_varices",
    "untreated high-risk varices or variceal bleeding in the last 6 months",
    [IMBRAVE150, ASCO_2024],
    |a, t| varices(a, t, &[Varices::UntreatedHighRisk, Varices::RecentBleeding])
);

clinical_predicate!(
    /// Invasion of the main portal vein (excluded from REFLECT: a caution on lenvatinib).
    main_portal_vein_invasion, MAIN_PORTAL_VEIN_INVASION, "main_portal_vein_invasion",
    "macrovascular invasion of the main portal vein",
    [REFLECT],
    |a, t| match known(t, INVASION_PATH, a.case().recurrence.macrovascular_invasion) {
        Some(m) => {
            t.note("macrovascular_invasion", m);
            (m == MacrovascularInvasion::MainPortalVein).into()
        }
        None => Truth::Unknown,
    }
);

clinical_predicate!(
    /// Child–Pugh 7 (class B7): the systemic trials enrolled class A.
    child_pugh_7, CHILD_PUGH_7, "child_pugh_7",
    "Child-Pugh score 7 (class B7)",
    [NCCN_HCC, CHILD_PUGH],
    |a, t| {
        let cp = a.child_pugh();
        match cp.known() {
            Some(c) => t.compare("child_pugh_score", c, Cmp::Eq, 7).into(),
            None => {
                note_unknown_child_pugh(a, t);
                Truth::compare_range(cp.min(), cp.max(), Cmp::Eq, 7)
            }
        }
    }
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
    /// AFP not recorded: a fact about the record, known whatever AFP is.
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
    /// AFP below the ramucirumab threshold (unknown when AFP is not recorded).
    afp_below_ramucirumab_threshold, AFP_BELOW_RAMUCIRUMAB_THRESHOLD, "afp_below_ramucirumab_threshold",
    "AFP < {ramucirumab_min_afp_ng_ml} ng/mL",
    [REACH_2, ASCO_2024],
    |a, t| afp_against(a, t, Cmp::Lt, Setting::RamucirumabMinAfpNgMl)
);

/// The regimen history, or `None` after recording that it is not known.
fn history<'a>(a: &'a Assessment, t: &mut Trace) -> Option<&'a crate::case::RegimenHistory> {
    known(t, REGIMENS_PATH, a.regimen_history())
}

/// The most recent sorafenib entry of the history (its tolerance is what counts): `None` when
/// the history is not known, `Some(None)` when sorafenib was not received.
fn last_sorafenib(a: &Assessment, t: &mut Trace) -> Option<Option<Option<bool>>> {
    let h = history(a, t)?;
    let last = h
        .as_slice()
        .iter()
        .rev()
        .find(|p| p.regimen == Regimen::Sorafenib)
        .map(|p| p.tolerated);
    t.note("sorafenib_received", last.is_some());
    if let Some(tolerated) = last {
        t.note("sorafenib_tolerated", tolerated);
    }
    Some(last)
}

clinical_predicate!(
    /// Sorafenib was received.
    sorafenib_received, SORAFENIB_RECEIVED, "sorafenib_received",
    "sorafenib received",
    [RESORCE],
    |a, t| match last_sorafenib(a, t) {
        Some(last) => Truth::from(last.is_some()),
        None => Truth::Unknown,
    }
);

clinical_predicate!(
    /// The most recent sorafenib was recorded as not tolerated (unknown when its tolerance is
    /// not recorded).
    sorafenib_not_tolerated, SORAFENIB_NOT_TOLERATED, "sorafenib_not_tolerated",
    "sorafenib received and (most recently) recorded as not tolerated",
    [RESORCE],
    |a, t| match last_sorafenib(a, t) {
        Some(Some(Some(tolerated))) => Truth::from(!tolerated),
        Some(Some(None)) => {
            t.unknown("history.systemic_regimens[].tolerated");
            Truth::Unknown
        }
        Some(None) => Truth::False,
        None => Truth::Unknown,
    }
);

clinical_predicate!(
    /// Sorafenib was received and whether it was tolerated is not recorded (the most recent
    /// sorafenib entry counts): a fact about the record.
    sorafenib_tolerance_unknown, SORAFENIB_TOLERANCE_UNKNOWN, "sorafenib_tolerance_unknown",
    "sorafenib received, tolerance (most recently) not recorded",
    [RESORCE],
    |a, t| match last_sorafenib(a, t) {
        Some(last) => Truth::from(last == Some(None)),
        None => Truth::Unknown,
    }
);

/// The number of regimens received compared with `n` (unknown with the history).
fn received(a: &Assessment, t: &mut Trace, cmp: Cmp, n: u32) -> Truth {
    match history(a, t) {
        Some(h) => t
            .compare("regimens_received", h.len() as u32, cmp, n)
            .into(),
        None => Truth::Unknown,
    }
}

clinical_predicate!(
    /// No systemic regimen received yet: first line.
    no_regimen_received, NO_REGIMEN_RECEIVED, "no_regimen_received",
    "no systemic regimen received (first line)",
    [ASCO_2024],
    |a, t| received(a, t, Cmp::Eq, 0)
);

clinical_predicate!(
    /// Exactly one systemic regimen received: second line.
    one_regimen_received, ONE_REGIMEN_RECEIVED, "one_regimen_received",
    "exactly one systemic regimen received (second line)",
    [ASCO_2024],
    |a, t| received(a, t, Cmp::Eq, 1)
);

/// Whether the most recent regimen satisfies `f` (no regimen: false; unknown history: unknown).
fn last_regimen(a: &Assessment, t: &mut Trace, f: impl Fn(Regimen) -> bool) -> Truth {
    match history(a, t) {
        Some(h) => {
            let last = h.last().map(|p| p.regimen);
            t.note("last_regimen", last);
            last.is_some_and(f).into()
        }
        None => Truth::Unknown,
    }
}

clinical_predicate!(
    /// The most recent regimen contains a checkpoint inhibitor.
    last_regimen_checkpoint_inhibitor, LAST_REGIMEN_CHECKPOINT_INHIBITOR, "last_regimen_checkpoint_inhibitor",
    "the most recent regimen contains a checkpoint inhibitor",
    [ASCO_2024],
    |a, t| last_regimen(a, t, Regimen::has_checkpoint_inhibitor)
);

clinical_predicate!(
    /// The most recent regimen is durvalumab + tremelimumab (STRIDE).
    last_regimen_stride, LAST_REGIMEN_STRIDE, "last_regimen_stride",
    "the most recent regimen is durvalumab + tremelimumab (STRIDE)",
    [ASCO_2024, HIMALAYA],
    |a, t| last_regimen(a, t, |r| r == Regimen::DurvalumabTremelimumab)
);

clinical_predicate!(
    /// The most recent regimen is sorafenib or lenvatinib.
    last_regimen_sorafenib_or_lenvatinib, LAST_REGIMEN_SORAFENIB_OR_LENVATINIB, "last_regimen_sorafenib_or_lenvatinib",
    "the most recent regimen is sorafenib or lenvatinib",
    [ASCO_2024],
    |a, t| last_regimen(a, t, |r| matches!(r, Regimen::Sorafenib | Regimen::Lenvatinib))
);

clinical_predicate!(
    /// Within the prior lines CELESTIAL admitted: cabozantinib is offered as such.
    within_cabozantinib_prior_limit, WITHIN_CABOZANTINIB_PRIOR_LIMIT, "within_cabozantinib_prior_limit",
    "regimens received <= {cabozantinib_max_prior_regimens}",
    [CELESTIAL],
    |a, t| match history(a, t) {
        Some(h) => against(t, "regimens_received", h.len() as u32, Cmp::Le,
            Setting::CabozantinibMaxPriorRegimens, u32::from(a.policy().cabozantinib_max_prior_regimens)).into(),
        None => Truth::Unknown,
    }
);

clinical_predicate!(
    /// Performance status and liver function of the TACE-with-systemic-therapy trials.
    tace_systemic_fitness, TACE_SYSTEMIC_FITNESS, "tace_systemic_fitness",
    "ECOG <= {tace_systemic_max_ecog} and Child-Pugh <= {tace_systemic_max_child_pugh}",
    [EMERALD_1, LEAP_012],
    |a, t| {
        let p = a.policy();
        // Writes the comparisons of the facts known (`ek`: ECOG, `ck`: Child-Pugh).
        let record = |t: &mut Trace, ek: bool, ck: bool| {
            let e = !ek || against(t, "ecog", a.ecog().unwrap_or(0), Cmp::Le, Setting::TaceSystemicMaxEcog, p.tace_systemic_max_ecog);
            let c = !ck || against(t, "child_pugh_score", a.child_pugh().min(), Cmp::Le, Setting::TaceSystemicMaxChildPugh, p.tace_systemic_max_child_pugh);
            e && c
        };
        over_performance_and_child_pugh(a, t, record, |e, _, c| {
            e <= p.tace_systemic_max_ecog && c <= p.tace_systemic_max_child_pugh
        })
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
/// use hcc_pathways::{policy::Setting, predicates::implications, Policy};
/// let text: Vec<String> = implications(&Policy::default()).iter().map(|i| i.to_string()).collect();
/// assert!(text.contains(&"terminal_performance_status ⇒ ecog_above_intervention_limit".to_string()));
/// // A policy that calls ECOG 2 terminal while ECOG 2 may be fit for a procedure drops it.
/// let odd = Policy::default().with(Setting::TerminalMinEcog, 2)?;
/// assert!(!implications(&odd).iter().any(|i| i.antecedent() == [("terminal_performance_status", true)]
///     && i.consequent() == ("ecog_above_intervention_limit", true)));
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
pub fn implications(policy: &Policy) -> Vec<Implication> {
    let mut v = Vec::with_capacity(32);
    each_implication(policy, &mut |when, then| {
        v.push(Implication::all(when, then))
    });
    v
}

/// [`implications`] one by one, without allocating: `out(antecedent, consequent)`.
pub(crate) fn each_implication(policy: &Policy, out: &mut dyn FnMut(&[Literal], Literal)) {
    let p = policy;
    if p.terminal_min_ecog > p.intervention_max_ecog {
        out(
            &[("terminal_performance_status", true)],
            ("ecog_above_intervention_limit", true),
        );
    }
    if p.terminal_min_child_pugh > p.intervention_max_child_pugh {
        out(
            &[("terminal_liver_function", true)],
            ("child_pugh_above_intervention_limit", true),
        );
    }
    // Terminal ⇒ not fit for systemic therapy, unless it follows from the two links through
    // the intervention limits declared below (a list without redundant members).
    let ecog_chain = p.terminal_min_ecog > p.intervention_max_ecog
        && p.systemic_max_ecog <= p.intervention_max_ecog;
    if p.terminal_min_ecog > p.systemic_max_ecog && !ecog_chain {
        out(
            &[("terminal_performance_status", true)],
            ("fit_for_systemic", false),
        );
    }
    let child_pugh_chain = p.terminal_min_child_pugh > p.intervention_max_child_pugh
        && p.systemic_max_child_pugh <= p.intervention_max_child_pugh;
    if p.terminal_min_child_pugh > p.systemic_max_child_pugh && !child_pugh_chain {
        out(
            &[("terminal_liver_function", true)],
            ("fit_for_systemic", false),
        );
    }
    // A cancer-related impairment is ECOG 1–2 (it excludes ECOG above a limit of 2 directly, or
    // through terminal performance status when that starts right above the limit).
    let above_is_terminal = p.terminal_min_ecog <= p.intervention_max_ecog.saturating_add(1);
    if p.terminal_min_ecog >= 3 {
        out(
            &[("terminal_performance_status", true)],
            ("cancer_related_impairment", false),
        );
    }
    if above_is_terminal {
        out(
            &[("ecog_above_intervention_limit", true)],
            ("terminal_performance_status", true),
        );
    }
    if p.intervention_max_ecog >= 2 && !(above_is_terminal && p.terminal_min_ecog >= 3) {
        out(
            &[("cancer_related_impairment", true)],
            ("ecog_above_intervention_limit", false),
        );
    }
    if p.systemic_max_child_pugh <= p.intervention_max_child_pugh {
        out(
            &[("fit_for_systemic", true)],
            ("child_pugh_above_intervention_limit", false),
        );
    }
    if p.systemic_max_ecog <= p.intervention_max_ecog {
        out(
            &[("fit_for_systemic", true)],
            ("ecog_above_intervention_limit", false),
        );
    }
    out(&[("up_to_seven", true)], ("infiltrative", false));
    let ablation_sum =
        u32::from(p.ablation_max_diameter_mm) + 10 * u32::from(p.ablation_max_nodules);
    if ablation_sum <= u32::from(p.up_to_seven_limit) {
        out(
            &[("ablation_candidate", true), ("infiltrative", false)],
            ("up_to_seven", true),
        );
    }
    out(
        &[("child_pugh_beyond_intervention_not_terminal", true)],
        ("child_pugh_above_intervention_limit", true),
    );
    // A cancer-related impairment is ECOG 1-2; comorbidity is its opposite.
    out(
        &[("cancer_related_impairment", true)],
        ("comorbidity_impairment", false),
    );
    // The regimen history.
    out(
        &[("sorafenib_not_tolerated", true)],
        ("sorafenib_received", true),
    );
    out(
        &[("sorafenib_tolerance_unknown", true)],
        ("sorafenib_received", true),
    );
    out(
        &[("no_regimen_received", true)],
        ("one_regimen_received", false),
    );
    out(
        &[("no_regimen_received", true)],
        ("sorafenib_received", false),
    );
    out(
        &[("last_regimen_stride", true)],
        ("last_regimen_checkpoint_inhibitor", true),
    );
    out(
        &[("last_regimen_stride", true)],
        ("last_regimen_sorafenib_or_lenvatinib", false),
    );
    out(
        &[("last_regimen_checkpoint_inhibitor", true)],
        ("last_regimen_sorafenib_or_lenvatinib", false),
    );
    for last in [
        "last_regimen_stride",
        "last_regimen_checkpoint_inhibitor",
        "last_regimen_sorafenib_or_lenvatinib",
    ] {
        out(&[(last, true)], ("no_regimen_received", false));
    }
    // Varices and autoimmune disease are each one value.
    out(
        &[("high_risk_varices", true)],
        ("varices_not_screened", false),
    );
    out(
        &[("active_autoimmune_disease", true)],
        ("inactive_autoimmune_disease", false),
    );
}
