#![doc = include_str!("../docs/fhir-mapping.md")]

use serde_json::{Map, Value};

use crate::problem::{clean, Problem};

/// The LOINC system URI.
pub const LOINC: &str = "http://loinc.org";
/// The UCUM system URI.
pub const UCUM: &str = "http://unitsofmeasure.org";
/// The ICD-10 system URIs accepted for Conditions.
pub const ICD10: [&str; 2] = [
    "http://hl7.org/fhir/sid/icd-10",
    "http://hl7.org/fhir/sid/icd-10-cm",
];

/// A case fact that FHIR can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// Total bilirubin.
    Bilirubin,
    /// Albumin.
    Albumin,
    /// INR.
    Inr,
    /// AFP in ng/mL.
    Afp,
    /// ECOG performance status.
    Ecog,
    /// Liver transplant recipient.
    TransplantRecipient,
    /// HBsAg positive.
    HbsagPositive,
}

impl Fact {
    /// The fact's field in the case document, as path segments.
    pub const fn case_path(self) -> &'static [&'static str] {
        match self {
            Fact::Bilirubin => &["liver_function", "bilirubin"],
            Fact::Albumin => &["liver_function", "albumin"],
            Fact::Inr => &["liver_function", "inr"],
            Fact::Afp => &["recurrence", "afp_ng_ml"],
            Fact::Ecog => &["performance_status", "ecog"],
            Fact::TransplantRecipient => &["drug_safety", "liver_transplant_recipient"],
            Fact::HbsagPositive => &["drug_safety", "hbsag_positive"],
        }
    }

    /// The fact an Observation's LOINC code gives.
    pub fn from_loinc(code: &str) -> Option<Fact> {
        Some(match code {
            "1975-2" => Fact::Bilirubin,
            "1751-7" => Fact::Albumin,
            "6301-6" | "34714-6" => Fact::Inr,
            "1834-1" => Fact::Afp,
            "89247-1" => Fact::Ecog,
            _ => return None,
        })
    }
}

/// The ECOG grade of a LOINC answer code (answer list LL529-9).
pub fn ecog_answer(code: &str) -> Option<i64> {
    Some(match code {
        "LA9622-7" => 0,
        "LA9623-5" => 1,
        "LA9624-3" => 2,
        "LA9625-0" => 3,
        "LA9626-8" => 4,
        "LA9627-6" => 5,
        _ => return None,
    })
}

/// Why a FHIR resource could not be mapped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapError {
    /// The JSON path of the element at fault in the request.
    pub field: String,
    /// A stable code: `unknown_code`, `unknown_unit`, `conflict`, `missing`, `invalid_value`.
    pub reason: &'static str,
    /// What is wrong, naming the resource and its code.
    pub detail: String,
}

impl From<MapError> for Problem {
    fn from(e: MapError) -> Problem {
        Problem::invalid(&e.field, e.reason, &e.detail)
    }
}

/// Where a mapped fact came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The fact.
    pub fact: Fact,
    /// The JSON path of the resource in the request.
    pub path: String,
    /// The resource, for messages: `Observation/<id> (LOINC <code>)`.
    pub label: String,
}

impl Provenance {
    /// The fact's case field as a dotted path, for example `liver_function.bilirubin`.
    pub fn case_field(&self) -> String {
        self.fact.case_path().join(".")
    }
}

/// The facts read from FHIR resources, with where each came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    facts: Vec<(Provenance, Value)>,
}

impl Facts {
    /// Reads every Observation and Condition in `resource` (a Bundle, a single resource, or
    /// `null`); `path` is its JSON path in the request, for error messages.
    ///
    /// # Errors
    /// A [`MapError`] naming the first resource that cannot be mapped.
    pub fn read(&mut self, path: &str, resource: &Value) -> Result<(), MapError> {
        let o = match resource {
            Value::Null => return Ok(()),
            Value::Object(o) => o,
            _ => return Err(invalid(path, "must be a FHIR resource (a JSON object)")),
        };
        match o.get("resourceType").and_then(Value::as_str) {
            Some("Bundle") => {
                let entries = match o.get("entry") {
                    None | Some(Value::Null) => return Ok(()),
                    Some(Value::Array(a)) => a,
                    Some(_) => return Err(invalid(&format!("{path}.entry"), "must be an array")),
                };
                for (i, entry) in entries.iter().enumerate() {
                    let resource = entry.get("resource").unwrap_or(&Value::Null);
                    self.read(&format!("{path}.entry[{i}].resource"), resource)?;
                }
                Ok(())
            }
            Some("Observation") => self.observation(path, o),
            Some("Condition") => self.condition(path, o),
            Some(_) => Ok(()),
            None => Err(MapError {
                field: format!("{path}.resourceType"),
                reason: crate::MISSING,
                detail: "a FHIR resource needs `resourceType`".to_owned(),
            }),
        }
    }

