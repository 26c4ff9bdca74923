//! What the command-line examples share (`recommend`, `cohort`; each includes this file with
//! `#[path]`): reading arguments, reading a policy file, failing with an exit status and a
//! message safe to print.
//!
//! Arguments are read one at a time, so adding a flag to an example is one `match` arm:
//! `"--json" => o.json = true` for a switch, `"--policy" => o.policies.push(args.value(&arg)?)`
//! for a flag with a value (given as `--policy FILE` or `--policy=FILE`).
#![allow(dead_code)] // each example uses part of it

use hcc_pathways::Policy;

/// Why a run failed: the exit status and the message for stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// 1 for invalid input (a case, a policy), 2 for a usage or I/O error.
    pub status: u8,
    /// What went wrong, without control characters.
    pub message: String,
}

impl Failure {
    /// A usage error (status 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            status: 2,
            message: format!("{} (see --help)", message.into()),
        }
    }

    /// An I/O error (status 2).
    pub fn io(message: impl Into<String>) -> Self {
        Failure {
            status: 2,
            message: message.into(),
        }
    }

    /// Writing the output failed (status 2); silent for a closed pipe (`| head`), which is how
    /// a reader says it has seen enough.
    pub fn write(e: std::io::Error) -> Self {
        Failure {
            status: 2,
            message: if e.kind() == std::io::ErrorKind::BrokenPipe {
                String::new()
            } else {
                format!("cannot write the output: {e}")
            },
        }
    }

    /// Writes `error: <message>` to `err` unless the message is empty; the exit status.
    pub fn report(self, err: &mut dyn std::io::Write) -> u8 {
        if !self.message.is_empty() {
            let _ = writeln!(err, "error: {}", self.message);
        }
        self.status
    }

    /// Invalid input (status 1).
    pub fn invalid(message: impl Into<String>) -> Self {
        Failure {
            status: 1,
            message: message.into(),
        }
    }
}

/// `text` with control characters escaped (`\u{1b}`): an argument or a path quoted in a
/// message cannot move the terminal's cursor or forge a line.
pub fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The arguments, read one at a time.
pub struct Args<I> {
    rest: I,
    /// The value given inline with the last flag (`--policy=FILE`), not yet taken.
    inline: Option<(String, String)>,
}

impl<I: Iterator<Item = String>> Args<I> {
    /// The arguments after the program name.
    pub fn new(args: impl IntoIterator<Item = String, IntoIter = I>) -> Self {
        Args {
            rest: args.into_iter(),
            inline: None,
        }
    }

    /// The next argument; a flag written `--flag=value` comes back as `--flag`, its value kept
    /// for [`Args::value`].
    ///
    /// # Errors
    /// When the previous flag was given a value inline and did not take one (`--json=yes`).
    pub fn next(&mut self) -> Result<Option<String>, Failure> {
        if let Some((flag, _)) = self.inline.take() {
            return Err(Failure::usage(format!("`{}` takes no value", shown(&flag))));
        }
        let Some(arg) = self.rest.next() else {
            return Ok(None);
        };
        if let Some((flag, value)) = arg.split_once('=').filter(|_| arg.starts_with("--")) {
            self.inline = Some((flag.to_owned(), value.to_owned()));
            return Ok(Some(flag.to_owned()));
        }
        Ok(Some(arg))
    }

    /// The value of `flag`: the one given inline, or the next argument.
    ///
    /// # Errors
    /// When there is none, or the next argument is another flag (`--policy --json`).
    pub fn value(&mut self, flag: &str) -> Result<String, Failure> {
        if let Some((_, value)) = self.inline.take() {
            return Ok(value);
        }
        match self.rest.next() {
            Some(v) if !(v.starts_with("--") && v.len() > 2) => Ok(v),
            _ => Err(Failure::usage(format!("`{}` needs a value", shown(flag)))),
        }
    }
}

/// Whether an argument is a flag (starts with `-`, and is not `-` alone, which means stdin).
pub fn is_flag(arg: &str) -> bool {
    arg.starts_with('-') && arg != "-"
}

/// The error for a flag the example does not know.
pub fn unknown_flag(arg: &str) -> Failure {
    Failure::usage(format!("unknown option `{}`", shown(arg)))
}

/// Reads and validates a policy file (JSON, only the settings that differ from the default).
///
/// # Errors
/// Status 2 when the file cannot be read, 1 when it is not a valid policy (the message names
/// the setting).
pub fn read_policy(path: &str) -> Result<Policy, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::io(format!("cannot read {}: {e}", shown(path))))?;
    Policy::from_json_bytes(&bytes)
        .map_err(|e| Failure::invalid(format!("invalid policy {}: {e}", shown(path))))
}
