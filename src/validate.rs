//! What makes a case valid beyond its field ranges: the cross-field rules of spec §2.
//!
//! Each field's own range is checked when its value is built ([`crate::quantity`]); the facts
//! that depend on each other are checked here, by [`Case::validate`]. With facts not known
//! (spec §8), a rule is broken only when the known facts break it whatever the unknown ones
//! are.

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
    ///
    /// ```
    /// use hcc_pathways::case::{ExtrahepaticSite, MacrovascularInvasion, SiteSet};
    /// use hcc_pathways::quantity::NoduleCount;
    /// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
    /// let mut case = hcc_pathways::Case::from_json(&json)?;
    /// case.recurrence.extrahepatic_sites = Some(SiteSet::EMPTY);
    /// case.recurrence.macrovascular_invasion = Some(MacrovascularInvasion::Absent);
    /// case.recurrence.intrahepatic.nodules = Some(NoduleCount::new(0)?);
    /// case.recurrence.intrahepatic.largest_diameter_mm = None;
    /// case.recurrence.intrahepatic.infiltrative = Some(false);
    /// case.recurrence.intrahepatic.unsafe_ablation_location = Some(false);
    /// let err = case.validate().unwrap_err();
    /// assert_eq!(err.field(), Some("recurrence"));
    /// // Whether vascular invasion is present is not known: a recurrence it may describe.
    /// case.recurrence.macrovascular_invasion = None;
    /// assert!(case.validate().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        self.validated_child_pugh().map(|_| ())
    }

    /// Every fact that contradicts another, not only the first: the errors [`Case::validate`]
    /// reports one at a time, in the same order (the first is the one it returns). Empty for a
    /// valid case.
    ///
    /// Each field's own range is checked when its value is built, so a typed case can only break
    /// the cross-field rules; [`Case::from_json_all`](crate::Case::from_json_all) also collects
    /// the field errors of a JSON document.
    ///
    /// ```
    /// use hcc_pathways::case::ProcedureSet;
    /// use hcc_pathways::quantity::Count;
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let mut case = hcc_pathways::Case::from_json(&json)?;
    /// case.history.procedures = ProcedureSet::EMPTY;
    /// case.history.tace_insufficient_responses = Some(Count::insufficient_responses(1)?);
    /// let errors = case.validate_all();
    /// let fields: Vec<_> = errors.iter().filter_map(|e| e.field()).collect();
    /// assert_eq!(fields, ["history.procedures", "history.tace_insufficient_responses"]);
    /// assert_eq!(Some(&errors[0]), case.validate().err().as_ref());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate_all(&self) -> Vec<Error> {
        let mut errors = Vec::new();
        self.check(&mut |e| {
            errors.push(e);
            ControlFlow::Continue(())
        });
        errors
    }

    /// [`Case::validate`], returning the Child–Pugh scores the facts allow (one score when it
    /// is recorded or all five components are known), which validation computes anyway.
    ///
    /// # Errors
    /// As [`Case::validate`].
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r2_child_pugh_c.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert!(case.validated_child_pugh()?.min() >= 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validated_child_pugh(&self) -> Result<ChildPughRange, Error> {
        let mut first = None;
        let score = self.check(&mut |e| {
            first = Some(e);
            ControlFlow::Break(())
        });
        match (first, score) {
            (Some(e), _) => Err(e),
            (None, Some(score)) => Ok(score),
            // `check` gives the scores whenever it reports no error.
            (None, None) => Err(Error::invalid(
                "liver_function",
                Reason::Missing { because: None },
            )),
        }
    }

    /// Runs every cross-field check in order, handing each error to `report` (which stops the
    /// checks by breaking); the Child–Pugh scores the rules use, if they could be computed
    /// (`None` only after an error was reported).
    fn check(&self, report: &mut dyn FnMut(Error) -> ControlFlow<()>) -> Option<ChildPughRange> {
        macro_rules! fail {
            ($e:expr) => {
                if report($e).is_break() {
                    return None;
                }
            };
        }
        let child_pugh = match crate::scores::child_pugh(&self.liver_function) {
            Ok(score) => Some(score),
            Err(e) => {
                fail!(e);
                None
            }
        };

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
        child_pugh
    }
}
