//! The core of the `cohort` example, kept apart from its command line: reading a JSON Lines
//! cohort (a case per line, or `{"id": …, "case": {…}}`), deciding every case under several
//! policies, and what changed between the first policy and each other one — the pathway, the
//! deciding rule, and the options (the procedure, the regimen list, the other options).
//!
//! A bad line (not UTF-8, not JSON, an invalid id or case, longer than [`MAX_LINE_BYTES`]) is
//! recorded with its line number and skipped; only an I/O error reading the file ends the run.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead};

use hcc_pathways::case::Regimen;
use hcc_pathways::outcomes::{Modality, TreatmentId};
use hcc_pathways::pathway::pathway_rules;
use hcc_pathways::{
    recommend_all, Case, Error, Pathway, PathwayRules, Policy, Reason, Recommendation,
};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Cases are parsed line by line and decided in batches of this many.
const BATCH: usize = 1024;

/// The longest line read (a complete case is about 1 KiB); a longer one is skipped unread.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// A case's id, as the line gave it: a non-negative integer, or a string of 1 to
/// [`CaseId::MAX_CHARS`] characters without control or invisible characters (so that every
/// report format can echo it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseId {
    /// A number.
    Number(u64),
    /// A text.
    Text(String),
}

impl CaseId {
    /// The longest text id, in characters.
    pub const MAX_CHARS: usize = 64;

    /// The id of a JSON value.
    ///
    /// # Errors
    /// An error naming `id` for any other value.
    fn from_json(v: serde_json::Value) -> Result<CaseId, Error> {
        let invalid = |detail: &'static str| {
            Error::invalid(
                "id",
                Reason::InvalidValue {
                    detail: detail.into(),
                },
            )
        };
        match v {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(CaseId::Number)
                .ok_or_else(|| invalid("a number id must be a non-negative integer")),
            serde_json::Value::String(s) => {
                let chars = s.chars().count();
                if chars == 0 || chars > Self::MAX_CHARS {
                    return Err(Error::invalid(
                        "id",
                        Reason::OutOfRange {
                            expected: "1 to 64 characters".into(),
                            found: format!("{chars} characters").into(),
                        },
                    ));
                }
                if s.chars().any(unsafe_char) {
                    return Err(invalid("contains a control or invisible character"));
                }
                Ok(CaseId::Text(s))
            }
            _ => Err(invalid("expected a string or a non-negative integer")),
        }
    }
}

/// Control characters and the invisible ones that reorder or hide text.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseId::Number(n) => write!(f, "{n}"),
            CaseId::Text(s) => f.write_str(s),
        }
    }
}

/// A line that wraps its case: `{"id": …, "case": {…}}`, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    #[serde(borrow)]
    case: &'a RawValue,
}

/// Reads one line: a wrapped case when the line is an object with a `case` key, a bare case
/// otherwise (then read exactly as `Case::from_json_bytes` reads it).
///
/// # Errors
/// An error naming the field: `id`, `case.<field>` in a wrapped case, `<field>` in a bare one.
pub fn parse_line(line: &[u8]) -> Result<(Option<CaseId>, Case), Error> {
    let wrapped = serde_json::from_slice::<HashMap<String, IgnoredAny>>(line)
        .is_ok_and(|keys| keys.contains_key("case"));
    if !wrapped {
        return Ok((None, Case::from_json_bytes(line)?));
    }
    // The wrapper's own errors (a missing `id`, an unknown key, a key twice) name the key.
    let w: Wrapped = serde_json::from_slice(line)?;
    let id = CaseId::from_json(serde_json::from_str(w.id.get())?)?;
    let case = Case::from_json(w.case.get()).map_err(|e| e.within("case"))?;
    Ok((Some(id), case))
}

/// What one policy decided for one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The pathway.
    pub pathway: Pathway,
    /// The deciding rule.
    pub rule: PathwayRules,
    /// The options offered, in order.
    pub options: Vec<TreatmentId>,
}

impl Outcome {
    /// The procedures offered, in order.
    pub fn procedures(&self) -> Vec<Modality> {
        self.options
            .iter()
            .filter_map(|o| match o {
                TreatmentId::Procedure(m) => Some(*m),
                _ => None,
            })
            .collect()
    }

    /// The regimens offered, in order.
    pub fn regimens(&self) -> Vec<Regimen> {
        self.options
            .iter()
            .filter_map(|o| match o {
                TreatmentId::Regimen(r) => Some(*r),
                _ => None,
            })
            .collect()
    }

    /// The other options (clinical trial, best supportive care, TACE with systemic therapy).
    pub fn others(&self) -> Vec<TreatmentId> {
        self.options
            .iter()
            .copied()
            .filter(|o| !matches!(o, TreatmentId::Procedure(_) | TreatmentId::Regimen(_)))
            .collect()
    }
}

