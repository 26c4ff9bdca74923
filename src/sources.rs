//! The published sources every rule, predicate, threshold and option cites.
//!
//! Keys are stable (they match `shared/sources.md` of the project): an explanation stored today
//! names the same source after an upgrade.

use std::fmt;

/// A guideline, trial or other publication, by stable key and full reference.
///
/// ```
/// use hcc_pathways::sources::{Source, BCLC_2022};
/// assert_eq!(BCLC_2022.key(), "BCLC-2022");
/// const MINE: Source = Source::new("MY-STUDY", "Our protocol, 2026");
/// assert_eq!(MINE.to_string(), "MY-STUDY");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Source {
    key: &'static str,
    citation: &'static str,
    /// Position in [`ALL`] for the crate's own sources; `u8::MAX` for a researcher's.
    index: u8,
}

impl Source {
    /// A source of your own (for researchers' rules).
    pub const fn new(key: &'static str, citation: &'static str) -> Self {
        Self {
            key,
            citation,
            index: u8::MAX,
        }
    }

    /// Its position in [`ALL`], for the crate's own sources.
    pub(crate) const fn index(&self) -> Option<u8> {
        if self.index == u8::MAX {
            None
        } else {
            Some(self.index)
        }
    }

    /// The stable key, for example `BCLC-2022`.
    pub const fn key(&self) -> &'static str {
        self.key
    }

    /// The full reference.
    pub const fn citation(&self) -> &'static str {
        self.citation
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)
    }
}

