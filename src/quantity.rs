//! Clinical quantities with their units and ranges, checked once at the boundary.
//!
//! Each type can only be built through a validating constructor (or `TryFrom`, which calls
//! it), so a value inside a [`Case`](crate::Case) is always finite and within range. Lab values
//! keep the unit they were entered in: Child–Pugh points are scored in that unit (spec §5), and
//! conversion happens only where ALBI needs SI units.
//!
//! ```
//! use hcc_pathways::quantity::{Ecog, Inr};
//! let ecog = Ecog::try_from(1)?;
//! assert_eq!(ecog.get(), 1);
//! let err = Inr::try_from(f64::NAN).unwrap_err();
//! assert_eq!(err.field(), Some("liver_function.inr"));
//! # Ok::<(), hcc_pathways::Error>(())
//! ```

#[cfg(feature = "schemars")]
use std::borrow::Cow;
use std::fmt;

use crate::error::{out_of_range, Error, Reason};

fn check_float(
    field: &'static str,
    value: f64,
    min: f64,
    min_inclusive: bool,
    max: f64,
    expected: &'static str,
) -> Result<f64, Error> {
    if !value.is_finite() {
        return Err(Error::invalid(field, Reason::NotFinite));
    }
    let low_ok = if min_inclusive {
        value >= min
    } else {
        value > min
    };
    if !low_ok || value > max {
        return Err(Error::invalid(field, out_of_range(expected, value)));
    }
    Ok(value)
}

fn check_int(
    field: &'static str,
    value: i64,
    min: i64,
    max: i64,
    expected: &'static str,
) -> Result<i64, Error> {
    if value < min || value > max {
        return Err(Error::invalid(field, out_of_range(expected, value)));
    }
    Ok(value)
}

#[cfg(feature = "serde")]
fn serde_reason<E: serde::de::Error>(e: Error) -> E {
    match e {
        Error::Invalid { reason, .. } => E::custom(reason),
        other => E::custom(other),
    }
}

macro_rules! int_quantity {
    ($name:ident($t:ty), doc = $doc:literal, field = $field:literal, min = $min:literal, max = $max:literal, expected = $exp:literal) => {
        #[doc = $doc]
        #[doc = ""]
        #[doc = concat!("Accepted: ", $exp, ".")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name($t);

        impl $name {
            /// The smallest accepted value.
            pub const MIN: $t = $min;
            /// The largest accepted value.
            pub const MAX: $t = $max;

            /// Checks and wraps a value.
            ///
            /// # Errors
            #[doc = concat!("[`Error::Invalid`] naming `", $field, "` when the value is outside ", $exp, ".")]
            pub fn new(value: i64) -> Result<Self, Error> {
                let v = check_int($field, value, i64::from(Self::MIN), i64::from(Self::MAX), $exp)?;
                <$t>::try_from(v)
                    .map(Self)
                    .map_err(|_| Error::invalid($field, out_of_range($exp, value)))
            }

            /// The value.
            pub const fn get(self) -> $t {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        #[doc = concat!("Checks and wraps a value, as [`", stringify!($name), "::new`] (the same errors).")]
        impl TryFrom<i64> for $name {
            type Error = Error;

            fn try_from(value: i64) -> Result<Self, Error> {
                Self::new(value)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(i64::from(self.0))
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = i64::deserialize(d)?;
                Self::new(raw).map_err(serde_reason)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "integer",
                    "minimum": $min,
                    "maximum": $max,
                    "description": concat!($doc, " Accepted: ", $exp, "."),
                })
            }
        }
    };
}

