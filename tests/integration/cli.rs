//! The smaller commands: help, init, catalogue, templates.

use crate::{kansa, outcome};

#[test]
fn help_explains_columns_and_values() {
    for args in [
        vec!["--help"],
        vec!["report", "--help"],
        vec!["validate", "--help"],
    ] {
        let out = kansa().args(&args).output().unwrap();
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout);
        for needle in [
            "対応状況",
            "not_applicable",
            "YYYY-MM-DD",
            "Shift_JIS",
            "Exit codes",
        ] {
            assert!(help.contains(needle), "{args:?} help lacks {needle}");
        }
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = kansa()
        .args(["report", "--format", "doc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = kansa().args(["report", "-o", "x.doc"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format"));
    let out = kansa()
        .args(["report", "--date", "2026-02-30"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn init_sheet_opens_in_excel_and_reads_back_clean() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("answers.csv");
    let out = kansa().args(["init", "-o"]).arg(&sheet).output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let bytes = std::fs::read(&sheet).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("項番,区分,基準大項目,中項目,小項目,対応状況,"));
    assert_eq!(
        text.matches("\r\n").count(),
        252,
        "header + 251 controls, CRLF"
    );
    let out = kansa()
        .args(["validate", "--catalog", "fisc-2012", "--answers"])
        .arg(&sheet)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "blank sheet validates: {}",
        outcome(&out)
    );
}

#[test]
fn catalogue_list_and_show() {
    let out = kansa().args(["catalogue", "list"]).output().unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.starts_with("fisc-2012\t"), "{list}");
    assert!(list.contains("(251 controls)"));
    let out = kansa()
        .args(["catalogue", "show", "fisc-2012"])
        .output()
        .unwrap();
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(
        show.contains("設83-1\t回線は、専用の配線スペースに設けること。"),
        "{show}"
    );
    assert!(show.ends_with("251 controls\n"));
}

#[test]
fn templates_export_then_refuse_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = kansa()
        .args(["templates", "export"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(md.contains("{{ labels.findings_register }}"));
    assert!(dir.path().join("report.html").exists());
    let again = kansa()
        .args(["templates", "export"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = kansa()
        .args(["templates", "export", "--force"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(forced.status.success());
}

fn statuses(answers: &std::path::Path) -> Vec<(String, String)> {
    let out = kansa()
        .args(["report", "-f", "json", "--date", "2026-11-25", "--answers"])
        .arg(answers)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut all = Vec::new();
    for s in v["sections"].as_array().unwrap() {
        for m in s["majors"].as_array().unwrap() {
            for mid in m["middles"].as_array().unwrap() {
                for c in mid["controls"].as_array().unwrap() {
                    all.push((
                        c["id"].as_str().unwrap().to_owned(),
                        format!("{}|{}|{}", c["status"], c["responsibility"], c["answer"]),
                    ));
                }
            }
        }
    }
    all
}

#[test]
fn init_from_provider_answers_round_trips_in_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let aws = crate::root().join("examples/aws-2012/answers.csv");
    let expected = statuses(&aws);
    for (name, lang) in [
        ("sheet.csv", "ja"),
        ("sheet-en.csv", "en"),
        ("book.xlsx", "ja"),
    ] {
        let target = dir.path().join(name);
        let out = kansa()
            .args(["init", "--lang", lang, "--from"])
            .arg(&aws)
            .arg("-o")
            .arg(&target)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", outcome(&out));
        assert_eq!(
            statuses(&target),
            expected,
            "{name} reads back as the provider's answers"
        );
    }
    let book = std::fs::read(dir.path().join("book.xlsx")).unwrap();
    assert!(book.starts_with(b"PK"), "xlsx is a zip");
}

#[test]
fn xlsx_gap_register_and_sheet_filter() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.xlsx");
    let mut cmd = kansa();
    cmd.args(["report", "--date", "2026-11-25"]);
    for a in crate::EXAMPLE_ANSWERS {
        cmd.args(["--answers", a]);
    }
    let out = cmd.arg("-o").arg(&target).output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(std::fs::read(&target).unwrap().starts_with(b"PK"));

    let book = dir.path().join("answers.xlsx");
    assert!(
        kansa()
            .args(["init", "-o"])
            .arg(&book)
            .output()
            .unwrap()
            .status
            .success()
    );
    let out = kansa()
        .args(["validate", "--sheet", "運用", "--answers"])
        .arg(&book)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("(114 rows, xlsx)"),
        "{}",
        outcome(&out)
    );
    let out = kansa()
        .args(["validate", "--sheet", "No such sheet", "--answers"])
        .arg(&book)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
}

/// `init --from` reads overlays under the same limits as `report`, and takes the same flags.
#[test]
fn init_from_takes_the_input_limits() {
    let out = kansa()
        .args([
            "init",
            "--from",
            "examples/aws-2012/answers.csv",
            "--max-rows",
            "10",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", crate::outcome(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("examples/aws-2012/answers.csv:52:1: more than 10 data rows"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

/// A workbook that makes the reader panic (an overflowing cell reference, found by fuzzing;
/// it panics where overflow checks are on, as in this debug build) is a damaged file: exit 2,
/// one clean error, and not the reader's panic message.
#[test]
fn a_reader_panic_is_a_clean_error() {
    let out = kansa()
        .args([
            "validate",
            "--answers",
            "tests/fixtures/xlsx/cell-reference-overflow.xlsx",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: tests/fixtures/xlsx/cell-reference-overflow.xlsx: cannot read workbook: the workbook reader failed on this file (it is damaged)"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

/// A template that fails half-way through the document leaves nothing on standard output:
/// the rendered first lines must not reach a pipe as if they were a report.
#[test]
fn a_failing_template_writes_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["report.md", "report.html"] {
        std::fs::write(
            dir.path().join(name),
            "# {{ title }}\n{{ gap_rows }}\n{{ nope.nothing }}\n",
        )
        .unwrap();
    }
    for format in ["md", "html"] {
        let out = kansa()
            .args(["report", "--date", "2026-11-25", "-f", format])
            .args([
                "--answers",
                "examples/example-bank/answers.csv",
                "--templates",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {err}");
        assert!(
            err.contains("Variable `nope` is not defined"),
            "{format}: {err}"
        );
        assert!(
            out.stdout.is_empty(),
            "{format}: {} bytes on stdout",
            out.stdout.len()
        );
    }
}
