//! Predicates: named leaf tests over a context, combined with `and`, `or` and `not`.

use std::fmt;
use std::sync::Arc;

use crate::sources::Source;

use super::trace::Trace;
use super::truth::Truth;

type TestFn<C> = dyn Fn(&C, &mut Trace) -> Truth + Send + Sync;

/// A named leaf test over a context `C`, with the sources that justify it.
///
/// A predicate reads the context, returns its truth value and, when the [`Trace`] is recording,
/// notes the facts it read (for example `child_pugh_score = 8 > 7`). Its id is public API: an
/// explanation stored today must mean the same thing after an upgrade.
///
/// The test returns a `bool`, or a [`Truth`] when the context may leave it unknown (a fact not
/// known): `Truth::Unknown` exactly when the known facts do not settle it.
///
/// ```
/// use hcc_pathways::engine::{Predicate, Trace};
/// use hcc_pathways::sources::Source;
///
/// const MINE: Source = Source::new("MY-STUDY", "Our cohort protocol, 2026");
/// let big = Predicate::new("big", "value above 10", &[MINE], |x: &i32, t: &mut Trace| {
///     t.compare("value", *x, hcc_pathways::engine::Cmp::Gt, 10)
/// });
/// assert!(big.test(&11));
/// assert!(!big.test(&10));
/// ```
pub struct Predicate<C> {
    id: &'static str,
    description: &'static str,
    sources: &'static [Source],
    test: Arc<TestFn<C>>,
}

impl<C> Clone for Predicate<C> {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            description: self.description,
            sources: self.sources,
            test: Arc::clone(&self.test),
        }
    }
}

impl<C> fmt::Debug for Predicate<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Predicate")
            .field("id", &self.id)
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl<C> Predicate<C> {
    /// Makes a predicate. It must cite at least one source: a predicate without one does not
    /// compile (`N` must be above zero).
    ///
    /// # Errors
    /// None at run time. An empty source list is rejected when the program is compiled:
    ///
    /// ```compile_fail
    /// use hcc_pathways::engine::{Predicate, Trace};
    /// let p = Predicate::new("p", "unsourced", &[], |x: &i32, _: &mut Trace| *x > 0);
    /// ```
    ///
    /// A three-valued test, for contexts with unknown facts:
    ///
    /// ```
    /// use hcc_pathways::engine::{Predicate, Trace, Truth};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let adult = Predicate::new("adult", "aged 18 or over", &[S], |age: &Option<u8>, _: &mut Trace| {
    ///     Truth::from(age.map(|a| a >= 18))
    /// });
    /// assert_eq!(adult.truth(&Some(40)), Truth::True);
    /// assert_eq!(adult.truth(&None), Truth::Unknown);
    /// ```
    pub fn new<const N: usize, R: Into<Truth>>(
        id: &'static str,
        description: &'static str,
        sources: &'static [Source; N],
        test: impl Fn(&C, &mut Trace) -> R + Send + Sync + 'static,
    ) -> Self {
        const { assert!(N > 0, "a predicate must cite at least one source") };
        Self {
            id,
            description,
            sources,
            test: Arc::new(move |c: &C, t: &mut Trace| test(c, t).into()),
        }
    }

    /// The stable id, for example `terminal`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// A one-line description of what the predicate tests.
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// The guidelines or trials that justify it.
    pub fn sources(&self) -> &'static [Source] {
        self.sources
    }

    /// Whether the predicate is known to hold, without recording facts (`false` when the
    /// context leaves it unknown: use [`Predicate::truth`] where facts may be unknown).
    pub fn test(&self, ctx: &C) -> bool {
        self.truth(ctx).is_true()
    }

    /// The predicate's three-valued truth, without recording facts.
    pub fn truth(&self, ctx: &C) -> Truth {
        (self.test)(ctx, &mut Trace::silent())
    }

    /// Evaluates the predicate, recording the facts it read into `trace`.
    pub fn evaluate(&self, ctx: &C, trace: &mut Trace) -> Truth {
        (self.test)(ctx, trace)
    }

    /// Whether two handles share the same test function (clones of one predicate).
    pub(crate) fn same_test(&self, other: &Self) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.test), Arc::as_ptr(&other.test))
    }

    /// This predicate as an expression, to combine with others.
    pub fn expr(&self) -> Expr<C> {
        Expr::Leaf(self.clone())
    }

    /// `self ∧ other`.
    pub fn and(&self, other: impl Into<Expr<C>>) -> Expr<C> {
        self.expr().and(other)
    }

    /// `self ∨ other`.
    pub fn or(&self, other: impl Into<Expr<C>>) -> Expr<C> {
        self.expr().or(other)
    }

    /// `¬self`.
    pub fn not(&self) -> Expr<C> {
        Expr::Not(Box::new(self.expr()))
    }
}

