//! Hostile cases for submission packs: what may be replaced, names, atomic publish, file modes, baselines, nightly runs.
//!
//! Folders under `tests/fixtures/hostile/` pinned here are listed in [`PINNED`], which
//! `hostile::every_case_folder_is_pinned` reads.

use std::path::{Path, PathBuf};

use crate::hostile::{DATE, case_dir, copy_dir, listing, stderr, walk};
use crate::pack::run_pack as pack;
use crate::{EXAMPLE_ANSWERS, kansa, outcome, root};

/// Corpus folders whose outcome is pinned by a test in this file.
pub const PINNED: &[&str] = &[
    "pack-web-manifest",
    "pack-name-collisions",
    "pack-ticket-case",
    "pack-nested-dirs",
    "pack-name-bytes",
];

/// A one-pack config named `bank` in `dir` with the example overlays (absolute) and `extra`.
fn bank_config(dir: &Path, extra: &str) -> PathBuf {
    let overlays: Vec<String> = EXAMPLE_ANSWERS
        .iter()
        .map(|p| format!("{:?}", root().join(p).display().to_string()))
        .collect();
    let path = dir.join("kansa.toml");
    std::fs::write(
        &path,
        format!(
            "[[pack]]\nname = \"bank\"\noverlays = [{}]\ndate = \"{DATE}\"\nformats = [\"md\"]\n{extra}",
            overlays.join(", ")
        ),
    )
    .unwrap();
    path
}

fn manifest(pack_dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(pack_dir.join("manifest.json")).unwrap()).unwrap()
}

/// `pack-web-manifest`: `--out .` over a web site whose folder has the pack's name and its
/// own `manifest.json` (item 1): refused, exit 2, the site untouched.
#[test]
fn a_web_site_with_a_manifest_is_not_replaced() {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&root().join(case_dir("pack-web-manifest")), work.path());
    let before = walk(work.path());
    let out = kansa()
        .current_dir(work.path())
        .args(["pack", "kansa.toml", "--out", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("./site exists and is not a kansa pack"),
        "{}",
        outcome(&out)
    );
    assert_eq!(walk(work.path()), before);
    assert!(
        std::fs::read_to_string(work.path().join("site/index.html"))
            .unwrap()
            .contains("Not a kansa pack")
    );
}

