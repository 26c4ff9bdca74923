//! Static checks of a rule set over the abstract domain of its leaf predicates' truth values.
//!
//! A rule set under the UNIQUE hit policy must match exactly one rule for every case. Testing
//! cases one by one can only sample; [`check`] instead enumerates every combination of the
//! leaf predicates' truth values (2ⁿ for n leaves), evaluates each rule on it, and reports
//! every combination where no rule ([`FindingKind::Gap`]) or several rules
//! ([`FindingKind::Overlap`]) match.
//!
//! Not every combination can occur: Child–Pugh ≥ 10 implies Child–Pugh > 7, so a case cannot be
//! "≥ 10" and "not > 7" at once. [`Implication`]s declare such facts and the check skips the
//! combinations they exclude. Concrete contexts ("witnesses", for example the boundary grid of
//! [`crate::grid`]) tie the abstract result back to real cases: each finding carries a witness
//! whose leaf values are exactly that combination, when one was supplied, and any witness that
//! breaks a declared implication is reported too (the implication is wrong).

use std::fmt;

use super::predicate::Expr;
use super::rule::{HitPolicy, Rule, RuleSet, MAX_LEAVES};

/// The most leaf predicates [`check`] enumerates (2²⁴ ≈ 16.8 million combinations).
pub const MAX_CHECK_LEAVES: usize = 24;

/// A literal: a leaf predicate id and a truth value.
pub type Literal = (&'static str, bool);

/// A fact about the leaf predicates that holds for every real context: when every literal of
/// the antecedent holds, the consequent holds too.
///
/// Implications are read by [`check`] to skip combinations of truth values that no case can
/// produce. An implication naming a leaf the rule set does not read is ignored for that rule
/// set, so one list can serve several rule sets.
///
/// ```
/// use hcc_pathways::engine::Implication;
/// // Terminal (ECOG >= 3 or Child-Pugh >= 10) rules out fitness for an intervention.
/// let i = Implication::new("terminal", true, "fit_for_intervention", false);
/// assert_eq!(i.to_string(), "terminal ⇒ ¬fit_for_intervention");
/// // Antecedents may combine several literals.
/// let j = Implication::all(&[("ablation_candidate", true), ("infiltrative", false)], ("up_to_seven", true));
/// assert_eq!(j.to_string(), "ablation_candidate ∧ ¬infiltrative ⇒ up_to_seven");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Implication {
    when: Vec<Literal>,
    then: Literal,
}

impl Implication {
    /// `if_leaf = if_value ⇒ then_leaf = then_value`.
    pub fn new(
        if_leaf: &'static str,
        if_value: bool,
        then_leaf: &'static str,
        then_value: bool,
    ) -> Self {
        Self {
            when: vec![(if_leaf, if_value)],
            then: (then_leaf, then_value),
        }
    }

    /// `a₁ ∧ a₂ ∧ … ⇒ then` (an empty antecedent states that `then` always holds).
    pub fn all(when: &[Literal], then: Literal) -> Self {
        Self {
            when: when.to_vec(),
            then,
        }
    }

    /// The antecedent's literals.
    pub fn antecedent(&self) -> &[Literal] {
        &self.when
    }

    /// The consequent.
    pub fn consequent(&self) -> Literal {
        self.then
    }

    /// Whether the implication holds for the leaf values `mask` of `rules` (bit `i` is
    /// `rules.leaves()[i]`), or `None` when it names a leaf the rule set does not read.
    ///
    /// ```
    /// use hcc_pathways::engine::Implication;
    /// use hcc_pathways::pathway::pathway_rules;
    /// let rules = pathway_rules();
    /// let i = Implication::new("terminal_liver_function", true, "child_pugh_above_intervention_limit", true);
    /// let bit = |id: &str| 1u64 << rules.leaves().iter().position(|p| p.id() == id).unwrap();
    /// assert_eq!(i.holds_in(rules, bit("terminal_liver_function")), Some(false));
    /// assert_eq!(i.holds_in(rules, bit("terminal_liver_function") | bit("child_pugh_above_intervention_limit")), Some(true));
    /// ```
    pub fn holds_in<C, D>(&self, rules: &RuleSet<C, D>, mask: u64) -> Option<bool> {
        let leaves: Vec<&'static str> = rules.leaves().iter().map(|p| p.id()).collect();
        self.resolve(&leaves).map(|r| !r.violated_by(mask))
    }

