//! The pipeline: every decision made once per case, in order, each rule set reading the leaves
//! it needs from one cache so that each distinct predicate is evaluated once.
//!
//! 1. [`Assessment::new`]: the line of therapy; the order of its options; which
//!    regimens are eligible; the pathway. Classification ([`classify`]) stops here, and
//!    makes the first three decisions only when the pathway rules need eligibility
//!    (`fit_for_systemic`): R1, R2 and R5 cases, and R4/R7 cases unfit whatever the regimens,
//!    are decided without them.
//! 2. [`plan`]: the options inside the pathway (the procedure, the regimens offered, best
//!    supportive care, TACE with systemic therapy), then the cautions, considerations and
//!    reason details that apply.
//!
//! Rule sets of a later stage read the decisions of an earlier one as leaves (`decided_by_R5`,
//! `line_first`, `regimen_available`); no rule set reads a decision of its own or a later stage
//! (a unit test below checks this), so every leaf value cached is final.

use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

use crate::advice::cautions::{self, Concerns};
use crate::advice::considerations;
use crate::advice::details::{self, Placement};
use crate::assessment::{Assessment, Decisions, Eligibility, PathwayDecision};
use crate::case::{Case, Regimen, RegimenSet};
use crate::engine::{HitPolicyError, Leaves, Predicate, RuleSet, Trace, Truth, Verdict};
use crate::error::Error;
use crate::outcomes::{
    LineOfTherapy, Modality, OptionSet, OrderEntry, Pathway, PathwayRule, PathwayRules, TreatmentId,
};
use crate::pathway::pathway_rules;
use crate::policy::Policy;
use crate::sources::SourceSet;
use crate::systemic::eligibility::{self, Omission};
use crate::systemic::{lines, order, with_tace};
use crate::text::Template;
use crate::{procedures, supportive};

/// The most distinct leaf predicates all the crate's rule sets read together (the cache is a
/// pair of `u128`).
const MAX_CATALOGUE: usize = 128;

/// One rule set of the pipeline, with where its leaves sit in the shared cache, its rules'
/// texts as templates, and the leaves each rule reads.
pub(crate) struct Table<D: 'static> {
    pub set: &'static RuleSet<Assessment, D>,
    /// Leaf `i` of the set is catalogue slot `slots[i]`.
    pub slots: Vec<u8>,
    /// Per rule: its reason as a template.
    pub texts: Vec<Template>,
    /// Per rule: the catalogue slots its condition reads.
    pub reads: Vec<u128>,
    /// Per rule: its sources and those of every leaf it reads (what applying it adds to a
    /// recommendation's references).
    pub cites: Vec<SourceSet>,
}

impl<D> Table<D> {
    fn new(
        set: &'static RuleSet<Assessment, D>,
        catalogue: &mut Vec<Predicate<Assessment>>,
    ) -> Self {
        let slots: Vec<u8> = set
            .leaves()
            .iter()
            .map(|p| {
                let slot = match catalogue.iter().position(|q| q.id() == p.id()) {
                    Some(i) => i,
                    None => {
                        catalogue.push(p.clone());
                        catalogue.len() - 1
                    }
                };
                // The catalogue holds fewer than 128 leaves (a unit test builds the tables).
                u8::try_from(slot).unwrap_or(u8::MAX)
            })
            .collect();
        let texts = set.rules().iter().map(|r| template(r.reason())).collect();
        let reads: Vec<u128> = (0..set.rules().len())
            .map(|i| {
                let leaves = set.rule_leaves(i);
                slots
                    .iter()
                    .enumerate()
                    .filter(|(l, _)| leaves & (1u64 << l) != 0)
                    .fold(0u128, |m, (_, s)| m | (1u128 << s))
            })
            .collect::<Vec<u128>>();
        let cites = set
            .rules()
            .iter()
            .zip(&reads)
            .map(|(r, read)| {
                bit_indices128(*read).fold(SourceSet::of(r.sources()), |c, slot| {
                    c.union(SourceSet::of(catalogue[slot].sources()))
                })
            })
            .collect();
        Table {
            set,
            slots,
            texts,
            reads,
            cites,
        }
    }

    /// The catalogue slots of every leaf of the set.
    pub fn all_slots(&self) -> u128 {
        self.slots.iter().fold(0u128, |m, s| m | (1u128 << s))
    }
}

fn template(text: &'static str) -> Template {
    match Template::parse(text) {
        Ok(t) => t,
        // Every text is a constant and a unit test parses them all.
        Err(e) => unreachable!("{e}"),
    }
}