/// What differs between two outcomes for the same case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// The pathway.
    pub pathway: bool,
    /// The deciding rule.
    pub rule: bool,
    /// The procedures offered (or their order).
    pub procedure: bool,
    /// The regimens offered (or their order).
    pub regimens: bool,
    /// The other options.
    pub other_options: bool,
}

impl Change {
    /// What differs from `before` to `after`.
    pub fn between(before: &Outcome, after: &Outcome) -> Change {
        Change {
            pathway: before.pathway != after.pathway,
            rule: before.rule != after.rule,
            procedure: before.procedures() != after.procedures(),
            regimens: before.regimens() != after.regimens(),
            other_options: before.others() != after.others(),
        }
    }

    /// Whether anything differs.
    pub fn any(self) -> bool {
        self.kinds().next().is_some()
    }

    /// The names of what differs: `pathway`, `rule`, `procedure`, `regimens`, `other_options`.
    pub fn kinds(self) -> impl Iterator<Item = &'static str> {
        [
            (self.pathway, "pathway"),
            (self.rule, "rule"),
            (self.procedure, "procedure"),
            (self.regimens, "regimens"),
            (self.other_options, "other_options"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
    }
}

/// One case decided under every policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluated {
    /// Its 1-based line number in the file.
    pub line: usize,
    /// Its id, when the line gave one.
    pub id: Option<CaseId>,
    /// One per policy, in the order given (the first is the baseline).
    pub outcomes: Vec<Outcome>,
}

/// A line that could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Its 1-based line number.
    pub line: usize,
    /// Why, naming the field by its JSON path (safe to print).
    pub error: String,
}

/// The outcome of a cohort run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// How many policies each case was decided under (the first is the baseline).
    pub policies: usize,
    /// Non-blank lines read.
    pub lines: usize,
    /// Cases evaluated under every policy, in file order.
    pub evaluated: Vec<Evaluated>,
    /// Lines skipped, in file order.
    pub skipped: Vec<Skipped>,
}

/// Reads lines of at most [`MAX_LINE_BYTES`] into `buf` (without the `\n`), counting bytes read.
struct Lines<R> {
    reader: R,
    bytes_read: u64,
}

impl<R: BufRead> Lines<R> {
    /// The next line's whole length, or `None` at the end; `buf` is left empty past the limit.
    fn next(&mut self, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
        buf.clear();
        let (mut len, mut any) = (0usize, false);
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let newline = available.iter().position(|&b| b == b'\n');
            let chunk = &available[..newline.unwrap_or(available.len())];
            len = len.saturating_add(chunk.len());
            if len <= MAX_LINE_BYTES {
                buf.extend_from_slice(chunk);
            } else {
                buf.clear();
            }
            let used = chunk.len() + usize::from(newline.is_some());
            self.reader.consume(used);
            self.bytes_read += used as u64;
            if newline.is_some() {
                break;
            }
        }
        Ok(any.then_some(len))
    }
}

/// Decides a batch of parsed cases under every policy and records each outcome.
fn flush(
    batch: &mut Vec<(usize, Option<CaseId>, Case)>,
    policies: &[Policy],
    out: &mut Comparison,
) {
    let cases: Vec<Case> = batch.iter().map(|(_, _, c)| *c).collect();
    // One list per policy, one result per case (`recommend_all` keeps the slice's order).
    let decided: Vec<Vec<Result<Recommendation, Error>>> =
        policies.iter().map(|p| recommend_all(&cases, p)).collect();
    for (i, (line, id, _)) in batch.drain(..).enumerate() {
        let outcomes: Result<Vec<Outcome>, String> = decided
            .iter()
            .map(|results| match results.get(i) {
                Some(Ok(rec)) => Ok(Outcome {
                    pathway: rec.pathway,
                    rule: rec.rules,
                    options: rec.options.iter().map(|o| o.id).collect(),
                }),
                Some(Err(e)) => Err(e.to_string()),
                None => Err("no result".to_owned()),
            })
            .collect();
        match outcomes {
            Ok(outcomes) => out.evaluated.push(Evaluated { line, id, outcomes }),
            Err(error) => out.skipped.push(Skipped { line, error }),
        }
    }
}

