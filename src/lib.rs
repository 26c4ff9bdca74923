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
//! assert_eq!(rec.rule.map(|r| r.wire_name()), Some("R5"));
//! // Every source of the deciding rule, and what kept the other pathways out.
//! assert!(rec.sources.iter().any(|s| s.key() == "BCLC-2022"));
//! let why = rec.explanation.document();
//! assert!(why.why_not.iter().any(|u| u.rule == "R6" && u.predicate == "locally_treatable"));
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
//! assert_eq!(classify(&case, &Policy::default())?.rule, Some(hcc_pathways::PathwayRule::R7));
//! let admit_b7 = Policy::from_json(r#"{"systemic_max_child_pugh": 7}"#)?;
//! let c = classify(&case, &admit_b7)?;
//! assert_eq!((c.pathway, c.rule), (Pathway::SystemicTherapy, Some(hcc_pathways::PathwayRule::R6)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Facts not known
//!
//! Any fact but the procedures received may be unknown (`None`; `null` in JSON; spec §8).
//! Nothing unknown is read as "no": [`decide`] gives a recommendation when the pathway is the
//! same whatever the unknown facts are — with what depends on them listed as pending — and
//! otherwise the candidate pathways and the facts that would decide.
//!
//! ```
//! use hcc_pathways::{decide, Case, Decision, Pathway};
//!
//! let json = std::fs::read_to_string("examples/cases/unknown/undecided_ecog_unknown.json")?;
//! let Decision::Undecided(u) = decide(&Case::from_json(&json)?)? else { panic!("ECOG decides") };
//! let ecog = &u.facts_needed[0];
//! assert_eq!(ecog.fact, "performance_status.ecog");
//! assert_eq!(ecog.values[3].value, "3"); // ECOG 3 → palliative care (R2)
//! assert_eq!(ecog.values[3].pathway, Some(Pathway::PalliativeCare));
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
//! use hcc_pathways::engine::{Cmp, Predicate, Rule, RuleSet, Trace, Truth};
//! use hcc_pathways::predicates::{advanced, fit_for_systemic};
//! use hcc_pathways::sources::{Source, BCLC_2022};
//! use hcc_pathways::{Assessment, Case, Policy};
//!
//! const OURS: Source = Source::new("OUR-PROTOCOL", "Example only: our study protocol");
//! let early = Predicate::new(
//!     "early_recurrence_12m",
//!     "recurrence within 12 months of the last procedure",
//!     &[OURS],
//!     // Three-valued: unknown when the months are not known (spec §8).
//!     |a: &Assessment, t: &mut Trace| match a.case().history().months_since_last_procedure {
//!         Some(m) => Truth::from(t.compare("months_since_last_procedure", m.get(), Cmp::Le, 12)),
//!         None => Truth::Unknown,
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
//! `examples/cohort.rs` compares policies over a JSON Lines cohort, down to the options of each
//! case (a synthetic cohort of 1,000 cases is in the repository).
//!
//! ## JSON
//!
//! With the default `json` feature, [`Case::from_json`] and [`Policy::from_json`] read JSON
//! with unknown fields denied, and [`Recommendation::to_json`] writes the recommendation.
//! Quantities carry their unit (`{"value": 0.8, "unit": "mg_dl"}`); the bundled
//! `examples/cases/` show a complete case for each pathway rule, and `examples/cases/unknown/`
//! cases with facts not known (decided, and undecided).
//!
//! ## Features
//!
//! | feature | default | what it gives | what it costs |
//! |---|---|---|---|
//! | `json` | yes | `Case::from_json`, `Policy::from_json`, `Recommendation::to_json`, field paths in errors | serde, serde_json, serde_path_to_error |
//! | `serde` | yes (via `json`) | `Serialize`/`Deserialize` for every public data type | serde |
//! | `schemars` | no | `JsonSchema` for the case, policy, recommendation and error (problem document) | schemars |
//! | `proptest` | no | `strategies`: proptest strategies for valid cases (with and without unknown facts) and policies, for property tests | proptest (and Rust 1.88, which it needs) |
//!
//! Without default features the library is the typed model, scores, engine and rules.
//!
//! ## Compatibility
//!
//! Values that may grow in a minor release are `#[non_exhaustive]` (the README's "Compatibility
//! policy" lists them): a `match` on a procedure, an option or a reason needs a `_` arm, and the
//! output structs gain fields, so they are read, never built:
//!
//! ```compile_fail
//! # use hcc_pathways::case::Procedure;
//! fn name(p: Procedure) -> &'static str {
//!     match p {
//!         Procedure::Tace | Procedure::Tae | Procedure::Tare => "embolization",
//!         Procedure::Rfa | Procedure::Mwa | Procedure::Pei => "ablation",
//!         Procedure::Resection => "surgery",
//!     } // error: `_` not covered
//! }
//! ```
//!
//! ```compile_fail
//! let info = hcc_pathways::recommendation::RuleSetInfo { id: "x".into(), version: "1".into() };
//! ```
//!
//! The inputs are valid by construction: a [`Case`] and a [`Policy`] have private fields and
//! are obtained only checked — from JSON (or serde), from [`Case::builder`], or by changing
//! settings with [`Policy::with`] — so [`recommend`] and [`classify`] never check them again.
//! A new fact or setting is then a minor release. The parts of a case
//! ([`case::PerformanceStatus`], [`case::LiverFunction`], …) stay plain data with public fields,
//! read through the case's accessors and given whole to the builder:
//!
//! ```
//! use hcc_pathways::case::{Case, PerformanceStatus, Procedure};
//! use hcc_pathways::{policy::Setting, quantity::Ecog, Policy};
//! let ps = PerformanceStatus { ecog: Some(Ecog::new(1)?), cancer_related: Some(false) };
//! let case = Case::builder().performance_status(ps).procedures([Procedure::Tace]).build()?;
//! assert_eq!(case.performance_status(), &ps);
//! let policy = Policy::default().with(Setting::UpToSevenLimit, 110)?;
//! assert_eq!(policy.up_to_seven_limit(), 110);
//! # Ok::<(), hcc_pathways::Error>(())
//! ```
//!
//! ## The decision table and the design
//!
//! The repository's `docs/decision-table.md` is every rule set of the crate — the pathway table,
//! the procedure, line-of-therapy, option-order, omission, supportive-care and
//! TACE-with-systemic rules, the cautions, considerations and reason details — with their hit
//! policies, scopes, predicates, the policy thresholds and every source, rendered from the code
//! by [`table::decision_table`] (`cargo run --example decision_table -- --write`); a test fails
//! when it is stale. `DESIGN.md` explains why the hit policies are declared and proved, why the
//! library is pure and synchronous, why rules are Rust values and not a text language, how
//! decisions are made once, how units and unknown facts are modelled, and how clinical content
//! is versioned.
//!
//! ## How it is built
//! - [`engine`]: a small generic rules engine — named [`engine::Predicate`]s combined with
//!   `and`/`or`/`not`, [`engine::Rule`]s, and [`engine::RuleSet`]s that declare their hit policy
//!   (UNIQUE, or COLLECT with exclusive groups) and scope; [`engine::check`] proves it.
//! - [`case`], [`quantity`]: the typed input, with units and validating constructors.
//! - [`policy`], [`text`]: every threshold, with defaults and sources; texts that show the
//!   policy's values.
//! - [`scores`]: Child–Pugh, ALBI/mALBI, up-to-seven, Milan, BCLC.
//! - [`assessment`]: a validated case under a policy with the decisions made once for it.
//! - [`predicates`]: the clinical facts (spec §3, §6, §7) as sourced leaves.
//! - [`pathway`]: the pathway table R1–R7 (spec §4).
//! - The options inside each pathway and the advice, each a rule set on the same engine (private
//!   modules, rendered in the decision table and proved by [`verify`]): the procedure of a repeat
//!   intervention (§6); systemic therapy — line of therapy, the options of each line in order,
//!   the regimens left out and why, TACE with systemic therapy (§7); best supportive care;
//!   cautions, considerations and reason details.
//! - [`outcomes`]: what the rule sets decide (pathways, rules, lines, procedures, options,
//!   evidence levels, omission reasons).
//! - [`recommendation`]: the output.
//! - [`verify`]: one check of every rule set the crate ships.
//! - [`table`]: decision tables rendered from rule sets.
//! - [`picture`]: the pathway rules as an SVG flowchart (`docs/pathways.svg`), a
//!   recommendation's path through it with the facts read, and a cohort's pathways under two
//!   policies as an alluvial diagram.
//! - [`sources`]: every publication cited, by stable key.
//! - `schema` (feature `schemars`): the JSON Schemas of the case, the policy, the
//!   recommendation and the error, the contract for services.
//! - [`grid`]: boundary cases to use as witnesses, exhaustively or as a seeded sample.
//! - `strategies` (feature `proptest`): proptest strategies for valid cases and policies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// On docs.rs (`--cfg docsrs`, nightly), items behind a feature say which one.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::missing_errors_doc)]

