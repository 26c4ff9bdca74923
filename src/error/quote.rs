//! How an error message quotes text taken from the input: bounded, with control and
//! invisible characters escaped, so that printing an error is always safe.

/// The most characters of an offending key or value that an error message quotes.
pub const ECHO_LIMIT: usize = 64;

/// Whether a character is escaped when printed: control characters (C0, DEL, C1) and the
/// invisible ones that reorder or hide text (bidirectional controls, zero-width characters,
/// line and paragraph separators, the byte-order mark).
pub(crate) fn is_unsafe(c: char) -> bool {
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

/// Renders a key or value taken from the input for an error message: at most
/// [`ECHO_LIMIT`] characters, then `…` and the whole length in bytes; backslashes and unsafe
/// characters escaped (`\\`, `\u{1b}`), so the text cannot move the cursor, forge a log
/// line or be mistaken for an escape.
pub(crate) fn echo(text: &str) -> String {
    let mut s = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == ECHO_LIMIT {
            s.push_str(&format!("… ({} bytes in all)", text.len()));
            break;
        }
        match c {
            '\\' => s.push_str("\\\\"),
            c if is_unsafe(c) => s.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => s.push(c),
        }
    }
    s
}
