//! Cases streamed from JSON Lines: one case per line in, one result per line out, in constant
//! memory.
//!
//! [`classify_all`](crate::classify_all) and [`recommend_all`](crate::recommend_all) take a
//! slice, so a cohort must fit in memory first, cases and results together. The iterators here
//! read a [`BufRead`] one line at a time into one reused buffer and yield each line's result as
//! soon as it is known; what the caller keeps is up to the caller. Memory stays flat however
//! many lines there are (the README gives a measurement over 1,000,000 lines).
//!
//! Each item is a [`Line`]: its 1-based line number and its result, so one bad line names
//! itself and does not stop the stream. Blank lines are skipped (they still count for the line
//! numbers). A line longer than [`Cases::max_line_bytes`] is an error for that line, read past
//! without being kept. Only an I/O error from the reader is an error of the stream itself: it
//! is yielded once, and the stream ends.
//!
//! ```
//! use std::io::BufReader;
//! use hcc_pathways::{stream, Pathway, Policy};
//!
//! let file = std::fs::File::open("examples/cohort/sample.jsonl")?;
//! let mut systemic = 0;
//! for line in stream::classify(BufReader::new(file), &Policy::default()) {
//!     let line = line?; // an I/O error ends the stream
//!     match line.result {
//!         Ok(c) if c.pathway == Pathway::SystemicTherapy => systemic += 1,
//!         Ok(_) => {}
//!         Err(e) => eprintln!("line {}: {e}", line.number),
//!     }
//! }
//! assert!(systemic > 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::io::{self, BufRead};

use crate::case::Case;
use crate::error::{Error, Reason};
use crate::policy::Policy;
use crate::recommendation::Recommendation;
use crate::Classification;

/// One line's result, with its 1-based line number.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Line<T> {
    /// The line number, from 1.
    pub number: u64,
    /// The case (or its classification or recommendation), or why the line is invalid.
    pub result: Result<T, Error>,
}

/// The longest line [`Cases`] reads by default: 1 MiB (a complete case is about 1 KiB).
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// The valid cases of a JSON Lines reader, one [`Line`] per non-blank line: the case parsed
/// with [`Case::from_json_bytes`] (and so validated), or its error.
#[derive(Debug)]
pub struct Cases<R> {
    reader: R,
    buf: Vec<u8>,
    number: u64,
    bytes_read: u64,
    max_line_bytes: usize,
    done: bool,
}

/// Streams the cases of a JSON Lines reader.
///
/// ```
/// let text = "{}\n\n not json\n";
/// let lines: Vec<_> = hcc_pathways::stream::cases(text.as_bytes()).collect::<Result<_, _>>()?;
/// assert_eq!(lines.len(), 2);
/// assert_eq!(lines[1].number, 3);
/// assert_eq!(lines[0].result.as_ref().unwrap_err().field(), Some("performance_status"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn cases<R: BufRead>(reader: R) -> Cases<R> {
    Cases {
        reader,
        buf: Vec::new(),
        number: 0,
        bytes_read: 0,
        max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        done: false,
    }
}

impl<R: BufRead> Cases<R> {
    /// Sets the longest line read ([`DEFAULT_MAX_LINE_BYTES`] unless set): a longer line is an
    /// [`Reason::OutOfRange`] error for the whole line, and is skipped without being buffered.
    #[must_use]
    pub fn max_line_bytes(mut self, limit: usize) -> Self {
        self.max_line_bytes = limit;
        self
    }

    /// Bytes read from the reader so far (for progress reports).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Reads the next line into the buffer, without its `\n`. `Ok(None)` at the end;
    /// `Ok(Some(len))` with the line's whole length (the buffer stays empty past the limit).
    fn read_line(&mut self) -> io::Result<Option<usize>> {
        self.buf.clear();
        let mut len = 0usize;
        let mut any = false;
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
            let (chunk, newline) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], true),
                None => (available, false),
            };
            let within = len.saturating_add(chunk.len()) <= self.max_line_bytes;
            if within {
                self.buf.extend_from_slice(chunk);
            } else {
                self.buf.clear();
            }
            len = len.saturating_add(chunk.len());
            let used = chunk.len() + usize::from(newline);
            self.reader.consume(used);
            self.bytes_read += used as u64;
            if newline {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        // A `\r` before the `\n` stays: JSON reads it as whitespace.
        Ok(Some(len))
    }
}

