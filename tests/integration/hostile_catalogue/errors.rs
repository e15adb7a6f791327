//! Located errors: broken catalogues and templates folders stop every command.

use super::*;

crate::hostile::error_cases! {
/// Catalogue and `catalogue.toml` problems are located errors: exit 2, file:line:column, the
/// value, a hint, nothing written (`validate` and `report -o`): one test each.
CATALOGUE_ERRORS = [
    cat_toml_unknown_key: err(
        "cat-toml-unknown-key",
        &[
            "cat-toml-unknown-key/catalogue/catalogue.toml:3:1: invalid catalogue metadata: unknown field `edtion`",
            "expected one of `id`, `name`, `name_en`, `edition`",
            HINT,
        ],
    ),
    cat_toml_section_typo: err(
        "cat-toml-section-typo",
        &[
            "cat-toml-section-typo/catalogue/catalogue.toml:4:3: invalid catalogue metadata: unknown field `section`",
            "`sections`",
            HINT,
        ],
    ),
    cat_header_only: err(
        "cat-header-only",
        &[
            "cat-header-only/catalogue/controls.csv:1:1: the catalogue has no controls \"id,section,major,middle,text\"",
            "hint: add one row per control under the header row",
        ],
    ),
    cat_blank_rows_only: err(
        "cat-blank-rows-only",
        &[
            "cat-blank-rows-only/catalogue/controls.csv:1:1: the catalogue has no controls",
            HINT,
        ],
    ),
    cat_empty_ids: err(
        "cat-empty-ids",
        &[
            "cat-empty-ids/catalogue/controls.csv:3:1 (id): empty id \"\"",
            "cat-empty-ids/catalogue/controls.csv:4:1 (id): empty id \"  \"",
            "hint: every control needs an id",
            "2 problems found",
        ],
    ),
    cat_duplicate_ids: err(
        "cat-duplicate-ids",
        &[
            "cat-duplicate-ids/catalogue/controls.csv:4:1 (id): duplicate id \"A‐1\"",
            "hint: already defined on line 2 (both read as \"A-1\"",
            "cat-duplicate-ids/catalogue/controls.csv:5:1 (id): duplicate id \"A２\"",
            "hint: already defined on line 3",
        ],
    ),
]
}

/// A catalogue with a header and no controls used to report 100.0% coverage with exit 0: now
/// every command that loads it fails, `init` included, and writes nothing.
#[test]
fn an_empty_catalogue_fails_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = case_dir("cat-header-only").join("catalogue");
    let out = kansa()
        .args(["init", "--catalogue"])
        .arg(&catalogue)
        .arg("-o")
        .arg(dir.path().join("answers.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert_nothing_written("cat-header-only (init)", dir.path());
    let out = kansa()
        .args(["report", "-f", "json", "--catalogue"])
        .arg(&catalogue)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(out.stdout.is_empty(), "no partial report on stdout");
}

/// Regression (B10): `--templates DIR` skipped entries that are not regular files without a
/// word (a subdirectory `ja/report.md`, a dangling symlink or a directory named `report.md`)
/// and used the built-in template. Each is now an error naming the entry (one test each);
/// dot files are still skipped.
///
/// Runs `report --templates DIR` with an answers file written in `tmp`: exit 2, the stderr
/// names `entry` and says only top-level files are read, and nothing is written.
fn assert_templates_entry_refused(tmp: &Path, dir: &Path, entry: &str) {
    let answers = templates_answers(tmp);
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("r.md");
    let out = kansa()
        .args(["report", "--answers"])
        .arg(&answers)
        .arg("--templates")
        .arg(dir)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    let text = crate::hostile::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        text.contains(entry) && text.contains("top level"),
        "{}: {text}",
        dir.display()
    );
    assert!(listing(out_dir.path()).is_empty(), "{text}");
}

/// A one-row overlay in `tmp`, for the `--templates` runs.
fn templates_answers(tmp: &Path) -> std::path::PathBuf {
    let answers = tmp.join("ok.csv");
    std::fs::write(&answers, "id,status\n運10-1,implemented\n").unwrap();
    answers
}

#[test]
fn a_templates_subdirectory_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let subdir = tmp.path().join("t1");
    std::fs::create_dir_all(subdir.join("ja")).unwrap();
    std::fs::write(subdir.join("ja/report.md"), "CUSTOM\n").unwrap();
    assert_templates_entry_refused(tmp.path(), &subdir, "ja");
}

#[test]
fn a_templates_directory_named_like_a_template_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let named_dir = tmp.path().join("t3");
    std::fs::create_dir_all(named_dir.join("report.md")).unwrap();
    assert_templates_entry_refused(tmp.path(), &named_dir, "report.md");
}

#[cfg(unix)]
#[test]
fn a_dangling_templates_symlink_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dangling = tmp.path().join("t2");
    std::fs::create_dir_all(&dangling).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("nonexistent"), dangling.join("report.md")).unwrap();
    assert_templates_entry_refused(tmp.path(), &dangling, "report.md");
}

/// Hidden entries, even directories, are still skipped.
#[test]
fn hidden_templates_entries_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = templates_answers(tmp.path());
    let hidden = tmp.path().join("t4");
    std::fs::create_dir_all(hidden.join(".git")).unwrap();
    std::fs::write(hidden.join(".DS_Store"), "x").unwrap();
    std::fs::write(hidden.join("report.md"), "CUSTOM\n").unwrap();
    let out = kansa()
        .args(["report", "--answers"])
        .arg(&answers)
        .arg("--templates")
        .arg(&hidden)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("CUSTOM"));
}

/// Regression (B4): a catalogue column `status` / `owner` (or 担当) gave gaps.csv and
/// answers-merged.csv two columns of that name; now the pack stops with a located error and
/// writes nothing.
#[test]
fn a_catalogue_column_named_like_an_answer_column_stops_the_pack() {
    let (tmp, out) = pack_of(
        "id,section,major,middle,text,status,担当\nA1,S,M,m,t,cat-status,cat-owner\n",
        "id,status,owner\nA1,not_implemented,alice\n",
    );
    let text = crate::hostile::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    for needle in [
        "controls.csv:1:6",
        "controls.csv:1:7",
        "\"status\"",
        "\"担当\"",
        "rename",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert!(!tmp.path().join("out").exists(), "{text}");
}
