//! The names of the decision: the three pathways and the seven rules that choose them (spec
//! §1, §4). They sit below everything else so that errors, the case model and the output can
//! all speak of them; [`crate::outcomes`] re-exports them.

use crate::macros::{bit_set, wire_enum};

wire_enum! {
    /// The three treatment pathways; exactly one per case.
    ///
    /// Ordered by the fitness each demands: `palliative_care` < `systemic_therapy` <
    /// `repeat_intervention`.
    Pathway {
        /// Best supportive care: quality of life and symptom control.
        PalliativeCare = "palliative_care",
        /// Drugs: repeat intervention not feasible, and fit for them.
        SystemicTherapy = "systemic_therapy",
        /// A second interventional procedure for limited intrahepatic recurrence.
        RepeatIntervention = "repeat_intervention",
    }
}

impl Pathway {
    /// A human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Pathway::RepeatIntervention => "Repeat intervention",
            Pathway::SystemicTherapy => "Systemic therapy",
            Pathway::PalliativeCare => "Palliative care",
        }
    }
}

wire_enum! {
    /// The rule of the pathway table (spec §4) that decided, R1–R7. Its wire name is its id.
    #[non_exhaustive]
    PathwayRule {
        /// Comfort-focused care chosen.
        R1 = "R1",
        /// Terminal disease (BCLC D).
        R2 = "R2",
        /// Advanced disease, fit for systemic therapy.
        R3 = "R3",
        /// Advanced disease, not fit for systemic therapy.
        R4 = "R4",
        /// Limited intrahepatic recurrence, fit for a procedure.
        R5 = "R5",
        /// Repeat intervention not feasible, fit for systemic therapy.
        R6 = "R6",
        /// Neither intervention nor systemic therapy feasible.
        R7 = "R7",
    }
}

bit_set! {
    /// A set of pathway rules (a JSON array of their ids).
    PathwayRules of PathwayRule
}

impl PathwayRule {
    /// The rule of an id (`"R1"` … `"R7"`).
    pub fn from_id(id: &str) -> Option<PathwayRule> {
        PathwayRule::ALL
            .iter()
            .copied()
            .find(|r| r.wire_name() == id)
    }

    /// The pathway the rule chooses.
    pub fn pathway(self) -> Pathway {
        match self {
            PathwayRule::R1 | PathwayRule::R2 | PathwayRule::R4 | PathwayRule::R7 => {
                Pathway::PalliativeCare
            }
            PathwayRule::R3 | PathwayRule::R6 => Pathway::SystemicTherapy,
            PathwayRule::R5 => Pathway::RepeatIntervention,
        }
    }
}

impl PartialEq<&str> for PathwayRule {
    fn eq(&self, other: &&str) -> bool {
        self.wire_name() == *other
    }
}

impl std::fmt::Display for PathwayRules {
    /// The rules' ids joined by ` or `: `R5`, or `R2 or R7` when facts not known leave both.
    ///
    /// ```
    /// use hcc_pathways::{PathwayRule, PathwayRules};
    /// let rules = PathwayRules::of(&[PathwayRule::R2, PathwayRule::R7]);
    /// assert_eq!(rules.to_string(), "R2 or R7");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, r) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            f.write_str(r.wire_name())?;
        }
        Ok(())
    }
}