    /// The facts read so far, with their provenance.
    pub fn iter(&self) -> impl Iterator<Item = (&Provenance, &Value)> {
        self.facts.iter().map(|(p, v)| (p, v))
    }

    fn add(&mut self, provenance: Provenance, value: Value) -> Result<(), MapError> {
        if let Some((other, old)) = self.facts.iter().find(|(p, _)| p.fact == provenance.fact) {
            if same(old, &value) {
                return Ok(());
            }
            return Err(MapError {
                detail: format!(
                    "{} gives `{}` = {}, but {} gives {}",
                    provenance.label,
                    provenance.case_field(),
                    short(&value),
                    other.label,
                    short(old)
                ),
                field: provenance.path,
                reason: "conflict",
            });
        }
        self.facts.push((provenance, value));
        Ok(())
    }

    fn observation(&mut self, path: &str, o: &Map<String, Value>) -> Result<(), MapError> {
        let id = label_id("Observation", path, o);
        let codes = codings(o.get("code"));
        let Some((fact, code)) = codes
            .iter()
            .filter(|(system, _)| *system == LOINC)
            .find_map(|(_, code)| Fact::from_loinc(code).map(|f| (f, *code)))
        else {
            let seen: Vec<String> = codes
                .iter()
                .take(4)
                .map(|(s, c)| format!("{s}|{c}"))
                .collect();
            return Err(MapError {
                field: format!("{path}.code"),
                reason: "unknown_code",
                detail: format!(
                    "{id} has no LOINC code this service maps (found: {}); mapped: 1975-2, \
                     1751-7, 6301-6, 34714-6, 1834-1, 89247-1",
                    if seen.is_empty() {
                        "none".to_owned()
                    } else {
                        seen.join(", ")
                    }
                ),
            });
        };
        let label = format!("{id} (LOINC {code})");
        match o.get("status").and_then(Value::as_str) {
            Some("final" | "amended" | "corrected") => {}
            Some("entered-in-error" | "cancelled") => return Ok(()),
            Some(other) => {
                return Err(MapError {
                    field: format!("{path}.status"),
                    reason: crate::INVALID_VALUE,
                    detail: format!(
                        "{label} has status `{other}`; only final, amended or corrected results \
                         are used"
                    ),
                })
            }
            None => {
                return Err(MapError {
                    field: format!("{path}.status"),
                    reason: crate::MISSING,
                    detail: format!("{label} has no status"),
                })
            }
        }
        let has_value = o.keys().any(|k| k.starts_with("value"));
        if !has_value && o.contains_key("dataAbsentReason") {
            return Ok(());
        }
        let value = match fact {
            Fact::Ecog => ecog_value(path, &label, o)?,
            _ => lab_value(fact, path, &label, o)?,
        };
        let provenance = Provenance {
            fact,
            path: path.to_owned(),
            label,
        };
        self.add(provenance, value)
    }

    fn condition(&mut self, path: &str, o: &Map<String, Value>) -> Result<(), MapError> {
        let status_codes =
            |key: &str| -> Vec<&str> { codings(o.get(key)).into_iter().map(|(_, c)| c).collect() };
        let active = status_codes("clinicalStatus")
            .iter()
            .any(|c| matches!(*c, "active" | "recurrence" | "relapse"));
        let refuted = status_codes("verificationStatus")
            .iter()
            .any(|c| matches!(*c, "refuted" | "entered-in-error"));
        if !active || refuted {
            return Ok(());
        }
        let id = label_id("Condition", path, o);
        for (system, code) in codings(o.get("code")) {
            if !ICD10.contains(&system) {
                continue;
            }
            let normal: String = code
                .chars()
                .filter(|c| *c != '.')
                .map(|c| c.to_ascii_uppercase())
                .collect();
            let fact = match normal.as_str() {
                "Z944" => Fact::TransplantRecipient,
                "B180" | "B181" => Fact::HbsagPositive,
                _ => continue,
            };
            let provenance = Provenance {
                fact,
                path: path.to_owned(),
                label: format!("{id} (ICD-10 {})", clean(code, 16)),
            };
            self.add(provenance, Value::Bool(true))?;
        }
        Ok(())
    }
}

