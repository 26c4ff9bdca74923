//! A rule set as a decision diagram: which leaf to ask next, and which rules match once the
//! answers settle them.
//!
//! Built when the set is built, for a set that reads at most [`TABLE_MAX_LEAVES`] leaves: the
//! rules matched for every combination of leaf values (every rule evaluated on each, as the
//! decision table is) are split on one leaf at a time until the rules matched no longer
//! depend on the leaves not asked. Deciding a case then walks from the root, asking each leaf
//! on the path once, and ends at the rules matched — exactly those every rule, evaluated on
//! the case's values of all the leaves, would give; only fewer leaves are asked.
//!
//! Which leaf a step asks is the question the table would ask read top to bottom: of the first
//! rule whose match is not yet settled, its first leaf (in the set's leaf order) that still
//! matters. A case the first rules settle never asks the leaves only later rules read (the
//! pathway rules decide a repeat intervention without asking whether a regimen remains).

/// The most leaves a rule set may read for its decision table and diagram (2^14 = 16,384
/// combinations of leaf values, each evaluated when the set is built).
pub(crate) const TABLE_MAX_LEAVES: usize = 14;

/// A step's `leaf` when the step is an outcome.
const OUTCOME: u8 = u8::MAX;

/// One step: ask leaf `leaf` and go to `next[value]`, or (`leaf == OUTCOME`) the rules matched.
#[derive(Clone, Copy, Debug)]
struct Step {
    leaf: u8,
    next: [u32; 2],
    matched: u64,
}

/// The decision diagram of a rule set (a tree; the root is the first step).
#[derive(Clone, Debug)]
pub(crate) struct Diagram {
    steps: Vec<Step>,
}

impl Diagram {
    /// The diagram of a set reading `leaves` leaves, from `matched`: the rules matched (bit `r`
    /// for rule `r`) for each mask below `2^leaves`. `None` when the set reads more than
    /// [`TABLE_MAX_LEAVES`] leaves or `matched` has another length.
    pub(crate) fn new(matched: &[u64], leaves: usize) -> Option<Self> {
        if leaves > TABLE_MAX_LEAVES || matched.len() != 1usize << leaves {
            return None;
        }
        let mut d = Diagram { steps: Vec::new() };
        d.grow(matched, (1u64 << leaves) - 1, 0, 0);
        Some(d)
    }

    /// Adds the step for the masks that agree with `value` on the leaves of `fixed` (and the
    /// steps below it), returning its index.
    fn grow(&mut self, matched: &[u64], all: u64, fixed: u64, value: u64) -> u32 {
        let free = all & !fixed;
        let (mut some, mut every) = (0u64, u64::MAX);
        for m in subsets(free) {
            let hits = matched[index(value | m)];
            some |= hits;
            every &= hits;
        }
        let here = u32::try_from(self.steps.len()).unwrap_or(u32::MAX);
        self.steps.push(Step {
            leaf: OUTCOME,
            next: [0; 2],
            matched: every,
        });
        // The first rule still open, and its first free leaf that decides something.
        let open = some & !every;
        let Some(leaf) = first_open_leaf(matched, free, value, open) else {
            return here;
        };
        let bit = 1u64 << leaf;
        let no = self.grow(matched, all, fixed | bit, value);
        let yes = self.grow(matched, all, fixed | bit, value | bit);
        if let Some(step) = self.steps.get_mut(here as usize) {
            *step = Step {
                leaf: u8::try_from(leaf).unwrap_or(OUTCOME),
                next: [no, yes],
                matched: 0,
            };
        }
        here
    }

    /// The rules matched, asking `leaf(i)` for the leaves on the path (each at most once).
    #[inline]
    pub(crate) fn walk(&self, mut leaf: impl FnMut(usize) -> bool) -> u64 {
        let mut at = 0usize;
        while let Some(step) = self.steps.get(at) {
            if step.leaf == OUTCOME {
                return step.matched;
            }
            at = step.next[usize::from(leaf(usize::from(step.leaf)))] as usize;
        }
        0
    }

    /// The number of steps (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.steps.len()
    }
}

/// The position of `mask` in a table over masks (masks are below `2^TABLE_MAX_LEAVES`).
fn index(mask: u64) -> usize {
    usize::try_from(mask).unwrap_or(usize::MAX)
}

/// Every subset of `set`, the empty one included.
fn subsets(set: u64) -> impl Iterator<Item = u64> {
    let mut next = Some(0u64);
    std::iter::from_fn(move || {
        let m = next?;
        let after = m.wrapping_sub(set) & set;
        next = (after != 0).then_some(after);
        Some(m)
    })
}

/// Of the first rule in `open` (lowest bit), the lowest free leaf whose value changes that
/// rule's match for some mask agreeing with `value` on the fixed leaves: one of the leaves the
/// rule reads, in the set's leaf order (no other leaf changes its match), and one there is
/// while the rule is open.
fn first_open_leaf(matched: &[u64], free: u64, value: u64, open: u64) -> Option<u32> {
    if open == 0 {
        return None;
    }
    let rule_bit = 1u64 << open.trailing_zeros();
    bits(free)
        .find(|bit| {
            subsets(free & !bit).any(|m| {
                let m = value | m;
                (matched[index(m)] ^ matched[index(m | bit)]) & rule_bit != 0
            })
        })
        .map(u64::trailing_zeros)
}