/// Every rule set of the crate, in pipeline order, and every leaf they read.
pub(crate) struct Tables {
    pub pathway: Table<Pathway>,
    pub lines: Table<LineOfTherapy>,
    pub order: Table<&'static [OrderEntry]>,
    /// Per order rule, per entry: the entry's detail as a template.
    pub order_details: Vec<Vec<Template>>,
    pub omissions: Table<Omission>,
    pub procedures: Table<Modality>,
    pub supportive: Table<TreatmentId>,
    pub with_tace: Table<TreatmentId>,
    pub cautions: Table<Concerns>,
    pub considerations: Table<()>,
    pub details: Table<Placement>,
    /// Every distinct leaf predicate, by slot.
    pub catalogue: Vec<Predicate<Assessment>>,
    /// Each leaf's description as a template.
    pub descriptions: Vec<Template>,
    /// The named composites of the pathway rules, with their descriptions as templates.
    pub pathway_named: Vec<(&'static str, Template)>,
    /// The sources of every leaf of the pathway rules (the explanation reports them all).
    pub pathway_cites: SourceSet,
    /// The default policy's digest.
    pub default_digest: u64,
    /// The catalogue slots of the pathway leaves that read the decisions made before the
    /// pathway (eligibility: `fit_for_systemic`), as the cache's two words. [`classify`] defers
    /// them; a unit test checks that no other pathway leaf reads those decisions.
    pub pathway_reads_decisions: [u64; 2],
}

impl Tables {
    fn new() -> Tables {
        let mut cat = Vec::new();
        // The pathway table first: its leaves take the first slots, so the explanation lists
        // them first.
        let pathway = Table::new(pathway_rules(), &mut cat);
        let lines = Table::new(lines::rules(), &mut cat);
        let order = Table::new(order::rules(), &mut cat);
        let omissions = Table::new(eligibility::rules(), &mut cat);
        let procedures = Table::new(procedures::rules(), &mut cat);
        let supportive = Table::new(supportive::rules(), &mut cat);
        let with_tace = Table::new(with_tace::rules(), &mut cat);
        let cautions = Table::new(cautions::rules(), &mut cat);
        let considerations = Table::new(considerations::rules(), &mut cat);
        let details = Table::new(details::rules(), &mut cat);
        assert!(cat.len() <= MAX_CATALOGUE, "{} leaves", cat.len());
        let order_details = order
            .set
            .rules()
            .iter()
            .map(|r| r.outcome().iter().map(|e| template(e.detail)).collect())
            .collect();
        let descriptions = cat.iter().map(|p| template(p.description())).collect();
        let pathway_named = pathway
            .set
            .named()
            .map(|(id, d)| (id, template(d)))
            .collect();
        let pathway_cites = bit_indices128(pathway.all_slots())
            .fold(SourceSet::EMPTY, |c, slot| {
                c.union(SourceSet::of(cat[slot].sources()))
            });
        let fit = crate::predicates::fit_for_systemic();
        let pathway_reads_decisions = pathway.slots.iter().fold([0u64; 2], |mut m, slot| {
            if cat[usize::from(*slot)].same_test(&fit) {
                m[usize::from(*slot >> 6) & 1] |= 1u64 << (*slot & 63);
            }
            m
        });
        Tables {
            default_digest: Policy::default().digest(),
            pathway_reads_decisions,
            pathway_cites,
            pathway,
            lines,
            order,
            order_details,
            omissions,
            procedures,
            supportive,
            with_tace,
            cautions,
            considerations,
            details,
            catalogue: cat,
            descriptions,
            pathway_named,
        }
    }
}

static TABLES: LazyLock<Tables> = LazyLock::new(Tables::new);

/// The shared tables (built on the first call).
pub(crate) fn tables() -> &'static Tables {
    &TABLES
}

/// The leaf values of one case, each evaluated at most once.
pub(crate) struct Memo {
    /// Bit `s % 64` of word `s / 64`: slot `s` has been evaluated.
    evaluated: [u64; 2],
    /// Likewise: slot `s` is known (not unknown).
    known: [u64; 2],
    /// Likewise: slot `s` is true.
    value: [u64; 2],
    /// Likewise: slot `s` is deferred — a leaf that reads decisions not made yet (see
    /// [`classify`]): evaluated with them pending (they read as unknown), its answer kept only
    /// when known, since the decisions may settle an unknown one.
    deferred: [u64; 2],
    catalogue: &'static [Predicate<Assessment>],
}