/// Reads a JSON Lines cohort and decides each case under every policy (`policies[0]` is the
/// baseline the others are compared with). `progress` is told the number of bytes read so far
/// after each line. Blank lines are ignored (they still count for the line numbers).
///
/// # Errors
/// Only an I/O error reading `reader`; bad lines are recorded in [`Comparison::skipped`].
pub fn compare(
    reader: impl BufRead,
    policies: &[Policy],
    mut progress: impl FnMut(u64),
) -> io::Result<Comparison> {
    let mut out = Comparison {
        policies: policies.len(),
        ..Comparison::default()
    };
    let mut lines = Lines {
        reader,
        bytes_read: 0,
    };
    let mut buf = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut number = 0usize;
    while let Some(len) = lines.next(&mut buf)? {
        number += 1;
        progress(lines.bytes_read);
        if len <= MAX_LINE_BYTES && buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.lines += 1;
        let parsed = if len > MAX_LINE_BYTES {
            Err(Error::invalid(
                "",
                Reason::OutOfRange {
                    expected: format!("a line of at most {MAX_LINE_BYTES} bytes").into(),
                    found: format!("{len} bytes").into(),
                },
            ))
        } else {
            parse_line(&buf)
        };
        match parsed {
            Ok((id, case)) => batch.push((number, id, case)),
            Err(e) => out.skipped.push(Skipped {
                line: number,
                error: e.to_string(),
            }),
        }
        if batch.len() == BATCH {
            flush(&mut batch, policies, &mut out);
        }
    }
    flush(&mut batch, policies, &mut out);
    // Batches finish after the parse errors of their later lines: keep file order.
    out.skipped.sort_by_key(|s| s.line);
    Ok(out)
}

impl Comparison {
    /// The cases where policy `alternative` (1 or more) decided anything differently from the
    /// baseline, with what changed.
    pub fn changed(&self, alternative: usize) -> impl Iterator<Item = (&Evaluated, Change)> {
        self.evaluated.iter().filter_map(move |e| {
            let change = Change::between(&e.outcomes[0], &e.outcomes[alternative]);
            change.any().then_some((e, change))
        })
    }

    /// Cases per pathway: (pathway, the count under each policy).
    pub fn pathway_counts(&self) -> Vec<(Pathway, Vec<usize>)> {
        Pathway::ALL
            .iter()
            .map(|p| (*p, self.count(|o| o.pathway == *p)))
            .collect()
    }

    /// Cases per deciding rule: (rule, its pathway, the count under each policy).
    pub fn rule_counts(&self) -> Vec<(&'static str, Pathway, Vec<usize>)> {
        pathway_rules()
            .rules()
            .iter()
            .map(|r| {
                let counts = self.count(|o| o.rule.iter().any(|x| x.wire_name() == r.id()));
                (r.id(), *r.outcome(), counts)
            })
            .collect()
    }

    /// How many cases each policy decided so that `f` holds.
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> Vec<usize> {
        (0..self.policies)
            .map(|k| self.evaluated.iter().filter(|e| f(&e.outcomes[k])).count())
            .collect()
    }

    /// How many changed cases changed in each way, for policy `alternative`: (kind, cases), in
    /// the order of [`Change::kinds`].
    pub fn change_counts(&self, alternative: usize) -> Vec<(&'static str, usize)> {
        let all = Change {
            pathway: true,
            rule: true,
            procedure: true,
            regimens: true,
            other_options: true,
        };
        all.kinds()
            .map(|kind| {
                let n = self
                    .changed(alternative)
                    .filter(|(_, c)| c.kinds().any(|k| k == kind))
                    .count();
                (kind, n)
            })
            .collect()
    }

    /// Cases whose pathway or rule changed under policy `alternative`, grouped by (baseline,
    /// alternative) pathway and rule, most frequent first.
    #[allow(clippy::type_complexity)]
    pub fn transitions(
        &self,
        alternative: usize,
    ) -> Vec<(((Pathway, PathwayRules), (Pathway, PathwayRules)), usize)> {
        let mut out: Vec<(((Pathway, PathwayRules), (Pathway, PathwayRules)), usize)> = Vec::new();
        for (e, c) in self.changed(alternative) {
            if !(c.pathway || c.rule) {
                continue;
            }
            let (d, a) = (&e.outcomes[0], &e.outcomes[alternative]);
            let key = ((d.pathway, d.rule), (a.pathway, a.rule));
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => out.push((key, 1)),
            }
        }
        // Stable: ties keep the order of first appearance.
        out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        out
    }
}

/// The thresholds where `alternative` differs from `baseline`: (name, baseline, alternative).
pub fn policy_changes(baseline: &Policy, alternative: &Policy) -> Vec<(&'static str, u32, u32)> {
    baseline
        .thresholds()
        .into_iter()
        .zip(alternative.thresholds())
        .filter(|(d, a)| d.value != a.value)
        .map(|(d, a)| (d.name, d.value, a.value))
        .collect()
}
