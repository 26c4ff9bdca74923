//! Texts that show the policy's numbers: reasons, cautions, considerations, option details and
//! predicate descriptions are written once as templates and filled from the policy in force.
//!
//! A template names a setting in braces, optionally shifted by one: `{up_to_seven_limit}`,
//! `{pei_max_diameter_mm+1}`, `{terminal_min_child_pugh-1}`. A centre that sets
//! `up_to_seven_limit = 110` reads 110 wherever the rules compare with it; the default policy's
//! texts are rendered once, so a recommendation under it copies no text.
//!
//! ```
//! use hcc_pathways::{policy::Setting, text::render, Policy};
//! let p = Policy::default().with(Setting::PeiMaxDiameterMm, 15).map_err(|e| e.to_string())?;
//! assert_eq!(render("largest {pei_max_diameter_mm+1}-{ablation_max_diameter_mm} mm", &p)?,
//!            "largest 16-30 mm");
//! assert!(render("{no_such_setting}", &p).is_err());
//! # Ok::<(), String>(())
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::policy::{Policy, Setting};

/// One piece of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part<'a> {
    /// Text shown as written.
    Literal(&'a str),
    /// A setting's value, shifted by `offset`.
    Value(Setting, i8),
}

/// A parsed template with its rendering under the default policy.
#[derive(Clone, Debug)]
pub(crate) struct Template {
    text: &'static str,
    parts: Vec<Part<'static>>,
    default: String,
}

impl Template {
    /// Parses a template.
    ///
    /// # Errors
    /// A message naming the problem: an unclosed brace, an unknown setting, or a shift other
    /// than `+1`/`-1`.
    pub(crate) fn parse(text: &'static str) -> Result<Template, String> {
        let parts = parse(text)?;
        let default = render_parts(&parts, &Policy::default());
        Ok(Template {
            text,
            parts,
            default,
        })
    }

    /// The settings it shows.
    pub(crate) fn settings(&self) -> impl Iterator<Item = Setting> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Value(s, _) => Some(*s),
            Part::Literal(_) => None,
        })
    }

    /// The text under `policy`: borrowed (no copy) when it shows no setting, or when `policy`
    /// agrees with the default on every setting it shows.
    pub(crate) fn render(&'static self, policy: &Policy) -> Cow<'static, str> {
        if self.parts.len() <= 1 && !matches!(self.parts.first(), Some(Part::Value(..))) {
            return Cow::Borrowed(self.text);
        }
        let default = Policy::default();
        if self.settings().all(|s| policy.get(s) == default.get(s)) {
            Cow::Borrowed(self.default.as_str())
        } else {
            Cow::Owned(render_parts(&self.parts, policy))
        }
    }
}

fn parse(text: &str) -> Result<Vec<Part<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Literal(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in template `{text}`"))?;
        let inner = &after[..close];
        let (name, offset) = match inner.find(['+', '-']) {
            Some(i) => {
                let offset = match &inner[i..] {
                    "+1" => 1,
                    "-1" => -1,
                    other => return Err(format!("shift `{other}` in template `{text}`")),
                };
                (&inner[..i], offset)
            }
            None => (inner, 0),
        };
        let setting = Setting::from_name(name)
            .ok_or_else(|| format!("unknown setting `{name}` in template `{text}`"))?;
        parts.push(Part::Value(setting, offset));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest));
    }
    Ok(parts)
}

fn render_parts(parts: &[Part<'_>], policy: &Policy) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Literal(s) => out.push_str(s),
            Part::Value(setting, offset) => {
                let v = i64::from(policy.get(*setting)) + i64::from(*offset);
                // Writing to a String cannot fail.
                let _ = write!(out, "{v}");
            }
        }
    }
    out
}

/// Renders a template under a policy: each `{setting}` (or `{setting+1}`, `{setting-1}`)
/// becomes the policy's value.
///
/// # Errors
/// A message naming the problem when the template is malformed or names an unknown setting.
pub fn render(template: &str, policy: &Policy) -> Result<String, String> {
    Ok(render_parts(&parse(template)?, policy))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leak(t: &'static str) -> &'static Template {
        Box::leak(Box::new(Template::parse(t).unwrap()))
    }

    #[test]
    fn plain_text_is_borrowed_as_written() {
        let t = leak("no numbers here");
        assert!(matches!(
            t.render(&Policy::default()),
            Cow::Borrowed("no numbers here")
        ));
    }

    #[test]
    fn default_policy_borrows_the_prerendered_text() {
        let t = leak("up to {ablation_max_nodules} nodules");
        assert!(matches!(
            t.render(&Policy::default()),
            Cow::Borrowed("up to 3 nodules")
        ));
        // A policy that differs elsewhere still borrows.
        let other = Policy {
            up_to_seven_limit: 90,
            ..Policy::default()
        };
        assert!(matches!(t.render(&other), Cow::Borrowed(_)));
        let changed = Policy {
            ablation_max_nodules: 5,
            ..Policy::default()
        };
        assert_eq!(t.render(&changed), "up to 5 nodules");
    }

    #[test]
    fn shifts_and_errors() {
        let t = leak(
            "{pei_max_diameter_mm+1}-{ablation_max_diameter_mm} mm, ≥ {terminal_min_child_pugh-1}",
        );
        assert_eq!(t.render(&Policy::default()), "21-30 mm, ≥ 9");
        assert!(Template::parse("{nope}").is_err());
        assert!(Template::parse("{up_to_seven_limit").is_err());
        assert!(Template::parse("{up_to_seven_limit+2}").is_err());
        assert_eq!(
            render("{up_to_seven_limit-1}!", &Policy::default()).unwrap(),
            "69!"
        );
    }
}
