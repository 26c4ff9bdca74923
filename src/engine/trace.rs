//! Facts a predicate read, recorded only when asked for.

use std::borrow::Cow;
use std::fmt;

/// A value a predicate read or compared against.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged, deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Value {
    /// Unknown or not recorded.
    Missing,
    /// A yes/no fact.
    Bool(bool),
    /// A whole number (scores, counts, millimetres).
    Int(i64),
    /// A measured quantity.
    Num(f64),
    /// A category, such as `main_portal_vein`.
    Text(Cow<'static, str>),
    /// A whole number known only to lie between two bounds (both included), such as a
    /// Child–Pugh score from incomplete components.
    Range {
        /// The lowest value allowed.
        min: i64,
        /// The highest value allowed.
        max: i64,
    },
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Missing => f.write_str("unknown"),
            Value::Bool(b) => write!(f, "{}", if *b { "yes" } else { "no" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Num(x) => write!(f, "{x}"),
            Value::Text(s) => f.write_str(s),
            Value::Range { min, max } => write!(f, "{min} to {max}"),
        }
    }
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(i64::from(v))
            }
        }
    )*};
}
value_from_int!(u8, u16, u32, i8, i16, i32, i64);

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Num(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&'static str> for Value {
    fn from(v: &'static str) -> Self {
        Value::Text(Cow::Borrowed(v))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Missing, Into::into)
    }
}

crate::macros::wire_enum! {
    /// A comparison a predicate made against a threshold.
    Cmp {
        /// `<`
        Lt = "<",
        /// `≤`
        Le = "<=",
        /// `=`
        Eq = "==",
        /// `≥`
        Ge = ">=",
        /// `>`
        Gt = ">",
    }
}

impl Cmp {
    /// Applies the comparison.
    pub fn holds<T: PartialOrd>(self, lhs: T, rhs: T) -> bool {
        match self {
            Cmp::Lt => lhs < rhs,
            Cmp::Le => lhs <= rhs,
            Cmp::Eq => lhs == rhs,
            Cmp::Ge => lhs >= rhs,
            Cmp::Gt => lhs > rhs,
        }
    }

    /// The opposite comparison (`<` for `≥`).
    pub fn negate(self) -> Cmp {
        match self {
            Cmp::Lt => Cmp::Ge,
            Cmp::Le => Cmp::Gt,
            Cmp::Eq => Cmp::Eq,
            Cmp::Ge => Cmp::Lt,
            Cmp::Gt => Cmp::Le,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "≤",
            Cmp::Eq => "=",
            Cmp::Ge => "≥",
            Cmp::Gt => ">",
        }
    }
}

/// One fact a predicate read, with the comparison that decided it if there was one.
///
/// Displays as `child_pugh_score = 8 > 7`, or, when the threshold is a named setting (a policy
/// field), `up_to_seven_sum = 90 ≤ up_to_seven_limit = 110`: the value, then the relation that
/// actually holds between it and the threshold.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Fact {
    /// What was read, for example `child_pugh_score`.
    pub name: Cow<'static, str>,
    /// Its value.
    pub value: Value,
    /// The relation that holds between the value and the threshold, if one was compared.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub relation: Option<Cmp>,
    /// The name of the setting the threshold came from (a [`Policy`](crate::Policy) field),
    /// when it came from one.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::schema::ids::SettingExpression>")
    )]
    pub setting: Option<Cow<'static, str>>,
    /// The threshold it was compared against.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub threshold: Option<Value>,
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.name, self.value)?;
        if let (Some(rel), Some(th)) = (self.relation, &self.threshold) {
            write!(f, " {} ", rel.symbol())?;
            if let Some(setting) = &self.setting {
                write!(f, "{setting} = ")?;
            }
            write!(f, "{th}")?;
        }
        Ok(())
    }
}

/// Where predicates record the facts they read.
///
/// A silent trace records nothing and never allocates, so classification stays cheap; a
/// recording trace collects [`Fact`]s for the explanation.
///
/// ```
/// use hcc_pathways::engine::{Cmp, Trace};
///
/// let mut t = Trace::recording();
/// assert!(t.compare("child_pugh_score", 8u8, Cmp::Gt, 7u8));
/// assert_eq!(t.facts()[0].to_string(), "child_pugh_score = 8 > 7");
/// ```
#[derive(Debug, Default)]
pub struct Trace {
    facts: Option<Vec<Fact>>,
}

impl Trace {
    /// A trace that records nothing.
    pub const fn silent() -> Self {
        Self { facts: None }
    }

    /// A trace that records every fact.
    pub fn recording() -> Self {
        Self {
            facts: Some(Vec::new()),
        }
    }

