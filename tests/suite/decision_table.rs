//! The committed decision table and source list are exactly what the code renders.

use hcc_pathways::table::{decision_table, sources_list};

const REGENERATE: &str = "cargo run --example decision_table -- --write";

fn assert_fresh(path: &str, rendered: &str) {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let committed = std::fs::read_to_string(&full)
        .unwrap_or_else(|e| panic!("cannot read {path} ({e}); generate it with `{REGENERATE}`"));
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || committed.lines().count().min(rendered.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "{path} is stale (first difference at line {line}): the rules, predicates, \
             thresholds or sources changed. Regenerate it with `{REGENERATE}` and review the \
             diff."
        );
    }
}

#[test]
fn decision_table_is_current() {
    assert_fresh("docs/decision-table.md", &decision_table());
}

#[test]
fn sources_list_is_current() {
    assert_fresh("docs/sources.md", &sources_list());
}
