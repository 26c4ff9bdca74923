//! What makes a case valid beyond its field ranges: the cross-field rules of spec §2.
//!
//! Each field's own range is checked when its value is built ([`crate::quantity`]); the facts
//! that depend on each other are checked here, by [`Case::validate`], wherever a case is made:
//! [`Case::from_json`](crate::Case::from_json), serde, [`crate::case::CaseBuilder::build`], and
//! the crate's own completions and grids. With facts not known (spec §8), a rule is broken only
//! when the known facts break it whatever the unknown ones are.

use std::borrow::Cow;
use std::ops::ControlFlow;

use crate::case::{Case, MacrovascularInvasion, Procedure};
use crate::error::{Error, Reason};
use crate::scores::ChildPughRange;

fn inconsistent(field: &'static str, detail: &'static str) -> Error {
    Error::invalid(
        field,
        Reason::Inconsistent {
            detail: Cow::Borrowed(detail),
        },
    )
}

fn missing(field: &'static str, because: &'static str) -> Error {
    Error::invalid(
        field,
        Reason::Missing {
            because: Some(Cow::Borrowed(because)),
        },
    )
}

fn not_allowed(field: &'static str, because: &'static str) -> Error {
    Error::invalid(
        field,
        Reason::NotAllowed {
            because: Cow::Borrowed(because),
        },
    )
}

impl Case {
    /// Checks the facts that depend on each other (spec §2). A rule is broken only when the
    /// known facts break it whatever the unknown ones are (spec §8): `nodules = 0` with the
    /// vascular invasion unknown may still describe a recurrence.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field when: a recorded Child–Pugh score lies outside what
    /// the components given with it allow; a diameter, infiltrative growth or an unsafe location
    /// is recorded with 0 nodules; the case describes no recurrence; no procedure is recorded;
    /// TACE counters or rising AFP after TACE are recorded without TACE or TAE.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let mut first = None;
        self.check(&mut |e| {
            first = Some(e);
            ControlFlow::Break(())
        });
        first.map_or(Ok(()), Err)
    }

    /// Every fact that contradicts another, not only the first: the errors [`Case::validate`]
    /// reports one at a time, in the same order (the first is the one it returns). Empty for a
    /// valid case.
    pub(crate) fn validate_all(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        self.check(&mut |e| {
            errors.push(e);
            ControlFlow::Continue(())
        });
        errors
    }

    /// The Child–Pugh scores the case's facts allow: the recorded score, else the range its
    /// components allow (one score when all five are known; each unknown component scores 1 to
    /// 3 points). A case's recorded score always agrees with its components.
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r2_child_pugh_c.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert!(case.child_pugh().min() >= 10);
    /// let unknown = case.to_builder().liver_function(Default::default()).build()?;
    /// assert_eq!((unknown.child_pugh().min(), unknown.child_pugh().max()), (5, 15));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn child_pugh(&self) -> ChildPughRange {
        match self.liver_function.child_pugh_score {
            Some(score) => ChildPughRange::exactly(score.get()),
            None => {
                let (min, max) = crate::scores::child_pugh_range(&self.liver_function);
                ChildPughRange::new(min, max).unwrap_or(ChildPughRange::exactly(min))
            }
        }
    }

    /// Runs every cross-field check in order, handing each error to `report` (which stops the
    /// checks by breaking).
    fn check(&self, report: &mut dyn FnMut(Error) -> ControlFlow<()>) {
        macro_rules! fail {
            ($e:expr) => {
                if report($e).is_break() {
                    return;
                }
            };
        }
        if let Err(e) = crate::scores::child_pugh(&self.liver_function) {
            fail!(e);
        }

        let ih = &self.recurrence.intrahepatic;
        if matches!(ih.nodules, Some(n) if n.get() == 0) {
            if ih.largest_diameter_mm.is_some() {
                fail!(not_allowed(
                    "recurrence.intrahepatic.largest_diameter_mm",
                    "when there are no nodules",
                ));
            }
            if ih.infiltrative == Some(true) {
                fail!(inconsistent(
                    "recurrence.intrahepatic.infiltrative",
                    "infiltrative growth recorded with 0 nodules: count the infiltrative lesion as a nodule",
                ));
            }
            if ih.unsafe_ablation_location == Some(true) {
                fail!(inconsistent(
                    "recurrence.intrahepatic.unsafe_ablation_location",
                    "a nodule location recorded with 0 nodules",
                ));
            }
            let no_invasion =
                self.recurrence.macrovascular_invasion == Some(MacrovascularInvasion::Absent);
            let no_sites = self
                .recurrence
                .extrahepatic_sites
                .is_some_and(|s| s.is_empty());
            if no_invasion && no_sites {
                fail!(inconsistent(
                    "recurrence",
                    "the case describes no recurrence: no nodules, no vascular invasion, no extrahepatic spread",
                ));
            }
        }

        let h = &self.history;
        if h.procedures.is_empty() {
            fail!(missing(
                "history.procedures",
                "(this library addresses recurrence after interventional therapy: name at least one procedure)",
            ));
        }
        let had_tace =
            h.procedures.contains(Procedure::Tace) || h.procedures.contains(Procedure::Tae);
        if !had_tace {
            const NO_TACE: &str =
                "counted after TACE, but neither `tace` nor `tae` is in history.procedures";
            if h.tace_insufficient_responses.is_some_and(|c| c.get() > 0) {
                fail!(inconsistent("history.tace_insufficient_responses", NO_TACE));
            }
            if h.tace_intrahepatic_progressions
                .is_some_and(|c| c.get() > 0)
            {
                fail!(inconsistent(
                    "history.tace_intrahepatic_progressions",
                    NO_TACE,
                ));
            }
            if h.afp_rising_after_tace == Some(true) {
                fail!(inconsistent("history.afp_rising_after_tace", NO_TACE));
            }
        }
    }
}