impl Memo {
    /// An empty cache (allocation-free).
    pub(crate) fn silent() -> Memo {
        Memo {
            evaluated: [0; 2],
            known: [0; 2],
            value: [0; 2],
            deferred: [0; 2],
            catalogue: &tables().catalogue,
        }
    }

    /// The value of catalogue slot `slot`, evaluating it on first use (the cached read is
    /// inlined where the rule sets ask; the evaluation is not).
    #[inline]
    fn leaf(&mut self, a: &Assessment, slot: u8) -> Truth {
        let (w, bit) = (usize::from(slot >> 6) & 1, 1u64 << (slot & 63));
        if self.evaluated[w] & bit == 0 {
            return self.evaluate(a, slot, w, bit);
        }
        if self.known[w] & bit == 0 {
            Truth::Unknown
        } else {
            Truth::from(self.value[w] & bit != 0)
        }
    }

    /// [`Memo::leaf`] for a slot not evaluated yet (`bit` of word `w`).
    #[inline(never)]
    fn evaluate(&mut self, a: &Assessment, slot: u8, w: usize, bit: u64) -> Truth {
        let value = self.catalogue[usize::from(slot)].evaluate(a, &mut Trace::silent());
        if value == Truth::Unknown && self.deferred[w] & bit != 0 {
            return value;
        }
        self.evaluated[w] |= bit;
        match value {
            Truth::True => {
                self.known[w] |= bit;
                self.value[w] |= bit;
            }
            Truth::False => self.known[w] |= bit,
            Truth::Unknown => {}
        }
        value
    }

    /// The verdict of a table's set, reading from the cache only the leaves its conditions need
    /// while they are known.
    ///
    /// # Errors
    /// The set's [`HitPolicyError`].
    pub(crate) fn verdict<D>(
        &mut self,
        a: &Assessment,
        table: &Table<D>,
    ) -> Result<Verdict, HitPolicyError> {
        table.set.verdict_with(|i| self.leaf(a, table.slots[i]))
    }

    /// The rules of a table's set that match, when every leaf it reads is known (a deferred
    /// one included); `None` as soon as one is not — the caller then decides with
    /// [`Memo::verdict`]. Cheaper than a verdict: no three-valued pass is ever made.
    fn known_hits<D>(
        &mut self,
        a: &Assessment,
        table: &Table<D>,
    ) -> Option<Result<u64, HitPolicyError>> {
        let mut open = false;
        let hits = table.set.hits_with(|i| match self.leaf(a, table.slots[i]) {
            Truth::True => true,
            Truth::False => false,
            Truth::Unknown => {
                open = true;
                false
            }
        });
        (!open).then_some(hits)
    }

    /// [`Memo::verdict`] deciding only the rules in `among` (a COLLECT set).
    ///
    /// # Errors
    /// The set's [`HitPolicyError`] among those rules.
    pub(crate) fn verdict_among<D>(
        &mut self,
        a: &Assessment,
        table: &Table<D>,
        among: u64,
    ) -> Result<Verdict, HitPolicyError> {
        table
            .set
            .verdict_among_with(among, |i| self.leaf(a, table.slots[i]))
    }

    /// Every leaf of a table's set, from the cache.
    pub(crate) fn leaves<D>(&mut self, a: &Assessment, table: &Table<D>) -> Leaves {
        let mut leaves = Leaves::default();
        for (i, slot) in table.slots.iter().enumerate() {
            leaves.set(i, self.leaf(a, *slot));
        }
        leaves
    }
}

/// The indices of the set bits of a mask, lowest first (with an exact length, so that
/// collecting them allocates once).
pub(crate) struct Bits<T>(T);

macro_rules! bits_iterator {
    ($t:ty) => {
        impl Iterator for Bits<$t> {
            type Item = usize;
            fn next(&mut self) -> Option<usize> {
                if self.0 == 0 {
                    return None;
                }
                let i = self.0.trailing_zeros() as usize;
                self.0 &= self.0 - 1;
                Some(i)
            }
            fn size_hint(&self) -> (usize, Option<usize>) {
                let n = self.0.count_ones() as usize;
                (n, Some(n))
            }
        }
        impl ExactSizeIterator for Bits<$t> {}
    };
}
bits_iterator!(u64);
bits_iterator!(u128);

/// The indices of the set bits of `set`, lowest first.
pub(crate) fn bit_indices(set: u64) -> Bits<u64> {
    Bits(set)
}

