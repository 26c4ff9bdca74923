//! The pipeline: every decision made once per case, in order, each rule set reading the leaves
//! it needs from one cache so that each distinct predicate is evaluated once.
//!
//! 1. [`Assessment::new`]: validate; the line of therapy; the order of its options; which
//!    regimens are eligible; the pathway. Classification stops here.
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
use crate::assessment::{Assessment, Decisions, Eligibility};
use crate::case::{Case, Regimen, RegimenSet};
use crate::engine::{HitPolicyError, Predicate, RuleSet, Trace};
use crate::error::Error;
use crate::outcomes::{
    LineOfTherapy, Modality, OptionSet, OrderEntry, Pathway, PathwayRule, TreatmentId,
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
        Tables {
            default_digest: Policy::default().digest(),
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
    known: [u64; 2],
    /// Likewise: slot `s` is true.
    value: [u64; 2],
    catalogue: &'static [Predicate<Assessment>],
}

impl Memo {
    /// An empty cache (allocation-free).
    pub(crate) fn silent() -> Memo {
        Memo {
            known: [0; 2],
            value: [0; 2],
            catalogue: &tables().catalogue,
        }
    }

    /// The value of catalogue slot `slot`, evaluating it on first use.
    #[inline]
    fn leaf(&mut self, a: &Assessment, slot: u8) -> bool {
        let (w, bit) = (usize::from(slot >> 6) & 1, 1u64 << (slot & 63));
        if self.known[w] & bit != 0 {
            return self.value[w] & bit != 0;
        }
        let value = self.catalogue[usize::from(slot)].evaluate(a, &mut Trace::silent());
        self.known[w] |= bit;
        if value {
            self.value[w] |= bit;
        }
        value
    }

    /// The rules of a table's set that match, reading from the cache only the leaves its
    /// conditions need.
    ///
    /// # Errors
    /// The set's [`HitPolicyError`].
    pub(crate) fn hits<D>(
        &mut self,
        a: &Assessment,
        table: &Table<D>,
    ) -> Result<u64, HitPolicyError> {
        table.set.hits_with(|i| self.leaf(a, table.slots[i]))
    }

    /// [`Memo::hits`] deciding only the rules in `among` (a COLLECT set).
    ///
    /// # Errors
    /// The set's [`HitPolicyError`] among those rules.
    pub(crate) fn hits_among<D>(
        &mut self,
        a: &Assessment,
        table: &Table<D>,
        among: u64,
    ) -> Result<u64, HitPolicyError> {
        table
            .set
            .hits_among(among, |i| self.leaf(a, table.slots[i]))
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

fn index_of(hits: u64) -> u8 {
    // A UNIQUE set's hits have exactly one bit (checked by `hits`); at most 64 rules.
    u8::try_from(hits.trailing_zeros()).unwrap_or(u8::MAX)
}

impl Assessment {
    /// Validates the case and the policy, then decides — each once, in this order — the line
    /// of therapy, the order of its options, which regimens are eligible, and the pathway.
    ///
    /// # Errors
    /// [`Error::Invalid`] from [`Case::validate`] or [`Policy::validate`] (the latter's field
    /// names are prefixed with `policy.`); [`Error::HitPolicy`] if a rule set violated its hit
    /// policy (a defect in the rule set, never expected).
    pub fn new(case: &Case, policy: &Policy) -> Result<Self, Error> {
        policy.validate().map_err(|e| e.within("policy"))?;
        assess(case, policy, &mut Memo::silent())
    }
}

/// [`Assessment::new`] for a policy already validated, filling `memo`.
pub(crate) fn assess(case: &Case, policy: &Policy, memo: &mut Memo) -> Result<Assessment, Error> {
    let child_pugh = case.validated_child_pugh()?;
    let t = tables();
    let mut a = Assessment {
        case: *case,
        policy: *policy,
        child_pugh,
        scores: OnceLock::new(),
        decisions: Decisions::PENDING,
    };
    // 1. The line of therapy.
    let i = index_of(memo.hits(&a, &t.lines)?);
    a.decisions.line = *t.lines.set.rules()[usize::from(i)].outcome();
    a.decisions.line_rule = i;
    // 2. The options of that line, in order.
    let i = index_of(memo.hits(&a, &t.order)?);
    let entries: &'static [OrderEntry] = t.order.set.rules()[usize::from(i)].outcome();
    a.decisions.order = entries;
    a.decisions.order_rule = i;
    // 3. Which of its regimens are eligible.
    let hits = memo.hits(&a, &t.omissions)?;
    let candidates: RegimenSet = entries.iter().filter_map(OrderEntry::regimen).collect();
    let mut eligibility = Eligibility {
        candidates,
        rules_matched: hits,
        ..Eligibility::NONE
    };
    let mut left_out = RegimenSet::EMPTY;
    for (k, rule) in t.omissions.set.rules().iter().enumerate() {
        if hits & (1u64 << k) == 0 {
            continue;
        }
        let Omission { reason, selection } = *rule.outcome();
        let selected = selection.regimens(&a).intersection(candidates);
        eligibility.omitted[reason as usize] = eligibility.omitted[reason as usize].union(selected);
        left_out = left_out.union(selected);
    }
    eligibility.permitted = candidates.difference(left_out);
    a.decisions.eligibility = eligibility;
    // 4. The pathway.
    let i = index_of(memo.hits(&a, &t.pathway)?);
    a.decisions.pathway = PathwayRule::ALL[usize::from(i)];
    Ok(a)
}

/// The options, cautions, considerations and reason details of an assessed case: rule indices
/// and sets only, allocation-free; [`crate::recommendation`] turns them into the output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Plan {
    /// The procedure rule that matched (repeat intervention).
    pub procedure: Option<u8>,
    /// The supportive-care rule that matched (palliative care).
    pub supportive: Option<u8>,
    /// Whether the regimens of the line are offered (systemic therapy).
    pub regimens_offered: bool,
    /// Whether the regimens left out are reported (systemic therapy, or R4/R7 with no supported
    /// further line).
    pub omissions_reported: bool,
    /// The TACE-with-systemic rules that matched.
    pub with_tace: u64,
    /// Every option offered.
    pub offered: OptionSet,
    /// The caution rules that matched and concern the case or an offered option.
    pub cautions: u64,
    /// The consideration rules that matched.
    pub considerations: u64,
    /// The reason-detail rules that matched.
    pub details: u64,
}

/// Decides the options and the advice of an assessed case, reading the cache `memo`.
pub(crate) fn plan(a: &Assessment, memo: &mut Memo) -> Result<Plan, HitPolicyError> {
    let t = tables();
    let pathway = a.pathway();
    let mut offered = OptionSet::EMPTY;
    let mut procedure = None;
    let mut supportive = None;
    match pathway {
        Pathway::RepeatIntervention => {
            let i = index_of(memo.hits(a, &t.procedures)?);
            let m = *t.procedures.set.rules()[usize::from(i)].outcome();
            offered = offered.with(TreatmentId::Procedure(m));
            procedure = Some(i);
        }
        Pathway::SystemicTherapy => {
            let eligible = a.permitted_regimens();
            for e in a.line_options() {
                let keep = match e.regimen() {
                    Some(r) => eligible.contains(r),
                    None => true,
                };
                if keep {
                    offered = offered.with(e.option);
                }
            }
        }
        Pathway::PalliativeCare => {
            let i = index_of(memo.hits(a, &t.supportive)?);
            offered = offered.with(*t.supportive.set.rules()[usize::from(i)].outcome());
            supportive = Some(i);
        }
    }
    let with_tace = memo.hits(a, &t.with_tace)?;
    for (k, r) in t.with_tace.set.rules().iter().enumerate() {
        if with_tace & (1u64 << k) != 0 {
            offered = offered.with(*r.outcome());
        }
    }
    // Only the cautions that concern the case or an option offered are decided.
    let concerned = t
        .cautions
        .set
        .rules()
        .iter()
        .enumerate()
        .filter(|(_, r)| match r.outcome() {
            Concerns::Case => true,
            Concerns::Options(set) => !set.intersection(offered).is_empty(),
        })
        .fold(0u64, |m, (k, _)| m | (1u64 << k));
    let cautions = memo.hits_among(a, &t.cautions, concerned)?;
    let considerations = memo.hits(a, &t.considerations)?;
    let details = memo.hits(a, &t.details)?;
    let no_further_line = a.permitted_regimens().is_empty();
    Ok(Plan {
        procedure,
        supportive,
        regimens_offered: pathway == Pathway::SystemicTherapy,
        omissions_reported: pathway == Pathway::SystemicTherapy
            || (matches!(a.pathway_rule(), PathwayRule::R4 | PathwayRule::R7) && no_further_line),
        with_tace,
        offered,
        cautions,
        considerations,
        details,
    })
}

/// The omission rules that left a candidate of the line out, each with the regimens it left
/// out in the order of the line's options (a rule that matched but left none out is not
/// listed).
pub(crate) fn omissions(a: &Assessment) -> impl Iterator<Item = (usize, Vec<Regimen>)> + '_ {
    let t = tables();
    let e = a.eligibility();
    bit_indices(e.rules_matched).filter_map(move |k| {
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
            let got = memo.hits(a, table);
            assert_eq!(
                got,
                table.set.hits(table.set.leaf_mask(a)),
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
