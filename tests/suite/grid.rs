//! Exhaustive test over the boundary grid (issue 4, part 2): every combination of the values
//! at, just below and just above each threshold the pathway predicates read, plus each input's
//! extremes, matches exactly one pathway rule. Run with `--nocapture` to see the count.

use std::time::Instant;

use hcc_pathways::grid::Grid;
use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::predicates::implications;
use hcc_pathways::{classify, Assessment, Policy};

/// What one slice of the grid gave.
#[derive(Default)]
struct Tally {
    checked: u64,
    invalid: u64,
    per_rule: [u64; 7],
    /// Which of the 2^10 combinations of leaf values occurred.
    masks: Vec<bool>,
}

/// Checks combinations `range` of `grid`, or returns the first failure.
fn check_range(
    grid: &Grid,
    policy: &Policy,
    range: std::ops::Range<usize>,
) -> Result<Tally, String> {
    let rules = pathway_rules();
    let mut t = Tally {
        masks: vec![false; 1 << rules.leaves().len()],
        ..Tally::default()
    };
    for i in range {
        let Ok(case) = grid.case_at(i).ok_or("index out of range")? else {
            t.invalid += 1;
            continue;
        };
        let a = Assessment::new(&case, policy).map_err(|e| format!("grid case {i}: {e}"))?;
        let mask = rules.leaf_mask(&a);
        // Ok exactly when one rule matches; allocates only on failure.
        let rule = rules
            .decide_mask(mask)
            .map_err(|e| format!("grid case {i}: {e}: {case:?}"))?;
        let index = rules.rules().iter().position(|r| r.id() == rule.id());
        t.per_rule[index.ok_or("rule not in its own set")?] += 1;
        t.masks[mask as usize] = true;
        t.checked += 1;
    }
    Ok(t)
}

#[test]
fn every_boundary_case_matches_exactly_one_rule() {
    let policy = Policy::default();
    let grid = Grid::boundaries(&policy);
    let start = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = grid.len().div_ceil(threads);
    let results: Vec<Result<Tally, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (grid, policy) = (&grid, &policy);
                let range = t * chunk..((t + 1) * chunk).min(grid.len());
                s.spawn(move || check_range(grid, policy, range))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("thread panicked".into())))
            .collect()
    });
    let mut total = Tally::default();
    for r in results {
        let t = r.unwrap();
        total.checked += t.checked;
        total.invalid += t.invalid;
        total
            .per_rule
            .iter_mut()
            .zip(t.per_rule)
            .for_each(|(a, b)| *a += b);
        total.masks.resize(t.masks.len(), false);
        total
            .masks
            .iter_mut()
            .zip(t.masks)
            .for_each(|(a, b)| *a |= b);
    }
    let realised = total.masks.iter().filter(|&&b| b).count();
    println!(
        "boundary grid: {} valid cases checked ({} invalid combinations skipped) in {:.2?} on \
         {threads} threads; per rule R1..R7: {:?}; {realised} of 1024 leaf-value combinations realised",
        total.checked,
        total.invalid,
        start.elapsed(),
        total.per_rule,
    );
    assert_eq!(total.checked + total.invalid, grid.len() as u64);
    assert!(total.checked > 100_000, "only {} cases", total.checked);
    // Every rule is reached, so none of them is checked vacuously.
    assert!(
        total.per_rule.iter().all(|&n| n > 0),
        "{:?}",
        total.per_rule
    );

    // The clinical implications hold on every grid case, and they are complete for the grid:
    // every combination they allow is realised by some boundary case.
    let rules = pathway_rules();
    let imps = implications(&policy);
    for (mask, &seen) in total.masks.iter().enumerate() {
        let allowed = imps
            .iter()
            .all(|i| i.holds_in(rules, mask as u64) != Some(false));
        assert_eq!(
            seen, allowed,
            "combination {mask:#012b}: realised {seen}, allowed {allowed}"
        );
    }
}

#[test]
fn grid_cases_classify_like_the_engine() {
    // A sample of the grid through the public entry point (the full grid above goes through
    // the engine directly to stay fast).
    let policy = Policy::default();
    let grid = Grid::boundaries(&policy);
    let rules = pathway_rules();
    let mut sampled = 0;
    for i in (0..grid.len()).step_by(997) {
        let Ok(case) = grid.case_at(i).unwrap() else {
            continue;
        };
        let a = Assessment::new(&case, &policy).unwrap();
        let rule = rules.decide(&a).unwrap();
        let c = classify(&case, &policy).unwrap();
        assert_eq!(
            (c.rule.unwrap().wire_name(), c.pathway),
            (rule.id(), *rule.outcome())
        );
        sampled += 1;
    }
    assert!(sampled > 1_000);
}
