//! `kansa pack` and `kansa verify`: packs, integrity, baselines, gates, atomicity.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{kansa, outcome, root};

/// Every file of a directory tree, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A config in `dir` whose overlays are the example ones plus `extra` (absolute paths).
fn write_config(dir: &Path, body_extra: &str, overlays: &[PathBuf]) -> PathBuf {
    let list: Vec<String> = overlays
        .iter()
        .map(|p| format!("{:?}", p.display().to_string()))
        .collect();
    let cfg = format!(
        "[[pack]]\nname = \"bank\"\norganisation = \"架空銀行（例）\"\noverlays = [{}]\ndate = \"2026-11-25\"\nformats = [\"md\", \"html\", \"pdf\", \"xlsx\"]\n{body_extra}",
        list.join(", ")
    );
    let path = dir.join("kansa.toml");
    std::fs::write(&path, cfg).unwrap();
    path
}

fn example_overlays() -> Vec<PathBuf> {
    crate::EXAMPLE_ANSWERS
        .iter()
        .map(|p| root().join(p))
        .collect()
}

pub(crate) fn run_pack(config: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    kansa()
        .arg("pack")
        .arg(config)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn example_pack_is_complete_and_verifies() {
    let out = tempfile::tempdir().unwrap();
    let res = run_pack(
        &root().join("examples/example-bank/kansa.toml"),
        out.path(),
        &[],
    );
    assert!(res.status.success(), "{}", outcome(&res));
    let pack = out.path().join("example-bank");
    let files = tree(&pack);
    for name in [
        "report.md",
        "report.html",
        "assessment.json",
        "gaps.csv",
        "answers-merged.csv",
        "summary.md",
        "manifest.json",
        "SHA256SUMS",
    ] {
        assert!(files.contains_key(name), "missing {name}");
    }
    let assessment: serde_json::Value = serde_json::from_slice(&files["assessment.json"]).unwrap();
    let gaps = assessment["gaps"].as_array().unwrap().len();
    let tickets = files.keys().filter(|k| k.starts_with("tickets/")).count();
    assert_eq!(tickets, gaps, "one ticket per gap");
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(
        manifest["evidence"].as_array().unwrap().len(),
        2,
        "evidence files hashed"
    );
    assert_eq!(manifest["inputs"][1]["path"], "example-bank/answers.csv");
    let sums = String::from_utf8(files["SHA256SUMS"].clone()).unwrap();
    assert_eq!(
        sums.lines().count(),
        files.len() - 1,
        "every file but SHA256SUMS listed"
    );

    let ok = kansa().arg("verify").arg(&pack).output().unwrap();
    assert!(ok.status.success(), "{}", outcome(&ok));
    // One byte of any file changed (here a ticket and the manifest) → exit 1, named.
    for victim in [
        format!(
            "tickets/{}",
            files
                .keys()
                .find(|k| k.starts_with("tickets/"))
                .unwrap()
                .trim_start_matches("tickets/")
        ),
        "manifest.json".to_owned(),
    ] {
        let path = pack.join(&victim);
        let original = std::fs::read(&path).unwrap();
        let mut bytes = original.clone();
        bytes[10] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let bad = kansa().arg("verify").arg(&pack).output().unwrap();
        assert_eq!(bad.status.code(), Some(1));
        let text = String::from_utf8_lossy(&bad.stdout);
        assert!(text.contains(&format!("CHANGED   {victim}")), "{text}");
        std::fs::write(&path, original).unwrap();
    }
    std::fs::remove_file(pack.join("summary.md")).unwrap();
    let missing = kansa().arg("verify").arg(&pack).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stdout).contains("MISSING   summary.md"));
}

#[test]
fn same_inputs_give_byte_identical_packs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = root().join("examples/example-bank/kansa.toml");
    assert!(run_pack(&config, a.path(), &["--quiet"]).status.success());
    assert!(run_pack(&config, b.path(), &["--quiet"]).status.success());
    assert_eq!(
        tree(&a.path().join("example-bank")),
        tree(&b.path().join("example-bank"))
    );
}

