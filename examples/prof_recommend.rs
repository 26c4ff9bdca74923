use hcc_pathways::{recommend, Case};
fn main() {
    let text = std::fs::read_to_string("examples/cohort/synthetic_cohort.jsonl").unwrap();
    let cases: Vec<Case> = text.lines().map(|l| Case::from_json(l).unwrap()).collect();
    let mode = std::env::args().nth(1).unwrap_or_default();
    let mut n = 0usize;
    for _ in 0..3 {
        for c in &cases {
            if mode == "classify" {
                n += hcc_pathways::classify(c, &hcc_pathways::Policy::default())
                    .unwrap()
                    .rule as usize;
            } else {
                n += recommend(c).unwrap().options.len();
            }
        }
    }
    println!("{n}");
}