mod macros;

mod advice;
pub mod assessment;
mod batch;
pub mod case;
#[cfg(feature = "serde")]
mod case_serde;
pub mod engine;
pub mod error;
mod evaluate;
mod facts_needed;
pub mod grid;
#[cfg(feature = "json")]
mod json;
pub mod outcomes;
pub mod pathway;
mod pathway_names;
pub mod picture;
pub mod policy;
pub mod predicates;
mod procedures;
pub mod quantity;
pub mod recommendation;
#[cfg(feature = "schemars")]
pub mod schema;
pub mod scores;
pub mod sources;
#[cfg(feature = "proptest")]
pub mod strategies;
#[cfg(feature = "json")]
pub mod stream;
mod supportive;
mod systemic;
pub mod table;
pub mod text;
mod validate;
pub mod verify;

pub use assessment::Assessment;
pub use batch::{classify_all, recommend_all};
pub use case::Case;
pub use error::{Error, Reason};
pub use outcomes::{Pathway, PathwayRule, PathwayRules};
pub use policy::Policy;
pub use recommendation::{Recommendation, Undecided};

/// The version of this crate, as every recommendation states it (`crate_version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The pathway a case falls in and the rule that decided it, without explanation.
///
/// For a case with unknown facts, the pathway is the one every completion of them leads to,
/// and `rules` lists the rules some completion makes match; `rule` names one only when one
/// remains. When completions lead to different pathways, [`classify`] returns
/// [`Error::Undecided`] instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Classification {
    /// The pathway.
    pub pathway: Pathway,
    /// The deciding rule (R1–R7), when one remains (always for a complete case).
    pub rule: Option<PathwayRule>,
    /// The candidate rules: the deciding rule alone for a complete case.
    pub rules: PathwayRules,
}

