//! # hcc-pathways
//!
//! Guideline-based decision support for hepatocellular carcinoma (HCC) that recurred after
//! interventional therapy (TACE, embolization, ablation). Given a typed [`Case`], [`recommend`]
//! returns exactly one treatment pathway — repeat intervention, systemic therapy or palliative
//! care — with the rule that chose it, every predicate's value and the facts it read, why the
//! other pathways were ruled out, and the published sources.
//!
//! **This is decision support for a multidisciplinary tumour board, never a replacement for
//! one.** Every recommendation says so.
//!
//! ```
//! use hcc_pathways::{recommend, Case, Pathway};
//!
//! let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
//! let case = Case::from_json(&json)?;
//! let rec = recommend(&case)?;
//! assert_eq!(rec.pathway, Pathway::RepeatIntervention);
//! assert_eq!(rec.rule, "R5");
//! println!("{rec}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## How it is built
//! - [`engine`]: a small generic rules engine — named [`engine::Predicate`]s combined with
//!   `and`/`or`/`not`, [`engine::Rule`]s, and [`engine::RuleSet`] under the UNIQUE hit policy.
//! - [`case`], [`quantity`]: the typed input, with units and validating constructors.
//! - [`scores`]: Child–Pugh, ALBI/mALBI, up-to-seven, Milan, BCLC.
//! - [`policy`]: every threshold, with defaults and sources.
//! - [`predicates`], [`rules`]: the clinical predicates (spec §3) and the pathway table (§4).
//! - [`recommendation`]: the output.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod assessment;
mod batch;
pub mod case;
pub mod engine;
pub mod error;
pub mod policy;
pub mod predicates;
pub mod quantity;
pub mod recommendation;
pub mod rules;
pub mod scores;
pub mod sources;

pub use assessment::Assessment;
pub use batch::{classify_all, recommend_all};
pub use case::Case;
pub use error::{Error, Reason};
pub use policy::Policy;
pub use recommendation::Recommendation;
pub use rules::Pathway;

/// The pathway a case falls in and the id of the rule that decided it, without explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Classification {
    /// The pathway.
    pub pathway: Pathway,
    /// The deciding rule's id (R1–R7).
    pub rule: &'static str,
}

/// Recommends a pathway for a case under the default [`Policy`].
///
/// # Errors
/// [`Error::Invalid`] when the case fails [`Case::validate`]; [`Error::HitPolicy`] if the rule
/// set matched zero or several rules (a defect in the rule set, never expected).
///
/// ```
/// let json = std::fs::read_to_string("examples/cases/r1_comfort_focused.json")?;
/// let rec = hcc_pathways::recommend(&hcc_pathways::Case::from_json(&json)?)?;
/// assert_eq!(rec.pathway, hcc_pathways::Pathway::PalliativeCare);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend(case: &Case) -> Result<Recommendation, Error> {
    recommend_with(case, &Policy::default())
}

/// Recommends a pathway for a case under a given policy.
///
/// # Errors
/// As [`recommend`], plus [`Error::Invalid`] naming `policy.<field>` for an invalid policy.
///
/// ```
/// use hcc_pathways::{recommend_with, Case, Pathway, Policy};
/// let json = std::fs::read_to_string("examples/cases/r7_child_pugh_7_multinodular.json")?;
/// let case = Case::from_json(&json)?;
/// let admit_b7 = Policy { systemic_max_child_pugh: 7, ..Policy::default() };
/// assert_eq!(recommend_with(&case, &admit_b7)?.pathway, Pathway::SystemicTherapy);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend_with(case: &Case, policy: &Policy) -> Result<Recommendation, Error> {
    let assessment = Assessment::new(case, policy)?;
    let rules = rules::pathway_rules();
    let mask = rules.leaf_mask(&assessment);
    rules.decide_mask(mask)?;
    let index = rules.matches_for_mask(mask).next().unwrap_or(0);
    Ok(Recommendation::build(rules, &assessment, index))
}

/// Classifies a case into its pathway without building an explanation. Allocates nothing on
/// success.
///
/// # Errors
/// As [`recommend_with`].
///
/// ```
/// use hcc_pathways::{classify, Case, Pathway, Policy};
/// let json = std::fs::read_to_string("examples/cases/r2_child_pugh_c.json")?;
/// let c = classify(&Case::from_json(&json)?, &Policy::default())?;
/// assert_eq!((c.pathway, c.rule), (Pathway::PalliativeCare, "R2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn classify(case: &Case, policy: &Policy) -> Result<Classification, Error> {
    classify_assessment(&Assessment::new(case, policy)?)
}

/// [`classify`] after validation.
pub(crate) fn classify_assessment(assessment: &Assessment) -> Result<Classification, Error> {
    let rule = rules::pathway_rules().decide(assessment)?;
    Ok(Classification {
        pathway: *rule.outcome(),
        rule: rule.id(),
    })
}
