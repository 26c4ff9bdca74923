//! Rules, rule sets and the UNIQUE hit policy.

use std::fmt;

use crate::sources::Source;

use super::dnf::Dnf;
use super::predicate::{Expr, Predicate};
use super::trace::{Fact, Trace};

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

/// A condition compiled against a rule set's leaf table.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    True,
    Leaf(u8),
    Not(Box<Node>),
    All(Vec<Node>),
    Any(Vec<Node>),
    Named(&'static str, Box<Node>),
}

/// The value of leaf `i` in `mask` (false for an index beyond the mask).
#[inline]
fn leaf_value(i: u8, mask: u64) -> bool {
    1u64.checked_shl(u32::from(i))
        .is_some_and(|bit| mask & bit != 0)
}

impl Node {
    pub(crate) fn eval(&self, mask: u64) -> bool {
        match self {
            Node::True => true,
            Node::Leaf(i) => leaf_value(*i, mask),
            Node::Not(n) => !n.eval(mask),
            Node::All(v) => v.iter().all(|n| n.eval(mask)),
            Node::Any(v) => v.iter().any(|n| n.eval(mask)),
            Node::Named(_, n) => n.eval(mask),
        }
    }

    /// Collects the named or leaf conditions whose value made this node differ from `want`
    /// (the value the node needed), and returns the node's value. One pass: each part is
    /// evaluated once, and what it collected is dropped again when the node has the value it
    /// needed after all.
    fn blockers(
        &self,
        mask: u64,
        want: bool,
        leaves: &[&'static str],
        out: &mut Vec<Blocker>,
    ) -> bool {
        let start = out.len();
        let mut blocked = |predicate: &'static str, value: bool| {
            if value != want {
                out.push(Blocker {
                    predicate,
                    required: want,
                });
            }
            value
        };
        let value = match self {
            Node::True => true,
            Node::Leaf(i) => blocked(
                leaves.get(usize::from(*i)).copied().unwrap_or("?"),
                leaf_value(*i, mask),
            ),
            Node::Named(id, n) => blocked(id, n.eval(mask)),
            Node::Not(n) => !n.blockers(mask, !want, leaves, out),
            // An `All` that should hold names its false parts; one that should fail (and
            // holds) names every part. `Any` likewise. Every part is visited (no `&&`).
            Node::All(v) => v
                .iter()
                .fold(true, |acc, n| n.blockers(mask, want, leaves, out) & acc),
            Node::Any(v) => v
                .iter()
                .fold(false, |acc, n| n.blockers(mask, want, leaves, out) | acc),
        };
        if value == want {
            out.truncate(start);
        }
        value
    }
}

/// A condition that kept a rule from matching: `predicate` had to be `required` and was not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocker {
    /// The predicate (leaf or named composite).
    pub predicate: &'static str,
    /// The value the rule needed.
    pub required: bool,
}

/// The value of one named predicate (leaf or composite) for one context.
#[derive(Clone, Debug, PartialEq)]
pub struct PredicateValue {
    /// Its id.
    pub id: &'static str,
    /// What it tests.
    pub description: &'static str,
    /// Whether it held.
    pub value: bool,
    /// The facts it read (empty for composites, whose parts are listed separately).
    pub facts: Vec<Fact>,
    /// Its sources (empty for composites).
    pub sources: &'static [Source],
}

/// Zero or several rules matched where exactly one must: the rule set is wrong for this case.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("rule set `{rule_set}` violated its UNIQUE hit policy: {}", describe(.matched))]
pub struct HitPolicyError {
    /// The rule set's id.
    pub rule_set: &'static str,
    /// The ids of the rules that matched (empty for a gap).
    pub matched: Vec<&'static str>,
}

