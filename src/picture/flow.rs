//! A cohort's pathways under two policies as an alluvial (Sankey) diagram.

use std::fmt::Write as _;

use crate::outcomes::Pathway;

use super::svg::{self, esc, num, LINE};

/// The pathways from top to bottom: by the fitness each demands, most first, as the BCLC
/// figure reads from left to right.
const ORDER: [Pathway; 3] = [
    Pathway::RepeatIntervention,
    Pathway::SystemicTherapy,
    Pathway::PalliativeCare,
];

/// (fill, stroke) per pathway, in [`ORDER`]: the flowchart's tones.
const COLOURS: [(&str, &str); 3] = [
    ("#0072b2", "#005a8c"),
    ("#e69f00", "#b77900"),
    ("#cc79a7", "#a0527f"),
];

fn index(p: Pathway) -> usize {
    match p {
        Pathway::RepeatIntervention => 0,
        Pathway::SystemicTherapy => 1,
        Pathway::PalliativeCare => 2,
    }
}

/// How many cases go from each pathway under one policy to each pathway under another.
///
/// ```
/// use hcc_pathways::picture::PathwayFlows;
/// use hcc_pathways::Pathway::*;
///
/// let flows: PathwayFlows = [
///     (PalliativeCare, SystemicTherapy),
///     (PalliativeCare, SystemicTherapy),
///     (RepeatIntervention, RepeatIntervention),
/// ]
/// .into_iter()
/// .collect();
/// assert_eq!(flows.count(PalliativeCare, SystemicTherapy), 2);
/// assert_eq!(flows.total(), 3);
/// let svg = flows.to_svg("default policy", "Child-Pugh 7 admitted");
/// assert!(svg.contains("Palliative care → Systemic therapy: 2"));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PathwayFlows {
    counts: [[usize; 3]; 3],
}

impl PathwayFlows {
    /// No cases.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one case: `from` under the first policy, `to` under the second.
    pub fn add(&mut self, from: Pathway, to: Pathway) {
        let c = &mut self.counts[index(from)][index(to)];
        *c = c.saturating_add(1);
    }

    /// The cases that go from `from` to `to`.
    pub fn count(&self, from: Pathway, to: Pathway) -> usize {
        self.counts[index(from)][index(to)]
    }

    /// Every case counted.
    pub fn total(&self) -> usize {
        self.counts
            .iter()
            .flatten()
            .fold(0usize, |t, c| t.saturating_add(*c))
    }

    fn leaving(&self, from: usize) -> usize {
        self.counts[from]
            .iter()
            .fold(0usize, |t, c| t.saturating_add(*c))
    }

    fn arriving(&self, to: usize) -> usize {
        self.counts
            .iter()
            .fold(0usize, |t, row| t.saturating_add(row[to]))
    }

