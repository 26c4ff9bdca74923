//! Policy: every threshold of spec §3 (and the option thresholds of §6–§7), with defaults and
//! the source of each default.
//!
//! Guidelines disagree at the margins (TACE refractoriness differs between countries;
//! Child–Pugh 7 is admitted to systemic therapy by some). A policy makes those choices explicit
//! and comparable; [`Policy::default`] is the spec's.

use std::borrow::Cow;
use std::ops::ControlFlow;

use crate::error::{Error, Reason};
use crate::sources::{self, Source};

/// A value a setting of type `Self` holds, from the `u32` a [`Setting`] reads and writes (a
/// yes/no setting is 0 or 1).
trait SettingValue: Sized {
    fn from_u32(value: u32) -> Option<Self>;
}

impl SettingValue for u8 {
    fn from_u32(value: u32) -> Option<Self> {
        u8::try_from(value).ok()
    }
}

impl SettingValue for u16 {
    fn from_u32(value: u32) -> Option<Self> {
        u16::try_from(value).ok()
    }
}

impl SettingValue for u32 {
    fn from_u32(value: u32) -> Option<Self> {
        Some(value)
    }
}

impl SettingValue for bool {
    fn from_u32(value: u32) -> Option<Self> {
        match value {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

macro_rules! policy {
    ($($(#[doc = $doc:literal])* $field:ident / $variant:ident: $t:ty = $default:expr, range $min:literal ..= $max:literal, sources [$($src:ident),+];)*) => {
        /// Thresholds the predicates and option rules read. Every field has a default (the
        /// spec's) and a documented source; JSON may give only the fields it changes.
        ///
        /// ```
        /// use hcc_pathways::policy::{Policy, Setting};
        /// let admit_b7 = Policy::default().with(Setting::SystemicMaxChildPugh, 7)?;
        /// assert_eq!(admit_b7.systemic_max_child_pugh(), 7);
        /// let err = Policy::default().with(Setting::TerminalMinEcog, 9).unwrap_err();
        /// assert_eq!(err.field(), Some("terminal_min_ecog"));
        /// # Ok::<(), hcc_pathways::Error>(())
        /// ```
        ///
        /// A policy is valid by construction: every threshold within its range, and the
        /// diameters ordered (`pei_max_diameter_mm ≤ ablation_max_diameter_mm ≤
        /// combination_max_diameter_mm`). It is obtained only checked: [`Policy::default`],
        /// [`Policy::from_json`] or serde, and [`Policy::with`] or [`Policy::with_settings`] to
        /// change settings in code. Each setting is read by its method
        /// (`policy.up_to_seven_limit()`) or by [`Policy::get`].
        ///
        /// Its fields are private, so a policy cannot be written as a struct literal:
        ///
        /// ```compile_fail
        /// let p = hcc_pathways::Policy { up_to_seven_limit: 110, ..Default::default() };
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        #[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        pub struct Policy {
            $(
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = concat!("Default ", stringify!($default), "; accepted ", stringify!($min), " to ", stringify!($max), ".")]
                // The accepted range as JSON Schema bounds (ignored by schemars for the bool).
                #[cfg_attr(feature = "schemars", schemars(range(min = $min, max = $max)))]
                pub(crate) $field: $t,
            )*
        }

        impl Default for Policy {
            fn default() -> Self {
                Self { $($field: $default),* }
            }
        }

        /// A policy document as read, before its checks: every setting it leaves out takes its
        /// default.
        #[cfg(feature = "serde")]
        #[derive(serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub(crate) struct PolicyDoc {
            $($field: $t,)*
        }

        #[cfg(feature = "serde")]
        impl Default for PolicyDoc {
            fn default() -> Self {
                Self { $($field: $default),* }
            }
        }

        #[cfg(feature = "serde")]
        impl PolicyDoc {
            /// The settings read, not yet checked.
            pub(crate) fn unchecked(self) -> Policy {
                Policy { $($field: self.$field),* }
            }
        }

        /// The settings one by one, each with the documentation of its field.
        impl Policy {
            $(
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = concat!("Default ", stringify!($default), "; accepted ", stringify!($min), " to ", stringify!($max), ".")]
                pub const fn $field(&self) -> $t {
                    self.$field
                }
            )*
        }

        /// The name of one policy setting: what a fact is compared with, and what a text shows.
        ///
        /// ```
        /// use hcc_pathways::policy::{Policy, Setting};
        /// let p = Policy::default().with(Setting::UpToSevenLimit, 110)?;
        /// assert_eq!(Setting::UpToSevenLimit.name(), "up_to_seven_limit");
        /// assert_eq!(p.get(Setting::UpToSevenLimit), 110);
        /// assert_eq!(Setting::from_name("up_to_seven_limit"), Some(Setting::UpToSevenLimit));
        /// assert_eq!("up_to_seven_limit".parse(), Ok(Setting::UpToSevenLimit));
        /// assert_eq!(Setting::UpToSevenLimit.to_string(), "up_to_seven_limit");
        /// # Ok::<(), hcc_pathways::Error>(())
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Setting {
            $(
                #[doc = concat!("`", stringify!($field), "`.")]
                $variant,
            )*
        }

        impl Setting {
            /// Every setting, in declaration order.
            pub const ALL: &'static [Setting] = &[$(Setting::$variant),*];

            /// The field name, as in JSON.
            pub const fn name(self) -> &'static str {
                match self { $(Setting::$variant => stringify!($field)),* }
            }

            /// The setting of a field name.
            pub fn from_name(name: &str) -> Option<Setting> {
                match name { $(stringify!($field) => Some(Setting::$variant),)* _ => None }
            }

            /// The accepted range as the errors and the thresholds table write it, for example
            /// `1 to 4` (`false to true` for a yes/no setting).
            const fn accepted(self) -> &'static str {
                match self { $(Setting::$variant => concat!(stringify!($min), " to ", stringify!($max))),* }
            }

            /// Every field name, in declaration order.
            const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];
        }

        /// Prints the field name, as JSON spells it.
        impl std::fmt::Display for Setting {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        /// Parses the field name, exactly (as [`Setting::from_name`], with an error naming
        /// every accepted name).
        impl std::str::FromStr for Setting {
            type Err = crate::error::parse_name::ParseNameError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Setting::from_name(text)
                    .ok_or_else(|| crate::error::parse_name::ParseNameError::new("Setting", Self::NAMES, text))
            }
        }

        impl Policy {
            /// The value of a setting (a yes/no setting is 0 or 1).
            pub fn get(&self, setting: Setting) -> u32 {
                match setting { $(Setting::$variant => u32::from(self.$field)),* }
            }

            /// Sets one setting, unchecked but for the value fitting the field's type.
            fn set_unchecked(&mut self, setting: Setting, value: u32) -> Result<(), Error> {
                match setting {
                    $(Setting::$variant => match <$t as SettingValue>::from_u32(value) {
                        Some(v) => {
                            self.$field = v;
                            Ok(())
                        }
                        None => Err(Error::invalid(
                            setting.name(),
                            Reason::OutOfRange {
                                expected: Cow::Borrowed(setting.accepted()),
                                found: Cow::Owned(value.to_string()),
                            },
                        )),
                    },)*
                }
            }
        }

        /// One threshold of a policy, for tables and documentation.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Threshold {
            /// The field name.
            pub name: &'static str,
            /// What it sets (the field's documentation).
            pub description: &'static str,
            /// The accepted range, for example `1 to 4` (`false to true` for a yes/no setting).
            pub accepted: &'static str,
            /// Whether it is a yes/no setting (its value and default are then 0 or 1).
            pub flag: bool,
            /// Its value in this policy.
            pub value: u32,
            /// Its default.
            pub default: u32,
            /// The sources of the default.
            pub sources: &'static [Source],
        }

        impl Policy {
            /// Every threshold with its description, value, default and sources, in declaration
            /// order.
            ///
            /// ```
            /// use hcc_pathways::policy::{Policy, Setting};
            /// let admit_b7 = Policy::default().with(Setting::SystemicMaxChildPugh, 7)?;
            /// let t = admit_b7.thresholds();
            /// let cp = t.iter().find(|t| t.name == "systemic_max_child_pugh").unwrap();
            /// assert_eq!((cp.value, cp.default), (7, 6));
            /// assert!(cp.description.starts_with("Highest Child–Pugh score fit for systemic"));
            /// assert_eq!(cp.sources[0].key(), "BCLC-2022");
            /// # Ok::<(), hcc_pathways::Error>(())
            /// ```
            pub fn thresholds(&self) -> Vec<Threshold> {
                vec![$(Threshold {
                    name: stringify!($field),
                    description: concat!($($doc),*).trim_ascii(),
                    accepted: concat!(stringify!($min), " to ", stringify!($max)),
                    flag: matches!(stringify!($t), "bool"),
                    value: u32::from(self.$field),
                    default: u32::from(Policy::default().$field),
                    sources: &[$(sources::$src),+],
                }),*]
            }

            fn check_ranges(&self, report: &mut dyn FnMut(Error) -> ControlFlow<()>) -> ControlFlow<()> {
                $(
                    if !($min..=$max).contains(&self.$field) {
                        let e = Error::invalid(
                            stringify!($field),
                            Reason::OutOfRange {
                                expected: Cow::Borrowed(concat!(stringify!($min), " to ", stringify!($max))),
                                found: Cow::Owned(self.$field.to_string()),
                            },
                        );
                        if report(e).is_break() {
                            return ControlFlow::Break(());
                        }
                    }
                )*
                ControlFlow::Continue(())
            }
        }
    };
}

