//! Rule conditions compiled for evaluation: a tree over the rule set's leaf indices ([`Node`]),
//! and the same conditions in disjunctive normal form over the leaf bit mask ([`Dnf`]).
//!
//!
//! A condition such as `¬a ∧ ¬b ∧ (c ∨ d)` becomes the terms `{c; ¬a ¬b}` and `{d; ¬a ¬b}`;
//! a term holds when every bit it needs set is set and every bit it needs clear is clear, and
//! the condition holds when any term does. Evaluating a rule is then a few word operations
//! instead of a walk over a boxed tree: the engine still evaluates every rule of a set for
//! every case (UNIQUE hit policy), only faster. A condition whose normal form would exceed
//! [`MAX_TERMS`] is left to the tree.
//!
//! A set that reads at most [`TABLE_MAX_LEAVES`] leaves also gets its decision table: for
//! every combination of leaf values, the index of the single matching rule or "not unique",
//! found when the set is built by evaluating every rule on that combination. Deciding a case
//! is then one lookup, with exactly the result of evaluating every rule then.

use super::diagram::Diagram;
pub(crate) use super::diagram::TABLE_MAX_LEAVES;
use super::predicate::Expr;
use super::truth::Truth;

/// A condition that kept a rule from matching: `predicate` had to be `required` and was not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Blocker {
    /// The predicate (leaf or named composite).
    pub predicate: &'static str,
    /// The value the rule needed.
    pub required: bool,
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

/// The value of leaf `i` under partial knowledge: unknown unless its bit is in `known`.
#[inline]
fn leaf_truth(i: u8, known: u64, value: u64) -> Truth {
    if leaf_value(i, known) {
        Truth::from(leaf_value(i, value))
    } else {
        Truth::Unknown
    }
}

