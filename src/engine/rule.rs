//! Rules, rule sets and the UNIQUE hit policy.

use std::fmt;

use crate::sources::Source;

use super::compile::{compile, Blocker, Dnf, Node};
use super::predicate::{Expr, Predicate};
use super::trace::{Fact, Trace};
use super::truth::Truth;

/// The most leaf predicates one rule set may read (their truth values fit one `u64`).
pub const MAX_LEAVES: usize = 64;

/// A rule: when its condition holds, it decides `D`, for a stated reason and with sources.
///
/// ```
/// use hcc_pathways::engine::{Predicate, Rule, Trace};
/// use hcc_pathways::sources::Source;
///
/// const S: Source = Source::new("DEMO", "Demonstration only");
/// let neg = Predicate::new("negative", "below zero", &[S], |x: &i32, _: &mut Trace| *x < 0);
/// let rule = Rule::new("N1", neg.expr(), "negative", "below zero", &[S]);
/// assert_eq!(rule.id(), "N1");
/// assert!(rule.condition().test(&-1));
/// ```
pub struct Rule<C, D> {
    id: &'static str,
    when: Expr<C>,
    then: D,
    reason: &'static str,
    sources: &'static [Source],
}

impl<C, D: Clone> Clone for Rule<C, D> {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            when: self.when.clone(),
            then: self.then.clone(),
            reason: self.reason,
            sources: self.sources,
        }
    }
}

impl<C, D: fmt::Debug> fmt::Debug for Rule<C, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("when", &self.when)
            .field("then", &self.then)
            .finish_non_exhaustive()
    }
}

impl<C, D> Rule<C, D> {
    /// Makes a rule. It must cite at least one source: a rule without one does not compile.
    ///
    /// # Errors
    /// None at run time. An empty source list is rejected when the program is compiled:
    ///
    /// ```compile_fail
    /// use hcc_pathways::engine::{Expr, Rule};
    /// let unsourced: Rule<i32, &str> = Rule::new("X1", Expr::True, "anything", "no reason", &[]);
    /// ```
    pub fn new<const N: usize>(
        id: &'static str,
        when: impl Into<Expr<C>>,
        then: D,
        reason: &'static str,
        sources: &'static [Source; N],
    ) -> Self {
        const { assert!(N > 0, "a rule must cite at least one source") };
        Self {
            id,
            when: when.into(),
            then,
            reason,
            sources,
        }
    }

    /// A rule without sources, for checks that rebuild a set's conditions.
    pub(crate) fn internal(id: &'static str, when: Expr<C>, then: D) -> Self {
        Self {
            id,
            when,
            then,
            reason: "",
            sources: &[],
        }
    }

    /// The stable id, for example `R3`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The condition.
    pub fn condition(&self) -> &Expr<C> {
        &self.when
    }

    /// What the rule decides.
    pub fn outcome(&self) -> &D {
        &self.then
    }

    /// Why, in a sentence a clinician can read.
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    /// The guidelines or trials it rests on.
    pub fn sources(&self) -> &'static [Source] {
        self.sources
    }
}

/// The value of one named predicate (leaf or composite) for one context.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PredicateValue {
    /// Its id.
    pub id: &'static str,
    /// What it tests.
    pub description: &'static str,
    /// Whether it held (unknown when the known facts do not settle it).
    pub value: Truth,
    /// The facts it read (empty for composites, whose parts are listed separately).
    pub facts: Vec<Fact>,
    /// Its sources (empty for composites).
    pub sources: &'static [Source],
}

/// The most unknown leaves [`RuleSet::candidates`] enumerates (2^16 assignments).
pub const MAX_CANDIDATE_LEAVES: usize = 16;

/// The leaf values of one context when some may be unknown: bit `i` of `known` says whether
/// leaf `i` is known, the same bit of `value` its value (clear for unknown leaves).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Leaves {
    /// The leaves whose value is known.
    pub known: u64,
    /// Their values.
    pub value: u64,
}

impl Leaves {
    /// Every leaf below `count` known, with the values in `mask`.
    ///
    /// ```
    /// use hcc_pathways::engine::Leaves;
    /// assert_eq!(Leaves::complete(0b101, 3), Leaves { known: 0b111, value: 0b101 });
    /// ```
    pub fn complete(mask: u64, count: usize) -> Leaves {
        let known = if count >= 64 {
            u64::MAX
        } else {
            (1u64 << count) - 1
        };
        Leaves {
            known,
            value: mask & known,
        }
    }

    /// Records leaf `i`'s truth (ignored beyond 64 leaves).
    pub fn set(&mut self, i: usize, truth: Truth) {
        let Some(bit) = u32::try_from(i).ok().and_then(|i| 1u64.checked_shl(i)) else {
            return;
        };
        match truth {
            Truth::Unknown => {
                self.known &= !bit;
                self.value &= !bit;
            }
            known => {
                self.known |= bit;
                if known.is_true() {
                    self.value |= bit;
                } else {
                    self.value &= !bit;
                }
            }
        }
    }

    /// Leaf `i`'s truth.
    pub fn get(&self, i: usize) -> Truth {
        match u32::try_from(i).ok().and_then(|i| 1u64.checked_shl(i)) {
            Some(bit) if self.known & bit != 0 => Truth::from(self.value & bit != 0),
            _ => Truth::Unknown,
        }
    }
}

