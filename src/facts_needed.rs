//! The facts an undecided case needs (spec §8): each unknown fact that settles the pathway,
//! with the pathway each of its values leads to when that fact alone settles it.
//!
//! For every fact the case leaves unknown, the case is completed with one value of it at a
//! time — every value of a small domain; for a number, one value in each range between the
//! thresholds in force — and decided again, the other unknown facts staying unknown. A fact
//! is needed when some value settles the pathway or the values lead to different outcomes.

use std::borrow::Cow;

use crate::assessment::Assessment;
use crate::case::{
    Ascites, AutoimmuneDisease, Case, Encephalopathy, ExtrahepaticSite, GoalsOfCare,
    MacrovascularInvasion, PriorRegimen, Regimen, RegimenHistory, SiteSet, Varices,
};
use crate::error::Error;
use crate::evaluate::classify;
use crate::outcomes::Pathway;
use crate::policy::Policy;
use crate::quantity::{
    AfpNgMl, Albumin, Bilirubin, ChildPughScore, Count, DiameterMm, Ecog, Inr, Months, NoduleCount,
};

/// One value (or range of values) of a fact needed, and the pathway it would lead to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FactValue {
    /// The value or range, as text (`"0 to 2"`, `"true"`, `"main_portal_vein"`).
    pub value: Cow<'static, str>,
    /// The pathway it leads to when this fact alone settles it; absent when other unknown
    /// facts still decide.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub pathway: Option<Pathway>,
}

/// A fact an undecided case needs, by JSON path, with the pathway each of its values leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FactNeeded {
    /// The fact's JSON path.
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::ids::FactPath"))]
    pub fact: Cow<'static, str>,
    /// Its values (for a number, each range between the thresholds in force), in order.
    pub values: Vec<FactValue>,
}

/// One completion of a fact: its label and the completed case.
type Completion = (Cow<'static, str>, Case);

/// A labelled regimen history (each regimen with whether it was tolerated).
type LabelledHistory = (&'static str, &'static [(Regimen, Option<bool>)]);

/// The pathway a valid case leads to, when decided.
fn outcome(case: &Case, policy: &Policy) -> Result<Option<Pathway>, Error> {
    classify(case, policy).map(|d| d.pathway())
}

/// Every fact the case leaves unknown that settles the pathway, with what each value leads to.
pub(crate) fn facts_needed(a: &Assessment) -> Result<Vec<FactNeeded>, Error> {
    let case = a.case();
    let policy = a.policy();
    let mut out = Vec::new();
    for path in case.unknown_facts() {
        let completions = complete(case, policy, path);
        if completions.is_empty() {
            continue;
        }
        let mut values: Vec<FactValue> = Vec::with_capacity(completions.len());
        for (label, completed) in completions {
            // A completion the cross-field rules reject is not a valid completion.
            if completed.validate().is_err() {
                continue;
            }
            let pathway = outcome(&completed, policy)?;
            // Neighbouring ranges that lead to the same outcome read as one.
            match values.last_mut() {
                Some(last)
                    if last.pathway == pathway && is_range(&last.value) && is_range(&label) =>
                {
                    last.value = Cow::Owned(merge(&last.value, &label));
                }
                _ => values.push(FactValue {
                    value: label,
                    pathway,
                }),
            }
        }
        let settles = values.iter().any(|v| v.pathway.is_some());
        let differ = values.windows(2).any(|w| w[0].pathway != w[1].pathway);
        if settles || differ {
            out.push(FactNeeded {
                fact: Cow::Borrowed(path),
                values: values
                    .into_iter()
                    .map(|mut v| {
                        v.value = Cow::Owned(unrange(&v.value));
                        v
                    })
                    .collect(),
            });
        }
    }
    Ok(out)
}

// Ranges travel as "[lo..hi]" (hi may be "+", open-ended) until they are written out.

fn range(lo: i64, hi: Option<i64>) -> Cow<'static, str> {
    match hi {
        Some(hi) => Cow::Owned(format!("[{lo}..{hi}]")),
        None => Cow::Owned(format!("[{lo}..+]")),
    }
}

fn is_range(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && s.contains("..")
}

fn merge(a: &str, b: &str) -> String {
    let lo = a.trim_start_matches('[').split("..").next().unwrap_or("");
    let hi = b.trim_end_matches(']').rsplit("..").next().unwrap_or("");
    format!("[{lo}..{hi}]")
}