policy! {
    /// ECOG at or above which the case is terminal (BCLC D).
    terminal_min_ecog / TerminalMinEcog: u8 = 3, range 1..=4, sources [BCLC_2022];
    /// Child–Pugh score at or above which the case is terminal (class C, BCLC D).
    terminal_min_child_pugh / TerminalMinChildPugh: u8 = 10, range 6..=15, sources [BCLC_2022, CHILD_PUGH];
    /// Largest up-to-seven sum (largest mm + 10 × nodules) still within the criterion.
    up_to_seven_limit / UpToSevenLimit: u16 = 70, range 10..=400, sources [UP_TO_7, APAC_2020];
    /// Most nodules for an ablation candidate.
    ablation_max_nodules / AblationMaxNodules: u8 = 3, range 1..=10, sources [INASL_2019, NCCN_HCC];
    /// Largest diameter in mm for an ablation candidate.
    ablation_max_diameter_mm / AblationMaxDiameterMm: u16 = 30, range 10..=50, sources [INASL_2019, NCCN_HCC];
    /// Consecutive insufficient TACE responses that make a case TACE refractory.
    refractory_insufficient_responses / RefractoryInsufficientResponses: u8 = 2, range 1..=10, sources [JSH_2014];
    /// Consecutive intrahepatic progressions after TACE that make a case TACE refractory.
    refractory_intrahepatic_progressions / RefractoryIntrahepaticProgressions: u8 = 2, range 1..=10, sources [JSH_2014];
    /// Whether AFP rising continuously right after TACE makes a case TACE refractory.
    refractory_on_afp_rise / RefractoryOnAfpRise: bool = true, range false..=true, sources [JSH_2014];
    /// Highest Child–Pugh score fit for a repeat intervention.
    intervention_max_child_pugh / InterventionMaxChildPugh: u8 = 7, range 5..=9, sources [BCLC_2022, EASL_2018];
    /// Highest ECOG, when the impairment is not cancer-related (comorbidity), fit for a repeat
    /// intervention (ECOG 0 is always fit; cancer-related impairment never is).
    intervention_max_ecog / InterventionMaxEcog: u8 = 2, range 0..=2, sources [BCLC_2022];
    /// Highest ECOG fit for systemic therapy.
    systemic_max_ecog / SystemicMaxEcog: u8 = 2, range 0..=2, sources [BCLC_2022, SHARP];
    /// Highest Child–Pugh score fit for systemic therapy (7 admits class B7, NCCN category 2A).
    systemic_max_child_pugh / SystemicMaxChildPugh: u8 = 6, range 5..=7, sources [BCLC_2022, NCCN_HCC];
    /// Regimens received from which the stricter later-line fitness applies.
    later_line_from_regimens / LaterLineFromRegimens: u8 = 2, range 1..=12, sources [ASCO_2024];
    /// Highest ECOG for third line and later.
    later_line_max_ecog / LaterLineMaxEcog: u8 = 1, range 0..=2, sources [ASCO_2024, CELESTIAL];
    /// Highest Child–Pugh score for third line and later.
    later_line_max_child_pugh / LaterLineMaxChildPugh: u8 = 6, range 5..=7, sources [ASCO_2024];
    /// Largest diameter in mm for PEI alone where thermal ablation is unsafe.
    pei_max_diameter_mm / PeiMaxDiameterMm: u16 = 20, range 10..=30, sources [INASL_2019];
    /// Most nodules for TACE combined with ablation (independent of the ablation count).
    combination_max_nodules / CombinationMaxNodules: u8 = 3, range 1..=10, sources [PENG_2013, PENG_2012];
    /// Largest diameter in mm for TACE combined with ablation.
    combination_max_diameter_mm / CombinationMaxDiameterMm: u16 = 50, range 20..=100, sources [PENG_2013, PENG_2012];
    /// Single-nodule diameter in mm from which TACE carries the EASL relative contraindication.
    tace_caution_diameter_mm / TaceCautionDiameterMm: u16 = 100, range 50..=300, sources [EASL_2018];
    /// AFP in ng/mL from which ramucirumab is offered.
    ramucirumab_min_afp_ng_ml / RamucirumabMinAfpNgMl: u32 = 400, range 0..=100000, sources [REACH_2, ASCO_2024];
    /// Most systemic regimens received with which cabozantinib is offered as such from the third
    /// line (CELESTIAL admitted up to two prior lines); beyond, only if it adds a mechanism class.
    cabozantinib_max_prior_regimens / CabozantinibMaxPriorRegimens: u8 = 2, range 1..=12, sources [CELESTIAL];
    /// Highest ECOG for TACE with systemic therapy (EMERALD-1 and LEAP-012 enrolled ECOG 0–1).
    tace_systemic_max_ecog / TaceSystemicMaxEcog: u8 = 1, range 0..=2, sources [EMERALD_1, LEAP_012];
    /// Highest Child–Pugh score for TACE with systemic therapy (LEAP-012 enrolled class A;
    /// EMERALD-1 also admitted B7).
    tace_systemic_max_child_pugh / TaceSystemicMaxChildPugh: u8 = 6, range 5..=7, sources [LEAP_012, EMERALD_1];
    /// Months from the last procedure within which a recurrence is early.
    early_recurrence_max_months / EarlyRecurrenceMaxMonths: u16 = 24, range 0..=120, sources [BCLC_2022];
    /// Highest ECOG, when the impairment is not cancer-related, for referral to liver-transplant
    /// evaluation (ECOG 0 always qualifies; cancer-related impairment never does).
    transplant_max_ecog / TransplantMaxEcog: u8 = 2, range 0..=2, sources [MILAN, BCLC_2022];
    /// AFP in ng/mL above which the transplant referral carries the OPTN caution.
    transplant_caution_afp_ng_ml / TransplantCautionAfpNgMl: u32 = 1000, range 0..=100000, sources [OPTN_HCC];
    /// Highest Child–Pugh score for surgical evaluation of repeat resection.
    resection_max_child_pugh / ResectionMaxChildPugh: u8 = 6, range 5..=7, sources [BCLC_2022, EASL_2018];
    /// Highest ECOG, when the impairment is not cancer-related, for surgical evaluation of repeat
    /// resection (ECOG 0 always qualifies; cancer-related impairment never does).
    resection_max_ecog / ResectionMaxEcog: u8 = 1, range 0..=2, sources [BCLC_2022, EASL_2018];
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

const fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    h
}

