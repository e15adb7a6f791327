//! Hostile cases for resources: memory of very large PDF and xlsx reports, release binary size.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.
//!
//! The 200,000-control memory figures are measured by hand on a release build (too slow for
//! the test suite; docs/benchmarks.md has the commands). What can be pinned here is pinned:
//! the shipped binary's profile, and (in the unit tests beside the code) that the PDF is
//! serialized straight to its output and the xlsx list sheets are written row by row.

/// Corpus folders whose outcome is pinned by a test in this file.
pub const PINNED: &[&str] = &[];

/// The `[profile.<name>]` table of Cargo.toml, as text (up to the next table).
fn profile(cargo_toml: &str, name: &str) -> String {
    let head = format!("[profile.{name}]\n");
    let start = cargo_toml
        .find(&head)
        .unwrap_or_else(|| panic!("Cargo.toml has no {head}"));
    let body = &cargo_toml[start + head.len()..];
    body[..body.find("\n[").unwrap_or(body.len())].to_owned()
}

/// Issue 11: the release binary was 133 MB, almost all of it line tables users never read.
/// The shipped profile strips debug information (19 MB); profiling keeps a profile with it.
#[test]
fn release_binary_is_stripped_of_debug_information() {
    let toml = std::fs::read_to_string(crate::root().join("Cargo.toml")).unwrap();
    let release = profile(&toml, "release");
    assert!(
        release.lines().any(|l| l.trim() == "strip = \"debuginfo\""),
        "[profile.release] must strip debug information:\n{release}"
    );
    let profiling = profile(&toml, "profiling");
    assert!(
        profiling.contains("inherits = \"release\"") && profiling.contains("strip = \"none\""),
        "[profile.profiling] keeps the line tables for profilers:\n{profiling}"
    );
}