macro_rules! sources {
    ($($(#[$m:meta])* $name:ident = $key:literal, $cite:literal;)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        enum Position { $($name),* }
        $( $(#[$m])* pub const $name: Source = Source {
            key: $key,
            citation: $cite,
            index: Position::$name as u8,
        }; )*
        /// Every source this crate cites, in the order of `shared/sources.md`.
        pub const ALL: &[Source] = &[$($name),*];
    };
}

sources! {
    /// BCLC staging and treatment strategy, 2022 update.
    BCLC_2022 = "BCLC-2022", "Reig M, Forner A, Rimola J, et al. BCLC strategy for prognosis prediction and treatment recommendation: the 2022 update. J Hepatol 2022;76(3):681-693. doi:10.1016/j.jhep.2021.11.018";
    /// BCLC 2025 update.
    BCLC_2025 = "BCLC-2025", "Reig M, Sanduzzi-Zamparelli M, Forner A, et al. BCLC strategy for prognosis prediction and treatment recommendations: the 2025 update. J Hepatol. doi:10.1016/j.jhep.2025.10.020";
    /// EASL clinical practice guidelines, 2018.
    EASL_2018 = "EASL-2018", "European Association for the Study of the Liver. EASL Clinical Practice Guidelines: Management of hepatocellular carcinoma. J Hepatol 2018;69:182-236";
    /// AASLD practice guidance, 2023.
    AASLD_2023 = "AASLD-2023", "Singal AG, Llovet JM, Yarchoan M, et al. AASLD Practice Guidance on prevention, diagnosis, and treatment of hepatocellular carcinoma. Hepatology 2023. doi:10.1097/HEP.0000000000000466";
    /// ASCO guideline update on systemic therapy, 2024.
    ASCO_2024 = "ASCO-2024", "Gordan JD, Kennedy EB, Abou-Alfa GK, et al. Systemic therapy for advanced hepatocellular carcinoma: ASCO guideline update. J Clin Oncol 2024. doi:10.1200/JCO.23.02745";
    /// ESMO clinical practice guidelines, 2018.
    ESMO_2018 = "ESMO-2018", "Vogel A, et al. Hepatocellular carcinoma: ESMO Clinical Practice Guidelines. Ann Oncol 2018;29(Suppl 4):iv238-iv255. doi:10.1093/annonc/mdy308";
    /// ESMO clinical practice guideline update, 2025.
    ESMO_2025 = "ESMO-2025", "Vogel A, et al. ESMO Clinical Practice Guideline update for hepatocellular carcinoma. Ann Oncol 2025";
    /// NCCN guidelines for hepatocellular carcinoma.
    NCCN_HCC = "NCCN-HCC", "NCCN Clinical Practice Guidelines in Oncology: Hepatocellular Carcinoma (2023 versions; atezolizumab-bevacizumab in Child-Pugh B, category 2A)";
    /// JSH-LCSGJ TACE failure/refractoriness criteria, 2014 update.
    JSH_2014 = "JSH-2014", "Kudo M, Matsui O, Izumi N, et al. Transarterial chemoembolization failure/refractoriness: JSH-LCSGJ criteria 2014 update. Oncology 2014;87(Suppl 1):22-31. doi:10.1159/000368142";
    /// Asia-Pacific consensus on TACE unsuitability, 2020.
    APAC_2020 = "APAC-2020", "Kudo M, et al. Asia-Pacific consensus on TACE unsuitability. Liver Cancer 2020;9:245-260";
    /// INASL consensus on hepatocellular carcinoma, 2019.
    INASL_2019 = "INASL-2019", "INASL consensus on hepatocellular carcinoma. J Clin Exp Hepatol 2019;10:43-80. doi:10.1016/j.jceh.2019.09.007";
    /// Up-to-seven criterion.
    UP_TO_7 = "UP-TO-7", "Mazzaferro V, et al. Predicting survival after liver transplantation in patients with hepatocellular carcinoma beyond the Milan criteria. Lancet Oncol 2009;10:35-43";
    /// Milan criteria.
    MILAN = "MILAN", "Mazzaferro V, et al. Liver transplantation for the treatment of small hepatocellular carcinomas in patients with cirrhosis. N Engl J Med 1996;334:693-699";
    /// Child-Pugh score.
    CHILD_PUGH = "CHILD-PUGH", "Pugh RN, et al. Transection of the oesophagus for bleeding oesophageal varices. Br J Surg 1973;60:646-649";
    /// ALBI grade.
    ALBI = "ALBI", "Johnson PJ, et al. Assessment of liver function in patients with hepatocellular carcinoma: the ALBI grade. J Clin Oncol 2015;33:550-558. doi:10.1200/JCO.2014.57.9151";
    /// Modified ALBI grade.
    MALBI = "MALBI", "Hiraoka A, et al. Validation and potential of albumin-bilirubin grade and prognostication. Liver Cancer 2017;6:325-336";
    /// ECOG performance status.
    ECOG = "ECOG", "Oken MM, et al. Toxicity and response criteria of the Eastern Cooperative Oncology Group. Am J Clin Oncol 1982;5:649-655";
    /// RFA combined with TACE for recurrent HCC (randomised).
    PENG_2012 = "PENG-2012", "Peng ZW, et al. Radiofrequency ablation combined with TACE for recurrent HCC after hepatectomy (randomised). Radiology 2012;262:689-700";
    /// RFA with or without TACE (randomised).
    PENG_2013 = "PENG-2013", "Peng ZW, et al. Radiofrequency ablation with or without TACE for HCC: a prospective randomized trial. J Clin Oncol 2013;31:426-432";
    /// Atezolizumab plus bevacizumab.
    IMBRAVE150 = "IMBRAVE150", "Finn RS, et al. Atezolizumab plus bevacizumab in unresectable hepatocellular carcinoma. N Engl J Med 2020;382:1894-1905";
    /// Tremelimumab plus durvalumab (STRIDE).
    HIMALAYA = "HIMALAYA", "Abou-Alfa GK, et al. Tremelimumab plus durvalumab in unresectable hepatocellular carcinoma. NEJM Evid 2022";
    /// Nivolumab plus ipilimumab, first line.
    CHECKMATE_9DW = "CHECKMATE-9DW", "Yau T, et al. Nivolumab plus ipilimumab versus lenvatinib or sorafenib as first-line treatment for unresectable HCC. Lancet 2025;405:1851-1864. doi:10.1016/S0140-6736(25)00403-9";
    /// Camrelizumab plus rivoceranib.
    CARES_310 = "CARES-310", "Qin S, et al. Camrelizumab plus rivoceranib versus sorafenib as first-line therapy for unresectable HCC. Lancet 2023;402:1133-1146";
    /// Tislelizumab first line.
    RATIONALE_301 = "RATIONALE-301", "Qin S, et al. Tislelizumab vs sorafenib as first-line treatment for unresectable HCC. JAMA Oncol 2023";
    /// Lenvatinib first line.
    REFLECT = "REFLECT", "Kudo M, et al. Lenvatinib versus sorafenib in first-line treatment of unresectable HCC. Lancet 2018;391:1163-1173";
    /// Sorafenib.
    SHARP = "SHARP", "Llovet JM, et al. Sorafenib in advanced hepatocellular carcinoma. N Engl J Med 2008;359:378-390";
    /// Regorafenib after sorafenib.
    RESORCE = "RESORCE", "Bruix J, et al. Regorafenib for patients with HCC who progressed on sorafenib. Lancet 2017;389:56-66";
    /// Cabozantinib.
    CELESTIAL = "CELESTIAL", "Abou-Alfa GK, et al. Cabozantinib in patients with advanced and progressing HCC. N Engl J Med 2018;379:54-63";
    /// Ramucirumab with AFP at least 400 ng/mL.
    REACH_2 = "REACH-2", "Zhu AX, et al. Ramucirumab after sorafenib in patients with advanced HCC and increased AFP. Lancet Oncol 2019;20:282-296";
    /// Durvalumab with or without bevacizumab with TACE.
    EMERALD_1 = "EMERALD-1", "Sangro B, et al. Durvalumab with or without bevacizumab with TACE in HCC. Lancet 2025;405:216-232. doi:10.1016/S0140-6736(24)02551-0";
    /// Lenvatinib plus pembrolizumab with TACE.
    LEAP_012 = "LEAP-012", "Kudo M, et al. Lenvatinib plus pembrolizumab with TACE in unresectable, non-metastatic HCC. Lancet 2025;405:203-215";
    /// AASLD 2018 hepatitis B guidance.
    AASLD_HBV_2018 = "AASLD-HBV-2018", "Terrault NA, Lok ASF, McMahon BJ, et al. Update on prevention, diagnosis, and treatment of chronic hepatitis B: AASLD 2018 hepatitis B guidance. Hepatology 2018;67(4):1560-1599";
    /// EASL 2017 clinical practice guidelines on hepatitis B.
    EASL_HBV_2017 = "EASL-HBV-2017", "European Association for the Study of the Liver. EASL 2017 Clinical Practice Guidelines on the management of hepatitis B virus infection. J Hepatol 2017;67:370-398. doi:10.1016/j.jhep.2017.03.021";
    /// OPTN policy on HCC exception points and AFP.
    OPTN_HCC = "OPTN-HCC", "Organ Procurement and Transplantation Network (OPTN/UNOS). Policy 9: candidates with hepatocellular carcinoma, standardized HCC exception criteria and their AFP rules (updated December 2017)";
    /// Checkpoint inhibitors and liver transplantation.
    LT_ICI = "LT-ICI", "Wassmer CH, et al. Immune checkpoint inhibitors before and after liver transplantation. Cancers 2023;15:4574. doi:10.3390/cancers15184574";
}

/// Looks a source up by key.
///
/// ```
/// assert!(hcc_pathways::sources::by_key("SHARP").is_some());
/// assert!(hcc_pathways::sources::by_key("NOPE").is_none());
/// ```
pub fn by_key(key: &str) -> Option<Source> {
    ALL.iter().copied().find(|s| s.key == key)
}

/// A set of the crate's own sources (bit `i` is [`ALL`]`[i]`): the references a
/// recommendation cites, listed once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourceSet(u64);

impl SourceSet {
    /// The empty set.
    pub const EMPTY: SourceSet = SourceSet(0);

    /// Adds the crate's own sources among `sources` (a researcher's sources are not listed).
    pub fn add(&mut self, sources: &[Source]) {
        for s in sources {
            if let Some(i) = s.index() {
                self.0 |= 1u64 << i;
            }
        }
    }

    /// Every source of either set.
    #[must_use]
    pub const fn union(self, other: SourceSet) -> SourceSet {
        SourceSet(self.0 | other.0)
    }

    /// The crate's own sources among `sources`.
    pub fn of(sources: &[Source]) -> SourceSet {
        let mut set = SourceSet::EMPTY;
        set.add(sources);
        set
    }

    /// Whether the set holds `source`.
    pub fn contains(&self, source: &Source) -> bool {
        source.index().is_some_and(|i| self.0 & (1u64 << i) != 0)
    }

    /// The sources, in the order of [`ALL`].
    pub fn iter(&self) -> impl Iterator<Item = Source> + '_ {
        ALL.iter().copied().filter(move |s| self.contains(s))
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Source {
    /// A source is written as its key.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Source {
    /// A source is read from the key of one of the crate's sources.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = std::borrow::Cow::<'de, str>::deserialize(d)?;
        by_key(&key).ok_or_else(|| serde::de::Error::custom("unknown source key"))
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Source {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("SourceKey")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let keys: Vec<&str> = ALL.iter().map(|s| s.key).collect();
        schemars::json_schema!({
            "description": "The key of a cited source; the recommendation's `references` gives the full reference.",
            "type": "string",
            "enum": keys,
        })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SourceSet {
    /// Written as a map from key to full reference, in the order of [`ALL`].
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|x| (x.key, x.citation)))
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for SourceSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<String, String>::deserialize(d)?;
        let mut set = SourceSet::EMPTY;
        for key in map.keys() {
            let s = by_key(key).ok_or_else(|| serde::de::Error::custom("unknown source key"))?;
            set.add(&[s]);
        }
        Ok(set)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for SourceSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("References")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut properties = serde_json::Map::new();
        for s in ALL {
            properties.insert(
                s.key.to_owned(),
                serde_json::json!({
                    "type": "string",
                    "description": format!("The full reference of `{}`.", s.key),
                }),
            );
        }
        schemars::json_schema!({
            "description": "Every source the recommendation cites, once: key to full reference.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}