/// The indices of the set bits of `set`, lowest first.
pub(crate) fn bit_indices128(set: u128) -> Bits<u128> {
    Bits(set)
}

fn first(set: u64) -> u8 {
    // Rule sets have at most 64 rules.
    u8::try_from(set.trailing_zeros()).unwrap_or(u8::MAX)
}

/// The most implications between the pathway leaves the candidate search reads.
const MAX_IMPLICATIONS: usize = 48;

/// Implications between the pathway table's leaves, as masks: when every leaf of `care` has
/// its value in `want`, leaf `then` must have the value `then_value`.
#[derive(Clone, Copy, Default)]
struct LeafImplication {
    care: u64,
    want: u64,
    then: u64,
    then_value: bool,
}

/// The implications of `policy` between the pathway leaves, without allocating.
fn pathway_implications(policy: &Policy) -> ([LeafImplication; MAX_IMPLICATIONS], usize) {
    let t = tables();
    let leaves = t.pathway.set.leaves();
    let bit = |id: &str| leaves.iter().position(|p| p.id() == id).map(|i| 1u64 << i);
    let mut out = [LeafImplication::default(); MAX_IMPLICATIONS];
    let mut n = 0;
    crate::predicates::each_implication(policy, &mut |when, (then, then_value)| {
        let Some(then) = bit(then) else { return };
        let mut imp = LeafImplication {
            care: 0,
            want: 0,
            then,
            then_value,
        };
        for (leaf, value) in when {
            let Some(b) = bit(leaf) else { return };
            imp.care |= b;
            if *value {
                imp.want |= b;
            }
        }
        if n < MAX_IMPLICATIONS {
            out[n] = imp;
            n += 1;
        }
    });
    (out, n)
}

impl Assessment {
    /// Decides — each once, in this order — the line of therapy, the order of its options,
    /// which regimens are eligible, and the pathway. The case and the policy are valid by
    /// construction, so nothing is checked again. Facts may be unknown: the decisions are then
    /// the verdicts their completions allow, and the pathway may be undecided
    /// ([`Assessment::pathway_decision`]).
    ///
    /// # Errors
    /// [`Error::HitPolicy`] if a rule set violated its hit policy (a defect in the rule set,
    /// never expected).
    pub fn new(case: &Case, policy: &Policy) -> Result<Self, Error> {
        assess(case, policy, &mut Memo::silent())
    }
}

/// [`Assessment::new`], filling `memo`. The crate's own cases (completions, grids) must have
/// passed [`Case::validate`] before they come here.
pub(crate) fn assess(case: &Case, policy: &Policy, memo: &mut Memo) -> Result<Assessment, Error> {
    let mut a = undecided(case, policy);
    decide_therapy(&mut a, memo)?;
    decide_pathway(&mut a, memo)?;
    Ok(a)
}

/// The assessment of a case before any decision.
fn undecided(case: &Case, policy: &Policy) -> Assessment {
    Assessment {
        case: *case,
        policy: *policy,
        child_pugh: case.child_pugh(),
        scores: OnceLock::new(),
        decisions: Decisions::PENDING,
    }
}

/// The pathway decision alone, as [`assess`] makes it, deciding the line of therapy, its
/// order and eligibility only when the pathway rules need them (as hand-written code would
/// compute "a regimen remains" only where a rule needs it): the pathway leaves that read them
/// are deferred — evaluated with those decisions pending, which they read as unknown — and
/// when every leaf the pathway rules ask is known (a deferred one because its other facts
/// settle it, as ECOG 3 makes a patient unfit for systemic therapy whatever the regimens),
/// the verdict is the one the full pipeline gives: a rule set's verdict depends only on the
/// leaves it reads, and a leaf known with decisions pending has that value for every
/// decision, the one made included. Otherwise the case takes the full pipeline, reusing the
/// leaves cached.
///
/// # Errors
/// As [`Assessment::new`].
pub(crate) fn classify(case: &Case, policy: &Policy) -> Result<PathwayDecision, Error> {
    let t = tables();
    let mut a = undecided(case, policy);
    let mut memo = Memo::silent();
    memo.deferred = t.pathway_reads_decisions;
    if let Some(hits) = memo.known_hits(&a, &t.pathway) {
        let rules = pathway_rules_of(hits?);
        return Ok(PathwayDecision::of(rules));
    }
    memo.deferred = [0; 2];
    decide_therapy(&mut a, &mut memo)?;
    decide_pathway(&mut a, &mut memo)?;
    Ok(a.pathway_decision())
}