/// Which rules of a set match when some leaves may be unknown: `matched`, those true for every
/// value of the unknown leaves, and `possible`, those true for some (a superset). Bit `i` is
/// `rules()[i]`. With every leaf known both are the rules that match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Verdict {
    /// Rules that match whatever the unknown leaves are.
    pub matched: u64,
    /// Rules that match for some values of them.
    pub possible: u64,
}

impl Verdict {
    /// Whether the unknown leaves change nothing: the possible rules are the matched ones.
    pub fn is_decided(&self) -> bool {
        self.matched == self.possible
    }

    /// The rules that may, but need not, match.
    pub fn pending(&self) -> u64 {
        self.possible & !self.matched
    }
}

/// How the rules of a set combine, declared on the set itself and proved by
/// [`check`](crate::engine::check).
///
/// | hit policy | at run time | what [`check`](crate::engine::check) proves |
/// |---|---|---|
/// | `Unique` | exactly one rule matches ([`RuleSet::decide`]), else [`HitPolicyError`] | no gap and no overlap anywhere in the set's scope |
/// | `Collect` | every matching rule applies ([`RuleSet::matching`]); two rules of one exclusive group matching is a [`HitPolicyError`] | no two rules of an exclusive group match together anywhere in the scope |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HitPolicy {
    /// Exactly one rule matches: a choice (a pathway, a procedure, a line of therapy).
    Unique,
    /// Every matching rule applies: a list (cautions, considerations, omissions), with
    /// optional groups of rules of which at most one may match.
    Collect,
}

impl fmt::Display for HitPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HitPolicy::Unique => "UNIQUE",
            HitPolicy::Collect => "COLLECT",
        })
    }
}

/// A rule set's hit policy was violated for a context: a defect in the rule set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("rule set `{rule_set}` violated its {policy} hit policy: {}", describe(*.policy, .matched))]
pub struct HitPolicyError {
    /// The rule set's id.
    pub rule_set: &'static str,
    /// Its declared hit policy.
    pub policy: HitPolicy,
    /// The ids of the rules that matched (empty for a gap; for a COLLECT set, the rules of the
    /// exclusive group that matched together).
    pub matched: Vec<&'static str>,
}