pub(crate) fn unrange(s: &str) -> String {
    if !is_range(s) {
        return s.to_owned();
    }
    let inner = &s[1..s.len() - 1];
    let (lo, hi) = inner.split_once("..").unwrap_or((inner, inner));
    if hi == "+" {
        format!("{lo} or more")
    } else if lo == hi {
        lo.to_owned()
    } else {
        format!("{lo} to {hi}")
    }
}

/// The ranges a whole number in `min..=max` falls into between `cuts` (each cut starts a
/// range), as (label, representative) pairs.
fn ranges(min: i64, max: i64, cuts: &[i64]) -> Vec<(Cow<'static, str>, i64)> {
    let mut starts: Vec<i64> = cuts
        .iter()
        .copied()
        .filter(|c| *c > min && *c <= max)
        .chain([min])
        .collect();
    starts.sort_unstable();
    starts.dedup();
    starts
        .iter()
        .enumerate()
        .map(|(i, lo)| {
            let hi = starts.get(i + 1).map(|next| next - 1);
            let label = match hi {
                Some(hi) => range(*lo, Some(hi)),
                // A domain's upper bound above 100 is a technical limit: "or more".
                None if max <= 100 => range(*lo, Some(max)),
                None => range(*lo, None),
            };
            (label, *lo)
        })
        .collect()
}

fn with(case: &Case, f: impl FnOnce(&mut Case)) -> Case {
    let mut c = *case;
    f(&mut c);
    c
}

fn label<T: std::fmt::Display>(v: T) -> Cow<'static, str> {
    Cow::Owned(v.to_string())
}

fn history(items: &[(Regimen, Option<bool>)]) -> Option<RegimenHistory> {
    let items: Vec<PriorRegimen> = items
        .iter()
        .map(|(regimen, tolerated)| PriorRegimen {
            regimen: *regimen,
            tolerated: *tolerated,
        })
        .collect();
    RegimenHistory::new(&items).ok()
}