    /// Resolves the leaf ids against a rule set's leaves: `None` when a leaf is not read.
    fn resolve(&self, leaves: &[&'static str]) -> Option<Resolved> {
        let bit = |id: &str| leaves.iter().position(|l| *l == id).map(|i| 1u64 << i);
        let mut care = 0u64;
        let mut want = 0u64;
        for (id, value) in &self.when {
            let b = bit(id)?;
            care |= b;
            if *value {
                want |= b;
            }
        }
        Some(Resolved {
            care,
            want,
            then_bit: bit(self.then.0)?,
            then_value: self.then.1,
        })
    }
}

impl fmt::Display for Implication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn lit(f: &mut fmt::Formatter<'_>, (id, v): Literal) -> fmt::Result {
            if v {
                f.write_str(id)
            } else {
                write!(f, "¬{id}")
            }
        }
        if self.when.is_empty() {
            f.write_str("true")?;
        }
        for (i, l) in self.when.iter().enumerate() {
            if i > 0 {
                f.write_str(" ∧ ")?;
            }
            lit(f, *l)?;
        }
        f.write_str(" ⇒ ")?;
        lit(f, self.then)
    }
}

#[derive(Clone, Copy)]
struct Resolved {
    care: u64,
    want: u64,
    then_bit: u64,
    then_value: bool,
}

impl Resolved {
    fn violated_by(self, mask: u64) -> bool {
        mask & self.care == self.want && (mask & self.then_bit != 0) != self.then_value
    }
}

/// What kind of defect a [`Finding`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FindingKind {
    /// No rule matches.
    Gap,
    /// Two or more rules match.
    Overlap,
}

/// One combination of leaf truth values where the UNIQUE hit policy fails.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Finding<C> {
    /// Gap or overlap.
    pub kind: FindingKind,
    /// The leaf truth values: bit `i` is the value of [`CheckReport::leaves`]`[i]`.
    pub mask: u64,
    /// The ids of the rules that match (empty for a gap).
    pub matched: Vec<&'static str>,
    /// A supplied context whose leaf values are exactly `mask`, if any. `None` means no witness
    /// realised the combination: either the witnesses miss it, or no real case can produce it
    /// and an [`Implication`] should say so.
    pub witness: Option<C>,
}

/// A supplied witness that breaks a declared implication: the implication is wrong (or the
/// witness is not a real case).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Violation<C> {
    /// The implication that does not hold.
    pub implication: Implication,
    /// The witness's leaf truth values.
    pub mask: u64,
    /// The first witness found that breaks it.
    pub witness: C,
}

/// [`check`] cannot enumerate a rule set with this many leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("check enumerates at most {MAX_CHECK_LEAVES} leaf predicates, this rule set reads {0}")]
pub struct TooManyLeaves(pub usize);

/// What [`check_with`] may assume besides the rule set itself: implications between leaf
/// predicates, and definitions of leaves that stand for earlier decisions.
///
/// A rule set that reads a decision made earlier (a leaf such as `decided_by_R5`, which reads
/// the stored pathway rule) is proved over the predicates that decision was made from: each
/// definition replaces its leaf, in the rules and in the scope, by the condition it stands
/// for ([`Expr::substitute`]).
pub struct Assumptions<'a, C> {
    implications: &'a [Implication],
    definitions: Vec<(&'static str, Expr<C>)>,
}

impl<'a, C> Assumptions<'a, C> {
    /// Assumes `implications` and no definitions.
    pub fn new(implications: &'a [Implication]) -> Self {
        Self {
            implications,
            definitions: Vec::new(),
        }
    }