#[test]
fn baseline_regression_trips_the_gate_and_shows_in_every_format() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("packs");
    let base_cfg = write_config(work.path(), "", &example_overlays());
    assert!(run_pack(&base_cfg, &out, &[]).status.success());
    let baseline = work.path().join("baseline");
    std::fs::rename(out.join("bank"), &baseline).unwrap();

    // 運24 was implemented; tonight it is partial. 運26 (partial) gets fixed.
    let tonight = work.path().join("tonight.csv");
    std::fs::write(
        &tonight,
        "id,status,owner\n運24,partial,事務統括部 高橋\n運26,implemented,\n",
    )
    .unwrap();
    let mut overlays = example_overlays();
    overlays.push(tonight);
    let cfg = write_config(work.path(), "", &overlays);
    let res = run_pack(
        &cfg,
        &out,
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--fail-on",
            "regression",
        ],
    );
    assert_eq!(res.status.code(), Some(1), "{}", outcome(&res));
    let err = String::from_utf8_lossy(&res.stderr);
    let gate_lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("gate failed"))
        .collect();
    assert_eq!(
        gate_lines,
        ["gate failed: pack bank: 1 regression(s) since 2026-11-25: 運24"],
        "{err}"
    );

    let files = tree(&out.join("bank"));
    let text = |n: &str| String::from_utf8(files[n].clone()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&files["assessment.json"]).unwrap();
    assert_eq!(json["changes"]["regressions"][0]["id"], "運24");
    assert_eq!(json["changes"]["opened"][0]["id"], "運24");
    assert_eq!(json["changes"]["closed"][0]["id"], "運26");
    assert!(text("report.md").contains("### 後退 (1)"), "markdown");
    assert!(
        text("report.md")
            .contains("| [運24](#c-運24) | データの入力管理を行うこと。 | 実施済 | 一部実施 |")
    );
    assert!(
        text("report.html").contains("<table class=\"changes-regressions\">"),
        "html"
    );
    assert!(
        text("summary.md").contains("- ↓ 運24 実施済 → 一部実施"),
        "summary"
    );
    assert!(
        text("summary.md").contains("- ✓ 運26"),
        "summary lists closed gaps"
    );
    let pdf = pdf_extract::extract_text_from_mem(&files["report.pdf"]).unwrap();
    let pdf: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(pdf.contains("後退(1)"), "pdf has the changes section");
    assert!(
        pdf.contains("運24データの入力管理を行うこと。実施済一部実施"),
        "pdf lists the regression"
    );
    assert!(files.contains_key("report.xlsx"));

    // Without the gate the same findings are data only: exit 0.
    let res = run_pack(&cfg, &out, &["--baseline", baseline.to_str().unwrap()]);
    assert!(res.status.success(), "{}", outcome(&res));
    // new-gaps trips on the same change; fail-under on coverage.
    let res = run_pack(
        &cfg,
        &out,
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--fail-on",
            "new-gaps",
        ],
    );
    assert_eq!(res.status.code(), Some(1));
    let res = run_pack(&cfg, &out, &["--fail-under", "99.5"]);
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("is under 99.5%"));
}

#[test]
fn failures_leave_the_previous_pack_intact() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("packs");
    // An empty evidence root: every referenced file is missing (a missing root is one message).
    std::fs::create_dir(work.path().join("ev")).unwrap();
    let cfg = write_config(work.path(), "evidence_root = \"ev\"\n", &example_overlays());
    assert!(run_pack(&cfg, &out, &[]).status.success());
    let before = tree(&out.join("bank"));

    // A bad overlay: exit 2, nothing replaced, no temporary left.
    let bad = work.path().join("bad.csv");
    std::fs::write(&bad, "id,status\n運24,maybe\n").unwrap();
    let mut overlays = example_overlays();
    overlays.push(bad);
    let bad_cfg = write_config(work.path(), "evidence_root = \"ev\"\n", &overlays);
    let res = run_pack(&bad_cfg, &out, &[]);
    assert_eq!(res.status.code(), Some(2), "{}", outcome(&res));
    assert_eq!(tree(&out.join("bank")), before);

    // Missing evidence files: a warning, or with --strict an error after rendering.
    let cfg = write_config(work.path(), "evidence_root = \"ev\"\n", &example_overlays());
    let warn = run_pack(&cfg, &out, &[]);
    assert!(String::from_utf8_lossy(&warn.stderr).contains("evidence file not found"));
    let before = tree(&out.join("bank"));
    let strict = run_pack(&cfg, &out, &["--strict"]);
    assert_eq!(strict.status.code(), Some(2), "{}", outcome(&strict));
    assert_eq!(tree(&out.join("bank")), before);

    // An output root that is a file: exit non-zero, previous pack elsewhere untouched.
    let file_root = work.path().join("not-a-dir");
    std::fs::write(&file_root, "x").unwrap();
    let res = run_pack(&cfg, &file_root, &[]);
    assert!(!res.status.success());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["bank"], "no temporary directories left");
}

