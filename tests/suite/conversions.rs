//! Text and numeric conversions: `FromStr`/`Display` of every enumeration with wire names (the
//! name JSON uses, both ways), and `TryFrom` of every quantity (the validating constructor's
//! result, at both sides of every bound).

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::str::FromStr;

use hcc_pathways::case::{
    Ascites, AutoimmuneDisease, Encephalopathy, ExtrahepaticSite, GoalsOfCare,
    MacrovascularInvasion, MechanismClass, Procedure, Regimen, Varices,
};
use hcc_pathways::engine::Cmp;
use hcc_pathways::error::{ParseNameError, ProblemType, ReasonCode, ECHO_LIMIT};
use hcc_pathways::outcomes::{
    Evidence, LineOfTherapy, Modality, OmissionReason, Pathway, PathwayRule, TreatmentId,
};
use hcc_pathways::policy::Setting;
use hcc_pathways::quantity::{
    AfpNgMl, Albumin, AlbuminUnit, Bilirubin, BilirubinUnit, ChildPughClass, ChildPughScore, Count,
    DiameterMm, Ecog, Inr, Months, NoduleCount,
};
use hcc_pathways::recommendation::{PendingKind, Status};
use hcc_pathways::scores::{AlbiGrade, BclcStage, MalbiGrade};
use hcc_pathways::{Error, Reason};

/// Checks one type: every value prints as `name(value)`, parses back from it, and the names are
/// distinct; an unknown text is an error naming the type and every accepted name in order.
/// Returns the names.
fn round_trips<T>(type_name: &str, all: &[T], name: impl Fn(T) -> &'static str) -> Vec<String>
where
    T: Copy + Debug + PartialEq + FromStr<Err = ParseNameError> + std::fmt::Display,
{
    assert!(!all.is_empty(), "{type_name}");
    let mut names = Vec::new();
    for v in all {
        let text = v.to_string();
        assert_eq!(text, name(*v), "{type_name}: Display is the wire name");
        assert_eq!(
            text.parse::<T>(),
            Ok(*v),
            "{type_name}: `{text}` parses back"
        );
        names.push(text);
    }
    let distinct: BTreeSet<&String> = names.iter().collect();
    assert_eq!(
        distinct.len(),
        names.len(),
        "{type_name}: names are distinct"
    );

    // Nothing else is accepted: the empty text, no single ASCII character (names such as `A`
    // or `<` excepted), no name with a character more.
    let others = std::iter::once(String::new())
        .chain((0u8..128).map(|b| char::from(b).to_string()))
        .chain(names.iter().map(|n| format!("{n}s")));
    for text in others.filter(|t| !names.contains(t)) {
        assert!(text.parse::<T>().is_err(), "{type_name}: {text:?}");
    }

    let err = "no such name".parse::<T>().unwrap_err();
    assert_eq!(err.type_name(), type_name);
    assert_eq!(err.found(), "no such name");
    assert_eq!(
        err.accepted(),
        names,
        "{type_name}: accepted names, in order"
    );
    names
}

/// The same as [`round_trips`] for a `wire_enum!` type, and the name is also what serde writes
/// and reads.
macro_rules! wire_enums {
    ($($t:ident),* $(,)?) => {{
        let mut checked = Vec::new();
        $(
            let names = round_trips(stringify!($t), $t::ALL, $t::wire_name);
            for (v, name) in $t::ALL.iter().zip(&names) {
                let json = serde_json::to_value(v).unwrap();
                assert_eq!(json, serde_json::Value::String(name.clone()), "{}", stringify!($t));
                assert_eq!(serde_json::from_value::<$t>(json).unwrap(), *v);
            }
            checked.push(stringify!($t));
        )*
        checked
    }};
}

fn every_wire_enum() -> Vec<&'static str> {
    wire_enums!(
        GoalsOfCare,
        Ascites,
        Encephalopathy,
        MacrovascularInvasion,
        ExtrahepaticSite,
        Procedure,
        AutoimmuneDisease,
        Varices,
        Regimen,
        MechanismClass,
        BilirubinUnit,
        AlbuminUnit,
        ChildPughClass,
        Pathway,
        PathwayRule,
        LineOfTherapy,
        Modality,
        Evidence,
        OmissionReason,
        AlbiGrade,
        MalbiGrade,
        BclcStage,
        Cmp,
        Status,
        PendingKind,
        ReasonCode,
        ProblemType,
    )
}