/// The partial case with the facts added, and where each added fact came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    /// The case document.
    pub case: Value,
    /// The facts that came from FHIR.
    pub provenance: Vec<Provenance>,
}

/// Adds `facts` to `partial` (a case document, possibly incomplete; `partial_path` is its JSON
/// path in the request, for messages).
///
/// # Errors
/// A [`MapError`] when `partial` is not an object, or gives a fact differently (`conflict`).
pub fn merge(partial: &Value, partial_path: &str, facts: &Facts) -> Result<Merged, MapError> {
    let mut case = match partial {
        Value::Object(o) => o.clone(),
        Value::Null => Map::new(),
        _ => return Err(invalid(partial_path, "the case must be a JSON object")),
    };
    let mut provenance = Vec::new();
    for (p, value) in facts.iter() {
        let segments = p.fact.case_path();
        let (leaf, parents) = match segments.split_last() {
            Some(split) => split,
            None => continue,
        };
        let mut node = &mut case;
        let mut at = partial_path.to_owned();
        for segment in parents {
            at = crate::problem::join_path(&at, segment);
            let child = node
                .entry((*segment).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if child.is_null() {
                *child = Value::Object(Map::new());
            }
            node = match child {
                Value::Object(o) => o,
                _ => return Err(invalid(&at, "must be an object")),
            };
        }
        match node.get(*leaf) {
            Some(existing) if !existing.is_null() && !same(existing, value) => {
                return Err(MapError {
                    field: crate::problem::join_path(&at, leaf),
                    reason: "conflict",
                    detail: format!(
                        "the case gives `{}` = {}, but {} gives {}",
                        p.case_field(),
                        short(existing),
                        p.label,
                        short(value)
                    ),
                })
            }
            _ => {
                node.insert((*leaf).to_owned(), value.clone());
            }
        }
        provenance.push(p.clone());
    }
    Ok(Merged {
        case: Value::Object(case),
        provenance,
    })
}

/// Maps one FHIR resource or Bundle and merges it into `partial`: the whole mapping in one call.
///
/// ```
/// use serde_json::json;
/// let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": [
///     {"resource": {"resourceType": "Observation", "id": "alb", "status": "final",
///       "code": {"coding": [{"system": "http://loinc.org", "code": "1751-7"}]},
///       "valueQuantity": {"value": 38, "unit": "g/L",
///         "system": "http://unitsofmeasure.org", "code": "g/L"}}}]});
/// let merged = hcc_pathways_service::fhir::case_from_bundle(&bundle, &json!({}))?;
/// assert_eq!(merged.case["liver_function"]["albumin"], json!({"value": 38.0, "unit": "g_l"}));
/// # Ok::<(), hcc_pathways_service::fhir::MapError>(())
/// ```
///
/// # Errors
/// As [`Facts::read`] and [`merge`].
pub fn case_from_bundle(bundle: &Value, partial: &Value) -> Result<Merged, MapError> {
    let mut facts = Facts::default();
    facts.read("bundle", bundle)?;
    merge(partial, "case", &facts)
}

fn lab_value(
    fact: Fact,
    path: &str,
    label: &str,
    o: &Map<String, Value>,
) -> Result<Value, MapError> {
    let q = match o.get("valueQuantity") {
        Some(Value::Object(q)) => q,
        _ => {
            return Err(MapError {
                field: format!("{path}.valueQuantity"),
                reason: crate::MISSING,
                detail: format!("{label} needs a valueQuantity"),
            })
        }
    };
    let at = format!("{path}.valueQuantity");
    if let Some(c) = q.get("comparator") {
        return Err(MapError {
            field: format!("{at}.comparator"),
            reason: crate::INVALID_VALUE,
            detail: format!(
                "{label} is a censored value ({}): only exact values are used",
                short(c)
            ),
        });
    }
    let number = match q.get("value").and_then(Value::as_f64) {
        Some(v) => v,
        None => {
            return Err(MapError {
                field: format!("{at}.value"),
                reason: crate::MISSING,
                detail: format!("{label} has no numeric valueQuantity.value"),
            })
        }
    };
    let code = q.get("code").and_then(Value::as_str);
    let system = q.get("system").and_then(Value::as_str);
    if code.is_some() && system != Some(UCUM) {
        return Err(MapError {
            field: format!("{at}.system"),
            reason: "unknown_unit",
            detail: format!(
                "{label}: the unit code must be UCUM ({UCUM}), found system {}",
                system.map_or("none".to_owned(), |s| format!("`{}`", clean(s, 80)))
            ),
        });
    }
    let unknown_unit = || MapError {
        field: format!("{at}.code"),
        reason: "unknown_unit",
        detail: format!(
            "{label} is in unit {}, which is not mapped for this code",
            match code {
                Some(c) => format!("`{}`", clean(c, 40)),
                None => format!(
                    "without a UCUM code (unit text {})",
                    q.get("unit").map_or("none".to_owned(), short)
                ),
            }
        ),
    };
    let quantity = |unit: &str| serde_json::json!({"value": number, "unit": unit});
    Ok(match (fact, code) {
        (Fact::Bilirubin, Some("mg/dL")) => quantity("mg_dl"),
        (Fact::Bilirubin, Some("umol/L")) => quantity("umol_l"),
        (Fact::Albumin, Some("g/dL")) => quantity("g_dl"),
        (Fact::Albumin, Some("g/L")) => quantity("g_l"),
        (Fact::Inr, None | Some("{INR}" | "1")) => Value::from(number),
        (Fact::Afp, Some("ng/mL" | "ug/L")) => Value::from(number),
        _ => return Err(unknown_unit()),
    })
}

fn ecog_value(path: &str, label: &str, o: &Map<String, Value>) -> Result<Value, MapError> {
    if let Some(v) = o.get("valueInteger") {
        return match v.as_i64() {
            Some(n) => Ok(Value::from(n)),
            None => Err(MapError {
                field: format!("{path}.valueInteger"),
                reason: crate::INVALID_VALUE,
                detail: format!(
                    "{label}: valueInteger must be an integer, found {}",
                    short(v)
                ),
            }),
        };
    }
    if let Some(concept) = o.get("valueCodeableConcept") {
        let answers = codings(Some(concept));
        return answers
            .iter()
            .filter(|(s, _)| *s == LOINC)
            .find_map(|(_, c)| ecog_answer(c))
            .map(Value::from)
            .ok_or_else(|| MapError {
                field: format!("{path}.valueCodeableConcept"),
                reason: "unknown_code",
                detail: format!(
                    "{label}: no LOINC ECOG answer code (LA9622-7 … LA9627-6) in \
                     valueCodeableConcept"
                ),
            });
    }
    Err(MapError {
        field: format!("{path}.valueInteger"),
        reason: crate::MISSING,
        detail: format!("{label} needs valueInteger or valueCodeableConcept"),
    })
}

/// The (system, code) pairs of a CodeableConcept.
fn codings(concept: Option<&Value>) -> Vec<(&str, &str)> {
    concept
        .and_then(|c| c.get("coding"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| {
                    let code = c.get("code")?.as_str()?;
                    let system = c.get("system").and_then(Value::as_str).unwrap_or("");
                    Some((system, code))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `Observation/<id>`, or the resource type at its path when it has no id.
fn label_id(kind: &str, path: &str, o: &Map<String, Value>) -> String {
    match o.get("id").and_then(Value::as_str) {
        Some(id) => format!("{kind}/{}", clean(id, 64)),
        None => format!("{kind} at {path}"),
    }
}

fn invalid(field: &str, detail: &str) -> MapError {
    MapError {
        field: field.to_owned(),
        reason: crate::INVALID_VALUE,
        detail: format!("`{field}` {detail}"),
    }
}

/// A value for a message, bounded.
fn short(v: &Value) -> String {
    clean(&v.to_string(), 80)
}

/// Equal as case values: numbers by value (`12` and `12.0` agree), objects member by member.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obs(id: &str, code: &str, value: Value) -> Value {
        let mut o = json!({"resourceType": "Observation", "id": id, "status": "final",
            "code": {"coding": [{"system": LOINC, "code": code}]}});
        if let (Value::Object(o), Value::Object(v)) = (&mut o, value) {
            o.extend(v);
        }
        o
    }

    fn qty(value: f64, code: &str) -> Value {
        json!({"valueQuantity": {"value": value, "unit": code, "system": UCUM, "code": code}})
    }

    fn read(resource: &Value) -> Result<Facts, MapError> {
        let mut facts = Facts::default();
        facts.read("r", resource)?;
        Ok(facts)
    }

    #[test]
    fn units_map_from_ucum_codes() {
        let cases = [
            (
                "1975-2",
                qty(0.8, "mg/dL"),
                json!({"value": 0.8, "unit": "mg_dl"}),
            ),
            (
                "1975-2",
                qty(13.7, "umol/L"),
                json!({"value": 13.7, "unit": "umol_l"}),
            ),
            (
                "1751-7",
                qty(4.1, "g/dL"),
                json!({"value": 4.1, "unit": "g_dl"}),
            ),
            (
                "1751-7",
                qty(41.0, "g/L"),
                json!({"value": 41.0, "unit": "g_l"}),
            ),
            ("6301-6", qty(1.1, "{INR}"), json!(1.1)),
            ("34714-6", qty(1.2, "1"), json!(1.2)),
            ("1834-1", qty(12.5, "ng/mL"), json!(12.5)),
            ("1834-1", qty(7.0, "ug/L"), json!(7.0)),
        ];
        for (code, value, expected) in cases {
            let facts = read(&obs("o", code, value)).expect("maps");
            let (_, got) = facts.iter().next().expect("one fact");
            assert!(same(got, &expected), "{code}: {got} != {expected}");
        }
    }

    #[test]
    fn unknown_unit_names_the_observation_and_unit() {
        let err = read(&obs("bili-1", "1975-2", qty(0.8, "mg/L"))).expect_err("mg/L");
        assert_eq!(err.reason, "unknown_unit");
        assert_eq!(err.field, "r.valueQuantity.code");
        assert!(err.detail.contains("Observation/bili-1"), "{}", err.detail);
        assert!(err.detail.contains("1975-2") && err.detail.contains("`mg/L`"));
        // A unit given only as display text is not a unit code.
        let text_only = json!({"valueQuantity": {"value": 4.1, "unit": "g/dL"}});
        let err = read(&obs("alb", "1751-7", text_only)).expect_err("no code");
        assert_eq!(err.reason, "unknown_unit");
        // A code outside UCUM is refused even when it looks right.
        let other = json!({"valueQuantity": {"value": 4.1, "system": "http://example.org", "code": "g/dL"}});
        assert_eq!(
            read(&obs("alb", "1751-7", other))
                .expect_err("system")
                .field,
            "r.valueQuantity.system"
        );
    }

    #[test]
    fn ecog_from_integer_or_loinc_answer() {
        let facts = read(&obs("e", "89247-1", json!({"valueInteger": 2}))).expect("integer");
        assert_eq!(facts.iter().next().map(|(_, v)| v.clone()), Some(json!(2)));
        let concept =
            json!({"valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA9625-0"}]}});
        let facts = read(&obs("e", "89247-1", concept)).expect("answer");
        assert_eq!(facts.iter().next().map(|(_, v)| v.clone()), Some(json!(3)));
        let bad =
            json!({"valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA0000-0"}]}});
        assert_eq!(
            read(&obs("e", "89247-1", bad)).expect_err("unknown").reason,
            "unknown_code"
        );
    }

    #[test]
    fn unknown_observation_conflicts_and_statuses() {
        let err = read(&obs("hb", "718-7", qty(13.0, "g/dL"))).expect_err("haemoglobin");
        assert_eq!((err.field.as_str(), err.reason), ("r.code", "unknown_code"));
        assert!(err.detail.contains("Observation/hb") && err.detail.contains("718-7"));

        let bundle = json!({"resourceType": "Bundle", "entry": [
            {"resource": obs("a", "1834-1", qty(12.0, "ng/mL"))},
            {"resource": obs("b", "1834-1", qty(12.0, "ug/L"))},
            {"resource": obs("c", "1834-1", qty(30.0, "ng/mL"))}]});
        let err = read(&bundle).expect_err("two AFP values");
        assert_eq!(
            (err.field.as_str(), err.reason),
            ("r.entry[2].resource", "conflict")
        );
        assert!(err.detail.contains("Observation/c") && err.detail.contains("Observation/a"));

        let mut prelim = obs("p", "1834-1", qty(12.0, "ng/mL"));
        prelim["status"] = json!("preliminary");
        assert_eq!(read(&prelim).expect_err("preliminary").field, "r.status");
        prelim["status"] = json!("entered-in-error");
        assert_eq!(read(&prelim).expect("skipped").iter().count(), 0);

        let censored = json!({"valueQuantity": {"value": 2.0, "comparator": "<", "system": UCUM, "code": "ng/mL"}});
        assert_eq!(
            read(&obs("x", "1834-1", censored))
                .expect_err("censored")
                .reason,
            "invalid_value"
        );
    }

    #[test]
    fn conditions_give_two_drug_safety_facts() {
        let condition = |code: &str, status: &str| {
            json!({"resourceType": "Condition", "id": "c",
                "clinicalStatus": {"coding": [{"code": status}]},
                "code": {"coding": [{"system": ICD10[0], "code": code}]}})
        };
        let facts = read(&condition("Z94.4", "active")).expect("transplant");
        let (p, v) = facts.iter().next().expect("one fact");
        assert_eq!((p.fact, v), (Fact::TransplantRecipient, &json!(true)));
        assert_eq!(
            read(&condition("B181", "active"))
                .expect("hbv")
                .iter()
                .next()
                .map(|(p, _)| p.fact),
            Some(Fact::HbsagPositive)
        );
        assert_eq!(
            read(&condition("Z94.4", "resolved"))
                .expect("inactive")
                .iter()
                .count(),
            0
        );
        assert_eq!(
            read(&condition("I10", "active"))
                .expect("unread")
                .iter()
                .count(),
            0
        );
    }

    #[test]
    fn merge_fills_and_detects_conflicts() {
        let facts = read(&obs("e", "89247-1", json!({"valueInteger": 1}))).expect("ecog");
        let partial = json!({"performance_status": {"cancer_related": true}});
        let merged = merge(&partial, "case", &facts).expect("merges");
        assert_eq!(
            merged.case["performance_status"],
            json!({"ecog": 1, "cancer_related": true})
        );
        assert_eq!(merged.provenance[0].case_field(), "performance_status.ecog");

        let agree = json!({"performance_status": {"ecog": 1.0}});
        assert!(merge(&agree, "case", &facts).is_ok());
        let unknown = json!({"performance_status": {"ecog": null}});
        assert_eq!(
            merge(&unknown, "case", &facts).expect("fills null").case["performance_status"]["ecog"],
            json!(1)
        );
        let differ = json!({"performance_status": {"ecog": 3}});
        let err = merge(&differ, "case", &facts).expect_err("conflict");
        assert_eq!(
            (err.field.as_str(), err.reason),
            ("case.performance_status.ecog", "conflict")
        );
        let wrong_shape = json!({"performance_status": 3});
        assert_eq!(
            merge(&wrong_shape, "case", &facts)
                .expect_err("shape")
                .field,
            "case.performance_status"
        );
        assert!(merge(&json!([1]), "case", &facts).is_err());
    }

    /// The bundled hook requests map to exactly the bundled cases they were made from.
    #[test]
    fn bundled_fixtures_map_to_the_bundled_cases() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (fixture, case) in [
            (
                "r5_single_small_nodule.hook.json",
                "r5_single_small_nodule.json",
            ),
            (
                "r3_first_line_ecog_2_transplant_recipient.hook.json",
                "r3_first_line_ecog_2_transplant_recipient.json",
            ),
        ] {
            let read_json = |p: std::path::PathBuf| -> Value {
                serde_json::from_str(&std::fs::read_to_string(p).expect("file")).expect("JSON")
            };
            let request = read_json(root.join("fixtures/cds").join(fixture));
            let want = read_json(root.join("../examples/cases").join(case));
            let mut facts = Facts::default();
            for (key, resource) in request["prefetch"].as_object().expect("prefetch") {
                facts
                    .read(&format!("prefetch.{key}"), resource)
                    .expect("maps");
            }
            let partial = &request["extension"]["hcc-pathways.case"];
            assert_ne!(
                partial, &want,
                "{fixture}: the partial case lacks the FHIR facts"
            );
            let merged = merge(partial, "case", &facts).expect("merges");
            assert!(
                same(&merged.case, &want),
                "{fixture}: {} != {want}",
                merged.case
            );
            assert!(merged.provenance.len() >= 5, "{fixture}");
            hcc_pathways::Case::from_json(&merged.case.to_string()).expect("a valid case");
        }
    }

    #[test]
    fn non_resources_and_other_types() {
        assert!(read(&json!(5)).is_err());
        assert_eq!(
            read(&json!({"resourceType": "Patient", "id": "p"}))
                .expect("ignored")
                .iter()
                .count(),
            0
        );
        assert_eq!(
            read(&json!({"id": "x"})).expect_err("no type").reason,
            "missing"
        );
        assert_eq!(read(&Value::Null).expect("null").iter().count(), 0);
    }
}
