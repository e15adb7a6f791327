//! Config traps: `fail_under`, a new user's mistakes, the exact coverage gate.

use super::*;

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
