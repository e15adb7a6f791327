//! Names: colliding, empty, nested, too long, and tickets unique ignoring case.

use super::*;

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
