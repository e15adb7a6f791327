//! What may be replaced: web sites, inputs, directories holding inputs, aside copies.

use super::*;

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