impl Node {
    /// Kleene's three-valued value for the leaves in `known` (their values in `value`).
    pub(crate) fn eval3(&self, known: u64, value: u64) -> Truth {
        match self {
            Node::True => Truth::True,
            Node::Leaf(i) => leaf_truth(*i, known, value),
            Node::Not(n) => n.eval3(known, value).not(),
            Node::All(v) => v
                .iter()
                .fold(Truth::True, |acc, n| acc.and(n.eval3(known, value))),
            Node::Any(v) => v
                .iter()
                .fold(Truth::False, |acc, n| acc.or(n.eval3(known, value))),
            Node::Named(_, n) => n.eval3(known, value),
        }
    }

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
    pub(crate) fn blockers(
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

/// Compiles a condition against the leaf table `leaves`, registering its named composites.
pub(crate) fn compile<C>(
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

/// The most terms one rule's normal form may have before the engine keeps the tree instead.
pub(crate) const MAX_TERMS: usize = 256;

/// A decision-table entry for "no rule or several rules match".
const NOT_UNIQUE: u8 = u8::MAX;

/// One conjunction: of the leaves in `care`, those in `want` must hold and the others must
/// not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Term {
    care: u64,
    want: u64,
}

impl Term {
    const TRUE: Term = Term { care: 0, want: 0 };

    fn leaf(bit: u64, value: bool) -> Term {
        Term {
            care: bit,
            want: if value { bit } else { 0 },
        }
    }

    fn holds(self, mask: u64) -> bool {
        mask & self.care == self.want
    }

    /// Whether some values of the leaves outside `known` make the term hold (none of its known
    /// leaves disagrees).
    fn possible(self, known: u64, value: u64) -> bool {
        (value ^ self.want) & self.care & known == 0
    }

    /// Both conjunctions at once, or `None` when they contradict each other.
    fn and(self, other: Term) -> Option<Term> {
        let clash = self.care & other.care & (self.want ^ other.want);
        (clash == 0).then_some(Term {
            care: self.care | other.care,
            want: self.want | other.want,
        })
    }

    /// Whether every mask that satisfies `other` satisfies `self` (so `other` is redundant
    /// next to `self`).
    fn absorbs(self, other: Term) -> bool {
        self.care & other.care == self.care && other.want & self.care == self.want
    }
}

/// The normal form of `node` (negated when `negate`), or `None` if it would be too large or
/// reads a leaf outside the mask.
pub(crate) fn terms(node: &Node, negate: bool) -> Option<Vec<Term>> {
    let out = match node {
        Node::True if negate => Vec::new(),
        Node::True => vec![Term::TRUE],
        Node::Leaf(i) => {
            let bit = 1u64.checked_shl(u32::from(*i))?;
            vec![Term::leaf(bit, !negate)]
        }
        Node::Not(n) => terms(n, !negate)?,
        Node::Named(_, n) => terms(n, negate)?,
        // A conjunction (or a negated disjunction, by De Morgan): the product of the parts.
        Node::All(parts) if !negate => product(parts, false)?,
        Node::Any(parts) if negate => product(parts, true)?,
        // A disjunction (or a negated conjunction): the union of the parts.
        Node::All(parts) | Node::Any(parts) => {
            let mut acc = Vec::new();
            for p in parts {
                for t in terms(p, negate)? {
                    push_minimal(&mut acc, t);
                }
                if acc.len() > MAX_TERMS {
                    return None;
                }
            }
            acc
        }
    };
    Some(out)
}

fn product(parts: &[Node], negate: bool) -> Option<Vec<Term>> {
    let mut acc = vec![Term::TRUE];
    for p in parts {
        let part = terms(p, negate)?;
        let mut next = Vec::new();
        for a in &acc {
            for b in &part {
                if let Some(t) = a.and(*b) {
                    push_minimal(&mut next, t);
                }
            }
            if next.len() > MAX_TERMS {
                return None;
            }
        }
        acc = next;
    }
    Some(acc)
}

/// Adds `t` unless a term already there absorbs it, and drops the terms it absorbs.
fn push_minimal(acc: &mut Vec<Term>, t: Term) {
    if acc.iter().any(|a| a.absorbs(t)) {
        return;
    }
    acc.retain(|a| !t.absorbs(*a));
    acc.push(t);
}

/// One term of the table and the rule it belongs to.
#[derive(Clone, Copy, Debug)]
struct Entry {
    term: Term,
    rule: u32,
}

/// Every rule of a set in normal form, in one flat table.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dnf {
    table: Vec<Entry>,
    /// Per rule, its entries' range in `table`, or `None` when the rule keeps its tree.
    spans: Vec<Option<(usize, usize)>>,
    /// The negations of the rules in normal form, for three-valued evaluation: per rule, the
    /// terms of `¬rule`, or `None` when too large (the tree is evaluated in Kleene's logic).
    negations: Vec<Option<Vec<Term>>>,
    /// Every rule is in the table and there are at most 64: one pass over the table gives
    /// every rule's value as a bit.
    one_pass: bool,
    /// For each mask below `2^leaves`, the matching rule's index or [`NOT_UNIQUE`]; only for
    /// sets of at most [`TABLE_MAX_LEAVES`] leaves and fewer than 255 rules.
    decisions: Option<Box<[u8]>>,
    /// The set as a decision diagram, for sets of at most [`TABLE_MAX_LEAVES`] leaves and 64
    /// rules: what [`Dnf::matched_lazy`] walks when every rule is to be decided.
    diagram: Option<Diagram>,
    /// Every rule's bit (`2^rules - 1`).
    all_rules: u64,
}

impl Dnf {
    /// Compiles each rule's condition, for a set reading `leaves` leaf predicates; `tabulate`
    /// asks for the UNIQUE decision table (when the set is small enough).
    pub(crate) fn new(rules: &[Node], leaves: usize, tabulate: bool) -> Self {
        let mut dnf = Dnf::default();
        for (i, node) in rules.iter().enumerate() {
            let span = terms(node, false).and_then(|ts| {
                let rule = u32::try_from(i).ok()?;
                let start = dnf.table.len();
                dnf.table
                    .extend(ts.into_iter().map(|term| Entry { term, rule }));
                Some((start, dnf.table.len()))
            });
            dnf.spans.push(span);
            dnf.negations.push(terms(node, true));
        }
        dnf.one_pass = rules.len() <= 64 && dnf.spans.iter().all(Option::is_some);
        dnf.all_rules = match rules.len() {
            0 => 0,
            n if n >= 64 => u64::MAX,
            n => (1u64 << n) - 1,
        };
        if leaves > TABLE_MAX_LEAVES {
            return dnf;
        }
        // Every rule evaluated on every combination of leaf values, once.
        let small = rules.len() <= 64;
        let matched: Vec<u64> = if small {
            (0..1u64 << leaves).map(|m| dnf.matched(rules, m)).collect()
        } else {
            Vec::new()
        };
        if tabulate && rules.len() < usize::from(NOT_UNIQUE) {
            let decisions = (0..1u64 << leaves)
                .map(|mask| {
                    let single = match matched.get(usize::try_from(mask).unwrap_or(usize::MAX)) {
                        Some(m) => (m.count_ones() == 1).then(|| m.trailing_zeros() as usize),
                        None => dnf.evaluate_all(rules, mask),
                    };
                    single
                        .and_then(|i| u8::try_from(i).ok())
                        .unwrap_or(NOT_UNIQUE)
                })
                .collect();
            dnf.decisions = Some(decisions);
        }
        if small {
            dnf.diagram = Diagram::new(&matched, leaves);
        }
        dnf
    }

