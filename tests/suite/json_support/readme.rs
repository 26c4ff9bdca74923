//! The README's "JSON contract" example (a bundled case and its recommendation), kept in step
//! with the code: `tests/suite/schema.rs` checks it, `examples/schema.rs --write` rewrites it.
//! Shared by both through `#[path]`.

use std::path::Path;

/// The bundled case the README shows.
pub const CASE_FILE: &str = "examples/cases/r5_single_small_nodule.json";

/// The blocks between `<!-- json-contract:NAME -->` and `<!-- /json-contract:NAME -->`:
/// the case as committed and its recommendation as `Recommendation::to_json` writes it.
pub fn blocks(root: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let path = root.join(CASE_FILE);
    let case_text =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let case = hcc_pathways::Case::from_json(&case_text).map_err(|e| e.to_string())?;
    let rec = hcc_pathways::recommend(&case).map_err(|e| e.to_string())?;
    Ok(vec![
        ("case", case_text.trim_end().to_owned()),
        ("recommendation", rec.to_json()),
    ])
}

/// The README with each marked block replaced by the current JSON.
pub fn render(readme: &str, blocks: &[(&str, String)]) -> Result<String, String> {
    let mut out = readme.to_owned();
    for (name, json) in blocks {
        let open = format!("<!-- json-contract:{name} -->\n");
        let close = format!("<!-- /json-contract:{name} -->");
        let start = out
            .find(&open)
            .ok_or_else(|| format!("README has no `{}` marker", open.trim_end()))?
            + open.len();
        let end = out[start..]
            .find(&close)
            .ok_or_else(|| format!("README has no `{close}` marker"))?
            + start;
        out.replace_range(start..end, &format!("```json\n{json}\n```\n"));
    }
    Ok(out)
}
