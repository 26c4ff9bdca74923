//! The line of therapy (spec §7): line = regimens received + 1, and second-line options are
//! keyed on the most recent regimen.

use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{all, any, Expr, Predicate, Rule, RuleSet, Trace, Truth};
use crate::outcomes::LineOfTherapy;
use crate::pathway::CLINICAL_VERSION;
use crate::predicates::{
    last_regimen_checkpoint_inhibitor, last_regimen_sorafenib_or_lenvatinib, last_regimen_stride,
    no_regimen_received, one_regimen_received,
};
use crate::sources::*;

/// The id of the line-of-therapy rule set.
pub const RULE_SET_ID: &str = "hcc-systemic-lines";

fn build() -> RuleSet<Assessment, LineOfTherapy> {
    use LineOfTherapy::*;
    let none = no_regimen_received;
    let one = one_regimen_received;
    let second = || all([none().not(), one().expr()]);
    #[rustfmt::skip]
    let table = vec![
        Rule::new("L1",
            none(),
            First,
            "first line: options 1 and 2 are of equal strength (ASCO 2024 says \"or\"), the order is not a ranking; \
             ECOG 2 lists sorafenib first",
            &[ASCO_2024, ESMO_2025]),
        Rule::new("L2-ICI",
            second().and(last_regimen_stride().not()).and(last_regimen_checkpoint_inhibitor()),
            AfterCheckpointInhibitor,
            "second line after a checkpoint-inhibitor first line other than STRIDE (ASCO 2024)",
            &[ASCO_2024]),
        Rule::new("L2-STRIDE",
            second().and(last_regimen_stride()),
            AfterDurvalumabTremelimumab,
            "second line after durvalumab + tremelimumab (ASCO 2024)",
            &[ASCO_2024]),
        Rule::new("L2-TKI",
            second()
                .and(last_regimen_stride().not())
                .and(last_regimen_checkpoint_inhibitor().not())
                .and(last_regimen_sorafenib_or_lenvatinib()),
            AfterSorafenibOrLenvatinib,
            "second line after sorafenib or lenvatinib (ASCO 2024)",
            &[ASCO_2024]),
        Rule::new("L2-OTHER",
            second()
                .and(last_regimen_stride().not())
                .and(last_regimen_checkpoint_inhibitor().not())
                .and(last_regimen_sorafenib_or_lenvatinib().not()),
            AfterUnlistedRegimen,
            "second line after a first-line regimen the guidelines do not sequence from: built like the third line \
             (clinical trial first; regimens that add a mechanism class not yet used)",
            &[ASCO_2024]),
        Rule::new("L3",
            all([none().not(), one().not()]),
            ThirdOrLater,
            "third line and later (only with the later-line fitness of spec §3): clinical trial first; cabozantinib \
             within the prior lines CELESTIAL admitted; then regimens not yet received that add a mechanism class not \
             yet used",
            &[ASCO_2024, CELESTIAL]),
    ];
    match RuleSet::unique(RULE_SET_ID, CLINICAL_VERSION, table) {
        Ok(rs) => rs,
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("line rule table is malformed: {e}"),
    }
}

static LINE_RULES: LazyLock<RuleSet<Assessment, LineOfTherapy>> = LazyLock::new(build);

/// The line-of-therapy rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, LineOfTherapy> {
    &LINE_RULES
}

macro_rules! line_leaves {
    ($($static:ident, $line:ident, $id:literal;)*) => {
        $(
            static $static: LazyLock<Predicate<Assessment>> = LazyLock::new(|| {
                Predicate::new(
                    $id,
                    concat!("the line rules chose `", $id, "`"),
                    &[ASCO_2024],
                    |a: &Assessment, t: &mut Trace| {
                        match a.line() {
                            Some(line) => {
                                t.note("line_of_therapy", line);
                                Truth::from(line == LineOfTherapy::$line)
                            }
                            None if possible_lines(a).any(|l| l == LineOfTherapy::$line) => {
                                t.unknown("history.systemic_regimens");
                                Truth::Unknown
                            }
                            None => Truth::False,
                        }
                    },
                )
            });
        )*

        /// The leaf "the line rules chose `line`": it reads the line decided once for the case
        /// (unknown while the history leaves several lines possible).
        pub(crate) fn line_is(line: LineOfTherapy) -> Predicate<Assessment> {
            match line { $(LineOfTherapy::$line => $static.clone(),)* }
        }
    };
}

line_leaves! {
    LINE_FIRST, First, "line_first";
    LINE_AFTER_ICI, AfterCheckpointInhibitor, "line_after_checkpoint_inhibitor";
    LINE_AFTER_STRIDE, AfterDurvalumabTremelimumab, "line_after_durvalumab_tremelimumab";
    LINE_AFTER_TKI, AfterSorafenibOrLenvatinib, "line_after_sorafenib_or_lenvatinib";
    LINE_AFTER_OTHER, AfterUnlistedRegimen, "line_after_unlisted_regimen";
    LINE_THIRD, ThirdOrLater, "line_third_or_later";
}

/// The lines the line rules may have chosen for the case.
pub(crate) fn possible_lines(a: &Assessment) -> impl Iterator<Item = LineOfTherapy> + '_ {
    let possible = a.decisions.lines.possible;
    rules()
        .rules()
        .iter()
        .enumerate()
        .filter(move |(i, _)| possible & (1u64 << i) != 0)
        .map(|(_, r)| *r.outcome())
}

/// `later_line_construction`: a clinical trial first and regimens that must add a mechanism
/// class (third line and later, and the second line after an unlisted regimen).
pub(crate) fn later_line_construction() -> Expr<Assessment> {
    Expr::named(
        "later_line_construction",
        "third line or later, or second line after an unlisted regimen",
        any([
            line_is(LineOfTherapy::AfterUnlistedRegimen).expr(),
            line_is(LineOfTherapy::ThirdOrLater).expr(),
        ]),
    )
}

/// The definitions of the line leaves for proofs: each stands for its line rule's condition.
pub(crate) fn definitions() -> Vec<(&'static str, Expr<Assessment>)> {
    rules()
        .rules()
        .iter()
        .map(|r| (line_is(*r.outcome()).id(), r.condition().clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_rules_partition_the_abstract_domain() {
        let rs = rules();
        let n = rs.leaves().len();
        assert_eq!(n, 5);
        for mask in 0..(1u64 << n) {
            assert_eq!(rs.matches_for_mask(mask).count(), 1, "mask {mask:b}");
        }
        // Every line has a rule and a leaf.
        for line in LineOfTherapy::ALL {
            assert_eq!(rs.rules().iter().filter(|r| r.outcome() == line).count(), 1);
            assert!(line_is(*line).id().starts_with("line_"));
        }
    }
}
