//! Shared test support: the property harness as plain functions so it can run on any rule set
//! (including deliberately broken ones), random numbers for the JSON generators, and the
//! proptest configuration. The case and policy generators are the crate's own
//! (`hcc_pathways::strategies`, feature `proptest`).
#![allow(dead_code)]

use proptest::prelude::*;

use hcc_pathways::case::{
    Case, DrugSafety, GoalsOfCare, History, LiverFunction, PerformanceStatus, Recurrence,
};
use hcc_pathways::engine::RuleSet;
use hcc_pathways::{Assessment, Pathway, Policy};

/// The property at the heart of issue 4: under `policy`, exactly one rule of `rules` matches
/// `case`. Returns the rule's id and outcome, or a message naming the rules that matched.
pub fn exactly_one_rule(
    rules: &RuleSet<Assessment, Pathway>,
    case: &Case,
    policy: &Policy,
) -> Result<(&'static str, Pathway), String> {
    let a = Assessment::new(case, policy).map_err(|e| format!("invalid input: {e}"))?;
    let mask = rules.leaf_mask(&a);
    let mut matched = rules.matches_for_mask(mask);
    match (matched.next(), matched.next()) {
        (Some(i), None) => {
            let r = &rules.rules()[i];
            Ok((r.id(), *r.outcome()))
        }
        _ => {
            let ids: Vec<&str> = rules
                .matches_for_mask(mask)
                .map(|i| rules.rules()[i].id())
                .collect();
            Err(format!(
                "rule set `{}`: {} rules matched {ids:?} (leaf mask {mask:#b})",
                rules.id(),
                ids.len()
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Random numbers for generators decoded from arrays of `u32` "dice" (cheap in debug builds;
// shrinking the dice towards 0 shrinks the value).

/// Random numbers consumed one by one.
pub struct Dice<'a> {
    rolls: &'a [u32],
    next: usize,
}

impl<'a> Dice<'a> {
    pub fn new(rolls: &'a [u32]) -> Self {
        Self { rolls, next: 0 }
    }

    pub fn roll(&mut self) -> u32 {
        let r = self.rolls.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        r
    }

    /// `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.roll() as usize % n
    }

    /// True with probability `num / den` (shrinks to false).
    pub fn chance(&mut self, num: u32, den: u32) -> bool {
        self.roll() % den >= den - num
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// An integer in `lo..=hi`: half of the time uniform, otherwise an extreme or a value at,
    /// just below or just above a cut.
    pub fn int(&mut self, lo: i64, hi: i64, cuts: &[i64]) -> i64 {
        let r = self.roll();
        if r % 2 == 0 {
            return lo + i64::from(r / 2) % (hi - lo + 1);
        }
        let mut near = [0i64; 32];
        let mut len = 0;
        for x in [lo, hi]
            .into_iter()
            .chain(cuts.iter().flat_map(|&c| [c - 1, c, c + 1]))
        {
            if (lo..=hi).contains(&x) && len < near.len() {
                near[len] = x;
                len += 1;
            }
        }
        near[(r as usize / 2) % len]
    }

    /// A float: a cut value, uniform in the common range `common`, or uniform in `lo..=hi`.
    pub fn float(&mut self, lo: f64, hi: f64, common: (f64, f64), cuts: &[f64]) -> f64 {
        let r = self.roll();
        let unit = f64::from(r / 3) / f64::from(u32::MAX / 3);
        match r % 3 {
            0 => common.0 + unit * (common.1 - common.0),
            1 => cuts[(r as usize / 3) % cuts.len()],
            _ => lo + unit * (hi - lo),
        }
    }
}

/// Proptest configuration of issue 4: 10,000 cases per property.
pub fn config() -> ProptestConfig {
    ProptestConfig {
        // Shrinking a failure can take long; a few thousand steps suffice.
        max_shrink_iters: 4096,
        ..ProptestConfig::with_cases(10_000)
    }
}

/// A case's parts as plain data, to change in place in a test: [`edit`] builds the case again.
pub struct Parts {
    pub performance_status: PerformanceStatus,
    pub liver_function: LiverFunction,
    pub goals_of_care: Option<GoalsOfCare>,
    pub recurrence: Recurrence,
    pub history: History,
    pub drug_safety: DrugSafety,
}

/// The bundled case `examples/cases/NAME.json`.
pub fn bundled(name: &str) -> Case {
    let path = format!("examples/cases/{name}.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Case::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Changes a case's facts in place: `f` edits its parts, and the case is built again with
/// `Case::to_builder` (a test that makes an invalid case fails here, naming the error).
pub fn edit(case: &mut Case, f: impl FnOnce(&mut Parts)) {
    *case = try_edit(case, f).unwrap_or_else(|e| panic!("the edited case is invalid: {e}"));
}

/// The case with its parts edited by `f`, or the error the builder gives for them.
pub fn try_edit(case: &Case, f: impl FnOnce(&mut Parts)) -> Result<Case, hcc_pathways::Error> {
    let mut p = Parts {
        performance_status: *case.performance_status(),
        liver_function: *case.liver_function(),
        goals_of_care: case.goals_of_care(),
        recurrence: *case.recurrence(),
        history: *case.history(),
        drug_safety: *case.drug_safety(),
    };
    f(&mut p);
    let mut b = case
        .to_builder()
        .performance_status(p.performance_status)
        .liver_function(p.liver_function)
        .recurrence(p.recurrence)
        .history(p.history)
        .drug_safety(p.drug_safety);
    b = match p.goals_of_care {
        Some(g) => b.goals_of_care(g),
        None => b.unknown("goals_of_care"),
    };
    b.build()
}
