//! Truth values that may be unknown: Kleene's strong three-valued logic.

use std::fmt;

/// The value of a predicate or a condition when some facts may be unknown.
///
/// `Unknown` means the known facts do not settle it: some valid completion of the unknown facts
/// makes it true and another makes it false. The connectives are Kleene's strong ones: `and` is
/// false as soon as one side is false, `or` true as soon as one side is true, and unknown
/// otherwise when a side is unknown. They are sound (a known result holds for every completion)
/// but not always precise: `p ∨ ¬p` is unknown when `p` is.
///
/// A predicate written for complete data returns `bool`, which converts into a known `Truth`.
///
/// ```
/// use hcc_pathways::engine::Truth;
///
/// assert_eq!(Truth::Unknown.and(Truth::False), Truth::False);
/// assert_eq!(Truth::Unknown.or(Truth::True), Truth::True);
/// assert_eq!(Truth::Unknown.and(Truth::True), Truth::Unknown);
/// assert_eq!(Truth::from(Some(true)), Truth::True);
/// assert_eq!(Truth::from(None::<bool>), Truth::Unknown);
/// assert_eq!(Truth::Unknown.not(), Truth::Unknown);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Truth {
    /// False in every valid completion of the unknown facts.
    False,
    /// True in every valid completion of the unknown facts.
    True,
    /// Not settled by the known facts.
    Unknown,
}

impl Truth {
    /// Kleene conjunction.
    #[must_use]
    pub const fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Kleene disjunction.
    #[must_use]
    pub const fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    /// Negation (unknown stays unknown).
    #[must_use]
    #[allow(clippy::should_implement_trait)]
    pub const fn not(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::True => Truth::False,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// Whether it is known to be true.
    pub const fn is_true(self) -> bool {
        matches!(self, Truth::True)
    }

    /// Whether it is known to be false.
    pub const fn is_false(self) -> bool {
        matches!(self, Truth::False)
    }

    /// Whether it is unknown.
    pub const fn is_unknown(self) -> bool {
        matches!(self, Truth::Unknown)
    }

    /// Whether it may be true (true or unknown).
    pub const fn may_be_true(self) -> bool {
        !self.is_false()
    }

    /// The value when known.
    pub const fn known(self) -> Option<bool> {
        match self {
            Truth::False => Some(false),
            Truth::True => Some(true),
            Truth::Unknown => None,
        }
    }

    /// The three-valued result of a comparison whose left side lies somewhere in `lo..=hi`
    /// (equal ends: a known value). Comparisons are monotone in the value, so the ends decide;
    /// `==` is true only when both ends equal the threshold.
    ///
    /// ```
    /// use hcc_pathways::engine::{Cmp, Truth};
    /// assert_eq!(Truth::compare_range(7, 9, Cmp::Ge, 10), Truth::False);
    /// assert_eq!(Truth::compare_range(7, 9, Cmp::Gt, 7), Truth::Unknown);
    /// assert_eq!(Truth::compare_range(8, 8, Cmp::Le, 8), Truth::True);
    /// assert_eq!(Truth::compare_range(1, 3, Cmp::Eq, 5), Truth::False);
    /// ```
    pub fn compare_range<T: PartialOrd + Copy>(
        lo: T,
        hi: T,
        cmp: super::Cmp,
        threshold: T,
    ) -> Truth {
        if cmp == super::Cmp::Eq {
            return if lo == threshold && hi == threshold {
                Truth::True
            } else if threshold < lo || threshold > hi {
                Truth::False
            } else {
                Truth::Unknown
            };
        }
        match (cmp.holds(lo, threshold), cmp.holds(hi, threshold)) {
            (true, true) => Truth::True,
            (false, false) => Truth::False,
            _ => Truth::Unknown,
        }
    }
}

impl From<bool> for Truth {
    fn from(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
}

impl From<Option<bool>> for Truth {
    fn from(b: Option<bool>) -> Truth {
        b.map_or(Truth::Unknown, Truth::from)
    }
}

impl fmt::Display for Truth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Truth::False => "false",
            Truth::True => "true",
            Truth::Unknown => "unknown",
        })
    }
}

/// `true`, `false`, or `null` for unknown.
#[cfg(feature = "serde")]
impl serde::Serialize for Truth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.known() {
            Some(b) => s.serialize_bool(b),
            None => s.serialize_none(),
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Truth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<bool>::deserialize(d).map(Truth::from)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Truth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Truth")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "true, false, or null when the known facts do not settle it",
            "type": ["boolean", "null"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Truth; 3] = [Truth::False, Truth::True, Truth::Unknown];

    /// Kleene's connectives agree with Boolean logic on known values and are sound: a known
    /// result is the result for every completion of the unknown sides.
    #[test]
    fn connectives_are_sound_and_agree_with_boolean_logic() {
        let completions = |t: Truth| -> Vec<bool> {
            match t.known() {
                Some(b) => vec![b],
                None => vec![false, true],
            }
        };
        for a in ALL {
            assert_eq!(a.not().not(), a);
            for b in ALL {
                for (op, f) in [
                    (
                        Truth::and as fn(Truth, Truth) -> Truth,
                        (|x, y| x && y) as fn(bool, bool) -> bool,
                    ),
                    (Truth::or, |x, y| x || y),
                ] {
                    let got = op(a, b);
                    let outcomes: Vec<bool> = completions(a)
                        .into_iter()
                        .flat_map(|x| completions(b).into_iter().map(move |y| f(x, y)))
                        .collect();
                    match got.known() {
                        Some(v) => assert!(outcomes.iter().all(|o| *o == v), "{a} {b}"),
                        // Precise on single leaves: unknown only when both outcomes occur.
                        None => assert!(outcomes.contains(&true) && outcomes.contains(&false)),
                    }
                }
            }
        }
    }

    #[test]
    fn ranges_compare_by_their_ends() {
        use crate::engine::Cmp;
        for lo in 0..6 {
            for hi in lo..6 {
                for th in 0..6 {
                    for cmp in [Cmp::Lt, Cmp::Le, Cmp::Eq, Cmp::Ge, Cmp::Gt] {
                        let outcomes: Vec<bool> = (lo..=hi).map(|v| cmp.holds(v, th)).collect();
                        let expected = if outcomes.iter().all(|o| *o) {
                            Truth::True
                        } else if outcomes.iter().all(|o| !*o) {
                            Truth::False
                        } else {
                            Truth::Unknown
                        };
                        assert_eq!(Truth::compare_range(lo, hi, cmp, th), expected);
                    }
                }
            }
        }
    }
}