    /// Adds a definition: the leaf `leaf` stands for `expr`.
    #[must_use]
    pub fn define(mut self, leaf: &'static str, expr: impl Into<Expr<C>>) -> Self {
        self.definitions.push((leaf, expr.into()));
        self
    }

    /// The implications.
    pub fn implications(&self) -> &[Implication] {
        self.implications
    }

    /// The definitions, as (leaf id, condition) pairs.
    pub fn definitions(&self) -> &[(&'static str, Expr<C>)] {
        &self.definitions
    }
}

/// The result of [`check`] or [`check_with`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CheckReport<C> {
    /// The rule set's id.
    pub rule_set: &'static str,
    /// The hit policy that was proved.
    pub hit_policy: HitPolicy,
    /// The scope it was proved in, as text (`true` when the set declares none), after
    /// definitions were substituted.
    pub scope: String,
    /// The leaf predicate ids, in bit order (after definitions were substituted).
    pub leaves: Vec<&'static str>,
    /// Every combination of leaf truth values: 2ⁿ.
    pub assignments: u64,
    /// Combinations skipped because an implication rules them out.
    pub excluded: u64,
    /// Combinations skipped because the scope does not hold there.
    pub out_of_scope: u64,
    /// Implications that applied (every leaf they name is read by the rule set).
    pub implications_applied: usize,
    /// Gaps and overlaps, in increasing order of mask.
    pub findings: Vec<Finding<C>>,
    /// Witnesses that break an implication (at most one per implication).
    pub violations: Vec<Violation<C>>,
    /// How many witnesses were read.
    pub witnesses: u64,
    /// How many distinct combinations in scope and not excluded by an implication the
    /// witnesses realised.
    pub realised: u64,
}

impl<C> CheckReport<C> {
    /// Whether the rule set keeps its hit policy over the abstract domain: no gap, no overlap,
    /// and no witness breaks an implication.
    ///
    /// A finding counts even when no witness realises it: an unrealised combination is a defect
    /// until an implication shows it cannot occur.
    pub fn is_ok(&self) -> bool {
        self.findings.is_empty() && self.violations.is_empty()
    }

    /// The gaps (no rule matches).
    pub fn gaps(&self) -> impl Iterator<Item = &Finding<C>> {
        self.findings.iter().filter(|f| f.kind == FindingKind::Gap)
    }

    /// The overlaps (several rules match).
    pub fn overlaps(&self) -> impl Iterator<Item = &Finding<C>> {
        self.findings
            .iter()
            .filter(|f| f.kind == FindingKind::Overlap)
    }

    /// Combinations left after the implications and the scope.
    pub fn feasible(&self) -> u64 {
        self.assignments - self.excluded - self.out_of_scope
    }

    /// The leaf values of a mask, as `(id, value)` pairs in bit order.
    pub fn assignment(&self, mask: u64) -> impl Iterator<Item = Literal> + '_ {
        self.leaves
            .iter()
            .enumerate()
            .map(move |(i, id)| (*id, mask & (1u64 << i) != 0))
    }

    fn write_assignment(&self, f: &mut fmt::Formatter<'_>, mask: u64) -> fmt::Result {
        for (i, (id, v)) in self.assignment(mask).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}{id}", if v { "" } else { "¬" })?;
        }
        Ok(())
    }
}

impl<C> fmt::Display for CheckReport<C> {
    /// A summary, then one line per finding and per violation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rule set `{}` ({}, within `{}`): {} leaves, {} combinations, {} excluded by {} implications, {} out of scope, {} realised by {} witnesses; {} gaps, {} overlaps, {} implication violations",
            self.rule_set,
            self.hit_policy,
            self.scope,
            self.leaves.len(),
            self.assignments,
            self.excluded,
            self.implications_applied,
            self.out_of_scope,
            self.realised,
            self.witnesses,
            self.gaps().count(),
            self.overlaps().count(),
            self.violations.len(),
        )?;
        for x in &self.findings {
            match x.kind {
                FindingKind::Gap => f.write_str("gap: no rule matches [")?,
                FindingKind::Overlap => {
                    write!(f, "overlap: {} match [", x.matched.join(", "))?;
                }
            }
            self.write_assignment(f, x.mask)?;
            let w = if x.witness.is_some() {
                "with a witness"
            } else {
                "no witness: infeasible? declare an implication"
            };
            writeln!(f, "] ({w})")?;
        }
        for v in &self.violations {
            write!(f, "violation: a witness breaks `{}` [", v.implication)?;
            self.write_assignment(f, v.mask)?;
            writeln!(f, "]")?;
        }
        Ok(())
    }
}

