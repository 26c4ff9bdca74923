//! Pathway-only classification allocates nothing on the heap (issue 7).
//!
//! This file is its own test binary so that it can install a counting global allocator. The
//! counter is per thread: the test harness runs tests on several threads, and only the
//! allocations of the thread doing the work may count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use hcc_pathways::{classify, classify_all, recommend_with, Case, Policy};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the slot may already be gone while a thread shuts down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; counting
// touches only a thread-local `Cell` that needs no allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded as received; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: `ptr` was allocated by `System` through this allocator with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap allocations (and reallocations) made by this thread while `f` runs.
fn allocations<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = f();
    (ALLOCATIONS.with(Cell::get) - before, out)
}

/// The bundled synthetic cohort (1,000 cases) and the two bundled example policies.
fn cohort_and_policies() -> (Vec<Case>, Vec<Policy>) {
    let text = std::fs::read_to_string("examples/cohort/synthetic_cohort.jsonl").expect("cohort");
    let cases: Vec<Case> = text
        .lines()
        .map(|l| Case::from_json(l).expect("valid cohort case"))
        .collect();
    let mut policies = vec![Policy::default()];
    for p in ["admit_child_pugh_7", "up_to_eleven"] {
        let json = std::fs::read_to_string(format!("examples/policies/{p}.json")).expect("policy");
        policies.push(Policy::from_json(&json).expect("valid policy"));
    }
    (cases, policies)
}

#[test]
fn the_counter_counts() {
    // Without this the zero below could mean a broken counter.
    let (n, v) = allocations(|| vec![1u8; 3]);
    assert_eq!(v.len(), 3);
    assert_eq!(n, 1);
    let case = cohort_and_policies().0[0];
    let (n, rec) = allocations(|| recommend_with(&case, &Policy::default()));
    assert!(rec.is_ok());
    assert!(
        n > 0,
        "a recommendation owns vectors: {n} allocations counted"
    );
}

#[test]
fn classify_allocates_nothing() {
    let (cases, policies) = cohort_and_policies();
    // Warm up: the first call builds the shared rule set (a `LazyLock`), which allocates once.
    classify(&cases[0], &policies[0]).expect("valid case");

    let mut seen = [0usize; 3];
    for policy in &policies {
        let (n, results) = allocations(|| {
            let mut seen = [0usize; 3];
            for case in &cases {
                match classify(case, policy) {
                    Ok(c) => seen[c.pathway as usize] += 1,
                    Err(e) => return Err(e),
                }
            }
            Ok(seen)
        });
        let counts = results.expect("every cohort case is valid");
        assert_eq!(
            n,
            0,
            "classify allocated {n} times over {} cases",
            cases.len()
        );
        for (s, c) in seen.iter_mut().zip(counts) {
            *s += c;
        }
    }
    // The cohort reaches every pathway, so every predicate was evaluated on both sides.
    assert!(seen.iter().all(|&n| n > 0), "pathways reached: {seen:?}");
}

#[test]
fn classify_all_allocates_only_its_result() {
    let (cases, policies) = cohort_and_policies();
    classify(&cases[0], &policies[0]).expect("valid case");
    for policy in &policies {
        let (n, results) = allocations(|| classify_all(&cases, policy));
        assert_eq!(results.len(), cases.len());
        assert!(results.iter().all(Result::is_ok));
        assert_eq!(n, 1, "classify_all should allocate its result vector only");
    }
}

/// Issue 18: classification with unknown facts allocates nothing either, decided or not. Each
/// cohort case loses a different fact (ECOG, the Child–Pugh score, the vascular invasion, the
/// history, the drug-safety facts...), so the three-valued pipeline, the candidate search over
/// the pathway leaves and the undecided outcome all run.
#[test]
fn classify_with_unknown_facts_allocates_nothing() {
    let (cases, policies) = cohort_and_policies();
    let blank = |c: &Case, k: usize| {
        let path = [
            "performance_status.ecog",
            "liver_function.child_pugh_score",
            "recurrence.macrovascular_invasion",
            "history.systemic_regimens",
            "drug_safety.varices",
            "goals_of_care",
            "recurrence.intrahepatic.nodules",
            "recurrence.extrahepatic_sites",
        ][k % 8];
        c.to_builder().unknown(path).build()
    };
    let blanked: Vec<Case> = cases
        .iter()
        .enumerate()
        .filter_map(|(k, c)| blank(c, k).ok())
        .collect();
    classify(&blanked[0], &policies[0]).ok();
    for policy in &policies {
        let (n, (decided, undecided)) = allocations(|| {
            let (mut d, mut u) = (0, 0);
            for case in &blanked {
                match classify(case, policy) {
                    Ok(_) => d += 1,
                    Err(hcc_pathways::Error::Undecided { .. }) => u += 1,
                    Err(e) => panic!("valid case: {e}"),
                }
            }
            (d, u)
        });
        assert_eq!(
            n,
            0,
            "classify allocated {n} times over {} cases",
            blanked.len()
        );
        assert!(
            decided > 0 && undecided > 0,
            "{decided} decided, {undecided} undecided"
        );
    }
}
