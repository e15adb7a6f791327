//! The working directory: packs and reports do not depend on it or show its paths.

use super::*;

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