int_quantity!(
    Ecog(u8),
    doc = "ECOG performance status (Oken 1982): 0 fully active to 4 completely disabled.",
    field = "performance_status.ecog",
    min = 0,
    max = 4,
    expected = "0 to 4"
);
int_quantity!(
    ChildPughScore(u8),
    doc = "Child–Pugh score (Pugh 1973): class A 5–6, B 7–9, C 10–15.",
    field = "liver_function.child_pugh_score",
    min = 5,
    max = 15,
    expected = "5 to 15"
);
int_quantity!(
    DiameterMm(u16),
    doc = "Diameter of the largest intrahepatic nodule, in whole millimetres.",
    field = "recurrence.intrahepatic.largest_diameter_mm",
    min = 1,
    max = 300,
    expected = "1 to 300 mm"
);
int_quantity!(
    NoduleCount(u16),
    doc = "Number of intrahepatic nodules (0 only with extrahepatic spread or vascular invasion).",
    field = "recurrence.intrahepatic.nodules",
    min = 0,
    max = 999,
    expected = "0 to 999"
);
int_quantity!(
    Months(u16),
    doc =
        "Whole months from the last interventional procedure to the diagnosis of this recurrence.",
    field = "history.months_since_last_procedure",
    min = 0,
    max = 600,
    expected = "0 to 600 months"
);
int_quantity!(
    Count(u8),
    doc = "A count of consecutive events after TACE.",
    field = "history",
    min = 0,
    max = 50,
    expected = "0 to 50"
);

const INSUFFICIENT_RESPONSES_FIELD: &str = "history.tace_insufficient_responses";
const INTRAHEPATIC_PROGRESSIONS_FIELD: &str = "history.tace_intrahepatic_progressions";

/// A `Count` fills two fields, so [`Count::new`] names their parent `history`;
/// [`Count::insufficient_responses`] and [`Count::intrahepatic_progressions`] name the field
/// itself.
impl Count {
    /// A count for `history.tace_insufficient_responses`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `history.tace_insufficient_responses` when the value is
    /// outside 0 to 50.
    ///
    /// ```
    /// use hcc_pathways::quantity::Count;
    /// assert_eq!(Count::insufficient_responses(2)?.get(), 2);
    /// let err = Count::insufficient_responses(51).unwrap_err();
    /// assert_eq!(err.field(), Some("history.tace_insufficient_responses"));
    /// # Ok::<(), hcc_pathways::Error>(())
    /// ```
    pub fn insufficient_responses(value: i64) -> Result<Self, Error> {
        Self::new(value).map_err(|e| e.at(INSUFFICIENT_RESPONSES_FIELD))
    }

    /// A count for `history.tace_intrahepatic_progressions`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `history.tace_intrahepatic_progressions` when the value is
    /// outside 0 to 50.
    pub fn intrahepatic_progressions(value: i64) -> Result<Self, Error> {
        Self::new(value).map_err(|e| e.at(INTRAHEPATIC_PROGRESSIONS_FIELD))
    }
}

impl ChildPughScore {
    /// The class: A (5–6), B (7–9) or C (10–15).
    pub fn class(self) -> ChildPughClass {
        ChildPughClass::of(self.0)
    }
}

crate::macros::wire_enum! {
    /// Child–Pugh class (Pugh 1973).
    ChildPughClass {
        /// Score 5–6.
        A = "A",
        /// Score 7–9.
        B = "B",
        /// Score 10–15.
        C = "C",
    }
}

impl ChildPughClass {
    /// The class of a score.
    pub fn of(score: u8) -> Self {
        match score {
            0..=6 => ChildPughClass::A,
            7..=9 => ChildPughClass::B,
            _ => ChildPughClass::C,
        }
    }
}

