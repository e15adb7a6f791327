//! Hostile cases for the command line: verify, usage errors, help texts, messages, thread caps, template overrides.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::time::Duration;

use crate::hostile::{copy_dir, stderr};
use crate::{kansa, outcome, root};

/// Corpus folders whose outcome is pinned by a test in this file.
pub const PINNED: &[&str] = &["tpl-misspelt-override"];

// ---------------------------------------------------------------------------------------------
// verify

/// The example pack, built once; each test works on its own copy.
fn pristine_pack() -> &'static Path {
    static PACK: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PACK
        .get_or_init(|| {
            let out = tempfile::tempdir().unwrap();
            let res = kansa()
                .arg("pack")
                .arg(root().join("examples/example-bank/kansa.toml"))
                .arg("--out")
                .arg(out.path())
                .arg("--quiet")
                .output()
                .unwrap();
            assert!(res.status.success(), "{}", outcome(&res));
            let pack = out.path().join("example-bank");
            (out, pack)
        })
        .1
}

/// A fresh copy of the example pack: (its temporary parent, the pack directory).
fn pack_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    copy_dir(pristine_pack(), &pack);
    (dir, pack)
}

/// `kansa verify` with a deadline: a FIFO must not make it wait.
fn verify(pack: &Path, extra: &[&str]) -> Output {
    kansa()
        .arg("verify")
        .arg(pack)
        .args(extra)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sha256_hex(bytes: &[u8]) -> String {
    kansa::pack::manifest::sha256(bytes)
}

/// Replace the `SHA256SUMS` line of `name` with the digest of its current content.
fn resum(pack: &Path, name: &str) {
    let digest = sha256_hex(&std::fs::read(pack.join(name)).unwrap());
    let sums = std::fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
    let suffix = format!("  {name}");
    let lines: Vec<String> = sums
        .lines()
        .map(|l| {
            if l.ends_with(&suffix) {
                format!("{digest}{suffix}")
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(pack.join("SHA256SUMS"), lines.join("\n") + "\n").unwrap();
}

/// Change the `outputs` of the pack's manifest and update its `SHA256SUMS` line, as someone
/// covering their tracks would.
fn edit_manifest(pack: &Path, edit: impl FnOnce(&mut Vec<serde_json::Value>)) {
    let path = pack.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(m["outputs"].as_array_mut().unwrap());
    std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
    resum(pack, "manifest.json");
}

/// Assert exit 1 with `line` among the problems printed, and the summary saying so.
fn assert_fails_with(what: &str, out: &Output, line: &str) {
    let text = stdout(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: {}\n{text}",
        outcome(out)
    );
    assert!(text.contains(line), "{what}: {line:?} missing:\n{text}");
    assert!(text.contains("NOT INTACT"), "{what}: {text}");
    assert!(
        !stderr(out).contains("panicked"),
        "{what}: {}",
        outcome(out)
    );
}

#[test]
fn verify_cross_checks_sums_against_the_manifest() {
    // An edit with only its SHA256SUMS line updated: the manifest still has the old digest.
    let (_t, pack) = pack_copy();
    std::fs::write(pack.join("summary.md"), "all fine\n").unwrap();
    resum(&pack, "summary.md");
    assert_fails_with(
        "sums updated",
        &verify(&pack, &[]),
        "MISMATCH  summary.md: SHA256SUMS and manifest.json give different SHA-256 digests",
    );

    // The manifest edited too, and its own SUMS line updated: still caught, now by the
    // size the manifest records.
    let (_t, pack) = pack_copy();
    let manifest = std::fs::read_to_string(pack.join("manifest.json")).unwrap();
    let old = sha256_hex(&std::fs::read(pack.join("summary.md")).unwrap());
    std::fs::write(pack.join("summary.md"), "all fine\n").unwrap();
    let new = sha256_hex(b"all fine\n");
    std::fs::write(pack.join("manifest.json"), manifest.replace(&old, &new)).unwrap();
    resum(&pack, "summary.md");
    resum(&pack, "manifest.json");
    assert_fails_with("both updated", &verify(&pack, &[]), "CHANGED   summary.md");

    // A file dropped from the manifest (and the manifest re-summed).
    let (_t, pack) = pack_copy();
    edit_manifest(&pack, |outputs| outputs.retain(|o| o["path"] != "gaps.csv"));
    assert_fails_with(
        "not in manifest",
        &verify(&pack, &[]),
        "MISMATCH  gaps.csv: listed in SHA256SUMS but not in manifest.json",
    );

    // A file dropped from SHA256SUMS only.
    let (_t, pack) = pack_copy();
    let sums = std::fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
    let kept: String = sums
        .lines()
        .filter(|l| !l.ends_with("  gaps.csv"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(pack.join("SHA256SUMS"), kept).unwrap();
    let out = verify(&pack, &[]);
    assert_fails_with(
        "not in sums",
        &out,
        "MISMATCH  gaps.csv: listed in manifest.json but not in SHA256SUMS",
    );
    assert!(
        stdout(&out).contains("UNLISTED  gaps.csv"),
        "{}",
        stdout(&out)
    );

    // A manifest entry naming a path outside the pack (the manifest re-summed): refused.
    let (_t, pack) = pack_copy();
    let mut i = 0;
    edit_manifest(&pack, |outputs| {
        i = outputs
            .iter()
            .position(|o| o["path"] == "gaps.csv")
            .unwrap();
        outputs[i]["path"] = "../gaps.csv".into();
    });
    let out = verify(&pack, &[]);
    assert_fails_with(
        "manifest path outside",
        &out,
        &format!(
            "BAD LINE  manifest.json outputs[{i}]: path with an empty, `.` or `..` part: ../gaps.csv"
        ),
    );
    assert!(
        stdout(&out).contains("MISMATCH  gaps.csv: listed in SHA256SUMS but not in manifest.json"),
        "{}",
        stdout(&out)
    );

    // manifest.json changed without its SUMS line: CHANGED, and the files are still checked.
    let (_t, pack) = pack_copy();
    std::fs::write(pack.join("manifest.json"), "{}").unwrap();
    std::fs::write(pack.join("summary.md"), "x").unwrap();
    let out = verify(&pack, &[]);
    assert_fails_with("manifest changed", &out, "CHANGED   manifest.json");
    assert!(
        stdout(&out).contains("CHANGED   summary.md"),
        "{}",
        stdout(&out)
    );
}

#[cfg(unix)]
#[test]
fn verify_reads_only_regular_files_inside_the_pack() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    type Setup = fn(&Path, &Path);
    let cases: &[(&str, Setup, &str)] = &[
        (
            "symlink to /dev/zero",
            |p, _| {
                std::fs::remove_file(p.join("report.md")).unwrap();
                symlink("/dev/zero", p.join("report.md")).unwrap();
            },
            "NOT FILE  report.md: a symbolic link",
        ),
        (
            "symlink to an identical copy outside",
            |p, o| {
                std::fs::copy(p.join("report.md"), o.join("copy.md")).unwrap();
                std::fs::remove_file(p.join("report.md")).unwrap();
                symlink(o.join("copy.md"), p.join("report.md")).unwrap();
            },
            "NOT FILE  report.md: a symbolic link",
        ),
        (
            "FIFO",
            |p, _| {
                std::fs::remove_file(p.join("report.md")).unwrap();
                make_fifo(&p.join("report.md"));
            },
            "NOT FILE  report.md: a FIFO",
        ),
        (
            "directory",
            |p, _| {
                std::fs::remove_file(p.join("report.md")).unwrap();
                std::fs::create_dir(p.join("report.md")).unwrap();
            },
            "NOT FILE  report.md: a directory",
        ),
        (
            "symlinked subdirectory",
            |p, o| {
                copy_dir(&p.join("tickets"), &o.join("tickets"));
                std::fs::remove_dir_all(p.join("tickets")).unwrap();
                symlink(o.join("tickets"), p.join("tickets")).unwrap();
            },
            "tickets is a symbolic link; only regular files inside the pack are read",
        ),
        (
            "socket",
            |p, _| {
                std::fs::remove_file(p.join("report.md")).unwrap();
                let socket = std::os::unix::net::UnixListener::bind(p.join("report.md")).unwrap();
                std::mem::forget(socket);
            },
            "NOT FILE  report.md: a socket",
        ),
        (
            "SHA256SUMS a symlink to an identical copy",
            |p, o| {
                std::fs::rename(p.join("SHA256SUMS"), o.join("SHA256SUMS")).unwrap();
                symlink(o.join("SHA256SUMS"), p.join("SHA256SUMS")).unwrap();
            },
            "NOT FILE  SHA256SUMS: a symbolic link",
        ),
        (
            "manifest.json a FIFO",
            |p, _| {
                std::fs::remove_file(p.join("manifest.json")).unwrap();
                make_fifo(&p.join("manifest.json"));
            },
            "NOT FILE  manifest.json: a FIFO",
        ),
    ];
    for (what, setup, line) in cases {
        let (_t, pack) = pack_copy();
        setup(&pack, outside.path());
        let started = std::time::Instant::now();
        let out = verify(&pack, &[]);
        assert_fails_with(what, &out, line);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what}: took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn verify_parses_sha256sums_strictly() {
    let sums_of = |pack: &Path| std::fs::read_to_string(pack.join("SHA256SUMS")).unwrap();
    // A wrong line before the right one (sha256sum -c fails on it too).
    let (_t, pack) = pack_copy();
    let sums = sums_of(&pack);
    let right = sums.lines().find(|l| l.ends_with("  summary.md")).unwrap();
    let wrong = format!("{}  summary.md", "0".repeat(64));
    std::fs::write(pack.join("SHA256SUMS"), format!("{wrong}\n{sums}")).unwrap();
    let out = verify(&pack, &[]);
    let line = 1 + 1 + sums.lines().position(|l| l == right).unwrap();
    assert_fails_with(
        "duplicate",
        &out,
        &format!("BAD LINE  SHA256SUMS:{line}: summary.md is listed again (first on line 1)"),
    );

    // An empty SHA256SUMS.
    let (_t, pack) = pack_copy();
    std::fs::write(pack.join("SHA256SUMS"), "").unwrap();
    assert_fails_with(
        "empty",
        &verify(&pack, &[]),
        "BAD LINE  SHA256SUMS: lists no files",
    );

    // Malformed lines, and paths leaving the pack: named with their line, never opened.
    for (bad, expect) in [
        ("not a line".to_owned(), "not a checksum line"),
        (format!("{}  ../../etc/passwd", "0".repeat(64)), "`..` part"),
        (format!("{}  /etc/passwd", "0".repeat(64)), "absolute path"),
        (
            format!("{}  x\rOK report.pdf", "0".repeat(64)),
            "control character",
        ),
    ] {
        let (_t, pack) = pack_copy();
        let sums = sums_of(&pack);
        std::fs::write(pack.join("SHA256SUMS"), format!("{sums}{bad}\n")).unwrap();
        let n = sums.lines().count() + 1;
        let out = verify(&pack, &[]);
        assert_fails_with(&bad, &out, &format!("BAD LINE  SHA256SUMS:{n}: "));
        assert!(stdout(&out).contains(expect), "{bad:?}: {}", stdout(&out));
        assert!(!stdout(&out).contains('\r'), "{bad:?}: raw CR printed");
    }
}

#[test]
fn verify_escapes_file_names_for_the_terminal() {
    let (_t, pack) = pack_copy();
    for name in ["x\rOK report.pdf", "y\u{1b}[2K", "z\u{202e}fdp.exe"] {
        std::fs::write(pack.join(name), "added").unwrap();
    }
    std::fs::create_dir_all(pack.join("tickets/empty")).unwrap();
    let out = verify(&pack, &[]);
    let text = stdout(&out);
    assert_fails_with("added", &out, "UNLISTED  \"x\\rOK report.pdf\"");
    assert!(text.contains("UNLISTED  tickets/empty/\n"), "{text}");
    assert!(text.contains("UNLISTED  \"y\\u{1b}[2K\""), "{text}");
    assert!(text.contains("UNLISTED  \"z\\u{202e}fdp.exe\""), "{text}");
    let raw = text
        .chars()
        .find(|c| (c.is_control() && *c != '\n') || kansa::load::ids::is_invisible(*c));
    assert_eq!(raw, None, "raw character printed:\n{text:?}");
}

#[test]
fn verify_prints_problems_and_one_summary_line() {
    let (_t, pack) = pack_copy();
    let files = std::fs::read_to_string(pack.join("SHA256SUMS"))
        .unwrap()
        .lines()
        .count();
    let quiet = verify(&pack, &[]);
    assert_eq!(quiet.status.code(), Some(0), "{}", outcome(&quiet));
    let text = stdout(&quiet);
    assert_eq!(text.lines().count(), 1, "one summary line:\n{text}");
    assert!(
        text.contains(&format!(
            ": intact, {files} files match SHA256SUMS and manifest.json; the pack is not signed"
        )),
        "{text}"
    );

    let verbose = verify(&pack, &["--verbose"]);
    assert_eq!(verbose.status.code(), Some(0), "{}", outcome(&verbose));
    let text = stdout(&verbose);
    assert_eq!(text.lines().count(), files + 1, "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("OK  ")).count(),
        files
    );

    std::fs::write(pack.join("gaps.csv"), "x").unwrap();
    let bad = verify(&pack, &[]);
    let text = stdout(&bad);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        text.lines().collect::<Vec<_>>()[0],
        "CHANGED   gaps.csv",
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains("NOT INTACT, 1 problem(s)"), "{text}");
}

#[test]
fn verify_of_something_that_is_not_a_pack_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    let out = verify(empty.path(), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("is not a kansa pack: it has no SHA256SUMS"),
        "{}",
        outcome(&out)
    );
    let out = verify(&empty.path().join("nothing\r"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(!stderr(&out).contains('\r'), "raw CR: {}", outcome(&out));
    let out = verify(Path::new("README.md"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).starts_with("error: README.md is not a pack directory"),
        "{}",
        outcome(&out)
    );
    assert!(
        stderr(&out).contains("is not a pack directory"),
        "{}",
        outcome(&out)
    );
    assert!(out.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// -j / KANSA_JOBS

fn example_answers() -> Vec<&'static str> {
    crate::EXAMPLE_ANSWERS
        .iter()
        .flat_map(|a| ["--answers", a])
        .collect()
}

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

// ---------------------------------------------------------------------------------------------
// No --answers

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

// ---------------------------------------------------------------------------------------------
// Help texts

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

// ---------------------------------------------------------------------------------------------
// Template overrides and font faces

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

// ---------------------------------------------------------------------------------------------
// Messages: one context prefix each

/// No line of an error names the same context twice in a row (`pack X: pack X:`) or says
/// `error:` after its start (`template …: error: …`).
fn assert_no_repeated_prefix(what: &str, err: &str) {
    for line in err.lines() {
        let parts: Vec<&str> = line.split(": ").collect();
        assert!(
            !parts
                .iter()
                .skip(1)
                .any(|p| *p == "error" || p.starts_with("error: ")),
            "{what}: `error:` repeated in {line:?}"
        );
        assert!(
            !parts.windows(2).any(|w| w[0] == w[1]),
            "{what}: prefix repeated in {line:?}"
        );
    }
}

fn write_pack_config(dir: &Path, extra: &str) -> PathBuf {
    let config = dir.join("kansa.toml");
    let overlay = root().join(crate::EXAMPLE_ANSWERS[1]);
    std::fs::write(
        &config,
        format!(
            "[[pack]]\nname = \"bank\"\noverlays = [{:?}]\ndate = \"2026-11-25\"\nformats = [\"md\"]\n{extra}",
            overlay.display().to_string()
        ),
    )
    .unwrap();
    config
}

#[test]
fn error_messages_carry_each_prefix_once() {
    // A template error: `template FILE: MESSAGE`, not `template FILE: error: MESSAGE`.
    let out = kansa()
        .args(["report", "--date", "2026-11-25", "-f", "md", "--templates"])
        .arg("tests/fixtures/hostile/tpl-syntax-error/templates")
        .args(example_answers())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).starts_with(
            "error: template tests/fixtures/hostile/tpl-syntax-error/templates/report.md: Found `%}`"
        ),
        "{}",
        stderr(&out)
    );
    assert_no_repeated_prefix("report template", &stderr(&out));

    let work = tempfile::tempdir().unwrap();
    let templates = root().join("tests/fixtures/hostile/tpl-syntax-error/templates");
    let cases = [(
        "pack template",
        format!("templates = {:?}\n", templates.display().to_string()),
        format!(
            "error: pack bank: template {}/report.md: Found `%}}`",
            templates.display()
        ),
    )];
    for (what, extra, expect) in cases {
        let config = write_pack_config(work.path(), &extra);
        let out = kansa()
            .arg("pack")
            .arg(&config)
            .arg("--out")
            .arg(work.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}: {}", outcome(&out));
        assert!(
            stderr(&out).starts_with(&expect),
            "{what}: {}",
            stderr(&out)
        );
        assert_eq!(
            stderr(&out).matches("pack bank").count(),
            1,
            "{what}: {}",
            stderr(&out)
        );
        assert_no_repeated_prefix(what, &stderr(&out));
        // JSON logs carry the pack in its own field, not in the message.
        let out = kansa()
            .arg("pack")
            .arg(&config)
            .args(["--log-format", "json", "--out"])
            .arg(work.path().join("out"))
            .output()
            .unwrap();
        let line: serde_json::Value =
            serde_json::from_str(stderr(&out).lines().next().unwrap()).unwrap();
        assert_eq!(line["pack"], "bank", "{what}");
        let message = line["message"].as_str().unwrap();
        assert!(!message.contains("pack bank"), "{what}: {message}");
        assert!(!message.contains("error: "), "{what}: {message}");
    }
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

/// Regression: `kansa verify P | head -1` exited 0 on a tampered pack (a broken pipe counted
/// as success before the verdict); and a `SHA256SUMS` of millions of bad lines was held and
/// printed whole (1.6 GB for 5,000,000 lines). The verdict wins; bad lines past 1,000 are counted.
#[test]
fn verify_keeps_its_verdict_and_bounds_its_listing() {
    use std::io::Read as _;
    let out = tempfile::tempdir().unwrap();
    let built = crate::pack::run_pack(
        &crate::root().join("examples/example-bank/kansa.toml"),
        out.path(),
        &["--quiet"],
    );
    assert!(built.status.success(), "{}", crate::outcome(&built));
    let pack = out.path().join("example-bank");
    for i in 0..3000 {
        std::fs::write(pack.join(format!("added-{i:04}.txt")), "x").unwrap();
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kansa"))
        .arg("verify")
        .arg(&pack)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert_eq!(
        child.wait().unwrap().code(),
        Some(1),
        "reader stopped early"
    );

    std::fs::write(pack.join("SHA256SUMS"), "bad\n".repeat(50_000)).unwrap();
    let res = crate::kansa().arg("verify").arg(&pack).output().unwrap();
    assert_eq!(res.status.code(), Some(1));
    let text = String::from_utf8_lossy(&res.stdout);
    let bad = text.lines().filter(|l| l.starts_with("BAD LINE")).count();
    assert_eq!(bad, 1001, "1,000 listed and one count");
    assert!(
        text.contains("49000 more bad lines not listed (50000 in all)"),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
}

/// A FIFO at `path` (`mkfifo`: std has no safe call for it).
fn make_fifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}