impl<R: BufRead> Iterator for Cases<R> {
    type Item = io::Result<Line<Case>>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let len = match self.read_line() {
                Ok(Some(len)) => len,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            self.number += 1;
            if len > self.max_line_bytes {
                let reason = Reason::OutOfRange {
                    expected: Cow::Owned(format!(
                        "a line of at most {} bytes",
                        self.max_line_bytes
                    )),
                    found: Cow::Owned(format!("{len} bytes")),
                };
                return Some(Ok(Line {
                    number: self.number,
                    result: Err(Error::invalid("", reason)),
                }));
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok(Line {
                number: self.number,
                result: Case::from_json_bytes(&self.buf),
            }));
        }
        None
    }
}

/// The classifications of a JSON Lines reader's cases under one policy: element for element
/// what [`classify`](crate::classify) gives.
#[derive(Debug)]
pub struct Classified<R> {
    cases: Cases<R>,
    policy: Policy,
}

/// Classifies each case of a JSON Lines reader under `policy` (valid by construction, so not
/// checked again).
///
/// ```
/// use hcc_pathways::{stream, Policy};
/// let lines: Vec<_> = stream::classify(&b"\n{}\n"[..], &Policy::default()).collect();
/// let line = lines[0].as_ref().expect("no I/O error");
/// assert_eq!(line.number, 2);
/// assert_eq!(line.result.as_ref().unwrap_err().field(), Some("performance_status"));
/// ```
pub fn classify<R: BufRead>(reader: R, policy: &Policy) -> Classified<R> {
    Classified {
        cases: cases(reader),
        policy: *policy,
    }
}

impl<R> Classified<R> {
    /// The case stream underneath (to set its line limit or read its progress).
    pub fn cases(&mut self) -> &mut Cases<R> {
        &mut self.cases
    }
}

impl<R: BufRead> Iterator for Classified<R> {
    type Item = io::Result<Line<Classification>>;

    fn next(&mut self) -> Option<Self::Item> {
        let policy = &self.policy;
        self.cases.next().map(|line| {
            line.map(|l| Line {
                number: l.number,
                result: l.result.and_then(|case| crate::classify(&case, policy)),
            })
        })
    }
}

/// The recommendations for a JSON Lines reader's cases under one policy: element for element
/// what [`recommend_with`](crate::recommend_with) gives.
#[derive(Debug)]
pub struct Recommended<R> {
    cases: Cases<R>,
    policy: Policy,
}

/// Recommends for each case of a JSON Lines reader under `policy`.
///
/// ```
/// use hcc_pathways::{recommend, stream, Case, Policy};
/// let text = std::fs::read_to_string("examples/cohort/sample.jsonl")?;
/// let first = text.lines().next().unwrap_or_default();
/// for line in stream::recommend(text.as_bytes(), &Policy::default()).take(1) {
///     assert_eq!(line?.result?, recommend(&Case::from_json(first)?)?);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend<R: BufRead>(reader: R, policy: &Policy) -> Recommended<R> {
    Recommended {
        cases: cases(reader),
        policy: *policy,
    }
}

impl<R> Recommended<R> {
    /// The case stream underneath (to set its line limit or read its progress).
    pub fn cases(&mut self) -> &mut Cases<R> {
        &mut self.cases
    }
}

impl<R: BufRead> Iterator for Recommended<R> {
    type Item = io::Result<Line<Recommendation>>;

    fn next(&mut self) -> Option<Self::Item> {
        let policy = &self.policy;
        self.cases.next().map(|line| {
            line.map(|l| Line {
                number: l.number,
                result: l
                    .result
                    .and_then(|case| crate::recommend_with(&case, policy)),
            })
        })
    }
}
