//! How the case's facts read and write as JSON when they may be unknown (spec §8): `null` says
//! "not known"; an absent key stays an error unless spec §2 makes the fact optional or the
//! facts around it make it so (`cancer_related` outside ECOG 1–2, the diameter without a known
//! nodule, a Child–Pugh score or its five components).

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::case::{
    nullable, Ascites, Case, DrugSafety, Encephalopathy, GoalsOfCare, History, Intrahepatic,
    LiverFunction, PerformanceStatus, Recurrence,
};
use crate::quantity::{Albumin, Bilirubin, ChildPughScore, DiameterMm, Ecog, Inr, NoduleCount};

/// A case document as read, each field in range but the facts not yet checked against each
/// other: what [`Case::from_json`] reads before it checks the cross-field rules (naming their
/// fields), and what `Case`'s `Deserialize` reads before it does the same.
#[derive(serde::Deserialize)]
#[serde(rename = "Case", deny_unknown_fields)]
pub(crate) struct CaseDoc {
    performance_status: PerformanceStatus,
    liver_function: LiverFunction,
    #[serde(deserialize_with = "nullable")]
    goals_of_care: Option<GoalsOfCare>,
    recurrence: Recurrence,
    history: History,
    drug_safety: DrugSafety,
}

impl CaseDoc {
    /// The facts read, not yet checked against each other.
    pub(crate) fn unchecked(self) -> Case {
        Case {
            performance_status: self.performance_status,
            liver_function: self.liver_function,
            goals_of_care: self.goals_of_care,
            recurrence: self.recurrence,
            history: self.history,
            drug_safety: self.drug_safety,
        }
    }
}

/// Reads a case document and checks it: a case read by serde is as valid as one from
/// [`Case::from_json`] (whose errors name the field by its JSON path; here the error's message
/// names it).
impl<'de> Deserialize<'de> for Case {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let case = CaseDoc::deserialize(d)?.unchecked();
        case.validate().map_err(D::Error::custom)?;
        Ok(case)
    }
}

/// Whether a key was written: `None` when absent, `Some(None)` for `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PerformanceStatusDoc {
    #[serde(deserialize_with = "nullable")]
    ecog: Option<Ecog>,
    #[serde(default, deserialize_with = "present")]
    cancer_related: Option<Option<bool>>,
}

impl<'de> Deserialize<'de> for PerformanceStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = PerformanceStatusDoc::deserialize(d)?;
        if matches!(doc.ecog.map(|e| e.get()), Some(1 | 2)) && doc.cancer_related.is_none() {
            return Err(D::Error::missing_field("cancer_related"));
        }
        Ok(PerformanceStatus {
            ecog: doc.ecog,
            cancer_related: doc.cancer_related.flatten(),
        })
    }
}

impl Serialize for PerformanceStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let required = !matches!(self.ecog.map(|e| e.get()), Some(0 | 3 | 4));
        let write_related = self.cancer_related.is_some() || required;
        let mut st = s.serialize_struct("PerformanceStatus", 1 + usize::from(write_related))?;
        st.serialize_field("ecog", &self.ecog)?;
        if write_related {
            st.serialize_field("cancer_related", &self.cancer_related)?;
        }
        st.end()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LiverFunctionDoc {
    #[serde(default, deserialize_with = "present")]
    child_pugh_score: Option<Option<ChildPughScore>>,
    #[serde(default, deserialize_with = "present")]
    bilirubin: Option<Option<Bilirubin>>,
    #[serde(default, deserialize_with = "present")]
    albumin: Option<Option<Albumin>>,
    #[serde(default, deserialize_with = "present")]
    inr: Option<Option<Inr>>,
    #[serde(default, deserialize_with = "present")]
    ascites: Option<Option<Ascites>>,
    #[serde(default, deserialize_with = "present")]
    encephalopathy: Option<Option<Encephalopathy>>,
}