#[test]
fn every_wire_enum_prints_and_parses_its_wire_name() {
    let checked = every_wire_enum();
    assert_eq!(checked.len(), 27);
}

#[test]
fn every_named_enumeration_of_the_json_contract_is_checked() {
    // A type whose schema is a list of string constants is an enumeration of the contract: it
    // must be in the list above (or be one of the types with their own parsers, checked below;
    // `Placement` is not nameable outside the crate; source keys parse with `sources::by_key`).
    // The id sets of the contract (rule, predicate, setting and fact names, the two statuses)
    // are tables of the crate's rule sets, checked against them in `schema.rs`.
    let mut checked = every_wire_enum();
    checked.extend(["TreatmentId", "SourceKey", "Placement"]);
    checked.extend([
        "RuleSetId",
        "RuleId",
        "LineRuleId",
        "OptionRuleId",
        "OmissionRuleId",
        "CautionId",
        "ConsiderationId",
        "ReasonDetailId",
        "PredicateId",
        "SettingName",
        "FactPath",
        "PendingId",
        "DecidedStatus",
        "UndecidedStatus",
    ]);
    for file in ["case", "policy", "recommendation", "decision", "error"] {
        let path = format!("schemas/{file}.schema.json");
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(defs) = schema["$defs"].as_object() else {
            continue;
        };
        for (name, def) in defs {
            let consts = def["oneOf"]
                .as_array()
                .is_some_and(|v| v.iter().all(|x| x["const"].is_string()));
            if consts || def["enum"].is_array() {
                assert!(checked.contains(&name.as_str()), "{path}: {name}");
            }
        }
    }
}

#[test]
fn treatment_options_and_settings_print_and_parse_their_names() {
    let options: Vec<TreatmentId> = TreatmentId::all().collect();
    let names = round_trips("TreatmentId", &options, TreatmentId::wire_name);
    assert_eq!(names.len(), Modality::ALL.len() + Regimen::ALL.len() + 3);
    for (t, name) in options.iter().zip(&names) {
        assert_eq!(TreatmentId::from_wire(name), Some(*t));
        assert_eq!(serde_json::to_value(t).unwrap(), name.as_str());
    }
    let names = round_trips("Setting", Setting::ALL, Setting::name);
    let policy = serde_json::to_value(hcc_pathways::Policy::default()).unwrap();
    let keys: Vec<&String> = policy.as_object().unwrap().keys().collect();
    assert_eq!(
        names.iter().collect::<BTreeSet<_>>(),
        keys.into_iter().collect::<BTreeSet<_>>(),
        "a setting's name is its JSON key"
    );
}

#[test]
fn parsing_is_exact() {
    for text in ["TACE", " tace", "tace ", "", "tace\n", "Tace", "t ace"] {
        assert!(text.parse::<Procedure>().is_err(), "{text:?}");
    }
    // A name of another type is not accepted.
    assert!("tace_plus_pei".parse::<Procedure>().is_err());
    assert!("tace".parse::<TreatmentId>().is_err());
    assert_eq!("R5".parse(), Ok(PathwayRule::R5));
    assert!("r5".parse::<PathwayRule>().is_err());
    assert_eq!("<=".parse(), Ok(Cmp::Le));
    assert!("≤".parse::<Cmp>().is_err());
}

