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
/// The shipped profile strips debug information (19.1 MB); profiling keeps a profile with it.
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

/// A temporary directory with a `templates/` folder holding `files` (name, content).
fn templates_dir(files: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    for (name, content) in files {
        std::fs::write(templates.join(name), content).unwrap();
    }
    (dir, templates)
}

/// Issue 11: the PDF's Markdown is rendered like report.md's, one partial per control and per
/// gap, instead of handing report.pdf.md every control as a template value at once (1.5 GB for
/// 200,000 controls). The partials are real templates: overriding them changes the rows.
#[test]
fn pdf_rows_come_from_per_control_partials() {
    let (_dir, templates) = templates_dir(&[
        (
            "control.pdf.md",
            "| {{ c.id }} | ROWMARK{{ c.major }} | x | y |\n",
        ),
        (
            "gap_row.pdf.md",
            "| {{ c.id }} | GAPMARK | x | y | z | w |\n",
        ),
    ]);
    let pdf = crate::example_report("pdf", &["--templates", templates.to_str().unwrap()]);
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let catalogue = kansa::load::load_catalogue("fisc-2012").unwrap();
    assert_eq!(
        text.matches("ROWMARK").count(),
        catalogue.controls.len(),
        "one details row per control"
    );
    assert!(
        text.matches("GAPMARK").count() > 10,
        "gap rows from gap_row.pdf.md"
    );
}

/// A report.pdf.md customised for the old context (every control under `mid.controls`) fails
/// with an error naming the template, and writes nothing.
#[test]
fn old_style_pdf_template_is_a_located_error() {
    let (dir, templates) = templates_dir(&[(
        "report.pdf.md",
        "# t\n\n## g\n\n{% for c in gaps %}{{ c.id }}\n{% endfor %}\n",
    )]);
    let target = dir.path().join("r.pdf");
    let mut cmd = crate::kansa();
    cmd.args(["report", "--date", "2026-11-25", "-f", "pdf", "-o"])
        .arg(&target)
        .arg("--templates")
        .arg(&templates);
    for a in crate::EXAMPLE_ANSWERS {
        cmd.args(["--answers", a]);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("report.pdf.md"), "{err}");
    assert!(err.contains("gaps"), "{err}");
    assert!(!target.exists(), "no partial output");
}

/// The xlsx list sheets go through a temporary file: without a usable temporary directory the
/// error says so, with a hint, exit 1 (a failed output, not bad input), and nothing is written.
#[test]
fn xlsx_without_a_temporary_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("r.xlsx");
    let missing = dir.path().join("no-such-dir");
    let mut cmd = crate::kansa();
    cmd.args(["report", "--date", "2026-11-25", "-f", "xlsx", "-o"])
        .arg(&target)
        .env("TMPDIR", &missing);
    for a in crate::EXAMPLE_ANSWERS {
        cmd.args(["--answers", a]);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot create a temporary file in"), "{err}");
    assert!(err.contains("no-such-dir"), "{err}");
    assert!(err.contains("hint: ") && err.contains("TMPDIR"), "{err}");
    assert!(!target.exists(), "no partial output");
}