macro_rules! float_quantity {
    ($name:ident, doc = $doc:literal, field = $field:literal, min = $min:expr, min_inclusive = $mi:expr, max = $max:expr, expected = $exp:literal, unit = $unit:literal) => {
        #[doc = $doc]
        #[doc = ""]
        #[doc = concat!("Accepted: ", $exp, ", finite.")]
        #[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
        pub struct $name(f64);

        impl $name {
            /// Checks and wraps a value.
            ///
            /// # Errors
            #[doc = concat!("[`Error::Invalid`] naming `", $field, "` when the value is not finite or outside ", $exp, ".")]
            pub fn new(value: f64) -> Result<Self, Error> {
                check_float($field, value, $min, $mi, $max, $exp).map(Self)
            }

            /// The value.
            pub const fn get(self) -> f64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0, $unit)
            }
        }

        #[doc = concat!("Checks and wraps a value, as [`", stringify!($name), "::new`] (the same errors).")]
        impl TryFrom<f64> for $name {
            type Error = Error;

            fn try_from(value: f64) -> Result<Self, Error> {
                Self::new(value)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_f64(self.0)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = f64::deserialize(d)?;
                Self::new(raw).map_err(serde_reason)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut s = schemars::json_schema!({
                    "type": "number",
                    "maximum": $max,
                    "description": concat!($doc, " Accepted: ", $exp, "."),
                });
                let key = if $mi { "minimum" } else { "exclusiveMinimum" };
                s.insert(key.into(), serde_json::json!($min));
                s
            }
        }
    };
}

float_quantity!(
    Inr,
    doc = "International normalised ratio of prothrombin time.",
    field = "liver_function.inr",
    min = 0.5,
    min_inclusive = true,
    max = 20.0,
    expected = "0.5 to 20",
    unit = ""
);
float_quantity!(
    AfpNgMl,
    doc = "Serum alpha-fetoprotein in ng/mL.",
    field = "recurrence.afp_ng_ml",
    min = 0.0,
    min_inclusive = true,
    max = 10_000_000.0,
    expected = "0 to 10,000,000 ng/mL",
    unit = "ng/mL"
);

crate::macros::wire_enum! {
    /// Unit of a bilirubin value.
    #[non_exhaustive]
    BilirubinUnit {
        /// mg/dL
        MgDl = "mg_dl",
        /// µmol/L
        UmolL = "umol_l",
    }
}

crate::macros::wire_enum! {
    /// Unit of an albumin value.
    #[non_exhaustive]
    AlbuminUnit {
        /// g/dL
        GDl = "g_dl",
        /// g/L
        GL = "g_l",
    }
}

/// Serum total bilirubin with the unit it was entered in.
///
/// ```
/// use hcc_pathways::quantity::Bilirubin;
/// let b = Bilirubin::from_mg_dl(1.0)?;
/// assert!((b.umol_l() - 17.1).abs() < 1e-9);
/// assert!(Bilirubin::from_umol_l(0.0).is_err());
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Bilirubin {
    /// The value, above 0: at most 50 mg/dL or 855 µmol/L.
    value: f64,
    /// Its unit.
    unit: BilirubinUnit,
}

// A lab value's bounds depend on its unit, so errors name the `{"value", "unit"}` object as a
// whole, in the constructors as in JSON.
const BILIRUBIN_FIELD: &str = "liver_function.bilirubin";
const ALBUMIN_FIELD: &str = "liver_function.albumin";

impl Bilirubin {
    /// Bilirubin in mg/dL.
    ///
    /// # Errors
    /// [`Error::Invalid`] when not finite, not above 0, or above 50 mg/dL.
    pub fn from_mg_dl(value: f64) -> Result<Self, Error> {
        check_float(
            BILIRUBIN_FIELD,
            value,
            0.0,
            false,
            50.0,
            "above 0 and at most 50 mg/dL",
        )
        .map(|value| Self {
            value,
            unit: BilirubinUnit::MgDl,
        })
    }

    /// Bilirubin in µmol/L.
    ///
    /// # Errors
    /// [`Error::Invalid`] when not finite, not above 0, or above 855 µmol/L.
    pub fn from_umol_l(value: f64) -> Result<Self, Error> {
        check_float(
            BILIRUBIN_FIELD,
            value,
            0.0,
            false,
            855.0,
            "above 0 and at most 855 µmol/L",
        )
        .map(|value| Self {
            value,
            unit: BilirubinUnit::UmolL,
        })
    }

    /// Bilirubin in the given unit.
    ///
    /// # Errors
    /// As [`Bilirubin::from_mg_dl`] or [`Bilirubin::from_umol_l`].
    pub fn new(value: f64, unit: BilirubinUnit) -> Result<Self, Error> {
        match unit {
            BilirubinUnit::MgDl => Self::from_mg_dl(value),
            BilirubinUnit::UmolL => Self::from_umol_l(value),
        }
    }

