//! The closed sets of ids a client may switch on, as named string enumerations of the
//! recommendation schema, listed from the crate's own tables when the schema is generated.
//!
//! In Rust these ids are `&'static str` (the rule sets are data, built once at run time); each
//! set is the list a public function returns, and `tests/suite/schema.rs` checks the committed
//! schema against it:
//!
//! | schema definition | where it appears | the set in Rust |
//! |---|---|---|
//! | `RuleSetId` | `rule_set.id`, `explanation.rules[].rule_set` | [`verify::rule_set_ids`](crate::verify::rule_set_ids) |
//! | `RuleId` | `explanation.rules[].rule` | [`verify::rule_ids`](crate::verify::rule_ids) of every set |
//! | `LineRuleId` | `line_of_therapy.rule` | `rule_ids("hcc-systemic-lines")` |
//! | `OptionRuleId` | `options[].rule` | `rule_ids` of `hcc-repeat-intervention-procedure`, `hcc-systemic-order`, `hcc-supportive-care`, `hcc-tace-with-systemic` |
//! | `OmissionRuleId` | `omitted[].rule` | `rule_ids("hcc-regimen-omissions")` |
//! | `CautionId` | `cautions[].id` | `rule_ids("hcc-cautions")` |
//! | `ConsiderationId` | `considerations[].id` | `rule_ids("hcc-considerations")` |
//! | `ReasonDetailId` | `reason_details[].id` | `rule_ids("hcc-reason-details")` |
//! | `PredicateId` | `explanation.predicates[].predicate`, `explanation.rules[].reads[]`, `explanation.why_not[].predicate` | [`verify::predicate_ids`](crate::verify::predicate_ids) |
//! | `SettingName` | `policy.changed[].setting` | [`Setting::ALL`](crate::policy::Setting::ALL) names |
//! | `SettingExpression` (a pattern) | `explanation.predicates[].facts[].setting` | a setting name, or one with an offset: `refractory_insufficient_responses - 1` |
//!
//! Option ids, pathways, pathway rules, lines, evidence labels, omission reasons and source keys
//! are Rust enums already ([`TreatmentId`](crate::outcomes::TreatmentId),
//! [`OmissionReason`](crate::outcomes::OmissionReason), …). A fact's `name` stays a free
//! string: it names what a predicate read (a case field or a derived quantity), not a table entry.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::verify::{predicate_ids, rule_ids, rule_set_ids};

/// The rule ids of the named sets, each once, in order.
fn rules_of(sets: &[&str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for set in sets {
        for id in rule_ids(set).unwrap_or_default() {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

macro_rules! id_set {
    ($($(#[doc = $doc:literal])* $name:ident => $description:literal, $list:expr;)*) => {$(
        $(#[doc = $doc])*
        pub(crate) struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let ids: Vec<&'static str> = $list;
                json_schema!({ "description": $description, "type": "string", "enum": ids })
            }
        }
    )*};
}

id_set! {
    /// Every rule set the crate ships.
    RuleSetId => "The id of one of the crate's rule sets.", rule_set_ids();
    /// Every rule of every rule set.
    RuleId => "The id of a rule of one of the crate's rule sets (unique within its set).",
        rules_of(&rule_set_ids());
    /// The line-of-therapy rules.
    LineRuleId => "The id of a line-of-therapy rule.", rules_of(&[crate::systemic::lines::RULE_SET_ID]);
    /// The rules that offer options.
    OptionRuleId => "The id of the rule that offered an option: a procedure rule, an order rule, the supportive-care rule or the TACE-with-systemic rule.",
        rules_of(&[
            crate::procedures::RULE_SET_ID,
            crate::systemic::order::RULE_SET_ID,
            crate::supportive::RULE_SET_ID,
            crate::systemic::with_tace::RULE_SET_ID,
        ]);
    /// The omission rules.
    OmissionRuleId => "The id of an omission rule.", rules_of(&[crate::systemic::eligibility::RULE_SET_ID]);
    /// The caution rules.
    CautionId => "The id of a caution (its rule's id).", rules_of(&[crate::advice::cautions::RULE_SET_ID]);
    /// The consideration rules.
    ConsiderationId => "The id of a consideration (its rule's id).", rules_of(&[crate::advice::considerations::RULE_SET_ID]);
    /// The reason-detail rules.
    ReasonDetailId => "The id of a reason detail (its rule's id).", rules_of(&[crate::advice::details::RULE_SET_ID]);
    /// Every predicate an explanation can name.
    PredicateId => "The id of a predicate: a leaf read by one of the crate's rule sets, or a named composite of the pathway rules.",
        predicate_ids();
    /// The policy settings.
    SettingName => "The name of a policy setting (a field of the policy document).",
        crate::policy::Setting::ALL.iter().map(|s| s.name()).collect();
    /// A decided outcome's status.
    DecidedStatus => "Always `decided`: one pathway whatever the unknown facts are.", vec!["decided"];
    /// An undecided outcome's status.
    UndecidedStatus => "Always `undecided`: facts not known decide between pathways.", vec!["undecided"];
    /// The facts a case may leave unknown.
    FactPath => "The JSON path of a fact of the case that may be unknown (spec §8).",
        crate::case::FACT_PATHS.to_vec();
    /// What may be pending: an option, or a caution, consideration or reason detail.
    PendingId => "The id of a pending item: an option's id, or the id of a caution, consideration or reason detail.",
        {
            let mut ids: Vec<&'static str> =
                crate::outcomes::TreatmentId::all().map(|t| t.wire_name()).collect();
            ids.extend(rules_of(&[
                crate::advice::cautions::RULE_SET_ID,
                crate::advice::considerations::RULE_SET_ID,
                crate::advice::details::RULE_SET_ID,
            ]));
            ids
        };
}

/// The threshold a fact was compared with: a policy setting, or one with an offset
/// (`refractory_insufficient_responses - 1`).
pub(crate) struct SettingExpression;

impl JsonSchema for SettingExpression {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("SettingExpression")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = crate::policy::Setting::ALL
            .iter()
            .map(|s| s.name())
            .collect();
        let pattern = format!("^(?:{})(?: [-+] [0-9]+)?$", names.join("|"));
        json_schema!({
            "description": "The policy setting a threshold came from (a `SettingName`), possibly with a whole-number offset, as in `refractory_insufficient_responses - 1`.",
            "type": "string",
            "pattern": pattern,
        })
    }
}