    /// Whether facts are being recorded.
    pub fn is_recording(&self) -> bool {
        self.facts.is_some()
    }

    /// The facts recorded so far.
    pub fn facts(&self) -> &[Fact] {
        self.facts.as_deref().unwrap_or(&[])
    }

    /// Takes the recorded facts, leaving the trace recording and empty.
    pub fn take(&mut self) -> Vec<Fact> {
        self.facts.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// A recording trace that appends to `buffer` (so that many predicates can record into one
    /// vector: take it back with [`Trace::into_facts`]).
    pub fn recording_into(buffer: Vec<Fact>) -> Self {
        Self {
            facts: Some(buffer),
        }
    }

    /// The recorded facts (empty for a silent trace).
    pub fn into_facts(self) -> Vec<Fact> {
        self.facts.unwrap_or_default()
    }

    /// Records a plain fact.
    #[inline]
    pub fn note(&mut self, name: &'static str, value: impl Into<Value>) {
        if self.facts.is_some() {
            self.push(Fact {
                name: Cow::Borrowed(name),
                value: value.into(),
                relation: None,
                setting: None,
                threshold: None,
            });
        }
    }

    /// Records that the fact at JSON path `path` is not known (a predicate that needed it is
    /// then unknown, or settled by other facts).
    #[inline]
    pub fn unknown(&mut self, path: &'static str) {
        if self.facts.is_some() {
            self.push(Fact {
                name: Cow::Borrowed(path),
                value: Value::Missing,
                relation: None,
                setting: None,
                threshold: None,
            });
        }
    }

    /// Records a whole-number fact known only to lie in `min..=max`.
    #[inline]
    pub fn note_range(&mut self, name: &'static str, min: i64, max: i64) {
        if self.facts.is_some() {
            self.push(Fact {
                name: Cow::Borrowed(name),
                value: Value::Range { min, max },
                relation: None,
                setting: None,
                threshold: None,
            });
        }
    }

    /// Appends a fact to a recording trace. Kept out of line and cold: a silent trace, the
    /// hot path of classification, then costs a predicate one test and no register spills.
    #[cold]
    #[inline(never)]
    fn push(&mut self, fact: Fact) {
        if let Some(v) = self.facts.as_mut() {
            v.push(fact);
        }
    }

    /// Records a plain fact and returns the boolean it names.
    pub fn flag(&mut self, name: &'static str, value: bool) -> bool {
        self.note(name, value);
        value
    }

    /// Compares `value` with `threshold`, records the fact with the relation that holds, and
    /// returns whether `cmp` holds.
    #[inline]
    pub fn compare<T>(&mut self, name: &'static str, value: T, cmp: Cmp, threshold: T) -> bool
    where
        T: PartialOrd + Into<Value> + Copy,
    {
        let holds = cmp.holds(value, threshold);
        if self.facts.is_some() {
            self.record_comparison(name, value, None, threshold);
        }
        holds
    }

    /// As [`Trace::compare`], for a threshold that is the value of a named setting (a policy
    /// field): the fact names the setting, as in `up_to_seven_sum = 90 ≤ up_to_seven_limit =
    /// 110`.
    ///
    /// ```
    /// use hcc_pathways::engine::{Cmp, Trace};
    /// let mut t = Trace::recording();
    /// assert!(t.compare_setting("up_to_seven_sum", 90u32, Cmp::Le, "up_to_seven_limit", 110));
    /// assert_eq!(t.facts()[0].to_string(), "up_to_seven_sum = 90 < up_to_seven_limit = 110");
    /// ```
    #[inline]
    pub fn compare_setting<T>(
        &mut self,
        name: &'static str,
        value: T,
        cmp: Cmp,
        setting: &'static str,
        threshold: T,
    ) -> bool
    where
        T: PartialOrd + Into<Value> + Copy,
    {
        let holds = cmp.holds(value, threshold);
        if self.facts.is_some() {
            self.record_comparison(name, value, Some(setting), threshold);
        }
        holds
    }

    /// The recording half of [`Trace::compare`], out of line for the reason given at
    /// [`Trace::push`].
    #[cold]
    #[inline(never)]
    fn record_comparison<T>(
        &mut self,
        name: &'static str,
        value: T,
        setting: Option<&'static str>,
        threshold: T,
    ) where
        T: PartialOrd + Into<Value> + Copy,
    {
        let relation = if value < threshold {
            Cmp::Lt
        } else if value > threshold {
            Cmp::Gt
        } else {
            Cmp::Eq
        };
        self.push(Fact {
            name: Cow::Borrowed(name),
            value: value.into(),
            relation: Some(relation),
            setting: setting.map(Cow::Borrowed),
            threshold: Some(threshold.into()),
        });
    }
}