/// FNV-1a of every setting name with `;` after each: the part of the digest that changes only
/// when settings are added, removed or renamed.
const NAMES_DIGEST: u64 = {
    let mut h = FNV_OFFSET;
    let mut i = 0;
    while i < Setting::ALL.len() {
        h = fnv(h, Setting::ALL[i].name().as_bytes());
        h = fnv(h, b";");
        i += 1;
    }
    h
};

impl Policy {
    /// This policy with one setting changed, checked as [`Policy::from_json`] checks a policy:
    /// `Policy::default().with(Setting::UpToSevenLimit, 110)?`. A yes/no setting takes 0 or 1,
    /// as [`Policy::get`] gives it.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the setting's field (`up_to_seven_limit`, bare, as
    /// [`Policy::from_json`] names it) when the value is outside the setting's accepted range,
    /// or when the change breaks an ordering the rules rely on (`pei_max_diameter_mm ≤
    /// ablation_max_diameter_mm ≤ combination_max_diameter_mm`). To move settings that are
    /// ordered together, change them at once with [`Policy::with_settings`].
    ///
    /// ```
    /// use hcc_pathways::policy::{Policy, Setting};
    /// let p = Policy::default().with(Setting::UpToSevenLimit, 110)?;
    /// assert_eq!(p.up_to_seven_limit(), 110);
    /// let no_afp_rule = Policy::default().with(Setting::RefractoryOnAfpRise, 0)?;
    /// assert!(!no_afp_rule.refractory_on_afp_rise());
    /// // 9 is outside 1 to 4: the policy is not changed, the error names the setting.
    /// let err = p.with(Setting::TerminalMinEcog, 9).unwrap_err();
    /// assert_eq!(err.field(), Some("terminal_min_ecog"));
    /// assert_eq!(err.to_string(), "`terminal_min_ecog` out of range: expected 1 to 4, found 9");
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn with(self, setting: Setting, value: u32) -> Result<Policy, Error> {
        self.with_settings([(setting, value)])
    }

