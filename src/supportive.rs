//! The palliative option (spec §1, §6): best supportive care, with the reason of the pathway
//! rule that chose palliative care.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::assessment::Assessment;
use crate::engine::{Expr, Rule, RuleSet};
use crate::outcomes::{Pathway, TreatmentId};
use crate::pathway::{decided_pathway, CLINICAL_VERSION};
use crate::sources::*;

/// The id of the supportive-care rule set.
pub const RULE_SET_ID: &str = "hcc-supportive-care";

/// The components of best supportive care (spec §1).
pub(crate) static BEST_SUPPORTIVE_CARE_COMPONENTS: [Cow<'static, str>; 5] = [
    Cow::Borrowed("symptom control"),
    Cow::Borrowed("nutrition"),
    Cow::Borrowed("psychosocial support"),
    Cow::Borrowed("palliative radiotherapy for painful bone lesions"),
    Cow::Borrowed("hospice referral"),
];

fn build() -> RuleSet<Assessment, TreatmentId> {
    let table = vec![Rule::new(
        "P1",
        Expr::True,
        TreatmentId::BestSupportiveCare,
        "best supportive care: quality of life and symptom control",
        &[BCLC_2022, AASLD_2023],
    )];
    match RuleSet::unique(RULE_SET_ID, CLINICAL_VERSION, table) {
        Ok(rs) => rs.within(decided_pathway(Pathway::PalliativeCare)),
        // The table is constant and a unit test builds it.
        Err(e) => unreachable!("supportive-care rule table is malformed: {e}"),
    }
}

static SUPPORTIVE_RULES: LazyLock<RuleSet<Assessment, TreatmentId>> = LazyLock::new(build);

/// The supportive-care rules (built once).
pub(crate) fn rules() -> &'static RuleSet<Assessment, TreatmentId> {
    &SUPPORTIVE_RULES
}