/// A condition built from predicates.
///
/// `Named` gives a composite condition an id of its own so that explanations can report it
/// (the clinical `locally_treatable` is `limited_intrahepatic ∧ (¬tace_refractory ∨
/// ablation_candidate)`).
///
/// ```
/// use hcc_pathways::engine::{Expr, Predicate, Trace};
/// use hcc_pathways::sources::Source;
///
/// const S: Source = Source::new("DEMO", "Demonstration only");
/// let even = Predicate::new("even", "even number", &[S], |x: &i32, _: &mut Trace| x % 2 == 0);
/// let pos = Predicate::new("positive", "above zero", &[S], |x: &i32, _: &mut Trace| *x > 0);
/// let odd_or_negative = even.and(&pos).not();
/// assert!(odd_or_negative.test(&3));
/// assert!(!odd_or_negative.test(&4));
/// ```
#[non_exhaustive]
pub enum Expr<C> {
    /// Always true: the condition of a catch-all rule.
    True,
    /// A leaf predicate.
    Leaf(Predicate<C>),
    /// Negation.
    Not(Box<Expr<C>>),
    /// True when every part is (true when empty).
    All(Vec<Expr<C>>),
    /// True when any part is (false when empty).
    Any(Vec<Expr<C>>),
    /// A composite with an id and description of its own.
    Named {
        /// Stable id.
        id: &'static str,
        /// What it tests.
        description: &'static str,
        /// The definition.
        expr: Box<Expr<C>>,
    },
}

impl<C> Clone for Expr<C> {
    fn clone(&self) -> Self {
        match self {
            Expr::True => Expr::True,
            Expr::Leaf(p) => Expr::Leaf(p.clone()),
            Expr::Not(e) => Expr::Not(e.clone()),
            Expr::All(v) => Expr::All(v.clone()),
            Expr::Any(v) => Expr::Any(v.clone()),
            Expr::Named {
                id,
                description,
                expr,
            } => Expr::Named {
                id,
                description,
                expr: expr.clone(),
            },
        }
    }
}

impl<C> fmt::Debug for Expr<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<C> fmt::Display for Expr<C> {
    /// Renders the condition as text, for example `¬comfort_focused ∧ terminal`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn join<C>(f: &mut fmt::Formatter<'_>, parts: &[Expr<C>], op: &str) -> fmt::Result {
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                let compound = matches!(p, Expr::All(v) | Expr::Any(v) if v.len() > 1);
                if compound {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{p}")?;
                }
            }
            Ok(())
        }
        match self {
            Expr::True => f.write_str("true"),
            Expr::Leaf(p) => f.write_str(p.id),
            Expr::Named { id, .. } => f.write_str(id),
            Expr::Not(e) => match **e {
                Expr::All(ref v) | Expr::Any(ref v) if v.len() > 1 => write!(f, "¬({e})"),
                _ => write!(f, "¬{e}"),
            },
            Expr::All(v) if v.is_empty() => f.write_str("true"),
            Expr::Any(v) if v.is_empty() => f.write_str("false"),
            Expr::All(v) => join(f, v, "∧"),
            Expr::Any(v) => join(f, v, "∨"),
        }
    }
}

impl<C> From<Predicate<C>> for Expr<C> {
    fn from(p: Predicate<C>) -> Self {
        Expr::Leaf(p)
    }
}

impl<C> From<&Predicate<C>> for Expr<C> {
    fn from(p: &Predicate<C>) -> Self {
        Expr::Leaf(p.clone())
    }
}

impl<C> From<&Expr<C>> for Expr<C> {
    fn from(e: &Expr<C>) -> Self {
        e.clone()
    }
}

impl<C> Expr<C> {
    /// Gives a composite condition a stable id and description.
    pub fn named(id: &'static str, description: &'static str, expr: impl Into<Expr<C>>) -> Self {
        Expr::Named {
            id,
            description,
            expr: Box::new(expr.into()),
        }
    }

    /// `self ∧ other` (flattens nested conjunctions).
    pub fn and(self, other: impl Into<Expr<C>>) -> Self {
        let other = other.into();
        match self {
            Expr::All(mut v) => {
                v.push(other);
                Expr::All(v)
            }
            e => Expr::All(vec![e, other]),
        }
    }