#[test]
fn hostile_ids_stay_inside_tickets_and_csv_neutralises_formulas() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("controls.csv"),
        "id,section,major,middle,text\n../../escape,S,M,m,one\nCON,S,M,m,two\na/b\\c,S,M,m,three\n=cmd|' /C calc'!A0,S,M,m,=1+1\n",
    )
    .unwrap();
    std::fs::write(
        work.path().join("answers.csv"),
        "id,status,owner\nCON,partial,=HYPERLINK(\"http://x\")\n",
    )
    .unwrap();
    std::fs::write(
        work.path().join("kansa.toml"),
        "[[pack]]\nname = \"../../hostile name\"\ncatalogue = \"controls.csv\"\noverlays = [\"answers.csv\"]\ndate = \"2026-11-25\"\nformats = [\"md\"]\nout = \"packs\"\n",
    )
    .unwrap();
    let res = kansa()
        .arg("pack")
        .arg(work.path().join("kansa.toml"))
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", outcome(&res));
    let packs = work.path().join("packs");
    let dirs: Vec<_> = std::fs::read_dir(&packs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let pack = &dirs[0];
    assert!(pack.starts_with(&packs));
    let files = tree(pack);
    let tickets: Vec<&String> = files.keys().filter(|k| k.starts_with("tickets/")).collect();
    assert_eq!(tickets.len(), 4);
    for t in &tickets {
        let name = t.trim_start_matches("tickets/");
        assert!(
            !name.contains('/') && !name.contains('\\') && !name.starts_with('.'),
            "{t}"
        );
    }
    // gaps.csv read back as CSV: same rows, BOM stripped, formulas neutralised.
    let bytes = &files["gaps.csv"];
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 4);
    let con = rows.iter().find(|r| &r[1] == "CON").unwrap();
    assert_eq!(&con[9], "'=HYPERLINK(\"http://x\")", "owner neutralised");
    let evil = rows.iter().find(|r| r[1].contains("cmd")).unwrap();
    assert!(evil[1].starts_with("'="), "{:?}", &evil[1]);
    assert_eq!(&evil[5], "'=1+1");
}

#[test]
fn several_packs_build_in_parallel() {
    let work = tempfile::tempdir().unwrap();
    let overlays: Vec<String> = example_overlays()
        .iter()
        .map(|p| format!("{:?}", p.display().to_string()))
        .collect();
    let mut cfg = String::new();
    for name in ["a", "b", "c"] {
        cfg.push_str(&format!(
            "[[pack]]\nname = \"{name}\"\noverlays = [{}]\ndate = \"2026-11-25\"\nformats = [\"md\"]\n",
            overlays.join(", ")
        ));
    }
    std::fs::write(work.path().join("kansa.toml"), cfg).unwrap();
    let out = work.path().join("out");
    let res = run_pack(
        &work.path().join("kansa.toml"),
        &out,
        &["--jobs", "2", "--log-format", "json"],
    );
    assert!(res.status.success(), "{}", outcome(&res));
    let logs: Vec<serde_json::Value> = String::from_utf8_lossy(&res.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON log line"))
        .collect();
    assert_eq!(logs.len(), 3);
    assert!(logs.iter().all(|l| l["event"] == "pack"));
    for name in ["a", "b", "c"] {
        assert!(out.join(name).join("SHA256SUMS").exists());
    }
    assert_eq!(
        tree(&out.join("a"))["report.md"],
        tree(&out.join("c"))["report.md"]
    );
}

#[test]
fn validate_sarif_points_at_the_line() {
    let res = kansa()
        .args([
            "validate",
            "--format",
            "sarif",
            "--answers",
            "tests/fixtures/validate/bad-values/answers.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    let sarif: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "tests/fixtures/validate/bad-values/answers.csv"
    );
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 2);
    assert_eq!(results[0]["ruleId"], "unknown-status");
    let json = kansa()
        .args([
            "validate",
            "--format",
            "json",
            "--answers",
            "tests/fixtures/validate/bad-values/answers.csv",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["count"], 5);
    assert_eq!(v["problems"][0]["column_name"], "status");
}

/// Closed-set keys of kansa.toml are parsed into their enums: an unknown value (here a paper
/// size, which used to become A4 without a word) is a located config error listing the allowed
/// values, exit 2, and nothing is written.
#[test]
fn unknown_config_value_is_a_located_error() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("packs");
    let cfg = write_config(work.path(), "paper = \"legal\"\n", &example_overlays());
    let res = run_pack(&cfg, &out, &[]);
    assert_eq!(res.status.code(), Some(2), "{}", outcome(&res));
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        stderr.contains(
            "kansa.toml:7:9: invalid config: paper: unknown value \"legal\"; allowed values: a4, letter"
        ),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}
