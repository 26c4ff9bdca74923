//! Advice that comes with the options: cautions, cross-cutting considerations, and the details
//! the pathway reason must carry (spec §4, §6, §7). All three are COLLECT rule sets (every
//! matching rule applies), with the rules that cannot hold together declared exclusive.
//!
//! | rule set | decides |
//! |---|---|
//! | [`cautions`] | what to watch out for; each caution concerns the case, or only the options it names (reported only when one of them is offered) |
//! | [`considerations`] | what else to arrange or weigh: MDT review, transplant or resection evaluation, antiviral therapy, … |
//! | [`details`] | what the pathway reason adds: which criterion fired (R2, R6), transplant first (R2/R7), no supported further line (R4/R7) |

pub(crate) mod cautions;
pub(crate) mod considerations;
pub(crate) mod details;

use crate::assessment::Assessment;
use crate::engine::{all, Expr};
use crate::predicates::{
    advanced, comfort_focused, liver_transplant_recipient, transplant_performance, within_milan,
};

/// `transplant_evaluation_applies`: within Milan, not advanced, not a liver-transplant
/// recipient, performance status acceptable, not comfort-focused (spec §6).
pub(crate) fn transplant_evaluation_applies() -> Expr<Assessment> {
    Expr::named(
        "transplant_evaluation_applies",
        "within Milan, not advanced, not a liver-transplant recipient, performance status acceptable, not comfort-focused",
        all([
            within_milan().expr(),
            advanced().not(),
            liver_transplant_recipient().not(),
            transplant_performance().expr(),
            comfort_focused().not(),
        ]),
    )
}