    /// `self ∨ other` (flattens nested disjunctions).
    pub fn or(self, other: impl Into<Expr<C>>) -> Self {
        let other = other.into();
        match self {
            Expr::Any(mut v) => {
                v.push(other);
                Expr::Any(v)
            }
            e => Expr::Any(vec![e, other]),
        }
    }

    /// `¬self`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        match self {
            Expr::Not(inner) => *inner,
            e => Expr::Not(Box::new(e)),
        }
    }

    /// Whether the condition is known to hold, evaluated directly (outside a rule set) without
    /// recording facts (`false` when unknown: see [`Expr::truth`]).
    pub fn test(&self, ctx: &C) -> bool {
        self.truth(ctx).is_true()
    }

    /// The condition's truth in Kleene's three-valued logic, evaluated directly.
    pub fn truth(&self, ctx: &C) -> Truth {
        match self {
            Expr::True => Truth::True,
            Expr::Leaf(p) => p.truth(ctx),
            Expr::Not(e) => e.truth(ctx).not(),
            Expr::All(v) => v.iter().fold(Truth::True, |acc, e| acc.and(e.truth(ctx))),
            Expr::Any(v) => v.iter().fold(Truth::False, |acc, e| acc.or(e.truth(ctx))),
            Expr::Named { expr, .. } => expr.truth(ctx),
        }
    }

    /// This condition with every leaf whose id has a definition in `definitions` replaced by
    /// that definition (itself expanded, to a depth of 8 definitions). Checks use it to prove a
    /// rule set that reads decisions (such as "the pathway rules chose R5") over the predicates
    /// those decisions were made from.
    ///
    /// ```
    /// use hcc_pathways::engine::{Expr, Predicate, Trace};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let small = Predicate::new("small", "below 10", &[S], |x: &i32, _: &mut Trace| *x < 10);
    /// let pos = Predicate::new("positive", "above 0", &[S], |x: &i32, _: &mut Trace| *x > 0);
    /// let decided = Predicate::new("decided_digit", "chose digit", &[S], |_: &i32, _: &mut Trace| false);
    /// let expanded = decided.not().substitute(&[("decided_digit", small.and(&pos))]);
    /// assert_eq!(expanded.to_string(), "¬(small ∧ positive)");
    /// ```
    #[must_use]
    pub fn substitute(&self, definitions: &[(&str, Expr<C>)]) -> Expr<C> {
        self.substitute_depth(definitions, 8)
    }

    fn substitute_depth(&self, defs: &[(&str, Expr<C>)], depth: u8) -> Expr<C> {
        match self {
            Expr::True => Expr::True,
            Expr::Leaf(p) => match defs.iter().find(|(id, _)| *id == p.id()) {
                Some((_, e)) if depth > 0 => e.substitute_depth(defs, depth - 1),
                _ => Expr::Leaf(p.clone()),
            },
            Expr::Not(e) => Expr::Not(Box::new(e.substitute_depth(defs, depth))),
            Expr::All(v) => Expr::All(v.iter().map(|e| e.substitute_depth(defs, depth)).collect()),
            Expr::Any(v) => Expr::Any(v.iter().map(|e| e.substitute_depth(defs, depth)).collect()),
            Expr::Named {
                id,
                description,
                expr,
            } => Expr::Named {
                id,
                description,
                expr: Box::new(expr.substitute_depth(defs, depth)),
            },
        }
    }

    /// Calls `f` on every leaf predicate, in order of appearance (with repeats).
    pub fn for_each_leaf<'a>(&'a self, f: &mut impl FnMut(&'a Predicate<C>)) {
        match self {
            Expr::True => {}
            Expr::Leaf(p) => f(p),
            Expr::Not(e) => e.for_each_leaf(f),
            Expr::All(v) | Expr::Any(v) => v.iter().for_each(|e| e.for_each_leaf(f)),
            Expr::Named { expr, .. } => expr.for_each_leaf(f),
        }
    }
}

/// `a ∧ b ∧ …` of any number of conditions.
pub fn all<C>(parts: impl IntoIterator<Item = Expr<C>>) -> Expr<C> {
    Expr::All(parts.into_iter().collect())
}

/// `a ∨ b ∨ …` of any number of conditions.
pub fn any<C>(parts: impl IntoIterator<Item = Expr<C>>) -> Expr<C> {
    Expr::Any(parts.into_iter().collect())
}

/// `¬e`.
pub fn not<C>(e: impl Into<Expr<C>>) -> Expr<C> {
    e.into().not()
}
