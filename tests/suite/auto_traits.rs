//! The types an application shares between threads or requests are `Send + Sync` (issue 7): a
//! service can keep one `Policy` and the shared rule set, and hand cases and results across
//! threads. A compile-time check: this file does not build if one of them stops being so.

use hcc_pathways::engine::RuleSet;
use hcc_pathways::{Assessment, Case, Classification, Error, Pathway, Policy, Recommendation};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn shared_types_are_send_and_sync() {
    assert_send_sync::<Case>();
    assert_send_sync::<Policy>();
    assert_send_sync::<Assessment>();
    assert_send_sync::<RuleSet<Assessment, Pathway>>();
    assert_send_sync::<Recommendation>();
    assert_send_sync::<Classification>();
    assert_send_sync::<Error>();
    // The shared rule set itself is reachable from any thread.
    let rules: &'static RuleSet<Assessment, Pathway> = hcc_pathways::pathway::pathway_rules();
    std::thread::scope(|s| {
        s.spawn(|| assert!(!rules.rules().is_empty()));
    });
}