/// Recommends a pathway for a case under the default [`Policy`].
///
/// The case is valid by construction ([`Case`]), so it is not checked again.
///
/// # Errors
/// [`Error::Undecided`] when facts the case leaves unknown decide between pathways ([`decide`]
/// names them); [`Error::HitPolicy`] if a rule set violated its hit policy (a defect in the
/// rule set, never expected).
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
/// Every decision is made once: the line of therapy, the eligible regimens and the pathway
/// (as [`classify`] does), then the options inside the pathway and the advice, each rule set
/// reading the leaves it needs from one cache, so each distinct predicate is evaluated once.
///
/// # Errors
/// As [`recommend`] (the policy, too, is valid by construction).
///
/// ```
/// use hcc_pathways::{policy::Setting, recommend_with, Case, Pathway, Policy};
/// let json = std::fs::read_to_string("examples/cases/r7_child_pugh_7_multinodular.json")?;
/// let case = Case::from_json(&json)?;
/// let admit_b7 = Policy::default().with(Setting::SystemicMaxChildPugh, 7)?;
/// let rec = recommend_with(&case, &admit_b7)?;
/// assert_eq!(rec.pathway, Pathway::SystemicTherapy);
/// assert_eq!(rec.policy.changed[0].setting, "systemic_max_child_pugh");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend_with(case: &Case, policy: &Policy) -> Result<Recommendation, Error> {
    match decide_with(case, policy)? {
        Decision::Decided(rec) => Ok(rec),
        Decision::Undecided(u) => Err(Error::Undecided { rules: u.rules }),
    }
}

/// A recommendation, or — when facts the case leaves unknown decide between pathways — what
/// is needed to decide (spec §8). The JSON of each carries its `status`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[allow(clippy::large_enum_variant)]
pub enum Decision {
    /// One pathway whatever the unknown facts are (always, for a complete case).
    Decided(Recommendation),
    /// Completions of the unknown facts lead to different pathways.
    Undecided(Undecided),
}

impl Decision {
    /// The recommendation, when the pathway is decided.
    pub fn recommendation(&self) -> Option<&Recommendation> {
        match self {
            Decision::Decided(rec) => Some(rec),
            Decision::Undecided(_) => None,
        }
    }