impl<'de> Deserialize<'de> for LiverFunction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = LiverFunctionDoc::deserialize(d)?;
        if doc.child_pugh_score.is_none() {
            // Without the score's key, every component's key (its value may be `null`).
            let keys = [
                (doc.bilirubin.is_none(), "bilirubin"),
                (doc.albumin.is_none(), "albumin"),
                (doc.inr.is_none(), "inr"),
                (doc.ascites.is_none(), "ascites"),
                (doc.encephalopathy.is_none(), "encephalopathy"),
            ];
            if let Some((_, key)) = keys.iter().find(|(absent, _)| *absent) {
                return Err(D::Error::missing_field(key));
            }
        }
        Ok(LiverFunction {
            child_pugh_score: doc.child_pugh_score.flatten(),
            bilirubin: doc.bilirubin.flatten(),
            albumin: doc.albumin.flatten(),
            inr: doc.inr.flatten(),
            ascites: doc.ascites.flatten(),
            encephalopathy: doc.encephalopathy.flatten(),
        })
    }
}

impl Serialize for LiverFunction {
    /// The known facts; the score's key (`null`) when neither the score nor all five
    /// components are known, so that the document reads back.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let all_components = self.bilirubin.is_some()
            && self.albumin.is_some()
            && self.inr.is_some()
            && self.ascites.is_some()
            && self.encephalopathy.is_some();
        let write_score = self.child_pugh_score.is_some() || !all_components;
        let n = usize::from(write_score)
            + [
                self.bilirubin.is_some(),
                self.albumin.is_some(),
                self.inr.is_some(),
                self.ascites.is_some(),
                self.encephalopathy.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
        let mut st = s.serialize_struct("LiverFunction", n)?;
        if write_score {
            st.serialize_field("child_pugh_score", &self.child_pugh_score)?;
        }
        if let Some(v) = &self.bilirubin {
            st.serialize_field("bilirubin", v)?;
        }
        if let Some(v) = &self.albumin {
            st.serialize_field("albumin", v)?;
        }
        if let Some(v) = &self.inr {
            st.serialize_field("inr", v)?;
        }
        if let Some(v) = &self.ascites {
            st.serialize_field("ascites", v)?;
        }
        if let Some(v) = &self.encephalopathy {
            st.serialize_field("encephalopathy", v)?;
        }
        st.end()
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IntrahepaticDoc {
    #[serde(deserialize_with = "nullable")]
    nodules: Option<NoduleCount>,
    #[serde(default, deserialize_with = "present")]
    largest_diameter_mm: Option<Option<DiameterMm>>,
    #[serde(deserialize_with = "nullable")]
    infiltrative: Option<bool>,
    #[serde(deserialize_with = "nullable")]
    unsafe_ablation_location: Option<bool>,
}

/// Whether the diameter's key must be written: at least one nodule known and the growth known
/// not to be infiltrative.
fn diameter_required(nodules: Option<NoduleCount>, infiltrative: Option<bool>) -> bool {
    matches!(nodules, Some(n) if n.get() > 0) && infiltrative == Some(false)
}

impl<'de> Deserialize<'de> for Intrahepatic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = IntrahepaticDoc::deserialize(d)?;
        if diameter_required(doc.nodules, doc.infiltrative) && doc.largest_diameter_mm.is_none() {
            return Err(D::Error::missing_field("largest_diameter_mm"));
        }
        Ok(Intrahepatic {
            nodules: doc.nodules,
            largest_diameter_mm: doc.largest_diameter_mm.flatten(),
            infiltrative: doc.infiltrative,
            unsafe_ablation_location: doc.unsafe_ablation_location,
        })
    }
}

impl Serialize for Intrahepatic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let write_diameter = self.largest_diameter_mm.is_some()
            || diameter_required(self.nodules, self.infiltrative);
        let mut st = s.serialize_struct("Intrahepatic", 3 + usize::from(write_diameter))?;
        st.serialize_field("nodules", &self.nodules)?;
        if write_diameter {
            st.serialize_field("largest_diameter_mm", &self.largest_diameter_mm)?;
        }
        st.serialize_field("infiltrative", &self.infiltrative)?;
        st.serialize_field("unsafe_ablation_location", &self.unsafe_ablation_location)?;
        st.end()
    }
}
