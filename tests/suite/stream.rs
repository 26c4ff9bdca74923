//! The streaming API gives, line for line, what the one-case functions give, and reads any
//! input a line at a time.

use std::io::{self, BufReader, Read};

use hcc_pathways::stream::{self, Line};
use hcc_pathways::{classify, recommend_with, Case, Error, Policy, Reason};

fn cohort_text() -> String {
    std::fs::read_to_string("examples/cohort/synthetic_cohort.jsonl").expect("cohort")
}

fn policies() -> Vec<Policy> {
    let mut out = vec![Policy::default()];
    for p in ["admit_child_pugh_7", "up_to_eleven"] {
        let json = std::fs::read_to_string(format!("examples/policies/{p}.json")).expect("policy");
        out.push(Policy::from_json(&json).expect("valid policy"));
    }
    out
}

#[test]
fn classify_streams_what_classify_gives() {
    let text = cohort_text();
    for policy in policies() {
        // A small buffer, so lines cross buffer boundaries.
        let reader = BufReader::with_capacity(64, text.as_bytes());
        let lines: Vec<Line<_>> = stream::classify(reader, &policy)
            .collect::<io::Result<_>>()
            .unwrap();
        assert_eq!(lines.len(), text.lines().count());
        for (i, (line, json)) in lines.iter().zip(text.lines()).enumerate() {
            assert_eq!(line.number, i as u64 + 1);
            let case = Case::from_json(json).unwrap();
            assert_eq!(line.result, classify(&case, &policy), "line {}", i + 1);
        }
    }
}

#[test]
fn recommend_streams_what_recommend_with_gives() {
    let text: String = cohort_text()
        .lines()
        .take(60)
        .map(|l| format!("{l}\n"))
        .collect();
    for policy in policies() {
        let lines = stream::recommend(text.as_bytes(), &policy);
        let mut n = 0;
        for (line, json) in lines.zip(text.lines()) {
            let line = line.unwrap();
            let case = Case::from_json(json).unwrap();
            assert_eq!(line.result, recommend_with(&case, &policy));
            n += 1;
        }
        assert_eq!(n, 60);
    }
}

#[test]
fn bad_lines_name_themselves_and_the_stream_goes_on() {
    let mut cohort = cohort_text()
        .lines()
        .take(3)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let good = cohort[0].clone();
    let mut bytes = Vec::new();
    // 1: a byte-order mark before the first case (CRLF line ending).
    bytes.extend_from_slice(format!("\u{feff}{good}\r\n").as_bytes());
    // 2: blank, 3: whitespace only.
    bytes.extend_from_slice(b"\n \t \r\n");
    // 4: not UTF-8.
    bytes.extend_from_slice(b"{\"goals_of_care\": \"\xff\"}\n");
    // 5: not JSON. 6: an unknown field with a control character.
    bytes.extend_from_slice(b"{\n{\"\\u001b[2J\": 1}\n");
    // 7: a case that fails validation.
    cohort[1] = cohort[1].replacen('{', r#"{"goals_of_care":"comfort_focused","#, 1);
    bytes.extend_from_slice(format!("{}\n", cohort[1]).as_bytes());
    // 8: the last line, without a line ending.
    bytes.extend_from_slice(cohort[2].as_bytes());

    let lines: Vec<Line<Case>> = stream::cases(&bytes[..])
        .collect::<io::Result<_>>()
        .unwrap();
    let numbers: Vec<u64> = lines.iter().map(|l| l.number).collect();
    assert_eq!(numbers, [1, 4, 5, 6, 7, 8]);
    assert_eq!(lines[0].result, Case::from_json(&good));
    assert!(lines[0].result.is_ok());
    let err = |i: usize| lines[i].result.clone().unwrap_err();
    assert!(matches!(
        err(1),
        Error::Invalid {
            reason: Reason::Syntax { .. },
            ..
        }
    ));
    assert!(err(1).to_string().contains("not UTF-8"), "{}", err(1));
    assert!(matches!(
        err(2),
        Error::Invalid {
            reason: Reason::Syntax { .. },
            ..
        }
    ));
    assert_eq!(err(3).field(), Some(r"\u{1b}[2J"));
    assert_eq!(err(4), Error::invalid("goals_of_care", Reason::Duplicate));
    assert_eq!(lines[5].result, Case::from_json(&cohort[2]));
}

#[test]
fn a_line_over_the_limit_is_an_error_and_is_not_kept() {
    let good = cohort_text().lines().next().unwrap().to_owned();
    let long = format!("{{\"x\": \"{}\"}}", "y".repeat(10_000));
    let text = format!("{good}\n{long}\n{good}\n");
    let lines: Vec<Line<Case>> = stream::cases(text.as_bytes())
        .max_line_bytes(good.len())
        .collect::<io::Result<_>>()
        .unwrap();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].result.is_ok() && lines[2].result.is_ok());
    let e = lines[1].result.clone().unwrap_err();
    assert_eq!(e.field(), Some(""));
    assert!(matches!(
        e,
        Error::Invalid {
            reason: Reason::OutOfRange { .. },
            ..
        }
    ));
    assert!(
        e.to_string()
            .contains(&format!("found {} bytes", long.len())),
        "{e}"
    );
    // The default limit admits any real case.
    assert_eq!(stream::DEFAULT_MAX_LINE_BYTES, 1 << 20);
}

/// A reader that serves some bytes, then fails.
struct Failing {
    data: &'static [u8],
    failed: bool,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.data.is_empty() {
            let n = buf.len().min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            return Ok(n);
        }
        if !self.failed {
            self.failed = true;
            return Err(io::Error::new(io::ErrorKind::Interrupted, "try again"));
        }
        Err(io::Error::other("disk on fire"))
    }
}

#[test]
fn an_io_error_ends_the_stream_once() {
    let reader = BufReader::new(Failing {
        data: b"{}\n{",
        failed: false,
    });
    let mut lines = stream::cases(reader);
    let first = lines.next().unwrap().unwrap();
    assert_eq!(first.number, 1);
    assert!(first.result.is_err());
    // Interrupted is retried; the next error ends the stream.
    let err = lines.next().unwrap().unwrap_err();
    assert_eq!(err.to_string(), "disk on fire");
    assert!(lines.next().is_none());
    assert!(lines.next().is_none());
}

#[test]
fn progress_counts_bytes() {
    let text = cohort_text();
    let mut lines = stream::cases(text.as_bytes());
    assert_eq!(lines.bytes_read(), 0);
    lines.next();
    assert_eq!(
        lines.bytes_read() as usize,
        text.lines().next().unwrap().len() + 1
    );
    let rest = lines.by_ref().count();
    assert_eq!(rest + 1, text.lines().count());
    assert_eq!(lines.bytes_read() as usize, text.len());
}