#[test]
fn the_message_names_the_type_and_every_accepted_name() {
    let err = "moderate".parse::<Ascites>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown Ascites `moderate`, expected one of `none`, `mild_or_controlled`, \
         `moderate_to_severe`"
    );
    let err = "C7".parse::<ChildPughClass>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown ChildPughClass `C7`, expected one of `A`, `B`, `C`"
    );
    let err = "mmol_l".parse::<BilirubinUnit>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown BilirubinUnit `mmol_l`, expected `mg_dl` or `umol_l`"
    );
    let err = "ecog".parse::<Setting>().unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("unknown Setting `ecog`, expected one of `terminal_min_ecog`, "),
        "{text}"
    );
    assert!(text.ends_with(", `resection_max_ecog`"), "{text}");
}

#[test]
fn the_message_escapes_control_characters_and_is_bounded() {
    let err = "\u{1b}[2J\nerror: ok\u{202e}"
        .parse::<Varices>()
        .unwrap_err();
    assert_eq!(err.found(), r"\u{1b}[2J\u{a}error: ok\u{202e}");
    let text = err.to_string();
    assert!(text.starts_with(r"unknown Varices `\u{1b}[2J\u{a}error: ok\u{202e}`,"));
    assert!(!text.chars().any(char::is_control), "{text:?}");

    let long = "x".repeat(1_000_000);
    let err = long.parse::<Regimen>().unwrap_err();
    assert_eq!(
        err.found(),
        format!("{}… (1000000 bytes in all)", "x".repeat(ECHO_LIMIT))
    );
    // The whole message: the quoted text and the fourteen regimen names.
    let text = err.to_string();
    assert!(text.len() < 600, "{} bytes", text.len());
    assert!(text.ends_with("`nivolumab`, `other`"), "{text}");
}

#[test]
fn parse_errors_are_errors() {
    fn boxed() -> Result<Procedure, Box<dyn std::error::Error + Send + Sync>> {
        Ok("nope".parse::<Procedure>()?)
    }
    let err = boxed().unwrap_err();
    assert!(err.to_string().starts_with("unknown Procedure `nope`"));
}

/// The next representable floats below and above `x` (`f64::next_down`/`next_up` are newer
/// than the crate's MSRV).
fn around(x: f64) -> (f64, f64) {
    assert!(x > 0.0 && x.is_finite());
    (
        f64::from_bits(x.to_bits() - 1),
        f64::from_bits(x.to_bits() + 1),
    )
}

fn assert_out_of_range<T: Debug>(r: Result<T, Error>, field: &str, what: &str) {
    match r {
        Err(Error::Invalid {
            field: f,
            reason: Reason::OutOfRange { .. },
        }) => assert_eq!(f, field, "{what}"),
        other => panic!("{what}: expected out of range at {field}, got {other:?}"),
    }
}

/// For an integer quantity: `TryFrom` is `new`, accepts both bounds and rejects the values just
/// outside them (and the extremes of `i64`), naming `field`.
fn int_bounds<T>(min: i64, max: i64, field: &str, new: fn(i64) -> Result<T, Error>)
where
    T: Copy + Debug + PartialEq + TryFrom<i64, Error = Error>,
{
    for v in [
        i64::MIN,
        min - 1,
        min,
        min + 1,
        max - 1,
        max,
        max + 1,
        i64::MAX,
    ] {
        assert_eq!(T::try_from(v), new(v), "{field} {v}");
        if (min..=max).contains(&v) {
            assert!(T::try_from(v).is_ok(), "{field} {v}");
        } else {
            assert_out_of_range(T::try_from(v), field, &format!("{field} {v}"));
        }
    }
}

