//! What makes a case valid beyond its field ranges: the cross-field rules of spec §2.
//!
//! Each field's own range is checked when its value is built ([`crate::quantity`]); the facts
//! that depend on each other are checked here, by [`Case::validate`].

use std::borrow::Cow;
use std::ops::ControlFlow;

use crate::case::{Case, MacrovascularInvasion, Procedure};
use crate::error::{Error, Reason};

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
    /// Checks the facts that depend on each other (spec §2).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field when: ECOG is 1 or 2 without `cancer_related`; neither
    /// a Child–Pugh score nor all five components are given; a recorded score disagrees with the
    /// one computed from the components; a diameter is given without nodules, or nodules without
    /// a diameter (unless infiltrative); infiltrative growth or an unsafe location is recorded
    /// without nodules; the case describes no recurrence; no procedure is recorded; TACE
    /// counters or rising AFP after TACE are recorded without TACE or TAE.
    ///
    /// ```
    /// use hcc_pathways::{Error, Reason};
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let mut case = hcc_pathways::Case::from_json(&json)?;
    /// case.recurrence.intrahepatic.largest_diameter_mm = None;
    /// let err = case.validate().unwrap_err();
    /// assert_eq!(err.field(), Some("recurrence.intrahepatic.largest_diameter_mm"));
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
    /// let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
    /// let mut case = hcc_pathways::Case::from_json(&json)?;
    /// case.recurrence.intrahepatic.largest_diameter_mm = None;
    /// case.history.procedures = Default::default();
    /// let errors = case.validate_all();
    /// let fields: Vec<_> = errors.iter().filter_map(|e| e.field()).collect();
    /// assert_eq!(fields, ["recurrence.intrahepatic.largest_diameter_mm", "history.procedures"]);
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

    /// [`Case::validate`], returning the Child–Pugh score the rules use (recorded, or computed
    /// from the components), which validation computes anyway.
    ///
    /// # Errors
    /// As [`Case::validate`].
    ///
    /// ```
    /// let json = std::fs::read_to_string("examples/cases/r2_child_pugh_c.json")?;
    /// let case = hcc_pathways::Case::from_json(&json)?;
    /// assert!(case.validated_child_pugh()? >= 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validated_child_pugh(&self) -> Result<u8, Error> {
        let mut first = None;
        let score = self.check(&mut |e| {
            first = Some(e);
            ControlFlow::Break(())
        });
        match (first, score) {
            (Some(e), _) => Err(e),
            (None, Some(score)) => Ok(score),
            // `check` gives the score whenever it reports no error.
            (None, None) => Err(Error::invalid(
                "liver_function",
                Reason::Missing { because: None },
            )),
        }
    }

    /// Runs every cross-field check in order, handing each error to `report` (which stops the
    /// checks by breaking); the Child–Pugh score the rules use, if it could be computed (`None`
    /// only after an error was reported).
    fn check(&self, report: &mut dyn FnMut(Error) -> ControlFlow<()>) -> Option<u8> {
        macro_rules! fail {
            ($e:expr) => {
                if report($e).is_break() {
                    return None;
                }
            };
        }
        let ps = &self.performance_status;
        if matches!(ps.ecog.get(), 1 | 2) && ps.cancer_related.is_none() {
            fail!(missing(
                "performance_status.cancer_related",
                "when ECOG is 1 or 2 (BCLC 2022: only cancer-related impairment upstages)",
            ));
        }
        let child_pugh = match crate::scores::child_pugh(&self.liver_function) {
            Ok(score) => Some(score),
            Err(e) => {
                fail!(e);
                None
            }
        };

        let ih = &self.recurrence.intrahepatic;
        let n = ih.nodules.get();
        if n == 0 {
            if ih.largest_diameter_mm.is_some() {
                fail!(not_allowed(
                    "recurrence.intrahepatic.largest_diameter_mm",
                    "when there are no nodules",
                ));
            }
            if ih.infiltrative {
                fail!(inconsistent(
                    "recurrence.intrahepatic.infiltrative",
                    "infiltrative growth recorded with 0 nodules: count the infiltrative lesion as a nodule",
                ));
            }
            if ih.unsafe_ablation_location {
                fail!(inconsistent(
                    "recurrence.intrahepatic.unsafe_ablation_location",
                    "a nodule location recorded with 0 nodules",
                ));
            }
            let advanced = self.recurrence.macrovascular_invasion != MacrovascularInvasion::None
                || !self.recurrence.extrahepatic_sites.is_empty();
            if !advanced {
                fail!(inconsistent(
                    "recurrence",
                    "the case describes no recurrence: no nodules, no vascular invasion, no extrahepatic spread",
                ));
            }
        } else if ih.largest_diameter_mm.is_none() && !ih.infiltrative {
            fail!(missing(
                "recurrence.intrahepatic.largest_diameter_mm",
                "when there is at least one nodule and the growth is not infiltrative",
            ));
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
            if h.tace_insufficient_responses.get() > 0 {
                fail!(inconsistent("history.tace_insufficient_responses", NO_TACE));
            }
            if h.tace_intrahepatic_progressions.get() > 0 {
                fail!(inconsistent(
                    "history.tace_intrahepatic_progressions",
                    NO_TACE,
                ));
            }
            if h.afp_rising_after_tace {
                fail!(inconsistent("history.afp_rising_after_tace", NO_TACE));
            }
        }
        child_pugh
    }
}