    /// The status: decided or undecided.
    pub fn status(&self) -> recommendation::Status {
        match self {
            Decision::Decided(_) => recommendation::Status::Decided,
            Decision::Undecided(_) => recommendation::Status::Undecided,
        }
    }

    /// The outcome as compact JSON (the decision schema): a lean recommendation
    /// ([`Recommendation::to_json`]) or the undecided outcome.
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> String {
        match self {
            Decision::Decided(rec) => rec.to_json(),
            Decision::Undecided(u) => u.to_json(),
        }
    }

    /// The outcome as indented JSON, for people, a recommendation with its explanation.
    #[cfg(feature = "json")]
    pub fn to_json_pretty(&self) -> String {
        match self {
            Decision::Decided(rec) => rec.to_json_pretty(),
            Decision::Undecided(u) => u.to_json_pretty(),
        }
    }
}

impl std::fmt::Display for Decision {
    /// The recommendation's report, or the undecided outcome's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Decision::Decided(rec) => rec.fmt(f),
            Decision::Undecided(u) => u.fmt(f),
        }
    }
}

/// Decides a case under the default policy: a [`Recommendation`] when the pathway is decided,
/// else the candidate pathways and the facts needed ([`Undecided`]).
///
/// # Errors
/// [`Error::HitPolicy`] if a rule set violated its hit policy (never expected).
///
/// ```
/// use hcc_pathways::{decide, Case, Decision};
/// let json = std::fs::read_to_string("examples/cases/r3_lung_metastases_fit.json")?;
/// let case = Case::from_json(&json)?.to_builder().unknown("performance_status.ecog").build()?;
/// match decide(&case)? {
///     Decision::Undecided(u) => {
///         let ecog = u.facts_needed.iter().find(|f| f.fact == "performance_status.ecog").unwrap();
///         assert!(ecog.values.iter().any(|v| v.pathway.is_some()));
///     }
///     Decision::Decided(rec) => panic!("ECOG decides between R3 and R4: {}", rec.pathway),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide(case: &Case) -> Result<Decision, Error> {
    decide_with(case, &Policy::default())
}

/// [`decide`] under a given policy.
///
/// # Errors
/// As [`decide`].
pub fn decide_with(case: &Case, policy: &Policy) -> Result<Decision, Error> {
    let mut memo = evaluate::Memo::silent();
    let assessment = evaluate::assess(case, policy, &mut memo)?;
    match evaluate::plan(&assessment, &mut memo)? {
        Some(plan) => Ok(Decision::Decided(Recommendation::build(assessment, plan))),
        None => Ok(Decision::Undecided(Undecided::build(&assessment)?)),
    }
}

/// Classifies a case into its pathway without building an explanation. Allocates nothing on
/// success, except that the first call in a process builds the shared rule tables (kept for the
/// life of the process): that is the only allocation `classify` ever makes. A case with unknown
/// facts allocates nothing either, decided or not.
///
/// Neither the case nor the policy is checked again: both are valid by construction, so a
/// call costs the decision alone. The line of therapy and the regimens eligible are decided
/// only when the pathway rules ask whether the patient is fit for systemic therapy (as
/// hand-written code would ask only there); the result is always that of
/// [`Assessment::new`]`(case, policy)?.pathway_decision()`.
///
/// # Errors
/// As [`recommend_with`]: [`Error::Undecided`] (with the candidate rules) when facts the case
/// leaves unknown decide between pathways.
///
/// ```
/// use hcc_pathways::{classify, Case, Pathway, Policy};
/// let json = std::fs::read_to_string("examples/cases/r2_child_pugh_c.json")?;
/// let c = classify(&Case::from_json(&json)?, &Policy::default())?;
/// assert_eq!((c.pathway, c.rule), (Pathway::PalliativeCare, Some(hcc_pathways::PathwayRule::R2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn classify(case: &Case, policy: &Policy) -> Result<Classification, Error> {
    classification_of(evaluate::classify(case, policy)?)
}

/// The classification of a pathway decision.
///
/// # Errors
/// [`Error::Undecided`] when the pathway is not decided.
fn classification_of(decision: assessment::PathwayDecision) -> Result<Classification, Error> {
    match decision {
        assessment::PathwayDecision::Decided { pathway, rules } => Ok(Classification {
            pathway,
            rule: decision.rule(),
            rules,
        }),
        assessment::PathwayDecision::Undecided { rules } => Err(Error::Undecided { rules }),
    }
}

// The README's Rust examples are compiled and run as doc tests, so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
