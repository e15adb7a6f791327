//! Path traps: special files as inputs, hostile ids and evidence paths in packs, a broken
//! ticket template, formula neutralising in the pack's CSV exports. Pack cases run on a copy
//! of their folder.

use std::collections::BTreeSet;

use super::baseline::{assert_html_is_inert, assert_markdown_is_inert, baseline_for};
use super::{
    assert_located, assert_nothing_written, case_dir, copy_dir, listing, report_to_file, stderr,
    walk,
};
use crate::{kansa, outcome, root};

/// `path-special-inputs`: a directory and an endless file as overlays.
#[test]
pub(crate) fn special_files_as_inputs() {
    let dir = case_dir("path-special-inputs");
    let out = kansa()
        .args(["validate", "--answers"])
        .arg(&dir)
        .output()
        .unwrap();
    let msg = format!("cannot read {}", dir.display());
    assert_located("path-special-inputs", "directory", &out, &[&msg]);
    #[cfg(unix)]
    {
        let (out, out_dir, _) = report_to_file(
            &[
                "--max-file-bytes".into(),
                "1MiB".into(),
                "--answers".into(),
                "/dev/zero".into(),
            ],
            "md",
        );
        assert_located(
            "path-special-inputs",
            "/dev/zero",
            &out,
            &[
                "/dev/zero: file of more than 1 MiB is over the limit of 1 MiB",
                "hint: split the file, or raise the limit with --max-file-bytes (now 1048576)",
            ],
        );
        assert_nothing_written("path-special-inputs", out_dir.path());
    }
}

/// `path-hostile-ids`: ids such as `../x`, `CON` and `a/b` and a pack named `../../escape` stay
/// inside the pack directory.
#[test]
pub(crate) fn pack_with_hostile_ids_stays_inside() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("path-hostile-ids")), &src);
    let before = walk(work.path());
    let out_root = work.path().join("out");
    let out = kansa()
        .arg("pack")
        .arg(src.join("kansa.toml"))
        .arg("--out")
        .arg(&out_root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let after = walk(work.path());
    let added: Vec<&String> = after.difference(&before).collect();
    assert!(
        added.iter().all(|f| f.starts_with("out/______escape/")),
        "files outside the pack: {added:?}"
    );
    let tickets: BTreeSet<String> = listing(&out_root.join("______escape/tickets"))
        .into_iter()
        .collect();
    let expected: BTreeSet<String> = [
        "gap-___x.md",
        "gap-______etc_passwd.md",
        "gap-_abs.md",
        "gap-CON.md",
        "gap-NUL.md",
        "gap-COM1_txt.md",
        "gap-a_b.md",
        "gap-a_b-2.md",
        "gap-a_b-3.md",
        "gap-gap__.md",
        "gap-gap_.md",
        "gap-x_y.md",
        "gap-_script_.md",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    assert_eq!(tickets, expected);
    let html = std::fs::read_to_string(out_root.join("______escape/report.html")).unwrap();
    for anchor in [
        "id=\"c-a_b\"",
        "id=\"c-a_b-2\"",
        "id=\"c-a_b-3\"",
        "id=\"c-___x\"",
    ] {
        assert_eq!(html.matches(anchor).count(), 1, "{anchor} is unique");
    }
    assert!(html.contains("data-id=\"&lt;script&gt;\""));
    let baseline = baseline_for(&[
        "--catalogue".to_owned(),
        src.join("catalogue").display().to_string(),
    ]);
    assert_html_is_inert("path-hostile-ids", &html, &baseline);
    let md = std::fs::read_to_string(out_root.join("______escape/report.md")).unwrap();
    assert_markdown_is_inert("path-hostile-ids", &md, &baseline);
    let verify = kansa()
        .arg("verify")
        .arg(out_root.join("______escape"))
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", outcome(&verify));
}

/// `path-absolute-evidence`: absolute, drive, `..` and UNC evidence paths and a symbolic link
/// out of the root are reported (a warning; an error with --strict that writes no pack).
#[test]
pub(crate) fn evidence_paths_out_of_the_root_are_reported() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("path-absolute-evidence")), &src);
    #[cfg(unix)]
    std::os::unix::fs::symlink("../outside.txt", src.join("evidence/link.txt")).unwrap();
    let run = |strict: bool| {
        let mut cmd = kansa();
        cmd.arg("pack")
            .arg(src.join("kansa.toml"))
            .arg("--out")
            .arg(work.path().join("out"));
        if strict {
            cmd.arg("--strict");
        }
        cmd.output().unwrap()
    };
    let file = src.join("answers.csv").display().to_string();
    let leaves = |line: u32, value: &str| {
        format!("{file}:{line} (evidence): evidence path leaves the evidence root {value:?}")
    };
    let mut expected = vec![
        leaves(2, "/etc/passwd"),
        leaves(3, "C:\\Windows\\win.ini"),
        leaves(4, "..\\..\\secret.txt"),
        leaves(5, "../outside.txt"),
        leaves(6, "\\\\server\\share\\x.pdf"),
        format!("{file}:8 (evidence): evidence path is not a regular file \"sub/\""),
    ];
    if cfg!(unix) {
        expected.push(leaves(9, "link.txt"));
    }
    let needles: Vec<&str> = expected.iter().map(String::as_str).collect();

    let strict = run(true);
    assert_located("path-absolute-evidence", "--strict", &strict, &needles);
    assert!(!work.path().join("out").exists(), "--strict writes no pack");

    let out = run(false);
    assert!(out.status.success(), "{}", outcome(&out));
    let err = stderr(&out);
    for n in &needles {
        assert!(err.contains(n), "{n} missing:\n{err}");
    }
    assert!(!err.contains("policy.pdf"), "a URL is not a file: {err}");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(work.path().join("out/evidence/manifest.json")).unwrap(),
    )
    .unwrap();
    let found: Vec<&str> = manifest["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reference"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["ok.txt"], "only the file inside the root is hashed");
}

/// `tpl-ticket-error`: a broken ticket template fails the pack (exit 2) and writes nothing.
#[test]
pub(crate) fn pack_with_a_broken_ticket_template_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("tpl-ticket-error")), &src);
    let out = kansa()
        .arg("pack")
        .arg(src.join("kansa.toml"))
        .arg("--out")
        .arg(work.path().join("out"))
        .output()
        .unwrap();
    let template = format!("template {}:", src.join("templates/ticket.md").display());
    assert_located(
        "tpl-ticket-error",
        "pack",
        &out,
        &[
            &template,
            "Field `no_such_field` is not defined",
            "--> ticket.md:2:",
        ],
    );
    assert!(!work.path().join("out").exists());
}

/// `text-formula-injection` also as a pack: the CSV exports neutralise formulas.
#[test]
pub(crate) fn pack_csv_exports_neutralise_formulas() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("case");
    copy_dir(&root().join(case_dir("text-formula-injection")), &src);
    let out = kansa()
        .arg("pack")
        .arg(src.join("kansa.toml"))
        .arg("--out")
        .arg(work.path().join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let gaps = std::fs::read_to_string(work.path().join("out/formulas/gaps.csv")).unwrap();
    assert!(
        gaps.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{gaps}"
    );
    assert!(gaps.contains("'+cmd|' /C calc'!A0"), "{gaps}");
    assert!(gaps.contains("'@SUM(1+1)"), "{gaps}");
    assert!(gaps.contains("'-2+3"), "{gaps}");
}