#[test]
fn integer_quantities_try_from_both_sides_of_each_bound() {
    int_bounds::<Ecog>(0, 4, "performance_status.ecog", Ecog::new);
    int_bounds::<ChildPughScore>(
        5,
        15,
        "liver_function.child_pugh_score",
        ChildPughScore::new,
    );
    int_bounds::<DiameterMm>(
        1,
        300,
        "recurrence.intrahepatic.largest_diameter_mm",
        DiameterMm::new,
    );
    int_bounds::<NoduleCount>(0, 999, "recurrence.intrahepatic.nodules", NoduleCount::new);
    int_bounds::<Months>(0, 600, "history.months_since_last_procedure", Months::new);
    int_bounds::<Count>(0, 50, "history", Count::new);
    // The bounds tested are the bounds declared.
    assert_eq!((Ecog::MIN, Ecog::MAX), (0, 4));
    assert_eq!((ChildPughScore::MIN, ChildPughScore::MAX), (5, 15));
    assert_eq!((DiameterMm::MIN, DiameterMm::MAX), (1, 300));
    assert_eq!((NoduleCount::MIN, NoduleCount::MAX), (0, 999));
    assert_eq!((Months::MIN, Months::MAX), (0, 600));
    assert_eq!((Count::MIN, Count::MAX), (0, 50));
    assert_eq!(Ecog::try_from(3).map(Ecog::get), Ok(3));
}

/// A float bound: the value itself is accepted or not (`inclusive`), and the next float beyond
/// it is rejected while the next one inside is accepted.
struct FloatRange {
    min: f64,
    min_inclusive: bool,
    max: f64,
}

fn float_bounds<T: Debug>(range: FloatRange, field: &str, make: impl Fn(f64) -> Result<T, Error>) {
    let FloatRange {
        min,
        min_inclusive,
        max,
    } = range;
    let (below_max, above_max) = around(max);
    assert!(make(max).is_ok(), "{field} {max}");
    assert!(make(below_max).is_ok(), "{field} {below_max}");
    assert_out_of_range(make(above_max), field, &format!("{field} {above_max}"));
    if min == 0.0 {
        let tiny = f64::from_bits(1);
        assert!(make(tiny).is_ok(), "{field} {tiny}");
        assert_out_of_range(make(-tiny), field, &format!("{field} {}", -tiny));
    } else {
        let (below_min, above_min) = around(min);
        assert!(make(above_min).is_ok(), "{field} {above_min}");
        assert_out_of_range(make(below_min), field, &format!("{field} {below_min}"));
    }
    if min_inclusive {
        assert!(make(min).is_ok(), "{field} {min}");
    } else {
        assert_out_of_range(make(min), field, &format!("{field} {min}"));
    }
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(
            make(v).unwrap_err(),
            Error::invalid(field.to_owned(), Reason::NotFinite),
            "{field} {v}"
        );
    }
}

#[test]
fn float_quantities_try_from_both_sides_of_each_bound() {
    let inr = FloatRange {
        min: 0.5,
        min_inclusive: true,
        max: 20.0,
    };
    float_bounds(inr, "liver_function.inr", |v| {
        assert_eq!(Inr::try_from(v), Inr::new(v));
        Inr::try_from(v)
    });
    let afp = FloatRange {
        min: 0.0,
        min_inclusive: true,
        max: 10_000_000.0,
    };
    float_bounds(afp, "recurrence.afp_ng_ml", |v| {
        assert_eq!(AfpNgMl::try_from(v), AfpNgMl::new(v));
        AfpNgMl::try_from(v)
    });
}

#[test]
fn lab_values_try_from_both_sides_of_each_bound_in_each_unit() {
    let above_zero = |max| FloatRange {
        min: 0.0,
        min_inclusive: false,
        max,
    };
    for (unit, max) in [(BilirubinUnit::MgDl, 50.0), (BilirubinUnit::UmolL, 855.0)] {
        float_bounds(above_zero(max), "liver_function.bilirubin", |v| {
            let b = Bilirubin::try_from((v, unit));
            assert_eq!(b, Bilirubin::new(v, unit));
            if let Ok(b) = b {
                assert_eq!((b.value(), b.unit()), (v, unit));
            }
            b
        });
    }
    for (unit, max) in [(AlbuminUnit::GDl, 7.0), (AlbuminUnit::GL, 70.0)] {
        float_bounds(above_zero(max), "liver_function.albumin", |v| {
            let a = Albumin::try_from((v, unit));
            assert_eq!(a, Albumin::new(v, unit));
            if let Ok(a) = a {
                assert_eq!((a.value(), a.unit()), (v, unit));
            }
            a
        });
    }
}