    /// The value as entered.
    pub fn value(self) -> f64 {
        self.value
    }

    /// The unit it was entered in.
    pub fn unit(self) -> BilirubinUnit {
        self.unit
    }

    /// The value in µmol/L (mg/dL × 17.1), for ALBI only.
    pub fn umol_l(self) -> f64 {
        match self.unit {
            BilirubinUnit::MgDl => self.value * 17.1,
            BilirubinUnit::UmolL => self.value,
        }
    }
}

/// Serum albumin with the unit it was entered in.
///
/// ```
/// use hcc_pathways::quantity::Albumin;
/// assert_eq!(Albumin::from_g_dl(3.5)?.g_l(), 35.0);
/// assert!(Albumin::from_g_l(f64::NAN).is_err());
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Albumin {
    /// The value, above 0: at most 7 g/dL or 70 g/L.
    value: f64,
    /// Its unit.
    unit: AlbuminUnit,
}

impl Albumin {
    /// Albumin in g/dL.
    ///
    /// # Errors
    /// [`Error::Invalid`] when not finite, not above 0, or above 7 g/dL.
    pub fn from_g_dl(value: f64) -> Result<Self, Error> {
        check_float(
            ALBUMIN_FIELD,
            value,
            0.0,
            false,
            7.0,
            "above 0 and at most 7 g/dL",
        )
        .map(|value| Self {
            value,
            unit: AlbuminUnit::GDl,
        })
    }

    /// Albumin in g/L.
    ///
    /// # Errors
    /// [`Error::Invalid`] when not finite, not above 0, or above 70 g/L.
    pub fn from_g_l(value: f64) -> Result<Self, Error> {
        check_float(
            ALBUMIN_FIELD,
            value,
            0.0,
            false,
            70.0,
            "above 0 and at most 70 g/L",
        )
        .map(|value| Self {
            value,
            unit: AlbuminUnit::GL,
        })
    }

    /// Albumin in the given unit.
    ///
    /// # Errors
    /// As [`Albumin::from_g_dl`] or [`Albumin::from_g_l`].
    pub fn new(value: f64, unit: AlbuminUnit) -> Result<Self, Error> {
        match unit {
            AlbuminUnit::GDl => Self::from_g_dl(value),
            AlbuminUnit::GL => Self::from_g_l(value),
        }
    }

    /// The value as entered.
    pub fn value(self) -> f64 {
        self.value
    }

    /// The unit it was entered in.
    pub fn unit(self) -> AlbuminUnit {
        self.unit
    }

    /// The value in g/L (g/dL × 10), for ALBI only.
    pub fn g_l(self) -> f64 {
        match self.unit {
            AlbuminUnit::GDl => self.value * 10.0,
            AlbuminUnit::GL => self.value,
        }
    }
}

/// A bilirubin value in its unit, as [`Bilirubin::new`] (the same errors).
///
/// ```
/// use hcc_pathways::quantity::{Bilirubin, BilirubinUnit};
/// let b = Bilirubin::try_from((30.0, BilirubinUnit::UmolL))?;
/// assert_eq!((b.value(), b.unit()), (30.0, BilirubinUnit::UmolL));
/// assert!(Bilirubin::try_from((60.0, BilirubinUnit::MgDl)).is_err());
/// # Ok::<(), hcc_pathways::Error>(())
/// ```
impl TryFrom<(f64, BilirubinUnit)> for Bilirubin {
    type Error = Error;

    fn try_from((value, unit): (f64, BilirubinUnit)) -> Result<Self, Error> {
        Self::new(value, unit)
    }
}

/// An albumin value in its unit, as [`Albumin::new`] (the same errors).
impl TryFrom<(f64, AlbuminUnit)> for Albumin {
    type Error = Error;

    fn try_from((value, unit): (f64, AlbuminUnit)) -> Result<Self, Error> {
        Self::new(value, unit)
    }
}

