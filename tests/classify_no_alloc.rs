//! `classify` allocates nothing, including the §3 clause of `fit_for_systemic` that asks whether
//! a regimen of the current line remains (line rules, omission reasons, bit sets).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use hcc_pathways::{classify, Case, Policy};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

// Delegates to the system allocator; counts allocations made on the test thread while counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn classify_allocates_nothing() {
    let names = [
        "r1_comfort_focused",
        "r2_child_pugh_c",
        "r3_lung_metastases_fit",
        "r3_second_line_after_sorafenib",
        "r4_no_supported_further_line",
        "r5_refractory_unsafe_location_pei_alone",
        "r6_third_line_after_atezolizumab_bevacizumab_and_lenvatinib",
        "r7_child_pugh_7_multinodular",
    ];
    let cases: Vec<Case> = names
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(format!("examples/cases/{n}.json")).expect("read");
            Case::from_json(&text).expect("valid")
        })
        .collect();
    let policy = Policy::default();
    // Build the shared rule sets once (their construction allocates, once per process).
    for c in &cases {
        classify(c, &policy).expect("classify");
    }
    let mut rules = [""; 8];
    COUNTING.with(|c| c.set(true));
    for (slot, c) in rules.iter_mut().zip(&cases) {
        *slot = classify(c, &policy).map_or("error", |k| k.rule);
    }
    COUNTING.with(|c| c.set(false));
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed), 0);
    assert_eq!(rules, ["R1", "R2", "R3", "R3", "R4", "R5", "R6", "R7"]);
}
