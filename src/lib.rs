//! # hcc-pathways
//!
//! Guideline-based decision support for hepatocellular carcinoma (HCC) that recurred after
//! interventional therapy (TACE, embolization, ablation). Given a typed [`Case`], [`recommend`]
//! returns exactly one treatment pathway — repeat intervention, systemic therapy or palliative
//! care — with the rule that chose it, every predicate's value and the facts it read, why the
//! other pathways were ruled out, and the published sources.
//!
//! **This is decision support for a multidisciplinary tumour board (MDT), never a replacement
//! for one.** Every recommendation says so. The output is a guideline-based suggestion for
//! clinicians to review with the patient, not an order, and the library has not been validated
//! for clinical use.
//!
//! ## Quick start
//!
//! ```
//! use hcc_pathways::{recommend, Case, Pathway};
//!
//! let json = std::fs::read_to_string("examples/cases/r5_single_small_nodule.json")?;
//! let case = Case::from_json(&json)?;
//! let rec = recommend(&case)?;
//! assert_eq!(rec.pathway, Pathway::RepeatIntervention);
//! assert_eq!(rec.rule, "R5");
//! // Every source of the deciding rule, and what kept the other pathways out.
//! assert!(rec.sources.iter().any(|s| s.key == "BCLC-2022"));
//! assert_eq!(rec.why_not.len(), 2);
//! println!("{rec}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Invalid input is an [`Error`] naming the field by its JSON path, never a panic and never a
//! guess: a missing fact is not silently "no".
//!
//! ```
//! let err = hcc_pathways::Case::from_json(r#"{"performance_status": {"ecog": 7}}"#).unwrap_err();
//! assert_eq!(err.field(), Some("performance_status.ecog"));
//! ```
//!
//! ## Policies
//!
//! Every threshold the rules read lives in a [`Policy`], with its default (the clinical
//! specification's) and its sources. A centre that differs states it as data; JSON gives only
//! the fields it changes. [`classify`] is the fast path when no explanation is needed.
//!
//! ```
//! use hcc_pathways::{classify, Case, Pathway, Policy};
//!
//! let json = std::fs::read_to_string("examples/cases/r7_child_pugh_7_multinodular.json")?;
//! let case = Case::from_json(&json)?;
//! assert_eq!(classify(&case, &Policy::default())?.rule, "R7");
//! let admit_b7 = Policy::from_json(r#"{"systemic_max_child_pugh": 7}"#)?;
//! let c = classify(&case, &admit_b7)?;
//! assert_eq!((c.pathway, c.rule), (Pathway::SystemicTherapy, "R6"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Composing rules
//!
//! The clinical predicates ([`predicates`]) are public values, and so is the engine
//! ([`engine`]). A researcher adds a leaf of their own with [`engine::Predicate::new`] (it
//! must cite a source, or it does not compile), combines leaves with `and`, `or`, `not` and
//! [`engine::Expr::named`], and builds a [`engine::RuleSet`] under the same UNIQUE hit policy
//! as the crate's own rules: exactly one rule must match, never first-match-wins.
//!
//! ```
//! use hcc_pathways::engine::{Cmp, Predicate, Rule, RuleSet, Trace};
//! use hcc_pathways::predicates::{advanced, fit_for_systemic};
//! use hcc_pathways::sources::{Source, BCLC_2022};
//! use hcc_pathways::{Assessment, Case, Policy};
//!
//! const OURS: Source = Source::new("OUR-PROTOCOL", "Example only: our study protocol");
//! let early = Predicate::new(
//!     "early_recurrence_12m",
//!     "recurrence within 12 months of the last procedure",
//!     &[OURS],
//!     |a: &Assessment, t: &mut Trace| {
//!         let months = a.case().history.months_since_last_procedure.get();
//!         t.compare("months_since_last_procedure", months, Cmp::Le, 12)
//!     },
//! );
//! let screen = RuleSet::new("advanced-screen", "0.1.0", vec![
//!     Rule::new("S1", advanced().and(fit_for_systemic()), "systemic therapy",
//!         "advanced and fit", &[BCLC_2022]),
//!     Rule::new("S2", advanced().and(fit_for_systemic().not()), "best supportive care",
//!         "advanced and not fit", &[BCLC_2022]),
//!     Rule::new("S3", advanced().not().and(&early), "early recurrence: study arm",
//!         "not advanced, recurred early", &[OURS]),
//!     Rule::new("S4", advanced().not().and(early.not()), "late recurrence: standard care",
//!         "not advanced, recurred late", &[OURS]),
//! ])?;
//!
//! // Exactly one rule matches every combination of the predicates' truth values.
//! for mask in 0..1u64 << screen.leaves().len() {
//!     assert_eq!(screen.matches_for_mask(mask).count(), 1);
//! }
//! let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
//! let a = Assessment::new(&Case::from_json(&json)?, &Policy::default())?;
//! assert_eq!(screen.decide(&a)?.id(), "S1");
//! // The same rule set, as a table for review.
//! let md = hcc_pathways::table::render_markdown(&screen);
//! assert!(md.contains("| S3 | `¬advanced ∧ early_recurrence_12m` |"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `examples/custom_rules.rs` builds a full variant of the pathway rules this way, and
//! `examples/cohort.rs` compares two policies over a JSON Lines cohort (a synthetic cohort of
//! 1,000 cases is bundled).
//!
//! ## JSON
//!
//! With the default `json` feature, [`Case::from_json`] and [`Policy::from_json`] read JSON
//! with unknown fields denied, and [`Recommendation::to_json`] writes the recommendation.
//! Quantities carry their unit (`{"value": 0.8, "unit": "mg_dl"}`); the bundled
//! `examples/cases/` show a complete case for each pathway rule.
//!
//! ## Features
//!
//! | feature | default | what it gives | what it costs |
//! |---|---|---|---|
//! | `json` | yes | `Case::from_json`, `Policy::from_json`, `Recommendation::to_json`, field paths in errors | serde, serde_json, serde_path_to_error |
//! | `serde` | yes (via `json`) | `Serialize`/`Deserialize` for every public data type | serde |
//! | `schemars` | no | `JsonSchema` for the case, policy and recommendation | schemars |
//!
//! Without default features the library is the typed model, scores, engine and rules.
//!
//! ## The decision table and the design
//!
//! The repository's `docs/decision-table.md` is the pathway rule table, its predicates, the
//! policy thresholds and every source, rendered from the code by [`table::decision_table`]
//! (`cargo run --example decision_table -- --write`); a test fails when it is stale.
//! `DESIGN.md` explains why the hit policy is UNIQUE and checked for completeness, why the
//! library is pure and synchronous, why rules are Rust values and not a text language, how
//! units and unknown facts are modelled, and how clinical content is versioned.
//!
//! ## How it is built
//! - [`engine`]: a small generic rules engine — named [`engine::Predicate`]s combined with
//!   `and`/`or`/`not`, [`engine::Rule`]s, and [`engine::RuleSet`] under the UNIQUE hit policy.
//! - [`case`], [`quantity`]: the typed input, with units and validating constructors.
//! - [`scores`]: Child–Pugh, ALBI/mALBI, up-to-seven, Milan, BCLC.
//! - [`policy`]: every threshold, with defaults and sources.
//! - [`predicates`], [`rules`]: the clinical predicates (spec §3) and the pathway table (§4).
//! - [`options`], [`regimens`]: the options inside each pathway (§6–§7) — procedure, regimens by
//!   line of therapy, best supportive care — with cautions and considerations, all as rules.
//! - [`recommendation`]: the output.
//! - [`table`]: decision tables rendered from rule sets.
//! - [`sources`]: every publication cited, by stable key.
//! - `schema` (feature `schemars`): the JSON Schemas of the case, the policy and the
//!   recommendation, the contract for services.
//! - [`engine::check`], [`grid`]: check a rule set for gaps and overlaps over every combination
//!   of its predicates' truth values, with concrete witness cases from a boundary grid.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::missing_errors_doc)]

mod macros;

pub mod assessment;
mod batch;
pub mod case;
pub mod engine;
pub mod error;
pub mod grid;
#[cfg(feature = "json")]
mod json;
pub mod options;
pub mod policy;
pub mod predicates;
pub mod quantity;
pub mod recommendation;
pub mod regimens;
pub mod rules;
#[cfg(feature = "schemars")]
pub mod schema;
pub mod scores;
pub mod sources;
#[cfg(feature = "json")]
pub mod stream;
pub mod table;
mod validate;

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
    let options = options::report(&assessment, &rules.rules()[index])?;
    Ok(Recommendation::build(rules, &assessment, index, options))
}

/// Classifies a case into its pathway without building an explanation. Allocates nothing on
/// success, except that the first call in a process builds the shared rule tables (kept for the
/// life of the process): that is the only allocation `classify` ever makes.
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

// The README's Rust examples are compiled and run as doc tests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
