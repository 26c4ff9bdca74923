//! A small SVG writer: escaping, fixed number formatting, text wrapping and the shared style.
//!
//! Nothing here knows about the rules; the flowchart and the cohort flow draw with it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Font size of body text, in pixels.
pub(crate) const FONT: f64 = 12.0;
/// Height of one line of body text, in pixels.
pub(crate) const LINE: f64 = 15.0;
/// A conservative width of one character of body text (DejaVu Sans, the widest of the usual
/// sans-serif fonts, averages about 0.6 em): wrapping by it keeps text inside its box.
pub(crate) const CHAR: f64 = 7.1;

/// The font stack: DejaVu Sans first (what the wrapping widths assume), then common fallbacks.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";

/// Escapes text for an SVG text node or attribute value: `&`, `<`, `>`, `"` and `'`, and
/// drops control characters XML 1.0 does not allow (they cannot be written at all).
pub(crate) fn esc(text: &str) -> Cow<'_, str> {
    let needs = text
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'') || !xml_char(c));
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if !xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether XML 1.0 allows the character in a document.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A coordinate with one decimal, the same on every platform (`12.0`, `-3.5`); never `NaN`
/// or an infinity in the output (they become 0).
pub(crate) fn num(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    // Round first so that -0.04 prints as 0.0, not -0.0.
    let r = (x * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{r:.1}")
}

/// Wraps text into lines of at most `max` characters, at spaces; a word longer than a line is
/// cut. Existing line breaks are kept. Always at least one line.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(4);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut len = 0usize;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let mut word: Vec<char> = word.chars().collect();
            loop {
                let wlen = word.len();
                let sep = usize::from(len > 0);
                if len + sep + wlen <= max {
                    if sep == 1 {
                        line.push(' ');
                    }
                    line.extend(word.iter());
                    len += sep + wlen;
                    break;
                }
                if len > 0 {
                    lines.push(std::mem::take(&mut line));
                    len = 0;
                    continue;
                }
                // A word longer than a whole line: cut it after its last `_` or `-` that fits
                // (identifiers such as `refractory_insufficient_responses`), else at the end.
                let cut = word[..max]
                    .iter()
                    .rposition(|c| matches!(c, '_' | '-'))
                    .map_or(max, |i| i + 1);
                let rest = word.split_off(cut);
                line.extend(word.iter());
                lines.push(std::mem::take(&mut line));
                word = rest;
            }
        }
        lines.push(line);
    }
    lines
}

/// How many characters fit in `width` pixels of body text.
pub(crate) fn fits(width: f64) -> usize {
    if width.is_finite() && width > 0.0 {
        (width / CHAR).floor() as usize
    } else {
        4
    }
}

/// The document's opening: XML declaration, the `svg` element with its size, a title and a
/// description for screen readers, and the shared style sheet.
pub(crate) fn open(out: &mut String, width: f64, height: f64, title: &str, desc: &str) {
    let (w, h) = (num(width), num(height));
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" font-family="{}" font-size="{}">"#,
        esc(FONT_FAMILY),
        num(FONT)
    );
    let _ = writeln!(out, "<title>{}</title>", esc(title));
    let _ = writeln!(out, "<desc>{}</desc>", esc(desc));
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##
    );
}

/// Closes the document.
pub(crate) fn close(out: &mut String) {
    out.push_str("</svg>\n");
}

/// One `text` element per line, starting with the baseline of the first line at `y`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn text_lines(
    out: &mut String,
    x: f64,
    y: f64,
    lines: &[String],
    anchor: &str,
    weight: &str,
    fill: &str,
    style: &str,
) {
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" font-weight="{weight}" font-style="{style}" fill="{fill}">{}</text>"#,
            num(x),
            num(y + LINE * i as f64),
            esc(line)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes_and_drops_forbidden_characters() {
        assert_eq!(esc("plain"), "plain");
        assert!(matches!(esc("plain"), Cow::Borrowed(_)));
        assert_eq!(
            esc(r#"a < b & c > "d" 'e'"#),
            "a &lt; b &amp; c &gt; &quot;d&quot; &#39;e&#39;"
        );
        assert_eq!(esc("bell\u{7}"), "bell\u{FFFD}");
        assert_eq!(esc("ECOG ≥ 3"), "ECOG ≥ 3");
    }

    #[test]
    fn numbers_have_one_decimal_and_no_negative_zero() {
        assert_eq!(num(12.0), "12.0");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.04), "0.0");
        assert_eq!(num(f64::NAN), "0.0");
        assert_eq!(num(f64::INFINITY), "0.0");
    }

    #[test]
    fn wrapping_keeps_words_and_cuts_only_overlong_ones() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(
            wrap("refractory_insufficient_responses = 2", 20),
            ["refractory_", "insufficient_", "responses = 2"]
        );
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("x\ny", 10), ["x", "y"]);
        for line in wrap(&"word ".repeat(50), 17) {
            assert!(line.chars().count() <= 17, "{line}");
        }
    }
}