/// The completions of one unknown fact, in the order of its values.
pub(crate) fn complete(case: &Case, p: &Policy, path: &str) -> Vec<Completion> {
    let c = case;
    let ih = c.recurrence.intrahepatic;
    match path {
        "performance_status.ecog" => (0..=4)
            .filter_map(|e| Ecog::new(e).ok())
            .map(|e| (label(e), with(c, |c| c.performance_status.ecog = Some(e))))
            .collect(),
        "performance_status.cancer_related" => [true, false]
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.performance_status.cancer_related = Some(v)),
                )
            })
            .into(),
        "liver_function.child_pugh_score" => ranges(
            5,
            15,
            &[
                i64::from(p.systemic_max_child_pugh) + 1,
                i64::from(p.intervention_max_child_pugh) + 1,
                i64::from(p.later_line_max_child_pugh) + 1,
                i64::from(p.terminal_min_child_pugh),
            ],
        )
        .into_iter()
        .filter_map(|(l, v)| {
            let s = ChildPughScore::new(v).ok()?;
            Some((l, with(c, |c| c.liver_function.child_pugh_score = Some(s))))
        })
        .collect(),
        "liver_function.bilirubin" => [
            ("below 2 mg/dL", 1.0),
            ("2 to 3 mg/dL", 2.5),
            ("above 3 mg/dL", 4.0),
        ]
        .into_iter()
        .filter_map(|(l, v)| {
            let b = Bilirubin::from_mg_dl(v).ok()?;
            Some((
                Cow::Borrowed(l),
                with(c, |c| c.liver_function.bilirubin = Some(b)),
            ))
        })
        .collect(),
        "liver_function.albumin" => [
            ("above 3.5 g/dL", 4.0),
            ("2.8 to 3.5 g/dL", 3.0),
            ("below 2.8 g/dL", 2.5),
        ]
        .into_iter()
        .filter_map(|(l, v)| {
            let a = Albumin::from_g_dl(v).ok()?;
            Some((
                Cow::Borrowed(l),
                with(c, |c| c.liver_function.albumin = Some(a)),
            ))
        })
        .collect(),
        "liver_function.inr" => [("below 1.7", 1.2), ("1.7 to 2.3", 2.0), ("above 2.3", 2.5)]
            .into_iter()
            .filter_map(|(l, v)| {
                let i = Inr::new(v).ok()?;
                Some((
                    Cow::Borrowed(l),
                    with(c, |c| c.liver_function.inr = Some(i)),
                ))
            })
            .collect(),
        "liver_function.ascites" => Ascites::ALL
            .iter()
            .map(|v| (label(v), with(c, |c| c.liver_function.ascites = Some(*v))))
            .collect(),
        "liver_function.encephalopathy" => Encephalopathy::ALL
            .iter()
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.liver_function.encephalopathy = Some(*v)),
                )
            })
            .collect(),
        "goals_of_care" => GoalsOfCare::ALL
            .iter()
            .map(|v| (label(v), with(c, |c| c.goals_of_care = Some(*v))))
            .collect(),
        "recurrence.intrahepatic.nodules" => {
            let limit = i64::from(p.up_to_seven_limit);
            let mut cuts = vec![
                1,
                2,
                3,
                4,
                i64::from(p.ablation_max_nodules) + 1,
                i64::from(p.combination_max_nodules) + 1,
            ];
            if let Some(d) = ih.largest_diameter_mm {
                // The up-to-seven boundary: d + 10 n ≤ limit.
                cuts.push((limit - i64::from(d.get())) / 10 + 1);
            }
            ranges(0, 999, &cuts)
                .into_iter()
                .filter_map(|(l, v)| {
                    let n = NoduleCount::new(v).ok()?;
                    Some((l, with(c, |c| c.recurrence.intrahepatic.nodules = Some(n))))
                })
                .collect()
        }
        "recurrence.intrahepatic.largest_diameter_mm" => {
            let limit = i64::from(p.up_to_seven_limit);
            let mut cuts = vec![
                21,
                31,
                51,
                i64::from(p.pei_max_diameter_mm) + 1,
                i64::from(p.ablation_max_diameter_mm) + 1,
                i64::from(p.combination_max_diameter_mm) + 1,
                i64::from(p.tace_caution_diameter_mm),
            ];
            if let Some(n) = ih.nodules {
                cuts.push(limit - 10 * i64::from(n.get()) + 1);
            }
            ranges(1, 300, &cuts)
                .into_iter()
                .filter_map(|(l, v)| {
                    let d = DiameterMm::new(v).ok()?;
                    let l = Cow::Owned(format!("{} mm", unrange(&l)));
                    Some((
                        l,
                        with(c, |c| {
                            c.recurrence.intrahepatic.largest_diameter_mm = Some(d)
                        }),
                    ))
                })
                .collect()
        }
        "recurrence.intrahepatic.infiltrative" => [true, false]
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.recurrence.intrahepatic.infiltrative = Some(v)),
                )
            })
            .into(),
        "recurrence.intrahepatic.unsafe_ablation_location" => [true, false]
            .map(|v| {
                (
                    label(v),
                    with(c, |c| {
                        c.recurrence.intrahepatic.unsafe_ablation_location = Some(v)
                    }),
                )
            })
            .into(),
        "recurrence.macrovascular_invasion" => MacrovascularInvasion::ALL
            .iter()
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.recurrence.macrovascular_invasion = Some(*v)),
                )
            })
            .collect(),
        "recurrence.extrahepatic_sites" => [
            ("none", SiteSet::EMPTY),
            (
                "one or more sites",
                SiteSet::EMPTY.with(ExtrahepaticSite::Other),
            ),
        ]
        .map(|(l, v)| {
            (
                Cow::Borrowed(l),
                with(c, |c| c.recurrence.extrahepatic_sites = Some(v)),
            )
        })
        .into(),
        "recurrence.afp_ng_ml" => {
            let ram = f64::from(p.ramucirumab_min_afp_ng_ml);
            let transplant = f64::from(p.transplant_caution_afp_ng_ml);
            let mut points = vec![
                (format!("below {ram} ng/mL"), 0.0),
                (format!("{ram} ng/mL or more"), ram),
                (format!("above {transplant} ng/mL"), transplant + 1.0),
            ];
            if transplant > ram {
                points[1].0 = format!("{ram} to {transplant} ng/mL");
            }
            points
                .into_iter()
                .filter_map(|(l, v)| {
                    let afp = AfpNgMl::new(v).ok()?;
                    Some((
                        Cow::Owned(l),
                        with(c, |c| c.recurrence.afp_ng_ml = Some(afp)),
                    ))
                })
                .collect()
        }
        "history.tace_insufficient_responses" | "history.tace_intrahepatic_progressions" => {
            let th = if path == "history.tace_insufficient_responses" {
                p.refractory_insufficient_responses
            } else {
                p.refractory_intrahepatic_progressions
            };
            ranges(0, 50, &[i64::from(th).saturating_sub(1), i64::from(th)])
                .into_iter()
                .filter_map(|(l, v)| {
                    let n = Count::new(v).ok()?;
                    Some((
                        l,
                        with(c, |c| {
                            if path == "history.tace_insufficient_responses" {
                                c.history.tace_insufficient_responses = Some(n);
                            } else {
                                c.history.tace_intrahepatic_progressions = Some(n);
                            }
                        }),
                    ))
                })
                .collect()
        }
        "history.afp_rising_after_tace" => [true, false]
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.history.afp_rising_after_tace = Some(v)),
                )
            })
            .into(),
        "history.months_since_last_procedure" => {
            ranges(0, 600, &[i64::from(p.early_recurrence_max_months) + 1])
                .into_iter()
                .filter_map(|(l, v)| {
                    let m = Months::new(v).ok()?;
                    Some((
                        l,
                        with(c, |c| c.history.months_since_last_procedure = Some(m)),
                    ))
                })
                .collect()
        }
        "history.systemic_regimens" => {
            use Regimen::*;
            let histories: [LabelledHistory; 7] = [
                ("none received", &[]),
                (
                    "one: atezolizumab + bevacizumab",
                    &[(AtezolizumabBevacizumab, Some(true))],
                ),
                ("one: sorafenib, tolerated", &[(Sorafenib, Some(true))]),
                ("one: lenvatinib", &[(Lenvatinib, Some(true))]),
                (
                    "two: atezolizumab + bevacizumab, then lenvatinib",
                    &[
                        (AtezolizumabBevacizumab, Some(true)),
                        (Lenvatinib, Some(true)),
                    ],
                ),
                (
                    "three: atezolizumab + bevacizumab, lenvatinib, cabozantinib",
                    &[
                        (AtezolizumabBevacizumab, Some(true)),
                        (Lenvatinib, Some(true)),
                        (Cabozantinib, Some(true)),
                    ],
                ),
                (
                    "four, every mechanism class used: atezolizumab + bevacizumab, lenvatinib, \
                     durvalumab + tremelimumab, cabozantinib",
                    &[
                        (AtezolizumabBevacizumab, Some(true)),
                        (Lenvatinib, Some(true)),
                        (DurvalumabTremelimumab, Some(true)),
                        (Cabozantinib, Some(true)),
                    ],
                ),
            ];
            histories
                .iter()
                .map(|(l, h)| {
                    (
                        Cow::Borrowed(*l),
                        with(c, |c| c.history.systemic_regimens = history(h)),
                    )
                })
                .collect()
        }
        "drug_safety.liver_transplant_recipient" => [true, false]
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.drug_safety.liver_transplant_recipient = Some(v)),
                )
            })
            .into(),
        "drug_safety.autoimmune_disease" => AutoimmuneDisease::ALL
            .iter()
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.drug_safety.autoimmune_disease = Some(*v)),
                )
            })
            .collect(),
        "drug_safety.varices" => Varices::ALL
            .iter()
            .map(|v| (label(v), with(c, |c| c.drug_safety.varices = Some(*v))))
            .collect(),
        "drug_safety.hbsag_positive" => [true, false]
            .map(|v| {
                (
                    label(v),
                    with(c, |c| c.drug_safety.hbsag_positive = Some(v)),
                )
            })
            .into(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_domain_between_the_cuts() {
        let r: Vec<String> = ranges(0, 4, &[2, 3, 9])
            .iter()
            .map(|(l, _)| unrange(l))
            .collect();
        assert_eq!(r, ["0 to 1", "2", "3 to 4"]);
        let r: Vec<String> = ranges(0, 600, &[25])
            .iter()
            .map(|(l, _)| unrange(l))
            .collect();
        assert_eq!(r, ["0 to 24", "25 or more"]);
        assert_eq!(unrange(&merge("[0..1]", "[2..2]")), "0 to 2");
    }
}