/// The pathway rules of a set of rule indices.
fn pathway_rules_of(bits: u64) -> PathwayRules {
    bit_indices(bits)
        .filter_map(|i| PathwayRule::ALL.get(i).copied())
        .fold(PathwayRules::EMPTY, PathwayRules::with)
}

/// Stages 1–3: the line of therapy, the order of its options, which regimens are eligible.
fn decide_therapy(a: &mut Assessment, memo: &mut Memo) -> Result<(), Error> {
    let t = tables();
    // 1. The line of therapy.
    let v = memo.verdict(a, &t.lines)?;
    let i = first(v.possible);
    a.decisions.lines = v;
    a.decisions.line_rule = i;
    a.decisions.line =
        (v.possible.count_ones() == 1).then(|| *t.lines.set.rules()[usize::from(i)].outcome());
    // 2. The options of that line, in order.
    let v = memo.verdict(a, &t.order)?;
    let i = first(v.possible);
    let entries: &'static [OrderEntry] = t.order.set.rules()[usize::from(i)].outcome();
    a.decisions.orders = v;
    a.decisions.order = entries;
    a.decisions.order_rule = i;
    let orders = t.order.set.rules();
    let regimens_of = |k: usize| -> RegimenSet {
        orders[k]
            .outcome()
            .iter()
            .filter_map(OrderEntry::regimen)
            .collect()
    };
    let candidates =
        bit_indices(v.possible).fold(RegimenSet::EMPTY, |s, k| s.union(regimens_of(k)));
    let sure_candidates =
        bit_indices(v.possible).fold(candidates, |s, k| s.intersection(regimens_of(k)));
    // 3. Which of its regimens are eligible.
    let v = memo.verdict(a, &t.omissions)?;
    let mut eligibility = Eligibility {
        candidates,
        rules_matched: v.matched,
        rules_possible: v.possible,
        ..Eligibility::NONE
    };
    if a.regimen_history().is_some() && a.decisions.line.is_some() {
        let (mut surely_out, mut maybe_out) = (RegimenSet::EMPTY, RegimenSet::EMPTY);
        for (k, rule) in t.omissions.set.rules().iter().enumerate() {
            let bit = 1u64 << k;
            if v.possible & bit == 0 {
                continue;
            }
            let Omission { reason, selection } = *rule.outcome();
            let selected = selection.regimens(a).intersection(candidates);
            if v.matched & bit != 0 {
                eligibility.omitted[reason as usize] =
                    eligibility.omitted[reason as usize].union(selected);
                surely_out = surely_out.union(selected);
            } else {
                maybe_out = maybe_out.union(selected);
            }
        }
        eligibility.possible = candidates.difference(surely_out);
        eligibility.permitted = sure_candidates.difference(surely_out).difference(maybe_out);
    } else {
        // A history not known leaves the line and every regimen open.
        eligibility.possible = candidates;
    }
    a.decisions.eligibility = eligibility;
    Ok(())
}

/// Stage 4: the pathway (after [`decide_therapy`], or with the leaves that read it deferred).
fn decide_pathway(a: &mut Assessment, memo: &mut Memo) -> Result<(), Error> {
    let t = tables();
    let policy = &a.policy;
    let v = memo.verdict(a, &t.pathway)?;
    let candidates = if v.is_decided() {
        v.possible
    } else {
        // Every completion of the unknown leaves the policy's implications allow.
        let leaves = memo.leaves(a, &t.pathway);
        let (imps, n) = pathway_implications(policy);
        let feasible = |mask: u64| {
            imps[..n]
                .iter()
                .all(|i| mask & i.care != i.want || (mask & i.then != 0) == i.then_value)
        };
        t.pathway
            .set
            .candidates(leaves, feasible)
            .filter(|c| *c != 0)
            .unwrap_or(v.possible)
    };
    a.decisions.pathway_matched = pathway_rules_of(v.matched);
    a.decisions.pathway_rules = pathway_rules_of(candidates);
    Ok(())
}