    /// Three-valued: the rules true for every value of the leaves outside `known`, and those
    /// true for some. Exact over the leaves (each term's unknown leaves vary freely) for rules
    /// in normal form, Kleene's logic on the tree for the others; equal to [`Dnf::matched`]
    /// twice when every leaf is known.
    pub(crate) fn verdict(&self, trees: &[Node], known: u64, value: u64) -> (u64, u64) {
        let (mut necessary, mut possible) = (0u64, 0u64);
        for (i, tree) in trees.iter().enumerate().take(64) {
            let bit = 1u64 << i;
            let may = match self.spans.get(i).copied().flatten() {
                Some((start, end)) => self
                    .table
                    .get(start..end)
                    .is_some_and(|es| es.iter().any(|e| e.term.possible(known, value))),
                None => tree.eval3(known, value).may_be_true(),
            };
            let must = match self.negations.get(i) {
                Some(Some(neg)) => !neg.iter().any(|t| t.possible(known, value)),
                _ => tree.eval3(known, value).is_true(),
            };
            if may {
                possible |= bit;
            }
            if must {
                necessary |= bit;
            }
        }
        (necessary, possible)
    }

    /// Whether rule `index` (whose tree is `tree`) holds for `mask`.
    pub(crate) fn holds(&self, index: usize, tree: &Node, mask: u64) -> bool {
        match self.spans.get(index).copied().flatten() {
            Some((start, end)) => self
                .table
                .get(start..end)
                .is_some_and(|es| es.iter().any(|e| e.term.holds(mask))),
            None => tree.eval(mask),
        }
    }

    /// The index of the single rule of `trees` that holds for `mask`, or `None` when none or
    /// several do: every rule evaluated, now or (decision table) when the set was built.
    pub(crate) fn unique(&self, trees: &[Node], mask: u64) -> Option<usize> {
        let entry = self
            .decisions
            .as_deref()
            .and_then(|d| d.get(usize::try_from(mask).ok()?));
        match entry {
            Some(&NOT_UNIQUE) => None,
            Some(&i) => Some(usize::from(i)),
            // No table, or a mask with bits beyond the set's leaves.
            None => self.evaluate_all(trees, mask),
        }
    }

    /// Which of `trees` (at most 64) hold for `mask`, as a bit set over rule indices.
    pub(crate) fn matched(&self, trees: &[Node], mask: u64) -> u64 {
        if self.one_pass {
            return self
                .table
                .iter()
                .fold(0u64, |m, e| m | (u64::from(e.term.holds(mask)) << e.rule));
        }
        trees.iter().enumerate().take(64).fold(0u64, |m, (i, t)| {
            m | (u64::from(self.holds(i, t, mask)) << i)
        })
    }

    /// [`Dnf::matched`] with the leaf values asked for on demand, `leaf(i)` called at most once
    /// per leaf. A set with a decision diagram walks it (when every rule is to be decided):
    /// only the leaves on the case's path are asked. Otherwise each term reads its leaves in
    /// order and stops at the first that disagrees, and a rule already matched is skipped. The
    /// result equals `matched` over the mask of every leaf's value; only the leaves read
    /// differ. A set that keeps a tree reads every leaf first. Only the rules in `among` are
    /// decided (the others are reported unmatched).
    pub(crate) fn matched_lazy(
        &self,
        trees: &[Node],
        leaves: usize,
        among: u64,
        mut leaf: impl FnMut(usize) -> bool,
    ) -> u64 {
        if let Some(d) = self
            .diagram
            .as_ref()
            .filter(|_| among & self.all_rules == self.all_rules)
        {
            return d.walk(leaf) & among;
        }
        if !self.one_pass {
            let mask = (0..leaves.min(64)).fold(0u64, |m, i| m | (u64::from(leaf(i)) << i));
            return self.matched(trees, mask) & among;
        }
        let (mut known, mut value, mut matched) = (0u64, 0u64, 0u64);
        'entries: for e in &self.table {
            let rule = 1u64 << e.rule;
            let Term { care, want } = e.term;
            if (matched | !among) & rule != 0 || value & care & known != want & known {
                continue;
            }
            let mut need = care & !known;
            while need != 0 {
                let bit = need & need.wrapping_neg();
                known |= bit;
                if leaf(bit.trailing_zeros() as usize) {
                    value |= bit;
                }
                if (value ^ want) & bit != 0 {
                    continue 'entries;
                }
                need &= !bit;
            }
            matched |= rule;
        }
        matched
    }

    /// [`Dnf::unique`] by evaluating every rule on `mask` now.
    fn evaluate_all(&self, trees: &[Node], mask: u64) -> Option<usize> {
        if self.one_pass {
            let matched = self.matched(trees, mask);
            return (matched.count_ones() == 1).then(|| matched.trailing_zeros() as usize);
        }
        let mut found = None;
        let mut several = false;
        for (i, tree) in trees.iter().enumerate() {
            if self.holds(i, tree, mask) {
                several |= found.is_some();
                found.get_or_insert(i);
            }
        }
        found.filter(|_| !several)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: u8) -> Node {
        Node::Leaf(i)
    }
    fn not(n: Node) -> Node {
        Node::Not(Box::new(n))
    }

