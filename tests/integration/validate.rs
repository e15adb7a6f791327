//! `kansa validate` over every folder in `tests/fixtures/validate/`: each folder's CSV files are
//! passed as overlays in name order, and exit code + stderr are pinned with insta.

use crate::{files_in, kansa, outcome, root};

#[test]
fn every_fixture_folder() {
    let base = root().join("tests/fixtures/validate");
    let cases = files_in(&base);
    assert!(cases.len() >= 9, "fixture folders missing: {cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let mut cmd = kansa();
        cmd.arg("validate");
        for f in files_in(&case) {
            let rel = f.strip_prefix(root()).unwrap();
            cmd.arg("--answers").arg(rel);
        }
        let out = cmd.output().unwrap();
        // Ok cases end in "-ok" and must pass; every other case must fail with exit 2.
        let expected = if name.ends_with("-ok") { 0 } else { 2 };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{name}: {}",
            outcome(&out)
        );
        insta::assert_snapshot!(name, outcome(&out));
    }
}

#[test]
fn report_with_bad_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.html");
    let out = kansa()
        .args([
            "report",
            "--answers",
            "tests/fixtures/validate/bad-values/answers.csv",
            "-o",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "temp file left behind"
    );
}

#[test]
fn missing_answers_file_is_exit_2() {
    let out = kansa()
        .args(["validate", "--answers", "no/such/file.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read no/such/file.csv"), "{err}");
}

#[test]
fn forced_encoding_is_used() {
    let out = kansa()
        .args([
            "validate",
            "--encoding",
            "utf-8",
            "--answers",
            "tests/fixtures/validate/shift-jis-ok/answers.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "Shift_JIS bytes read as UTF-8 must fail"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bytes that are not valid UTF-8"), "{err}");
}