/// The options, cautions, considerations and reason details of an assessed case whose pathway
/// is decided: rule indices and sets only, allocation-free; [`crate::recommendation`] turns
/// them into the output. With unknown facts, what may apply but need not is pending.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Plan {
    /// The pathway.
    pub pathway: Pathway,
    /// The procedure rule that matched (repeat intervention).
    pub procedure: Option<u8>,
    /// The procedure rules that may match while none surely does.
    pub pending_procedures: u64,
    /// The supportive-care rule that matched (palliative care).
    pub supportive: Option<u8>,
    /// Whether the regimens of the line are offered (systemic therapy).
    pub regimens_offered: bool,
    /// Whether the regimens left out are reported (systemic therapy, or R4/R7 with no supported
    /// further line).
    pub omissions_reported: bool,
    /// The TACE-with-systemic rules that matched.
    pub with_tace: u64,
    /// Those that may match.
    pub pending_with_tace: u64,
    /// Every option offered.
    pub offered: OptionSet,
    /// Every option pending (neither surely offered nor surely ruled out).
    pub pending: OptionSet,
    /// The caution rules that matched and concern the case or an offered option.
    pub cautions: u64,
    /// The caution rules that may match and concern the case or an option offered or pending.
    pub pending_cautions: u64,
    /// The consideration rules that matched.
    pub considerations: u64,
    /// Those that may match.
    pub pending_considerations: u64,
    /// The reason-detail rules that matched.
    pub details: u64,
    /// Those that may match.
    pub pending_details: u64,
}

/// Decides the options and the advice of an assessed case, reading the cache `memo`; `None`
/// when the pathway is undecided.
pub(crate) fn plan(a: &Assessment, memo: &mut Memo) -> Result<Option<Plan>, HitPolicyError> {
    let t = tables();
    let Some(pathway) = a.pathway() else {
        return Ok(None);
    };
    let mut offered = OptionSet::EMPTY;
    let mut pending = OptionSet::EMPTY;
    let mut procedure = None;
    let mut pending_procedures = 0;
    let mut supportive = None;
    match pathway {
        Pathway::RepeatIntervention => {
            let v = memo.verdict(a, &t.procedures)?;
            if v.matched != 0 {
                let i = first(v.matched);
                let m = *t.procedures.set.rules()[usize::from(i)].outcome();
                offered = offered.with(TreatmentId::Procedure(m));
                procedure = Some(i);
            } else {
                pending_procedures = v.possible;
                for k in bit_indices(v.possible) {
                    let m = *t.procedures.set.rules()[k].outcome();
                    pending = pending.with(TreatmentId::Procedure(m));
                }
            }
        }
        Pathway::SystemicTherapy => {
            let e = a.eligibility();
            for entry in a.line_options() {
                match entry.regimen() {
                    Some(r) if e.permitted.contains(r) => offered = offered.with(entry.option),
                    Some(r) if e.possible.contains(r) => pending = pending.with(entry.option),
                    Some(_) => {}
                    None => offered = offered.with(entry.option),
                }
            }
            // With the order not known, the regimens of the other orders possible.
            for r in e.pending().iter() {
                pending = pending.with(TreatmentId::Regimen(r));
            }
        }
        Pathway::PalliativeCare => {
            let v = memo.verdict(a, &t.supportive)?;
            let i = first(v.possible);
            offered = offered.with(*t.supportive.set.rules()[usize::from(i)].outcome());
            supportive = Some(i);
        }
    }
    let v = memo.verdict(a, &t.with_tace)?;
    let with_tace = v.matched;
    let pending_with_tace = v.pending();
    for (k, r) in t.with_tace.set.rules().iter().enumerate() {
        if with_tace & (1u64 << k) != 0 {
            offered = offered.with(*r.outcome());
        } else if pending_with_tace & (1u64 << k) != 0 {
            pending = pending.with(*r.outcome());
        }
    }
    // Only the cautions that concern the case or an option offered or pending are decided.
    let concerns = |set: OptionSet| -> u64 {
        t.cautions
            .set
            .rules()
            .iter()
            .enumerate()
            .filter(|(_, r)| match r.outcome() {
                Concerns::Case => true,
                Concerns::Options(o) => !o.intersection(set).is_empty(),
            })
            .fold(0u64, |m, (k, _)| m | (1u64 << k))
    };
    let concerned = concerns(offered.union(pending));
    let v = memo.verdict_among(a, &t.cautions, concerned)?;
    let on_offered = concerns(offered);
    let cautions = v.matched & on_offered;
    let pending_cautions = v.possible & !cautions;
    let considerations = memo.verdict(a, &t.considerations)?;
    let details = memo.verdict(a, &t.details)?;
    let rules = a.pathway_decision().rules();
    let only_r4_r7 = rules
        .iter()
        .all(|r| matches!(r, PathwayRule::R4 | PathwayRule::R7));
    Ok(Some(Plan {
        pathway,
        procedure,
        pending_procedures,
        supportive,
        regimens_offered: pathway == Pathway::SystemicTherapy,
        omissions_reported: pathway == Pathway::SystemicTherapy
            || (only_r4_r7 && a.eligibility().possible.is_empty()),
        with_tace,
        pending_with_tace,
        offered,
        pending,
        cautions,
        pending_cautions,
        considerations: considerations.matched,
        pending_considerations: considerations.pending(),
        details: details.matched,
        pending_details: details.pending(),
    }))
}

