//! Baselines: missing, mismatched, another pack's, the README's nightly recipe.

use super::*;

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
    // What the recipe's secrets step writes: the CI's key and the allowed signers.
    let keys = work.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "ci", "-f"])
        .arg(keys.join("pack_ed25519"))
        .output()
        .expect("ssh-keygen (OpenSSH) is installed");
    assert!(made.status.success(), "{}", outcome(&made));
    let public = std::fs::read_to_string(keys.join("pack_ed25519.pub")).unwrap();
    std::fs::write(
        keys.join("allowed_signers"),
        format!("ci@example.com namespaces=\"kansa-pack\" {public}"),
    )
    .unwrap();
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
    assert!(pack_dir.join("SHA256SUMS.sig").is_file(), "signed");
    assert!(manifest(&pack_dir)["signer"]["fingerprint"].is_string());
    let log = stderr(&out);
    assert!(log.contains("\"baseline\":true"), "{log}");
    assert!(!log.contains("not evaluated"), "{log}");
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