/// Checks a rule set's declared hit policy over every combination of its leaf predicates'
/// truth values that the implications allow, and ties the result to concrete witnesses:
/// [`check_with`] without definitions.
///
/// # Errors
/// [`TooManyLeaves`] when the rule set reads more than [`MAX_CHECK_LEAVES`] leaves.
///
/// ```
/// use hcc_pathways::engine::{check, Implication, Predicate, Rule, RuleSet, Trace};
/// use hcc_pathways::sources::Source;
///
/// const S: Source = Source::new("DEMO", "Demonstration only");
/// let ge10 = Predicate::new("ge_10", "x >= 10", &[S], |x: &u8, _: &mut Trace| *x >= 10);
/// let gt7 = Predicate::new("gt_7", "x > 7", &[S], |x: &u8, _: &mut Trace| *x > 7);
/// // "High" needs only ge_10; "low" is ¬gt_7; nothing covers 8-9: a gap.
/// let rules = RuleSet::new("demo", "1", vec![
///     Rule::new("HIGH", ge10.expr(), "high", "x >= 10", &[S]),
///     Rule::new("LOW", gt7.not(), "low", "x <= 7", &[S]),
/// ])?;
/// let implications = [Implication::new("ge_10", true, "gt_7", true)];
/// let report = check(&rules, &implications, 5u8..=15)?;
/// assert_eq!(report.excluded, 1); // ge_10 ∧ ¬gt_7 cannot occur
/// assert_eq!(report.findings.len(), 1);
/// let gap = &report.findings[0];
/// assert!(gap.matched.is_empty());
/// assert_eq!(gap.witness, Some(8)); // the first witness with gt_7 ∧ ¬ge_10
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check<C, D>(
    rules: &RuleSet<C, D>,
    implications: &[Implication],
    witnesses: impl IntoIterator<Item = C>,
) -> Result<CheckReport<C>, TooManyLeaves> {
    check_with(rules, &Assumptions::new(implications), witnesses)
}