fn describe(policy: HitPolicy, matched: &[&'static str]) -> String {
    match (policy, matched.is_empty()) {
        (HitPolicy::Unique, true) => "no rule matched".to_owned(),
        (HitPolicy::Unique, false) => {
            format!("several rules matched ({})", matched.join(", "))
        }
        (HitPolicy::Collect, _) => format!(
            "rules of one exclusive group matched together ({})",
            matched.join(", ")
        ),
    }
}

/// A rule set could not be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleSetError {
    /// Two rules share an id.
    #[error("rule id `{0}` is used twice")]
    DuplicateRuleId(&'static str),
    /// Two different predicates share an id.
    #[error("predicate id `{0}` names two different predicates")]
    DuplicatePredicateId(&'static str),
    /// More leaf predicates than fit the engine's bit mask.
    #[error("a rule set reads at most {MAX_LEAVES} leaf predicates, this one reads {0}")]
    TooManyPredicates(usize),
    /// More rules than fit the engine's bit mask of matches.
    #[error("a rule set holds at most {MAX_RULES} rules, this one holds {0}")]
    TooManyRules(usize),
    /// No rules.
    #[error("a rule set needs at least one rule")]
    Empty,
    /// An exclusive group names a rule the set does not hold.
    #[error("exclusive group names unknown rule `{0}`")]
    UnknownRule(String),
    /// Exclusive groups belong to COLLECT sets (a UNIQUE set is exclusive as a whole).
    #[error("exclusive groups are declared on COLLECT rule sets only")]
    GroupsOnUnique,
}

/// The most rules one rule set may hold (which rules matched fits one `u64`).
pub const MAX_RULES: usize = 64;

/// An ordered set of rules with a declared hit policy ([`HitPolicy`]).
///
/// Under `Unique` every rule is evaluated and exactly one must match: zero or several is a
/// [`HitPolicyError`], never first-match-wins. Under `Collect` every matching rule applies, and
/// groups of rules may be declared exclusive (at most one of them matches). A set may also
/// declare the *scope* where its hit policy must hold ([`RuleSet::within`]): the procedure
/// rules of a repeat intervention need only be complete where the pathway rules chose one.
/// [`check`](crate::engine::check) proves the declaration over every combination of the
/// leaf predicates' truth values in the scope.
///
/// Leaf predicates are evaluated once per context (each distinct id once) into a bit mask, and
/// rule conditions are evaluated over that mask; this keeps evaluation free of allocation and
/// lets [`crate::engine`]'s checks reason over the predicates' truth values. Conditions are
/// compiled to disjunctive normal form when the set is built, so that evaluating all the rules
/// of a set over a mask is one pass over a small table of bit masks; a UNIQUE set of at most
/// 14 leaves also tabulates, when it is built, the hit policy's result for every combination
/// of leaf values (every rule evaluated on each), so that deciding a case is one lookup. A set
/// of at most 14 leaves (either hit policy) is also built into a decision diagram, which
/// [`RuleSet::hits_with`] and [`RuleSet::verdict_with`] walk: they ask only the leaves the
/// case's path needs, read the way the table is read, top to bottom, and give the rules that
/// evaluating every rule on every leaf would.
///
/// ```
/// use hcc_pathways::engine::{HitPolicy, Predicate, Rule, RuleSet, Trace};
/// use hcc_pathways::sources::Source;
///
/// const S: Source = Source::new("DEMO", "Demonstration only");
/// let neg = Predicate::new("negative", "below zero", &[S], |x: &i32, _: &mut Trace| *x < 0);
/// let rules = RuleSet::unique("sign", "1.0.0", vec![
///     Rule::new("N", neg.expr(), "negative", "below zero", &[S]),
///     Rule::new("P", neg.not(), "not negative", "zero or above", &[S]),
/// ])?;
/// assert_eq!(rules.hit_policy(), HitPolicy::Unique);
/// assert_eq!(*rules.decide(&-3)?.outcome(), "negative");
/// assert_eq!(rules.decide(&0)?.id(), "P");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RuleSet<C, D> {
    id: &'static str,
    version: &'static str,
    hit: HitPolicy,
    scope: Expr<C>,
    exclusive: Vec<Vec<usize>>,
    leaves: Vec<Predicate<C>>,
    leaf_ids: Vec<&'static str>,
    rules: Vec<Rule<C, D>>,
    compiled: Vec<Node>,
    /// The same conditions in normal form: what the hit policy evaluates.
    dnf: Dnf,
    named: Vec<(&'static str, &'static str, Node)>,
}

impl<C, D: Clone> Clone for RuleSet<C, D> {
    fn clone(&self) -> Self {
        Self {
            id: self.id,
            version: self.version,
            hit: self.hit,
            scope: self.scope.clone(),
            exclusive: self.exclusive.clone(),
            leaves: self.leaves.clone(),
            leaf_ids: self.leaf_ids.clone(),
            rules: self.rules.clone(),
            compiled: self.compiled.clone(),
            dnf: self.dnf.clone(),
            named: self.named.clone(),
        }
    }
}

impl<C, D: fmt::Debug> fmt::Debug for RuleSet<C, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("hit_policy", &self.hit)
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl<C, D> RuleSet<C, D> {
    /// Builds a rule set under the UNIQUE hit policy: [`RuleSet::unique`].
    ///
    /// # Errors
    /// As [`RuleSet::unique`].
    pub fn new(
        id: &'static str,
        version: &'static str,
        rules: Vec<Rule<C, D>>,
    ) -> Result<Self, RuleSetError> {
        Self::build(id, version, HitPolicy::Unique, rules)
    }

    /// Builds a rule set under the UNIQUE hit policy: exactly one rule matches every context
    /// in its scope.
    ///
    /// # Errors
    /// [`RuleSetError`] when it has no rules or more than [`MAX_RULES`], two rules share an
    /// id, two different predicates share an id, or it reads more than [`MAX_LEAVES`] leaf
    /// predicates.
    pub fn unique(
        id: &'static str,
        version: &'static str,
        rules: Vec<Rule<C, D>>,
    ) -> Result<Self, RuleSetError> {
        Self::build(id, version, HitPolicy::Unique, rules)
    }

    /// Builds a rule set under the COLLECT hit policy: every matching rule applies. Declare
    /// groups of rules that must not match together with [`RuleSet::exclusive`].
    ///
    /// # Errors
    /// As [`RuleSet::unique`].
    ///
    /// ```
    /// use hcc_pathways::engine::{Predicate, Rule, RuleSet, Trace};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let even = Predicate::new("even", "even", &[S], |x: &i32, _: &mut Trace| x % 2 == 0);
    /// let big = Predicate::new("big", "above 10", &[S], |x: &i32, _: &mut Trace| *x > 10);
    /// let notes = RuleSet::collect("notes", "1.0.0", vec![
    ///     Rule::new("EVEN", even.expr(), (), "even number", &[S]),
    ///     Rule::new("ODD", even.not(), (), "odd number", &[S]),
    ///     Rule::new("BIG", big.expr(), (), "large number", &[S]),
    /// ])?
    /// .exclusive(&["EVEN", "ODD"])?;
    /// let ids: Vec<_> = notes.matching(&12)?.map(|r| r.id()).collect();
    /// assert_eq!(ids, ["EVEN", "BIG"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn collect(
        id: &'static str,
        version: &'static str,
        rules: Vec<Rule<C, D>>,
    ) -> Result<Self, RuleSetError> {
        Self::build(id, version, HitPolicy::Collect, rules)
    }

    fn build(
        id: &'static str,
        version: &'static str,
        hit: HitPolicy,
        rules: Vec<Rule<C, D>>,
    ) -> Result<Self, RuleSetError> {
        if rules.is_empty() {
            return Err(RuleSetError::Empty);
        }
        if rules.len() > MAX_RULES {
            return Err(RuleSetError::TooManyRules(rules.len()));
        }
        for (i, r) in rules.iter().enumerate() {
            if rules[..i].iter().any(|o| o.id == r.id) {
                return Err(RuleSetError::DuplicateRuleId(r.id));
            }
        }
        let (leaves, leaf_ids) = collect_leaves(rules.iter().map(|r| &r.when))?;
        let mut named = Vec::new();
        let compiled: Vec<Node> = rules
            .iter()
            .map(|r| compile(&r.when, &leaf_ids, &mut named))
            .collect();
        let dnf = Dnf::new(&compiled, leaf_ids.len(), hit == HitPolicy::Unique);
        Ok(Self {
            id,
            version,
            hit,
            scope: Expr::True,
            exclusive: Vec::new(),
            leaves,
            leaf_ids,
            rules,
            compiled,
            dnf,
            named,
        })
    }

    /// Declares the scope where the hit policy must hold: the contexts for which the set is
    /// consulted. [`check`](crate::engine::check) proves the set only there; at run time the
    /// caller consults the set only there (the scope is not evaluated by [`RuleSet::decide`]).
    #[must_use]
    pub fn within(mut self, scope: impl Into<Expr<C>>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Declares a group of rules (by id) of a COLLECT set of which at most one may match.
    ///
    /// # Errors
    /// [`RuleSetError::UnknownRule`] for an id the set does not hold;
    /// [`RuleSetError::GroupsOnUnique`] on a UNIQUE set.
    pub fn exclusive(mut self, group: &[&str]) -> Result<Self, RuleSetError> {
        if self.hit == HitPolicy::Unique {
            return Err(RuleSetError::GroupsOnUnique);
        }
        let mut indices = Vec::with_capacity(group.len());
        for id in group {
            match self.rules.iter().position(|r| r.id == *id) {
                Some(i) => indices.push(i),
                None => return Err(RuleSetError::UnknownRule((*id).to_owned())),
            }
        }
        self.exclusive.push(indices);
        Ok(self)
    }

    /// The rule set's stable id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Its version: it changes whenever clinical content changes.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The declared hit policy.
    pub fn hit_policy(&self) -> HitPolicy {
        self.hit
    }

    /// The declared scope ([`Expr::True`] when none was declared).
    pub fn scope(&self) -> &Expr<C> {
        &self.scope
    }

    /// The declared exclusive groups, as indices into [`RuleSet::rules`].
    pub fn exclusive_groups(&self) -> &[Vec<usize>] {
        &self.exclusive
    }

    /// The rules, in table order.
    pub fn rules(&self) -> &[Rule<C, D>] {
        &self.rules
    }

    /// The distinct leaf predicates the rules read, in order of first appearance. Bit `i` of a
    /// [`RuleSet::leaf_mask`] is the value of `leaves()[i]`.
    pub fn leaves(&self) -> &[Predicate<C>] {
        &self.leaves
    }

    /// The named composites the rules use, with their descriptions, in order of first
    /// appearance.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.named.iter().map(|(id, d, _)| (*id, *d))
    }

    /// The three-valued value of each named composite for `leaves` (Kleene's logic), in the
    /// order of [`RuleSet::named`].
    pub fn named_truths(&self, leaves: Leaves) -> impl Iterator<Item = Truth> + '_ {
        self.named
            .iter()
            .map(move |(_, _, n)| n.eval3(leaves.known, leaves.value))
    }

    /// The value of each named composite for the leaf values `mask`, in the order of
    /// [`RuleSet::named`].
    pub fn named_values(&self, mask: u64) -> impl Iterator<Item = bool> + '_ {
        self.named.iter().map(move |(_, _, n)| n.eval(mask))
    }

    /// Evaluates every leaf predicate once and packs the truth values into a bit mask (a leaf
    /// the context leaves unknown counts as false: use [`RuleSet::leaf_values`] for contexts
    /// with unknown facts).
    pub fn leaf_mask(&self, ctx: &C) -> u64 {
        self.leaf_values(ctx).value
    }

    /// Evaluates every leaf predicate once: which are known, and the values of those.
    ///
    /// ```
    /// use hcc_pathways::engine::{Leaves, Predicate, Rule, RuleSet, Trace, Truth};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let adult = Predicate::new("adult", "18 or over", &[S], |age: &Option<u8>, _: &mut Trace| {
    ///     Truth::from(age.map(|a| a >= 18))
    /// });
    /// let set = RuleSet::unique("age", "1.0.0", vec![
    ///     Rule::new("A", adult.expr(), "adult", "adult", &[S]),
    ///     Rule::new("M", adult.not(), "minor", "minor", &[S]),
    /// ])?;
    /// assert_eq!(set.leaf_values(&Some(30)), Leaves { known: 0b1, value: 0b1 });
    /// assert_eq!(set.leaf_values(&None), Leaves { known: 0, value: 0 });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leaf_values(&self, ctx: &C) -> Leaves {
        let mut trace = Trace::silent();
        let mut leaves = Leaves::default();
        for (i, p) in self.leaves.iter().enumerate() {
            leaves.set(i, p.evaluate(ctx, &mut trace));
        }
        leaves
    }

    /// Builds the leaf mask from values supplied by `value(i)` for leaf `i` (for example from a
    /// cache shared by several rule sets, so that each distinct predicate is evaluated once).
    pub fn mask_with(&self, mut value: impl FnMut(usize, &Predicate<C>) -> bool) -> u64 {
        self.leaves
            .iter()
            .enumerate()
            .fold(0u64, |m, (i, p)| m | (u64::from(value(i, p)) << i))
    }

    /// Whether rule `index` matches, given the leaf truth values in `mask`. This is how checks
    /// evaluate rules over the abstract domain of truth values.
    ///
    /// Returns `false` for an index out of range.
    pub fn rule_matches_mask(&self, index: usize, mask: u64) -> bool {
        self.compiled
            .get(index)
            .is_some_and(|n| self.dnf.holds(index, n, mask))
    }

    /// The indices of the rules that match a mask of leaf values.
    pub fn matches_for_mask(&self, mask: u64) -> impl Iterator<Item = usize> + '_ {
        self.compiled
            .iter()
            .enumerate()
            .filter(move |(i, n)| self.dnf.holds(*i, n, mask))
            .map(|(i, _)| i)
    }

    /// Which rules match a mask of leaf values, as a bit set over rule indices (bit `i` is
    /// `rules()[i]`), checked against the hit policy: exactly one bit for a UNIQUE set, no two
    /// bits of one exclusive group for a COLLECT set.
    ///
    /// # Errors
    /// [`HitPolicyError`] when the mask violates the hit policy.
    pub fn hits(&self, mask: u64) -> Result<u64, HitPolicyError> {
        self.checked(self.dnf.matched(&self.compiled, mask))
    }

    /// [`RuleSet::hits`] with the leaf values asked for on demand: `value(i)` gives the truth
    /// value of leaf `i` and is called only for the leaves some rule still needs (a set of at
    /// most 14 leaves walks its decision diagram; a larger one stops each condition at its
    /// first leaf that disagrees), at most once each. Every rule is still
    /// decided, so the hit policy is checked exactly as by [`RuleSet::hits`] and the result is
    /// the same as `hits(mask_with(...))`; only fewer predicates run.
    ///
    /// # Errors
    /// As [`RuleSet::hits`].
    ///
    /// ```
    /// use hcc_pathways::engine::{Predicate, Rule, RuleSet, Trace};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let small = Predicate::new("small", "below 10", &[S], |n: &u32, _: &mut Trace| *n < 10);
    /// let even = Predicate::new("even", "even", &[S], |n: &u32, _: &mut Trace| n % 2 == 0);
    /// let set = RuleSet::unique("size", "1.0.0", vec![
    ///     Rule::new("S", small.expr(), 'S', "small", &[S]),
    ///     Rule::new("E", small.not().and(even.expr()), 'E', "large and even", &[S]),
    ///     Rule::new("O", small.not().and(even.not()), 'O', "large and odd", &[S]),
    /// ])?;
    /// let n = 4;
    /// let mut asked = Vec::new();
    /// let hits = set.hits_with(|i| {
    ///     asked.push(i);
    ///     set.leaves()[i].evaluate(&n, &mut Trace::silent()).is_true()
    /// })?;
    /// assert_eq!(hits, 0b001); // rule S, and the other two ruled out
    /// assert_eq!(asked, [0]); // `even` was never needed
    /// assert_eq!(Ok(hits), set.hits(set.leaf_mask(&n)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hits_with(&self, value: impl FnMut(usize) -> bool) -> Result<u64, HitPolicyError> {
        self.checked(
            self.dnf
                .matched_lazy(&self.compiled, self.leaves.len(), u64::MAX, value),
        )
    }

    /// [`RuleSet::hits_with`] deciding only the rules whose bits are set in `among` (bit `i`
    /// is `rules()[i]`), for a caller that will use no other: the rest are reported unmatched
    /// and none of their leaves is asked for. A UNIQUE set decides every rule whatever
    /// `among` says (its policy concerns them all); a COLLECT set checks its exclusive groups
    /// among the rules decided.
    ///
    /// # Errors
    /// As [`RuleSet::hits`], for the rules decided.
    pub fn hits_among(
        &self,
        among: u64,
        value: impl FnMut(usize) -> bool,
    ) -> Result<u64, HitPolicyError> {
        let among = match self.hit {
            HitPolicy::Unique => u64::MAX,
            HitPolicy::Collect => among,
        };
        self.checked(
            self.dnf
                .matched_lazy(&self.compiled, self.leaves.len(), among, value),
        )
    }

    fn checked(&self, matched: u64) -> Result<u64, HitPolicyError> {
        let bad = match self.hit {
            HitPolicy::Unique => (matched.count_ones() != 1).then_some(matched),
            HitPolicy::Collect => self.exclusive.iter().find_map(|g| {
                let in_group = g.iter().fold(0u64, |m, i| m | (matched & (1u64 << i)));
                (in_group.count_ones() > 1).then_some(in_group)
            }),
        };
        match bad {
            None => Ok(matched),
            Some(bits) => Err(self.violation(bits)),
        }
    }

    /// The rules that match when some leaves are unknown: those true whatever the unknown
    /// leaves are (`matched`) and those true for some values of them (`possible`), checked
    /// against the hit policy as far as the known leaves allow (a UNIQUE set: at most one rule
    /// matched and at least one possible; exactly one when every leaf is known).
    ///
    /// # Errors
    /// [`HitPolicyError`] when the verdict violates the hit policy.
    ///
    /// ```
    /// use hcc_pathways::engine::{Leaves, Predicate, Rule, RuleSet, Trace, Truth, Verdict};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let fever = Predicate::new("fever", "fever", &[S], |c: &[Option<bool>; 2], _: &mut Trace| Truth::from(c[0]));
    /// let cough = Predicate::new("cough", "cough", &[S], |c: &[Option<bool>; 2], _: &mut Trace| Truth::from(c[1]));
    /// let set = RuleSet::unique("triage", "1.0.0", vec![
    ///     Rule::new("SEE", fever.or(&cough), "see", "symptomatic", &[S]),
    ///     Rule::new("HOME", fever.not().and(cough.not()), "home", "well", &[S]),
    /// ])?;
    /// // Fever known: SEE whatever the cough is.
    /// let v = set.verdict(set.leaf_values(&[Some(true), None]))?;
    /// assert_eq!(v, Verdict { matched: 0b01, possible: 0b01 });
    /// assert!(v.is_decided());
    /// // No fever, cough unknown: either rule.
    /// let v = set.verdict(set.leaf_values(&[Some(false), None]))?;
    /// assert_eq!(v, Verdict { matched: 0, possible: 0b11 });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verdict(&self, leaves: Leaves) -> Result<Verdict, HitPolicyError> {
        self.verdict_among(leaves, u64::MAX)
    }

    /// [`RuleSet::verdict`] deciding only the rules in `among` (a COLLECT set; a UNIQUE set
    /// decides every rule), as [`RuleSet::hits_among`].
    ///
    /// # Errors
    /// As [`RuleSet::verdict`].
    pub fn verdict_among(&self, leaves: Leaves, among: u64) -> Result<Verdict, HitPolicyError> {
        let among = match self.hit {
            HitPolicy::Unique => u64::MAX,
            HitPolicy::Collect => among,
        };
        let (matched, possible) = self.dnf.verdict(&self.compiled, leaves.known, leaves.value);
        self.checked3(Verdict {
            matched: matched & among,
            possible: possible & among,
        })
    }

    /// [`RuleSet::verdict`] with the leaf values asked for on demand, as
    /// [`RuleSet::hits_with`]: while every leaf asked for is known, conditions stop at their
    /// first leaf that disagrees; as soon as one is unknown, every leaf is asked for (again:
    /// `value` should be cheap to call twice, a cache) and the verdict is exact over them.
    ///
    /// # Errors
    /// As [`RuleSet::verdict`].
    pub fn verdict_with(
        &self,
        value: impl FnMut(usize) -> Truth,
    ) -> Result<Verdict, HitPolicyError> {
        self.verdict_among_with(u64::MAX, value)
    }

    /// [`RuleSet::verdict_with`] deciding only the rules in `among` (a COLLECT set).
    ///
    /// # Errors
    /// As [`RuleSet::verdict`].
    pub fn verdict_among_with(
        &self,
        among: u64,
        mut value: impl FnMut(usize) -> Truth,
    ) -> Result<Verdict, HitPolicyError> {
        let among = match self.hit {
            HitPolicy::Unique => u64::MAX,
            HitPolicy::Collect => among,
        };
        let mut unknown = false;
        let matched = self
            .dnf
            .matched_lazy(&self.compiled, self.leaves.len(), among, |i| {
                match value(i) {
                    Truth::True => true,
                    Truth::False => false,
                    Truth::Unknown => {
                        unknown = true;
                        false
                    }
                }
            });
        if !unknown {
            return self.checked(matched).map(|m| Verdict {
                matched: m,
                possible: m,
            });
        }
        let mut leaves = Leaves::default();
        for i in 0..self.leaves.len() {
            leaves.set(i, value(i));
        }
        self.verdict_among(leaves, among)
    }

    /// The rules that some completion of the unknown leaves makes match, counting only the
    /// completions `feasible` accepts (for example those a list of implications between the
    /// leaves allows): every assignment of the unknown leaves is tried, so this is exact for
    /// what `feasible` knows. `None` when more than [`MAX_CANDIDATE_LEAVES`] leaves are
    /// unknown (the caller falls back to [`Verdict::possible`]).
    ///
    /// ```
    /// use hcc_pathways::engine::{Leaves, Predicate, Rule, RuleSet, Trace, Truth};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let big = Predicate::new("big", "over 10", &[S], |n: &Option<u32>, _: &mut Trace| Truth::from(n.map(|n| n > 10)));
    /// let huge = Predicate::new("huge", "over 100", &[S], |n: &Option<u32>, _: &mut Trace| Truth::from(n.map(|n| n > 100)));
    /// let set = RuleSet::unique("size", "1.0.0", vec![
    ///     Rule::new("SMALL", big.not(), 's', "small", &[S]),
    ///     Rule::new("BIG", big.and(huge.not()), 'b', "big", &[S]),
    ///     Rule::new("ODD", big.not().and(&huge), 'o', "cannot happen", &[S]),
    /// ])?;
    /// // The leaves alone allow all three; "huge ⇒ big" rules ODD out.
    /// let unknown = set.leaf_values(&None);
    /// assert_eq!(set.verdict(unknown)?.possible, 0b111);
    /// let huge_implies_big = |mask: u64| mask & 0b10 == 0 || mask & 0b01 != 0;
    /// assert_eq!(set.candidates(unknown, huge_implies_big), Some(0b011));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn candidates(&self, leaves: Leaves, mut feasible: impl FnMut(u64) -> bool) -> Option<u64> {
        let all = if self.leaves.len() >= 64 {
            u64::MAX
        } else {
            (1u64 << self.leaves.len()) - 1
        };
        let unknown = all & !leaves.known;
        if unknown.count_ones() as usize > MAX_CANDIDATE_LEAVES {
            return None;
        }
        let fixed = leaves.value & leaves.known & all;
        let mut out = 0u64;
        // Every subset of the unknown leaves, the empty one included.
        let mut sub = 0u64;
        loop {
            let mask = fixed | sub;
            if feasible(mask) {
                out |= self.dnf.matched(&self.compiled, mask);
            }
            if sub == unknown {
                break;
            }
            sub = sub.wrapping_sub(unknown) & unknown;
        }
        Some(out)
    }

    fn checked3(&self, v: Verdict) -> Result<Verdict, HitPolicyError> {
        let bad = match self.hit {
            HitPolicy::Unique => {
                let n = v.matched.count_ones();
                (n > 1 || v.possible == 0 || (v.is_decided() && n != 1)).then_some(if n > 1 {
                    v.matched
                } else {
                    v.possible
                })
            }
            HitPolicy::Collect => self.exclusive.iter().find_map(|g| {
                let in_group = g.iter().fold(0u64, |m, i| m | (v.matched & (1u64 << i)));
                (in_group.count_ones() > 1).then_some(in_group)
            }),
        };
        match bad {
            None => Ok(v),
            Some(bits) => Err(self.violation(bits)),
        }
    }

    fn violation(&self, bits: u64) -> HitPolicyError {
        HitPolicyError {
            rule_set: self.id,
            policy: self.hit,
            matched: self
                .rules
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1u64 << i) != 0)
                .map(|(_, r)| r.id)
                .collect(),
        }
    }

    /// Applies the UNIQUE hit policy to a leaf mask.
    ///
    /// # Errors
    /// [`HitPolicyError`] when zero or several rules match, or when the set is a COLLECT set.
    pub fn decide_mask(&self, mask: u64) -> Result<&Rule<C, D>, HitPolicyError> {
        let found = match self.hit {
            HitPolicy::Unique => self.dnf.unique(&self.compiled, mask),
            HitPolicy::Collect => None,
        };
        match found.and_then(|i| self.rules.get(i)) {
            Some(rule) => Ok(rule),
            None => Err(HitPolicyError {
                rule_set: self.id,
                policy: HitPolicy::Unique,
                matched: self
                    .matches_for_mask(mask)
                    .map(|i| self.rules[i].id)
                    .collect(),
            }),
        }
    }

    /// Decides every rule of a UNIQUE set and returns the single one that matches, evaluating
    /// only the leaf predicates that decision needs ([`RuleSet::hits_with`]). Allocates
    /// nothing on success.
    ///
    /// # Errors
    /// [`HitPolicyError`] listing the matching rules when zero or several match, or when the
    /// set is a COLLECT set.
    pub fn decide(&self, ctx: &C) -> Result<&Rule<C, D>, HitPolicyError> {
        if self.hit == HitPolicy::Collect {
            return self.decide_mask(self.leaf_mask(ctx));
        }
        let hits = self.checked(self.matched_in(ctx))?;
        self.rules
            .get(hits.trailing_zeros() as usize)
            .ok_or_else(|| self.violation(hits))
    }

    /// The rules that match `ctx`, unchecked, asking each leaf predicate (two-valued: unknown
    /// is false, as in [`RuleSet::leaf_mask`]) only when the rules need it.
    fn matched_in(&self, ctx: &C) -> u64 {
        self.dnf
            .matched_lazy(&self.compiled, self.leaves.len(), u64::MAX, |i| {
                self.leaves.get(i).is_some_and(|p| p.test(ctx))
            })
    }

    /// The COLLECT hit policy: every rule whose condition holds, in table order, after
    /// checking the exclusive groups.
    ///
    /// # Errors
    /// [`HitPolicyError`] when two rules of an exclusive group match (or, for a UNIQUE set, when
    /// not exactly one rule matches).
    pub fn matching(
        &self,
        ctx: &C,
    ) -> Result<impl Iterator<Item = &Rule<C, D>> + '_, HitPolicyError> {
        let hits = self.checked(self.matched_in(ctx))?;
        Ok(self
            .rules
            .iter()
            .enumerate()
            .filter(move |(i, _)| hits & (1u64 << i) != 0)
            .map(|(_, r)| r))
    }

    /// Every rule whose condition holds, in table order, without checking the hit policy.
    pub fn all_matching(&self, ctx: &C) -> impl Iterator<Item = &Rule<C, D>> + '_ {
        let hits = self.matched_in(ctx);
        self.rules
            .iter()
            .enumerate()
            .filter(move |(i, _)| hits & (1u64 << i) != 0)
            .map(|(_, r)| r)
    }

    /// Evaluates every leaf with a recording trace: each predicate's value and the facts it
    /// read, then each named composite's value.
    pub fn explain(&self, ctx: &C) -> (u64, Vec<PredicateValue>) {
        let mut out = Vec::with_capacity(self.leaves.len() + self.named.len());
        let mut leaves = Leaves::default();
        for (i, p) in self.leaves.iter().enumerate() {
            let mut trace = Trace::recording();
            let value = p.evaluate(ctx, &mut trace);
            leaves.set(i, value);
            out.push(PredicateValue {
                id: p.id(),
                description: p.description(),
                value,
                facts: trace.take(),
                sources: p.sources(),
            });
        }
        for (id, description, node) in &self.named {
            out.push(PredicateValue {
                id,
                description,
                value: node.eval3(leaves.known, leaves.value),
                facts: Vec::new(),
                sources: &[],
            });
        }
        (leaves.value, out)
    }

    /// For rule `index`, the conditions whose values kept it from matching under `mask`
    /// (empty when it matches or the index is out of range).
    pub fn blockers(&self, index: usize, mask: u64) -> Vec<Blocker> {
        let mut out = Vec::new();
        self.blockers_into(index, mask, &mut out);
        out
    }

    /// [`RuleSet::blockers`] into a buffer the caller reuses (cleared first), so that
    /// explaining many rules allocates once.
    pub fn blockers_into(&self, index: usize, mask: u64, out: &mut Vec<Blocker>) {
        out.clear();
        if let Some(n) = self.compiled.get(index) {
            n.blockers(mask, true, &self.leaf_ids, out);
        }
        out.dedup();
    }

    /// The leaf predicates (by index into [`RuleSet::leaves`]) that rule `index`'s condition
    /// reads, as a bit set.
    pub fn rule_leaves(&self, index: usize) -> u64 {
        fn walk(n: &Node, acc: &mut u64) {
            match n {
                Node::True => {}
                Node::Leaf(i) => *acc |= 1u64.checked_shl(u32::from(*i)).unwrap_or(0),
                Node::Not(n) | Node::Named(_, n) => walk(n, acc),
                Node::All(v) | Node::Any(v) => v.iter().for_each(|n| walk(n, acc)),
            }
        }
        let mut acc = 0;
        if let Some(n) = self.compiled.get(index) {
            walk(n, &mut acc);
        }
        acc
    }
}

