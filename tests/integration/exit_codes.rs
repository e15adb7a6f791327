//! Exit codes follow the cause (README "Exit codes"): bad input or usage exits 2, an output
//! that cannot be written exits 1. Issue 12: a failed xlsx write used to exit 2.

use crate::{EXAMPLE_ANSWERS, kansa, outcome};

/// `report -o` into a path whose parent is a regular file: the output cannot be written.
#[test]
fn a_failed_xlsx_write_exits_1_and_a_missing_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"a file").unwrap();
    let target = blocker.join("report.xlsx");
    let mut cmd = kansa();
    cmd.args(["report", "--date", "2026-11-25", "-o"])
        .arg(&target);
    for a in EXAMPLE_ANSWERS {
        cmd.args(["--answers", a]);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", outcome(&out));
    assert!(err.contains("error: cannot write"), "{err}");
    assert!(err.contains("not-a-dir"), "{err}");

    // The same command with an input that does not exist: bad input, exit 2.
    let missing = dir.path().join("no-such-answers.csv");
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "--answers"])
        .arg(&missing)
        .arg("-o")
        .arg(dir.path().join("report.xlsx"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(err.contains("no-such-answers.csv"), "{err}");
    assert!(!dir.path().join("report.xlsx").exists());
}

// The xlsx writer's own failure (no usable `TMPDIR`) exits 1 too:
// `hostile_scale::xlsx_without_a_temporary_directory_is_a_clear_error`.

/// A pack that cannot be published exits 1 (after logging why), one with bad input 2.
#[test]
fn a_pack_that_cannot_be_written_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"a file").unwrap();
    let config = dir.path().join("kansa.toml");
    let answers = crate::root().join(EXAMPLE_ANSWERS[1]);
    let write_config = |overlay: &std::path::Path| {
        std::fs::write(
            &config,
            format!(
                "[[pack]]\nname = \"p\"\ncatalogue = \"fisc-2012\"\noverlays = [{:?}]\n\
                 date = \"2026-11-25\"\nformats = [\"md\"]\nout = \"not-a-dir/packs\"\n",
                overlay.display().to_string()
            ),
        )
        .unwrap();
    };
    write_config(&answers);
    let out = kansa().arg("pack").arg(&config).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", outcome(&out));
    assert!(err.contains("error: pack p: cannot write"), "{err}");

    write_config(&dir.path().join("no-such-answers.csv"));
    let out = kansa().arg("pack").arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
}