/// The single bits of `set`, lowest first.
fn bits(set: u64) -> impl Iterator<Item = u64> {
    let mut rest = set;
    std::iter::from_fn(move || {
        let bit = rest & rest.wrapping_neg();
        rest &= !bit;
        (bit != 0).then_some(bit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pseudo-random outcome table over `n` leaves and up to 6 rules, each rule a random
    /// function of a random subset of the leaves.
    fn random_table(n: usize, seed: u64) -> Vec<u64> {
        let mut s = seed;
        let mut next = || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let rules = 1 + (next() % 6) as usize;
        let reads: Vec<u64> = (0..rules).map(|_| next() & ((1 << n) - 1)).collect();
        let funcs: Vec<u64> = (0..rules).map(|_| next()).collect();
        (0..1u64 << n)
            .map(|m| {
                (0..rules).fold(0u64, |acc, r| {
                    let key = pext(m, reads[r]);
                    acc | ((funcs[r] >> (key % 64)) & 1) << r
                })
            })
            .collect()
    }

    /// The bits of `m` selected by `sel`, packed.
    fn pext(m: u64, sel: u64) -> u64 {
        let (mut out, mut k) = (0u64, 0);
        for i in 0..64 {
            if sel & (1 << i) != 0 {
                out |= ((m >> i) & 1) << k;
                k += 1;
            }
        }
        out
    }

    /// The rules matched for `mask` and the leaves asked, in order (each at most once).
    fn walk(d: &Diagram, mask: u64) -> (u64, Vec<usize>) {
        let mut asked = Vec::new();
        let got = d.walk(|i| {
            assert!(!asked.contains(&i), "leaf {i} asked twice");
            asked.push(i);
            mask & (1 << i) != 0
        });
        (got, asked)
    }

    #[test]
    fn walking_gives_the_table_for_every_mask_asking_each_leaf_at_most_once() {
        for seed in 0..200u64 {
            let n = (seed % 9) as usize;
            let matched = random_table(n, seed);
            let d = Diagram::new(&matched, n).expect("small enough");
            for mask in 0..1u64 << n {
                let (got, _) = walk(&d, mask);
                assert_eq!(got, matched[mask as usize], "seed {seed}, mask {mask:b}");
            }
        }
    }

    /// Rule 0 = `first`, rule 1 = ¬`first` ∧ `second`, rule 2 = ¬`first` ∧ ¬`second`, over
    /// `n` leaves (a UNIQUE set).
    fn three_rules(n: usize, first: u64, second: u64) -> Vec<u64> {
        (0..1u64 << n)
            .map(|m| match (m & first != 0, m & second != 0) {
                (true, _) => 0b001,
                (false, true) => 0b010,
                (false, false) => 0b100,
            })
            .collect()
    }

    #[test]
    fn a_rule_settled_first_is_decided_without_the_leaves_only_later_rules_read() {
        let d = Diagram::new(&three_rules(2, 0b01, 0b10), 2).expect("small");
        assert_eq!(walk(&d, 0b11), (0b001, vec![0]));
        assert_eq!(walk(&d, 0b10), (0b010, vec![0, 1]));
        assert_eq!(d.len(), 5);
    }

    #[test]
    fn the_leaf_asked_next_is_the_first_open_rules_first_deciding_leaf() {
        // COLLECT: rule 0 reads c (leaf 2), rule 1 reads b (leaf 1), rule 2 reads a (leaf 0).
        // Read top to bottom the table asks c, then b, then a, whatever the answers, although
        // a has the lowest index (a rule settled false must not send the walk to it early).
        let matched: Vec<u64> = (0..8u64)
            .map(|m| (m >> 2 & 1) | (m >> 1 & 1) << 1 | (m & 1) << 2)
            .collect();
        let d = Diagram::new(&matched, 3).expect("small");
        for mask in 0..8u64 {
            assert_eq!(walk(&d, mask), (matched[mask as usize], vec![2, 1, 0]));
        }
        // UNIQUE: rule 0 = c, rule 1 = ¬c ∧ b, rule 2 = ¬c ∧ ¬b. Leaf a decides nothing and
        // is never asked; c settles rule 0 first.
        let d = Diagram::new(&three_rules(3, 0b100, 0b010), 3).expect("small");
        assert_eq!(walk(&d, 0b000), (0b100, vec![2, 1]));
        assert_eq!(walk(&d, 0b101), (0b001, vec![2]));
        assert_eq!(walk(&d, 0b011), (0b010, vec![2, 1]));
    }

    #[test]
    fn a_rules_leaves_are_asked_in_order_and_a_leaf_deciding_nothing_never() {
        // Rule 0 = a ∧ b over leaves a (0) and b (1); rule 1 = b. Rule 0 first: a decides it
        // (when b holds), so a is asked first, then b.
        let matched: Vec<u64> = (0..4u64)
            .map(|m| u64::from(m == 0b11) | (m >> 1 & 1) << 1)
            .collect();
        let d = Diagram::new(&matched, 2).expect("small");
        assert_eq!(walk(&d, 0b11), (0b11, vec![0, 1]));
        // Rule 0 = b alone: a, which decides nothing, is never asked.
        let matched: Vec<u64> = (0..4u64).map(|m| m >> 1 & 1).collect();
        let d = Diagram::new(&matched, 2).expect("small");
        for mask in 0..4u64 {
            assert_eq!(walk(&d, mask), (mask >> 1 & 1, vec![1]), "mask {mask:b}");
        }
    }

    #[test]
    fn too_large_or_inconsistent_sets_get_no_diagram() {
        assert!(Diagram::new(&[0; 3], 2).is_none());
        assert!(Diagram::new(&[0; 5], 2).is_none());
        assert!(
            Diagram::new(&vec![0; 1 << (TABLE_MAX_LEAVES + 1)], TABLE_MAX_LEAVES + 1).is_none()
        );
        assert!(Diagram::new(&vec![0; 1 << TABLE_MAX_LEAVES], TABLE_MAX_LEAVES).is_some());
    }
}