    /// Conditions with every kind of node, nested, including empty conjunctions and
    /// disjunctions, repeated leaves and contradictions.
    fn samples() -> Vec<Node> {
        let locally = Node::Named(
            "locally",
            Box::new(Node::All(vec![
                not(leaf(0)),
                Node::Any(vec![leaf(1), leaf(2)]),
                Node::Any(vec![not(leaf(3)), leaf(4)]),
            ])),
        );
        vec![
            Node::True,
            not(Node::True),
            Node::All(vec![]),
            Node::Any(vec![]),
            not(Node::Any(vec![])),
            leaf(5),
            not(not(leaf(5))),
            Node::All(vec![leaf(0), not(leaf(0))]),
            Node::Any(vec![leaf(0), not(leaf(0))]),
            locally.clone(),
            not(locally.clone()),
            Node::All(vec![
                not(leaf(6)),
                not(Node::All(vec![locally.clone(), leaf(5)])),
                leaf(7),
            ]),
            Node::Any(vec![
                Node::All(vec![leaf(1), leaf(2)]),
                not(Node::Any(vec![leaf(3), Node::True])),
            ]),
            not(Node::All(vec![
                Node::Any(vec![leaf(0), leaf(1)]),
                Node::Any(vec![leaf(2), not(leaf(1))]),
            ])),
        ]
    }

    #[test]
    fn normal_form_agrees_with_the_tree_on_every_mask() {
        let rules = samples();
        let dnf = Dnf::new(&rules, 8, true);
        for (i, node) in rules.iter().enumerate() {
            assert!(dnf.spans[i].is_some(), "rule {i} fell back to the tree");
            for mask in 0..(1u64 << 8) {
                assert_eq!(
                    dnf.holds(i, node, mask),
                    node.eval(mask),
                    "rule {i}, mask {mask:b}"
                );
            }
        }
    }

    #[test]
    fn unique_is_the_single_matching_rule_or_none() {
        let rules = samples();
        let mut with_tree = rules.clone();
        // A condition too large for the table sends `unique` down the rule-by-rule path.
        with_tree.push(Node::All(
            (0..9)
                .map(|k| Node::Any(vec![leaf(2 * k), leaf(2 * k + 1)]))
                .collect(),
        ));
        assert!(Dnf::new(&rules, 8, true).one_pass);
        assert!(!Dnf::new(&with_tree, 18, true).one_pass);
        for set in [&rules[..], &rules[5..7], &rules[9..11], &with_tree[..]] {
            // With a decision table over 8 leaves (masks beyond it fall back to evaluating),
            // and without one (a set said to read more than TABLE_MAX_LEAVES leaves).
            let tabled = Dnf::new(set, 8, true);
            let untabled = Dnf::new(set, TABLE_MAX_LEAVES + 1, true);
            assert!(tabled.decisions.is_some() && untabled.decisions.is_none());
            for mask in (0..(1u64 << 8)).chain([u64::MAX, 0x3_FFFF, 0x1_0003]) {
                let matching: Vec<usize> = (0..set.len()).filter(|i| set[*i].eval(mask)).collect();
                let expected = (matching.len() == 1).then(|| matching[0]);
                assert_eq!(tabled.unique(set, mask), expected, "mask {mask:b}");
                assert_eq!(untabled.unique(set, mask), expected, "mask {mask:b}");
            }
        }
    }

    #[test]
    fn too_large_a_normal_form_keeps_the_tree() {
        // (a0 ∨ b0) ∧ (a1 ∨ b1) ∧ … over 9 pairs: 2^9 = 512 terms, above MAX_TERMS.
        let node = Node::All(
            (0..9)
                .map(|k| Node::Any(vec![leaf(2 * k), leaf(2 * k + 1)]))
                .collect(),
        );
        let dnf = Dnf::new(std::slice::from_ref(&node), 18, true);
        assert_eq!(dnf.spans, vec![None]);
        for mask in [0, u64::MAX, 0x5555, 0xAAAA, 0x1_FFFF, 0x3_FFFE] {
            assert_eq!(dnf.holds(0, &node, mask), node.eval(mask));
        }
    }

    #[test]
    fn a_leaf_outside_the_mask_keeps_the_tree() {
        let node = leaf(200);
        let dnf = Dnf::new(std::slice::from_ref(&node), 18, true);
        assert_eq!(dnf.spans, vec![None]);
        assert!(!dnf.holds(0, &node, u64::MAX));
    }
}
