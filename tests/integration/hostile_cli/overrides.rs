//! Template overrides and font faces.

use super::*;

/// `tpl-misspelt-override`: `reprot.md`, `Report.md` and `report.mdd` beside a `ticket.md`
/// that includes the folder's own `signature.md`. The three misspellings are errors, listed at
/// once with the nearest name; the included file is accepted.
#[test]
fn misspelt_template_overrides_are_errors() {
    let case = "tpl-misspelt-override";
    let args = crate::hostile::case_inputs(case);
    let dir = "tests/fixtures/hostile/tpl-misspelt-override/templates";
    let mut needles: Vec<String> = ["Report.md", "report.mdd", "reprot.md"]
        .iter()
        .map(|f| {
            format!(
                "{dir}/{f}: not a template name kansa uses, and no template includes it \"{f}\"\n  \
                 hint: did you mean report.md? the templates are report.md, report.html, \
                 report.pdf.md, control.pdf.md, gap_row.pdf.md, control.md, gap_row.md, \
                 control.html, gap_row.html, ticket.md, summary.md; rename the file, or remove it"
            )
        })
        .collect();
    needles.push("\n3 problems found".to_owned());
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    for format in ["md", "html"] {
        let (out, tmp, _) = crate::hostile::report_to_file(&args, format);
        crate::hostile::assert_located(case, format, &out, &needles);
        assert!(!stderr(&out).contains("signature.md"), "{}", stderr(&out));
        crate::hostile::assert_nothing_written(case, tmp.path());
    }

    // The same directory named by a pack config: exit 2, no pack written.
    let work = tempfile::tempdir().unwrap();
    let templates = work.path().join("templates");
    copy_dir(&root().join(dir), &templates);
    let config = work.path().join("kansa.toml");
    let overlay = root().join(crate::EXAMPLE_ANSWERS[1]);
    std::fs::write(
        &config,
        format!(
            "[[pack]]\nname = \"bank\"\noverlays = [{:?}]\ndate = \"2026-11-25\"\nformats = [\"md\"]\ntemplates = \"templates\"\n",
            overlay.display().to_string()
        ),
    )
    .unwrap();
    let out = kansa()
        .arg("pack")
        .arg(&config)
        .arg("--out")
        .arg(work.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("templates/reprot.md: not a template name kansa uses"),
        "{}",
        outcome(&out)
    );
    assert!(!work.path().join("out/bank").exists(), "pack written");

    // Renamed correctly, the overrides and the included file are used.
    std::fs::remove_file(templates.join("Report.md")).unwrap();
    std::fs::remove_file(templates.join("report.mdd")).unwrap();
    std::fs::rename(templates.join("reprot.md"), templates.join("report.md")).unwrap();
    let out = kansa()
        .arg("pack")
        .arg(&config)
        .arg("--out")
        .arg(work.path().join("out"))
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", outcome(&out));
    let tickets = work.path().join("out/bank/tickets");
    let ticket = std::fs::read_dir(&tickets)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(ticket.path()).unwrap(),
        "-- 監査室\n\n"
    );
}

#[test]
fn a_font_index_past_the_last_face_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.pdf");
    let font = "data/fonts/ipaexg.ttf";
    let out = kansa()
        .args([
            "report",
            "--date",
            "2026-11-25",
            "--font",
            font,
            "--font-index",
            "7",
        ])
        .args(example_answers())
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains(
            "data/fonts/ipaexg.ttf: font error: face index 7 does not exist: the font has 1 face \
             (index 0); fix --font-index (font_index in kansa.toml)"
        ),
        "{}",
        outcome(&out)
    );
    crate::hostile::assert_nothing_written("--font-index 7", dir.path());
    // Without --font it has nothing to select (the built-in font has one face).
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "--font-index", "1", "-o"])
        .arg(&target)
        .args(example_answers())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(stderr(&out).contains("--font <PATH>"), "{}", outcome(&out));
    crate::hostile::assert_nothing_written("--font-index 1", dir.path());
}