/// The distinct leaves of some conditions, in order of first appearance, with their ids.
pub(crate) fn collect_leaves<'a, C: 'a>(
    conditions: impl Iterator<Item = &'a Expr<C>>,
) -> Result<(Vec<Predicate<C>>, Vec<&'static str>), RuleSetError> {
    let mut leaves: Vec<Predicate<C>> = Vec::new();
    let mut clash = None;
    for e in conditions {
        e.for_each_leaf(&mut |p| {
            match leaves.iter().find(|q| q.id() == p.id()) {
                Some(q) if !q.same_test(p) => clash = Some(p.id()),
                Some(_) => {}
                None => leaves.push(p.clone()),
            };
        });
    }
    if let Some(id) = clash {
        return Err(RuleSetError::DuplicatePredicateId(id));
    }
    if leaves.len() > MAX_LEAVES {
        return Err(RuleSetError::TooManyPredicates(leaves.len()));
    }
    let ids = leaves.iter().map(Predicate::id).collect();
    Ok((leaves, ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward definition `Node::blockers` must agree with: check the node's value,
    /// then recurse into the parts that kept it from `want`.
    fn reference(
        node: &Node,
        mask: u64,
        want: bool,
        leaves: &[&'static str],
        out: &mut Vec<Blocker>,
    ) {
        if node.eval(mask) == want {
            return;
        }
        match node {
            Node::True => {}
            Node::Leaf(i) => out.push(Blocker {
                predicate: leaves[usize::from(*i)],
                required: want,
            }),
            Node::Named(id, _) => out.push(Blocker {
                predicate: id,
                required: want,
            }),
            Node::Not(n) => reference(n, mask, !want, leaves, out),
            Node::All(v) | Node::Any(v) => {
                v.iter().for_each(|n| reference(n, mask, want, leaves, out))
            }
        }
    }

    #[test]
    fn the_hit_policy_agrees_with_the_trees_on_every_mask() {
        // The pathway set is small enough for a decision table; check it (and the rule-by-rule
        // functions) against the condition trees themselves, including a mask outside it.
        let rules = crate::pathway::pathway_rules();
        let n = rules.leaves().len();
        for mask in (0..(1u64 << n)).chain([u64::MAX]) {
            let by_tree: Vec<usize> = (0..rules.rules().len())
                .filter(|i| rules.compiled[*i].eval(mask))
                .collect();
            assert_eq!(rules.matches_for_mask(mask).collect::<Vec<_>>(), by_tree);
            match rules.decide_mask(mask) {
                Ok(rule) => assert_eq!(
                    vec![rule.id()],
                    by_tree
                        .iter()
                        .map(|i| rules.rules()[*i].id())
                        .collect::<Vec<_>>()
                ),
                Err(e) => assert_ne!(by_tree.len(), 1, "{e}"),
            }
        }
    }

    #[test]
    fn one_pass_blockers_agree_with_the_definition() {
        let rules = crate::pathway::pathway_rules();
        let n = rules.leaves().len();
        for index in 0..rules.rules().len() {
            for mask in 0..(1u64 << n) {
                let mut expected = Vec::new();
                reference(
                    &rules.compiled[index],
                    mask,
                    true,
                    &rules.leaf_ids,
                    &mut expected,
                );
                expected.dedup();
                assert_eq!(
                    rules.blockers(index, mask),
                    expected,
                    "rule {index}, mask {mask:b}"
                );
                // And for the opposite wish, which exercises the other branches.
                let mut got = Vec::new();
                let value = rules.compiled[index].blockers(mask, false, &rules.leaf_ids, &mut got);
                let mut expected = Vec::new();
                reference(
                    &rules.compiled[index],
                    mask,
                    false,
                    &rules.leaf_ids,
                    &mut expected,
                );
                assert_eq!(got, expected, "rule {index}, mask {mask:b}, want false");
                assert_eq!(value, rules.compiled[index].eval(mask));
            }
        }
    }
}
