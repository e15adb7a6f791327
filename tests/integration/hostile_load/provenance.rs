//! Provenance labels: unique, and independent of the working directory.

use super::*;

/// The sources of one control in a JSON report.
fn json_sources(json: &serde_json::Value, id: &str) -> serde_json::Value {
    for s in json["sections"].as_array().unwrap() {
        for m in s["majors"].as_array().unwrap() {
            for mid in m["middles"].as_array().unwrap() {
                for c in mid["controls"].as_array().unwrap() {
                    if c["id"] == id {
                        return c["sources"].clone();
                    }
                }
            }
        }
    }
    panic!("no control {id}");
}

/// `report -f json` run in `cwd` with these overlays: the input labels and the sources of 設1.
fn labels_and_sources(cwd: &std::path::Path, answers: &[&str]) -> (Vec<String>, serde_json::Value) {
    let mut cmd = kansa();
    cmd.current_dir(cwd)
        .args(["report", "-f", "json", "--date", crate::hostile::DATE]);
    for a in answers {
        cmd.args(["--answers", a]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let labels = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect();
    (labels, json_sources(&json, "設1"))
}

/// Provenance labels tell overlays of the same name apart (`aws/2012/answers.csv` and
/// `bank/2012/answers.csv` were both `2012/answers.csv`), and do not change with the directory
/// kansa runs in or the spelling of the paths (relative, `..`, absolute).
#[test]
fn provenance_labels_are_unique_and_independent_of_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (who, status, owner) in [("aws", "implemented", ""), ("bank", "", "総務部")] {
        let folder = root.join(who).join("2012");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join("answers.csv"),
            format!("id,status,owner\n設1,{status},{owner}\n"),
        )
        .unwrap();
    }
    std::fs::create_dir_all(root.join("work/deeper")).unwrap();
    let want_labels = ["aws/2012/answers.csv", "bank/2012/answers.csv"];
    let abs = |p: &str| root.join(p).display().to_string();
    let runs: [(std::path::PathBuf, [String; 2]); 3] = [
        (
            root.to_path_buf(),
            [
                "aws/2012/answers.csv".into(),
                "./bank/2012/answers.csv".into(),
            ],
        ),
        (
            root.join("work/deeper"),
            [
                "../../aws/2012/answers.csv".into(),
                "../../work/../bank/2012/answers.csv".into(),
            ],
        ),
        (
            crate::root(),
            [abs("aws/2012/answers.csv"), abs("bank/2012/answers.csv")],
        ),
    ];
    for (cwd, answers) in &runs {
        let answers: Vec<&str> = answers.iter().map(String::as_str).collect();
        let (labels, sources) = labels_and_sources(cwd, &answers);
        assert_eq!(labels, want_labels, "from {}", cwd.display());
        assert_eq!(sources["status"], "aws/2012/answers.csv");
        assert_eq!(sources["owner"], "bank/2012/answers.csv");
    }
    // The same file twice: the second is its own layer, with its own label.
    let (labels, sources) = labels_and_sources(
        root,
        &[
            "aws/2012/answers.csv",
            "bank/2012/answers.csv",
            "aws/2012/answers.csv",
        ],
    );
    assert_eq!(
        labels,
        [
            "aws/2012/answers.csv",
            "bank/2012/answers.csv",
            "aws/2012/answers.csv (2)"
        ]
    );
    assert_eq!(sources["status"], "aws/2012/answers.csv (2)");
}

/// A repeated file's `(2)` label never equals the label of a real file named `answers.csv (2)`:
/// the repeat takes more of its path.
#[test]
fn repeat_labels_do_not_collide_with_files_named_like_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (folder, name, status) in [
        ("x/2012", "answers.csv", "implemented"),
        ("z/2012", "answers.csv (2)", "partial"),
    ] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        std::fs::write(
            root.join(folder).join(name),
            format!("id,status\n設1,{status}\n"),
        )
        .unwrap();
    }
    let (labels, sources) = labels_and_sources(
        root,
        &[
            "x/2012/answers.csv",
            "x/2012/answers.csv",
            "z/2012/answers.csv (2)",
        ],
    );
    assert_eq!(
        labels,
        ["answers.csv", "2012/answers.csv (2)", "answers.csv (2)"]
    );
    assert_eq!(sources["status"], "answers.csv (2)", "the z file, last");
}
