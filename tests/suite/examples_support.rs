//! Support for the tests that run the examples: bundled files as one JSON line, and scratch
//! files (policies, cohorts) in a directory removed afterwards.

use std::path::PathBuf;

/// A bundled JSON document, compacted onto one line.
pub fn one_line(path: &str) -> String {
    let text = std::fs::read_to_string(path).expect("bundled file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("bundled file is JSON");
    v.to_string()
}

/// A directory of its own for one test (under the system's temporary directory), removed when
/// dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// A fresh directory named after the test and the process.
    pub fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hcc-pathways-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }

    /// Writes `name` with `content`; its path.
    pub fn file(&self, name: &str, content: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, content).expect("scratch file");
        path.to_str().expect("UTF-8 temporary path").to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