/// The omission rules that surely left a candidate of the line out, each with the regimens it
/// left out in the order of the line's options (a rule that matched but left none out is not
/// listed).
pub(crate) fn omissions(a: &Assessment) -> impl Iterator<Item = (usize, Vec<Regimen>)> + '_ {
    let t = tables();
    let e = a.eligibility();
    let history_known = a.regimen_history().is_some() && a.line().is_some();
    bit_indices(if history_known { e.rules_matched } else { 0 }).filter_map(move |k| {
        let selected = t.omissions.set.rules()[k]
            .outcome()
            .selection
            .regimens(a)
            .intersection(e.candidates);
        let regimens: Vec<Regimen> = a
            .line_options()
            .iter()
            .filter_map(OrderEntry::regimen)
            .filter(|r| selected.contains(*r))
            .collect();
        (!regimens.is_empty()).then_some((k, regimens))
    })
}

/// The text of a rule of `table` under the assessment's policy.
pub(crate) fn text<D>(table: &'static Table<D>, rule: usize, policy: &Policy) -> Cow<'static, str> {
    table.texts[rule].render(policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::HitPolicy;

    fn slots_of(ids: &[&str]) -> Vec<&'static str> {
        let t = tables();
        t.catalogue
            .iter()
            .map(Predicate::id)
            .filter(|id| ids.contains(id))
            .collect()
    }

    #[test]
    fn every_table_builds_and_every_text_parses() {
        let t = tables();
        assert!(t.catalogue.len() <= MAX_CATALOGUE);
        assert_eq!(t.descriptions.len(), t.catalogue.len());
        // Every predicate id names one predicate across all rule sets.
        for (i, p) in t.catalogue.iter().enumerate() {
            assert!(
                !t.catalogue[..i].iter().any(|q| q.id() == p.id()),
                "{}",
                p.id()
            );
        }
    }

    /// Reading leaves on demand decides exactly what reading them all decides, for every rule
    /// set the crate ships: every mask of a set of at most 16 leaves, a seeded sample beyond.
    #[test]
    fn on_demand_leaves_decide_as_the_full_mask() {
        fn same<D>(table: &Table<D>) -> usize {
            let n = table.set.leaves().len();
            let masks: Vec<u64> = if n <= 16 {
                (0..1u64 << n).collect()
            } else {
                let mut x = 0x9E37_79B9_7F4A_7C15u64;
                (0..50_000)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        x & ((1u64 << n) - 1)
                    })
                    .collect()
            };
            for &mask in &masks {
                let mut asked = 0u64;
                let lazy = table.set.hits_with(|i| {
                    assert_eq!(asked & (1 << i), 0, "leaf {i} asked twice");
                    asked |= 1 << i;
                    mask & (1 << i) != 0
                });
                let full = table.set.hits(mask);
                assert_eq!(lazy, full, "{} mask {mask:#b}", table.set.id());
                // Deciding a subset of the rules decides those rules alike.
                let among = mask.rotate_left(7) ^ 0x5555_5555_5555_5555;
                let some = table.set.hits_among(among, |i| mask & (1 << i) != 0);
                match (table.set.hit_policy(), full) {
                    (HitPolicy::Unique, full) => assert_eq!(some, full),
                    (HitPolicy::Collect, Ok(all)) => assert_eq!(some, Ok(all & among)),
                    (HitPolicy::Collect, Err(_)) => {}
                }
            }
            masks.len()
        }
        let t = tables();
        let checked = same(&t.pathway)
            + same(&t.lines)
            + same(&t.order)
            + same(&t.omissions)
            + same(&t.procedures)
            + same(&t.supportive)
            + same(&t.with_tace)
            + same(&t.cautions)
            + same(&t.considerations)
            + same(&t.details);
        assert!(checked > 100_000, "{checked}");
    }

    /// The pipeline's cache decides as the full mask on sampled cases, whatever part of the
    /// catalogue it holds beforehand: a random part is evaluated first, the rest on demand.
    #[test]
    fn the_shared_cache_decides_as_the_full_mask() {
        fn on_demand<D>(table: &Table<D>, a: &Assessment, seed: u64) {
            let t = tables();
            let mut memo = Memo::silent();
            for slot in 0..t.catalogue.len() {
                if (seed >> (slot % 64)) & 1 == 1 {
                    let slot = u8::try_from(slot).expect("fewer than 128 slots");
                    memo.leaf(a, slot);
                }
            }
            let got = memo.verdict(a, table);
            assert_eq!(
                got,
                table.set.verdict(table.set.leaf_values(a)),
                "{}",
                table.set.id()
            );
        }
        let t = tables();
        let policy = Policy::default();
        let grid = crate::grid::Grid::with_option_inputs(&policy);
        for (k, a) in grid.sample(3_000, 2026).enumerate() {
            let seed = (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            on_demand(&t.pathway, &a, seed);
            on_demand(&t.lines, &a, seed);
            on_demand(&t.order, &a, seed);
            on_demand(&t.omissions, &a, seed);
            on_demand(&t.procedures, &a, seed);
            on_demand(&t.supportive, &a, seed);
            on_demand(&t.with_tace, &a, seed);
            on_demand(&t.cautions, &a, seed);
            on_demand(&t.considerations, &a, seed);
            on_demand(&t.details, &a, seed);
        }
    }

    /// [`classify`] defers exactly the pathway leaves that read the decisions before the
    /// pathway: every other pathway leaf has the same truth on an assessment whose line,
    /// order and eligibility are not decided yet, and a deferred one is sometimes unknown
    /// there (so an empty or wrong mask fails here) and, when known, has the value the
    /// decisions give (what `classify` relies on to decide without them).
    #[test]
    fn classify_defers_exactly_the_pathway_leaves_that_read_earlier_decisions() {
        let t = tables();
        let deferred = |slot: u8| {
            t.pathway_reads_decisions[usize::from(slot >> 6) & 1] & (1u64 << (slot & 63)) != 0
        };
        let grid = crate::grid::Grid::with_option_inputs(&Policy::default());
        let mut differs = 0usize;
        for a in grid.sample(20_000, 17) {
            let mut pending = a.clone();
            pending.decisions = Decisions::PENDING;
            for slot in &t.pathway.slots {
                let p = &t.catalogue[usize::from(*slot)];
                let (full, early) = (
                    p.evaluate(&a, &mut Trace::silent()),
                    p.evaluate(&pending, &mut Trace::silent()),
                );
                if deferred(*slot) {
                    // Known with the decisions pending: the value they give, whatever it is.
                    if !early.is_unknown() {
                        assert_eq!(full, early, "{} known before the decisions", p.id());
                    } else {
                        differs += 1;
                    }
                } else {
                    assert_eq!(
                        full,
                        early,
                        "{} reads a decision made before the pathway",
                        p.id()
                    );
                }
            }
        }
        assert!(
            differs > 0,
            "a deferred leaf that never reads the earlier decisions"
        );
    }

    /// No rule set reads a decision of its own stage or a later one, so every value the cache
    /// holds is final when it is first read.
    #[test]
    fn no_stage_reads_a_later_decision() {
        let t = tables();
        let line_leaves: Vec<&str> = LineOfTherapy::ALL
            .iter()
            .map(|l| lines::line_is(*l).id())
            .collect();
        let eligibility_leaves = ["regimen_available", "fit_for_systemic"];
        let pathway_leaves: Vec<&str> = PathwayRule::ALL
            .iter()
            .map(|r| crate::pathway::decided_by(*r).id())
            .collect();
        let reads = |set_leaves: &[Predicate<Assessment>], ids: &[&str]| {
            set_leaves.iter().any(|p| ids.contains(&p.id()))
        };
        let later_than_line: Vec<&str> = line_leaves
            .iter()
            .chain(&eligibility_leaves)
            .chain(&pathway_leaves)
            .copied()
            .collect();
        assert!(!reads(t.lines.set.leaves(), &later_than_line));
        let later_than_order: Vec<&str> = eligibility_leaves
            .iter()
            .chain(&pathway_leaves)
            .copied()
            .collect();
        assert!(!reads(t.order.set.leaves(), &later_than_order));
        assert!(!reads(t.omissions.set.leaves(), &later_than_order));
        assert!(!reads(t.pathway.set.leaves(), &pathway_leaves));
        // And the decision leaves exist where later stages read them.
        assert!(!slots_of(&["decided_by_R5", "line_first", "regimen_available"]).is_empty());
    }
}