/// Checks a rule set's declared hit policy within its declared scope, with definitions
/// substituted and implications assumed.
///
/// - A UNIQUE set: every combination of leaf values in the scope must match exactly one rule;
///   each other combination is a [`Finding`] (a gap or an overlap).
/// - A COLLECT set: in the scope, no two rules of one exclusive group may match together; each
///   combination where they do is an overlap. A COLLECT set without groups has nothing to prove.
///
/// Each finding carries a witness from `witnesses` whose leaf values are exactly that
/// combination, when one exists; a witness that breaks an implication becomes a [`Violation`].
/// The enumeration allocates only for findings; each witness costs one evaluation of the
/// leaves.
///
/// # Errors
/// [`TooManyLeaves`] when the rules checked and the scope read more than
/// [`MAX_CHECK_LEAVES`] leaves after substitution.
///
/// ```
/// use hcc_pathways::engine::{check_with, Assumptions, Predicate, Rule, RuleSet, Trace};
/// use hcc_pathways::sources::Source;
///
/// const S: Source = Source::new("DEMO", "Demonstration only");
/// let pos = Predicate::new("positive", "above 0", &[S], |x: &i8, _: &mut Trace| *x > 0);
/// let even = Predicate::new("even", "even", &[S], |x: &i8, _: &mut Trace| x % 2 == 0);
/// // A decision made earlier, stored and read back: "the sign rules chose POSITIVE".
/// let chose_pos = Predicate::new("chose_positive", "sign rules chose POSITIVE", &[S],
///     |x: &i8, _: &mut Trace| *x > 0);
/// // Only complete where POSITIVE was chosen.
/// let parity = RuleSet::unique("parity", "1", vec![
///     Rule::new("EVEN", even.expr(), "even", "even", &[S]),
///     Rule::new("ODD", even.not(), "odd", "odd", &[S]),
/// ])?.within(chose_pos.expr());
/// let proof = Assumptions::new(&[]).define("chose_positive", pos.expr());
/// let report = check_with(&parity, &proof, -3i8..=3)?;
/// assert!(report.is_ok(), "{report}");
/// assert_eq!(report.leaves, ["even", "positive"]);
/// assert_eq!(report.out_of_scope, 2); // ¬positive, either parity
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_with<C, D>(
    rules: &RuleSet<C, D>,
    assumptions: &Assumptions<'_, C>,
    witnesses: impl IntoIterator<Item = C>,
) -> Result<CheckReport<C>, TooManyLeaves> {
    let defs = assumptions.definitions();
    let hit = rules.hit_policy();
    // The rules to prove: all of a UNIQUE set; those in an exclusive group of a COLLECT set.
    let selected: Vec<usize> = match hit {
        HitPolicy::Unique => (0..rules.rules().len()).collect(),
        HitPolicy::Collect => {
            let mut v: Vec<usize> = rules.exclusive_groups().iter().flatten().copied().collect();
            v.sort_unstable();
            v.dedup();
            v
        }
    };
    let scope = rules.scope().substitute(defs);
    let scope_text = scope.to_string();
    let mut expanded: Vec<Rule<C, usize>> = selected
        .iter()
        .map(|&i| {
            let r = &rules.rules()[i];
            Rule::internal(r.id(), r.condition().substitute(defs), i)
        })
        .collect();
    let scope_index = expanded.len();
    expanded.push(Rule::internal("scope", scope, usize::MAX));
    let set = match RuleSet::collect(rules.id(), rules.version(), expanded) {
        Ok(s) => s,
        // Rule ids are those of a valid set plus "scope"; only the leaf count can fail.
        Err(_) => return Err(TooManyLeaves(MAX_LEAVES + 1)),
    };
    let leaves: Vec<&'static str> = set.leaves().iter().map(|p| p.id()).collect();
    let n = leaves.len();
    if n > MAX_CHECK_LEAVES {
        return Err(TooManyLeaves(n));
    }
    // Exclusive groups as bit sets over the expanded set's rule indices.
    let groups: Vec<u64> = rules
        .exclusive_groups()
        .iter()
        .map(|g| {
            g.iter().fold(0u64, |m, i| {
                m | selected
                    .iter()
                    .position(|s| s == i)
                    .map_or(0, |p| 1u64 << p)
            })
        })
        .collect();
    let rule_bits = (1u64 << scope_index) - 1;
    let resolved: Vec<(usize, Resolved)> = assumptions
        .implications()
        .iter()
        .enumerate()
        .filter_map(|(i, imp)| imp.resolve(&leaves).map(|r| (i, r)))
        .collect();
    let excluded_by = |mask: u64| resolved.iter().find(|(_, r)| r.violated_by(mask));
    let in_scope = |mask: u64| set.rule_matches_mask(scope_index, mask);

    let assignments = 1u64 << n;
    let mut excluded = 0u64;
    let mut out_of_scope = 0u64;
    let mut findings: Vec<Finding<C>> = Vec::new();
    let ids = |bits: u64| -> Vec<&'static str> {
        set.rules()
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1u64 << i) != 0)
            .map(|(_, r)| r.id())
            .collect()
    };
    for mask in 0..assignments {
        if excluded_by(mask).is_some() {
            excluded += 1;
            continue;
        }
        if !in_scope(mask) {
            out_of_scope += 1;
            continue;
        }
        let matched = set
            .matches_for_mask(mask)
            .fold(0u64, |m, i| m | (1u64 << i))
            & rule_bits;
        let bad = match hit {
            HitPolicy::Unique => match matched.count_ones() {
                1 => None,
                0 => Some((FindingKind::Gap, 0)),
                _ => Some((FindingKind::Overlap, matched)),
            },
            HitPolicy::Collect => groups
                .iter()
                .map(|g| g & matched)
                .find(|m| m.count_ones() > 1)
                .map(|m| (FindingKind::Overlap, m)),
        };
        if let Some((kind, bits)) = bad {
            findings.push(Finding {
                kind,
                mask,
                matched: ids(bits),
                witness: None,
            });
        }
    }

    // One bit per combination: which ones a witness realised.
    let mut seen = vec![0u64; usize::try_from(assignments.div_ceil(64)).unwrap_or(0)];
    let mut realised = 0u64;
    let mut witness_count = 0u64;
    let mut violations: Vec<Violation<C>> = Vec::new();
    let mut violated = vec![false; assumptions.implications().len()];
    for ctx in witnesses {
        witness_count += 1;
        let mask = set.leaf_mask(&ctx);
        if let Some((i, _)) = excluded_by(mask) {
            if !violated[*i] {
                violated[*i] = true;
                violations.push(Violation {
                    implication: assumptions.implications()[*i].clone(),
                    mask,
                    witness: ctx,
                });
            }
            continue;
        }
        if !in_scope(mask) {
            continue;
        }
        let (word, bit) = ((mask / 64) as usize, 1u64 << (mask % 64));
        if seen[word] & bit != 0 {
            continue;
        }
        seen[word] |= bit;
        realised += 1;
        if let Ok(i) = findings.binary_search_by_key(&mask, |f| f.mask) {
            findings[i].witness = Some(ctx);
        }
    }

    Ok(CheckReport {
        rule_set: rules.id(),
        hit_policy: hit,
        scope: scope_text,
        leaves,
        assignments,
        excluded,
        out_of_scope,
        implications_applied: resolved.len(),
        findings,
        violations,
        witnesses: witness_count,
        realised,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Predicate, Rule, Trace};
    use crate::sources::Source;

    const S: Source = Source::new("TEST", "unit test");

    fn leaves() -> (Predicate<u8>, Predicate<u8>) {
        (
            Predicate::new("ge_10", "x >= 10", &[S], |x: &u8, _: &mut Trace| *x >= 10),
            Predicate::new("gt_7", "x > 7", &[S], |x: &u8, _: &mut Trace| *x > 7),
        )
    }

    #[test]
    fn a_partition_has_no_findings() {
        let (ge10, gt7) = leaves();
        let rules = RuleSet::new(
            "ok",
            "1",
            vec![
                Rule::new("A", ge10.expr(), 'A', "a", &[S]),
                Rule::new("B", gt7.and(ge10.not()), 'B', "b", &[S]),
                Rule::new("C", gt7.not(), 'C', "c", &[S]),
            ],
        )
        .unwrap();
        let imp = [Implication::new("ge_10", true, "gt_7", true)];
        let r = check(&rules, &imp, 5u8..=15).unwrap();
        assert!(r.is_ok(), "{r}");
        assert_eq!((r.assignments, r.excluded, r.realised), (4, 1, 3));
        assert_eq!(r.witnesses, 11);
    }

    #[test]
    fn overlap_and_gap_are_reported_with_witnesses() {
        let (ge10, gt7) = leaves();
        let rules = RuleSet::new(
            "broken",
            "1",
            vec![
                Rule::new("A", ge10.expr(), 'A', "a", &[S]),
                Rule::new("B", gt7.expr(), 'B', "b", &[S]),
            ],
        )
        .unwrap();
        let r = check(&rules, &[], [3u8, 12]).unwrap();
        // Masks: bit 0 = ge_10, bit 1 = gt_7.
        assert_eq!(r.findings.len(), 2, "{r}");
        let gap = r.gaps().next().unwrap();
        assert_eq!((gap.mask, gap.witness), (0b00, Some(3)));
        assert!(gap.matched.is_empty());
        let overlap = r.overlaps().next().unwrap();
        assert_eq!((overlap.mask, overlap.witness), (0b11, Some(12)));
        assert_eq!(overlap.matched, ["A", "B"]);
        let text = r.to_string();
        assert!(
            text.contains("overlap: A, B match [ge_10, gt_7] (with a witness)"),
            "{text}"
        );
        assert!(
            text.contains("gap: no rule matches [¬ge_10, ¬gt_7] (with a witness)"),
            "{text}"
        );
    }

    #[test]
    fn an_infeasible_finding_has_no_witness_until_an_implication_removes_it() {
        let (ge10, gt7) = leaves();
        let rules = RuleSet::new(
            "r",
            "1",
            vec![
                Rule::new("A", ge10.expr(), 'A', "a", &[S]),
                Rule::new("B", gt7.and(ge10.not()), 'B', "b", &[S]),
                Rule::new("C", gt7.not(), 'C', "c", &[S]),
            ],
        )
        .unwrap();
        // A and C both match ge_10 ∧ ¬gt_7, which no number produces.
        let r = check(&rules, &[], 5u8..=15).unwrap();
        assert_eq!(r.findings.len(), 1, "{r}");
        let f = &r.findings[0];
        assert_eq!(
            (f.kind, f.mask, f.witness),
            (FindingKind::Overlap, 0b01, None)
        );
        assert!(r
            .to_string()
            .contains("(no witness: infeasible? declare an implication)"));
        let imp = [Implication::new("ge_10", true, "gt_7", true)];
        assert!(check(&rules, &imp, 5u8..=15).unwrap().is_ok());
    }

    #[test]
    fn a_wrong_implication_is_caught_by_a_witness() {
        let (ge10, gt7) = leaves();
        let rules = RuleSet::new(
            "r",
            "1",
            vec![
                Rule::new("A", ge10.expr(), 'A', "a", &[S]),
                Rule::new("B", ge10.not(), 'B', "b", &[S]),
                Rule::new("C", gt7.and(gt7.not()), 'C', "never", &[S]),
            ],
        )
        .unwrap();
        // Wrong: x > 7 does not imply x >= 10.
        let wrong = Implication::new("gt_7", true, "ge_10", true);
        let r = check(&rules, std::slice::from_ref(&wrong), 5u8..=15).unwrap();
        assert_eq!(r.violations.len(), 1, "{r}");
        assert_eq!(r.violations[0].implication, wrong);
        assert_eq!(r.violations[0].witness, 8);
        assert!(!r.is_ok());
    }

    #[test]
    fn implications_on_unknown_leaves_are_ignored() {
        let (ge10, _) = leaves();
        let rules = RuleSet::new(
            "r",
            "1",
            vec![
                Rule::new("A", ge10.expr(), 'A', "a", &[S]),
                Rule::new("B", ge10.not(), 'B', "b", &[S]),
            ],
        )
        .unwrap();
        let imp = [
            Implication::new("ge_10", true, "nowhere", true),
            Implication::all(&[], ("ge_10", true)),
        ];
        let r = check(&rules, &imp, std::iter::empty()).unwrap();
        assert_eq!(r.implications_applied, 1);
        assert_eq!(r.excluded, 1);
        assert_eq!(imp[1].to_string(), "true ⇒ ge_10");
    }

    #[test]
    fn too_many_leaves_is_an_error() {
        let preds: Vec<Predicate<u8>> = (0..25u8)
            .map(|i| {
                let id: &'static str = Box::leak(format!("p{i}").into_boxed_str());
                Predicate::new(id, "bit", &[S], move |x: &u8, _: &mut Trace| *x == i)
            })
            .collect();
        let cond = crate::engine::all(preds.iter().map(Predicate::expr));
        let rules = RuleSet::new("big", "1", vec![Rule::new("A", cond, (), "a", &[S])]).unwrap();
        assert_eq!(
            check(&rules, &[], std::iter::empty()).unwrap_err(),
            TooManyLeaves(25)
        );
    }
}