    /// This policy with several settings changed at once, then checked as a whole (so that
    /// settings ordered together can move together).
    ///
    /// # Errors
    /// As [`Policy::with`]: the first value that does not fit its setting, in the order given,
    /// else the first error of the changed policy in the order [`Policy::from_json`] reports
    /// them.
    ///
    /// ```
    /// use hcc_pathways::policy::{Policy, Setting};
    /// // Smaller ablation and PEI diameters: one at a time, the first change breaks the order.
    /// assert!(Policy::default().with(Setting::AblationMaxDiameterMm, 15).is_err());
    /// let p = Policy::default().with_settings([
    ///     (Setting::AblationMaxDiameterMm, 15),
    ///     (Setting::PeiMaxDiameterMm, 12),
    /// ])?;
    /// assert_eq!((p.ablation_max_diameter_mm(), p.pei_max_diameter_mm()), (15, 12));
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn with_settings(
        self,
        settings: impl IntoIterator<Item = (Setting, u32)>,
    ) -> Result<Policy, Error> {
        let mut p = self;
        for (setting, value) in settings {
            p.set_unchecked(setting, value)?;
        }
        p.validate()?;
        Ok(p)
    }

    /// The settings whose value differs from the default, with (value, default).
    ///
    /// ```
    /// use hcc_pathways::policy::{Policy, Setting};
    /// let p = Policy::default().with(Setting::SystemicMaxChildPugh, 7)?;
    /// let changed: Vec<_> = p.changed().collect();
    /// assert_eq!(changed, [(Setting::SystemicMaxChildPugh, 7, 6)]);
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn changed(&self) -> impl Iterator<Item = (Setting, u32, u32)> + '_ {
        let default = Policy::default();
        Setting::ALL.iter().filter_map(move |s| {
            let (v, d) = (self.get(*s), default.get(*s));
            (v != d).then_some((*s, v, d))
        })
    }

    /// A stable digest of every setting: 64-bit FNV-1a over the setting names (each followed by
    /// `;`), then each value as four little-endian bytes, in declaration order. Two policies with the same digest set
    /// every threshold alike; it changes when a value changes or a setting is added.
    ///
    /// ```
    /// use hcc_pathways::policy::{Policy, Setting};
    /// let d = Policy::default().digest();
    /// assert_eq!(d, Policy::default().digest());
    /// assert_ne!(d, Policy::default().with(Setting::UpToSevenLimit, 71)?.digest());
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn digest(&self) -> u64 {
        let mut h = NAMES_DIGEST;
        for s in Setting::ALL {
            h = fnv(h, &self.get(*s).to_le_bytes());
        }
        h
    }

    /// Checks every threshold's range and the orderings the rules rely on: what makes the
    /// settings read (JSON) or changed ([`Policy::with_settings`]) a policy.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field when a threshold is outside its range, or when
    /// `pei_max_diameter_mm` exceeds `ablation_max_diameter_mm`, or `ablation_max_diameter_mm`
    /// exceeds `combination_max_diameter_mm`.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let mut first = None;
        self.check(&mut |e| {
            first = Some(e);
            ControlFlow::Break(())
        });
        first.map_or(Ok(()), Err)
    }

    /// Every error [`Policy::validate`] would report one at a time, in the same order (the first
    /// is the one it returns). Empty for a valid policy.
    #[cfg(any(feature = "json", test))]
    pub(crate) fn validate_all(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        self.check(&mut |e| {
            errors.push(e);
            ControlFlow::Continue(())
        });
        errors
    }

    fn check(&self, report: &mut dyn FnMut(Error) -> ControlFlow<()>) {
        if self.check_ranges(report).is_break() {
            return;
        }
        if self.pei_max_diameter_mm > self.ablation_max_diameter_mm {
            let e = Error::invalid(
                "pei_max_diameter_mm",
                Reason::Inconsistent {
                    detail: Cow::Borrowed("must not exceed ablation_max_diameter_mm"),
                },
            );
            if report(e).is_break() {
                return;
            }
        }
        if self.ablation_max_diameter_mm > self.combination_max_diameter_mm {
            let _ = report(Error::invalid(
                "ablation_max_diameter_mm",
                Reason::Inconsistent {
                    detail: Cow::Borrowed("must not exceed combination_max_diameter_mm"),
                },
            ));
        }
    }
}