/// `pack-name-collisions` (item 3): names that sanitise alike or differ by case, and an empty
/// name, are config errors naming both packs; nothing is built. `x` and `gap-x` are distinct.
#[test]
fn colliding_and_empty_pack_names_are_config_errors() {
    let work = tempfile::tempdir().unwrap();
    let cfg = root().join(case_dir("pack-name-collisions/kansa.toml"));
    let out = pack(&cfg, &work.path().join("out"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    let err = stderr(&out);
    for needle in [
        "kansa.toml:2:1: [[pack]] #1 (\"a/b\"): pack directory \"a_b\" is also the directory of [[pack]] #2 (\"a_b\")",
        "kansa.toml:12:1: [[pack]] #3 (\"Bank\"): pack directory \"Bank\" is also the directory of [[pack]] #4 (\"bank\")",
        "kansa.toml:22:1: [[pack]] #5 (\"\"): pack name is empty",
        "hint: ",
    ] {
        assert!(err.contains(needle), "{needle}\n{err}");
    }
    assert!(!err.contains("\"gap-x\""), "{err}");
    assert!(!work.path().join("out").exists());

    // `x` and `gap-x` get their own directories, also with two jobs at once.
    let cfg = work.path().join("two.toml");
    std::fs::write(
        &cfg,
        "[[pack]]\nname = \"x\"\noverlays = []\nformats = [\"md\"]\ndate = \"2026-11-25\"\n\
         [[pack]]\nname = \"gap-x\"\noverlays = []\nformats = [\"md\"]\ndate = \"2026-11-25\"\n\
         [[pack]]\nname = \"gap-\"\noverlays = []\nformats = [\"md\"]\ndate = \"2026-11-25\"\n",
    )
    .unwrap();
    let out_root = work.path().join("packs");
    let out = kansa()
        .args(["-j", "2", "pack"])
        .arg(&cfg)
        .arg("--out")
        .arg(&out_root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(listing(&out_root), ["gap-", "gap-x", "x"]);
    for (dir, name) in [("gap-", "gap-"), ("gap-x", "gap-x"), ("x", "x")] {
        assert_eq!(manifest(&out_root.join(dir))["pack"], name);
    }
}

/// `pack-ticket-case` (item 10): ids `A1`/`a1`, `B/1`/`b_1` and an id `a1-2` that is itself
/// a suffixed name give ticket files distinct under case folding, the same on every run.
#[test]
fn ticket_names_are_unique_ignoring_case() {
    let work = tempfile::tempdir().unwrap();
    let cfg = root().join(case_dir("pack-ticket-case/kansa.toml"));
    let out = pack(&cfg, work.path(), &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    let tickets = listing(&work.path().join("tickets/tickets"));
    assert_eq!(
        tickets,
        [
            "gap-A1.md",
            "gap-B_1.md",
            "gap-a1-2-2.md",
            "gap-a1-2.md",
            "gap-b_1-2.md"
        ]
    );
    let folded: std::collections::BTreeSet<String> =
        tickets.iter().map(|t| t.to_lowercase()).collect();
    assert_eq!(folded.len(), tickets.len());
    // Each ticket is the control it names, and links to its anchor in report.html.
    let html = std::fs::read_to_string(work.path().join("tickets/report.html")).unwrap();
    for (file, id) in [
        ("gap-A1.md", "A1"),
        ("gap-a1-2.md", "a1"),
        ("gap-a1-2-2.md", "a1-2"),
    ] {
        let body = std::fs::read_to_string(work.path().join("tickets/tickets").join(file)).unwrap();
        assert!(
            body.contains(&format!("[ticket-case:{id}]")),
            "{file}: {body}"
        );
        let anchor = body
            .split("../report.html#")
            .nth(1)
            .and_then(|s| s.split(')').next())
            .unwrap_or_else(|| panic!("{file} has no report link: {body}"));
        assert!(
            html.contains(&format!("id=\"{anchor}\"")),
            "{file}: #{anchor}"
        );
    }
}

/// Item 2: `report -o` naming one of its inputs (any spelling, a link, a hard link) is refused
/// before anything is read or written.
#[cfg(unix)]
#[test]
fn report_refuses_to_overwrite_its_inputs() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let answers = dir.join("v.csv");
    std::fs::copy(root().join(EXAMPLE_ANSWERS[1]), &answers).unwrap();
    let original = std::fs::read(&answers).unwrap();
    std::os::unix::fs::symlink(&answers, dir.join("link.csv")).unwrap();
    std::fs::hard_link(&answers, dir.join("hard.csv")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    let run = |output: &str, extra: &[&str]| {
        kansa()
            .current_dir(dir)
            .args(["report", "--date", DATE, "-f", "md", "--answers", "v.csv"])
            .args(extra)
            .args(["-o", output])
            .output()
            .unwrap()
    };
    for output in ["v.csv", "./v.csv", "sub/../v.csv", "link.csv", "hard.csv"] {
        let out = run(output, &[]);
        assert_eq!(out.status.code(), Some(2), "{output}: {}", outcome(&out));
        assert!(
            stderr(&out).contains("refusing to overwrite an input"),
            "{output}: {}",
            outcome(&out)
        );
        assert_eq!(std::fs::read(&answers).unwrap(), original, "{output}");
    }
    // A template file and a catalogue file are inputs too.
    let templates = dir.join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("report.md"), "{{ title }}\n").unwrap();
    let out = run("templates/report.md", &["--templates", "templates"]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert_eq!(
        std::fs::read_to_string(templates.join("report.md")).unwrap(),
        "{{ title }}\n"
    );
    let catalogue = dir.join("cat");
    copy_dir(
        &root().join(case_dir("pack-ticket-case/catalogue")),
        &catalogue,
    );
    let out = kansa()
        .current_dir(dir)
        .args([
            "report",
            "--catalogue",
            "cat",
            "-f",
            "md",
            "-o",
            "cat/controls.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        std::fs::read_to_string(catalogue.join("controls.csv"))
            .unwrap()
            .starts_with("id,")
    );
    // `init --from` is held to the same rule.
    let out = kansa()
        .current_dir(dir)
        .args(["init", "--from", "v.csv", "-o", "./hard.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert_eq!(std::fs::read(&answers).unwrap(), original);
    // Another file is written as usual.
    let out = run("report.md", &[]);
    assert!(out.status.success(), "{}", outcome(&out));
}

/// Item 2 in `pack`: an input inside the pack directory the build would replace (an overlay,
/// the config, an evidence root) is refused and the pack stays.
#[test]
fn pack_refuses_to_replace_a_directory_holding_an_input() {
    let work = tempfile::tempdir().unwrap();
    let out_root = work.path().join("out");
    let cfg = bank_config(work.path(), "");
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    let before = walk(&out_root);
    // An overlay that is a file of the pack.
    let inside = work.path().join("inside.toml");
    std::fs::write(
        &inside,
        "[[pack]]\nname = \"bank\"\noverlays = [\"out/bank/answers-merged.csv\"]\nformats = [\"md\"]\n",
    )
    .unwrap();
    let out = pack(&inside, &out_root, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("lives in this pack directory"),
        "{}",
        outcome(&out)
    );
    // An evidence file of the pack directory (the evidence root is the pack).
    let evidence = work.path().join("evidence.toml");
    std::fs::write(
        work.path().join("ev.csv"),
        "id,status,evidence\n運10-1,implemented,summary.md\n",
    )
    .unwrap();
    std::fs::write(
        &evidence,
        "[[pack]]\nname = \"bank\"\noverlays = [\"ev.csv\"]\nevidence_root = \"out/bank\"\nformats = [\"md\"]\n",
    )
    .unwrap();
    let out = pack(&evidence, &out_root, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("summary.md lives in this pack directory"),
        "{}",
        outcome(&out)
    );
    // The config itself, saved in the pack directory.
    std::fs::copy(&cfg, out_root.join("bank/kansa.toml")).unwrap();
    let out = pack(&out_root.join("bank/kansa.toml"), &out_root, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    std::fs::remove_file(out_root.join("bank/kansa.toml")).unwrap();
    assert_eq!(walk(&out_root), before);
}

/// Item 4: what a killed run leaves (a staging directory, an old pack moved aside under a
/// PID-1 name, even the pack directory missing) is repaired or removed by the next run; a
/// directory that merely looks like kansa's is kept.
#[test]
fn leftovers_of_killed_runs_are_repaired_by_the_next_run() {
    let work = tempfile::tempdir().unwrap();
    let out_root = work.path().join("out");
    let cfg = bank_config(work.path(), "");
    assert!(pack(&cfg, &out_root, &[]).status.success());
    let good = walk(&out_root.join("bank"));
    // Killed between the renames: the pack is aside under the name a PID-1 run used.
    std::fs::rename(out_root.join("bank"), out_root.join(".kansa-old-bank-1")).unwrap();
    let staging = out_root.join(".kansa-pack-bank-Zz9");
    std::fs::create_dir_all(staging.join("tickets")).unwrap();
    std::fs::write(staging.join(".kansa-incomplete"), "").unwrap();
    std::fs::write(staging.join("tickets/half.md"), "half").unwrap();
    let foreign = out_root.join(".kansa-pack-notes");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "keep").unwrap();
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(listing(&out_root), [".kansa-pack-notes", "bank"]);
    assert_eq!(walk(&out_root.join("bank")), good);
    assert_eq!(
        std::fs::read_to_string(foreign.join("mine.txt")).unwrap(),
        "keep"
    );
}

/// Item 4, for real: `kill -9` at some moment of a build; whatever it left, the next run
/// ends with the pack alone in the output root.
#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_is_cleaned_up() {
    let work = tempfile::tempdir().unwrap();
    let out_root = work.path().join("out");
    let cfg = bank_config(work.path(), "");
    assert!(pack(&cfg, &out_root, &[]).status.success());
    for delay_ms in [5, 60, 200] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kansa"))
            .arg("pack")
            .arg(&cfg)
            .arg("--out")
            .arg(&out_root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // The pack is there at every instant (exchanged in one step).
        assert!(
            out_root.join("bank/manifest.json").is_file(),
            "{delay_ms} ms"
        );
        let out = pack(&cfg, &out_root, &[]);
        assert!(out.status.success(), "{}", outcome(&out));
        assert_eq!(listing(&out_root), ["bank"], "{delay_ms} ms");
        let verify = kansa()
            .arg("verify")
            .arg(out_root.join("bank"))
            .output()
            .unwrap();
        assert!(verify.status.success(), "{}", outcome(&verify));
    }
}

/// Octal permission bits of a path.
#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Item 5: new files honour the umask (report, pack, init, templates export); a file the user
/// made private stays private when written again.
#[cfg(unix)]
#[test]
fn written_files_honour_the_umask_and_keep_their_mode() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let cfg = bank_config(dir, "");
    let bin = env!("CARGO_BIN_EXE_kansa");
    let sh = |script: &str| {
        let out = std::process::Command::new("sh")
            .current_dir(dir)
            .env("KANSA", bin)
            .env("ANSWERS", root().join(EXAMPLE_ANSWERS[1]))
            .env("CFG", &cfg)
            .args(["-c", script])
            .output()
            .unwrap();
        assert!(out.status.success(), "{script}: {}", outcome(&out));
    };
    sh(
        "umask 027 && \"$KANSA\" report --date 2026-11-25 --answers \"$ANSWERS\" -o r.md \
        && \"$KANSA\" init -o sheet.csv && \"$KANSA\" templates export tpl \
        && \"$KANSA\" pack \"$CFG\" --out packs",
    );
    assert_eq!(mode(&dir.join("r.md")), 0o640);
    assert_eq!(mode(&dir.join("sheet.csv")), 0o640);
    assert_eq!(mode(&dir.join("tpl/report.md")), 0o640);
    assert_eq!(mode(&dir.join("packs/bank")), 0o750);
    assert_eq!(mode(&dir.join("packs/bank/manifest.json")), 0o640);
    assert_eq!(mode(&dir.join("packs/bank/tickets")), 0o750);
    use std::os::unix::fs::PermissionsExt;
    for p in ["r.md", "packs/bank/report.md"] {
        std::fs::set_permissions(dir.join(p), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    std::fs::set_permissions(
        dir.join("packs/bank"),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    sh(
        "umask 022 && \"$KANSA\" report --date 2026-11-25 --answers \"$ANSWERS\" -o r.md \
        && \"$KANSA\" pack \"$CFG\" --out packs",
    );
    assert_eq!(mode(&dir.join("r.md")), 0o600);
    assert_eq!(mode(&dir.join("packs/bank/report.md")), 0o600);
    assert_eq!(mode(&dir.join("packs/bank")), 0o700);
    assert_eq!(mode(&dir.join("packs/bank/gaps.csv")), 0o640);
}

/// Item 6: a threshold that is not a percentage is refused, on the command line and in the
/// config, naming the flag or key and the range.
#[test]
fn fail_under_outside_0_to_100_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let out_root = work.path().join("out");
    let cfg = bank_config(work.path(), "");
    for bad in ["NaN", "nan", "inf", "-1", "100.1"] {
        let out = pack(&cfg, &out_root, &[&format!("--fail-under={bad}")]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", outcome(&out));
        let err = stderr(&out);
        assert!(err.contains("--fail-under"), "{err}");
        assert!(err.contains("0 to 100"), "{err}");
    }
    for bad in ["nan", "inf", "-0.5", "250.0"] {
        let cfg = bank_config(work.path(), &format!("[pack.gates]\nfail_under = {bad}\n"));
        let out = pack(&cfg, &out_root, &[]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", outcome(&out));
        let err = stderr(&out);
        assert!(
            err.contains("kansa.toml:1:1: [[pack]] #1 (\"bank\"): [pack.gates] fail_under"),
            "{err}"
        );
    }
    assert!(!out_root.exists());
    // A real threshold still trips: the example bank is under 99%.
    let cfg = bank_config(work.path(), "");
    let out = pack(&cfg, &out_root, &["--fail-under", "99"]);
    assert_eq!(out.status.code(), Some(1), "{}", outcome(&out));
}

/// Item 9: `pack = []`, a pack without `overlays`, a TOML date, a missing evidence root and
/// Windows separators in evidence references.
#[test]
fn config_traps_of_a_new_user() {
    let work = tempfile::tempdir().unwrap();
    let out_root = work.path().join("out");
    let cfg = work.path().join("kansa.toml");
    std::fs::write(&cfg, "pack = []\n").unwrap();
    let out = pack(&cfg, &out_root, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(stderr(&out).contains("kansa.toml:1:1: no [[pack]] table"));
    std::fs::write(&cfg, "[[pack]]\nname = \"bank\"\nformats = [\"md\"]\n").unwrap();
    let out = pack(&cfg, &out_root, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(
        stderr(&out).contains("no answers overlays"),
        "{}",
        outcome(&out)
    );
    assert!(!out_root.exists());
    // Asked for explicitly, with an unquoted TOML date.
    std::fs::write(
        &cfg,
        "[[pack]]\nname = \"bank\"\noverlays = []\ndate = 2026-01-01\nformats = [\"md\"]\n",
    )
    .unwrap();
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(
        manifest(&out_root.join("bank"))["report_date"],
        "2026-01-01"
    );

    // A missing evidence root: one message naming the key and the directory, not one per file.
    let cfg = bank_config(work.path(), "evidence_root = \"nowhere\"\n");
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains(
            "kansa.toml:1:1 (evidence_root): [[pack]] \"bank\": evidence_root is not a directory"
        ),
        "{err}"
    );
    assert!(err.contains("nowhere"), "{err}");
    let before = walk(&out_root);
    let out = pack(&cfg, &out_root, &["--strict"]);
    assert_eq!(out.status.code(), Some(2), "{}", outcome(&out));
    assert!(stderr(&out).contains("evidence_root is not a directory"));
    assert_eq!(walk(&out_root), before);

    // `sys\restore.txt` finds evidence/sys/restore.txt.
    std::fs::create_dir_all(work.path().join("evidence/sys")).unwrap();
    std::fs::write(work.path().join("evidence/sys/restore.txt"), "drill").unwrap();
    std::fs::write(
        work.path().join("answers.csv"),
        "id,status,evidence\n運10-1,implemented,sys\\restore.txt\n",
    )
    .unwrap();
    std::fs::write(
        &cfg,
        "[[pack]]\nname = \"bank\"\noverlays = [\"answers.csv\"]\nevidence_root = \"evidence\"\nformats = [\"md\"]\n",
    )
    .unwrap();
    let out = pack(&cfg, &out_root, &["--strict"]);
    assert!(out.status.success(), "{}", outcome(&out));
    let m = manifest(&out_root.join("bank"));
    assert_eq!(m["evidence"][0]["reference"], "sys\\restore.txt", "{m}");
    assert_eq!(m["evidence"][0]["bytes"], 5, "{m}");
}

/// Item 7: a pack new in the config has no previous version under `--baseline ROOT`: it is
/// built, without "changes since", and says so; a baseline of another catalogue is left out
/// with a note naming both catalogues.
#[test]
fn packs_without_a_matching_baseline_are_built_and_say_so() {
    let work = tempfile::tempdir().unwrap();
    let yesterday = work.path().join("yesterday");
    let cfg = bank_config(work.path(), "");
    assert!(pack(&cfg, &yesterday, &[]).status.success());
    // Today the config has a second pack.
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&text.replace("name = \"bank\"", "name = \"branch\""));
    std::fs::write(&cfg, text).unwrap();
    let today = work.path().join("today");
    let out = pack(
        &cfg,
        &today,
        &[
            "--baseline",
            yesterday.to_str().unwrap(),
            "--fail-on",
            "regression",
        ],
    );
    assert!(out.status.success(), "{}", outcome(&out));
    let err = stderr(&out);
    assert!(err.contains("note: pack branch: no baseline"), "{err}");
    assert!(err.contains("gate regression not evaluated"), "{err}");
    assert!(!err.contains("note: pack bank"), "{err}");
    assert!(manifest(&today.join("branch"))["baseline"].is_null());
    assert_eq!(
        manifest(&today.join("bank"))["baseline"]["report_date"],
        DATE
    );

    // A baseline of another catalogue.
    let other = work.path().join("other");
    let ticket_cfg = root().join(case_dir("pack-ticket-case/kansa.toml"));
    assert!(pack(&ticket_cfg, &other, &[]).status.success());
    let cfg = bank_config(work.path(), "");
    let out = pack(
        &cfg,
        &today,
        &["--baseline", other.join("tickets").to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", outcome(&out));
    let err = stderr(&out);
    assert!(
        err.contains("is an assessment of catalogue ticket-case, this pack uses fisc-2012"),
        "{err}"
    );
    assert!(manifest(&today.join("bank"))["baseline"].is_null());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(today.join("bank/assessment.json")).unwrap())
            .unwrap();
    assert!(json["changes"].is_null());
}

/// The shell lines of the README's nightly pack step, with the release binary replaced by the
/// one under test.
fn readme_nightly_script() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("- name: pack (")
        .expect("README has the nightly pack step");
    let mut lines = readme[start..]
        .lines()
        .skip_while(|l| !l.trim_end().ends_with("run: |"));
    let run_line = lines.next().unwrap();
    let indent = run_line.len() - run_line.trim_start().len();
    let script: Vec<&str> = lines
        .take_while(|l| l.len() - l.trim_start().len() > indent)
        .collect();
    assert!(!script.is_empty());
    script
        .join("\n")
        .replace("target/release/kansa", env!("CARGO_BIN_EXE_kansa"))
}

/// Item 8: the README's nightly recipe, run exactly as written, works on the first night (no
/// baseline: the pack is written, exit 0, and it says it had no baseline) and on the second
/// (yesterday's pack artifact as `baseline`).
#[test]
fn readme_nightly_recipe_works_on_night_one_and_two() {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples"), &work.path().join("examples"));
    let script = readme_nightly_script();
    let night = || {
        std::process::Command::new("bash")
            .current_dir(work.path())
            .args(["-euo", "pipefail", "-c", &script])
            .output()
            .unwrap()
    };
    let pack_dir = work.path().join("packs/example-bank");
    let out = night();
    assert!(out.status.success(), "night one: {}", outcome(&out));
    assert!(pack_dir.join("summary.md").is_file());
    assert!(manifest(&pack_dir)["baseline"].is_null());
    let log = stderr(&out);
    assert!(log.contains("\"baseline\":false"), "{log}");
    assert!(log.contains("not evaluated"), "{log}");
    // The artifact of `packs/example-bank`, downloaded into `baseline` the next night.
    std::fs::rename(&pack_dir, work.path().join("baseline")).unwrap();
    std::fs::remove_dir_all(work.path().join("packs")).unwrap();
    let out = night();
    assert!(out.status.success(), "night two: {}", outcome(&out));
    assert_eq!(manifest(&pack_dir)["baseline"]["catalogue"], "fisc-2012");
    let log = stderr(&out);
    assert!(log.contains("\"baseline\":true"), "{log}");
    assert!(!log.contains("not evaluated"), "{log}");
}

/// The same config run from two working directories (one relative, one absolute config path)
/// gives byte-identical packs, and no absolute path of this machine reaches any file of them.
#[test]
fn packs_do_not_depend_on_the_working_directory() {
    let work = tempfile::tempdir().unwrap();
    let elsewhere = work.path().join("elsewhere/deeper");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let first = work.path().join("first");
    let second = work.path().join("second");
    let out = kansa()
        .args([
            "pack",
            "examples/example-bank/kansa.toml",
            "--quiet",
            "--out",
        ])
        .arg(&first)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let out = kansa()
        .current_dir(&elsewhere)
        .arg("pack")
        .arg(root().join("examples/example-bank/kansa.toml"))
        .args(["--quiet", "--out"])
        .arg(&second)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let files = walk(&first);
    assert_eq!(files, walk(&second));
    let machine = [
        root().display().to_string(),
        work.path().display().to_string(),
    ];
    for f in &files {
        let a = std::fs::read(first.join(f)).unwrap();
        assert!(a == std::fs::read(second.join(f)).unwrap(), "{f} differs");
        let text = String::from_utf8_lossy(&a);
        for m in &machine {
            assert!(!text.contains(m.as_str()), "{f} holds the local path {m}");
        }
    }
}

/// A report given absolute overlay paths shows their labels, never the local path.
#[test]
fn reports_do_not_show_absolute_input_paths() {
    let work = tempfile::tempdir().unwrap();
    for format in ["md", "html", "json"] {
        let target = work.path().join(format!("r.{format}"));
        let mut cmd = kansa();
        cmd.args(["report", "--date", DATE, "-o"]).arg(&target);
        for a in EXAMPLE_ANSWERS {
            cmd.arg("--answers").arg(root().join(a));
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", outcome(&out));
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(
            !text.contains(&root().display().to_string()),
            "{format}: the absolute input path leaked"
        );
        assert!(text.contains("example-bank/answers.csv"), "{format}");
    }
}

/// Regression: the coverage gate compared the one-decimal figure, so 89.655…% passed
/// `--fail-under 89.66` and `89.7`; it compares the exact ratio.
#[test]
fn the_coverage_gate_compares_the_exact_ratio() {
    let out = tempfile::tempdir().unwrap();
    let config = root().join("examples/example-bank/kansa.toml");
    let run = |min: &str| pack(&config, out.path(), &["--quiet", "--fail-under", min]);
    let first = run("0");
    assert!(first.status.success(), "{}", outcome(&first));
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("example-bank/assessment.json")).unwrap(),
    )
    .unwrap();
    let summary = &json["summary"];
    let exact = summary["met"].as_f64().unwrap() * 100.0 / summary["applicable"].as_f64().unwrap();
    let rounded = (exact * 10.0).round() / 10.0;
    // Just above the exact ratio but at or below the printed figure: the gate must trip.
    let above = (exact * 1000.0).ceil() / 1000.0;
    assert!(above > exact && above <= rounded + 0.05, "{exact} {above}");
    assert_eq!(run(&format!("{above}")).status.code(), Some(1));
    let below = (exact * 1000.0).floor() / 1000.0;
    assert_eq!(run(&format!("{below}")).status.code(), Some(0));
}

/// Regression: `--baseline night1/bank-a` with a config of two packs diffed bank-b against
/// bank-a (every control of the other pack read as a change, and the gate tripped). A baseline
/// that is another pack's previous version is no baseline, with a note.
#[test]
fn one_packs_baseline_is_not_applied_to_another_pack() {
    let work = tempfile::tempdir().unwrap();
    let [aws, bank] = EXAMPLE_ANSWERS.map(|a| root().join(a).display().to_string());
    let config = work.path().join("kansa.toml");
    std::fs::write(
        &config,
        format!(
            "[[pack]]\nname = \"bank-a\"\ndate = \"2026-11-25\"\nformats = [\"md\"]\noverlays = [{aws:?}, {bank:?}]\n\n\
             [[pack]]\nname = \"bank-b\"\ndate = \"2026-11-25\"\nformats = [\"md\"]\noverlays = [{aws:?}]\n"
        ),
    )
    .unwrap();
    let night1 = work.path().join("night1");
    let first = pack(&config, &night1, &["--quiet"]);
    assert!(first.status.success(), "{}", outcome(&first));
    let night2 = work.path().join("night2");
    let second = pack(
        &config,
        &night2,
        &[
            "--baseline",
            night1.join("bank-a").to_str().unwrap(),
            "--fail-on",
            "regression",
        ],
    );
    assert_eq!(second.status.code(), Some(0), "{}", outcome(&second));
    let err = stderr(&second);
    assert!(
        err.contains("pack bank-b: no baseline:")
            && err.contains("previous version of pack \"bank-a\""),
        "{err}"
    );
    assert!(!err.contains("pack bank-a: no baseline"), "{err}");
}

/// Regression: `--catalogue cat/controls.csv` reads `cat/catalogue.toml` too, but `report -o
/// cat/catalogue.toml` and `init -o cat/catalogue.toml --force` replaced it. It is an input.
#[test]
fn the_catalogue_metadata_beside_its_csv_is_an_input() {
    let work = tempfile::tempdir().unwrap();
    let cat = work.path().join("cat");
    copy_dir(
        &root().join("tests/fixtures/hostile/cat-interleaved-groups/catalogue"),
        &cat,
    );
    let toml = cat.join("catalogue.toml");
    let before = std::fs::read(&toml).unwrap();
    let csv = cat.join("controls.csv");
    let report = kansa()
        .args(["report", "--no-answers", "--format", "md", "--catalogue"])
        .arg(&csv)
        .arg("-o")
        .arg(&toml)
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(2), "{}", outcome(&report));
    assert!(stderr(&report).contains("refusing to overwrite an input"));
    let init = kansa()
        .args(["init", "--format", "csv", "--force", "--catalogue"])
        .arg(&csv)
        .arg("-o")
        .arg(&toml)
        .output()
        .unwrap();
    assert_eq!(init.status.code(), Some(2), "{}", outcome(&init));
    assert_eq!(std::fs::read(&toml).unwrap(), before, "metadata replaced");
}

/// Regression: a report's input table showed each overlay's path as typed, so the same files
/// reported from two working directories gave two reports (and the table did not name the
/// labels the cells credit). Reports show the labels.
#[test]
fn reports_do_not_depend_on_the_working_directory() {
    let work = tempfile::tempdir().unwrap();
    let deeper = work.path().join("x/y");
    std::fs::create_dir_all(&deeper).unwrap();
    let run = |cwd: &Path, prefix: &str, format: &str| {
        let mut cmd = kansa();
        cmd.current_dir(cwd)
            .args(["report", "--date", DATE, "-f", format]);
        for a in EXAMPLE_ANSWERS {
            cmd.arg("--answers").arg(format!("{prefix}{a}"));
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", outcome(&out));
        out.stdout
    };
    let up = format!("{}/", pathdiff(&deeper, &root()));
    for format in ["md", "html", "json"] {
        let here = run(&root(), "", format);
        let there = run(&deeper, &up, format);
        assert!(
            here == there,
            "{format}: the report depends on the working directory"
        );
        let text = String::from_utf8(here).unwrap();
        assert!(text.contains("example-bank/answers.csv"), "{format}");
        assert!(
            !text.contains("examples/example-bank/answers.csv"),
            "{format}"
        );
    }
}

/// `to`'s path as seen from `from` (both absolute): `../../..` up to the shared root, then down.
fn pathdiff(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - shared];
    parts.extend(
        to[shared..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Runs `kansa pack CONFIG` in `dir` (the config's own `out`, no `--out`).
fn pack_here(dir: &Path, config: &str) -> std::process::Output {
    kansa()
        .current_dir(dir)
        .args(["-j", "1", "pack", config])
        .output()
        .unwrap()
}

/// A config of packs `names` (catalogue alone) into `out`, written as `file` in `dir`.
fn packs_config(dir: &Path, file: &str, names: &[&str]) -> String {
    let text: String = names
        .iter()
        .map(|n| {
            format!(
                "[[pack]]\nname = \"{n}\"\noverlays = []\ndate = \"{DATE}\"\nformats = [\"md\"]\nout = \"out\"\n"
            )
        })
        .collect();
    std::fs::write(dir.join(file), text).unwrap();
    file.to_owned()
}

/// Regression (A1): pack `a`'s run deleted pack `b`'s previous pack that a killed fallback swap
/// had left aside, and took pack `a-b`'s aside copy (`.kansa-old-a-b-…` starts with
/// `.kansa-old-a-`) for its own. Now each is left for its own pack's run, which restores it.
#[test]
fn a_pack_never_takes_or_removes_another_packs_aside_copy() {
    let work = tempfile::tempdir().unwrap();
    let all = packs_config(work.path(), "all.toml", &["a", "b", "a-b"]);
    let only_a = packs_config(work.path(), "a.toml", &["a"]);
    let out = pack_here(work.path(), &all);
    assert!(out.status.success(), "{}", outcome(&out));
    let root_dir = work.path().join("out");
    for (pack, aside) in [
        ("b", ".kansa-old-b-1234-ff-0"),
        ("a-b", ".kansa-old-a-b-1234-ff-0"),
    ] {
        std::fs::rename(root_dir.join(pack), root_dir.join(aside)).unwrap();
    }
    let before_b = walk(&root_dir.join(".kansa-old-b-1234-ff-0"));
    let out = pack_here(work.path(), &only_a);
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(
        listing(&root_dir),
        [".kansa-old-a-b-1234-ff-0", ".kansa-old-b-1234-ff-0", "a"]
    );
    assert_eq!(manifest(&root_dir.join("a"))["pack"], "a");
    assert_eq!(walk(&root_dir.join(".kansa-old-b-1234-ff-0")), before_b);
    // The packs' own runs put their previous packs back and replace them.
    let out = pack_here(work.path(), &all);
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(listing(&root_dir), ["a", "a-b", "b"]);
    assert_eq!(manifest(&root_dir.join("a-b"))["pack"], "a-b");
}

/// Regression (A9): after `chmod 700 out/p/tickets` a rebuild gave tickets/ 0755 again; every
/// directory of the pack now keeps its mode, as its files and its top directory do.
#[cfg(unix)]
#[test]
fn directories_inside_a_pack_keep_their_mode() {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir().unwrap();
    let cfg = bank_config(work.path(), "");
    let out_root = work.path().join("out");
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    let tickets = out_root.join("bank/tickets");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(&tickets, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = pack(&cfg, &out_root, &[]);
    assert!(out.status.success(), "{}", outcome(&out));
    assert_eq!(mode(&tickets), 0o700);
}

/// Runs `kansa pack kansa.toml` in a copy of corpus case `case`: a config error (exit 2) with a
/// hint, nothing written. Returns the copy and the error text.
fn config_error_of_case(case: &str) -> (tempfile::TempDir, String) {
    let work = tempfile::tempdir().unwrap();
    copy_dir(&root().join(case_dir(case)), work.path());
    let before = walk(work.path());
    let out = pack_here(work.path(), "kansa.toml");
    assert_eq!(out.status.code(), Some(2), "{case}: {}", outcome(&out));
    let err = stderr(&out);
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(walk(work.path()), before, "{case}: something was written");
    (work, err)
}

/// `pack-nested-dirs` (A5): pack `r` at `./r` and pack `p` at `r/p` exited 0, then `r`'s swap
/// deleted `p` (or `r` failed verify); now a config error naming both packs, nothing written.
#[test]
fn nested_pack_directories_are_a_config_error() {
    let (_work, err) = config_error_of_case("pack-nested-dirs");
    assert!(
        err.contains(
            "kansa.toml:2:1: [[pack]] #1 (\"r\"): pack directory r holds the directory r/p of [[pack]] #2 (\"p\")"
        ),
        "{err}"
    );
}

/// `pack-name-bytes` (A11): a 79-kanji pack name (237 bytes) passed the config check and the
/// build failed with "File name too long" (exit 1); now a config error at its `[[pack]]` line.
/// Ticket names from ids of 80 four-byte characters fit too.
#[test]
fn names_too_long_in_bytes_are_config_errors_and_tickets_fit() {
    let (work, err) = config_error_of_case("pack-name-bytes");
    assert!(
        err.contains("kansa.toml:2:1: [[pack]] #1") && err.contains("237 bytes"),
        "{err}"
    );

    let id = "\u{20000}".repeat(80);
    let catalogue = work.path().join("wide");
    std::fs::create_dir(&catalogue).unwrap();
    std::fs::write(
        catalogue.join("catalogue.toml"),
        "id = \"wide\"\nname = \"Ids of 4-byte characters\"\n",
    )
    .unwrap();
    std::fs::write(
        catalogue.join("controls.csv"),
        format!("id,section,major,middle,text\n{id},S,M,m,control\n"),
    )
    .unwrap();
    std::fs::write(
        work.path().join("wide.csv"),
        format!("id,status\n{id},not_implemented\n"),
    )
    .unwrap();
    std::fs::write(
        work.path().join("wide.toml"),
        format!("[[pack]]\nname = \"wide\"\ncatalogue = \"wide\"\noverlays = [\"wide.csv\"]\ndate = \"{DATE}\"\nformats = [\"md\"]\nout = \"out\"\n"),
    )
    .unwrap();
    let out = pack_here(work.path(), "wide.toml");
    assert!(out.status.success(), "{}", outcome(&out));
    let tickets = listing(&work.path().join("out/wide/tickets"));
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert!(tickets[0].len() <= 255, "{}", tickets[0].len());
}
