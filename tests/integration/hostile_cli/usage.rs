//! Usage and help: thread caps, no `--answers`, help texts, PDF-only flags, closed stderr.

use super::*;

#[test]
fn huge_thread_counts_are_capped_and_said_once() {
    let cores = std::thread::available_parallelism().map_or(1, |p| p.get());
    let cap = cores * 4;
    let warning = format!("is more than 4 threads per core ({cores} cores here); using {cap}");
    let runs: Vec<(&str, Output)> = vec![
        (
            "-j 99999 validate",
            kansa()
                .args(["-j", "99999", "validate"])
                .args(example_answers())
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap(),
        ),
        (
            "KANSA_JOBS=5000 report",
            kansa()
                .env("KANSA_JOBS", "5000")
                .args(["report", "--date", "2026-11-25", "-f", "json"])
                .args(example_answers())
                .timeout(Duration::from_secs(60))
                .output()
                .unwrap(),
        ),
    ];
    for (what, out) in &runs {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", outcome(out));
        assert_eq!(
            err.matches(&warning).count(),
            1,
            "{what}: said once:\n{err}"
        );
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
    let (_t, dir) = pack_copy();
    let out = kansa()
        .args(["-j", "99999", "pack", "--quiet"])
        .arg(root().join("examples/example-bank/kansa.toml"))
        .arg("--out")
        .arg(dir.join("out"))
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "pack: {}", outcome(&out));
    assert_eq!(
        stderr(&out).matches(&warning).count(),
        1,
        "{}",
        outcome(&out)
    );
    // Within the cap: no warning.
    let out = kansa()
        .args(["-j", &cap.to_string(), "validate"])
        .args(example_answers())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
    assert!(!stderr(&out).contains("warning"), "{}", outcome(&out));
}

#[test]
fn no_answers_is_a_usage_error_unless_asked_for() {
    let out = kansa().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert_eq!(
        stderr(&out),
        "error: validate: no answer overlay given\n  hint: add --answers FILE (CSV or .xlsx, \
         repeatable); to check the catalogue alone, add --no-answers\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.html");
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("report: no answer overlay given")
            && stderr(&out)
                .contains("for a blank report (every control unanswered), add --no-answers"),
        "{}",
        outcome(&out)
    );
    crate::hostile::assert_nothing_written("report without answers", dir.path());
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "to stdout: {}", outcome(&out));
    assert!(out.stdout.is_empty());

    // Asked for: a blank report, and the catalogue checked alone.
    let out = kansa()
        .args([
            "report",
            "--no-answers",
            "--date",
            "2026-11-25",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["coverage"], 0.0, "{}", v["summary"]);
    let out = kansa().args(["validate", "--no-answers"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
    assert_eq!(stderr(&out), "ok: catalogue fisc-2012 (251 controls)\n");
    // Both at once is a contradiction.
    let out = kansa()
        .args([
            "validate",
            "--no-answers",
            "--answers",
            crate::EXAMPLE_ANSWERS[0],
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    // A broken catalogue is still reported as such, not as missing answers.
    let out = kansa()
        .args(["validate", "--catalogue", "no/such/catalogue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        !stderr(&out).contains("no answer overlay"),
        "{}",
        outcome(&out)
    );
}

fn help(args: &[&str]) -> String {
    let out = kansa().args(args).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", outcome(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn help_texts_say_what_each_command_does() {
    for command in [&[][..], &["report"], &["validate"]] {
        let text = help(command);
        assert!(
            text.contains("or Excel workbooks (.xlsx"),
            "{command:?}: overlays are not CSV only:\n{text}"
        );
    }
    for command in [
        &[][..],
        &["report"],
        &["validate"],
        &["init"],
        &["verify"],
        &["catalogue", "list"],
    ] {
        let text = help(command);
        let jobs: String = text
            .split("-j, --jobs")
            .nth(1)
            .unwrap_or_else(|| panic!("{command:?} lacks -j:\n{text}"))
            .lines()
            .take_while(|l| !l.trim_start().starts_with('-'))
            .collect();
        assert!(!jobs.contains("pack"), "{command:?}: -j help: {jobs}");
        assert!(
            jobs.contains("at most 4 per core"),
            "{command:?}: -j help: {jobs}"
        );
    }
    let init = help(&["init"]);
    assert!(
        !init.contains("--answers)"),
        "init repeats --answers:\n{init}"
    );
    assert!(init.contains("--from pre-fills"), "{init}");
    let main = help(&[]);
    assert!(
        main.contains("a pack gate tripped") && main.contains("verify found a changed"),
        "{main}"
    );
    let verify = help(&["verify"]);
    assert!(verify.contains("2 not a pack"), "{verify}");
    assert!(verify.contains("--verbose"), "{verify}");
    assert!(help(&["pack"]).contains("builds up to N packs at once"));
    assert!(help(&["report"]).contains("--no-answers"));
}

/// PDF-only flags with another format would be ignored without a word: usage errors.
#[test]
fn pdf_only_flags_with_another_format_are_errors() {
    for (flags, format) in [
        (&["--paper", "letter"][..], "md"),
        (&["--landscape"][..], "html"),
        (&["--font", "data/fonts/ipaexg.ttf"][..], "json"),
        (
            &["--font", "data/fonts/ipaexg.ttf", "--font-index", "0"][..],
            "xlsx",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(format!("report.{format}"));
        let out = kansa()
            .args(["report", "--date", "2026-11-25"])
            .args(flags)
            .args(example_answers())
            .arg("-o")
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {}", outcome(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "error: {} applies only to PDF output, and this report is {format}\n  hint: add \
                 --format pdf (or -o FILE.pdf), or drop {}\n",
                flags[0], flags[0]
            ),
            "{flags:?}"
        );
        crate::hostile::assert_nothing_written("pdf-only flag", dir.path());
    }
    // With PDF they are taken.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.pdf");
    let out = kansa()
        .args([
            "report",
            "--date",
            "2026-11-25",
            "--paper",
            "letter",
            "--landscape",
        ])
        .args(["--font", "data/fonts/ipaexg.ttf"])
        .args(example_answers())
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
    assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF"));
}

/// Regression: with standard error closed early (`kansa validate … 2>&1 | head -1`) the first
/// failed write panicked ("failed printing to stderr: Broken pipe", exit 101). The messages are
/// dropped and the exit code stays the contract's.
#[test]
fn a_closed_standard_error_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let overlay = dir.path().join("many.csv");
    let rows: String = (0..2000).map(|i| format!("X{i},implemented\n")).collect();
    std::fs::write(&overlay, format!("id,status\n{rows}")).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kansa"))
        .current_dir(crate::root())
        .args(["validate", "--answers"])
        .arg(&overlay)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "validate with stderr closed");
}