    /// The flows as an SVG document: a bar per pathway under each policy (`from_title` on
    /// the left, `to_title` on the right; both are escaped), a ribbon per pair of pathways
    /// as wide as its count, each count written, and the list of every flow below.
    pub fn to_svg(&self, from_title: &str, to_title: &str) -> String {
        const W: f64 = 980.0;
        const LEFT: f64 = 270.0;
        const RIGHT: f64 = 690.0;
        const BAR: f64 = 18.0;
        const PLOT: f64 = 380.0;
        const GAP: f64 = 36.0;
        const MARGIN: f64 = 24.0;

        let total = self.total();
        let title = format!("Pathways under {from_title} (left) and under {to_title} (right)");
        let title_lines = svg::wrap(&title, svg::fits((W - 2.0 * MARGIN) / 1.4));
        let notes = svg::wrap(
            &format!(
                "{total} cases. Each ribbon is the cases with the left pathway under the first \
                 policy and the right pathway under the second, as wide as their number. Counts \
                 describe what the rules do to these cases, not clinical outcomes. Decision \
                 support for a multidisciplinary tumour board, never a replacement for one."
            ),
            svg::fits(W - 2.0 * MARGIN),
        );
        // Column heads over the bars, wrapped to the room beside them.
        let head_chars = svg::fits(LEFT + BAR - MARGIN);
        let heads = [
            svg::wrap(from_title, head_chars),
            svg::wrap(to_title, head_chars),
        ];
        let head_lines = heads.iter().map(Vec::len).max().unwrap_or(1);
        let plot_top = MARGIN
            + 12.0
            + title_lines.len() as f64 * LINE * 1.4
            + notes.len() as f64 * LINE
            + head_lines as f64 * LINE
            + 22.0;
        let mut list: Vec<String> = Vec::new();
        for f in ORDER {
            for t in ORDER {
                let n = self.count(f, t);
                if n > 0 {
                    let what = if f == t { " (unchanged)" } else { "" };
                    list.push(format!("{} → {}: {n}{what}", f.label(), t.label()));
                }
            }
        }
        let list_top = plot_top + PLOT + 48.0;
        let height = list_top + (list.len() as f64 + 1.0) * LINE + MARGIN;

        let mut out = String::with_capacity(16 * 1024);
        svg::open(
            &mut out,
            W,
            height,
            &title,
            &format!("Alluvial diagram of {total} cases' pathways under two policies."),
        );
        for (i, line) in title_lines.iter().enumerate() {
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" font-size="17" font-weight="bold" fill="#1a1a1a">{}</text>"##,
                num(MARGIN),
                num(MARGIN + 12.0 + LINE * 1.4 * i as f64),
                esc(line)
            );
        }
        svg::text_lines(
            &mut out,
            MARGIN,
            MARGIN + 12.0 + title_lines.len() as f64 * LINE * 1.4 + 4.0,
            &notes,
            "start",
            "normal",
            "#333333",
            "normal",
        );
        for ((x, anchor), lines) in [(LEFT + BAR, "end"), (RIGHT, "start")].iter().zip(&heads) {
            let first = plot_top - 14.0 - (lines.len() as f64 - 1.0) * LINE;
            svg::text_lines(
                &mut out, *x, first, lines, anchor, "bold", "#1a1a1a", "normal",
            );
        }
        if total == 0 {
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" text-anchor="middle" fill="#333333">No cases.</text>"##,
                num(W / 2.0),
                num(plot_top + PLOT / 2.0)
            );
            svg::close(&mut out);
            return out;
        }
        let scale = (PLOT - 2.0 * GAP) / total as f64;
        // The top of each bar on either side.
        let bars = |side_total: &dyn Fn(usize) -> usize| {
            let mut tops = [0.0f64; 3];
            let mut y = plot_top;
            for (i, top) in tops.iter_mut().enumerate() {
                *top = y;
                y += side_total(i) as f64 * scale + GAP;
            }
            tops
        };
        let left_tops = bars(&|i| self.leaving(i));
        let right_tops = bars(&|i| self.arriving(i));

        // Ribbons: stacked within the left bar in the order of their right pathway, and within
        // the right bar in the order of their left pathway, so that none cross needlessly.
        let _ = writeln!(out, r#"<g id="ribbons">"#);
        let mut left_used = [0.0f64; 3];
        let mut right_used = [0.0f64; 3];
        let mut labels = Vec::new();
        for (fi, f) in ORDER.iter().enumerate() {
            for (ti, t) in ORDER.iter().enumerate() {
                let n = self.counts[fi][ti];
                if n == 0 {
                    continue;
                }
                let h = n as f64 * scale;
                let y0 = left_tops[fi] + left_used[fi];
                let y1 = right_tops[ti] + right_used[ti];
                left_used[fi] += h;
                right_used[ti] += h;
                let (x0, x1) = (LEFT + BAR, RIGHT);
                let xm = (x0 + x1) / 2.0;
                let _ = writeln!(
                    out,
                    r#"<path id="ribbon-{}-{}" class="ribbon" data-from="{}" data-to="{}" data-count="{n}" d="M {} {} C {} {} {} {} {} {} L {} {} C {} {} {} {} {} {} Z" fill="{}" fill-opacity="{}" stroke="none"><title>{} → {}: {n}</title></path>"#,
                    f.wire_name(),
                    t.wire_name(),
                    f.wire_name(),
                    t.wire_name(),
                    num(x0),
                    num(y0),
                    num(xm),
                    num(y0),
                    num(xm),
                    num(y1),
                    num(x1),
                    num(y1),
                    num(x1),
                    num(y1 + h),
                    num(xm),
                    num(y1 + h),
                    num(xm),
                    num(y0 + h),
                    num(x0),
                    num(y0 + h),
                    COLOURS[fi].0,
                    if f == t { "0.35" } else { "0.6" },
                    esc(f.label()),
                    esc(t.label())
                );
                if h >= LINE {
                    labels.push((xm, (y0 + y1 + h) / 2.0 + 4.0, n));
                }
            }
        }
        for (x, y, n) in labels {
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" text-anchor="middle" font-weight="bold" fill="#1a1a1a">{n}</text>"##,
                num(x),
                num(y)
            );
        }
        out.push_str("</g>\n");

        let _ = writeln!(out, r#"<g id="bars">"#);
        for (side, tops, x, anchor, tx) in [
            ("from", left_tops, LEFT, "end", LEFT - 8.0),
            ("to", right_tops, RIGHT, "start", RIGHT + BAR + 8.0),
        ] {
            for (i, p) in ORDER.iter().enumerate() {
                let n = if side == "from" {
                    self.leaving(i)
                } else {
                    self.arriving(i)
                };
                let h = n as f64 * scale;
                let _ = writeln!(
                    out,
                    r#"<rect id="bar-{side}-{}" class="bar" data-side="{side}" data-pathway="{}" data-count="{n}" x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>"#,
                    p.wire_name(),
                    p.wire_name(),
                    num(x),
                    num(tops[i]),
                    num(BAR),
                    num(h.max(1.0)),
                    COLOURS[i].0,
                    COLOURS[i].1
                );
                let share = n as f64 * 100.0 / total as f64;
                svg::text_lines(
                    &mut out,
                    tx,
                    tops[i] + h / 2.0 - 2.0,
                    &[p.label().to_owned(), format!("{n} ({share:.1} %)")],
                    anchor,
                    "normal",
                    "#1a1a1a",
                    "normal",
                );
            }
        }
        out.push_str("</g>\n");

        let mut lines = vec!["Every flow:".to_owned()];
        lines.extend(list);
        svg::text_lines(
            &mut out, MARGIN, list_top, &lines, "start", "normal", "#1a1a1a", "normal",
        );
        svg::close(&mut out);
        out
    }
}

impl FromIterator<(Pathway, Pathway)> for PathwayFlows {
    fn from_iter<I: IntoIterator<Item = (Pathway, Pathway)>>(iter: I) -> Self {
        let mut flows = PathwayFlows::new();
        flows.extend(iter);
        flows
    }
}

impl Extend<(Pathway, Pathway)> for PathwayFlows {
    fn extend<I: IntoIterator<Item = (Pathway, Pathway)>>(&mut self, iter: I) {
        for (from, to) in iter {
            self.add(from, to);
        }
    }
}
