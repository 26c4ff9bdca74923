//! The crate's layout: imports between the library's source files flow one way (DESIGN.md,
//! "Layout"). A file names another when its code (tests aside) says `crate::a::b`, `super::x`
//! or `use crate::{a::…, b}`; the test fails on any circle of such names, printing it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, by module path (`error::quote`, `systemic::lines`; `""` for
/// `lib.rs`).
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let rel = path
                .strip_prefix(&src)
                .expect("under src/")
                .with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            (parts.join("::"), path)
        })
        .collect()
}

/// The longest module path that begins `path` (`case::Case` → `case`).
fn owner<'m>(modules: &'m BTreeMap<String, PathBuf>, path: &[&str]) -> Option<&'m str> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get_key_value(&path[..n].join("::")))
        .map(|(k, _)| k.as_str())
}

/// The code of a file without its `#[cfg(test)]` module and its comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a source file");
    let text = text
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names after `crate::` or `super::` (`use crate::{a::X, b}` gives both).
fn named_paths(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find("};").unwrap_or(group.len())];
            for item in group.split([',', '{']) {
                let path: Vec<String> = item
                    .trim()
                    .split("::")
                    .take_while(|s| !s.is_empty() && s.chars().all(ident))
                    .map(str::to_owned)
                    .collect();
                out.push(path);
            }
        } else {
            let mut path = Vec::new();
            for segment in rest.split("::") {
                let name: String = segment.chars().take_while(|&c| ident(c)).collect();
                let whole = name.len() == segment.len();
                if !name.is_empty() {
                    path.push(name);
                }
                if !whole {
                    break;
                }
            }
            out.push(path);
        }
    }
    out
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut edges = BTreeMap::new();
    for (module, path) in &modules {
        let code = code(path);
        let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
        let parent = &parent[..parent.len().saturating_sub(1)];
        let mut named = BTreeSet::new();
        for (prefix, base) in [("crate::", &[][..]), ("super::", parent)] {
            for path in named_paths(&code, prefix) {
                let full: Vec<&str> = base
                    .iter()
                    .copied()
                    .chain(path.iter().map(String::as_str))
                    .collect();
                if let Some(target) = owner(&modules, &full) {
                    if target != module {
                        named.insert(target.to_owned());
                    }
                }
            }
        }
        edges.insert(module.clone(), named);
    }
    edges
}

/// The circles of a graph (its strongly connected components of more than one node).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finishing order on the graph, then components on the reversed graph.
    fn order<'a>(
        n: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<&'a str>,
        out: &mut Vec<&'a str>,
    ) {
        if seen.insert(n) {
            for m in edges.get(n).into_iter().flatten() {
                order(m, edges, seen, out);
            }
            out.push(n);
        }
    }
    let mut seen = BTreeSet::new();
    let mut finished = Vec::new();
    for n in edges.keys() {
        order(n, edges, &mut seen, &mut finished);
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, bs) in edges {
        for b in bs {
            reversed.entry(b.clone()).or_default().insert(a.clone());
        }
    }
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for n in finished.into_iter().rev() {
        let mut component = Vec::new();
        order(n, &reversed, &mut seen, &mut component);
        if component.len() > 1 {
            component.sort_unstable();
            found.push(component.into_iter().map(str::to_owned).collect());
        }
    }
    found
}

#[test]
fn imports_between_source_files_flow_one_way() {
    let edges = imports();
    assert!(edges.len() > 30, "the walk found the source files");
    // The reading sees what it must: the pathway table reads the predicates.
    assert!(
        edges["pathway"].contains("predicates"),
        "{:?}",
        edges["pathway"]
    );
    let found = circles(&edges);
    assert!(
        found.is_empty(),
        "import circles among the source files: {found:#?}"
    );
}

#[test]
fn a_circle_is_found() {
    let mut edges = imports();
    edges
        .get_mut("case")
        .expect("src/case.rs")
        .insert("recommendation".to_owned());
    let found = circles(&edges);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains(&"case".to_owned()) && found[0].contains(&"recommendation".to_owned())
    );
}