fn describe(matched: &[&'static str]) -> String {
    if matched.is_empty() {
        "no rule matched".to_owned()
    } else {
        format!("several rules matched ({})", matched.join(", "))
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
    /// No rules.
    #[error("a rule set needs at least one rule")]
    Empty,
}

/// An ordered set of rules under the UNIQUE hit policy: every rule is evaluated, and exactly
/// one must match. Zero or several matches is a [`HitPolicyError`], never first-match-wins.
///
/// Leaf predicates are evaluated once per context (each distinct id once) into a bit mask, and
/// rule conditions are evaluated over that mask; this keeps evaluation free of allocation and
/// lets [`crate::engine`]'s checks reason over the predicates' truth values. Conditions are
/// compiled to disjunctive normal form when the set is built, so that evaluating all the rules
/// of a set over a mask is one pass over a small table of bit masks; a set of at most 12
/// leaves also tabulates, when it is built, the hit policy's result for every combination of
/// leaf values (every rule evaluated on each), so that deciding a case is one lookup.
///
/// ```
/// use hcc_pathways::engine::{Predicate, Rule, RuleSet, Trace};
/// use hcc_pathways::sources::Source;
///
/// const S: Source = Source::new("DEMO", "Demonstration only");
/// let neg = Predicate::new("negative", "below zero", &[S], |x: &i32, _: &mut Trace| *x < 0);
/// let rules = RuleSet::new("sign", "1.0.0", vec![
///     Rule::new("N", neg.expr(), "negative", "below zero", &[S]),
///     Rule::new("P", neg.not(), "not negative", "zero or above", &[S]),
/// ])?;
/// assert_eq!(*rules.decide(&-3)?.outcome(), "negative");
/// assert_eq!(rules.decide(&0)?.id(), "P");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RuleSet<C, D> {
    id: &'static str,
    version: &'static str,
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
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl<C, D> RuleSet<C, D> {
    /// Builds a rule set.
    ///
    /// # Errors
    /// [`RuleSetError`] when it has no rules, two rules share an id, two different predicates
    /// share an id, or it reads more than [`MAX_LEAVES`] leaf predicates.
    pub fn new(
        id: &'static str,
        version: &'static str,
        rules: Vec<Rule<C, D>>,
    ) -> Result<Self, RuleSetError> {
        if rules.is_empty() {
            return Err(RuleSetError::Empty);
        }
        for (i, r) in rules.iter().enumerate() {
            if rules[..i].iter().any(|o| o.id == r.id) {
                return Err(RuleSetError::DuplicateRuleId(r.id));
            }
        }
        let mut leaves: Vec<Predicate<C>> = Vec::new();
        let mut clash = None;
        for r in &rules {
            r.when.for_each_leaf(&mut |p| {
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
        let leaf_ids: Vec<&'static str> = leaves.iter().map(Predicate::id).collect();
        let mut named = Vec::new();
        let compiled: Vec<Node> = rules
            .iter()
            .map(|r| compile(&r.when, &leaf_ids, &mut named))
            .collect();
        let dnf = Dnf::new(&compiled, leaf_ids.len());
        Ok(Self {
            id,
            version,
            leaves,
            leaf_ids,
            rules,
            compiled,
            dnf,
            named,
        })
    }

    /// The rule set's stable id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Its version: it changes whenever clinical content changes.
    pub fn version(&self) -> &'static str {
        self.version
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

    /// Evaluates every leaf predicate once and packs the truth values into a bit mask.
    pub fn leaf_mask(&self, ctx: &C) -> u64 {
        let mut trace = Trace::silent();
        self.leaves.iter().enumerate().fold(0u64, |m, (i, p)| {
            m | (u64::from(p.evaluate(ctx, &mut trace)) << i)
        })
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

    /// Applies the UNIQUE hit policy to a leaf mask.
    ///
    /// # Errors
    /// [`HitPolicyError`] when zero or several rules match.
    pub fn decide_mask(&self, mask: u64) -> Result<&Rule<C, D>, HitPolicyError> {
        match self
            .dnf
            .unique(&self.compiled, mask)
            .and_then(|i| self.rules.get(i))
        {
            Some(rule) => Ok(rule),
            None => Err(HitPolicyError {
                rule_set: self.id,
                matched: self
                    .matches_for_mask(mask)
                    .map(|i| self.rules[i].id)
                    .collect(),
            }),
        }
    }

    /// Evaluates every rule and returns the single one that matches. Allocates nothing on
    /// success.
    ///
    /// # Errors
    /// [`HitPolicyError`] listing the matching rules when zero or several match.
    pub fn decide(&self, ctx: &C) -> Result<&Rule<C, D>, HitPolicyError> {
        self.decide_mask(self.leaf_mask(ctx))
    }

    /// The COLLECT hit policy: every rule whose condition holds, in table order.
    ///
    /// Use it for rule lists where several rules may apply at once (cautions, considerations);
    /// [`RuleSet::decide`] is the UNIQUE hit policy for choices where exactly one must.
    ///
    /// ```
    /// use hcc_pathways::engine::{Predicate, Rule, RuleSet, Trace};
    /// use hcc_pathways::sources::Source;
    ///
    /// const S: Source = Source::new("DEMO", "Demonstration only");
    /// let even = Predicate::new("even", "even", &[S], |x: &i32, _: &mut Trace| x % 2 == 0);
    /// let big = Predicate::new("big", "above 10", &[S], |x: &i32, _: &mut Trace| *x > 10);
    /// let notes = RuleSet::new("notes", "1.0.0", vec![
    ///     Rule::new("EVEN", even.expr(), (), "even number", &[S]),
    ///     Rule::new("BIG", big.expr(), (), "large number", &[S]),
    /// ])?;
    /// let ids: Vec<_> = notes.all_matching(&12).map(|r| r.id()).collect();
    /// assert_eq!(ids, ["EVEN", "BIG"]);
    /// assert_eq!(notes.all_matching(&3).count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn all_matching(&self, ctx: &C) -> impl Iterator<Item = &Rule<C, D>> + '_ {
        let mask = self.leaf_mask(ctx);
        self.matches_for_mask(mask).map(move |i| &self.rules[i])
    }

    /// Evaluates every leaf with a recording trace: each predicate's value and the facts it
    /// read, then each named composite's value.
    pub fn explain(&self, ctx: &C) -> (u64, Vec<PredicateValue>) {
        let mut out = Vec::with_capacity(self.explanation_len());
        let mask = self.explain_each(ctx, |v| out.push(v));
        (mask, out)
    }

    /// How many values [`RuleSet::explain`] reports: the leaves, then the named composites.
    pub(crate) fn explanation_len(&self) -> usize {
        self.leaves.len() + self.named.len()
    }

    /// [`RuleSet::explain`], handing each value to `f` instead of collecting them (so that a
    /// caller building its own report allocates one vector, not two). Returns the leaf mask.
    pub(crate) fn explain_each(&self, ctx: &C, mut f: impl FnMut(PredicateValue)) -> u64 {
        let mut mask = 0u64;
        for (i, p) in self.leaves.iter().enumerate() {
            let mut trace = Trace::recording();
            let value = p.evaluate(ctx, &mut trace);
            mask |= u64::from(value) << i;
            f(PredicateValue {
                id: p.id(),
                description: p.description(),
                value,
                facts: trace.take(),
                sources: p.sources(),
            });
        }
        for (id, description, node) in &self.named {
            f(PredicateValue {
                id,
                description,
                value: node.eval(mask),
                facts: Vec::new(),
                sources: &[],
            });
        }
        mask
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
    pub(crate) fn blockers_into(&self, index: usize, mask: u64, out: &mut Vec<Blocker>) {
        out.clear();
        if let Some(n) = self.compiled.get(index) {
            n.blockers(mask, true, &self.leaf_ids, out);
        }
        out.dedup();
    }
}

fn compile<C>(
    e: &Expr<C>,
    leaves: &[&'static str],
    named: &mut Vec<(&'static str, &'static str, Node)>,
) -> Node {
    match e {
        Expr::True => Node::True,
        Expr::Leaf(p) => {
            // Every leaf was registered in `new`; the position always exists and is < 64.
            let i = leaves.iter().position(|id| *id == p.id()).unwrap_or(0);
            Node::Leaf(u8::try_from(i).unwrap_or(u8::MAX))
        }
        Expr::Not(inner) => Node::Not(Box::new(compile(inner, leaves, named))),
        Expr::All(v) => Node::All(v.iter().map(|e| compile(e, leaves, named)).collect()),
        Expr::Any(v) => Node::Any(v.iter().map(|e| compile(e, leaves, named)).collect()),
        Expr::Named {
            id,
            description,
            expr,
        } => {
            let node = compile(expr, leaves, named);
            if !named.iter().any(|(n, _, _)| n == id) {
                named.push((id, description, node.clone()));
            }
            Node::Named(id, Box::new(node))
        }
    }
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
        let rules = crate::rules::pathway_rule_set();
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
        let rules = crate::rules::pathway_rule_set();
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
