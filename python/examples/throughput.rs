//! Cases per second of the Rust library over a replicated cohort: the figures the README puts
//! beside those of the Python bindings (`python/examples/throughput.py`). Run it in release:
//!
//! ```text
//! cargo run --release -p hcc-pathways-python --example throughput -- \
//!     examples/cohort/synthetic_cohort.jsonl 100000 10000
//! ```
//!
//! Arguments: the JSON Lines cohort, the number of cases for classification and for
//! recommendation (the cohort's lines repeated in order). Four passes are timed, each the best
//! of three runs:
//!
//! - `classify_all` over parsed cases (the policy checked once);
//! - JSON text → `Case::from_json` → `classify`: the Rust work of Python's `classify_many`;
//! - `recommend_all` over parsed cases;
//! - JSON text → `Case::from_json` → `recommend_with` → `Recommendation::to_json`: the Rust
//!   work of Python's `recommend_many`.
//!
//! Exit status: 0 on success, 2 for a usage or I/O error or a case the library rejects.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hcc_pathways::{classify, classify_all, recommend_all, recommend_with, Case, Policy};

const USAGE: &str = "usage: throughput COHORT.jsonl CLASSIFY_CASES RECOMMEND_CASES";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, n_classify, n_recommend] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (Ok(n_classify), Ok(n_recommend)) = (n_classify.parse(), n_recommend.parse()) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let cohort: Vec<Case> = match lines.iter().map(|l| Case::from_json(l)).collect() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: the cohort has an invalid case: {e}");
            return ExitCode::from(2);
        }
    };
    if cohort.is_empty() {
        eprintln!("error: the cohort is empty");
        return ExitCode::from(2);
    }
    let replicate = |n: usize| -> (Vec<Case>, Vec<&str>) {
        let cases = cohort.iter().copied().cycle().take(n).collect();
        let texts = lines.iter().copied().cycle().take(n).collect();
        (cases, texts)
    };
    let policy = Policy::default();
    println!(
        "rust: {} distinct cases, release build: {}",
        cohort.len(),
        !cfg!(debug_assertions)
    );

    let (cases, texts) = replicate(n_classify);
    report("classify_all (parsed cases)", n_classify, || {
        black_box(classify_all(black_box(&cases), &policy));
    });
    report("JSON text -> from_json -> classify", n_classify, || {
        for t in &texts {
            let _ = black_box(Case::from_json(black_box(t)).and_then(|c| classify(&c, &policy)));
        }
    });
    let (cases, texts) = replicate(n_recommend);
    report("recommend_all (parsed cases)", n_recommend, || {
        black_box(recommend_all(black_box(&cases), &policy));
    });
    report(
        "JSON text -> from_json -> recommend_with -> to_json",
        n_recommend,
        || {
            for t in &texts {
                let out = Case::from_json(black_box(t))
                    .and_then(|c| recommend_with(&c, &policy))
                    .map(|r| r.to_json());
                let _ = black_box(out);
            }
        },
    );
    ExitCode::SUCCESS
}

/// Times `pass` (one pass over `n` cases) three times and prints the best as cases/s.
fn report(what: &str, n: usize, mut pass: impl FnMut()) {
    let best = (0..3)
        .map(|_| {
            let start = Instant::now();
            pass();
            start.elapsed()
        })
        .min()
        .unwrap_or(Duration::MAX);
    let rate = n as f64 / best.as_secs_f64();
    println!("rust: {what:<52} {n:>7} cases  {rate:>12.0} cases/s");
}
