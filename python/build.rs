//! Reads the library's version from its manifest (`../Cargo.toml`, section `[package]`) and
//! passes it to the bindings as `HCC_PATHWAYS_VERSION`, so that Python reports the version of
//! the library it wraps even when the two crates' versions differ. The library exports no
//! version constant of its own (see the crate README, "Python").

use std::path::Path;

fn main() {
    let manifest = Path::new("..").join("Cargo.toml");
    println!("cargo:rerun-if-changed={}", manifest.display());
    let text = match std::fs::read_to_string(&manifest) {
        Ok(t) => t,
        Err(e) => fail(&format!("cannot read {}: {e}", manifest.display())),
    };
    // `version.workspace = true` in [package] defers to [workspace.package].
    let version = match table_version(&text, "[package]") {
        Some(Version::Inherited) => table_version(&text, "[workspace.package]"),
        other => other,
    };
    match version {
        Some(Version::Plain(v)) => println!("cargo:rustc-env=HCC_PATHWAYS_VERSION={v}"),
        _ => fail("no `version = \"…\"` in the [package] section of ../Cargo.toml"),
    }
}

enum Version<'a> {
    Plain(&'a str),
    Inherited,
}

/// The `version` key of one table of a Cargo manifest (a plain string or `.workspace = true`).
fn table_version<'a>(toml: &'a str, table: &str) -> Option<Version<'a>> {
    let mut inside = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == table;
            continue;
        }
        let Some(rest) = line.strip_prefix("version").filter(|_| inside) else {
            continue;
        };
        let rest = rest.trim_start();
        if rest.starts_with(".workspace") {
            return Some(Version::Inherited);
        }
        let value = rest.strip_prefix('=')?.trim().strip_prefix('"')?;
        return value.split('"').next().map(Version::Plain);
    }
    None
}

fn fail(msg: &str) -> ! {
    eprintln!("hcc-pathways-python build script: {msg}");
    std::process::exit(1)
}