/// Reads a policy document (settings left out take their defaults) and checks it: a policy
/// read by serde is as valid as one from [`Policy::from_json`], whose errors name the field by
/// its JSON path (here the error's message names it).
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Policy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let policy = PolicyDoc::deserialize(d)?.unchecked();
        policy.validate().map_err(serde::de::Error::custom)?;
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[Error]) -> Vec<&str> {
        errors.iter().filter_map(Error::field).collect()
    }

    #[test]
    fn validate_all_lists_every_error_in_the_order_validate_meets_them() {
        let p = Policy {
            terminal_min_ecog: 9,
            pei_max_diameter_mm: 25,
            ablation_max_diameter_mm: 20,
            ..Policy::default()
        };
        assert_eq!(
            fields(&p.validate_all()),
            ["terminal_min_ecog", "pei_max_diameter_mm"]
        );
        assert_eq!(p.validate().unwrap_err(), p.validate_all()[0]);
        let p = Policy {
            combination_max_diameter_mm: 20,
            ablation_max_diameter_mm: 21,
            pei_max_diameter_mm: 22,
            ..Policy::default()
        };
        assert_eq!(
            fields(&p.validate_all()),
            ["pei_max_diameter_mm", "ablation_max_diameter_mm"]
        );
        assert!(Policy::default().validate_all().is_empty());
    }

    #[test]
    fn with_checks_each_setting_at_both_ends_of_its_range() {
        for t in Policy::default().thresholds() {
            let setting = Setting::from_name(t.name).unwrap();
            let (lo, hi) = t.accepted.split_once(" to ").unwrap();
            let num = |s: &str| match s {
                "false" => 0,
                "true" => 1,
                n => n.parse::<u32>().unwrap(),
            };
            let (lo, hi) = (num(lo), num(hi));
            // Each end alone, with the settings ordered with it moved along where needed.
            let ordered = |v: u32| -> Vec<(Setting, u32)> {
                let mut s = vec![(setting, v)];
                match setting {
                    Setting::AblationMaxDiameterMm => {
                        s.push((Setting::PeiMaxDiameterMm, v.min(20)))
                    }
                    Setting::CombinationMaxDiameterMm => {
                        s.push((Setting::AblationMaxDiameterMm, v.min(30)));
                        s.push((Setting::PeiMaxDiameterMm, v.min(20)));
                    }
                    _ => {}
                }
                s
            };
            for v in [lo, hi] {
                let p = Policy::default().with_settings(ordered(v)).unwrap();
                assert_eq!(p.get(setting), v, "{}", t.name);
            }
            for v in [hi + 1, u32::MAX].into_iter().chain(lo.checked_sub(1)) {
                let e = Policy::default().with(setting, v).unwrap_err();
                assert_eq!(e.field(), Some(t.name), "{} = {v}", t.name);
                assert_eq!(
                    e.to_string(),
                    format!(
                        "`{}` out of range: expected {}, found {v}",
                        t.name, t.accepted
                    ),
                );
            }
        }
    }

    #[test]
    fn with_settings_checks_the_orderings_once_all_are_set() {
        let err = Policy::default()
            .with(Setting::AblationMaxDiameterMm, 15)
            .unwrap_err();
        assert_eq!(err.field(), Some("pei_max_diameter_mm"));
        let p = Policy::default()
            .with_settings([
                (Setting::AblationMaxDiameterMm, 15),
                (Setting::PeiMaxDiameterMm, 15),
            ])
            .unwrap();
        assert_eq!(p.pei_max_diameter_mm(), 15);
        let err = p.with(Setting::PeiMaxDiameterMm, 16).unwrap_err();
        assert_eq!(err.field(), Some("pei_max_diameter_mm"));
        let q = p.with(Setting::CombinationMaxDiameterMm, 20).unwrap();
        assert_eq!(q.combination_max_diameter_mm(), 20);
        // Default ablation 30 > combination 25.
        let err = Policy::default()
            .with(Setting::CombinationMaxDiameterMm, 25)
            .unwrap_err();
        assert_eq!(err.field(), Some("ablation_max_diameter_mm"));
        // A value that does not fit is reported before the orderings, in the order given.
        let err = Policy::default()
            .with_settings([
                (Setting::AblationMaxDiameterMm, 10),
                (Setting::TerminalMinEcog, 300),
                (Setting::UpToSevenLimit, 70_000),
            ])
            .unwrap_err();
        assert_eq!(err.field(), Some("terminal_min_ecog"));
    }
}
