//! The one place where the service reads the fields of [`Recommendation`].
//!
//! Everything else (the CDS Hooks cards) works on [`View`], plain strings. When the library
//! changes the recommendation's field types, only this module changes.

use hcc_pathways::Recommendation;

/// What a card shows of a recommendation, as plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// The pathway's stable id, for example `repeat_intervention`.
    pub pathway_id: String,
    /// The pathway's name for clinicians, for example `Repeat intervention`.
    pub pathway_label: String,
    /// Why this pathway (the deciding rule's reason).
    pub reason: String,
    /// The options of the pathway, in order.
    pub options: Vec<OptionView>,
    /// What to watch out for (empty when nothing applies).
    pub cautions: Vec<String>,
    /// What else to arrange or weigh.
    pub considerations: Vec<String>,
    /// The sources of the deciding rule: (stable key, full reference).
    pub sources: Vec<(String, String)>,
    /// The statement that this is decision support for the MDT.
    pub mdt_statement: String,
}

/// One option of the pathway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionView {
    /// Its name for clinicians.
    pub name: String,
    /// What it is and why it is offered here.
    pub detail: String,
}

/// Reads the fields a card needs.
pub fn view(rec: &Recommendation) -> View {
    View {
        pathway_id: rec.pathway.to_string(),
        pathway_label: rec.pathway.label().to_owned(),
        reason: rec.full_reason(),
        options: rec
            .options
            .iter()
            .map(|o| OptionView {
                name: o.name().to_string(),
                detail: o.detail.to_string(),
            })
            .collect(),
        cautions: rec.cautions.iter().map(|c| c.text.to_string()).collect(),
        considerations: rec
            .considerations
            .iter()
            .map(|c| c.text.to_string())
            .collect(),
        sources: rec
            .sources
            .iter()
            .map(|s| (s.key().to_string(), s.citation().to_string()))
            .collect(),
        mdt_statement: rec.mdt_statement.to_string(),
    }
}