/// JSON Schema of a lab value `{"value": number, "unit": U}`: the value's bounds depend on the
/// unit, so the schema gives the widest bound and narrows it with `if`/`then` for the other unit.
#[cfg(feature = "schemars")]
mod lab_schema {
    use super::*;
    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

    fn lab_schema<U: JsonSchema>(
        g: &mut SchemaGenerator,
        description: &str,
        widest_max: f64,
        narrow_unit: &str,
        narrow_max: f64,
    ) -> Schema {
        let mut unit = g.subschema_for::<U>();
        unit.insert(
            "description".into(),
            "The unit the value was entered in.".into(),
        );
        json_schema!({
            "description": description,
            "type": "object",
            "properties": {
                "value": {
                    "description": "The value in `unit`: above 0 and at most the unit's maximum.",
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": widest_max,
                },
                "unit": unit,
            },
            "required": ["value", "unit"],
            "additionalProperties": false,
            "if": {
                "type": "object",
                "properties": { "unit": { "const": narrow_unit } },
                "required": ["unit"],
            },
            "then": {
                "type": "object",
                "properties": { "value": { "type": "number", "maximum": narrow_max } },
            },
        })
    }

    impl JsonSchema for Bilirubin {
        fn schema_name() -> Cow<'static, str> {
            Cow::Borrowed("Bilirubin")
        }
        fn json_schema(g: &mut SchemaGenerator) -> Schema {
            lab_schema::<BilirubinUnit>(
                g,
                "Serum total bilirubin with the unit it was entered in: above 0 and at most \
                 50 mg/dL (`mg_dl`) or 855 µmol/L (`umol_l`). Child–Pugh points are scored in \
                 the unit entered.",
                855.0,
                "mg_dl",
                50.0,
            )
        }
    }

    impl JsonSchema for Albumin {
        fn schema_name() -> Cow<'static, str> {
            Cow::Borrowed("Albumin")
        }
        fn json_schema(g: &mut SchemaGenerator) -> Schema {
            lab_schema::<AlbuminUnit>(
                g,
                "Serum albumin with the unit it was entered in: above 0 and at most 7 g/dL \
                 (`g_dl`) or 70 g/L (`g_l`). Child–Pugh points are scored in the unit entered.",
                70.0,
                "g_dl",
                7.0,
            )
        }
    }
}

#[cfg(feature = "serde")]
mod lab_serde {
    use super::*;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw<U> {
        value: f64,
        unit: U,
    }

    impl<'de> serde::Deserialize<'de> for Bilirubin {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let raw = Raw::<BilirubinUnit>::deserialize(d)?;
            Bilirubin::new(raw.value, raw.unit).map_err(serde_reason)
        }
    }

    impl<'de> serde::Deserialize<'de> for Albumin {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let raw = Raw::<AlbuminUnit>::deserialize(d)?;
            Albumin::new(raw.value, raw.unit).map_err(serde_reason)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecog_bounds() {
        assert!(Ecog::new(0).is_ok());
        assert!(Ecog::new(4).is_ok());
        assert!(Ecog::new(5).is_err());
        assert!(Ecog::new(-1).is_err());
    }

    #[test]
    fn floats_reject_non_finite() {
        assert_eq!(
            Inr::new(f64::INFINITY).unwrap_err(),
            Error::invalid("liver_function.inr", Reason::NotFinite)
        );
        assert!(Bilirubin::from_mg_dl(f64::NAN).is_err());
        assert!(AfpNgMl::new(-1.0).is_err());
        assert!(AfpNgMl::new(0.0).is_ok());
    }

    #[test]
    fn conversions_happen_only_for_albi() {
        let b = Bilirubin::from_mg_dl(3.0).unwrap();
        assert_eq!(b.value(), 3.0);
        assert_eq!(b.unit(), BilirubinUnit::MgDl);
        assert_eq!(Albumin::from_g_l(28.0).unwrap().g_l(), 28.0);
    }
}
